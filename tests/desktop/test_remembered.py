"""What the window remembers per county file: the year chosen, and the folder its file dialogs
last used, one for all of them (first time: the user's Documents, never the program's or the
working folder)."""

from pathlib import Path
import shutil

import pytest
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from db.county import CountyFile
from desktop import dialogs, excel_actions, settings
from desktop.main_window import MainWindow


def test_the_chosen_year_stays_after_reopen_and_after_a_reload(
        qtbot: QtBot, window: MainWindow, demo_file: Path, tmp_path: Path) -> None:
    newest = window.year
    older = newest - 1
    window.year_box.setCurrentIndex(window.year_box.findData(older))
    window.reload_years()  # what an import or a merge does
    assert window.year == older
    window.close()
    again = MainWindow()
    qtbot.addWidget(again)
    assert again.open_path(demo_file)
    assert again.year == older
    other = tmp_path / "另一个县.tcmcounty"
    shutil.copyfile(demo_file, other)
    assert again.open_path(other)  # a file of its own remembers its own year
    assert again.year == newest
    assert again.open_path(demo_file)
    assert again.year == older


def _capture(monkeypatch: pytest.MonkeyPatch, answer: str) -> list[str]:
    seen: list[str] = []

    def fake(parent: object, title: str, start: str, filters: str) -> tuple[str, str]:
        seen.append(start)
        return answer, filters

    monkeypatch.setattr(QFileDialog, "getOpenFileName", fake)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", fake)
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        lambda p, t, start, f: (seen.append(start), ([answer] if answer else [], f))[1])
    return seen


def test_file_dialogs_start_in_documents_then_where_last_used(
        window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    documents = settings.documents_folder()
    seen = _capture(monkeypatch, "")
    window.tabs.setCurrentWidget(window.tasks)
    window.tasks.view.selectRow(0)
    window.tasks.export()  # 导出佐证材料
    excel_actions.import_excel(window)
    dialogs.save_file_name(window, "保存乡镇填报文件", "青河县-太溪镇.tcmcounty", "")
    assert Path(seen[0]) == documents / "青河县佐证材料（2024年）" and Path(seen[1]) == documents
    assert Path(seen[2]) == documents / "青河县-太溪镇.tcmcounty"
    assert not any(Path(s).is_relative_to(tmp_path) for s in seen)  # not the working folder
    stick = tmp_path / "U盘"
    stick.mkdir()
    seen = _capture(monkeypatch, str(stick / "大表.xlsx"))
    monkeypatch.setattr(window.jobs, "run", lambda *a, **k: None)
    excel_actions.import_excel(window)
    excel_actions.import_excel(window)
    assert Path(seen[1]) == stick
    seen = _capture(monkeypatch, "")
    window.tasks.export()
    assert Path(seen[0]).parent == stick  # one folder for all of the county's file dialogs


def test_evidence_dialogs_remember_their_folder(window: MainWindow, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    photos = tmp_path / "照片"
    photos.mkdir()
    (photos / "a.jpg").write_bytes(b"jpg")
    seen = _capture(monkeypatch, str(photos / "a.jpg"))
    window.overview.view.selectRow(0)
    window.overview.attach()
    window.overview.view.selectRow(1)
    window.overview.attach()
    assert Path(seen[0]) == settings.documents_folder() and Path(seen[1]) == photos
    with CountyFile.open(window.county.path, daily_backup=False) as county:
        assert county.rows("evidence")


def test_every_file_dialog_starts_where_the_last_one_wrote(
        window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 27: 导入评分表 opened at home right after 导出评分表 wrote to work/; merge,
    checklist, report and roll-up started at home."""
    from desktop import exchange_dialogs, report_actions, review_actions, rollup_actions, \
        standard_actions

    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.setattr(dialogs, "info", lambda *a: None)
    seen = _capture(monkeypatch, str(work / "评分表.xlsx"))
    standard_actions.export_standard(window)
    assert Path(seen[0]).parent == settings.documents_folder()  # the first time
    seen = _capture(monkeypatch, "")  # and now each is cancelled: where did it start?
    folders: list[str] = []
    monkeypatch.setattr(QFileDialog, "getExistingDirectory",
                        lambda _p, _t, start: folders.append(start) or "")
    monkeypatch.setattr(dialogs, "show_text", lambda *a, **k: True)
    standard_actions.import_standard(window)
    exchange_dialogs.merge_file(window)
    monkeypatch.setattr(dialogs, "exec_dialog", lambda *a, **k: True)  # 草稿 or 正式: either
    report_actions.make_report(window)
    from reports.judge import review as rv
    window.review_tab.review_id = rv.create_review(window.county, window.year, seed=1,
                                                   rule=rv.Rule(1, 1, 1))
    review_actions.write_checklist(window)
    rollup_actions.open_rollup(window)
    assert len(seen) == 4 and all(Path(s) == work or Path(s).parent == work for s in seen), seen
    assert folders == [str(work)]
