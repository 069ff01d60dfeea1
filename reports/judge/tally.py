"""The year's standing as one list and one set of counts: every item of the standard (and any
indicator the standard does not score), each with the one word its 达标情况 shows. 总览 lists
these rows and the report prints the same counts, so the two always agree and add up.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from reports.judge.results import PARTLY, SCORED, ZERO, Evaluation, ItemScore, Result
from reports.judge.standard import LOCAL, Standard
from reports.judge.wording import COUNTY_LEVEL, status_text

# The 达标情况 of a scored item with no indicator (G*, H1), in the indicators' words.
ITEM_STATUS = {SCORED: "达标", ZERO: "未达标", PARTLY: "部分达标"}
ORDER = ("达标", "部分达标", "未达标", "待填报", "无数据", "不考核", "不计分", "不适用", COUNTY_LEVEL)


@dataclass(frozen=True)
class Line:
    """One row of the year's standing."""

    id: str  # the item's id, or the indicator's where the standard does not score it
    code: str  # the standard's number (二（二）1); empty for an indicator it does not score
    section: str  # '二 服务网络', or 本县指标 for an indicator the standard does not score
    text: str  # the standard's wording, or the indicator's name
    result: Result | None
    scored: ItemScore | None
    status: str

    @property
    def is_indicator(self) -> bool:
        return self.result is not None


def _status(result: Result | None, scored: ItemScore | None, county_level: bool) -> str:
    if county_level:
        return COUNTY_LEVEL
    if result is not None:
        return status_text(result)
    if scored is not None:
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
            out.append(Line(key, item.code, f"{section.id} {section.title}", item.text, result,
                            scored, _status(result, scored, key in ev.county_level)))
    for r in ev.results:
        if r.id not in shown:
            # In none of the standard's parts; the catalogue's letters (A–D) are the program's,
            # not the reviewers'.
            out.append(Line(r.id, "", LOCAL, r.name, r, None,
                            _status(r, None, r.id in ev.county_level)))
    return out


def counts(rows: list[Line]) -> list[tuple[str, int]]:
    """(status, how many) in a fixed order, only those that occur; they add up to len(rows)."""
    seen = Counter(x.status for x in rows if x.status)
    order = [*ORDER, *sorted(k for k in seen if k not in ORDER)]
    return [(k, seen[k]) for k in order if seen[k]]


def counts_text(rows: list[Line]) -> str:
    """'评分项 56 项：达标 26 项，未达标 19 项，…；其中按指标计算的 39 项：达标 24 项，…', each part
    adding up to its total."""
    indicators = [x for x in rows if x.is_indicator]

    def part(group: list[Line]) -> str:
        return "，".join(f"{k} {n} 项" for k, n in counts(group))

    text = f"评分项 {len(rows)} 项：{part(rows)}"
    if indicators and len(indicators) < len(rows):
        text += f"；其中按指标计算的 {len(indicators)} 项：{part(indicators)}"
    return text
