"""进度: yearly minimums (each centre's 宣传栏更换, 健康咨询, 讲座 … of D1–D5, and a county-wide yearly
count a profile sets a target for, such as 进校园) counted to date against the share of the year
gone, so that a 4-times-a-year minimum reads 落后 in September with 1 of 4.

Expected by today = the minimum × the share of the year gone, rounded down: in January nothing is
due yet, on 1 September two of four. A year that is over is all gone (what falls short is 未达到);
one not begun has nothing due. Only what is still below its minimum is listed.
"""

from __future__ import annotations

from dataclasses import dataclass
import datetime as _dt
from fractions import Fraction
import math
from typing import TYPE_CHECKING, Any

from reports.judge import profiles
from reports.judge.catalogue import ACTIVITY_MINIMUMS, BY_ID
from reports.judge.evaluation import compute
from reports.judge.facts import Facts, load_facts
from reports.judge.results import Evaluation, Failing

if TYPE_CHECKING:
    from db.county import CountyFile

BEHIND, ON_PACE, SHORT = "落后", "进度正常", "未达到"


def year_gone(year: int, today: _dt.date) -> Fraction:
    """The share of `year` gone by the end of `today`: 0 before it starts, 1 once it is over."""
    first, last = _dt.date(year, 1, 1), _dt.date(year, 12, 31)
    if today < first:
        return Fraction(0)
    if today >= last:
        return Fraction(1)
    return Fraction((today - first).days + 1, (last - first).days + 1)


@dataclass(frozen=True)
class Pace:
    indicator: str
    what: str  # 宣传栏更换, 健康讲座 … (the indicator's name for a county count)
    unit: str  # 次 | 种
    institution: str | None  # None: the county as a whole
    institution_id: str | None
    township: str | None
    count: int
    minimum: int
    expected: int  # due by today
    status: str  # 落后 | 进度正常 | 未达到
    reported: bool = True  # False: neither figures nor activities have arrived

    @property
    def text(self) -> str:
        """'宣传栏更换 1/4 次（到今天应有 2 次）'"""
        due = f"（到今天应有 {self.expected} {self.unit}）" if self.status == BEHIND else ""
        return f"{self.what} {self.count}/{self.minimum} {self.unit}{due}"

    def to_dict(self) -> dict[str, Any]:
        return {"indicator": self.indicator, "what": self.what, "institution": self.institution,
                "institution_id": self.institution_id, "township": self.township,
                "count": self.count, "minimum": self.minimum, "expected": self.expected,
                "unit": self.unit, "status": self.status}


def _status(count: int, expected: int, gone: Fraction) -> str:
    if gone >= 1:
        return SHORT
    return BEHIND if count < expected else ON_PACE


def pace(evaluation: Evaluation, profile: profiles.Profile, to_date: Facts,
         towns: dict[str, str | None], today: _dt.date) -> list[Pace]:
    """Every yearly minimum still not reached by `today`, counted from `to_date` (the year's
    facts with activities up to today): 落后 first, then by township (`towns`, as
    path.townships reads them) and name."""
    gone = year_gone(evaluation.year, today)
    out: list[Pace] = []
    for r in evaluation.results:
        if r.id in evaluation.county_level:
            continue
        setting = profile.setting(r.id)
        ind = BY_ID[r.id]
        if r.is_inst and isinstance(setting.threshold.get("count"), int):
            minimum = setting.threshold["count"]
            _kind, _distinct, unit, noun = ACTIVITY_MINIMUMS.get(r.id, ("", False, "次", r.name))
            expected = math.floor(minimum * gone)
            outcome = compute(r.id, to_date, setting)
            # Those not yet reporting have done nothing to date as far as the books show.
            short = [*outcome.failing, *outcome.waiting] if outcome.value is not None else [
                Failing(i["name"], i["id"], 0, None) for i in to_date.in_scope(ind.scope)]
            for f in short:
                count = int(f.value) if isinstance(f.value, (int, float)) else 0
                out.append(Pace(r.id, noun, unit, f.institution, f.institution_id,
                                towns.get(f.institution_id), count, minimum, expected,
                                _status(count, expected, gone), f.value is not None))
        elif (r.kind == "count" and not r.is_inst and ind.reads == "activity"
              and r.target is not None and r.target.op == ">="):
            minimum = math.ceil(r.target.value or 0)
            value = compute(r.id, to_date, setting).value
            count = int(value) if value is not None else 0
            if count < minimum:
                expected = math.floor(minimum * gone)
                out.append(Pace(r.id, r.name, "次", None, None, None, count, minimum,
                                expected, _status(count, expected, gone)))
    out.sort(key=lambda p: (p.status != BEHIND, p.township or "", p.institution or "",
                            p.indicator))
    return out


def year_pace(county: CountyFile, year: int, *, today: _dt.date | None = None,
              evaluation: Evaluation | None = None) -> list[Pace]:
    """`pace` for the file's own profile, judging the year unless a judgement is given."""
    from reports.judge.evaluation import evaluate
    from reports.plan.path import townships

    today = today or _dt.date.today()
    evaluation = evaluation or evaluate(county, year, today=today)
    profile = profiles.get_profile(county, evaluation.profile_id)
    return pace(evaluation, profile, load_facts(county, year, until=today),
                townships(county, year), today)
