"""合并其他文件 (preview, then each conflict decided side by side) and 恢复备份."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox,
                               QHeaderView, QLabel, QPlainTextEdit, QTableView, QVBoxLayout,
                               QWidget)

from db.backups import Backup
from db.exchange import MergePlan
from db.fields import TABLE_LABELS
from desktop.models import Column, RecordModel

CHOICES = {"mine": "保留本文件的", "theirs": "采用对方的"}


class MergeDialog(QDialog):
    """What a merge will do; a conflict is shown field by field, both sides, to be decided."""

    def __init__(self, plan: MergePlan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan = plan
        self.setWindowTitle(f"合并“{plan.other.name}”")
        self.resize(860, 620)
        head = QLabel(f"<b>将要合并：</b>{plan.summary()}。"
                      + ("<br>下列记录两边都改过，请逐条决定保留哪一边。" if plan.conflicts else ""))
        head.setWordWrap(True)
        preview = QPlainTextEdit()
        preview.setReadOnly(True)
        preview.setPlainText("\n".join(line for line in plan.lines()
                                       if not line.lstrip().startswith("冲突")))
        self.choices: list[QComboBox] = []
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(preview, 1)
        for conflict in plan.conflicts:
            box = QLabel(f"<b>{TABLE_LABELS[conflict.table]}：{conflict.label}</b>")
            model = RecordModel([Column("field", "项目", width=200),
                                 Column("mine", "本文件", width=220),
                                 Column("theirs", "对方文件", width=220)], parent=self)
            model.set_rows([{"id": key, "field": lab, "mine": _shown(a), "theirs": _shown(b)}
                            for key, lab, a, b in conflict.fields])
            view = QTableView()
            view.setModel(model)
            view.setMaximumHeight(30 + 26 * len(conflict.fields))
            view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
            view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            choice = QComboBox()
            choice.addItem("（请选择）", None)
            for key, words in CHOICES.items():
                choice.addItem(words, key)
            choice.currentIndexChanged.connect(self._decided)
            self.choices.append(choice)
            layout.addWidget(box)
            layout.addWidget(view)
            layout.addWidget(choice)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.addButton("合并", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._decided()

    def _decided(self) -> None:
        for conflict, choice in zip(self.plan.conflicts, self.choices):
            conflict.choice = choice.currentData()
        self.ok.setEnabled(not self.plan.unresolved)


def _shown(value: Any) -> str:
    return "（空）" if value is None or value == "" else str(value)


class BackupsDialog(QDialog):
    """恢复备份: the backups of the open file, newest first, with what happened next."""

    def __init__(self, found: list[Backup], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("恢复备份")
        self.resize(640, 420)
        self.found = found
        self.model = RecordModel([Column("taken", "备份时间", width=180),
                                  Column("reason", "备份原因", width=150),
                                  Column("size", "大小", width=100)], parent=self)
        self.model.set_rows([
            {"id": str(b.path), "taken": b.taken.strftime("%Y-%m-%d %H:%M:%S"),
             "reason": b.reason, "size": f"{b.path.stat().st_size / 1e6:.1f} MB"}
            for b in found])
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        note = QLabel("恢复前，程序会先把当前文件再备份一次，恢复后也可以撤回。"
                      if found else "这个文件还没有备份。")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.restore = buttons.addButton("恢复所选备份", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def chosen(self) -> Backup | None:
        index = self.view.currentIndex()
        return self.found[index.row()] if index.isValid() else None
