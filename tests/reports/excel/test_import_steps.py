"""Each step of the importer on its own: reading sheets within bounds, finding a sheet's header
and reading a row into a record, planning one row, applying a plan in one transaction."""

from __future__ import annotations

from pathlib import Path

import pytest

from db.county import CountyFile
from reports.excel.importer import plan_import
from reports.excel.importer.apply import apply
from reports.excel.importer.plan import ImportPlan, RowRefused, fingerprint
from reports.excel.importer.planner import Planner
from reports.excel.importer.sheets import identify, read_row
from reports.excel.importer.workbook import read_sheets

from .excel_books import blank_county_file, county, write_book

__all__ = ["blank_county_file", "county"]  # fixtures, used by name

HEADER = ("序号", "机构名称", "机构类型", "所属乡镇", "年度", "执业（助理）医师数",
          "中医类别执业（助理）医师数")


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return write_book(tmp_path / "机构.xlsx", {
        "机构": [("青河县2024年基层机构情况",), HEADER,
                 (1, "甲镇卫生院", "乡镇卫生院", "甲镇", 2024, 10, 3),
                 (2, "乙镇卫生院", "乡镇卫生院", "乙镇", 2024, 5, 9)],
        "说明": [("随便写点什么",)],
    })


def test_step_1_reads_every_visible_sheet_as_rows(book: Path) -> None:
    raws, hidden = read_sheets(book)
    assert [r.name for r in raws] == ["机构", "说明"] and hidden == []
    assert raws[0].rows[2][1] == "甲镇卫生院"


def test_step_2_finds_the_header_under_a_title_and_reads_a_row_into_a_record(
        book: Path, county: CountyFile) -> None:
    plan = ImportPlan(county, book, 2024)
    raws, _ = read_sheets(book)
    sheet = identify(raws[0], plan)
    assert sheet is not None and sheet.kind == "institution" and sheet.header_row == 1
    assert identify(raws[1], plan) is None and plan.ignored_sheets == ["说明"]
    row = read_row(sheet, 3, sheet.rows[2])
    assert row.values["name"] == "甲镇卫生院" and row.values["physicians"] == 10
    assert row.origin("physicians").row == 3  # as Excel shows it


def test_steps_3_and_4_check_a_row_and_plan_its_change_or_refuse_it(
        book: Path, county: CountyFile) -> None:
    plan = ImportPlan(county, book, 2024)
    sheet = identify(read_sheets(book)[0][0], plan)
    assert sheet is not None
    planner = Planner(county, plan)
    planner.institution_row(read_row(sheet, 3, sheet.rows[2]))
    assert [r.values["name"] for r in plan.institutions] == ["甲镇卫生院"]
    with pytest.raises(RowRefused) as refused:  # 9 TCM physicians of 5 in all
        planner.institution_row(read_row(sheet, 4, sheet.rows[3]))
    assert any("中医类别" in str(r) and r.row == 4 for r in refused.value.refusals)


def test_step_5_applies_a_plan_whole_or_not_at_all(tmp_path: Path, county: CountyFile) -> None:
    good = write_book(tmp_path / "好.xlsx",
                      {"机构": [HEADER, (1, "甲镇卫生院", "乡镇卫生院", "甲镇", 2024, 10, 3)]})
    plan = plan_import(county, good)
    before = fingerprint(county)
    apply(plan)
    assert fingerprint(county) > before
    assert [r["name"] for r in county.rows("institution")] == ["甲镇卫生院"]
