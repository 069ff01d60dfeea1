"""Wide tables keep the institution's name in view while they scroll sideways (issue 27), and a
jump to a missing figure lands on its cell, beside the name, not on the name alone."""

from pytestqt.qtbot import QtBot

from desktop.main_window import MainWindow
from desktop.models import ROW_ROLE
from desktop.tabs.base import TableTab


def _shown(qtbot: QtBot, window: MainWindow) -> None:
    window.show()
    qtbot.waitExposed(window)


def _edge(tab: TableTab) -> int:
    frozen = tab.view.frozen
    assert frozen is not None and frozen.isVisible()
    return frozen.width_needed()


def _no_sliver(tab: TableTab) -> None:
    """Beside the frozen columns every column is whole or wholly under them ("溪镇" is a
    sliver of 太溪镇)."""
    header, edge = tab.view.horizontalHeader(), _edge(tab)
    count = tab.view.frozen.count
    for col in range(count, header.count()):
        left = header.sectionViewportPosition(col)
        right = left + header.sectionSize(col)
        assert right <= edge or left >= edge, (tab.model.columns[col].header, left, edge)


def _name_beside(tab: TableTab, row: int) -> str:
    """The name the frozen pane shows on the row of the current cell."""
    frozen = tab.view.frozen
    assert frozen is not None
    index = frozen.model().index(row, 0)
    rect = frozen.visualRect(index)
    assert frozen.viewport().rect().contains(rect.center())
    main = tab.view.visualRect(tab.view.currentIndex())
    assert abs(rect.top() - main.top()) <= 1  # the same row, side by side
    return index.data()


def test_the_name_stays_in_view_when_the_table_scrolls_right(qtbot: QtBot,
                                                             window: MainWindow) -> None:
    _shown(qtbot, window)
    for tab, key in ((window.halls, "tcm_share"), (window.personnel, "fd_teams_tcm")):
        window.tabs.setCurrentWidget(tab)
        row = 7
        index = tab.proxy.index(row, tab.model.column_index(key))
        tab.view.setCurrentIndex(index)
        assert tab.view.horizontalScrollBar().value() > 0  # it did scroll sideways
        rect = tab.view.visualRect(index)
        assert rect.left() >= _edge(tab) and tab.view.viewport().rect().contains(rect)
        assert _name_beside(tab, row) == tab.proxy.index(row, 0).data(ROW_ROLE)["name"]
        _no_sliver(tab)
        # Back to the left, cell by cell: each is shown whole, never under the name.
        for col in range(tab.model.column_index(key) - 1, 0, -1):
            tab.view.setCurrentIndex(tab.proxy.index(row, col))
            at = tab.view.visualRect(tab.view.currentIndex())
            assert at.left() >= (_edge(tab) if col >= 1 else 0) or col < 1
            _no_sliver(tab)


def test_a_jump_from_the_progress_tab_lands_on_the_missing_part_beside_the_name(
        qtbot: QtBot, window: MainWindow) -> None:
    _shown(qtbot, window)
    county = window.county
    assert county is not None
    centre = next(r for r in county.institutions_in_year(window.year)
                  if r["type"] == "township_hc")
    county.set_institution_year(centre["id"], window.year, {"visits": None, "tcm_visits": None})
    window.reload_years()
    window.tabs.setCurrentWidget(window.progress_tab)
    progress = window.progress_tab
    row = next(r for r in range(progress.proxy.rowCount())
               if progress.proxy.index(r, 0).data(ROW_ROLE)["id"] == centre["id"])
    assert "诊疗量" in progress.proxy.index(row, 0).data(ROW_ROLE)["missing"]
    progress.view.doubleClicked.emit(progress.proxy.index(row, 1))
    halls = window.halls
    assert window.tabs.currentWidget() is halls
    current = halls.view.currentIndex()
    assert halls.model.columns[current.column()].key == "visits"
    rect = halls.view.visualRect(current)
    assert halls.view.viewport().rect().contains(rect) and rect.left() >= _edge(halls)
    assert _name_beside(halls, current.row()) == centre["name"]


def test_the_frozen_names_stay_beside_their_rows_after_an_institution_is_added(
        qtbot: QtBot, window: MainWindow, answer: object) -> None:
    """A fresh clerk's try: after 新增 the table scrolled to the new row, the name pane stayed at
    the top, so every name stood beside another institution's figures."""
    _shown(qtbot, window)
    tab = window.institutions
    window.tabs.setCurrentWidget(tab)

    def fill(dialog: object) -> bool:
        dialog.name.setText("桃源村卫生室")  # type: ignore[attr-defined]
        dialog.type.setCurrentIndex(dialog.type.findData("village_clinic"))  # type: ignore
        dialog.township.setCurrentText("长江镇")  # type: ignore[attr-defined]
        return True
    answer(fill)  # type: ignore[operator]
    tab.add()
    frozen = tab.view.frozen
    # The layout after the reload, as the event loop runs it: the pane follows the table.
    qtbot.waitUntil(lambda: frozen.verticalScrollBar().value()
                    == tab.view.verticalScrollBar().value() > 0)
    current = tab.view.currentIndex()
    assert current.data(ROW_ROLE)["name"] == "桃源村卫生室"
    assert tab.view.verticalScrollBar().value() > 0  # it scrolled down to the new row
    assert _name_beside(tab, current.row()) == "桃源村卫生室"
