"""A county file whose every byte is as this computer last saw it whole opens without the check of
every page and value (db.verified); any other content is checked in full, as before."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from db import county as county_module, paths, verified
from db.county import CountyFile
from db.errors import NotCountyFile

from .test_bad_files import _flip_in_table_page, good

__all__ = ["good"]  # the fixture, used by name


@pytest.fixture
def full_checks(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """One entry per check made on opening: True when every page and value was read."""
    made: list[bool] = []
    real = county_module._check_open

    def spy(*args: Any, **kwargs: Any) -> None:
        made.append(kwargs.get("pages", True) and kwargs.get("values", True))
        real(*args, **kwargs)

    monkeypatch.setattr(county_module, "_check_open", spy)
    return made


def test_a_file_this_program_closed_opens_with_its_schema_compared_only(
        good: Path, full_checks: list[bool]) -> None:
    with CountyFile.open(good) as county:
        county.insert("institution", {"name": "新村卫生室", "type": "village_clinic"})
    with CountyFile.open(good) as county:
        assert county.count("institution") == 301
    assert full_checks == [False, False]


def test_one_byte_changed_since_is_checked_in_full_and_refused(
        good: Path, full_checks: list[bool]) -> None:
    CountyFile.open(good).close()
    _flip_in_table_page(good, "第123村卫生室")
    with pytest.raises(NotCountyFile, match="已损坏"):
        CountyFile.open(good)
    assert full_checks == [False, True]


def test_a_value_written_by_another_program_is_checked_in_full(
        good: Path, full_checks: list[bool]) -> None:
    """sqlite3's own tool writes bytes where a name belongs: SQLite's pages stay sound, the
    value check refuses it, because the file's content is not the one seen whole."""
    CountyFile.open(good).close()
    conn = sqlite3.connect(good)
    conn.execute("UPDATE institution SET name = x'ff00' WHERE name = '第7村卫生室'")
    conn.commit()
    conn.close()
    with pytest.raises(NotCountyFile):
        CountyFile.open(good)
    assert full_checks[-1] is True


def test_a_write_by_another_connection_while_open_is_not_taken_as_ours(
        good: Path, full_checks: list[bool]) -> None:
    county = CountyFile.open(good)
    other = sqlite3.connect(good)
    other.execute("UPDATE institution SET name = x'ff00' WHERE name = '第7村卫生室'")
    other.commit()
    other.close()
    county.close()  # PRAGMA data_version moved: this content was not written through our checks
    with pytest.raises(NotCountyFile):
        CountyFile.open(good)
    assert full_checks[-1] is True


def test_the_record_from_older_checks_or_unreadable_is_ignored(
        good: Path, full_checks: list[bool]) -> None:
    CountyFile.open(good).close()
    record = paths.data_dir() / "verified.json"
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace(f'"checks": {verified.CHECKS}', '"checks": 0'), "utf-8")
    CountyFile.open(good).close()  # checked in full, and remembered again
    record.write_bytes(b"\xff{not json")
    CountyFile.open(good).close()
    assert full_checks == [False, True, True]
    record.unlink()
    record.mkdir()  # a folder in its place: nothing to read, nowhere to write; the file opens
    with CountyFile.open(good) as county:
        assert county.count("institution") == 300
    assert full_checks == [False, True, True, True]


def test_the_same_content_at_another_path_is_not_taken_for_it(
        good: Path, tmp_path: Path, full_checks: list[bool]) -> None:
    CountyFile.open(good).close()
    copy = tmp_path / "copy.tcmcounty"
    copy.write_bytes(good.read_bytes())
    CountyFile.open(copy).close()
    CountyFile.open(copy).close()
    assert full_checks == [False, True, False]


@pytest.mark.parametrize("size", [0, 1, 4095, 4096 * 3 + 7])
def test_fingerprint_is_the_files_sha256_whatever_its_size(tmp_path: Path, size: int,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(verified, "_CHUNK", 4096)  # pieces smaller than the file, and larger
    data = bytes((i * 7919) % 251 for i in range(size))
    path = tmp_path / "f.bin"
    path.write_bytes(data)
    assert verified.fingerprint(path) == hashlib.sha256(data).hexdigest()
