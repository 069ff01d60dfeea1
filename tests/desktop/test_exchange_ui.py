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
from db import exchange
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton


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
        [row] = dialog.model.rows
        assert (row["field"], row["mine"], row["theirs"]) == ("机构代码", "MINE", "THEIRS")
        dialog.model.setData(dialog.model.index(0, dialog.model.column_index("side")), "theirs")
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


# ---- the merge dialog: every change under its own record, conflicts field by field -------------

def _town_centre_and_clinic(county: CountyFile) -> tuple[dict, dict]:
    """A township's centre and one of its village clinics (listed after it)."""
    for centre in county.rows("institution", "type = 'township_hc'", order="name"):
        clinics = county.rows("institution", "type = 'village_clinic' AND township = ?",
                              (centre["township"],), order="name")
        if clinics:
            return centre, clinics[-1]
    raise AssertionError("the demo has village clinics")


def test_every_preview_line_sits_under_its_own_record(window: MainWindow, demo_file: Path,
                                                      answer: Any,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 15 finding 2: a centre's conflict was listed under a village clinic's update."""
    county = window.county
    centre, clinic = _town_centre_and_clinic(county)
    task = county.rows("task", order="id")[0]
    other = demo_file.with_name("乡镇.tcmcounty")
    shutil.copyfile(demo_file, other)
    with CountyFile.open(other, machine="b" * 32) as o:
        o.set_institution_year(clinic["id"], 2024, {"visits": 4321})
        o.update("institution", clinic["id"], {"code": "QH-CLINIC"})
        o.update("task", task["id"], {"note": "对方的进展"})
        # Above any demo centre's TCM visits, so neither copy is refused.
        o.set_institution_year(centre["id"], 2024, {"visits": 98000})
    county.set_institution_year(centre["id"], 2024, {"visits": 97000})
    monkeypatch.setattr(dialogs, "open_file_name", lambda *a: str(other))
    expected = {
        f"更新 机构年度数据：{clinic['name']} 2024": {"总诊疗人次"},
        f"更新 机构：{clinic['name']}": {"机构代码"},
        f"更新 创建任务：{task['text']}": {"备注"},
    }

    def look(dialog: Any) -> bool:
        under: dict[str, set[str]] = {}
        heading = ""
        for line in dialog.preview.toPlainText().splitlines()[1:]:
            if line.startswith("      "):
                under[heading].add(line.strip().split("：")[0])
            else:
                heading = line.strip()
                under[heading] = set()
        assert under == expected
        assert "97,000" not in dialog.preview.toPlainText()  # the conflict is in the table only
        assert [(r["record"], r["field"], r["mine"], r["theirs"]) for r in dialog.model.rows] \
            == [(f"机构年度数据：{centre['name']} 2024", "总诊疗人次", "97,000", "98,000")]
        return False
    answer(look)
    exchange_dialogs.merge_file(window)


def _thirty_conflicts(window: MainWindow, demo_file: Path) -> Path:
    county = window.county
    other = demo_file.with_name("乡镇.tcmcounty")
    shutil.copyfile(demo_file, other)
    names = county.rows("institution", order="name")[:30]
    with CountyFile.open(other, machine="b" * 32) as o, o.atomic():
        for n, inst in enumerate(names):
            o.update("institution", inst["id"], {"code": f"THEIRS{n}", "note": f"对方备注{n}"})
    with county.atomic():
        for n, inst in enumerate(names):
            county.update("institution", inst["id"], {"code": f"MINE{n}", "note": f"本方备注{n}"})
    return other


def test_thirty_conflicts_fit_a_1366_by_768_screen(window: MainWindow, demo_file: Path,
                                                   qtbot: Any) -> None:
    from PySide6.QtCore import QRect

    plan = exchange.plan_merge(window.county, _thirty_conflicts(window, demo_file))
    assert len(plan.conflicts) == 30
    dialog = MergeDialog(plan, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    screen = QRect(0, 0, 1366, 768)
    assert screen.contains(dialog.frameGeometry())
    assert dialog.minimumSizeHint().height() <= 728 and dialog.minimumSizeHint().width() <= 1280
    for button in (dialog.ok, dialog.cancel):
        assert button.isVisible() and button.text().replace("(&H)", "") in ("合并", "取消")
        assert dialog.rect().contains(QRect(button.mapTo(dialog, button.rect().topLeft()),
                                            button.size()))
    assert dialog.model.rowCount() == 60  # two fields a record, one table that scrolls


def test_conflicts_are_decided_by_keyboard_and_for_all_at_once(window: MainWindow,
                                                               demo_file: Path,
                                                               qtbot: Any) -> None:
    from PySide6.QtCore import Qt

    plan = exchange.plan_merge(window.county, _thirty_conflicts(window, demo_file))
    dialog = MergeDialog(plan, window)
    qtbot.addWidget(dialog)
    dialog.show()
    table = dialog.table
    table.setFocus()
    side = dialog.model.column_index("side")
    table.setCurrentIndex(dialog.model.index(0, side))
    qtbot.keyClick(table, Qt.Key.Key_Space)  # undecided → 对方
    assert plan.conflicts[0].choices == {"code": "theirs"}
    qtbot.keyClick(table, Qt.Key.Key_Space)  # and back to 本文件
    assert plan.conflicts[0].choices == {"code": "mine"}
    assert dialog.model.index(0, side).data() == "本文件"
    assert not dialog.ok.isEnabled()
    qtbot.mouseClick(dialog.findChild(QPushButton, "all_theirs"), Qt.MouseButton.LeftButton)
    assert all(c.choice == "theirs" for c in plan.conflicts) and dialog.ok.isEnabled()
    assert "已决定 60 / 60 项" in dialog.count.text()
    table.setCurrentIndex(dialog.model.index(1, side))
    qtbot.keyClick(table, Qt.Key.Key_Space)  # the first record's 备注 back to 本文件
    assert plan.conflicts[0].choice == "mixed"
    dialog.accept()
    exchange.apply_merge(window.county, plan)
    c = plan.conflicts[0]
    first = window.county.get("institution", c.record_id)
    assert (first["code"], first["note"]) == (c.theirs["code"], c.mine["note"])
    assert first["code"].startswith("THEIRS") and first["note"].startswith("本方备注")


def test_the_newer_button_takes_each_record_from_its_last_change(window: MainWindow,
                                                                 demo_file: Path,
                                                                 qtbot: Any) -> None:
    from PySide6.QtCore import Qt

    plan = exchange.plan_merge(window.county, _thirty_conflicts(window, demo_file))
    dialog = MergeDialog(plan, window)
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.findChild(QPushButton, "all_newer"), Qt.MouseButton.LeftButton)
    assert all(c.choice == "mine" for c in plan.conflicts)  # this window's edits came last


def test_a_duplicate_institution_is_kept_once_from_the_dialog(window: MainWindow,
                                                              demo_file: Path, qtbot: Any,
                                                              answer: Any,
                                                              monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
    from PySide6.QtCore import Qt

    county = window.county
    town = county.rows("institution", "type = 'village_clinic'", order="name")[0]["township"]
    # The bureau and the township each register the same new clinic, neither knowing of the other.
    clinic = {"name": f"{town}新建村卫生室", "type": "village_clinic", "township": town}
    other = demo_file.with_name("乡镇.tcmcounty")
    shutil.copyfile(demo_file, other)
    with CountyFile.open(other, machine="b" * 32) as o:
        o.insert("institution", {**clinic, "code": "QH00099"})
    county.insert("institution", {**clinic, "code": "QH00098"})
    before = county.count("institution")
    monkeypatch.setattr(dialogs, "open_file_name", lambda *a: str(other))

    def keep_mine(dialog: Any) -> bool:
        assert "新增 0 条" in dialog.plan.summary()
        assert {r["record"] for r in dialog.model.rows} == {
            f"机构：{clinic['name']}（与本文件的“{clinic['name']}”重复：同一乡镇（街道）中名称相同，"
            "只能保留一家）"}
        dialog.table.setFocus()
        dialog.table.setCurrentIndex(dialog.model.index(2, 0))
        qtbot.keyClick(dialog.table, Qt.Key.Key_Space)
        qtbot.keyClick(dialog.table, Qt.Key.Key_Space)
        assert [r["side"] for r in dialog.model.rows] == ["mine"] * 4  # the whole record
        return dialog.ok.isEnabled()
    answer(keep_mine)
    exchange_dialogs.merge_file(window)
    assert county.count("institution") == before
    assert not county.rows("institution", "code = 'QH00099'")


def test_the_merge_preview_writes_numbers_as_the_tables_do(window: MainWindow, demo_file: Path,
                                                           answer: Any,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    """"39088" and "1268 → 1344" in the preview, "29,400" in the tables: now 29,400 in both."""
    other = demo_file.with_name("乡镇.tcmcounty")
    shutil.copyfile(demo_file, other)
    county = window.county
    row = county.query("SELECT y.id, y.visits, i.name FROM institution_year y JOIN institution i "
                       "ON i.id = y.institution_id WHERE y.year = 2024 AND y.visits >= 1000 "
                       "ORDER BY i.name LIMIT 1")[0]
    with CountyFile.open(other, machine="b" * 32) as o:
        o.update("institution_year", row["id"], {"visits": row["visits"] + 31_000})
    monkeypatch.setattr(dialogs, "open_file_name", lambda *a: str(other))
    seen: list[tuple[str, str]] = []
    answer(lambda dialog: seen.append((dialog.plan.summary(), dialog.preview.toPlainText()))
           or False)
    exchange_dialogs.merge_file(window)
    [(summary, preview)] = seen
    assert f"{row['visits']:,} → {row['visits'] + 31_000:,}" in preview
    unchanged = int(summary.split("未变 ")[1].split(" 条")[0].replace(",", ""))
    assert unchanged >= 1000 and f"未变 {unchanged:,} 条" in summary


def test_a_conflict_shows_the_value_both_files_had_when_the_township_file_was_made(
        window: MainWindow, tmp_path: Path, qtbot: Any) -> None:
    county = window.county
    centre = county.rows("institution", "type = 'township_hc'", order="name")[0]
    town = exchange.write_township_file(county, centre["township"], tmp_path / "town.tcmcounty")
    rid = county.institution_year_id(centre["id"], 2024)
    before = county.get("institution_year", rid)["tcm_gps"]
    county.update("institution_year", rid, {"tcm_gps": 8})
    with CountyFile.open(town) as township:
        township.update("institution_year", rid, {"tcm_gps": 9, "other_tcm_staff": 5})
    dialog = MergeDialog(exchange.plan_merge(county, town), window)
    qtbot.addWidget(dialog)
    rows = {r["key"]: r for r in dialog.model.rows}
    assert set(rows) == {"tcm_gps", "other_tcm_staff"}
    gps, staff = rows["tcm_gps"], rows["other_tcm_staff"]
    assert (gps["original"], gps["mine"], gps["theirs"], gps["side"]) == (str(before), "8", "9",
                                                                          None)
    assert staff["side"] == "theirs"  # only the township changed it
    assert any("已按修改记录选好改动的一边" in label.text() for label in dialog.findChildren(QLabel))
    dialog.decide_all("mine")  # the disputed field only: the township's change is kept
    assert (gps["side"], staff["side"]) == ("mine", "theirs")
    assert dialog.ok.isEnabled()
    header = dialog.model.headerData(dialog.model.column_index("original"),
                                     Qt.Orientation.Horizontal)
    assert header == "原值"
