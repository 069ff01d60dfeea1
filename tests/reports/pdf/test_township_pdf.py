"""The report of a township's fill-in file (db/exchange.write_township_file): no county score or
verdict, county-level items 由县里汇总 without points, and an 整改清单 of its own institutions only."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
import shutil

import pytest

from db.county import CountyFile
from db.demo import write_demo
from db.exchange import write_township_file
from desktop.cli import main
from reports.judge.evaluation import evaluate
from reports.judge.results import Evaluation
from reports.judge.wording import COUNTY_LEVEL
from reports.pdf.report import write_report

from tests.reports.pdf.test_checklist import _finish
from tests.reports.pdf.test_pdf import NEEDS_POPPLER, flat, flat_text, line_with, text_of

pytestmark = NEEDS_POPPLER

YEAR = 2024
TODAY = _dt.date(2025, 1, 20)
MACHINE = "0" * 32
TOWN = "城关街道"  # B2 未达标 there: an 整改清单 of its own


@pytest.fixture(scope="module")
def town_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("town")
    small = write_demo(folder / "small.tcmcounty", "small")
    with CountyFile.open(small, machine=MACHINE) as county:
        return write_township_file(county, TOWN, folder / f"{TOWN}.tcmcounty")


@pytest.fixture(scope="module")
def evaluation(town_file: Path) -> Evaluation:
    with CountyFile.open(town_file, machine=MACHINE) as county:
        return evaluate(county, YEAR, today=TODAY)


@pytest.fixture(scope="module")
def report(town_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Through the command a township's clerk would run.
    out = tmp_path_factory.mktemp("out") / "r.pdf"
    assert main(["report", str(town_file), "--year", str(YEAR), "-o", str(out)]) == 0
    return out


def _ref(r) -> str:
    from reports.judge.standard import shipped

    item = shipped().for_indicator(r.id)
    return f"{item.code} {item.text}" if item else f"{r.name}（本县指标）"


def test_the_report_opens_with_the_township_sentence_not_a_county_score(report: Path) -> None:
    raw = flat_text(report)
    assert flat(f"本文件是 {TOWN} 的乡镇填报文件：全县得分在县卫生健康局合并各乡镇数据后计算，"
                "本报告只列本乡镇机构的填报和达标情况。") in flat(text_of(report, 3))
    assert flat(f"报送单位：{TOWN}（乡镇填报文件）") in flat(text_of(report, 1))
    assert "自评得分" not in raw
    assert "未达到示范县标准" not in raw
    assert "达到合格线" not in raw


def test_county_level_items_say_by_the_county_without_points(report: Path,
                                                             evaluation: Evaluation) -> None:
    assert {"G01", "H1"} <= evaluation.county_level  # the demo's township: both judged at county
    text = text_of(report)
    # An indicator of the county as a whole, in 指标一览: no status of its own.
    county_ind = next(r for r in evaluation.results if r.id in evaluation.county_level)
    code = evaluation.score.for_indicator(county_ind.id).code
    assert line_with(text, code, COUNTY_LEVEL, around=1), county_ind.id
    # The standard's items: the county's 由县里汇总, no 得分 column at all.
    score = evaluation.score
    assert score is not None
    g01 = score.item("G01")
    assert g01 is not None
    assert line_with(text, g01.code, COUNTY_LEVEL, around=1)
    assert "评分情况" not in flat_text(report)


def test_rectification_lists_only_the_townships_own_items(report: Path,
                                                          evaluation: Evaluation) -> None:
    raw = flat_text(report, 3)
    part = raw[raw.index("存在问题及整改清单"):raw.index("落款") if "落款" in raw else None]
    # G01 (a 必备 item only the county can meet) failed in the township's copy: not its to fix.
    assert "必备项未达到" not in part
    own_unmet = [r for r in evaluation.results
                 if r.met is False and r.id not in evaluation.county_level]
    assert own_unmet, "the demo township should have something of its own to fix"
    for r in own_unmet:
        assert flat(_ref(r)) in part
    for r in evaluation.results:
        if r.id in evaluation.county_level:
            assert flat(_ref(r)) not in part, r.id


def test_the_review_appendix_gives_no_score_in_a_township_file(town_file: Path,
                                                                tmp_path: Path) -> None:
    from reports.judge import review  # only this test draws a review
    copy = tmp_path / "copy.tcmcounty"
    shutil.copyfile(town_file, copy)
    out = tmp_path / "r.pdf"
    with CountyFile.open(copy, machine=MACHINE) as county:
        rid = review.create_review(county, YEAR, seed=5)
        _finish(county, rid)  # only a complete review is printed
        write_report(county, YEAR, out, today=TODAY)
    raw = flat_text(out)
    part = raw[raw.rindex("附件1：模拟现场评审情况"):]
    assert "模拟评审在县里计分" in part
    assert "模拟评审得分" not in part and "按台账计分" not in part
