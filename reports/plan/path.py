"""达标路径: from the year's judgement, the concrete actions that raise the score (one per
institution and item, or one per county figure or document), what each gains under the scoring
rules, and the fewest of them that reach the pass mark with every 必备 item met.

How it counts, so that the numbers can be checked by hand:

- An item of the standard that is not at full marks becomes a *track*: its actions in the order
  they are best done, and what the item scores after the first k of them. Each score is the
  scoring module's own (`scoring.score_indicator` on the result as it would stand), so every rule
  kind counts as it does in 总览: all-or-nothing, in proportion (rounded down to 0.1), a deduction
  per failing institution with its floor.
- A share of institutions (an *inst* indicator) gets one action per institution that fails it or
  has not reported it; an institution that has not reported counts as failing until it reports
  figures that pass (no blank ever helps), and while the result waits for reports (待填报) the
  item scores nothing, so those reports come first.
- A county figure (a ratio summed over institutions, a population served, a survey) is one
  action: reach the target. A governance item is one action: finish its tasks and show the
  evidence. A register item is one action: the institution it asks for.
- An item with no data, or a sum waiting for rows, cannot be scored before the figures arrive:
  its actions (填报) gain nothing countable, and the plan says so.
- Items are independent: an action is counted for its own item only (a TCM physician hired for
  C2 also helps a 中医馆's construction figures, which this does not add up).

The choice is exact within that model: the fewest actions whose gains reach the pass mark with
every failing 必备 item met, by dynamic programming over tenths of a point (a multiple-choice
knapsack: for each track, how many of its actions to take). `greedy_length` is the simpler rule
(必备 first, then the best points per action) kept to show how far it falls short.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
import datetime as _dt
from fractions import Fraction
import math
import re
from typing import TYPE_CHECKING, Any

from reports.judge import scoring, standard as standards
from reports.judge.catalogue import BY_ID
from reports.judge.evaluation import MISSING, evaluate
from reports.judge.facts import load_documents, load_facts
from reports.judge.results import (NO_DATA, OFF, PENDING, SCORED, UNSCORED, Evaluation,
                                   ItemScore, Result)
from reports.judge.standard import Item, Standard
from reports.plan import arranged as arrangements
from reports.plan.arranged import OPEN, Arrangement

if TYPE_CHECKING:
    from db.county import CountyFile
    from reports.judge.facts import Documents

# What an action needs, in the words of the clerk who must get it done.
REPORT, DOCUMENT, TASK, STAFF, ACTIVITY, TECHNIQUE, BUILD, COUNTY, REGISTER, FIGURES = (
    "补报数据", "佐证材料", "完成任务", "人员", "开展活动", "适宜技术", "建设设置", "全县工作", "机构设置",
    "填报数据")
COUNTY_WIDE = "全县"


def tenths(points: float | None) -> int:
    """Points in whole tenths, the unit every rule scores in (exact: 2.5 → 25)."""
    return round((points or 0) * 10)


def _shown(t: int) -> float:
    return t / 10


@dataclass(frozen=True)
class Unit:
    """One concrete action of a track, before it is placed in the path."""

    key: str  # the item, and the institution for an action at one: stable across re-judging
    institution: str | None
    institution_id: str | None
    what: str
    need: str
    waiting: bool = False  # a report still missing (counted as failing until it passes)
    # How much work it is, only to choose between equally short paths: the things still lacking
    # (3 lectures → 3), a document to upload 1, tasks to finish 2, a task to create 3.
    effort: int = 1


@dataclass
class Track:
    """An item below full marks: its actions in the order they are best done, and the item's
    score (tenths) and whether it is met after the first k of them, k = 0 … len(units)."""

    item: Item
    now: ItemScore
    units: list[Unit]
    scores: list[int]
    met: list[bool]
    note: str | None = None  # why its actions gain nothing countable yet
    # (reports received, failing fixed) → (tenths, met): for a set of actions in any order
    simulate: Callable[[int, int], tuple[int, bool]] | None = None

    @property
    def veto_open(self) -> bool:
        return self.now.veto_failed

    def gain(self, k: int) -> int:
        return self.scores[k] - self.scores[0]

    def first_met(self) -> int | None:
        return next((k for k, m in enumerate(self.met) if m), None)

    def score_of(self, units: Iterable[Unit]) -> tuple[int, bool]:
        """The item after the given actions of this track (a set, as arranged by the clerk)."""
        chosen = {u.key for u in units}
        if self.simulate is not None:
            reports = sum(1 for u in self.units if u.waiting and u.key in chosen)
            fixes = sum(1 for u in self.units if not u.waiting and u.key in chosen)
            return self.simulate(reports, fixes)
        k = sum(1 for u in self.units if u.key in chosen)
        return self.scores[k], self.met[k]


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
        vetoes = "、".join(self.veto_failures)
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


# ---- the tracks ---------------------------------------------------------------------------------

_NUMBER = re.compile(r"\d[\d,]*")


def _effort(gap: str | None) -> int:
    """How much one institution still lacks (the first number of its gap: 还需 3 次 → 3)."""
    m = _NUMBER.search(gap or "")
    return int(m.group().replace(",", "")) if m else 1


def _need(item: Item, gap: str | None) -> str:
    if gap and gap.startswith(MISSING):
        return REPORT
    ind = BY_ID.get(item.indicator or "")
    if ind is not None and ind.reads == "activity":
        return ACTIVITY
    if ind is not None and ind.reads == "county":
        return COUNTY
    text = gap or ""
    if any(w in text for w in ("医师", "人员", "医生", "培训")):
        return STAFF
    if "适宜技术" in text:
        return TECHNIQUE
    return BUILD


def _inst_track(item: Item, now: ItemScore, r: Result) -> Track:
    """A share of institutions: an action per institution failing it or not reporting it."""
    target = r.target
    assert target is not None and r.numerator is not None and r.denominator
    waiting = sorted(r.not_reported, key=lambda f: f.institution)
    failing = sorted(r.failing, key=lambda f: (_effort(f.gap), f.institution))
    units = [Unit(f"{item.id}/{f.institution_id}", f.institution, f.institution_id,
                  f"{f.institution}：{f.gap or MISSING}，须补报（并达到要求）", REPORT, True)
             for f in waiting]
    units += [Unit(f"{item.id}/{f.institution_id}", f.institution, f.institution_id,
                   f"{f.institution}：{f.gap or '未达到要求'}", _need(item, f.gap),
                   effort=_effort(f.gap))
              for f in failing]
    num, den, w = r.numerator, r.denominator, len(waiting)

    def simulate(reports: int, fixes: int) -> tuple[int, bool]:
        n, left = num + reports + fixes, w - reports
        value = Fraction(n, den)
        # As evaluation judges a share of institutions: it waits while the ones still to report
        # could make it pass, and scores nothing meanwhile.
        pending = bool(left) and not target.holds(value) and \
            target.holds(min(Fraction(n + left, den), Fraction(1)))
        after = replace(r, value=float(value), numerator=n, pending=pending,
                        met=None if pending else target.holds(value),
                        failing=r.failing[:max(len(r.failing) - fixes, 0)],
                        not_reported=r.not_reported[:left])
        s = scoring.score_indicator(item, after)
        return tenths(s.points), s.state == SCORED

    steps = [simulate(min(k, w), max(k - w, 0)) for k in range(len(units) + 1)]
    return Track(item, now, units, [s for s, _ in steps], [m for _, m in steps],
                 simulate=simulate)


def _single(item: Item, now: ItemScore, unit: Unit) -> Track:
    return Track(item, now, [unit], [tenths(now.points), tenths(item.points)], [False, True])


def _waiting_track(item: Item, now: ItemScore, units: list[Unit], note: str) -> Track:
    """Actions whose effect cannot be counted before the figures are in."""
    flat = tenths(now.points)
    return Track(item, now, units, [flat] * (len(units) + 1), [False] * (len(units) + 1), note)


def _indicator_track(item: Item, now: ItemScore, r: Result) -> Track | None:
    if r.value is None and r.is_inst and r.denominator == 0:
        # No institution of its kind counts in the year: nothing to do that would score it.
        ind = BY_ID.get(r.id)
        kinds = ind.scope_text if ind is not None else r.name
        return Track(item, now, [], [tenths(now.points)], [False],
                     f"{item.id} 没有须考核的机构（{kinds}），无法计分")
    if r.value is None:
        unit = Unit(item.id, None, None, f"{COUNTY_WIDE}：{r.name}无数据，须先填报所需数据",
                    FIGURES)
        return _waiting_track(item, now, [unit], f"{item.id} 无数据：填报后才能判断能否得分")
    if r.is_inst and r.numerator is not None and r.denominator and r.target is not None:
        return _inst_track(item, now, r)
    if r.pending:
        units = [Unit(f"{item.id}/{f.institution_id}", f.institution, f.institution_id,
                      f"{f.institution}：{f.gap or MISSING}，须补报", REPORT, True)
                 for f in r.not_reported]
        return _waiting_track(item, now, units,
                              f"{item.id} 待 {len(units)} 家机构填报：补报后才能计算得分")
    if r.met is False:
        return _single(item, now, Unit(item.id, None, None, f"{COUNTY_WIDE}：{r.gap or r.name}",
                                       _need(item, r.gap), effort=3))
    return None


def _document_track(item: Item, now: ItemScore, docs: Documents) -> Track:
    tasks = scoring.matched_tasks(item, docs)
    open_tasks = [t for t in tasks if t["status"] != "已完成"]
    files = "有佐证材料" in now.reason
    named = "、".join(f"“{_short(t['text'])}”" for t in open_tasks[:2]) + \
        (f"等 {len(open_tasks)} 项" if len(open_tasks) > 2 else "")
    if open_tasks and not files:
        what, need, effort = f"完成任务{named}，并上传 {item.id} 佐证材料", TASK, 2
    elif open_tasks:
        what, need, effort = f"完成任务{named}（佐证材料已有）", TASK, 2
    elif tasks:
        what, need, effort = f"上传 {item.id} 佐证材料（对应任务已完成）", DOCUMENT, 1
    else:
        what, need, effort = (f"在“任务与佐证”中建立并完成对应任务（或在总览为 {item.id} 添加佐证），"
                              f"上传佐证材料：{_short(item.text)}"), DOCUMENT, 3
    return _single(item, now, Unit(item.id, None, None, what, need, effort=effort))


def _short(text: str, limit: int = 24) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _count_track(item: Item, now: ItemScore) -> Track:
    from db.vocab import INSTITUTION_TYPES

    kinds = "或".join(INSTITUTION_TYPES.get(t, t) for t in item.judge["types"])
    what = f"设置{kinds}并在机构名册中登记（{now.reason}）"
    return _single(item, now, Unit(item.id, None, None, what, REGISTER, effort=5))


def tracks(std: Standard, evaluation: Evaluation, docs: Documents) -> list[Track]:
    """Every item of the year that is not at full marks and has something to do, in the
    standard's order. Items a township's file leaves to the county are not its to plan."""
    score = evaluation.score
    assert score is not None
    out: list[Track] = []
    for item in std.items:
        now = score.item(item.id)
        if now is None or now.state in (SCORED, OFF, UNSCORED) or not item.points:
            continue
        if item.id in evaluation.county_level:
            continue
        if item.by == "indicator":
            r = evaluation.result(item.indicator or "")
            track = _indicator_track(item, now, r) if r is not None else None
        elif item.by == "document":
            track = _document_track(item, now, docs)
        elif item.by == "count":
            track = _count_track(item, now)
        else:  # a way of judging this module does not know yet: one action, its reason
            track = _single(item, now, Unit(item.id, None, None,
                                            f"{item.id}：{now.reason}", BUILD, effort=3))
        if track is not None and (track.units or track.note):
            out.append(track)
    return out


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
    """Each institution counted in the year → its township, as the year's judgement reads it."""
    return {i["id"]: i["township"] for i in load_facts(county, year).institutions}


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
    done = [0] * len(tr)
    cleared: set[int] = set()
    path_length = sum(path_units) if counts is not None else 0
    for n, (i, j) in enumerate(order, start=1):
        t = tr[i]
        # A track's actions are always taken in its own order: j is the next one.
        assert j == done[i]
        before = t.scores[j]
        done[i] += 1
        gain = t.scores[j + 1] - before
        total += gain
        clears = t.veto_open and t.met[j + 1] and i not in cleared
        if clears:
            cleared.add(i)
        u = t.units[j]
        actions.append(Action(
            u.key, t.item.id, t.item.code, t.item.text, t.item.indicator, u.institution,
            u.institution_id, towns.get(u.institution_id or ""), u.what, u.need, t.item.rule.text(),
            t.veto_open, clears, _shown(gain), _shown(total), n <= path_length, n,
            _late(t, evaluation.year, today), arranged.get(u.key)))
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
                len(planned & keys), _shown(with_planned), done, tuple(tr))


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
            out.append(f"必备项 {t.item.id}（{_short(t.item.text, 30)}）不能达到：{why}。")
    best = now + sum(t.gain(len(t.units)) for t in tr)
    if best < _pass_tenths(pass_mark):
        n = sum(len(t.units) for t in tr)
        out.append(f"即使完成全部 {n} 项行动，最多得 {_shown(best):g} 分，仍低于合格线 "
                   f"{pass_mark:g} 分。")
        blocked = [t.item.id for t in tr if t.note and t.units]
        if blocked:
            more = f" 等 {len(blocked)} 项" if len(blocked) > 12 else ""
            out.append(f"其中 {'、'.join(blocked[:12])}{more} 须先补齐数据才能计分。")
        empty = [t.item.id for t in tr if t.note and not t.units]
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
        out.append(f"{'、'.join(t.item.id for t in waiting[:12])} 等 {len(waiting)} 项无数据或待填报："
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
