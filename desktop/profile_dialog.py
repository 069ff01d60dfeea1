"""目标设置: choose the profile that judges the county, copy one, and change its targets."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox,
                               QFormLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QPushButton, QTableView, QVBoxLayout, QWidget)

from db.county import CountyFile
from db.errors import KnownError
from db.vocab import HOSPITAL_GRADES
from desktop import dialogs
from desktop.delegates import FieldDelegate
from desktop.models import Column, RecordModel
from reports.judge import profiles, standard
from reports.judge.catalogue import CATALOGUE
from reports.judge.profiles import LABEL_TERMS, Profile
from reports.judge.wording import format_target

_OPS = {">=": "≥", "<=": "≤", "==": "=", "between": "区间"}
_NUMBER = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(%?)\s*$")


def parse_number(text: str, kind: str) -> float:
    """'75%', '75' or '0.75' for a share; a plain number otherwise."""
    match = _NUMBER.match(str(text).replace("％", "%"))
    if not match:
        raise KnownError(f"“{text}”不是数字。")
    value = float(match.group(1))
    if kind == "share" and (match.group(2) or value > 1):
        value /= 100
    return round(value, 6)


def threshold_text(threshold: dict[str, Any]) -> str:
    if "categories" in threshold or "items" in threshold:
        return f"{threshold.get('categories', 0)}类{threshold.get('items', 0)}项"
    if "share" in threshold:
        return f"{threshold['share'] * 100:g}%"
    if "count" in threshold:
        return f"{threshold['count']}"
    if "hall_states" in threshold:
        words = {"built": "已建", "standard": "达标", "upgraded": "提档升级"}
        return "、".join(words[s] for s in threshold["hall_states"])
    if "min_grade" in threshold:
        return f"{HOSPITAL_GRADES[threshold['min_grade']]}及以上"
    return ""


def parse_threshold(text: str, current: dict[str, Any]) -> dict[str, Any]:
    text = text.strip()
    if "categories" in current or "items" in current:
        m = re.fullmatch(r"(\d+)\s*类\s*(\d+)\s*项", text)
        if not m:
            raise KnownError(f"适宜技术要求应写成“6类10项”的样子，收到“{text}”。")
        return {"categories": int(m.group(1)), "items": int(m.group(2))}
    if "share" in current:
        return {"share": parse_number(text, "share")}
    if "count" in current:
        if not text.isdigit():
            raise KnownError(f"最少次数应为整数，收到“{text}”。")
        return {"count": int(text)}
    if "hall_states" in current:
        words = {"已建": "built", "已建未达标": "built", "达标": "standard", "提档升级": "upgraded"}
        states = [words.get(w.strip()) for w in re.split(r"[、,，/]", text) if w.strip()]
        if not states or None in states:
            raise KnownError("中医馆达标状态应从“已建、达标、提档升级”中选择，用顿号分隔。")
        return {"hall_states": states}
    if "min_grade" in current:
        word = text.removesuffix("及以上").strip()
        grade = next((k for k, v in HOSPITAL_GRADES.items() if v == word), None)
        if grade is None:
            raise KnownError("医院等级应从“" + "、".join(HOSPITAL_GRADES.values()) + "”中选择。")
        return {"min_grade": grade}
    raise KnownError("该指标没有机构达标条件。")


class ProfileDialog(QDialog):
    profile_changed = Signal()

    def __init__(self, county: CountyFile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.county = county
        self.setWindowTitle("目标设置")
        self.resize(900, 640)
        self.chooser = QComboBox()
        self.chooser.currentIndexChanged.connect(lambda _i: self._show_profile())
        self.use_button = QPushButton("设为本县采用的方案")
        self.use_button.clicked.connect(self._use)
        copy_button = QPushButton("复制为新方案…")
        copy_button.clicked.connect(self._copy)
        self.delete_button = QPushButton("删除方案")
        self.delete_button.clicked.connect(self._delete)
        top = QHBoxLayout()
        top.addWidget(QLabel("方案："))
        top.addWidget(self.chooser, 1)
        top.addWidget(self.use_button)
        top.addWidget(copy_button)
        top.addWidget(self.delete_button)
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.model = RecordModel([
            Column("on", "考核", "bool", True, width=50),
            Column("id", "编号", width=45),
            Column("name", "指标", width=220),
            Column("op", "比较", "choice", True, _OPS, width=60),
            Column("value", "目标值", editable=True, width=80),
            Column("high", "上限（区间）", editable=True, width=90),
            Column("threshold", "机构达标条件", editable=True, width=130),
            Column("shown", "现行目标", width=100),
        ], writer=self._write, parent=self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setItemDelegate(FieldDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        for i, col in enumerate(self.model.columns):
            self.table.setColumnWidth(i, col.width)
        self.labels: dict[str, QLineEdit] = {}
        label_form = QFormLayout()
        for term in LABEL_TERMS:
            edit = QLineEdit()
            edit.setPlaceholderText(term)
            edit.editingFinished.connect(lambda t=term: self._rename(t))
            self.labels[term] = edit
            label_form.addRow(f"“{term}”在本县称为", edit)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setStyleSheet("color: #a40000;")
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.state)
        layout.addWidget(self.table, 1)
        layout.addLayout(label_form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self._fill_chooser(profiles.active_profile(county).id)

    # ---- which profile --------------------------------------------------------------------

    def _fill_chooser(self, select: str) -> None:
        self.chooser.blockSignals(True)
        self.chooser.clear()
        active = profiles.active_profile(self.county).id
        for p in profiles.list_profiles(self.county):
            mark = "（本县采用）" if p.id == active else ""
            kind = "内置" if p.builtin else "本县自定"
            self.chooser.addItem(f"{p.name}　[{kind}]{mark}", p.id)
        self.chooser.setCurrentIndex(max(0, self.chooser.findData(select)))
        self.chooser.blockSignals(False)
        self._show_profile()

    def current(self) -> Profile:
        return profiles.get_profile(self.county, self.chooser.currentData())

    def _show_profile(self) -> None:
        profile = self.current()
        active = profiles.active_profile(self.county).id
        self.use_button.setEnabled(profile.id != active)
        self.delete_button.setEnabled(not profile.builtin)
        # The same line on the score's basis as 总览 and the report print beside the score.
        basis = standard.for_county(self.county).basis_line
        self.state.setText(
            (profile.description or "") + f"\n{basis}"
            + ("\n内置方案只能查看；要修改请先“复制为新方案”。"
               if profile.builtin else "\n修改后立即保存在本县数据文件中。"))
        rows = []
        for ind in CATALOGUE:
            s = profile.setting(ind.id)
            t = s.target
            rows.append({
                "id": ind.id, "name": profile.relabel(ind.name), "kind": ind.kind, "on": int(s.on),
                "op": t.op if t else None,
                "value": "" if t is None else _fmt(t.low if t.op == "between" else t.value,
                                                   ind.kind),
                "high": _fmt(t.high, ind.kind) if t and t.op == "between" else "",
                "threshold": threshold_text(s.threshold),
                "raw_threshold": s.threshold,
                "shown": format_target(ind.kind, t),
            })
        # The standard's items judged from tasks and the register (规划, 联席会议 …): a county
        # switches off one that does not apply to it.
        for item in standard.for_county(self.county).items:
            if item.indicator is None:
                rows.append({"id": item.id, "name": item.text, "kind": "item", "item": True,
                             "on": int(profile.item_on(item.id)), "op": None, "value": "",
                             "high": "", "threshold": "", "raw_threshold": {},
                             "shown": "按任务与佐证" if item.by == "document" else "按机构名册"})
        self.model.writer = None if profile.builtin else self._write
        self.model.set_rows(rows)
        for term, edit in self.labels.items():
            edit.setText(profile.labels.get(term, ""))
            edit.setReadOnly(profile.builtin)

    def _use(self) -> None:
        self._apply(lambda: profiles.set_active(self.county, self.chooser.currentData()))
        self._fill_chooser(self.chooser.currentData())

    def _copy(self) -> None:
        source = self.current()
        dialog = QDialog(self)
        dialog.setWindowTitle("复制为新方案")
        name = QLineEdit(f"{source.name}（本县）")
        form = QFormLayout(dialog)
        form.addRow("新方案名称", name)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
        box.accepted.connect(dialog.accept)
        box.rejected.connect(dialog.reject)
        form.addRow(box)
        dialog.name_edit = name  # type: ignore[attr-defined]  # for tests
        if dialogs.exec_dialog(dialog):
            made: list[Profile] = []
            if self._apply(lambda: made.append(
                    profiles.copy_profile(self.county, source.id, name.text().strip()))):
                self._fill_chooser(made[0].id)

    def _delete(self) -> None:
        profile = self.current()
        if dialogs.confirm(self, "删除方案", f"确定删除方案“{profile.name}”吗？"):
            self._apply(lambda: profiles.delete_profile(self.county, profile.id))
            self._fill_chooser(profiles.active_profile(self.county).id)

    # ---- editing ---------------------------------------------------------------------------

    def _apply(self, action: Any) -> bool:
        try:
            action()
        except KnownError as exc:
            self.message.setText(str(exc))
            return False
        self.message.clear()
        self.profile_changed.emit()
        return True

    def _write(self, row: dict[str, Any], col: Column, value: Any) -> str | None:
        profile = self.current()
        if row.get("item"):
            if col.key != "on":
                message = f"{row['id']}：该评分项没有目标值，只能设置是否考核。"
                self.message.setText(message)
                return message
            if not self._apply(lambda: profiles.update_profile(
                    self.county, profile.id, {"items": {row["id"]: {"on": bool(value)}}})):
                return self.message.text()
            self._show_profile()
            return None
        try:
            entry = _entry_change(row, col.key, value)
        except KnownError as exc:
            self.message.setText(f"{row['id']}：{exc}")
            return str(exc)
        error: list[str] = []

        def change() -> None:
            profiles.update_profile(self.county, profile.id, {"indicators": {row["id"]: entry}})
        if not self._apply(change):
            error.append(self.message.text())
            return error[0]
        self._show_profile()
        return None

    def _rename(self, term: str) -> None:
        profile = self.current()
        word = self.labels[term].text().strip() or term
        if profile.builtin or profile.labels.get(term, term) == word:
            return
        self._apply(lambda: profiles.update_profile(self.county, profile.id,
                                                    {"labels": {term: word}}))


def _fmt(x: float, kind: str) -> str:
    return f"{x * 100:g}%" if kind == "share" else f"{x:g}"


def _entry_change(row: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    """The profile change one edited cell stands for."""
    kind = row["kind"]
    if key == "on":
        return {"on": bool(value)}
    if key == "threshold":
        return {"threshold": parse_threshold(str(value), row["raw_threshold"])}
    op = value if key == "op" else row["op"]
    if op is None:
        return {"target": None}
    low_text = value if key == "value" else row["value"]
    high_text = value if key == "high" else row["high"]
    if op == "between":
        low = parse_number(low_text or "0", kind)
        high = parse_number(high_text or low_text or "0", kind)
        return {"target": {"op": "between", "low": low, "high": high}}
    if low_text in ("", None):
        raise KnownError("请先填写目标值。")
    return {"target": {"op": op, "value": parse_number(low_text, kind)}}
