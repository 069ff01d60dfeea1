"""What the window adds once the year is on screen (desktop.painted): 总览's 上年 column a frame
after the rest, never left out; work for a widget nobody will paint is done at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QTimer
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from desktop import dialogs, screen
from desktop.main_window import MainWindow
from desktop.frozen import FramedView


def _last_year(window: MainWindow) -> list[str]:
    return [r["previous_text"] for r in window.overview.model.rows]


def test_last_year_follows_the_first_paint(window: MainWindow, qtbot: QtBot,
                                           demo_file: Path) -> None:
    hidden = _last_year(window)  # the fixture's window is never shown: filled at once
    assert any(hidden) and window.ctx is not None and window.ctx.last_year_done
    window.close_county()
    window.show()
    qtbot.waitExposed(window)
    assert window.open_path(demo_file)
    assert window.ctx is not None and not window.ctx.last_year_done
    assert not any(_last_year(window))  # the year itself is on screen first …
    header = window.overview.view.horizontalHeader()
    qtbot.waitExposed(window.overview.view)
    widths = [header.sectionSize(i) for i in range(header.count())]
    qtbot.waitUntil(lambda: window.ctx is not None and window.ctx.last_year_done)
    assert _last_year(window) == hidden  # … and last year's values a frame later,
    assert [header.sectionSize(i) for i in range(header.count())] == widths  # no column moving
    from desktop import columns

    model = window.overview.model
    at = model.column_index("previous_text")
    whole = columns.text_widths(window.overview.view, [model.columns[at]], model.rows)[0]
    assert header.sectionSize(at) >= whole > 0  # and room for last year's figures whole


def test_last_year_is_not_added_to_a_closed_file(window: MainWindow, qtbot: QtBot,
                                                 demo_file: Path) -> None:
    window.close_county()
    window.show()
    qtbot.waitExposed(window)
    assert window.open_path(demo_file)
    ctx = window.ctx
    assert ctx is not None and not ctx.last_year_done
    window.close_county()  # closed before the first paint: nothing is read from it
    qtbot.wait(50)
    assert not ctx.last_year_done and not ctx.complete_last_year()


def test_work_for_a_table_not_shown_is_done_at_once(qtbot: QtBot) -> None:
    view = FramedView()
    qtbot.addWidget(view)
    done: list[str] = []
    view.after_paint(lambda: done.append("now"))
    assert done == ["now"]
    view.show()
    qtbot.waitExposed(view)
    qtbot.wait(20)
    view.after_paint(lambda: done.append("first"))
    view.after_paint(lambda: done.append("second"))
    assert done == ["now"]
    view.viewport().update()
    qtbot.waitUntil(lambda: len(done) == 3)
    assert done == ["now", "first", "second"]


def test_a_table_made_here_is_what_qt_makes(qtbot: QtBot) -> None:
    """The table's viewport is made by the program (so the bindings know it at once): as Qt
    makes its own, in what shows and what reads it."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QTableView

    def state(view: QTableView) -> dict[str, object]:
        port = view.viewport()
        return {"attributes": [a for a in Qt.WidgetAttribute if port.testAttribute(a)],
                "roles": (port.backgroundRole(), port.foregroundRole()),
                "filled": port.autoFillBackground(), "name": port.objectName(),
                "tracking": port.hasMouseTracking(), "proxy": port.focusProxy() is view,
                "focus": port.focusPolicy(), "menu": port.contextMenuPolicy()}

    ours, theirs = FramedView(), QTableView()
    for view in (ours, theirs):
        qtbot.addWidget(view)
        view.show()
        qtbot.waitExposed(view)
    assert state(ours) == state(theirs)


def test_the_window_watches_the_application_once_painted(qtbot: QtBot) -> None:
    """Its application-wide filters (tab keys from anywhere, every window fitted) come with
    its first paint, not before: each would slow the start."""
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    assert not window.watching_app
    qtbot.waitUntil(lambda: window.watching_app)


def test_a_dialog_before_the_first_paint_still_fits_the_screen(qtbot: QtBot) -> None:
    """At start a dialog (a file that cannot be opened) may come before the window's first
    paint: the dialogs' own door has it fitted."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    for fitter in app.findChildren(screen.ScreenFit):
        app.removeEventFilter(fitter)
        fitter.deleteLater()
    app.setProperty("tcmcounty_screen_fit", False)
    dialog = QDialog()
    qtbot.addWidget(dialog)
    dialog.setWindowTitle("无法打开文件")
    dialog.resize(3000, 2000)
    seen: list[QRect] = []

    def look() -> None:
        seen.append(dialog.frameGeometry())
        dialog.reject()

    QTimer.singleShot(100, look)
    dialogs.exec_dialog(dialog)
    assert seen and dialog.screen().availableGeometry().contains(seen[0]), seen


def test_pyside_is_spared_reading_the_programs_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    """PySide reads the source of each module first imported after it, to learn whether it
    uses its __feature__ switches: the program's are entered in its table as that reading would
    enter them, and nothing breaks where a PySide keeps no such table."""
    import sys
    import types

    from desktop import app

    feature = sys.modules["PySide6.support.feature"]
    table = feature.pyside_feature_dict
    for name in ("desktop.tabs.overview", "reports.judge.review", "reports.pdf"):
        monkeypatch.delitem(table, name, raising=False)
    app.spare_source_scans()
    assert table["desktop.tabs.overview"] == 0  # uses PySide, with no switch
    assert table["reports.judge.review"] == -1 and table["reports.pdf"] == -1
    assert not any("__pycache__" in name for name in table)
    monkeypatch.setitem(sys.modules, "PySide6.support.feature", types.ModuleType("feature"))
    app.spare_source_scans()  # another PySide: nothing to do


def test_the_styles_margins_assumed_at_start_are_checked_once_on_screen(
        window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    """Column widths at start use the margins Qt's own styles draw (asking the style would load
    its class); once the window is on screen the style is asked, and a style that draws other
    margins has every table fitted again."""
    from desktop import columns

    assert not columns.check_margins()  # the style the tests run with: as assumed
    header = window.overview.view.horizontalHeader()
    code = window.overview.model.column_index("code")
    before = columns.header_width(window.overview.view, window.overview.model.columns[code])
    monkeypatch.setitem(columns.MARGINS, "header", columns.MARGINS["header"] + 10)
    assert columns.header_width(window.overview.view,
                                window.overview.model.columns[code]) == before + 20
    assert columns.check_margins()  # told otherwise by the style: fitted again
    assert columns.header_width(window.overview.view,
                                window.overview.model.columns[code]) == before
    assert header.sectionSize(code) >= before
