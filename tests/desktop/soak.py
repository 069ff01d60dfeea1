"""A soak: the real program (`tcmcounty FILE`, the window) on the large demo county in a process
of its own, a clerk doing N random actions from a seed (tests/desktop/clerk.py), then 文件 → 退出
(Ctrl+Q). Afterwards: the exit code, stderr, the file's integrity_check, whether the file holds
exactly the clerk's edits, and how long quitting took.

    python -m tests.desktop.soak --child FILE TOWN REPORT ACTIONS SEED   (what the parent runs)

The parent side is `run_soak`, used by tests/desktop/test_soak.py (a short run) and
tests/benchmarks/soak.py (2,000 actions).
"""

from __future__ import annotations

from dataclasses import dataclass, field
import json
import os
from pathlib import Path
import shutil
import subprocess
import sys
import time
import traceback
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
YEARS = (2022, 2023, 2024)  # the years the clerk switches between (the large demo has them)
# What Qt's offscreen platform says for any shown window or tooltip; not about the program.
OFFSCREEN_NOISE = ("This plugin does not support propagateSizeHints()",
                   "This plugin does not support raise()")


@dataclass
class Outcome:
    actions: int
    seed: int
    exit_code: int
    stderr: str
    integrity: str
    differences: list[str]
    cells: int  # cells the clerk saw saved (their final values are what the file must hold)
    counts: dict[str, int] = field(default_factory=dict)
    anomalies: list[str] = field(default_factory=list)
    work_s: float = 0.0  # the clerk's actions
    quit_s: float = 0.0  # 退出 to the process gone
    none_refs: tuple[int, int] = (0, 0)  # sys.getrefcount(None) before and after the actions
    crash_logs: list[str] = field(default_factory=list)  # logs a clean quit must not leave

    @property
    def said(self) -> str:
        """stderr less the offscreen platform's notes."""
        return "\n".join(line for line in self.stderr.splitlines()
                         if line.strip() not in OFFSCREEN_NOISE)

    @property
    def fatal(self) -> bool:
        return "Fatal" in self.stderr

    @property
    def passed(self) -> bool:
        return (self.exit_code == 0 and not self.fatal and not self.said.strip()
                and self.integrity == "ok" and not self.differences and not self.anomalies
                and not self.crash_logs)

    def summary(self) -> str:
        verdict = "PASS" if self.passed else "FAIL"
        lines = [
            f"soak: {self.actions} actions, seed {self.seed}, {self.work_s:.0f} s of work: {verdict}",
            f"  exit code {self.exit_code}; 'Fatal' on stderr: {'yes' if self.fatal else 'no'}; "
            f"integrity_check: {self.integrity}",
            f"  the file holds exactly the {self.cells} cells the clerk saved: "
            + ("yes" if not self.differences else f"NO, {len(self.differences)} differences"),
            f"  quit (退出 to the process gone): {self.quit_s:.2f} s",
            f"  None's reference count: {self.none_refs[0]} before, {self.none_refs[1]} after",
            "  actions: " + ", ".join(f"{k} {v}" for k, v in sorted(self.counts.items())),
        ]
        lines += [f"  difference: {d}" for d in self.differences[:20]]
        lines += [f"  anomaly: {a}" for a in self.anomalies[:20]]
        lines += [f"  crash log left: {c}" for c in self.crash_logs]
        if self.said.strip():
            lines.append("  stderr: " + self.said.strip()[-2000:])
        return "\n".join(lines)


def prepare(work: Path) -> tuple[Path, Path, Path]:
    """The large demo county (and an untouched copy), and a township's file to preview merging
    (with a field changed on both sides, so the preview has a conflict to decide)."""
    from db.demo import write_demo
    from tests.desktop.clerk import township_with_conflict

    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    original = write_demo(work / "original.tcmcounty", "large")
    town = township_with_conflict(original, work / "town.tcmcounty")
    county = work / "青河县.tcmcounty"
    shutil.copyfile(original, county)
    return original, county, town


def run_soak(actions: int, seed: int, work: Path, *, timeout: float = 3600) -> Outcome:
    from tests.desktop.clerk import differences, integrity

    original, county, town = prepare(work)
    report = work / "report.json"
    home = work / "home"
    env = {**os.environ, "TCMCOUNTY_HOME": str(home), "PYTHONPATH": str(ROOT),
           "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.desktop.soak", "--child", str(county), str(town),
         str(report), str(actions), str(seed)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        child.kill()
        out, err = child.communicate()
    gone = time.time()
    quit_at = next((float(line.split()[1]) for line in out.splitlines()
                    if line.startswith("QUIT ")), gone)
    found = json.loads(report.read_text(encoding="utf-8")) if report.exists() else {}
    ledger = {tuple(cell): value for cell, value in found.get("ledger", [])}
    return Outcome(
        actions=actions, seed=seed, exit_code=child.returncode, stderr=err,
        integrity=integrity(county), differences=differences(original, county, ledger),
        cells=len(ledger), counts=found.get("counts", {}),
        anomalies=found.get("anomalies", ["the child wrote no report"]),
        work_s=found.get("work_s", 0.0), quit_s=gone - quit_at,
        none_refs=tuple(found.get("none_refs", (0, 0))),  # type: ignore[arg-type]
        crash_logs=_left_logs(home))


def _left_logs(home: Path) -> list[str]:
    """What a clean quit must not leave in the data folder's logs: each log whole, to read."""
    folder = home / "logs"
    return [f"{p}:\n{p.read_text(encoding='utf-8', errors='replace')}"
            for p in sorted(folder.glob("*.log"))] if folder.is_dir() else []


# ---- the child: the program itself, with a clerk at it -----------------------------------------

def child(county: Path, town: Path, report: Path, actions: int, seed: int) -> int:
    from PySide6.QtCore import QtMsgType, QTimer, qInstallMessageHandler
    from PySide6.QtGui import QAction

    from desktop import cli
    from desktop.app import make_app
    from desktop.main_window import MainWindow
    from tests.desktop.clerk import Clerk

    app = make_app()
    said: list[str] = []  # while the window runs, stderr goes into its session log: listen here

    def excepthook(kind: type[BaseException], value: BaseException, tb: Any) -> None:
        said.append("".join(traceback.format_exception(kind, value, tb)))
        sys.__excepthook__(kind, value, tb)
    sys.excepthook = excepthook

    def qt_said(kind: QtMsgType, _context: Any, message: str) -> None:
        if kind != QtMsgType.QtDebugMsg and message not in OFFSCREEN_NOISE:
            said.append(f"Qt: {message}")
    qInstallMessageHandler(qt_said)

    def work() -> None:
        window = next(w for w in app.topLevelWidgets() if isinstance(w, MainWindow))
        window.activateWindow()
        clerk = Clerk(window, seed, merge_from=town, years=YEARS)
        clerk.answer_dialogs(setattr)
        before = sys.getrefcount(None)
        start = time.perf_counter()
        try:
            for n in range(actions):
                clerk.random_action()
                if (n + 1) % 250 == 0:
                    print(f"{n + 1} actions, {time.perf_counter() - start:.0f} s", flush=True)
        except Exception as exc:  # noqa: BLE001 - the report says what the clerk met
            clerk.anomalies.append(f"{type(exc).__name__}: {exc}")
            raise
        finally:
            report.write_text(json.dumps({
                "ledger": [[list(cell), value] for cell, value in clerk.ledger.items()],
                "counts": dict(clerk.counts), "anomalies": clerk.anomalies + said,
                "work_s": time.perf_counter() - start,
                "none_refs": [before, sys.getrefcount(None)],
            }, ensure_ascii=False), encoding="utf-8")
            # 文件 → 退出, as Ctrl+Q does.
            print(f"QUIT {time.time()}", flush=True)
            next(a for a in window.findChildren(QAction) if a.text() == "退出(&X)").trigger()

    QTimer.singleShot(0, work)
    return cli.main([str(county)])


if __name__ == "__main__":
    if len(sys.argv) == 7 and sys.argv[1] == "--child":
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        raise SystemExit(child(Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]),
                               int(sys.argv[5]), int(sys.argv[6])))
    raise SystemExit(__doc__)
