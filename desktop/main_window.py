"""The main window: the county and year being judged, the tabs, and the menus."""

from __future__ import annotations

from collections.abc import Callable
import datetime as _dt
from pathlib import Path
from typing import Any

from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (QApplication, QComboBox, QLabel, QMainWindow, QMenu,
                               QProgressDialog, QPushButton, QTabWidget, QToolBar, QWidget)

from db.county import CountyFile
from db.errors import KnownError
from desktop import __version__, dialogs, rollup_actions, settings, worker
from desktop.context import Context
from db import backups, exchange
from desktop.exchange_dialogs import BackupsDialog, MergeDialog
from desktop.failing_dialog import FailingDialog
from desktop.profile_dialog import ProfileDialog
from desktop.tabs.activities import ActivitiesTab
from desktop.tabs.county import CountyTab
from desktop.tabs.halls import HallsTab
from desktop.tabs.institutions import InstitutionsTab
from desktop.tabs.overview import OverviewTab
from desktop.tabs.personnel import PersonnelTab
from desktop.tabs.tasks import TasksTab
from reports.judge.profiles import active_profile

TITLE = "中医药示范县创建自评"
FILE_FILTER = "县级数据文件 (*.tcmcounty);;所有文件 (*)"

# Which tab holds the institutions behind an indicator.
_TAB_OF = {**{i: "halls" for i in ("A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8", "A9", "A10",
                                   "B1", "B2", "B3", "B4")},
           **{i: "personnel" for i in ("B7", "B9", "B10", "B11", "B12", "B13", "B14",
                                       "C1", "C2", "C3", "C4", "C5", "C6")},
           **{i: "activities" for i in ("D1", "D2", "D3", "D4", "D5", "D6", "D7", "D8", "D9")},
           **{i: "county" for i in ("B5", "B6", "B8", "D10", "D11")}}


class MainWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.county: CountyFile | None = None
        self.ctx: Context | None = None
        self.setWindowTitle(TITLE)
        self.resize(1280, 800)
        self._build_toolbar()
        self.tabs = QTabWidget(self)
        self.overview = OverviewTab()
        self.institutions = InstitutionsTab()
        self.halls = HallsTab()
        self.personnel = PersonnelTab()
        self.activities = ActivitiesTab()
        self.county_tab = CountyTab()
        self.tasks = TasksTab()
        self.pages: dict[str, QWidget] = {
            "overview": self.overview, "institutions": self.institutions, "halls": self.halls,
            "personnel": self.personnel, "activities": self.activities, "county": self.county_tab,
            "tasks": self.tasks,
        }
        for key, title in (("overview", "总览"), ("institutions", "机构"),
                           ("halls", "中医馆/中医阁"), ("personnel", "人员配备"),
                           ("activities", "文化宣传活动"), ("county", "全县情况"),
                           ("tasks", "任务与佐证")):
            self.tabs.addTab(self.pages[key], title)
            changed = getattr(self.pages[key], "changed", None)
            if changed is not None:
                changed.connect(lambda k=key: self._file_changed(k))
        self.stale: set[str] = set()
        self.tabs.currentChanged.connect(self._tab_shown)
        self.overview.failing_requested.connect(self.show_failing)
        self.setCentralWidget(self.tabs)
        self._build_menus()
        self.statusBar()
        saved = settings.geometry()
        if saved is not None:
            self.restoreGeometry(saved)

    # ---- chrome ----------------------------------------------------------------------------

    def _build_toolbar(self) -> None:
        bar = QToolBar("年度与方案", self)
        bar.setMovable(False)
        bar.setObjectName("main_toolbar")
        bar.addWidget(QLabel(" 年度："))
        self.year_box = QComboBox(self)
        self.year_box.setObjectName("year")
        self.year_box.currentIndexChanged.connect(lambda _i: self._year_changed())
        bar.addWidget(self.year_box)
        bar.addSeparator()
        bar.addWidget(QLabel(" 目标方案："))
        self.profile_label = QLabel(self)
        self.profile_label.setObjectName("profile")
        bar.addWidget(self.profile_label)
        self.profile_button = QPushButton("目标设置…", self)
        self.profile_button.clicked.connect(self.edit_profiles)
        bar.addWidget(self.profile_button)
        bar.addSeparator()
        self.readonly_label = QLabel(self)
        self.readonly_label.setStyleSheet("color: #a40000; font-weight: bold;")
        bar.addWidget(self.readonly_label)
        self.addToolBar(bar)

    def _build_menus(self) -> None:
        menu = self.menuBar().addMenu("文件(&F)")
        self._action(menu, "新建…", self.new_file, QKeySequence.StandardKey.New)
        self._action(menu, "打开…", self.open_file, QKeySequence.StandardKey.Open)
        self.recent_menu = menu.addMenu("最近打开")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self._action(menu, "打开多县汇总…", lambda: rollup_actions.open_rollup(self))
        self._action(menu, "另存副本…", self.save_copy)
        menu.addSeparator()
        self._action(menu, "导入 Excel…", self.import_excel)
        self._action(menu, "导出 Excel…", self.export_excel)
        self._action(menu, "生成自评报告…", self.make_report, QKeySequence.StandardKey.Print)
        menu.addSeparator()
        self._action(menu, "合并其他文件…", self.merge_file)
        self._action(menu, "写出乡镇填报文件…", self.township_file)
        self._action(menu, "恢复备份…", self.restore_backup)
        menu.addSeparator()
        self._action(menu, "目标设置…", self.edit_profiles)
        self._action(menu, "导入评分表…", self.import_standard)
        self._action(menu, "导出评分表…", self.export_standard)
        self._action(menu, "恢复国家建设标准", self.reset_standard)
        menu.addSeparator()
        self._action(menu, "退出", self.close, QKeySequence.StandardKey.Quit)
        help_menu = self.menuBar().addMenu("帮助(&H)")
        self._action(help_menu, "关于", self.about)

    def _action(self, menu: QMenu, text: str, slot: object,
                shortcut: QKeySequence.StandardKey | None = None) -> QAction:
        action = menu.addAction(text)
        action.triggered.connect(slot)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        return action

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        files = [p for p in settings.recent_files() if p.exists()]
        if not files:
            self.recent_menu.addAction("（无）").setEnabled(False)
        for path in files:
            self.recent_menu.addAction(str(path)).triggered.connect(
                lambda _c=False, p=path: self.open_path(p))

    # ---- files -----------------------------------------------------------------------------

    def open_path(self, path: Path) -> bool:
        """Open a county file; on a known problem, say so and keep what was open."""
        if self.county is not None and self.county.path.resolve() == Path(path).resolve():
            self._fill_years()  # already open here (and locked by this window)
            return True
        try:
            county = CountyFile.open(path, exclusive=True)
        except KnownError as exc:
            dialogs.error(self, "无法打开文件", str(exc))
            return False
        if self.county is not None:
            self.county.close()
        self.county = county
        settings.remember_file(path.resolve())
        self.setWindowTitle(f"{county.county_name} — {county.path} — {TITLE}")
        self.readonly_label.setText("只读方式打开：本文件所在位置不能写入，修改不会保存"
                                    if county.read_only else "")
        self._fill_years()
        return True

    def new_file(self) -> None:
        name = dialogs.save_file_name(self, "新建县级数据文件", "", FILE_FILTER)
        if not name:
            return
        path = Path(name)
        if path.suffix != ".tcmcounty":
            path = path.with_suffix(".tcmcounty")
        county = dialogs.ask_text(self, "新建县级数据文件", "县（区）名称：")
        if not county:
            return
        try:
            CountyFile.create(path, county).close()
        except KnownError as exc:
            dialogs.error(self, "无法新建文件", str(exc))
            return
        self.open_path(path)

    def open_file(self) -> None:
        name = dialogs.open_file_name(self, "打开县级数据文件", FILE_FILTER)
        if name:
            self.open_path(Path(name))

    def _run_job(self, title: str, work: Callable[[worker.Progress], Any],
                 done: Callable[[Any], None]) -> None:
        """Run `work` off the UI thread with a progress window; `done(result)` back on it."""
        self.progress = QProgressDialog(f"{title}…", "", 0, 100, self)
        self.progress.setWindowTitle(title)
        self.progress.setCancelButton(None)
        self.progress.setMinimumDuration(0)
        thread, job = worker.start(self, work)
        # Bound methods of the window: Qt runs them on the UI thread, whatever thread emits.
        self._job_title, self._job_done = title, done
        job.progress.connect(self._job_progress)
        job.done.connect(self._job_finished)
        job.failed.connect(self._job_failed)
        self.job_thread, self.job = thread, job  # both must outlive this method
        thread.start()

    def _job_finished(self, result: Any) -> None:
        self.progress.close()
        self._job_done(result)

    def _job_failed(self, message: str) -> None:
        self.progress.close()
        dialogs.error(self, f"{self._job_title}未完成", message)

    def _job_progress(self, done: int, total: int, message: str) -> None:
        self.progress.setMaximum(total)
        self.progress.setValue(done)
        if message:
            self.progress.setLabelText(message)

    def make_report(self) -> None:
        """生成自评报告: written off the UI thread with progress, then offered to open."""
        if self.county is None:
            return
        year, path = self.year, self.county.path
        suggested = str(path.with_name(f"{self.county.county_name}自评报告（{year}年度）.pdf"))
        name = dialogs.save_file_name(self, "生成自评报告", suggested, "PDF 文件 (*.pdf)")
        if not name:
            return
        out = Path(name) if name.lower().endswith(".pdf") else Path(name + ".pdf")

        def work(progress: worker.Progress) -> Path:
            from reports.pdf.report import write_report

            with CountyFile.open(path, daily_backup=False) as county:
                return write_report(county, year, out, progress=progress)

        def done(result: Path) -> None:
            self.statusBar().showMessage(f"已生成自评报告：{result}", 8000)
            if dialogs.confirm(self, "生成自评报告",
                               f"自评报告已生成：\n{result}\n\n现在打开吗？"):
                dialogs.open_with_system(str(result))
        self._run_job("生成自评报告", work, done)

    def import_excel(self) -> None:
        """导入 Excel: read and check the whole workbook, show what would change, then write."""
        if self.county is None:
            return
        name = dialogs.open_file_name(self, "选择要导入的 Excel 工作簿", "Excel 工作簿 (*.xlsx)")
        if not name:
            return
        path, year = self.county.path, self.year

        def work(progress: worker.Progress) -> Any:
            from reports.excel.importer import plan_import

            with CountyFile.open(path, daily_backup=False) as county:
                return plan_import(county, Path(name), year=year,
                                   progress=lambda d, t: progress(d, t, "正在读取工作簿…"))

        self._run_job("导入 Excel", work, self._import_planned)

    def _import_planned(self, plan: Any) -> None:
        from reports.excel.importer import ImportRefused, apply

        if not plan.ok:
            dialogs.show_text(self, "导入 Excel：有数据行被拒绝，未导入任何内容", plan.summary_text())
            return
        if not plan.has_changes:
            dialogs.info(self, "导入 Excel", "工作簿中的数据与本文件一致，没有需要导入的变化。")
            return
        if not dialogs.show_text(self, "导入 Excel：确认要导入的变化", plan.summary_text(),
                                 accept="导入"):
            return
        try:
            apply(plan, self.county)
        except (ImportRefused, KnownError) as exc:
            dialogs.error(self, "导入未完成", f"{exc}\n本文件未作任何改动。")
            return
        self._fill_years()
        self.statusBar().showMessage("导入完成", 8000)

    def export_excel(self) -> None:
        if self.county is None:
            return
        year, path = self.year, self.county.path
        name = dialogs.save_file_name(self, "导出 Excel",
                                      str(path.with_name(f"{self.county.county_name}{year}年数据.xlsx")),
                                      "Excel 工作簿 (*.xlsx)")
        if not name:
            return
        out = Path(name) if name.lower().endswith(".xlsx") else Path(name + ".xlsx")

        def work(progress: worker.Progress) -> Path:
            from reports.excel.export import export_workbook

            with CountyFile.open(path, daily_backup=False) as county:
                return export_workbook(county, year, out)

        self._run_job("导出 Excel", work, lambda result: dialogs.info(
            self, "导出 Excel", f"已导出 {year} 年的数据和指标结果：\n{result}"))

    def import_standard(self) -> None:
        """导入评分表: a province's 评分表 from Excel; checked whole, shown, then kept in the file."""
        if self.county is None:
            return
        name = dialogs.open_file_name(self, "选择本省评分表（Excel）", "Excel 工作簿 (*.xlsx)")
        if not name:
            return
        from reports.excel.standard_book import import_standard, read_standard, summary

        try:
            std = read_standard(name)
        except KnownError as exc:
            dialogs.show_text(self, "导入评分表：未导入", str(exc))
            return
        if not dialogs.confirm(self, "导入评分表", f"{summary(std)}\n\n导入后本文件按此评分表评分，"
                               "合并文件时一并合并。现在导入吗？"):
            return
        try:
            import_standard(self.county, name)
        except KnownError as exc:
            dialogs.error(self, "导入未完成", f"{exc}\n本文件未作任何改动。")
            return
        self._year_changed()
        self.statusBar().showMessage("评分表已导入", 8000)

    def export_standard(self) -> None:
        if self.county is None:
            return
        name = dialogs.save_file_name(self, "导出评分表", str(self.county.path.with_name("评分表.xlsx")),
                                      "Excel 工作簿 (*.xlsx)")
        if not name:
            return
        from reports.excel.standard_book import export_standard

        out = Path(name) if name.lower().endswith(".xlsx") else Path(name + ".xlsx")
        try:
            result = export_standard(self.county, out)
        except KnownError as exc:
            dialogs.error(self, "导出评分表", str(exc))
            return
        dialogs.info(self, "导出评分表", f"已导出评分标准（可修改后再导入）：\n{result}")

    def reset_standard(self) -> None:
        if self.county is None:
            return
        from reports.judge import standard

        if not dialogs.confirm(self, "恢复国家建设标准",
                               f"不再使用导入的评分表，改按{standard.shipped().name}评分吗？"):
            return
        standard.forget(self.county)
        self._year_changed()

    def save_copy(self) -> None:
        if self.county is None:
            return
        name = dialogs.save_file_name(self, "另存副本", f"{self.county.county_name}-副本.tcmcounty",
                                      FILE_FILTER)
        if not name:
            return
        try:
            dest = exchange.snapshot(self.county, Path(name))
        except KnownError as exc:
            dialogs.error(self, "未能保存副本", str(exc))
            return
        dialogs.info(self, "另存副本", f"副本已写入并校验：\n{dest}")

    def merge_file(self) -> None:
        if self.county is None:
            return
        name = dialogs.open_file_name(self, "选择要合并进来的文件", FILE_FILTER)
        if not name:
            return
        try:
            plan = exchange.plan_merge(self.county, Path(name))
        except KnownError as exc:
            dialogs.error(self, "不能合并", str(exc))
            return
        if not dialogs.exec_dialog(MergeDialog(plan, self)):
            return
        try:
            exchange.apply_merge(self.county, plan)
        except KnownError as exc:
            dialogs.error(self, "合并未完成", f"{exc}\n本文件未作任何改动。")
            return
        self._fill_years()
        self.statusBar().showMessage(f"已合并“{Path(name).name}”：{plan.summary()}", 8000)

    def township_file(self) -> None:
        if self.county is None:
            return
        towns = sorted({r["township"] for r in self.county.rows("institution") if r["township"]})
        town = dialogs.ask_item(self, "写出乡镇填报文件", "乡镇（街道）：", towns)
        if not town:
            return
        name = dialogs.save_file_name(self, "保存乡镇填报文件",
                                      f"{self.county.county_name}-{town}.tcmcounty", FILE_FILTER)
        if not name:
            return
        try:
            exchange.write_township_file(self.county, town, Path(name))
        except KnownError as exc:
            dialogs.error(self, "未能写出", str(exc))
            return
        dialogs.info(self, "乡镇填报文件", f"已写出“{town}”的填报文件：\n{name}\n"
                     "乡镇填好后，用“合并其他文件”把它合并回来。")

    def restore_backup(self) -> None:
        if self.county is None:
            return
        path = self.county.path
        dialog = BackupsDialog(backups.list_backups(path.stem), self)
        if not dialogs.exec_dialog(dialog) or dialog.chosen() is None:
            return
        chosen = dialog.chosen()
        assert chosen is not None
        if not dialogs.confirm(self, "恢复备份", f"用 {chosen.taken:%Y-%m-%d %H:%M} 的备份"
                               f"（{chosen.reason}）替换当前文件吗？\n当前内容会先另行备份。"):
            return
        self.county.close()
        self.county = None
        try:
            backups.restore_backup(path, chosen.path)
        except KnownError as exc:
            dialogs.error(self, "未能恢复", str(exc))
        self.open_path(path)

    # ---- year, profile, judgement ------------------------------------------------------------

    def _fill_years(self) -> None:
        assert self.county is not None
        years = self.county.years()
        this_year = _dt.date.today().year
        last = max([*years, this_year])
        first = min([*years, this_year - 1])
        self.year_box.blockSignals(True)
        self.year_box.clear()
        for y in range(last, first - 1, -1):
            self.year_box.addItem(f"{y} 年" + ("" if y in years else "（无数据）"), y)
        current = max(years) if years else this_year
        self.year_box.setCurrentIndex(self.year_box.findData(current))
        self.year_box.blockSignals(False)
        self._year_changed()

    @property
    def year(self) -> int:
        return int(self.year_box.currentData())

    def _year_changed(self) -> None:
        if self.county is None:
            return
        self.ctx = Context.load(self.county, self.year)
        self.profile_label.setText(f" {active_profile(self.county).name} ")
        self.stale = set(self.pages)
        self._tab_shown(self.tabs.currentIndex())

    def _tab_shown(self, index: int) -> None:
        if self.ctx is None:
            return
        key = next(k for k, w in self.pages.items() if w is self.tabs.widget(index))
        if key in self.stale:
            self.pages[key].refresh(self.ctx)  # type: ignore[attr-defined]
            self.stale.discard(key)

    def _file_changed(self, source: str) -> None:
        """An edit landed: judge the year again, repaint the tab in front, reload the rest later."""
        assert self.county is not None
        self.ctx = Context.load(self.county, self.year)
        page = self.pages[source]
        if getattr(page, "reload_on_change", False):
            page.refresh(self.ctx)  # type: ignore[attr-defined]
        else:
            page.rejudged(self.ctx)  # type: ignore[attr-defined]
        self.stale = set(self.pages) - {source}
        self.statusBar().showMessage("已保存", 3000)

    def edit_profiles(self) -> None:
        if self.county is None:
            return
        dialog = ProfileDialog(self.county, self)
        dialog.profile_changed.connect(self._year_changed)
        dialogs.exec_dialog(dialog)
        self._year_changed()

    # ---- failing institutions ----------------------------------------------------------------

    def show_failing(self, indicator_id: str) -> None:
        if self.ctx is None:
            return
        result = self.ctx.evaluation.result(indicator_id)
        if result is None:
            return
        dialog = FailingDialog(result, self)
        dialog.jump.connect(lambda inst: self.go_to_institution(_TAB_OF.get(indicator_id,
                                                                            "institutions"), inst))
        dialogs.exec_dialog(dialog)

    def go_to_institution(self, tab: str, institution_id: str) -> bool:
        page = self.pages.get(tab if tab != "county" else "institutions")
        self.tabs.setCurrentWidget(page)
        if tab == "activities":
            return self.activities.select_record(institution_id, key="institution_id") or True
        return page.select_record(institution_id)  # type: ignore[union-attr]

    def screenshot_views(self) -> list[tuple[str, object]]:
        """(name, how to show it) for each tab: used by docs/screenshots.py."""
        return [(key, lambda w=widget: self.tabs.setCurrentWidget(w))
                for key, widget in self.pages.items()]

    # ---- help ----------------------------------------------------------------------------

    def about(self) -> None:
        dialogs.info(self, "关于", about_text())

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt name)
        # An editor still open (a cell, a spin box) saves what it holds when it loses focus.
        focused = QApplication.focusWidget()
        if focused is not None:
            focused.clearFocus()
        settings.remember_geometry(self.saveGeometry())
        if self.county is not None:
            self.county.close()
            self.county = None
        super().closeEvent(event)


def about_text() -> str:
    """Version, and the licence of everything the program carries, from resources/licenses/."""
    from html import escape
    import json

    from resources import resource_path

    licenses = resource_path("licenses")
    index = json.loads((licenses / "index.json").read_text(encoding="utf-8"))
    carried = "、".join(escape(f"{e['name']} {e['version']}（{e['license']}）") for e in index)
    system = ""
    if (licenses / "system").is_dir():  # Linux bundles: the system libraries they carry
        system = "；随程序附带的系统库的版权说明在其中的 system 文件夹"
    return (
        f"<h3>{TITLE}</h3><p>版本 {__version__}</p>"
        "<p>全国基层中医药工作示范县创建自评工具。离线使用，不联网。</p>"
        "<p><b>字体</b>：文泉驿微米黑 WenQuanYi Micro Hei 0.2.0-beta，Apache License 2.0"
        f"（许可证全文：{escape(str(resource_path('fonts', 'LICENSE-wqy-microhei.txt')))}）。</p>"
        f"<p><b>第三方软件</b>：{carried}。</p>"
        f"<p>各许可证全文在 {escape(str(licenses))}{system}。</p>"
    )
