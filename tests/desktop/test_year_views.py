"""填报进度, 数据核查, 开始新年度 and the draft warning, driven as a clerk would in the window."""

from __future__ import annotations

from pathlib import Path
import re
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from desktop import dialogs, report_actions, year_actions
from desktop.main_window import MainWindow
from desktop.models import ROW_ROLE, CARRIED_FOREGROUND


def _late_clinic(window: MainWindow) -> str:
    """A clinic that counts from 2024 and has sent nothing."""
    county = window.county
    iid = county.insert("institution", {"name": "青河县新开村卫生室", "type": "village_clinic",
                                        "township": "城关街道", "active_from": 2024})
    window._year_changed()
    return iid


def test_models_of_the_new_views_pass_the_model_tester(window: MainWindow,
                                                       qtmodeltester: Any) -> None:
    for tab in (window.progress_tab, window.checks):
        window.tabs.setCurrentWidget(tab)
        qtmodeltester.check(tab.model, force_py=True)
    qtmodeltester.check(window.progress_tab.towns, force_py=True)


def test_progress_names_who_has_not_reported_and_exports_the_list(
        window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    iid = _late_clinic(window)
    tab = window.progress_tab
    window.tabs.setCurrentWidget(tab)
    assert "未填报 <b>1</b> 家" in tab.summary.text()
    row = next(r for r in tab.model.rows if r["id"] == iid)
    assert row["status"] == "未填报" and row["missing"] == "人员、中医馆/中医阁、适宜技术"
    town = next(r for r in tab.towns.rows if r["township"] == "城关街道")
    assert town["none"] == 1
    # Sortable by 已交比例: the clinic that sent nothing comes first.
    tab.view.sortByColumn(tab.model.column_index("share"), Qt.SortOrder.AscendingOrder)
    assert tab.proxy.index(0, 0).data(ROW_ROLE)["id"] == iid
    # Double-click goes to where the first missing part is entered.
    tab.view.doubleClicked.emit(tab.proxy.index(0, 0))
    assert window.tabs.currentWidget() is window.personnel
    assert window.personnel.selected_row()["id"] == iid
    out = tmp_path / "进度.xlsx"
    monkeypatch.setattr(dialogs, "save_file_name", lambda *a: str(out))
    monkeypatch.setattr(dialogs, "confirm", lambda *a: False)
    window.tabs.setCurrentWidget(tab)
    tab.export()
    book = openpyxl.load_workbook(out)
    chase = [c.value for c in book["待催报"]["C"]]
    assert "青河县新开村卫生室" in chase
    assert book["按乡镇"]["B2"].value == "乡镇（街道）"


def test_new_year_carries_over_shown_differently_until_confirmed(
        window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dialogs, "ask_int", lambda *a: 2025)
    said: list[str] = []
    monkeypatch.setattr(dialogs, "info", lambda _p, _t, text: said.append(text))
    year_actions.start_new_year(window)
    assert window.year == 2025 and "已从2024年沿用" in said[0]
    window.tabs.setCurrentWidget(window.halls)
    tab = window.halls
    centre = next(r for r in range(tab.proxy.rowCount())
                  if tab.proxy.index(r, 0).data(ROW_ROLE)["type"] == "township_hc")
    cell = tab.proxy.index(centre, tab.model.column_index("hall_state"))
    assert cell.data(Qt.ItemDataRole.FontRole).italic()
    assert cell.data(Qt.ItemDataRole.ForegroundRole) == CARRIED_FOREGROUND
    assert "沿用上年：2024年" in cell.data(Qt.ItemDataRole.ToolTipRole)
    visits = tab.proxy.index(centre, tab.model.column_index("visits"))
    assert visits.data() == ""  # visits never carry over
    window.tabs.setCurrentWidget(window.progress_tab)
    assert "尚未确认" in window.progress_tab.summary.text()
    asked: list[str] = []
    monkeypatch.setattr(dialogs, "confirm", lambda _p, _t, text: asked.append(text) or True)
    qbutton = window.progress_tab.findChild(QPushButton, "button_全部确认")
    carried = [r for r in window.progress_tab.model.rows if r["carried"]]
    qbutton.click()
    # It says how much it confirms: institutions and values.
    assert f"确认全县 {len(carried)} 家机构 2025 年从上年沿用的" in asked[0]
    assert re.search(r"沿用的\d+ 项数据吗", asked[0])
    assert all(r["carried"] is None for r in window.progress_tab.model.rows)
    window.tabs.setCurrentWidget(window.halls)
    assert not window.halls.proxy.index(centre, tab.model.column_index("hall_state")).data(
        Qt.ItemDataRole.FontRole)


def test_checks_can_be_marked_verified_with_a_note(window: MainWindow,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    tab = window.checks
    window.tabs.setCurrentWidget(tab)
    assert tab.model.rows and "未核实" in tab.summary.text()
    # A figure that moved (a duplicate activity, marked, reads 已核实：确为两次).
    at = next(r for r in range(tab.proxy.rowCount())
              if tab.proxy.index(r, 0).data(ROW_ROLE)["kind"] != "duplicate")
    tab.view.setCurrentIndex(tab.proxy.index(at, 0))
    key = tab.selected_row()["id"]
    monkeypatch.setattr(dialogs, "ask_text", lambda *a: "新增分院，属实")
    tab.findChild(QPushButton, "button_标记已核实").click()
    row = next(r for r in tab.model.rows if r["id"] == key)
    assert (row["state"], row["note"]) == ("已核实", "新增分院，属实")
    assert window.county.rows("check_review")[0]["note"] == "新增分院，属实"


def test_the_window_offers_only_a_draft_and_says_why_not_final(window: MainWindow,
                                                                answer: Any,
                                                                monkeypatch: pytest.MonkeyPatch
                                                                ) -> None:
    _late_clinic(window)
    asked: list[Any] = []
    monkeypatch.setattr(dialogs, "save_file_name", lambda *a: asked.append(a) or "")
    seen = answer(lambda dialog: False)
    report_actions.make_report(window)
    choice = seen[0]
    assert isinstance(choice, report_actions.ReportKindDialog)
    # 草稿 and 正式 are both offered; 正式 is greyed, and the dialog says why, by name.
    assert not choice.final_button.isEnabled() and choice.draft_button.isChecked()
    reasons = choice.reasons.toPlainText()
    assert "正式报告暂不能生成" in reasons and "青河县新开村卫生室（本年度数据均未填报）" in reasons
    assert not choice.final
    assert asked == []  # cancelled: nothing written, no file asked for


def test_overview_counts_not_reported_apart_and_the_dialog_lists_them(
        window: MainWindow, answer: Any) -> None:
    _late_clinic(window)
    tab = window.overview
    window.tabs.setCurrentWidget(tab)
    assert "1 家机构尚未填齐本年度数据" in tab.summary.text()
    a4 = next(r for r in tab.model.rows if r["id"] == "A4")
    assert a4["waiting_count"] == 1
    seen = answer(lambda dialog: False)
    window.show_failing("A4")
    rows = seen[0].model.rows
    assert rows[-1]["institution"] == "青河县新开村卫生室" and rows[-1]["value_text"] == "未填报"
    assert all(r["value_text"] != "未填报" for r in rows[:-1])


def test_the_failing_list_reads_as_the_register_with_each_township(window: MainWindow,
                                                                  answer: Any) -> None:
    """Townships in pinyin order (长江镇 … 永丰镇), each row with its township, those that fall
    short before those that have not reported."""
    from db.vocab import pinyin_key

    failing = [r for r in window.ctx.evaluation.results if len(r.failing) >= 3]
    assert failing, "the demo county should have an indicator several institutions miss"
    seen = answer(lambda dialog: False)
    window.show_failing(failing[0].id)
    rows = [r for r in seen[0].model.rows if r["value_text"] != "未填报"]
    towns = [r["township"] for r in rows]
    assert all(towns) and towns == sorted(towns, key=pinyin_key)


def test_the_failing_list_says_each_ones_figure_in_words(window: MainWindow, answer: Any) -> None:
    """A yes/no item shows what the institution lacks (中医馆未建, 不具备), not “0.0%”; a share
    shows the institution's own share, as the report's lists do."""
    results = {r.id: r for r in window.ctx.evaluation.results if r.failing}
    seen = answer(lambda dialog: False)
    for ind in results:
        window.show_failing(ind)
    texts = [row["value_text"] for dialog in seen for row in dialog.model.rows]
    assert texts and "0.0%" not in texts
    assert all(t for t in texts)


def test_checks_of_the_files_first_year_claim_no_comparison(window: MainWindow) -> None:
    """The first year in the file (the demo's 2022, nothing for 2021): its one finding, an
    activity entered twice, was headed "与 2021 年相比变化异常…" though no 2021 figure exists."""
    county = window.county
    assert county.years()[0] == 2022
    centre = county.query("SELECT id FROM institution WHERE type = 'township_hc' "
                          "AND deleted = 0 LIMIT 1")[0]
    for _ in range(2):
        county.insert("activity", {"institution_id": centre["id"], "date": "2022-06-01",
                                   "kind": "健康讲座", "title": "夏季养生讲座", "people": 40})
    window.show_year(2022, "checks")
    tab = window.checks
    tab.refresh(window.ctx)
    assert {r["kind"] for r in tab.model.rows} == {"duplicate"}
    text = tab.summary.text()
    assert "相比" not in text and "2021 年相比" not in text
    assert "文件中没有 2021 年的数据" in text and "只做了本年度内的核查" in text
    assert "同一活动重复录入" in text and f"可疑的数据 {len(tab.model.rows)} 项" in text
    window.show_year(2023, "checks")  # 2022 is there to compare with
    assert "与 2022 年相比变化异常或录入可疑的数据" in window.checks.summary.text()
