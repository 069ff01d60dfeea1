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
