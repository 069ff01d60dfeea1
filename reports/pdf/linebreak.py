"""Where a Chinese paragraph of the report may break its lines.

ReportLab wraps Chinese (wordWrap="CJK") by cutting between any two characters that fill the
line, so an item's number was split across two lines (“三（” at the end of one, “二）3 家庭医生…”
at the start of the next) and so were a year or a percentage (“20” / “24年”). Here a line breaks
only where a reader allows it: never inside an item number (一（二）3), a run of digits or
Latin letters (2024、95.0%、G01), after an opening bracket or quote, or before a closing
mark (，。）、：…), which hangs in the margin instead, as ReportLab already lets one do. Where no
such place is left on the line (a long run of digits wider than the column), it cuts as before.

`install()` puts these in place of ReportLab's two CJK splitters (one for a paragraph of one
style, one for mixed styles); reports.pdf.layout calls it before any paragraph is made.
"""

from __future__ import annotations

from collections.abc import Sequence
import re
from typing import Any

from reportlab.lib import textsplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import paragraph

# Kept whole on one line: an item's number, a run of digits, Latin letters and what goes
# with them (a decimal point, %, a colon of a time, a slash of a date).
_WHOLE = re.compile(r"[一二三四五六七八九十]+（[一二三四五六七八九十]+）\d*"
                    r"|[A-Za-z0-9][A-Za-z0-9.%/:+\-]*")
_NO_END = textsplit.ALL_CANNOT_END  # opening brackets and quotes


def _no_start() -> str:
    """Closing marks (，。）、：…): ReportLab's, with the Chinese ones reports.pdf.layout adds."""
    return textsplit.ALL_CANNOT_START


def starts(text: str) -> tuple[list[bool], list[bool]]:
    """(starts, whole): starts[k], a line may begin at text[k]; whole[k], text[k] is inside
    something kept whole (an item number, a number) after its first character."""
    ok, whole = [True] * len(text), [False] * len(text)
    for m in _WHOLE.finditer(text):
        for k in range(m.start() + 1, m.end()):
            ok[k], whole[k] = False, True
    closing = _no_start()
    for k in range(1, len(text)):
        if text[k - 1] in _NO_END or text[k] in closing:
            ok[k] = False
    return ok, whole


def lines(text: str, widths: Sequence[float], max_widths: Sequence[float],
          hard: Sequence[bool] | None = None) -> list[tuple[int, int, float]]:
    """(start, end, width used) of each line of `text`, whose characters are `widths` wide;
    line n is at most max_widths[n] wide (the last width for the lines after). `hard[k]`: the
    line ends after character k (a <br/>)."""
    (ok, whole), closing = starts(text), _no_start()
    out: list[tuple[int, int, float]] = []
    start, used, i, n = 0, 0.0, 0, len(text)
    if not n:
        return out
    while i < n:
        room = max_widths[min(len(out), len(max_widths) - 1)]
        used += widths[i]
        i += 1
        if hard is not None and hard[i - 1]:
            out.append((start, i, used))
            start, used = i, 0.0
            continue
        if used <= room + 1e-6:
            continue
        over = i - 1  # the character that does not fit
        if (text[over] in closing and not whole[over]) or over == start:
            end = i  # hangs in the margin (or a single character wider than the line)
            while end < n and end - over < 3 and text[end] in closing:
                end += 1  # "））、" hang together: no line starts with a closing mark
        else:
            end = next((b for b in range(over, start, -1) if ok[b]), over)
        out.append((start, end, sum(widths[start:end])))
        start, used, i = end, 0.0, end
    if i > start:
        out.append((start, n, sum(widths[start:n])))
    return out


def word_split(word: str | bytes, max_widths: Any, font_name: str, font_size: float,
               encoding: str = "utf8") -> list[list[Any]]:
    """ReportLab's textsplit.wordSplit (a paragraph of one style), breaking where allowed."""
    text = word.decode(encoding) if isinstance(word, bytes) else word
    if not isinstance(max_widths, (list, tuple)):
        max_widths = [max_widths]
    widths = [stringWidth(c, font_name, font_size) for c in text]
    out = []
    for n, (start, end, used) in enumerate(lines(text, widths, max_widths)):
        room = max_widths[min(n, len(max_widths) - 1)]
        out.append([room - used, text[start:end]])
    return out


def frag_split(frags: list[Any], max_widths: Any, calc_bounds: bool,
               encoding: str = "utf8") -> Any:
    """ReportLab's paragraph.cjkFragSplit (mixed styles), breaking where allowed."""
    if not isinstance(max_widths, (list, tuple)):
        max_widths = [max_widths]
    glyphs = []
    for f in frags:
        text = f.text.decode(encoding) if isinstance(f.text, bytes) else f.text
        if text:
            glyphs.extend(paragraph.cjkU(t, f, encoding) for t in text)
        else:
            glyphs.append(paragraph.cjkU(text, f, encoding))
    widths = []
    for g in glyphs:
        w = g.width
        if hasattr(w, "normalizedValue"):  # a width given relative to the line
            w._normalizer = max_widths[0]
            w = w.normalizedValue(max_widths[0])
        widths.append(w)
    # An empty glyph (an image's or a <br/>'s frag) is kept whole: a space stands in for it.
    text = "".join(str(g) if len(g) == 1 else " " for g in glyphs)
    hard = [hasattr(g.frag, "lineBreak") for g in glyphs]
    out = []
    for n, (start, end, used) in enumerate(lines(text, widths, max_widths, hard)):
        room = max_widths[min(n, len(max_widths) - 1)]
        out.append(paragraph.makeCJKParaLine(glyphs[start:end], room, used, room - used,
                                             hard[end - 1] if end > start else False,
                                             calc_bounds))
    return paragraph.ParaLines(kind=1, lines=out)


def install() -> None:
    paragraph.wordSplit = word_split
    paragraph.cjkFragSplit = frag_split
