"""Export one year of a county to a workbook: every tab's data under the contract's header words (so
it imports back unchanged) and the indicator results laid out for printing.

openpyxl is imported inside the functions that write, so the window pays for it only on export.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
import contextlib
import glob
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from db.copies import clear_leftovers
from db.county import refuse_to_replace
from db.errors import FileExists, KnownError, os_error_text
from db.fields import applies, as_date, clean_text
from db.vocab import (HALL_GRADES, HALL_STATES, HOSPITAL_GRADES, INSTITUTION_TYPES, OWNERSHIP,
                      institution_key)

from reports.excel.vocab import (ACTIVE_FROM, ACTIVE_TO, CODE, COUNTY_COLUMNS, NAME, OWNER, PARENT, TOWNSHIP, TYPE, YEAR,
                                 YEAR_COLUMNS, Column, WorkbookError, has_hall_word, yes_no)
from reports.judge.wording import format_target, format_value, status_text

if TYPE_CHECKING:
    from openpyxl.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    from db.county import CountyFile

    from reports.judge.results import Evaluation

INT_FORMAT = "#,##0"
SHARE_FORMAT = "0.0%"
DATE_FORMAT = "yyyy-mm-dd"
YEAR_FORMAT = "0"
HEADER_FILL = "DDEBF7"
# Indicators whose failing institutions carry a count (activities, techniques), not a share.
_COUNT_FAILING = {"B1", "B2", "B3", "D1", "D2", "D3", "D4", "D5"}
_MAX_CELL_TEXT = 30_000  # Excel holds 32,767 characters in a cell
# Leading characters with which a spreadsheet starts a formula (or, for DDE, a command) when the
# text is typed or read from CSV; the full-width forms are taken as the same by some versions.
FORMULA_STARTS = frozenset("=+-@\t\r＝＋－＠")


def sheet_text(value: Any) -> Any:
    """A value as a cell may hold it, for every workbook the program writes: text loses the
    control characters openpyxl refuses (an ESC or NUL in a name an older file holds would stop
    the export) and the invisible format characters (a U+202E would show a name reversed)."""
    if isinstance(value, str) and not value.isprintable():
        return clean_text(value, lines=True)
    return value


@dataclass(frozen=True)
class Out:
    """One column as written: header, width in characters, number format, value from a row."""

    header: str
    width: float
    fmt: str | None = None
    key: str = ""


def out_column(column: Column, width: float | None = None) -> Out:
    fmt = {"int": INT_FORMAT, "share": SHARE_FORMAT, "date": DATE_FORMAT,
           "year": YEAR_FORMAT, "span": YEAR_FORMAT}.get(column.kind)
    return Out(column.header, width or max(8.0, len(column.header) * 1.6 + 2), fmt, column.key)


SEQ = Out("序号", 6, None, "seq")
_IDENTITY = [SEQ, out_column(NAME, 30), out_column(CODE, 12), out_column(TYPE, 16),
             out_column(TOWNSHIP, 12)]
_YEAR_BY_KEY = {c.key: c for c in YEAR_COLUMNS}

REGISTER = [*_IDENTITY, out_column(PARENT, 28), out_column(OWNER, 10), out_column(YEAR, 8),
            out_column(ACTIVE_FROM, 10), out_column(ACTIVE_TO, 10)]
HALLS = [*_IDENTITY, out_column(YEAR, 8), *(out_column(_YEAR_BY_KEY[k], 14) for k in (
    "has_hall", "hall_state", "hall_grade", "platform_connected", "tcm_corner", "service_place",
    "tech_categories", "tech_items", "visits", "tcm_visits", "hall_area", "hall_consult_rooms",
    "hall_treat_rooms", "hall_treat_area"))]
PERSONNEL = [*_IDENTITY, out_column(YEAR, 8), *(out_column(_YEAR_BY_KEY[k], 14) for k in (
    "physicians", "tcm_physicians", "other_tcm_staff", "tcm_gps", "west_learn_tcm",
    "dept_preventive", "dept_rehab", "dept_infectious", "hospital_grade", "dept_guidance",
    "tech_center", "tcm_dept", "tcm_pharmacy", "decoction_room", "edu_base", "fd_teams",
    "fd_teams_tcm"))]
ACTIVITIES = [SEQ, out_column(NAME, 30), out_column(CODE, 12), Out("活动日期", 12, DATE_FORMAT, "date"),
              Out("活动类型", 12, None, "kind"), Out("活动名称", 30, None, "title"),
              Out("参与人数", 10, INT_FORMAT, "people"), Out("是否中医药内容", 10, None, "tcm_content")]
COUNTY = [out_column(c, 16) for c in COUNTY_COLUMNS]


_ACTIVITY_SQL = """
SELECT i.name, i.code, a.date, a.kind, a.title, a.people, a.tcm_content
FROM activity a JOIN institution i ON i.id = a.institution_id
WHERE a.deleted = 0 AND i.deleted = 0 AND a.date BETWEEN :first AND :last
ORDER BY a.date, i.name, a.kind, a.title, a.rowid
"""


def institution_rows(county: CountyFile, year: int) -> list[dict[str, Any]]:
    """Institutions active in the year, ordered as the window's 机构 tab lists them (type, then
    township and name in pinyin order), with the year's facts."""
    return sorted(({**r, "year": year} for r in county.institutions_in_year(year)),
                  key=institution_key)


def cell_value(key: str, row: dict[str, Any]) -> Any:
    """A stored value as the contract spells it in a cell. A fact the row's type does not fill
    (a value an older file holds) is left blank: it counts for nothing, and a blank cell imports
    back as no change."""
    if not applies("hall_state" if key == "has_hall" else key, row.get("type")):
        return None
    value = row.get(key)
    if key == "type":
        return INSTITUTION_TYPES.get(value, value)
    if key == "has_hall":
        return has_hall_word(row.get("hall_state"))
    if key == "hall_state":
        return HALL_STATES.get(value, value) if value else None
    if key == "hall_grade":
        return HALL_GRADES.get(value, value) if value else None
    if key == "hospital_grade":
        return HOSPITAL_GRADES.get(value, value) if value else None
    if key == "ownership":
        return OWNERSHIP.get(value, value) if value else None
    if key == "date" and value:
        return as_date(value) or value  # a date that is not one (2024-02-30) as its text
    if key in ("platform_connected", "tcm_corner", "service_place", "dept_preventive",
               "dept_rehab", "dept_infectious", "tcm_content", "dept_guidance", "tech_center",
               "tcm_dept", "tcm_pharmacy", "decoction_room", "edu_base"):
        return yes_no(value)
    return value


# ---- writing sheets ------------------------------------------------------------------------------

def styles() -> dict[str, Any]:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="808080")
    return {
        "title": Font(bold=True, size=14),
        "header_font": Font(bold=True),
        "header_fill": PatternFill("solid", fgColor=HEADER_FILL),
        "header_align": Alignment(horizontal="center", vertical="center", wrap_text=True),
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
        "wrap": Alignment(vertical="top", wrap_text=True),
    }


def write_table(ws: Worksheet, title: str, columns: Sequence[Out],
                rows: Iterable[Sequence[Any]], *, wrap: Sequence[int] = ()) -> int:
    """A title row, a header row and the data under it, set up for printing on A4 landscape:
    frozen header, widths, filters, header repeated on every page, fit to the page width.
    Returns the number of the last row written."""
    from openpyxl.utils import get_column_letter

    style = styles()
    ws.append([sheet_text(title)])
    ws.cell(1, 1).font = style["title"]
    if len(columns) > 1:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    ws.append([c.header for c in columns])
    for i, col in enumerate(columns, start=1):
        cell = ws.cell(2, i)
        cell.font, cell.fill = style["header_font"], style["header_fill"]
        cell.alignment, cell.border = style["header_align"], style["border"]
        ws.column_dimensions[get_column_letter(i)].width = col.width
    ws.row_dimensions[2].height = 36
    last = 2
    formats = [(i, c.fmt) for i, c in enumerate(columns, start=1) if c.fmt]
    for values in rows:
        ws.append([sheet_text(v) for v in values])
        last += 1
        for i, fmt in formats:
            ws.cell(last, i).number_format = fmt
        for i in wrap:
            ws.cell(last, i).alignment = style["wrap"]
    ws.freeze_panes = "A3"
    end = get_column_letter(len(columns))
    ws.auto_filter.ref = f"A2:{end}{max(last, 2)}"
    print_setup(ws)
    return last


def help_sheet(ws: Worksheet, text: str) -> None:
    """A 填表说明 sheet: one wrapped line of `text` per row, the first as a title."""
    from openpyxl.styles import Alignment, Font

    ws.column_dimensions["A"].width = 110
    for n, line in enumerate(text.splitlines(), start=1):
        cell = ws.cell(n, 1, sheet_text(line) or None)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if n == 1:
            cell.font = Font(bold=True, size=14)


def print_setup(ws: Worksheet) -> None:
    ws.print_title_rows = "1:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def _institution_sheet(book: Workbook, name: str, title: str, columns: Sequence[Out],
                       rows: list[dict[str, Any]]) -> None:
    ws = book.create_sheet(name)
    write_table(ws, title, columns, (
        [n if c.key == "seq" else cell_value(c.key, row) for c in columns]
        for n, row in enumerate(rows, start=1)))


def _activity_sheet(book: Workbook, county: CountyFile, year: int, title: str) -> None:
    rows = county.query(_ACTIVITY_SQL, {"first": f"{year:04d}-01-01", "last": f"{year:04d}-12-31"})
    ws = book.create_sheet("活动记录")
    write_table(ws, title, ACTIVITIES, (
        [n if c.key == "seq" else cell_value(c.key, row) for c in ACTIVITIES]
        for n, row in enumerate(rows, start=1)))


def _county_sheet(book: Workbook, county: CountyFile, year: int, title: str) -> None:
    found = county.rows("county_year", "year = ?", (year,))
    row = found[0] if found else {"year": year}
    ws = book.create_sheet("全县情况")
    write_table(ws, title, COUNTY, [[row.get(c.key) for c in COUNTY]])


# ---- indicator results ---------------------------------------------------------------------------

RESULT_COLUMNS = [Out("序号", 6), Out("编号", 7), Out("指标名称", 30), Out("实际值", 11),
                  Out("目标", 12), Out("上年", 11), Out("达标情况", 10), Out("差距", 34),
                  Out("未达标机构", 60), Out("未填报机构", 40)]
FAILING_COLUMNS = [Out("序号", 6), Out("编号", 7), Out("指标名称", 30), Out("未达标机构", 32),
                   Out("本机构数值", 12), Out("还差什么", 48)]


def _value_format(kind: str) -> str:
    return {"share": SHARE_FORMAT, "rate": "0.00", "count": "0"}.get(kind, "General")


def _failing_value(indicator_id: str, kind: str, value: float | None) -> str:
    if value is None:
        return "未填报"
    return format_value("count" if indicator_id in _COUNT_FAILING or kind != "share" else "share",
                        value)


def _failing_text(result: Any) -> str:
    parts = [f"{f.institution}（{_failing_value(result.id, result.kind, f.value)}"
             + (f"，{f.gap}" if f.gap else "") + "）" for f in result.failing]
    text = "；".join(parts)
    if len(text) > _MAX_CELL_TEXT:
        text = text[:_MAX_CELL_TEXT].rsplit("；", 1)[0] + f"……共 {len(parts)} 家，详见“未达标机构”表"
    return text


def _results_sheet(book: Workbook, evaluation: Evaluation, title: str) -> None:
    ws = book.create_sheet("指标结果", 0)
    rows = []
    for n, r in enumerate(evaluation.results, start=1):
        rows.append([n, r.id, r.name, r.value, format_target(r.kind, r.target), r.previous_value,
                     status_text(r), r.gap, _failing_text(r),
                     "、".join(f.institution for f in r.not_reported)[:_MAX_CELL_TEXT] or None])
    write_table(ws, title, RESULT_COLUMNS, rows, wrap=(3, 8, 9, 10))
    for i, r in enumerate(evaluation.results, start=3):
        for column in (4, 6):
            cell = ws.cell(i, column)
            cell.number_format = _value_format(r.kind)
            if cell.value is None:
                cell.value = "无数据"
    failing = [[r.id, r.name, f.institution, _failing_value(r.id, r.kind, f.value), f.gap]
               for r in evaluation.results for f in r.failing]
    ws = book.create_sheet("未达标机构", 1)
    write_table(ws, f"{evaluation.county}{evaluation.year}年度未达标机构明细", FAILING_COLUMNS,
                ([n, *row] for n, row in enumerate(failing, start=1)), wrap=(3, 6))


SCORE_COLUMNS = [Out("序号", 6, None, "seq"), Out("条目", 11, None, "code"),
                 Out("编号", 7, None, "id"), Out("评分项", 50, None, "text"),
                 Out("满分", 7, None, "max"), Out("得分", 7, None, "points"),
                 Out("必备", 6, None, "veto"), Out("得分情况", 10, None, "state"),
                 Out("说明", 36, None, "reason")]


def _score_sheet(book: Workbook, evaluation: Evaluation, title: str) -> None:
    """Every item of the standard with its points, the total and the pass mark under them."""
    score = evaluation.score
    if score is None:
        return
    ws = book.create_sheet("评分情况")
    rows = [[n, i.code, i.id, i.text, i.max, i.points, "是" if i.veto else "", i.state, i.reason]
            for n, i in enumerate(score.items, start=1)]
    last = write_table(ws, f"{title}（{score.standard_name}）", SCORE_COLUMNS, rows,
                       wrap=(4, 9))
    verdict = "达到合格线" if score.passed else "未达到示范县标准"
    vetoes = "、".join(f"{i.id}（{i.code}）" for i in score.veto_failures)
    ws.cell(last + 2, 4, f"合计得分 {score.total:g} 分，满分 {score.max:g} 分，合格线 "
            f"{score.pass_mark:g} 分，{verdict}" + (f"；必备项未达到：{vetoes}" if vetoes else "")
            + "。")


CHECK_COLUMNS = [Out("序号", 6), Out("乡镇（街道）", 14), Out("机构", 28), Out("核查项", 24),
                 Out("上年", 10), Out("本年", 10), Out("说明", 30), Out("核实情况", 9),
                 Out("核实说明", 30)]


def _checks_sheet(book: Workbook, county: CountyFile, year: int, title: str) -> None:
    """Every 数据核查 finding of the year (the report prints a summary and names this sheet)."""
    from reports.judge.checks import find_checks

    rows = ([n, f.township, f.institution, f.label, f.previous, f.current, f.detail,
             "已核实" if f.verified else "未核实", f.note or None]
            for n, f in enumerate(find_checks(county, year), start=1))
    write_table(book.create_sheet("数据核查"), title, CHECK_COLUMNS, rows, wrap=(7, 9))


# ---- the workbook --------------------------------------------------------------------------------

def text_not_formula(book: Workbook) -> None:
    """Every cell is written as the value it holds: openpyxl turns text starting with "=" into a
    formula, so a name such as =HYPERLINK(…) typed in the window or brought by an import would
    run in Excel. The program writes no formula of its own, so any formula here is such text.
    Other text (+ - @ ＝ …) is a string cell already, which Excel shows and never evaluates;
    quotePrefix keeps it text if the user edits the cell in Excel."""
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f" and isinstance(cell.value, str):
                    cell.data_type = "s"
                    cell.quotePrefix = True
                elif isinstance(cell.value, str) and cell.value[:1] in FORMULA_STARTS:
                    cell.quotePrefix = True


def save_atomically(book: Workbook, out_path: str | os.PathLike[str]) -> Path:
    """Save beside `out_path`, then rename: a reader never sees half a workbook, and a failed
    save leaves any earlier file as it was. No cell is saved as a formula."""
    text_not_formula(book)
    out = Path(out_path)
    try:
        refuse_to_replace(out)
    except FileExists:
        raise
    except KnownError as exc:  # no such folder, or not a folder: the workbook was not written
        raise WorkbookError(f"无法写入“{out}”：{exc}") from None
    tmp = out.with_name(f".{out.stem}.{os.getpid()}.part.xlsx")
    # What a killed save left beside this workbook goes now (db.copies: once it is old enough).
    clear_leftovers(out.parent, f".{glob.escape(out.stem)}.*.part.xlsx")
    try:
        book.save(tmp)
        os.replace(tmp, out)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        hint = "（如果该文件正在 Excel 中打开，请先关闭）" if out.exists() else ""
        raise WorkbookError(f"无法写入“{out}”：{os_error_text(exc)}{hint}。") from None
    return out


def export_workbook(county: CountyFile, year: int, out_path: str | os.PathLike[str],
                    profile_id: str | None = None) -> Path:
    """Write the year's data and indicator results to `out_path` (.xlsx); returns the path."""
    import openpyxl

    from reports.judge.evaluation import evaluate

    evaluation = evaluate(county, year, profile_id)
    name = county.county_name
    rows = institution_rows(county, year)
    book = openpyxl.Workbook()
    book.remove(book.active)
    _results_sheet(book, evaluation, f"{name}{year}年度 全国基层中医药工作示范县 指标结果"
                   f"（目标方案：{evaluation.profile_name}）")
    _institution_sheet(book, "机构", f"{name}{year}年度 机构名单", REGISTER, rows)
    _institution_sheet(book, "中医馆、中医阁", f"{name}{year}年度 中医馆、中医阁与诊疗情况", HALLS,
                       rows)
    _institution_sheet(book, "人员配备", f"{name}{year}年度 人员配备", PERSONNEL, rows)
    _activity_sheet(book, county, year, f"{name}{year}年度 中医药文化宣传与健康教育活动记录")
    _county_sheet(book, county, year, f"{name}{year}年度 全县情况")
    _score_sheet(book, evaluation, f"{name}{year}年度 评分情况")
    _checks_sheet(book, county, year, f"{name}{year}年度 数据核查（与上年相比变化异常或录入可疑的数据）")
    book.active = 0
    return save_atomically(book, out_path)


# ---- 填报进度: the list a clerk chases townships with ------------------------------------------

_MARK = {True: "✓", False: "缺", None: "—"}
PROGRESS_TOWNS = [Out("序号", 6), Out("乡镇（街道）", 16), Out("应报机构", 10, INT_FORMAT),
                  Out("已填齐", 10, INT_FORMAT), Out("未填报", 10, INT_FORMAT),
                  Out("其中部分填报", 12, INT_FORMAT), Out("沿用待确认", 11, INT_FORMAT),
                  Out("填齐比例", 10, SHARE_FORMAT)]


def export_progress(county: CountyFile, year: int, out_path: str | os.PathLike[str]) -> Path:
    """填报进度 of `year` as a workbook: townships first, then every institution not yet
    complete (most missing first within its township), then everyone, for the phone calls."""
    import openpyxl

    from reports.judge.evaluation import evaluate
    from reports.judge.progress import PARTS

    state = evaluate(county, year).progress  # with the figures the indicators wait for
    name = county.county_name
    book = openpyxl.Workbook()
    book.remove(book.active)
    towns = state.townships
    write_table(book.create_sheet("按乡镇"), f"{name}{year}年度 填报进度（按乡镇）",
                PROGRESS_TOWNS, ([n, t.township, t.institutions, t.complete, t.none, t.partial,
                                  t.carried, t.share] for n, t in enumerate(towns, start=1)))
    columns = [Out("序号", 6), Out("乡镇（街道）", 14), Out("机构名称", 30), Out("机构类型", 14),
               *(Out(label, 10) for label in PARTS.values()), Out("已交部分", 9),
               Out("填报情况", 10), Out("缺少", 30), Out("沿用待确认（项）", 10, INT_FORMAT)]

    def rows(insts: list[Any]) -> Iterable[list[Any]]:
        for n, i in enumerate(insts, start=1):
            yield [n, i.township, i.name, i.type_name, *(_MARK[v] for v in i.parts.values()),
                   f"{i.done}/{i.asked}", i.status, "、".join(i.missing), i.carried or None]

    behind = sorted((i for i in state.institutions if i.status != "已填齐"),
                    key=lambda i: (i.township, i.share, i.name))
    write_table(book.create_sheet("待催报"), f"{name}{year}年度 尚未填齐的机构", columns,
                rows(behind), wrap=(len(columns) - 1,))
    write_table(book.create_sheet("全部机构"), f"{name}{year}年度 填报进度（全部机构）", columns,
                rows(state.institutions))
    book.active = 1 if behind else 0
    return save_atomically(book, out_path)
