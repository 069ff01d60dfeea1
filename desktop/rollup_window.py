"""多县汇总 in the window: a folder of county files side by side, read-only.

The counties' scores, every county on every item, a chart of items by the share of counties that
pass, and the files left out with the reason. Tables sort by any column; a double-click opens that
county's file in its own window. Nothing here writes: the models have no writer, the files are
read with `CountyFile.open_untouched` on a worker thread, and there is no save or export action.
"""

from __future__ import annotations

from collections.abc import Callable
import datetime as _dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QSize, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHeaderView, QLabel, QMainWindow,
                               QProgressBar, QScrollArea, QTableView, QTabWidget, QToolBar,
                               QVBoxLayout, QWidget)

from desktop import worker
from desktop.models import ROW_ROLE, SORT_ROLE, Column, RecordModel
from reports.judge.rollup import ItemShare, Rollup, rollup
from reports.judge.wording import format_value

OpenCounty = Callable[[Path], None]


class TipModel(RecordModel):
    """A read-only record model whose cells explain themselves in a tooltip."""

    def __init__(self, columns: list[Column], tips: dict[str, Callable[[dict], str]]) -> None:
        super().__init__(columns)
        self.tips = tips

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid() \
                and index.row() < len(self.rows):
            tip = self.tips.get(self.columns[index.column()].key)
            return tip(self.rows[index.row()]) if tip else None
        return super().data(index, role)


def _met_tone(met: bool | None) -> str | None:
    return "pass" if met is True else "fail" if met is False else "none"


NO_DATA = "无数据"


def _or_no_data(key: str, when: str = "has_data") -> Callable[[dict], Any]:
    """The row's figure, or 无数据 where the county's file has nothing for that year."""
    return lambda row: row[key] if row[when] else NO_DATA


def _sorted_after_figures(key: str, when: str = "has_data") -> Callable[[dict], float]:
    """无数据 sorts below every figure, as a blank does."""
    return lambda row: float(row[key]) if row[when] and row[key] is not None else -1e9


def county_columns() -> list[Column]:
    return [
        Column("county", "县（区）", width=90),
        Column("total", "得分", "int", width=60, value=_or_no_data("total"),
               order=_sorted_after_figures("total"),
               tone=lambda r: None if r["has_data"] else "none"),
        Column("max", "满分", "int", width=50),
        Column("pass_mark", "合格线", "int", width=55),
        Column("passed", "达到合格线", width=75,
               value=lambda r: ("是" if r["passed"] else "否") if r["has_data"] else NO_DATA,
               order=lambda r: (1.0 if r["passed"] else 0.0) if r["has_data"] else -1.0,
               tone=lambda r: "none" if not r["has_data"] else "pass" if r["passed"] else "fail"),
        Column("veto", "必备项", width=200, tone=lambda r: "none" if not r["has_data"]
               else "fail" if r["vetoes"] else "pass"),
        Column("previous_total", "上年得分", "int", width=65,
               value=_or_no_data("previous_total", "previous_has_data"),
               order=_sorted_after_figures("previous_total", "previous_has_data")),
        Column("change", "比上年", "int", width=60,
               value=lambda r: "—" if r["change"] is None else r["change"],
               order=_sorted_after_figures("change")),
        Column("profile", "目标方案", width=140),
        Column("file", "文件", width=200),
    ]


def matrix_columns(r: Rollup) -> list[Column]:
    """County, score, then one column per item with its points, coloured by met; each item's
    header gives its 条目 (★ for 必备) over its first words, the tooltip its whole text."""
    out = [Column("county", "县（区）", width=90),
           Column("total", "得分", "int", width=55, value=_or_no_data("total"),
                  order=_sorted_after_figures("total"))]
    for col in r.columns:
        out.append(Column(
            col.id, col.label, "int", width=_header_width(col),
            tip=f"{col.code} {col.text}（{f'满分 {col.max:g}' if col.scored else '只统计，不计分'}）",
            value=lambda row, k=col.id: row["cells"][k].points
            if row["has_data"] and k in row["cells"] else None,
            tone=lambda row, k=col.id: _met_tone(row["cells"][k].met)
            if row["has_data"] and k in row["cells"] else "none"))
    return out


def _header_width(col: Any) -> int:
    """Room for the item's words on the header's second line (about 13 px a character), until
    the view sizes the column to them."""
    return max(48, 13 * len(col.name) + 12)


def skipped_columns() -> list[Column]:
    return [Column("file", "文件", width=220), Column("kind", "类别", width=130),
            Column("reason", "原因", width=600)]


def county_records(r: Rollup) -> list[dict[str, Any]]:
    codes = {c.id: c.code for c in r.columns}
    rows = []
    for c in r.counties:
        vetoes = [codes.get(i) or i for i in c.veto_failures]  # the standard's 条目, as printed
        veto = ("未达到：" + "、".join(vetoes) if vetoes else "均达到") if c.has_data else NO_DATA
        rows.append({"id": str(c.path), "path": c.path, "county": c.shown, "total": c.total,
                     "max": c.max, "pass_mark": c.pass_mark, "passed": c.passed,
                     "has_data": c.has_data, "previous_has_data": c.previous_has_data,
                     "vetoes": vetoes, "veto": veto,
                     "previous_total": c.previous_total, "change": c.change, "profile": c.profile,
                     "file": c.file, "cells": c.cells, "status": c.status_line(r.columns)})
    return rows


def _cell_tip(r: Rollup, item_id: str) -> Callable[[dict], str]:
    col = next(c for c in r.columns if c.id == item_id)

    def tip(row: dict) -> str:
        cell = row["cells"].get(item_id)
        if not row["has_data"]:
            return f"{row['county']}：{row['status']}"
        if cell is None:
            return ""
        value = f"数值 {format_value(col.kind, cell.value)}；" if col.kind else ""
        last = "无" if cell.previous_points is None else f"{cell.previous_points:g}"
        return (f"{row['county']} · {col.code} {col.text}\n{value}{cell.state}，得 "
                f"{'—' if cell.points is None else format(cell.points, 'g')}/{col.max:g} 分"
                f"（上年 {last}）\n{cell.reason}")
    return tip


def _bar_label(s: ItemShare) -> str:
    text = s.column.text if len(s.column.text) <= 16 else s.column.text[:15] + "…"
    return f"{s.column.code}{'★' if s.column.veto else ''} {text}"


class ShareChart(QWidget):
    """Items by the share of counties that pass them, weakest at the top; ★ marks 必备."""

    ROW = 18
    LABEL = 300  # the item's 条目 and the start of its wording
    RIGHT = 130  # room for “100%（12/12 县）” after the longest bar

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bars: list[tuple[str, float, str]] = []  # label, share, text

    def set_shares(self, shares: list[ItemShare]) -> None:
        # Items that only count (只统计，不计分) have no share of counties passing: no bar.
        judged = sorted((s for s in shares if s.judged), key=lambda s: s.passed / s.judged)
        self.bars = [(_bar_label(s), s.passed / s.judged, s.share_text) for s in judged]
        self.setMinimumHeight(self.ROW * len(self.bars) + 30)
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return QSize(600, self.ROW * len(self.bars) + 30)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt name)
        painter = QPainter(self)
        width = max(self.width() - self.LABEL - self.RIGHT, 50)
        for i, (label, share, text) in enumerate(self.bars):
            y = 10 + i * self.ROW
            painter.setPen(QColor("#222222"))
            painter.drawText(4, y, self.LABEL - 8, self.ROW, Qt.AlignmentFlag.AlignRight |
                             Qt.AlignmentFlag.AlignVCenter, label)
            colour = QColor("#4F6D8F") if share >= 1 else QColor("#C0504D")
            painter.fillRect(self.LABEL, y + 3, max(int(width * share), 2), self.ROW - 6, colour)
            painter.drawText(self.LABEL + int(width * share) + 6, y, self.RIGHT, self.ROW,
                             Qt.AlignmentFlag.AlignVCenter, f"{share * 100:.0f}%（{text}）")
        painter.end()


def _table(model: RecordModel, open_row: Callable[[dict], None] | None) -> QTableView:
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    view = QTableView()
    view.setModel(proxy)
    view.setSortingEnabled(True)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    if open_row is not None:
        view.doubleClicked.connect(lambda index: open_row(index.data(ROW_ROLE)))
    return view


def _widths(view: QTableView, columns: list[Column]) -> None:
    for i, col in enumerate(columns):
        if col.width:
            view.setColumnWidth(i, col.width)


class RollupWindow(QMainWindow):
    """The summary of one folder for one year; another year re-reads the folder."""

    def __init__(self, folder: Path, year: int, open_county: OpenCounty,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.folder, self.open_county = Path(folder), open_county
        self.result: Rollup | None = None
        self.setWindowTitle(f"多县汇总（只读） — {self.folder}")
        self.resize(1200, 760)
        self._build_toolbar(year)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setObjectName("summary")
        self.counties = TipModel(county_columns(), {"county": lambda r: r["status"],
                                                     "veto": lambda r: r["status"]})
        self.county_view = _table(self.counties, self._open_row)
        self.matrix = TipModel([], {})
        self.matrix_view = _table(self.matrix, self._open_row)
        self.chart = ShareChart()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.chart)
        self.skipped = TipModel(skipped_columns(), {"reason": lambda r: r["reason"]})
        self.skipped_view = _table(self.skipped, None)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.county_view, "各县得分")
        self.tabs.addTab(self.matrix_view, "逐项得分")
        self.tabs.addTab(scroll, "各项达标县数")
        self.tabs.addTab(self.skipped_view, "跳过的文件")
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs)
        self.setCentralWidget(body)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("progress")
        self.status_text = QLabel(self)
        self.statusBar().addWidget(self.status_text, 1)
        self.statusBar().addPermanentWidget(self.progress)
        _widths(self.county_view, self.counties.columns)
        _widths(self.skipped_view, self.skipped.columns)

    def _build_toolbar(self, year: int) -> None:
        bar = QToolBar("年度", self)
        bar.setMovable(False)
        bar.addWidget(QLabel(" 年度："))
        self.year_box = QComboBox(self)
        self.year_box.setObjectName("year")
        last = max(_dt.date.today().year, year)
        for y in range(last, 2019, -1):
            self.year_box.addItem(f"{y}年度", y)
        self.year_box.setCurrentIndex(self.year_box.findData(year))
        self.year_box.currentIndexChanged.connect(lambda _i: self.start())
        bar.addWidget(self.year_box)
        bar.addSeparator()
        note = QLabel(" 只读：本窗口只读取各县文件，不作任何修改；双击一个县打开它的数据文件。 ")
        note.setStyleSheet("color: #555555;")
        bar.addWidget(note)
        self.addToolBar(bar)

    @property
    def year(self) -> int:
        return int(self.year_box.currentData())

    # ---- reading, off the UI thread ----------------------------------------------------------

    def start(self) -> None:
        """Read the folder for the chosen year on a worker thread, with progress shown here."""
        folder, year = self.folder, self.year
        self.year_box.setEnabled(False)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.status_text.setText(f"正在读取“{folder}”……")

        def work(progress: worker.Progress) -> Rollup:
            return rollup(folder, year, progress=progress)

        thread, job = worker.start(self, work)
        job.progress.connect(self._progress)
        job.done.connect(self._loaded)
        job.failed.connect(self._failed)
        self.job_thread, self.job = thread, job  # both must outlive this method
        thread.start()

    def _progress(self, done: int, total: int, message: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.status_text.setText(message)

    def _failed(self, message: str) -> None:
        self.year_box.setEnabled(True)
        self.progress.hide()  # nothing is being read any more
        self.status_text.setText(message)
        self.summary.setText(message)

    def _loaded(self, result: Rollup) -> None:
        self.result = result
        self.year_box.setEnabled(True)
        self.progress.hide()  # done: the status line says what was read, not a full bar
        self.status_text.setText(f"已汇总 {len(result.counties)} 个县，跳过 "
                                 f"{len(result.skipped)} 个文件")
        self.summary.setText(result.summary_text())
        records = county_records(result)
        self.counties.set_rows(records)
        self.matrix.beginResetModel()
        self.matrix.columns = matrix_columns(result)
        self.matrix.tips = {c.id: _cell_tip(result, c.id) for c in result.columns}
        self.matrix.rows = records
        self.matrix.endResetModel()
        _widths(self.matrix_view, self.matrix.columns)
        # The county (with its file's name where two share one) and each item's words in full.
        for view in (self.county_view, self.matrix_view):
            view.resizeColumnToContents(0)
        for i in range(2, len(self.matrix.columns)):
            self.matrix_view.resizeColumnToContents(i)
        self.chart.set_shares(result.shares())
        self.skipped.set_rows([{"id": s.file, "file": s.file, "kind": s.kind,
                                "reason": s.reason} for s in result.skipped])
        self.county_view.sortByColumn(1, Qt.SortOrder.DescendingOrder)

    def _open_row(self, row: dict | None) -> None:
        if row is not None:
            self.open_county(row["path"])

    def row_at(self, view: QTableView, row: int) -> dict:
        """The record shown at `row` of a view, after sorting (for tests and double-clicks)."""
        return view.model().index(row, 0, QModelIndex()).data(ROW_ROLE)
