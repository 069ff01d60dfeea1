"""Everything the self-evaluation report prints for one year, read from the county file once:
the evaluation, last year's standing, the trend of earlier years, each institution's figures,
the activity counts behind D1–D5 and the task list. No layout here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
import datetime as _dt
from typing import TYPE_CHECKING, Any

from db.vocab import CENTRE_TYPES, STATION_TYPES, institution_key, pinyin_key

from reports.judge.checks import Finding, find_checks
from reports.judge.evaluation import evaluate, indicator_values
from reports.judge.progress import Progress
from reports.judge.facts import load_facts
from reports.judge import matrix, review
from reports.judge import profiles
from reports.judge.standard import Standard, for_county, shipped
from reports.plan import arranged
from reports.plan.path import rectification_order
from reports.plan.evidence import evidence_entries
from reports.judge.results import Evaluation, Result
from reports.judge.wording import STATISTIC

if TYPE_CHECKING:
    from db.county import CountyFile

    from reports.judge.profiles import Profile

TREND_YEARS = 5
DONE = "已完成"
LATE = "已延期"


@dataclass(frozen=True)
class Task:
    number: str
    category: str
    text: str
    lead_unit: str
    assist_units: str
    deadline: str
    status: str
    overdue: bool


@dataclass(frozen=True)
class TrendYear:
    """One year of the trend: each indicator's value, judged by the reported year's profile."""

    year: int
    values: dict[str, float | int | None]

    def value(self, indicator_id: str) -> float | int | None:
        return self.values.get(indicator_id)


@dataclass
class ReportData:
    county: str
    year: int
    today: _dt.date
    evaluation: Evaluation
    profile: Profile
    previous_status: dict[str, str]  # indicator id → 达标 / 未达标 / 无数据 / 不考核, last year
    trend: list[TrendYear]  # earlier years with data, then this year, ascending
    institutions: list[dict[str, Any]]  # active this year, with this year's figures and township
    activity: dict[str, dict[str, int]]  # institution id → D1..D5 → count
    minimums: dict[str, tuple[str, int]]  # D1..D5 switched on → (activity kind, minimum)
    tasks: list[Task]
    standard: Standard = field(default_factory=shipped)
    evidence: list[Any] = field(default_factory=list)  # reports.plan.evidence.Entry, binder order
    phases: list[dict[str, Any]] = field(default_factory=list)
    # 模拟现场评审 (issue 17): the year's reviews scored, oldest first; the appendix reports the
    # latest and lists the earlier scores.
    reviews: list[Any] = field(default_factory=list)
    progress: Progress | None = None  # who has reported; a draft while anything is missing
    unchecked: list[Finding] = field(default_factory=list)  # 数据核查 not yet marked 已核实
    # 达标路径 (issue 28): item and indicator ids → their place in the path, so the 整改清单
    # lists first what the county should do first.
    path_order: dict[str, int] = field(default_factory=dict)
    # 达标路径's 已安排 (reports.plan.arranged) by the standard's item: who and by when, printed
    # in the 整改清单's 完成时限 instead of a blank to fill in by hand.
    arranged: dict[str, list[Any]] = field(default_factory=dict)

    @property
    def is_draft(self) -> bool:
        return self.progress is not None and self.progress.is_draft

    def __post_init__(self) -> None:
        self._by_id = {i["id"]: i for i in self.institutions}

    @property
    def results(self) -> tuple[Result, ...]:
        return self.evaluation.results

    def in_scope(self, types: tuple[str, ...]) -> list[dict[str, Any]]:
        return [i for i in self.institutions if i["type"] in types]

    @property
    def centres(self) -> list[dict[str, Any]]:
        return self.in_scope(CENTRE_TYPES)

    @property
    def stations(self) -> list[dict[str, Any]]:
        return self.in_scope(STATION_TYPES)

    def institution(self, institution_id: str) -> dict[str, Any]:
        return self._by_id.get(institution_id, {})


Tick = Callable[[str], None]


def gather(county: CountyFile, year: int, profile_id: str | None, today: _dt.date,
           tick: Tick) -> ReportData:
    """Read what the report needs; `tick` is told each step, for the progress bar."""
    tick("计算指标")
    evaluation = evaluate(county, year, profile_id, today=today)
    # the evaluation's 未填报 and the draft note share it
    state: Progress = evaluation.progress
    profile = profiles.get_profile(county, evaluation.profile_id)
    institutions = _institutions(county, year)
    evaluation = _in_register_order(evaluation, institutions)
    rank = {inst["id"]: n for n, inst in enumerate(institutions)}
    state.institutions.sort(key=lambda i: rank.get(i.id, len(rank)))  # the draft note's names
    tick("计算历年变化")
    trend = _trend(county, evaluation, profile)
    tick("读取机构数据")
    return ReportData(
        county=evaluation.county, year=year, today=today, evaluation=evaluation, profile=profile,
        previous_status={r.id: previous_status(r) for r in evaluation.results},
        trend=trend,
        institutions=institutions,
        activity=matrix.activity_counts(county, year),
        minimums=matrix.minimum_counts(county, profile),
        tasks=_tasks(county, today),
        standard=for_county(county),
        evidence=evidence_entries(county, year),
        phases=county.rows("phase", order="ord, start_date, name"),
        reviews=[review.score_review(county, r["id"], evaluation)
                 for r in review.reviews(county, year)],
        progress=state,
        unchecked=[f for f in find_checks(county, year) if not f.verified],
        path_order=rectification_order(county, evaluation, today),
        arranged=_arranged(county, year),
    )


def previous_status(r: Result) -> str:
    """Last year's standing, judged against this year's target (the profile being reported)."""
    if r.statistic:
        return STATISTIC  # 0 points: last year's figure is a statistic too
    if r.previous_value is None:
        return "无数据"
    if r.target is None:
        return "不考核"
    return "达标" if r.target.holds(r.previous_value) else "未达标"


def _trend(county: CountyFile, evaluation: Evaluation, profile: Profile) -> list[TrendYear]:
    """Up to TREND_YEARS years ending with the reported one; earlier years only where the file
    holds facts, so a county that began last year does not show empty years before it. Earlier
    years need only their values, not a whole evaluation each."""
    year = evaluation.year
    earlier = [y for y in evaluation.data_years if y < year][-(TREND_YEARS - 1):]
    return [TrendYear(y, indicator_values(county, y, profile)) for y in earlier] + [
        TrendYear(year, {r.id: r.value for r in evaluation.results})]


def _institutions(county: CountyFile, year: int) -> list[dict[str, Any]]:
    """Each under the township it belongs to in the year reported (db.townships), as a Chinese
    register reads: townships in pinyin order, then type and name."""
    rows = [{**row, "township": row["township"] or ""}
            for row in load_facts(county, year).institutions]
    return sorted(rows, key=lambda r: (pinyin_key(r["township"]), institution_key(r)))


def _in_register_order(evaluation: Evaluation, institutions: list[dict[str, Any]]) -> Evaluation:
    """The evaluation with every list of institutions (failing, not reported) in the register's
    order of `institutions`, not the file's."""
    rank = {inst["id"]: n for n, inst in enumerate(institutions)}

    def ordered(items: Any, key: str = "institution_id") -> tuple[Any, ...]:
        return tuple(sorted(items, key=lambda f: rank.get(getattr(f, key), len(rank))))

    results = tuple(replace(r, failing=ordered(r.failing), not_reported=ordered(r.not_reported))
                    for r in evaluation.results)
    return replace(evaluation, results=results, unreported=ordered(evaluation.unreported, "id"))


_TASKS_SQL = """
SELECT * FROM task WHERE deleted = 0
ORDER BY number IS NULL, CAST(number AS INTEGER), number, text, id
"""


def _tasks(county: CountyFile, today: _dt.date) -> list[Task]:
    """The task list in its own numbering; overdue as the indicator engine counts it."""
    out = []
    for row in county.query(_TASKS_SQL):
        status = row["status"]
        deadline = row["deadline"] or ""
        overdue = status != DONE and (status == LATE or (bool(deadline)
                                                         and deadline < today.isoformat()))
        out.append(Task(row["number"] or "", row["category"] or "", row["text"],
                        row["lead_unit"] or "", row["assist_units"] or "", deadline, status,
                        overdue))
    return out


def _arranged(county: CountyFile, year: int) -> dict[str, list[Any]]:
    """The year's complete arrangements (someone named and a date set) by item id, earliest due
    first."""
    out: dict[str, list[Any]] = {}
    for a in sorted(arranged.read(county, year).values(),
                    key=lambda a: (a.due_date or "", a.person or "")):
        if a.complete:
            out.setdefault(a.item_id, []).append(a)
    return out
