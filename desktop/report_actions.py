"""生成自评报告: the PDF written off the UI thread with progress, then offered to open."""

from __future__ import annotations

from pathlib import Path

from db.county import CountyFile
from desktop import dialogs, worker
from desktop.host import Host


def make_report(window: Host) -> None:
    if window.county is None:
        return
    county = window.county
    year, path = window.year, county.path
    from reports.judge.progress import progress

    state = progress(county, year)
    if state.is_draft and not dialogs.show_text(
            window, "生成自评报告",
            "\n".join([f"{year}年度的数据尚未齐全，生成的报告每页都将标注“草稿”：", "",
                       *state.missing_text(), "",
                       "可在“填报进度”页查看各乡镇的填报情况、确认沿用上年的数据。"]),
            accept="仍然生成草稿"):
        return
    suggested = str(path.with_name(f"{county.county_name}自评报告（{year}年度）.pdf"))
    name = dialogs.save_file_name(window, "生成自评报告", suggested, "PDF 文件 (*.pdf)")
    if not name:
        return
    out = Path(name) if name.lower().endswith(".pdf") else Path(name + ".pdf")

    def work(progress: worker.Progress) -> Path:
        from reports.pdf.report import write_report

        with CountyFile.open(path, daily_backup=False) as own:
            return write_report(own, year, out, progress=progress)

    def done(result: Path) -> None:
        window.statusBar().showMessage(f"已生成自评报告：{result}", 8000)
        if dialogs.confirm(window, "生成自评报告", f"自评报告已生成：\n{result}\n\n现在打开吗？"):
            dialogs.open_with_system(str(result))

    window.jobs.run("生成自评报告", work, done)
