"""帮助 → 使用说明 (F1): the guide shipped in resources/guide, read offline inside the program.

A few HTML pages with small screenshots (docs/guide_screenshots.py takes them from the real
window), shown in a QTextBrowser beside a list of the pages. The window stays open beside the
main window (it is not modal), so a clerk can read and work at once; F1 again brings it to the
front at the page for the tab in use.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QListWidget,
                               QListWidgetItem, QPushButton, QTextBrowser, QVBoxLayout, QWidget)

from resources import resource_path

# The pages in reading order, with the words the list shows.
PAGES = (("index.html", "目录"),
         ("first-day.html", "第一天"),
         ("import.html", "导入 Excel 与填报模板"),
         ("cycle.html", "一年的工作"),
         ("township.html", "乡镇填报文件"),
         ("review.html", "模拟现场评审"),
         ("shortcuts.html", "键盘操作与快捷键"))

# F1 on a tab opens the page about it.
TAB_PAGE = {"progress": "cycle.html", "checks": "cycle.html", "review": "review.html"}


def guide_folder() -> Path:
    return resource_path("guide")


class GuideWindow(QDialog):
    """The guide: pages on the left, the page on the right, 后退 / 前进 / 目录 below."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("使用说明")
        self.setModal(False)
        # A window of its own beside the main one, with its own title bar buttons.
        self.setWindowFlag(Qt.WindowType.WindowMinMaxButtonsHint, True)
        self.resize(1000, 660)
        self._following = False  # the list is being set to the page shown, not chosen
        self.pages = QListWidget(self)
        self.pages.setObjectName("guide_pages")
        for name, words in PAGES:
            item = QListWidgetItem(words)
            item.setData(Qt.ItemDataRole.UserRole, name)
            self.pages.addItem(item)
        self.pages.setFixedWidth(180)
        self.pages.currentItemChanged.connect(self._page_chosen)
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("guide_browser")
        self.browser.setOpenExternalLinks(False)  # offline: only the guide's own pages
        self.browser.sourceChanged.connect(self._page_shown)
        back = QPushButton("后退(&B)", self)
        forward = QPushButton("前进(&F)", self)
        home = QPushButton("目录(&C)", self)
        for button in (back, forward, home):
            button.setAutoDefault(False)
        back.clicked.connect(self.browser.backward)
        forward.clicked.connect(self.browser.forward)
        home.clicked.connect(lambda: self.show_page("index.html"))
        self.browser.backwardAvailable.connect(back.setEnabled)
        self.browser.forwardAvailable.connect(forward.setEnabled)
        back.setEnabled(False)
        forward.setEnabled(False)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Back), self, self.browser.backward)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Forward), self, self.browser.forward)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        close.rejected.connect(self.close)
        body = QHBoxLayout()
        body.addWidget(self.pages)
        body.addWidget(self.browser, 1)
        bar = QHBoxLayout()
        for button in (back, forward, home):
            bar.addWidget(button)
        bar.addStretch(1)
        bar.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addLayout(bar)
        self.show_page("index.html")

    def show_page(self, name: str) -> None:
        self.browser.setSource(QUrl.fromLocalFile(str(guide_folder() / name)))

    @property
    def page(self) -> str:
        """The file name of the page shown."""
        return Path(self.browser.source().toLocalFile()).name

    def _page_chosen(self, item: QListWidgetItem | None) -> None:
        if item is not None and not self._following:
            self.show_page(item.data(Qt.ItemDataRole.UserRole))

    def _page_shown(self, url: QUrl) -> None:
        """The list follows the page, whether chosen there, by a link or by 后退. (Qt says so
        before `source()` has the new page: the page is the signal's.)"""
        shown = Path(url.toLocalFile()).name
        for row in range(self.pages.count()):
            if self.pages.item(row).data(Qt.ItemDataRole.UserRole) == shown:
                if self.pages.currentRow() != row:
                    self._following = True
                    try:
                        self.pages.setCurrentRow(row)
                    finally:
                        self._following = False
                return


def show_guide(parent: QWidget, tab: str | None = None) -> GuideWindow:
    """Open the guide beside `parent` (one per window), at the page for `tab` if there is one."""
    guide = getattr(parent, "_guide", None)
    if not isinstance(guide, GuideWindow):
        guide = GuideWindow(parent)
        parent._guide = guide  # type: ignore[attr-defined]
    if tab in TAB_PAGE:
        guide.show_page(TAB_PAGE[tab])
    guide.show()
    guide.raise_()
    guide.activateWindow()
    return guide
