"""The indicator engine: every indicator of indicators.md, judged against a target profile.

`evaluate(county, year)` reads one year's facts with three set-based queries (institutions with
their year's figures, activity counts per institution, the county's own figures), computes every
indicator that the profile has switched on, judges it, names each institution that falls short
and says what it would take to pass. Rules a bureau would otherwise have to guess:

- Only institutions active in the year count, with their type for that year
  (`institution_year.inst_type` when set, else the institution's type). Tombstones never count.
- A ratio whose denominator is 0 is "no data": value, met and gap are None, never 0% or a pass.
- Each indicator has a population (catalogue `must_report`): the institution types that must
  report for it. 未填报 is decided over exactly those, never over an institution of another type
  (B14 waits for the centres that run family-doctor teams, not for a village clinic).
- A share of institutions counts every institution in scope in its denominator. One that has not
  reported the figure does not pass: the bureau cannot claim it, and it is listed apart from the
  failing ones with what is missing (未填报…). Sums over institutions (B4, B14, C1, C6, C7) add
  only the institutions that reported; one left out could move the sum either way, so the result
  waits for it.
- Activity counts come from the log (an institution with neither figures nor any activity in
  the year has not reported its log: 未填报, not 0): calendar year of the date, tombstones ignored,
  D1–D5 count only activities with TCM content, D3/D4 count distinct titles. An activity entered
  twice (same institution, date, kind and title) counts once until 数据核查 marks it 确为两次
  (reports.judge.duplicates). Activities of a deleted or inactive institution count for no
  indicator, D8/D9 included. D7 weighs the
  activities whose audience is counted (not 宣传栏更换); one whose 参与人数 is blank waits.
- 未填报 is not 未达标, and no blank ever helps: each result knows the range its value could take
  once the missing figures arrive (`Outcome.bounds`). Where the target holds across that range
  it is met, where it fails across it it is not met, and otherwise the result waits: `pending`,
  `met` None, 待填报, scoring nothing. A blank figure never stands in for a pass: a 中医馆 with
  some construction figures and not others waits, whatever 达标情况 says; a figure that is there
  and short fails whatever the blanks hold.
- A year for which the file holds no institution figures at all (or no activities at all) has no
  data for the indicators that read them, rather than 0% with every institution "未填报": that is
  what last year's column should say for a county that starts using the program this year.
"""

from __future__ import annotations

from dataclasses import replace
import datetime as _dt
from fractions import Fraction
from typing import TYPE_CHECKING

from reports.judge import profiles
from reports.judge.catalogue import BY_ID, CATALOGUE, Indicator
from reports.judge import scoring, standard
from reports.judge.facts import Facts, load_documents, load_facts, task_progress
from reports.judge.gaps import over_text
from reports.judge.measures import COMPUTE
from reports.judge.outcome import MISSING, Outcome
from reports.judge.profiles import Profile, Setting, Target
from reports.judge.progress import Progress, progress as year_progress
from reports.judge.results import Evaluation, Failing, Result, Unreported
from reports.judge.wording import marks_of, number, percent

if TYPE_CHECKING:
    from db.county import CountyFile

__all__ = ["MISSING", "compute", "evaluate"]  # MISSING lives in outcome.py; read from here too


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


def _verdict(target: Target, outcome: Outcome) -> bool | None:
    """Met, not met, or None (待填报) when what has not been reported could still decide it."""
    assert outcome.value is not None
    if not outcome.waiting:
        return target.holds(outcome.value)
    low, high = outcome.bounds if outcome.bounds is not None else (outcome.value, outcome.value)
    return target.decided(low, high)


def _judge(ind: Indicator, setting: Setting, outcome: Outcome, profile: Profile,
           previous: float | int | None, facts: Facts | None = None) -> Result:
    target = setting.target
    met: bool | None = None
    gap: str | None = None
    waiting = outcome.waiting
    pending = False
    if target is not None and outcome.value is None:
        pending = bool(waiting)
    elif target is not None and outcome.value is not None:
        met = _verdict(target, outcome)
        pending = met is None
    if pending:
        gap = f"待 {len(waiting)} 家机构填报"
    elif met is False:
        gap = profile.relabel(_county_gap(ind, target, outcome))  # type: ignore[arg-type]
        if gap and waiting and ind.is_inst and outcome.denominator:
            # A share of institutions: those counted as not passing include the ones not yet
            # reported, said, so that 还需 36 家 beside 未达标 35 家 adds up.
            gap += f"；另有 {len(waiting)} 家未填报"

    def relabelled(items: list[Failing]) -> tuple[Failing, ...]:
        return tuple(Failing(f.institution, f.institution_id, f.value,
                             profile.relabel(f.gap) if f.gap else f.gap) for f in items)

    waiting_ids = {f.institution_id for f in waiting}
    failing = relabelled([f for f in outcome.failing if f.institution_id not in waiting_ids])
    return Result(ind.id, profile.relabel(ind.name), ind.section, ind.kind, ind.is_inst,
                  _shown_value(ind, outcome.value), outcome.numerator, outcome.denominator,
                  target, met, gap, failing, previous, not_reported=relabelled(waiting),
                  pending=pending, note=profile.relabel(outcome.note) if outcome.note else None)


def _compute(ind: Indicator, facts: Facts, setting: Setting) -> Outcome:
    if not facts.has_data(ind.reads):
        return Outcome(None)
    return COMPUTE[ind.id](facts, setting)


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


def with_last_year(county: CountyFile, evaluation: Evaluation,
                   std: standard.Standard | None = None) -> Evaluation:
    """`evaluation` (made with last_year=False) with each indicator's value in the year before,
    under the same profile: what `evaluate` gives with last_year=True."""
    std = std or standard.for_county(county)
    profile = profiles.get_profile(county, evaluation.profile_id, std)
    previous = _values(load_facts(county, evaluation.year - 1), profile)
    return replace(evaluation, results=tuple(replace(r, previous_value=previous.get(r.id))
                                             for r in evaluation.results))


def evaluate(county: CountyFile, year: int, profile_id: str | None = None, *,
             today: _dt.date | None = None, std: standard.Standard | None = None,
             state: Progress | None = None, facts: Facts | None = None,
             last_year: bool = True) -> Evaluation:
    """Judge every switched-on indicator of `year` against a profile (default: the file's own).

    `today` decides which tasks are overdue; tests pass a fixed date. `std` judges with another
    standard than the file's own (a city rolling up counties judges them all alike): its targets
    and conditions under the county's layer, and its points. `state` is the year's 填报进度 when
    the caller has it already (the report does); `facts`, the year's facts likewise.
    `last_year` False: no value of the year before beside each result (`previous_value` None),
    to be added by `with_last_year` once the rest is shown (the window's 总览).
    """
    std = std or standard.for_county(county)
    profile = (profiles.get_profile(county, profile_id, std) if profile_id
               else profiles.active_profile(county, std))
    facts = facts if facts is not None else load_facts(county, year)
    previous = _values(load_facts(county, year - 1), profile) if last_year else {}
    town = county.setting("township_scope") or None
    results = []
    for ind in CATALOGUE:
        setting = profile.setting(ind.id)
        if not setting.on:
            continue
        outcome = _compute(ind, facts, setting)
        result = _judge(ind, setting, outcome, profile, previous.get(ind.id), facts)
        if not town and _none_of_kind(ind, result, facts):
            result = replace(result, no_institution=True)
        results.append(result)
    county_level = scoring.county_level(std, (r.id for r in results)) if town else frozenset()
    # 未填报 as 填报进度 and the report's --final count it: any part asked and missing, or a
    # figure an indicator waits for.
    state = (state or year_progress(county, year)).waiting_on(
        waiting_figures(results, county_level))
    towns = {i["id"]: i["township"] for i in facts.institutions}
    unreported = tuple(Unreported(i.name, i.id, towns.get(i.id), i.missing_text,
                                  tuple(i.missing))
                       for i in state.unreported)
    score = scoring.score(std, profile, {r.id: r for r in results}, facts, load_documents(county))
    results = [replace(r, statistic=scoring.is_statistic(std, r.id),
                       marks=marks_of(r.target, scoring.steps(std, r))) for r in results]
    return Evaluation(county.county_name, year, profile.id, profile.name, tuple(results),
                      task_progress(county, today or _dt.date.today()), score=score,
                      unreported=unreported, township_scope=town, county_level=county_level,
                      data_years=tuple(county.years()), progress=state)


def _none_of_kind(ind: Indicator, r: Result, facts: Facts) -> bool:
    """无数据 with a denominator of 0 because the county has no institution of the kinds the
    indicator counts in the year (a township's file is left out: another township may have
    them)."""
    return (r.is_inst and r.value is None and not r.denominator and not r.not_reported
            and bool(ind.scope) and not facts.in_scope(ind.scope))


def waiting_figures(results: list[Result] | tuple[Result, ...], county_level: frozenset[str]
                    ) -> dict[str, list[str]]:
    """Institution id → what the year's indicators wait for it to fill in ("中医馆建设情况（面积、
    诊室数）"), each said once, in the catalogue's order (a township's file leaves out what the
    county judges after merging)."""
    out: dict[str, list[str]] = {}
    for r in results:
        if r.id in county_level:
            continue
        for f in r.not_reported:
            words = (f.gap or "").removeprefix(MISSING).strip() or "本年度数据"
            said = out.setdefault(f.institution_id, [])
            if words not in said:
                said.append(words)
    return out
