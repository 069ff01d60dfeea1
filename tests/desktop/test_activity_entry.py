"""新增活动 / 编辑活动 as a clerk enters a township's log: a date after today refused as an import
refuses it, a date in another year said where it went, a second copy asked about first, the
institution kept from one activity to the next; 删除 names what goes, 添加佐证 offers the types
the program opens."""

from __future__ import annotations

import datetime as _dt
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from db.fields import activity_after_today
from desktop import dialogs
from desktop.evidence import SAFE_TO_OPEN, EvidenceDialog
from desktop.forms import show_refusal
from desktop.main_window import MainWindow
from desktop.models import ROW_ROLE
from desktop.tabs.activities import ONCE, ActivityDialog
from tests.desktop.conftest import type_keys

TITLE = "冬季养生讲座"


def _tab(window: MainWindow) -> Any:
    window.tabs.setCurrentWidget(window.activities)
    return window.activities


def _run(window: MainWindow, qtbot: QtBot, answer: Any, *fills: Any,
         edit: bool = False) -> list[Any]:
    """新增活动 (or 编辑活动 on the selected row), each showing of the dialog answered by the
    next of `fills`."""
    tab = _tab(window)
    left = list(fills)

    def fill(dialog: ActivityDialog) -> bool:
        dialog.show()
        qtbot.waitExposed(dialog)
        accepted = left.pop(0)(dialog)
        dialog.hide()
        return accepted
    seen = answer(fill)
    tab.edit() if edit else tab.add()
    assert not left, "the dialog was shown fewer times than expected"
    return seen


def _titled(window: MainWindow, title: str = TITLE) -> list[dict[str, Any]]:
    assert window.county is not None
    return window.county.rows("activity", "title = ? AND deleted = 0", (title,))


def _refusal(dialog: ActivityDialog) -> QLabel:
    label = dialog.findChild(QLabel, "refusal")
    assert label is not None
    return label


def _shown_titles(window: MainWindow) -> list[str]:
    tab = window.activities
    return [tab.proxy.index(r, 0).data(ROW_ROLE)["title"] for r in range(tab.proxy.rowCount())]


# ---- a date after today ----------------------------------------------------------------------

def test_a_date_after_today_is_refused_as_an_import_refuses_it_and_kept_to_correct(
        window: MainWindow, qtbot: QtBot, answer: Any) -> None:
    """2027/1/5 typed for 2024 was saved to a year the window does not list: the record could
    never be seen or deleted. The dialog stays open with the importer's sentence, the date as
    typed and the cursor on it."""
    tomorrow = _dt.date.today() + _dt.timedelta(days=1)
    typed = f"{tomorrow.year}/{tomorrow.month}/{tomorrow.day}"

    def late(dialog: ActivityDialog) -> bool:
        dialog.date.selectAll()
        type_keys(qtbot, dialog.date, typed)
        dialog.title.setText(TITLE)
        return True

    def refused(dialog: ActivityDialog) -> bool:
        text = _refusal(dialog).text()
        # The importer's words (db.fields.activity_after_today): the field, the date, why.
        assert text == f"未保存：{activity_after_today(tomorrow.isoformat())}"
        assert text == (f"未保存：活动日期 {tomorrow.isoformat()} 晚于今天"
                        f"（{_dt.date.today().isoformat()}），不可能已经举办")
        assert _refusal(dialog).isVisible()
        assert dialog.date.text() == typed  # kept as typed, to be corrected
        assert dialog.focusWidget() is dialog.date
        assert not _titled(window)
        dialog.date.setText("2024-11-15")
        return True
    seen = _run(window, qtbot, answer, late, refused)
    assert seen[0] is seen[1]  # the same dialog, open again
    assert [r["date"] for r in _titled(window)] == ["2024-11-15"]
    assert window.activities.selected_row()["title"] == TITLE


def test_an_activity_edited_to_a_date_after_today_is_refused(
        window: MainWindow, qtbot: QtBot, answer: Any) -> None:
    tab = _tab(window)
    tab.view.setCurrentIndex(tab.proxy.index(0, 0))
    record = tab.selected_row()
    tomorrow = (_dt.date.today() + _dt.timedelta(days=1)).isoformat()

    def late(dialog: ActivityDialog) -> bool:
        dialog.date.setText(tomorrow)
        return True

    def refused(dialog: ActivityDialog) -> bool:
        assert "晚于今天" in _refusal(dialog).text()
        return False  # 取消
    _run(window, qtbot, answer, late, refused, edit=True)
    assert window.county.get("activity", record["id"])["date"] == record["date"]


def test_an_activity_already_dated_ahead_can_still_be_edited_for_its_title(
        window: MainWindow) -> None:
    """A record the file holds (a township PC whose clock ran ahead) is not refused for a date
    the clerk did not type: its title can be corrected."""
    county = window.county
    tomorrow = (_dt.date.today() + _dt.timedelta(days=1)).isoformat()
    row = county.query("SELECT * FROM activity WHERE deleted = 0 LIMIT 1")[0]
    county.update("activity", row["id"], {"date": tomorrow})
    dialog = ActivityDialog(county, window.year, county.get("activity", row["id"]), window)
    dialog.title.setText("改过的名称")
    assert dialog.values()["date"] == tomorrow


def test_a_date_pasted_into_the_log_is_refused_and_nothing_lands(
        window: MainWindow) -> None:
    """The log's cells are not typed into (Enter opens 编辑活动): a date pasted from Excel is
    refused whole, the file unchanged."""
    tab = _tab(window)
    date = tab.model.column_index("date")
    index = tab.proxy.index(0, date)
    tab.view.setCurrentIndex(index)
    record = index.data(ROW_ROLE)
    tomorrow = (_dt.date.today() + _dt.timedelta(days=1)).isoformat()
    QApplication.clipboard().setText(tomorrow)
    tab.paste()
    assert "未粘贴" in tab.message.text() and "不能在表中修改" in tab.message.text()
    assert window.county.get("activity", record["id"])["date"] == record["date"]


# ---- a date in another year ------------------------------------------------------------------

def test_an_activity_of_another_year_says_where_it_was_saved(
        window: MainWindow, qtbot: QtBot, answer: Any) -> None:
    """2023/12/30 entered while 2024 is shown: saved (last December's activity entered in
    January is normal), and the tab says which year holds it and how to see it."""
    assert window.year == 2024

    def fill(dialog: ActivityDialog) -> bool:
        dialog.date.setText("2023/12/30")
        dialog.title.setText(TITLE)
        return True
    _run(window, qtbot, answer, fill)
    assert [r["date"] for r in _titled(window)] == ["2023-12-30"]
    said = "已保存到 2023 年度（当前显示 2024 年；在“年度”中选 2023 年可以看到）"
    note = window.activities.findChild(QLabel, "saved_note")
    assert not note.isHidden() and note.text() == said
    assert window.statusBar().currentMessage() == said
    assert TITLE not in _shown_titles(window)
    window.show_year(2023, "activities")
    assert TITLE in _shown_titles(window)
    assert note.isHidden()  # said once; the list now shows it


def test_an_activity_of_the_year_shown_says_nothing_more(
        window: MainWindow, qtbot: QtBot, answer: Any) -> None:
    def fill(dialog: ActivityDialog) -> bool:
        dialog.date.setText("2024-03-05")
        dialog.title.setText(TITLE)
        return True
    _run(window, qtbot, answer, fill)
    assert window.activities.findChild(QLabel, "saved_note").isHidden()
    assert window.activities.selected_row()["title"] == TITLE


def test_a_year_the_list_did_not_offer_is_offered_after_the_save(
        window: MainWindow, qtbot: QtBot, answer: Any) -> None:
    """The file holds 2022–2024: an activity of 2019 is saved, the year list then offers 2019
    (the year shown stays 2024), and there it is."""
    assert window.year_box.findData(2019) < 0

    def fill(dialog: ActivityDialog) -> bool:
        dialog.date.setText("2019-05-04")
        dialog.title.setText(TITLE)
        return True
    _run(window, qtbot, answer, fill)
    assert window.year == 2024
    assert window.year_box.findData(2019) >= 0
    assert window.activities.findChild(QLabel, "saved_note").text().startswith(
        "已保存到 2019 年度（当前显示 2024 年")
    window.show_year(2019, "activities")
    assert _shown_titles(window) == [TITLE]


def test_an_activity_edited_into_another_year_says_where_it_went(
        window: MainWindow, qtbot: QtBot, answer: Any) -> None:
    tab = _tab(window)
    tab.view.setCurrentIndex(tab.proxy.index(0, 0))
    record = tab.selected_row()

    def move(dialog: ActivityDialog) -> bool:
        dialog.date.setText("2023-12-30")
        return True
    _run(window, qtbot, answer, move, edit=True)
    assert window.county.get("activity", record["id"])["date"] == "2023-12-30"
    assert window.activities.findChild(QLabel, "saved_note").text() == (
        "已保存到 2023 年度（当前显示 2024 年；在“年度”中选 2023 年可以看到）")
    assert record["id"] not in {r["id"] for r in tab.model.rows}


# ---- the same activity twice -------------------------------------------------------------------

def _existing(window: MainWindow) -> dict[str, Any]:
    assert window.county is not None
    return window.county.query(
        """SELECT a.*, i.name AS institution FROM activity a JOIN institution i
           ON i.id = a.institution_id WHERE a.deleted = 0 AND a.date LIKE '2024-%'
           ORDER BY a.date LIMIT 1""")[0]


def _copy_of(old: dict[str, Any], title: str | None = None) -> Any:
    def fill(dialog: ActivityDialog) -> bool:
        dialog.institution.setCurrentIndex(dialog.institution.findData(old["institution_id"]))
        dialog.date.setText(old["date"])
        dialog.kind.setCurrentText(old["kind"])
        dialog.title.setText(f" {old['title']} " if title is None else title)  # spaces: one title
        return True
    return fill


def test_a_second_copy_of_an_activity_is_asked_about_and_not_saved_by_default(
        window: MainWindow, qtbot: QtBot, answer: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    old = _existing(window)
    asked: list[tuple[str, ...]] = []

    def no(_parent: Any, *words: str) -> bool:
        asked.append(words)
        return False  # the default: 不保存
    monkeypatch.setattr(dialogs, "choose", no)

    def refused(dialog: ActivityDialog) -> bool:
        assert "已有同类型、同名称的活动" in _refusal(dialog).text()
        assert dialog.title.text().strip() == old["title"]  # kept as typed
        return False  # 取消
    before = len(_titled(window, old["title"]))
    _run(window, qtbot, answer, _copy_of(old), refused)
    title, text, go, stay = asked[0]
    assert (title, go, stay) == ("重复录入", "仍然保存", "不保存")  # stay is the default button
    assert old["institution"] in text and old["date"] in text and old["title"] in text
    assert "按一次计" in text
    assert len(_titled(window, old["title"])) == before


def test_a_second_copy_saved_anyway_is_marked_counted_once(
        window: MainWindow, qtbot: QtBot, answer: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    old = _existing(window)
    asked: list[str] = []
    monkeypatch.setattr(dialogs, "choose", lambda _p, _t, text, *_a: asked.append(text) or True)
    _run(window, qtbot, answer, _copy_of(old))
    assert len(asked) == 1
    tab = window.activities
    copies = [r for r in tab.model.rows if r["institution_id"] == old["institution_id"]
              and r["date"] == old["date"] and r["kind"] == old["kind"]]
    assert len(copies) == 2 and {r["counted"] for r in copies} == {ONCE}


def test_another_title_on_the_same_day_is_not_asked_about(
        window: MainWindow, qtbot: QtBot, answer: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    old = _existing(window)
    asked: list[str] = []
    monkeypatch.setattr(dialogs, "choose", lambda *a: asked.append(a[2]) or True)
    _run(window, qtbot, answer, _copy_of(old, old["title"] + "（二）"))
    assert not asked
    assert _titled(window, old["title"] + "（二）")


def test_an_activity_edited_into_a_copy_of_another_is_asked_about(
        window: MainWindow, qtbot: QtBot, answer: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    old = _existing(window)
    tab = _tab(window)
    other = next(r for r in range(tab.proxy.rowCount())
                 if tab.proxy.index(r, 0).data(ROW_ROLE)["id"] != old["id"])
    tab.view.setCurrentIndex(tab.proxy.index(other, 0))
    record = tab.selected_row()
    asked: list[str] = []
    monkeypatch.setattr(dialogs, "choose", lambda *a: asked.append(a[2]) or False)

    def refused(dialog: ActivityDialog) -> bool:
        assert "已有同类型、同名称的活动" in _refusal(dialog).text()
        return False
    _run(window, qtbot, answer, _copy_of(old), refused, edit=True)
    assert len(asked) == 1
    assert window.county.get("activity", record["id"])["title"] == record["title"]


# ---- the institution from one 新增 to the next --------------------------------------------------

def test_a_new_activity_starts_at_the_institution_of_the_last_one_added(
        window: MainWindow, qtbot: QtBot, answer: Any) -> None:
    tab = _tab(window)
    tab.view.clearSelection()
    tab.view.selectionModel().clearCurrentIndex()
    first = ActivityDialog(window.county, window.year, None, window)
    town = first.institution.itemData(5)
    starts: list[str] = []

    def fill(dialog: ActivityDialog) -> bool:
        starts.append(dialog.institution.currentData())
        dialog.institution.setCurrentIndex(dialog.institution.findData(town))
        dialog.date.setText("2024-06-01")
        dialog.title.setText(f"{TITLE}{len(starts)}")
        return True
    _run(window, qtbot, answer, fill)
    _run(window, qtbot, answer, fill)
    assert starts == [first.institution.itemData(0), town]


def test_a_new_activity_starts_at_the_institution_of_the_selected_row(
        window: MainWindow, qtbot: QtBot, answer: Any) -> None:
    tab = _tab(window)
    row = next(r for r in range(tab.proxy.rowCount())
               if tab.proxy.index(r, 0).data(ROW_ROLE)["institution"] != "青河县中医医院")
    tab.view.setCurrentIndex(tab.proxy.index(row, 0))
    chosen = tab.selected_row()["institution_id"]
    starts: list[str] = []
    _run(window, qtbot, answer, lambda d: starts.append(d.institution.currentData()) or False)
    assert starts == [chosen]


def test_the_row_current_only_as_the_table_takes_the_keyboard_does_not_choose(
        window: MainWindow, qtbot: QtBot, answer: Any) -> None:
    """Qt makes the first row's cell current (a frame, not selected) when the log takes the
    keyboard: the clerk chose no institution, and 新增活动 starts at the first as before."""
    tab = _tab(window)
    tab.view.clearSelection()
    tab.view.selectionModel().setCurrentIndex(tab.proxy.index(0, 0),
                                              QItemSelectionModel.SelectionFlag.NoUpdate)
    assert tab.proxy.index(0, 0).data(ROW_ROLE)["institution"] != "青河县中医医院"
    starts: list[str] = []
    _run(window, qtbot, answer, lambda d: starts.append(d.institution.currentText()) or False)
    assert starts == ["青河县中医医院"]


# ---- 删除 and 添加佐证 ------------------------------------------------------------------------

def test_deleting_an_activity_names_its_institution(
        window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    tab = _tab(window)
    tab.view.setCurrentIndex(tab.proxy.index(0, 0))
    row = tab.selected_row()
    asked: list[str] = []
    monkeypatch.setattr(dialogs, "confirm", lambda _p, _t, text: asked.append(text) or False)
    tab.delete()
    assert asked == [f"确定删除 {row['institution']} {row['date']} 的活动“{row['title']}”吗？"]
    assert not window.county.get("activity", row["id"])["deleted"]


def _patterns(filters: str) -> set[str]:
    first = filters.split(";;")[0]
    return set(first[first.index("(") + 1:first.index(")")].split())


def test_the_evidence_picker_offers_every_type_the_program_opens(
        window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    """.wps, .ofd, .xls(x), .tif(f) … were left out of 添加佐证's filter; it now lists exactly
    the documents and images 佐证材料 opens (desktop.evidence), then 所有文件."""
    tab = _tab(window)
    tab.view.setCurrentIndex(tab.proxy.index(0, 0))
    offered: list[str] = []
    monkeypatch.setattr(dialogs, "open_file_names",
                        lambda _p, _t, filters: offered.append(filters) or [])
    tab.attach()
    dialog = EvidenceDialog(window.county, "活动", {"owner_table": "activity",
                                                  "owner_id": tab.selected_row()["id"],
                                                  "year": 2024}, window)
    dialog.add()
    window.tabs.setCurrentWidget(window.tasks)
    window.tasks.view.setCurrentIndex(window.tasks.proxy.index(0, 0))
    window.tasks.attach()
    assert len(offered) == 3
    for filters in offered:
        assert _patterns(filters) == {f"*.{t}" for t in SAFE_TO_OPEN}
        assert {"*.wps", "*.ofd", "*.xlsx", "*.tif", "*.tiff"} <= _patterns(filters)
        assert filters.endswith(";;所有文件 (*)")


def test_a_long_reason_never_squeezes_the_fields(window: MainWindow, qtbot: QtBot) -> None:
    """Seen at 1366×768: a dialog widened to show its title kept its height when a three-line
    reason came, and 参与人数 was cut to half its height. The dialog grows instead."""
    dialog = ActivityDialog(window.county, window.year, None, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.resize(dialog.width() + 60, dialog.height())  # as the title's width asks (screen.py)
    dialog.hide()
    show_refusal(dialog, "平场镇卫生院 2024-12-29 已有同类型、同名称的活动“中医养生大讲堂”"
                         "（重复录入按一次计）。请改正日期或名称，或点“取消”。")
    dialog.show()
    qtbot.waitExposed(dialog)
    for field in (dialog.date, dialog.institution, dialog.title, dialog.people):
        assert field.height() >= field.sizeHint().height()
    assert _refusal(dialog).height() >= _refusal(dialog).heightForWidth(_refusal(dialog).width())
