"""What the window adds once the year is on screen (desktop.painted): 总览's 上年 column a frame
after the rest, never left out; work for a widget nobody will paint is done at once."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desktop.main_window import MainWindow
from desktop.painted import after_paint


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
    qtbot.waitUntil(lambda: window.ctx is not None and window.ctx.last_year_done)
    assert _last_year(window) == hidden  # … and last year's values a frame later


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


def test_work_for_a_widget_not_shown_is_done_at_once(qtbot: QtBot) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    done: list[str] = []
    after_paint(widget, lambda: done.append("now"))
    assert done == ["now"]
    widget.show()
    qtbot.waitExposed(widget)
    after_paint(widget, lambda: done.append("first"))
    after_paint(widget, lambda: done.append("second"))
    assert done == ["now"]
    widget.update()
    qtbot.waitUntil(lambda: len(done) == 3)
    assert done == ["now", "first", "second"]
