"""达标路径 as a clerk uses it: the path in order with its points, a double-click to the row to
fix, 已安排 typed or set for several rows (one step of 撤销 each), the township filter over the
actions and the pace list; and 填报进度's 活动进度 column."""

from __future__ import annotations

import datetime as _dt
from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QAbstractItemDelegate, QLabel, QLineEdit, QPushButton
from pytestqt.qtbot import QtBot

from desktop.datefield import DateField
from desktop.main_window import MainWindow
from desktop.models import ROW_ROLE
from desktop.tabs import path as path_tab
from desktop.tabs.path import ArrangeDialog, PathTab
from tests.desktop.conftest import type_keys

SEPTEMBER = _dt.date(2024, 9, 1)


@pytest.fixture
def tab(window: MainWindow) -> PathTab:
    window.tabs.setCurrentWidget(window.path_tab)
    return window.path_tab


def _rows(tab: PathTab) -> list[dict[str, Any]]:
    return [tab.proxy.index(r, 0).data(ROW_ROLE) for r in range(tab.proxy.rowCount())]


def _at(tab: PathTab, predicate: Any) -> int:
    return next(r for r, row in enumerate(_rows(tab)) if predicate(row))


def test_every_model_passes_the_model_tester(tab: PathTab, qtmodeltester: Any) -> None:
    for model in (tab.model, tab.proxy, tab.pace, tab.pace_proxy):
        qtmodeltester.check(model, force_py=True)


def test_the_path_comes_first_in_order_with_points_and_the_veto_item(tab: PathTab) -> None:
    """The demo county, 70.3 points with G01 (必备) failing: four actions reach 81.3."""
    text = tab.summary.text()
    assert ("2024 年自评得分 70.3 分（合格线 80 分），必备项 一（一）1 将中医药工作纳入县国民经济和"
            "社会发展规划及政府… 未达到") in text
    assert "按达标路径完成前 4 项行动，得分可达 81.3 分并满足全部必备项" in text
    rows = _rows(tab)
    assert [r["stage"] for r in rows[:6]] == ["达标路径"] * 4 + ["继续提高"] * 2
    first = rows[0]
    assert (first["item"], first["veto"], first["points"], first["cumulative"]) == \
        ("G01", "补齐必备", 3.0, 73.3)
    assert first["item_label"].startswith("一（一）1 将中医药工作纳入")  # as 总览 names it
    assert [r["order"] for r in rows] == list(range(1, len(rows) + 1))
    # Sortable: by points, most first, and back to the chosen order.
    column = tab.model.column_index("points")
    tab.view.sortByColumn(column, Qt.SortOrder.DescendingOrder)
    points = [r["points"] for r in _rows(tab)]
    assert points == sorted(points, reverse=True)
    tab.view.sortByColumn(tab.model.column_index("order"), Qt.SortOrder.AscendingOrder)
    assert _rows(tab)[0]["item"] == "G01"


def test_a_double_click_goes_to_the_row_to_fix(window: MainWindow, tab: PathTab,
                                               qtbot: QtBot) -> None:
    at = _at(tab, lambda r: r["item"] == "B13")  # the 妇幼保健院's 中药房
    row = _rows(tab)[at]
    tab.view.doubleClicked.emit(tab.proxy.index(at, 0))
    assert window.tabs.currentWidget() is window.personnel
    assert window.personnel.selected_row()["id"] == row["institution_id"]
    # A governance item: its row in 总览, where evidence is added.
    window.tabs.setCurrentWidget(tab)
    tab.view.doubleClicked.emit(tab.proxy.index(_at(tab, lambda r: r["item"] == "G01"), 0))
    assert window.tabs.currentWidget() is window.overview
    assert window.overview.selected_row()["id"] == "G01"
    # A county figure: the 全县情况 field it is computed from.
    window.show()
    qtbot.waitExposed(window)
    window.tabs.setCurrentWidget(tab)
    tab.view.doubleClicked.emit(tab.proxy.index(_at(tab, lambda r: r["item"] == "C6"), 0))
    assert window.tabs.currentWidget() is window.overview  # C6 is summed from institutions
    assert window.overview.selected_row()["id"] == "C6"


def test_arranging_actions_projects_the_score_and_undoes_in_one_step(
        window: MainWindow, tab: PathTab, answer: Any) -> None:
    def fill(dialog: ArrangeDialog) -> bool:
        dialog.person.setText("张三")
        return True
    answer(fill)
    tab.view.selectRow(0)
    tab.view.selectionModel().select(tab.proxy.index(1, 0), tab.view.selectionModel()
                                     .SelectionFlag.Select | tab.view.selectionModel()
                                     .SelectionFlag.Rows)
    tab.findChild(QPushButton, "button_安排").click()
    stored = {r["action_key"]: r for r in window.county.rows("planned_action")}
    assert set(stored) == {"G01", "G05"}
    # 2024 is over: the time given by default is a month from today, not a date gone by.
    due = QDate.currentDate().addMonths(1).toString("yyyy-MM-dd")
    assert {(r["person"], r["due_date"]) for r in stored.values()} == {("张三", due)}
    status = tab.model.column_index("status")
    assert [tab.proxy.index(r, status).data() for r in (0, 1)] == ["已安排", "已安排"]
    assert "已安排 2 项，全部完成后预计 76.3 分" in tab.summary.text()
    assert window.history.undo_text() == "撤销 安排 2 项行动"
    window.history.undo()
    assert window.county.rows("planned_action") == []
    assert "已安排" not in tab.summary.text()
    window.history.redo()
    assert len(window.county.rows("planned_action")) == 2


def test_an_arranged_date_is_typed_as_in_excel_and_one_that_does_not_exist_is_refused(
        window: MainWindow, tab: PathTab, answer: Any, qtbot: QtBot) -> None:
    """安排行动's 完成时限 typed over whole: 2025年3月31日 is that day; 2025-02-29 is said in the
    dialog, which comes back holding it."""
    def bad(dialog: ArrangeDialog) -> bool:
        dialog.person.setText("张三")
        dialog.due.selectAll()
        type_keys(qtbot, dialog.due, "2025-02-29")
        return True

    def refused(dialog: ArrangeDialog) -> bool:
        assert dialog.due.text() == "2025-02-29"
        assert dialog.findChild(QLabel, "refusal").text() == (
            "未保存：完成时限：“2025-02-29”不是有效日期（2025 年 2 月没有 29 日）")
        dialog.due.selectAll()
        type_keys(qtbot, dialog.due, "2025年3月31日")
        return True
    left = [bad, refused]
    answer(lambda dialog: left.pop(0)(dialog))
    tab.view.selectRow(0)
    tab.findChild(QPushButton, "button_安排").click()
    assert not left
    assert [(r["person"], r["due_date"]) for r in window.county.rows("planned_action")] == [
        ("张三", "2025-03-31")]


def test_person_and_date_are_typed_into_the_table_and_delete_clears_them(
        window: MainWindow, tab: PathTab) -> None:
    at = _at(tab, lambda r: r["item"] == "D5")
    for key, value in (("person", "清塘镇中心卫生院 李医生"), ("due_date", QDate(2025, 3, 31))):
        index = tab.proxy.index(at, tab.model.column_index(key))
        tab.view.setCurrentIndex(index)
        tab.view.edit(index)
        if isinstance(value, QDate):  # the date picker
            editor: Any = tab.view.viewport().findChild(DateField)
            editor.setDate(value)
        else:
            editor = tab.view.viewport().findChild(QLineEdit)
            editor.setText(value)
        tab.view.commitData(editor)
        tab.view.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
    row = window.county.rows("planned_action")[0]
    assert (row["person"], row["due_date"]) == ("清塘镇中心卫生院 李医生", "2025-03-31")
    assert _rows(tab)[at]["person"] == "清塘镇中心卫生院 李医生"
    # The two cells selected, as in Excel: Delete clears them and takes the arrangement back.
    tab._select(at, tab.model.column_index("person"), at, tab.model.column_index("due_date"))
    tab.clear()
    assert window.county.rows("planned_action") == []


def test_the_township_filter_narrows_actions_and_pace_alike(
        window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(path_tab, "today", lambda: SEPTEMBER)
    window.tabs.setCurrentWidget(window.path_tab)
    tab = window.path_tab
    assert tab.pace.rowCount() > 0
    assert "全年已过 67%" in tab.pace_label.text()
    behind = [r for r in tab.pace.rows if r["status"] == "落后"]
    assert behind
    town = behind[0]["township"]
    tab.town_filter.setCurrentIndex(tab.town_filter.findData(town))
    assert {r["township"] for r in _rows(tab)} == {town}
    shown = [tab.pace_proxy.index(r, 0).data(ROW_ROLE) for r in range(tab.pace_proxy.rowCount())]
    assert shown and {r["township"] for r in shown} == {town}
    # A double-click on a pace row opens that centre's activity log.
    tab.pace_view.doubleClicked.emit(tab.pace_proxy.index(0, 0))
    assert window.tabs.currentWidget() is window.activities


def test_progress_shows_who_is_behind_pace_with_a_filter(
        window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(path_tab, "today", lambda: SEPTEMBER)
    window.tabs.setCurrentWidget(window.progress_tab)
    tab = window.progress_tab
    behind = [r for r in tab.model.rows if r["pace_status"] == "落后"]
    assert behind and all("到今天应有" in r["pace"] for r in behind)
    tab.pace_filter.setCurrentIndex(tab.pace_filter.findData("落后"))
    assert tab.proxy.rowCount() == len(behind)


def test_arranging_names_its_actions_and_never_takes_a_row_of_minimums_for_one(
        window: MainWindow, tab: PathTab, answer: Any) -> None:
    """A clerk clicked a centre in the minimums below and pressed 安排: G01, still selected
    above, was arranged. Now 安排 after working below is refused with directions, and the
    dialog names the actions it arranges."""
    from PySide6.QtWidgets import QLabel

    seen: list[str] = []

    def fill(dialog: ArrangeDialog) -> bool:
        seen.append("\n".join(w.text() for w in dialog.findChildren(QLabel)))
        dialog.person.setText("周丽")
        return True
    answer(fill)
    tab.view.selectRow(0)
    assert tab.pace_proxy.rowCount() > 0
    tab.pace_view.pressed.emit(tab.pace_proxy.index(0, 0))  # a click on a centre below
    tab.pace_view.setCurrentIndex(tab.pace_proxy.index(0, 0))
    tab.findChild(QPushButton, "button_安排").click()
    assert seen == [] and window.county.rows("planned_action") == []
    assert "下方的年度最低要求只供查看进度" in tab.message.text()
    tab.view.pressed.emit(tab.proxy.index(0, 0))  # back in the actions
    tab.findChild(QPushButton, "button_安排").click()
    first = _rows(tab)[0]
    assert first["what"] in seen[0] and "为所选 1 项行动" in seen[0]
    assert [r["action_key"] for r in window.county.rows("planned_action")] == [first["item"]]


def test_an_arrangement_past_its_date_reads_overdue(window: MainWindow, tab: PathTab,
                                                    answer: Any) -> None:
    """完成时限 gone by and the action not done: 已逾期 in red, as 任务与佐证 marks a late task."""
    def fill(dialog: ArrangeDialog) -> bool:
        dialog.person.setText("周丽")
        dialog.due.setDate(QDate.currentDate().addDays(-1))
        return True
    answer(fill)
    tab.view.selectRow(0)
    tab.findChild(QPushButton, "button_安排").click()
    status = tab.proxy.index(0, tab.model.column_index("status"))
    assert status.data() == "已逾期"
    assert status.data(Qt.ItemDataRole.BackgroundRole) is not None  # marked, not plain
