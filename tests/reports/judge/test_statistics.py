"""The standard's 0-point items (只统计，不计分) are statistics everywhere they are shown, decided by
the points in the county's own standard; and a share is never shown rounded onto the side of a
threshold it is not on."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
import json

from hypothesis import given, strategies as st

from db.county import CountyFile
from db.demo import write_demo
from reports.judge import standard, tally
from reports.judge.evaluation import evaluate
from reports.judge.wording import format_table, format_value, percent, status_text
from resources import resource_path

from tests.reports.conftest import TODAY

ZERO_POINT = {"A8", "A9", "A4", "A6", "A7", "C2", "D8", "D9"}  # the shipped standard's, to check


def _demo(tmp_path):
    return CountyFile.open(write_demo(tmp_path / "demo.tcmcounty", "small"))


def test_the_shipped_standard_lists_eight_items_at_zero_points() -> None:
    items = standard.shipped().items
    assert {i.indicator for i in items if i.points == 0} == ZERO_POINT


def test_a_zero_point_item_is_a_statistic_never_failed_nor_counted(tmp_path) -> None:
    with _demo(tmp_path) as county:
        ev = evaluate(county, 2024, today=TODAY)
        lines = tally.lines(ev, standard.for_county(county))
    a4 = ev.result("A4")
    # The demo's seven village clinics without a place: 88.3% against 100%, yet 0 points.
    assert a4 is not None and a4.met is False and a4.failing
    assert (a4.statistic, status_text(a4)) == (True, "不计分")
    shown = {r.id for r in ev.results if r.statistic}
    assert shown and shown <= ZERO_POINT
    assert {r.id for r in ev.results if not r.statistic} & ZERO_POINT == set()
    # The headline: 评分项 apart from 统计项; no statistic among the 未达标.
    statistics = [x for x in lines if x.status == "不计分"]
    assert {x.id for x in statistics} == shown
    text = tally.counts_text(lines)
    assert text.startswith(f"评分项 {len(lines) - len(statistics)} 项：")
    assert text.endswith(f"；另有统计项 {len(statistics)} 项（不计分）")
    # The terminal table says the same, and the JSON keeps its keys (its item state says 不计分).
    table = format_table(ev)
    a4_row = next(line for line in table.splitlines() if line.startswith("A4 "))
    assert a4_row.split()[-1] == "不计分" and "未达标" not in a4_row
    assert f"另有统计项 {len(statistics)} 项（不计分）" in table
    entry = next(i for i in ev.to_dict()["indicators"] if i["id"] == "A4")
    assert set(entry) == {"id", "name", "value", "numerator", "denominator", "target", "met",
                          "gap", "failing", "previous_value", "not_reported", "pending"}
    assert next(i for i in ev.score.items if i.indicator == "A4").state == "不计分"


def test_a_province_that_scores_the_item_makes_it_a_scored_item_again(tmp_path) -> None:
    """Decided by the points in the file's own standard, never by a list of ids."""
    raw = json.loads(resource_path("standards", "national-2022.json").read_text("utf-8"))
    for section in raw["sections"]:
        for item in section["items"]:
            if item["id"] == "A4":
                item["points"] = 2
            elif item["id"] == "A1":
                item["points"] -= 2  # the total stays 100
    std = standard.parse(raw)
    with _demo(tmp_path) as county:
        ev = evaluate(county, 2024, today=TODAY, std=std)
    a4 = ev.result("A4")
    assert a4 is not None and (a4.statistic, status_text(a4)) == (False, "未达标")
    assert "A4" not in {r.id for r in ev.results if r.statistic}


# ---- values near thresholds ---------------------------------------------------------------------

def _read(text: str) -> Decimal:
    return Decimal(text.rstrip("%")) / 100


def test_the_clerks_case_reads_as_its_score_says() -> None:
    value = 197 / 219  # 89.95%: 0.8 of its 1 point under the 100% target
    assert format_value("share", value) == "90.0%"  # rounded, where no threshold is at stake
    assert format_value("share", value, (0.9, 1.0)) == "89.9%"
    assert format_value("share", 0.29, (0.29,)) == "29.0%"  # on the mark stays on it
    assert percent(11 / 12, trim=False, marks=(1.0,)) == "91.7%"  # far from it: rounded


@given(st.integers(1, 999), st.integers(-60, 60), st.sampled_from([1, 2]))
def test_a_share_is_never_shown_on_or_across_a_threshold_it_is_not_on(
        mark_permille: int, off: int, digits: int) -> None:
    """Any threshold at a tenth of a percent and any value within 0.06 points of it: the text
    is on the same side of the threshold as the value (or on it only when the value is)."""
    mark = Fraction(mark_permille, 1000)
    value = mark + Fraction(off, 100_000)
    if not 0 <= value <= 1:
        return
    text = percent(float(value), digits, trim=False, marks=(float(mark),))
    shown, real, m = _read(text), Decimal(value.numerator) / value.denominator, \
        Decimal(mark.numerator) / mark.denominator
    assert (shown < m) == (real < m) and (shown > m) == (real > m), (value, text)
    # And never further from the value than the digits shown.
    assert abs(shown - real) < Decimal(1).scaleb(-digits - 2)
