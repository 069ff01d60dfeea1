"""The welcome page the window shows when no county file is open (first start on a file that
could not be opened, say): why, and the ways on — 新建, 打开, 打开示例县, 最近打开. And the
hint a file with an empty register shows: how to start (导入 Excel, 导出填报模板, 新增机构)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QLabel, QListWidget, QListWidgetItem,
                               QVBoxLayout, QWidget)

from desktop.buttons import push_button
from desktop import settings


class StartPanel(QFrame):
    """Above the tabs while the register is empty: the three ways to fill it."""

    import_requested = Signal()
    template_requested = Signal()
    add_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("start_panel")
        self.setStyleSheet("#start_panel { background: #eef5ff; border: 1px solid #9ab8e0; }")
        text = QLabel("<b>本文件还没有机构。</b>先建立机构名册，再填报各项数据。三种办法："
                      "已有机构名册或填报表的，<b>导入 Excel</b>；要各机构自己填写的，"
                      "<b>导出填报模板</b>，填好后再导入；机构不多的，逐家<b>新增机构</b>。", self)
        text.setWordWrap(True)
        row = QHBoxLayout(self)
        row.addWidget(text, 1)
        # No access letters: the same actions have theirs in the 文件 menu and on 机构.
        for words, signal, name in (("导入 Excel…", self.import_requested, "import"),
                                    ("导出填报模板…", self.template_requested, "template"),
                                    ("新增机构…", self.add_requested, "add")):
            button = push_button(words, self)
            button.setObjectName(f"start_{name}")
            button.clicked.connect(signal.emit)
            row.addWidget(button)


class WelcomePage(QWidget):
    new_requested = Signal()
    open_requested = Signal()
    demo_requested = Signal()
    recent_requested = Signal(Path)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel("<h2>中医药示范县创建自评</h2>"
                       "<p>还没有打开县级数据文件。请新建一个、打开已有的，或先看看示例县。</p>")
        self.reason = QLabel(self)
        self.reason.setObjectName("reason")
        self.reason.setWordWrap(True)
        self.reason.setStyleSheet("color: #a40000;")
        buttons = QHBoxLayout()
        for text, signal, name in (("新建(&N)…", self.new_requested, "new"),
                                   ("打开(&O)…", self.open_requested, "open"),
                                   ("打开示例县(&D)", self.demo_requested, "demo")):
            button = push_button(text, self)
            button.setObjectName(f"welcome_{name}")
            button.clicked.connect(signal.emit)
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.recent = QListWidget(self)
        self.recent.setObjectName("recent")
        self.recent.itemActivated.connect(
            lambda item: self.recent_requested.emit(Path(item.data(Qt.ItemDataRole.UserRole))))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 30, 40, 30)
        layout.addWidget(title)
        layout.addWidget(self.reason)
        layout.addLayout(buttons)
        layout.addWidget(QLabel("最近打开（双击或按回车打开）："))
        layout.addWidget(self.recent, 1)

    def show_reason(self, text: str) -> None:
        """Why the last file did not open, and what to do about it."""
        self.reason.setText(f"{text}\n可以新建一个文件、打开另一个文件，或从最近打开的文件中选择。"
                            if text else "")

    def refresh(self) -> None:
        self.recent.clear()
        for path in settings.recent_files():
            if path.exists():
                item = QListWidgetItem(str(path))
                item.setData(Qt.ItemDataRole.UserRole, str(path))
                self.recent.addItem(item)
        if not self.recent.count():
            none = QListWidgetItem("（无）")
            none.setFlags(Qt.ItemFlag.NoItemFlags)
            self.recent.addItem(none)
