"""封面 and 目录: the cover a bureau stamps (county, title, year, the unit and date, room for the
seal) and the contents list, whose page numbers the canvas writes in once the pages are laid
out (layout.Contents)."""

from __future__ import annotations

import re
from xml.sax.saxutils import unescape

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, Spacer, Table, TableStyle

from reports.pdf.data import ReportData
from reports.pdf.layout import (FRAME_W, Contents, ContentsList, Heading, Styles, county_shown, esc,
                                red, shorten)
from reports.pdf.sections.common import Story, cn_date, township_scope


# The title gives a county's name whole up to what one cover page holds (a name of thousands of
# characters, from a file written elsewhere, would otherwise fill a dozen pages).
TITLE_CHARS = 200


def cover(data: ReportData, st: Styles) -> Story:
    """The first page: who reports, on what, for which year, when; and the seal."""
    big = ParagraphStyle("cover_title", parent=st.title, fontSize=26, leading=42)
    line = ParagraphStyle("cover_line", parent=st.sign, fontSize=15, leading=30)
    year = ParagraphStyle("cover_year", parent=st.title, fontName=st.fonts.body, fontSize=18,
                          leading=30)
    town = township_scope(data)
    # In a table row, which cannot break across pages: a name of thousands of characters (from a
    # file written elsewhere) is shortened there; the title above gives it whole.
    unit = (f"{esc(county_shown(town))}（乡镇填报文件）" if town
            else f"{esc(county_shown(data.county))}卫生健康局")
    out: Story = [
        Spacer(1, 38 * mm),
        Paragraph(f"{esc(shorten(data.county, TITLE_CHARS))}<br/>创建全国基层中医药工作示范县<br/>自评报告",
                  big),
        Spacer(1, 6 * mm),
        Paragraph(f"（{data.year}年度）", year),
    ]
    if data.is_draft:
        out.append(Paragraph(red("草稿：本年度数据尚未齐全，不作正式上报"),
                             ParagraphStyle("cover_draft", parent=st.subtitle,
                                            alignment=TA_CENTER, fontSize=13, leading=22)))
    seal = Table([[Paragraph("（单位盖章）", ParagraphStyle(
        "seal", parent=st.note, alignment=TA_CENTER, fontSize=10))]],
        colWidths=[42 * mm], rowHeights=[42 * mm])
    seal.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), st.fonts.body),
                              ("BOX", (0, 0), (-1, -1), 0.6, "#999999"),
                              ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    block = Table([[Paragraph(f"报送单位：{unit}", line), seal],
                   [Paragraph(f"报告日期：{cn_date(data.today)}", line), ""]],
                  colWidths=[FRAME_W - 50 * mm, 50 * mm])
    block.setStyle(TableStyle([("SPAN", (1, 0), (1, 1)), ("VALIGN", (0, 0), (0, -1), "BOTTOM"),
                               ("VALIGN", (1, 0), (1, -1), "MIDDLE"),
                               ("FONTNAME", (0, 0), (-1, -1), st.fonts.body)]))
    return [*out, Spacer(1, 62 * mm), block, PageBreak()]


def contents_page(body: Story, contents: Contents, st: Styles) -> Story:
    """目录: every part and appendix of `body`, with the page it starts on."""
    entries = []
    for f in body:
        if isinstance(f, Heading) and f.key:
            f.contents = contents
            entries.append((0, _plain(f.text), f.key))
    if not entries:
        return []
    return [Paragraph("目　录", st.title), Spacer(1, 8 * mm),
            ContentsList(entries, contents, st.fonts.body), PageBreak()]


def _plain(markup: str) -> str:
    """A heading's text without its markup, as the contents list draws it."""
    return unescape(re.sub(r"<[^>]+>", "", markup))
