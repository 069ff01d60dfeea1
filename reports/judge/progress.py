"""填报进度: for one year, which parts of each counted institution's figures are in, per township,
and what keeps the year a draft (institutions 未填报, carried-over values not yet confirmed, a
year with no data at all).

Parts an institution is asked for depend on its type (what the indicators read): staff from
everyone; visits and activities from the centres; the 中医馆 from centres and the 中医阁 or
service place from stations; techniques from centres and stations. A part that does not apply
is None, never counted against the institution.

This is the one definition of 未填报 the year's lists share (`evaluate`'s top-level
`not_reported`, 填报进度, the report's draft note and `report --final`'s refusal): an institution
that lacks any part asked of it has not reported, whatever else it sent — partly reported is
not reported. An institution that sent every part but left blank a figure an indicator of the
year still waits for (the area and rooms of a 中医馆 typed 提档升级, say) has not reported either:
the judgement adds what it waits for (Progress.waiting_on, from reports.judge.evaluation), so
总览's 未填报 and 填报进度 never disagree.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from db.county import parse_carried
from db.townships import in_file_scope, township_sql
from db.vocab import CENTRE_TYPES, INSTITUTION_TYPES, pinyin_key

from reports.judge.catalogue import STATIONS

if TYPE_CHECKING:
    from db.county import CountyFile

UNREPORTED = "未填报"

PARTS = {"staff": "人员", "visits": "诊疗量", "hall": "中医馆/中医阁", "techniques": "适宜技术",
         "activities": "宣传活动"}

# Grouped by the township each institution belongs to in the year (db.townships).
_SQL = f"""
SELECT i.id, i.name, {township_sql()} AS township, COALESCE(y.inst_type, i.type) AS type,
       y.id AS year_row,
       y.physicians, y.tcm_physicians, y.other_tcm_staff, y.visits, y.tcm_visits,
       y.hall_state, y.tcm_corner, y.service_place, y.tech_items, y.carried,
       (SELECT count(*) FROM activity a WHERE a.institution_id = i.id AND a.deleted = 0
          AND a.date BETWEEN :first AND :last) AS activities
FROM institution i
LEFT JOIN institution_year y ON y.institution_id = i.id AND y.year = :year AND y.deleted = 0
WHERE i.deleted = 0
  AND (i.active_from IS NULL OR i.active_from <= :year)
  AND (i.active_to IS NULL OR i.active_to >= :year)
ORDER BY COALESCE({township_sql()}, ''), i.name, i.id
"""


class _once:  # noqa: N801 (used as a decorator, like functools.cached_property)
    """functools.cached_property without the lock Python 3.11 takes on every first read (which
    cost the 10× county's 6,400 institutions 0.05 s of each judgement)."""

    def __init__(self, func: Callable[[Any], Any]) -> None:
        self.func = func
        self.name = func.__name__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.func(obj)  # read from there from now on
        return value


@dataclass  # not frozen: one is made for each institution of the year (6,400 at ten times the
class InstitutionProgress:  # large demo), and a frozen class's __init__ is three times slower
    id: str
    name: str
    township: str
    type: str
    parts: dict[str, bool | None]  # part → in (True), missing (False), not asked (None)
    activities: int
    carried: int  # values carried over from last year, not yet confirmed
    carried_from: int | None
    has_row: bool  # a row of figures for the year
    # What an indicator of the year waits for beyond the parts ("中医馆建设情况（面积、诊室数）")
    waiting: tuple[str, ...] = ()

    @_once
    def asked(self) -> int:
        return sum(1 for v in self.parts.values() if v is not None)

    @_once
    def done(self) -> int:
        return sum(1 for v in self.parts.values() if v)

    @property
    def share(self) -> float:
        """Of the parts asked, the share sent; a figure still waited for counts as one more part
        not in (so 未填报 never reads 100%)."""
        asked = self.asked + bool(self.waiting)
        return self.done / asked if asked else 1.0

    @_once
    def reported(self) -> bool:
        """Every part asked of the institution is in (activities alone, or staff without visits,
        are not a report of the year), and no indicator waits for a figure it left blank."""
        return self.has_row and self.done == self.asked and not self.waiting

    @_once
    def partial(self) -> bool:
        """未填报, though something of the year is in: what is missing is the thing to chase."""
        return not self.reported and (self.has_row or self.done > 0)

    @_once
    def status(self) -> str:
        if not self.reported:
            return UNREPORTED
        return "待确认" if self.carried else "已填齐"

    @property
    def missing(self) -> list[str]:
        return [*(PARTS[k] for k, v in self.parts.items() if v is False), *self.waiting]

    @property
    def missing_text(self) -> str:
        """'缺人员、诊疗量' or '本年度数据均未填报', as every list of 未填报 says it."""
        if not self.partial:
            return "本年度数据均未填报"
        said = "、".join(self.missing)
        return f"缺 {said}" if said[:1].isdigit() else f"缺{said}"  # "缺 2 次活动的参与人数"

    @property
    def type_name(self) -> str:
        return INSTITUTION_TYPES.get(self.type, self.type)


@dataclass(frozen=True)
class TownshipProgress:
    township: str
    institutions: int
    complete: int
    partial: int  # of those 未填报 (`none`), how many sent part of the year
    none: int  # 未填报, partly reported included
    carried: int

    @property
    def share(self) -> float:
        return self.complete / self.institutions if self.institutions else 1.0


@dataclass
class Progress:
    year: int
    institutions: list[InstitutionProgress] = field(default_factory=list)
    has_data: bool = True  # the file holds any figure of the year (county, institution, activity)

    @property
    def townships(self) -> list[TownshipProgress]:
        groups: dict[str, list[InstitutionProgress]] = defaultdict(list)
        for inst in self.institutions:
            groups[inst.township].append(inst)
        out = []
        for town, insts in sorted(groups.items(), key=lambda kv: pinyin_key(kv[0])):
            out.append(TownshipProgress(
                town, len(insts), sum(1 for i in insts if i.reported),
                sum(1 for i in insts if i.partial),
                sum(1 for i in insts if not i.reported),
                sum(1 for i in insts if i.carried)))
        return out

    @property
    def unreported(self) -> list[InstitutionProgress]:
        return [i for i in self.institutions if not i.reported]

    def waiting_on(self, figures: dict[str, list[str]]) -> Progress:
        """The same progress with, for each institution id in `figures`, the figures indicators
        of the year wait for (an institution lacking a part is 未填报 already: its parts say
        what to send first)."""
        if not figures:
            return self
        return Progress(self.year, [
            replace(i, waiting=tuple(figures[i.id])) if i.id in figures and i.reported else i
            for i in self.institutions], self.has_data)

    @property
    def unconfirmed(self) -> list[InstitutionProgress]:
        return [i for i in self.institutions if i.carried]

    @property
    def empty(self) -> bool:
        """Nothing to report on: no figure of the year, or no institution counted in it."""
        return not self.has_data or not self.institutions

    @property
    def is_draft(self) -> bool:
        """A report of this year is a draft: the year is empty, someone has not reported (in
        part or at all) or a carried-over value awaits confirmation."""
        return bool(self.empty or self.unreported or self.unconfirmed)

    def missing_text(self, limit: int = 60) -> list[str]:
        """What keeps the year a draft, as sentences naming the institutions and what each
        lacks."""
        out = []
        if not self.has_data:
            out.append(f"文件中没有{self.year}年度的任何数据。")
        elif not self.institutions:
            out.append(f"文件中没有{self.year}年度在用的医疗卫生机构。")
        unreported = self.unreported
        if unreported:
            partial = sum(1 for i in unreported if i.partial)
            names = "、".join(f"{i.name}（{i.missing_text}）" for i in unreported[:limit])
            more = f" 等（共 {len(unreported)} 家）" if len(unreported) > limit else ""
            some = f"，其中部分填报 {partial} 家" if partial else ""
            out.append(f"尚未填齐本年度数据的机构 {len(unreported)} 家{some}：{names}{more}。")
        unconfirmed = self.unconfirmed
        if unconfirmed:
            names = "、".join(i.name for i in unconfirmed[:limit])
            more = f" 等（共 {len(unconfirmed)} 家）" if len(unconfirmed) > limit else ""
            out.append(f"沿用上年数据尚未确认的机构 {len(unconfirmed)} 家：{names}{more}。")
        return out


def _has(row: dict[str, Any], *keys: str) -> bool:
    return any(row[k] is not None for k in keys)


def _parts(row: dict[str, Any]) -> dict[str, bool | None]:
    t = row["type"]
    centre, station = t in CENTRE_TYPES, t in STATIONS
    return {
        "staff": _has(row, "physicians", "tcm_physicians", "other_tcm_staff"),
        "visits": row["visits"] is not None and row["tcm_visits"] is not None if centre else None,
        "hall": (row["hall_state"] is not None if centre
                 else _has(row, "tcm_corner", "service_place") if station else None),
        "techniques": row["tech_items"] is not None if centre or station else None,
        "activities": row["activities"] > 0 if centre else None,
    }


_ANY_SQL = """
SELECT EXISTS (SELECT 1 FROM county_year WHERE deleted = 0 AND year = :year)
    OR EXISTS (SELECT 1 FROM institution_year WHERE deleted = 0 AND year = :year)
    OR EXISTS (SELECT 1 FROM activity WHERE deleted = 0 AND date BETWEEN :first AND :last)
    AS any_data
"""


def _has_data(county: CountyFile, params: dict[str, Any]) -> bool:
    """Any figure of the year, as CountyFile.years() counts them, without listing every year."""
    return bool(county.query(_ANY_SQL, params)[0]["any_data"])


def progress(county: CountyFile, year: int, rows: list[dict[str, Any]] | None = None
             ) -> Progress:
    """The year's 填报进度. `rows`: the year's institutions as load_facts(…, logged=True) read
    them, when the caller has them (the same institutions, order and columns as _SQL's)."""
    params = {"year": year, "first": f"{year:04d}-01-01", "last": f"{year:04d}-12-31"}
    out = Progress(year, has_data=_has_data(county, params))
    if rows is None:
        rows = in_file_scope(county, county.query(_SQL, params))
    for row in rows:
        source, fields = parse_carried(row["carried"])
        parts = _parts(row)
        if row["year_row"] is None:
            # Staff is asked of everyone, but only a row of figures can hold it.
            parts["staff"] = False
        out.institutions.append(InstitutionProgress(
            row["id"], row["name"], row["township"] or "未填乡镇", row["type"], parts,
            row["activities"], len(fields), source, row["year_row"] is not None))
    return out
