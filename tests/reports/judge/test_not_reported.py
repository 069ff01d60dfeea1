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
    # The year's list counts partly reported as not reported, and says what each lacks.
    assert data["not_reported"][0] == {
        "institution": "乙镇卫生院", "institution_id": late, "township": None,
        "missing": "本年度数据均未填报",
        "missing_parts": ["人员", "诊疗量", "中医馆/中医阁", "适宜技术", "宣传活动"]}
    assert data["not_reported"][1]["institution"] == "甲镇卫生院"
    assert data["not_reported"][1]["missing"] == "缺人员、诊疗量、适宜技术、宣传活动"


def test_an_institution_with_blank_staff_is_in_the_years_not_reported(county):
    # 填报进度 would say 部分填报; C4 waits for it; the year's list names it too.
    inst(county, "甲村卫生室", "village_clinic", {"tcm_corner": 1, "service_place": 1,
                                                "tech_categories": 4, "tech_items": 6})
    ev = run(county)
    assert [f.institution for f in ev.result("C4").not_reported] == ["甲村卫生室"]
    assert [(u.name, u.missing) for u in ev.unreported] == [("甲村卫生室", "缺人员")]


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
    assert "未填报（含部分填报）本年度数据的机构 2 家：" in text
    assert "乙镇卫生院（本年度数据均未填报）" in text


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


# The standard's indicators (issue 16) keep 未填报 apart from 未达标 the same way.

def test_a_station_without_figures_is_waited_for_not_failed_under_a8(county):
    inst(county, "甲社区卫生服务站", "chs", {"service_place": 0})
    inst(county, "乙社区卫生服务站", "chs")
    r = result(county, "A8")
    assert list(failing(r)) == ["甲社区卫生服务站"] and list(waiting(r)) == ["乙社区卫生服务站"]
    # Judged against its reference target, but the standard gives A8 0 points: a statistic.
    assert (r.met, r.statistic, status_text(r)) == (False, True, "不计分")


def test_a_tcm_hospital_that_has_not_reported_its_grade_makes_b9_pending(county):
    inst(county, "青河县中医医院", "county_tcm_hospital")
    inst(county, "甲镇卫生院", "township_hc", {"hall_state": "built"})  # the year has figures
    r = result(county, "B9")
    assert (r.met, r.pending, status_text(r)) == (None, True, "待填报")
    assert failing(r) == {} and list(waiting(r)) == ["青河县中医医院"]


def test_a_hospital_without_a_row_waits_under_b12_while_one_without_a_tcm_department_fails(county):
    inst(county, "青河县人民医院", "county_general_hospital", {"tcm_dept": 0})
    inst(county, "青河县妇幼保健院", "maternal_child")
    r = result(county, "B12")
    assert list(failing(r)) == ["青河县人民医院"] and list(waiting(r)) == ["青河县妇幼保健院"]


def test_a10_waits_for_centres_that_have_not_reported(county):
    # 15% upgraded: 0 of 2 so far, but the missing centre alone would make it 50%.
    inst(county, "甲镇卫生院", "township_hc", {"hall_state": "built"})
    inst(county, "乙镇卫生院", "township_hc")
    r = result(county, "A10")
    assert (r.met, status_text(r)) == (None, "待填报")
    assert list(waiting(r)) == ["乙镇卫生院"]


def test_b14_a_sum_of_teams_without_the_missing_never_passes(county):
    inst(county, "甲镇卫生院", "township_hc", {"fd_teams": 4, "fd_teams_tcm": 4})
    inst(county, "乙镇卫生院", "township_hc")
    r = result(county, "B14")
    assert r.value == 1.0 and (r.met, status_text(r)) == (None, "待填报")
    assert list(waiting(r)) == ["乙镇卫生院"]


def test_an_item_that_waits_for_reports_scores_nothing_and_says_so(county):
    inst(county, "甲镇卫生院", "township_hc", {"hall_state": "built"})
    inst(county, "乙镇卫生院", "township_hc")
    score = run(county).score
    assert score is not None
    a1 = score.for_indicator("A1")
    assert a1 is not None
    assert (a1.points, a1.state, a1.reason) == (0, "待填报", "待 1 家机构填报")
    assert a1.veto and "A1" in [i.indicator for i in score.veto_failures]


def test_a_figure_an_indicator_waits_for_keeps_the_institution_unreported(county, tmp_path):
    """Every part sent, but the area and rooms of a 中医馆 typed 提档升级 left blank: A10 waits for
    them, so the institution is 未填报 in the year's list, in 填报进度 and in the report's draft
    note alike, saying what it lacks; once filled in, it has reported (one answer everywhere)."""
    from reports.judge.progress import progress
    from reports.pdf.report import DraftRefused, write_report

    import pytest

    full = {"hall_state": "upgraded", "platform_connected": 1, "physicians": 20,
            "tcm_physicians": 8, "other_tcm_staff": 2, "tcm_gps": 2, "west_learn_tcm": 12,
            "fd_teams": 3, "fd_teams_tcm": 3, "visits": 30000, "tcm_visits": 12000,
            "tech_categories": 7, "tech_items": 12}
    a = inst(county, "甲镇卫生院", "township_hc", full)
    act(county, a, "健康讲座", people=60)
    assert progress(county, 2024).unreported == []  # its parts are all in
    ev = run(county)
    assert [f.institution for f in ev.result("A10").not_reported] == ["甲镇卫生院"]
    said = "缺中医馆建设情况（面积、诊室数、治疗室数、治疗室面积）"
    assert [(u.name, u.missing) for u in ev.unreported] == [("甲镇卫生院", said)]
    state = ev.progress
    assert [(i.name, i.status, i.missing_text) for i in state.unreported] == [
        ("甲镇卫生院", "未填报", said)]
    assert state.unreported[0].share == 5 / 6  # every part in, one figure still to come
    assert state.is_draft and f"甲镇卫生院（{said}）" in state.missing_text()[0]
    with pytest.raises(DraftRefused, match="中医馆建设情况"):
        write_report(county, 2024, tmp_path / "final.pdf", final=True)
    county.set_institution_year(a, 2024, {"hall_area": 400, "hall_consult_rooms": 4,
                                          "hall_treat_rooms": 2, "hall_treat_area": 60})
    ev = run(county)
    assert ev.result("A10").not_reported == () and ev.unreported == ()
    assert not ev.progress.is_draft
    # An activity's 参与人数 left blank is waited for likewise, said as the indicator says it.
    act(county, a, "义诊")
    assert [u.missing for u in run(county).unreported] == ["缺 1 次活动的参与人数"]
