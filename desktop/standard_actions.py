"""导入评分表, 导出评分表 and 恢复国家建设标准 from the window: a province's 评分表 is checked whole
and summed up before anything is written; the standard kept in the file scores it from then on."""

from __future__ import annotations

from pathlib import Path

from db.errors import KnownError
from desktop import dialogs
from desktop.host import Host


def _judge_again(window: Host) -> None:
    """The standard changed: judge the year on show again, staying on it."""
    year = window.year
    window.reload_years()
    window.show_year(year)


def import_standard(window: Host) -> None:
    county = window.county
    if county is None:
        return
    name = dialogs.open_file_name(window, "选择本省评分表（Excel）", dialogs.WORKBOOK_TO_OPEN)
    if not name:
        return
    from reports.excel.standard_book import import_standard as keep, read_standard, summary

    try:
        std = read_standard(name)
    except KnownError as exc:
        dialogs.show_text(window, "导入评分表：未导入", str(exc))
        return
    if not dialogs.confirm(window, "导入评分表", f"{summary(std)}\n\n导入后本文件按此评分表评分，"
                           "合并文件时一并合并。现在导入吗？"):
        return
    try:
        keep(county, name)
    except KnownError as exc:
        dialogs.error(window, "导入未完成", f"{exc}\n本文件未作任何改动。")
        return
    window.history.cannot_undo("导入评分表")
    _judge_again(window)
    window.statusBar().showMessage("评分表已导入", 8000)


def export_standard(window: Host) -> None:
    county = window.county
    if county is None:
        return
    name = dialogs.save_file_name(window, "导出评分表", str(county.path.with_name("评分表.xlsx")),
                                  "Excel 工作簿 (*.xlsx)")
    if not name:
        return
    from reports.excel.standard_book import export_standard as write

    out = Path(name) if name.lower().endswith(".xlsx") else Path(name + ".xlsx")
    try:
        result = write(county, out)
    except KnownError as exc:
        dialogs.error(window, "导出评分表", str(exc))
        return
    dialogs.info(window, "导出评分表", f"已导出评分标准（可修改后再导入）：\n{result}")


def reset_standard(window: Host) -> None:
    county = window.county
    if county is None:
        return
    from reports.judge import standard

    if not dialogs.confirm(window, "恢复国家建设标准",
                           f"不再使用导入的评分表，改按{standard.shipped().name}评分吗？"):
        return
    try:
        standard.forget(county)
    except KnownError as exc:
        dialogs.error(window, "恢复国家建设标准", f"{exc}\n本文件未作任何改动。")
        return
    window.history.cannot_undo("恢复国家建设标准")
    _judge_again(window)
