"""A window on a fresh copy of the small demo county, and a way to answer dialogs."""

from collections.abc import Callable
from pathlib import Path
import shutil
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from db.demo import write_demo
from desktop import dialogs
from desktop.main_window import MainWindow


@pytest.fixture(scope="session")
def demo_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_demo(tmp_path_factory.mktemp("master") / "demo.tcmcounty", "small")


@pytest.fixture
def demo_file(demo_master: Path, tmp_path: Path) -> Path:
    target = tmp_path / "青河县.tcmcounty"
    shutil.copyfile(demo_master, target)
    return target


@pytest.fixture
def window(qtbot: QtBot, demo_file: Path) -> MainWindow:
    w = MainWindow()
    qtbot.addWidget(w)
    assert w.open_path(demo_file)
    return w


@pytest.fixture
def answer(monkeypatch: pytest.MonkeyPatch) -> Callable[[Callable[[Any], bool]], list[Any]]:
    """answer(fill): every modal dialog is handed to `fill`, which fills it in and says accept."""
    seen: list[Any] = []

    def install(fill: Callable[[Any], bool]) -> list[Any]:
        def run(dialog: Any) -> bool:
            seen.append(dialog)
            return fill(dialog)
        monkeypatch.setattr(dialogs, "exec_dialog", run)
        return seen
    return install


def bar_menus(window: Any) -> list[Any]:
    """The menu bar's menus in order. Found among the window's children: on the Qt of the
    installed app for older Linux (6.8), a QMenu reached through QAction.menu() is a wrapper
    that dies at once."""
    from PySide6.QtWidgets import QMenu

    by_title = {m.title(): m for m in window.findChildren(QMenu)}
    return [by_title[a.text()] for a in window.menuBar().actions()]
