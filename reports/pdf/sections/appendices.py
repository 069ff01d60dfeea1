"""附件: the year's 模拟现场评审 (only once every finding is in), a summary of the 数据核查 not yet
checked, and names too long for a table. Each takes the number story() gives it."""

from __future__ import annotations

from collections import Counter
import re
from typing import Any

from db.vocab import CENTRE_TYPES, INSTITUTION_TYPES
from reports.judge.checks import KINDS, Finding
from reports.pdf.data import ReportData
from reports.pdf.layout import FRAME_W, NAME_CHARS, Styles, esc, muted, red, table
from reports.judge.wording import chinese_dates
from reports.pdf.sections.common import (Story, appendix_heading, cn_date, h2, inst_name, para,
                                         township_scope)

CHECK_LINES = 20  # the 数据核查 findings printed one by one: the most material
CHECK_TOWNS = 15  # townships named in the counts, the most findings first
CHECKS_SHEET = "数据核查"  # the export's sheet with every finding

# Which findings matter most to a reviewer: those that move scored figures of the centres
# (中医馆, techniques, staff, TCM visits) before counts of activities.
_KIND_RANK = {k: n for n, k in enumerate(("hall_state", "techniques", "tcm_physicians",
                                          "tcm_share", "tcm_visits", "physicians", "visits",
                                          "same_day", "duplicate"))}


# ---- 模拟现场评审 ----------------------------------------------------------------------------------

def review_appendix(data: ReportData, st: Styles, n: int) -> Story:
    """The year's latest complete 模拟现场评审: its score 按抽查口径 beside the books', where books
    and site differ, the 整改 list. A review with findings still to enter is no result and is
    not printed (its tab shows how far it has got)."""
    done = [o for o in data.reviews if o.complete]
    if not done:
        return []
    out = done[-1]
    r, s = out.review, out.score
    kinds = Counter(INSTITUTION_TYPES.get(i["type"], "其他") for i in r.sample)
    drawn = "、".join(f"{k} {c} 家" for k, c in kinds.items())
    when = f"（评审日期 {esc(cn_date(r.review_date))}）" if r.review_date else ""
    verdict = "达到合格线" if s.passed else red("未达到合格线")
    town = township_scope(data)
    veto = [] if town else s.veto_failures
    scored = ("模拟评审在县里计分：县卫生健康局合并各乡镇的现场结论后计算得分，本报告不计分。"
              if town else
              f"按抽查口径计分（现场核查的项目按抽查结论，其余按台账），模拟评审得分 <b>{s.total:g}</b> 分"
              f"（满分 {s.max:g} 分，合格线 {s.pass_mark:g} 分），{verdict}；同期按台账计分 "
              f"{out.books_score.total:g} 分。")
    story: Story = [
        *appendix_heading(n, "模拟现场评审情况", st),
        para(f"{esc(r.name)}{when}按评审专家的方式抽查 {len(r.sample)} 家机构：{esc(drawn)}，"
             f"{out.coverage_text}。{scored}", st),
    ]
    if veto:
        story.append(para(red("必备项未达到：") + "；".join(
            f"{esc(data.standard.short)} {esc(i.code)} {esc(i.text)}（{esc(i.reason)}）"
            for i in veto) + "。", st))
    if len(done) > 1 and not town:
        story.append(para("本年度历次已完成的模拟评审得分（按抽查口径）：" + "；".join(
            f"{esc(o.review.name)} {o.score.total:g} 分" for o in done) + "。", st))
    story += h2(1, f"台账与现场不一致（{len(out.differences)} 处）", st)
    if out.differences:
        rows = [[str(k), f"{inst_name(d.institution)}<br/>{muted(inst_name(d.township), 7.5)}",
                 f"{esc(d.item_code)} {esc(d.item_text)}", esc(d.books),
                 esc(d.found) + (f"：{esc(d.note)}" if d.note else "")]
                for k, d in enumerate(out.differences, start=1)]
        widths = [24, 90, 150, 110]
        story.append(table(["序号", "机构", "评分项", "台账", "现场"], rows,
                           [*widths, FRAME_W - sum(widths)], st, align="cllll"))
    else:
        story.append(para("现场结论与台账一致。", st))
    story += h2(2, f"整改清单（{len(out.fixes)} 项）", st)
    if out.fixes:
        rows = [[str(k), inst_name(f.institution), f"{esc(f.item_code)} {esc(f.what)}",
                 esc(f.note), esc(f.responsible), esc(f.supervisor)]
                for k, f in enumerate(out.fixes, start=1)]
        widths = [24, 84, 150, 90, 70]
        story.append(table(["序号", "机构", "整改内容", "现场情况", "责任单位", "督导单位"], rows,
                           [*widths, FRAME_W - sum(widths)], st, align="clllll"))
    else:
        story.append(para("本次模拟评审没有需要整改的项目。", st))
    return story


# ---- 数据核查 --------------------------------------------------------------------------------------

def _size(text: str) -> float:
    """The first number in a figure as printed ('1,234', '35.2%', '6类10项'), for ranking."""
    found = re.search(r"\d[\d,]*(?:\.\d+)?", text or "")
    return float(found.group().replace(",", "")) if found else 0.0


def _change(f: Finding) -> float:
    """How far a figure moved, as a ratio of the larger to the smaller (1 = not at all)."""
    a, b = _size(f.previous), _size(f.current)
    low, high = min(a, b), max(a, b)
    return high / low if low else high


def material_first(data: ReportData, findings: list[Finding]) -> list[Finding]:
    """Findings in the order a reviewer would ask about them: by what they touch (a 中医馆
    going backwards before a doubled visit count), centres and hospitals before stations and
    clinics, the biggest change first."""
    def rank(f: Finding) -> tuple[Any, ...]:
        kind = data.institution(f.institution_id).get("type", "")
        small = kind not in CENTRE_TYPES and kind not in ("county_tcm_hospital",
                                                          "county_general_hospital")
        return (_KIND_RANK.get(f.kind, len(_KIND_RANK)), small, -_change(f), f.township,
                f.institution, f.key)
    return sorted(findings, key=rank)


def _spread(ranked: list[Finding]) -> list[Finding]:
    """The first CHECK_LINES of `ranked`, at most a third of them of one kind while others wait,
    so one kind of oddity does not hide the rest; back in ranked order."""
    per_kind = max(CHECK_LINES // 3, 1)
    taken: list[Finding] = []
    seen: Counter[str] = Counter()
    for f in ranked:
        if len(taken) < CHECK_LINES and seen[f.kind] < per_kind:
            taken.append(f)
            seen[f.kind] += 1
    chosen = {id(f) for f in taken}
    taken += [f for f in ranked if id(f) not in chosen][:CHECK_LINES - len(taken)]
    order = {id(f): n for n, f in enumerate(ranked)}
    return sorted(taken, key=lambda f: order[id(f)])


# What 数据核查 looks at, in a reviewer's words: changes from last year, then entries in the year.
_AGAINST_LAST_YEAR = ("visits", "tcm_visits", "physicians", "tcm_physicians", "hall_area",
                      "techniques", "hall_state", "tcm_share")


def checks_intro(data: ReportData, found: list[Finding]) -> str:
    """What was checked, how many problems are still open and where the whole list is kept: a
    reviewer reads this without the bureau's files, so it names them as the bureau's to show."""
    towns = {f.township or "未填乡镇" for f in found}
    changes = "，".join(KINDS[k] for k in _AGAINST_LAST_YEAR)
    within = "、".join(KINDS[k] for k in KINDS if k not in _AGAINST_LAST_YEAR)
    return (f"县卫生健康局对{data.year}年度各机构填报的数据逐家进行了核查，核查内容共 {len(KINDS)} 类："
            f"与上年相比变化异常（{changes}）和当年录入可疑（{within}）。截至报告日期，尚待核实的共 "
            f"{len(found)} 项，涉及 {len({f.institution_id for f in found})} 家机构、{len(towns)} 个"
            "乡镇（街道），各类项数如下表（0 项表示该类没有尚待核实的数据）。逐项核查清单及核实情况由县卫生"
            f"健康局留存（本年度数据导出表中的“{CHECKS_SHEET}”表），评审时可备查。")


def checks_appendix(data: ReportData, st: Styles, n: int) -> Story:
    """数据核查 not yet marked 已核实, summarised: what was checked, counts by kind (every kind,
    0 where nothing was found) and by township, the most material lines, and where the whole
    list is kept (the bureau's Excel export)."""
    found = data.unchecked
    if not found:
        return []
    kinds = Counter(f.kind for f in found)
    towns = Counter(f.township or "未填乡镇" for f in found)
    top = _spread(material_first(data, found))
    order = [*_AGAINST_LAST_YEAR, *(k for k in KINDS if k not in _AGAINST_LAST_YEAR)]
    story: Story = [
        *appendix_heading(n, "数据核查情况", st),
        para(esc(checks_intro(data, found)), st),
        *h2(1, "按核查项", st),
        table(["核查项", "尚待核实（项）"], [[esc(KINDS[k]), str(kinds[k])] for k in order],
              [FRAME_W - 90, 90], st, align="lc"),
    ]
    shown = towns.most_common(CHECK_TOWNS)
    rows = [[inst_name(t), str(c)] for t, c in shown]
    if len(towns) > len(shown):
        rows.append([f"其余 {len(towns) - len(shown)} 个乡镇（街道）",
                     str(sum(towns.values()) - sum(c for _, c in shown))])
    story += [*h2(2, "按乡镇（街道）", st),
              table(["乡镇（街道）", "项数"], rows, [FRAME_W - 90, 90], st, align="lc")]
    lines = [[str(k), inst_name(f.institution), esc(f.label), esc(f.previous), esc(f.current),
              esc(chinese_dates(f.detail))] for k, f in enumerate(top, start=1)]
    widths = [24, 114, 96, 58, 58]  # 上年, 本年 hold 1,234 平方米 on one line
    title = ("各项明细" if len(top) == len(found)
             else f"需优先核实的 {len(top)} 项（中医馆、适宜技术、人员等计分数据在前）")
    story += [*h2(3, title, st),
              table(["序号", "机构", "核查项", "上年", "本年", "说明"], lines,
                    [*widths, FRAME_W - sum(widths)], st, align="lllrrl")]
    return story


# ---- 名称过长的机构 -------------------------------------------------------------------------------

def long_names_appendix(data: ReportData, st: Styles, n: int) -> Story:
    """Institutions whose name or township the tables shortened, given whole; nothing when
    every name fits."""
    long = [i for i in data.institutions
            if len(i["name"]) > NAME_CHARS or len(i["township"]) > NAME_CHARS]
    if not long:
        return []
    rows = [[str(k), esc(i["name"]), esc(i["township"])] for k, i in enumerate(long, start=1)]
    note = (f"报告各表和图中超过 {NAME_CHARS} 个字的机构名称、乡镇（街道）名称只印前 "
            f"{NAME_CHARS - 1} 个字，以“…”结尾；全称如下。")
    widths = [28, FRAME_W - 28 - 120, 120]
    return [*appendix_heading(n, "名称过长的机构", st), para(note, st),
            table(["序号", "机构名称（全称）", "所属乡镇（街道）"], rows, widths, st, align="cll")]
