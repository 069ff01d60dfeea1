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
        window: MainWindow, opened: list[Path], asked: list[str], answer: Any) -> None:
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
    answer(lambda dialog: dialog.view.selectAll() or dialog.open_selected() or False)
    tab.evidence()
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


# ---- the 佐证材料 dialog: list, open, rename, remove, add -----------------------------------------

def _pick_activity(window: MainWindow) -> dict:
    tab = window.activities
    window.tabs.setCurrentWidget(tab)
    tab.view.setCurrentIndex(tab.proxy.index(2, 0))
    row = tab.selected_row()
    assert row is not None
    return row


def test_attaching_keeps_the_row_and_the_list_shows_the_file(
        window: MainWindow, answer: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    row = _pick_activity(window)
    photo = tmp_path / "IMG_0001.jpg"
    photo.write_bytes(b"\xff\xd8" + b"x" * 3000)
    monkeypatch.setattr(dialogs, "open_file_names", lambda *a: [str(photo)])
    tab = window.activities
    tab.attach()
    assert tab.selected_row()["id"] == row["id"]  # issue 15 finding 9: it used to be lost
    assert tab.selected_row()["evidence"] == 1
    listed: list[list[tuple]] = []

    def look(dialog: Any) -> bool:
        assert isinstance(dialog, evidence.EvidenceDialog)
        assert row["title"] in dialog.windowTitle()
        listed.append([(r["filename"], r["size_text"], len(r["date"])) for r in dialog.model.rows])
        return False
    answer(look)
    tab.evidence()
    assert listed == [[("IMG_0001.jpg", "3 KB", 10)]]


def test_evidence_is_renamed_noted_and_removed_as_a_tombstone(
        window: MainWindow, answer: Any, opened: list[Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    row = _pick_activity(window)
    county = window.county
    _attach(county, row["id"], "IMG_0001.jpg", b"\xff\xd8 photo")
    _attach(county, row["id"], "签到表.pdf", b"%PDF sign-in")
    window.activities.refresh(window.ctx)
    window.activities.select_record(row["id"])
    monkeypatch.setattr(evidence, "ask_name", lambda parent, title, label, current: "重阳节义诊合影")
    monkeypatch.setattr(dialogs, "confirm", lambda *a: True)

    def work(dialog: Any) -> bool:
        names = [r["filename"] for r in dialog.model.rows]
        assert names == ["IMG_0001.jpg", "签到表.pdf"]
        dialog.view.setCurrentIndex(dialog.model.index(0, 0))
        dialog.rename_selected()  # the extension stays: still a photo
        assert [r["filename"] for r in dialog.model.rows] == ["签到表.pdf", "重阳节义诊合影.jpg"]
        note = dialog.model.index(1, dialog.model.column_index("note"))
        assert dialog.model.setData(note, "九九重阳，社区义诊")
        dialog.open_selected()
        dialog.view.setCurrentIndex(dialog.model.index(0, 0))
        dialog.delete_selected()
        assert [r["filename"] for r in dialog.model.rows] == ["重阳节义诊合影.jpg"]
        return False
    answer(work)
    window.activities.evidence()
    assert [p.name for p in opened] == ["重阳节义诊合影.jpg"]
    live = county.rows("evidence", "owner_id = ?", (row["id"],))
    assert [(e["filename"], e["note"]) for e in live] == [("重阳节义诊合影.jpg", "九九重阳，社区义诊")]
    gone = county.rows("evidence", "owner_id = ? AND deleted = 1", (row["id"],),
                       include_deleted=True)
    assert [e["filename"] for e in gone] == ["签到表.pdf"]  # a tombstone, not a hole
    assert window.activities.selected_row()["evidence"] == 1


@pytest.mark.parametrize("name", ["", "   ", "a/b", "照片?.jpg"])
def test_a_name_that_cannot_be_a_file_name_is_refused(window: MainWindow, name: str) -> None:
    from db.errors import KnownError

    county = window.county
    activity = _activity(county)
    _attach(county, activity, "照片.jpg", b"jpg")
    [item] = county.rows("evidence", "owner_id = ?", (activity,))
    with pytest.raises(KnownError, match="文件名"):
        evidence.rename_evidence(county, item["id"], name)
    assert county.get("evidence", item["id"])["filename"] == "照片.jpg"


def test_a_removed_evidence_file_is_removed_in_the_other_copy_by_a_merge(
        tmp_path: Path) -> None:
    import shutil

    from db.exchange import merge

    path = tmp_path / "县.tcmcounty"
    with CountyFile.create(path, "县") as county:
        task = county.insert("task", {"text": "任务甲"})
        county.add_evidence("纪要.pdf", b"%PDF", owner_table="task", owner_id=task)
    other = tmp_path / "副本.tcmcounty"
    shutil.copyfile(path, other)
    with CountyFile.open(other, machine="b" * 32) as copy:
        [item] = copy.rows("evidence")
        copy.delete("evidence", item["id"])
    with CountyFile.open(path) as county:
        plan = merge(county, other)
        assert [ch.label for ch in plan.deleted] == ["纪要.pdf"]
        assert county.rows("evidence") == []


def test_indicator_evidence_is_listed_from_the_overview(window: MainWindow, answer: Any,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        tmp_path: Path) -> None:
    tab = window.overview
    window.tabs.setCurrentWidget(tab)
    at = next(i for i in range(tab.proxy.rowCount())
              if tab.proxy.index(i, tab.model.column_index("code")).data() == "二（一）6")
    tab.view.setCurrentIndex(tab.proxy.index(at, 0))
    doc = tmp_path / "会议纪要.pdf"
    doc.write_bytes(b"%PDF minutes")
    monkeypatch.setattr(dialogs, "open_file_names", lambda *a: [str(doc)])
    tab.attach()
    assert tab.selected_row()["id"] == "B8"
    seen: list[list[str]] = []
    answer(lambda dialog: seen.append([r["filename"] for r in dialog.model.rows]) or False)
    tab.evidence()
    assert len(seen) == 1 and "会议纪要.pdf" in seen[0]
    assert len(seen[0]) == tab.selected_row()["evidence"]
