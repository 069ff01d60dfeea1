"""Rules shared by all indicators: which institutions count, tombstones, years, last year's value."""

from __future__ import annotations

from reports.judge.profiles import copy_profile, update_profile

from tests.reports.conftest import act, failing, inst, result, run, waiting


def test_only_institutions_active_in_the_year_count(county):
    inst(county, "新建卫生院", "township_hc", {"hall_state": "built"}, active_from=2024)
    inst(county, "撤并卫生院", "township_hc", {"hall_state": "built"}, active_to=2024)
    inst(county, "明年启用卫生院", "township_hc", {"hall_state": "none"}, active_from=2025)
    inst(county, "去年撤并卫生院", "township_hc", {"hall_state": "none"}, active_to=2023)
    r = result(county, "A1")
    assert (r.numerator, r.denominator, r.met) == (2, 2, True)


def test_inactive_institutions_activities_do_not_count(county):
    gone = inst(county, "去年撤并卫生院", "township_hc", active_to=2023)
    act(county, gone, "进校园")
    here = inst(county, "县中医医院", "county_tcm_hospital")
    act(county, here, "进校园")
    assert result(county, "D8").value == 1


def test_institution_that_changed_type_counts_as_its_type_that_year(county):
    # A township centre became a community station in 2024 (its 2023 figures say nothing).
    iid = inst(county, "甲镇卫生院", "township_hc",
               {"inst_type": "chs", "tech_categories": 4, "tech_items": 6})
    county.set_institution_year(iid, 2023, {"tech_categories": 4, "tech_items": 6})
    inst(county, "乙镇卫生院", "township_hc", {"tech_categories": 6, "tech_items": 10})
    b1, b2 = result(county, "B1"), result(county, "B2")
    assert (b1.numerator, b1.denominator) == (1, 1)
    assert (b2.numerator, b2.denominator) == (1, 1)
    # In 2023 it was still a township centre, where 6 items fall short of 10.
    b1_2023 = result(county, "B1", year=2023)
    assert failing(b1_2023) == {"甲镇卫生院": (6, "还需 4 项适宜技术")}
    assert waiting(b1_2023) == {"乙镇卫生院": "未填报适宜技术类数、项数"}


def test_deleted_records_are_ignored_everywhere(county):
    keep = inst(county, "甲镇卫生院", "township_hc", {"hall_state": "built"})
    gone = inst(county, "误录卫生院", "township_hc", {"hall_state": "none"})
    county.delete("institution", gone)
    act(county, gone, "进校园")
    mistake = act(county, keep, "进校园")
    county.delete("activity", mistake)
    act(county, keep, "进校园")
    assert result(county, "A1").denominator == 1
    assert result(county, "D8").value == 1


def test_deleted_year_figures_count_as_not_reported(county):
    a = inst(county, "甲镇卫生院", "township_hc", {"hall_state": "built"})
    inst(county, "乙镇卫生院", "township_hc", {"hall_state": "built"})
    county.delete("institution_year", county.institution_year_id(a, 2024))
    r = result(county, "A1")
    assert failing(r) == {}
    assert waiting(r) == {"甲镇卫生院": "未填报中医馆情况"}
    assert r.pending and r.met is None


def test_deleted_county_figures_are_no_data(county):
    county.set_county_year(2024, {"satisfaction": 0.95})
    county.delete("county_year", county.county_year_id(2024))
    assert result(county, "D10").value is None


def test_year_without_any_institution_figures_is_no_data_not_zero(county):
    inst(county, "甲镇卫生院", "township_hc")
    inst(county, "乙镇卫生院", "township_hc")
    r = result(county, "A1")
    assert (r.value, r.met, r.gap, r.failing) == (None, None, None, ())


def test_previous_value_is_last_years_with_the_same_profile(county):
    a = inst(county, "甲镇卫生院", "township_hc", {"hall_state": "built"})
    b = inst(county, "乙镇卫生院", "township_hc", {"hall_state": "none"})
    county.set_institution_year(a, 2023, {"hall_state": "none"})
    county.set_institution_year(b, 2023, {"hall_state": "none"})
    for _ in range(2):
        act(county, a, "健康讲座", "2023-03-01")
    act(county, a, "健康讲座", "2024-03-01")
    assert result(county, "A1").previous_value == 0.0
    assert result(county, "A1").value == 0.5
    own = copy_profile(county, "baseline", "两次讲座")
    update_profile(county, own.id, {"indicators": {"D5": {"threshold": {"count": 2}}}})
    assert result(county, "D5", profile=own.id).previous_value == 0.5
    assert result(county, "D5").previous_value == 0.0


def test_previous_value_is_null_when_last_year_has_no_data(county):
    inst(county, "甲镇卫生院", "township_hc", {"hall_state": "built"})
    county.set_county_year(2024, {"satisfaction": 0.95})
    evaluation = run(county)
    assert all(r.previous_value is None for r in evaluation.results)
