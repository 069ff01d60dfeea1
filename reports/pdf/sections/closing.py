"""落款: the lines to sign on, the unit's stamp and the date."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

from reports.pdf.layout import FRAME_W, Styles
from reports.pdf.sections.common import Story


def closing_block(st: Styles) -> Story:
    """Lines to sign on, and below them, at the right, room for the unit's stamp and the date."""
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

    stamp = Table([[cell("单位（盖章）：")], [Spacer(1, 26 * mm)],
                   [cell(f"日期：{blank(10)}年{blank(5)}月{blank(5)}日")]],
                  colWidths=[200], hAlign="RIGHT")
    stamp.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), st.fonts.body)]))
    return [Spacer(1, 8 * mm), KeepTogether([signers, Spacer(1, 4 * mm), stamp])]
