"""B1–B8: techniques, TCM visits, health management, key departments, 医联体 coverage."""

from __future__ import annotations

import pytest

from reports.judge.profiles import copy_profile, update_profile

from tests.reports.conftest import failing, inst, result, waiting


def test_b1_nationally_asks_ten_items_of_any_category(county):
    # 100%社区卫生服务中心、乡镇卫生院能够规范开展10项以上中医药适宜技术.
    inst(county, "甲镇卫生院", "township_hc", {"tech_categories": 6, "tech_items": 10})
    inst(county, "乙镇卫生院", "township_hc", {"tech_categories": 2, "tech_items": 10})
    inst(county, "丙镇卫生院", "township_hc", {"tech_items": 9})
    r = result(county, "B1")
    assert (r.numerator, r.denominator) == (2, 3)
    assert failing(r) == {"丙镇卫生院": (9, "还需 1 项适宜技术")}


def test_b1_six_categories_and_ten_items_where_the_county_asks(county):
    inst(county, "甲镇卫生院", "township_hc", {"tech_categories": 6, "tech_items": 10})
    inst(county, "乙镇卫生院", "township_hc", {"tech_categories": 5, "tech_items": 10})
    inst(county, "丙镇卫生院", "township_hc", {"tech_categories": 6, "tech_items": 8})
    inst(county, "丁镇卫生院", "township_hc", {"tech_categories": 3, "tech_items": 4})
    inst(county, "戊社区卫生服务中心", "chc", {"hall_state": "built"})
    r = result(county, "B1", profile="yanjiang-2023")
    assert (r.numerator, r.denominator) == (1, 5)
    assert r.gap == "还需 4 家机构适宜技术达到 6类10项；另有 1 家未填报"
    # A new category brings at least one new item: 5类10项 still needs 1 more item.
    assert failing(r) == {
        "乙镇卫生院": (10, "还需 1 类 1 项适宜技术"),
        "丙镇卫生院": (8, "还需 2 项适宜技术"),
        "丁镇卫生院": (4, "还需 3 类 6 项适宜技术"),
    }
    assert waiting(r) == {"戊社区卫生服务中心": "未填报适宜技术类数、项数"}


def test_b1_alukeerqin_looks_at_items_only(county):
    inst(county, "甲苏木卫生院", "township_hc", {"tech_categories": 2, "tech_items": 10})
    inst(county, "乙苏木卫生院", "township_hc", {"tech_categories": 9, "tech_items": 9})
    inst(county, "丙苏木卫生院", "township_hc", {"tech_items": 12})  # categories not reported
    r = result(county, "B1", profile="alukeerqin-2023")
    assert (r.numerator, r.denominator) == (2, 3)
    assert failing(r) == {"乙苏木卫生院": (9, "还需 1 项适宜技术")}
    assert r.gap == "还需 1 家机构适宜技术达到 10项"


def test_b2_counts_only_service_stations(county):
    inst(county, "甲社区卫生服务站", "chs", {"tech_categories": 4, "tech_items": 6})
    inst(county, "乙社区卫生服务站", "chs", {"tech_categories": 4, "tech_items": 5})
    inst(county, "丙村卫生室", "village_clinic", {"tech_categories": 0, "tech_items": 0})
    r = result(county, "B2")
    assert (r.numerator, r.denominator) == (1, 2)
    assert failing(r) == {"乙社区卫生服务站": (5, "还需 1 项适宜技术")}


def test_b3_met_at_eighty_percent_but_still_lists_the_short_clinic(county):
    for n in range(1, 5):
        inst(county, f"村卫生室{n}", "village_clinic", {"tech_categories": 4, "tech_items": 6})
    inst(county, "村卫生室5", "village_clinic", {"tech_categories": 2, "tech_items": 3})
    r = result(county, "B3")
    assert (r.value, r.met, r.gap) == (0.8, True, None)
    assert failing(r) == {"村卫生室5": (3, "还需 3 项适宜技术")}


def test_b3_yanjiang_wants_every_village_clinic(county):
    for n in range(1, 5):
        inst(county, f"村卫生室{n}", "village_clinic", {"tech_categories": 4, "tech_items": 6})
    inst(county, "村卫生室5", "village_clinic", {"tech_categories": 2, "tech_items": 3})
    r = result(county, "B3", profile="yanjiang-2023")
    assert (r.met, r.gap) == (False, "还需 1 家机构适宜技术达到 4类6项")


def test_b4_sums_visits_and_lists_centres_below_the_target(county):
    inst(county, "甲镇卫生院", "township_hc", {"visits": 10_000, "tcm_visits": 2_000})
    inst(county, "乙镇卫生院", "township_hc", {"visits": 10_000, "tcm_visits": 5_000})
    inst(county, "丙镇卫生院", "township_hc", {"hall_state": "built"})  # visits not reported
    inst(county, "丁镇卫生院", "township_hc", {"visits": 0, "tcm_visits": 0})
    r = result(county, "B4")
    assert (r.numerator, r.denominator) == (7_000, 20_000)
    # The sum without 丙 meets the target, but 丙 has not reported: 待填报, never 达标.
    assert (r.value, r.met, r.pending, r.gap) == (0.35, None, True, "待 1 家机构填报")
    # (2,000 + x) / (10,000 + x) >= 0.35  ⇔  x >= 1,500 / 0.65 = 2,307.7
    assert failing(r) == {"甲镇卫生院": (0.2, "中医诊疗人次还需增加 2,308")}
    assert waiting(r) == {"丙镇卫生院": "未填报诊疗人次"}


def test_b4_county_gap_counts_visits_added_to_both_sums(county):
    inst(county, "甲镇卫生院", "township_hc", {"visits": 10_000, "tcm_visits": 2_000})
    inst(county, "乙镇卫生院", "township_hc", {"visits": 10_000, "tcm_visits": 3_000})
    r = result(county, "B4")
    assert r.value == 0.25
    # (5,000 + x) / (20,000 + x) >= 0.35  ⇔  x >= 2,000 / 0.65 = 3,076.9
    assert r.gap == "中医诊疗人次还需增加 3,077"


def test_b5_elderly_management_gap_in_people(county):
    county.set_county_year(2024, {"elderly_population": 80_000, "elderly_managed": 56_260})
    r = result(county, "B5")
    assert (r.numerator, r.denominator) == (56_260, 80_000)
    assert r.value == pytest.approx(0.70325)
    assert r.gap == "还需 3,740 名65岁及以上居民接受中医药健康管理"


def test_b6_one_child_short_and_then_met(county):
    county.set_county_year(2024, {"infant_population": 1_000, "infant_managed": 849})
    assert result(county, "B6").gap == "还需 1 名0-36个月儿童接受中医药健康管理"
    county.set_county_year(2024, {"infant_managed": 850})
    assert result(county, "B6").met is True


@pytest.mark.parametrize("facts", [None, {"elderly_population": 0, "elderly_managed": 0},
                                   {"elderly_population": 5_000}])
def test_b5_without_population_or_count_is_no_data(county, facts):
    if facts is not None:
        county.set_county_year(2024, facts)
    r = result(county, "B5")
    assert (r.value, r.met, r.gap) == (None, None, None)


def test_b7_counts_departments_and_names_the_missing_ones(county):
    inst(county, "县中医医院", "county_tcm_hospital",
         {"dept_preventive": 1, "dept_rehab": 0})
    r = result(county, "B7")
    assert (r.value, r.numerator, r.denominator) == (1, None, None)
    assert r.gap == "还需设置康复科、感染性疾病科"


def test_b7_lower_target_asks_for_one_of_the_missing(county):
    inst(county, "县中医医院", "county_tcm_hospital",
         {"dept_preventive": 1, "dept_rehab": 0, "dept_infectious": 0})
    own = copy_profile(county, "baseline", "两个科室")
    update_profile(county, own.id, {"indicators": {"B7": {"target": {"op": ">=", "value": 2}}}})
    r = result(county, "B7", profile=own.id)
    assert r.gap == "还需设置 1 个重点科室（尚缺康复科、感染性疾病科）"


def test_b7_unreported_departments_and_no_hospital_are_no_data(county):
    assert result(county, "B7").value is None
    inst(county, "县中医医院", "county_tcm_hospital", {"physicians": 100})
    assert result(county, "B7").value is None


def test_b7_a_department_left_blank_waits(county):
    inst(county, "县中医医院", "county_tcm_hospital", {"dept_preventive": 1, "dept_rehab": 1})
    r = result(county, "B7")
    assert (r.value, r.met, r.pending) == (2, None, True)
    assert waiting(r) == {"县中医医院": "未填报是否设置感染性疾病科"}


def test_b7_all_three_met(county):
    inst(county, "县中医医院", "county_tcm_hospital",
         {"dept_preventive": 1, "dept_rehab": 1, "dept_infectious": 1})
    r = result(county, "B7")
    assert (r.value, r.met, r.gap) == (3, True, None)


def test_b8_alliance_coverage(county):
    county.set_county_year(2024, {"resident_population": 100_000, "alliance_population": 25_000})
    r = result(county, "B8")
    assert (r.value, r.met) == (0.25, False)
    assert r.gap == "医联体还需覆盖 5,000 人"
