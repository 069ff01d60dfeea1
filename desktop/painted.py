"""Work that can wait until a widget is on screen: the window shows the year's judgement first,
and what nobody reads in that first moment follows a frame later (总览's 上年 column, the
window's keys and screen fitting for the dialogs to come)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class _Painted(QObject):
    """Watches one widget until its next paint, then runs the work queued for it once the
    paint is done (a queued call made during the paint runs after it has reached the screen).
    It watches only that widget, and stops watching at its first paint."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.work: list[Callable[[], object]] = []
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self, self.run)
        return False

    def run(self) -> None:
        work, self.work = self.work, []
        parent = self.parent()
        if isinstance(parent, QWidget) and getattr(parent, "_after_paint", None) is self:
            parent._after_paint = None  # type: ignore[attr-defined]
        self.deleteLater()
        for job in work:
            job()


def after_paint(widget: QWidget, work: Callable[[], object]) -> None:
    """Run `work` just after `widget` is next painted; at once if it is not shown (nothing will
    paint it: a window built for a test, a tab behind another), so that what `work` does is
    never left undone. Work queued twice for the same paint runs in the order it was queued."""
    if not widget.isVisible():
        work()
        return
    pending = getattr(widget, "_after_paint", None)
    if not isinstance(pending, _Painted):
        pending = _Painted(widget)
        widget._after_paint = pending  # type: ignore[attr-defined]
    pending.work.append(work)
