"""The indicator engine: every indicator of indicators.md, judged against a target profile.

`evaluate(county, year)` reads one year's facts with three set-based queries (institutions with
their year's figures, activity counts per institution, the county's own figures), computes every
indicator that the profile has switched on, judges it, names each institution that falls short
and says what it would take to pass. Rules a bureau would otherwise have to guess:

- Only institutions active in the year count, with their type for that year
  (`institution_year.inst_type` when set, else the institution's type). Tombstones never count.
- A ratio whose denominator is 0 is "no data": value, met and gap are None, never 0% or a pass.
- A share of institutions counts every institution in scope in its denominator. One that has not
  reported the figure fails: the bureau cannot claim it, and it is listed with value None and a
  gap that says what is missing (未填报…). Sums over institutions (B4, C1, C6) use only the
  institutions that reported both figures.
- Activity counts come from the log (an institution with neither figures nor any activity in
  the year has not reported its log: 未填报, not 0): calendar year of the date, tombstones ignored, D1–D5 count
  only activities with TCM content, D3/D4 count distinct titles. An activity entered twice (same
  institution, date, kind and title) counts once until 数据核查 marks it 确为两次
  (reports.judge.duplicates). Activities of a deleted or
  inactive institution count for no indicator, D8/D9 included.
- 未填报 is not 未达标: an institution counted in the year that has not reported what an
  indicator reads is listed in `not_reported`, apart from `failing`. Where the target would
  hold if every one of them passed (or holds on a sum that leaves them out), the result waits:
  `pending`, `met` None, 待填报, never 达标. A missing row never makes a county pass.
- A year for which the file holds no institution figures at all (or no activities at all) has no
  data for the indicators that read them, rather than 0% with every institution "未填报": that is
  what last year's column should say for a county that starts using the program this year.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
import datetime as _dt
from fractions import Fraction
import math
from typing import TYPE_CHECKING, Any

from db.vocab import CENTRE_TYPES, HALL_STATES, HOSPITAL_GRADES

from reports.judge import profiles
from reports.judge.catalogue import (ACTIVITY_MINIMUMS, BY_ID, CATALOGUE, DEPARTMENTS, STATIONS,
                                     TCM_HOSPITAL, WITH_HALL, Indicator)
from reports.judge import scoring, standard
from reports.judge.facts import Facts, Tally, load_documents, load_facts, task_progress
from reports.judge.gaps import (add_to_both, add_to_numerator, over_text, percent_points,
                                techniques_needed, techniques_text)
from reports.judge.profiles import Profile, Setting, Target, exact
from reports.judge.progress import Progress, progress as year_progress
from reports.judge.results import Evaluation, Failing, Result, Unreported
from reports.judge.wording import number, percent

if TYPE_CHECKING:
    from db.county import CountyFile


# ---- computing one indicator ------------------------------------------------------------------

@dataclass
class Outcome:
    """An indicator computed but not yet judged: exact value, failing list, and how to say the
    county's gap once the target says which bound it must reach."""

    value: Fraction | None
    numerator: int | None = None
    denominator: int | None = None
    failing: list[Failing] = field(default_factory=list)
    gap_to: Callable[[Fraction], str | None] | None = None
    note: str | None = None  # how the value was reached, where a reviewer would ask


@dataclass(frozen=True)
class Check:
    """One institution against its own condition."""

    ok: bool
    value: float | int | None = None
    gap: str | None = None


Judge = Callable[[dict[str, Any]], Check]


def _share(insts: list[dict[str, Any]], judge: Judge, gap_words: Callable[[int], str], *,
           list_failing: bool) -> Outcome:
    """A share of institutions meeting `judge`; the county gap is how many more must pass."""
    passed, failing = 0, []
    for inst in insts:
        check = judge(inst)
        if check.ok:
            passed += 1
        elif list_failing:
            failing.append(Failing(inst["name"], inst["id"], check.value, check.gap))
    total = len(insts)

    def gap_to(bound: Fraction) -> str | None:
        k = add_to_numerator(passed, total, bound, cap=total)
        return gap_words(k) if k else None

    return Outcome(Fraction(passed, total) if total else None, passed, total, failing, gap_to)


def _inst_share(facts: Facts, ind_id: str, judge: Judge, phrase: str) -> Outcome:
    insts = facts.in_scope(BY_ID[ind_id].scope)
    return _share(insts, judge, lambda k: f"还需 {k} 家机构{phrase}", list_failing=True)


def _flag_check(value: Any, missing: str, fix: str) -> Check:
    if value is None:
        return Check(False, None, missing)
    return Check(True) if value == 1 else Check(False, 0, fix)


def _ratio(num: int | None, den: int | None) -> Fraction | None:
    if num is None or not den:
        return None
    return Fraction(num, den)


def _county_ratio(facts: Facts, num_key: str, den_key: str, words: Callable[[int], str]) -> Outcome:
    """A county figure over a county population; the gap adds to the numerator only."""
    num, den = facts.county.get(num_key), facts.county.get(den_key)
    value = _ratio(num, den)
    if value is None:
        return Outcome(None, num, den)

    def gap_to(bound: Fraction) -> str | None:
        x = add_to_numerator(num, den, bound, cap=den)
        return words(x) if x else None

    return Outcome(value, num, den, gap_to=gap_to)


def _summed_ratio(num: int, den: int, words: Callable[[int], str]) -> Outcome:
    """A ratio of sums where one more in the numerator is one more in the denominator too."""
    def gap_to(bound: Fraction) -> str | None:
        x = add_to_both(num, den, bound)
        return words(x) if x else None

    return Outcome(_ratio(num, den), num if den else None, den if den else None, gap_to=gap_to)


def _reported(insts: list[dict[str, Any]], *keys: str) -> list[dict[str, Any]]:
    return [inst for inst in insts if all(inst[k] is not None for k in keys)]


# A. 中医馆 / 中医阁

def _a1(facts: Facts, s: Setting) -> Outcome:
    def judge(inst: dict[str, Any]) -> Check:
        state = inst["hall_state"]
        if state is None:
            return Check(False, None, "未填报中医馆情况")
        return Check(True) if state in WITH_HALL else Check(False, 0, "需建设中医馆")
    return _inst_share(facts, "A1", judge, "建设中医馆")


_STATE_WORDS = {"built": "建成", "standard": "达标", "upgraded": "提档升级"}


# The 中医馆 construction facts that decide 达标, with the threshold key each is held to.
_BUILD_FACTS = ("hall_area", "hall_consult_rooms", "hall_treat_rooms", "hall_treat_area",
                "physicians", "tcm_physicians", "tech_categories")


def hall_shortfalls(inst: dict[str, Any], t: dict[str, Any]) -> list[str] | None:
    """What keeps a 中医馆 from the construction standard, from its recorded facts; None when they
    are not all recorded (then only the typed 达标情况 can say)."""
    if any(inst[k] is None for k in _BUILD_FACTS):
        return None
    short = []
    if inst["hall_area"] < t.get("area", 0):
        short.append(f"面积还差 {t['area'] - inst['hall_area']} 平方米")
    if inst["hall_consult_rooms"] < t.get("consult_rooms", 0):
        short.append(f"还需 {t['consult_rooms'] - inst['hall_consult_rooms']} 间中医诊室")
    if inst["hall_treat_rooms"] < t.get("treat_rooms", 0):
        short.append(f"还需 {t['treat_rooms'] - inst['hall_treat_rooms']} 间中医治疗室")
    if inst["hall_treat_area"] < t.get("treat_area", 0):
        short.append(f"治疗室面积还差 {t['treat_area'] - inst['hall_treat_area']} 平方米")
    share = exact(t.get("tcm_share", 0))
    own = _ratio(inst["tcm_physicians"], inst["physicians"])
    if share and (own is None or own < share):
        x = add_to_both(inst["tcm_physicians"], inst["physicians"], share)
        short.append(f"还需 {x} 名中医类别医师" if x else f"中医类别医师占比需达到 {percent(share)}")
    if inst["tech_categories"] < t.get("service_kinds", 0):
        short.append(f"还需 {t['service_kinds'] - inst['tech_categories']} 类中医药服务")
    return short


def _a2(facts: Facts, s: Setting) -> Outcome:
    """达标 is derived from the construction facts where they are all recorded; elsewhere the
    typed 达标情况 is taken, and the result says how many rest on it alone."""
    states = s.threshold.get("hall_states", ["standard", "upgraded"])
    lowest = min(states, key=list(HALL_STATES).index)
    word = _STATE_WORDS[lowest]
    typed_only = []

    def judge(inst: dict[str, Any]) -> Check:
        state = inst["hall_state"]
        if state == "none":
            return Check(False, 0, "需建设中医馆" if lowest == "built" else f"需建设中医馆并{word}")
        short = hall_shortfalls(inst, s.threshold)
        if short:
            # Under A2 the reader knows these are the 中医馆's; the shortfalls alone keep it short.
            return Check(False, 0, "，".join(short))
        if short is not None:
            if state != "upgraded":
                state = "standard"  # the facts show 达标 whatever was typed; 提档升级 is typed only
        elif state is None:
            return Check(False, None, "未填报中医馆达标情况")
        elif state in states:
            typed_only.append(inst["name"])
        if state in states:
            return Check(True)
        return Check(False, 0, f"中医馆需{word}")
    outcome = _inst_share(facts, "A2", judge, f"中医馆{word}")
    if typed_only:
        outcome.note = (f"其中 {len(typed_only)} 家按填报的达标情况认定，未填齐建设情况"
                        "（面积、诊室、治疗室、人员、服务类别），未据此核实")
    return outcome


def _a3(facts: Facts, s: Setting) -> Outcome:
    insts = [i for i in facts.in_scope(CENTRE_TYPES) if i["hall_state"] in WITH_HALL]

    def judge(inst: dict[str, Any]) -> Check:
        return _flag_check(inst["platform_connected"], "未填报是否接入中医馆健康信息平台",
                           "需接入中医馆健康信息平台")
    return _share(insts, judge, lambda k: f"还需 {k} 家中医馆接入中医馆健康信息平台",
                  list_failing=True)


def _a4(facts: Facts, s: Setting) -> Outcome:
    def judge(inst: dict[str, Any]) -> Check:
        return _flag_check(inst["service_place"], "未填报是否具备中医药服务场所和设备",
                           "需配备中医药服务场所和设备")
    return _inst_share(facts, "A4", judge, "具备中医药服务场所和设备")


def _a5(facts: Facts, s: Setting) -> Outcome:
    return _share(facts.in_scope(STATIONS), lambda i: Check(i["tcm_corner"] == 1),
                  lambda k: f"还需 {k} 个站室设置中医阁", list_failing=False)


def _a6(facts: Facts, s: Setting) -> Outcome:
    return _share(facts.in_scope(CENTRE_TYPES),
                  lambda i: Check(i["hall_grade"] in ("boutique", "model")),
                  lambda k: f"还需 {k} 家中医馆评为精品或示范中医馆", list_failing=False)


def _a7(facts: Facts, s: Setting) -> Outcome:
    return _share(facts.in_scope(CENTRE_TYPES), lambda i: Check(i["hall_grade"] == "model"),
                  lambda k: f"还需 {k} 家中医馆评为示范中医馆", list_failing=False)


def _serves(ind_id: str, what: str) -> Callable[[Facts, Setting], Outcome]:
    """A8/A9: stations and village clinics able to give TCM service, judged apart because the
    standard sets them two targets (服务站 all, 村卫生室 most)."""
    def compute(facts: Facts, s: Setting) -> Outcome:
        def judge(inst: dict[str, Any]) -> Check:
            return _flag_check(inst["service_place"], "未填报是否具备中医药服务场所和设备",
                               "需配备中医药服务场所和设备")
        return _inst_share(facts, ind_id, judge, f"{what}具备中医药服务场所和设备")
    return compute


def _a10(facts: Facts, s: Setting) -> Outcome:
    # A share the county reaches with some centres, so none is listed as failing on its own.
    return _share(facts.in_scope(CENTRE_TYPES), lambda i: Check(i["hall_state"] == "upgraded"),
                  lambda k: f"还需 {k} 家中医馆提档升级", list_failing=False)


# B. 服务能力

def _techniques(ind_id: str) -> Callable[[Facts, Setting], Outcome]:
    def compute(facts: Facts, s: Setting) -> Outcome:
        min_cats = s.threshold.get("categories", 0)
        min_items = s.threshold.get("items", 0)

        def judge(inst: dict[str, Any]) -> Check:
            cats, items = inst["tech_categories"], inst["tech_items"]
            if items is None or (cats is None and min_cats > 0):
                return Check(False, None, "未填报适宜技术类数、项数")
            more_cats, more_items = techniques_needed(cats or 0, items, min_cats, min_items)
            if not more_cats and not more_items:
                return Check(True)
            return Check(False, items, techniques_text(more_cats, more_items))

        need = f"{min_cats}类{min_items}项" if min_cats else f"{min_items}项"
        return _inst_share(facts, ind_id, judge, f"适宜技术达到 {need}")
    return compute


def _b4(facts: Facts, s: Setting) -> Outcome:
    insts = facts.in_scope(CENTRE_TYPES)
    reported = _reported(insts, "visits", "tcm_visits")
    words = (lambda x: f"中医诊疗人次还需增加 {x:,}")
    outcome = _summed_ratio(sum(i["tcm_visits"] for i in reported),
                            sum(i["visits"] for i in reported), words)
    if s.target is None:
        return outcome
    # Not a share of institutions, but the bureau still needs the centres below the target.
    for inst in insts:
        if inst["visits"] is None or inst["tcm_visits"] is None:
            outcome.failing.append(Failing(inst["name"], inst["id"], None, "未填报诊疗人次"))
            continue
        own = _ratio(inst["tcm_visits"], inst["visits"])
        if own is None or s.target.holds(own):
            continue  # 0 visits: nothing to judge
        bound = s.target.floor_to_reach(own)
        x = add_to_both(inst["tcm_visits"], inst["visits"], bound) if bound is not None else None
        gap = words(x) if x else over_text(s.target, "share")
        outcome.failing.append(Failing(inst["name"], inst["id"], float(own), gap))
    return outcome


def _b5(facts: Facts, s: Setting) -> Outcome:
    return _county_ratio(facts, "elderly_managed", "elderly_population",
                         lambda x: f"还需 {x:,} 名65岁及以上居民接受中医药健康管理")


def _b6(facts: Facts, s: Setting) -> Outcome:
    return _county_ratio(facts, "infant_managed", "infant_population",
                         lambda x: f"还需 {x:,} 名0-36个月儿童接受中医药健康管理")


def _b7(facts: Facts, s: Setting) -> Outcome:
    """The count of key departments of the TCM hospital; with several, the weakest counts.
    A hospital that reported none of the three has no data."""
    worst: tuple[int, list[str]] | None = None
    for inst in facts.in_scope(TCM_HOSPITAL):
        flags = {key: inst[key] for key in DEPARTMENTS}
        if all(v is None for v in flags.values()):
            continue
        missing = [DEPARTMENTS[k] for k, v in flags.items() if v != 1]
        count = len(DEPARTMENTS) - len(missing)
        if worst is None or count < worst[0]:
            worst = (count, missing)
    if worst is None:
        return Outcome(None)
    count, missing = worst

    def gap_to(bound: Fraction) -> str | None:
        need = math.ceil(bound) - count
        if need >= len(missing):
            return "还需设置" + "、".join(missing)
        return f"还需设置 {need} 个重点科室（尚缺{'、'.join(missing)}）"

    return Outcome(Fraction(count), gap_to=gap_to)


def _b8(facts: Facts, s: Setting) -> Outcome:
    return _county_ratio(facts, "alliance_population", "resident_population",
                         lambda x: f"医联体还需覆盖 {x:,} 人")


_GRADE_ORDER = list(HOSPITAL_GRADES)


def _b9(facts: Facts, s: Setting) -> Outcome:
    least = s.threshold.get("min_grade", "2a")

    def judge(inst: dict[str, Any]) -> Check:
        grade = inst["hospital_grade"]
        if grade is None:
            return Check(False, None, "未填报医院等级")
        if _GRADE_ORDER.index(grade) >= _GRADE_ORDER.index(least):
            return Check(True)
        return Check(False, 0, f"需达到{HOSPITAL_GRADES[least]}")
    return _inst_share(facts, "B9", judge, f"达到{HOSPITAL_GRADES[least]}")


def _has(ind_id: str, key: str, what: str) -> Callable[[Facts, Setting], Outcome]:
    """A yes/no fact every institution in scope must have (B10–B13)."""
    def compute(facts: Facts, s: Setting) -> Outcome:
        def judge(inst: dict[str, Any]) -> Check:
            return _flag_check(inst[key], f"未填报是否设置{what}", f"需设置{what}")
        return _inst_share(facts, ind_id, judge, f"设置{what}")
    return compute


def _b14(facts: Facts, s: Setting) -> Outcome:
    reported = _reported(facts.institutions, "fd_teams", "fd_teams_tcm")
    num = sum(i["fd_teams_tcm"] for i in reported)
    den = sum(i["fd_teams"] for i in reported)
    if not den:
        return Outcome(None)

    def gap_to(bound: Fraction) -> str | None:
        x = add_to_numerator(num, den, bound, cap=den)
        return f"还需 {x:,} 个家庭医生团队配备中医药人员" if x else None

    failing = [Failing(i["name"], i["id"], float(Fraction(i["fd_teams_tcm"], i["fd_teams"])),
                       f"还需 {i['fd_teams'] - i['fd_teams_tcm']} 个团队配备中医药人员")
               for i in reported if i["fd_teams"] and i["fd_teams_tcm"] < i["fd_teams"]]
    return Outcome(Fraction(num, den), num, den, failing if s.target else [], gap_to)


# C. 人员配备

def _c1(facts: Facts, s: Setting) -> Outcome:
    reported = _reported(facts.in_scope(TCM_HOSPITAL), "physicians", "tcm_physicians")
    return _summed_ratio(sum(i["tcm_physicians"] for i in reported),
                         sum(i["physicians"] for i in reported),
                         lambda x: f"还需 {x:,} 名中医类别医师")


def _c2(facts: Facts, s: Setting) -> Outcome:
    share = exact(s.threshold.get("share", 0.25))

    def judge(inst: dict[str, Any]) -> Check:
        phys, tcm = inst["physicians"], inst["tcm_physicians"]
        if phys is None or tcm is None:
            return Check(False, None, "未填报医师人数")
        own = _ratio(tcm, phys)
        if own is not None and own >= share:
            return Check(True)
        # With no physicians at all the share is undefined, and one TCM physician fixes it.
        x = add_to_both(tcm, phys, share)
        gap = f"还需 {x} 名中医类别医师" if x else f"中医类别医师占比需达到 {percent(share)}"
        return Check(False, float(own) if own is not None else None, gap)
    return _inst_share(facts, "C2", judge, f"达到 {percent(share)}")


def _staffed(fix: str) -> Judge:
    def judge(inst: dict[str, Any]) -> Check:
        tcm, other = inst["tcm_physicians"], inst["other_tcm_staff"]
        if tcm is None and other is None:
            return Check(False, None, "未填报中医药人员配备情况")
        people = (tcm or 0) + (other or 0)
        return Check(True) if people >= 1 else Check(False, people, fix)
    return judge


def _c3(facts: Facts, s: Setting) -> Outcome:
    return _inst_share(facts, "C3", _staffed("需配备 1 名中医类别医师或能提供中医药服务的其他医师"),
                       "配备中医药人员")


def _c4(facts: Facts, s: Setting) -> Outcome:
    return _inst_share(facts, "C4", _staffed("需配备 1 名能提供中医药服务的人员"), "配备中医药人员")


def _c5(facts: Facts, s: Setting) -> Outcome:
    """TCM-category GPs of every active institution per 10,000 residents. If no institution
    reported the figure, there is no data (not a rate of 0)."""
    reported = _reported(facts.institutions, "tcm_gps")
    gps = sum(i["tcm_gps"] for i in reported) if reported else None
    pop = facts.county.get("resident_population")
    if gps is None or not pop:
        return Outcome(None, gps, pop)

    def gap_to(bound: Fraction) -> str | None:
        x = add_to_numerator(gps, pop, bound, scale=10_000)
        return f"还需 {x:,} 名合格的中医类别全科医生" if x else None

    return Outcome(Fraction(gps * 10_000, pop), gps, pop, gap_to=gap_to)


def _c6(facts: Facts, s: Setting) -> Outcome:
    reported = _reported(facts.in_scope(BY_ID["C6"].scope),
                         "physicians", "tcm_physicians", "west_learn_tcm")
    num = sum(i["west_learn_tcm"] for i in reported)
    den = sum(i["physicians"] - i["tcm_physicians"] for i in reported)
    if not den:
        return Outcome(None)

    def gap_to(bound: Fraction) -> str | None:
        x = add_to_numerator(num, den, bound, cap=den)
        return f"还需 {x:,} 名非中医类别医师接受西学中培训" if x else None

    return Outcome(Fraction(num, den), num, den, gap_to=gap_to)


# D. 宣传与健康教育

def _minimum(ind_id: str) -> Callable[[Facts, Setting], Outcome]:
    kind, distinct, unit, noun = ACTIVITY_MINIMUMS[ind_id]

    def compute(facts: Facts, s: Setting) -> Outcome:
        minimum = s.threshold.get("count", 0)

        def judge(inst: dict[str, Any]) -> Check:
            tally = facts.tally(inst["id"], kind, tcm=1)
            count = tally.titles if distinct else tally.n
            if count >= minimum:
                return Check(True)
            if inst["year_row"] is None and not facts.tally(inst["id"]).n:
                # Neither figures nor a single activity: its log has not arrived either.
                return Check(False, None, f"{MISSING}本年度数据和活动记录")
            return Check(False, count, f"还需 {minimum - count} {unit}{noun}")
        return _inst_share(facts, ind_id, judge, f"{noun}达到 {minimum} {unit}")
    return compute


def _centre_tallies(facts: Facts) -> tuple[Tally, Tally]:
    """(TCM-content, all) activities of the centres in scope."""
    tcm, every = Tally(), Tally()
    for inst in facts.in_scope(CENTRE_TYPES):
        a, b = facts.tally(inst["id"], tcm=1), facts.tally(inst["id"])
        tcm = Tally(tcm.n + a.n, 0, tcm.people + a.people)
        every = Tally(every.n + b.n, 0, every.people + b.people)
    return tcm, every


def _d6(facts: Facts, s: Setting) -> Outcome:
    tcm, every = _centre_tallies(facts)
    return _summed_ratio(tcm.n, every.n, lambda x: f"还需开展 {x:,} 次有中医药内容的健康教育活动")


def _d7(facts: Facts, s: Setting) -> Outcome:
    tcm, every = _centre_tallies(facts)
    return _summed_ratio(tcm.people, every.people,
                         lambda x: f"有中医药内容的活动还需增加受众 {x:,} 人次")


def _county_count(kind: str, tcm: int | None, noun: str) -> Callable[[Facts, Setting], Outcome]:
    def compute(facts: Facts, s: Setting) -> Outcome:
        count = sum(facts.tally(i["id"], kind, tcm).n for i in facts.institutions)

        def gap_to(bound: Fraction) -> str | None:
            return f"还需 {math.ceil(bound - count)} 次{noun}"
        return Outcome(Fraction(count), gap_to=gap_to)
    return compute


def _d10(facts: Facts, s: Setting) -> Outcome:
    value = facts.county.get("satisfaction")
    if value is None:
        return Outcome(None)
    return Outcome(exact(value), gap_to=lambda bound: f"满意率还需提高 {percent_points(value, bound)}")


def _d11(facts: Facts, s: Setting) -> Outcome:
    value = facts.county.get("tcm_literacy")
    if value is None:
        return Outcome(None)
    return Outcome(exact(value),
                   gap_to=lambda bound: f"素养水平还需提高 {percent_points(value, bound)}")


_COMPUTE: dict[str, Callable[[Facts, Setting], Outcome]] = {
    "A1": _a1, "A2": _a2, "A3": _a3, "A4": _a4, "A5": _a5, "A6": _a6, "A7": _a7,
    "A8": _serves("A8", "服务站"), "A9": _serves("A9", "村卫生室"), "A10": _a10,
    "B1": _techniques("B1"), "B2": _techniques("B2"), "B3": _techniques("B3"),
    "B4": _b4, "B5": _b5, "B6": _b6, "B7": _b7, "B8": _b8, "B9": _b9,
    "B10": _has("B10", "dept_guidance", "基层指导科"),
    "B11": _has("B11", "tech_center", "中医药适宜技术推广中心"),
    "B12": _has("B12", "tcm_dept", "中医科"), "B13": _has("B13", "tcm_pharmacy", "中药房"),
    "B14": _b14,
    "C1": _c1, "C2": _c2, "C3": _c3, "C4": _c4, "C5": _c5, "C6": _c6,
    "D1": _minimum("D1"), "D2": _minimum("D2"), "D3": _minimum("D3"), "D4": _minimum("D4"),
    "D5": _minimum("D5"), "D6": _d6, "D7": _d7,
    "D8": _county_count("进校园", 1, "中医药文化进校园活动"),
    "D9": _county_count("传统健身", None, "传统健身推广活动"),
    "D10": _d10, "D11": _d11,
}


# ---- judging ----------------------------------------------------------------------------------

def _shown_value(ind: Indicator, value: Fraction | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if ind.kind == "count" else float(value)


def _county_gap(ind: Indicator, target: Target, outcome: Outcome) -> str:
    assert outcome.value is not None
    bound = target.floor_to_reach(outcome.value)
    if bound is None:
        return over_text(target, ind.kind)
    gap = outcome.gap_to(bound) if outcome.gap_to else None
    if gap:
        return gap
    shown = percent(bound) if ind.kind == "share" else number(bound)
    return f"需提高至 {shown}"


MISSING = "未填报"  # how every gap of an institution that lacks a figure begins
# Shares of institutions whose failing list is not kept: their 未填报 are the rows missing.
_UNLISTED_SHARES = {"A5", "A6", "A7", "A10"}
# Sums over institutions: an institution without a row is left out of the sum, so it waits.
_ROW_SCOPES = {"B7": BY_ID["B7"].scope, "B14": None, "C1": BY_ID["C1"].scope, "C5": None,
               "C6": BY_ID["C6"].scope}


def _not_reported(ind: Indicator, facts: Facts, outcome: Outcome) -> list[Failing]:
    """Institutions counted in the year that have not reported what `ind` reads."""
    if ind.id in _UNLISTED_SHARES or ind.id in _ROW_SCOPES:
        scope = _ROW_SCOPES.get(ind.id, ind.scope)
        insts = facts.institutions if scope is None else facts.in_scope(scope)
        return [Failing(i["name"], i["id"], None, f"{MISSING}{facts.year}年数据")
                for i in insts if i["year_row"] is None]
    return [f for f in outcome.failing if f.gap and f.gap.startswith(MISSING)]


def _pending(ind: Indicator, target: Target | None, outcome: Outcome, waiting: int) -> bool:
    """Whether the result depends on institutions that have not reported."""
    if not waiting or target is None:
        return False
    if outcome.value is None:
        return True
    if target.holds(outcome.value):
        # A share that counts them as failing passes anyway; a sum without them proves nothing.
        return not (ind.is_inst or ind.id in _UNLISTED_SHARES)
    if (ind.is_inst or ind.id in _UNLISTED_SHARES) and outcome.denominator:
        best = Fraction((outcome.numerator or 0) + waiting, outcome.denominator)
        return target.holds(min(best, Fraction(1)))
    return False


def _judge(ind: Indicator, setting: Setting, outcome: Outcome, profile: Profile,
           previous: float | int | None, facts: Facts | None = None) -> Result:
    target = setting.target
    met: bool | None = None
    gap: str | None = None
    waiting = _not_reported(ind, facts, outcome) if facts is not None else []
    pending = _pending(ind, target, outcome, len(waiting))
    if pending:
        gap = f"待 {len(waiting)} 家机构填报"
    elif target is not None and outcome.value is not None:
        met = target.holds(outcome.value)
        if not met:
            gap = profile.relabel(_county_gap(ind, target, outcome))
    waiting_ids = {f.institution_id for f in waiting}

    def relabelled(items: list[Failing]) -> tuple[Failing, ...]:
        return tuple(Failing(f.institution, f.institution_id, f.value,
                             profile.relabel(f.gap) if f.gap else f.gap) for f in items)

    failing = relabelled([f for f in outcome.failing if f.institution_id not in waiting_ids])
    return Result(ind.id, profile.relabel(ind.name), ind.section, ind.kind, ind.is_inst,
                  _shown_value(ind, outcome.value), outcome.numerator, outcome.denominator,
                  target, met, gap, failing, previous, not_reported=relabelled(waiting),
                  pending=pending, note=profile.relabel(outcome.note) if outcome.note else None)


def _compute(ind: Indicator, facts: Facts, setting: Setting) -> Outcome:
    if not facts.has_data(ind.reads):
        return Outcome(None)
    return _COMPUTE[ind.id](facts, setting)


def compute(indicator_id: str, facts: Facts, setting: Setting) -> Outcome:
    """One indicator computed from `facts` (of part of a year, say), not judged."""
    return _compute(BY_ID[indicator_id], facts, setting)


def _values(facts: Facts, profile: Profile) -> dict[str, float | int | None]:
    """Each switched-on indicator's value alone (for last year's column)."""
    out = {}
    for ind in CATALOGUE:
        setting = profile.setting(ind.id)
        if setting.on:
            out[ind.id] = _shown_value(ind, _compute(ind, facts, setting).value)
    return out


def indicator_values(county: CountyFile, year: int, profile: Profile
                     ) -> dict[str, float | int | None]:
    """Each switched-on indicator's value in `year`, nothing else: what a trend over the years
    needs, at a fraction of a whole evaluation's cost."""
    return _values(load_facts(county, year), profile)


def evaluate(county: CountyFile, year: int, profile_id: str | None = None, *,
             today: _dt.date | None = None, std: standard.Standard | None = None,
             state: Progress | None = None) -> Evaluation:
    """Judge every switched-on indicator of `year` against a profile (default: the file's own).

    `today` decides which tasks are overdue; tests pass a fixed date. `std` scores with another
    standard than the file's own (a city rolling up counties scores them all alike). `state`
    is the year's 填报进度 when the caller has it already (the report does).
    """
    profile = (profiles.get_profile(county, profile_id) if profile_id
               else profiles.active_profile(county))
    facts = load_facts(county, year)
    previous = _values(load_facts(county, year - 1), profile)
    results = []
    for ind in CATALOGUE:
        setting = profile.setting(ind.id)
        if not setting.on:
            continue
        outcome = _compute(ind, facts, setting)
        results.append(_judge(ind, setting, outcome, profile, previous.get(ind.id), facts))
    # 未填报 as 填报进度 and the report's --final count it: any part asked and missing.
    towns = {i["id"]: i["township"] for i in facts.institutions}
    unreported = tuple(Unreported(i.name, i.id, towns.get(i.id), i.missing_text,
                                  tuple(i.missing))
                       for i in (state or year_progress(county, year)).unreported)
    std = std or standard.for_county(county)
    score = scoring.score(std, profile, {r.id: r for r in results}, facts, load_documents(county))
    town = county.setting("township_scope") or None
    county_level = scoring.county_level(std, (r.id for r in results)) if town else frozenset()
    return Evaluation(county.county_name, year, profile.id, profile.name, tuple(results),
                      task_progress(county, today or _dt.date.today()), score=score,
                      unreported=unreported, township_scope=town, county_level=county_level,
                      data_years=tuple(county.years()))
