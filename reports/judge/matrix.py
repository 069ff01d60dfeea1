"""The activity matrix: each centre's D1–D5 counts for a year against the profile's minimums.

Counted with the very rules the indicators use (TCM content only; distinct titles for 文字资料 and
音像资料), so the matrix and D1–D5 can never disagree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reports.judge.catalogue import ACTIVITY_MINIMUMS
from reports.judge.facts import Facts, load_facts
from reports.judge.profiles import Profile, active_profile

if TYPE_CHECKING:
    from db.county import CountyFile

MATRIX_IDS = ("D1", "D2", "D3", "D4", "D5")


def minimum_counts(county: CountyFile, profile: Profile | None = None) -> dict[str, tuple[str, int]]:
    """Indicator id -> (activity kind, minimum count) for the D1–D5 that the profile keeps on."""
    profile = profile or active_profile(county)
    result = {}
    for ind in MATRIX_IDS:
        if profile.is_on(ind):
            kind = ACTIVITY_MINIMUMS[ind][0]
            result[ind] = (kind, int(profile.setting(ind).threshold.get("count", 0)))
    return result


def activity_counts(county: CountyFile, year: int, facts: Facts | None = None
                    ) -> dict[str, dict[str, int]]:
    """Institution id -> indicator id -> count, for every active institution with activities
    (from the year's `facts` when the caller has them)."""
    facts = facts if facts is not None else load_facts(county, year)
    counts: dict[str, dict[str, int]] = {}
    for inst_id in facts.activity:
        row = {}
        for ind in MATRIX_IDS:
            kind, distinct = ACTIVITY_MINIMUMS[ind][:2]
            tally = facts.tally(inst_id, kind, tcm=1)
            row[ind] = tally.titles if distinct else tally.n
        counts[inst_id] = row
    return counts
