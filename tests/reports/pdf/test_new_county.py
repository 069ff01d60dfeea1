"""The 自评报告 of a county like a clerk's first one: no 社区卫生服务站 at all, its first year (the
year before has no data), and a centre that has not yet reported its physicians. Read back as a
reviewer's PC reads it (pdftotext)."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
import re

import pytest

from db.county import CountyFile
from db.demo import write_demo
from reports.judge.evaluation import evaluate
from reports.judge.results import Evaluation
from reports.pdf.report import write_report
from reports.pdf.sections import shown

from tests.reports.pdf.test_pdf import NEEDS_POPPLER, flat, flat_text, run

pytestmark = NEEDS_POPPLER

FIRST = 2022  # the demo county's first year: nothing in 2021
TODAY = _dt.date(2023, 1, 20)
MACHINE = "0" * 32
CENTRE = "平场镇卫生院"


def without_stations(path: Path) -> None:
    """The demo county with every 社区卫生服务站 deleted (a county that has none) and one
    centre's physicians and techniques of the first year not yet reported."""
    with CountyFile.open(path, machine=MACHINE) as county:
        for inst in county.rows("institution", "type = 'chs'"):
            for year in county.rows("institution_year", "institution_id = ?", (inst["id"],)):
                county.delete("institution_year", year["id"])
            county.delete("institution", inst["id"])
        centre = county.rows("institution", "name = ?", (CENTRE,))[0]
        county.set_institution_year(centre["id"], FIRST, {"tcm_physicians": None,
                                                          "tech_items": None,
                                                          "tech_categories": None})


@pytest.fixture(scope="module")
def county_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = write_demo(tmp_path_factory.mktemp("new") / "no-stations.tcmcounty", "small")
    without_stations(path)
    return path


@pytest.fixture(scope="module")
def evaluation(county_file: Path) -> Evaluation:
    with CountyFile.open(county_file, machine=MACHINE) as county:
        return evaluate(county, FIRST, today=TODAY)


@pytest.fixture(scope="module")
def report(county_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("new-pdf") / "report.pdf"
    with CountyFile.open(county_file, machine=MACHINE) as county:
        write_report(county, FIRST, out, today=TODAY)
    return out


def _part(text: str, start: str, end: str) -> str:
    """The text from the heading `start` (its second occurrence: the first is the contents
    list) to the heading `end`."""
    at = [m.start() for m in re.finditer(re.escape(start), text)][-1]
    return text[at:text.index(end, at)]


def test_a_pending_indicator_reads_待填报_in_its_parts_table_as_in_the_list(
        report: Path, evaluation: Evaluation) -> None:
    """Its value (of those that reported) beside 待填报, never beside 无数据; and the part's
    sentence counts what its table shows."""
    pending = [r for r in evaluation.results if r.pending and r.value is not None]
    assert pending, "the centre's missing figures should leave an indicator waiting"
    text = flat_text(report)
    for r in pending:
        value = shown(r.kind, r.value)
        assert f"{value}待填报" in text, r.id
        assert f"{value}无数据" not in text, r.id
    # 三（三）'s staffing indicators are detailed under the standard's 三、服务能力与人员配备.
    part = _part(text, "（三）服务能力与人员配备", "（四）中医药文化建设与群众满意")
    section = {i.indicator: i.section for i in evaluation.score.items if i.indicator}
    waiting = sum(1 for r in pending if section[r.id] == "三")
    no_value = sum(1 for r in evaluation.results if section[r.id] == "三" and r.value is None)
    assert f"待填报{waiting}项，无数据{no_value}项" in part
    # The detail table's 达标情况 cells: exactly as many 无数据 as the sentence says.
    table = part[part.index("序号指标计算方法"):]
    assert len(re.findall(r"0/0无数据无数据", table)) == no_value


def test_a_first_year_is_compared_with_no_year_before(report: Path) -> None:
    """2021 holds no data: no 2021 column of 无数据 in 一 or in 指标一览, no “+26 / −37”
    changes, and it is said once in 一 that there is nothing to compare with."""
    text = flat_text(report)
    assert f"{FIRST - 1}年" not in text
    assert text.count("暂无与上年对比") == 1
    assert f"文件中没有{FIRST}年度以前的数据，暂无与上年对比。" in text
    layout = run("pdftotext", "-layout", report, "-")
    assert not re.search(r"^\s*无数据\s+\d+\s+\d+\s+[-+]\d+", layout, re.M)


def test_a_year_after_an_empty_year_is_not_compared_with_it(county_file: Path,
                                                           tmp_path: Path) -> None:
    """Data in 2022–2024, none in 2025: 2026 has no 上年 (its previous values are all None),
    while 2024 has 2023."""
    with CountyFile.open(county_file, machine=MACHINE) as county:
        assert evaluate(county, 2024, today=TODAY).previous_year == 2023
        later = evaluate(county, 2026, today=TODAY)
    assert later.previous_year is None
    assert all(r.previous_value is None for r in later.results)


def test_no_institution_of_the_kind_is_said_so_not_asked_for(report: Path,
                                                            evaluation: Evaluation) -> None:
    """No 社区卫生服务站: their indicators stay 无数据 (never a pass) and the last part says why
    and what switching them off does, instead of asking for data that cannot exist."""
    stations = [r for r in evaluation.results if r.id in ("A8", "B2", "C3")]
    assert all(r.value is None and r.met is None and r.no_institution for r in stations)
    assert evaluation.score is not None
    assert all(evaluation.score.for_indicator(r.id).points == 0 for r in stations)
    text = flat_text(report)
    rectification = text[[m.start() for m in re.finditer("存在问题及整改清单", text)][-1]:]
    asked = re.search(r"请补充填报：([^。]*)。", rectification)
    assert asked is None or "社区卫生服务站" not in asked.group(1)
    # (a page break may fall inside the sentence: its page foot and head come between)
    rectification = re.sub(r"第\d+页共\d+页(草稿)?青河县.{0,40}?\d{4}年度(（草稿）)?", "",
                           rectification)
    assert "本县没有社区卫生服务站，这些指标无从统计；如本省评分办法对没有此类机构的县不考核这些指标" \
        in rectification
    assert ("可在“目标设置”中取消这些指标的“考核”（取消后不计入评分：满分减去这些指标的分值，"
            "合格线按比例相应降低）。") in rectification
    assert "无数据（本县没有社区卫生服务站）" in text
    assert flat("三（一）2 社区卫生服务站能够规范开展6项以上中医药适宜技术") in rectification
    # A statistic (二（三）1, 0 points) has nothing to switch off: not in that sentence.
    assert "二（三）1" not in rectification
