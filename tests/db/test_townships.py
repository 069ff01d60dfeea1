"""The township as a fact of the year: a change from year Y leaves earlier years alone, lands in
one transaction, travels in a merge and decides what a township's file holds."""

from __future__ import annotations

from pathlib import Path
import shutil

from hypothesis import given, settings, strategies as st
import pytest

from db.county import CountyFile
from db.errors import KnownError
from db.exchange import merge, plan_merge, write_township_file
from db.townships import (Period, all_townships, apply_merger, history, institutions_of_township,
                          moved, plan_merger, plan_moves, apply_moves, set_township_from,
                          township_in_year, townships_in_year, write_history)


def _add(county: CountyFile, name: str, type_: str, town: str | None, **more) -> str:
    return county.insert("institution", {"name": name, "type": type_, "township": town, **more})


@pytest.fixture
def luwei(county: CountyFile) -> dict[str, str]:
    """芦苇乡 with its centre and two clinics under it; 白沙镇 with its centre."""
    ids = {"芦苇乡卫生院": _add(county, "芦苇乡卫生院", "township_hc", "芦苇乡"),
           "白沙镇卫生院": _add(county, "白沙镇卫生院", "township_hc", "白沙镇")}
    for name in ("东湾村卫生室", "西岭村卫生室"):
        ids[name] = _add(county, name, "village_clinic", "芦苇乡",
                         parent_id=ids["芦苇乡卫生院"])
    return ids


def test_a_change_from_a_year_leaves_earlier_years_in_the_old_township(county, luwei):
    clinic = luwei["东湾村卫生室"]
    assert set_township_from(county, clinic, 2025, "白沙镇")
    assert [township_in_year(county, clinic, y) for y in (2020, 2024, 2025, 2030)] == \
        ["芦苇乡", "芦苇乡", "白沙镇", "白沙镇"]
    assert county.get("institution", clinic)["township"] == "白沙镇"  # the register's today
    assert townships_in_year(county, 2024)[clinic] == "芦苇乡"
    assert sorted(institutions_of_township(county, "芦苇乡", 2024)) == sorted(
        [luwei["芦苇乡卫生院"], clinic, luwei["西岭村卫生室"]])
    assert clinic not in institutions_of_township(county, "芦苇乡", 2025)
    assert clinic in institutions_of_township(county, " 白沙镇", 2025)
    by_year = {r["name"]: r["township"] for r in county.institutions_in_year(2024)}
    assert by_year["东湾村卫生室"] == "芦苇乡"
    assert not set_township_from(county, clinic, 2026, "白沙镇")  # nothing to change


def test_a_change_holds_until_the_next_recorded_one(county, luwei):
    clinic = luwei["东湾村卫生室"]
    set_township_from(county, clinic, 2025, "白沙镇")
    set_township_from(county, clinic, 2022, "旧城乡")
    assert history(county, clinic) == [Period(None, 2021, "芦苇乡"), Period(2022, 2024, "旧城乡"),
                                       Period(2025, None, "白沙镇")]
    set_township_from(county, clinic, 2022, "芦苇乡")  # taken back: one change again
    assert history(county, clinic) == [Period(None, 2024, "芦苇乡"), Period(2025, None, "白沙镇")]
    assert county.count("institution_township") == 1  # the 2021 record is a tombstone


periods = st.lists(st.tuples(st.integers(2001, 2030), st.sampled_from(["甲", "乙", "丙", None])),
                   max_size=6)


@given(changes=periods, year=st.integers(2001, 2030), town=st.sampled_from(["甲", "乙", "丙"]))
@settings(max_examples=200)
def test_moved_changes_only_the_years_from_the_change_to_the_next(changes, year, town):
    before = [Period(None, None, "甲")]
    for y, t in changes:
        before = moved(before, y, t)
    after = moved(before, year, town)

    def at(ps: list[Period], y: int) -> str | None:
        return next(p.township for p in ps if p.holds(y))

    following = next((p.first for p in before if p.first is not None and p.first > year), 9999)
    for y in range(2000, 2032):
        assert at(after, y) == (town if year <= y < following else at(before, y))
    assert all(a.township != b.township for a, b in zip(after, after[1:]))  # no idle boundary
    assert after[0].first is None and after[-1].last is None


def test_history_written_back_exactly_and_in_one_transaction(county, luwei):
    clinic = luwei["西岭村卫生室"]
    before = history(county, clinic)
    set_township_from(county, clinic, 2025, "白沙镇")
    write_history(county, clinic, before)  # what 撤销 does
    assert history(county, clinic) == before
    assert county.get("institution", clinic)["township"] == "芦苇乡"
    # A move into a township that already has one of that name is refused, and nothing lands.
    _add(county, "西岭村卫生室", "village_clinic", "白沙镇")
    with pytest.raises(KnownError, match="同一机构不能登记两次"):
        set_township_from(county, clinic, 2025, "白沙镇")
    assert history(county, clinic) == before
    assert county.count("institution_township") == 0


def test_a_merger_closes_the_centre_and_moves_its_township_from_the_year(county, luwei):
    plan = plan_merger(county, luwei["芦苇乡卫生院"], 2025, "白沙镇")
    assert [m.name for m in plan.moves] == ["东湾村卫生室", "西岭村卫生室"]
    text = "\n".join(plan.lines())
    assert "停用 芦苇乡卫生院：最后统计年度 2024 年" in text
    assert "东湾村卫生室：2025年起 芦苇乡 → 白沙镇（2024年及以前 芦苇乡，不变）" in text
    assert "上级机构（乡村一体化）由 芦苇乡卫生院 改为 白沙镇卫生院（2 家" in text
    assert county.get("institution", luwei["芦苇乡卫生院"])["active_to"] is None  # a plan only
    apply_merger(county, plan)
    centre = county.get("institution", luwei["芦苇乡卫生院"])
    assert centre["active_to"] == 2024
    assert sorted(r["name"] for r in county.institutions_in_year(2025)
                  if r["township"] == "白沙镇") == ["东湾村卫生室", "白沙镇卫生院", "西岭村卫生室"]
    assert sorted(r["name"] for r in county.institutions_in_year(2024)
                  if r["township"] == "芦苇乡") == ["东湾村卫生室", "芦苇乡卫生院", "西岭村卫生室"]
    assert county.get("institution", luwei["东湾村卫生室"])["parent_id"] == luwei["白沙镇卫生院"]
    assert all_townships(county) == ["白沙镇", "芦苇乡"]


def test_a_merger_that_cannot_be_is_refused_with_the_reason(county, luwei):
    with pytest.raises(KnownError, match="不是乡镇卫生院"):
        plan_merger(county, luwei["东湾村卫生室"], 2025, "白沙镇")
    with pytest.raises(KnownError, match="本就属于“芦苇乡”"):
        plan_merger(county, luwei["芦苇乡卫生院"], 2025, "芦苇乡")
    county.update("institution", luwei["芦苇乡卫生院"], {"active_to": 2020})
    with pytest.raises(KnownError, match="已于 2020 年后停用"):
        plan_merger(county, luwei["芦苇乡卫生院"], 2025, "白沙镇")


def test_a_township_file_holds_its_institutions_of_every_year_and_shows_each_years(
        county, luwei, tmp_path: Path):
    apply_merger(county, plan_merger(county, luwei["芦苇乡卫生院"], 2025, "白沙镇"))
    old = write_township_file(county, "芦苇乡", tmp_path / "芦苇乡.tcmcounty")
    new = write_township_file(county, "白沙镇", tmp_path / "白沙镇.tcmcounty")
    with CountyFile.open(old, daily_backup=False) as f:
        assert {r["name"] for r in f.rows("institution")} == {"芦苇乡卫生院", "东湾村卫生室",
                                                              "西岭村卫生室"}
        assert {r["name"] for r in f.institutions_in_year(2024)} == {
            "芦苇乡卫生院", "东湾村卫生室", "西岭村卫生室"}
        assert f.institutions_in_year(2025) == []  # they are 白沙镇's that year
    with CountyFile.open(new, daily_backup=False) as f:
        assert {r["name"] for r in f.institutions_in_year(2025)} == {
            "白沙镇卫生院", "东湾村卫生室", "西岭村卫生室"}
        assert {r["name"] for r in f.institutions_in_year(2024)} == {"白沙镇卫生院"}
        assert township_in_year(f, luwei["东湾村卫生室"], 2024) == "芦苇乡"


def test_a_move_merges_and_the_same_move_made_twice_merges_into_one(county, luwei,
                                                                     tmp_path: Path):
    clinic = luwei["东湾村卫生室"]
    copy = tmp_path / "copy.tcmcounty"
    shutil.copyfile(county.path, copy)
    set_township_from(county, clinic, 2025, "白沙镇")
    with CountyFile.open(copy, daily_backup=False) as other:
        set_township_from(other, clinic, 2025, "白沙镇")  # recorded at both ends
        plan = plan_merge(other, county.path)
        assert plan.conflicts == [] and plan.new == [] and plan.updated == []
        merge(other, county.path)
        set_township_from(other, luwei["西岭村卫生室"], 2026, "白沙镇")
    merge(county, copy)
    assert township_in_year(county, luwei["西岭村卫生室"], 2025) == "芦苇乡"
    assert township_in_year(county, luwei["西岭村卫生室"], 2026) == "白沙镇"


def test_moves_plan_first_then_apply(county, luwei):
    ids = [luwei["东湾村卫生室"], luwei["白沙镇卫生院"]]
    moves = plan_moves(county, ids, 2025, "白沙镇")
    assert [m.name for m in moves] == ["东湾村卫生室"]  # 白沙镇卫生院 is there already
    assert township_in_year(county, ids[0], 2025) == "芦苇乡"
    apply_moves(county, moves)
    assert township_in_year(county, ids[0], 2025) == "白沙镇"


def test_the_institutions_a_township_file_holds_are_those_of_any_year(county, luwei):
    from db.townships import institutions_ever_in_township

    set_township_from(county, luwei["东湾村卫生室"], 2025, "白沙镇")
    assert institutions_ever_in_township(county, "白沙镇") == {luwei["白沙镇卫生院"],
                                                             luwei["东湾村卫生室"]}
    assert luwei["东湾村卫生室"] in institutions_ever_in_township(county, "芦苇乡")


def test_a_move_keeps_to_the_years_an_institution_is_counted(county, luwei):
    clinic = luwei["东湾村卫生室"]
    county.update("institution", clinic, {"active_from": 2023, "active_to": 2026})
    # Asked from 2020, it moves from its first year; nothing names a year before 2023.
    [move] = plan_moves(county, [clinic], 2020, "白沙镇")
    assert move.year == 2023 and move.line() == "东湾村卫生室：2023–2026年 芦苇乡 → 白沙镇"
    [move] = plan_moves(county, [clinic], 2025, "白沙镇")
    assert move.line() == "东湾村卫生室：2025–2026年 芦苇乡 → 白沙镇（2023–2024年 芦苇乡，不变）"
    assert plan_moves(county, [clinic], 2027, "白沙镇") == []  # closed by then: nothing to move
