"""The city-level summary (多县汇总报告) as an A4 PDF in the county report's style: a cover, the
summary, each county's score, every item by the share of counties that pass it, the weakest items
across counties, a one-line status per county, and the files left out.

    write_rollup_report(rollup(folder, 2024), "汇总.pdf")
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, PageBreak, Paragraph, Spacer

from db.county import refuse_to_replace

from reports.judge.rollup import CountyRow, ItemShare, Rollup
from reports.judge.wording import percent
from reports.pdf import charts
from reports.pdf.fonts import fonts
from reports.pdf.layout import FRAME_W, Styles, esc, muted, red, styles, table
from reports.pdf.layout import document, numbered_canvas
from reports.pdf.report import _Output
from reports.pdf.sections.closing import closing_block, with_closing
from reports.pdf.sections.common import CN_NUMBERS

Story = list

WEAKEST = 10  # items in 薄弱环节


def title_of(r: Rollup) -> str:
    return f"全国基层中医药工作示范县创建多县汇总报告（{r.year}年度）"


def _h1(n: int, text: str, st: Styles) -> Story:
    return [CondPageBreak(40 * mm), Paragraph(f"{CN_NUMBERS[n - 1]}、{esc(text)}", st.h1)]


def _p(markup: str, st: Styles) -> Paragraph:
    return Paragraph(markup, st.body)


def folder_name(r: Rollup) -> str:
    """The folder as a reader knows it: its own name (the whole path for a drive's root)."""
    return r.folder.name or str(r.folder)


def _cover(r: Rollup, st: Styles) -> Story:
    n = len(r.with_data)
    verdict = f"{r.passed} 个县（区）达到合格线，{n - r.passed} 个未达到"
    if r.without_data:
        verdict += f"，{len(r.without_data)} 个本年度无数据"
    return [
        Spacer(1, 60 * mm),
        Paragraph(f"全国基层中医药工作示范县创建<br/>多县汇总报告（{r.year}年度）", st.title),
        Spacer(1, 8 * mm),
        Paragraph(f"汇总 {len(r.counties)} 个县（区）：{verdict}", st.subtitle),
        Paragraph(f"评分标准：{esc(r.standard_name)}", st.subtitle),
        Paragraph(muted(f"数据来源：文件夹“{esc(folder_name(r))}”中的各县数据文件（只读，未作修改）"),
                  st.subtitle),
        PageBreak(),
    ]


def _summary(r: Rollup, st: Styles) -> Story:
    n = len(r.with_data)
    vetoed = n - r.veto_clear
    mean = "无" if r.mean is None else f"{r.mean:.1f} 分"
    text = (f"本次汇总读取 {len(r.counties)} 个县（区）的数据文件，按“{esc(r.standard_name)}”统一评分。"
            f"{r.year}年度达到合格线的 {r.passed} 个，未达到的 {n - r.passed} 个"
            f"（上年达到 {r.previous_passed} 个）；有必备项未达到的 {vetoed} 个；平均得分 {mean}。")
    out: Story = [*_h1(1, "总体情况", st), _p(text, st)]
    if r.without_data:
        out.append(_p(f"{r.year}年度无数据的 {len(r.without_data)} 个县（区）："
                      + "、".join(esc(c.shown) for c in r.without_data)
                      + "。它们不计入达到、未达到的县数、平均得分和各评分项的达标比例。", st))
    if r.skipped:
        out.append(_p(f"另有 {len(r.skipped)} 个文件未计入汇总，原因见第六部分。", st))
    if r.note:
        out.append(_p(esc(r.note), st))
    last = r.year - 1
    before = [c for c in r.counties if c.previous_has_data]
    prev_vetoed = sum(bool(c.previous_veto_failures) for c in before)
    rows = [["达到合格线", str(r.passed), str(r.previous_passed)],
            ["未达到合格线", str(n - r.passed), str(len(before) - r.previous_passed)],
            ["有必备项未达到", str(vetoed), str(prev_vetoed)],
            ["无数据", str(len(r.counties) - n), str(len(r.counties) - len(before))]]
    out += [Spacer(1, 4), table(["情况", f"{r.year}年度（县）", f"{last}年度（县）"], rows,
                                [160, 120, FRAME_W - 280], st, align="lcc")]
    return out


def _veto_text(c: CountyRow, codes: dict[str, str]) -> str:
    if not c.has_data:
        return muted("无数据")
    if not c.veto_failures:
        return "均达到"
    return red("未达到：" + "、".join(esc(codes.get(i) or i) for i in c.veto_failures))


def _counties(r: Rollup, st: Styles) -> Story:
    codes = {c.id: c.code for c in r.columns}  # the standard's 条目, never the program's ids
    ranked = sorted(r.counties, key=lambda c: (not c.has_data, -c.total, c.shown))
    rows = []
    for n, c in enumerate(ranked, start=1):
        delta = c.change
        rows.append([str(n), esc(c.shown), f"{c.total:g}" if c.has_data else muted("无数据"),
                     f"{c.pass_mark:g}",
                     muted("无数据") if not c.has_data else "达到" if c.passed else red("未达到"),
                     _veto_text(c, codes),
                     f"{c.previous_total:g}" if c.previous_has_data else muted("无数据"),
                     "—" if delta is None else f"{delta:+.1f}" if delta else "0"])
    widths = [28, 70, 42, 42, 44, FRAME_W - 324, 50, 48]
    return [*_h1(2, "各县得分", st),
            _p("按得分从高到低排列，本年度无数据的县（区）列在最后。得分相同按县名排列；“增减”为与上年"
               "得分相比（任一年无数据时为“—”）。", st),
            table(["序号", "县（区）", "得分", "合格线", "是否达到", "必备项", "上年得分", "增减"],
                  rows, widths, st, align="clccclcc")]


def _share_text(s: ItemShare) -> str:
    if not s.column.scored:
        return "不计分"
    return f"{s.passed}/{s.judged}" if s.judged else "不适用"


def _items(r: Rollup, st: Styles) -> Story:
    shares = r.shares()
    # Weakest first, so the items a city must push stand at the top of the chart.
    ranked = sorted((s for s in shares if s.judged), key=lambda s: (s.passed / s.judged,))
    bars = [charts.Bar(f"{s.column.code}{'★' if s.column.veto else ''} {s.column.name}", s.share)
            for s in ranked]
    out: Story = [*_h1(3, "各评分项达标情况", st),
                  _p("下图为每个评分项达标的县（区）所占比例，从低到高排列（★为必备项）；红色为尚有县未达标的项。", st)]
    for drawing in charts.share_bars(bars, 1.0, FRAME_W, st.fonts.body):
        out += [drawing, Spacer(1, 4)]
    rows = [[esc(s.column.code), esc(s.column.text),
             "是" if s.column.veto else "", _share_text(s),
             percent(s.share) if s.judged else "—", str(s.previous_passed) if s.judged else "—"]
            for s in shares]
    out.append(table(["条目", "评分项", "必备", "达标县数", "比例", "上年达标"], rows,
                     [56, FRAME_W - 250, 30, 52, 50, 62], st, align="clcccc"))
    return out


NAMES_IN_CELL = 20  # beyond this a cell names the first ones and the count; the workbook has all


def _names(counties: list[str], of: int) -> str:
    if len(counties) == of and of > 1:
        return f"全部 {of} 个县（区）"
    if len(counties) > NAMES_IN_CELL:
        return "、".join(counties[:NAMES_IN_CELL]) + f"等 {len(counties)} 个县（区）"
    return "、".join(counties)


def _weakest(r: Rollup, st: Styles) -> Story:
    weak = r.weakest(WEAKEST)
    out: Story = [*_h1(4, "薄弱环节", st)]
    if not weak:
        return out + [_p("各评分项均已全部达标。", st)]
    out.append(_p(f"以下是达标县（区）比例最低的 {len(weak)} 个评分项，建议市级统筹督导。", st))
    rows = []
    for s in weak:
        failing = [c.shown for c in r.with_data
                   if s.column.id in c.cells and c.cells[s.column.id].met is not True
                   and c.cells[s.column.id].state != "不适用"]
        rows.append([esc(s.column.code) + ("★" if s.column.veto else ""),
                     esc(s.column.text), _share_text(s), esc(_names(failing, len(r.with_data)))])
    out.append(table(["条目", "评分项", "达标县数", "尚未达标的县（区）"], rows,
                     [60, FRAME_W - 270, 50, 160], st, align="clcl"))
    return out


def _status(r: Rollup, st: Styles) -> Story:
    rows = [[esc(c.shown), esc(c.status_line(r.columns))]
            for c in sorted(r.counties, key=lambda c: c.shown)]
    return [*_h1(5, "各县情况一览", st),
            table(["县（区）", "情况"], rows, [80, FRAME_W - 80], st)]


def _skipped(r: Rollup, st: Styles) -> Story:
    out: Story = [*_h1(6, "未计入汇总的文件", st)]
    if not r.skipped:
        return out + [_p("文件夹中的文件均已计入汇总。", st)]
    rows = [[esc(s.file), esc(s.kind), esc(s.reason)] for s in r.skipped]
    return out + [table(["文件", "类别", "原因"], rows, [110, 70, FRAME_W - 180], st)]


def story(r: Rollup, st: Styles) -> Story:
    return [*_cover(r, st), *_summary(r, st), *_counties(r, st), *_items(r, st),
            *_weakest(r, st), *_status(r, st), *with_closing(_skipped(r, st), closing_block(st))]


def render(r: Rollup) -> bytes:
    font_set = fonts()
    st = styles(font_set)
    buf = io.BytesIO()
    doc = document(buf, title=title_of(r), author="tcmcounty", fonts=font_set,
                   header=("全国基层中医药工作示范县创建多县汇总报告", f"{r.year}年度"))
    doc.build(story(r, st), canvasmaker=numbered_canvas(font_set.body))
    return buf.getvalue()


def write_rollup_report(r: Rollup, out_path: str | os.PathLike[str]) -> Path:
    """Write the summary PDF beside `out_path`, then rename; never over a county file."""
    out = Path(out_path)
    refuse_to_replace(out)
    output = _Output(out)
    try:
        output.commit(render(r))
    finally:
        output.discard()
    return out
