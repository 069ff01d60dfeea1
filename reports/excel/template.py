"""A fill-in workbook for institutions: their rows pre-filled, drop-downs for every yes/no and state
column, whole-number checks on counts, locked headers, instructions, and an activity log. Filled
in and sent back, it imports with no manual step.
"""

from __future__ import annotations

from collections.abc import Sequence
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from db.fields import FILLED_BY, applies
from db.vocab import ACTIVITY_KINDS, HALL_GRADES, HALL_STATES, HOSPITAL_GRADES, INSTITUTION_TYPES

from reports.excel.export import (DATE_FORMAT, INT_FORMAT, SEQ, Out, cell_value, help_sheet,
                                  institution_rows, out_column, print_setup, save_atomically,
                                  sheet_text, styles)
from reports.excel.vocab import (ACTIVE_FROM, ACTIVE_TO, SPAN_MIN, CODE, NAME, PARENT, TOWNSHIP, TYPE, YEAR, YEAR_COLUMNS, YEAR_MAX, YEAR_MIN,
                                 YES_NO, Column, WorkbookError, match_key)

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from db.county import CountyFile

INSTITUTION_SHEET = "机构年度数据"
ACTIVITY_SHEET = "活动记录"
HELP_SHEET = "填表说明"
SPARE_INSTITUTION_ROWS = 30  # for institutions the file does not know yet
# A county starting from an empty register lists every institution in the template: a county
# has 100–700 (README of the domain), all of them with the drop-downs and checks.
EMPTY_REGISTER_ROWS = 800


def _spare(rows: Sequence[object]) -> int:
    return SPARE_INSTITUTION_ROWS if rows else EMPTY_REGISTER_ROWS
ACTIVITY_ROWS = 500
FIRST_DATA_ROW = 4  # title, group headers, headers

_BY_KEY = {c.key: c for c in YEAR_COLUMNS}
# Group headers over the columns (a second header row, as bureau forms have).
GROUPS: list[tuple[str, list[Column]]] = [
    ("基本情况", [NAME, CODE, TYPE, TOWNSHIP, PARENT, YEAR, ACTIVE_FROM, ACTIVE_TO]),
    ("中医馆、中医阁", [_BY_KEY[k] for k in ("has_hall", "hall_state", "hall_grade",
                                          "platform_connected", "tcm_corner", "service_place")]),
    ("服务能力", [_BY_KEY[k] for k in ("tech_categories", "tech_items", "visits", "tcm_visits")]),
    ("人员配备", [_BY_KEY[k] for k in ("physicians", "tcm_physicians", "other_tcm_staff",
                                    "tcm_gps", "west_learn_tcm")]),
    ("县级中医医院科室设置", [_BY_KEY[k] for k in ("dept_preventive", "dept_rehab",
                                             "dept_infectious")]),
    ("中医馆建设情况", [_BY_KEY[k] for k in ("hall_area", "hall_consult_rooms", "hall_treat_rooms",
                                         "hall_treat_area")]),
    ("医院等级与科室", [_BY_KEY[k] for k in ("hospital_grade", "dept_guidance", "tech_center",
                                         "tcm_dept", "tcm_pharmacy", "decoction_room",
                                         "edu_base")]),
    ("家庭医生团队", [_BY_KEY[k] for k in ("fd_teams", "fd_teams_tcm")]),
]
_WIDTHS = {"name": 30, "code": 14, "type": 16, "township": 12, "parent": 24, "year": 8, "active_from": 9,
           "active_to": 9}

HELP_TEXT = """\
填表说明

一、本工作簿有两张要填写的表：“机构年度数据”（每家机构一行）和“活动记录”（每次活动一行）。填好后交回县卫生健康局中医股，由中医股导入本县的数据文件。

二、“机构年度数据”表中已经列出本县（或本乡镇）的机构。请在本机构所在行填写，不要改动表头（第1–3行），也不要删除或调换列。
  1. 机构名称、机构代码请不要修改；本表没有列出的机构，请在表格下方的空行中填写，并必须选择“机构类型”。村卫生室、社区卫生服务站请在“上级机构”中填写管理它的乡镇卫生院或社区卫生服务中心的名称（与本表中的名称一致）。
  2. “是否……”各列请点击单元格右侧的下拉箭头，选择“是”或“否”。
  3. 中医馆达标情况请从下拉列表中选择：未建、已建未达标、达标、提档升级；中医馆等级选择：普通、精品、示范。未设置中医馆的机构，“是否设置中医馆”选“否”，达标情况和等级不填。
  4. 人数、人次、类数、项数请填写整数（不要填“约”“以上”等文字，也不要带单位）。不知道或不适用的，请留空，不要填0。
  5. 数字之间必须合乎常理，否则整张表无法导入：中医类别医师数不能多于执业（助理）医师总数；中医诊疗人次不能多于总诊疗人次；适宜技术类数不能多于项数；西学中人数不能多于非中医类别医师数。
  6. 每类机构只填本类机构的列（见下面第三部分；本表中不需本机构填写的格子为灰色）。填了本类机构不填的列，整张表无法导入，程序会指出是哪一行哪一列、为什么。
  7. 设置中医馆的机构请填写中医馆面积、中医诊室数、中医治疗室数和治疗室面积（平方米，整数）。“提档升级”的中医馆须四项填齐，程序据此核实（面积不少于300平方米、诊室不少于3间、治疗室不少于2间且面积不少于40平方米、中医类别医师占25%以上、6类以上中医药服务）；缺一项即按“未填报”，不按“达标情况”一栏认定。
  8. 家庭医生团队数填本机构全部团队数；其中有中医药人员的团队数不能多于团队总数。
  9. “启用年度”填机构开始统计的年份（新设立的机构请填写；不填则从表中该机构最早的年度算起）；机构撤并、停业的，在“停用年度”填最后一个统计年份。没有变化的留空。没有交回某家机构的数据，不会被当作停用。

{by_type}

四、“活动记录”表：每次中医药文化宣传或健康教育活动填写一行。
  1. 活动日期填写年-月-日，例如 2024-03-05（也可写 2024/3/5 或 2024年3月5日）。
  2. 活动类型从下拉列表中选择：宣传栏更换、健康咨询、健康讲座、文字资料、音像资料、义诊、进校园、传统健身（八段锦、太极拳等）、其他。
  3. 同一种文字资料或音像资料请每次使用相同的活动名称，以便统计种类数。
  4. 活动内容不是中医药的，“是否中医药内容”选“否”。

五、请不要合并单元格，不要在表格中间插入合计行。表格下方如需说明，请在“备注：”后书写。

六、同一份表重复导入不会产生重复数据；如有改动，修改后重新交回即可。
"""


def _by_type() -> str:
    """Which columns each type of institution fills, from the file's own rule (db.fields), so the
    instructions and the refusals never disagree."""
    header = {c.key: c.header for c in YEAR_COLUMNS}
    common = [header[k] for k in header if k != "has_hall" and k not in FILLED_BY]
    groups: dict[tuple[str, ...], list[str]] = {}
    for key in header:
        rule = FILLED_BY.get("hall_state" if key == "has_hall" else key)
        if rule is not None:
            groups.setdefault(rule[0], []).append(header[key])
    lines = ["三、各类机构填写哪些列（除基本情况外）：",
             "  各类机构都填：" + "、".join(common) + "（本机构没有的留空）。"]
    for types, headers in groups.items():
        lines.append(f"  {'、'.join(INSTITUTION_TYPES[t] for t in types)}另填："
                     + "、".join(headers) + "。")
    lines.append("  其他各列本机构不填：例如社区卫生服务站、村卫生室设中医阁而不设中医馆，"
                 "不填中医馆的各列。")
    return "\n".join(lines)


def _template_columns() -> list[Out]:
    return [SEQ, *(out_column(c, _WIDTHS.get(c.key, 13)) for _, cols in GROUPS for c in cols)]


def _validations(ws: Worksheet, columns: Sequence[Out], first: int, last: int) -> None:
    """Drop-downs for yes/no, state, grade and type columns; whole-number checks on counts."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    def add(dv: DataValidation, index: int) -> None:
        letter = get_column_letter(index)
        dv.add(f"{letter}{first}:{letter}{last}")
        ws.add_data_validation(dv)

    def choice(words: Sequence[str], what: str) -> DataValidation:
        return DataValidation(type="list", formula1='"' + ",".join(words) + '"', allow_blank=True,
                              showErrorMessage=True, errorTitle="请从下拉列表中选择",
                              error=f"{what}只能填：{'、'.join(words)}")

    kinds = {c.key: c.kind for _, cols in GROUPS for c in cols}
    for index, out in enumerate(columns, start=1):
        kind = kinds.get(out.key)
        if kind == "bool":
            add(choice(YES_NO, out.header), index)
        elif kind == "state":
            add(choice(list(HALL_STATES.values()), out.header), index)
        elif kind == "grade":
            add(choice(list(HALL_GRADES.values()), out.header), index)
        elif kind == "hgrade":
            add(choice(list(HOSPITAL_GRADES.values()), out.header), index)
        elif kind == "type":
            add(choice(list(INSTITUTION_TYPES.values()), out.header), index)
        elif kind == "int":
            add(DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0",
                               allow_blank=True, showErrorMessage=True, errorTitle="请填写整数",
                               error=f"{out.header}应为不小于0的整数"), index)
        elif kind == "span":
            add(DataValidation(type="whole", operator="between", formula1=str(SPAN_MIN),
                               formula2=str(YEAR_MAX), allow_blank=True, showErrorMessage=True,
                               errorTitle="请填写年份",
                               error=f"{out.header}应在{SPAN_MIN}–{YEAR_MAX}之间"), index)
        elif kind == "year":
            add(DataValidation(type="whole", operator="between", formula1=str(YEAR_MIN),
                               formula2=str(YEAR_MAX), allow_blank=True, showErrorMessage=True,
                               errorTitle="请填写年度", error=f"年度应在{YEAR_MIN}–{YEAR_MAX}之间"),
                index)


def _protect(ws: Worksheet, first: int, last: int, width: int) -> None:
    """Lock the header rows; every data cell stays editable. No password: the bureau may need
    to unprotect a sheet, and the lock is against slips, not people."""
    from openpyxl.styles import Protection

    unlocked = Protection(locked=False)
    for row in ws.iter_rows(min_row=first, max_row=last, min_col=1, max_col=width):
        for cell in row:
            cell.protection = unlocked
    ws.protection.sheet = True
    # Allowed even while protected: widen columns and rows, filter and sort.
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.autoFilter = False
    ws.protection.sort = False


def _headers(ws: Worksheet, title: str, columns: Sequence[Out]) -> None:
    """Title (row 1), group headers (row 2), column headers (row 3)."""
    from openpyxl.utils import get_column_letter

    style = styles()
    ws.cell(1, 1, sheet_text(title)).font = style["title"]
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    start = 2  # column B: 序号 stands alone in column A
    for group, cols in GROUPS:
        ws.cell(2, start, group)
        if len(cols) > 1:
            ws.merge_cells(start_row=2, start_column=start, end_row=2,
                           end_column=start + len(cols) - 1)
        start += len(cols)
    for index, out in enumerate(columns, start=1):
        ws.cell(3, index, out.header)
        ws.column_dimensions[get_column_letter(index)].width = out.width
    for row in (2, 3):
        for index in range(1, len(columns) + 1):
            cell = ws.cell(row, index)
            cell.font, cell.fill = style["header_font"], style["header_fill"]
            cell.alignment, cell.border = style["header_align"], style["border"]
    ws.row_dimensions[3].height = 48


def _institution_sheet(ws: Worksheet, title: str, year: int, rows: list[dict[str, Any]]) -> None:
    from openpyxl.styles import PatternFill

    columns = _template_columns()
    _headers(ws, title, columns)
    formats = {i: out.fmt for i, out in enumerate(columns, start=1)
               if out.fmt in (INT_FORMAT,)}
    grey = PatternFill("solid", fgColor="E4E4E4")
    for n, row in enumerate(rows, start=1):
        r = FIRST_DATA_ROW + n - 1
        for index, out in enumerate(columns, start=1):
            value = n if out.key == "seq" else cell_value(out.key, row)
            if value is not None:
                ws.cell(r, index, sheet_text(value))
            if index in formats:
                ws.cell(r, index).number_format = formats[index]
            if not applies("hall_state" if out.key == "has_hall" else out.key, row.get("type")):
                ws.cell(r, index).fill = grey  # this institution does not fill it
    last = FIRST_DATA_ROW + len(rows) + _spare(rows) - 1
    year_col = next(i for i, out in enumerate(columns, start=1) if out.key == "year")
    for r in range(FIRST_DATA_ROW + len(rows), last + 1):
        # Spare rows carry the year: a clerk adding an institution types nothing more for it.
        ws.cell(r, year_col, year)
    _validations(ws, columns, FIRST_DATA_ROW, last)
    _protect(ws, FIRST_DATA_ROW, last, len(columns))
    ws.freeze_panes = ws.cell(FIRST_DATA_ROW, 3)
    print_setup(ws)
    ws.print_title_rows = f"1:{FIRST_DATA_ROW - 1}"


ACTIVITY_COLUMNS = [SEQ, out_column(NAME, 30), Out("活动日期", 13, DATE_FORMAT, "date"),
                    Out("活动类型", 13, None, "kind"), Out("活动名称", 32, None, "title"),
                    Out("参与人数", 10, INT_FORMAT, "people"),
                    Out("是否中医药内容", 10, None, "tcm_content")]


def _activity_sheet(ws: Worksheet, title: str, year: int, names_ref: str | None) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    style = styles()
    columns = ACTIVITY_COLUMNS
    ws.cell(1, 1, sheet_text(title)).font = style["title"]
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    ws.cell(2, 1, "每次活动填一行；日期写成 2024-03-05；活动类型、是否中医药内容请从下拉列表中选择。"
            ).font = Font(color="555555")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(columns))
    for index, out in enumerate(columns, start=1):
        cell = ws.cell(3, index, out.header)
        cell.font, cell.fill = style["header_font"], style["header_fill"]
        cell.alignment, cell.border = style["header_align"], style["border"]
        ws.column_dimensions[get_column_letter(index)].width = out.width
    first, last = FIRST_DATA_ROW, FIRST_DATA_ROW + ACTIVITY_ROWS - 1
    for r in range(first, last + 1):
        ws.cell(r, 3).number_format = DATE_FORMAT

    def add(dv: DataValidation, column: int) -> None:
        letter = get_column_letter(column)
        dv.add(f"{letter}{first}:{letter}{last}")
        ws.add_data_validation(dv)

    if names_ref:
        # A suggestion list only: an institution added below the list must still be accepted.
        add(DataValidation(type="list", formula1=names_ref, allow_blank=True,
                           showErrorMessage=False), 2)
    add(DataValidation(type="date", operator="between", formula1=f"DATE({year},1,1)",
                       formula2=f"DATE({year},12,31)", allow_blank=True, showErrorMessage=True,
                       errorStyle="warning", errorTitle="日期不在本年度",
                       error=f"活动日期一般应在{year}年内，确认无误可继续。"), 3)
    add(DataValidation(type="list", formula1='"' + ",".join(ACTIVITY_KINDS) + '"',
                       allow_blank=True, showErrorMessage=True, errorTitle="请从下拉列表中选择",
                       error="活动类型只能填：" + "、".join(ACTIVITY_KINDS)), 4)
    add(DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0",
                       allow_blank=True, showErrorMessage=True, errorTitle="请填写整数",
                       error="参与人数应为不小于0的整数"), 6)
    add(DataValidation(type="list", formula1='"是,否"', allow_blank=True, showErrorMessage=True,
                       errorTitle="请从下拉列表中选择", error="只能填“是”或“否”"), 7)
    _protect(ws, first, last, len(columns))
    ws.freeze_panes = ws.cell(FIRST_DATA_ROW, 1)
    print_setup(ws)
    ws.print_title_rows = f"1:{FIRST_DATA_ROW - 1}"


def write_template(county: CountyFile, year: int, out_path: str | os.PathLike[str],
                   town: str | None = None) -> Path:
    """Write the fill-in workbook for `year` (of one township or street if `town`)."""
    import openpyxl

    rows = institution_rows(county, year)
    if town is not None:
        rows = [r for r in rows if match_key(r.get("township") or "") == match_key(town)]
        if not rows:
            towns = sorted({r["township"] for r in institution_rows(county, year)
                            if r.get("township")})
            raise WorkbookError(f"没有属于“{town}”的机构。本县的乡镇（街道）有："
                                f"{'、'.join(towns) or '（无）'}。")
    place = f"{county.county_name}{town or ''}"
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = INSTITUTION_SHEET
    _institution_sheet(ws, f"{place}{year}年度 基层中医药工作机构数据填报表", year, rows)
    last_name_row = FIRST_DATA_ROW + len(rows) + _spare(rows) - 1
    names_ref = f"'{INSTITUTION_SHEET}'!$B${FIRST_DATA_ROW}:$B${last_name_row}"
    _activity_sheet(book.create_sheet(ACTIVITY_SHEET),
                    f"{place}{year}年度 中医药文化宣传与健康教育活动记录", year, names_ref)
    help_sheet(book.create_sheet(HELP_SHEET), HELP_TEXT.format(by_type=_by_type()))
    return save_atomically(book, out_path)
