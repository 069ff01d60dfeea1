"""全县情况: the county's own figures for the year, each saved as soon as it is entered."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (QDoubleSpinBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel,
                               QSpinBox, QVBoxLayout, QWidget)
from PySide6.QtCore import Signal

from db.errors import KnownError
from db.fields import label
from desktop.context import Context
from reports.judge.wording import format_target, format_value, status_text

# field, the indicator it feeds (shown beside it)
_FIELDS = (
    ("resident_population", "C5"),
    ("elderly_population", None),
    ("elderly_managed", "B5"),
    ("infant_population", None),
    ("infant_managed", "B6"),
    ("alliance_population", "B8"),
    ("satisfaction", "D10"),
)
EMPTY = -1  # a spin box at its minimum shows "未填"


class CountyTab(QWidget):
    changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.ctx: Context | None = None
        self.editors: dict[str, QSpinBox | QDoubleSpinBox] = {}
        self.results: dict[str, QLabel] = {}
        form = QFormLayout()
        for key, ind in _FIELDS:
            editor: QSpinBox | QDoubleSpinBox
            if key == "satisfaction":
                editor = QDoubleSpinBox()
                editor.setRange(EMPTY, 100)
                editor.setDecimals(1)
                editor.setSuffix(" %")
            else:
                editor = QSpinBox()
                editor.setRange(EMPTY, 99_999_999)
                editor.setGroupSeparatorShown(True)
            editor.setSpecialValueText("未填")
            editor.setMinimumWidth(160)
            editor.setObjectName(key)
            editor.setKeyboardTracking(False)
            editor.editingFinished.connect(lambda k=key: self._save(k))
            self.editors[key] = editor
            result = QLabel()
            result.setObjectName(f"result_{key}")
            self.results[key] = result
            row = QHBoxLayout()
            row.addWidget(editor)
            row.addWidget(result, 1)
            form.addRow(label("county_year", key), row)
        box = QGroupBox("全县情况（本年度）")
        box.setLayout(form)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setStyleSheet("color: #a40000;")
        self.message.setWordWrap(True)
        note = QLabel("每项填写后即保存。人口数以统计部门公布的常住人口为准；满意率填调查结果的百分数。")
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(box)
        layout.addWidget(self.message)
        layout.addWidget(note)
        layout.addStretch(1)

    def refresh(self, ctx: Context) -> None:
        self.ctx = ctx
        rows = ctx.county.rows("county_year", "year = ?", (ctx.year,))
        record = rows[0] if rows else {}
        for key, editor in self.editors.items():
            editor.blockSignals(True)
            value = record.get(key)
            if value is None:
                editor.setValue(EMPTY)
            elif key == "satisfaction":
                editor.setValue(round(value * 100, 1))
            else:
                editor.setValue(value)
            editor.blockSignals(False)
        self.message.clear()
        self.rejudged(ctx)

    def rejudged(self, ctx: Context) -> None:
        self.ctx = ctx
        for key, ind in _FIELDS:
            result = ctx.evaluation.result(ind) if ind else None
            text = ""
            if result is not None:
                text = (f"{ind} {result.name}：{format_value(result.kind, result.value)}"
                        f"（目标 {format_target(result.kind, result.target)}，"
                        f"{status_text(result)}）")
                if result.gap:
                    text += f" {result.gap}"
            self.results[key].setText(text)

    def _value(self, key: str) -> Any:
        editor = self.editors[key]
        if editor.value() == EMPTY:
            return None
        if key == "satisfaction":
            return round(editor.value() / 100, 4)
        return int(editor.value())

    def _save(self, key: str) -> None:
        if self.ctx is None:
            return
        value = self._value(key)
        rows = self.ctx.county.rows("county_year", "year = ?", (self.ctx.year,))
        if rows and rows[0].get(key) == value:
            return
        try:
            self.ctx.county.set_county_year(self.ctx.year, {key: value})
        except KnownError as exc:
            self.message.setText(f"未保存：{exc}")
            editor = self.editors[key]
            old = rows[0].get(key) if rows else None
            editor.blockSignals(True)
            editor.setValue(EMPTY if old is None else (old * 100 if key == "satisfaction" else old))
            editor.blockSignals(False)
            return
        self.message.clear()
        self.changed.emit()
