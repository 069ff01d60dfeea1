"""The command line as other programs use it: output, exit codes, files left alone."""

import hashlib
from pathlib import Path
import subprocess
import sys

import pytest

from db.county import CountyFile
from desktop.cli import main


def test_new_makes_an_empty_county(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "新县.tcmcounty"
    assert main(["new", str(path), "--county", "新县"]) == 0
    assert "已新建" in capsys.readouterr().out
    with CountyFile.open(path) as county:
        assert county.county_name == "新县" and county.count("institution") == 0


def test_new_never_overwrites(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "a.tcmcounty"
    path.write_bytes(b"keep me")
    assert main(["new", str(path), "--county", "县"]) == 2
    assert "已存在" in capsys.readouterr().err
    assert path.read_bytes() == b"keep me"


def test_demo_writes_the_demo_county(tmp_path: Path) -> None:
    path = tmp_path / "demo.tcmcounty"
    assert main(["demo", str(path)]) == 0
    with CountyFile.open(path) as county:
        assert county.county_name == "青河县"


@pytest.mark.parametrize("content", [b"", b"hello", b"SQLite format 3\x00" + b"\x00" * 50])
def test_not_a_county_file_exits_3_and_is_untouched(tmp_path: Path, content: bytes,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "x.tcmcounty"
    path.write_bytes(content)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    assert main(["evaluate", str(path), "--year", "2024"]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "x.tcmcounty" in err
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


@pytest.mark.parametrize("argv", [["demo"], ["new", "a.tcmcounty"], ["demo", "a", "--size", "huge"],
                                  ["evaluate", "a", "--year", "1999"], ["a", "b"]])
def test_usage_errors_exit_2(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2


def test_installed_command_runs(tmp_path: Path) -> None:
    """The console script itself, in a fresh process, as a clerk or a script would call it."""
    path = tmp_path / "d.tcmcounty"
    done = subprocess.run([sys.executable, "-m", "desktop", "demo", str(path)],
                          capture_output=True, text=True, encoding="utf-8", check=False)
    assert done.returncode == 0, done.stderr
    assert "示例县" in done.stdout and path.exists()


def _two_sided_conflict(tmp_path: Path) -> tuple[Path, Path]:
    from db.demo import write_demo

    mine = write_demo(tmp_path / "mine.tcmcounty")
    other = tmp_path / "other.tcmcounty"
    other.write_bytes(mine.read_bytes())
    for path, code in ((mine, "A"), (other, "B")):
        with CountyFile.open(path) as c:
            first = c.rows("institution", order="name")[0]
            c.update("institution", first["id"], {"code": code})
            if code == "B":
                c.insert("activity", {"institution_id": first["id"], "date": "2024-05-05",
                                      "kind": "义诊", "title": "端午义诊"})
    return mine, other


def test_merge_with_conflicts_exits_4_and_writes_nothing(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    mine, other = _two_sided_conflict(tmp_path)
    before = hashlib.sha256(mine.read_bytes()).hexdigest()
    assert main(["merge", str(mine), str(other)]) == 4
    captured = capsys.readouterr()
    assert "冲突" in captured.out and "--prefer" in captured.err
    assert hashlib.sha256(mine.read_bytes()).hexdigest() == before


def test_merge_dry_run_and_prefer(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mine, other = _two_sided_conflict(tmp_path)
    before = hashlib.sha256(mine.read_bytes()).hexdigest()
    assert main(["merge", str(mine), str(other), "--dry-run", "--prefer", "theirs"]) == 0
    assert "端午义诊" in capsys.readouterr().out
    assert hashlib.sha256(mine.read_bytes()).hexdigest() == before
    assert main(["merge", str(mine), str(other), "--prefer", "theirs"]) == 0
    with CountyFile.open(mine) as c:
        assert c.rows("activity", "title = '端午义诊'")
        assert c.rows("institution", order="name")[0]["code"] == "B"


def test_snapshot_and_township_commands(tmp_path: Path) -> None:
    from db.demo import write_demo

    src = write_demo(tmp_path / "s.tcmcounty")
    (tmp_path / "u").mkdir()
    assert main(["snapshot", str(src), str(tmp_path / "u" / "copy.tcmcounty")]) == 0
    assert main(["township", str(src), "--town", "城关街道", "-o",
                 str(tmp_path / "城关.tcmcounty")]) == 0
    with CountyFile.open(tmp_path / "城关.tcmcounty") as c:
        assert {r["township"] for r in c.rows("institution")} == {"城关街道"}
    assert main(["township", str(src), "--town", "无此镇", "-o", str(tmp_path / "x")]) == 3


# ---- found by trying the program as a new user --------------------------------------------------

@pytest.fixture
def demo(tmp_path: Path) -> Path:
    from db.demo import write_demo

    return write_demo(tmp_path / "demo.tcmcounty")


@pytest.mark.parametrize("command", [
    ["report", "{demo}", "--year", "2024", "-o", "{victim}"],
    ["export-excel", "{demo}", "-o", "{victim}", "--year", "2024"],
    ["template", "{demo}", "-o", "{victim}", "--year", "2024"],
    ["report", "{demo}", "--year", "2024", "-o", "{demo}"],
    ["export-excel", "{demo}", "-o", "{demo}", "--year", "2024"],
    ["snapshot", "{demo}", "{victim}"],
])
def test_outputs_never_replace_a_county_file(demo: Path, tmp_path: Path, command: list[str],
                                             capsys: pytest.CaptureFixture[str]) -> None:
    victim = tmp_path / "别县.tcmcounty"
    CountyFile.create(victim, "别县").close()
    files = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in (demo, victim)}
    argv = [a.format(demo=demo, victim=victim) for a in command]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "不会" in err
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in files} == files


def test_snapshot_replaces_only_an_older_copy_of_the_same_county(demo: Path, tmp_path: Path) -> None:
    old = tmp_path / "stick.tcmcounty"
    assert main(["snapshot", str(demo), str(old)]) == 0
    with CountyFile.open(demo) as c:
        c.set_setting("county_name", "青河县（新）")
    assert main(["snapshot", str(demo), str(old)]) == 0
    with CountyFile.open(old) as c:
        assert c.county_name == "青河县（新）"
    precious = tmp_path / "precious.pdf"
    precious.write_bytes(b"%PDF keep")
    assert main(["snapshot", str(demo), str(precious)]) == 2
    assert precious.read_bytes() == b"%PDF keep"


@pytest.mark.parametrize("command", [
    ["demo", "{missing}/x.tcmcounty"],
    ["new", "{missing}/c.tcmcounty", "--county", "甲县"],
    ["new", "{demo}/x.tcmcounty", "--county", "甲县"],
    ["export-excel", "{demo}", "-o", "{demo}/e.xlsx", "--year", "2024"],
    ["template", "{demo}", "-o", "{demo}/t.xlsx", "--year", "2024"],
    ["snapshot", "{demo}", "{missing}/u.tcmcounty"],
    ["township", "{demo}", "--town", "城关街道", "-o", "{missing}/t.tcmcounty"],
    ["report", "{demo}", "--year", "2024", "-o", "{missing}/r.pdf"],
])
def test_impossible_places_get_one_chinese_line(demo: Path, tmp_path: Path, command: list[str],
                                                capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "U盘没插"
    argv = [a.format(demo=demo, missing=missing) for a in command]
    code = main(argv)
    err = capsys.readouterr().err
    assert code in (1, 3) and err.count("\n") == 1, err
    assert "Traceback" not in err and ("不存在" in err or "不是文件夹" in err), err
    assert not missing.exists()


def test_existing_township_file_is_a_usage_error(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "t.tcmcounty"
    assert main(["township", str(demo), "--town", "城关街道", "-o", str(out)]) == 0
    assert main(["township", str(demo), "--town", "城关街道", "-o", str(out)]) == 2


def test_import_year_outside_the_workbook_range_is_a_usage_error(demo: Path, tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]
                                                                 ) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["import-excel", str(demo), str(tmp_path / "b.xlsx"), "--year", "2040"])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "2020–2035" in err


def test_a_damaged_file_prints_only_the_chinese_line(demo: Path, tmp_path: Path) -> None:
    cut = tmp_path / "cut.tcmcounty"
    cut.write_bytes(demo.read_bytes()[: demo.stat().st_size // 2])
    done = subprocess.run([sys.executable, "-m", "desktop", "evaluate", str(cut), "--year", "2024"],
                          capture_output=True, text=True, encoding="utf-8", check=False)
    assert done.returncode == 3
    assert done.stderr.count("\n") == 1 and "已损坏" in done.stderr


def test_a_file_held_by_another_program_exits_3_with_the_busy_sentence(
        demo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import sqlite3

    from db import county

    monkeypatch.setattr(county, "BUSY_TIMEOUT", 0.05)
    other = sqlite3.connect(demo, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        before = hashlib.sha256(demo.read_bytes()).hexdigest()
        assert main(["evaluate", str(demo), "--year", "2024"]) == 3
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "demo.tcmcounty" in err and "正被其他程序使用" in err
        assert "备份" not in err and "损坏" not in err
        assert hashlib.sha256(demo.read_bytes()).hexdigest() == before
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_damage_met_while_reading_is_the_damaged_sentence(demo: Path,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]
                                                          ) -> None:
    import sqlite3

    import reports.judge.evaluation

    def malformed(*args: object, **kwargs: object) -> None:
        error = sqlite3.DatabaseError("database disk image is malformed")
        error.sqlite_errorcode = sqlite3.SQLITE_CORRUPT
        raise error

    monkeypatch.setattr(reports.judge.evaluation, "evaluate", malformed)
    assert main(["evaluate", str(demo), "--year", "2024"]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "demo.tcmcounty" in err and "已损坏" in err and "备份" in err


def test_evaluate_a_township_file_leaves_the_county_score_to_the_county(
        demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    town = tmp_path / "太溪镇.tcmcounty"
    assert main(["township", str(demo), "--town", "太溪镇", "-o", str(town)]) == 0
    capsys.readouterr()
    assert main(["evaluate", str(town), "--year", "2024"]) == 0
    out = capsys.readouterr().out
    first = out.splitlines()[0]
    assert "太溪镇" in first and "乡镇填报文件" in first and "合并" in first
    rows = {line.split()[0]: line for line in out.splitlines()
            if line[:1] in "ABCD" and " " in line}
    for item in ("B9", "B10", "B11", "C5", "D11"):
        assert "由县里汇总" in rows[item], rows[item]
    assert "由县里汇总" not in rows["A1"]
    assert "/ 100 分" not in out and "未达到示范县标准" not in out
    assert main(["evaluate", str(town), "--year", "2024", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["township_scope"] == "太溪镇"
    flagged = {i["id"] for i in data["indicators"] if i.get("county_level")}
    assert {"B9", "B10", "B11", "C5"} <= flagged and "A1" not in flagged
    items = {i["id"] for i in data["score"]["items"] if i.get("county_level")}
    assert {"G01", "G13", "H1", "B9"} <= items and "A1" not in items
    assert "total" in data["score"] and "indicators" in data  # existing keys kept


def test_evaluate_a_county_file_adds_no_township_keys(
        demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    assert main(["evaluate", str(demo), "--year", "2024", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert "township_scope" not in data
    assert not any("county_level" in i for i in data["indicators"])


@pytest.mark.parametrize("command", ["evaluate", "report"])
def test_a_year_without_any_data_says_so_on_stderr(
        demo: Path, tmp_path: Path, command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with CountyFile.open(demo) as county:
        years = county.years()
    argv = [command, str(demo), "--year", "2030"]
    if command == "report":
        argv += ["-o", str(tmp_path / "r.pdf")]
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert f"2030 年尚无任何数据（本文件有数据的年度：{years[0]}–{years[-1]}）" in err
    assert main([command, str(demo), "--year", str(years[-1])]
                + (["-o", str(tmp_path / "s.pdf")] if command == "report" else [])) == 0
    assert "尚无任何数据" not in capsys.readouterr().err
