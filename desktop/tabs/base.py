"""A tab built around one table: search box, filters, the tab's buttons, the view, and a line
for refusals.

The table behaves as a clerk used to Excel expects: ranges are selected, block copy, paste and
clearing (desktop/tabs/blocks.py), Enter saves a cell and moves down, a refused entry stays as
typed until corrected; every change the tab makes is one step for 撤销 / 重做 or says it cannot
be undone. Every button, the search box and each filter has its access letter, and the table's
context menu offers the tab's actions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (QEvent, QItemSelection, QItemSelectionModel, QMetaMethod,
                            QModelIndex, QObject, QPersistentModelIndex, QPoint,
                            QSortFilterProxyModel, Qt, Signal)
from PySide6.QtGui import QAction, QFocusEvent, QHideEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (QAbstractButton, QAbstractItemDelegate, QAbstractItemView,
                               QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QMenu, QPushButton, QTableView, QToolTip, QVBoxLayout,
                               QWidget)

from db.errors import KnownError, ValidationError
from desktop.buttons import push_button
from desktop import dialogs
from desktop.columns import ColumnFit
from desktop.frozen import FreezableView
from desktop.tabs.blocks import BlockEditing
from desktop.context import Context
from desktop.delegates import FieldDelegate
from desktop.models import REFUSED_ROLE, ROW_ROLE, SORT_ROLE, Column, RecordModel, row_label
from desktop.undo import Change, EditHistory, Step

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDialog

ALL = "（全部）"
# Qt 6.10 brought endFilterChange (6.9 has only beginFilterChange; 6.10 deprecates the older call).
# The development install carries Qt 6.9 and the installed app for glibc 2.31 PCs Qt 6.8
# (pyproject.toml, packaging/requirements-bullseye.txt), which have invalidateRowsFilter: without
# this, their filters and search would show every row.
FILTER_CHANGE_CALLS = hasattr(QSortFilterProxyModel, "endFilterChange")

# How a change is named in 编辑 → 撤销: words, or a function giving them once the change is made.
Named = str | Callable[[], str]

MAX_NAMED = 12  # refused cells named one by one; beyond that, how many more


def caption(label: str, letter: str, buddy: QWidget, parent: QWidget) -> QLabel:
    """A box's caption with its access key: Alt+`letter` puts the keyboard in the box."""
    caption = QLabel(f"{label}(&{letter})" if letter else label, parent)
    caption.setBuddy(buddy)
    return caption


TOOLTIP_MS = 6000  # how long a refusal's note stays by its cell


class _SearchKeys(QObject):
    """The keys of a search box that are not typing into it.

    Ctrl+Z / Ctrl+Y go to 编辑 → 撤销 / 重做 (the last step: a deletion, a typed figure), not to
    the box's own typing: a clerk who has just deleted an institution with the cursor still in
    搜索 means the deletion.

    Down, Enter and Return put the keyboard in the table below, on what was found (TableTab.
    to_table): search, then work on the row, without Tab past every filter and button. Esc
    takes the search back (every row shown again) and returns to the table: a clerk who came
    here by Tab from a cell and typed into the box, not the cell, has the table back as it was."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        kind = event.type()
        if kind == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) and (
                event.matches(QKeySequence.StandardKey.Undo)
                or event.matches(QKeySequence.StandardKey.Redo)):
            event.ignore()  # not the box's: the window's shortcut takes it
            return True
        if (kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
                == Qt.KeyboardModifier.NoModifier):
            tab = watched.parent()
            return isinstance(tab, TableTab) and tab.to_table()
        if (kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() == Qt.Key.Key_Escape
                and event.modifiers() == Qt.KeyboardModifier.NoModifier):
            tab = watched.parent()
            if isinstance(tab, TableTab):
                searched = bool(tab.search.text())
                tab.search.clear()
                return tab.to_table() or searched
        return False


class _SearchBox(QLineEdit):
    """A tab's 搜索 box: its keys (_SearchKeys) are watched from the first time it has the
    keyboard, the only time keys reach it. (Watched from the start, its first event would have
    the bindings look through every kind of event they know while the window is opening.)"""

    keys: _SearchKeys | None = None

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 (Qt name)
        if self.keys is None:
            self.keys = _SearchKeys(self)
            self.installEventFilter(self.keys)
        super().focusInEvent(event)


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
        # What the search box looks in, where a tab finds rows by more than their name (总览:
        # an item's 条目 too).
        self.searched: Callable[[dict[str, Any]], str] | None = None
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

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """A clicked header: the record model orders its own rows, keys computed once (see
        RecordModel.sort); this filter keeps them in that order."""
        model = self.sourceModel()
        if isinstance(model, RecordModel):
            model.sort(column, order)
        else:
            super().sort(column, order)

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
        if self.search and self.search not in (
                self.searched(row) if self.searched is not None
                else str(row.get("name") or row.get("title") or row.get("text") or "")):
            return False
        return (all(row.get(k) == v for k, v in self.equal.items())
                and all(test(row) for test in self.tests.values()))


class RecordView(FreezableView):
    """The table: Excel's keys for copy and paste; Enter commits a cell and moves down (or, in
    a table whose rows open a dialog, does what a double-click does)."""

    copy_requested = Signal(bool)  # with the headers
    paste_requested = Signal()
    clear_requested = Signal()
    enter_pressed = Signal(QModelIndex)  # not "entered": QAbstractItemView has that (mouse over)
    escape_pressed = Signal(QModelIndex)  # on a cell whose typed entry was refused

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
        elif (not editing and event.key() == Qt.Key.Key_F10
              and event.modifiers() == Qt.KeyboardModifier.ShiftModifier):
            # Shift+F10 opens the context menu, as the Menu key does (many laptops lack one).
            cell = self.visualRect(self.currentIndex())
            self.customContextMenuRequested.emit(
                cell.center() if cell.isValid() else self.viewport().rect().center())
        elif (not editing and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
              and self.currentIndex().isValid()):
            if self.isSignalConnected(QMetaMethod.fromSignal(self.enter_pressed)):
                self.enter_pressed.emit(self.currentIndex())
            else:
                self.move_down()  # a sheet of cells: Enter goes down, as in Excel
        elif (not editing and event.key() == Qt.Key.Key_Escape
              and self.currentIndex().data(REFUSED_ROLE)):
            # As Esc in Excel: the entry is let go, the cell shows what the file holds.
            self.escape_pressed.emit(self.currentIndex())
        else:
            super().keyPressEvent(event)

    def closeEditor(self, editor: QWidget,  # noqa: N802 (Qt name)
                    hint: QAbstractItemDelegate.EndEditHint) -> None:
        """Enter in a cell (the delegate's SubmitModelCache): saved, the cursor goes down; a
        value refused stays in the open cell as typed, with the reason beside it."""
        index = self.currentIndex()
        step = {QAbstractItemDelegate.EndEditHint.EditNextItem: 1,
                QAbstractItemDelegate.EndEditHint.EditPreviousItem: -1}.get(hint)
        if step is not None:
            # Tab while typing a row, as in Excel: on to the next cell that takes a value,
            # past those the program works out (中医类别占比); none left: stay in the table.
            super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
            if index.isValid() and index.data(REFUSED_ROLE):
                self.edit(index)  # the refused entry stays open as typed, with its reason
                return
            following = self._editable_beside(index, step)
            if following.isValid():
                self.setCurrentIndex(following)
                self.scrollTo(following)
                self.edit(following)
            return
        if hint != QAbstractItemDelegate.EndEditHint.SubmitModelCache:
            super().closeEditor(editor, hint)
            if hint == QAbstractItemDelegate.EndEditHint.RevertModelCache and index.isValid() \
                    and index.data(REFUSED_ROLE):
                # Esc in a refused entry, as in Excel: one press lets it go, and the cell shows
                # what the file holds again.
                self.escape_pressed.emit(index)
            return
        super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
        if index.isValid() and index.data(REFUSED_ROLE):
            self.edit(index)
        else:
            self.move_down()

    def _editable_beside(self, index: QModelIndex, step: int) -> QModelIndex:
        """The next cell of the row, right (step 1) or left (-1), that can be edited."""
        if not index.isValid():
            return QModelIndex()
        col = index.column() + step
        while 0 <= col < self.model().columnCount():
            cell = index.siblingAtColumn(col)
            if not self.isColumnHidden(col) and cell.flags() & Qt.ItemFlag.ItemIsEditable:
                return cell
            col += step
        return QModelIndex()

    def move_down(self) -> None:
        index = self.currentIndex()
        below = index.siblingAtRow(index.row() + 1) if index.isValid() else QModelIndex()
        if below.isValid():
            self.setCurrentIndex(below)
            self.scrollTo(below)


def opens_rows(view: RecordView, slot: Callable[[QModelIndex], object]) -> None:
    """Rows that lead somewhere (a dialog, another tab): a double-click on a row and Enter (or
    Return) on the current one do the same, `slot(index)`, instead of Enter moving down."""
    view.doubleClicked.connect(slot)
    view.enter_pressed.connect(slot)


class TableTab(BlockEditing, QWidget):
    """Subclasses give columns, load rows for the context, and store edits (`store`)."""

    changed = Signal()  # the file changed: the window re-judges the year
    reload_on_change = False  # True where an edit adds or removes rows
    history: EditHistory | None = None  # the window's 撤销 / 重做, shared by its tabs
    table: str | None = None  # the table its rows are records of, where they are one table

    def __init__(self, columns: list[Column], *, editable: bool = True, frozen: int = 0,
                 parent: QWidget | None = None) -> None:
        """`frozen`: how many leading columns (the name) stay in view while the table
        scrolls sideways."""
        super().__init__(parent)
        self.ctx: Context | None = None
        self.model = RecordModel(columns, writer=self.write if editable else None,
                                 marker=self.mark, carried=self.carried,
                                 inapplicable=self.inapplicable, parent=self)
        self.model.refused.connect(self.refuse)
        self.proxy = RecordFilter(self)
        self.proxy.setSourceModel(self.model)
        self.view = RecordView(self)
        self.view.copy_requested.connect(self.copy)
        self.view.paste_requested.connect(self.paste)
        self.view.clear_requested.connect(self.clear)
        self.view.escape_pressed.connect(self._let_go)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.setModel(self.proxy)
        # The record the clerk was on (its id; "" for none): a search or filter that hides it
        # and shows it again brings it back, and no other row stands in for it meanwhile. (Not
        # None: the tabs' first rows then take no reference from None, which tests/desktop/
        # test_refcounts.py would count as lost.)
        self._clerk_row: Any = ""
        self._filtering = False
        self.view.selectionModel().currentChanged.connect(self._current_moved)
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
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.columns_fit = ColumnFit(self.view, self.model)
        if frozen:
            self.view.freeze(frozen)
        # Tab and Shift+Tab leave the table for the tab's boxes and buttons (inside a cell being
        # edited, Tab still saves it and goes to the next cell).
        self.view.setTabKeyNavigation(False)
        # The tab's actions, in the order of its buttons: also in the table's context menu.
        self.tab_actions: list[QAbstractButton | QAction] = []
        self.search = _SearchBox(self)
        self.search.setObjectName("search")
        self.search.setPlaceholderText("按名称搜索…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._search_for)
        self.filters = QHBoxLayout()
        self.filters.addWidget(caption("搜索", "S", self.search, self))
        self.filters.addWidget(self.search, 2)
        # A search that leaves no row says so (an empty table with no word looks like lost data).
        self.nothing_found = QLabel(self)
        self.nothing_found.setObjectName("nothing_found")
        self.nothing_found.hide()
        self.proxy.modelReset.connect(self._say_if_nothing_found)
        self.proxy.rowsInserted.connect(self._say_if_nothing_found)
        self.proxy.rowsRemoved.connect(self._say_if_nothing_found)
        self.proxy.layoutChanged.connect(self._say_if_nothing_found)
        self.message = QLabel(self)
        self.message.setStyleSheet("color: #a40000;")
        self.message.setWordWrap(True)
        # Its line is kept when empty: the table must not move under the pointer as a
        # message comes and goes (a double-click would land on another row).
        keep = self.message.sizePolicy()
        keep.setRetainSizeWhenHidden(True)
        self.message.setSizePolicy(keep)
        self.message.hide()
        self.layout_ = QVBoxLayout(self)
        self.layout_.addLayout(self.filters)
        self.layout_.addWidget(self.nothing_found)
        self.layout_.addWidget(self.view, 1)
        self.layout_.addWidget(self.message)

    # ---- filters ---------------------------------------------------------------------------

    def add_filter(self, key: str, label: str, letter: str = "") -> QComboBox:
        """A drop-down filter on `key`, reached by Alt+`letter` (its caption's access key)."""
        combo = QComboBox(self)
        combo.setObjectName(f"filter_{key}")
        combo.addItem(ALL, None)
        self.filters.addWidget(caption(label, letter, combo, self))
        # A narrow window shortens the filters rather than growing past the screen.
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(3)
        combo.currentIndexChanged.connect(lambda _i: self._filter_by(key, combo.currentData()))
        self.filters.addWidget(combo, 1)
        return combo

    def add_button(self, label: str, letter: str, slot: Callable[[], object], *,
                   layout: QHBoxLayout | None = None, tip: str = "") -> QPushButton:
        """One of the tab's actions: a button with its access letter (新增(&N)…, Alt+N), also
        offered by the table's context menu (the Menu key)."""
        words = label.rstrip("…")
        button = push_button(f"{words}(&{letter}){label[len(words):]}", self)
        button.setObjectName(f"button_{words}")
        if tip:
            button.setToolTip(tip)
        button.clicked.connect(lambda _c=False: slot())
        (layout if layout is not None else self.filters).addWidget(button)
        self.tab_actions.append(button)
        return button

    def _search_for(self, text: str) -> None:
        with self._keeping_current():
            self.proxy.set_search(text)
        self._say_if_nothing_found()

    def _say_if_nothing_found(self, *_args: Any) -> None:
        words = self.search.text().strip()
        empty = bool(words) and self.proxy.rowCount() == 0
        if empty:
            self.nothing_found.setText(f"没有与“{words}”匹配的行（按 Esc 清除搜索）")
        self.nothing_found.setVisible(empty)

    def _filter_by(self, key: str, value: Any) -> None:
        with self._keeping_current():
            self.proxy.set_equal(key, value)
        self._say_if_nothing_found()

    def _current_moved(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not self._filtering:
            row = current.data(ROW_ROLE) if current.isValid() else None
            self._clerk_row = (row.get("id") or "") if isinstance(row, dict) else ""

    @contextmanager
    def _keeping_current(self) -> Iterator[None]:
        """The rows shown change (a search, a filter): the row the clerk was on stays current
        while it is shown; when it is not, no row is (Qt would make a neighbour current, a row
        the clerk never chose, for 编辑 or 删除 to act on)."""
        column = max(0, self.view.currentIndex().column())
        self._filtering = True
        try:
            yield
            at = self.model.row_of(self._clerk_row) if self._clerk_row else None
            index = (self.proxy.mapFromSource(self.model.index(at, column)) if at is not None
                     else QModelIndex())
            selection = self.view.selectionModel()
            if not index.isValid():
                selection.clearCurrentIndex()
            elif index.row() != self.view.currentIndex().row():
                selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        finally:
            self._filtering = False

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
        if self.apply([change], self.cell_change("修改", row, col), year=self.ctx.year):
            return None
        return self.message.text()

    def cell_change(self, verb: str, row: dict[str, Any], col: Column) -> str:
        """How 撤销 names a change to one cell: what was done, to which row's which column
        (修改“长江镇中心卫生院”的西学中), as it names a record edited in a dialog."""
        name = self.row_name(row)
        return f"{verb}“{name}”的{col.label}" if name else f"{verb} {col.label}"

    def row_name(self, row: dict[str, Any]) -> str:
        """The words naming a row: its institution, activity or task."""
        return row_label(row)

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
        self.show_standing()
        self.cells_written()
        if year == self.ctx.year:
            self._try_refused_again(list(by_row))
        return True

    def _try_refused_again(self, row_ids: list[str]) -> None:
        """A cell of these rows refused for what another cell said (中医类别医师 raised past
        西学中 and the non-TCM physicians) is tried again now that its row changed: saved, or
        refused with today's reason, never left red with yesterday's."""
        cells = [cell for cell in self.model.refusals if cell[0] in row_ids]
        for rid, key in cells:
            col = self.model.columns[self.model.column_index(key)]
            saved = self.model.try_again(rid, key)
            if saved:
                row = self.model.rows[self.model.row_of(rid)]
                self._say(f"已保存此前未保存的{col.label}（{row_label(row)}）")
        if cells:
            self.show_standing()

    def show_standing(self) -> None:
        """After a save: cells still refused keep their reason in view (a later edit that
        saves must not make it look as if they were saved too); else the line goes."""
        standing = list(dict.fromkeys(self.model.refusals.values()))
        if not standing:
            self._say_nothing()
            return
        lines = standing[:MAX_NAMED]
        if len(standing) > MAX_NAMED:
            lines.append(f"……另有 {len(standing) - MAX_NAMED} 处")
        self.message.setText("以下单元格仍未保存（红色标出，改正后保存）：\n" + "\n".join(lines))
        self.message.show()

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
        # The cell's column names the field: "（中医馆等级）：未建中医馆的…", said once.
        reason = exc.reason if isinstance(exc, ValidationError) and exc.field == key else str(exc)
        return f"{row_label(cells[0].row)}（{col.label}）：{reason}"

    def mark(self, row: dict[str, Any], col: Column) -> str | None:
        return None

    def carried(self, row: dict[str, Any], col: Column) -> str | None:
        """The tooltip of a value carried over from last year and not yet confirmed."""
        return None

    def discard_typed(self) -> bool:
        """Entries typed here and refused (red, never saved) are let go, the cells showing the
        file's values again; False when there was none."""
        if not self.model.refusals:
            return False
        self.model.clear_refusals()
        self._say_nothing()
        return True

    def _let_go(self, index: QModelIndex) -> None:
        """Esc on a refused entry: it goes (it was never saved), the cell shows the file's value."""
        source = self.proxy.mapToSource(index)
        if self.model.let_go(source):
            self.show_standing()

    def inapplicable(self, row: dict[str, Any], col: Column) -> str | None:
        """Why the row does not fill this cell (grey, said in the tooltip), or None."""
        return None

    # ---- shared behaviour ------------------------------------------------------------------

    def save(self, action: Callable[[], object], what: Named | None = None, *,
             undo: Callable[[], list[Change]] | None = None) -> bool:
        """Run one user action's writes; a refusal is shown beside the table, nothing lands.
        `undo` gives what the action changed (asked after it ran) as one step of 撤销 named
        `what`; without it the action cannot be undone and 撤销 says so. (No `what`: the
        caller records the step itself.)"""
        year = self.ctx.year if self.ctx is not None else 0
        try:
            action()
        except KnownError as exc:
            self.refuse(str(exc))
            return False
        self._say_nothing()
        self.record(what, undo() if undo is not None else None, year)
        self.changed.emit()
        return True

    def record(self, what: Named | None, changes: list[Change] | None, year: int) -> None:
        """A change just made: one step of 撤销, or (None) a change that cannot be undone.
        `what` may be asked for only now (a record's name is known once it is saved)."""
        if self.history is None or what is None:
            return
        what = what() if callable(what) else what
        if changes is None:
            self.history.cannot_undo(what)
        elif changes:
            self.history.push(Step(self, year, what, changes))

    def save_from(self, dialog: QDialog, action: Callable[[], object],
                  what: Named | None = None, *,
                  undo: Callable[[], list[Change]] | None = None) -> bool:
        """Show an edit dialog until what was typed is saved or the clerk cancels: a refusal is
        said in the dialog, which opens again holding what was typed. `what` and `undo` as
        for `save`."""
        year = self.ctx.year if self.ctx is not None else 0
        while dialogs.exec_dialog(dialog):
            try:
                action()
            except KnownError as exc:
                from desktop.forms import show_refusal

                show_refusal(dialog, str(exc))
                continue
            self._say_nothing()
            self.record(what, undo() if undo is not None else None, year)
            self.changed.emit()
            return True
        return False

    def save_edit(self, dialog: QDialog, table: str, record: dict[str, Any], what: str, *,
                  confirm: Callable[[dict[str, Any]], bool] | None = None) -> bool:
        """An edit dialog's changes to one stored record, saved as one step of 撤销 (the tab's
        `store` writes `table`, so undo and redo go through the same checks). `confirm(values)`,
        if given, is asked before writing; False leaves everything as it was."""
        assert self.ctx is not None
        county = self.ctx.county
        done: list[list[Change]] = []

        def save() -> None:
            values = dialog.values()  # type: ignore[attr-defined]
            if confirm is not None and not confirm(values):
                raise _Declined
            county.update(table, record["id"], values)
            done.append([Change(dict(record), k, record.get(k), v) for k, v in values.items()
                         if record.get(k) != v])
        try:
            return self.save_from(dialog, save, what, undo=lambda: done[-1])
        except _Declined:
            return False

    def store_exists(self, table: str, row: dict[str, Any], exists: bool) -> None:
        """Undo or redo of a 新增 or 删除: the record comes back (same id, same merge history)
        or becomes a tombstone again."""
        assert self.ctx is not None
        county = self.ctx.county
        if exists:
            if county.get(table, row["id"], include_deleted=True) is None:
                raise KnownError("这条记录已不在文件中，不能恢复。")
            county.restore(table, row["id"])
        else:
            county.delete(table, row["id"])

    def not_undoable(self, what: str) -> None:
        """A change made outside `save` (a dialog of its own wrote it) that cannot be undone."""
        self.record(what, None, 0)

    def refresh(self, ctx: Context) -> None:
        """Load the rows again; the record the clerk was on stays current (after 停用, a
        confirmation, an import) when it is still shown."""
        current = self.view.currentIndex()
        kept = current.data(ROW_ROLE) if current.isValid() else None
        self.ctx = ctx
        self.model.set_rows(self.load(ctx))
        if kept is not None and (at := self.model.row_of(kept.get("id"))) is not None:
            index = self.proxy.mapFromSource(self.model.index(at, current.column()))
            if index.isValid():
                self.view.setCurrentIndex(index)
        self._say_nothing()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 (Qt name)
        # A refused value was never saved: coming back to the tab shows what the file holds.
        self.model.clear_refusals()
        self._say_nothing()
        super().hideEvent(event)

    def rejudged(self, ctx: Context) -> None:
        """The year's judgement changed after an edit: repaint marks, keep rows and selection."""
        self.ctx = ctx
        if self.model.rowCount():
            self.model.dataChanged.emit(
                self.model.index(0, 0),
                self.model.index(self.model.rowCount() - 1, self.model.columnCount() - 1))

    def refuse(self, text: str, column_key: str | None = None) -> None:
        """Show a refusal beside the table and, for a cell, next to the cell itself (for a few
        seconds: the line under the table keeps it)."""
        self.message.setText(text)
        self.message.show()
        index = self.view.currentIndex()
        if index.isValid():
            rect = self.view.visualRect(index)
            QToolTip.showText(self.view.viewport().mapToGlobal(rect.bottomLeft()), text, self.view,
                              rect, TOOLTIP_MS)

    def _say_nothing(self) -> None:
        """The refusal is over (saved, undone, let go): its line and the note by the cell go."""
        self.message.hide()
        QToolTip.hideText()

    def refuse_many(self, refusals: list[str], verdict: str) -> None:
        """Name each refused cell (up to MAX_NAMED) under one sentence saying nothing landed."""
        lines = refusals[:MAX_NAMED]
        if len(refusals) > MAX_NAMED:
            lines.append(f"……另有 {len(refusals) - MAX_NAMED} 处")
        head = f"{verdict}：有 {len(refusals)} 处不能填入，整块均未写入。" if len(refusals) > 1 \
            else f"{verdict}："
        self.refuse(head + ("\n" if len(refusals) > 1 else "") + "\n".join(lines))

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
        """Right click or the Menu key: the tab's own actions, then copy and paste."""
        view = view or self.view
        menu = QMenu(view)
        for item in self.tab_actions:
            entry = menu.addAction(item.text())
            entry.setEnabled(item.isEnabled())
            entry.triggered.connect(item.click if isinstance(item, QAbstractButton)
                                    else item.trigger)
        if self.tab_actions:
            menu.addSeparator()
        menu.addAction("复制\tCtrl+C", lambda: self.copy(False, view))
        menu.addAction("复制（含表头）\tCtrl+Shift+C", lambda: self.copy(True, view))
        paste = menu.addAction("粘贴\tCtrl+V", self.paste)
        paste.setEnabled(view is self.view and self.model.writer is not None)
        clear = menu.addAction("清除内容\tDelete", self.clear)
        clear.setEnabled(view is self.view and self.model.writer is not None)
        dialogs.exec_menu(menu, view.viewport().mapToGlobal(at))

    def copyable(self, view: RecordView, refusal: str) -> None:
        """A second table of the tab (read-only, a RecordModel without filter) that selects
        ranges and copies blocks as the main one does; a paste into it says `refusal`."""
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        view.setTabKeyNavigation(False)
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

    def select_changes(self, changes: list[Change]) -> None:
        """Show the cells an undo or redo just changed, selected as the clerk left them: a
        pasted block stays one block (its bounding rectangle), the first cell current."""
        if not changes or not self.select_record(changes[0].row["id"]):
            return
        keys = {c.key for c in self.model.columns}
        cells = []
        for c in changes:
            at = self.model.row_of(c.row["id"])
            if at is None:
                continue
            column = self.model.column_index(c.key) if c.key in keys else 0
            index = self.proxy.mapFromSource(self.model.index(at, column))
            if index.isValid():
                cells.append(index)
        if not cells:
            return
        rows, cols = [i.row() for i in cells], [i.column() for i in cells]
        self.view.selectionModel().setCurrentIndex(
            cells[0], QItemSelectionModel.SelectionFlag.NoUpdate)
        self._select(min(rows), min(cols), max(rows), max(cols))
        self.view.scrollTo(cells[0])

    def to_table(self) -> bool:
        """The keyboard into the table from its search box: on the row it was on when the
        search still shows it, else on the first row shown. False when no row is shown."""
        if self.proxy.rowCount() == 0:
            return False
        index = self.view.currentIndex()
        if not index.isValid():
            column = next((c for c in range(self.proxy.columnCount())
                           if not self.view.isColumnHidden(c)), 0)
            index = self.proxy.index(0, column)
            self.view.setCurrentIndex(index)
        self.view.scrollTo(index)
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

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
