"""No blank ever helps: clearing one value (Delete in a table, a blank from an import, an undo back
to blank) never turns an indicator's 未达标 into 达标, never raises the score or an item's
points, and never hides an institution that was failing (it is still listed, failing or 未填报).

Counties are generated with every kind of fact their types fill, values straddling the
standard's thresholds, and a few activity logs; one value that is there is then cleared.
"""

from __future__ import annotations

import datetime as _dt
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db.county import CountyFile
from db.errors import KnownError
from db.fields import FIELDS, applies
from db.vocab import HALL_GRADES, HALL_STATES, HOSPITAL_GRADES
from reports.judge.evaluation import evaluate
from reports.judge.profiles import copy_profile, update_profile

YEAR = 2024
TODAY = _dt.date(2025, 1, 15)
TYPES = ("county_tcm_hospital", "county_general_hospital", "maternal_child", "chc",
         "township_hc", "chs", "village_clinic")
# Values near each threshold of the standard (300 m², 3 rooms, 25%, 6/10 items …), and blank.
COUNTS = {"hall_area": (0, 280, 300, 320), "hall_consult_rooms": (1, 2, 3, 4),
          "hall_treat_rooms": (1, 2, 3), "hall_treat_area": (20, 40, 60),
          "tech_categories": (0, 3, 4, 6, 7), "tech_items": (3, 6, 8, 10, 12),
          "physicians": (0, 1, 4, 8), "tcm_physicians": (0, 1, 2, 4),
          "other_tcm_staff": (0, 1), "tcm_gps": (0, 1, 3), "west_learn_tcm": (0, 1, 4),
          "visits": (0, 100, 1000), "tcm_visits": (0, 30, 400), "fd_teams": (0, 2, 4),
          "fd_teams_tcm": (0, 1, 2, 4)}
CHOICES = {"hall_state": tuple(HALL_STATES), "hall_grade": tuple(HALL_GRADES),
           "hospital_grade": tuple(HOSPITAL_GRADES)}
# Register keys and bookkeeping, not facts a clerk blanks.
NOT_FACTS = {"institution_id", "year", "inst_type", "carried"}
FACTS = [f for f in FIELDS["institution_year"] if f.name not in NOT_FACTS]
COUNTY_FACTS = {"resident_population": (10_000, 50_000), "elderly_population": (2_000, 6_000),
                "elderly_managed": (1_000, 1_600, 4_600), "infant_population": (500, 1_000),
                "infant_managed": (300, 440, 900), "alliance_population": (2_000, 16_000),
                "satisfaction": (0.85, 0.95), "tcm_literacy": (0.2, 0.3)}
KINDS = ("宣传栏更换", "健康咨询", "健康讲座", "文字资料", "音像资料", "义诊", "其他")
# Files written in memory where the system has it: each example writes a county, and on disk
# every commit waits for the disk.
RAM = "/dev/shm" if Path("/dev/shm").is_dir() else None
# A county that asks the 中医馆 construction figures of every 中医馆 (as a province may).
HALL_FIGURES = {"area": 300, "consult_rooms": 3, "treat_rooms": 2, "treat_area": 40,
                "tcm_share": 0.25, "service_kinds": 6}


def _value(f: Any) -> st.SearchStrategy[Any]:
    """A value, blank now and then (the clearing under test makes the other blanks)."""
    if f.kind == "bool":
        values: tuple[Any, ...] = (0, 1, 1)
    else:
        values = CHOICES[f.name] if f.name in CHOICES else COUNTS[f.name]
    return st.sampled_from((None, *values, *values))


@st.composite
def facts_of(draw: st.DrawFn, type_: str) -> dict[str, Any]:
    """One institution's facts for the year: each fact its type fills, some blank, the values
    made to agree where the file insists (TCM physicians ≤ physicians …)."""
    rec = {f.name: draw(_value(f)) for f in FACTS if applies(f.name, type_)}

    def cap(small: str, big: str, less: int = 0) -> None:
        if rec.get(small) is not None and rec.get(big) is not None:
            rec[small] = min(rec[small], max(rec[big] - less, 0))

    cap("tcm_physicians", "physicians")
    cap("tcm_visits", "visits")
    cap("tech_categories", "tech_items")
    cap("fd_teams_tcm", "fd_teams")
    cap("hall_treat_area", "hall_area")
    if rec.get("west_learn_tcm") is not None and rec.get("physicians") is not None:
        rec["west_learn_tcm"] = min(rec["west_learn_tcm"],
                                    rec["physicians"] - (rec.get("tcm_physicians") or 0))
    if rec.get("hall_state") in (None, "none") and rec.get("hall_grade") in ("boutique", "model"):
        rec["hall_grade"] = None
    return rec


@st.composite
def counties(draw: st.DrawFn) -> dict[str, Any]:
    types = draw(st.lists(st.sampled_from(TYPES), min_size=1, max_size=6))
    insts = [(type_, draw(facts_of(type_)), draw(st.sampled_from((True, True, True, False))))
             for type_ in types]
    county = {k: draw(st.sampled_from((None, *v))) for k, v in COUNTY_FACTS.items()}
    activities = [(draw(st.integers(0, len(insts) - 1)), draw(st.sampled_from(KINDS)),
                   draw(st.sampled_from((0, 1, 1))), draw(st.sampled_from((None, 0, 20, 80))))
                  for _ in range(draw(st.integers(0, 12)))]
    profile = draw(st.sampled_from(("baseline", "yanjiang-2023", "beilun-2023", "hall figures")))
    return {"insts": insts, "county": county, "activities": activities, "profile": profile,
            "blanks": draw(st.lists(st.integers(0, 10_000), min_size=1, max_size=12))}


def _write(folder: Path, spec: dict[str, Any]) -> tuple[CountyFile, str]:
    county = CountyFile.create(folder / "县.tcmcounty", "测试县")
    with county.atomic():  # one commit: the file syncs to disk at each
        return county, _fill(county, spec)


def _fill(county: CountyFile, spec: dict[str, Any]) -> str:
    ids = []
    for n, (type_, facts, reported) in enumerate(spec["insts"]):
        iid = county.insert("institution", {"name": f"机构{n}", "type": type_,
                                            "township": f"乡镇{n % 3}"})
        ids.append(iid)
        if reported:
            county.set_institution_year(iid, YEAR, facts)
    if any(v is not None for v in spec["county"].values()):
        county.set_county_year(YEAR, _county_figures(spec["county"]))
    for n, (i, kind, tcm, people) in enumerate(spec["activities"]):
        county.insert("activity", {"institution_id": ids[i], "date": f"{YEAR}-0{n % 9 + 1}-05",
                                   "kind": kind, "title": f"活动{n % 4}", "people": people,
                                   "tcm_content": tcm})
    profile = spec["profile"]
    if profile == "hall figures":
        profile = copy_profile(county, "baseline", "全部中医馆按建设标准").id
        update_profile(county, profile, {"indicators": {"A2": {"threshold": HALL_FIGURES}}})
    return profile


def _county_figures(fig: dict[str, Any]) -> dict[str, Any]:
    out = dict(fig)
    for small, big in (("elderly_managed", "elderly_population"),
                       ("infant_managed", "infant_population"),
                       ("alliance_population", "resident_population"),
                       ("elderly_population", "resident_population"),
                       ("infant_population", "resident_population")):
        if out.get(small) is not None and out.get(big) is not None and out[small] > out[big]:
            out[small] = None
    return out


def _blankable(county: CountyFile) -> list[tuple[str, str, str]]:
    """(table, record id, field) of every value there is to clear."""
    out = []
    for row in county.rows("institution_year"):
        out += [("institution_year", row["id"], f.name) for f in FACTS if row[f.name] is not None]
    for row in county.rows("county_year"):
        out += [("county_year", row["id"], k) for k in COUNTY_FACTS if row[k] is not None]
    out += [("activity", row["id"], "people") for row in county.rows("activity", order="rowid")
            if row["people"] is not None]
    return out


def _snapshot(county: CountyFile, profile: str) -> dict[str, Any]:
    ev = evaluate(county, YEAR, profile, today=TODAY)
    assert ev.score is not None
    return {"total": ev.score.total,
            "points": {i.id: i.points or 0 for i in ev.score.items},
            "met": {r.id: r.met for r in ev.results},
            "failing": {r.id: {f.institution_id for f in r.failing} for r in ev.results},
            "listed": {r.id: {f.institution_id for f in (*r.failing, *r.not_reported)}
                       for r in ev.results}}


class _Undo(Exception):
    """Rolls a clearing back, so the next one starts from the same county."""


def _after_clearing(county: CountyFile, profile: str, table: str, rid: str,
                    name: str) -> dict[str, Any] | None:
    """The county judged with one value cleared (then put back), or None if the file refuses
    the blank (a graded 中医馆 needs its state)."""
    found: list[dict[str, Any]] = []
    try:
        with county.atomic():
            county.update(table, rid, {name: None})
            found.append(_snapshot(county, profile))
            raise _Undo
    except _Undo:
        return found[0]
    except KnownError:
        return None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(counties())
def test_clearing_one_value_never_raises_a_score_a_met_or_hides_a_failing_institution(spec):
    with tempfile.TemporaryDirectory(dir=RAM) as folder:
        county, profile = _write(Path(folder), spec)
        try:
            choices = _blankable(county)
            before = _snapshot(county, profile)
            for pick in spec["blanks"] if choices else ():
                table, rid, name = choices[pick % len(choices)]
                after = _after_clearing(county, profile, table, rid, name)
                if after is not None:
                    _no_better(before, after, f"clearing {table}.{name}")
        finally:
            county.close()


def _no_better(before: dict[str, Any], after: dict[str, Any], cleared: str) -> None:
    assert after["total"] <= before["total"], cleared
    for item, points in after["points"].items():
        assert points <= before["points"][item], f"{cleared} raised {item}"
    for ind, met in after["met"].items():
        assert met is not True or before["met"][ind] is True, f"{cleared} made {ind} 达标"
        hidden = before["failing"][ind] - after["listed"][ind]
        assert not hidden, f"{cleared} hid failing institutions of {ind}"
