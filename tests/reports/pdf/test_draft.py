"""Drafts are marked: while an institution counted in the year has not reported or a carried-over
value is unconfirmed, every page says 草稿 and the first section names what is missing; a final
report is refused with the list (exit 2). Unchecked 数据核查 findings are listed in an appendix."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
import re
import shutil
import subprocess

import pytest

from db.county import CountyFile
from db.newyear import confirm_carried, start_new_year
from desktop.cli import main
from reports.judge.checks import find_checks, mark_verified
from reports.pdf.report import DraftRefused, write_report

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="poppler-utils not installed; CI installs them")
TODAY = _dt.date(2025, 1, 20)


def _pages(path: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True,
                          encoding="utf-8", check=True).stdout
    return [re.sub(r"\s+", "", page) for page in text.split("\f") if page.strip()]


def _complete(county: CountyFile, year: int) -> None:
    """Every part the centres must report (visits, techniques and the year's activity log) and
    every other figure an indicator reads of them (the 中医馆's platform, family-doctor teams,
    TCM general practitioners, 西学中): a figure left blank keeps them 未填报."""
    for inst in county.rows("institution"):
        county.set_institution_year(inst["id"], year, {
            "visits": 800, "tcm_visits": 300, "tech_categories": 6, "tech_items": 10,
            "platform_connected": 1, "fd_teams": 2, "fd_teams_tcm": 2, "tcm_gps": 1,
            "west_learn_tcm": 2})
        county.insert("activity", {"institution_id": inst["id"], "date": f"{year}-03-05",
                                   "kind": "健康讲座", "title": "中医药知识讲座", "people": 40,
                                   "tcm_content": 1})


@pytest.fixture
def county(tmp_path: Path):
    c = CountyFile.create(tmp_path / "青石县.tcmcounty", "青石县", machine="0" * 32)
    a = c.insert("institution", {"name": "甲镇卫生院", "type": "township_hc", "township": "甲镇"})
    c.insert("institution", {"name": "乙镇卫生院", "type": "township_hc", "township": "乙镇"})
    c.set_institution_year(a, 2024, {"hall_state": "built", "physicians": 10,
                                     "tcm_physicians": 3, "visits": 1000, "tcm_visits": 300})
    yield c
    c.close()


def test_a_year_with_an_unreported_institution_is_a_draft_on_every_page(county, tmp_path):
    out = write_report(county, 2024, tmp_path / "r.pdf", today=TODAY)
    pages = _pages(out)
    assert len(pages) > 1 and all("草稿" in p for p in pages)
    assert "草稿：本年度数据尚未齐全，不作正式上报" in pages[0]  # the cover
    body = pages[2]  # after the cover and the contents
    assert "本报告为草稿" in body
    assert "尚未填齐本年度数据的机构2家，其中部分填报1家：" in body
    assert "乙镇卫生院（本年度数据均未填报）" in body
    assert "甲镇卫生院（缺适宜技术、宣传活动）" in body


def test_final_is_refused_with_the_list_and_exit_2(county, tmp_path, capsys):
    with pytest.raises(DraftRefused, match="乙镇卫生院"):
        write_report(county, 2024, tmp_path / "f.pdf", today=TODAY, final=True)
    assert not (tmp_path / "f.pdf").exists()
    path = county.path
    county.close()
    assert main(["report", str(path), "--year", "2024", "-o", str(tmp_path / "g.pdf"),
                 "--final"]) == 2
    assert "乙镇卫生院" in capsys.readouterr().err


def test_unconfirmed_carried_values_keep_it_a_draft_until_confirmed(county, tmp_path):
    b = county.rows("institution", "name = ?", ("乙镇卫生院",))[0]["id"]
    county.set_institution_year(b, 2024, {"hall_state": "none", "physicians": 4,
                                          "tcm_physicians": 1, "visits": 500, "tcm_visits": 100})
    start_new_year(county, 2025)
    with pytest.raises(DraftRefused, match="沿用上年数据尚未确认的机构 2 家"):
        write_report(county, 2025, tmp_path / "f.pdf", today=TODAY, final=True)
    confirm_carried(county, 2025)
    _complete(county, 2025)
    out = write_report(county, 2025, tmp_path / "ok.pdf", today=TODAY, final=True)
    assert not any("草稿" in p for p in _pages(out))


def test_unchecked_findings_are_in_the_appendix_and_checked_ones_are_not(county, tmp_path):
    a = county.rows("institution", "name = ?", ("甲镇卫生院",))[0]["id"]
    county.set_institution_year(a, 2023, {"hall_state": "standard", "visits": 3000,
                                          "tcm_visits": 900})
    kinds = {f.kind: f for f in find_checks(county, 2024)}
    assert {"visits", "tcm_visits", "hall_state"} <= set(kinds)
    mark_verified(county, kinds["visits"], "2024年分院划出")
    text = "".join(_pages(write_report(county, 2024, tmp_path / "r.pdf", today=TODAY)))
    appendix = text[text.index("附件1：数据核查情况"):]
    assert "中医馆达标情况倒退" in appendix and "中医诊疗人次翻倍或减半" in appendix
    # Checked (counted 0 among those still open) and never listed: it was verified.
    assert "总诊疗人次翻倍或减半0" in appendix and "2024年分院划出" not in appendix
    assert appendix.count("总诊疗人次翻倍或减半") == 2  # what was checked, and its count
    # Where the whole list is kept: the bureau's, shown on request, not a sheet to look up.
    assert "由县卫生健康局留存（本年度数据导出表中的“数据核查”表），评审时可备查" in appendix
    assert "标记已核实" not in text  # no instructions to the clerk in print


def test_a_year_with_no_data_is_never_final(tmp_path, capsys):
    path = tmp_path / "白水县.tcmcounty"
    assert main(["new", str(path), "--county", "白水县"]) == 0
    assert main(["report", str(path), "--year", "2024", "-o", str(tmp_path / "f.pdf"),
                 "--final"]) == 2
    assert "文件中没有2024年度的任何数据" in capsys.readouterr().err
    assert not (tmp_path / "f.pdf").exists()
    assert main(["report", str(path), "--year", "2024", "-o", str(tmp_path / "d.pdf")]) == 0
    pages = _pages(tmp_path / "d.pdf")
    assert all("草稿" in p for p in pages) and "文件中没有2024年度的任何数据" in "".join(pages)


def test_blank_staff_keeps_the_report_a_draft_naming_what_is_missing(county, tmp_path):
    _complete(county, 2024)
    county.set_institution_year(county.rows("institution", "name = ?", ("乙镇卫生院",))[0]["id"],
                                2024, {"hall_state": "built"})
    b = county.rows("institution", "name = ?", ("乙镇卫生院",))[0]["id"]
    county.set_institution_year(b, 2024, {"physicians": None, "tcm_physicians": None})
    with pytest.raises(DraftRefused, match="乙镇卫生院（缺人员）"):
        write_report(county, 2024, tmp_path / "f.pdf", today=TODAY, final=True)
    county.set_institution_year(b, 2024, {"physicians": 4, "tcm_physicians": 1})
    out = write_report(county, 2024, tmp_path / "ok.pdf", today=TODAY, final=True)
    assert not any("草稿" in p for p in _pages(out))
