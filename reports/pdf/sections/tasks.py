"""七、创建任务进展: open tasks, phases and the list of evidence in the binder."""

from __future__ import annotations

from collections import Counter
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from reports.judge.wording import number
from reports.pdf.data import ReportData, Task
from reports.pdf.layout import FRAME_W, Styles, esc, muted, red, table
from reports.pdf.sections.common import Story, cn_date, h1, h3, para


def task_part(data: ReportData, st: Styles) -> Story:
    return [*_tasks_progress(data, st), *_phases(data, st), *_evidence_index(data, st)]


def _phases(data: ReportData, st: Styles) -> Story:
    dated = [p for p in data.phases if p["start_date"] and p["end_date"]]
    if not dated:
        return []
    text = "；".join(f"{esc(p['name'])}（{p['start_date']} 至 {p['end_date']}）" for p in dated)
    return [Spacer(1, 3 * mm), para(f"创建工作分为：{text}。", st)]  # apart from the task table


def _evidence_index(data: ReportData, st: Styles) -> Story:
    """The list of documents in the reviewers' binder (导出佐证材料 writes the same order)."""
    if not data.evidence:
        return []
    rows = [[str(n), esc(e.group), esc(e.about), str(e.year or ""), esc(e.filename)]
            for n, e in enumerate(data.evidence, start=1)]
    widths = [28, 50, 170, 36]
    return [*h3(f"佐证材料目录（共 {len(rows)} 份，随报告另行装订）：", st),
            table(["序号", "类别", "所属指标、任务或活动", "年度", "文件"], rows,
                  [*widths, FRAME_W - sum(widths)], st, align="cclcl")]


def _tasks_progress(data: ReportData, st: Styles) -> Story:
    heading = h1(7, "创建任务进展", st)
    tasks = data.tasks
    if not tasks:
        return [*heading, para("文件中尚未录入创建任务。", st)]
    by_status = Counter(t.status for t in tasks)
    t = data.evaluation.tasks
    parts = "，".join(f"{s} {by_status[s]} 项" for s in ("已完成", "推进中", "未开始", "已延期")
                     if by_status[s])
    out: Story = [*heading, para(f"创建任务共 {t.total} 项：{parts}。截至{cn_date(data.today)}，"
                               f"逾期未完成 {t.overdue} 项。", st)]
    open_tasks = [task for task in tasks if task.status != "已完成"]
    if not open_tasks:
        return [*out, para("全部任务均已完成。", st)]
    rows = [[esc(task.number), esc(task.category), esc(task.text), _units(task),
             esc(task.deadline) or muted("未定"), _task_status(task)] for task in open_tasks]
    widths = [28, 52, 170, 98, 62]
    return [*out, *h3("未完成的任务：", st),
            table(["序号", "类别", "任务", "牵头单位（配合单位）", "完成时限", "状态"], rows,
                  [*widths, FRAME_W - sum(widths)], st, align="cllccc")]


def _units(task: Task) -> str:
    lead = esc(task.lead_unit) or muted("未定")
    return f"{lead}<br/>{muted(esc(task.assist_units), 7.5)}" if task.assist_units else lead


def _task_status(task: Task) -> str:
    return red(f"{esc(task.status)}<br/>（逾期）") if task.overdue else esc(task.status)
