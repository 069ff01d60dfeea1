"""Typing into the tables as a clerk used to Excel does (issue 27): Enter saves and moves down, a
refused entry stays as typed with its reason in view until corrected, an undone paste stays
selected as a block, Ctrl+Home never changes the year, a carried-over value typed again is
confirmed, and a date typed as in Excel or WPS is that date or refused with the reason."""

from typing import Any

import pytest
from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from db.newyear import start_new_year
from desktop.datefield import DateField
from desktop.main_window import MainWindow
from desktop.models import ERROR_BACKGROUND, REFUSED_ROLE, ROW_ROLE
from desktop.tabs.base import TableTab
from tests.desktop.conftest import type_keys


def _active(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    qtbot.waitUntil(lambda: window.watching_app)  # its keys watched once it is painted


def _cell(tab: TableTab, row: int, key: str) -> Any:
    return tab.proxy.index(row, tab.model.column_index(key))


def _stored(window: MainWindow, tab: TableTab, row: int, key: str) -> Any:
    assert window.county is not None
    rid = tab.proxy.index(row, 0).data(ROW_ROLE)["id"]
    found = window.county.rows("institution_year", "institution_id = ? AND year = ?",
                               (rid, window.year))
    return found[0][key] if found else None


def _open(qtbot: QtBot, tab: TableTab, row: int, key: str, first: str) -> QWidget:
    """Go to the cell and press the first key of what the clerk types (it opens the editor)."""
    tab.view.setFocus()
    tab.view.setCurrentIndex(_cell(tab, row, key))
    qtbot.keyClicks(tab.view, first)
    return QApplication.focusWidget()


def _type(qtbot: QtBot, tab: TableTab, row: int, key: str, text: str) -> QLineEdit:
    """Go to the cell and type into it as the clerk does (the first key opens the editor)."""
    editor = _open(qtbot, tab, row, key, text[0])
    assert isinstance(editor, QLineEdit)
    editor.insert(text[1:])  # as an input method would give it (QTest types ASCII only)
    return editor


def test_enter_saves_the_cell_and_moves_down_as_in_excel(window: MainWindow,
                                                          qtbot: QtBot) -> None:
    _active(qtbot, window)
    window.tabs.setCurrentWidget(window.personnel)
    tab = window.personnel
    editor = _type(qtbot, tab, 2, "west_learn_tcm", "3")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: tab.view.currentIndex().row() == 3)
    assert tab.view.currentIndex().column() == tab.model.column_index("west_learn_tcm")
    assert _stored(window, tab, 2, "west_learn_tcm") == 3
    # Not editing, Enter moves down too (these rows open no dialog).
    qtbot.keyClick(tab.view, Qt.Key.Key_Return)
    assert tab.view.currentIndex().row() == 4


def _refused_in_personnel(qtbot: QtBot, window: MainWindow, typed: str
                          ) -> tuple[TableTab, Any, QLineEdit]:
    """`typed` entered in 人员配备's second row's 中医类别全科医生 and refused: the tab, what the
    file held, and the cell's editor as it reopens holding the entry."""
    _active(qtbot, window)
    window.tabs.setCurrentWidget(window.personnel)
    tab = window.personnel
    before = _stored(window, tab, 1, "tcm_gps")
    editor = _type(qtbot, tab, 1, "tcm_gps", typed)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit)
                    and QApplication.focusWidget() is not editor)
    reopened = QApplication.focusWidget()
    assert isinstance(reopened, QLineEdit)
    return tab, before, reopened


def test_a_refused_entry_keeps_what_was_typed_and_its_reason_stays_until_corrected(
        window: MainWindow, qtbot: QtBot) -> None:
    tab, before, reopened = _refused_in_personnel(qtbot, window, "1２人")
    # Refused: the cell stays open holding the typed text, the reason beside the table.
    assert reopened.text() == "1２人"
    assert tab.view.currentIndex().row() == 1
    assert "应填数字" in tab.message.text() and tab.message.isVisible()
    # Moved on without correcting it (another cell clicked): it stays as typed, in red.
    tab.view.setCurrentIndex(_cell(tab, 3, "tcm_gps"))
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not reopened)
    assert _cell(tab, 1, "tcm_gps").data() == "1２人"
    assert _cell(tab, 1, "tcm_gps").data(REFUSED_ROLE)
    assert _stored(window, tab, 1, "tcm_gps") == before
    # Another cell saved: the first one's reason is still there, it is still not saved.
    editor = _type(qtbot, tab, 4, "west_learn_tcm", "2")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _stored(window, tab, 4, "west_learn_tcm") == 2)
    assert tab.message.isVisible() and "仍未保存" in tab.message.text()
    assert "应填数字" in tab.message.text()
    # Corrected: saved, and the line goes.
    tab.view.setCurrentIndex(_cell(tab, 1, "tcm_gps"))
    tab.view.edit(_cell(tab, 1, "tcm_gps"))
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit) and editor.text() == "1２人"
    editor.setText("12")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _stored(window, tab, 1, "tcm_gps") == 12)
    assert tab.message.isHidden()
    assert _cell(tab, 1, "tcm_gps").data() == "12"


def test_an_entry_refused_for_another_column_is_saved_once_that_one_is_corrected(
        window: MainWindow, qtbot: QtBot) -> None:
    """中医类别医师 raised past what 西学中 leaves is refused, naming 西学中. The clerk lowers 西学中
    in the same row: the raised figure is saved then, and no red line is left behind saying
    the old reason."""
    _active(qtbot, window)
    window.tabs.setCurrentWidget(window.personnel)
    tab = window.personnel
    row = next(r for r in range(tab.proxy.rowCount())
               if tab.proxy.index(r, 0).data() == "长江镇中心卫生院")
    physicians, west = (_stored(window, tab, row, k) for k in ("physicians", "west_learn_tcm"))
    raised = physicians - west + 1  # one more than 西学中 leaves room for
    editor = _type(qtbot, tab, row, "tcm_physicians", str(raised))
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(_cell(tab, row, "tcm_physicians").data(REFUSED_ROLE)))
    assert "西学中人数" in tab.message.text() and tab.message.isVisible()
    editor = _type(qtbot, tab, row, "west_learn_tcm", str(physicians - raised))
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _stored(window, tab, row, "tcm_physicians") == raised)
    assert _stored(window, tab, row, "west_learn_tcm") == physicians - raised
    assert tab.message.isHidden()
    assert not _cell(tab, row, "tcm_physicians").data(REFUSED_ROLE)
    assert _cell(tab, row, "tcm_physicians").data() == str(raised)
    assert "已保存此前未保存的中医类别医师" in window.statusBar().currentMessage()
    # Two steps of 撤销, the last one first.
    assert window.history.undo_text() == "撤销 修改“长江镇中心卫生院”的中医类别医师"


def test_ctrl_z_takes_back_a_refused_entry_before_any_earlier_step(
        window: MainWindow, qtbot: QtBot) -> None:
    """A fresh clerk: a refused entry (red in its cell), then Ctrl+Z undid an earlier good edit
    in another row. The red entry is what Ctrl+Z takes back first."""
    _active(qtbot, window)
    window.tabs.setCurrentWidget(window.personnel)
    tab = window.personnel
    editor = _type(qtbot, tab, 4, "west_learn_tcm", "2")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _stored(window, tab, 4, "west_learn_tcm") == 2)
    editor = _type(qtbot, tab, 1, "tcm_gps", "-5")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(_cell(tab, 1, "tcm_gps").data(REFUSED_ROLE)))
    tab.view.setCurrentIndex(_cell(tab, 5, "tcm_gps"))  # left as it is, red
    window.history.undo()  # 编辑 → 撤销 (Ctrl+Z)
    assert not _cell(tab, 1, "tcm_gps").data(REFUSED_ROLE) and tab.message.isHidden()
    assert _stored(window, tab, 4, "west_learn_tcm") == 2  # the good edit stays
    window.history.undo()  # and only now the step before it
    assert _stored(window, tab, 4, "west_learn_tcm") != 2


def test_undoing_a_paste_keeps_the_pasted_block_selected(window: MainWindow) -> None:
    window.tabs.setCurrentWidget(window.halls)
    tab = window.halls
    left, right = (tab.model.column_index(k) for k in ("tech_categories", "tech_items"))
    QGuiApplication.clipboard().setText("7\t19\r\n8\t20\r\n9\t21\r\n")
    tab.view.setCurrentIndex(tab.proxy.index(2, left))
    tab.paste()
    block = {(r, c) for r in (2, 3, 4) for c in (left, right)}

    def selected() -> set[tuple[int, int]]:
        return {(i.row(), i.column()) for i in tab.view.selectionModel().selectedIndexes()}
    assert selected() == block
    tab.view.setCurrentIndex(tab.proxy.index(0, 0))  # the clerk moved on
    assert window.history.undo()
    assert selected() == block
    assert window.history.redo()
    assert selected() == block


def test_ctrl_home_on_the_year_box_goes_to_the_first_cell_not_the_first_year(
        window: MainWindow, qtbot: QtBot) -> None:
    _active(qtbot, window)
    window.tabs.setCurrentWidget(window.halls)
    year = window.year
    index = window.year_box.findData(year - 1)
    window.year_box.setFocus()
    window.year_box.setCurrentIndex(index)
    window.year_box.activated.emit(index)  # chosen with the mouse
    assert QApplication.focusWidget() is window.halls.view  # the keys went back to the table
    window.year_box.setFocus()
    window.halls.view.setCurrentIndex(window.halls.proxy.index(5, 5))
    for key in (Qt.Key.Key_Home, Qt.Key.Key_End):
        qtbot.keyClick(window.year_box, key, Qt.KeyboardModifier.ControlModifier)
        assert window.year == year - 1
    qtbot.keyRelease(window.halls.view, Qt.Key.Key_Control)  # QTest leaves Ctrl held otherwise
    assert QApplication.focusWidget() is window.halls.view
    assert window.halls.view.currentIndex().row() == window.halls.proxy.rowCount() - 1


def test_a_tab_opened_from_the_year_box_takes_the_keys_so_down_never_changes_the_year(
        window: MainWindow, qtbot: QtBot) -> None:
    """A fresh clerk: Alt+Y, then Alt+5 and ↓ to go down the rows moved the year instead."""
    _active(qtbot, window)
    year = window.year
    window.year_box.setFocus()
    qtbot.keyClick(window.year_box, Qt.Key.Key_5, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: window.tabs.currentWidget() is window.halls)
    assert QApplication.focusWidget() is window.halls.view
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
    assert window.year == year


def test_typing_a_carried_value_again_confirms_it_and_undo_marks_it_carried_again(
        window: MainWindow, qtbot: QtBot) -> None:
    county = window.county
    assert county is not None
    start_new_year(county, 2025)
    window.reload_years()
    window.show_year(2025, "halls")
    tab = window.halls
    row = next(r for r in range(tab.proxy.rowCount())
               if tab.carried(tab.proxy.index(r, 0).data(ROW_ROLE),
                              tab.model.columns[tab.model.column_index("tech_items")]))
    index = _cell(tab, row, "tech_items")
    shown = index.data(Qt.ItemDataRole.ToolTipRole)
    assert "沿用上年" in shown
    assert tab.proxy.setData(index, index.data())  # the same number typed again
    assert "沿用上年" not in (index.data(Qt.ItemDataRole.ToolTipRole) or "")
    assert "tech_items" not in (_stored(window, tab, row, "carried") or "")
    name = tab.proxy.index(row, 0).data(ROW_ROLE)["name"]
    assert window.history.undo_text() == f"撤销 确认“{name}”的适宜技术（项）（沿用上年）"
    window.history.undo()
    assert "tech_items" in _stored(window, tab, row, "carried")
    assert "沿用上年" in (_cell(tab, row, "tech_items").data(Qt.ItemDataRole.ToolTipRole) or "")
    # A changed value confirms as before, and its undo brings back the carried value as it was.
    other = _cell(tab, row, "tech_categories")
    old = other.data(Qt.ItemDataRole.EditRole)
    assert tab.proxy.setData(other, str(old + 1))
    assert "tech_categories" not in (_stored(window, tab, row, "carried") or "")
    window.history.undo()
    assert _stored(window, tab, row, "tech_categories") == old
    assert "tech_categories" in _stored(window, tab, row, "carried")
    # Pasting the carried values as they are confirms them too.
    other = _cell(tab, row, "tech_categories")  # the undo reloaded the rows
    tab.view.setCurrentIndex(other)
    tab.view.selectionModel().select(QItemSelection(other, _cell(tab, row, "tech_items")),
                                     QItemSelectionModel.SelectionFlag.ClearAndSelect)
    tab.copy()
    tab.paste()
    carried = _stored(window, tab, row, "carried") or ""
    assert "tech_categories" not in carried and "tech_items" not in carried



def test_tab_while_typing_a_row_skips_the_worked_out_share_and_stays_in_the_table(
        window: MainWindow, qtbot: QtBot) -> None:
    """A fresh clerk typed a clinic's staff with Tab between the cells: at 中医类别占比 (worked
    out, not typed) the keys left the table and the next digits filtered it empty in 搜索."""
    _active(qtbot, window)
    window.tabs.setCurrentWidget(window.personnel)
    tab = window.personnel
    row = 20  # a station: its figures are small
    editor = _type(qtbot, tab, row, "physicians", "4")
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: tab.view.currentIndex().column()
                    == tab.model.column_index("tcm_physicians"))
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)  # still typing, in the next cell
    editor.insert("1")
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    # Past 中医类别占比 to the next figure that is typed.
    qtbot.waitUntil(lambda: tab.view.currentIndex().column()
                    == tab.model.column_index("other_tcm_staff"))
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    editor.insert("2")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: tab.view.currentIndex().row() == row + 1)
    assert (_stored(window, tab, row, "physicians"), _stored(window, tab, row, "tcm_physicians"),
            _stored(window, tab, row, "other_tcm_staff")) == (4, 1, 2)
    assert tab.search.text() == "" and tab.proxy.rowCount() == tab.model.rowCount()


def test_quitting_with_a_refused_entry_asks_first(window: MainWindow, qtbot: QtBot,
                                                  monkeypatch: Any) -> None:
    """A refused entry is red and unsaved: 退出 says which and why, and 返回修改 (the default)
    keeps the window and the file open; 放弃 closes as before."""
    from desktop import dialogs

    _active(qtbot, window)
    window.tabs.setCurrentWidget(window.personnel)
    tab = window.personnel
    editor = _type(qtbot, tab, 1, "tcm_gps", "-5")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(_cell(tab, 1, "tcm_gps").data(REFUSED_ROLE)))
    asked: list[str] = []

    def stay(_parent: Any, _title: str, text: str, go: str, stay_text: str) -> bool:
        asked.append(text)
        return False
    monkeypatch.setattr(dialogs, "choose", stay)
    tab.view.setCurrentIndex(_cell(tab, 4, "tcm_gps"))  # the clerk moved on meanwhile
    year = window.year
    assert not window.close()
    assert window.county is not None and window.isVisible()
    assert "“人员配备”" in asked[0] and "未保存" in asked[0]
    # 返回修改 goes back to the refused cell, the keys in its table: ↑ moves up a row there,
    # it does not change the year under the clerk.
    assert window.tabs.currentWidget() is tab
    assert tab.view.currentIndex() == _cell(tab, 1, "tcm_gps")
    qtbot.waitUntil(lambda: tab.view.hasFocus())
    qtbot.keyClick(tab.view, Qt.Key.Key_Up)
    assert window.year == year and tab.view.currentIndex().row() == 0
    monkeypatch.setattr(dialogs, "choose", lambda *a: True)
    assert window.close()
    assert window.county is None


def test_escape_on_a_refused_entry_shows_the_files_value_again(window: MainWindow,
                                                               qtbot: QtBot) -> None:
    """As Esc in Excel: −5 refused stays red until Esc, which brings back what the file
    holds (nothing was saved either way), and the line under the table goes."""
    _active(qtbot, window)
    window.tabs.setCurrentWidget(window.personnel)
    tab = window.personnel
    before = _stored(window, tab, 1, "tcm_gps")
    editor = _type(qtbot, tab, 1, "tcm_gps", "-5")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(_cell(tab, 1, "tcm_gps").data(REFUSED_ROLE)))
    tab.view.setCurrentIndex(_cell(tab, 1, "tcm_gps"))
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_Escape)
    assert not _cell(tab, 1, "tcm_gps").data(REFUSED_ROLE)
    assert tab.message.isHidden()
    assert _stored(window, tab, 1, "tcm_gps") == before
    assert window.isVisible()  # Esc did not close anything


# ---- dates typed as in Excel or WPS -------------------------------------------------------------

def _type_date(qtbot: QtBot, tab: TableTab, row: int, key: str, text: str) -> DateField:
    """Go to a date cell and type over it key by key (the first key opens the editor)."""
    editor = _open(qtbot, tab, row, key, text[0])
    assert isinstance(editor, DateField)
    type_keys(qtbot, editor, text[1:])
    return editor


@pytest.mark.parametrize("typed", ["2024-11-15", "2024/11/15", "2024.11.15", "20241115",
                                   "2024年11月15日"])
def test_a_date_typed_whole_into_a_cell_is_that_date(window: MainWindow, qtbot: QtBot,
                                                     typed: str) -> None:
    """创建任务's 完成时限 typed over as in Excel (its date editor made 2024-11-15 typed over the
    year 2024-01-11, and kept the old date for 20241115 or 2024/11/15 without a word)."""
    _active(qtbot, window)
    window.tabs.setCurrentWidget(window.tasks)
    tab = window.tasks
    task = _cell(tab, 0, "deadline").data(ROW_ROLE)
    assert task["deadline"] != "2024-11-15"
    editor = _type_date(qtbot, tab, 0, "deadline", typed)
    assert editor.text() == typed  # the date that was there is typed over, not merged into
    assert editor.width() >= editor.sizeHint().width()  # shown whole beside the calendar icon
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.county.get("task", task["id"])["deadline"] == "2024-11-15")
    assert tab.message.isHidden()


@pytest.mark.parametrize(("typed", "reason"), [
    ("2024-02-30", "“2024-02-30”不是有效日期（2024 年 2 月没有 30 日）"),
    ("2024-13-01", "“2024-13-01”不是有效日期（没有 13 月）"),
    ("11月15日", "“11月15日”不是有效日期（应为 年-月-日，如 2026-03-31）"),
])
def test_a_date_that_cannot_be_read_is_refused_in_its_cell(window: MainWindow, qtbot: QtBot,
                                                           typed: str, reason: str) -> None:
    """As a word in a count: the cell red, the reason naming the institution and the column,
    what was typed kept in the reopened cell, nothing saved."""
    _active(qtbot, window)
    window.tabs.setCurrentWidget(window.path_tab)
    tab = window.path_tab
    row = next(r for r in range(tab.proxy.rowCount())
               if tab.proxy.index(r, 0).data(ROW_ROLE)["name"])
    name = tab.proxy.index(row, 0).data(ROW_ROLE)["name"]
    editor = _type_date(qtbot, tab, row, "due_date", typed)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), DateField)
                    and QApplication.focusWidget() is not editor)
    reopened = QApplication.focusWidget()
    assert isinstance(reopened, DateField) and reopened.text() == typed
    assert f"{name}（完成时限）：{reason}，未保存。" in tab.message.text()
    tab.view.setCurrentIndex(_cell(tab, row, "person"))  # left as it is: red, as typed
    cell = _cell(tab, row, "due_date")
    assert cell.data() == typed and reason in cell.data(REFUSED_ROLE)
    assert cell.data(Qt.ItemDataRole.BackgroundRole) == ERROR_BACKGROUND
    assert window.county.rows("planned_action") == []


# A popup under the offscreen platform, which cannot grab the keyboard for it.
@pytest.mark.qt_log_ignore("This plugin does not support grabbing the keyboard")
def test_a_day_picked_in_a_cells_calendar_is_saved_at_once(window: MainWindow,
                                                            qtbot: QtBot) -> None:
    """完成时限 chosen from the cell's calendar: the click is the choice, saved without Enter."""
    from PySide6.QtCore import QDate
    from PySide6.QtWidgets import QCalendarWidget

    _active(qtbot, window)
    window.tabs.setCurrentWidget(window.tasks)
    tab = window.tasks
    task = _cell(tab, 0, "deadline").data(ROW_ROLE)
    editor = _type_date(qtbot, tab, 0, "deadline", "2")
    qtbot.keyClick(editor, Qt.Key.Key_F4)
    calendar = editor.findChild(QCalendarWidget)
    qtbot.waitUntil(calendar.isVisible)
    calendar.clicked.emit(QDate(2025, 3, 31))  # as a click on the 31st does
    # saved with the click itself, not when the focus happens to leave the cell later
    assert window.county.get("task", task["id"])["deadline"] == "2025-03-31"
    assert tab.message.isHidden()


def test_one_escape_in_a_refused_entry_lets_it_go_as_in_excel(window: MainWindow,
                                                              qtbot: QtBot) -> None:
    """Refused, the cell reopens holding 8人 with its reason; one Esc there (as in Excel) closes
    it and shows what the file holds, the reason gone."""
    tab, before, reopened = _refused_in_personnel(qtbot, window, "8人")
    qtbot.keyClick(reopened, Qt.Key.Key_Escape)
    assert not _cell(tab, 1, "tcm_gps").data(REFUSED_ROLE)
    assert _cell(tab, 1, "tcm_gps").data() == ("" if before is None else str(before))
    assert tab.message.isHidden()
    assert _stored(window, tab, 1, "tcm_gps") == before
    assert tab.view.currentIndex() == _cell(tab, 1, "tcm_gps")


# A popup under the offscreen platform, which cannot grab the keyboard for it.
@pytest.mark.qt_log_ignore("This plugin does not support grabbing the keyboard")
def test_a_value_picked_from_a_cells_list_is_saved_at_once(window: MainWindow,
                                                           qtbot: QtBot) -> None:
    """中医馆等级 picked from the cell's list: saved with the pick, as in Excel — an Esc after it
    (a fresh clerk's habit) no longer throws it away. Moving through the closed list with the
    keys only moves the choice."""
    from desktop.delegates import PickBox

    _active(qtbot, window)
    window.tabs.setCurrentWidget(window.halls)
    tab = window.halls
    row = next(r for r in range(tab.proxy.rowCount())
               if _cell(tab, r, "hall_grade").flags() & Qt.ItemFlag.ItemIsEditable)
    inst = _cell(tab, row, "hall_grade").data(ROW_ROLE)["id"]

    def stored() -> Any:
        found = window.county.rows("institution_year", "institution_id = ? AND year = ?",
                                   (inst, window.year))
        return found[0]["hall_grade"] if found else None

    before = stored()
    tab.view.setFocus()
    tab.view.setCurrentIndex(_cell(tab, row, "hall_grade"))
    tab.view.edit(_cell(tab, row, "hall_grade"))
    combo = QApplication.focusWidget()
    assert isinstance(combo, PickBox)
    wanted = next(i for i in range(combo.count())
                  if combo.itemData(i) not in (None, before))
    value = combo.itemData(wanted)
    combo.showPopup()
    combo.hidePopup()
    combo.setCurrentIndex(wanted)  # what a click on the item does, once the list is hidden
    qtbot.waitUntil(lambda: stored() == value)
    qtbot.keyClick(tab.view, Qt.Key.Key_Escape)
    assert stored() == value  # the Esc did not take it back
