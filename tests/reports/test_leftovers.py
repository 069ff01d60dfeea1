"""A write killed half-way (power cut, the task manager) leaves its temporary file beside the
output; the next write to the same place removes it once it is older than any write takes, and
leaves a younger one alone (another copy of the program may be writing it right now)."""

from __future__ import annotations

import os
from pathlib import Path
import time

import pytest

from db.copies import LEFTOVER_AGE_S
from db.county import CountyFile
from db.demo import write_demo
from desktop.cli import main
from reports.plan.evidence import export_evidence


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_demo(tmp_path_factory.mktemp("demo") / "青河县.tcmcounty", "small")


def _leftover(path: Path, *, age_s: float, folder: bool = False) -> Path:
    if folder:
        path.mkdir()
        (path / "佐证材料").mkdir()
    else:
        path.write_bytes(b"")  # what a killed run leaves: the temporary file, never filled
    then = time.time() - age_s
    os.utime(path, (then, then))
    return path


@pytest.mark.parametrize("command, out, old, young", [
    (["report", "{file}", "--year", "2024", "-o", "{out}"], "报告.pdf",
     ".报告-k3j4h5g6.part", ".报告-a1b2c3d4.part"),
    (["export-excel", "{file}", "--year", "2024", "-o", "{out}"], "导出.xlsx",
     ".导出.4242.part.xlsx", ".导出.4343.part.xlsx"),
])
def test_the_next_write_removes_what_a_killed_one_left(
        demo: Path, tmp_path: Path, command: list[str], out: str, old: str, young: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    stale = _leftover(tmp_path / old, age_s=LEFTOVER_AGE_S + 60)
    fresh = _leftover(tmp_path / young, age_s=5)
    other = _leftover(tmp_path / ".另一份报告-k3j4h5g6.part", age_s=LEFTOVER_AGE_S + 60)
    argv = [a.format(file=demo, out=tmp_path / out) for a in command]
    assert main(argv) == 0, capsys.readouterr().err
    assert (tmp_path / out).stat().st_size > 0
    assert not stale.exists()
    assert fresh.exists() and other.exists()  # another run's, and another output's


def test_an_evidence_export_removes_what_a_killed_one_left(demo: Path, tmp_path: Path) -> None:
    stale = _leftover(tmp_path / ".evidence-x1y2z3", age_s=LEFTOVER_AGE_S + 60, folder=True)
    with CountyFile.open(demo, daily_backup=False) as county:
        export_evidence(county, tmp_path / "佐证材料", year=2024)
    assert not stale.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["佐证材料"]
