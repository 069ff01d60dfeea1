"""Work that can wait until a widget is on screen: the window shows the year's judgement first,
and what nobody reads in that first moment follows a frame later (总览's 上年 column).

The widget's own paintEvent says when it has been painted (`PaintQueue.painted`): an event filter
would do, but the first event it saw would have the bindings look through every kind of event
they know, a few milliseconds of the start for nothing."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget


class PaintQueue:
    """Work waiting for the next paint of `owner`, whose paintEvent calls `painted`."""

    def __init__(self, owner: QWidget) -> None:
        self.owner = owner
        self.work: list[Callable[[], object]] = []

    def add(self, work: Callable[[], object]) -> None:
        """Run `work` just after the owner is next painted; at once if it is not shown (nothing
        would paint it: a window built for a test, a tab behind another), so that it is never
        left undone. Work queued twice for the same paint runs in the order it was queued."""
        if not self.owner.isVisible():
            work()
            return
        self.work.append(work)

    def painted(self) -> None:
        """The owner has just been painted: the work waiting runs once the paint is on screen
        (a call queued during a paint runs after it)."""
        if self.work:
            QTimer.singleShot(0, self.owner, self._run)

    def _run(self) -> None:
        work, self.work = self.work, []
        for job in work:
            job()
