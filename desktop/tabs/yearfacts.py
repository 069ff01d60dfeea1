"""Tabs that edit one institution's facts for the selected year, one row per institution."""

from __future__ import annotations

from typing import Any

from db.errors import KnownError
from db.vocab import INSTITUTION_TYPES
from desktop.context import Context
from desktop.models import Column
from desktop.tabs.base import TableTab

_ROWS_SQL = """
SELECT i.id, i.name, i.township, COALESCE(y.inst_type, i.type) AS type, y.id AS year_row,
       {fields}
FROM institution i
LEFT JOIN institution_year y ON y.institution_id = i.id AND y.year = :year AND y.deleted = 0
WHERE i.deleted = 0
  AND (i.active_from IS NULL OR i.active_from <= :year)
  AND (i.active_to IS NULL OR i.active_to >= :year)
ORDER BY CASE COALESCE(y.inst_type, i.type)
           WHEN 'county_tcm_hospital' THEN 0 WHEN 'county_general_hospital' THEN 1
           WHEN 'maternal_child' THEN 2 WHEN 'chc' THEN 3 WHEN 'township_hc' THEN 3 ELSE 5 END,
         COALESCE(i.township, ''), i.name
"""


def name_columns() -> list[Column]:
    return [
        Column("name", "机构名称", width=220),
        Column("type", "类型", "choice", choices=INSTITUTION_TYPES, width=110),
        Column("township", "乡镇（街道）", width=100),
    ]


class YearFactsTab(TableTab):
    """Subclasses set `types` (None = every type), `fields`, and `marks` (column -> indicators)."""

    types: tuple[str, ...] | None = None
    fields: tuple[str, ...] = ()
    marks: dict[str, tuple[str, ...]] = {}

    def __init__(self, columns: list[Column]) -> None:
        super().__init__(columns)
        self.type_filter = self.add_filter("type", "类型")
        self.town_filter = self.add_filter("township", "乡镇")

    def load(self, ctx: Context) -> list[dict[str, Any]]:
        sql = _ROWS_SQL.format(fields=", ".join(f"y.{f}" for f in self.fields))
        rows = ctx.county.query(sql, {"year": ctx.year})
        if self.types is not None:
            rows = [r for r in rows if r["type"] in self.types]
        types = sorted({r["type"] for r in rows}, key=list(INSTITUTION_TYPES).index)
        self.fill_filter(self.type_filter, [(INSTITUTION_TYPES[t], t) for t in types])
        towns = sorted({r["township"] for r in rows if r["township"]})
        self.fill_filter(self.town_filter, [(t, t) for t in towns])
        return rows

    def write(self, row: dict[str, Any], col: Column, value: Any) -> str | None:
        assert self.ctx is not None
        if value == "":
            value = None
        try:
            self.ctx.county.set_institution_year(row["id"], self.ctx.year, {col.key: value})
        except KnownError as exc:
            self.refuse(f"{row['name']}：{exc}")
            return str(exc)
        self.message.hide()
        self.changed.emit()
        return None

    def mark(self, row: dict[str, Any], col: Column) -> str | None:
        if self.ctx is None or col.key not in self.marks:
            return None
        return self.ctx.gap(self.marks[col.key], row["id"])


def _share(num: str, den: str) -> Any:
    def value(row: dict[str, Any]) -> float | None:
        n, d = row.get(num), row.get(den)
        return n / d if n is not None and d else None
    return value
