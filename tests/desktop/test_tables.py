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
from desktop.frozen import FOCUS_FRAME
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
    assert index.data(Qt.ItemDataRole.BackgroundRole) == ERROR_BACKGROUND
    assert reason in index.data(Qt.ItemDataRole.ToolTipRole)

    # Another tab and back: the value was never saved, so no red mark or tooltip is left.
    window.tabs.setCurrentWidget(window.halls)
    window.tabs.setCurrentWidget(window.personnel)
    index = tab.proxy.index(_row(tab, name), tab.model.column_index("tcm_physicians"))
    assert index.data(Qt.ItemDataRole.BackgroundRole) is None or \
        index.data(Qt.ItemDataRole.BackgroundRole) != ERROR_BACKGROUND
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


def test_a_block_pasted_across_the_computed_share_says_why_and_how(window: MainWindow) -> None:
    """执业 / 中医 / 其他 / 全科 / 西学中 copied from a township's sheet and pasted at 执业: the
    block runs across 中医类别占比, which the program works out. Nothing is written, and the
    message names the column, says it is computed, and gives the two ways on."""
    window.tabs.setCurrentWidget(window.personnel)
    tab = window.personnel
    before = [dict(tab.proxy.index(r, 0).data(ROW_ROLE)) for r in (0, 1)]
    QGuiApplication.clipboard().setText("30\t12\t2\t3\t1\r\n20\t8\t1\t2\t0\r\n")
    _select(tab, 0, "physicians", 0, "physicians")
    tab.paste()
    text = tab.message.text()
    assert text.startswith("未粘贴：“中医类别占比”这一列由程序根据其他列算出"
                           "（中医类别执业（助理）医师数 / 执业（助理）医师数），不能粘贴，整块均未写入。")
    assert ("复制的 5 列似乎就是表中跳过“中医类别占比”后的 5 列（执业（助理）医师、中医类别医师、"
            "其他能提供中医药服务人员、中医类别全科医生、西学中）") in text
    assert "请分两次粘贴" in text and "在 Excel 中先删去这一列再复制" in text
    assert "表中是“”" not in text
    assert [dict(tab.proxy.index(r, 0).data(ROW_ROLE)) for r in (0, 1)] == before
    # Two parts, as the message says: both land.
    QGuiApplication.clipboard().setText("30\t12\r\n")
    _select(tab, 0, "physicians", 0, "physicians")
    tab.paste()
    QGuiApplication.clipboard().setText("2\t3\t1\r\n")
    _select(tab, 0, "other_tcm_staff", 0, "other_tcm_staff")
    tab.paste()
    row = tab.proxy.index(0, 0).data(ROW_ROLE)
    assert [row[k] for k in ("physicians", "tcm_physicians", "other_tcm_staff", "tcm_gps",
                             "west_learn_tcm")] == [30, 12, 2, 3, 1]


def test_pasting_into_read_only_columns_or_past_the_end_is_refused(window: MainWindow,
                                                                   qtbot: QtBot) -> None:
    window.tabs.setCurrentWidget(window.personnel)
    tab = window.personnel
    QGuiApplication.clipboard().setText("5\t40%\r\n")
    _select(tab, 0, "tcm_physicians", 0, "tcm_physicians")
    tab.paste()
    assert tab.message.text().startswith("未粘贴：“中医类别占比”这一列由程序根据其他列算出")
    assert "跳过" not in tab.message.text()  # 2 columns, the second computed: not lined up
    QGuiApplication.clipboard().setText("别的名字\r\n")
    _select(tab, 0, "name", 0, "name")
    tab.paste()
    first = tab.proxy.index(0, 0).data(ROW_ROLE)
    assert f"{first['name']}（机构名称）：这一列不能在表中修改" in tab.message.text()
    assert "粘贴的是“别的名字”" in tab.message.text()
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


def test_dates_pasted_from_excel_are_those_dates_or_refused_whole(window: MainWindow,
                                                                  qtbot: QtBot) -> None:
    """完成时限 of three tasks pasted as Excel or WPS copies dates (2024/11/15, 20241120,
    2024年12月1日); a block holding a day that does not exist writes nothing and names it."""
    window.tabs.setCurrentWidget(window.tasks)
    tab = window.tasks
    ids = [tab.proxy.index(r, 0).data(ROW_ROLE)["id"] for r in range(3)]
    QGuiApplication.clipboard().setText("2024/11/15\r\n20241120\r\n2024年12月1日\r\n")
    _select(tab, 0, "deadline", 0, "deadline")
    tab.paste()
    assert tab.message.isHidden(), tab.message.text()
    assert [window.county.get("task", i)["deadline"] for i in ids] == [
        "2024-11-15", "2024-11-20", "2024-12-01"]

    top = next(r for r in range(tab.proxy.rowCount())  # the rows were loaded again
               if tab.proxy.index(r, 0).data(ROW_ROLE)["id"] == ids[0])
    second = tab.proxy.index(top + 1, 0).data(ROW_ROLE)
    QGuiApplication.clipboard().setText("2024/12/20\r\n2024/02/30\r\n")
    _select(tab, top, "deadline", top, "deadline")
    tab.paste()
    assert "未粘贴" in tab.message.text()
    assert "（完成时限）：“2024/02/30”不是有效日期（2024 年 2 月没有 30 日）" in tab.message.text()
    assert second["text"][:10] in tab.message.text()
    assert [window.county.get("task", i)["deadline"] for i in ids] == [
        "2024-11-15", "2024-11-20", "2024-12-01"]


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
    assert undo.text() == f"撤销(&U) 修改“{name}”的中医类别医师" and undo.isEnabled()
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
    assert redo.text() == f"重做(&R) 修改“{name}”的中医类别医师"

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


def test_a_county_figure_is_one_step_to_undo_across_tabs_and_years(window: MainWindow,
                                                                   qtbot: QtBot) -> None:
    window.show_year(2024, "county")
    tab = window.county_tab
    box = tab.editors["resident_population"]

    def stored() -> Any:
        return window.county.rows("county_year", "year = 2024")[0]["resident_population"]
    before = stored()
    box.setText(str(before + 1000))
    box.editingFinished.emit()
    assert stored() == before + 1000
    undo, redo = _action(window, "action_undo"), _action(window, "action_redo")
    assert undo.text() == "撤销(&U) 修改 常住人口" and undo.isEnabled()
    # Elsewhere, in another year: the undo brings the clerk back to the figure it changes.
    window.show_year(2022, "personnel")
    undo.trigger()
    assert stored() == before
    assert window.year == 2024 and window.tabs.currentWidget() is tab
    assert box.text() == f"{before:,}"
    assert redo.text() == "重做(&R) 修改 常住人口"
    window.tabs.setCurrentWidget(window.tasks)
    redo.trigger()
    assert stored() == before + 1000 and box.text() == f"{before + 1000:,}"
    # A percentage box too, and an undo goes through the same checks as typing.
    spin = tab.editors["satisfaction"]
    spin.setText("91.5")
    spin.editingFinished.emit()
    assert spin.text() == "91.5%"
    assert undo.text() == "撤销(&U) 修改 群众中医药服务满意率"
    undo.trigger()
    assert spin.text() != "91.5%"
    managed = tab.editors["elderly_managed"]
    population = int(tab.editors["elderly_population"].text().replace(",", ""))
    first = window.county.rows("county_year", "year = 2024")[0]["elderly_managed"]
    assert first < population - 1
    managed.setText(str(population))
    managed.editingFinished.emit()
    undo.trigger()
    assert window.county.rows("county_year", "year = 2024")[0]["elderly_managed"] == first
    window.county.set_county_year(2024, {"elderly_population": population - 1})  # changed since
    redo.trigger()  # more managed than residents now: refused, said, kept for later
    assert window.county.rows("county_year", "year = 2024")[0]["elderly_managed"] == first
    assert "不能多于65岁及以上常住居民数" in tab.message.text()
    assert redo.isEnabled()


def test_the_activity_matrix_copies_a_block_as_the_other_tables_do(window: MainWindow,
                                                                   qtbot: QtBot) -> None:
    window.tabs.setCurrentWidget(window.activities)
    tab = window.activities
    view, matrix = tab.matrix_view, tab.matrix
    assert matrix.rowCount() >= 2
    d1, d5 = matrix.column_index("D1"), matrix.column_index("D5")
    view.setCurrentIndex(matrix.index(0, 0))
    view.selectionModel().select(QItemSelection(matrix.index(0, 0), matrix.index(1, d5)),
                                 QItemSelectionModel.SelectionFlag.ClearAndSelect)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    rows = [matrix.index(r, 0).data(ROW_ROLE) for r in (0, 1)]
    inds = [matrix.columns[c].key for c in range(d1, d5 + 1)]
    assert QGuiApplication.clipboard().text() == "".join(
        r["name"] + "".join(f"\t{r[i]}" for i in inds) + "\r\n" for r in rows)
    qtbot.keyClick(view, Qt.Key.Key_C,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    header = QGuiApplication.clipboard().text().split("\r\n")[0]
    assert header.startswith("机构\t四（一）1 宣传栏更换") and "（≥" in header and "\n" not in header
    # Counted from the log, not typed: a paste there is refused with the reason.
    qtbot.keyClick(view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert "不能粘贴" in tab.message.text()


def test_ctrl_z_in_a_county_figure_undoes_what_was_saved(window: MainWindow, qtbot: QtBot) -> None:
    with qtbot.waitActive(window):  # the keys reach 撤销 / 重做 in the active window
        window.show()
        window.activateWindow()
    window.show_year(2024, "county")
    tab = window.county_tab

    def stored(key: str) -> Any:
        return window.county.rows("county_year", "year = 2024")[0][key]
    for key, typed, saved in (("resident_population", "1234567", 1234567),
                              ("satisfaction", "91.5", 0.915)):
        box = tab.editors[key]
        before = stored(key)
        box.setFocus()
        box.selectAll()
        qtbot.keyClicks(box, typed)
        qtbot.keyClick(box, Qt.Key.Key_Return)
        assert stored(key) == saved
        qtbot.keyClick(box, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert stored(key) == before
        qtbot.keyClick(box, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
        assert stored(key) == saved
    # While typing, Ctrl+Z takes back the typing in the box; nothing was saved yet.
    box = tab.editors["resident_population"]
    box.setFocus()
    qtbot.keyClicks(box, "9")
    qtbot.keyClick(box, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert box.text() == f"{1234567:,}" and stored("resident_population") == 1234567


def test_a_county_percentage_reads_as_the_clerk_means_it(window: MainWindow, qtbot: QtBot) -> None:
    """28, 28%, ２８％ are 28%; 0.28 is asked about (0.28% or 28%?), never saved as 0.28%; what is
    typed keeps its digits (28.56 is 28.56%, not cut to 28.5) and the box shows the same."""
    window.show_year(2024, "county")
    tab = window.county_tab

    def stored() -> Any:
        return window.county.rows("county_year", "year = 2024")[0]["tcm_literacy"]
    box = tab.editors["tcm_literacy"]
    for typed, saved, shown in (("28", 0.28, "28%"), ("28.5%", 0.285, "28.5%"),
                                ("２８％", 0.28, "28%"), ("28.56", 0.2856, "28.56%"),
                                ("30 %", 0.3, "30%")):
        box.setText(typed)
        box.editingFinished.emit()
        assert (stored(), box.text(), tab.message.text()) == (saved, shown, "")
    assert tab.results["tcm_literacy"].text().startswith(
        "四（三）2 中医药健康文化素养水平：30.0%（目标 ≥ 25%，达标）")  # the standard's 条目, not D11
    box.setText("0.28")
    box.editingFinished.emit()
    assert stored() == 0.3 and box.text() == "30%"
    assert tab.message.text() == ("未保存：中医药健康文化素养水平：“0.28”是 0.28% 还是 28%？"
                                  "请输入百分数，如 28 或 28%")
    box.setText("0.28%")  # said plainly: taken as said
    box.editingFinished.emit()
    assert stored() == 0.0028 and box.text() == "0.28%" and tab.message.text() == ""
    box.setText("120")
    box.editingFinished.emit()
    assert stored() == 0.0028 and "0–100%" in tab.message.text()
    box.setText("")
    box.editingFinished.emit()
    assert stored() is None and box.placeholderText().startswith("未填")


# ---- 新增机构: no type by default, the township where it counts, one step of 撤销 ----------------

def test_a_new_institution_is_refused_without_a_type_or_its_township(
        window: MainWindow, qtbot: QtBot, answer: Any) -> None:
    window.tabs.setCurrentWidget(window.institutions)
    tab = window.institutions
    county = window.county
    hospitals = county.count("institution", "type = 'county_tcm_hospital'")
    said: list[str] = []

    def fill(dialog: Any) -> bool:
        assert isinstance(dialog, InstitutionDialog)
        if not said:
            assert dialog.type.currentText() == "（请选择）"
            # Only a name and a code, as the user did; a name whose ending says no type (one
            # ending in 卫生室 would pick 村卫生室 as it is typed).
            dialog.name.setText("青河县东湖村医务室")
            dialog.code.setText("QH08888")
            said.append("")
            return True
        said.append(dialog.findChild(QLabel, "refusal").text())
        assert dialog.name.text() == "青河县东湖村医务室"
        if len(said) == 2:
            dialog.type.setCurrentIndex(dialog.type.findData("village_clinic"))
            return True
        if len(said) == 3:
            dialog.township.setCurrentText("城关街道")
            return True
        return False
    answer(fill)
    tab.add()
    assert said[1] == "未保存：请选择机构类型。"
    assert "填写所属乡镇（街道）" in said[2] and "村卫生室" in said[2]
    added = county.rows("institution", "name = ?", ("青河县东湖村医务室",))
    assert len(added) == 1 and added[0]["township"] == "城关街道"
    assert county.count("institution", "type = 'county_tcm_hospital'") == hospitals


def test_a_second_county_tcm_hospital_is_confirmed_first(
        window: MainWindow, qtbot: QtBot, answer: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    window.tabs.setCurrentWidget(window.institutions)
    tab = window.institutions
    county = window.county
    first = county.rows("institution", "type = 'county_tcm_hospital'")[0]["name"]
    asked: list[str] = []
    monkeypatch.setattr(dialogs, "confirm", lambda _p, _t, text: asked.append(text)
                        or len(asked) > 1)
    refusals: list[str] = []

    def fill(dialog: Any) -> bool:
        if asked and not refusals:  # shown again after the 否, holding what was typed
            refusals.append(dialog.findChild(QLabel, "refusal").text())
            assert dialog.type.currentData() == "county_tcm_hospital"
            return False
        dialog.name.setText("青河县第二中医医院")
        dialog.type.setCurrentIndex(dialog.type.findData("county_tcm_hospital"))
        return True
    answer(fill)
    tab.add()
    assert asked[0] == f"本县已有县级中医医院“{first}”，确定再登记一家吗？"
    assert f"本县已有县级中医医院“{first}”，未再登记" in refusals[0]
    assert county.rows("institution", "name = ?", ("青河县第二中医医院",)) == []
    tab.add()  # asked again, and this time confirmed
    assert len(asked) == 2
    assert len(county.rows("institution", "name = ?", ("青河县第二中医医院",))) == 1


def test_adding_and_deleting_an_institution_are_steps_to_undo(
        window: MainWindow, qtbot: QtBot, answer: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    window.tabs.setCurrentWidget(window.institutions)
    tab = window.institutions
    county = window.county
    count = len(tab.model.rows)

    def fill(dialog: Any) -> bool:
        dialog.name.setText("青河县第三中医诊所")
        dialog.type.setCurrentIndex(dialog.type.findData("tcm_clinic"))
        return True
    answer(fill)
    tab.add()
    new = county.rows("institution", "name = ?", ("青河县第三中医诊所",))[0]
    undo, redo = _action(window, "action_undo"), _action(window, "action_redo")
    assert undo.text() == "撤销(&U) 新增机构“青河县第三中医诊所”"
    undo.trigger()
    assert county.get("institution", new["id"]) is None
    assert len(tab.model.rows) == count
    redo.trigger()
    assert county.get("institution", new["id"])["name"] == "青河县第三中医诊所"
    assert len(tab.model.rows) == count + 1
    assert tab.selected_row()["id"] == new["id"]

    monkeypatch.setattr(dialogs, "confirm", lambda *a: True)
    tab.select_record(new["id"])
    tab.delete()
    assert undo.text() == "撤销(&U) 删除机构“青河县第三中医诊所”"
    undo.trigger()
    assert county.get("institution", new["id"])["name"] == "青河县第三中医诊所"
    redo.trigger()
    assert county.get("institution", new["id"]) is None


# ---- Delete clears the selected cells, as in Excel --------------------------------------------------

def test_delete_clears_the_selected_cells_in_one_step(window: MainWindow, qtbot: QtBot) -> None:
    window.tabs.setCurrentWidget(window.halls)
    tab = window.halls
    a, b = _centres(tab, 2)
    top = _row(tab, a)
    keys = ("platform_connected", "tcm_corner", "service_place", "tech_categories", "tech_items")

    def values() -> list[tuple[Any, ...]]:
        return [tuple(_facts(window, n)[k] for k in keys) for n in (a, b)]
    before = values()
    filled = sum(v is not None for row in before for v in row)
    assert filled > 4
    _select(tab, top, keys[0], top + 1, keys[-1])
    qtbot.keyClick(tab.view, Qt.Key.Key_Delete)
    assert tab.message.isHidden(), tab.message.text()
    assert values() == [(None,) * len(keys)] * 2  # back to 未填报
    assert tab.proxy.index(top, tab.model.column_index("tech_items")).data() == ""
    assert window.statusBar().currentMessage() == f"已清除 {filled} 个单元格"
    undo = _action(window, "action_undo")
    assert undo.text() == f"撤销(&U) 清除 {filled} 个单元格"
    undo.trigger()
    assert values() == before
    _action(window, "action_redo").trigger()
    assert values() == [(None,) * len(keys)] * 2


def test_backspace_on_a_count_clears_it_and_read_only_cells_refuse(window: MainWindow,
                                                                  qtbot: QtBot) -> None:
    window.tabs.setCurrentWidget(window.personnel)
    tab = window.personnel
    a, b = _centres(tab, 2)
    top = _row(tab, a)
    assert _facts(window, a)["west_learn_tcm"] is not None
    _select(tab, top, "west_learn_tcm", top, "west_learn_tcm")
    qtbot.keyClick(tab.view, Qt.Key.Key_Backspace)
    assert _facts(window, a)["west_learn_tcm"] is None
    # The name is not a cell to clear: the whole block stays as it was, and says why.
    before = _facts(window, b)
    _select(tab, top + 1, "name", top + 1, "physicians")
    qtbot.keyClick(tab.view, Qt.Key.Key_Delete)
    assert "未清除" in tab.message.text()
    assert f"{b}（机构名称）：这一列不能在表中修改，表中是“{b}”，不能清除" in tab.message.text()
    assert _facts(window, b) == before


# ---- a fact the row's type does not fill ----------------------------------------------------------

def _station(tab: TableTab) -> str:
    return next(r["name"] for r in tab.model.rows if r["type"] == "chs")


def test_a_cell_the_type_does_not_fill_is_grey_and_says_why(window: MainWindow) -> None:
    from desktop.models import NODATA_BACKGROUND

    window.tabs.setCurrentWidget(window.halls)
    tab = window.halls
    index = tab.proxy.index(_row(tab, _station(tab)), tab.model.column_index("hall_area"))
    assert index.data(Qt.ItemDataRole.BackgroundRole) == NODATA_BACKGROUND
    assert "社区卫生服务站不填此项（中医馆设在社区卫生服务中心、乡镇卫生院" in \
        index.data(Qt.ItemDataRole.ToolTipRole)
    corner = tab.proxy.index(_row(tab, _station(tab)), tab.model.column_index("tcm_corner"))
    assert corner.data(Qt.ItemDataRole.ToolTipRole) is None or \
        "不填此项" not in corner.data(Qt.ItemDataRole.ToolTipRole)


def test_typing_or_pasting_a_fact_the_type_does_not_fill_is_refused_with_the_reason(
        window: MainWindow, qtbot: QtBot) -> None:
    window.tabs.setCurrentWidget(window.halls)
    tab = window.halls
    name = _station(tab)
    _type_into(tab, _row(tab, name), "hall_area", "50")
    assert f"{name}（中医馆面积（㎡））" in tab.message.text()
    assert "社区卫生服务站不填此项" in tab.message.text()
    assert _facts(window, name)["hall_area"] is None
    top = _row(tab, name)
    QGuiApplication.clipboard().setText("50\t4\r\n")
    _select(tab, top, "hall_area", top, "hall_area")
    qtbot.keyClick(tab.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert "未粘贴" in tab.message.text() and "社区卫生服务站不填此项" in tab.message.text()
    assert _facts(window, name)["hall_consult_rooms"] is None


def test_a_value_an_older_file_holds_is_shown_grey_and_delete_clears_it(
        window: MainWindow, qtbot: QtBot) -> None:
    window.tabs.setCurrentWidget(window.halls)
    tab = window.halls
    name = _station(tab)
    assert window.county is not None
    window.county.conn.execute(
        "UPDATE institution_year SET hall_area = 50 WHERE year = ? AND institution_id = "
        "(SELECT id FROM institution WHERE name = ?)", (window.year, name))
    window.county.conn.commit()
    window.reload_years()
    index = tab.proxy.index(_row(tab, name), tab.model.column_index("hall_area"))
    assert index.data() == "50"
    assert "已有的值不计入任何指标，可按 Delete 清除" in index.data(Qt.ItemDataRole.ToolTipRole)
    # Editing another fact of the row is not refused because of it.
    _type_into(tab, _row(tab, name), "tech_items", "9")
    assert _facts(window, name)["tech_items"] == 9 and tab.message.isHidden()
    _select(tab, _row(tab, name), "hall_area", _row(tab, name), "hall_area")
    qtbot.keyClick(tab.view, Qt.Key.Key_Delete)
    assert _facts(window, name)["hall_area"] is None


def test_a_pasted_block_is_counted_whole_with_the_cells_it_left_as_they_were(
        window: MainWindow, qtbot: QtBot) -> None:
    """A clerk pasting a 2×2 block counts four cells: the one already holding its value is said
    apart, not left out of the count."""
    window.tabs.setCurrentWidget(window.personnel)
    tab = window.personnel
    a, b = _centres(tab, 2)
    top = _row(tab, a)
    same = _facts(window, a)["physicians"]
    QGuiApplication.clipboard().setText(f"{same}\t1\r\n30\t2\r\n")
    _select(tab, top, "physicians", top, "physicians")
    qtbot.keyClick(tab.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert window.statusBar().currentMessage() == "已粘贴 4 个单元格（其中 1 个与原值相同，未改动）"
    assert _action(window, "action_undo").text() == "撤销(&U) 粘贴 3 个单元格"



def test_a_county_figure_not_given_says_no_data_once(window: MainWindow) -> None:
    """全县情况 with the 素养水平 blank: “无数据（目标 ≥ 25%）”, not “无数据（目标 ≥ 25%，无数据）”."""
    window.county.set_county_year(2024, {"tcm_literacy": None})
    window.reload_years()
    window.tabs.setCurrentWidget(window.county_tab)
    text = window.county_tab.results["tcm_literacy"].text()
    assert text.startswith("四（三）2 中医药健康文化素养水平：无数据（目标 ≥ 25%）")
    assert text.count("无数据") == 1
