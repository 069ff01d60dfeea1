"""Workbooks and names from strangers' PCs: text that would run as a formula, implausible dates and
shares, hidden sheets, and workbooks built to exhaust time or memory."""

from __future__ import annotations

import csv
import datetime as _dt
import io
from pathlib import Path
import re
import tracemalloc
import zipfile

import openpyxl
import pytest

from db.county import CountyFile
from reports.plan.evidence import INDEX_NAME, csv_cell, export_evidence
from reports.excel.export import export_workbook
from reports.excel.importer import import_workbook, plan_import
from reports.excel.template import write_template
from reports.excel.vocab import WorkbookError

from .excel_books import (blank_county_file, county, plan_rows, refusal_texts, write_book)

__all__ = ["blank_county_file", "county"]  # fixtures, used by name

YEAR = 2024
NASTY = ["=HYPERLINK(\"http://x\",\"点我\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)",
         "＝SUM(9)", "=1+1"]
ACTIVITY_HEADER = ["机构名称", "活动日期", "活动类型", "活动名称", "参与人数"]


def _formula_cells(path: Path) -> list[str]:
    """Cells the file itself marks as formulas (<f> elements), in any sheet."""
    with zipfile.ZipFile(path) as z:
        return [name for name in z.namelist() if name.startswith("xl/worksheets/")
                and (b"<f>" in z.read(name) or b"<f " in z.read(name))]


@pytest.fixture
def nasty_county(county: CountyFile) -> CountyFile:
    """Institutions and activity titles a hostile workbook (or a typist) could have brought."""
    for n, text in enumerate(NASTY):
        inst = county.insert("institution", {"name": text, "type": "village_clinic",
                                             "township": text})
        county.insert("activity", {"institution_id": inst, "date": f"{YEAR}-03-0{n + 1}",
                                   "kind": "健康讲座", "title": text, "people": 10})
        county.upsert("institution_year", f"{inst}-{YEAR}",
                      {"institution_id": inst, "year": YEAR, "physicians": 2})
    return county


# ---- finding 2: formula injection ----------------------------------------------------------------

def test_export_writes_formula_text_as_text_and_imports_back_unchanged(nasty_county, tmp_path):
    out = export_workbook(nasty_county, YEAR, tmp_path / "导出.xlsx")
    assert _formula_cells(out) == []
    book = openpyxl.load_workbook(out)
    names = [r[1] for r in book["机构"].iter_rows(min_row=3, values_only=True)]
    titles = [r[5] for r in book["活动记录"].iter_rows(min_row=3, values_only=True)]
    assert sorted(names) == sorted(NASTY) and sorted(titles) == sorted(NASTY)
    assert all(book["机构"].cell(r, 2).data_type == "s" for r in range(3, 3 + len(NASTY)))
    plan = plan_import(nasty_county, out)
    assert plan.ok, plan.summary_text()
    assert not plan.has_changes, plan.summary_text()


def test_template_writes_formula_text_as_text_and_imports_back(nasty_county, tmp_path):
    out = write_template(nasty_county, YEAR, tmp_path / "模板.xlsx")
    assert _formula_cells(out) == []
    plan = plan_import(nasty_county, out)
    assert plan.ok, plan.summary_text()
    assert plan.new_institutions == []


def test_evidence_index_neutralises_formula_text_and_keeps_numbers(county, tmp_path):
    inst = county.insert("institution", {"name": "青石镇卫生院", "type": "township_hc"})
    for n, text in enumerate(NASTY):
        act = county.insert("activity", {"institution_id": inst, "date": f"{YEAR}-03-0{n + 1}",
                                         "kind": "健康讲座", "title": text})
        county.add_evidence(f"{text}.jpg", b"x", owner_table="activity", owner_id=act,
                            year=YEAR, note=text)
    out = export_evidence(county, tmp_path / "佐证", year=YEAR)
    rows = list(csv.reader(io.StringIO((out / INDEX_NAME).read_text(encoding="utf-8-sig"))))
    for row in rows[1:]:
        assert row[0].isdigit() and row[3] == str(YEAR) and row[6] == "1"  # numbers stay numbers
        for text in row:
            assert text[:1] not in "=+-@\t\r＝＋－＠", row
    notes = sorted(r[7] for r in rows[1:])
    assert notes == sorted("'" + t for t in NASTY)
    # The documented way back: one leading apostrophe is taken off.
    assert sorted(n[1:] for n in notes) == sorted(NASTY)
    assert [csv_cell(v) for v in ("=1+1", 3, -5, "a-b", "")] == ["'=1+1", 3, -5, "a-b", ""]


# ---- finding 6: what must not be accepted --------------------------------------------------------

@pytest.fixture
def clinic(county: CountyFile) -> CountyFile:
    county.insert("institution", {"name": "甲镇卫生院", "type": "township_hc"})
    return county


@pytest.mark.parametrize("date", ["2050-01-01", "2099-06-01", "2100-12-31"])
def test_activities_dated_in_the_future_are_refused(clinic, tmp_path, date):
    plan = plan_rows(clinic, tmp_path / "活动.xlsx",
                     {"活动": [ACTIVITY_HEADER, ["甲镇卫生院", date, "义诊", "义诊", 5]]})
    today = _dt.date.today().isoformat()
    assert refusal_texts(plan) == [f"工作表“活动”第 2 行“活动日期”列：活动日期 {date} 晚于今天"
                                   f"（{today}），不可能已经举办"]
    assert clinic.count("activity") == 0


def test_tomorrow_is_refused_and_today_accepted(clinic, tmp_path):
    today = _dt.date.today()
    rows = [ACTIVITY_HEADER, ["甲镇卫生院", today.isoformat(), "义诊", "今天", 5],
            ["甲镇卫生院", (today + _dt.timedelta(days=1)).isoformat(), "义诊", "明天", 5]]
    plan = plan_rows(clinic, tmp_path / "活动.xlsx", {"活动": rows})
    assert [r.row for r in plan.refusals] == [3] and plan.rows_accepted == 1


def test_an_activity_after_the_year_after_the_import_year_is_refused(clinic, tmp_path):
    rows = [ACTIVITY_HEADER, ["甲镇卫生院", "2021-12-31", "义诊", "次年", 5],
            ["甲镇卫生院", "2022-01-01", "义诊", "后年", 5]]
    plan = plan_rows(clinic, tmp_path / "活动.xlsx", {"活动": rows}, year=2020)
    assert refusal_texts(plan) == ["工作表“活动”第 3 行“活动日期”列：活动日期 2022-01-01 晚于导入年度"
                                   "（2020 年）的次年年底，请核对日期或导入年度"]


@pytest.mark.parametrize("value", [1.5, "1.5", 1.01])
def test_a_share_above_one_without_percent_sign_is_a_fraction_above_100_percent(county, tmp_path,
                                                                               value):
    plan = plan_rows(county, tmp_path / "全县.xlsx",
                     {"全县": [["年度", "常住人口", "群众中医药服务满意率"], [YEAR, 1000, value]]})
    shown = f"{float(value) * 100:g}%"
    assert refusal_texts(plan) == [f"工作表“全县”第 2 行“群众中医药服务满意率”列：“{value}”即 {shown}，"
                                   f"超过 100%（如指百分之几，请写成带 % 的数，如 {value}%）"]


@pytest.mark.parametrize("value", [92, "92%", 0.92, "92", 2, 100, 1])
def test_ordinary_share_spellings_still_read(county, tmp_path, value):
    plan = plan_rows(county, tmp_path / "全县.xlsx",
                     {"全县": [["年度", "常住人口", "群众中医药服务满意率"], [YEAR, 1000, value]]})
    assert plan.ok, plan.summary_text()


def _hide(path: Path, states: dict[str, str]) -> Path:
    book = openpyxl.load_workbook(path)
    for name, state in states.items():
        book[name].sheet_state = state
    book.save(path)
    return path


def test_hidden_and_very_hidden_sheets_are_skipped_and_named(clinic, tmp_path):
    row = ["甲镇卫生院", "2024-03-05", "义诊", "义诊", 5]
    path = write_book(tmp_path / "隐藏.xlsx", {"活动": [ACTIVITY_HEADER, row],
                                              "旧数据": [ACTIVITY_HEADER, row, row],
                                              "底稿": [ACTIVITY_HEADER, row, row, row]})
    _hide(path, {"旧数据": "hidden", "底稿": "veryHidden"})
    plan = import_workbook(clinic, path)
    assert plan.ok and plan.activities_added == 1
    assert clinic.count("activity") == 1
    assert "隐藏的工作表（未导入）：旧数据、底稿" in plan.summary_text()


def test_a_workbook_with_only_hidden_sheets_is_refused(clinic, tmp_path):
    path = write_book(tmp_path / "隐藏.xlsx", {
        "说明": [["请看隐藏表"]],
        "活动": [ACTIVITY_HEADER, ["甲镇卫生院", "2024-03-05", "义诊", "义诊", 5]]})
    _hide(path, {"活动": "hidden"})
    with pytest.raises(WorkbookError, match="没有可识别的工作表.*隐藏的工作表“活动”未读取"):
        plan_import(clinic, path)


# ---- finding 7: workbooks built to exhaust time or memory ----------------------------------------

SHEET = "xl/worksheets/sheet1.xml"
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _replace_part(path: Path, part: str, data: bytes) -> Path:
    """The workbook with one part's bytes replaced (the rest copied as they are)."""
    with zipfile.ZipFile(path) as old:
        parts = [(info, old.read(info)) for info in old.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for info, content in parts:
            new.writestr(info.filename, data if info.filename == part else content)
    return path


def _claim_size(path: Path, part: str, size: int) -> Path:
    """Make the zip's directory state `size` as the unpacked size of `part`, as a compressed
    bomb does; its real content stays small, so nothing large is built by the test."""
    raw = bytearray(path.read_bytes())
    name = part.encode()
    at = raw.find(b"PK\x01\x02" + bytes(0))
    while at != -1:
        name_len = int.from_bytes(raw[at + 28:at + 30], "little")
        if raw[at + 46:at + 46 + name_len] == name:
            raw[at + 24:at + 28] = size.to_bytes(4, "little")
            path.write_bytes(bytes(raw))
            return path
        at = raw.find(b"PK\x01\x02", at + 4)
    raise AssertionError(part)


def _cells(row: int, values: list[str]) -> str:
    return "".join(f'<c r="{chr(65 + i)}{row}" t="inlineStr"><is><t>{v}</t></is></c>'
                   for i, v in enumerate(values))


def _sheet_xml(rows: str, dimension: str = "A1:XFD80000") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}">'
            f'<dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>').encode()


def _activity_book(tmp_path: Path, extra_rows: str, *, dimension: str = "A1:XFD80000") -> Path:
    """An activity sheet with one real row, then whatever `extra_rows` hold."""
    path = write_book(tmp_path / "活动.xlsx", {"活动": [["x"]]})
    rows = (f'<row r="1">{_cells(1, ACTIVITY_HEADER)}</row>'
            f'<row r="2">{_cells(2, ["甲镇卫生院", "2024-03-05", "义诊", "义诊"])}'
            f'<c r="E2"><v>5</v></c></row>' + extra_rows)
    return _replace_part(path, SHEET, _sheet_xml(rows, dimension))


def test_a_sheet_claiming_82_million_cells_is_read_by_what_it_holds(clinic, tmp_path):
    # 5,000 rows whose only cell sits in the last column (XFD): 82 million cells once padded.
    # Formatted-but-empty cells, an empty <v/>, and rows with no cells at all.
    empties = "".join(f'<row r="{r}"><c r="XFD{r}" s="0"/></row>' for r in range(3, 5003))
    empties += "".join(f'<row r="{r}" ht="20" customHeight="1"><c r="B{r}"><v></v></c></row>'
                       for r in range(5003, 8003))
    empties += '<row r="80000"/>'
    path = _activity_book(tmp_path, empties)
    tracemalloc.start()
    try:
        plan = plan_import(clinic, path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert plan.ok, plan.summary_text()
    assert plan.rows_read == 1 and plan.activities_added == 1
    assert peak < 20 * 1024 * 1024  # the padded sheet alone would hold 650 MB of pointers


def test_a_value_beyond_the_column_limit_is_refused_naming_the_limit(clinic, tmp_path):
    path = _activity_book(tmp_path, '<row r="3"><c r="XFD3" t="inlineStr"><is><t>藏</t></is></c>'
                                    "</row>")
    with pytest.raises(WorkbookError, match=r"工作表“活动”第 3 行第 16,384 列有内容，超出读取范围"
                                            r"（每张表最多 200 列）"):
        plan_import(clinic, path)


def test_a_value_far_down_counts_the_rows_above_it(clinic, tmp_path):
    path = _activity_book(tmp_path, '<row r="1000000"><c r="A1000000"><v>1</v></c></row>')
    with pytest.raises(WorkbookError, match=r"超过 100,000 行（工作表“活动”第 1,000,000 行仍有内容）"):
        plan_import(clinic, path)


def test_too_many_xml_elements_are_refused_naming_the_limit(clinic, tmp_path, monkeypatch):
    from reports.excel.importer import workbook as excel_workbook

    monkeypatch.setattr(excel_workbook, "MAX_XML_ELEMENTS", 1000)
    empties = "".join(f'<row r="{r}"><c r="A{r}" s="0"/></row>' for r in range(3, 1003))
    with pytest.raises(WorkbookError, match="单元格过多.*超过 1,000 个 XML 元素的上限"):
        plan_import(clinic, _activity_book(tmp_path, empties))


def test_a_merge_over_the_whole_sheet_costs_nothing(clinic, tmp_path):
    path = write_book(tmp_path / "合并.xlsx",
                      {"活动": [ACTIVITY_HEADER, ["甲镇卫生院", "2024-03-05", "义诊", "义诊", 5]]})
    with zipfile.ZipFile(path) as z:
        xml = z.read(SHEET)
    merge = b'</sheetData><mergeCells count="1"><mergeCell ref="A3:XFD1048576"/></mergeCells>'
    _replace_part(path, SHEET, xml.replace(b"</sheetData>", merge))
    plan = import_workbook(clinic, path)
    assert plan.ok and clinic.count("activity") == 1


def _with_shared_strings(tmp_path: Path, text: bytes) -> Path:
    """An activity workbook whose one title is the shared string `text`, as Excel writes them."""
    path = _activity_book(tmp_path, "", dimension="A1:E2")
    with zipfile.ZipFile(path) as z:
        types, sheet = z.read("[Content_Types].xml"), z.read(SHEET)
    override = (b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    _replace_part(path, "[Content_Types].xml", types.replace(b"</Types>", override))
    _replace_part(path, SHEET, re.sub(rb'<c r="D2" t="inlineStr"><is><t>[^<]*</t></is></c>',
                                      b'<c r="D2" t="s"><v>0</v></c>', sheet))
    strings = (f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{NS}" count="1" '
               f'uniqueCount="1"><si><t>').encode() + text + b"</t></si></sst>"
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/sharedStrings.xml", strings)
    return path


def test_a_workbook_with_shared_strings_reads(clinic, tmp_path):
    plan = plan_import(clinic, _with_shared_strings(tmp_path, "春季义诊".encode()))
    assert plan.ok and plan.new_activities[0][0]["title"] == "春季义诊"


def test_a_gigabyte_of_shared_strings_is_refused_from_the_zip_directory(clinic, tmp_path):
    path = _with_shared_strings(tmp_path, b"a" * 1000)
    _claim_size(path, "xl/sharedStrings.xml", 1 << 30)
    with pytest.raises(WorkbookError, match=r"共享字符串表（所有单元格的文字）解压后有 1,024 MB，"
                                            r"超过上限 32 MB"):
        plan_import(clinic, path)


def test_a_really_big_shared_string_is_refused(clinic, tmp_path):
    path = _with_shared_strings(tmp_path, b"a" * (40 << 20))
    assert path.stat().st_size < 1 << 20
    with pytest.raises(WorkbookError, match="解压后有 40 MB，超过上限 32 MB"):
        plan_import(clinic, path)


@pytest.mark.parametrize("part,limit", [(SHEET, "256 MB"), ("xl/styles.xml", "64 MB"),
                                        ("xl/workbook.xml", "16 MB")])
def test_oversized_parts_are_refused_naming_the_part(clinic, tmp_path, part, limit):
    path = write_book(tmp_path / "大.xlsx", {"活动": [ACTIVITY_HEADER]})
    _claim_size(path, part, 1 << 31)
    with pytest.raises(WorkbookError, match=f"“{part}”解压后有 2,048 MB，超过上限 {limit}"):
        plan_import(clinic, path)


def test_long_text_is_refused_naming_the_limit_and_not_quoted_whole(clinic, tmp_path):
    title = "长" * 5000
    plan = plan_rows(clinic, tmp_path / "长.xlsx",
                     {"活动": [ACTIVITY_HEADER, ["甲镇卫生院", "2024-03-05", "义诊", title, 5]]})
    assert refusal_texts(plan) == ["工作表“活动”第 2 行“活动名称”列：内容过长（5,000 个字符，上限 "
                                   "2,000 个）"]


def test_a_task_list_workbook_is_read_within_the_same_limits(tmp_path):
    from reports.plan import tasks

    path = _with_shared_strings(tmp_path, b"a" * 1000)
    _claim_size(path, "xl/sharedStrings.xml", 1 << 30)
    with pytest.raises(WorkbookError, match="共享字符串表.*超过上限 32 MB"):
        tasks.parse_sheet(path)
