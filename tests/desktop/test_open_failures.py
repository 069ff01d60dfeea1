"""The window never dies at its start or on 打开 because of what a file holds: an error while the
file is read or judged leaves the window up, on the welcome page, with one sentence naming the
file (the traceback kept in logs/errors.log); a stored value it cannot use is said once in the
notice line; the last file is remembered only once shown, and a start after a crash while
opening a file neither reopens it by itself nor says that no file was open."""

from __future__ import annotations

from pathlib import Path
import shutil
from types import SimpleNamespace
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from desktop import app, crash_log, settings
from desktop.context import Context
from desktop.main_window import MainWindow
from tests.crafted import raw

DEEP = "[" * 100_000


@pytest.fixture(autouse=True)
def _quiet_session(monkeypatch: pytest.MonkeyPatch) -> None:
    """pytest keeps its own faulthandler and stderr: a session started here only logs."""
    monkeypatch.setattr(crash_log, "faulthandler", SimpleNamespace(
        enable=lambda *_a, **_k: None, disable=lambda: None))
    monkeypatch.setattr(crash_log, "redirect_stderr", lambda _fd: (lambda: None))


_REAL_LOAD = Context.__dict__["load"]


def _judgement_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_a: object, **_k: object) -> Context:
        raise RuntimeError("judgement failed")
    monkeypatch.setattr(Context, "load", classmethod(broken))


def test_a_file_whose_judgement_fails_leaves_the_window_on_the_welcome_page(
        qtbot: QtBot, demo_file: Path, _private_home: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    _judgement_fails(monkeypatch)
    window = MainWindow()
    qtbot.addWidget(window)
    assert not window.open_path(demo_file)
    assert window.county is None and window.stack.currentWidget() is window.welcome
    reason = window.welcome.reason.text()
    assert reason.startswith(f"文件“{demo_file.name}”已打开，但程序读取或评判其中的内容时出错（RuntimeError）")
    assert "文件本身没有改动" in reason and "errors.log" in reason
    log = (_private_home / "logs" / crash_log.ERRORS_LOG).read_text(encoding="utf-8")
    assert "judgement failed" in log and str(demo_file) in log
    assert settings.last_file() != demo_file.resolve()
    # The file was let go: it opens again once the program can judge it.
    monkeypatch.setattr(Context, "load", _REAL_LOAD)
    assert window.open_path(demo_file) and window.county is not None


def test_a_start_on_such_a_file_shows_the_window(qtbot: QtBot, demo_file: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    _judgement_fails(monkeypatch)
    settings.remember_file(demo_file.resolve())  # the last file, as from an earlier good day
    window, session = app.start(None)
    qtbot.addWidget(window)
    try:
        assert window.isVisible() and window.county is None
        assert f"文件“{demo_file.name}”已打开" in window.welcome.reason.text()
    finally:
        if session is not None:
            session.end()


def test_a_poisoned_standard_opens_with_the_shipped_one_said_once(
        qtbot: QtBot, demo_file: Path) -> None:
    raw(demo_file, "INSERT OR REPLACE INTO setting VALUES ('standard', 'x', "
                   f"'2025-06-01T08:00:00Z', 'evilpc', 0, '{DEEP}')")
    window, session = app.start(demo_file)
    qtbot.addWidget(window)
    try:
        assert window.county is not None and window.county.path == demo_file
        for tab in ("path", "progress", "overview"):
            window.show_year(2024, tab)
        said = window.notice.text()
        assert not window.notice_bar.isHidden()
        assert said.count(f"文件“{demo_file.name}”中保存的评分标准无法读取（嵌套超过 32 层）") == 1, said
        assert "现按程序自带的全国基层中医药工作示范县建设标准（2022版）评分" in said
    finally:
        if session is not None:
            session.end()


def test_a_crash_while_opening_is_said_and_the_file_not_reopened_by_itself(
        qtbot: QtBot, demo_file: Path, _private_home: Path) -> None:
    """The session log of a window that died opening the last file (as a crash in Qt's code
    while judging it would leave it)."""
    settings.remember_file(demo_file.resolve())
    logs = _private_home / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    (logs / "session-20260101-080000-000000-1.log").write_text(
        f"{crash_log.STARTED_LINE}2026-01-01T08:00:00\n{crash_log.OPENING_LINE}"
        f"{demo_file.resolve()}\nFatal Python error: Segmentation fault\n", encoding="utf-8")
    window, session = app.start(None)
    qtbot.addWidget(window)
    try:
        said = window.notice.text()
        assert f"（当时正在打开“{demo_file.name}”）" in said, said
        assert "当时没有打开的文件" not in said and f"已检查“{demo_file.name}”：文件完好" in said
        assert window.county is None
        assert window.welcome.reason.text().startswith(
            f"上次打开“{demo_file.name}”时程序意外关闭，这次没有自动打开它。")
    finally:
        if session is not None:
            session.end()
    # Asked for by name, it opens.
    window, session = app.start(demo_file)
    qtbot.addWidget(window)
    try:
        assert window.county is not None
    finally:
        if session is not None:
            session.end()


def test_the_session_log_tells_an_open_file_from_one_being_opened(
        qtbot: QtBot, demo_file: Path, tmp_path: Path, _private_home: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A file refused (or one that failed to show) is not taken for the one being opened when the
    window dies later: the log says it was not opened."""
    from desktop import dialogs

    monkeypatch.setattr(dialogs, "error", lambda *_a: None)
    not_ours = tmp_path / "说明.docx"
    not_ours.write_bytes(b"PK\x03\x04 not a county file")
    window, session = app.start(demo_file)
    qtbot.addWidget(window)
    assert session is not None
    assert not window.open_path(not_ours)
    crash = crash_log._read(session.log)
    assert crash.opening is None and crash.file == demo_file
    session.end()


# ---- merging in the window: the same refusals and questions as the command line ------------

@pytest.mark.parametrize("confirmed", [False, True])
def test_a_copy_changing_the_profile_in_use_is_asked_about(
        window: MainWindow, demo_file: Path, answer: Any, confirmed: bool,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from db.county import CountyFile
    from desktop import dialogs, exchange_dialogs

    other = Path(shutil.copyfile(demo_file, demo_file.with_name("副本.tcmcounty")))
    with CountyFile.open(other, machine="b" * 32, daily_backup=False) as o:
        o.set_setting("active_profile", "qijiang-2027")
    monkeypatch.setattr(dialogs, "open_file_name", lambda *a: str(other))
    answer(lambda dialog: True)
    asked: list[str] = []
    monkeypatch.setattr(dialogs, "confirm",
                        lambda parent, title, text: asked.append(text) or confirmed)
    exchange_dialogs.merge_file(window)
    assert asked and asked[0].startswith("此次合并将改动设置（选用的目标方案），确定要这样合并吗？")
    assert window.county is not None
    assert (window.county.setting("active_profile") == "qijiang-2027") is confirmed


def test_a_poisoned_standard_is_refused_in_the_window(
        window: MainWindow, demo_file: Path, answer: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop import dialogs, exchange_dialogs

    assert window.county is not None
    town = window.county.rows("institution", "township IS NOT NULL", order="name")[0]["township"]
    other = demo_file.with_name("乡镇.tcmcounty")
    from db.exchange import write_township_file

    write_township_file(window.county, town, other)
    raw(other, "DELETE FROM setting WHERE id = 'township_scope'",
        "INSERT OR REPLACE INTO setting VALUES ('standard', 'x', '2025-06-01T08:00:00Z', "
        f"'evilpc', 0, '{DEEP}')")
    monkeypatch.setattr(dialogs, "open_file_name", lambda *a: str(other))
    shown: list[str] = []
    monkeypatch.setattr(dialogs, "error", lambda p, t, text: shown.append(text))
    seen = answer(lambda dialog: True)
    exchange_dialogs.merge_file(window)
    assert shown == ["文件“乡镇.tcmcounty”中的评分标准无法读取（嵌套超过 32 层），不能合并；两个文件都没有改动。"]
    assert seen == [] and window.county.setting("standard") is None


def test_a_phase_on_a_day_that_does_not_exist_is_left_off_the_timeline(qtbot: QtBot) -> None:
    """The bars are drawn on every paint: a phase from a file written elsewhere, dated
    2024-02-30, is left off instead of failing each time."""
    from desktop.tabs.tasks import Timeline

    timeline = Timeline()
    qtbot.addWidget(timeline)
    timeline.resize(900, 80)
    timeline.set_phases([{"name": "准备阶段", "start_date": "2024-01-01", "end_date": "2024-03-31"},
                         {"name": "坏阶段", "start_date": "2024-02-30", "end_date": "2024-06-30"}])
    assert [p["name"] for p in timeline.phases] == ["准备阶段"]
    assert len(timeline.bars()) == 1 and timeline.grab().width() == 900
