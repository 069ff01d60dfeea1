"""另存副本, 合并其他文件 and 恢复备份 from the window."""

import shutil
from pathlib import Path
from typing import Any

import pytest

from db import backups
from db.county import CountyFile
from desktop import dialogs
from desktop.exchange_dialogs import BackupsDialog, MergeDialog
from desktop.main_window import MainWindow
from desktop import exchange_dialogs


def test_save_copy_writes_a_verified_copy(window: MainWindow, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    dest = tmp_path / "stick" / "副本.tcmcounty"
    dest.parent.mkdir()
    monkeypatch.setattr(dialogs, "save_file_name", lambda *a: str(dest))
    told: list[str] = []
    monkeypatch.setattr(dialogs, "info", lambda p, t, text: told.append(text))
    exchange_dialogs.save_copy(window)
    assert str(dest) in told[0]
    with CountyFile.open(dest) as copy:
        assert copy.county_name == "青河县"


def test_the_same_file_cannot_be_open_in_two_windows(window: MainWindow, demo_file: Path,
                                                     qtbot: Any,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(dialogs, "error", lambda p, t, text: shown.append(text))
    second = MainWindow()
    qtbot.addWidget(second)
    assert not second.open_path(demo_file)
    assert "另一个程序窗口" in shown[0]


def _conflicting_copy(window: MainWindow, demo_file: Path) -> tuple[Path, str]:
    other = demo_file.with_name("乡镇.tcmcounty")
    shutil.copyfile(demo_file, other)
    centre = window.county.rows("institution", "type = 'chc'", order="name")[0]["id"]
    with CountyFile.open(other, machine="b" * 32) as o:
        o.update("institution", centre, {"code": "THEIRS"})
        o.insert("activity", {"institution_id": centre, "date": "2024-10-10", "kind": "义诊",
                              "title": "重阳节义诊"})
    window.county.update("institution", centre, {"code": "MINE"})
    return other, centre


def test_merge_previews_and_each_conflict_is_decided(window: MainWindow, demo_file: Path,
                                                     answer: Any,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    other, centre = _conflicting_copy(window, demo_file)
    monkeypatch.setattr(dialogs, "open_file_name", lambda *a: str(other))

    def decide(dialog: Any) -> bool:
        assert isinstance(dialog, MergeDialog)
        assert "新增 1 条" in dialog.plan.summary() and "冲突 1 条" in dialog.plan.summary()
        assert not dialog.ok.isEnabled()  # not before every conflict is decided
        dialog.choices[0].setCurrentIndex(dialog.choices[0].findData("theirs"))
        assert dialog.ok.isEnabled()
        return True
    answer(decide)
    exchange_dialogs.merge_file(window)
    assert window.county.get("institution", centre)["code"] == "THEIRS"
    assert window.county.rows("activity", "title = '重阳节义诊'")


def test_cancelled_merge_writes_nothing(window: MainWindow, demo_file: Path, answer: Any,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    other, centre = _conflicting_copy(window, demo_file)
    monkeypatch.setattr(dialogs, "open_file_name", lambda *a: str(other))
    answer(lambda dialog: False)
    exchange_dialogs.merge_file(window)
    assert window.county.get("institution", centre)["code"] == "MINE"
    assert not window.county.rows("activity", "title = '重阳节义诊'")


def test_restore_a_backup(window: MainWindow, demo_file: Path, answer: Any,
                          monkeypatch: pytest.MonkeyPatch) -> None:
    window.county.set_setting("county_name", "改错了")

    def pick(dialog: Any) -> bool:
        assert isinstance(dialog, BackupsDialog)
        assert dialog.model.rows[0]["reason"] == "每日"
        dialog.view.setCurrentIndex(dialog.model.index(0, 0))
        return True
    answer(pick)
    monkeypatch.setattr(dialogs, "confirm", lambda *a: True)
    exchange_dialogs.restore_backup(window)
    assert window.county is not None and window.county.county_name == "青河县"
    assert any(b.reason == "恢复前" for b in backups.list_backups(demo_file.stem))


def _tombstones(window: MainWindow) -> int:
    sql = "SELECT count(*) FROM activity WHERE deleted = 1"
    return window.county.conn.execute(sql).fetchone()[0]


@pytest.mark.parametrize("confirmed", [False, True])
def test_a_merge_deleting_many_records_asks_first(window: MainWindow, demo_file: Path,
                                                  answer: Any, confirmed: bool,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    other = demo_file.with_name("乡镇.tcmcounty")
    shutil.copyfile(demo_file, other)
    with CountyFile.open(other, machine="b" * 32, daily_backup=False) as o, o.atomic():
        for row in o.rows("activity", order="id")[:8]:
            o.delete("activity", row["id"])
    monkeypatch.setattr(dialogs, "open_file_name", lambda *a: str(other))
    answer(lambda dialog: True)
    asked: list[str] = []

    def confirm(parent: Any, title: str, text: str) -> bool:
        asked.append(text)
        return confirmed
    monkeypatch.setattr(dialogs, "confirm", confirm)
    before = _tombstones(window)
    exchange_dialogs.merge_file(window)
    assert "将删除 8 条记录" in asked[0]
    assert _tombstones(window) == before + (8 if confirmed else 0)


def test_a_crafted_file_is_refused_in_the_window(window: MainWindow, demo_file: Path,
                                                 answer: Any,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    other = demo_file.with_name("乡镇.tcmcounty")
    shutil.copyfile(demo_file, other)
    conn = sqlite3.connect(other)
    conn.execute("ALTER TABLE institution ADD COLUMN extra TEXT")
    conn.close()
    monkeypatch.setattr(dialogs, "open_file_name", lambda *a: str(other))
    shown: list[str] = []
    monkeypatch.setattr(dialogs, "error", lambda p, t, text: shown.append(text))
    seen = answer(lambda dialog: True)
    exchange_dialogs.merge_file(window)
    assert "乡镇.tcmcounty" in shown[0] and "不能合并" in shown[0]
    assert seen == []  # no preview of a file that is refused
