"""Step 1: open a workbook from a stranger's PC and read its visible sheets within stated
bounds (file and part sizes from the zip directory, XML elements, columns, rows, merged cells),
never trusting what the workbook claims about itself.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
import functools
import os
from pathlib import Path
import re
from typing import Any
import warnings


from db.errors import os_error_text
from db.given import check_readable
from reports.excel.vocab import (MAX_BOOK_ELEMENTS, MAX_BYTES, MAX_COLUMNS, MAX_LIST_ELEMENTS,
                                 MAX_OTHER_PART, MAX_PARTS, MAX_ROWS, MAX_SHEET_PART,
                                 MAX_STRINGS_ELEMENTS, MAX_STRINGS_PART, MAX_STYLE_ELEMENTS,
                                 MAX_STYLES_PART,
                                 MAX_UNPACKED, MAX_XML_ELEMENTS, UNCALCULATED, WorkbookError,
                                 is_blank)


_ZIP_MAGIC = b"PK\x03\x04"
# Encrypted (password-protected) .xlsx files and old .xls files are both OLE compound files.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"



def check_file(path: Path) -> None:
    """Refuse, by size and first bytes, what openpyxl cannot or should not open."""
    name = path.name
    check_readable(path, "Excel 工作簿", missing=f"找不到工作簿“{path}”。", refused=WorkbookError,
                   failed=WorkbookError)
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise WorkbookError(f"工作簿“{name}”太大（{size / 1024 / 1024:.0f} MB，上限 "
                            f"{MAX_BYTES // 1024 // 1024} MB），未导入。请拆分后再导入。")
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise WorkbookError(f"无法读取工作簿“{name}”：{os_error_text(exc)}。") from None
    if head.startswith(_OLE_MAGIC):
        raise WorkbookError(f"工作簿“{name}”设有打开密码（已加密），或是旧版 .xls 文件，无法读取。"
                            "请在 Excel 中取消密码并另存为 .xlsx 后再导入。")
    if not head.startswith(_ZIP_MAGIC):
        raise WorkbookError(f"“{name}”不是 Excel 工作簿（.xlsx），未导入。")


_MERGE = re.compile(rb'<mergeCell ref="([A-Z]{1,3}[0-9]+:[A-Z]{1,3}[0-9]+)"')
_Box = tuple[int, int, int, int]  # min_col, min_row, max_col, max_row (1-based)


@dataclass
class RawSheet:
    name: str
    rows: list[tuple[Any, ...]]
    merges: list[_Box]


@dataclass(frozen=True)
class _SheetPart:
    """A visible worksheet: its name and where its XML is in the zip."""

    title: str
    path: str


_CHUNK = 1 << 20
_MAX_MERGES = 50_000
_MAX_ROW_NUMBER = 1_048_576  # Excel's last row
_MB = 1024 * 1024

# The sheet's root element, which says the namespace prefix its tags carry (usually none).
_ROOT = re.compile(rb"<(\w+:)?worksheet[\s>]")
_KEEP = 1024  # bytes carried into the next chunk, so that a tag cut in two is read whole
_ROW_NUMBER = re.compile(rb"\br\s*=\s*[\"'](\d{1,9})[\"']")


@functools.lru_cache(maxsize=8)
def _tags(prefix: bytes) -> tuple[re.Pattern[bytes], re.Pattern[bytes], re.Pattern[bytes]]:
    """What the byte scan looks for, with the sheet's prefix written out (a pattern that starts
    with literal text is searched for at memchr speed): a row's start tag, a cell value that
    holds something (a non-empty <v>, or an inline string), and the end of the rows."""
    p = re.escape(prefix)
    return (re.compile(b"<" + p + rb"row(?=[\s/>])([^>]*)>"),
            re.compile(b"<" + p + rb"(?:v(?:\s[^>]*)?>[^<]|is[\s>])"),
            re.compile(b"</" + p + rb"sheetData\s*>"))


@dataclass
class _Budget:
    """What is left to read in the whole workbook."""

    elements: int
    rows: int


class _RowsOver(Exception):
    """The row limit was passed at row `number` (as Excel numbers it)."""

    def __init__(self, number: int):
        super().__init__(number)
        self.number = number


class _LastRow:
    """The last row holding a value, found in a sheet's XML chunk by chunk at the speed of a
    byte search, counted as the parse counts it: a row is numbered by its r (else one after the
    row before), and holds a value when one of its cells has a non-empty <v> or an inline
    string. Raises _RowsOver as soon as a row holding a value is numbered past `allowed`.
    (Only a row whose sole content is blank text beyond the 200 columns read counts here and not
    in the parse; no spreadsheet program writes one.)"""

    def __init__(self, allowed: int):
        self.allowed = allowed
        self.last = 0
        self._number = 0
        self._filled = False
        self._done = False
        self._buf = b""
        self._tags: tuple[re.Pattern[bytes], ...] | None = None

    def feed(self, chunk: bytes, *, end: bool = False) -> None:
        if self._done:
            return
        buf = self._buf + chunk
        if self._tags is None:
            root = _ROOT.search(buf)
            if root is None and not end and len(buf) < 4 * _KEEP:
                self._buf = buf  # the root tag is not whole yet
                return
            self._tags = _tags(root.group(1) or b"" if root else b"")
        row_start, filled, data_end = self._tags
        stop = data_end.search(buf)
        limit = stop.start() if stop else len(buf)
        pos = 0
        for row in row_start.finditer(buf, 0, limit):
            self._close(buf, pos, row.start())
            found = _ROW_NUMBER.search(row.group(1))
            self._number = int(found.group(1)) if found else self._number + 1
            if not 1 <= self._number <= _MAX_ROW_NUMBER:
                raise ValueError(f"row number {self._number}")
            pos = row.end()
        if stop is not None or end:
            self._close(buf, pos, limit)
            self._done, self._buf = True, b""
            return
        if not self._filled and filled.search(buf, pos):
            self._filled = True
        self._buf = buf[max(pos, len(buf) - _KEEP):]

    def _close(self, buf: bytes, start: int, end: int) -> None:
        """The row open since `start` ends at `end`."""
        assert self._tags is not None
        if self._filled or (self._number and self._tags[1].search(buf, start, end)):
            if self._number > self.last:
                self.last = self._number
                if self.last > self.allowed:
                    raise _RowsOver(self.last)
        self._filled = False


def _scan_sheet(archive: Any, part: _SheetPart, budget: _Budget, workbook: str) -> list[_Box]:
    """Count a sheet's XML elements and rows and find its merged ranges, reading its XML in
    chunks at the speed of a byte search (parsing costs a hundred times more per element): a
    workbook over a limit is refused as soon as the count passes it, before any of it is
    parsed, whatever its size. Takes what the sheet uses from `budget`."""
    from openpyxl.utils.cell import range_boundaries

    refs: set[bytes] = set()
    tail = b""
    rows = _LastRow(budget.rows)
    try:
        with archive.open(part.path) as xml:
            while chunk := xml.read(_CHUNK):
                # Every element has one start tag ("<c" or "<c/>"); end tags start "</".
                budget.elements -= chunk.count(b"<") - chunk.count(b"</")
                if tail.endswith(b"<") and chunk.startswith(b"/"):
                    budget.elements += 1
                if budget.elements < 0:
                    raise _too_many_elements(workbook, part.title)
                rows.feed(chunk)
                data = tail + chunk
                refs.update(_MERGE.findall(data))
                tail = data[-80:]  # a tag cut in two by the chunk boundary is found next time
                if len(refs) > _MAX_MERGES:
                    raise WorkbookError(f"工作表“{part.title}”的合并单元格超过 {_MAX_MERGES:,} 处，"
                                        "未导入。请取消合并后再导入。")
            rows.feed(b"", end=True)
    except _RowsOver as over:
        raise _too_many_rows(workbook, part.title, over.number) from None
    budget.rows -= rows.last
    return [range_boundaries(ref.decode()) for ref in sorted(refs)]


def _too_many_rows(workbook: str, sheet: str, number: int) -> WorkbookError:
    return WorkbookError(f"工作簿“{workbook}”超过 {MAX_ROWS:,} 行（工作表“{sheet}”"
                         f"第 {number:,} 行仍有内容），未导入。请拆分后再导入。")


def _check_parts(path: Path) -> None:
    """Refuse, from the zip's directory alone, a workbook whose parts would unpack too big: a
    megabyte can unpack to gigabytes. zipfile never unpacks more than a part's stated size, so
    what it states is what it costs. Then count the XML elements of every part besides the sheets
    that is parsed (the list of parts, the workbook part and its relationships, the shared
    strings, the styles) by a byte scan, before anything parses it: 60 KB of styles can hold
    3,000,000 elements, a minute and 2 GB for openpyxl."""
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
            strings, sheets, book = None, set(), None
            if ARC_CONTENT_TYPES in sizes and sizes[ARC_CONTENT_TYPES] <= MAX_OTHER_PART:
                _count_elements(z, ARC_CONTENT_TYPES, MAX_LIST_ELEMENTS, name, "部件清单")
                with contextlib.suppress(Exception):  # no manifest: openpyxl refuses it next
                    manifest = Manifest.from_tree(fromstring(z.read(ARC_CONTENT_TYPES)))
                    found = manifest.find(SHARED_STRINGS)
                    strings = found.PartName.lstrip("/") if found is not None else None
                    sheets = {o.PartName.lstrip("/") for o in manifest.Override
                              if o.ContentType == WORKSHEET_TYPE}
                    book = _book_part(manifest)
            _check_sizes(name, sizes, strings, sheets)
            for part, limit, what in _parsed_parts(book, strings):
                if part in sizes:
                    _count_elements(z, part, limit, name, what)
    except zipfile.BadZipFile:
        raise WorkbookError(f"“{name}”不是有效的 Excel 工作簿（.xlsx），未导入。") from None
    except OSError as exc:
        raise WorkbookError(f"无法读取工作簿“{name}”：{os_error_text(exc)}。") from None


def _book_part(manifest: Any) -> str | None:
    """Where the workbook part is, as openpyxl finds it (None: openpyxl refuses the file)."""
    from openpyxl.reader.excel import _find_workbook_part

    try:
        return str(_find_workbook_part(manifest).PartName).lstrip("/")
    except Exception:  # noqa: BLE001 - no workbook part: refused as not a workbook next
        return None


def _parsed_parts(book: str | None, strings: str | None) -> list[tuple[str, int, str]]:
    """The parts besides the sheets that reading parses whole, each with its element limit and
    its name in a sentence."""
    from openpyxl.packaging.relationship import get_rels_path
    from openpyxl.xml.constants import ARC_STYLE

    found = [(ARC_STYLE, MAX_STYLE_ELEMENTS, "单元格样式表")]
    if book is not None:
        found += [(book, MAX_BOOK_ELEMENTS, "工作簿部件（工作表清单与名称）"),
                  (get_rels_path(book), MAX_LIST_ELEMENTS, "工作簿的部件关系表")]
    if strings is not None:
        found.append((strings, MAX_STRINGS_ELEMENTS, "共享字符串表（所有单元格的文字）"))
    return found


def _count_elements(archive: Any, part: str, limit: int, workbook: str, what: str) -> None:
    """Refuse a part holding more than `limit` XML elements, counted at the speed of a byte
    search (every element has one start tag; end tags start "</"), before it is parsed."""
    left = limit
    tail = b""
    with archive.open(part) as xml:
        while chunk := xml.read(_CHUNK):
            left -= chunk.count(b"<") - chunk.count(b"</")
            if tail == b"<" and chunk.startswith(b"/"):
                left += 1
            tail = chunk[-1:]
            if left < 0:
                raise WorkbookError(f"工作簿“{workbook}”中的{what}（{part}）超过 {limit:,} 个 XML "
                                    "元素的上限，未导入。请在 Excel 或 WPS 中打开、清除多余的格式"
                                    "后另存，再导入。")


def _check_sizes(name: str, sizes: dict[str, int], strings: str | None, sheets: set[str]
                 ) -> None:
    from openpyxl.xml.constants import ARC_STYLE

    for part, size in sizes.items():
        if part == strings:
            limit, what = MAX_STRINGS_PART, "共享字符串表（所有单元格的文字）"
        elif part in sheets or part.startswith("xl/worksheets/"):
            limit, what = MAX_SHEET_PART, f"工作表部件“{part}”"
        elif part == ARC_STYLE:
            limit, what = MAX_STYLES_PART, f"单元格样式表“{part}”"
        else:
            limit, what = MAX_OTHER_PART, f"部件“{part}”"
        if size > limit:
            raise WorkbookError(f"工作簿“{name}”中的{what}解压后有 {size / _MB:,.0f} MB，超过上限 "
                                f"{limit // _MB} MB，未导入。")
    total = sum(sizes.values())
    if total > MAX_UNPACKED:
        raise WorkbookError(f"工作簿“{name}”解压后共 {total / _MB:,.0f} MB，超过上限 "
                            f"{MAX_UNPACKED // _MB} MB，未导入。请拆分后再导入。")


def _sheet_rows(archive: Any, part: _SheetPart, values: Any, budget: _Budget,
                workbook: str, uncalculated: bool = False) -> list[tuple[Any, ...]]:
    """A sheet's rows as value tuples, row 1 first, up to the last row holding a value. The work
    follows what the XML really holds: empty cells and rows cost one step each and are not kept,
    a cell far to the right adds no padding, and the sheet's declared size is ignored. The
    limits are checked again here (the scan has counted them), should the XML hide a row or an
    element from a byte search."""
    from openpyxl.worksheet._reader import ROW_TAG, WorkSheetParser
    from openpyxl.xml.constants import SHEET_MAIN_NS
    from openpyxl.xml.functions import iterparse

    data_tag = f"{{{SHEET_MAIN_NS}}}sheetData"
    parser = WorkSheetParser(None, values.strings, data_only=True, epoch=values.epoch,
                             date_formats=values.date_formats,
                             timedelta_formats=values.timedelta_formats)
    rows: list[tuple[Any, ...]] = []
    with archive.open(part.path) as xml:
        data = None
        for event, element in iterparse(xml, events=("start", "end")):
            if event == "start":
                if element.tag == data_tag:
                    data = element
                continue
            budget.elements -= 1
            if budget.elements < 0:
                raise _too_many_elements(workbook, part.title)
            if element.tag == data_tag:
                break  # what follows (merged ranges, print setup) is read elsewhere or not needed
            if element.tag != ROW_TAG:
                continue
            number, cells = _row_values(parser, element, part.title, uncalculated)
            element.clear()
            if data is not None:
                data.clear()  # rows read are dropped, so memory stays flat
            if cells and number > len(rows):
                budget.rows -= number - len(rows)
                if budget.rows < 0:
                    raise _too_many_rows(workbook, part.title, number)
                rows.extend([()] * (number - 1 - len(rows)))
                rows.append(cells)
    return rows


def _too_many_elements(workbook: str, sheet: str) -> WorkbookError:
    return WorkbookError(f"工作簿“{workbook}”的单元格过多（读到工作表“{sheet}”时超过 "
                         f"{MAX_XML_ELEMENTS:,} 个 XML 元素的上限），未导入。请拆分后再导入。")


def _formula_only(cell: Any) -> bool:
    """A formula saved without its result: an <f> and no <v>, or an empty <v> in a cell not
    typed as text (openpyxl and other writers leave <v/>; Excel saves an empty text result as
    t="str" with an empty <v>, which is a result: "")."""
    found = {_local(child.tag): child for child in cell}
    if "f" not in found:
        return False
    value = found.get("v")
    return value is None or (not value.text and cell.get("t") != "str")


def _row_values(parser: Any, element: Any, sheet: str, uncalculated: bool = False
                ) -> tuple[int, tuple[Any, ...]]:
    """One <row>: its number and the values of its cells up to the last one holding a value.
    Cells without a value (formatted but empty) are skipped without being parsed; a formula
    without its result is UNCALCULATED when `uncalculated` is asked for, else skipped."""
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
            if not (uncalculated and _formula_only(cell)):
                continue
            found["value"] = UNCALCULATED
        if found["column"] > MAX_COLUMNS:
            if is_blank(found["value"]):
                continue
            raise WorkbookError(f"工作表“{sheet}”第 {number} 行第 {found['column']:,} 列有内容，"
                                f"超出读取范围（每张表最多 {MAX_COLUMNS} 列），未导入。"
                                "请删除表格右侧多余的内容后再导入。")
        values[found["column"]] = found["value"]
    if all(v is UNCALCULATED for v in values.values()):
        return number, ()  # nothing but formulas without results (a template's spare rows)
    return number, tuple(values.get(c) for c in range(1, max(values) + 1))


@dataclass
class _Values:
    """What cell values are read with: the shared strings, the workbook's calendar, and which
    cell styles show a date or a duration."""

    strings: Any
    epoch: Any
    date_formats: set[int]
    timedelta_formats: set[int]


def _open_book(fh: Any) -> Any:
    """openpyxl's reader with only the package's list of parts and the workbook part read (sheet
    names, states, where each sheet is): cheap, whatever the sheets hold. openpyxl's own
    read-only load also parses every sheet without a <dimension> from end to end to find its
    size (a 1,000,000-row sheet: 10 s), which this importer never needs."""
    from openpyxl.reader.excel import ExcelReader

    reader = ExcelReader(fh, read_only=True, data_only=True, keep_links=False)
    reader.read_manifest()
    reader.read_workbook()
    return reader


def _sheet_parts(reader: Any) -> tuple[list[_SheetPart], list[str]]:
    """The visible worksheets in the workbook's order, and the names of the hidden ones."""
    visible, hidden = [], []
    for sheet, rel in reader.parser.find_sheets():
        if rel.target not in reader.valid_files or "chartsheet" in rel.Type:
            continue
        if sheet.state != "visible":
            hidden.append(sheet.name)
        else:
            visible.append(_SheetPart(sheet.name, rel.target))
    return visible, hidden


def _cell_values(reader: Any) -> _Values:
    reader.read_strings()
    dates, durations = _date_styles(reader.archive)
    return _Values(reader.shared_strings, reader.parser.wb.epoch, dates, durations)


def _date_styles(archive: Any) -> tuple[set[int], set[int]]:
    """Which cell styles (by position in <cellXfs>) show a date, and which a duration: all that
    reading values needs from the styles part, decided as openpyxl's stylesheet decides it. Read
    as a stream keeping two sets of numbers: openpyxl builds an object for every font, border
    and style (2 s and 130 MB for Excel's ceiling of 64,000 formats); this reads the 500,000
    elements allowed in under 2 s, in flat memory."""
    from openpyxl.styles.numbers import builtin_format_code, is_date_format, is_timedelta_format
    from openpyxl.xml.constants import ARC_STYLE
    from openpyxl.xml.functions import iterparse

    if ARC_STYLE not in archive.namelist():
        return set(), set()
    custom: dict[int, str] = {}
    numbers: list[int] = []
    stack: list[Any] = []
    with archive.open(ARC_STYLE) as xml:
        for event, element in iterparse(xml, events=("start", "end")):
            if event == "start":
                stack.append(element)
                continue
            stack.pop()
            parent = _local(stack[-1].tag) if stack else ""
            tag = _local(element.tag)
            if tag == "numFmt" and parent == "numFmts":
                custom[int(element.get("numFmtId"))] = element.get("formatCode")
            elif tag == "xf" and parent == "cellXfs":
                numbers.append(int(element.get("numFmtId", 0)))
            if stack:
                stack[-1].remove(element)  # what was read is dropped: memory stays flat
    dates, durations = set(), set()
    for index, number in enumerate(numbers):
        code = custom[number] if number in custom else builtin_format_code(number)
        if is_date_format(code):
            dates.add(index)
        if is_timedelta_format(code):
            durations.add(index)
    return dates, durations


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def read_sheets(path: Path, *, uncalculated: bool = False) -> tuple[list[RawSheet], list[str]]:
    """Every visible sheet's rows as value tuples, row 1 first, within the limits; and the names
    of the hidden sheets, which are not read (what a clerk cannot see is not data). Every limit
    is checked on every visible sheet before any of them is parsed. `uncalculated`: a formula
    saved without its result is UNCALCULATED (vocab), not skipped as empty."""
    _check_parts(path)
    with open(path, "rb") as fh, warnings.catch_warnings():
        # openpyxl warns about parts of a workbook it does not keep (data-validation extensions,
        # slicers, a missing default style). Reading values is unaffected, and the test suite
        # turns warnings into errors, so they are silenced here, for openpyxl only.
        warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl(\..*)?$")
        try:
            reader = _open_book(fh)
            parts, hidden = _sheet_parts(reader)
        except MemoryError:
            raise
        except Exception:  # noqa: BLE001 - zip, XML and openpyxl errors alike: not a workbook
            raise WorkbookError(f"“{path.name}”不是有效的 Excel 工作簿（.xlsx），未导入。") from None
        try:
            archive = reader.archive
            budget = _Budget(MAX_XML_ELEMENTS, MAX_ROWS)
            merges = [_scan_sheet(archive, part, budget, path.name) for part in parts]
            try:
                values = _cell_values(reader)
            except MemoryError:
                raise
            except Exception:  # noqa: BLE001 - as above: the workbook's own parts are broken
                raise WorkbookError(f"“{path.name}”不是有效的 Excel 工作簿（.xlsx），未导入。") \
                    from None
            parsing = _Budget(MAX_XML_ELEMENTS, MAX_ROWS)
            sheets = [RawSheet(part.title, _sheet_rows(archive, part, values, parsing, path.name,
                                                       uncalculated),
                               boxes) for part, boxes in zip(parts, merges, strict=True)]
        except (WorkbookError, MemoryError):
            raise
        except Exception as exc:  # noqa: BLE001 - a damaged part in the zip: any parser error
            raise WorkbookError(f"工作簿“{path.name}”已损坏，无法读取（{type(exc).__name__}）。") \
                from None
        finally:
            reader.archive.close()
    return sheets, hidden


def read_rows(path: str | os.PathLike[str]) -> list[tuple[str, list[tuple[Any, ...]]]]:
    """Every visible sheet's name and rows, read within the same limits as an import (for other
    workbooks a user brings, such as a task list); WorkbookError names what was refused."""
    path = Path(path)
    check_file(path)
    return [(raw.name, raw.rows) for raw in read_sheets(path)[0]]
