"""Text with control and invisible characters, in a workbook coming in and in a county file an
older version (or another tool) wrote: an import sees through a zero-width character to the
institution it names, and every workbook written survives whatever a file holds."""

from __future__ import annotations

from pathlib import Path
import shutil
import unicodedata

from hypothesis import given, strategies as st
import openpyxl
import pytest

from db.county import CountyFile
from reports.excel.export import export_workbook, sheet_text
from reports.excel.importer import plan_import
from reports.excel.template import write_template
from reports.plan.evidence import csv_cell
from tests.crafted import raw

from .excel_books import blank_county_file, county, demo_file, write_book

__all__ = ["blank_county_file", "county", "demo_file"]  # fixtures, used by name

YEAR = 2024
HIDDEN = ["\u200b", "\u200d", "\u200e", "\ufeff", "\u2060", "\u202e"]


def _hidden(text: str) -> set[str]:
    return {ch for ch in text if unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\t\n"}


@given(st.text(alphabet=st.characters(categories=["Cc", "Cf", "Lo", "Zs"]), max_size=40))
def test_any_text_made_sheet_text_is_accepted_by_a_cell(text: str) -> None:
    ws = openpyxl.Workbook().active
    ws["A1"] = sheet_text(text)  # openpyxl raises IllegalCharacterError on what it refuses
    assert not _hidden(ws["A1"].value or "")


@given(st.text(alphabet=st.characters(categories=["Cc", "Cf", "Lo"]), max_size=40))
def test_the_evidence_index_writes_no_control_or_invisible_character(text: str) -> None:
    cell = csv_cell(text)
    assert not _hidden(cell)


def test_the_evidence_index_shows_a_reversed_name_as_its_characters_run() -> None:
    assert csv_cell("照片\u202egpj.exe\x00") == "照片gpj.exe"


@pytest.mark.parametrize("mark", HIDDEN)
def test_an_imported_name_with_an_invisible_character_is_the_institution_already_there(
        county: CountyFile, tmp_path: Path, mark: str) -> None:
    county.insert("institution", {"name": "桃山镇李坡村卫生室", "type": "village_clinic",
                                  "township": "桃山镇"})
    book = write_book(tmp_path / "b.xlsx", {"机构": [
        ["机构名称", "机构类型", "所属乡镇（街道）", "年度", "执业（助理）医师数"],
        [f"桃山镇李坡村{mark}卫生室", "村卫生室", "桃山镇", YEAR, 2]]})
    plan = plan_import(county, book, year=YEAR)
    assert plan.ok and plan.new_institutions == []


def test_an_imported_new_name_is_stored_without_a_direction_override(county: CountyFile,
                                                                     tmp_path: Path) -> None:
    book = write_book(tmp_path / "b.xlsx", {"机构": [
        ["机构名称", "机构类型", "所属乡镇（街道）"], ["桃山\u202e室生卫村", "村卫生室", "桃山镇"]]})
    plan = plan_import(county, book, year=YEAR)
    assert plan.ok and plan.new_institutions == ["桃山室生卫村（村卫生室，桃山镇）"]


@pytest.fixture
def dirty(demo_file: Path, tmp_path: Path) -> Path:
    """The demo county as an older version could have left it: an ESC, BEL, NUL and U+202E in a
    centre's name, a NUL in an activity's title, an ESC in the county's name."""
    path = Path(shutil.copyfile(demo_file, tmp_path / "青河县.tcmcounty"))
    raw(path,
        "UPDATE institution SET name = '桃山镇卫生院' || char(27) || '[2J' || char(7) || char(0) "
        "|| char(8238) WHERE id = (SELECT id FROM institution WHERE type = 'township_hc' "
        "AND township = '桃山镇')",
        "UPDATE activity SET title = '讲座' || char(0) WHERE id = (SELECT id FROM activity "
        f"WHERE date LIKE '{YEAR}%' ORDER BY rowid LIMIT 1)",
        "UPDATE setting SET value = '青河县' || char(27) || '[2J' WHERE id = 'county_name'")
    return path


def _cells(path: Path) -> list[str]:
    book = openpyxl.load_workbook(path)
    return [c for ws in book.worksheets for row in ws.iter_rows(values_only=True)
            for c in row if isinstance(c, str)]


@pytest.mark.parametrize("write", [
    lambda c, out: export_workbook(c, YEAR, out),
    lambda c, out: write_template(c, YEAR, out),
    lambda c, out: write_template(c, YEAR, out, town="桃山镇"),
], ids=["export-excel", "template", "template-town"])
def test_a_workbook_is_written_whatever_text_an_older_file_holds(dirty: Path, tmp_path: Path,
                                                                 write) -> None:
    out = tmp_path / "out.xlsx"
    with CountyFile.open(dirty, daily_backup=False) as county:
        write(county, out)
    cells = _cells(out)
    assert not any(_hidden(c) for c in cells)
    assert any("桃山镇卫生院[2J" in c for c in cells)  # the name, as it shows, still there
    assert any(c.startswith("青河县[2J") for c in cells)


def test_the_review_workbook_is_written_whatever_text_an_older_file_holds(dirty: Path,
                                                                         tmp_path: Path) -> None:
    from desktop.cli import main

    assert main(["review-sample", str(dirty), "--year", str(YEAR), "--seed", "7", "--save"]) == 0
    out = tmp_path / "评审.xlsx"
    assert main(["review-export", str(dirty), "--year", str(YEAR), "-o", str(out)]) == 0
    cells = _cells(out)
    assert cells and not any(_hidden(c) for c in cells)
    assert any(c.startswith("青河县[2J") for c in cells)
