"""Errors the user can act on (a sentence in Chinese), split from bugs (a traceback in the log)."""

from __future__ import annotations

import errno
import os
import sqlite3


class KnownError(Exception):
    """A problem with the user's file or input; `str()` is a complete Chinese sentence."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class NotCountyFile(KnownError):
    """The file is not a county file: not SQLite, empty, another program's, damaged."""


class Damaged(NotCountyFile):
    """A county file whose contents are damaged: a backup can take its place (never offered for
    a file that is only in use, see FileInUse)."""


class MissingEvidence(KnownError):
    """An evidence record whose stored file is not in the county file; the message names it."""


class NewerVersion(KnownError):
    """The file was written by a newer version of the program."""


class NeedsOpening(KnownError):
    """The file can be read only after the program writes to it once (an older version to
    upgrade, a save cut off to roll back): a reader that must not write skips it."""


class FileBusy(KnownError):
    """Another program holds the file, or the medium cannot be written."""


class FileInUse(FileBusy):
    """Another program (another SQLite client) holds a lock on the file right now. The file is
    healthy: the way on is to close that program, never to restore a backup over it."""


class CannotWrite(KnownError):
    """A file could not be written: disk or stick full, no permission, read-only medium."""


class FileExists(KnownError):
    """The program would overwrite a file that is already there; it never does."""


class ValidationError(KnownError):
    """A value that cannot be true; `field` names the column, `label` is its Chinese name."""

    def __init__(self, message: str, *, table: str = "", field: str = "", label: str = "",
                 involves: tuple[str, ...] = ()):
        super().__init__(message)
        self.table = table
        self.field = field
        self.label = label
        # Every field the broken rule reads (a cross-field rule names two or three): a reader
        # that could not read one of them knows the rule's verdict would be a guess.
        self.involves = involves or ((field,) if field else ())

    @property
    def reason(self) -> str:
        """The message without the field's name in front ("不能为负数（-3）" of "执业（助理）医师数：
        不能为负数（-3）"), for a message that names the field already (its column, its cell)."""
        named = f"{self.label}："
        return self.message[len(named):] if self.label and self.message.startswith(named) \
            else self.message


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
    errno.EDQUOT: "磁盘配额已用完",
    errno.EIO: "读写磁盘或U盘时出错（U盘可能已拔出）",
    errno.ELOOP: "链接（快捷方式）循环指向自身",
    errno.ENAMETOOLONG: "文件名或路径太长",
    errno.ENXIO: "设备不存在或未连接",
    errno.ENODEV: "设备不存在或未连接",
    errno.EINVAL: "文件名无效",
}


def os_error_text(exc: OSError) -> str:
    """An operating-system error in the words a clerk reads (Windows and Linux alike)."""
    return _OS_WORDS.get(exc.errno or 0, exc.strerror or str(exc))


def in_use(path: os.PathLike[str] | str) -> FileInUse:
    """The busy sentence: names the file, says who holds it, never suggests a backup."""
    name = os.path.basename(os.fspath(path)) or os.fspath(path)
    return FileInUse(f"文件“{name}”正被其他程序使用，请关闭该程序后再试。")


def is_busy(exc: sqlite3.Error) -> bool:
    """SQLITE_BUSY / SQLITE_LOCKED: another connection holds the lock past our timeout."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "database is locked" in str(exc) or "database table is locked" in str(exc)


# SQLite result codes (low byte) that say "the file could not be written", not "a bug".
_SQLITE_WRITE_WORDS = {
    sqlite3.SQLITE_FULL: "磁盘或U盘空间不足",
    sqlite3.SQLITE_READONLY: "该位置只读（U盘可能有写保护）",
    sqlite3.SQLITE_CANTOPEN: "无法打开或创建文件（文件夹不存在或没有权限）",
    sqlite3.SQLITE_IOERR: "读写磁盘或U盘时出错（空间不足或U盘已拔出）",
    sqlite3.SQLITE_PERM: "没有权限",
}

# Operating-system errors that are the user's situation (full disk, permissions), not a bug.
USER_OS_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EPERM, errno.EROFS, errno.EIO,
                  errno.ENOENT, errno.ENOTDIR, errno.EISDIR, errno.EBUSY}


def known_write_error(exc: BaseException, path: os.PathLike[str] | str) -> KnownError | None:
    """A write that failed because of the disk or a lock, as one Chinese sentence naming `path`;
    None for anything else (a bug keeps its traceback)."""
    if isinstance(exc, KnownError):
        return exc
    if isinstance(exc, sqlite3.Error):
        if is_busy(exc):
            return in_use(path)
        code = getattr(exc, "sqlite_errorcode", None)
        words = _SQLITE_WRITE_WORDS.get(code & 0xFF) if code is not None else None
        if words is None and "database or disk is full" in str(exc):
            words = _SQLITE_WRITE_WORDS[sqlite3.SQLITE_FULL]
        if words is None:
            return None
        return CannotWrite(f"无法写入“{os.fspath(path)}”：{words}。")
    if isinstance(exc, OSError) and exc.errno in USER_OS_ERRORS:
        return CannotWrite(f"无法写入“{os.fspath(path)}”：{os_error_text(exc)}。")
    return None
