"""五、存在问题及整改清单: what falls short, in the order it is to be fixed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from reportlab.platypus import Flowable, Spacer

from reports.judge.catalogue import BY_ID
from reports.judge.results import OFF, ItemScore, Result
from reports.judge.wording import (COUNTY_LEVEL, format_target, no_institution_reason,
                                   no_institution_text)
from reports.pdf.data import ReportData
from reports.pdf.layout import FRAME_W, Styles, esc, muted, red, table
from reports.pdf.sections.common import (RECTIFICATION_PART, Story, cn_date, h1, inst_name, is_county_level,
                                         item_ref, own_results, para, ref, shown, township_of,
                                         township_scope, where_listed)


NAMES_IN_RECTIFICATION = 20  # beyond this the 整改清单 gives counts by township and a reference


TOWNS_IN_RECTIFICATION = 40  # up to this (a large county), every township; beyond it


TOWNS_NAMED = 10  # only the townships with the most to do, so the cell stays short


def _concerned(data: ReportData, r: Result) -> str:
    """Who must act: the institutions that fall short, and those that have not reported (the
    county's gap counts them too: “还需 5 家” with 4 short and 1 未填报)."""
    text = _short(data, r)
    waiting = r.not_reported
    if not waiting:
        return text
    names = "、".join(inst_name(f.institution) for f in waiting[:NAMES_IN_RECTIFICATION])
    more = f" 等 {len(waiting)} 家" if len(waiting) > NAMES_IN_RECTIFICATION else ""
    if not r.failing:
        return f"{len(waiting)} 家未填报，须补报：{names}{more}"
    return f"{text}；另有 {len(waiting)} 家未填报，须补报：{names}{more}"


def _short(data: ReportData, r: Result) -> str:
    if not r.failing:
        return "全县" if not BY_ID[r.id].scope else esc(BY_ID[r.id].scope_text)
    n = len(r.failing)
    if n <= NAMES_IN_RECTIFICATION:
        names = "、".join(inst_name(f.institution) for f in r.failing)
        return f"共 {n} 家：{names}" + muted(f"（各家差距见{where_listed(data, r)}）", 7.5)
    towns = Counter(township_of(data, f) or "未填乡镇" for f in r.failing)
    if len(towns) <= TOWNS_IN_RECTIFICATION:
        by_town = "、".join(f"{inst_name(t)} {k} 家" for t, k in towns.items())
        return f"共 {n} 家，其中{by_town}。名单及各家差距见{where_listed(data, r)}。"
    # Hundreds of townships would make one cell pages long: the ones with the most to do.
    most = "、".join(f"{inst_name(t)} {k} 家" for t, k in towns.most_common(TOWNS_NAMED))
    return (f"共 {n} 家，涉及乡镇（街道）{len(towns)} 个，较多的是{most}等。"
            f"名单及各家差距见{where_listed(data, r)}。")


def rectification_part(data: ReportData, st: Styles) -> Story:
    out: Story = h1(RECTIFICATION_PART, "存在问题及整改清单", st)
    out += _veto_rectification(data, st)
    # In a township's file only its own institutions' indicators: the county's are judged there.
    own = own_results(data)
    if township_scope(data):
        out.append(para(f"以下只列本乡镇机构的问题；{COUNTY_LEVEL}的指标由县卫生健康局合并各乡镇数据后"
                        "评价和安排整改。", st))
    unmet = problems_in_order(data)
    if not unmet and not any(r.met for r in own):
        out.append(para("本年度纳入考核的指标均无数据，无法评价是否达标。", st))
    elif not unmet:
        out.append(para("本年度纳入考核且有数据的指标均已达标。", st))
    else:
        out += [para(f"对照目标方案，本年度有 {len(unmet)} 项指标未达标。逐项整改清单如下，"
                   "按达标路径排序（先做的在前）；完成时限及责任人为达标路径中已安排的，"
                 "未安排的由各责任单位商定后填写。", st),
                _rectification_table(data, unmet, st), Spacer(1, 6)]
    out += _items_part(data, st)
    watch = [r for r in own if r.met is True and r.failing and not r.statistic]
    if watch:
        out.append(para("以下指标全县已达标，但仍有机构未达到要求，建议一并督促整改：" + "；".join(
            f"{ref(data, r)}（{len(r.failing)} 家，见{where_listed(data, r)}）" for r in watch) + "。", st))
    no_data = [r for r in own if r.value is None and not r.no_institution]
    if no_data:
        out.append(para("以下指标因缺少数据无法评价，请补充填报："
                      + "、".join(ref(data, r) for r in no_data) + "。", st))
    return out + _no_institution(data, own, st)


def _no_institution(data: ReportData, own: Sequence[Result], st: Styles) -> Story:
    """无数据 that no report can fill (no 社区卫生服务站 in the county): said so, once for the
    indicators of each kind of institution, not asked for."""
    by_reason: dict[str, list[Result]] = {}
    for r in own:
        reason = no_institution_reason(r)
        if reason is not None and not r.statistic:  # 0 points: no 考核 to switch off
            by_reason.setdefault(reason, []).append(r)
    return [para("、".join(ref(data, r) for r in these) + "："
                 + esc(no_institution_text(these[0], several=len(these) > 1) or "") + "。", st)
            for these in by_reason.values()]


def problems_in_order(data: ReportData) -> list[Result]:
    """The indicators this file judges that are 未达标, in the order the 整改清单 lists them:
    the one place that order is decided (a statistic, 0 points, is never one). 必备 items first (one of them failed fails the county
    whatever the total), then in the order of the 达标路径 (what reaches the pass mark in the
    fewest actions first), then the catalogue's order."""
    veto_ids = {i.indicator for i in _vetoes_failed(data)}
    return sorted((r for r in own_results(data) if r.met is False and not r.statistic),
                  key=lambda r: (r.id not in veto_ids, _path_place(data, r.id)))


def _path_place(data: ReportData, item_id: str) -> int:
    """Where the 达标路径 first works on an item (what it does not touch: after, in order)."""
    return data.path_order.get(item_id, len(data.path_order))


def items_in_order(data: ReportData) -> list[ItemScore]:
    """The scored items that rest on no indicator (组织管理: plans, meetings, funding … judged
    from the tasks and their evidence; H1) and fall short of their points, in the 达标路径's
    order: what the county does itself, often the quickest points. 必备 ones stand in the table
    of 必备 items above; items this file leaves to the county are not its to list."""
    score = data.evaluation.score
    if score is None:
        return []
    veto = {i.id for i in _vetoes_failed(data)}
    short = [i for i in score.items
             if i.indicator is None and i.id not in veto and not is_county_level(data, i.id)
             and i.points is not None and i.state != OFF and i.max and i.points < i.max]
    return sorted(short, key=lambda i: _path_place(data, i.id))


def _items_part(data: ReportData, st: Styles) -> Story:
    items = items_in_order(data)
    if not items:
        return []
    rows = [[str(n), esc(item_ref(data, i)), f"{i.points:g} / {i.max:g} 分<br/>{esc(i.reason)}",
             esc(_requirement(i)), _due(data, i.id)]
            for n, i in enumerate(items, start=1)]
    widths = [24, 142, 110, 118]  # and 完成时限 the rest: 2024年12月31日 on one line
    lost = sum(i.max - (i.points or 0) for i in items)
    return [para(f"组织管理等不按指标计算的评分项有 {len(items)} 项未得满分（共少得 {lost:g} 分），"
                 "由县卫生健康局会同责任单位整改，按达标路径排序：", st),
            table(["序号", "评分项", "现状", "整改要求", "完成时限"], rows,
                  [*widths, FRAME_W - sum(widths)], st, align="cllll"),
            Spacer(1, 6)]


def _due(data: ReportData, item_id: str) -> str:
    """完成时限 as 达标路径 arranged it: the date, then who (the last date and how many, when the
    item's actions are several); blank, to be agreed and written in, when nothing is arranged."""
    plans = data.arranged.get(item_id, [])
    if not plans:
        return ""
    if len(plans) == 1:
        return f"{esc(cn_date(plans[0].due_date))}<br/>{esc(plans[0].person)}"
    people = "、".join(dict.fromkeys(esc(a.person) for a in plans))
    return f"{esc(cn_date(plans[-1].due_date))}前<br/>{people}（{len(plans)} 项行动）"


def _requirement(i: ItemScore) -> str:
    """What is to be done, in a reviewer's words (the program's own steps are in 达标路径)."""
    if "未上传佐证材料" in i.reason:
        return "任务已完成，整理归档佐证材料"
    if "没有对应任务" in i.reason:
        return "列入创建任务，明确责任单位，完成后形成佐证材料"
    if "任务" in i.reason:
        return "按期完成对应任务，并形成佐证材料"
    return f"按评分标准落实：{i.text}"


def _vetoes_failed(data: ReportData) -> list[ItemScore]:
    """必备 items failed, in the 达标路径's order; in a township's file only those it judges
    itself."""
    score = data.evaluation.score
    failed = [i for i in (score.veto_failures if score else []) if not is_county_level(data, i.id)]
    return sorted(failed, key=lambda i: _path_place(data, i.id))


def _veto_rectification(data: ReportData, st: Styles) -> Story:
    vetoes = _vetoes_failed(data)
    if not vetoes:
        return []
    rows = [[str(n), f"{esc(item_ref(data, i))}{red('【必备】')}", esc(i.reason), _due(data, i.id)]
            for n, i in enumerate(vetoes, start=1)]
    widths = [24, FRAME_W - 24 - 150 - 74, 150]
    return [para(f"必备项未达到 {len(vetoes)} 项：按评分标准，必备项一项不达标即不能通过评审，"
               "须首先整改。", st),
            table(["序号", "必备项", "现状", "完成时限"], rows, [*widths, 74], st, align="clll"),
            Spacer(1, 6)]


def _rectification_table(data: ReportData, unmet: Sequence[Result], st: Styles) -> Flowable:
    rows = []
    for n, r in enumerate(unmet, start=1):
        problem = (f"{ref(data, r)}<br/>现状 {red(esc(shown(r.kind, r.value, r.marks)))}，"
                   f"标准 {esc(format_target(r.kind, r.target))}")
        rows.append([str(n), problem, esc(r.gap or ""), _concerned(data, r), _due(data, r.id)])
    widths = [24, 116, 112, 142]  # and 完成时限 the rest: 2024年12月31日 on one line
    return table(["序号", "存在问题", "整改要求（全县）", "涉及机构", "完成时限"], rows,
                 [*widths, FRAME_W - sum(widths)], st, align="cllll")
