"""Start the window: pick the file (argument, last used, or a fresh copy of the demo county)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
import contextlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from PySide6.QtCore import QObject
    from PySide6.QtWidgets import QApplication

    from desktop.crash_log import Session
    from desktop.main_window import MainWindow


def choose_file(argument: Path | None) -> Path:
    if argument is not None:
        return argument
    from desktop import settings
    from desktop.file_actions import demo_copy

    last = settings.last_file()
    if last is not None and last.exists():
        return last
    return demo_copy()


def input_method_module(environ: Mapping[str, str], plugin_dirs: Iterable[Path]) -> str | None:
    """"ibus" when the session asks for fcitx but this Qt has no fcitx plugin (the installed app,
    a pip-installed PySide6): Qt would then start with no input method at all, while fcitx5
    answers Qt's ibus plugin through its IBus frontend. None: leave the session's choice."""
    if environ.get("QT_IM_MODULE") not in ("fcitx", "fcitx5") or environ.get("QT_IM_MODULES"):
        return None
    names = [p.name for folder in plugin_dirs if folder.is_dir() for p in folder.iterdir()]
    if any("fcitx" in name for name in names) or not any("ibus" in name for name in names):
        return None
    return "ibus"


CHINESE = "zh_CN.UTF-8"
# What Qt reads, on Linux, to say sizes, dates and its own words in the file dialogs.
_SAID_BY = ("LC_MESSAGES", "LC_TIME", "LC_NUMERIC")


def chinese_locale(environ: dict[str, str] | os._Environ[str], platform: str) -> None:
    """On Linux, Qt's file dialogs say sizes and dates as the session's locale does: on a PC set
    to English (or to none, C) they read “45 bytes” and “6 Dec 2026”. The program speaks Chinese
    whatever the PC's language: messages, dates and numbers are set to zh_CN here, before Qt
    starts; the character type (LC_CTYPE, which input methods read) is left as it was. Windows
    and macOS take the user's own settings, Chinese on a bureau's PC."""
    if not platform.startswith("linux"):
        return
    everything = environ.pop("LC_ALL", None)
    if everything:  # it would override ours: kept for what it decides but these
        environ.setdefault("LC_CTYPE", everything)
        environ.setdefault("LANG", everything)
    for name in _SAID_BY:
        if not (environ.get(name) or environ.get("LANG") or "").startswith("zh"):
            environ[name] = CHINESE


def make_app() -> QApplication:
    """The one QApplication, with the bundled Chinese font so text shows on any PC."""
    chinese_locale(os.environ, sys.platform)  # before Qt reads the session's locale
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QFontDatabase
    from PySide6.QtWidgets import QApplication

    spare_source_scans()
    from resources import resource_path

    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    # Where Qt will look for plugins (its own folder, QT_PLUGIN_PATH), known before it starts.
    plugins = [Path(p, "platforminputcontexts") for p in QCoreApplication.libraryPaths()]
    module = input_method_module(os.environ, plugins)
    if module:
        os.environ["QT_IM_MODULE"] = module
    app = QApplication(sys.argv[:1])
    app.setApplicationName("tcmcounty")
    app.setApplicationDisplayName("中医药示范县创建自评")
    QFontDatabase.addApplicationFont(str(resource_path("fonts", "wqy-microhei.ttc")))
    load_chinese_translations(app)
    return app


def spare_source_scans() -> None:
    """Once PySide is loaded, it reads the whole source of every module an import statement
    names for the first time, to learn whether it may use PySide's optional `__feature__`
    switches (snake_case names; PYSIDE-2029): 27 modules at the window's start, 6 ms. The
    program uses no such switch: its modules, and those loaded so far, are entered in PySide's
    table as a scan would enter them (0: uses PySide with no switch; -1: does not use it),
    and are not read. Where a PySide has no such table, nothing is done."""
    feature = sys.modules.get("PySide6.support.feature")
    table = getattr(feature, "pyside_feature_dict", None)
    if not isinstance(table, dict):
        return
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for package, uses in (("desktop", 0), ("db", -1), ("reports", -1), ("resources", -1)):
        for folder, folders, files in os.walk(os.path.join(root, package)):
            folders[:] = [f for f in folders if f.isidentifier() and f != "__pycache__"]
            prefix = os.path.relpath(folder, root).replace(os.sep, ".")
            table.setdefault(prefix, uses)
            for file in files:
                if file.endswith(".py") and file != "__init__.py":
                    table.setdefault(f"{prefix}.{file[:-3]}", uses)
    for name in list(sys.modules):
        if not name.startswith(("PySide6", "shiboken6")):
            table.setdefault(name, -1)


def load_chinese_translations(app: QApplication) -> bool:
    """Qt's own words (确定/取消, the file dialogs' 文件名/查看) in Chinese: the translations PySide6
    ships (kept in the bundle by packaging/tcmcounty.spec). False if they are missing."""
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    import PySide6

    translator = QTranslator(app)
    # Where Qt says, else beside the bindings (a frozen bundle's Qt may not know its own folder).
    folders = (QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath),
               str(Path(PySide6.__file__).parent / "Qt" / "translations"))
    if not any(translator.load("qtbase_zh_CN", folder) for folder in folders):
        return False
    # Qt asks the translator installed last first: Qt's own, then the gaps.
    app.installTranslator(_gaps_translator(app))
    return app.installTranslator(translator)


def _gaps_translator(app: QApplication) -> QObject:
    """The few words Qt's own Chinese translation lacks (the file dialog's two labels, and
    "Folder" and "File" in its 类型 column)."""
    from PySide6.QtCore import QTranslator

    words = {("QFileDialog", "&Look in:"): "查找范围(&L)：",
             ("QFileDialog", "Files of &type:"): "文件类型(&T)：",
             # The file dialog's 类型 column (the translation keys these by platform).
             ("QAbstractFileIconProvider", "Folder"): "文件夹",
             ("QAbstractFileIconProvider", "Drive"): "驱动器",
             ("QAbstractFileIconProvider", "File"): "文件",
             ("QAbstractFileIconProvider", "%1 File"): "%1 文件",
             ("QAbstractFileIconProvider", "Shortcut"): "快捷方式"}

    class Gaps(QTranslator):
        def translate(self, context: str, source: str, disambiguation: str | None = None,
                      n: int = -1) -> str:
            # Asked only after Qt's own translation had no answer; the source text is what Qt
            # would show then. (Never None: PySide mishandles a None returned to C++.)
            return words.get((context, source), source)

        def isEmpty(self) -> bool:  # noqa: N802 (Qt name)
            return False

    return Gaps(app)


def start(argument: Path | None) -> tuple[MainWindow, Session | None]:
    """The window shown on its file. From here on a fatal error leaves its trace in the data
    folder (desktop/crash_log.py); a session that died before this one is said in one sentence
    above the window."""
    from desktop import crash_log
    from desktop.main_window import MainWindow

    session, crashes = crash_log.begin()
    said = crash_log.notice(crashes[-1]) if crashes else ""
    window = MainWindow()
    if session is not None:
        window.file_opening.connect(session.opening)
        window.file_opened.connect(session.opened)
        window.file_not_opened.connect(session.not_opened)
    window.show()  # first, so a file that cannot be opened is explained over the welcome page
    if said:
        window.show_notice(said)
    path = choose_file(argument)
    died_on = crashes[-1].opening if crashes else None
    if argument is None and died_on is not None and _same_file(path, died_on):
        # The last session died opening the file that would be reopened now: not again without
        # the clerk's asking, or every start would die the same way.
        window.welcome.show_reason(f"上次打开“{path.name}”时程序意外关闭，这次没有自动打开它。"
                                   "可以在下面最近打开的文件中选它再试一次。")
        return window, session
    window.open_path(path)
    return window, session


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def launch(argument: Path | None) -> tuple[QApplication, MainWindow, Session | None]:
    """The application and its window on the chosen file (its events not yet processed). The
    file's structure is checked in a thread while Qt and the window load (db.county)."""
    import gc

    # Python's cycle collector is held while the program loads and the year is judged: its
    # passes over the new objects found none to free (the modules, the window, the year's facts
    # are all in use) and cost the 10× county 17 ms of its start, 6 ms at 1×. What the start
    # made then joins the oldest generation at once (freeze, unfreeze): the next pass over the
    # young objects does not walk all of it either; a full pass still frees any cycle in it.
    collecting = gc.isenabled()
    gc.disable()
    try:
        from db.county import verify_ahead

        path = choose_file(argument)
        verify_ahead(path)
        app = make_app()
        window, session = start(path)
    finally:
        if collecting:
            gc.freeze()
            gc.unfreeze()
            gc.enable()
    return app, window, session


def run(argument: Path | None) -> NoReturn:
    app, window, session = launch(argument)
    from desktop import unexpected

    unexpected.install()  # the program's own errors are said to the clerk, and kept
    # For the installed app's smoke test (tests/test_bundle.py): close the window after N ms,
    # first saving what the screen shows (on X11: the X server's picture, not Qt's own).
    quit_ms = os.environ.get("TCMCOUNTY_SMOKE_QUIT_MS")
    if quit_ms:
        from PySide6.QtCore import QTimer

        screenshot = os.environ.get("TCMCOUNTY_SMOKE_SCREENSHOT")

        def close() -> None:
            if screenshot:
                window.screen().grabWindow(0).save(screenshot)
            window.close()

        QTimer.singleShot(int(quit_ms), close)
    code = app.exec()
    if window.county is not None:  # closed by closeEvent, unless the loop ended otherwise
        window.close_county()
    leave(app, session, code)


def leave(app: QApplication, session: Session | None, code: int) -> NoReturn:
    """Quit at once, the work being safe: every edit was committed as it was made and the file is
    closed. Qt is shut down properly (its windows deleted; on X11 what the clerk copied goes to
    the clipboard manager), the exit handlers run (the temporary folder of opened evidence is
    removed), and then the process ends without Python freeing its heap object by object: after
    a day's work on a large county that took 1.5–2.7 s (the module tables of pinyin, reportlab and
    openpyxl, the window's rows and undo steps), memory the system takes back at once anyway."""
    import atexit

    app.shutdown()
    if session is not None:  # only now: a crash while Qt shuts down is still logged
        session.end()
    run_exit_handlers = getattr(atexit, "_run_exitfuncs", None)
    if run_exit_handlers is not None:
        run_exit_handlers()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # a closed or missing stream (no console)
            stream.flush()
    os._exit(code)
