"""If the program ever dies, a trace of it: while the window runs, Python's faulthandler writes the
stack of a fatal error into a log in the program's data folder, and the next start says in one
sentence that the program closed unexpectedly, what became of the file it had open, and where the
log is.

Each running window keeps a session log (logs/session-….log) under an operating-system lock
(db/lock.py: the lock vanishes with the process, whatever ends it). Quitting deletes both. A
session log whose lock the next start can take belonged to a program that died: it is kept as
logs/crash-….log, the newest few of them.

faulthandler covers a crash in Qt's C++ code (a segmentation fault, an abort). A fatal error of
Python itself (none_dealloc, say) is written only to stderr, faulthandler being switched off for
it; so unless stderr is a terminal someone watches, stderr goes into the session log too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
import contextlib
import datetime as _dt
import faulthandler
import os
from pathlib import Path
import platform
import sys
from typing import IO

from db import paths
from db.backups import list_backups
from db.county import CountyFile
from db.errors import Damaged, FileBusy, KnownError
from db.lock import FileLock

FILE_LINE = "打开的文件："  # a session log's line naming the county file the window opened
OPENING_LINE = "正在打开的文件："  # written before opening it: a crash while opening names it
NOT_OPENED_LINE = "未能打开："  # the opening ended without the file (refused, said, window goes on)
STARTED_LINE = "开始时间："
KEEP = 10  # crash logs kept
_STAMP = "%Y%m%d-%H%M%S-%f"


def logs_dir() -> Path:
    path = paths.data_dir() / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass(frozen=True)
class Crash:
    """A session that ended without quitting: its kept log and the file it had open."""

    log: Path
    started: _dt.datetime | None
    file: Path | None
    # The file the window was opening (and showing: its judgement included) when it died, if it
    # had not finished: the file that the next start, reopening the last file, would die on too.
    opening: Path | None = None


class Session:
    """This window's session log, with faulthandler writing into it until `end`."""

    def __init__(self, folder: Path, versions: str) -> None:
        now = _dt.datetime.now()
        self.log = folder / f"session-{now.strftime(_STAMP)}-{os.getpid()}.log"
        # Locked before the log exists, so a starting program never takes it for a dead one's.
        self._lock = FileLock(self.log)
        self._lock.acquire()
        self._out: IO[str] | None = open(self.log, "a", encoding="utf-8")  # noqa: SIM115
        self._write(f"{STARTED_LINE}{now.isoformat(timespec='seconds')}\n{versions}\n"
                    "（程序正常退出时本文件会被删除；留下来说明程序意外关闭，下面是当时的记录。）\n")
        faulthandler.enable(self._out, all_threads=True)
        self._restore_stderr = redirect_stderr(self._out.fileno())

    def _write(self, text: str) -> None:
        if self._out is not None:
            with contextlib.suppress(OSError):  # a full disk must not stop the window
                self._out.write(text)
                self._out.flush()

    def opening(self, path: Path) -> None:
        self._write(f"{OPENING_LINE}{path}\n")

    def opened(self, path: Path) -> None:
        self._write(f"{FILE_LINE}{path}\n")

    def not_opened(self, path: Path) -> None:
        self._write(f"{NOT_OPENED_LINE}{path}\n")

    def end(self) -> None:
        """The program quits as it should: no trace is left."""
        if self._out is None:
            return
        faulthandler.disable()
        self._restore_stderr()
        with contextlib.suppress(OSError):
            self._out.close()
        self._out = None
        with contextlib.suppress(OSError):
            self.log.unlink()
        self._lock.release()


def redirect_stderr(fd: int) -> Callable[[], None]:
    """Send file descriptor 2 into `fd` unless it is a terminal; what puts it back."""
    try:
        if os.isatty(2):
            return lambda: None
        saved: int | None = os.dup(2)
    except OSError:
        saved = None  # no stderr at all (a Windows program without a console)
    try:
        sys.stderr.flush()
        os.dup2(fd, 2)
    except (OSError, ValueError, AttributeError):
        return lambda: None

    def restore() -> None:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            sys.stderr.flush()
        with contextlib.suppress(OSError):
            if saved is not None:
                os.dup2(saved, 2)
                os.close(saved)
            else:  # let go of the log, so it can be deleted (Windows)
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, 2)
                os.close(devnull)
    return restore


def begin(versions: str = "") -> tuple[Session | None, list[Crash]]:
    """This window's session, and the sessions that died before it (oldest first). A data
    folder that cannot be written gives no session: the window runs without the trace."""
    try:
        folder = logs_dir()
        crashes = _dead_sessions(folder)
        return Session(folder, versions or _versions()), crashes
    except (OSError, FileBusy):
        return None, []


ERRORS_LOG = "errors.log"  # kept: the program's own errors that did not stop it
ERRORS_KEPT = 256 * 1024  # bytes of it kept, the newest


def keep_error(text: str) -> Path | None:
    """Append `text` (a traceback, with the time and versions) to logs/errors.log, which quitting
    does not delete: what a clerk is told to send to whoever helps must still be there then.
    Only the newest ERRORS_KEPT bytes stay. None when the data folder cannot be written."""
    try:
        log = logs_dir() / ERRORS_LOG
        entry = (f"==== {_dt.datetime.now().isoformat(timespec='seconds')}  {_versions()}\n"
                 f"{text.rstrip()}\n\n")
        old = log.read_bytes()[-ERRORS_KEPT:] if log.exists() else b""
        if len(old) + len(entry.encode("utf-8")) > ERRORS_KEPT:
            tail = old[-(ERRORS_KEPT // 2):]
            start = tail.find(b"\n==== ")  # from a whole entry on
            tmp = log.with_name(log.name + ".part")
            tmp.write_bytes((tail[start + 1:] if start >= 0 else b"") + entry.encode("utf-8"))
            tmp.replace(log)
        else:
            with open(log, "a", encoding="utf-8") as out:
                out.write(entry)
        return log
    except OSError:
        return None


def _versions() -> str:
    # The running modules' own version strings: importlib.metadata would read every installed
    # package's metadata (30 ms of each start).
    import PySide6

    from desktop import __version__ as own

    return (f"tcmcounty {own}，Python {platform.python_version()}，PySide6 {PySide6.__version__}，"
            f"{system()}")


def system() -> str:
    """The operating system as the log says it: "Linux 6.1.0-18-amd64 x86_64 glibc 2.36",
    "Windows 10 10.0.19045 AMD64". From what the system call answers at once: platform.platform()
    would start `uname -p` in a subprocess (and read the interpreter's binary for its C library)
    on every start."""
    name = platform.uname()
    words = [name.system, name.release, name.machine]
    if name.system == "Windows":
        words.insert(2, name.version)
    with contextlib.suppress(AttributeError, ValueError, OSError):
        libc = os.confstr("CS_GNU_LIBC_VERSION")  # "glibc 2.36"; absent off glibc
        if libc:
            words.append(libc)
    return " ".join(w for w in words if w)


def _dead_sessions(folder: Path) -> list[Crash]:
    found = []
    for log in sorted(folder.glob("session-*.log")):
        lock = FileLock(log)
        try:
            lock.acquire()
        except FileBusy:
            continue  # another window, still running
        try:
            kept = log.with_name("crash-" + log.name.removeprefix("session-"))
            log.replace(kept)
        except OSError:
            continue
        finally:
            lock.release()
        found.append(_read(kept))
    for old in sorted(folder.glob("crash-*.log"))[:-KEEP]:
        with contextlib.suppress(OSError):
            old.unlink()
    return found


def _read(log: Path) -> Crash:
    started, file, opening = None, None, None
    with contextlib.suppress(OSError):
        for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith(STARTED_LINE):
                with contextlib.suppress(ValueError):
                    started = _dt.datetime.fromisoformat(line.removeprefix(STARTED_LINE))
            elif line.startswith(FILE_LINE):
                file, opening = Path(line.removeprefix(FILE_LINE)), None
            elif line.startswith(OPENING_LINE):
                opening = Path(line.removeprefix(OPENING_LINE))
            elif line.startswith(NOT_OPENED_LINE):
                opening = None
    return Crash(log, started, file, opening)


def notice(crash: Crash) -> str:
    """The one sentence the next start says: the program closed unexpectedly, the file it had
    open is whole (checked now, before the window opens anything) or which backup to use, and
    where the log is."""
    head = "程序上次" + (f"（{crash.started:%Y-%m-%d %H:%M} 启动的那次）" if crash.started else "") \
        + "意外关闭"
    tail = f"；记录见 {crash.log}"
    if crash.opening is not None:
        # Died while opening (or first showing) this file: said, and checked like an open one.
        head += f"（当时正在打开“{crash.opening.name}”）"
    file = crash.opening or crash.file
    if file is None:
        return f"{head}，当时没有打开的文件{tail}。"
    name = file.name
    try:
        _check(file)
    except Damaged:
        found = list_backups(file.stem)
        if not found:
            return (f"{head}，“{name}”已损坏，本机没有它的备份，请找U盘或其他电脑上的副本"
                    f"{tail}。")
        newest = found[0]
        return (f"{head}，“{name}”已损坏，请用“文件 → 恢复备份”选 {newest.taken:%Y-%m-%d %H:%M}"
                f" 的备份（{newest.reason}）恢复{tail}。")
    except KnownError as exc:
        return f"{head}，未能检查“{name}”（{exc}）{tail}。"
    except OSError:
        return f"{head}，“{name}”已不在原处（{file}）{tail}。"
    return f"{head}，已检查“{name}”：文件完好，关闭前保存的修改都在{tail}。"


def _check(path: Path) -> None:
    """Raise if the file is not whole: opened as the window opens it, which first rolls back a
    write the crash cut off, then checks every page (integrity_check)."""
    if not path.exists():
        raise FileNotFoundError(path)
    CountyFile.open(path, daily_backup=False).close()

