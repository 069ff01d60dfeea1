"""Points as reviewers give them: each item of the standard scored from the year's indicator
results, the creation tasks with their evidence, and the register; the total against the pass
mark; every 必备 (veto) item's state.

Rules a bureau would otherwise have to guess:

- all-or-nothing: the item's points when it is met, else 0. In proportion: the points times the
  value reached over the target (capped at the points, rounded down to 0.1). A deduction per
  failing institution: the points less `deduct` for each institution in scope that fails (an
  institution that has not reported fails), never below the floor.
- An item with no data scores 0, and a 必备 item with no data has failed: the county cannot show
  it.
- An item whose indicator waits for institutions to report (待填报) scores 0, state 待填报, until
  they do; a 必备 one has not been met.
- A document item (规划, 联席会议, 投入 …) is matched to the creation tasks whose text holds one of
  its keywords. It scores when evidence is attached (to such a task, or to the item itself in
  总览) and every matched task is 已完成. With no evidence it scores nothing.
- An item the county's profile switches off is 不适用: left out of the full marks, and the pass
  mark shrinks in proportion, so a county is not failed by an item that does not apply to it.
"""

from __future__ import annotations

from fractions import Fraction
import math
from typing import TYPE_CHECKING
from collections.abc import Iterable

from reports.judge.catalogue import BY_ID, OTHER_HOSPITALS, TCM_HOSPITAL
from reports.judge.results import (NO_DATA, OFF, PARTLY, PENDING, SCORED, UNSCORED, ZERO,
                                   ItemScore, Result, Score)
from reports.judge.standard import Item, Standard
from reports.judge.wording import percent

if TYPE_CHECKING:
    from reports.judge.facts import Documents, Facts
    from reports.judge.profiles import Profile

def _round(x: float | Fraction) -> float:
    """Half points and tenths as reviewers write them; never rounded up."""
    return math.floor(float(x) * 10 + 1e-9) / 10


def _points(item: Item, earned: float | Fraction, state: str, reason: str,
            indicator: str | None = None) -> ItemScore:
    return ItemScore(item.id, item.code, item.section, item.text, _round(earned), item.points,
                     item.veto, state, reason, indicator)


# ---- one item -------------------------------------------------------------------------------------

def _failing_count(r: Result) -> int:
    if r.is_inst and r.numerator is not None and r.denominator is not None:
        return r.denominator - r.numerator
    return len(r.failing)


def score_indicator(item: Item, r: Result | None) -> ItemScore:
    """An item judged by an indicator's result (under the county's target)."""
    ind = item.indicator
    if r is None:
        return ItemScore(item.id, item.code, item.section, item.text, None, 0, item.veto, OFF,
                         "本县方案不考核此项", ind)
    if item.points == 0:
        return _points(item, 0, UNSCORED, "只统计，不计分", ind)
    if r.value is None:
        return _points(item, 0, NO_DATA, "无数据", ind)
    if r.target is None:
        return _points(item, 0, UNSCORED, "未设目标，不计分", ind)
    if r.pending:
        # 未填报 is not 未达标, but a missing row never earns points either.
        return _points(item, 0, PENDING, r.gap or "待填报", ind)
    if r.met:
        return _points(item, item.points, SCORED, "达到要求", ind)
    rule = item.rule
    if rule.kind == "proportion" and r.target.op in (">=", "between"):
        bound = r.target.value if r.target.op == ">=" else r.target.low
        if bound:
            earned = item.points * min(Fraction(str(r.value)) / Fraction(str(bound)), 1)
            state = PARTLY if _round(earned) > 0 else ZERO
            # Cut, never rounded up: 89.95% of the target earns 0.8 of 1 point, and says 89.9%.
            reached = percent(earned / item.points, marks=((_round(earned) + 0.1) / item.points,))
            return _points(item, earned, state, f"达到要求的 {reached}"
                           if state == PARTLY else "未达到要求", ind)
    if rule.kind == "per_failing":
        n = _failing_count(r)
        earned = max(item.points - rule.deduct * n, rule.floor)
        state = PARTLY if earned > 0 else ZERO
        return _points(item, earned, state, f"{n} 家机构未达标，扣 {item.points - earned:g} 分", ind)
    return _points(item, 0, ZERO, "未达到要求", ind)


def matched_tasks(item: Item, docs: Documents) -> list[dict]:
    """The creation tasks a governance item is judged by: those whose text holds a keyword."""
    words = item.judge["keywords"]
    return [t for t in docs.tasks if any(w in (t["text"] or "") for w in words)]


def document_files(item: Item, docs: Documents, year: int) -> int:
    """The evidence a governance item is judged by: attached to it in 总览 (for the year or for
    none) and to the creation tasks it is judged by (the count 总览's 佐证 column shows)."""
    return docs.item_files(item.id, year) + sum(t["files"] for t in matched_tasks(item, docs))


def score_document(item: Item, docs: Documents, year: int) -> ItemScore:
    """A governance item: its creation tasks done, and evidence shown."""
    tasks = matched_tasks(item, docs)
    files = document_files(item, docs, year)
    open_tasks = [t for t in tasks if t["status"] != "已完成"]
    if not files:
        if tasks and not open_tasks:
            return _points(item, 0, ZERO, "任务已完成，但未上传佐证材料")
        if tasks:
            return _points(item, 0, ZERO, f"任务{open_tasks[0]['status']}，无佐证材料")
        return _points(item, 0, NO_DATA, "创建任务中没有对应任务，也无佐证材料")
    if open_tasks:
        return _points(item, 0, ZERO, f"有佐证材料 {files} 份，但任务{open_tasks[0]['status']}")
    return _points(item, item.points, SCORED, f"已完成，佐证材料 {files} 份")


def score_count(item: Item, facts: Facts) -> ItemScore:
    """Institutions of some types in the register (县办: public ones only, where the item says)."""
    owner = item.judge.get("ownership")
    n = len([i for i in facts.in_scope(item.judge["types"])
             if owner is None or (i["ownership"] or "public") == owner])
    need = item.judge.get("min", 1)
    if n >= need:
        return _points(item, item.points, SCORED, f"已设置（{n} 家）")
    return _points(item, 0, ZERO, "机构名册中没有" if n == 0 else f"只有 {n} 家，须 {need} 家")


# ---- the whole standard ---------------------------------------------------------------------------

def score(std: Standard, profile: Profile, results: dict[str, Result], facts: Facts,
          docs: Documents) -> Score:
    """Every item of `std` for the year, under the county's profile (its targets and switches)."""
    items = []
    for item in std.items:
        if not profile.item_on(item.id):
            items.append(ItemScore(item.id, item.code, item.section, item.text, None, 0,
                                   item.veto, OFF, "本县方案不考核此项", item.indicator))
        elif item.by == "indicator":
            items.append(score_indicator(item, results.get(item.indicator or "")))
        elif item.by == "document":
            items.append(score_document(item, docs, facts.year))
        else:
            items.append(score_count(item, facts))
    full = sum(i.max for i in items if i.state != OFF)
    total = _round(sum(i.points or 0 for i in items))
    pass_mark = std.pass_mark if full == std.total or not std.total else \
        math.ceil(std.pass_mark * full / std.total * 10 - 1e-9) / 10
    return Score(std.id, std.name, total, full, pass_mark, tuple(items))


def steps(std: Standard, r: Result) -> tuple[float, ...]:
    """The values at which a proportional item's points go up a tenth (0.9 of the target earns
    0.9 of one point …): a value shown rounded onto one would read as earning what it does
    not."""
    item = std.for_indicator(r.id)
    target = r.target
    if item is None or item.rule.kind != "proportion" or not item.points or target is None:
        return ()
    bound = target.value if target.op == ">=" else target.low if target.op == "between" else None
    if not bound:
        return ()
    tenths = round(item.points * 10)
    return tuple(float(Fraction(str(bound)) * k / tenths) for k in range(1, tenths))


def is_statistic(std: Standard, indicator_id: str) -> bool:
    """Whether `std` lists the indicator at 0 points (只统计，不计分): a statistic shown with its
    value, never a scored item. Decided by the points in the county's own standard, never by a
    list of ids: a province's 评分表 may score what the shipped standard only counts."""
    item = std.for_indicator(indicator_id)
    return item is not None and item.points == 0


# ---- a township's fill-in file --------------------------------------------------------------------

# The county's own hospitals: never in a township's file, so their items are judged at the county.
_COUNTY_INSTITUTIONS = frozenset((*TCM_HOSPITAL, *OTHER_HOSPITALS))


def county_level_indicator(indicator_id: str) -> bool:
    """Whether only the county's merged data can judge an indicator: a county figure, a county-wide
    share (summed over all institutions), or one about the county's hospitals."""
    ind = BY_ID.get(indicator_id)
    if ind is None:
        return False
    return not ind.is_inst or bool(ind.scope) and set(ind.scope) <= _COUNTY_INSTITUTIONS


def county_level(std: Standard, indicator_ids: Iterable[str]) -> frozenset[str]:
    """In a township's fill-in file, the ids (items of `std` and indicators alike) the county judges
    as a whole after merging: governance and register items (G*, H1), and the indicators of
    `county_level_indicator`. The window and the CLI both mark exactly these 由县里汇总."""
    out = {i for i in indicator_ids if county_level_indicator(i)}
    for item in std.items:
        if item.by != "indicator" or county_level_indicator(item.indicator or ""):
            out.add(item.id)
            if item.indicator:
                out.add(item.indicator)
    return frozenset(out)
