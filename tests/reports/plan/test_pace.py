"""进度: yearly minimums counted to date against the share of the year gone, by hand."""

from __future__ import annotations

import datetime as _dt
from fractions import Fraction

import pytest

from db.county import CountyFile
from reports.judge.profiles import copy_profile, set_active, update_profile
from reports.plan.pace import BEHIND, ON_PACE, SHORT, year_gone, year_pace

from tests.reports.conftest import YEAR, act, inst

SEPTEMBER = _dt.date(2024, 9, 1)


def test_the_share_of_the_year_gone() -> None:
    assert year_gone(2024, _dt.date(2023, 12, 31)) == 0
    assert year_gone(2024, _dt.date(2024, 1, 1)) == Fraction(1, 366)
    assert year_gone(2024, SEPTEMBER) == Fraction(245, 366)  # 2024 is a leap year
    assert year_gone(2024, _dt.date(2024, 12, 31)) == 1
    assert year_gone(2024, _dt.date(2026, 3, 1)) == 1  # a past year is over


@pytest.fixture
def centres(county: CountyFile) -> dict[str, str]:
    """Three centres in two townships: one changes its board once by September, one four times,
    one has nothing at all in its log (and no figures) yet."""
    slow = inst(county, "东山镇卫生院", "township_hc", {"physicians": 8}, township="东山镇")
    done = inst(county, "西河镇卫生院", "township_hc", {"physicians": 8}, township="西河镇")
    silent = inst(county, "西河镇二院", "township_hc", None, township="西河镇")
    act(county, slow, "宣传栏更换", "2024-03-01")
    # Entered ahead of time: not done by 1 September, so not counted to date.
    act(county, slow, "宣传栏更换", "2024-10-01")
    act(county, slow, "宣传栏更换", "2024-11-01")
    act(county, slow, "宣传栏更换", "2024-12-01", tcm=1)
    act(county, slow, "健康咨询", "2024-03-01", tcm=0)  # no TCM content: never counted
    for month in (1, 3, 5, 7):
        act(county, done, "宣传栏更换", f"2024-0{month}-15")
    return {"slow": slow, "done": done, "silent": silent}


def _board(county: CountyFile, today: _dt.date) -> dict[str, tuple[str, int, int]]:
    return {p.institution: (p.status, p.count, p.expected)
            for p in year_pace(county, YEAR, today=today) if p.indicator == "D1"}


def test_a_four_times_a_year_minimum_is_behind_in_september_with_one_of_four(
        county: CountyFile, centres: dict[str, str]) -> None:
    board = _board(county, SEPTEMBER)
    # 4 × 245/366 = 2.68: two are due by 1 September.
    assert board["东山镇卫生院"] == (BEHIND, 1, 2)
    assert board["西河镇二院"] == (BEHIND, 0, 2)  # nothing reported is nothing done
    assert "西河镇卫生院" not in board  # four of four: nothing to list
    first = next(p for p in year_pace(county, YEAR, today=SEPTEMBER)
                 if p.institution == "东山镇卫生院" and p.indicator == "D1")
    assert first.text == "宣传栏更换 1/4 次（到今天应有 2 次）"
    assert first.township == "东山镇"
    # 落后 first.
    statuses = [p.status for p in year_pace(county, YEAR, today=SEPTEMBER)]
    assert statuses == sorted(statuses, key=lambda s: s != BEHIND)


def test_early_in_the_year_nothing_is_due_and_once_over_what_falls_short_is_short(
        county: CountyFile, centres: dict[str, str]) -> None:
    # On 1 February its March change is still to come: 0 of 4, and none due yet.
    assert _board(county, _dt.date(2024, 2, 1))["东山镇卫生院"] == (ON_PACE, 0, 0)
    # After the year, every dated activity counts: 1 + 3 later ones = 4 of 4, done.
    over = _board(county, _dt.date(2025, 1, 10))
    assert "东山镇卫生院" not in over
    assert over["西河镇二院"] == (SHORT, 0, 4)


def test_a_yearly_county_count_with_a_target_has_a_pace_too(county: CountyFile) -> None:
    """进校园 (D8) is informational in the baseline; a county that sets ≥ 6 a year sees it paced."""
    school = inst(county, "东山镇卫生院", "township_hc", {"physicians": 8})
    act(county, school, "进校园", "2024-04-01")
    act(county, school, "进校园", "2024-11-01")  # not yet held on 1 September
    own = copy_profile(county, "baseline", "本县方案")
    update_profile(county, own.id, {"indicators": {"D8": {"target": {"op": ">=", "value": 6}}}})
    set_active(county, own.id)
    county_wide = [p for p in year_pace(county, YEAR, today=SEPTEMBER) if p.indicator == "D8"]
    assert [(p.institution, p.status, p.count, p.expected, p.minimum) for p in county_wide] == \
        [(None, BEHIND, 1, 4, 6)]  # 6 × 245/366 = 4.02
