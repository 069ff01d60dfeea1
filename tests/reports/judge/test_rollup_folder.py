"""What a rollup finds in the folder besides county files: a pipe or a link pointing at itself
is listed as skipped with its reason (never waited on, never passed over in silence), and a
folder that cannot be read says so (not that something cannot be written)."""

from __future__ import annotations

import os
from pathlib import Path
import shutil

import pytest

from db.demo import write_demo
from desktop.cli import main
from reports.judge import rollup as R
from tests.test_cli_hostile import run_bounded


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_demo(tmp_path_factory.mktemp("demo") / "demo.tcmcounty", "small")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_a_pipe_and_links_that_lead_nowhere_are_listed_as_skipped(demo: Path,
                                                                 tmp_path: Path) -> None:
    folder = tmp_path / "各县"
    folder.mkdir()
    shutil.copyfile(demo, folder / "青河县.tcmcounty")
    os.mkfifo(folder / "管道.tcmcounty")
    (folder / "自己.tcmcounty").symlink_to("自己.tcmcounty")
    (folder / "甲.tcmcounty").symlink_to("乙.tcmcounty")
    (folder / "乙.tcmcounty").symlink_to("甲.tcmcounty")
    (folder / "子文件夹").mkdir()  # subfolders are not read, as the help says
    result = R.rollup(folder, 2024)
    assert [c.file for c in result.counties] == ["青河县.tcmcounty"]
    reasons = {s.file: s.reason for s in result.skipped}
    assert reasons == {
        "管道.tcmcounty": "“管道.tcmcounty”不是普通文件（是管道、设备等特殊文件），不是县级数据文件。",
        "自己.tcmcounty": "“自己.tcmcounty”是循环指向自身的链接（快捷方式），不是县级数据文件。",
        "甲.tcmcounty": "“甲.tcmcounty”是循环指向自身的链接（快捷方式），不是县级数据文件。",
        "乙.tcmcounty": "“乙.tcmcounty”是循环指向自身的链接（快捷方式），不是县级数据文件。",
    }
    assert {s.kind for s in result.skipped} == {R.NOT_COUNTY}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_a_pipe_given_to_a_command_is_refused_not_waited_on(tmp_path: Path) -> None:
    pipe = tmp_path / "县.tcmcounty"
    os.mkfifo(pipe)
    code, said = run_bounded(["evaluate", str(pipe), "--year", "2024"])
    assert code == 3 and "不是普通文件" in said, said


def test_a_folder_that_cannot_be_read_says_so(demo: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "各县"
    folder.mkdir()
    shutil.copyfile(demo, folder / "青河县.tcmcounty")
    listing = Path.iterdir

    def no_entry(self: Path):
        if self == folder:
            raise PermissionError(13, "Permission denied", str(self))
        return listing(self)

    monkeypatch.setattr(Path, "iterdir", no_entry)  # as for a user without read permission
    assert main(["rollup", str(folder), "--year", "2024"]) == 3
    err = capsys.readouterr().err
    assert err == f"tcmcounty: 无法读取文件夹“{folder}”：没有权限。\n"

