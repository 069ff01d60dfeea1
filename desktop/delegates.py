"""Editors by column kind: a drop-down for states and yes/no, a spin box for counts, a date picker."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractItemModel, QDate, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (QComboBox, QDateEdit, QSpinBox, QStyledItemDelegate,
                               QStyleOptionViewItem, QWidget)

from desktop.models import Column, RecordModel

Index = QModelIndex | QPersistentModelIndex
MAX_COUNT = 99_999_999
UNKNOWN = "（未填）"


def _column(index: Index) -> Column | None:
    model = index.model()
    while model is not None and not isinstance(model, RecordModel):
        source = getattr(model, "sourceModel", None)
        model = source() if source else None
    return model.columns[index.column()] if isinstance(model, RecordModel) else None


class FieldDelegate(QStyledItemDelegate):
    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,  # noqa: N802
                     index: Index) -> QWidget:
        col = _column(index)
        if col is None:
            return super().createEditor(parent, option, index)
        if col.kind in ("bool", "choice"):
            combo = QComboBox(parent)
            combo.addItem(UNKNOWN, None)
            options = {1: "是", 0: "否"} if col.kind == "bool" else col.choices
            for value, words in options.items():
                combo.addItem(words, value)
            return combo
        if col.kind == "int":
            spin = QSpinBox(parent)
            spin.setRange(0, MAX_COUNT)
            spin.setGroupSeparatorShown(True)
            return spin
        if col.kind == "date":
            edit = QDateEdit(parent)
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setDateRange(QDate(2000, 1, 1), QDate(2100, 12, 31))
            return edit
        return super().createEditor(parent, option, index)

    def setEditorData(self, editor: QWidget, index: Index) -> None:  # noqa: N802
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, QComboBox):
            at = editor.findData(value)
            editor.setCurrentIndex(max(at, 0))
        elif isinstance(editor, QSpinBox):
            editor.setValue(int(value or 0))
        elif isinstance(editor, QDateEdit):
            date = QDate.fromString(str(value), "yyyy-MM-dd") if value else QDate.currentDate()
            editor.setDate(date)
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel,  # noqa: N802
                     index: Index) -> None:
        value: Any
        if isinstance(editor, QComboBox):
            value = editor.currentData()
        elif isinstance(editor, QSpinBox):
            value = editor.value()
        elif isinstance(editor, QDateEdit):
            value = editor.date().toString("yyyy-MM-dd")
        else:
            super().setModelData(editor, model, index)
            return
        model.setData(index, value, Qt.ItemDataRole.EditRole)
