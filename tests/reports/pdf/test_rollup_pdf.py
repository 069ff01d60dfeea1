"""The city-level 多县汇总报告 read as a reviewer's PC reads it: cover, summary, the counties'
scores, the weakest items with the counties behind them, a line per county, the files left out."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
import re
import shutil
import subprocess

import pytest

from db.demo import write_demo
from reports.judge.rollup import rollup
from reports.pdf.rollup import write_rollup_report
from tests.reports.judge.test_rollup import county_copy, digests

pytestmark = pytest.mark.skipif(
    any(shutil.which(t) is None for t in ("pdftotext", "pdffonts")),
    reason="poppler-utils (pdffonts, pdftotext) not installed; CI installs them")

YEAR = 2024


@pytest.fixture(scope="module")
def demo_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_demo(tmp_path_factory.mktemp("demo") / "demo.tcmcounty", "small")


def flat_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True,
                         encoding="utf-8", check=True).stdout
    return re.sub(r"\s+", "", out)


def test_the_city_summary_reads_as_a_report(demo_master: Path, tmp_path: Path) -> None:
    folder = tmp_path / "各县"
    folder.mkdir()
    county_copy(demo_master, folder / "东安县.tcmcounty", "东安县", "a" * 32)
    county_copy(demo_master, folder / "西平县.tcmcounty", "西平县", "b" * 32, weaken=12)
    (folder / "说明.txt").write_text("不是数据文件", encoding="utf-8")
    before = digests(folder)
    result = rollup(folder, YEAR, today=_dt.date(2025, 3, 1))
    out = write_rollup_report(result, tmp_path / "汇总.pdf")
    assert digests(folder) == before

    text = flat_text(out)
    assert "多县汇总报告（2024年度）" in text
    assert "汇总2个县（区）" in text
    for heading in ("一、总体情况", "二、各县得分", "三、各评分项达标情况", "四、薄弱环节",
                    "五、各县情况一览", "六、未计入汇总的文件"):
        assert heading in text
    for row in result.counties:
        assert re.sub(r"\s+", "", row.status_line(result.columns)) in text
    weakest = result.weakest()[0]
    assert weakest.column.code in text.split("四、薄弱环节")[1]
    assert "说明.txt" in text.split("六、未计入汇总的文件")[1]
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True,
                           check=True).stdout
    assert all(" yes " in line for line in fonts.splitlines()[2:])  # every font embedded
