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
