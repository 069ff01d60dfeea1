"""目标设置: pick the profile, copy it, change a target, a threshold, a switch and a label."""

from typing import Any

import pytest

from db.errors import KnownError
from desktop import dialogs
from desktop.main_window import MainWindow
from desktop.profile_dialog import ProfileDialog, parse_number, parse_threshold
from reports.judge import profiles
from reports.judge.evaluation import evaluate


@pytest.fixture
def dialog(window: MainWindow, qtbot: Any) -> ProfileDialog:
    d = ProfileDialog(window.county, window)
    qtbot.addWidget(d)
    return d


def _set(d: ProfileDialog, ind: str, key: str, value: Any) -> bool:
    row = next(i for i, r in enumerate(d.model.rows) if r["id"] == ind)
    return d.model.setData(d.model.index(row, d.model.column_index(key)), value)


def _copy(d: ProfileDialog, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    def fill(inner: Any) -> bool:
        inner.name_edit.setText(name)
        return True
    monkeypatch.setattr(dialogs, "exec_dialog", fill)
    d._copy()


def test_profile_model_passes_the_model_tester(dialog: ProfileDialog, qtmodeltester: Any) -> None:
    qtmodeltester.check(dialog.model, force_py=True)


def test_builtins_are_read_only(dialog: ProfileDialog) -> None:
    assert dialog.current().id == "baseline"
    assert not _set(dialog, "C2", "threshold", "30%")
    assert "复制" in dialog.state.text()
    names = [dialog.chooser.itemText(i) for i in range(dialog.chooser.count())]
    assert len(names) == 5 and "（本县采用）" in names[0]


def test_copy_change_and_use_a_profile(dialog: ProfileDialog, window: MainWindow,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    county = window.county
    _copy(dialog, monkeypatch, "青河县 2025 目标")
    mine = dialog.current()
    assert mine.name == "青河县 2025 目标" and not mine.builtin
    assert _set(dialog, "C2", "threshold", "30%")
    assert _set(dialog, "B5", "value", "80%")
    assert _set(dialog, "D8", "on", 0)
    assert _set(dialog, "B1", "threshold", "5类8项")
    dialog.labels["中医馆"].setText("中医馆（蒙医馆）")
    dialog.labels["中医馆"].editingFinished.emit()
    # It says what it is and what it changes, not the national scheme's own words.
    said = dialog.state.text()
    assert "本县方案，以“" in said and "不加本县方案" not in said
    # by the standard's 条目 and name, as 总览 shows them, not the program's ids
    assert ("改动了 4 项指标的设置：三（一）1 基层机构适宜技术达标率、三（二）1 老年人中医药健康管理率、"
            "三（三）7 基层机构中医类别医师占比达标率、四（二）3 中医药文化进校园活动") in said
    dialog._use()
    stored = profiles.get_profile(county, mine.id)
    assert stored.setting("C2").threshold == {"share": 0.3}
    assert stored.setting("B5").target.value == 0.8
    assert stored.setting("B1").threshold == {"categories": 5, "items": 8}
    assert not stored.is_on("D8")
    result = evaluate(county, 2024)
    assert result.profile_id == mine.id
    assert result.result("D8") is None
    assert result.result("A1").name == "中医馆（蒙医馆）设置率"


def test_nonsense_targets_are_refused_with_a_message(dialog: ProfileDialog,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    _copy(dialog, monkeypatch, "试验方案")
    assert not _set(dialog, "B1", "threshold", "十类")
    assert "6类10项" in dialog.message.text()
    assert not _set(dialog, "B5", "value", "150%")
    assert "老年人中医药健康管理率" in dialog.message.text() and "B5" not in dialog.message.text()
    assert not _set(dialog, "B1", "threshold", "8类6项")
    assert "不能多于项数" in dialog.message.text()


def test_numbers_in_the_ways_clerks_write_them() -> None:
    assert parse_number("75%", "share") == 0.75
    assert parse_number("75", "share") == 0.75
    with pytest.raises(KnownError, match="“0.75”是 0.75% 还是 75%？"):
        parse_number("0.75", "share")  # as in 全县情况: a fraction or a percent? asked, not guessed
    assert parse_number("75％", "share") == 0.75
    assert parse_number("0.6", "rate") == 0.6
    assert parse_threshold("6 类 10 项", "B1") == {"categories": 6, "items": 10}
    assert parse_threshold("10项", "B1") == {"categories": 0, "items": 10}
    assert parse_threshold("提档升级", "A2") == {"hall_states": ["upgraded"]}
    assert parse_threshold("达标、提档升级；面积≥300㎡；治疗室面积≥40", "A2") == {
        "hall_states": ["standard", "upgraded"], "area": 300, "treat_area": 40}
    assert parse_threshold("25%", "C2") == parse_threshold("每家≥25%", "C2") == {"share": 0.25}
    with pytest.raises(Exception, match="没有“面积≥300㎡”这样的达标条件"):
        parse_threshold("面积≥300㎡", "B1")


def test_window_shows_the_chosen_profile(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    def choose(d: Any) -> bool:
        d.chooser.setCurrentIndex(d.chooser.findData("qijiang-2027"))
        d._use()
        return False
    monkeypatch.setattr(dialogs, "exec_dialog", choose)
    window.edit_profiles()
    assert "綦江" in window.profile_label.text()
    assert window.ctx.evaluation.result("A6") is not None


def test_a_governance_item_is_switched_off_in_the_countys_layer(
        dialog: ProfileDialog, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    _copy(dialog, monkeypatch, "本县方案")
    # 用地规划 (G08) does not apply here: switched off, it leaves the full marks and the pass mark.
    assert _set(dialog, "G08", "on", 0)
    assert not _set(dialog, "G08", "value", "1")
    assert "只能设置是否考核" in dialog.message.text()
    dialog._use()
    score = evaluate(window.county, 2024).score
    assert score.item("G08").state == "不适用"
    assert (score.max, score.pass_mark) == (99, 79.2)


def test_hospital_grade_threshold_reads_and_writes_in_words() -> None:
    assert parse_threshold("三级乙等及以上", "B9") == {"min_grade": "3b"}
    with pytest.raises(Exception, match="无法识别达标条件“特级”.*二级甲等及以上"):
        parse_threshold("特级", "B9")


def test_every_indicator_and_item_says_what_it_rests_on(dialog: ProfileDialog) -> None:
    rows = {r["id"]: r for r in dialog.model.rows}
    assert rows["C7"]["basis"].startswith("《基层中医药服务能力提升工程“十四五”行动计划》")
    assert "中医类别医师占同类机构医师总数比例超过25%" in rows["C7"]["basis"]
    assert rows["D11"]["basis"].startswith("推定")
    assert rows["G02"]["basis"].startswith("《安岳县创建全国基层中医药工作示范县实施方案》")
    assert rows["B14"]["population"] == "社区卫生服务中心、乡镇卫生院"
    assert all(r["basis"] for r in rows.values())
    # The selected row's basis, whole, under the table.
    row = next(i for i, r in enumerate(dialog.model.rows) if r["id"] == "C7")
    dialog.table.setCurrentIndex(dialog.model.index(row, 0))
    assert "中医类别医师占同类机构医师总数比例超过25%" in dialog.detail.text()
    assert "须填报：社区卫生服务中心、乡镇卫生院" in dialog.detail.text()
    # A county's own target names its source beside the standard's.
    dialog.chooser.setCurrentIndex(dialog.chooser.findData("yanjiang-2023"))
    rows = {r["id"]: r for r in dialog.model.rows}
    assert rows["B1"]["basis"].startswith("本县方案：雁江区工作要点 第八条")
