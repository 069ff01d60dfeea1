"""A year's facts are read once while the file stays as it was (CountyFile.memo): turning to the
year judged as 上年 beside the next does not read it again. Any change, by this window or by
another program, and a write rolled back, are seen at once: a judgement never shows a figure
the file no longer holds."""

from __future__ import annotations

import sqlite3

from db.county import CountyFile
from reports.judge.evaluation import evaluate
from reports.judge.facts import load_facts

from tests.reports.conftest import YEAR, act, inst


def _physicians(county: CountyFile, year: int = YEAR) -> dict[str, int | None]:
    return {i["name"]: i["physicians"] for i in load_facts(county, year).institutions}


def test_a_year_is_read_once_while_nothing_changes(county: CountyFile) -> None:
    inst(county, "甲镇卫生院", "township_hc", {"physicians": 5}, township="甲镇")
    first = load_facts(county, YEAR)
    assert load_facts(county, YEAR) is first
    evaluate(county, YEAR + 1)  # judges YEAR as its 上年: the same facts
    assert load_facts(county, YEAR) is first
    # The counts 填报进度 reads are added to the same facts, once.
    logged = load_facts(county, YEAR, logged=True)
    assert logged is first and first.institutions[0]["activities"] == 0


def test_an_edit_is_seen_at_once(county: CountyFile) -> None:
    a = inst(county, "甲镇卫生院", "township_hc", {"physicians": 5}, township="甲镇")
    assert _physicians(county) == {"甲镇卫生院": 5}
    county.set_institution_year(a, YEAR, {"physicians": 7})
    assert _physicians(county) == {"甲镇卫生院": 7}
    act(county, a, "健康讲座")
    assert load_facts(county, YEAR, logged=True).institutions[0]["activities"] == 1
    assert load_facts(county, YEAR).tally(a).n == 1


def test_a_write_by_another_program_is_seen(county: CountyFile) -> None:
    inst(county, "甲镇卫生院", "township_hc", {"physicians": 5}, township="甲镇")
    assert _physicians(county) == {"甲镇卫生院": 5}
    other = sqlite3.connect(county.path)
    with other:
        other.execute("UPDATE institution_year SET physicians = 9")
    other.close()
    assert _physicians(county) == {"甲镇卫生院": 9}


def test_a_write_rolled_back_is_never_kept(county: CountyFile) -> None:
    a = inst(county, "甲镇卫生院", "township_hc", {"physicians": 5}, township="甲镇")
    county.conn.execute("BEGIN")
    county.conn.execute("UPDATE institution_year SET physicians = 40 WHERE institution_id = ?",
                        (a,))
    assert _physicians(county) == {"甲镇卫生院": 40}  # as this connection sees it meanwhile
    county.conn.execute("ROLLBACK")
    assert _physicians(county) == {"甲镇卫生院": 5}


def test_only_a_few_years_are_kept(county: CountyFile) -> None:
    inst(county, "甲镇卫生院", "township_hc", {"physicians": 5}, township="甲镇")
    years = [load_facts(county, y) for y in range(2018, 2026)]
    kept = [key for key in county.memo() if key[0] == "facts"]
    assert kept == [("facts", 2023), ("facts", 2024), ("facts", 2025)]
    assert load_facts(county, 2025) is years[-1]
    assert load_facts(county, 2018) is not years[0]


def test_last_year_added_later_is_what_one_evaluation_gives(county: CountyFile) -> None:
    """The window judges the year without 上年 and adds it once the year is on screen: the
    same values as one whole evaluation, under the same profile."""
    from reports.judge.evaluation import with_last_year

    a = inst(county, "甲镇卫生院", "township_hc", {"physicians": 5, "tcm_physicians": 2},
             township="甲镇")
    county.set_institution_year(a, YEAR + 1, {"physicians": 6, "tcm_physicians": 1})
    whole = evaluate(county, YEAR + 1)
    first = evaluate(county, YEAR + 1, last_year=False)
    assert all(r.previous_value is None for r in first.results)
    assert any(r.previous_value is not None for r in whole.results)
    assert with_last_year(county, first) == whole
