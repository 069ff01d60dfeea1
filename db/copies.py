"""A verified copy of an open county file: built beside its destination under a temporary name,
flushed, checked, then renamed, so a stick pulled out at any moment leaves the old file or the new
one. Backups, USB snapshots and township files are all made this way."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
import shutil
import sqlite3
import time
from typing import Any

from . import structure
from .errors import Damaged, KnownError, known_write_error, os_error_text
from .header import check_header


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform can open a directory (Windows)
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def snapshot_connection(conn: sqlite3.Connection, dest: Path) -> Path:
    """Copy an open database to `dest`: temp file beside it, flushed, checked, then renamed.

    A stick pulled out at any moment leaves either the old `dest` or the new one.
    """
    dest = Path(dest)
    return write_beside(dest, lambda tmp: copy_into(conn, tmp), conn)


def _part(dest: Path) -> Path:
    """The temporary name a file is built under, beside its destination."""
    return dest.with_name(f".{dest.name}.part")


def write_beside(dest: Path, build: Any, source: sqlite3.Connection) -> Path:
    """Build `dest` under a temporary name beside it, flush and check it against `source` (the
    open file it is made from), then rename it.

    Leftovers of an earlier interrupted write (the temp file and its journal) are removed first.
    """
    tmp = _part(dest)
    try:
        discard(tmp)
        discard(tmp.with_name(tmp.name + "-journal"))
        build(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        _verify_copy(tmp, dest.name, source)
        os.replace(tmp, dest)
        _fsync_dir(dest.parent)
    except OSError as exc:
        discard(tmp)
        raise KnownError(f"无法写入“{dest}”：{os_error_text(exc)}。") from None
    except sqlite3.OperationalError as exc:  # the stick or disk filled up during the copy
        discard(tmp)
        known = known_write_error(exc, dest)
        if known is None:
            raise
        raise known from None
    except BaseException:
        discard(tmp)
        raise
    return dest


def copy_into(conn: sqlite3.Connection, tmp: Path) -> None:
    target = sqlite3.connect(tmp, isolation_level=None)
    try:
        conn.backup(target)
        target.execute("PRAGMA journal_mode = DELETE")
    finally:
        target.close()


# A temporary file (or folder) that a write left beside its destination when the program was
# killed: the next write to the same place removes it once it is this old. No write of ours
# takes that long (the large county's report: seconds); a younger one may belong to another
# copy of the program writing right now.
LEFTOVER_AGE_S = 600


def clear_leftovers(folder: Path, *patterns: str) -> None:
    """Remove what killed writes left in `folder`: entries matching `patterns` (globs of the
    temporary names a writer uses, made with glob.escape from its destination's name)."""
    cutoff = time.time() - LEFTOVER_AGE_S
    for pattern in patterns:
        for path in folder.glob(pattern):
            with contextlib.suppress(OSError):
                if path.lstat().st_mtime >= cutoff:
                    continue
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path)
                else:
                    path.unlink()


def discard(path: Path) -> None:
    """A copy that failed leaves nothing: neither the half copy nor its journal."""
    for leftover in (path, path.with_name(path.name + "-journal")):
        with contextlib.suppress(OSError):
            leftover.unlink(missing_ok=True)


def _verify_copy(path: Path, shown: str, source: sqlite3.Connection) -> None:
    version = check_header(path)
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        conn.execute("PRAGMA trusted_schema = OFF")
        # The source was checked value by value when it was opened; the copy's pages are its
        # pages, so SQLite's check and the schema's are enough here.
        ok = conn.execute("PRAGMA integrity_check(1)").fetchone()[0] == "ok" \
            and structure.find_problem(conn, version, values=False) is None
    finally:
        conn.close()
    if ok and version == source.execute("PRAGMA user_version").fetchone()[0]:
        return
    # A damaged original gives a damaged copy: say so, never blame the stick for it.
    if source.execute("PRAGMA integrity_check(1)").fetchone()[0] != "ok":
        name = Path(source.execute("PRAGMA database_list").fetchone()[2]).name
        raise Damaged(f"文件“{name}”已损坏（内部结构校验未通过），未能写出副本。请从备份恢复。")
    raise KnownError(f"副本“{shown}”写入后校验未通过，原文件未受影响。请换一个位置或U盘再试。")
