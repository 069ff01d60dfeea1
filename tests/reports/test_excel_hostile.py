"""Workbooks and names from strangers' PCs: text that would run as a formula, implausible dates and
shares, hidden sheets, and workbooks built to exhaust time or memory."""

from __future__ import annotations

import csv
import datetime as _dt
import io
from pathlib import Path
import re
import zipfile

import openpyxl
import pytest

from db.county import CountyFile
from reports.evidence_export import INDEX_NAME, csv_cell, export_evidence
from reports.excel_export import export_workbook
from reports.excel_import import import_workbook, plan_import
from reports.excel_template import write_template
from reports.excel_vocab import WorkbookError

from .excel_books import (blank_county_file, county, plan_rows, refusal_texts, write_book)

__all__ = ["blank_county_file", "county"]  # fixtures, used by name

YEAR = 2024
NASTY = ["=HYPERLINK(\"http://x\",\"点我\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)",
         "＝SUM(9)", "=1+1"]
ACTIVITY_HEADER = ["机构名称", "活动日期", "活动类型", "活动名称", "参与人数"]


def _formula_cells(path: Path) -> list[str]:
    """Cells the file itself marks as formulas (<f> elements), in any sheet."""
    with zipfile.ZipFile(path) as z:
        return [name for name in z.namelist()
                if name.startswith("xl/worksheets/") and b"<f>" in z.read(name)
                or b"<f " in z.read(name)]


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
    out = export_evidence(county, tmp_path / "佐证")
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
