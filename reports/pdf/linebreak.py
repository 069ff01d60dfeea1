"""Where a Chinese paragraph of the report may break its lines.

ReportLab wraps Chinese (wordWrap="CJK") by cutting between any two characters that fill the
line, so an item's number was split across two lines (“三（” at the end of one, “二）3 家庭医生…”
at the start of the next) and so were a year, a percentage, a number (“793,” / “183”) or a unit
(“345 平方” / “米”). Here a line breaks only where a reader allows it: never inside an item
number (一（二）3), a run of digits or Latin letters (2024、95.0%、G01), a number with thousands
separators (319,521), a number with its unit (345 平方米、12 家、2024年度、≥ 100%), a date
(2024年12月31日) or a fraction of two numbers (319,521 / 793,183); never after an opening
bracket or quote, or before a closing mark (，。）、：…), which hangs in the margin instead, as
ReportLab already lets one do.

Something kept whole that is wider than the line itself (a fraction in a narrow cell) breaks
where it hurts least: a fraction before its denominator (“319,521 /” over “793,183”), a number
before its unit, a “≥” before its number; each number stays whole. Only where no such place is
left on the line (a run of digits wider than the column) does it cut as before.

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

# Kept whole on one line: an item's number; a run of digits, Latin letters and what goes with
# them (a decimal point, a thousands separator, %, a colon of a time, a hyphen or slash of a
# date); a number with its unit; a fraction; a comparison with its number; a Chinese date.
_ITEM = r"[一二三四五六七八九十]+（[一二三四五六七八九十]+）\d*"
_RUN = r"[A-Za-z0-9](?:[A-Za-z0-9.%％/:+\-]|,(?=\d))*"
# The longest first: 平方米 before 米, 个百分点 before 个, 年度 before 年.
UNITS = ("平方米", "万元", "m²", "㎡", "个百分点", "个月", "人次", "年度", "人", "次",
         "家", "个", "间", "名", "项", "类", "元", "种", "条", "份", "分", "岁", "年", "月",
         "日", "天")
_QUANTITY = rf"(?:{_RUN})(?: ?(?P<unit{{n}}>{'|'.join(UNITS)}))?"
_DATE = r"\d{4}年(?P<month>\d{1,2}月\d{1,2}日)"
_WHOLE = re.compile(
    rf"(?P<item>{_ITEM})"
    # 2024年12月31日: may break before the month if wider than a line
    rf"|(?P<date>{_DATE})"
    # 319,521 / 793,183: may break before the denominator
    rf"|(?P<fraction>{_QUANTITY.format(n=1)} ?/ ?(?P<denominator>{_QUANTITY.format(n=2)}))"
    # ≥ 100%: may break after the sign
    rf"|(?P<comparison>[≥≤＞＜><=] ?(?P<compared>{_QUANTITY.format(n=3)}))"
    rf"|(?P<quantity>{_QUANTITY.format(n=4)})")
_NO_END = textsplit.ALL_CANNOT_END  # opening brackets and quotes

# What starting a line at a character costs: FREE, a place a reader allows; LAST_RESORT, inside
# something kept whole but where it hurts least, taken only when nothing FREE is left on the
# line; NEVER, otherwise (a line still breaks there if the line has no other place at all).
NEVER, LAST_RESORT, FREE = 0, 1, 2


def _no_start() -> str:
    """Closing marks (，。）、：…): ReportLab's, with the Chinese ones reports.pdf.layout adds."""
    return textsplit.ALL_CANNOT_START


def _last_resorts(m: re.Match[str]) -> list[int]:
    """Where a match kept whole may still break if it is wider than a line: before a fraction's
    denominator, before a comparison's number, before a unit set off by a space, before a
    date's month."""
    out = [m.start(g) for g in ("denominator", "compared", "month") if m[g] is not None]
    for n in range(1, 5):
        at = m.start(f"unit{n}")
        if at > 0 and m.string[at - 1] == " ":
            out.append(at)
    return out


def starts(text: str) -> tuple[list[int], list[bool]]:
    """(starts, whole): starts[k], what beginning a line at text[k] costs (FREE, LAST_RESORT,
    NEVER); whole[k], text[k] is inside something kept whole (an item number, a number) after
    its first character."""
    ok, whole = [FREE] * len(text), [False] * len(text)
    for m in _WHOLE.finditer(text):
        for k in range(m.start() + 1, m.end()):
            ok[k], whole[k] = NEVER, True
        for k in _last_resorts(m):
            if m.start() < k < m.end():
                ok[k] = LAST_RESORT
    closing = _no_start()
    for k in range(1, len(text)):
        if text[k - 1] in _NO_END or text[k] in closing:
            ok[k] = NEVER
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
        elif text[over] == " " and over + 1 == n:
            end = n  # a space at the very end hangs
        else:
            # A space that does not fit hangs in the margin too: the line may end after it.
            last = over + 1 if text[over] == " " else over
            end = next((b for b in range(last, start, -1) if ok[b] == FREE),
                       next((b for b in range(last, start, -1) if ok[b] == LAST_RESORT), over))
        out.append((start, end, _drawn(text, widths, start, end)))
        start, used, i = end, 0.0, end
    if i > start:
        out.append((start, n, _drawn(text, widths, start, n)))
    return out


def _drawn(text: str, widths: Sequence[float], start: int, end: int) -> float:
    """The width a line takes on the page: its spaces at the end do not count, so a centred
    cell centres what is printed."""
    while end > start and text[end - 1] == " ":
        end -= 1
    return sum(widths[start:end])


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
    # An empty glyph (an image's or a <br/>'s frag) is kept whole: U+FFFC (the object
    # replacement character) stands in for it, not a space, which may hang in the margin.
    text = "".join(str(g) if len(g) == 1 else "\ufffc" for g in glyphs)
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
