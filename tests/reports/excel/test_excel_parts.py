"""The parts of a workbook besides its sheets (styles, the workbook part, its relationships, the
list of parts, the shared strings) are counted before anything parses them: 60 KB of styles
holding 3,000,000 elements is refused at once, naming the file and the part, while a workbook
with as many cell formats as Excel allows still imports, its dates read as dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
import re
import tracemalloc
import zipfile

import openpyxl
import pytest

from db.county import CountyFile
from reports.excel.importer import apply, plan_import, workbook as excel_workbook
from reports.excel.vocab import WorkbookError

from .excel_books import blank_county_file, county, write_book
from .test_excel_limits import ACTIVITY_HEADER, _book, _sheet, _text, nothing_parsed

__all__ = ["blank_county_file", "county", "nothing_parsed"]  # fixtures, used by name

ROWS = [ACTIVITY_HEADER, ("青石镇卫生院", "2024-03-05", "义诊", "春季义诊", 30)]


def _edited(path: Path, part: str, edit: object) -> Path:
    """The workbook at `path` with one part's bytes passed through `edit`."""
    with zipfile.ZipFile(path) as old:
        parts = {info.filename: old.read(info) for info in old.infolist()}
    parts[part] = edit(parts[part])  # type: ignore[operator]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as new:
        for name, data in parts.items():
            new.writestr(name, data)
    return path


def _with_strings(path: Path) -> None:
    _edited(path, "[Content_Types].xml", lambda xml: xml.replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
        b'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'))
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("xl/sharedStrings.xml", b'<sst xmlns="http://schemas.openxmlformats.org/'
                   b'spreadsheetml/2006/main"><si><t>x</t></si></sst>')


def _padded(close: bytes, n: int) -> object:
    """An edit putting n empty elements just before the part's closing tag `close`."""
    return lambda xml: xml.replace(close, b"<x/>" * n + close, 1)


def test_a_styles_part_of_three_million_elements_is_refused_before_anything_is_parsed(
        county: CountyFile, tmp_path: Path, nothing_parsed: list[str]) -> None:
    book = write_book(tmp_path / "样式.xlsx", {"活动记录": ROWS})
    bomb = _edited(book, "xl/styles.xml", lambda xml: re.sub(
        rb'<cellXfs count="\d+">', b'<cellXfs count="1">' + b"<xf/>" * 3_000_000, xml, count=1))
    assert bomb.stat().st_size < 100_000  # the tester's 60 KB file
    tracemalloc.start()
    try:
        with pytest.raises(WorkbookError, match=r"工作簿“样式.xlsx”中的单元格样式表（xl/styles.xml）"
                                                r"超过 500,000 个 XML 元素的上限，未导入"):
            plan_import(county, bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert nothing_parsed == []
    assert peak < 20 * 1024 * 1024  # a chunk at a time, never the part's tree


@pytest.mark.parametrize(("part", "close", "limit", "words"), [
    ("[Content_Types].xml", b"</Types>", "MAX_LIST_ELEMENTS", "部件清单"),
    ("xl/workbook.xml", b"</workbook>", "MAX_BOOK_ELEMENTS", "工作簿部件（工作表清单与名称）"),
    ("xl/_rels/workbook.xml.rels", b"</Relationships>", "MAX_LIST_ELEMENTS", "工作簿的部件关系表"),
    ("xl/sharedStrings.xml", b"</sst>", "MAX_STRINGS_ELEMENTS", "共享字符串表"),
])
def test_every_other_part_that_is_parsed_is_counted_first(
        county: CountyFile, tmp_path: Path, nothing_parsed: list[str],
        monkeypatch: pytest.MonkeyPatch, part: str, close: bytes, limit: str, words: str) -> None:
    monkeypatch.setattr(excel_workbook, limit, 1000)
    book = write_book(tmp_path / "部件.xlsx", {"活动记录": ROWS})
    if part == "xl/sharedStrings.xml":  # openpyxl writes none; Excel and WPS always do
        _with_strings(book)
    with zipfile.ZipFile(book) as z:
        assert part in z.namelist()
    opened: list[str] = []
    monkeypatch.setattr(excel_workbook, "_open_book", lambda *_a: opened.append("opened"))
    _edited(book, part, _padded(close, 1000))
    with pytest.raises(WorkbookError, match=f"工作簿“部件.xlsx”中的{re.escape(words)}.*"
                                            "超过 1,000 个 XML 元素的上限，未导入"):
        plan_import(county, book)
    assert opened == [] and nothing_parsed == []


def test_a_workbook_with_as_many_cell_formats_as_excel_allows_still_imports_its_dates(
        county: CountyFile, tmp_path: Path) -> None:
    # Excel's ceiling is 64,000 cell formats; a workbook copied from year to year reaches it,
    # with a named style for each. The date cell uses the last one.
    n = 64_000
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    plain = (b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
             b'<alignment horizontal="center" wrapText="1"/></xf>')
    styles = (f'<styleSheet xmlns="{ns}"><fonts count="1"><font><sz val="11"/></font></fonts>'
              '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
              '<borders count="1"><border/></borders>'.encode()
              + b'<cellStyleXfs count="%d">' % n + plain * n + b"</cellStyleXfs>"
              + b'<cellXfs count="%d">' % n + plain * (n - 1)
              + b'<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
              + b"".join(b'<cellStyle name="s%d" xfId="%d"/>' % (i, i) for i in range(n))
              + b"</styleSheet>")
    header = b'<row r="1">' + b"".join(_text(f"{chr(65 + i)}1", h)
                                       for i, h in enumerate(ACTIVITY_HEADER)) + b"</row>"
    row = (b'<row r="2">' + _text("A2", "青石镇卫生院") + b'<c r="B2" s="%d"><v>45356</v></c>' % (n - 1)
           + _text("C2", "义诊") + _text("D2", "春季义诊") + b'<c r="E2"><v>30</v></c></row>')
    book = _book(tmp_path / "格式多.xlsx", {"活动记录": _sheet(header + row)})
    _edited(book, "xl/styles.xml", lambda _xml: styles)
    county.insert("institution", {"name": "青石镇卫生院", "type": "township_hc",
                                  "township": "青石镇"})
    plan = plan_import(county, book)
    assert plan.ok, plan.summary_text()
    apply(plan)
    assert [r["date"] for r in county.query("SELECT date FROM activity")] == ["2024-03-05"]


def test_dates_and_durations_are_told_from_the_styles_as_openpyxl_tells_them(
        tmp_path: Path) -> None:
    from openpyxl.styles.stylesheet import Stylesheet
    from openpyxl.xml.functions import fromstring

    book = openpyxl.Workbook()
    ws = book.active
    formats = ["yyyy-mm-dd", 'yyyy"年"m"月"d"日"', "[h]:mm:ss", "0%", "@", "0.00", "m/d/yy h:mm",
               "General", "mm-dd-yy", "h:mm AM/PM", "#,##0", "[$-F800]dddd, mmmm dd, yyyy"]
    for row, fmt in enumerate(formats, start=1):
        cell = ws.cell(row, 1, dt.datetime(2024, 3, 5) if row % 2 else 1.5)
        cell.number_format = fmt
    path = tmp_path / "格式.xlsx"
    book.save(path)
    with zipfile.ZipFile(path) as z:
        theirs = Stylesheet.from_tree(fromstring(z.read("xl/styles.xml")))
        ours = excel_workbook._date_styles(z)
    assert ours == (theirs.date_formats, theirs.timedelta_formats)
    assert len(ours[0]) >= 5 and ours[1]  # the dates and the [h]:mm:ss duration


def test_a_formula_saved_without_its_result_is_said_as_such_not_as_empty(
        county: CountyFile, tmp_path: Path) -> None:
    # openpyxl (and other programs) save a formula without calculating it; Excel would.
    rows = [ACTIVITY_HEADER, ("青石镇卫生院", "2024-03-05", "义诊", '=A1&"讲座"', 30),
            (None, None, None, "=A2", None)]  # a spare row of formulas only: blank, as before
    book = write_book(tmp_path / "公式.xlsx", {"活动记录": rows})
    county.insert("institution", {"name": "青石镇卫生院", "type": "township_hc",
                                  "township": "青石镇"})
    plan = plan_import(county, book)
    assert [(r.sheet, r.row, r.column, r.reason) for r in plan.refusals] == [
        ("活动记录", 2, "活动名称", "是公式，没有保存计算结果：请在 Excel 或 WPS 中打开并保存后再导入")]


def test_a_formula_whose_saved_result_is_empty_text_is_a_blank_cell(
        county: CountyFile, tmp_path: Path) -> None:
    header = b'<row r="1">' + b"".join(_text(f"{chr(65 + i)}1", h)
                                       for i, h in enumerate(ACTIVITY_HEADER)) + b"</row>"
    row = (b'<row r="2">' + _text("A2", "青石镇卫生院") + _text("B2", "2024-03-05")
           + _text("C2", "义诊") + _text("D2", "春季义诊")
           + b'<c r="E2" t="str"><f>IF(A2="","x","")</f><v></v></c></row>')  # 参与人数 not given
    book = _book(tmp_path / "空结果.xlsx", {"活动记录": _sheet(header + row)})
    county.insert("institution", {"name": "青石镇卫生院", "type": "township_hc",
                                  "township": "青石镇"})
    plan = plan_import(county, book)
    assert plan.ok, plan.summary_text()
    assert plan.activities_added == 1
