"""The 模拟现场评审 workbook: score, findings with the books beside them, differences, 整改."""

from __future__ import annotations

from pathlib import Path
import re

import openpyxl

from db.county import CountyFile
from desktop.cli import main
from reports.judge import review
from reports.judge.review import DISAGREE, Rule

from tests.reports.conftest import YEAR, inst
from tests.reports.pdf.test_checklist import _finish


def test_review_export_writes_score_findings_differences_and_fixes(
        county: CountyFile, tmp_path: Path) -> None:
    centre = inst(county, "乙镇社区卫生服务中心", "chc", {"hall_state": "standard"},
                  township="乙镇")
    station = inst(county, "乙镇一社区卫生服务站", "chs",
                   {"service_place": 1, "tech_categories": 4, "tech_items": 8},
                   township="乙镇", parent_id=centre)
    rid = review.create_review(county, YEAR, seed=9, rule=Rule(0, 1, 1))
    review.set_finding(county, rid, station, "B2", DISAGREE, "无针灸床")
    county.close()
    out = tmp_path / "模拟评审.xlsx"
    assert main(["review-export", str(county.path), "--year", str(YEAR), "-o", str(out)]) == 0
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["模拟评审得分", "现场结论", "台账与现场不一致", "整改清单", "历次模拟评审"]
    rows = lambda name: [[c for c in r] for r in book[name].iter_rows(min_row=3, values_only=True)]
    # One finding of several: coverage in the title, no simulated points.
    title = book["模拟评审得分"]["A1"].value
    assert "已核查 1/" in title and "现场结论录完后计模拟评审得分" in title
    # The reviewers' 条目 first, never the program's ids (G01, B2).
    assert [c.value for c in book["模拟评审得分"][2]][:2] == ["条目", "评分内容"]
    assert all(re.fullmatch(r"[一二三四]（[一二三四]）\d+", r[0]) for r in rows("模拟评审得分"))
    b2 = next(r for r in rows("模拟评审得分") if r[0] == "三（一）2")
    assert b2[5] is None and "1 家不符合" in b2[6]
    found = [r for r in rows("现场结论") if r[2] == "乙镇一社区卫生服务站" and r[4] == "三（一）2"]
    assert found[0][7:10] == ["符合", "不符合", "无针灸床"]
    assert rows("台账与现场不一致")[0][:2] == ["乙镇", "乙镇一社区卫生服务站"]
    fix = rows("整改清单")[0]
    assert fix[1] == "乙镇一社区卫生服务站" and fix[5:7] == ["乙镇一社区卫生服务站", "乙镇社区卫生服务中心"]
    assert fix[4] == "无针灸床"
    assert rows("历次模拟评审")[0][7] == "未录完" and rows("历次模拟评审")[0][5] is None
    with CountyFile.open(county.path) as again:
        _finish(again, rid)
    assert main(["review-export", str(county.path), "--year", str(YEAR), "-o", str(out)]) == 0
    book = openpyxl.load_workbook(out)
    assert "模拟评审得分（按抽查口径）" in book["模拟评审得分"]["A1"].value
    b2 = next(r for r in rows("模拟评审得分") if r[0] == "三（一）2")
    assert b2[5] == 2.5  # 3 less 0.5 for the one station found 不符合
    # An item the standard gives no points reads 不计分 in all three point columns, never 0
    schools = next(r for r in rows("模拟评审得分") if r[0] == "四（二）3")
    assert schools[3:6] == ["不计分", "不计分", "不计分"]
    assert rows("历次模拟评审")[0][7] == "未通过"
