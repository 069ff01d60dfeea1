"""Write screenshots of the window on the demo county into docs/screenshots/.

Run under a real X server so the picture is what a user sees:
    xvfb-run -s "-screen 0 1280x800x24" python docs/screenshots.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TCMCOUNTY_HOME", tempfile.mkdtemp(prefix="tcmcounty-shots-"))

from db.demo import write_demo  # noqa: E402
from desktop.app import make_app  # noqa: E402
from desktop.main_window import MainWindow  # noqa: E402

OUT = ROOT / "docs" / "screenshots"


def main() -> int:
    app = make_app()
    demo = write_demo(Path(tempfile.mkdtemp()) / "青河县.tcmcounty", "small")
    window = MainWindow()
    window.resize(1200, 760)
    window.move(20, 20)
    window.open_path(demo)
    window.show()
    OUT.mkdir(parents=True, exist_ok=True)
    shots = getattr(window, "screenshot_views", lambda: [("main", None)])()
    for name, select in shots:
        if select is not None:
            select()
        for _ in range(20):
            app.processEvents()
        screen = app.primaryScreen()
        picture = screen.grabWindow(0, window.x(), window.y(),
                                    window.frameGeometry().width(),
                                    window.frameGeometry().height())
        picture.save(str(OUT / f"{name}.png"))
        print(OUT / f"{name}.png")
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
