"""The keyboard: tabs switch from anywhere (a table included), menus and tabs have keys, and
every tab's buttons, search box and filters have their own access letter (Alt+letter), Tab leaves
a table, and the Menu key offers the tab's actions."""

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QContextMenuEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QComboBox, QDialogButtonBox, QLabel, QPushButton
from pytestqt.qtbot import QtBot

from desktop import dialogs
from desktop.main_window import MainWindow
from desktop.models import ROW_ROLE
from desktop.tabs.base import TableTab
from desktop.tabs.institutions import InstitutionDialog
from tests.desktop.conftest import bar_menus


def _focus_table(qtbot: QtBot, window: MainWindow) -> None:
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.watching_app)  # its keys watched once it is painted
    window.activateWindow()
    view = window.tabs.currentWidget().view
    view.setFocus()
    view.setCurrentIndex(view.model().index(0, 0))
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view)


def test_ctrl_tab_and_ctrl_pgdn_switch_tabs_from_inside_a_table(qtbot: QtBot,
                                                               window: MainWindow) -> None:
    window.tabs.setCurrentWidget(window.institutions)
    _focus_table(qtbot, window)
    ctrl, shift = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab, ctrl)
    assert window.tabs.currentWidget() is window.halls
    _focus_table(qtbot, window)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab, ctrl | shift)
    assert window.tabs.currentWidget() is window.institutions
    _focus_table(qtbot, window)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_PageDown, ctrl)
    assert window.tabs.currentWidget() is window.halls
    _focus_table(qtbot, window)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_PageUp, ctrl)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_PageUp, ctrl)
    assert window.tabs.currentWidget() is window.progress_tab
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_PageUp, ctrl)
    assert window.tabs.currentWidget() is window.path_tab
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_PageUp, ctrl)
    assert window.tabs.currentWidget() is window.overview
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_PageUp, ctrl)  # round to the last
    assert window.tabs.currentWidget() is window.review_tab
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_PageUp, ctrl)
    assert window.tabs.currentWidget() is window.checks


def test_alt_and_a_number_opens_that_tab(qtbot: QtBot, window: MainWindow) -> None:
    _focus_table(qtbot, window)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    assert window.tabs.currentWidget() is window.path_tab  # 达标路径 beside 总览
    assert "Alt+2" in window.tabs.tabToolTip(1)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_7, Qt.KeyboardModifier.AltModifier)
    assert window.tabs.currentWidget() is window.activities
    assert "Alt+7" in window.tabs.tabToolTip(6)
    assert window.tabs.tabText(6) == "&7 文化宣传活动"  # the tab shows its key, 7 underlined
    # The tenth tab, 数据核查, is Alt+0; the eleventh, 模拟评审, one Ctrl+PgUp from 总览.
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_0, Qt.KeyboardModifier.AltModifier)
    assert window.tabs.currentWidget() is window.checks
    assert "Alt+0" in window.tabs.tabToolTip(9) and window.tabs.tabText(9) == "&0 数据核查"
    assert "Ctrl+PgUp" in window.tabs.tabToolTip(10) and window.tabs.tabText(10) == "模拟评审"


def test_every_menu_and_menu_item_has_an_accelerator(window: MainWindow) -> None:
    menus = bar_menus(window)
    assert [m.title() for m in menus][:1] == ["文件(&F)"] and menus[-1].title() == "帮助(&H)"
    for menu in menus:
        letters = []
        for action in menu.actions():
            if action.isSeparator():
                continue
            text = action.text()
            assert "(&" in text, text
            letters.append(text[text.index("(&") + 2])
        assert len(letters) == len(set(letters)), (menu.title(), letters)
    texts = [a.text() for a in menus[0].actions()]
    assert "打开(&O)…" in texts and "新建(&N)…" in texts


# ---- issue 27: every tab's actions by keyboard -----------------------------------------------

def _letter(text: str) -> str:
    sequence = QKeySequence.mnemonic(text)
    assert not sequence.isEmpty(), f"no access letter: {text}"
    return sequence.toString().removeprefix("Alt+")


def _keyboard_targets(page: TableTab) -> list[tuple[str, str]]:
    """(what, its access letter) for the tab's buttons, search box and filters."""
    found = [(item.text(), _letter(item.text())) for item in page.tab_actions]
    captions = {label.buddy(): label for label in page.findChildren(QLabel) if label.buddy()}
    boxes = [page.search, *(c for c in page.findChildren(QComboBox)
                            if c.objectName().startswith("filter_")
                            or c.objectName() == "review_picker")]
    for box in boxes:
        assert box in captions, f"{box.objectName()} has no caption with an access letter"
        found.append((captions[box].text(), _letter(captions[box].text())))
    return found


def test_every_tab_action_search_and_filter_has_its_own_access_letter(
        window: MainWindow) -> None:
    # Always there: the menus, the 年度 box and 目标设置.
    always = [_letter(m.title()) for m in bar_menus(window)]
    year_caption = next(label for label in window.findChildren(QLabel)
                        if label.buddy() is window.year_box)
    always += [_letter(year_caption.text()), _letter(window.profile_button.text())]
    assert len(always) == len(set(always)), always
    for key, _show in window.screenshot_views():  # every tab, built as the clerk opens it
        page = window.page(key)
        if not isinstance(page, TableTab):
            continue  # 全县情况: a form, its boxes one Tab apart
        window.tabs.setCurrentWidget(page)
        targets = _keyboard_targets(page)
        # Every button too (乡镇(&M) opens a menu of its own actions).
        targets += [(b.text(), _letter(b.text())) for b in page.findChildren(QPushButton)
                    if b.isVisibleTo(page) and b not in page.tab_actions]
        letters = [letter for _, letter in targets] + always
        assert len(letters) == len(set(letters)), (key, sorted(letters))


def test_alt_letters_reach_the_boxes_and_run_the_buttons(qtbot: QtBot, window: MainWindow,
                                                         answer: Any) -> None:
    seen = answer(lambda dialog: False)
    window.tabs.setCurrentWidget(window.institutions)
    _focus_table(qtbot, window)
    year = window.year
    for letter, box in ((Qt.Key.Key_S, window.institutions.search),
                        (Qt.Key.Key_L, window.institutions.type_filter),
                        (Qt.Key.Key_Y, window.year_box)):
        qtbot.keyClick(QApplication.focusWidget(), letter, Qt.KeyboardModifier.AltModifier)
        assert QApplication.focusWidget() is box
    assert window.year == year
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: bool(seen))  # a button's access key clicks it a moment later
    assert isinstance(seen[0], InstitutionDialog) and seen[0].windowTitle() == "新增机构"


def test_tab_and_shift_tab_leave_the_table(qtbot: QtBot, window: MainWindow) -> None:
    for page in (window.halls, window.institutions):
        window.tabs.setCurrentWidget(page)
        _focus_table(qtbot, window)
        at = page.view.currentIndex()
        qtbot.keyClick(page.view, Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is not page.view
        assert page.view.currentIndex() == at  # not moved to the next cell
        _focus_table(qtbot, window)
        qtbot.keyClick(page.view, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
        assert QApplication.focusWidget() is not page.view


def test_the_menu_key_offers_the_tabs_actions_then_copy_and_paste(
        qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    offered: list[list[str]] = []
    monkeypatch.setattr(dialogs, "exec_menu", lambda menu, _at: offered.append(
        [a.text() for a in menu.actions() if not a.isSeparator()]))
    for page in (window.institutions, window.activities, window.progress_tab, window.checks,
                 window.overview, window.tasks, window.review_tab):
        window.tabs.setCurrentWidget(page)
        _focus_table(qtbot, window)
        view = page.view
        rect = view.visualRect(view.currentIndex())
        QApplication.sendEvent(view, QContextMenuEvent(
            QContextMenuEvent.Reason.Keyboard, rect.center(), view.mapToGlobal(rect.center())))
        texts = offered[-1]
        assert texts[:len(page.tab_actions)] == [a.text() for a in page.tab_actions]
        assert texts[-4:] == ["复制\tCtrl+C", "复制（含表头）\tCtrl+Shift+C", "粘贴\tCtrl+V",
                              "清除内容\tDelete"]
    assert "停用(&T)…" in offered[0] and "新建模拟评审(&N)…" in offered[-1]


def test_shift_f10_opens_the_context_menu_as_the_menu_key_does(
        qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    """Many office laptops have no Menu key: Shift+F10 is the other way to it."""
    offered: list[list[str]] = []
    monkeypatch.setattr(dialogs, "exec_menu", lambda menu, _at: offered.append(
        [a.text() for a in menu.actions() if not a.isSeparator()]))
    window.tabs.setCurrentWidget(window.institutions)
    _focus_table(qtbot, window)
    qtbot.keyClick(window.institutions.view, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    assert offered and "停用(&T)…" in offered[0] and "粘贴\tCtrl+V" in offered[0]


def test_the_dialogs_of_the_tabs_buttons_have_access_letters(window: MainWindow,
                                                             answer: Any) -> None:
    """佐证材料's 打开 / 重命名 / 删除 / 添加, 最近删除's 恢复所选机构, 编辑阶段's buttons, 转到该机构
    and 目标设置's had none: each now has its own letter in its dialog."""
    seen: list[Any] = answer(lambda dialog: False)
    window.tabs.setCurrentWidget(window.overview)
    window.overview.view.setCurrentIndex(window.overview.proxy.index(0, 0))
    window.overview.evidence()
    window.overview.failing_requested.emit("B1")
    window.tabs.setCurrentWidget(window.institutions)
    window.institutions.show_deleted()
    window.tabs.setCurrentWidget(window.tasks)
    window.tasks.edit_phases()
    window.edit_profiles()
    titles = [d.windowTitle() for d in seen]
    assert len(seen) == 5, titles
    def standard(button: QPushButton) -> bool:  # 确定 / 取消 / 关闭: Enter and Esc
        box = button.parent()
        return isinstance(box, QDialogButtonBox) and \
            box.standardButton(button) != QDialogButtonBox.StandardButton.NoButton

    for dialog in seen:
        words = [b.text() for b in dialog.findChildren(QPushButton)
                 if b.text() and not standard(b)]
        letters = [_letter(w) for w in words]
        assert len(letters) == len(set(letters)), (dialog.windowTitle(), words)
    menu = window.institutions.findChild(QPushButton, "button_乡镇").menu()
    assert [_letter(a.text()) for a in menu.actions()] == ["A", "B"]


def _letters(dialog: Any) -> dict[str, Any]:
    """Each field of a dialog's form by its label's access letter."""
    from PySide6.QtWidgets import QFormLayout

    found: dict[str, Any] = {}
    for form in dialog.findChildren(QFormLayout):
        for row in range(form.rowCount()):
            label = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            field = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            widget = field.widget() if field is not None else None
            if label is None or widget is None or isinstance(widget, QLabel) \
                    or getattr(widget, "isReadOnly", lambda: False)():
                continue  # words or a preview, nothing to type into
            text = label.widget().text()
            assert "(&" in text and text.endswith("："), text
            assert label.widget().buddy() is widget, text
            letter = text.split("(&")[1][0]
            assert letter not in found, f"{letter} twice in {dialog.windowTitle()}"
            found[letter] = field.widget()
    return found


def test_every_field_of_the_edit_dialogs_has_its_letter(qtbot: QtBot, window: MainWindow) -> None:
    """As in 文件 → 打开's dialog: Alt+letter puts the cursor in the field its label names."""
    from desktop.review_actions import NewReviewDialog
    from desktop.tabs.activities import ActivityDialog
    from desktop.tabs.tasks import TaskDialog
    from desktop.township_actions import MergerDialog, MoveDialog
    from reports.judge import review as rv

    county = window.county
    inst = county.query("SELECT * FROM institution WHERE type = 'township_hc' LIMIT 1")[0]
    made = [InstitutionDialog(county, None, window), InstitutionDialog(county, inst, window),
            ActivityDialog(county, window.year, None, window), TaskDialog(["启动阶段"], window),
            MoveDialog(county, [inst], window.year, window),
            MergerDialog(county, inst, window.year, window),
            NewReviewDialog(window, rv.Rule(1, 2, 3), 7, "模拟评审")]
    for dialog in made:
        qtbot.addWidget(dialog)
        letters = _letters(dialog)
        assert len(letters) >= 2, dialog.windowTitle()
    activity = _letters(made[2])
    made[2].show()
    qtbot.waitExposed(made[2])
    made[2].activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is made[2])
    activity["D"].setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is activity["N"])  # 活动名称
    task = made[3]
    assert task.text.tabChangesFocus()  # Tab leaves 任务内容 for 牵头单位


def test_an_activity_edited_keeps_its_blank_people(window: MainWindow, answer: Any) -> None:
    """参与人数 not known stays blank when the activity is edited for its name, and a new
    activity starts blank: the box never turns 未填 into 0."""
    from desktop.tabs.activities import ActivityDialog

    county = window.county
    row = county.query("SELECT * FROM activity WHERE deleted = 0 LIMIT 1")[0]
    county.update("activity", row["id"], {"people": None})
    dialog = ActivityDialog(county, window.year, county.get("activity", row["id"]), window)
    assert dialog.people.text() == "（未填）"
    dialog.title.setText(row["title"] + "（改）")
    assert dialog.values()["people"] is None
    dialog.people.setValue(0)
    assert dialog.values()["people"] == 0  # nobody came: said, not guessed
    new = ActivityDialog(county, window.year, None, window)
    assert new.values()["people"] is None
    new.people.setValue(40)
    assert new.values()["people"] == 40


# ---- Enter on a row that leads somewhere, and the search box --------------------------------

def _on_row(tab: TableTab, test: Any) -> Any:
    """Make the first row passing `test` current (on its second column): its record."""
    for r in range(tab.proxy.rowCount()):
        row = tab.proxy.index(r, 0).data(ROW_ROLE)
        if test(row):
            tab.view.setCurrentIndex(tab.proxy.index(r, 1))
            return row
    raise AssertionError("no such row")


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Enter])
def test_enter_on_a_progress_row_goes_where_the_double_click_goes(
        qtbot: QtBot, window: MainWindow, key: Qt.Key) -> None:
    """填报进度 says "双击或按回车": Enter went down a row instead of to the part missing."""
    county = window.county
    unreported = county.query("SELECT institution_id FROM institution_year WHERE year = ? "
                              "AND physicians IS NOT NULL LIMIT 1", (window.year,))[0]
    county.set_institution_year(unreported["institution_id"], window.year, {
        "physicians": None, "tcm_physicians": None, "other_tcm_staff": None})  # staff not in
    window.reload_years()
    tab = window.page("progress")
    window.tabs.setCurrentWidget(tab)
    row = _on_row(tab, lambda r: r["first_missing"] == "staff")
    assert row["id"] == unreported["institution_id"]
    qtbot.keyClick(tab.view, key)
    assert tab.view.currentIndex().data(ROW_ROLE)["id"] == row["id"]  # not a row down
    assert window.tabs.currentWidget() is window.personnel
    assert window.personnel.selected_row()["id"] == row["id"]
    current = window.personnel.view.currentIndex()
    assert window.personnel.model.columns[current.column()].key == "physicians"
    assert "双击机构或按回车" in tab.summary.text()  # and the heading says so


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Enter])
def test_enter_on_a_finding_goes_to_the_institution_to_correct(
        qtbot: QtBot, window: MainWindow, key: Qt.Key) -> None:
    tab = window.page("checks")
    window.tabs.setCurrentWidget(tab)
    row = _on_row(tab, lambda r: r["kind"] in ("visits", "physicians", "tcm_visits"))
    qtbot.keyClick(tab.view, key)
    assert tab.view.currentIndex().data(ROW_ROLE)["id"] == row["id"]  # not a row down
    page = window.tabs.currentWidget()
    assert page is not tab and page.selected_row()["id"] == row["institution_id"]
    assert "双击或按回车转到该机构修改" in tab.summary.text()


@pytest.mark.parametrize("key", [Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter])
def test_down_or_enter_in_the_search_box_goes_to_what_was_found(
        qtbot: QtBot, window: MainWindow, key: Qt.Key) -> None:
    """Alt+S, a name, then Down or Enter: the keyboard on the first row found (it did nothing,
    and Tab took five presses to reach the table)."""
    tab = window.institutions
    window.tabs.setCurrentWidget(tab)
    _focus_table(qtbot, window)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is tab.search
    tab.search.setText("沈铺")  # typed (QTest types Latin-1 only)
    assert not tab.view.currentIndex().isValid()  # the row it was on is not found
    qtbot.keyClick(tab.search, key)
    assert QApplication.focusWidget() is tab.view
    assert tab.view.currentIndex() == tab.proxy.index(0, 0)
    assert "沈铺" in tab.selected_row()["name"]
    assert tab.view.selectionModel().isSelected(tab.proxy.index(0, 0))


def test_from_the_search_box_the_row_the_clerk_was_on_stays_current(
        qtbot: QtBot, window: MainWindow) -> None:
    tab = window.institutions
    window.tabs.setCurrentWidget(tab)
    _focus_table(qtbot, window)
    kept = _on_row(tab, lambda r: "卫生院" in r["name"] and tab.proxy.index(0, 0).data(ROW_ROLE)
                   ["id"] != r["id"])
    tab.search.setFocus()
    tab.search.setText("卫生院")
    assert tab.proxy.rowCount() > 1
    qtbot.keyClick(tab.search, Qt.Key.Key_Down)
    assert QApplication.focusWidget() is tab.view
    assert tab.selected_row()["id"] == kept["id"]
    # Nothing found: the keyboard stays in the box, to type again; no other row stood in for
    # the clerk's meanwhile, and it is current again once shown.
    tab.search.setFocus()
    tab.search.setText("无此机构")
    qtbot.keyClick(tab.search, Qt.Key.Key_Down)
    assert QApplication.focusWidget() is tab.search
    tab.search.setText("沈铺")
    assert tab.selected_row() is None
    tab.search.clear()
    qtbot.keyClick(tab.search, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is tab.view
    assert tab.selected_row()["id"] == kept["id"]


def test_a_new_task_starts_at_its_first_field(qtbot: QtBot, window: MainWindow) -> None:
    """新增任务 opens with the cursor in 任务类别, the first field, not in 完成时限."""
    from desktop.tabs.tasks import TaskDialog

    dialog = TaskDialog(["启动阶段"], window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    assert QApplication.focusWidget() is dialog.category


def test_a_search_that_leaves_no_row_says_so_and_esc_gives_the_table_back(
        qtbot: QtBot, window: MainWindow) -> None:
    """Tab from a cell lands in 搜索; "15" typed there (meant for the cell) hides every row. The
    tab says why the table is empty, and Esc clears the search and returns to the table, on the
    row the clerk was on."""
    tab = window.personnel
    window.tabs.setCurrentWidget(tab)
    _focus_table(qtbot, window)
    kept = _on_row(tab, lambda r: True)
    rows = tab.proxy.rowCount()
    qtbot.keyClick(tab.view, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is tab.search
    qtbot.keyClicks(tab.search, "15")
    assert tab.proxy.rowCount() == 0
    assert tab.nothing_found.isVisible()
    assert tab.nothing_found.text() == "没有与“15”匹配的行（按 Esc 清除搜索）"
    qtbot.keyClick(tab.search, Qt.Key.Key_Escape)
    assert tab.search.text() == "" and tab.proxy.rowCount() == rows
    assert not tab.nothing_found.isVisible()
    assert QApplication.focusWidget() is tab.view and tab.selected_row()["id"] == kept["id"]
    # A search that finds rows says nothing; Esc in an empty box goes back to the table too.
    tab.search.setFocus()
    tab.search.setText(kept["name"])
    assert tab.proxy.rowCount() >= 1 and not tab.nothing_found.isVisible()
    tab.search.clear()
    qtbot.keyClick(tab.search, Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is tab.view
