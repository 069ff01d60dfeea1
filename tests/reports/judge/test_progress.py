"""填报进度: which parts each counted institution has sent, per township, and what keeps a year
a draft (names of institutions 未填报 and of those with carried-over values unconfirmed)."""

from __future__ import annotations

from db.newyear import start_new_year
from reports.judge.progress import progress

from tests.reports.conftest import act, inst


def test_parts_by_type_and_status(county):
    a = inst(county, "甲镇卫生院", "township_hc", {"physicians": 5, "tcm_physicians": 2,
                                                 "visits": 100, "tcm_visits": 30,
                                                 "hall_state": "built", "tech_items": 4},
             township="甲镇")
    act(county, a, "健康讲座")
    inst(county, "甲镇柳村卫生室", "village_clinic", {"tcm_corner": 1}, township="甲镇")
    inst(county, "乙镇卫生院", "township_hc", township="乙镇")
    inst(county, "县中医医院", "county_tcm_hospital", {"physicians": 80}, township="城关镇")
    p = progress(county, 2024)
    by = {i.name: i for i in p.institutions}
    assert by["甲镇卫生院"].status == "已填齐" and by["甲镇卫生院"].share == 1.0
    village = by["甲镇柳村卫生室"]
    assert village.parts == {"staff": False, "visits": None, "hall": True, "techniques": False,
                             "activities": None}
    # Partly reported is not reported: 未填报, with what is missing.
    assert (village.status, village.partial, village.missing) == ("未填报", True,
                                                                  ["人员", "适宜技术"])
    assert by["乙镇卫生院"].status == "未填报" and not by["乙镇卫生院"].partial
    assert by["县中医医院"].status == "已填齐"  # only staff is asked of a hospital
    towns = {t.township: t for t in p.townships}
    assert (towns["甲镇"].institutions, towns["甲镇"].complete, towns["甲镇"].none,
            towns["甲镇"].partial) == (2, 1, 1, 1)
    assert (towns["乙镇"].none, towns["乙镇"].share) == (1, 0.0)
    assert p.is_draft
    assert p.missing_text() == ["尚未填齐本年度数据的机构 2 家，其中部分填报 1 家："
                                "乙镇卫生院（本年度数据均未填报）、甲镇柳村卫生室（缺人员、适宜技术）。"]


def test_a_year_with_no_data_is_a_draft_saying_so(county):
    inst(county, "甲镇卫生院", "township_hc", {"physicians": 3})
    empty = progress(county, 2030)
    assert empty.is_draft and empty.empty
    assert empty.missing_text()[0] == "文件中没有2030年度的任何数据。"
    assert not progress(county, 2024).empty


def test_a_closed_institution_is_not_chased(county):
    inst(county, "甲镇卫生院", "township_hc", {"physicians": 3})
    inst(county, "已撤并卫生院", "township_hc", active_to=2023)
    assert [i.name for i in progress(county, 2024).institutions] == ["甲镇卫生院"]


def test_carried_values_show_until_confirmed(county):
    inst(county, "甲镇卫生院", "township_hc", {"physicians": 3, "hall_state": "built"})
    start_new_year(county, 2025)
    (one,) = progress(county, 2025).institutions
    # Staff and hall carried; visits, techniques and activities never came: still 未填报.
    assert (one.carried, one.carried_from, one.status) == (2, 2024, "未填报")
    assert progress(county, 2025).missing_text() == [
        "尚未填齐本年度数据的机构 1 家，其中部分填报 1 家：甲镇卫生院（缺诊疗量、适宜技术、宣传活动）。",
        "沿用上年数据尚未确认的机构 1 家：甲镇卫生院。"]


def test_read_with_the_years_facts_it_is_the_same(tmp_path) -> None:
    """The window reads the year's institutions once for the judgement and 填报进度 alike
    (load_facts(…, logged=True)): the same 填报进度 as reading it on its own, township file too."""
    from db.county import CountyFile
    from db.demo import write_demo
    from db.exchange import write_township_file
    from reports.judge.facts import load_facts

    demo = tmp_path / "demo.tcmcounty"
    write_demo(demo, "small")
    with CountyFile.open(demo) as county:
        town = county.query("SELECT township FROM institution WHERE type = 'township_hc'")[0]
        write_township_file(county, town["township"], tmp_path / "town.tcmcounty")
        checked = [(county, y) for y in (2023, 2024, 2025)]
        for c, year in checked:
            rows = load_facts(c, year, logged=True).institutions
            assert progress(c, year, rows) == progress(c, year)
    with CountyFile.open(tmp_path / "town.tcmcounty") as town_file:
        rows = load_facts(town_file, 2024, logged=True).institutions
        assert progress(town_file, 2024, rows) == progress(town_file, 2024)
        assert 0 < len(rows) < 75
