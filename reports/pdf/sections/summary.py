"""一、总体情况: the year at a glance, the draft note, and the score item by item."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from reportlab.platypus import Paragraph, Spacer

from db.vocab import INSTITUTION_TYPES
from reports.judge import tally
from reports.judge.results import OFF, SCORED
from reports.judge.wording import COUNTY_LEVEL, status_text
from reports.pdf.data import ReportData
from reports.pdf.layout import FRAME_W, Styles, esc, muted, red, table
from reports.pdf.sections.common import (CN_NUMBERS, STATUSES, TASK_PART, Story, cn_date, delta_text, h1, h2,
                                         is_county_level, item_ref, no_previous_text, own_results,
                                         para, ref, relabel, scored_results, shown, status_of,
                                         township_scope)


def score_line(data: ReportData, st: Styles) -> Story:
    """The score first, as a reviewer reads it: points, pass mark, and any 必备 item failed; under
    it the one line on what the score rests on."""
    town = township_scope(data)
    if town:
        # A township's file holds only its own institutions: the county's score is not its own.
        return [para(f"本文件是 {esc(town)} 的乡镇填报文件：全县得分在县卫生健康局合并各乡镇数据后"
                     "计算，本报告只列本乡镇机构的填报和达标情况。", st)]
    score = data.evaluation.score
    if score is None:
        return []
    verdict = "达到合格线" if score.passed else red("未达到示范县标准")
    text = (f"按照“{esc(data.evaluation.profile_name)}”目标方案逐项自评，{data.year}年度自评得分 "
            f"<b>{score.total:g}</b> 分（满分 {score.max:g} 分，合格线 {score.pass_mark:g} 分），"
            f"{verdict}")
    vetoes = score.veto_failures
    if vetoes:
        text += "；必备项未达到：" + "、".join(f"{esc(item_ref(data, i))}" for i in vetoes)
    return [para(text + "。", st), Paragraph(esc(data.standard.basis_line), st.note)]


def summary_part(data: ReportData, st: Styles) -> Story:
    year = data.year
    out: Story = [*h1(1, "总体情况", st), *_draft_note(data, st), *score_line(data, st)]
    # The same rows and counts as 总览 (tally.py): every category named, adding up.
    lines = tally.lines(data.evaluation, data.standard)
    out += [*h2(1, "达标概况", st), para(f"{year}年度{tally.counts_text(lines)}。", st)]
    # Statistics (0 points, 不计分) are not counted here: counts_text says them apart.
    results = scored_results(data)
    now = Counter(status_of(data, r) for r in results)
    # Compared only with a year the file holds data for: a county that began this year has no
    # last year, and a column of 无数据 would read as if it had one and lost it all.
    last = data.evaluation.previous_year
    before = Counter(COUNTY_LEVEL if is_county_level(data, r.id) else data.previous_status[r.id]
                     for r in results) if last is not None else Counter()
    if last is None:
        out.append(para(no_previous_text(data), st))
    else:
        last_counts = "，".join(f"{s} {before[s]} 项" for s in (*STATUSES, COUNTY_LEVEL)
                               if before[s])
        out.append(para(f"按同一目标衡量，{last}年度按指标计算的 {len(results)} 项中"
                        f"{last_counts or '均无数据'}。", st))
        changes = _changes(data)
        if changes:
            out.append(para(changes, st))
    out.append(para(_institution_counts(data), st))
    t = data.evaluation.tasks
    if t.total:
        out.append(para(f"创建任务共 {t.total} 项，已完成 {t.done} 项，"
                        f"截至{cn_date(data.today)}逾期未完成 {t.overdue} 项（详见第{CN_NUMBERS[TASK_PART - 1]}部分）。", st))
    # 待填报 gets a row only in a year that has it, so a finished year's table stays as it was.
    shown = [s for s in (*STATUSES, COUNTY_LEVEL)
             if s not in ("待填报", COUNTY_LEVEL) or now[s] or before[s]]
    if last is None:
        rows = [[s, str(now[s])] for s in shown] + [["合计", str(len(results))]]
        out += [Spacer(1, 4), table(["按指标计算的评分项", f"{year}年度（项）"], rows, [130, 100],
                                    st, align="lc")]
        return out + _score_part(data, st)
    rows = [[s, str(now[s]), str(before[s]), delta_text(now[s] - before[s])] for s in shown]
    rows.append(["合计", str(len(results)), str(len(results)), ""])
    out += [Spacer(1, 4),
            table(["按指标计算的评分项", f"{year}年度（项）", f"{last}年度（项）", "增减"], rows,
                  [130, 100, 100, FRAME_W - 330], st, align="lccc")]
    return out + _score_part(data, st)


def _score_part(data: ReportData, st: Styles) -> Story:
    """Every item of the standard with its points, section by section, 必备 items marked."""
    score = data.evaluation.score
    if score is None:
        return []
    if township_scope(data):
        return _township_score_part(data, st)
    intro = f"对照《{esc(score.standard_name)}》逐项评分如下表。"
    vetoes = score.veto_failures
    intro += (f"必备项（一项不达标即不能通过）中有 {len(vetoes)} 项未达到，须优先整改。" if vetoes
              else "必备项均已达到。")
    rows: list[list[str]] = []
    groups: list[int] = []
    for section, shown_items in _sections_with_points(data, score):
        got = sum(i.points or 0 for i in shown_items)
        full = sum(i.max for i in shown_items if i.state != OFF)
        groups.append(len(rows))
        # The standard's parts in its own style (一、组织管理与政策保障), as 总览 and the binder.
        rows.append([f"{esc(relabel(data, tally.section_name(section)))}（{got:g} / {full:g} 分）"])
        for i in shown_items:
            name = esc(relabel(data, i.text)) + (red("【必备】") if i.veto else "")
            points = "—" if i.points is None else f"{i.points:g}"
            cell = red(points) if i.state != SCORED and i.state != OFF else points
            rows.append([esc(i.code), name, f"{i.max:g}", cell, esc(i.reason)])
    widths = [58, FRAME_W - 58 - 30 - 30 - 128, 30, 30, 128]
    return [*h2(2, "评分情况", st), para(intro, st),
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
    county = [i for i in score.items if is_county_level(data, i.id) and i.max > 0]
    intro = (f"对照《{esc(score.standard_name)}》的评分项由县卫生健康局在合并各乡镇数据后计分，本报告不计分。"
             f"其中 {len(county)} 项只能由县里汇总评价；其余各项列出本乡镇机构的情况，供县里计分时参考。")
    rows: list[list[str]] = []
    groups: list[int] = []
    for section, shown_items in _sections_with_points(data, score):
        groups.append(len(rows))
        rows.append([esc(relabel(data, tally.section_name(section)))])
        for i in shown_items:
            name = esc(relabel(data, i.text)) + ("【必备】" if i.veto else "")
            if is_county_level(data, i.id):
                rows.append([esc(i.code), name, muted(COUNTY_LEVEL)])
            else:
                rows.append([esc(i.code), name, esc(i.reason)])
    widths = [58, FRAME_W - 58 - 188]
    return [*h2(2, "评分项情况", st), para(intro, st),
            table(["条目", "评分项", "本乡镇情况"], rows, [*widths, 188], st, align="cll",
                  groups=groups)]


def _draft_note(data: ReportData, st: Styles) -> Story:
    """A draft says first what is missing, by name, so it is never taken for the final report."""
    if not data.is_draft or data.progress is None:
        return []
    lines = data.progress.missing_text()
    return [para(red("<b>本报告为草稿</b>") + f"：{data.year}年度的数据尚未齐全，补齐并确认后再生成正式报告。"
               + "".join(esc(line) for line in lines), st)]


def _changes(data: ReportData) -> str:
    gained = [r for r in own_results(data)
              if status_text(r) == "达标" and data.previous_status[r.id] == "未达标"]
    lost = [r for r in own_results(data)
            if status_text(r) == "未达标" and data.previous_status[r.id] == "达标"]
    parts = []
    if gained:
        parts.append("由未达标转为达标的指标：" + "、".join(ref(data, r) for r in gained))
    if lost:
        parts.append("由达标转为未达标的指标：" + "、".join(ref(data, r) for r in lost))
    return "与上年相比，" + "；".join(parts) + "。" if parts else ""


def _institution_counts(data: ReportData) -> str:
    counts = Counter(i["type"] for i in data.institutions)
    if not counts:
        return f"文件中没有{data.year}年度在用的医疗卫生机构。"
    parts = [f"{name} {counts[key]} 家" for key, name in INSTITUTION_TYPES.items() if counts[key]]
    # 填齐 as 填报进度 counts it: every part asked of the institution is in.
    state = data.progress
    complete = (sum(1 for i in state.institutions if i.reported) if state is not None
                else sum(1 for i in data.institutions if i["year_row"] is not None))
    return (f"全县纳入统计的医疗卫生机构共 {len(data.institutions)} 家：{'，'.join(parts)}；"
            f"其中 {complete} 家已填齐{data.year}年度应报的数据。")
