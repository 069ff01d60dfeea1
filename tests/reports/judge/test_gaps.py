"""The smallest change that passes: it really passes, and one less really does not."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, strategies as st

from reports.judge.gaps import (add_to_both, add_to_numerator, percent_points, techniques_needed,
                                techniques_text)
from reports.judge.profiles import Target

# Targets as a user would type them: whole percents (and the odd 0.1 %).
bounds = st.integers(min_value=1, max_value=1000).map(lambda n: Fraction(n, 1000))


@given(st.integers(0, 10_000), st.integers(0, 10_000), bounds)
def test_add_to_both_is_the_least_that_passes(num, extra, bound):
    den = num + extra
    x = add_to_both(num, den, bound)
    passes = Target(">=", value=float(bound)).holds
    if x is None:  # only a 100% bound with someone already not counted
        assert bound == 1 and num < den
        return
    assert den + x > 0 and passes(Fraction(num + x, den + x))
    if x > 0 and den + x - 1 > 0:
        assert not passes(Fraction(num + x - 1, den + x - 1))


@given(st.integers(0, 100_000), st.integers(1, 100_000), bounds)
def test_add_to_numerator_is_the_least_that_passes(num, den, bound):
    num = min(num, den)
    x = add_to_numerator(num, den, bound, cap=den)
    assert x is not None  # a bound of at most 100% can always be reached
    assert Fraction(num + x, den) >= bound
    assert x == 0 or Fraction(num + x - 1, den) < bound


@given(st.integers(0, 200), st.integers(1, 10**7), st.integers(1, 50).map(lambda n: Fraction(n, 10)))
def test_rate_per_ten_thousand_gap_is_the_least_that_passes(gps, pop, bound):
    x = add_to_numerator(gps, pop, bound, scale=10_000)
    assert Fraction((gps + x) * 10_000, pop) >= bound
    assert x == 0 or Fraction((gps + x - 1) * 10_000, pop) < bound


def test_known_gaps_from_the_brief():
    assert add_to_both(2, 10, Fraction(1, 4)) == 1  # 3/11 ≥ 25%
    assert add_to_both(0, 0, Fraction(1, 4)) == 1  # no physicians: one TCM physician
    assert add_to_numerator(56_260, 80_000, Fraction(3, 4), cap=80_000) == 3_740


@given(st.integers(0, 12), st.integers(0, 30), st.integers(0, 12), st.integers(0, 30))
def test_techniques_needed_reaches_both_minimums(cats, extra, min_cats, min_items):
    items = cats + extra  # categories never exceed items
    more_cats, more_items = techniques_needed(cats, items, min_cats, min_items)
    assert cats + more_cats >= min_cats and items + more_items >= min_items
    assert more_items >= more_cats  # every new category brings an item
    assert more_cats == max(min_cats - cats, 0)
    assert more_items == max(min_items - items, more_cats, 0)


def test_technique_wording():
    assert techniques_text(1, 2) == "还需 1 类 2 项适宜技术"
    assert techniques_text(0, 3) == "还需 3 项适宜技术"


def test_percentage_points_round_up_to_a_tenth():
    assert percent_points(0.885, Fraction(9, 10)) == "1.5 个百分点"
    assert percent_points(0.8999, Fraction(9, 10)) == "0.1 个百分点"
    assert percent_points(0.87, Fraction(9, 10)) == "3 个百分点"
