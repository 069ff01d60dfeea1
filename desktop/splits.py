"""How a splitter shares a tab between its main table and a smaller one below or beside it:
the smaller one gets the room its rows (or columns) need when that leaves the main table enough,
else the share its stretch factor gives; once the clerk moves the handle, the splitter is the
clerk's."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import QSplitter, QTableView, QWidget


def table_height(view: QTableView, rows: int) -> int:
    """The height that shows `rows` rows of `view` whole, with its header, frame, and its
    horizontal scroll bar when the columns are wider than the view."""
    header = view.horizontalHeader()
    frame = 2 * view.frameWidth()
    columns = sum(header.sectionSize(i) for i in range(header.count())
                  if not header.isSectionHidden(i))
    side = view.verticalHeader().sizeHint().width() if view.verticalHeader().isVisible() else 0
    bar = (view.horizontalScrollBar().sizeHint().height()
           if columns + side + frame > view.width() else 0)
    return (header.sizeHint().height() + rows * view.verticalHeader().defaultSectionSize()
            + frame + bar)


class FitSplitter(QSplitter):
    """Two panes; pane `small` gets `need()` pixels while the other keeps `keep()`."""

    def __init__(self, orientation: Qt.Orientation, parent: QWidget, *, small: int,
                 need: Callable[[], int], keep: Callable[[], int]) -> None:
        super().__init__(orientation, parent)
        self.small = small
        self.need = need
        self.keep = keep
        self.by_hand = False
        self.splitterMoved.connect(self._moved)

    def _moved(self, *_args: object) -> None:
        self.by_hand = True

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self.fit()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        self.fit()

    def fit(self) -> None:
        """Share the room out again (the rows were loaded again, or the window resized)."""
        if self.by_hand or self.count() != 2 or not self.isVisible():
            return
        across = self.orientation() == Qt.Orientation.Horizontal
        total = (self.width() if across else self.height()) - self.handleWidth()
        need = self.need()
        if need <= 0 or total <= 0:
            return
        if need > total - self.keep():
            policies = [self.widget(i).sizePolicy() for i in range(2)]
            weights = [p.horizontalStretch() if across else p.verticalStretch()
                       for p in policies]
            need = total * weights[self.small] // max(1, sum(weights))
        self.setSizes([need, total - need] if self.small == 0 else [total - need, need])
