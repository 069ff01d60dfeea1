"""The fill-in template: pre-filled institutions, drop-downs and whole-number checks, locked
headers, instructions, and a filled copy that imports with no manual step."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet
import pytest

from db.county import CountyFile
from reports.excel.importer import import_workbook, plan_import
from reports.excel.template import write_template
from reports.excel.vocab import WorkbookError

from .excel_books import demo, demo_file

__all__ = ["demo", "demo_file"]  # fixtures, used by name

YEAR = 2025
FIRST = 4  # title, group headers, headers


@pytest.fixture
def template(demo: CountyFile, tmp_path: Path) -> Path:
    return write_template(demo, YEAR, tmp_path / "模板.xlsx")


def headers(ws: Worksheet) -> dict[str, int]:
    return {c.value: c.column for c in ws[FIRST - 1] if c.value}


def validations(ws: Worksheet) -> dict[int, list]:
    """Column number → the data validations that cover its first data cell."""
    found: dict[int, list] = {}
    for dv in ws.data_validations.dataValidation:
        for col in range(1, ws.max_column + 1):
            if ws.cell(FIRST, col).coordinate in dv.sqref:
                found.setdefault(col, []).append(dv)
    return found


def test_each_unit_is_listed_with_its_supervising_centre(demo, template):
    """The template carries 上级机构 as the register does: a clinic's centre is there to keep or
    fill in, and a clinic added in the workbook can be given one."""
    ws = openpyxl.load_workbook(template)["机构年度数据"]
    cols = headers(ws)
    parents = {ws.cell(r, cols["机构名称"]).value: ws.cell(r, cols["上级机构"]).value
               for r in range(FIRST, ws.max_row + 1) if ws.cell(r, cols["机构名称"]).value}
    known = {r["name"]: r["parent"] for r in demo.institutions_in_year(YEAR)}
    assert parents == {n: known[n] for n in parents} and any(parents.values())


def test_the_institutions_are_listed_with_their_codes(demo, template):
    ws = openpyxl.load_workbook(template)["机构年度数据"]
    cols = headers(ws)
    rows = [r for r in ws.iter_rows(min_row=FIRST, values_only=True) if r[1]]
    assert sorted(r[cols["机构名称"] - 1] for r in rows) == sorted(
        r["name"] for r in demo.rows("institution"))
    assert all(r[cols["机构代码"] - 1] and r[cols["年度"] - 1] == YEAR for r in rows)


def test_a_township_template_lists_only_that_township(demo, tmp_path):
    out = write_template(demo, YEAR, tmp_path / "t.xlsx", town="城关街道")
    ws = openpyxl.load_workbook(out)["机构年度数据"]
    towns = {r[4] for r in ws.iter_rows(min_row=FIRST, values_only=True) if r[1]}
    assert towns == {"城关街道"}
    assert "城关街道" in ws["A1"].value


def test_an_unknown_township_is_refused_with_the_known_ones(demo, tmp_path):
    with pytest.raises(WorkbookError, match="没有属于“无此镇”的机构。本县的乡镇（街道）有：.*城关街道"):
        write_template(demo, YEAR, tmp_path / "t.xlsx", town="无此镇")
    assert not (tmp_path / "t.xlsx").exists()


def test_every_yes_no_and_state_column_has_a_drop_down_and_counts_are_whole(template):
    ws = openpyxl.load_workbook(template)["机构年度数据"]
    found = validations(ws)
    for header, col in headers(ws).items():
        kinds = [(dv.type, dv.formula1) for dv in found.get(col, [])]
        if header.startswith("是否"):
            assert kinds == [("list", '"是,否"')], header
        elif header == "中医馆达标情况":
            assert kinds == [("list", '"未建,已建未达标,达标,提档升级"')]
        elif header == "中医馆等级":
            assert kinds == [("list", '"普通,精品,示范"')]
        elif header == "机构类型":
            assert kinds and kinds[0][0] == "list" and "乡镇卫生院" in kinds[0][1]
        elif header.endswith(("数", "人次")):
            assert [(dv.type, dv.operator, dv.formula1) for dv in found[col]] == \
                [("whole", "greaterThanOrEqual", "0")], header


def test_headers_are_locked_and_data_cells_are_not(template):
    ws = openpyxl.load_workbook(template)["机构年度数据"]
    assert ws.protection.sheet
    assert all(ws.cell(r, c).protection.locked for r in (1, 2, 3) for c in (2, 7, 20))
    last = ws.max_row
    assert not any(ws.cell(r, c).protection.locked for r in (FIRST, last) for c in (2, 7, 20))


def test_the_activity_sheet_has_a_kind_drop_down(template):
    ws = openpyxl.load_workbook(template)["活动记录"]
    cols = headers(ws)
    assert list(cols) == ["序号", "机构名称", "活动日期", "活动类型", "活动名称", "参与人数",
                          "是否中医药内容"]
    found = validations(ws)
    kinds = found[cols["活动类型"]]
    assert kinds[0].type == "list" and "传统健身" in kinds[0].formula1
    assert found[cols["是否中医药内容"]][0].formula1 == '"是,否"'
    assert ws.protection.sheet and not ws.cell(FIRST, 2).protection.locked


def test_there_are_instructions_in_plain_chinese(template):
    ws = openpyxl.load_workbook(template)["填表说明"]
    text = "\n".join(str(c.value) for c in ws["A"] if c.value)
    for words in ("下拉", "整数", "中医类别医师数不能多于", "活动日期", "2024-03-05", "机构类型"):
        assert words in text


def test_a_blank_template_sent_back_changes_nothing(demo, template):
    plan = plan_import(demo, template)
    assert plan.ok and not plan.has_changes and plan.ignored_sheets == []


def test_a_filled_template_imports_with_no_manual_step(demo, template, tmp_path):
    book = openpyxl.load_workbook(template)
    ws = book["机构年度数据"]
    cols = headers(ws)
    rows = {ws.cell(r, cols["机构名称"]).value: r for r in range(FIRST, ws.max_row + 1)}
    centre = next(n for n in rows if n and n.endswith("卫生院"))
    r = rows[centre]
    for header, value in {"是否设置中医馆": "是", "中医馆达标情况": "达标", "中医馆等级": "精品",
                          "是否接入中医馆健康信息平台": "是", "执业（助理）医师数": 30,
                          "中医类别执业（助理）医师数": 9, "总诊疗人次": 40000,
                          "中医诊疗人次": 16000, "适宜技术类数": 6, "适宜技术项数": 11}.items():
        ws.cell(r, cols[header], value)
    spare = max(r for n, r in rows.items() if n) + 1
    parent = next(n for n in rows if n and n.startswith("城关街道") and n.endswith("中心"))
    for header, value in {"机构名称": "新开村卫生室", "机构类型": "村卫生室", "所属乡镇": "城关街道",
                          "上级机构": parent,  # a clinic's supervising centre, as the register
                          "是否具备中医药服务场所和设备": "是", "能提供中医药服务的其他人员数": 1}.items():
        ws.cell(spare, cols[header], value)
    log = book["活动记录"]
    log.append([None, centre, _dt.date(YEAR, 3, 5), "义诊", "学雷锋义诊", 150, "是"])
    log.cell(FIRST, 2, centre)
    log.cell(FIRST, 3, _dt.date(YEAR, 4, 1))
    log.cell(FIRST, 4, "八段锦")
    log.cell(FIRST, 5, "八段锦推广")
    log.cell(FIRST, 6, 40)
    filled = tmp_path / "已填写.xlsx"
    book.save(filled)

    plan = import_workbook(demo, filled)
    assert plan.ok, plan.summary_text()
    iid = demo.rows("institution", "name = ?", (centre,))[0]["id"]
    facts = demo.rows("institution_year", "institution_id = ? AND year = ?", (iid, YEAR))[0]
    assert (facts["hall_state"], facts["hall_grade"], facts["platform_connected"],
            facts["physicians"], facts["tcm_physicians"], facts["tech_items"]) == \
        ("standard", "boutique", 1, 30, 9, 11)
    new = demo.rows("institution", "name = '新开村卫生室'")[0]
    assert (new["type"], new["township"]) == ("village_clinic", "城关街道")
    assert new["parent_id"] == demo.rows("institution", "name = ?", (parent,))[0]["id"]
    kinds = {a["kind"] for a in demo.rows("activity", "date LIKE '2025-%'")}
    assert kinds == {"义诊", "传统健身"}
    assert not import_workbook(demo, filled).has_changes


def test_the_instructions_say_which_columns_each_type_fills_and_the_cells_are_grey(demo,
                                                                                  template):
    book = openpyxl.load_workbook(template)
    text = "\n".join(str(c.value) for c in book["填表说明"]["A"] if c.value)
    assert "社区卫生服务中心、乡镇卫生院另填：是否设置中医馆、中医馆达标情况" in text
    assert "社区卫生服务站、村卫生室另填：是否设置中医阁、是否具备中医药服务场所和设备" in text
    assert "县级综合医院、妇幼保健院另填：是否设置中医科、是否设置中药房、是否设置煎药室" in text
    ws = book["机构年度数据"]
    cols = headers(ws)
    rows = {ws.cell(r, cols["机构名称"]).value: r for r in range(FIRST, ws.max_row + 1)}
    station = next(n for n in rows if n and n.endswith("社区卫生服务站"))
    centre = next(n for n in rows if n and n.endswith("卫生院"))
    grey = ws.cell(rows[station], cols["中医馆面积"]).fill.fgColor.rgb
    assert grey.endswith("E4E4E4")
    assert ws.cell(rows[centre], cols["中医馆面积"]).fill.fgColor.rgb != grey
    assert ws.cell(rows[centre], cols["是否设置中医阁"]).fill.fgColor.rgb == grey


def test_a_value_a_type_does_not_fill_is_left_out_of_the_workbooks(demo, tmp_path):
    # A station's 中医馆面积 typed by an earlier version: it counts for nothing and is not
    # written out, so the workbook imports back (into this file or another) without a refusal.
    demo.conn.execute("UPDATE institution_year SET hall_area = 50 WHERE institution_id IN "
                      "(SELECT id FROM institution WHERE type = 'chs') AND year = 2024")
    demo.conn.commit()
    from reports.excel.export import export_workbook

    out = export_workbook(demo, 2024, tmp_path / "导出.xlsx")
    ws = openpyxl.load_workbook(out)["中医馆、中医阁"]
    head = [c.value for c in ws[2]]
    col = head.index("中医馆面积")
    kinds = head.index("机构类型")
    assert all(r[col] is None for r in ws.iter_rows(min_row=3, values_only=True)
               if r[kinds] == "社区卫生服务站")
    plan = plan_import(demo, out)
    assert plan.ok and not plan.has_changes
