"""A clerk at the main window, for the leak test (test_refcounts.py) and the soak (test_soak.py,
tests/benchmarks/soak.py): tabs, scrolling, typing into cells and county figures, block paste,
Delete, 撤销/重做, another year, the failing list and the merge dialog, by keys where a clerk uses
keys. Random actions come from a seed, so a run can be repeated.

The clerk keeps its own ledger of every value it saw saved, read before each action from the file
and mirrored through 撤销/重做, so `differences` can say afterwards whether the file holds exactly
those edits and nothing else.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
import random
import sqlite3
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (QAbstractItemDelegate, QAbstractItemView, QApplication,
                               QComboBox, QDialog, QLineEdit, QWidget)

from db import exchange
from db.county import CountyFile
from desktop import dialogs
from desktop.exchange_dialogs import MergeDialog
from desktop.failing_dialog import FailingDialog
from desktop.main_window import MainWindow
from desktop.models import ROW_ROLE
from desktop.tabs.base import TableTab

CTRL = Qt.KeyboardModifier.ControlModifier
# Editable columns of the tabs the clerk types into, by kind (keys of institution_year).
EDIT_TABS = ("halls", "personnel")
# Columns that sit side by side in each tab, so a pasted block of counts fits them.
COUNT_BLOCKS = {"halls": (("hall_area", "hall_consult_rooms", "hall_treat_rooms", "hall_treat_area"),
                          ("tech_categories", "tech_items", "visits", "tcm_visits")),
                "personnel": (("physicians", "tcm_physicians"),
                              ("other_tcm_staff", "tcm_gps", "west_learn_tcm"))}
COUNTY_FIGURES = ("resident_population", "elderly_population", "elderly_managed",
                  "infant_population", "infant_managed", "alliance_population")
NOT_COUNTS = ("-3", "−7", "七个", "3.5")  # typed by mistake: always refused
# Bookkeeping that every write changes; `carried` loses a field once a value is typed.
BOOKKEEPING = {"rev", "updated_at", "updated_by", "carried"}
LOGS = {"audit", "revlog"}

Cell = tuple[str, str, int, str]  # (table, institution id or "", year, column)


@dataclass
class Clerk:
    window: MainWindow
    seed: int = 0
    merge_from: Path | None = None  # a township's file, offered to 合并其他文件
    years: tuple[int, ...] = ()  # the years to switch between (those with data)
    rng: random.Random = field(init=False)
    ledger: dict[Cell, Any] = field(default_factory=dict)
    done: list[list[tuple[Cell, Any, Any]]] = field(default_factory=list)
    undone: list[list[tuple[Cell, Any, Any]]] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    anomalies: list[str] = field(default_factory=list)
    said: list[str] = field(default_factory=list)  # message boxes the program showed

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        if not self.years:
            assert self.window.county is not None
            self.years = tuple(self.window.county.years())

    # ---- the program's dialogs, answered without blocking ------------------------------------

    def answer_dialogs(self, patch: Callable[[Any, str, Any], None]) -> None:
        """Message boxes noted and the file to merge named without a file dialog (`patch` is
        monkeypatch.setattr or setattr). The failing list and the merge dialog run modally as
        in use: the clerk works in them from inside their event loop (`_expect_dialog`)."""
        patch(dialogs, "open_file_name", lambda *_a: str(self.merge_from or ""))
        patch(dialogs, "error", lambda _p, title, text: self.said.append(f"{title}：{text}"))
        patch(dialogs, "info", lambda _p, title, text: self.said.append(f"{title}：{text}"))
        patch(dialogs, "confirm", lambda _p, title, text: self.said.append(title) or False)
        # Quitting with a refused entry still red: 放弃这些输入并退出 (the refusal was noted).
        patch(dialogs, "choose", lambda _p, title, *_a: self.said.append(title) or True)

    def _expect_dialog(self) -> None:
        QTimer.singleShot(0, self._in_dialog)

    def _in_dialog(self) -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QDialog):
            return  # the action opened none (nothing falls short, say)
        self.counts["dialogs"] += 1
        for view in dialog.findChildren(QAbstractItemView):
            if view.isVisible():
                view.scrollToBottom()
                view.viewport().grab()
        dialog.grab()
        if isinstance(dialog, FailingDialog) and dialog.model.rowCount() \
                and self.rng.random() < 0.5:
            # 转到该机构 by the keyboard: Enter on a row.
            dialog.activateWindow()
            dialog.view.setFocus()
            dialog.view.setCurrentIndex(dialog.model.index(
                self.rng.randrange(dialog.model.rowCount()), 0))
            self._key(dialog.view, Qt.Key.Key_Return)
        elif isinstance(dialog, MergeDialog):
            if dialog.model.rowCount():
                dialog.decide_all(self.rng.choice(("mine", "theirs", "newer")))
            bar = dialog.preview.verticalScrollBar()
            bar.setValue(bar.maximum())
            dialog.grab()
        elif not isinstance(dialog, FailingDialog):
            self.anomalies.append(f"unexpected dialog {dialog.windowTitle()}")
        if dialog.isVisible():
            dialog.reject()  # 取消 (a merge is previewed, never applied: the ledger stays exact)

    # ---- what the clerk does -------------------------------------------------------------------

    def act(self, name: str) -> None:
        self.counts[name] += 1
        getattr(self, name)()
        QApplication.processEvents()

    def random_action(self) -> str:
        names, weights = zip(*ACTIONS.items())
        name = self.rng.choices(names, weights)[0]
        self.act(name)
        return name

    def _tab(self) -> QWidget:
        return self.window.tabs.currentWidget()

    def _key(self, widget: QWidget, key: Qt.Key,
             modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        QTest.keyClick(widget, key, modifier)

    def switch_tab(self, index: int | None = None) -> None:
        tabs = self.window.tabs
        if index is None and self.rng.random() < 0.5:
            # Ctrl+Tab / Ctrl+Shift+Tab from wherever the focus is, as a clerk does.
            target = QApplication.focusWidget() or tabs
            if self.rng.random() < 0.5:
                self._key(target, Qt.Key.Key_Tab, CTRL)
            else:
                self._key(target, Qt.Key.Key_Backtab, CTRL | Qt.KeyboardModifier.ShiftModifier)
            return
        tabs.setCurrentIndex(self.rng.randrange(tabs.count()) if index is None else index)

    def scroll(self) -> None:
        """PgDn / PgUp through the tab's tables, or a drag of the scroll bar, and the screen
        drawn (every visible cell goes through the delegate's paint)."""
        for view in self._tab().findChildren(QAbstractItemView):
            if not view.isVisible():
                continue
            if self.rng.random() < 0.5 and view.model() is not None and view.model().rowCount():
                view.setFocus()
                if not view.currentIndex().isValid():
                    view.setCurrentIndex(view.model().index(0, 0))
                key = self.rng.choice((Qt.Key.Key_PageDown, Qt.Key.Key_PageUp, Qt.Key.Key_Down,
                                       Qt.Key.Key_Right, Qt.Key.Key_End))
                self._key(view, key, CTRL if key == Qt.Key.Key_End else
                          Qt.KeyboardModifier.NoModifier)
            else:
                bar = view.verticalScrollBar()
                bar.setValue(self.rng.randint(0, max(0, bar.maximum())))
            view.viewport().grab()

    def switch_year(self) -> None:
        box = self.window.year_box
        year = self.rng.choice(self.years)
        box.setCurrentIndex(box.findData(year))

    def failing_list(self) -> None:
        """总览: Enter on an indicator that falls short lists who falls short."""
        ctx = self.window.ctx
        assert ctx is not None
        ids = [r.id for r in ctx.evaluation.results
               if (r.failing or r.not_reported) and r.id not in ctx.county_level]
        self.window.tabs.setCurrentWidget(self.window.overview)
        if not ids:
            return
        wanted = self.rng.choice(ids)
        tab = self.window.overview
        for r in range(tab.proxy.rowCount()):
            if tab.proxy.index(r, 0).data(ROW_ROLE).get("indicator") == wanted:
                tab.view.setFocus()
                tab.view.setCurrentIndex(tab.proxy.index(r, 3))
                self._expect_dialog()
                self._key(tab.view, Qt.Key.Key_Return)
                return

    def merge_preview(self) -> None:
        """文件 → 合并其他文件: the township's file previewed, conflicts decided, then 取消."""
        if self.merge_from is None:
            return
        self._expect_dialog()
        next(a for a in self.window.findChildren(QAction)
             if a.text() == "合并其他文件(&M)…").trigger()

    # ---- edits ------------------------------------------------------------------------------

    def _edit_tab(self) -> TableTab:
        key = self.rng.choice(EDIT_TABS)
        tab = self.window.page(key)  # built when first asked for
        self.window.tabs.setCurrentWidget(tab)
        assert isinstance(tab, TableTab)
        return tab

    def _cell(self, tab: TableTab, view_row: int, key: str) -> Cell:
        row = tab.proxy.index(view_row, 0).data(ROW_ROLE)
        return ("institution_year", row["id"], self.window.year, key)

    def stored(self, cell: Cell) -> Any:
        """What the file holds for a cell now (read here, not through the tab)."""
        assert self.window.county is not None
        table, owner, year, key = cell
        assert key.isidentifier()  # one of the clerk's own column names
        conn = self.window.county.conn
        if table == "county_year":
            found = conn.execute(f"SELECT {key} FROM county_year WHERE year = ? AND deleted = 0",
                                 (year,)).fetchone()
        else:
            found = conn.execute(f"SELECT {key} FROM institution_year WHERE institution_id = ? "
                                 "AND year = ? AND deleted = 0", (owner, year)).fetchone()
        return found[0] if found else None

    def _did(self, planned: dict[Cell, Any], action: Callable[[], None], *,
             must_refuse: bool = False) -> None:
        """Run an action that may save `planned`; note what the program says it saved."""
        before = {cell: self.stored(cell) for cell in planned}
        steps = len(self.window.history.done)
        action()
        QApplication.processEvents()
        if len(self.window.history.done) == steps + 1:
            if must_refuse:
                self.anomalies.append(f"saved what should be refused: {planned}")
            self.done.append([(cell, before[cell], new) for cell, new in planned.items()])
            self.undone.clear()
            self.ledger.update(planned)
        elif len(self.window.history.done) != steps:
            self.anomalies.append(f"history went from {steps} to {len(self.window.history.done)}")

    def _view_row(self, tab: TableTab) -> int:
        return self.rng.randrange(tab.proxy.rowCount())

    def _count_text(self) -> tuple[str, int | None]:
        roll = self.rng.random()
        if roll < 0.1:
            return "", None
        value = self.rng.choice((0, 1, 2, 3, 5, 8, 12, 30, 120, 450, 3000, 12500))
        return (f"{value:,}" if roll > 0.9 else str(value)), value

    def type_count(self) -> None:
        """A count typed into a cell (a number, 1,234 as Excel shows it, or blank)."""
        tab = self._edit_tab()
        key = self.rng.choice([k for block in COUNT_BLOCKS[self._key_of(tab)] for k in block])
        text, value = self._count_text()
        row = self._view_row(tab)
        self._did({self._cell(tab, row, key): value}, lambda: self._type_into(tab, row, key, text))

    def type_mistake(self) -> None:
        """A minus sign, a word or a fraction typed into a count: refused, nothing saved."""
        tab = self._edit_tab()
        key = self.rng.choice([k for block in COUNT_BLOCKS[self._key_of(tab)] for k in block])
        row = self._view_row(tab)
        cell = self._cell(tab, row, key)
        self._did({cell: None}, lambda: self._type_into(tab, row, key, self.rng.choice(NOT_COUNTS)),
                  must_refuse=True)

    def choose(self) -> None:
        """A drop-down cell (中医馆 state, yes/no, grade) set from its list."""
        tab = self._edit_tab()
        keys = [c.key for c in tab.model.columns if c.editable and c.kind in ("bool", "choice")]
        key = self.rng.choice(keys)
        row = self._view_row(tab)
        index = tab.proxy.index(row, tab.model.column_index(key))
        tab.view.setCurrentIndex(index)
        tab.view.edit(index)
        combos = [c for c in tab.view.viewport().findChildren(QComboBox) if c.isVisible()]
        if not combos:
            self.anomalies.append(f"no drop-down for {key}")
            return
        combo = combos[-1]
        at = self.rng.randrange(combo.count())
        combo.setCurrentIndex(at)

        def commit() -> None:
            tab.view.commitData(combo)
            tab.view.closeEditor(combo, QAbstractItemDelegate.EndEditHint.NoHint)
        self._did({self._cell(tab, row, key): combo.itemData(at)}, commit)

    def paste_block(self) -> None:
        """Ctrl+V of a block copied from Excel (CRLF rows, tabs), sometimes with a bad cell."""
        tab = self._edit_tab()
        block = self.rng.choice(COUNT_BLOCKS[self._key_of(tab)])
        width = self.rng.randint(1, len(block))
        first = self.rng.randrange(len(block) - width + 1)
        keys = block[first:first + width]
        height = self.rng.randint(1, 4)
        top = self.rng.randrange(max(1, tab.proxy.rowCount() - height))
        texts = [[self._count_text() for _ in keys] for _ in range(height)]
        bad = self.rng.random() < 0.15
        if bad:
            r, c = self.rng.randrange(height), self.rng.randrange(width)
            texts[r][c] = (self.rng.choice(NOT_COUNTS), None)
        planned = {self._cell(tab, top + r, k): texts[r][c][1]
                   for r in range(height) for c, k in enumerate(keys)}
        QGuiApplication.clipboard().setText(
            "".join("\t".join(t for t, _v in row) + "\r\n" for row in texts))
        self._select(tab, top, keys[0], top, keys[0])

        def paste() -> None:
            tab.view.setFocus()
            self._key(tab.view, Qt.Key.Key_V, CTRL)
        self._did(planned, paste, must_refuse=bad)

    def clear_cells(self) -> None:
        """Delete on a selected block of counts: back to blank (未填报) in one step."""
        tab = self._edit_tab()
        block = self.rng.choice(COUNT_BLOCKS[self._key_of(tab)])
        keys = block[:self.rng.randint(1, len(block))]
        top = self._view_row(tab)
        bottom = min(tab.proxy.rowCount() - 1, top + self.rng.randint(0, 2))
        planned = {self._cell(tab, r, k): None for r in range(top, bottom + 1) for k in keys}
        self._select(tab, top, keys[0], bottom, keys[-1])

        def clear() -> None:
            tab.view.setFocus()
            self._key(tab.view, Qt.Key.Key_Delete)
        self._did(planned, clear)

    def county_figure(self) -> None:
        """全县情况: a figure typed into its box and Enter."""
        tab = self.window.county_tab
        self.window.tabs.setCurrentWidget(tab)
        key = self.rng.choice(COUNTY_FIGURES)
        value = self.rng.choice((None, 0, 1200, 56000, 83000, 120000, 356000, 480000))
        text = "" if value is None else str(value)
        box = tab.editors[key]
        box.setFocus()
        box.selectAll()
        assert isinstance(box, QLineEdit)

        def enter() -> None:
            QTest.keyClicks(box, text) if text else box.clear()
            self._key(box, Qt.Key.Key_Return)
            box.clearFocus()  # editingFinished once, whatever Enter did
        self._did({("county_year", "", self.window.year, key): value}, enter)

    def undo(self) -> None:
        self._replay(self.done, self.undone, "action_undo", Qt.Key.Key_Z, old=True)

    def redo(self) -> None:
        self._replay(self.undone, self.done, "action_redo", Qt.Key.Key_Y, old=False)

    def _replay(self, source: list, target: list, name: str, key: Qt.Key, *, old: bool) -> None:
        """Ctrl+Z / Ctrl+Y where the focus is, or 编辑 → 撤销/重做."""
        history = self.window.history
        before = (len(history.done), len(history.undone))
        if self.rng.random() < 0.5 and QApplication.focusWidget() is not None \
                and not isinstance(QApplication.focusWidget(), QLineEdit):
            self._key(QApplication.focusWidget(), key, CTRL)
        else:
            action = self.window.findChild(QAction, name)
            assert action is not None
            action.trigger()
        QApplication.processEvents()
        after = (len(history.done), len(history.undone))
        if after == before:
            return  # nothing to undo, or the file refused it (the tab says why)
        step = source.pop()
        target.append(step)
        for cell, was, new in step:
            self.ledger[cell] = was if old else new

    # ---- helpers ----------------------------------------------------------------------------

    def _key_of(self, tab: TableTab) -> str:
        return next(k for k, w in self.window.pages.items() if w is tab)

    def _select(self, tab: TableTab, top: int, left_key: str, bottom: int, right_key: str) -> None:
        left, right = tab.model.column_index(left_key), tab.model.column_index(right_key)
        tab.view.setCurrentIndex(tab.proxy.index(top, left))
        tab.view.selectionModel().select(
            QItemSelection(tab.proxy.index(top, left), tab.proxy.index(bottom, right)),
            QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def _type_into(self, tab: TableTab, row: int, key: str, text: str) -> None:
        index = tab.proxy.index(row, tab.model.column_index(key))
        tab.view.setCurrentIndex(index)
        tab.view.scrollTo(index)
        tab.view.edit(index)
        editors = [e for e in tab.view.viewport().findChildren(QLineEdit) if e.isVisible()]
        if not editors:
            self.anomalies.append(f"no editor for {key}")
            return
        editor = editors[-1]
        editor.setText(text)
        tab.view.commitData(editor)
        tab.view.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    # ---- a fixed round, for the leak test -----------------------------------------------------

    def round_trip(self) -> None:
        """Every tab drawn and scrolled; a count typed, undone, redone, undone; a block pasted
        and undone; cells cleared and undone; a county figure entered and undone; another year
        and back; a failing list and a merge preview. The file ends as it began."""
        for i in range(self.window.tabs.count()):
            self.switch_tab(i)
            QApplication.processEvents()
            self.scroll()
        year = self.window.year
        for act in ("type_count", "undo", "redo", "undo", "type_mistake", "choose", "undo",
                    "paste_block", "undo", "clear_cells", "undo", "county_figure", "undo"):
            self.act(act)
        self.act("switch_year")
        self.window.show_year(year)
        self.act("failing_list")
        self.act("merge_preview")
        self.window.show_year(year)


# How often a clerk does each thing (weights).
ACTIONS = {"switch_tab": 14, "scroll": 20, "type_count": 18, "type_mistake": 4, "choose": 6,
           "paste_block": 8, "clear_cells": 4, "county_figure": 3, "undo": 10, "redo": 5,
           "switch_year": 4, "failing_list": 3, "merge_preview": 1}


def township_with_conflict(county: Path, dest: Path) -> Path:
    """The first township's fill-in file, written from `county`, with one count then changed in
    both files differently: merging it back has a conflict to decide."""
    with CountyFile.open(county, daily_backup=False) as source:
        town = sorted({r["township"] for r in source.rows("institution") if r["township"]})[0]
        exchange.write_township_file(source, town, dest)
        year = max(source.years())
        row = next(r for r in source.institutions_in_year(year)
                   if r["township"] == town and r.get("physicians") is not None)
        source.set_institution_year(row["id"], year, {"physicians": row["physicians"] + 7})
    with CountyFile.open(dest, daily_backup=False) as theirs:
        theirs.set_institution_year(row["id"], year, {"physicians": row["physicians"] + 9})
    return dest


# ---- afterwards: does the file hold exactly the clerk's edits? ---------------------------------

def _tables(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name") if r[0] not in LOGS]


def _dump(path: Path) -> dict[tuple[str, str], dict[str, Any]]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        out: dict[tuple[str, str], dict[str, Any]] = {}
        for table in _tables(conn):
            cursor = conn.execute(f'SELECT * FROM "{table}"')
            names = [d[0] for d in cursor.description]
            key = "id" if "id" in names else names[0]
            for values in cursor:
                row = dict(zip(names, values))
                out[(table, str(row[key]))] = {k: v for k, v in row.items()
                                               if k not in BOOKKEEPING}
        return out
    finally:
        conn.close()


def differences(original: Path, final: Path, ledger: dict[Cell, Any]) -> list[str]:
    """What the final file holds that the clerk's ledger does not explain, or lacks: [] when
    it holds exactly the edits made."""
    before, after = _dump(original), _dump(final)
    expected = {k: dict(v) for k, v in before.items()}
    by_owner = {(v["institution_id"], v["year"]): k for k, v in before.items()
                if k[0] == "institution_year" and not v["deleted"]}
    county_year = {v["year"]: k for k, v in before.items()
                   if k[0] == "county_year" and not v["deleted"]}
    problems = []
    for (table, owner, year, column), value in ledger.items():
        key = county_year.get(year) if table == "county_year" else by_owner.get((owner, year))
        if key is None:
            problems.append(f"{table} {owner} {year}: no record to hold {column}")
            continue
        expected[key][column] = value
    for key in sorted(set(expected) | set(after)):
        want, got = expected.get(key), after.get(key)
        if want != got:
            if want is None or got is None:
                problems.append(f"{key}: {'added' if want is None else 'missing'}")
                continue
            for column in sorted(set(want) | set(got)):
                if want.get(column) != got.get(column):
                    problems.append(f"{key} {column}: expected {want.get(column)!r}, "
                                    f"file holds {got.get(column)!r}")
    return problems


def integrity(path: Path) -> str:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return "; ".join(r[0] for r in conn.execute("PRAGMA integrity_check"))
    finally:
        conn.close()
