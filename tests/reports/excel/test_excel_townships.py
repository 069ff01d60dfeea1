"""Workbooks and the two gaps of issue 29: a 所属乡镇 read with its 年度 (a change from that year,
earlier years kept), a same-named institution only found in another township asked about rather
than guessed, and activities entered twice named in the summary and counted once."""

from __future__ import annotations

from pathlib import Path

import pytest

from db.townships import history, township_in_year
from reports.excel.export import export_workbook
from reports.excel.importer import ImportRefused, apply, import_workbook, plan_import
from reports.judge.evaluation import evaluate

from .excel_books import blank_county_file, county, refusal_texts, write_book

__all__ = ["blank_county_file", "county"]

HEAD = ["机构名称", "机构类型", "所属乡镇", "年度", "执业（助理）医师数"]
CLINICS = ["东湾村卫生室", "西岭村卫生室"]


def _book(tmp_path: Path, rows: list[list], name: str = "b.xlsx", head: list[str] = HEAD) -> Path:
    return write_book(tmp_path / name, {"机构": [head, *rows]})


@pytest.fixture
def luwei(county, tmp_path: Path):
    """芦苇乡 with its centre and two clinics, 白沙镇 with its centre, all reported for 2024."""
    rows = [["芦苇乡卫生院", "乡镇卫生院", "芦苇乡", 2024, 8], ["白沙镇卫生院", "乡镇卫生院", "白沙镇", 2024, 9]]
    rows += [[n, "村卫生室", "芦苇乡", 2024, 1] for n in CLINICS]
    import_workbook(county, _book(tmp_path, rows, "2024.xlsx"))
    return {r["name"]: r["id"] for r in county.rows("institution")}


def _2025(tmp_path: Path, **kw) -> Path:
    rows = [[n, "村卫生室", "白沙镇", 2025, 1] for n in CLINICS]
    return _book(tmp_path, rows, "2025.xlsx", **kw)


def test_a_same_name_in_another_township_without_code_is_asked_not_guessed(county, luwei,
                                                                             tmp_path: Path):
    plan = plan_import(county, _2025(tmp_path))
    assert not plan.ok and plan.refusals == []
    assert [q.name for q in plan.undecided] == CLINICS
    text = plan.summary_text()
    assert "可能是撤乡并镇后划归新乡镇的同一机构，也可能是另一家同名机构" in text
    assert ("工作表“机构”第 2 行“东湾村卫生室”（2025年，所属乡镇“白沙镇”，未填机构代码）："
            "本县 2025 年在“芦苇乡”有同名的村卫生室") in text
    with pytest.raises(ImportRefused, match="尚未确认是划转还是新增"):
        apply(plan)
    assert county.count("institution") == 4 and county.count("institution_township") == 0


def test_answered_as_moved_the_change_runs_from_the_rows_year(county, luwei, tmp_path: Path):
    book = _2025(tmp_path)
    plan = plan_import(county, book, moves="move")
    assert plan.ok
    # The clinics came in with 2024's workbook: no year before 2024 is named.
    assert "东湾村卫生室：2025年起 芦苇乡 → 白沙镇（2024年 芦苇乡，不变）" in plan.summary_text()
    apply(plan)
    clinic = luwei["东湾村卫生室"]
    assert [township_in_year(county, clinic, y) for y in (2024, 2025)] == ["芦苇乡", "白沙镇"]
    assert county.count("institution") == 4
    again = plan_import(county, book)  # now matched in its township: nothing to ask or change
    assert again.ok and not again.has_changes


def test_answered_row_by_row_one_moves_and_one_is_another_clinic(county, luwei, tmp_path: Path):
    import_workbook(county, _2025(tmp_path),
                    moves={("机构", 2): "move", ("机构", 3): "new"})
    names = [(r["name"], r["township"]) for r in county.rows("institution", order="name")]
    assert ("西岭村卫生室", "芦苇乡") in names and ("西岭村卫生室", "白沙镇") in names
    assert township_in_year(county, luwei["东湾村卫生室"], 2025) == "白沙镇"
    assert township_in_year(county, luwei["西岭村卫生室"], 2025) == "芦苇乡"


def test_with_a_code_the_row_is_the_institution_and_its_township_changes_from_the_year(
        county, tmp_path: Path):
    head = ["机构名称", "机构代码", "机构类型", "所属乡镇", "年度", "执业（助理）医师数"]
    import_workbook(county, _book(tmp_path, [["东湾村卫生室", "C01", "村卫生室", "芦苇乡", 2024, 1]],
                                  "a.xlsx", head))
    plan = plan_import(county, _book(tmp_path, [["东湾村卫生室", "C01", "村卫生室", "白沙镇", 2025, 1]],
                                     "b.xlsx", head))
    assert plan.ok and plan.possible_moves == []
    apply(plan)
    (iid,) = [r["id"] for r in county.rows("institution")]
    assert [township_in_year(county, iid, y) for y in (2024, 2025)] == ["芦苇乡", "白沙镇"]


def test_a_new_institutions_rows_give_its_townships_in_any_order(county, tmp_path: Path):
    import_workbook(county, _book(tmp_path, [["新城社区卫生服务站", "社区卫生服务站", "新城街道", 2025, 1],
                                             ["新城社区卫生服务站", "社区卫生服务站", "城关镇", 2023, 1]]))
    (iid,) = [r["id"] for r in county.rows("institution")]
    assert [township_in_year(county, iid, y) for y in (2023, 2024, 2025)] == \
        ["城关镇", "城关镇", "新城街道"]
    assert len(history(county, iid)) == 2


def test_two_townships_for_one_institution_and_year_are_refused(county, tmp_path: Path):
    head = ["机构名称", "机构代码", "机构类型", "所属乡镇", "年度"]
    plan = plan_import(county, _book(tmp_path, [["芦苇乡卫生院", "L01", "乡镇卫生院", "芦苇乡", 2024],
                                                ["芦苇乡卫生院", "L01", "乡镇卫生院", "白沙镇", 2024]],
                                     head=head))
    assert refusal_texts(plan) == ["工作表“机构”第 3 行“所属乡镇”列：与工作表“机构”第 2 行填写的 "
                                   "2024 年所属乡镇不一致"]


def test_one_name_in_two_townships_of_one_year_is_two_institutions(county, tmp_path: Path):
    plan = plan_import(county, _book(tmp_path, [["新村村卫生室", "村卫生室", "甲镇", 2024, 1],
                                                ["新村村卫生室", "村卫生室", "乙镇", 2024, 1]]))
    assert plan.new_institutions == ["新村村卫生室（村卫生室，甲镇）", "新村村卫生室（村卫生室，乙镇）"]


def test_a_township_tells_two_clinics_of_one_name_apart(county, tmp_path: Path):
    import_workbook(county, _book(tmp_path, [["新村村卫生室", "村卫生室", "甲镇", 2024, 1],
                                             ["新村村卫生室", "村卫生室", "乙镇", 2024, 1]]))
    import_workbook(county, _book(tmp_path, [["新村村卫生室", "村卫生室", "乙镇", 2024, 3]], "b.xlsx"))
    by_town = {r["township"]: r["physicians"] for r in county.institutions_in_year(2024)}
    assert by_town == {"甲镇": 1, "乙镇": 3}
    acts = write_book(tmp_path / "acts.xlsx", {"活动": [
        ["机构名称", "所属乡镇", "活动日期", "活动类型", "活动名称"],
        ["新村村卫生室", "甲镇", "2024-03-01", "义诊", "春季义诊"]]})
    import_workbook(county, acts)
    (activity,) = county.rows("activity")
    assert township_in_year(county, activity["institution_id"], 2024) == "甲镇"


def test_the_export_of_an_earlier_year_imports_back_unchanged(county, luwei, tmp_path: Path):
    import_workbook(county, _2025(tmp_path), moves="move")
    out = export_workbook(county, 2024, tmp_path / "2024导出.xlsx")
    plan = plan_import(county, out)
    assert plan.ok and not plan.has_changes, plan.summary_text()


def test_a_lecture_twice_in_one_workbook_is_named_and_counted_once(county, tmp_path: Path):
    import_workbook(county, _book(tmp_path, [["柳塘镇卫生院", "乡镇卫生院", "柳塘镇", 2024, 8]]))
    rows = [["柳塘镇卫生院", f"2024-0{m}-10", "健康讲座", f"讲座{m}", 50] for m in range(1, 5)]
    rows += [["柳塘镇卫生院", "2024-10-23", "健康讲座", "秋冬进补讲座", 64]] * 2
    book = write_book(tmp_path / "acts.xlsx", {"活动": [
        ["机构名称", "活动日期", "活动类型", "活动名称", "参与人数"], *rows]})
    plan = plan_import(county, book)
    assert ("工作表“活动”第 6 行、工作表“活动”第 7 行：柳塘镇卫生院 2024-10-23 健康讲座“秋冬进补讲座”"
            "（导入后共 2 条，按一次计）") in plan.summary_text()
    apply(plan)
    assert county.count("activity") == 6  # both kept: nothing is lost
    d5 = evaluate(county, 2024).result("D5")
    assert d5 is not None and d5.failing[0].value == 5  # four lectures and the one twice
    assert not plan_import(county, book).has_changes  # importing again adds nothing
