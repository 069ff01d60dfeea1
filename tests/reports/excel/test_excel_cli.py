"""`tcmcounty import-excel / export-excel / template` as scripts call them: output and exit codes
(0 done, 1 workbook or row refused and nothing written, 2 usage, 3 not a county file)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from db.county import CountyFile
from db.demo import write_demo
from desktop.cli import main

from .excel_books import demo_file, digest, write_book

__all__ = ["demo_file"]  # fixture, used by name


@pytest.fixture
def county_path(demo_file: Path, tmp_path: Path) -> Path:
    path = tmp_path / "青河县.tcmcounty"
    path.write_bytes(demo_file.read_bytes())
    return path


GOOD = {"机构": [["机构名称", "机构类型", "执业（助理）医师数"], ["新开卫生院", "乡镇卫生院", 12]]}
BAD = {"机构": [["机构名称", "机构类型", "执业（助理）医师数", "中医类别执业（助理）医师数"],
                ["新开卫生院", "乡镇卫生院", 12, 3], ["又一卫生院", "乡镇卫生院", 2, 3]]}


def test_import_excel_imports_and_exits_0(county_path, tmp_path, capsys):
    book = write_book(tmp_path / "b.xlsx", GOOD)
    assert main(["import-excel", str(county_path), str(book), "--year", "2024"]) == 0
    out = capsys.readouterr().out
    assert "新增机构：1 家" in out and "导入完成" in out
    with CountyFile.open(county_path, daily_backup=False) as county:
        assert county.rows("institution", "name = '新开卫生院'")


def test_import_excel_with_a_refused_row_exits_1_and_writes_nothing(county_path, tmp_path, capsys):
    book = write_book(tmp_path / "b.xlsx", BAD)
    before = digest(county_path)
    assert main(["import-excel", str(county_path), str(book), "--year", "2024"]) == 1
    captured = capsys.readouterr()
    assert "工作表“机构”第 3 行“中医类别执业（助理）医师数”列" in captured.out
    assert captured.err.startswith("tcmcounty: 导入未执行：1 处问题") and captured.err.count("\n") == 1
    assert digest(county_path) == before


def test_dry_run_shows_the_summary_and_leaves_the_file_as_it_was(county_path, tmp_path, capsys):
    book = write_book(tmp_path / "b.xlsx", GOOD)
    before = digest(county_path)
    assert main(["import-excel", str(county_path), str(book), "--year", "2024", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "新增机构：1 家" in out and "试运行" in out
    assert digest(county_path) == before


def test_dry_run_of_a_refused_workbook_exits_1(county_path, tmp_path):
    book = write_book(tmp_path / "b.xlsx", BAD)
    assert main(["import-excel", str(county_path), str(book), "--year", "2024", "--dry-run"]) == 1


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100  # what an encrypted .xlsx starts with


@pytest.mark.parametrize("content", [b"not a workbook", OLE])
def test_a_workbook_that_cannot_be_read_exits_1_with_one_line(county_path, tmp_path, capsys,
                                                              content):
    book = tmp_path / "坏.xlsx"
    book.write_bytes(content)
    before = digest(county_path)
    assert main(["import-excel", str(county_path), str(book)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "坏.xlsx" in err
    assert digest(county_path) == before


def test_a_workbook_without_a_recognisable_sheet_exits_1(county_path, tmp_path, capsys):
    book = write_book(tmp_path / "b.xlsx", {"工资": [["姓名", "工资"]]})
    assert main(["import-excel", str(county_path), str(book)]) == 1
    assert "没有可识别的工作表" in capsys.readouterr().err


def test_import_into_something_that_is_not_a_county_file_exits_3(tmp_path, capsys):
    path = tmp_path / "x.tcmcounty"
    path.write_bytes(b"hello")
    book = write_book(tmp_path / "b.xlsx", GOOD)
    assert main(["import-excel", str(path), str(book)]) == 3
    assert path.read_bytes() == b"hello"


def test_export_excel_writes_the_workbook(county_path, tmp_path, capsys):
    out = tmp_path / "导出.xlsx"
    assert main(["export-excel", str(county_path), "-o", str(out), "--year", "2024"]) == 0
    assert "已导出" in capsys.readouterr().out
    assert "指标结果" in openpyxl.load_workbook(out).sheetnames
    # What was exported imports back into the same file with nothing to do.
    assert main(["import-excel", str(county_path), str(out)]) == 0
    assert "没有需要导入的变化" in capsys.readouterr().out


def test_export_excel_to_a_folder_that_does_not_exist_exits_1(county_path, tmp_path, capsys):
    out = tmp_path / "无" / "导出.xlsx"
    assert main(["export-excel", str(county_path), "-o", str(out), "--year", "2024"]) == 1
    assert "无法写入" in capsys.readouterr().err


def test_template_for_a_township(county_path, tmp_path, capsys):
    out = tmp_path / "模板.xlsx"
    assert main(["template", str(county_path), "-o", str(out), "--year", "2025",
                 "--town", "城关街道"]) == 0
    assert "已写出填报模板" in capsys.readouterr().out
    assert openpyxl.load_workbook(out).sheetnames == ["机构年度数据", "活动记录", "填表说明"]


def test_template_for_an_unknown_township_exits_1(county_path, tmp_path, capsys):
    out = tmp_path / "模板.xlsx"
    assert main(["template", str(county_path), "-o", str(out), "--year", "2025",
                 "--town", "无此镇"]) == 1
    assert "没有属于“无此镇”的机构" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize("argv", [["export-excel", "a.tcmcounty", "-o", "x.xlsx"],
                                  ["template", "a.tcmcounty", "--year", "2024"],
                                  ["import-excel", "a.tcmcounty"],
                                  ["import-excel", "a.tcmcounty", "b.xlsx", "--year", "1999"]])
def test_usage_errors_exit_2(argv):
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2


def test_an_import_that_changes_something_is_backed_up_first(tmp_path: Path) -> None:
    from db.backups import list_backups
    from reports.excel.export import export_workbook

    county_path = write_demo(tmp_path / "b.tcmcounty")
    book = tmp_path / "book.xlsx"
    with CountyFile.open(county_path) as county:
        export_workbook(county, 2024, book)
    fresh = tmp_path / "fresh.tcmcounty"
    CountyFile.create(fresh, "青河县").close()
    assert main(["import-excel", str(fresh), str(book)]) == 0
    assert [b.reason for b in list_backups("fresh")].count("导入前") == 1


def test_a_possible_move_is_listed_and_exits_1_until_moves_decides_it(county_path, tmp_path,
                                                                       capsys):
    """Issue 29: a village clinic named in another township without 机构代码 is not guessed at."""
    from db.townships import township_in_year

    with CountyFile.open(county_path, daily_backup=False) as county:
        clinic = county.rows("institution", "type = 'village_clinic'", order="name")[0]
        towns = sorted({r["township"] for r in county.rows("institution")} - {clinic["township"]})
    book = write_book(tmp_path / "b.xlsx", {"机构": [
        ["机构名称", "机构类型", "所属乡镇", "年度", "执业（助理）医师数"],
        [clinic["name"], "村卫生室", towns[0], 2024, 1]]})
    before = digest(county_path)
    assert main(["import-excel", str(county_path), str(book)]) == 1
    captured = capsys.readouterr()
    assert f"--moves move" in captured.out and f"在“{clinic['township']}”有同名的村卫生室" in captured.out
    assert "尚未确认是划转还是新增" in captured.err and digest(county_path) == before
    assert main(["import-excel", str(county_path), str(book), "--moves", "move"]) == 0
    with CountyFile.open(county_path, daily_backup=False) as county:
        assert township_in_year(county, clinic["id"], 2023) == clinic["township"]
        assert township_in_year(county, clinic["id"], 2024) == towns[0]
