"""目标设置: choose the profile that judges the county, copy one, and change its targets; each
indicator and item says who must report for it and what it rests on (依据)."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox,
                               QFormLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QPushButton, QVBoxLayout, QWidget)

from db.county import CountyFile
from db.errors import KnownError
from desktop import dialogs
from desktop.delegates import FieldDelegate
from desktop.frozen import FramedView
from desktop.models import Column, RecordModel
from reports.excel.vocab import BadValue, read_share
from reports.judge import profiles, standard, targets
from reports.judge.catalogue import BY_ID, CATALOGUE
from reports.judge.profiles import LABEL_TERMS, Profile
from reports.judge.targets import threshold_text
from reports.judge.wording import format_target

_OPS = {">=": "≥", "<=": "≤", "==": "=", "between": "区间"}
_NUMBER = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(%?)\s*$")


def parse_number(text: str, kind: str) -> float:
    """'75%', '75' or '７５％' for a share, by the rule a percentage box has (0.75 is asked
    about: 0.75% or 75%?); a plain number otherwise."""
    if kind == "share":
        try:
            return read_share(text, typed=True)
        except BadValue as exc:
            raise KnownError(str(exc)) from None
    match = _NUMBER.match(str(text).replace("％", "%"))
    if not match:
        raise KnownError(f"“{text}”不是数字。")
    return round(float(match.group(1)), 6)


def parse_threshold(text: str, ind_id: str) -> dict[str, Any]:
    """A condition as typed in the table (6类10项, 25%, 达标、提档升级；面积≥300㎡ …)."""
    try:
        return targets.parse_threshold(text, ind_id)
    except targets.TargetError as exc:
        raise KnownError(str(exc)) from None


class ProfileDialog(QDialog):
    profile_changed = Signal()

    def __init__(self, county: CountyFile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.county = county
        self.setWindowTitle("目标设置")
        self.resize(1240, 640)
        self.chooser = QComboBox()
        self.chooser.currentIndexChanged.connect(lambda _i: self._show_profile())
        self.use_button = QPushButton("设为本县采用的方案(&U)")
        self.use_button.clicked.connect(self._use)
        copy_button = QPushButton("复制为新方案(&C)…")
        copy_button.clicked.connect(self._copy)
        self.delete_button = QPushButton("删除方案(&D)")
        self.delete_button.clicked.connect(self._delete)
        top = QHBoxLayout()
        caption = QLabel("方案(&P)：")
        caption.setBuddy(self.chooser)
        top.addWidget(caption)
        top.addWidget(self.chooser, 1)
        top.addWidget(self.use_button)
        top.addWidget(copy_button)
        top.addWidget(self.delete_button)
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.model = RecordModel([
            Column("on", "考核", "bool", True, width=45),
            Column("code", "条目", width=74, tip="评分标准中的条目编号；评分标准未列的为本县指标"),
            Column("name", "评分项 / 指标", width=200, whole_tip=True),
            Column("op", "比较", "choice", True, _OPS, width=55),
            Column("value", "目标值", editable=True, width=70),
            Column("high", "上限（区间）", editable=True, width=85),
            Column("threshold", "机构达标条件", editable=True, width=140, whole_tip=True),
            Column("shown", "现行目标", width=85),
            Column("population", "须填报", width=130, whole_tip=True,
                   tip="哪些机构须填报本项：未填报、待填报只按这些机构判断"),
            Column("basis", "依据", width=270, whole_tip=True,
                   tip="所依据的文件和原文；没有依据的为“推定”。本县方案另定的目标，附其来源"),
        ], writer=self._write, parent=self)
        self.table = FramedView()
        self.table.setModel(self.model)
        self.table.setItemDelegate(FieldDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        for i, col in enumerate(self.model.columns):
            self.table.setColumnWidth(i, col.width)
        # The selected row's 依据 and who must report, whole (the cells are elided).
        self.detail = QLabel()
        self.detail.setObjectName("detail")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._detail(cur))
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
        layout.addWidget(self.detail)
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
        changed = profiles.changed_from(self.county, profile)
        if changed is not None:
            source, ids = changed
            std = standard.for_county(self.county)
            named = "、".join(_named(i, profile, std) for i in ids)
            basis = (f"与“{source}”相比，改动了 {len(ids)} 项指标的设置：{named}。"
                     if ids else f"与“{source}”相同，尚未改动。") + f"\n{basis}"
        self.state.setText(
            (profile.description or "") + f"\n{basis}"
            + ("\n内置方案只能查看；要修改请先“复制为新方案”。"
               if profile.builtin else "\n修改后立即保存在本县数据文件中。"))
        indicators = {}
        std = standard.for_county(self.county)
        for ind in CATALOGUE:
            s = profile.setting(ind.id)
            t = s.target
            item = std.for_indicator(ind.id)
            indicators[ind.id] = {
                "id": ind.id, "code": item.code if item is not None else standard.LOCAL,
                "name": profile.relabel(ind.name), "kind": ind.kind, "on": int(s.on),
                "op": t.op if t else None,
                "value": "" if t is None else _fmt(t.low if t.op == "between" else t.value,
                                                   ind.kind),
                "high": _fmt(t.high, ind.kind) if t and t.op == "between" else "",
                "threshold": threshold_text(s.threshold, ind.id),
                "raw_threshold": s.threshold,
                "shown": format_target(ind.kind, t),
                "population": ind.population_text,
                "basis": _basis(item, s.note if profile.local_target(ind.id) else ""),
            }
        # In the standard's order, as 总览 lists them; the items judged from tasks and the
        # register (规划, 联席会议 …) among them: a county switches off one that does not apply
        # to it. The indicators the standard does not list come last.
        rows = []
        for item in std.items:
            if item.indicator is not None:
                if item.indicator in indicators:
                    rows.append(indicators.pop(item.indicator))
            else:
                rows.append({"id": item.id, "code": item.code, "name": item.text, "kind": "item",
                             "item": True,
                             "on": int(profile.item_on(item.id)), "op": None, "value": "",
                             "high": "", "threshold": "", "raw_threshold": {},
                             "shown": "按任务与佐证" if item.by == "document" else "按机构名册",
                             "population": item.scope, "basis": _basis(item, "")})
        rows += indicators.values()
        self.model.writer = None if profile.builtin else self._write
        self.model.set_rows(rows)
        self.detail.setText("选中一行，在此查看其依据的全文。")
        for term, edit in self.labels.items():
            edit.setText(profile.labels.get(term, ""))
            edit.setReadOnly(profile.builtin)

    def _detail(self, index: Any) -> None:
        row = self.model.rows[index.row()] if index.isValid() and index.row() < len(
            self.model.rows) else None
        if row is None:
            self.detail.clear()
            return
        self.detail.setText(f"{self._cited(row)}　须填报：{row['population'] or '—'}\n"
                            f"依据：{row['basis'] or '—'}")

    def _cited(self, row: dict[str, Any]) -> str:
        """A row's indicator or item as the window names it (二（一）6 医联体覆盖人口比例)."""
        return standard.cite(standard.for_county(self.county), row["id"], row["name"])

    def _use(self) -> None:
        self._apply(lambda: profiles.set_active(self.county, self.chooser.currentData()))
        self._fill_chooser(self.chooser.currentData())

    def _copy(self) -> None:
        source = self.current()
        dialog = QDialog(self)
        dialog.setWindowTitle("复制为新方案")
        name = QLineEdit(f"{source.name}（本县）")
        form = QFormLayout(dialog)
        form.addRow("新方案名称(&N)：", name)
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
                message = f"{self._cited(row)}：该评分项没有目标值，只能设置是否考核。"
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
            self.message.setText(f"{self._cited(row)}：{exc}")
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


def _basis(item: Any, local: str) -> str:
    """What an indicator or item rests on: the standard's basis, and a county's own source for a
    target of its own."""
    parts = [item.basis if item is not None and item.basis else
             ("推定（评分标准未列此项）" if item is None else "")]
    if local:
        parts.insert(0, f"本县方案：{local}")
    return "；".join(p for p in parts if p)


def _named(ind_id: str, profile: Profile, std: standard.Standard) -> str:
    """An indicator or item as the clerk finds it in 总览: the standard's 条目 and its name
    (三（一）2 社区卫生服务站适宜技术达标率), in the county's own words."""
    ind = BY_ID.get(ind_id)
    return standard.cite(std, ind_id, profile.relabel(ind.name) if ind is not None else None)


def _fmt(x: float, kind: str) -> str:
    return f"{x * 100:g}%" if kind == "share" else f"{x:g}"


def _entry_change(row: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    """The profile change one edited cell stands for."""
    kind = row["kind"]
    if key == "on":
        return {"on": bool(value)}
    if key == "threshold":
        return {"threshold": parse_threshold(str(value), row["id"])}
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
