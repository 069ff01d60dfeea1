"""Target profiles: shipped files, the file's own copies, switches, thresholds, labels, refusals."""

from __future__ import annotations

import json

import pytest

from db.county import CountyFile
from db.errors import KnownError, ValidationError
from reports.judge import profiles
from reports.judge.catalogue import CATALOGUE
from reports.judge.profiles import (copy_profile, delete_profile, get_profile, list_profiles,
                                    set_active, update_profile)
from resources import resource_path

from tests.reports.conftest import inst, result, run

BUILTIN_NAMES = {
    "baseline": "国家建设标准（2022版）",
    "qijiang-2027": "綦江 2027",
    "alukeerqin-2023": "阿鲁科尔沁 2023",
    "yanjiang-2023": "雁江 2023",
    "beilun-2023": "北仑 2023",
}


def test_builtin_profiles_ship_as_readable_files_with_every_indicator():
    for pid, name in BUILTIN_NAMES.items():
        text = resource_path("profiles", f"{pid}.json").read_text(encoding="utf-8")
        assert name in text  # Chinese as written, not \\u escapes
    assert {p.id: p.name for p in profiles.builtin_profiles()} == BUILTIN_NAMES
    for p in profiles.builtin_profiles():
        assert list(p.settings) == [ind.id for ind in CATALOGUE]


def test_baseline_targets_follow_the_national_texts():
    base = profiles.builtin_profiles()[0]
    # 《基层中医药服务能力提升工程“十四五”行动计划》: 10项 (no categories), 6项 at stations and
    # clinics, 80% of clinics staffed, TCM physicians pooled over the centres (C7, not C2).
    assert base.setting("B1").threshold == {"categories": 0, "items": 10}
    assert base.setting("B2").threshold == {"categories": 0, "items": 6}
    assert base.setting("B3").target.to_dict() == {"op": ">=", "value": 0.8}
    assert base.setting("C4").target.to_dict() == {"op": ">=", "value": 0.8}
    assert base.setting("C7").target.to_dict() == {"op": ">=", "value": 0.25}
    assert not base.is_on("C2") and base.setting("C2").threshold == {"share": 0.25}
    assert base.setting("A2").threshold == {"hall_states": ["standard", "upgraded"]}
    assert base.setting("A10").threshold["area"] == 300
    assert base.setting("B13").threshold == {"decoction_room": True}
    assert [base.setting(d).threshold["count"] for d in ("D1", "D2", "D3", "D4", "D5")] == \
        [4, 5, 6, 3, 6]
    assert base.setting("D8").target is None
    assert not base.is_on("A6") and not base.is_on("A7")


def test_local_profiles_differ_from_the_baseline_where_the_seeds_say():
    by_id = {p.id: p for p in profiles.builtin_profiles()}
    qj, alk, yj = by_id["qijiang-2027"], by_id["alukeerqin-2023"], by_id["yanjiang-2023"]
    assert qj.is_on("A6") and qj.setting("A7").target.value == 0.1
    assert alk.labels == {"中医馆": "中医馆（蒙医馆）"}
    assert alk.setting("A2").threshold["hall_states"] == ["upgraded"]
    # The construction figures stay with the national 15% (A10).
    assert "area" not in alk.setting("A2").threshold
    assert alk.setting("A10").threshold["area"] == 300
    assert alk.setting("B3").threshold == {"categories": 0, "items": 6}
    assert yj.setting("B3").target.value == 1.0
    # The stricter county wording lives in the profiles that ask for it: 6类10项, every centre
    # at 25%, every village clinic (雁江, 北仑).
    bl = by_id["beilun-2023"]
    assert yj.setting("B1").threshold == bl.setting("B1").threshold == \
        {"categories": 6, "items": 10}
    assert yj.is_on("C2") and bl.is_on("C2") and yj.setting("C2").threshold == {"share": 0.25}
    assert yj.setting("C4").target.value == 1.0
    assert bl.setting("B2").threshold == {"categories": 4, "items": 6}


def test_a_new_file_uses_the_baseline(county):
    assert profiles.active_profile(county).id == "baseline"
    assert run(county).profile_id == "baseline"


def test_active_profile_is_kept_in_the_file(county):
    set_active(county, "yanjiang-2023")
    path = county.path
    county.close()
    with CountyFile.open(path) as again:
        assert run(again).profile_id == "yanjiang-2023"
        assert run(again).profile_name == "雁江 2023"


def test_copied_profile_travels_with_the_file(county):
    own = copy_profile(county, "alukeerqin-2023", "我旗 2024")
    update_profile(county, own.id, {"indicators": {"C2": {"threshold": {"share": 0.3}}}})
    set_active(county, "我旗 2024")  # by name
    path = county.path
    county.close()
    with CountyFile.open(path) as again:
        p = profiles.active_profile(again)
        assert (p.name, p.based_on, p.builtin) == ("我旗 2024", "alukeerqin-2023", False)
        assert p.setting("C2").threshold == {"share": 0.3}
        assert p.labels == {"中医馆": "中医馆（蒙医馆）"}
        assert [q.name for q in list_profiles(again)][-1] == "我旗 2024"


def test_switching_an_indicator_off_removes_it_from_the_output(county):
    own = copy_profile(county, "baseline", "不看满意率")
    update_profile(county, own.id, {"indicators": {"D10": {"on": False}, "A6": {"on": True}}})
    ids = [r.id for r in run(county, profile=own.id).results]
    assert "D10" not in ids and "A6" in ids
    assert ids == [ind.id for ind in CATALOGUE if ind.id not in ("D10", "A7", "C2")]


def test_changed_target_operators_are_judged(county):
    county.set_county_year(2024, {"resident_population": 100_000, "alliance_population": 40_000})
    own = copy_profile(county, "baseline", "区间")
    update_profile(county, own.id, {"indicators": {
        "B8": {"target": {"op": "between", "low": 0.3, "high": 0.35}}}})
    r = result(county, "B8", profile=own.id)
    assert r.target.to_dict() == {"op": "between", "low": 0.3, "high": 0.35}
    assert (r.met, r.gap) == (False, "需降至 35% 以内")
    update_profile(county, own.id, {"indicators": {"B8": {"target": {"op": "<=", "value": 0.4}}}})
    assert result(county, "B8", profile=own.id).met is True


def test_informational_indicator_has_no_met_or_gap(county):
    county.set_county_year(2024, {"satisfaction": 0.5})
    own = copy_profile(county, "baseline", "只看不考核")
    update_profile(county, own.id, {"indicators": {"D10": {"target": None}}})
    r = result(county, "D10", profile=own.id)
    assert (r.value, r.target, r.met, r.gap) == (0.5, None, None, None)


def test_label_rename_changes_names_and_gaps(county):
    inst(county, "甲镇卫生院", "township_hc", {"hall_state": "none"})
    own = copy_profile(county, "baseline", "蒙医馆")
    update_profile(county, own.id, {"labels": {"中医馆": "中医馆（蒙医馆）", "中医阁": "蒙医阁"}})
    evaluation = run(county, profile=own.id)
    a1, a5 = evaluation.result("A1"), evaluation.result("A5")
    assert a1.name == "中医馆（蒙医馆）设置率"
    assert a1.gap == "还需 1 家机构建设中医馆（蒙医馆）"
    assert a1.failing[0].gap == "需建设中医馆（蒙医馆）"
    assert a5.name == "蒙医阁设置率"


def test_renaming_and_deleting_a_user_profile(county):
    own = copy_profile(county, "baseline", "草稿")
    set_active(county, own.id)
    renamed = update_profile(county, own.id, name="定稿")
    assert renamed.name == "定稿"
    delete_profile(county, own.id)
    assert profiles.active_profile(county).id == "baseline"
    assert "定稿" not in [p.name for p in list_profiles(county)]
    assert county.setting("active_profile") == "baseline"


@pytest.mark.parametrize("action", [
    lambda c: update_profile(c, "baseline", {"indicators": {"A1": {"on": False}}}),
    lambda c: delete_profile(c, "qijiang-2027"),
])
def test_builtin_profiles_are_read_only(county, action):
    with pytest.raises(KnownError, match="内置方案.*请先复制"):
        action(county)


def test_unknown_profile_names_the_choices(county):
    with pytest.raises(KnownError, match="找不到目标方案“无此方案”.*baseline（国家建设标准（2022版））"):
        run(county, profile="无此方案")


@pytest.mark.parametrize(("changes", "message"), [
    ({"indicators": {"X9": {"on": False}}}, "未知的指标“X9”"),
    ({"indicators": {"A1": {"target": {"op": ">>", "value": 1}}}}, "比较方式“>>”无效"),
    ({"indicators": {"A1": {"target": {"op": ">=", "value": 1.5}}}}, "不能超过 100%"),
    ({"indicators": {"B7": {"target": {"op": ">=", "value": 4}}}}, "不能超过 3"),
    ({"indicators": {"C5": {"target": {"op": ">=", "value": -1}}}}, "不能为负数"),
    ({"indicators": {"C5": {"target": {"op": ">=", "value": "高"}}}}, "应为数字"),
    ({"indicators": {"B8": {"target": {"op": "between", "low": 0.5, "high": 0.3}}}},
     "下限不能高于上限"),
    ({"indicators": {"B1": {"threshold": {"categories": 12}}}}, r"类数（12）不能多于项数（10）"),
    ({"indicators": {"C2": {"threshold": {"share": 25}}}}, "0–100% 之间"),
    ({"indicators": {"D1": {"threshold": {"count": 2.5}}}}, "最少次数应为 0–100,000 之间的整数"),
    ({"indicators": {"D1": {"threshold": {"share": 0.5}}}}, "没有名为“share”的达标条件"),
    ({"indicators": {"A2": {"threshold": {"hall_states": ["none"]}}}}, "达标状态"),
    ({"indicators": {"A1": {"on": "是"}}}, "开关应为 true 或 false"),
    ({"labels": {"卫生院": "苏木卫生院"}}, "用语“卫生院”不能改名"),
    ({"labels": {"中医馆": " "}}, "新名称不能为空"),
])
def test_nonsense_is_refused_with_a_chinese_message(county, changes, message):
    own = copy_profile(county, "baseline", "试验")
    copied = get_profile(county, own.id).to_body()
    with pytest.raises(ValidationError, match=message):
        update_profile(county, own.id, changes)
    # Nothing was written: the profile is as it was copied (the baseline's settings).
    assert get_profile(county, own.id).to_body() == copied
    assert {**copied, "description": ""} == {**get_profile(county, "baseline").to_body(),
                                             "description": ""}


def test_profile_names_must_be_unique_and_present(county):
    copy_profile(county, "baseline", "我县方案")
    with pytest.raises(ValidationError, match="已有名为“我县方案”"):
        copy_profile(county, "baseline", "我县方案")
    with pytest.raises(ValidationError, match="已有名为“雁江 2023”"):
        copy_profile(county, "baseline", "雁江 2023")
    with pytest.raises(ValidationError, match="方案名称不能为空"):
        copy_profile(county, "baseline", "  ")


def test_a_damaged_stored_profile_is_named(county):
    county.insert("profile", {"name": "坏方案", "body": json.dumps({"indicators": {"Z1": {}}})})
    with pytest.raises(KnownError, match="目标方案“坏方案”已损坏"):
        get_profile(county, "坏方案")


def test_a_deleted_active_profile_falls_back_to_the_baseline(county):
    own = copy_profile(county, "baseline", "将被合并删除")
    set_active(county, own.id)
    county.delete("profile", own.id)  # e.g. a merge carried the deletion
    assert run(county).profile_id == "baseline"


def test_a_profile_copied_by_an_earlier_version_follows_the_standard_where_it_chose_nothing(
        county):
    # Before the national layer followed the national texts, a copy of the baseline held every
    # indicator spelled out: B1 6类10项, C4 100%, C2 on … as copies, not as the county's choice.
    old = {"description": "我县", "labels": {}, "indicators": {
        "B1": {"on": True, "target": {"op": ">=", "value": 1.0},
               "threshold": {"categories": 6, "items": 10}},
        "C2": {"on": True, "target": {"op": ">=", "value": 1.0}, "threshold": {"share": 0.25}},
        "C4": {"on": True, "target": {"op": ">=", "value": 1.0}},
        "B5": {"on": True, "target": {"op": ">=", "value": 0.8}},  # the county's own
        "D10": {"on": False}}}
    county.insert("profile", {"name": "旧方案", "based_on": "baseline", "body": json.dumps(old)})
    p = get_profile(county, "旧方案")
    assert p.setting("B1").threshold == {"categories": 0, "items": 10}
    assert p.setting("C4").target.value == 0.8 and not p.is_on("C2")
    assert p.setting("B5").target.value == 0.8 and not p.is_on("D10")
    # A copy made now keeps only what the county sets.
    mine = copy_profile(county, "旧方案", "新方案")
    assert set(json.loads(county.get("profile", mine.id)["body"])["indicators"]) == {"B5", "D10"}
