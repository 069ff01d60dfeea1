"""A county file is hostile too: opening one checks it against our schema as strictly as a merge
reads the other file, so a view, a trigger, a generated column or a flipped bit in the schema is
refused with one Chinese sentence naming the file, which is left byte for byte as it was."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from db import schema, structure, verified
from db.county import CountyFile, refuse_to_replace
from db.demo import write_demo
from db.errors import Damaged, FileExists, KnownError, NotCountyFile
from db.restore import restore_backup
from tests.crafted import CRAFTED, crafted_copy, digest, raw


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_demo(tmp_path_factory.mktemp("good") / "青河县.tcmcounty", "small")


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("name", CRAFTED)
def test_a_crafted_county_file_is_refused_on_opening_and_left_as_it_was(
        good: Path, tmp_path: Path, name: str) -> None:
    path = crafted_copy(good, tmp_path / "stick", name)
    before = digest(path)
    with pytest.raises(KnownError) as refused:
        CountyFile.open(path, exclusive=True)
    message = str(refused.value)
    assert message.startswith(f"文件“{path.name}”") and CRAFTED[name][1] in message
    assert "\n" not in message
    assert digest(path) == before
    assert _listing(path.parent) == [path.name]  # no lock file, no journal left beside it


@pytest.mark.parametrize("name", CRAFTED)
def test_a_crafted_file_in_a_folder_of_counties_is_refused_unread(
        good: Path, tmp_path: Path, name: str) -> None:
    """The rollup's reader (no backup, no lock) refuses the same files for the same reasons."""
    path = crafted_copy(good, tmp_path / "folder", name)
    before = digest(path)
    with pytest.raises(KnownError, match=CRAFTED[name][1]):
        CountyFile.open_untouched(path)
    assert digest(path) == before


def test_damage_offers_a_backup_and_tampering_says_another_program_changed_it(
        good: Path, tmp_path: Path) -> None:
    """Our own table changed is damage (a backup can replace it); a trigger we never create
    means another program changed the file."""
    with pytest.raises(Damaged, match="已损坏（数据表“机构年度数据”的定义与本程序的不一致）"):
        CountyFile.open(crafted_copy(good, tmp_path / "a", "CHECK clause changed"))
    with pytest.raises(Damaged, match="已损坏（数据表的定义中有无法识别的字符）"):
        CountyFile.open(crafted_copy(good, tmp_path / "b", "CHECK clause not UTF-8"))
    with pytest.raises(NotCountyFile, match="含有本程序不会创建的触发器“more”，无法打开：它被其他程序改动过"):
        CountyFile.open(crafted_copy(good, tmp_path / "c", "trigger adding physicians"))
    with pytest.raises(NotCountyFile, match="中的“机构”不是数据表"):
        CountyFile.open(crafted_copy(good, tmp_path / "d", "institution as endless view"))


def test_a_malformed_schema_quoted_in_sqlites_message_is_damage_not_a_traceback(
        good: Path, tmp_path: Path) -> None:
    """A flipped bit that SQLite cannot parse: its message quotes the text, which is not UTF-8
    (Python's sqlite3 then raises UnicodeDecodeError instead of an SQLite error)."""
    path = Path(shutil.copyfile(good, tmp_path / good.name))
    data = bytearray(path.read_bytes())
    at = data.index(b"CREATE INDEX institution_parent") + len("CREATE I")
    data[at] ^= 0x80  # "INDEX" becomes "I\xceDEX"
    path.write_bytes(bytes(data))
    with pytest.raises(Damaged, match=f"文件“{path.name}”已损坏"):
        CountyFile.open(path)
    with pytest.raises(Damaged):
        CountyFile.open_untouched(path)


def test_text_that_is_not_utf8_in_a_record_shows_as_a_replacement_character(
        good: Path, tmp_path: Path) -> None:
    """SQLite keeps no page checksums: a flipped bit inside a name passes every check. It reads
    as U+FFFD instead of failing whichever screen or report reads it."""
    path = Path(shutil.copyfile(good, tmp_path / good.name))
    raw(path, "UPDATE institution SET name = CAST(x'e5b9b3ff' AS TEXT) "
              "WHERE rowid = (SELECT min(rowid) FROM institution)")
    with CountyFile.open(path) as county:
        names = [r["name"] for r in county.rows("institution")]
    assert "平\ufffd" in names


def test_every_released_version_still_matches_its_own_steps() -> None:
    """Each fixture file is exactly the schema its version's steps make: older files open (and
    are upgraded) under the strict check."""
    fixtures = Path(__file__).resolve().parents[1] / "fixtures"
    for version in range(1, schema.current_version() + 1):
        path = fixtures / f"schema-v{version}.tcmcounty"
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            assert structure.find_problem(conn, version) is None, version
        finally:
            conn.close()


def test_a_step_appended_later_is_part_of_the_expected_schema(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The expected schema is built from the steps, so a table a later step adds is ours."""
    steps = [*schema.MIGRATIONS, "CREATE TABLE later (id TEXT PRIMARY KEY NOT NULL, n INTEGER);\n"
                                 "CREATE INDEX later_n ON later(n);\n"]
    monkeypatch.setattr(schema, "MIGRATIONS", steps)
    with CountyFile.create(tmp_path / "新.tcmcounty", "新县") as county:
        county.conn.execute("INSERT INTO later VALUES ('a', 1)")
    with CountyFile.open(tmp_path / "新.tcmcounty") as county:
        assert county.query("SELECT n FROM later") == [{"n": 1}]
    raw(tmp_path / "新.tcmcounty", "UPDATE later SET n = 'one'")
    with pytest.raises(Damaged, match="类型不符"):
        CountyFile.open(tmp_path / "新.tcmcounty")


def test_opening_is_bounded_in_time(good: Path, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    path = Path(shutil.copyfile(good, tmp_path / good.name))
    monkeypatch.setattr(structure, "MAX_CHECK_SECONDS", 0.0)  # the time is up at once
    with pytest.raises(KnownError, match="读取超过 0 秒仍未完成"):
        CountyFile.open(path)
    with pytest.raises(KnownError, match="读取超过 0 秒仍未完成"):
        CountyFile.open_untouched(path)


@pytest.mark.parametrize("name", ["institution as endless view", "trigger adding physicians"])
def test_a_crafted_backup_never_takes_the_county_files_place(
        good: Path, tmp_path: Path, name: str) -> None:
    county = Path(shutil.copyfile(good, tmp_path / good.name))
    backup = crafted_copy(good, tmp_path / "backups", name)
    before = digest(county), digest(backup)
    with pytest.raises(KnownError, match=CRAFTED[name][1]):
        restore_backup(county, backup)
    assert (digest(county), digest(backup)) == before


@pytest.mark.parametrize("name", ["institution as endless view", "CHECK clause not UTF-8"])
def test_a_crafted_county_file_is_not_replaced_by_an_output(
        good: Path, tmp_path: Path, name: str) -> None:
    """Deciding whether the destination is a county file reads it, within a bound: an endless
    view there never hangs a report's save, and the file is kept (it has our header)."""
    dest = crafted_copy(good, tmp_path, name)
    with pytest.raises(FileExists, match="是一个县级数据文件，不会被覆盖"):
        refuse_to_replace(dest)


def test_text_that_is_not_utf8_reads_as_a_replacement_character_in_every_query(
        good: Path, tmp_path: Path) -> None:
    """Queries read text as plain UTF-8 first (faster) and read again leniently only when some
    is not: the same U+FFFD, and the text of every other row as it is."""
    path = Path(shutil.copyfile(good, tmp_path / good.name))
    raw(path, "UPDATE institution SET name = CAST(x'e5b9b3ff' AS TEXT) "
              "WHERE rowid = (SELECT min(rowid) FROM institution)")
    with CountyFile.open(path) as county:
        names = [r["name"] for r in county.query(
            "  select name from institution WHERE deleted = 0 ORDER BY rowid")]
        assert names[0] == "平\ufffd" and all("\ufffd" not in n for n in names[1:])
        with county.atomic():  # inside a transaction too
            assert county.query("WITH t AS (SELECT name FROM institution) SELECT * FROM t")
        county.conn.execute("SELECT CAST(x'ff' AS TEXT)").fetchone()  # the connection's own
        assert county.conn.text_factory is not str


@pytest.mark.parametrize("name", ["generated column", "WAL mode", "UTF-16",
                                  "padded past its pages"])
def test_a_file_another_program_changed_is_not_called_damaged_and_no_backup_is_offered(
        good: Path, tmp_path: Path, name: str) -> None:
    """Another program's change (a column added, WAL switched on, text re-encoded, padding) is
    "not ours": restoring a backup over it would lose what the county entered since."""
    path = crafted_copy(good, tmp_path / "stick", name)
    before = digest(path)
    with pytest.raises(NotCountyFile) as refused:
        CountyFile.open(path)
    assert not isinstance(refused.value, Damaged)
    assert "被其他程序改动过" in str(refused.value) and "备份" not in str(refused.value)
    assert digest(path) == before


def test_a_file_padded_to_gigabytes_is_refused_before_it_is_read_whole(
        good: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = Path(shutil.copyfile(good, tmp_path / good.name))
    with path.open("r+b") as fh:
        fh.truncate(6 * 1024 ** 3)  # sparse: costs the disk nothing
    hashed: list[Path] = []
    monkeypatch.setattr(verified, "fingerprint", lambda p: hashed.append(p) or "0")
    with pytest.raises(NotCountyFile, match=r"有 6,144.0 MB，比文件头记载的 [\d,]+ 页"):
        CountyFile.open(path)
    assert hashed == []


def _hot_journal_restoring(path: Path) -> None:
    """A journal beside the file whose rollback brings back a trigger, as another program could
    leave one: the file without the trigger, a cut-off write's journal holding it."""
    raw(path, "CREATE TRIGGER hj AFTER INSERT ON audit BEGIN DELETE FROM activity; END")
    _cut_off(path, "DROP TRIGGER hj", "UPDATE institution SET note = 'x'")


def _cut_off(path: Path, *statements: str) -> None:
    """The file and its journal as a write of `statements` cut off midway leaves them (the
    power gone, the USB stick pulled): the change already in the file, the journal to undo it."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA cache_size = 1")  # spill: the change reaches the file mid-transaction
    conn.execute("BEGIN")
    for sql in statements:
        conn.execute(sql)
    journal = path.with_name(path.name + "-journal")
    cut = path.read_bytes(), journal.read_bytes()
    conn.execute("ROLLBACK")
    conn.close()
    path.write_bytes(cut[0])
    journal.write_bytes(cut[1])


def test_a_journal_that_would_restore_a_trigger_is_refused_before_it_is_rolled_back(
        good: Path, tmp_path: Path) -> None:
    path = Path(shutil.copyfile(good, tmp_path / good.name))
    _hot_journal_restoring(path)
    journal = path.with_name(path.name + "-journal")
    before = digest(path), digest(journal)
    with pytest.raises(NotCountyFile, match=f"文件“{path.name}”含有本程序不会创建的触发器“hj”"):
        CountyFile.open(path, exclusive=True)
    assert (digest(path), digest(journal)) == before  # recovery was rehearsed on a copy


def test_a_write_of_ours_cut_off_is_still_rolled_back_on_opening(good: Path, tmp_path: Path
                                                                 ) -> None:
    path = Path(shutil.copyfile(good, tmp_path / good.name))
    with CountyFile.open(path, daily_backup=False) as county:
        names = sorted(r["name"] for r in county.query("SELECT name FROM institution"))
    _cut_off(path, "UPDATE institution SET name = name || '（半截）'")
    journal = path.with_name(path.name + "-journal")
    assert journal.exists()
    with CountyFile.open(path, daily_backup=False) as county:
        assert sorted(r["name"] for r in county.query("SELECT name FROM institution")) == names
    assert not journal.exists()
