"""中医馆/中医阁: each grassroots institution's TCM area, techniques and visits for the year."""

from __future__ import annotations

from db.vocab import CENTRE_TYPES, HALL_GRADES, HALL_STATES, STATION_TYPES
from desktop.models import Column
from desktop.tabs.yearfacts import YearFactsTab, _share, name_columns


class HallsTab(YearFactsTab):
    types = (*CENTRE_TYPES, *STATION_TYPES)
    marks = {
        "hall_state": ("A1", "A2", "A10"),
        "hall_area": ("A2", "A10"),
        "hall_consult_rooms": ("A2", "A10"),
        "hall_treat_rooms": ("A2", "A10"),
        "hall_treat_area": ("A2", "A10"),
        "platform_connected": ("A3",),
        "service_place": ("A4", "A8", "A9"),
        "tech_categories": ("B1", "B2", "B3"),
        "tech_items": ("B1", "B2", "B3"),
        "tcm_share": ("B4",),
    }

    def __init__(self) -> None:
        super().__init__([
            *name_columns(),
            Column("hall_state", "中医馆", "choice", True, HALL_STATES, width=100,
                   tip="中医馆达标情况：未建 / 已建未达标 / 达标 / 提档升级"),
            Column("hall_grade", "中医馆等级", "choice", True, HALL_GRADES, width=80),
            Column("hall_area", "中医馆面积（㎡）", "int", True, width=100,
                   tip="中医馆建设标准（2023年）：不少于 300 平方米。提档升级（服务内涵建设）的"
                       "中医馆须填齐面积、诊室、治疗室，程序据此核实；缺一项即为未填报"),
            Column("hall_consult_rooms", "中医诊室", "int", True, width=65, tip="不少于 3 间"),
            Column("hall_treat_rooms", "中医治疗室", "int", True, width=75, tip="不少于 2 间"),
            Column("hall_treat_area", "治疗室面积（㎡）", "int", True, width=100,
                   tip="治疗室面积合计不少于 40 平方米"),
            Column("platform_connected", "接入信息平台", "bool", True, width=90),
            Column("tcm_corner", "中医阁", "bool", True, width=60),
            Column("service_place", "服务场所设备", "bool", True, width=90,
                   tip="是否具备中医药服务场所和设备"),
            Column("tech_categories", "适宜技术（类）", "int", True, width=90),
            Column("tech_items", "适宜技术（项）", "int", True, width=90),
            Column("visits", "总诊疗人次", "int", True, width=95),
            Column("tcm_visits", "中医诊疗人次", "int", True, width=95),
            Column("tcm_share", "中医诊疗占比", "share", value=_share("tcm_visits", "visits"),
                   width=90, tip="中医诊疗人次 / 总诊疗人次（用于基层机构中医诊疗量占比）"),
        ])
