"""达标路径: the fewest of the year's actions (reports/plan/tracks.py) that reach the pass mark
with every 必备 item met, in the order to do them, then the rest; why the pass mark is out of
reach when it is; the projected score with the actions marked 已安排.

The choice is exact within the tracks' model (items count independently: an action is counted
for its own item only, so a TCM physician hired for C2 is not also added to that 中医馆's
construction figures): the fewest actions whose gains reach the pass mark with every failing 必备
item met, by dynamic programming over tenths of a point (a multiple-choice knapsack: for each
item, how many of its actions to take). `greedy_length` is the simpler rule (必备 first, then the
most points per action), kept to show how far it falls short.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import datetime as _dt
from fractions import Fraction
import math
from typing import TYPE_CHECKING, Any

from reports.judge import standard as standards
from reports.judge.catalogue import BY_ID
from reports.judge.evaluation import evaluate
from reports.judge.facts import load_documents
from reports.judge.results import Evaluation
from reports.judge.standard import Standard
from reports.plan import arranged as arrangements
from reports.plan.arranged import OPEN, Arrangement
from reports.plan.tracks import COUNTY_WIDE, Track, short, tenths, tracks

if TYPE_CHECKING:
    from db.county import CountyFile
    from reports.judge.facts import Documents

__all__ = ["COUNTY_WIDE", "Action", "Plan", "build", "fewest", "greedy_length", "plan",
           "rectification_order", "townships"]


def _shown(t: int) -> float:
    return t / 10


@dataclass(frozen=True)
class Action:
    key: str
    item: str
    code: str
    item_text: str
    indicator: str | None
    institution: str | None
    institution_id: str | None
    township: str | None
    what: str
    need: str
    rule: str
    veto: bool  # its item is a 必备 item not met yet
    clears_veto: bool  # with this action (and those before it on its item) the 必备 item is met
    points: float  # what it adds, in the path's order
    cumulative: float  # the county's total after it (and every action before it)
    on_path: bool  # among the fewest that reach the pass mark
    order: int  # 1, 2, … in the chosen order
    late: bool = False  # the year is over: only activities held then and not yet logged count
    arranged: Arrangement | None = None  # 已安排: who and by when

    @property
    def status(self) -> str:
        return self.arranged.status if self.arranged else OPEN

    def to_dict(self) -> dict[str, Any]:
        return {"item": self.item, "institution": self.institution, "points": self.points,
                "veto": self.veto, "what": self.what,
                # Added beyond the contract's keys:
                "order": self.order, "key": self.key, "code": self.code,
                "item_text": self.item_text, "indicator": self.indicator,
                "institution_id": self.institution_id, "township": self.township,
                "need": self.need, "rule": self.rule, "clears_veto": self.clears_veto,
                "cumulative": self.cumulative, "on_path": self.on_path, "late": self.late,
                "status": self.status,
                "arranged": self.arranged.to_dict() if self.arranged else None}


@dataclass(frozen=True)
class Plan:
    county: str
    year: int
    standard: str
    total: float
    max: float
    pass_mark: float
    passed: bool
    veto_failures: tuple[str, ...]
    reachable: bool | None  # None in a township's file: the county's score is judged there
    projected: float  # after the path (when it cannot be reached: after every action)
    best: float  # after every action listed
    path_length: int
    actions: tuple[Action, ...]
    reasons: tuple[str, ...] = ()  # why the pass mark cannot be reached this year
    notes: tuple[str, ...] = ()  # what the numbers leave out
    township_scope: str | None = None
    # 已安排 actions still open, and the total once they are done; arrangements whose action is
    # no longer needed (its gap closed: already counted in `total`).
    planned: int = 0
    planned_projected: float = 0.0
    done: tuple[Arrangement, ...] = ()
    tracks: tuple[Track, ...] = field(default=(), repr=False, compare=False)
    # The 必备 items not met, as the window and the report name them (一（一）1 将中医药工作…):
    # `veto_failures` holds their ids for the JSON.
    veto_cited: tuple[str, ...] = ()

    @property
    def path(self) -> tuple[Action, ...]:
        return self.actions[:self.path_length]

    def order_of_items(self) -> list[str]:
        """The standard's items in the order the path first works on them, then the rest."""
        seen: dict[str, None] = {}
        for a in self.actions:
            seen.setdefault(a.item)
        return list(seen)

    def summary(self) -> str:
        """One paragraph in the words of 总览's headline."""
        if self.township_scope:
            return (f"本文件为{self.township_scope}的乡镇填报文件：下列为本乡镇机构可做的 "
                    f"{len(self.actions)} 项行动；得分和是否达到合格线在县里合并各乡镇数据后计算。")
        head = f"{self.year} 年自评得分 {self.total:g} 分（合格线 {self.pass_mark:g} 分）"
        vetoes = "、".join(self.veto_cited)
        if vetoes:
            head += f"，必备项 {vetoes} 未达到"
        if self.passed:
            text = head + "，已达到合格线且必备项全部达到。下列行动可继续提高得分。"
        elif not self.reachable:
            text = head + "。本年度无法达到合格线：" + "".join(self.reasons)
        else:
            text = (head + f"。按达标路径完成前 {self.path_length} 项行动，得分可达 "
                    f"{self.projected:g} 分" + ("并满足全部必备项" if vetoes else "") + "。")
        return text + self.arranged_line()

    def arranged_line(self) -> str:
        """The projected score counting 已安排 actions apart from those done."""
        parts = []
        if self.planned:
            parts.append(f"已安排 {self.planned} 项，全部完成后预计 {self.planned_projected:g} 分")
        if self.done:
            parts.append(f"已完成的安排 {len(self.done)} 项（已计入当前得分）")
        return ("" if not parts else "；".join(parts) + "。")

    def to_dict(self) -> dict[str, Any]:
        return {"total": self.total, "pass_mark": self.pass_mark, "reachable": self.reachable,
                "projected": self.projected,
                "actions": [a.to_dict() for a in self.actions],
                # Added beyond the contract's keys:
                "county": self.county, "year": self.year, "standard": self.standard,
                "max": self.max, "passed": self.passed,
                "veto_failures": list(self.veto_failures), "path_length": self.path_length,
                "best": self.best, "reasons": list(self.reasons), "notes": list(self.notes),
                "planned": {"actions": self.planned, "projected": self.planned_projected},
                "done": [{"item": d.item_id, "institution_id": d.institution_id, "what": d.what,
                          **d.to_dict()} for d in self.done],
                **({"township_scope": self.township_scope} if self.township_scope else {})}


# ---- the fewest actions ---------------------------------------------------------------------------

def _options(track: Track) -> list[int]:
    """How many of a track's actions are worth taking: each count that scores more than every
    smaller one (and, for a failing 必备 item, only counts that meet it)."""
    out, best = [], -1
    start = 0
    if track.veto_open:
        first = track.first_met()
        if first is None:
            return []
        start, best = first, track.scores[first] - 1
    for k in range(start, len(track.units) + 1):
        if track.scores[k] > best:
            out.append(k)
            best = track.scores[k]
    return out


def fewest(tracks_: list[Track], need: int) -> list[int] | None:
    """How many actions of each track to take: the fewest in all whose gains reach `need` tenths
    with every failing 必备 item met (ties: the most points, then the least work). None when no
    choice does."""
    # best[g] = (actions, -points, work) for g = points gained, capped at `need`.
    best: dict[int, tuple[int, int, int]] = {0: (0, 0, 0)}
    back: list[dict[int, tuple[int, int]]] = []
    for track in tracks_:
        options = _options(track)
        if not options:
            return None
        work = [0]
        for u in track.units:
            work.append(work[-1] + u.effort)
        step: dict[int, tuple[int, int, int]] = {}
        came: dict[int, tuple[int, int]] = {}
        for g, (cost, minus, done) in best.items():
            for k in options:
                gain = track.gain(k)
                g2 = min(need, g + gain)
                cand = (cost + k, minus - gain, done + work[k])
                if g2 not in step or cand < step[g2]:
                    step[g2] = cand
                    came[g2] = (g, k)
        best = step
        back.append(came)
    if need not in best:
        return None
    counts = [0] * len(tracks_)
    g = need
    for i in range(len(tracks_) - 1, -1, -1):
        g, counts[i] = back[i][g]
    return counts


def greedy_length(tracks_: list[Track], need: int) -> int | None:
    """The simpler rule, for comparison: each failing 必备 item met with its fewest actions, then
    repeatedly the run of actions with the most points per action, until `need` is reached."""
    taken = [0] * len(tracks_)
    for i, t in enumerate(tracks_):
        if t.veto_open:
            first = t.first_met()
            if first is None:
                return None
            taken[i] = first
    got = sum(t.gain(k) for t, k in zip(tracks_, taken))
    while got < need:
        pick = _best_run(tracks_, taken)
        if pick is None:
            return None
        i, k = pick
        got += tracks_[i].gain(k) - tracks_[i].gain(taken[i])
        taken[i] = k
    return sum(taken)


def _best_run(tracks_: list[Track], taken: list[int]) -> tuple[int, int] | None:
    """The track and count that add the most points per added action (ties: fewer actions)."""
    best: tuple[Fraction, int, int, int] | None = None
    for i, t in enumerate(tracks_):
        base = t.scores[taken[i]]
        for k in range(taken[i] + 1, len(t.units) + 1):
            gain = t.scores[k] - base
            if gain <= 0:
                continue
            key = (Fraction(gain, k - taken[i]), -(k - taken[i]), -i, k)
            if best is None or key > best:
                best = key
    return None if best is None else (-best[2], best[3])


# ---- the plan -------------------------------------------------------------------------------------

def _pass_tenths(pass_mark: float) -> int:
    return math.ceil(pass_mark * 10 - 1e-9)


def _late(track: Track, year: int, today: _dt.date) -> bool:
    ind = BY_ID.get(track.item.indicator or "")
    return today.year > year and ind is not None and ind.reads == "activity"


def plan(county: CountyFile, year: int, *, today: _dt.date | None = None,
         evaluation: Evaluation | None = None) -> Plan:
    """The year's 达标路径 for the file's own standard and profile. `today` says whether the year
    is over (tests fix it); an evaluation already made for the year can be passed in."""
    today = today or _dt.date.today()
    evaluation = evaluation or evaluate(county, year, today=today)
    std = standards.for_county(county)
    return build(std, evaluation, load_documents(county), townships(county, year), today,
                 arrangements.read(county, year))


def townships(county: CountyFile, year: int) -> dict[str, str | None]:
    """Each institution counted in the year → its township that year: the one place the plan
    reads it (db.townships decides a township by year)."""
    return {r["id"]: r["township"] for r in county.institutions_in_year(year)}


def build(std: Standard, evaluation: Evaluation, docs: Documents,
          towns: dict[str, str | None], today: _dt.date,
          arranged: dict[str, Arrangement] | None = None) -> Plan:
    arranged = arranged or {}
    score = evaluation.score
    assert score is not None
    tr = tracks(std, evaluation, docs)
    town = evaluation.township_scope
    now = sum(tenths(i.points) for i in score.items)
    need = max(0, _pass_tenths(score.pass_mark) - now)
    reasons: list[str] = []
    counts: list[int] | None = [0] * len(tr)
    if not town and (need or score.veto_failures):
        counts = fewest(tr, need)
        if counts is None:
            reasons = _why_not(tr, need, score.pass_mark, now)
            if evaluation.no_data_at_all:
                reasons = [f"{evaluation.year} 年还没有任何数据，请先填报或导入本年度数据。"]
    path_units = counts or [0] * len(tr)
    order = _path_order(tr, path_units) + _rest_order(tr, path_units)
    actions, total = [], now
    taken = [0] * len(tr)
    cleared: set[int] = set()
    path_length = sum(path_units) if counts is not None else 0
    for n, (i, j) in enumerate(order, start=1):
        t = tr[i]
        assert j == taken[i]  # a track's actions are always taken in its own order
        taken[i] += 1
        gain = t.scores[j + 1] - t.scores[j]
        total += gain
        clears = t.veto_open and t.met[j + 1] and i not in cleared
        if clears:
            cleared.add(i)
        u = t.units[j]
        actions.append(Action(
            u.key, t.item.id, t.item.code, t.item.text, t.item.indicator, u.institution,
            u.institution_id, towns.get(u.institution_id or ""), u.what, u.need,
            t.item.rule.text(), t.veto_open, clears, _shown(gain), _shown(total),
            n <= path_length, n, _late(t, evaluation.year, today), arranged.get(u.key)))
    best = total
    projected = _shown(now + sum(t.gain(k) for t, k in zip(tr, path_units))) \
        if counts is not None and not town else _shown(best)
    notes = _notes(tr, actions[:path_length], evaluation.year, today)
    planned = {k for k, a in arranged.items() if a.complete}
    with_planned = now + sum(t.score_of(u for u in t.units if u.key in planned)[0] - t.scores[0]
                             for t in tr)
    keys = {a.key for a in actions}
    done = tuple(a for k, a in sorted(arranged.items()) if k not in keys)
    return Plan(evaluation.county, evaluation.year, std.name, score.total, score.max,
                score.pass_mark, score.passed, tuple(i.id for i in score.veto_failures),
                None if town else counts is not None, projected, _shown(best),
                path_length, tuple(actions), tuple(reasons), tuple(notes), town,
                len(planned & keys), _shown(with_planned), done, tuple(tr),
                tuple(standards.cite(std, i, short(i.text, 24)) for i in score.veto_failures))


def _path_order(tr: list[Track], counts: list[int]) -> list[tuple[int, int]]:
    """The chosen actions: 必备 items first (fewest actions first), then the items that give the
    most points per action; an item's own actions together, in its order."""
    chosen = [i for i, k in enumerate(counts) if k]
    chosen.sort(key=lambda i: (not tr[i].veto_open, -Fraction(tr[i].gain(counts[i]), counts[i]),
                               counts[i], i))
    return [(i, j) for i in chosen for j in range(counts[i])]


def _rest_order(tr: list[Track], counts: list[int]) -> list[tuple[int, int]]:
    """Everything else: runs with the most points per action first; actions that gain nothing
    countable last, in the standard's order."""
    taken = list(counts)
    out: list[tuple[int, int]] = []
    while True:
        pick = _best_run(tr, taken)
        if pick is None:
            break
        i, k = pick
        out += [(i, j) for j in range(taken[i], k)]
        taken[i] = k
    for i, t in enumerate(tr):
        out += [(i, j) for j in range(taken[i], len(t.units))]
    return out


def _why_not(tr: list[Track], need: int, pass_mark: float, now: int) -> list[str]:
    out = []
    for t in tr:
        if t.veto_open and t.first_met() is None:
            why = t.note or "列出的行动都不能使其达到要求"
            out.append(f"必备项 {t.item.code}（{short(t.item.text, 30)}）不能达到：{why}。")
    best = now + sum(t.gain(len(t.units)) for t in tr)
    if best < _pass_tenths(pass_mark):
        n = sum(len(t.units) for t in tr)
        out.append(f"即使完成全部 {n} 项行动，最多得 {_shown(best):g} 分，仍低于合格线 "
                   f"{pass_mark:g} 分。")
        blocked = [t.item.code for t in tr if t.note and t.units]
        if blocked:
            more = f" 等 {len(blocked)} 项" if len(blocked) > 12 else ""
            out.append(f"其中 {'、'.join(blocked[:12])}{more} 须先补齐数据才能计分。")
        empty = [t.item.code for t in tr if t.note and not t.units]
        if empty:
            out.append(f"{'、'.join(empty)} 没有须考核的机构，无法得分。")
    return out or ["没有一组行动能同时满足全部必备项并达到合格线。"]


def _notes(tr: list[Track], path: list[Action], year: int, today: _dt.date) -> list[str]:
    out = []
    late = sum(1 for a in path if a.late)
    if late:
        out.append(f"路径中有 {late} 项是 {year} 年的宣传活动：该年度已结束，只能补录当年确已开展、"
                   "尚未登记的活动；如确未开展，本年度不能按此路径达标。")
    waiting = [t for t in tr if t.note and t.units]
    if len(waiting) > 6:
        out.append(f"{'、'.join(t.item.code for t in waiting[:12])} 等 {len(waiting)} 项无数据或待填报："
                   "补齐数据后才能计算这些行动的得分。")
    elif waiting:
        out.append("以下项目的行动暂不能计分：" + "；".join(str(t.note) for t in waiting) + "。")
    empty = [t.note for t in tr if t.note and not t.units]
    if empty:
        out.append("；".join(empty) + "。")
    out.append("每项行动只计入其所属评分项；一项行动同时改善其他指标的（如新增中医类别医师也有助于中医馆达标），"
               "未重复计算。")
    return out


def rectification_order(county: CountyFile, evaluation: Evaluation,
                        today: _dt.date) -> dict[str, int]:
    """The 整改清单's order: each scored item (by its id, and by its indicator's id) at the place
    the year's 达标路径 first works on it; what the path does not touch is left out (callers keep
    the standard's order for it)."""
    found = build(standards.for_county(county), evaluation, load_documents(county), {}, today)
    std_items = {i.id: i for i in standards.for_county(county).items}
    out: dict[str, int] = {}
    for n, item_id in enumerate(found.order_of_items()):
        out.setdefault(item_id, n)
        indicator = std_items[item_id].indicator if item_id in std_items else None
        if indicator:
            out.setdefault(indicator, n)
    return out
