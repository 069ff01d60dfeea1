"""The standard's facts (issue 16): 中医馆 达标 derived from construction figures, the county TCM
hospital's grade, 基层指导科 and 推广中心, 中医科/中药房 of the general and maternal-child
hospitals, family-doctor teams with TCM staff, the 素养水平 survey figure; entered through the
file, refused when impossible, read from Excel."""

from __future__ import annotations

import pytest

from db.county import CountyFile
from db.errors import ValidationError

from tests.reports.conftest import failing, inst, result, run

BUILT = {"hall_state": "standard", "hall_area": 320, "hall_consult_rooms": 3,
         "hall_treat_rooms": 2, "hall_treat_area": 45, "physicians": 20, "tcm_physicians": 6,
         "tech_categories": 6, "tech_items": 10}


def test_hall_standard_is_derived_from_construction_facts_where_recorded(county: CountyFile):
    inst(county, "甲镇卫生院", "township_hc", BUILT)
    inst(county, "乙镇卫生院", "township_hc", {**BUILT, "hall_area": 250, "hall_consult_rooms": 2})
    # Typed 已建未达标, but every recorded figure meets the standard: the figures decide.
    inst(county, "丙镇卫生院", "township_hc", {**BUILT, "hall_state": "built"})
    a2 = result(county, "A2")
    assert (a2.numerator, a2.denominator) == (2, 3)
    assert failing(a2) == {"乙镇卫生院": (0, "面积还差 50 平方米，还需 1 间中医诊室")}
    assert a2.note is None  # every 中医馆 was checked against its figures


def test_a_typed_status_is_accepted_but_marked_as_not_derived(county: CountyFile):
    inst(county, "甲镇卫生院", "township_hc", {"hall_state": "standard"})
    inst(county, "乙镇卫生院", "township_hc", BUILT)
    a2 = result(county, "A2")
    assert (a2.met, a2.numerator) == (True, 2)
    assert a2.note is not None and a2.note.startswith("其中 1 家按填报的达标情况认定")
    assert run(county).to_dict()["indicators"][1]["note"] == a2.note


def test_staffing_share_in_the_hall_standard_uses_the_centres_physicians(county: CountyFile):
    # 4 of 20 is 20%; a new TCM physician counts in both: 6 of 22 is the first ≥ 25%.
    inst(county, "甲镇卫生院", "township_hc", {**BUILT, "tcm_physicians": 4})
    assert failing(result(county, "A2")) == {"甲镇卫生院": (0, "还需 2 名中医类别医师")}


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
    inst(county, "县人民医院", "county_general_hospital", {"tcm_dept": 1, "tcm_pharmacy": 1})
    inst(county, "县妇幼保健院", "maternal_child", {"tcm_dept": 1, "tcm_pharmacy": 0})
    assert result(county, "B12").met is True
    b13 = result(county, "B13")
    assert (b13.value, b13.met) == (0.5, False)
    assert failing(b13) == {"县妇幼保健院": (0, "需设置中药房")}
    # The deduction rule takes half a point per hospital without one.
    assert run(county).score.item("B13").points == 0.5


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
