"""The sections of the self-evaluation report as reportlab flowables, one module per part of
the report (common.py holds what they share). Numbers are worded here; pages, fonts and files
are report.py's and layout.py's business."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from reports.pdf.data import ReportData
from reports.pdf.layout import Styles, esc
from reports.pdf.sections.appendices import checks_appendix, long_names_appendix, review_appendix
from reports.pdf.sections.areas import LONG_LIST, area_part
from reports.pdf.sections.closing import closing_block
from reports.pdf.sections.common import IN_TABLE, Story, shown
from reports.pdf.sections.indicators import indicator_part
from reports.pdf.sections.rectification import TOWNS_NAMED, rectification_part
from reports.pdf.sections.summary import score_line, summary_part
from reports.pdf.sections.tasks import task_part


def title_of(county: str, year: int) -> str:
    return f"{county}创建全国基层中医药工作示范县自评报告（{year}年度）"


def story(data: ReportData, st: Styles) -> Story:
    """The whole report, title to closing block."""
    out: Story = [*_title(data, st), *summary_part(data, st), *indicator_part(data, st)]
    for area in "ABCD":
        out += area_part(data, st, area)
    return [*out, *task_part(data, st), *rectification_part(data, st), *closing_block(st),
            *review_appendix(data, st), *long_names_appendix(data, st), *checks_appendix(data, st)]


def _title(data: ReportData, st: Styles) -> Story:
    return [
        Spacer(1, 4 * mm),
        Paragraph(f"{esc(data.county)}创建全国基层中医药工作示范县<br/>自评报告（{data.year}年度）",
                  st.title),
        Paragraph(f"目标方案：{esc(data.evaluation.profile_name)}", st.subtitle),
        *score_line(data, st),
    ]


__all__ = ["IN_TABLE", "LONG_LIST", "TOWNS_NAMED", "shown", "story", "title_of"]
