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
    return version
