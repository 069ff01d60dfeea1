"""Errors the user can act on (a sentence in Chinese), split from bugs (a traceback in the log)."""

from __future__ import annotations

import errno


class KnownError(Exception):
    """A problem with the user's file or input; `str()` is a complete Chinese sentence."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class NotCountyFile(KnownError):
    """The file is not a county file: not SQLite, empty, another program's, damaged."""


class NewerVersion(KnownError):
    """The file was written by a newer version of the program."""


class NeedsOpening(KnownError):
    """The file can be read only after the program writes to it once (an older version to
    upgrade, a save cut off to roll back): a reader that must not write skips it."""


class FileBusy(KnownError):
    """Another program holds the file, or the medium cannot be written."""


class FileExists(KnownError):
    """The program would overwrite a file that is already there; it never does."""


class ValidationError(KnownError):
    """A value that cannot be true; `field` names the column, `label` is its Chinese name."""

    def __init__(self, message: str, *, table: str = "", field: str = "", label: str = ""):
        super().__init__(message)
        self.table = table
        self.field = field
        self.label = label


_OS_WORDS = {
    errno.ENOENT: "文件夹或文件不存在",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.EISDIR: "这是一个文件夹",
    errno.ENOTDIR: "路径中有一部分不是文件夹",
    errno.ENOSPC: "磁盘或U盘空间不足",
    errno.EROFS: "该位置只读（U盘可能有写保护）",
    errno.EEXIST: "已存在",
    errno.EBUSY: "文件正被其他程序占用",
}


def os_error_text(exc: OSError) -> str:
    """An operating-system error in the words a clerk reads (Windows and Linux alike)."""
    return _OS_WORDS.get(exc.errno or 0, exc.strerror or str(exc))
