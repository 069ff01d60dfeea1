"""One table model for every tab: rows are records (dicts), columns are declared specs.

The shape follows Vorta's archive table model: column specs instead of magic numbers, a sort role
that returns raw values, a row role that returns the record, and reset around a reload. Edits go
to a callback that writes the file and returns a Chinese refusal or None.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2

FAIL_BACKGROUND = QColor("#f8d7d3")
ERROR_BACKGROUND = QColor("#f3b0a8")
PASS_BACKGROUND = QColor("#dcefd9")
CARRIED_FOREGROUND = QColor("#3a5f8a")  # 沿用上年, not yet confirmed
NODATA_BACKGROUND = QColor("#ececec")

TONES = {"pass": PASS_BACKGROUND, "none": NODATA_BACKGROUND}

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
    # Long text in a narrow column: the cell is elided with …, its tooltip gives it whole.
    whole_tip: bool = False

    def raw(self, row: dict[str, Any]) -> Any:
        return self.value(row) if self.value else row.get(self.key)

    def sort_key(self, row: dict[str, Any]) -> Any:
        """A raw value Qt itself can compare: numbers for numeric kinds, text otherwise."""
        v = self.raw(row)
        if self.kind in ("int", "share", "rate", "bool"):
            return float(v) if v is not None else -1.0  # blanks sort before zero
        if self.kind == "choice":
            return list(self.choices).index(v) if v in self.choices else -1
        return "" if v is None else str(v)

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


Writer = Callable[[dict[str, Any], Column, Any], str | None]
Marker = Callable[[dict[str, Any], Column], str | None]


class RecordModel(QAbstractTableModel):
    """Records in rows; `writer` saves an edit and returns a refusal message or None."""

    def __init__(self, columns: list[Column], *, writer: Writer | None = None,
                 marker: Marker | None = None, carried: Marker | None = None,
                 parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = columns
        self.rows: list[dict[str, Any]] = []
        self.writer = writer
        self.marker = marker
        # A value carried over from last year and not yet confirmed: italic, blue-grey, and
        # the tooltip says from which year.
        self.carried = carried
        self.refusals: dict[tuple[str, str], str] = {}  # (row id, column key) -> message

    # ---- loading ----------------------------------------------------------------------------

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.refusals = {k: v for k, v in self.refusals.items()
                         if any(r.get("id") == k[0] for r in rows)}
        self.endResetModel()

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
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            col = self.columns[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return col.header
            if role == Qt.ItemDataRole.ToolTipRole and col.tip:
                return col.tip
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.columns[index.column()].editable and self.writer is not None:
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row, col = self.rows[index.row()], self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return col.text(row)
        if role == Qt.ItemDataRole.EditRole:
            return col.raw(row)
        if role == SORT_ROLE:
            return col.sort_key(row)
        if role == ROW_ROLE:
            return row
        refusal = self.refusals.get((row.get("id", ""), col.key))
        mark = None if refusal else (self.marker(row, col) if self.marker else None)
        tone = col.tone(row) if col.tone else None
        if role == Qt.ItemDataRole.BackgroundRole:
            if refusal:
                return QBrush(ERROR_BACKGROUND)
            if mark or tone == "fail":
                return QBrush(FAIL_BACKGROUND)
            if tone in TONES:
                return QBrush(TONES[tone])
        carried = self.carried(row, col) if self.carried else None
        if role == Qt.ItemDataRole.ToolTipRole:
            whole = col.text(row) if col.whole_tip else None
            tips = [t for t in (refusal or mark, carried, whole) if t]
            return "\n".join(tips) or None
        if role == Qt.ItemDataRole.ForegroundRole and carried:
            return QBrush(CARRIED_FOREGROUND)
        if role == Qt.ItemDataRole.FontRole and (mark or tone == "fail" or carried):
            font = QFont()
            font.setBold(bool(mark or tone == "fail"))  # marked cells stay visible in grey
            font.setItalic(bool(carried))
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and col.kind in ("int", "share", "rate"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index: Index, value: Any,  # noqa: N802
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or self.writer is None:
            return False
        row, col = self.rows[index.row()], self.columns[index.column()]
        if value == col.raw(row):
            return False
        key = (row.get("id", ""), col.key)
        refusal = self.writer(row, col, value)
        if refusal:
            self.refusals[key] = refusal
            self.dataChanged.emit(index, index)
            return False
        self.refusals.pop(key, None)
        row[col.key] = value
        first, last = self.index(index.row(), 0), self.index(index.row(), len(self.columns) - 1)
        self.dataChanged.emit(first, last)
        return True
