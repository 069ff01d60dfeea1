"""Fixed vocabularies: the keys stored in the file and the Chinese words users see for them."""

from __future__ import annotations

INSTITUTION_TYPES: dict[str, str] = {
    "county_tcm_hospital": "县级中医医院",
    "county_general_hospital": "县级综合医院",
    "maternal_child": "妇幼保健院",
    "chc": "社区卫生服务中心",
    "township_hc": "乡镇卫生院",
    "chs": "社区卫生服务站",
    "village_clinic": "村卫生室",
    "tcm_clinic": "中医诊所",
    "other": "其他",
}

# Grassroots centres that must have a 中医馆, and the small units under them.
CENTRE_TYPES = ("chc", "township_hc")
STATION_TYPES = ("chs", "village_clinic")

OWNERSHIP: dict[str, str] = {"public": "公立", "private": "民营"}

# 中医馆 states in order; "none" means no 中医馆.
HALL_STATES: dict[str, str] = {
    "none": "未建",
    "built": "已建未达标",
    "standard": "达标",
    "upgraded": "提档升级",
}
HALL_GRADES: dict[str, str] = {"normal": "普通", "boutique": "精品", "model": "示范"}
# Hospital grades, lowest first (the standard asks the county TCM hospital for a least grade).
HOSPITAL_GRADES: dict[str, str] = {
    "none": "未定级",
    "2b": "二级乙等",
    "2a": "二级甲等",
    "3b": "三级乙等",
    "3a": "三级甲等",
}

ACTIVITY_KINDS: tuple[str, ...] = (
    "宣传栏更换",
    "健康咨询",
    "健康讲座",
    "文字资料",
    "音像资料",
    "义诊",
    "进校园",
    "传统健身",
    "其他",
)

TASK_STATUSES: tuple[str, ...] = ("未开始", "推进中", "已完成", "已延期")

YEAR_MIN, YEAR_MAX = 2000, 2100
