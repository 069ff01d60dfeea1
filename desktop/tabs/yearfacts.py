"""Tabs that edit one institution's facts for the selected year, one row per institution."""

from __future__ import annotations

from typing import Any

from db.county import parse_carried, uncarry
from db.fields import FILLED_BY, not_applicable
from db.vocab import INSTITUTION_TYPES, institution_key, pinyin_key
from desktop.context import Context
from desktop.models import Column
from desktop.tabs.base import TableTab
from desktop.undo import Change


def name_columns() -> list[Column]:
    return [
        Column("name", "机构名称", width=220),
        Column("type", "类型", "choice", choices=INSTITUTION_TYPES, width=110),
        Column("township", "乡镇（街道）", width=100),
    ]


class YearFactsTab(TableTab):
    """Subclasses set `types` (None = every type) and `marks` (column -> indicators)."""

    table = "institution_year"  # the records it shows (merge dialogs name fields in its words)
    types: tuple[str, ...] | None = None
    marks: dict[str, tuple[str, ...]] = {}

    def __init__(self, columns: list[Column]) -> None:
        super().__init__(columns, frozen=1)  # the name stays while typing far to the right
        self.type_filter = self.add_filter("type", "类型", "L")
        self.town_filter = self.add_filter("township", "乡镇", "X")

    def load(self, ctx: Context) -> list[dict[str, Any]]:
        rows = ctx.county.institutions_in_year(ctx.year)
        if self.types is not None:
            rows = [r for r in rows if r["type"] in self.types]
        rows.sort(key=institution_key)
        types = sorted({r["type"] for r in rows}, key=list(INSTITUTION_TYPES).index)
        self.fill_filter(self.type_filter, [(INSTITUTION_TYPES[t], t) for t in types])
        towns = sorted({r["township"] for r in rows if r["township"]}, key=pinyin_key)
        self.fill_filter(self.town_filter, [(t, t) for t in towns])
        return rows

    def store(self, row: dict[str, Any], values: dict[str, Any], year: int) -> None:
        assert self.ctx is not None
        saved = self.ctx.county.set_institution_year(row["id"], year, values)
        if year == self.ctx.year:  # a value typed is no longer 沿用上年
            self._carried_now[row["id"]] = saved.get("carried")

    def write(self, row: dict[str, Any], col: Column, value: Any) -> str | None:
        """A carried-over value typed again as it is: confirmed (one step of 撤销, which marks
        it 沿用上年 again)."""
        if self.ctx is None or value != col.raw(row) or self.carried(row, col) is None:
            return super().write(row, col, value)
        marker = row.get("carried")
        if self.apply([Change(dict(row), "carried", marker, uncarry(marker, [col.key]))],
                      self.cell_change("确认", row, col) + "（沿用上年）", year=self.ctx.year):
            return None
        return self.message.text()

    def same_value(self, row: dict[str, Any], col: Column) -> Change | None:
        """A carried-over value pasted as it is confirms it too."""
        if self.carried(row, col) is None:
            return None
        return Change(dict(row), col.key, col.raw(row), col.raw(row))

    def apply(self, changes: list[Change], what: str, *, year: int, record: bool = True) -> bool:
        self._carried_now: dict[str, Any] = {}
        if record:
            changes = _with_carried(changes)
        done = super().apply(changes, what, year=year, record=record)
        if done:
            for rid, carried in self._carried_now.items():
                self.model.set_values(rid, {"carried": carried})
        return done

    def carried(self, row: dict[str, Any], col: Column) -> str | None:
        source, fields = parse_carried(row.get("carried"))
        if source is None or col.key not in fields:
            return None
        return (f"沿用上年：{source}年的数据，尚未确认。修改即视为确认；"
                "也可在“填报进度”页按机构、乡镇或全部确认。")

    def mark(self, row: dict[str, Any], col: Column) -> str | None:
        if self.ctx is None or col.key not in self.marks:
            return None
        return self.ctx.gap(self.marks[col.key], row["id"])

    def inapplicable(self, row: dict[str, Any], col: Column) -> str | None:
        if col.key not in FILLED_BY:
            return None
        why = not_applicable(col.key, row.get("type"))
        if why and row.get(col.key) is not None:
            # A value an older file holds: it counts for nothing; Delete clears it.
            return f"{why}；已有的值不计入任何指标，可按 Delete 清除"
        return why


def _with_carried(changes: list[Change]) -> list[Change]:
    """The changes with, per row, the 沿用上年 marker as it was and as the writes leave it: an
    undo then marks the values carried again instead of leaving them confirmed."""
    out = [c for c in changes if c.key != "carried"]
    by_row: dict[str, list[Change]] = {}
    for c in out:
        by_row.setdefault(c.row["id"], []).append(c)
    confirms = {c.row["id"]: c for c in changes if c.key == "carried"}
    for rid, cells in by_row.items():
        marker = cells[0].row.get("carried")
        after = uncarry(confirms[rid].new if rid in confirms else marker,
                        [c.key for c in cells if c.new is not None])
        if after != marker:
            out.append(Change(cells[0].row, "carried", marker, after))
    out += [c for rid, c in confirms.items() if rid not in by_row]
    return out


def _share(num: str, den: str) -> Any:
    def value(row: dict[str, Any]) -> float | None:
        n, d = row.get(num), row.get(den)
        return n / d if n is not None and d else None
    return value
