"""The keyboard: tabs switch from anywhere (a table included), menus and tabs have keys."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.main_window import MainWindow
from tests.desktop.conftest import bar_menus


def _focus_table(qtbot: QtBot, window: MainWindow) -> None:
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    view = window.tabs.currentWidget().view
    view.setFocus()
    view.setCurrentIndex(view.model().index(0, 0))
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view)


def test_ctrl_tab_and_ctrl_pgdn_switch_tabs_from_inside_a_table(qtbot: QtBot,
                                                               window: MainWindow) -> None:
    window.tabs.setCurrentWidget(window.institutions)
    _focus_table(qtbot, window)
    ctrl, shift = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab, ctrl)
    assert window.tabs.currentWidget() is window.halls
    _focus_table(qtbot, window)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab, ctrl | shift)
    assert window.tabs.currentWidget() is window.institutions
    _focus_table(qtbot, window)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_PageDown, ctrl)
    assert window.tabs.currentWidget() is window.halls
    _focus_table(qtbot, window)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_PageUp, ctrl)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_PageUp, ctrl)
    assert window.tabs.currentWidget() is window.progress_tab
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_PageUp, ctrl)
    assert window.tabs.currentWidget() is window.path_tab
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_PageUp, ctrl)
    assert window.tabs.currentWidget() is window.overview
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_PageUp, ctrl)  # round to the last
    assert window.tabs.currentWidget() is window.review_tab
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_PageUp, ctrl)
    assert window.tabs.currentWidget() is window.checks


def test_alt_and_a_number_opens_that_tab(qtbot: QtBot, window: MainWindow) -> None:
    _focus_table(qtbot, window)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    assert window.tabs.currentWidget() is window.path_tab  # 达标路径 beside 总览
    assert "Alt+2" in window.tabs.tabToolTip(1)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_7, Qt.KeyboardModifier.AltModifier)
    assert window.tabs.currentWidget() is window.activities
    assert "Alt+7" in window.tabs.tabToolTip(6)
    # The tenth tab, 数据核查, is Alt+0; the eleventh, 模拟评审, one Ctrl+PgUp from 总览.
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_0, Qt.KeyboardModifier.AltModifier)
    assert window.tabs.currentWidget() is window.checks
    assert "Alt+0" in window.tabs.tabToolTip(9)
    assert "Ctrl+PgUp" in window.tabs.tabToolTip(10)


def test_every_menu_and_menu_item_has_an_accelerator(window: MainWindow) -> None:
    menus = bar_menus(window)
    assert [m.title() for m in menus][:1] == ["文件(&F)"] and menus[-1].title() == "帮助(&H)"
    for menu in menus:
        letters = []
        for action in menu.actions():
            if action.isSeparator():
                continue
            text = action.text()
            assert "(&" in text, text
            letters.append(text[text.index("(&") + 2])
        assert len(letters) == len(set(letters)), (menu.title(), letters)
    texts = [a.text() for a in menus[0].actions()]
    assert "打开(&O)…" in texts and "新建(&N)…" in texts
