"""Long work (the report, big imports) off the UI thread, with progress shown in the window.

The work opens its own connection to the county file: a SQLite connection belongs to the thread
that made it. Widgets are touched only from the UI thread, through signals.
"""

from __future__ import annotations

from collections.abc import Callable
import logging
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

from db.errors import KnownError

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
            self.failed.emit(str(exc))
        except Exception:  # a bug: the user gets a sentence, the log gets the traceback
            log.exception("background job failed")
            self.failed.emit("程序内部出错，工作未完成。请把日志发给维护人员。")
        else:
            self.done.emit(result)


def start(parent: QObject, work: Callable[[Progress], Any]) -> tuple[QThread, Job]:
    """Run `work(progress)` on a new thread; connect to the job's signals before it ends."""
    thread = QThread(parent)
    job = Job(work)
    job.moveToThread(thread)
    thread.started.connect(job.run)
    job.done.connect(thread.quit)
    job.failed.connect(thread.quit)
    thread.finished.connect(job.deleteLater)
    return thread, job
