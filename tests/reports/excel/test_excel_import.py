"""Importing workbooks as bureaus fill them: every tolerance and every refusal of contract.md's
Excel vocabulary, all-or-nothing writes, and importing twice changing nothing."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any
import zipfile

import pytest

from db.county import CountyFile
from db.errors import KnownError
from reports.excel.importer import planner as excel_planner, workbook as excel_workbook
from reports.excel.importer import ImportRefused, apply, import_workbook, plan_import
from reports.excel.vocab import WorkbookError

from tests.reports.conftest import act, inst
from .excel_books import blank_county_file, county, digest, plan_rows, refusal_texts, write_book

__all__ = ["blank_county_file", "county"]  # fixtures, used by name

YEAR = 2024
INST = ["机构名称", "机构类型", "年度"]


def year_facts(county: CountyFile, name: str, year: int = YEAR) -> dict[str, Any]:
    rows = county.query("SELECT y.* FROM institution_year y JOIN institution i "
                        "ON i.id = y.institution_id WHERE i.name = ? AND y.year = ?", (name, year))
    assert len(rows) == 1, f"{name} has {len(rows)} records for {year}"
    return rows[0]


def institution(county: CountyFile, name: str) -> dict[str, Any]:
    rows = county.rows("institution", "name = ?", (name,))
    assert len(rows) == 1
    return rows[0]


def imported(county: CountyFile, tmp_path: Path, sheets: dict[str, Any], **kw: Any):
    """Plan and apply a workbook that must import cleanly; returns the plan."""
    plan = plan_rows(county, tmp_path / "book.xlsx", sheets, **kw)
    assert plan.ok, refusal_texts(plan)
    apply(plan)
    return plan


def refused(county: CountyFile, tmp_path: Path, sheets: dict[str, Any], **kw: Any) -> list[str]:
    """Refusals of a workbook that must not import; checks that nothing was written."""
    before = digest(county.path)
    plan = plan_rows(county, tmp_path / "bad.xlsx", sheets, **kw)
    assert not plan.ok
    with pytest.raises(ImportRefused):
        apply(plan)
    assert digest(county.path) == before
    return refusal_texts(plan)


# ---- finding the header and the columns ---------------------------------------------------------

def test_header_found_under_a_merged_title_and_two_row_group_headers(county, tmp_path):
    rows = [
        ["青河县2024年度基层中医药工作情况统计表"],
        ["填报单位：（盖章）", None, None, None, None, "单位：人、人次"],
        ["机构名称", "机构类型", "人员配备", None, "诊疗情况", None],
        [None, None, "执业（助理）\n医师数（人）", "中医类别执业(助理)医师数", "总诊疗人次（人次）",
         " 中医诊疗 人次 "],
        ["青石镇卫生院", "乡镇卫生院", 20, 6, 30000, 12000],
    ]
    merges = {"表一": ["A1:F1", "A3:A4", "B3:B4", "C3:D3", "E3:F3"]}
    imported(county, tmp_path, {"表一": rows}, year=YEAR, book={"merges": merges})
    facts = year_facts(county, "青石镇卫生院")
    assert (facts["physicians"], facts["tcm_physicians"], facts["visits"],
            facts["tcm_visits"]) == (20, 6, 30000, 12000)


@pytest.mark.parametrize("header", [
    "执业（助理）医师数", "执业(助理)医师数", "执业 （助理） 医师数", "执业（助理）\n医师数",
    "执业（助理）医师数（人）", "执业(助理)医师数(人)", "执业（助理）医师数（个）", "*执业（助理）医师数",
])
def test_header_spellings_are_tolerated(county, tmp_path, header):
    imported(county, tmp_path, {"s": [[*INST, header], ["甲卫生院", "乡镇卫生院", YEAR, 9]]})
    assert year_facts(county, "甲卫生院")["physicians"] == 9


def test_a_scaled_unit_is_not_taken_for_a_plain_count(county, tmp_path):
    plan = plan_rows(county, tmp_path / "b.xlsx",
                     {"s": [[*INST, "总诊疗人次（万人次）"], ["甲卫生院", "乡镇卫生院", YEAR, 3.2]]})
    assert plan.ok and ("s", "总诊疗人次（万人次）") in plan.unknown_columns


@pytest.mark.parametrize("header", ["所属乡镇", "所属乡镇（街道）", "乡镇/街道", "所属乡镇(街道)"])
def test_township_header_aliases(county, tmp_path, header):
    imported(county, tmp_path, {"s": [["机构名称", "机构类型", header],
                                      ["甲卫生院", "乡镇卫生院", "甲镇"]]})
    assert institution(county, "甲卫生院")["township"] == "甲镇"


@pytest.mark.parametrize("header", ["机构代码", "统一社会信用代码", "登记号"])
def test_code_header_aliases(county, tmp_path, header):
    imported(county, tmp_path, {"s": [["机构名称", "机构类型", header],
                                      ["甲卫生院", "乡镇卫生院", "12530000MB0000001X"]]})
    assert institution(county, "甲卫生院")["code"] == "12530000MB0000001X"


def test_column_order_does_not_matter_and_unknown_columns_are_named(county, tmp_path):
    rows = [["联系电话", "中医诊疗人次", "年度", "机构类型", "总诊疗人次", "机构名称", "负责人"],
            ["0571-1234", 400, YEAR, "村卫生室", 1000, "张家村卫生室", "张三"]]
    plan = imported(county, tmp_path, {"村卫生室": rows})
    facts = year_facts(county, "张家村卫生室")
    assert (facts["visits"], facts["tcm_visits"]) == (1000, 400)
    assert plan.unknown_columns == [("村卫生室", "联系电话"), ("村卫生室", "负责人")]
    assert "未识别的列（已忽略）：村卫生室“联系电话”；村卫生室“负责人”" in plan.summary_text()


def test_sheet_kinds_are_recognised_by_headers_not_names(county, tmp_path):
    inst(county, "甲镇卫生院", "township_hc")
    imported(county, tmp_path, {
        "Sheet1": [["机构名称", "活动日期", "活动类型", "活动名称"],
                   ["甲镇卫生院", "2024-05-01", "义诊", "五一义诊"]],
        "Sheet2": [["年度", "常住人口"], [YEAR, 318000]],
        "活动": [["机构名称", "机构类型"], ["乙镇卫生院", "乡镇卫生院"]],
    })
    assert county.count("activity") == 1
    assert county.rows("county_year")[0]["resident_population"] == 318000
    assert institution(county, "乙镇卫生院")["type"] == "township_hc"


# ---- values in every spelling -------------------------------------------------------------------

YES = ["是", "有", "√", "✓", "Y", "1", 1, True, "y"]
NO = ["否", "无", "×", "✗", "N", "0", 0, False]


def test_yes_no_spellings(county, tmp_path):
    words = [*YES, *NO]
    rows = [["机构名称", "机构类型", "年度", "是否具备中医药服务场所和设备"]]
    rows += [[f"站{i}", "社区卫生服务站", YEAR, w] for i, w in enumerate(words)]
    imported(county, tmp_path, {"s": rows})
    got = [year_facts(county, f"站{i}")["service_place"] for i in range(len(words))]
    assert got == [1] * len(YES) + [0] * len(NO)


@pytest.mark.parametrize("cell,expected", [
    (12, 12), (12.0, 12), ("12", 12), ("12.0", 12), ("１２", 12), ("1,234", 1234),
    ("１，２３４", 1234), (" 7 ", 7), ("30人", 30),
])
def test_integer_spellings(county, tmp_path, cell, expected):
    imported(county, tmp_path, {"s": [[*INST, "总诊疗人次"], ["甲卫生院", "乡镇卫生院", YEAR, cell]]})
    assert year_facts(county, "甲卫生院")["visits"] == expected


@pytest.mark.parametrize("cell", ["—", "-", "/", "", "  ", "－", "——", None])
def test_not_reported_keeps_what_the_file_has(county, tmp_path, cell):
    inst(county, "甲卫生院", "township_hc", {"visits": 5000, "tcm_visits": 2000})
    rows = [[*INST, "总诊疗人次", "中医诊疗人次"], ["甲卫生院", "乡镇卫生院", YEAR, cell, 2100]]
    imported(county, tmp_path, {"s": rows})
    facts = year_facts(county, "甲卫生院")
    assert (facts["visits"], facts["tcm_visits"]) == (5000, 2100)


def test_date_spellings(county, tmp_path):
    inst(county, "甲镇卫生院", "township_hc")
    dates = [_dt.date(2024, 3, 5), _dt.datetime(2024, 3, 5), "2024-03-05", "2024/3/5",
             "2024年3月5日", "2024.3.5", 45356, "20240305"]
    rows = [["机构名称", "活动日期", "活动类型", "活动名称"]]
    rows += [["甲镇卫生院", d, "健康讲座", f"讲座{i}"] for i, d in enumerate(dates)]
    imported(county, tmp_path, {"活动": rows})
    assert {r["date"] for r in county.rows("activity")} == {"2024-03-05"}
    assert county.count("activity") == len(dates)


def test_satisfaction_spellings(county, tmp_path):
    rows = [["年度", "常住人口", "群众中医药服务满意率"],
            [2021, 1000, 0.92], [2022, 1000, "92%"], [2023, 1000, 92], [2024, 1000, "０.９２"],
            [2025, 1000, 0.92]]
    imported(county, tmp_path, {"全县": rows}, book={"formats": {"全县": {"C6": "0%"}}})
    assert [r["satisfaction"] for r in county.rows("county_year", order="year")] == [0.92] * 5


def test_fitness_exercises_are_traditional_fitness(county, tmp_path):
    inst(county, "甲镇卫生院", "township_hc")
    rows = [["机构名称", "活动日期", "活动类型", "活动名称"],
            ["甲镇卫生院", "2024-04-01", "八段锦", "广场八段锦"],
            ["甲镇卫生院", "2024-04-02", "太极拳", "太极拳推广"],
            ["甲镇卫生院", "2024-04-03", "中医药健康讲座", "春季养肝"]]
    imported(county, tmp_path, {"活动": rows})
    kinds = sorted(r["kind"] for r in county.rows("activity"))
    assert kinds == ["传统健身", "传统健身", "健康讲座"]


@pytest.mark.parametrize("word,key", [
    ("县级中医医院", "county_tcm_hospital"), ("中医医院", "county_tcm_hospital"),
    ("中蒙医院", "county_tcm_hospital"), ("中医院", "county_tcm_hospital"),
    ("县级综合医院", "county_general_hospital"), ("人民医院", "county_general_hospital"),
    ("综合医院", "county_general_hospital"), ("妇幼保健院", "maternal_child"),
    ("妇幼保健所", "maternal_child"), ("妇幼保健计划生育服务中心", "maternal_child"),
    ("社区卫生服务中心", "chc"), ("乡镇卫生院", "township_hc"), ("中心卫生院", "township_hc"),
    ("社区卫生服务站", "chs"), ("村卫生室", "village_clinic"), ("中医诊所", "tcm_clinic"),
    ("中医门诊部", "tcm_clinic"), ("其他", "other"),
])
def test_institution_type_words(county, tmp_path, word, key):
    imported(county, tmp_path, {"s": [["机构名称", "机构类型"], ["某机构", word]]})
    assert institution(county, "某机构")["type"] == key


def test_totals_notes_blank_and_unit_rows_are_skipped(county, tmp_path):
    rows = [[*INST, "执业（助理）医师数"],
            [None, None, None, "（人）"],
            ["甲卫生院", "乡镇卫生院", YEAR, 10],
            [None, None, None, None],
            ["乙卫生院", "乡镇卫生院", YEAR, 12],
            ["小计", None, None, 22],
            ["合 计", None, None, 22],
            ["总计", None, None, 22],
            ["全县合计", None, None, 22],
            ["填表说明：人数填整数", None, None, None],
            ["备注：乙卫生院为中心卫生院", None, None, None],
            ["注：数据截至12月31日", None, None, None]]
    plan = imported(county, tmp_path, {"s": rows})
    assert county.count("institution") == 2
    assert (plan.rows_accepted, plan.rows_skipped) == (2, 8)


def test_a_note_in_the_name_column_behind_a_number_is_skipped(county, tmp_path):
    rows = [["序号", *INST], [1, "甲卫生院", "乡镇卫生院", YEAR], [2, "备注：乙卫生院已撤并", None, None]]
    plan = imported(county, tmp_path, {"s": rows})
    assert (plan.rows_accepted, plan.rows_skipped) == (1, 1)


def test_column_number_row_under_the_header_is_skipped(county, tmp_path):
    rows = [[*INST, "执业（助理）医师数"], [1, 2, 3, 4], ["甲卫生院", "乡镇卫生院", YEAR, 10]]
    imported(county, tmp_path, {"s": rows})
    assert county.count("institution") == 1


# ---- 中医馆: one stored state behind two columns ----------------------------------------------------

def test_hall_yes_alone_means_built_for_a_new_hall(county, tmp_path):
    imported(county, tmp_path, {"s": [[*INST, "是否设置中医馆"], ["甲卫生院", "乡镇卫生院", YEAR, "是"]]})
    assert year_facts(county, "甲卫生院")["hall_state"] == "built"


def test_hall_yes_alone_keeps_a_better_state(county, tmp_path):
    inst(county, "甲卫生院", "township_hc", {"hall_state": "standard"})
    plan = imported(county, tmp_path, {"s": [[*INST, "是否设置中医馆"],
                                             ["甲卫生院", "乡镇卫生院", YEAR, "是"]]})
    assert year_facts(county, "甲卫生院")["hall_state"] == "standard"
    assert not plan.has_changes


def test_hall_no_means_none_and_state_words_are_read(county, tmp_path):
    rows = [[*INST, "是否设置中医馆", "中医馆达标情况", "中医馆等级"],
            ["甲卫生院", "乡镇卫生院", YEAR, "否", None, None],
            ["乙卫生院", "乡镇卫生院", YEAR, "是", "提档升级", "精品"],
            ["丙卫生院", "乡镇卫生院", YEAR, None, "已建未达标", "普通"],
            ["丁卫生院", "乡镇卫生院", YEAR, "√", "达标", "示范"]]
    imported(county, tmp_path, {"s": rows})
    got = {n: (year_facts(county, n)["hall_state"], year_facts(county, n)["hall_grade"])
           for n in ("甲卫生院", "乙卫生院", "丙卫生院", "丁卫生院")}
    assert got == {"甲卫生院": ("none", None), "乙卫生院": ("upgraded", "boutique"),
                   "丙卫生院": ("built", "normal"), "丁卫生院": ("standard", "model")}


@pytest.mark.parametrize("said,state", [("否", "达标"), ("否", "提档升级"), ("是", "未建")])
def test_hall_yes_no_contradicting_the_state_is_refused(county, tmp_path, said, state):
    texts = refused(county, tmp_path, {"机构": [[*INST, "是否设置中医馆", "中医馆达标情况"],
                                                ["甲卫生院", "乡镇卫生院", YEAR, said, state]]})
    assert texts == [(f"工作表“机构”第 2 行“是否设置中医馆”列：填“{said}”，但中医馆达标情况为"
                      f"“{state}”，两者矛盾")]


# ---- matching institutions ----------------------------------------------------------------------

def test_matched_by_code_even_when_renamed(county, tmp_path):
    iid = inst(county, "青石乡卫生院", "township_hc", code="QS001")
    plan = imported(county, tmp_path, {"s": [["机构代码", "机构名称", "机构类型"],
                                             ["QS001", "青石镇卫生院", "乡镇卫生院"]]})
    assert county.count("institution") == 1
    assert county.get("institution", iid)["name"] == "青石镇卫生院"
    assert "青石镇卫生院：机构名称 青石乡卫生院 → 青石镇卫生院" in plan.summary_text()


def test_matched_by_name_and_type_without_code(county, tmp_path):
    iid = inst(county, "青石镇卫生院", "township_hc")
    imported(county, tmp_path, {"s": [[*INST, "执业（助理）医师数"],
                                      [" 青石镇卫生院 ", "乡镇卫生院", YEAR, 8]]})
    assert county.count("institution") == 1
    assert year_facts(county, "青石镇卫生院")["institution_id"] == iid


def test_a_name_matching_two_institutions_is_refused(county, tmp_path):
    inst(county, "张家村卫生室", "village_clinic", township="甲镇")
    inst(county, "张家村卫生室", "village_clinic", township="乙镇")
    texts = refused(county, tmp_path, {"村": [[*INST, "总诊疗人次"],
                                              ["张家村卫生室", "村卫生室", YEAR, 100]]})
    assert len(texts) == 1
    assert texts[0].startswith("工作表“村”第 2 行“机构名称”列：名称“张家村卫生室”对应 2 家机构")
    assert "请填写机构代码" in texts[0]


def test_two_same_named_institutions_told_apart_by_code(county, tmp_path):
    # Two villages called 张家村 in two townships (one township may not hold the same name twice).
    a = inst(county, "张家村卫生室", "village_clinic", code="A1", township="甲镇")
    b = inst(county, "张家村卫生室", "village_clinic", code="B1", township="乙镇")
    imported(county, tmp_path, {"村": [["机构名称", "机构代码", "年度", "总诊疗人次"],
                                       ["张家村卫生室", "A1", YEAR, 100],
                                       ["张家村卫生室", "B1", YEAR, 200]]})
    visits = {r["institution_id"]: r["visits"] for r in county.rows("institution_year")}
    assert visits == {a: 100, b: 200}


def test_a_new_name_needs_a_type(county, tmp_path):
    texts = refused(county, tmp_path, {"机构": [["机构名称", "年度", "总诊疗人次"],
                                                ["新机构", YEAR, 100]]})
    assert texts == ["工作表“机构”第 2 行“机构类型”列：本县没有名为“新机构”的机构；新增机构须填写机构类型"]


def test_a_known_name_with_another_type_is_refused_not_duplicated(county, tmp_path):
    inst(county, "城关卫生院", "township_hc")
    texts = refused(county, tmp_path, {"机构": [["机构名称", "机构类型"], ["城关卫生院", "社区卫生服务中心"]]})
    assert texts[0].startswith("工作表“机构”第 2 行“机构类型”列：本县已有名为“城关卫生院”的乡镇卫生院")


def test_a_code_that_contradicts_the_file_is_refused(county, tmp_path):
    inst(county, "甲镇卫生院", "township_hc", code="QH001")
    texts = refused(county, tmp_path, {"机构": [["机构名称", "机构类型", "统一社会信用代码"],
                                                ["甲镇卫生院", "乡镇卫生院", "12345"]]})
    assert texts[0].startswith("工作表“机构”第 2 行“统一社会信用代码”列：机构代码“12345”与本县已有机构"
                               "“甲镇卫生院”的代码“QH001”不一致")


def test_an_unknown_code_fills_in_a_missing_code(county, tmp_path):
    iid = inst(county, "甲镇卫生院", "township_hc")
    imported(county, tmp_path, {"机构": [["机构名称", "机构类型", "机构代码"],
                                         ["甲镇卫生院", "乡镇卫生院", "QH001"]]})
    assert county.get("institution", iid)["code"] == "QH001"


def test_a_changed_type_is_the_type_for_that_year_only(county, tmp_path):
    iid = inst(county, "城关卫生院", "township_hc", {"visits": 10}, code="C1", year=2023)
    imported(county, tmp_path, {"机构": [["机构代码", "机构名称", "机构类型", "年度"],
                                         ["C1", "城关社区卫生服务中心", "社区卫生服务中心", YEAR]]})
    assert county.get("institution", iid)["type"] == "township_hc"
    assert county.rows("institution_year", "year = ?", (YEAR,))[0]["inst_type"] == "chc"
    # The same workbook again: the year's type is already chc, nothing changes.
    plan = plan_rows(county, tmp_path / "again.xlsx", {"机构": [
        ["机构代码", "机构名称", "机构类型", "年度"],
        ["C1", "城关社区卫生服务中心", "社区卫生服务中心", YEAR]]})
    assert plan.ok and not plan.has_changes


def test_parent_and_ownership_columns(county, tmp_path):
    imported(county, tmp_path, {"机构": [
        ["机构名称", "机构类型", "上级机构", "公立/民营"],
        ["张家村卫生室", "村卫生室", "甲镇卫生院", "民营"],
        ["甲镇卫生院", "乡镇卫生院", None, "公立"]]})
    centre = institution(county, "甲镇卫生院")
    clinic = institution(county, "张家村卫生室")
    assert (clinic["parent_id"], clinic["ownership"]) == (centre["id"], "private")


def test_an_unknown_parent_is_refused(county, tmp_path):
    texts = refused(county, tmp_path, {"机构": [["机构名称", "机构类型", "上级机构"],
                                                ["张家村卫生室", "村卫生室", "无名卫生院"]]})
    assert texts == ["工作表“机构”第 2 行“上级机构”列：上级机构“无名卫生院”不在本县机构名单中"]


# ---- the year -----------------------------------------------------------------------------------

def test_year_from_the_command_when_the_sheet_has_none(county, tmp_path):
    imported(county, tmp_path, {"s": [["机构名称", "机构类型", "总诊疗人次"],
                                      ["甲卫生院", "乡镇卫生院", 100]]}, year=2023)
    assert year_facts(county, "甲卫生院", 2023)["visits"] == 100


def test_the_rows_year_wins_over_the_command(county, tmp_path):
    imported(county, tmp_path, {"s": [[*INST, "总诊疗人次"], ["甲卫生院", "乡镇卫生院", "2022年", 100]]},
             year=2023)
    assert year_facts(county, "甲卫生院", 2022)["visits"] == 100


def test_no_year_anywhere_is_refused_once_for_the_sheet(county, tmp_path):
    texts = refused(county, tmp_path, {"s": [["机构名称", "机构类型", "总诊疗人次"],
                                             ["甲卫生院", "乡镇卫生院", 100],
                                             ["乙卫生院", "乡镇卫生院", 200]]})
    assert texts == ["工作表“s”第 1 行“年度”列：缺少“年度”列，导入时也未指定年度"]


# ---- refusals -----------------------------------------------------------------------------------

@pytest.mark.parametrize("columns,values,column,reason", [
    (["执业（助理）医师数", "中医类别执业（助理）医师数"], [5, 8], "中医类别执业（助理）医师数",
     "中医类别执业（助理）医师数（8）不能多于执业（助理）医师数（5）"),
    (["总诊疗人次", "中医诊疗人次"], [100, 101], "中医诊疗人次", "中医诊疗人次（101）不能多于总诊疗人次（100）"),
    (["适宜技术类数", "适宜技术项数"], [7, 6], "适宜技术类数", "适宜技术类数（7）不能多于适宜技术项数（6）"),
    (["执业（助理）医师数", "中医类别执业（助理）医师数", "西学中人数"], [10, 4, 7], "西学中人数",
     "西学中人数（7）不能多于非中医类别医师数（6）"),
    (["执业（助理）医师数"], [-3], "执业（助理）医师数", "不能为负数（-3）"),
    (["执业（助理）医师数"], ["-3"], "执业（助理）医师数", "不能为负数（-3）"),
    (["执业（助理）医师数"], [12.5], "执业（助理）医师数", "应为整数，收到“12.5”"),
    (["执业（助理）医师数"], ["十二"], "执业（助理）医师数", "应为整数，收到“十二”"),
    (["执业（助理）医师数"], [_dt.date(2024, 1, 1)], "执业（助理）医师数", "应为整数，收到日期“2024-01-01”"),
    (["是否接入中医馆健康信息平台"], ["也许"], "是否接入中医馆健康信息平台", "应为“是”或“否”，收到“也许”"),
    (["中医馆达标情况"], ["还行"], "中医馆达标情况",
     "“还行”不是可识别的中医馆达标情况（可填：未建、已建未达标、达标、提档升级）"),
    (["中医馆等级"], ["五星"], "中医馆等级", "“五星”不是可识别的中医馆等级（可填：普通、精品、示范）"),
    (["中医馆等级"], ["精品"], "中医馆等级", "未建中医馆的机构不能评为精品中医馆"),
])
def test_impossible_institution_values_are_refused(county, tmp_path, columns, values, column,
                                                   reason):
    """Each refusal names the cell's column once: "“执业（助理）医师数”列：不能为负数（-3）", not
    "…列：执业（助理）医师数：不能为负数（-3）"."""
    texts = refused(county, tmp_path, {"机构": [[*INST, *columns],
                                                ["甲卫生院", "乡镇卫生院", YEAR, *values]]})
    assert texts == [f"工作表“机构”第 2 行“{column}”列：{reason}"]


def test_a_year_outside_the_contract_range_is_refused(county, tmp_path):
    texts = refused(county, tmp_path, {"机构": [[*INST], ["甲卫生院", "乡镇卫生院", 2019]]})
    assert texts == ["工作表“机构”第 2 行“年度”列：年度 2019 不在 2020–2035 之间"]


def test_an_unknown_type_for_a_new_institution_is_refused(county, tmp_path):
    texts = refused(county, tmp_path, {"机构": [["机构名称", "机构类型"], ["某卫生所", "保健站"]]})
    assert texts[0].startswith("工作表“机构”第 2 行“机构类型”列：“保健站”不是可识别的机构类型（可填：")


def test_a_value_that_breaks_a_rule_with_the_files_own_value_is_refused(county, tmp_path):
    inst(county, "甲卫生院", "township_hc", {"tcm_physicians": 8})
    texts = refused(county, tmp_path, {"人员": [[*INST, "执业（助理）医师数"],
                                                ["甲卫生院", "乡镇卫生院", YEAR, 5]]})
    assert texts == [("工作表“人员”第 2 行“执业（助理）医师数”列：中医类别执业（助理）医师数（8）不能多于"
                      "执业（助理）医师数（5）")]


def test_two_sheets_that_disagree_are_refused(county, tmp_path):
    texts = refused(county, tmp_path, {
        "人员": [[*INST, "执业（助理）医师数"], ["甲卫生院", "乡镇卫生院", YEAR, 20]],
        "人员2": [[*INST, "执业(助理)医师数"], ["甲卫生院", "乡镇卫生院", YEAR, 21]]})
    assert texts == ["工作表“人员2”第 2 行“执业(助理)医师数”列：与工作表“人员”第 2 行填写的“20”不一致"]


@pytest.mark.parametrize("columns,values,column,reason", [
    (["65岁及以上常住居民数", "接受中医药健康管理的65岁及以上居民数"], [1000, 1200],
     "接受中医药健康管理的65岁及以上居民数",
     "接受中医药健康管理的65岁及以上居民数（1,200）不能多于65岁及以上常住居民数（1,000）"),
    (["0-36个月儿童数", "接受中医药健康管理的0-36个月儿童数"], [50, 51],
     "接受中医药健康管理的0-36个月儿童数",
     "接受中医药健康管理的0-36个月儿童数（51）不能多于0-36个月儿童数（50）"),
    (["医联体覆盖人口"], [400000], "医联体覆盖人口", "医联体覆盖人口（400,000）不能多于常住人口（300,000）"),
    (["群众中医药服务满意率"], ["150%"], "群众中医药服务满意率",
     "应在 0–100% 之间，收到 150%"),
    (["群众中医药服务满意率"], ["很好"], "群众中医药服务满意率", "应为百分比（如 92%），收到“很好”"),
])
def test_impossible_county_values_are_refused(county, tmp_path, columns, values, column, reason):
    texts = refused(county, tmp_path, {"全县": [["年度", "常住人口", *columns],
                                                [YEAR, 300000, *values]]})
    assert texts == [f"工作表“全县”第 2 行“{column}”列：{reason}"]


@pytest.mark.parametrize("row,column,reason", [
    (["甲镇卫生院", "3月5日", "义诊", "义诊"], "活动日期",
     "“3月5日”不是日期（应填 2024-03-05、2024/3/5 或 2024年3月5日）"),
    (["甲镇卫生院", "2024-02-30", "义诊", "义诊"], "活动日期",
     "“2024-02-30”不是日期（应填 2024-03-05、2024/3/5 或 2024年3月5日）"),
    (["甲镇卫生院", "2024-03-05", "广场舞", "义诊"], "活动类型", "“广场舞”不是可识别的活动类型"),
    (["甲镇卫生院", "2024-03-05", "义诊", None], "活动名称", "不能为空"),
    (["甲镇卫生院", None, "义诊", "义诊"], "活动日期", "不能为空"),
    (["甲镇卫生院", "2024-03-05", "义诊", "义诊", -5], "参与人数", "不能为负数（-5）"),
    (["甲镇卫生院", "2024-03-05", "义诊", "义诊", 5, "不一定"], "是否中医药内容", "应为“是”或“否”"),
    (["乙镇卫生院", "2024-03-05", "义诊", "义诊"], "机构名称", "“乙镇卫生院”不在本县机构名单中"),
    ([None, "2024-03-05", "义诊", "义诊"], "机构名称", "机构名称不能为空"),
])
def test_impossible_activities_are_refused(county, tmp_path, row, column, reason):
    inst(county, "甲镇卫生院", "township_hc")
    header = ["机构名称", "活动日期", "活动类型", "活动名称", "参与人数", "是否中医药内容"]
    texts = refused(county, tmp_path, {"活动": [header, row]})
    assert len(texts) == 1 and texts[0].startswith(f"工作表“活动”第 2 行“{column}”列：{reason}")


def test_an_activity_sheet_without_a_required_column_is_refused(county, tmp_path):
    texts = refused(county, tmp_path, {"活动": [["机构名称", "活动日期", "活动名称"],
                                                ["甲镇卫生院", "2024-03-05", "义诊"]]})
    assert texts == ["工作表“活动”第 1 行“活动类型”列：缺少必需的列“活动类型”"]


def test_one_refused_row_refuses_the_whole_workbook(county, tmp_path):
    rows = [[*INST, "执业（助理）医师数", "中医类别执业（助理）医师数"],
            ["甲卫生院", "乡镇卫生院", YEAR, 10, 3],
            ["乙卫生院", "乡镇卫生院", YEAR, 10, 30],
            ["丙卫生院", "乡镇卫生院", YEAR, 10, 4]]
    texts = refused(county, tmp_path, {"机构": rows})
    assert texts == [("工作表“机构”第 3 行“中医类别执业（助理）医师数”列：中医类别执业（助理）医师数（30）"
                      "不能多于执业（助理）医师数（10）")]
    assert county.count("institution") == 0


def test_every_bad_cell_of_a_row_is_named(county, tmp_path):
    texts = refused(county, tmp_path, {"机构": [[*INST, "总诊疗人次", "是否设置中医阁"],
                                                ["甲卫生院", "卫生所所", YEAR, "很多", "大概"]]})
    assert [t.split("列：")[0] for t in texts] == [
        "工作表“机构”第 2 行“机构类型”", "工作表“机构”第 2 行“总诊疗人次”", "工作表“机构”第 2 行“是否设置中医阁”"]


@pytest.mark.parametrize("existing", [False, True])
def test_a_refusal_by_the_data_layer_while_writing_names_the_row_and_writes_nothing(
        county, tmp_path, monkeypatch, existing):
    if existing:
        inst(county, "甲卫生院", "township_hc", {"visits": 10})
    # Let an impossible row through planning, as a changed rule or a race might: the store's
    # own check during apply must still refuse it, name the row, and write nothing.
    monkeypatch.setattr(excel_planner, "problems", lambda table, rec: [])
    before = digest(county.path)
    plan = plan_rows(county, tmp_path / "b.xlsx", {"机构": [
        [*INST, "执业（助理）医师数", "中医类别执业（助理）医师数"],
        ["乙卫生院", "乡镇卫生院", YEAR, 3, 1],
        ["甲卫生院", "乡镇卫生院", YEAR, 5, 8]]})
    assert plan.ok
    with pytest.raises(ImportRefused):
        apply(plan)
    assert refusal_texts(plan) == [("工作表“机构”第 3 行“中医类别执业（助理）医师数”列：中医类别执业（助理）"
                                    "医师数（8）不能多于执业（助理）医师数（5）")]
    assert digest(county.path) == before
    assert county.count("institution") == (1 if existing else 0)


# ---- all or nothing, twice is once ---------------------------------------------------------------

def _mixed_book(path: Path) -> Path:
    return write_book(path, {
        "机构": [[*INST, "机构代码", "执业（助理）医师数", "是否设置中医馆"],
                 ["甲镇卫生院", "乡镇卫生院", YEAR, "J1", 20, "是"],
                 ["张家村卫生室", "村卫生室", YEAR, "J2", 1, None]],
        "全县": [["年度", "常住人口", "群众中医药服务满意率"], [YEAR, 300000, "91%"]],
        "活动": [["机构名称", "活动日期", "活动类型", "活动名称", "参与人数", "是否中医药内容"],
                 ["甲镇卫生院", "2024-03-05", "义诊", "学雷锋义诊", 120, "是"],
                 ["甲镇卫生院", "2024-03-05", "义诊", "学雷锋义诊", 80, "是"],
                 ["张家村卫生室", "2024/6/1", "健康咨询", "儿童保健咨询", 30, "否"]],
    })


def test_importing_twice_changes_nothing_the_second_time(county, tmp_path):
    book = _mixed_book(tmp_path / "book.xlsx")
    first = import_workbook(county, book)
    assert first.ok and len(first.new_institutions) == 2 and first.activities_added == 3
    after_first = digest(county.path)
    second = import_workbook(county, book)
    assert second.ok and not second.has_changes
    assert second.activities_added == 0 and second.new_institutions == []
    assert digest(county.path) == after_first
    assert "导入不会改变任何内容" in second.summary_text()


def test_an_import_writes_one_audit_line(county, tmp_path):
    def audit() -> list[dict]:
        return county.query("SELECT action, label FROM audit ORDER BY rowid")

    before = len(audit())
    import_workbook(county, _mixed_book(tmp_path / "book.xlsx"))
    lines = audit()[before:]
    assert lines == [{"action": "导入 Excel",
                      "label": "book.xlsx：新增机构 2 家，修改记录 3 条，新增宣传活动 3 条"}]


def test_dry_run_writes_nothing(county, tmp_path):
    before = digest(county.path)
    plan = import_workbook(county, _mixed_book(tmp_path / "book.xlsx"), dry_run=True)
    assert plan.ok and plan.has_changes
    assert digest(county.path) == before


def test_an_activity_already_in_the_file_is_not_added_again_but_updated(county, tmp_path):
    iid = inst(county, "甲镇卫生院", "township_hc")
    act(county, iid, "义诊", "2024-03-05", title="学雷锋义诊", people=100)
    plan = imported(county, tmp_path, {"活动": [
        ["机构名称", "活动日期", "活动类型", "活动名称", "参与人数"],
        ["甲镇卫生院", "2024-03-05", "义诊", " 学雷锋义诊 ", 120]]})
    assert plan.activities_added == 0
    assert [r["people"] for r in county.rows("activity")] == [120]
    assert "参与人数 100 → 120" in plan.summary_text()


def test_the_summary_shows_old_and_new_values(county, tmp_path):
    inst(county, "甲镇卫生院", "township_hc", {"physicians": 10, "hall_state": "built",
                                              "platform_connected": 0})
    plan = plan_rows(county, tmp_path / "b.xlsx", {"机构": [
        [*INST, "执业（助理）医师数", "中医馆达标情况", "是否接入中医馆健康信息平台"],
        ["甲镇卫生院", "乡镇卫生院", YEAR, 12, "达标", "是"],
        ["新镇卫生院", "乡镇卫生院", YEAR, 7, None, None]]})
    text = plan.summary_text()
    assert "新增机构：1 家\n  新镇卫生院（乡镇卫生院）" in text
    assert ("甲镇卫生院 2024年：中医馆达标情况 已建未达标 → 达标；是否接入中医馆健康信息平台 否 → 是；"
            "执业（助理）医师数 10 → 12") in text
    assert "新镇卫生院 2024年：执业（助理）医师数 未填 → 7" in text


def test_a_file_changed_after_the_preview_is_not_written(county, tmp_path):
    plan = plan_rows(county, tmp_path / "b.xlsx", {"机构": [["机构名称", "机构类型"], ["甲", "村卫生室"]]})
    inst(county, "乙", "village_clinic")
    with pytest.raises(KnownError, match="预览之后文件已被修改"):
        apply(plan)
    assert county.count("institution") == 1


def test_a_data_validation_extension_does_not_warn(county, tmp_path):
    """Excel writes drop-downs that read from another sheet as an extension openpyxl warns
    about; warnings are errors here, so this fails if the importer lets it through."""
    plain = write_book(tmp_path / "plain.xlsx", {"机构": [["机构名称", "机构类型"], ["甲", "村卫生室"]]})
    path = tmp_path / "x14.xlsx"
    ext = (b'<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" xmlns:x14="http://schemas.'
           b'microsoft.com/office/spreadsheetml/2009/9/main"><x14:dataValidations count="1" '
           b'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><x14:dataValidation '
           b'type="list" allowBlank="1"><x14:formula1><xm:f>Sheet2!$A$1:$A$2</xm:f></x14:formula1>'
           b'<xm:sqref>B2</xm:sqref></x14:dataValidation></x14:dataValidations></ext></extLst>')
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w") as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</worksheet>", ext + b"</worksheet>")
            out.writestr(item, data)
    plan = plan_import(county, path)
    assert plan.ok and plan.new_institutions == ["甲（村卫生室）"]


# ---- workbooks that cannot be imported at all ----------------------------------------------------

@pytest.mark.parametrize("content,words", [
    (b"", "不是 Excel 工作簿"),
    (b"name,type\n\xe7\x94\xb2,village\n", "不是 Excel 工作簿"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504, "设有打开密码"),
    (b"PK\x03\x04garbage that is no zip", "不是有效的 Excel 工作簿"),
])
def test_files_that_are_not_workbooks_are_refused(county, tmp_path, content, words):
    path = tmp_path / "book.xlsx"
    path.write_bytes(content)
    before = digest(county.path)
    with pytest.raises(WorkbookError, match=words) as caught:
        plan_import(county, path)
    assert "\n" not in str(caught.value) and "book.xlsx" in str(caught.value)
    assert digest(county.path) == before


def test_a_zip_that_is_not_a_workbook_is_refused(county, tmp_path):
    path = tmp_path / "book.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", "<w/>")
    with pytest.raises(WorkbookError, match="不是有效的 Excel 工作簿"):
        plan_import(county, path)


def test_a_missing_workbook_is_refused(county, tmp_path):
    with pytest.raises(WorkbookError, match="找不到工作簿"):
        plan_import(county, tmp_path / "nowhere.xlsx")


def test_a_workbook_over_50_mb_is_refused_before_reading(county, tmp_path):
    path = tmp_path / "huge.xlsx"
    with open(path, "wb") as fh:
        fh.write(b"PK\x03\x04")
        fh.truncate(50 * 1024 * 1024 + 1)  # sparse: costs no disk
    with pytest.raises(WorkbookError, match="太大"):
        plan_import(county, path)


@pytest.mark.parametrize("declared", [True, False])
def test_a_workbook_over_the_row_limit_is_refused(county, tmp_path, monkeypatch, declared):
    monkeypatch.setattr(excel_workbook, "MAX_ROWS", 50)
    rows = [["机构名称", "机构类型"]] + [[f"站{i}", "村卫生室"] for i in range(60)]
    path = write_book(tmp_path / "many.xlsx", {"机构": rows})
    if not declared:  # a writer that leaves out the sheet size: rows are counted while read
        _strip_dimension(path)
    with pytest.raises(WorkbookError, match="超过 50 行"):
        plan_import(county, path)
    assert county.count("institution") == 0


def _strip_dimension(path: Path) -> None:
    import re

    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w") as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb"<dimension[^>]*/>", b"", data)
            out.writestr(item, data)
    tmp.replace(path)


def test_a_workbook_without_a_recognisable_sheet_is_refused(county, tmp_path):
    path = write_book(tmp_path / "other.xlsx", {"工资": [["姓名", "工资"], ["张三", 3000]]})
    with pytest.raises(WorkbookError, match="没有可识别的工作表.*找到的工作表：“工资”，"):
        plan_import(county, path)


def test_a_refused_workbooks_summary_counts_nothing_as_done(county, tmp_path):
    """After "整个工作簿不会导入", no "新增机构：0 家", "新增宣传活动：0 条" as if it had happened."""
    path = write_book(tmp_path / "bad.xlsx", {"机构": [[*INST, "执业（助理）医师数"],
                                                      ["甲卫生院", "乡镇卫生院", YEAR, -3],
                                                      ["乙卫生院", "乡镇卫生院", YEAR, 4]]})
    plan = plan_import(county, path)
    text = plan.summary_text()
    assert not plan.ok and "整个工作簿不会导入" in text
    assert "“执业（助理）医师数”列：不能为负数（-3）" in text
    assert not any(words in text for words in ("新增机构", "数据有变化的记录", "新增宣传活动",
                                               "仍未填报"))


def test_a_workbook_with_another_extension_is_still_read(county, tmp_path):
    path = write_book(tmp_path / "book.xlsx", {"机构": [["机构名称", "机构类型"], ["甲", "村卫生室"]]})
    renamed = path.rename(tmp_path / "机构数据.dat")
    assert plan_import(county, renamed).ok


def test_rows_with_only_a_number_and_a_year_are_blank(county, tmp_path):
    """A template's spare rows carry 序号 and 年度; left unfilled they are not rows at all."""
    plan = imported(county, tmp_path, {"机构": [["序号", "机构名称", "机构类型", "年度", "总诊疗人次"],
                                                [1, "甲卫生院", "乡镇卫生院", YEAR, 100],
                                                [2, None, None, YEAR, None],
                                                [None, None, None, YEAR, None]]})
    assert (plan.rows_read, plan.rows_accepted, plan.rows_skipped) == (1, 1, 0)


@pytest.mark.parametrize("chunk", [1 << 20, 50])  # 50 bytes: merge tags cut between chunks
def test_a_type_and_township_merged_over_several_rows_belong_to_each(county, tmp_path,
                                                                     monkeypatch, chunk):
    monkeypatch.setattr(excel_workbook, "_CHUNK", chunk)
    rows = [["机构名称", "机构类型", "所属乡镇", "年度", "总诊疗人次"],
            ["甲村卫生室", "村卫生室", "青石镇", YEAR, 100],
            ["乙村卫生室", None, None, YEAR, 200],
            ["丙村卫生室", None, None, YEAR, 300],
            ["合计", None, None, None, 600]]
    imported(county, tmp_path, {"村": rows}, book={"merges": {"村": ["B2:B4", "C2:C4", "A5:D5"]}})
    clinics = county.rows("institution", order="name")
    assert {(c["type"], c["township"]) for c in clinics} == {("village_clinic", "青石镇")}
    assert len(clinics) == 3


def test_a_plan_can_be_applied_through_another_connection_to_the_same_file(county, tmp_path):
    """The window reads the workbook in a worker and writes with the worker's own connection."""
    plan = plan_rows(county, tmp_path / "b.xlsx", {"机构": [["机构名称", "机构类型"], ["甲", "村卫生室"]]})
    with CountyFile.open(county.path, daily_backup=False) as other:
        apply(plan, other)
    assert county.count("institution") == 1


def test_a_second_institution_in_the_workbook_is_refused_by_row(county, tmp_path):
    inst(county, "太溪镇卫生院", "township_hc", code="QH00099", township="太溪镇")
    texts = refused(county, tmp_path, {"机构": [
        ["机构名称", "机构类型", "乡镇（街道）", "机构代码"],
        ["刘桥村卫生室", "村卫生室", "太溪镇", "QH00100"],
        ["刘桥村卫生室", "村卫生室", "太溪镇", "QH00101"],
        ["太溪镇卫生院", "乡镇卫生院", "太溪镇", "QH00102"]]})
    assert texts[0] == ("工作表“机构”第 3 行“机构名称”列：“太溪镇”已有名为“刘桥村卫生室”的机构，"
                        "同一机构不能登记两次")
    assert texts[1].startswith("工作表“机构”第 4 行“机构代码”列：机构代码“QH00102”与本县已有机构")
    assert len(county.rows("institution")) == 1


# ---- the standard's facts (issue 16) ------------------------------------------------------------

def test_the_standards_facts_are_read_from_their_columns(county, tmp_path):
    rows = [[*INST, "中医馆面积（平方米）", "中医诊室数", "中医治疗室数", "中医治疗室面积", "医院等级",
             "是否设置基层指导科", "是否设置中医药适宜技术推广中心", "是否设置中医科", "是否设置中药房",
             "家庭医生团队数", "有中医药人员的家庭医生团队数"],
            ["甲镇卫生院", "乡镇卫生院", YEAR, 320, 3, 2, 45, None, None, None, None, None, 5, 4],
            ["县中医医院", "县级中医医院", YEAR, None, None, None, None, "二甲", "是", "否", None,
             None, None, None],
            ["县妇幼保健院", "妇幼保健院", YEAR, None, None, None, None, None, None, None, "√", "×",
             None, None]]
    imported(county, tmp_path, {"s": rows})
    centre = year_facts(county, "甲镇卫生院")
    assert (centre["hall_area"], centre["hall_consult_rooms"], centre["hall_treat_rooms"],
            centre["hall_treat_area"], centre["fd_teams"], centre["fd_teams_tcm"]) == \
        (320, 3, 2, 45, 5, 4)
    hospital = year_facts(county, "县中医医院")
    assert (hospital["hospital_grade"], hospital["dept_guidance"], hospital["tech_center"]) == \
        ("2a", 1, 0)
    mc = year_facts(county, "县妇幼保健院")
    assert (mc["tcm_dept"], mc["tcm_pharmacy"]) == (1, 0)


def test_a_bad_hospital_grade_or_team_count_refuses_the_row(county, tmp_path):
    rows = [[*INST, "医院等级", "家庭医生团队数", "有中医药人员的家庭医生团队数"],
            ["县中医医院", "县级中医医院", YEAR, "特级", None, None],
            ["甲镇卫生院", "乡镇卫生院", YEAR, None, 2, 3]]
    texts = refused(county, tmp_path, {"机构": rows})
    assert any(t.startswith("工作表“机构”第 2 行“医院等级”列：“特级”不是可识别的医院等级")
               for t in texts), texts
    assert any(t.startswith("工作表“机构”第 3 行") and "不能多于家庭医生团队数" in t
               for t in texts), texts


def test_literacy_is_read_from_the_county_sheet(county, tmp_path):
    rows = [["年度", "常住人口", "中医药健康文化素养水平"], [2024, 1000, "26%"]]
    imported(county, tmp_path, {"全县": rows})
    assert county.rows("county_year")[0]["tcm_literacy"] == 0.26


# ---- facts a type does not fill ------------------------------------------------------------------

def test_a_fact_the_type_does_not_fill_is_refused_naming_the_cell(county, tmp_path):
    # A 社区卫生服务站 has a 中医阁, not a 中医馆.
    reasons = refused(county, tmp_path, {"机构": [
        [*INST, "中医馆面积", "是否设置中医阁"],
        ["甲社区卫生服务站", "社区卫生服务站", YEAR, 50, "是"]]})
    assert len(reasons) == 1
    assert reasons[0].startswith("工作表“机构”第 2 行“中医馆面积”列：")
    assert "社区卫生服务站不填此项（中医馆设在社区卫生服务中心、乡镇卫生院" in reasons[0]


# ---- every problem of a refused row at once -------------------------------------------------------

def test_a_refused_row_lists_every_problem_it_has_in_one_import(county, tmp_path):
    # A village clinic's row as a fresh clerk fills it: a count written in words, more 中医类别
    # physicians than physicians, and a 中医馆 area a 村卫生室 does not fill. 中医诊疗人次 against
    # the unreadable total is not judged.
    rows = [[*INST, "执业（助理）医师数", "中医类别执业（助理）医师数", "总诊疗人次", "中医诊疗人次",
             "中医馆面积"],
            ["张家村卫生室", "村卫生室", YEAR, 12, 14, "约2100", 2600, 80]]
    texts = refused(county, tmp_path, {"机构": rows})
    assert [t.split("列：")[0] for t in texts] == [
        "工作表“机构”第 2 行“中医类别执业（助理）医师数”", "工作表“机构”第 2 行“总诊疗人次”",
        "工作表“机构”第 2 行“中医馆面积”"]
    assert "不能多于执业（助理）医师数（12）" in texts[0]
    assert "约2100" in texts[1]
    assert "村卫生室不填此项" in texts[2]


def test_a_rule_over_an_unreadable_cell_is_not_judged(county, tmp_path):
    # 中医诊疗人次 2,600 against a 总诊疗人次 that could not be read: no guess is reported.
    texts = refused(county, tmp_path, {"机构": [
        [*INST, "总诊疗人次", "中医诊疗人次"], ["甲卫生院", "乡镇卫生院", YEAR, "约2100", 2600]]})
    assert len(texts) == 1 and texts[0].startswith("工作表“机构”第 2 行“总诊疗人次”列：")


def test_every_broken_rule_of_a_readable_row_is_listed_as_its_columns_run(county, tmp_path):
    plan = plan_rows(county, tmp_path / "b.xlsx", {"机构": [
        [*INST, "执业（助理）医师数", "中医类别执业（助理）医师数", "总诊疗人次", "中医诊疗人次"],
        ["乙卫生院", "乡镇卫生院", YEAR, 20, 5, 900, 300],
        ["甲卫生院", "乡镇卫生院", YEAR, 12, 14, 2100, 2600]]})
    assert refusal_texts(plan) == [
        "工作表“机构”第 3 行“中医类别执业（助理）医师数”列：中医类别执业（助理）医师数（14）不能多于"
        "执业（助理）医师数（12）",
        "工作表“机构”第 3 行“中医诊疗人次”列：中医诊疗人次（2,600）不能多于总诊疗人次（2,100）"]
    assert (plan.rows_read, plan.rows_accepted, len(plan.refused_rows)) == (2, 1, 1)


def test_a_row_with_an_unreadable_cell_changes_nothing_planned_by_later_rows(county, tmp_path):
    # Its readable 执业（助理）医师数 is not taken: a later row giving another value is no clash.
    imported_ok = plan_rows(county, tmp_path / "b.xlsx", {"机构": [
        [*INST, "执业（助理）医师数", "总诊疗人次"],
        ["甲卫生院", "乡镇卫生院", YEAR, 12, "很多"],
        ["甲卫生院", "乡镇卫生院", YEAR, 15, 2100]]})
    assert [t.split("列：")[0] for t in refusal_texts(imported_ok)] == [
        "工作表“机构”第 2 行“总诊疗人次”"]
    assert imported_ok.rows_accepted == 1


def test_a_station_saying_it_has_no_hall_stores_nothing_for_it(county, tmp_path):
    imported(county, tmp_path, {"机构": [
        [*INST, "是否设置中医馆", "是否设置中医阁"],
        ["甲社区卫生服务站", "社区卫生服务站", YEAR, "否", "是"]]})
    facts = year_facts(county, "甲社区卫生服务站")
    assert (facts["hall_state"], facts["tcm_corner"]) == (None, 1)
