"""The program's own error in something the clerk did is said in one sentence, with where its
record is kept; the window goes on (desktop/unexpected.py)."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from db.errors import KnownError
from desktop import crash_log, dialogs, unexpected


def _raised(exc: BaseException) -> tuple[type[BaseException], BaseException, Any]:
    try:
        raise exc
    except BaseException:  # noqa: BLE001 - the test hands it to the hook
        kind, value, tb = sys.exc_info()
        assert kind is not None and value is not None
        return kind, value, tb


@pytest.fixture
def said(monkeypatch: pytest.MonkeyPatch, qapp: Any) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    monkeypatch.setattr(dialogs, "error", lambda _parent, title, text: out.append((title, text)))
    return out


def test_a_bug_in_an_action_is_said_and_its_record_kept(said: list[tuple[str, str]]) -> None:
    passed_on: list[BaseException] = []
    hook = unexpected._hook(lambda _k, exc, _tb: passed_on.append(exc))
    hook(*_raised(ImportError("cannot import name 'shown_time'")))
    [(title, text)] = said
    kept = crash_log.logs_dir() / crash_log.ERRORS_LOG
    assert title == "程序内部出错" and "刚才的操作没有完成" in text and str(kept) in text
    assert "ImportError: cannot import name 'shown_time'" in kept.read_text(encoding="utf-8")
    assert len(passed_on) == 1  # the session's log still gets it (stderr)


def test_a_known_refusal_that_escaped_is_said_as_it_is(said: list[tuple[str, str]]) -> None:
    hook = unexpected._hook(lambda *_a: None)
    hook(*_raised(KnownError("文件正被另一个程序使用")))
    assert said == [("操作未完成", "文件正被另一个程序使用")]


def test_the_kept_record_stays_small(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crash_log, "ERRORS_KEPT", 4096)
    for n in range(40):
        crash_log.keep_error(f"错误 {n}\n" + "x" * 300)
    kept = crash_log.logs_dir() / crash_log.ERRORS_LOG
    text = kept.read_text(encoding="utf-8")  # cut between whole entries: still UTF-8
    assert kept.stat().st_size <= 4096 + 1024 and "错误 39" in text and "错误 0\n" not in text
    assert text.startswith("==== ")


def test_installing_twice_wraps_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.__excepthook__)
    unexpected.install()
    first = sys.excepthook
    unexpected.install()
    assert sys.excepthook is first and first is not sys.__excepthook__
