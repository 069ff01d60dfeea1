"""The 模拟评审 tab driven as a clerk would: draw a sample with a seed, key in findings, see the
score and the differences; swap an institution; write the checklists."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop import dialogs
from desktop.main_window import MainWindow
from desktop.review_actions import NewReviewDialog
from reports.judge import review as rv


def _new_review(window: MainWindow, answer: Callable, seed: int) -> NewReviewDialog:
    def fill(dialog: Any) -> bool:
        assert isinstance(dialog, NewReviewDialog)
        dialog.seed.setValue(seed)
        dialog.sizes[2].setValue(3)
        return True
    seen = answer(fill)
    window.tabs.setCurrentWidget(window.review_tab)
    window.review_tab.buttons["new"].trigger()
    return seen[-1]


def test_a_review_is_drawn_keyed_in_and_scored(window: MainWindow, qtbot: QtBot,
                                               answer: Callable) -> None:
    tab = window.review_tab
    _new_review(window, answer, 4242)
    assert "抽签号 <b>4242</b>" in tab.summary.text()
    county = window.county
    assert county is not None
    rid = rv.latest(county, window.year)
    sample = rv.load(county, rid).sample
    assert len([i for i in sample if i["type"] in rv.STATION_TYPES]) == 3
    # The same seed and sizes give the same draw outside the window (review-sample --seed).
    again = rv.draw(county.institutions_in_year(window.year), rv.load(county, rid).rule, 4242)
    assert [i["id"] for i in again] == [i["id"] for i in sample]

    # Keyboard entry: 1 = 符合 and the cursor moves on, 2 = 不符合.
    tab.view.setFocus()
    tab.view.setCurrentIndex(tab.proxy.index(0, tab.model.column_index("verdict")))
    qtbot.keyClick(tab.view, Qt.Key.Key_1)
    qtbot.keyClick(tab.view, Qt.Key.Key_2)
    assert tab.view.currentIndex().row() == 2
    first, second = tab.model.rows[0], tab.model.rows[1]
    stored = rv.load(county, rid).findings
    assert stored[(first["inst_id"], first["item_id"])]["verdict"] == rv.AGREE
    assert stored[(second["inst_id"], second["item_id"])]["verdict"] == rv.DISAGREE
    qtbot.waitUntil(lambda: "已核查 2/" in tab.summary.text())
    # Two findings of many are no result: coverage, and no score until the last is in.
    assert "模拟评审得分" not in tab.summary.text().replace("现场结论录完后显示模拟评审得分", "")
    for row in tab.model.rows[2:]:
        rv.set_finding(county, rid, row["inst_id"], row["item_id"], rv.AGREE, "")
    tab.show_score()
    assert "模拟评审得分（按抽查口径）" in tab.summary.text() and "同期按台账" in tab.summary.text()
    if second["book_verdict"] == rv.AGREE:
        assert tab.model.index(1, tab.model.column_index("differs")).data() == "不一致"


def test_a_hand_swap_and_the_checklist_from_the_window(window: MainWindow, qtbot: QtBot,
                                                      answer: Callable, tmp_path: Path,
                                                      monkeypatch: Any) -> None:
    tab = window.review_tab
    _new_review(window, answer, 7)
    clinic_row = next(r for r, row in enumerate(tab.model.rows) if row["item_id"] in ("B3", "B2"))
    tab.view.setCurrentIndex(tab.proxy.index(clinic_row, 0))
    out_name = tab.model.rows[clinic_row]["name"]
    monkeypatch.setattr(dialogs, "ask_item", lambda parent, title, label, items: items[0])
    monkeypatch.setattr(dialogs, "ask_text", lambda parent, title, label: "该村卫生室当天停诊")
    tab.buttons["swap"].trigger()
    names = {row["name"] for row in tab.model.rows}
    assert out_name not in names
    assert any(f"原抽中{out_name}" in n for n in names)

    out = tmp_path / "核查表.pdf"
    monkeypatch.setattr(dialogs, "save_file_name", lambda *a: str(out))
    monkeypatch.setattr(dialogs, "confirm", lambda *a: False)
    tab.buttons["checklist"].trigger()
    qtbot.waitUntil(out.exists, timeout=20000)
    assert out.read_bytes().startswith(b"%PDF")


def test_findings_undo_redo_and_paste_as_every_table(window: MainWindow, qtbot: QtBot,
                                                     answer: Callable) -> None:
    """Keyed findings are steps of 撤销/重做 (the note typed later stays); a block of 符合/不符合
    pasted from Excel lands whole; the year is not judged again for a finding."""
    from PySide6.QtGui import QGuiApplication

    tab = window.review_tab
    _new_review(window, answer, 4242)
    county = window.county
    assert county is not None
    rid = tab.review_id
    verdict, note = tab.model.column_index("verdict"), tab.model.column_index("note")
    first = tab.model.rows[0]
    key = (first["inst_id"], first["item_id"])
    tab.view.setFocus()
    tab.view.setCurrentIndex(tab.proxy.index(0, verdict))
    qtbot.keyClick(tab.view, Qt.Key.Key_2)
    assert tab.proxy.setData(tab.proxy.index(0, note), "门诊在装修")
    judged = window.ctx
    assert window.history.undo()  # the note
    assert window.history.undo()  # the verdict
    assert rv.load(county, rid).findings.get(key, {}).get("verdict") is None
    assert window.history.redo()
    found = rv.load(county, rid).findings[key]
    assert (found["verdict"], found["note"]) == (rv.DISAGREE, None)
    assert window.history.redo()
    assert rv.load(county, rid).findings[key]["note"] == "门诊在装修"

    tab.view.setCurrentIndex(tab.proxy.index(1, verdict))
    QGuiApplication.clipboard().setText("符合\r\n不符合\r\n符合\r\n")
    tab.paste()
    stored = rv.load(county, rid).findings
    assert [stored[(r["inst_id"], r["item_id"])]["verdict"] for r in tab.model.rows[1:4]] == \
        [rv.AGREE, rv.DISAGREE, rv.AGREE]
    assert window.ctx is judged  # findings score the review, not the year's books
    qtbot.waitUntil(lambda: "已核查 4/" in tab.summary.text())


def test_a_township_file_shows_no_review_score(window: MainWindow, answer: Callable,
                                                tmp_path: Path) -> None:
    from db import exchange  # only this test needs a township's file
    assert window.county is not None
    _new_review(window, answer, 4242)  # drawn by the bureau, in the county's file
    town_file = exchange.write_township_file(window.county, "太溪镇", tmp_path / "太溪镇.tcmcounty")
    assert window.open_path(town_file)
    window.tabs.setCurrentWidget(window.review_tab)
    # The township enters its findings; drawing and swapping are the bureau's.
    buttons = window.review_tab.buttons
    assert not buttons["new"].isEnabled() and not buttons["swap"].isEnabled()
    assert "县卫生健康局抽取" in buttons["new"].toolTip()
    assert buttons["export"].isEnabled()
    text = window.review_tab.summary.text()
    assert "抽签号 <b>4242</b>" in text
    assert "模拟评审在县里计分" in text and "此处不显示得分" in text
    assert "模拟评审得分" not in text and "按台账" not in text and "通过" not in text


_REAL_CHOOSE = dialogs.choose  # the fixture in conftest answers it; these tests press its keys


def _keyed(window: MainWindow, rid: str, inst_id: str, n: int) -> None:
    county = window.county
    assert county is not None
    rows = [r for r in window.review_tab.model.rows if r["inst_id"] == inst_id][:n]
    assert len(rows) == n
    for row in rows:
        rv.set_finding(county, rid, inst_id, row["item_id"], rv.DISAGREE, "")


def test_a_swap_says_what_it_would_clear_and_enter_keeps_it(window: MainWindow, qtbot: QtBot,
                                                           answer: Callable,
                                                           monkeypatch: Any) -> None:
    """An institution with findings entered: the swap says how many would be cleared, and the
    default button (Enter) is 取消, which keeps them and the sample as it was."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    tab = window.review_tab
    _new_review(window, answer, 7)
    county = window.county
    assert county is not None
    rid = tab.review_id
    assert rid is not None
    clinic = next(r for r in tab.model.rows if r["type"] == "村卫生室")
    _keyed(window, rid, clinic["inst_id"], 2)
    tab.refresh(tab.ctx)
    tab.view.setCurrentIndex(tab.proxy.index(
        next(k for k, r in enumerate(tab.model.rows) if r["inst_id"] == clinic["inst_id"]), 0))
    monkeypatch.setattr(dialogs, "choose", _REAL_CHOOSE)
    asked: list[str] = []
    monkeypatch.setattr(dialogs, "ask_item", lambda *a: asked.append("item") or None)
    seen: list[str] = []

    def press_enter() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append(box.text())
        seen.append(box.defaultButton().text())
        qtbot.keyClick(box, Qt.Key.Key_Return)
    QTimer.singleShot(0, press_enter)
    tab.buttons["swap"].trigger()
    assert "已录入 2 项核查结果，调换后将清除" in seen[0] and seen[1] == "取消"
    assert not asked  # nothing swapped, nothing asked
    r = rv.load(county, rid)
    assert clinic["inst_id"] in {i["id"] for i in r.sample}
    assert len([k for k in r.findings if k[0] == clinic["inst_id"]]) == 2

    # Chosen after all: the swap goes through and the findings go with the institution.
    monkeypatch.setattr(dialogs, "choose", lambda *a: True)
    offered: list[list[str]] = []
    monkeypatch.setattr(dialogs, "ask_item",
                        lambda parent, title, label, items: offered.append(items) or items[0])
    monkeypatch.setattr(dialogs, "ask_text", lambda parent, title, label: "当天停诊")
    tab.buttons["swap"].trigger()
    r = rv.load(county, rid)
    assert clinic["inst_id"] not in {i["id"] for i in r.sample}
    assert not [k for k in r.findings if k[0] == clinic["inst_id"]]
    assert rv.entered_at(county, rid, clinic["inst_id"]) == (0, 0)
    # A village clinic is offered village clinics first, then the stations it was drawn with.
    kinds = ["村卫生室" if item.endswith("（村卫生室）") else "other" for item in offered[0]]
    assert kinds[0] == "村卫生室" and kinds == sorted(kinds, key=lambda k: k != "村卫生室")
    assert "other" in kinds


def test_the_headline_wraps_inside_the_window_at_1366(window: MainWindow, qtbot: QtBot,
                                                      answer: Callable) -> None:
    """A complete review with failed 必备 items: every line of the headline is inside the tab
    and shown whole (none cut at the window's edge)."""
    window.show()
    qtbot.waitExposed(window)
    tab = window.review_tab
    _new_review(window, answer, 441044)
    county = window.county
    assert county is not None and tab.review_id is not None
    for row in tab.model.rows:
        rv.set_finding(county, tab.review_id, row["inst_id"], row["item_id"], rv.DISAGREE, "")
    tab.show_score()
    assert "必备项未达到" in tab.summary.text()
    qtbot.waitUntil(lambda: tab.summary.height() >= tab.summary.heightForWidth(
        tab.summary.width()))
    assert window.frameGeometry().width() <= 1366
    assert tab.summary.geometry().right() <= tab.width()
    metrics = tab.summary.fontMetrics()
    assert metrics.horizontalAdvance(tab.summary.text()) > tab.summary.width()  # long: it wraps
    assert tab.summary.height() >= 3 * metrics.lineSpacing()


def test_a_clinic_without_a_corner_is_no_difference_but_a_false_one_is(
        window: MainWindow, qtbot: QtBot, answer: Callable) -> None:
    """二（三）3 (中医阁 at 10% of stations and clinics): the 台账 column says whether the books
    count each institution (计入 / 不计入), never 符合/不符合; 不符合 keyed where the books say
    中医阁：否 is no 不一致, and where they say 是 it is."""
    tab = window.review_tab
    _new_review(window, answer, 441044)
    corner = [k for k, r in enumerate(tab.model.rows) if r["item_id"] == "A5"]
    assert corner
    said = {tab.model.rows[k]["said"] for k in corner}
    verdict = tab.model.column_index("verdict")
    for k in corner:
        books = tab.model.index(k, tab.model.column_index("book_verdict")).data()
        assert books == {rv.AGREE: "计入", rv.DISAGREE: "不计入"}.get(tab.model.rows[k]["said"])
        assert tab.proxy.setData(tab.proxy.index(k, verdict), rv.DISAGREE)
    differs = tab.model.column_index("differs")
    for k in corner:
        shown = tab.model.index(k, differs).data()
        assert shown == ("不一致" if tab.model.rows[k]["said"] == rv.AGREE else ""), k
    assert rv.DISAGREE in said  # the demo's sample has clinics the books say lack one
    qtbot.waitUntil(lambda: f"已核查 {len(corner)}/" in tab.summary.text())  # rescored


def test_a_finding_keyed_just_before_the_file_closes_is_kept_and_nothing_fails(
        window: MainWindow, qtbot: QtBot, answer: Callable) -> None:
    """The score is recomputed 300 ms after the last keystroke; a file closed within that moment
    (another file opened, the window quitting) leaves the finding saved and the late re-score
    quiet, instead of an error read off a closed file."""
    tab = window.review_tab
    _new_review(window, answer, 77)
    county = window.county
    assert county is not None
    path, rid = county.path, rv.latest(county, window.year)
    tab.view.setFocus()
    tab.view.setCurrentIndex(tab.proxy.index(0, tab.model.column_index("verdict")))
    first = tab.model.rows[0]
    qtbot.keyClick(tab.view, Qt.Key.Key_1)
    assert tab.rescore.isActive()
    window.close_county()
    assert not county.is_open
    errors: list[BaseException] = []
    import sys
    hook, sys.excepthook = sys.excepthook, lambda t, e, tb: errors.append(e)
    try:
        qtbot.waitUntil(lambda: not tab.rescore.isActive())
        qtbot.wait(10)
    finally:
        sys.excepthook = hook
    assert errors == []
    from db.county import CountyFile

    with CountyFile.open(path, daily_backup=False) as again:
        assert rv.load(again, rid).findings[(first["inst_id"], first["item_id"])]["verdict"] \
            == rv.AGREE
