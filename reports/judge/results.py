"""What judging a year gives: each indicator's result with its failing institutions, task
progress, and the whole evaluation in the `evaluate --json` shape of contract.md."""

from __future__ import annotations

from dataclasses import dataclass
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
    # Whether the result waits for those reports: the target would hold if they all passed
    # (or holds without them where the sum leaves them out). Then `met` is None: 待填报.
    pending: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
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


@dataclass(frozen=True)
class TaskProgress:
    total: int
    done: int
    overdue: int

    def to_dict(self) -> dict[str, int]:
        return {"total": self.total, "done": self.done, "overdue": self.overdue}


@dataclass(frozen=True)
class Evaluation:
    county: str
    year: int
    profile_id: str
    profile_name: str
    results: tuple[Result, ...]
    tasks: TaskProgress
    # Institutions counted in the year with no figures at all for it: (name, id, township).
    unreported: tuple[tuple[str, str, str | None], ...] = ()

    def result(self, indicator_id: str) -> Result | None:
        return next((r for r in self.results if r.id == indicator_id), None)

    def to_dict(self) -> dict[str, Any]:
        """The `evaluate --json` shape of contract.md, with its additions (not_reported)."""
        return {"county": self.county, "year": self.year, "profile": self.profile_id,
                "indicators": [r.to_dict() for r in self.results],
                "tasks": self.tasks.to_dict(),
                "not_reported": [{"institution": n, "institution_id": i, "township": t}
                                 for n, i, t in self.unreported]}
