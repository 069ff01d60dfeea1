"""The sections of the self-evaluation report as reportlab flowables: summary, indicator table,
the four areas with the institutions behind each indicator, tasks, 整改清单, the closing block
and, when some name is too long for a table, an appendix with it whole. Numbers are worded
here; pages, fonts and files are pdf.py's and layout.py's business.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
import datetime as _dt
import re
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (CondPageBreak, Flowable, KeepTogether, PageBreak, Paragraph,
                                Spacer, Table, TableStyle)

from db.vocab import HALL_GRADES, HALL_STATES, HOSPITAL_GRADES, INSTITUTION_TYPES

from reports.judge import profiles
from reports.judge.catalogue import ACTIVITY_MINIMUMS, BY_ID, SECTIONS
from reports.judge.results import OFF, SCORED, Failing, ItemScore, Result
from reports.judge.wording import (COUNTY_LEVEL, format_target, format_value, number, percent,
                                   status_text)
from reports.pdf import charts
from reports.pdf.data import ReportData, Task
from reports.pdf.layout import FRAME_W, NAME_CHARS, Styles, esc, muted, red, shorten, table

Story = list[Flowable]

CN_NUMBERS = "一二三四五六七八九十"
# Where each area's detail sits: sections 三 to 六.
AREA_PART = {"A": 3, "B": 4, "C": 5, "D": 6}
# Failing institutions shown in a table of their own rather than in a list.
IN_TABLE = {"C2": "五（二）", "C7": "五（二）", "D1": "六（二）", "D2": "六（二）", "D3": "六（二）", "D4": "六（二）",
            "D5": "六（二）"}
TREND_IDS = ("A2", "B1", "B4", "B5", "C7", "D10")
LONG_LIST = 30  # more failing institutions than this are listed compactly, grouped by gap
NAMES_IN_RECTIFICATION = 20  # beyond this the 整改清单 gives counts by township and a reference
TOWNS_IN_RECTIFICATION = 40  # up to this (a large county), every township; beyond it
TOWNS_NAMED = 10  # only the townships with the most to do, so the cell stays short

# D1–D5 → 次 or 种, as the indicator engine words its gaps.
D_UNITS = {ind_id: rule[2] for ind_id, rule in ACTIVITY_MINIMUMS.items()}


def shown(kind: str, value: float | int | None) -> str:
    """A value as the report prints it: 83.3%, a rate per 10,000 as 0.62 (the indicator's name
    says 每万人口), a count whole, 无数据."""
    if kind == "rate" and value is not None:
        return number(value)
    return format_value(kind, value)


def title_of(county: str, year: int) -> str:
    return f"{county}创建全国基层中医药工作示范县自评报告（{year}年度）"


# ---- the story ----------------------------------------------------------------------------------

def story(data: ReportData, st: Styles) -> Story:
    """The whole report, title to closing block."""
    out: Story = [*_title(data, st), *_summary(data, st), *_indicator_part(data, st)]
    for area in "ABCD":
        out += _area(data, st, area)
    return [*out, *_task_part(data, st), *_rectification(data, st), *_closing(st),
            *_review_appendix(data, st), *_long_names(data, st), *_unchecked_appendix(data, st)]


def _h1(n: int, text: str, st: Styles) -> Story:
    # A heading needs room for a few lines under it, or it moves to the next page. Unlike
    # keepWithNext this lets a long table start under its heading instead of on a fresh page.
    return [CondPageBreak(40 * mm), Paragraph(f"{CN_NUMBERS[n - 1]}、{esc(text)}", st.h1)]


def _h2(n: int, text: str, st: Styles, room: float = 30 * mm) -> Story:
    return [CondPageBreak(room), Paragraph(f"（{CN_NUMBERS[n - 1]}）{esc(text)}", st.h2)]


def _h3(markup: str, st: Styles) -> Story:
    """A run-in heading over a table: room for it and a few rows, else a new page."""
    return [CondPageBreak(28 * mm), Paragraph(markup, st.h3)]


def _name(text: str) -> str:
    """An institution or township name as a table, chart or list prints it: whole, or shortened
    with an ellipsis if absurdly long (the appendix then gives it whole)."""
    return esc(shorten(text))


def _p(markup: str, st: Styles) -> Paragraph:
    return Paragraph(markup, st.body)


def _label(data: ReportData, text: str) -> str:
    """The county's own words for 中医馆 etc. (e.g. 中医馆（蒙医馆）) in the report's own
    wording; names and gaps from the evaluation carry them already."""
    return data.profile.relabel(text)


def _title(data: ReportData, st: Styles) -> Story:
    return [
        Spacer(1, 4 * mm),
        Paragraph(f"{esc(data.county)}创建全国基层中医药工作示范县<br/>自评报告（{data.year}年度）",
                  st.title),
        Paragraph(f"目标方案：{esc(data.evaluation.profile_name)}", st.subtitle),
        *_score_line(data, st),
    ]


def _town(data: ReportData) -> str | None:
    """The township of a township's fill-in file; None for a county's own file."""
    return data.evaluation.township_scope


def _county_level(data: ReportData, item_id: str) -> bool:
    """Judged only at the county after merging (a township's file): no status, no points here."""
    return item_id in data.evaluation.county_level


def _status(data: ReportData, r: Result) -> str:
    return COUNTY_LEVEL if _county_level(data, r.id) else status_text(r)


def _own(data: ReportData) -> list[Result]:
    """The indicators this file judges: all of them, or in a township's file its own."""
    return [r for r in data.results if not _county_level(data, r.id)]


def _score_line(data: ReportData, st: Styles) -> Story:
    """The score first, as a reviewer reads it: points, pass mark, and any 必备 item failed."""
    town = _town(data)
    if town:
        # A township's file holds only its own institutions: the county's score is not its own.
        return [Paragraph(f"本文件是 {esc(town)} 的乡镇填报文件：全县得分在县卫生健康局合并各乡镇数据后"
                          "计算，本报告只列本乡镇机构的填报和达标情况。", st.subtitle)]
    score = data.evaluation.score
    if score is None:
        return []
    verdict = "达到合格线" if score.passed else red("未达到示范县标准")
    text = (f"自评得分 <b>{score.total:g}</b> 分（满分 {score.max:g} 分，合格线 {score.pass_mark:g} 分），"
            f"{verdict}")
    vetoes = score.veto_failures
    if vetoes:
        text += "；必备项未达到：" + "、".join(f"{esc(_item_ref(data, i))}" for i in vetoes)
    return [Paragraph(text + "。", st.subtitle)]


def _item_ref(data: ReportData, i: ItemScore) -> str:
    return f"{data.standard.short} {i.code} {_label(data, i.text)}"


# ---- 一、总体情况 ---------------------------------------------------------------------------------

STATUSES = ("达标", "未达标", "待填报", "无数据", "不考核")


def _summary(data: ReportData, st: Styles) -> Story:
    now = Counter(_status(data, r) for r in data.results)
    before = Counter(COUNTY_LEVEL if _county_level(data, r.id) else data.previous_status[r.id]
                     for r in data.results)
    year, last = data.year, data.year - 1
    text = (f"按照“{esc(data.evaluation.profile_name)}”目标方案，{year}年度纳入评价的指标共 "
            f"{len(data.results)} 项，其中达标 {now['达标']} 项，未达标 {now['未达标']} 项，"
            + (f"待填报 {now['待填报']} 项，" if now["待填报"] else "") +
            f"无数据 {now['无数据']} 项，只统计不考核 {now['不考核']} 项"
            + (f"，{COUNTY_LEVEL} {now[COUNTY_LEVEL]} 项" if now[COUNTY_LEVEL] else "") + "。"
            f"按同一标准衡量，{last}年度达标 {before['达标']} 项，未达标 {before['未达标']} 项，"
            f"无数据 {before['无数据']} 项。")
    out: Story = [*_h1(1, "总体情况", st), *_draft_note(data, st), _p(text, st)]
    changes = _changes(data)
    if changes:
        out.append(_p(changes, st))
    out.append(_p(_institution_counts(data), st))
    t = data.evaluation.tasks
    if t.total:
        out.append(_p(f"创建任务共 {t.total} 项，已完成 {t.done} 项，"
                      f"截至{_date(data.today)}逾期未完成 {t.overdue} 项（详见第七部分）。", st))
    # 待填报 gets a row only in a year that has it, so a finished year's table stays as it was.
    shown = [s for s in (*STATUSES, COUNTY_LEVEL)
             if s not in ("待填报", COUNTY_LEVEL) or now[s] or before[s]]
    rows = [[s, str(now[s]), str(before[s]), _delta(now[s] - before[s])] for s in shown]
    out += [Spacer(1, 4),
            table(["情况", f"{year}年度（项）", f"{last}年度（项）", "增减"], rows,
                  [110, 110, 110, FRAME_W - 330], st, align="lccc")]
    return out + _score_part(data, st)


def _score_part(data: ReportData, st: Styles) -> Story:
    """Every item of the standard with its points, section by section, 必备 items marked."""
    score = data.evaluation.score
    if score is None:
        return []
    if _town(data):
        return _township_score_part(data, st)
    state = "达到合格线" if score.passed else "未达到示范县标准"
    intro = (f"对照《{esc(score.standard_name)}》逐项评分：得分 {score.total:g} 分，满分 "
             f"{score.max:g} 分，合格线 {score.pass_mark:g} 分，{state}。")
    vetoes = score.veto_failures
    intro += (f"必备项（一项不达标即不能通过）中有 {len(vetoes)} 项未达到，须优先整改。" if vetoes
              else "必备项均已达到。")
    rows: list[list[str]] = []
    groups: list[int] = []
    for section, shown_items in _sections_with_points(data, score):
        got = sum(i.points or 0 for i in shown_items)
        full = sum(i.max for i in shown_items if i.state != OFF)
        groups.append(len(rows))
        # The standard's own part numbers, said to be its own: the report numbers its sections too.
        rows.append([f"建设标准第{section.id}部分　{esc(_label(data, section.title))}"
                     f"（{got:g} / {full:g} 分）"])
        for i in shown_items:
            name = esc(_label(data, i.text)) + (red("【必备】") if i.veto else "")
            points = "—" if i.points is None else f"{i.points:g}"
            cell = red(points) if i.state != SCORED and i.state != OFF else points
            rows.append([esc(i.code), name, f"{i.max:g}", cell, esc(i.reason)])
    widths = [58, FRAME_W - 58 - 30 - 30 - 128, 30, 30, 128]
    return [*_h3("评分情况", st), _p(intro, st),
            table(["条目", "评分项", "满分", "得分", "说明"], rows, widths, st, align="clccl",
                  groups=groups)]


def _sections_with_points(data: ReportData, score: Any) -> Iterator[tuple[Any, list[Any]]]:
    """The standard's parts in order, each with its scored items that carry points."""
    for section in data.standard.sections:
        items = [score.item(i.id) for i in section.items]
        shown = [i for i in items if i is not None and i.max > 0]
        if shown:
            yield section, shown


def _township_score_part(data: ReportData, st: Styles) -> Story:
    """A township's file: each item of the standard, the county's marked 由县里汇总, no points."""
    score = data.evaluation.score
    assert score is not None
    county = [i for i in score.items if _county_level(data, i.id) and i.max > 0]
    intro = (f"对照《{esc(score.standard_name)}》的评分项由县卫生健康局在合并各乡镇数据后计分，本报告不计分。"
             f"其中 {len(county)} 项只能由县里汇总评价；其余各项列出本乡镇机构的情况，供县里计分时参考。")
    rows: list[list[str]] = []
    groups: list[int] = []
    for section, shown_items in _sections_with_points(data, score):
        groups.append(len(rows))
        rows.append([f"建设标准第{section.id}部分　{esc(_label(data, section.title))}"])
        for i in shown_items:
            name = esc(_label(data, i.text)) + ("【必备】" if i.veto else "")
            if _county_level(data, i.id):
                rows.append([esc(i.code), name, muted(COUNTY_LEVEL)])
            else:
                rows.append([esc(i.code), name, esc(i.reason)])
    widths = [58, FRAME_W - 58 - 188]
    return [*_h3("评分项情况", st), _p(intro, st),
            table(["条目", "评分项", "本乡镇情况"], rows, [*widths, 188], st, align="cll",
                  groups=groups)]


def _draft_note(data: ReportData, st: Styles) -> Story:
    """A draft says first what is missing, by name, so it is never taken for the final report."""
    if not data.is_draft or data.progress is None:
        return []
    lines = data.progress.missing_text()
    return [_p(red("<b>本报告为草稿</b>") + f"：{data.year}年度的数据尚未齐全，补齐并确认后再生成正式报告。"
               + "".join(esc(line) for line in lines), st)]


def _unchecked_appendix(data: ReportData, st: Styles) -> Story:
    """附：数据核查 findings nobody has marked 已核实, with both years' figures."""
    if not data.unchecked:
        return []
    rows = [[str(n), esc(f.institution), esc(f.label), esc(f.previous), esc(f.current),
             esc(f.detail)] for n, f in enumerate(data.unchecked, start=1)]
    widths = [24, 120, 100, 50, 50]
    return [CondPageBreak(60 * mm), Spacer(1, 8 * mm),
            Paragraph("附：数据核查未核实事项", st.h1),
            _p(f"与上年相比变化异常或录入可疑、尚未标记为“已核实”的数据共 {len(data.unchecked)} 项，"
               "请逐项核实（在“数据核查”页标记已核实并说明原因）。", st),
            table(["序号", "机构", "核查项", "上年", "本年", "说明"], rows,
                  [*widths, FRAME_W - sum(widths)], st, align="lllrrl")]


def _delta(n: int) -> str:
    return f"+{n}" if n > 0 else str(n) if n < 0 else "持平"


def _changes(data: ReportData) -> str:
    gained = [r for r in _own(data)
              if status_text(r) == "达标" and data.previous_status[r.id] == "未达标"]
    lost = [r for r in _own(data)
            if status_text(r) == "未达标" and data.previous_status[r.id] == "达标"]
    parts = []
    if gained:
        parts.append("由未达标转为达标的指标：" + "、".join(_ref(r) for r in gained))
    if lost:
        parts.append("由达标转为未达标的指标：" + "、".join(_ref(r) for r in lost))
    return "与上年相比，" + "；".join(parts) + "。" if parts else ""


def _ref(r: Result) -> str:
    return f"{r.id} {esc(r.name)}"


def _institution_counts(data: ReportData) -> str:
    counts = Counter(i["type"] for i in data.institutions)
    if not counts:
        return f"文件中没有{data.year}年度在用的医疗卫生机构。"
    parts = [f"{name} {counts[key]} 家" for key, name in INSTITUTION_TYPES.items() if counts[key]]
    reported = sum(1 for i in data.institutions if i["year_row"] is not None)
    return (f"全县纳入统计的医疗卫生机构共 {len(data.institutions)} 家：{'，'.join(parts)}；"
            f"其中 {reported} 家填报了{data.year}年度数据。")


def _date(d: _dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


# ---- 二、指标达成情况 ---------------------------------------------------------------------------

def _target_text(data: ReportData, r: Result) -> str:
    """The county target, and below it the condition each institution must meet, if any."""
    text = esc(format_target(r.kind, r.target))
    condition = _condition(r.id, data.profile.setting(r.id).threshold)
    if data.profile.local_target(r.id) and data.standard.for_indicator(r.id) is not None:
        national = profiles.national(r.id)
        base = esc(format_target(r.kind, national.target))
        base_cond = _condition(r.id, national.threshold)
        if base_cond and national.target:
            base += " " + esc(base_cond)
        mine = text + (" " + esc(condition) if condition and r.target else "")
        return f"{muted('国家标准 ' + base, 7.5)}<br/>本县方案 {mine}"
    return f"{text}<br/>{muted(esc(condition), 7.5)}" if condition and r.target else text


def _condition(ind_id: str, threshold: dict[str, Any]) -> str:
    if "share" in threshold:
        return f"每家 ≥ {percent(threshold['share'])}"
    if "items" in threshold:
        cats = threshold.get("categories", 0)
        need = f"{cats}类{threshold['items']}项" if cats else f"{threshold['items']}项"
        return f"每家 ≥ {need}"
    if "count" in threshold:
        return f"每家 ≥ {threshold['count']}{D_UNITS.get(ind_id, '次')}"
    if "hall_states" in threshold:
        return "每家" + "或".join(HALL_STATES[s] for s in threshold["hall_states"])
    return ""


def _status_cell(status: str) -> str:
    if status == "未达标":
        return red(status)
    if status in ("无数据", "不考核"):
        return muted(status)
    return status


def _basis(data: ReportData, r: Result) -> str:
    """The standard item the indicator is scored under, and the county's own plan where it sets
    a target of its own; never the program's internal numbering."""
    item = data.standard.for_indicator(r.id)
    parts = [data.standard.cite(item)] if item is not None else []
    if data.profile.local_target(r.id) or item is None:
        note = data.profile.setting(r.id).note
        parts.append(f"本县方案：{note}" if note and not note.startswith("地方") else
                     note or "本县方案")
    return ", ".join(parts)


def _basis_cell(text: str, width: float, font: str, size: float = 7.5) -> str:
    """Sources one to a line where they would otherwise break mid-citation ("004 四(" / "三)2")."""
    lines: list[str] = []
    for item in re.split(r",\s*", text):
        joined = f"{lines[-1]}, {item}" if lines else item
        if lines and stringWidth(joined, font, size) <= width:
            lines[-1] = joined
        else:
            lines.append(item)
    return f'<font size="{size}">' + "<br/>".join(esc(line) for line in lines) + "</font>"


def _indicator_part(data: ReportData, st: Styles) -> Story:
    rows: list[list[str]] = []
    groups: list[int] = []
    seq = 0
    # The name column as wide as the longest name (within reason), so each row reads as one line.
    longest = max((stringWidth(f"{r.id} {r.name}", st.fonts.table, st.cell.fontSize)
                   for r in data.results), default=0)
    widths = [24, min(max(longest + 7, 120), 172), 74, 44, 44, 42]
    basis_w = FRAME_W - sum(widths)
    for area, title in SECTIONS.items():
        results = [r for r in data.results if r.section == area]
        if not results:
            continue
        groups.append(len(rows))
        rows.append([f"{area}. {esc(_label(data, title))}"])
        for r in results:
            seq += 1
            value = esc(shown(r.kind, r.value))
            if _county_level(data, r.id):
                # Smaller, so the five characters fit the 达标情况 column on one line.
                rows.append([str(seq), _ref(r), _target_text(data, r), "—", "—",
                             muted(COUNTY_LEVEL, 6.5),
                             _basis_cell(_basis(data, r), basis_w - 6, st.fonts.table)])
                continue
            rows.append([str(seq), _ref(r), _target_text(data, r),
                         red(value) if r.met is False else value,
                         esc(shown(r.kind, r.previous_value)),
                         _status_cell(status_text(r)),
                         _basis_cell(_basis(data, r), basis_w - 6, st.fonts.table)])
    header = ["序号", "指标", "标准要求", f"{data.year}年", f"{data.year - 1}年", "达标情况", "依据"]
    out: Story = [*_h1(2, "指标达成情况", st), *_h2(1, "指标一览", st),
                  table(header, rows, [*widths, basis_w], st, align="clcccc", groups=groups)]
    out.append(Paragraph(f"注：“依据”栏中“{esc(data.standard.short)}”指《{esc(data.standard.name)}》"
                         "的条目；“本县方案”指本县创建方案提出的、高于或不同于该标准的要求，"
                         "“标准要求”栏两者并列。", st.note))
    return out + _trend_part(data, st)


def _trend_ids(data: ReportData) -> list[str]:
    """The main indicators to follow over the years, or none when there is only one year."""
    if len(data.trend) < 2:
        return []
    return [i for i in TREND_IDS
            if data.evaluation.result(i) is not None and not _county_level(data, i)]


def _trend_part(data: ReportData, st: Styles) -> Story:
    heading = _h2(2, "主要指标历年变化", st)
    ids = _trend_ids(data)
    years = [e.year for e in data.trend]
    if not ids:
        return [*heading, _p(f"文件中没有{data.year}年度以前的数据，暂无历年对比。", st)]
    series = []
    rows = []
    for ind_id in ids:
        per_year = [e.result(ind_id) for e in data.trend]
        values = [r.value if r is not None else None for r in per_year]
        current = data.evaluation.result(ind_id)
        assert current is not None
        series.append(charts.Series(f"{ind_id} {current.name}", values))
        rows.append([_ref(current), *[esc(shown(current.kind, v)) for v in values],
                     esc(format_target(current.kind, current.target))])
    drawing = charts.trend_lines(years, series, FRAME_W, st.fonts.table)
    caption = Paragraph(f"图1 主要指标{years[0]}—{years[-1]}年变化", st.caption)
    year_w = min(56.0, (FRAME_W - 220) / len(years))
    widths = [FRAME_W - 60 - year_w * len(years), *[year_w] * len(years), 60]
    return [*heading, KeepTogether([drawing, caption]),
            table(["指标", *[f"{y}年" for y in years], "标准"], rows, widths, st,
                  align="l" + "c" * (len(years) + 1))]


# ---- 三至六、各部分情况 --------------------------------------------------------------------------

def _area(data: ReportData, st: Styles, area: str) -> Story:
    part = AREA_PART[area]
    results = [r for r in data.results if r.section == area]
    county = sum(1 for r in results if _county_level(data, r.id))
    results = [r for r in results if not _county_level(data, r.id)]
    out: Story = [*_h1(part, _label(data, SECTIONS[area]), st),
                  _p(_area_intro(results, county), st),
                  *_h2(1, "指标计算明细", st), _calculation_table(data, results, st)]
    sub = 1
    extra: list[tuple[str, Callable[[ReportData, Styles], Story]]] = {
        "A": [("中医馆、中医阁建设情况", _halls)],
        "C": [("基层医疗卫生机构中医类别医师配备", _staffing)],
        "D": [("基层医疗卫生机构中医药宣传与健康教育活动开展情况", _activity_matrix)],
    }.get(area, [])
    for title, build in extra:
        sub += 1
        out += [*_h2(sub, _label(data, title), st), *build(data, st)]
    listed = [r for r in results if r.failing and r.id not in IN_TABLE]
    if listed:
        # Room for the run-in heading under it too, or this heading would stay behind alone.
        out += _h2(sub + 1, "未达到要求的机构", st, room=60 * mm)
        for r in listed:
            out += _failing_block(data, r, st)
    return out


def _area_intro(results: Sequence[Result], county: int = 0) -> str:
    """`results` this file judges; `county` how many more only the county judges (a township's
    file), named so they are not taken for forgotten."""
    if county:
        head = f"本部分另有 {county} 项指标{COUNTY_LEVEL}，不在本乡镇评价。"
        return head + (_area_intro(results) if results else "")
    if not results:
        return "本目标方案未考核本部分指标。"
    now = Counter(status_text(r) for r in results)
    text = (f"本部分纳入评价的指标 {len(results)} 项，达标 {now['达标']} 项，"
            f"未达标 {now['未达标']} 项，"
            + (f"待填报 {now['待填报']} 项，" if now["待填报"] else "")
            + f"无数据 {now['无数据']} 项")
    text += f"，只统计不考核 {now['不考核']} 项。" if now["不考核"] else "。"
    unmet = [r for r in results if r.met is False]
    if unmet:
        text += "未达标的是：" + "；".join(f"{_ref(r)}（{_against(r)}）" for r in unmet) + "。"
    return text


def _against(r: Result) -> str:
    """'93.3%，标准 ≥ 100%'"""
    return f"{esc(shown(r.kind, r.value))}，标准 {esc(format_target(r.kind, r.target))}"


def _fraction(r: Result) -> str:
    if r.numerator is None or r.denominator is None:
        return "—"
    return f"{number(r.numerator)} / {number(r.denominator)}"


def _judgement(r: Result) -> str:
    status = status_text(r)
    if status == "未达标":
        return red(f"未达标：{esc(r.gap)}" if r.gap else "未达标")
    if status == "达标":
        extra = f"（{len(r.failing)} 家机构未达到）" if r.failing else ""
        return f"达标{extra}"
    if status == "不考核":
        return muted("只统计，不考核")
    return muted("无数据")


def _calculation_table(data: ReportData, results: Sequence[Result], st: Styles) -> Flowable:
    if not results:
        return _p("无。", st)
    rows = [[str(n), _ref(r), f'<font size="8">{esc(_label(data, BY_ID[r.id].measure))}</font>',
             _fraction(r), esc(shown(r.kind, r.value)), _judgement(r)]
            for n, r in enumerate(results, start=1)]
    widths = [24, 128, 102, 78, 48]
    return table(["序号", "指标", "计算方法", "分子 / 分母", "实际值", "达标情况及差距"], rows,
                 [*widths, FRAME_W - sum(widths)], st, align="cllccl")


def _no_figures(insts: Sequence[dict[str, Any]]) -> bool:
    """No institution reported this year's figures: a table of zeros would mislead."""
    return not any(i["year_row"] is not None for i in insts)


def _halls(data: ReportData, st: Styles) -> Story:
    centres, stations = data.centres, data.stations
    if _no_figures([*centres, *stations]):
        return [_p(f"无数据：{data.year}年度没有基层医疗卫生机构填报中医馆、中医阁情况。", st)]

    def row(label: str, n: int, of: int) -> list[Any]:
        return [Paragraph(esc(_label(data, label)), st.cell_indent), str(n),
                percent(n / of, trim=False) if of else muted("无数据")]

    states = Counter(i["hall_state"] for i in centres)
    with_hall = sum(states[s] for s in ("built", "standard", "upgraded"))
    connected = sum(1 for i in centres if i["hall_state"] in ("built", "standard", "upgraded")
                    and i["platform_connected"] == 1)
    rows = [
        ["社区卫生服务中心、乡镇卫生院", str(len(centres)), "—"],
        row("已建中医馆", with_hall, len(centres)),
        row("中医馆达标（含提档升级）", states["standard"] + states["upgraded"], len(centres)),
        row("中医馆提档升级", states["upgraded"], len(centres)),
        row("接入中医馆健康信息平台", connected, with_hall),
        row(f"评为{HALL_GRADES['boutique']}或{HALL_GRADES['model']}中医馆",
            sum(1 for i in centres if i["hall_grade"] in ("boutique", "model")), len(centres)),
        *([row("未填报中医馆情况", states[None], len(centres))] if states[None] else []),
        ["社区卫生服务站、村卫生室", str(len(stations)), "—"],
        row("设置中医阁", sum(1 for i in stations if i["tcm_corner"] == 1), len(stations)),
        row("具备中医药服务场所和设备", sum(1 for i in stations if i["service_place"] == 1),
            len(stations)),
    ]
    note = "注：接入平台的占比以已建中医馆的机构为分母，其余以同类机构总数为分母。"
    return [table(["项目", "机构数（家）", "占比"], rows, [FRAME_W - 180, 90, 90], st, align="lcc"),
            Paragraph(esc(_label(data, note)), st.note)]


def _staffing(data: ReportData, st: Styles) -> Story:
    # Each centre against the county's own rule (C2, every centre) where its profile asks it,
    # else against the standard's pooled share (C7), which still names each centre below it.
    each = data.profile.is_on("C2")
    c2 = data.evaluation.result("C2" if each else "C7")
    if each:
        share = float(data.profile.setting("C2").threshold.get("share", 0.25))
    else:
        target = data.profile.setting("C7").target
        share = float(target.value if target and target.value is not None else 0.25)
    gaps = {f.institution_id: f.gap for f in c2.failing} if c2 else {}
    centres = data.centres
    if not centres:
        return [_p("无数据：文件中没有在用的社区卫生服务中心、乡镇卫生院。", st)]
    if _no_figures(centres):
        return [_p(f"无数据：{data.year}年度没有社区卫生服务中心、乡镇卫生院填报人员数据。", st)]
    rows, bars = [], []
    for n, inst in enumerate(centres, start=1):
        phys, tcm = inst["physicians"], inst["tcm_physicians"]
        own = tcm / phys if phys and tcm is not None else None
        bars.append(charts.Bar(shorten(inst["name"]), own))
        rows.append([str(n), _name(inst["name"]), _name(inst["township"]), _int(phys), _int(tcm),
                     percent(own, trim=False) if own is not None else muted("无数据"),
                     _staff_judgement(phys, tcm, own, share, gaps.get(inst["id"]),
                                      "未达标" if each else f"低于 {percent(share)}")])
    widths = [24, 120, 68, 50, 50, 50]
    header = ["序号", "机构名称", "所属乡镇（街道）", "执业（助理）医师", "中医类别医师", "中医类别占比",
              f"达标情况（每家 ≥ {percent(share)}）" if each
              else f"对照（合计 ≥ {percent(share)}）"]
    out: Story = [table(header, rows, [*widths, FRAME_W - sum(widths)], st, align="cllcccl")]
    if all(bar.value is None for bar in bars):
        return out
    figure = 2 if _trend_ids(data) else 1
    drawings = charts.share_bars(sorted(bars, key=_bar_order), share, FRAME_W, st.fonts.table)
    for n, drawing in enumerate(drawings, start=1):
        part = f"（{n}/{len(drawings)}）" if len(drawings) > 1 else ""
        out.append(KeepTogether([Spacer(1, 8), drawing, Paragraph(
            f"图{figure}{part} 各社区卫生服务中心、乡镇卫生院中医类别医师占比"
            f"（虚线为 {percent(share)} 标准线）", st.caption)]))
    return out


def _staff_judgement(phys: int | None, tcm: int | None, own: float | None, share: float,
                     gap: str | None, short: str) -> str:
    if phys is None or tcm is None:
        return muted("未填报")
    if own is not None and own >= share:
        return "达标"
    return red(short + (f"：{esc(gap)}" if gap else ""))


def _bar_order(bar: charts.Bar) -> tuple[int, float]:
    """Highest share first, those under the line at the bottom, unreported last."""
    return (bar.value is None, -(bar.value or 0.0))


def _township(data: ReportData, f: Failing) -> str:
    return str(data.institution(f.institution_id).get("township") or "")


def _int(value: int | None) -> str:
    return muted("未填报") if value is None else number(value)


def _activity_matrix(data: ReportData, st: Styles) -> Story:
    ids = list(data.minimums)
    centres = data.centres
    if not ids:
        return [_p("本目标方案未考核 D1—D5 指标。", st)]
    if not centres:
        return [_p("无数据：文件中没有在用的社区卫生服务中心、乡镇卫生院。", st)]
    if not data.activity:
        return [_p(f"无数据：{data.year}年度没有活动记录。", st)]
    header = ["序号", "机构名称", *[f"{kind}<br/>（≥{m}{D_UNITS[i]}）" for i, (kind, m) in
                                   data.minimums.items()], "达到要求项数"]
    rows = []
    for n, inst in enumerate(centres, start=1):
        counts = data.activity.get(inst["id"], {})
        cells, met = [], 0
        for ind_id in ids:
            minimum = data.minimums[ind_id][1]
            count = counts.get(ind_id, 0)
            if count >= minimum:
                met += 1
                cells.append(str(count))
            else:
                cells.append(red(f"{count}（差{minimum - count}）"))
        score = f"{met}/{len(ids)}"
        rows.append([str(n), _name(inst["name"]), *cells, score if met == len(ids) else red(score)])
    col = min(54.0, (FRAME_W - 24 - 118 - 56) / len(ids))
    widths = [24, FRAME_W - 24 - 56 - col * len(ids), *[col] * len(ids), 56]
    return [table(header, rows, widths, st, align="cl" + "c" * (len(ids) + 1)),
            Paragraph("注：只统计有中医药内容的活动；文字资料、音像资料按不同名称计种数。"
                      "红字为未达到最低要求，括号内为差额。", st.note)]


# ---- failing institutions ---------------------------------------------------------------------

def _figure(data: ReportData, ind_id: str, f: Failing) -> str:
    """An institution's own figure for an indicator, in words."""
    if f.value is None:
        return "未填报"
    inst = data.institution(f.institution_id)
    if ind_id in ("A1", "A2"):
        return _label(data, f"中医馆{HALL_STATES.get(inst.get('hall_state') or 'none', '未建')}")
    if ind_id == "A3":
        return "未接入"
    if ind_id in ("A4", "A8", "A9"):
        return "不具备"
    if ind_id == "B9":
        return HOSPITAL_GRADES.get(inst.get("hospital_grade") or "none", "未定级")
    if ind_id in ("B10", "B11", "B12", "B13"):
        return "未设置"
    if ind_id == "B14":
        return f"{inst.get('fd_teams_tcm')}/{inst.get('fd_teams')} 个团队有中医药人员"
    if ind_id in ("B1", "B2", "B3"):
        cats, items = inst.get("tech_categories"), inst.get("tech_items")
        return f"{cats}类{items}项" if cats is not None else f"{items}项"
    if ind_id in ("B4", "C2", "C7"):
        return percent(f.value, trim=False)
    if ind_id in ("C3", "C4"):
        return f"{number(f.value)} 人"
    if ind_id in D_UNITS:
        return f"{number(f.value)} {D_UNITS[ind_id]}"
    return number(f.value)


def _failing_block(data: ReportData, r: Result, st: Styles) -> Story:
    heading = _h3(f"{_ref(r)}：全县 {_against(r)}，{status_text(r)}；"
                  f"以下 {len(r.failing)} 家未达到要求：", st)
    if len(r.failing) <= LONG_LIST:
        rows = [[str(n), _name(f.institution), _name(_township(data, f)),
                 esc(_figure(data, r.id, f)), esc(f.gap or "")]
                for n, f in enumerate(r.failing, start=1)]
        widths = [24, 130, 80, 80]
        return [*heading, table(["序号", "机构名称", "所属乡镇（街道）", "本机构现状", "差距"], rows,
                                [*widths, FRAME_W - sum(widths)], st, align="cllcl"), Spacer(1, 4)]
    return [*heading, _compact_failing(data, r, st), Spacer(1, 4)]


def _compact_failing(data: ReportData, r: Result, st: Styles) -> Flowable:
    """A long list four names to a row, grouped by what each must do: complete, but short."""
    per_row = 4
    groups: dict[str, list[Failing]] = {}
    for f in r.failing:
        groups.setdefault(f.gap or "", []).append(f)
    rows: list[list[str]] = []
    group_rows: list[int] = []
    seq = 0
    for gap, members in groups.items():
        figures = {_figure(data, r.id, f) for f in members}
        same = figures.pop() if len(figures) == 1 else None
        head = f"{esc(gap) or '未达到要求'}（{len(members)} 家" + (
            f"，现状：{esc(same)}）" if same else "）")
        group_rows.append(len(rows))
        rows.append([head])
        cells = []
        for f in members:
            seq += 1
            fig = "" if same else " " + muted(esc(_figure(data, r.id, f)), 7.5)
            cells.append(f'<font size="8">{seq}. {_name(f.institution)}</font>{fig}')
        for i in range(0, len(cells), per_row):
            rows.append(cells[i:i + per_row] + [""] * (per_row - len(cells[i:i + per_row])))
    header = [f"未达到要求的机构（共 {len(r.failing)} 家，按差距分组，按乡镇排列）", "", "", ""]
    return table(header, rows, [FRAME_W / per_row] * per_row, st, groups=group_rows,
                 extra=[("SPAN", (0, 0), (-1, 0))])


# ---- 七、创建任务进展 -----------------------------------------------------------------------------

def _task_part(data: ReportData, st: Styles) -> Story:
    return [*_tasks_progress(data, st), *_phases(data, st), *_evidence_index(data, st)]


def _phases(data: ReportData, st: Styles) -> Story:
    dated = [p for p in data.phases if p["start_date"] and p["end_date"]]
    if not dated:
        return []
    text = "；".join(f"{esc(p['name'])}（{p['start_date']} 至 {p['end_date']}）" for p in dated)
    return [Spacer(1, 3 * mm), _p(f"创建工作分为：{text}。", st)]  # apart from the task table


def _evidence_index(data: ReportData, st: Styles) -> Story:
    """The list of documents in the reviewers' binder (导出佐证材料 writes the same order)."""
    if not data.evidence:
        return []
    rows = [[str(n), esc(e.group), esc(e.about), str(e.year or ""), esc(e.filename)]
            for n, e in enumerate(data.evidence, start=1)]
    widths = [28, 50, 170, 36]
    return [*_h3(f"佐证材料目录（共 {len(rows)} 份，随报告另行装订）：", st),
            table(["序号", "类别", "所属指标、任务或活动", "年度", "文件"], rows,
                  [*widths, FRAME_W - sum(widths)], st, align="cclcl")]


def _tasks_progress(data: ReportData, st: Styles) -> Story:
    heading = _h1(7, "创建任务进展", st)
    tasks = data.tasks
    if not tasks:
        return [*heading, _p("文件中尚未录入创建任务。", st)]
    by_status = Counter(t.status for t in tasks)
    t = data.evaluation.tasks
    parts = "，".join(f"{s} {by_status[s]} 项" for s in ("已完成", "推进中", "未开始", "已延期")
                     if by_status[s])
    out: Story = [*heading, _p(f"创建任务共 {t.total} 项：{parts}。截至{_date(data.today)}，"
                               f"逾期未完成 {t.overdue} 项。", st)]
    open_tasks = [task for task in tasks if task.status != "已完成"]
    if not open_tasks:
        return [*out, _p("全部任务均已完成。", st)]
    rows = [[esc(task.number), esc(task.category), esc(task.text), _units(task),
             esc(task.deadline) or muted("未定"), _task_status(task)] for task in open_tasks]
    widths = [28, 52, 170, 98, 62]
    return [*out, *_h3("未完成的任务：", st),
            table(["序号", "类别", "任务", "牵头单位（配合单位）", "完成时限", "状态"], rows,
                  [*widths, FRAME_W - sum(widths)], st, align="cllccc")]


def _units(task: Task) -> str:
    lead = esc(task.lead_unit) or muted("未定")
    return f"{lead}<br/>{muted(esc(task.assist_units), 7.5)}" if task.assist_units else lead


def _task_status(task: Task) -> str:
    return red(f"{esc(task.status)}<br/>（逾期）") if task.overdue else esc(task.status)


# ---- 八、整改清单 ---------------------------------------------------------------------------------

def _where(r: Result) -> str:
    """Which part of the report names every institution of an indicator."""
    if r.id in IN_TABLE:
        return f"第{IN_TABLE[r.id]}表"
    part = AREA_PART[r.section]
    return f"第{CN_NUMBERS[part - 1]}部分“未达到要求的机构”"


def _concerned(data: ReportData, r: Result) -> str:
    if not r.failing:
        return "全县" if not BY_ID[r.id].scope else esc(BY_ID[r.id].scope_text)
    n = len(r.failing)
    if n <= NAMES_IN_RECTIFICATION:
        names = "、".join(_name(f.institution) for f in r.failing)
        return f"共 {n} 家：{names}" + muted(f"（各家差距见{_where(r)}）", 7.5)
    towns = Counter(_township(data, f) or "未填乡镇" for f in r.failing)
    if len(towns) <= TOWNS_IN_RECTIFICATION:
        by_town = "、".join(f"{_name(t)} {k} 家" for t, k in towns.items())
        return f"共 {n} 家，其中{by_town}。名单及各家差距见{_where(r)}。"
    # Hundreds of townships would make one cell pages long: the ones with the most to do.
    most = "、".join(f"{_name(t)} {k} 家" for t, k in towns.most_common(TOWNS_NAMED))
    return (f"共 {n} 家，涉及乡镇（街道）{len(towns)} 个，较多的是{most}等。"
            f"名单及各家差距见{_where(r)}。")


def _rectification(data: ReportData, st: Styles) -> Story:
    out: Story = _h1(8, "存在问题及整改清单", st)
    out += _veto_rectification(data, st)
    veto_ids = {i.indicator for i in _vetoes_failed(data)}
    # In a township's file only its own institutions' indicators: the county's are judged there.
    own = _own(data)
    if _town(data):
        out.append(_p(f"以下只列本乡镇机构的问题；{COUNTY_LEVEL}的指标由县卫生健康局合并各乡镇数据后"
                      "评价和安排整改。", st))
    # 必备 items first: one of them failed fails the county whatever the total.
    unmet = sorted((r for r in own if r.met is False), key=lambda r: r.id not in veto_ids)
    if not unmet and not any(r.met for r in own):
        out.append(_p("本年度纳入考核的指标均无数据，无法评价是否达标。", st))
    elif not unmet:
        out.append(_p("本年度纳入考核且有数据的指标均已达标。", st))
    else:
        out += [_p(f"对照目标方案，本年度有 {len(unmet)} 项指标未达标。逐项整改清单如下，"
                   "完成时限由各责任单位商定后填写。", st),
                _rectification_table(data, unmet, st), Spacer(1, 6)]
    watch = [r for r in own if r.met is True and r.failing]
    if watch:
        out.append(_p("以下指标全县已达标，但仍有机构未达到要求，建议一并督促整改：" + "；".join(
            f"{_ref(r)}（{len(r.failing)} 家，见{_where(r)}）" for r in watch) + "。", st))
    no_data = [r for r in own if r.value is None]
    if no_data:
        out.append(_p("以下指标因缺少数据无法评价，请补充填报："
                      + "、".join(_ref(r) for r in no_data) + "。", st))
    return out


def _vetoes_failed(data: ReportData) -> list[ItemScore]:
    """必备 items failed; in a township's file only those it judges itself."""
    score = data.evaluation.score
    return [i for i in (score.veto_failures if score else []) if not _county_level(data, i.id)]


def _veto_rectification(data: ReportData, st: Styles) -> Story:
    vetoes = _vetoes_failed(data)
    if not vetoes:
        return []
    rows = [[str(n), f"{esc(_item_ref(data, i))}{red('【必备】')}", esc(i.reason), ""]
            for n, i in enumerate(vetoes, start=1)]
    widths = [24, FRAME_W - 24 - 150 - 70, 150]
    return [_p(f"必备项未达到 {len(vetoes)} 项：按评分标准，必备项一项不达标即不能通过评审，"
               "须首先整改。", st),
            table(["序号", "必备项", "现状", "完成时限"], rows, [*widths, 70], st, align="clll"),
            Spacer(1, 6)]


def _rectification_table(data: ReportData, unmet: Sequence[Result], st: Styles) -> Flowable:
    rows = []
    for n, r in enumerate(unmet, start=1):
        problem = (f"{_ref(r)}<br/>现状 {red(esc(shown(r.kind, r.value)))}，"
                   f"标准 {esc(format_target(r.kind, r.target))}")
        rows.append([str(n), problem, esc(r.gap or ""), _concerned(data, r), ""])
    widths = [24, 116, 112, 160]
    return table(["序号", "存在问题", "整改要求（全县）", "涉及机构", "完成时限"], rows,
                 [*widths, FRAME_W - sum(widths)], st, align="cllll")


# ---- 落款 -----------------------------------------------------------------------------------------

def _closing(st: Styles) -> Story:
    """Lines to sign on, and below them, at the right, room for the unit's stamp and the date."""
    def cell(text: str) -> Paragraph:
        return Paragraph(text, st.sign)

    signers = Table([[cell("填报人："), "", cell("审核人："), ""],
                     [cell("联系电话："), "", "", ""]],
                    colWidths=[80, 150, 70, FRAME_W - 300])
    signers.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), st.fonts.body),
        ("LINEBELOW", (1, 0), (1, 1), 0.6, "#000000"),
        ("LINEBELOW", (3, 0), (3, 0), 0.6, "#000000"),
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("TOPPADDING", (0, 0), (-1, -1), 12),
    ]))

    def blank(n: int) -> str:
        return "&nbsp;" * n  # plain spaces would collapse

    stamp = Table([[cell("单位（盖章）：")], [Spacer(1, 26 * mm)],
                   [cell(f"日期：{blank(10)}年{blank(5)}月{blank(5)}日")]],
                  colWidths=[200], hAlign="RIGHT")
    stamp.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), st.fonts.body)]))
    return [Spacer(1, 8 * mm), KeepTogether([signers, Spacer(1, 4 * mm), stamp])]


# ---- 附件：模拟现场评审 -----------------------------------------------------------------------------

def _review_appendix(data: ReportData, st: Styles) -> Story:
    """The latest 模拟现场评审 of the year: its score, where books and site differ, the 整改 list."""
    if not data.reviews:
        return []
    out = data.reviews[-1]
    r, s = out.review, out.score
    kinds = Counter(INSTITUTION_TYPES.get(i["type"], "其他") for i in r.sample)
    drawn = "、".join(f"{k} {n} 家" for k, n in kinds.items())
    when = f"，评审日期 {esc(r.review_date)}" if r.review_date else ""
    verdict = "达到合格线" if s.passed else red("未通过")
    veto = [] if _town(data) else s.veto_failures
    scored = ("模拟评审在县里计分：县卫生健康局合并各乡镇的现场结论后计算得分，本报告不计分。"
              if _town(data) else
              f"按评分标准对现场结论计分（未现场核查的项目按台账计分），模拟评审得分 "
              f"<b>{s.total:g}</b> 分（满分 {s.max:g} 分，合格线 {s.pass_mark:g} 分），{verdict}；"
              f"同期按台账计分 {out.books_score.total:g} 分。")
    story: Story = [
        PageBreak(),
        Paragraph("附件：模拟现场评审情况", st.h1),
        _p(f"{esc(r.name)}（抽样种子 {r.seed}{when}）按评审专家的方式抽查 {len(r.sample)} 家机构："
           f"{esc(drawn)}。{scored}已录入现场结论 {out.entered} / {out.expected} 项。", st),
    ]
    if veto:
        story.append(_p(red("必备项未达到：") + "；".join(
            f"{esc(data.standard.short)} {esc(i.code)} {esc(i.text)}（{esc(i.reason)}）"
            for i in veto) + "。", st))
    if len(data.reviews) > 1 and not _town(data):
        story.append(_p("本年度历次模拟评审得分：" + "；".join(
            f"{esc(o.review.name)} {o.score.total:g} 分" for o in data.reviews) + "。", st))
    story += _h3(f"台账与现场不一致（{len(out.differences)} 处）", st)
    if out.differences:
        rows = [[str(n), f"{_name(d.institution)}<br/>{muted(_name(d.township), 7.5)}",
                 f"{esc(d.item_code)} {esc(d.item_text)}", esc(d.books),
                 esc(d.found) + (f"：{esc(d.note)}" if d.note else "")]
                for n, d in enumerate(out.differences, start=1)]
        widths = [24, 90, 150, 110]
        story.append(table(["序号", "机构", "评分项", "台账", "现场"], rows,
                           [*widths, FRAME_W - sum(widths)], st, align="cllll"))
    else:
        story.append(_p("已录入的现场结论与台账一致。", st))
    story += _h3(f"整改清单（{len(out.fixes)} 项）", st)
    if out.fixes:
        rows = [[str(n), _name(f.institution), f"{esc(f.item_code)} {esc(f.what)}", esc(f.note),
                 esc(f.responsible), esc(f.supervisor)]
                for n, f in enumerate(out.fixes, start=1)]
        widths = [24, 84, 150, 90, 70]
        story.append(table(["序号", "机构", "整改内容", "现场情况", "责任单位", "督导单位"], rows,
                           [*widths, FRAME_W - sum(widths)], st, align="clllll"))
    else:
        story.append(_p("本次模拟评审没有需要整改的项目。", st))
    return story


# ---- 附录 ----------------------------------------------------------------------------------------

def _long_names(data: ReportData, st: Styles) -> Story:
    """Institutions whose name or township the tables shortened, given whole, after the
    closing block; nothing when every name fits."""
    long = [i for i in data.institutions
            if len(i["name"]) > NAME_CHARS or len(i["township"]) > NAME_CHARS]
    if not long:
        return []
    rows = [[str(n), esc(i["name"]), esc(i["township"])] for n, i in enumerate(long, start=1)]
    note = (f"报告各表和图中超过 {NAME_CHARS} 个字的机构名称、乡镇（街道）名称只印前 "
            f"{NAME_CHARS - 1} 个字，以“…”结尾；全称如下。")
    widths = [28, FRAME_W - 28 - 120, 120]
    return [PageBreak(), Paragraph("附录　名称过长的机构", st.h1), _p(note, st),
            table(["序号", "机构名称（全称）", "所属乡镇（街道）"], rows, widths, st, align="cll")]
