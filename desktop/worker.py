"""Long work (the report, big imports) off the UI thread, with progress shown in the window.

The work opens its own connection to the county file: a SQLite connection belongs to the thread
that made it. Widgets are touched only from the UI thread, through signals.
"""

from __future__ import annotations

from collections.abc import Callable
import logging
import traceback
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal
from PySide6.QtWidgets import QWidget

from db.errors import KnownError
from desktop import dialogs

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]


class Job(QObject):
    progress = Signal(int, int, str)
    done = Signal(object)
    failed = Signal(str)

    def __init__(self, work: Callable[[Progress], Any]) -> None:
        super().__init__()
        self.work = work

    def run(self) -> None:
        try:
            result = self.work(lambda done, total, message: self.progress.emit(done, total,
                                                                               message))
        except KnownError as exc:
            self._back_home()
            self.failed.emit(str(exc))
        except Exception:  # a bug: the user gets a sentence, the kept log the traceback
            log.exception("background job failed")
            from desktop.crash_log import keep_error

            kept = keep_error(traceback.format_exc())
            self._back_home()
            self.failed.emit("程序内部出错，工作未完成。"
                             + (f"出错记录保存在：{kept}\n请把它发给维护人员。" if kept
                                else "请告诉维护人员。"))
        else:
            self._back_home()
            self.done.emit(result)

    def _back_home(self) -> None:
        """Hand the job back to the UI thread, to be deleted there with its Python wrapper.
        Deleted on the worker thread, its destructor asks the interpreter (for overrides) while
        holding one of Qt's connection locks; the UI thread, holding the interpreter while it
        connects a new dialog's signals, can be waiting for that very lock: both wait for ever
        (seen after an import, as its question dialog opened)."""
        app = QCoreApplication.instance()
        if app is not None:
            self.moveToThread(app.thread())


def not_done(title: str) -> str:
    """The title of a refusal: "生成自评报告未完成", and after Latin letters a space, as the
    program writes 导入 Excel everywhere ("导入 Excel 未完成", not "导入 Excel未完成")."""
    spaced = title[-1:].isascii() and title[-1:].isalnum()
    return f"{title}{' ' if spaced else ''}未完成"


def start(parent: QObject, work: Callable[[Progress], Any]) -> tuple[QThread, Job]:
    """Run `work(progress)` on a new thread; connect to the job's signals before it ends."""
    thread = QThread(parent)
    job = Job(work)
    job.moveToThread(thread)
    thread.started.connect(job.run)
    job.done.connect(thread.quit)
    job.failed.connect(thread.quit)
    # The job is not deleted here (thread.finished → deleteLater would delete it on the worker
    # thread): it goes back to the UI thread when its work ends (Job._back_home) and is deleted
    # there when its holder lets it go.
    return thread, job


class Runner(QObject):
    """Runs one job at a time for a window: a progress window while it works, the result (or a
    sentence saying why it did not finish) back on the UI thread."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.thread: QThread | None = None
        self.job: Job | None = None

    def run(self, title: str, work: Callable[[Progress], Any], done: Callable[[Any], None]) -> None:
        """Run `work` off the UI thread with a progress window; `done(result)` back on it."""
        from PySide6.QtWidgets import QProgressDialog  # loaded with the first long job

        self.progress = QProgressDialog(f"{title}…", "", 0, 100, self.window)
        self.progress.setWindowTitle(title)
        self.progress.setCancelButton(None)
        self.progress.setMinimumDuration(0)
        thread, job = start(self, work)
        # Bound methods of a QObject living on the UI thread: Qt runs them there, whatever
        # thread emits.
        self._title, self._done = title, done
        job.progress.connect(self._progress)
        job.done.connect(self._finished)
        job.failed.connect(self._failed)
        self.thread, self.job = thread, job  # both must outlive this method
        thread.start()

    def _finished(self, result: Any) -> None:
        self.progress.close()
        self._done(result)

    def _failed(self, message: str) -> None:
        self.progress.close()
        dialogs.error(self.window, not_done(self._title), message)

    def _progress(self, done: int, total: int, message: str) -> None:
        self.progress.setMaximum(total)
        self.progress.setValue(done)
        if message:
            self.progress.setLabelText(message)
