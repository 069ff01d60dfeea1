"""Whatever is opened by mistake gets a Chinese sentence and is left byte-for-byte as it was."""

import hashlib
from pathlib import Path
import sqlite3

import pytest

from db import schema
from db.county import CountyFile
from db.errors import KnownError, NewerVersion, NotCountyFile


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def good(tmp_path: Path) -> Path:
    path = tmp_path / "good.tcmcounty"
    with CountyFile.create(path, "测试县") as county:
        with county.atomic():
            for i in range(300):
                county.insert("institution", {"name": f"第{i}村卫生室", "type": "village_clinic",
                                              "note": "备注" * 40})
    return path


def _assert_refused(path: Path, error: type[KnownError], words: str) -> None:
    before = _digest(path)
    with pytest.raises(error) as caught:
        CountyFile.open(path)
    message = str(caught.value)
    assert path.name in message and words in message
    assert "\n" not in message
    assert _digest(path) == before
    assert not Path(str(path) + "-journal").exists()


def test_plain_text(tmp_path: Path) -> None:
    path = tmp_path / "笔记.txt"
    path.write_text("这不是数据库", encoding="utf-8")
    _assert_refused(path, NotCountyFile, "不是 SQLite 数据库")


def test_zero_bytes(tmp_path: Path) -> None:
    path = tmp_path / "空.tcmcounty"
    path.write_bytes(b"")
    _assert_refused(path, NotCountyFile, "0 字节")


def test_another_programs_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()
    _assert_refused(path, NotCountyFile, "其他程序的 SQLite 数据库")


def test_newer_version(good: Path) -> None:
    conn = sqlite3.connect(good)
    conn.execute(f"PRAGMA user_version = {schema.current_version() + 1}")
    conn.commit()
    conn.close()
    _assert_refused(good, NewerVersion, "更新版本")


def test_truncated(good: Path) -> None:
    data = good.read_bytes()
    good.write_bytes(data[: len(data) // 3])
    _assert_refused(good, NotCountyFile, "已损坏")


def test_damaged_page(good: Path) -> None:
    data = bytearray(good.read_bytes())
    page = 4096
    # Overwrite the middle of the institution table's pages with noise.
    for i in range(page * 3, page * 3 + 2048):
        data[i] = (i * 7) % 256
    good.write_bytes(bytes(data))
    _assert_refused(good, NotCountyFile, "已损坏")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(KnownError, match="找不到文件"):
        CountyFile.open(tmp_path / "nope.tcmcounty")
    assert not (tmp_path / "nope.tcmcounty").exists()


def test_a_folder(tmp_path: Path) -> None:
    with pytest.raises(NotCountyFile, match="文件夹"):
        CountyFile.open(tmp_path)
