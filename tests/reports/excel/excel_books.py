"""Workbooks built inside the tests, as messy as the ones bureaus send, and a file-hash helper."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
import hashlib
from pathlib import Path
import shutil
from typing import Any

import openpyxl
import pytest

from db.county import CountyFile
from reports.excel.importer import ImportPlan, plan_import

Rows = Sequence[Sequence[Any]]


@pytest.fixture(scope="session")
def blank_county_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One empty county file made per session; each test works on its own copy (much faster
    than creating a file per test). A fixed machine id keeps the user's data folder untouched."""
    path = tmp_path_factory.mktemp("blank") / "测试县.tcmcounty"
    CountyFile.create(path, "测试县", machine="0" * 32).close()
    return path


@pytest.fixture
def county(blank_county_file: Path, tmp_path: Path) -> Iterator[CountyFile]:
    """An empty county 测试县 of the test's own (replaces conftest's, same contents)."""
    path = tmp_path / blank_county_file.name
    shutil.copyfile(blank_county_file, path)
    c = CountyFile.open(path, daily_backup=False)
    yield c
    c.close()


def write_book(path: Path, sheets: dict[str, Rows], *, merges: dict[str, list[str]] | None = None,
               formats: dict[str, dict[str, str]] | None = None) -> Path:
    """A workbook with one sheet per entry, rows from row 1; `merges` per sheet ("A1:F1"),
    `formats` per sheet ({"C5": "0%"})."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(r, c, value)
        for ref in (merges or {}).get(name, []):
            ws.merge_cells(ref)
        for ref, fmt in (formats or {}).get(name, {}).items():
            ws[ref].number_format = fmt
    book.save(path)
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def plan_rows(county: CountyFile, path: Path, sheets: dict[str, Rows], **kw: Any) -> ImportPlan:
    return plan_import(county, write_book(path, sheets, **kw.pop("book", {})), **kw)


def refusal_texts(plan: ImportPlan) -> list[str]:
    return [str(r) for r in plan.refusals]


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small demo county, written once per session."""
    from db.demo import write_demo

    return write_demo(tmp_path_factory.mktemp("demo") / "青河县.tcmcounty", "small")


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path) -> Iterator[CountyFile]:
    """The test's own copy of the small demo county (青河县, 2022–2024)."""
    path = tmp_path / demo_file.name
    shutil.copyfile(demo_file, path)
    c = CountyFile.open(path, daily_backup=False)
    yield c
    c.close()
