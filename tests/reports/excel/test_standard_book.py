"""A province's 评分表 in Excel: written out, read back unchanged, kept in the county file (and
merged like every record), refused row by row in Chinese; `standard-import` / `standard-export`."""

from __future__ import annotations

from pathlib import Path
import shutil

import openpyxl
import pytest

from db.county import CountyFile
from db.errors import KnownError
from db.exchange import merge
from desktop.cli import main
from reports.excel.standard_book import (ITEMS_SHEET, StandardRefused, export_standard,
                                         import_standard, read_standard, write_standard)
from reports.judge import standard
from reports.judge.evaluation import evaluate

from .excel_books import demo_file, digest

__all__ = ["demo_file"]  # fixture, used by name


@pytest.fixture
def county_path(demo_file: Path, tmp_path: Path) -> Path:
    path = tmp_path / "青河县.tcmcounty"
    path.write_bytes(demo_file.read_bytes())
    return path


def _cells(path: Path) -> list[list[object]]:
    book = openpyxl.load_workbook(path)
    return [[c.value for c in row] for ws in book.worksheets for row in ws.iter_rows()]


def _edit(path: Path, out: Path, change) -> Path:
    book = openpyxl.load_workbook(path)
    change(book)
    book.save(out)
    return out


def _header(ws, name: str) -> int:
    return next(c.column for c in ws[2] if c.value == name)


def _row_of(ws, item_id: str) -> int:
    col = _header(ws, "编号")
    return next(r for r in range(3, ws.max_row + 1) if ws.cell(r, col).value == item_id)


def test_a_scoring_sheet_round_trips_unchanged(tmp_path: Path) -> None:
    shipped = standard.shipped()
    first = write_standard(shipped, tmp_path / "评分表.xlsx")
    back = read_standard(first)
    # Everything a 评分表 carries comes back: items, points, rules, 必备, pass mark.
    assert [(i.id, i.code, i.text, i.points, i.rule, i.veto, i.unverified, i.by)
            for i in back.items] == \
        [(i.id, i.code, i.text, i.points, i.rule, i.veto, i.unverified, i.by)
         for i in shipped.items]
    assert (back.name, back.pass_mark, back.total) == (shipped.name, 80, 100)
    # The shipped standard's caveat travels with it; a province's own sheet clears the row.
    assert back.caveat == shipped.caveat and "尚待对照正式文件核对" in back.basis_line
    assert [i.judge.get("keywords") for i in back.items] == \
        [i.judge.get("keywords") for i in shipped.items]
    second = write_standard(back, tmp_path / "again.xlsx")
    assert _cells(second) == _cells(first)


def test_an_imported_sheet_scores_the_file_and_travels_in_a_merge(county_path: Path,
                                                                  tmp_path: Path) -> None:
    other = tmp_path / "副本.tcmcounty"
    shutil.copyfile(county_path, other)

    def province(book) -> None:
        ws = book[ITEMS_SHEET]
        # 满意率 worth 14 points here, 联席会议 nothing; pass mark 85.
        ws.cell(_row_of(ws, "D10"), _header(ws, "分值")).value = 14
        ws.cell(_row_of(ws, "G02"), _header(ws, "分值")).value = 0
        info = book["标准信息"]
        info["B2"] = "某省示范县现场评审评分表"
        info["B7"] = 85
    with CountyFile.open(county_path) as county:
        exported = export_standard(county, tmp_path / "国家.xlsx")
        book = _edit(exported, tmp_path / "某省.xlsx", province)
        std = import_standard(county, book)
        score = evaluate(county, 2024).score
    assert std.name == "某省示范县现场评审评分表"
    assert (score.standard_name, score.max, score.pass_mark) == ("某省示范县现场评审评分表", 107, 85)
    assert score.item("D10").points == 14 and score.item("G02").max == 0
    assert score.total == pytest.approx(70.3 + 10 - 3)
    # The other copy takes the sheet in a merge, as any record, once the clerk confirms it (a
    # setting that changes how the file is scored is asked about from any file).
    with CountyFile.open(other) as county:
        with pytest.raises(KnownError, match="此次合并将改动设置（评分标准"):
            merge(county, county_path)
        merge(county, county_path, confirmed=True)
        assert evaluate(county, 2024).score.standard_name == "某省示范县现场评审评分表"


@pytest.mark.parametrize("change, reason", [
    (lambda ws: ws.cell(_row_of(ws, "A1"), _header(ws, "计分方式")).__setattr__("value", "每项一分"),
     "“计分方式”列：“每项一分”不是可识别的计分方式（可填：达到即得分、按比例得分、每家不达标扣分）"),
    (lambda ws: ws.cell(_row_of(ws, "A1"), _header(ws, "对应指标")).__setattr__("value", "Z9"),
     "“对应指标”列：“Z9”不是程序中的指标编号"),
    (lambda ws: ws.cell(_row_of(ws, "B1"), _header(ws, "每家扣分")).__setattr__("value", None),
     "“每家扣分”列：计分方式为“每家不达标扣分”时须填写每家扣分"),
    (lambda ws: ws.cell(_row_of(ws, "A2"), _header(ws, "分值")).__setattr__("value", "三分"),
     "“分值”列：应为数字，收到“三分”"),
    (lambda ws: ws.cell(_row_of(ws, "A2"), _header(ws, "编号")).__setattr__("value", "A1"),
     "“编号”列：编号“A1”与第"),
    (lambda ws: ws.cell(_row_of(ws, "G02"), _header(ws, "必备")).__setattr__("value", "也许"),
     "“必备”列：应为“是”或“否”，收到“也许”"),
])
def test_a_bad_row_is_refused_naming_sheet_row_column_and_nothing_is_written(
        county_path: Path, tmp_path: Path, change, reason) -> None:
    with CountyFile.open(county_path) as county:
        exported = export_standard(county, tmp_path / "国家.xlsx")
    book = _edit(exported, tmp_path / "bad.xlsx", lambda b: change(b[ITEMS_SHEET]))
    ws = openpyxl.load_workbook(book)[ITEMS_SHEET]
    before = digest(county_path)
    with CountyFile.open(county_path) as county, pytest.raises(StandardRefused) as refused:
        import_standard(county, book)
    text = str(refused.value)
    assert f"工作表“{ITEMS_SHEET}”第 " in text and reason in text, text
    row = next(n for n in range(3, ws.max_row + 1) if f"第 {n} 行" in text)
    assert row >= 3
    assert digest(county_path) == before


def test_a_pass_mark_above_the_total_is_refused(tmp_path: Path) -> None:
    first = write_standard(standard.shipped(), tmp_path / "a.xlsx")
    book = _edit(first, tmp_path / "b.xlsx", lambda b: b["标准信息"].__setitem__("B7", 120))
    with pytest.raises(StandardRefused, match="工作表“标准信息”第 7 行“合格分数线”列："
                                              "合格分数线应大于 0 且不高于满分 100 分（现为 120）"):
        read_standard(book)


def test_the_blank_template_has_drop_downs_and_instructions(county_path: Path,
                                                            tmp_path: Path) -> None:
    with CountyFile.open(county_path) as county:
        blank = export_standard(county, tmp_path / "空白.xlsx", blank=True)
    book = openpyxl.load_workbook(blank)
    assert book.sheetnames == [ITEMS_SHEET, "标准信息", "填表说明"]
    ws = book[ITEMS_SHEET]
    assert [c.value for c in ws[2]][:7] == ["部分", "部分名称", "编号", "条目", "评分内容", "评价范围",
                                           "评价方式"]
    lists = {dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"}
    assert '"达到即得分,按比例得分,每家不达标扣分"' in lists and '"是,否"' in lists
    with pytest.raises(StandardRefused, match="评分表中没有任何评分项"):
        read_standard(blank)


def test_cli_standard_import_export_and_reset(county_path: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "评分表.xlsx"
    assert main(["standard-export", str(county_path), "-o", str(out)]) == 0
    assert "已导出评分标准" in capsys.readouterr().out
    bad = _edit(out, tmp_path / "bad.xlsx", lambda b: b["标准信息"].__setitem__("B7", "八十"))
    before = digest(county_path)
    assert main(["standard-import", str(county_path), str(bad)]) == 1
    assert "工作表“标准信息”第 7 行“合格分数线”列：应为数字，收到“八十”" in capsys.readouterr().err
    assert digest(county_path) == before
    assert main(["standard-import", str(county_path), str(out), "--dry-run"]) == 0
    assert digest(county_path) == before
    assert main(["standard-import", str(county_path), str(out)]) == 0
    assert "60 个评分项，满分 100 分，合格分数线 80 分，必备项 3 项" in capsys.readouterr().out
    with CountyFile.open(county_path) as county:
        assert county.setting(standard.STORED_SETTING)
    assert main(["standard-import", str(county_path)]) == 2  # neither a workbook nor --reset
    assert main(["standard-import", str(county_path), "--reset"]) == 0
    with CountyFile.open(county_path) as county:
        assert not county.setting(standard.STORED_SETTING)


# ---- a province's targets and conditions ----------------------------------------------------------

def test_a_provinces_targets_and_conditions_are_written_read_and_followed(
        county_path: Path, tmp_path: Path) -> None:
    from reports.judge import profiles

    def province(book) -> None:
        ws = book[ITEMS_SHEET]
        # 浙江: 老年人 80%; this province also asks 8类12项 of every centre.
        assert ws.cell(_row_of(ws, "B5"), _header(ws, "目标值")).value == "≥75%"
        assert ws.cell(_row_of(ws, "B1"), _header(ws, "达标条件")).value == "10项"
        ws.cell(_row_of(ws, "B5"), _header(ws, "目标值")).value = "80%"
        ws.cell(_row_of(ws, "B1"), _header(ws, "达标条件")).value = "8类12项"
        book["标准信息"]["B2"] = "某省评分表"
    with CountyFile.open(county_path) as county:
        mine = profiles.copy_profile(county, "baseline", "本县方案")  # copied before the import
        profiles.set_active(county, mine.id)
        before = evaluate(county, 2024)
        book = _edit(export_standard(county, tmp_path / "国家.xlsx"), tmp_path / "某省.xlsx",
                     province)
        import_standard(county, book)
        after = evaluate(county, 2024)
    assert before.result("B5").target.value == 0.75 and before.result("B5").met is True
    b5 = after.result("B5")
    assert (b5.target.value, b5.met) == (0.8, False)  # 77.9% of the elderly
    assert after.score.item("B5").state == "部分得分"
    b1 = after.result("B1")
    assert b1.gap and "8类12项" in b1.gap and b1.met is False
    assert before.result("B1").met is True


def test_basis_targets_and_conditions_round_trip(tmp_path: Path) -> None:
    shipped = standard.shipped()
    back = read_standard(write_standard(shipped, tmp_path / "评分表.xlsx"))
    assert [i.to_dict() for i in back.items] == [i.to_dict() for i in shipped.items]
    a10 = back.item("A10")
    assert a10 is not None and a10.judge["threshold"]["area"] == 300
    assert back.item("H1").judge["ownership"] == "public"
    assert back.item("C7").basis.startswith("《基层中医药服务能力提升工程“十四五”行动计划》")


@pytest.mark.parametrize("column, item, value, reason", [
    ("目标值", "B5", "≥150%", "目标值不能超过 100%"),
    ("目标值", "B5", "大约八成", "目标值“大约八成”无法识别"),
    ("达标条件", "B1", "面积≥300㎡", "没有“面积≥300㎡”这样的达标条件"),
    ("达标条件", "C2", "每家≥250%", "机构占比要求应在 0–100% 之间"),
    ("举办性质", "H1", "部队", "“部队”不是可识别的举办性质"),
])
def test_a_target_or_condition_that_cannot_be_is_refused(tmp_path: Path, column, item, value,
                                                         reason) -> None:
    def change(book) -> None:
        ws = book[ITEMS_SHEET]
        ws.cell(_row_of(ws, item), _header(ws, column)).value = value
    first = write_standard(standard.shipped(), tmp_path / "a.xlsx")
    ws = openpyxl.load_workbook(first)[ITEMS_SHEET]
    row = _row_of(ws, item)
    with pytest.raises(StandardRefused) as refused:
        read_standard(_edit(first, tmp_path / "b.xlsx", change))
    assert f"工作表“{ITEMS_SHEET}”第 {row} 行“{column}”列：" in str(refused.value)
    assert reason in str(refused.value)


# ---- a 评分表 from another PC ------------------------------------------------------------------------

@pytest.mark.parametrize("column, item, value, reason", [
    ("分值", "D10", 1e308, "应在 0–100 分之间"),
    ("分值", "D10", "inf", "应为数字"),
    ("分值", "D10", "nan", "应为数字"),
    ("每家扣分", "B1", 1e308, "应在 0–100 分之间"),
    ("编号", "G02", "g01", "编号“g01”与第"),
    ("编号", "G02", "Ｇ０１", "不分大小写和全角半角"),
    ("编号", "G02", "G" * 3000, "编号不能超过 16 个字符"),
    ("编号", "G02", "G\u202e20", "U+202E"),
    ("评分内容", "G02", "联席会议\u202e制度", "看不见的控制字符（U+202E）"),
    ("评分内容", "G02", "字" * 1001, "不能超过 1000 个字"),
])
def test_a_hostile_sheet_is_refused_naming_sheet_row_column_and_reason(
        tmp_path: Path, column, item, value, reason) -> None:
    def change(book) -> None:
        ws = book[ITEMS_SHEET]
        ws.cell(_row_of(ws, item), _header(ws, column)).value = value
    first = write_standard(standard.shipped(), tmp_path / "a.xlsx")
    row = _row_of(openpyxl.load_workbook(first)[ITEMS_SHEET], item)
    with pytest.raises(StandardRefused) as refused:
        read_standard(_edit(first, tmp_path / "b.xlsx", change))
    text = str(refused.value)
    assert f"工作表“{ITEMS_SHEET}”第 {row} 行“{column}”列：" in text and reason in text, text


def test_too_many_items_are_refused_without_reading_them_all(tmp_path: Path) -> None:
    def many(book) -> None:
        ws = book[ITEMS_SHEET]
        template = [c.value for c in ws[_row_of(ws, "G02")]]
        id_col = _header(ws, "编号")
        for n in range(400):
            ws.append([f"X{n}" if i == id_col - 1 else v for i, v in enumerate(template)])
    first = write_standard(standard.shipped(), tmp_path / "a.xlsx")
    with pytest.raises(StandardRefused) as refused:
        read_standard(_edit(first, tmp_path / "b.xlsx", many))
    assert "评分项超过 300 项" in str(refused.value)
    assert len(refused.value.reasons) <= 2


@pytest.mark.parametrize("pass_mark, reason", [
    (0, "合格分数线应大于 0"), (-5, "不能为负数"), (1e308, "应在 0–1000 分之间"),
])
def test_a_pass_mark_that_makes_no_sense_is_refused(tmp_path: Path, pass_mark, reason) -> None:
    first = write_standard(standard.shipped(), tmp_path / "a.xlsx")
    book = _edit(first, tmp_path / "b.xlsx", lambda b: b["标准信息"].__setitem__("B7", pass_mark))
    with pytest.raises(StandardRefused) as refused:
        read_standard(book)
    assert "工作表“标准信息”第 7 行“合格分数线”列：" in str(refused.value)
    assert reason in str(refused.value)


def test_all_points_zero_is_refused(tmp_path: Path) -> None:
    def nothing(book) -> None:
        ws = book[ITEMS_SHEET]
        col = _header(ws, "分值")
        for r in range(3, ws.max_row + 1):
            if ws.cell(r, col).value is not None:
                ws.cell(r, col).value = 0
    first = write_standard(standard.shipped(), tmp_path / "a.xlsx")
    with pytest.raises(StandardRefused, match="各项分值合计应在 0–1000 分之间且大于 0"):
        read_standard(_edit(first, tmp_path / "b.xlsx", nothing))
