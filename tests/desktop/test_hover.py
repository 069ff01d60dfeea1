"""The mouse passing over a row opens nothing: only Enter, or a double-click, opens what a row
opens (a fresh clerk's try found 编辑机构 opening by itself under the pointer after 新增, and the
program falling over when the dialog changed the table under Qt's own scrolling)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Q_ARG, QMetaObject, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from desktop import dialogs
from desktop.main_window import MainWindow


@pytest.mark.parametrize("tab", ["institutions", "activities", "overview", "path"])
def test_the_pointer_over_the_rows_opens_no_dialog(qtbot: QtBot, window: MainWindow,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   tab: str) -> None:
    opened: list[Any] = []
    monkeypatch.setattr(dialogs, "exec_dialog", lambda d: opened.append(d) or False)
    window.show()
    qtbot.waitExposed(window)
    page = window.page(tab)
    window.tabs.setCurrentWidget(page)
    view = page.view
    view.viewport().setMouseTracking(True)  # as Qt has it wherever items react to hover
    view.selectRow(0)  # a row just added or worked on is selected
    for row in range(min(6, view.model().rowCount())):
        # What Qt does when the pointer comes over a row (or a row comes under the pointer as
        # the table scrolls): it emits QAbstractItemView's own signal "entered".
        assert QMetaObject.invokeMethod(view, "entered", Qt.ConnectionType.DirectConnection,
                                        Q_ARG("QModelIndex", view.model().index(row, 1)))
    assert opened == []
    # Enter still opens what the row opens.
    view.setFocus()
    view.setCurrentIndex(view.model().index(0, 1))
    QTest.keyClick(view, Qt.Key.Key_Return)
    assert len(opened) == 1 or tab in ("overview", "path")  # those two jump or open a list
