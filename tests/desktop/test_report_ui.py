"""生成自评报告 from the window: written off the UI thread, then offered to open."""

from pathlib import Path
import subprocess
from typing import Any

import pytest

from desktop import dialogs
from desktop.main_window import MainWindow
from desktop import report_actions


def test_report_is_written_in_the_background_and_offered(window: MainWindow, qtbot: Any,
                                                         tmp_path: Path, answer: Any,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # The demo year is complete: 正式 is offered and chosen, and the PDF says no 草稿.
    seen = answer(lambda dialog: True)
    suggested: list[str] = []
    out = tmp_path / "报告" / "自评报告"
    out.parent.mkdir()
    monkeypatch.setattr(dialogs, "save_file_name",
                        lambda *a: suggested.append(a[2]) or str(out))
    offered: list[str] = []
    opened: list[str] = []
    monkeypatch.setattr(dialogs, "confirm", lambda p, t, text: offered.append(text) or True)
    monkeypatch.setattr(dialogs, "open_with_system", opened.append)
    report_actions.make_report(window)
    qtbot.waitUntil(lambda: bool(opened), timeout=20_000)
    pdf = out.with_suffix(".pdf")
    assert opened == [str(pdf)]
    assert pdf.read_bytes().startswith(b"%PDF")
    assert str(pdf) in offered[0]
    choice = seen[0]
    assert choice.final_button.isEnabled() and choice.final and not choice.reasons.isVisible()
    assert suggested[0].endswith("自评报告（2024年度）.pdf")
    qtbot.waitUntil(lambda: window.jobs.thread.isFinished())
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          encoding="utf-8", check=True).stdout
    assert "自评报告" in text and "草稿" not in text


def test_a_report_that_cannot_be_written_says_why(window: MainWindow, qtbot: Any,
                                                  tmp_path: Path, answer: Any,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    answer(lambda dialog: True)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setattr(dialogs, "save_file_name", lambda *a: str(blocker / "r.pdf"))
    errors: list[str] = []
    monkeypatch.setattr(dialogs, "error", lambda p, t, text: errors.append(text))
    report_actions.make_report(window)
    qtbot.waitUntil(lambda: bool(errors), timeout=20_000)
    assert "r.pdf" in errors[0] or "not-a-folder" in errors[0]
    qtbot.waitUntil(lambda: window.jobs.thread.isFinished())
