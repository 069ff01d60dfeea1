"""No file open: the welcome page with the reason and the ways on, and no action that needs a
file. A township's fill-in file says whose it is and judges only what it can."""

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from db import exchange
from db.county import CountyFile
from desktop import dialogs, excel_actions
from desktop.main_window import MainWindow
from reports.judge.wording import COUNTY_LEVEL
from tests.desktop.conftest import bar_menus


@pytest.fixture
def empty(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> MainWindow:
    monkeypatch.setattr(dialogs, "error", lambda *a: None)
    w = MainWindow()
    qtbot.addWidget(w)
    return w


def test_a_docx_at_start_leaves_the_welcome_page_with_the_reason(
        empty: MainWindow, tmp_path: Path, demo_file: Path) -> None:
    docx = tmp_path / "工作总结.docx"
    docx.write_bytes(b"PK\x03\x04" + b"\0" * 200)
    assert not empty.open_path(docx)
    assert empty.stack.currentWidget() is empty.welcome
    assert "工作总结.docx" in empty.welcome.reason.text()
    assert "新建" in empty.welcome.reason.text()
    file_items = {a.text(): a.isEnabled() for a in bar_menus(empty)[0].actions()
                  if not a.isSeparator()}
    assert file_items["打开(&O)…"] and file_items["新建(&N)…"]
    assert not file_items["导入 Excel(&I)…"] and not file_items["目标设置(&G)…"]
    assert not empty.profile_button.isEnabled()
    excel_actions.import_excel(empty)  # nothing happens, nothing raises
    assert empty.open_path(demo_file)
    assert empty.stack.currentWidget() is not empty.welcome
    assert all(file_items for file_items in (a.isEnabled() for a in empty.file_actions))


def test_the_welcome_page_opens_the_demo_county_and_recent_files(
        empty: MainWindow, demo_file: Path) -> None:
    empty.welcome.demo_requested.emit()
    assert empty.county is not None and "青河县" in empty.windowTitle()
    empty.close_county()
    assert empty.stack.currentWidget() is empty.welcome
    assert empty.welcome.recent.count() >= 1
    empty.welcome.recent.itemActivated.emit(empty.welcome.recent.item(0))
    assert empty.county is not None


def test_a_failed_open_keeps_the_previous_file(window: MainWindow, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    said: list[str] = []
    monkeypatch.setattr(dialogs, "error", lambda parent, title, text: said.append(text))
    docx = tmp_path / "通知.docx"
    docx.write_bytes(b"PK\x03\x04" + b"\0" * 200)
    before = window.county.path
    assert not window.open_path(docx)
    assert window.county.path == before and window.stack.currentWidget() is not window.welcome
    assert "通知.docx" in said[0] and "仍显示原来打开的文件" in said[0]


def test_a_township_file_says_whose_it_is_and_judges_only_what_it_can(
        window: MainWindow, tmp_path: Path) -> None:
    town_file = exchange.write_township_file(window.county, "太溪镇", tmp_path / "太溪镇.tcmcounty")
    assert window.open_path(town_file)
    assert "太溪镇" in window.windowTitle() and "乡镇填报文件" in window.windowTitle()
    assert not window.banner.isHidden()
    assert "这是太溪镇的乡镇填报文件" in window.banner.text()
    assert "交回县卫生健康局合并" in window.banner.text()
    rows = {r["id"]: r for r in window.overview.model.rows}
    assert rows["A5"]["status"] == COUNTY_LEVEL and rows["C6"]["status"] == COUNTY_LEVEL
    assert rows["C6"]["points_text"] == "" and rows["C6"]["value_text"] == ""  # no points either
    assert rows["A1"]["status"] in ("达标", "未达标", "无数据")
    # Nothing is scored here: the township's own items say how they stand, without points.
    assert all(r["points_text"] == "" for r in rows.values())
    # 太溪镇 has no community station: B2 is the other townships' to answer, not 无数据.
    kinds = {r["type"] for r in window.county.rows("institution")}
    if "chs" not in kinds:
        assert rows["B2"]["status"] == "不适用" and "本乡镇没有此类机构" in rows["B2"]["gap"]
    assert "此处不计分" in window.overview.summary.text()
    # The county's score and what the county judges as a whole: never scored in a township's file.
    for item in ("G01", "G13", "H1", "B9", "B10", "B11", "B12", "C5", "D11"):
        assert rows[item]["status"] == COUNTY_LEVEL and rows[item]["points_text"] == "", item
    headline = window.overview.summary.text()
    assert "全县得分在县卫生健康局合并各乡镇数据后计算" in headline and "太溪镇" in headline
    assert "/ 100 分" not in headline and "未达到示范县标准" not in headline
    with CountyFile.open(town_file, daily_backup=False) as county:
        towns = {r["township"] for r in county.rows("institution")}
    assert towns == {"太溪镇"}
    for r in window.ctx.evaluation.results:
        for f in r.failing:
            assert f.institution_id in {i["id"] for i in window.county.rows("institution")}


def test_a_year_without_any_data_says_so_in_the_headline(window: MainWindow) -> None:
    from desktop.context import Context

    years = window.county.years()
    window.overview.refresh(Context.load(window.county, 2030))
    headline = window.overview.summary.text()
    assert f"2030 年尚无任何数据（本文件有数据的年度：{years[0]}–{years[-1]}）" in headline
    # and what to do about it: carry last year's standing facts over
    assert f"要把 {years[-1]} 年的中医馆" in headline and "文件 → 开始新年度" in headline
    # A 必备 item with nothing to judge it by lacks data; it is not said to fall short.
    assert "项无数据（二（二）1 " in headline and "按未达到计" in headline
    assert "二（二）1 " not in headline.split("项无数据")[0]
    window.overview.refresh(Context.load(window.county, years[0] - 1))
    assert "尚无任何数据" in window.overview.summary.text()
    assert "开始新年度" not in window.overview.summary.text()  # nothing before it to carry
    window.overview.refresh(Context.load(window.county, years[-1]))
    assert "尚无任何数据" not in window.overview.summary.text()


# ---- issue 27: a new file says how to start; the demo county says what it is -----------------

def test_an_empty_register_shows_how_to_start_and_the_template_is_in_the_window(
        empty: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        answer: Any) -> None:
    import openpyxl

    from desktop.tabs.institutions import InstitutionDialog

    path = tmp_path / "白水县.tcmcounty"
    CountyFile.create(path, "白水县").close()
    assert empty.open_path(path)
    empty.show()
    qtbot.waitExposed(empty)
    panel = empty.start_panel
    assert panel.isVisible() and "还没有机构" in panel.findChild(QLabel).text()
    assert {b.text() for b in panel.findChildren(QPushButton)} == {
        "导入 Excel…", "导出填报模板…", "新增机构…"}
    assert "导出填报模板(&K)…" in [a.text() for a in bar_menus(empty)[0].actions()]
    out = tmp_path / "模板.xlsx"
    monkeypatch.setattr(dialogs, "save_file_name", lambda *a: str(out))
    told: list[str] = []
    monkeypatch.setattr(dialogs, "info", lambda p, t, text: told.append(text))
    panel.findChild(QPushButton, "start_template").click()
    qtbot.waitUntil(lambda: bool(told), timeout=20_000)
    assert "导入 Excel" in told[0]
    sheet = openpyxl.load_workbook(out).worksheets[0]
    assert any(c.value == "机构名称" for row in sheet.iter_rows(max_row=10) for c in row)

    def fill(dialog: Any) -> bool:
        assert isinstance(dialog, InstitutionDialog)
        dialog.name.setText("白水县中医医院")
        dialog.type.setCurrentIndex(dialog.type.findData("county_tcm_hospital"))
        return True
    answer(fill)
    panel.findChild(QPushButton, "start_add").click()
    assert empty.tabs.currentWidget() is empty.institutions
    assert empty.institutions.selected_row()["name"] == "白水县中医医院"
    assert not panel.isVisible()  # the register has begun


def test_the_template_can_be_for_one_township(window: MainWindow, qtbot: QtBot, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import openpyxl

    asked: list[list[str]] = []
    monkeypatch.setattr(dialogs, "ask_item", lambda _p, _t, _l, items: asked.append(items)
                        or "太溪镇")
    out = tmp_path / "太溪镇.xlsx"
    monkeypatch.setattr(dialogs, "save_file_name", lambda *a: str(out))
    told: list[str] = []
    monkeypatch.setattr(dialogs, "info", lambda p, t, text: told.append(text))
    excel_actions.export_template(window)
    qtbot.waitUntil(lambda: bool(told), timeout=20_000)
    assert asked[0][0].startswith("全县") and "太溪镇" in asked[0]
    names = [c.value for row in openpyxl.load_workbook(out).worksheets[0].iter_rows()
             for c in row if isinstance(c.value, str) and c.value.endswith(("卫生院", "卫生室"))
             and c.value not in ("乡镇卫生院", "村卫生室")]  # the 机构类型 column
    assert names and all(n.startswith("太溪镇") for n in names)
    assert not window.start_panel.isVisible()


def test_the_demo_county_says_so_above_the_tabs(window: MainWindow, tmp_path: Path) -> None:
    assert window.banner.isVisibleTo(window) and "示例县" in window.banner.text()
    assert "虚构" in window.banner.text() and "（示例县）" in window.windowTitle()
    path = tmp_path / "白水县.tcmcounty"
    CountyFile.create(path, "白水县").close()
    assert window.open_path(path)
    assert not window.banner.isVisibleTo(window) and "示例县" not in window.windowTitle()
