"""任务与佐证: the creation plan's tasks with their units, deadlines and evidence, and the
phases on a timeline with today marked."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout,
                               QLineEdit, QPlainTextEdit, QPushButton, QVBoxLayout,
                               QWidget)

from db.county import CountyFile
from db.errors import KnownError
from db.fields import as_date
from db.vocab import TASK_STATUSES, number_key, pinyin_key
from desktop import dialogs
from desktop.context import Context
from desktop.datefield import DateField
from desktop.delegates import FieldDelegate
from desktop.frozen import FramedView
from desktop.evidence import PICKER_FILTER, attach_files, show_evidence
from desktop.forms import finish_form
from desktop.models import Column, RecordModel
from desktop.tabs.base import TableTab
from desktop.undo import EXISTS, added, removed
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
        # Only phases whose dates are dates (a file from elsewhere can hold 2024-02-30): the
        # bars are drawn on every paint, where a failure would repeat for ever.
        self.phases = [p for p in phases
                       if as_date(p.get("start_date")) and as_date(p.get("end_date"))]
        self.setVisible(bool(self.phases))
        self.set_tooltip()
        self.update()

    def span(self) -> tuple[_dt.date, _dt.date]:
        first = min(_dt.date.fromisoformat(p["start_date"]) for p in self.phases)
        last = max(_dt.date.fromisoformat(p["end_date"]) for p in self.phases)
        now = today()
        return min(first, now), max(last, now)

    def bars(self) -> list[tuple[dict[str, Any], QRectF]]:
        """Each phase's bar, along the calendar from the first phase (or today) to the last."""
        first, last = self.span()
        days = max(1, (last - first).days)
        width = self.width() - 20

        def x(day: _dt.date) -> float:
            return 10 + width * (day - first).days / days

        out = []
        for p in self.phases:
            a = x(_dt.date.fromisoformat(p["start_date"]))
            b = x(_dt.date.fromisoformat(p["end_date"]))
            out.append((p, QRectF(a, 8, max(2.0, b - a), 26)))
        return out

    def today_x(self) -> float:
        first, last = self.span()
        return 10 + (self.width() - 20) * (today() - first).days / max(1, (last - first).days)

    def labels(self) -> list[tuple[str, QRectF]]:
        """Every text the timeline writes and where: a phase's name inside its bar (shortened
        with … when the bar is narrow, left out when not even that fits), its start month under
        it, and 今天 by the red line; none overlapping another (a month that would is left
        out; the tooltip has every phase whole)."""
        metrics = self.fontMetrics()
        out: list[tuple[str, QRectF]] = []
        for p, rect in self.bars():
            name = metrics.elidedText(p["name"], Qt.TextElideMode.ElideRight,
                                      int(rect.width()) - 6)
            if name and name != "…":
                out.append((name, QRectF(rect.center().x() - metrics.horizontalAdvance(name) / 2,
                                         rect.top(), metrics.horizontalAdvance(name) + 1,
                                         rect.height())))
        now = self.today_x()
        said = f"今天 {today():%Y-%m-%d}"
        wide = metrics.horizontalAdvance(said) + 2
        # Near the right edge: on the left of the line.
        left = now - 3 - wide if now + 3 + wide > self.width() else now + 3
        taken = [QRectF(left, 40, wide, 18)]
        months: list[tuple[str, QRectF]] = []
        for p, rect in self.bars():
            month = p["start_date"][:7]
            spot = QRectF(rect.left(), 40, metrics.horizontalAdvance(month) + 2, 18)
            if not any(spot.adjusted(-4, 0, 4, 0).intersects(t) for t in taken):
                months.append((month, spot))
                taken.append(spot)
        return out + months + [(said, QRectF(left, 40, wide, 18))]

    def set_tooltip(self) -> None:
        self.setToolTip("\n".join(f"{p['name']}：{p['start_date']} 至 {p['end_date']}"
                                   for p in self.phases))

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt name)
        if not self.phases:
            return
        painter = QPainter(self)
        colours = ["#9ecae1", "#a1d99b", "#fdd0a2", "#dadaeb", "#c7e9c0"]
        for i, (_p, rect) in enumerate(self.bars()):
            painter.fillRect(rect, QColor(colours[i % len(colours)]))
            painter.setPen(QColor("#333333"))
            painter.drawRect(rect)
        painter.setPen(QColor("#333333"))
        labels = self.labels()
        for text, rect in labels[:-1]:
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        now = self.today_x()
        painter.setPen(QPen(QColor("#c00000"), 2))
        painter.drawLine(int(now), 2, int(now), 56)
        text, rect = labels[-1]
        painter.drawText(rect, Qt.AlignmentFlag.AlignLeft, text)
        painter.end()


class TaskDialog(QDialog):
    def __init__(self, phases: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("新增任务")
        self.category = QLineEdit()
        self.number = QLineEdit()
        self.text = QPlainTextEdit()
        self.text.setMaximumHeight(90)
        self.text.setTabChangesFocus(True)  # Tab goes on to 牵头单位, as in every other field
        self.lead = QLineEdit()
        self.assist = QLineEdit()
        self.phase = QComboBox()
        self.phase.setEditable(True)
        self.phase.addItems(["", *phases])
        # As the table has them, so a task is entered whole in one go.
        self.deadline = DateField("完成时限")  # parented by the form: the cursor starts at 任务类别
        self.status = QComboBox()
        self.status.addItems(list(TASK_STATUSES))
        form = QFormLayout()
        form.addRow("任务类别(&C)：", self.category)
        form.addRow("序号(&N)：", self.number)
        form.addRow("任务内容(&T)：", self.text)
        form.addRow("牵头单位(&L)：", self.lead)
        form.addRow("配合单位（用顿号分隔）(&A)：", self.assist)
        form.addRow("阶段(&P)：", self.phase)
        form.addRow("完成时限(&D)：", self.deadline)
        form.addRow("状态(&S)：", self.status)
        finish_form(self, form)

    def values(self) -> dict[str, Any]:
        return {"category": self.category.text().strip() or None,
                "number": self.number.text().strip() or None,
                "text": self.text.toPlainText().strip(),
                "lead_unit": self.lead.text().strip() or None,
                "assist_units": self.assist.text().strip() or None,
                "phase": self.phase.currentText().strip() or None,
                "deadline": self.deadline.value(),  # ValidationError: said in the dialog
                "status": self.status.currentText()}


class PhasesDialog(QDialog):
    """编辑阶段: each phase's name and dates, saved as they are typed."""

    def __init__(self, county: CountyFile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.county = county
        self.edited = False  # whether anything was written (it cannot be undone)
        self.setWindowTitle("创建阶段")
        self.resize(620, 320)
        self.model = RecordModel([Column("name", "阶段", editable=True, width=200),
                                  Column("start_date", "开始", "date", True, width=120),
                                  Column("end_date", "结束", "date", True, width=120)],
                                 writer=self._write, parent=self)
        self.view = FramedView()
        self.view.setModel(self.model)
        self.view.setItemDelegate(FieldDelegate(self.view))
        for i, col in enumerate(self.model.columns):
            self.view.setColumnWidth(i, col.width)
        add, remove = QPushButton("新增阶段(&N)"), QPushButton("删除所选阶段(&D)")
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
        self.edited = True
        self.message.clear()
        return None

    def add(self) -> None:
        n = self.county.count("phase") + 1
        self.county.insert("phase", {"name": f"第{n}阶段", "ord": n})
        self.edited = True
        self.reload()

    def remove(self) -> None:
        index = self.view.currentIndex()
        if index.isValid():
            self.county.delete("phase", self.model.rows[index.row()]["id"])
            self.edited = True
            self.reload()


class TasksTab(TableTab):
    table = "task"  # the records it shows (merge dialogs name fields in its words)
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
        self.unit_filter = self.add_filter("unit", "单位", "U")
        self.unit_filter.currentIndexChanged.disconnect()
        self.unit_filter.currentIndexChanged.connect(self._unit_changed)
        self.phase_filter = self.add_filter("phase", "阶段", "J")
        self.status_filter = self.add_filter("status", "状态", "T")
        self.fill_filter(self.status_filter, [(s, s) for s in TASK_STATUSES])
        self.timeline = Timeline(self)
        self.layout_.insertWidget(0, self.timeline)
        actions = (
            (("新增任务…", "N", self.add), ("删除", "D", self.delete),
             ("添加佐证…", "A", self.attach), ("佐证材料…", "M", self.evidence),
             ("编辑阶段…", "P", self.edit_phases)),
            (("从模板导入…", "B", self.from_template), ("从文件导入…", "I", self.from_file),
             ("粘贴导入…", "V", self.from_text), ("导出佐证材料…", "O", self.export)),
        )
        for at, group in enumerate(actions, start=2):
            bar = QHBoxLayout()
            for label, letter, slot in group:
                self.add_button(label, letter, slot, layout=bar)
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
        if EXISTS in values:  # undo / redo of 新增 or 删除
            self.store_exists("task", row, values[EXISTS])
            return
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
        new: list[dict[str, Any]] = []

        def save() -> None:
            values = dialog.values()
            new.append({**values, "id": county.insert("task", values)})
        if self.save_from(dialog, save, lambda: f"新增任务“{_short(new[-1]['text'])}”",
                          undo=lambda: [added(new[-1])]):
            self.select_record(new[-1]["id"])

    def delete(self) -> None:
        row = self.selected_row()
        if row is None or self.ctx is None:
            return
        if dialogs.confirm(self, "删除任务", f"确定删除任务“{row['text'][:30]}”吗？"):
            county = self.ctx.county
            self.save(lambda: county.delete("task", row["id"]), f"删除任务“{_short(row['text'])}”",
                      undo=lambda: [removed(row)])

    def attach(self) -> None:
        row = self.selected_row()
        if row is None or self.ctx is None:
            self.refuse("请先选中一项任务，再添加佐证。")
            return
        files = dialogs.open_file_names(self, "选择佐证材料", PICKER_FILTER)
        if files:
            county = self.ctx.county
            self.save(lambda: attach_files(county, [Path(f) for f in files], owner_table="task",
                                           owner_id=row["id"]), "添加佐证材料")
            self.select_record(row["id"])  # the reload after saving must not lose the row

    def evidence(self) -> None:
        """佐证材料: list, open, rename, remove and add the selected task's files."""
        row = self.selected_row()
        if row is None or self.ctx is None:
            self.refuse("请先选中一项任务，再查看佐证材料。")
            return
        if show_evidence(self.ctx.county, f"任务 {row['number'] or ''} {row['text'][:30]}".strip(),
                         {"owner_table": "task", "owner_id": row["id"]}, self):
            self.not_undoable("修改佐证材料")
            self.changed.emit()
            self.select_record(row["id"])

    def edit_phases(self) -> None:
        if self.ctx is None:
            return
        dialog = PhasesDialog(self.ctx.county, self)
        dialogs.exec_dialog(dialog)
        if dialog.edited:
            self.not_undoable("编辑阶段")
        self.changed.emit()

    def from_template(self) -> None:
        if self.ctx is None:
            return
        by_words = {words: key for key, words in plan.TEMPLATES.items()}
        choice = dialogs.ask_item(self, "从模板导入任务", "任务模板：", list(by_words))
        if choice:
            key = by_words[choice]
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
        if self.save(lambda: outcome.append(plan.import_tasks(county, found)), "导入任务"):
            o = outcome[0]
            dialogs.info(self, "导入任务", f"新增任务 {o.added} 项，阶段 {o.phases_added} 个；"
                         f"已有的 {o.skipped} 项未改动。")

    def export(self) -> None:
        """The binder of the year the window shows: what that year's report lists."""
        if self.ctx is None:
            return
        county, year = self.ctx.county, self.ctx.year
        name = dialogs.save_file_name(self, f"导出 {year} 年度的佐证材料（文件夹名，或以 .zip 结尾）",
                                      f"{county.county_name}佐证材料（{year}年）", "所有文件 (*)")
        if not name:
            return
        dest = Path(name)
        try:
            out = export_evidence(county, dest, year=year, as_zip=dest.suffix.lower() == ".zip")
        except KnownError as exc:
            self.refuse(str(exc))
            return
        dialogs.info(self, "导出佐证材料", f"已导出 {year} 年度的佐证材料到：\n{out}\n"
                     "按评分条目分文件夹存放，目录见其中的“佐证材料目录.csv”。")


def _short(text: str) -> str:
    """A task as 撤销 names it: its first words."""
    return text if len(text) <= 20 else text[:19] + "…"


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
