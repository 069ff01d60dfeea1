"""The catalogue: every indicator of indicators.md with its section, scope, kind and measure.

Data only, with no judging: profiles check their targets against it, evaluation computes it, the
window, the PDF and Excel name indicators from it.
"""

from __future__ import annotations

from dataclasses import dataclass

from db.vocab import CENTRE_TYPES, INSTITUTION_TYPES

SECTIONS = {
    "A": "服务网络：中医馆 / 中医阁",
    "B": "服务能力",
    "C": "人员配备",
    "D": "中医药文化宣传与健康教育",
}

TCM_HOSPITAL = ("county_tcm_hospital",)
OTHER_HOSPITALS = ("county_general_hospital", "maternal_child")
COUNTY_HOSPITALS = (*TCM_HOSPITAL, *OTHER_HOSPITALS)  # 县级医院
STATIONS = ("chs", "village_clinic")
COUNTY: tuple[str, ...] = ()  # scope of an indicator about the county as a whole
WITH_HALL = ("built", "standard", "upgraded")
DEPARTMENTS = {"dept_preventive": "治未病科", "dept_rehab": "康复科", "dept_infectious": "感染性疾病科"}


@dataclass(frozen=True)
class Indicator:
    """One line of the catalogue in indicators.md."""

    id: str
    section: str
    name: str
    scope: tuple[str, ...]  # institution type keys; () = the county as a whole
    kind: str  # share (0–1) | rate (per 10,000 people) | count
    is_inst: bool  # a share of institutions that lists each failing one
    measure: str  # numerator / denominator, in the words users read
    source: str  # seed file prefix and paragraph
    max_value: float | None = 1.0  # the largest sensible target
    reads: str = "institution"  # institution | activity | county: the facts it is computed from
    # The institution types that must report for it: 未填报 and 待填报 are decided over exactly
    # these, and no institution of another type is ever listed as 未填报 for it. Its scope (the
    # types it reads) unless a county-wide figure is summed from some types' reports (C5).
    population: tuple[str, ...] | None = None
    # The per-institution conditions (达标条件) a standard or a profile may set for it.
    thresholds: tuple[str, ...] = ()

    @property
    def must_report(self) -> tuple[str, ...]:
        return self.scope if self.population is None else self.population

    @property
    def scope_text(self) -> str:
        return "、".join(INSTITUTION_TYPES[t] for t in self.scope) if self.scope else "全县"

    @property
    def population_text(self) -> str:
        """Who must report for it, in the words 目标设置 and the report use."""
        if self.must_report:
            return "、".join(INSTITUTION_TYPES[t] for t in self.must_report)
        return "全县数据" if self.reads == "county" else "活动记录（各机构）"


_READS_COUNTY = {"B5", "B6", "B8", "C5", "D10", "D11"}


_HALL_CONDITIONS = ("hall_states", "area", "consult_rooms", "treat_rooms", "treat_area",
                    "tcm_share", "service_kinds")
_THRESHOLDS = {"A2": _HALL_CONDITIONS, "A10": _HALL_CONDITIONS,
               "B1": ("categories", "items"), "B2": ("categories", "items"),
               "B3": ("categories", "items"), "B9": ("min_grade",), "B13": ("decoction_room",),
               "C2": ("share",), **{d: ("count",) for d in ("D1", "D2", "D3", "D4", "D5")}}
# C5 sums the TCM-category GPs of every institution; the centres, where they work, must report.
_POPULATIONS = {"C5": CENTRE_TYPES}


def _i(id_: str, name: str, scope: tuple[str, ...], kind: str, is_inst: bool, measure: str,
       source: str, max_value: float | None = 1.0) -> Indicator:
    reads = ("county" if id_ in _READS_COUNTY else "activity" if id_.startswith("D")
             else "institution")
    return Indicator(id_, id_[0], name, scope, kind, is_inst, measure, source, max_value, reads,
                     _POPULATIONS.get(id_), _THRESHOLDS.get(id_, ()))


CATALOGUE: tuple[Indicator, ...] = (
    _i("A1", "中医馆设置率", CENTRE_TYPES, "share", True,
       "设置中医馆的机构数 / 范围内机构数", "000 四·八, 002-2, 004 四(三)2"),
    _i("A2", "中医馆达标率", CENTRE_TYPES, "share", True,
       "中医馆达标（或提档升级）的机构数 / 范围内机构数", "000 八, 003-10"),
    _i("A3", "中医馆接入健康信息平台比例", CENTRE_TYPES, "share", True,
       "接入中医馆健康信息平台的机构数 / 设置中医馆的机构数", "003-24 (004: all)"),
    _i("A4", "站室中医药服务覆盖率", STATIONS, "share", True,
       "具备中医药服务场所和设备的站室数 / 范围内站室数", "001 二十四, 004 四(三)2"),
    _i("A5", "中医阁设置率", STATIONS, "share", False,
       "设置中医阁的站室数 / 范围内站室数", "000 四, 001 二十四, 002-2, 004"),
    _i("A6", "精品中医馆占比", CENTRE_TYPES, "share", False,
       "评为精品或示范中医馆的机构数 / 范围内机构数", "002-2"),
    _i("A7", "示范中医馆占比", CENTRE_TYPES, "share", False,
       "评为示范中医馆的机构数 / 范围内机构数", "002-2"),
    _i("A8", "社区卫生服务站中医药服务覆盖率", ("chs",), "share", True,
       "能够提供中医药服务的服务站数 / 范围内服务站数", "建设标准 二（三）1"),
    _i("A9", "村卫生室中医药服务覆盖率", ("village_clinic",), "share", True,
       "能够提供中医药服务的村卫生室数 / 范围内村卫生室数", "建设标准 二（三）2"),
    _i("A10", "中医馆提档升级占比", CENTRE_TYPES, "share", False,
       "中医馆达到提档升级（服务内涵建设）的机构数 / 范围内机构数", "建设标准 二（二）3"),
    _i("B1", "基层机构适宜技术达标率", CENTRE_TYPES, "share", True,
       "适宜技术达到要求类数、项数的机构数 / 范围内机构数", "000 八, 004 五3"),
    _i("B2", "社区卫生服务站适宜技术达标率", ("chs",), "share", True,
       "适宜技术达到要求类数、项数的服务站数 / 范围内服务站数", "004 五3"),
    _i("B3", "村卫生室适宜技术达标率", ("village_clinic",), "share", True,
       "适宜技术达到要求类数、项数的村卫生室数 / 范围内村卫生室数", "003-10, 000 八"),
    _i("B4", "基层机构中医诊疗量占比", CENTRE_TYPES, "share", False,
       "中医诊疗人次合计 / 总诊疗人次合计", "000 八, 002-2, 004 五2"),
    _i("B5", "老年人中医药健康管理率", COUNTY, "share", False,
       "接受中医药健康管理的65岁及以上居民数 / 65岁及以上常住居民数", "000 六"),
    _i("B6", "儿童中医药健康管理率", COUNTY, "share", False,
       "接受中医药健康管理的0-36个月儿童数 / 0-36个月儿童数", "000 六"),
    _i("B7", "县级中医医院重点科室设置", TCM_HOSPITAL, "count", False,
       "治未病科、康复科、感染性疾病科中已设置的个数", "001 二十二, 004 四(三)1", 3),
    _i("B8", "医联体覆盖人口比例", COUNTY, "share", False,
       "县级中医医院牵头的医联体（医共体）覆盖人口 / 常住人口", "001 二十三, 003-25, 004 四(三)1"),
    _i("B9", "县级中医医院等级达标", TCM_HOSPITAL, "share", True,
       "达到要求等级的县级中医医院数 / 县级中医医院数", "建设标准 二（一）2"),
    _i("B10", "县级中医医院基层指导科", TCM_HOSPITAL, "share", True,
       "设置基层指导科的县级中医医院数 / 县级中医医院数", "建设标准 二（一）3"),
    _i("B11", "县级中医医院适宜技术推广中心", TCM_HOSPITAL, "share", True,
       "设置适宜技术推广中心的县级中医医院数 / 县级中医医院数", "建设标准 二（一）4"),
    _i("B12", "综合医院、妇幼保健院中医科", OTHER_HOSPITALS, "share", True,
       "设置中医科的机构数 / 县级综合医院和妇幼保健院数", "建设标准 二（一）7"),
    _i("B13", "综合医院、妇幼保健院中药房", OTHER_HOSPITALS, "share", True,
       "设置中药房（及煎药室）的机构数 / 县级综合医院和妇幼保健院数", "建设标准 二（一）8"),
    _i("B14", "家庭医生团队中医药人员配备率", CENTRE_TYPES, "share", False,
       "有中医药人员的家庭医生团队数 / 家庭医生团队数（社区卫生服务中心、乡镇卫生院合计）",
       "建设标准 三（二）3"),
    _i("B15", "中医健康宣教基地", COUNTY_HOSPITALS, "count", False,
       "设置中医健康宣教基地的县级医院数", "建设标准 二（一）9", None),
    _i("C1", "县级中医医院中医类别医师占比", TCM_HOSPITAL, "share", False,
       "中医类别执业（助理）医师数 / 执业（助理）医师数", "004 四(四)2"),
    _i("C2", "基层机构中医类别医师占比达标率", CENTRE_TYPES, "share", True,
       "中医类别医师占比达到要求的机构数 / 范围内机构数", "000 九, 004 四(四)2"),
    _i("C3", "社区卫生服务站中医药人员配备率", ("chs",), "share", True,
       "有中医类别医师或能提供中医药服务的其他医师的服务站数 / 范围内服务站数", "004 四(四)2"),
    _i("C4", "村卫生室中医药人员配备率", ("village_clinic",), "share", True,
       "有能提供中医药服务人员的村卫生室数 / 范围内村卫生室数", "000 八"),
    _i("C5", "每万人口中医类别全科医生数", COUNTY, "rate", False,
       "合格的中医类别全科医生数 / 常住人口 × 10,000", "001 十九, 004 四(四)1", None),
    _i("C6", "西学中培训覆盖率", (*CENTRE_TYPES, "chs"), "share", False,
       "接受西学中培训的非中医类别医师数 / 非中医类别医师数", "004 四(四)4"),
    _i("C7", "基层机构中医类别医师占比", CENTRE_TYPES, "share", False,
       "中医类别执业（助理）医师数合计 / 执业（助理）医师数合计（社区卫生服务中心、乡镇卫生院）",
       "建设标准 三（三）2"),
    _i("D1", "中医药宣传栏更换", CENTRE_TYPES, "share", True,
       "全年更换中医药宣传栏达到要求次数的机构数 / 范围内机构数", "000 十五"),
    _i("D2", "中医药健康咨询活动", CENTRE_TYPES, "share", True,
       "全年开展中医药健康咨询达到要求次数的机构数 / 范围内机构数", "000 十五"),
    _i("D3", "中医药文字资料种类", CENTRE_TYPES, "share", True,
       "全年提供中医药文字资料达到要求种数的机构数 / 范围内机构数", "000 十五"),
    _i("D4", "中医药音像资料种类", CENTRE_TYPES, "share", True,
       "全年播放中医药音像资料达到要求种数的机构数 / 范围内机构数", "000 十五"),
    _i("D5", "中医药健康知识讲座", CENTRE_TYPES, "share", True,
       "全年举办中医药健康讲座达到要求次数的机构数 / 范围内机构数", "000 十五"),
    _i("D6", "健康教育中医药内容占比", CENTRE_TYPES, "share", False,
       "有中医药内容的活动次数 / 全部活动次数", "004 五8"),
    _i("D7", "健康教育受众中医药占比", CENTRE_TYPES, "share", False,
       "有中医药内容的活动参与人数 / 全部活动参与人数", "004 五8"),
    _i("D8", "中医药文化进校园活动", COUNTY, "count", False,
       "有中医药内容的进校园活动次数（各机构合计）", "001 十一, 002-18", None),
    _i("D9", "传统健身推广活动", COUNTY, "count", False,
       "传统健身活动次数（各机构合计）", "001 十七, 004 四(二)10", None),
    _i("D10", "群众中医药服务满意率", COUNTY, "share", False,
       "当年满意度调查结果", "001 四"),
    _i("D11", "中医药健康文化素养水平", COUNTY, "share", False,
       "当年全县中医药健康文化素养调查结果", "建设标准 四（三）2"),
)

BY_ID = {ind.id: ind for ind in CATALOGUE}


# indicator → (activity kind, count distinct titles?, unit, noun in gaps)
# D1–D5: the activity kind counted, whether distinct titles count (资料 种类) rather than events,
# and the words for a gap. The activity matrix (reports/judge/matrix.py) counts by these same rules.
ACTIVITY_MINIMUMS = {
    "D1": ("宣传栏更换", False, "次", "宣传栏更换"),
    "D2": ("健康咨询", False, "次", "健康咨询"),
    "D3": ("文字资料", True, "种", "文字资料"),
    "D4": ("音像资料", True, "种", "音像资料"),
    "D5": ("健康讲座", False, "次", "健康讲座"),
}

# A notice board reaches passers-by no one counts: D7 weighs the activities whose audience is.
UNCOUNTED_AUDIENCE = "宣传栏更换"


@dataclass(frozen=True)
class ActivityCount:
    """Which of a year's activities an indicator counts (for a share, its numerator), of the
    institutions in the indicator's scope (any institution where the scope is the county)."""

    kind: str | None  # the kind counted; None: every kind
    tcm_only: bool = True  # only activities with TCM content
    skip: str | None = None  # a kind left out
    people: bool = False  # what counts is the people reached (a blank 参与人数 adds nothing)


# The measures (reports/judge/measures.py) count by these, and the binder files an activity's
# evidence under each item of the standard whose indicator counts the activity.
ACTIVITY_COUNTS = {
    **{ind: ActivityCount(kind) for ind, (kind, *_) in ACTIVITY_MINIMUMS.items()},
    "D6": ActivityCount(None),
    "D7": ActivityCount(None, skip=UNCOUNTED_AUDIENCE, people=True),
    "D8": ActivityCount("进校园"),
    "D9": ActivityCount("传统健身", tcm_only=False),
}
