"""The year's standing as one list and one set of counts: every item of the standard (and any
indicator the standard does not score), each with the one word its 达标情况 shows. 总览 lists
these rows and the report prints the same counts, so the two always agree and add up.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from reports.judge.catalogue import SECTIONS
from reports.judge.results import PARTLY, SCORED, UNSCORED, ZERO, Evaluation, ItemScore, Result
from reports.judge.standard import LOCAL, Section, Standard
from reports.judge.wording import COUNTY_LEVEL, STATISTIC, status_text

# The 达标情况 of a scored item with no indicator (G*, H1), in the indicators' words.
ITEM_STATUS = {SCORED: "达标", ZERO: "未达标", PARTLY: "部分达标"}
ORDER = ("达标", "部分达标", "未达标", "待填报", "无数据", "不考核", "不适用", COUNTY_LEVEL)


def section_name(section: Section) -> str:
    """A part of the standard as the standard writes it: '一、组织管理与政策保障' (总览's 板块, the
    report, the binder's folders: one style)."""
    return f"{section.id}、{section.title}"


@dataclass(frozen=True)
class Line:
    """One row of the year's standing."""

    id: str  # the item's id, or the indicator's where the standard does not score it
    code: str  # the standard's number (二（二）1); empty for an indicator it does not score
    section: str  # '二、服务网络', or the catalogue's area for an unscored indicator
    text: str  # the standard's wording, or the indicator's name
    result: Result | None
    scored: ItemScore | None
    status: str

    @property
    def is_indicator(self) -> bool:
        return self.result is not None

    @property
    def is_statistic(self) -> bool:
        """Worth 0 points in the file's standard (只统计，不计分): shown, never counted among the
        评分项 nor judged 达标 or 未达标."""
        return self.status == STATISTIC


def _status(result: Result | None, scored: ItemScore | None, county_level: bool) -> str:
    if county_level:
        return COUNTY_LEVEL
    if result is not None:
        return status_text(result)
    if scored is not None:
        if scored.state == UNSCORED and scored.max == 0:
            return STATISTIC
        return ITEM_STATUS.get(scored.state, scored.state)
    return ""


def lines(ev: Evaluation, std: Standard) -> list[Line]:
    """Every item of the standard in its order (an indicator the profile switched off is left
    out), then the indicators the standard does not score (a province's sheet may leave some
    out)."""
    out: list[Line] = []
    shown: set[str] = set()
    for section in std.sections:
        for item in section.items:
            result = ev.result(item.indicator) if item.indicator else None
            if item.indicator and result is None:
                continue  # switched off by the county's profile
            if item.indicator:
                shown.add(item.indicator)
            scored = ev.score.item(item.id) if ev.score else None
            key = result.id if result else item.id
            out.append(Line(key, item.code, section_name(section), item.text, result,
                            scored, _status(result, scored, key in ev.county_level)))
    for r in ev.results:
        if r.id not in shown:
            # In none of the standard's parts: the catalogue's area in words (its letters,
            # A–D, are the program's, not the reviewers').
            out.append(Line(r.id, "", f"{SECTIONS[r.section]}（{LOCAL}）", r.name, r, None,
                            _status(r, None, r.id in ev.county_level)))
    return out


def counts(rows: list[Line]) -> list[tuple[str, int]]:
    """(status, how many) in a fixed order, only those that occur; they add up to len(rows)
    (statistics, 不计分, are said apart: pass only the scored rows)."""
    seen = Counter(x.status for x in rows if x.status)
    order = [*ORDER, *sorted(k for k in seen if k not in ORDER)]
    return [(k, seen[k]) for k in order if seen[k]]


def counts_text(rows: list[Line]) -> str:
    """'评分项 49 项：达标 26 项，未达标 12 项，…；其中按指标计算的 32 项：达标 24 项，…；另有统计项
    8 项（不计分）', each part adding up to its total. An item the standard gives 0 points is a
    statistic: never among the 评分项 nor their 未达标."""
    scored = [x for x in rows if not x.is_statistic]
    indicators = [x for x in scored if x.is_indicator]
    statistics = len(rows) - len(scored)

    def part(group: list[Line]) -> str:
        return "，".join(f"{k} {n} 项" for k, n in counts(group))

    text = f"评分项 {len(scored)} 项：{part(scored)}"
    if indicators and len(indicators) < len(scored):
        text += f"；其中按指标计算的 {len(indicators)} 项：{part(indicators)}"
    if statistics:
        text += f"；另有统计项 {statistics} 项（{STATISTIC}）"
    return text
