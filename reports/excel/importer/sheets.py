"""Step 2: find each sheet's kind and header row, and read its data rows into records: cells
through the contract's vocabulary, merged cells filled down, totals, notes and decoration skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
import re
from typing import Any


from reports.excel.vocab import (ACTIVITY_COLUMNS, MAX_COLUMNS, MAX_MERGED_CELLS, NAME,
                                 SHEET_COLUMNS, YEAR_KEYS, BadValue, Column, WorkbookError,
                                 clean_text, header_key, is_blank, is_ignored, read_cell, recognise,
                                 shorten)
from reports.excel.importer.plan import ImportPlan, Refusal, Row, RowRefused, header_word
from reports.excel.importer.workbook import RawSheet


HEADER_SEARCH_ROWS = 10
# Sheets the program's own workbooks carry beside the data; not worth a mention when ignored.
OWN_SHEETS = ("指标结果", "未达标机构", "评分情况", "数据核查", "填表说明")
_TOTALS = ("合计", "总计", "小计")
_NOTE_PREFIXES = ("填表说明", "备注", "注:", "注：", "说明:", "说明：")


@dataclass
class Sheet:
    name: str
    kind: str  # institution | county | activity
    header_row: int
    columns: dict[int, Column]  # 0-based column index → column
    headers: dict[str, str]  # column key → header as written
    rows: list[tuple[Any, ...]]
    # 序号 and 年度 columns: a row with nothing else is blank (a template's spare rows carry
    # their year so that a clerk who fills one needs to type nothing more).
    fillers: frozenset[int] = frozenset()


def _cell(row: tuple[Any, ...], index: int) -> Any:
    return row[index] if index < len(row) else None


_Found = dict[int, tuple[Column, str]]  # column index → (column, header as written)


def _find_header(rows: list[tuple[Any, ...]]) -> tuple[int, _Found, list[str]]:
    """The header row among the first rows: the one naming most known columns, counting a column
    whose header sits above it in a merged cell (two-row group headers). Ties go to the lower row,
    which is the detailed row of a two-row header. Returns (row index, columns, unknown headers)."""
    best: tuple[int, int, _Found] | None = None
    head = rows[:HEADER_SEARCH_ROWS]
    width = max((len(x) for x in head), default=0)
    for r, row in enumerate(head):
        own = {}
        for c, value in enumerate(row):
            col = recognise(value)
            if col is not None:
                own[c] = (col, clean_text(value))
        if not own:
            continue
        found = dict(own)
        for c in range(width):
            if c in found or not is_blank(_cell(row, c)):
                continue
            for above in (r - 1, r - 2):
                if above < 0:
                    break
                value = _cell(head[above], c)
                if not is_blank(value):
                    col = recognise(value)
                    if col is not None:
                        found[c] = (col, clean_text(value))
                    break
        if best is None or len(found) >= best[1]:
            best = (r, len(found), found)
    if best is None:
        return -1, {}, []
    r, _, found = best
    unknown = [shorten(clean_text(v)) for c, v in enumerate(head[r])
               if c not in found and not is_blank(v) and not is_ignored(v)]
    return r, found, unknown


def _sheet_kind(keys: set[str]) -> str | None:
    if "date" in keys:
        return "activity"
    if "resident_population" in keys:
        return "county"
    if "name" in keys:
        return "institution"
    return None


# ---- sheets into rows ----------------------------------------------------------------------------

def _fill_merged(raw: RawSheet, header_row: int) -> None:
    """Give every cell of a merged range below the header the range's value: a 机构类型 or
    所属乡镇 merged over a township's clinics belongs to each of them. Only rows and columns that
    are read count, and their total is bounded: a merge over A1:XFD1048576 costs nothing."""
    rows, work = raw.rows, 0
    for min_col, min_row, max_col, max_row in raw.merges:
        if min_row - 1 <= header_row or min_row - 1 >= len(rows) or min_col > MAX_COLUMNS:
            continue
        max_col, max_row = min(max_col, MAX_COLUMNS), min(max_row, len(rows))
        work += (max_row - min_row + 1) * (max_col - min_col + 1)
        if work > MAX_MERGED_CELLS:
            raise WorkbookError(f"工作表“{raw.name}”的合并单元格共覆盖超过 {MAX_MERGED_CELLS:,} 个"
                                "单元格，未导入。请取消合并后再导入。")
        value = _cell(rows[min_row - 1], min_col - 1)
        for r in range(min_row - 1, max_row):
            row = list(rows[r]) + [None] * max(0, max_col - len(rows[r]))
            for c in range(min_col - 1, max_col):
                row[c] = value
            rows[r] = tuple(row)


def identify(raw: RawSheet, plan: ImportPlan) -> Sheet | None:
    name, rows = raw.name, raw.rows
    r, found, unknown = _find_header(rows)
    keys = {col.key for col, _ in found.values()}
    kind = _sheet_kind(keys)
    if kind is None:
        if name not in OWN_SHEETS:
            plan.ignored_sheets.append(name)
        return None
    allowed = {col.key for col in SHEET_COLUMNS[kind]}
    columns: dict[int, Column] = {}
    headers: dict[str, str] = {}
    for c, (col, text) in sorted(found.items()):
        if col.key not in allowed or col.key in headers:
            unknown.append(text + ("（重复）" if col.key in headers else ""))
            continue
        columns[c] = col
        headers[col.key] = text
    plan.unknown_columns += [(name, h) for h in unknown]
    _fill_merged(raw, r)
    fillers = {c for c, v in enumerate(rows[r]) if is_ignored(v)}
    fillers |= {c for c, col in columns.items() if col.key == "year"}
    return Sheet(name, kind, r, columns, headers, rows, frozenset(fillers))


def missing_columns(sheet: Sheet, plan: ImportPlan) -> bool:
    """Refuse a sheet that lacks a column every row needs; True if it does."""
    needed: list[str] = []
    if sheet.kind == "activity":
        needed = [c.key for c in ACTIVITY_COLUMNS if c.key in ("name", "date", "kind", "title")]
    has_facts = sheet.kind == "county" or (sheet.kind == "institution"
                                           and bool(YEAR_KEYS & set(sheet.headers)))
    if has_facts and plan.year is None:
        needed.append("year")
    missing = [k for k in needed if k not in sheet.headers]
    for key in missing:
        word = header_word(key)
        reason = ("缺少“年度”列，导入时也未指定年度" if key == "year"
                  else f"缺少必需的列“{word}”")
        plan.refusals.append(Refusal(sheet.name, sheet.header_row + 1, word, reason))
    return bool(missing)


def is_skipped(sheet: Sheet, row: tuple[Any, ...]) -> bool:
    """Blank rows, totals (合计/总计/小计) and notes (填表说明/备注/注：) are not data."""
    values = [v for v in row if not is_blank(v)]
    if not values:
        return True
    first = header_key(values[0])
    name_at = next((c for c, col in sheet.columns.items() if col is NAME), None)
    name = header_key(_cell(row, name_at)) if name_at is not None else first
    if first.startswith(_NOTE_PREFIXES) or name.startswith(_NOTE_PREFIXES):
        return True
    return name.endswith(_TOTALS) and len(name) <= 12


_UNIT_CELL = re.compile(r"[(（][^()（）]{0,8}[)）]")


def is_decoration(row: tuple[Any, ...]) -> bool:
    """A row of units "（人）" or of column numbers 1, 2, 3 … just under the header."""
    values = [v for v in row if not is_blank(v)]
    if values and all(isinstance(v, str) and _UNIT_CELL.fullmatch(v.strip()) for v in values):
        return True
    numbers = [v for v in values if isinstance(v, int) and not isinstance(v, bool)]
    return (len(values) >= 3 and numbers == values
            and numbers == list(range(numbers[0], numbers[0] + len(numbers))) and numbers[0] <= 1)


# Cells a row is matched by: when one of them cannot be read, nothing else of the row can be
# checked against the right records, so only the unreadable cells are reported.
_IDENTITY = frozenset({"name", "type", "code", "year", "township"})


def read_row(sheet: Sheet, number: int, row: tuple[Any, ...]) -> Row:
    """The row's readable values; cells that cannot be read are `Row.unread` (the planner still
    checks the rest and refuses the row), or RowRefused when the row cannot be checked without
    them (a cell it is matched by, or any cell of an activity)."""
    values: dict[str, Any] = {}
    refusals: list[Refusal] = []
    unread: set[str] = set()
    for c, col in sheet.columns.items():
        try:
            value = read_cell(col, _cell(row, c))
        except BadValue as exc:
            refusals.append(Refusal(sheet.name, number, sheet.headers[col.key], str(exc)))
            unread.add(col.key)
            continue
        if value is not None:
            values[col.key] = value
    if refusals and (sheet.kind == "activity" or unread & _IDENTITY):
        raise RowRefused(refusals)
    return Row(sheet.name, number, sheet.headers, values, refusals, frozenset(unread))


def column_order(sheet: Sheet) -> dict[str, int]:
    """Each column's header → its place, to list a row's problems as its columns run."""
    return {sheet.headers[col.key]: c for c, col in sheet.columns.items()}
