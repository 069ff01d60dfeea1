"""The 落款 (lines to sign, the unit's stamp, the date) never stands alone at the top of a page:
the page that holds it holds the last lines of the text before it, wherever the text ends."""

from __future__ import annotations

import datetime as _dt
import io
from pathlib import Path

import pytest
from reportlab.platypus import Paragraph, Spacer

from db.county import CountyFile
from db.demo import write_demo
from reports.pdf.fonts import fonts
from reports.pdf.layout import FRAME_H, document, numbered_canvas, styles, table
from reports.pdf.report import write_report
from reports.pdf.sections.closing import closing_block, with_closing

from tests.reports.pdf.test_pdf import NEEDS_POPPLER, flat, run

pytestmark = NEEDS_POPPLER

SIGN = "填报人"


def _pages(pdf: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "t.pdf"
    path.write_bytes(pdf)
    return [flat(p) for p in run("pdftotext", "-raw", path, "-").split("\f") if p.strip()]


def _build(story: list, tmp_path: Path) -> list[str]:
    font_set = fonts()
    buf = io.BytesIO()
    doc = document(buf, title="t", author="t", fonts=font_set, header=("青河县", "2024年度"))
    doc.build(story, canvasmaker=numbered_canvas(font_set.body))
    return _pages(buf.getvalue(), tmp_path)


def _signing_page(pages: list[str]) -> str:
    (page,) = [p for p in pages if SIGN in p]
    return page


@pytest.mark.parametrize("last", ["paragraph", "table"])
def test_wherever_the_text_ends_the_closing_shares_its_page_with_its_last_lines(
        last: str, tmp_path: Path) -> None:
    """The text's last paragraph or table ends at every height of a page in turn: the closing's
    page always holds its last lines, and never all of it when it began on an earlier page."""
    st = styles(fonts())
    alone, first_moved = [], []
    for filler in range(0, int(FRAME_H), 11):
        if last == "paragraph":
            end = [Paragraph("开头的话。" + "整改要求" * 40 + "直到最后一句话。", st.body)]
            first, final = "开头的话", "最后一句话"
        else:
            end = [table(["序号", "评分项"], [[str(n), f"第{n}行"] for n in range(1, 9)],
                         [40, 300], st), Spacer(1, 6)]
            first, final = "第1行", "第8行"
        pages = _build([Spacer(1, filler), *with_closing(end, closing_block(st))], tmp_path)
        page = _signing_page(pages)
        if final not in page.split(SIGN)[0]:
            alone.append(filler)
        # a text that began with room to spare on the first page began there (a long table is
        # not moved to a fresh page to keep it with the closing, as KeepTogether would)
        if filler < FRAME_H - 80 and first not in pages[0]:
            first_moved.append(filler)
    assert alone == [] and first_moved == []


def test_a_heading_kept_with_a_one_paragraph_part_and_the_closing_stays_where_they_fit(
        tmp_path: Path) -> None:
    """六、未计入汇总的文件 of the city summary: heading, one sentence, the closing; with room for
    all three they stay on the page (they once went over to a page of their own)."""
    st = styles(fonts())
    story = [Spacer(1, FRAME_H / 3), Paragraph("六、未计入汇总的文件", st.h1),
             *with_closing([Paragraph("文件夹中的文件均已计入汇总。", st.body)], closing_block(st))]
    pages = _build(story, tmp_path)
    assert len(pages) == 1 and SIGN in pages[0] and "六、未计入汇总的文件" in pages[0]


def test_the_demo_report_that_used_to_end_on_a_lone_closing(tmp_path: Path) -> None:
    """The small demo county's 2023 report put the 落款 alone on page 19 of 20."""
    path = write_demo(tmp_path / "small.tcmcounty", "small")
    with CountyFile.open(path) as county:
        out = write_report(county, 2023, tmp_path / "r.pdf", today=_dt.date(2025, 1, 20))
    page = _signing_page(_pages(out.read_bytes(), tmp_path))
    # The end of the 整改清单's last paragraph.
    assert flat("见第三部分（三）“基层医疗卫生机构中医类别医师配备”表）。") in page
