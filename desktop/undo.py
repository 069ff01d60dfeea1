"""撤销 / 重做: the changes a user makes to the open county file, one step per user action, kept
across tab switches and forgotten when another file is opened.

Every change is either a step or says it cannot be undone: an import, a merge, evidence added …
clear the history and 编辑 → 撤销 names the change that ended it, so Ctrl+Z never reaches behind
it to a step the clerk no longer has in mind.

Undoing writes the old values back as a normal edit (one transaction, in the audit log), so a
merge and the log see it like any other change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow


@dataclass
class Change:
    """One cell: the row as it was shown (its id, name, type …), the field, before and after."""

    row: dict[str, Any]
    key: str
    old: Any
    new: Any


# The key of a Change that adds (new=True) or removes (new=False) a whole record: undoing a
# 新增 tombstones the record, redoing it restores the same record (same id, same merge history).
EXISTS = "exists"


def added(row: dict[str, Any]) -> Change:
    """The Change of a record just added (its stored values, so the step names it)."""
    return Change(dict(row), EXISTS, False, True)


def removed(row: dict[str, Any]) -> Change:
    return Change(dict(row), EXISTS, True, False)


class Table(Protocol):
    """The tab a step was made in (desktop.tabs.base.TableTab), which writes it back."""

    def apply(self, changes: list[Change], what: str, *, year: int, record: bool = True) -> bool:
        ...


@dataclass
class Step:
    tab: Table
    year: int
    what: str  # 修改 中医类别医师数 / 粘贴 12 个单元格
    changes: list[Change]

    def reversed(self) -> list[Change]:
        return [Change(c.row, c.key, c.new, c.old) for c in self.changes]


# Steps kept for 撤销: a day's work and more (Excel keeps 100). Each holds the rows it changed,
# so the oldest are let go: hours of typing must not grow the window without end.
KEPT_STEPS = 500


class EditHistory(QObject):
    changed = Signal()
    replayed = Signal(object)  # the Step just undone or redone: the window shows where
    failed = Signal(object)  # the Step the file refused to write back: its tab says why
    refused = Signal(str)  # 撤销 asked after a change that cannot be undone: the sentence

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.done: list[Step] = []
        self.undone: list[Step] = []
        self.blocked: str | None = None  # the last change, when it cannot be undone
        # Asked first by 撤销: an entry typed but refused (still red in its cell, never saved)
        # is what the clerk means to take back, not the step before it. True: it was.
        self.discard_typed: Callable[[], bool] | None = None

    def push(self, step: Step) -> None:
        self.done.append(step)
        del self.done[:-KEPT_STEPS]
        self.undone.clear()
        self.blocked = None
        self.changed.emit()

    def clear(self) -> None:
        self.done.clear()
        self.undone.clear()
        self.blocked = None
        self.changed.emit()

    def cannot_undo(self, what: str) -> None:
        """A change that is not a step (an import, a merge, evidence added …): the steps before
        it are forgotten, as Excel forgets them after a macro, and 撤销 says why it does nothing
        (undoing an older step now could write over what this change brought in)."""
        self.done.clear()
        self.undone.clear()
        self.blocked = what
        self.changed.emit()

    def undo(self) -> bool:
        if self.discard_typed is not None and self.discard_typed():
            return False
        if not self.done and self.blocked:
            self.refused.emit(self.undo_text())
            return False
        return self._replay(self.done, self.undone, undo=True)

    def redo(self) -> bool:
        return self._replay(self.undone, self.done, undo=False)

    def _replay(self, source: list[Step], target: list[Step], *, undo: bool) -> bool:
        """Write the step's values back; a refusal (the record was deleted since, say) is shown
        by the tab and the step stays where it was."""
        if not source:
            return False
        step = source[-1]
        changes = step.reversed() if undo else step.changes
        if not step.tab.apply(changes, step.what, year=step.year, record=False):
            self.failed.emit(step)
            return False
        target.append(source.pop())
        self.changed.emit()
        self.replayed.emit(step)
        return True

    def undo_text(self) -> str:
        if self.done:
            return f"撤销 {self.done[-1].what}"
        return f"撤销（“{self.blocked}”不能撤销）" if self.blocked else "撤销"

    def redo_text(self) -> str:
        return f"重做 {self.undone[-1].what}" if self.undone else "重做"


def add_edit_menu(window: QMainWindow, history: EditHistory) -> None:
    """编辑(&E): 撤销 and 重做, named after what they will do (Ctrl+Z, Ctrl+Y / Ctrl+Shift+Z)."""
    menu = window.menuBar().addMenu("编辑(&E)")
    undo = QAction(window)  # (text, parent) would have the bindings load QIcon to choose
    undo.setText("撤销(&U)")
    undo.setObjectName("action_undo")
    undo.setShortcut(QKeySequence(QKeySequence.StandardKey.Undo))
    undo.triggered.connect(history.undo)
    redo = QAction(window)
    redo.setText("重做(&R)")
    redo.setObjectName("action_redo")
    redo.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])
    redo.triggered.connect(history.redo)
    menu.addAction(undo)
    menu.addAction(redo)

    def update() -> None:
        undo.setText(history.undo_text().replace("撤销", "撤销(&U)", 1))
        # After a change that cannot be undone the item stays on, so Ctrl+Z says why.
        undo.setEnabled(bool(history.done or history.blocked))
        redo.setText(history.redo_text().replace("重做", "重做(&R)", 1))
        redo.setEnabled(bool(history.undone))

    history.changed.connect(update)
    update()
