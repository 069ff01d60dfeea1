"""Whatever is opened by mistake gets a Chinese sentence and is left byte-for-byte as it was."""

import hashlib
from pathlib import Path
import sqlite3

import pytest

from db import schema
from db.county import CountyFile
from db.errors import FileInUse, KnownError, NewerVersion, NotCountyFile


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
    _assert_refused(path, NotCountyFile, "（可能是 Word、Excel 或其他程序的文件）")
    _assert_refused(path, NotCountyFile, "请打开以 .tcmcounty 结尾的县级数据文件")


def test_a_file_named_like_a_county_file_is_not_told_to_be_named_so(tmp_path: Path) -> None:
    """A text renamed 青河县.tcmcounty: the advice is to find the real file, not to open one
    ending in .tcmcounty (it already does)."""
    path = tmp_path / "青河县.tcmcounty"
    path.write_text("这不是数据库", encoding="utf-8")
    _assert_refused(path, NotCountyFile, "内容却不是县级数据文件：请找到真正的文件")
    with pytest.raises(NotCountyFile) as caught:
        CountyFile.open(path)
    assert "请打开以 .tcmcounty 结尾" not in str(caught.value)


def test_a_workbook_opened_as_the_county_file_points_to_the_import(tmp_path: Path) -> None:
    import openpyxl

    path = tmp_path / "2024年填报表.xlsx"
    openpyxl.Workbook().save(path)
    _assert_refused(path, NotCountyFile, "是 Excel（或 WPS 表格）文件")
    _assert_refused(path, NotCountyFile, "请用“文件 → 导入 Excel”")


def test_no_word_a_clerk_cannot_act_on(tmp_path: Path) -> None:
    """A .docx or another program's database: the reason in words of files a clerk knows."""
    docx = tmp_path / "说明.docx"
    docx.write_bytes(b"PK\x03\x04" + b"\0" * 200)
    with pytest.raises(NotCountyFile) as caught:
        CountyFile.open(docx)
    assert "SQLite" not in str(caught.value) and "说明.docx" in str(caught.value)
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(NotCountyFile) as caught:
        CountyFile.open(other)
    assert "SQLite" not in str(caught.value)


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
    _assert_refused(path, NotCountyFile, "是其他程序的数据库文件")


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


# ---- busy is not damaged ----------------------------------------------------------------------

@pytest.fixture
def quick_busy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Another program's lock is given up on after 0.05 s instead of 2 s, to keep tests fast."""
    from db import county

    monkeypatch.setattr(county, "BUSY_TIMEOUT", 0.05)


def _hold_exclusive(path: Path) -> sqlite3.Connection:
    """Another SQLite client (a DB browser, a sync tool) in the middle of writing the file."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    other.execute("UPDATE setting SET value = value WHERE id = 'county_name'")
    return other


@pytest.mark.usefixtures("quick_busy")
def test_a_file_held_by_another_program_is_busy_not_damaged(good: Path) -> None:
    other = _hold_exclusive(good)
    try:
        before = _digest(good)
        with pytest.raises(FileInUse) as caught:
            CountyFile.open(good)
        message = str(caught.value)
        assert "good.tcmcounty" in message and "正被其他程序使用" in message
        assert "损坏" not in message and "备份" not in message
        assert _digest(good) == before
    finally:
        other.execute("ROLLBACK")
        other.close()
    with CountyFile.open(good) as county:  # once the other program lets go, it opens
        assert county.count("institution") == 300


def _flip_in_table_page(path: Path, text: str) -> None:
    """Flip one byte of `text` wherever a table row holds it (the institution and its audit
    line), not where its index does: the kind of damage a worn USB stick does."""
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    needle = text.encode()
    flipped = 0
    at = data.find(needle)
    while at != -1:
        page = at // page_size
        header = page * page_size + (100 if page == 0 else 0)
        if data[header] == 0x0D:  # a table's leaf page
            data[at + len(needle) - 1] ^= 0x01
            flipped += 1
        at = data.find(needle, at + 1)
    assert flipped, f"{text} not found in a table page"
    path.write_bytes(bytes(data))


def test_a_flipped_byte_is_refused_on_every_open_not_only_the_first_of_the_day(good: Path
                                                                               ) -> None:
    with CountyFile.open(good) as county:  # the day's first open: the daily backup is taken
        assert county.count("institution") == 300
    _flip_in_table_page(good, "第123村卫生室")
    _assert_refused(good, NotCountyFile, "已损坏")
    with pytest.raises(NotCountyFile, match="备份"):
        CountyFile.open(good)


def test_a_damaged_file_is_never_blamed_on_the_copy(good: Path) -> None:
    _flip_in_table_page(good, "第123村卫生室")
    with pytest.raises(NotCountyFile) as caught:
        CountyFile.open(good)  # the first open of the day: the daily backup would copy it
    assert "副本" not in str(caught.value) and "U盘" not in str(caught.value)


def test_a_copy_of_a_file_damaged_while_open_blames_the_file_not_the_stick(good: Path,
                                                                            tmp_path: Path) -> None:
    from db.exchange import snapshot

    stick = tmp_path / "stick"
    stick.mkdir()
    with CountyFile.open(good, daily_backup=False) as county:
        _flip_in_table_page(good, "第123村卫生室")
        with pytest.raises(NotCountyFile) as caught:
            snapshot(county, stick / "copy.tcmcounty")
    message = str(caught.value)
    assert "good.tcmcounty" in message and "已损坏" in message and "备份" in message
    assert "U盘" not in message
    assert list(stick.iterdir()) == []


def test_a_file_that_may_not_be_read_says_so_in_chinese(good: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from db import header

    def refuse(path: Path) -> bytes:
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(header, "_header", refuse)
    with pytest.raises(KnownError) as caught:
        CountyFile.open(good)
    assert "good.tcmcounty" in str(caught.value) and "没有权限" in str(caught.value)
    assert "Permission" not in str(caught.value)


def test_a_backup_restored_over_a_damaged_file_keeps_the_damaged_bytes_aside(good: Path
                                                                             ) -> None:
    from db import backups, paths, restore

    with CountyFile.open(good):  # the daily backup
        pass
    (backup,) = backups.list_backups(good.stem)
    _flip_in_table_page(good, "第123村卫生室")
    damaged = good.read_bytes()
    journal = good.with_name(good.name + "-journal")
    journal.write_bytes(b"\0" * 512)  # a stale journal beside it must not be played back
    restore.restore_backup(good, backup.path)
    with CountyFile.open(good) as county:
        assert county.count("institution", "name = '第123村卫生室'") == 1
    assert not journal.exists()
    (kept,) = paths.backups_dir().glob("*.damaged")
    assert kept.read_bytes() == damaged
    assert [b.reason for b in backups.list_backups(good.stem)] == ["每日"]


def test_a_file_sqlite_cannot_open_is_not_called_damaged(good: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from db import county

    def cannot_open(path: Path, *, mode: str) -> sqlite3.Connection:
        error = sqlite3.OperationalError("unable to open database file")
        error.sqlite_errorcode = sqlite3.SQLITE_CANTOPEN
        raise error

    monkeypatch.setattr(county, "_connect", cannot_open)
    with pytest.raises(KnownError) as caught:
        CountyFile.open(good)
    assert not isinstance(caught.value, NotCountyFile)
    assert "good.tcmcounty" in str(caught.value) and "备份" not in str(caught.value)
