"""达标路径 counted by hand: small counties scored by a small standard, where every number can be
checked on paper; the choice against every other choice (brute force) and against the simpler
greedy rule; the demo counties; arrangements (已安排) that merge like every record."""

from __future__ import annotations

import datetime as _dt
from itertools import product
from pathlib import Path
from typing import Any

from hypothesis import given, settings, strategies as st
import pytest

from db.county import CountyFile
from db.demo import write_demo
from db.exchange import merge, write_township_file
from reports.judge import standard
from reports.judge.results import ItemScore
from reports.judge.standard import Item, Rule
from reports.plan import arranged
from reports.plan.path import fewest, greedy_length, plan
from reports.plan.tracks import Track, Unit, tenths

from tests.reports.conftest import TODAY, YEAR, act, inst

AFTER_YEAR = _dt.date(2025, 3, 1)  # the year 2024 is over


def _item(item_id: str, points: float, *, by: dict[str, Any], rule: dict[str, Any] | None = None,
          veto: bool = False) -> dict[str, Any]:
    # The 条目 holds the id only to tell the items apart here: what the plan says is the 条目.
    return {"id": item_id, "code": f"一（一）{item_id}", "text": f"评分项{item_id}",
            "judge": by, "points": points, "rule": rule or {"kind": "all"}, "veto": veto}


def _indicator(ind: str, target: float | None = None) -> dict[str, Any]:
    judge: dict[str, Any] = {"by": "indicator", "indicator": ind}
    if target is not None:
        judge["target"] = {"op": ">=", "value": target}
    return judge


def _document(*words: str) -> dict[str, Any]:
    return {"by": "document", "keywords": list(words)}


def _standard(county: CountyFile, pass_mark: float, *items: dict[str, Any]) -> None:
    """A province's 评分表 of only these items, stored in the file (it then scores it)."""
    std = standard.parse({"format": 1, "id": "test", "name": "测试评分表", "pass_mark": pass_mark,
                          "sections": [{"id": "一", "title": "测试", "items": list(items)}]})
    standard.store(county, std)


def _task_with_evidence(county: CountyFile, text: str) -> None:
    task = county.insert("task", {"text": text, "status": "已完成"})
    county.add_evidence("纪要.pdf", b"%PDF minutes", owner_table="task", owner_id=task)


def _centre(county: CountyFile, name: str, tcm: int, physicians: int = 10) -> str:
    return inst(county, name, "township_hc", {"physicians": physicians, "tcm_physicians": tcm},
                township=name[:3])


# ---- hand-counted counties ------------------------------------------------------------------------

def test_a_county_one_action_from_passing_is_told_that_one_action(county: CountyFile) -> None:
    """C2 (4 points, all-or-nothing) fails at one centre of three; G02 (5) is done; D10 (3)
    fails. 5 of 9: one more TCM physician at 石门镇 gives C2's 4 points and passes; D10 alone
    (3 points) would not."""
    _standard(county, 9, _item("C2", 4, by=_indicator("C2")),
              _item("G02", 5, by=_document("联席会议")), _item("D10", 3, by=_indicator("D10")))
    _task_with_evidence(county, "建立中医药工作联席会议制度")
    _centre(county, "东山镇卫生院", 3)
    _centre(county, "西河镇卫生院", 5)
    weak = _centre(county, "石门镇卫生院", 2)  # 2/10 = 20%; one more: 3/11 = 27% ≥ 25%
    county.set_county_year(YEAR, {"satisfaction": 0.85})
    p = plan(county, YEAR, today=TODAY)
    assert (p.total, p.pass_mark, p.passed, p.reachable) == (5, 9, False, True)
    assert p.path_length == 1
    first = p.actions[0]
    assert (first.item, first.institution, first.institution_id) == ("C2", "石门镇卫生院", weak)
    assert first.what == "石门镇卫生院：还需 1 名中医类别医师"
    assert (first.points, first.cumulative, first.on_path, first.need) == (4, 9, True, "人员")
    assert p.projected == 9
    # The rest follows: D10's 3 points, one county action.
    assert [(a.item, a.points, a.on_path) for a in p.actions[1:]] == [("D10", 3, False)]
    assert p.actions[1].what == "全县：满意率还需提高 5 个百分点"
    assert "按达标路径完成前 1 项行动，得分可达 9 分" in p.summary()


def test_a_failing_veto_item_makes_85_of_100_points_not_enough(county: CountyFile) -> None:
    """85 points against a pass mark of 80, and still not passed: A1 (必备) fails at one centre
    with no 中医馆. The path is that one 中医馆, and it clears the 必备 item."""
    _standard(county, 80, _item("G02", 85, by=_document("联席会议")),
              _item("A1", 15, by=_indicator("A1"), veto=True))
    _task_with_evidence(county, "建立中医药工作联席会议制度")
    inst(county, "东山镇卫生院", "township_hc", {"hall_state": "standard"})
    bare = inst(county, "石门镇卫生院", "township_hc", {"hall_state": "none"})
    p = plan(county, YEAR, today=TODAY)
    assert (p.total, p.pass_mark, p.passed, p.veto_failures) == (85, 80, False, ("A1",))
    assert p.reachable and p.path_length == 1
    a = p.actions[0]
    assert (a.item, a.institution_id, a.veto, a.clears_veto, a.points) == \
        ("A1", bare, True, True, 15)
    assert a.what == "石门镇卫生院：需建设中医馆"
    assert "必备项 一（一）A1 评分项A1 未达到" in p.summary() and "并满足全部必备项" in p.summary()


def test_a_deduction_per_failing_institution_gains_nothing_until_above_its_floor(
        county: CountyFile) -> None:
    """C4 (every clinic, 3 points, 1 off per failing clinic, never below 1) with 5 clinics lacking
    staff scores 1. The first three fixes gain nothing (4, 3, 2 failing still give 3 − n ≤ 1); the fourth
    gives 2, the fifth 3. So for 1 point the path takes G05's one action, not C4's four."""
    _standard(county, 2, _item("C4", 3, by=_indicator("C4", 1.0),
                               rule={"kind": "per_failing", "deduct": 1, "floor": 1}),
              _item("G05", 1, by=_document("经费")))
    for n in range(5):
        inst(county, f"{n}号村卫生室", "village_clinic", {"tcm_physicians": 0,
                                                        "other_tcm_staff": 0})
    county.insert("task", {"text": "落实创建工作经费", "status": "已完成"})  # no evidence yet
    p = plan(county, YEAR, today=TODAY)
    c4 = next(t for t in p.tracks if t.item.id == "C4")
    assert c4.scores == [10, 10, 10, 10, 20, 30]  # tenths after 0 … 5 fixes
    assert (p.total, p.path_length) == (1, 1)
    assert p.actions[0].item == "G05" and p.actions[0].what == "上传 一（一）G05 佐证材料（对应任务已完成）"
    gains = [a.points for a in p.actions if a.item == "C4"]
    assert gains == [0, 0, 0, 1, 1]  # the third fix gains nothing: the floor holds it at 1
    # Needing all 3 more points: G05 and every one of the five clinics.
    _standard(county, 4, _item("C4", 3, by=_indicator("C4", 1.0),
                               rule={"kind": "per_failing", "deduct": 1, "floor": 1}),
              _item("G05", 1, by=_document("经费")))
    p = plan(county, YEAR, today=TODAY)
    assert (p.path_length, p.projected) == (6, 4)
    assert [a.item for a in p.path] == ["G05", "C4", "C4", "C4", "C4", "C4"]


def test_the_pass_mark_out_of_reach_says_why(county: CountyFile) -> None:
    """B5 is 必备 and has no data: no action can be counted to meet it until the figures are
    in. And with B5 not 必备, a pass mark above what every action gives is named too."""
    _standard(county, 6, _item("B5", 2, by=_indicator("B5"), veto=True),
              _item("G05", 3, by=_document("经费")), _item("D11", 3, by=_indicator("D11")))
    _centre(county, "东山镇卫生院", 3)  # the year has figures, only not the county's own
    p = plan(county, YEAR, today=TODAY)
    assert p.reachable is False and p.path_length == 0
    assert "必备项 一（一）B5" in p.reasons[0] and "无数据" in p.reasons[0]
    assert "本年度无法达到合格线" in p.summary()
    _standard(county, 6, _item("B5", 2, by=_indicator("B5")), _item("G05", 3, by=_document("经费")),
              _item("D11", 3, by=_indicator("D11")))
    p = plan(county, YEAR, today=TODAY)
    assert p.reachable is False
    assert "即使完成全部 3 项行动，最多得 3 分，仍低于合格线 6 分。" in p.reasons
    assert "其中 一（一）B5、一（一）D11 须先补齐数据才能计分。" in p.reasons
    assert p.projected == p.best == 3


def test_an_item_with_no_institution_to_judge_has_no_action_and_says_so(
        county: CountyFile) -> None:
    """B2 asks of community stations and the county has none: no action can score it, and a
    必备 B2 puts the pass mark out of reach, saying why."""
    _standard(county, 1, _item("B2", 2, by=_indicator("B2")), _item("G05", 1, by=_document("经费")))
    _centre(county, "东山镇卫生院", 3)
    p = plan(county, YEAR, today=TODAY)
    assert [a.item for a in p.actions] == ["G05"] and p.path_length == 1
    assert "一（一）B2 没有须考核的机构（社区卫生服务站），无法计分。" in p.notes
    _standard(county, 1, _item("B2", 2, by=_indicator("B2"), veto=True),
              _item("G05", 1, by=_document("经费")))
    p = plan(county, YEAR, today=TODAY)
    assert p.reachable is False
    assert p.reasons[0] == ("必备项 一（一）B2（评分项B2）不能达到：一（一）B2 没有须考核的机构"
                            "（社区卫生服务站），无法计分。")


def test_a_year_with_no_data_at_all_says_so_first(county: CountyFile) -> None:
    _standard(county, 3, _item("A1", 2, by=_indicator("A1"), veto=True),
              _item("G05", 3, by=_document("经费")))
    p = plan(county, YEAR, today=TODAY)
    assert p.reachable is False
    assert p.reasons == ("2024 年还没有任何数据，请先填报或导入本年度数据。",)


def test_an_institution_that_has_not_reported_must_report_and_pass(county: CountyFile) -> None:
    """C2 waits (待填报) for 石门镇, which has sent nothing: the share could still reach 100%.
    Its report comes first, and the item scores only once it is in and passes."""
    _standard(county, 4, _item("C2", 4, by=_indicator("C2")))
    _centre(county, "东山镇卫生院", 3)
    inst(county, "石门镇卫生院", "township_hc", None)
    p = plan(county, YEAR, today=TODAY)
    assert p.total == 0 and p.path_length == 1
    a = p.actions[0]
    assert (a.institution, a.need, a.points) == ("石门镇卫生院", "补报数据", 4)
    assert a.what.startswith("石门镇卫生院：未填报") and "须补报" in a.what


def test_activities_of_a_year_that_is_over_are_marked_late(county: CountyFile) -> None:
    _standard(county, 2, _item("D5", 2, by=_indicator("D5")))
    inst(county, "东山镇卫生院", "township_hc", {"physicians": 5})
    busy = inst(county, "西河镇卫生院", "township_hc", {"physicians": 5})
    for n in range(6):
        act(county, busy, "健康讲座", f"2024-0{n + 1}-10")
    p = plan(county, YEAR, today=AFTER_YEAR)
    assert p.actions[0].late and p.actions[0].need == "开展活动"
    assert any("该年度已结束，只能补录" in n for n in p.notes)
    assert not plan(county, YEAR, today=TODAY).actions[0].late


# ---- the choice is the fewest actions -------------------------------------------------------------

def _track(scores: list[int], *, veto: bool = False, met_at: int | None = None) -> Track:
    n = len(scores) - 1
    item = Item("X", "一", "一", "x", "", {"by": "document"}, "", scores[-1] / 10, Rule("all"),
                veto, "", False)
    state = "得分" if met_at == 0 else "不得分"
    now = ItemScore("X", "一", "一", "x", scores[0] / 10, scores[-1] / 10, veto, state, "")
    met = [met_at is not None and k >= met_at for k in range(n + 1)]
    return Track(item, now, [Unit(f"X/{k}", None, None, "", "") for k in range(n)], scores, met)


def _brute(tracks: list[Track], need: int) -> int | None:
    best = None
    for ks in product(*(range(len(t.units) + 1) for t in tracks)):
        if any(t.veto_open and not t.met[k] for t, k in zip(tracks, ks)):
            continue
        if sum(t.gain(k) for t, k in zip(tracks, ks)) >= need:
            best = sum(ks) if best is None else min(best, sum(ks))
    return best


@st.composite
def _tracks(draw: Any) -> list[Track]:
    out = []
    for _ in range(draw(st.integers(1, 4))):
        steps = draw(st.lists(st.integers(0, 15), min_size=1, max_size=4))
        start = draw(st.integers(0, 10))
        scores = [start]
        for s in steps:
            scores.append(scores[-1] + s)
        veto = draw(st.booleans())
        met_at = draw(st.one_of(st.none(), st.integers(1, len(steps)))) if veto else None
        out.append(_track(scores, veto=veto, met_at=met_at))
    return out


@settings(max_examples=300, deadline=None)
@given(_tracks(), st.integers(0, 60))
def test_the_chosen_actions_are_the_fewest_any_choice_could_be(tracks: list[Track],
                                                               need: int) -> None:
    """Against every combination of actions (all per-item counts): the same fewest number, and
    never more than the greedy rule."""
    counts = fewest(tracks, need)
    best = _brute(tracks, need)
    assert (None if counts is None else sum(counts)) == best
    if counts is not None:
        assert sum(t.gain(k) for t, k in zip(tracks, counts)) >= need
        assert all(t.met[k] for t, k in zip(tracks, counts) if t.veto_open)
        greedy = greedy_length(tracks, need)
        assert greedy is None or greedy >= sum(counts)


def test_greedy_by_points_per_action_can_take_one_action_too_many() -> None:
    """Need 6 points: A gives 5 in one action, B 6 in two, C 0.5 in one. Points per action say A,
    then B (3 a piece) over C: three actions. Two suffice: B alone."""
    a, b, c = _track([0, 50]), _track([0, 0, 60]), _track([0, 5])
    assert greedy_length([a, b, c], 60) == 3
    assert fewest([a, b, c], 60) == [0, 2, 0]


def _ratio_bound(tracks: list[Track], need: int) -> int:
    """No path is shorter: each action gives at most its track's best points per action."""
    per_action = sorted((max(t.gain(k) / k for k in range(1, len(t.units) + 1))
                         for t in tracks for _ in t.units), reverse=True)
    got = 0.0
    for n, gain in enumerate(per_action, start=1):
        got += gain
        if got >= need - 1e-9:
            return n
    return len(per_action) + 1


@pytest.mark.parametrize("size, length", [("small", 4), ("large", 9)])
def test_the_demo_counties_path_is_as_short_as_can_be(tmp_path: Path, size: str,
                                                       length: int) -> None:
    """The small demo (the shape tuned on) and the large one (held out): the path meets the
    lower bound that no choice can beat, so it is the fewest; greedy needs no fewer."""
    path = write_demo(tmp_path / f"{size}.tcmcounty", size)
    with CountyFile.open(path) as county:
        p = plan(county, 2024, today=AFTER_YEAR)
    need = round(p.pass_mark * 10) - tenths(p.total)
    assert p.reachable and p.path_length == length
    assert p.projected >= p.pass_mark and p.path[0].item == "G01" and p.path[0].clears_veto
    assert _ratio_bound(list(p.tracks), need) == length
    assert greedy_length(list(p.tracks), need) == length
    # Cumulative totals are the county's score after each action, rising by its points.
    running = p.total
    for a in p.actions:
        running = round(running + a.points, 1)
        assert a.cumulative == running
    assert p.actions[-1].cumulative == p.best


# ---- 已安排 ----------------------------------------------------------------------------------------

def test_arranged_actions_project_the_score_apart_from_done_ones(county: CountyFile) -> None:
    _standard(county, 9, _item("C2", 4, by=_indicator("C2")),
              _item("G02", 5, by=_document("联席会议")))
    _centre(county, "东山镇卫生院", 3)
    weak = _centre(county, "石门镇卫生院", 2)
    task = county.insert("task", {"text": "建立中医药工作联席会议制度", "status": "已完成"})
    p = plan(county, YEAR, today=TODAY)
    c2 = next(a for a in p.actions if a.item == "C2")
    arranged.store(county, YEAR, c2.key, c2.item, c2.institution_id, c2.what,
                   {"person": "张三", "due_date": "2024-09-30"})
    # A person without a date is not yet 已安排 (待补全) and projects nothing.
    arranged.store(county, YEAR, "G02", "G02", None, "上传 G02 佐证材料", {"person": "李四"})
    p = plan(county, YEAR, today=TODAY)
    assert (p.total, p.planned, p.planned_projected) == (0, 1, 4)
    assert next(a for a in p.actions if a.item == "G02").status == "待补全"
    assert "已安排 1 项，全部完成后预计 4 分" in p.summary()
    # The centre hires: its action is gone from the path and its arrangement counts as done.
    county.set_institution_year(weak, YEAR, {"tcm_physicians": 3})
    county.add_evidence("纪要.pdf", b"%PDF", owner_table="task", owner_id=task)
    p = plan(county, YEAR, today=TODAY)
    assert p.passed and [d.item_id for d in p.done] == ["C2", "G02"]
    assert "已完成的安排 2 项（已计入当前得分）" in p.summary()
    # Clearing both person and date takes the arrangement back: a tombstone.
    arranged.store(county, YEAR, c2.key, "C2", weak, c2.what, {"person": None, "due_date": None})
    assert [r["action_key"] for r in county.rows("planned_action")] == ["G02"]
    gone = county.query("SELECT count(*) AS n FROM planned_action WHERE deleted = 1")
    assert gone == [{"n": 1}]


def test_arrangements_travel_to_a_township_and_merge_back(tmp_path: Path) -> None:
    """A township's file carries the arrangements at its own institutions (not the county's);
    what it arranges there merges back into the county's file as one record per action."""
    path = write_demo(tmp_path / "县.tcmcounty", "small")
    with CountyFile.open(path) as county:
        p = plan(county, 2024, today=AFTER_YEAR)
        at = next(a for a in p.actions if a.township == "平场镇")
        county_wide = p.actions[0]
        for a in (at, county_wide):
            arranged.store(county, 2024, a.key, a.item, a.institution_id, a.what,
                           {"person": "县中医股", "due_date": "2025-06-30"})
        town = write_township_file(county, "平场镇", tmp_path / "平场镇.tcmcounty")
    with CountyFile.open(town) as copy:
        assert [r["action_key"] for r in copy.rows("planned_action")] == [at.key]
        arranged.store(copy, 2024, at.key, at.item, at.institution_id, at.what,
                       {"person": "平场镇卫生院 王院长"})
    with CountyFile.open(path) as county:
        merge(county, town)
        rows = {r["action_key"]: r for r in county.rows("planned_action")}
        assert rows[at.key]["person"] == "平场镇卫生院 王院长"
        assert rows[county_wide.key]["person"] == "县中医股"
        assert county.count("planned_action") == 2


def test_a_township_without_an_institution_of_a_kind_leaves_that_item_to_the_county(
        tmp_path: Path) -> None:
    """平场镇 has no community station: in its own file B2 and the like are no note of
    “无法计分” — the county judges them with the townships that have them."""
    path = write_demo(tmp_path / "县.tcmcounty", "small")
    with CountyFile.open(path) as county:
        kinds = {r["type"] for r in county.query(
            "SELECT type FROM institution WHERE deleted = 0 AND township = '平场镇'")}
        assert "chs" not in kinds
        town = write_township_file(county, "平场镇", tmp_path / "平场镇.tcmcounty")
    with CountyFile.open(town) as copy:
        p = plan(copy, 2024, today=AFTER_YEAR)
        assert not [n for n in p.notes if "无法计分" in n], p.notes
        assert p.actions and all(a.township in (None, "", "平场镇") for a in p.actions)
