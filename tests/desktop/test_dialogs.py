"""Dialogs opened for one use (the merge preview, the failing list, an edit dialog) do not stay
behind, hidden, for as long as the window: after a day of merges it would hold every plan."""

from __future__ import annotations

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot
import shiboken6

from desktop import dialogs
from desktop.main_window import MainWindow


def test_a_dialog_is_let_go_after_use_and_can_run_again_first(window: MainWindow,
                                                              qtbot: QtBot) -> None:
    dialog = QDialog(window)
    seen: list[object] = []

    def clerk_action() -> None:  # what a menu item runs, in the window's event loop
        for answer in (dialog.reject, dialog.accept):  # refused, then again (save_from)
            QTimer.singleShot(0, answer)
            seen.append(dialogs.exec_dialog(dialog))
            seen.append(shiboken6.isValid(dialog))  # the action still reads it
        QTimer.singleShot(0, loop.quit)

    loop = QEventLoop()
    QTimer.singleShot(0, clerk_action)
    loop.exec()
    assert seen == [False, True, True, True]
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog))
    assert window.findChildren(QDialog) == []
