"""Targets and per-institution conditions (达标条件) as data: what they may be for each indicator,
how they are checked, and how they read and are typed in Chinese (目标设置, the 评分表 workbook).

The standard, a province's 评分表 and a county's profile all hold them in the same shape, so one
module checks them for all three: a value outside an indicator's range, a condition the indicator
has no use for, or words that are not a condition are refused with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
import functools
import math
import re
from typing import Any

from db.vocab import HALL_STATES, HOSPITAL_GRADES

from reports.judge.catalogue import ACTIVITY_MINIMUMS, BY_ID, Indicator

OPS = (">=", "<=", "==", "between")
SIGNS = {">=": "≥", "<=": "≤", "==": "="}


class TargetError(ValueError):
    """A target or condition that cannot be: the Chinese sentence says why."""


def exact(number: float | int | Fraction) -> Fraction:
    """A target or share as an exact fraction, so 0.3 means 3/10 and judging has no float fuzz."""
    if isinstance(number, Fraction):
        return number
    if isinstance(number, int):
        return Fraction(number)
    return _exact_float(float(number))


@functools.lru_cache(maxsize=4096)
def _exact_float(number: float) -> Fraction:
    # A target is compared with every institution's figure: its fraction is read from its
    # shortest decimal form once, not for each of them (Fractions cannot change).
    return Fraction(repr(number))


@dataclass(frozen=True)
class Target:
    """What an indicator's value must satisfy: `>=`, `<=`, `==` a value, or `between` low and high."""

    op: str
    value: float | None = None
    low: float | None = None
    high: float | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Target:
        if data["op"] == "between":
            return cls("between", low=data["low"], high=data["high"])
        return cls(data["op"], value=data["value"])

    def to_dict(self) -> dict[str, Any]:
        if self.op == "between":
            return {"op": "between", "low": self.low, "high": self.high}
        return {"op": self.op, "value": self.value}

    def holds(self, value: Fraction | float | int) -> bool:
        x = exact(value)
        if self.op == "between":
            return exact(self.low) <= x <= exact(self.high)  # type: ignore[arg-type]
        t = exact(self.value)  # type: ignore[arg-type]
        return {">=": x >= t, "<=": x <= t, "==": x == t}[self.op]

    def decided(self, low: Fraction | None, high: Fraction | None) -> bool | None:
        """The verdict for a value known only to lie between `low` and `high` (None: no bound
        on that side), or None when values in that range differ: then the result waits for the
        figures that would settle it."""
        if low is not None and high is not None and low == high:
            return self.holds(low)
        if self.op == ">=":
            if low is not None and self.holds(low):
                return True
            return False if high is not None and not self.holds(high) else None
        if self.op == "<=":
            if high is not None and self.holds(high):
                return True
            return False if low is not None and not self.holds(low) else None
        lo = exact(self.low if self.op == "between" else self.value)  # type: ignore[arg-type]
        hi = exact(self.high if self.op == "between" else self.value)  # type: ignore[arg-type]
        if (high is not None and high < lo) or (low is not None and low > hi):
            return False
        if low is not None and high is not None and lo <= low and high <= hi:
            return True
        return None

    def floor_to_reach(self, value: Fraction | float | int) -> Fraction | None:
        """The bound a failing value must rise to, or None when it fails by being too high."""
        x = exact(value)
        bound = exact(self.low if self.op == "between" else self.value)  # type: ignore[arg-type]
        if self.op in (">=", "between", "==") and x < bound:
            return bound
        return None


# ---- checking -------------------------------------------------------------------------------------

def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def _shown(x: float, kind: str) -> str:
    return f"{x * 100:g}%" if kind == "share" else f"{x:g}"


def _named(ind: Indicator) -> str:
    # By its name: the window shows these (目标设置), where no id of the program is shown.
    return f"指标“{ind.name}”"


def _check_bound(ind: Indicator, x: Any, what: str) -> None:
    if not _is_number(x):
        raise TargetError(f"{_named(ind)}的{what}应为数字，收到“{x}”。")
    if x < 0:
        raise TargetError(f"{_named(ind)}的{what}不能为负数（{x:g}）。")
    if ind.max_value is not None and x > ind.max_value:
        raise TargetError(f"{_named(ind)}的{what}不能超过 {_shown(ind.max_value, ind.kind)}，"
                          f"收到 {_shown(x, ind.kind)}。")
    if ind.max_value is None and x > 1_000_000:
        raise TargetError(f"{_named(ind)}的{what}（{x:g}）过大。")


def check_target(ind: Indicator, target: Any) -> None:
    """Raise TargetError unless `target` is None or a target `ind` can have."""
    if target is None:
        return
    if not isinstance(target, dict) or target.get("op") not in OPS:
        op = target.get("op") if isinstance(target, dict) else target
        raise TargetError(f"{_named(ind)}的比较方式“{op}”无效，应为 >=、<=、== 或 between。")
    if target["op"] == "between":
        if set(target) != {"op", "low", "high"}:
            raise TargetError(f"{_named(ind)}的区间目标须给出 low 和 high。")
        _check_bound(ind, target["low"], "目标下限")
        _check_bound(ind, target["high"], "目标上限")
        if target["low"] > target["high"]:
            raise TargetError(f"{_named(ind)}的目标下限不能高于上限。")
    else:
        if set(target) != {"op", "value"}:
            raise TargetError(f"{_named(ind)}的目标须给出 value。")
        _check_bound(ind, target["value"], "目标值")


# Counts a condition may hold, with the words a message uses for them.
_COUNTS = {"categories": "适宜技术类数", "items": "适宜技术项数", "count": "最少次数",
           "area": "中医馆面积", "consult_rooms": "诊室数", "treat_rooms": "治疗室数",
           "treat_area": "治疗室面积", "service_kinds": "中医药服务类别数"}
MAX_COUNT = 100_000  # no condition asks for more (a 中医馆 of 100,000 m² is a typing slip)


def _check_count(ind: Indicator, x: Any, what: str) -> None:
    if isinstance(x, bool) or not isinstance(x, int) or not 0 <= x <= MAX_COUNT:
        raise TargetError(f"{_named(ind)}的{what}应为 0–{MAX_COUNT:,} 之间的整数，收到“{x}”。")


def check_threshold(ind: Indicator, threshold: Any) -> None:
    """Raise TargetError unless `threshold` holds only conditions `ind` uses, each sensible."""
    if not isinstance(threshold, dict):
        raise TargetError(f"{_named(ind)}的机构达标条件格式不对。")
    unknown = set(threshold) - set(ind.thresholds)
    if unknown:
        raise TargetError(f"{_named(ind)}没有名为“{'、'.join(sorted(unknown))}”的达标条件。")
    if "hall_states" in threshold:
        states = threshold["hall_states"]
        valid = set(HALL_STATES) - {"none"}
        if not isinstance(states, list) or not states or not set(states) <= valid:
            raise TargetError(f"{_named(ind)}的达标状态应从 已建未达标、达标、提档升级 中选择。")
    for key, what, low in (("share", "机构占比要求", 0), ("tcm_share", "中医类别医师占比要求", -1)):
        if key in threshold:
            share = threshold[key]
            if not _is_number(share) or not low < share <= 1:
                raise TargetError(f"{_named(ind)}的{what}应在 0–100% 之间，收到“{share}”。")
    if "min_grade" in threshold and threshold["min_grade"] not in HOSPITAL_GRADES:
        raise TargetError(f"{_named(ind)}的医院等级应从{'、'.join(HOSPITAL_GRADES.values())}中选择。")
    if "decoction_room" in threshold and not isinstance(threshold["decoction_room"], bool):
        raise TargetError(f"{_named(ind)}的“含煎药室”应为 true 或 false。")
    for key, what in _COUNTS.items():
        if key in threshold:
            _check_count(ind, threshold[key], what)
    # Compared only when both are given: a partial change is checked again once merged.
    cats, items = threshold.get("categories"), threshold.get("items")
    if cats is not None and items is not None and cats > items:
        raise TargetError(f"{_named(ind)}的适宜技术类数（{cats}）不能多于项数（{items}）。")


# ---- in words -------------------------------------------------------------------------------------

_STATE_WORDS = {"built": "已建", "standard": "达标", "upgraded": "提档升级"}
_WORD_STATES = {"已建": "built", "已建未达标": "built", "达标": "standard", "标准化": "standard",
                "提档升级": "upgraded"}
# The 中医馆 construction figures: key, label, unit (as 目标设置 and the 评分表 write them).
_FIGURES = (("area", "面积", "㎡"), ("consult_rooms", "诊室", "间"), ("treat_rooms", "治疗室", "间"),
            ("treat_area", "治疗室面积", "㎡"), ("service_kinds", "服务", "类"))


def _pct(x: float) -> str:
    return f"{round(x * 100, 4):g}%"


def threshold_text(threshold: dict[str, Any], ind_id: str | None = None) -> str:
    """A condition as 目标设置 shows it and the 评分表 writes it, parts joined by “；”:
    6类10项 · 10项 · 每家≥25% · 每家≥4次 · 达标、提档升级；面积≥300㎡；… · 二级甲等及以上 · 含煎药室."""
    parts = []
    if "hall_states" in threshold:
        parts.append("、".join(_STATE_WORDS[s] for s in threshold["hall_states"]))
    for key, label, unit in _FIGURES[:4]:
        if threshold.get(key):
            parts.append(f"{label}≥{threshold[key]}{unit}")
    if threshold.get("tcm_share"):
        parts.append(f"中医类别医师≥{_pct(threshold['tcm_share'])}")
    if threshold.get("service_kinds"):
        parts.append(f"服务≥{threshold['service_kinds']}类")
    if "items" in threshold or "categories" in threshold:
        cats, items = threshold.get("categories", 0), threshold.get("items", 0)
        parts.append(f"{cats}类{items}项" if cats else f"{items}项")
    if "share" in threshold:
        parts.append(f"每家≥{_pct(threshold['share'])}")
    if "count" in threshold:
        unit = ACTIVITY_MINIMUMS[ind_id][2] if ind_id in ACTIVITY_MINIMUMS else "次"
        parts.append(f"每家≥{threshold['count']}{unit}")
    if "min_grade" in threshold:
        parts.append(f"{HOSPITAL_GRADES[threshold['min_grade']]}及以上")
    if "decoction_room" in threshold:
        parts.append("含煎药室" if threshold["decoction_room"] else "不含煎药室")
    return "；".join(parts)


_NUM = r"(\d+(?:\.\d+)?)"
_GE = r"(?:≥|>=|＞=|不少于|不低于)?\s*"
_PARTS = [
    ("techniques", re.compile(r"^(?:(\d+)\s*类\s*)?(\d+)\s*项(?:以上)?$")),
    ("treat_area", re.compile(rf"^治疗室面积\s*{_GE}{_NUM}\s*(?:㎡|平方米|m2)?$")),
    ("area", re.compile(rf"^(?:中医馆)?面积\s*{_GE}{_NUM}\s*(?:㎡|平方米|m2)?$")),
    ("consult_rooms", re.compile(rf"^(?:中医)?诊室\s*{_GE}{_NUM}\s*间?$")),
    ("treat_rooms", re.compile(rf"^(?:中医)?治疗室\s*{_GE}{_NUM}\s*间?$")),
    ("tcm_share", re.compile(rf"^中医类别医师(?:占比)?\s*{_GE}{_NUM}\s*%$")),
    ("service_kinds", re.compile(rf"^(?:中医药)?服务\s*{_GE}{_NUM}\s*类$")),
    ("share", re.compile(rf"^(?:每家)?\s*(?:占比)?\s*{_GE}{_NUM}\s*(%?)$")),
    ("count", re.compile(rf"^(?:每家)?\s*{_GE}{_NUM}\s*(?:次|种)?$")),
]


def parse_threshold(text: str, ind_id: str) -> dict[str, Any]:
    """A condition as typed (目标设置) or read from a 评分表 cell; TargetError says why not.
    Bare numbers are taken for the indicator's one numeric condition (25% → 每家≥25%)."""
    ind = BY_ID[ind_id]
    if not ind.thresholds:
        raise TargetError(f"{_named(ind)}没有机构达标条件。")
    out: dict[str, Any] = {}
    plain = str(text).replace("％", "%").replace("：", ":").strip()
    for part in (p.strip() for p in re.split(r"[；;\n]", plain)):
        if not part:
            continue
        found = _parse_part(part.removeprefix("状态:").strip(), ind)
        if found is None:
            raise TargetError(f"无法识别达标条件“{part}”；{_named(ind)}可写：{_example(ind)}。")
        unknown = set(found) - set(ind.thresholds)
        if unknown:
            raise TargetError(f"{_named(ind)}没有“{part}”这样的达标条件；可写：{_example(ind)}。")
        out.update(found)
    if not out:
        raise TargetError(f"达标条件不能为空；{_named(ind)}可写：{_example(ind)}。")
    check_threshold(ind, out)
    return out


def _parse_part(part: str, ind: Indicator) -> dict[str, Any] | None:
    squeezed = "".join(part.split())
    if squeezed in ("含煎药室", "不含煎药室"):
        return {"decoction_room": squeezed == "含煎药室"}
    words = [w for w in re.split(r"[、,，/]", squeezed) if w]
    if words and all(w in _WORD_STATES for w in words):
        return {"hall_states": list(dict.fromkeys(_WORD_STATES[w] for w in words))}
    grade = squeezed.removesuffix("及以上")
    for key, word in HOSPITAL_GRADES.items():
        if grade == word:
            return {"min_grade": key}
    for key, pattern in _PARTS:
        m = pattern.match(squeezed)
        if m is None:
            continue
        if key == "techniques":
            return {"categories": int(m.group(1) or 0), "items": int(m.group(2))}
        if key == "share" and "share" not in ind.thresholds:
            continue
        if key == "count" and "count" not in ind.thresholds:
            continue
        number = float(m.group(1))
        if key in ("share", "tcm_share"):
            share = number / 100 if key == "tcm_share" or m.group(2) or number > 1 else number
            return {key: round(share, 6)}
        if not number.is_integer():
            return None
        return {key: int(number)}
    return None


def _example(ind: Indicator) -> str:
    examples = {"hall_states": "达标、提档升级", "area": "面积≥300㎡", "consult_rooms": "诊室≥3间",
                "treat_rooms": "治疗室≥2间", "treat_area": "治疗室面积≥40㎡",
                "tcm_share": "中医类别医师≥25%", "service_kinds": "服务≥6类",
                "categories": "6类10项（或 10项）", "items": "", "share": "每家≥25%",
                "count": "每家≥4", "min_grade": "二级甲等及以上", "decoction_room": "含煎药室"}
    return "；".join(e for e in (examples[k] for k in ind.thresholds) if e)


# ---- targets typed in a cell ------------------------------------------------------------------------

_TARGET = re.compile(rf"^(≥|>=|≤|<=|=|==|不少于|不低于|不多于|不高于|不超过|达到)?\s*{_NUM}\s*(%?)"
                     r"\s*(以上|以下)?$")
_BETWEEN = re.compile(rf"^{_NUM}\s*(%?)\s*(?:–|—|-|~|～|至|到)\s*{_NUM}\s*(%?)$")
_OP_WORDS = {"≥": ">=", ">=": ">=", "不少于": ">=", "不低于": ">=", "达到": ">=", "≤": "<=",
             "<=": "<=", "不多于": "<=", "不高于": "<=", "不超过": "<=", "=": "==", "==": "=="}


def _amount(number: str, percent: str, kind: str) -> float | int:
    value = float(number)
    if kind == "share" and (percent or value > 1):
        value /= 100
    elif value.is_integer():
        return int(value)  # a count or rate as it was written: ≥3, not ≥3.0
    return round(value, 6)


def parse_target(text: str, ind_id: str) -> dict[str, Any]:
    """A target as a 评分表 cell writes it: ≥75% · 75% · ≥0.6 · ≥3 · 60%–80% (shares may be
    written 75, 75% or 0.75). TargetError says why not."""
    ind = BY_ID[ind_id]
    plain = "".join(str(text).replace("％", "%").replace("＝", "=").replace("＞", ">")
                    .replace("＜", "<").split())
    m = _BETWEEN.match(plain)
    if m:
        target = {"op": "between", "low": _amount(m.group(1), m.group(2), ind.kind),
                  "high": _amount(m.group(3), m.group(4), ind.kind)}
    else:
        m = _TARGET.match(plain)
        if m is None:
            raise TargetError(f"目标值“{text}”无法识别，应写成“≥75%”“≥3”或“60%–80%”的样子。")
        op = _OP_WORDS.get(m.group(1) or "", "<=" if m.group(4) == "以下" else ">=")
        target = {"op": op, "value": _amount(m.group(2), m.group(3), ind.kind)}
    check_target(ind, target)
    return target


def target_text(kind: str, target: dict[str, Any] | None) -> str | None:
    """A target as a 评分表 cell holds it (parse_target reads it back unchanged)."""
    if target is None:
        return None
    shown = (lambda x: _pct(x) if kind == "share" else f"{x:g}")
    if target["op"] == "between":
        return f"{shown(target['low'])}–{shown(target['high'])}"
    return f"{SIGNS[target['op']]}{shown(target['value'])}"
