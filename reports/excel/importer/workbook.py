"""Step 1: open a workbook from a stranger's PC and read its visible sheets within stated
bounds (file and part sizes from the zip directory, XML elements, columns, rows, merged cells),
never trusting what the workbook claims about itself.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
import os
from pathlib import Path
import re
from typing import Any
import warnings


from reports.excel.vocab import (MAX_BYTES, MAX_COLUMNS, MAX_OTHER_PART, MAX_PARTS, MAX_ROWS,
                                 MAX_SHEET_PART, MAX_STRINGS_PART, MAX_UNPACKED, MAX_XML_ELEMENTS,
                                 WorkbookError, is_blank)


_ZIP_MAGIC = b"PK\x03\x04"
# Encrypted (password-protected) .xlsx files and old .xls files are both OLE compound files.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"



def check_file(path: Path) -> None:
    """Refuse, by size and first bytes, what openpyxl cannot or should not open."""
    name = path.name
    if not path.exists():
        raise WorkbookError(f"找不到工作簿“{path}”。")
    if path.is_dir():
        raise WorkbookError(f"“{name}”是一个文件夹，不是 Excel 工作簿。")
    if not path.is_file():  # a pipe or a device would keep the first read waiting for ever
        raise WorkbookError(f"“{name}”不是普通文件（是管道、设备等特殊文件），不是 Excel 工作簿。")
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
class RawSheet:
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


def read_sheets(path: Path) -> tuple[list[RawSheet], list[str]]:
    """Every visible sheet's rows as value tuples, row 1 first, within the limits; and the names
    of the hidden sheets, which are not read (what a clerk cannot see is not data)."""
    import openpyxl

    _check_parts(path)
    sheets: list[RawSheet] = []
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
                sheets.append(RawSheet(ws.title, rows, merges))
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
    check_file(path)
    return [(raw.name, raw.rows) for raw in read_sheets(path)[0]]
