"""The printed self-evaluation report (自评报告): one year's indicators, the institutions behind
them, charts, task progress and the 整改清单, as an A4 PDF in the habits of official documents.

    write_report(county, 2024, "自评报告.pdf")

The same data gives the same bytes. The file appears only once complete, so a reader never sees
half a report, and a report that cannot be written leaves what was there before.
"""

from __future__ import annotations

from collections.abc import Callable
import datetime as _dt
import errno
import glob
import io
import os
from pathlib import Path
import tempfile
from typing import TYPE_CHECKING

from db.copies import clear_leftovers
from db.county import refuse_to_replace
from db.errors import FileBusy, KnownError

from reports.judge.evaluation import evaluate
from reports.pdf.fonts import fonts
from reports.pdf.layout import Contents, document, numbered_canvas, styles
from reports.pdf.data import ReportData, gather
from reports.pdf.sections import story, title_of

if TYPE_CHECKING:
    from db.county import CountyFile

Progress = Callable[[int, int, str], None]


# ---- public API ---------------------------------------------------------------------------------

class DraftRefused(KnownError):
    """A final report was asked for while the year is still a draft; the message lists why."""


def write_report(county: CountyFile, year: int, out_path: str | os.PathLike[str],
                 profile_id: str | None = None, *, today: _dt.date | None = None,
                 progress: Progress | None = None, final: bool = False) -> Path:
    """Write the year's self-evaluation report to `out_path` and return its path.

    `today` decides which tasks count as overdue (default: the computer's date). `progress`, if
    given, is called as progress(done, total, message) from the calling thread, so a window can
    run this in a worker and show a progress bar. Raises KnownError with a Chinese sentence when
    the file cannot be written; nothing is left behind then. While an institution counted in
    the year has not reported or a carried-over value is unconfirmed, the report is a draft
    (草稿 on every page); `final=True` refuses it instead (DraftRefused, naming what is missing).
    """
    out = Path(out_path)
    refuse_to_replace(out, source=county.path)
    if final:
        state = evaluate(county, year, profile_id, today=today).progress
        if state.is_draft:
            raise DraftRefused(f"{year}年度的数据尚未齐全，不能生成正式报告：\n"
                               + "\n".join(state.missing_text()))
    output = _Output(out)  # first, so a folder that cannot be written is refused at once
    try:
        steps = _Steps(progress)
        data = gather(county, year, profile_id, today or _dt.date.today(), steps.step)
        pdf = render(data, steps)
        steps.step("保存文件")
        output.commit(pdf)
    finally:
        output.discard()
    steps.finish()
    return out


def render(data: ReportData, steps: _Steps | None = None) -> bytes:
    """The report as PDF bytes."""
    steps = steps or _Steps(None)
    font_set = fonts()
    st = styles(font_set)
    steps.step("编排内容")
    contents = Contents()
    flowables = story(data, st, contents)
    buf = io.BytesIO()
    doc = document(buf, title=title_of(data.county, data.year), author=data.county, fonts=font_set,
                   header=(f"{data.county}创建全国基层中医药工作示范县自评报告", f"{data.year}年度"),
                   draft=data.is_draft, cover=True)
    steps.step("排版页面")
    doc.setProgressCallBack(steps.layout)
    doc.build(flowables, canvasmaker=numbered_canvas(font_set.body, contents, cover=True,
                                                     created=data.today))
    return buf.getvalue()


class _Steps:
    """The report's stages as one 0–100 progress bar; page layout, the longest stage, moves it
    by the share of the content already placed. Repeats are not reported, so a window's event
    queue is not flooded."""

    TOTAL = 100
    START = {"计算指标": 0, "计算历年变化": 6, "读取机构数据": 14, "编排内容": 20, "排版页面": 32,
             "保存文件": 96}

    def __init__(self, callback: Progress | None):
        self.callback = callback
        self.done = -1
        self.size = 0

    def _emit(self, done: int, message: str) -> None:
        if self.callback is not None and done > self.done:
            self.done = done
            self.callback(done, self.TOTAL, message)

    def step(self, message: str) -> None:
        self._emit(self.START[message], message)

    def layout(self, kind: str, value: int) -> None:
        if kind == "SIZE_EST":
            self.size = value
        elif kind == "PROGRESS" and self.size:
            span = self.START["保存文件"] - self.START["排版页面"] - 1
            self._emit(self.START["排版页面"] + span * min(value, self.size) // self.size,
                       "排版页面")

    def finish(self) -> None:
        self._emit(self.TOTAL, "完成")


# ---- writing the file ---------------------------------------------------------------------------

class _Output:
    """A temporary file beside the destination, renamed over it once the report is complete:
    the PDF is there whole or not at all, and a failed run leaves what was there before."""

    def __init__(self, out: Path):
        _check_destination(out)
        self.out = out
        # What a killed run left beside this PDF goes now (db.copies: once it is old enough).
        clear_leftovers(out.parent, f".{glob.escape(out.stem)}-*.part")
        try:
            fd, name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.stem}-", suffix=".part")
        except OSError as exc:
            raise _cannot_write(out, exc) from None
        os.close(fd)
        self.tmp: Path | None = Path(name)

    def commit(self, pdf: bytes) -> None:
        assert self.tmp is not None
        try:
            with open(self.tmp, "wb") as fh:
                fh.write(pdf)
                fh.flush()
                os.fsync(fh.fileno())
            # mkstemp makes the file private to its owner; a report is an ordinary document.
            os.chmod(self.tmp, 0o644)
            os.replace(self.tmp, self.out)
        except OSError as exc:
            raise _cannot_write(self.out, exc, replacing=True) from None
        self.tmp = None

    def discard(self) -> None:
        if self.tmp is not None:
            self.tmp.unlink(missing_ok=True)
            self.tmp = None


def _check_destination(out: Path) -> None:
    """Refuse a destination that cannot work, naming it."""
    folder = out.parent
    if out.is_dir():
        raise KnownError(f"无法保存报告：“{out}”是一个文件夹，请指定 PDF 文件名。")
    if not folder.exists():
        raise KnownError(f"无法保存报告：文件夹“{folder}”不存在。")
    if not folder.is_dir():
        raise KnownError(f"无法保存报告：“{folder}”不是文件夹。")


def _cannot_write(out: Path, exc: OSError, *, replacing: bool = False) -> KnownError:
    if isinstance(exc, PermissionError):
        if replacing and out.exists():
            # On Windows a PDF open in a reader cannot be replaced.
            return FileBusy(f"无法保存报告：文件“{out.name}”正被其他程序使用（可能已在 PDF 阅读器中"
                            "打开）或是只读文件，请关闭后重试，或另存为其他文件名。")
        return KnownError(f"无法保存报告：没有权限写入文件夹“{out.parent}”，请另选保存位置。")
    if exc.errno == errno.ENOSPC:
        return KnownError(f"无法保存报告“{out.name}”：磁盘空间不足。")
    if exc.errno == errno.EROFS:
        return KnownError(f"无法保存报告：“{out.parent}”所在的磁盘是只读的，请另选保存位置。")
    return KnownError(f"无法保存报告“{out.name}”：{exc.strerror or exc}。")
