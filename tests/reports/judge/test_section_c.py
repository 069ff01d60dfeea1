"""C1–C6: TCM-category physicians, TCM staff, TCM GPs per 10,000, 西学中."""

from __future__ import annotations

import pytest

from reports.judge.profiles import copy_profile, update_profile

from tests.reports.conftest import failing, inst, result, run, waiting


def test_c1_tcm_hospital_share_and_physicians_needed(county):
    inst(county, "县中医医院", "county_tcm_hospital", {"physicians": 100, "tcm_physicians": 50})
    inst(county, "县人民医院", "county_general_hospital", {"physicians": 300, "tcm_physicians": 10})
    r = result(county, "C1")
    assert (r.numerator, r.denominator, r.value) == (50, 100, 0.5)
    # 75 / 125 = 0.6: each new TCM physician is also a physician.
    assert r.gap == "还需 25 名中医类别医师"


def _c2_county(county):
    inst(county, "甲镇卫生院", "township_hc", {"physicians": 8, "tcm_physicians": 2})
    inst(county, "乙镇卫生院", "township_hc", {"physicians": 10, "tcm_physicians": 2})
    inst(county, "丙镇卫生院", "township_hc", {"physicians": 0, "tcm_physicians": 0})
    inst(county, "丁镇卫生院", "township_hc", {"hall_state": "built"})
    inst(county, "戊社区卫生服务中心", "chc", {"physicians": 20, "tcm_physicians": 0})


def test_c2_each_centre_needs_a_quarter_tcm_physicians(county):
    # A county's own wording (雁江, 北仑: every centre); off in the national profile.
    _c2_county(county)
    assert run(county).result("C2") is None
    r = result(county, "C2", profile="yanjiang-2023")
    assert (r.numerator, r.denominator) == (1, 5)  # 2/8 is exactly 25%: passes
    assert r.gap == "还需 4 家机构达到 25%；另有 1 家未填报"
    assert failing(r) == {
        "乙镇卫生院": (0.2, "还需 1 名中医类别医师"),  # 3/11 = 27%
        "丙镇卫生院": (None, "还需 1 名中医类别医师"),  # no physicians at all
        "戊社区卫生服务中心": (0.0, "还需 7 名中医类别医师"),  # 7/27 = 25.9%, 6/26 = 23%
    }
    assert waiting(r) == {"丁镇卫生院": "未填报医师人数"}


def test_c2_threshold_comes_from_the_profile(county):
    _c2_county(county)
    own = copy_profile(county, "baseline", "三成")
    update_profile(county, own.id, {"indicators": {"C2": {"on": True,
                                                          "threshold": {"share": 0.3}}}})
    r = result(county, "C2", profile=own.id)
    assert r.numerator == 0
    assert r.gap == "还需 5 家机构达到 30%；另有 1 家未填报"
    assert failing(r)["甲镇卫生院"] == (0.25, "还需 1 名中医类别医师")  # 3/9 = 33%


def test_c3_stations_need_a_tcm_physician_or_other_tcm_capable_staff(county):
    inst(county, "甲社区卫生服务站", "chs", {"tcm_physicians": 1})
    inst(county, "乙社区卫生服务站", "chs", {"other_tcm_staff": 2})
    inst(county, "丙社区卫生服务站", "chs", {"tcm_physicians": 0, "other_tcm_staff": 0})
    inst(county, "丁社区卫生服务站", "chs", {"tech_items": 3})
    inst(county, "戊村卫生室", "village_clinic", {"tcm_physicians": 0})  # C4, not C3
    r = result(county, "C3")
    assert (r.numerator, r.denominator) == (2, 4)
    assert failing(r) == {
        "丙社区卫生服务站": (0, "需配备 1 名中医类别医师或能提供中医药服务的其他医师"),
    }
    assert waiting(r) == {"丁社区卫生服务站": "未填报中医药人员配备情况"}


def test_c4_village_clinics_need_one_tcm_capable_person(county):
    inst(county, "甲村卫生室", "village_clinic", {"other_tcm_staff": 1})
    inst(county, "乙村卫生室", "village_clinic", {"tcm_physicians": 0, "other_tcm_staff": 0})
    # Nobody yet, but a TCM-category physician not reported may be the one person it needs.
    inst(county, "丙村卫生室", "village_clinic", {"other_tcm_staff": 0})
    r = result(county, "C4")
    assert (r.value, r.gap) == (1 / 3, "还需 2 家机构配备中医药人员；另有 1 家未填报")  # 80% of 3 clinics
    assert failing(r) == {"乙村卫生室": (0, "需配备 1 名能提供中医药服务的人员")}
    assert waiting(r) == {"丙村卫生室": "未填报中医药人员配备情况"}


def test_c4_nationally_asks_four_clinics_in_five(county):
    # 80%以上的村卫生室至少配备1名能够提供中医药服务的医务人员; 雁江 asks every one.
    for n in range(4):
        inst(county, f"{n}村卫生室", "village_clinic", {"other_tcm_staff": 1})
    inst(county, "4村卫生室", "village_clinic", {"tcm_physicians": 0, "other_tcm_staff": 0})
    assert result(county, "C4").met is True
    assert result(county, "C4", profile="yanjiang-2023").met is False


def test_c7_pools_the_centres_physicians(county):
    # 中医类别医师占同类机构医师总数比例超过25%: 2 + 3 + 0 of 8 + 11 + 5 is 20.8%.
    inst(county, "甲镇卫生院", "township_hc", {"physicians": 8, "tcm_physicians": 2})
    inst(county, "乙镇卫生院", "township_hc", {"physicians": 11, "tcm_physicians": 3})
    inst(county, "丙社区卫生服务中心", "chc", {"physicians": 5, "tcm_physicians": 0})
    r = result(county, "C7")
    assert (r.numerator, r.denominator, r.met) == (5, 24, False)
    assert r.gap == "还需 2 名中医类别医师"  # 7 of 26 is 26.9%
    assert failing(r) == {"丙社区卫生服务中心": (0.0, "还需 2 名中医类别医师")}


def test_c5_is_a_rate_per_ten_thousand_over_active_institutions(county):
    county.set_county_year(2024, {"resident_population": 500_000})
    inst(county, "县中医医院", "county_tcm_hospital", {"tcm_gps": 10})
    inst(county, "甲镇卫生院", "township_hc", {"tcm_gps": 15})
    inst(county, "乙村卫生室", "village_clinic", {"tcm_physicians": 0})
    inst(county, "已撤并卫生院", "township_hc", {"tcm_gps": 100}, active_to=2023)
    gone = inst(county, "误录机构", "township_hc", {"tcm_gps": 100})
    county.delete("institution", gone)
    r = result(county, "C5")
    assert (r.numerator, r.denominator) == (25, 500_000)
    assert r.value == pytest.approx(0.5)
    assert r.gap == "还需 5 名合格的中医类别全科医生"


def test_c5_without_any_gp_figure_is_no_data(county):
    county.set_county_year(2024, {"resident_population": 500_000})
    inst(county, "甲镇卫生院", "township_hc", {"physicians": 3})
    assert result(county, "C5").value is None


def test_c6_west_learn_tcm_over_non_tcm_physicians(county):
    inst(county, "甲镇卫生院", "township_hc",
         {"physicians": 10, "tcm_physicians": 4, "west_learn_tcm": 3})
    inst(county, "乙社区卫生服务站", "chs",
         {"physicians": 2, "tcm_physicians": 0, "west_learn_tcm": 2})
    inst(county, "丙村卫生室", "village_clinic",  # out of scope
         {"physicians": 5, "tcm_physicians": 0, "west_learn_tcm": 0})
    r = result(county, "C6")
    assert (r.numerator, r.denominator, r.value) == (5, 8, 0.625)
    assert r.gap == "还需 3 名非中医类别医师接受西学中培训"
    assert r.failing == ()


def test_c6_all_physicians_tcm_is_no_data(county):
    inst(county, "甲镇卫生院", "township_hc",
         {"physicians": 4, "tcm_physicians": 4, "west_learn_tcm": 0})
    r = result(county, "C6")
    assert (r.value, r.met) == (None, None)
