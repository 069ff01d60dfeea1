"""Room on the commonest bureau screen, 1366×768, as a clerk looks at it: every header reads
whole, the columns holding the names and findings show them whole before an empty column gets
room, and a table below another shows its rows when they are few."""

from pathlib import Path
import shutil
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QStyle, QTableView
from pytestqt.qtbot import QtBot

from db.demo import write_demo
from desktop.columns import widths
from desktop.main_window import MainWindow


def _shown(qtbot: QtBot, window: MainWindow, key: str) -> Any:
    window.show()
    qtbot.waitExposed(window)
    page = window.page(key)
    window.tabs.setCurrentWidget(page)
    qtbot.wait(20)  # the rows laid out, the scroll bars settled
    return page


def _words(view: QTableView, column: int) -> int:
    header = view.horizontalHeader()
    text = str(view.model().headerData(column, Qt.Orientation.Horizontal))
    return max(header.fontMetrics().horizontalAdvance(line) for line in text.split("\n"))


def _whole_text(view: QTableView, column: int) -> None:
    """Every cell of the column shows its text whole (marked cells are bold)."""
    font = QFont(view.font())
    font.setBold(True)
    metrics = QFontMetrics(font)
    margin = view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view)
    model = view.model()
    for row in range(model.rowCount()):
        text = str(model.index(row, column).data() or "")
        assert metrics.horizontalAdvance(text) + 2 * (margin + 1) <= view.columnWidth(column), text


def _fits(view: QTableView) -> None:
    """No column is cut at the right edge: each header reads whole, the last one too."""
    header = view.horizontalHeader()
    for column in range(header.count()):
        assert header.sectionSize(column) >= _words(view, column) + 8, column
    assert header.length() <= view.viewport().width(), view.objectName()


def test_the_tables_that_fit_1366_show_every_header_whole(qtbot: QtBot,
                                                          window: MainWindow) -> None:
    """填报进度's last header read "尚未达到的年度要…", 文化宣传活动's "重复录入" was cut."""
    for key, views in (("progress", ("view", "town_view")), ("activities", ("view", "matrix_view")),
                       ("overview", ("view",)), ("path", ("view", "pace_view")),
                       ("checks", ("view",)), ("tasks", ("view",))):
        page = _shown(qtbot, window, key)
        for name in views:
            _fits(getattr(page, name))


def test_names_and_findings_get_the_room_before_empty_columns(qtbot: QtBot,
                                                              window: MainWindow) -> None:
    """总览's 板块 read "一 组织管理…", 数据核查's 核查项 "执业（助理）医师数变化…" beside an empty
    核实说明, and the D1–D5 matrix "东城街道社区卫生服务…" with room to spare beside it."""
    overview = _shown(qtbot, window, "overview")
    _whole_text(overview.view, overview.model.column_index("section_name"))
    checks = _shown(qtbot, window, "checks")
    _whole_text(checks.view, checks.model.column_index("label"))
    activities = _shown(qtbot, window, "activities")
    _whole_text(activities.matrix_view, 0)
    _whole_text(activities.view, activities.model.column_index("institution"))


def test_room_goes_to_cut_text_first_and_typed_columns_keep_theirs() -> None:
    # Spec widths 100, 100, 100, 100 in 400 px: the second column's text wants 150, the third
    # holds nothing (its header 40), the fourth is typed into and keeps its 100.
    got = widths(400, [100, 100, 100, 100], [40, 40, 40, 40], [90, 150, 0, 0],
                 [False, False, False, True])
    assert got[1] == 150 and got[3] == 100 and sum(got) == 400
    assert got[2] >= 40
    # Overflowing: room comes from columns wider than their words, the table then fits.
    got = widths(300, [100, 100, 100, 100], [40, 40, 40, 40], [60, 60, 60, 60],
                 [False] * 4)
    assert got == [75, 75, 75, 75]
    # Nothing left to give: the columns keep their widths (the table scrolls), none under its
    # header.
    got = widths(100, [60, 60], [50, 50], [60, 60], [False, False])
    assert got == [60, 60]


def test_a_column_the_clerk_widened_stays_after_a_reload(qtbot: QtBot,
                                                         window: MainWindow) -> None:
    checks = _shown(qtbot, window, "checks")
    header = checks.view.horizontalHeader()
    column = checks.model.column_index("detail")
    before = header.sectionSize(column)
    edge = header.sectionViewportPosition(column) + before - 1
    y = header.height() // 2
    qtbot.mousePress(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(edge, y))
    qtbot.mouseMove(header.viewport(), QPoint(edge + 20, y))
    qtbot.mouseMove(header.viewport(), QPoint(edge + 40, y))
    qtbot.mouseRelease(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(edge + 40, y))
    widened = header.sectionSize(column)
    assert widened > before
    checks.refresh(window.ctx)
    assert header.sectionSize(column) == widened


def test_the_lower_tables_show_their_rows_when_few(qtbot: QtBot, window: MainWindow) -> None:
    """达标路径's 年度最低要求 said "未达到的 5 项" and showed 4; 填报进度 showed 4½ of 12 townships.
    The main table above (below) keeps its rows in view too."""
    # The demo's 2024 misses four yearly minimums; a centre's 宣传栏更换 taken off makes the five.
    county = window.county
    assert county is not None
    for r in county.query("""SELECT a.id FROM activity a
                             JOIN institution i ON i.id = a.institution_id
                             WHERE i.name = '永丰镇卫生院' AND a.kind = '宣传栏更换'
                             AND a.date LIKE '2024%'"""):
        county.delete("activity", r["id"])
    window._year_changed()
    path = _shown(qtbot, window, "path")
    rows = path.pace_proxy.rowCount()
    assert rows == 5
    assert path.pace_view.viewport().height() >= rows * path.pace_view.rowHeight(0)
    assert path.view.viewport().height() >= 8 * path.view.rowHeight(0)
    progress = _shown(qtbot, window, "progress")
    towns = progress.towns_proxy.rowCount()
    assert towns == 12
    assert progress.town_view.viewport().height() >= towns * progress.town_view.rowHeight(0)
    assert progress.view.viewport().height() >= 6 * progress.view.rowHeight(0)


def test_a_splitter_the_clerk_moved_stays_after_a_reload(qtbot: QtBot,
                                                         window: MainWindow) -> None:
    progress = _shown(qtbot, window, "progress")
    split = progress.split
    split.moveSplitter(120, 1)  # the handle dragged up: fewer townships, more institutions
    sizes = split.sizes()
    assert sizes[0] <= 120
    progress.refresh(window.ctx)
    assert split.sizes() == sizes


@pytest.fixture(scope="module")
def large_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_demo(tmp_path_factory.mktemp("large") / "large.tcmcounty", "large")


def test_the_activity_log_shows_every_column_at_1366_with_the_large_county(
        qtbot: QtBot, large_master: Path, tmp_path: Path) -> None:
    """The large county's log (1,000-odd rows, 社区卫生服务中心 names) scrolled sideways at
    1366×768, its last column 佐证 cut off beside the D1–D5 matrix."""
    path = tmp_path / "大县.tcmcounty"
    shutil.copyfile(large_master, path)
    window = MainWindow()
    qtbot.addWidget(window)
    assert window.open_path(path)
    activities = _shown(qtbot, window, "activities")  # at the size it opens with on 1366×768
    assert window.width() <= 1366
    view = activities.view
    assert activities.proxy.rowCount() > 999  # four-digit row numbers beside the log
    _fits(view)
    assert view.horizontalScrollBar().maximum() == 0
    _whole_text(view, activities.model.column_index("institution"))
    _whole_text(view, activities.model.column_index("date"))
    _fits(activities.matrix_view)
    # A header set on two lines to save room still names its column as one word.
    tcm = activities.model.columns[activities.model.column_index("tcm_content")]
    assert "\n" in tcm.header and tcm.label == "中医药内容"
