"""What judging a year gives: each indicator's result with its failing institutions, task
progress, and the whole evaluation in the `evaluate --json` shape of contract.md."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reports.judge.profiles import Target

@dataclass(frozen=True)
class Failing:
    """An institution that falls short, with its own figure and what it would take to pass."""

    institution: str
    institution_id: str
    value: float | int | None
    gap: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"institution": self.institution, "value": self.value, "gap": self.gap,
                "institution_id": self.institution_id}


@dataclass(frozen=True)
class Result:
    id: str
    name: str
    section: str
    kind: str
    is_inst: bool
    value: float | int | None
    numerator: int | None
    denominator: int | None
    target: Target | None
    met: bool | None
    gap: str | None
    failing: tuple[Failing, ...]
    previous_value: float | int | None
    # Institutions counted in the year that have not reported what this indicator reads: kept
    # apart from `failing` (they may well pass), and never a reason to pass.
    not_reported: tuple[Failing, ...] = ()
    # Whether the result waits for those reports: what they hold could still decide it (a share
    # that would pass if they all passed, a sum that leaves them out). Then `met` is None: 待填报.
    pending: bool = False
    note: str | None = None  # how the value was reached, where a reviewer would ask
    # 无数据 because the county has no institution of the kind it counts (no 社区卫生服务站):
    # still never a pass, but no report can fill it (wording.no_institution_text says so).
    no_institution: bool = False
    # The standard lists the indicator at 0 points (只统计，不计分; its own points decide, an
    # imported 评分表 may score it): its value and reference target are shown, never a 达标 or
    # 未达标 the county is judged by, never a 整改 line. Not in the JSON: its score item's state
    # (不计分) already says so.
    statistic: bool = False
    # The thresholds the value is judged by (its target's bounds, each scoring step of its
    # item): a share is never shown rounded onto one it has not reached (wording.percent).
    marks: tuple[float, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out = {
            "id": self.id, "name": self.name, "value": self.value,
            "numerator": self.numerator, "denominator": self.denominator,
            "target": self.target.to_dict() if self.target else None,
            "met": self.met, "gap": self.gap,
            "failing": [f.to_dict() for f in self.failing],
            "previous_value": self.previous_value,
            "not_reported": [{"institution": f.institution, "institution_id": f.institution_id,
                              "missing": f.gap} for f in self.not_reported],
            "pending": self.pending,
        }
        if self.note:
            out["note"] = self.note  # added (issue 16), only where there is something to say
        return out


# The states of a scored item (scoring.py).
SCORED, PARTLY, ZERO, NO_DATA, OFF, UNSCORED = "得分", "部分得分", "不得分", "无数据", "不适用", "不计分"
# An indicator that waits for institutions to report (Result.pending) scores nothing until they do.
PENDING = "待填报"


@dataclass(frozen=True)
class ItemScore:
    id: str
    code: str
    section: str
    text: str
    points: float | None  # None where the item does not apply
    max: float
    veto: bool
    state: str  # 得分 / 部分得分 / 不得分 / 无数据 / 待填报 / 不适用 / 不计分
    reason: str  # why, in words a reviewer reads
    indicator: str | None = None

    @property
    def veto_failed(self) -> bool:
        return self.veto and self.state not in (SCORED, OFF)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "code": self.code, "text": self.text, "points": self.points,
                "max": self.max, "veto": self.veto, "state": self.state, "reason": self.reason,
                "indicator": self.indicator}


@dataclass(frozen=True)
class Score:
    standard_id: str
    standard_name: str
    total: float
    max: float
    pass_mark: float
    items: tuple[ItemScore, ...]

    @property
    def veto_failures(self) -> list[ItemScore]:
        return [i for i in self.items if i.veto_failed]

    @property
    def passed(self) -> bool:
        return not self.veto_failures and self.total >= self.pass_mark

    def item(self, item_id: str) -> ItemScore | None:
        return next((i for i in self.items if i.id == item_id), None)

    def for_indicator(self, indicator_id: str) -> ItemScore | None:
        return next((i for i in self.items if i.indicator == indicator_id), None)

    def to_dict(self) -> dict[str, Any]:
        return {"standard": self.standard_id, "name": self.standard_name, "total": self.total,
                "max": self.max, "pass_mark": self.pass_mark, "passed": self.passed,
                "veto_failures": [i.id for i in self.veto_failures],
                "items": [i.to_dict() for i in self.items]}


@dataclass(frozen=True)
class TaskProgress:
    total: int
    done: int
    overdue: int

    def to_dict(self) -> dict[str, int]:
        return {"total": self.total, "done": self.done, "overdue": self.overdue}


@dataclass(frozen=True)
class Unreported:
    """An institution counted in the year that lacks some part it must report (progress.py):
    partly reported is not reported."""

    name: str
    id: str
    township: str | None
    missing: str  # '缺人员、诊疗量' or '本年度数据均未填报'
    parts: tuple[str, ...]  # the parts missing, as 填报进度 names them

    def to_dict(self) -> dict[str, Any]:
        return {"institution": self.name, "institution_id": self.id, "township": self.township,
                "missing": self.missing, "missing_parts": list(self.parts)}


@dataclass(frozen=True)
class Evaluation:
    county: str
    year: int
    profile_id: str
    profile_name: str
    results: tuple[Result, ...]
    tasks: TaskProgress
    # Institutions counted in the year that have not reported every part asked of them.
    unreported: tuple[Unreported, ...] = ()
    score: Score | None = None
    # A township's fill-in file: the township, and the ids (indicators and scored items) only the
    # county's merged data can judge (scoring.county_level). Empty for a county's own file.
    township_scope: str | None = None
    county_level: frozenset[str] = frozenset()
    # Years the file holds any facts for, ascending: to say so when `year` has none at all.
    data_years: tuple[int, ...] = ()
    # The year's 填报进度 with what the indicators wait for (reports.judge.progress): the lists of
    # 未填报 everywhere are taken from it.
    progress: Any = field(default=None, compare=False, repr=False)

    @property
    def no_data_at_all(self) -> bool:
        return self.year not in self.data_years

    @property
    def previous_year(self) -> int | None:
        """The year before, where the file holds data for it: the only year a 上年 column or a
        comparison with last year may name (a county that began this year has none to compare)."""
        return self.year - 1 if self.year - 1 in self.data_years else None

    def result(self, indicator_id: str) -> Result | None:
        return next((r for r in self.results if r.id == indicator_id), None)

    def to_dict(self) -> dict[str, Any]:
        """The `evaluate --json` shape of contract.md, with its additions (not_reported; the
        `score` block after the contract's keys)."""
        out = {"county": self.county, "year": self.year, "profile": self.profile_id,
               "indicators": [r.to_dict() for r in self.results],
               "tasks": self.tasks.to_dict(),
               "not_reported": [u.to_dict() for u in self.unreported]}
        if self.score is not None:
            out["score"] = self.score.to_dict()
        if self.township_scope:
            # Added: a township's file marks what the county judges after merging.
            out["township_scope"] = self.township_scope
            for part in (out["indicators"], out.get("score", {}).get("items", [])):
                for entry in part:
                    if entry["id"] in self.county_level:
                        entry["county_level"] = True
        return out
