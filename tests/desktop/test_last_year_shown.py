"""总览's 上年 column in a window on screen, where it is filled a frame after the first paint
(desktop/tabs/overview.py `_fill_last_year`): whole, sorted when sorted by, and nothing kept of
a context no longer shown. (The `window` fixture is never shown: there it is filled at once.)
Found by a review of the faster start."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from pytestqt.qtbot import QtBot

from db.county import CountyFile
from db.exchange import write_township_file
from desktop.main_window import MainWindow


def _shown(qtbot: QtBot, path: Path) -> MainWindow:
    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(1366, 740)
    w.show()
    qtbot.waitExposed(w)
    assert w.open_path(path)
    _filled(qtbot, w)
    return w


def _filled(qtbot: QtBot, w: MainWindow) -> None:
    qtbot.waitUntil(lambda: w.ctx is not None and getattr(w.ctx, "last_year_done", True))
    qtbot.wait(50)


def _cut_last_year(w: MainWindow) -> list[tuple[str, int, int]]:
    """上年 figures wider than their column, as drawn (plain font, the cell's margins): shown as
    “100.…”, with no tooltip to read them."""
    view, model = w.overview.view, w.overview.model
    at = model.column_index("previous_text")
    room = view.horizontalHeader().sectionSize(at)
    advance = QFontMetrics(QFont(view.font())).horizontalAdvance
    margin = 2 * (view.style().pixelMetric(view.style().PixelMetric.PM_FocusFrameHMargin) + 1)
    return [(r["previous_text"], advance(r["previous_text"]) + margin, room)
            for r in model.rows if r["previous_text"]
            and advance(r["previous_text"]) + margin > room]


def _township(demo_file: Path, tmp_path: Path) -> Path:
    out = tmp_path / "长江镇.tcmcounty"
    with CountyFile.open(demo_file) as county:
        write_township_file(county, "长江镇", out)
    return out


@pytest.mark.parametrize("which", ["county", "township"])
def test_last_years_figures_whole_in_a_year_not_yet_filled(
        qtbot: QtBot, demo_file: Path, tmp_path: Path, which: str) -> None:
    """A new year (2025 beside the demo's 2022–2024, offered as “2025 年（无数据）”): 实际值
    reads 无数据, and 上年 is exactly what the clerk compares with. Sized from this year's
    figures alone, 100.0% showed as “100.…” (county: 48 px; township file: 34 px, “1…”)."""
    w = _shown(qtbot, demo_file if which == "county" else _township(demo_file, tmp_path))
    w.show_year(2025)
    _filled(qtbot, w)
    assert any(r["previous_text"] for r in w.overview.model.rows)
    assert not _cut_last_year(w), _cut_last_year(w)[:3]


def test_sorted_by_last_year_stays_sorted_after_a_year_switch(qtbot: QtBot,
                                                              demo_file: Path) -> None:
    """The clerk sorts 总览 by 上年 and chooses another year: the rows are sorted by last year's
    figures once they arrive (their sort keys were first taken from the empty column), and
    clicking 上年 again sorts them the other way."""
    w = _shown(qtbot, demo_file)
    model = w.overview.model
    at = model.column_index("previous_text")
    col = model.columns[at]

    def in_order(descending: bool) -> bool:
        keys = [col.sort_key(r) for r in model.rows]
        return keys == sorted(keys, reverse=descending)

    w.overview.view.sortByColumn(at, Qt.SortOrder.DescendingOrder)
    assert in_order(True)
    w.show_year(2023)
    _filled(qtbot, w)
    assert w.overview.view.horizontalHeader().sortIndicatorSection() == at
    after_switch = in_order(True)
    w.overview.view.sortByColumn(at, Qt.SortOrder.AscendingOrder)  # clicked again
    assert (after_switch, in_order(False)) == (True, True)


def test_only_the_last_context_waits_for_the_paint(qtbot: QtBot, demo_file: Path) -> None:
    """Loads before the next paint (a new year's start: years read again, then 填报进度) leave
    one context waiting for 上年, the last: none of the earlier ones is kept."""
    import gc
    import weakref

    w = _shown(qtbot, demo_file)
    w.year_box.setCurrentIndex(w.year_box.findData(2023))
    first = weakref.ref(w.ctx)
    w.year_box.setCurrentIndex(w.year_box.findData(2022))
    gc.collect()
    assert first() is None
    _filled(qtbot, w)
    assert w.ctx is not None and w.ctx.last_year_done
