"""数据核查: the year's figures a reviewer would question (against last year, or entered twice),
with both years' figures; each can be marked 已核实 with a note. Nothing here blocks a save."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import QLabel

from desktop import dialogs
from desktop.context import Context
from desktop.models import ROW_ROLE, Column
from desktop.tabs.base import TableTab, opens_rows
from desktop.undo import Change
from reports.judge.checks import KINDS, find_checks, mark_verified, set_verified

# The checks one year's figures allow (the rest compare with the year before).
WITHIN_YEAR = ("same_day", "duplicate")
# Where the figure behind a finding is entered, for the double-click.
KIND_TAB = {"physicians": "personnel", "tcm_physicians": "personnel", "same_day": "activities",
            "duplicate": "activities"}
# And the column of the figure in question there, brought into view beside the name.
KIND_COLUMN = {"visits": "visits", "tcm_visits": "tcm_visits", "physicians": "physicians",
               "tcm_physicians": "tcm_physicians", "techniques": "tech_items",
               "hall_state": "hall_state", "tcm_share": "tcm_visits", "hall_area": "hall_area"}


class ChecksTab(TableTab):
    jump = Signal(str, str, str)  # tab key, institution id, column key ("" for the name)
    reload_on_change = True

    def __init__(self) -> None:
        super().__init__([
            Column("township", "乡镇（街道）", width=100),
            Column("name", "机构名称", width=180),
            Column("label", "核查项", width=160),
            Column("previous", "上年", width=70),
            Column("current", "本年", width=70),
            # Wide enough for a duplicate's date, kind, title and how it counts (按一次计).
            Column("detail", "说明", width=340, whole_tip=True),
            Column("state", "核实情况", width=110,
                   tone=lambda r: "pass" if r["verified"] else "fail"),
            Column("note", "核实说明", width=200),
        ], editable=False, frozen=2)
        self.kind_filter = self.add_filter("kind", "核查项", "K")
        self.state_filter = self.add_filter("state", "情况", "Q")
        self.add_button("标记已核实…", "V", self.verify)
        self.add_button("取消核实", "C", self.unverify)
        self.summary = QLabel(self)
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        self.layout_.insertWidget(0, self.summary)
        opens_rows(self.view, self._open)
        self.findings: dict[str, Any] = {}

    def load(self, ctx: Context) -> list[dict[str, Any]]:
        found = find_checks(ctx.county, ctx.year)
        self.findings = {f.key: f for f in found}
        rows = [{"id": f.key, "kind": f.kind, "institution_id": f.institution_id,
                 "name": f.institution, "township": f.township, "label": f.label,
                 "previous": f.previous, "current": f.current, "detail": f.detail,
                 "verified": f.verified,
                 "state": ("已核实：确为两次" if f.kind == "duplicate" else "已核实") if f.verified
                 else "未核实",
                 "note": f.note} for f in found]
        self.fill_filter(self.kind_filter, [(w, k) for k, w in KINDS.items()
                                            if any(r["kind"] == k for r in rows)])
        self.fill_filter(self.state_filter, [("未核实", "未核实"), ("已核实", "已核实"),
                                             ("已核实：确为两次", "已核实：确为两次")])
        open_ = sum(1 for r in rows if not r["verified"])
        last = ctx.year - 1
        if last in ctx.county.years():
            found = f"与 {last} 年相比变化异常或录入可疑的数据 {len(rows)} 项"
        else:
            # The file's first year: nothing to compare with, only what one year shows.
            found = (f"文件中没有 {last} 年的数据，无法与上年比较，只做了本年度内的核查"
                     f"（{'、'.join(KINDS[k] for k in WITHIN_YEAR)}），可疑的数据 {len(rows)} 项")
        self.summary.setText(
            f"<b>{ctx.year} 年数据核查</b>：{found}，未核实 <b>{open_}</b> 项（未核实的将列入自评报告附件）。"
            "核实无误的，选中后点“标记已核实”并写明原因；有误的，双击或按回车转到该机构修改。"
            "同一活动重复录入的，在各项指标中按一次计，标记已核实（确为两次）后分别计数。")
        return rows

    def _chosen(self) -> Any:
        row = self.selected_row()
        if row is None:
            self.refuse("请先选中一项核查结果。")
            return None
        return self.findings.get(row["id"])

    def verify(self) -> None:
        finding = self._chosen()
        if finding is None or self.ctx is None:
            return
        if finding.kind == "duplicate":
            # 已核实 here says the copies were separate events: from then on each counts.
            prompt = (f"{finding.institution}：{finding.detail}。\n"
                      f"标记已核实即确认这 {finding.current} 是分别举办的活动（确为两次），"
                      "此后在各项指标中分别计数；若是重复录入，请取消并到“文化宣传活动”删除多余的一条。\n"
                      "核实说明（如：上午、下午各办一场）：")
        else:
            prompt = (f"{finding.institution}：{finding.label}（{finding.previous} → "
                      f"{finding.current}）\n核实说明（如：新增分院，数据属实）：")
        note = dialogs.ask_text(self, "标记已核实", prompt)
        if note is None:
            return
        self._mark(finding, True, note, "标记已核实")

    def unverify(self) -> None:
        finding = self._chosen()
        if finding is None or self.ctx is None:
            return
        if not finding.verified:
            self.refuse(f"{finding.institution}：{finding.label} 尚未核实，无需取消。")
            return
        self._mark(finding, False, finding.note, "取消核实")

    def _mark(self, finding: Any, verified: bool, note: str, what: str) -> None:
        """One step of 撤销: the mark and the note as they were go back together."""
        assert self.ctx is not None
        county = self.ctx.county
        row = next(r for r in self.model.rows if r["id"] == finding.key)
        self.save(lambda: mark_verified(county, finding, note, verified=verified),
                  f"{what}（{finding.institution}：{finding.label}）",
                  undo=lambda: [Change(dict(row), "verified", bool(finding.verified), verified),
                                Change(dict(row), "note", finding.note or None, note or None)])
        self.select_record(finding.key)

    def store(self, row: dict[str, Any], values: dict[str, Any], year: int) -> None:
        """撤销 / 重做 of a mark: written as a mark is, by the finding's key."""
        assert self.ctx is not None
        set_verified(self.ctx.county, row["id"], year, row.get("institution_id"),
                     values.get("note", row.get("note")),
                     verified=bool(values.get("verified", row.get("verified"))))

    def _open(self, index: QModelIndex) -> None:
        row = index.data(ROW_ROLE)
        if row is not None:
            self.jump.emit(KIND_TAB.get(row["kind"], "halls"), row["institution_id"],
                           KIND_COLUMN.get(row["kind"], ""))
