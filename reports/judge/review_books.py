"""模拟现场评审, what applies where and what the books say: the standard's items reviewers check
at an institution of each type, the books' figures for each in words, and the verdict the books
give there (符合/不符合, or none where the institution's own books do not decide the item).

The rules are those of `reports.judge.review` (its docstring); this module is the checklist's
left-hand side, kept apart from the draw and the scoring.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from db.vocab import HALL_STATES, HOSPITAL_GRADES, INSTITUTION_TYPES

from reports.judge.catalogue import BY_ID, DEPARTMENTS
from reports.judge.facts import Facts
# The judges the county's figures count institutions by (private there: one indicator each), so
# the books' word on an institution is the figure's.
from reports.judge.measures import UNCOUNTED_AUDIENCE, _graded, _hall_judge
from reports.judge.outcome import Check
from reports.judge.profiles import Profile, exact
from reports.judge.results import Evaluation
from reports.judge.standard import Item, Standard

AGREE, DISAGREE = "符合", "不符合"
VERDICTS = (AGREE, DISAGREE)
# Shares of institutions the catalogue computes without listing a failing one (中医阁 at 10% of
# stations and clinics, 提档升级 at 15% of 中医馆): besides these, every is_inst indicator counts
# institutions.
SHARE_OF_INSTITUTIONS = frozenset({"A5", "A6", "A7", "A10"})


# ---- what applies where, and what the books say ----------------------------------------------

def checked_on_site(item: Item) -> bool:
    """Whether reviewers check an item at institutions (rather than in the county's papers). An
    item worth 0 points (不计分) is not: it changes no score, unless it is 必备."""
    if item.points <= 0 and not item.veto:
        return False
    if item.by == "count":
        return True
    ind = BY_ID.get(item.indicator or "")
    return bool(ind and ind.scope)


def share_item(item: Item, profile: Profile) -> bool:
    """Whether an item asks a share of the institutions in its scope below 100% (中医阁 ≥ 10%,
    村卫生室 ≥ 80% …) under the county's target: one institution without it fails nothing."""
    ind = BY_ID.get(item.indicator or "")
    if ind is None or not (ind.is_inst or ind.id in SHARE_OF_INSTITUTIONS):
        return False
    target = profile.setting(ind.id).target
    if target is None or target.op not in (">=", "between"):
        return False
    bound = target.value if target.op == ">=" else target.low
    return bound is not None and exact(bound) < 1


def item_types(item: Item) -> tuple[str, ...]:
    if item.by == "count":
        return tuple(item.judge["types"])
    ind = BY_ID.get(item.indicator or "")
    return ind.scope if ind else ()


def items_for(std: Standard, profile: Profile, inst_type: str) -> list[Item]:
    """The standard's items reviewers check at an institution of this type."""
    return [item for item in std.items
            if checked_on_site(item) and inst_type in item_types(item) and _on(profile, item)]


def _on(profile: Profile, item: Item) -> bool:
    if not profile.item_on(item.id):
        return False
    return item.indicator is None or profile.is_on(item.indicator)


def _yn(value: Any) -> str:
    return "未填报" if value is None else ("是" if value == 1 else "否")


def _n(value: Any, unit: str = "") -> str:
    return "未填报" if value is None else f"{value:,}{unit}"


def _share_text(num: Any, den: Any) -> str:
    if num is None or den is None:
        return "未填报"
    return f"{num:,} / {den:,}" + (f"（{num / den:.0%}）" if den else "")


def _techniques(i: dict[str, Any]) -> str:
    return f"适宜技术 {_n(i['tech_categories'])} 类 {_n(i['tech_items'])} 项"


def _hall(i: dict[str, Any]) -> str:
    state = HALL_STATES.get(i["hall_state"], "未填报")
    return f"中医馆：{state}"


def _activities(kind: str, distinct: bool) -> Callable[[dict[str, Any], Facts], str]:
    def text(i: dict[str, Any], facts: Facts) -> str:
        t = facts.tally(i["id"], kind, 1)
        return f"全年{kind} {t.titles} 种" if distinct else f"全年{kind} {t.n} 次"
    return text


_BOOKS: dict[str, Callable[[dict[str, Any], Facts], str]] = {
    "A1": lambda i, f: _hall(i),
    "A2": lambda i, f: (f"{_hall(i)}；面积 {_n(i['hall_area'], ' m²')}，诊室 "
                        f"{_n(i['hall_consult_rooms'], ' 间')}，治疗室 "
                        f"{_n(i['hall_treat_rooms'], ' 间')}，治疗室面积 "
                        f"{_n(i['hall_treat_area'], ' m²')}；"
                        f"中医类别医师 {_share_text(i['tcm_physicians'], i['physicians'])}；"
                        f"中医药服务 {_n(i['tech_categories'], ' 类')}"),
    "A3": lambda i, f: f"接入中医馆健康信息平台：{_yn(i['platform_connected'])}",
    "A4": lambda i, f: f"中医药服务场所和设备：{_yn(i['service_place'])}",
    "A5": lambda i, f: f"中医阁：{_yn(i['tcm_corner'])}",
    "A6": lambda i, f: f"中医馆等级：{({'normal': '普通', 'boutique': '精品', 'model': '示范'}).get(i['hall_grade'], '未填报')}",
    "A8": lambda i, f: f"中医药服务场所和设备：{_yn(i['service_place'])}；{_techniques(i)}",
    "A9": lambda i, f: f"中医药服务场所和设备：{_yn(i['service_place'])}；{_techniques(i)}",
    "A10": lambda i, f: _hall(i),
    "B1": lambda i, f: _techniques(i),
    "B2": lambda i, f: _techniques(i),
    "B3": lambda i, f: _techniques(i),
    "B4": lambda i, f: f"中医诊疗 / 总诊疗人次 {_share_text(i['tcm_visits'], i['visits'])}",
    "B7": lambda i, f: "已设：" + ("、".join(w for k, w in DEPARTMENTS.items() if i[k] == 1)
                                  or "无"),
    "B9": lambda i, f: f"医院等级：{HOSPITAL_GRADES.get(i['hospital_grade'], '未填报')}",
    "B10": lambda i, f: f"基层指导科：{_yn(i['dept_guidance'])}",
    "B11": lambda i, f: f"适宜技术推广中心：{_yn(i['tech_center'])}",
    "B12": lambda i, f: f"中医科：{_yn(i['tcm_dept'])}",
    "B13": lambda i, f: f"中药房：{_yn(i['tcm_pharmacy'])}；煎药室：{_yn(i['decoction_room'])}",
    "B15": lambda i, f: f"中医健康宣教基地：{_yn(i['edu_base'])}",
    "B14": lambda i, f: (f"家庭医生团队 {_n(i['fd_teams'])} 个，其中有中医药人员 "
                         f"{_n(i['fd_teams_tcm'])} 个"),
    "C1": lambda i, f: f"中医类别医师 / 医师 {_share_text(i['tcm_physicians'], i['physicians'])}",
    "C2": lambda i, f: f"中医类别医师 / 医师 {_share_text(i['tcm_physicians'], i['physicians'])}",
    "C7": lambda i, f: f"中医类别医师 / 医师 {_share_text(i['tcm_physicians'], i['physicians'])}",
    "C3": lambda i, f: (f"中医类别医师 {_n(i['tcm_physicians'])} 人，其他中医药人员 "
                        f"{_n(i['other_tcm_staff'])} 人"),
    "C4": lambda i, f: (f"中医类别医师 {_n(i['tcm_physicians'])} 人，其他中医药人员 "
                        f"{_n(i['other_tcm_staff'])} 人"),
    "C6": lambda i, f: (f"西学中 {_n(i['west_learn_tcm'])} 人 / 非中医类别医师 "
                        + ("未填报" if i["physicians"] is None else
                           f"{i['physicians'] - (i['tcm_physicians'] or 0)} 人")),
    "D1": _activities("宣传栏更换", False),
    "D2": _activities("健康咨询", False),
    "D3": _activities("文字资料", True),
    "D4": _activities("音像资料", True),
    "D5": _activities("健康讲座", False),
    "D6": lambda i, f: (f"健康教育活动 {f.tally(i['id']).n} 次，其中中医药内容 "
                        f"{f.tally(i['id'], tcm=1).n} 次"),
    "D7": lambda i, f: (f"活动受众 {f.tally(i['id']).people} 人次，其中中医药内容 "
                        f"{f.tally(i['id'], tcm=1).people} 人次"),
}


@dataclass(frozen=True)
class Book:
    """What the books say for one item at one institution: in words, and 符合/不符合 where the
    books decide it for that institution alone (None where they do not)."""

    text: str
    verdict: str | None
    gap: str | None = None
    # For a share item (`share_item`), where the verdict is None: whether the books count this
    # institution in the county's figure (True), report it without (False), or are blank (None).
    claims: bool | None = None


def _own_share(num: Any, den: Any, profile: Profile, ind_id: str) -> bool | None:
    target = profile.setting(ind_id).target
    if num is None or not den or target is None:
        return None
    return target.holds(exact(num) / exact(den))


def _own_count(inst: dict[str, Any], keys: tuple[str, ...], profile: Profile, ind_id: str
               ) -> bool | None:
    """How many of `keys` the institution has set up (1), against the indicator's target; None
    while one is blank."""
    target = profile.setting(ind_id).target
    if target is None or any(inst[k] is None for k in keys):
        return None
    return target.holds(exact(sum(1 for k in keys if inst[k] == 1)))


def _own_base(inst: dict[str, Any], r: Any) -> bool | None:
    """B15 at one county hospital: its own 宣教基地 agrees; without one, its books decide the item
    only while the county has none anywhere (another hospital's base meets it)."""
    if inst["edu_base"] is None:
        return None
    return True if inst["edu_base"] == 1 else (None if r.met else False)


def _own_activities(inst: dict[str, Any], facts: Facts, profile: Profile, ind_id: str
                    ) -> bool | None:
    """D6/D7 in the institution's own log: TCM-content activities (D6) or their audience (D7)
    over all, against the county's target; None while an audience it weighs is blank."""
    if ind_id == "D6":
        return _own_share(facts.tally(inst["id"], tcm=1).n, facts.tally(inst["id"]).n, profile,
                          ind_id)
    every = facts.tally(inst["id"], skip=UNCOUNTED_AUDIENCE)
    if every.blank:
        return None
    return _own_share(facts.tally(inst["id"], tcm=1, skip=UNCOUNTED_AUDIENCE).people,
                      every.people, profile, ind_id)


def _counted(check: Check) -> bool | None:
    """Whether the county's figure counts an institution, as the indicator's own judge says
    (None: it has not reported what the judge reads)."""
    return None if check.missing else check.ok


def _own_hall(inst: dict[str, Any], profile: Profile) -> bool | None:
    """A10 at one centre exactly as the county's figure counts it: 提档升级 typed, and the
    construction figures the condition asks for recorded and met."""
    t = profile.setting("A10").threshold
    return _counted(_hall_judge(t, t.get("hall_states", ["upgraded"]))(inst))


def _non_tcm(inst: dict[str, Any]) -> int | None:
    phys, tcm = inst["physicians"], inst["tcm_physicians"]
    return None if phys is None or tcm is None else phys - tcm


def _books_verdict(item: Item, inst: dict[str, Any], ev: Evaluation, profile: Profile,
                   facts: Facts) -> tuple[str | None, str | None]:
    if item.by == "count":
        return AGREE, None
    ind = BY_ID[item.indicator or ""]
    r = ev.result(ind.id)
    if r is None:
        return None, None
    failing = next((f for f in r.failing if f.institution_id == inst["id"]), None)
    if ind.is_inst or ind.id == "B4":
        if inst["year_row"] is None and failing is None and ind.is_inst:
            return None, "未填报"
        waiting = next((f for f in r.not_reported if f.institution_id == inst["id"]), None)
        if waiting is not None and ind.is_inst:
            return None, waiting.gap or "未填报"  # partly reported is not reported: no verdict
        return (DISAGREE, failing.gap) if failing else (AGREE, None)
    # A figure the county reaches in sum (a share of all the centres' physicians, a count of
    # departments): what this institution's own books show, against the same target.
    own: bool | None = {
        "A5": lambda: None if inst["tcm_corner"] is None else inst["tcm_corner"] == 1,
        "A6": lambda: _counted(_graded(("boutique", "model"))(inst)),
        "A7": lambda: _counted(_graded(("model",))(inst)),
        "A10": lambda: _own_hall(inst, profile),
        "B7": lambda: _own_count(inst, tuple(DEPARTMENTS), profile, "B7"),
        "B14": lambda: _own_share(inst["fd_teams_tcm"], inst["fd_teams"], profile, "B14"),
        "B15": lambda: _own_base(inst, r),
        "C1": lambda: _own_share(inst["tcm_physicians"], inst["physicians"], profile, "C1"),
        "C6": lambda: _own_share(inst["west_learn_tcm"], _non_tcm(inst), profile, "C6"),
        "C7": lambda: _own_share(inst["tcm_physicians"], inst["physicians"], profile, "C7"),
        "D6": lambda: _own_activities(inst, facts, profile, "D6"),
        "D7": lambda: _own_activities(inst, facts, profile, "D7"),
    }.get(ind.id, lambda: None)()
    if own is False and failing is not None:
        return DISAGREE, failing.gap  # listed below the target (C7): what it would take
    return (None if own is None else AGREE if own else DISAGREE), None


def books(county_facts: Facts, ev: Evaluation, profile: Profile, item: Item,
          inst: dict[str, Any]) -> Book:
    if item.by == "count":
        return Book(f"机构名册：{INSTITUTION_TYPES.get(inst['type'], '')}", AGREE)
    share = share_item(item, profile)
    if inst.get("year_row") is None and item.indicator not in ("D1", "D2", "D3", "D4", "D5",
                                                               "D6", "D7"):
        if share:
            return Book("本年度未填报", None)
        return Book("本年度未填报", DISAGREE if BY_ID[item.indicator or ""].is_inst else None,
                    "未填报")
    words = profile.relabel(_BOOKS.get(item.indicator or "", lambda i, f: "")(inst, county_facts))
    verdict, gap = _books_verdict(item, inst, ev, profile, county_facts)
    if share:
        # The books count the institution in the county's figure or not; neither is a verdict on
        # the item, which only a share of institutions must meet.
        return Book(words, None, claims=None if verdict is None else verdict == AGREE)
    if verdict is None and gap and BY_ID[item.indicator or ""].is_inst:
        verdict = DISAGREE  # partly reported: an item each must meet is not met by a blank
    return Book(words, verdict, profile.relabel(gap) if gap else None)


def books_say(item: Item, book: Book, profile: Profile) -> str | None:
    """What the books say of the item at the institution, as 符合/不符合 to set beside a finding:
    a share item's books say whether they count the institution."""
    if share_item(item, profile):
        return None if book.claims is None else AGREE if book.claims else DISAGREE
    return book.verdict
