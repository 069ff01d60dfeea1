"""One table model for every tab: rows are records (dicts), columns are declared specs.

The shape follows Vorta's archive table model: column specs instead of magic numbers, a sort role
that returns raw values, a row role that returns the record, and reset around a reload. Edits go
to a callback that writes the file and returns a Chinese refusal or None.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
import datetime as _dt
import functools
import re
from typing import Any
import unicodedata

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont

from db.vocab import YEAR_MAX, YEAR_MIN, pinyin_key

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2
REFUSED_ROLE = Qt.ItemDataRole.UserRole + 3  # the refusal of what was typed into the cell, if any

FAIL_BACKGROUND = QColor("#f8d7d3")
ERROR_BACKGROUND = QColor("#f3b0a8")
PASS_BACKGROUND = QColor("#dcefd9")
CARRIED_FOREGROUND = QColor("#3a5f8a")  # 沿用上年, not yet confirmed
NODATA_BACKGROUND = QColor("#ececec")

TONES = {"pass": PASS_BACKGROUND, "none": NODATA_BACKGROUND}

# What the model answers, as the numbers Qt asks with (an enum compared or combined in Python at
# every cell of every repaint costs more than the answer).
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_EDIT = int(Qt.ItemDataRole.EditRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_FONT = int(Qt.ItemDataRole.FontRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_MARKED = frozenset((_BACKGROUND, _FOREGROUND, _FONT, _TOOLTIP, int(REFUSED_ROLE)))
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_NUMERIC = frozenset(("int", "share", "rate"))
_HORIZONTAL, _VERTICAL = Qt.Orientation.Horizontal, Qt.Orientation.Vertical
_NO_FLAGS = Qt.ItemFlag.NoItemFlags
_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_EDITABLE_FLAGS = _FLAGS | Qt.ItemFlag.ItemIsEditable

Index = QModelIndex | QPersistentModelIndex


@dataclass
class Column:
    """How one column shows, sorts and edits a field of the row record."""

    key: str
    header: str
    kind: str = "text"  # text | int | bool | choice | share | rate | date | check
    editable: bool = False
    choices: dict[str, str] = field(default_factory=dict)  # stored value -> words shown
    value: Callable[[dict[str, Any]], Any] | None = None  # computed columns
    width: int = 0
    tip: str = ""
    tone: Callable[[dict[str, Any]], str | None] | None = None  # "pass" | "fail" | "none"
    order: Callable[[dict[str, Any]], Any] | None = None  # a sort key of its own (task numbers)
    # Long text in a narrow column: the cell is elided with …, its tooltip gives it whole.
    whole_tip: bool = False
    # Another column whose text this one's width also allows for (上年 beside 实际值: the same
    # kind of figure, filled in a frame after the rest, so the columns do not move then).
    sized_as: str = ""

    def raw(self, row: dict[str, Any]) -> Any:
        return self.value(row) if self.value else row.get(self.key)

    def sort_key(self, row: dict[str, Any]) -> Any:
        """A raw value to compare: numbers for numeric kinds, pinyin for Chinese text."""
        if self.order is not None:
            return self.order(row)
        v = self.raw(row)
        if self.kind in ("int", "share", "rate", "bool"):
            return float(v) if v is not None else -1.0  # blanks sort before zero
        if self.kind == "choice":
            return list(self.choices).index(v) if v in self.choices else -1
        if self.kind == "date":
            return "" if v is None else str(v)
        return pinyin_key(None if v is None else str(v))

    def parse(self, text: str) -> Any:
        """The value typed or pasted as `text`; raises ValueError with the reason in Chinese.

        A blank cell is "not reported" (None) whatever the kind.
        """
        text = unicodedata.normalize("NFKC", text).strip()
        if text == "":
            return None
        if self.kind == "int":
            return parse_count(text)
        if self.kind == "bool":
            if text.upper() in _YES:
                return 1
            if text.upper() in _NO:
                return 0
            raise ValueError(f"应填“是”或“否”，收到“{text}”")
        if self.kind == "choice":
            for key, words in self.choices.items():
                if text in (key, words):
                    return key
            raise ValueError(f"“{text}”不是可选的值（可选：{'、'.join(self.choices.values())}）")
        if self.kind == "date":
            return parse_date(text).isoformat()
        return text

    @property
    def label(self) -> str:
        """The header on one line, as a message names the column: a header set on two lines
        to keep its column narrow reads as one word again (中医药\n内容: 中医药内容)."""
        lines = [" ".join(line.split()) for line in self.header.split("\n") if line.strip()]
        words = lines[0] if lines else ""
        for line in lines[1:]:
            spaced = words[-1:].isascii() or line[:1].isascii()  # "D1 …", not "中医药 内容"
            words += (" " if spaced else "") + line
        return words

    def text(self, row: dict[str, Any]) -> str:
        v = self.raw(row)
        if v is None or v == "":
            return ""
        if self.kind == "bool":
            return "是" if v else "否"
        if self.kind == "choice":
            return self.choices.get(v, str(v))
        if self.kind == "share":
            return f"{v * 100:.1f}%"
        if self.kind == "rate":
            return f"{v:.2f}"
        if self.kind == "int" and isinstance(v, int):
            return f"{v:,}"
        return str(v)


_YES = {"是", "有", "Y", "YES", "TRUE", "1", "√", "✓"}
_NO = {"否", "无", "没有", "N", "NO", "FALSE", "0", "×", "✗"}
_MINUS = "-−－–—"


def parse_count(text: str) -> int:
    """A count as typed or pasted ("1,234", full-width digits); ValueError says why not."""
    plain = text.replace(",", "").replace("，", "").replace(" ", "")
    if plain and plain[0] in _MINUS and re.fullmatch(r"\d+(\.\d*)?", plain[1:]):
        raise ValueError(f"不能为负数（收到“{text}”）")
    if re.fullmatch(r"\d+(\.0*)?", plain):
        return int(plain.split(".")[0])
    if re.fullmatch(r"\d*\.\d+", plain):
        raise ValueError(f"应为整数，收到“{text}”")
    raise ValueError(f"应填数字，收到“{text}”")


# A date as clerks type it in Excel or WPS: 2024-11-15, 2024/11/15, 2024.11.15, 2024年11月15日
# (one-digit months and days too), or 20241115.
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?"
                   r"|(\d{4})(\d{2})(\d{2})")
_MONTH_ONLY = re.compile(r"\d{4}\s*[-/.年]\s*\d{1,2}\s*月?")
DATE_EXAMPLE = "应为 年-月-日，如 2026-03-31"


def _excel_serial(text: str) -> _dt.date | None:
    """The day an Excel/WPS date serial (45611: days since 1899-12-30) names, if `text` is one
    in the years a date here may have."""
    if not text.isdigit() or len(text) != 5:
        return None
    day = _dt.date(1899, 12, 30) + _dt.timedelta(days=int(text))
    return day if YEAR_MIN <= day.year <= YEAR_MAX else None


def parse_date(text: str) -> _dt.date:
    """The date typed or pasted as `text` (full-width digits too); ValueError says why not.

    Never a guess: a part missing, a month or day that does not exist, is refused, not moved
    to another day."""
    text = unicodedata.normalize("NFKC", text).strip()
    m = _DATE.fullmatch(text)
    if m is None:
        if _MONTH_ONLY.fullmatch(text):
            raise ValueError(f"“{text}”缺少日（{DATE_EXAMPLE}）")
        serial = _excel_serial(text)
        if serial is not None:
            # Copied from a column Excel or WPS shows as numbers: said, never taken as the day
            # (a count pasted one column off would read as a date as well).
            raise ValueError(f"“{text}”像是 Excel 的日期序号（即 {serial.isoformat()}），不是日期："
                             f"请在表格中把该列设为日期格式后再复制，或直接输入 {serial.isoformat()}")
        raise ValueError(f"“{text}”不是有效日期（{DATE_EXAMPLE}）")
    year, month, day = (int(g) for g in (m.groups()[:3] if m[1] else m.groups()[3:]))
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise ValueError(f"“{text}”的年份 {year} 不在 {YEAR_MIN}–{YEAR_MAX} 之间")
    if not 1 <= month <= 12:
        raise ValueError(f"“{text}”不是有效日期（没有 {month} 月）")
    try:
        return _dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"“{text}”不是有效日期（{year} 年 {month} 月没有 {day} 日）") from None


def _compare(a: Any, b: Any) -> int:
    """-1, 0 or 1: keys compared as values, else as their text."""
    try:
        return -1 if a < b else 1 if b < a else 0
    except TypeError:
        a, b = str(a), str(b)
        return -1 if a < b else 1 if b < a else 0


def row_label(row: dict[str, Any]) -> str:
    """How a message names a row: its institution, activity or task."""
    for key in ("name", "title", "text"):
        if row.get(key):
            text = str(row[key])
            return text if len(text) <= 24 else text[:23] + "…"
    return ""


Writer = Callable[[dict[str, Any], Column, Any], str | None]
Marker = Callable[[dict[str, Any], Column], str | None]


class RecordModel(QAbstractTableModel):
    """Records in rows; `writer` saves an edit and returns a refusal message or None."""

    refused = Signal(str)  # a typed value could not be read: the sentence to show

    def __init__(self, columns: list[Column], *, writer: Writer | None = None,
                 marker: Marker | None = None, carried: Marker | None = None,
                 inapplicable: Marker | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = columns
        self.rows: list[dict[str, Any]] = []
        self.writer = writer
        self.marker = marker
        # A value carried over from last year and not yet confirmed: italic, blue-grey, and
        # the tooltip says from which year.
        self.carried = carried
        # A cell its row does not fill (中医馆面积 of a 社区卫生服务站): grey, and the tooltip says
        # why; a value typed there is refused with the same reason.
        self.inapplicable = inapplicable
        self.refusals: dict[tuple[str, str], str] = {}  # (row id, column key) -> message
        # The order the rows were loaded in, and the column (and way) the clerk sorted them by.
        self.loaded: list[dict[str, Any]] = []
        self.sorted_by: tuple[int, Qt.SortOrder] | None = None
        self._keys: dict[int, dict[int, Any]] = {}  # column -> id(row) -> sort key
        # What was typed into a refused cell: shown there (and in its editor) until it is
        # corrected or the tab is left, so the clerk fixes the entry instead of retyping it.
        self.typed: dict[tuple[str, str], str] = {}
        # The value of a refused cell, read but refused by the file (西学中 outnumbering the
        # non-TCM physicians): tried again once another cell of its row is corrected.
        self.wanted: dict[tuple[str, str], Any] = {}

    # ---- loading ----------------------------------------------------------------------------

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self.loaded = list(rows)
        self._keys = {}
        self.rows = self._ordered() if self.sorted_by else rows
        self.refusals = {}  # what was refused was never saved: a fresh look shows the file
        self.typed = {}
        self.wanted = {}
        self.endResetModel()

    # ---- sorting: by a clicked header, every row's key computed once per load ----------------

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Order the rows by a column, as a clerk clicking its header expects (pinyin for names,
        numbers for counts), or back to the order they were loaded in (column -1).

        Done here, once, rather than by the filter model comparing two rows through Qt for each
        of the 80,000 comparisons 6,400 rows take (1–2 s on the 10× county; now 0.1 s). As
        Qt's sort does, rows with equal keys keep the order they were loaded in.
        """
        self.sorted_by = None if column < 0 or column >= len(self.columns) else (column, order)
        self._reorder()

    def _ordered(self) -> list[dict[str, Any]]:
        assert self.sorted_by is not None
        column, order = self.sorted_by
        col = self.columns[column]
        keys = self._keys.setdefault(column, {})
        for row in self.loaded:
            if id(row) not in keys:
                keys[id(row)] = col.sort_key(row)
        descending = order == Qt.SortOrder.DescendingOrder
        try:
            return sorted(self.loaded, key=lambda r: keys[id(r)], reverse=descending)
        except TypeError:  # keys of mixed kinds: compared as their text, as the filter did
            return sorted(self.loaded, key=functools.cmp_to_key(
                lambda a, b: _compare(keys[id(a)], keys[id(b)])), reverse=descending)

    def _reorder(self) -> None:
        """Put the rows in the current order, moving the selection and current cell with them."""
        rows = self._ordered() if self.sorted_by else list(self.loaded)
        if len(rows) == len(self.rows) and all(a is b for a, b in zip(rows, self.rows)):
            return
        self.layoutAboutToBeChanged.emit()
        where = {id(row): n for n, row in enumerate(rows)}
        old = self.persistentIndexList()
        new = [self.index(where[id(self.rows[i.row()])], i.column())
               if 0 <= i.row() < len(self.rows) else QModelIndex() for i in old]
        self.rows = rows
        self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()

    def column_filled(self, key: str) -> None:
        """One column's values changed in place, row by row, after the load (总览's 上年, filled
        a frame later): its sort keys are read again, the rows move if sorted by it, and the
        column is painted again."""
        at = self.column_index(key)
        self._keys.pop(at, None)
        if self.sorted_by and self.sorted_by[0] == at:
            self._reorder()
        if self.rows:
            self.dataChanged.emit(self.index(0, at), self.index(len(self.rows) - 1, at))

    def _changed(self, row: dict[str, Any]) -> None:
        """A row's values changed: its sort keys are read again, and it moves if it must."""
        for keys in self._keys.values():
            keys.pop(id(row), None)
        if self.sorted_by:
            self._reorder()

    def clear_refusals(self) -> None:
        if self.refusals:
            self.refusals = {}
            self.typed = {}
            self.wanted = {}
            self._repaint()

    def let_go(self, index: Index) -> bool:
        """The refused entry of this cell goes, the cell showing what the file holds; False
        when it had none."""
        if not index.isValid():
            return False
        key = (self.rows[index.row()].get("id", ""), self.columns[index.column()].key)
        if key not in self.refusals:
            return False
        self._settled(key)
        self.dataChanged.emit(index, index)
        return True

    def _settled(self, key: tuple[str, str]) -> None:
        """The cell holds what the file holds again: no refusal, nothing typed kept."""
        self.refusals.pop(key, None)
        self.typed.pop(key, None)
        self.wanted.pop(key, None)

    def try_again(self, record_id: str, key: str) -> bool | None:
        """Write a refused cell's value again (the cell it clashed with was corrected): True if
        it is saved now, False if refused again (with today's reason), None if there is nothing
        to try (what was typed could not even be read)."""
        cell = (record_id, key)
        if cell not in self.wanted:
            return None
        value = self.typed.get(cell, self.wanted[cell])
        at = self.row_of(record_id)
        self._settled(cell)
        if at is None:
            return None
        return self.setData(self.index(at, self.column_index(key)), value)

    def set_values(self, record_id: str, values: dict[str, Any]) -> None:
        """Show values the file now holds (after a paste, undo or redo) in the row they belong to."""
        at = self.row_of(record_id)
        if at is None:
            return
        self.rows[at].update(values)
        for key in values:
            self._settled((record_id, key))
        self.dataChanged.emit(self.index(at, 0), self.index(at, len(self.columns) - 1))
        self._changed(self.rows[at])

    def _repaint(self) -> None:
        if self.rows:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self.rows) - 1, len(self.columns) - 1))

    def column_index(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == key)

    def row_of(self, record_id: str) -> int | None:
        return next((i for i, r in enumerate(self.rows) if r.get("id") == record_id), None)

    # ---- Qt model interface -----------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == _HORIZONTAL and 0 <= section < len(self.columns):
            col = self.columns[section]
            if role == _DISPLAY:
                return col.header
            if role == _TOOLTIP and col.tip:
                return col.tip
        if orientation == _VERTICAL and role == _DISPLAY:
            return section + 1
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return _NO_FLAGS
        if self.columns[index.column()].editable and self.writer is not None:
            return _EDITABLE_FLAGS
        return _FLAGS

    # Asked for every cell at every repaint (several roles each): the roles are compared as the
    # plain numbers Qt passes, and a role no cell of ours answers is let go at once.
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        at = index.row()
        if at >= len(self.rows):
            return None
        row, col = self.rows[at], self.columns[index.column()]
        if role == _DISPLAY or role == _EDIT:
            if self.typed:
                typed = self.typed.get((row.get("id", ""), col.key))
                if typed is not None:
                    return typed
            return col.text(row) if role == _DISPLAY else col.raw(row)
        if role == _ALIGNMENT:
            return _RIGHT if col.kind in _NUMERIC else None
        if role == SORT_ROLE:
            return col.sort_key(row)
        if role == ROW_ROLE:
            return row
        if role not in _MARKED:
            return None
        refusal = self.refusals.get((row.get("id", ""), col.key))
        if role == REFUSED_ROLE:
            return refusal
        mark = None if refusal else (self.marker(row, col) if self.marker else None)
        tone = col.tone(row) if col.tone else None
        # Colours, which Qt paints as it would a brush of them (a brush made in Python for every
        # cell of every repaint would cost more, and its class, loaded at start, more still).
        if role == _BACKGROUND:
            if refusal:
                return ERROR_BACKGROUND
            if mark or tone == "fail":
                return FAIL_BACKGROUND
            if tone in TONES:
                return TONES[tone]
            if self.inapplicable is not None and self.inapplicable(row, col):
                return NODATA_BACKGROUND
            return None
        carried = self.carried(row, col) if self.carried else None
        if role == _TOOLTIP:
            whole = col.text(row) if col.whole_tip else None
            na = self.inapplicable(row, col) if self.inapplicable is not None else None
            tips = [t for t in (refusal or mark, na, carried, whole) if t]
            return "\n".join(tips) or None
        if role == _FOREGROUND and carried:
            return CARRIED_FOREGROUND
        if role == _FONT and (mark or tone == "fail" or carried):
            font = QFont()
            font.setBold(bool(mark or tone == "fail"))  # marked cells stay visible in grey
            font.setItalic(bool(carried))
            return font
        return None

    def setData(self, index: Index, value: Any,  # noqa: N802
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or self.writer is None:
            return False
        row, col = self.rows[index.row()], self.columns[index.column()]
        key = (row.get("id", ""), col.key)
        typed = value if isinstance(value, str) and col.kind in ("int", "date", "text") else None
        if isinstance(value, str) and col.kind != "text":
            try:
                value = col.parse(value)
            except ValueError as exc:
                self._refuse(index, key, f"{row_label(row)}（{col.label}）：{exc}，未保存。", typed)
                self.refused.emit(self.refusals[key])
                return False
        # The same value again is no change, unless it was carried over from last year:
        # typing it confirms it.
        if value == col.raw(row) and not (self.carried and self.carried(row, col)):
            self._settled(key)
            self.dataChanged.emit(index, index)
            return False
        refusal = self.writer(row, col, value)
        if refusal:
            self._refuse(index, key, refusal, typed)
            self.wanted[key] = value
            return False
        self._settled(key)
        row[col.key] = value
        first, last = self.index(index.row(), 0), self.index(index.row(), len(self.columns) - 1)
        self.dataChanged.emit(first, last)
        self._changed(row)
        return True

    def _refuse(self, index: Index, key: tuple[str, str], message: str,
                typed: str | None) -> None:
        self.refusals[key] = message
        if typed is not None:
            self.typed[key] = typed
        self.dataChanged.emit(index, index)
