"""全县情况: the county's own figures for the year, each saved as soon as it is entered, each
entry one step of 撤销 / 重做 (written back through the same checks as typing)."""

from __future__ import annotations

from typing import Any

import unicodedata

from PySide6.QtWidgets import (QFormLayout, QGroupBox, QHBoxLayout, QLabel,
                               QLineEdit, QVBoxLayout, QWidget)
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence

from db.errors import KnownError
from db.fields import label
from desktop.context import Context
from desktop.models import parse_count
from desktop.undo import Change, EditHistory, Step
from reports.excel.vocab import BadValue, read_share
from reports.judge.wording import format_target, format_value, percent, status_text

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
# Survey shares, typed as percentages (28, 28%, ２８％) and read by the importer's own rule for a
# typed share: the schema lets either be anything from 0 to 100%, so 0.28 is asked about.
_PERCENT = {"satisfaction", "tcm_literacy"}
SHARE_DIGITS = 4  # percent digits a stored share keeps (read_share rounds to 6 of the fraction)
# The row a step's changes name: the county's figures are one record per year.
FIGURES = {"id": "county_year", "name": "全县情况"}


class CountyTab(QWidget):
    changed = Signal()
    history: EditHistory | None = None  # the window's 撤销 / 重做, shared by its tabs

    def __init__(self) -> None:
        super().__init__()
        self.ctx: Context | None = None
        self.editors: dict[str, QLineEdit] = {}
        self.results: dict[str, QLabel] = {}
        form = QFormLayout()
        for key, ind in _FIELDS:
            # Plain text: a minus sign or a word is refused with the reason, blank is 未填.
            editor = QLineEdit()
            editor.setPlaceholderText("未填（百分数，如 28 或 28%）" if key in _PERCENT else "未填")
            editor.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            editor.setMinimumWidth(160)
            editor.setObjectName(key)
            editor.editingFinished.connect(lambda k=key: self._save(k))
            editor.installEventFilter(self)  # Ctrl+Z on a saved figure is the window's 撤销
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

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        """A box keeps Ctrl+Z / Ctrl+Y for its own typing; once what was typed is saved it has
        none, and the keys go to the window's 撤销 / 重做 (as in a table) instead of nowhere."""
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            undo = event.matches(QKeySequence.StandardKey.Undo)
            redo = event.matches(QKeySequence.StandardKey.Redo) or (
                event.key() == Qt.Key.Key_Y
                and event.modifiers() == Qt.KeyboardModifier.ControlModifier)
            if undo or redo:
                own = (watched.isUndoAvailable() if undo else watched.isRedoAvailable()) \
                    if isinstance(watched, QLineEdit) else False
                if not own:
                    return True  # not taken by the box: the shortcut fires
        return super().eventFilter(watched, event)

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
                name = ctx.cite(ind, result.name)
                target = f"目标 {format_target(result.kind, result.target)}"
                # 无数据 once: with no value there is nothing to say it against yet.
                said = (f"无数据（{target}）" if result.value is None else
                        f"{format_value(result.kind, result.value, result.marks)}（{target}，"
                        f"{status_text(result)}）")
                text = f"{name}：{said}"
                if result.gap:
                    text += f" {result.gap}"
            self.results[key].setText(text)

    def _show(self, key: str, value: Any) -> None:
        editor = self.editors[key]
        editor.blockSignals(True)
        if value is None:
            editor.setText("")
        elif key in _PERCENT:
            editor.setText(percent(value, SHARE_DIGITS))  # all the digits kept: 28.56%
        else:
            editor.setText(f"{value:,}")
        editor.blockSignals(False)

    def _value(self, key: str) -> Any:
        """What the editor holds; ValueError with the reason when it is not a count or a
        percentage (0.28 is asked about: 0.28% or 28%?)."""
        text = unicodedata.normalize("NFKC", self.editors[key].text()).strip()
        if not text:
            return None
        if key in _PERCENT:
            try:
                return read_share(text, typed=True)
            except BadValue as exc:
                raise ValueError(str(exc)) from None
        return parse_count(text)

    def _save(self, key: str) -> None:
        if self.ctx is None:
            return
        old = self._stored(self.ctx.year).get(key)
        try:
            value = self._value(key)
        except ValueError as exc:
            self.message.setText(f"未保存：{label('county_year', key)}：{exc}")
            self._show(key, old)
            return
        if value == old:
            self._show(key, old)  # 1234 typed shows as 1,234
            return
        self.apply([Change(dict(FIGURES), key, old, value)],
                   f"修改 {label('county_year', key)}", year=self.ctx.year)

    def _stored(self, year: int) -> dict[str, Any]:
        assert self.ctx is not None
        rows = self.ctx.county.rows("county_year", "year = ?", (year,))
        return rows[0] if rows else {}

    def apply(self, changes: list[Change], what: str, *, year: int, record: bool = True) -> bool:
        """Write figures of `year` in one transaction (an entry, or 撤销 / 重做 of one); a
        refusal is said under the form and the boxes show what the file holds."""
        assert self.ctx is not None
        try:
            self.ctx.county.set_county_year(year, {c.key: c.new for c in changes})
        except KnownError as exc:
            self.message.setText(f"未保存：{exc}")
            if year == self.ctx.year:
                stored = self._stored(year)
                for c in changes:
                    self._show(c.key, stored.get(c.key))
            return False
        if year == self.ctx.year:
            for c in changes:
                self._show(c.key, c.new)
        if record and self.history is not None:
            self.history.push(Step(self, year, what, changes))
        self.message.clear()
        self.changed.emit()
        return True

    def select_cell(self, record_id: str, key: str) -> None:
        """Show the figure an undo or redo just changed."""
        editor = self.editors.get(key)
        if editor is not None:
            editor.setFocus()

    def focus_indicator(self, indicator_id: str) -> None:
        """The figure an indicator is computed from, ready to type (from 达标路径)."""
        key = next((k for k, ind in _FIELDS if ind == indicator_id), None)
        if key is not None:
            self.select_cell("county_year", key)
