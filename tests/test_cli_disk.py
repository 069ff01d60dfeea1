"""Full disks, read-only places and closed pipes: one Chinese sentence, exit 3, nothing
half-written, for every command that writes (and the backup taken before it)."""

import errno
import hashlib
import os
from pathlib import Path
import re
import subprocess
import sys

import pytest

from db import paths
from db.county import CountyFile
from db.demo import write_demo
from desktop.cli import main

COMMANDS = {
    "import-excel": ["import-excel", "{county}", "{book}"],
    "merge": ["merge", "{county}", "{other}", "--prefer", "theirs"],
    "snapshot": ["snapshot", "{county}", "{out}/copy.tcmcounty"],
    "township": ["township", "{county}", "--town", "城关街道", "-o", "{out}/t.tcmcounty"],
    "demo": ["demo", "{out}/d.tcmcounty"],
    "new": ["new", "{out}/n.tcmcounty", "--county", "甲县"],
    "export-excel": ["export-excel", "{county}", "-o", "{out}/e.xlsx", "--year", "2024"],
    "report": ["report", "{county}", "--year", "2024", "-o", "{out}/r.pdf"],
    "template": ["template", "{county}", "-o", "{out}/t.xlsx", "--year", "2024"],
    "review-checklist": ["review-checklist", "{county}", "--year", "2024", "-o", "{out}/c.pdf"],
    "review-export": ["review-export", "{county}", "--year", "2024", "-o", "{out}/m.xlsx"],
    "rollup -o .xlsx": ["rollup", "{folder}", "--year", "2024", "-o", "{out}/汇总.xlsx"],
    "rollup -o .pdf": ["rollup", "{folder}", "--year", "2024", "-o", "{out}/汇总.pdf"],
}
# These write into the county file itself (after a backup); the others write a new file.
WRITE_IN_PLACE = {"import-excel", "merge"}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _inputs(folder: Path) -> dict[str, Path]:
    """A county, a workbook with one new activity and a newer copy to merge, all in `folder`."""
    import openpyxl

    from reports.judge import review

    county = write_demo(folder / "县.tcmcounty")
    with CountyFile.open(county, daily_backup=False) as c:  # for review-checklist/-export
        review.create_review(c, 2024, seed=7, rule=review.Rule(1, 2, 2))
    other = folder / "乡镇.tcmcounty"
    other.write_bytes(county.read_bytes())
    with CountyFile.open(other, daily_backup=False) as c:
        centre = c.rows("institution", "type = 'township_hc'", order="name")[0]
        c.insert("activity", {"institution_id": centre["id"], "date": "2024-11-01",
                              "kind": "义诊", "title": "合并来的义诊"})
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "活动记录"
    sheet.append(["机构名称", "活动日期", "活动类型", "活动名称", "参与人数", "是否中医药内容"])
    sheet.append([centre["name"], "2024-11-02", "健康讲座", "导入的讲座", 30, "是"])
    book.save(folder / "book.xlsx")
    return {"county": county, "other": other, "book": folder / "book.xlsx", "folder": folder}


def _run(name: str, files: dict[str, Path], out: Path, capsys: pytest.CaptureFixture[str]
         ) -> tuple[int, str]:
    argv = [a.format(out=out, **files) for a in COMMANDS[name]]
    code = main(argv)
    err = capsys.readouterr().err
    # rollup's progress ("[2/3] 正在检查…") goes to stderr too; the sentence is what follows it
    return code, "".join(line for line in err.splitlines(keepends=True)
                         if not re.match(r"\[\d+/\d+\] ", line))


def _assert_one_sentence(code: int, err: str, words: str) -> None:
    assert code == 3, err
    assert err.count("\n") == 1 and err.startswith("tcmcounty: "), err
    assert "Traceback" not in err and "Exception" not in err and words in err, err


def _listing(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


# ---- the disk says no at the moment a file is put in place (runs everywhere) ---------------------

@pytest.mark.parametrize("name", sorted(COMMANDS))
@pytest.mark.parametrize("number, words", [(errno.ENOSPC, "空间不足"), (errno.EACCES, "没有权限"),
                                           (errno.EROFS, "只读")])
def test_a_write_refused_by_the_disk_is_one_sentence(name: str, number: int, words: str,
                                                    tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    files = _inputs(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    before = _digest(files["county"])
    backups_before = _listing(paths.backups_dir())

    def refuse(src: object, dst: object) -> None:
        raise OSError(number, os.strerror(number), str(dst))

    monkeypatch.setattr(os, "replace", refuse)
    code, err = _run(name, files, out, capsys)
    _assert_one_sentence(code, err, words)
    assert _digest(files["county"]) == before
    assert _listing(out) == set()  # not even a temporary file
    assert _listing(tmp_path) == {"县.tcmcounty", "乡镇.tcmcounty", "book.xlsx", "out"}
    assert _listing(paths.backups_dir()) == backups_before


# ---- a real full disk (a 3 MB tmpfs; needs permission to mount, else skipped) --------------------

@pytest.fixture
def small_disk(tmp_path: Path):
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(disk)],
                             capture_output=True, check=False)
    if mounted.returncode != 0:
        pytest.skip("mounting a small tmpfs is not permitted here")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def _fill(disk: Path) -> None:
    """Take every free byte, so the next write of any size fails."""
    for i, chunk in enumerate((65536, 4096, 512)):
        with open(disk / f"填满{i}", "wb", buffering=0) as fh:
            try:
                while True:
                    fh.write(b"\0" * chunk)
            except OSError:
                pass


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_a_full_disk_is_one_sentence_and_nothing_half_written(name: str, tmp_path: Path,
                                                             small_disk: Path,
                                                             capsys: pytest.CaptureFixture[str]
                                                             ) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    files = _inputs(inputs)
    if name in WRITE_IN_PLACE:  # the county file itself is on the full disk
        moved = small_disk / files["county"].name
        moved.write_bytes(files["county"].read_bytes())
        files["county"] = moved
    before = _digest(files["county"])
    _fill(small_disk)
    listing = _listing(small_disk)
    code, err = _run(name, files, small_disk, capsys)
    _assert_one_sentence(code, err, "空间不足")
    assert _digest(files["county"]) == before
    assert _listing(small_disk) == listing


@pytest.mark.parametrize("name", sorted(WRITE_IN_PLACE))
def test_a_full_backups_folder_stops_the_change_with_one_sentence(
        name: str, tmp_path: Path, small_disk: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    files = _inputs(tmp_path)
    before = _digest(files["county"])
    monkeypatch.setenv("TCMCOUNTY_HOME", str(small_disk))
    paths.backups_dir()
    paths.machine_id()
    _fill(small_disk)
    code, err = _run(name, files, tmp_path / "out", capsys)
    _assert_one_sentence(code, err, "空间不足")
    assert _digest(files["county"]) == before
    assert _listing(small_disk / "backups") == set()


# ---- output into a closed pipe ------------------------------------------------------------------

@pytest.mark.parametrize("unbuffered", ["", "1"])  # PYTHONUNBUFFERED, as some machines set it
@pytest.mark.parametrize("command", [["evaluate", "{county}", "--year", "2024"],
                                     ["merge", "{county}", "{other}", "--dry-run"]])
def test_output_into_a_closed_pipe_stops_quietly(command: list[str], unbuffered: str,
                                                 tmp_path: Path) -> None:
    files = _inputs(tmp_path)
    before = _digest(files["county"])
    argv = [a.format(**files) for a in command]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    if unbuffered:
        env["PYTHONUNBUFFERED"] = unbuffered
    child = subprocess.Popen([sys.executable, "-m", "desktop", *argv], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=env)
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()  # like `| head` that has read enough
    err = child.stderr.read().decode("utf-8")
    child.stderr.close()
    assert child.wait() == 3
    assert "Traceback" not in err and "Exception" not in err, err
    assert _digest(files["county"]) == before
