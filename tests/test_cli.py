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
    assert main(["snapshot", str(src), str(tmp_path / "u" / "copy.tcmcounty")]) == 0
    assert main(["township", str(src), "--town", "城关街道", "-o",
                 str(tmp_path / "城关.tcmcounty")]) == 0
    with CountyFile.open(tmp_path / "城关.tcmcounty") as c:
        assert {r["township"] for r in c.rows("institution")} == {"城关街道"}
    assert main(["township", str(src), "--town", "无此镇", "-o", str(tmp_path / "x")]) == 3
