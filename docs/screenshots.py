"""Write screenshots of the window on the demo county into docs/screenshots/.

Run under a real X server at the commonest bureau screen size, so the picture is what a user
sees, title bar included (openbox, if installed, is started to draw it):
    xvfb-run -s "-screen 0 1366x768x24" python docs/screenshots.py
The window opens as on a first run: sized to the screen by the program itself.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TCMCOUNTY_HOME", tempfile.mkdtemp(prefix="tcmcounty-shots-"))
os.environ.setdefault("QT_QPA_PLATFORM", "xcb")

from db.demo import write_demo  # noqa: E402
from desktop.app import make_app  # noqa: E402
from desktop.main_window import MainWindow  # noqa: E402

OUT = ROOT / "docs" / "screenshots"


def settle(app: object, seconds: float) -> None:
    """Let the window manager and Qt finish drawing (a script, not a test: waiting is fine)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()  # type: ignore[attr-defined]
        time.sleep(0.02)


def main() -> int:
    manager = None
    if shutil.which("openbox"):
        manager = subprocess.Popen(["openbox"], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        time.sleep(1)
    try:
        app = make_app()
        demo = write_demo(Path(tempfile.mkdtemp()) / "青河县.tcmcounty", "small")
        window = MainWindow()
        window.open_path(demo)
        window.show()
        settle(app, 2)
        OUT.mkdir(parents=True, exist_ok=True)
        screen = app.primaryScreen()
        print(f"screen {screen.size().width()}×{screen.size().height()}, window frame "
              f"{window.frameGeometry().width()}×{window.frameGeometry().height()}")
        for name, select in window.screenshot_views():
            select()
            settle(app, 0.5)
            frame = window.frameGeometry()
            picture = screen.grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height())
            picture.save(str(OUT / f"{name}.png"))
            print(OUT / f"{name}.png")
        window.close()
    finally:
        if manager is not None:
            manager.terminate()
            manager.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
