"""达标路径: what to do first to reach the pass mark, one action a row in the chosen order, with
the points each gains, whether it clears a 必备 item and what it needs; who is responsible and by
when (已安排, typed or pasted into the table, or set for the selected rows with 安排…, each one
step of 撤销); and below, the yearly minimums behind pace. Double-click (or Enter) goes to the row
where the action is done."""

from __future__ import annotations

import datetime as _dt
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QFormLayout,
                               QHeaderView, QLabel, QLineEdit, QPushButton,
                               QVBoxLayout, QWidget)

from db.errors import KnownError
from desktop import dialogs
from desktop.columns import ColumnFit
from desktop.context import Context
from desktop.datefield import DateField
from desktop.forms import finish_form, show_refusal
from desktop.models import ROW_ROLE, Column, RecordModel
from desktop.splits import FitSplitter, table_height
from desktop.tabs.base import RecordFilter, RecordView, TableTab, opens_rows
from desktop.undo import Change
from reports.judge import standard as standards
from reports.judge.facts import load_documents
from reports.judge.profiles import get_profile
from reports.plan import arranged as arrangements
from reports.plan import path as paths
from reports.plan.pace import BEHIND, Pace, pace as pace_of

ON_PATH, FURTHER, DONE = "达标路径", "继续提高", "已完成"
_STAGE_ORDER = {ON_PATH: 0, FURTHER: 1, DONE: 2}
OVERDUE = "已逾期"  # arranged, its 完成时限 gone by and the action not done
_STATUS_TONE = {arrangements.ARRANGED: "pass", arrangements.INCOMPLETE: "fail", OVERDUE: "fail"}


def today() -> _dt.date:
    """How much of the year is gone (tests put a fixed day here)."""
    return _dt.date.today()


def _status(row: dict[str, Any]) -> str:
    if row["stage"] == DONE:
        return DONE
    if row.get("person") and row.get("due_date"):
        # Shown red as 任务与佐证 shows a task past its deadline.
        return OVERDUE if row["due_date"] < today().isoformat() else arrangements.ARRANGED
    if row.get("person") or row.get("due_date"):
        return arrangements.INCOMPLETE
    return arrangements.OPEN


def _row(year: int, a: paths.Action, rank: dict[str, int]) -> dict[str, Any]:
    arr = a.arranged
    return {"id": arrangements.record_id(year, a.key), "key": a.key, "order": a.order,
            "stage": ON_PATH if a.on_path else FURTHER, "item": a.item, "indicator": a.indicator,
            # The item by the standard's 条目 and words (一（一）1 将中医药工作纳入…), as 总览 has it
            "item_label": f"{a.code} {a.item_text}", "code": a.code,
            "rank": rank.get(a.item, len(rank)), "township": a.township or paths.COUNTY_WIDE,
            "name": a.institution or paths.COUNTY_WIDE, "institution_id": a.institution_id,
            "need": a.need + ("（补录）" if a.late else ""), "what": a.what, "rule": a.rule,
            "points": a.points, "cumulative": a.cumulative,
            # A 必备 item's actions; the one that meets it says so.
            "veto": ("补齐必备" if a.clears_veto else "必备") if a.veto else "",
            "person": arr.person if arr else None, "due_date": arr.due_date if arr else None,
            "late": a.late, "clears_veto": a.clears_veto}


def _done_row(d: arrangements.Arrangement, names: dict[str, str],
              towns: dict[str, str | None], std: standards.Standard) -> dict[str, Any]:
    inst = d.institution_id
    item = std.item(d.item_id)
    return {"id": d.id, "key": d.key, "order": None, "stage": DONE, "item": d.item_id,
            "indicator": None, "item_label": standards.cite(std, item) if item is not None
            else standards.cite(std, d.item_id), "code": item.code if item is not None else "",
            "rank": _rank(std, d.item_id),
            "township": (towns.get(inst) if inst else None) or paths.COUNTY_WIDE,
            "name": names.get(inst or "", paths.COUNTY_WIDE), "institution_id": inst,
            "need": "", "what": d.what or "", "rule": "", "points": None, "veto": "",
            "cumulative": None, "person": d.person, "due_date": d.due_date, "late": False,
            "clears_veto": False}


def _rank(std: standards.Standard, item_id: str) -> int:
    """An item's place in the standard: clicking 评分项 lists the actions in its order."""
    return next((n for n, i in enumerate(std.items) if i.id == item_id), len(std.items))


def _points(row: dict[str, Any]) -> str:
    return "" if row["points"] is None else f"+{row['points']:g}"


def _named(rows: list[dict[str, Any]], shown: int = 3) -> str:
    """The actions a dialog acts on, as the clerk sees them in the table (the first few)."""
    from html import escape

    def one(r: dict[str, Any]) -> str:
        who = r.get("name") or r.get("township") or ""
        return escape(f"{r.get('item_label') or ''} {who}：{r.get('what') or ''}".strip())
    more = f"<br/>等（共 {len(rows)} 项）" if len(rows) > shown else ""
    return "<br/>".join(f"· {one(r)}" for r in rows[:shown]) + more


class ArrangeDialog(QDialog):
    """安排: who is responsible for the selected actions, and by when."""

    def __init__(self, count: int, person: str, due: str | None, year: int,
                 parent: QWidget | None = None, *, named: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("安排行动")
        self.person = QLineEdit(person, self)
        self.person.setPlaceholderText("如：张三（县卫生健康局中医股）")
        self.person.setMinimumWidth(260)
        self.due = DateField("完成时限", self)
        # By the year's end; a year already over: a month from today, never a date gone by.
        default = max(QDate(year, 12, 31), QDate.currentDate().addMonths(1)) \
            if QDate(year, 12, 31) < QDate.currentDate() else QDate(year, 12, 31)
        day = QDate.fromString(due, "yyyy-MM-dd") if due else default
        self.due.setDate(day if day.isValid() else default)
        form = QFormLayout()
        # Which actions: said, so that nobody arranges G01 believing it is the row last clicked.
        what = QLabel(f"为所选 {count} 项行动指定责任人和完成时限：" + (f"<br/>{named}" if named
                                                                else ""), self)
        what.setWordWrap(True)
        what.setMaximumWidth(520)
        form.addRow(what)
        form.addRow("责任人(&R)：", self.person)
        form.addRow("完成时限(&D)：", self.due)
        finish_form(self, form)

    def values(self) -> dict[str, Any]:
        """What the fields hold; ValidationError when 完成时限 is not a date."""
        return {"person": self.person.text().strip() or None,
                "due_date": self.due.value()}


class PathTab(TableTab):
    action_requested = Signal(str, str, str)  # item id, indicator id or "", institution id or ""
    reload_on_change = True

    def __init__(self) -> None:
        super().__init__([
            Column("order", "序号", "int", width=40),
            Column("stage", "路径", width=62,
                   tone=lambda r: "pass" if r["stage"] == ON_PATH else None,
                   order=lambda r: (_STAGE_ORDER[r["stage"]], r["order"] or 0),
                   tip="达标路径：按此顺序完成即可达到合格线（并满足全部必备项）；继续提高：其余行动"),
            Column("item_label", "评分项", width=120, whole_tip=True,
                   order=lambda r: (r["rank"], r["item"])),
            Column("township", "乡镇（街道）", width=84, whole_tip=True),
            Column("name", "机构", width=130, whole_tip=True),
            Column("need", "需要", width=66, tip="补报数据、佐证材料、人员、开展活动、建设设置……"),
            Column("what", "行动", width=360, whole_tip=True),
            Column("rule", "计分方式", width=84, whole_tip=True),
            Column("points", "得分", width=44, value=_points,
                   order=lambda r: r["points"] if r["points"] is not None else -1.0,
                   tip="按此顺序完成这一项后增加的分数"),
            Column("veto", "必备", width=66, tone=lambda r: "fail" if r["veto"] else None,
                   tip="必备项的行动：必备项一项不达标即不能通过评审；“补齐必备”：完成这一项后该必备项即达到"),
            Column("cumulative", "累计", width=44,
                   value=lambda r: "" if r["cumulative"] is None else f"{r['cumulative']:g}",
                   order=lambda r: r["cumulative"] or 0.0, tip="完成这一项及之前各项后的得分"),
            Column("person", "责任人", editable=True, width=72),
            Column("due_date", "完成时限", "date", editable=True, width=84),
            Column("status", "安排", width=52, value=_status,
                   tone=lambda r: _STATUS_TONE.get(_status(r))),
        ])
        self.view.setWordWrap(False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        # A double-click goes to the row to fix; F2 or typing edits 责任人 and 完成时限.
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.AnyKeyPressed)
        opens_rows(self.view, self._open)
        self.search.setPlaceholderText("按机构名称搜索…")
        self.town_filter = self.add_filter("township", "乡镇", "Z")
        self.stage_filter = self.add_filter("stage", "路径", "L")
        self.need_filter = self.add_filter("need", "需要", "N")
        self.add_button("安排…", "A", self.arrange, tip="为所选行动指定责任人和完成时限（已安排）")
        self.add_button("取消安排", "X", self.unarrange, tip="清除所选行动的责任人和完成时限")
        self.summary = QLabel(self)
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.layout_.insertWidget(0, self.summary)
        # The yearly minimums behind pace, under the actions, with the same township filter.
        self.pace = RecordModel([
            Column("status", "进度", width=64, tone=lambda r: "fail" if r["status"] == BEHIND
                   else None),
            Column("township", "乡镇（街道）", width=100),
            Column("name", "机构", width=200, whole_tip=True),
            Column("what", "年度最低要求", width=160),
            Column("count", "到今天已有", "int", width=76),
            Column("expected", "到今天应有", "int", width=76,
                   tip="全年要求 × 本年度已过去的比例（向下取整）"),
            Column("minimum", "全年要求", "int", width=64),
            Column("unit", "单位", width=40),
        ], parent=self)
        self.pace_proxy = RecordFilter(self)
        self.pace_proxy.setSourceModel(self.pace)
        self.pace_view = RecordView(self)
        self.pace_view.setObjectName("pace")
        self.pace_view.setModel(self.pace_proxy)
        # Which table the clerk worked in last: 安排 acts on the actions above, never on a
        # row of minimums clicked below.
        self._in_pace = False
        for view, here in ((self.pace_view, True), (self.view, False)):
            view.pressed.connect(lambda _i, here=here: self._worked_in(here))
            view.selectionModel().currentChanged.connect(
                lambda _c, _p, here=here: self._worked_in(here))
        self.pace_view.setSortingEnabled(True)
        self.pace_view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.pace_proxy.sort(-1)
        self.pace_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.pace_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.pace_view.verticalHeader().setDefaultSectionSize(24)
        self.pace_fit = ColumnFit(self.pace_view, self.pace)
        self.copyable(self.pace_view, "进度表只供查看：请在“文化宣传活动”页登记活动。")
        opens_rows(self.pace_view, self._open_pace)
        self.town_filter.currentIndexChanged.connect(
            lambda _i: self.pace_proxy.set_equal("township", self.town_filter.currentData()))
        self.pace_label = QLabel(self)
        self.pace_label.setObjectName("pace_label")
        self.pace_label.setWordWrap(True)
        lower = QWidget(self)
        box = QVBoxLayout(lower)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.pace_label)
        box.addWidget(self.pace_view, 1)
        self.layout_.removeWidget(self.view)
        # Room for every row of the minimums when they are few (at 1366×768 the fifth was
        # under the edge), the actions keeping at least eight rows.
        self.split = FitSplitter(Qt.Orientation.Vertical, self, small=1,
                                 need=lambda: self._pace_height(box.spacing()),
                                 keep=lambda: table_height(self.view, 8))
        self.split.addWidget(self.view)
        self.split.addWidget(lower)
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 1)
        self.layout_.insertWidget(2, self.split, 1)
        self.plan: paths.Plan | None = None
        self._inputs: tuple[Any, ...] | None = None

    # ---- loading ------------------------------------------------------------------------------

    def load(self, ctx: Context) -> list[dict[str, Any]]:
        county, year, day = ctx.county, ctx.year, today()
        std = standards.for_county(county)
        docs = load_documents(county)
        to_date = ctx.facts_to(day)
        towns = ctx.townships()
        self._inputs = (std, docs, towns, day)
        self.plan = paths.build(std, ctx.evaluation, docs, towns, day,
                                arrangements.read(county, year))
        rank = {i.id: n for n, i in enumerate(std.items)}
        rows = [_row(year, a, rank) for a in self.plan.actions]
        if self.plan.township_scope:  # no county total in a township's file to add up to
            for r in rows:
                r["cumulative"] = None
        names = {i["id"]: i["name"] for i in to_date.institutions}
        rows += [_done_row(d, names, towns, std) for d in self.plan.done]
        behind = pace_of(ctx.evaluation, get_profile(county, ctx.evaluation.profile_id),
                         to_date, towns, day)
        self.pace.set_rows([self._pace_row(n, p) for n, p in enumerate(behind)])
        self._say_pace(behind, year, day)
        places = sorted(({r["township"] for r in rows} | {r["township"] for r in self.pace.rows})
                        - {paths.COUNTY_WIDE})
        self.fill_filter(self.town_filter, [(t, t) for t in places]
                         + [(paths.COUNTY_WIDE, paths.COUNTY_WIDE)])
        self.fill_filter(self.stage_filter, [(s, s) for s in (ON_PATH, FURTHER, DONE)
                                             if any(r["stage"] == s for r in rows)])
        self.fill_filter(self.need_filter, [(n, n) for n in sorted({r["need"] for r in rows
                                                                    if r["need"]})])
        self.summary.setText(self._summary())
        self.split.fit()
        return rows

    def _pace_height(self, spacing: int) -> int:
        """The height the minimums need: their line, and every row they show."""
        label = self.pace_label
        words = label.heightForWidth(max(1, self.pace_view.width())) if label.wordWrap() \
            else label.sizeHint().height()
        return words + spacing + table_height(self.pace_view, self.pace_proxy.rowCount())

    def row_name(self, row: dict[str, Any]) -> str:
        """An action is named by its item's 条目 and where it is to be done (一（一）1 全县)."""
        return f"{row.get('code') or row['item_label']} {row['name']}"

    @staticmethod
    def _pace_row(n: int, p: Pace) -> dict[str, Any]:
        return {"id": f"pace{n}", "status": p.status, "township": p.township or paths.COUNTY_WIDE,
                "name": p.institution or paths.COUNTY_WIDE, "institution_id": p.institution_id,
                "indicator": p.indicator, "what": p.what, "count": p.count,
                "expected": p.expected, "minimum": p.minimum, "unit": p.unit}

    def _say_pace(self, behind: list[Pace], year: int, day: _dt.date) -> None:
        late = sum(1 for p in behind if p.status == BEHIND)
        if day.year > year:
            text = (f"<b>年度最低要求</b>：{year} 年已结束，未达到的 {len(behind)} 项如下"
                    "（宣传栏更换、健康讲座等按全年计）。")
        else:
            text = (f"<b>年度最低要求进度</b>（到 {day:%Y-%m-%d}，全年已过 "
                    f"{(day.timetuple().tm_yday / (366 if year % 4 == 0 else 365)):.0%}）："
                    f"尚未达到全年要求 {len(behind)} 项，其中<b>落后</b> {late} 项"
                    "（到今天已有的次数少于全年要求按时间比例应有的次数）。")
        self.pace_label.setText(text + "双击转到该机构的活动记录。")

    def _summary(self) -> str:
        plan = self.plan
        if plan is None:
            return ""
        colour = "#1a7f37" if plan.passed else "#1a5fb4" if plan.reachable else "#a40000"
        text = f"<span style='color:{colour}'><b>{plan.summary()}</b></span>"
        notes = [n for n in plan.notes if "未重复计算" not in n]
        if notes:
            text += "<br/>" + "<br/>".join(notes)
        return text + ("<br/>双击一行（或按回车）转到需要修改的地方；在“责任人”“完成时限”两列直接填写，"
                       "或选中几行后点“安排”。")

    # ---- 已安排 ----------------------------------------------------------------------------------

    def store(self, row: dict[str, Any], values: dict[str, Any], year: int) -> None:
        assert self.ctx is not None
        if not set(values) <= {"person", "due_date"}:
            raise KnownError("此列不能修改")
        arrangements.store(self.ctx.county, year, row["key"], row["item"],
                           row["institution_id"], row["what"], values)

    def cells_written(self) -> None:
        """An arrangement changes no score: the projection is counted again, nothing re-judged."""
        if self.ctx is not None and self._inputs is not None:
            std, docs, towns, day = self._inputs
            self.plan = paths.build(std, self.ctx.evaluation, docs, towns, day,
                                    arrangements.read(self.ctx.county, self.ctx.year))
            self.summary.setText(self._summary())
        self._say("已保存")

    def _worked_in(self, pace: bool) -> None:
        self._in_pace = pace

    def _selected_rows(self) -> list[dict[str, Any]]:
        rows = {i.row(): i.data(ROW_ROLE) for i in self.view.selectionModel().selectedIndexes()}
        if not rows and self.view.currentIndex().isValid():
            rows = {0: self.view.currentIndex().data(ROW_ROLE)}
        return [r for _n, r in sorted(rows.items())]

    def arrange(self) -> None:
        rows = self._selected_rows()
        if self._in_pace:
            # The clerk was working in the minimums below, which are not actions: the row still
            # selected above is not what they mean.
            self.refuse("下方的年度最低要求只供查看进度，不能安排：请在上方的行动表中选中要安排的行动，"
                        "再点“安排”。")
            return
        if not rows or self.ctx is None:
            self.refuse("请先选中要安排的行动（可以选几行）。")
            return
        first = rows[0]
        dialog = ArrangeDialog(len(rows), first.get("person") or "", first.get("due_date"),
                               self.ctx.year, self, named=_named(rows))
        while True:
            if not dialogs.exec_dialog(dialog):
                return
            try:
                values = dialog.values()
            except KnownError as exc:  # a date that cannot be read: said, the dialog again
                show_refusal(dialog, str(exc))
                continue
            break
        if not values["person"]:
            self.refuse("未安排：请填写责任人。")
            return
        changes = [Change(dict(r), k, r.get(k), v) for r in rows for k, v in values.items()
                   if r.get(k) != v]
        if changes:
            self.apply(changes, f"安排 {len(rows)} 项行动", year=self.ctx.year)

    def unarrange(self) -> None:
        rows = [r for r in self._selected_rows() if r.get("person") or r.get("due_date")]
        if self.ctx is None or not rows:
            self.refuse("所选行动尚未安排。")
            return
        changes = [Change(dict(r), k, r.get(k), None) for r in rows
                   for k in ("person", "due_date") if r.get(k) is not None]
        self.apply(changes, f"取消安排 {len(rows)} 项行动", year=self.ctx.year)

    # ---- going to the row to fix --------------------------------------------------------------

    def _open(self, index: QModelIndex) -> None:
        row = index.data(ROW_ROLE)
        if row is not None:
            self.action_requested.emit(row["item"], row["indicator"] or "",
                                       row["institution_id"] or "")

    def _open_pace(self, index: QModelIndex) -> None:
        row = index.data(ROW_ROLE)
        if row is not None:
            self.action_requested.emit(row["indicator"], row["indicator"],
                                       row["institution_id"] or "")

    def select_township(self, town: str | None) -> None:
        combo: QComboBox = self.town_filter
        combo.setCurrentIndex(max(0, combo.findData(town)) if town else 0)
