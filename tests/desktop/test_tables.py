"""Tables as a clerk who lives in Excel uses them (issue 15): counts typed as text, block copy and
paste, 撤销 / 重做 across tabs, Enter, the current cell, duplicates, and the order of the lists."""

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractItemDelegate, QLabel, QLineEdit
from pytestqt.qtbot import QtBot

from db.vocab import INSTITUTION_TYPES
from desktop import dialogs
from desktop.delegates import FOCUS_FRAME
from desktop.failing_dialog import FailingDialog
from desktop.main_window import MainWindow
from desktop.models import ERROR_BACKGROUND, ROW_ROLE
from desktop.tabs.base import TableTab
from desktop.tabs.institutions import InstitutionDialog

# What Excel (and WPS) put on the clipboard for a block: tabs, CRLF, a trailing line end, and a
# cell with a line break (Alt+Enter) or a tab in quotes.
EXCEL_BLOCK = "12\t5\r\n9\t\r\n"


def _row(tab: TableTab, name: str) -> int:
    for r in range(tab.proxy.rowCount()):
        if tab.proxy.index(r, 0).data(ROW_ROLE)["name"] == name:
            return r
    raise AssertionError(f"{name} not shown")


def _type_into(tab: TableTab, row: int, key: str, text: str) -> None:
    """Open the cell's editor, type `text` as it is, and commit it (as Enter does)."""
    index = tab.proxy.index(row, tab.model.column_index(key))
    tab.view.setCurrentIndex(index)
    tab.view.edit(index)
    editors = tab.view.viewport().findChildren(QLineEdit)  # the last closed one may linger
    assert editors
    editor = editors[-1]
    editor.setText(text)
    tab.view.commitData(editor)
    tab.view.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)


def _facts(w: MainWindow, name: str) -> dict[str, Any]:
    assert w.county is not None
    return w.county.query(
        """SELECT y.* FROM institution_year y JOIN institution i ON i.id = y.institution_id
           WHERE i.name = ? AND y.year = ?""", (name, w.year))[0]


def _select(tab: TableTab, top: int, left_key: str, bottom: int, right_key: str) -> None:
    left, right = tab.model.column_index(left_key), tab.model.column_index(right_key)
    tab.view.setCurrentIndex(tab.proxy.index(top, left))
    tab.view.selectionModel().select(
        QItemSelection(tab.proxy.index(top, left), tab.proxy.index(bottom, right)),
        QItemSelectionModel.SelectionFlag.ClearAndSelect)


def _centres(tab: TableTab, n: int) -> list[str]:
    """`n` township centres that sit next to each other in the table, top first."""
    names = [tab.proxy.index(r, 0).data(ROW_ROLE)["name"] for r in range(tab.proxy.rowCount())]
    types = [tab.proxy.index(r, 0).data(ROW_ROLE)["type"] for r in range(tab.proxy.rowCount())]
    first = types.index("township_hc")
    return names[first:first + n]


def _audit_count(w: MainWindow) -> int:
    assert w.county is not None
    return w.county.conn.execute("SELECT count(*) FROM audit").fetchone()[0]


# ---- finding 5: number cells ----------------------------------------------------------------

@pytest.mark.parametrize("typed, reason", [("−7", "不能为负数"), ("-7", "不能为负数"),
                                           ("七个", "应填数字"), ("3.5", "应为整数")])
def test_a_count_refuses_negatives_and_words_with_the_reason(
        window: MainWindow, qtbot: QtBot, typed: str, reason: str) -> None:
    window.tabs.setCurrentWidget(window.personnel)
    tab = window.personnel
    name = _centres(tab, 1)[0]
    before = _facts(window, name)["tcm_physicians"]
    _type_into(tab, _row(tab, name), "tcm_physicians", typed)
    assert _facts(window, name)["tcm_physicians"] == before
    assert reason in tab.message.text() and name in tab.message.text()
    assert "中医类别医师" in tab.message.text() and "未保存" in tab.message.text()
    assert window.statusBar().currentMessage() != "已保存"
    index = tab.proxy.index(_row(tab, name), tab.model.column_index("tcm_physicians"))
    assert index.data(Qt.ItemDataRole.BackgroundRole).color() == ERROR_BACKGROUND
    assert reason in index.data(Qt.ItemDataRole.ToolTipRole)

    # Another tab and back: the value was never saved, so no red mark or tooltip is left.
    window.tabs.setCurrentWidget(window.halls)
    window.tabs.setCurrentWidget(window.personnel)
    index = tab.proxy.index(_row(tab, name), tab.model.column_index("tcm_physicians"))
    assert index.data(Qt.ItemDataRole.BackgroundRole) is None or \
        index.data(Qt.ItemDataRole.BackgroundRole).color() != ERROR_BACKGROUND
    tip = index.data(Qt.ItemDataRole.ToolTipRole)
    assert not tip or reason not in tip
    assert tab.message.isHidden()


def test_a_count_can_be_cleared_back_to_blank(window: MainWindow, qtbot: QtBot) -> None:
    window.tabs.setCurrentWidget(window.personnel)
    tab = window.personnel
    name = _centres(tab, 1)[0]
    assert _facts(window, name)["other_tcm_staff"] is not None
    _type_into(tab, _row(tab, name), "other_tcm_staff", "")
    assert _facts(window, name)["other_tcm_staff"] is None
    index = tab.proxy.index(_row(tab, name), tab.model.column_index("other_tcm_staff"))
    assert index.data() == ""
    _type_into(tab, _row(tab, name), "other_tcm_staff", "1,234")  # as Excel shows it
    assert _facts(window, name)["other_tcm_staff"] == 1234


# ---- finding 6: copy and paste ----------------------------------------------------------------

def test_ctrl_c_copies_a_block_as_excel_does(window: MainWindow, qtbot: QtBot) -> None:
    window.tabs.setCurrentWidget(window.personnel)
    tab = window.personnel
    a, b = _centres(tab, 2)
    top = _row(tab, a)
    _select(tab, top, "name", top + 1, "tcm_physicians")
    qtbot.keyClick(tab.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    fa, fb = _facts(window, a), _facts(window, b)
    assert QGuiApplication.clipboard().text() == (
        f"{a}\t乡镇卫生院\t{tab.proxy.index(top, 2).data()}\t{fa['physicians']}\t"
        f"{fa['tcm_physicians']}\r\n"
        f"{b}\t乡镇卫生院\t{tab.proxy.index(top + 1, 2).data()}\t{fb['physicians']}\t"
        f"{fb['tcm_physicians']}\r\n")
    qtbot.keyClick(tab.view, Qt.Key.Key_C,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert QGuiApplication.clipboard().text().startswith(
        "机构名称\t类型\t乡镇（街道）\t执业（助理）医师\t中医类别医师\r\n")


def test_ctrl_v_pastes_an_excel_block_in_one_step(window: MainWindow, qtbot: QtBot) -> None:
    window.tabs.setCurrentWidget(window.personnel)
    tab = window.personnel
    a, b = _centres(tab, 2)
    top = _row(tab, a)
    # physicians and TCM physicians for two rows; Excel writes a line end after the last row.
    QGuiApplication.clipboard().setText("30\t12\r\n\"2,000\"\t\r\n")
    _select(tab, top, "physicians", top, "physicians")
    audit = _audit_count(window)
    qtbot.keyClick(tab.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert tab.message.isHidden(), tab.message.text()
    fa, fb = _facts(window, a), _facts(window, b)
    assert (fa["physicians"], fa["tcm_physicians"]) == (30, 12)
    assert (fb["physicians"], fb["tcm_physicians"]) == (2000, None)  # a blank cell: not reported
    assert _audit_count(window) > audit
    assert tab.proxy.index(top + 1, tab.model.column_index("physicians")).data() == "2,000"
    assert window.statusBar().currentMessage() == "已粘贴 4 个单元格"
    # One paste is one step to undo.
    undo = _action(window, "action_undo")
    assert undo.text() == "撤销(&U) 粘贴 4 个单元格"


def _action(window: MainWindow, name: str) -> Any:
    from PySide6.QtGui import QAction

    action = window.findChild(QAction, name)
    assert action is not None
    return action


def test_a_paste_with_bad_cells_writes_nothing_and_names_each(window: MainWindow,
                                                              qtbot: QtBot) -> None:
    window.tabs.setCurrentWidget(window.personnel)
    tab = window.personnel
    a, b, c = _centres(tab, 3)
    top = _row(tab, a)
    before = [_facts(window, n) for n in (a, b, c)]
    QGuiApplication.clipboard().setText("30\t12\r\n-4\t3\r\n5\t九\r\n")
    _select(tab, top, "physicians", top, "physicians")
    tab.paste()
    text = tab.message.text()
    assert "未粘贴" in text and "有 2 处不能填入，整块均未写入" in text
    assert f"{b}（执业（助理）医师）：不能为负数" in text
    assert f"{c}（中医类别医师）：应填数字，收到“九”" in text
    assert [_facts(window, n) for n in (a, b, c)] == before


def test_a_paste_the_file_refuses_rolls_back_every_row(window: MainWindow, qtbot: QtBot) -> None:
    window.tabs.setCurrentWidget(window.personnel)
    tab = window.personnel
    a, b = _centres(tab, 2)
    top = _row(tab, a)
    before = [_facts(window, n) for n in (a, b)]
    QGuiApplication.clipboard().setText("30\t12\r\n3\t5\r\n")  # b: 5 TCM of 3 physicians
    _select(tab, top, "physicians", top, "physicians")
    tab.paste()
    assert f"{b}（中医类别医师）" in tab.message.text()
    assert "不能多于" in tab.message.text()
    assert [_facts(window, n) for n in (a, b)] == before


def test_pasting_into_read_only_columns_or_past_the_end_is_refused(window: MainWindow,
                                                                   qtbot: QtBot) -> None:
    window.tabs.setCurrentWidget(window.personnel)
    tab = window.personnel
    QGuiApplication.clipboard().setText("5\t40%\r\n")
    _select(tab, 0, "tcm_physicians", 0, "tcm_physicians")
    tab.paste()
    first = tab.proxy.index(0, 0).data(ROW_ROLE)
    assert f"{first['name']}（中医类别占比）：这一列不能在表中修改" in tab.message.text()
    assert "粘贴的是“40%”" in tab.message.text()
    last = tab.proxy.rowCount() - 1
    QGuiApplication.clipboard().setText(EXCEL_BLOCK)
    _select(tab, last, "physicians", last, "physicians")
    tab.paste()
    assert "超出了表格" in tab.message.text() and "只剩 1 行" in tab.message.text()
    QGuiApplication.clipboard().setText("")
    tab.paste()
    assert "剪贴板里没有可粘贴的文字" in tab.message.text()


def test_quoted_cells_with_tabs_and_line_breaks_paste_whole(window: MainWindow,
                                                            qtbot: QtBot) -> None:
    window.tabs.setCurrentWidget(window.tasks)
    tab = window.tasks
    note = tab.model.column_index("note")
    QGuiApplication.clipboard().setText('"第一季度完成\n第二季度验收"\t\r\n"含\t制表符"\r\n')
    tab.view.setCurrentIndex(tab.proxy.index(0, note))
    tab.paste()
    assert "超出了表格" in tab.message.text() or "不能在表中修改" in tab.message.text()
    QGuiApplication.clipboard().setText('"第一季度完成\n第二季度验收"\r\n"含\t制表符"\r\n')
    tab.view.setCurrentIndex(tab.proxy.index(0, note))
    first = tab.proxy.index(0, 0).data(ROW_ROLE)["id"]
    second = tab.proxy.index(1, 0).data(ROW_ROLE)["id"]
    tab.paste()
    assert window.county.get("task", first)["note"] == "第一季度完成\n第二季度验收"
    assert window.county.get("task", second)["note"] == "含\t制表符"


# ---- finding 13: undo and redo ------------------------------------------------------------------

def test_undo_and_redo_survive_a_tab_switch_and_are_audited(window: MainWindow,
                                                            qtbot: QtBot) -> None:
    with qtbot.waitActive(window):  # the keys reach 撤销 / 重做 in the active window
        window.show()
        window.activateWindow()
    window.tabs.setCurrentWidget(window.personnel)
    tab = window.personnel
    name = _centres(tab, 1)[0]
    before = _facts(window, name)["tcm_physicians"]
    after = before - 1  # fewer TCM physicians: every rule on the row still holds
    _type_into(tab, _row(tab, name), "tcm_physicians", str(after))
    assert _facts(window, name)["tcm_physicians"] == after
    undo, redo = _action(window, "action_undo"), _action(window, "action_redo")
    assert undo.text() == "撤销(&U) 修改 中医类别医师" and undo.isEnabled()
    assert not redo.isEnabled()

    window.tabs.setCurrentWidget(window.tasks)
    audit = _audit_count(window)
    window.tasks.view.setFocus()
    qtbot.keyClick(window.tasks.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _facts(window, name)["tcm_physicians"] == before
    assert window.tabs.currentWidget() is tab  # shown where it changed back
    assert tab.selected_row()["name"] == name
    index = tab.proxy.index(_row(tab, name), tab.model.column_index("tcm_physicians"))
    assert index.data() == str(before)
    assert _audit_count(window) == audit + 1  # an undo is a normal audited edit
    assert redo.text() == "重做(&R) 修改 中医类别医师"

    qtbot.keyClick(tab.view, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert _facts(window, name)["tcm_physicians"] == after
    qtbot.keyClick(tab.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _facts(window, name)["tcm_physicians"] == before
    qtbot.keyClick(tab.view, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert _facts(window, name)["tcm_physicians"] == after


def test_undo_of_a_paste_is_one_step(window: MainWindow, qtbot: QtBot) -> None:
    window.tabs.setCurrentWidget(window.halls)
    tab = window.halls
    a, b = _centres(tab, 2)
    top = _row(tab, a)
    keys = ("tech_categories", "tech_items")

    def values() -> list[tuple[int, int]]:
        return [tuple(_facts(window, n)[k] for k in keys) for n in (a, b)]
    before = values()
    QGuiApplication.clipboard().setText("7\t19\r\n8\t20\r\n")
    _select(tab, top, "tech_categories", top, "tech_categories")
    tab.paste()
    assert values() == [(7, 19), (8, 20)]
    _action(window, "action_undo").trigger()
    assert values() == before
    assert _action(window, "action_redo").text() == "重做(&R) 粘贴 4 个单元格"


def test_another_file_starts_a_fresh_history(window: MainWindow, qtbot: QtBot,
                                             demo_master: Path, tmp_path: Path) -> None:
    import shutil

    window.tabs.setCurrentWidget(window.personnel)
    tab = window.personnel
    name = _centres(tab, 1)[0]
    _type_into(tab, _row(tab, name), "other_tcm_staff", "47")
    assert _action(window, "action_undo").isEnabled()
    other = tmp_path / "另一县.tcmcounty"
    shutil.copyfile(demo_master, other)
    assert window.open_path(other)
    assert not _action(window, "action_undo").isEnabled()
    assert _action(window, "action_undo").text() == "撤销(&U)"


# ---- finding 7: Enter, and the current cell --------------------------------------------------

def test_enter_on_a_failing_indicator_lists_who_falls_short(window: MainWindow, qtbot: QtBot,
                                                            answer: Any) -> None:
    shown = answer(lambda dialog: False)
    tab = window.overview
    row = next(r for r in range(tab.proxy.rowCount())
               if tab.proxy.index(r, 0).data(ROW_ROLE)["status"] == "未达标"
               and tab.proxy.index(r, 0).data(ROW_ROLE)["indicator"])  # not a G* item
    tab.view.setCurrentIndex(tab.proxy.index(row, 2))
    qtbot.keyClick(tab.view, Qt.Key.Key_Return)
    assert len(shown) == 1 and isinstance(shown[0], FailingDialog)


def test_the_current_cell_has_a_visible_frame(window: MainWindow, qtbot: QtBot) -> None:
    window.resize(1200, 700)
    window.show()
    qtbot.waitExposed(window)
    window.tabs.setCurrentWidget(window.halls)
    tab = window.halls
    index = tab.proxy.index(2, tab.model.column_index("tech_items"))
    tab.view.setCurrentIndex(index)
    tab.view.clearSelection()  # the frame must show without the selection's highlight
    image = tab.view.viewport().grab().toImage()
    rect = tab.view.visualRect(index)
    edge = image.pixelColor(rect.left() + 1, rect.center().y())
    assert edge.name() == FOCUS_FRAME.name()


# ---- finding 8: duplicates ------------------------------------------------------------------------

def test_new_institution_dialog_keeps_what_was_typed_on_a_refusal(
        window: MainWindow, qtbot: QtBot, answer: Any) -> None:
    window.tabs.setCurrentWidget(window.institutions)
    tab = window.institutions
    existing = next(r for r in tab.model.rows if r["code"])
    count = len(tab.model.rows)
    seen: list[str] = []

    def fill(dialog: Any) -> bool:
        assert isinstance(dialog, InstitutionDialog)
        if not seen:
            dialog.name.setText("青河县第三中医诊所")
            dialog.type.setCurrentIndex(dialog.type.findData("tcm_clinic"))
            dialog.code.setText(existing["code"])
            seen.append("typed")
            return True
        # Shown again after the refusal, with what was typed and the reason.
        seen.append(dialog.findChild(QLabel, "refusal").text())
        assert dialog.name.text() == "青河县第三中医诊所"
        assert dialog.code.text() == existing["code"]
        dialog.code.setText("QH09999")
        return len(seen) < 3
    answer(fill)
    tab.add()
    assert f"机构代码“{existing['code']}”已被“{existing['name']}”使用" in seen[1]
    added = window.county.rows("institution", "name = ?", ("青河县第三中医诊所",))
    assert len(added) == 1 and added[0]["code"] == "QH09999"
    assert len(tab.model.rows) == count + 1


def test_editing_an_institution_onto_another_is_refused(window: MainWindow, qtbot: QtBot,
                                                        answer: Any) -> None:
    window.tabs.setCurrentWidget(window.institutions)
    tab = window.institutions
    a, b = [r for r in tab.model.rows if r["township"]][:2]
    tab.select_record(b["id"])
    texts: list[str] = []

    def fill(dialog: Any) -> bool:
        if texts:
            texts.append(dialog.findChild(QLabel, "refusal").text())
            return False
        dialog.name.setText(a["name"])
        dialog.township.setCurrentText(a["township"])
        texts.append("typed")
        return True
    answer(fill)
    tab.edit()
    assert "同一机构不能登记两次" in texts[1]
    assert window.county.get("institution", b["id"])["name"] == b["name"]


# ---- finding 12: the order clerks expect ------------------------------------------------------

def test_register_lists_by_type_then_township_then_pinyin(window: MainWindow) -> None:
    from db.vocab import pinyin_key

    window.tabs.setCurrentWidget(window.institutions)
    tab = window.institutions
    rows = [tab.proxy.index(r, 0).data(ROW_ROLE) for r in range(tab.proxy.rowCount())]
    assert rows[0]["type"] == "county_tcm_hospital"
    order = list(INSTITUTION_TYPES)
    keys = [(order.index(r["type"]), pinyin_key(r["township"]), pinyin_key(r["name"]))
            for r in rows]
    assert keys == sorted(keys)
    window.tabs.setCurrentWidget(window.halls)
    types = [window.halls.proxy.index(r, 0).data(ROW_ROLE)["type"]
             for r in range(window.halls.proxy.rowCount())]
    assert [order.index(t) for t in types] == sorted(order.index(t) for t in types)


def test_names_sort_by_pinyin_when_the_header_is_clicked(window: MainWindow) -> None:
    window.tabs.setCurrentWidget(window.institutions)
    tab = window.institutions
    tab.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    names = [tab.proxy.index(r, 0).data() for r in range(tab.proxy.rowCount())]
    from db.vocab import pinyin_key
    assert names == sorted(names, key=pinyin_key)


def test_tasks_run_by_number(window: MainWindow) -> None:
    county = window.county
    for number in ("10", "9", "二", "4", "十一", "1"):
        county.insert("task", {"number": number, "text": f"测试任务{number}", "category": "甲类"})
    window.tabs.setCurrentWidget(window.tasks)
    window.tasks.refresh(window.ctx)
    tab = window.tasks
    mine = [tab.proxy.index(r, 1).data() for r in range(tab.proxy.rowCount())
            if tab.proxy.index(r, 2).data().startswith("测试任务")]
    assert mine == ["1", "二", "4", "9", "10", "十一"]
    tab.view.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    numbers = [tab.proxy.index(r, 1).data() for r in range(tab.proxy.rowCount())]
    assert numbers.index("十一") < numbers.index("10") < numbers.index("9")


def test_enter_in_the_failing_list_goes_to_the_institution(window: MainWindow,
                                                           qtbot: QtBot) -> None:
    result = next(r for r in window.ctx.evaluation.results if r.failing)
    dialog = FailingDialog(result, window)
    qtbot.addWidget(dialog)
    jumped: list[str] = []
    dialog.jump.connect(jumped.append)
    dialog.view.setFocus()
    dialog.view.setCurrentIndex(dialog.model.index(0, 0))
    with qtbot.waitActive(dialog):
        dialog.show()
        dialog.activateWindow()
    dialog.view.setFocus()
    qtbot.keyClick(dialog.view, Qt.Key.Key_Return)
    assert jumped == [result.failing[0].institution_id]
    assert dialog.result() == dialog.DialogCode.Accepted


def test_an_undo_the_file_refuses_says_why_and_stays(window: MainWindow, qtbot: QtBot) -> None:
    window.tabs.setCurrentWidget(window.tasks)
    tab = window.tasks
    task = tab.proxy.index(0, 0).data(ROW_ROLE)
    _type_into_text = tab.model.setData  # the note column is plain text
    _type_into_text(tab.proxy.mapToSource(tab.proxy.index(0, tab.model.column_index("note"))),
                    "已上报")
    window.county.delete("task", task["id"])  # gone since (another window, a merge …)
    window.tabs.setCurrentWidget(window.overview)
    assert not window.history.undo()
    assert window.tabs.currentWidget() is tab
    assert "已不存在" in tab.message.text()
    assert _action(window, "action_undo").isEnabled()


def test_rows_copied_back_with_their_names_paste_when_the_names_match(window: MainWindow,
                                                                      qtbot: QtBot) -> None:
    window.tabs.setCurrentWidget(window.personnel)
    tab = window.personnel
    a, b = _centres(tab, 2)
    top = _row(tab, a)
    town_a = tab.proxy.index(top, 2).data()
    town_b = tab.proxy.index(top + 1, 2).data()
    # Whole rows from Excel: name, type, township, then the counts.
    QGuiApplication.clipboard().setText(f"{a}\t乡镇卫生院\t{town_a}\t40\r\n"
                                        f"{b}\t乡镇卫生院\t{town_b}\t41\r\n")
    _select(tab, top, "name", top, "name")
    tab.paste()
    assert tab.message.isHidden(), tab.message.text()
    assert [_facts(window, n)["physicians"] for n in (a, b)] == [40, 41]
    # One row off: the names do not match, nothing is written.
    QGuiApplication.clipboard().setText(f"{b}\t乡镇卫生院\t{town_b}\t50\r\n")
    _select(tab, top, "name", top, "name")
    tab.paste()
    assert f"{a}（机构名称）：这一列不能在表中修改，表中是“{a}”，粘贴的是“{b}”" in tab.message.text()
    assert _facts(window, a)["physicians"] == 40


def test_an_edit_in_the_institution_dialog_is_one_step_to_undo(window: MainWindow, qtbot: QtBot,
                                                               answer: Any) -> None:
    window.tabs.setCurrentWidget(window.institutions)
    tab = window.institutions
    row = next(r for r in tab.model.rows if r["type"] == "township_hc")
    tab.select_record(row["id"])

    def fill(dialog: Any) -> bool:
        dialog.name.setText(row["name"] + "（新址）")
        dialog.code.setText("QH07777")
        return True
    answer(fill)
    tab.edit()
    assert window.county.get("institution", row["id"])["code"] == "QH07777"
    undo = _action(window, "action_undo")
    assert undo.text() == f"撤销(&U) 编辑机构“{row['name']}”"
    window.tabs.setCurrentWidget(window.overview)
    undo.trigger()
    back = window.county.get("institution", row["id"])
    assert (back["name"], back["code"]) == (row["name"], row["code"])
    assert window.tabs.currentWidget() is tab and tab.selected_row()["id"] == row["id"]
    _action(window, "action_redo").trigger()
    assert window.county.get("institution", row["id"])["code"] == "QH07777"
