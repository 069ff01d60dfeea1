"""The county file as a document: one self-contained SQLite file that two copies can merge."""

from pathlib import Path
import sqlite3

import pytest

from db import paths, schema
from db.county import CountyFile
from db.errors import FileExists, KnownError, ValidationError


def test_new_file_is_marked_and_uses_a_rollback_journal(tmp_path: Path) -> None:
    path = tmp_path / "a.tcmcounty"
    CountyFile.create(path, "示例县").close()
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA application_id").fetchone()[0] == schema.APPLICATION_ID
    assert raw.execute("PRAGMA user_version").fetchone()[0] == schema.current_version()
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    raw.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.tcmcounty"]


def test_open_connection_is_durable_and_checks_references(county: CountyFile) -> None:
    assert county.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert county.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    with pytest.raises(sqlite3.IntegrityError):
        county.insert("activity", {"institution_id": "nope", "date": "2024-01-01",
                                   "kind": "义诊", "title": "x"})


def test_writes_leave_no_side_files(tmp_path: Path) -> None:
    path = tmp_path / "a.tcmcounty"
    with CountyFile.create(path, "示例县") as county:
        county.insert("institution", {"name": "青石镇卫生院", "type": "township_hc"})
        assert sorted(p.name for p in tmp_path.iterdir()) == ["a.tcmcounty"]


def test_county_name_and_id_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "a.tcmcounty"
    CountyFile.create(path, "  青河县 ").close()
    with CountyFile.open(path) as county:
        assert county.county_name == "青河县"
        assert len(county.county_id) == 32
        assert county.setting("active_profile") == "baseline"


def test_create_never_overwrites(tmp_path: Path) -> None:
    path = tmp_path / "a.tcmcounty"
    path.write_bytes(b"precious")
    with pytest.raises(FileExists, match="已存在"):
        CountyFile.create(path, "示例县")
    assert path.read_bytes() == b"precious"


def test_create_refuses_an_empty_county_name(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="县（区）名称"):
        CountyFile.create(tmp_path / "a.tcmcounty", "  ")
    assert list(tmp_path.iterdir()) == []


def test_records_carry_id_time_and_computer(county: CountyFile, centre: str) -> None:
    rec = county.get("institution", centre)
    assert rec is not None
    assert len(rec["id"]) == 32 and rec["updated_by"] == county.machine == paths.machine_id()
    assert rec["updated_at"].endswith("Z")
    before = rec["rev"]
    county.update("institution", centre, {"township": "白沙镇"})
    after = county.get("institution", centre)
    assert after["rev"] != before and after["township"] == "白沙镇"
    revs = {r["rev"] for r in county.query("SELECT rev FROM revlog WHERE record_id = ?", (centre,))}
    assert revs == {before, after["rev"]}


def test_facts_of_a_year_have_the_same_id_in_every_copy(tmp_path: Path) -> None:
    a = CountyFile.create(tmp_path / "a.tcmcounty", "县")
    iid = a.insert("institution", {"name": "甲", "type": "chc"})
    assert a.institution_year_id(iid, 2024) == a.institution_year_id(iid, 2024)
    assert a.institution_year_id(iid, 2024) != a.institution_year_id(iid, 2023)
    a.close()


def test_delete_leaves_a_tombstone_that_can_be_restored(county: CountyFile, centre: str) -> None:
    county.delete("institution", centre)
    assert county.get("institution", centre) is None
    assert county.count("institution") == 0
    stone = county.get("institution", centre, include_deleted=True)
    assert stone is not None and stone["deleted"] == 1
    county.restore("institution", centre)
    assert county.get("institution", centre)["name"] == "青石镇卫生院"


def test_audit_log_says_what_old_new_when_and_where(county: CountyFile, centre: str) -> None:
    county.set_institution_year(centre, 2024, {"physicians": 10, "tcm_physicians": 3})
    county.set_institution_year(centre, 2024, {"tcm_physicians": 4})
    rows = county.query("SELECT * FROM audit WHERE field = 'tcm_physicians'")
    assert [(r["old"], r["new"]) for r in rows] == [("3", "4")]
    assert rows[0]["machine"] == county.machine and rows[0]["host"]
    assert rows[0]["at"].startswith("20")
    assert "青石镇卫生院" in rows[0]["label"]


def test_one_action_lands_whole_or_not_at_all(county: CountyFile, centre: str) -> None:
    with pytest.raises(ValidationError):
        with county.atomic():
            county.insert("institution", {"name": "柳河村卫生室", "type": "village_clinic"})
            county.set_institution_year(centre, 2024, {"physicians": 2, "tcm_physicians": 5})
    assert [r["name"] for r in county.rows("institution")] == ["青石镇卫生院"]
    assert county.rows("institution_year") == []


def test_upsert_revives_a_deleted_fact(county: CountyFile, centre: str) -> None:
    rec = county.set_institution_year(centre, 2024, {"physicians": 10})
    county.delete("institution_year", rec["id"])
    county.set_institution_year(centre, 2024, {"physicians": 12})
    assert county.get("institution_year", rec["id"])["physicians"] == 12


def test_evidence_is_stored_inside_the_file(tmp_path: Path) -> None:
    path = tmp_path / "a.tcmcounty"
    with CountyFile.create(path, "县") as county:
        eid = county.add_evidence("照片.jpg", b"\xff\xd8 jpeg bytes", owner_table="indicator",
                                  indicator_id="B8", year=2024)
        county.add_evidence("照片副本.jpg", b"\xff\xd8 jpeg bytes", owner_table="indicator")
    with CountyFile.open(path) as county:
        assert county.evidence_data(eid) == b"\xff\xd8 jpeg bytes"
        assert county.get("evidence", eid)["size"] == len(b"\xff\xd8 jpeg bytes")
        # The same bytes attached twice are stored once.
        assert county.conn.execute("SELECT count(*) FROM blob").fetchone()[0] == 1


def test_update_of_a_deleted_record_is_refused(county: CountyFile, centre: str) -> None:
    county.delete("institution", centre)
    with pytest.raises(KnownError, match="已不存在"):
        county.update("institution", centre, {"name": "新名"})


def test_years_lists_every_year_with_facts(county: CountyFile, centre: str) -> None:
    county.set_institution_year(centre, 2023, {"physicians": 1})
    county.set_county_year(2022, {"resident_population": 1000})
    county.insert("activity", {"institution_id": centre, "date": "2024-05-01", "kind": "义诊",
                               "title": "义诊"})
    assert county.years() == [2022, 2023, 2024]


def test_stored_times_are_shown_on_the_clerks_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from db.county import shown_time

    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        assert shown_time("2024-11-15T17:30:12.123456Z") == "2024-11-16 01:30"
        assert shown_time("2024-11-15T17:30:12.123456Z", seconds=True) == "2024-11-16 01:30:12"
        assert shown_time("2024-11-15 09:30") == "2024-11-15 09:30"  # no zone: as written
        assert shown_time("") == shown_time(None) == "未知"
        assert shown_time("昨天") == "昨天"
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
