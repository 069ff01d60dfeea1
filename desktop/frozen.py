"""A table's first columns kept in view while it scrolls sideways (the name of the institution
whose 诊疗量 the clerk is typing in, far to the right), as Excel's 冻结窗格 does.

Qt's frozen-column recipe: a second, narrow view over the left edge of the table, showing only
the frozen columns of the same model through the same selection model, its rows scrolled with
the table's. The table (a `FreezableView`) keeps the cell being worked on out from under it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette, QPen, QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from desktop.painted import PaintQueue

Index = QModelIndex | QPersistentModelIndex
FOCUS_FRAME = QColor("#1a5fb4")  # the current cell: a frame that shows in any theme and in print


class FramedView(QTableView):
    """A table whose current cell is framed as Excel frames it, also while the table has no
    focus: drawn once over the painted cells, rather than by each cell's own painting."""

    _after_paint: PaintQueue | None = None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Its cells' area made here, as Qt makes it: asked for later (to paint the frame, to
        # measure), a viewport Qt made would have the bindings look through every kind of
        # widget they know before answering, 7 ms of the window's start.
        viewport = QWidget()
        viewport.setObjectName("qt_scrollarea_viewport")
        viewport.setBackgroundRole(QPalette.ColorRole.Base)
        viewport.setForegroundRole(QPalette.ColorRole.Text)
        viewport.setAutoFillBackground(True)
        self.setViewport(viewport)

    def after_paint(self, work: Callable[[], object]) -> None:
        """Run `work` once the table is next on screen (desktop.painted)."""
        if self._after_paint is None:
            self._after_paint = PaintQueue(self)
        self._after_paint.add(work)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt name)
        super().paintEvent(event)
        self._frame_current(event)
        if self._after_paint is not None:
            self._after_paint.painted()

    def _frame_current(self, event: QPaintEvent) -> None:
        current = self.currentIndex()
        if not current.isValid():
            return
        cell = self.visualRect(current)
        if cell.isEmpty() or not event.rect().intersects(cell):
            return
        painter = QPainter(self.viewport())
        painter.setPen(QPen(FOCUS_FRAME, 2))
        painter.drawRect(cell.adjusted(1, 1, -1, -1))
        painter.end()


class FrozenColumns(FramedView):
    """The overlay: the first `count` columns of `table`, never taking the keyboard."""

    def __init__(self, table: QTableView, count: int) -> None:
        super().__init__(table)
        self.table = table
        self.count = count
        self.setObjectName("frozen_columns")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.verticalHeader().hide()
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setEditTriggers(table.editTriggers())
        self.setSelectionBehavior(table.selectionBehavior())
        self.setSelectionMode(table.selectionMode())
        self.setAlternatingRowColors(table.alternatingRowColors())
        self.setWordWrap(table.wordWrap())
        self.setTextElideMode(table.textElideMode())
        self.setFrameShape(QTableView.Shape.NoFrame)
        # A line at its right edge, so the frozen names read as a pane of their own.
        self.setStyleSheet("QTableView#frozen_columns { border-right: 2px solid #8a9bb0; }")
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.horizontalHeader().setSectionsClickable(True)
        self.horizontalHeader().sectionClicked.connect(self._sort)
        self.verticalHeader().setDefaultSectionSize(table.verticalHeader().defaultSectionSize())
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)
        self.doubleClicked.connect(table.doubleClicked)
        self.pressed.connect(lambda _i: table.setFocus(Qt.FocusReason.MouseFocusReason))
        table.viewport().stackUnder(self)
        table.horizontalHeader().sectionResized.connect(self._column_resized)
        table.verticalHeader().sectionResized.connect(
            lambda row, _old, size: self.setRowHeight(row, size))
        table.horizontalHeader().sortIndicatorChanged.connect(
            lambda col, order: self.horizontalHeader().setSortIndicator(col, order))
        # Its rows follow the table's, also when its own range is laid out after the table has
        # scrolled (a reload, then a jump to a row: Qt lays the pane out later, and a value set
        # before then would be cut to 0, leaving every name beside another row's figures).
        self.verticalScrollBar().valueChanged.connect(table.verticalScrollBar().setValue)
        table.verticalScrollBar().valueChanged.connect(self._follow)
        table.verticalScrollBar().rangeChanged.connect(self._follow)
        self.verticalScrollBar().rangeChanged.connect(self._follow)

    def _follow(self, *_args: object) -> None:
        self.verticalScrollBar().setValue(self.table.verticalScrollBar().value())

    def attach(self) -> None:
        """The table's model and selection are ours too (again after the table gets a model)."""
        model = self.table.model()
        if self.model() is not model:
            self.setModel(model)
            model.modelReset.connect(self.hide_the_rest)
            model.layoutChanged.connect(self.hide_the_rest)
            model.columnsInserted.connect(self.hide_the_rest)
            model.columnsRemoved.connect(self.hide_the_rest)
        if self.selectionModel() is not self.table.selectionModel():
            self.setSelectionModel(self.table.selectionModel())
        self.setItemDelegate(type(self.table.itemDelegate())(self))
        main = self.table.horizontalHeader()
        self.horizontalHeader().setSortIndicatorShown(self.table.isSortingEnabled())
        self.horizontalHeader().setSortIndicator(main.sortIndicatorSection(),
                                                 main.sortIndicatorOrder())
        self.hide_the_rest()

    def hide_the_rest(self) -> None:
        model = self.model()
        if model is None:
            return
        for col in range(model.columnCount()):
            self.setColumnHidden(col, col >= self.count)
            if col < self.count:
                self.setColumnWidth(col, self.table.columnWidth(col))
        self.place()

    def width_needed(self) -> int:
        return sum(self.table.columnWidth(c) for c in range(self.count)
                   if not self.table.isColumnHidden(c))

    def place(self) -> None:
        table = self.table
        frame = table.frameWidth()
        header = table.verticalHeader()
        left = frame + (header.width() if header.isVisible() else 0)
        self.setGeometry(left, frame, self.width_needed() + 2,
                         table.viewport().height() + table.horizontalHeader().height())
        self.setVisible(self.count > 0 and self.table.model() is not None)

    def _column_resized(self, col: int, _old: int, size: int) -> None:
        if col < self.count:
            self.setColumnWidth(col, size)
            self.place()

    def _sort(self, col: int) -> None:
        """A click on a frozen header sorts the table, as a click on its own header would."""
        if not self.table.isSortingEnabled():
            return
        header = self.table.horizontalHeader()
        ascending = Qt.SortOrder.AscendingOrder
        order = (Qt.SortOrder.DescendingOrder
                 if header.sortIndicatorSection() == col and header.sortIndicatorOrder() == ascending
                 else ascending)
        self.table.sortByColumn(col, order)

    def _context_menu(self, at: QPoint) -> None:
        spot = self.table.viewport().mapFromGlobal(self.viewport().mapToGlobal(at))
        self.table.customContextMenuRequested.emit(spot)


class FreezableView(FramedView):
    """A table that can keep its first columns in view (`freeze`), the cell being worked on
    never under them."""

    frozen: FrozenColumns | None = None
    # Its cells' area changed size (the window, a splitter, a scroll bar come or gone): the
    # columns are shared out again (desktop.columns).
    viewport_resized = Signal()

    def freeze(self, count: int) -> None:
        if self.frozen is None:
            self.frozen = FrozenColumns(self, count)
            self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
            self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.frozen.count = count
        self.frozen.attach()

    def scrollTo(self, index: Index,  # noqa: N802 (Qt name)
                 hint: QAbstractItemView.ScrollHint = QAbstractItemView.ScrollHint.EnsureVisible
                 ) -> None:
        if self.frozen is None or not index.isValid():
            super().scrollTo(index, hint)
            return
        bar = self.horizontalScrollBar()
        sideways = bar.value()
        super().scrollTo(index, hint)
        if index.column() < self.frozen.count:
            bar.setValue(sideways)  # a frozen cell is always in view: only the rows move
            return
        edge = self.frozen.width_needed()
        covered = edge - self.visualRect(index).left()
        if covered > 0:
            bar.setValue(bar.value() - covered)
        # No sliver of a column beside the frozen ones ("溪镇" for 太溪镇): the first column
        # in view starts at their edge.
        header = self.horizontalHeader()
        for col in range(self.frozen.count, header.count()):
            if header.isSectionHidden(col):
                continue
            left = header.sectionViewportPosition(col)
            right = left + header.sectionSize(col)
            if right > edge:
                if left < edge:  # partly under them: show it whole, or not at all
                    shift = -(edge - left) if col >= index.column() else right - edge
                    bar.setValue(bar.value() + shift)
                break

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt name)
        """The viewport's size changed (QAbstractScrollArea passes its resize here)."""
        super().resizeEvent(event)
        if self.frozen is not None:
            self.frozen.place()
        old, new = event.oldSize().width(), event.size().width()
        if new != old:
            self.viewport_resized.emit()
        current = self.currentIndex()
        if 0 < new < old and current.isValid():
            # The vertical scroll bar came just after a cell at the right edge was scrolled
            # into view (a jump to a tab shown for the first time): it stays in view.
            cell = self.visualRect(current)
            if cell.left() >= 0 and new < cell.right() < old:
                self.scrollTo(current)

    def updateGeometries(self) -> None:  # noqa: N802 (Qt name)
        super().updateGeometries()
        if self.frozen is not None:
            self.frozen.place()  # the row numbers may have grown a digit
            bar = self.horizontalScrollBar()
            if bar.maximum() > 0:
                # Room to scroll the last columns clear of a sliver beside the frozen ones.
                bar.setMaximum(bar.maximum() + self.frozen.width_needed())
