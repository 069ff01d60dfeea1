"""The demo county: deterministic, the promised size, and realistic enough to show every section."""

import hashlib
from pathlib import Path

import pytest

from db.county import CountyFile
from db.demo import write_demo


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_demo(tmp_path_factory.mktemp("demo") / "small.tcmcounty", "small")


def test_same_bytes_every_run(small: Path, tmp_path: Path) -> None:
    again = write_demo(tmp_path / "again.tcmcounty", "small")
    assert hashlib.sha256(small.read_bytes()).digest() == hashlib.sha256(again.read_bytes()).digest()


def test_small_county_has_the_promised_institutions(small: Path) -> None:
    with CountyFile.open(small) as county:
        types = {r["type"]: r["n"] for r in county.query(
            "SELECT type, count(*) AS n FROM institution GROUP BY type")}
        assert types["county_tcm_hospital"] == 1
        assert types["county_general_hospital"] + types["maternal_child"] == 2
        assert types["chc"] + types["township_hc"] == 12
        assert types["chs"] + types["village_clinic"] == 60
        assert county.years() == [2022, 2023, 2024]
        assert 500 <= county.count("activity") <= 1100
        assert county.county_name == "青河县"


def test_names_look_like_real_ones(small: Path) -> None:
    with CountyFile.open(small) as county:
        names = [r["name"] for r in county.rows("institution")]
    assert "青河县中医医院" in names
    assert any(n.endswith("镇卫生院") or n.endswith("乡卫生院") for n in names)
    assert any(n.endswith("村卫生室") for n in names)
    assert len(set(names)) == len(names)


def test_village_clinics_hang_under_their_township_centre(small: Path) -> None:
    with CountyFile.open(small) as county:
        rows = county.query("""SELECT c.township AS t1, p.township AS t2, p.type AS ptype
                               FROM institution c JOIN institution p ON p.id = c.parent_id
                               WHERE c.type = 'village_clinic'""")
    assert len(rows) > 40
    assert all(r["t1"] == r["t2"] and r["ptype"] == "township_hc" for r in rows)


def test_mostly_passing_with_a_few_failures_improving(small: Path) -> None:
    """The TCM-physician share of centres: most at 25% or more, a few below, fewer each year."""
    with CountyFile.open(small) as county:
        below = {}
        for year in (2022, 2024):
            rows = county.query(
                """SELECT y.physicians AS p, y.tcm_physicians AS t FROM institution_year y
                   JOIN institution i ON i.id = y.institution_id
                   WHERE y.year = ? AND i.type IN ('chc', 'township_hc')""", (year,))
            below[year] = sum(1 for r in rows if r["t"] / r["p"] < 0.25)
        assert 1 <= below[2024] <= 4
        assert below[2024] <= below[2022]


@pytest.mark.slow
def test_large_county(tmp_path: Path) -> None:
    path = write_demo(tmp_path / "large.tcmcounty", "large")
    with CountyFile.open(path) as county:
        n_centres = county.count("institution", "type IN ('chc', 'township_hc')")
        n_units = county.count("institution", "type IN ('chs', 'village_clinic')")
        assert (n_centres, n_units) == (40, 600)
        assert county.years() == [2020, 2021, 2022, 2023, 2024]
        assert 5000 <= county.count("activity") <= 7000
        _few_findings_a_year(county, most=40)
        _upgraded_halls_have_their_figures(county)


def _few_findings_a_year(county: CountyFile, most: int) -> None:
    """数据核查 of each year lists what a reviewer should look at, not every village clinic: the
    figures move a little from year to year, and the slips planted each year are there."""
    from reports.judge.checks import find_checks

    clinics = {r["id"] for r in county.rows("institution", "type = 'village_clinic'")}
    first, *later = county.years()
    assert len(find_checks(county, first)) <= 5  # no last year to compare with
    for year in later:
        found = find_checks(county, year)
        kinds = {f.kind for f in found}
        assert 5 <= len(found) <= most, (year, len(found))
        assert {"visits", "hall_area", "techniques", "duplicate"} <= kinds, (year, kinds)
        # Of all the village clinics: this year's visits typed with a zero too many and last
        # year's back to normal (each with the TCM share it moved), and the techniques lost.
        assert sum(f.institution_id in clinics for f in found) <= 5


def _upgraded_halls_have_their_figures(county: CountyFile) -> None:
    """A 中医馆 typed 提档升级 always has its area and rooms: A10 waits for them, and 填报进度
    counts them in the 中医馆 report."""
    rows = county.query("""SELECT * FROM institution_year WHERE hall_state = 'upgraded'""")
    assert rows
    for r in rows:
        assert None not in (r["hall_area"], r["hall_consult_rooms"], r["hall_treat_rooms"],
                            r["hall_treat_area"]), r


def test_a_years_figures_follow_on_from_last_years(small: Path) -> None:
    with CountyFile.open(small) as county:
        _few_findings_a_year(county, most=15)
        _upgraded_halls_have_their_figures(county)


def test_one_more_tcm_physician_is_accepted_everywhere(small: Path, tmp_path: Path) -> None:
    """A newcomer raising 中医类别执业医师 by one was refused where 西学中 equalled the non-TCM
    physicians: every institution of every year now leaves room for it."""
    copy = tmp_path / "copy.tcmcounty"
    copy.write_bytes(small.read_bytes())
    with CountyFile.open(copy, daily_backup=False) as county:
        rows = county.query("SELECT * FROM institution_year WHERE physicians > tcm_physicians")
        assert rows
        for r in rows:
            county.set_institution_year(r["institution_id"], r["year"],
                                        {"tcm_physicians": r["tcm_physicians"] + 1})
