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
    # waiting for its activities (未填报, of which 部分填报); the rest have all parts, carried
    # (待确认).
    clinic = next(r for r in county.institutions_in_year(2025) if r["type"] == "village_clinic")
    county.set_institution_year(clinic["id"], 2025, {"carried": None})
    centre = next(r for r in county.institutions_in_year(2025) if r["type"] == "township_hc")
    county.set_institution_year(centre["id"], 2025, {"visits": 900, "tcm_visits": 300})
    window.reload_years()
    window.show_year(2025, "progress")
    tab = window.progress_tab
    headline = tab.summary.text()
    numbers = {word: int(n) for word, n in re.findall(
        r"(已填齐|待确认|其中部分填报|未填报) (?:<b>)?(\d+)", headline)}
    towns = tab.towns.rows
    # 已填齐 + 待确认 + 未填报 = 应报, in the headline, the townships and the rows alike.
    for key, word in (("complete", "已填齐"), ("waiting", "待确认"), ("none", "未填报")):
        in_towns = sum(t[key] or 0 for t in towns)
        in_rows = sum(1 for r in tab.model.rows if r["status"] == word)
        assert in_towns == in_rows == numbers.get(word, 0), word
    partial = sum(1 for r in tab.model.rows if r["partial"])
    assert sum(t["partial"] or 0 for t in towns) == partial == numbers.get("其中部分填报", 0) >= 1
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


# ---- 10: the task timeline's words never overlap ----------------------------------------------

def test_timeline_labels_never_overlap_and_names_are_whole_or_shortened(
        qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as _dt

    from desktop.tabs import tasks

    monkeypatch.setattr(tasks, "today", lambda: _dt.date(2026, 12, 6))
    line = tasks.Timeline()
    qtbot.addWidget(line)
    line.resize(1300, 64)
    phases = [("筹备阶段", "2023-01-01", "2023-01-31"), ("准备阶段", "2023-02-01", "2023-03-31"),
              ("实施阶段", "2023-04-01", "2025-12-31"), ("评估验收阶段", "2026-01-01", "2026-06-30")]
    line.set_phases([{"name": n, "start_date": a, "end_date": b} for n, a, b in phases])
    labels = line.labels()
    for n, (text, rect) in enumerate(labels):
        assert line.rect().adjusted(0, 0, 1, 1).contains(rect.toRect()), text
        for other, spot in labels[n + 1:]:
            assert not rect.intersects(spot), (text, other)
    names = [t for t, r in labels if r.top() < 38]
    assert "实施阶段" in names and "评估验收阶段" in names
    assert all(n in dict.fromkeys(p[0] for p in phases) or n.endswith("…") for n in names)
    months = [t for t, r in labels if r.top() >= 38 and not t.startswith("今天")]
    assert "2023-01" in months and "2023-04" in months
    assert labels[-1][0] == "今天 2026-12-06"
    assert "准备阶段：2023-02-01 至 2023-03-31" in line.toolTip()


# ---- 11: the merge speaks the tabs' words, keeps the year in view, and says when there is
# nothing to merge; 模拟评审 names a failed 必备 item in words ---------------------------------

def test_a_merge_conflict_uses_the_tabs_words_and_keeps_the_year(
        window: MainWindow, demo_file: Any, answer: Any, qtbot: QtBot,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    from db.county import CountyFile
    from desktop import exchange_dialogs
    from desktop.exchange_dialogs import MergeDialog

    county = window.county
    assert county is not None
    other = demo_file.with_name("乡镇.tcmcounty")
    shutil.copyfile(demo_file, other)
    centre = next(r for r in county.institutions_in_year(2024) if r["type"] == "township_hc")
    # Both copies change it (the demo's centres have 1 to 6).
    with CountyFile.open(other, machine="b" * 32) as o:
        o.set_institution_year(centre["id"], 2024, {"other_tcm_staff": 9})
    county.set_institution_year(centre["id"], 2024, {"other_tcm_staff": 7})
    monkeypatch.setattr(dialogs, "open_file_name", lambda *a: str(other))
    seen: list[Any] = []

    def decide(dialog: Any) -> bool:
        assert isinstance(dialog, MergeDialog)
        [row] = dialog.model.rows
        assert row["field"] == "其他能提供中医药服务人员"  # as 人员配备 heads its column
        record = dialog.model.index(0, dialog.model.column_index("record"))
        assert "2024" in record.data() and record.data(Qt.ItemDataRole.ToolTipRole) == \
            record.data()
        assert dialog.table.textElideMode() == Qt.TextElideMode.ElideMiddle
        dialog.decide_all("theirs")
        seen.append(dialog)
        return True
    answer(decide)
    exchange_dialogs.merge_file(window)
    assert seen
    # The same file again: nothing to merge, said so, no dialog with a 合并 button.
    told: list[str] = []
    monkeypatch.setattr(dialogs, "info", lambda _p, _t, text: told.append(text))
    exchange_dialogs.merge_file(window)
    assert len(seen) == 1 and "没有需要合并的内容" in told[0]


def test_the_review_names_a_failed_required_item_in_words(window: MainWindow) -> None:
    from reports.judge import review as rv

    county = window.county
    assert county is not None
    rid = rv.create_review(county, window.year, seed=7, rule=rv.Rule(1, 2, 2))
    # Complete (the score, and what fails, shows only then): 符合 for every item on the lists.
    from reports.judge import profiles
    from reports.judge.standard import for_county

    std, profile = for_county(county), profiles.active_profile(county)
    for one in rv.load(county, rid).sample:
        for item in rv.items_for(std, profile, one["type"]):
            rv.set_finding(county, rid, one["id"], item.id, rv.AGREE, "")
    window.tabs.setCurrentWidget(window.review_tab)
    window.review_tab.review_id = rid
    window.review_tab.refresh(window.ctx)
    text = window.review_tab.summary.text()
    assert "必备项未达到：" in text
    failed = text.split("必备项未达到：")[1]
    # the item's 条目 and its words (not 一（一）1 alone), never the program's G01
    assert "一（一）1 将中医药工作纳入" in failed and "G01" not in failed


# ---- 12: a township's file does not judge county-wide figures on 人员配备 -------------------------

def test_a_township_file_leaves_county_wide_staff_figures_to_the_county(
        qtbot: QtBot, window: MainWindow, tmp_path: Any) -> None:
    from db import exchange

    county = window.county
    assert county is not None
    out = tmp_path / "太溪镇.tcmcounty"
    exchange.write_township_file(county, "太溪镇", out)
    assert window.open_path(out)
    window.tabs.setCurrentWidget(window.personnel)
    line = window.personnel.county_line.text()
    # 三（三）6 西学中培训覆盖率, as the standard numbers it
    assert "三（三）6" in line and "由县里汇总" in line.split("三（三）6")[1]
    assert "未达标" not in line.split("三（三）6")[1] and "C6" not in line


def test_the_review_table_shows_its_last_column_whole_at_1366(qtbot: QtBot,
                                                               window: MainWindow) -> None:
    from reports.judge import review as rv

    window.show()
    qtbot.waitExposed(window)
    assert window.county is not None
    rid = rv.create_review(window.county, window.year, seed=7, rule=rv.Rule(1, 2, 2))
    window.tabs.setCurrentWidget(window.review_tab)
    tab = window.review_tab
    tab.review_id = rid
    tab.refresh(window.ctx)
    header = tab.view.horizontalHeader()
    last = tab.model.column_index("differs")
    words = header.fontMetrics().horizontalAdvance(tab.model.columns[last].header)
    assert header.sectionViewportPosition(last) + words + 8 <= tab.view.viewport().width()


def test_no_table_header_is_narrower_than_its_words(window: MainWindow) -> None:
    """"中医馆/中医阁" in 填报进度 and "中医药内容" in 文化宣传活动 were cut."""
    from desktop.tabs.base import TableTab

    for key, page in window.pages.items():
        if not isinstance(page, TableTab):
            continue
        header = page.view.horizontalHeader()
        for n, col in enumerate(page.model.columns[:-1]):  # the last one stretches
            words = max(header.fontMetrics().horizontalAdvance(line)
                        for line in col.header.split("\n"))
            assert header.sectionSize(n) >= words + 8, (key, col.header)
    towns = window.progress_tab.town_view.horizontalHeader()
    for n, col in enumerate(window.progress_tab.towns.columns):
        assert towns.sectionSize(n) >= towns.fontMetrics().horizontalAdvance(col.header) + 8
