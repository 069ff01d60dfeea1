"""填报进度: who has reported the selected year, per township and institution, which parts are
in, and the 沿用上年 values still to confirm; each centre's yearly minimums (宣传栏更换, 讲座 …)
against the share of the year gone (落后); a list to chase townships with (Excel), and a
double-click to the institution's row where its missing part is entered."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel

from db.county import parse_carried
from db.newyear import carried_rows
from db.vocab import institution_key, pinyin_key
from desktop import dialogs
from desktop.columns import ColumnFit
from desktop.context import Context
from desktop.frozen import FreezableView
from desktop.models import ROW_ROLE, SORT_ROLE, Column, RecordModel
from desktop.splits import FitSplitter, table_height
from desktop.tabs import path as path_tab
from desktop.tabs.base import TableTab, opens_rows
from desktop.undo import Change
from reports.judge.catalogue import STATIONS
from reports.judge.profiles import get_profile
from reports.judge.progress import PARTS, InstitutionProgress, progress
from reports.plan.pace import BEHIND, ON_PACE, SHORT, Pace, pace

_MARK = {True: "✓", False: "缺", None: "—"}
# Where each part is entered, for the double-click.
PART_TAB = {"staff": "personnel", "visits": "halls", "hall": "halls", "techniques": "halls",
            "activities": "activities"}
# And the first column of it there, brought into view beside the institution's name.
PART_COLUMN = {"staff": "physicians", "visits": "visits", "hall": "hall_state",
               "techniques": "tech_categories"}
# The key of a Change to an institution's 沿用上年 marker (its row's "carried" is a count).
CARRIED = "carried_marker"
_STATUS_TONE = {"已填齐": "pass", "未填报": "fail", "待确认": "none"}


def _part(key: str) -> Column:
    return Column(key, PARTS[key], width=64, value=lambda r, k=key: _MARK[r["parts"][k]],
                  tone=lambda r, k=key: "fail" if r["parts"][k] is False else None)


def _pace_status(paces: list[Pace]) -> str | None:
    """The worst of an institution's yearly minimums: 落后, then 未达到, then 进度正常."""
    for status in (BEHIND, SHORT, ON_PACE):
        if any(p.status == status for p in paces):
            return status
    return None


def _towns(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per township, counted from the institutions' rows by their 填报情况, so the two tables
    and the headline always agree: 已填齐 + 待确认 + 未填报 = 应报, and 其中部分填报 are the
    未填报 that sent something (partly reported is not reported)."""
    by_town: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_town.setdefault(r["township"], []).append(r)
    out = []
    for town, insts in by_town.items():
        count = {s: sum(1 for r in insts if r["status"] == s) for s in ("已填齐", "待确认", "未填报")}
        out.append({"id": town, "township": town, "institutions": len(insts),
                    "complete": count["已填齐"], "waiting": count["待确认"] or None,
                    "none": count["未填报"],
                    "partial": sum(1 for r in insts if r["partial"]) or None,
                    "carried": sum(1 for r in insts if r["carried"]) or None,
                    "share": count["已填齐"] / len(insts)})
    return out


def _row(i: InstitutionProgress, paces: list[Pace]) -> dict[str, Any]:
    shown = [p for p in paces if p.status != ON_PACE] or paces
    return {"id": i.id, "name": i.name, "township": i.township, "type_name": i.type_name,
            "type": i.type, "partial": i.partial,
            "pace_status": _pace_status(paces),
            "pace": "；".join(p.text for p in shown),
            "parts": i.parts, "share": i.share, "done_text": f"{i.done}/{i.asked}",
            "status": i.status, "missing": "、".join(i.missing), "carried": i.carried or None,
            "carried_from": i.carried_from, "first_missing": next(
                (k for k, v in i.parts.items() if v is False), None)}


class ProgressTab(TableTab):
    jump = Signal(str, str, str)  # tab key, institution id, column key ("" for the name)
    reload_on_change = True

    def __init__(self) -> None:
        super().__init__([
            Column("township", "乡镇（街道）", width=90),
            Column("name", "机构名称", width=190),
            Column("type_name", "类型", width=90),
            *(_part(k) for k in PARTS),
            Column("share", "已交比例", "share", width=70),
            Column("status", "填报情况", width=75, tone=lambda r: _STATUS_TONE.get(r["status"])),
            Column("carried", "沿用待确认（项）", "int", width=75,
                   tip="从上年沿用、尚未确认或修改的数据项数"),
            Column("missing", "缺少", width=150),
            Column("pace_status", "活动进度", width=64,
                   tone=lambda r: "fail" if r["pace_status"] == BEHIND else None,
                   tip="宣传栏更换、健康咨询、讲座等全年最低要求：到今天已有的次数少于按时间比例应有的次数为“落后”"),
            Column("pace", "尚未达到的年度要求", width=150, whole_tip=True),
        ], editable=False, frozen=2)
        self.town_filter = self.add_filter("township", "乡镇", "X")
        self.status_filter = self.add_filter("status", "情况", "Q")
        self.pace_filter = self.add_filter("pace_status", "活动进度", "P")
        for label, letter, slot, tip in (
                ("确认沿用", "C", self.confirm_selected, "确认所选机构从上年沿用的数据"),
                ("确认本乡镇", "B", self.confirm_town, "确认所选机构所在乡镇全部机构从上年沿用的数据"),
                ("全部确认", "L", self.confirm_all, "确认全县从上年沿用的数据"),
                ("导出 Excel…", "D", self.export,
                 "导出本年度填报进度（按乡镇、待催报机构），便于催报")):
            self.add_button(label, letter, slot, tip=tip)
        self.summary = QLabel(self)
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        self.towns = RecordModel([
            Column("township", "乡镇（街道）", width=120),
            Column("institutions", "应报机构", "int", width=70),
            # The same four words as 填报情况 below and the headline above: they add up to 应报.
            Column("complete", "已填齐", "int", width=60),
            Column("waiting", "待确认", "int", width=60,
                   tip="各项已有、但有从上年沿用尚未确认的数据的机构数"),
            Column("none", "未填报", "int", width=60,
                   tone=lambda r: "fail" if r["none"] else None,
                   tip="缺少任何一项应报数据的机构（部分填报的也算未填报）"),
            Column("partial", "其中部分填报", "int", width=90,
                   tip="未填报的机构中，已交了部分数据的家数"),
            Column("carried", "有沿用待确认（家）", "int", width=80,
                   tip="有从上年沿用、尚未确认的数据的机构数（不论是否填齐）"),
            Column("share", "填齐比例", "share", width=70, tip="已填齐 / 应报机构"),
        ], parent=self)
        self.towns_proxy = QSortFilterProxyModel(self)
        self.towns_proxy.setSortRole(SORT_ROLE)
        self.towns_proxy.setSourceModel(self.towns)
        self.town_view = FreezableView(self)
        self.town_view.setObjectName("towns")
        self.town_view.setModel(self.towns_proxy)
        self.town_view.setSortingEnabled(True)
        self.town_view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.towns_proxy.sort(-1)
        self.town_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.town_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.town_view.verticalHeader().setDefaultSectionSize(24)
        self.towns_fit = ColumnFit(self.town_view, self.towns)
        self.town_view.clicked.connect(self._town_clicked)
        # The township table above the institutions, in a splitter the clerk can move.
        self.layout_.removeWidget(self.view)
        # Every township in view when they are few (12 showed 4½ at 1366×768), the
        # institutions keeping at least six rows.
        self.split = FitSplitter(
            Qt.Orientation.Vertical, self, small=0,
            need=lambda: table_height(self.town_view, self.towns_proxy.rowCount()),
            keep=lambda: table_height(self.view, 6))
        self.split.addWidget(self.town_view)
        self.split.addWidget(self.view)
        self.split.setStretchFactor(0, 1)
        self.split.setStretchFactor(1, 3)
        self.layout_.insertWidget(1, self.split, 1)
        self.layout_.insertWidget(0, self.summary)
        opens_rows(self.view, self._open)

    def load(self, ctx: Context) -> list[dict[str, Any]]:
        state = ctx.progress or progress(ctx.county, ctx.year)
        day = path_tab.today()
        paces: dict[str, list[Pace]] = {}
        for p in pace(ctx.evaluation, get_profile(ctx.county, ctx.evaluation.profile_id),
                      ctx.facts_to(day), {}, day):
            if p.institution_id:
                paces.setdefault(p.institution_id, []).append(p)
        # The register's order: townships in pinyin order, within one by type, then name.
        rows = sorted((_row(i, paces.get(i.id, [])) for i in state.institutions),
                      key=lambda r: (pinyin_key(r["township"]), institution_key(r)))
        towns = _towns(rows)
        self.towns.set_rows(towns)
        self.split.fit()
        self.fill_filter(self.pace_filter, [(s, s) for s in (BEHIND, SHORT, ON_PACE)
                                            if any(r["pace_status"] == s for r in rows)])
        self.fill_filter(self.town_filter, [(t["township"], t["township"]) for t in towns])
        self.fill_filter(self.status_filter, [(s, s) for s in ("未填报", "待确认", "已填齐")
                                              if any(r["status"] == s for r in rows)])
        total = len(rows)
        done = sum(1 for r in rows if r["status"] == "已填齐")
        waiting = sum(1 for r in rows if r["status"] == "待确认")
        none, carried = len(state.unreported), len(state.unconfirmed)
        partial = sum(1 for i in state.unreported if i.partial)
        # The same 未填报 as evaluate, the report's draft note and --final: partly is not yet.
        text = (f"<b>{ctx.year} 年填报进度</b>：应报 {total} 家，已填齐 {done} 家，"
                + (f"待确认 {waiting} 家（各项已有，沿用上年的数据待确认），" if waiting else "")
                + f"未填报 <b>{none}</b> 家" + (f"（其中部分填报 {partial} 家，缺少的项目见“缺少”列）"
                                              if partial else ""))
        if not state.has_data:
            text += f"；文件中没有{ctx.year}年度的任何数据"
        if carried:
            text += (f"；{carried} 家有从上年沿用、尚未确认的数据（在中医馆/中医阁、人员配备页"
                     "以蓝色斜体显示）")
        behind = sum(1 for r in rows if r["pace_status"] == BEHIND)
        if behind:
            text += f"；宣传活动进度<b>落后</b> {behind} 家（按全年最低要求和已过去的时间计）"
        self.summary.setText(text + "。双击机构或按回车，转到该机构需要填写的页面。")
        return rows

    def _town_clicked(self, index: QModelIndex) -> None:
        row = index.data(ROW_ROLE)
        if row is not None:
            self.town_filter.setCurrentIndex(max(0, self.town_filter.findData(row["township"])))

    def _open(self, index: QModelIndex) -> None:
        row = index.data(ROW_ROLE)
        if row is not None:
            part = row["first_missing"] or ""
            column = PART_COLUMN.get(part, "")
            if part == "hall" and row.get("type") in STATIONS:
                column = "tcm_corner"  # a station's part is its 中医阁 or service place
            # Nothing missing but behind on the year's activities: its activity log.
            fallback = "activities" if row["pace_status"] else "halls"
            self.jump.emit(PART_TAB.get(part, fallback), row["id"], column)

    # ---- confirming carried-over values ------------------------------------------------------

    def _confirm(self, ids: list[str] | None, what: str) -> None:
        """Confirm carried-over values: one step of 撤销, which marks them 沿用上年 again."""
        assert self.ctx is not None
        county, year = self.ctx.county, self.ctx.year
        wanted = None if ids is None else set(ids)
        rows = [r for r in carried_rows(county, year)
                if wanted is None or r["institution_id"] in wanted]
        if not rows:
            self.refuse(f"{what}没有待确认的沿用数据。")
            return
        changes = [Change({"id": r["institution_id"], "name": r["name"]}, CARRIED, r["carried"],
                          None) for r in rows]
        if self.apply(changes, f"确认沿用上年数据（{what}，{len(rows)} 家）", year=year):
            self._say(f"已确认{what} {len(rows)} 家机构从上年沿用的数据。")

    def store(self, row: dict[str, Any], values: dict[str, Any], year: int) -> None:
        """Confirming (or, on 撤销, marking again) one institution's carried-over values."""
        assert self.ctx is not None
        self.ctx.county.set_institution_year(row["id"], year, {"carried": values[CARRIED]})

    def confirm_selected(self) -> None:
        row = self.selected_row()
        if row is None:
            self.refuse("请先选中一家机构。")
            return
        self._confirm([row["id"]], f"“{row['name']}”")

    def confirm_town(self) -> None:
        row = self.selected_row()
        if row is None or self.ctx is None:
            self.refuse("请先选中该乡镇的一家机构。")
            return
        ids = [r["id"] for r in self.model.rows if r["township"] == row["township"]]
        self._confirm(ids, f"“{row['township']}”")

    def confirm_all(self) -> None:
        if self.ctx is None:
            return
        rows = carried_rows(self.ctx.county, self.ctx.year)
        if not rows:
            self.refuse("全县没有待确认的沿用数据。")
            return
        values = sum(len(parse_carried(r["carried"])[1]) for r in rows)
        if dialogs.confirm(self, "全部确认", f"确认全县 {len(rows)} 家机构 {self.ctx.year} 年从上年沿用的"
                           f"{values} 项数据吗？\n确认后这些数据视为本年度已核对的数据。"):
            self._confirm(None, "全县")

    def export(self) -> None:
        if self.ctx is None:
            return
        county, year = self.ctx.county, self.ctx.year
        suggested = str(county.path.with_name(f"{county.county_name}{year}年度填报进度.xlsx"))
        name = dialogs.save_file_name(self, "导出填报进度", suggested, "Excel 工作簿 (*.xlsx)")
        if not name:
            return
        from reports.excel.export import export_progress

        out = Path(name) if name.lower().endswith(".xlsx") else Path(name + ".xlsx")
        if self.save_file(lambda: export_progress(county, year, out)):
            if dialogs.confirm(self, "导出填报进度", f"已导出：\n{out}\n\n现在打开吗？"):
                dialogs.open_with_system(str(out))

    def save_file(self, action: Any) -> bool:
        """Writing a workbook changes nothing in the county file: no re-judging."""
        from db.errors import KnownError

        try:
            action()
        except KnownError as exc:
            self.refuse(str(exc))
            return False
        return True
