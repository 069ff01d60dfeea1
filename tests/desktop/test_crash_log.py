"""If the program dies it leaves a trace (issue 22): the Python stack in a log in the program's
data folder, and at the next start one sentence above the window: it closed unexpectedly, the
file it had open was checked and is whole (or which backup to use), and where the log is."""

from __future__ import annotations

import os
from pathlib import Path
import subprocess
import sys
from types import SimpleNamespace
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from db import backups
from desktop import app, crash_log, dialogs
from desktop.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]

# The program, with a timer that kills it while the window is up: the way PySide6 6.12.0 did, a
# reference at a time, done at once (None's count to zero: Python's fatal error none_dealloc), or
# as a crash inside Qt's C++ code does (a segmentation fault, which faulthandler reports).
DIES = r"""
import ctypes, faulthandler, sys
from PySide6.QtCore import QTimer
from desktop import cli
from desktop.app import make_app

def drop_every_reference_to_none():
    for _ in range(sys.getrefcount(None) + 100):
        ctypes.pythonapi.Py_DecRef(ctypes.py_object(None))

def crash_in_cpp():
    faulthandler._sigsegv()

app = make_app()
QTimer.singleShot(300, HOW)
raise SystemExit(cli.main(sys.argv[1:]))
"""
NONE_DEALLOC = DIES.replace("HOW", "drop_every_reference_to_none")
SEGFAULT = DIES.replace("HOW", "crash_in_cpp")


def _program(home: Path, *argv: str, code: str | None = None,
             quit_ms: int | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TCMCOUNTY_HOME": str(home), "PYTHONPATH": str(ROOT)}
    if quit_ms is not None:
        env["TCMCOUNTY_SMOKE_QUIT_MS"] = str(quit_ms)
    command = ["-c", code] if code else ["-m", "desktop"]
    return subprocess.run([sys.executable, *command, *argv], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def quiet_faulthandler(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """In this process pytest's own faulthandler and stderr stay: the session only says what it
    would do."""
    calls: list[str] = []
    monkeypatch.setattr(crash_log, "faulthandler", SimpleNamespace(
        enable=lambda *_a, **_k: calls.append("enable"), disable=lambda: calls.append("disable")))
    monkeypatch.setattr(crash_log, "redirect_stderr",
                        lambda _fd: calls.append("stderr") or (lambda: calls.append("back")))
    return calls


def _started(qtbot: QtBot, county: Path | None) -> tuple[MainWindow, Any]:
    window, session = app.start(county)
    qtbot.addWidget(window)
    return window, session


# The program, with an exit handler as the evidence viewer has (its temporary folder removed).
QUITS = r"""
import atexit, sys
from pathlib import Path
from desktop import cli
atexit.register(lambda: Path(sys.argv[2]).write_text("removed", encoding="utf-8"))
raise SystemExit(cli.main(sys.argv[1:2]))
"""


def test_a_quit_leaves_no_trace_and_runs_the_exit_handlers(demo_file: Path, tmp_path: Path,
                                                            _private_home: Path) -> None:
    marker = tmp_path / "exit-handler-ran"
    done = _program(_private_home, str(demo_file), str(marker), code=QUITS, quit_ms=500)
    assert done.returncode == 0, done.stderr
    assert list((_private_home / "logs").iterdir()) == []
    assert marker.read_text(encoding="utf-8") == "removed"
    assert not demo_file.with_name(f".~{demo_file.name}.lock").exists()  # the file let go


@pytest.mark.parametrize("how, words", [(NONE_DEALLOC, "Fatal Python error: none_dealloc"),
                                        (SEGFAULT, "Fatal Python error: Segmentation fault")])
def test_a_crash_is_logged_and_said_once_at_the_next_start(
        qtbot: QtBot, demo_file: Path, _private_home: Path, quiet_faulthandler: list[str],
        how: str, words: str) -> None:
    died = _program(_private_home, str(demo_file), code=how)
    assert died.returncode != 0
    [log] = (_private_home / "logs").glob("session-*.log")
    text = log.read_text(encoding="utf-8")
    # The fatal error in Python's words with the Python stack, after the file that was open.
    assert words in text and ("drop_every_reference_to_none" in text or "crash_in_cpp" in text)
    assert text.index(f"{crash_log.FILE_LINE}{demo_file}") < text.index(words)

    window, session = _started(qtbot, demo_file)
    kept = next((_private_home / "logs").glob("crash-*.log"))
    said = window.notice.text()
    assert window.notice_bar.isVisibleTo(window)
    assert said.startswith("程序上次") and "意外关闭" in said
    assert f"已检查“{demo_file.name}”：文件完好" in said and str(kept) in said
    assert said.count("。") == 1 and said.endswith("。")  # one sentence
    assert window.county is not None and window.county.path == demo_file
    assert quiet_faulthandler == ["enable", "stderr"]
    session.end()
    assert quiet_faulthandler == ["enable", "stderr", "disable", "back"]
    assert [p.name for p in (_private_home / "logs").iterdir()] == [kept.name]
    window.close()

    # Said once: the next start has nothing to say.
    again, session = _started(qtbot, demo_file)
    assert again.notice_bar.isHidden()
    session.end()


def test_a_file_damaged_by_the_crash_names_the_backup_to_use(
        qtbot: QtBot, demo_file: Path, _private_home: Path, quiet_faulthandler: list[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    died = _program(_private_home, str(demo_file), code=NONE_DEALLOC)
    assert died.returncode != 0
    [backup] = backups.list_backups(demo_file.stem)  # the day's, made when it was opened
    with open(demo_file, "r+b") as f:  # a page the crash left half-written
        f.seek(8192)
        f.write(b"\x00\xff" * 2048)
    monkeypatch.setattr(dialogs, "confirm", lambda *_a: False)  # not now: the sentence stays
    monkeypatch.setattr(dialogs, "error", lambda *_a: None)
    window, session = _started(qtbot, demo_file)
    said = window.notice.text()
    assert f"“{demo_file.name}”已损坏" in said
    assert f"请用“文件 → 恢复备份”选 {backup.taken:%Y-%m-%d %H:%M} 的备份（{backup.reason}）恢复" in said
    assert "crash-" in said
    session.end()


def test_a_crash_with_no_file_open_says_so(qtbot: QtBot, tmp_path: Path, _private_home: Path,
                                           quiet_faulthandler: list[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    not_a_county = tmp_path / "说明.docx"
    not_a_county.write_bytes(b"PK\x03\x04 not a county file")
    # It dies under the message box saying why the file cannot be opened.
    died = _program(_private_home, str(not_a_county), code=NONE_DEALLOC)
    assert died.returncode != 0
    monkeypatch.setattr(dialogs, "error", lambda *_a: None)
    window, session = _started(qtbot, not_a_county)
    assert "当时没有打开的文件" in window.notice.text()
    session.end()


def test_another_running_window_is_not_taken_for_a_crash(quiet_faulthandler: list[str]) -> None:
    first, crashes = crash_log.begin()
    assert first is not None and crashes == []
    second, crashes = crash_log.begin()
    assert second is not None and crashes == []  # the first is alive: its lock is held
    assert first.log.exists() and second.log.exists()
    first.end()
    second.end()
    assert not first.log.exists() and not second.log.exists()


def test_the_log_names_the_system_without_starting_a_program(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The log's first lines say the versions and the system; working that out starts no
    subprocess (platform.platform() runs `uname -p`: 5 ms of every start)."""
    import platform

    started: list[Any] = []

    def popen(*args: Any, **_kwargs: Any) -> None:
        started.append(args)
        raise OSError("no program may be started here")

    monkeypatch.setattr(subprocess, "Popen", popen)
    monkeypatch.setattr(platform, "_uname_cache", None)  # as at a start: nothing asked yet
    said = crash_log._versions()
    assert started == []
    assert said.startswith("tcmcounty ") and "Python 3." in said and "PySide6 6." in said
    system = crash_log.system()
    assert said.endswith(system)
    uname = platform.uname()
    assert system.startswith(f"{uname.system} {uname.release}") and uname.machine in system
