"""The building blocks of an indicator's computation: what it gives before it is judged (value,
failing institutions, who has not reported, the range the value could take once they do), and
the shares, ratios and sums the catalogue's measures are made of."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, NamedTuple

from reports.judge.catalogue import BY_ID
from reports.judge.facts import Facts
from reports.judge.gaps import add_to_both, add_to_numerator, over_text
from reports.judge.profiles import Target
from reports.judge.results import Failing

Bounds = tuple[Fraction | None, Fraction | None]


@dataclass
class Outcome:
    """An indicator computed but not yet judged: exact value, failing list, and how to say the
    county's gap once the target says which bound it must reach.

    `waiting` names the institutions of the indicator's population that have not reported what
    it reads; `bounds` is the range the value could take once they do (None on a side: no bound),
    so a blank can only make a result wait, never pass (see _judge)."""

    value: Fraction | None
    numerator: int | None = None
    denominator: int | None = None
    failing: list[Failing] = field(default_factory=list)
    gap_to: Callable[[Fraction], str | None] | None = None
    note: str | None = None  # how the value was reached, where a reviewer would ask
    waiting: list[Failing] = field(default_factory=list)
    bounds: Bounds | None = None  # None: the value itself, whatever they report


class Check(NamedTuple):
    """One institution against its own condition; `missing` when it has not reported what the
    condition reads (its gap then says what: 未填报…). A tuple: made for every institution an
    indicator counts (12,800 a year in a county ten times the large demo, twice for 上年)."""

    ok: bool
    value: float | int | None = None
    gap: str | None = None
    missing: bool = False


Judge = Callable[[dict[str, Any]], Check]

MISSING = "未填报"  # how every gap of an institution that lacks a figure begins


def unreported(what: str) -> Check:
    return Check(False, None, f"{MISSING}{what}", missing=True)


def share_of(insts: list[dict[str, Any]], judge: Judge, gap_words: Callable[[int], str], *,
           list_failing: bool) -> Outcome:
    """A share of institutions meeting `judge`; the county gap is how many more must pass. One
    that has not reported counts as not passing and waits: the share could rise by it."""
    passed, failing, waiting = 0, [], []
    for inst in insts:
        check = judge(inst)
        if check.ok:
            passed += 1
        elif check.missing:
            waiting.append(Failing(inst["name"], inst["id"], None, check.gap))
        elif list_failing:
            failing.append(Failing(inst["name"], inst["id"], check.value, check.gap))
    total = len(insts)

    def gap_to(bound: Fraction) -> str | None:
        k = add_to_numerator(passed, total, bound, cap=total)
        return gap_words(k) if k else None

    value = Fraction(passed, total) if total else None
    bounds = (value, Fraction(passed + len(waiting), total)) if total else None
    return Outcome(value, passed, total, failing, gap_to, waiting=waiting, bounds=bounds)


def inst_share(facts: Facts, ind_id: str, judge: Judge, phrase: str) -> Outcome:
    insts = facts.in_scope(BY_ID[ind_id].scope)
    return share_of(insts, judge, lambda k: f"还需 {k} 家机构{phrase}", list_failing=True)


def flag_check(value: Any, missing: str, fix: str) -> Check:
    if value is None:
        return unreported(missing.removeprefix(MISSING))
    return Check(True) if value == 1 else Check(False, 0, fix)


def exact_ratio(num: int | None, den: int | None) -> Fraction | None:
    if num is None or not den:
        return None
    return Fraction(num, den)


def county_ratio(facts: Facts, num_key: str, den_key: str, words: Callable[[int], str]) -> Outcome:
    """A county figure over a county population; the gap adds to the numerator only."""
    num, den = facts.county.get(num_key), facts.county.get(den_key)
    value = exact_ratio(num, den)
    if value is None:
        return Outcome(None, num, den)

    def gap_to(bound: Fraction) -> str | None:
        x = add_to_numerator(num, den, bound, cap=den)
        return words(x) if x else None

    return Outcome(value, num, den, gap_to=gap_to)


def summed_ratio(num: int, den: int, words: Callable[[int], str],
                  waiting: list[Failing] | None = None) -> Outcome:
    """A ratio of sums where one more in the numerator is one more in the denominator too. An
    institution left out of the sums could move it either way: while any waits, so does it."""
    def gap_to(bound: Fraction) -> str | None:
        x = add_to_both(num, den, bound)
        return words(x) if x else None

    return Outcome(exact_ratio(num, den), num if den else None, den if den else None, gap_to=gap_to,
                   waiting=waiting or [], bounds=(None, None))


def split_reported(insts: list[dict[str, Any]], needs: Callable[[dict[str, Any]], list[str]]
           ) -> tuple[list[dict[str, Any]], list[Failing]]:
    """(institutions that reported what a sum reads, the others as 未填报 with what they lack)."""
    reported, waiting = [], []
    for inst in insts:
        lacking = needs(inst)
        if lacking:
            waiting.append(Failing(inst["name"], inst["id"], None, MISSING + "、".join(lacking)))
        else:
            reported.append(inst)
    return reported, waiting


def blanks_of(*pairs: tuple[str, str]) -> Callable[[dict[str, Any]], list[str]]:
    """The words for the facts (key, words) an institution has left blank."""
    def needs(inst: dict[str, Any]) -> list[str]:
        return [words for key, words in pairs if inst[key] is None]
    return needs


def below_target(outcome: Outcome, reported: list[dict[str, Any]], target: Target, num: str,
                  den: str, words: Callable[[int], str]) -> None:
    """List the institutions whose own share misses the county's target (B4, C7)."""
    for inst in reported:
        own = exact_ratio(inst[num] or 0, inst[den])
        if own is None or target.holds(own):
            continue  # nothing to judge (0 visits), or it meets the target itself
        bound = target.floor_to_reach(own)
        x = add_to_both(inst[num] or 0, inst[den], bound) if bound is not None else None
        gap = words(x) if x else over_text(target, "share")
        outcome.failing.append(Failing(inst["name"], inst["id"], float(own), gap))
