"""模拟评审: the year's rehearsals of the on-site review. Pick a review, see its seed, rule and
score; enter what was found, item by item at each sampled institution, from the keyboard
(1 or Y = 符合, 2 or N = 不符合, 0 or Delete clears; the cursor moves on), with a note and photos.
Rows where the books and the finding differ are marked. The actions (new review, swap, photos,
checklist PDF, workbook) are in desktop/review_actions.py; this tab asks for them by name."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import QComboBox, QLabel, QSizePolicy, QToolBar

from db.errors import KnownError
from db.vocab import INSTITUTION_TYPES
from desktop.context import Context
from desktop.models import Column
from desktop.tabs.base import TableTab, caption
from reports.judge import review as rv

_VERDICTS = {rv.AGREE: rv.AGREE, rv.DISAGREE: rv.DISAGREE}
_KEYS = {Qt.Key.Key_1: rv.AGREE, Qt.Key.Key_Y: rv.AGREE, Qt.Key.Key_2: rv.DISAGREE,
         Qt.Key.Key_N: rv.DISAGREE, Qt.Key.Key_0: None, Qt.Key.Key_Delete: None}
ACTIONS = (("new", "新建模拟评审(&N)…"), ("swap", "调换机构(&T)…"), ("photo", "添加照片(&A)…"),
           ("open_photos", "查看照片(&K)"), ("checklist", "现场核查表 PDF(&C)…"),
           ("export", "导出 Excel(&O)…"), ("compare", "历次比较(&B)"))


def _verdict_tone(row: dict[str, Any]) -> str | None:
    if row["verdict"] is None:
        return None
    return "pass" if row["verdict"] == rv.AGREE else "fail"


_COUNTED = {True: "计入", False: "不计入"}  # a share item's books, in the 台账 column


def _differs(row: dict[str, Any]) -> bool:
    """As 台账与现场不一致 counts: under a share item (中医阁) the books' 台账 column is blank, and
    they differ where they count the institution and the site does not, or the reverse."""
    return (row["verdict"] is not None and row["said"] is not None
            and row["verdict"] != row["said"])


class ReviewTab(TableTab):
    action_requested = Signal(str)  # a name of ACTIONS; the window runs it

    def __init__(self) -> None:
        super().__init__([
            Column("ord", "序号", "int", width=45),
            Column("township", "乡镇（街道）", width=90),
            Column("name", "机构", width=170),
            Column("code", "条目", width=70),
            Column("item_text", "评分项", width=220, whole_tip=True),
            Column("book", "台账记载", width=200, whole_tip=True),
            Column("book_verdict", "台账", width=55,
                   tip="台账的判断。只要求部分机构达到的项目（中医阁 ≥ 10% 等）不逐家判断达标：“计入”是"
                       "台账把本机构算进全县数，“不计入”是没有算进"),
            Column("verdict", "现场结论", "choice", editable=True, choices=_VERDICTS, width=70,
                   tone=_verdict_tone, tip="1 或 Y：符合；2 或 N：不符合；0 或 Delete：清除"),
            Column("note", "备注", editable=True, width=150),
            Column("photos", "照片", "int", width=45),
            Column("differs", "台账与现场", width=90,
                   value=lambda r: "不一致" if _differs(r) else "",
                   tone=lambda r: "fail" if _differs(r) else None),
        ], frozen=3)
        self.view.setSortingEnabled(False)
        self.review_id: str | None = None
        self.picker = QComboBox(self)
        self.picker.setObjectName("review_picker")
        self.picker.currentIndexChanged.connect(lambda _i: self._picked())
        self.filters.insertWidget(0, self.picker, 2)
        self.filters.insertWidget(0, caption("评审", "P", self.picker, self))
        self.inst_filter = self.add_filter("inst_id", "机构", "J")
        # A tool bar, not a row of buttons: on a narrow window the rest fold into its ›› menu.
        bar = QToolBar(self)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.buttons: dict[str, QAction] = {}
        for key, label in ACTIONS:
            action = bar.addAction(label)
            action.setIconText(label)  # else the tool button drops the access letter
            action.setObjectName(f"review_{key}")
            self.tab_actions.append(action)
            action.triggered.connect(lambda _c=False, k=key: self.action_requested.emit(k))
            self.buttons[key] = action
        self.layout_.insertWidget(0, bar)
        self.summary = QLabel(self)
        self.summary.setObjectName("review_summary")
        self.summary.setWordWrap(True)
        # Its width is the window's, never its text's: a long line wraps instead of widening
        # the tab past the screen.
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.layout_.insertWidget(1, self.summary)
        self.view.installEventFilter(self)
        # The score is recomputed a moment after the last keystroke, not on every one.
        self.rescore = QTimer(self)
        self.rescore.setSingleShot(True)
        self.rescore.setInterval(300)
        self.rescore.timeout.connect(self.show_score)

    # ---- loading -----------------------------------------------------------------------------

    def refresh(self, ctx: Context) -> None:
        self.ctx = ctx
        rows = rv.reviews(ctx.county, ctx.year)
        keep = self.review_id
        self.picker.blockSignals(True)
        self.picker.clear()
        for row in rows:
            self.picker.addItem(f"{row['name']}（抽签号 {row['seed']}）", row["id"])
        at = self.picker.findData(keep) if keep else -1
        self.picker.setCurrentIndex(at if at >= 0 else self.picker.count() - 1)
        self.picker.blockSignals(False)
        self._picked()

    def _picked(self) -> None:
        self.review_id = self.picker.currentData()
        # A township's file enters its own institutions' findings; the draw is the bureau's
        # (one drawn here would pick among this township's institutions alone).
        town = self.ctx.evaluation.township_scope if self.ctx is not None else None
        for key, button in self.buttons.items():
            drawn_by_county = bool(town) and key in ("new", "swap")
            button.setEnabled(not drawn_by_county and (key == "new" or self.review_id is not None))
            button.setToolTip("模拟评审由县卫生健康局抽取和调换机构；乡镇填报文件中录入本乡镇机构的现场结论"
                              if drawn_by_county else "")
        if self.ctx is None:
            return
        try:
            rows = self.load(self.ctx)
        except KnownError as exc:  # a review the file holds but cannot read (damaged there)
            self.model.set_rows([])
            self.fill_filter(self.inst_filter, [])
            self.summary.setText(str(exc))
            return
        self.model.set_rows(rows)
        sample = sorted({(r["ord"], r["inst_id"], r["name"]) for r in self.model.rows})
        self.fill_filter(self.inst_filter, [(f"{k}. {name}", iid) for k, iid, name in sample])
        self.show_score()

    def load(self, ctx: Context) -> list[dict[str, Any]]:
        if self.review_id is None or ctx.county.get("review", self.review_id) is None:
            self.review_id = None
            return []
        _, sheets = rv.sheets(ctx.county, self.review_id, ctx.evaluation)
        rows = []
        for k, sheet in enumerate(sheets, start=1):
            inst = sheet.inst
            for line in sheet.lines:
                rows.append({
                    "id": f"{inst['id']}/{line.item.id}", "review_id": self.review_id,
                    "inst_id": inst["id"],
                    "item_id": line.item.id, "ord": k, "township": inst["township"],
                    "name": inst["name"] + (f"（调换，原抽中{inst['drawn']}）"
                                            if inst.get("drawn") else ""),
                    "type": INSTITUTION_TYPES.get(inst["type"], ""), "code": line.item.code,
                    "item_text": line.text, "book": line.book.text,
                    # a share item's books do not judge the institution; they count it or not
                    "book_verdict": line.book.verdict or _COUNTED.get(line.book.claims),
                    "said": line.said,
                    "verdict": line.verdict,
                    "note": line.note or None, "photos": line.photos or None,
                })
        return rows

    def show_score(self) -> None:
        if self.ctx is not None and not self.ctx.county.is_open:
            # Closed (another file opened, or the window quitting) within the moment after the
            # last finding was keyed: the finding is saved; there is nothing left to score here.
            return
        if self.ctx is None or self.review_id is None:
            self.summary.setText("本年度还没有模拟评审。点“新建模拟评审…”按评审专家的方式抽取机构。")
            return
        out = rv.score_review(self.ctx.county, self.review_id, self.ctx.evaluation)
        r, s = out.review, out.score
        head = f"<b>{r.name}</b>　抽签号 <b>{r.seed}</b>（{r.rule.text()}）<br/>"
        rest = (f"台账与现场不一致 {len(out.differences)} 处；整改 {len(out.fixes)} 项；"
                f"已录入 {out.entered} / {out.expected}")
        if self.ctx.evaluation.township_scope:
            # A township's file holds only its own institutions: a score here would be the
            # county's judged on a fraction of its data.
            self.summary.setText(head + "模拟评审在县里计分：县卫生健康局合并各乡镇的现场结论后"
                                 f"计算得分，此处不显示得分；{rest}")
            return
        if not out.complete:
            # A score from part of the findings would read as a result: coverage only.
            self.summary.setText(
                head + f"<b>{out.coverage_text}</b>：现场结论录完后显示模拟评审得分（按抽查口径）；"
                f"台账与现场不一致 {len(out.differences)} 处；整改 {len(out.fixes)} 项")
            return
        # The item's 条目 and words, as 总览 names it: a code alone (一（一）1) says little to
        # the clerk. One fact a line, so the headline wraps inside the window at 1366 px however
        # many 必备 items fail.
        veto = "、".join(self.ctx.cite(i) for i in s.veto_failures)
        self.summary.setText(
            head + f"{out.coverage_text}，模拟评审得分（按抽查口径） <b>{s.total:g}</b> / {s.max:g} 分，"
            f"合格线 {s.pass_mark:g} 分，<b>{'通过' if s.passed else '未通过'}</b>；"
            f"同期按台账 {out.books_score.total:g} 分；台账与现场不一致 {len(out.differences)} 处；"
            f"整改 {len(out.fixes)} 项" + (f"<br/>必备项未达到：{veto}" if veto else ""))

    # ---- entering findings -------------------------------------------------------------------

    def store(self, row: dict[str, Any], values: dict[str, Any], year: int) -> None:
        """A finding typed, pasted, undone or redone (one step of 撤销 each, as in every tab)."""
        if self.ctx is None:
            raise KnownError("没有打开的文件")
        county = self.ctx.county
        # The row names its review: an undo after another review was picked still goes home.
        # The field not being written is read from the file, not from the row as it was shown
        # (an undo carries an old copy of the row).
        now = county.get("review_finding", rv.finding_id(county, row["review_id"], row["inst_id"],
                                                         row["item_id"])) or {}
        rv.set_finding(county, row["review_id"], row["inst_id"], row["item_id"],
                       values["verdict"] if "verdict" in values else now.get("verdict"),
                       values["note"] if "note" in values else now.get("note"))

    def cells_written(self) -> None:
        # A finding changes the review's score, not the year's judgement of the books: no
        # re-judging the year; the score is recomputed a moment after the last keystroke.
        self.rescore.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if (watched is self.view and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent) and self._quick_key(event)):
            return True
        return super().eventFilter(watched, event)

    def _quick_key(self, event: QKeyEvent) -> bool:
        """1/Y, 2/N, 0/Delete set the finding of the current row and move to the next one."""
        key = Qt.Key(event.key())
        index = self.view.currentIndex()
        if key not in _KEYS or not index.isValid() or self.review_id is None:
            return False
        if self.model.columns[index.column()].key == "note":
            return False  # typing a note
        verdict_col = self.model.column_index("verdict")
        target = self.proxy.index(index.row(), verdict_col)
        self.proxy.setData(target, _KEYS[key])
        below = self.proxy.index(index.row() + 1, index.column())
        if below.isValid():
            self.view.setCurrentIndex(below)
        return True

    def selected_finding(self) -> dict[str, Any] | None:
        return self.selected_row()
