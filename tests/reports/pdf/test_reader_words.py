"""What the printed reports call things is the reviewers' word: an indicator or item is the
standard's 条目 (二（一）6), never the program's own id (B8, G05, H1) nor its letters A–D for the
parts. Read from the whole text of a report as a reviewer's PC reads it (pdftotext), with
evidence of every kind, a complete 模拟评审 and an indicator the standard does not list."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import pytest

from db.county import CountyFile
from db.demo import write_demo
from reports.judge import review
from reports.judge import standard as standards
from reports.judge.review import Rule
from reports.pdf.report import write_report

from tests.internal_ids import internal_ids
from tests.reports.pdf.test_checklist import _finish
from tests.reports.pdf.test_pdf import NEEDS_POPPLER, flat, flat_text, run

pytestmark = NEEDS_POPPLER

YEAR = 2024
TODAY = _dt.date(2025, 1, 20)
MACHINE = "0" * 32
UNLISTED = "B8"  # 医联体覆盖人口比例: taken out of the county's standard below


def test_the_pattern_finds_our_ids_and_leaves_the_standards_codes() -> None:
    assert internal_ids("1 指标 B8 医联体覆盖人口比例 2024") and internal_ids("G05★ 0.0%")
    assert internal_ids("A. 服务网络：中医馆 / 中医阁") and internal_ids("未达到：G01（一（一）1）")
    assert not internal_ids("二（一）6 医联体覆盖人口比例 120,209 / 316,340 2024年 Excel B超室")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("words")
    path = write_demo(folder / "small.tcmcounty", "small")
    with CountyFile.open(path, machine=MACHINE) as county:
        # A province's standard without the 医联体 item: B8 is then the county's own indicator.
        raw = standards.for_county(county).to_dict()
        for section in raw["sections"]:
            section["items"] = [i for i in section["items"] if i["id"] != UNLISTED]
        raw.pop("total", None)  # 2 points fewer
        standards.store(county, standards.parse(raw))
        # Evidence of every kind: an indicator with an item, one without, a governance item,
        # a task and an activity.
        for item, name in (("A1", "中医馆名单.pdf"), (UNLISTED, "医联体协议.pdf"),
                           ("G05", "经费文件.pdf")):
            county.add_evidence(name, item.encode(), owner_table="indicator", indicator_id=item,
                                year=YEAR)
        task = county.rows("task")[0]
        county.add_evidence("任务纪要.pdf", b"task", owner_table="task", owner_id=task["id"])
        activity = county.query("SELECT id FROM activity WHERE deleted = 0 LIMIT 1")[0]
        county.add_evidence("活动照片.jpg", b"photo", owner_table="activity",
                            owner_id=activity["id"], year=YEAR)
        # A finished 模拟评审: its appendix names items too.
        rid = review.create_review(county, YEAR, seed=3, rule=Rule(1, 2, 2), name="模拟评审")
        _finish(county, rid)
        return write_report(county, YEAR, folder / "自评报告.pdf", today=TODAY)


def test_no_page_of_the_report_prints_an_internal_id(report: Path) -> None:
    text = run("pdftotext", "-raw", report, "-")
    assert "佐证材料目录" in text and "模拟现场评审情况" in text  # the parts that used to
    assert internal_ids(text) == []


def test_the_evidence_list_names_items_by_the_standard_and_says_which_it_does_not_list(
        report: Path) -> None:
    index = flat_text(report).split("佐证材料目录")[1].split("五、存在问题及整改清单")[0]
    assert flat("二（二）1 中医馆设置率") in index
    assert flat("一（二）1 建立持续稳定的中医药发展多元投入机制") in index
    assert flat("医联体覆盖人口比例（本县指标）") in index
    # in the standard's order: 一（二）1 before 二（二）1, the unlisted one after both
    assert (index.index(flat("一（二）1")) < index.index(flat("二（二）1"))
            < index.index("医联体覆盖人口比例"))


def test_the_city_summary_prints_no_internal_id(tmp_path: Path) -> None:
    from reports.judge.rollup import rollup
    from reports.pdf.rollup import write_rollup_report
    from tests.reports.judge.test_rollup import county_copy

    demo = write_demo(tmp_path / "demo.tcmcounty", "small")
    folder = tmp_path / "各县"
    folder.mkdir()
    county_copy(demo, folder / "东安县.tcmcounty", "东安县", "a" * 32)
    county_copy(demo, folder / "西平县.tcmcounty", "西平县", "b" * 32, weaken=12)
    out = write_rollup_report(rollup(folder, YEAR, today=TODAY), tmp_path / "汇总.pdf")
    text = run("pdftotext", "-raw", out, "-")
    assert "未达到：一（一）1" in text  # the 必备 item the demo misses, by its 条目
    assert internal_ids(text) == []


def test_a_years_report_lists_that_years_evidence(tmp_path: Path) -> None:
    """The 2024 binder holds 2024's evidence (and what belongs to no year, and the creation
    tasks'): not a 2023 item's file, nor the photos of a 2023 activity."""
    from reports.pdf.data import gather

    path = write_demo(tmp_path / "small.tcmcounty", "small")
    with CountyFile.open(path, machine=MACHINE) as county:
        for year, name in ((2023, "2023年名单.pdf"), (2024, "2024年名单.pdf"), (None, "长期文件.pdf")):
            county.add_evidence(name, b"x", owner_table="indicator", indicator_id="A1", year=year)
        old, new = (county.query("SELECT id FROM activity WHERE deleted = 0 AND date LIKE ? "
                                 "LIMIT 1", (f"{y}-%",))[0]["id"] for y in (2023, 2024))
        county.add_evidence("2023活动.jpg", b"x", owner_table="activity", owner_id=old)
        county.add_evidence("2024活动.jpg", b"x", owner_table="activity", owner_id=new)
        task = county.rows("task")[0]
        county.add_evidence("任务纪要.pdf", b"x", owner_table="task", owner_id=task["id"])
        data = gather(county, YEAR, None, TODAY, lambda _step: None)
        files = {e.filename for e in data.evidence}
    assert {"2024年名单.pdf", "长期文件.pdf", "2024活动.jpg", "任务纪要.pdf"} <= files
    assert not files & {"2023年名单.pdf", "2023活动.jpg"}


def test_a_profile_without_the_activity_minimums_says_so_in_words(tmp_path: Path) -> None:
    """A county's profile that does not judge 宣传栏更换 … 健康讲座 (the standard's 四（一）1–5):
    the report says which requirements it leaves out, by their words, not by D1–D5."""
    from reports.judge import profiles

    path = write_demo(tmp_path / "small.tcmcounty", "small")
    with CountyFile.open(path, machine=MACHINE) as county:
        mine = profiles.copy_profile(county, profiles.active_profile(county).id, "不考核宣传次数")
        profiles.update_profile(county, mine.id, {"indicators": {
            ind: {"on": False} for ind in ("D1", "D2", "D3", "D4", "D5")}})
        profiles.set_active(county, mine.id)
        out = write_report(county, YEAR, tmp_path / "自评报告.pdf", today=TODAY)
    text = run("pdftotext", "-raw", out, "-")
    assert flat("本目标方案未考核宣传栏更换、健康咨询、文字资料、音像资料、健康讲座") in flat(text)
    assert internal_ids(text) == []
