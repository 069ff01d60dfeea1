"""Automatic backups in the user's data folder: before a migration, import or merge, and once a
day on open. The last 20 are kept, and the newest of every month before them."""

from __future__ import annotations

from dataclasses import dataclass
import datetime as _dt
from pathlib import Path
import contextlib
import re
import sqlite3
import time

from . import paths
from .copies import snapshot_connection

KEEP_LAST = 20
# A half-written copy older than this was cut off (a backup takes seconds); a younger one may be
# another running copy of the program writing its backup right now.
LEFTOVER_AGE_S = 3600
SUFFIX = ".tcmcounty"
# <file stem>--<YYYYmmdd-HHMMSS-ffffff>--<what happened>.tcmcounty
_NAME = re.compile(r"^(?P<stem>.+)--(?P<stamp>\d{8}-\d{6}-\d{6})--(?P<reason>.+)\.tcmcounty$")


@dataclass(frozen=True)
class Backup:
    path: Path
    stem: str  # the county file's name without its suffix
    taken: _dt.datetime
    reason: str  # what happened next: 升级前, 导入前, 合并前, 每日, 恢复前


def _write(conn: sqlite3.Connection, dest: Path) -> Path:
    return snapshot_connection(conn, dest)


def make_backup(conn: sqlite3.Connection, source: Path, reason: str,
                *, now: _dt.datetime | None = None) -> Path:
    """Copy the open database `conn` (the file at `source`) into the backups folder."""
    now = now or _dt.datetime.now()
    clear_leftovers()
    name = f"{source.stem}--{now.strftime('%Y%m%d-%H%M%S-%f')}--{reason}{SUFFIX}"
    path = _write(conn, paths.backups_dir() / name)
    prune(source.stem)
    return path


def clear_leftovers() -> None:
    """Remove what interrupted backups left (a half copy `.NAME.part` and its journal): they are
    never listed as backups, and without this they would fill the folder for good."""
    cutoff = time.time() - LEFTOVER_AGE_S
    for path in paths.backups_dir().glob(".*.part*"):
        with contextlib.suppress(OSError):
            if path.stat().st_mtime < cutoff:
                path.unlink()


def _taken(stamp: str) -> _dt.datetime:
    """"20241115-093012-123456" (as _NAME matched it) as a time; read by hand: strptime's first
    use loads the locale and compiles its patterns, 3 ms of every start."""
    d, t, us = stamp.split("-")
    return _dt.datetime(int(d[:4]), int(d[4:6]), int(d[6:]), int(t[:2]), int(t[2:4]),
                        int(t[4:]), int(us))


def list_backups(stem: str | None = None) -> list[Backup]:
    """Backups, newest first; only those of one county file when `stem` is given."""
    found = []
    for path in paths.backups_dir().glob(f"*{SUFFIX}"):
        m = _NAME.match(path.name)
        if not m or (stem is not None and m["stem"] != stem):
            continue
        try:
            taken = _taken(m["stamp"])
        except ValueError:  # 20241399-…: not a time this program wrote
            continue
        found.append(Backup(path, m["stem"], taken, m["reason"]))
    return sorted(found, key=lambda b: b.taken, reverse=True)


def prune(stem: str) -> None:
    """Keep the newest KEEP_LAST, and before them the newest backup of each month."""
    backups = list_backups(stem)
    months_seen: set[tuple[int, int]] = set()
    for i, backup in enumerate(backups):
        month = (backup.taken.year, backup.taken.month)
        if i < KEEP_LAST:
            months_seen.add(month)
            continue
        if month in months_seen:
            backup.path.unlink(missing_ok=True)
        else:
            months_seen.add(month)


def backed_up_today(stem: str, today: _dt.date | None = None) -> bool:
    today = today or _dt.date.today()
    return any(b.taken.date() == today for b in list_backups(stem))
