"""The rule every name, title and note obeys, whoever writes it (the window, an Excel import, a
task list, a merge): no control character, no invisible format character, and how such text is
shown on a terminal or in a message. The limits per field live with the fields (db.fields)."""

from __future__ import annotations

from typing import Any
import unicodedata

# Control characters (ESC, BEL, NUL …) would reach a terminal or a workbook raw,
# and invisible format characters (zero-width space, BOM, word joiner, direction marks and
# overrides) make two names that look the same differ, or show one reversed. Writers remove
# them (clean_text); the check refuses what is left (text_problem), so a record a merge brings
# that still holds them is refused, naming the field.

_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def _hidden(ch: str, lines: bool) -> str | None:
    """What a character not printable on its own is: "control", "format", or None (fine)."""
    if lines and ch in "\t\n":
        return None
    category = unicodedata.category(ch)
    if category in ("Cc", "Zl", "Zp"):
        return "control"
    if category in ("Cf", "Cs"):
        return "format"
    return None  # a space such as U+3000, or a private-use or unassigned character


def clean_text(text: str, *, lines: bool = False) -> str:
    """`text` without control and invisible format characters: a tab or line break becomes a
    space (kept, as a line break, in a note), everything else of them is removed."""
    if text.isprintable():  # nearly every value: nothing to look at character by character
        return text
    if lines:
        text = text.replace("\r\n", "\n")
    out = []
    for ch in text:
        kind = _hidden(ch, lines)
        if kind is None:
            out.append(ch)
        elif kind == "control" and (ch == "\t" or ch in _BREAKS):
            out.append("\n" if lines and ch in _BREAKS else " ")
    return "".join(out)


def text_problem(text: str, limit: int, *, lines: bool = False) -> str | None:
    """Why `text` cannot be stored in a field of `limit` characters, or None."""
    if len(text) > limit:
        return f"超过 {limit:,} 个字（收到 {len(text):,} 个）"
    if text.isprintable():
        return None
    for n, ch in enumerate(text, start=1):
        kind = _hidden(ch, lines)
        if kind == "control":
            return f"第 {n} 个字符是控制字符（U+{ord(ch):04X}），不能保存"
        if kind == "format":
            return f"第 {n} 个字符是看不见的格式字符（U+{ord(ch):04X}），不能保存"
    return None


def shown(value: Any, limit: int = 40) -> str:
    """Text from a file as a message or a terminal shows it: one line, no control or format
    character (each as a visible <U+001B>), cut after `limit` characters."""
    text = "" if value is None else str(value)
    if not text.isprintable():
        text = " ".join(text.splitlines())  # one value, one line
    cut = len(text) > limit
    return visible(text[:limit]) + ("……" if cut else "")


def visible(text: str) -> str:
    """`text` with each control or format character but a line break or tab written out
    (<U+001B>), as a terminal is sent it: text from a file cannot clear the screen or ring."""
    if text.isprintable():
        return text
    return "".join(ch if _hidden(ch, True) is None else f"<U+{ord(ch):04X}>" for ch in text)
