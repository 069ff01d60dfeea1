"""What changing an institution's years (启用年度 / 停用年度) would change in the results, shown
before it is saved: every indicator of every year whose value or status would differ.

The change is tried inside a savepoint that is always rolled back, so the preview judges exactly
what saving would, and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reports.judge import standard as standards
from reports.judge.evaluation import evaluate
from reports.judge.results import Evaluation
from reports.judge.wording import format_value, status_text

if TYPE_CHECKING:
    from db.county import CountyFile


@dataclass(frozen=True)
class Change:
    year: int
    indicator: str
    name: str  # as the window names it: the standard's 条目 and the name (standard.cite)
    before: str  # "78.3%（达标）"
    after: str

    def __str__(self) -> str:
        return f"{self.year}年 {self.name}：{self.before} → {self.after}"


class _Rollback(Exception):
    pass


def _counts(start: int | None, end: int | None, year: int) -> bool:
    return (start is None or start <= year) and (end is None or end >= year)


def _shown(evaluation: Evaluation) -> dict[str, tuple[str, str, str]]:
    return {r.id: (r.name, format_value(r.kind, r.value), status_text(r))
            for r in evaluation.results}


def years_change(county: CountyFile, institution_id: str, changes: dict[str, Any]
                 ) -> list[Change]:
    """The results that `changes` (active_from / active_to) to one institution would alter."""
    old = county.get("institution", institution_id)
    if old is None:
        return []
    new = {**old, **changes}
    years = [y for y in county.years()
             if _counts(old["active_from"], old["active_to"], y)
             != _counts(new["active_from"], new["active_to"], y)]
    if not years:
        return []
    before = {y: _shown(evaluate(county, y)) for y in years}
    after: dict[int, dict[str, tuple[str, str, str]]] = {}
    try:
        with county.atomic():
            county.update("institution", institution_id, changes, audit=False)
            after = {y: _shown(evaluate(county, y)) for y in years}
            raise _Rollback
    except _Rollback:
        pass
    out = []
    std = standards.for_county(county)
    for y in years:
        for ind, (name, value, status) in before[y].items():
            _, value2, status2 = after[y].get(ind, (name, "—", "—"))
            if (value, status) != (value2, status2):
                out.append(Change(y, ind, standards.cite(std, ind, name),
                                  f"{value}（{status}）", f"{value2}（{status2}）"))
    return out
