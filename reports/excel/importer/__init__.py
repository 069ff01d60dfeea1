"""Import a workbook as bureaus really fill them: read it into a plan that says what would change
(nothing written), then apply the plan in one transaction, or refuse it whole. In steps, one module
each: `workbook` reads the sheets within bounds, `sheets` finds headers and reads rows into
records, `planner` checks each record and plans the changes, `apply` writes them in one
transaction; `plan` is what the steps hand on.

    plan = plan_import(county, "2024年机构数据.xlsx", year=2024)
    print(plan.summary_text())
    if plan.ok:
        apply(plan)

Rules beyond contract.md's vocabulary, decided here:
- A blank cell (or —, -, /) means "not reported in this workbook": the file keeps what it has.
  An Excel sheet therefore never erases a figure; the window does that.
- Institutions are matched by code, else by name and type. A code the file does not know, on a
  name whose institution in the file has another code, is refused rather than guessed at.
- 机构类型 that differs from an existing institution's type is the type for that year
  (`institution_year.inst_type`), so earlier years keep theirs.
- An activity equals one already in the file when institution, date, kind and title agree (titles
  compared as reports.judge.duplicates does); n such rows in the workbook stand for n records, so
  a re-import adds none. Two or more such records are one activity in every count until 数据核查
  marks them 确为两次; the summary names the rows this import adds that are taken so.
- 所属乡镇 is read with the row's 年度: see reports.excel.importer.townships (a change from that
  year; a same-named institution found only in another township is asked about, not guessed).
- A cell merged over several data rows (a 机构类型 or 乡镇 for a township's clinics) counts for
  each row; a row holding nothing but 序号 and 年度 is blank (a template's spare rows).
- 上级机构 and 公立/民营, shown on the 机构 tab and written by the export, are read too.

openpyxl is imported only when a workbook is read, so importing this module costs the window
nothing at start-up.
"""

from __future__ import annotations

from collections.abc import Callable
import os
from pathlib import Path
from typing import TYPE_CHECKING

from reports.excel.importer.apply import apply
from reports.excel.importer.plan import (ImportPlan, ImportRefused, Origin, Refusal, Row,
                                         RowRefused, fingerprint)
from reports.excel.importer.planner import Planner
from reports.excel.importer.sheets import (Sheet, column_order, identify, is_decoration,
                                           is_skipped, missing_columns, read_row)
from reports.excel.importer.workbook import check_file, read_rows, read_sheets
from reports.excel.vocab import WorkbookError, is_blank

if TYPE_CHECKING:
    from db.county import CountyFile

__all__ = ["ImportPlan", "ImportRefused", "Origin", "Refusal", "apply", "import_workbook",
           "plan_import", "read_rows"]


def plan_import(county: CountyFile, path: str | os.PathLike[str], *, year: int | None = None,
                progress: Callable[[int, int], None] | None = None,
                moves: str | dict[tuple[str, int], str] | None = None) -> ImportPlan:
    """Read a workbook into a plan; nothing is written. Raises WorkbookError for a workbook that
    cannot be read at all; row problems are `plan.refusals`. `year` fills rows without 年度.
    `progress(done, total)` is called now and then with rows processed. `moves` answers the
    rows that may be an institution moved to another township ("move" or "new" for all, or per
    (sheet, row)); unanswered ones are `plan.undecided`."""
    path = Path(path)
    check_file(path)
    plan = ImportPlan(county, path, year, fingerprint=fingerprint(county), move_decisions=moves)
    raws, plan.hidden_sheets = read_sheets(path, uncalculated=True)
    sheets = [s for raw in raws if (s := identify(raw, plan))]
    if not sheets:
        hidden = "、".join(f"“{n}”" for n in plan.hidden_sheets)
        found = "、".join(f"“{raw.name}”" for raw in raws)
        raise WorkbookError(f"工作簿“{path.name}”中没有可识别的工作表：需要有“机构名称”“活动日期”"
                            "或“常住人口”等表头，未导入。"
                            + (f"找到的工作表：{found}，其中没有这些表头。" if found else "")
                            + (f"（隐藏的工作表{hidden}未读取：如需导入，请在 Excel 中取消隐藏。）"
                               if hidden else ""))
    planner = Planner(county, plan)
    order = {"institution": 0, "county": 1, "activity": 2}
    total = sum(len(s.rows) - s.header_row - 1 for s in sheets)
    done = 0
    for sheet in sorted(sheets, key=lambda s: order[s.kind]):
        if missing_columns(sheet, plan):
            continue
        handle = {"institution": planner.institution_row, "county": planner.county_row,
                  "activity": planner.activity_row}[sheet.kind]
        for index in range(sheet.header_row + 1, len(sheet.rows)):
            _plan_row(plan, sheet, index, handle)
            done += 1
            if progress is not None and done % 500 == 0:
                progress(done, total)
    planner.resolve_parents()
    planner.resolve_townships()
    planner.note_duplicates()
    planner.note_other_years()
    plan.unreported = planner.unreported()
    if progress is not None:
        progress(total, total)
    return plan


def _plan_row(plan: ImportPlan, sheet: Sheet, index: int,
              handle: Callable[[Row], None]) -> None:
    row = sheet.rows[index]
    number = index + 1  # as Excel shows it
    read: Row | None = None
    if all(is_blank(v) for c, v in enumerate(row) if c not in sheet.fillers):
        return  # blank rows (a template's spare rows) are not worth a mention
    plan.rows_read += 1
    if is_skipped(sheet, row) or (index <= sheet.header_row + 3 and is_decoration(row)):
        plan.rows_skipped += 1
        return
    try:
        read = read_row(sheet, number, row)
        handle(read)
    except RowRefused as refused:
        found = refused.refusals + (read.unread if read is not None else [])
        places = column_order(sheet)
        plan.refusals += sorted(found, key=lambda r: places.get(r.column, len(places)))
        plan.refused_rows.add((sheet.name, number))
        return
    plan.rows_accepted += 1


def import_workbook(county: CountyFile, path: str | os.PathLike[str], *, year: int | None = None,
                    dry_run: bool = False,
                    moves: str | dict[tuple[str, int], str] | None = None) -> ImportPlan:
    """Plan and, unless `dry_run` or refused, apply. Returns the plan (its summary says what)."""
    plan = plan_import(county, path, year=year, moves=moves)
    if plan.ok and not dry_run:
        apply(plan)
    return plan
