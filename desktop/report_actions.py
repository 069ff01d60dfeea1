"""生成自评报告: first 草稿 or 正式, chosen explicitly (正式 only once the year is complete, and
the dialog says what is missing until then), then the PDF written off the UI thread with
progress, then offered to open."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QRadioButton,
                               QVBoxLayout, QWidget)

from db.county import CountyFile
from desktop import dialogs, worker
from desktop.host import Host

if TYPE_CHECKING:
    from reports.judge.progress import Progress


class ReportKindDialog(QDialog):
    """正式报告 or 草稿, as a clerk decides before anything is written. 正式 is offered only when
    the year is complete; otherwise it is greyed and the reasons are listed by name."""

    def __init__(self, parent: QWidget | None, year: int, state: Progress):
        super().__init__(parent)
        self.setWindowTitle("生成自评报告")
        self.resize(640, 440 if state.is_draft else 200)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"生成 {year} 年度自评报告：", self))
        self.final_button = QRadioButton("正式报告（可盖章上报，不标注“草稿”）", self)
        self.draft_button = QRadioButton("草稿（每页标注“草稿”，供内部核对和讨论）", self)
        layout.addWidget(self.final_button)
        layout.addWidget(self.draft_button)
        self.reasons = QPlainTextEdit(self)
        self.reasons.setReadOnly(True)
        if state.is_draft:
            self.final_button.setEnabled(False)
            self.draft_button.setChecked(True)
            self.reasons.setPlainText("\n".join([
                f"正式报告暂不能生成：{year}年度的数据尚未齐全。", "", *state.missing_text(), "",
                "可在“填报进度”页查看各乡镇、各机构缺少的项目，确认沿用上年的数据；"
                "补齐后即可生成正式报告。"]))
            layout.addWidget(self.reasons, 1)
        else:
            self.final_button.setChecked(True)
            self.reasons.hide()
            layout.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.go = buttons.addButton("生成…", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    @property
    def final(self) -> bool:
        return self.final_button.isEnabled() and self.final_button.isChecked()


def make_report(window: Host) -> None:
    if window.county is None:
        return
    county = window.county
    year, path = window.year, county.path
    from reports.judge.evaluation import evaluate

    ctx = getattr(window, "ctx", None)
    state = (ctx.progress if ctx is not None and ctx.county is county and ctx.year == year
             and ctx.progress is not None else evaluate(county, year).progress)
    choice = ReportKindDialog(window, year, state)
    if not dialogs.exec_dialog(choice):
        return
    final = choice.final
    kind = "" if final else "（草稿）"
    suggested = str(path.with_name(f"{county.county_name}自评报告（{year}年度）{kind}.pdf"))
    name = dialogs.save_file_name(window, "生成自评报告", suggested, "PDF 文件 (*.pdf)")
    if not name:
        return
    out = Path(name) if name.lower().endswith(".pdf") else Path(name + ".pdf")

    def work(progress: worker.Progress) -> Path:
        from reports.pdf.report import write_report

        with CountyFile.open(path, daily_backup=False) as own:
            return write_report(own, year, out, progress=progress, final=final)

    def done(result: Path) -> None:
        window.statusBar().showMessage(f"已生成自评报告：{result}", 8000)
        if dialogs.confirm(window, "生成自评报告", f"自评报告已生成：\n{result}\n\n现在打开吗？"):
            dialogs.open_with_system(str(result))

    window.jobs.run("生成自评报告", work, done)
