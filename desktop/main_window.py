"""The main window: which county is open, and (for now) an at-a-glance summary of its file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QVBoxLayout, QWidget

from db.county import CountyFile
from db.errors import KnownError
from desktop import dialogs, settings

TITLE = "中医药示范县创建自评"


class MainWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.county: CountyFile | None = None
        self.setWindowTitle(TITLE)
        self.resize(1100, 720)
        self.summary = QLabel("未打开文件")
        self.summary.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(self.summary)
        self.setCentralWidget(body)
        saved = settings.geometry()
        if saved is not None:
            self.restoreGeometry(saved)

    def open_path(self, path: Path) -> bool:
        """Open a county file; on a known problem, say so and keep what was open."""
        try:
            county = CountyFile.open(path)
        except KnownError as exc:
            dialogs.error(self, "无法打开文件", str(exc))
            return False
        if self.county is not None:
            self.county.close()
        self.county = county
        settings.remember_file(path.resolve())
        self._show_county()
        return True

    def _show_county(self) -> None:
        county = self.county
        assert county is not None
        self.setWindowTitle(f"{county.county_name} — {county.path} — {TITLE}")
        n = county.count("institution")
        years = county.years()
        span = f"{years[0]}–{years[-1]} 年" if years else "尚无年度数据"
        notice = "<p style='color:#a00'>（只读方式打开）</p>" if county.read_only else ""
        self.summary.setText(
            f"<h1>{county.county_name}</h1><p>机构 {n} 家 · {span}</p>{notice}"
        )

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt name)
        settings.remember_geometry(self.saveGeometry())
        if self.county is not None:
            self.county.close()
            self.county = None
        super().closeEvent(event)
