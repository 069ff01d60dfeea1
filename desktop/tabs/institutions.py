"""机构: the register — add, edit, its years (停用 with the last year, 恢复), delete and restore.
A change of an institution's years shows first which indicators of which years it changes."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout,
                               QLabel, QLineEdit, QMenu, QPushButton, QSpinBox, QVBoxLayout,
                               QWidget)

from db.county import CountyFile, shown_time
from db.errors import KnownError
from db.townships import (Merger, Move, all_townships, apply_merger, apply_moves, histories,
                          history, history_text, lived, township_sql, write_history)
from db.vocab import (INSTITUTION_TYPES, OWNERSHIP, YEAR_MAX, YEAR_MIN, institution_key,
                      pinyin_key)
from desktop import dialogs
from desktop.context import Context
from desktop.forms import finish_form, show_refusal
from desktop.models import ROW_ROLE, Column, RecordModel
from desktop.tabs.base import TableTab, opens_rows
from desktop.township_actions import MergerDialog, MoveDialog
from desktop.undo import EXISTS, Change, added, removed
from reports.judge.span import years_change

PARENT_TYPES = ("chc", "township_hc")
NO_YEAR = 1999  # the spin boxes' "（不限）"
UNCHOSEN = "（请选择）"
# The key of an undo step's Change holding an institution's townships over the years (a list of
# db.townships.Period), written back whole.
TOWNSHIPS = "townships"


class _Declined(Exception):
    """The clerk did not confirm a preview: nothing is written."""
# Counted by township (coverage of 中医馆, 中医阁 …): one of these without its township would be
# missing from every township's figures.
TOWNSHIP_TYPES = ("chc", "township_hc", "chs", "village_clinic")


def missing(values: dict[str, Any]) -> str | None:
    """Everything the dialog must not save without, in one sentence; None when complete."""
    lacking = []
    if not values.get("name"):
        lacking.append("填写机构名称")
    if not values.get("type"):
        lacking.append("选择机构类型")
    elif values["type"] in TOWNSHIP_TYPES and not values.get("township"):
        lacking.append(f"填写所属乡镇（街道）（{INSTITUTION_TYPES[values['type']]}按乡镇统计，"
                       "要用到它）")
    return f"请{'；'.join(lacking)}。" if lacking else None


def years_text(row: dict[str, Any]) -> str:
    """An institution's years as the register shows them: 2023–, 2010–2022, 不限."""
    start, end = row.get("active_from"), row.get("active_to")
    if start is None and end is None:
        return "不限"
    return f"{start or ''}–{end or ''}" if start else f"至 {end}"


def _status(year: int) -> Any:
    def value(row: dict[str, Any]) -> str:
        if row.get("active_from") and row["active_from"] > year:
            return f"{row['active_from']} 年启用"
        if row.get("active_to") is not None and row["active_to"] < year:
            return f"自 {row['active_to'] + 1} 年停用"
        if row.get("active_to") is not None:  # stopped after this year: say so, not just 在用
            return f"在用，统计到 {row['active_to']} 年"
        return "在用"
    return value


# The endings that say a grassroots unit's type whatever the place (青河镇卫生院, 柳村卫生室).
# Hospitals are never guessed: a county has one 县级中医医院, chosen on purpose.
_TYPE_BY_ENDING = (("社区卫生服务中心", "chc"), ("社区卫生服务站", "chs"), ("卫生院", "township_hc"),
                   ("卫生室", "village_clinic"), ("中医诊所", "tcm_clinic"))


def type_from_name(name: str) -> str | None:
    """The type a new institution's name says by its ending, or None."""
    name = name.strip()
    return next((kind for ending, kind in _TYPE_BY_ENDING if name.endswith(ending)), None)


class InstitutionDialog(QDialog):
    """Add or edit one institution; the parent is chosen from the township centres."""

    def __init__(self, county: CountyFile, record: dict[str, Any] | None,
                 parent: QWidget | None = None, *, year: int | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("编辑机构" if record else "新增机构")
        self.name = QLineEdit(record["name"] if record else "")
        self.type = QComboBox()
        if record is None:
            # No type is preselected: a clerk typing only a name must not register a second
            # 县级中医医院 by default.
            self.type.addItem(UNCHOSEN, None)
        for key, words in INSTITUTION_TYPES.items():
            self.type.addItem(words, key)
        self.township = QComboBox()
        self.township.setEditable(True)
        self.township.addItems(["", *all_townships(county)])
        self.code = QLineEdit(record.get("code") or "" if record else "")
        self.parent_box = QComboBox()
        self.parent_box.addItem("（无）", None)
        centres = county.rows("institution", "type IN ('chc', 'township_hc')")
        for r in sorted(centres, key=lambda r: pinyin_key(r["name"])):
            if not record or r["id"] != record["id"]:
                self.parent_box.addItem(r["name"], r["id"])
        self.ownership = QComboBox()
        for key, words in OWNERSHIP.items():
            self.ownership.addItem(words, key)
        self.active_from = QSpinBox()
        self.active_to = QSpinBox()
        for box in (self.active_from, self.active_to):
            box.setRange(NO_YEAR, 2100)
            box.setSpecialValueText("（不限）")
        self.active_to.setToolTip("最后一个统计年度：该年之后撤并或停业。未填报不等于停用。")
        if record:
            self.type.setCurrentIndex(self.type.findData(record["type"]))
            self.township.setCurrentText(record.get("township") or "")
            self.parent_box.setCurrentIndex(max(0, self.parent_box.findData(record["parent_id"])))
            self.ownership.setCurrentIndex(self.ownership.findData(record["ownership"]))
            self.active_from.setValue(record.get("active_from") or NO_YEAR)
            self.active_to.setValue(record.get("active_to") or NO_YEAR)
        else:
            # A clinic added while looking at a year starts in that year: last year's results
            # must not change because someone adds this year's new clinic.
            self.active_from.setValue(year or NO_YEAR)
            self.active_to.setValue(NO_YEAR)
        form = QFormLayout()
        form.addRow("机构名称(&N)：", self.name)
        form.addRow("机构类型(&T)：", self.type)
        periods = lived(history(county, record["id"]), record.get("active_from"),
                        record.get("active_to")) if record else []
        if len(periods) > 1:
            # Today's township; the years before its last change keep theirs (db.townships).
            self.township.setToolTip(history_text(periods) + "。按年度调整请用“乡镇 → 调整所属乡镇…”。")
            form.addRow(f"所属乡镇（街道，{periods[-1].first}年起）(&W)：", self.township)
        else:
            form.addRow("所属乡镇（街道）(&W)：", self.township)
        form.addRow("机构代码(&C)：", self.code)
        form.addRow("上级机构（乡村一体化）(&P)：", self.parent_box)
        form.addRow("公立/民营(&O)：", self.ownership)
        form.addRow("启用年度(&F)：", self.active_from)
        form.addRow("停用年度(&U)：", self.active_to)
        finish_form(self, form)
        if record is None:
            # A new 卫生室 or 卫生院 is typed as such: its type follows the name's ending until
            # the clerk picks one.
            self._guessed: str | None = None
            self.name.textChanged.connect(self._guess_type)
        # Once a refusal is shown, it keeps up with the fields: what is still missing, or gone.
        self.name.textChanged.connect(self._recheck)
        self.type.currentIndexChanged.connect(self._recheck)
        self.township.currentTextChanged.connect(self._recheck)

    def _guess_type(self, name: str) -> None:
        if self.type.currentData() not in (None, self._guessed):
            return  # chosen by the clerk
        self._guessed = type_from_name(name)
        self.type.setCurrentIndex(max(0, self.type.findData(self._guessed)))

    def _recheck(self) -> None:
        label = self.findChild(QLabel, "refusal")
        if label is None or label.isHidden():
            return
        still = missing(self.values())
        if still:
            show_refusal(self, still)
        else:
            label.hide()

    def values(self) -> dict[str, Any]:
        start, end = self.active_from.value(), self.active_to.value()
        return {
            "name": self.name.text().strip(),
            "type": self.type.currentData(),
            "township": self.township.currentText().strip() or None,
            "code": self.code.text().strip() or None,
            "parent_id": self.parent_box.currentData(),
            "ownership": self.ownership.currentData(),
            "active_from": None if start == NO_YEAR else start,
            "active_to": None if end == NO_YEAR else end,
        }


class DeletedDialog(QDialog):
    """最近删除: institutions deleted from the register, to bring one back."""

    def __init__(self, county: CountyFile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("最近删除的机构")
        self.resize(560, 360)
        from PySide6.QtWidgets import QTableView

        self.model = RecordModel([
            Column("name", "机构名称", width=220),
            Column("type", "类型", "choice", choices=INSTITUTION_TYPES, width=110),
            Column("updated_at", "删除时间", width=170),
        ], parent=self)
        rows = county.rows("institution", "deleted = 1", include_deleted=True,
                           order="updated_at DESC")
        for r in rows:
            r["updated_at"] = shown_time(r["updated_at"], seconds=True)
        self.model.set_rows(rows)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.setColumnWidth(0, 220)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.restore_button = buttons.addButton("恢复所选机构(&R)",
                                                QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        layout.addWidget(buttons)

    def chosen(self) -> dict[str, Any] | None:
        index = self.view.currentIndex()
        return self.model.rows[index.row()] if index.isValid() else None


class InstitutionsTab(TableTab):
    table = "institution"  # the records it shows (merge dialogs name fields in its words)
    reload_on_change = True

    def __init__(self) -> None:
        super().__init__([
            Column("name", "机构名称", width=230),
            Column("type", "机构类型", "choice", choices=INSTITUTION_TYPES, width=120),
            Column("township", "乡镇（街道）", width=110, tip="所选年度所属的乡镇（街道）"),
            Column("code", "机构代码", width=90),
            Column("parent_name", "上级机构", width=180),
            Column("ownership", "公立/民营", "choice", choices=OWNERSHIP, width=70),
            Column("years", "统计年度", width=90, value=years_text,
                   tip="启用年度–停用年度：机构在这些年度纳入统计"),
            Column("status", "状态", width=150),
            Column("moves", "乡镇变更", width=200, whole_tip=True),
        ], editable=False, frozen=1)
        self.type_filter = self.add_filter("type", "类型", "L")
        self.town_filter = self.add_filter("township", "乡镇", "X")
        # The register's actions on a row of their own: the filters keep their room, and the
        # tab still fits a narrow window.
        self.actions_bar = QHBoxLayout()
        for label, letter, slot in (("新增…", "N", self.add), ("编辑…", "I", self.edit),
                                    ("停用…", "T", self.deactivate), ("恢复", "R", self.reactivate),
                                    ("删除", "D", self.delete),
                                    ("最近删除…", "Z", self.show_deleted)):
            self.add_button(label, letter, slot, layout=self.actions_bar)
        # 调整所属乡镇 and 乡镇撤并 under one button (Alt+M); the context menu offers both.
        towns = QPushButton("乡镇(&M)", self)
        towns.setObjectName("button_乡镇")
        menu = QMenu(towns)
        for words, name, slot in (("调整所属乡镇(&A)…", "action_调整乡镇", self.move),
                                  ("乡镇撤并(&B)…", "action_乡镇撤并", self.merge_township)):
            action = menu.addAction(words, slot)
            action.setObjectName(name)
            self.tab_actions.append(action)
        towns.setMenu(menu)
        self.actions_bar.insertWidget(self.actions_bar.count() - 2, towns)
        self.actions_bar.addStretch(1)
        self.layout_.insertLayout(1, self.actions_bar)
        opens_rows(self.view, lambda _i: self.edit())

    def load(self, ctx: Context) -> list[dict[str, Any]]:
        # The township of the year looked at; earlier or later ones in 乡镇变更 (db.townships).
        rows = ctx.county.query(f"""
            SELECT i.*, {township_sql()} AS township_of_year, p.name AS parent_name
            FROM institution i
            LEFT JOIN institution p ON p.id = i.parent_id AND p.deleted = 0
            WHERE i.deleted = 0""", {"year": ctx.year})
        status = _status(ctx.year)
        moves = histories(ctx.county)
        for r in rows:
            r["township"] = r.pop("township_of_year")
            r["status"] = status(r)
            r["moves"] = history_text(moves.get(r["id"], []), r["active_from"], r["active_to"])
        rows.sort(key=institution_key)
        self.fill_filter(self.type_filter, [
            (w, k) for k, w in INSTITUTION_TYPES.items() if any(r["type"] == k for r in rows)])
        towns = sorted({r["township"] for r in rows if r["township"]}, key=pinyin_key)
        self.fill_filter(self.town_filter, [(t, t) for t in towns])
        return rows

    def add(self) -> None:
        """新增…: refused in the dialog without a type (or a township where one is needed); a
        second 县级中医医院 is confirmed first; the new record is one step of 撤销."""
        assert self.ctx is not None
        county, year = self.ctx.county, self.ctx.year
        dialog = InstitutionDialog(county, None, self, year=year)
        new: list[dict[str, Any]] = []

        def save() -> None:
            values = dialog.values()
            refusal = missing(values)
            if refusal:
                raise KnownError(refusal)
            if values["type"] == "county_tcm_hospital":
                self._second_hospital_confirmed(dialog)
            new.append({**values, "id": county.insert("institution", values)})
        if self.save_from(dialog, save, lambda: f"新增机构“{new[-1]['name']}”",
                          undo=lambda: [added(new[-1])]):
            self.select_record(new[-1]["id"])  # the clerk sees the row just added

    def _second_hospital_confirmed(self, dialog: QDialog) -> None:
        """Raise KnownError (said in the dialog, which keeps what was typed) unless there is no
        other active 县级中医医院 or the clerk confirms a second one."""
        assert self.ctx is not None
        year = self.ctx.year
        hospitals = [r for r in self.ctx.county.rows("institution", "type = 'county_tcm_hospital'")
                     if r["active_to"] is None or r["active_to"] >= year]
        if not hospitals:
            return
        name = hospitals[0]["name"]
        if not dialogs.confirm(dialog, "新增机构",
                               f"本县已有县级中医医院“{name}”，确定再登记一家吗？"):
            raise KnownError(f"本县已有县级中医医院“{name}”，未再登记：请改选机构类型，"
                             "或确认再登记一家。")

    def edit(self) -> None:
        row = self.selected_row()
        if row is None or self.ctx is None:
            return
        county = self.ctx.county
        record = county.get("institution", row["id"])
        if record is None:
            return
        dialog = InstitutionDialog(county, record, self)

        def confirmed(values: dict[str, Any]) -> bool:
            refusal = missing(values)
            if refusal:
                raise KnownError(refusal)
            return self._years_confirmed(record, {k: values[k] for k in ("active_from", "active_to")
                                                  if values[k] != record.get(k)})
        self.save_edit(dialog, "institution", record, f"编辑机构“{record['name']}”",
                       confirm=confirmed)

    def store(self, row: dict[str, Any], values: dict[str, Any], year: int) -> None:
        assert self.ctx is not None
        county = self.ctx.county
        values = dict(values)
        if TOWNSHIPS in values:  # 调整所属乡镇 / 乡镇撤并, done, undone or redone
            write_history(county, row["id"], list(values.pop(TOWNSHIPS)))
            if not values:
                return
        if EXISTS in values:  # undo / redo of 新增 or 删除
            if values[EXISTS] and county.get("institution", row["id"],
                                             include_deleted=True) is None:
                raise KnownError("这家机构已不在文件中，不能恢复。")
            self.store_exists("institution", row, values[EXISTS])
            return
        county.update("institution", row["id"], values)

    def deactivate(self) -> None:
        """停用…: asks for the last year counted, offering only years the file accepts (not
        before the institution's start), and says what 状态 now reads."""
        row = self.selected_row()
        if row is None or self.ctx is None:
            self.refuse("请先选中要停用的机构。")
            return
        low = max(YEAR_MIN, row.get("active_from") or YEAR_MIN)
        suggested = row.get("active_to") or max(low, self.ctx.year - 1)
        year = dialogs.ask_int(self, "停用机构", f"“{row['name']}”最后统计到哪一年？\n"
                               "（该年之后撤并或停业；某年没有交数据不等于停用）"
                               + (f"\n该机构 {low} 年启用，最早可填 {low}。"
                                  if row.get("active_from") else ""),
                               min(suggested, YEAR_MAX), low, YEAR_MAX)
        if year is not None and self._set_years(row, {"active_to": year},
                                                f"停用机构“{row['name']}”"):
            self._say(f"已停用“{row['name']}”：统计到 {year} 年"
                      + ("，本年度起不再统计" if year < self.ctx.year else "") + "。")

    def reactivate(self) -> None:
        """恢复: an institution stopped by mistake counts again in every year after its start."""
        row = self.selected_row()
        if row is None or self.ctx is None:
            self.refuse("请先选中要恢复的机构。")
            return
        if row.get("active_to") is None:
            self.refuse(f"“{row['name']}”没有停用，无需恢复。")
            return
        if self._set_years(row, {"active_to": None}, f"恢复机构“{row['name']}”"):
            self._say(f"已恢复“{row['name']}”：{years_text({**row, 'active_to': None})}。")

    def _set_years(self, row: dict[str, Any], years: dict[str, Any], what: str) -> bool:
        """Change an institution's years after showing what that changes; one step of 撤销."""
        assert self.ctx is not None
        county = self.ctx.county
        if not self._years_confirmed(row, years):
            return False
        return self.save(lambda: county.update("institution", row["id"], years), what,
                         undo=lambda: [Change(dict(row), k, row.get(k), v)
                                       for k, v in years.items()])

    def _years_confirmed(self, row: dict[str, Any], years: dict[str, Any]) -> bool:
        """Show which indicators of which years the change alters; True to go ahead."""
        assert self.ctx is not None
        try:
            changes = years_change(self.ctx.county, row["id"], years)
        except KnownError as exc:
            self.refuse(str(exc))
            return False
        if not changes:
            return True
        lines = [f"修改“{row['name']}”的统计年度将改变以下 {len(changes)} 项结果：", "",
                 *(str(c) for c in changes)]
        return dialogs.show_text(self, "修改统计年度", "\n".join(lines), accept="保存修改")

    # ---- the township as a fact of the year (db.townships) -----------------------------------

    def _selected_rows(self) -> list[dict[str, Any]]:
        """Every selected institution, once, in the order shown."""
        rows: dict[str, dict[str, Any]] = {}
        for index in sorted(self.view.selectionModel().selectedIndexes(), key=lambda i: i.row()):
            row = index.data(ROW_ROLE)
            rows.setdefault(row["id"], row)
        if not rows and (row := self.selected_row()) is not None:
            rows[row["id"]] = row
        return list(rows.values())

    def move(self) -> None:
        """调整所属乡镇: the selected institutions belong to a township from a year on (earlier
        years keep theirs), previewed, written in one transaction, one step of 撤销."""
        rows = self._selected_rows()
        if not rows or self.ctx is None:
            self.refuse("请先选中要调整所属乡镇的机构（可多选）。")
            return
        county, year = self.ctx.county, self.ctx.year
        dialog = MoveDialog(county, rows, year, self)
        done: list[list[Move]] = []

        def save() -> None:
            moves = dialog.moves()
            apply_moves(county, moves)
            done.append(moves)

        def what() -> str:
            moves = done[-1]
            return (f"调整所属乡镇（{moves[0].name}"
                    + (f" 等 {len(moves)} 家" if len(moves) > 1 else "") + "）")

        def undo() -> list[Change]:
            return [Change({"id": m.institution_id, "name": m.name}, TOWNSHIPS, m.before, m.after)
                    for m in done[-1]]
        self.save_from(dialog, save, what, undo=undo)

    def merge_township(self) -> None:
        """乡镇撤并: the selected centre stops after the year before, its township's institutions
        move to another township from the year; shown first with the results that change, then
        written in one transaction as one step of 撤销."""
        row = self.selected_row()
        if row is None or self.ctx is None or row["type"] not in PARENT_TYPES:
            self.refuse("请先选中被撤并乡镇的乡镇卫生院（或社区卫生服务中心），再点“乡镇撤并”。")
            return
        county, year = self.ctx.county, self.ctx.year
        record = county.get("institution", row["id"])
        if record is None:
            return
        dialog = MergerDialog(county, record, year, self)
        done: list[Merger] = []

        def save() -> None:
            merger = dialog.merger()
            if not self._merger_confirmed(merger):
                raise _Declined
            apply_merger(county, merger)
            done.append(merger)

        def undo() -> list[Change]:
            m = done[-1]
            changes = [Change(dict(record), "active_to", record["active_to"], m.year - 1)]
            changes += [Change({"id": mv.institution_id, "name": mv.name}, TOWNSHIPS, mv.before,
                               mv.after) for mv in m.moves]
            if m.parent is not None:
                changes += [Change({"id": iid, "name": name}, "parent_id", old, m.parent["id"])
                            for iid, name, old in m.reparented]
            return changes
        try:
            self.save_from(dialog, save,
                           lambda: f"乡镇撤并（{done[-1].old_town} 并入 {done[-1].town}）", undo=undo)
        except _Declined:
            return

    def _merger_confirmed(self, merger: Merger) -> bool:
        """The register's changes and every result they alter, before anything is written."""
        assert self.ctx is not None
        lines = merger.lines()
        changes = years_change(self.ctx.county, merger.centre["id"],
                               {"active_to": merger.year - 1})
        if changes:
            lines += ["", f"停用{merger.centre['name']}将改变以下 {len(changes)} 项结果：",
                      *(f"  {c}" for c in changes)]
        return dialogs.show_text(self, "乡镇撤并：确认", "\n".join(lines), accept="撤并")

    def delete(self) -> None:
        row = self.selected_row()
        if row is None or self.ctx is None:
            self.refuse("请先选中要删除的机构。")
            return
        if dialogs.confirm(self, "删除机构", f"确定删除“{row['name']}”吗？\n"
                           "删除后可在“最近删除”中恢复，也可以撤销（Ctrl+Z）。"):
            county = self.ctx.county
            self.save(lambda: county.delete("institution", row["id"]),
                      f"删除机构“{row['name']}”", undo=lambda: [removed(row)])

    def show_deleted(self) -> None:
        if self.ctx is None:
            return
        dialog = DeletedDialog(self.ctx.county, self)
        if dialogs.exec_dialog(dialog):
            chosen = dialog.chosen()
            if chosen is not None:
                county = self.ctx.county
                if self.save(lambda: county.restore("institution", chosen["id"]),
                             f"恢复已删除的机构“{chosen['name']}”",
                             undo=lambda: [Change(dict(chosen), EXISTS, False, True)]):
                    self.select_record(chosen["id"])
