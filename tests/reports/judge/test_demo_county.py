"""The demo county's results, checked against plain Python over its records (not the engine's SQL)."""

from __future__ import annotations

from collections import Counter
import datetime as _dt
from fractions import Fraction
from pathlib import Path

import pytest

from db.county import CountyFile
from db.demo import write_demo
from reports.judge.evaluation import evaluate

CENTRES = {"chc", "township_hc"}


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_demo(tmp_path_factory.mktemp("demo") / "青河县.tcmcounty", "small")


@pytest.fixture
def demo(demo_path: Path):
    with CountyFile.open(demo_path) as county:
        yield county


def _active(county: CountyFile, year: int) -> dict[str, dict]:
    """Institution id → record with `kind` (its type that year) and `facts` (its year figures)."""
    facts = {r["institution_id"]: r for r in county.rows("institution_year", "year = ?", (year,))}
    out = {}
    for inst in county.rows("institution"):
        if inst["active_from"] and inst["active_from"] > year:
            continue
        if inst["active_to"] and inst["active_to"] < year:
            continue
        row = facts.get(inst["id"], {})
        out[inst["id"]] = {**inst, "kind": row.get("inst_type") or inst["type"], "facts": row}
    return out


def _activities(county: CountyFile, year: int, active: dict[str, dict]) -> list[dict]:
    return [a for a in county.rows("activity")
            if _dt.date.fromisoformat(a["date"]).year == year and a["institution_id"] in active]


def test_demo_county_indicators_match_a_recount(demo):
    year = 2024
    active = _active(demo, year)
    centres = [i for i in active.values() if i["kind"] in CENTRES]
    log = _activities(demo, year, active)
    evaluation = evaluate(demo, year, today=_dt.date(2025, 1, 15))

    with_hall = [c for c in centres if c["facts"].get("hall_state") in ("built", "standard",
                                                                       "upgraded")]
    a1 = evaluation.result("A1")
    assert (a1.numerator, a1.denominator) == (len(with_hall), len(centres))

    # C7: the centres' TCM-category physicians pooled (同类机构医师总数), each below 25% listed.
    c7_pass = [c for c in centres if c["facts"].get("physicians")
               and Fraction(c["facts"]["tcm_physicians"], c["facts"]["physicians"]) >= Fraction(1, 4)]
    c7 = evaluation.result("C7")
    assert (c7.numerator, c7.denominator) == (sum(c["facts"]["tcm_physicians"] for c in centres),
                                              sum(c["facts"]["physicians"] for c in centres))
    assert {f.institution for f in c7.failing} == {c["name"] for c in centres} - \
        {c["name"] for c in c7_pass}

    tcm_visits = sum(c["facts"]["tcm_visits"] for c in centres)
    visits = sum(c["facts"]["visits"] for c in centres)
    assert evaluation.result("B4").value == pytest.approx(tcm_visits / visits)

    lectures = Counter(a["institution_id"] for a in log
                       if a["kind"] == "健康讲座" and a["tcm_content"] == 1)
    d5 = evaluation.result("D5")
    assert d5.numerator == sum(1 for c in centres if lectures[c["id"]] >= 6)
    for f in d5.failing:
        assert f.value == lectures[f.institution_id]
        assert f.gap == f"还需 {6 - lectures[f.institution_id]} 次健康讲座"

    titles: dict[str, set[str]] = {}
    for a in log:
        if a["kind"] == "文字资料" and a["tcm_content"] == 1:
            titles.setdefault(a["institution_id"], set()).add(a["title"].strip())
    assert evaluation.result("D3").numerator == \
        sum(1 for c in centres if len(titles.get(c["id"], ())) >= 6)

    schools = sum(1 for a in log if a["kind"] == "进校园" and a["tcm_content"] == 1)
    assert evaluation.result("D8").value == schools

    people = demo.rows("county_year", "year = ?", (year,))[0]
    b5 = evaluation.result("B5")
    assert (b5.numerator, b5.denominator) == (people["elderly_managed"],
                                              people["elderly_population"])
    gps = sum(i["facts"].get("tcm_gps") or 0 for i in active.values())
    assert evaluation.result("C5").value == \
        pytest.approx(gps * 10_000 / people["resident_population"])

    tasks = demo.rows("task")
    overdue = [t for t in tasks if t["status"] != "已完成"
               and (t["status"] == "已延期" or (t["deadline"] and t["deadline"] < "2025-01-15"))]
    assert evaluation.tasks.to_dict() == {
        "total": len(tasks), "done": sum(t["status"] == "已完成" for t in tasks),
        "overdue": len(overdue)}


_FIGURES = ("hall_area", "hall_consult_rooms", "hall_treat_rooms", "hall_treat_area",
            "physicians", "tcm_physicians", "tech_categories")


def _upgraded(f: dict) -> bool | None:
    """提档升级 as the national standard reads it: typed, and the 2023 construction figures all
    recorded and met (None: typed, but figures missing and none short)."""
    if f.get("hall_state") != "upgraded":
        return False
    short = ((f.get("hall_area") is not None and f["hall_area"] < 300)
             or (f.get("hall_consult_rooms") is not None and f["hall_consult_rooms"] < 3)
             or (f.get("hall_treat_rooms") is not None and f["hall_treat_rooms"] < 2)
             or (f.get("hall_treat_area") is not None and f["hall_treat_area"] < 40)
             or (f.get("tech_categories") is not None and f["tech_categories"] < 6)
             or (f.get("physicians") is not None and f.get("tcm_physicians") is not None
                 and (not f["physicians"] or f["tcm_physicians"] / f["physicians"] < 0.25)))
    if short:
        return False
    return True if all(f.get(k) is not None for k in _FIGURES) else None


def test_demo_county_last_year_matches_a_recount(demo):
    centres = [i for i in _active(demo, 2023).values() if i["kind"] in CENTRES]
    # A2 (national): the typed 达标 or 提档升级; A10: 提档升级 with the construction figures.
    standard = [c for c in centres if c["facts"].get("hall_state") in ("standard", "upgraded")]
    evaluation = evaluate(demo, 2024)
    a2, a10 = evaluation.result("A2"), evaluation.result("A10")
    assert a2 is not None and a2.previous_value == pytest.approx(len(standard) / len(centres))
    upgraded = [c for c in centres if _upgraded(c["facts"])]
    assert a10 is not None and a10.previous_value == pytest.approx(len(upgraded) / len(centres))
    this_year = [i for i in _active(demo, 2024).values() if i["kind"] in CENTRES]
    assert {f.institution for f in a10.not_reported} == \
        {c["name"] for c in this_year if _upgraded(c["facts"]) is None}
