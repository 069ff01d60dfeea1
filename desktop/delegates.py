"""Editors by column kind: a drop-down for states and yes/no, plain text for counts, a date
typed or picked from a calendar."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (QAbstractItemDelegate, QComboBox, QLineEdit, QStyledItemDelegate,
                               QWidget)

if TYPE_CHECKING:  # in signatures only: their classes are loaded when a cell is first edited
    from PySide6.QtCore import QAbstractItemModel
    from PySide6.QtWidgets import QStyleOptionViewItem

from desktop.models import Column, RecordModel

Index = QModelIndex | QPersistentModelIndex
UNKNOWN = "（未填）"


def _column(index: Index) -> Column | None:
    model = index.model()
    while model is not None and not isinstance(model, RecordModel):
        source = getattr(model, "sourceModel", None)
        model = source() if source else None
    return model.columns[index.column()] if isinstance(model, RecordModel) else None


class PickBox(QComboBox):
    """A cell's drop-down whose list, once a value is picked from it (a click, or Enter in the
    open list), has the cell saved at once, as Excel's list does: an Esc after the pick (or a
    crash) no longer loses it. Arrows and typed letters on the closed box only move the choice;
    Enter or leaving the cell saves it, as before."""

    picked = Signal()

    def showPopup(self) -> None:  # noqa: N802 (Qt name)
        self._shown_at = self.currentIndex()
        super().showPopup()

    def hidePopup(self) -> None:  # noqa: N802 (Qt name)
        super().hidePopup()
        # Qt sets the picked item after hiding the list: look once it has.
        QTimer.singleShot(0, self, self._look)

    def _look(self) -> None:
        shown_at = getattr(self, "_shown_at", None)
        self._shown_at = None
        if shown_at is not None and self.currentIndex() != shown_at:
            self.picked.emit()


def _is_date_field(widget: object) -> bool:
    """Whether `widget` is a date cell's editor (none exists before the module is loaded)."""
    module = sys.modules.get("desktop.datefield")
    return module is not None and isinstance(widget, module.DateField)


class FieldDelegate(QStyledItemDelegate):
    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,  # noqa: N802
                     index: Index) -> QWidget:
        col = _column(index)
        if col is None:
            return super().createEditor(parent, option, index)
        if col.kind in ("bool", "choice"):
            combo = PickBox(parent)
            combo.picked.connect(self._save_picked)
            combo.addItem(UNKNOWN, None)
            options = {1: "是", 0: "否"} if col.kind == "bool" else col.choices
            for value, words in options.items():
                combo.addItem(words, value)
            return combo
        if col.kind == "int":
            # Plain text, read by the model: a minus sign or a word is refused with the reason
            # (a spin box would drop the minus and save 7 for −7), and a blank clears the count.
            edit = QLineEdit(parent)
            edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            edit.setPlaceholderText("未填")
            return edit
        if col.kind == "date":
            # Typed whole as in Excel, or picked from its calendar; read by the model, so a
            # date that does not exist is refused with the reason, never saved as another day.
            from desktop.datefield import DateField  # its calendar loaded when first edited

            field = DateField(col.label, parent)
            # A day clicked in a cell's calendar is the clerk's choice made: saved at once,
            # with no Enter or click elsewhere needed.
            field.picked.connect(self._save_picked)
            return field
        return super().createEditor(parent, option, index)

    def _save_picked(self) -> None:
        field = self.sender()
        if isinstance(field, PickBox) or _is_date_field(field):
            self.commitData.emit(field)
            self.closeEditor.emit(field, QAbstractItemDelegate.EndEditHint.NoHint)

    def updateEditorGeometry(self, editor: QWidget, option: QStyleOptionViewItem,  # noqa: N802
                             index: Index) -> None:
        super().updateEditorGeometry(editor, option, index)
        if _is_date_field(editor):
            # A narrow date column: the editor runs over the next cell, as an entry does in
            # Excel, so the date typed shows whole beside the calendar icon.
            editor.resize(max(editor.width(), editor.sizeHint().width()), editor.height())

    def setEditorData(self, editor: QWidget, index: Index) -> None:  # noqa: N802
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, QComboBox):
            at = editor.findData(value)
            editor.setCurrentIndex(max(at, 0))
        elif _is_date_field(editor) or (
                isinstance(editor, QLineEdit) and (col := _column(index)) is not None
                and col.kind == "int"):
            editor.setText("" if value is None else str(value))
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel,  # noqa: N802
                     index: Index) -> None:
        value: Any
        if isinstance(editor, QComboBox):
            value = editor.currentData()
        elif isinstance(editor, QLineEdit):
            value = editor.text()  # the model reads it by the column's kind (a date too)
        else:
            super().setModelData(editor, model, index)
            return
        model.setData(index, value, Qt.ItemDataRole.EditRole)
