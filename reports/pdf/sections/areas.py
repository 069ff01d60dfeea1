"""三、对照建设标准逐项自评: the standard's sections in its order and numbers (（一）组织管理与政策
保障, （二）服务网络 …), each with its items in its words: how each indicator is computed, the
tables behind it (中医馆, staffing, activities), the items judged from tasks and evidence, and
the institutions that fall short."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
import os
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Spacer

from db.vocab import HALL_GRADES
from reports.judge.catalogue import BY_ID
from reports.judge.measures import hall_check
from reports.judge.results import OFF, SCORED, Failing, ItemScore, Result
from reports.judge.wording import (COUNTY_LEVEL, no_institution_reason, number, percent,
                                   status_text)
from reports.pdf import charts
from reports.pdf.data import ReportData
from reports.pdf.layout import FRAME_W, Styles, esc, muted, red, shorten, table
from reports.pdf.sections.common import (ACTIVITY_TABLE, D_UNITS, IN_TABLE, NAMES_LISTED,
                                         STAFFING_TABLE, STANDARD_PART, Story, against,
                                         code_of, figure_of, h4, section_of, township_scope, h1, h2, h3, inst_name, int_cell,
                                         is_county_level, para, ref, reference_text, relabel,
                                         shown, township_of)
from reports.pdf.sections.indicators import trend_ids


LONG_LIST = 30  # more failing institutions than this are listed compactly, grouped by gap
TOWNS_LISTED = 30  # townships named in those counts, the most first
# More groups than this (and than a third of the names), each short by its own amount (诊疗人次
# still needed): one list, every name followed by its gap, not a heading for each name.
GAP_GROUPS = 12
ROWS_LISTED = 60  # per-institution tables (staffing, activities) show at most this many rows
FAILING_SHEET = "未达标机构"  # the export's sheet naming every failing institution


def standard_part(data: ReportData, st: Styles) -> Story:
    """三: one sub-part for each section of the standard, in its order and numbers."""
    out: Story = [*h1(STANDARD_PART, "对照建设标准逐项自评", st),
                  para(f"按《{esc(data.standard.name)}》的章节和条目顺序逐项列出本县情况；评分项为"
                       "建设标准原文，本县方案另设的指标标注“本县指标”。", st)]
    for n, section in enumerate(data.standard.sections, start=1):
        out += section_part(data, st, section, n)
    return out


def section_part(data: ReportData, st: Styles, section: Any, n: int) -> Story:
    """One section of the standard: its indicators computed, the tables behind them, its items
    judged from tasks and evidence, and the institutions that fall short."""
    order = {i.indicator: k for k, i in enumerate(section.items) if i.indicator}
    results = sorted((r for r in data.results if section_of(data, r) == section.id),
                     key=lambda r: order.get(r.id, len(order)))
    county = sum(1 for r in results if is_county_level(data, r.id))
    results = [r for r in results if not is_county_level(data, r.id)]
    items = _item_scores(data, section)
    intro = _items_intro(items)
    if results or county:
        intro += _area_intro(data, results, county)
    out: Story = [*h2(n, relabel(data, section.title), st, room=60 * mm),
                  para(intro or "本目标方案未考核本部分的评分项。", st)]
    sub = 0
    if results:
        sub += 1
        out += [*h3(sub, "指标计算明细", st), _calculation_table(data, results, st)]
    ids = {r.id for r in results}
    for wanted, title, build in (
            (("A1", "A2", "A3", "A5", "A10"), "中医馆、中医阁建设情况", _halls),
            (("C7", "C2"), STAFFING_TABLE, _staffing),
            (("D1", "D2", "D3", "D4", "D5"), ACTIVITY_TABLE, _activity_matrix)):
        if ids & set(wanted):
            sub += 1
            out += [*h3(sub, esc(relabel(data, title)), st), *build(data, st)]
        elif build is _activity_matrix and any(i.indicator in wanted for i in section.items):
            # The section's activity minimums all switched off in the county's profile: the
            # table says which requirements that leaves out, in their words.
            sub += 1
            out += [*h3(sub, esc(relabel(data, title)), st), *build(data, st)]
    if items:
        sub += 1
        out += [*h3(sub, "按创建任务和佐证材料评分的项目", st), _items_table(data, items, st)]
    # A statistic (不计分) has no institutions 未达到要求: nothing is asked of them under it.
    listed = [r for r in results if r.failing and r.id not in IN_TABLE and not r.statistic]
    if listed:
        sub += 1
        # Room for the run-in heading under it too, or this heading would stay behind alone.
        out += [CondPageBreak(60 * mm), *h3(sub, "未达到要求的机构", st)]
        for k, r in enumerate(listed, start=1):
            out += _failing_block(data, r, st, k)
    return out


def _item_scores(data: ReportData, section: Any) -> list[ItemScore]:
    """The section's items judged from the creation tasks, their evidence and the register
    (not from an indicator), as scored; none in a township's file (the county judges them)."""
    score = data.evaluation.score
    if score is None or township_scope(data):
        return []
    found = [score.item(i.id) for i in section.items if i.indicator is None]
    return [i for i in found if i is not None and i.state != OFF]


def _items_intro(items: list[ItemScore]) -> str:
    if not items:
        return ""
    got = sum(i.points or 0 for i in items)
    full = sum(i.max for i in items)
    done = sum(1 for i in items if i.state == SCORED)
    return (f"本部分按创建任务和佐证材料评分的项目 {len(items)} 项，得 {got:g} / {full:g} 分，"
            f"其中 {done} 项得满分。")


def _items_table(data: ReportData, items: list[ItemScore], st: Styles) -> Flowable:
    rows = []
    for i in items:
        name = esc(relabel(data, i.text)) + (red("【必备】") if i.veto else "")
        points = f"{i.points or 0:g} / {i.max:g}"
        rows.append([esc(i.code), name, points if i.state == SCORED else red(points),
                     esc(i.reason)])
    widths = [58, FRAME_W - 58 - 56 - 150, 56]
    return table(["条目", "评分项", "得分", "完成情况"], rows, [*widths, 150], st, align="clcl")


def _area_intro(data: ReportData, results: Sequence[Result], county: int = 0) -> str:
    """`results` this file judges; `county` how many more only the county judges (a township's
    file), named so they are not taken for forgotten."""
    if county:
        head = f"本部分另有 {county} 项指标{COUNTY_LEVEL}，不在本乡镇评价。"
        return head + (_area_intro(data, results) if results else "")
    if not results:
        return "本目标方案未考核本部分指标。"
    statistics = [r for r in results if r.statistic]
    results = [r for r in results if not r.statistic]
    now = Counter(status_text(r) for r in results)
    text = (f"本部分纳入评价的指标 {len(results)} 项，达标 {now['达标']} 项，"
            f"未达标 {now['未达标']} 项，"
            + (f"待填报 {now['待填报']} 项，" if now["待填报"] else "")
            + f"无数据 {now['无数据']} 项")
    text += f"，只统计不考核 {now['不考核']} 项" if now["不考核"] else ""
    # 0-point items of the standard: said apart, never among the 未达标.
    text += (f"；另有统计项 {len(statistics)} 项（不计分）：" + "、".join(ref(data, r) for r in statistics)
             + "。") if statistics else "。"
    unmet = [r for r in results if r.met is False]
    if unmet:
        text += "未达标的是：" + "；".join(f"{ref(data, r)}（{against(r)}）" for r in unmet) + "。"
    return text


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
    if r.statistic:
        return muted(esc(reference_text(r)))
    if status == "待填报":
        # The value beside it is of those that reported: not 无数据, and not yet judged.
        return f"待填报（{len(r.not_reported)} 家未填报）"
    reason = no_institution_reason(r)
    return muted(f"{status}（{esc(reason)}）" if reason and status == "无数据" else status)


def _calculation_table(data: ReportData, results: Sequence[Result], st: Styles) -> Flowable:
    if not results:
        return para("无。", st)
    rows = [[str(n), ref(data, r), f'<font size="8">{esc(relabel(data, BY_ID[r.id].measure))}</font>',
             _fraction(r), esc(shown(r.kind, r.value, r.marks)), _judgement(r)]
            for n, r in enumerate(results, start=1)]
    widths = [24, 122, 102, 84, 48]  # 分子 / 分母 holds 319,521 / 793,183 on one line
    return table(["序号", "指标", "计算方法", "分子 / 分母", "实际值", "达标情况及差距"], rows,
                 [*widths, FRAME_W - sum(widths)], st, align="cllccl")


def _no_figures(insts: Sequence[dict[str, Any]]) -> bool:
    """No institution reported this year's figures: a table of zeros would mislead."""
    return not any(i["year_row"] is not None for i in insts)


def _halls(data: ReportData, st: Styles) -> Story:
    centres, stations = data.centres, data.stations
    if _no_figures([*centres, *stations]):
        return [para(f"无数据：{data.year}年度没有基层医疗卫生机构填报中医馆、中医阁情况。", st)]

    def row(label: str, n: int, of: int) -> list[Any]:
        return [Paragraph(esc(relabel(data, label)), st.cell_indent), str(n),
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
            Paragraph(esc(relabel(data, note)), st.note),
            *[Paragraph(esc(relabel(data, line)), st.note) for line in typed_not_counted(data)]]


def typed_not_counted(data: ReportData) -> list[str]:
    """Where the table's typed count (中医馆提档升级 9) and the standard's item (二（二）3: 8) differ:
    which 中医馆 is typed so but not counted, and why, in the reader's terms."""
    out = []
    for ind_id, states, word in (("A2", ("standard", "upgraded"), "达标"),
                                 ("A10", ("upgraded",), "提档升级")):
        r = data.evaluation.result(ind_id)
        if r is None or r.statistic:
            continue
        setting = data.profile.setting(ind_id)
        short = [(i, check.gap or "") for i in data.centres if i["hall_state"] in states
                 for check in [hall_check(ind_id, i, setting)]
                 if not check.ok and not check.missing]
        if not short:
            continue
        who = "；".join(f"{shorten(i['name'])}（{_hall_reason(i, gap, setting.threshold)}）"
                       for i, gap in short)
        counted = (f"该项计入 {number(r.numerator)} 家，占 {shown(r.kind, r.value, r.marks)}"
                   if r.numerator is not None else "")
        code = code_of(data, r)
        item = f"建设标准 {code} 的{word}条件" if code else f"{r.name}（本县指标）的条件"
        out.append(f"上表“中医馆{word}”按各机构填报的情况统计；其中 {len(short)} 家填报为{word}，"
                   f"但不符合{item}，未计入该项（{counted}）：{who}。")
    return out


def _hall_reason(inst: dict[str, Any], gap: str, threshold: dict[str, Any]) -> str:
    """The shortfall as the reader checks it: the centre's own TCM share beside the line."""
    share, phys, tcm = threshold.get("tcm_share"), inst["physicians"], inst["tcm_physicians"]
    if "中医类别医师" in gap and share and phys and tcm is not None:
        own = percent(tcm / phys, trim=False, marks=(share,))
        return f"中医类别医师占比 {own}，低于 {percent(share)}，{gap}"
    return gap or "未达到条件"


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
        return [para("无数据：文件中没有在用的社区卫生服务中心、乡镇卫生院。", st)]
    if _no_figures(centres):
        return [para(f"无数据：{data.year}年度没有社区卫生服务中心、乡镇卫生院填报人员数据。", st)]
    def own_share(inst: dict[str, Any]) -> float | None:
        phys, tcm = inst["physicians"], inst["tcm_physicians"]
        return tcm / phys if phys and tcm is not None else None

    listed, note = _capped(centres, lambda i: (own_share(i) or 0) < share,
                           f"每家 ≥ {percent(share)} 的要求" if each
                           else f"{percent(share)} 的中医类别医师占比", "人员配备")
    rows, bars = [], []
    for n, inst in enumerate(listed, start=1):
        phys, tcm = inst["physicians"], inst["tcm_physicians"]
        own = own_share(inst)
        bars.append(charts.Bar(shorten(inst["name"]), own))
        rows.append([str(n), inst_name(inst["name"]), inst_name(inst["township"]), int_cell(phys), int_cell(tcm),
                     percent(own, trim=False, marks=(share,)) if own is not None
                     else muted("无数据"),
                     _staff_judgement(phys, tcm, own, share, gaps.get(inst["id"]),
                                      "未达标" if each else f"低于 {percent(share)}")])
    widths = [24, 120, 68, 50, 50, 50]
    header = ["序号", "机构名称", "所属乡镇（街道）", "执业（助理）医师", "中医类别医师", "中医类别占比",
              f"达标情况（每家 ≥ {percent(share)}）" if each
              else f"对照（合计 ≥ {percent(share)}）"]
    out: Story = [*note(st), table(header, rows, [*widths, FRAME_W - sum(widths)], st,
                                   align="cllcccl")]
    if all(bar.value is None for bar in bars):
        return out
    figure = 2 if trend_ids(data) else 1
    drawings = charts.share_bars(sorted(bars, key=_bar_order), share, FRAME_W, st.fonts.table)
    for n, drawing in enumerate(drawings, start=1):
        part = f"（{n}/{len(drawings)}）" if len(drawings) > 1 else ""
        out.append(KeepTogether([Spacer(1, 8), drawing, Paragraph(
            f"图{figure}{part} 各社区卫生服务中心、乡镇卫生院中医类别医师占比"
            f"（虚线为 {percent(share)} 标准线）", st.caption)]))
    return out


def _capped(insts: list[dict[str, Any]], short: Callable[[dict[str, Any]], bool],
            requirement: str, sheet: str
            ) -> tuple[list[dict[str, Any]], Callable[[Styles], Story]]:
    """A table of every centre while a reader can take it in; beyond ROWS_LISTED, only those
    that fall short (at most ROWS_LISTED), with a sentence saying how many are left out and
    where every row is."""
    if len(insts) <= ROWS_LISTED:
        return insts, lambda st: []
    behind = [i for i in insts if short(i)]
    listed = behind[:ROWS_LISTED]
    more = (f"；未达到要求的共 {len(behind)} 家，下表列出前 {len(listed)} 家"
            if len(behind) > len(listed) else f"；下表列出未达到要求的 {len(listed)} 家")
    text = (f"全县社区卫生服务中心、乡镇卫生院共 {len(insts)} 家，其中 {len(insts) - len(behind)} 家"
            f"达到{requirement}{more}。各家数据见本年度数据导出（Excel）的“{sheet}”工作表。")
    return listed, lambda st: [para(text, st)]


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


def _activity_matrix(data: ReportData, st: Styles) -> Story:
    ids = list(data.minimums)
    centres = data.centres
    if not ids:
        return [para("本目标方案未考核宣传栏更换、健康咨询、文字资料、音像资料、健康讲座的"
                     "最低次数（种数）。", st)]
    if not centres:
        return [para("无数据：文件中没有在用的社区卫生服务中心、乡镇卫生院。", st)]
    if not data.activity:
        return [para(f"无数据：{data.year}年度没有活动记录。", st)]
    header = ["序号", "机构名称", *[f"{kind}<br/>（≥{m}{D_UNITS[i]}）" for i, (kind, m) in
                                   data.minimums.items()], "达到要求项数"]
    def short_of_any(inst: dict[str, Any]) -> bool:
        counts = data.activity.get(inst["id"], {})
        return any(counts.get(i, 0) < data.minimums[i][1] for i in ids)

    listed, note = _capped(centres, short_of_any, "各项最低要求", "活动记录")
    rows = []
    for n, inst in enumerate(listed, start=1):
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
        rows.append([str(n), inst_name(inst["name"]), *cells, score if met == len(ids) else red(score)])
    col = min(54.0, (FRAME_W - 24 - 118 - 56) / len(ids))
    widths = [24, FRAME_W - 24 - 56 - col * len(ids), *[col] * len(ids), 56]
    return [*note(st), table(header, rows, widths, st, align="cl" + "c" * (len(ids) + 1)),
            Paragraph("注：只统计有中医药内容的活动；文字资料、音像资料按不同名称计种数。"
                      "红字为未达到最低要求，括号内为差额。", st.note)]


def _failing_block(data: ReportData, r: Result, st: Styles, n: int) -> Story:
    heading = h4(n, f"{ref(data, r)}：全县 {against(r)}，{status_text(r)}；"
                    f"以下 {len(r.failing)} 家未达到要求：", st)
    if len(r.failing) <= LONG_LIST:
        rows = [[str(n), inst_name(f.institution), inst_name(township_of(data, f)),
                 esc(figure_of(data, r.id, f)), esc(f.gap or "")]
                for n, f in enumerate(r.failing, start=1)]
        widths = [24, 130, 80, 80]
        return [*heading, table(["序号", "机构名称", "所属乡镇（街道）", "本机构现状", "差距"], rows,
                                [*widths, FRAME_W - sum(widths)], st, align="cllcl"), Spacer(1, 4)]
    if len(r.failing) <= NAMES_LISTED:
        return [*heading, _compact_failing(data, r, st), Spacer(1, 4)]
    return [*heading, *_failing_by_township(data, r, st), Spacer(1, 4)]


def _failing_by_township(data: ReportData, r: Result, st: Styles) -> Story:
    """Hundreds of names help no reader of a report: how many in each township, the townships
    with the most first, and where the whole list is (the Excel export)."""
    towns = Counter(township_of(data, f) or "未填乡镇" for f in r.failing)
    gaps = Counter(f.gap or "未达到要求" for f in r.failing)
    shown_towns = towns.most_common(TOWNS_LISTED)
    rows = [[str(n), inst_name(t), str(k)] for n, (t, k) in enumerate(shown_towns, start=1)]
    rest = len(towns) - len(shown_towns)
    if rest:
        rows.append(["", f"其余 {rest} 个乡镇（街道）", str(sum(towns.values())
                                                          - sum(k for _, k in shown_towns))])
    kinds = "；".join(f"{esc(g)} {k} 家" for g, k in gaps.most_common(5))
    more = f"等 {len(gaps)} 类" if len(gaps) > 5 else ""
    return [para(f"共 {len(r.failing)} 家，涉及乡镇（街道）{len(towns)} 个。按差距分：{kinds}{more}。"
                 f"逐家名单和差距见本年度数据导出（Excel）的“{FAILING_SHEET}”工作表。", st),
            table(["序号", "乡镇（街道）", "未达到要求的机构（家）"], rows, [24, FRAME_W - 24 - 130, 130],
                  st, align="clc")]


def _compact_failing(data: ReportData, r: Result, st: Styles) -> Flowable:
    """A long list four names to a row, grouped by what each must do: complete, but short."""
    per_row = 4
    groups: dict[str, list[Failing]] = {}
    for f in r.failing:
        groups.setdefault(f.gap or "", []).append(f)
    if len(groups) > max(GAP_GROUPS, len(r.failing) // 3):
        return _each_with_its_gap(data, r, st)
    rows: list[list[str]] = []
    group_rows: list[int] = []
    seq = 0
    for gap, members in groups.items():
        figures = {figure_of(data, r.id, f) for f in members}
        same = figures.pop() if len(figures) == 1 else None
        head = f"{esc(gap) or '未达到要求'}（{len(members)} 家" + (
            f"，现状：{esc(same)}）" if same else "）")
        group_rows.append(len(rows))
        rows.append([head])
        cells = []
        for f in members:
            seq += 1
            fig = "" if same else " " + muted(esc(figure_of(data, r.id, f)), 7.5)
            cells.append(f'<font size="8">{seq}. {inst_name(f.institution)}</font>{fig}')
        for i in range(0, len(cells), per_row):
            rows.append(cells[i:i + per_row] + [""] * (per_row - len(cells[i:i + per_row])))
    header = [f"未达到要求的机构（共 {len(r.failing)} 家，按差距分组，按乡镇排列）", "", "", ""]
    return table(header, rows, [FRAME_W / per_row] * per_row, st, groups=group_rows,
                 extra=[("SPAN", (0, 0), (-1, 0))])


def _each_with_its_gap(data: ReportData, r: Result, st: Styles) -> Flowable:
    """Names three to a row in the order of the townships, each with what it still needs and
    its own figure (when the gaps are amounts, hardly two alike). Words every gap shares
    (“中医诊疗人次还需增加”) are said once, in the heading."""
    per_row = 3
    gaps = [f.gap or "未达到要求" for f in r.failing]
    shared = os.path.commonprefix(gaps)
    shared = shared[:next((i for i, c in enumerate(shared) if c.isdigit()), len(shared))]
    if len(shared.strip()) < 4 or any(len(g) == len(shared) for g in gaps):
        shared = ""
    cells = [f'<font size="8">{n}. {inst_name(f.institution)}</font> '
             + muted(esc(f"{gap[len(shared):].strip()}；现状 {figure_of(data, r.id, f)}"), 7.5)
             for n, (f, gap) in enumerate(zip(r.failing, gaps), start=1)]
    rows = [cells[i:i + per_row] + [""] * (per_row - len(cells[i:i + per_row]))
            for i in range(0, len(cells), per_row)]
    said = f"“{esc(shared.strip())}”的数量和现状" if shared else "差距和现状"
    header = [f"未达到要求的机构（共 {len(r.failing)} 家，按乡镇排列，名称后为{said}）", "", ""]
    return table(header, rows, [FRAME_W / per_row] * per_row, st,
                 extra=[("SPAN", (0, 0), (-1, 0))])
