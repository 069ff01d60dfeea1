"""The report's 整改清单 in the 达标路径's order: what reaches the pass mark first comes first."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
import re
import shutil
import subprocess

import pytest

from db.county import CountyFile
from db.demo import write_demo
from reports.judge.evaluation import evaluate
from reports.pdf.report import write_report
from reports.plan.path import plan, rectification_order

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="poppler-utils (pdftotext) not installed")
TODAY = _dt.date(2025, 1, 20)


def test_the_rectification_list_follows_the_path(tmp_path: Path) -> None:
    path = write_demo(tmp_path / "青河县.tcmcounty", "small")
    out = tmp_path / "报告.pdf"
    with CountyFile.open(path) as county:
        write_report(county, 2024, out, today=TODAY)
        evaluation = evaluate(county, 2024, today=TODAY)
        order = rectification_order(county, evaluation, TODAY)
        steps = plan(county, 2024, today=TODAY, evaluation=evaluation)
    # A statistic (0 points, 不计分) is never in the 整改清单, whatever its reference target.
    unmet = [r.id for r in evaluation.results if r.met is False and not r.statistic]
    expected = sorted(unmet, key=lambda i: order.get(i, len(order)))
    # The path's order as the plan gives it: G01 first (必备), then B13 before B2 and D5.
    items = steps.order_of_items()
    assert items[0] == "G01" and order["G01"] == 0
    assert items.index("B13") < items.index("B2") < items.index("D5")
    text = re.sub(r"\s+", "", subprocess.run(["pdftotext", "-raw", str(out), "-"],
                                             capture_output=True, text=True, encoding="utf-8",
                                             check=True).stdout)
    part = text[text.rindex("存在问题及整改清单"):]
    assert "按达标路径排序（先做的在前）" in part
    table = part[part.index("项指标未达标"):]
    # Rows name an indicator by the standard's item number and its words (二（二）2社区卫生服务
    # 中心、乡镇卫生院中医馆达到标准化建设要求…).
    codes = {i.indicator: i.code + i.text for i in evaluation.score.items if i.indicator}
    names = {r.id: re.sub(r"\s+", "", codes[r.id]) for r in evaluation.results
             if r.id in codes}
    found = sorted(unmet, key=lambda i: table.index(names[i]))
    assert found == expected, (found, expected)
    # The items done at the county (plans, funding … judged from the tasks and their evidence)
    # are in the list too, after the indicators, in the path's order: G05 and G06 first.
    items = part[part.index("不按指标计算的评分项"):]
    assert "一（二）1建立持续稳定的中医药发展多元投入机制" in items
    assert items.index("一（二）1") < items.index("一（二）2") < items.index("一（一）3")
    assert "按期完成对应任务，并形成佐证材料" in items and "G05" not in items



def test_the_rectification_list_prints_what_the_path_arranged(tmp_path: Path) -> None:
    """达标路径's 安排 (责任人, 完成时限) stands in the 整改清单's 完成时限 column; an item nothing
    was arranged for keeps the blank to write in."""
    from reports.plan import arranged

    path = write_demo(tmp_path / "青河县.tcmcounty", "small")
    out = tmp_path / "报告.pdf"
    with CountyFile.open(path) as county:
        arranged.store(county, 2024, "G01", "G01", None, None,
                       {"person": "李明", "due_date": "2027-01-06"})
        arranged.store(county, 2024, "G05", "G05", None, None,
                       {"person": "王芳", "due_date": None})  # 待补全: not printed
        write_report(county, 2024, out, today=TODAY)
    text = re.sub(r"\s+", "", subprocess.run(["pdftotext", "-raw", str(out), "-"],
                                             capture_output=True, text=True, encoding="utf-8",
                                             check=True).stdout)
    part = text[text.index("存在问题及整改清单", text.index("五、存在问题")):]
    assert "2027年1月6日李明" in part  # as an official document writes a date
    assert "王芳" not in part
    assert "完成时限及责任人为达标路径中已安排的" in part
