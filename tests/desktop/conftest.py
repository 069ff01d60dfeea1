"""A window on a fresh copy of the small demo county, and a way to answer dialogs."""

from collections.abc import Callable, Iterator
from pathlib import Path
import shutil
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from db.demo import write_demo
from desktop import dialogs
from desktop.main_window import MainWindow


@pytest.fixture(autouse=True)
def _no_key_left_held(qapp: Any) -> Iterator[None]:
    """A simulated Shift that moved the focus (Shift+Tab out of a table, Shift+F10 opening a
    menu) can leave Qt believing Shift is still down, and the next test's selectRow extends
    a selection instead of making one. (On a real keyboard the window system says when a key
    is let go.) A key released to a widget of its own clears what Qt believes is held."""
    yield
    if QApplication.keyboardModifiers() != Qt.KeyboardModifier.NoModifier:
        QTest.keyRelease(QWidget(), Qt.Key.Key_Shift)


@pytest.fixture(autouse=True)
def _closing_leaves_refused_entries(monkeypatch: pytest.MonkeyPatch) -> None:
    """A window closed at a test's end with an entry still refused (red) would ask whether to
    go back to it (MainWindow._leave_refused_entries) and wait for ever: tests leave it, as
    closing did before it asked. A test of the question patches dialogs.choose itself."""
    monkeypatch.setattr(dialogs, "choose", lambda *_a: True)


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


def type_keys(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Type into `widget` key by key; 年月日 come as an input method commits them (QTest types
    ASCII only)."""
    for ch in text:
        if ch.isascii():
            qtbot.keyClick(widget, ch)
        else:
            event = QInputMethodEvent()
            event.setCommitString(ch)
            QApplication.sendEvent(widget, event)
