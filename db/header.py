"""What a county file is, by its first 100 bytes: SQLite, our application id, a schema version
this program can read. Checked before SQLite opens anything, so a stranger's file is refused
without being touched."""

from __future__ import annotations

from pathlib import Path

from . import schema
from .errors import KnownError, NewerVersion, NotCountyFile, os_error_text
from .given import check_readable

SQLITE_MAGIC = b"SQLite format 3\x00"
OPEN_COUNTY_FILE = "请打开以 .tcmcounty 结尾的县级数据文件。"


def way_on(path: Path) -> str:
    """What to do instead: open a county file, or, when this one is named like one but is not,
    find the real one (the name alone does not make a county file)."""
    if path.suffix.lower() == ".tcmcounty":
        return "它的名字以 .tcmcounty 结尾，内容却不是县级数据文件：请找到真正的文件（如U盘上的原件或本机的备份）。"
    return OPEN_COUNTY_FILE


def _header(path: Path) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(100)


def check_header(path: Path) -> int:
    """Refuse what is not a county file by its first 100 bytes; return its schema version."""
    name = path.name
    check_readable(path, "县级数据文件")
    try:
        head = _header(path)
    except OSError as exc:
        raise KnownError(f"无法读取文件“{name}”：{os_error_text(exc)}。") from None
    if not head:
        raise NotCountyFile(f"文件“{name}”是空的（0 字节），不是县级数据文件。")
    if not head.startswith(SQLITE_MAGIC):
        # Words a clerk can act on: the programs whose files get opened by mistake, and the way on.
        if path.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".et"):
            raise NotCountyFile(f"文件“{name}”是 Excel（或 WPS 表格）文件，不是县级数据文件。"
                                "要把表格中的数据读入本县文件，请用“文件 → 导入 Excel”；"
                                f"{way_on(path)}")
        raise NotCountyFile(f"文件“{name}”不是本程序的县级数据文件（可能是 Word、Excel 或其他程序的"
                            f"文件）。{way_on(path)}")
    if len(head) < 100:
        raise NotCountyFile(f"文件“{name}”已损坏（文件头不完整）。")
    app_id = int.from_bytes(head[68:72], "big")
    if app_id != schema.APPLICATION_ID:
        raise NotCountyFile(f"文件“{name}”是其他程序的数据库文件，不是县级数据文件。{way_on(path)}")
    version = int.from_bytes(head[60:64], "big")
    if version > schema.current_version():
        raise NewerVersion(
            f"文件“{name}”由更新版本的程序保存（数据版本 {version}，本程序支持到 "
            f"{schema.current_version()}），请升级程序后再打开。"
        )
    if version < 1:
        raise NotCountyFile(f"文件“{name}”已损坏（缺少数据版本）。")
    _check_made_here(path, head)
    if not path.with_name(name + "-journal").exists():
        # A write cut off may have grown the file before its header: rolled back first (the
        # opening checks the size again, before anything reads the whole file).
        check_size(path, head)
    return version


_CHANGED = "不是本程序原样写出的县级数据文件（被其他程序改动过）"


def _check_made_here(path: Path, head: bytes) -> None:
    """What only another program sets: the WAL journal (this program keeps one self-contained
    file, and a read would rewrite the header or need side files), and text stored as UTF-16.
    Neither is damage: no backup is offered for a file another program changed."""
    name = path.name
    if head[18] == 2 or head[19] == 2:
        raise NotCountyFile(f"文件“{name}”被设成了 WAL 日志模式（本程序只用单个文件保存），{_CHANGED}，"
                            "无法打开。")
    if int.from_bytes(head[56:60], "big") not in (0, 1):
        raise NotCountyFile(f"文件“{name}”中的文字以 UTF-16 编码保存（本程序只用 UTF-8），{_CHANGED}，"
                            "无法打开。")


# Bytes past the pages the header counts that are let pass (none in a file this program wrote).
SIZE_SLACK = 1024 * 1024


def check_size(path: Path, head: bytes | None = None) -> None:
    """Refuse a file far larger than the pages its header counts, before anything reads all of
    it (hashing 6 GB of padding took 20 s). SQLite never reads past those pages, so the rest is
    nothing this program wrote. The count is valid when the header's change counter and
    version-valid-for agree (always, from SQLite 3.7.0 on); a header that does not vouch for it
    is not one this program wrote either."""
    name = path.name
    try:
        head = head or _header(path)
        size = path.stat().st_size
    except OSError as exc:
        raise KnownError(f"无法读取文件“{name}”：{os_error_text(exc)}。") from None
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(head[28:32], "big")
    if pages == 0 or head[24:28] != head[92:96]:
        raise NotCountyFile(f"文件“{name}”的文件头没有记载有效的页数，{_CHANGED}，无法打开。")
    expected = pages * page_size
    if size > expected + SIZE_SLACK:
        raise NotCountyFile(
            f"文件“{name}”有 {size / 1024 / 1024:,.1f} MB，比文件头记载的 {pages:,} 页"
            f"（{expected / 1024 / 1024:,.1f} MB）多出 {(size - expected) / 1024 / 1024:,.1f} MB，"
            f"{_CHANGED}，无法打开。")
