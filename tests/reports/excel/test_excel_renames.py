"""A workbook that renames or moves many institutions (matched by 机构代码) lands whole: each is
checked for a twin against the register as it stands after the ones before it."""

from __future__ import annotations

from pathlib import Path

from db.county import CountyFile
from reports.excel.importer import apply

from .excel_books import blank_county_file, county, plan_rows, refusal_texts

__all__ = ["blank_county_file", "county"]  # fixtures, used by name

HEADER = ["机构代码", "机构名称", "所属乡镇"]


def test_a_name_passed_on_down_a_chain_of_renames_is_no_twin(county: CountyFile,
                                                             tmp_path: Path) -> None:
    # 张村 becomes 王村 first, then 李村 takes the name 张村: legal in that order only.
    for code, name in (("C1", "李村卫生室"), ("C2", "张村卫生室")):
        county.insert("institution", {"name": name, "type": "village_clinic",
                                      "township": "青石镇", "code": code})
    plan = plan_rows(county, tmp_path / "改名.xlsx", {"机构": [
        HEADER, ["C2", "王村卫生室", "青石镇"], ["C1", "张村卫生室", "青石镇"]]})
    assert plan.ok, refusal_texts(plan)
    apply(plan)
    names = {r["code"]: r["name"] for r in county.rows("institution")}
    assert names == {"C1": "张村卫生室", "C2": "王村卫生室"}


def test_three_hundred_clinics_moved_to_a_renamed_township_land_whole(county: CountyFile,
                                                                      tmp_path: Path) -> None:
    county.insert_many("institution", [
        {"name": f"第{n}村卫生室", "type": "village_clinic", "township": "青石镇",
         "code": f"V{n:03d}"} for n in range(300)])
    plan = plan_rows(county, tmp_path / "撤乡并镇.xlsx", {"机构": [
        HEADER, *([f"V{n:03d}", f"第{n}村卫生室", "青石街道"] for n in range(300))]})
    assert plan.ok, refusal_texts(plan)
    apply(plan)
    assert county.count("institution", "township = '青石街道'") == 300
