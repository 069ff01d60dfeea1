"""An institution's years through workbooks (contract.md): 启用年度 / 停用年度 and their synonyms,
a start taken from the earliest row, moved back by an earlier year, never ended by a missing row;
the import summary names institutions still 未填报; export and template carry both columns."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from reports.excel.export import export_workbook
from reports.excel.importer import import_workbook, plan_import
from reports.excel.template import write_template

from .excel_books import blank_county_file, county, write_book

__all__ = ["blank_county_file", "county"]

HEAD = ["机构名称", "机构类型", "所属乡镇", "年度", "中医类别执业（助理）医师数", "执业（助理）医师数"]


def _book(tmp_path: Path, rows: list[list], head: list[str] = HEAD, name: str = "b.xlsx") -> Path:
    return write_book(tmp_path / name, {"机构": [head, *rows]})


def _start_end(county, name: str) -> tuple[int | None, int | None]:
    row = county.rows("institution", "name = ?", (name,))[0]
    return row["active_from"], row["active_to"]


def test_a_new_institution_starts_in_its_earliest_rows_year(county, tmp_path: Path) -> None:
    book = _book(tmp_path, [["新城社区卫生服务中心", "社区卫生服务中心", "新城街道", 2024, 2, 5],
                            ["新城社区卫生服务中心", "社区卫生服务中心", "新城街道", 2023, 1, 4]])
    import_workbook(county, book)
    assert _start_end(county, "新城社区卫生服务中心") == (2023, None)
    assert "新城社区卫生服务中心" not in [r["name"] for r in county.institutions_in_year(2022)]


def test_an_earlier_years_import_moves_the_start_back(county, tmp_path: Path) -> None:
    import_workbook(county, _book(tmp_path, [["东镇卫生院", "乡镇卫生院", "东镇", 2024, 3, 9]]))
    assert _start_end(county, "东镇卫生院") == (2024, None)
    import_workbook(county, _book(tmp_path, [["东镇卫生院", "乡镇卫生院", "东镇", 2022, 2, 8]],
                                  name="early.xlsx"))
    assert _start_end(county, "东镇卫生院") == (2022, None)


def test_a_missing_row_never_ends_an_institution_but_is_named(county, tmp_path: Path) -> None:
    import_workbook(county, _book(tmp_path, [["东镇卫生院", "乡镇卫生院", "东镇", 2023, 3, 9],
                                             ["西镇卫生院", "乡镇卫生院", "西镇", 2023, 2, 8]]))
    plan = plan_import(county, _book(tmp_path, [["东镇卫生院", "乡镇卫生院", "东镇", 2024, 3, 9]],
                                     name="2024.xlsx"))
    assert "2024年仍未填报的机构：1 家（西镇卫生院）" in plan.summary_text()
    import_workbook(county, plan.source)
    assert _start_end(county, "西镇卫生院") == (2023, None)
    assert "西镇卫生院" in [r["name"] for r in county.institutions_in_year(2024)]


def test_start_and_end_columns_and_their_synonyms(county, tmp_path: Path) -> None:
    head = [*HEAD, "设立年度", "撤并年度"]
    import_workbook(county, _book(tmp_path, [["柳河村卫生室", "村卫生室", "东镇", 2022, 0, 1, 2010,
                                              2022],
                                             ["新区社区卫生服务中心", "社区卫生服务中心", "新区", 2024,
                                              1, 3, 2023, None]], head))
    assert _start_end(county, "柳河村卫生室") == (2010, 2022)
    assert _start_end(county, "新区社区卫生服务中心") == (2023, None)
    names_2023 = [r["name"] for r in county.institutions_in_year(2023)]
    assert "柳河村卫生室" not in names_2023 and "新区社区卫生服务中心" in names_2023


def test_an_end_before_the_start_is_refused_with_its_cell(county, tmp_path: Path) -> None:
    head = [*HEAD, "启用年度", "停用年度"]
    plan = plan_import(county, _book(tmp_path, [["甲卫生院", "乡镇卫生院", "甲镇", 2024, 1, 3,
                                                 2024, 2022]], head))
    assert not plan.ok
    assert "停用年度（2022）不能早于启用年度（2024）" in plan.summary_text()


def test_export_and_template_carry_both_years_and_read_back(county, tmp_path: Path) -> None:
    head = [*HEAD, "启用年度", "停用年度"]
    import_workbook(county, _book(tmp_path, [["柳河村卫生室", "村卫生室", "东镇", 2024, 0, 1, 2015,
                                              2024]], head))
    out = export_workbook(county, 2024, tmp_path / "导出.xlsx")
    ws = openpyxl.load_workbook(out)["机构"]
    headers = [c.value for c in ws[2]]
    row = [c.value for c in ws[3]]
    assert row[headers.index("启用年度")] == 2015 and row[headers.index("停用年度")] == 2024
    template = write_template(county, 2024, tmp_path / "填报.xlsx")
    tws = openpyxl.load_workbook(template)["机构年度数据"]
    theaders = [c.value for c in tws[3]]
    trow = [c.value for c in tws[4]]
    assert trow[theaders.index("启用年度")] == 2015 and trow[theaders.index("停用年度")] == 2024
    plan = plan_import(county, template)
    assert plan.ok and not plan.has_changes


FULL = ["机构名称", "机构类型", "所属乡镇", "年度", "停用年度", "执业（助理）医师数",
        "中医类别执业（助理）医师数", "总诊疗人次", "中医诊疗人次", "中医馆达标情况", "是否设置中医阁",
        "是否具备中医药服务场所和设备"]


def test_a_county_built_only_from_workbooks_over_three_years(county, tmp_path: Path) -> None:
    """An opening (新城 in 2023), a closure (柳河村卫生室 after 2023), a late township (丙镇's
    2023 figures arrive after the rest) and a carried-over year (2024)."""
    from db.newyear import confirm_carried, start_new_year
    from reports.judge.evaluation import evaluate
    from reports.judge.progress import progress
    from reports.judge.wording import status_text

    def book(name: str, rows: list[list]) -> Path:
        return write_book(tmp_path / name, {"机构": [FULL, *rows]})

    def centre(name: str, town: str, year: int, visits: int | None = 1000,
               type_: str = "乡镇卫生院") -> list:
        return [name, type_, town, year, None, 10, 3, visits, visits and visits // 2, "达标",
                None, None]

    import_workbook(county, book("2022.xlsx", [
        centre("甲镇卫生院", "甲镇", 2022), centre("乙镇卫生院", "乙镇", 2022),
        centre("丙镇卫生院", "丙镇", 2022),
        ["柳河村卫生室", "村卫生室", "乙镇", 2022, None, 1, 0, None, None, None, "是", "是"]]))
    plan = plan_import(county, book("2023.xlsx", [
        centre("甲镇卫生院", "甲镇", 2023), centre("乙镇卫生院", "乙镇", 2023),
        centre("新城社区卫生服务中心", "新城街道", 2023, type_="社区卫生服务中心"),
        ["柳河村卫生室", "村卫生室", "乙镇", 2023, 2023, 1, 0, None, None, None, "是", "是"]]))
    assert "2023年仍未填报的机构：1 家（丙镇卫生院）" in plan.summary_text()
    import_workbook(county, plan.source)

    a1_2022 = evaluate(county, 2022).result("A1")
    assert (a1_2022.denominator, a1_2022.met) == (3, True)  # 新城 did not exist yet
    waiting = evaluate(county, 2023)
    assert [f.institution for f in waiting.result("A1").not_reported] == ["丙镇卫生院"]
    assert status_text(waiting.result("A1")) == "待填报"  # not 达标, not 未达标

    import_workbook(county, book("丙镇2023.xlsx", [centre("丙镇卫生院", "丙镇", 2023)]))
    done = evaluate(county, 2023)
    # Every row is in; what these workbooks never held (techniques, the activity log) is
    # all that keeps the centres 未填报.
    assert {p for u in done.unreported for p in u.parts} == {"适宜技术", "宣传活动"}
    assert status_text(done.result("A1")) == "达标"

    start_new_year(county, 2024)
    state = progress(county, 2024)
    assert "柳河村卫生室" not in [i.name for i in state.institutions]  # closed after 2023
    assert {i.name for i in state.unconfirmed} == {"甲镇卫生院", "乙镇卫生院", "丙镇卫生院",
                                                   "新城社区卫生服务中心"}
    assert status_text(evaluate(county, 2024).result("B4")) == "待填报"  # visits never carry
    import_workbook(county, book("2024.xlsx", [
        centre(n, t, 2024, type_=k) for n, t, k in (
            ("甲镇卫生院", "甲镇", "乡镇卫生院"),
            ("乙镇卫生院", "乙镇", "乡镇卫生院"), ("丙镇卫生院", "丙镇", "乡镇卫生院"),
            ("新城社区卫生服务中心", "新城街道", "社区卫生服务中心"))]))
    # The workbook restated staff, visits and hall state: those carried values are confirmed.
    assert progress(county, 2024).unconfirmed == []
    assert status_text(evaluate(county, 2024).result("B4")) == "达标"
    assert confirm_carried(county, 2024) == 0
    # Still a draft, only for what these workbooks never held: partly reported is not reported.
    state = progress(county, 2024)
    assert state.is_draft and {m for i in state.unreported for m in i.missing} == {"适宜技术",
                                                                                 "宣传活动"}


def test_the_results_sheet_names_who_has_not_reported(county, tmp_path: Path) -> None:
    import_workbook(county, _book(tmp_path, [["东镇卫生院", "乡镇卫生院", "东镇", 2024, 3, 9]]))
    county.insert("institution", {"name": "西镇卫生院", "type": "township_hc",
                                  "active_from": 2024})
    ws = openpyxl.load_workbook(export_workbook(county, 2024, tmp_path / "x.xlsx"))["指标结果"]
    headers = [c.value for c in ws[2]]
    c2 = next(row for row in ws.iter_rows(min_row=3, values_only=True) if row[1] == "C7")
    assert c2[headers.index("未填报机构")] == "西镇卫生院"
    assert c2[headers.index("达标情况")] == "待填报"


def test_figures_after_an_institutions_end_are_pointed_out(county, tmp_path: Path) -> None:
    head = [*HEAD, "停用年度"]
    import_workbook(county, _book(tmp_path, [["柳河村卫生室", "村卫生室", "东镇", 2022, 0, 1, 2022]],
                                  head))
    plan = plan_import(county, _book(tmp_path, [["柳河村卫生室", "村卫生室", "东镇", 2023, 0, 1]],
                                     name="2023.xlsx"))
    assert "柳河村卫生室（2023年）" in plan.summary_text()
    assert county.rows("institution")[0]["active_to"] == 2022  # a row never reopens it
