"""A merge reads what the other file names, not the whole county: its memory follows the township
file, and a twin of any institution of the county is still caught."""

from __future__ import annotations

from pathlib import Path
import tracemalloc

import pytest

from db.county import CountyFile
from db.demo import write_demo
from db.exchange import merge, plan_merge, write_township_file


@pytest.fixture
def big_county(tmp_path: Path) -> tuple[Path, Path]:
    """The small demo county grown by 20,000 activities of other townships, and a fill-in file
    of one township with one change."""
    path = write_demo(tmp_path / "县.tcmcounty", "small")
    with CountyFile.open(path, daily_backup=False) as county:
        centres = county.rows("institution", "type IN ('chc', 'township_hc')", order="name")
        town = centres[0]["township"]
        others = [c["id"] for c in centres if c["township"] != town]
        county.insert_many("activity", [
            {"institution_id": others[n % len(others)], "date": f"2024-{n % 12 + 1:02d}-10",
             "kind": "健康讲座", "title": f"中医养生讲座第{n}期", "people": 30}
            for n in range(20_000)])
        town_file = write_township_file(county, town, tmp_path / "镇.tcmcounty")
    with CountyFile.open(town_file, machine="e" * 32, daily_backup=False) as township:
        centre = township.rows("institution", "type IN ('chc', 'township_hc')")[0]
        township.set_institution_year(centre["id"], 2024, {"tech_items": 15})
    return path, town_file


def test_a_merge_reads_only_what_the_township_file_names(big_county: tuple[Path, Path]) -> None:
    path, town_file = big_county
    with CountyFile.open(path, daily_backup=False) as county:
        tracemalloc.start()
        try:
            plan = merge(county, town_file)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert plan.summary().startswith("新增 0 条，更新 1 条，删除 0 条")
        assert county.count("activity", "title LIKE '中医养生讲座第%'") == 20_000
    # Reading every record of the county (as merges did) held the 20,000 activities: 25 MB.
    assert peak < 8 * 1024 * 1024


def test_a_new_institution_twin_of_any_in_the_county_is_held(big_county: tuple[Path, Path],
                                                              tmp_path: Path) -> None:
    # A clinic the township adds under the name of a clinic the county already has there (not
    # in the township's own records the merge reads whole) is still one institution twice.
    path, town_file = big_county
    with CountyFile.open(path, daily_backup=False) as county:
        town = county.get("institution", _centre_id(town_file))["township"]
        county.insert("institution", {"name": "某村卫生室", "type": "village_clinic",
                                      "township": town, "code": "NEW001"})
    with CountyFile.open(town_file, machine="e" * 32, daily_backup=False) as township:
        township.insert("institution", {"name": "某村卫生室 ", "type": "village_clinic",
                                        "township": town})
    with CountyFile.open(path, daily_backup=False) as county:
        plan = plan_merge(county, town_file)
    [conflict] = [c for c in plan.conflicts if c.duplicate_of]
    assert "与本文件的“某村卫生室”重复：同一乡镇（街道）中名称相同" in conflict.label
    assert conflict.mine["code"] == "NEW001" and conflict.mine["rev"]


def _centre_id(town_file: Path) -> str:
    with CountyFile.open(town_file, daily_backup=False) as township:
        return township.rows("institution", "type IN ('chc', 'township_hc')")[0]["id"]
