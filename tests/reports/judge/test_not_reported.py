"""未填报 is not 未达标: institutions that have not reported are listed apart from those that fall
short, an indicator that only waits for reports reads 待填报, and a missing row never passes."""

from __future__ import annotations

import json

from reports.judge.wording import format_table, status_text

from tests.reports.conftest import act, failing, inst, result, run, waiting


def test_json_lists_not_reported_apart_from_failing_with_names_and_ids(county):
    inst(county, "甲镇卫生院", "township_hc", {"hall_state": "none"})
    late = inst(county, "乙镇卫生院", "township_hc")  # no row for the year
    data = json.loads(json.dumps(run(county).to_dict(), ensure_ascii=False))
    a1 = next(i for i in data["indicators"] if i["id"] == "A1")
    assert [f["institution"] for f in a1["failing"]] == ["甲镇卫生院"]
    assert a1["not_reported"] == [{"institution": "乙镇卫生院", "institution_id": late,
                                   "missing": "未填报中医馆情况"}]
    assert data["not_reported"] == [{"institution": "乙镇卫生院", "institution_id": late,
                                     "township": None}]


def test_an_indicator_whose_only_shortfall_is_not_reported_reads_pending(county):
    inst(county, "甲镇卫生院", "township_hc", {"hall_state": "built"})
    inst(county, "乙镇卫生院", "township_hc")
    r = result(county, "A1")
    assert (r.met, r.pending, status_text(r)) == (None, True, "待填报")
    assert failing(r) == {} and list(waiting(r)) == ["乙镇卫生院"]
    assert r.gap == "待 1 家机构填报"


def test_a_sum_that_leaves_the_missing_out_never_passes(county):
    inst(county, "甲镇卫生院", "township_hc", {"visits": 1000, "tcm_visits": 600})
    inst(county, "乙镇卫生院", "township_hc")
    r = result(county, "B4")
    assert r.value == 0.6 and r.met is None and status_text(r) == "待填报"


def test_a_real_shortfall_stays_failing_with_the_waiting_counted_beside(county):
    inst(county, "甲镇卫生院", "township_hc", {"hall_state": "none"})
    inst(county, "乙镇卫生院", "township_hc", {"hall_state": "none"})
    inst(county, "丙镇卫生院", "township_hc")
    r = result(county, "A1")
    assert (r.met, status_text(r)) == (False, "未达标")
    assert len(r.failing) == 2 and len(r.not_reported) == 1


def test_a_share_met_even_if_the_missing_fail_is_met(county):
    # A5 (中医阁) asks for 10% of stations: 1 of 3 passes even if the missing one fails.
    inst(county, "甲村卫生室", "village_clinic", {"tcm_corner": 1})
    inst(county, "乙村卫生室", "village_clinic", {"tcm_corner": 0})
    inst(county, "丙村卫生室", "village_clinic")
    r = result(county, "A5")
    assert (r.met, r.pending, status_text(r)) == (True, False, "达标")
    assert list(waiting(r)) == ["丙村卫生室"]


def test_the_table_counts_both_and_names_who_has_not_reported(county):
    inst(county, "甲镇卫生院", "township_hc", {"hall_state": "none"})
    inst(county, "乙镇卫生院", "township_hc")
    text = format_table(run(county))
    a1 = next(line for line in text.splitlines() if line.startswith("A1"))
    assert a1.split()[-3:] == ["未达标", "1", "1"]
    assert "未填报本年度数据的机构 1 家：乙镇卫生院。" in text


def test_an_institution_opened_later_is_not_counted_before(county):
    inst(county, "甲镇卫生院", "township_hc", {"hall_state": "built"}, year=2022)
    inst(county, "新城社区卫生服务中心", "chc", {"hall_state": "built"}, year=2023,
         active_from=2023)
    r = result(county, "A1", year=2022)
    assert (r.met, r.denominator, r.not_reported) == (True, 1, ())


def test_a_centre_with_neither_figures_nor_activities_waits_for_its_log(county):
    a = inst(county, "甲镇卫生院", "township_hc", {"hall_state": "built"})
    for n in range(6):
        act(county, a, "健康讲座", f"2024-0{n + 1}-10")
    inst(county, "乙镇卫生院", "township_hc")  # late township: nothing at all yet
    inst(county, "丙镇卫生院", "township_hc", {"hall_state": "built"})  # reported, no talks
    r = result(county, "D5")
    assert list(waiting(r)) == ["乙镇卫生院"]
    assert list(failing(r)) == ["丙镇卫生院"]
