"""A tab built around one table: search box, filters, the view, and a line for refusals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QTableView, QToolTip, QVBoxLayout, QWidget)

from db.errors import KnownError
from desktop.context import Context
from desktop.delegates import FieldDelegate
from desktop.models import ROW_ROLE, SORT_ROLE, Column, RecordModel

ALL = "（全部）"


class RecordFilter(QSortFilterProxyModel):
    """Search in the name, and exact matches on chosen fields (type, township …)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.search = ""
        self.equal: dict[str, Any] = {}
        self.tests: dict[str, Callable[[dict[str, Any]], bool]] = {}

    def set_search(self, text: str) -> None:
        self.beginFilterChange()
        self.search = text.strip()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_equal(self, key: str, value: Any) -> None:
        self.beginFilterChange()
        if value is None:
            self.equal.pop(key, None)
        else:
            self.equal[key] = value
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_test(self, key: str, test: Callable[[dict[str, Any]], bool] | None) -> None:
        """A filter that is not a plain equality (a unit named among several, say)."""
        self.beginFilterChange()
        if test is None:
            self.tests.pop(key, None)
        else:
            self.tests[key] = test
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int,  # noqa: N802
                         source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        model = self.sourceModel()
        assert isinstance(model, RecordModel)
        row = model.rows[source_row]
        if self.search and self.search not in str(row.get("name") or row.get("title")
                                                  or row.get("text") or ""):
            return False
        return (all(row.get(k) == v for k, v in self.equal.items())
                and all(test(row) for test in self.tests.values()))


class TableTab(QWidget):
    """Subclasses give columns, load rows for the context, and save edits."""

    changed = Signal()  # the file changed: the window re-judges the year
    reload_on_change = False  # True where an edit adds or removes rows

    def __init__(self, columns: list[Column], *, editable: bool = True,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx: Context | None = None
        self.model = RecordModel(columns, writer=self.write if editable else None,
                                 marker=self.mark, carried=self.carried, parent=self)
        self.proxy = RecordFilter(self)
        self.proxy.setSourceModel(self.model)
        self.view = QTableView(self)
        self.view.setModel(self.proxy)
        self.view.setItemDelegate(FieldDelegate(self.view))
        self.view.setSortingEnabled(True)
        # Until the user clicks a header, rows stay in the order the tab loads them.
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.proxy.sort(-1)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.view.verticalHeader().setDefaultSectionSize(26)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for i, col in enumerate(columns):
            header.resizeSection(i, col.width or 90)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("按名称搜索…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.set_search)
        self.filters = QHBoxLayout()
        self.filters.addWidget(self.search, 2)
        self.message = QLabel(self)
        self.message.setStyleSheet("color: #a40000;")
        self.message.setWordWrap(True)
        self.message.hide()
        self.layout_ = QVBoxLayout(self)
        self.layout_.addLayout(self.filters)
        self.layout_.addWidget(self.view, 1)
        self.layout_.addWidget(self.message)

    # ---- filters ---------------------------------------------------------------------------

    def add_filter(self, key: str, label: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(f"filter_{key}")
        combo.addItem(f"{label}：{ALL}", None)
        # A narrow window shortens the filters rather than growing past the screen.
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(3)
        combo.currentIndexChanged.connect(
            lambda _i: self.proxy.set_equal(key, combo.currentData()))
        self.filters.addWidget(combo, 1)
        return combo

    @staticmethod
    def fill_filter(combo: QComboBox, options: list[tuple[str, Any]]) -> None:
        keep = combo.currentData()
        combo.blockSignals(True)
        while combo.count() > 1:
            combo.removeItem(1)
        for words, value in options:
            combo.addItem(words, value)
        combo.setCurrentIndex(max(0, combo.findData(keep)) if keep is not None else 0)
        combo.blockSignals(False)

    # ---- to be given by subclasses -----------------------------------------------------------

    def load(self, ctx: Context) -> list[dict[str, Any]]:
        raise NotImplementedError

    def write(self, row: dict[str, Any], col: Column, value: Any) -> str | None:
        return "此列不能修改"

    def mark(self, row: dict[str, Any], col: Column) -> str | None:
        return None

    def carried(self, row: dict[str, Any], col: Column) -> str | None:
        """The tooltip of a value carried over from last year and not yet confirmed."""
        return None

    # ---- shared behaviour ------------------------------------------------------------------

    def save(self, action: Callable[[], object]) -> bool:
        """Run one user action's writes; a refusal is shown beside the table, nothing lands."""
        try:
            action()
        except KnownError as exc:
            self.refuse(str(exc))
            return False
        self.message.hide()
        self.changed.emit()
        return True

    def refresh(self, ctx: Context) -> None:
        self.ctx = ctx
        self.model.set_rows(self.load(ctx))
        self.message.hide()

    def rejudged(self, ctx: Context) -> None:
        """The year's judgement changed after an edit: repaint marks, keep rows and selection."""
        self.ctx = ctx
        if self.model.rowCount():
            self.model.dataChanged.emit(
                self.model.index(0, 0),
                self.model.index(self.model.rowCount() - 1, self.model.columnCount() - 1))

    def refuse(self, text: str, column_key: str | None = None) -> None:
        """Show a refusal beside the table and, for a cell, next to the cell itself."""
        self.message.setText(text)
        self.message.show()
        index = self.view.currentIndex()
        if index.isValid():
            rect = self.view.visualRect(index)
            QToolTip.showText(self.view.viewport().mapToGlobal(rect.bottomLeft()), text, self.view)

    def selected_row(self) -> dict[str, Any] | None:
        index = self.view.currentIndex()
        return index.data(ROW_ROLE) if index.isValid() else None

    def select_record(self, record_id: str, key: str = "id") -> bool:
        """Select and show the row whose `key` is `record_id` (clearing filters that hide it)."""
        source_row = next((i for i, r in enumerate(self.model.rows) if r.get(key) == record_id),
                          None)
        if source_row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(source_row, 0))
        if not index.isValid():
            self.search.clear()
            for combo in self.findChildren(QComboBox):
                if combo.objectName().startswith("filter_"):
                    combo.setCurrentIndex(0)
            index = self.proxy.mapFromSource(self.model.index(source_row, 0))
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        self.view.setFocus()
        return True
