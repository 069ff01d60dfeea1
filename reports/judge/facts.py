"""One year's facts, read once with set-based queries: the institutions counted in the year with
their figures, activity tallies per institution, the county's own figures, task progress."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
import datetime as _dt
from typing import TYPE_CHECKING, Any

from db.townships import in_file_scope, township_sql

from reports.judge.duplicates import counted_activities, title_key
from reports.judge.results import TaskProgress

if TYPE_CHECKING:
    from db.county import CountyFile

_INSTITUTIONS_SQL = f"""
SELECT i.id, i.name, {township_sql()} AS township, COALESCE(iy.inst_type, i.type) AS type,
       iy.id AS year_row,
       i.ownership, iy.carried,
       iy.hall_state, iy.hall_grade, iy.platform_connected, iy.tcm_corner, iy.service_place,
       iy.tech_categories, iy.tech_items, iy.physicians, iy.tcm_physicians, iy.other_tcm_staff,
       iy.tcm_gps, iy.west_learn_tcm, iy.visits, iy.tcm_visits,
       iy.dept_preventive, iy.dept_rehab, iy.dept_infectious,
       iy.hall_area, iy.hall_consult_rooms, iy.hall_treat_rooms, iy.hall_treat_area,
       iy.hospital_grade, iy.dept_guidance, iy.tech_center, iy.tcm_dept, iy.tcm_pharmacy,
       iy.fd_teams, iy.fd_teams_tcm, iy.decoction_room, iy.edu_base
FROM institution i
LEFT JOIN institution_year iy
       ON iy.institution_id = i.id AND iy.year = :year AND iy.deleted = 0
WHERE i.deleted = 0
  AND (i.active_from IS NULL OR i.active_from <= :year)
  AND (i.active_to IS NULL OR i.active_to >= :year)
ORDER BY COALESCE({township_sql()}, ''), i.name, i.id
"""
# Each institution's activities of the year, entered twice or not: what 填报进度 reads
# (reports.judge.progress), counted in one pass over the year's log (a count per institution
# in the query above took a third of its time at ten times a large county).
_LOGGED_SQL = """
SELECT institution_id, count(*) AS n FROM activity
WHERE deleted = 0 AND date BETWEEN :first AND :last GROUP BY institution_id
"""

_TASKS_SQL = """
SELECT count(*) AS total,
       COALESCE(sum(status = '已完成'), 0) AS done,
       COALESCE(sum(status <> '已完成'
                    AND (status = '已延期' OR (deadline IS NOT NULL AND deadline < :today))), 0)
           AS overdue
FROM task WHERE deleted = 0
"""


@dataclass(frozen=True)
class Tally:
    n: int = 0  # activities
    titles: int = 0  # distinct titles
    people: int = 0  # people reached, of those whose 参与人数 is recorded
    blank: int = 0  # activities whose 参与人数 is blank


_NOTHING = Tally()


@dataclass
class Facts:
    """Everything one year's indicators read, loaded once."""

    year: int
    institutions: list[dict[str, Any]]
    activity: dict[str, dict[tuple[str, int], Tally]]  # institution id → (kind, tcm) → tally
    county: dict[str, Any]  # the county_year row; {} when the year has none
    # The year's activities as counted (duplicates once, active institutions only): kept so
    # that counts to a day are taken from them without reading the log again.
    log: list[dict[str, Any]] = field(default_factory=list, repr=False, compare=False)
    # institutions of each set of types asked for (an indicator's scope), picked out once
    _scopes: dict[frozenset[str], tuple[dict[str, Any], ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False)

    def has_data(self, reads: str) -> bool:
        """Whether the year holds any of the facts an indicator reads."""
        if reads == "institution":
            return any(inst["year_row"] is not None for inst in self.institutions)
        if reads == "activity":
            return bool(self.activity)
        return True  # county figures: each indicator checks its own fields

    def in_scope(self, types: Iterable[str]) -> list[dict[str, Any]]:
        wanted = frozenset(types)
        picked = self._scopes.get(wanted)
        if picked is None:
            picked = self._scopes[wanted] = tuple(
                inst for inst in self.institutions if inst["type"] in wanted)
        return list(picked)

    def tally(self, inst_id: str, kind: str | None = None, tcm: int | None = None, *,
              skip: str | None = None) -> Tally:
        """Activities of one institution, optionally of one kind and TCM flag (or all but the
        kind `skip`), summed."""
        logged = self.activity.get(inst_id)
        if not logged:
            return _NOTHING
        n = titles = people = blank = 0
        for (k, t), tally in logged.items():
            if (kind is None or k == kind) and (tcm is None or t == tcm) and k != skip:
                n, titles = n + tally.n, titles + tally.titles
                people, blank = people + tally.people, blank + tally.blank
        return Tally(n, titles, people, blank)


def load_facts(county: CountyFile, year: int, *, until: _dt.date | None = None,
               logged: bool = False) -> Facts:
    """The year's facts; with `until`, activities only up to that day (counts to date). `logged`:
    each institution also carries `activities`, its activities of the year as entered, for
    reports.judge.progress.

    A whole year's facts are read once while the file stays as it was (CountyFile.memo): the
    year judged as last year's beside the next is not read again when the clerk turns to it."""
    memo = county.memo()
    facts = memo.pop(("facts", year), None)
    if facts is not None:
        memo[("facts", year)] = facts  # the newest looked at, kept longest
    else:
        facts = _read_facts(county, year)
        kept = [key for key in memo if key[0] == "facts"]
        for key in kept[:-(_YEARS_KEPT - 1)]:  # the years looked at last
            del memo[key]
        memo[("facts", year)] = facts
    if logged and facts.institutions and "activities" not in facts.institutions[0]:
        counts = dict(county.conn.execute(
            _LOGGED_SQL, {"first": f"{year:04d}-01-01", "last": f"{year:04d}-12-31"}).fetchall())
        for inst in facts.institutions:
            inst["activities"] = counts.get(inst["id"], 0)
    return facts_until(facts, until) if until is not None else facts


_YEARS_KEPT = 3  # a year, the one before it (its 上年), and the one last looked at


def _read_facts(county: CountyFile, year: int) -> Facts:
    institutions = in_file_scope(county, county.query(_INSTITUTIONS_SQL, {"year": year}))
    active = {inst["id"] for inst in institutions}
    rows = county.rows("county_year", "year = ?", (year,))
    log = [r for r in counted_activities(county, year) if r["institution_id"] in active]
    return Facts(year, institutions, _tallies(log, None), rows[0] if rows else {}, log)


def facts_until(facts: Facts, until: _dt.date) -> Facts:
    """The same year's facts with activities only up to `until`, the institutions and county
    figures as `facts` read them (what load_facts(…, until=…) gives, without reading them again).
    """
    if until >= _dt.date(facts.year, 12, 31):
        return facts
    return Facts(facts.year, facts.institutions, _tallies(facts.log, until), facts.county,
                 facts.log)


def _tallies(log: list[dict[str, Any]], until: _dt.date | None
             ) -> dict[str, dict[tuple[str, int], Tally]]:
    """Per institution, kind and TCM flag, of the counted activities `log` (an activity entered
    twice once, see reports.judge.duplicates; those of deleted or inactive institutions left
    out, as they count for no one): activities, distinct titles (compared as the duplicates
    are), people reached and activities whose 参与人数 is blank."""
    n: dict[tuple[str, str, int], int] = defaultdict(int)
    titles: dict[tuple[str, str, int], set[str]] = defaultdict(set)
    people: dict[tuple[str, str, int], int] = defaultdict(int)
    blank: dict[tuple[str, str, int], int] = defaultdict(int)
    last = until.isoformat() if until is not None else None
    for row in log:
        if last is not None and row["date"] > last:
            continue
        key = (row["institution_id"], row["kind"], row["tcm_content"])
        n[key] += 1
        titles[key].add(title_key(row["title"]))
        people[key] += row["people"] or 0
        blank[key] += row["people"] is None
    activity: dict[str, dict[tuple[str, int], Tally]] = defaultdict(dict)
    for key, count in n.items():
        inst_id, kind, tcm = key
        activity[inst_id][(kind, tcm)] = Tally(count, len(titles[key]), people[key], blank[key])
    return dict(activity)


def task_progress(county: CountyFile, today: _dt.date) -> TaskProgress:
    row = county.query(_TASKS_SQL, {"today": today.isoformat()})[0]
    return TaskProgress(row["total"], row["done"], row["overdue"])


_DOC_TASKS_SQL = """
SELECT t.id, t.text, t.status,
       (SELECT count(*) FROM evidence e
         WHERE e.deleted = 0 AND e.owner_table = 'task' AND e.owner_id = t.id) AS files
FROM task t WHERE t.deleted = 0
"""

_ITEM_FILES_SQL = """
SELECT indicator_id, year, count(*) AS n FROM evidence
WHERE deleted = 0 AND owner_table = 'indicator' AND indicator_id IS NOT NULL
GROUP BY indicator_id, year
"""


@dataclass(frozen=True)
class Documents:
    """What governance items are judged from: the creation tasks with their evidence counts, and
    evidence attached in 总览 to a standard item (by its id) for a year or for no year."""

    tasks: list[dict[str, Any]]
    files: dict[tuple[str, int | None], int]

    def item_files(self, item_id: str, year: int) -> int:
        return self.files.get((item_id, year), 0) + self.files.get((item_id, None), 0)


def load_documents(county: CountyFile) -> Documents:
    files = {(r["indicator_id"], r["year"]): r["n"] for r in county.query(_ITEM_FILES_SQL)}
    return Documents(county.query(_DOC_TASKS_SQL), files)
