"""Helpers every section of the self-evaluation report shares: headings, names, references
to indicators and the standard's items, and how a value is printed."""

from __future__ import annotations

import datetime as _dt

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, PageBreak, Paragraph

from reports.judge import standard as standards
from reports.judge.catalogue import ACTIVITY_MINIMUMS
from reports.judge.results import Failing, ItemScore, Result
from reports.judge.wording import (COUNTY_LEVEL, chinese_date, format_target, format_value,
                                   number, own_figure, status_text)
from reports.pdf.data import ReportData
from reports.pdf.layout import Heading, Styles, esc, muted, red, shorten


Story = list[Flowable]


CN_NUMBERS = "一二三四五六七八九十"


# The report's parts: the standard's own sections are sub-parts （一）（二）… of part 三, so that
# they keep its numbers (（二）服务网络 is the standard's 二、服务网络).
SUMMARY_PART, INDICATOR_PART, STANDARD_PART, TASK_PART, RECTIFICATION_PART = 1, 2, 3, 4, 5

# An indicator the standard does not list (a county's own) is detailed under the section of the
# standard its catalogue area belongs to.
AREA_SECTION = {"A": "二", "B": "三", "C": "三", "D": "四"}

# Failing institutions shown in a table of their own rather than in a list: that table's title.
STAFFING_TABLE = "基层医疗卫生机构中医类别医师配备"
ACTIVITY_TABLE = "基层医疗卫生机构中医药宣传与健康教育活动开展情况"
IN_TABLE = {"C2": STAFFING_TABLE, "C7": STAFFING_TABLE, "D1": ACTIVITY_TABLE,
            "D2": ACTIVITY_TABLE, "D3": ACTIVITY_TABLE, "D4": ACTIVITY_TABLE, "D5": ACTIVITY_TABLE}


# Beyond this many failing institutions (a very large county) an indicator's list is printed as
# counts by township; the export names them all.
NAMES_LISTED = 240

# D1–D5 → 次 or 种, as the indicator engine words its gaps.
D_UNITS = {ind_id: rule[2] for ind_id, rule in ACTIVITY_MINIMUMS.items()}


def shown(kind: str, value: float | int | None, marks: tuple[float, ...] = ()) -> str:
    """A value as the report prints it: 83.3%, a rate per 10,000 as 0.62 (the indicator's name
    says 每万人口), a count whole, 无数据; never rounded onto a mark (Result.marks) it misses."""
    if kind == "rate" and value is not None:
        return number(value)
    return format_value(kind, value, marks)


def h1(n: int, text: str, st: Styles) -> Story:
    # A heading needs room for a few lines under it, or it moves to the next page. Unlike
    # keepWithNext this lets a long table start under its heading instead of on a fresh page.
    title = f"{CN_NUMBERS[n - 1]}、{esc(text)}"
    return [CondPageBreak(40 * mm), Heading(title, st.h1, key=f"part-{n}")]


def appendix_heading(n: int, text: str, st: Styles) -> Story:
    """附件N：…, on a page of its own, listed in the contents."""
    return [PageBreak(), Heading(f"附件{n}：{esc(text)}", st.h1, key=f"appendix-{n}")]


def h2(n: int, text: str, st: Styles, room: float = 30 * mm) -> Story:
    return [CondPageBreak(room), Paragraph(f"（{CN_NUMBERS[n - 1]}）{esc(text)}", st.h2)]


def h3(n: int, markup: str, st: Styles) -> Story:
    """A numbered run-in heading over a table (the third level: 1．2．…): room for it and a few
    rows, else a new page."""
    return [CondPageBreak(28 * mm), Paragraph(f"{n}．{markup}", st.h3)]


def h4(n: int, markup: str, st: Styles) -> Story:
    """The fourth level, （1）（2）…, over a table: as h3."""
    return [CondPageBreak(28 * mm), Paragraph(f"（{n}）{markup}", st.h3)]


def section_of(data: ReportData, r: Result) -> str:
    """The id of the standard's section an indicator is detailed under: its item's, else (a
    county's own indicator) the section its area belongs to, where the standard has it."""
    item = data.standard.for_indicator(r.id)
    if item is not None:
        return item.section
    ids = [s.id for s in data.standard.sections]
    wanted = AREA_SECTION.get(r.section, "")
    return wanted if wanted in ids else ids[-1] if ids else ""


def section_number(data: ReportData, section_id: str) -> str:
    """（二）: where a section of the standard sits in part 三 (its place, as the standard numbers
    its sections in order)."""
    ids = [s.id for s in data.standard.sections]
    return f"（{CN_NUMBERS[ids.index(section_id)]}）" if section_id in ids else ""


def inst_name(text: str) -> str:
    """An institution or township name as a table, chart or list prints it: whole, or shortened
    with an ellipsis if absurdly long (the appendix then gives it whole)."""
    return esc(shorten(text))


def para(markup: str, st: Styles) -> Paragraph:
    return Paragraph(markup, st.body)


def relabel(data: ReportData, text: str) -> str:
    """The county's own words for 中医馆 etc. (e.g. 中医馆（蒙医馆）) in the report's own
    wording; names and gaps from the evaluation carry them already."""
    return data.profile.relabel(text)


def township_scope(data: ReportData) -> str | None:
    """The township of a township's fill-in file; None for a county's own file."""
    return data.evaluation.township_scope


def is_county_level(data: ReportData, item_id: str) -> bool:
    """Judged only at the county after merging (a township's file): no status, no points here."""
    return item_id in data.evaluation.county_level


def status_of(data: ReportData, r: Result) -> str:
    return COUNTY_LEVEL if is_county_level(data, r.id) else status_text(r)


def own_results(data: ReportData) -> list[Result]:
    """The indicators this file judges: all of them, or in a township's file its own."""
    return [r for r in data.results if not is_county_level(data, r.id)]


def scored_results(data: ReportData) -> list[Result]:
    """The indicators the standard gives points: a statistic (0 points, 不计分) is shown with
    its value, never counted, judged or listed for 整改 with them."""
    return [r for r in data.results if not r.statistic]


def reference_text(r: Result) -> str:
    """What a statistic is shown against: '不计分（参考 ≥ 80%）', or '只统计，不计分' where the
    standard gives it no target."""
    if r.target is None:
        return "只统计，不计分"
    return f"不计分（参考 {format_target(r.kind, r.target)}）"


def item_ref(data: ReportData, i: ItemScore) -> str:
    return f"{data.standard.short} {i.code} {relabel(data, i.text)}"


STATUSES = ("达标", "未达标", "待填报", "无数据", "不考核")  # never 不计分: statistics are apart


def no_previous_text(data: ReportData) -> str:
    """Said once, in 一, where the year before has no data: nothing to compare with last year."""
    earlier = [y for y in data.evaluation.data_years if y < data.year]
    if not earlier:
        return f"文件中没有{data.year}年度以前的数据，暂无与上年对比。"
    return (f"文件中没有{data.year - 1}年度的数据，暂无与上年对比"
            "（以前年度的变化见第二部分“主要指标历年变化”）。")


def delta_text(n: int) -> str:
    return f"+{n}" if n > 0 else str(n) if n < 0 else "持平"


def code_of(data: ReportData, r: Result) -> str:
    """The standard's number of the item that scores an indicator ('二（二）1'), or '' where the
    standard does not score it (a county's own indicator)."""
    return data.standard.code_of(r.id)


def item_text(data: ReportData, r: Result) -> str:
    """An indicator in the reviewers' words, unescaped: the standard's item number and its text
    ('二（一）8 县级综合医院、妇幼保健院设置中药房、煎药室'), or where the standard does not
    list it, its name marked （本县指标）; the program's own ids and names are not theirs."""
    item = data.standard.for_indicator(r.id)
    if item is None:
        return f"{r.name}（{standards.LOCAL}）"
    return f"{item.code} {relabel(data, item.text)}"


def ref(data: ReportData, r: Result) -> str:
    """item_text, escaped for a paragraph or a cell."""
    return esc(item_text(data, r))


def cn_date(d: _dt.date | str) -> str:
    """A date as the report prints it, in prose, on the cover, in the 落款 and in tables:
    2024年12月31日, never 2024-12-31."""
    return chinese_date(d)


def status_cell(status: str) -> str:
    if status == "未达标":
        return red(status)
    if status in ("无数据", "不考核", "不计分"):
        return muted(status)
    return status


def against(r: Result) -> str:
    """'93.3%，标准 ≥ 100%'"""
    return f"{esc(shown(r.kind, r.value, r.marks))}，标准 {esc(format_target(r.kind, r.target))}"


def township_of(data: ReportData, f: Failing) -> str:
    return str(data.institution(f.institution_id).get("township") or "")


def int_cell(value: int | None) -> str:
    return muted("未填报") if value is None else number(value)


def figure_of(data: ReportData, ind_id: str, f: Failing) -> str:
    """An institution's own figure for an indicator, in words, in the county's own terms."""
    r = data.evaluation.result(ind_id)
    own = data.profile.setting(ind_id).threshold.get("share")
    marks = (*(r.marks if r else ()), *([own] if own is not None else []))
    return relabel(data, own_figure(ind_id, f.value, data.institution(f.institution_id), marks))


def where_listed(data: ReportData, r: Result) -> str:
    """Which part of the report names every institution of an indicator (or, for a list too
    long to print, the export that does)."""
    if len(r.failing) > NAMES_LISTED and r.id not in IN_TABLE:
        return "本年度数据导出（Excel）的“未达标机构”工作表"
    part = f"第{CN_NUMBERS[STANDARD_PART - 1]}部分{section_number(data, section_of(data, r))}"
    if r.id in IN_TABLE:
        return f"{part}“{relabel(data, IN_TABLE[r.id])}”表"
    return f"{part}“未达到要求的机构”"
