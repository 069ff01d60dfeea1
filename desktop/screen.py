"""Every window and dialog fits the screen it opens on (a 1366×768 bureau screen, a 1280×720
work area): a saved or coded size larger than the screen is shrunk, a window that would hang
off the edge is moved in, and a small dialog is wide enough to show its whole title."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QMargins, QObject, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

if TYPE_CHECKING:
    from PySide6.QtWidgets import QFileDialog, QMessageBox

# A message box or a file dialog is known by its Qt class name (QObject.inherits), and their
# Python classes loaded only when one is shown: the main window's own fitting at start would
# otherwise load both, with all their enums.

# What a window manager adds around a window before it has been shown once (title bar, borders):
# the real margins are known only afterwards, so a first fit reserves this much.
ASSUMED_FRAME = QMargins(8, 34, 8, 8)
# Beside the title, a title bar holds an icon and the close/maximise buttons.
TITLE_BAR_EXTRA = 170
REFIT_MS = 300


def available(widget: QWidget) -> QRect:
    """The usable part of the screen the widget is on (without task bars)."""
    parent = widget.parentWidget()
    screen = (parent.window().screen() if parent is not None else None) or widget.screen() \
        or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def shown_title(widget: QWidget) -> str:
    """The title as the title bar shows it: on Linux Qt adds " — " and the program's name
    ("新建县级数据文件 — 中医药示范县创建自评"), which the width must leave room for too."""
    title = widget.windowTitle()
    name = QGuiApplication.applicationDisplayName()
    return title if not name or name in title else f"{title} — {name}"


def title_width(widget: QWidget) -> int:
    """How wide the window must be for its title bar to show its whole title."""
    return widget.fontMetrics().horizontalAdvance(shown_title(widget)) + TITLE_BAR_EXTRA


def frame_margins(widget: QWidget) -> QMargins:
    frame, inner = widget.frameGeometry(), widget.geometry()
    if frame == inner:
        return ASSUMED_FRAME
    return QMargins(inner.left() - frame.left(), inner.top() - frame.top(),
                    frame.right() - inner.right(), frame.bottom() - inner.bottom())


def fit(widget: QWidget, area: QRect | None = None) -> None:
    """Shrink the window to the area (frame included), widen it to show its title, and move it
    so its frame lies inside the area."""
    if widget.isMaximized() or widget.isFullScreen():
        return
    area = area or available(widget)
    margins = frame_margins(widget)
    if widget.inherits("QMessageBox"):
        _widen_for_title(widget)  # type: ignore[arg-type]
    room = QSize(area.width() - margins.left() - margins.right(),
                 area.height() - margins.top() - margins.bottom())
    width = min(max(widget.width(), title_width(widget)), room.width())
    height = min(widget.height(), room.height())
    if (width, height) != (widget.width(), widget.height()):
        widget.resize(width, height)
    # Before the window manager has framed it (X11), the frame is unknown and Qt places the
    # inside of the window at the point given: keep the inside on screen, and fit again later.
    frame = widget.frameGeometry()
    x = max(min(frame.left(), area.right() + 1 - frame.width()), area.left())
    y = max(min(frame.top(), area.bottom() + 1 - frame.height()), area.top())
    if (x, y) != (frame.left(), frame.top()):
        widget.move(x, y)


def _widen_for_title(box: QMessageBox) -> None:
    """A message box sizes itself when shown, to its title plus 50 px: too little beside a real
    title bar's icon and buttons. A spacer as wide as the title bar needs makes it wider."""
    from PySide6.QtWidgets import QGridLayout, QSizePolicy, QSpacerItem

    if box.property("tcmcounty_widened"):
        return
    layout = box.layout()
    if isinstance(layout, QGridLayout):
        width = title_width(box)
        layout.addItem(QSpacerItem(width, 0, QSizePolicy.Policy.Minimum,
                                   QSizePolicy.Policy.Minimum),
                       layout.rowCount(), 0, 1, layout.columnCount())
    box.setProperty("tcmcounty_widened", True)


def _widen_file_columns(dialog: QFileDialog) -> None:
    """Qt's own file dialog (Linux): wide enough for its columns, the 类型 column for "SQLite3
    数据库", the name column for a long county file name, the side bar for 计算机."""
    from PySide6.QtWidgets import QListView, QTreeView

    tree = dialog.findChild(QTreeView, "treeView")
    if tree is None or dialog.property("tcmcounty_columns"):
        return
    # Room for 名称, 类型 and 修改日期 side by side (fit() keeps it on the screen).
    dialog.resize(max(dialog.width(), 900), max(dialog.height(), 520))
    header = tree.header()
    metrics = header.fontMetrics()
    header.resizeSection(0, max(header.sectionSize(0), metrics.horizontalAdvance("字" * 18)))
    if header.count() > 2:
        header.resizeSection(1, max(header.sectionSize(1),
                                    metrics.horizontalAdvance("1023.9 MiB") + 16))
        header.resizeSection(2, max(header.sectionSize(2),
                                    metrics.horizontalAdvance("SQLite3 数据库文件") + 24))
    sidebar = dialog.findChild(QListView, "sidebar")  # 计算机, the home folder: not "计…"
    if sidebar is not None:
        sidebar.setMinimumWidth(max(sidebar.minimumWidth(), metrics.horizontalAdvance("计算机") * 2
                                    + 48))
    dialog.setProperty("tcmcounty_columns", True)


def fill(widget: QWidget) -> None:
    """A first run: the main window takes the whole usable screen, frame included."""
    area = available(widget)
    margins = ASSUMED_FRAME
    widget.resize(area.width() - margins.left() - margins.right(),
                  area.height() - margins.top() - margins.bottom())
    widget.move(area.topLeft())


class ScreenFit(QObject):
    """Installed on the application: fits every top-level window as it is shown."""

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        kind = event.type()
        if kind != QEvent.Type.Show \
                or not isinstance(obj, QWidget) \
                or obj.windowType() not in (Qt.WindowType.Window, Qt.WindowType.Dialog):
            return False  # not menus, tooltips, or a combo box's list: those place themselves
        shown(obj)
        return False


def shown(window: QWidget) -> None:
    """A top-level window being shown: fitted now, and again once framed."""
    if window.inherits("QFileDialog"):
        _widen_file_columns(window)  # type: ignore[arg-type]
    fit(window)
    if window.frameGeometry() == window.geometry():
        # The window manager adds the frame after the show (X11), with no event to the
        # window: fit again once it is likely there.
        QTimer.singleShot(REFIT_MS, window, lambda w=window: w.isVisible() and fit(w))


def install(app: QApplication) -> None:
    """Once per application."""
    if app.property("tcmcounty_screen_fit"):
        return
    fitter = ScreenFit(app)
    app.installEventFilter(fitter)
    app.setProperty("tcmcounty_screen_fit", True)
