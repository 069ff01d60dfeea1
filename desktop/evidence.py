"""Evidence files from the window: attach (all or none), list, open with the system viewer,
rename and remove (a tombstone, merged like every record) in the 佐证材料 dialog.

An opened file is written to a folder of its own (two files of the same name never overwrite
each other) inside the program's temporary folder, which goes when the program quits, under a
cleaned name; only documents and images are handed to the system: anything else could be a
program in disguise (活动照片.jpg.exe), so it is offered to be saved elsewhere instead.
"""

from __future__ import annotations

import atexit
import hashlib
import os
from pathlib import Path
import shutil
import tempfile
from typing import Any

from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QHBoxLayout,
                               QHeaderView, QLabel, QPushButton, QTableView, QVBoxLayout, QWidget)

from db.county import CountyFile, refuse_to_replace
from db.errors import KnownError
from desktop import dialogs
from desktop.models import Column, RecordModel
# Storing (all or none) and finding an owner's files are shared with the command line.
from reports.plan.attach import attach_files, owner_where
from reports.plan.evidence import safe_name

# What a bureau's evidence is: documents, spreadsheets, scans and photos. The system opens these
# in a viewer or an office program; it would run a program (.exe, .bat, .lnk, .js, .html …).
# Archives are left out too: opening one shows its files, a program among them a click away.
# In the order the file picker lists them.
EVIDENCE_TYPES = ("pdf", "ofd", "doc", "docx", "wps", "xls", "xlsx", "et", "txt", "csv",
                  "jpg", "jpeg", "png", "gif", "bmp", "tif", "tiff")
SAFE_TO_OPEN = frozenset(EVIDENCE_TYPES)
# The file picker of every 添加佐证: these types first, any file (a .heic photo, say) as the
# second choice, since any file can be stored (it is only not opened from here).
PICKER_FILTER = (f"文档和图片 ({' '.join(f'*.{t}' for t in EVIDENCE_TYPES)});;"
                 "所有文件 (*)")

_folder: Path | None = None


def open_evidence(county: CountyFile, where: str, params: tuple[Any, ...],
                  parent: QWidget | None = None) -> bool:
    """Open each evidence file the query finds; False if there is none."""
    items = county.rows("evidence", where, params)
    if not items:
        return False
    for item in items:
        name = safe_name(item["filename"], "佐证材料")
        try:
            data = county.evidence_data(item["id"])
            if opens_safely(name):
                dialogs.open_with_system(str(_write_for_viewing(item["id"], name, data)))
            else:
                _offer_to_save(county, name, data, parent)
        except KnownError as exc:
            dialogs.error(parent, "打开佐证材料", str(exc))
    return True


def rename_evidence(county: CountyFile, evidence_id: str, new_name: str) -> str:
    """A new name for an evidence file; its extension stays unless a new one is typed, so a
    photo renamed 重阳节义诊合影 is still a photo. Returns the name given."""
    item = county.get("evidence", evidence_id)
    if item is None:
        raise KnownError("该佐证材料已不存在（可能已被删除）。")
    name = " ".join(new_name.split())
    if not name:
        raise KnownError("文件名不能为空。")
    if any(c in name for c in '\\/:*?"<>|'):
        raise KnownError(f"文件名“{name}”含有不能用于文件名的字符（\\ / : * ? \" < > |）。")
    old_suffix = Path(item["filename"]).suffix
    if old_suffix and not Path(name).suffix:
        name += old_suffix
    county.update("evidence", evidence_id, {"filename": name})
    return name


def size_text(size: int | None) -> str:
    if size is None:
        return ""
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def _local_date(stamp: str) -> str:
    import datetime as _dt

    try:
        return _dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone().strftime(
            "%Y-%m-%d")
    except (ValueError, AttributeError):
        return ""


class EvidenceDialog(QDialog):
    """佐证材料: the files of one activity, task or indicator-year, each to open, rename, note
    or remove, and more to add. Every change is saved at once; `changed` says whether any was."""

    def __init__(self, county: CountyFile, title: str, owner: dict[str, Any],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.county = county
        self.owner = owner
        self.changed = False
        self.setWindowTitle(f"佐证材料 — {title}")
        self.resize(720, 360)
        self.model = RecordModel([
            Column("filename", "文件名", width=260),
            Column("size_text", "大小", width=80),
            Column("date", "日期", width=90),
            Column("note", "备注", editable=True, width=200),
        ], writer=self._write_note, parent=self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.SelectedClicked)
        self.view.activated.connect(lambda _i: self.open_selected())  # Enter, double-click
        header = self.view.horizontalHeader()
        for i, col in enumerate(self.model.columns):
            header.resizeSection(i, col.width)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.note = QLabel()
        self.message = dialogs.error_label(self)
        self.message.hide()
        row = QHBoxLayout()
        for words, name, slot in (("打开(&O)", "open", self.open_selected),
                                  ("重命名(&R)…", "rename", self.rename_selected),
                                  ("删除(&D)", "delete", self.delete_selected),
                                  ("添加(&A)…", "add", self.add)):
            button = QPushButton(words)
            button.setObjectName(f"evidence_{name}")
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            row.addWidget(button)
        row.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.view, 1)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.reload()

    def reload(self) -> None:
        where, params = owner_where(self.owner)
        items = self.county.rows("evidence", where, params, order="filename, id")
        for item in items:
            item["size_text"] = size_text(item["size"])
            item["date"] = _local_date(item["updated_at"])
        self.model.set_rows(items)
        self.note.setText(f"共 {len(items)} 份佐证材料。双击或回车打开；备注可直接在表中修改。"
                          if items else "还没有佐证材料。点“添加…”选择文件。")
        if items:
            self.view.setCurrentIndex(self.model.index(0, 0))

    def selected(self) -> list[dict[str, Any]]:
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()}
                      or ({self.view.currentIndex().row()} - {-1}))
        return [self.model.rows[n] for n in rows]

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _saved(self, action: Any) -> bool:
        try:
            action()
        except KnownError as exc:
            self._say(str(exc))
            return False
        self._say("")
        self.changed = True
        return True

    def _write_note(self, row: dict[str, Any], col: Column, value: Any) -> str | None:
        text = (value or "").strip() or None
        if self._saved(lambda: self.county.update("evidence", row["id"], {"note": text})):
            return None
        return self.message.text()

    def open_selected(self) -> None:
        items = self.selected()
        if not items:
            self._say("请先选中要打开的佐证材料。")
            return
        marks = ", ".join("?" for _ in items)
        open_evidence(self.county, f"id IN ({marks})", tuple(i["id"] for i in items), self)

    def rename_selected(self) -> None:
        items = self.selected()
        if len(items) != 1:
            self._say("请选中一份佐证材料再重命名。")
            return
        item = items[0]
        name = ask_name(self, "重命名佐证材料", "新的文件名：", item["filename"])
        if name is not None and self._saved(lambda: rename_evidence(self.county, item["id"], name)):
            self._reload_keeping(item["id"])

    def delete_selected(self) -> None:
        items = self.selected()
        if not items:
            self._say("请先选中要删除的佐证材料。")
            return
        names = "、".join(f"“{i['filename']}”" for i in items[:5]) + (
            f" 等 {len(items)} 份" if len(items) > 5 else "")
        if not dialogs.confirm(self, "删除佐证材料", f"确定删除{names}吗？\n"
                               "（删除会随合并带到其他副本；需要时可从备份恢复。）"):
            return

        def remove() -> None:
            with self.county.atomic():
                for item in items:
                    self.county.delete("evidence", item["id"])
        if self._saved(remove):
            self.reload()

    def add(self) -> None:
        files = dialogs.open_file_names(self, "选择佐证材料", PICKER_FILTER)
        if files and self._saved(lambda: attach_files(
                self.county, [Path(f) for f in files], **self.owner)):
            self.reload()

    def _reload_keeping(self, evidence_id: str) -> None:
        self.reload()
        at = self.model.row_of(evidence_id)
        if at is not None:
            self.view.setCurrentIndex(self.model.index(at, 0))


def show_evidence(county: CountyFile, title: str, owner: dict[str, Any],
                  parent: QWidget | None = None) -> bool:
    """The 佐证材料 dialog for one owner; True if anything in the file changed."""
    dialog = EvidenceDialog(county, title, owner, parent)
    dialogs.exec_dialog(dialog)
    return dialog.changed


def ask_name(parent: QWidget | None, title: str, label: str, current: str) -> str | None:
    """The new name, or None if cancelled; tests replace this."""
    from PySide6.QtWidgets import QInputDialog, QLineEdit

    text, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Normal, current)
    return text if ok else None


def opens_safely(name: str) -> bool:
    """Whether the system may open a file of this (cleaned) name: its real, last extension is a
    document or image type."""
    return Path(name).suffix.lower().lstrip(".") in SAFE_TO_OPEN


# ---- the program's own folder ---------------------------------------------------------------

def open_folder() -> Path:
    """The temporary folder for opened evidence: one per running program, made on first use."""
    global _folder
    if _folder is None or not _folder.is_dir():
        _folder = Path(tempfile.mkdtemp(prefix="tcmcounty-evidence-"))
    return _folder


@atexit.register
def remove_open_folder() -> None:
    """Remove the folder when the program quits; a file a viewer still holds open (Windows)
    stays behind in the system's temporary folder, which the system clears."""
    global _folder
    if _folder is not None:
        shutil.rmtree(_folder, ignore_errors=True)
        _folder = None


def _write_for_viewing(evidence_id: str, name: str, data: bytes) -> Path:
    """The evidence as a file of its own: a folder per evidence record, named by a digest of its
    id (an id from a merged file is not trusted as a path)."""
    folder = open_folder() / hashlib.sha256(evidence_id.encode()).hexdigest()[:20]
    target = folder / name
    try:
        if target.is_file() and target.read_bytes() == data:
            return target  # opened before and maybe still open in a viewer: show it again
        folder.mkdir(exist_ok=True)
        _write_whole(target, data)
    except OSError as exc:
        raise KnownError(f"无法打开佐证材料“{name}”：临时文件写不进去"
                         f"（{exc.strerror or exc}）。") from None
    return target


def _write_whole(target: Path, data: bytes) -> None:
    """Written beside the target, flushed, then renamed: whole or not at all."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tcmcounty-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# ---- files that are not opened ---------------------------------------------------------------

def _offer_to_save(county: CountyFile, name: str, data: bytes, parent: QWidget | None) -> None:
    kind = Path(name).suffix.lower()
    kind = f"扩展名为“{kind}”的文件" if kind else "没有扩展名的文件"
    text = (f"佐证材料“{name}”是{kind}，不是常见的文档或图片（PDF、OFD、Word、WPS、Excel、"
            "文本、图片），可能是程序，为安全起见不直接打开。\n\n"
            "要把它另存为其他位置的文件，由您查明后再处理吗？")
    if not dialogs.confirm(parent, "不直接打开此文件", text):
        return
    dest = dialogs.save_file_name(parent, "另存为", name, "所有文件 (*)")
    if not dest:
        return
    out = Path(dest)
    refuse_to_replace(out, source=county.path)
    try:
        _write_whole(out, data)
    except OSError as exc:
        raise KnownError(f"无法保存“{out.name}”到“{out.parent}”："
                         f"{exc.strerror or exc}。") from None
    dialogs.info(parent, "另存为", f"已保存：{out}")
