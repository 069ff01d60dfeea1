"""四、创建任务进展: open tasks, phases and the list of evidence in the binder."""

from __future__ import annotations

from collections import Counter
from typing import Any

from reports.pdf.data import ReportData, Task
from reports.pdf.layout import FRAME_W, Styles, esc, muted, red, table
from reports.pdf.sections.common import TASK_PART, Story, cn_date, h1, h2, para


def task_part(data: ReportData, st: Styles) -> Story:
    out = _tasks_progress(data, st)
    # Each sub-part that has something to say takes the next number: （一）（二）（三）.
    n = 0
    for title, build in (("未完成的任务", _open_tasks), ("创建工作阶段", _phases),
                         ("佐证材料目录", _evidence_index)):
        body = build(data, st)
        if body:
            n += 1
            out += [*h2(n, title, st), *body]
    return out


def _phases(data: ReportData, st: Styles) -> Story:
    dated = [p for p in data.phases if p["start_date"] and p["end_date"]]
    if not dated:
        return []
    text = "；".join(f"{esc(p['name'])}（{esc(cn_date(p['start_date']))}至{esc(cn_date(p['end_date']))}）"
                    for p in dated)
    return [para(f"创建工作分为：{text}。", st)]


def _evidence_index(data: ReportData, st: Styles) -> Story:
    """The list of documents in the reviewers' binder (导出佐证材料 writes the same order)."""
    if not data.evidence:
        return []
    rows = [[str(n), esc(e.group), _what(e), str(e.year or ""), esc(e.filename)]
            for n, e in enumerate(data.evidence, start=1)]
    widths = [28, 50, 170, 36]
    return [para(f"佐证材料共 {len(rows)} 份，随报告另行装订，目录如下。", st),
            table(["序号", "类别", "所属指标、任务或活动", "年度", "文件"], rows,
                  [*widths, FRAME_W - sum(widths)], st, align="cclcl")]


def _what(e: Any) -> str:
    """What a file is attached to, and (for a task's or an activity's) the 条目 it supports: the
    binder stores it under the first of them."""
    own = [p.code for p in e.supports if p.label != e.label]
    if not own:
        return esc(e.label)
    return f"{esc(e.label)}<br/>{muted(esc('对应条目：' + '、'.join(own)), 7.5)}"


def _tasks_progress(data: ReportData, st: Styles) -> Story:
    heading = h1(TASK_PART, "创建任务进展", st)
    tasks = data.tasks
    if not tasks:
        return [*heading, para("文件中尚未录入创建任务。", st)]
    by_status = Counter(t.status for t in tasks)
    t = data.evaluation.tasks
    parts = "，".join(f"{s} {by_status[s]} 项" for s in ("已完成", "推进中", "未开始", "已延期")
                     if by_status[s])
    out: Story = [*heading, para(f"创建任务共 {t.total} 项：{parts}。截至{cn_date(data.today)}，"
                               f"逾期未完成 {t.overdue} 项。", st)]
    if all(task.status == "已完成" for task in tasks):
        out.append(para("全部任务均已完成。", st))
    return out


def _open_tasks(data: ReportData, st: Styles) -> Story:
    open_tasks = [task for task in data.tasks if task.status != "已完成"]
    if not open_tasks:
        return []
    rows = [[esc(task.number), esc(task.category), esc(task.text), _units(task),
             esc(cn_date(task.deadline)) or muted("未定"), _task_status(task)]
            for task in open_tasks]
    widths = [26, 52, 166, 98, 74]  # 完成时限: 2024年12月31日 on one line
    return [table(["序号", "类别", "任务", "牵头单位（配合单位）", "完成时限", "状态"], rows,
                  [*widths, FRAME_W - sum(widths)], st, align="cllccc")]


def _units(task: Task) -> str:
    lead = esc(task.lead_unit) or muted("未定")
    return f"{lead}<br/>{muted(esc(task.assist_units), 7.5)}" if task.assist_units else lead


def _task_status(task: Task) -> str:
    return red(f"{esc(task.status)}<br/>（逾期）") if task.overdue else esc(task.status)
