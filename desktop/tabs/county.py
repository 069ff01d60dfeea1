"""全县情况: the county's own figures for the year, each saved as soon as it is entered."""

from __future__ import annotations

from typing import Any

import unicodedata

from PySide6.QtWidgets import (QDoubleSpinBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel,
                               QLineEdit, QVBoxLayout, QWidget)
from PySide6.QtCore import Qt, Signal

from db.errors import KnownError
from db.fields import label
from desktop.context import Context
from desktop.models import parse_count
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
    ("tcm_literacy", "D11"),
)
_PERCENT = {"satisfaction", "tcm_literacy"}  # survey shares, entered as percentages
EMPTY = -1  # a percentage box at its minimum shows "未填"


class CountyTab(QWidget):
    changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.ctx: Context | None = None
        self.editors: dict[str, QLineEdit | QDoubleSpinBox] = {}
        self.results: dict[str, QLabel] = {}
        form = QFormLayout()
        for key, ind in _FIELDS:
            editor: QLineEdit | QDoubleSpinBox
            if key in _PERCENT:
                editor = QDoubleSpinBox()
                editor.setRange(EMPTY, 100)
                editor.setDecimals(1)
                editor.setSuffix(" %")
                editor.setSpecialValueText("未填")
                editor.setKeyboardTracking(False)
            else:
                # Plain text: a minus sign or a word is refused with the reason, blank is 未填.
                editor = QLineEdit()
                editor.setPlaceholderText("未填")
                editor.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            editor.setMinimumWidth(160)
            editor.setObjectName(key)
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
        note = QLabel("每项填写后即保存。人口数以统计部门公布的常住人口为准；满意率、中医药健康文化素养水平填调查结果的百分数。")
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
            self._show(key, record.get(key))
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

    def _show(self, key: str, value: Any) -> None:
        editor = self.editors[key]
        editor.blockSignals(True)
        if isinstance(editor, QLineEdit):
            editor.setText("" if value is None else f"{value:,}")
        else:
            editor.setValue(EMPTY if value is None else round(value * 100, 1))
        editor.blockSignals(False)

    def _value(self, key: str) -> Any:
        """What the editor holds; ValueError with the reason when it is not a count."""
        editor = self.editors[key]
        if isinstance(editor, QLineEdit):
            text = unicodedata.normalize("NFKC", editor.text()).strip()
            return parse_count(text) if text else None
        if editor.value() == EMPTY:
            return None
        return round(editor.value() / 100, 4)

    def _save(self, key: str) -> None:
        if self.ctx is None:
            return
        rows = self.ctx.county.rows("county_year", "year = ?", (self.ctx.year,))
        old = rows[0].get(key) if rows else None
        try:
            value = self._value(key)
            if value == old:
                self._show(key, old)  # 1234 typed shows as 1,234
                return
            self.ctx.county.set_county_year(self.ctx.year, {key: value})
        except (KnownError, ValueError) as exc:
            reason = str(exc) if isinstance(exc, KnownError) else f"{label('county_year', key)}：{exc}"
            self.message.setText(f"未保存：{reason}")
            self._show(key, old)
            return
        self._show(key, value)
        self.message.clear()
        self.changed.emit()
