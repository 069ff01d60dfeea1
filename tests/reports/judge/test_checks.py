"""数据核查: each year-over-year check a reviewer makes, the two years' figures, 已核实 with a note
stored in the file (and merged like any record), and a check never blocking a save."""

from __future__ import annotations

import shutil

from db.exchange import merge
from db.county import CountyFile
from reports.judge.checks import find_checks, mark_verified

from tests.reports.conftest import act, inst


def _kinds(county, year: int = 2024) -> dict[str, list]:
    out: dict[str, list] = {}
    for f in find_checks(county, year):
        out.setdefault(f.kind, []).append(f)
    return out


def _two_years(county, name: str, type_: str, last: dict, this: dict) -> str:
    iid = inst(county, name, type_, this)
    county.set_institution_year(iid, 2023, last)
    return iid


def test_visits_doubled_or_halved_with_both_figures(county):
    _two_years(county, "甲镇卫生院", "township_hc", {"visits": 10_000, "tcm_visits": 3_000},
               {"visits": 21_000, "tcm_visits": 1_400})
    found = _kinds(county)
    (v,), (t,) = found["visits"], found["tcm_visits"]
    assert (v.previous, v.current, v.detail) == ("10,000", "21,000", "比上年翻了一倍以上")
    assert (t.previous, t.current, t.detail) == ("3,000", "1,400", "比上年减少了一半以上")
    assert "tcm_share" in found  # 30% → 6.7%: more than 20 points


def test_small_steady_changes_are_not_findings(county):
    _two_years(county, "甲镇卫生院", "township_hc",
               {"visits": 10_000, "tcm_visits": 3_000, "physicians": 10, "tech_items": 8,
                "tech_categories": 5, "hall_state": "built"},
               {"visits": 12_000, "tcm_visits": 3_900, "physicians": 12, "tech_items": 9,
                "tech_categories": 5, "hall_state": "standard"})
    assert find_checks(county, 2024) == []


def test_staff_by_half_techniques_and_hall_going_backwards(county):
    _two_years(county, "甲镇卫生院", "township_hc",
               {"physicians": 20, "tcm_physicians": 6, "tech_categories": 6, "tech_items": 10,
                "hall_state": "standard"},
               {"physicians": 9, "tcm_physicians": 6, "tech_categories": 5, "tech_items": 10,
                "hall_state": "built"})
    found = _kinds(county)
    assert found["physicians"][0].detail == "比上年减少 11 人"
    assert (found["techniques"][0].previous, found["techniques"][0].current) == ("6类10项",
                                                                                  "5类10项")
    assert (found["hall_state"][0].previous, found["hall_state"][0].current) == ("达标",
                                                                                  "已建未达标")


def test_all_activities_on_one_day_and_the_same_activity_twice(county):
    a = inst(county, "甲镇卫生院", "township_hc", {"hall_state": "built"})
    for kind in ("健康讲座", "义诊", "健康咨询"):
        act(county, a, kind, "2024-12-30")
    b = inst(county, "乙镇卫生院", "township_hc", {"hall_state": "built"})
    act(county, b, "健康讲座", "2024-03-01", title="春季养生")
    act(county, b, "健康讲座", "2024-03-01", title="春季养生 ")
    act(county, b, "义诊", "2024-05-01")
    found = _kinds(county)
    assert [f.institution for f in found["same_day"]] == ["甲镇卫生院"]
    assert [f.institution for f in found["duplicate"]] == ["乙镇卫生院"]
    assert "录入了 2 次" in found["duplicate"][0].detail


def test_verified_with_a_note_survives_recomputing_and_merges(county, tmp_path):
    _two_years(county, "甲镇卫生院", "township_hc", {"visits": 10_000}, {"visits": 30_000})
    copy = tmp_path / "copy.tcmcounty"
    shutil.copyfile(county.path, copy)
    (finding,) = find_checks(county, 2024)
    mark_verified(county, finding, "新院区投入使用，属实")
    (again,) = find_checks(county, 2024)
    assert (again.verified, again.note) == (True, "新院区投入使用，属实")
    with CountyFile.open(copy, daily_backup=False) as other:
        merge(other, county.path)
        (merged,) = find_checks(other, 2024)
        assert (merged.verified, merged.note) == (True, "新院区投入使用，属实")


def test_a_check_never_blocks_saving(county):
    iid = _two_years(county, "甲镇卫生院", "township_hc", {"visits": 10_000}, {"visits": 12_000})
    county.set_institution_year(iid, 2024, {"visits": 90_000})  # saved, then found
    assert county.get("institution_year", county.institution_year_id(iid, 2024))["visits"] == 90_000
    assert [f.kind for f in find_checks(county, 2024)] == ["visits"]


def test_a_township_file_carries_only_its_own_checks(county, tmp_path):
    from db.exchange import write_township_file

    for name, town in (("甲镇卫生院", "甲镇"), ("乙镇卫生院", "乙镇")):
        iid = inst(county, name, "township_hc", {"visits": 30_000}, township=town)
        county.set_institution_year(iid, 2023, {"visits": 10_000})
    for finding in find_checks(county, 2024):
        mark_verified(county, finding, "属实")
    out = write_township_file(county, "甲镇", tmp_path / "甲镇.tcmcounty")
    with CountyFile.open(out, daily_backup=False) as town:
        assert [f.institution for f in find_checks(town, 2024) if f.verified] == ["甲镇卫生院"]
        assert town.count("check_review") == 1


def test_a_hall_shrunk_to_a_third_is_found_as_a_doctor_count_is(county):
    _two_years(county, "甲镇卫生院", "township_hc",
               {"physicians": 88, "hall_state": "standard", "hall_area": 360},
               {"physicians": 28, "hall_state": "standard", "hall_area": 120})
    _two_years(county, "乙镇卫生院", "township_hc", {"hall_state": "built", "hall_area": 330},
               {"hall_state": "standard", "hall_area": 3300})  # a zero too many makes 达标
    _two_years(county, "丙镇卫生院", "township_hc", {"hall_state": "built", "hall_area": 260},
               {"hall_state": "standard", "hall_area": 310})  # built up to the standard
    found = _kinds(county)
    assert [f.label for f in found["physicians"]] == ["执业（助理）医师数变化过半"]
    by_name = {f.institution: f for f in found["hall_area"]}
    assert sorted(by_name) == sorted(["甲镇卫生院", "乙镇卫生院"])  # not 丙镇's upgrade
    shrunk, grown = by_name["甲镇卫生院"], by_name["乙镇卫生院"]
    assert (shrunk.institution, shrunk.label, shrunk.previous, shrunk.current, shrunk.detail) == (
        "甲镇卫生院", "中医馆面积翻倍或减半", "360 平方米", "120 平方米", "比上年减少了一半以上")
    assert (grown.institution, grown.current, grown.detail) == (
        "乙镇卫生院", "3,300 平方米", "比上年翻了一倍以上")


def test_findings_and_the_workbooks_rows_read_as_a_register(tmp_path) -> None:
    """Townships in pinyin order (长江镇, 城关街道, 东城街道 …), not by their characters' codes,
    in 数据核查 and in the rows of the fill-in template and the export."""
    from db.county import CountyFile
    from db.demo import write_demo
    from db.vocab import pinyin_key
    from reports.excel.export import institution_rows

    with CountyFile.open(write_demo(tmp_path / "demo.tcmcounty", "small")) as county:
        towns = [f.township for f in find_checks(county, 2024)]
        assert len(set(towns)) > 3 and towns == sorted(towns, key=pinyin_key)
        centres = [r["township"] for r in institution_rows(county, 2024)
                   if r["type"] == "township_hc"]
        assert len(centres) > 3 and centres == sorted(centres, key=pinyin_key)
