"""Page and table layout of the PDF report: A4 pages with the county and year in the header and
第 X 页 共 Y 页 in the footer, paragraph styles, and tables whose cells wrap instead of overflowing
and, when one is taller than a page, continue on the next.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
import datetime as _dt
import functools
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib import textsplit as _textsplit
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (BaseDocTemplate, Flowable, Frame, LongTable, PageTemplate,
                                Paragraph, TableStyle)
from reportlab.platypus.flowables import _Container, _listWrapOn
from reportlab.platypus import paragraph as _paragraph

from reports.pdf import linebreak
from reports.pdf.fonts import FontSet

# reportlab keeps Japanese punctuation off the start of a line but not the full-width Chinese
# ，；：！？, so a line could begin with "，标准 ≥ 100%". Official documents never do that.
_CHINESE_CANNOT_START = "，；：！？）》」』”’"
for _module in (_paragraph, _textsplit):
    _module.ALL_CANNOT_START += "".join(
        c for c in _CHINESE_CANNOT_START if c not in _module.ALL_CANNOT_START)
# and an item's number, a year or a percentage is never cut in two (reports.pdf.linebreak)
linebreak.install()

PAGE_W, PAGE_H = A4
# The left margin is the wider one: printed reports are bound on the left.
MARGIN_L, MARGIN_R, MARGIN_T, MARGIN_B = 25 * mm, 20 * mm, 26 * mm, 22 * mm
FRAME_W = PAGE_W - MARGIN_L - MARGIN_R
FRAME_H = PAGE_H - MARGIN_T - MARGIN_B

# Real institution names are 6 to 30 characters; a longer one (a paste gone wrong) is shortened
# wherever it sits in a table or chart and printed whole in the appendix.
NAME_CHARS = 40
# A row split across pages leaves at least this much on each side (about three lines).
ROW_PIECE = 36

HEADER_FILL = colors.HexColor("#E7E6E6")
GROUP_FILL = colors.HexColor("#F3F3F3")
RULE = colors.HexColor("#404040")
FAIL_TEXT = "#B00000"
MUTED_TEXT = "#555555"


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    subtitle: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    body: ParagraphStyle
    note: ParagraphStyle
    caption: ParagraphStyle
    cell: ParagraphStyle
    cell_center: ParagraphStyle
    cell_right: ParagraphStyle
    cell_head: ParagraphStyle
    cell_indent: ParagraphStyle
    sign: ParagraphStyle
    fonts: FontSet


@functools.cache
def styles(fonts: FontSet) -> Styles:
    """Paragraph styles; wordWrap CJK breaks lines between Chinese characters, which have no
    spaces to break at."""
    def style(name: str, font: str, size: float, leading: float, **kw: Any) -> ParagraphStyle:
        kw.setdefault("textColor", colors.black)
        return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading,
                              wordWrap="CJK", **kw)

    cell = style("cell", fonts.table, 9, 12)
    return Styles(
        title=style("title", fonts.heading, 20, 31, alignment=TA_CENTER, spaceAfter=4),
        subtitle=style("subtitle", fonts.body, 11, 18, alignment=TA_CENTER, spaceAfter=14,
                       textColor=colors.HexColor(MUTED_TEXT)),
        h1=style("h1", fonts.heading, 15, 24, spaceBefore=14, spaceAfter=6, keepWithNext=1),
        h2=style("h2", fonts.heading, 12.5, 20, spaceBefore=8, spaceAfter=4),
        h3=style("h3", fonts.body, 11, 17, spaceBefore=6, spaceAfter=3),
        body=style("body", fonts.body, 11.5, 20, firstLineIndent=23, spaceAfter=4),
        note=style("note", fonts.body, 8.5, 12, spaceBefore=2, spaceAfter=6,
                   textColor=colors.HexColor(MUTED_TEXT)),
        caption=style("caption", fonts.body, 9.5, 14, alignment=TA_CENTER, spaceBefore=3,
                      spaceAfter=8),
        cell=cell,
        cell_center=ParagraphStyle("cell_center", parent=cell, alignment=TA_CENTER),
        cell_right=ParagraphStyle("cell_right", parent=cell, alignment=TA_RIGHT),
        cell_head=ParagraphStyle("cell_head", parent=cell, fontName=fonts.heading,
                                 alignment=TA_CENTER),
        cell_indent=ParagraphStyle("cell_indent", parent=cell, leftIndent=18),
        sign=style("sign", fonts.body, 12, 18, alignment=TA_LEFT),
        fonts=fonts,
    )


def esc(text: object) -> str:
    """Text from the county file as paragraph markup: a name with & or < must print as typed."""
    return escape(str(text))


# A county's name where it stands in a table row (the cover's 报送单位, the 落款), which cannot
# break across pages: a real one is a few characters (阿鲁科尔沁旗), one from a file written
# elsewhere may be thousands, which no page could hold (reportlab's LayoutError).
COUNTY_CHARS = 40


def county_shown(name: str) -> str:
    return shorten(name, COUNTY_CHARS)


def shorten(text: str, limit: int = NAME_CHARS) -> str:
    """`text` cut to `limit` characters with an ellipsis, for a table cell or a chart label."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def fit(text: str, width: float, font: str, size: float) -> str:
    """`text` cut with an ellipsis to fit `width` points, for a line drawn without wrapping."""
    if stringWidth(text, font, size) <= width:
        return text
    low, high = 0, len(text)  # the longest start that fits with its ellipsis
    while low < high:
        mid = (low + high + 1) // 2
        if stringWidth(text[:mid] + "…", font, size) <= width:
            low = mid
        else:
            high = mid - 1
    return text[:low] + "…"


def red(markup: str) -> str:
    return f'<font color="{FAIL_TEXT}">{markup}</font>'


def muted(markup: str, size: float | None = None) -> str:
    size_attr = f' size="{size}"' if size else ""
    return f'<font color="{MUTED_TEXT}"{size_attr}>{markup}</font>'


Cell = str | Paragraph | Flowable


def table(header: Sequence[str], rows: Sequence[Sequence[Cell]], widths: Sequence[float],
          st: Styles, *, align: Sequence[str] = (), groups: Sequence[int] = (),
          extra: Sequence[tuple[Any, ...]] = ()) -> LongTable:
    """A ruled table with the header repeated on every page it runs onto.

    Plain strings are markup and become wrapping paragraphs; `align` gives each column's
    alignment (l, c, r); rows listed in `groups` are one cell spanning the whole width.
    """
    cell_style = {"l": st.cell, "c": st.cell_center, "r": st.cell_right}
    aligns = [*align, *["l"] * (len(widths) - len(align))]
    data: list[list[Cell]] = [[Paragraph(h, st.cell_head) for h in header]]
    for r, row in enumerate(rows, start=1):
        if r - 1 in groups:
            data.append([_para(row[0], st.cell)] + [""] * (len(widths) - 1))
            continue
        data.append([_para(c, cell_style[aligns[i]]) for i, c in enumerate(row)])
    commands: list[tuple[Any, ...]] = [
        # Empty cells still set a font; without this it would be an unembedded Helvetica.
        ("FONTNAME", (0, 0), (-1, -1), st.fonts.table),
        ("GRID", (0, 0), (-1, -1), 0.5, RULE),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    for g in groups:
        row = g + 1
        commands += [("SPAN", (0, row), (-1, row)), ("BACKGROUND", (0, row), (-1, row), GROUP_FILL)]
        if row + 1 < len(data):
            # A group's title never stays behind alone at the foot of a page.
            commands.append(("NOSPLIT", (0, row), (-1, row + 1)))
    # reportlab cannot place a row taller than a page and gives up on the whole report; such a
    # row is split across pages instead. Only then: splitting rows in ordinary tables would
    # change where their pages break.
    split_in_row = ROW_PIECE if any(_may_outgrow_page(row, widths) for row in data) else 0
    if split_in_row:
        # Centred cells beside a split one would be padded down by reportlab to "stay centred"
        # until the row never fits; at the top, each part of the row starts with its text.
        commands.append(("VALIGN", (0, 0), (-1, -1), "TOP"))
    # splitByRow off: the row that meets the foot of the page is split there, rather than the
    # table being cut before it and continued, header and all, further down the same page.
    t = LongTable(data, colWidths=list(widths), repeatRows=1, hAlign="LEFT",
                  splitInRow=split_in_row, splitByRow=not split_in_row)
    t.setStyle(TableStyle([*commands, *extra]))
    return t


def _para(cell: Cell, style: ParagraphStyle) -> Cell:
    return Paragraph(cell, style) if isinstance(cell, str) else cell


def _may_outgrow_page(row: Sequence[Cell], widths: Sequence[float]) -> bool:
    """Whether a row could be taller than half a page, judged from the length of its text.

    An upper bound (every character as wide as the font size, markup counted as text), so a row
    that could be too tall is never missed, while ordinary rows are never measured.
    """
    for cell, width in zip(row, widths):
        if not isinstance(cell, Paragraph):
            continue
        style = cell.style
        text = cell.text if isinstance(getattr(cell, "text", None), str) else ""
        per_line = max((width - 6) / style.fontSize, 1)
        lines = len(text) / per_line + text.count("<br/>") + 1
        if lines * style.leading > FRAME_H / 2:
            return True
    return False


class KeepTail(_Container, Flowable):
    """`body` (the text's last paragraph or table), then `tail` (the 落款): on one page where
    they fit; where they do not, the body's last lines go over with the tail (a paragraph's last
    two lines, a table's last row under its repeated header), so the tail never stands alone at
    the top of a page. A body too short to split goes over whole.

    Unlike reportlab's KeepTogether it does not move a long table to a fresh page to keep it
    with the tail; like it, it reports its whole height, so a heading kept with it (keepWithNext)
    stays where there is room for both."""

    LINES_OVER = 2  # a paragraph's lines that go over with the tail: never a lone last line

    def __init__(self, body: Flowable, tail: Sequence[Flowable]):
        super().__init__()
        self.body, self.tail = body, list(tail)
        self._content = [body, *self.tail]  # what _Container draws when it all fits

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        self.width, self.height = _listWrapOn(self._content, avail_w, self.canv)
        return self.width, self.height

    def split(self, avail_w: float, avail_h: float) -> list[Flowable]:
        canv = self.canv
        _, body_h = _listWrapOn([self.body], avail_w, canv)
        _, both_h = _listWrapOn(self._content, avail_w, canv)
        if both_h <= avail_h:
            return [self.body, *self.tail]
        if body_h > avail_h:  # the body runs over anyway: its rest is the new body
            room = avail_h
        else:  # the body fits but the tail does not: its last lines go over with the tail
            leading = getattr(getattr(self.body, "style", None), "leading", None)
            room = body_h - (leading * self.LINES_OVER if leading else 1)
        self.body.wrapOn(canv, avail_w, avail_h)
        parts = self.body.splitOn(canv, avail_w, room) if room > 0 else []
        if len(parts) == 2:
            return [parts[0], KeepTail(parts[1], self.tail)]
        if both_h > FRAME_H:  # cannot go over whole either: as it comes rather than fail
            return [self.body, *self.tail]
        return []  # the whole body goes over with the tail (reportlab moves it to the next page)


# ---- pages ------------------------------------------------------------------------------------

class Contents:
    """The contents list's page numbers, known only once every page is laid out: headings note
    the page they land on, the 目录 notes where each number goes, and the canvas writes the
    numbers in when it saves (one layout pass, no second build)."""

    def __init__(self) -> None:
        self.pages: dict[str, int] = {}  # heading key → physical page (1-based)
        self.slots: dict[int, list[tuple[str, float, float]]] = {}  # page → (key, x, y)

    def landed(self, key: str, page: int) -> None:
        self.pages.setdefault(key, page)

    def slot(self, page: int, key: str, x: float, y: float) -> None:
        self.slots.setdefault(page, []).append((key, x, y))


class Heading(Paragraph):
    """A heading that tells the contents list which page it landed on."""

    def __init__(self, text: str, style: ParagraphStyle, contents: Contents | None = None,
                 key: str = ""):
        super().__init__(text, style)
        self.contents, self.key = contents, key

    def draw(self) -> None:
        super().draw()
        if self.contents is not None and self.key:
            self.contents.landed(self.key, self.canv.getPageNumber())


class ContentsList(Flowable):
    """目录: one line per entry (indented by level) with dot leaders; the page numbers are
    written by the canvas at the end (Contents)."""

    LINE = 26

    def __init__(self, entries: Sequence[tuple[int, str, str]], contents: Contents, font: str,
                 size: float = 12.5):
        super().__init__()
        self.entries, self.contents, self.font, self.size = list(entries), contents, font, size
        self._origin = (0.0, 0.0)

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        self.width = avail_w
        return avail_w, self.LINE * len(self.entries)

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802
        self._origin = (x, y)
        super().drawOn(canvas, x, y, _sW)

    def draw(self) -> None:
        canv = self.canv
        page = canv.getPageNumber()
        canv.setFont(self.font, self.size)
        number_w = stringWidth("000", self.font, self.size)
        for n, (level, text, key) in enumerate(self.entries):
            y = self.LINE * (len(self.entries) - n - 1) + 6
            indent = 2 * self.size * level
            shown = fit(text, self.width - indent - number_w - 40, self.font, self.size)
            canv.drawString(indent, y, shown)
            start = indent + stringWidth(shown, self.font, self.size) + 6
            dots = "·" * max(int((self.width - number_w - 8 - start) / stringWidth(
                "·", self.font, self.size)), 0)
            canv.drawString(start, y, dots)
            self.contents.slot(page, key, self._origin[0] + self.width, self._origin[1] + y)


def numbered_canvas(font: str, contents: Contents | None = None,
                    cover: bool = False, created: _dt.date | None = None) -> type[Canvas]:
    """A canvas that holds every page until the end, so each footer can say 共 Y 页 and the
    contents list its page numbers in one pass. With a cover, the cover has no number and
    numbering starts on the page after it.

    The file's 创建日期 (what a PDF reader's document properties show) is `created`, the date
    the report gives on its cover (default: today). Without it reportlab's invariant mode,
    kept so the same data gives the same bytes, would write 2000-01-01; a day, no time of day,
    keeps the bytes the same all that day."""
    skip = 1 if cover else 0
    day = created or _dt.date.today()
    stamp = f"D:{day:%Y%m%d}000000"

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any):
            super().__init__(*args, **kwargs)
            self._held: list[dict[str, Any]] = []
            self.setDateFormatter(lambda *_: stamp)

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._held) - skip
            for number, state in enumerate(self._held, start=1 - skip):
                self.__dict__.update(state)
                self.setFont(font, 9)
                self.setFillColor(colors.black)
                if number >= 1:
                    self.drawCentredString(PAGE_W / 2, MARGIN_B - 12 * mm,
                                           f"第 {number} 页 共 {total} 页")
                if contents is not None:
                    self.setFont(font, 12.5)
                    for key, x, y in contents.slots.get(number + skip, ()):
                        page = contents.pages.get(key)
                        if page is not None:
                            self.drawRightString(x, y, str(page - skip))
                super().showPage()
            super().save()

    return NumberedCanvas


DRAFT = "草稿"


def _draft_mark(canv: Canvas, font: str) -> None:
    canv.saveState()
    canv.setFont(font, 110)
    canv.setFillColor(colors.Color(0.85, 0.2, 0.15, alpha=0.16))
    canv.translate(PAGE_W / 2, PAGE_H / 2)
    canv.rotate(40)
    canv.drawCentredString(0, -35, DRAFT)
    canv.restoreState()


def header_painter(left: str, right: str, font: str, *, draft: bool = False
                   ) -> Callable[[Canvas, BaseDocTemplate], None]:
    """The running header; a draft also says 草稿 in it and across the page, so no page of a
    draft can pass for the final report."""
    if draft:
        right = f"{right}（{DRAFT}）"

    def paint(canv: Canvas, doc: BaseDocTemplate) -> None:
        if draft:
            _draft_mark(canv, font)
        canv.saveState()
        y = PAGE_H - MARGIN_T + 8 * mm
        canv.setFont(font, 9)
        canv.setFillColor(colors.HexColor("#333333"))
        # A county name of any length stays on its line, clear of the year at the right.
        room = FRAME_W - stringWidth(right, font, 9) - 12
        canv.drawString(MARGIN_L, y, fit(left, room, font, 9))
        canv.drawRightString(PAGE_W - MARGIN_R, y, right)
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.6)
        canv.line(MARGIN_L, y - 2.5 * mm, PAGE_W - MARGIN_R, y - 2.5 * mm)
        canv.restoreState()
    return paint


def document(out: Any, *, title: str, author: str, header: tuple[str, str],
             fonts: FontSet, draft: bool = False, cover: bool = False) -> BaseDocTemplate:
    """An A4 document whose bytes depend only on what is drawn (invariant: no clock time, no
    random id; its date is the one numbered_canvas is given). With `cover`, the first page has a template of its own: no running header (a draft
    still says 草稿 across it)."""
    doc = BaseDocTemplate(
        out, pagesize=A4, leftMargin=MARGIN_L, rightMargin=MARGIN_R, topMargin=MARGIN_T,
        bottomMargin=MARGIN_B, title=title, author=author, subject="全国基层中医药工作示范县自评报告",
        creator="tcmcounty", invariant=1, lang="zh-CN", initialFontName=fonts.body,
    )

    def frame() -> Frame:
        return Frame(MARGIN_L, MARGIN_B, FRAME_W, PAGE_H - MARGIN_T - MARGIN_B, id="body",
                     leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)

    page = PageTemplate("page", [frame()], onPage=header_painter(*header, fonts.heading,
                                                                 draft=draft))
    if not cover:
        doc.addPageTemplates([page])
        return doc
    front = PageTemplate("cover", [frame()], onPage=watermark_painter(fonts.heading, draft),
                         autoNextPageTemplate="page")
    doc.addPageTemplates([front, page])
    return doc


def watermark_painter(font: str, draft: bool) -> Callable[[Canvas, BaseDocTemplate], None]:
    """草稿 across a page that has no running header (the cover)."""
    def paint(canv: Canvas, doc: BaseDocTemplate) -> None:
        if draft:
            _draft_mark(canv, font)
    return paint
