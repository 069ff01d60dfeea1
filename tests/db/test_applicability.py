"""Facts a type does not fill are refused with the reason (a 社区卫生服务站 has a 中医阁, not a
中医馆): typed, inserted in bulk, merged from another file; a value an older file already holds is
left alone (it counts for nothing) and can always be cleared; 开始新年度 does not carry it on."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from db.county import CountyFile
from db.errors import KnownError, ValidationError
from db.exchange import merge, write_township_file
from db.fields import FIELDS, FILLED_BY, applies, not_applicable
from db.newyear import start_new_year
from db.vocab import INSTITUTION_TYPES


@pytest.fixture
def county(tmp_path: Path):
    c = CountyFile.create(tmp_path / "测试县.tcmcounty", "测试县")
    yield c
    c.close()


def _station(county: CountyFile) -> str:
    return county.insert("institution", {"name": "甲社区卫生服务站", "type": "chs",
                                         "township": "甲街道"})


def _older_value(county: CountyFile, iid: str, year: int, values: dict) -> None:
    """What a file written before the rule may hold: stored without the check."""
    rid = county.institution_year_id(iid, year)
    cols = ", ".join(values)
    county.conn.execute(
        f"INSERT INTO institution_year (id, rev, updated_at, updated_by, institution_id, year, "
        f"{cols}) VALUES (?, 'r0', '2023-01-01', 'old', ?, ?, {', '.join('?' * len(values))})",
        (rid, iid, year, *values.values()))
    county.conn.execute("INSERT INTO revlog (record_id, rev) VALUES (?, 'r0')", (rid,))
    county.conn.commit()


def test_a_station_is_refused_a_hall_area_with_the_reason(county):
    iid = _station(county)
    with pytest.raises(ValidationError, match="中医馆面积（平方米）：社区卫生服务站不填此项（中医馆设在"
                                              "社区卫生服务中心、乡镇卫生院，社区卫生服务站、村卫生室设中医阁）") as exc:
        county.set_institution_year(iid, 2024, {"hall_area": 50})
    assert exc.value.field == "hall_area"
    assert county.rows("institution_year") == []  # nothing written
    county.set_institution_year(iid, 2024, {"tcm_corner": 1, "physicians": 2})


@pytest.mark.parametrize("type_, field, words", [
    ("township_hc", "tcm_corner", "中医阁和中医药服务场所设备由社区卫生服务站、村卫生室填写"),
    ("township_hc", "dept_rehab", "只由县级中医医院填写"),
    ("county_tcm_hospital", "tcm_pharmacy", "只由县级综合医院、妇幼保健院填写"),
    ("village_clinic", "fd_teams", "家庭医生团队由社区卫生服务中心、乡镇卫生院填写"),
    ("tcm_clinic", "edu_base", "依托县级医院设置"),
])
def test_each_kind_of_fact_names_who_fills_it(county, type_, field, words):
    iid = county.insert("institution", {"name": "某机构", "type": type_})
    with pytest.raises(ValidationError, match=f"{INSTITUTION_TYPES[type_]}不填此项（.*{words}"):
        county.set_institution_year(iid, 2024, {field: 1})


def test_every_type_fills_staff_visits_and_techniques():
    for name in ("physicians", "tcm_physicians", "visits", "tcm_visits", "tech_items"):
        assert all(applies(name, t) for t in INSTITUTION_TYPES)
    assert set(FILLED_BY) <= {f.name for f in FIELDS["institution_year"]}
    assert not_applicable("hall_area", "chc") is None


def test_the_year_type_decides(county):
    # A township centre that became a station for the year fills a station's facts.
    iid = county.insert("institution", {"name": "甲镇卫生院", "type": "township_hc"})
    county.set_institution_year(iid, 2024, {"inst_type": "chs", "tcm_corner": 1})
    with pytest.raises(ValidationError, match="社区卫生服务站不填此项"):
        county.set_institution_year(iid, 2024, {"hall_state": "built"})
    county.set_institution_year(iid, 2023, {"hall_state": "built"})  # a centre that year


def test_an_older_value_is_left_alone_and_can_be_cleared(county):
    iid = _station(county)
    _older_value(county, iid, 2024, {"hall_area": 50, "tech_items": 4})
    county.set_institution_year(iid, 2024, {"tech_items": 6})  # editing another fact is fine
    row = county.rows("institution_year")[0]
    assert (row["hall_area"], row["tech_items"]) == (50, 6)
    with pytest.raises(ValidationError, match="社区卫生服务站不填此项"):
        county.set_institution_year(iid, 2024, {"hall_area": 60})  # but not a new value
    county.set_institution_year(iid, 2024, {"hall_area": None})  # Delete clears it
    assert county.rows("institution_year")[0]["hall_area"] is None


def test_a_bulk_insert_is_refused_whole(county):
    iid = _station(county)
    with pytest.raises(ValidationError, match="社区卫生服务站不填此项"):
        county.insert_many("institution_year", [
            {"institution_id": iid, "year": 2023, "tcm_corner": 1},
            {"institution_id": iid, "year": 2024, "hall_state": "built"}])
    assert county.rows("institution_year") == []


def test_a_new_year_does_not_carry_a_value_its_type_does_not_fill(county):
    iid = _station(county)
    _older_value(county, iid, 2023, {"hall_area": 50, "tcm_corner": 1})
    start_new_year(county, 2024)
    row = county.rows("institution_year", "year = 2024")[0]
    assert (row["tcm_corner"], row["hall_area"]) == (1, None)


def test_a_merge_refuses_a_fact_the_type_does_not_fill_naming_it(county, tmp_path):
    iid = _station(county)
    county.set_institution_year(iid, 2024, {"tcm_corner": 1})
    township = write_township_file(county, "甲街道", tmp_path / "甲街道.tcmcounty")
    with CountyFile.open(township) as theirs:
        _older_value_update(theirs, iid, 2024, {"hall_area": 50})
    before = county.rows("institution_year")
    with pytest.raises(KnownError, match="甲社区卫生服务站.*中医馆面积（平方米）：社区卫生服务站不填此项"):
        merge(county, township)
    assert county.rows("institution_year") == before


def test_a_merge_leaves_a_value_both_files_hold_alone(county, tmp_path):
    iid = _station(county)
    _older_value(county, iid, 2024, {"hall_area": 50})
    other = tmp_path / "副本.tcmcounty"
    county.close()
    shutil.copyfile(county.path, other)
    with CountyFile.open(other) as theirs:
        theirs.set_institution_year(iid, 2024, {"tcm_corner": 1})
    with CountyFile.open(county.path) as mine:
        merge(mine, other)
        row = mine.rows("institution_year")[0]
        assert (row["tcm_corner"], row["hall_area"]) == (1, 50)


def _older_value_update(county: CountyFile, iid: str, year: int, values: dict) -> None:
    """An edit made by a program without the rule: stored with a new revision, unchecked."""
    sets = ", ".join(f"{k} = ?" for k in values)
    county.conn.execute(f"UPDATE institution_year SET {sets}, rev = 'theirs1' "
                        "WHERE institution_id = ? AND year = ?", (*values.values(), iid, year))
    county.conn.execute("INSERT INTO revlog (record_id, rev) SELECT id, 'theirs1' FROM "
                        "institution_year WHERE institution_id = ? AND year = ?", (iid, year))
    county.conn.commit()
