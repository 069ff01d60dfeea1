"""总览: every item of the standard for the year at a glance, as the reviewers' scoring sheet lists
them: the indicator's value against its target, the points it scores, 必备 items marked; the total
against the pass mark above, and how many institutions have not reported. Double-click an indicator to see who falls short."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import QLabel

from desktop import dialogs
from desktop.context import Context
from desktop.models import ROW_ROLE, Column
from desktop.tabs.base import TableTab, opens_rows
from reports.judge import standard as standards
from reports.judge import tally
from reports.judge.facts import load_documents
from reports.judge.scoring import document_files
from reports.judge.results import NO_DATA, OFF, PENDING, SCORED, UNSCORED, Result, Score
from reports.judge.wording import (COUNTY_LEVEL, format_target, format_value, no_data_line,
                                   no_institution_text, township_line)

NOT_HERE = "不适用"  # in a township's file: no institution of the indicator's kind there

# Clicking 达标情况 puts the worst first; the rest after, then what is not judged here.
_STATUS_SORT = {k: n for n, k in enumerate(
    ("未达标", "部分达标", "待填报", "无数据", "达标", "不计分", "不考核", "不适用", COUNTY_LEVEL))}


def _half_width(code: str) -> str:
    """二（一）6 → 二(一)6: how a clerk types a 条目 without a Chinese input method."""
    return code.replace("（", "(").replace("）", ")")


def _standard_order(row: dict[str, Any]) -> int:
    return int(row["ord"])


def _points_lost(row: dict[str, Any]) -> float:
    """Clicking 得分 puts the items that lose the most points first."""
    return -float(row.get("lost") or 0)


def _last_year_text(r: Result) -> str:
    return "" if r.previous_value is None else format_value(r.kind, r.previous_value, r.marks)


_TONE = {"达标": "pass", "未达标": "fail", "无数据": "none", "待填报": "none", "部分达标": "fail"}


def _status_tone(row: dict[str, Any]) -> str | None:
    return _TONE.get(row["status"])


def _points_tone(row: dict[str, Any]) -> str | None:
    state = row.get("score_state")
    if state in (None, OFF, UNSCORED):
        return None
    if state == PENDING:
        return "none"
    return "pass" if state == SCORED else "fail"


class OverviewTab(TableTab):
    failing_requested = Signal(str)  # indicator id

    def __init__(self) -> None:
        super().__init__([
            Column("section_name", "板块", width=90, whole_tip=True, order=_standard_order),
            Column("code", "条目", width=68, tip="评分标准中的条目编号（点击按评分标准的顺序排列）",
                   whole_tip=True, order=_standard_order),
            Column("name", "评分项 / 指标", width=190, whole_tip=True),
            Column("value_text", "实际值", width=70),
            Column("target_text", "目标", width=70, whole_tip=True),
            Column("previous_text", "上年", width=62, sized_as="value_text"),
            Column("status", "达标情况", width=66, tone=_status_tone,
                   order=lambda r: _STATUS_SORT.get(r["status"], len(_STATUS_SORT)),
                   tip="点击表头：未达标的排在前面"),
            Column("points_text", "得分", width=66, tone=_points_tone, order=_points_lost,
                   tip="本项得分 / 满分（按评分标准的计分方式）；点击表头：失分多的排在前面"),
            Column("veto", "必备", width=40, tip="必备项：一项不达标即不能通过评审"),
            Column("failing_count", "未达标", "int", width=54, tip="未达标的机构数（双击查看）"),
            Column("waiting_count", "未填报", "int", width=54,
                   tip="本年度应统计、但尚未填报该指标所需数据的机构数"),
            Column("evidence", "佐证", "int", width=40,
                   tip="本年度为该项添加的佐证材料份数（组织管理等评分项含对应创建任务的佐证）"),
            Column("gap", "差距 / 说明", width=240, whole_tip=True),
        ], editable=False)
        # Sorted by a header click (失分, 达标情况 …); 条目 goes back to the standard's order.
        # One line per item, elided with … (the tooltip has the whole text): the table fits a
        # 1366-pixel screen.
        self.view.setWordWrap(False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        opens_rows(self.view, self._open)
        self.summary = QLabel(self)
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        self.layout_.insertWidget(0, self.summary)
        self.search.setPlaceholderText("按条目或名称搜索…")
        # The 条目 as a clerk types it, full-width brackets or not; an id a clerk remembers from
        # the command line (G02, B9) finds its row too, without the window ever showing one.
        self.proxy.searched = lambda row: (f"{row['code']} {_half_width(row['code'])} "
                                           f"{row['name']} {row['id']}")
        # The context whose 上年 column waits for the next paint (_fill_last_year).
        self._last_year_for: Context | None = None
        self.add_button("添加佐证…", "A", self.attach)
        self.add_button("佐证材料…", "M", self.evidence)

    def load(self, ctx: Context) -> list[dict[str, Any]]:
        if not ctx.last_year_done:
            if self.view.isVisible():  # the year's judgement on screen first, 上年 a frame later
                if self._last_year_for is None:
                    self.view.after_paint(self._fill_last_year)
                self._last_year_for = ctx
            else:
                ctx.complete_last_year()
        evidence = {r["indicator_id"]: r["n"] for r in ctx.county.query(
            "SELECT indicator_id, count(*) AS n FROM evidence WHERE deleted = 0 "
            "AND owner_table = 'indicator' AND (year = ? OR year IS NULL) GROUP BY indicator_id",
            (ctx.year,))}
        std = standards.for_county(ctx.county)
        # A governance item counts its tasks' evidence too, as its 说明 (已完成，佐证材料 N 份) does.
        docs = load_documents(ctx.county)
        evidence.update({item.id: document_files(item, docs, ctx.year)
                         for item in std.items if item.by == "document"})
        # The same rows and counts the report prints (tally.py), so the two always agree.
        lines = tally.lines(ctx.evaluation, std)
        town = ctx.evaluation.township_scope
        if town:
            lines = [self._township_line(line) for line in lines]
        rows = [self._row(line, evidence, ctx.county_level) for line in lines]
        if town:
            for row in rows:
                self._township(row)
        for n, row in enumerate(rows):
            row["ord"] = n  # the standard's order, which clicking 条目 returns to
        self.summary.setText(self._summary(ctx, lines, ctx.evaluation.score, std))
        return rows

    def _fill_last_year(self) -> None:
        """The 上年 column, once the rest of the table is on screen (Context.load): the one
        context last loaded, however many loads came before the paint."""
        ctx, self._last_year_for = self._last_year_for, None
        if ctx is None or self.ctx is not ctx or not ctx.complete_last_year():
            return
        for row in self.model.rows:
            if not row["indicator"] or row["id"] in ctx.county_level:
                continue  # an item with no indicator, or one the county judges after merging
            r = ctx.evaluation.result(row["indicator"])
            row["previous_text"] = _last_year_text(r) if r is not None else ""
        self.model.column_filled("previous_text")
        # Sized for its figures from the start (sized_as 实际值); measured again with them in it
        # for a year with none of its own yet (nothing moves otherwise).
        self.columns_fit.reload()

    @staticmethod
    def _row(line: tally.Line, evidence: dict[str, int],
             county_level: frozenset[str]) -> dict[str, Any]:
        r, scored = line.result, line.scored
        row: dict[str, Any] = {
            "section_name": line.section, "code": line.code, "id": line.id,
            "indicator": r.id if r else None, "name": r.name if r else line.text,
            "value_text": "", "target_text": "", "previous_text": "", "status": line.status,
            "failing_count": None, "gap": "", "evidence": evidence.get(line.id) or None,
            "points_text": "", "veto": "", "score_state": None,
        }
        if r is not None:
            row.update({
                "value_text": format_value(r.kind, r.value, r.marks),
                "target_text": format_target(r.kind, r.target),
                "previous_text": _last_year_text(r),
                "failing_count": len(r.failing) or None,
                "waiting_count": len(r.not_reported) or None,
                "gap": r.gap or no_institution_text(r) or r.note or "",
            })
            if r.statistic:
                # 0 points (只统计，不计分): no 未达标 institutions, no gap to close.
                row.update({"failing_count": None, "gap": r.note or ""})
        if line.id in county_level:
            # A township's file: it holds only the township's institutions; the county sums
            # these up, so neither a value nor points would mean anything here.
            row.update({"value_text": "", "previous_text": "",
                        "points_text": "", "score_state": None,
                        "failing_count": None, "waiting_count": None,
                        "gap": "乡镇填报文件只含本乡镇的机构，此项由县里汇总后判断"})
            return row
        if scored is not None:
            row["score_state"] = scored.state
            row["veto"] = "必备" if scored.veto else ""
            if scored.state != OFF and scored.max:
                row["points_text"] = f"{scored.points:g} / {scored.max:g}"
                row["lost"] = scored.max - scored.points
            elif scored.state == UNSCORED:
                # Counted, judged against its target, but worth no points of its own (the
                # standard scores it under another item): said, not left blank.
                row["points_text"] = UNSCORED
                if not row["gap"]:
                    row["gap"] = scored.reason
            if r is None:
                row["gap"] = scored.reason
        return row

    @staticmethod
    def _township_line(line: tally.Line) -> tally.Line:
        """An indicator with no institution of its kind in this township (no community station,
        say) is not “无数据” here: the other townships' to answer, merged at the county."""
        r = line.result
        if r is not None and r.is_inst and r.value is None and not r.denominator \
                and line.status != COUNTY_LEVEL:
            return replace(line, status=NOT_HERE)
        return line

    @staticmethod
    def _township(row: dict[str, Any]) -> None:
        """A township's file is not scored (the county's points come from all townships merged):
        no points shown."""
        row.update({"points_text": "", "score_state": None, "lost": None})
        if row["status"] == NOT_HERE:
            row.update({"value_text": "",
                        "gap": "本乡镇没有此类机构，由县里合并其他乡镇的数据后判断"})

    @staticmethod
    def _summary(ctx: Context, lines: list[tally.Line], score: Score | None,
                 std: standards.Standard) -> str:
        ev = ctx.evaluation
        tasks = ev.tasks
        unreported = len(ev.unreported)
        waiting = (f"<span style='color:#a15c00'><b>{unreported} 家机构尚未填齐本年度数据</b>"
                   "（见“填报进度”）。</span>　" if unreported else "")
        text = ""
        empty = no_data_line(ev.year, ev.data_years)
        if empty:
            text += f"<span style='color:#a15c00'><b>{empty}。</b></span>"
            later = [y for y in ev.data_years if y < ev.year]
            if later and not ev.township_scope:
                # What a clerk does at a new year's start: the standing facts carried over.
                text += (f"要把 {max(later)} 年的中医馆、适宜技术、科室、人员等情况沿用到 {ev.year} 年"
                         "（逐项待确认），请用“文件 → 开始新年度”。")
            text += "<br/>"
        town = township_line(ev)
        if town:
            text += f"<b>{ctx.year} 年</b>　{town}<br/>"
        elif score is not None:
            verdict = ('<span style="color:#1a7f37">达到合格线</span>' if score.passed
                       else '<span style="color:#a40000">未达到示范县标准</span>')
            text += (f"<b>{ctx.year} 年　得分 {score.total:g} / {score.max:g} 分</b>"
                     f"（合格线 {score.pass_mark:g} 分），{verdict}。")
            vetoes = [i for i in score.items if i.veto and i.state != OFF]
            failed = [i for i in vetoes if i.veto_failed]
            # One without the data to judge it is not said to fall short: it lacks the data,
            # and counts as not reached until it has them.
            said = []
            for state, words in ((None, "未达到"), (NO_DATA, "无数据"), (PENDING, "待填报")):
                these = [i for i in failed if (i.state if i.state in (NO_DATA, PENDING)
                                               else None) == state]
                if these:
                    said.append(f"{len(these)} 项{words}（" + "、".join(
                        standards.cite(std, i) for i in these) + "）"
                                + ("" if state is None else "，按未达到计"))
            text += (f"　必备项 {len(vetoes)} 项：" + (
                "均已达到。" if not failed else
                "<span style=\"color:#a40000\">" + "；".join(said) + "</span>。"))
            # The one honest line on what the score rests on, as the report prints it.
            text += f"<br/><span style='color:#555555'>{std.basis_line}</span><br/>"
        else:
            text += f"<b>{ctx.year} 年</b>　"
        text += (f"{waiting}{tally.counts_text(lines)}。"
                 f"　创建任务 {tasks.total} 项，已完成 {tasks.done} 项，逾期 {tasks.overdue} 项。"
                 "　双击一行或按回车查看未达标机构；组织管理等评分项请在“任务与佐证”中完成任务，"
                 "或在此为该项添加佐证。")
        return text

    def rejudged(self, ctx: Context) -> None:
        self.refresh(ctx)

    def attach(self) -> None:
        """Evidence for an item and year (the documents behind B8, D10 or 联席会议, say)."""
        row = self.selected_row()
        if row is None or self.ctx is None:
            self.refuse("请先选中一项，再添加佐证。")
            return
        # Loaded when first used, not at start.
        from desktop.evidence import PICKER_FILTER, attach_files

        files = dialogs.open_file_names(self, f"为 {self._cited(row)} 选择佐证材料",
                                        PICKER_FILTER)
        if files:
            county, year = self.ctx.county, self.ctx.year
            if self.save(lambda: attach_files(county, [Path(f) for f in files],
                                              owner_table="indicator", indicator_id=row["id"],
                                              year=year), "添加佐证材料"):
                self.refresh(self.ctx)
                self.select_record(row["id"])

    def evidence(self) -> None:
        """佐证材料 of the selected indicator for the year: list, open, rename, remove, add."""
        row = self.selected_row()
        if row is None or self.ctx is None:
            self.refuse("请先选中一项指标，再查看佐证材料。")
            return
        from desktop.evidence import show_evidence  # loaded when first used, not at start

        if show_evidence(self.ctx.county, f"{self._cited(row)}（{self.ctx.year} 年）",
                         {"owner_table": "indicator", "indicator_id": row["id"],
                          "year": self.ctx.year}, self):
            self.not_undoable("修改佐证材料")
            self.changed.emit()
            self.refresh(self.ctx)
            self.select_record(row["id"])

    def _cited(self, row: dict[str, Any]) -> str:
        """The row's item as dialogs name it: its 条目 and words (一（一）1 将中医药工作纳入…)."""
        assert self.ctx is not None
        return self.ctx.cite(row["id"], row["name"])

    def _open(self, index: QModelIndex) -> None:
        """An indicator: the institutions behind it. An item judged by documents (组织管理 …):
        its 佐证材料, where they are added, opened and removed."""
        row = index.data(ROW_ROLE)
        if row is None:
            return
        if row.get("indicator"):
            self.failing_requested.emit(row["indicator"])
        elif self.ctx is not None and row["id"] not in self.ctx.county_level:
            self.evidence()
