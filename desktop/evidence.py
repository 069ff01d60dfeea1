"""Evidence files from the window: attach (all or none), and open with the system viewer.

An opened file is written to a folder of its own (two files of the same name never overwrite
each other) inside the program's temporary folder, which goes when the program quits, under a
cleaned name; only documents and images are handed to the system: anything else could be a
program in disguise (活动照片.jpg.exe), so it is offered to be saved elsewhere instead.
"""

from __future__ import annotations

import atexit
import hashlib
import mimetypes
import os
from pathlib import Path
import shutil
import tempfile
from typing import TYPE_CHECKING, Any

from db.county import MAX_EVIDENCE_BYTES, CountyFile, evidence_too_big, refuse_to_replace
from db.errors import KnownError
from desktop import dialogs
from reports.plan.evidence import safe_name

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

# What a bureau's evidence is: documents, spreadsheets, scans and photos. The system opens these
# in a viewer or an office program; it would run a program (.exe, .bat, .lnk, .js, .html …).
# Archives are left out too: opening one shows its files, a program among them a click away.
SAFE_TO_OPEN = frozenset({"pdf", "ofd", "doc", "docx", "wps", "xls", "xlsx", "et", "txt", "csv",
                          "jpg", "jpeg", "png", "gif", "bmp", "tif", "tiff"})

_folder: Path | None = None


def attach_files(county: CountyFile, files: list[Path], **owner: Any) -> None:
    """All chosen files are stored, or none (one transaction)."""
    with county.atomic():
        for path in files:
            try:
                size = path.stat().st_size
                if size > MAX_EVIDENCE_BYTES:
                    raise KnownError(f"{evidence_too_big(path.name, size)}，请压缩或拆分后再添加。")
                data = path.read_bytes()
            except OSError as exc:
                raise KnownError(f"无法读取文件“{path.name}”：{exc.strerror or exc}。") from None
            county.add_evidence(path.name, data, mime=mimetypes.guess_type(path.name)[0], **owner)


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
    dest = dialogs.save_file_name(parent, "另存为", str(Path.home() / name), "所有文件 (*)")
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
