"""The main window: the county and year being judged, the tabs, and the menus."""

from __future__ import annotations

import datetime as _dt
import importlib
from pathlib import Path
import threading
import traceback
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import (QAction, QCloseEvent, QKeyEvent, QKeySequence, QPaintEvent,
                           QShowEvent)
from PySide6.QtWidgets import (QApplication, QComboBox, QHBoxLayout, QLabel, QMainWindow, QMenu,
                               QStackedWidget, QTabBar, QTabWidget, QToolBar,
                               QVBoxLayout, QWidget)

from db.county import CountyFile
from db.errors import Damaged, KnownError
from db.given import same_file
from db.vocab import warm_pinyin
from desktop.buttons import push_button
from desktop.columns import check_margins
from desktop import dialogs, screen, settings
from desktop.about import TITLE, show_about
from desktop.context import Context
from desktop.worker import Runner
from desktop.welcome import StartPanel, WelcomePage
from desktop.undo import EditHistory, Step, add_edit_menu
from reports.judge.profiles import active_profile, get_profile


# Which tab holds the institutions behind an indicator.
_TAB_OF = {**{i: "halls" for i in ("A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8", "A9", "A10",
                                   "B1", "B2", "B3", "B4")},
           **{i: "personnel" for i in ("B7", "B9", "B10", "B11", "B12", "B13", "B14", "B15",
                                       "C1", "C2", "C3", "C4", "C5", "C6", "C7")},
           **{i: "activities" for i in ("D1", "D2", "D3", "D4", "D5", "D6", "D7", "D8", "D9")},
           **{i: "county" for i in ("B5", "B6", "B8", "D10", "D11")}}

# 达标路径 beside 总览, where the clerk decides what to do first. Alt+1 … Alt+9, Alt+0 open the
# first ten; the last (模拟评审) is one Ctrl+PgUp from 总览.
TAB_TITLES = (("overview", "总览"), ("path", "达标路径"), ("progress", "填报进度"), ("institutions", "机构"),
              ("halls", "中医馆/中医阁"), ("personnel", "人员配备"), ("activities", "文化宣传活动"),
              ("county", "全县情况"), ("tasks", "任务与佐证"), ("checks", "数据核查"),
              ("review", "模拟评审"))

# How long after a file is shown the pinyin of its names is prepared, off the UI thread: after
# the first paint, which it would otherwise share the interpreter with.
WARM_UP_MS = 300

# Each tab's class, imported and built the first time the tab is shown or asked for: the window
# opens on 总览 without loading (or laying out) the nine others.
_PAGE_CLASSES = {
    "overview": ("desktop.tabs.overview", "OverviewTab"),
    "path": ("desktop.tabs.path", "PathTab"),
    "institutions": ("desktop.tabs.institutions", "InstitutionsTab"),
    "halls": ("desktop.tabs.halls", "HallsTab"),
    "personnel": ("desktop.tabs.personnel", "PersonnelTab"),
    "activities": ("desktop.tabs.activities", "ActivitiesTab"),
    "county": ("desktop.tabs.county", "CountyTab"),
    "tasks": ("desktop.tabs.tasks", "TasksTab"),
    "progress": ("desktop.tabs.progress", "ProgressTab"),
    "checks": ("desktop.tabs.checks", "ChecksTab"),
    "review": ("desktop.tabs.review", "ReviewTab"),
}


class _Page:
    """A tab of the window as an attribute (`window.halls`), built on first use."""

    def __init__(self, key: str) -> None:
        self.key = key

    def __get__(self, window: MainWindow | None, owner: type) -> Any:
        return self if window is None else window.page(self.key)


def _action(path: str) -> Any:
    """A function of desktop/ ("exchange_dialogs.merge_file"), its module imported when first
    used: a third of the window's code is behind menus a clerk opens now and then."""
    module, name = path.rsplit(".", 1)
    return getattr(importlib.import_module(f"desktop.{module}"), name)

# Keys that switch tabs wherever the focus is (a table would take Ctrl+Tab for itself).
_NEXT_TAB = {(Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier),
             (Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)}
_PREVIOUS_TAB = {(Qt.Key.Key_Backtab, Qt.KeyboardModifier.ControlModifier
                  | Qt.KeyboardModifier.ShiftModifier),
                 (Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier
                  | Qt.KeyboardModifier.ShiftModifier),
                 (Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)}


class MainWindow(QMainWindow):
    overview = _Page("overview")
    path_tab = _Page("path")
    institutions = _Page("institutions")
    halls = _Page("halls")
    personnel = _Page("personnel")
    activities = _Page("activities")
    county_tab = _Page("county")
    tasks = _Page("tasks")
    progress_tab = _Page("progress")
    checks = _Page("checks")
    review_tab = _Page("review")
    file_opening = Signal(object)  # the Path of a county file the window is about to open
    file_opened = Signal(object)  # the Path of a county file the window has just opened
    file_not_opened = Signal(object)  # … or has not opened after all (refused, or failed)

    def __init__(self) -> None:
        super().__init__()
        self.county: CountyFile | None = None
        self.ctx: Context | None = None
        self.setWindowTitle(TITLE)
        self.jobs = Runner(self)
        self.file_actions: list[QAction] = []  # what needs an open file
        self._build_toolbar()
        self.tabs = QTabWidget(self)
        # A tab built on first show takes its placeholder's place, which stays current.
        self.tabs.tabBar().setSelectionBehaviorOnRemove(QTabBar.SelectionBehavior.SelectLeftTab)
        self.pages: dict[str, QWidget] = {}  # the tabs built so far
        self._tab_index = {key: i for i, (key, _t) in enumerate(TAB_TITLES)}
        for number, (key, title) in enumerate(TAB_TITLES, start=1):
            self.tabs.addTab(QWidget(self.tabs), self._tab_label(number - 1))
            self.tabs.setTabToolTip(number - 1, self._tab_tip(number - 1))
        self.history = EditHistory(self)  # 撤销 / 重做 of the open file, across its tabs
        self.history.replayed.connect(self._show_step)
        self.history.failed.connect(lambda step: self.tabs.setCurrentWidget(step.tab))
        self.history.refused.connect(lambda text: self.statusBar().showMessage(text, 5000))
        self.history.discard_typed = self._discard_typed
        self.stale: set[str] = set()
        self.tabs.currentChanged.connect(self._tab_shown)
        self.page("overview")
        self.banner = QLabel(self)
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background: #fff4ce; padding: 6px; border: 1px solid #e0c060;")
        self.banner.hide()
        working = QWidget(self)
        column = QVBoxLayout(working)
        column.setContentsMargins(0, 0, 0, 0)
        self.start_panel = StartPanel(self)
        self.start_panel.import_requested.connect(self._later("excel_actions.import_excel"))
        self.start_panel.template_requested.connect(self._later("excel_actions.export_template"))
        self.start_panel.add_requested.connect(self._add_first_institution)
        self.start_panel.hide()
        column.addWidget(self.banner)
        column.addWidget(self.start_panel)
        column.addWidget(self.tabs, 1)
        self.welcome = WelcomePage(self)
        self.welcome.new_requested.connect(self._later("file_actions.new_file"))
        self.welcome.open_requested.connect(self._later("file_actions.open_file"))
        self.welcome.demo_requested.connect(self._later("file_actions.open_demo"))
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
        # The application-wide filters (every window fitted to the screen as it is shown; the
        # tab keys from anywhere in the window) are installed once the window is on screen:
        # every event they see at start would take a moment of its own (_watch_app).
        self.watching_app = False
        saved = settings.geometry()
        if saved is None or not self.restoreGeometry(saved):
            screen.fill(self)  # first run: the whole usable screen, status bar in view
        self._show_file_state()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        if not self.watching_app:
            screen.shown(self)  # as the filter will do for every window once installed

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt name)
        super().paintEvent(event)
        if not self.watching_app:
            QTimer.singleShot(0, self, self._watch_app)  # once this paint is on screen

    def _watch_app(self) -> None:
        """The application-wide filters, once the window is on screen: the first event of each
        kind of object they see has the bindings look through every class they know of its
        kind, a tenth of the window's start if done before its first paint."""
        if self.watching_app:
            return
        self.watching_app = True
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        screen.install(app)
        app.installEventFilter(self)
        check_margins()  # the style's own, now that loading it no longer delays the window

    def _later(self, path: str) -> Any:
        """The slot of a menu item whose code is imported when it is chosen (see _action)."""
        return lambda: _action(path)(self)

    # ---- tabs, each built when first needed --------------------------------------------------

    @staticmethod
    def _tab_label(index: int) -> str:
        """"1 总览" with the 1 as its access key: Alt+1 opens it, and the tab says so. The tenth
        tab is Alt+0, as the keys run; the eleventh has no number."""
        title = TAB_TITLES[index][1]
        return f"&{(index + 1) % 10} {title}" if index < 10 else title

    def _tab_tip(self, index: int) -> str:
        if index >= 10:
            return f"{TAB_TITLES[index][1]}（在总览按 Ctrl+PgUp）"
        return f"{TAB_TITLES[index][1]}（Alt+{(index + 1) % 10}）"

    def page(self, key: str) -> Any:
        """The tab `key`, built (and put in its placeholder's place) the first time it is
        asked for."""
        page = self.pages.get(key)
        if page is not None:
            return page
        module, name = _PAGE_CLASSES[key]
        page = getattr(importlib.import_module(module), name)()
        self.pages[key] = page
        index = self._tab_index[key]
        placeholder = self.tabs.widget(index)
        current = self.tabs.currentIndex()
        self.tabs.blockSignals(True)  # the same tab stays current: nothing to react to
        try:
            self.tabs.insertTab(index, page, self._tab_label(index))
            self.tabs.removeTab(index + 1)
            self.tabs.setTabToolTip(index, self._tab_tip(index))
            self.tabs.setCurrentIndex(current)
        finally:
            self.tabs.blockSignals(False)
        placeholder.deleteLater()
        self._connect(key, page)
        return page

    def _connect(self, key: str, page: Any) -> None:
        changed = getattr(page, "changed", None)
        if changed is not None:
            changed.connect(lambda: self._file_changed(key))
        if hasattr(page, "history"):
            page.history = self.history
        if key == "overview":
            page.failing_requested.connect(self.show_failing)
        elif key in ("progress", "checks"):
            page.jump.connect(lambda tab, inst, column: self.go_to_institution(
                tab, inst, column=column or None))
        elif key == "path":
            page.action_requested.connect(self.go_to_action)
        elif key == "review":
            page.action_requested.connect(
                lambda action: _action("review_actions.RUN")[action](self))

    # ---- chrome ----------------------------------------------------------------------------

    def _build_toolbar(self) -> None:
        bar = QToolBar("年度与方案", self)
        bar.setMovable(False)
        bar.setObjectName("main_toolbar")
        year_label = QLabel(" 年度(&Y)：", self)
        bar.addWidget(year_label)
        self.year_box = QComboBox(self)
        year_label.setBuddy(self.year_box)
        self.year_box.setObjectName("year")
        # Items arrive after the first show: the box grows to "2026 年（无数据）" whenever they do.
        self.year_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.year_box.currentIndexChanged.connect(lambda _i: self._year_changed())
        # A year chosen: the keys go back to the table (Ctrl+Home must not change the year).
        self.year_box.activated.connect(lambda _i: self.focus_table())
        bar.addWidget(self.year_box)
        bar.addSeparator()
        bar.addWidget(QLabel(" 目标方案："))
        self.profile_label = QLabel(self)
        self.profile_label.setObjectName("profile")
        bar.addWidget(self.profile_label)
        self.profile_button = push_button("目标设置(&G)…", self)
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
        seen = push_button("知道了", self.notice_bar)
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

    def _say_file_notices(self) -> None:
        """What reading the open file could not use, and what it used instead (a damaged
        评分标准, profile or 模拟评审 rule): each sentence once, added to the notice line."""
        if self.county is None:
            return
        said = self.county.take_notices()
        if not said:
            return
        shown = self.notice.text() if not self.notice_bar.isHidden() else ""
        self.show_notice("\n".join([*([shown] if shown else []), *said]))

    def _build_menus(self) -> None:
        menu = self.menuBar().addMenu("文件(&F)")
        self._action(menu, "新建(&N)…", self._later("file_actions.new_file"),
                     QKeySequence.StandardKey.New, needs_file=False)
        self._action(menu, "打开(&O)…", self._later("file_actions.open_file"),
                     QKeySequence.StandardKey.Open, needs_file=False)
        self.recent_menu = menu.addMenu("最近打开(&R)")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self._action(menu, "打开多县汇总(&L)…", self._later("rollup_actions.open_rollup"),
                     needs_file=False)
        self._action(menu, "另存副本(&A)…", self._later("exchange_dialogs.save_copy"))
        menu.addSeparator()
        self._action(menu, "导入 Excel(&I)…", self._later("excel_actions.import_excel"))
        self._action(menu, "导出 Excel(&E)…", self._later("excel_actions.export_excel"))
        self._action(menu, "导出填报模板(&K)…", self._later("excel_actions.export_template"))
        self._action(menu, "生成自评报告(&P)…", self._later("report_actions.make_report"),
                     QKeySequence.StandardKey.Print)
        self._action(menu, "模拟评审现场核查表(&C)…", self._later("review_actions.write_checklist"))
        self._action(menu, "导出模拟评审 Excel(&V)…", self._later("review_actions.export_findings"))
        menu.addSeparator()
        self._action(menu, "开始新年度(&Y)…", self._later("year_actions.start_new_year"))
        menu.addSeparator()
        self._action(menu, "合并其他文件(&M)…", self._later("exchange_dialogs.merge_file"))
        self._action(menu, "写出乡镇填报文件(&T)…", self._later("exchange_dialogs.township_file"))
        self._action(menu, "恢复备份(&B)…", self._later("exchange_dialogs.restore_backup"))
        menu.addSeparator()
        self._action(menu, "目标设置(&G)…", self.edit_profiles)
        self._action(menu, "导入评分表(&S)…", self._later("standard_actions.import_standard"))
        self._action(menu, "导出评分表(&W)…", self._later("standard_actions.export_standard"))
        self._action(menu, "恢复国家建设标准(&Z)", self._later("standard_actions.reset_standard"))
        menu.addSeparator()
        self._action(menu, "退出(&X)", self.close, QKeySequence.StandardKey.Quit, needs_file=False)
        # Ctrl+S from a lifetime of Excel: nothing is waiting to be saved, and it says so.
        saved = QAction(self)
        saved.setShortcut(QKeySequence(QKeySequence.StandardKey.Save))
        saved.triggered.connect(self._say_saved)
        self.addAction(saved)
        add_edit_menu(self, self.history)
        help_menu = self.menuBar().addMenu("帮助(&H)")
        self._action(help_menu, "使用说明(&G)", self.show_guide,
                     QKeySequence.StandardKey.HelpContents, needs_file=False)
        self._action(help_menu, "关于(&A)", lambda: show_about(self), needs_file=False)
        # Where a new clerk finds the guide: always in sight, at the status bar's right.
        hint = QLabel(" 按 F1 查看使用说明 ", self)
        hint.setObjectName("guide_hint")
        hint.setStyleSheet("color: #555555;")
        self.statusBar().addPermanentWidget(hint)

    def _say_saved(self) -> None:
        if self.county is None:
            return
        self.statusBar().showMessage("不用另外保存：每一处修改在输入时就已保存到文件中。", 6000)

    def show_guide(self) -> None:
        """帮助 → 使用说明 (F1), at the page about the tab in front when there is one."""
        from desktop.guide import show_guide

        front = self.tabs.currentWidget()
        tab = next((k for k, page in self.pages.items() if page is front), None)
        show_guide(self, TAB_TITLES, tab if self.county is not None else None)

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

    def focus_table(self) -> QWidget:
        """The keyboard to the table of the tab in front (or the tab itself)."""
        page = self.tabs.currentWidget()
        target = getattr(page, "view", None) or page
        target.setFocus(Qt.FocusReason.OtherFocusReason)
        return target

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        """Ctrl+Tab / Ctrl+PgDn and back switch tabs from anywhere in this window, a table
        included (it would take them itself). Ctrl+Home / Ctrl+End on the 年度 box go to the
        table, as the clerk means them, instead of jumping to the first or last year."""
        if obj is self.year_box and event.type() == QEvent.Type.KeyPress \
                and isinstance(event, QKeyEvent) \
                and event.key() in (Qt.Key.Key_Home, Qt.Key.Key_End) \
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            target = self.focus_table()
            QApplication.sendEvent(target, QKeyEvent(QEvent.Type.KeyPress, event.key(),
                                                     event.modifiers()))
            return True
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
        """Open a county file; on a known problem, say so and keep what was open. Whatever goes
        wrong while the file is read and judged for showing, the window stays, on the welcome
        page, saying so in a sentence that names the file (db.errors: the clerk's problem) or,
        for an error of the program's own, where its record is kept."""
        path = Path(path)
        if self.county is not None and same_file(self.county.path, path):
            self.reload_years()  # already open here (and locked by this window)
            return True
        self.file_opening.emit(path)
        try:
            county = CountyFile.open(path, exclusive=True)
        except Damaged as exc:
            self.file_not_opened.emit(path)
            if _action("exchange_dialogs.offer_restore")(self, path, str(exc)):
                return True
            self.welcome.show_reason(str(exc))
            return False
        except KnownError as exc:  # in use by another program, not a county file, …: no restore
            self.file_not_opened.emit(path)
            dialogs.error(self, "无法打开文件", f"{exc}\n"
                          + ("仍显示原来打开的文件。" if self.county is not None
                             else "可以新建一个文件，或打开另一个文件。"))
            self.welcome.show_reason(str(exc))
            return False
        if self.county is not None:
            self.county.close()
        self.county = county
        self.history.clear()  # steps of another file cannot be undone in this one
        try:
            self._show_opened(county)
        except Exception as exc:  # noqa: BLE001 - whatever the file's content makes fail
            self._could_not_show(county, exc)
            return False
        # Remembered only once shown: a file the window cannot show is not reopened at every
        # start.
        settings.remember_file(path.resolve())
        self.file_opened.emit(county.path)
        return True

    def _could_not_show(self, county: CountyFile, exc: Exception) -> None:
        """The file opened but could not be read or judged for showing: closed again, the
        welcome page in front with one sentence naming it."""
        name = county.path.name
        if isinstance(exc, KnownError):
            said = f"文件“{name}”无法显示：{exc}"
        else:
            from desktop.crash_log import keep_error

            kept = keep_error(f"打开“{county.path}”时出错\n"
                              + "".join(traceback.format_exception(exc)))
            where = f"出错记录保存在：{kept}，请把它发给维护人员" if kept \
                else "出错记录未能保存（数据文件夹不能写入）"
            said = (f"文件“{name}”已打开，但程序读取或评判其中的内容时出错（{type(exc).__name__}），"
                    f"未能显示；文件本身没有改动。{where}。")
        self.file_not_opened.emit(county.path)
        self.close_county()
        self.history.clear()
        self.setWindowTitle(TITLE)
        self.welcome.show_reason(said)

    def _show_opened(self, county: CountyFile) -> None:
        """The file just opened, on screen: title, banner, its years and their judgement."""
        dialogs.set_county_file(county.path)
        town = county.setting("township_scope")
        demo = county.is_demo
        self.setWindowTitle(f"{county.county_name}{f'·{town}（乡镇填报文件）' if town else ''}"
                            f"{'（示例县）' if demo else ''} — {county.path} — {TITLE}")
        if town:
            self.banner.setText(f"这是{town}的乡镇填报文件：只含本乡镇的机构，填好后交回县卫生健康局"
                                "合并。全县汇总的指标在这里显示为“由县里汇总”。")
        elif demo:
            self.banner.setText(f"这是示例县 {county.county_name}：数据都是虚构的，用来熟悉程序，可以随意"
                                "修改。开始本县的工作：文件 → 新建（或打开本县的数据文件）。")
        else:
            self.banner.setText("")
        self.banner.setVisible(bool(town or demo))
        self.readonly_label.setText("只读方式打开：本文件所在位置不能写入，修改不会保存"
                                    if county.read_only else "")
        self.welcome.show_reason("")
        # The tabs in front before the year is judged and shown in them: 总览 then knows it is
        # on screen, and adds last year's column once the rest is painted (Context.load).
        self._show_file_state()
        self.reload_years()
        # Another file: every table starts at its top (总览 at its first item, the 必备 G01),
        # not where the last file was left.
        for page in self.pages.values():
            view = getattr(page, "view", None)
            if view is not None:
                view.scrollToTop()
                view.setCurrentIndex(view.model().index(0, 0))
        # Once the file is on screen: the register's names read into pinyin, so that the first
        # look at a list sorted by name (机构, 中医馆, 人员, 活动) does not wait for pypinyin.
        QTimer.singleShot(WARM_UP_MS, self, self._warm_sort_keys)

    def _warm_sort_keys(self) -> None:
        if self.county is None:
            return
        texts = [t for r in self.county.conn.execute(
            "SELECT name, township FROM institution WHERE deleted = 0") for t in r if t]
        threading.Thread(target=warm_pinyin, args=(texts,), name="pinyin", daemon=True).start()

    def show_year(self, year: int, tab: str | None = None) -> None:
        self.year_box.setCurrentIndex(max(0, self.year_box.findData(year)))
        if tab is not None:
            self.tabs.setCurrentWidget(self.page(tab))

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
        self._show_start_panel()
        self.ctx = Context.load(self.county, self.year, last_year=False)
        settings.remember_year(self.county.path, self.year)
        self.profile_label.setText(f" {active_profile(self.county).name} ")
        self.stale = set(_PAGE_CLASSES)
        self._tab_shown(self.tabs.currentIndex())
        self._say_file_notices()

    def _tab_shown(self, index: int) -> None:
        if self.ctx is None:
            return
        if not 0 <= index < len(TAB_TITLES):
            return
        key = TAB_TITLES[index][0]
        page = self.page(key)
        if key in self.stale:
            page.refresh(self.ctx)
            self.stale.discard(key)
            self._say_file_notices()  # a tab reads what the others did not (a review's rule)
        # A tab opened (Alt+5, say) while the keys were on the 年度 box: they go to its table,
        # so that ↓ moves down the rows instead of changing the year under the clerk.
        if QApplication.focusWidget() is self.year_box:
            self.focus_table()

    def _discard_typed(self) -> bool:
        """撤销 with a refused entry still red in the tab in front: the entry goes (it was never
        saved), and the steps before it stay."""
        page = self.tabs.currentWidget()
        discard = getattr(page, "discard_typed", None)
        if callable(discard) and discard():
            self.statusBar().showMessage("已撤销未保存的输入（该单元格恢复为文件中的值）", 5000)
            return True
        return False

    def _leave_refused_entries(self) -> bool:
        """Closing with entries typed and refused (red, never saved): say which and why, and
        let the clerk go back to correct them (the default) or leave them. True: close."""
        if self.county is None:
            return True
        pending, first = [], None
        for i in range(self.tabs.count()):
            page = self.tabs.widget(i)
            model = getattr(page, "model", None)
            for cell, message in getattr(model, "refusals", {}).items():
                pending.append(f"“{self.tabs.tabText(i).split(' ', 1)[-1]}”：{message}")
                first = first or (page, cell)
        if not pending:
            return True
        shown = "\n".join(pending[:5]) + (f"\n……共 {len(pending)} 项" if len(pending) > 5 else "")
        if dialogs.choose(self, "有输入没有保存",
                          f"下面的输入没有通过检查，没有保存：\n{shown}\n\n"
                          "返回修改后再退出，还是放弃这些输入？（其他修改都已保存。）",
                          "放弃这些输入并退出", "返回修改"):
            return True
        if first is not None:
            self._go_to_refused(*first)
        return False

    def _go_to_refused(self, page: QWidget, cell: tuple[str, str]) -> None:
        """返回修改: the first refused entry's cell, current in its tab, the keys in its table
        (not on the 年度 box, where the first ↑ would change the year under the clerk)."""
        self.tabs.setCurrentWidget(page)
        record_id, key = cell
        select = getattr(page, "select_cell", None)
        if callable(select):
            select(record_id, key)
        view = getattr(page, "view", None)
        (view or page).setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_start_panel(self) -> None:
        """How to start, while the register is empty (a new file)."""
        empty = self.county is not None and not self.county.count("institution")
        self.start_panel.setVisible(empty)

    def _add_first_institution(self) -> None:
        self.tabs.setCurrentWidget(self.institutions)
        self.institutions.add()

    def _file_changed(self, source: str) -> None:
        """An edit landed: judge the year again, repaint the tab in front, reload the rest later."""
        assert self.county is not None
        self._show_start_panel()
        self.ctx = Context.load(self.county, self.year, last_year=False)
        page = self.pages[source]
        if getattr(page, "reload_on_change", False):
            page.refresh(self.ctx)  # type: ignore[attr-defined]
        else:
            page.rejudged(self.ctx)  # type: ignore[attr-defined]
        self.stale = set(_PAGE_CLASSES) - {source}
        self.statusBar().showMessage("已保存", 3000)
        if any(self.year_box.findData(y) < 0 for y in self.county.years()):
            # An activity dated in a year the list did not offer (2019 in a file of 2022–2024):
            # the list offers it now, the year shown stays, so the record can be found.
            self.reload_years()

    def _show_step(self, step: Step) -> None:
        """After 撤销 / 重做: show the tab, year and cell that changed back."""
        if step.year != self.year and self.year_box.findData(step.year) >= 0:
            self.year_box.setCurrentIndex(self.year_box.findData(step.year))
        self.tabs.setCurrentWidget(step.tab)
        if self.ctx is not None:
            step.tab.refresh(self.ctx)  # it may have been behind other tabs' edits
        select_changes = getattr(step.tab, "select_changes", None)
        if select_changes is not None:
            select_changes(step.changes)  # a pasted block stays selected as a block
        else:
            first = step.changes[0]
            step.tab.select_cell(first.row["id"], first.key)
        self.statusBar().showMessage(f"已{'撤销' if step in self.history.undone else '重做'}："
                                     f"{step.what}", 4000)

    def edit_profiles(self) -> None:
        if self.county is None:
            return
        from desktop.profile_dialog import ProfileDialog

        dialog = ProfileDialog(self.county, self)
        dialog.profile_changed.connect(self._year_changed)
        dialog.profile_changed.connect(lambda: self.history.cannot_undo("目标设置"))
        dialogs.exec_dialog(dialog)
        self._year_changed()

    # ---- failing institutions ----------------------------------------------------------------

    def show_failing(self, indicator_id: str) -> None:
        if self.ctx is None or indicator_id in self.ctx.county_level:
            return
        result = self.ctx.evaluation.result(indicator_id)
        if result is None:
            return
        from desktop.failing_dialog import FailingDialog

        profile = get_profile(self.ctx.county, self.ctx.evaluation.profile_id)
        dialog = FailingDialog(result, self, institutions={
            i["id"]: i for i in self.ctx.year_facts().institutions}, relabel=profile.relabel,
            cited=self.ctx.cite(result.id, result.name))
        dialog.jump.connect(lambda inst: self.go_to_institution(_TAB_OF.get(indicator_id,
                                                                            "institutions"), inst,
                                                                indicator_id))
        dialogs.exec_dialog(dialog)

    def go_to_institution(self, tab: str, institution_id: str, indicator: str | None = None,
                          *, column: str | None = None) -> bool:
        """Show the institution's row on `tab`, with the cell of `column` (the part missing,
        the figure in question) current and scrolled into view beside the frozen name."""
        page = self.page(tab if tab != "county" else "institutions")
        self.tabs.setCurrentWidget(page)
        if tab == "activities":
            # What the reviewer looks at: its activities (of the kind D1–D5 count) and its row
            # in the matrix, through the tab's own filters so the clerk can clear them.
            self.activities.show_institution(institution_id, indicator)
            return True
        if page.select_record(institution_id):  # type: ignore[union-attr]
            if column is not None:
                page.select_cell(institution_id, column)  # type: ignore[union-attr]
            return True
        # Not on that tab (a hospital has no 中医馆 row): its staff, else the register.
        for other in ("personnel", "institutions"):
            if other != tab:
                self.tabs.setCurrentWidget(self.page(other))
                if self.page(other).select_record(institution_id):
                    return True
        return False

    def go_to_action(self, item: str, indicator: str, institution: str) -> None:
        """Where a 达标路径 action is done: the institution's row for its indicator, the county's
        figure, or the item's row in 总览 (evidence for a governance item is added there)."""
        if institution:
            self.go_to_institution(_TAB_OF.get(indicator, "institutions"), institution,
                                   indicator or None)
            return
        if _TAB_OF.get(indicator) == "county":
            self.tabs.setCurrentWidget(self.county_tab)
            self.county_tab.focus_indicator(indicator)
            return
        self.tabs.setCurrentWidget(self.overview)
        self.overview.select_record(indicator or item)

    def screenshot_views(self) -> list[tuple[str, object]]:
        """(name, how to show it) for each tab: used by docs/screenshots.py."""
        return [(key, lambda k=key: self.tabs.setCurrentWidget(self.page(k)))
                for key in _PAGE_CLASSES]

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt name)
        # An editor still open (a cell, a spin box) saves what it holds when it loses focus.
        focused = QApplication.focusWidget()
        if focused is not None:
            focused.clearFocus()
        if not self._leave_refused_entries():
            event.ignore()
            return
        settings.remember_geometry(self.saveGeometry())
        if self.county is not None:
            self.county.close()
            self.county = None
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        super().closeEvent(event)
