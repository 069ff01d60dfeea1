"""standard.cite: the one way the window and the report name an indicator or an item: the file's
standard's 条目 and words (二（一）6 医联体覆盖人口比例), an indicator the standard does not list
by its name with （本县指标）, never the program's ids (B8, G01)."""

from __future__ import annotations

from typing import Any

from db.county import CountyFile
from reports.judge import standard as standards
from reports.judge.evaluation import evaluate
from reports.judge.standard import LOCAL, cite


def _without(std: standards.Standard, *item_ids: str, **codes: str) -> standards.Standard:
    """`std` less some items, with some items numbered otherwise (a province's 评分表)."""
    raw: dict[str, Any] = std.to_dict()
    for section in raw["sections"]:
        section["items"] = [i for i in section["items"] if i["id"] not in item_ids]
        for i in section["items"]:
            i["code"] = codes.get(i["id"], i["code"])
    raw.pop("total")
    return standards.parse(raw)


def test_an_indicator_the_standard_scores_is_its_item_and_its_name() -> None:
    std = standards.shipped()
    assert cite(std, "B8") == "二（一）6 医联体覆盖人口比例"
    assert cite(std, "A1") == "二（二）1 中医馆设置率"
    # the name the caller has: the county's own word, a column's short label
    assert cite(std, "A1", "中医馆（蒙医馆）设置率") == "二（二）1 中医馆（蒙医馆）设置率"
    assert cite(std, "D1", "宣传栏更换") == "四（一）1 宣传栏更换"
    assert std.code_of("B8") == "二（一）6"


def test_an_item_judged_from_tasks_or_the_register_is_its_item_and_its_text() -> None:
    std = standards.shipped()
    assert cite(std, "G01") == "一（一）1 将中医药工作纳入县国民经济和社会发展规划及政府议事日程"
    assert cite(std, "H1").startswith("二（一）1 县域内设置县办中医医疗机构")
    # an item, or an item's score, as the caller holds it
    item = std.item("G02")
    assert item is not None and cite(std, item) == f"一（一）2 {item.text}"
    assert cite(std, item, "联席会议") == "一（一）2 联席会议"


def test_an_indicator_the_standard_does_not_list_is_the_countys_own() -> None:
    std = _without(standards.shipped(), "B8")
    assert cite(std, "B8") == "医联体覆盖人口比例（本县指标）" == f"医联体覆盖人口比例（{LOCAL}）"
    assert cite(std, "B8", "医共体覆盖人口比例") == "医共体覆盖人口比例（本县指标）"
    assert std.code_of("B8") == ""


def test_an_id_no_standard_knows_is_not_shown() -> None:
    """Evidence kept for an item of a 评分表 since replaced: said so, its id never shown."""
    std = standards.shipped()
    assert cite(std, "X99") == "现用评分标准中没有此项"
    assert "X99" not in cite(std, "X99", "旧评分项")


def test_a_county_with_its_provinces_sheet_is_cited_by_that_sheet(county: CountyFile) -> None:
    """A province's 评分表 imported into the file numbers its items its own way: the file's
    standard (standard.for_county) names them, in the report's score as in the window."""
    standards.store(county, _without(standards.for_county(county), "B8", A1="二（二）9",
                                     G01="一（一）甲"))
    std = standards.for_county(county)
    assert cite(std, "A1") == "二（二）9 中医馆设置率"
    assert cite(std, "G01").startswith("一（一）甲 将中医药工作")
    assert cite(std, "B8") == "医联体覆盖人口比例（本县指标）"
    # the score's items carry the same numbers: cited alike from a score
    score = evaluate(county, 2024).score
    assert score is not None
    scored = score.item("A1")
    assert scored is not None and cite(std, scored) == f"二（二）9 {scored.text}"
    standards.forget(county)
    assert cite(standards.for_county(county), "A1") == "二（二）1 中医馆设置率"
