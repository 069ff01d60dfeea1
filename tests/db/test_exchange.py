"""USB exchange: verified copies, township files, merges that lose nothing, locks, backups."""

import datetime as dt
import hashlib
import shutil
from pathlib import Path

import pytest

from db import backups, restore
from db.county import CountyFile
from db.demo import write_demo
from db.errors import FileBusy, KnownError
from db.exchange import apply_merge, merge, plan_merge, snapshot, write_township_file


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
