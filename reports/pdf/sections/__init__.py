"""The sections of the self-evaluation report as reportlab flowables, one module per part of
the report (common.py holds what they share). Numbers are worded here; pages, fonts and files
are report.py's and layout.py's business."""

from __future__ import annotations

from reports.pdf.data import ReportData
from reports.pdf.layout import Contents, Styles, county_shown
from reports.pdf.sections.appendices import checks_appendix, long_names_appendix, review_appendix
from reports.pdf.sections.areas import LONG_LIST, standard_part
from reports.pdf.sections.closing import closing_block, with_closing
from reports.pdf.sections.common import IN_TABLE, Story, shown, township_scope
from reports.pdf.sections.cover import contents_page, cover
from reports.pdf.sections.indicators import indicator_part
from reports.pdf.sections.rectification import TOWNS_NAMED, rectification_part
from reports.pdf.sections.summary import summary_part
from reports.pdf.sections.tasks import task_part


def title_of(county: str, year: int) -> str:
    return f"{county}创建全国基层中医药工作示范县自评报告（{year}年度）"


def story(data: ReportData, st: Styles, contents: Contents | None = None) -> Story:
    """The whole report: cover, contents, parts 一 to 五 (三 follows the standard's sections), the
    closing block, then the appendices
    that have something to say, numbered 附件1, 附件2 … in that order. `contents` collects the
    pages the parts land on, for the canvas to write into the contents list."""
    body: Story = [*summary_part(data, st), *indicator_part(data, st), *standard_part(data, st)]
    # The 落款 names the unit the cover does (a township's file leaves it to be written in),
    # within what its one-page block holds.
    unit = None if township_scope(data) else f"{county_shown(data.county)}卫生健康局"
    body += [*task_part(data, st),
             *with_closing(rectification_part(data, st), closing_block(st, unit, data.today))]
    n = 0
    for build in (review_appendix, checks_appendix, long_names_appendix):
        part = build(data, st, n + 1)
        if part:
            n += 1
            body += part
    return [*cover(data, st), *contents_page(body, contents or Contents(), st), *body]


__all__ = ["IN_TABLE", "LONG_LIST", "TOWNS_NAMED", "shown", "story", "title_of"]
