"""Long work runs off the UI thread, and its job object comes back to the UI thread to be deleted
there: deleted on the worker thread, its destructor could wait for the interpreter while holding
a lock the UI thread waits for as it builds a dialog (a hang seen after an import)."""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QThread
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from db.errors import KnownError
from desktop.worker import Runner


def _run(qtbot: QtBot, work: Any) -> tuple[Runner, list[Any], list[QThread]]:
    window = QWidget()
    qtbot.addWidget(window)
    runner = Runner(window)
    results: list[Any] = []
    threads: list[QThread] = []

    def wrapped(progress: Any) -> Any:
        threads.append(QThread.currentThread())
        return work(progress)

    runner.run("测试", wrapped, results.append)
    assert runner.thread is not None
    qtbot.waitUntil(lambda: runner.thread is not None and runner.thread.isFinished())
    return runner, results, threads


def test_a_job_ends_on_the_ui_thread_and_is_deleted_there(qtbot: QtBot) -> None:
    runner, results, threads = _run(qtbot, lambda progress: 42)
    qtbot.waitUntil(lambda: results == [42])
    ui = QCoreApplication.instance().thread()
    assert threads and threads[0] is not ui  # the work ran off the UI thread
    job = runner.job
    assert job is not None and job.thread() is ui
    QCoreApplication.processEvents()
    assert shiboken6.isValid(job)  # not deleted behind our back (on the worker thread)


def test_a_job_that_fails_comes_back_too(qtbot: QtBot, monkeypatch: Any) -> None:
    from desktop import dialogs

    said: list[str] = []
    monkeypatch.setattr(dialogs, "error", lambda _parent, _title, text: said.append(text))

    def refuse(progress: Any) -> None:
        raise KnownError("文件已损坏")
    runner, _results, _threads = _run(qtbot, refuse)
    qtbot.waitUntil(lambda: said == ["文件已损坏"])
    assert runner.job is not None and runner.job.thread() is QCoreApplication.instance().thread()


def test_a_job_that_breaks_says_so_and_keeps_its_record(qtbot: QtBot, monkeypatch: Any) -> None:
    """A bug in the work: the clerk is told the work was not done and where the record of it is,
    and that record is still there after the program quits (logs/errors.log)."""
    from desktop import crash_log, dialogs

    said: list[str] = []
    monkeypatch.setattr(dialogs, "error", lambda _parent, _title, text: said.append(text))

    def broken(progress: Any) -> None:
        raise ZeroDivisionError("分母为零")
    _run(qtbot, broken)
    qtbot.waitUntil(lambda: bool(said))
    kept = crash_log.logs_dir() / crash_log.ERRORS_LOG
    assert "工作未完成" in said[0] and str(kept) in said[0]
    text = kept.read_text(encoding="utf-8")
    assert "ZeroDivisionError: 分母为零" in text and "tcmcounty" in text
