"""填报进度: for one year, which parts of each counted institution's figures are in, per township,
and what keeps the year a draft (institutions 未填报, carried-over values not yet confirmed).

Parts an institution is asked for depend on its type (what the indicators read): staff from
everyone; visits and activities from the centres; the 中医馆 from centres and the 中医阁 or
service place from stations; techniques from centres and stations. A part that does not apply
is None, never counted against the institution.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from db.county import parse_carried
from db.vocab import CENTRE_TYPES, INSTITUTION_TYPES

from reports.judge.catalogue import STATIONS

if TYPE_CHECKING:
    from db.county import CountyFile

PARTS = {"staff": "人员", "visits": "诊疗量", "hall": "中医馆/中医阁", "techniques": "适宜技术",
         "activities": "宣传活动"}

_SQL = """
SELECT i.id, i.name, i.township, COALESCE(y.inst_type, i.type) AS type, y.id AS year_row,
       y.physicians, y.tcm_physicians, y.other_tcm_staff, y.visits, y.tcm_visits,
       y.hall_state, y.tcm_corner, y.service_place, y.tech_items, y.carried,
       (SELECT count(*) FROM activity a WHERE a.institution_id = i.id AND a.deleted = 0
          AND a.date BETWEEN :first AND :last) AS activities
FROM institution i
LEFT JOIN institution_year y ON y.institution_id = i.id AND y.year = :year AND y.deleted = 0
WHERE i.deleted = 0
  AND (i.active_from IS NULL OR i.active_from <= :year)
  AND (i.active_to IS NULL OR i.active_to >= :year)
ORDER BY COALESCE(i.township, ''), i.name, i.id
"""


@dataclass(frozen=True)
class InstitutionProgress:
    id: str
    name: str
    township: str
    type: str
    parts: dict[str, bool | None]  # part → in (True), missing (False), not asked (None)
    activities: int
    carried: int  # values carried over from last year, not yet confirmed
    carried_from: int | None
    has_row: bool  # a row of figures for the year (evaluate's not_reported lacks one)

    @property
    def asked(self) -> int:
        return sum(1 for v in self.parts.values() if v is not None)

    @property
    def done(self) -> int:
        return sum(1 for v in self.parts.values() if v)

    @property
    def share(self) -> float:
        return self.done / self.asked if self.asked else 1.0

    @property
    def reported(self) -> bool:
        """A row of figures for the year, as `evaluate` counts 未填报 (activities alone are not
        a report of the year's figures)."""
        return self.has_row

    @property
    def status(self) -> str:
        if not self.reported:
            return "未填报"
        if self.done < self.asked:
            return "部分填报"
        return "待确认" if self.carried else "已填齐"

    @property
    def missing(self) -> list[str]:
        return [PARTS[k] for k, v in self.parts.items() if v is False]

    @property
    def type_name(self) -> str:
        return INSTITUTION_TYPES.get(self.type, self.type)


@dataclass(frozen=True)
class TownshipProgress:
    township: str
    institutions: int
    complete: int
    partial: int
    none: int
    carried: int

    @property
    def share(self) -> float:
        return self.complete / self.institutions if self.institutions else 1.0


@dataclass
class Progress:
    year: int
    institutions: list[InstitutionProgress] = field(default_factory=list)

    @property
    def townships(self) -> list[TownshipProgress]:
        groups: dict[str, list[InstitutionProgress]] = defaultdict(list)
        for inst in self.institutions:
            groups[inst.township].append(inst)
        out = []
        for town, insts in sorted(groups.items()):
            status = [i.status for i in insts]  # each institution's once (6,400 at 10×)
            out.append(TownshipProgress(
                town, len(insts), sum(1 for s in status if s in ("已填齐", "待确认")),
                status.count("部分填报"), status.count("未填报"),
                sum(1 for i in insts if i.carried)))
        return out

    @property
    def unreported(self) -> list[InstitutionProgress]:
        return [i for i in self.institutions if not i.reported]

    @property
    def unconfirmed(self) -> list[InstitutionProgress]:
        return [i for i in self.institutions if i.carried]

    @property
    def is_draft(self) -> bool:
        """A report of this year is a draft: someone has not reported or a carried-over value
        awaits confirmation."""
        return bool(self.unreported or self.unconfirmed)

    def missing_text(self, limit: int = 60) -> list[str]:
        """What keeps the year a draft, as sentences naming the institutions."""
        out = []
        for label, insts in (("尚未填报本年度数据的机构", self.unreported),
                             ("沿用上年数据尚未确认的机构", self.unconfirmed)):
            if insts:
                names = "、".join(i.name for i in insts[:limit])
                more = f" 等（共 {len(insts)} 家）" if len(insts) > limit else ""
                out.append(f"{label} {len(insts)} 家：{names}{more}。")
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


def progress(county: CountyFile, year: int) -> Progress:
    params = {"year": year, "first": f"{year:04d}-01-01", "last": f"{year:04d}-12-31"}
    out = Progress(year)
    for row in county.query(_SQL, params):
        source, fields = parse_carried(row["carried"])
        parts = _parts(row)
        if row["year_row"] is None:
            # Staff is asked of everyone, but only a row of figures can hold it.
            parts["staff"] = False
        out.institutions.append(InstitutionProgress(
            row["id"], row["name"], row["township"] or "未填乡镇", row["type"], parts,
            row["activities"], len(fields), source, row["year_row"] is not None))
    return out
