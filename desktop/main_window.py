"""The main window: the county and year being judged, the tabs, and the menus."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (QApplication, QComboBox, QHBoxLayout, QLabel, QMainWindow, QMenu,
                               QPushButton, QStackedWidget, QTabWidget, QToolBar, QVBoxLayout,
                               QWidget)

from db.county import CountyFile
from db.errors import Damaged, KnownError
from desktop import (dialogs, excel_actions, exchange_dialogs, file_actions, report_actions,
                     review_actions, rollup_actions, screen, settings, standard_actions,
                     year_actions)
from desktop.about import TITLE, show_about
from desktop.context import Context
from desktop.worker import Runner
from desktop.failing_dialog import FailingDialog
from desktop.profile_dialog import ProfileDialog
from desktop.tabs.activities import ActivitiesTab
from desktop.tabs.checks import ChecksTab
from desktop.tabs.county import CountyTab
from desktop.tabs.halls import HallsTab
from desktop.tabs.institutions import InstitutionsTab
from desktop.tabs.overview import OverviewTab
from desktop.tabs.personnel import PersonnelTab
from desktop.tabs.progress import ProgressTab
from desktop.tabs.review import ReviewTab
from desktop.tabs.tasks import TasksTab
from desktop.welcome import WelcomePage
from desktop.undo import EditHistory, Step, add_edit_menu
from reports.judge.profiles import active_profile


# Which tab holds the institutions behind an indicator.
_TAB_OF = {**{i: "halls" for i in ("A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8", "A9", "A10",
                                   "B1", "B2", "B3", "B4")},
           **{i: "personnel" for i in ("B7", "B9", "B10", "B11", "B12", "B13", "B14",
                                       "C1", "C2", "C3", "C4", "C5", "C6")},
           **{i: "activities" for i in ("D1", "D2", "D3", "D4", "D5", "D6", "D7", "D8", "D9")},
           **{i: "county" for i in ("B5", "B6", "B8", "D10", "D11")}}

TAB_TITLES = (("overview", "总览"), ("progress", "填报进度"), ("institutions", "机构"),
              ("halls", "中医馆/中医阁"), ("personnel", "人员配备"), ("activities", "文化宣传活动"),
              ("county", "全县情况"), ("tasks", "任务与佐证"), ("checks", "数据核查"),
              ("review", "模拟评审"))

# Keys that switch tabs wherever the focus is (a table would take Ctrl+Tab for itself).
_NEXT_TAB = {(Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier),
             (Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)}
_PREVIOUS_TAB = {(Qt.Key.Key_Backtab, Qt.KeyboardModifier.ControlModifier
                  | Qt.KeyboardModifier.ShiftModifier),
                 (Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier
                  | Qt.KeyboardModifier.ShiftModifier),
                 (Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)}


class MainWindow(QMainWindow):
    file_opened = Signal(object)  # the Path of a county file the window has just opened

    def __init__(self) -> None:
        super().__init__()
        self.county: CountyFile | None = None
        self.ctx: Context | None = None
        self.setWindowTitle(TITLE)
        self.jobs = Runner(self)
        self.file_actions: list[QAction] = []  # what needs an open file
        self._build_toolbar()
        self.tabs = QTabWidget(self)
        self.overview = OverviewTab()
        self.institutions = InstitutionsTab()
        self.halls = HallsTab()
        self.personnel = PersonnelTab()
        self.activities = ActivitiesTab()
        self.county_tab = CountyTab()
        self.tasks = TasksTab()
        self.progress_tab = ProgressTab()
        self.checks = ChecksTab()
        self.review_tab = ReviewTab()
        self.pages: dict[str, QWidget] = {
            "overview": self.overview, "institutions": self.institutions, "halls": self.halls,
            "personnel": self.personnel, "activities": self.activities, "county": self.county_tab,
            "tasks": self.tasks, "progress": self.progress_tab, "checks": self.checks,
            "review": self.review_tab,
        }
        self.review_tab.action_requested.connect(lambda key: review_actions.RUN[key](self))
        for number, (key, title) in enumerate(TAB_TITLES, start=1):
            self.tabs.addTab(self.pages[key], title)
            key_name = f"Alt+{number % 10}"  # the tenth tab is Alt+0, as the keys run
            self.tabs.setTabToolTip(number - 1, f"{title}（{key_name}）")
            QShortcut(QKeySequence(key_name), self,
                      lambda i=number - 1: self.tabs.setCurrentIndex(i))
            changed = getattr(self.pages[key], "changed", None)
            if changed is not None:
                changed.connect(lambda k=key: self._file_changed(k))
        self.history = EditHistory(self)  # 撤销 / 重做 of the open file, across its tabs
        self.history.replayed.connect(self._show_step)
        self.history.failed.connect(lambda step: self.tabs.setCurrentWidget(step.tab))
        for page in self.pages.values():
            if hasattr(page, "history"):
                page.history = self.history  # type: ignore[attr-defined]
        self.stale: set[str] = set()
        self.tabs.currentChanged.connect(self._tab_shown)
        self.overview.failing_requested.connect(self.show_failing)
        self.progress_tab.jump.connect(self.go_to_institution)
        self.checks.jump.connect(self.go_to_institution)
        self.banner = QLabel(self)
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background: #fff4ce; padding: 6px; border: 1px solid #e0c060;")
        self.banner.hide()
        working = QWidget(self)
        column = QVBoxLayout(working)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.banner)
        column.addWidget(self.tabs, 1)
        self.welcome = WelcomePage(self)
        self.welcome.new_requested.connect(lambda: file_actions.new_file(self))
        self.welcome.open_requested.connect(lambda: file_actions.open_file(self))
        self.welcome.demo_requested.connect(lambda: file_actions.open_demo(self))
        self.welcome.recent_requested.connect(self.open_path)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.welcome)
        self.stack.addWidget(working)
        central = QWidget(self)
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self._build_notice())
        outer.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self._build_menus()
        self.statusBar()
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        screen.install(app)
        app.installEventFilter(self)
        saved = settings.geometry()
        if saved is None or not self.restoreGeometry(saved):
            screen.fill(self)  # first run: the whole usable screen, status bar in view
        self._show_file_state()

    # ---- chrome ----------------------------------------------------------------------------

    def _build_toolbar(self) -> None:
        bar = QToolBar("年度与方案", self)
        bar.setMovable(False)
        bar.setObjectName("main_toolbar")
        bar.addWidget(QLabel(" 年度："))
        self.year_box = QComboBox(self)
        self.year_box.setObjectName("year")
        # Items arrive after the first show: the box grows to "2026 年（无数据）" whenever they do.
        self.year_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
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

    def _build_notice(self) -> QWidget:
        """A line above everything for what the clerk must read once (the program closed
        unexpectedly last time), until 知道了; its text can be selected and copied."""
        self.notice_bar = QWidget(self)
        self.notice_bar.setObjectName("notice_bar")
        self.notice_bar.setStyleSheet(
            "#notice_bar { background: #fde7e9; border: 1px solid #c0707a; }")
        self.notice = QLabel(self.notice_bar)
        self.notice.setObjectName("notice")
        self.notice.setWordWrap(True)
        self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        seen = QPushButton("知道了", self.notice_bar)
        seen.clicked.connect(self.notice_bar.hide)
        row = QHBoxLayout(self.notice_bar)
        row.setContentsMargins(8, 4, 8, 4)
        row.addWidget(self.notice, 1)
        row.addWidget(seen)
        self.notice_bar.hide()
        return self.notice_bar

    def show_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice_bar.show()

    def _build_menus(self) -> None:
        menu = self.menuBar().addMenu("文件(&F)")
        self._action(menu, "新建(&N)…", lambda: file_actions.new_file(self),
                     QKeySequence.StandardKey.New, needs_file=False)
        self._action(menu, "打开(&O)…", lambda: file_actions.open_file(self),
                     QKeySequence.StandardKey.Open, needs_file=False)
        self.recent_menu = menu.addMenu("最近打开(&R)")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self._action(menu, "打开多县汇总(&L)…", lambda: rollup_actions.open_rollup(self),
                     needs_file=False)
        self._action(menu, "另存副本(&A)…", lambda: exchange_dialogs.save_copy(self))
        menu.addSeparator()
        self._action(menu, "导入 Excel(&I)…", lambda: excel_actions.import_excel(self))
        self._action(menu, "导出 Excel(&E)…", lambda: excel_actions.export_excel(self))
        self._action(menu, "生成自评报告(&P)…", lambda: report_actions.make_report(self),
                     QKeySequence.StandardKey.Print)
        self._action(menu, "模拟评审现场核查表(&C)…", lambda: review_actions.write_checklist(self))
        self._action(menu, "导出模拟评审 Excel(&V)…", lambda: review_actions.export_findings(self))
        menu.addSeparator()
        self._action(menu, "开始新年度(&Y)…", lambda: year_actions.start_new_year(self))
        menu.addSeparator()
        self._action(menu, "合并其他文件(&M)…", lambda: exchange_dialogs.merge_file(self))
        self._action(menu, "写出乡镇填报文件(&T)…", lambda: exchange_dialogs.township_file(self))
        self._action(menu, "恢复备份(&B)…", lambda: exchange_dialogs.restore_backup(self))
        menu.addSeparator()
        self._action(menu, "目标设置(&G)…", self.edit_profiles)
        self._action(menu, "导入评分表(&S)…", lambda: standard_actions.import_standard(self))
        self._action(menu, "导出评分表(&W)…", lambda: standard_actions.export_standard(self))
        self._action(menu, "恢复国家建设标准(&Z)", lambda: standard_actions.reset_standard(self))
        menu.addSeparator()
        self._action(menu, "退出(&X)", self.close, QKeySequence.StandardKey.Quit, needs_file=False)
        add_edit_menu(self, self.history)
        help_menu = self.menuBar().addMenu("帮助(&H)")
        self._action(help_menu, "关于(&A)", lambda: show_about(self), needs_file=False)

    def _action(self, menu: QMenu, text: str, slot: object,
                shortcut: QKeySequence.StandardKey | None = None, *,
                needs_file: bool = True) -> QAction:
        action = menu.addAction(text)
        action.triggered.connect(slot)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if needs_file:
            self.file_actions.append(action)
        return action

    def _show_file_state(self) -> None:
        """The tabs and the file's actions only with a file open; else the welcome page."""
        has_file = self.county is not None
        for action in self.file_actions:
            action.setEnabled(has_file)
        self.profile_button.setEnabled(has_file)
        self.year_box.setEnabled(has_file)
        if not has_file:
            self.welcome.refresh()
        self.stack.setCurrentIndex(1 if has_file else 0)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        """Ctrl+Tab / Ctrl+PgDn and back switch tabs from anywhere in this window, a table
        included (it would take them itself)."""
        if event.type() in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress) \
                and isinstance(event, QKeyEvent) and isinstance(obj, QWidget) \
                and obj.window() is self and self.county is not None:
            key = (Qt.Key(event.key()), event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier)
            step = 1 if key in _NEXT_TAB else -1 if key in _PREVIOUS_TAB else 0
            if step:
                if event.type() == QEvent.Type.KeyPress:
                    count = self.tabs.count()
                    self.tabs.setCurrentIndex((self.tabs.currentIndex() + step) % count)
                event.accept()
                return True
        return False

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
            self.reload_years()  # already open here (and locked by this window)
            return True
        try:
            county = CountyFile.open(path, exclusive=True)
        except Damaged as exc:
            if exchange_dialogs.offer_restore(self, Path(path), str(exc)):
                return True
            self.welcome.show_reason(str(exc))
            return False
        except KnownError as exc:  # in use by another program, not a county file, …: no restore
            dialogs.error(self, "无法打开文件", f"{exc}\n"
                          + ("仍显示原来打开的文件。" if self.county is not None
                             else "可以新建一个文件，或打开另一个文件。"))
            self.welcome.show_reason(str(exc))
            return False
        if self.county is not None:
            self.county.close()
        self.county = county
        self.history.clear()  # steps of another file cannot be undone in this one
        settings.remember_file(path.resolve())
        dialogs.set_county_file(county.path)
        town = county.setting("township_scope")
        self.setWindowTitle(f"{county.county_name}{f'·{town}（乡镇填报文件）' if town else ''}"
                            f" — {county.path} — {TITLE}")
        self.banner.setText(f"这是 {town} 的乡镇填报文件：只含本乡镇的机构，填好后交回县卫生健康局合并。"
                            "全县汇总的指标在这里显示为“由县里汇总”。" if town else "")
        self.banner.setVisible(bool(town))
        self.readonly_label.setText("只读方式打开：本文件所在位置不能写入，修改不会保存"
                                    if county.read_only else "")
        self.welcome.show_reason("")
        self.reload_years()
        self._show_file_state()
        self.file_opened.emit(county.path)
        return True

    def show_year(self, year: int, tab: str | None = None) -> None:
        self.year_box.setCurrentIndex(max(0, self.year_box.findData(year)))
        if tab is not None:
            self.tabs.setCurrentWidget(self.pages[tab])

    def close_county(self) -> None:
        if self.county is not None:
            self.county.close()
            self.county = None
            self.ctx = None
            dialogs.set_county_file(None)
        self._show_file_state()

    # ---- year, profile, judgement ------------------------------------------------------------

    def reload_years(self) -> None:
        """Read the file's years again; stay on the year being looked at (after an import or a
        merge), or the one last chosen for this file, and only else the newest."""
        assert self.county is not None
        shown = self.year_box.currentData() if self.ctx is not None \
            and self.ctx.county is self.county else None
        years = self.county.years()
        this_year = _dt.date.today().year
        last = max([*years, this_year])
        first = min([*years, this_year - 1])
        self.year_box.blockSignals(True)
        self.year_box.clear()
        for y in range(last, first - 1, -1):
            self.year_box.addItem(f"{y} 年" + ("" if y in years else "（无数据）"), y)
        current = max(years) if years else this_year
        for wanted in (shown, settings.chosen_year(self.county.path)):
            if wanted is not None and self.year_box.findData(wanted) >= 0:
                current = wanted
                break
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
        settings.remember_year(self.county.path, self.year)
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

    def _show_step(self, step: Step) -> None:
        """After 撤销 / 重做: show the tab, year and cell that changed back."""
        if step.year != self.year and self.year_box.findData(step.year) >= 0:
            self.year_box.setCurrentIndex(self.year_box.findData(step.year))
        self.tabs.setCurrentWidget(step.tab)
        if self.ctx is not None:
            step.tab.refresh(self.ctx)  # it may have been behind other tabs' edits
        first = step.changes[0]
        step.tab.select_cell(first.row["id"], first.key)
        self.statusBar().showMessage(f"已{'撤销' if step in self.history.undone else '重做'}："
                                     f"{step.what}", 4000)

    def edit_profiles(self) -> None:
        if self.county is None:
            return
        dialog = ProfileDialog(self.county, self)
        dialog.profile_changed.connect(self._year_changed)
        dialogs.exec_dialog(dialog)
        self._year_changed()

    # ---- failing institutions ----------------------------------------------------------------

    def show_failing(self, indicator_id: str) -> None:
        if self.ctx is None or indicator_id in self.ctx.county_level:
            return
        result = self.ctx.evaluation.result(indicator_id)
        if result is None:
            return
        dialog = FailingDialog(result, self)
        dialog.jump.connect(lambda inst: self.go_to_institution(_TAB_OF.get(indicator_id,
                                                                            "institutions"), inst,
                                                                indicator_id))
        dialogs.exec_dialog(dialog)

    def go_to_institution(self, tab: str, institution_id: str,
                          indicator: str | None = None) -> bool:
        page = self.pages.get(tab if tab != "county" else "institutions")
        self.tabs.setCurrentWidget(page)
        if tab == "activities":
            # What the reviewer looks at: its activities (of the kind D1–D5 count) and its row
            # in the matrix, through the tab's own filters so the clerk can clear them.
            self.activities.show_institution(institution_id, indicator)
            return True
        if page.select_record(institution_id):  # type: ignore[union-attr]
            return True
        # Not on that tab (a hospital has no 中医馆 row): its staff, else the register.
        for other in ("personnel", "institutions"):
            if other != tab:
                self.tabs.setCurrentWidget(self.pages[other])
                if self.pages[other].select_record(institution_id):  # type: ignore[attr-defined]
                    return True
        return False

    def screenshot_views(self) -> list[tuple[str, object]]:
        """(name, how to show it) for each tab: used by docs/screenshots.py."""
        return [(key, lambda w=widget: self.tabs.setCurrentWidget(w))
                for key, widget in self.pages.items()]

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt name)
        # An editor still open (a cell, a spin box) saves what it holds when it loses focus.
        focused = QApplication.focusWidget()
        if focused is not None:
            focused.clearFocus()
        settings.remember_geometry(self.saveGeometry())
        if self.county is not None:
            self.county.close()
            self.county = None
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        super().closeEvent(event)
