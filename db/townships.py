"""An institution's township as a fact of the year: the one place that says which township an
institution belongs to in a year, and which institutions a township has in a year.

Townships merge (撤乡并镇): a clinic of 芦苇乡 belongs to 白沙镇 from 2025, and 2024's figures,
progress and checks still list it under 芦苇乡. The register keeps the township of today in
`institution.township`; each earlier period is an `institution_township` record saying "up to and
including `until_year`, in `township`" (schema step 6). An institution without such records is in
its township in every year, as every institution of a file from before that step is.

A change is recorded from a year on: it holds from that year until the next recorded change (or
for good), and years before it keep what they had. A workbook row's 所属乡镇 with its 年度, and
调整所属乡镇 / 乡镇撤并 in the window, all go through `set_township_from`.

Everything that shows or uses a township for a year asks here: `township_sql` inside a query
(with the year as a parameter), `township_in_year` / `townships_in_year` from Python, and
`institutions_of_township` for a township's institutions in a year.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .errors import KnownError
from .fields import same_key
from .ids import stable_id
from .vocab import CENTRE_TYPES, pinyin_key

# db.county.CountyFile, which reads townships through this module and so is not imported here.
CountyFile = Any

TABLE = "institution_township"


def township_sql(inst: str = "i", year: str = ":year") -> str:
    """The township of the institution aliased `inst` in the year `year` (a parameter such as
    `:year`, or a column), as an SQL expression: the earliest period still running in that year,
    else the township of today."""
    live = (f"FROM {TABLE} tt WHERE tt.institution_id = {inst}.id AND tt.deleted = 0 "
            f"AND tt.until_year >= {year}")
    return (f"(CASE WHEN EXISTS (SELECT 1 {live}) "
            f"THEN (SELECT tt.township {live} ORDER BY tt.until_year LIMIT 1) "
            f"ELSE {inst}.township END)")


@dataclass(frozen=True)
class Period:
    """Years `first`–`last` (None: open-ended) in one township (None: none recorded)."""

    first: int | None
    last: int | None
    township: str | None

    def holds(self, year: int) -> bool:
        return (self.first is None or self.first <= year) and (self.last is None
                                                               or year <= self.last)

    def text(self) -> str:
        """"2024年及以前 芦苇乡", "2025年起 白沙镇", "2023–2024年 某镇", "历年 白沙镇"."""
        town = self.township or "（未填乡镇）"
        if self.first is None and self.last is None:
            return f"历年 {town}"
        if self.first is None:
            return f"{self.last}年及以前 {town}"
        if self.last is None:
            return f"{self.first}年起 {town}"
        if self.first == self.last:
            return f"{self.first}年 {town}"
        return f"{self.first}–{self.last}年 {town}"


def record_id(institution_id: str, until_year: int) -> str:
    """Two copies that record the same period compute the same id, so they merge into one."""
    return stable_id(TABLE, institution_id, until_year)


def _periods(current: str | None, rows: Iterable[dict[str, Any]]) -> list[Period]:
    out: list[Period] = []
    first = None
    for r in sorted(rows, key=lambda r: r["until_year"]):
        out.append(Period(first, r["until_year"], r["township"]))
        first = r["until_year"] + 1
    out.append(Period(first, None, current))
    return out


def history(county: CountyFile, institution_id: str) -> list[Period]:
    """The institution's townships over the years, oldest first; the last period runs on."""
    inst = county.get("institution", institution_id, include_deleted=True)
    rows = county.rows(TABLE, "institution_id = ?", (institution_id,))
    return _periods(inst["township"] if inst else None, rows)


def histories(county: CountyFile) -> dict[str, list[Period]]:
    """Every institution's history that has an earlier period (the others: one period)."""
    rows: dict[str, list[dict[str, Any]]] = {}
    for r in county.rows(TABLE):
        rows.setdefault(r["institution_id"], []).append(r)
    current = {r["id"]: r["township"] for r in county.query(
        f"SELECT id, township FROM institution WHERE id IN (SELECT institution_id FROM {TABLE} "
        "WHERE deleted = 0)")}
    return {iid: _periods(current.get(iid), rs) for iid, rs in rows.items()}


def township_in_year(county: CountyFile, institution_id: str, year: int) -> str | None:
    """The township an institution belongs to in `year`."""
    row = county.conn.execute(f"SELECT {township_sql('i', '?')} FROM institution i WHERE i.id = ?",
                              (year, year, institution_id)).fetchone()
    return row[0] if row else None


def townships_in_year(county: CountyFile, year: int) -> dict[str, str | None]:
    """Institution id → its township in `year`, for every institution not deleted."""
    return {r[0]: r[1] for r in county.conn.execute(
        f"SELECT i.id, {township_sql()} FROM institution i WHERE i.deleted = 0", {"year": year})}


def institutions_of_township(county: CountyFile, town: str, year: int) -> list[str]:
    """Ids of the institutions counted in `year` that belong to `town` that year (names compared
    as everywhere: NFKC, spaces and case ignored)."""
    key = same_key(town)
    rows = county.query(f"""
        SELECT i.id, {township_sql()} AS township FROM institution i
        WHERE i.deleted = 0
          AND (i.active_from IS NULL OR i.active_from <= :year)
          AND (i.active_to IS NULL OR i.active_to >= :year)""", {"year": year})
    return [r["id"] for r in rows if r["township"] and same_key(r["township"]) == key]


def ever_in_township_sql(param: str = ":town") -> str:
    """A query for the ids of institutions (deleted ones too) that belong to the township in any
    year: what a township's fill-in file holds."""
    return (f"SELECT id FROM institution WHERE township = {param} "
            f"UNION SELECT institution_id FROM {TABLE} WHERE deleted = 0 AND township = {param}")


def institutions_ever_in_township(county: CountyFile, town: str) -> set[str]:
    """Ids of the institutions (deleted ones too) that belong to `town` in some year: the ones a
    township's fill-in file holds."""
    return {r[0] for r in county.conn.execute(ever_in_township_sql(),
                                              {"town": town})}


def all_townships(county: CountyFile) -> list[str]:
    """Every township an institution (not deleted) belongs to in some year, in pinyin order."""
    towns = {r[0] for r in county.conn.execute(
        f"SELECT township FROM institution WHERE deleted = 0 AND township IS NOT NULL "
        f"UNION SELECT t.township FROM {TABLE} t JOIN institution i ON i.id = t.institution_id "
        "AND i.deleted = 0 WHERE t.deleted = 0 AND t.township IS NOT NULL")}
    return sorted((t for t in towns if t.strip()), key=pinyin_key)


def file_scope(county: CountyFile) -> str | None:
    """The township of a township's fill-in file, None for the county's own file."""
    return county.setting("township_scope") or None


def in_file_scope(county: CountyFile, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A township's fill-in file holds its institutions of every year (a clinic that moved away
    too): a year's views keep those that belong to the township that year. `rows` carry the
    year's `township`; in the county's own file they all stay."""
    town = file_scope(county)
    if town is None:
        return rows
    key = same_key(town)
    return [r for r in rows if r.get("township") and same_key(r["township"]) == key]


# ---- changing it ------------------------------------------------------------------------------

def moved(periods: list[Period], year: int, town: str | None) -> list[Period]:
    """`periods` with the township `town` from `year` until the next recorded change."""
    out: list[Period] = []
    for p in periods:
        if not p.holds(year):
            out.append(p)
            continue
        if p.first is None or p.first < year:
            out.append(Period(p.first, year - 1, p.township))
        out.append(Period(year, p.last, town))
    return _joined(out)


def _joined(periods: list[Period]) -> list[Period]:
    """Neighbouring periods in the same township are one."""
    out: list[Period] = []
    for p in periods:
        if out and out[-1].township == p.township:
            out[-1] = Period(out[-1].first, p.last, p.township)
        else:
            out.append(p)
    return out


def _clean(town: str | None) -> str | None:
    return " ".join(town.split()) or None if town is not None else None


def set_township_from(county: CountyFile, institution_id: str, year: int,
                      town: str | None) -> bool:
    """Record that the institution belongs to `town` from `year` on (until the next recorded
    change); earlier years keep theirs. One transaction; True if anything changed."""
    before = history(county, institution_id)
    after = moved(before, year, _clean(town))
    if after == before:
        return False
    write_history(county, institution_id, after)
    return True


def write_history(county: CountyFile, institution_id: str, periods: list[Period]) -> None:
    """Store an institution's townships over the years exactly as `periods` (the last one runs
    on): what 调整所属乡镇, an import and 撤销 write. Records no longer wanted become tombstones."""
    periods = _joined(periods)
    wanted = {p.last: p.township for p in periods[:-1] if p.last is not None}
    with county.atomic():
        inst = county.get("institution", institution_id)
        if inst is None:
            raise KnownError("该机构已不在文件中（可能已被删除）。")
        have = {r["until_year"]: r for r in county.rows(TABLE, "institution_id = ?",
                                                        (institution_id,), include_deleted=True)}
        for until, row in have.items():
            if until not in wanted and not row["deleted"]:
                county.delete(TABLE, row["id"])
        for until, town in wanted.items():
            row = have.get(until)
            values = {"institution_id": institution_id, "until_year": until, "township": town}
            if row is None:
                county.insert(TABLE, values, record_id=record_id(institution_id, until))
            elif row["deleted"] or row["township"] != town:
                county.upsert(TABLE, row["id"], values)
        if inst["township"] != periods[-1].township:
            county.update("institution", institution_id, {"township": periods[-1].township})


def lived(periods: Iterable[Period], first: int | None = None,
          last: int | None = None) -> list[Period]:
    """`periods` within the years the institution is counted (`first`–`last`, its 启用年度 and
    停用年度): what is said of it never names a year before it opened or after it closed."""
    out: list[Period] = []
    for p in periods:
        start = p.first if first is None or (p.first is not None and p.first > first) else first
        end = p.last if last is None or (p.last is not None and p.last < last) else last
        if start is not None and end is not None and start > end:
            continue
        out.append(Period(start, end, p.township))
    return _joined(out)


def history_text(periods: list[Period], first: int | None = None,
                 last: int | None = None) -> str:
    """"2024年及以前 芦苇乡；2025年起 白沙镇" ("" for an institution that never moved in the
    years it is counted, `first`–`last`)."""
    periods = lived(periods, first, last)
    return "；".join(p.text() for p in periods) if len(periods) > 1 else ""


# ---- moving institutions, and a township merged into another --------------------------------

@dataclass(frozen=True)
class Move:
    """One institution's townships before and after a change (what 撤销 writes back)."""

    institution_id: str
    name: str
    year: int
    before: tuple[Period, ...]
    after: tuple[Period, ...]
    # The years the institution is counted (启用年度, 停用年度): the line names no other.
    first: int | None = None
    last: int | None = None

    def line(self) -> str:
        """"某村卫生室：2025年起 芦苇乡 → 白沙镇（2024年及以前仍为 芦苇乡）"."""
        old = next(p for p in self.before if p.holds(self.year)).township or "（未填乡镇）"
        new = next(p for p in self.after if p.holds(self.year)).township or "（未填乡镇）"
        after = lived(self.after, self.first, self.last)
        until = next(p for p in after if p.holds(self.year)).last
        span = f"{self.year}年起" if until is None else f"{self.year}–{until}年"
        if until == self.year:
            span = f"{self.year}年"
        kept = [p.text() for p in after if p.last is not None and p.last < self.year]
        return (f"{self.name}：{span} {old} → {new}"
                + (f"（{'；'.join(kept)}，不变）" if kept else ""))


def plan_moves(county: CountyFile, institution_ids: Iterable[str], year: int,
               town: str | None) -> list[Move]:
    """What 调整所属乡镇 from `year` would do to each institution; those it leaves as they are
    are left out. Nothing is written. One that opened after `year` moves from its first year;
    one that closed before `year` is left as it is (no year it is counted would change)."""
    town = _clean(town)
    out = []
    for iid in institution_ids:
        inst = county.get("institution", iid)
        if inst is None:
            continue
        first, last = inst.get("active_from"), inst.get("active_to")
        if last is not None and year > last:
            continue
        start = max(year, first) if first is not None else year
        before = history(county, iid)
        after = moved(before, start, town)
        if after != before:
            out.append(Move(iid, inst["name"], start, tuple(before), tuple(after), first, last))
    return out


def apply_moves(county: CountyFile, moves: Iterable[Move]) -> None:
    with county.atomic():
        for m in moves:
            write_history(county, m.institution_id, list(m.after))


@dataclass(frozen=True)
class Merger:
    """乡镇撤并: a township centre closes after `year` − 1 and its township's institutions
    belong to `town` from `year` on (their supervisor becomes `parent`, the centre of `town`,
    where there is one)."""

    centre: dict[str, Any]
    year: int
    old_town: str
    town: str
    moves: tuple[Move, ...]
    parent: dict[str, Any] | None  # the centre of `town` that the units now hang under
    reparented: tuple[tuple[str, str, str | None], ...]  # (id, name, old parent id)

    def lines(self) -> list[str]:
        c = self.centre
        out = [f"“{self.old_town}”自 {self.year} 年起并入“{self.town}”：",
               f"  停用 {c['name']}：最后统计年度 {self.year - 1} 年"
               + (f"（原为 {c['active_to']} 年）" if c.get("active_to") else "")
               + f"，{self.year} 年起不再计入各项指标。"]
        if self.moves:
            out.append(f"  {len(self.moves)} 家机构自 {self.year} 年起划归“{self.town}”"
                       f"（{self.year - 1} 年及以前仍属“{self.old_town}”）：")
            out += [f"    {m.line()}" for m in self.moves]
        else:
            out.append(f"  “{self.old_town}”在 {self.year} 年没有其他机构需要划转。")
        if self.parent is not None and self.reparented:
            out.append(f"  上级机构（乡村一体化）由 {c['name']} 改为 {self.parent['name']}"
                       f"（{len(self.reparented)} 家；上级机构不分年度）。")
        return out


def plan_merger(county: CountyFile, centre_id: str, year: int, town: str) -> Merger:
    """What merging the centre's township into `town` from `year` would change; nothing is
    written. Raises KnownError when it cannot be done."""
    centre = county.get("institution", centre_id)
    if centre is None:
        raise KnownError("该机构已不在文件中（可能已被删除）。")
    if centre["type"] not in CENTRE_TYPES:
        raise KnownError(f"“{centre['name']}”不是乡镇卫生院或社区卫生服务中心：乡镇撤并请选中"
                         "被撤并乡镇的卫生院。")
    town = _clean(town) or ""
    old = township_in_year(county, centre_id, year) or ""
    if not old:
        raise KnownError(f"“{centre['name']}”在 {year} 年没有所属乡镇，无法撤并。")
    if not town:
        raise KnownError("请填写并入的乡镇（街道）。")
    if same_key(town) == same_key(old):
        raise KnownError(f"“{centre['name']}”本就属于“{old}”：请选择要并入的另一个乡镇（街道）。")
    if centre["active_to"] is not None and centre["active_to"] < year - 1:
        raise KnownError(f"“{centre['name']}”已于 {centre['active_to']} 年后停用，"
                         f"不能改为统计到 {year - 1} 年：请检查撤并年度。")
    if centre["active_from"] is not None and centre["active_from"] > year - 1:
        raise KnownError(f"“{centre['name']}”自 {centre['active_from']} 年才启用，"
                         f"不能在 {year - 1} 年之后停用：请检查撤并年度。")
    ids = [i for i in institutions_of_township(county, old, year) if i != centre_id]
    children = county.rows("institution", "parent_id = ?", (centre_id,))
    ids += [c["id"] for c in children if c["id"] not in ids and _counts(c, year)]
    moves = tuple(plan_moves(county, ids, year, town))
    hosts = [county.get("institution", i) for i in institutions_of_township(county, town, year)]
    hosts = [h for h in hosts if h is not None and h["type"] in CENTRE_TYPES]
    parent = hosts[0] if len(hosts) == 1 else None
    reparented = tuple((c["id"], c["name"], c["parent_id"]) for c in children
                       if c["id"] in ids) if parent is not None else ()
    return Merger(centre, year, old, town, moves, parent, reparented)


def _counts(inst: dict[str, Any], year: int) -> bool:
    return ((inst["active_from"] is None or inst["active_from"] <= year)
            and (inst["active_to"] is None or inst["active_to"] >= year))


def apply_merger(county: CountyFile, merger: Merger) -> None:
    """Write a planned merger in one transaction: the centre's last year, the moves, parents."""
    with county.atomic():
        county.update("institution", merger.centre["id"], {"active_to": merger.year - 1})
        apply_moves(county, merger.moves)
        if merger.parent is not None:
            for iid, _name, _old in merger.reparented:
                county.update("institution", iid, {"parent_id": merger.parent["id"]})
        county.log("乡镇撤并", label=f"{merger.old_town} 自{merger.year}年起并入 {merger.town}",
                   new=f"划转 {len(merger.moves)} 家机构")
