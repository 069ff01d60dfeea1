"""An error of the program's own in something the clerk did (a menu item, a button): the work is
left undone, the window goes on, and the clerk is told so in one sentence, with where the record
of it is kept (desktop.crash_log.keep_error) — never a silent nothing.

Every edit is committed as it is made (one transaction each), so what was saved before stays
saved; the action that failed wrote nothing or rolled back.
"""

from __future__ import annotations

from collections.abc import Callable
import sys
import traceback
from types import TracebackType

from db.errors import KnownError

Hook = Callable[[type[BaseException], BaseException, TracebackType | None], object]

_telling = False  # a second error while the first is being said is only kept


def install() -> None:
    """Once per application, after the window exists."""
    if getattr(sys.excepthook, "tcmcounty", False):
        return
    sys.excepthook = _hook(sys.excepthook)


def _hook(previous: Hook) -> Hook:
    def hook(kind: type[BaseException], exc: BaseException,
             tb: TracebackType | None) -> None:
        if issubclass(kind, (KeyboardInterrupt, SystemExit)):
            previous(kind, exc, tb)
            return
        if isinstance(exc, KnownError):
            tell("操作未完成", f"{exc}")
            return
        from desktop.crash_log import keep_error

        kept = keep_error("".join(traceback.format_exception(kind, exc, tb)))
        previous(kind, exc, tb)  # stderr: the session's log too
        where = f"出错记录保存在：{kept}" if kept else "出错记录未能保存（数据文件夹不能写入）"
        tell("程序内部出错", "程序内部出错，刚才的操作没有完成。此前的修改都已随时保存，不受影响。\n"
             f"{where}\n请把它发给维护人员。")
    hook.tcmcounty = True  # type: ignore[attr-defined]
    return hook


def tell(title: str, text: str) -> None:
    global _telling
    if _telling:
        return
    from PySide6.QtWidgets import QApplication

    from desktop import dialogs

    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    _telling = True
    try:
        dialogs.error(app.activeWindow(), title, text)
    finally:
        _telling = False
