"""人员配备: physicians by category in every institution, the TCM share, and the county line."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel

from db.vocab import HOSPITAL_GRADES
from desktop.context import Context
from desktop.models import Column
from desktop.tabs.yearfacts import YearFactsTab, _share, name_columns
from reports.judge.wording import COUNTY_LEVEL, format_value, status_text

_DEPARTMENTS = ("dept_preventive", "dept_rehab", "dept_infectious")


def _hospital_only(row: dict[str, Any]) -> bool:
    return row.get("type") == "county_tcm_hospital"


class PersonnelTab(YearFactsTab):
    marks = {
        "tcm_share": ("C1", "C2"),
        "tcm_physicians": ("C3", "C4"),
        "other_tcm_staff": ("C3", "C4"),
        "dept_preventive": ("B7",),
        "dept_rehab": ("B7",),
        "dept_infectious": ("B7",),
        "hospital_grade": ("B9",),
        "dept_guidance": ("B10",),
        "tech_center": ("B11",),
        "tcm_dept": ("B12",),
        "tcm_pharmacy": ("B13",),
        "decoction_room": ("B13",),
        "edu_base": ("B15",),
        "fd_teams": ("B14",),
        "fd_teams_tcm": ("B14",),
    }

    def __init__(self) -> None:
        super().__init__([
            *name_columns(),
            Column("physicians", "执业（助理）医师", "int", True, width=110),
            Column("tcm_physicians", "中医类别医师", "int", True, width=95),
            Column("tcm_share", "中医类别占比", "share", value=_share("tcm_physicians", "physicians"),
                   width=90, tip="中医类别执业（助理）医师数 / 执业（助理）医师数"),
            Column("other_tcm_staff", "其他能提供中医药服务人员", "int", True, width=150),
            Column("tcm_gps", "中医类别全科医生", "int", True, width=110),
            Column("west_learn_tcm", "西学中", "int", True, width=70),
            Column("dept_preventive", "治未病科", "bool", True, width=70,
                   tip="县级中医医院填写"),
            Column("dept_rehab", "康复科", "bool", True, width=60, tip="县级中医医院填写"),
            Column("dept_infectious", "感染性疾病科", "bool", True, width=90,
                   tip="县级中医医院填写"),
            Column("hospital_grade", "医院等级", "choice", True, HOSPITAL_GRADES, width=80,
                   tip="县级中医医院填写（建设标准：二级甲等及以上）"),
            Column("dept_guidance", "基层指导科", "bool", True, width=80, tip="县级中医医院填写"),
            Column("tech_center", "适宜技术推广中心", "bool", True, width=110,
                   tip="县级中医医院填写"),
            Column("tcm_dept", "中医科", "bool", True, width=60,
                   tip="县级综合医院、妇幼保健院填写"),
            Column("tcm_pharmacy", "中药房", "bool", True, width=60,
                   tip="县级综合医院、妇幼保健院填写"),
            Column("decoction_room", "煎药室", "bool", True, width=60,
                   tip="县级综合医院、妇幼保健院填写（建设标准：中药房、煎药室）"),
            Column("edu_base", "宣教基地", "bool", True, width=70,
                   tip="中医健康宣教基地：县级中医医院、综合医院、妇幼保健院填写"),
            Column("fd_teams", "家庭医生团队", "int", True, width=90,
                   tip="社区卫生服务中心、乡镇卫生院填写"),
            Column("fd_teams_tcm", "其中有中医药人员", "int", True, width=110,
                   tip="有中医药人员的家庭医生团队数"),
        ])
        self.county_line = QLabel(self)
        self.county_line.setObjectName("county_line")
        self.county_line.setWordWrap(True)
        self.layout_.insertWidget(1, self.county_line)

    def mark(self, row: dict[str, Any], col: Column) -> str | None:
        if col.key == "tcm_share" and self.ctx is not None:
            wanted = ("C1",) if _hospital_only(row) else ("C2", "C7")
            return self.ctx.gap(wanted, row["id"]) or self._hospital_gap(row, "C1")
        if col.key in _DEPARTMENTS and not _hospital_only(row):
            return None
        if col.key in _DEPARTMENTS:
            return self._hospital_gap(row, "B7") if not row.get(col.key) else None
        return super().mark(row, col)

    def _hospital_gap(self, row: dict[str, Any], ind: str) -> str | None:
        """County-level indicators about the TCM hospital mark the hospital's own row."""
        if self.ctx is None or not _hospital_only(row):
            return None
        result = self.ctx.evaluation.result(ind)
        if result is None or result.met is not False:
            return None
        return f"{self.ctx.cite(ind, result.name)}：{result.gap or '未达标'}"

    def refresh(self, ctx: Context) -> None:
        super().refresh(ctx)
        self._show_county_line(ctx)

    def rejudged(self, ctx: Context) -> None:
        super().rejudged(ctx)
        self._show_county_line(ctx)

    def _show_county_line(self, ctx: Context) -> None:
        parts = []
        for ind in ("C1", "C5", "C6"):
            r = ctx.evaluation.result(ind)
            if r is None:
                continue
            if r.id in ctx.county_level:
                # A township's file holds a fraction of the county: as 总览 says, not judged here.
                parts.append(f"<b>{ctx.cite(r.id, r.name)}</b>：{COUNTY_LEVEL}")
                continue
            parts.append(f"<b>{ctx.cite(r.id, r.name)}</b>：{format_value(r.kind, r.value, r.marks)}"
                         f"（{status_text(r)}）")
        self.county_line.setText("全县：" + "　·　".join(parts))
