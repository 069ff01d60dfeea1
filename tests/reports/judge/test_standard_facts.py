"""The standard's facts (issue 16): 中医馆 达标 derived from construction figures, the county TCM
hospital's grade, 基层指导科 and 推广中心, 中医科/中药房/煎药室 of the general and maternal-child
hospitals, family-doctor teams with TCM staff, the 宣教基地, the 素养水平 survey figure; entered
through the file, refused when impossible, read from Excel."""

from __future__ import annotations

import pytest

from db.county import CountyFile
from db.errors import ValidationError
from reports.judge.profiles import copy_profile, update_profile

from tests.reports.conftest import failing, inst, result, run, waiting

BUILT = {"hall_state": "standard", "hall_area": 320, "hall_consult_rooms": 3,
         "hall_treat_rooms": 2, "hall_treat_area": 45, "physicians": 20, "tcm_physicians": 6,
         "tech_categories": 6, "tech_items": 10}


FIGURES = {"area": 300, "consult_rooms": 3, "treat_rooms": 2, "treat_area": 40,
           "tcm_share": 0.25, "service_kinds": 6}


def _every_hall(county: CountyFile) -> str:
    """A county (or province) that holds every 中医馆 to the 2023 construction figures."""
    own = copy_profile(county, "baseline", "全部中医馆按建设标准")
    update_profile(county, own.id, {"indicators": {"A2": {"threshold": FIGURES}}})
    return own.id


def test_hall_standard_is_derived_from_construction_facts_where_asked(county: CountyFile):
    inst(county, "甲镇卫生院", "township_hc", BUILT)
    inst(county, "乙镇卫生院", "township_hc", {**BUILT, "hall_area": 250, "hall_consult_rooms": 2})
    # Typed 已建未达标, but every recorded figure meets the standard: the figures decide.
    inst(county, "丙镇卫生院", "township_hc", {**BUILT, "hall_state": "built"})
    a2 = result(county, "A2", profile=_every_hall(county))
    assert (a2.numerator, a2.denominator) == (2, 3)
    assert failing(a2) == {"乙镇卫生院": (0, "面积还差 50 平方米，还需 1 间中医诊室")}


def test_the_national_a2_reads_the_typed_state_and_a10_the_figures(county: CountyFile):
    # The 2023 construction figures belong to the 15% upgraded (A10), not to every 中医馆.
    inst(county, "甲镇卫生院", "township_hc", {"hall_state": "standard"})
    inst(county, "乙镇卫生院", "township_hc", {**BUILT, "hall_state": "upgraded",
                                           "hall_area": 200})
    a2, a10 = result(county, "A2"), result(county, "A10")
    assert (a2.met, a2.numerator) == (True, 2)
    assert (a10.numerator, a10.met) == (0, False)


def test_a_hall_with_some_figures_and_not_others_waits_never_passes_on_its_typed_state(
        county: CountyFile):
    # The clerk: a centre failing on its treatment-room area has that figure deleted.
    iid = inst(county, "甲镇卫生院", "township_hc", {**BUILT, "hall_treat_area": 30})
    profile = _every_hall(county)
    before = run(county, profile=profile)
    assert before.result("A2").met is False
    assert before.score.item("A2").points == 2  # 3 − 1 for the one 中医馆 short
    county.set_institution_year(iid, 2024, {"hall_treat_area": None})
    after = run(county, profile=profile)
    a2 = after.result("A2")
    assert (a2.met, a2.pending) == (None, True)  # 待填报, not 达标 on the typed 达标
    assert waiting(a2) == {"甲镇卫生院": "未填报中医馆建设情况（治疗室面积）"}
    assert after.score.item("A2").points == 0 and after.score.total <= before.score.total


def test_a_figure_short_fails_whatever_the_blanks_hold(county: CountyFile):
    inst(county, "甲镇卫生院", "township_hc", {"hall_state": "standard", "hall_area": 250})
    a2 = result(county, "A2", profile=_every_hall(county))
    assert failing(a2) == {"甲镇卫生院": (0, "面积还差 50 平方米")} and not a2.not_reported


def test_staffing_share_in_the_hall_standard_uses_the_centres_physicians(county: CountyFile):
    # 4 of 20 is 20%; a new TCM physician counts in both: 6 of 22 is the first ≥ 25%.
    inst(county, "甲镇卫生院", "township_hc", {**BUILT, "tcm_physicians": 4})
    assert failing(result(county, "A2", profile=_every_hall(county))) == \
        {"甲镇卫生院": (0, "还需 2 名中医类别医师")}


def test_county_tcm_hospital_grade_and_departments(county: CountyFile):
    inst(county, "县中医医院", "county_tcm_hospital",
         {"hospital_grade": "2b", "dept_guidance": 1, "tech_center": 0})
    assert failing(result(county, "B9")) == {"县中医医院": (0, "需达到二级甲等")}
    assert result(county, "B10").met is True
    assert failing(result(county, "B11")) == {"县中医医院": (0, "需设置中医药适宜技术推广中心")}
    county.set_institution_year(county.rows("institution")[0]["id"], 2024,
                                {"hospital_grade": "3a"})
    assert result(county, "B9").met is True


def test_general_and_maternal_child_hospitals_need_a_tcm_department_and_pharmacy(county):
    inst(county, "县人民医院", "county_general_hospital",
         {"tcm_dept": 1, "tcm_pharmacy": 1, "decoction_room": 1})
    inst(county, "县妇幼保健院", "maternal_child", {"tcm_dept": 1, "tcm_pharmacy": 0})
    assert result(county, "B12").met is True
    b13 = result(county, "B13")
    assert (b13.value, b13.met) == (0.5, False)
    assert failing(b13) == {"县妇幼保健院": (0, "需设置中药房")}
    # The deduction rule takes half a point per hospital without one.
    assert run(county).score.item("B13").points == 0.5


def test_the_decoction_room_goes_with_the_pharmacy(county: CountyFile):
    # 中药房、煎药室 together (安岳县实施方案 四（十四）, 阿鲁科尔沁旗工作计划 第7项).
    inst(county, "县人民医院", "county_general_hospital", {"tcm_pharmacy": 1, "decoction_room": 0})
    inst(county, "县妇幼保健院", "maternal_child", {"tcm_pharmacy": 1})
    b13 = result(county, "B13")
    assert failing(b13) == {"县人民医院": (0, "需设置煎药室")}
    assert waiting(b13) == {"县妇幼保健院": "未填报是否设置煎药室"}
    # A county whose plan asks the 中药房 alone says so in its profile.
    own = copy_profile(county, "baseline", "只看中药房")
    update_profile(county, own.id, {"indicators": {"B13": {"threshold": {"decoction_room": False}}}})
    assert result(county, "B13", profile=own.id).met is True


def test_the_health_education_base_is_set_up_at_a_county_hospital(county: CountyFile):
    # 所有县级区域依托县级医院设置中医健康宣教基地: one county hospital with it is enough.
    inst(county, "县中医医院", "county_tcm_hospital", {"edu_base": 0})
    inst(county, "县人民医院", "county_general_hospital", {"tcm_dept": 1})
    b15 = result(county, "B15")
    assert (b15.value, b15.met, b15.pending) == (0, None, True)
    assert waiting(b15) == {"县人民医院": "未填报是否设置中医健康宣教基地"}
    county.set_institution_year(county.rows("institution", "name = ?", ("县人民医院",))[0]["id"],
                                2024, {"edu_base": 1})
    b15 = result(county, "B15")
    assert (b15.value, b15.met) == (1, True)
    assert run(county).score.item("B15").points == 2


def test_family_doctor_teams_are_judged_over_the_centres_that_run_them(county: CountyFile):
    # All five centres reported 30 of 30 teams with TCM staff; a village clinic without a row
    # for the year is no reason to wait: it runs no teams.
    for n in range(5):
        inst(county, f"{n}镇卫生院", "township_hc", {"fd_teams": 6, "fd_teams_tcm": 6})
    inst(county, "甲村卫生室", "village_clinic")
    b14 = result(county, "B14")
    assert (b14.value, b14.met, b14.not_reported) == (1.0, True, ())
    assert run(county).score.item("B14").points == 1


def test_family_doctor_teams_never_met_while_a_centre_has_blank_figures(county: CountyFile):
    # Two of five centres typed their teams; the rest have rows, but no team figures.
    for n in range(2):
        inst(county, f"{n}镇卫生院", "township_hc", {"fd_teams": 6, "fd_teams_tcm": 6})
    for n in range(2, 5):
        inst(county, f"{n}镇卫生院", "township_hc", {"hall_state": "built"})
    inst(county, "甲社区卫生服务站", "chs", {"tcm_corner": 1})
    b14 = result(county, "B14")
    assert (b14.met, b14.pending) == (None, True)
    assert sorted(waiting(b14)) == ["2镇卫生院", "3镇卫生院", "4镇卫生院"]
    assert run(county).score.item("B14").points == 0


def test_family_doctor_teams_with_tcm_staff(county: CountyFile):
    inst(county, "甲镇卫生院", "township_hc", {"fd_teams": 4, "fd_teams_tcm": 4})
    inst(county, "乙镇卫生院", "township_hc", {"fd_teams": 6, "fd_teams_tcm": 3})
    b14 = result(county, "B14")
    assert (b14.numerator, b14.denominator, b14.met) == (7, 10, False)
    assert b14.gap == "还需 3 个家庭医生团队配备中医药人员"
    assert failing(b14) == {"乙镇卫生院": (0.5, "还需 3 个团队配备中医药人员")}


def test_health_culture_literacy_is_the_county_survey_figure(county: CountyFile):
    assert result(county, "D11").value is None
    county.set_county_year(2024, {"tcm_literacy": 0.22})
    d11 = result(county, "D11")
    assert (d11.value, d11.met, d11.gap) == (0.22, False, "素养水平还需提高 3 个百分点")


@pytest.mark.parametrize("values, message", [
    ({"fd_teams": 2, "fd_teams_tcm": 3}, "有中医药人员的家庭医生团队数（3）不能多于家庭医生团队数（2）"),
    ({"hall_area": 30, "hall_treat_area": 40}, "中医馆治疗室面积（平方米）（40）不能多于中医馆面积"),
    ({"hospital_grade": "特级"}, "医院等级：“特级”不是可选的值"),
    ({"hall_consult_rooms": -1}, "中医馆诊室数：不能为负数"),
])
def test_impossible_facts_are_refused_naming_the_field(county: CountyFile, values, message):
    iid = inst(county, "甲镇卫生院", "township_hc")
    with pytest.raises(ValidationError, match=message):
        county.set_institution_year(iid, 2024, values)


def test_literacy_outside_0_100_percent_is_refused(county: CountyFile):
    with pytest.raises(ValidationError, match="中医药健康文化素养水平：应在 0–100% 之间"):
        county.set_county_year(2024, {"tcm_literacy": 1.2})
