"""What it takes to pass: the smallest whole-number change that meets a target, and its wording.

All arithmetic is exact (fractions), so "还需 1 名" really passes and one fewer really does not.
"""

from __future__ import annotations

from fractions import Fraction
import math

from reports.judge.profiles import Target, exact
from reports.judge.wording import number, percent


def add_to_numerator(num: int, den: int, bound: Fraction, *, scale: int = 1,
                     cap: int | None = None) -> int | None:
    """Smallest x >= 0 with (num + x) * scale / den >= bound, e.g. elderly people still to manage.

    None when den is 0 (nothing to judge) or when it would take more than `cap - num`
    (you cannot manage more elderly people than live in the county).
    """
    if den <= 0:
        return None
    x = max(math.ceil(bound * den / scale - num), 0)
    if cap is not None and num + x > cap:
        return None
    return x


def add_to_both(num: int, den: int, bound: Fraction) -> int | None:
    """Smallest x >= 0 with (num + x) / (den + x) >= bound.

    Adding one TCM-category physician adds one physician too, and one more TCM visit is one more
    visit, so the share rises more slowly than num / den suggests. None when no number of
    additions can reach the bound (a bound above 100%, or 100% while others are counted).
    """
    if bound > 1:
        return None
    if bound == 1:
        if den == 0:
            return 1
        return 0 if num >= den else None
    x = max(math.ceil((bound * den - num) / (1 - bound)), 0)
    if den + x == 0:
        x = 1  # 0/0 is no data, not a pass: at least one is needed
    return x


def techniques_needed(cats: int, items: int, min_cats: int, min_items: int) -> tuple[int, int]:
    """(categories, items) still to add; every new category brings at least one new item."""
    more_cats = max(min_cats - cats, 0)
    more_items = max(min_items - items, more_cats, 0)
    return more_cats, more_items


def techniques_text(more_cats: int, more_items: int) -> str:
    if more_cats and more_items:
        return f"还需 {more_cats} 类 {more_items} 项适宜技术"
    if more_cats:
        return f"还需 {more_cats} 类适宜技术"
    return f"还需 {more_items} 项适宜技术"


def over_text(target: Target, kind: str) -> str:
    """Wording for a value above its upper bound (targets `<=`, `==`, `between`)."""
    high = target.high if target.op == "between" else target.value
    shown = percent(high) if kind == "share" else number(high)
    return f"需降至 {shown} 以内" if target.op != "==" else f"需等于 {shown}"


def percent_points(value: Fraction | float, bound: Fraction) -> str:
    """'2.5 个百分点' for the distance from a share to its bound, rounded up to 0.1."""
    diff = (bound - exact(value)) * 100
    tenths = math.ceil(diff * 10)
    return f"{number(Fraction(tenths, 10))} 个百分点"
