"""The township as a fact of the year in the window: 调整所属乡镇 (from a year), 乡镇撤并 (a centre
closes, its township's institutions move from a year) with what changes shown first, and the
import's question about a same-named institution found in another township.

Each dialog only gathers the answers and shows the preview; the 机构 tab writes them in one
transaction as one step of 撤销 (desktop.tabs.institutions).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QGridLayout,
                               QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QScrollArea,
                               QSpinBox, QVBoxLayout, QWidget)

from db.county import CountyFile
from db.errors import KnownError
from db.townships import Merger, Move, all_townships, plan_merger, plan_moves
from db.vocab import YEAR_MAX, YEAR_MIN
from desktop.forms import finish_form

# Where the preview says nothing yet: a township still to choose.
NO_TOWN = "请选择或填写乡镇（街道）。"


def _town_box(county: CountyFile, current: str | None) -> QComboBox:
    box = QComboBox()
    box.setEditable(True)
    towns = [t for t in all_townships(county) if t != current]
    box.addItems(["", *towns])
    box.setObjectName("town")
    return box


def _year_box(year: int, low: int = YEAR_MIN, high: int = YEAR_MAX) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setValue(min(max(year, low), high))
    box.setObjectName("from_year")
    box.setSuffix(" 年起")
    return box


def _preview() -> QPlainTextEdit:
    view = QPlainTextEdit()
    view.setReadOnly(True)
    view.setObjectName("preview")
    view.setMinimumSize(560, 180)
    return view


class MoveDialog(QDialog):
    """调整所属乡镇: the selected institutions belong to a township from a year on; what each
    would show for which years is previewed as it is typed."""

    def __init__(self, county: CountyFile, rows: list[dict[str, Any]], year: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("调整所属乡镇")
        self.county, self.ids = county, [r["id"] for r in rows]
        names = "、".join(r["name"] for r in rows[:6]) + (f" 等 {len(rows)} 家" if len(rows) > 6
                                                         else "")
        self.town = _town_box(county, rows[0].get("township") if len(rows) == 1 else None)
        # Only years some selected institution is counted in (启用年度–停用年度).
        starts = [r.get("active_from") for r in rows]
        ends = [r.get("active_to") for r in rows]
        low = YEAR_MIN if None in starts else min(starts)
        high = YEAR_MAX if None in ends else max(ends)
        self.year = _year_box(year, low, high)
        self.preview = _preview()
        form = QFormLayout()
        form.addRow("机构：", QLabel(names))
        form.addRow("新的所属乡镇（街道）(&W)：", self.town)
        form.addRow("自(&Y)：", self.year)
        said = "所选年度及以后（到下一次调整为止）按新的乡镇统计；此前的年度仍按原乡镇。"
        if len(rows) == 1 and (low != YEAR_MIN or high != YEAR_MAX):
            life = ([f"{low} 年启用"] if low != YEAR_MIN else []) + \
                ([f"统计到 {high} 年"] if high != YEAR_MAX else [])
            said += f"该机构{'，'.join(life)}：只能选这些年度。"
        _finish(self, form, said)

    def moves(self) -> list[Move]:
        town = self.town.currentText().strip()
        if not town:
            raise KnownError(NO_TOWN)
        return plan_moves(self.county, self.ids, self.year.value(), town)

    def _update(self) -> None:
        try:
            moves = self.moves()
        except KnownError as exc:
            self.preview.setPlainText(str(exc))
            return
        self.preview.setPlainText("\n".join(m.line() for m in moves)
                                  or "所选机构在这些年度已属于该乡镇，没有需要改变的。")


class MergerDialog(QDialog):
    """乡镇撤并: the selected centre closes after the year before, and every institution of its
    township (and under it) belongs to the chosen township from that year."""

    def __init__(self, county: CountyFile, centre: dict[str, Any], year: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("乡镇撤并")
        self.county, self.centre = county, centre
        self.town = _town_box(county, centre.get("township"))
        self.year = _year_box(year)
        self.preview = _preview()
        self.preview.setMinimumHeight(240)
        form = QFormLayout()
        form.addRow("被撤并乡镇的卫生院：", QLabel(centre["name"]))
        form.addRow("并入乡镇（街道）(&W)：", self.town)
        form.addRow("撤并年度(&Y)：", self.year)
        _finish(self, form, "该卫生院统计到撤并年度的上一年；其所在乡镇的机构自撤并年度起划归并入的乡镇，"
                "此前的年度仍按原乡镇。")

    def merger(self) -> Merger:
        town = self.town.currentText().strip()
        if not town:
            raise KnownError(NO_TOWN)
        return plan_merger(self.county, self.centre["id"], self.year.value(), town)

    def _update(self) -> None:
        try:
            self.preview.setPlainText("\n".join(self.merger().lines()))
        except KnownError as exc:
            self.preview.setPlainText(str(exc))


class PossibleMovesDialog(QDialog):
    """An import's rows naming an institution found only in another township that year: for
    each, the same institution moved (划转) or another one of the same name (新增)."""

    def __init__(self, questions: list[Any], parent: QWidget | None = None) -> None:
        # Imported here: the window starts without the importer's modules.
        from reports.excel.importer.townships import DECISIONS, MOVE, NEW

        super().__init__(parent)
        self.setWindowTitle("导入 Excel：同名机构在其他乡镇")
        self.questions = questions
        head = QLabel(f"以下 {len(questions)} 行的机构在本县其他乡镇有同名同类机构，且未填机构代码：可能是"
                      "撤乡并镇后划归新乡镇的同一机构，也可能是另一家同名机构。请逐行选择（也可在表中"
                      "填写机构代码后重新导入）。")
        head.setWordWrap(True)
        self.boxes: list[QComboBox] = []
        rows = QWidget()
        grid = QGridLayout(rows)
        grid.setColumnStretch(0, 1)  # the row's words take the width; the choice keeps its own
        for n, q in enumerate(questions):
            box = QComboBox()
            box.addItem("（请选择）", None)
            box.addItem(f"同一机构，自 {q.year} 年起划归“{q.town}”", MOVE)
            box.addItem(DECISIONS[NEW], NEW)
            box.setFixedWidth(280)
            label = QLabel(str(q))
            label.setWordWrap(True)
            grid.addWidget(label, n, 0)
            grid.addWidget(box, n, 1)
            self.boxes.append(box)
        scroll = QScrollArea()
        scroll.setWidget(rows)
        scroll.setWidgetResizable(True)
        scroll.setMinimumSize(760, 260)
        every = QHBoxLayout()
        for text, value in (("全部按同一机构划转", MOVE), ("全部按新机构新增", NEW)):
            button = QPushButton(text)
            button.clicked.connect(lambda _c=False, v=value: self._all(v))
            every.addWidget(button)
        every.addStretch(1)
        self.refusal = QLabel()
        self.refusal.setObjectName("refusal")
        self.refusal.setStyleSheet("color: #a40000;")
        self.refusal.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.addButton("继续导入", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(scroll, 1)
        layout.addLayout(every)
        layout.addWidget(self.refusal)
        layout.addWidget(buttons)

    def _all(self, value: str) -> None:
        """全部按同一机构划转 / 全部按新机构新增."""
        for box in self.boxes:
            box.setCurrentIndex(box.findData(value))

    def _accept(self) -> None:
        left = sum(1 for box in self.boxes if box.currentData() is None)
        if left:
            self.refusal.setText(f"还有 {left} 行未选择。")
            self.refusal.show()
            return
        self.accept()

    def decisions(self) -> dict[tuple[str, int], str]:
        return {q.key: box.currentData() for q, box in zip(self.questions, self.boxes)
                if box.currentData() is not None}


def _finish(dialog: Any, form: QFormLayout, note: str) -> None:
    """The two dialogs' common end: the note under the choices, the preview of what changes,
    the buttons, and the preview kept up to date as the township or year is chosen."""
    label = QLabel(note)
    label.setWordWrap(True)
    form.addRow("", label)
    form.addRow("将改变：", dialog.preview)
    finish_form(dialog, form)
    dialog.town.currentTextChanged.connect(dialog._update)
    dialog.year.valueChanged.connect(dialog._update)
    dialog._update()
