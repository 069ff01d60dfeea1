"""撤销 never surprises (issue 27): every change a clerk makes is either a step that 编辑 → 撤销
names and Ctrl+Z undoes, or 撤销 says that it cannot be undone and Ctrl+Z does nothing."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from pytestqt.qtbot import QtBot

from db.newyear import start_new_year
from desktop import dialogs
from desktop.main_window import MainWindow
from desktop.tabs.activities import ActivityDialog
from desktop.tabs.institutions import InstitutionDialog
from desktop.tabs.tasks import TaskDialog
from desktop.undo import Change


def _undo(window: MainWindow) -> QAction:
    action = window.findChild(QAction, "action_undo")
    assert action is not None
    return action


def _ctrl_z(qtbot: QtBot, window: MainWindow) -> None:
    """Ctrl+Z as the clerk presses it, in the table in front."""
    if not window.isActiveWindow():
        with qtbot.waitActive(window):  # the keys reach 撤销 in the active window
            window.show()
            window.activateWindow()
    page = window.tabs.currentWidget()
    target = getattr(page, "view", page)
    target.setFocus()
    qtbot.keyClick(target, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)


def _active(window: MainWindow, name: str) -> dict[str, Any]:
    assert window.county is not None
    return window.county.rows("institution", "name = ?", (name,), include_deleted=True)[0]


def test_ctrl_z_undoes_the_step_the_menu_names_in_the_order_made(
        window: MainWindow, qtbot: QtBot, answer: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The clerk's morning: 新增 桃源村卫生室, then 停用 a clinic. Ctrl+Z takes back the closure
    first (as 撤销 says), then the new clinic."""
    tab = window.institutions
    window.tabs.setCurrentWidget(tab)

    def fill(dialog: Any) -> bool:
        assert isinstance(dialog, InstitutionDialog)
        dialog.name.setText("桃源村卫生室")
        dialog.type.setCurrentIndex(dialog.type.findData("village_clinic"))
        dialog.township.setCurrentText("平场镇")
        return True
    answer(fill)
    tab.add()
    assert _undo(window).text() == "撤销(&U) 新增机构“桃源村卫生室”"
    assert tab.selected_row()["name"] == "桃源村卫生室"  # the new row is selected
    closing = "平场镇沈铺村卫生室"
    tab.select_record(_active(window, closing)["id"])
    monkeypatch.setattr(dialogs, "ask_int", lambda *a: window.year)
    monkeypatch.setattr(dialogs, "show_text", lambda *a, **k: True)
    tab.deactivate()
    assert _active(window, closing)["active_to"] == window.year
    assert _undo(window).text() == f"撤销(&U) 停用机构“{closing}”"
    _ctrl_z(qtbot, window)
    assert _active(window, closing)["active_to"] is None  # the closure, not the new clinic
    assert not _active(window, "桃源村卫生室")["deleted"]
    assert _undo(window).text() == "撤销(&U) 新增机构“桃源村卫生室”"
    _ctrl_z(qtbot, window)
    assert _active(window, "桃源村卫生室")["deleted"]
    assert not _undo(window).isEnabled()
    window.history.redo()
    window.history.redo()
    assert _active(window, closing)["active_to"] == window.year
    assert not _active(window, "桃源村卫生室")["deleted"]


def test_reactivating_and_restoring_a_deleted_institution_are_steps(
        window: MainWindow, monkeypatch: pytest.MonkeyPatch, answer: Any) -> None:
    tab = window.institutions
    window.tabs.setCurrentWidget(tab)
    name = "马河镇胡口村卫生室"
    assert window.county is not None
    window.county.update("institution", _active(window, name)["id"], {"active_to": 2023})
    tab.refresh(window.ctx)
    tab.select_record(_active(window, name)["id"])
    monkeypatch.setattr(dialogs, "show_text", lambda *a, **k: True)
    tab.reactivate()
    assert _undo(window).text() == f"撤销(&U) 恢复机构“{name}”"
    window.history.undo()
    assert _active(window, name)["active_to"] == 2023
    monkeypatch.setattr(dialogs, "confirm", lambda *a: True)
    tab.select_record(_active(window, name)["id"])
    tab.delete()
    answer(lambda dialog: dialog.view.setCurrentIndex(dialog.model.index(0, 0)) or True)
    tab.show_deleted()
    assert not _active(window, name)["deleted"]
    assert _undo(window).text() == f"撤销(&U) 恢复已删除的机构“{name}”"
    window.history.undo()
    assert _active(window, name)["deleted"]


def _add_activity(window: MainWindow, answer: Any) -> str:
    tab = window.activities
    window.tabs.setCurrentWidget(tab)

    def fill(dialog: Any) -> bool:
        assert isinstance(dialog, ActivityDialog)
        dialog.title.setText("中医药进校园（补录）")
        return True
    answer(fill)
    tab.add()
    return "中医药进校园（补录）"


def _titles(window: MainWindow) -> set[str]:
    assert window.county is not None
    return {r["title"] for r in window.county.rows("activity")}


def test_adding_and_deleting_an_activity_or_a_task_are_steps(
        window: MainWindow, answer: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    title = _add_activity(window, answer)
    assert window.activities.selected_row()["title"] == title
    assert _undo(window).text() == f"撤销(&U) 新增活动“{title}”"
    window.history.undo()
    assert title not in _titles(window)
    window.history.redo()
    assert title in _titles(window)
    monkeypatch.setattr(dialogs, "confirm", lambda *a: True)
    window.activities.select_record(window.activities.selected_row()["id"])
    window.activities.delete()
    assert title not in _titles(window)
    assert _undo(window).text() == f"撤销(&U) 删除活动“{title}”"
    window.history.undo()
    assert title in _titles(window)

    tasks = window.tasks
    window.tabs.setCurrentWidget(tasks)

    def fill(dialog: Any) -> bool:
        assert isinstance(dialog, TaskDialog)
        dialog.text.setPlainText("召开中医药工作联席会议")
        return True
    answer(fill)
    tasks.add()
    assert _undo(window).text() == "撤销(&U) 新增任务“召开中医药工作联席会议”"
    tasks.delete()
    assert _undo(window).text() == "撤销(&U) 删除任务“召开中医药工作联席会议”"
    window.history.undo()
    window.history.undo()
    assert window.county is not None
    assert not window.county.rows("task", "text = ?", ("召开中医药工作联席会议",))


def test_confirming_carried_values_and_marking_a_check_are_steps(window: MainWindow) -> None:
    county = window.county
    assert county is not None
    start_new_year(county, 2025)
    window.reload_years()
    window.show_year(2025, "progress")
    tab = window.progress_tab
    carried = lambda: sum(1 for r in county.rows("institution_year", "year = 2025")  # noqa: E731
                          if r["carried"])
    before = carried()
    assert before > 5
    tab.view.setCurrentIndex(tab.proxy.index(0, 0))
    town = tab.selected_row()["township"]
    tab.confirm_town()
    assert carried() < before
    assert _undo(window).text().startswith(f"撤销(&U) 确认沿用上年数据（“{town}”")
    window.history.undo()
    assert carried() == before
    assert window.tabs.currentWidget() is tab

    window.show_year(2024, "checks")
    checks = window.checks
    assert checks.model.rows, "the demo county has findings to check"
    checks.view.setCurrentIndex(checks.proxy.index(0, 0))
    key = checks.selected_row()["id"]
    original = dialogs.ask_text
    dialogs.ask_text = lambda *a: "新增分院，数据属实"  # type: ignore[assignment]
    try:
        checks.verify()
    finally:
        dialogs.ask_text = original  # type: ignore[assignment]
    assert next(r for r in checks.model.rows if r["id"] == key)["verified"]
    assert _undo(window).text().startswith("撤销(&U) 标记已核实")
    window.history.undo()
    assert not next(r for r in checks.model.rows if r["id"] == key)["verified"]


def _attach(window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    photo = tmp_path / "联席会议纪要.pdf"
    photo.write_bytes(b"%PDF-1.4 minutes")
    monkeypatch.setattr(dialogs, "open_file_names", lambda *a: [str(photo)])
    window.tabs.setCurrentWidget(window.tasks)
    window.tasks.view.setCurrentIndex(window.tasks.proxy.index(0, 0))
    window.tasks.attach()


def _import_template(window: MainWindow, tmp_path: Path,
                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dialogs, "ask_item", lambda _p, _t, _l, items: items[0])
    monkeypatch.setattr(dialogs, "info", lambda *a: None)
    window.tabs.setCurrentWidget(window.tasks)
    window.tasks.from_template()


def _new_year(window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop import year_actions
    monkeypatch.setattr(dialogs, "ask_int", lambda *a: 2025)
    monkeypatch.setattr(dialogs, "info", lambda *a: None)
    year_actions.start_new_year(window)


@pytest.mark.parametrize(("change", "what"), [
    (_attach, "添加佐证材料"), (_import_template, "导入任务"), (_new_year, "开始新年度")])
def test_a_change_that_cannot_be_undone_says_so_and_ctrl_z_does_nothing(
        window: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        change: Callable[..., None], what: str) -> None:
    # A step before it, which Ctrl+Z must not reach behind the change to undo.
    tab = window.personnel
    window.tabs.setCurrentWidget(tab)
    row, year = tab.model.rows[0], window.year
    assert tab.apply([Change(dict(row), "west_learn_tcm", row["west_learn_tcm"], 7)],
                     "修改 西学中", year=year)
    assert _undo(window).text() == "撤销(&U) 修改 西学中"
    change(window, tmp_path, monkeypatch)
    assert _undo(window).text() == f"撤销(&U)（“{what}”不能撤销）"
    _ctrl_z(qtbot, window)
    assert window.statusBar().currentMessage() == f"撤销（“{what}”不能撤销）"
    assert window.county is not None
    assert window.county.query("SELECT west_learn_tcm FROM institution_year WHERE "
                               "institution_id = ? AND year = ?",
                               (row["id"], year))[0]["west_learn_tcm"] == 7


def test_every_save_in_the_tabs_names_its_change() -> None:
    """Each user action saved through a tab says what it is, so it becomes a step of 撤销 or
    撤销 says it cannot be undone; a `save(action)` without its words would do neither."""
    import ast

    import desktop.tabs

    unnamed = []
    for path in sorted(Path(desktop.tabs.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "self" \
                    and node.func.attr in ("save", "save_from"):
                wanted = 2 if node.func.attr == "save" else 3
                if len(node.args) < wanted and not any(k.arg == "what" for k in node.keywords):
                    unnamed.append(f"{path.name}:{node.lineno}")
    assert not unnamed, unnamed


def test_a_figure_typed_in_is_named_with_its_institution(window: MainWindow,
                                                         qtbot: QtBot) -> None:
    """编辑 → 撤销 and the status bar said "修改 西学中": whose? As 编辑机构“…” does, it names the
    institution."""
    tab = window.personnel
    window.tabs.setCurrentWidget(tab)
    at = next(r for r in range(tab.proxy.rowCount())
              if tab.proxy.index(r, 0).data() == "长江镇中心卫生院")
    index = tab.proxy.index(at, tab.model.column_index("west_learn_tcm"))
    assert tab.proxy.setData(index, str(int(index.data() or 0) - 1))
    assert _undo(window).text() == "撤销(&U) 修改“长江镇中心卫生院”的西学中"
    _ctrl_z(qtbot, window)
    assert window.statusBar().currentMessage() == "已撤销：修改“长江镇中心卫生院”的西学中"


def test_the_oldest_steps_are_let_go_after_a_long_day(window: MainWindow,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """撤销 keeps the last KEPT_STEPS steps, as Excel keeps its last 100: hours of typing do not
    grow the window without end, and the newest step is still the one undone."""
    from desktop import undo

    monkeypatch.setattr(undo, "KEPT_STEPS", 3)
    history = window.history
    steps = [undo.Step(window.personnel, 2024, f"修改 第{n}格", []) for n in range(5)]
    for step in steps:
        history.push(step)
    assert history.done == steps[-3:]
    assert history.undo_text() == "撤销 修改 第4格"


def test_ctrl_z_in_the_search_box_takes_back_the_deletion(
        window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    """搜索 “沈铺”, 删除 the one found, Ctrl+Z with the cursor still in 搜索: the institution is
    back (not the search text cleared first)."""
    tab = window.institutions
    window.tabs.setCurrentWidget(tab)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    name = "平场镇沈铺村卫生室"
    tab.search.setFocus()
    tab.search.setText("沈铺")  # typed (QTest types Latin-1 only)
    tab.select_record(_active(window, name)["id"])
    monkeypatch.setattr(dialogs, "confirm", lambda *a, **k: True)
    tab.delete()
    assert _active(window, name)["deleted"]
    tab.search.setFocus()
    qtbot.keyClick(tab.search, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert not _active(window, name)["deleted"]
    assert tab.search.text() == "沈铺"
