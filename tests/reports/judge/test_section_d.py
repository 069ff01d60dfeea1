"""D1–D10: counted from the activity log, by calendar year, TCM content only where required."""

from __future__ import annotations

from reports.judge.profiles import copy_profile, update_profile

from tests.reports.conftest import act, failing, inst, result, waiting


def test_d1_counts_the_calendar_year_and_only_tcm_content(county):
    a = inst(county, "甲镇卫生院", "township_hc")
    b = inst(county, "乙镇卫生院", "township_hc")
    for date in ("2024-01-01", "2024-04-01", "2024-08-01", "2024-12-31"):
        act(county, a, "宣传栏更换", date)
    act(county, b, "宣传栏更换", "2024-01-01")
    act(county, b, "宣传栏更换", "2024-12-31")
    act(county, b, "宣传栏更换", "2024-06-01")
    act(county, b, "宣传栏更换", "2024-06-02", tcm=0)  # not TCM content
    act(county, b, "宣传栏更换", "2023-12-31")  # last year
    act(county, b, "宣传栏更换", "2025-01-01")  # next year
    r = result(county, "D1")
    assert (r.numerator, r.denominator) == (1, 2)
    assert failing(r) == {"乙镇卫生院": (3, "还需 1 次宣传栏更换")}
    assert r.gap == "还需 1 家机构宣传栏更换达到 4 次"


def test_d2_and_d5_minimum_counts(county):
    a = inst(county, "甲镇卫生院", "township_hc")
    for _ in range(5):
        act(county, a, "健康咨询")
    for _ in range(4):
        act(county, a, "健康讲座")
    act(county, a, "健康讲座", tcm=0)
    assert result(county, "D2").met is True
    assert failing(result(county, "D5")) == {"甲镇卫生院": (4, "还需 2 次健康讲座")}


def test_d3_d4_count_distinct_titles(county):
    a = inst(county, "甲镇卫生院", "township_hc")
    for title in ("四季养生", "四季养生", " 四季养生 ", "三伏贴", "艾灸", "药食同源", "穴位按摩"):
        act(county, a, "文字资料", title=title)
    for title in ("八段锦教学", "八段锦教学", "养生讲堂"):
        act(county, a, "音像资料", title=title)
    act(county, a, "音像资料", title="防疫宣传片", tcm=0)
    d3, d4 = result(county, "D3"), result(county, "D4")
    assert failing(d3) == {"甲镇卫生院": (5, "还需 1 种文字资料")}
    assert failing(d4) == {"甲镇卫生院": (2, "还需 1 种音像资料")}


def test_minimum_counts_come_from_the_profile(county):
    a = inst(county, "甲镇卫生院", "township_hc")
    act(county, a, "健康讲座")
    act(county, a, "健康讲座")
    own = copy_profile(county, "baseline", "少讲座")
    update_profile(county, own.id, {"indicators": {"D5": {"threshold": {"count": 2}}}})
    assert result(county, "D5", profile=own.id).met is True
    assert result(county, "D5").met is False


def test_centres_without_activities_fail_with_their_zero(county):
    a = inst(county, "甲镇卫生院", "township_hc")
    # 乙 has reported its figures, so an empty log is a real zero (with nothing at all it
    # would be 未填报: see test_not_reported).
    inst(county, "乙镇卫生院", "township_hc", {"hall_state": "built"})
    for _ in range(6):
        act(county, a, "健康讲座")
    r = result(county, "D5")
    assert failing(r) == {"乙镇卫生院": (0, "还需 6 次健康讲座")}


def test_d6_d7_shares_of_centre_activities_and_people(county):
    a = inst(county, "甲镇卫生院", "township_hc")
    s = inst(county, "乙社区卫生服务站", "chs")
    act(county, a, "健康讲座", people=10)
    act(county, a, "义诊", people=20)
    act(county, a, "宣传栏更换")  # nobody counted
    act(county, a, "健康讲座", people=70, tcm=0)
    act(county, s, "健康讲座", people=500, tcm=0)  # a station: not in D6/D7
    d6, d7 = result(county, "D6"), result(county, "D7")
    assert (d6.numerator, d6.denominator, d6.met) == (3, 4, True)
    assert (d7.numerator, d7.denominator, d7.value) == (30, 100, 0.3)
    # (30 + x) / (100 + x) >= 0.5  ⇔  x >= 40
    assert d7.gap == "有中医药内容的活动还需增加受众 40 人次"


def test_d6_gap_counts_tcm_activities_added_to_all(county):
    a = inst(county, "甲镇卫生院", "township_hc")
    act(county, a, "健康讲座")
    for _ in range(3):
        act(county, a, "健康讲座", tcm=0)
    r = result(county, "D6")
    assert (r.value, r.gap) == (0.25, "还需开展 2 次有中医药内容的健康教育活动")


def test_d6_d7_without_centre_activities_are_no_data(county):
    inst(county, "甲镇卫生院", "township_hc", {"hall_state": "built"})  # reported: no activities
    v = inst(county, "乙村卫生室", "village_clinic")
    act(county, v, "义诊", people=30)
    for ind in ("D6", "D7"):
        r = result(county, ind)
        assert (r.value, r.met, r.gap) == (None, None, None)


def test_d6_d7_wait_for_a_centre_whose_log_has_not_arrived(county):
    a = inst(county, "甲镇卫生院", "township_hc", {"hall_state": "built"})
    act(county, a, "健康讲座", people=40)
    inst(county, "乙镇卫生院", "township_hc")  # neither figures nor a single activity
    for ind in ("D6", "D7"):
        r = result(county, ind)
        assert (r.value, r.met, r.pending) == (1.0, None, True)
        assert waiting(r) == {"乙镇卫生院": "未填报本年度数据和活动记录"}


def test_d7_a_blank_audience_waits_only_where_it_could_decide(county):
    a = inst(county, "甲镇卫生院", "township_hc", {"hall_state": "built"})
    act(county, a, "健康讲座", people=60)
    act(county, a, "健康讲座", people=40, tcm=0)
    act(county, a, "宣传栏更换", tcm=0)  # a notice board's audience is not counted
    assert (result(county, "D7").value, result(county, "D7").met) == (0.6, True)
    # A TCM talk with its audience left blank could only raise the share: still 达标.
    act(county, a, "健康讲座")
    r = result(county, "D7")
    assert (r.met, waiting(r)) == (True, {"甲镇卫生院": "未填报 1 次活动的参与人数"})
    # Another activity's blank audience could sink it: 待填报, not 达标.
    act(county, a, "义诊", tcm=0)
    assert (result(county, "D7").met, result(county, "D7").pending) == (None, True)


def test_d8_d9_count_every_institution_and_are_informational(county):
    h = inst(county, "县中医医院", "county_tcm_hospital")
    v = inst(county, "甲村卫生室", "village_clinic")
    act(county, h, "进校园")
    act(county, v, "进校园", "2024-12-31")
    act(county, v, "进校园", tcm=0)  # not TCM: not counted for D8
    act(county, h, "传统健身", tcm=0)  # D9 counts 传统健身 whatever the flag
    act(county, v, "传统健身", "2024-01-01")
    d8, d9 = result(county, "D8"), result(county, "D9")
    assert (d8.value, d9.value) == (2, 2)
    assert (d8.target, d8.met, d8.gap) == (None, None, None)


def test_d8_with_a_target_says_how_many_more(county):
    h = inst(county, "县中医医院", "county_tcm_hospital")
    act(county, h, "进校园")
    own = copy_profile(county, "baseline", "进校园")
    update_profile(county, own.id, {"indicators": {"D8": {"target": {"op": ">=", "value": 4}}}})
    assert result(county, "D8", profile=own.id).gap == "还需 3 次中医药文化进校园活动"


def test_d10_satisfaction_gap_in_percentage_points(county):
    county.set_county_year(2024, {"satisfaction": 0.885})
    r = result(county, "D10")
    assert (r.value, r.met) == (0.885, False)
    assert r.gap == "满意率还需提高 1.5 个百分点"
    county.set_county_year(2024, {"satisfaction": 0.9})
    assert result(county, "D10").met is True


def test_d10_not_entered_is_no_data(county):
    county.set_county_year(2024, {"resident_population": 1000})
    r = result(county, "D10")
    assert (r.value, r.met) == (None, None)


def test_the_activities_an_indicator_counts_are_those_the_binder_files_under_it(tmp_path):
    """measures.counted_by (which items an activity's photos support in the binder) picks out,
    over the demo county's whole log, exactly what D1–D9 count: the binder and the score cannot
    disagree on which activity earns an item."""
    from collections import defaultdict

    from db.county import CountyFile
    from db.demo import write_demo
    from db.vocab import CENTRE_TYPES
    from reports.judge.duplicates import title_key
    from reports.judge.evaluation import evaluate
    from reports.judge.facts import load_facts
    from reports.judge.matrix import activity_counts
    from reports.judge.measures import counted_by

    with CountyFile.open(write_demo(tmp_path / "青河县.tcmcounty"), daily_backup=False) as c:
        facts, ev = load_facts(c, 2024), evaluate(c, 2024)
        types = {i["id"]: i["type"] for i in facts.institutions}
        rows = defaultdict(list)
        for row in facts.log:
            for ind in counted_by(row, types[row["institution_id"]]):
                rows[ind].append(row)
        assert len(rows["D6"]) == ev.result("D6").numerator
        assert sum(r["people"] for r in rows["D7"]) == ev.result("D7").numerator
        assert (len(rows["D8"]), len(rows["D9"])) == (ev.result("D8").value, ev.result("D9").value)
        per_centre = defaultdict(dict)
        for ind in ("D1", "D2", "D3", "D4", "D5"):
            for inst_id in {r["institution_id"] for r in rows[ind]}:
                mine = [r for r in rows[ind] if r["institution_id"] == inst_id]
                per_centre[inst_id][ind] = (len({title_key(r["title"]) for r in mine})
                                            if ind in ("D3", "D4") else len(mine))
        # the matrix's counts of the institutions D1–D5 judge (it shows a hospital's too)
        counted = {i: {k: n for k, n in row.items() if n}
                   for i, row in activity_counts(c, 2024).items() if types[i] in CENTRE_TYPES}
        assert per_centre == {i: row for i, row in counted.items() if row}
        assert len(rows["D6"]) > 300 and rows["D8"] and rows["D9"]  # the demo's log is all there
