"""The township as a fact of the year in the window: 调整所属乡镇 and 乡镇撤并 previewed, written in
one transaction and undone in one step; an import's same-named institution asked about row by row;
activities entered twice marked in the log and confirmed in 数据核查."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from db.townships import township_in_year
from desktop import dialogs, excel_actions
from desktop.main_window import MainWindow
from desktop.township_actions import MergerDialog, MoveDialog, PossibleMovesDialog
from reports.judge.evaluation import evaluate


def _menu(tab: Any, name: str) -> QAction:
    """An item of the 乡镇 button's menu on the 机构 tab."""
    button = tab.findChild(QPushButton, "button_乡镇")
    return next(a for a in button.menu().actions() if a.objectName() == name)


def _clinic_and_other_town(window: MainWindow) -> tuple[dict[str, Any], str]:
    county = window.county
    clinic = county.rows("institution", "type = 'village_clinic'", order="name")[0]
    other = sorted({r["township"] for r in county.rows("institution", "type = 'township_hc'")}
                   - {clinic["township"]})[0]
    return clinic, other


def test_a_clinic_moved_from_this_year_keeps_last_years_township_and_undoes(
        window: MainWindow, qtbot: QtBot, answer: Any) -> None:
    county, tab = window.county, window.institutions
    window.tabs.setCurrentWidget(tab)
    clinic, other = _clinic_and_other_town(window)
    old = clinic["township"]
    tab.select_record(clinic["id"])
    previews: list[str] = []

    def fill(dialog: Any) -> bool:
        assert isinstance(dialog, MoveDialog)
        dialog.town.setCurrentText(other)
        previews.append(dialog.preview.toPlainText())
        return True
    answer(fill)
    _menu(tab, "action_调整乡镇").trigger()
    assert previews == [f"{clinic['name']}：2024年起 {old} → {other}（2023年及以前 {old}，不变）"]
    assert [township_in_year(county, clinic["id"], y) for y in (2023, 2024)] == [old, other]
    shown = next(r for r in tab.model.rows if r["id"] == clinic["id"])
    assert (shown["township"], shown["moves"]) == (other, f"2023年及以前 {old}；2024年起 {other}")
    window.show_year(2023)
    assert next(r for r in tab.model.rows if r["id"] == clinic["id"])["township"] == old
    assert window.history.undo()
    assert township_in_year(county, clinic["id"], 2024) == old
    assert county.count("institution_township") == 0
    assert window.history.redo()
    assert township_in_year(county, clinic["id"], 2024) == other


def test_a_township_merger_is_one_previewed_action_and_one_undo_step(
        window: MainWindow, qtbot: QtBot, answer: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    county, tab = window.county, window.institutions
    window.tabs.setCurrentWidget(tab)
    clinic, target = _clinic_and_other_town(window)
    centre = county.get("institution", clinic["parent_id"])
    town = centre["township"]
    units = {r["id"] for r in county.institutions_in_year(2024) if r["township"] == town} - {
        centre["id"]}
    before = {r["id"]: (r["township"], r["parent_id"], r["active_to"])
              for r in county.rows("institution")}
    tab.select_record(centre["id"])

    def fill(dialog: Any) -> bool:
        assert isinstance(dialog, MergerDialog)
        dialog.town.setCurrentText(target)
        return True
    confirmed: list[str] = []
    answer(fill)
    monkeypatch.setattr(dialogs, "show_text",
                        lambda _p, _t, text, **kw: confirmed.append(text) or True)
    _menu(tab, "action_乡镇撤并").trigger()
    text = confirmed[0]
    assert f"“{town}”自 2024 年起并入“{target}”" in text
    assert f"停用 {centre['name']}：最后统计年度 2023 年" in text
    assert f"{len(units)} 家机构自 2024 年起划归“{target}”" in text
    assert "将改变以下" in text and "2024年" in text  # the results the closing changes
    assert county.get("institution", centre["id"])["active_to"] == 2023
    assert all(township_in_year(county, i, 2024) == target for i in units)
    assert all(township_in_year(county, i, 2023) == town for i in units)
    assert window.history.undo_text() == f"撤销 乡镇撤并（{town} 并入 {target}）"
    assert window.history.undo()
    assert {r["id"]: (r["township"], r["parent_id"], r["active_to"])
            for r in county.rows("institution")} == before
    assert county.count("institution_township") == 0


def test_a_merger_of_a_clinic_is_refused_with_the_reason(window: MainWindow) -> None:
    tab = window.institutions
    window.tabs.setCurrentWidget(tab)
    clinic, _ = _clinic_and_other_town(window)
    tab.select_record(clinic["id"])
    tab.merge_township()
    assert "请先选中被撤并乡镇的乡镇卫生院" in tab.message.text()


def test_an_import_asks_about_each_same_named_clinic_in_another_township(
        window: MainWindow, qtbot: QtBot, tmp_path: Path, answer: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    county = window.county
    clinic, other = _clinic_and_other_town(window)
    book = openpyxl.Workbook()
    book.active.append(["机构名称", "机构类型", "所属乡镇", "年度", "执业（助理）医师数"])
    book.active.append([clinic["name"], "村卫生室", other, 2024, 1])
    path = tmp_path / "2024.xlsx"
    book.save(path)
    monkeypatch.setattr(dialogs, "open_file_name", lambda *a: str(path))
    asked: list[str] = []

    def pick(dialog: Any) -> bool:
        assert isinstance(dialog, PossibleMovesDialog)
        asked.append(dialog.questions[0].name)
        dialog._accept()  # nothing chosen: refused in the dialog
        assert dialog.refusal.text() == "还有 1 行未选择。"
        dialog.boxes[0].setCurrentIndex(dialog.boxes[0].findData("move"))
        return True
    answer(pick)
    shown: list[str] = []
    monkeypatch.setattr(dialogs, "show_text",
                        lambda _p, _t, text, accept="": shown.append(text) or True)
    excel_actions.import_excel(window)
    qtbot.waitUntil(lambda: bool(shown), timeout=20_000)
    assert asked == [clinic["name"]]
    assert f"{clinic['name']}：2024年起 {clinic['township']} → {other}" in shown[0]
    qtbot.waitUntil(lambda: township_in_year(county, clinic["id"], 2024) == other, timeout=20_000)
    assert township_in_year(county, clinic["id"], 2023) == clinic["township"]


def test_copies_of_one_activity_are_marked_in_the_log_and_confirmed_in_checks(
        window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    county = window.county
    centre = county.rows("institution", "type = 'township_hc'", order="name")[0]
    lectures = lambda: evaluate(county, 2024).result("D6").denominator  # noqa: E731
    before = lectures()
    for _ in range(2):
        county.insert("activity", {"institution_id": centre["id"], "date": "2024-10-23",
                                   "kind": "健康讲座", "title": "秋冬进补讲座", "people": 64})
    assert lectures() == before + 1
    window.show_year(2024, "activities")
    tab = window.activities
    tab.refresh(window.ctx)
    marked = [r for r in tab.model.rows if r["title"] == "秋冬进补讲座"]
    assert [r["counted"] for r in marked] == ["按一次计", "按一次计"]
    column = tab.model.column_index("counted")
    row = tab.model.rows.index(marked[0])
    assert "按一次计" in tab.model.index(row, column).data(Qt.ItemDataRole.ToolTipRole)
    checks = window.checks
    checks.refresh(window.ctx)
    at = next(i for i, r in enumerate(checks.proxy.sourceModel().rows)
              if r["kind"] == "duplicate" and r["name"] == centre["name"]
              and "秋冬进补讲座" in r["detail"])
    checks.view.setCurrentIndex(checks.proxy.mapFromSource(checks.model.index(at, 0)))
    prompts: list[str] = []
    monkeypatch.setattr(dialogs, "ask_text", lambda _p, _t, label: prompts.append(label)
                        or "上午、下午各一场")
    checks.verify()
    assert "确为两次" in prompts[0]
    assert lectures() == before + 2
    checks.refresh(window.ctx)
    assert any(r["state"] == "已核实：确为两次" for r in checks.model.rows)


def test_a_move_offers_and_names_only_the_years_the_clinic_is_counted(
        window: MainWindow, answer: Any) -> None:
    """A clinic opened in 2022 (its 启用年度): 调整所属乡镇 offers no year before 2022 and says
    nothing of 2021; moved from its first year, it has one township in every year it counts."""
    county, tab = window.county, window.institutions
    window.tabs.setCurrentWidget(tab)
    clinic, other = _clinic_and_other_town(window)
    old = clinic["township"]
    county.update("institution", clinic["id"], {"active_from": 2022})
    tab.refresh(window.ctx)
    tab.select_record(clinic["id"])
    seen: list[tuple[int, int, str]] = []

    def fill(dialog: Any) -> bool:
        dialog.town.setCurrentText(other)
        seen.append((dialog.year.minimum(), dialog.year.value(), dialog.preview.toPlainText()))
        dialog.year.setValue(2000)  # typed below the range: held at the clinic's first year
        seen.append((dialog.year.minimum(), dialog.year.value(), dialog.preview.toPlainText()))
        return False
    answer(fill)
    _menu(tab, "action_调整乡镇").trigger()
    assert seen[0] == (2022, 2024,
                       f"{clinic['name']}：2024年起 {old} → {other}（2022–2023年 {old}，不变）")
    assert seen[1] == (2022, 2022, f"{clinic['name']}：2022年起 {old} → {other}")

    def from_2024(dialog: Any) -> bool:
        dialog.town.setCurrentText(other)
        return True
    answer(from_2024)
    _menu(tab, "action_调整乡镇").trigger()
    shown = next(r for r in tab.model.rows if r["id"] == clinic["id"])
    assert shown["moves"] == f"2022–2023年 {old}；2024年起 {other}"
