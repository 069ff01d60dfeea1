"""开始新年度: standing facts carry over marked 沿用上年, visits never do, nothing the new year has
is overwritten, and confirming (per institution, per township, all) or changing clears the mark."""

from __future__ import annotations

from pathlib import Path

import pytest

from db.county import CountyFile, parse_carried
from db.errors import KnownError
from db.newyear import carried_rows, confirm_carried, start_new_year
from desktop.cli import main


@pytest.fixture
def county(tmp_path: Path):
    c = CountyFile.create(tmp_path / "沿用县.tcmcounty", "沿用县", machine="0" * 32)
    yield c
    c.close()


def _two_centres(county: CountyFile) -> tuple[str, str]:
    a = county.insert("institution", {"name": "甲镇卫生院", "type": "township_hc", "township": "甲镇"})
    b = county.insert("institution", {"name": "乙镇卫生院", "type": "township_hc", "township": "乙镇"})
    county.set_institution_year(a, 2023, {"hall_state": "standard", "tech_categories": 6,
                                          "tech_items": 10, "physicians": 12,
                                          "tcm_physicians": 4, "visits": 30000,
                                          "tcm_visits": 9000})
    county.set_institution_year(b, 2023, {"hall_state": "built", "physicians": 8,
                                          "tcm_physicians": 2})
    return a, b


def _year(county: CountyFile, inst_id: str, year: int = 2024) -> dict:
    return county.get("institution_year", county.institution_year_id(inst_id, year)) or {}


def test_the_standards_standing_facts_carry_over_too(county) -> None:
    """The 中医馆's area and rooms, the hospital's grade and departments and the family-doctor
    teams do not start from zero each January: without them 中医馆 达标 could no longer be
    derived in the new year."""
    hospital = county.insert("institution", {"name": "沿用县中医医院",
                                             "type": "county_tcm_hospital"})
    centre = county.insert("institution", {"name": "甲镇卫生院", "type": "township_hc"})
    county.set_institution_year(hospital, 2023, {"hospital_grade": "2a", "dept_guidance": 1,
                                                 "tech_center": 1})
    county.set_institution_year(centre, 2023, {"hall_state": "standard", "hall_area": 320,
                                               "hall_consult_rooms": 3, "hall_treat_rooms": 2,
                                               "hall_treat_area": 45, "fd_teams": 4,
                                               "fd_teams_tcm": 3})
    start_new_year(county, 2024)
    assert _year(county, hospital)["hospital_grade"] == "2a"
    row = _year(county, centre)
    assert (row["hall_area"], row["hall_treat_area"], row["fd_teams_tcm"]) == (320, 45, 3)
    assert "hall_area" in parse_carried(row["carried"])[1]


def test_standing_facts_carry_over_marked_and_visits_do_not(county) -> None:
    a, _ = _two_centres(county)
    done = start_new_year(county, 2024)
    assert (done.institutions, done.values) == (2, 8)
    row = _year(county, a)
    assert (row["hall_state"], row["tech_items"], row["physicians"]) == ("standard", 10, 12)
    assert (row["visits"], row["tcm_visits"]) == (None, None)
    source, fields = parse_carried(row["carried"])
    assert source == 2023 and set(fields) == {"hall_state", "tech_categories", "tech_items",
                                              "physicians", "tcm_physicians"}


def test_nothing_the_new_year_has_is_overwritten_and_twice_changes_nothing(county) -> None:
    a, _ = _two_centres(county)
    county.set_institution_year(a, 2024, {"hall_state": "upgraded"})
    start_new_year(county, 2024)
    row = _year(county, a)
    assert row["hall_state"] == "upgraded"
    assert "hall_state" not in parse_carried(row["carried"])[1]
    again = start_new_year(county, 2024)
    assert again.institutions == 0 and "没有需要" in again.summary()


def test_changing_a_value_confirms_it_and_confirming_clears_by_township(county) -> None:
    a, b = _two_centres(county)
    start_new_year(county, 2024)
    county.set_institution_year(a, 2024, {"physicians": 13})
    assert "physicians" not in parse_carried(_year(county, a)["carried"])[1]
    ids_in_yi = [r["institution_id"] for r in carried_rows(county, 2024) if r["township"] == "乙镇"]
    assert confirm_carried(county, 2024, ids_in_yi) == 1
    assert _year(county, b)["carried"] is None and _year(county, a)["carried"]
    assert confirm_carried(county, 2024) == 1
    assert carried_rows(county, 2024) == []


def test_a_closed_institution_is_not_carried_into_the_year_after(county) -> None:
    a, b = _two_centres(county)
    county.update("institution", b, {"active_to": 2023})
    start_new_year(county, 2024)
    assert _year(county, b) == {} and _year(county, a)


def test_nothing_to_carry_is_a_sentence(county) -> None:
    with pytest.raises(KnownError, match="2023年没有任何机构数据"):
        start_new_year(county, 2024)


def test_cli_new_year(county, capsys: pytest.CaptureFixture[str]) -> None:
    _two_centres(county)
    path = county.path
    county.close()
    assert main(["new-year", str(path), "--year", "2024"]) == 0
    assert "已从2023年沿用 2 家机构的 8 项数据到2024年" in capsys.readouterr().out
    assert main(["new-year", str(path), "--year", "2030"]) == 3
    assert "2029年没有任何机构数据" in capsys.readouterr().err
