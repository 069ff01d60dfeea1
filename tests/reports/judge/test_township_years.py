"""A township that merges: 2024's views by township (填报进度, 数据核查, the report's lines, the mock
review's draw, a township's file and its score scope) keep 芦苇乡's clinics under 芦苇乡, 2025's
show them under 白沙镇."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from db.county import CountyFile
from db.exchange import write_township_file
from db.townships import apply_merger, plan_merger
from reports.judge import review
from reports.judge.checks import find_checks
from reports.judge.progress import progress
from reports.pdf.data import gather

from tests.reports.conftest import inst, run

CLINICS = ("东湾村卫生室", "西岭村卫生室", "南坝村卫生室", "北沟村卫生室")


def _merged(county: CountyFile) -> dict[str, str]:
    """芦苇乡's centre closes after 2024 and its four clinics belong to 白沙镇 from 2025."""
    ids = {}
    for year in (2024, 2025):
        facts = {"physicians": 1, "tcm_physicians": 0, "other_tcm_staff": 1, "tcm_corner": 1,
                 "service_place": 1, "tech_items": 6, "tech_categories": 4}
        for name in CLINICS:
            if name not in ids:
                ids[name] = inst(county, name, "village_clinic", facts, year=year, township="芦苇乡")
            else:
                county.set_institution_year(ids[name], year, facts)
    ids["芦苇乡卫生院"] = inst(county, "芦苇乡卫生院", "township_hc", {"physicians": 8},
                          township="芦苇乡")
    ids["白沙镇卫生院"] = inst(county, "白沙镇卫生院", "township_hc", {"physicians": 9},
                          township="白沙镇")
    county.set_institution_year(ids["白沙镇卫生院"], 2025, {"physicians": 9})
    apply_merger(county, plan_merger(county, ids["芦苇乡卫生院"], 2025, "白沙镇"))
    return ids


def test_progress_follows_the_year(county):
    _merged(county)
    towns24 = {t.township: t.institutions for t in progress(county, 2024).townships}
    towns25 = {t.township: t.institutions for t in progress(county, 2025).townships}
    assert towns24 == {"芦苇乡": 5, "白沙镇": 1}
    assert towns25 == {"白沙镇": 5}


def test_checks_name_the_township_of_the_year_checked(county):
    ids = _merged(county)
    clinic = ids["东湾村卫生室"]
    for year, phys in ((2023, 1), (2024, 6), (2025, 1)):
        county.set_institution_year(clinic, year, {"physicians": phys})
    (f24,) = [f for f in find_checks(county, 2024) if f.institution_id == clinic]
    (f25,) = [f for f in find_checks(county, 2025) if f.institution_id == clinic]
    assert (f24.township, f25.township) == ("芦苇乡", "白沙镇")


def test_the_reports_lines_by_township_follow_the_year(county):
    ids = _merged(county)
    today = _dt.date(2026, 3, 1)
    for year, town in ((2024, "芦苇乡"), (2025, "白沙镇")):
        data = gather(county, year, None, today, lambda _step: None)
        assert data.institution(ids["南坝村卫生室"])["township"] == town
    assert [u.name for u in run(county, 2025).unreported if u.township == "芦苇乡"] == []


def test_the_mock_reviews_draw_groups_by_the_years_townships(county):
    _merged(county)
    for year, town in ((2024, "芦苇乡"), (2025, "白沙镇")):
        rid = review.create_review(county, year, seed=7, rule=review.Rule(0, 0, 4))
        sample = review.load(county, rid).sample
        assert {i["township"] for i in sample} == {town}


def test_a_township_files_score_scope_follows_the_year(county, tmp_path: Path):
    _merged(county)
    out = write_township_file(county, "芦苇乡", tmp_path / "芦苇乡.tcmcounty")
    with CountyFile.open(out, daily_backup=False) as town:
        c4_2024 = run(town, 2024).result("C4")
        c4_2025 = run(town, 2025).result("C4")
        assert c4_2024 is not None and c4_2024.denominator == 4
        assert c4_2025 is not None and c4_2025.denominator is None  # none of its own that year
        assert [i.name for i in progress(town, 2025).institutions] == []
