"""How a table's columns share its width: every header whole, the text that is cut short gets
the room first, and what is left goes to the last column.

Qt's "stretch last section" squeezes the last header to whatever is left ("尚未达到的年度要…"),
and fixed widths leave a column of names elided beside an empty one. Here each column starts
at the width its spec asks for; when that overflows, or a column's text is cut, room is taken
from columns wider than their header and their text (never from one the clerk types into);
it goes to the cut columns, those nearest to whole first; the last column takes what remains.
A table that still does not fit scrolls sideways, its headers whole. Once the clerk drags a
column's edge, the widths are the clerk's: only the last column still fills the width.
"""

from __future__ import annotations

import sys
from typing import Any
import weakref

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QApplication, QTableView

from desktop.frozen import FreezableView
from desktop.models import Column, RecordModel

# The margins the style draws around a header's words and a cell's text (PM_HeaderMargin,
# PM_FocusFrameHMargin), as Qt's Fusion (Linux) and Windows styles give them. Asking the style
# at start would have the bindings make the QStyle class with its hundreds of enum names, 4 ms
# of the window's start: the window asks once it is on screen (check_margins), and the tables
# are fitted again should this PC's style give others.
MARGINS = {"header": 4 if sys.platform == "win32" else 2, "text": 2}
_fits: weakref.WeakSet[ColumnFit] = weakref.WeakSet()


def check_margins() -> bool:
    """The style's own margins, once the window is on screen: True if they were not the ones
    assumed (every table is then fitted again)."""
    from PySide6.QtWidgets import QStyle

    style = QApplication.style()
    real = {"header": style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin),
            "text": style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin)}
    if real == MARGINS:
        return False
    MARGINS.update(real)
    from shiboken6 import isValid

    for fit in list(_fits):
        if isValid(fit) and isValid(fit.view):  # not a table closed since
            fit.reload()
    return True


SAMPLE = 300  # rows measured for a column's text: enough for the words it holds, and quick
DEFAULT_WIDTH = 90  # a column whose spec gives none


def header_width(view: QTableView, col: Column) -> int:
    """The narrowest a column may be: its header's words (each line of it) and margins."""
    header = view.horizontalHeader()
    metrics = header.fontMetrics()
    margin = MARGINS["header"]
    words = max((metrics.horizontalAdvance(line) for line in col.header.split("\n")), default=0)
    return words + 2 * margin + 6


def text_widths(view: QTableView, columns: list[Column], rows: list[dict[str, Any]]
                ) -> dict[int, int]:
    """How wide each column's cells must be to show their text whole (bold, as a marked cell
    is); 0 for a column with no text."""
    font = QFont(view.font())
    font.setBold(True)
    advance = QFontMetrics(font).horizontalAdvance
    margin = MARGINS["text"]
    sample = rows[:SAMPLE]
    by_key = {col.key: col for col in columns}
    out = {}
    for i, col in enumerate(columns):
        texts = {col.text(row) for row in sample}
        like = by_key.get(col.sized_as)
        if like is not None:
            texts.update(like.text(row) for row in sample)
        texts.discard("")
        widest = max(map(advance, texts), default=0)
        out[i] = widest + 2 * (margin + 1) + 6 if widest else 0
    return out


def share(wants: list[int], room: int) -> list[int]:
    """`room` (at most the sum of `wants`) handed out in proportion to what each wants."""
    total = sum(wants)
    if total <= 0 or room <= 0:
        return [0] * len(wants)
    given = [w * room // total for w in wants]
    left = room - sum(given)
    for i in sorted(range(len(wants)), key=lambda i: wants[i] - given[i], reverse=True)[:left]:
        given[i] += 1
    return given


def widths(space: int, base: list[int], floor: list[int], text: list[int],
           editable: list[bool]) -> list[int]:
    """Each column's width in `space` pixels (the last one takes what is left).

    `base`: the width the spec asks for (never under `floor`, the header's words); `text`: the
    width that shows the column's text whole (0 when empty). A read-only column may give up
    what it has beyond its header and its text; a column the clerk types into keeps its room."""
    n = len(base)
    need = [max(floor[i], text[i]) for i in range(n)]
    slack = [0 if editable[i] else max(0, base[i] - need[i]) for i in range(n)]
    short = [max(0, need[i] - base[i]) for i in range(n)]
    wanted = max(0, sum(base) - space) + sum(short)
    taken = share(slack, min(wanted, sum(slack)))
    out = [base[i] - taken[i] for i in range(n)]
    spare = space - sum(out)
    for i in sorted((i for i in range(n) if short[i]), key=lambda i: (short[i], i)):
        grow = min(short[i], max(0, spare))
        out[i] += grow
        spare -= grow
    if spare > 0 and n:
        out[-1] += spare
    return out


class ColumnFit(QObject):
    """Keeps a table's columns shared out as the module says: when its width changes, when its
    rows are loaded again, until the clerk sizes a column by hand."""

    def __init__(self, view: FreezableView, model: RecordModel) -> None:
        super().__init__(view)
        self.view = view
        self.model = model
        self.by_hand = False
        self._texts: dict[int, int] | None = None  # column -> its text's width, per load
        self._floors: dict[int, int] = {}  # column -> its header's width, per load
        self._fitting = False
        _fits.add(self)
        header = view.horizontalHeader()
        header.setStretchLastSection(False)  # done here, never squeezing the last header
        header.sectionResized.connect(self._resized)
        header.sectionHandleDoubleClicked.connect(self._sized_by_hand)
        view.viewport_resized.connect(self.fit)
        model.modelReset.connect(self.reload)
        self.fit()

    def reload(self) -> None:
        """The rows (or the columns) were loaded again: measure their text anew."""
        self._texts = None
        self._floors = {}
        self.fit()

    def _resized(self, _section: int, _old: int, _new: int) -> None:
        # A column's edge dragged with the mouse (a fit of ours, or Qt's, is no such thing).
        if not self._fitting and QApplication.mouseButtons() & Qt.MouseButton.LeftButton:
            self._sized_by_hand()

    def _sized_by_hand(self, *_args: object) -> None:
        self.by_hand = True

    def _shown(self) -> list[int]:
        header = self.view.horizontalHeader()
        count = min(header.count(), len(self.model.columns))
        return [i for i in range(count) if not header.isSectionHidden(i)]

    def _text_widths(self) -> dict[int, int]:
        if self._texts is None:
            self._texts = text_widths(self.view, self.model.columns, self.model.rows)
        return self._texts

    def _header_width(self, i: int) -> int:
        """header_width of column `i`, measured once per load of the columns."""
        width = self._floors.get(i)
        if width is None:
            width = self._floors[i] = header_width(self.view, self.model.columns[i])
        return width

    def natural_width(self) -> int:
        """The width of the columns with every header and text whole and no room to spare
        (what a pane beside the table gives it, desktop.splits)."""
        columns, texts = self.model.columns, self._text_widths()
        return sum(max(columns[i].width or DEFAULT_WIDTH, self._header_width(i),
                       texts.get(i, 0)) for i in self._shown())

    def _space(self) -> int:
        """The cells' width with the vertical scroll bar there when the rows overflow: its
        coming and going (the rows laid out, a filter) then moves no column, and a cell being
        scrolled into view stays in view."""
        view = self.view
        extent = view.verticalScrollBar().sizeHint().width()
        # The viewport's size without the scroll bars (asked of the view: the viewport widget
        # itself, asked for at start, would have the bindings look through every kind of
        # widget they know).
        room = view.maximumViewportSize()
        across = view.horizontalScrollBar()
        high = room.height() - (across.height() if across.isVisible() else 0)
        rows = len(self.model.rows) * view.verticalHeader().defaultSectionSize()
        return room.width() - (extent if rows > high else 0)

    def fit(self) -> None:
        """Share the width out again (by hand: only the last column fills what is left)."""
        shown = self._shown()
        if not shown or self._fitting:
            return
        columns = self.model.columns
        header = self.view.horizontalHeader()
        space = self._space()
        floor = [self._header_width(i) for i in shown]
        if self.by_hand:
            sizes = [header.sectionSize(i) for i in shown]
            sizes[-1] = max(floor[-1], space - sum(sizes[:-1]))
        else:
            texts = self._text_widths()
            sizes = widths(space, [max(columns[i].width or DEFAULT_WIDTH, f)
                                   for i, f in zip(shown, floor)],
                           floor, [texts.get(i, 0) for i in shown],
                           [columns[i].editable for i in shown])
        changed = [(i, size) for i, size in zip(shown, sizes) if header.sectionSize(i) != size]
        if not changed:
            return
        self._fitting = True
        try:
            for i, size in changed:
                header.resizeSection(i, size)
        finally:
            self._fitting = False
        # The scroll range now, not at Qt's next timer: a jump to the last column right after
        # the tab is shown must reach it.
        self.view.updateGeometries()

