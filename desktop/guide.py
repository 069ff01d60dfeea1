"""帮助 → 使用说明 (F1): the guide shipped in resources/guide, read offline inside the program.

A few HTML pages with small screenshots (docs/guide_screenshots.py takes them from the real
window), shown in a QTextBrowser beside a list of the pages. The window stays open beside the
main window (it is not modal), so a clerk can read and work at once; F1 again brings it to the
front at the page for the tab in use.

What the pages say about the tabs is filled in from the window's own list of tabs as a page is
loaded, so the guide never names a tab or an Alt key the window does not have: `<!--tab-table-->`
becomes a table of the tabs with a line on each, `<!--tab-keys-->` the Alt+1 … Alt+0 keys, and
`<!--if-tab:KEY-->…<!--end-if-->` is kept only where the window has that tab.
"""

from __future__ import annotations

from pathlib import Path
import re
from typing import Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QKeySequence, QShortcut, QTextDocument
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


# A line on each tab, for the table on the first day's page.
TAB_WORDS = {
    "overview": "本年度每个评分项的数值、目标、是否达标、得分和必备项；双击一项看未达标的机构并转到该机构。",
    "path": "先做哪几件事就能达到合格线：每项行动加多少分，可安排责任人和完成时限；进度落后的机构。",
    "progress": "各乡镇、各机构哪些数据已报、哪些未报，沿用上年的数据在这里确认。",
    "institutions": "全县机构名册：新增、编辑、停用、调整所属乡镇。",
    "halls": "各机构本年度的中医馆/中医阁、适宜技术等，像 Excel 一样直接在表格里填写、粘贴。",
    "personnel": "各机构本年度的医师、中医类别医师、西学中人数和诊疗人次，同样直接填写、粘贴。",
    "activities": "宣传栏、讲座、义诊等活动记录和佐证照片，右侧是各机构活动次数。",
    "county": "常住人口、老年人和儿童健康管理、满意率等全县数字。",
    "tasks": "创建方案的任务、牵头和配合单位、完成时限、状态和佐证材料。",
    "checks": "与上年相比变化异常、或重复录入的数据，逐条核实。",
    "review": "像评审专家那样抽查机构、现场核对、打分。",
}


def guide_folder() -> Path:
    return resource_path("guide")


Tabs = tuple[tuple[str, str], ...]  # (key, title) in the window's order


def render(html: str, tabs: Tabs) -> str:
    """A page with what it says about the tabs filled in from the window's `tabs`."""
    keys = {key for key, _ in tabs}
    html = re.sub(r"<!--if-tab:(\w+)-->(.*?)<!--end-if-->",
                  lambda m: m.group(2) if m.group(1) in keys else "", html, flags=re.S)
    rows = "".join(f"<tr><td>{title}</td><td>{TAB_WORDS.get(key, '')}</td></tr>"
                   for key, title in tabs)
    table = ('<table border="1" cellspacing="0" cellpadding="4"><tr><th>页签</th><th>做什么</th>'
             f"</tr>{rows}</table>")
    shown = "、".join(f"{n % 10} {title}" for n, (_, title) in enumerate(tabs[:10], start=1))
    rest = "、".join(title for _, title in tabs[10:])
    alt = f"直接打开页签：{shown}" + (f"；{rest}用 Ctrl+PgDn / Ctrl+PgUp 翻到" if rest else "")
    return html.replace("<!--tab-table-->", table).replace("<!--tab-keys-->", alt) \
        .replace("<!--tab-count-->", str(len(tabs)))


_HTML = (QTextDocument.ResourceType.HtmlResource, QTextDocument.ResourceType.HtmlResource.value)


class GuideBrowser(QTextBrowser):
    """A QTextBrowser whose pages are rendered (see `render`) as they load; pictures as they are.
    Called once per page and picture, not per paint."""

    def __init__(self, tabs: Tabs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tabs = tabs

    def loadResource(self, kind: int, url: QUrl) -> Any:  # noqa: N802 (Qt name)
        data = super().loadResource(kind, url)
        if kind in _HTML and data is not None:
            text = bytes(data).decode("utf-8") if not isinstance(data, str) else data
            return render(text, self.tabs)
        return data


class GuideWindow(QDialog):
    """The guide: pages on the left, the page on the right, 后退 / 前进 / 目录 below."""

    def __init__(self, tabs: Tabs, parent: QWidget | None = None) -> None:
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
        self.browser = GuideBrowser(tabs, self)
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


def show_guide(parent: QWidget, tabs: Tabs, tab: str | None = None) -> GuideWindow:
    """Open the guide beside `parent` (one per window), telling its `tabs`, at the page for
    `tab` if there is one."""
    guide = getattr(parent, "_guide", None)
    if not isinstance(guide, GuideWindow):
        guide = GuideWindow(tabs, parent)
        parent._guide = guide  # type: ignore[attr-defined]
    if tab in TAB_PAGE:
        guide.show_page(TAB_PAGE[tab])
    guide.show()
    guide.raise_()
    guide.activateWindow()
    return guide
