"""达标路径's actions: for each item of the standard not at full marks, the concrete actions that
raise it (one per institution and item, or one per county figure or document), in the order they
are best done, and what the item scores after the first k of them.

- Each score is the scoring module's own (`scoring.score_indicator` on the result as it would
  stand), so every rule kind counts as it does in 总览: all-or-nothing, in proportion (rounded
  down to 0.1), a deduction per failing institution with its floor.
- A share of institutions (an *inst* indicator) gets one action per institution that fails it or
  has not reported it; an institution that has not reported counts as failing until it reports
  figures that pass (no blank ever helps), and while the result waits for reports (待填报) the
  item scores nothing, so those reports come first.
- A county figure (a ratio summed over institutions, a population served, a survey) is one
  action: reach the target. A governance item is one action: finish its tasks and show the
  evidence. A register item is one action: the institution it asks for.
- An item with no data, or a sum waiting for rows, cannot be scored before the figures arrive:
  its actions (填报) gain nothing countable, and the plan says so. An item with no institution of
  its kind to judge has no action at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from fractions import Fraction
import re
from typing import TYPE_CHECKING

from reports.judge import scoring
from reports.judge.catalogue import BY_ID
from reports.judge.evaluation import MISSING
from reports.judge.results import OFF, SCORED, UNSCORED, Evaluation, ItemScore, Result
from reports.judge.standard import Item, Standard

if TYPE_CHECKING:
    from reports.judge.facts import Documents

# What an action needs, in the words of the clerk who must get it done.
REPORT, DOCUMENT, TASK, STAFF, ACTIVITY, TECHNIQUE, BUILD, COUNTY, REGISTER, FIGURES = (
    "补报数据", "佐证材料", "完成任务", "人员", "开展活动", "适宜技术", "建设设置", "全县工作", "机构设置",
    "填报数据")
COUNTY_WIDE = "全县"


def tenths(points: float | None) -> int:
    """Points in whole tenths, the unit every rule scores in (exact: 2.5 → 25)."""
    return round((points or 0) * 10)


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
        # A share of institutions counts its failing ones as denominator − numerator: the
        # lists themselves are not read, and copying them for each step would cost the most.
        after = replace(r, value=float(value), numerator=n, pending=pending,
                        met=None if pending else target.holds(value), failing=(),
                        not_reported=())
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


def _nobody(r: Result) -> bool:
    """No institution of the kind the indicator judges counts in the year."""
    return r.value is None and r.is_inst and r.denominator == 0


def _indicator_track(item: Item, now: ItemScore, r: Result) -> Track | None:
    if _nobody(r):
        # No institution of its kind counts in the year: nothing to do that would score it.
        ind = BY_ID.get(r.id)
        kinds = ind.scope_text if ind is not None else r.name
        return Track(item, now, [], [tenths(now.points)], [False],
                     f"{item.code} 没有须考核的机构（{kinds}），无法计分")
    if r.value is None:
        unit = Unit(item.id, None, None, f"{COUNTY_WIDE}：{r.name}无数据，须先填报所需数据",
                    FIGURES)
        return _waiting_track(item, now, [unit], f"{item.code} 无数据：填报后才能判断能否得分")
    if r.is_inst and r.numerator is not None and r.denominator and r.target is not None:
        return _inst_track(item, now, r)
    if r.pending:
        units = [Unit(f"{item.id}/{f.institution_id}", f.institution, f.institution_id,
                      f"{f.institution}：{f.gap or MISSING}，须补报", REPORT, True)
                 for f in r.not_reported]
        return _waiting_track(item, now, units,
                              f"{item.code} 待 {len(units)} 家机构填报：补报后才能计算得分")
    if r.met is False:
        return _single(item, now, Unit(item.id, None, None, f"{COUNTY_WIDE}：{r.gap or r.name}",
                                       _need(item, r.gap), effort=3))
    return None


def _document_track(item: Item, now: ItemScore, docs: Documents) -> Track:
    tasks = scoring.matched_tasks(item, docs)
    open_tasks = [t for t in tasks if t["status"] != "已完成"]
    files = "有佐证材料" in now.reason
    named = "、".join(f"“{short(t['text'])}”" for t in open_tasks[:2]) + \
        (f"等 {len(open_tasks)} 项" if len(open_tasks) > 2 else "")
    if open_tasks and not files:
        what, need, effort = f"完成任务{named}，并上传 {item.code} 佐证材料", TASK, 2
    elif open_tasks:
        what, need, effort = f"完成任务{named}（佐证材料已有）", TASK, 2
    elif tasks:
        what, need, effort = f"上传 {item.code} 佐证材料（对应任务已完成）", DOCUMENT, 1
    else:
        what, need, effort = (f"在“任务与佐证”中建立并完成对应任务（或在总览为 {item.code} 添加佐证），"
                              f"上传佐证材料：{short(item.text)}"), DOCUMENT, 3
    return _single(item, now, Unit(item.id, None, None, what, need, effort=effort))


def short(text: str, limit: int = 24) -> str:
    """A task or item text cut to fit an action's line."""
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
            if r is not None and evaluation.township_scope and _nobody(r):
                continue  # none of its kind in this township: the county judges it with the rest
            track = _indicator_track(item, now, r) if r is not None else None
        elif item.by == "document":
            track = _document_track(item, now, docs)
        elif item.by == "count":
            track = _count_track(item, now)
        else:  # a way of judging this module does not know yet: one action, its reason
            track = _single(item, now, Unit(item.id, None, None,
                                            f"{item.code}：{now.reason}", BUILD, effort=3))
        if track is not None and (track.units or track.note):
            out.append(track)
    return out
