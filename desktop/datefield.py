"""A date field for dialogs and table cells: typed as in Excel or WPS, or picked from a calendar.

QDateEdit edits a date section by section, and what it makes of a date typed whole depends on
the section the cursor is in: 2024-11-15 typed over its year became 2024-01-11, and 20241115 or
2024/11/15 were dropped without a word. Here the text stays as typed until it is read
(desktop.models.parse_date), so a date is saved as typed or refused with the reason.
"""

from __future__ import annotations

from PySide6.QtCore import QDate, QPoint, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFocusEvent, QIcon, QKeyEvent, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QCalendarWidget, QLineEdit, QWidget

from db.errors import ValidationError
from db.vocab import YEAR_MAX, YEAR_MIN
from desktop.models import parse_date

ISO = "yyyy-MM-dd"


def _calendar_icon() -> QIcon:
    """A small calendar page: the button that opens the calendar."""
    ink = QColor("#4a5560")
    pixmap = QPixmap(32, 32)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(QPen(ink, 2))
    p.drawRoundedRect(QRectF(4, 7, 24, 21), 2, 2)
    p.fillRect(QRectF(4, 7, 24, 6), ink)
    p.drawLine(10, 3, 10, 9)
    p.drawLine(22, 3, 22, 9)
    for row in range(2):
        for col in range(3):
            p.fillRect(QRectF(8 + col * 6.5, 16 + row * 5.5, 4, 3.5), ink)
    p.end()
    return QIcon(pixmap)


class DateField(QLineEdit):
    """A date typed whole (2024-11-15, 2024/11/15, 2024.11.15, 20241115, 2024年11月15日) or
    picked from the calendar: the button at its right end, Alt+↓ or F4. `label` names the
    field in a refusal."""

    picked = Signal()  # a day was chosen in the calendar (a table's cell saves it at once)

    def __init__(self, label: str = "日期", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = label
        self.setPlaceholderText("年-月-日")
        self.setToolTip("可输入 2026-03-31、2026/3/31、2026.3.31、20260331 或 2026年3月31日；"
                        "点右端的日历图标（或按 Alt+↓）可从日历中选择。")
        self.picker = self.addAction(_calendar_icon(), QLineEdit.ActionPosition.TrailingPosition)
        self.picker.setToolTip("从日历中选择日期（Alt+↓）")
        self.picker.triggered.connect(self.pick)
        # Read once typed (Enter, Tab, a click elsewhere): shown as it will be saved.
        self.editingFinished.connect(self._tidy)
        # The last date it held that could be read (as the clerk came to it, or once typed):
        # the calendar opens there when what is typed now cannot be.
        self._known = QDate()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        """Wide enough for a date typed the longest way and the calendar icon beside it (a
        table's narrow date column gives its editor this width)."""
        hint = super().sizeHint()
        text = self.fontMetrics().horizontalAdvance("2024年12月31日")
        return QSize(text + hint.height() + 16, hint.height())

    def setDate(self, date: QDate) -> None:  # noqa: N802 (as QDateEdit names it)
        self.setText(date.toString(ISO) if date.isValid() else "")
        self._remember()

    def value(self) -> str | None:
        """The date as stored (2024-11-15), None when blank; ValidationError says why not."""
        if not self.text().strip():
            return None
        try:
            return parse_date(self.text()).isoformat()
        except ValueError as exc:
            raise ValidationError(f"{self.label}：{exc}", label=self.label) from None

    def _read(self) -> QDate:
        """The date typed, or an invalid QDate when blank or unreadable."""
        try:
            value = self.value()
        except ValidationError:
            return QDate()
        return QDate.fromString(value, ISO) if value else QDate()

    def _remember(self) -> None:
        date = self._read()
        if date.isValid():
            self._known = date

    def _tidy(self) -> None:
        # Shown as stored (20241115 → 2024-11-15); what cannot be read is left as typed, for
        # the refusal to name when the clerk saves.
        date = self._read()
        if date.isValid() and date.toString(ISO) != self.text():
            self.setDate(date)
        self._remember()

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 (Qt name)
        super().focusInEvent(event)
        self._remember()
        # Reached by the keyboard or as the dialog opens: the date is selected, so a date typed
        # replaces it (a click puts the cursor where it was clicked, to correct one digit).
        if event.reason() != Qt.FocusReason.MouseFocusReason:
            self.selectAll()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt name)
        # As in QDateEdit and a drop-down: Alt+↓ or F4 opens the calendar.
        if (event.key() == Qt.Key.Key_Down and event.modifiers()
                == Qt.KeyboardModifier.AltModifier) or (
                event.key() == Qt.Key.Key_F4
                and event.modifiers() == Qt.KeyboardModifier.NoModifier):
            self.pick()
            return
        super().keyPressEvent(event)

    def pick(self) -> None:
        """Open the calendar under the field at the date typed; if it cannot be read, at the
        last date that could (or today)."""
        shown = self._read()
        if not shown.isValid():
            shown = self._known if self._known.isValid() else QDate.currentDate()
        # A child of the field: a table cell's editor stays open while the calendar has focus.
        calendar = QCalendarWidget(self)
        calendar.setWindowFlags(Qt.WindowType.Popup)
        calendar.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        calendar.setDateRange(QDate(YEAR_MIN, 1, 1), QDate(YEAR_MAX, 12, 31))
        calendar.setSelectedDate(shown)
        calendar.clicked.connect(self._picked)
        calendar.activated.connect(self._picked)  # Enter on a day
        calendar.adjustSize()
        at = self.mapToGlobal(QPoint(0, self.height()))
        screen = self.screen().availableGeometry()
        size = calendar.sizeHint()
        if at.y() + size.height() > screen.bottom():
            at.setY(self.mapToGlobal(QPoint(0, 0)).y() - size.height())  # above, as a combo
        at.setX(max(screen.left(), min(at.x(), screen.right() - size.width())))
        calendar.move(at)
        calendar.show()
        calendar.setFocus(Qt.FocusReason.PopupFocusReason)

    def _picked(self, date: QDate) -> None:
        self.setDate(date)
        calendar = self.sender()
        if isinstance(calendar, QCalendarWidget):
            calendar.close()
        self.setFocus(Qt.FocusReason.PopupFocusReason)
        self.selectAll()
        self.picked.emit()
