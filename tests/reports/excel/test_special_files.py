"""A workbook that is not a plain file (a named pipe chosen by mistake) is refused by name at
once; reading it would wait for ever."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from db.demo import write_demo
from tests.test_cli_hostile import run_bounded


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_demo(tmp_path_factory.mktemp("demo") / "demo.tcmcounty", "small")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
@pytest.mark.parametrize("command", [["import-excel", "{file}", "{pipe}"],
                                     ["standard-import", "{file}", "{pipe}", "--dry-run"]])
def test_a_pipe_given_as_a_workbook_is_refused_not_waited_on(demo: Path, tmp_path: Path,
                                                            command: list[str]) -> None:
    pipe = tmp_path / "表.xlsx"
    os.mkfifo(pipe)
    code, said = run_bounded([a.format(file=demo, pipe=pipe) for a in command])
    assert code == 1 and "“表.xlsx”不是普通文件" in said, said
