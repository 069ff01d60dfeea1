"""Older files open in newer versions: numbered steps, applied after a backup copy."""

import shutil
import sqlite3
from pathlib import Path

import pytest

from db import schema
from db.backups import list_backups
from db.county import CountyFile

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _copy_fixture(tmp_path: Path, version: int) -> Path:
    target = tmp_path / f"v{version}.tcmcounty"
    shutil.copyfile(FIXTURES / f"schema-v{version}.tcmcounty", target)
    return target


@pytest.mark.parametrize("version", range(1, schema.current_version() + 1))
def test_every_released_version_opens_with_its_data(tmp_path: Path, version: int) -> None:
    with CountyFile.open(_copy_fixture(tmp_path, version)) as county:
        assert county.schema_version == schema.current_version()
        assert county.county_name == "固定县"
        names = {r["name"] for r in county.rows("institution")}
        assert names == {"固定县中医医院", "石门镇卫生院"}  # the village clinic was deleted
        hall = county.query("SELECT hall_state FROM institution_year WHERE tcm_visits = 12000")
        assert hall == [{"hall_state": "standard"}]
        ev = county.rows("evidence")[0]
        assert county.evidence_data(ev["id"]) == b"\x89PNG fixture bytes"
        phases = county.rows("phase")
        assert phases == [] if version < 2 else phases[0]["name"] == "实施阶段"
        findings = county.rows("review_finding")  # 模拟现场评审 (issue 17)
        assert findings == [] if version < 5 else findings[0]["verdict"] == "符合"
        # 达标路径 arrangements (issue 28): one 已安排, one taken back (left out of rows).
        planned = county.rows("planned_action")
        assert planned == [] if version < 7 else \
            [(p["item_id"], p["person"], p["due_date"]) for p in planned] == \
            [("C2", "李四", "2023-10-31")]
        if version >= 3:
            assert county.rows("check_review")[0]["note"] == "新增分院，属实"
            carried = county.query("SELECT carried FROM institution_year WHERE year = 2024")
            assert carried == [{"carried": "2023:hall_state"}]


@pytest.mark.parametrize("version", [1, 2])
def test_an_older_file_learns_when_its_institutions_started(tmp_path: Path, version: int) -> None:
    """Step 3: an institution with figures from 2023 on no longer counts (as 未填报) in 2022;
    two copies upgraded apart give it the same revision, so merging them changes nothing."""
    first, second = _copy_fixture(tmp_path, version), tmp_path / "second.tcmcounty"
    shutil.copyfile(first, second)
    with CountyFile.open(first) as a, CountyFile.open(second) as b:
        starts = {r["name"]: r["active_from"] for r in a.rows("institution")}
        assert starts == {"固定县中医医院": 2023, "石门镇卫生院": 2023}
        assert [r["name"] for r in a.institutions_in_year(2022)] == []
        assert [r["rev"] for r in a.rows("institution", order="id")] == \
            [r["rev"] for r in b.rows("institution", order="id")]


def _add_step(monkeypatch: pytest.MonkeyPatch, step: schema.Step) -> int:
    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, step])
    return len(schema.MIGRATIONS)


def test_a_later_step_upgrades_an_old_file_after_a_backup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _copy_fixture(tmp_path, schema.current_version())
    old_version = schema.current_version()
    new_version = _add_step(monkeypatch, "ALTER TABLE institution ADD COLUMN beds INTEGER;")
    with CountyFile.open(path) as county:
        assert county.schema_version == new_version
        assert county.migrated_from == old_version
        assert county.query("SELECT beds FROM institution LIMIT 1") == [{"beds": None}]
        actions = [r["action"] for r in county.query("SELECT action FROM audit")]
        assert "升级数据版本" in actions
    stem = f"v{old_version}"
    backups = [b for b in list_backups(stem) if b.reason == f"v{old_version}升级前"]
    assert len(backups) == 1
    # The backup is the file as it was, readable as version 1.
    conn = sqlite3.connect(backups[0].path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == old_version
    conn.close()


def test_a_failing_step_leaves_the_file_at_its_old_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _copy_fixture(tmp_path, 1)

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE institution ADD COLUMN beds INTEGER")
        raise RuntimeError("step failed half-way")

    _add_step(monkeypatch, broken)
    with pytest.raises(RuntimeError):
        CountyFile.open(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    columns = [r[1] for r in conn.execute("PRAGMA table_info(institution)")]
    conn.close()
    assert "beds" not in columns


@pytest.mark.parametrize("version", range(1, schema.current_version() + 1))
def test_the_standards_facts_exist_after_the_upgrade_and_keep_their_values(
        tmp_path: Path, version: int) -> None:
    """Files from before the standard's facts get them empty; a file that has them keeps them."""
    with CountyFile.open(_copy_fixture(tmp_path, version)) as county:
        row = county.query("SELECT hall_area, fd_teams, fd_teams_tcm FROM institution_year "
                           "WHERE tcm_visits = 12000")[0]
        literacy = county.query("SELECT tcm_literacy FROM county_year")[0]["tcm_literacy"]
    has_them = version >= 4  # step 4 (issue 16) brought them
    assert row == ({"hall_area": 320, "fd_teams": 4, "fd_teams_tcm": 3} if has_them
                   else {"hall_area": None, "fd_teams": None, "fd_teams_tcm": None})
    assert literacy == (0.26 if has_them else None)


@pytest.mark.parametrize("version", range(1, schema.current_version() + 1))
def test_townships_keep_what_they_showed_and_a_dated_change_survives(tmp_path: Path,
                                                                       version: int) -> None:
    """Step 6 (issue 29): an upgraded file shows every institution in today's township for all
    its years; a file written since keeps the centre in 石门镇 up to 2023 and 石门街道 from 2024."""
    from db.townships import township_in_year

    with CountyFile.open(_copy_fixture(tmp_path, version)) as county:
        centre = county.rows("institution", "name = '石门镇卫生院'")[0]["id"]
        seen = {y: township_in_year(county, centre, y) for y in (2022, 2023, 2024, 2030)}
        in_2023 = {r["name"]: r["township"] for r in county.institutions_in_year(2023)}
    if version < 6:
        assert seen == dict.fromkeys(seen, "石门镇")
    else:
        assert seen == {2022: "石门镇", 2023: "石门镇", 2024: "石门街道", 2030: "石门街道"}
    assert in_2023["石门镇卫生院"] == "石门镇"


def test_two_copies_upgraded_apart_merge_without_changes(tmp_path: Path) -> None:
    """The step writes no record: two copies of an older file, upgraded apart, merge with
    nothing to do."""
    from db.exchange import plan_merge

    first, second = _copy_fixture(tmp_path, 5), tmp_path / "second.tcmcounty"
    shutil.copyfile(first, second)
    CountyFile.open(second).close()
    with CountyFile.open(first) as a:
        plan = plan_merge(a, second)
    assert (plan.new, plan.updated, plan.deleted, plan.conflicts) == ([], [], [], [])


@pytest.mark.parametrize("version", range(1, schema.current_version() + 1))
def test_the_national_texts_facts_exist_after_the_upgrade(tmp_path: Path, version: int) -> None:
    """Step 8 (issue 24): 中医健康宣教基地 and 煎药室, empty in older files, kept where set."""
    with CountyFile.open(_copy_fixture(tmp_path, version)) as county:
        row = county.query("SELECT edu_base, decoction_room FROM institution_year "
                           "WHERE physicians = 100")[0]
    assert row == {"edu_base": 1 if version >= 8 else None, "decoction_room": None}
