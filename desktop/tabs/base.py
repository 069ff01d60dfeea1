"""A tab built around one table: search box, filters, the view, and a line for refusals.

The table behaves as a clerk used to Excel expects: ranges are selected, Ctrl+C copies a block
(Ctrl+Shift+C with the headers), Ctrl+V pastes one checked whole before anything is written, Delete
clears the selected cells the same way, and every edit, paste or clearing is one step for 撤销 /
重做.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import (QItemSelection, QItemSelectionModel, QModelIndex,
                            QPersistentModelIndex, QPoint, QSortFilterProxyModel, Qt, Signal)
from PySide6.QtGui import QGuiApplication, QHideEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QMenu, QTableView, QToolTip, QVBoxLayout, QWidget)

from db.errors import KnownError, ValidationError
from desktop import clipboard, dialogs
from desktop.forms import show_refusal
from desktop.context import Context
from desktop.delegates import FieldDelegate
from desktop.models import ROW_ROLE, SORT_ROLE, Column, RecordModel, row_label
from desktop.undo import Change, EditHistory, Step

ALL = "（全部）"
# Qt 6.10 brought endFilterChange (6.9 has only beginFilterChange; 6.10 deprecates the older call).
# The development install carries Qt 6.9 and the installed app for glibc 2.31 PCs Qt 6.8
# (pyproject.toml, packaging/requirements-bullseye.txt), which have invalidateRowsFilter: without
# this, their filters and search would show every row.
FILTER_CHANGE_CALLS = hasattr(QSortFilterProxyModel, "endFilterChange")

MAX_NAMED = 12  # refused cells named one by one; beyond that, how many more


def _same_text(pasted: str, shown: str) -> bool:
    return " ".join(pasted.split()) == " ".join(shown.split())


def _record_model(view: QTableView) -> RecordModel:
    """The RecordModel behind a view, under its filter if it has one."""
    model = view.model()
    if isinstance(model, QSortFilterProxyModel):
        model = model.sourceModel()
    assert isinstance(model, RecordModel)
    return model


class _Refused(Exception):
    """Rolls back a paste in which some row was refused."""


class _Declined(Exception):
    """The clerk said no when asked to confirm an edit: nothing is written."""


class RecordFilter(QSortFilterProxyModel):
    """Search in the name, and exact matches on chosen fields (type, township …)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.search = ""
        self.equal: dict[str, Any] = {}
        self.tests: dict[str, Callable[[dict[str, Any]], bool]] = {}

    @contextmanager
    def _changing_rows(self) -> Iterator[None]:
        if FILTER_CHANGE_CALLS:
            self.beginFilterChange()
        yield
        if FILTER_CHANGE_CALLS:
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.invalidateRowsFilter()

    def set_search(self, text: str) -> None:
        with self._changing_rows():
            self.search = text.strip()

    def set_equal(self, key: str, value: Any) -> None:
        with self._changing_rows():
            if value is None:
                self.equal.pop(key, None)
            else:
                self.equal[key] = value

    def set_test(self, key: str, test: Callable[[dict[str, Any]], bool] | None) -> None:
        """A filter that is not a plain equality (a unit named among several, say)."""
        with self._changing_rows():
            if test is None:
                self.tests.pop(key, None)
            else:
                self.tests[key] = test

    def lessThan(self, left: QModelIndex | QPersistentModelIndex,  # noqa: N802
                 right: QModelIndex | QPersistentModelIndex) -> bool:
        # Sort keys are Python values (pinyin text, task numbers as tuples): compare them here.
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        try:
            return bool(a < b)
        except TypeError:
            return str(a) < str(b)

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


class RecordView(QTableView):
    """The table: Excel's keys for copy and paste, and Enter doing what a double-click does."""

    copy_requested = Signal(bool)  # with the headers
    paste_requested = Signal()
    clear_requested = Signal()
    entered = Signal(QModelIndex)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt name)
        editing = self.state() == QAbstractItemView.State.EditingState
        if not editing and event.matches(QKeySequence.StandardKey.Copy):
            self.copy_requested.emit(False)
        elif (not editing and event.key() == Qt.Key.Key_C and event.modifiers()
              == Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier):
            self.copy_requested.emit(True)
        elif not editing and event.matches(QKeySequence.StandardKey.Paste):
            self.paste_requested.emit()
        elif (not editing and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
              and event.modifiers() == Qt.KeyboardModifier.NoModifier):
            # As in Excel: the selected cells become blank (Backspace would open an editor).
            self.clear_requested.emit()
        elif (not editing and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
              and self.currentIndex().isValid()):
            self.entered.emit(self.currentIndex())
        else:
            super().keyPressEvent(event)


class TableTab(QWidget):
    """Subclasses give columns, load rows for the context, and store edits (`store`)."""

    changed = Signal()  # the file changed: the window re-judges the year
    reload_on_change = False  # True where an edit adds or removes rows
    history: EditHistory | None = None  # the window's 撤销 / 重做, shared by its tabs

    def __init__(self, columns: list[Column], *, editable: bool = True,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx: Context | None = None
        self.model = RecordModel(columns, writer=self.write if editable else None,
                                 marker=self.mark, carried=self.carried, parent=self)
        self.model.refused.connect(self.refuse)
        self.proxy = RecordFilter(self)
        self.proxy.setSourceModel(self.model)
        self.view = RecordView(self)
        self.view.copy_requested.connect(self.copy)
        self.view.paste_requested.connect(self.paste)
        self.view.clear_requested.connect(self.clear)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.setModel(self.proxy)
        self.view.setItemDelegate(FieldDelegate(self.view))
        self.view.setSortingEnabled(True)
        # Until the user clicks a header, rows stay in the order the tab loads them.
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.proxy.sort(-1)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
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

    def store(self, row: dict[str, Any], values: dict[str, Any], year: int) -> None:
        """Write one row's new values to the file (inside the caller's transaction); raise
        KnownError with the reason when the file refuses them."""
        raise KnownError("此列不能修改")

    def write(self, row: dict[str, Any], col: Column, value: Any) -> str | None:
        """One cell typed in: saved as one step of 撤销; the refusal, or None."""
        if self.ctx is None:
            return "没有打开的文件"
        change = Change(dict(row), col.key, col.raw(row), value)
        if self.apply([change], f"修改 {col.label}", year=self.ctx.year):
            return None
        return self.message.text()

    def apply(self, changes: list[Change], what: str, *, year: int, record: bool = True) -> bool:
        """Write cells, row by row, in one transaction: all land or none. Every refused row is
        named with its column and reason beside the table. `record` adds a step to 撤销."""
        assert self.ctx is not None
        county = self.ctx.county
        by_row: dict[str, list[Change]] = {}
        for c in changes:
            by_row.setdefault(c.row["id"], []).append(c)
        refusals: list[str] = []
        try:
            with county.atomic():
                for cells in by_row.values():
                    try:
                        with county.atomic():
                            self.store(cells[0].row, {c.key: c.new for c in cells}, year)
                    except KnownError as exc:
                        refusals.append(self._refusal_of(cells, exc))
                if refusals:
                    raise _Refused
        except _Refused:
            self.refuse_many(refusals, "未保存")
            return False
        except KnownError as exc:  # the file itself (read-only, full disk …)
            self.refuse(str(exc))
            return False
        if year == self.ctx.year:
            for rid, cells in by_row.items():
                self.model.set_values(rid, {c.key: c.new for c in cells})
        if record and self.history is not None:
            self.history.push(Step(self, year, what, changes))
        self.message.hide()
        self.cells_written()
        return True

    def cells_written(self) -> None:
        """Cells landed (typed, pasted, undone): the window judges the year again. A tab whose
        cells cannot change the year's judgement does less."""
        self.changed.emit()

    def _refusal_of(self, cells: list[Change], exc: KnownError) -> str:
        keys = [c.key for c in cells]
        key = exc.field if isinstance(exc, ValidationError) and exc.field in keys else keys[0]
        if not any(c.key == key for c in self.model.columns):  # a whole record (EXISTS)
            return f"{row_label(cells[0].row)}：{exc}"
        col = self.model.columns[self.model.column_index(key)]
        return f"{row_label(cells[0].row)}（{col.label}）：{exc}"

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

    def save_from(self, dialog: QDialog, action: Callable[[], object]) -> bool:
        """Show an edit dialog until what was typed is saved or the clerk cancels: a refusal is
        said in the dialog, which opens again holding what was typed."""
        while dialogs.exec_dialog(dialog):
            try:
                action()
            except KnownError as exc:
                show_refusal(dialog, str(exc))
                continue
            self.message.hide()
            self.changed.emit()
            return True
        return False

    def save_edit(self, dialog: QDialog, table: str, record: dict[str, Any], what: str, *,
                  confirm: Callable[[dict[str, Any]], bool] | None = None) -> bool:
        """An edit dialog's changes to one stored record, saved as one step of 撤销 (the tab's
        `store` writes `table`, so undo and redo go through the same checks). `confirm(values)`,
        if given, is asked before writing; False leaves everything as it was."""
        assert self.ctx is not None
        county, year = self.ctx.county, self.ctx.year
        done: list[list[Change]] = []

        def save() -> None:
            values = dialog.values()  # type: ignore[attr-defined]
            if confirm is not None and not confirm(values):
                raise _Declined
            county.update(table, record["id"], values)
            done.append([Change(dict(record), k, record.get(k), v) for k, v in values.items()
                         if record.get(k) != v])
        try:
            if not self.save_from(dialog, save):
                return False
        except _Declined:
            return False
        if done and done[-1] and self.history is not None:
            self.history.push(Step(self, year, what, done[-1]))
        return True

    def refresh(self, ctx: Context) -> None:
        self.ctx = ctx
        self.model.set_rows(self.load(ctx))
        self.message.hide()
        QToolTip.hideText()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 (Qt name)
        # A refused value was never saved: coming back to the tab shows what the file holds.
        self.model.clear_refusals()
        self.message.hide()
        QToolTip.hideText()
        super().hideEvent(event)

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

    def refuse_many(self, refusals: list[str], verdict: str) -> None:
        """Name each refused cell (up to MAX_NAMED) under one sentence saying nothing landed."""
        lines = refusals[:MAX_NAMED]
        if len(refusals) > MAX_NAMED:
            lines.append(f"……另有 {len(refusals) - MAX_NAMED} 处")
        head = f"{verdict}：有 {len(refusals)} 处不能填入，整块均未写入。" if len(refusals) > 1 \
            else f"{verdict}："
        self.refuse(head + ("\n" if len(refusals) > 1 else "") + "\n".join(lines))

    # ---- copy and paste --------------------------------------------------------------------

    def _selected_block(self, view: QTableView | None = None) -> tuple[int, int, int, int] | None:
        """(top, left, bottom, right) of the selection in view rows and columns, when it is one
        rectangle; the current cell when nothing is selected. `view` is the tab's table unless
        another (a tab's second, read-only table) is named."""
        view = view or self.view
        indexes = view.selectionModel().selectedIndexes() if view.selectionModel() else []
        if not indexes:
            cur = view.currentIndex()
            return (cur.row(), cur.column(), cur.row(), cur.column()) if cur.isValid() else None
        rows = [i.row() for i in indexes]
        cols = [i.column() for i in indexes]
        top, left, bottom, right = min(rows), min(cols), max(rows), max(cols)
        if len(indexes) != (bottom - top + 1) * (right - left + 1):
            self.refuse("选定的是几块不相连的区域：请选一个矩形区域再复制。")
            return None
        return top, left, bottom, right

    def copy(self, with_header: bool = False, view: QTableView | None = None) -> None:
        """The selected block of `view` (the tab's table unless named) to the clipboard as Excel
        writes it (counts without separators; a header on one line)."""
        view = view or self.view
        block = self._selected_block(view)
        if block is None:
            return
        top, left, bottom, right = block
        cells = [[self._copy_text(r, c, view) for c in range(left, right + 1)]
                 for r in range(top, bottom + 1)]
        if with_header:
            columns = _record_model(view).columns
            cells.insert(0, [" ".join(columns[c].label.split()) for c in range(left, right + 1)])
        QGuiApplication.clipboard().setText(clipboard.to_text(cells))
        n = (bottom - top + 1) * (right - left + 1)
        self._say(f"已复制 {n} 个单元格" + ("（含表头）" if with_header else ""))

    def _copy_text(self, view_row: int, column: int, view: QTableView | None = None) -> str:
        view = view or self.view
        row = view.model().index(view_row, column).data(ROW_ROLE)
        col = _record_model(view).columns[column]
        value = col.raw(row)
        if col.kind == "int" and isinstance(value, int):
            return str(value)
        return col.text(row)

    def paste(self) -> None:
        """Paste a block from Excel at the selection: every cell is read and checked first, then
        all are written in one transaction, or none (each refused cell named)."""
        if self.ctx is None:
            return
        block = clipboard.from_text(QGuiApplication.clipboard().text())
        if not block:
            self.refuse("剪贴板里没有可粘贴的文字：请先在 Excel 或本表中复制。")
            return
        target = self._selected_block()
        if target is None:
            self.refuse("请先选中要粘贴到的单元格。")
            return
        top, left, bottom, right = target
        if len(block) == 1 and len(block[0]) == 1:  # one value fills the selection, as in Excel
            block = [[block[0][0]] * (right - left + 1) for _ in range(bottom - top + 1)]
        height, width = len(block), len(block[0])
        rows, cols = self.proxy.rowCount(), self.proxy.columnCount()
        if top + height > rows or left + width > cols:
            self.refuse(f"未粘贴：复制的内容有 {height} 行 {width} 列，从所选单元格起表格只剩 "
                        f"{rows - top} 行 {cols - left} 列，超出了表格。")
            return
        changes, refusals = self._read_block(block, top, left)
        if refusals:
            self.refuse_many(refusals, "未粘贴")
            return
        if not changes:
            self._say("粘贴的内容与表中相同，没有改动。")
            return
        if self.apply(changes, f"粘贴 {len(changes)} 个单元格", year=self.ctx.year):
            self._select(top, left, top + height - 1, left + width - 1)
            self._say(f"已粘贴 {len(changes)} 个单元格")

    def _read_block(self, block: list[list[str]], top: int,
                    left: int) -> tuple[list[Change], list[str]]:
        changes: list[Change] = []
        refusals: list[str] = []
        for r, cells in enumerate(block):
            row = self.proxy.index(top + r, left).data(ROW_ROLE)
            for c, text in enumerate(cells):
                col = self.model.columns[left + c]
                if not (col.editable and self.model.writer is not None):
                    # Rows copied back from Excel with their names are welcome when the names
                    # match; a name that differs means the rows are not lined up.
                    if not _same_text(text, self._copy_text(top + r, left + c)):
                        refusals.append(f"{row_label(row)}（{col.label}）：这一列不能在表中修改"
                                        f"，表中是“{col.text(row)}”，粘贴的是“{text.strip()}”")
                    continue
                try:
                    value = col.parse(text)
                except ValueError as exc:
                    refusals.append(f"{row_label(row)}（{col.label}）：{exc}")
                    continue
                if value != col.raw(row):
                    changes.append(Change(dict(row), col.key, col.raw(row), value))
        return changes, refusals

    def clear(self) -> None:
        """Delete: the selected cells back to blank (未填报), checked whole and written in one
        transaction, as a paste of blanks; a read-only cell that is not blank refuses it all."""
        if self.ctx is None:
            return
        indexes = self.view.selectionModel().selectedIndexes() if self.view.selectionModel() \
            else []
        if not indexes and self.view.currentIndex().isValid():
            indexes = [self.view.currentIndex()]
        changes: list[Change] = []
        refusals: list[str] = []
        for index in sorted(indexes, key=lambda i: (i.row(), i.column())):
            row = index.data(ROW_ROLE)
            col = self.model.columns[index.column()]
            if col.raw(row) is None or col.text(row) == "":
                continue
            if not (col.editable and self.model.writer is not None):
                refusals.append(f"{row_label(row)}（{col.label}）：这一列不能在表中修改，"
                                f"表中是“{col.text(row)}”，不能清除")
                continue
            changes.append(Change(dict(row), col.key, col.raw(row), None))
        if refusals:
            self.refuse_many(refusals, "未清除")
            return
        if not changes:
            self._say("所选单元格已是空白，没有改动。")
            return
        if self.apply(changes, f"清除 {len(changes)} 个单元格", year=self.ctx.year):
            self._say(f"已清除 {len(changes)} 个单元格")

    def _select(self, top: int, left: int, bottom: int, right: int) -> None:
        selection = QItemSelection(self.proxy.index(top, left), self.proxy.index(bottom, right))
        self.view.selectionModel().select(selection,
                                          QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def _say(self, text: str) -> None:
        window = self.window()
        bar = getattr(window, "statusBar", None)
        if callable(bar):
            bar().showMessage(text, 4000)

    def _context_menu(self, at: QPoint, view: QTableView | None = None) -> None:
        view = view or self.view
        menu = QMenu(view)
        menu.addAction("复制\tCtrl+C", lambda: self.copy(False, view))
        menu.addAction("复制（含表头）\tCtrl+Shift+C", lambda: self.copy(True, view))
        paste = menu.addAction("粘贴\tCtrl+V", self.paste)
        paste.setEnabled(view is self.view and self.model.writer is not None)
        clear = menu.addAction("清除内容\tDelete", self.clear)
        clear.setEnabled(view is self.view and self.model.writer is not None)
        menu.exec(view.viewport().mapToGlobal(at))

    def copyable(self, view: RecordView, refusal: str) -> None:
        """A second table of the tab (read-only, a RecordModel without filter) that selects
        ranges and copies blocks as the main one does; a paste into it says `refusal`."""
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        view.copy_requested.connect(lambda with_header: self.copy(with_header, view))
        view.paste_requested.connect(lambda: self.refuse(refusal))
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(lambda at: self._context_menu(at, view))

    def select_cell(self, record_id: str, key: str) -> None:
        """Show a cell an undo or redo just changed."""
        if self.select_record(record_id) and any(c.key == key for c in self.model.columns):
            at = self.view.currentIndex()
            index = at.siblingAtColumn(self.model.column_index(key))
            self.view.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect)

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
