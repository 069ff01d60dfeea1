"""The window a clerk first sees: the county it holds, and the file it reopens next time."""

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
import pytest
from pytestqt.qtbot import QtBot

from db.demo import write_demo
from desktop import app, dialogs, settings
from desktop.exchange_dialogs import BackupsDialog
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
    assert "坏文件.tcmcounty" in shown[0] and "可能是 Word、Excel 或其他程序的文件" in shown[0]
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


def test_a_damaged_file_offers_its_backups_and_keeps_the_damaged_bytes(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, answer: Callable
) -> None:
    from db import backups, paths

    path = write_demo(tmp_path / "县.tcmcounty")
    assert window.open_path(path)  # the day's first open takes the daily backup
    window.county.set_setting("county_name", "青河县（改）")
    window.county.close()
    window.county = None
    data = bytearray(path.read_bytes())
    data[4096 * 3: 4096 * 3 + 2048] = bytes(2048)  # a stick's worn-out sector
    path.write_bytes(bytes(data))
    asked: list[str] = []
    monkeypatch.setattr(dialogs, "confirm", lambda parent, title, text: asked.append(text) or True)

    def pick(dialog: BackupsDialog) -> bool:
        assert [b.reason for b in dialog.found] == ["每日"]
        dialog.view.setCurrentIndex(dialog.model.index(0, 0))
        return True
    answer(pick)
    assert window.open_path(path)
    assert "县.tcmcounty" in asked[0] and "已损坏" in asked[0]
    assert window.county is not None and window.county.county_name == "青河县"
    kept = list(paths.backups_dir().glob("*.damaged"))
    assert len(kept) == 1 and kept[0].read_bytes() == bytes(data)
    assert [b.reason for b in backups.list_backups(path.stem)] == ["每日"]


def test_tabs_are_built_when_first_shown_under_their_own_title(window: MainWindow,
                                                               tmp_path: Path,
                                                               qtbot: QtBot) -> None:
    # The window opens on 总览 without building the ten other tabs; each one, opened the
    # first time (by click, Alt+number or a jump), shows its rows where its placeholder was.
    window.show()
    window.open_path(write_demo(tmp_path / "县.tcmcounty"))
    assert set(window.pages) == {"overview"}
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())][:4] == [
        "&1 总览", "&2 达标路径", "&3 填报进度", "&4 机构"]
    bar = window.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(3).center())
    assert window.tabs.currentIndex() == 3 and window.tabs.currentWidget() is window.institutions
    assert window.institutions.model.rowCount() == 75 and window.institutions.isVisible()
    assert window.tabs.tabText(3) == "&4 机构" and window.tabs.tabToolTip(3) == "机构（Alt+4）"
    assert window.tabs.count() == 11 and set(window.pages) == {"overview", "institutions"}
    # The eleventh tab has no Alt key of its own (Alt+1 stays 总览's).
    assert window.tabs.tabToolTip(10) == "模拟评审（在总览按 Ctrl+PgUp）"


def test_another_file_opens_with_its_tables_at_the_top(window: MainWindow, tmp_path: Path,
                                                       qtbot: QtBot) -> None:
    """A fresh clerk: after 新建 the new county's 总览 showed rows 37–53 of the list, where the
    demo had been left, with the 必备 G01 out of sight."""
    window.resize(1000, 500)  # a list longer than the window
    window.show()
    qtbot.waitExposed(window)
    assert window.open_path(write_demo(tmp_path / "县.tcmcounty"))
    view = window.overview.view
    qtbot.waitUntil(lambda: view.verticalScrollBar().maximum() > 0)
    view.setCurrentIndex(view.model().index(view.model().rowCount() - 1, 0))
    view.scrollToBottom()
    assert view.verticalScrollBar().value() > 0
    assert window.open_path(write_demo(tmp_path / "另一县.tcmcounty"))
    assert view.verticalScrollBar().value() == 0 and view.currentIndex().row() == 0


def test_ctrl_s_says_there_is_nothing_to_save(window: MainWindow, qtbot: QtBot,
                                              demo_file: Path) -> None:
    """From Excel the hand goes to Ctrl+S: every edit is saved as it is made, and it says so."""
    assert window.open_path(demo_file)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    window.tabs.setCurrentWidget(window.personnel)
    view = window.personnel.view
    view.setFocus()
    view.setCurrentIndex(view.model().index(0, 0))
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view)
    qtbot.keyClick(view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert "不用另外保存" in window.statusBar().currentMessage()


def test_a_new_files_name_gives_its_county(window: MainWindow, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """文件 → 新建 “东江县2026.tcmcounty”: the 名称 box starts with 东江县, to confirm."""
    from desktop import file_actions

    assert file_actions.county_from_name(Path("东江县2026年.tcmcounty")) == "东江县"
    assert file_actions.county_from_name(Path("鄂伦春自治旗.tcmcounty")) == "鄂伦春自治旗"
    assert file_actions.county_from_name(Path("市中区.tcmcounty")) == "市中区"
    assert file_actions.county_from_name(Path("数据.tcmcounty")) == ""
    monkeypatch.setattr(dialogs, "save_file_name", lambda *a: str(tmp_path / "东江县.tcmcounty"))
    offered: list[tuple[str, ...]] = []
    monkeypatch.setattr(dialogs, "ask_text",
                        lambda _p, _t, _label, *suggested: offered.append(suggested) or "东江县")
    file_actions.new_file(window)
    assert offered == [("东江县",)]
    assert window.county is not None and window.county.county_name == "东江县"
