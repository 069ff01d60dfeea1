"""A 模拟现场评审 as a workbook, ready to print: the score item by item (模拟评审得分 beside the
books' points), every finding with what the books say, 台账与现场不一致, the 整改 list per
institution, and the year's reviews compared.

    tcmcounty review-export FILE --year Y -o 模拟评审.xlsx
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from db.vocab import INSTITUTION_TYPES

from reports.excel.export import Out, save_atomically, write_table
from reports.judge import review as rv
from reports.judge.evaluation import evaluate
from reports.judge.results import UNSCORED, ItemScore

if TYPE_CHECKING:
    from db.county import CountyFile

SCORE_SHEET, FINDINGS_SHEET, DIFF_SHEET, FIX_SHEET, COMPARE_SHEET = (
    "模拟评审得分", "现场结论", "台账与现场不一致", "整改清单", "历次模拟评审")


def export_review(county: CountyFile, review_id: str, out_path: str | os.PathLike[str]) -> Path:
    """Write the review's workbook; returns the path."""
    import openpyxl

    r0 = rv.load(county, review_id)
    ev = evaluate(county, r0.year)
    outcome = rv.score_review(county, review_id, ev)
    r, sheets = rv.sheets(county, review_id, ev)
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = SCORE_SHEET
    s, b = outcome.score, outcome.books_score
    if outcome.complete:
        head = (f"{county.county_name} {r.name}（抽签号 {r.seed}）：{outcome.coverage_text}，"
                f"模拟评审得分（按抽查口径）{s.total:g} 分 / 满分 {s.max:g} 分，合格线 "
                f"{s.pass_mark:g} 分，{'通过' if s.passed else '未通过'}；按台账 {b.total:g} 分")
    else:
        # Part of the findings is no result: coverage, and no simulated points anywhere.
        head = (f"{county.county_name} {r.name}（抽签号 {r.seed}）：{outcome.coverage_text}，"
                "现场结论录完后计模拟评审得分")
    write_table(ws, head, [Out("条目", 11), Out("评分内容", 48), Out("必备", 6),
                           Out("分值", 7), Out("台账得分", 9), Out("模拟评审得分", 11),
                           Out("依据", 36)],
                (_score_row(i, bi, outcome.complete)
                 for i, bi in ((i, b.item(i.id)) for i in s.items)), wrap=(2, 7))
    findings = book.create_sheet(FINDINGS_SHEET)
    write_table(findings, f"{r.name} 现场结论（{len(sheets)} 家，路线顺序）",
                [Out("序号", 6), Out("乡镇（街道）", 12), Out("机构", 26), Out("机构类型", 14),
                 Out("条目", 11), Out("评分项", 40), Out("台账记载", 36), Out("台账判断", 9),
                 Out("现场结论", 9), Out("备注", 30), Out("照片", 6)],
                ([k, sh.inst["township"], sh.inst["name"],
                  INSTITUTION_TYPES.get(sh.inst["type"], ""), ln.item.code, ln.text,
                  ln.book.text, ln.book.verdict or _COUNTED.get(ln.book.claims),
                  ln.verdict or "未录入", ln.note,
                  ln.photos or None]
                 for k, sh in enumerate(sheets, start=1) for ln in sh.lines),
                wrap=(6, 7, 10))
    diffs = book.create_sheet(DIFF_SHEET)
    write_table(diffs, f"台账与现场不一致（{len(outcome.differences)} 处）",
                [Out("乡镇（街道）", 12), Out("机构", 26), Out("条目", 11), Out("评分项", 40),
                 Out("台账", 40), Out("现场", 9), Out("现场备注", 30)],
                ([d.township, d.institution, d.item_code, d.item_text, d.books, d.found, d.note]
                 for d in outcome.differences), wrap=(4, 5, 7))
    fixes = book.create_sheet(FIX_SHEET)
    write_table(fixes, f"整改清单（{len(outcome.fixes)} 项）",
                [Out("乡镇（街道）", 12), Out("机构", 26), Out("条目", 11), Out("整改内容", 44),
                 Out("现场情况", 30), Out("责任单位", 22), Out("督导单位", 22), Out("完成情况", 12)],
                ([f.township, f.institution, f.item_code, f.what, f.note, f.responsible,
                  f.supervisor, None] for f in outcome.fixes), wrap=(4, 5))
    compare = book.create_sheet(COMPARE_SHEET)
    write_table(compare, f"{r.year}年历次模拟评审",
                [Out("评审", 24), Out("评审日期", 12), Out("抽签号", 10), Out("抽查机构", 9),
                 Out("已录入结论", 10), Out("模拟评审得分", 12), Out("合格线", 8), Out("是否通过", 9),
                 Out("必备项未达到", 24), Out("台账与现场不一致", 14)],
                ([row["name"], row["review_date"], row["seed"], len(o.review.sample),
                  f"{o.entered} / {o.expected}", o.score.total if o.complete else None,
                  o.score.pass_mark,
                  ("通过" if o.passed else "未通过") if o.complete else "未录完",
                  "、".join(i.code for i in o.score.veto_failures), len(o.differences)]
                 for row, o in rv.compare(county, r.year)))
    return save_atomically(book, out_path)


# A share item's books (中医阁 ≥ 10% …) do not judge one institution: they count it in the
# county's figure or not, as the window's 台账 column says.
_COUNTED = {True: "计入", False: "不计入"}


def _score_row(i: ItemScore, books: ItemScore | None, complete: bool) -> list[Any]:
    """One item of the score sheet. An item the standard gives no points (只统计，不计分) reads
    不计分 in its three point columns, as 总览 and the report say it: a 0 there would read as
    a failure."""
    if i.state == UNSCORED:
        return [i.code, i.text, "是" if i.veto else "", UNSCORED, UNSCORED, UNSCORED, i.reason]
    return [i.code, i.text, "是" if i.veto else "", i.max, books.points if books else None,
            i.points if complete else None, i.reason]
