"""What the window calls an indicator or an item is the reviewers' word: the standard's 条目 and
its text (二（一）6 医联体覆盖人口比例), never the program's ids (B8, G01, H1), as the report does
(tests/reports/pdf/test_reader_words.py). Every tab of the demo county (small and large), a
township's fill-in file and a county whose 评分表 leaves an indicator out is walked, and every
text a clerk can read is searched: headlines and labels, tables' headers and cells with their
tooltips, buttons, boxes, the status bar, and the dialogs opened from 总览, 达标路径, 机构 and
目标设置."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
import re
import shutil
from typing import Any

import pytest
from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QComboBox, QDialog, QLabel,
                               QLineEdit, QPlainTextEdit, QTextEdit, QWidget)
from pytestqt.qtbot import QtBot

from db.county import CountyFile
from db.demo import write_demo
from db.exchange import write_township_file
from desktop import dialogs
from desktop.main_window import MainWindow
from desktop.profile_dialog import ProfileDialog
from reports.judge import review
from reports.judge import standard as standards
from reports.judge.review import Rule
from reports.judge.span import years_change
from tests.desktop.conftest import bar_menus
from tests.internal_ids import internal_ids, pattern
from tests.reports.pdf.test_checklist import _finish

YEAR = 2024
ROWS = 150  # of each table: the rows a clerk sees first, and then some
UNLISTED = "B8"  # 医联体覆盖人口比例, which the province's 评分表 below leaves out
RENUMBERED = {"A1": "二（二）9"}  # and numbers otherwise
_TAGS = re.compile(r"<[^>]+>")
_ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)


# ---- reading what a clerk reads ------------------------------------------------------------------

def _plain(text: Any) -> str:
    """Rich text as it reads (a colour such as #a40000 is not a word on screen)."""
    return _TAGS.sub(" ", str(text)).replace("&nbsp;", " ")


def _model_texts(model: QAbstractItemModel, where: str) -> Iterator[tuple[str, str]]:
    for col in range(model.columnCount()):
        for role in _ROLES:
            header = model.headerData(col, Qt.Orientation.Horizontal, role)
            if header:
                yield f"{where} 表头{col}", str(header)
    for row in range(min(model.rowCount(), ROWS)):
        for col in range(model.columnCount()):
            for role in _ROLES:
                value = model.index(row, col).data(role)
                if value:
                    yield f"{where} 第{row + 1}行第{col + 1}列", str(value)


def texts(widget: QWidget, where: str) -> Iterator[tuple[str, str]]:
    """(where, text) for every text `widget` and its children show or give as a tooltip."""
    yield f"{where} 标题", widget.windowTitle()
    for w in [widget, *widget.findChildren(QWidget)]:
        name = f"{where} {type(w).__name__}“{w.objectName()}”"
        if w.toolTip():
            yield f"{name} 提示", w.toolTip()
        if isinstance(w, QLabel):
            yield name, w.text()
        elif isinstance(w, QAbstractButton):
            yield name, w.text()
        elif isinstance(w, QLineEdit):
            yield name, f"{w.text()} {w.placeholderText()}"
        elif isinstance(w, (QPlainTextEdit, QTextEdit)):
            yield name, w.toPlainText()
        elif isinstance(w, QComboBox):
            yield from ((name, w.itemText(i)) for i in range(w.count()))
        elif isinstance(w, QAbstractItemView) and w.model() is not None:
            yield from _model_texts(w.model(), name)


def ids_in(found: re.Pattern[str], seen: Iterator[tuple[str, str]]) -> list[str]:
    """Each id the texts hold, with where it is and the words around it."""
    return [f"{where}：…{hit}…" for where, text in seen for hit in internal_ids(_plain(text), found)]


def window_texts(w: MainWindow) -> Iterator[tuple[str, str]]:
    """Every tab shown in turn, then the window around them (banner, status bar, tab names)."""
    for i in range(w.tabs.count()):
        w.tabs.setCurrentIndex(i)
        yield from texts(w.tabs.widget(i), f"“{w.tabs.tabText(i)}”页")
    for i in range(w.tabs.count()):
        yield "页签", f"{w.tabs.tabText(i)} {w.tabs.tabToolTip(i)}"
    yield "窗口标题", w.windowTitle()
    yield "横幅", w.banner.text()
    yield "状态栏", w.statusBar().currentMessage()


def dialog_texts(w: MainWindow, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, str]]:
    """The dialogs 总览, 达标路径, 机构 and 目标设置 open, each read as it is shown."""
    seen: list[tuple[str, str]] = []

    def read(dialog: QDialog) -> bool:
        seen.extend(texts(dialog, f"对话框“{dialog.windowTitle()}”"))
        return False
    monkeypatch.setattr(dialogs, "exec_dialog", read)
    monkeypatch.setattr(dialogs, "open_file_names",
                        lambda _p, title, _f: seen.append(("选择文件对话框", title)) or [])
    monkeypatch.setattr(dialogs, "show_text",
                        lambda _p, title, text, **_k: seen.append((title, text)) or False)
    assert w.ctx is not None
    overview = w.overview
    w.tabs.setCurrentWidget(overview)
    # the failing institutions of every indicator that has any, and 佐证材料 of the first rows
    opened = 0
    for row in list(overview.model.rows):
        if row.get("indicator") and (row.get("failing_count") or row.get("waiting_count")):
            w.show_failing(row["indicator"])
            opened += 1
    for row in overview.model.rows[:3] + [r for r in overview.model.rows if r["veto"]]:
        overview.select_record(row["id"])
        overview.attach()
        overview.evidence()
    # 达标路径: 安排 with the first action selected; its 责任人 typed in, then undone, as the
    # 编辑 menu and the status bar name the step
    path = w.path_tab
    w.tabs.setCurrentWidget(path)
    if path.proxy.rowCount():
        path.view.selectRow(0)
        path.arrange()
        person = path.proxy.index(0, path.model.column_index("person"))
        assert path.proxy.setData(person, "张三")
        seen.extend(("编辑菜单", a.text()) for menu in bar_menus(w) for a in menu.actions())
        assert w.history.undo()
        seen.append(("状态栏", w.statusBar().currentMessage()))
    # 机构: what closing the first centre in the year would change, as asked before saving
    centre = next(r for r in w.ctx.year_facts().institutions if r["type"] == "township_hc")
    for change in years_change(w.ctx.county, centre["id"], {"active_to": YEAR - 1}):
        seen.append(("修改统计年度", str(change)))
    # 目标设置: every row, a row's detail, and what a refused entry says
    profiles = ProfileDialog(w.ctx.county, w)
    rows = profiles.model.rows
    for n in range(len(rows)):
        profiles.table.setCurrentIndex(profiles.model.index(n, 1))
        seen.append(("目标设置 说明", profiles.detail.text()))
    item_row = next(n for n, r in enumerate(rows) if r.get("item"))
    profiles._write(rows[item_row], profiles.model.columns[2], "x")
    seen.extend(texts(profiles, "目标设置"))
    profiles.close()
    # Every list of institutions short of a scored item was opened (a statistic, 不计分, has
    # none: its institutions are not said to fall short).
    assert opened or not [r for r in w.ctx.evaluation.results
                          if (r.failing or r.not_reported) and not r.statistic]
    yield from seen


# ---- the files -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def masters(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("words")
    out = {size: write_demo(folder / f"{size}.tcmcounty", size) for size in ("small", "large")}
    # a finished 模拟评审 (its score names the 必备 items missed)
    for path in out.values():
        with CountyFile.open(path) as county:
            rid = review.create_review(county, YEAR, seed=3, rule=Rule(1, 2, 2), name="模拟评审")
            _finish(county, rid)
    # A province's 评分表 without the 医联体 item (B8 is then the county's own indicator) and
    # with its own number for the 中医馆 item.
    imported = folder / "imported.tcmcounty"
    shutil.copyfile(out["small"], imported)
    with CountyFile.open(imported) as county:
        raw = standards.for_county(county).to_dict()
        for section in raw["sections"]:
            section["items"] = [i for i in section["items"] if i["id"] != UNLISTED]
            for i in section["items"]:
                i["code"] = RENUMBERED.get(i["id"], i["code"])
        raw.pop("total", None)
        standards.store(county, standards.parse(raw))
    out["imported"] = imported
    # a township's fill-in file: the county's figures are 由县里汇总 there
    with CountyFile.open(out["small"]) as county:
        town = county.rows("institution", "type = 'township_hc'", order="name")[0]["township"]
        out["township"] = write_township_file(county, town, folder / "township.tcmcounty")
    return out


def _window(qtbot: QtBot, masters: dict[str, Path], kind: str, tmp_path: Path) -> MainWindow:
    path = tmp_path / f"{kind}.tcmcounty"
    shutil.copyfile(masters[kind], path)
    w = MainWindow()
    qtbot.addWidget(w)
    assert w.open_path(path)
    w.show_year(YEAR)
    return w


@pytest.mark.parametrize("kind", ["small", "large", "imported", "township"])
def test_no_tab_or_dialog_shows_an_internal_id(qtbot: QtBot, masters: dict[str, Path],
                                               kind: str, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    w = _window(qtbot, masters, kind, tmp_path)
    assert w.ctx is not None
    found = pattern(i.id for i in standards.for_county(w.ctx.county).items)
    seen = [*window_texts(w), *dialog_texts(w, monkeypatch)]
    shown = " ".join(_plain(t) for _w, t in seen)
    # What it reads is there: the headline, the 条目 of a 必备 item, 达标路径's steps, the
    # 目标设置 and failing dialogs (a walk that read nothing would find no id either).
    assert "必备项" in shown and "一（一）1" in shown and "目标设置 说明" in {w for w, _t in seen}
    assert "“一（一）1 全县”的责任人" in shown or kind == "township"  # 撤销 names the step so
    assert any(where.startswith("对话框") for where, _t in seen)
    if kind == "imported":  # cited by the file's own 评分表
        assert "医联体覆盖人口比例（本县指标）" in shown and "二（二）9 中医馆设置率" in shown
    hits = ids_in(found, iter(seen))
    assert hits == [], "\n".join(hits)


def test_the_pattern_reads_rich_text_as_the_clerk_does() -> None:
    found = pattern()
    assert ids_in(found, iter([("", "<b>G01 将中医药工作纳入</b>"), ("", "二（一）6 B超室")])) \
        == ["：… G01 将中医药工作纳入 …"]
    assert ids_in(found, iter([("", "<span style='color:#A40000'>一（一）1</span>")])) == []


# ---- 总览's search ---------------------------------------------------------------------------------

@pytest.mark.parametrize("typed, code", [
    ("二（一）6", "二（一）6"),  # as an input method types the brackets
    ("二(一)6", "二（一）6"),  # as a keyboard without one does
    ("医联体覆盖人口", "二（一）6"),  # words of its text
    ("B8", "二（一）6"),  # the id a clerk remembers from the command line: found, never shown
    ("G02", "一（一）2"),
])
def test_the_search_finds_an_item_by_its_code_words_or_id(
        qtbot: QtBot, masters: dict[str, Path], tmp_path: Path, typed: str, code: str) -> None:
    w = _window(qtbot, masters, "small", tmp_path)
    w.overview.search.setText(typed)
    shown = [w.overview.model.rows[w.overview.proxy.mapToSource(w.overview.proxy.index(r, 0))
                                   .row()]["code"] for r in range(w.overview.proxy.rowCount())]
    assert code in shown and len(shown) <= 3
    headers = [w.overview.model.headerData(c, Qt.Orientation.Horizontal)
               for c in range(w.overview.model.columnCount())]
    assert "条目" in headers and "编号" not in headers

