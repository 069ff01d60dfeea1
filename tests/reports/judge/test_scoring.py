"""The standard as scored data: the shipped file's shape, each scoring rule, 必备 items, layers,
and the demo county's score against a hand count."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from db.county import CountyFile
from db.demo import write_demo
from db.errors import ValidationError
from reports.judge import standard
from reports.judge.catalogue import CATALOGUE
from reports.judge.evaluation import evaluate
from resources import resource_path

from tests.reports.conftest import TODAY, act, inst, run, waiting

ORIGINAL_31 = ["A1", "A2", "A3", "A4", "A5", "A6", "A7", "B1", "B2", "B3", "B4", "B5", "B6", "B7",
               "B8", "C1", "C2", "C3", "C4", "C5", "C6", "D1", "D2", "D3", "D4", "D5", "D6", "D7",
               "D8", "D9", "D10"]


def _raw() -> dict:
    return json.loads(resource_path("standards", "national-2022.json").read_text(encoding="utf-8"))


# ---- the shipped standard -----------------------------------------------------------------------

def test_shipped_standard_is_versioned_data_with_every_field_an_item_needs() -> None:
    raw = _raw()
    # A name a stamped report can cite; the caveat is said once, apart, beside every score.
    assert raw["name"] == "全国基层中医药工作示范县建设标准（2022版）"
    assert "待对照正式文件核对" in raw["caveat"]
    assert raw["version"] and raw["format"] == 1
    items = [i for s in raw["sections"] for i in s["items"]]
    assert len({i["id"] for i in items}) == len(items)
    assert sum(i["points"] for i in items) == raw["total"] == 100
    assert 0 < raw["pass_mark"] <= raw["total"]
    for i in items:
        assert set(i) == standard.ITEM_KEYS, i["id"]
        assert i["text"] and i["code"] and i["source"], i["id"]
        assert i["rule"]["kind"] in standard.RULES
        assert i["judge"]["by"] in standard.JUDGED_BY
        assert isinstance(i["veto"], bool) and isinstance(i["unverified"], bool)
    # Every indicator of the catalogue is an item under its own id; the governance items too.
    by_indicator = {i["judge"].get("indicator") for i in items}
    assert set(ORIGINAL_31) <= by_indicator
    assert {ind.id for ind in CATALOGUE} <= by_indicator
    assert sum(i["judge"]["by"] == "document" for i in items) >= 15
    assert any(i["veto"] for i in items)
    # Inferred thresholds are marked 待核对, and nothing cites the program's own numbering.
    assert all(i["unverified"] for i in items if i["judge"].get("target"))
    # Every item says what it rests on: a document and its words, or 推定.
    for i in items:
        assert "：“" in i["basis"] or i["basis"].startswith("推定") or "”" in i["basis"], i["id"]
    assert "种子" not in json.dumps(raw, ensure_ascii=False)
    assert standard.shipped().total == 100


@pytest.mark.parametrize("change, message", [
    (lambda r: r["sections"][0]["items"].append(copy.deepcopy(r["sections"][0]["items"][0])),
     "评分项编号“G01”重复"),
    (lambda r: r.update(pass_mark=101, total=100), "合格分数线应大于 0 且不高于满分 100 分"),
    (lambda r: r["sections"][0]["items"][0].update(rule={"kind": "每项一分"}), "计分方式无效"),
    (lambda r: r["sections"][0]["items"][0].update(
        rule={"kind": "per_failing", "deduct": 1, "floor": 9}), "最低得分应在 0 至 3 分之间"),
    (lambda r: r["sections"][1]["items"][1]["judge"].update(indicator="Z9"), "指标“Z9”不存在"),
    (lambda r: r.update(total=90), "写明满分 90 分，各项分值合计却是 100 分"),
    # A standard stored in a county file arrives in merges: held to the 评分表's checks.
    (lambda r: r["sections"][3]["items"][0].update(points=1e308), "分值应在 0–100 分之间"),
    (lambda r: r["sections"][0]["items"][1].update(id="g01"), "编号“g01”重复（不分大小写和全角半角）"),
    (lambda r: r["sections"][0]["items"][1].update(id="G\u202e2"), "U\\+202E"),
    (lambda r: r["sections"][0]["items"][1].update(id="G" * 3000), "编号不能超过 16 个字符"),
    (lambda r: r["sections"][0]["items"].extend(
        dict(r["sections"][0]["items"][1], id=f"X{n}", points=0) for n in range(300)),
     "评分项超过 300 项"),
    (lambda r: r["sections"][1]["items"][1]["judge"].update(target={"op": ">=", "value": 9}),
     "不能超过 100%"),
])
def test_a_broken_standard_is_refused_in_chinese(change, message) -> None:
    raw = _raw()
    change(raw)
    with pytest.raises(ValidationError, match=message):
        standard.parse(raw)


# ---- one rule at a time ---------------------------------------------------------------------------

def _score(county: CountyFile, profile: str | None = None):
    score = run(county, profile=profile).score
    assert score is not None
    return score


def test_all_or_nothing_gives_the_points_only_when_met(county: CountyFile) -> None:
    # D10 (4 points, all-or-nothing, ≥ 90%).
    county.set_county_year(2024, {"satisfaction": 0.95})
    assert _score(county).item("D10").points == 4
    county.set_county_year(2024, {"satisfaction": 0.89})
    item = _score(county).item("D10")
    assert (item.points, item.state) == (0, "不得分")


def test_in_proportion_scores_the_share_of_the_target_rounded_down(county: CountyFile) -> None:
    # B5 (2 points, in proportion, ≥ 75%): 60% of 75% is 80% of the points, 1.6.
    county.set_county_year(2024, {"elderly_population": 1000, "elderly_managed": 600})
    item = _score(county).item("B5")
    assert (item.points, item.max, item.state) == (1.6, 2, "部分得分")
    # 70% of 75% is 0.9333… of 2 points = 1.866… → 1.8 (rounded down, never up).
    county.set_county_year(2024, {"elderly_population": 1000, "elderly_managed": 700})
    assert _score(county).item("B5").points == 1.8


def test_deduction_per_failing_institution_stops_at_the_floor(county: CountyFile) -> None:
    # B1 (4 points, 1 off per failing centre, floor 0): 1 failing → 3, 5 failing → 0, not −1.
    for n in range(5):
        inst(county, f"{n}镇卫生院", "township_hc", {"tech_categories": 6, "tech_items": 12})
    bad = inst(county, "差镇卫生院", "township_hc", {"tech_categories": 2, "tech_items": 3})
    item = _score(county).item("B1")
    assert (item.points, item.reason) == (3, "1 家机构未达标，扣 1 分")
    for row in county.rows("institution_year"):
        county.update("institution_year", row["id"], {"tech_categories": 1, "tech_items": 1})
    assert _score(county).item("B1").points == 0
    assert bad


def test_an_item_with_no_data_scores_nothing_and_a_veto_item_without_data_fails(
        county: CountyFile) -> None:
    score = _score(county)
    a1 = score.item("A1")
    assert (a1.points, a1.state, a1.veto) == (0, "无数据", True)
    assert "A1" in [i.id for i in score.veto_failures]
    assert score.passed is False


def test_one_failed_veto_item_fails_the_county_whatever_the_total(county: CountyFile) -> None:
    std = standard.shipped()
    # Everything scored but A1: the total clears the pass mark, A1 (必备) does not hold.
    from reports.judge.results import ItemScore, Score
    items = tuple(ItemScore(i.id, i.code, i.section, i.text, i.points if i.id != "A1" else 0,
                            i.points, i.veto, "得分" if i.id != "A1" else "不得分", "")
                  for i in std.items)
    score = Score(std.id, std.name, 96, 100, 80, items)
    assert [i.id for i in score.veto_failures] == ["A1"]
    assert score.passed is False
    assert Score(std.id, std.name, 96, 100, 80, tuple(
        ItemScore(i.id, i.code, i.section, i.text, i.points, i.points, i.veto, "得分", "")
        for i in std.items)).passed is True


def test_a_governance_item_scores_only_with_its_task_done_and_evidence_shown(
        county: CountyFile) -> None:
    task = county.insert("task", {"text": "建立中医药工作联席会议制度", "status": "推进中"})
    g02 = _score(county).item("G02")
    assert (g02.points, g02.reason) == (0, "任务推进中，无佐证材料")
    county.update("task", task, {"status": "已完成"})
    g02 = _score(county).item("G02")
    assert (g02.points, g02.reason) == (0, "任务已完成，但未上传佐证材料")
    county.add_evidence("联席会议纪要.txt", b"minutes", owner_table="task", owner_id=task)
    g02 = _score(county).item("G02")
    assert (g02.points, g02.state) == (3, "得分")
    # Evidence attached to the item itself in 总览 counts as well, for its year.
    county.add_evidence("投入文件.txt", b"budget", owner_table="indicator", indicator_id="G05",
                        year=2024)
    assert _score(county).item("G05").points == 3


def test_the_county_tcm_hospital_is_counted_from_the_register(county: CountyFile) -> None:
    assert _score(county).item("H1").state == "不得分"
    inst(county, "县中医医院", "county_tcm_hospital", {"physicians": 10, "tcm_physicians": 7})
    assert _score(county).item("H1").points == 2


def test_stations_and_village_clinics_are_two_items_with_two_targets(county: CountyFile) -> None:
    inst(county, "甲站", "chs", {"service_place": 1})
    for n in range(5):
        inst(county, f"{n}村卫生室", "village_clinic", {"service_place": 1 if n else 0})
    ev = run(county)
    a8, a9 = ev.result("A8"), ev.result("A9")
    assert (a8.value, a8.target.value, a8.met) == (1.0, 1.0, True)
    assert (a9.value, a9.target.value, a9.met) == (0.8, 0.8, True)  # 4 of 5 reach ≥ 80%
    # 雁江's plan asks every clinic: the same facts fail there.
    assert run(county, profile="yanjiang-2023").result("A9").met is False


# The 2023 construction figures, met: what the national standard asks of a 提档升级 中医馆.
BUILT_UP = {"hall_area": 320, "hall_consult_rooms": 3, "hall_treat_rooms": 2,
            "hall_treat_area": 45, "physicians": 12, "tcm_physicians": 4, "tech_categories": 6,
            "tech_items": 10}


def test_upgraded_share_of_centres_is_judged_against_15_percent(county: CountyFile) -> None:
    inst(county, "0镇卫生院", "township_hc", {"hall_state": "upgraded", **BUILT_UP})
    for n in range(1, 7):
        inst(county, f"{n}镇卫生院", "township_hc", {"hall_state": "standard"})
    a10 = run(county).result("A10")
    assert (round(a10.value, 3), a10.met) == (0.143, False)
    assert a10.gap == "还需 1 家中医馆提档升级"


def test_a_typed_upgrade_without_its_figures_waits_for_them(county: CountyFile) -> None:
    # 《基层中医药服务能力提升工程“十四五”行动计划》's 15% are the 中医馆 built to the 2023
    # figures: a typed 提档升级 alone is not enough, and a blank figure never passes.
    inst(county, "甲镇卫生院", "township_hc", {"hall_state": "upgraded", **BUILT_UP,
                                           "hall_area": None})
    inst(county, "乙镇卫生院", "township_hc", {"hall_state": "upgraded", **BUILT_UP,
                                           "hall_treat_area": 30})
    for n in range(3):
        inst(county, f"{n}镇卫生院", "township_hc", {"hall_state": "standard"})
    a10 = run(county).result("A10")
    # 0 of 5 so far; 甲 alone would make 20% ≥ 15%: the result waits for its area.
    assert (a10.value, a10.met, a10.pending) == (0.0, None, True)
    assert waiting(a10) == {"甲镇卫生院": "未填报中医馆建设情况（面积）"}


def test_a_layer_switches_items_off_and_the_pass_mark_shrinks_with_them(
        county: CountyFile) -> None:
    from reports.judge import profiles
    copy_ = profiles.copy_profile(county, "baseline", "本县")
    profiles.update_profile(county, copy_.id, {"items": {"G08": {"on": False}},
                                               "indicators": {"D10": {"on": False}}})
    score = _score(county, copy_.id)
    assert score.item("G08").state == "不适用" and score.item("D10").state == "不适用"
    assert score.max == 100 - 1 - 4
    assert score.pass_mark == 76  # 80 × 95 / 100


def test_json_score_block_is_added_after_the_contract_keys(county: CountyFile) -> None:
    data = json.loads(json.dumps(run(county).to_dict(), ensure_ascii=False))
    block = data["score"]
    assert set(block) >= {"total", "pass_mark", "passed", "items", "veto_failures", "max"}
    item = next(i for i in block["items"] if i["id"] == "A1")
    assert {"points", "max", "veto", "state"} <= set(item)


# ---- the demo county, counted by hand -------------------------------------------------------------

# From the demo's records (db/demo.py), 2024, small, counted by hand: only task 2 (联席会议)
# carries evidence, so of the governance items only G02 scores; the rest is what each indicator
# reads. Items not listed score 0.
DEMO_2024 = {
    "G02": 3,
    # 二、服务网络: the 妇幼保健院 has no 中药房 nor 煎药室 (B13: 1 − 0.5); every 中医馆 but 马河镇卫生院's
    # (已建未达标) is typed 达标 or 提档升级 (A2: 3 − 1); the county TCM hospital set up its 宣教基地
    # (B15). A8 and A9 score nothing of their own: their requirement is B2's and B3's.
    "H1": 2, "B9": 1, "B10": 1, "B11": 1, "B7": 2, "B8": 2, "B12": 1, "B13": 0.5, "B15": 2,
    "A1": 4, "A2": 2, "A10": 1, "A3": 1, "A5": 1,
    # 三、服务能力: two stations at 2类5项, short of 4类6项 (B2: 3 − 2 × 0.5); the centres' TCM
    # physicians pooled are 34% (C7); B14 48 of 48 teams; C6 89.95% of 100% → 0.8 (rounded down).
    "B1": 4, "B2": 2, "B3": 3, "B4": 3, "B5": 2, "B6": 2, "B14": 1,
    "C1": 3, "C7": 3, "C3": 2, "C4": 2, "C5": 2, "C6": 0.8,
    # 四、文化: D2, D3, D4 and D5 one centre short each (− 0.5; D2's counts a 健康咨询 entered twice
    # once); 素养水平 27% ≥ 25%.
    "D1": 2, "D2": 1.5, "D3": 1.5, "D4": 1.5, "D5": 1.5, "D6": 1, "D7": 1, "D10": 4, "D11": 2,
}


def test_demo_county_score_matches_a_hand_count(tmp_path: Path) -> None:
    path = write_demo(tmp_path / "青河县.tcmcounty", "small")
    with CountyFile.open(path) as county:
        score = evaluate(county, 2024, today=TODAY).score
    assert score is not None
    got = {i.id: i.points for i in score.items if i.points}
    assert got == DEMO_2024
    assert score.total == pytest.approx(sum(DEMO_2024.values())) == 70.3
    # G01 (纳入规划, 必备): the task is done but no document is attached.
    assert [i.id for i in score.veto_failures] == ["G01"]
    assert score.passed is False


def test_activity_helper_still_counts(county: CountyFile) -> None:
    centre = inst(county, "甲镇卫生院", "township_hc", {"hall_state": "built"})
    for _ in range(4):
        act(county, centre, "宣传栏更换")
    assert _score(county).item("D1").points == 2


def test_evidence_for_a_governance_item_is_filed_under_the_item(county: CountyFile) -> None:
    from reports.plan.evidence import evidence_entries

    county.add_evidence("规划文本.pdf", b"plan", owner_table="indicator", indicator_id="G01",
                        year=2024)
    (entry,) = evidence_entries(county)
    assert entry.group == "指标"
    # The binder's folders and index speak the standard's 条目; the command line, its id.
    assert entry.folder[0] == "01 一、组织管理与政策保障"
    assert entry.folder[1].startswith("01 一（一）1 将中医药工作")
    assert entry.label.startswith("一（一）1 将中医药工作")
    assert entry.about.startswith("G01 一（一）1 ")


def test_what_a_township_file_leaves_to_the_county() -> None:
    """One decision for the window and the CLI: governance and register items, the county's
    hospitals, county figures and county-wide shares; never what each township institution shows."""
    from reports.judge.scoring import county_level

    std = standard.shipped()
    ids = county_level(std, [i.id for i in CATALOGUE])
    assert {"G01", "G13", "G17", "H1", "B7", "B9", "B10", "B11", "B12", "B13", "C1", "C5",
            "B4", "A5", "D11"} <= ids
    assert not {"A1", "A2", "B1", "C2", "C4", "D1", "D5"} & ids


def test_unprintable_names_the_first_hidden_character_of_any_text() -> None:
    """A character a person cannot see (or that reorders what they see) is found wherever it is
    in a text, whichever kind it is; visible text, line breaks, tabs and wide spaces pass."""
    import unicodedata

    hidden = ("Cc", "Cf", "Co", "Cn", "Cs", "Zl", "Zp")
    for code in [*range(0, 0x3100), *range(0xD7F0, 0x10000, 3), 0xE0001, 0x10FFFD]:
        ch = chr(code)
        expected = (f"U+{code:04X}" if ch not in "\n\t" and unicodedata.category(ch) in hidden
                    else None)
        assert standard.unprintable(f"中医馆{ch}建设") == expected, hex(code)
    assert standard.unprintable("第一行\n第二行\t　全角空格 a b") is None
    assert standard.unprintable("\u202e甲\u200b乙") == "U+202E"
