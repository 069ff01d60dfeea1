"""A clicked header orders a table as a clerk expects, and the order holds through edits: a
value typed into the sorted column moves its row (with the cell the clerk is on), equal values
keep the order the tab loaded them in, and a reload keeps the chosen order."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.main_window import MainWindow
from desktop.models import ROW_ROLE

from .test_tables import _type_into


def _names(tab) -> list[str]:  # noqa: ANN001 - any TableTab
    return [tab.proxy.index(r, 0).data(ROW_ROLE)["name"] for r in range(tab.proxy.rowCount())]


def test_a_typed_value_moves_its_row_in_the_sorted_column(window: MainWindow,
                                                          qtbot: QtBot) -> None:
    tab = window.halls
    window.tabs.setCurrentWidget(tab)
    column = tab.model.column_index("tech_items")
    tab.view.sortByColumn(column, Qt.SortOrder.DescendingOrder)
    values = [tab.proxy.index(r, column).data(ROW_ROLE)["tech_items"] or -1
              for r in range(tab.proxy.rowCount())]
    assert values == sorted(values, reverse=True)
    last = _names(tab)[-1]
    _type_into(tab, tab.proxy.rowCount() - 1, "tech_items", "99")
    assert _names(tab)[0] == last  # now the most techniques: first
    assert tab.view.currentIndex().data(ROW_ROLE)["name"] == last  # the cell went with it


def test_equal_values_keep_the_loaded_order_both_ways(window: MainWindow) -> None:
    tab = window.institutions
    window.tabs.setCurrentWidget(tab)
    loaded = _names(tab)
    column = tab.model.column_index("ownership")  # all the same: 公立
    for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
        tab.view.sortByColumn(column, order)
        assert _names(tab) == loaded


def test_the_chosen_order_survives_a_reload(window: MainWindow) -> None:
    from db.vocab import pinyin_key

    tab = window.institutions
    window.tabs.setCurrentWidget(tab)
    tab.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    tab.refresh(window.ctx)
    assert _names(tab) == sorted(_names(tab), key=pinyin_key, reverse=True)
    assert tab.view.horizontalHeader().sortIndicatorSection() == 0
