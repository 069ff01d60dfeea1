"""多县汇总 as a workbook: the counties' scores, every county on every item (value, met, points,
last year beside this year), how many counties pass each item, and the files left out and why.
A county with nothing for the year reads 无数据 (not 0 分) and is left out of the counts.

Values only, never formulas: saved through export.save_atomically, where a county name that
starts with “=” stays text.
"""

from __future__ import annotations

import os
from pathlib import Path

from db.county import shown_time
from reports.excel.export import INT_FORMAT, SHARE_FORMAT, Out, save_atomically, sheet_text, write_table
from reports.judge.rollup import Cell, Column, Rollup
from reports.judge.wording import format_value

SCORE_FORMAT = "0.0"

COUNTY_COLUMNS = [Out("序号", 6), Out("县（区）", 14), Out("文件", 24), Out("目标方案", 18),
                  Out("得分", 8, SCORE_FORMAT), Out("满分", 8, SCORE_FORMAT),
                  Out("合格线", 8, SCORE_FORMAT), Out("是否达到合格线", 10),
                  Out("必备项", 30), Out("上年得分", 8, SCORE_FORMAT), Out("上年是否达到", 10),
                  Out("比上年", 8, SCORE_FORMAT), Out("最后修改", 17)]
DETAIL_COLUMNS = [Out("县（区）", 14), Out("条目", 11), Out("编号", 7), Out("评分项", 44),
                  Out("必备", 6), Out("数值", 12), Out("是否达标", 8), Out("得分", 7, SCORE_FORMAT),
                  Out("满分", 7, SCORE_FORMAT), Out("得分情况", 10), Out("上年数值", 12),
                  Out("上年是否达标", 8), Out("上年得分", 7, SCORE_FORMAT), Out("说明", 36)]
SHARE_COLUMNS = [Out("序号", 6), Out("条目", 11), Out("编号", 7), Out("评分项", 50), Out("必备", 6),
                 Out("满分", 7, SCORE_FORMAT), Out("达标县数", 9, INT_FORMAT),
                 Out("参评县数", 9, INT_FORMAT), Out("达标比例", 9, SHARE_FORMAT),
                 Out("上年达标县数", 9, INT_FORMAT), Out("说明", 16)]
NO_DATA = "无数据"
SKIPPED_COLUMNS = [Out("序号", 6), Out("文件", 28), Out("类别", 16), Out("原因", 70)]


def met_text(met: bool | None, state: str) -> str:
    return "达标" if met is True else "未达标" if met is False else state


def value_text(col: Column, value: float | int | None, state: str) -> str:
    if col.indicator is None or col.kind is None:
        return ""  # a document or a register count has no figure; the reason says it
    return format_value(col.kind, value)


def _counties(book, r: Rollup) -> None:
    ws = book.create_sheet("各县得分")
    codes = {c.id: c.code for c in r.columns}
    rows = []
    for n, c in enumerate(r.counties, start=1):
        vetoes = "、".join(f"{i}（{codes.get(i, '')}）" for i in c.veto_failures)
        now = [c.total, c.max, c.pass_mark, "是" if c.passed else "否",
               f"未达到：{vetoes}" if vetoes else "均达到"] if c.has_data else \
            [NO_DATA, c.max, c.pass_mark, NO_DATA, c.no_data]
        before = [c.previous_total, "是" if c.previous_passed else "否"] \
            if c.previous_has_data else [NO_DATA, NO_DATA]
        rows.append([n, c.shown, c.file, c.profile, *now, *before, c.change,
                     shown_time(c.last_change)])
    last = write_table(ws, f"{r.year}年度 多县汇总 各县得分（{r.standard_name}）", COUNTY_COLUMNS,
                       rows, wrap=(9,))
    empty = r.without_data
    lines = [f"共 {len(r.counties)} 个县"
             + (f"（其中 {len(empty)} 个本年度无数据，不计入统计）" if empty else "")
             + f"，{r.passed} 个达到合格线（上年 {r.previous_passed} 个），"
             f"{r.veto_clear} 个必备项均达到；跳过 {len(r.skipped)} 个文件（见“跳过的文件”表）。"]
    if r.note:
        lines.append(r.note)
    for i, line in enumerate(lines):
        ws.cell(last + 2 + i, 2, sheet_text(line))


def _cell_row(county: str, col: Column, cell: Cell) -> list:
    return [county, col.code, col.id, col.text, "是" if col.veto else "",
            value_text(col, cell.value, cell.state), met_text(cell.met, cell.state),
            cell.points, col.max, cell.state, value_text(col, cell.previous_value, ""),
            met_text(cell.previous_met, cell.previous_state),
            cell.previous_points, cell.reason]


def _details(book, r: Rollup) -> None:
    ws = book.create_sheet("逐项明细")
    rows = (_cell_row(c.shown, col, c.cells[col.id])
            for c in r.with_data for col in r.columns if col.id in c.cells)
    write_table(ws, f"{r.year}年度 各县逐项情况（数值、是否达标、得分，上年在右）", DETAIL_COLUMNS,
                rows, wrap=(4, 14))


def _matrix(book, r: Rollup) -> None:
    """Counties down, items across, points in the cells: the table a meeting looks at."""
    ws = book.create_sheet("得分矩阵")
    columns = [Out("县（区）", 14), Out("得分", 8, SCORE_FORMAT), Out("达到合格线", 8)] + [
        Out(c.header, 10, SCORE_FORMAT) for c in r.columns]
    rows = ([c.shown, c.total, "是" if c.passed else "否"]
            + [c.cells[col.id].points if col.id in c.cells else None for col in r.columns]
            if c.has_data else [c.shown, NO_DATA, NO_DATA] + [None] * len(r.columns)
            for c in r.counties)
    last = write_table(ws, f"{r.year}年度 各县逐项得分（★为必备项；空白为不适用或无数据）", columns,
                       rows)
    ws.cell(last + 2, 1, "各列评分项的全文见“各项达标县数”表。")


def _shares(book, r: Rollup) -> None:
    ws = book.create_sheet("各项达标县数")
    rows = [[n, s.column.code, s.column.id, s.column.text, "是" if s.column.veto else "",
             s.column.max, *([s.passed, s.judged, s.share, s.previous_passed] if s.judged
                             else [None] * 4), "" if s.judged else s.share_text]
            for n, s in enumerate(r.shares(), start=1)]
    write_table(ws, f"{r.year}年度 各评分项达标县数", SHARE_COLUMNS, rows, wrap=(4,))


def _skipped(book, r: Rollup) -> None:
    ws = book.create_sheet("跳过的文件")
    rows = [[n, s.file, s.kind, s.reason] for n, s in enumerate(r.skipped, start=1)]
    if not rows:
        rows = [["", "（没有跳过的文件）", "", ""]]
    write_table(ws, f"未计入汇总的文件（文件夹：{r.folder}）", SKIPPED_COLUMNS, rows, wrap=(4,))


def write_rollup(r: Rollup, out_path: str | os.PathLike[str]) -> Path:
    """Write the summary to `out_path` (.xlsx) beside it, then rename; returns the path."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    _counties(book, r)
    _shares(book, r)
    _matrix(book, r)
    _details(book, r)
    _skipped(book, r)
    book.active = 0
    return save_atomically(book, out_path)
