"""An activity entered twice counts once in D1–D9, the matrix and the score, until 数据核查 marks
it 已核实 (确为两次); titles compared as names are (NFKC, spaces and case ignored)."""

from __future__ import annotations

import shutil

from db.county import CountyFile
from db.exchange import merge
from reports.judge.checks import find_checks, mark_verified
from reports.judge.duplicates import copies_of, duplicate_groups, title_key
from reports.judge.matrix import activity_counts

from tests.reports.conftest import act, failing, inst, result, run

LECTURE = dict(title="秋冬进补讲座", people=64)


def _lectures(county, iid: str, n: int, *, people: int = 40) -> None:
    for k in range(n):
        act(county, iid, "健康讲座", f"2024-0{k % 9 + 1}-0{k % 7 + 1}", title=f"讲座{k}",
            people=people)


def _liutang(county) -> str:
    """The issue's centre: five distinct lectures, the sixth entered twice (2024-10-23, 64 people),
    and one activity without TCM content, beside three centres that hold six lectures each."""
    for name in ("甲镇卫生院", "乙镇卫生院", "丙镇卫生院"):
        _lectures(county, inst(county, name, "township_hc", {"hall_state": "built"}), 6)
    iid = inst(county, "柳塘镇卫生院", "township_hc", {"hall_state": "built"})
    _lectures(county, iid, 4)
    act(county, iid, "健康讲座", "2024-10-23", **LECTURE)
    act(county, iid, "健康讲座", "2024-10-23", **LECTURE)
    act(county, iid, "义诊", "2024-11-02", title="便民义诊", people=30, tcm=0)
    return iid


def _finding(county, year: int = 2024):
    return next(f for f in find_checks(county, year) if f.kind == "duplicate")


def test_a_lecture_entered_twice_counts_once_in_d5_d6_d7_and_the_score(county):
    _liutang(county)
    d5 = result(county, "D5")
    assert failing(d5) == {"柳塘镇卫生院": (5, "还需 1 次健康讲座")}
    assert (d5.numerator, d5.denominator, d5.met) == (3, 4, False)
    d6, d7 = result(county, "D6"), result(county, "D7")
    # 24 + 5 lectures with TCM content, one 义诊 without; people 29 × 40 … with 64 once.
    assert (d6.numerator, d6.denominator) == (18 + 5, 18 + 5 + 1)
    assert (d7.numerator, d7.denominator) == (18 * 40 + 4 * 40 + 64, 18 * 40 + 4 * 40 + 64 + 30)
    score = run(county).score
    assert score is not None and score.item("D5").points == 1.5  # one centre short: 2 − 0.5


def test_confirmed_as_two_events_both_count_and_the_mark_merges(county, tmp_path):
    _liutang(county)
    copy = tmp_path / "copy.tcmcounty"
    shutil.copyfile(county.path, copy)
    finding = _finding(county)
    assert finding.detail == "2024-10-23 健康讲座“秋冬进补讲座”录入了 2 次，按一次计"
    mark_verified(county, finding, "上午、下午各办一场")
    assert result(county, "D5").met is True
    assert result(county, "D7").numerator == 18 * 40 + 4 * 40 + 64 * 2
    assert _finding(county).detail.endswith("已核实为分别举办，分别计数")
    assert run(county).score.item("D5").points == 2
    with CountyFile.open(copy, daily_backup=False) as other:
        assert result(other, "D5").met is False
        merge(other, county.path)
        assert result(other, "D5").met is True


def test_the_matrix_counts_the_copies_once(county):
    iid = _liutang(county)
    assert activity_counts(county, 2024)[iid]["D5"] == 5


def test_titles_compare_without_width_spaces_or_case_and_punctuation_counts(county):
    a = inst(county, "甲镇卫生院", "township_hc", {"hall_state": "built"})
    for title in ("八段锦 教学Ａ", "八段锦教学a", " 八段锦教学A\n"):
        act(county, a, "健康咨询", "2024-03-05", title=title, people=10)
    act(county, a, "健康咨询", "2024-03-05", title="八段锦教学（二）", people=10)
    act(county, a, "健康咨询", "2024-03-06", title="八段锦教学A", people=10)  # another day
    act(county, a, "义诊", "2024-03-05", title="八段锦教学A", people=10)  # another kind
    assert title_key("八段锦 教学Ａ") == title_key("八段锦教学a")
    assert failing(result(county, "D2")) == {"甲镇卫生院": (3, "还需 2 次健康咨询")}
    (group,) = duplicate_groups(county, 2024)
    assert len(group.rows) == 3


def test_each_minimum_count_and_distinct_titles_take_the_copy_once(county):
    """D1, D2 and D3/D4 alike: copies of a board change, a consultation and a leaflet."""
    a = inst(county, "甲镇卫生院", "township_hc", {"hall_state": "built"})
    for month in (1, 4, 7):
        act(county, a, "宣传栏更换", f"2024-0{month}-01", title=f"第{month}期")
    act(county, a, "宣传栏更换", "2024-07-01", title="第7期")
    for day in range(1, 5):
        act(county, a, "健康咨询", f"2024-05-0{day}", title="中医药健康咨询")
    act(county, a, "健康咨询", "2024-05-04", title="中医药健康咨询")
    for title in ("四季养生", "三伏贴", "艾灸", "药食同源", "穴位按摩"):
        act(county, a, "文字资料", "2024-06-01", title=title)
    act(county, a, "文字资料", "2024-06-01", title="艾 灸")
    assert failing(result(county, "D1")) == {"甲镇卫生院": (3, "还需 1 次宣传栏更换")}
    assert failing(result(county, "D2")) == {"甲镇卫生院": (4, "还需 1 次健康咨询")}
    assert failing(result(county, "D3")) == {"甲镇卫生院": (5, "还需 1 种文字资料")}


def test_copies_that_disagree_count_as_the_least_of_them(county):
    """One copy says 64 people, the other leaves it blank: counted once, with no one, so a
    blank never helps; TCM content only when every copy says so."""
    a = inst(county, "甲镇卫生院", "township_hc", {"hall_state": "built"})
    act(county, a, "健康讲座", "2024-10-23", title="秋冬进补讲座", people=64)
    act(county, a, "健康讲座", "2024-10-23", title="秋冬进补讲座", people=None)
    act(county, a, "义诊", "2024-10-24", title="义诊", people=50, tcm=1)
    act(county, a, "义诊", "2024-10-24", title="义诊", people=50, tcm=0)
    d6, d7 = result(county, "D6"), result(county, "D7")
    assert (d6.numerator, d6.denominator) == (1, 2)
    assert (d7.numerator, d7.denominator) == (0, 50)


def test_a_third_copy_after_two_were_confirmed_is_asked_about_again(county):
    a = inst(county, "甲镇卫生院", "township_hc", {"hall_state": "built"})
    act(county, a, "健康讲座", "2024-10-23", **LECTURE)
    act(county, a, "健康讲座", "2024-10-23", **LECTURE)
    mark_verified(county, _finding(county), "两场")
    assert result(county, "D5").failing[0].value == 2
    act(county, a, "健康讲座", "2024-10-23", **LECTURE)
    finding = _finding(county)
    assert (finding.verified, finding.current) == (False, "3 条")
    assert result(county, "D5").failing[0].value == 1


def test_county_wide_counts_d8_d9_count_a_copy_once(county):
    h = inst(county, "县中医医院", "county_tcm_hospital", {"physicians": 10})
    for _ in range(2):
        act(county, h, "进校园", "2024-09-01", title="中医药文化进校园", people=300)
        act(county, h, "传统健身", "2024-09-02", title="八段锦比赛", people=100)
    assert (result(county, "D8").value, result(county, "D9").value) == (1, 1)


def test_counts_to_a_day_from_the_years_facts_are_those_read_to_that_day(county) -> None:
    """达标路径 and 填报进度 count to today from the facts the judgement read (facts_until): the
    same tallies as reading the file to that day, the duplicate counted once either way."""
    import datetime as dt

    from reports.judge.facts import facts_until, load_facts

    _liutang(county)
    year = load_facts(county, 2024)
    for day in ("2024-01-01", "2024-03-04", "2024-10-22", "2024-10-23", "2024-11-01",
                "2024-12-30", "2024-12-31"):
        until = dt.date.fromisoformat(day)
        assert facts_until(year, until).activity == load_facts(county, 2024, until=until).activity
    assert facts_until(year, dt.date(2024, 12, 31)) is year


def test_copies_of_finds_what_a_new_record_would_be_counted_once_with(county):
    """新增活动 asks before saving a copy: the file's records the typed one is one activity with,
    by the rule above (a title with spaces or full-width letters too), never another day's,
    kind's or institution's, nor the record being edited."""
    iid = inst(county, "柳塘镇卫生院", "township_hc", {"hall_state": "built"})
    other = inst(county, "甲镇卫生院", "township_hc", {"hall_state": "built"})
    first = act(county, iid, "健康讲座", "2024-10-23", **LECTURE)
    act(county, iid, "健康讲座", "2024-10-24", **LECTURE)
    act(county, iid, "义诊", "2024-10-23", **LECTURE)
    act(county, other, "健康讲座", "2024-10-23", **LECTURE)
    act(county, iid, "健康讲座", "2024-10-23", title="秋冬进补讲座（二）")
    typed = {"institution_id": iid, "date": "2024-10-23", "kind": "健康讲座",
             "title": "秋冬进补 讲座 "}
    assert [r["id"] for r in copies_of(county, typed)] == [first]
    assert copies_of(county, typed, besides=first) == []
    county.delete("activity", first)
    assert copies_of(county, typed) == []
