"""Random cell contents in a valid layout never crash the importer: every row is imported, skipped
as a note, or refused with a reason that names its sheet, row and column."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, given, settings, strategies as st
import pytest

from db.county import CountyFile
from reports.excel.importer import ImportRefused, apply, plan_import
from reports.excel.vocab import SHEET_COLUMNS, BadValue, read_cell

from tests.reports.conftest import inst
from .excel_books import blank_county_file, county, digest, write_book

__all__ = ["blank_county_file", "county"]  # fixtures, used by name

WORDS = ["是", "否", "√", "×", "Y", "N", "有", "无", "—", "-", "/", "", " ", "合计", "备注：见下",
         "达标", "提档升级", "未建", "精品", "示范", "乡镇卫生院", "村卫生室", "中医院", "八段锦",
         "义诊", "健康讲座", "2024-03-05", "2024/3/5", "2024年3月5日", "92%", "1,234", "１２",
         "12.0", "-3", "2024", "2024年", "甲镇卫生院", "乙村卫生室", "丙新卫生院", "=1+1", "（人）"]

cells = st.one_of(
    st.none(),
    st.sampled_from(WORDS),
    st.integers(-10, 200_000),
    st.integers(-(10**15), 10**15),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e16, max_value=1e16),
    st.booleans(),
    st.dates(_dt.date(1990, 1, 1), _dt.date(2099, 12, 31)),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=6),
)
names = st.sampled_from(["甲镇卫生院", "乙村卫生室", "丙新卫生院", " 甲镇卫生院 ", "小计"])


def columns(wild: bool) -> dict[str, list[tuple[str, st.SearchStrategy]]]:
    """Each sheet's columns with values the column accepts, or (wild) sometimes anything."""
    def v(valid: st.SearchStrategy) -> st.SearchStrategy:
        return st.one_of(valid, valid, valid, cells) if wild else valid

    count = v(st.one_of(st.none(), st.integers(0, 60)))
    yes_no = v(st.sampled_from(["是", "否", "√", None]))
    return {
        "机构": [
            ("机构名称", v(names)),
            ("机构类型", v(st.sampled_from(["乡镇卫生院", "村卫生室", None]))),
            ("年度", v(st.sampled_from([2024, "2024年", None]))),
            ("执业（助理）医师数", count),
            ("中医类别执业（助理）医师数", count),
            ("是否设置中医馆", yes_no),
            ("中医馆达标情况", v(st.sampled_from(["达标", "提档升级", "已建未达标", None]))),
            ("中医馆等级", v(st.sampled_from(["普通", None]))),
            ("总诊疗人次", count),
            ("是否接入中医馆健康信息平台", yes_no),
        ],
        "活动": [
            ("机构名称", v(names)),
            ("活动日期", v(st.dates(_dt.date(2024, 1, 1), _dt.date(2024, 1, 5)))),
            ("活动类型", v(st.sampled_from(["义诊", "八段锦", "健康讲座"]))),
            ("活动名称", v(st.sampled_from(["义诊", "讲座"]))),
            ("参与人数", count),
            ("是否中医药内容", yes_no),
        ],
        "全县": [
            ("年度", v(st.sampled_from([2023, 2024]))),
            ("常住人口", v(st.integers(1000, 2000))),
            ("65岁及以上常住居民数", count),
            ("接受中医药健康管理的65岁及以上居民数", count),
            ("群众中医药服务满意率", v(st.sampled_from(["92%", 92, 0.92, None]))),
        ],
    }


HEADERS = {sheet: [h for h, _ in cols] for sheet, cols in columns(False).items()}


def _book(wild: bool) -> st.SearchStrategy:
    return st.fixed_dictionaries({
        sheet: st.lists(st.tuples(*(s for _, s in cols)).map(list), max_size=5)
        for sheet, cols in columns(wild).items()})


books = st.one_of(_book(False), _book(True))


class _Rollback(Exception):
    pass


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(book=books)
def test_random_cells_never_crash_and_every_row_is_accounted_for(county: CountyFile,
                                                                 tmp_path: Path, book) -> None:
    if not county.count("institution"):
        inst(county, "甲镇卫生院", "township_hc", {"physicians": 10, "tcm_physicians": 3})
        inst(county, "乙村卫生室", "village_clinic")
    path = write_book(tmp_path / "random.xlsx", {
        sheet: [HEADERS[sheet], *rows] for sheet, rows in book.items()
    })
    plan = plan_import(county, path, year=2024)

    assert plan.rows_read == plan.rows_accepted + plan.rows_skipped + len(plan.refused_rows)
    for r in plan.refusals:
        assert r.sheet in book and 2 <= r.row <= len(book[r.sheet]) + 1
        assert r.column and r.reason
        assert (r.sheet, r.row) in plan.refused_rows
    plan.summary_text()  # the summary of any plan can be shown

    event("refused" if plan.refusals else "imported")
    before = digest(county.path)
    if not plan.ok:
        with pytest.raises(ImportRefused):
            apply(plan)
        assert digest(county.path) == before
        return
    try:
        with county.atomic():
            apply(plan)
            again = plan_import(county, path, year=2024)
            assert again.ok and not again.has_changes, again.summary_text()
            raise _Rollback
    except _Rollback:
        pass
    assert digest(county.path) == before


@settings(max_examples=300, deadline=None)
@given(value=cells, kind=st.sampled_from(sorted({c.kind for cols in SHEET_COLUMNS.values()
                                                 for c in cols})))
def test_a_cell_is_read_or_refused_with_a_reason(value: Any, kind: str) -> None:
    column = next(c for cols in SHEET_COLUMNS.values() for c in cols if c.kind == kind)
    try:
        read_cell(column, value)
    except BadValue as exc:
        assert str(exc)
