"""导入 Excel and 导出 Excel from the window: the workbook read and checked off the UI thread,
what would change shown before anything is written, then one transaction."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from db.county import CountyFile
from db.vocab import pinyin_key
from db.errors import KnownError
from desktop import dialogs, worker
from desktop.host import Host


def import_excel(window: Host) -> None:
    if window.county is None:
        return
    name = dialogs.open_file_name(window, "选择要导入的 Excel 工作簿", dialogs.WORKBOOK_TO_OPEN)
    if not name:
        return
    _plan(window, Path(name), window.year, None)


def _plan(window: Host, book: Path, year: int, moves: dict[tuple[str, int], str] | None) -> None:
    """Read and check the workbook off the UI thread (again, with the clerk's answers about
    same-named institutions in other townships, once given)."""
    assert window.county is not None
    path = window.county.path

    def work(progress: worker.Progress) -> Any:
        from reports.excel.importer import plan_import

        with CountyFile.open(path, daily_backup=False) as county:
            return plan_import(county, book, year=year, moves=moves,
                               progress=lambda d, t: progress(d, t, "正在读取工作簿…"))

    window.jobs.run("导入 Excel", work, lambda plan: _import_planned(window, plan))


def _import_planned(window: Host, plan: Any) -> None:
    from reports.excel.importer import ImportRefused, apply

    if plan.refusals:
        dialogs.show_text(window, "导入 Excel：有数据行被拒绝，未导入任何内容", plan.summary_text())
        return
    if plan.undecided:
        from desktop.township_actions import PossibleMovesDialog

        dialog = PossibleMovesDialog(plan.undecided, window)
        if dialogs.exec_dialog(dialog):
            _plan(window, plan.source, plan.year, {**_decided(plan), **dialog.decisions()})
        return
    if not plan.has_changes:
        dialogs.info(window, "导入 Excel", "工作簿中的数据与本文件一致，没有需要导入的变化。")
        return
    if not dialogs.show_text(window, "导入 Excel：确认要导入的变化",
                             plan.summary_text() + "\n\n导入后不能撤销（导入前会先备份本文件）。",
                             accept="导入(&I)"):
        return
    try:
        apply(plan, window.county)
    except ImportRefused as exc:  # it says the file was not changed
        dialogs.error(window, worker.not_done("导入 Excel"), str(exc))
        return
    except KnownError as exc:
        dialogs.error(window, worker.not_done("导入 Excel"), f"{exc}\n本文件未作任何改动。")
        return
    window.history.cannot_undo("导入 Excel")
    window.reload_years()
    window.statusBar().showMessage("导入完成（导入不能撤销；导入前的文件已备份，可在“恢复备份”中找回）",
                                   8000)


def export_template(window: Host) -> None:
    """导出填报模板: the fill-in workbook of the year, for the whole county or one township (as
    `tcmcounty template`): sent to institutions, filled in, and brought back by 导入 Excel."""
    if window.county is None:
        return
    county, year = window.county, window.year
    # The year's townships (a township merged away later still has its own template that year).
    towns = sorted({r["township"] for r in county.institutions_in_year(year) if r["township"]},
                   key=pinyin_key)
    whole = "全县（所有乡镇、街道）"
    town: str | None = None
    if towns:
        chosen = dialogs.ask_item(window, "导出填报模板", f"{year} 年度的填报模板，发给：",
                                  [whole, *towns])
        if not chosen:
            return
        town = None if chosen == whole else chosen

    def write(own: CountyFile, out: Path) -> Path:
        from reports.excel.template import write_template

        return write_template(own, year, out, town)
    _write_book(window, "导出填报模板", f"{county.county_name}{town or ''}{year}年度填报模板.xlsx",
                write, lambda result: f"已写出{town or '全县'} {year} 年度的填报模板：\n{result}\n\n"
                "各机构填好后，用“文件 → 导入 Excel”导入（可先导入一次，检查有无被拒绝的行）。")


def _decided(plan: Any) -> dict[tuple[str, int], str]:
    given = plan.move_decisions
    return dict(given) if isinstance(given, dict) else {}


def export_excel(window: Host) -> None:
    if window.county is None:
        return
    county, year = window.county, window.year

    def write(own: CountyFile, out: Path) -> Path:
        from reports.excel.export import export_workbook

        return export_workbook(own, year, out)
    _write_book(window, "导出 Excel",
                str(county.path.with_name(f"{county.county_name}{year}年数据.xlsx")), write,
                lambda result: f"已导出 {year} 年的数据和指标结果：\n{result}")


def _write_book(window: Host, title: str, suggested: str,
                write: Callable[[CountyFile, Path], Path], said: Callable[[Path], str]) -> None:
    """Ask where, then write a workbook from the open file in the background (with its own
    connection) and say where it went."""
    assert window.county is not None
    path = window.county.path
    name = dialogs.save_file_name(window, title, suggested, "Excel 工作簿 (*.xlsx)")
    if not name:
        return
    out = Path(name) if name.lower().endswith(".xlsx") else Path(name + ".xlsx")

    def work(progress: worker.Progress) -> Path:
        with CountyFile.open(path, daily_backup=False) as own:
            return write(own, out)

    window.jobs.run(title, work, lambda result: dialogs.info(window, title, said(result)))
