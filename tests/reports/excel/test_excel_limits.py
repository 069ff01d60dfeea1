"""Limits enforced before the work: a workbook over the row or XML-element limit is refused from a
byte count of its sheets, before any sheet is parsed or its text read, whatever its size — and
what the limits do not count (empty formatted rows) still imports."""

from __future__ import annotations

from pathlib import Path
import tracemalloc
import zipfile

import pytest

from db.county import CountyFile
from reports.excel.importer import plan_import, workbook as excel_workbook
from reports.excel.vocab import WorkbookError

from .excel_books import blank_county_file, county, write_book

__all__ = ["blank_county_file", "county"]  # fixtures, used by name

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
ACTIVITY_HEADER = ("机构名称", "活动日期", "活动类型", "活动名称", "参与人数")


def _text(ref: str, text: str) -> bytes:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()


def _sheet(rows: bytes, *, prefix: str = "") -> bytes:
    """A worksheet part without a <dimension>, as several writers leave it out."""
    p = f"{prefix}:" if prefix else ""
    xmlns = f'xmlns:{prefix}="{NS}"' if prefix else f'xmlns="{NS}"'
    return (f'<?xml version="1.0" encoding="UTF-8"?><{p}worksheet {xmlns}><{p}sheetData>'.encode()
            + rows + f"</{p}sheetData></{p}worksheet>".encode())


def _book(path: Path, sheets: dict[str, bytes]) -> Path:
    """A workbook whose sheets' XML is given as bytes (built fast, far bigger than openpyxl
    would write in the time)."""
    write_book(path, {name: [["x"]] for name in sheets})
    with zipfile.ZipFile(path) as old:
        parts = {info.filename: old.read(info) for info in old.infolist()}
    for n, xml in enumerate(sheets.values(), start=1):
        parts[f"xl/worksheets/sheet{n}.xml"] = xml
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as new:
        for name, data in parts.items():
            new.writestr(name, data)
    return path


@pytest.fixture
def nothing_parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Which parsing steps ran: a refusal before the work leaves this empty."""
    ran: list[str] = []

    def parse(*_a: object, **_k: object) -> None:
        ran.append("sheet parsed")
        raise AssertionError("parsed")

    def strings(*_a: object, **_k: object) -> None:
        ran.append("cell text read")
        raise AssertionError("read")

    monkeypatch.setattr(excel_workbook, "_sheet_rows", parse)
    monkeypatch.setattr(excel_workbook, "_cell_values", strings)
    return ran


def _ten_year_book(path: Path) -> Path:
    """The shape of a 10× county's ten years in one workbook (tests/benchmarks/tenfold.py):
    64,030 institution rows of 25 columns and 78,037 activities."""
    header = b'<row r="1">' + b"".join(_text(f"{c}1", f"列{c}") for c in "ABCDEFGHIJKLMNOPQRSTUVWXY")
    figures = b"".join(b"<c><v>%d</v></c>" % n for n in range(18))
    facts = [header + b"</row>"]
    for r in range(2, 64_032):
        facts.append(b'<row r="%d">' % r + _text(f"A{r}", "青石镇张村卫生室") + _text(f"B{r}", "TF1")
                     + _text(f"C{r}", "村卫生室") + _text(f"D{r}", "青石镇") + b"<c><v>2024</v></c>"
                     + figures + b"</row>")
    log = [b'<row r="1">' + b"".join(_text(f"{chr(65 + i)}1", h)
                                     for i, h in enumerate(ACTIVITY_HEADER)) + b"</row>"]
    for r in range(2, 78_039):
        log.append(b'<row r="%d">' % r + _text(f"A{r}", "青石镇卫生院") + _text(f"B{r}", "2024-03-05")
                   + _text(f"C{r}", "健康讲座") + _text(f"D{r}", "中医养生") + b"<c><v>40</v></c></row>")
    return _book(path, {"机构年度数据": _sheet(b"".join(facts)), "活动记录": _sheet(b"".join(log))})


def test_ten_years_of_a_tenfold_county_in_one_workbook_are_refused_before_any_parsing(
        county: CountyFile, tmp_path: Path, nothing_parsed: list[str]) -> None:
    path = _ten_year_book(tmp_path / "十年.xlsx")
    tracemalloc.start()
    try:
        with pytest.raises(WorkbookError, match="“十年.xlsx”.*(超过 100,000 行|超过 3,000,000 个 "
                                                "XML 元素的上限).*未导入。请拆分后再导入"):
            plan_import(county, path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert nothing_parsed == []
    assert peak < 20 * 1024 * 1024  # a few chunks of XML at a time, never the rows
    assert county.count("institution") == 0


def test_a_sheet_without_dimension_over_the_row_limit_is_refused_at_the_first_row_past_it(
        county: CountyFile, tmp_path: Path, nothing_parsed: list[str]) -> None:
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (r, r, r)
                    for r in range(1, 150_001))
    path = _book(tmp_path / "行.xlsx", {"活动": _sheet(rows)})
    with pytest.raises(WorkbookError, match=r"超过 100,000 行（工作表“活动”第 100,001 行仍有内容）"):
        plan_import(county, path)
    assert nothing_parsed == []


def test_rows_are_counted_over_all_sheets_before_the_first_is_parsed(
        county: CountyFile, tmp_path: Path, nothing_parsed: list[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(excel_workbook, "MAX_ROWS", 100)
    first = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (r, r) for r in range(1, 81))
    # Rows without a number follow the one before them, as Excel reads them.
    second = b"".join(b"<row><c><v>1</v></c></row>" for _ in range(30))
    path = _book(tmp_path / "两表.xlsx", {"甲": _sheet(first), "乙": _sheet(second)})
    with pytest.raises(WorkbookError, match=r"超过 100 行（工作表“乙”第 21 行仍有内容）"):
        plan_import(county, path)
    assert nothing_parsed == []


def test_a_sheet_written_with_a_namespace_prefix_is_counted_too(
        county: CountyFile, tmp_path: Path, nothing_parsed: list[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(excel_workbook, "MAX_ROWS", 100)
    rows = b"".join(b'<x:row r="%d"><x:c r="A%d"><x:v>1</x:v></x:c></x:row>' % (r, r)
                    for r in range(1, 201))
    path = _book(tmp_path / "前缀.xlsx", {"活动": _sheet(rows, prefix="x")})
    with pytest.raises(WorkbookError, match=r"超过 100 行（工作表“活动”第 101 行仍有内容）"):
        plan_import(county, path)
    assert nothing_parsed == []


def test_empty_formatted_rows_past_the_limit_do_not_count(
        county: CountyFile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A clerk who set row heights down the sheet: rows with no value in any cell, an empty <v>,
    # a formula with no cached value. None of them is data, so none counts towards the limit.
    monkeypatch.setattr(excel_workbook, "MAX_ROWS", 100)
    rows = (b'<row r="1">' + b"".join(_text(f"{chr(65 + i)}1", h)
                                      for i, h in enumerate(ACTIVITY_HEADER)) + b"</row>"
            + b'<row r="2">' + _text("A2", "青石镇卫生院") + _text("B2", "2024-03-05")
            + _text("C2", "义诊") + _text("D2", "春季义诊") + b'<c r="E2"><v>30</v></c></row>')
    rows += b"".join(b'<row r="%d" ht="20" customHeight="1"><c r="B%d" s="1"/><c r="C%d"><v></v>'
                     b'</c><c r="D%d"><f>A1</f></c></row>' % (r, r, r, r) for r in range(3, 3000))
    rows += b'<row r="5000" ht="20" customHeight="1"/>'
    county.insert("institution", {"name": "青石镇卫生院", "type": "township_hc",
                                  "township": "青石镇"})
    plan = plan_import(county, _book(tmp_path / "格式.xlsx", {"活动": _sheet(rows)}))
    assert plan.ok, plan.summary_text()
    assert plan.activities_added == 1
