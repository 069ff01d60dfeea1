"""二、指标达成情况: every indicator against its target, in the standard's sections and words,
and the main ones over the years."""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph

from db.vocab import HALL_STATES
from reports.judge import profiles
from reports.judge.results import Result
from reports.judge.tally import section_name
from reports.judge.wording import COUNTY_LEVEL, format_target, percent, status_text
from reports.pdf import charts
from reports.pdf.data import ReportData
from reports.pdf.layout import FRAME_W, Styles, esc, muted, red, table
from reports.pdf.sections.common import (CN_NUMBERS, D_UNITS, INDICATOR_PART, STANDARD_PART,
                                         Story, code_of, h1, h2, section_number, section_of,
                                         is_county_level, para, ref, relabel, shown,
                                         status_cell)


TREND_IDS = ("A2", "B1", "B4", "B5", "C7", "D10")


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


def _basis(data: ReportData, r: Result) -> str:
    """The county's own plan where it sets a target of its own, or where the standard does not
    list the indicator (the 条目 column cites the standard); never the program's numbering."""
    item = data.standard.for_indicator(r.id)
    parts = []
    if data.profile.local_target(r.id) or item is None:
        note = data.profile.setting(r.id).note
        parts.append(f"本县方案：{note}" if note and not note.startswith("地方") else
                     note or "本县方案")
    return ", ".join(parts)


def indicator_part(data: ReportData, st: Styles) -> Story:
    rows: list[list[str]] = []
    groups: list[int] = []
    # Last year's column only where the file holds last year (一 says once that it does not).
    last = data.evaluation.previous_year
    widths = [50, 0, 74, 44, *([44] if last else []), 42]
    widths[1] = FRAME_W - sum(widths)
    part = CN_NUMBERS[STANDARD_PART - 1]
    for n, section in enumerate(data.standard.sections, start=1):
        order = {i.indicator: k for k, i in enumerate(section.items) if i.indicator}
        results = sorted((r for r in data.results if section_of(data, r) == section.id),
                         key=lambda r: order.get(r.id, len(order)))
        if not results:
            continue
        groups.append(len(rows))
        # The standard's part in its own style, and where this report details it.
        rows.append([f"{esc(relabel(data, section_name(section)))}"
                     f"（明细见第{part}部分{section_number(data, section.id)}）"])
        for r in results:
            item = data.standard.for_indicator(r.id)
            code = esc(item.code) if item is not None else ""
            name = esc(relabel(data, item.text)) if item is not None else \
                f"{esc(r.name)}{muted('（本县指标）', 7.5)}"
            basis = _basis(data, r)
            if basis:
                name += f"<br/>{muted(esc(basis), 7)}"
            value = esc(shown(r.kind, r.value, r.marks))
            if is_county_level(data, r.id):
                # Smaller, so the five characters fit the 达标情况 column on one line.
                rows.append([code, name, _target_text(data, r), "—", *(["—"] if last else []),
                             muted(COUNTY_LEVEL, 6.5)])
                continue
            rows.append([code, name, _target_text(data, r),
                         red(value) if r.met is False and not r.statistic else value,
                         *([esc(shown(r.kind, r.previous_value, r.marks))] if last else []),
                         status_cell(status_text(r))])
    header = ["条目", "评分项（建设标准原文）", "标准要求", f"{data.year}年",
              *([f"{last}年"] if last else []), "达标情况"]
    out: Story = [*h1(INDICATOR_PART, "指标达成情况", st), *h2(1, "指标一览", st),
                  table(header, rows, widths, st, align="clccc" + "c" * bool(last),
                        groups=groups)]
    out.append(Paragraph(f"注：“条目”指《{esc(data.standard.name)}》的条目编号，评分项为其原文；"
                         "“本县方案”指本县创建方案提出的、高于或不同于该标准的要求，"
                         "“标准要求”栏两者并列；统计项（不计分）列出数值和参考要求，不评价达标。",
                         st.note))
    return out + _trend_part(data, st)


def trend_ids(data: ReportData) -> list[str]:
    """The main indicators to follow over the years, or none when there is only one year."""
    if len(data.trend) < 2:
        return []
    return [i for i in TREND_IDS
            if data.evaluation.result(i) is not None and not is_county_level(data, i)]


def _trend_part(data: ReportData, st: Styles) -> Story:
    ids = trend_ids(data)
    years = [e.year for e in data.trend]
    if not ids:
        return [*h2(2, "主要指标历年变化", st),
                para(f"文件中没有{data.year}年度以前的数据，暂无历年对比。", st)]
    series = []
    rows = []
    for ind_id in ids:
        values = [e.value(ind_id) for e in data.trend]
        current = data.evaluation.result(ind_id)
        assert current is not None
        series.append(charts.Series(f"{code_of(data, current)} {current.name}".strip(), values))
        rows.append([ref(data, current), *[esc(shown(current.kind, v, current.marks)) for v in values],
                     esc(format_target(current.kind, current.target))])
    drawing = charts.trend_lines(years, series, FRAME_W, st.fonts.table)
    # The heading stays with its chart: never alone at the foot of a page.
    heading = h2(2, "主要指标历年变化", st, room=drawing.height + 20 * mm)
    caption = Paragraph(f"图1 主要指标{years[0]}—{years[-1]}年变化", st.caption)
    year_w = min(56.0, (FRAME_W - 220) / len(years))
    widths = [FRAME_W - 60 - year_w * len(years), *[year_w] * len(years), 60]
    return [*heading, KeepTogether([drawing, caption]),
            table(["指标", *[f"{y}年" for y in years], "标准"], rows, widths, st,
                  align="l" + "c" * (len(years) + 1))]
