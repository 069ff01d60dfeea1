"""Open, create and write a county file: one SQLite file that holds one county's whole picture.

Every write goes through `insert` / `update` / `delete` here, which validate the whole record,
stamp it with a new revision, the time and this computer's id, and note it in the audit log. A
user action groups its writes in `with county.atomic():` so they land whole or not at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
import contextlib
import datetime as _dt
import functools
import hashlib
import json
import logging
import math
import os
from pathlib import Path
import sqlite3
import threading
from typing import Any, ClassVar
import uuid

from . import paths, schema, structure, verified
from .backups import backed_up_today, make_backup
from .errors import (Damaged, FileExists, KnownError, MissingEvidence, NeedsOpening,
                     ValidationError, in_use, is_busy, known_write_error)
from .fields import (FIELDS, NAME_MAX, TABLE_LABELS, InstitutionKeys, check_applies, clean_text,
                     duplicate_among, text_problem, tidy, validate)
from .given import check_writable_name, real, same_file
from .header import check_header, check_size
from .ids import NAMESPACE, stable_id  # noqa: F401 (stable_id is used from here by many)
from .lock import FileLock
from .townships import in_file_scope, township_sql

log = logging.getLogger(__name__)

# The machine id the demo county is written with (db.demo): how a copy of it is known.
DEMO_MACHINE = "demo0000000000000000000000000000"

FILE_SUFFIX = ".tcmcounty"
# How long to wait for another program's lock on the file before saying it is in use.
BUSY_TIMEOUT = 2.0

# One evidence file at most this big, wherever it enters a county file (attached or merged in):
# the whole county file travels on USB sticks and is read into memory by a merge.
MAX_EVIDENCE_BYTES = 50 * 1024 * 1024


def evidence_too_big(filename: str, size: int) -> str:
    """Why an evidence file is refused: its size and the limit, in words."""
    shown = math.ceil(size / 1024 / 1024 * 10) / 10  # rounded up: 50 MB and a byte is 50.1
    return (f"佐证材料“{filename}”有 {shown:g} MB，超过每个文件 "
            f"{MAX_EVIDENCE_BYTES // 1024 // 1024} MB 的上限")


def utc_now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def shown_time(stamp: str | None, *, seconds: bool = False) -> str:
    """A stored time (utc_now's UTC) as the clerk's clock reads it: "2024-11-15 09:30" (with
    seconds if asked). A stamp without a zone is taken as written; one that cannot be read is
    shown as it is; none: 未知."""
    if not stamp:
        return "未知"
    try:
        at = _dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    if at.tzinfo is not None:
        at = at.astimezone()
    return at.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def check_output_folder(path: Path) -> None:
    """The folder a new file goes into must already be there: a mistyped USB drive path is
    refused, not created somewhere unexpected."""
    check_writable_name(path, FileExists)
    folder = path.parent
    if not folder.exists():
        raise KnownError(f"文件夹“{folder}”不存在。请先插好U盘或选择已有的文件夹。")
    if not folder.is_dir():
        raise KnownError(f"“{folder}”不是文件夹，不能在其中保存文件。")
    if path.is_dir():
        raise KnownError(f"“{path}”是一个文件夹，请给出文件名。")


def refuse_to_replace(dest: Path, *, source: Path | None = None, same_county: str | None = None
                      ) -> None:
    """Outputs (report, workbook, copy) never replace the input or a county's data file.

    `same_county`: a snapshot may replace an older copy of the same county (its id), nothing else.
    """
    dest = Path(dest)
    check_output_folder(dest)
    if not dest.exists():
        return
    if source is not None and same_file(dest, source):
        raise FileExists(f"输出文件“{dest.name}”就是正在读取的县级数据文件，不会覆盖。请换一个文件名。")
    other_id = _county_id_of(dest)
    if same_county is not None:
        if other_id != same_county:
            raise FileExists(f"“{dest.name}”已存在，且不是本县数据文件的旧副本，不会覆盖。"
                             "请换一个文件名。")
    elif other_id is not None:
        raise FileExists(f"“{dest.name}”是一个县级数据文件，不会被覆盖。请换一个文件名。")


def _county_id_of(path: Path) -> str | None:
    """The county id of a county file, or None for anything else. A file with our header that
    fails the checks (damaged, crafted) is still a county file, of no known county ("")."""
    try:
        version = check_header(path)
    except (KnownError, OSError):
        return None
    try:
        conn = _read_only(path)
        try:
            with structure.time_bound(conn, 10.0):
                # Our schema (no view where `setting` should be), to read one value safely.
                if structure.find_problem(conn, version, values=False) is not None:
                    return ""
                row = conn.execute("SELECT value FROM setting WHERE id = 'county_id'").fetchone()
        finally:
            conn.close()
    except (KnownError, sqlite3.DatabaseError, OSError, UnicodeDecodeError):
        return ""
    return row[0] if row and isinstance(row[0], str) else ""


# Text as read from a county file: a byte SQLite cannot vouch for (it keeps no page checksums)
# shows as U+FFFD instead of failing whichever screen or report reads it. (A C callable: as fast
# as the default.)
LENIENT_TEXT = functools.partial(str, encoding="utf-8", errors="replace")


def _connect(path: Path, *, mode: str) -> sqlite3.Connection:
    uri = f"{path.resolve().as_uri()}?mode={mode}"
    # isolation_level=None: no implicit transactions; writes are grouped by `atomic()` only.
    conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT, isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.text_factory = LENIENT_TEXT
    return conn


def _read_only(path: Path, *, immutable: bool = False) -> sqlite3.Connection:
    """A connection that reads a file nobody has checked yet: nothing stored in it runs (no
    function a view, trigger or default could call), and nothing is written."""
    uri = f"{path.resolve().as_uri()}?mode=ro" + ("&immutable=1" if immutable else "")
    conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT, isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.text_factory = LENIENT_TEXT
    try:
        conn.execute("PRAGMA trusted_schema = OFF")
        conn.execute("PRAGMA query_only = ON")
    except BaseException:
        conn.close()
        raise
    return conn


def _configure(conn: sqlite3.Connection, *, writable: bool) -> None:
    # Defence in depth: the schema is checked to be ours on open, and even so nothing stored in
    # the file may call a function with side effects.
    conn.execute("PRAGMA trusted_schema = OFF")
    conn.execute("PRAGMA foreign_keys = ON")
    if writable:
        # A county file travels on USB sticks: one file, no -wal/-shm side files.
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("PRAGMA synchronous = FULL")


def _damaged(path: Path, detail: str, reason: str = "内部结构校验未通过") -> Damaged:
    """The user gets one plain sentence; SQLite's own words go to the log for whoever helps."""
    log.info("damaged county file %s: %s", path, detail)
    return Damaged(f"文件“{path.name}”已损坏（{reason}），无法打开。请从备份恢复。")


def _refused(path: Path, exc: sqlite3.Error, detail: str = "") -> KnownError:
    """Why SQLite would not read the file: another program holds it (the file is fine: close
    that program), or it is damaged (restore a backup). The two must never be confused: a
    backup restored over a busy, healthy file loses the day's work."""
    if is_busy(exc):
        return in_use(path)
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    if code in (sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM, sqlite3.SQLITE_IOERR):
        # Not the file's fault (a folder we may not enter, a stick pulled out): no restore.
        return KnownError(f"无法打开文件“{path.name}”：无法读取（没有权限，或U盘已拔出）。")
    return _damaged(path, f"{detail}{exc}")


def _writable(path: Path) -> bool:
    """Whether the file and its folder (where the journal goes) can be written."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _roll_back_interrupted_write(path: Path) -> None:
    """A write cut off (power, a pulled stick) leaves a journal beside the file: SQLite undoes
    the half-written change the first time a writable connection reads the file."""
    journal = path.with_name(path.name + "-journal")
    if not journal.exists():
        return
    _rehearse_roll_back(path, journal)
    try:
        conn = _connect(path, mode="rw")
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise _refused(path, exc, "rollback of hot journal failed: ") from None
    except UnicodeDecodeError as exc:  # a malformed schema, quoted in SQLite's message
        raise _damaged(path, f"malformed schema: {exc.object!r}") from None


# A rehearsal copies the file and its journal: up to this much together (ten times the large
# demo county is 54 MB). Past it the write is rolled back in place, checked after.
MAX_REHEARSAL_BYTES = 1024 * 1024 * 1024


def _rehearse_roll_back(path: Path, journal: Path) -> None:
    """Roll the cut-off write back on a copy first, and check what it gives: a journal another
    program left could restore what we never create (a trigger), and SQLite's own recovery
    would write that into the file before the check refused it. Refused here, the file and its
    journal stay byte for byte as they were; passed, the file itself is rolled back next (the
    same journal gives the same result). A copy that cannot be made (no room in the temporary
    folder, a file past MAX_REHEARSAL_BYTES) leaves the rollback in place, as it was before:
    recovering the county's own crashed write comes first."""
    import shutil
    import tempfile

    try:
        if path.stat().st_size + journal.stat().st_size > MAX_REHEARSAL_BYTES:
            return
        work = Path(tempfile.mkdtemp(prefix="tcmcounty-rollback-"))
    except OSError:
        return
    try:
        copy = work / path.name  # the same name: a refusal names the user's file
        try:
            shutil.copyfile(path, copy)
            shutil.copyfile(journal, work / journal.name)
        except OSError:
            return
        try:
            conn = _connect(copy, mode="rw")
            try:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            finally:
                conn.close()
            version = check_header(copy)
            conn = _read_only(copy)
        except (sqlite3.DatabaseError, UnicodeDecodeError):
            return  # the rollback in place says what is wrong, in its own words
        try:
            _check_open(conn, copy, version)
        finally:
            conn.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def verify_file(path: Path, version: int) -> None:
    """Check a county file read-only, so a damaged or crafted one is refused and left as it was:
    SQLite's own check of every page, then the schema and the kinds of values against ours
    (db.structure). Bounded in time like a merge's reading of the other file.

    A full integrity check on every open, not only the day's first (when the daily backup's
    check would see it): it also compares every index with its table, so a flipped byte in an
    indexed value is caught; with the schema check, about 0.06 s on the large demo county (README).
    A file whose every byte is as this computer last saw it whole (db.verified) has only its
    schema compared: the rest cannot have changed.
    """
    check_size(path)  # a file padded far past its pages is refused before it is hashed
    try:
        before = _state(path)
        digest: str | None = verified.fingerprint(path)
    except OSError:
        before, digest = None, None
    seen = digest is not None and verified.seen_whole(path, digest, version)
    try:
        conn = _read_only(path)
    except sqlite3.DatabaseError as exc:
        raise _refused(path, exc) from None
    try:
        _check_open(conn, path, version, pages=not seen, values=not seen)
    finally:
        conn.close()
    if digest is not None and not seen:
        with contextlib.suppress(OSError):
            if _state(path) == before:  # what was hashed is what was checked
                verified.remember(path, digest, version, utc_now())


def _check_open(conn: sqlite3.Connection, path: Path, version: int, *, quick: bool = False,
                values: bool = True, pages: bool = True) -> None:
    """verify_file's checks on an open connection. `quick`: SQLite's quick_check (no index
    comparison), as for a folder of files read one by one; `values`: the pass over every value
    (left out when the same file was checked with it moments before); `pages`: SQLite's check
    of every page (left out for content seen whole before, db.verified)."""
    try:
        with structure.time_bound(conn):
            check = "quick_check" if quick else "integrity_check"
            result = [r[0] for r in conn.execute(f"PRAGMA {check}(1)")] if pages else ["ok"]
            if result != ["ok"]:
                raise _damaged(path, "; ".join(map(str, result)))
            problem = structure.find_problem(conn, version, values=values)
            if problem is not None:
                raise problem.refusal(path)
    except sqlite3.DatabaseError as exc:
        if structure.interrupted(exc):
            raise structure.too_slow(path) from None
        raise _refused(path, exc) from None
    except UnicodeDecodeError as exc:
        # SQLite's message quotes the schema's text it could not parse; a flipped bit there
        # is not UTF-8, and Python fails on the message itself.
        raise _damaged(path, f"malformed schema: {exc.object!r}") from None


# ---- the structure check, started ahead ---------------------------------------------------
# The full check reads every page (0.6 s for a county ten times the large demo). The window
# starts it in a thread as soon as it knows the file, so that it runs while Qt loads; SQLite
# leaves the interpreter to the other thread while it works. `open` then takes its verdict,
# if it was given for the file as it still is.

_ahead: dict[Path, tuple[tuple[int, int, int], threading.Thread, list[BaseException | None]]] = {}


def _state(path: Path) -> tuple[int, int, int]:
    st = path.stat()
    return st.st_size, st.st_mtime_ns, st.st_ino


def verify_ahead(path: str | os.PathLike[str]) -> None:
    """Start checking the structure of `path` in the background for the next `open` of it.
    Nothing is started for a file that is not there or has a write to roll back first."""
    path = real(path)
    try:
        state = _state(path)
    except OSError:
        return
    if path.with_name(path.name + "-journal").exists():
        return
    verdict: list[BaseException | None] = [None]

    def check() -> None:
        try:
            verify_file(path, check_header(path))
        except BaseException as exc:  # noqa: BLE001 - handed to `open`, which raises it
            verdict[0] = exc

    thread = threading.Thread(target=check, name="verify", daemon=True)
    _ahead[path] = (state, thread, verdict)
    thread.start()


def _verified_ahead(path: Path) -> bool:
    """True when a check started ahead passed for the file as it is now; raises what it found
    wrong. False when there was none (or the file has changed since): check now."""
    found = _ahead.pop(real(path), None)
    if found is None:
        return False
    state, thread, verdict = found
    thread.join()
    try:
        if _state(real(path)) != state:
            return False
    except OSError:
        return False
    if verdict[0] is not None:
        raise verdict[0]
    return True


class CountyFile:
    """One open county file. Use `CountyFile.open()` or `CountyFile.create()`."""

    def __init__(
        self,
        path: Path,
        conn: sqlite3.Connection,
        *,
        machine: str,
        read_only: bool = False,
        clock: Callable[[], str] = utc_now,
        new_id: Callable[[], str] = lambda: uuid.uuid4().hex,
    ):
        self.path = path
        self.conn = conn
        self.machine = machine
        self.host = paths.host_name()
        self.read_only = read_only
        self.clock = clock
        self.new_id = new_id
        self.migrated_from: int | None = None
        self.lock: FileLock | None = None
        # PRAGMA data_version when opened after the full check: unchanged at closing, nothing
        # but this connection (through our own checks) wrote the file meanwhile.
        self._seen_version: int | None = None
        self._closed = False
        self._memo: dict[Any, Any] = {}
        self._memo_stamp: tuple[int, int | None] | None = None
        # Sentences about stored values that could not be read and what is used instead (the
        # shipped standard for a damaged 评分标准 …), each said once for this opened file.
        self._said: set[str] = set()
        self._notices: list[str] = []

    # Where a notice goes as it is said, when someone listens (the command line: its stderr);
    # else it waits for `take_notices` (the window's notice line).
    listener: ClassVar[Callable[[str], None] | None] = None

    def notice(self, text: str) -> None:
        """Say `text` about this file once: a value read from it was not used, and what was."""
        if text in self._said:
            return
        self._said.add(text)
        listener = self.listener
        if listener is not None:
            listener(text)
        else:
            self._notices.append(text)

    def take_notices(self) -> list[str]:
        """The notices said since the last call (each only ever once)."""
        out, self._notices = self._notices, []
        return out

    def memo(self) -> dict[Any, Any]:
        """Where what is worked out from the file's content (a year's facts) is kept while the
        content stays as it was: emptied as soon as this connection changes a row or another one
        commits. Inside a transaction nothing is kept (a fresh dict each time): what it wrote
        may yet be rolled back."""
        if self.conn.in_transaction:
            return {}
        stamp = (self.conn.total_changes, self._data_version())
        if stamp != self._memo_stamp:
            self._memo = {}
            self._memo_stamp = stamp
        return self._memo

    @functools.cached_property
    def db(self) -> Any:
        """sqlite-utils over the connection, made at the first write: importing it costs 40 ms,
        which the window does not spend at start, when nothing is written."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn)

    # ---- opening and creating -------------------------------------------------------------

    @classmethod
    def create(
        cls,
        path: str | os.PathLike[str],
        county_name: str,
        *,
        machine: str | None = None,
        clock: Callable[[], str] = utc_now,
        new_id: Callable[[], str] = lambda: uuid.uuid4().hex,
        fill: Callable[[CountyFile], None] | None = None,
    ) -> CountyFile:
        """Make a new county file; it appears at `path` only once complete (and `fill`ed)."""
        path = Path(path)
        county_name = clean_text(county_name or "").strip()
        if not county_name:
            raise ValidationError("县（区）名称：不能为空", table="setting", field="county_name")
        reason = text_problem(county_name, NAME_MAX)
        if reason:
            raise ValidationError(f"县（区）名称：{reason}", table="setting", field="county_name")
        check_output_folder(path)
        if path.exists():
            raise FileExists(f"“{path.name or path}”已存在，不会覆盖。请换一个文件名。")
        tmp = path.with_name(path.name + ".creating")
        tmp.unlink(missing_ok=True)
        conn = sqlite3.connect(tmp, isolation_level=None)
        conn.row_factory = sqlite3.Row
        try:
            _configure(conn, writable=True)
            conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
            _migrate(conn, 0)
            county = cls(path, conn, machine=machine or paths.machine_id(), clock=clock,
                         new_id=new_id)
            with county.atomic():
                county.set_setting("county_id", county.new_id())
                county.set_setting("county_name", county_name.strip())
                county.set_setting("active_profile", "baseline")
                county.log("创建县级数据文件", label=county_name.strip())
                if fill is not None:
                    fill(county)
            conn.close()
            os.replace(tmp, path)
        except BaseException as exc:
            conn.close()
            for leftover in (tmp, tmp.with_name(tmp.name + "-journal")):
                with contextlib.suppress(OSError):
                    leftover.unlink(missing_ok=True)
            known = known_write_error(exc, path)
            if known is None or known is exc:
                raise
            raise known from None
        return cls.open(path, machine=machine, clock=clock, new_id=new_id, daily_backup=False)

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str],
        *,
        machine: str | None = None,
        clock: Callable[[], str] = utc_now,
        new_id: Callable[[], str] = lambda: uuid.uuid4().hex,
        exclusive: bool = False,
        daily_backup: bool = True,
    ) -> CountyFile:
        """Open a county file, migrating it (after a backup copy) if an older version wrote it.

        `exclusive`: hold the file against other running copies (the window does; a command
        that only reads does not). Once a day a copy goes to the backups folder.
        """
        path = Path(path)
        version = check_header(path)
        writable = _writable(path)
        if writable:
            _roll_back_interrupted_write(path)
        if not _verified_ahead(path):
            verify_file(path, version)
        lock = FileLock(path) if exclusive and writable else None
        if lock is not None:
            lock.acquire()
        try:
            county = cls._open_checked(path, version, writable, machine, clock, new_id)
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        county.lock = lock
        if writable:
            county._seen_version = county._data_version()
        if writable and daily_backup:
            try:
                if not backed_up_today(path.stem):
                    make_backup(county.conn, path, "每日")
            except BaseException:  # e.g. the backups folder's disk is full: let go of the file
                county.close()
                raise
        return county

    @classmethod
    def open_untouched(cls, path: str | os.PathLike[str], *, values: bool = True) -> CountyFile:
        """Open a county file only to read it, leaving every byte as it was (a folder of counties
        rolled up by a city): no backup, no upgrade, no lock file, no journal rolled back.

        SQLite's `immutable` mode reads without taking locks or creating side files. A file that
        would need writing first (an older version, a write cut off) is refused with the reason.
        A file from another office is read as a merge reads one: checked against our schema
        first, so nothing stored in it runs, and every read of it is bounded in time. `values`:
        False when the caller checked this file value by value moments before (a rollup opens
        each file twice: to know which county it is, then to judge it).
        """
        path = Path(path)
        version = check_header(path)
        if version < schema.current_version():
            raise NeedsOpening(f"“{path.name}”是旧版本文件，请先用本程序打开一次（会自动升级）。")
        if path.with_name(path.name + "-journal").exists():
            raise NeedsOpening(f"“{path.name}”上次保存没有完成（旁边留有 -journal 文件），"
                             "请先用本程序打开一次。")
        try:
            conn = _read_only(path, immutable=True)
        except sqlite3.DatabaseError as exc:
            raise _refused(path, exc) from None
        try:
            _check_open(conn, path, version, quick=True, values=values)
        except BaseException:
            conn.close()
            raise
        structure.bound(conn)  # every read of it, not only the check
        # The machine id is never made here: reading must not write even the program's own folder.
        return cls(path, conn, machine="read-only", read_only=True)

    @classmethod
    def _open_checked(cls, path: Path, version: int, writable: bool, machine: str | None,
                      clock: Callable[[], str], new_id: Callable[[], str]) -> CountyFile:
        try:
            conn = _connect(path, mode="rw" if writable else "ro")
            _configure(conn, writable=writable)
        except sqlite3.DatabaseError as exc:
            raise _refused(path, exc) from None
        county = cls(path, conn, machine=machine or paths.machine_id(), read_only=not writable,
                     clock=clock, new_id=new_id)
        if version < schema.current_version():
            if not writable:
                conn.close()
                raise KnownError(
                    f"文件“{path.name}”是旧版本的数据文件，需要升级，但该位置只读。"
                    "请先复制到电脑上再打开。"
                )
            county._upgrade(version)
        return county

    def _upgrade(self, version: int) -> None:
        make_backup(self.conn, self.path, f"v{version}升级前")
        _migrate(self.conn, version)
        self.migrated_from = version
        with self.atomic():
            self.log("升级数据版本", old=str(version), new=str(schema.current_version()))

    def _data_version(self) -> int | None:
        try:
            return self.conn.execute("PRAGMA data_version").fetchone()[0]
        except sqlite3.Error:
            return None

    @property
    def is_demo(self) -> bool:
        """Whether the file is (a copy of) the demo county: its identity was made by
        db.demo.write_demo, on the demo's own machine id."""
        row = self.conn.execute("SELECT updated_by FROM setting WHERE id = 'county_id'").fetchone()
        return row is not None and row[0] == DEMO_MACHINE

    @property
    def is_open(self) -> bool:
        """False once closed: what a delayed job of the window (a score recomputed a moment after
        the last keystroke) asks before it reads."""
        return not self._closed

    def close(self) -> None:
        self._closed = True
        whole = (self._seen_version is not None and not self.conn.in_transaction
                 and self._data_version() == self._seen_version)
        self._seen_version = None
        self.conn.close()
        try:
            if whole:
                # As this program leaves it: the next opening need not check every page again.
                # Hashed before the lock is let go, so no other copy of the program writes meanwhile.
                with contextlib.suppress(OSError):
                    verified.remember(self.path, verified.fingerprint(self.path),
                                      schema.current_version(), utc_now())
        finally:
            if self.lock is not None:
                self.lock.release()
                self.lock = None

    def __enter__(self) -> CountyFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- transactions and reading ---------------------------------------------------------

    @contextlib.contextmanager
    def atomic(self) -> Iterator[CountyFile]:
        """All writes inside land together or not at all; nests with savepoints."""
        if self.read_only:
            raise KnownError(f"文件“{self.path.name}”以只读方式打开，不能修改。")
        try:
            with self.db.atomic():
                yield self
        except (sqlite3.OperationalError, OSError) as exc:
            # A full disk or another program's lock: nothing was written, and the clerk reads
            # why in one sentence naming the file.
            known = known_write_error(exc, self.path)
            if known is None or known is exc:
                raise
            raise known from None

    @property
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def query(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:
        """The rows of a SELECT, as dicts.

        Plain tuples zipped with the column names: three times faster than dict(sqlite3.Row)
        (the 10× county's year is 6,400 rows of 40 columns, read by every view of it). Text is
        read as SQLite's UTF-8 directly, a fifth faster than through LENIENT_TEXT; only if some
        text is not UTF-8 (a flipped bit) is the query read again leniently."""
        conn = self.conn
        head = sql.lstrip()[:6].upper()
        if head != "SELECT" and not head.startswith("WITH"):  # read again only what only reads
            return self._query(sql, params)
        conn.text_factory = str
        try:
            return self._query(sql, params)
        except sqlite3.OperationalError as exc:
            if not str(exc).startswith("Could not decode to UTF-8"):
                raise
        finally:
            conn.text_factory = LENIENT_TEXT
        return self._query(sql, params)

    def _query(self, sql: str, params: Any) -> list[dict[str, Any]]:
        cursor = self.conn.cursor()
        cursor.row_factory = None
        cursor.execute(sql, params)
        names = [d[0] for d in cursor.description or ()]
        return [dict(zip(names, row)) for row in cursor]

    def get(self, table: str, record_id: str, *, include_deleted: bool = False) -> dict | None:
        _check_table(table)
        sql = f"SELECT * FROM {table} WHERE id = ?"
        if not include_deleted:
            sql += " AND deleted = 0"
        row = self.conn.execute(sql, (record_id,)).fetchone()
        return dict(row) if row else None

    def rows(
        self,
        table: str,
        where: str = "",
        params: Any = (),
        *,
        order: str = "",
        include_deleted: bool = False,
    ) -> list[dict[str, Any]]:
        _check_table(table)
        clauses = [] if include_deleted else ["deleted = 0"]
        if where:
            clauses.append(f"({where})")
        sql = f"SELECT * FROM {table}"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        if order:
            sql += f" ORDER BY {order}"
        return self.query(sql, params)

    def count(self, table: str, where: str = "", params: Any = ()) -> int:
        _check_table(table)
        sql = f"SELECT count(*) FROM {table} WHERE deleted = 0"
        if where:
            sql += f" AND ({where})"
        return self.conn.execute(sql, params).fetchone()[0]

    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self.get("setting", key)
        return row["value"] if row else default

    @property
    def county_name(self) -> str:
        return self.setting("county_name") or ""

    @property
    def county_id(self) -> str:
        return self.setting("county_id") or ""

    def institutions_in_year(self, year: int) -> list[dict[str, Any]]:
        """Institutions active in `year` with that year's facts (None where not reported).

        `type` is the type for that year; `year_row` is the facts record's id, or None. Ordered as
        the window and the workbooks list them: hospitals, then centres, by township and name.
        `township` is the one it belongs to that year (db.townships); a township's fill-in file
        lists only those that belong to it that year.
        """
        return in_file_scope(self, self.query(_IN_YEAR_SQL, {"year": year}))

    def years(self) -> list[int]:
        """Years for which the file holds any facts, ascending."""
        found = {r[0] for r in self.conn.execute("SELECT year FROM county_year WHERE deleted = 0")}
        # One look-up per year along the indexes on year and date, not a read of every record
        # (the window asks twice at start; the 10× county holds 124,000 of them).
        step = self.conn.execute
        row = step("SELECT year FROM institution_year WHERE deleted = 0 ORDER BY year LIMIT 1"
                   ).fetchone()
        while row is not None:
            found.add(row[0])
            row = step("SELECT year FROM institution_year WHERE year > ? AND deleted = 0 "
                       "ORDER BY year LIMIT 1", (row[0],)).fetchone()
        row = step("SELECT substr(date, 1, 4), CAST(substr(date, 1, 4) AS INTEGER) FROM activity "
                   "WHERE deleted = 0 ORDER BY date LIMIT 1").fetchone()
        while row is not None:
            found.add(row[1])
            # Past every date of that year: its four characters and the highest character.
            row = step("SELECT substr(date, 1, 4), CAST(substr(date, 1, 4) AS INTEGER) FROM "
                       "activity WHERE date > ? AND deleted = 0 ORDER BY date LIMIT 1",
                       (row[0] + "\U0010ffff",)).fetchone()
        return sorted(found)

    # ---- writing --------------------------------------------------------------------------

    def _stamp(self, rec: dict[str, Any]) -> None:
        """Give a record a new revision, noted in the revlog that a later merge consults."""
        rev = self.new_id()
        rec["rev"] = rev
        rec["updated_at"] = self.clock()
        rec["updated_by"] = self.machine
        self.conn.execute("INSERT OR IGNORE INTO revlog (record_id, rev) VALUES (?, ?)",
                          (rec["id"], rev))

    def insert(self, table: str, values: dict[str, Any], *, record_id: str | None = None,
               audit: bool = True) -> str:
        """Add a record; returns its id. Refuses impossible values with a Chinese message."""
        rec = _prepare(table, values)
        rec["id"] = record_id or self.new_id()
        rec["deleted"] = 0
        with self.atomic():
            existing = self.get(table, rec["id"], include_deleted=True)
            if existing is not None:
                raise KnownError(f"{TABLE_LABELS[table]}记录 {rec['id']} 已存在。")
            self._refuse_duplicate(table, rec)
            if table == "institution_year":
                check_applies(self._year_type(rec), rec)
            self._stamp(rec)
            self.db[table].insert(rec)
            if audit:
                self.log("新增", table=table, record_id=rec["id"], label=self._describe(table, rec))
        return rec["id"]

    def insert_many(self, table: str, records: list[dict[str, Any]]) -> list[str]:
        """Add many new records in one go (demo, import); each is validated like `insert`.

        Records may carry their own `id`; the caller writes one audit line for the batch.
        """
        _check_table(table)
        names = [f.name for f in FIELDS[table]]
        prepared = []
        with self.atomic():
            # Each institution's keys computed once: checking every new one against all the
            # others stays linear in the county's size.
            known = InstitutionKeys(self.rows(table)) if table == "institution" else None
            types = ({r["id"]: r["type"] for r in self.rows("institution", include_deleted=True)}
                     if table == "institution_year" else {})
            for values in records:
                rec = _prepare(table, {k: v for k, v in values.items() if k != "id"})
                rec["id"] = values.get("id") or self.new_id()
                if known is not None:
                    _raise_duplicate(rec, known.duplicate(rec))
                    known.add(rec)
                elif table == "institution_year":
                    check_applies(rec["inst_type"] or types.get(rec["institution_id"]), rec)
                self._stamp(rec)
                prepared.append(rec)
            cols = ["id", *names, "rev", "updated_at", "updated_by"]
            sql = (f"INSERT INTO {table} ({', '.join(cols)}) "
                   f"VALUES ({', '.join('?' for _ in cols)})")
            self.conn.executemany(sql, [[r[c] for c in cols] for r in prepared])
        return [r["id"] for r in prepared]

    def update(self, table: str, record_id: str, changes: dict[str, Any], *,
               audit: bool = True, register: InstitutionKeys | None = None) -> dict[str, Any]:
        """Change some fields of a record; the whole record must still make sense.

        `register`: the file's institutions by their keys, for a batch of many changes (an
        import), checked there instead of against every institution each time, and kept up
        to date here."""
        _check_table(table)
        _reject_unknown(table, changes)
        with self.atomic():
            old = self.get(table, record_id)
            if old is None:
                raise KnownError(f"要修改的{TABLE_LABELS[table]}记录已不存在（可能已被删除）。")
            # Cleaned as a whole: an invisible character an older file holds in another field
            # goes with this write instead of refusing it.
            new = tidy(table, {**old, **changes})
            validate(table, new)
            if {"name", "township", "code"} & set(changes):
                if register is not None and table == "institution":
                    _raise_duplicate(new, register.duplicate(new))
                else:
                    self._refuse_duplicate(table, new)
            changed = [f.name for f in FIELDS[table] if old.get(f.name) != new.get(f.name)]
            if not changed:
                return old
            if table == "institution_year":
                # Only what this write gives: a value an older file holds stays as it is.
                check_applies(self._year_type(new), {k: new[k] for k in changed})
            self._stamp(new)
            self.db[table].update(record_id, {k: new[k] for k in (*changed, "rev", "updated_at",
                                                                  "updated_by")})
            if register is not None and table == "institution":
                register.replace(new)
            if audit:
                label = self._describe(table, new)
                for key in changed:
                    self.log("修改", table=table, record_id=record_id, label=label, field=key,
                             old=_text(old.get(key)), new=_text(new.get(key)))
        return new

    def upsert(self, table: str, record_id: str, values: dict[str, Any], *,
               audit: bool = True) -> dict[str, Any]:
        """Insert at a stable id, or update (and revive) the record already there."""
        with self.atomic():
            current = self.get(table, record_id, include_deleted=True)
            if current is None:
                self.insert(table, values, record_id=record_id, audit=audit)
                return self.get(table, record_id) or {}
            if current["deleted"]:
                self._set_deleted(table, current, 0, audit=audit)
            return self.update(table, record_id, values, audit=audit)

    def delete(self, table: str, record_id: str) -> None:
        """Delete by tombstone: the record stays, marked, so a merge can carry the deletion."""
        with self.atomic():
            rec = self.get(table, record_id)
            if rec is None:
                return
            self._set_deleted(table, rec, 1)

    def restore(self, table: str, record_id: str) -> None:
        with self.atomic():
            rec = self.get(table, record_id, include_deleted=True)
            if rec is None or not rec["deleted"]:
                return
            validate(table, rec)
            self._refuse_duplicate(table, rec)
            self._set_deleted(table, rec, 0)

    def _year_type(self, rec: dict[str, Any]) -> str | None:
        """The type an institution_year record's institution has that year."""
        if rec.get("inst_type"):
            return rec["inst_type"]
        inst = self.get("institution", rec.get("institution_id") or "", include_deleted=True)
        return inst["type"] if inst else None

    def _refuse_duplicate(self, table: str, rec: dict[str, Any]) -> None:
        if table == "institution":
            _raise_duplicate(rec, duplicate_institution(self, rec))

    def _set_deleted(self, table: str, rec: dict[str, Any], flag: int, *,
                     audit: bool = True) -> None:
        self._stamp(rec)
        self.db[table].update(rec["id"], {"deleted": flag, "rev": rec["rev"],
                                          "updated_at": rec["updated_at"],
                                          "updated_by": rec["updated_by"]})
        if audit:
            self.log("删除" if flag else "恢复", table=table, record_id=rec["id"],
                     label=self._describe(table, rec))

    def _describe(self, table: str, rec: dict[str, Any]) -> str:
        """How the audit log names a record: an institution's facts by its name and year."""
        if table == "institution_year":
            inst = self.get("institution", rec["institution_id"], include_deleted=True)
            return f"{inst['name'] if inst else ''} {rec['year']}年".strip()
        if table == "county_year":
            return f"全县 {rec['year']}年"
        if table == "institution_township":
            inst = self.get("institution", rec["institution_id"], include_deleted=True)
            return f"{inst['name'] if inst else ''} {rec['until_year']}年及以前所属乡镇".strip()
        return _describe_plain(table, rec)

    def log(self, action: str, *, table: str | None = None, record_id: str | None = None,
            label: str | None = None, field: str | None = None, old: str | None = None,
            new: str | None = None, line_id: str | None = None, at: str | None = None) -> None:
        """Append one line to the audit log: what, old, new, when, on which computer. `line_id`
        and `at`: the same line as one written in another file (a township's file's birth)."""
        self.db["audit"].insert({
            "id": line_id or self.new_id(), "at": at or self.clock(), "machine": self.machine,
            "host": self.host, "action": action, "table_name": table, "record_id": record_id, "label": label,
            "field": field, "old": old, "new": new,
        })

    # ---- typed helpers --------------------------------------------------------------------

    def set_setting(self, key: str, value: str | None) -> None:
        self.upsert("setting", key, {"value": value})

    def institution_year_id(self, institution_id: str, year: int) -> str:
        return stable_id("institution_year", institution_id, year)

    def county_year_id(self, year: int) -> str:
        return stable_id("county_year", self.county_id, year)

    def set_institution_year(self, institution_id: str, year: int,
                             values: dict[str, Any]) -> dict[str, Any]:
        """Change one institution's facts for a year, creating the year's record if needed."""
        rid = self._year_record("institution_year", "institution_id = ? AND year = ?",
                                (institution_id, year),
                                self.institution_year_id(institution_id, year))
        values = dict(values)
        if "carried" not in values:
            # A value given for the year (typed, imported) confirms the carried-over one.
            current = self.get("institution_year", rid)
            if current and current.get("carried"):
                values["carried"] = uncarry(current["carried"],
                                            [k for k, v in values.items() if v is not None])
        return self.upsert("institution_year", rid,
                           {**values, "institution_id": institution_id, "year": year})

    def set_county_year(self, year: int, values: dict[str, Any]) -> dict[str, Any]:
        rid = self._year_record("county_year", "year = ?", (year,), self.county_year_id(year))
        return self.upsert("county_year", rid, {**values, "year": year})

    def _year_record(self, table: str, where: str, params: tuple[Any, ...], stable: str) -> str:
        """The id of the record a year's facts live in: the one already there, else `stable`."""
        row = self.conn.execute(f"SELECT id FROM {table} WHERE {where} ORDER BY deleted LIMIT 1",
                                params).fetchone()
        return row[0] if row else stable

    def add_evidence(self, filename: str, data: bytes, *, owner_table: str,
                     owner_id: str | None = None, indicator_id: str | None = None,
                     year: int | None = None, mime: str | None = None,
                     note: str | None = None) -> str:
        """Store a file inside the county file (once per content) and link it to its owner."""
        if len(data) > MAX_EVIDENCE_BYTES:
            raise KnownError(f"{evidence_too_big(filename, len(data))}，请压缩或拆分后再添加。")
        digest = hashlib.sha256(data).hexdigest()
        with self.atomic():
            self.conn.execute("INSERT OR IGNORE INTO blob (sha256, data) VALUES (?, ?)",
                              (digest, data))
            return self.insert("evidence", {
                "owner_table": owner_table, "owner_id": owner_id, "indicator_id": indicator_id,
                "year": year, "filename": filename, "mime": mime, "size": len(data),
                "sha256": digest, "note": note,
            })

    def evidence_data(self, evidence_id: str) -> bytes:
        """The stored file of an evidence record; KnownError naming the record (its file name)
        when the record is gone or its file is not in the county file (a copy damaged, or
        edited by another program)."""
        row = self.conn.execute(
            "SELECT b.data FROM evidence e JOIN blob b ON b.sha256 = e.sha256 WHERE e.id = ?",
            (evidence_id,),
        ).fetchone()
        if row is not None:
            return bytes(row[0])
        named = self.conn.execute("SELECT filename FROM evidence WHERE id = ?",
                                  (evidence_id,)).fetchone()
        if named is None:
            raise KnownError("找不到该佐证材料（可能已被删除）。")
        raise MissingEvidence(f"佐证材料“{named[0]}”的文件内容不在本县数据文件中。")


def duplicate_institution(county: CountyFile | sqlite3.Connection,
                          record: dict[str, Any]) -> str | None:
    """Why `record` would register an institution the file already holds, in Chinese, or None.

    The same 机构代码, or the same name in the same township, among the institutions not
    deleted (a record is never its own duplicate: pass its `id` when it is already stored).
    The window, the Excel import and a merge all ask this, so they refuse for the same reason.
    """
    conn = county.conn if isinstance(county, CountyFile) else county
    code, name = record.get("code"), record.get("name")
    rows = conn.execute(
        "SELECT id, name, township, code FROM institution WHERE deleted = 0 AND (code IS NOT NULL"
        " OR name IS NOT NULL)").fetchall() if (code or name) else []
    others = [dict(zip(("id", "name", "township", "code"), r, strict=True)) for r in rows]
    return duplicate_among(record, others)


def _raise_duplicate(rec: dict[str, Any], reason: str | None) -> None:
    """The refusal names the field the clash is on, so the importer points at its column."""
    if reason:
        raise ValidationError(f"机构“{rec['name']}”：{reason}。", table="institution",
                              field="code" if "代码" in reason else "name",
                              label="机构代码" if "代码" in reason else "机构名称")


_YEAR_FACTS = [f.name for f in FIELDS["institution_year"]
               if f.name not in ("institution_id", "year", "inst_type")]


def parse_carried(marker: str | None) -> tuple[int | None, list[str]]:
    """`institution_year.carried` ("2023:hall_state,tech_items") as (source year, fields)."""
    if not marker:
        return None, []
    year, _, names = marker.partition(":")
    return (int(year) if year.isdigit() else None), [n for n in names.split(",") if n]


def carried_marker(year: int, names: list[str]) -> str | None:
    return f"{year}:{','.join(names)}" if names else None


def uncarry(marker: str | None, confirmed: list[str]) -> str | None:
    """The marker with `confirmed` fields no longer awaiting confirmation."""
    year, names = parse_carried(marker)
    if year is None:
        return None
    return carried_marker(year, [n for n in names if n not in confirmed])
_IN_YEAR_SQL = f"""
SELECT i.id, i.name, i.code, COALESCE(y.inst_type, i.type) AS type,
       {township_sql()} AS township, i.ownership,
       i.parent_id, p.name AS parent, i.active_from, i.active_to, y.id AS year_row, {", ".join("y." + f for f in _YEAR_FACTS)}
FROM institution i
LEFT JOIN institution p ON p.id = i.parent_id AND p.deleted = 0
LEFT JOIN institution_year y ON y.institution_id = i.id AND y.year = :year AND y.deleted = 0
WHERE i.deleted = 0
  AND (i.active_from IS NULL OR i.active_from <= :year)
  AND (i.active_to IS NULL OR i.active_to >= :year)
ORDER BY CASE COALESCE(y.inst_type, i.type)
           WHEN 'county_tcm_hospital' THEN 0 WHEN 'county_general_hospital' THEN 1
           WHEN 'maternal_child' THEN 2 WHEN 'chc' THEN 3 WHEN 'township_hc' THEN 3 ELSE 5 END,
         COALESCE({township_sql()}, ''), i.name
"""


def _migrate(conn: sqlite3.Connection, version: int) -> None:
    """Apply the steps after `version` in one transaction: the upgrade lands whole or not at all."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        for number, step in enumerate(schema.MIGRATIONS[version:], start=version + 1):
            if isinstance(step, str):
                for statement in _statements(step):
                    conn.execute(statement)
            else:
                step(conn)
            conn.execute(f"PRAGMA user_version = {number}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def _statements(script: str) -> list[str]:
    """A SQL script as single statements (executescript would commit the open transaction)."""
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    if current.strip():
        statements.append(current.strip())
    return [s for s in statements if s and not all(
        ln.strip().startswith("--") or not ln.strip() for ln in s.splitlines())]


def _prepare(table: str, values: dict[str, Any]) -> dict[str, Any]:
    """A whole record from `values`, defaults filled in, checked for impossible values."""
    _check_table(table)
    _reject_unknown(table, values)
    values = tidy(table, values)
    rec = {f.name: values.get(f.name) for f in FIELDS[table]}
    for f in FIELDS[table]:
        if rec[f.name] is None:
            rec[f.name] = f.default
    validate(table, rec)
    return rec


def _check_table(table: str) -> None:
    if table not in FIELDS:
        raise ValueError(f"unknown table {table!r}")


def _reject_unknown(table: str, values: dict[str, Any]) -> None:
    known = {f.name for f in FIELDS[table]}
    unknown = set(values) - known
    if unknown:
        raise ValueError(f"unknown fields for {table}: {sorted(unknown)}")


def _describe_plain(table: str, rec: dict[str, Any]) -> str:
    for key in ("name", "title", "text", "filename"):
        if rec.get(key):
            return str(rec[key])
    if "year" in rec and rec.get("year"):
        return str(rec["year"])
    return str(rec.get("id", ""))


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
