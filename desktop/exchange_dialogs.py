"""合并其他文件, 另存副本, 写出乡镇填报文件 and 恢复备份: the dialogs, and the actions behind the
menus that use them (each taking the main window as a `Host`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox,
                               QHeaderView, QLabel, QPlainTextEdit, QTableView, QVBoxLayout,
                               QWidget)

from db import backups, exchange, restore
from db.backups import Backup
from db.errors import KnownError
from db.exchange import MergePlan
from db.fields import TABLE_LABELS
from desktop import dialogs
from desktop.file_actions import FILE_FILTER
from desktop.host import Host
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


# ---- the actions behind the menus ------------------------------------------------------------

def save_copy(window: Host) -> None:
    if window.county is None:
        return
    name = dialogs.save_file_name(window, "另存副本", f"{window.county.county_name}-副本.tcmcounty",
                                  FILE_FILTER)
    if not name:
        return
    try:
        dest = exchange.snapshot(window.county, Path(name))
    except KnownError as exc:
        dialogs.error(window, "未能保存副本", str(exc))
        return
    dialogs.info(window, "另存副本", f"副本已写入并校验：\n{dest}")


def merge_file(window: Host) -> None:
    if window.county is None:
        return
    name = dialogs.open_file_name(window, "选择要合并进来的文件", FILE_FILTER)
    if not name:
        return
    try:
        plan = exchange.plan_merge(window.county, Path(name))
    except KnownError as exc:
        dialogs.error(window, "不能合并", str(exc))
        return
    if not dialogs.exec_dialog(MergeDialog(plan, window)):
        return
    if plan.mass_deletion and not dialogs.confirm(
            window, "确认删除", f"{plan.mass_deletion}确定要删除这些记录吗？\n"
            "（删除前会先备份本文件；可在预览中核对是哪些记录。）"):
        return
    try:
        exchange.apply_merge(window.county, plan, confirmed=True)
    except KnownError as exc:
        dialogs.error(window, "合并未完成", f"{exc}\n本文件未作任何改动。")
        return
    window.reload_years()
    window.statusBar().showMessage(f"已合并“{Path(name).name}”：{plan.summary()}", 8000)


def township_file(window: Host) -> None:
    county = window.county
    if county is None:
        return
    towns = sorted({r["township"] for r in county.rows("institution") if r["township"]})
    town = dialogs.ask_item(window, "写出乡镇填报文件", "乡镇（街道）：", towns)
    if not town:
        return
    name = dialogs.save_file_name(window, "保存乡镇填报文件",
                                  f"{county.county_name}-{town}.tcmcounty", FILE_FILTER)
    if not name:
        return
    try:
        exchange.write_township_file(county, town, Path(name))
    except KnownError as exc:
        dialogs.error(window, "未能写出", str(exc))
        return
    dialogs.info(window, "乡镇填报文件", f"已写出“{town}”的填报文件：\n{name}\n"
                 "乡镇填好后，用“合并其他文件”把它合并回来。")


def restore_backup(window: Host) -> None:
    if window.county is None:
        return
    path = window.county.path
    dialog = BackupsDialog(backups.list_backups(path.stem), window)
    if not dialogs.exec_dialog(dialog) or dialog.chosen() is None:
        return
    chosen = dialog.chosen()
    assert chosen is not None
    if not dialogs.confirm(window, "恢复备份", f"用 {chosen.taken:%Y-%m-%d %H:%M} 的备份"
                           f"（{chosen.reason}）替换当前文件吗？\n当前内容会先另行备份。"):
        return
    window.close_county()
    try:
        restore.restore_backup(path, chosen.path)
    except KnownError as exc:
        dialogs.error(window, "未能恢复", str(exc))
    window.open_path(path)


def offer_restore(window: Host, path: Path, message: str) -> bool:
    """A damaged file: offer this computer's backups of it (only then; a file that is merely
    in use never gets here). The damaged bytes are kept aside, not thrown away."""
    found = backups.list_backups(path.stem)
    if not found:
        dialogs.error(window, "无法打开文件", f"{message}本机没有这个文件的备份，请找U盘或其他电脑上的副本。")
        return False
    if not dialogs.confirm(window, "文件已损坏", f"{message}\n\n本机有这个文件的 {len(found)} 个备份。"
                           "要选一个恢复吗？损坏的文件会另存到备份文件夹，不会丢弃。"):
        return False
    dialog = BackupsDialog(found, window)
    if not dialogs.exec_dialog(dialog) or dialog.chosen() is None:
        return False
    chosen = dialog.chosen()
    assert chosen is not None
    try:
        restore.restore_backup(path, chosen.path)
    except KnownError as exc:
        dialogs.error(window, "未能恢复", str(exc))
        return False
    return window.open_path(path)
