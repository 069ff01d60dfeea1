"""The 现场核查表 of a 模拟现场评审, read back as a reviewer's PC would (pdftotext): one sheet per
sampled institution in route order, the items for its type, the books' figures, boxes and
signature lines."""

from __future__ import annotations

from pathlib import Path
import re
import shutil
import subprocess

import pytest

from db.county import CountyFile
from desktop.cli import main
from reports.judge import review
from reports.judge.review import DISAGREE, Rule

from tests.reports.conftest import YEAR, inst

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="poppler-utils not installed; CI installs them")


def _pages(path: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True,
                          encoding="utf-8", check=True).stdout
    return [re.sub(r"\s+", "", p) for p in text.split("\f") if p.strip()]


def test_one_sheet_per_institution_in_route_order_with_books_and_boxes(
        county: CountyFile, tmp_path: Path) -> None:
    inst(county, "本县中医医院", "county_tcm_hospital",
         {"physicians": 50, "tcm_physicians": 20, "hospital_grade": "2a"}, township="城关镇")
    centre = inst(county, "乙镇卫生院", "township_hc",
                  {"hall_state": "standard", "tech_categories": 6, "tech_items": 11},
                  township="乙镇")
    inst(county, "甲镇一村卫生室", "village_clinic", {"service_place": 0}, township="甲镇")
    rid = review.create_review(county, YEAR, seed=3, rule=Rule(1, 1, 1))
    review.set_finding(county, rid, centre, "A1", DISAGREE, "中医馆挂牌但无诊室")
    county.close()
    out = tmp_path / "核查表.pdf"
    assert main(["review-checklist", str(county.path), "--year", str(YEAR), "-o", str(out)]) == 0
    pages = _pages(out)
    sheets = [p for p in pages if "被检查机构：" in p]
    assert [re.search(r"被检查机构：(.+?)（", p).group(1) for p in sheets] == \
        ["本县中医医院", "甲镇一村卫生室", "乙镇卫生院"]  # hospital, then townships by pinyin
    hospital, clinic, centre_page = sheets
    assert "医院等级：二级甲等" in hospital and "中医类别医师/医师20/50（40%）" in hospital
    # Items worth 0 points (不计分: 二（三）2 场所和设备) are not on it; no 中医馆 at a clinic.
    assert "村卫生室80%以上具备提供中医药服务的场所和设备" not in clinic and "中医馆" not in clinic
    assert "80%以上村卫生室能够规范开展6项以上中医药适宜技术" in clinic
    # Shares of the county's clinics (中医阁 10%, 80% …): a clinic's books fail nothing there.
    assert "中医阁：未填报" in clinic and "台账：不达标" not in clinic
    assert "条目评分项（现场查看）台账记载" in hospital and "编号" not in "".join(pages)
    assert "台账：不达标" in hospital  # 中医类别医师 40% against 60%: the hospital's own figure
    assert "适宜技术6类11项" in centre_page and "中医馆挂牌但无诊室" in centre_page
    whole = "".join(pages)
    assert whole.count("评审人员（签字）") == 3 and whole.count("被检查机构负责人（签字）") == 3
    assert "□" in clinic and "√" in centre_page  # blank boxes; the finding entered is ticked
    assert len(pages) <= 2 * len(sheets)
    # Every page, a loose second one too, names its institution at the foot.
    assert all(re.search(r"第\d家：", p) for p in pages)


def _finish(county: CountyFile, review_id: str) -> None:
    """Every finding the checklists ask for, 符合 where nothing else was entered."""
    from reports.judge import profiles
    from reports.judge.standard import for_county

    std, profile = for_county(county), profiles.active_profile(county)
    sample = review.load(county, review_id)
    for one in sample.sample:
        for item in review.items_for(std, profile, one["type"]):
            if (one["id"], item.id) not in sample.findings:
                review.set_finding(county, review_id, one["id"], item.id, review.AGREE, "")


def test_the_report_appendix_gives_the_latest_complete_review_beside_the_books(
        county: CountyFile, tmp_path: Path) -> None:
    from reports.pdf.report import write_report

    centre = inst(county, "乙镇卫生院", "township_hc", {"hall_state": "standard"},
                  township="乙镇")
    first = review.create_review(county, YEAR, seed=1, rule=Rule(0, 1, 0), name="三月模拟评审")
    rid = review.create_review(county, YEAR, seed=2, rule=Rule(0, 1, 0), name="五月模拟评审")
    review.set_finding(county, rid, centre, "A1", DISAGREE, "中医馆挂牌但无诊室")
    # One finding of many: no result yet, so nothing of it is printed, least of all a score.
    partial = review.score_review(county, rid)
    assert not partial.complete and partial.coverage_text == f"已核查 1/{partial.expected} 项"
    text = "".join(_pages(write_report(county, YEAR, tmp_path / "早.pdf")))
    assert "模拟现场评审" not in text and "模拟评审得分" not in text
    _finish(county, first)
    _finish(county, rid)
    outcome = review.score_review(county, rid)
    assert outcome.complete
    out = write_report(county, YEAR, tmp_path / "报告.pdf")
    text = "".join(_pages(out))
    appendix = text[text.rindex("附件1：模拟现场评审情况"):]
    assert "五月模拟评审按评审专家的方式抽查" in appendix
    assert f"已核查{outcome.expected}/{outcome.expected}项" in appendix
    assert (f"按抽查口径计分（现场核查的项目按抽查结论，其余按台账），模拟评审得分"
            f"{outcome.score.total:g}分") in appendix
    assert f"同期按台账计分{outcome.books_score.total:g}分" in appendix
    assert "种子" not in text  # how the sample was drawn is the clerk's business, not a result
    assert "必备项未达到" in appendix and "二（二）1" in appendix
    assert f"台账与现场不一致（{len(outcome.differences)}处）" in appendix
    assert "中医馆挂牌但无诊室" in appendix
    assert f"整改清单（{len(outcome.fixes)}项）" in appendix and "县卫生健康局" in appendix
    assert "历次已完成的模拟评审得分（按抽查口径）：三月模拟评审" in appendix


def test_a_report_without_a_review_has_no_appendix(county: CountyFile, tmp_path: Path) -> None:
    from reports.pdf.report import write_report

    inst(county, "乙镇卫生院", "township_hc", {"hall_state": "standard"}, township="乙镇")
    text = "".join(_pages(write_report(county, YEAR, tmp_path / "报告.pdf")))
    assert "模拟现场评审" not in text
