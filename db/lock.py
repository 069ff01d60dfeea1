"""One running copy of the program edits a county file at a time.

The lock is an operating-system lock on a small file beside the county file, so it vanishes with
the process that held it: a crash or a pulled plug never leaves a file locked for good.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import IO

from .errors import FileBusy


def lock_path(path: Path) -> Path:
    return path.with_name(f".~{path.name}.lock")


class FileLock:
    def __init__(self, path: Path):
        self.path = lock_path(path)
        self.shown = path.name
        self._fh: IO[bytes] | None = None

    def acquire(self) -> None:
        fh = open(self.path, "a+b")
        try:
            _lock(fh)
        except OSError:
            fh.close()
            raise FileBusy(f"文件“{self.shown}”正在被另一个程序窗口使用。请先关闭那个窗口，"
                           "或打开该文件的副本。") from None
        # The pid is only a note for whoever looks; on a full disk the OS lock alone holds.
        with contextlib.suppress(OSError):
            fh.seek(0)
            fh.truncate()
            fh.write(f"{os.getpid()}\n".encode())
            fh.flush()
        self._fh = fh

    def release(self) -> None:
        if self._fh is None:
            return
        with contextlib.suppress(OSError):
            _unlock(self._fh)
        with contextlib.suppress(OSError):  # a pid note that a full disk never took
            self._fh.close()
        self._fh = None
        with contextlib.suppress(OSError):
            self.path.unlink()


if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock(fh: IO[bytes]) -> None:
        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(fh: IO[bytes]) -> None:
        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _lock(fh: IO[bytes]) -> None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fh: IO[bytes]) -> None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
