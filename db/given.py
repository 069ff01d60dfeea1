"""A path the user gives the program to read (a county file to open or merge, a workbook, an
evidence file, a task list): checked in one place, so that a link pointing at itself, a link
to nothing, a folder, a device or a file that may not be read is one Chinese sentence naming it,
the same from every command and dialog, never a traceback or the system's English words.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path
import stat

from .errors import KnownError, NotCountyFile, os_error_text

# A link that leads round in a circle: Linux and macOS say ELOOP; Python 3.11's Path.resolve()
# says RuntimeError("Symlink loop …") instead.
_LOOP = {errno.ELOOP}


def check_readable(path: str | os.PathLike[str], kind: str, *,
                   missing: str | None = None,
                   refused: type[KnownError] = NotCountyFile,
                   failed: type[KnownError] = KnownError) -> os.stat_result:
    """Refuse what cannot be read as a `kind` (县级数据文件, Excel 工作簿 …) before anything
    reads it; return its status. `refused` is raised for a path that is there but is not a file
    (a loop, a folder, a device: "not a `kind`"), `failed` for one that is not there or may not
    be read (`missing` replaces the sentence for a path that is not there)."""
    path = Path(path)
    name = path.name or str(path)
    if kind[:1].isascii():
        kind = f" {kind}"  # 不是 Excel 工作簿
    try:
        found = path.stat()
    except OSError as exc:
        if exc.errno in _LOOP:
            raise refused(f"“{name}”是循环指向自身的链接（快捷方式），不是{kind}。") from None
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            if os.path.islink(path):
                raise failed(f"“{name}”是一个链接（快捷方式），它指向的文件已不存在。") from None
            raise failed(missing or f"找不到文件“{path}”。") from None
        raise failed(f"无法读取文件“{name}”：{os_error_text(exc)}。") from None
    if stat.S_ISDIR(found.st_mode):
        raise refused(f"“{name}”是一个文件夹，不是{kind}。")
    if not stat.S_ISREG(found.st_mode):
        # A pipe or a device would keep the first read waiting for ever.
        raise refused(f"“{name}”不是普通文件（是管道、设备等特殊文件），不是{kind}。")
    try:
        with open(path, "rb"):
            pass
    except OSError as exc:
        raise failed(f"无法读取文件“{name}”：{os_error_text(exc)}。") from None
    return found


def real(path: str | os.PathLike[str]) -> Path:
    """Where `path` leads, for comparing two paths: never raises, whatever the links (a loop
    stays where it is; Path.resolve() would raise RuntimeError)."""
    return Path(os.path.realpath(path))


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """Whether two paths lead to one file (through links, or hard links on one disk)."""
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return real(a) == real(b)


def check_writable_name(path: str | os.PathLike[str], error: type[KnownError]) -> None:
    """Refuse an output name that is a link pointing at itself: nothing could be written there."""
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno in _LOOP:
            name = Path(path).name or str(path)
            raise error(f"“{name}”是循环指向自身的链接（快捷方式），不能写入。请换一个文件名。") \
                from None
