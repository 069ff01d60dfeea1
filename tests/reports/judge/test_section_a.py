"""A1–A7: 中医馆 and 中医阁 indicators on hand-built counties."""

from __future__ import annotations

import pytest

from reports.judge.profiles import copy_profile, update_profile

from tests.reports.conftest import failing, inst, result, run, waiting


def test_a1_counts_centres_with_a_hall_and_names_the_rest(county):
    inst(county, "甲镇卫生院", "township_hc", {"hall_state": "built"})
    inst(county, "乙镇卫生院", "township_hc", {"hall_state": "none"})
    inst(county, "丙社区卫生服务中心", "chc")  # no figures for the year
    inst(county, "丁社区卫生服务站", "chs", {"tcm_corner": 1})  # out of scope
    r = result(county, "A1")
    assert (r.numerator, r.denominator) == (1, 3)
    assert r.value == pytest.approx(1 / 3)
    assert r.met is False and not r.pending  # 乙 fails whatever 丙 reports
    assert r.gap == "还需 2 家机构建设中医馆；另有 1 家未填报"
    assert failing(r) == {"乙镇卫生院": (0, "需建设中医馆")}
    assert waiting(r) == {"丙社区卫生服务中心": "未填报中医馆情况"}


def test_a1_met_when_every_centre_has_a_hall(county):
    inst(county, "甲镇卫生院", "township_hc", {"hall_state": "upgraded"})
    inst(county, "乙社区卫生服务中心", "chc", {"hall_state": "built"})
    r = result(county, "A1")
    assert (r.value, r.met, r.gap, r.failing) == (1.0, True, None, ())


def test_a2_standard_or_upgraded_pass_and_gaps_say_what_is_missing(county):
    inst(county, "甲镇卫生院", "township_hc", {"hall_state": "none"})
    inst(county, "乙镇卫生院", "township_hc", {"hall_state": "built"})
    inst(county, "丙镇卫生院", "township_hc", {"hall_state": "standard"})
    inst(county, "丁镇卫生院", "township_hc", {"hall_state": "upgraded"})
    r = result(county, "A2")
    assert (r.numerator, r.denominator, r.value) == (2, 4, 0.5)
    assert r.gap == "还需 2 家机构中医馆达标"
    assert failing(r) == {"甲镇卫生院": (0, "需建设中医馆并达标"),
                          "乙镇卫生院": (0, "中医馆需达标")}


def test_a2_alukeerqin_counts_only_upgraded_halls_and_says_蒙医馆(county):
    inst(county, "甲苏木卫生院", "township_hc", {"hall_state": "standard"})
    inst(county, "乙苏木卫生院", "township_hc", {"hall_state": "upgraded"})
    r = result(county, "A2", profile="alukeerqin-2023")
    assert r.name == "中医馆（蒙医馆）达标率"
    assert (r.numerator, r.denominator) == (1, 2)
    assert r.gap == "还需 1 家机构中医馆（蒙医馆）提档升级"
    assert failing(r) == {"甲苏木卫生院": (0, "中医馆（蒙医馆）需提档升级")}


def test_a3_counts_only_centres_that_have_a_hall(county):
    inst(county, "甲镇卫生院", "township_hc", {"hall_state": "built", "platform_connected": 1})
    inst(county, "乙镇卫生院", "township_hc", {"hall_state": "standard", "platform_connected": 0})
    inst(county, "丙镇卫生院", "township_hc", {"hall_state": "upgraded"})
    inst(county, "丁镇卫生院", "township_hc", {"hall_state": "none", "platform_connected": 0})
    r = result(county, "A3")
    assert (r.numerator, r.denominator) == (1, 3)
    # 0.6 of 3 is 1.8: if 丙 reports a connected hall (2 of 3) it is met, so it waits for 丙.
    assert (r.met, r.pending, r.gap) == (None, True, "待 1 家机构填报")
    assert failing(r) == {"乙镇卫生院": (0, "需接入中医馆健康信息平台")}
    assert waiting(r) == {"丙镇卫生院": "未填报是否接入中医馆健康信息平台"}


def test_a3_without_any_hall_is_no_data(county):
    inst(county, "甲镇卫生院", "township_hc", {"hall_state": "none"})
    r = result(county, "A3")
    assert (r.value, r.met, r.gap, r.failing) == (None, None, None, ())
    assert r.denominator == 0


def test_a4_stations_need_place_and_equipment(county):
    inst(county, "甲社区卫生服务站", "chs", {"service_place": 1})
    inst(county, "乙村卫生室", "village_clinic", {"service_place": 0})
    inst(county, "丙村卫生室", "village_clinic", {"tcm_corner": 1})
    inst(county, "丁镇卫生院", "township_hc", {"hall_state": "built"})  # out of scope
    r = result(county, "A4")
    assert (r.numerator, r.denominator) == (1, 3)
    assert r.gap == "还需 2 家机构具备中医药服务场所和设备；另有 1 家未填报"
    assert failing(r) == {"乙村卫生室": (0, "需配备中医药服务场所和设备")}
    assert waiting(r) == {"丙村卫生室": "未填报是否具备中医药服务场所和设备"}


def test_a5_exactly_ten_percent_meets_the_target(county):
    inst(county, "村卫生室1", "village_clinic", {"tcm_corner": 1})
    for n in range(2, 11):
        inst(county, f"村卫生室{n}", "village_clinic", {"tcm_corner": 0})
    r = result(county, "A5")
    assert (r.numerator, r.denominator, r.met, r.gap) == (1, 10, True, None)
    assert r.failing == ()  # not a share that lists institutions


def test_a5_one_station_short(county):
    inst(county, "村卫生室1", "village_clinic", {"tcm_corner": 1})
    for n in range(2, 12):
        inst(county, f"村卫生室{n}", "village_clinic", {"tcm_corner": 0})
    r = result(county, "A5")
    assert (r.numerator, r.denominator, r.met) == (1, 11, False)
    assert r.gap == "还需 1 个站室设置中医阁"


def test_a6_a7_are_off_in_the_baseline_and_on_for_qijiang(county):
    inst(county, "卫生院1", "township_hc", {"hall_state": "standard", "hall_grade": "boutique"})
    for n in range(2, 11):
        inst(county, f"卫生院{n}", "township_hc", {"hall_state": "standard", "hall_grade": "normal"})
    ids = [r.id for r in run(county).results]
    assert "A6" not in ids and "A7" not in ids
    qijiang = run(county, profile="qijiang-2027")
    a6, a7 = qijiang.result("A6"), qijiang.result("A7")
    assert (a6.value, a6.met, a6.gap) == (0.1, False, "还需 1 家中医馆评为精品或示范中医馆")
    assert (a7.value, a7.met, a7.gap) == (0.0, False, "还需 1 家中医馆评为示范中医馆")


def test_a6_counts_model_halls_as_boutique_too(county):
    inst(county, "甲镇卫生院", "township_hc", {"hall_state": "upgraded", "hall_grade": "model"})
    inst(county, "乙镇卫生院", "township_hc", {"hall_state": "upgraded", "hall_grade": "boutique"})
    inst(county, "丙镇卫生院", "township_hc", {"hall_state": "built"})
    own = copy_profile(county, "baseline", "全开")
    update_profile(county, own.id, {"indicators": {"A6": {"on": True}, "A7": {"on": True}}})
    evaluation = run(county, profile=own.id)
    assert evaluation.result("A6").numerator == 2
    assert evaluation.result("A7").numerator == 1
