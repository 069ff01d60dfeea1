"""Values a county file keeps as JSON (its 评分标准, target profiles, 模拟评审 rules) come in merges
from strangers' PCs: one the program could not read afterwards is refused with the merge, in one
sentence naming it (exit 3, both files as they were), instead of merged and then failing every
command. Settings are asked about from any file, and a township's file whose marker was removed
is still judged as the township's."""

from __future__ import annotations

import json
import os
from pathlib import Path
import shutil
import subprocess
import sys

from hypothesis import given, settings, strategies as st
import pytest

from db import stored
from db.county import CountyFile
from db.demo import write_demo
from db.errors import KnownError
from db.exchange import merge, plan_merge, write_township_file
from db.fields import FIELDS, problems
from desktop.cli import main
from tests.crafted import digest, raw

ROOT = Path(__file__).resolve().parents[2]
TOWN = "桃山镇"
DEEP = "[" * 100_000


@pytest.fixture(scope="module")
def master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_demo(tmp_path_factory.mktemp("master") / "master.tcmcounty", "small")


@pytest.fixture
def bureau(master: Path, tmp_path: Path) -> Path:
    return Path(shutil.copyfile(master, tmp_path / "county.tcmcounty"))


@pytest.fixture
def town_file(bureau: Path, tmp_path: Path) -> Path:
    with CountyFile.open(bureau, daily_backup=False) as county:
        return write_township_file(county, TOWN, tmp_path / "town.tcmcounty")


def _add_setting(path: Path, key: str, value: str) -> None:
    raw(path, "INSERT OR REPLACE INTO setting VALUES (?, 'evil-rev', '2025-06-01T08:00:00.000000Z', "
              "'evilpc', 0, ?)".replace("?", "'{}'").format(key, value.replace("'", "''")))


def _standard_with(change: dict) -> str:
    from reports.judge import standard

    body = standard.shipped().to_dict()
    body["sections"][0]["items"][0].update(change)
    return json.dumps(body, ensure_ascii=False)


# ---- the bounded reader ----------------------------------------------------------------------

@pytest.mark.parametrize("text, why", [
    (DEEP, "嵌套超过 32 层"),
    ('{"a": ' * 40 + "1" + "}" * 40, "嵌套超过 32 层"),
    ('{"hospitals": 1e999}', "数字 1e999 超出范围"),
    ('{"hospitals": -1e999}', "超出范围"),
    ('[NaN]', "非数字的值 NaN"),
    ('[Infinity]', "非数字的值 Infinity"),
    ('{"x": "' + "a" * (stored.MAX_CHARS + 1) + '"}', "长度超过"),
    ('{"hospitals": 1, "centres"', "不是有效的 JSON"),
])
def test_a_value_past_the_bounds_is_refused_in_words(text: str, why: str) -> None:
    with pytest.raises(stored.StoredValueError, match=why):
        stored.loads(text)


def test_nesting_inside_strings_is_not_nesting() -> None:
    assert stored.loads(json.dumps({"note": "[" * 1000})) == {"note": "[" * 1000}


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='[]{}",:0123456789.eE-+ \\aNInfty', max_size=200))
def test_any_text_is_read_or_refused_never_a_traceback(text: str) -> None:
    try:
        stored.loads(text)
    except stored.StoredValueError:
        pass


# ---- a merge refuses what the program could not read afterwards ------------------------------

def _deep_standard(path: Path) -> str:
    _add_setting(path, "standard", DEEP)
    return "评分标准无法读取（嵌套超过 32 层）"


def _listed_judge(path: Path) -> str:
    _add_setting(path, "standard", _standard_with({"judge": {"by": ["indicator"]}}))
    return "评分标准无法读取（评分项“G01”的评价方式无效"


def _unhashable_kind(path: Path) -> str:
    _add_setting(path, "standard", _standard_with({"rule": {"kind": {"all": 1}}}))
    return "评分标准无法读取（评分项“G01”的计分方式无效"


def _deep_profile(path: Path) -> str:
    raw(path, "INSERT INTO profile VALUES ('p-evil', 'r', '2025-06-01T08:00:00Z', 'evilpc', 0, "
              f"'深方案', NULL, '{DEEP}')")
    return "目标方案“深方案”无法读取（嵌套超过 32 层）"


def _listed_profile(path: Path) -> str:
    body = json.dumps({"format": 2, "indicators": {"C2": {"target": ["op"]}}})
    raw(path, "INSERT INTO profile VALUES ('p-evil', 'r', '2025-06-01T08:00:00Z', 'evilpc', 0, "
              f"'坏方案', NULL, '{body}')")
    return "目标方案“坏方案”无法读取"


def _endless_rule(path: Path) -> str:
    raw(path, "INSERT INTO review VALUES ('r-evil', 'r', '2025-06-01T08:00:00Z', 'evilpc', 0, "
              "2024, '评审', '2024-05-01', 1, '{\"hospitals\": 1e999, \"centres\": 1}', NULL)")
    return "模拟评审的抽样规则“评审”无法读取（抽样规则已损坏，无法读取（数字 1e999 超出范围））"


@pytest.mark.parametrize("poison", [_deep_standard, _listed_judge, _unhashable_kind, _deep_profile,
                                    _listed_profile, _endless_rule])
@pytest.mark.parametrize("marker", ["kept", "removed"])
def test_a_stored_value_the_program_cannot_read_refuses_the_merge(
        bureau: Path, town_file: Path, poison, marker: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    if marker == "removed":
        raw(town_file, "DELETE FROM setting WHERE id = 'township_scope'")
    words = poison(town_file)
    before = (digest(bureau), digest(town_file))
    for extra in ([], ["--yes"], ["--dry-run", "--yes"]):
        assert main(["merge", str(bureau), str(town_file), *extra]) == 3
        err = capsys.readouterr().err
        assert f"文件“{town_file.name}”中的{words}" in err, err
        assert err.strip().endswith("不能合并；两个文件都没有改动。") and err.count("\n") == 1
    assert (digest(bureau), digest(town_file)) == before


def test_the_command_line_checks_with_the_parsers_that_read_later(bureau: Path,
                                                                  town_file: Path) -> None:
    """As a clerk runs it, in a fresh process (nothing but what `merge` itself loads): a list
    where the standard has a word is caught by the standard's own parser, not only JSON's."""
    _listed_judge(town_file)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "desktop", "merge", str(bureau), str(town_file),
                           "--yes"], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 3, done.stderr
    assert "评分标准无法读取（评分项“G01”的评价方式无效" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_readable_standard_still_travels(bureau: Path, town_file: Path) -> None:
    from reports.judge import standard

    body = standard.shipped().to_dict()
    body["name"] = "某省示范县评分表"
    _add_setting(town_file, "standard", json.dumps(body, ensure_ascii=False))
    with CountyFile.open(bureau, daily_backup=False) as county:
        merge(county, town_file, confirmed=True)
        assert standard.for_county(county).name == "某省示范县评分表"


def test_a_deep_value_in_the_change_log_does_not_stop_a_merge(bureau: Path,
                                                              town_file: Path) -> None:
    """A 修改记录 line's 原值 is read as JSON to show what a conflict started from (both files'
    lines agreeing: the county's came in an earlier merge)."""
    with CountyFile.open(town_file, daily_backup=False) as c:
        rid = c.rows("institution_year", "year = 2024 AND physicians IS NOT NULL",
                     order="id")[0]["id"]
    for path, value in ((town_file, 91), (bureau, 92)):
        with CountyFile.open(path, daily_backup=False) as c:
            c.update("institution_year", rid, {"physicians": value})
    for path in (town_file, bureau):
        raw(path, f"UPDATE audit SET old = '{DEEP}' WHERE record_id = '{rid}'")
    with CountyFile.open(bureau, daily_backup=False) as county:
        plan = plan_merge(county, town_file)
    [conflict] = plan.conflicts
    assert conflict.record_id == rid and "physicians" not in conflict.original


# ---- dates -------------------------------------------------------------------------------------

DATE_FIELDS = [(table, f.name) for table, fields in FIELDS.items() for f in fields
               if f.kind == "date"]


def test_every_date_field_is_checked() -> None:
    assert {("activity", "date"), ("phase", "start_date"), ("task", "deadline"),
            ("review", "review_date"), ("planned_action", "due_date")} <= set(DATE_FIELDS)


@pytest.mark.parametrize("table, name", DATE_FIELDS)
def test_a_date_that_is_no_date_is_refused_in_every_date_field(table: str, name: str) -> None:
    said = [str(e) for e in problems(table, {name: "2024-02-30"})]
    assert any("“2024-02-30”不是有效日期" in text for text in said), said


@pytest.mark.parametrize("table, sql", [
    ("activity", "UPDATE activity SET date = '2024-02-30', rev = 'x' "
                 "WHERE id = (SELECT id FROM activity LIMIT 1)"),
    ("phase", "INSERT INTO phase (id, rev, updated_at, updated_by, deleted, name, start_date, "
              "end_date, ord) VALUES ('ph', 'r', '2025-01-01T00:00:00Z', 'm', 0, '阶段', "
              "'2024-02-30', '2024-03-01', 9)"),
])
def test_a_merge_refuses_a_date_that_is_no_date(bureau: Path, town_file: Path, table: str,
                                               sql: str) -> None:
    raw(town_file, sql)
    before = digest(bureau)
    with CountyFile.open(bureau, daily_backup=False) as county:
        with pytest.raises(KnownError, match="“2024-02-30”不是有效日期"):
            plan_merge(county, town_file)
    assert digest(bureau) == before


# ---- settings are asked about; a township's file stays one without its marker ----------------

def test_a_whole_county_copy_changing_a_setting_needs_a_yes(
        bureau: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    copy = Path(shutil.copyfile(bureau, tmp_path / "副本.tcmcounty"))
    with CountyFile.open(copy, machine="c" * 32, daily_backup=False) as other:
        other.set_setting("active_profile", "qijiang-2027")
    before = digest(bureau)
    assert main(["merge", str(bureau), str(copy)]) == 2
    assert "此次合并将改动设置（选用的目标方案），未合并任何内容" in capsys.readouterr().err
    assert digest(bureau) == before
    assert main(["merge", str(bureau), str(copy), "--yes"]) == 0
    with CountyFile.open(bureau, daily_backup=False) as county:
        assert county.setting("active_profile") == "qijiang-2027"


@pytest.mark.parametrize("also", ["", "DELETE FROM audit"])
def test_a_township_file_without_its_marker_still_asks_about_settings(
        bureau: Path, town_file: Path, also: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Deleting the marker (and even the 修改记录 that names the file's birth) does not turn it
    into a whole-county copy: what it holds is one township's, and it is judged as hers."""
    raw(town_file, "DELETE FROM setting WHERE id = 'township_scope'", *([also] if also else []))
    _add_setting(town_file, "county_name", "别的县")
    before = digest(bureau)
    assert main(["merge", str(bureau), str(town_file)]) == 2
    said = capsys.readouterr().err
    assert f"是“{TOWN}”的乡镇填报文件，却改动了应由县里决定的内容" in said and "县（区）名称" not in said
    assert digest(bureau) == before


def test_a_township_file_without_its_marker_may_not_change_another_township(
        bureau: Path, town_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The line 生成乡镇填报文件 both files hold names the township: a record of another one is
    refused as from the township's file, --yes or not."""
    raw(town_file, "DELETE FROM setting WHERE id = 'township_scope'")
    with CountyFile.open(bureau, daily_backup=False) as county:
        other = county.rows("institution", "township <> ?", (TOWN,), order="name")[0]
    raw(town_file, "INSERT INTO institution (id, rev, updated_at, updated_by, deleted, name, type, "
                   f"township, ownership) VALUES ('{other['id']}', 'evil', '2030-01-01T00:00:00Z', "
                   f"'evilpc', 1, '{other['name']}', '{other['type']}', "
                   f"'{other['township']}', 'public')")
    before = digest(bureau)
    assert main(["merge", str(bureau), str(town_file), "--yes", "--prefer", "theirs"]) == 3
    assert f"是“{TOWN}”的乡镇填报文件，却带有不属于本乡镇的记录" in capsys.readouterr().err
    assert digest(bureau) == before


def test_a_whole_county_copy_is_not_taken_for_a_township_file(bureau: Path,
                                                              tmp_path: Path) -> None:
    """The reverse merge (the county's file into the township's) and a copy of the county keep
    the whole county's rights: they carry the county's figures."""
    copy = Path(shutil.copyfile(bureau, tmp_path / "副本.tcmcounty"))
    with CountyFile.open(copy, machine="c" * 32, daily_backup=False) as other:
        inst = other.rows("institution", "township <> ?", (TOWN,), order="name")[0]["id"]
        other.update("institution", inst, {"code": "X-9"})
    with CountyFile.open(bureau, daily_backup=False) as county:
        plan = plan_merge(county, copy)
    assert not plan.confirmation and len(plan.updated) == 1


def test_the_review_rule_is_checked_by_its_reader_without_loading_the_review_at_start() -> None:
    """The window judges a year without 模拟评审's module (its start is shorter for it); a
    merge in any process that judges still checks an incoming 抽样规则 with the parser that
    reads it later, which loads that module when first asked."""
    code = ("import sys\n"
            "import reports.judge\n"
            "from db import stored\n"
            "assert 'reports.judge.review' not in sys.modules\n"
            "found = stored.problem('review', {'rule': '{\"hospitals\": -3}', 'deleted': 0})\n"
            "assert 'reports.judge.review' in sys.modules\n"
            "print(found)\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    assert done.returncode == 0, done.stderr
    assert "模拟评审的抽样规则" in done.stdout and "家数应为" in done.stdout
