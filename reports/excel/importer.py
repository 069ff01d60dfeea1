"""Import a workbook as bureaus really fill them: read it into a plan that says what would change
(nothing written), then apply the plan in one transaction, or refuse it whole.

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
- An activity equals one already in the file when institution, date, kind and title agree; n such
  rows in the workbook stand for n activities, so a real repeat is kept and a re-import adds none.
- A cell merged over several data rows (a 机构类型 or 乡镇 for a township's clinics) counts for
  each row; a row holding nothing but 序号 and 年度 is blank (a template's spare rows).
- 上级机构 and 公立/民营, shown on the 机构 tab and written by the export, are read too.

openpyxl is imported only when a workbook is read, so importing this module costs the window
nothing at start-up.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
import contextlib
from dataclasses import dataclass, field
import datetime as _dt
import functools
import os
from pathlib import Path
import re
from typing import TYPE_CHECKING, Any
import warnings

from db import fields as db_fields
from db.backups import make_backup
from db.county import uncarry
from db.errors import KnownError, ValidationError
# Planning checks rows with `validate`; applying relies on the store, which uses db_fields.
from db.fields import FIELDS, label as field_label, validate
from db.vocab import HALL_GRADES, HALL_STATES, HOSPITAL_GRADES, INSTITUTION_TYPES, OWNERSHIP

from reports.excel.vocab import (ACTIVITY_COLUMNS, MAX_BYTES, MAX_COLUMNS, MAX_MERGED_CELLS,
                                 MAX_OTHER_PART, MAX_PARTS, MAX_ROWS, MAX_SHEET_PART,
                                 MAX_STRINGS_PART, MAX_UNPACKED, MAX_XML_ELEMENTS, NAME,
                                 SHEET_COLUMNS, YEAR_COLUMNS, YEAR_KEYS, BadValue, Column,
                                 WorkbookError, clean_text, header_key, is_blank, is_ignored,
                                 match_key, read_cell, recognise, shorten)
from reports.judge.wording import number, percent

if TYPE_CHECKING:
    from db.county import CountyFile

HEADER_SEARCH_ROWS = 10
# Sheets the program's own workbooks carry beside the data; not worth a mention when ignored.
OWN_SHEETS = ("指标结果", "未达标机构", "评分情况", "填表说明")
WITH_HALL = tuple(state for state in HALL_STATES if state != "none")
_ZIP_MAGIC = b"PK\x03\x04"
# Encrypted (password-protected) .xlsx files and old .xls files are both OLE compound files.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_TOTALS = ("合计", "总计", "小计")
_NOTE_PREFIXES = ("填表说明", "备注", "注:", "注：", "说明:", "说明：")

# Fields a cross-field rule ties together: when the file's value breaks the rule, the refusal
# names the column of this row that took part in it.
_PARTNERS = {
    "tcm_physicians": ("physicians", "west_learn_tcm"),
    "physicians": ("tcm_physicians", "west_learn_tcm"),
    "west_learn_tcm": ("physicians", "tcm_physicians"),
    "tcm_visits": ("visits",),
    "tech_categories": ("tech_items",),
    "hall_grade": ("hall_state", "has_hall"),
    "elderly_managed": ("elderly_population",),
    "infant_managed": ("infant_population",),
    "alliance_population": ("resident_population",),
    "elderly_population": ("resident_population", "elderly_managed"),
    "infant_population": ("resident_population", "infant_managed"),
}


# ---- what the plan reports ----------------------------------------------------------------------

@dataclass(frozen=True)
class Origin:
    """Where a value came from: sheet, row number as Excel shows it, column header."""

    sheet: str
    row: int
    column: str


@dataclass(frozen=True)
class Refusal:
    sheet: str
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"工作表“{self.sheet}”第 {self.row} 行"
        return f"{where}“{self.column}”列：{self.reason}" if self.column else f"{where}：{self.reason}"


@dataclass(frozen=True)
class FieldChange:
    field: str  # the Chinese label
    old: str
    new: str


@dataclass(frozen=True)
class RecordChange:
    what: str  # "青石镇卫生院 2024年", "全县 2024年", "活动 …"
    fields: tuple[FieldChange, ...]

    def __str__(self) -> str:
        return f"{self.what}：" + "；".join(f"{c.field} {c.old} → {c.new}" for c in self.fields)


class ImportRefused(KnownError):
    """The plan has refused rows; nothing was written."""

    def __init__(self, plan: ImportPlan):
        first = plan.refusals[0] if plan.refusals else ""
        super().__init__(f"导入未执行：{len(plan.refusals)} 处问题（首个：{first}），"
                         "文件未作任何修改。")
        self.plan = plan


# ---- records as the plan sees them ---------------------------------------------------------------

@dataclass(eq=False)
class _Record:
    """One record of the file (or a new one), with the values the workbook would give it."""

    table: str
    id: str
    existing: dict[str, Any] | None  # the record as in the file; None for a new one
    values: dict[str, Any]  # the whole record after the workbook
    what: Callable[[], str]
    origins: dict[str, Origin] = field(default_factory=dict)  # fields the workbook set
    revive: bool = False  # a deleted record at this id comes back

    @property
    def is_new(self) -> bool:
        return self.existing is None

    def changes(self) -> dict[str, Any]:
        """Fields to write: for a new record, every value it has if the workbook gave any."""
        if self.existing is None:
            return {k: v for k, v in self.values.items() if v is not None} if self.origins else {}
        return {k: v for k, v in self.values.items() if self.existing.get(k) != v}


def _blank_record(table: str) -> dict[str, Any]:
    return {f.name: f.default for f in FIELDS[table]}


def _fields_of(table: str, row: dict[str, Any]) -> dict[str, Any]:
    return {f.name: row.get(f.name) for f in FIELDS[table]}


@dataclass
class _Row:
    sheet: str
    number: int
    headers: dict[str, str]  # column key → the header as written in the workbook
    values: dict[str, Any]

    def origin(self, key: str) -> Origin:
        return Origin(self.sheet, self.number, self.headers.get(key) or _header_word(key))

    def origins(self) -> dict[str, Origin]:
        return {k: self.origin(k) for k in self.values}


@functools.cache
def _header_word(key: str) -> str:
    for columns in SHEET_COLUMNS.values():
        for col in columns:
            if col.key == key:
                return col.header
    for table in ("institution_year", "county_year", "activity", "institution"):
        if any(f.name == key for f in FIELDS[table]):
            return field_label(table, key)
    return key


class _RowRefused(Exception):
    def __init__(self, refusals: list[Refusal]):
        super().__init__(refusals)
        self.refusals = refusals


# ---- the plan ------------------------------------------------------------------------------------

@dataclass
class ImportPlan:
    """What importing a workbook would do. Nothing is written until `apply(plan)`."""

    county: CountyFile
    source: Path
    year: int | None
    institutions: list[_Record] = field(default_factory=list)
    year_records: list[_Record] = field(default_factory=list)
    county_records: list[_Record] = field(default_factory=list)
    new_activities: list[tuple[dict[str, Any], _Row]] = field(default_factory=list)
    activity_updates: list[_Record] = field(default_factory=list)
    unknown_columns: list[tuple[str, str]] = field(default_factory=list)  # (sheet, header)
    ignored_sheets: list[str] = field(default_factory=list)
    hidden_sheets: list[str] = field(default_factory=list)  # not read at all
    refusals: list[Refusal] = field(default_factory=list)
    rows_read: int = 0
    rows_skipped: int = 0
    rows_accepted: int = 0
    refused_rows: set[tuple[str, int]] = field(default_factory=set)
    fingerprint: int = 0
    institution_names: dict[str, str] = field(default_factory=dict)  # id → name, for the summary
    unreported: dict[int, list[str]] = field(default_factory=dict)  # year → names still 未填报
    after_end: dict[str, int] = field(default_factory=dict)  # name → a year after its 停用年度

    @property
    def ok(self) -> bool:
        return not self.refusals

    @property
    def new_institutions(self) -> list[str]:
        return [f"{r.values['name']}（{INSTITUTION_TYPES[r.values['type']]}）"
                for r in self.institutions if r.is_new]

    @property
    def updated(self) -> list[RecordChange]:
        """Every record the import would change, with old → new per field (new records too)."""
        out = []
        for rec in (*self.institutions, *self.year_records, *self.county_records,
                    *self.activity_updates):
            changes = rec.changes()
            if rec.table == "institution" and rec.is_new:
                continue  # listed among the new institutions
            if changes:
                old = rec.existing or {}
                out.append(RecordChange(rec.what(), tuple(
                    FieldChange(field_label(rec.table, k),
                                self.show_value(rec.table, k, old.get(k)),
                                self.show_value(rec.table, k, v))
                    for k, v in changes.items() if k not in ("institution_id", "year"))))
        return [c for c in out if c.fields]

    @property
    def activities_added(self) -> int:
        return len(self.new_activities)

    @property
    def has_changes(self) -> bool:
        return bool(self.new_activities or any(
            r.changes() for r in (*self.institutions, *self.year_records, *self.county_records,
                                  *self.activity_updates)))

    def show_value(self, table: str, key: str, value: Any) -> str:
        """A stored value as the summary shows it: Chinese words, percentages, 未填."""
        if value is None:
            return "未填"
        kind = next(f.kind for f in FIELDS[table] if f.name == key)
        if kind == "bool":
            return "是" if value else "否"
        if key in ("type", "inst_type"):
            return INSTITUTION_TYPES.get(value, str(value))
        if key == "hall_state":
            return HALL_STATES.get(value, str(value))
        if key == "hall_grade":
            return HALL_GRADES.get(value, str(value))
        if key == "hospital_grade":
            return HOSPITAL_GRADES.get(value, str(value))
        if key == "ownership":
            return OWNERSHIP.get(value, str(value))
        if key == "parent_id":
            return self.institution_names.get(value, str(value))
        if kind == "share":
            return percent(value)
        if kind == "int":
            return number(value)
        return str(value)

    def summary_lines(self, limit: int = 50, refusal_limit: int = 500) -> list[str]:
        """The summary the user reads before anything is written, in Chinese; each list is cut
        after `limit` lines (refusals after `refusal_limit`) with a count of the rest."""
        counts = (f"读取 {self.rows_read} 行：可导入 {self.rows_accepted} 行，"
                  f"跳过 {self.rows_skipped} 行（合计、说明等），拒绝 {len(self.refused_rows)} 行。")
        lines = [f"工作簿：{self.source.name}", counts]
        if self.refusals:
            lines.append(f"有 {len(self.refusals)} 处问题，整个工作簿不会导入，请改正后再导入：")
            lines += _capped([f"  {r}" for r in self.refusals], refusal_limit)
        new = self.new_institutions
        lines.append(f"新增机构：{len(new)} 家" + ("" if new else "。"))
        lines += _capped([f"  {n}" for n in new], limit)
        updated = self.updated
        lines.append(f"数据有变化的记录：{len(updated)} 条" + ("" if updated else "。"))
        lines += _capped([f"  {c}" for c in updated], limit)
        lines.append(f"新增宣传活动：{self.activities_added} 条。")
        if self.after_end:
            lines.append("以下机构已停用，表中却有停用之后年度的数据（导入但不计入统计；若机构仍在运行，"
                         "请在“机构”页恢复或修改停用年度）：" + "、".join(
                             f"{n}（{y}年）" for n, y in self.after_end.items()))
        for year, names in self.unreported.items():
            if names:
                shown = "、".join(names[:limit]) + (f" 等 {len(names)} 家" if len(names) > limit
                                                     else "")
                lines.append(f"{year}年仍未填报的机构：{len(names)} 家（{shown}）。请补报，"
                             "或在“机构”页记录其停用年度。")
        if self.unknown_columns:
            lines.append("未识别的列（已忽略）：" + "；".join(
                f"{sheet}“{header}”" for sheet, header in self.unknown_columns))
        if self.ignored_sheets:
            lines.append("未识别的工作表（已忽略）：" + "、".join(self.ignored_sheets))
        if self.hidden_sheets:
            lines.append("隐藏的工作表（未导入）：" + "、".join(self.hidden_sheets))
        if self.ok and not self.has_changes:
            lines.append("文件中已有这些数据，导入不会改变任何内容。")
        return lines

    def summary_text(self, limit: int = 50, refusal_limit: int = 500) -> str:
        return "\n".join(self.summary_lines(limit, refusal_limit))


def _capped(lines: list[str], limit: int) -> list[str]:
    if len(lines) <= limit:
        return lines
    return [*lines[:limit], f"  ……另有 {len(lines) - limit} 条"]


# ---- reading the workbook ------------------------------------------------------------------------

def _check_file(path: Path) -> None:
    """Refuse, by size and first bytes, what openpyxl cannot or should not open."""
    name = path.name
    if not path.exists():
        raise WorkbookError(f"找不到工作簿“{path}”。")
    if path.is_dir():
        raise WorkbookError(f"“{name}”是一个文件夹，不是 Excel 工作簿。")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise WorkbookError(f"工作簿“{name}”太大（{size / 1024 / 1024:.0f} MB，上限 "
                            f"{MAX_BYTES // 1024 // 1024} MB），未导入。请拆分后再导入。")
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise WorkbookError(f"无法读取工作簿“{name}”：{exc.strerror or exc}。") from None
    if head.startswith(_OLE_MAGIC):
        raise WorkbookError(f"工作簿“{name}”设有打开密码（已加密），或是旧版 .xls 文件，无法读取。"
                            "请在 Excel 中取消密码并另存为 .xlsx 后再导入。")
    if not head.startswith(_ZIP_MAGIC):
        raise WorkbookError(f"“{name}”不是 Excel 工作簿（.xlsx），未导入。")


_MERGE = re.compile(rb'<mergeCell ref="([A-Z]{1,3}[0-9]+:[A-Z]{1,3}[0-9]+)"')
_Box = tuple[int, int, int, int]  # min_col, min_row, max_col, max_row (1-based)


@dataclass
class _RawSheet:
    name: str
    rows: list[tuple[Any, ...]]
    merges: list[_Box]


_CHUNK = 1 << 20
_MAX_MERGES = 50_000
_MAX_ROW_NUMBER = 1_048_576  # Excel's last row
_MB = 1024 * 1024


def _sheet_xml(book: Any, ws: Any) -> Any:
    """The sheet's XML as a stream: openpyxl 3.1's archive and sheet path (the version is
    pinned), because read-only mode keeps neither the merged ranges nor a bounded row reader."""
    return book._archive.open(ws._worksheet_path)


def _scan_sheet(book: Any, ws: Any) -> tuple[list[_Box], int]:
    """The sheet's merged ranges and how many XML elements it holds, read from its XML in chunks
    at the speed of a byte search: parsing costs a hundred times more per element, so a sheet
    too big to parse is refused before its parsing starts."""
    from openpyxl.utils.cell import range_boundaries

    refs: set[bytes] = set()
    tail = b""
    elements = 0
    with _sheet_xml(book, ws) as xml:
        while chunk := xml.read(_CHUNK):
            # Every element has one start tag ("<c" or "<c/>"); end tags start "</".
            elements += chunk.count(b"<") - chunk.count(b"</")
            if tail.endswith(b"<") and chunk.startswith(b"/"):
                elements -= 1
            data = tail + chunk
            refs.update(_MERGE.findall(data))
            tail = data[-80:]  # a tag cut in two by the chunk boundary is found next time
            if len(refs) > _MAX_MERGES:
                raise WorkbookError(f"工作表“{ws.title}”的合并单元格超过 {_MAX_MERGES:,} 处，未导入。"
                                    "请取消合并后再导入。")
    return [range_boundaries(ref.decode()) for ref in sorted(refs)], elements


def _check_parts(path: Path) -> None:
    """Refuse, from the zip's directory alone, a workbook whose parts would unpack too big: a
    megabyte can unpack to gigabytes. Nothing is decompressed here; zipfile also never unpacks
    more than a part's stated size, so what it states is what it costs."""
    import zipfile

    from openpyxl.packaging.manifest import Manifest
    from openpyxl.xml.constants import ARC_CONTENT_TYPES, SHARED_STRINGS, WORKSHEET_TYPE
    from openpyxl.xml.functions import fromstring

    name = path.name
    try:
        with zipfile.ZipFile(path) as z:
            parts = z.infolist()
            if len(parts) > MAX_PARTS:
                raise WorkbookError(f"工作簿“{name}”由 {len(parts):,} 个部件组成，超过上限 "
                                    f"{MAX_PARTS:,} 个，未导入。")
            sizes = {p.filename: p.file_size for p in parts}
            strings, sheets = None, set()
            if sizes.get(ARC_CONTENT_TYPES, 0) <= MAX_OTHER_PART:
                with contextlib.suppress(Exception):  # no manifest: openpyxl refuses it next
                    manifest = Manifest.from_tree(fromstring(z.read(ARC_CONTENT_TYPES)))
                    found = manifest.find(SHARED_STRINGS)
                    strings = found.PartName.lstrip("/") if found is not None else None
                    sheets = {o.PartName.lstrip("/") for o in manifest.Override
                              if o.ContentType == WORKSHEET_TYPE}
    except zipfile.BadZipFile:
        raise WorkbookError(f"“{name}”不是有效的 Excel 工作簿（.xlsx），未导入。") from None
    except OSError as exc:
        raise WorkbookError(f"无法读取工作簿“{name}”：{exc.strerror or exc}。") from None
    for part, size in sizes.items():
        if part == strings:
            limit, what = MAX_STRINGS_PART, "共享字符串表（所有单元格的文字）"
        elif part in sheets or part.startswith("xl/worksheets/"):
            limit, what = MAX_SHEET_PART, f"工作表部件“{part}”"
        else:
            limit, what = MAX_OTHER_PART, f"部件“{part}”"
        if size > limit:
            raise WorkbookError(f"工作簿“{name}”中的{what}解压后有 {size / _MB:,.0f} MB，超过上限 "
                                f"{limit // _MB} MB，未导入。")
    total = sum(sizes.values())
    if total > MAX_UNPACKED:
        raise WorkbookError(f"工作簿“{name}”解压后共 {total / _MB:,.0f} MB，超过上限 "
                            f"{MAX_UNPACKED // _MB} MB，未导入。请拆分后再导入。")


@dataclass
class _Budget:
    """What is left to read in the whole workbook."""

    elements: int
    rows: int


def _sheet_rows(book: Any, ws: Any, budget: _Budget, workbook: str) -> list[tuple[Any, ...]]:
    """A sheet's rows as value tuples, row 1 first, up to the last row holding a value. The work
    follows what the XML really holds: empty cells and rows cost one step each and are not kept,
    a cell far to the right adds no padding, and the sheet's declared size is ignored."""
    from openpyxl.worksheet._reader import ROW_TAG, WorkSheetParser
    from openpyxl.xml.constants import SHEET_MAIN_NS
    from openpyxl.xml.functions import iterparse

    data_tag = f"{{{SHEET_MAIN_NS}}}sheetData"
    left = MAX_XML_ELEMENTS  # a second guard: the scan has already counted them
    parser = WorkSheetParser(None, ws._shared_strings, data_only=True, epoch=book.epoch,
                             date_formats=book._date_formats,
                             timedelta_formats=book._timedelta_formats)
    rows: list[tuple[Any, ...]] = []
    with _sheet_xml(book, ws) as xml:
        data = None
        for event, element in iterparse(xml, events=("start", "end")):
            if event == "start":
                if element.tag == data_tag:
                    data = element
                continue
            left -= 1
            if left < 0:
                raise _too_many_elements(workbook, ws.title)
            if element.tag == data_tag:
                break  # what follows (merged ranges, print setup) is read elsewhere or not needed
            if element.tag != ROW_TAG:
                continue
            number, values = _row_values(parser, element, ws.title)
            element.clear()
            if data is not None:
                data.clear()  # rows read are dropped, so memory stays flat
            if values and number > len(rows):
                budget.rows -= number - len(rows)
                if budget.rows < 0:
                    raise WorkbookError(f"工作簿“{workbook}”超过 {MAX_ROWS:,} 行（工作表“{ws.title}”"
                                        f"第 {number:,} 行仍有内容），未导入。请拆分后再导入。")
                rows.extend([()] * (number - 1 - len(rows)))
                rows.append(values)
    return rows


def _too_many_elements(workbook: str, sheet: str) -> WorkbookError:
    return WorkbookError(f"工作簿“{workbook}”的单元格过多（读到工作表“{sheet}”时超过 "
                         f"{MAX_XML_ELEMENTS:,} 个 XML 元素的上限），未导入。请拆分后再导入。")


def _row_values(parser: Any, element: Any, sheet: str) -> tuple[int, tuple[Any, ...]]:
    """One <row>: its number and the values of its cells up to the last one holding a value.
    Cells without a value (formatted but empty) are skipped without being parsed."""
    from openpyxl.utils.cell import coordinate_to_tuple

    r = element.get("r")
    number = int(r) if r is not None else parser.row_counter + 1
    if not 1 <= number <= _MAX_ROW_NUMBER:
        raise ValueError(f"row number {number}")
    parser.row_counter, parser.col_counter = number, 0
    values: dict[int, Any] = {}
    skipped = None  # the last empty cell passed over, for a following cell without an address
    for cell in element:
        if len(cell) == 0:  # no <v>, <is> or <f>: nothing in it
            skipped = cell.get("r")
            if skipped is None:
                parser.col_counter += 1
            continue
        if skipped is not None and cell.get("r") is None:
            parser.col_counter = coordinate_to_tuple(skipped)[1]
        skipped = None
        found = parser.parse_cell(cell)
        if found["value"] is None:
            continue
        if found["column"] > MAX_COLUMNS:
            if is_blank(found["value"]):
                continue
            raise WorkbookError(f"工作表“{sheet}”第 {number} 行第 {found['column']:,} 列有内容，"
                                f"超出读取范围（每张表最多 {MAX_COLUMNS} 列），未导入。"
                                "请删除表格右侧多余的内容后再导入。")
        values[found["column"]] = found["value"]
    if not values:
        return number, ()
    return number, tuple(values.get(c) for c in range(1, max(values) + 1))


def _read_sheets(path: Path) -> tuple[list[_RawSheet], list[str]]:
    """Every visible sheet's rows as value tuples, row 1 first, within the limits; and the names
    of the hidden sheets, which are not read (what a clerk cannot see is not data)."""
    import openpyxl

    _check_parts(path)
    sheets: list[_RawSheet] = []
    hidden: list[str] = []
    budget = _Budget(MAX_XML_ELEMENTS, MAX_ROWS)
    with open(path, "rb") as fh, warnings.catch_warnings():
        # openpyxl warns about parts of a workbook it does not keep (data-validation extensions,
        # slicers, a missing default style). Reading values is unaffected, and the test suite
        # turns warnings into errors, so they are silenced here, for openpyxl only.
        warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl(\..*)?$")
        try:
            book = openpyxl.load_workbook(fh, read_only=True, data_only=True)
        except MemoryError:
            raise
        except Exception:  # noqa: BLE001 - zip, XML and openpyxl errors alike: not a workbook
            raise WorkbookError(f"“{path.name}”不是有效的 Excel 工作簿（.xlsx），未导入。") from None
        try:
            for ws in book.worksheets:
                if ws.sheet_state != "visible":
                    hidden.append(ws.title)
                    continue
                merges, elements = _scan_sheet(book, ws)
                budget.elements -= elements
                if budget.elements < 0:
                    raise _too_many_elements(path.name, ws.title)
                rows = _sheet_rows(book, ws, budget, path.name)
                sheets.append(_RawSheet(ws.title, rows, merges))
        except (WorkbookError, MemoryError):
            raise
        except Exception as exc:  # noqa: BLE001 - a damaged part in the zip: any parser error
            raise WorkbookError(f"工作簿“{path.name}”已损坏，无法读取（{type(exc).__name__}）。") \
                from None
        finally:
            book.close()
    return sheets, hidden


def read_rows(path: str | os.PathLike[str]) -> list[tuple[str, list[tuple[Any, ...]]]]:
    """Every visible sheet's name and rows, read within the same limits as an import (for other
    workbooks a user brings, such as a task list); WorkbookError names what was refused."""
    path = Path(path)
    _check_file(path)
    return [(raw.name, raw.rows) for raw in _read_sheets(path)[0]]


@dataclass
class _Sheet:
    name: str
    kind: str  # institution | county | activity
    header_row: int
    columns: dict[int, Column]  # 0-based column index → column
    headers: dict[str, str]  # column key → header as written
    rows: list[tuple[Any, ...]]
    # 序号 and 年度 columns: a row with nothing else is blank (a template's spare rows carry
    # their year so that a clerk who fills one needs to type nothing more).
    fillers: frozenset[int] = frozenset()


def _cell(row: tuple[Any, ...], index: int) -> Any:
    return row[index] if index < len(row) else None


_Found = dict[int, tuple[Column, str]]  # column index → (column, header as written)


def _find_header(rows: list[tuple[Any, ...]]) -> tuple[int, _Found, list[str]]:
    """The header row among the first rows: the one naming most known columns, counting a column
    whose header sits above it in a merged cell (two-row group headers). Ties go to the lower row,
    which is the detailed row of a two-row header. Returns (row index, columns, unknown headers)."""
    best: tuple[int, int, _Found] | None = None
    head = rows[:HEADER_SEARCH_ROWS]
    width = max((len(x) for x in head), default=0)
    for r, row in enumerate(head):
        own = {}
        for c, value in enumerate(row):
            col = recognise(value)
            if col is not None:
                own[c] = (col, clean_text(value))
        if not own:
            continue
        found = dict(own)
        for c in range(width):
            if c in found or not is_blank(_cell(row, c)):
                continue
            for above in (r - 1, r - 2):
                if above < 0:
                    break
                value = _cell(head[above], c)
                if not is_blank(value):
                    col = recognise(value)
                    if col is not None:
                        found[c] = (col, clean_text(value))
                    break
        if best is None or len(found) >= best[1]:
            best = (r, len(found), found)
    if best is None:
        return -1, {}, []
    r, _, found = best
    unknown = [shorten(clean_text(v)) for c, v in enumerate(head[r])
               if c not in found and not is_blank(v) and not is_ignored(v)]
    return r, found, unknown


def _sheet_kind(keys: set[str]) -> str | None:
    if "date" in keys:
        return "activity"
    if "resident_population" in keys:
        return "county"
    if "name" in keys:
        return "institution"
    return None


# ---- planning ------------------------------------------------------------------------------------

class _Planner:
    """Reads rows into records, one row at a time: a row lands whole in the plan or is refused."""

    def __init__(self, county: CountyFile, plan: ImportPlan):
        self.county = county
        self.plan = plan
        self.default_year = plan.year
        self.institutions: dict[str, _Record] = {}
        self.by_name: dict[str, list[_Record]] = defaultdict(list)
        self.by_code: dict[str, list[_Record]] = defaultdict(list)
        self.year_rows: dict[int, dict[str, dict[str, Any]]] = {}
        self.year_records: dict[tuple[str, int], _Record] = {}
        self.county_records: dict[int, _Record] = {}
        self.activities: dict[int, dict[tuple[str, str, str, str], list[dict[str, Any]]]] = {}
        self.activity_seen: dict[tuple[str, str, str, str], int] = defaultdict(int)
        self.parents: list[tuple[_Record, str, Origin]] = []
        self.listed: set[str] = set()  # institutions already in plan.institutions
        for row in county.rows("institution"):
            self._index(_Record("institution", row["id"], _fields_of("institution", row),
                                _fields_of("institution", row), self._inst_what(row["id"])))

    # ---- institutions ----

    def _inst_what(self, inst_id: str) -> Callable[[], str]:
        return lambda: self.institutions[inst_id].values["name"]

    def _index(self, rec: _Record) -> None:
        self.institutions[rec.id] = rec
        self.plan.institution_names[rec.id] = rec.values["name"]
        self.by_name[match_key(rec.values["name"])].append(rec)
        if rec.values.get("code"):
            self.by_code[match_key(rec.values["code"])].append(rec)

    def _reindex(self, rec: _Record, old: dict[str, Any]) -> None:
        if old.get("name") != rec.values["name"]:
            self.by_name[match_key(old["name"])].remove(rec)
            self.by_name[match_key(rec.values["name"])].append(rec)
            self.plan.institution_names[rec.id] = rec.values["name"]
        if old.get("code") != rec.values.get("code"):
            if old.get("code"):
                self.by_code[match_key(old["code"])].remove(rec)
            if rec.values.get("code"):
                self.by_code[match_key(rec.values["code"])].append(rec)

    def _types(self, inst: _Record, year: int | None) -> set[str]:
        """The institution's own type and, for the year, its type that year."""
        year_type = self._year_type(inst, year) if year is not None else None
        return {inst.values["type"], year_type} - {None}

    def _match(self, row: _Row, year: int | None) -> _Record | None:
        """The institution a row means; None for a new one. Raises _RowRefused when unsure."""
        name, type_, code = (row.values.get(k) for k in ("name", "type", "code"))
        if code:
            by_code = self.by_code.get(match_key(code), [])
            if len(by_code) == 1:
                return by_code[0]
            if len(by_code) > 1:
                raise self._refuse(row, "code", f"机构代码“{code}”对应 {len(by_code)} 家机构（"
                                   f"{_names(by_code)}），无法确定是哪一家")
        named = self.by_name.get(match_key(name), [])
        typed = [r for r in named if type_ is None or type_ in self._types(r, year)]
        if code:
            # The code is unknown: a same-named institution without a code is this one; one with
            # another code from this workbook is a different institution; one with another code
            # in the file is a contradiction the user must settle.
            clash = [r for r in typed if r.values.get("code") and not r.is_new]
            if clash:
                have = clash[0].values["code"]
                raise self._refuse(row, "code", f"机构代码“{code}”与本县已有机构“{name}”的代码"
                                   f"“{have}”不一致。若是同一机构，请改正代码；若表中是另一种编码"
                                   "（如统一社会信用代码），请删去该列后再导入")
            typed = [r for r in typed if not r.values.get("code")]
        if len(typed) > 1:
            raise self._refuse(row, "name", f"名称“{name}”对应 {len(typed)} 家机构（"
                               f"{_names(typed)}），无法确定是哪一家；请填写机构代码")
        if typed:
            return typed[0]
        if named and type_ is not None and not code:
            types = "、".join(sorted({INSTITUTION_TYPES[t] for r in named
                                      for t in self._types(r, year)}))
            raise self._refuse(row, "type", f"本县已有名为“{name}”的{types}，与表中的机构类型"
                               f"“{INSTITUTION_TYPES[type_]}”不同；若该机构类型已变更，"
                               "请填写机构代码后再导入")
        return None

    def _refuse(self, row: _Row, key: str, reason: str) -> _RowRefused:
        origin = row.origin(key)
        return _RowRefused([Refusal(origin.sheet, origin.row, origin.column, reason)])

    def _validation(self, row: _Row, exc: ValidationError) -> _RowRefused:
        """A refusal naming the column of this row that takes part in the broken rule."""
        key = exc.field
        if key not in row.values:
            key = next((p for p in _PARTNERS.get(exc.field, ()) if p in row.values), key)
        return self._refuse(row, key, str(exc))

    def _merge(self, row: _Row, rec: _Record, changes: dict[str, Any],
               keys: dict[str, str]) -> dict[str, Any]:
        """`rec`'s values with `changes`, refusing a value another row already gave differently.
        `keys` maps a field to the column it was read from."""
        merged = dict(rec.values)
        for name, value in changes.items():
            earlier = rec.origins.get(name)
            if earlier is not None and merged.get(name) != value:
                shown = self.plan.show_value(rec.table, name, merged.get(name))
                raise self._refuse(row, keys.get(name, name),
                                   f"与工作表“{earlier.sheet}”第 {earlier.row} 行填写的“{shown}”不一致")
            merged[name] = value
        return merged

    def _commit(self, row: _Row, rec: _Record, merged: dict[str, Any], changes: dict[str, Any],
                keys: dict[str, str]) -> None:
        rec.values = merged
        for name in changes:
            rec.origins.setdefault(name, row.origin(keys.get(name, name)))

    def institution_row(self, row: _Row) -> None:
        v = row.values
        if v.get("name") is None:
            raise self._refuse(row, "name", "机构名称不能为空")
        year = v.get("year", self.default_year)
        facts = {c.key: v[c.key] for c in YEAR_COLUMNS if c.key in v}
        if facts and year is None:
            raise self._refuse(row, "year", "未填写年度，导入时也未指定年度")
        inst = self._match(row, year)
        created = inst is None
        if inst is None:
            if v.get("type") is None:
                raise self._refuse(row, "type", f"本县没有名为“{v['name']}”的机构；新增机构须填写"
                                   "机构类型")
            new_id = self.county.new_id()
            inst = _Record("institution", new_id, None, _blank_record("institution"),
                           self._inst_what(new_id))
        inst_changes = self._institution_changes(inst, v, year, created)
        year_type = inst_changes.pop("inst_type", None)
        keys = {k: k for k in inst_changes}
        merged_inst = self._merge(row, inst, inst_changes, keys)
        try:
            validate("institution", merged_inst)
        except ValidationError as exc:
            raise self._validation(row, exc) from None
        year_step = None
        if year is not None and (facts or year_type is not None):
            year_step = self._plan_year(row, inst.id, year, facts, year_type)
        old = dict(inst.values)
        self._commit(row, inst, merged_inst, inst_changes, keys)
        if created:
            self._index(inst)
        else:
            self._reindex(inst, old)
        if inst.id not in self.listed:
            self.listed.add(inst.id)
            self.plan.institutions.append(inst)
        if year_step is not None:
            self._commit(row, *year_step)
            self._confirm_carried(year_step[0], year_step[2])
        if year is not None and (facts or created):
            self._start_by(inst, year)
        if v.get("parent"):
            self.parents.append((inst, v["parent"], row.origin("parent")))

    def _start_by(self, inst: _Record, year: int) -> None:
        """A row for `year` means the institution counts that year (contract.md): a new one
        starts in its earliest row's year, and an earlier row moves a start back, unless the
        workbook gave 启用年度 itself. Nothing here ever ends an institution."""
        end = inst.values.get("active_to")
        if end is not None and end < year:
            self.plan.after_end.setdefault(inst.values["name"], year)
        if "active_from" in inst.origins:
            return
        start = inst.values.get("active_from")
        if inst.is_new and start is None or start is not None and year < start:
            inst.values["active_from"] = year
            if end is not None and end < year:
                # A row after the recorded end: that is for the user to settle, not a guess.
                inst.values["active_from"] = start

    def _confirm_carried(self, rec: _Record, changes: dict[str, Any]) -> None:
        """Figures the workbook gives for the year confirm the values carried over into it."""
        if rec.values.get("carried"):
            rec.values["carried"] = uncarry(rec.values["carried"],
                                            [k for k, v in changes.items() if v is not None])

    def _plan_year(self, row: _Row, inst_id: str, year: int, facts: dict[str, Any],
                   year_type: str | None) -> tuple[_Record, dict, dict, dict]:
        """The year's record with this row's facts merged and checked (not yet committed)."""
        rec = self._year_record(inst_id, year)
        changes, keys = self._year_changes(rec, facts, row)
        if year_type is not None:
            changes["inst_type"] = year_type
            keys["inst_type"] = "type"
        merged = self._merge(row, rec, changes, keys)
        try:
            validate("institution_year", merged)
        except ValidationError as exc:
            raise self._validation(row, exc) from None
        return rec, merged, changes, keys

    def _institution_changes(self, inst: _Record, v: dict[str, Any], year: int | None,
                             created: bool) -> dict[str, Any]:
        """What the row changes on the institution itself; `inst_type` is the year's type."""
        changes: dict[str, Any] = {}
        if created or match_key(inst.values["name"]) != match_key(v["name"]):
            # A new institution, or one matched by its code whose name has changed.
            changes["name"] = v["name"]
        for key in ("township", "ownership", "active_from", "active_to"):
            if v.get(key) is not None:
                changes[key] = v[key]
        code = v.get("code")
        if code is not None and match_key(inst.values.get("code") or "") != match_key(code):
            changes["code"] = code
        type_ = v.get("type")
        if type_ is not None:
            if created or year is None:
                changes["type"] = type_
            elif type_ != self._effective_type(inst, year):
                changes["inst_type"] = type_
        return changes

    def _year_type(self, inst: _Record, year: int) -> str | None:
        """The type the file holds for this institution in `year`, if it differs per year."""
        rec = self.year_records.get((inst.id, year))
        if rec is not None:
            return rec.values.get("inst_type")
        row = self._year_rows(year).get(inst.id)
        return row["inst_type"] if row and not row["deleted"] else None

    def _effective_type(self, inst: _Record, year: int) -> str:
        return self._year_type(inst, year) or inst.values["type"]

    def _year_rows(self, year: int) -> dict[str, dict[str, Any]]:
        if year not in self.year_rows:
            rows = self.county.rows("institution_year", "year = ?", (year,),
                                    include_deleted=True, order="deleted DESC")
            # A live record wins over a tombstone of the same institution and year.
            self.year_rows[year] = {r["institution_id"]: r for r in rows}
        return self.year_rows[year]

    def _year_record(self, inst_id: str, year: int) -> _Record:
        key = (inst_id, year)
        if key not in self.year_records:
            row = self._year_rows(year).get(inst_id)
            what = (lambda i=inst_id, y=year: f"{self.institutions[i].values['name']} {y}年")
            if row is None or row["deleted"]:
                values = {**_blank_record("institution_year"), "institution_id": inst_id,
                          "year": year}
                rid = row["id"] if row else self.county.institution_year_id(inst_id, year)
                rec = _Record("institution_year", rid, None, values, what, revive=row is not None)
            else:
                fields = _fields_of("institution_year", row)
                rec = _Record("institution_year", row["id"], fields, dict(fields), what)
            self.year_records[key] = rec
            self.plan.year_records.append(rec)
        return self.year_records[key]

    def _year_changes(self, rec: _Record, facts: dict[str, Any],
                      row: _Row) -> tuple[dict[str, Any], dict[str, str]]:
        changes = {k: v for k, v in facts.items() if k != "has_hall"}
        keys = {k: k for k in changes}
        has_hall = facts.get("has_hall")
        state = facts.get("hall_state")
        if has_hall is not None:
            if state is not None and (state == "none") == bool(has_hall):
                said = "是" if has_hall else "否"
                raise self._refuse(row, "has_hall", f"填“{said}”，但中医馆达标情况为"
                                   f"“{HALL_STATES[state]}”，两者矛盾")
            if state is None:
                current = rec.values.get("hall_state")
                if not has_hall:
                    changes["hall_state"] = "none"
                elif current not in WITH_HALL:
                    changes["hall_state"] = "built"
                keys["hall_state"] = "has_hall"
        return changes, keys

    def unreported(self) -> dict[int, list[str]]:
        """Per year the workbook holds figures for: institutions that count that year and still
        have no row for it after the import (contract.md: listed, never left out)."""
        out = {}
        for year in sorted({y for _, y in self.year_records}):
            have = {i for i, r in self._year_rows(year).items() if not r["deleted"]}
            have |= {i for i, y in self.year_records if y == year}
            out[year] = [r.values["name"] for r in self.institutions.values()
                         if r.id not in have and _counts_in(r.values, year)]
        return out

    def resolve_parents(self) -> None:
        for inst, parent_name, origin in self.parents:
            found = self.by_name.get(match_key(parent_name), [])
            reason = None
            if not found:
                reason = f"上级机构“{parent_name}”不在本县机构名单中"
            elif len(found) > 1:
                reason = f"上级机构名称“{parent_name}”对应 {len(found)} 家机构，无法确定是哪一家"
            elif found[0] is inst:
                reason = "上级机构不能是机构本身"
            elif "parent_id" in inst.origins and inst.values["parent_id"] != found[0].id:
                earlier = inst.origins["parent_id"]
                reason = f"与工作表“{earlier.sheet}”第 {earlier.row} 行填写的上级机构不一致"
            if reason:
                self.plan.refusals.append(Refusal(origin.sheet, origin.row, origin.column, reason))
                if (origin.sheet, origin.row) not in self.plan.refused_rows:
                    self.plan.refused_rows.add((origin.sheet, origin.row))
                    self.plan.rows_accepted -= 1
                continue
            inst.values["parent_id"] = found[0].id
            inst.origins.setdefault("parent_id", origin)

    # ---- county ----

    def county_row(self, row: _Row) -> None:
        year = row.values.get("year", self.default_year)
        if year is None:
            raise self._refuse(row, "year", "未填写年度，导入时也未指定年度")
        changes = {k: v for k, v in row.values.items() if k != "year"}
        rec = self._county_record(year)
        keys = {k: k for k in changes}
        merged = self._merge(row, rec, changes, keys)
        try:
            validate("county_year", merged)
        except ValidationError as exc:
            raise self._validation(row, exc) from None
        self._commit(row, rec, merged, changes, keys)

    def _county_record(self, year: int) -> _Record:
        if year not in self.county_records:
            rows = self.county.rows("county_year", "year = ?", (year,), include_deleted=True,
                                    order="deleted")
            row = rows[0] if rows else None
            what = (lambda y=year: f"全县 {y}年")
            if row is None or row["deleted"]:
                values = {**_blank_record("county_year"), "year": year}
                rid = row["id"] if row else self.county.county_year_id(year)
                rec = _Record("county_year", rid, None, values, what, revive=row is not None)
            else:
                fields = _fields_of("county_year", row)
                rec = _Record("county_year", row["id"], fields, dict(fields), what)
            self.county_records[year] = rec
            self.plan.county_records.append(rec)
        return self.county_records[year]

    # ---- activities ----

    def activity_row(self, row: _Row) -> None:
        v = row.values
        if v.get("name") is None:
            raise self._refuse(row, "name", "机构名称不能为空")
        date = v.get("date")
        inst = self._match(row, int(date[:4]) if date else None)
        if inst is None:
            raise self._refuse(row, "name", f"“{v['name']}”不在本县机构名单中（也不在本工作簿的"
                               "机构表中），请先添加该机构")
        rec = {"institution_id": inst.id, "date": date, "kind": v.get("kind"),
               "title": v.get("title"), "people": v.get("people"),
               "tcm_content": 1 if v.get("tcm_content") is None else v["tcm_content"],
               "note": None}
        try:
            validate("activity", rec)
        except ValidationError as exc:
            raise self._validation(row, exc) from None
        if (late := self._too_late(rec["date"])) is not None:
            raise self._refuse(row, "date", late)
        key = (inst.id, rec["date"], rec["kind"], rec["title"])
        existing = self._existing_activities(int(rec["date"][:4])).get(key, [])
        index = self.activity_seen[key]
        self.activity_seen[key] += 1
        if index >= len(existing):
            self.plan.new_activities.append((rec, row))
            return
        old = existing[index]
        changes = {k: v[k] for k in ("people", "tcm_content") if v.get(k) is not None}
        if any(old[k] != val for k, val in changes.items()):
            fields = _fields_of("activity", old)
            what = f"活动 {old['date']} {self.institutions[inst.id].values['name']}“{old['title']}”"
            update = _Record("activity", old["id"], fields, {**fields, **changes},
                             lambda w=what: w, {k: row.origin(k) for k in changes})
            self.plan.activity_updates.append(update)

    def _too_late(self, date: str) -> str | None:
        """Why an activity's date cannot be right, or None: a report lists what took place, so
        nothing after today, nor after the year after the import's year (a typo such as 2042)."""
        today = _dt.date.today().isoformat()
        if date > today:
            return f"活动日期 {date} 晚于今天（{today}），不可能已经举办"
        if self.default_year is not None and date > f"{self.default_year + 1:04d}-12-31":
            return (f"活动日期 {date} 晚于导入年度（{self.default_year} 年）的次年年底，"
                    "请核对日期或导入年度")
        return None

    def _existing_activities(self, year: int) -> dict[tuple[str, str, str, str], list[dict]]:
        if year not in self.activities:
            found: dict[tuple[str, str, str, str], list[dict]] = defaultdict(list)
            for r in self.county.rows("activity", "date BETWEEN ? AND ?",
                                      (f"{year:04d}-01-01", f"{year:04d}-12-31"), order="rowid"):
                found[(r["institution_id"], r["date"], r["kind"], " ".join(r["title"].split()))] \
                    .append(r)
            self.activities[year] = found
        return self.activities[year]


def _counts_in(inst: dict[str, Any], year: int) -> bool:
    start, end = inst.get("active_from"), inst.get("active_to")
    return (start is None or start <= year) and (end is None or end >= year)


def _names(records: Iterable[_Record]) -> str:
    return "、".join(r.values["name"] + (f"，代码 {r.values['code']}" if r.values.get("code") else "")
                    for r in records)


# ---- sheets into rows ----------------------------------------------------------------------------

def _fill_merged(raw: _RawSheet, header_row: int) -> None:
    """Give every cell of a merged range below the header the range's value: a 机构类型 or
    所属乡镇 merged over a township's clinics belongs to each of them. Only rows and columns that
    are read count, and their total is bounded: a merge over A1:XFD1048576 costs nothing."""
    rows, work = raw.rows, 0
    for min_col, min_row, max_col, max_row in raw.merges:
        if min_row - 1 <= header_row or min_row - 1 >= len(rows) or min_col > MAX_COLUMNS:
            continue
        max_col, max_row = min(max_col, MAX_COLUMNS), min(max_row, len(rows))
        work += (max_row - min_row + 1) * (max_col - min_col + 1)
        if work > MAX_MERGED_CELLS:
            raise WorkbookError(f"工作表“{raw.name}”的合并单元格共覆盖超过 {MAX_MERGED_CELLS:,} 个"
                                "单元格，未导入。请取消合并后再导入。")
        value = _cell(rows[min_row - 1], min_col - 1)
        for r in range(min_row - 1, max_row):
            row = list(rows[r]) + [None] * max(0, max_col - len(rows[r]))
            for c in range(min_col - 1, max_col):
                row[c] = value
            rows[r] = tuple(row)


def _identify(raw: _RawSheet, plan: ImportPlan) -> _Sheet | None:
    name, rows = raw.name, raw.rows
    r, found, unknown = _find_header(rows)
    keys = {col.key for col, _ in found.values()}
    kind = _sheet_kind(keys)
    if kind is None:
        if name not in OWN_SHEETS:
            plan.ignored_sheets.append(name)
        return None
    allowed = {col.key for col in SHEET_COLUMNS[kind]}
    columns: dict[int, Column] = {}
    headers: dict[str, str] = {}
    for c, (col, text) in sorted(found.items()):
        if col.key not in allowed or col.key in headers:
            unknown.append(text + ("（重复）" if col.key in headers else ""))
            continue
        columns[c] = col
        headers[col.key] = text
    plan.unknown_columns += [(name, h) for h in unknown]
    _fill_merged(raw, r)
    fillers = {c for c, v in enumerate(rows[r]) if is_ignored(v)}
    fillers |= {c for c, col in columns.items() if col.key == "year"}
    return _Sheet(name, kind, r, columns, headers, rows, frozenset(fillers))


def _missing_columns(sheet: _Sheet, plan: ImportPlan) -> bool:
    """Refuse a sheet that lacks a column every row needs; True if it does."""
    needed: list[str] = []
    if sheet.kind == "activity":
        needed = [c.key for c in ACTIVITY_COLUMNS if c.key in ("name", "date", "kind", "title")]
    has_facts = sheet.kind == "county" or (sheet.kind == "institution"
                                           and bool(YEAR_KEYS & set(sheet.headers)))
    if has_facts and plan.year is None:
        needed.append("year")
    missing = [k for k in needed if k not in sheet.headers]
    for key in missing:
        word = _header_word(key)
        reason = ("缺少“年度”列，导入时也未指定年度" if key == "year"
                  else f"缺少必需的列“{word}”")
        plan.refusals.append(Refusal(sheet.name, sheet.header_row + 1, word, reason))
    return bool(missing)


def _is_skipped(sheet: _Sheet, row: tuple[Any, ...]) -> bool:
    """Blank rows, totals (合计/总计/小计) and notes (填表说明/备注/注：) are not data."""
    values = [v for v in row if not is_blank(v)]
    if not values:
        return True
    first = header_key(values[0])
    name_at = next((c for c, col in sheet.columns.items() if col is NAME), None)
    name = header_key(_cell(row, name_at)) if name_at is not None else first
    if first.startswith(_NOTE_PREFIXES) or name.startswith(_NOTE_PREFIXES):
        return True
    return name.endswith(_TOTALS) and len(name) <= 12


_UNIT_CELL = re.compile(r"[(（][^()（）]{0,8}[)）]")


def _is_decoration(row: tuple[Any, ...]) -> bool:
    """A row of units "（人）" or of column numbers 1, 2, 3 … just under the header."""
    values = [v for v in row if not is_blank(v)]
    if values and all(isinstance(v, str) and _UNIT_CELL.fullmatch(v.strip()) for v in values):
        return True
    numbers = [v for v in values if isinstance(v, int) and not isinstance(v, bool)]
    return (len(values) >= 3 and numbers == values
            and numbers == list(range(numbers[0], numbers[0] + len(numbers))) and numbers[0] <= 1)


def _read_row(sheet: _Sheet, number: int, row: tuple[Any, ...]) -> _Row:
    values: dict[str, Any] = {}
    refusals: list[Refusal] = []
    for c, col in sheet.columns.items():
        try:
            value = read_cell(col, _cell(row, c))
        except BadValue as exc:
            refusals.append(Refusal(sheet.name, number, sheet.headers[col.key], str(exc)))
            continue
        if value is not None:
            values[col.key] = value
    if refusals:
        raise _RowRefused(refusals)
    return _Row(sheet.name, number, sheet.headers, values)


def plan_import(county: CountyFile, path: str | os.PathLike[str], *, year: int | None = None,
                progress: Callable[[int, int], None] | None = None) -> ImportPlan:
    """Read a workbook into a plan; nothing is written. Raises WorkbookError for a workbook that
    cannot be read at all; row problems are `plan.refusals`. `year` fills rows without 年度.
    `progress(done, total)` is called now and then with rows processed."""
    path = Path(path)
    _check_file(path)
    plan = ImportPlan(county, path, year, fingerprint=_fingerprint(county))
    raws, plan.hidden_sheets = _read_sheets(path)
    sheets = [s for raw in raws if (s := _identify(raw, plan))]
    if not sheets:
        hidden = "、".join(f"“{n}”" for n in plan.hidden_sheets)
        raise WorkbookError(f"工作簿“{path.name}”中没有可识别的工作表：需要有“机构名称”“活动日期”"
                            "或“常住人口”等表头，未导入。"
                            + (f"（隐藏的工作表{hidden}未读取：如需导入，请在 Excel 中取消隐藏。）"
                               if hidden else ""))
    planner = _Planner(county, plan)
    order = {"institution": 0, "county": 1, "activity": 2}
    total = sum(len(s.rows) - s.header_row - 1 for s in sheets)
    done = 0
    for sheet in sorted(sheets, key=lambda s: order[s.kind]):
        if _missing_columns(sheet, plan):
            continue
        handle = {"institution": planner.institution_row, "county": planner.county_row,
                  "activity": planner.activity_row}[sheet.kind]
        for index in range(sheet.header_row + 1, len(sheet.rows)):
            _plan_row(plan, sheet, index, handle)
            done += 1
            if progress is not None and done % 500 == 0:
                progress(done, total)
    planner.resolve_parents()
    plan.unreported = planner.unreported()
    if progress is not None:
        progress(total, total)
    return plan


def _plan_row(plan: ImportPlan, sheet: _Sheet, index: int,
              handle: Callable[[_Row], None]) -> None:
    row = sheet.rows[index]
    number = index + 1  # as Excel shows it
    if all(is_blank(v) for c, v in enumerate(row) if c not in sheet.fillers):
        return  # blank rows (a template's spare rows) are not worth a mention
    plan.rows_read += 1
    if _is_skipped(sheet, row) or (index <= sheet.header_row + 3 and _is_decoration(row)):
        plan.rows_skipped += 1
        return
    try:
        handle(_read_row(sheet, number, row))
    except _RowRefused as refused:
        plan.refusals += refused.refusals
        plan.refused_rows.add((sheet.name, number))
        return
    plan.rows_accepted += 1


def _fingerprint(county: CountyFile) -> int:
    """Changes with every write to the file (each write records a new revision)."""
    return county.conn.execute("SELECT count(*) FROM revlog").fetchone()[0]


# ---- applying ------------------------------------------------------------------------------------

class _WriteFailed(Exception):
    def __init__(self, origin: Origin | None, exc: ValidationError):
        super().__init__(str(exc))
        self.origin = origin
        self.exc = exc


def apply(plan: ImportPlan, county: CountyFile | None = None) -> None:
    """Write the whole plan in one transaction, or nothing: raises ImportRefused when the plan
    (or the data layer, checking again) refuses a row, KnownError when the file changed since.

    `county` is the file to write, if not the connection the plan was read with: another open
    connection to the same file (a worker thread's own, say)."""
    if plan.refusals:
        raise ImportRefused(plan)
    county = county or plan.county
    if _fingerprint(county) != plan.fingerprint:
        raise KnownError("预览之后文件已被修改，请重新导入该工作簿。")
    if not plan.has_changes:
        return
    make_backup(county.conn, county.path, "导入前")
    try:
        with county.atomic():
            _write(plan, county)
    except _WriteFailed as failed:
        o = failed.origin or Origin(plan.source.name, 0, "")
        plan.refusals.append(Refusal(o.sheet, o.row, o.column, str(failed.exc)))
        raise ImportRefused(plan) from None


def _origin_for(origins: dict[str, Origin], exc: ValidationError) -> Origin | None:
    """The cell behind a refused field: the field's own, else a partner in its rule."""
    for key in (exc.field, *_PARTNERS.get(exc.field, ())):
        if key in origins:
            return origins[key]
    return min(origins.values(), key=lambda o: (o.sheet, o.row), default=None)


def _guarded(rec: _Record, write: Callable[[], Any]) -> None:
    try:
        write()
    except ValidationError as exc:
        raise _WriteFailed(_origin_for(rec.origins, exc), exc) from None


def _insert_many(county: CountyFile, table: str,
                 records: list[tuple[dict[str, Any], dict[str, Origin] | _Row]]) -> None:
    if not records:
        return
    try:
        county.insert_many(table, [r for r, _ in records])
    except ValidationError:
        # Find the record the data layer refused, to name its row.
        for rec, source in records:
            origins = source.origins() if isinstance(source, _Row) else source
            full = {**_blank_record(table), **{k: v for k, v in rec.items()
                                               if k != "id" and v is not None}}
            try:
                # The store's own check, looked up afresh: the one it just failed.
                db_fields.validate(table, full)
            except ValidationError as exc:
                raise _WriteFailed(_origin_for(origins, exc), exc) from None
        raise


def _write(plan: ImportPlan, county: CountyFile) -> None:
    new = [r for r in plan.institutions if r.is_new]
    new_ids = {r.id for r in new}
    # A parent that is itself new may come later in the list: set those parents afterwards.
    _insert_many(county, "institution", [
        ({**r.values, "id": r.id,
          "parent_id": None if r.values.get("parent_id") in new_ids else r.values.get("parent_id")},
         r.origins) for r in new])
    for r in new:
        if r.values.get("parent_id") in new_ids:
            _guarded(r, lambda r=r: county.update("institution", r.id,
                                                  {"parent_id": r.values["parent_id"]},
                                                  audit=False))
    for r in plan.institutions:
        if not r.is_new and r.changes():
            _guarded(r, lambda r=r: county.update("institution", r.id, r.changes(), audit=False))
    for table, records in (("institution_year", plan.year_records),
                           ("county_year", plan.county_records)):
        inserts = [r for r in records if r.is_new and not r.revive and r.changes()]
        _insert_many(county, table, [({**r.values, "id": r.id}, r.origins) for r in inserts])
        for r in records:
            if r.revive and r.changes():
                _guarded(r, lambda r=r: county.upsert(r.table, r.id, r.values, audit=False))
            elif not r.is_new and r.changes():
                _guarded(r, lambda r=r: county.update(r.table, r.id, r.changes(), audit=False))
    _insert_many(county, "activity", list(plan.new_activities))
    for r in plan.activity_updates:
        _guarded(r, lambda r=r: county.update("activity", r.id, r.changes(), audit=False))
    county.log("导入 Excel", label=_audit_text(plan))


def _audit_text(plan: ImportPlan) -> str:
    changed = sum(1 for r in (*plan.institutions, *plan.year_records, *plan.county_records,
                              *plan.activity_updates)
                  if r.changes() and not (r.table == "institution" and r.is_new))
    return (f"{plan.source.name}：新增机构 {len(plan.new_institutions)} 家，修改记录 {changed} 条，"
            f"新增宣传活动 {plan.activities_added} 条")


def import_workbook(county: CountyFile, path: str | os.PathLike[str], *, year: int | None = None,
                    dry_run: bool = False) -> ImportPlan:
    """Plan and, unless `dry_run` or refused, apply. Returns the plan (its summary says what)."""
    plan = plan_import(county, path, year=year)
    if plan.ok and not dry_run:
        apply(plan)
    return plan
