"""Activities in a workbook as a clerk would get them wrong: a date in another year than the
workbook's (said row by row before anything is written, and counted where it is dated), and an
activity of an institution whose own row was refused (named as that row, not as a stranger)."""

from __future__ import annotations

from desktop.cli import main
from reports.excel.importer import apply

from tests.reports.conftest import inst
from .excel_books import blank_county_file, county, plan_rows, refusal_texts, write_book

ACTIVITY = ["机构名称", "活动日期", "活动类型", "活动名称", "参与人数"]
FACTS = ["机构名称", "机构类型", "年度", "执业（助理）医师数", "中医类别执业（助理）医师数"]


def test_an_activity_dated_in_another_year_is_named_before_importing(county, tmp_path):
    inst(county, "甲镇卫生院", "township_hc")
    plan = plan_rows(county, tmp_path / "2026.xlsx", {
        "机构": [FACTS, ["甲镇卫生院", "乡镇卫生院", 2026, 10, 3]],
        "活动": [ACTIVITY, ["甲镇卫生院", "2026/3/5", "义诊", "春季义诊", 40],
                 ["甲镇卫生院", "2024/3/5", "健康讲座", "养生讲座", 30]]})
    assert plan.ok  # a warning, not a refusal: a log of earlier years imports the same way
    text = plan.summary_text()
    assert ("请注意：有 1 条活动的日期不在本工作簿的年度（2026年）内，导入后计入活动日期所在的年度"
            "（2024年 1 条），不计入2026年。") in text
    assert "  工作表“活动”第 3 行：活动日期 2024-03-05" in text
    assert "第 2 行：活动日期" not in text
    apply(plan)
    dates = sorted(r["date"] for r in county.rows("activity"))
    assert dates == ["2024-03-05", "2026-03-05"]  # counted where it is dated, as the clerk was told


def test_an_activity_only_workbook_is_read_against_the_import_year(county, tmp_path):
    inst(county, "甲镇卫生院", "township_hc")
    sheets = {"活动": [ACTIVITY, ["甲镇卫生院", "2025-12-30", "义诊", "冬季义诊", 12]]}
    plan = plan_rows(county, tmp_path / "log.xlsx", sheets, year=2026)
    assert plan.ok and "不在本工作簿的年度（2026年）内" in plan.summary_text()
    assert "请注意" not in plan_rows(county, tmp_path / "log2.xlsx", sheets, year=2025).summary_text()
    # Without a year anywhere there is nothing to compare with: no warning.
    assert "请注意" not in plan_rows(county, tmp_path / "log3.xlsx", sheets).summary_text()


def test_the_command_line_prints_the_warning_and_imports(county, tmp_path, capsys):
    inst(county, "甲镇卫生院", "township_hc")
    book = write_book(tmp_path / "b.xlsx", {
        "活动": [ACTIVITY, ["甲镇卫生院", "2024年3月5日", "义诊", "义诊", 5]]})
    county.close()
    assert main(["import-excel", str(county.path), str(book), "--year", "2026"]) == 0
    out = capsys.readouterr().out
    assert "工作表“活动”第 2 行：活动日期 2024-03-05" in out and "导入完成" in out


def test_an_activity_of_a_refused_institution_row_points_at_that_row(county, tmp_path):
    plan = plan_rows(county, tmp_path / "new.xlsx", {
        "机构": [FACTS, ["甲镇卫生院", "乡镇卫生院", 2024, 10, 30]],  # 30 TCM of 10: refused
        "活动": [ACTIVITY, ["甲镇卫生院", "2024-03-05", "义诊", "义诊", 40],
                 ["乙镇卫生院", "2024-03-05", "义诊", "义诊", 40]]})
    texts = refusal_texts(plan)
    assert texts[0].startswith("工作表“机构”第 2 行“中医类别执业（助理）医师数”列：")
    assert texts[1] == ("工作表“活动”第 2 行“机构名称”列：“甲镇卫生院”在工作表“机构”第 2 行，"
                        "但该行被拒绝（原因见该行），机构未能新增；改正该行后，本行随之导入")
    assert "不在本工作簿的机构表中" not in texts[1]
    # One nobody has heard of is still named as such.
    assert texts[2].startswith("工作表“活动”第 3 行“机构名称”列：“乙镇卫生院”不在本县机构名单中")


def test_a_new_institution_without_a_type_is_the_row_its_activities_point_at(county, tmp_path):
    plan = plan_rows(county, tmp_path / "new.xlsx", {
        "机构": [["机构名称", "年度", "执业（助理）医师数"], ["甲 镇卫生院", 2024, 10]],
        "活动": [ACTIVITY, ["甲镇卫生院", "2024-03-05", "义诊", "义诊", 40]]})
    first, second = refusal_texts(plan)
    assert "新增机构须填写机构类型" in first
    assert second.startswith("工作表“活动”第 2 行“机构名称”列：“甲镇卫生院”在工作表“机构”第 2 行，但该行被拒绝")
