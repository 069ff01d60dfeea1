"""Evidence opened from the window: each in a file of its own, under a clean name, and only
documents and images handed to the system; anything else is offered to be saved instead."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
import pytest

from db.county import CountyFile
from desktop import dialogs, evidence
from desktop.main_window import MainWindow


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """What the system was asked to open, as paths (nothing is really opened)."""
    seen: list[Path] = []

    def record(url: QUrl) -> bool:
        seen.append(Path(url.toLocalFile()))
        return True
    monkeypatch.setattr(QDesktopServices, "openUrl", record)
    return seen


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Questions put to the user; every one answered no unless a test says otherwise."""
    seen: list[str] = []
    monkeypatch.setattr(dialogs, "confirm", lambda parent, title, text: seen.append(text) and False)
    return seen


def _activity(county: CountyFile) -> str:
    first = "SELECT id FROM activity WHERE deleted = 0 ORDER BY date, id LIMIT 1"
    return county.query(first)[0]["id"]


def _attach(county: CountyFile, activity: str, name: str, data: bytes) -> None:
    county.add_evidence(name, data, owner_table="activity", owner_id=activity, year=2024)


def _open(county: CountyFile, activity: str) -> bool:
    return evidence.open_evidence(county, "owner_table = 'activity' AND owner_id = ?",
                                  (activity,))


def test_two_files_of_the_same_name_open_each_with_its_own_content(
        window: MainWindow, opened: list[Path], asked: list[str]) -> None:
    """From the activities tab, as a clerk would: two photos both called 活动照片.jpg."""
    county = window.county
    [activity] = county.query("SELECT id, title FROM activity WHERE deleted = 0 AND date LIKE "
                              "'2024%' GROUP BY title HAVING count(*) = 1 ORDER BY title LIMIT 1")
    _attach(county, activity["id"], "活动照片.jpg", b"\xff\xd8 first photo")
    _attach(county, activity["id"], "活动照片.jpg", b"\xff\xd8 second photo")
    tab = window.activities
    window.tabs.setCurrentWidget(tab)
    tab.search.setText(activity["title"])
    tab.view.setCurrentIndex(tab.proxy.index(0, 0))
    tab.open_evidence()
    assert sorted(p.read_bytes() for p in opened) == [b"\xff\xd8 first photo",
                                                       b"\xff\xd8 second photo"]
    assert len(set(opened)) == 2 and all(p.name == "活动照片.jpg" for p in opened)
    assert not asked


def test_opening_again_shows_the_same_file_and_leaves_the_others(
        qapp: Any, tmp_path: Path, opened: list[Path]) -> None:
    with CountyFile.create(tmp_path / "县.tcmcounty", "县") as county:
        a = county.insert("task", {"text": "任务甲"})
        b = county.insert("task", {"text": "任务乙"})
        county.add_evidence("纪要.pdf", b"%PDF a", owner_table="task", owner_id=a)
        county.add_evidence("纪要.pdf", b"%PDF b", owner_table="task", owner_id=b)
        for task in (a, b, a):
            assert evidence.open_evidence(county, "owner_table = 'task' AND owner_id = ?", (task,))
    assert [p.read_bytes() for p in opened] == [b"%PDF a", b"%PDF b", b"%PDF a"]
    assert opened[0] == opened[2] != opened[1]


@pytest.mark.parametrize("name", ["活动照片.jpg.exe", "活动照片\u202egpj.exe", "说明.bat",
                                  "快捷方式.lnk", "活动照片.jpg.exe.", "脚本.JS", "无扩展名",
                                  "资料.zip", "网页.html"])
def test_a_file_that_is_not_a_document_is_never_handed_to_the_system(
        window: MainWindow, opened: list[Path], asked: list[str], name: str) -> None:
    county = window.county
    activity = _activity(county)
    _attach(county, activity, name, b"MZ\x90\x00 not a photo")
    assert _open(county, activity)
    assert opened == []
    assert len(asked) == 1
    assert "不直接打开" in asked[0] and "另存为" in asked[0]
    assert not set(asked[0]) & set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def test_such_a_file_can_be_saved_elsewhere(window: MainWindow, opened: list[Path],
                                            monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    county = window.county
    activity = _activity(county)
    _attach(county, activity, "活动照片\u202egpj.exe", b"MZ payload")
    monkeypatch.setattr(dialogs, "confirm", lambda *a: True)
    offered: list[str] = []
    target = tmp_path / "保存" / "活动照片gpj.exe"
    target.parent.mkdir()
    monkeypatch.setattr(dialogs, "save_file_name",
                        lambda parent, title, suggested, filters: offered.append(suggested)
                        or str(target))
    told: list[str] = []
    monkeypatch.setattr(dialogs, "info", lambda parent, title, text: told.append(text))
    assert _open(county, activity)
    assert opened == []
    assert told == [f"已保存：{target}"]
    assert Path(offered[0]).name == "活动照片gpj.exe"  # the real name, without the reversal
    assert target.read_bytes() == b"MZ payload"
    assert sorted(p.name for p in target.parent.iterdir()) == ["活动照片gpj.exe"]


@pytest.mark.parametrize(("name", "shown"), [
    ("..\\..\\逃出去.pdf", "_.._逃出去.pdf"), ("../../逃出去.pdf", "_.._逃出去.pdf"),
    ("CON.pdf", "_CON.pdf"), ("报\u202e告.pdf", "报告.pdf"), ("照片\u200f\u2066.JPG", "照片.JPG"),
    ("扫描件.tif", "扫描件.tif"), ("台账.xlsx", "台账.xlsx"), ("通知.ofd", "通知.ofd")])
def test_names_are_cleaned_and_stay_in_the_programs_own_folder(
        window: MainWindow, opened: list[Path], asked: list[str], name: str, shown: str) -> None:
    county = window.county
    activity = _activity(county)
    _attach(county, activity, name, b"content")
    assert _open(county, activity)
    assert not asked
    [path] = opened
    assert path.name == shown
    assert evidence.open_folder() in path.resolve().parents
    assert path.read_bytes() == b"content"


def test_the_programs_folder_is_removed_at_exit(window: MainWindow, opened: list[Path]) -> None:
    county = window.county
    activity = _activity(county)
    _attach(county, activity, "照片.png", b"\x89PNG")
    assert _open(county, activity)
    folder = evidence.open_folder()
    assert folder.is_dir() and folder.name.startswith("tcmcounty-")
    evidence.remove_open_folder()  # what the program does when it quits
    assert not folder.exists()
    assert _open(county, activity)  # and opening again afterwards still works
    assert opened[-1].read_bytes() == b"\x89PNG"
