"""Write the built-in guide's screenshots (resources/guide/images/) from the real window.

Run under a real X server at the commonest bureau screen size, like docs/screenshots.py:
    xvfb-run -s "-screen 0 1366x768x24" python docs/guide_screenshots.py
(openbox, if installed, is started to draw the title bars). The window opens on the demo county
as on a first run. Each picture is the part of the screen a page talks about, scaled to WIDTH
pixels and stored with a 256-colour palette, so the guide stays small enough to ship.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TCMCOUNTY_HOME", tempfile.mkdtemp(prefix="tcmcounty-guide-"))
os.environ.setdefault("QT_QPA_PLATFORM", "xcb")

import openpyxl  # noqa: E402
from PySide6.QtCore import QRect, Qt  # noqa: E402
from PySide6.QtGui import QImage  # noqa: E402
from PySide6.QtWidgets import QDialog, QWidget  # noqa: E402

from db import exchange  # noqa: E402
from db.county import CountyFile  # noqa: E402
from db.demo import write_demo  # noqa: E402
from desktop import dialogs, excel_actions, exchange_dialogs  # noqa: E402
from desktop.app import make_app  # noqa: E402
from desktop.main_window import MainWindow  # noqa: E402
from reports.judge import review as rv  # noqa: E402

OUT = ROOT / "resources" / "guide" / "images"
WIDTH = 720
YEAR = 2024


def settle(app: Any, seconds: float) -> None:
    """Let the window manager and Qt finish drawing (a script, not a test: waiting is fine)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def save(app: Any, name: str, area: QRect) -> None:
    """The screen's `area`, scaled to WIDTH and reduced to a palette."""
    shot = app.primaryScreen().grabWindow(0, area.x(), area.y(), area.width(), area.height())
    image = shot.toImage().scaledToWidth(WIDTH, Qt.TransformationMode.SmoothTransformation)
    image = image.convertToFormat(QImage.Format.Format_Indexed8,
                                  Qt.ImageConversionFlag.ThresholdDither
                                  | Qt.ImageConversionFlag.AvoidDither)
    path = OUT / f"{name}.png"
    image.save(str(path), "PNG", 0)
    print(f"{path}  {image.width()}×{image.height()}  {path.stat().st_size // 1024} KB")


def upper(window: QWidget, width: int, height: int) -> QRect:
    """The top left of the window, frame included: the toolbar, tabs and the first rows, at a
    scale where the words can still be read."""
    frame = window.frameGeometry()
    return QRect(frame.x(), frame.y(), min(width, frame.width()), min(height, frame.height()))


def prepare(folder: Path) -> tuple[Path, Path, Path]:
    """The demo county with a mock review under way, a township's file with one figure changed
    (to merge back), and a workbook with an activity dated in the year before."""
    folder = folder / "中医股"
    folder.mkdir()
    demo = write_demo(folder / "青河县.tcmcounty", "small")
    with CountyFile.open(demo, daily_backup=False) as county:
        rid = rv.create_review(county, YEAR, seed=20240517)
        # The first items of the first institutions on the route, as the tab lists them (each
        # institution has its own checklist: the county hospital's items are not a centre's).
        _review, sheets = rv.sheets(county, rid)
        for n, sheet in enumerate(sheets[:3]):
            for k, line in enumerate(sheet.lines[:4]):
                rv.set_finding(county, rid, sheet.inst["id"], line.item.id,
                               rv.DISAGREE if (n + k) % 4 == 1 else rv.AGREE)
        town = county.institutions_in_year(YEAR)[5]["township"]
        township = exchange.write_township_file(county, town, folder / f"青河县-{town}.tcmcounty")
        names = [i["name"] for i in county.institutions_in_year(YEAR) if i["township"] == town]
    # The township fills in: three institutions' visits (a few per cent more than the books, as
    # a late correction is), one activity; the bureau meanwhile corrected one of the same
    # figures, which makes a conflict to decide.
    with CountyFile.open(township, daily_backup=False) as theirs:
        filled = [i for i in theirs.institutions_in_year(YEAR) if i["year_row"]][:3]
        for inst in filled:
            theirs.set_institution_year(inst["id"], YEAR, {"visits": round(inst["visits"] * 1.06)})
        theirs.insert("activity", {"institution_id": filled[0]["id"], "date": "2024-10-23",
                                   "kind": "义诊", "title": "重阳节中医义诊", "people": 80})
    with CountyFile.open(demo, daily_backup=False) as county:
        county.set_institution_year(filled[0]["id"], YEAR,
                                    {"visits": round(filled[0]["visits"] * 1.03)})
    book = folder / "各机构2024年数据.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "活动"
    ws.append(["机构名称", "活动日期", "活动类型", "活动名称", "参与人数", "是否中医药内容"])
    ws.append([names[0], "2024/11/8", "健康讲座", "冬季养生讲座", 60, "是"])
    ws.append([names[0], "2023/12/2", "义诊", "冬病冬治义诊", 45, "是"])
    wb.save(book)
    return demo, township, book


def captured(app: Any, name: str) -> Any:
    """An `exec_dialog` that shows the dialog, saves the screen and cancels it."""
    def show(dialog: QDialog) -> bool:
        dialog.show()
        settle(app, 1.0)
        frame = dialog.frameGeometry()
        save(app, name, frame.adjusted(-24, -24, 24, 24).intersected(
            app.primaryScreen().geometry()))
        dialog.reject()
        show.done = True  # type: ignore[attr-defined]
        return False
    show.done = False  # type: ignore[attr-defined]
    return show


def main() -> int:
    manager = None
    if shutil.which("openbox"):
        manager = subprocess.Popen(["openbox"], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        time.sleep(1)
    try:
        app = make_app()
        demo, township, book = prepare(Path(tempfile.mkdtemp()))
        window = MainWindow()
        window.open_path(demo)
        window.show()
        settle(app, 2)
        OUT.mkdir(parents=True, exist_ok=True)
        for name, key, width, height in (("overview", "overview", 1000, 520),
                                         ("progress", "progress", 1000, 460),
                                         ("checks", "checks", 1100, 420),
                                         ("review", "review", 1000, 520)):
            window.tabs.setCurrentWidget(window.page(key))
            settle(app, 0.8)
            save(app, name, upper(window, width, height))

        dialogs.open_file_name = lambda *_a, **_k: str(book)
        dialogs.exec_dialog = captured(app, "import")
        window.tabs.setCurrentWidget(window.page("activities"))
        excel_actions.import_excel(window)
        while not dialogs.exec_dialog.done:  # the workbook is read off the UI thread
            settle(app, 0.2)

        dialogs.open_file_name = lambda *_a, **_k: str(township)
        dialogs.exec_dialog = captured(app, "township")
        exchange_dialogs.merge_file(window)
        window.close()
    finally:
        if manager is not None:
            manager.terminate()
            manager.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
