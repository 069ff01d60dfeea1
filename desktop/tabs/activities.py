"""文化宣传活动: the activity log of the year with evidence, and the D1–D5 counts beside it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, Qt
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDialog, QFormLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QSpinBox, QVBoxLayout, QWidget)

from db.county import CountyFile
from db.errors import KnownError, ValidationError
from db.fields import activity_after_today
from db.vocab import ACTIVITY_KINDS, CENTRE_TYPES, institution_key, pinyin_key
from desktop import dialogs
from desktop.columns import ColumnFit
from desktop.context import Context
from desktop.datefield import DateField
from desktop.evidence import PICKER_FILTER, attach_files, show_evidence
from desktop.forms import finish_form
from desktop.models import ROW_ROLE, Column, RecordModel
from desktop.splits import FitSplitter, table_height
from desktop.tabs.base import RecordView, TableTab, opens_rows
from desktop.undo import EXISTS, added, removed
from reports.judge.catalogue import ACTIVITY_MINIMUMS
from reports.judge.duplicates import Group, copies_of, duplicate_groups, key_of
from reports.judge.matrix import activity_counts, minimum_counts

ONCE, TWICE = "按一次计", "确为两次"


NO_PEOPLE = -1  # the 参与人数 box at its blank


class ActivityDialog(QDialog):
    """新增活动 (`record` None) or 编辑活动. A new one starts at `institution` (an id) when given:
    a clerk enters one township's activities one after another."""

    def __init__(self, county: CountyFile, year: int, record: dict[str, Any] | None,
                 parent: QWidget | None = None, *, institution: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("编辑活动" if record else "新增活动")
        self.record = record
        self.date = DateField("活动日期")
        self.institution = QComboBox()
        for r in sorted(county.rows("institution"), key=institution_key):
            self.institution.addItem(r["name"], r["id"])
        self.kind = QComboBox()
        self.kind.addItems(list(ACTIVITY_KINDS))
        self.title = QLineEdit()
        self.people = QSpinBox()
        # Below 0 is the blank: 参与人数 not known stays unknown, also when the activity is
        # edited for another field (a 0 would say nobody came).
        self.people.setRange(NO_PEOPLE, 10_000_000)
        self.people.setSpecialValueText("（未填）")
        self.people.setGroupSeparatorShown(True)
        self.tcm = QCheckBox("有中医药内容")
        self.tcm.setChecked(True)
        if record:
            self.date.setText(record["date"])
            self.institution.setCurrentIndex(self.institution.findData(record["institution_id"]))
            self.kind.setCurrentText(record["kind"])
            self.title.setText(record["title"])
            people = record.get("people")
            self.people.setValue(NO_PEOPLE if people is None else people)
            self.tcm.setChecked(bool(record["tcm_content"]))
        else:
            today = QDate.currentDate()
            self.date.setDate(today if today.year() == year else QDate(year, 1, 1))
            self.people.setValue(NO_PEOPLE)
            if institution is not None and (at := self.institution.findData(institution)) >= 0:
                self.institution.setCurrentIndex(at)
        form = QFormLayout()
        form.addRow("活动日期(&D)：", self.date)
        form.addRow("开展机构(&I)：", self.institution)
        form.addRow("活动类型(&K)：", self.kind)
        form.addRow("活动名称(&N)：", self.title)
        form.addRow("参与人数(&P)：", self.people)
        form.addRow("", self.tcm)
        finish_form(self, form)

    def values(self) -> dict[str, Any]:
        """What the fields hold; ValidationError when 活动日期 is not a date, or a date after
        today typed (as an import refuses it: an activity of 2027 typed for 2024 would be saved
        to a year the window cannot show yet). A date the record already had stays allowed."""
        try:
            date = self.date.value()
            late = activity_after_today(date) if date is not None else None
            if late is not None and (self.record is None or date != self.record["date"]):
                raise ValidationError(late, table="activity", field="date", label=self.date.label)
        except ValidationError:
            self.date.setFocus()  # the dialog opens again with the cursor where to correct
            raise
        return {
            "date": date,
            "institution_id": self.institution.currentData(),
            "kind": self.kind.currentText(),
            "title": self.title.text().strip(),
            "people": None if self.people.value() == NO_PEOPLE else self.people.value(),
            "tcm_content": int(self.tcm.isChecked()),
        }


class ActivitiesTab(TableTab):
    table = "activity"  # the records it shows (merge dialogs name fields in its words)
    reload_on_change = True

    def __init__(self) -> None:
        super().__init__([
            Column("date", "日期", width=90),
            Column("institution", "开展机构", width=190),
            Column("kind", "类型", width=80),
            Column("title", "活动名称", width=200),
            # An activity entered twice counts once (reports.judge.duplicates): every copy says
            # so, until 数据核查 marks them 确为两次. Beside the title, so it is seen unscrolled.
            Column("counted", "重复录入", width=70,
                   tone=lambda r: "fail" if r.get("counted") == ONCE else None),
            # Two-line headers: at 1366×768 the log shows every column beside the matrix,
            # 佐证 too, with four-digit row numbers and 社区卫生服务中心 names.
            Column("people", "参与\n人数", "int", width=44),
            Column("tcm_content", "中医药\n内容", "bool", width=48,
                   tip="活动是否有中医药内容（各项次数只计有中医药内容的活动）"),
            Column("evidence", "佐证", "int", width=45, tip="该活动的佐证材料份数"),
        ], editable=False)
        self.search.setPlaceholderText("按活动名称搜索…")
        self.kind_filter = self.add_filter("kind", "类型", "L")
        self.fill_filter(self.kind_filter, [(k, k) for k in ACTIVITY_KINDS])
        self.inst_filter = self.add_filter("institution_id", "机构", "J")
        # Set by a jump from 总览 / 填报进度 / 数据核查: (institution id, indicator id or None).
        self._focus: tuple[str, str | None] | None = None
        self.groups: dict[str, Group] = {}  # activity id → the copies it is one activity with
        self.focus_note = QLabel(self)
        self.focus_note.setObjectName("focus_note")
        self.focus_note.setWordWrap(True)
        self.focus_note.hide()
        # Where the last save put an activity the list does not show (another year's date).
        self.saved_note = QLabel(self)
        self.saved_note.setObjectName("saved_note")
        self.saved_note.setWordWrap(True)
        self.saved_note.hide()
        # The institution a 新增活动 starts at: the one of the row the clerk last chose, or of
        # the activity last added (a township's activities are entered one after another).
        # "" for none, not None: its first row would take a reference from None, which
        # tests/desktop/test_refcounts.py counts as lost.
        self._institution = ""
        self.view.selectionModel().currentChanged.connect(self._remember_institution)
        for combo in (self.inst_filter, self.kind_filter):
            combo.currentIndexChanged.connect(self._filters_changed)
        actions = QHBoxLayout()  # a row of their own, as on 机构: the tab fits a narrow window
        for label, letter, slot in (("新增…", "N", self.add), ("编辑…", "I", self.edit),
                                    ("删除", "D", self.delete), ("添加佐证…", "A", self.attach),
                                    ("佐证材料…", "M", self.evidence)):
            self.add_button(label, letter, slot, layout=actions)
        actions.addStretch(1)
        self.layout_.insertLayout(1, actions)
        opens_rows(self.view, lambda _i: self.edit())

        self.matrix = RecordModel([], parent=self)
        self.matrix_view = RecordView(self)
        self.matrix_view.setModel(self.matrix)
        # Ranges and Ctrl+C / Ctrl+Shift+C as in the log beside it, for the clerk's own sheets.
        self.copyable(self.matrix_view, "未粘贴：右侧的次数由左侧的活动记录统计得出，不能粘贴；"
                                        "请在左侧新增或编辑活动。")
        self.matrix_view.setObjectName("matrix")
        # By pixel, so the last column (四（一）5) can be scrolled wholly into view on a narrow screen.
        self.matrix_view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.matrix_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # Never narrower than a header ("宣传栏更换" whole, not "传栏更换"), names whole.
        self.matrix_fit = ColumnFit(self.matrix_view, self.matrix)
        self.matrix_title = QLabel(self)
        self.matrix_title.setWordWrap(True)  # else its one long line widens the whole window
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.matrix_title)
        right_layout.addWidget(self.matrix_view)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.focus_note)
        left_layout.addWidget(self.saved_note)
        # The matrix as wide as its names and D1–D5 need (never more than half), the log the
        # rest: at 1366 px both show whole; a narrower window halves them as before.
        self.split = FitSplitter(Qt.Orientation.Horizontal, self, small=1,
                                 need=self._matrix_width, keep=lambda: self.split.width() // 2)
        self.split.addWidget(left)
        self.split.addWidget(right)
        self.split.setStretchFactor(0, 1)
        self.split.setStretchFactor(1, 1)
        self.layout_.replaceWidget(self.view, self.split)
        left_layout.addWidget(self.view)

    # ---- the log -------------------------------------------------------------------------

    def load(self, ctx: Context) -> list[dict[str, Any]]:
        rows = ctx.county.query("""
            SELECT a.*, i.name AS institution,
                   (SELECT count(*) FROM evidence e WHERE e.owner_table = 'activity'
                      AND e.owner_id = a.id AND e.deleted = 0) AS evidence
            FROM activity a JOIN institution i ON i.id = a.institution_id
            WHERE a.deleted = 0 AND a.date BETWEEN ? AND ?
            ORDER BY a.date DESC, i.name""", (f"{ctx.year}-01-01", f"{ctx.year}-12-31"))
        self.saved_note.hide()  # said once, after the save; the list now is another's
        groups = duplicate_groups(ctx.county, ctx.year)
        self.groups = {rid: g for g in groups for rid in g.ids}
        for r in rows:
            g = self.groups.get(r["id"])
            r["counted"] = "" if g is None else TWICE if g.two_events else ONCE
        names = {(r["institution"], r["institution_id"]) for r in rows}
        if self._focus is not None:
            # The institution jumped to stays choosable (and chosen) though it has no activity.
            found = ctx.county.get("institution", self._focus[0])
            if found is not None:
                names.add((found["name"], found["id"]))
        self.fill_filter(self.inst_filter, sorted(names, key=lambda n: pinyin_key(n[0])))
        self._load_matrix(ctx)
        self._say_focus()
        return rows

    # ---- a jump to one institution -------------------------------------------------------------

    def show_institution(self, institution_id: str, indicator: str | None = None) -> None:
        """Filter the log to the institution (and, for D1–D5, to the kind counted), select its
        row in the matrix, and say above the log what is shown."""
        self._focus = (institution_id, indicator)
        if self.ctx is not None and self.inst_filter.findData(institution_id) < 0:
            self.refresh(self.ctx)  # its filter lists only institutions with activities
        self.search.clear()
        minimums = minimum_counts(self.ctx.county) if self.ctx is not None else {}
        kind = minimums[indicator][0] if indicator in minimums else None
        for combo, value in ((self.inst_filter, institution_id), (self.kind_filter, kind)):
            combo.blockSignals(True)  # one note at the end, not one per filter
            combo.setCurrentIndex(max(0, combo.findData(value)) if value is not None else 0)
            combo.blockSignals(False)
            self.proxy.set_equal("institution_id" if combo is self.inst_filter else "kind",
                                 combo.currentData())
        if self.proxy.rowCount():
            self.view.setCurrentIndex(self.proxy.index(0, 0))
            self.view.scrollToTop()
        row = next((i for i, r in enumerate(self.matrix.rows) if r["id"] == institution_id), None)
        if row is not None:
            column = self.matrix.column_index(indicator) if indicator in minimums else 0
            index = self.matrix.index(row, column)
            self.matrix_view.setCurrentIndex(index)
            self.matrix_view.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        self._say_focus()
        self.view.setFocus()

    def _filters_changed(self) -> None:
        # The clerk chose another institution: the note no longer says what is shown.
        if self._focus is not None and self.inst_filter.currentData() != self._focus[0]:
            self._focus = None
        self._say_focus()

    def _say_focus(self) -> None:
        if self._focus is None or self.ctx is None:
            self.focus_note.clear()
            self.focus_note.hide()
            return
        inst_id, indicator = self._focus
        name = self.inst_filter.currentText()
        minimums = minimum_counts(self.ctx.county)
        kind = self.kind_filter.currentData()
        if indicator in minimums and kind == minimums[indicator][0]:
            minimum = minimums[indicator][1]
            unit = ACTIVITY_MINIMUMS[indicator][2]
            row = next((r for r in self.matrix.rows if r["id"] == inst_id), {})
            count = row.get(indicator, 0)
            text = (f"{name} 的 {kind}：{count} {unit}，需 {minimum} {unit}"
                    f"（只计有中医药内容的活动"
                    + ("，同名的算一种" if unit == "种" else "") + "）。")
        else:
            text = f"只显示 {name} 的活动" + (f"（{kind}）" if kind else "") + "。"
        self.focus_note.setText(text + "在上方的筛选中选“（全部）”可看其他机构。")
        self.focus_note.show()

    def mark(self, row: dict[str, Any], col: Column) -> str | None:
        g = self.groups.get(row["id"]) if col.key == "counted" else None
        if g is None:
            return None
        n = len(g.rows)
        if g.two_events:
            return f"同一机构、日期、类型和名称的活动共 {n} 条，已在“数据核查”中核实为分别举办，分别计数。"
        return (f"同一机构、日期、类型和名称的活动共 {n} 条，视为重复录入，在各项指标中按一次计。"
                "若确为分别举办的活动，请在“数据核查”中选中该项，点“标记已核实”（确为两次）。")

    def _remember_institution(self, current: QModelIndex, _previous: QModelIndex) -> None:
        # A row the clerk chose (clicked, moved to, jumped to, just added): selected. The cell
        # Qt makes current as the table takes the keyboard is not: it stays unselected.
        if not self.view.selectionModel().isSelected(current):
            return
        row = current.data(ROW_ROLE) if current.isValid() else None
        if isinstance(row, dict) and row.get("institution_id"):
            self._institution = row["institution_id"]

    def add(self) -> None:
        if self.ctx is None:
            return
        county = self.ctx.county
        dialog = ActivityDialog(county, self.ctx.year, None, self,
                                institution=self._institution or self.inst_filter.currentData())
        new: list[dict[str, Any]] = []

        def save() -> None:
            values = dialog.values()
            self._ask_if_copy(dialog, values)
            new.append({**values, "id": county.insert("activity", values)})
        if self.save_from(dialog, save, lambda: f"新增活动“{new[-1]['title']}”",
                          undo=lambda: [added(new[-1])]):
            self._institution = new[-1]["institution_id"]
            if not self._say_other_year(new[-1]["date"]):
                self.select_record(new[-1]["id"])

    def edit(self) -> None:
        row = self.selected_row()
        if row is None or self.ctx is None:
            return
        county = self.ctx.county
        record = county.get("activity", row["id"])
        if record is None:
            return
        dialog = ActivityDialog(county, self.ctx.year, record, self)

        def confirm(values: dict[str, Any]) -> bool:
            if key_of(values) != key_of(record):  # made one with another only by this edit
                self._ask_if_copy(dialog, values, besides=record["id"])
            return True
        if self.save_edit(dialog, "activity", record, f"编辑活动“{record['title']}”",
                          confirm=confirm):
            self._say_other_year(county.get("activity", record["id"])["date"])

    def _ask_if_copy(self, dialog: ActivityDialog, values: dict[str, Any],
                     besides: str | None = None) -> None:
        """Before an activity is saved as a copy of one the file holds (reports.judge.
        duplicates), the clerk is asked, 不保存 the default; KnownError when not to save (the
        dialog opens again with what was typed)."""
        assert self.ctx is not None
        copies = copies_of(self.ctx.county, values, besides=besides)
        if not copies:
            return
        name = dialog.institution.currentText()
        n = len(copies)
        count = "一" if n == 1 else f" {n} "
        text = (f"{name} {values['date']} 已有{count}条同类型（{values['kind']}）、同名称的活动"
                f"“{copies[0]['title']}”。\n\n"
                "再保存一条将视为重复录入，在各项指标中按一次计；若确为分别举办的活动，保存后请在"
                "“数据核查”中选中该项，点“标记已核实”（确为两次）。\n\n仍要保存吗？")
        if not dialogs.choose(dialog, "重复录入", text, "仍然保存", "不保存"):
            raise KnownError(f"{name} {values['date']} 已有同类型、同名称的活动“{copies[0]['title']}”"
                             "（重复录入按一次计）。请改正日期或名称，或点“取消”。")

    def _say_other_year(self, date: str) -> bool:
        """After a save: an activity dated in another year than the one shown has left the list;
        say where it went and how to see it (False when it is in the year shown)."""
        assert self.ctx is not None
        year = int(date[:4])
        if year == self.ctx.year:
            return False
        text = (f"已保存到 {year} 年度（当前显示 {self.ctx.year} 年；"
                f"在“年度”中选 {year} 年可以看到）")
        self.saved_note.setText(text)
        self.saved_note.show()
        self._say(text)
        return True

    def store(self, row: dict[str, Any], values: dict[str, Any], year: int) -> None:
        assert self.ctx is not None
        if EXISTS in values:  # undo / redo of 新增 or 删除
            self.store_exists("activity", row, values[EXISTS])
            return
        self.ctx.county.update("activity", row["id"], values)

    def delete(self) -> None:
        row = self.selected_row()
        if row is None or self.ctx is None:
            return
        if dialogs.confirm(self, "删除活动", f"确定删除 {row['institution']} {row['date']} 的活动"
                                          f"“{row['title']}”吗？"):
            county = self.ctx.county
            self.save(lambda: county.delete("activity", row["id"]), f"删除活动“{row['title']}”",
                      undo=lambda: [removed(row)])

    def attach(self) -> None:
        row = self.selected_row()
        if row is None or self.ctx is None:
            self.refuse("请先在左侧选中一条活动，再添加佐证。")
            return
        files = dialogs.open_file_names(self, "选择照片或扫描件", PICKER_FILTER)
        if files:
            county = self.ctx.county
            self.save(lambda: attach_files(county, [Path(f) for f in files],
                                           owner_table="activity", owner_id=row["id"],
                                           year=int(row["date"][:4])), "添加佐证材料")
            self.select_record(row["id"])  # the reload after saving must not lose the row

    def evidence(self) -> None:
        """佐证材料: list, open, rename, remove and add the selected activity's files."""
        row = self.selected_row()
        if row is None or self.ctx is None:
            self.refuse("请先在左侧选中一条活动，再查看佐证材料。")
            return
        if show_evidence(self.ctx.county, f"{row['date']} {row['title']}",
                         {"owner_table": "activity", "owner_id": row["id"],
                          "year": int(row["date"][:4])}, self):
            self.not_undoable("修改佐证材料")
            self.changed.emit()
            self.select_record(row["id"])

    # ---- the D1–D5 matrix --------------------------------------------------------------------

    def _matrix_width(self) -> int:
        """The width the matrix needs to show its names and counts whole."""
        view = self.matrix_view
        if not self.matrix.columns:
            return 0
        side = view.verticalHeader().sizeHint().width()
        bar = (view.verticalScrollBar().sizeHint().width()
               if table_height(view, self.matrix.rowCount()) > view.height() else 0)
        return self.matrix_fit.natural_width() + side + 2 * view.frameWidth() + bar

    def _load_matrix(self, ctx: Context) -> None:
        minimums = minimum_counts(ctx.county)
        facts = ctx.year_facts()
        counts = activity_counts(ctx.county, ctx.year, facts)
        columns = [Column("name", "机构", width=150)]
        for ind, (label, minimum) in minimums.items():
            # The standard's 条目 over the kind it counts ("四（一）1" / "宣传栏更换" / "（≥4）"):
            # three short lines keep the five columns as narrow as the old ids did.
            header = ctx.cite(ind, label).replace(" ", "\n", 1)
            columns.append(Column(ind, f"{header}\n（≥{minimum}）", "int", width=76,
                                  tone=_short_of(ind, minimum)))
        # The year's centres as the register reads: the year's townships (db.townships) in
        # pinyin order, then type and name, as 填报进度 lists them.
        centres = sorted((r for r in facts.institutions if r["type"] in CENTRE_TYPES),
                         key=lambda r: (pinyin_key(r["township"]), institution_key(r)))
        rows = [{"id": r["id"], "name": r["name"]} for r in centres]
        for r in rows:
            r.update({ind: counts.get(r["id"], {}).get(ind, 0) for ind in minimums})
        self.matrix.columns = columns
        self.matrix.set_rows(rows)
        self.split.fit()
        short = sum(1 for r in rows if any(r[i] < m for i, (_, m) in minimums.items()))
        self.matrix_title.setText(f"<b>{ctx.year} 年各机构宣传教育次数</b>（只计有中医药内容的活动；"
                                  f"{short} 家机构有未达最低次数的项目，已标红）")


def _short_of(ind: str, minimum: int) -> Any:
    def tone(row: dict[str, Any]) -> str | None:
        return "fail" if row.get(ind, 0) < minimum else None
    return tone
