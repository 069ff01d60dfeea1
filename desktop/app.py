"""Start the window: pick the file (argument, last used, or a fresh copy of the demo county)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from db import paths
from db.demo import write_demo

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication


def demo_copy() -> Path:
    """The user's own copy of the demo county, made on first run."""
    target = paths.data_dir() / "示例县-青河县.tcmcounty"
    if not target.exists():
        write_demo(target, "small")
    return target


def choose_file(argument: Path | None) -> Path:
    from desktop import settings

    if argument is not None:
        return argument
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


def make_app() -> QApplication:
    """The one QApplication, with the bundled Chinese font so text shows on any PC."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QFontDatabase
    from PySide6.QtWidgets import QApplication

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
    return app


def run(argument: Path | None) -> int:
    from desktop.main_window import MainWindow

    app = make_app()
    window = MainWindow()
    window.open_path(choose_file(argument))
    window.show()
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
    return app.exec()
