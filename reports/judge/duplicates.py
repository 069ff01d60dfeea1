"""An activity entered twice counts once: the same institution, date, kind and title is one
activity in every count (D1–D9, the matrix, the report, the rollup) until the clerk marks in
数据核查 that they were separate events (已核实：确为两次).

Titles are compared as names are everywhere in the program (db.fields.same_key): Unicode NFKC
(full-width letters, digits and brackets as half-width), every space and line break removed, and
case ignored, so “秋冬进补讲座”, “秋冬进补 讲座” and “秋冬进补讲座 ” are one title. Punctuation other
than that counts: “讲座（一）” and “讲座（二）” are two.

A group taken as one activity counts once with the smallest number of people any of its copies
gives (blank when any copy's is blank, so that D7 waits as it does for any blank 参与人数) and as
TCM content only when every copy says so: keeping one copy can never count for more than any
copy alone would.

The mark is a `check_review` record (merged like the other 已核实 marks) keyed by the finding of
数据核查 (reports.judge.checks): the institution, the year, the date, kind and title, and the
number of copies when more than two, so a third copy typed after two were confirmed is asked
about again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
import hashlib
from typing import TYPE_CHECKING, Any

from db.fields import same_key

if TYPE_CHECKING:
    from db.county import CountyFile

KIND = "duplicate"  # the 数据核查 finding's kind

_ROWS_SQL = """
SELECT id, institution_id, date, kind, title, people, tcm_content FROM activity
WHERE deleted = 0 AND date BETWEEN :first AND :last
ORDER BY institution_id, date, kind, rowid
"""

# One institution's activities of one day: the only records a new one can be a copy of.
_SAME_DAY_SQL = """
SELECT id, institution_id, date, kind, title, people, tcm_content FROM activity
WHERE deleted = 0 AND institution_id = ? AND date = ? ORDER BY rowid
"""


def title_key(title: Any) -> str:
    return same_key(title)


def activity_key(institution_id: str, date: str, kind: str,
                 title: Any) -> tuple[str, str, str, str]:
    """What makes two activity records the same activity."""
    return institution_id, date, kind, title_key(title)


def key_of(row: dict[str, Any]) -> tuple[str, str, str, str]:
    return activity_key(row["institution_id"], row["date"], row["kind"], row["title"])


def finding_key(institution_id: str, year: int, date: str, kind: str, titles: Iterable[str],
                copies: int) -> str:
    """The 数据核查 finding of a group: stable across copies of the file. (For two copies whose
    titles agree after trimming it is the key earlier versions gave, so their marks still hold.)"""
    first = sorted({t.strip() for t in titles})[0]
    digest = hashlib.sha1(f"{date}/{kind}/{first}".encode()).hexdigest()[:12]
    return f"{KIND}/{institution_id}/{year}/{digest}" + (f"/{copies}" if copies > 2 else "")


@dataclass(frozen=True)
class Group:
    """Activity records that are one activity: two or more copies."""

    year: int
    rows: tuple[dict[str, Any], ...]  # in the order they were entered
    two_events: bool = False  # the clerk confirmed they are separate events

    @property
    def institution_id(self) -> str:
        return self.rows[0]["institution_id"]

    @property
    def date(self) -> str:
        return self.rows[0]["date"]

    @property
    def kind(self) -> str:
        return self.rows[0]["kind"]

    @property
    def title(self) -> str:
        return self.rows[0]["title"].strip()

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(r["id"] for r in self.rows)

    @property
    def key(self) -> str:
        return finding_key(self.institution_id, self.year, self.date, self.kind,
                           (r["title"] for r in self.rows), len(self.rows))

    def counted(self) -> dict[str, Any]:
        """The one activity the copies stand for (see the module's rule)."""
        return {**self.rows[0],
                # A copy with 参与人数 blank leaves the activity's audience blank (no blank helps:
                # D7 waits for it rather than count the fewest recorded).
                "people": (None if any(r["people"] is None for r in self.rows)
                           else min(r["people"] for r in self.rows)),
                "tcm_content": min(r["tcm_content"] for r in self.rows)}

    def as_counted_text(self) -> str:
        """How the group is counted, in words."""
        if self.two_events:
            return f"已核实为 {len(self.rows)} 次活动，分别计数"
        return "按一次计"


def copies_of(county: CountyFile, rec: dict[str, Any], *,
              besides: str | None = None) -> list[dict[str, Any]]:
    """The activities the file holds that `rec` (institution_id, date, kind, title) would be one
    activity with, other than the record `besides` (the one being edited): asked before a second
    copy is saved."""
    same_day = county.query(_SAME_DAY_SQL, (rec["institution_id"], rec["date"]))
    key = key_of(rec)
    return [r for r in same_day if r["id"] != besides and key_of(r) == key]


def year_rows(county: CountyFile, year: int) -> list[dict[str, Any]]:
    return county.query(_ROWS_SQL, {"first": f"{year:04d}-01-01", "last": f"{year:04d}-12-31"})


def confirmed(county: CountyFile, year: int) -> set[str]:
    """Keys of the duplicate findings the clerk marked 已核实 (确为两次) for `year`."""
    return {r["check_key"] for r in county.rows(
        "check_review", "year = ? AND verified = 1 AND check_key LIKE ?", (year, f"{KIND}/%"))}


def groups(rows: Iterable[dict[str, Any]], year: int, marked: set[str]) -> list[Group]:
    """The duplicate groups among one year's activity `rows`."""
    by_key: dict[tuple[str, str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_key[key_of(r)].append(r)
    out = []
    for copies in by_key.values():
        if len(copies) > 1:
            g = Group(year, tuple(copies))
            out.append(Group(year, g.rows, g.key in marked))
    return out


def duplicate_groups(county: CountyFile, year: int) -> list[Group]:
    """Every group of `year`, with the clerk's marks."""
    return groups(year_rows(county, year), year, confirmed(county, year))


def counted_rows(rows: list[dict[str, Any]], year: int, marked: set[str]) -> list[dict[str, Any]]:
    """`rows` as they count: each unconfirmed group folded into the one activity it stands for."""
    folded: dict[str, dict[str, Any]] = {}  # first id of a group → the activity it counts as
    dropped: set[str] = set()
    for g in groups(rows, year, marked):
        if not g.two_events:
            folded[g.rows[0]["id"]] = g.counted()
            dropped.update(g.ids[1:])
    return [folded.get(r["id"], r) for r in rows if r["id"] not in dropped]


def counted_activities(county: CountyFile, year: int) -> list[dict[str, Any]]:
    """The year's activities as every indicator counts them."""
    return counted_rows(year_rows(county, year), year, confirmed(county, year))


def taken_as_one(county: CountyFile, year: int) -> dict[str, Group]:
    """Activity id → its group, for every copy counted as one with others (the window marks them)."""
    return {rid: g for g in duplicate_groups(county, year) if not g.two_events for rid in g.ids}
