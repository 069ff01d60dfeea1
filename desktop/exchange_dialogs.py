"""合并其他文件, 另存副本, 写出乡镇填报文件 and 恢复备份: the dialogs, and the actions behind the
menus that use them (each taking the main window as a `Host`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox,
                               QHBoxLayout, QHeaderView, QLabel, QPlainTextEdit, QPushButton,
                               QSplitter, QStyledItemDelegate, QStyleOptionViewItem, QTableView,
                               QVBoxLayout, QWidget)

from db import backups, exchange, restore
from db.backups import Backup
from db.errors import KnownError
from db.exchange import SIDES, MergePlan, shown_value
from db.fields import TABLE_LABELS
from db.townships import all_townships
from desktop import dialogs
from desktop.file_actions import FILE_FILTER
from desktop.host import Host
from desktop.models import Column, RecordModel
# Registers the parsers of the values a county file keeps as JSON with db.stored, which a merge
# checks what it brings with (the window has them loaded anyway; said here for the merge).
import reports.judge  # noqa: F401,E402

class ConflictTable(QTableView):
    """The conflicts, one row per field; Space gives the selected rows to the other side."""

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt name)
        if event.key() == Qt.Key.Key_Space and self.state() != self.State.EditingState:
            dialog = self.window()
            if isinstance(dialog, MergeDialog):
                dialog.toggle_selected()
                return
        super().keyPressEvent(event)


class SideDelegate(QStyledItemDelegate):
    """The 采用 cell's editor: a drop-down of the two sides (F2, Enter or a double-click)."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,  # noqa: N802
                     index: QModelIndex | QPersistentModelIndex) -> QWidget:
        combo = QComboBox(parent)
        for side, words in SIDES.items():
            combo.addItem(words, side)
        return combo

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex  # noqa: N802
                      ) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))
        editor.showPopup()

    def setModelData(self, editor: QWidget, model: QAbstractItemModel,  # noqa: N802
                     index: QModelIndex | QPersistentModelIndex) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


def nothing_to_merge(plan: MergePlan) -> bool:
    """The other file brings nothing this one lacks (the same file merged again, say)."""
    return not (plan.new or plan.updated or plan.deleted or plan.conflicts or plan.combined)


def tab_labels(window: Any) -> dict[tuple[str, str], str]:
    """(table, field) -> the header the tabs show it under ("其他能提供中医药服务人员"), so
    a conflict speaks of a field in the words the clerk edits it by."""
    labels: dict[tuple[str, str], str] = {}
    # Tabs are built when first shown: those that edit a merged record's fields are built here.
    page_of = getattr(window, "page", None)
    pages = [page_of(key) for key in ("institutions", "halls", "personnel", "county",
                                      "activities", "tasks")] if callable(page_of) \
        else list(getattr(window, "pages", {}).values())
    for page in pages:
        table, model = getattr(page, "table", None), getattr(page, "model", None)
        if table and model is not None:
            for col in model.columns:
                labels.setdefault((table, col.key), col.label)
    return labels


class MergeDialog(QDialog):
    """What a merge will do; conflicts in one table, field by field, each to be decided."""

    def __init__(self, plan: MergePlan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan = plan
        self.setWindowTitle(f"合并“{plan.other.name}”")
        empty = nothing_to_merge(plan)
        head = QLabel("<b>没有需要合并的内容：</b>对方文件中的记录本文件都已有，合并不会改动本文件。"
                      if empty else f"<b>将要合并：</b>{plan.summary()}。"
                      + ("<br>下表中的记录两边都改过：请逐项在“采用”一列选择本文件或对方"
                         "（选中若干行按空格键可在两边之间切换，F2 或双击打开选择）。"
                         if plan.conflicts else "")
                      + ("只有一边改过的项已按修改记录选好改动的一边，“全部采用…”不改动它们。"
                         if any(c.choices for c in plan.conflicts) else ""))
        head.setWordWrap(True)
        preview = QPlainTextEdit()
        preview.setReadOnly(True)
        preview.setPlainText("\n".join(plan.lines(conflicts=False)))
        self.preview = preview
        words = tab_labels(parent)
        self.model = RecordModel([
            # Long names are shortened in the middle, so the year at the end stays in view;
            # the tooltip gives the whole record.
            Column("record", "记录", width=220, whole_tip=True),
            Column("field", "项目", width=140),
            Column("original", "原值", width=90,
                   tip="生成乡镇填报文件时两边相同的值（据双方的修改记录；无从查证时空白）"),
            Column("mine", "本文件", width=130, tone=self._tone("mine")),
            Column("theirs", "对方文件", width=130, tone=self._tone("theirs")),
            Column("side", "采用", "choice", True, {**SIDES, "undecided": "（请选择）"}, width=80,
                   value=lambda r: r["side"] or "undecided",
                   tone=lambda r: None if r["side"] else "fail"),
        ], writer=self._write, parent=self)
        self.model.set_rows([
            {"id": f"{n}/{key}", "conflict": c, "key": key,
             "record": f"{TABLE_LABELS[c.table]}：{c.label}",
             "field": words.get((c.table, key), lab),
             "original": (shown_value(c.table, key, c.original[key]) if key in c.original
                          else ""),
             "mine": shown_value(c.table, key, a), "theirs": shown_value(c.table, key, b),
             "side": c.choices.get(key),
             # chosen by the 修改记录 (only that side changed it): the buttons leave it
             "proven": key in c.choices}
            for n, c in enumerate(plan.conflicts) for key, lab, a, b in c.fields])
        self.table = ConflictTable()
        self.table.setObjectName("conflicts")
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(self.model.column_index("side"), SideDelegate(self))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.SelectedClicked)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        header = self.table.horizontalHeader()
        for i, col in enumerate(self.model.columns):
            header.resizeSection(i, col.width)
        header.setStretchLastSection(True)
        self.table.setVisible(bool(plan.conflicts))
        self.count = QLabel()
        self.problem = dialogs.error_label(self)
        self.problem.hide()
        all_row = QHBoxLayout()
        for words, side in (("全部采用本文件(&M)", "mine"), ("全部采用对方(&T)", "theirs"),
                            ("全部采用较新的(&N)", "newer")):
            button = QPushButton(words)
            button.setObjectName(f"all_{side}")
            button.setAutoDefault(False)
            button.clicked.connect(lambda _c=False, s=side: self.decide_all(s))
            button.setEnabled(bool(plan.conflicts))
            all_row.addWidget(button)
        all_row.addStretch(1)
        all_row.addWidget(self.count)
        # The preview and the conflicts share the height, each scrolling on its own, so the
        # dialog fits a 1366×768 screen whatever the number of changes and conflicts.
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(preview)
        split.addWidget(self.table)
        split.setChildrenCollapsible(False)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 2 if plan.conflicts else 0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.addButton("合并(&H)", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel.setText("关闭" if empty else "取消")
        self.ok.setVisible(not empty)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(split, 1)
        if plan.conflicts:
            layout.addLayout(all_row)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self._fit()
        self._decided()

    def _fit(self) -> None:
        """As large as is comfortable, never larger than the screen's free area."""
        screen = (self.parentWidget().screen() if self.parentWidget() else self.screen())
        free = screen.availableGeometry()
        self.resize(min(900, free.width() - 40), min(640, free.height() - 60))

    @staticmethod
    def _tone(side: str) -> Any:
        return lambda row: "pass" if row["side"] == side else None

    def _write(self, row: dict[str, Any], col: Column, value: Any) -> str | None:
        if value not in SIDES:
            return "请选择本文件或对方"
        conflict = row["conflict"]
        if conflict.duplicate_of:
            # One institution twice: the whole record is kept from one side, never a mix.
            conflict.choice = value
            for other in self.model.rows:
                if other["conflict"] is conflict:
                    other["side"] = value
            self.model.dataChanged.emit(self.model.index(0, 0), self.model.index(
                self.model.rowCount() - 1, self.model.columnCount() - 1))
        else:
            conflict.choices[row["key"]] = value
            row["side"] = value
        self._decided()
        return None

    def _choose(self, rows: list[int], side: str | None) -> None:
        for n in rows:
            self.model.setData(self.model.index(n, self.model.column_index("side")),
                               side or self.model.rows[n]["conflict"].newer_side())
        if rows:
            self.model.dataChanged.emit(self.model.index(0, 0), self.model.index(
                self.model.rowCount() - 1, self.model.columnCount() - 1))

    def decide_all(self, side: str) -> None:
        """全部采用本文件 / 对方 / 较新的: every field of every conflict at once, but those only one
        side changed (taking the other would undo a change nobody disputes: Space still can)."""
        self._choose([n for n, r in enumerate(self.model.rows) if not r["proven"]],
                     None if side == "newer" else side)

    def toggle_selected(self) -> None:
        """Space: the selected rows go to the other side (undecided ones to 对方)."""
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()}
                      or ({self.table.currentIndex().row()} - {-1}))
        for n in rows:
            now = self.model.rows[n]["side"]
            self._choose([n], "mine" if now == "theirs" else "theirs")

    def _decided(self) -> None:
        left = sum(1 for r in self.model.rows if r["side"] is None)
        total = self.model.rowCount()
        self.count.setText(f"已决定 {total - left} / {total} 项" if total else "")
        self.ok.setEnabled(not self.plan.unresolved and not nothing_to_merge(self.plan))
        self.problem.hide()

    def accept(self) -> None:
        """A mix of both sides that cannot stand (5000 中医诊疗人次 of 1000) is said here, and
        the dialog stays open for another choice."""
        try:
            for conflict in self.plan.conflicts:
                conflict.check()
        except KnownError as exc:
            self.problem.setText(str(exc))
            self.problem.show()
            return
        super().accept()


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
    if nothing_to_merge(plan):
        dialogs.info(window, "合并其他文件", f"没有需要合并的内容：“{Path(name).name}”中的记录"
                     "本文件都已有（例如这个文件已经合并过）。本文件未作任何改动。")
        return
    if not dialogs.exec_dialog(MergeDialog(plan, window)):
        return
    if plan.confirmation and not dialogs.confirm(
            window, "确认合并", f"{plan.confirmation}确定要这样合并吗？\n"
            "（合并前会先备份本文件；可在预览中核对是哪些记录。）"):
        return
    try:
        exchange.apply_merge(window.county, plan, confirmed=True)
    except KnownError as exc:
        dialogs.error(window, "合并未完成", f"{exc}\n本文件未作任何改动。")
        return
    window.history.cannot_undo("合并其他文件")
    window.reload_years()
    window.statusBar().showMessage(f"已合并“{Path(name).name}”：{plan.summary()}", 8000)


def township_file(window: Host) -> None:
    county = window.county
    if county is None:
        return
    towns = all_townships(county)  # a township merged away still has its years to finish
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
    chosen = _choose_backup(window, backups.list_backups(path.stem))
    if chosen is None:
        return
    if not dialogs.confirm(window, "恢复备份", f"用 {chosen.taken:%Y-%m-%d %H:%M} 的备份"
                           f"（{chosen.reason}）替换当前文件吗？\n当前内容会先另行备份。"):
        return
    window.close_county()
    try:
        restore.restore_backup(path, chosen.path)
    except KnownError as exc:
        dialogs.error(window, "未能恢复", str(exc))
    window.open_path(path)


def _choose_backup(window: Host, found: list[Backup]) -> Backup | None:
    dialog = BackupsDialog(found, window)
    return dialog.chosen() if dialogs.exec_dialog(dialog) else None


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
    chosen = _choose_backup(window, found)
    if chosen is None:
        return False
    try:
        restore.restore_backup(path, chosen.path)
    except KnownError as exc:
        dialogs.error(window, "未能恢复", str(exc))
        return False
    return window.open_path(path)
