"""多县汇总 with what a city's folder really holds: a county that has entered nothing yet (无数据,
never 0 分, and out of every count and average), two counties of one name (told apart by their
files), a folder given as “.”, and items that only count (D8, D9: no share of counties passing)."""

from __future__ import annotations

import datetime as _dt
import os
from pathlib import Path

import openpyxl
import pytest

from db.county import CountyFile
from db.demo import write_demo
from desktop.cli import main
from reports.excel.rollup import write_rollup
from reports.judge import rollup as R

from tests.reports.judge.test_rollup import county_copy

YEAR = 2024
TODAY = _dt.date(2025, 3, 1)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_demo(tmp_path_factory.mktemp("demo") / "demo.tcmcounty", "small")


@pytest.fixture
def folder(demo: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "各县"
    folder.mkdir()
    county_copy(demo, folder / "新区（卫健局）.tcmcounty", "新区", "a" * 32)
    county_copy(demo, folder / "新区（开发区）.tcmcounty", "新区", "b" * 32, weaken=12)
    CountyFile.create(folder / "丁县.tcmcounty", "丁县").close()  # made, nothing entered yet
    return folder


def test_an_empty_county_is_no_data_and_out_of_every_count(folder: Path) -> None:
    r = R.rollup(folder, YEAR, today=TODAY)
    empty = next(c for c in r.counties if c.county == "丁县")
    assert not empty.has_data and empty.change is None
    assert empty.status_line(r.columns) == (
        "无数据：2024 年尚无任何数据（本文件还没有任何年度的数据），不计入汇总的平均分和各项统计。")
    assert "与上年持平" not in empty.status_line(r.columns)
    counted = [c for c in r.counties if c.has_data]
    assert len(counted) == 2 and r.with_data == counted
    assert r.mean == pytest.approx(sum(c.total for c in counted) / 2)
    assert r.veto_clear <= 2
    a1 = next(s for s in r.shares() if s.column.id == "A1")
    assert a1.judged == 2  # the empty county is not a county that fails A1
    assert "（其中 1 个本年度无数据，不计入统计）" in r.summary_text()
    assert "本年度无数据：丁县。" in r.summary_text()


def test_two_counties_of_one_name_show_their_files(folder: Path) -> None:
    r = R.rollup(folder, YEAR, today=TODAY)
    shown = sorted(c.shown for c in r.counties)
    assert shown == ["丁县", "新区（新区（卫健局）.tcmcounty）", "新区（新区（开发区）.tcmcounty）"]
    assert [c["label"] for c in R.to_dict(r)["counties"] if c["county"] == "丁县"] == ["丁县"]


def test_items_that_only_count_have_no_share_of_counties(folder: Path) -> None:
    r = R.rollup(folder, YEAR, today=TODAY)
    shares = {s.column.id: s for s in r.shares()}
    for item in ("D8", "D9"):
        assert shares[item].judged == 0 and shares[item].share is None
        assert shares[item].share_text == "只统计，不计分"
    assert shares["A1"].share_text.endswith("/2 县")
    assert all(s.column.id not in ("D8", "D9") for s in r.weakest(60))


def test_item_headers_carry_the_items_words(folder: Path) -> None:
    columns = {c.id: c for c in R.rollup(folder, YEAR, today=TODAY).columns}
    assert columns["A1"].header == "A1★\n中医馆设置率"
    assert columns["G01"].header.startswith("G01★\n将中医药工作纳")
    assert columns["G01"].header.endswith("…") and len(columns["G01"].name) == R.HEADER_WORDS


def test_the_workbook_says_no_data_and_names_the_items(folder: Path, tmp_path: Path) -> None:
    out = write_rollup(R.rollup(folder, YEAR, today=TODAY), tmp_path / "汇总.xlsx")
    book = openpyxl.load_workbook(out)
    scores = {row[1]: row for row in book["各县得分"].iter_rows(min_row=3, values_only=True)
              if row[1]}
    assert scores["丁县"][4] == "无数据" and scores["丁县"][7] == "无数据"
    assert "新区（新区（开发区）.tcmcounty）" in scores
    matrix = book["得分矩阵"]
    headers = [c.value for c in matrix[2]]
    assert "A1★\n中医馆设置率" in headers
    shares = {row[2]: row for row in book["各项达标县数"].iter_rows(min_row=3, values_only=True)}
    assert shares["D8"][6:11] == (None, None, None, None, "只统计，不计分")
    assert shares["A1"][7] == 2


def test_a_folder_given_as_dot_is_named_on_the_cover(folder: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    pdf = pytest.importorskip("tests.reports.pdf.test_rollup_pdf")
    monkeypatch.chdir(folder)
    out = tmp_path / "汇总.pdf"
    assert main(["rollup", ".", "--year", str(YEAR), "-o", str(out)]) == 0
    capsys.readouterr()
    text = pdf.flat_text(out)
    assert "文件夹“各县”" in text and "文件夹“”" not in text
    assert "0%（0/3" not in text and "0/3" not in text
    assert "1个本年度无数据" in text and "2024年度无数据的1个县（区）：丁县" in text
    assert os.path.isfile(out)
