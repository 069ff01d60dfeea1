"""总览: every indicator of the year at a glance; double-click shows who falls short."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import QLabel, QPushButton

from desktop import dialogs
from desktop.context import Context
from desktop.evidence import attach_files, show_evidence
from desktop.models import ROW_ROLE, Column
from desktop.tabs.base import TableTab
from reports.judge.catalogue import BY_ID, SECTIONS
from reports.judge.wording import format_target, format_value, status_text

COUNTY_LEVEL = "由县里汇总"

_TONE = {"达标": "pass", "未达标": "fail", "无数据": "none", "待填报": "none"}


def _status_tone(row: dict[str, Any]) -> str | None:
    return _TONE.get(row["status"])


class OverviewTab(TableTab):
    failing_requested = Signal(str)  # indicator id

    def __init__(self) -> None:
        super().__init__([
            Column("section_name", "板块", width=200),
            Column("id", "编号", width=50),
            Column("name", "指标", width=230),
            Column("value_text", "实际值", width=90),
            Column("target_text", "目标", width=90),
            Column("previous_text", "上年", width=90),
            Column("status", "达标情况", width=80, tone=_status_tone),
            Column("failing_count", "未达标机构", "int", width=85),
            Column("waiting_count", "未填报机构", "int", width=85,
                   tip="本年度应统计、但尚未填报该指标所需数据的机构数"),
            Column("evidence", "佐证", "int", width=45, tip="本年度为该指标添加的佐证材料份数"),
            Column("gap", "差距", width=320),
        ], editable=False)
        self.view.setSortingEnabled(False)
        self.proxy.sort(-1)  # catalogue order, A1 … D10
        self.view.doubleClicked.connect(self._open)
        self.view.entered.connect(self._open)  # Enter does what a double-click does
        self.summary = QLabel(self)
        self.summary.setObjectName("summary")
        self.layout_.insertWidget(0, self.summary)
        self.search.setPlaceholderText("按指标名称搜索…")
        for label, slot in (("添加佐证…", self.attach), ("佐证材料…", self.evidence)):
            button = QPushButton(label, self)
            button.setObjectName(f"button_{label.rstrip('…')}")
            button.clicked.connect(slot)
            self.filters.addWidget(button)

    def load(self, ctx: Context) -> list[dict[str, Any]]:
        evidence = {r["indicator_id"]: r["n"] for r in ctx.county.query(
            "SELECT indicator_id, count(*) AS n FROM evidence WHERE deleted = 0 "
            "AND owner_table = 'indicator' AND year = ? GROUP BY indicator_id", (ctx.year,))}
        rows = []
        for r in ctx.evaluation.results:
            section = BY_ID[r.id].section
            if r.id in ctx.county_level:  # a township's file: the county sums these up
                rows.append({"id": r.id, "name": r.name, "section_name":
                             f"{section} {SECTIONS[section]}", "value_text": "",
                             "target_text": format_target(r.kind, r.target),
                             "previous_text": "", "status": COUNTY_LEVEL, "failing_count": None,
                             "gap": "乡镇填报文件只含本乡镇的机构，此项由县里汇总后判断",
                             "evidence": evidence.get(r.id) or None})
                continue
            rows.append({
                "id": r.id, "name": r.name, "section_name": f"{section} {SECTIONS[section]}",
                "value_text": format_value(r.kind, r.value),
                "target_text": format_target(r.kind, r.target),
                "previous_text": ("" if r.previous_value is None
                                  else format_value(r.kind, r.previous_value)),
                "status": status_text(r), "failing_count": len(r.failing) or None,
                "waiting_count": len(r.not_reported) or None,
                "gap": r.gap or "", "evidence": evidence.get(r.id) or None,
            })
        counts = {k: sum(1 for x in rows if x["status"] == k)
                  for k in ("达标", "未达标", "待填报", "无数据")}
        tasks = ctx.evaluation.tasks
        unreported = len(ctx.evaluation.unreported)
        waiting = (f"<span style='color:#a15c00'><b>{unreported} 家机构尚未填报本年度数据</b>"
                   "（见“填报进度”）。</span>　" if unreported else "")
        self.summary.setText(
            f"<b>{ctx.year} 年</b>　{waiting}共 {len(rows)} 项指标：达标 {counts['达标']} 项，"
            f"未达标 {counts['未达标']} 项，"
            + (f"待填报 {counts['待填报']} 项，" if counts["待填报"] else "")
            + f"无数据 {counts['无数据']} 项。"
            f"　创建任务 {tasks.total} 项，已完成 {tasks.done} 项，逾期 {tasks.overdue} 项。"
            "　双击一行或按回车查看未达标机构。")
        return rows

    def rejudged(self, ctx: Context) -> None:
        self.refresh(ctx)

    def attach(self) -> None:
        """Evidence for an indicator and year (the documents behind B8 or D10, say)."""
        row = self.selected_row()
        if row is None or self.ctx is None:
            self.refuse("请先选中一项指标，再添加佐证。")
            return
        files = dialogs.open_file_names(self, f"为 {row['id']} {row['name']} 选择佐证材料",
                                        "所有文件 (*)")
        if files:
            county, year = self.ctx.county, self.ctx.year
            if self.save(lambda: attach_files(county, [Path(f) for f in files],
                                              owner_table="indicator", indicator_id=row["id"],
                                              year=year)):
                self.refresh(self.ctx)
                self.select_record(row["id"])

    def evidence(self) -> None:
        """佐证材料 of the selected indicator for the year: list, open, rename, remove, add."""
        row = self.selected_row()
        if row is None or self.ctx is None:
            self.refuse("请先选中一项指标，再查看佐证材料。")
            return
        if show_evidence(self.ctx.county, f"{row['id']} {row['name']}（{self.ctx.year} 年）",
                         {"owner_table": "indicator", "indicator_id": row["id"],
                          "year": self.ctx.year}, self):
            self.changed.emit()
            self.refresh(self.ctx)
            self.select_record(row["id"])

    def _open(self, index: QModelIndex) -> None:
        row = index.data(ROW_ROLE)
        if row is not None:
            self.failing_requested.emit(row["id"])
