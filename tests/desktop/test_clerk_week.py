"""A clerk's second week (issue 27): what tripped a bureau clerk and a township centre in the
window, each kept fixed: 总览 sorted by points lost, 停用 offering only years it accepts, 新增机构
saying what is missing, 填报进度's counts agreeing, and the words on screen."""

from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from desktop import dialogs
from desktop.main_window import MainWindow
from desktop.models import ROW_ROLE


def _column(tab: Any, key: str) -> int:
    return tab.model.column_index(key)


def _shown_rows(tab: Any) -> list[dict[str, Any]]:
    return [tab.proxy.index(r, 0).data(ROW_ROLE) for r in range(tab.proxy.rowCount())]


# ---- 5: 总览 by points lost and by status ------------------------------------------------------

def test_overview_sorts_by_points_lost_and_by_status_and_back(qtbot: QtBot,
                                                              window: MainWindow) -> None:
    tab = window.overview
    window.show()
    qtbot.waitExposed(window)
    standard = [r["id"] for r in _shown_rows(tab)]
    header = tab.view.horizontalHeader()
    # A click on 得分, as the clerk clicks it: the rows sort, the column is not selected.
    x = header.sectionViewportPosition(_column(tab, "points_text")) + 10
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(x, header.height() // 2))
    rows = _shown_rows(tab)
    lost = [r.get("lost") or 0 for r in rows]
    assert lost == sorted(lost, reverse=True) and lost[0] > 0
    assert not tab.view.selectionModel().selectedColumns()
    tab.view.sortByColumn(_column(tab, "status"), Qt.SortOrder.AscendingOrder)
    statuses = [r["status"] for r in _shown_rows(tab)]
    assert statuses[0] == "未达标"
    assert statuses.index("达标") > max(i for i, s in enumerate(statuses) if s == "未达标")
    tab.view.sortByColumn(_column(tab, "code"), Qt.SortOrder.AscendingOrder)
    assert [r["id"] for r in _shown_rows(tab)] == standard


# ---- 6: 停用 offers only valid years, and 状态 says what it did ---------------------------------

def test_stopping_offers_only_years_from_its_start_and_status_says_so(
        window: MainWindow, monkeypatch: pytest.MonkeyPatch, answer: Any) -> None:
    tab = window.institutions
    window.tabs.setCurrentWidget(tab)
    year = window.year

    def fill(dialog: Any) -> bool:
        dialog.name.setText("平场镇新村卫生室")
        dialog.type.setCurrentIndex(dialog.type.findData("village_clinic"))
        dialog.township.setCurrentText("平场镇")
        return True
    answer(fill)
    tab.add()  # starts in the year looked at
    asked: list[tuple[int, int, int]] = []
    monkeypatch.setattr(dialogs, "ask_int",
                        lambda _p, _t, _l, value, low, high: asked.append((value, low, high))
                        or value)
    monkeypatch.setattr(dialogs, "show_text", lambda *a, **k: True)
    tab.deactivate()
    value, low, high = asked[0]
    assert low == year and value == year  # never a year before its start (year - 1)
    assert high >= year
    assert tab.message.isHidden()  # nothing refused
    row = tab.selected_row()
    assert row["name"] == "平场镇新村卫生室" and row["active_to"] == year
    assert row["status"] == f"在用，统计到 {year} 年"
    assert window.statusBar().currentMessage().startswith("已停用“平场镇新村卫生室”：统计到")


# ---- 9: 新增机构 says what is missing, as it is corrected ---------------------------------------

def test_the_new_institution_dialog_names_what_is_missing_and_keeps_up(
        window: MainWindow, answer: Any) -> None:
    from PySide6.QtWidgets import QLabel

    said: list[str] = []

    def fill(dialog: Any) -> bool:
        refusal = dialog.findChild(QLabel, "refusal")

        def line() -> str:
            return refusal.text() if refusal.isVisibleTo(dialog) else ""
        if not said:
            said.append("")  # the first 确定, everything empty
            return True
        said.append(line())
        dialog.type.setCurrentIndex(dialog.type.findData("village_clinic"))
        said.append(line())
        dialog.name.setText("桃源村卫生室")
        said.append(line())
        dialog.township.setCurrentText("平场镇")
        said.append(line())
        return True
    answer(fill)
    window.tabs.setCurrentWidget(window.institutions)
    window.institutions.add()
    assert "机构名称" in said[1] and "机构类型" in said[1]
    assert "机构类型" not in said[2] and "机构名称" in said[2]  # it keeps up with the fields
    assert "所属乡镇" in said[3] and "机构名称" not in said[3]
    assert said[4] == ""
    assert window.institutions.selected_row()["name"] == "桃源村卫生室"  # the new row, selected


# ---- 7: 填报进度's counts agree and its rows follow the register --------------------------------

def test_progress_counts_agree_between_headline_and_tables_after_a_new_year(
        window: MainWindow) -> None:
    import re

    from db.newyear import start_new_year
    from db.vocab import institution_key, pinyin_key

    county = window.county
    assert county is not None
    start_new_year(county, 2025)
    # A clinic confirms what was carried over: 已填齐; a centre reports its visits: still
    # waiting for its activities (部分填报); the rest have all parts, carried (待确认).
    clinic = next(r for r in county.institutions_in_year(2025) if r["type"] == "village_clinic")
    county.set_institution_year(clinic["id"], 2025, {"carried": None})
    centre = next(r for r in county.institutions_in_year(2025) if r["type"] == "township_hc")
    county.set_institution_year(centre["id"], 2025, {"visits": 900, "tcm_visits": 300})
    window.reload_years()
    window.show_year(2025, "progress")
    tab = window.progress_tab
    headline = tab.summary.text()
    numbers = {word: int(n) for word, n in re.findall(
        r"(已填齐|待确认|部分填报|未填报) (?:<b>)?(\d+)", headline)}
    towns = tab.towns.rows
    for key, word in (("complete", "已填齐"), ("waiting", "待确认"), ("partial", "部分填报"),
                      ("none", "未填报")):
        in_towns = sum(t[key] or 0 for t in towns)
        in_rows = sum(1 for r in tab.model.rows if r["status"] == word)
        assert in_towns == in_rows == numbers.get(word, 0), word
    assert numbers["已填齐"] >= 1
    assert sum(t["institutions"] for t in towns) == len(tab.model.rows)
    carried_institutions = sum(1 for r in tab.model.rows if r["carried"])
    assert sum(t["carried"] or 0 for t in towns) == carried_institutions
    assert f"{carried_institutions} 家有从上年沿用" in headline
    headers = [c.header for c in tab.model.columns] + [c.header for c in tab.towns.columns]
    assert "沿用待确认（项）" in headers and "有沿用待确认（家）" in headers
    # The register's order: townships in pinyin order, within one by type and name.
    rows = tab.model.rows
    assert rows == sorted(rows, key=lambda r: (pinyin_key(r["township"]), institution_key(r)))
    assert [t["township"] for t in towns] == sorted((t["township"] for t in towns),
                                                    key=pinyin_key)
