"""The window a clerk first sees: the county it holds, and the file it reopens next time."""

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from db.demo import write_demo
from desktop import app, dialogs, settings
from desktop.main_window import MainWindow


@pytest.fixture
def window(qtbot: QtBot) -> MainWindow:
    w = MainWindow()
    qtbot.addWidget(w)
    return w


def test_first_run_opens_a_copy_of_the_demo_county(window: MainWindow) -> None:
    path = app.choose_file(None)
    assert path.exists() and path.parent == Path(settings.paths.data_dir())
    assert window.open_path(path)
    assert "青河县" in window.windowTitle() and str(path.resolve()) in window.windowTitle()
    window.tabs.setCurrentWidget(window.institutions)
    assert window.institutions.model.rowCount() == 75
    assert window.year == 2024


def test_the_last_file_is_opened_next_time(window: MainWindow, tmp_path: Path) -> None:
    path = write_demo(tmp_path / "mine.tcmcounty")
    window.open_path(path)
    assert app.choose_file(None) == path.resolve()
    assert settings.recent_files()[0] == path.resolve()


def test_a_bad_file_is_explained_and_the_open_county_kept(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(dialogs, "error", lambda parent, title, text: shown.append(text))
    good = write_demo(tmp_path / "good.tcmcounty")
    bad = tmp_path / "坏文件.tcmcounty"
    bad.write_bytes(b"not a database")
    assert window.open_path(good)
    assert not window.open_path(bad)
    assert "坏文件.tcmcounty" in shown[0] and "不是 SQLite" in shown[0]
    assert window.county is not None and window.county.path == good
    assert app.choose_file(None) == good.resolve()


def test_window_geometry_is_remembered(qtbot: QtBot) -> None:
    first = MainWindow()
    qtbot.addWidget(first)
    first.show()
    first.resize(760, 520)
    qtbot.waitUntil(lambda: first.width() == 760)
    size = first.size()
    first.close()
    assert settings.geometry() is not None
    second = MainWindow()
    qtbot.addWidget(second)
    assert second.size() == size


def test_a_file_held_by_another_program_is_shown_as_busy_without_restore(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    from db import county

    monkeypatch.setattr(county, "BUSY_TIMEOUT", 0.05)
    shown: list[str] = []
    monkeypatch.setattr(dialogs, "error", lambda parent, title, text: shown.append(text))
    asked: list[str] = []
    monkeypatch.setattr(dialogs, "confirm", lambda parent, title, text: asked.append(text))
    busy = write_demo(tmp_path / "忙.tcmcounty")
    other = sqlite3.connect(busy, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        assert not window.open_path(busy)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert len(shown) == 1 and "忙.tcmcounty" in shown[0] and "正被其他程序使用" in shown[0]
    assert "备份" not in shown[0] and "损坏" not in shown[0] and asked == []
    assert window.open_path(busy)  # once the other program lets go
