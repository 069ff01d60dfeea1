"""数据核查: the year-over-year checks a reviewer makes before believing a year's figures.

Each finding names the institution, what looks odd and both years' figures. A finding is not an
error: it never blocks saving, and once someone has looked it can be marked 已核实 with a note.
That mark is a `check_review` record whose id is computed from the finding's key, so it merges
between copies like any record and survives recomputing the findings. Rules (the thresholds a
reviewer would use, kept as constants):

- visits or TCM visits doubled or halved (from a year with at least MIN_VISITS);
- physicians (all, or TCM-category) changed by half, and by at least MIN_STAFF_CHANGE people;
- the 中医馆's floor area doubled or halved, by at least MIN_AREA_CHANGE m²: a hall is seldom
  rebuilt within a year, and a typo here (3600 for 360) decides A2's 达标 as a doctor count
  decides C2;
- techniques (items or categories) fewer than last year; a 中医馆 state lower than last year;
- the TCM share of visits moved by more than 20 percentage points;
- all of an institution's activities of the year (at least MIN_SAME_DAY) on one day;
- the same activity (institution, date, kind, title) entered more than once: counted once until
  marked 已核实 here, which says they were separate events (确为两次; reports.judge.duplicates).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from db.county import stable_id
from db.townships import in_file_scope, township_sql
from db.vocab import HALL_STATES, pinyin_key

from reports.judge import duplicates
from reports.judge.wording import number, percent

if TYPE_CHECKING:
    from db.county import CountyFile

MIN_VISITS = 100
MIN_STAFF_CHANGE = 2
MIN_AREA_CHANGE = 20  # m²
SHARE_JUMP = 0.20
MIN_SAME_DAY = 3

KINDS = {
    "visits": "总诊疗人次翻倍或减半",
    "tcm_visits": "中医诊疗人次翻倍或减半",
    "physicians": "执业（助理）医师数变化过半",
    "tcm_physicians": "中医类别医师数变化过半",
    "hall_area": "中医馆面积翻倍或减半",
    "techniques": "适宜技术减少",
    "hall_state": "中医馆达标情况倒退",
    "tcm_share": "中医诊疗量占比变化超过20个百分点",
    "same_day": "全年活动都在同一天",
    "duplicate": "同一活动重复录入",
}

# The township each finding is listed under is the institution's in the year checked.
_YEARS_SQL = f"""
SELECT i.id, i.name, {township_sql()} AS township, y.year, y.visits, y.tcm_visits, y.physicians, y.tcm_physicians,
       y.tech_items, y.tech_categories, y.hall_state, y.hall_area
FROM institution i
JOIN institution_year y ON y.institution_id = i.id AND y.deleted = 0 AND y.year IN (:year, :last)
WHERE i.deleted = 0
"""

_WHO_SQL = f"""
SELECT i.id, i.name, {township_sql()} AS township FROM institution i WHERE i.deleted = 0
"""


@dataclass(frozen=True)
class Finding:
    key: str  # stable: kind/institution/year[/detail]
    kind: str
    year: int
    institution_id: str
    institution: str
    township: str
    previous: str  # last year's figure as shown ("" where the check is within the year)
    current: str
    detail: str
    verified: bool = False
    note: str = ""

    @property
    def label(self) -> str:
        return KINDS[self.kind]


def _techniques(row: dict[str, Any]) -> str:
    cats, items = row["tech_categories"], row["tech_items"]
    return f"{cats if cats is not None else '?'}类{items if items is not None else '?'}项"


def _state_rank(state: str | None) -> int | None:
    return list(HALL_STATES).index(state) if state in HALL_STATES else None


def _pairs(county: CountyFile, year: int) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    rows: dict[str, dict[int, dict[str, Any]]] = defaultdict(dict)
    for r in in_file_scope(county, county.query(_YEARS_SQL, {"year": year, "last": year - 1})):
        rows[r["id"]][r["year"]] = r
    return [(y[year - 1], y[year]) for y in rows.values() if year in y and year - 1 in y]


def _finding(kind: str, cur: dict[str, Any], year: int, previous: str, current: str,
             detail: str, extra: str = "") -> Finding:
    key = f"{kind}/{cur['id']}/{year}" + (f"/{extra}" if extra else "")
    return Finding(key, kind, year, cur["id"], cur["name"], cur["township"] or "",
                   previous, current, detail)


def _year_over_year(prev: dict[str, Any], cur: dict[str, Any], year: int) -> list[Finding]:
    out = []
    for key in ("visits", "tcm_visits"):
        a, b = prev[key], cur[key]
        if a is not None and b is not None and a >= MIN_VISITS and (b >= 2 * a or 2 * b <= a):
            word = "翻了一倍以上" if b >= 2 * a else "减少了一半以上"
            out.append(_finding(key, cur, year, number(a), number(b), f"比上年{word}"))
    for key in ("physicians", "tcm_physicians"):
        a, b = prev[key], cur[key]
        if a and b is not None and abs(b - a) * 2 >= a and abs(b - a) >= MIN_STAFF_CHANGE:
            out.append(_finding(key, cur, year, number(a), number(b),
                                f"比上年{'增加' if b > a else '减少'} {abs(b - a)} 人"))
    a, b = prev["hall_area"], cur["hall_area"]
    if a and b is not None and abs(b - a) >= MIN_AREA_CHANGE and (b >= 2 * a or 2 * b <= a):
        word = "翻了一倍以上" if b >= 2 * a else "减少了一半以上"
        out.append(_finding("hall_area", cur, year, f"{number(a)} 平方米", f"{number(b)} 平方米",
                            f"比上年{word}"))
    fewer = [(prev[k] - cur[k], unit) for k, unit in (("tech_categories", "类"), ("tech_items", "项"))
             if prev[k] is not None and cur[k] is not None and cur[k] < prev[k]]
    if fewer:
        out.append(_finding("techniques", cur, year, _techniques(prev), _techniques(cur),
                            "比上年少 " + " ".join(f"{n} {unit}" for n, unit in fewer)))
    ra, rb = _state_rank(prev["hall_state"]), _state_rank(cur["hall_state"])
    if ra is not None and rb is not None and rb < ra:
        out.append(_finding("hall_state", cur, year, HALL_STATES[prev["hall_state"]],
                            HALL_STATES[cur["hall_state"]], "中医馆达标情况低于上年"))
    if prev["visits"] and cur["visits"] and prev["tcm_visits"] is not None \
            and cur["tcm_visits"] is not None:
        sa, sb = prev["tcm_visits"] / prev["visits"], cur["tcm_visits"] / cur["visits"]
        if abs(sb - sa) > SHARE_JUMP:
            out.append(_finding("tcm_share", cur, year, percent(sa), percent(sb),
                                f"占比{'上升' if sb > sa else '下降'} {abs(sb - sa) * 100:.1f} 个百分点"))
    return out


def _activities(county: CountyFile, year: int) -> list[Finding]:
    who = {r["id"]: r for r in in_file_scope(county, county.query(_WHO_SQL, {"year": year}))}
    rows = [r for r in duplicates.year_rows(county, year) if r["institution_id"] in who]
    dates: dict[str, set[str]] = defaultdict(set)
    counts: dict[str, int] = defaultdict(int)
    out = []
    for r in rows:
        dates[r["institution_id"]].add(r["date"])
        counts[r["institution_id"]] += 1
    for g in duplicates.groups(rows, year, set()):
        n = len(g.rows)
        found = _finding("duplicate", who[g.institution_id], year, "", f"{n} 条",
                         f"{g.date} {g.kind}“{g.title}”录入了 {n} 次")
        out.append(replace(found, key=g.key))
    for iid, days in dates.items():
        if len(days) == 1 and counts[iid] >= MIN_SAME_DAY:
            out.append(_finding("same_day", who[iid], year, "", f"{counts[iid]} 次",
                                f"全年 {counts[iid]} 次活动都记在 {next(iter(days))}"))
    return out


def review_id(key: str) -> str:
    return stable_id("check_review", key)


def find_checks(county: CountyFile, year: int) -> list[Finding]:
    """Every finding of `year`, with its 已核实 mark and note where someone has looked."""
    found = [f for prev, cur in _pairs(county, year) for f in _year_over_year(prev, cur, year)]
    found += _activities(county, year)
    reviews = {r["check_key"]: r for r in county.rows("check_review", "year = ?", (year,))}
    out = []
    for f in found:
        r = reviews.get(f.key)
        if r is not None and r["verified"]:
            f = replace(f, verified=True, note=r["note"] or "")
        if f.kind == "duplicate":
            # How it counts: once, until someone confirms the copies were separate events.
            f = replace(f, detail=f.detail + ("，已核实为分别举办，分别计数" if f.verified
                                              else "，按一次计"))
        out.append(f)
    # As a register reads: townships, then institutions, in pinyin order.
    out.sort(key=lambda f: (pinyin_key(f.township), pinyin_key(f.institution), f.kind, f.key))
    return out


def mark_verified(county: CountyFile, finding: Finding, note: str, *,
                  verified: bool = True) -> None:
    """Mark a finding 已核实 with a note (or take the mark back); merged like any record."""
    set_verified(county, finding.key, finding.year, finding.institution_id, note,
                 verified=verified)


def set_verified(county: CountyFile, key: str, year: int, institution_id: str | None,
                 note: str | None, *, verified: bool) -> None:
    """The 已核实 mark of the finding `key` (what an undo writes back, knowing only the key)."""
    county.upsert("check_review", review_id(key), {
        "check_key": key, "year": year, "institution_id": institution_id,
        "verified": 1 if verified else 0, "note": (note or "").strip() or None})
