"""The institutions behind one unmet indicator, each with its own figure and what it lacks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QHeaderView, QLabel,
                               QTableView, QVBoxLayout, QWidget)

from db.vocab import institution_key, pinyin_key
from desktop.models import Column, RecordModel
from reports.judge.results import Failing, Result
from reports.judge.wording import format_target, format_value, own_figure, status_text


class FailingDialog(QDialog):
    jump = Signal(str)  # institution id

    def __init__(self, result: Result, parent: QWidget | None = None, *,
                 institutions: dict[str, dict[str, Any]] | None = None,
                 relabel: Callable[[str], str] = str, cited: str | None = None) -> None:
        """`institutions`: the year's facts by id, to list them as the register reads
        (townships in pinyin order, then type and name) and say each one's own figure in
        words as the report does (中医馆未建, 未接入, 2类5项); `relabel`: the county's own words;
        `cited`: the indicator as the file's standard names it (二（三）3 中医阁设置率), else
        its name alone."""
        super().__init__(parent)
        cited = cited or result.name
        self.setWindowTitle(cited)
        self.resize(840, 460)
        known = institutions or {}

        def town(f: Failing) -> str:
            return (known.get(f.institution_id) or {}).get("township") or ""

        def register(f: Failing) -> tuple[Any, ...]:
            inst = known.get(f.institution_id) or {"name": f.institution}
            return (pinyin_key(town(f)), institution_key(inst))
        value = format_value(result.kind, result.value, result.marks)
        if result.statistic:
            # Counted, not judged (不计分): no 达标 to say, a reference target at most.
            reference = (f"（参考 {format_target(result.kind, result.target)}）" if result.target
                         else "")
            head = QLabel(f"<b>{cited}</b>：{value}，只统计，不计分{reference}。")
        else:
            head = QLabel(
                f"<b>{cited}</b>：{value}，"
                f"目标 {format_target(result.kind, result.target)}，{status_text(result)}。"
                + (f"<br>{result.gap}" if result.gap else ""))
        head.setWordWrap(True)
        self.model = RecordModel([
            Column("township", "乡镇（街道）", width=110),
            Column("institution", "机构", width=240),
            Column("value_text", "本机构数值", width=110),
            Column("gap", "还差什么", width=300),
        ], parent=self)
        def figure(f: Failing) -> str:
            return relabel(own_figure(result.id, f.value, known.get(f.institution_id) or {}))

        # Those that fall short first, then those that have not reported (marked as such).
        self.model.set_rows([
            {"id": f.institution_id, "institution": f.institution, "gap": f.gap or "",
             "township": town(f), "value_text": figure(f)}
            for f in sorted(result.failing, key=register)
        ] + [
            {"id": f.institution_id, "institution": f.institution, "gap": f.gap or "",
             "township": town(f), "value_text": "未填报"}
            for f in sorted(result.not_reported, key=register)
        ])
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setStretchLastSection(True)
        for i, col in enumerate(self.model.columns):
            self.view.setColumnWidth(i, col.width)
        self.view.doubleClicked.connect(self._jump)
        n, w = len(result.failing), len(result.not_reported)
        if result.statistic:
            text = ("只统计，不判断达标，也没有整改要求。"
                    + (f"上表 {n} 家未达到参考值，仅供参考。" if n else "")
                    + (f"未填报 {w} 家。" if w else ""))
        elif not n and not w:
            text = "全部达标，没有需要整改的机构。"
        else:
            text = (f"未达标 {n} 家" if n else "没有未达标的机构") + (f"，未填报 {w} 家" if w else "")
            text += "。双击一行（或选中后点“转到该机构”）可在对应页面中找到它。"
        note = QLabel(text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.go = buttons.addButton("转到该机构(&J)", QDialogButtonBox.ButtonRole.ActionRole)
        self.go.clicked.connect(self._jump)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(self.view, 1)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt name)
        # Enter on a row goes to it, as a double-click does (not the dialog's default button).
        if (event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.view.hasFocus()
                and self.view.currentIndex().isValid()):
            self._jump()
            return
        super().keyPressEvent(event)

    def _jump(self) -> None:
        index = self.view.currentIndex()
        if index.isValid():
            self.jump.emit(self.model.rows[index.row()]["id"])
            self.accept()
