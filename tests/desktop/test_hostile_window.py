"""The window given a crafted or damaged county file: a dialog with the one sentence, the welcome
page (or the file that was open) behind it, never a traceback, a hang or a file changed."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from db.county import CountyFile
from desktop import dialogs
from desktop.main_window import MainWindow
from tests.crafted import CRAFTED, crafted_copy, digest


@pytest.fixture
def said(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Every message box: (title, text); a question is answered no."""
    seen: list[tuple[str, str]] = []
    monkeypatch.setattr(dialogs, "error", lambda parent, title, text: seen.append((title, text)))

    def no(parent: Any, title: str, text: str, *a: Any, **k: Any) -> bool:
        seen.append((title, text))
        return False
    monkeypatch.setattr(dialogs, "confirm", no)
    return seen


@pytest.mark.parametrize("name", CRAFTED)
def test_a_crafted_file_is_explained_and_the_window_stays_usable(
        qtbot: QtBot, demo_master: Path, tmp_path: Path, name: str,
        said: list[tuple[str, str]]) -> None:
    path = crafted_copy(demo_master, tmp_path / "stick", name)
    before = digest(path)
    window = MainWindow()
    qtbot.addWidget(window)
    assert not window.open_path(path)
    assert said and f"文件“{path.name}”" in said[-1][1] and CRAFTED[name][1] in said[-1][1]
    assert window.county is None and window.stack.currentWidget() is window.welcome
    assert path.name in window.welcome.reason.text()
    assert digest(path) == before
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def test_a_damaged_file_offers_this_computers_backups_and_keeps_the_open_one(
        window: MainWindow, demo_file: Path, tmp_path: Path,
        said: list[tuple[str, str]]) -> None:
    """The file that was open stays open; a damaged one (its backup exists here, made when it
    was last opened) is offered to be restored, which the clerk declines here."""
    damaged = Path(shutil.copyfile(demo_file, tmp_path / "乡镇副本.tcmcounty"))
    CountyFile.open(damaged).close()  # opened once on this PC: a daily backup exists
    crafted = crafted_copy(damaged, tmp_path / "stick", "CHECK clause not UTF-8")
    shutil.copyfile(crafted, damaged)
    assert not window.open_path(damaged)
    title, text = said[-1]
    assert title == "文件已损坏" and "要选一个恢复吗" in text
    assert text.startswith(f"文件“{damaged.name}”已损坏（数据表的定义中有无法识别的字符）")
    assert window.county is not None and window.county.path == demo_file


def test_a_review_whose_rule_cannot_be_read_says_so_in_the_notice_line(
        window: MainWindow, demo_file: Path, said: list[tuple[str, str]]) -> None:
    """The review is shown with its draw (stored apart), its rule as the default one, and the
    notice line says so once, however often the tab is shown again."""
    from reports.judge import review as rv
    from tests.crafted import raw

    assert window.county is not None
    rid = rv.create_review(window.county, 2024, seed=7)
    window.close_county()
    raw(demo_file, f"UPDATE review SET rule = 'not a rule' WHERE id = '{rid}'")
    assert window.open_path(demo_file)
    window.show_year(2024, "review")
    window.show_year(2024, "overview")
    window.show_year(2024, "review")
    notice = window.notice.text()
    assert not window.notice_bar.isHidden()
    assert notice.count("“2024年第1次模拟评审”的抽样规则已损坏，无法读取") == 1, notice
    assert "现按默认规则显示" in notice and "抽中的机构不受影响" in notice
    assert window.pages["review"].model.rowCount() > 0  # the draw, as drawn


def test_a_link_pointing_at_itself_is_one_sentence_and_the_open_file_stays(
        window: MainWindow, demo_file: Path, tmp_path: Path,
        said: list[tuple[str, str]]) -> None:
    loop = tmp_path / "自己.tcmcounty"
    loop.symlink_to(loop)
    assert not window.open_path(loop)
    assert said[-1][1].startswith("“自己.tcmcounty”是循环指向自身的链接（快捷方式），不是县级数据文件。")
    assert window.county is not None and window.county.path == demo_file
