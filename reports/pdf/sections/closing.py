"""落款: the lines to sign on, the unit's stamp and the date, kept on one page with the last
lines of the text before it."""

from __future__ import annotations

import datetime as _dt

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Paragraph, Spacer, Table, TableStyle

from reports.pdf.layout import FRAME_W, KeepTail, Styles, esc
from reports.pdf.sections.common import Story, cn_date


def closing_block(st: Styles, unit: str | None = None, day: _dt.date | None = None) -> Story:
    """Lines to sign on, and below them, at the right, the unit (to stamp over) and the date,
    as the cover gives them (2024年12月31日); either left blank to write in by hand when not
    given."""
    def cell(text: str) -> Paragraph:
        return Paragraph(text, st.sign)

    signers = Table([[cell("填报人："), "", cell("审核人："), ""],
                     [cell("联系电话："), "", "", ""]],
                    colWidths=[80, 150, 70, FRAME_W - 300])
    signers.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), st.fonts.body),
        ("LINEBELOW", (1, 0), (1, 1), 0.6, "#000000"),
        ("LINEBELOW", (3, 0), (3, 0), 0.6, "#000000"),
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("TOPPADDING", (0, 0), (-1, -1), 12),
    ]))

    def blank(n: int) -> str:
        return "&nbsp;" * n  # plain spaces would collapse

    when = cn_date(day) if day else f"{blank(10)}年{blank(5)}月{blank(5)}日"
    stamp = Table([[cell(f"单位（盖章）：{esc(unit or '')}")], [Spacer(1, 26 * mm)],
                   [cell(f"日期：{when}")]],
                  colWidths=[230], hAlign="RIGHT")
    stamp.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), st.fonts.body)]))
    return [Spacer(1, 8 * mm), signers, Spacer(1, 4 * mm), stamp]


def with_closing(text: Story, closing: Story) -> Story:
    """`text` ending with `closing`, which shares its page with at least the last lines of the
    text (its last paragraph, or its table's last row): a 落款 alone at the top of a page could
    be stapled to anything."""
    last = len(text)
    while last and isinstance(text[last - 1], (Spacer, CondPageBreak)):
        last -= 1  # spacing after the last table goes with the closing
    if not last:
        return [*text, *closing]
    return [*text[:last - 1], KeepTail(text[last - 1], [*text[last:], *closing])]
