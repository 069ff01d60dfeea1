"""Every command that takes a path, given one that cannot be read as a file: a link pointing at
itself, a link to nothing, a folder, a device. One Chinese sentence naming it, the command's
refusal exit code, never a traceback or the system's English words, and the county file as it
was."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.crafted import digest
from tests.fixtures import make_fixture
from tests.test_cli_hostile import run_bounded

# What each command takes, where the bad path goes, and its exit code for a refused input:
# a county file (its own or the other of a merge) 3; a workbook, a task list or an evidence file
# that cannot be read 1, as any refused workbook or evidence file (README, tasks_cli).
COMMANDS = {
    "evaluate": (["evaluate", "{bad}", "--year", "2024"], 3, "县级数据文件"),
    "merge": (["merge", "{file}", "{bad}", "--yes"], 3, "县级数据文件"),
    "merge --dry-run": (["merge", "{file}", "{bad}", "--dry-run"], 3, "县级数据文件"),
    "import-excel": (["import-excel", "{file}", "{bad}", "--year", "2024"], 1, "Excel 工作簿"),
    "standard-import": (["standard-import", "{file}", "{bad}"], 1, "Excel 工作簿"),
    "evidence-add": (["evidence-add", "{file}", "{bad}", "--task", "1"], 1, "可以添加的佐证材料文件"),
    "task-import": (["task-import", "{file}", "{bad}"], 1, "任务清单文件"),
}


def _loop(folder: Path) -> tuple[Path, str]:
    path = folder / "自己.tcmcounty"
    path.symlink_to(path)
    return path, "是循环指向自身的链接（快捷方式），不是"


def _dangling(folder: Path) -> tuple[Path, str]:
    path = folder / "旧链接.xlsx"
    path.symlink_to(folder / "已删除.xlsx")
    return path, "是一个链接（快捷方式），它指向的文件已不存在"


def _folder(folder: Path) -> tuple[Path, str]:
    path = folder / "文件夹"
    path.mkdir()
    return path, "是一个文件夹，不是"


def _device(_folder: Path) -> tuple[Path, str]:
    return Path(os.devnull), "不是普通文件（是管道、设备等特殊文件）"


BAD = {"link loop": _loop, "dangling link": _dangling, "folder": _folder, "device": _device}


@pytest.fixture(scope="module")
def master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_fixture.main(tmp_path_factory.mktemp("good") / "固定县.tcmcounty")


@pytest.mark.parametrize("bad", sorted(BAD))
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_path_that_is_no_file_is_one_chinese_sentence(master: Path, tmp_path: Path,
                                                        command: str, bad: str) -> None:
    file = tmp_path / "县.tcmcounty"
    file.write_bytes(master.read_bytes())
    path, words = BAD[bad](tmp_path)
    argv_t, code_expected, kind = COMMANDS[command]
    before = digest(file)
    code, said = run_bounded([a.format(file=file, bad=path) for a in argv_t])
    assert code == (3 if command.startswith(("evaluate", "merge")) and bad == "dangling link"
                    else code_expected), said
    assert f"“{path.name}”{words}" in said, said
    if words.endswith("不是"):
        assert f"{words}{' ' if kind[0].isascii() else ''}{kind}" in said, said
    assert "Traceback" not in said and "symbolic" not in said and "Errno" not in said, said
    assert len(said.strip().splitlines()) == 1, said
    assert digest(file) == before


@pytest.mark.parametrize("argv", [
    ["snapshot", "{file}", "{loop}"],
    ["export-excel", "{file}", "-o", "{loop}", "--year", "2024"],
    ["report", "{file}", "--year", "2024", "-o", "{loop}"],
    ["township", "{file}", "--town", "城关镇", "-o", "{loop}"],
])
def test_an_output_name_that_is_a_link_loop_is_refused_as_a_name_to_change(
        master: Path, tmp_path: Path, argv: list[str]) -> None:
    file = tmp_path / "县.tcmcounty"
    file.write_bytes(master.read_bytes())
    loop, _ = _loop(tmp_path)
    code, said = run_bounded([a.format(file=file, loop=loop) for a in argv])
    assert code == 2, said
    assert "“自己.tcmcounty”是循环指向自身的链接（快捷方式），不能写入。请换一个文件名。" in said, said
    assert "Traceback" not in said, said
    assert loop.is_symlink() and {p.name for p in tmp_path.iterdir()} == {
        "自己.tcmcounty", "县.tcmcounty"}
