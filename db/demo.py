"""The fictional demo county 青河县: the same data every run, realistic enough to show every
indicator passing for most institutions, with a handful of believable failures in each section
that shrink year over year.

As in a real county, an institution's figures move a little from one year to the next: each is
drawn once, in the first year, and then steps from last year's (visits grow a few per cent,
staff come and go one or two at a time, techniques only go up, a bar once met stays met). So
数据核查 of a year lists only what a reviewer should look at: a few TCM physicians hired where a
centre comes to meet its share, and the handful of slips planted each year (_slips: a visit count
typed with a zero too many, a hall's area doubled, two techniques lost, a lecture entered twice).
"""

from __future__ import annotations

from dataclasses import dataclass, field
import datetime as _dt
from pathlib import Path
import random
from typing import Any, Callable

from .county import DEMO_MACHINE, CountyFile, stable_id
from .vocab import HALL_STATES

COUNTY_NAME = "青河县"
DEMO_CLOCK = "2025-01-20T09:00:00.000000Z"


@dataclass(frozen=True)
class Size:
    centres: int
    stations: int
    years: tuple[int, ...]
    population: int


SIZES = {
    "small": Size(centres=12, stations=60, years=(2022, 2023, 2024), population=318_000),
    "large": Size(centres=40, stations=600, years=(2020, 2021, 2022, 2023, 2024),
                  population=862_000),
}

_STREETS = ["城关街道", "东城街道", "西城街道", "南城街道", "北城街道"]
_TOWN_FIRST = "青柳白桃龙石清永双红金马凤黄新太安长丰高平云花兴福宝盘松竹梅杨"
_TOWN_SECOND = "石河沙源泉桥溪丰岩坪山田林湾塘坝口场江岭"
_VILLAGE_FIRST = "柳杨李王张刘陈赵周吴郑孙胡朱高林何郭罗梁宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁沈任姚卢傅钟姜崔谭陆范汪廖石金贾夏韦付方邹熊孟秦邱江尹薛"
_VILLAGE_SECOND = "河庄湾坪沟岭桥坝营寨家屯园塘林山口店铺坡垭"

_TEXT_TITLES = [
    "中医四季养生要诀", "冬病夏治三伏贴须知", "高血压中医调养", "糖尿病中医药防治",
    "老年人中医药健康管理", "儿童中医保健六法", "中医体质辨识手册", "艾灸常识", "八段锦图解",
    "常用穴位按摩", "药食同源小知识", "失眠的中医调理", "颈肩腰腿痛中医康复", "中医药法解读",
]
_AV_TITLES = [
    "八段锦教学视频", "中医养生大讲堂", "穴位保健操", "小儿推拿入门", "中医药文化宣传片",
    "三伏贴答疑", "太极拳示范",
]
_LECTURES = [
    "中医养生与慢病防治", "冬季进补与膏方", "中医体质与养生", "小儿推拿与家庭保健",
    "老年人中医药保健", "中医情志调养", "春季养肝", "夏季防暑中医知识", "秋季润燥",
]
_NON_TCM = [("健康讲座", "高血压用药安全"), ("健康讲座", "预防接种知识"),
            ("健康咨询", "慢病随访咨询"), ("文字资料", "合理膳食宣传单"),
            ("宣传栏更换", "传染病防控宣传栏")]


def write_demo(path: str | Path, size: str = "small") -> Path:
    """Write the demo county to `path` (which must not exist yet); the same bytes every run."""
    if size not in SIZES:
        raise ValueError(f"unknown demo size {size!r}")
    rng = random.Random(f"tcmcounty-demo-{size}")
    spec = SIZES[size]

    def new_id() -> str:
        return f"{rng.getrandbits(128):032x}"

    CountyFile.create(
        path, COUNTY_NAME, machine=DEMO_MACHINE, clock=lambda: DEMO_CLOCK, new_id=new_id,
        fill=lambda county: _fill(county, spec, rng),
    ).close()
    return Path(path)


def is_demo(county: CountyFile) -> bool:
    """Whether the file is (a copy of) the demo county (CountyFile.is_demo)."""
    return county.is_demo


def _fill(county: CountyFile, spec: Size, rng: random.Random) -> None:
    institutions = _institutions(spec, rng)
    county.insert_many("institution", [i.record for i in institutions])
    years: list[dict[str, Any]] = []
    last: list[dict[str, Any]] = []
    for t, year in enumerate(spec.years):
        progress = t / max(1, len(spec.years) - 1)  # 0 in the first year, 1 in the last
        recs = [_year_facts(inst, year, progress, rng) for inst in institutions]
        if last:
            _slips(recs, last, institutions, rng)
        years.extend(_leave_room(recs, institutions))
        last = recs
    county.insert_many("institution_year", years)
    county.insert_many("county_year", [
        _county_facts(county, spec, year, t / max(1, len(spec.years) - 1), rng)
        for t, year in enumerate(spec.years)
    ])
    activities: list[dict[str, Any]] = []
    for t, year in enumerate(spec.years):
        progress = t / max(1, len(spec.years) - 1)
        logged = [a for inst in institutions for a in _activities(inst, year, progress, rng)]
        if t:
            # A lecture entered twice (数据核查 lists it; it counts once until marked 确为两次).
            logged.append(dict(rng.choice([a for a in logged if a["kind"] == "健康讲座"])))
        activities.extend(logged)
    county.insert_many("activity", activities)
    county.insert_many("task", _tasks(spec))
    county.insert_many("phase", [
        {"id": stable_id("demo-phase", name), "name": name, "start_date": a, "end_date": b,
         "ord": i}
        for i, (name, a, b) in enumerate(_PHASES, start=1)])
    _evidence(county)
    county.log("生成示例县", label=f"{COUNTY_NAME}：{len(institutions)} 家机构，"
               f"{len(activities)} 条宣传活动")


_CENTRE_BARS = ("hall", "standard", "platform", "tech", "tcm_share", "west", "visits",
                "board", "consult", "text", "av", "lecture")
_STATION_BARS = ("place", "tech", "staff")


@dataclass
class _Inst:
    record: dict[str, Any]
    weak: frozenset[str]  # the bars this institution keeps missing, year after year
    hall_rank: int = 0  # a 中医馆 once built is not unbuilt: its state only goes up
    # What is drawn once for the institution and kept (its luck on each bar, its share of TCM
    # physicians, its hall's area …), and last year's counts, from which this year's figures step.
    fixed: dict[str, Any] = field(default_factory=dict)
    last: dict[str, int] = field(default_factory=dict)

    @property
    def type(self) -> str:
        return self.record["type"]


def _once(inst: _Inst, key: str, draw: Callable[[], Any]) -> Any:
    """A figure of the institution drawn the first time it is asked for, the same every year."""
    if key not in inst.fixed:
        inst.fixed[key] = draw()
    return inst.fixed[key]


def _grown(inst: _Inst, key: str, first: Callable[[], int], progress: float,
           rng: random.Random) -> int:
    """A count (visits) drawn in the institution's first year, then a small step each year from
    last year's: a few per cent up or down, more growth as the county's work takes hold."""
    prev = inst.last.get(key)
    value = first() if prev is None else round(
        prev * (1 + rng.uniform(-0.03, 0.05) + 0.03 * progress))
    inst.last[key] = value
    return value


def _stepped(inst: _Inst, key: str, first: Callable[[], int], steps: tuple[int, ...],
             low: int, high: int, rng: random.Random) -> int:
    """A headcount drawn in the institution's first year, then moved by one of `steps` a year
    (kept within low..high): staff come and go a person or two at a time."""
    prev = inst.last.get(key)
    value = first() if prev is None else max(low, min(high, prev + rng.choice(steps)))
    inst.last[key] = value
    return value


def _unique_names(rng: random.Random, first: str, second: str, n: int, taken: set[str]) -> list[str]:
    names: list[str] = []
    while len(names) < n:
        name = rng.choice(first) + rng.choice(second)
        if name not in taken and name[0] != name[1]:
            taken.add(name)
            names.append(name)
    return names


def _institutions(spec: Size, rng: random.Random) -> list[_Inst]:
    result: list[_Inst] = []
    code = iter(range(1, 10_000))

    def add(name: str, type_: str, township: str | None, weak: frozenset[str],
            parent: str | None = None) -> str:
        rid = stable_id("demo-institution", name)
        result.append(_Inst({
            "id": rid, "name": name, "type": type_, "township": township,
            "code": f"QH{next(code):05d}", "parent_id": parent, "ownership": "public",
        }, weak))
        return rid

    add(f"{COUNTY_NAME}中医医院", "county_tcm_hospital", "城关街道", frozenset())
    add(f"{COUNTY_NAME}人民医院", "county_general_hospital", "城关街道", frozenset())
    add(f"{COUNTY_NAME}妇幼保健院", "maternal_child", "城关街道", frozenset())

    n_streets = 2 if spec.centres <= 12 else 5
    towns = _unique_names(rng, _TOWN_FIRST, _TOWN_SECOND, spec.centres - n_streets, set())
    places = [(s, "chc") for s in _STREETS[:n_streets]]
    places += [(t + rng.choice("镇镇镇乡"), "township_hc") for t in towns]
    # About one centre in four has two or three weak points, so each section has names to list.
    weak = [frozenset(rng.sample(_CENTRE_BARS, rng.randint(2, 3))) if i % 4 == 2 else frozenset()
            for i in range(len(places))]

    per_centre = [spec.stations // len(places)] * len(places)
    for i in range(spec.stations - sum(per_centre)):
        per_centre[i] += 1
    taken: set[str] = set()
    for (place, type_), centre_weak, n_units in zip(places, weak, per_centre):
        if type_ == "chc":
            centre_name = f"{place}社区卫生服务中心"
        else:
            centre_name = place + ("中心卫生院" if rng.random() < 0.2 else "卫生院")
        centre = add(centre_name, type_, place, centre_weak)
        if type_ == "chc":
            units = [f"{place}{base}社区卫生服务站" for base in
                     _unique_names(rng, _TOWN_FIRST, "苑园路街桥门湖", n_units, taken)]
            unit_type = "chs"
        else:
            units = [f"{place}{v}村卫生室" for v in
                     _unique_names(rng, _VILLAGE_FIRST, _VILLAGE_SECOND, n_units, taken)]
            unit_type = "village_clinic"
        for name in units:
            unit_weak = frozenset(b for b in _STATION_BARS if rng.random() < 0.07)
            add(name, unit_type, place, unit_weak, centre)
    return result


def _passes(inst: _Inst, bar: str, progress: float, rng: random.Random) -> bool:
    """Whether an institution meets a bar this year.

    Its own weak points it mostly misses every year (these are the names the report lists);
    anything else it misses now and then in early years and almost never in the last one. Its
    luck on a bar is drawn once, so a bar once met stays met: what changes from year to year is
    the county's progress, as in a real county, where a gap closed stays closed.
    """
    return _meets(inst, bar, progress, _once(inst, "luck/" + bar, rng.random))


def _meets(inst: _Inst, bar: str, progress: float, luck: float) -> bool:
    if bar in inst.weak:
        return luck < 0.1 + 0.15 * progress
    return luck >= 0.3 * (1 - progress) + 0.01


def _year_facts(inst: _Inst, year: int, progress: float, rng: random.Random) -> dict[str, Any]:
    rec: dict[str, Any] = {"id": stable_id("institution_year", inst.record["id"], year),
                           "institution_id": inst.record["id"], "year": year}
    if inst.type in ("chc", "township_hc"):
        rec.update(_centre_facts(inst, progress, rng))
    elif inst.type in ("chs", "village_clinic"):
        rec.update(_station_facts(inst, progress, rng))
    else:
        rec.update(_hospital_facts(inst, progress, rng))
    return rec


def _share_count(total: int, share: float) -> int:
    return max(0, min(total, round(total * share)))


def _leave_room(recs: list[dict[str, Any]], institutions: list[_Inst]) -> list[dict[str, Any]]:
    """A year's figures with 西学中 at least one below the non-TCM physicians wherever there are
    any, so a clerk who raises 中医类别执业医师 (or lowers 执业医师) by one is not refused for
    西学中 then outnumbering them. The trained doctors taken off are given to the centres and
    stations short of theirs, as far as they have room, so C6 (西学中培训覆盖率) reads as it did;
    no random number is drawn, so every other figure stays as it was."""
    scope = {"chc", "township_hc", "chs"}  # C6 counts these; a village clinic only gives up
    taken = 0
    for rec, inst in zip(recs, institutions):
        west, physicians = rec.get("west_learn_tcm"), rec.get("physicians")
        if west is None or physicians is None:
            continue
        cap = max(0, physicians - (rec.get("tcm_physicians") or 0) - 1)
        if west > cap:
            rec["west_learn_tcm"] = cap
            taken += (west - cap) if inst.type in scope else 0
    for rec, inst in zip(recs, institutions):
        if taken <= 0:
            break
        west, physicians = rec.get("west_learn_tcm"), rec.get("physicians")
        if inst.type not in scope or west is None or physicians is None:
            continue
        given = min(taken, max(0, physicians - (rec.get("tcm_physicians") or 0) - 1 - west))
        rec["west_learn_tcm"] = west + given
        taken -= given
    return recs


def _centre_facts(inst: _Inst, progress: float, rng: random.Random) -> dict[str, Any]:
    def ok(bar: str) -> bool:
        return _passes(inst, bar, progress, rng)

    def once(key: str, draw: Callable[[], Any]) -> Any:
        return _once(inst, key, draw)

    # A hall may be built, brought up to standard or upgraded in any year (a fresh chance each
    # year, the better the later), and is never unbuilt: its state only goes up.
    if not _meets(inst, "hall", progress, rng.random()):
        state = "none" if progress < 0.5 else "built"
    elif not _meets(inst, "standard", progress, rng.random()):
        state = "built"
    else:
        state = "upgraded" if rng.random() < 0.25 + 0.35 * progress else "standard"
    order = list(HALL_STATES)
    inst.hall_rank = max(inst.hall_rank, order.index(state))
    state = order[inst.hall_rank]
    grade = None
    if state in ("standard", "upgraded"):
        roll = once("grade", rng.random) * (1.3 - 0.5 * progress)
        grade = "model" if roll < 0.08 else "boutique" if roll < 0.25 else "normal"
    elif state == "built":
        grade = "normal"
    physicians = _stepped(inst, "physicians", lambda: rng.randint(10, 45), (-1, 0, 0, 1, 1, 2),
                          8, 60, rng)
    # Where the centre stands within the range of its bar: the same every year, so a share
    # moves only when the centre starts meeting the bar (a few TCM physicians hired, say).
    place = once("share", rng.random)
    share = 0.26 + 0.16 * place if ok("tcm_share") else 0.12 + 0.12 * place
    tcm = _share_count(physicians, share)
    non_tcm = physicians - tcm
    trained = once("west", lambda: rng.uniform(0.6, 0.95))
    west = non_tcm if ok("west") else _share_count(non_tcm, trained)
    visits = _grown(inst, "visits", lambda: rng.randint(18_000, 90_000), progress, rng)
    place = once("visit_share", rng.random) + rng.uniform(-0.05, 0.05)
    visit_share = 0.36 + 0.16 * place if ok("visits") else 0.22 + 0.12 * place
    cats, items = _techniques(inst, ok("tech"), ((6, 8), (10, 16)), ((4, 6), (7, 9)), progress,
                              rng)
    return {
        **_construction(inst, state, rng),
        "fd_teams": 2 + physicians // 10,
        # Teams lack TCM staff where the centre itself is short of TCM physicians.
        "fd_teams_tcm": 2 + physicians // 10 - (tcm < 4),
        "hall_state": state,
        "hall_grade": grade,
        "platform_connected": int(state != "none" and ok("platform")),
        "tech_categories": cats,
        "tech_items": items,
        "physicians": physicians,
        "tcm_physicians": tcm,
        "other_tcm_staff": once("other", lambda: rng.randint(1, 6)),
        "tcm_gps": once("gps", lambda: rng.randint(1, 4)),
        "west_learn_tcm": west,
        "visits": visits,
        "tcm_visits": _share_count(visits, visit_share),
    }


def _techniques(inst: _Inst, met: bool, good: tuple[tuple[int, int], tuple[int, int]],
                short: tuple[tuple[int, int], tuple[int, int]], progress: float,
                rng: random.Random) -> tuple[int, int]:
    """The 适宜技术 (categories, items) of the year: drawn once within the bar's range (`good`)
    and below it (`short`), so they go up, never down, when the institution comes to meet the
    bar; an item added now and then (more often as the county's work takes hold) counts once the
    bar is met, and those lost (_slips) stay lost."""
    (good_cats, good_items), (short_cats, short_items) = good, short
    if "tech" not in inst.fixed:
        inst.fixed["tech"] = (rng.randint(*good_cats), rng.randint(*good_items),
                              rng.randint(*short_cats), rng.randint(*short_items))
        inst.fixed["tech_added"] = inst.fixed["tech_lost"] = 0
    elif rng.random() < 0.15 + 0.25 * progress:
        inst.fixed["tech_added"] += 1
    cats, items, cats_short, items_short = inst.fixed["tech"]
    if met:
        return cats, items + inst.fixed["tech_added"] - inst.fixed["tech_lost"]
    return cats_short, items_short


def _construction(inst: _Inst, state: str, rng: random.Random) -> dict[str, Any]:
    """The 中医馆's area and rooms, drawn once and kept (a hall is not rebuilt every year; a built
    hall brought up to standard gets the standard's area and rooms). One centre in three has not
    recorded them, so its 达标 rests on the typed status alone; a hall typed 提档升级 always has
    them, as A10 asks for them before it counts the hall."""
    unrecorded = _once(inst, "unrecorded", lambda: rng.random() < 1 / 3)
    if state == "none" or (unrecorded and state != "upgraded"):
        return {}
    area, rooms, treat_area = _once(inst, "hall", lambda: (
        rng.randrange(120), rng.randrange(2), rng.randrange(20)))
    built = state == "built"
    return {
        "hall_area": ((180 if built else 300) + area) * inst.fixed.get("hall_area_times", 1),
        "hall_consult_rooms": 2 if built else 3 + rooms,
        "hall_treat_rooms": 1 if built else 2,
        "hall_treat_area": (25 if built else 40) + treat_area,
    }


def _station_facts(inst: _Inst, progress: float, rng: random.Random) -> dict[str, Any]:
    def ok(bar: str) -> bool:
        return _passes(inst, bar, progress, rng)

    def once(key: str, draw: Callable[[], Any]) -> Any:
        return _once(inst, key, draw)

    chs = inst.type == "chs"
    physicians = _stepped(inst, "physicians",
                          lambda: rng.randint(1, 4) if chs else rng.randint(0, 2),
                          (0,) * 9 + (1,), 0, 5 if chs else 3, rng)
    tcm = 1 if physicians and once("tcm", rng.random) < 0.35 else 0
    other = once("other", lambda: rng.randint(1, 2)) if ok("staff") or tcm else 0
    if inst.type == "village_clinic" and not (tcm or other) and ok("staff"):
        other = 1
    cats, items = _techniques(inst, ok("tech"), ((4, 6), (6, 10)), ((1, 3), (3, 5)), progress,
                              rng)
    visits = _grown(inst, "visits", lambda: rng.randint(1_200, 9_000), progress, rng)
    share = once("visit_share", lambda: rng.uniform(0.2, 0.5)) + rng.uniform(-0.03, 0.03)
    return {
        "service_place": int(ok("place")),
        "tcm_corner": int(once("corner", rng.random) < 0.04 + 0.1 * progress),
        "tech_categories": cats,
        "tech_items": items,
        "physicians": physicians,
        "tcm_physicians": tcm,
        "other_tcm_staff": other,
        "tcm_gps": 0,
        "west_learn_tcm": physicians - tcm if once("west", rng.random) < 0.8 else 0,
        "visits": visits,
        "tcm_visits": _share_count(visits, share),
    }


def _hospital_facts(inst: _Inst, progress: float, rng: random.Random) -> dict[str, Any]:
    def once(key: str, draw: Callable[[], Any]) -> Any:
        return _once(inst, key, draw)

    def grown(key: str, low: int, high: int) -> int:
        return _grown(inst, key, lambda: rng.randint(low, high), progress, rng)

    def staff(key: str, low: int, high: int) -> int:
        return _stepped(inst, key, lambda: rng.randint(low, high), (-2, 0, 1, 2, 3, 4), low, 999,
                        rng)

    if inst.type == "county_tcm_hospital":
        physicians = staff("physicians", 150, 180)
        return {
            "physicians": physicians,
            "tcm_physicians": _share_count(physicians, 0.55 + 0.1 * progress),
            "other_tcm_staff": staff("other", 10, 20),
            "tcm_gps": once("gps", lambda: rng.randint(8, 12)),
            "west_learn_tcm": 0,
            "visits": grown("visits", 260_000, 320_000),
            "tcm_visits": grown("tcm_visits", 150_000, 200_000),
            "tech_categories": 9,
            "tech_items": _stepped(inst, "tech_items", lambda: rng.randint(40, 60), (0, 0, 1, 2),
                                   40, 99, rng),
            "dept_preventive": 1,
            "dept_rehab": 1,
            "hospital_grade": "2a",
            "dept_guidance": 1,
            # The 适宜技术推广中心 came with the creation plan's second year.
            "tech_center": int(progress >= 0.5),
            # The 感染性疾病科 is the one the county still had to set up (seed 002-3).
            "dept_infectious": int(progress >= 0.99),
            # The 中医健康宣教基地 was set up at the hospital with the creation plan.
            "edu_base": int(progress >= 0.5),
        }
    physicians = staff("physicians", 90, 260)
    general = inst.type == "county_general_hospital"
    return {
        "tcm_dept": 1,
        # The 妇幼保健院 has a TCM department but no 中药房 (nor 煎药室) yet: a gap the demo shows.
        "tcm_pharmacy": int(general),
        "decoction_room": int(general),
        "edu_base": 0,
        "physicians": physicians,
        "tcm_physicians": _share_count(physicians, once("share", lambda: rng.uniform(0.05, 0.1))),
        "other_tcm_staff": staff("other", 3, 10),
        "tcm_gps": once("gps", lambda: rng.randint(1, 3)),
        "west_learn_tcm": staff("west", 5, 20),
        "visits": grown("visits", 120_000, 400_000),
        "tcm_visits": grown("tcm_visits", 8_000, 25_000),
    }


def _slips(recs: list[dict[str, Any]], last: list[dict[str, Any]], institutions: list[_Inst],
           rng: random.Random) -> None:
    """The few things a reviewer should catch in a year's figures (数据核查 lists each): a
    village clinic's visits typed with a zero too many (that year only), a 中医馆's area typed
    as the whole building's, twice the hall's (kept in later years), and a station that lost two
    适宜技术 items with a doctor who left (still meeting its bar; they stay lost). `last`: the
    figures of the year before, in the same order."""
    rows = list(zip(recs, last, institutions))
    typo = rng.choice([rec for rec, _, inst in rows if inst.type == "village_clinic"])
    typo["visits"] *= 10
    halls = [(rec, inst) for rec, before, inst in rows
             if rec.get("hall_area") and before.get("hall_area")
             and rec["hall_state"] == before["hall_state"] in ("standard", "upgraded")
             and "hall_area_times" not in inst.fixed]
    if halls:
        rec, inst = rng.choice(halls)
        inst.fixed["hall_area_times"] = 2
        rec["hall_area"] *= 2
    stations = [(rec, before, inst) for rec, before, inst in rows
                if inst.type in ("chs", "village_clinic") and not inst.fixed["tech_lost"]
                and before["tech_items"] >= 8 and rec is not typo]
    rec, before, inst = rng.choice(stations)
    inst.fixed["tech_lost"] = rec["tech_items"] - (before["tech_items"] - 2)
    rec["tech_items"] = before["tech_items"] - 2


def _county_facts(county: CountyFile, spec: Size, year: int, progress: float,
                  rng: random.Random) -> dict[str, Any]:
    population = spec.population + (year - spec.years[0]) * rng.randint(-1500, 800)
    elderly = round(population * (0.158 + 0.004 * (year - spec.years[0])))
    infants = round(population * 0.026)
    return {
        "id": county.county_year_id(year),
        "year": year,
        "resident_population": population,
        "elderly_population": elderly,
        "elderly_managed": round(elderly * (0.69 + 0.08 * progress + rng.uniform(-0.01, 0.01))),
        "infant_population": infants,
        "infant_managed": round(infants * (0.80 + 0.07 * progress + rng.uniform(-0.01, 0.01))),
        "alliance_population": round(population * (0.24 + 0.14 * progress)),
        "satisfaction": round(0.87 + 0.05 * progress, 3),
        "tcm_literacy": round(0.21 + 0.06 * progress, 3),
    }


def _dates(rng: random.Random, year: int, n: int) -> list[str]:
    """`n` dates spread over the year (as real logs are: a few each month)."""
    start = _dt.date(year, 1, 1).toordinal()
    days = 365 + (year % 4 == 0)
    return sorted(_dt.date.fromordinal(start + rng.randrange(days)).isoformat() for _ in range(n))


def _activities(inst: _Inst, year: int, progress: float,
                rng: random.Random) -> list[dict[str, Any]]:
    """One institution's activity log for a year."""
    iid = inst.record["id"]
    if inst.type in ("chc", "township_hc"):
        plan = _centre_plan(inst, progress, rng)
    elif inst.type == "county_tcm_hospital":
        plan = [("义诊", "名中医下基层义诊", 1)] * 4 + [("进校园", "中医药文化进校园", 1)] * 3
        plan += [("传统健身", "八段锦比赛", 1), ("健康讲座", "名中医讲中医", 1)] * 2
    elif inst.type in ("chs", "village_clinic"):
        # A few stations and clinics keep a log too (义诊, 咨询, 八段锦 in the square).
        if rng.random() > 0.12:
            return []
        plan = [(rng.choice(["健康咨询", "义诊", "传统健身"]), "村民中医药健康咨询", 1)]
    else:
        return []
    dates = _dates(rng, year, len(plan))
    rng.shuffle(dates)
    return [
        {"institution_id": iid, "date": d, "kind": kind, "title": title,
         "people": _people(kind, rng), "tcm_content": tcm}
        for d, (kind, title, tcm) in zip(dates, plan)
    ]


def _centre_plan(inst: _Inst, progress: float,
                 rng: random.Random) -> list[tuple[str, str, int]]:
    """The kinds and titles a centre logs in a year; weak centres and earlier years fall short."""
    def count(bar: str, minimum: int) -> int:
        if _passes(inst, bar, progress, rng):
            return minimum + rng.randint(0, 1)
        return max(0, minimum - rng.randint(1, 3))

    plan = [("宣传栏更换", f"第{i + 1}期中医药宣传栏", 1) for i in range(count("board", 4))]
    plan += [("健康咨询", "中医药健康咨询", 1)] * count("consult", 5)
    texts = rng.sample(_TEXT_TITLES, count("text", 6))
    if texts and rng.random() < 0.2:
        texts.append(texts[0])  # the same leaflet handed out twice counts once for D3
    plan += [("文字资料", t, 1) for t in texts]
    plan += [("音像资料", t, 1) for t in rng.sample(_AV_TITLES, count("av", 3))]
    plan += [("健康讲座", rng.choice(_LECTURES), 1) for _ in range(count("lecture", 6))]
    if rng.random() < 0.4:
        plan.append(("传统健身", rng.choice(["八段锦", "太极拳"]) + "推广", 1))
    if rng.random() < 0.25:
        plan.append(("进校园", "中医药文化进校园", 1))
    plan += [(kind, title, 0) for kind, title in rng.sample(_NON_TCM, rng.randint(1, 3))]
    return plan


def _people(kind: str, rng: random.Random) -> int | None:
    if kind == "宣传栏更换":
        return None
    low, high = {"健康讲座": (30, 120), "义诊": (80, 300), "进校园": (100, 500),
                 "传统健身": (20, 200), "文字资料": (100, 400), "音像资料": (50, 300)}.get(
        kind, (20, 150))
    return rng.randint(low, high)


_TASKS = [
    ("组织领导", "1", "将中医药工作纳入县国民经济和社会发展规划", "县政府办公室",
     "县发展和改革局、县卫生健康局", "2023-06-30", "已完成"),
    ("组织领导", "2", "建立中医药工作联席会议制度，定期研究解决中医药发展问题", "县卫生健康局",
     "县政府办公室、县财政局", "2023-06-30", "已完成"),
    ("组织领导", "3", "制定创建全国基层中医药工作示范县工作计划", "县卫生健康局", "", "2023-05-31",
     "已完成"),
    ("政策保障", "4", "建立持续稳定的中医药发展多元投入机制，保障创建经费", "县财政局",
     "县卫生健康局", "2024-12-31", "推进中"),
    ("政策保障", "5", "制定引进和培养中医药人才政策", "县委组织部",
     "县人力资源和社会保障局、县卫生健康局", "2024-06-30", "已延期"),
    ("服务网络", "6", "全部社区卫生服务中心和乡镇卫生院建成标准化中医馆", "县卫生健康局",
     "县财政局", "2024-12-31", "推进中"),
    ("服务网络", "7", "县中医医院规范设置感染性疾病科", "县卫生健康局", "县中医医院",
     "2024-10-31", "已完成"),
    ("服务网络", "8", "10%以上村卫生室建设中医阁", "县卫生健康局", "各乡镇卫生院", "2025-06-30",
     "推进中"),
    ("人才队伍", "9", "开展西学中培训，非中医类别医师全部接受中医药知识培训", "县卫生健康局",
     "县人力资源和社会保障局", "2024-12-31", "推进中"),
    ("文化宣传", "10", "开展中医药文化进校园活动", "县教育和体育局", "县卫生健康局",
     "2024-12-31", "已完成"),
    ("文化宣传", "11", "组织八段锦、太极拳等传统健身活动", "县教育和体育局", "县卫生健康局",
     "2024-11-30", "已完成"),
    ("评估验收", "12", "开展创建工作自评，形成自评报告和佐证材料", "县卫生健康局", "各相关部门",
     "2025-03-31", "未开始"),
]


_PHASES = [
    ("准备阶段", "2023-05-01", "2023-06-30"),
    ("实施阶段", "2023-07-01", "2024-09-30"),
    ("巩固阶段", "2024-10-01", "2024-12-31"),
    ("评估验收阶段", "2025-01-01", "2025-06-30"),
]


def _evidence(county: CountyFile) -> None:
    """A few documents of the kind a bureau attaches (plain text stands in for the scans)."""
    meeting = stable_id("demo-task", "2")
    county.add_evidence("中医药工作联席会议纪要（2023年第1次）.txt",
                        "青河县中医药工作联席会议纪要\n会议研究了创建工作的分工。\n".encode(),
                        owner_table="task", owner_id=meeting, mime="text/plain")
    county.add_evidence("2024年群众中医药服务满意度调查报告.txt",
                        "调查样本 1,200 人，满意率 92%。\n".encode(), owner_table="indicator",
                        indicator_id="D10", year=2024, mime="text/plain")
    county.add_evidence("医联体协议（县中医医院牵头）.txt", "医联体成员单位名单及协议。\n".encode(),
                        owner_table="indicator", indicator_id="B8", year=2024, mime="text/plain")


def _tasks(spec: Size) -> list[dict[str, Any]]:
    keys = ("category", "number", "text", "lead_unit", "assist_units", "deadline", "status")
    return [
        {"id": stable_id("demo-task", row[1]), **dict(zip(keys, row)),
         "phase": "实施阶段" if row[-1] != "未开始" else "评估验收阶段"}
        for row in _TASKS
    ]
