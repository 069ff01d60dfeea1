"""导入 Excel and 导出 Excel from the window: preview first, then all or nothing."""

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from desktop import dialogs, worker
from desktop.main_window import MainWindow
from desktop import excel_actions


def _export(window: MainWindow, qtbot: Any, tmp_path: Path,
            monkeypatch: pytest.MonkeyPatch) -> Path:
    out = tmp_path / "导出.xlsx"
    monkeypatch.setattr(dialogs, "save_file_name", lambda *a: str(out))
    told: list[str] = []
    monkeypatch.setattr(dialogs, "info", lambda p, t, text: told.append(text))
    excel_actions.export_excel(window)
    qtbot.waitUntil(lambda: bool(told), timeout=20_000)
    assert str(out) in told[0]
    return out


def test_export_then_import_back_changes_nothing(window: MainWindow, qtbot: Any, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    out = _export(window, qtbot, tmp_path, monkeypatch)
    assert "指标结果" in openpyxl.load_workbook(out, read_only=True).sheetnames
    monkeypatch.setattr(dialogs, "open_file_name", lambda *a: str(out))
    told: list[str] = []
    monkeypatch.setattr(dialogs, "info", lambda p, t, text: told.append(text))
    excel_actions.import_excel(window)
    qtbot.waitUntil(lambda: bool(told), timeout=20_000)
    assert "没有需要导入的变化" in told[0]


def test_import_shows_changes_and_writes_them_when_accepted(
        window: MainWindow, qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = _export(window, qtbot, tmp_path, monkeypatch)
    book = openpyxl.load_workbook(out)
    sheet = next(ws for ws in book.worksheets if any(
        c.value == "总诊疗人次" for row in ws.iter_rows(max_row=10) for c in row))
    header = next(r for r in sheet.iter_rows(max_row=10) if any(c.value == "总诊疗人次" for c in r))
    col = {c.value: c.column for c in header}
    row = header[0].row + 1
    name = sheet.cell(row, col["机构名称"]).value
    sheet.cell(row, col["总诊疗人次"]).value = 123_456
    sheet.cell(row, col["中医诊疗人次"]).value = 60_000
    book.save(out)
    monkeypatch.setattr(dialogs, "open_file_name", lambda *a: str(out))
    shown: list[str] = []
    monkeypatch.setattr(dialogs, "show_text",
                        lambda p, title, text, accept="": shown.append(text) or True)
    excel_actions.import_excel(window)
    qtbot.waitUntil(lambda: bool(shown), timeout=20_000)
    assert name in shown[0] and "→ 123" in shown[0].replace(",", "")
    facts = window.county.query(
        "SELECT y.visits FROM institution_year y JOIN institution i ON i.id = y.institution_id "
        "WHERE i.name = ? AND y.year = 2024", (name,))
    assert facts == [{"visits": 123_456}]


def _import_refused(window: MainWindow, qtbot: Any, monkeypatch: pytest.MonkeyPatch,
                    path: Path, rows: list[list[Any]]) -> tuple[str, str]:
    """A township's sheet 乡镇填报 of `rows` (headers first) imported from the window and
    refused: the title and text the clerk is shown."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "乡镇填报"
    for row in rows:
        ws.append(row)
    book.save(path)
    monkeypatch.setattr(dialogs, "open_file_name", lambda *a: str(path))
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(dialogs, "show_text",
                        lambda p, title, text, accept="": shown.append((title, text)) or False)
    excel_actions.import_excel(window)
    qtbot.waitUntil(lambda: bool(shown), timeout=20_000)
    return shown[0]


def test_a_refused_row_is_named_and_nothing_is_written(
        window: MainWindow, qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = window.county.count("institution")
    title, text = _import_refused(window, qtbot, monkeypatch, tmp_path / "错.xlsx", [
        ["机构名称", "机构类型", "年度", "执业（助理）医师数", "中医类别执业（助理）医师数"],
        ["新开镇卫生院", "乡镇卫生院", 2024, 5, 9],
        ["新开二镇卫生院", "乡镇卫生院", 2024, -3, 1]])
    assert "未导入任何内容" in title
    assert "工作表“乡镇填报”第 2 行“中医类别执业（助理）医师数”列" in text
    # The column named once: not "…“执业（助理）医师数”列：执业（助理）医师数：不能为负数（-3）".
    assert "工作表“乡镇填报”第 3 行“执业（助理）医师数”列：不能为负数（-3）" in text
    assert "列：执业（助理）医师数：" not in text
    # Nothing was imported: no "新增机构：0 家 …" as if something had been done.
    assert "整个工作簿不会导入" in text
    assert not any(words in text for words in ("新增机构", "数据有变化的记录", "新增宣传活动"))
    assert window.county.count("institution") == before


def test_the_import_message_lists_every_problem_of_a_refused_row(
        window: MainWindow, qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A clerk's row with three mistakes learns of all three at once, not one per try.
    before = window.county.count("institution")
    title, text = _import_refused(window, qtbot, monkeypatch, tmp_path / "三处.xlsx", [
        ["机构名称", "机构类型", "年度", "执业（助理）医师数", "中医类别执业（助理）医师数",
         "总诊疗人次", "中医馆面积"],
        ["张家村卫生室", "村卫生室", 2024, 12, 14, "约30000", 80]])
    assert "未导入任何内容" in title
    where = "工作表“乡镇填报”第 2 行"
    places = [text.index(f"{where}“{column}”列") for column in
              ("中医类别执业（助理）医师数", "总诊疗人次", "中医馆面积")]
    assert places == sorted(places)
    assert "约30000" in text and "不能多于执业（助理）医师数（12）" in text
    assert "村卫生室不填此项" in text
    assert window.county.count("institution") == before


def test_a_workbook_without_a_known_sheet_names_the_sheets_it_has(
        window: MainWindow, qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    book = openpyxl.Workbook()
    book.active.append(["姓名", "工资"])
    book.create_sheet("汇总").append(["合计", 3000])
    path = tmp_path / "bad1.xlsx"
    book.save(path)
    monkeypatch.setattr(dialogs, "open_file_name", lambda *a: str(path))
    said: list[tuple[str, str]] = []
    monkeypatch.setattr(dialogs, "error", lambda p, title, text: said.append((title, text)))
    excel_actions.import_excel(window)
    qtbot.waitUntil(lambda: bool(said), timeout=20_000)
    title, text = said[0]
    assert title == "导入 Excel 未完成"  # not "导入 Excel未完成"
    assert "没有可识别的工作表" in text and "找到的工作表：“Sheet”、“汇总”" in text
    assert worker.not_done("生成自评报告") == "生成自评报告未完成"
    assert worker.not_done("导出 Excel") == "导出 Excel 未完成"


def test_the_import_picker_shows_old_workbooks_and_any_file_so_they_get_the_reason(
        window: MainWindow, qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A township's .xls (or WPS .et) is listed and, picked, refused with what to do, rather than
    not shown at all."""
    from PySide6.QtWidgets import QFileDialog

    old = tmp_path / "城关镇2024.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))  # an OLE compound file
    asked: list[str] = []

    def pick(parent: Any, title: str, folder: str, filters: str) -> tuple[str, str]:
        asked.append(filters)
        return str(old), filters.split(";;")[0]
    monkeypatch.setattr(QFileDialog, "getOpenFileName", pick)
    said: list[tuple[str, str]] = []
    monkeypatch.setattr(dialogs, "error", lambda p, title, text: said.append((title, text)))
    excel_actions.import_excel(window)
    qtbot.waitUntil(lambda: bool(said), timeout=20_000)
    first, anything = asked[0].split(";;")
    assert "*.xlsx" in first and "*.xls " in first and "*.et" in first
    assert anything == "所有文件 (*)"
    assert "城关镇2024.xls" in said[0][1] and "另存为 .xlsx" in said[0][1]
