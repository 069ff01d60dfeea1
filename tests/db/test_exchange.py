"""USB exchange: verified copies, township files, merges that lose nothing, locks, backups."""

import datetime as dt
import hashlib
import shutil
from pathlib import Path

import pytest

from db import backups, restore
from db import county as db_county
from db.county import CountyFile
from db.demo import write_demo
from db.errors import FileBusy, KnownError
from db.exchange import (apply_merge, merge, plan_merge, shown_value, snapshot,
                         write_township_file)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _data(county: CountyFile) -> dict[str, list[tuple]]:
    """Everything a merge must agree on: every synced record, tombstones included."""
    from db.schema import SYNCED_TABLES

    out = {}
    for table in SYNCED_TABLES:
        rows = county.conn.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
        out[table] = [tuple(r) for r in rows]
    return out


@pytest.fixture
def bureau(tmp_path: Path) -> Path:
    return write_demo(tmp_path / "bureau.tcmcounty", "small")


def _copy(src: Path, name: str) -> Path:
    dest = src.with_name(name)
    shutil.copyfile(src, dest)
    return dest


def _centre(county: CountyFile) -> dict:
    return county.rows("institution", "type = 'township_hc'", order="name")[0]


# ---- snapshots ---------------------------------------------------------------------------------

def test_snapshot_is_a_verified_whole_copy(bureau: Path, tmp_path: Path) -> None:
    stick = tmp_path / "U盘"
    stick.mkdir()
    with CountyFile.open(bureau) as county:
        dest = snapshot(county, stick / "青河县.tcmcounty")
        original = _data(county)
    assert sorted(p.name for p in stick.iterdir()) == ["青河县.tcmcounty"]
    with CountyFile.open(dest) as copy:
        assert _data(copy) == original


def test_snapshot_replaces_an_old_copy_and_refuses_itself(bureau: Path, tmp_path: Path) -> None:
    dest = tmp_path / "old.tcmcounty"
    dest.write_bytes(bureau.read_bytes())  # an older copy of the same county
    with CountyFile.open(bureau) as county:
        snapshot(county, dest)
        with pytest.raises(KnownError, match="原文件自身"):
            snapshot(county, bureau)
    with CountyFile.open(dest) as copy:
        assert copy.county_name == "青河县"


def test_snapshot_to_a_place_that_cannot_be_written(bureau: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with CountyFile.open(bureau) as county, pytest.raises(KnownError, match="不是文件夹"):
        snapshot(county, blocker / "copy.tcmcounty")


# ---- township files and merging back -----------------------------------------------------------

def test_township_file_holds_only_its_township(bureau: Path, tmp_path: Path) -> None:
    with CountyFile.open(bureau) as county:
        town = _centre(county)["township"]
        out = write_township_file(county, town, tmp_path / f"{town}.tcmcounty")
        with pytest.raises(KnownError, match="没有名为"):
            write_township_file(county, "不存在镇", tmp_path / "x.tcmcounty")
    with CountyFile.open(out) as township:
        assert {r["township"] for r in township.rows("institution")} == {town}
        assert township.setting("township_scope") == town
        assert township.rows("county_year") == [] and township.rows("task") == []
        assert township.count("activity") > 0


def test_township_edits_merge_back_and_nothing_else_changes(bureau: Path, tmp_path: Path) -> None:
    with CountyFile.open(bureau) as county:
        centre = _centre(county)
        out = write_township_file(county, centre["township"], tmp_path / "t.tcmcounty")
        items_before = county.rows("institution_year", "institution_id = ? AND year = 2024",
                                   (centre["id"],))[0]["tech_items"]
    with CountyFile.open(out, machine="f" * 32) as township:
        township.set_institution_year(centre["id"], 2024, {"tech_items": 15})
        township.insert("activity", {"institution_id": centre["id"], "date": "2024-12-31",
                                     "kind": "健康讲座", "title": "冬季养生", "people": 40})
    other_bytes = _digest(out)
    with CountyFile.open(bureau) as county:
        plan = merge(county, out)
        assert [c.label for c in plan.new] == [f"{centre['name']} 2024-12-31 冬季养生"]
        assert plan.updated[0].fields == [("适宜技术项数", items_before, 15)]
        assert not plan.conflicts
        assert county.rows("institution_year", "institution_id = ? AND year = 2024",
                           (centre["id"],))[0]["tech_items"] == 15
        assert county.count("institution") == 75
        assert county.setting("township_scope") is None
        actions = [r["action"] for r in county.query("SELECT action FROM audit")]
        assert "合并" in actions
    assert _digest(out) == other_bytes  # the stick's file is only read
    assert any(b.reason == "合并前" for b in backups.list_backups("bureau"))


def test_merging_twice_changes_nothing(bureau: Path) -> None:
    other = _copy(bureau, "other.tcmcounty")
    with CountyFile.open(other, machine="e" * 32) as o:
        o.update("institution", _centre(o)["id"], {"code": "NEW01"})
    with CountyFile.open(bureau) as county:
        merge(county, other)
        once = _data(county)
        plan = merge(county, other)
        assert plan.summary().startswith("新增 0 条，更新 0 条，删除 0 条")
        assert _data(county) == once


def test_deletions_travel_as_tombstones(bureau: Path) -> None:
    other = _copy(bureau, "other.tcmcounty")
    with CountyFile.open(other, machine="e" * 32) as o:
        gone = o.rows("activity", order="date")[0]
        o.delete("activity", gone["id"])
    with CountyFile.open(bureau) as county:
        plan = merge(county, other)
        assert len(plan.deleted) == 1
        assert county.get("activity", gone["id"]) is None


def _edit_both(bureau: Path) -> tuple[Path, str]:
    other = _copy(bureau, "other.tcmcounty")
    with CountyFile.open(bureau, machine="a" * 32, clock=lambda: "2025-03-01T00:00:00.000000Z"
                         ) as mine:
        rid = _centre(mine)["id"]
        mine.update("institution", rid, {"code": "MINE"})
    with CountyFile.open(other, machine="b" * 32, clock=lambda: "2025-03-02T00:00:00.000000Z"
                         ) as theirs:
        theirs.update("institution", rid, {"code": "THEIRS"})
    return other, rid


def test_changed_on_both_sides_is_a_conflict_until_decided(bureau: Path) -> None:
    other, rid = _edit_both(bureau)
    with CountyFile.open(bureau) as county:
        before = _data(county)
        plan = plan_merge(county, other)
        assert len(plan.conflicts) == 1
        c = plan.conflicts[0]
        assert c.fields == [("code", "机构代码", "MINE", "THEIRS")]
        with pytest.raises(KnownError, match="冲突未决定"):
            apply_merge(county, plan)
        assert _data(county) == before
        c.choice = "theirs"
        apply_merge(county, plan)
        assert county.get("institution", rid)["code"] == "THEIRS"
        # Decided once, it stays decided: merging again finds nothing new.
        assert not plan_merge(county, other).conflicts


@pytest.mark.parametrize(("prefer", "expected"), [("mine", "MINE"), ("theirs", "THEIRS"),
                                                  ("newer", "THEIRS")])
def test_prefer_decides_every_conflict(bureau: Path, prefer: str, expected: str) -> None:
    other, rid = _edit_both(bureau)
    with CountyFile.open(bureau) as county:
        merge(county, other, prefer=prefer)
        assert county.get("institution", rid)["code"] == expected


def test_after_a_decision_the_other_side_takes_it_without_conflict(bureau: Path) -> None:
    other, rid = _edit_both(bureau)
    with CountyFile.open(bureau) as county:
        merge(county, other, prefer="mine")
    with CountyFile.open(other) as theirs:
        plan = merge(theirs, bureau)
        assert not plan.conflicts
        assert theirs.get("institution", rid)["code"] == "MINE"


def test_a_file_of_another_county_is_refused(bureau: Path, tmp_path: Path) -> None:
    stranger = tmp_path / "别县.tcmcounty"
    CountyFile.create(stranger, "别县").close()
    with CountyFile.open(bureau) as county, pytest.raises(KnownError, match="不是同一个县"):
        plan_merge(county, stranger)


def test_not_a_county_file_is_refused_untouched(bureau: Path, tmp_path: Path) -> None:
    junk = tmp_path / "junk.tcmcounty"
    junk.write_bytes(b"\x00" * 300)
    with CountyFile.open(bureau) as county, pytest.raises(KnownError):
        plan_merge(county, junk)
    assert junk.read_bytes() == b"\x00" * 300


# ---- locks and backups --------------------------------------------------------------------------

def test_a_file_held_by_another_window_is_refused(bureau: Path) -> None:
    first = CountyFile.open(bureau, exclusive=True)
    with pytest.raises(FileBusy, match="另一个程序窗口"):
        CountyFile.open(bureau, exclusive=True)
    first.close()
    CountyFile.open(bureau, exclusive=True).close()


def test_a_lock_dies_with_its_process(bureau: Path) -> None:
    import signal
    import subprocess
    import sys

    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys; from db.county import CountyFile; "
         f"c = CountyFile.open({str(bureau)!r}, exclusive=True, daily_backup=False); "
         "print('held', flush=True); sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    with pytest.raises(FileBusy):
        CountyFile.open(bureau, exclusive=True)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    holder.stdin.close()
    holder.stdout.close()
    CountyFile.open(bureau, exclusive=True).close()


def test_daily_backup_once_a_day(bureau: Path) -> None:
    CountyFile.open(bureau).close()
    CountyFile.open(bureau).close()
    daily = [b for b in backups.list_backups("bureau") if b.reason == "每日"]
    assert len(daily) == 1


def test_old_backups_are_pruned_to_20_and_one_a_month(bureau: Path) -> None:
    with CountyFile.open(bureau, daily_backup=False) as county:
        start = dt.datetime(2024, 1, 1, 9)
        for i in range(30):
            backups.make_backup(county.conn, bureau, "合并前", now=start + dt.timedelta(days=5 * i))
    kept = [b.taken for b in backups.list_backups("bureau")]
    # The newest 20 reach back to 20 February; of the ten before them only the newest
    # January one stays, as February is already kept.
    assert kept[:20] == [start + dt.timedelta(days=5 * i) for i in range(29, 9, -1)]
    assert kept[20:] == [dt.datetime(2024, 1, 31, 9)]


def test_a_backup_is_restored_after_saving_the_present(bureau: Path) -> None:
    with CountyFile.open(bureau) as county:
        name_before = county.county_name
        county.set_setting("county_name", "改错的名字")
    daily = backups.list_backups("bureau")[0]
    saved = restore.restore_backup(bureau, daily.path)
    with CountyFile.open(bureau) as county:
        assert county.county_name == name_before
    with CountyFile.open(saved) as county:
        assert county.county_name == "改错的名字"
    assert backups.list_backups("bureau")[0].reason == "恢复前"


def test_read_only_media_opens_read_only(bureau: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import db.county

    before = _digest(bureau)
    # A write-protected stick: the file and its folder cannot be written (root ignores chmod,
    # so the test says so to the program directly).
    monkeypatch.setattr(db.county, "_writable", lambda path: False)
    with CountyFile.open(bureau, exclusive=True) as county:
        assert county.read_only
        assert county.county_name == "青河县"
        with pytest.raises(KnownError, match="只读"):
            county.set_setting("county_name", "x")
    assert _digest(bureau) == before
    assert sorted(p.name for p in bureau.parent.iterdir()) == ["bureau.tcmcounty"]


# ---- conflicts decided field by field -----------------------------------------------------------

def _edit_both_fields(bureau: Path) -> tuple[Path, str]:
    """Both copies change the same centre's 2024 facts, in two fields each (visits above any
    demo centre's TCM visits, so neither copy is refused)."""
    other = _copy(bureau, "other.tcmcounty")
    with CountyFile.open(bureau, machine="a" * 32, clock=lambda: "2025-03-01T00:00:00.000000Z"
                         ) as mine:
        rid = _centre(mine)["id"]
        mine.set_institution_year(rid, 2024, {"visits": 97000, "tech_items": 11})
    with CountyFile.open(other, machine="b" * 32, clock=lambda: "2025-03-02T00:00:00.000000Z"
                         ) as theirs:
        theirs.set_institution_year(rid, 2024, {"visits": 98000, "tech_items": 12})
    return other, rid


def _facts(county: CountyFile, rid: str) -> dict:
    return county.rows("institution_year", "institution_id = ? AND year = 2024", (rid,))[0]


def test_each_field_of_a_conflict_takes_the_side_chosen_for_it(bureau: Path) -> None:
    other, rid = _edit_both_fields(bureau)
    with CountyFile.open(bureau) as county:
        plan = plan_merge(county, other)
        [c] = plan.conflicts
        assert [(k, a, b) for k, _lab, a, b in c.fields] == [("tech_items", 11, 12),
                                                            ("visits", 97000, 98000)]
        c.choices["visits"] = "theirs"
        with pytest.raises(KnownError, match="1 条冲突未决定"):
            apply_merge(county, plan)
        c.choices["tech_items"] = "mine"
        assert c.choice == "mixed"
        apply_merge(county, plan)
        facts = _facts(county, rid)
        assert (facts["visits"], facts["tech_items"]) == (98000, 11)
        # A new revision that knows both parents: merging again changes nothing, asks nothing.
        once = _data(county)
        again = plan_merge(county, other)
        assert not again.conflicts and not again.updated and not again.new
        merge(county, other)
        assert _data(county) == once
    # And the other copy takes the decision as it is, without a conflict of its own.
    with CountyFile.open(other) as theirs:
        plan = merge(theirs, bureau)
        assert not plan.conflicts
        facts = _facts(theirs, rid)
        assert (facts["visits"], facts["tech_items"]) == (98000, 11)


def test_a_mix_that_makes_no_sense_is_refused_naming_the_record(bureau: Path) -> None:
    other = _copy(bureau, "other.tcmcounty")
    with CountyFile.open(bureau, machine="a" * 32) as mine:
        centre = _centre(mine)
        rid = centre["id"]
        mine.set_institution_year(rid, 2024, {"visits": 1000, "tcm_visits": 900})
    with CountyFile.open(other, machine="b" * 32) as theirs:
        theirs.set_institution_year(rid, 2024, {"visits": 10000, "tcm_visits": 5000})
    with CountyFile.open(bureau) as county:
        before = _data(county)
        plan = plan_merge(county, other)
        [c] = plan.conflicts
        c.choices = {"visits": "mine", "tcm_visits": "theirs"}  # 5000 of 1000 visits
        with pytest.raises(KnownError, match=f"{centre['name']} 2024.*中医诊疗人次"):
            apply_merge(county, plan)
        assert _data(county) == before


def test_prefer_still_decides_every_field(bureau: Path) -> None:
    other, rid = _edit_both_fields(bureau)
    with CountyFile.open(bureau) as county:
        merge(county, other, prefer="newer")
        facts = _facts(county, rid)
        assert (facts["visits"], facts["tech_items"]) == (98000, 12)


# ---- a second institution that is one already there --------------------------------------------

def _same_clinic_twice(bureau: Path, **theirs_values: object) -> tuple[Path, dict]:
    """The bureau's file has a clinic; the township adds it again, under a new id."""
    other = _copy(bureau, "other.tcmcounty")
    with CountyFile.open(bureau) as mine:
        clinic = mine.rows("institution", "type = 'village_clinic' AND code IS NOT NULL",
                           order="name")[0]
        had = mine.rows("institution_year", "institution_id = ? AND year = 2023", (clinic["id"],))
        clinic["visits_2023"] = had[0]["visits"] if had else None
        if had and had[0]["visits"] is None:
            mine.set_institution_year(clinic["id"], 2023, {"visits": 99})
            clinic["visits_2023"] = 99
    # A file written before duplicates were refused (or on a stranger's PC) can hold one.
    with CountyFile.open(other, machine="b" * 32) as theirs, pytest.MonkeyPatch.context() as mp:
        mp.setattr(db_county, "duplicate_institution", lambda *_a: None)
        twin = theirs.insert("institution", {"type": "village_clinic", **theirs_values})
        theirs.set_institution_year(twin, 2023, {"visits": 1234})
        theirs.insert("activity", {"institution_id": twin, "date": "2024-05-05",
                                   "kind": "义诊", "title": "村里义诊"})
    return other, {**clinic, "twin": twin}


def _live_named(county: CountyFile, name: str) -> list[dict]:
    return county.rows("institution", "name = ?", (name,))


def test_the_same_code_arriving_again_is_a_conflict_that_keeps_one(bureau: Path) -> None:
    with CountyFile.open(bureau) as county:
        code = county.rows("institution", "type = 'village_clinic' AND code IS NOT NULL",
                           order="name")[0]["code"]
    other, clinic = _same_clinic_twice(bureau, name="另一个名字卫生室", code=f" {code.lower()} ")
    with CountyFile.open(bureau) as county:
        institutions = county.count("institution")
        plan = plan_merge(county, other)
        assert not [ch for ch in plan.new if ch.table == "institution"]
        [c] = plan.conflicts
        assert c.duplicate_of == clinic["id"] and f"机构代码同为 {code.upper()}" in c.label
        assert [lab for _k, lab, _a, _b in c.fields] == ["机构名称", "所属乡镇（街道）", "机构代码",
                                                         "机构类型"]
        with pytest.raises(KnownError, match="冲突未决定"):
            apply_merge(county, plan)
        c.choices = {"name": "mine", "code": "theirs", "township": "mine", "type": "mine"}
        with pytest.raises(KnownError, match="只能保留一家"):
            apply_merge(county, plan)
        c.choice = "mine"
        apply_merge(county, plan)
        assert county.count("institution") == institutions  # still one clinic, not two
        # What the township recorded for it now belongs to the one kept.
        [act] = county.rows("activity", "title = '村里义诊'")
        assert act["institution_id"] == clinic["id"]
        # A year the kept one lacks comes over; a year it has stays its own.
        [facts] = county.rows("institution_year", "institution_id = ? AND year = 2023",
                              (clinic["id"],))
        assert facts["visits"] == (clinic["visits_2023"] if clinic["visits_2023"] is not None
                                   else 1234)
        once = _data(county)
        again = plan_merge(county, other)  # decided once, it stays decided
        assert not again.conflicts and not again.new
        merge(county, other)
        assert _data(county) == once


def test_the_same_name_in_the_same_township_taken_from_the_other_side(bureau: Path) -> None:
    with CountyFile.open(bureau) as county:
        clinic = county.rows("institution", "type = 'village_clinic' AND code IS NOT NULL",
                             order="name")[0]
        mine_acts = county.count("activity", "institution_id = ?", (clinic["id"],))
    other, clinic = _same_clinic_twice(bureau, name=clinic["name"] + " ",
                                       township=clinic["township"], code="QH-NEW")
    with CountyFile.open(bureau) as county:
        plan = merge(county, other, prefer="theirs")
        [c] = plan.conflicts
        assert "同一乡镇（街道）中名称相同" in c.label
        kept = county.get("institution", clinic["twin"])
        assert kept is not None and kept["code"] == "QH-NEW"
        assert county.get("institution", clinic["id"]) is None  # retired: a tombstone
        assert county.count("activity", "institution_id = ?", (kept["id"],)) == mine_acts + 1
    # The other copy learns the decision without being asked.
    with CountyFile.open(other) as theirs:
        assert not merge(theirs, bureau).conflicts
        assert theirs.get("institution", clinic["id"]) is None
        assert theirs.get("institution", clinic["twin"]) is not None


def test_a_different_institution_with_a_blank_code_is_not_a_duplicate(bureau: Path) -> None:
    other, _clinic = _same_clinic_twice(bureau, name="新开村卫生室", township="某镇")
    with CountyFile.open(bureau) as county:
        plan = merge(county, other)
        assert not plan.conflicts
        assert _live_named(county, "新开村卫生室")


def _edited_into_a_twin(bureau: Path, **edit: object) -> tuple[Path, dict, dict]:
    """Two clinics in both files; the other file edits the second into a copy of the first."""
    other = _copy(bureau, "other.tcmcounty")
    with CountyFile.open(bureau) as mine:
        first, second = mine.rows("institution", "type = 'village_clinic' AND code IS NOT NULL",
                                  order="name")[:2]
    with CountyFile.open(other, machine="b" * 32) as theirs, pytest.MonkeyPatch.context() as mp:
        mp.setattr(db_county, "duplicate_institution", lambda *_a: None)
        theirs.update("institution", second["id"],
                      {k: (first[k] if v is None else v) for k, v in edit.items()})
    return other, first, second


@pytest.mark.parametrize("edit", [{"code": None}, {"name": None, "township": None}])
def test_an_edit_that_makes_a_twin_of_mine_is_a_conflict_not_a_duplicate(
        bureau: Path, edit: dict) -> None:
    other, first, second = _edited_into_a_twin(bureau, **edit)
    with CountyFile.open(bureau) as county:
        before = _data(county)
        plan = plan_merge(county, other)
        assert not [ch for ch in plan.updated if ch.record_id == second["id"]]
        [c] = plan.conflicts
        assert c.duplicate_of == first["id"] and "只能保留一家" in c.label
        with pytest.raises(KnownError, match="冲突未决定"):
            apply_merge(county, plan)
        assert _data(county) == before  # nothing written as a duplicate
        # 本文件: both stay as this file has them, and the decision is not asked again.
        c.choice = "mine"
        apply_merge(county, plan)
        assert county.get("institution", second["id"])["code"] == second["code"]
        assert county.get("institution", second["id"])["name"] == second["name"]
        assert county.get("institution", first["id"]) is not None
        assert not plan_merge(county, other).conflicts
    with CountyFile.open(other) as theirs:  # and the other copy learns it
        merge(theirs, bureau)
        assert theirs.get("institution", second["id"])["code"] == second["code"]


def test_an_edit_into_a_twin_taken_from_the_other_side_keeps_one(bureau: Path) -> None:
    other, first, second = _edited_into_a_twin(bureau, code=None)
    with CountyFile.open(bureau) as county:
        institutions = county.count("institution")
        plan = merge(county, other, prefer="theirs")
        assert plan.conflicts[0].duplicate_of == first["id"]
        assert county.get("institution", second["id"])["code"] == first["code"]
        assert county.get("institution", first["id"]) is None  # retired into the one kept
        assert county.count("institution") == institutions - 1


def test_the_preview_of_updates_says_choices_in_words(bureau: Path) -> None:
    other = _copy(bureau, "other.tcmcounty")
    with CountyFile.open(bureau) as county:
        centre = _centre(county)
        facts = county.rows("institution_year", "institution_id = ? AND year = 2024",
                            (centre["id"],))[0]
    state = "built" if facts["hall_state"] != "built" else "standard"
    connected = 0 if facts["platform_connected"] else 1
    with CountyFile.open(other, machine="b" * 32) as theirs:
        theirs.set_institution_year(centre["id"], 2024, {"hall_state": state,
                                                         "platform_connected": connected})
    with CountyFile.open(bureau) as county:
        text = "\n".join(plan_merge(county, other).lines())
    words = {"built": "已建未达标", "standard": "达标"}[state]
    assert f"中医馆达标情况：{shown_value('institution_year', 'hall_state', facts['hall_state'])}" \
           f" → {words}" in text
    was = shown_value("institution_year", "platform_connected", facts["platform_connected"])
    assert f"是否接入中医馆健康信息平台：{was} → {'是' if connected else '否'}" in text
    assert f"→ {state}" not in text


def test_a_conflict_decided_into_a_twin_of_mine_is_refused(bureau: Path) -> None:
    other = _copy(bureau, "other.tcmcounty")
    with CountyFile.open(bureau) as mine:
        first, second = mine.rows("institution", "type = 'village_clinic' AND code IS NOT NULL",
                                  order="name")[:2]
        mine.update("institution", second["id"], {"code": "MINE-2"})
    with CountyFile.open(other, machine="b" * 32) as theirs, pytest.MonkeyPatch.context() as mp:
        mp.setattr(db_county, "duplicate_institution", lambda *_a: None)
        theirs.update("institution", second["id"], {"code": first["code"]})
    with CountyFile.open(bureau) as county:
        before = _data(county)
        plan = plan_merge(county, other)
        [c] = plan.conflicts
        c.choice = "theirs"
        with pytest.raises(KnownError, match=f"与本文件的“{first['name']}”重复"):
            apply_merge(county, plan)
        assert _data(county) == before
        c.choice = "mine"
        apply_merge(county, plan)
        assert county.get("institution", second["id"])["code"] == "MINE-2"


def test_changes_to_different_fields_of_one_record_both_survive_a_merge(bureau: Path,
                                                                        tmp_path: Path) -> None:
    """The county corrected 中医类别医师, the township typed its 诊疗人次, in the same row: both
    kept, nothing asked (a fresh clerk's 全部采用较新的 once reverted the county's correction)."""
    with CountyFile.open(bureau) as county:
        centre = _centre(county)
        write_township_file(county, centre["township"], tmp_path / "town.tcmcounty")
        rid = county.institution_year_id(centre["id"], 2024)
        base = county.get("institution_year", rid)
        county.update("institution_year", rid, {"tcm_physicians": base["tcm_physicians"] + 1})
    with CountyFile.open(tmp_path / "town.tcmcounty") as town:
        town.update("institution_year", rid, {"visits": base["visits"] + 51})
    with CountyFile.open(bureau) as county:
        plan = merge(county, tmp_path / "town.tcmcounty", prefer="newer")
        merged = county.get("institution_year", rid)
    assert not plan.conflicts  # no field was changed on both sides
    assert (merged["tcm_physicians"], merged["visits"]) == (base["tcm_physicians"] + 1,
                                                            base["visits"] + 51)


def _town_and_edits(bureau: Path, tmp_path: Path, mine: dict, theirs: dict
                    ) -> tuple[Path, str, dict]:
    """A township's file of the first centre, then `mine` and `theirs` written to its 2024 row
    in the county's file and the township's (through the window's own writes, each logged)."""
    with CountyFile.open(bureau) as county:
        centre = _centre(county)
        town = write_township_file(county, centre["township"], tmp_path / "town.tcmcounty")
        rid = county.institution_year_id(centre["id"], 2024)
        base = county.get("institution_year", rid)
        if mine:
            county.update("institution_year", rid, mine)
    with CountyFile.open(town) as township:
        township.update("institution_year", rid, theirs)
    return town, rid, base


def test_a_field_changed_on_both_sides_is_still_asked(bureau: Path, tmp_path: Path) -> None:
    town, rid, base = _town_and_edits(bureau, tmp_path, {"other_tcm_staff": 7, "tcm_gps": 8},
                                      {"tcm_gps": 9})  # the demo's centres have 1–4
    with CountyFile.open(bureau) as county:
        plan = plan_merge(county, town)
        assert not plan.combined
        assert [sorted(k for k, *_ in c.fields) for c in plan.conflicts] == [
            ["other_tcm_staff", "tcm_gps"]]


def test_nothing_is_decided_after_a_write_without_field_lines(bureau: Path,
                                                              tmp_path: Path) -> None:
    """An Excel import (or 开始新年度, a merge…) writes without a line per field: after one on
    either side since the township's file was made, who changed what is not known, so asked."""
    town, rid, base = _town_and_edits(bureau, tmp_path, {}, {"tcm_gps": 3})
    with CountyFile.open(bureau) as county:
        county.update("institution_year", rid, {"other_tcm_staff": 7}, audit=False)
        county.log("导入 Excel", label="某乡镇报表.xlsx")
        plan = plan_merge(county, town)
        assert not plan.combined and len(plan.conflicts) == 1


def test_a_combined_record_travels_back_without_a_conflict(bureau: Path, tmp_path: Path) -> None:
    town, rid, base = _town_and_edits(bureau, tmp_path, {"other_tcm_staff": 7}, {"tcm_gps": 3})
    with CountyFile.open(bureau) as county:
        plan = plan_merge(county, town)
        assert [c.record_id for c in plan.combined] == [rid] and not plan.conflicts
        assert "两边各改不同项 1 条" in plan.summary()
        assert any("两边改的是不同的项" in line for line in plan.lines())
        apply_merge(county, plan)
        again = plan_merge(county, town)
        assert not again.conflicts and not again.combined and not again.updated
    with CountyFile.open(town) as township:
        back = merge(township, bureau)
        assert not back.conflicts
        row = township.get("institution_year", rid)
        assert (row["other_tcm_staff"], row["tcm_gps"]) == (7, 3)


def test_files_of_several_townships_merge_in_turn_keeping_both_sides(bureau: Path,
                                                                     tmp_path: Path) -> None:
    """The bureau writes every township's file, then merges them back one by one: writing the
    others and merging the first do not stop the second from keeping both sides' changes."""
    with CountyFile.open(bureau) as county:
        centres = county.rows("institution", "type = 'township_hc'", order="name")[:2]
        files = [write_township_file(county, c["township"], tmp_path / f"t{n}.tcmcounty")
                 for n, c in enumerate(centres)]
        rids = [county.institution_year_id(c["id"], 2024) for c in centres]
        for rid in rids:
            county.update("institution_year", rid, {"other_tcm_staff": 7})
    for path, rid in zip(files, rids):
        with CountyFile.open(path) as town:
            town.update("institution_year", rid, {"tcm_gps": 9})
    with CountyFile.open(bureau) as county:
        for path, rid in zip(files, rids):
            plan = merge(county, path)
            assert [c.record_id for c in plan.combined] == [rid] and not plan.conflicts
            row = county.get("institution_year", rid)
            assert (row["other_tcm_staff"], row["tcm_gps"]) == (7, 9)


def test_a_forged_birth_line_proves_nothing(bureau: Path, tmp_path: Path) -> None:
    """A file that says it is a township's file of this county, but whose 生成乡镇填报文件 line the
    county never wrote, has every conflict asked."""
    town, rid, base = _town_and_edits(bureau, tmp_path, {"other_tcm_staff": 7}, {"tcm_gps": 9})
    with CountyFile.open(town) as township:
        township.conn.execute("UPDATE audit SET id = 'forged' WHERE action = '生成乡镇填报文件'")
        township.conn.commit()
    with CountyFile.open(bureau) as county:
        plan = plan_merge(county, town)
        assert not plan.combined and len(plan.conflicts) == 1


def test_a_true_conflict_says_what_the_field_was_before_either_side_changed_it(
        bureau: Path, tmp_path: Path) -> None:
    """Both sides changed 中医类别全科医生数 since the township's file was made: the conflict says
    what it was then (from the two 修改记录), so the clerk sees which side corrected what."""
    town, rid, base = _town_and_edits(bureau, tmp_path, {"other_tcm_staff": 7, "tcm_gps": 8},
                                      {"tcm_gps": 9})
    with CountyFile.open(bureau) as county:
        plan = plan_merge(county, town)
        [c] = plan.conflicts
        assert c.original == {"tcm_gps": base["tcm_gps"],
                              "other_tcm_staff": base["other_tcm_staff"]}
        # Only the county changed 其他中医药人员: it starts on the county's side; the field
        # both changed is the clerk's to decide.
        assert c.choices == {"other_tcm_staff": "mine"} and not c.decided
        text = "\n".join(plan.lines())
        assert f"原为 {base['tcm_gps']}，本文件 8，对方 9" in text


def test_a_conflict_without_proof_of_the_original_says_none(bureau: Path) -> None:
    """Two copies of one file (no township file's 修改记录 to read from): no 原值 is guessed."""
    other = _copy(bureau, "other.tcmcounty")
    with CountyFile.open(bureau) as mine:
        centre = _centre(mine)
        rid = mine.institution_year_id(centre["id"], 2024)
        mine.update("institution_year", rid, {"tcm_gps": 8})
    with CountyFile.open(other, machine="b" * 32) as theirs:
        theirs.update("institution_year", rid, {"tcm_gps": 9})
    with CountyFile.open(bureau) as county:
        [c] = plan_merge(county, other).conflicts
        assert c.original == {}
