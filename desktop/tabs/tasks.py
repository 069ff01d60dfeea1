"""任务与佐证: the creation plan's tasks with their units, deadlines and evidence, and the
phases on a timeline with today marked."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout,
                               QLineEdit, QPlainTextEdit, QPushButton, QTableView, QVBoxLayout,
                               QWidget)

from db.county import CountyFile
from db.errors import KnownError
from db.vocab import TASK_STATUSES, number_key, pinyin_key
from desktop import dialogs
from desktop.context import Context
from desktop.delegates import FieldDelegate
from desktop.evidence import attach_files, show_evidence
from desktop.forms import finish_form
from desktop.models import Column, RecordModel
from desktop.tabs.base import TableTab
from reports.plan import tasks as plan
from reports.plan.evidence import export_evidence

_STATUS = {s: s for s in TASK_STATUSES}


def today() -> _dt.date:
    return _dt.date.today()


class Timeline(QWidget):
    """The phases as bars along the calendar, with a red line at today."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.phases: list[dict[str, Any]] = []
        self.setMinimumHeight(64)

    def set_phases(self, phases: list[dict[str, Any]]) -> None:
        self.phases = [p for p in phases if p.get("start_date") and p.get("end_date")]
        self.setVisible(bool(self.phases))
        self.update()

    def span(self) -> tuple[_dt.date, _dt.date]:
        first = min(_dt.date.fromisoformat(p["start_date"]) for p in self.phases)
        last = max(_dt.date.fromisoformat(p["end_date"]) for p in self.phases)
        now = today()
        return min(first, now), max(last, now)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt name)
        if not self.phases:
            return
        painter = QPainter(self)
        first, last = self.span()
        days = max(1, (last - first).days)
        width = self.width() - 20

        def x(day: _dt.date) -> float:
            return 10 + width * (day - first).days / days

        colours = ["#9ecae1", "#a1d99b", "#fdd0a2", "#dadaeb", "#c7e9c0"]
        for i, p in enumerate(self.phases):
            a = x(_dt.date.fromisoformat(p["start_date"]))
            b = x(_dt.date.fromisoformat(p["end_date"]))
            rect = QRectF(a, 8, max(2.0, b - a), 26)
            painter.fillRect(rect, QColor(colours[i % len(colours)]))
            painter.setPen(QColor("#333333"))
            painter.drawRect(rect)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, p["name"])
            painter.drawText(QRectF(a, 38, 120, 18), Qt.AlignmentFlag.AlignLeft,
                             p["start_date"][:7])
        now = x(today())
        painter.setPen(QPen(QColor("#c00000"), 2))
        painter.drawLine(int(now), 2, int(now), 56)
        label = f"今天 {today():%Y-%m-%d}"
        if now + 110 > self.width():  # near the right edge: write it on the left of the line
            painter.drawText(QRectF(now - 113, 40, 110, 18), Qt.AlignmentFlag.AlignRight, label)
        else:
            painter.drawText(QRectF(now + 3, 40, 110, 18), Qt.AlignmentFlag.AlignLeft, label)
        painter.end()


class TaskDialog(QDialog):
    def __init__(self, phases: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("新增任务")
        self.category = QLineEdit()
        self.number = QLineEdit()
        self.text = QPlainTextEdit()
        self.text.setMaximumHeight(90)
        self.lead = QLineEdit()
        self.assist = QLineEdit()
        self.phase = QComboBox()
        self.phase.setEditable(True)
        self.phase.addItems(["", *phases])
        form = QFormLayout()
        form.addRow("任务类别", self.category)
        form.addRow("序号", self.number)
        form.addRow("任务内容", self.text)
        form.addRow("牵头单位", self.lead)
        form.addRow("配合单位（用顿号分隔）", self.assist)
        form.addRow("阶段", self.phase)
        finish_form(self, form)

    def values(self) -> dict[str, Any]:
        return {"category": self.category.text().strip() or None,
                "number": self.number.text().strip() or None,
                "text": self.text.toPlainText().strip(),
                "lead_unit": self.lead.text().strip() or None,
                "assist_units": self.assist.text().strip() or None,
                "phase": self.phase.currentText().strip() or None}


class PhasesDialog(QDialog):
    """编辑阶段: each phase's name and dates, saved as they are typed."""

    def __init__(self, county: CountyFile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.county = county
        self.setWindowTitle("创建阶段")
        self.resize(620, 320)
        self.model = RecordModel([Column("name", "阶段", editable=True, width=200),
                                  Column("start_date", "开始", "date", True, width=120),
                                  Column("end_date", "结束", "date", True, width=120)],
                                 writer=self._write, parent=self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setItemDelegate(FieldDelegate(self.view))
        for i, col in enumerate(self.model.columns):
            self.view.setColumnWidth(i, col.width)
        add, remove = QPushButton("新增阶段"), QPushButton("删除所选阶段")
        add.clicked.connect(self.add)
        remove.clicked.connect(self.remove)
        self.message = dialogs.error_label(self)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.reload()

    def reload(self) -> None:
        self.model.set_rows(self.county.rows("phase", order="ord, start_date, name"))

    def _write(self, row: dict[str, Any], col: Column, value: Any) -> str | None:
        try:
            self.county.update("phase", row["id"], {col.key: value or None})
        except KnownError as exc:
            self.message.setText(str(exc))
            return str(exc)
        self.message.clear()
        return None

    def add(self) -> None:
        n = self.county.count("phase") + 1
        self.county.insert("phase", {"name": f"第{n}阶段", "ord": n})
        self.reload()

    def remove(self) -> None:
        index = self.view.currentIndex()
        if index.isValid():
            self.county.delete("phase", self.model.rows[index.row()]["id"])
            self.reload()


class TasksTab(TableTab):
    reload_on_change = True

    def __init__(self) -> None:
        super().__init__([
            Column("category", "类别", width=120),
            Column("number", "序号", width=45, order=lambda r: number_key(r.get("number"))),
            Column("text", "任务内容", width=330),
            Column("lead_unit", "牵头单位", editable=True, width=130),
            Column("assist_units", "配合单位", editable=True, width=150),
            Column("deadline", "完成时限", "date", True, width=90, tone=_overdue_tone),
            Column("phase", "阶段", editable=True, width=100),
            Column("status", "状态", "choice", True, _STATUS, width=70, tone=_overdue_tone),
            Column("note", "进展备注", editable=True, width=150),
            Column("evidence", "佐证", "int", width=45),
        ])
        self.search.setPlaceholderText("按任务内容搜索…")
        self.unit_filter = self.add_filter("unit", "单位")
        self.unit_filter.currentIndexChanged.disconnect()
        self.unit_filter.currentIndexChanged.connect(self._unit_changed)
        self.phase_filter = self.add_filter("phase", "阶段")
        self.status_filter = self.add_filter("status", "状态")
        self.fill_filter(self.status_filter, [(s, s) for s in TASK_STATUSES])
        self.timeline = Timeline(self)
        self.layout_.insertWidget(0, self.timeline)
        actions = (
            (("新增任务…", self.add), ("删除", self.delete), ("添加佐证…", self.attach),
             ("佐证材料…", self.evidence), ("编辑阶段…", self.edit_phases)),
            (("从模板导入…", self.from_template), ("从文件导入…", self.from_file),
             ("粘贴导入…", self.from_text), ("导出佐证材料…", self.export)),
        )
        for at, group in enumerate(actions, start=2):
            bar = QHBoxLayout()
            for label, slot in group:
                b = QPushButton(label, self)
                b.setObjectName(f"button_{label.rstrip('…')}")
                b.clicked.connect(slot)
                bar.addWidget(b)
            bar.addStretch(1)
            self.layout_.insertLayout(at, bar)

    def load(self, ctx: Context) -> list[dict[str, Any]]:
        rows = ctx.county.query("""
            SELECT t.*, (SELECT count(*) FROM evidence e WHERE e.owner_table = 'task'
                           AND e.owner_id = t.id AND e.deleted = 0) AS evidence
            FROM task t WHERE t.deleted = 0
            """)
        rows.sort(key=_task_order)
        units = sorted({u for r in rows for u in _units(r)}, key=pinyin_key)
        self.fill_filter(self.unit_filter, [(u, u) for u in units])
        phases = ctx.county.rows("phase", order="ord, start_date, name")
        names = [p["name"] for p in phases] + sorted(
            {r["phase"] for r in rows if r["phase"]} - {p["name"] for p in phases})
        self.fill_filter(self.phase_filter, [(n, n) for n in names])
        self.timeline.set_phases(phases)
        return rows

    def _unit_changed(self) -> None:
        unit = self.unit_filter.currentData()
        self.proxy.set_test("unit", None if unit is None else (lambda r: unit in _units(r)))

    def store(self, row: dict[str, Any], values: dict[str, Any], year: int) -> None:
        assert self.ctx is not None
        self.ctx.county.update("task", row["id"], {
            k: v if k == "status" else (v or None) for k, v in values.items()})

    def mark(self, row: dict[str, Any], col: Column) -> str | None:
        if col.key in ("deadline", "status") and plan.overdue(row, today()):
            return "已逾期：" + ("标记为已延期" if row.get("status") == "已延期"
                              else f"完成时限 {row['deadline']} 已过，尚未完成")
        return None

    # ---- actions ---------------------------------------------------------------------------

    def add(self) -> None:
        if self.ctx is None:
            return
        county = self.ctx.county
        dialog = TaskDialog([p["name"] for p in county.rows("phase", order="ord")], self)
        self.save_from(dialog, lambda: county.insert("task", dialog.values()))

    def delete(self) -> None:
        row = self.selected_row()
        if row is None or self.ctx is None:
            return
        if dialogs.confirm(self, "删除任务", f"确定删除任务“{row['text'][:30]}”吗？"):
            county = self.ctx.county
            self.save(lambda: county.delete("task", row["id"]))

    def attach(self) -> None:
        row = self.selected_row()
        if row is None or self.ctx is None:
            self.refuse("请先选中一项任务，再添加佐证。")
            return
        files = dialogs.open_file_names(self, "选择佐证材料", "所有文件 (*)")
        if files:
            county = self.ctx.county
            self.save(lambda: attach_files(county, [Path(f) for f in files], owner_table="task",
                                           owner_id=row["id"]))
            self.select_record(row["id"])  # the reload after saving must not lose the row

    def evidence(self) -> None:
        """佐证材料: list, open, rename, remove and add the selected task's files."""
        row = self.selected_row()
        if row is None or self.ctx is None:
            self.refuse("请先选中一项任务，再查看佐证材料。")
            return
        if show_evidence(self.ctx.county, f"任务 {row['number'] or ''} {row['text'][:30]}".strip(),
                         {"owner_table": "task", "owner_id": row["id"]}, self):
            self.changed.emit()
            self.select_record(row["id"])

    def edit_phases(self) -> None:
        if self.ctx is None:
            return
        dialogs.exec_dialog(PhasesDialog(self.ctx.county, self))
        self.changed.emit()

    def from_template(self) -> None:
        if self.ctx is None:
            return
        names = [f"{words}（{key}）" for key, words in plan.TEMPLATES.items()]
        choice = dialogs.ask_item(self, "从模板导入任务", "任务模板：", names)
        if choice:
            key = choice[choice.rindex("（") + 1:-1]
            self._import(lambda: plan.load_template(key))

    def from_file(self) -> None:
        name = dialogs.open_file_name(self, "选择任务清单", "Excel 工作簿或文本 (*.xlsx *.txt)")
        if name:
            path = Path(name)
            self._import(lambda: plan.read_task_file(path))  # as `task-import` reads it

    def from_text(self) -> None:
        text = dialogs.ask_long_text(self, "粘贴导入任务",
                                     "把方案中的任务段落或 Word 表格复制到这里：")
        if text:
            self._import(lambda: plan.parse_text(text))

    def _import(self, read: Any) -> None:
        assert self.ctx is not None
        try:
            found = read()
        except (KnownError, OSError, UnicodeDecodeError) as exc:
            self.refuse(f"未能读取任务清单：{exc}")
            return
        county = self.ctx.county
        outcome: list[plan.TaskImport] = []
        if self.save(lambda: outcome.append(plan.import_tasks(county, found))):
            o = outcome[0]
            dialogs.info(self, "导入任务", f"新增任务 {o.added} 项，阶段 {o.phases_added} 个；"
                         f"已有的 {o.skipped} 项未改动。")

    def export(self) -> None:
        if self.ctx is None:
            return
        name = dialogs.save_file_name(self, "导出佐证材料（文件夹名，或以 .zip 结尾）",
                                      f"{self.ctx.county.county_name}佐证材料", "所有文件 (*)")
        if not name:
            return
        dest = Path(name)
        county = self.ctx.county
        try:
            out = export_evidence(county, dest, as_zip=dest.suffix.lower() == ".zip")
        except KnownError as exc:
            self.refuse(str(exc))
            return
        dialogs.info(self, "导出佐证材料", f"已导出到：\n{out}\n目录见其中的“佐证材料目录.csv”。")


def _task_order(row: dict[str, Any]) -> tuple:
    """By 序号 as a number (plans number across their categories), then category and text."""
    return (number_key(row.get("number")), pinyin_key(row.get("category")),
            pinyin_key(row.get("text")))


def _units(row: dict[str, Any]) -> list[str]:
    text = "、".join(x for x in (row.get("lead_unit"), row.get("assist_units")) if x)
    return [u.strip() for u in text.replace("，", "、").split("、") if u.strip()]


def _overdue_tone(row: dict[str, Any]) -> str | None:
    if plan.overdue(row, today()):
        return "fail"
    return "pass" if row.get("status") == "已完成" else None
