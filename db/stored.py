"""Values a county file keeps as JSON text (its own 评分标准, target profiles, 模拟评审 rules):
read within bounds, and checked by the same parser that reads them later.

Such a value comes in a file from another PC like everything else in it, so it is read as hostile:
at most MAX_CHARS characters and MAX_DEPTH levels of nesting (Python's decoder would otherwise
recurse until RecursionError, which is not a ValueError), no NaN or Infinity, no number too large
for a float (1e999). `loads` raises StoredValueError, a ValueError with the reason in Chinese.

Which records hold such a value, and the parser for each, are named by the layer that reads them
(reports.judge registers its parsers here on import), so that a merge can refuse a value the
program could not read afterwards without db importing reports. Without a registered parser a
merge still applies the bounds above.
"""

from __future__ import annotations

from collections.abc import Callable
import json
import math
import re
from typing import Any

from .errors import KnownError

MAX_CHARS = 2_000_000  # a province's 评分表 of 300 items is about 150,000
MAX_DEPTH = 32  # the deepest value the program writes is 6 levels (standard → item → judge …)

_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


class StoredValueError(ValueError):
    """A stored value that cannot be read; `str()` says why in Chinese."""


def _no_constant(word: str) -> Any:
    raise StoredValueError(f"含有非数字的值 {word}")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise StoredValueError(f"数字 {text[:20]} 超出范围")
    return value


def depth(text: str) -> int:
    """How deep the brackets of `text` nest (outside strings), counted only up to MAX_DEPTH + 1."""
    level = deepest = 0
    for m in _TOKENS.finditer(text):
        token = m.group(0)
        if token in "[{":
            level += 1
            if level > deepest:
                deepest = level
                if deepest > MAX_DEPTH:
                    break
        elif token in "]}":
            level -= 1
    return deepest


def loads(text: Any, *, max_chars: int = MAX_CHARS) -> Any:
    """The JSON value of `text`; StoredValueError if it is not text, too long, nested too deep,
    not JSON, or holds a number that is not finite."""
    if not isinstance(text, str):
        raise StoredValueError("不是文字")
    if len(text) > max_chars:
        raise StoredValueError(f"长度超过 {max_chars:,} 个字符")
    if depth(text) > MAX_DEPTH:
        raise StoredValueError(f"嵌套超过 {MAX_DEPTH} 层")
    try:
        return json.loads(text, parse_constant=_no_constant, parse_float=_finite)
    except StoredValueError:
        raise
    except (ValueError, RecursionError):
        # (RecursionError: nesting the count above cannot see never gets here; kept for safety.)
        raise StoredValueError("不是有效的 JSON") from None


# ---- which records hold JSON, and who reads them --------------------------------------------

# (table, field, setting id or None) → a parser of the text that raises a KnownError (a
# ValidationError) or a ValueError with a Chinese reason when the program could not use it.
Reader = Callable[[str], Any]
JSON_FIELDS: dict[tuple[str, str, str | None], str] = {
    ("setting", "value", "standard"): "评分标准",
    ("profile", "body", None): "目标方案",
    ("review", "rule", None): "模拟评审的抽样规则",
}
_READERS: dict[tuple[str, str, str | None], Reader] = {}


def register(table: str, field: str, setting: str | None, reader: Reader) -> None:
    """The parser that reads this stored value (reports.judge registers its own)."""
    _READERS[(table, field, setting)] = reader


def problem(table: str, rec: dict[str, Any]) -> tuple[str, str] | None:
    """(what the value is, why it cannot be read) for a record whose stored JSON the program
    could not use, or None. A tombstone, or an empty value, carries none."""
    if rec.get("deleted"):
        return None
    for (t, field, setting), what in JSON_FIELDS.items():
        if t != table or (setting is not None and rec.get("id") != setting):
            continue
        text = rec.get(field)
        if text is None or text == "":
            continue
        try:
            reader = _READERS.get((t, field, setting))
            if reader is None:
                loads(text)
            else:
                reader(text)
        except UNREADABLE as exc:
            return what, reason(exc)
    return None


# What a parser may raise on a value it cannot use: its own Chinese refusals (KnownError, a
# StoredValueError), and what a value of an unexpected shape makes Python raise.
UNREADABLE = (KnownError, ValueError, TypeError, KeyError, IndexError, AttributeError,
              OverflowError, RecursionError)


def reason(exc: BaseException) -> str:
    """Why a stored value could not be read, in Chinese: the parser's own words where it gave
    some, else 格式不对 (a value of a shape no parser expects)."""
    text = str(exc).rstrip("。")
    said = isinstance(exc, (KnownError, ValueError))
    if said and any("\u4e00" <= ch <= "\u9fff" for ch in text):
        return text
    return "格式不对"
