"""The window starts the full structure check of the file it is about to open while Qt loads;
the open takes that verdict only for the file as it still is, and refuses what it found."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from db.county import CountyFile, verify_ahead
from db.errors import NotCountyFile

from .test_bad_files import _flip_in_table_page, good

__all__ = ["good"]  # the fixture, used by name


def test_a_file_checked_ahead_opens(good: Path) -> None:
    verify_ahead(good)
    with CountyFile.open(good) as county:
        assert county.count("institution") == 300


def test_damage_found_ahead_is_refused_as_on_an_open(good: Path) -> None:
    _flip_in_table_page(good, "第123村卫生室")
    with pytest.raises(NotCountyFile) as plain:
        CountyFile.open(good)
    verify_ahead(good)
    with pytest.raises(NotCountyFile) as ahead:
        CountyFile.open(good)
    assert str(ahead.value) == str(plain.value) and "已损坏" in str(ahead.value)


def test_a_file_changed_after_its_check_is_checked_again(good: Path) -> None:
    verify_ahead(good)
    _flip_in_table_page(good, "第123村卫生室")
    os.utime(good, ns=(1, 1))  # whatever the clock: the file is not the one checked
    with pytest.raises(NotCountyFile, match="已损坏"):
        CountyFile.open(good)
