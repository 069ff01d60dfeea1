"""Timings and peak memory against the issues' budgets. Not collected by pytest.

    python tests/benchmarks/run.py            # every step
    python tests/benchmarks/run.py open       # one step

Each step runs in a fresh process, so its peak memory is its own. Numbers are printed, never
asserted: a budget missed is something to look at, not a red test.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

# Imported before any timing starts: a step measures the work, not Python loading modules.
from db.county import CountyFile  # noqa: E402
from db.demo import write_demo  # noqa: E402
WORK = Path(os.environ.get("TCMCOUNTY_BENCH_DIR", tempfile.gettempdir())) / "tcmcounty-bench"
LARGE = WORK / "large.tcmcounty"
SMALL = WORK / "small.tcmcounty"

STEPS: dict[str, tuple[str, Callable[[], str]]] = {}


def step(name: str, budget: str) -> Callable[[Callable[[], str]], Callable[[], str]]:
    def register(func: Callable[[], str]) -> Callable[[], str]:
        STEPS[name] = (budget, func)
        return func
    return register


def _fresh(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)


@step("demo-large", "≤ 5 s")
def demo_large() -> str:
    _fresh(LARGE)
    write_demo(LARGE, "large")
    return f"{LARGE.stat().st_size / 1e6:.1f} MB"


@step("demo-small", "")
def demo_small() -> str:
    _fresh(SMALL)
    write_demo(SMALL, "small")
    return f"{SMALL.stat().st_size / 1e6:.1f} MB"


@step("open", "≤ 0.2 s")
def open_large() -> str:
    CountyFile.open(LARGE).close()
    return "large county"


@step("count-rows", "")
def count_rows() -> str:
    with CountyFile.open(LARGE) as county:
        counts = {t: county.count(t) for t in ("institution", "institution_year", "activity")}
    return ", ".join(f"{k} {v}" for k, v in counts.items())


@step("window-large", "≤ 1.5 s")
def window_large() -> str:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from desktop.app import make_app
    from desktop.main_window import MainWindow

    app = make_app()
    window = MainWindow()
    window.open_path(LARGE)
    window.show()
    app.processEvents()
    return f"{window.overview.model.rowCount()} indicators shown"


@step("window-switch", "≤ 0.3 s each")
def window_switch() -> str:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from desktop.app import make_app
    from desktop.main_window import MainWindow

    app = make_app()
    window = MainWindow()
    window.open_path(LARGE)
    window.show()
    app.processEvents()
    times = {}
    for i in range(1, window.tabs.count()):
        start = time.perf_counter()
        window.tabs.setCurrentIndex(i)
        app.processEvents()
        times[window.tabs.tabText(i)] = time.perf_counter() - start
    start = time.perf_counter()
    window.year_box.setCurrentIndex(window.year_box.findData(2023))
    app.processEvents()
    times["换年度"] = time.perf_counter() - start
    return ", ".join(f"{k} {v:.3f}s" for k, v in times.items())


def _measure(name: str) -> dict[str, object]:
    os.environ.setdefault("TCMCOUNTY_HOME", str(WORK / "home"))
    _, func = STEPS[name]
    start = time.perf_counter()
    note = func()
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"seconds": seconds, "peak_mb": peak_kb / 1024, "note": note}


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "--child":
        print(json.dumps(_measure(argv[1]), ensure_ascii=False))
        return 0
    names = argv or list(STEPS)
    print(f"{'step':<16}{'seconds':>9}{'peak MB':>9}  {'budget':<14}note")
    for name in names:
        out = subprocess.run([sys.executable, __file__, "--child", name], capture_output=True,
                             text=True, check=True, cwd=ROOT)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        budget = STEPS[name][0]
        print(f"{name:<16}{r['seconds']:>9.3f}{r['peak_mb']:>9.0f}  {budget:<14}{r['note']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
