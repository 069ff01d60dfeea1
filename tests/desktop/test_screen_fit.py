"""Every window and dialog fits the commonest bureau screen, 1366×768 (the tests' offscreen
screen, tests/screen-1366x768.json), and a 1280×720 work area, with the largest realistic
content: the large demo county, long names, 30 merge conflicts."""

import datetime as _dt
from pathlib import Path
import shutil
from typing import Any

import pytest
from PySide6.QtCore import QByteArray, QDataStream, QIODevice, QRect
from PySide6.QtWidgets import QApplication, QStyle, QWidget
from pytestqt.qtbot import QtBot

from db import exchange
from db.backups import Backup
from db.county import CountyFile
from db.demo import write_demo
from desktop import dialogs, screen, settings
from desktop.exchange_dialogs import BackupsDialog, MergeDialog
from desktop.main_window import MainWindow
from desktop.tabs.activities import ActivityDialog
from desktop.tabs.institutions import InstitutionDialog
from desktop.tabs.tasks import PhasesDialog, TaskDialog

LONG = "青河县某某镇某某某某某村卫生室（县中医医院医共体成员单位·中医药特色示范站点）"
WORK_AREA = QRect(0, 0, 1280, 720)


@pytest.fixture(scope="module")
def large_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = write_demo(tmp_path_factory.mktemp("large") / "large.tcmcounty", "large")
    with CountyFile.open(path, daily_backup=False) as county:
        first = county.rows("institution", order="name")[0]
        county.update("institution", first["id"], {"name": LONG})
    return path


@pytest.fixture
def large(qtbot: QtBot, large_master: Path, tmp_path: Path) -> MainWindow:
    path = tmp_path / "大县.tcmcounty"
    shutil.copyfile(large_master, path)
    w = MainWindow()
    qtbot.addWidget(w)
    assert w.open_path(path)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w.watching_app)  # every window fitted from its first paint on
    return w


def assert_fits(qtbot: QtBot, widget: QWidget) -> None:
    """Shown, its whole frame lies on the screen; and its layout could shrink into a 1280×720
    work area (a title bar and borders included)."""
    widget.show()
    qtbot.waitExposed(widget)
    area = widget.screen().availableGeometry()
    assert area.size().width() == 1366 and area.size().height() == 768
    assert area.contains(widget.frameGeometry()), (widget.windowTitle(), widget.frameGeometry())
    smallest = widget.minimumSizeHint().expandedTo(widget.minimumSize())
    frame = screen.ASSUMED_FRAME
    assert smallest.width() + frame.left() + frame.right() <= WORK_AREA.width(), widget
    assert smallest.height() + frame.top() + frame.bottom() <= WORK_AREA.height(), widget
    # The title as the title bar shows it: on Linux Qt adds " — 中医药示范县创建自评".
    title = widget.fontMetrics().horizontalAdvance(screen.shown_title(widget))
    assert widget.width() >= title + 100, f"title cut: {screen.shown_title(widget)}"


@pytest.fixture(autouse=True)
def _program_name(qapp: QApplication) -> Any:
    """The program's name, which the title bars add to every title, as when it runs."""
    from desktop.about import TITLE

    before = qapp.applicationDisplayName()
    qapp.setApplicationDisplayName(TITLE)
    yield
    qapp.setApplicationDisplayName(before)


def test_first_run_fills_the_screen_with_the_status_bar_in_view(qtbot: QtBot) -> None:
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    area = w.screen().availableGeometry()
    assert area.contains(w.frameGeometry())
    assert w.width() >= area.width() - 40  # it uses the screen, not a fixed 1280×800
    bar = w.statusBar()
    assert area.contains(QRect(bar.mapToGlobal(bar.rect().topLeft()), bar.size()))


def test_a_saved_size_larger_than_the_screen_is_shrunk(qtbot: QtBot) -> None:
    big = QWidget()
    qtbot.addWidget(big)
    big.setGeometry(0, 0, 1900, 1040)  # saved on a 1920×1080 screen
    settings.remember_geometry(_geometry_of(big))
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    assert w.screen().availableGeometry().contains(w.frameGeometry())


def _geometry_of(widget: QWidget) -> QByteArray:
    """What QWidget.saveGeometry gives for a widget of this size, without showing it."""
    data = widget.saveGeometry()
    stream = QDataStream(data, QIODevice.OpenModeFlag.ReadOnly)
    assert stream.status() == QDataStream.Status.Ok
    return data


def test_the_main_window_with_the_large_county_fits(qtbot: QtBot, large: MainWindow) -> None:
    for index in range(large.tabs.count()):
        large.tabs.setCurrentIndex(index)
        assert_fits(qtbot, large)
    screen.fit(large, WORK_AREA)  # a 1366×768 screen less a task bar, or a 1280×720 one
    qtbot.waitUntil(lambda: WORK_AREA.contains(large.frameGeometry()))
    box = large.year_box
    widest = max(box.itemText(i) for i in range(box.count()))
    assert "（无数据）" in widest
    assert box.width() >= box.fontMetrics().horizontalAdvance(widest) + 20


def test_matrix_headers_are_whole_and_d5_reachable(qtbot: QtBot, large: MainWindow) -> None:
    large.tabs.setCurrentWidget(large.activities)
    view = large.activities.matrix_view
    header = view.horizontalHeader()
    model = view.model()
    margin = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin)
    for column in range(model.columnCount()):
        text = str(model.headerData(column, header.orientation()))
        widest = max(header.fontMetrics().horizontalAdvance(line) for line in text.split("\n"))
        assert header.sectionSize(column) >= widest + 2 * margin, text
    d5 = next(c for c in range(model.columnCount())
              if str(model.headerData(c, header.orientation())).startswith("四（一）5"))
    def d5_in_view() -> bool:
        view.scrollTo(model.index(0, d5))
        return view.viewport().rect().contains(view.visualRect(model.index(0, d5)))
    qtbot.waitUntil(d5_in_view)
    rect = view.visualRect(model.index(0, d5))
    right = view.viewport().mapToGlobal(rect.bottomRight())
    assert large.screen().availableGeometry().contains(right)


def test_every_dialog_fits(qtbot: QtBot, large: MainWindow, monkeypatch: pytest.MonkeyPatch,
                           tmp_path: Path) -> None:
    county = large.county
    assert county is not None
    shown: list[QWidget] = []
    monkeypatch.setattr(dialogs, "exec_dialog", lambda d: shown.append(d) or False)
    large.edit_profiles()
    worst = max(large.ctx.evaluation.results, key=lambda r: len(r.failing))
    assert len(worst.failing) > 20
    large.show_failing(worst.id)
    summary = "\n".join(f"第 {n} 行：{LONG}：将新增" for n in range(400))
    dialogs.show_text(large, "导入 Excel：确认要导入的变化", summary, accept="导入")
    found = [Backup(tmp_path / f"b{n}", "大县", _dt.datetime(2024, 1, 1, 8, n % 60), "每日")
             for n in range(60)]
    for b in found:
        b.path.write_bytes(b"x")
    for dialog in [*shown, BackupsDialog(found, large),
                   InstitutionDialog(county, None, large),
                   InstitutionDialog(county, county.rows("institution", "name = ?", (LONG,))[0],
                                     large),
                   ActivityDialog(county, large.year, None, large),
                   TaskDialog([LONG, "第二阶段"], large), PhasesDialog(county, large)]:
        qtbot.addWidget(dialog)
        assert_fits(qtbot, dialog)
        dialog.close()
    assert [type(d).__name__ for d in shown] == ["ProfileDialog", "FailingDialog", "QDialog"]


def test_a_merge_with_30_conflicts_fits(qtbot: QtBot, large: MainWindow, tmp_path: Path) -> None:
    county = large.county
    assert county is not None
    other = tmp_path / "乡镇.tcmcounty"
    shutil.copyfile(county.path, other)
    some = county.rows("institution", order="name")[:30]
    with CountyFile.open(other, machine="b" * 32, daily_backup=False) as o:
        for n, row in enumerate(some):
            o.update("institution", row["id"], {"code": f"T{n:05d}"})
    for n, row in enumerate(some):
        county.update("institution", row["id"], {"code": f"M{n:05d}"})
    plan = exchange.plan_merge(county, other)
    assert len(plan.conflicts) == 30
    dialog = MergeDialog(plan, large)
    qtbot.addWidget(dialog)
    assert_fits(qtbot, dialog)


def test_message_boxes_fit_and_show_their_title(qtbot: QtBot, large: MainWindow) -> None:
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Information, "乡镇填报文件（太溪镇）已写出", "好", parent=large)
    qtbot.addWidget(box)
    assert_fits(qtbot, box)
    QApplication.processEvents()


def test_the_review_tab_and_its_dialogs_fit(qtbot: QtBot, large: MainWindow,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """模拟评审 with a 30-institution sample of the large county (a long name among them): the
    tab, 新建模拟评审 and 历次比较."""
    from desktop import review_actions
    from reports.judge import review as rv

    county = large.county
    assert county is not None
    shown: list[QWidget] = []
    monkeypatch.setattr(dialogs, "exec_dialog", lambda d: shown.append(d) or False)
    review_actions.new_review(large)  # the dialog, cancelled
    long_one = county.rows("institution", "name = ?", (LONG,))[0]
    for n in range(3):
        rid = rv.create_review(county, large.year, seed=20240601 + n, rule=rv.Rule(1, 9, 20))
    sample = rv.load(county, rid).sample
    if long_one["id"] not in {i["id"] for i in sample}:
        kin = next(i for i in sample if i["type"] == long_one["type"])
        rv.swap(county, rid, kin["id"], long_one["id"], f"换入{LONG}以核对其名称的显示")
    large.tabs.setCurrentWidget(large.review_tab)
    large.review_tab.refresh(large.ctx)
    assert large.review_tab.model.rowCount() > 100
    assert_fits(qtbot, large)
    review_actions.compare_reviews(large)
    assert [type(d).__name__ for d in shown] == ["NewReviewDialog", "QDialog"]
    for dialog in shown:
        qtbot.addWidget(dialog)
        assert_fits(qtbot, dialog)
        dialog.close()


def test_the_rollup_window_fits(qtbot: QtBot, large_master: Path, tmp_path: Path) -> None:
    from desktop.rollup_window import RollupWindow

    folder = tmp_path / "各县"
    folder.mkdir()
    for name in ("青河县", "白水县"):
        shutil.copyfile(large_master, folder / f"{name}.tcmcounty")
    view = RollupWindow(folder, 2024, lambda _path: None)
    qtbot.addWidget(view)
    assert_fits(qtbot, view)


def test_dialog_titles_are_whole_beside_the_program_name(qtbot: QtBot, large: MainWindow,
                                                        tmp_path: Path) -> None:
    """Issue 27: "新建县级数据文… 范县创建自评", "写出乡镇填报文…" were cut in the title bar."""
    from PySide6.QtWidgets import QFileDialog, QInputDialog

    ask = QInputDialog(large)
    ask.setWindowTitle("写出乡镇填报文件")
    ask.setLabelText("乡镇（街道）：")
    ask.setComboBoxItems(["太溪镇", "城关街道"])
    files = QFileDialog(large, "新建县级数据文件", str(tmp_path), "县级数据文件 (*.tcmcounty)")
    files.setOption(QFileDialog.Option.DontUseNativeDialog)
    for dialog in (ask, files):
        qtbot.addWidget(dialog)
        assert_fits(qtbot, dialog)
        dialog.close()
