"""打开多县汇总: the folder's counties side by side in a read-only window that sorts, opens a county
on double-click, charts items by the share of counties passing, and changes no file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
import pytest
from pytestqt.qtbot import QtBot

from desktop import dialogs, rollup_actions
from desktop.main_window import MainWindow
from desktop.models import SORT_ROLE
from desktop.rollup_window import RollupWindow
from tests.reports.judge.test_rollup import county_copy, digests
from tests.desktop.conftest import bar_menus

YEAR = 2024


@pytest.fixture
def folder(demo_master: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "各县"
    folder.mkdir()
    county_copy(demo_master, folder / "甲县.tcmcounty", "甲县", "a" * 32)
    county_copy(demo_master, folder / "乙县.tcmcounty", "乙县", "b" * 32, weaken=12)
    (folder / "说明.txt").write_text("不是数据文件", encoding="utf-8")
    return folder


def loaded(qtbot: QtBot, folder: Path, opened: list[Path]) -> RollupWindow:
    view = RollupWindow(folder, YEAR, opened.append)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.counties.modelReset, timeout=60_000):
        view.start()
    qtbot.waitUntil(lambda: view.result is not None, timeout=60_000)
    return view


def test_the_view_shows_sorts_and_opens_a_county(qtbot: QtBot, folder: Path,
                                                 qtmodeltester: Any) -> None:
    before = digests(folder)
    opened: list[Path] = []
    view = loaded(qtbot, folder, opened)
    assert view.result is not None
    assert digests(folder) == before  # nothing written beside or into the files

    # Highest score first; sorted the other way, the weakened 乙县 comes first.
    top = view.row_at(view.county_view, 0)
    assert top["total"] == max(c.total for c in view.result.counties)
    assert top["county"] == "甲县"
    view.county_view.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    assert view.row_at(view.county_view, 0)["county"] == "乙县"
    assert "说明.txt" in [r["file"] for r in view.skipped.rows]
    assert "读取 2 个县" in view.summary.text()

    # Every cell is read-only: no model offers an editor.
    for model in (view.counties, view.matrix, view.skipped):
        qtmodeltester.check(model, force_py=True)
        for r in range(model.rowCount()):
            for c in range(model.columnCount()):
                assert not model.flags(model.index(r, c)) & Qt.ItemFlag.ItemIsEditable

    # The matrix sorts by an item's points as numbers.
    proxy = view.matrix_view.model()
    assert isinstance(proxy.index(0, 2).data(SORT_ROLE), float)

    index = view.county_view.model().index(0, 0)
    view.county_view.doubleClicked.emit(index)
    assert opened == [view.row_at(view.county_view, 0)["path"]]

    # The chart: one bar per item that applies, weakest first.
    shares = [b[1] for b in view.chart.bars]
    assert shares == sorted(shares) and len(shares) > 10
    # Done reading: no bar left standing at 100%, the status line says what was read.
    assert view.progress.isHidden() and "已汇总" in view.status_text.text()


def test_the_menu_opens_the_summary_and_a_county_in_its_own_window(
        qtbot: QtBot, window: MainWindow, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dialogs, "open_folder_name", lambda *a: str(folder))
    action = next(a for a in bar_menus(window)[0].actions()
                  if a.text() == "打开多县汇总(&L)…")
    before = digests(folder)
    action.trigger()
    view = window.__dict__["_rollup_windows"][-1]
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.result is not None, timeout=60_000)
    assert view.year == window.year
    assert digests(folder) == before
    county_window = rollup_actions.open_county(MainWindow, folder / "甲县.tcmcounty", view)
    qtbot.addWidget(county_window)
    assert county_window.county.county_name == "甲县"
    assert county_window is not window
    county_window.close()


def test_an_empty_county_reads_no_data_and_items_have_their_words(qtbot: QtBot,
                                                                  folder: Path) -> None:
    from db.county import CountyFile

    CountyFile.create(folder / "丙县.tcmcounty", "丙县").close()
    view = loaded(qtbot, folder, [])
    model = view.county_view.model()
    last = model.rowCount() - 1
    assert view.row_at(view.county_view, last)["county"] == "丙县"  # below every score
    shown = [model.index(last, c).data() for c in range(model.columnCount())]
    assert shown[1] == "无数据" and shown[4] == "无数据" and shown[7] == "—"
    assert "0.0" not in shown[:8] and "与上年持平" not in view.summary.text()
    assert "（其中 1 个本年度无数据，不计入统计）" in view.summary.text()
    headers = [view.matrix.headerData(c, Qt.Orientation.Horizontal)
               for c in range(view.matrix.columnCount())]
    assert "二（二）1★\n中医馆设置率" in headers  # the standard's 条目, never the program's A1
    # Items that only count have no bar: no “0%（0/2 县）” for D8 and D9 (四（二）3, 四（二）4).
    labels = [b[0] for b in view.chart.bars]
    assert labels and not any(label.startswith(("四（二）3", "四（二）4")) for label in labels)
    assert any(label.startswith("二（二）1★") for label in labels)
    assert all(b[2].endswith("/2 县") for b in view.chart.bars)


def test_the_summary_window_names_items_as_the_standard_does(qtbot: QtBot, folder: Path) -> None:
    """The city clerk reads the standard's 条目 (一（一）1★) as in the printed summary, never the
    program's ids: in the tables, their headers and tooltips, the chart and the lines above."""
    from tests.desktop.test_reviewers_words import ids_in, texts
    from tests.internal_ids import pattern

    view = loaded(qtbot, folder, [])
    seen = [*texts(view, "多县汇总"), *(("图", bar[0]) for bar in view.chart.bars)]
    shown = " ".join(text for _where, text in seen)
    assert "未达到：一（一）1" in shown and "一（一）1★" in shown
    assert ids_in(pattern(), iter(seen)) == []
