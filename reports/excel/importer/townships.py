"""A row's 所属乡镇 read with its 年度: the township the institution belongs to that year.

Rules decided here (README, "The register over the years"):
- 所属乡镇 with a 年度 (or `--year`) says where the institution is in that year. Where it differs
  from what the file holds for that year, the change is recorded from that year until the next
  recorded change (db.townships); earlier years keep their township. Several rows of one
  workbook for one institution are taken year by year, oldest first, whatever their order.
- Without any year, 所属乡镇 is the township of today (as 编辑机构 in the window).
- A row without 机构代码 whose name and type are only found in another township that year may be
  the same institution moved (撤乡并镇) or another one of the same name (village names repeat
  across townships): it is asked about, never guessed. Until each such row is decided (the
  window asks row by row; `import-excel --moves move|new` decides all) nothing is imported.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from db.fields import duplicate_among, same_key
from db.townships import Move, Period, history, moved, townships_in_year
from db.vocab import INSTITUTION_TYPES

from reports.excel.importer.plan import Origin, Record, Refusal

if TYPE_CHECKING:
    from db.county import CountyFile

MOVE, NEW = "move", "new"
DECISIONS = {MOVE: "同一机构，自该年度起划归表中的乡镇", NEW: "另一家同名机构，新增"}


@dataclass(frozen=True)
class PossibleMove:
    """A row naming an institution the file has only in another township that year."""

    sheet: str
    row: int
    name: str
    type: str | None
    year: int
    town: str  # the township the row gives
    found: tuple[tuple[str, str, bool], ...]  # (institution id, its township that year, new)
    decision: str | None = None  # MOVE, NEW, or None while undecided

    @property
    def key(self) -> tuple[str, int]:
        return self.sheet, self.row

    def __str__(self) -> str:
        where = "、".join(f"“{t or '未填乡镇'}”" + ("（本表新增）" if new else "")
                         for _, t, new in self.found)
        kind = INSTITUTION_TYPES.get(self.type or "", "机构")
        said = f"：{DECISIONS[self.decision]}" if self.decision else ""
        return (f"工作表“{self.sheet}”第 {self.row} 行“{self.name}”（{self.year}年，所属乡镇"
                f"“{self.town}”，未填机构代码）：本县 {self.year} 年在{where}有同名的{kind}{said}")


@dataclass
class Statements:
    """Every 所属乡镇 a workbook states, per institution and year, with where it was read."""

    county: CountyFile
    said: dict[str, dict[int, tuple[str | None, Origin]]] = field(default_factory=dict)
    _years: dict[int, dict[str, str | None]] = field(default_factory=dict)

    def in_file(self, inst_id: str, year: int) -> str | None:
        if year not in self._years:
            self._years[year] = townships_in_year(self.county, year)
        return self._years[year].get(inst_id)

    def town_in(self, rec: Record, year: int) -> str | None:
        """The township a record belongs to in `year`, as the workbook read so far says."""
        stated = self.said.get(rec.id, {}).get(year)
        if stated is not None:
            return stated[0]
        if rec.is_new:
            return rec.values.get("township")
        return self.in_file(rec.id, year)

    def clash(self, inst_id: str, year: int, town: str | None) -> Origin | None:
        """Where an earlier row gave another township for the same institution and year."""
        stated = self.said.get(inst_id, {}).get(year)
        if stated is not None and same_key(stated[0]) != same_key(town):
            return stated[1]
        return None

    def add(self, inst_id: str, year: int, town: str | None, origin: Origin) -> None:
        self.said.setdefault(inst_id, {}).setdefault(year, (town, origin))


def same_town(a: str | None, b: str | None) -> bool:
    return same_key(a) == same_key(b)


def resolve(statements: Statements, institutions: dict[str, Record],
            refusals: list[Refusal]) -> list[Move]:
    """Turn the statements into each institution's townships over the years: a new
    institution's history is set on its record (`values["township"]` is today's, `periods` the
    rest); an existing one's change is a Move. A change that would make an institution a second
    copy of another (the same name in the same township today) is refused at its row."""
    moves = []
    for inst_id, by_year in statements.said.items():
        rec = institutions[inst_id]
        if rec.is_new:
            # Before its first year it had no other township: the earliest row's holds back.
            before = [Period(None, None, by_year[min(by_year)][0])]
        else:
            before = history(statements.county, inst_id)
            if "township" in rec.origins:  # a row without year changed today's township
                before[-1] = replace(before[-1], township=rec.values.get("township"))
        after = before
        for year in sorted(by_year):
            town = by_year[year][0]
            if not same_town(next(p.township for p in after if p.holds(year)), town):
                after = moved(after, year, town)
        if after == before and not (rec.is_new
                                    and not same_town(after[-1].township, rec.values.get("township"))):
            continue
        last = max(by_year.items())[1][1]
        if not same_town(after[-1].township, rec.values.get("township")):
            others = [r.values | {"id": r.id} for r in institutions.values() if r.id != inst_id]
            reason = duplicate_among({**rec.values, "township": after[-1].township, "id": inst_id},
                                     others)
            if reason:
                refusals.append(Refusal(last.sheet, last.row, last.column, reason))
                continue
        if rec.is_new:
            rec.values["township"] = after[-1].township
            rec.periods = after
        else:
            year = min(y for y in by_year
                       if not same_town(next(p.township for p in before if p.holds(y)),
                                        by_year[y][0]))
            moves.append(Move(inst_id, rec.values["name"], year, tuple(before), tuple(after),
                              rec.values.get("active_from"), rec.values.get("active_to")))
    return moves


def decision_for(decisions: str | dict[tuple[str, int], str] | None,
                 key: tuple[str, int]) -> str | None:
    if decisions is None:
        return None
    if isinstance(decisions, str):
        return decisions
    return decisions.get(key)


def found_in(statements: Statements, candidates: list[Record],
             year: int) -> tuple[tuple[str, str], ...]:
    return tuple((r.id, statements.town_in(r, year) or "", r.is_new) for r in candidates)


def row_town(values: dict[str, Any]) -> str | None:
    town = values.get("township")
    return " ".join(str(town).split()) or None if town is not None else None
