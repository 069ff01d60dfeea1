"""The 现场核查表 of a 模拟现场评审: one A4 sheet (one or two pages) per sampled institution, in
route order, with the standard's items that apply there, what the books say for each, boxes for
符合 / 不符合 / 备注 and the signature lines; the report's fonts and header.

    write_checklists(county, review_id, "现场核查表.pdf")
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Paragraph, Spacer, Table, TableStyle

from db.county import refuse_to_replace
from db.vocab import INSTITUTION_TYPES

from reports.judge import review as rv
from reports.judge.wording import chinese_date
from reports.pdf.fonts import fonts
from reports.pdf.layout import FRAME_W, MARGIN_B, MARGIN_R, PAGE_W, Styles, county_shown, document, esc, muted, numbered_canvas, styles, table
from reports.pdf.report import _Output

if TYPE_CHECKING:
    from db.county import CountyFile

BOX = "□"
TICK = "√"  # the bundled font has no ☑
# 条目 | 评分项 | 台账记载 | 符合 | 不符合 | 备注
WIDTHS = (17 * mm, 58 * mm, 43 * mm, 10 * mm, 12 * mm, FRAME_W - 140 * mm)


def write_checklists(county: CountyFile, review_id: str,
                     out_path: str | os.PathLike[str]) -> Path:
    """Write the whole sample's checklists to one PDF; it appears only once complete."""
    out = Path(out_path)
    refuse_to_replace(out, source=county.path)
    output = _Output(out)
    try:
        output.commit(render(county, review_id))
    finally:
        output.discard()
    return out


def render(county: CountyFile, review_id: str) -> bytes:
    r, sheets = rv.sheets(county, review_id)
    name = county_shown(county.county_name)
    font_set = fonts()
    st = styles(font_set)
    flow: list[Flowable] = []
    for k, sheet in enumerate(sheets, start=1):
        if k > 1:
            flow.append(PageBreak())
        flow += _sheet(name, r, sheet, k, len(sheets), st)
    buf = io.BytesIO()
    doc = document(buf, title=f"{name}{r.year}年模拟现场评审现场核查表",
                   author=name, fonts=font_set,
                   header=(f"{name}创建全国基层中医药工作示范县 模拟现场评审现场核查表",
                           f"{r.year}年度 · {r.name}"))
    # A loose second page must still say whose it is: each page ends by naming the institution.
    doc.pageTemplates[0].onPageEnd = _page_owner(font_set.body)
    doc.build(flow, canvasmaker=numbered_canvas(font_set.body))
    return buf.getvalue()


class _Owner(Flowable):
    """Takes no room; tells the page whose checklist it is on."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text
        self.width = self.height = 0

    def draw(self) -> None:
        self.canv._checklist_owner = self.text  # type: ignore[attr-defined]


def _page_owner(font: str) -> Any:
    def paint(canv: Any, doc: Any) -> None:
        text = getattr(canv, "_checklist_owner", "")
        if text:
            canv.saveState()
            canv.setFont(font, 9)
            canv.drawRightString(PAGE_W - MARGIN_R, MARGIN_B - 12 * mm, text)
            canv.restoreState()
    return paint


def _sheet(county: str, r: rv.Review, sheet: rv.Sheet, k: int, n: int, st: Styles
           ) -> list[Flowable]:
    inst = sheet.inst
    kind = INSTITUTION_TYPES.get(inst["type"], "")
    out: list[Flowable] = [
        _Owner(f"第 {k} 家：{inst['name']}"),
        Paragraph(f"现场核查表（{k} / {n}）", st.h1),
        Paragraph(f"被检查机构：<b>{esc(inst['name'])}</b>（{kind}）　"
                  f"所属乡镇（街道）：{esc(inst['township'] or '—')}", st.h3),
        Paragraph(muted(f"{esc(r.name)}；抽签号 {r.seed}；评审日期：" + (
            esc(chinese_date(r.review_date)) if r.review_date else "____年__月__日")), st.note),
    ]
    if inst.get("drawn"):
        out.append(Paragraph(muted(f"人工调换：原抽中“{esc(inst['drawn'])}”，"
                                   f"{esc(inst['swap_note'] or '')}"), st.note))
    rows = []
    small = _compact(st)
    for line in sheet.lines:
        item = line.item
        mark = "★必备 " if item.veto else ""
        rows.append([
            esc(item.code),
            Paragraph(f"{esc(line.text)}<br/>"
                      f"{muted(f'{mark}{item.points:g} 分；{esc(item.evidence)}', 7)}", small),
            Paragraph(_book(line.book), small),
            _box(line.verdict == rv.AGREE),
            _box(line.verdict == rv.DISAGREE),
            esc(line.note),
        ])
    if rows:
        out.append(table(["条目", "评分项（现场查看）", "台账记载", "符合", "不符合", "备注"],
                         rows, WIDTHS, st, align=("c", "l", "l", "c", "c", "l"),
                         extra=[("TOPPADDING", (0, 1), (-1, -1), 1.5),
                                ("BOTTOMPADDING", (0, 1), (-1, -1), 2)]))
    else:
        out.append(Paragraph("评分标准中没有在此类机构现场核查的项目。", st.body))
    out.append(Spacer(1, 4 * mm))
    out.append(KeepTogether(_signatures(st)))
    return out


def _compact(st: Styles) -> ParagraphStyle:
    """A centre's sixteen items and the signatures fit on one A4 page at this size."""
    return ParagraphStyle("checklist_cell", parent=st.cell, fontSize=8.5, leading=10.5)


def _book(book: rv.Book) -> str:
    """What the books hold; 台账：不达标 only where the books decide the item at this institution
    (never under a share item such as 中医阁, which only some institutions need)."""
    text = esc(book.text)
    if book.verdict == rv.DISAGREE:
        text += "<br/>" + muted(f"台账：不达标{('，' + esc(book.gap)) if book.gap else ''}", 7.5)
    return text


def _box(checked: bool) -> str:
    return f'<font size="13"><b>{TICK}</b></font>' if checked else f'<font size="13">{BOX}</font>'


def _signatures(st: Styles) -> list[Flowable]:
    line = "________________"
    rows = [[Paragraph(f"评审人员（签字）：{line}", st.sign),
             Paragraph("日期：____年__月__日", st.sign)],
            [Paragraph(f"被检查机构负责人（签字）：{line}", st.sign),
             Paragraph("（机构盖章）", st.sign)]]
    t = Table(rows, colWidths=[FRAME_W * 0.62, FRAME_W * 0.38])
    t.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), st.fonts.body),
                           ("TOPPADDING", (0, 0), (-1, -1), 7),
                           ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
                           ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return [Paragraph(muted("核查说明：逐项查看现场（场所、设备、人员、记录、照片），在“符合”或“不符合”栏内打√；"
                            "不符合的请在备注中写明实际情况。"), st.note), t]
