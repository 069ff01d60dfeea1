"""Excel's block keys for a tab's table: Ctrl+C copies the selected block (with the headers on
Ctrl+Shift+C), Ctrl+V pastes one checked whole before anything is written, Delete clears the
selected cells the same way. Mixed into desktop.tabs.base.TableTab, which writes the cells
(`apply`, one step of 撤销) and says refusals (`refuse`, `refuse_many`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSortFilterProxyModel
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QTableView

from desktop import clipboard
from desktop.models import ROW_ROLE, Column, RecordModel, row_label
from desktop.undo import Change

if TYPE_CHECKING:
    from desktop.context import Context


def _same_text(pasted: str, shown: str) -> bool:
    return " ".join(pasted.split()) == " ".join(shown.split())


def _record_model(view: QTableView) -> RecordModel:
    """The RecordModel behind a view, under its filter if it has one."""
    model = view.model()
    if isinstance(model, QSortFilterProxyModel):
        model = model.sourceModel()
    assert isinstance(model, RecordModel)
    return model


def _across_computed(computed: list[Column], columns: list[Column], left: int, width: int) -> str:
    """Why a block pasted across columns the program works out was refused, and the two ways on.
    The block is not spread over the other columns by itself: a block one column narrower may
    as well be one whose columns are not lined up, so the clerk says which."""
    names = "、".join(f"“{c.label}”" for c in computed)
    one = len(computed) == 1
    how = f"（{computed[0].tip}）" if one and computed[0].tip else ""
    text = (f"未粘贴：{names}{'这一列' if one else '这几列'}由程序根据其他列算出{how}，"
            f"不能粘贴，整块均未写入。")
    # Would the block fit the columns from the selection on, the computed ones skipped?
    fillable = [c for c in columns[left:] if c not in computed][:width]
    if len(fillable) == width and all(c.editable for c in fillable) \
            and columns[left + width - 1] not in computed:
        text += (f"复制的 {width} 列似乎就是表中跳过{names}后的 {width} 列"
                 f"（{'、'.join(c.label for c in fillable)}）。")
    text += (f"请分两次粘贴（{names}左边的列、右边的列各粘贴一次），"
             f"或在 Excel 中先删去{'这一列' if one else '这几列'}再复制。")
    return text


class BlockEditing:
    """Copy, paste and clear on a TableTab's table (see the module's docstring)."""

    ctx: Context | None
    view: QTableView
    proxy: QSortFilterProxyModel
    model: RecordModel


    def _selected_block(self, view: QTableView | None = None) -> tuple[int, int, int, int] | None:
        """(top, left, bottom, right) of the selection in view rows and columns, when it is one
        rectangle; the current cell when nothing is selected. `view` is the tab's table unless
        another (a tab's second, read-only table) is named."""
        view = view or self.view
        indexes = view.selectionModel().selectedIndexes() if view.selectionModel() else []
        if not indexes:
            cur = view.currentIndex()
            return (cur.row(), cur.column(), cur.row(), cur.column()) if cur.isValid() else None
        rows = [i.row() for i in indexes]
        cols = [i.column() for i in indexes]
        top, left, bottom, right = min(rows), min(cols), max(rows), max(cols)
        if len(indexes) != (bottom - top + 1) * (right - left + 1):
            self.refuse("选定的是几块不相连的区域：请选一个矩形区域再复制。")
            return None
        return top, left, bottom, right

    def copy(self, with_header: bool = False, view: QTableView | None = None) -> None:
        """The selected block of `view` (the tab's table unless named) to the clipboard as Excel
        writes it (counts without separators; a header on one line)."""
        view = view or self.view
        block = self._selected_block(view)
        if block is None:
            return
        top, left, bottom, right = block
        cells = [[self._copy_text(r, c, view) for c in range(left, right + 1)]
                 for r in range(top, bottom + 1)]
        if with_header:
            columns = _record_model(view).columns
            cells.insert(0, [" ".join(columns[c].label.split()) for c in range(left, right + 1)])
        QGuiApplication.clipboard().setText(clipboard.to_text(cells))
        n = (bottom - top + 1) * (right - left + 1)
        self._say(f"已复制 {n} 个单元格" + ("（含表头）" if with_header else ""))

    def _copy_text(self, view_row: int, column: int, view: QTableView | None = None) -> str:
        view = view or self.view
        row = view.model().index(view_row, column).data(ROW_ROLE)
        col = _record_model(view).columns[column]
        value = col.raw(row)
        if col.kind == "int" and isinstance(value, int):
            return str(value)
        return col.text(row)

    def paste(self) -> None:
        """Paste a block from Excel at the selection: every cell is read and checked first, then
        all are written in one transaction, or none (each refused cell named)."""
        if self.ctx is None:
            return
        block = clipboard.from_text(QGuiApplication.clipboard().text())
        if not block:
            self.refuse("剪贴板里没有可粘贴的文字：请先在 Excel 或本表中复制。")
            return
        target = self._selected_block()
        if target is None:
            self.refuse("请先选中要粘贴到的单元格。")
            return
        top, left, bottom, right = target
        if len(block) == 1 and len(block[0]) == 1:  # one value fills the selection, as in Excel
            block = [[block[0][0]] * (right - left + 1) for _ in range(bottom - top + 1)]
        height, width = len(block), len(block[0])
        rows, cols = self.proxy.rowCount(), self.proxy.columnCount()
        if top + height > rows or left + width > cols:
            self.refuse(f"未粘贴：复制的内容有 {height} 行 {width} 列，从所选单元格起表格只剩 "
                        f"{rows - top} 行 {cols - left} 列，超出了表格。")
            return
        changes, refusals, computed = self._read_block(block, top, left)
        if refusals and computed:
            self.refuse(_across_computed(computed, self.model.columns, left, width))
            return
        if refusals:
            self.refuse_many(refusals, "未粘贴")
            return
        if not changes:
            self._say("粘贴的内容与表中相同，没有改动。")
            return
        if self.apply(changes, f"粘贴 {len(changes)} 个单元格", year=self.ctx.year):
            self._select(top, left, top + height - 1, left + width - 1)
            same = height * width - len(changes)
            # The block as the clerk sees it, the cells already holding the value said apart.
            self._say(f"已粘贴 {height * width} 个单元格"
                      + (f"（其中 {same} 个与原值相同，未改动）" if same > 0 else ""))

    def _read_block(self, block: list[list[str]], top: int,
                    left: int) -> tuple[list[Change], list[str], list[Column]]:
        """The changes the block makes, the cells refused, and the columns the program works
        out when every refusal is a value pasted into one of them (a block copied from Excel
        across a column that only the table computes), else []."""
        changes: list[Change] = []
        refusals: list[str] = []
        computed: list[Column] = []
        others = False
        for r, cells in enumerate(block):
            row = self.proxy.index(top + r, left).data(ROW_ROLE)
            for c, text in enumerate(cells):
                col = self.model.columns[left + c]
                if not (col.editable and self.model.writer is not None):
                    # Rows copied back from Excel with their names are welcome when the names
                    # match; a name that differs means the rows are not lined up.
                    if not _same_text(text, self._copy_text(top + r, left + c)):
                        refusals.append(f"{row_label(row)}（{col.label}）：这一列不能在表中修改"
                                        f"，表中是“{col.text(row)}”，粘贴的是“{text.strip()}”")
                        if col.value is None:
                            others = True
                        elif col not in computed:
                            computed.append(col)
                    continue
                try:
                    value = col.parse(text)
                except ValueError as exc:
                    refusals.append(f"{row_label(row)}（{col.label}）：{exc}")
                    others = True
                    continue
                if value != col.raw(row):
                    why = self.inapplicable(row, col) if value is not None else None
                    if why:  # a fact this row does not fill: named before anything is written
                        refusals.append(f"{row_label(row)}（{col.label}）：{why.split('；')[0]}")
                        others = True
                        continue
                    changes.append(Change(dict(row), col.key, col.raw(row), value))
                elif (same := self.same_value(row, col)) is not None:
                    changes.append(same)
        return changes, refusals, [] if others else computed

    def same_value(self, row: dict[str, Any], col: Column) -> Change | None:
        """A value pasted as it is: no change, unless the tab says otherwise (a carried-over
        value is confirmed by it)."""
        return None

    def clear(self) -> None:
        """Delete: the selected cells back to blank (未填报), checked whole and written in one
        transaction, as a paste of blanks; a read-only cell that is not blank refuses it all."""
        if self.ctx is None:
            return
        indexes = self.view.selectionModel().selectedIndexes() if self.view.selectionModel() \
            else []
        if not indexes and self.view.currentIndex().isValid():
            indexes = [self.view.currentIndex()]
        changes: list[Change] = []
        refusals: list[str] = []
        for index in sorted(indexes, key=lambda i: (i.row(), i.column())):
            row = index.data(ROW_ROLE)
            col = self.model.columns[index.column()]
            if col.raw(row) is None or col.text(row) == "":
                continue
            if not (col.editable and self.model.writer is not None):
                refusals.append(f"{row_label(row)}（{col.label}）：这一列不能在表中修改，"
                                f"表中是“{col.text(row)}”，不能清除")
                continue
            changes.append(Change(dict(row), col.key, col.raw(row), None))
        if refusals:
            self.refuse_many(refusals, "未清除")
            return
        if not changes:
            self._say("所选单元格已是空白，没有改动。")
            return
        if self.apply(changes, f"清除 {len(changes)} 个单元格", year=self.ctx.year):
            self._say(f"已清除 {len(changes)} 个单元格")
