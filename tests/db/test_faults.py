"""Power cuts and pulled sticks: kill the process at random moments during a snapshot, an Excel
import, a merge or a township file, 80 times, and find every file whole, holding all of the change or none of it."""

import random
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from db.county import CountyFile, check_header
from db.demo import write_demo
from db.exchange import write_township_file

KILLS_PER_KIND = 20
NEW_ACTIVITIES = 40

_CHILD = """
import sys
from pathlib import Path
from db.county import CountyFile
from db import exchange
kind, a, b = sys.argv[1:4]
with CountyFile.open(Path(a), daily_backup=False) as county:
    print("go", flush=True)
    if kind == "snapshot":
        exchange.snapshot(county, Path(b))
    elif kind == "township":
        exchange.write_township_file(county, "平场镇", Path(b))
    elif kind == "import":
        from reports.excel.importer import import_workbook
        import_workbook(county, Path(b))
    else:
        exchange.merge(county, Path(b))
"""


def _intact(path: Path) -> None:
    check_header(path)
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()


def _kill_at_random(args: list[str], rng: random.Random, env: dict[str, str]) -> None:
    child = subprocess.Popen([sys.executable, "-c", _CHILD, *args], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, env=env, text=True)
    assert child.stdout is not None
    child.stdout.readline()  # the file is open: the work starts now
    try:
        # The power cut comes at a random moment, unless the work is already done by then.
        child.wait(timeout=rng.uniform(0, 0.15))
    except subprocess.TimeoutExpired:
        child.send_signal(signal.SIGKILL)
        child.wait()
    child.stdout.close()


@pytest.fixture
def env(_private_home: Path) -> dict[str, str]:
    import os

    return {**os.environ, "TCMCOUNTY_HOME": str(_private_home)}


def test_killed_snapshots_leave_the_old_copy_or_the_new(tmp_path: Path, env: dict) -> None:
    source = write_demo(tmp_path / "source.tcmcounty", "small")
    dest = tmp_path / "stick" / "copy.tcmcounty"
    dest.parent.mkdir()
    old = write_demo(tmp_path / "old.tcmcounty", "small")
    with CountyFile.open(old, daily_backup=False) as c:
        c.set_setting("county_name", "旧副本")
    rng = random.Random(7)
    for _ in range(KILLS_PER_KIND):
        dest.write_bytes(old.read_bytes())
        _kill_at_random(["snapshot", str(source), str(dest)], rng, env)
        _intact(dest)
        with CountyFile.open(dest, daily_backup=False) as c:
            assert c.county_name in ("旧副本", "青河县")
        _intact(source)


def test_killed_township_files_leave_no_file_or_the_township_only(tmp_path: Path,
                                                                  env: dict) -> None:
    source = write_demo(tmp_path / "source.tcmcounty", "small")
    out = tmp_path / "stick" / "平场镇.tcmcounty"
    out.parent.mkdir()
    rng = random.Random(5)
    for _ in range(KILLS_PER_KIND):
        out.unlink(missing_ok=True)
        _kill_at_random(["township", str(source), str(out)], rng, env)
        if not out.exists():  # a rerun after the power cut writes the file
            with CountyFile.open(source, daily_backup=False) as c:
                write_township_file(c, "平场镇", out)
        _intact(out)
        with CountyFile.open(out, daily_backup=False) as c:
            assert {r["township"] for r in c.rows("institution")} == {"平场镇"}
        assert sorted(p.name for p in out.parent.iterdir()) == [out.name]


def test_killed_merges_land_whole_or_not_at_all(tmp_path: Path, env: dict) -> None:
    master = write_demo(tmp_path / "master.tcmcounty", "small")
    other = tmp_path / "other.tcmcounty"
    other.write_bytes(master.read_bytes())
    with CountyFile.open(other, daily_backup=False) as c:
        centre = c.rows("institution", "type = 'township_hc'", order="name")[0]["id"]
        with c.atomic():
            for i in range(NEW_ACTIVITIES):
                c.insert("activity", {"institution_id": centre, "date": "2024-11-01",
                                      "kind": "义诊", "title": f"新增义诊{i}"})
            c.set_institution_year(centre, 2024, {"tech_items": 19})
    target = tmp_path / "target.tcmcounty"
    rng = random.Random(11)
    for _ in range(KILLS_PER_KIND):
        target.write_bytes(master.read_bytes())
        _kill_at_random(["merge", str(target), str(other)], rng, env)
        with CountyFile.open(target, daily_backup=False) as c:
            added = c.count("activity", "title LIKE '新增义诊%'")
            items = c.rows("institution_year", "institution_id = ? AND year = 2024",
                           (centre,))[0]["tech_items"]
        assert (added, items == 19) in ((0, False), (NEW_ACTIVITIES, True))
        _intact(target)
        _intact(other)


def test_killed_imports_land_whole_or_not_at_all(tmp_path: Path, env: dict) -> None:
    import openpyxl

    master = write_demo(tmp_path / "master.tcmcounty", "small")
    with CountyFile.open(master, daily_backup=False) as c:
        centre = c.rows("institution", "type = 'township_hc'", order="name")[0]["name"]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "活动记录"
    sheet.append(["机构名称", "活动日期", "活动类型", "活动名称", "参与人数", "是否中医药内容"])
    for i in range(NEW_ACTIVITIES):
        sheet.append([centre, "2024-11-02", "健康讲座", f"导入讲座{i}", 30, "是"])
    path = tmp_path / "book.xlsx"
    book.save(path)
    target = tmp_path / "target.tcmcounty"
    rng = random.Random(13)
    for _ in range(KILLS_PER_KIND):
        target.write_bytes(master.read_bytes())
        _kill_at_random(["import", str(target), str(path)], rng, env)
        with CountyFile.open(target, daily_backup=False) as c:
            added = c.count("activity", "title LIKE '导入讲座%'")
        assert added in (0, NEW_ACTIVITIES)
        _intact(target)


def test_what_an_interrupted_backup_left_is_cleared_and_never_listed(tmp_path: Path) -> None:
    import os
    import time

    from db import backups, paths

    county = write_demo(tmp_path / "县.tcmcounty", "small")
    folder = paths.backups_dir()
    # A backup cut off by a power cut yesterday: the half copy and its journal.
    stale = [folder / ".县--20240101-080000-000000--每日.tcmcounty.part",
             folder / ".县--20240101-080000-000000--每日.tcmcounty.part-journal"]
    # Another running copy of the program, writing its backup right now.
    fresh = folder / ".县--20240102-080000-000000--导入前.tcmcounty.part"
    for path in (*stale, fresh):
        path.write_bytes(b"\0" * 4096)
    day_ago = time.time() - 86400
    for path in stale:
        os.utime(path, (day_ago, day_ago))
    assert backups.list_backups() == []
    with CountyFile.open(county):  # the day's first open takes the daily backup
        pass
    assert [b.reason for b in backups.list_backups()] == ["每日"]
    assert not any(path.exists() for path in stale)
    assert fresh.exists()


def test_a_backup_is_listed_with_its_time_and_a_name_with_no_such_time_is_not(
        tmp_path: Path) -> None:
    import datetime as dt

    from db import backups, paths

    folder = paths.backups_dir()
    (folder / "县--20241115-093012-000042--导入前.tcmcounty").write_bytes(b"\0")
    (folder / "县--20241399-250000-000000--每日.tcmcounty").write_bytes(b"\0")  # month 13
    assert [(b.taken, b.reason) for b in backups.list_backups("县")] == [
        (dt.datetime(2024, 11, 15, 9, 30, 12, 42), "导入前")]
