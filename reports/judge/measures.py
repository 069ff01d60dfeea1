"""Each indicator of the catalogue computed from one year's facts: the 中医馆 and 中医阁 (A), service
capacity (B), staffing (C) and health education (D). A measure gives an Outcome (value, failing
institutions, who has not reported and what they could change); evaluation.py judges it."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
import math
from typing import Any

from db.vocab import CENTRE_TYPES, HALL_STATES, HOSPITAL_GRADES

from reports.judge.catalogue import (ACTIVITY_COUNTS, ACTIVITY_MINIMUMS, BY_ID, DEPARTMENTS,
                                     STATIONS, TCM_HOSPITAL, UNCOUNTED_AUDIENCE, WITH_HALL)
from reports.judge.facts import Facts, Tally
from reports.judge.gaps import (add_to_both, add_to_numerator, percent_points,
                                techniques_needed, techniques_text)
from reports.judge.outcome import (MISSING, Check, Judge, Outcome, below_target, blanks_of,
                                   county_ratio, exact_ratio, flag_check, inst_share, share_of,
                                   split_reported, summed_ratio, unreported)
from reports.judge.profiles import Setting, exact
from reports.judge.results import Failing
from reports.judge.wording import percent

# A. 中医馆 / 中医阁

def _a1(facts: Facts, s: Setting) -> Outcome:
    def judge(inst: dict[str, Any]) -> Check:
        state = inst["hall_state"]
        if state is None:
            return unreported("中医馆情况")
        return Check(True) if state in WITH_HALL else Check(False, 0, "需建设中医馆")
    return inst_share(facts, "A1", judge, "建设中医馆")


_STATE_WORDS = {"built": "建成", "standard": "达标", "upgraded": "提档升级"}


# The 中医馆 construction facts a condition can ask for: (condition key, facts it reads, words).
_FIGURES = (("area", ("hall_area",), "面积"), ("consult_rooms", ("hall_consult_rooms",), "诊室数"),
            ("treat_rooms", ("hall_treat_rooms",), "治疗室数"),
            ("treat_area", ("hall_treat_area",), "治疗室面积"),
            ("tcm_share", ("physicians", "tcm_physicians"), "医师人数"),
            ("service_kinds", ("tech_categories",), "适宜技术类数"))


def asked_figures(t: dict[str, Any]) -> list[tuple[str, tuple[str, ...], str]]:
    """The construction figures a condition asks for (a condition of 0 asks for nothing)."""
    return [f for f in _FIGURES if t.get(f[0])]


def hall_shortfalls(inst: dict[str, Any], t: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(what keeps a 中医馆 short of the construction figures the condition `t` asks for, judged on
    the figures it has; the asked figures it has not recorded). A shortfall in what is there
    fails whatever the blanks hold; a blank never passes."""
    short: list[str] = []
    missing = [words for _, keys, words in asked_figures(t)
               if any(inst[k] is None for k in keys)]
    if t.get("area") and inst["hall_area"] is not None and inst["hall_area"] < t["area"]:
        short.append(f"面积还差 {t['area'] - inst['hall_area']} 平方米")
    rooms = inst["hall_consult_rooms"]
    if t.get("consult_rooms") and rooms is not None and rooms < t["consult_rooms"]:
        short.append(f"还需 {t['consult_rooms'] - rooms} 间中医诊室")
    rooms = inst["hall_treat_rooms"]
    if t.get("treat_rooms") and rooms is not None and rooms < t["treat_rooms"]:
        short.append(f"还需 {t['treat_rooms'] - rooms} 间中医治疗室")
    area = inst["hall_treat_area"]
    if t.get("treat_area") and area is not None and area < t["treat_area"]:
        short.append(f"治疗室面积还差 {t['treat_area'] - area} 平方米")
    share = exact(t.get("tcm_share") or 0)
    if share and inst["physicians"] is not None and inst["tcm_physicians"] is not None:
        own = exact_ratio(inst["tcm_physicians"], inst["physicians"])
        if own is None or own < share:
            x = add_to_both(inst["tcm_physicians"], inst["physicians"], share)
            short.append(f"还需 {x} 名中医类别医师" if x else f"中医类别医师占比需达到 {percent(share)}")
    kinds = inst["tech_categories"]
    if t.get("service_kinds") and kinds is not None and kinds < t["service_kinds"]:
        short.append(f"还需 {t['service_kinds'] - kinds} 类中医药服务")
    return short, missing


def _hall_judge(t: dict[str, Any], states: list[str]) -> Judge:
    """A 中医馆 in one of `states` (A2: 达标 or 提档升级; A10: 提档升级), and, where the condition
    asks for construction figures, with all of them recorded and met. Figures that meet the
    standard show 达标 whatever was typed (提档升级 is typed only); a typed state never stands in
    for a figure left blank."""
    lowest = min(states, key=list(HALL_STATES).index)
    word = _STATE_WORDS[lowest]

    def judge(inst: dict[str, Any]) -> Check:
        state = inst["hall_state"]
        if state == "none":
            return Check(False, 0, "需建设中医馆" if lowest == "built" else f"需建设中医馆并{word}")
        short, missing = hall_shortfalls(inst, t)
        if short:
            # Under A2 the reader knows these are the 中医馆's; the shortfalls alone keep it short.
            return Check(False, 0, "，".join(short))
        proven = bool(asked_figures(t)) and not missing and state is not None
        if proven and state != "upgraded":
            state = "standard"
        if state is None:
            return unreported("中医馆达标情况")
        if state not in states:
            if missing and "standard" in states:
                return unreported(f"中医馆建设情况（{'、'.join(missing)}）")  # the figures would say
            return Check(False, 0, f"中医馆需{word}")
        if missing:
            return unreported(f"中医馆建设情况（{'、'.join(missing)}）")
        return Check(True)
    return judge


def _a2(facts: Facts, s: Setting) -> Outcome:
    states = s.threshold.get("hall_states", ["standard", "upgraded"])
    word = _STATE_WORDS[min(states, key=list(HALL_STATES).index)]
    return inst_share(facts, "A2", _hall_judge(s.threshold, states), f"中医馆{word}")


def _a3(facts: Facts, s: Setting) -> Outcome:
    """Centres with a 中医馆; one whose 中医馆 state is not reported may have one, so it waits."""
    insts = [i for i in facts.in_scope(CENTRE_TYPES) if i["hall_state"] != "none"]

    def judge(inst: dict[str, Any]) -> Check:
        if inst["hall_state"] is None:
            return unreported("中医馆情况")
        return flag_check(inst["platform_connected"], "未填报是否接入中医馆健康信息平台",
                           "需接入中医馆健康信息平台")
    return share_of(insts, judge, lambda k: f"还需 {k} 家中医馆接入中医馆健康信息平台",
                  list_failing=True)


def _a4(facts: Facts, s: Setting) -> Outcome:
    def judge(inst: dict[str, Any]) -> Check:
        return flag_check(inst["service_place"], "未填报是否具备中医药服务场所和设备",
                           "需配备中医药服务场所和设备")
    return inst_share(facts, "A4", judge, "具备中医药服务场所和设备")


def _a5(facts: Facts, s: Setting) -> Outcome:
    def judge(inst: dict[str, Any]) -> Check:
        if inst["tcm_corner"] is None:
            return unreported("是否设置中医阁")
        return Check(inst["tcm_corner"] == 1)
    return share_of(facts.in_scope(STATIONS), judge, lambda k: f"还需 {k} 个站室设置中医阁",
                  list_failing=False)


def _graded(grades: tuple[str, ...]) -> Judge:
    def judge(inst: dict[str, Any]) -> Check:
        if inst["hall_grade"] in grades:
            return Check(True)
        if inst["hall_state"] is None or (inst["hall_state"] != "none"
                                          and inst["hall_grade"] is None):
            return unreported("中医馆等级")
        return Check(False)
    return judge


def _a6(facts: Facts, s: Setting) -> Outcome:
    return share_of(facts.in_scope(CENTRE_TYPES), _graded(("boutique", "model")),
                  lambda k: f"还需 {k} 家中医馆评为精品或示范中医馆", list_failing=False)


def _a7(facts: Facts, s: Setting) -> Outcome:
    return share_of(facts.in_scope(CENTRE_TYPES), _graded(("model",)),
                  lambda k: f"还需 {k} 家中医馆评为示范中医馆", list_failing=False)


def _serves(ind_id: str, what: str) -> Callable[[Facts, Setting], Outcome]:
    """A8/A9: stations and village clinics able to give TCM service, judged apart because the
    standard sets them two targets (服务站 all, 村卫生室 most)."""
    def compute(facts: Facts, s: Setting) -> Outcome:
        def judge(inst: dict[str, Any]) -> Check:
            return flag_check(inst["service_place"], "未填报是否具备中医药服务场所和设备",
                               "需配备中医药服务场所和设备")
        return inst_share(facts, ind_id, judge, f"{what}具备中医药服务场所和设备")
    return compute


HALL_STATES_COUNTED = {"A2": ["standard", "upgraded"], "A10": ["upgraded"]}


def hall_check(ind_id: str, inst: dict[str, Any], s: Setting) -> Check:
    """One centre's 中医馆 under A2 or A10 as the indicator judges it: what the report says of
    a 中医馆 typed 提档升级 and not counted (its gap gives the reason)."""
    states = s.threshold.get("hall_states", HALL_STATES_COUNTED[ind_id])
    return _hall_judge(s.threshold, states)(inst)


def _a10(facts: Facts, s: Setting) -> Outcome:
    """提档升级 (服务内涵建设): typed, and where the condition asks for the construction figures
    (the national one does), recorded and met. A share the county reaches with some centres, so
    none is listed as failing on its own."""
    states = s.threshold.get("hall_states", ["upgraded"])
    return share_of(facts.in_scope(CENTRE_TYPES), _hall_judge(s.threshold, states),
                  lambda k: f"还需 {k} 家中医馆提档升级", list_failing=False)


# B. 服务能力

def _techniques(ind_id: str) -> Callable[[Facts, Setting], Outcome]:
    def compute(facts: Facts, s: Setting) -> Outcome:
        min_cats = s.threshold.get("categories", 0)
        min_items = s.threshold.get("items", 0)

        def judge(inst: dict[str, Any]) -> Check:
            cats, items = inst["tech_categories"], inst["tech_items"]
            if items is None or (cats is None and min_cats > 0):
                return unreported("适宜技术类数、项数")
            more_cats, more_items = techniques_needed(cats or 0, items, min_cats, min_items)
            if not more_cats and not more_items:
                return Check(True)
            return Check(False, items, techniques_text(more_cats, more_items))

        need = f"{min_cats}类{min_items}项" if min_cats else f"{min_items}项"
        return inst_share(facts, ind_id, judge, f"适宜技术达到 {need}")
    return compute


def _visits_lacking(inst: dict[str, Any]) -> list[str]:
    if inst["visits"] is None or (inst["tcm_visits"] is None and inst["visits"]):
        return ["诊疗人次"]
    return []


def _b4(facts: Facts, s: Setting) -> Outcome:
    reported, waiting = split_reported(facts.in_scope(CENTRE_TYPES), _visits_lacking)
    words = (lambda x: f"中医诊疗人次还需增加 {x:,}")
    outcome = summed_ratio(sum(i["tcm_visits"] or 0 for i in reported),
                            sum(i["visits"] for i in reported), words, waiting)
    if s.target is None:
        return outcome
    # Not a share of institutions, but the bureau still needs the centres below the target.
    below_target(outcome, reported, s.target, "tcm_visits", "visits", words)
    return outcome


def _b5(facts: Facts, s: Setting) -> Outcome:
    return county_ratio(facts, "elderly_managed", "elderly_population",
                         lambda x: f"还需 {x:,} 名65岁及以上居民接受中医药健康管理")


def _b6(facts: Facts, s: Setting) -> Outcome:
    return county_ratio(facts, "infant_managed", "infant_population",
                         lambda x: f"还需 {x:,} 名0-36个月儿童接受中医药健康管理")


def _b7(facts: Facts, s: Setting) -> Outcome:
    """The count of key departments of the TCM hospital; with several, the weakest counts. A
    department left blank is counted as absent in the value, and the hospital waits: the count
    lies between that and the count with every blank set up."""
    worst: tuple[int, list[str]] | None = None
    low = high = None
    waiting = []
    for inst in facts.in_scope(TCM_HOSPITAL):
        flags = {key: inst[key] for key in DEPARTMENTS}
        blank = [DEPARTMENTS[k] for k, v in flags.items() if v is None]
        count = sum(1 for v in flags.values() if v == 1)
        low = count if low is None else min(low, count)
        high = count + len(blank) if high is None else min(high, count + len(blank))
        if blank:
            waiting.append(Failing(inst["name"], inst["id"], None,
                                   f"{MISSING}是否设置{'、'.join(blank)}"))
        if len(blank) == len(DEPARTMENTS):
            continue
        missing = [DEPARTMENTS[k] for k, v in flags.items() if v != 1]
        if worst is None or count < worst[0]:
            worst = (count, missing)
    if worst is None:
        return Outcome(None, waiting=waiting)
    count, missing = worst

    def gap_to(bound: Fraction) -> str | None:
        need = math.ceil(bound) - count
        if need >= len(missing):
            return "还需设置" + "、".join(missing)
        return f"还需设置 {need} 个重点科室（尚缺{'、'.join(missing)}）"

    bounds = (Fraction(low), Fraction(high)) if low is not None and high is not None else None
    return Outcome(Fraction(count), gap_to=gap_to, waiting=waiting, bounds=bounds)


def _b8(facts: Facts, s: Setting) -> Outcome:
    return county_ratio(facts, "alliance_population", "resident_population",
                         lambda x: f"医联体还需覆盖 {x:,} 人")


_GRADE_ORDER = list(HOSPITAL_GRADES)


def _b9(facts: Facts, s: Setting) -> Outcome:
    least = s.threshold.get("min_grade", "2a")

    def judge(inst: dict[str, Any]) -> Check:
        grade = inst["hospital_grade"]
        if grade is None:
            return unreported("医院等级")
        if _GRADE_ORDER.index(grade) >= _GRADE_ORDER.index(least):
            return Check(True)
        return Check(False, 0, f"需达到{HOSPITAL_GRADES[least]}")
    return inst_share(facts, "B9", judge, f"达到{HOSPITAL_GRADES[least]}")


def _has(ind_id: str, key: str, what: str) -> Callable[[Facts, Setting], Outcome]:
    """A yes/no fact every institution in scope must have (B10–B12)."""
    def compute(facts: Facts, s: Setting) -> Outcome:
        def judge(inst: dict[str, Any]) -> Check:
            return flag_check(inst[key], f"未填报是否设置{what}", f"需设置{what}")
        return inst_share(facts, ind_id, judge, f"设置{what}")
    return compute


def _b13(facts: Facts, s: Setting) -> Outcome:
    """中药房, and with it the 煎药室 where the condition asks for it (the national one does)."""
    rooms = [("tcm_pharmacy", "中药房")]
    if s.threshold.get("decoction_room", False):
        rooms.append(("decoction_room", "煎药室"))

    def judge(inst: dict[str, Any]) -> Check:
        lacking = [w for k, w in rooms if inst[k] == 0]
        if lacking:
            return Check(False, 0, f"需设置{'、'.join(lacking)}")
        blank = [w for k, w in rooms if inst[k] is None]
        return unreported(f"是否设置{'、'.join(blank)}") if blank else Check(True)
    return inst_share(facts, "B13", judge, f"设置{'、'.join(w for _, w in rooms)}")


def _b14(facts: Facts, s: Setting) -> Outcome:
    """Family-doctor teams of the centres that run them: never met while one has not reported."""
    def lacking(inst: dict[str, Any]) -> list[str]:
        if inst["fd_teams"] is None or (inst["fd_teams_tcm"] is None and inst["fd_teams"]):
            return ["家庭医生团队数"]
        return []

    reported, waiting = split_reported(facts.in_scope(BY_ID["B14"].scope), lacking)
    num = sum(i["fd_teams_tcm"] or 0 for i in reported)
    den = sum(i["fd_teams"] for i in reported)

    def gap_to(bound: Fraction) -> str | None:
        x = add_to_numerator(num, den, bound, cap=den)
        return f"还需 {x:,} 个家庭医生团队配备中医药人员" if x else None

    failing = [Failing(i["name"], i["id"], float(Fraction(i["fd_teams_tcm"], i["fd_teams"])),
                       f"还需 {i['fd_teams'] - i['fd_teams_tcm']} 个团队配备中医药人员")
               for i in reported if i["fd_teams"] and i["fd_teams_tcm"] < i["fd_teams"]]
    return Outcome(exact_ratio(num, den), num if den else None, den if den else None,
                   failing if s.target else [], gap_to, waiting=waiting, bounds=(None, None))


def _b15(facts: Facts, s: Setting) -> Outcome:
    """County hospitals with a 中医健康宣教基地: one more can only raise the count."""
    insts = facts.in_scope(BY_ID["B15"].scope)
    count = sum(1 for i in insts if i["edu_base"] == 1)
    waiting = [Failing(i["name"], i["id"], None, f"{MISSING}是否设置中医健康宣教基地")
               for i in insts if i["edu_base"] is None]
    if not insts or len(waiting) == len(insts):
        return Outcome(None, waiting=waiting)

    def gap_to(bound: Fraction) -> str | None:
        return f"还需 {math.ceil(bound) - count} 家县级医院设置中医健康宣教基地"

    return Outcome(Fraction(count), gap_to=gap_to, waiting=waiting,
                   bounds=(Fraction(count), Fraction(count + len(waiting))))


# C. 人员配备

def _physicians_lacking(inst: dict[str, Any]) -> list[str]:
    return ["医师人数"] if inst["physicians"] is None or inst["tcm_physicians"] is None else []


def _c1(facts: Facts, s: Setting) -> Outcome:
    reported, waiting = split_reported(facts.in_scope(TCM_HOSPITAL), _physicians_lacking)
    return summed_ratio(sum(i["tcm_physicians"] for i in reported),
                         sum(i["physicians"] for i in reported),
                         lambda x: f"还需 {x:,} 名中医类别医师", waiting)


def _c2(facts: Facts, s: Setting) -> Outcome:
    share = exact(s.threshold.get("share", 0.25))

    def judge(inst: dict[str, Any]) -> Check:
        phys, tcm = inst["physicians"], inst["tcm_physicians"]
        if phys is None or tcm is None:
            return unreported("医师人数")
        own = exact_ratio(tcm, phys)
        if own is not None and own >= share:
            return Check(True)
        # With no physicians at all the share is undefined, and one TCM physician fixes it.
        x = add_to_both(tcm, phys, share)
        gap = f"还需 {x} 名中医类别医师" if x else f"中医类别医师占比需达到 {percent(share)}"
        return Check(False, float(own) if own is not None else None, gap)
    return inst_share(facts, "C2", judge, f"达到 {percent(share)}")


def _c7(facts: Facts, s: Setting) -> Outcome:
    """The centres' TCM-category physicians over all their physicians, pooled (同类机构医师总数):
    a centre below the target is listed, as for B4, but the county is judged on the sum."""
    reported, waiting = split_reported(facts.in_scope(CENTRE_TYPES), _physicians_lacking)
    words = (lambda x: f"还需 {x:,} 名中医类别医师")
    outcome = summed_ratio(sum(i["tcm_physicians"] for i in reported),
                            sum(i["physicians"] for i in reported), words, waiting)
    if s.target is not None:
        below_target(outcome, reported, s.target, "tcm_physicians", "physicians", words)
    return outcome


def _staffed(fix: str) -> Judge:
    def judge(inst: dict[str, Any]) -> Check:
        tcm, other = inst["tcm_physicians"], inst["other_tcm_staff"]
        if (tcm or 0) + (other or 0) >= 1:
            return Check(True)
        if tcm is None or other is None:
            # One of the two is blank and the other is none: the blank one may hold the person.
            return unreported("中医药人员配备情况")
        return Check(False, 0, fix)
    return judge


def _c3(facts: Facts, s: Setting) -> Outcome:
    return inst_share(facts, "C3", _staffed("需配备 1 名中医类别医师或能提供中医药服务的其他医师"),
                       "配备中医药人员")


def _c4(facts: Facts, s: Setting) -> Outcome:
    return inst_share(facts, "C4", _staffed("需配备 1 名能提供中医药服务的人员"), "配备中医药人员")


def _c5(facts: Facts, s: Setting) -> Outcome:
    """TCM-category GPs of every active institution per 10,000 residents; the centres must report
    (another GP can only raise the rate). If no institution reported the figure, there is no data
    (not a rate of 0)."""
    _, waiting = split_reported(facts.in_scope(BY_ID["C5"].must_report),
                        blanks_of(("tcm_gps", "中医类别全科医生数")))
    reported = [i for i in facts.institutions if i["tcm_gps"] is not None]
    gps = sum(i["tcm_gps"] for i in reported) if reported else None
    pop = facts.county.get("resident_population")
    if gps is None or not pop:
        return Outcome(None, gps, pop, waiting=waiting)

    def gap_to(bound: Fraction) -> str | None:
        x = add_to_numerator(gps, pop, bound, scale=10_000)
        return f"还需 {x:,} 名合格的中医类别全科医生" if x else None

    value = Fraction(gps * 10_000, pop)
    return Outcome(value, gps, pop, gap_to=gap_to, waiting=waiting, bounds=(value, None))


def _c6(facts: Facts, s: Setting) -> Outcome:
    def lacking(inst: dict[str, Any]) -> list[str]:
        phys, tcm = inst["physicians"], inst["tcm_physicians"]
        if phys is None or tcm is None:
            return ["医师人数"]
        return ["西学中人数"] if inst["west_learn_tcm"] is None and phys > tcm else []

    reported, waiting = split_reported(facts.in_scope(BY_ID["C6"].scope), lacking)
    num = sum(i["west_learn_tcm"] or 0 for i in reported)
    den = sum(i["physicians"] - i["tcm_physicians"] for i in reported)
    if not den:
        return Outcome(None, waiting=waiting)

    def gap_to(bound: Fraction) -> str | None:
        x = add_to_numerator(num, den, bound, cap=den)
        return f"还需 {x:,} 名非中医类别医师接受西学中培训" if x else None

    return Outcome(Fraction(num, den), num, den, gap_to=gap_to, waiting=waiting,
                   bounds=(None, None))


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
                return unreported("本年度数据和活动记录")
            return Check(False, count, f"还需 {minimum - count} {unit}{noun}")
        return inst_share(facts, ind_id, judge, f"{noun}达到 {minimum} {unit}")
    return compute


def _centre_tallies(facts: Facts, *, skip: str | None = None) -> tuple[Tally, Tally]:
    """(TCM-content, all) activities of the centres in scope, leaving out the kind `skip`."""
    tcm, every = Tally(), Tally()
    for inst in facts.in_scope(CENTRE_TYPES):
        a, b = facts.tally(inst["id"], tcm=1, skip=skip), facts.tally(inst["id"], skip=skip)
        tcm = Tally(tcm.n + a.n, 0, tcm.people + a.people, tcm.blank + a.blank)
        every = Tally(every.n + b.n, 0, every.people + b.people, every.blank + b.blank)
    return tcm, every


def _log_missing(facts: Facts) -> list[Failing]:
    """Centres with neither figures nor a single activity in the year: their log has not arrived,
    and the shares of the centres' logs (D6, D7) could move either way with it."""
    return [Failing(i["name"], i["id"], None, f"{MISSING}本年度数据和活动记录")
            for i in facts.in_scope(CENTRE_TYPES)
            if i["year_row"] is None and not facts.tally(i["id"]).n]


def _d6(facts: Facts, s: Setting) -> Outcome:
    tcm, every = _centre_tallies(facts)
    return summed_ratio(tcm.n, every.n, lambda x: f"还需开展 {x:,} 次有中医药内容的健康教育活动",
                         _log_missing(facts))


def _d7(facts: Facts, s: Setting) -> Outcome:
    """People reached by TCM-content activities over people reached by all, of the centres. An
    activity whose 参与人数 is blank waits: a TCM one could only raise the share, another could
    only lower it."""
    tcm, every = _centre_tallies(facts, skip=ACTIVITY_COUNTS["D7"].skip)
    logs = _log_missing(facts)
    outcome = summed_ratio(tcm.people, every.people,
                            lambda x: f"有中医药内容的活动还需增加受众 {x:,} 人次", logs)
    for inst in facts.in_scope(CENTRE_TYPES):
        blank = facts.tally(inst["id"], skip=UNCOUNTED_AUDIENCE).blank
        if blank:
            outcome.waiting.append(Failing(inst["name"], inst["id"], None,
                                           f"{MISSING} {blank} 次活动的参与人数"))
    if not logs:  # a log not arrived could move it either way; a blank count only one way
        value = outcome.value
        outcome.bounds = (None if every.blank - tcm.blank else value,
                          None if tcm.blank else value)
    return outcome


def _county_count(ind_id: str, noun: str) -> Callable[[Facts, Setting], Outcome]:
    rule = ACTIVITY_COUNTS[ind_id]
    kind, tcm = rule.kind, 1 if rule.tcm_only else None

    def compute(facts: Facts, s: Setting) -> Outcome:
        # Only institutions with activities have any (facts.activity holds the counted ones).
        count = sum(facts.tally(i, kind, tcm).n for i in facts.activity)

        def gap_to(bound: Fraction) -> str | None:
            return f"还需 {math.ceil(bound - count)} 次{noun}"
        return Outcome(Fraction(count), gap_to=gap_to)
    return compute


def counted_by(activity: dict[str, Any], inst_type: str) -> list[str]:
    """The activity indicators (D1–D9) a counted activity (a row of Facts.log) adds to, by the
    rules the measures above count with (ACTIVITY_COUNTS): what a photo of it supports."""
    out = []
    for ind_id, rule in ACTIVITY_COUNTS.items():
        scope = BY_ID[ind_id].scope
        if ((scope and inst_type not in scope)
                or (rule.kind is not None and activity["kind"] != rule.kind)
                or (rule.tcm_only and not activity["tcm_content"])
                or activity["kind"] == rule.skip or (rule.people and not activity["people"])):
            continue
        out.append(ind_id)
    return out


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


COMPUTE: dict[str, Callable[[Facts, Setting], Outcome]] = {
    "A1": _a1, "A2": _a2, "A3": _a3, "A4": _a4, "A5": _a5, "A6": _a6, "A7": _a7,
    "A8": _serves("A8", "服务站"), "A9": _serves("A9", "村卫生室"), "A10": _a10,
    "B1": _techniques("B1"), "B2": _techniques("B2"), "B3": _techniques("B3"),
    "B4": _b4, "B5": _b5, "B6": _b6, "B7": _b7, "B8": _b8, "B9": _b9,
    "B10": _has("B10", "dept_guidance", "基层指导科"),
    "B11": _has("B11", "tech_center", "中医药适宜技术推广中心"),
    "B12": _has("B12", "tcm_dept", "中医科"), "B13": _b13,
    "B14": _b14, "B15": _b15,
    "C1": _c1, "C2": _c2, "C3": _c3, "C4": _c4, "C5": _c5, "C6": _c6, "C7": _c7,
    "D1": _minimum("D1"), "D2": _minimum("D2"), "D3": _minimum("D3"), "D4": _minimum("D4"),
    "D5": _minimum("D5"), "D6": _d6, "D7": _d7,
    "D8": _county_count("D8", "中医药文化进校园活动"),
    "D9": _county_count("D9", "传统健身推广活动"),
    "D10": _d10, "D11": _d11,
}


