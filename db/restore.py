"""恢复备份: put a backup in place of the county file, keeping what was there (a backup of a
healthy file, the bytes of a damaged one) so that a restore can itself be undone."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
import shutil
import sqlite3

from . import paths
from .backups import SUFFIX, make_backup
from .copies import snapshot_connection
from .county import CountyFile, verify_file
from .errors import Damaged, KnownError, os_error_text
from .header import check_header
from .lock import FileLock


def restore_backup(county_path: Path, backup: Path) -> Path:
    """Put a backup in place of the county file, after backing up the file as it is now.

    The county file must not be open. Returns the backup made of the current state. The backup
    is checked as strictly as a file being opened (it may have come from anywhere): one that
    would be refused on opening never takes the county file's place.
    """
    verify_file(backup, check_header(backup))
    try:
        current = CountyFile.open(county_path, exclusive=True, daily_backup=False)
    except Damaged:
        return _restore_over_damaged(county_path, backup)
    with current:
        before = make_backup(current.conn, county_path, "恢复前")
        source = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
        try:
            current.close()
            snapshot_connection(source, county_path)
        finally:
            source.close()
    return before


def _restore_over_damaged(county_path: Path, backup: Path) -> Path:
    """A damaged file cannot be opened to be backed up: its bytes (and any journal beside it)
    are kept as they are in the backups folder, as `….tcmcounty.damaged`, never listed as a
    backup, for whoever helps; then the backup takes its place."""
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    kept = paths.backups_dir() / f"{county_path.stem}--{stamp}--损坏{SUFFIX}.damaged"
    journal = county_path.with_name(county_path.name + "-journal")
    lock = FileLock(county_path)
    lock.acquire()
    try:
        try:
            shutil.copyfile(county_path, kept)
            if journal.exists():
                shutil.copyfile(journal, kept.with_name(kept.name + "-journal"))
                # Left beside the restored file, SQLite would play it back into it.
                journal.unlink()
        except OSError as exc:
            raise KnownError(f"无法保存损坏文件的副本“{kept}”：{os_error_text(exc)}。未作任何改动。"
                             ) from None
        source = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
        try:
            snapshot_connection(source, county_path)
        finally:
            source.close()
    finally:
        lock.release()
    return kept
