"""A county file opened as the county's own may hold a stored value the program cannot use (its
评分标准, a target profile, a 模拟评审 rule: written by another tool, or brought by an older
merge). Reading never dies on it: the shipped standard, the baseline profile or the default rule
takes its place, and the file is told so once — never silently judged by something else."""

from __future__ import annotations

import copy
import json
from pathlib import Path
import shutil
from typing import Any

from hypothesis import HealthCheck, given, settings, strategies as st
import pytest

from db.county import CountyFile
from db.errors import KnownError, ValidationError
from reports.judge import profiles, review as rv, standard
from reports.judge.evaluation import evaluate
from tests.crafted import raw

DEEP = "[" * 100_000


@pytest.fixture
def county_file(tmp_path: Path, demo_small: Path) -> Path:
    return Path(shutil.copyfile(demo_small, tmp_path / "青河县.tcmcounty"))


@pytest.fixture(scope="module")
def demo_small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from db.demo import write_demo

    return write_demo(tmp_path_factory.mktemp("demo") / "demo.tcmcounty", "small")


def _standard_text(change: Any) -> str:
    body = standard.shipped().to_dict()
    change(body)
    return json.dumps(body, ensure_ascii=False)


@pytest.mark.parametrize("text, why", [
    (DEEP, "嵌套超过 32 层"),
    (_standard_text(lambda b: b["sections"][0]["items"][0].update(judge={"by": ["indicator"]})),
     "评价方式无效"),
    (_standard_text(lambda b: b.update(pass_mark=1e999)).replace("Infinity", "1e999"),
     "超出范围"),
    ("{not json", "不是有效的 JSON"),
], ids=["deep", "list-for-a-word", "1e999", "not-json"])
def test_a_stored_standard_that_cannot_be_read_falls_back_and_is_said_once(
        county_file: Path, text: str, why: str) -> None:
    raw(county_file, "INSERT OR REPLACE INTO setting VALUES ('standard', 'x', "
                     "'2025-01-01T00:00:00Z', 'm', 0, '{}')".format(text.replace("'", "''")))
    heard: list[str] = []
    with CountyFile.open(county_file, daily_backup=False) as county:
        county.listener = heard.append
        first = evaluate(county, 2024)
        again = evaluate(county, 2024)
    assert first.score.standard_name == standard.shipped().name == again.score.standard_name
    [said] = heard
    assert said.startswith(f"文件“{county_file.name}”中保存的评分标准无法读取（") and why in said
    assert f"现按程序自带的{standard.shipped().name}评分" in said


def test_a_damaged_active_profile_falls_back_to_the_baseline_and_says_so(
        county_file: Path) -> None:
    raw(county_file,
        "INSERT INTO profile VALUES ('p1', 'r', '2024-01-01T00:00:00Z', 'm', 0, '本县方案', NULL, "
        f"'{DEEP}')",
        "UPDATE setting SET value = 'p1' WHERE id = 'active_profile'")
    with CountyFile.open(county_file, daily_backup=False) as county:
        assert profiles.active_profile(county).id == profiles.BASELINE
        assert evaluate(county, 2024).profile_id == profiles.BASELINE
        listed = [p.id for p in profiles.list_profiles(county)]
        said = county.take_notices()
    assert "p1" not in listed and listed[0] == profiles.BASELINE
    assert said[0] == (f"文件“{county_file.name}”选用的目标方案“本县方案”已损坏，无法使用：嵌套超过 32 层；"
                       "现按“国家建设标准（2022版）”评判，可在“目标方案”中另选一个。")
    assert len(said) == 2 and "它不在可选的方案中" in said[1]
    # Asked for by name, it is refused in words (a command's --profile): never a traceback.
    with CountyFile.open(county_file, daily_backup=False) as county:
        with pytest.raises(KnownError, match="目标方案“本县方案”已损坏"):
            profiles.get_profile(county, "p1")


@pytest.mark.parametrize("rule", ['{"hospitals": 1e999, "centres": 1, "stations": 1}', DEEP,
                                  '{"hospitals": -3}', '{"hospitals": [1]}', '[1, 2]',
                                  '{"hospitals": 0, "centres": 0, "stations": 0}'],
                         ids=["1e999", "deep", "negative", "list", "not-an-object", "none-drawn"])
def test_a_review_rule_that_cannot_be_read_is_shown_as_the_default(county_file: Path,
                                                                   rule: str) -> None:
    with CountyFile.open(county_file, daily_backup=False) as county:
        rid = rv.create_review(county, 2024, seed=7)
        drawn = [i["id"] for i in rv.load(county, rid).sample]
    raw(county_file, f"UPDATE review SET rule = '{rule}' WHERE id = '{rid}'")
    with CountyFile.open(county_file, daily_backup=False) as county:
        loaded = rv.load(county, rid)
        rv.load(county, rid)
        default = rv.default_rule(county.institutions_in_year(2024))
        said = county.take_notices()
    assert loaded.rule == default and [i["id"] for i in loaded.sample] == drawn
    [sentence] = said
    assert "抽样规则已损坏，无法读取" in sentence and "抽中的机构不受影响" in sentence


# ---- the parsers, on values of any shape --------------------------------------------------------

JSON = st.recursive(st.none() | st.booleans() | st.integers(-10**6, 10**30)
                    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                    max_leaves=8)


def _paths(value: Any, here: tuple = ()) -> list[tuple]:
    out = [here]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*here, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*here, i))
    return out


def _replaced(body: Any, path: tuple, new: Any) -> Any:
    if not path:
        return new
    body = copy.deepcopy(body)
    node = body
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = new
    return body


SHIPPED = standard.shipped().to_dict()
SHIPPED_PATHS = _paths(SHIPPED)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SHIPPED_PATHS), JSON)
def test_a_standard_of_any_shape_parses_or_is_refused_in_words(path: tuple, new: Any) -> None:
    text = json.dumps(_replaced(SHIPPED, path, new), ensure_ascii=False)
    try:
        standard.from_text(text)
    except ValidationError as exc:
        assert str(exc) and not str(exc).startswith("Traceback")


PROFILE = {"format": 2, "description": "本县方案", "labels": {"中医馆": "中医馆（蒙医馆）"},
           "indicators": {"C2": {"on": True, "target": {"op": ">=", "value": 0.9},
                                 "threshold": {"share": 0.3}, "note": "备注"},
                          "B1": {"threshold": {"categories": 6, "items": 10}}},
           "items": {"G02": {"on": False, "note": "不适用"}}}


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(_paths(PROFILE)), JSON)
def test_a_profile_of_any_shape_is_used_or_refused_in_words(path: tuple, new: Any) -> None:
    row = {"id": "p", "name": "方案", "based_on": None,
           "body": json.dumps(_replaced(PROFILE, path, new), ensure_ascii=False)}
    try:
        profiles._from_row(row, standard.shipped())
    except profiles.ProfileDamaged as exc:
        assert "目标方案“方案”已损坏，无法使用：" in str(exc)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["hospitals", "centres", "stations", "x"]), JSON,
                       max_size=4) | JSON)
def test_a_rule_of_any_shape_is_read_or_refused_in_words(raw_rule: Any) -> None:
    try:
        rule = rv.Rule.from_json(json.dumps(raw_rule))
    except KnownError as exc:
        assert str(exc).startswith("抽样规则已损坏，无法读取")
    else:
        assert all(0 <= n <= rv.MAX_DRAWN for n in (rule.hospitals, rule.centres, rule.stations))
