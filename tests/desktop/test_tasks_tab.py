"""任务与佐证 driven as a clerk would: add, edit status, filter, import a template, evidence."""

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from desktop import dialogs
from desktop.main_window import MainWindow
from desktop.models import FAIL_BACKGROUND, ROW_ROLE
from desktop.tabs import tasks as tasks_tab
from desktop.tabs.tasks import PhasesDialog, TaskDialog


@pytest.fixture
def tab(window: MainWindow) -> tasks_tab.TasksTab:
    window.tabs.setCurrentWidget(window.tasks)
    return window.tasks


def _row(tab: tasks_tab.TasksTab, number: str) -> int:
    for r in range(tab.proxy.rowCount()):
        if tab.proxy.index(r, 0).data(ROW_ROLE)["number"] == number:
            return r
    raise AssertionError(number)


def test_tasks_phases_and_the_timeline(tab: tasks_tab.TasksTab, qtmodeltester: Any) -> None:
    assert tab.model.rowCount() == 12
    assert not tab.timeline.isHidden() and [p["name"] for p in tab.timeline.phases][0] == "准备阶段"
    qtmodeltester.check(tab.model, force_py=True)
    assert tab.grab().width() > 0  # the timeline paints without error


def test_overdue_tasks_stand_out_and_done_ones_do_not(tab: tasks_tab.TasksTab,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    monkeypatch.setattr(tasks_tab, "today", lambda: dt.date(2025, 1, 15))
    tab.refresh(tab.ctx)
    late = tab.proxy.index(_row(tab, "4"), tab.model.column_index("deadline"))  # 推进中, 2024-12-31
    done = tab.proxy.index(_row(tab, "1"), tab.model.column_index("deadline"))  # 已完成
    assert late.data(Qt.ItemDataRole.BackgroundRole) == FAIL_BACKGROUND
    assert "已逾期" in late.data(Qt.ItemDataRole.ToolTipRole)
    assert done.data(Qt.ItemDataRole.BackgroundRole) != FAIL_BACKGROUND


def test_status_is_changed_in_place_and_saved(tab: tasks_tab.TasksTab, window: MainWindow) -> None:
    index = tab.proxy.index(_row(tab, "6"), tab.model.column_index("status"))
    assert tab.proxy.setData(index, "已完成")
    task = window.county.rows("task", "number = '6'")[0]
    assert task["status"] == "已完成"
    assert window.ctx.evaluation.tasks.done == 7


def test_filters_by_unit_phase_and_status(tab: tasks_tab.TasksTab) -> None:
    tab.unit_filter.setCurrentIndex(tab.unit_filter.findData("县教育和体育局"))
    assert {tab.proxy.index(r, 0).data(ROW_ROLE)["number"] for r in range(tab.proxy.rowCount())
            } == {"10", "11"}
    tab.unit_filter.setCurrentIndex(0)
    tab.status_filter.setCurrentIndex(tab.status_filter.findData("已延期"))
    assert tab.proxy.rowCount() == 1
    tab.status_filter.setCurrentIndex(0)
    tab.phase_filter.setCurrentIndex(tab.phase_filter.findData("评估验收阶段"))
    assert tab.proxy.rowCount() == 1


def test_add_a_task_and_attach_open_evidence(tab: tasks_tab.TasksTab, window: MainWindow,
                                            answer: Any, monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    def fill(dialog: Any) -> bool:
        assert isinstance(dialog, TaskDialog)
        dialog.number.setText("13")
        dialog.text.setPlainText("编制中医药发展“十四五”规划")
        dialog.lead.setText("县卫生健康局")
        dialog.assist.setText("县发展和改革局")
        return True
    answer(fill)
    tab.add()
    assert window.county.rows("task", "number = '13'")[0]["lead_unit"] == "县卫生健康局"
    scan = tmp_path / "规划印发文件.pdf"
    scan.write_bytes(b"%PDF plan")
    tab.view.setCurrentIndex(tab.proxy.index(_row(tab, "13"), 0))
    monkeypatch.setattr(dialogs, "open_file_names", lambda *a: [str(scan)])
    tab.attach()
    assert tab.proxy.index(_row(tab, "13"), tab.model.column_index("evidence")).data() == "1"
    assert tab.selected_row()["number"] == "13"  # the attach kept the selection
    opened: list[str] = []
    monkeypatch.setattr(dialogs, "open_with_system", opened.append)
    answer(lambda dialog: dialog.open_selected() or False)
    tab.evidence()
    assert Path(opened[0]).read_bytes() == b"%PDF plan"


def test_import_a_template_twice(tab: tasks_tab.TasksTab, window: MainWindow,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    told: list[str] = []
    monkeypatch.setattr(dialogs, "info", lambda p, t, text: told.append(text))
    offered: list[list[str]] = []
    monkeypatch.setattr(dialogs, "ask_item", lambda p, t, label, items: offered.append(items)
                        or next(i for i in items if "綦江" in i))
    tab.from_template()
    tab.from_template()
    assert "新增任务 23 项" in told[0] and "已有的 23 项未改动" in told[1]
    # The templates by their words only, never the program's own ids ("（anyue-2023）").
    assert not any(ch.isascii() and ch.isalpha() for item in offered[0] for ch in item)
    assert window.county.count("task") == 12 + 23


def test_pasted_text_that_is_not_a_task_list(tab: tasks_tab.TasksTab,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dialogs, "ask_long_text", lambda *a: "只是一句话")
    tab.from_text()
    assert "未能读取任务清单" in tab.message.text()


def test_phases_are_edited_with_dates_checked(window: MainWindow) -> None:
    dialog = PhasesDialog(window.county, window)
    row = 0
    end = dialog.model.column_index("end_date")
    assert not dialog.model.setData(dialog.model.index(row, end), "2020-01-01")
    assert "不能早于开始日期" in dialog.message.text()
    dialog.add()
    assert window.county.count("phase") == 5


def test_export_evidence_from_the_tab(window: MainWindow, tab: tasks_tab.TasksTab,
                                      tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The binder is of the year the window shows, and the dialog says which."""
    import zipfile

    asked: list[tuple[str, str]] = []
    dest = tmp_path / "青河县佐证材料（2023年）.zip"

    def save_as(parent: Any, title: str, suggested: str, filters: str) -> str:
        asked.append((title, suggested))
        return str(dest)
    monkeypatch.setattr(dialogs, "save_file_name", save_as)
    told: list[str] = []
    monkeypatch.setattr(dialogs, "info", lambda p, t, text: told.append(text))
    window.show_year(2023)
    assert tab.ctx is not None and tab.ctx.year == 2023
    tab.export()
    assert asked == [("导出 2023 年度的佐证材料（文件夹名，或以 .zip 结尾）", "青河县佐证材料（2023年）")]
    assert dest.exists() and str(dest) in told[0] and "2023 年度" in told[0]
    with zipfile.ZipFile(dest) as z:
        names = [n.rsplit("/", 1)[-1] for n in z.namelist()]
    # the task's minutes (tasks run across years), not 2024's survey report
    assert "中医药工作联席会议纪要（2023年第1次）.txt" in names
    assert "2024年群众中医药服务满意度调查报告.txt" not in names


def test_indicator_evidence_is_counted_in_the_overview(window: MainWindow, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    ov = window.overview
    d10 = next(r for r in range(ov.proxy.rowCount())
               if ov.proxy.index(r, 0).data(ROW_ROLE)["id"] == "D10")
    col = ov.model.column_index("evidence")
    assert ov.proxy.index(d10, col).data() == "1"  # the demo's survey report
    survey = tmp_path / "问卷.xlsx"
    survey.write_bytes(b"xlsx")
    ov.view.setCurrentIndex(ov.proxy.index(d10, 0))
    monkeypatch.setattr(dialogs, "open_file_names", lambda *a: [str(survey)])
    ov.attach()
    d10 = next(r for r in range(ov.proxy.rowCount())
               if ov.proxy.index(r, 0).data(ROW_ROLE)["id"] == "D10")
    assert ov.proxy.index(d10, col).data() == "2"


def test_overview_scores_each_item_and_a_governance_item_scores_once_evidenced(
        window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ov = window.overview

    def row(item_id: str) -> int:
        return next(r for r in range(ov.proxy.rowCount())
                    if ov.proxy.index(r, 0).data(ROW_ROLE)["id"] == item_id)

    points = ov.model.column_index("points_text")
    veto = ov.model.column_index("veto")
    # G01 (纳入规划, 必备): the demo's task is done but nothing is attached.
    assert ov.proxy.index(row("G01"), points).data() == "0 / 3"
    assert ov.proxy.index(row("G01"), veto).data() == "必备"
    summary = ov.summary.text()
    assert "得分 70.3 / 100 分" in summary and "合格线 80 分" in summary
    assert "1 项未达到（一（一）1 将中医药工作纳入" in summary and "G01" not in summary
    plan = tmp_path / "国民经济和社会发展规划.pdf"
    plan.write_bytes(b"%PDF plan")
    ov.view.setCurrentIndex(ov.proxy.index(row("G01"), 0))
    monkeypatch.setattr(dialogs, "open_file_names", lambda *a: [str(plan)])
    ov.attach()
    assert ov.proxy.index(row("G01"), points).data() == "3 / 3"
    assert "得分 73.3 / 100 分" in ov.summary.text() and "均已达到" in ov.summary.text()


def test_a_new_task_is_entered_whole_with_its_deadline_and_status(
        tab: tasks_tab.TasksTab, window: MainWindow, answer: Any) -> None:
    """新增任务 has 完成时限 and 状态 as the table does; a date that does not exist is said in the
    dialog, which comes back holding what was typed."""
    from PySide6.QtWidgets import QLabel

    said: list[str] = []

    def fill(dialog: Any) -> bool:
        assert isinstance(dialog, TaskDialog)
        if not said:
            dialog.number.setText("14")
            dialog.text.setPlainText("建立中医药工作联席会议制度")
            dialog.deadline.setText("2027/2/30")
            dialog.status.setCurrentText("推进中")
            said.append("")
            return True
        said.append(dialog.findChild(QLabel, "refusal").text())
        assert dialog.text.toPlainText() == "建立中医药工作联席会议制度"
        dialog.deadline.setText("2027/3/31")
        return True
    answer(fill)
    tab.add()
    assert "完成时限" in said[1] and "2 月没有 30 日" in said[1]
    row = window.county.rows("task", "number = '14'")[0]
    assert (row["deadline"], row["status"]) == ("2027-03-31", "推进中")
