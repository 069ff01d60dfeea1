"""Export to Excel: the contract's header words, a printable indicator sheet, and a workbook that
imports back without changing anything."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from db.county import CountyFile
from reports.excel.export import export_workbook
from reports.excel.importer import apply, import_workbook, plan_import
from reports.excel.vocab import WorkbookError
from reports.judge.evaluation import evaluate

from tests.reports.conftest import TODAY
from .excel_books import blank_county_file, county, demo, demo_file, digest

__all__ = ["blank_county_file", "county", "demo", "demo_file"]  # fixtures, used by name

YEAR = 2024
SHEETS = ["指标结果", "未达标机构", "机构", "中医馆、中医阁", "人员配备", "活动记录", "全县情况",
          "评分情况", "数据核查"]
IDENTITY = ["序号", "机构名称", "机构代码", "机构类型", "所属乡镇"]
HEADERS = {
    "机构": [*IDENTITY, "上级机构", "公立/民营", "年度", "启用年度", "停用年度"],
    "中医馆、中医阁": [*IDENTITY, "年度", "是否设置中医馆", "中医馆达标情况", "中医馆等级",
                   "是否接入中医馆健康信息平台", "是否设置中医阁", "是否具备中医药服务场所和设备",
                   "适宜技术类数", "适宜技术项数", "总诊疗人次", "中医诊疗人次",
                   # the standard's facts (issue 16), after the contract's columns
                   "中医馆面积", "中医诊室数", "中医治疗室数", "中医治疗室面积"],
    "人员配备": [*IDENTITY, "年度", "执业（助理）医师数", "中医类别执业（助理）医师数",
             "能提供中医药服务的其他人员数", "中医类别全科医生数", "西学中人数", "是否设置治未病科",
             "是否设置康复科", "是否设置感染性疾病科", "医院等级", "是否设置基层指导科",
             "是否设置中医药适宜技术推广中心", "是否设置中医科", "是否设置中药房", "是否设置煎药室",
             "是否设置中医健康宣教基地", "家庭医生团队数",
             "有中医药人员的家庭医生团队数"],
    "活动记录": ["序号", "机构名称", "机构代码", "活动日期", "活动类型", "活动名称", "参与人数",
             "是否中医药内容"],
    "全县情况": ["年度", "常住人口", "65岁及以上常住居民数", "接受中医药健康管理的65岁及以上居民数",
             "0-36个月儿童数", "接受中医药健康管理的0-36个月儿童数", "医联体覆盖人口",
             "群众中医药服务满意率", "中医药健康文化素养水平"],
    "指标结果": ["序号", "编号", "指标名称", "实际值", "目标", "上年", "达标情况", "差距", "未达标机构",
             "未填报机构"],
    "数据核查": ["序号", "乡镇（街道）", "机构", "核查项", "上年", "本年", "说明", "核实情况", "核实说明"],
}


@pytest.fixture(scope="module")
def exported(demo_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's 2024 export, written once: tests only read it (or import it elsewhere)."""
    with CountyFile.open(demo_file, daily_backup=False, machine="0" * 32) as county:
        return export_workbook(county, YEAR, tmp_path_factory.mktemp("export") / "导出.xlsx")


def test_sheets_and_headers_use_the_contracts_words(exported):
    book = openpyxl.load_workbook(exported)
    assert book.sheetnames == SHEETS
    for name, headers in HEADERS.items():
        ws = book[name]
        assert [c.value for c in ws[2]] == headers, name
        assert "2024年度" in ws["A1"].value


def test_every_data_check_finding_is_in_the_export_the_report_names(demo, exported):
    """The report's 数据核查 appendix prints a summary and sends the reader to this sheet."""
    from reports.judge.checks import find_checks

    rows = list(openpyxl.load_workbook(exported)["数据核查"].iter_rows(min_row=3,
                                                                       values_only=True))
    found = find_checks(demo, YEAR)
    assert found and len(rows) == len(found)
    assert {(r[2], r[3]) for r in rows} == {(f.institution, f.label) for f in found}


def test_every_active_institution_and_the_years_activities_are_exported(demo, exported):
    book = openpyxl.load_workbook(exported)
    names = [r[1] for r in book["人员配备"].iter_rows(min_row=3, values_only=True)]
    assert sorted(names) == sorted(r["name"] for r in demo.rows("institution"))
    activities = list(book["活动记录"].iter_rows(min_row=3, values_only=True))
    assert len(activities) == demo.count("activity", "date LIKE '2024-%'")
    assert all(a[3].year == 2024 for a in activities)


def test_the_export_imports_back_unchanged(demo, exported):
    before = digest(demo.path)
    plan = plan_import(demo, exported)
    assert plan.ok, [str(r) for r in plan.refusals]
    assert not plan.has_changes, plan.summary_text()
    assert plan.unknown_columns == [] and plan.ignored_sheets == []
    apply(plan)
    assert digest(demo.path) == before


def test_an_export_imported_into_an_empty_county_judges_the_same(demo, county, exported):
    plan = import_workbook(county, exported)
    assert plan.ok and county.count("institution") == demo.count("institution")

    def judged(c: CountyFile) -> list[tuple]:
        return [(r.id, r.value, r.numerator, r.denominator, r.met,
                 sorted((f.institution, f.value) for f in r.failing))
                for r in evaluate(c, YEAR, today=TODAY).results]

    assert judged(county) == judged(demo)


def test_the_indicator_sheet_is_set_up_for_printing(demo, exported):
    ws = openpyxl.load_workbook(exported)["指标结果"]
    assert ws.freeze_panes == "A3"
    assert ws.print_title_rows.replace("$", "") == "1:2"
    assert ws.page_setup.orientation == "landscape"
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.column_dimensions["C"].width >= 30 and ws.column_dimensions["I"].width >= 40
    evaluation = evaluate(demo, YEAR)
    rows = {r[1]: r for r in ws.iter_rows(min_row=3, values_only=True)}
    cells = {ws.cell(i, 2).value: ws.cell(i, 4) for i in range(3, ws.max_row + 1)}
    for result in evaluation.results:
        row = rows[result.id]
        assert row[2] == result.name and row[6] in ("达标", "未达标", "无数据", "不考核", "不计分")
        # The standard's 0-point items are statistics here too, never 达标 or 未达标.
        assert (row[6] == "不计分") == result.statistic, result.id
        if result.kind == "share" and result.value is not None:
            assert cells[result.id].number_format == "0.0%"
            assert row[3] == pytest.approx(result.value)
        for failing in result.failing:
            assert failing.institution in row[8]
    b3 = evaluation.result("B3")
    assert b3 is not None and b3.failing, "the demo has village clinics short of 4类6项"
    detail = openpyxl.load_workbook(exported)["未达标机构"]
    assert sum(1 for r in detail.iter_rows(min_row=3, values_only=True) if r[1] == "B3") \
        == len(b3.failing)


def test_values_are_cells_of_the_right_kind(exported):
    book = openpyxl.load_workbook(exported)
    county_row = book["全县情况"][3]
    assert county_row[7].number_format == "0.0%" and 0 < county_row[7].value <= 1
    activity = book["活动记录"][3]
    assert activity[3].is_date and activity[3].number_format == "yyyy-mm-dd"
    hall = [c.value for c in book["中医馆、中医阁"][3]]
    assert hall[0] == 1 and isinstance(hall[13], int)


def test_a_year_without_data_exports_empty_sheets_that_import_as_nothing(demo, tmp_path):
    out = export_workbook(demo, 2030, tmp_path / "空.xlsx")
    book = openpyxl.load_workbook(out)
    assert book["活动记录"].max_row == 2
    plan = plan_import(demo, out)
    assert plan.ok and not plan.has_changes


def test_the_export_replaces_a_file_whole_and_leaves_no_temporary_file(demo, tmp_path):
    out = tmp_path / "导出.xlsx"
    out.write_bytes(b"old")
    export_workbook(demo, YEAR, out)
    assert openpyxl.load_workbook(out).sheetnames == SHEETS
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".xlsx") == ["导出.xlsx"]


def test_an_export_that_cannot_be_written_says_so(demo, tmp_path):
    with pytest.raises(WorkbookError, match="无法写入"):
        export_workbook(demo, YEAR, tmp_path / "没有这个文件夹" / "导出.xlsx")
    assert not (tmp_path / "没有这个文件夹").exists()


def test_export_of_the_demo_twice_is_stable(demo, tmp_path):
    """Same data, same cells: a bureau can diff two exports."""
    def cells(path: Path) -> list:
        book = openpyxl.load_workbook(path)
        return [list(ws.iter_rows(values_only=True)) for ws in book.worksheets]

    a = export_workbook(demo, YEAR, tmp_path / "a.xlsx")
    b = export_workbook(demo, YEAR, tmp_path / "b.xlsx")
    assert cells(a) == cells(b)



def test_the_score_sheet_lists_every_item_and_the_total(exported):
    ws = openpyxl.load_workbook(exported)["评分情况"]
    header = [c.value for c in ws[2]]
    assert header == ["序号", "条目", "编号", "评分项", "满分", "得分", "必备", "得分情况", "说明"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=3) if row[0].value]
    g01 = next(r for r in rows if r[2] == "G01")
    assert (g01[1], g01[4], g01[5], g01[6]) == ("一（一）1", 3, 0, "是")
    total = next(c.value for row in ws.iter_rows() for c in row
                 if isinstance(c.value, str) and c.value.startswith("合计得分"))
    assert "满分 100 分，合格线 80 分" in total and "必备项未达到：G01" in total
