"""One rule for every name, title and note (db.fields): control characters and invisible format
characters are removed on every write and refused from a merged file, a name is at most 100
characters and free text 2,000, and a look-alike name with a zero-width character inside is the
same institution."""

import shutil
from pathlib import Path
import unicodedata

from hypothesis import given, settings, strategies as st
import pytest

from db import fields
from db.county import CountyFile
from db.demo import write_demo
from db.errors import KnownError, ValidationError
from db.exchange import plan_merge, write_township_file
from tests.crafted import digest, raw

INVISIBLE = ["\u200b", "\u200d", "\u200e", "\ufeff", "\u2060", "\u202e"]
CONTROLS = ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9b"]
NOW = "2025-06-01T08:00:00.000000Z"

# Text as hostile files and pastes bring it: CJK, ASCII, and every kind of character a name
# must not keep (controls C0/C1, format characters, line and paragraph separators).
hostile_text = st.text(alphabet=st.one_of(
    st.sampled_from("桃山镇李坡村卫生室 abc-（）"),
    st.sampled_from(INVISIBLE + CONTROLS + ["\t", "\n", "\r", "\u2028", "\u2029", "\u3000"]),
    st.characters(categories=["Cc", "Cf", "Zs", "Lo"])), max_size=60)


def _unprintable(text: str, lines: bool) -> set[str]:
    return {ch for ch in text if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp")
            and not (lines and ch in "\t\n")}


@given(hostile_text, st.booleans())
def test_cleaned_text_passes_the_rule_and_keeps_every_visible_character(text: str,
                                                                        lines: bool) -> None:
    clean = fields.clean_text(text, lines=lines)
    assert not _unprintable(clean, lines)
    assert fields.text_problem(clean, fields.TEXT_MAX, lines=lines) is None
    assert fields.clean_text(clean, lines=lines) == clean  # cleaning twice changes nothing
    seen = [ch for ch in text if not _unprintable(ch, lines) and not ch.isspace()]
    assert [ch for ch in clean if not ch.isspace()] == seen


@given(hostile_text)
def test_the_rule_refuses_exactly_what_cleaning_would_change(text: str) -> None:
    problem = fields.text_problem(text, fields.NAME_MAX)
    assert (problem is None) == (fields.clean_text(text) == text)
    if problem:
        assert "U+" in problem and "字符" in problem


@given(hostile_text)
def test_text_shown_on_a_terminal_holds_no_control_or_format_character(text: str) -> None:
    assert not _unprintable(fields.visible(text), lines=True)
    one_line = fields.shown(text, 10_000)
    assert not _unprintable(one_line, lines=True) and "\n" not in one_line


@pytest.mark.parametrize("mark", INVISIBLE)
def test_a_name_with_an_invisible_character_is_the_same_name(mark: str) -> None:
    assert fields.same_key(f"桃山镇李坡村{mark}卫生室") == fields.same_key("桃山镇李坡村卫生室")


@pytest.mark.parametrize("mark", INVISIBLE + [c for c in CONTROLS if not c.isspace()])
def test_a_typed_name_loses_the_character_and_its_look_alike_is_refused(
        county: CountyFile, centre: str, mark: str) -> None:
    rid = county.insert("institution", {"name": f"青石镇{mark}李坡村卫生室", "type": "village_clinic",
                                        "township": "青石镇"})
    assert county.get("institution", rid)["name"] == "青石镇李坡村卫生室"
    with pytest.raises(ValidationError, match="已有名为“青石镇李坡村卫生室”的机构"):
        county.insert("institution", {"name": f"青石镇李坡村{mark}卫生室", "type": "village_clinic",
                                      "township": "青石镇"})
    assert county.count("institution") == 2


def test_a_name_over_100_characters_is_refused_naming_the_field(county: CountyFile) -> None:
    with pytest.raises(ValidationError, match="机构名称：超过 100 个字（收到 101 个）"):
        county.insert("institution", {"name": "院" * 101, "type": "chc", "township": "青石镇"})
    county.insert("institution", {"name": "院" * 100, "type": "chc", "township": "青石镇"})


def test_a_note_keeps_its_lines_and_a_title_becomes_one_line(county: CountyFile,
                                                             centre: str) -> None:
    aid = county.insert("activity", {"institution_id": centre, "date": "2024-05-01", "kind": "健康讲座",
                                     "title": "中医药\n健康\x1b[2J讲座", "note": "第一行\r\n第二行\t完\x07"})
    rec = county.get("activity", aid)
    assert rec["title"] == "中医药 健康[2J讲座"
    assert rec["note"] == "第一行\n第二行\t完"
    with pytest.raises(ValidationError, match="备注：超过 2,000 个字"):
        county.update("activity", aid, {"note": "注" * 2001})


def test_editing_a_record_cleans_what_an_older_file_holds_in_its_name(county: CountyFile,
                                                                      centre: str) -> None:
    county.close()
    raw(county.path, f"UPDATE institution SET name = '青石镇' || char(8203) || '卫生院' "
                     f"WHERE id = '{centre}'")
    with CountyFile.open(county.path, daily_backup=False) as c:
        c.update("institution", centre, {"note": "已核对"})
        assert c.get("institution", centre)["name"] == "青石镇卫生院"


def test_a_new_county_name_loses_control_characters_and_is_at_most_100(tmp_path: Path) -> None:
    with CountyFile.create(tmp_path / "a.tcmcounty", "测试\x1b[2J\u202e县") as c:
        assert c.county_name == "测试[2J县"
    with pytest.raises(ValidationError, match="县（区）名称：超过 100 个字"):
        CountyFile.create(tmp_path / "b.tcmcounty", "县" * 101)
    assert not (tmp_path / "b.tcmcounty").exists()


# ---- a merge refuses a record that breaks the rule, naming it ------------------------------------

@pytest.fixture(scope="module")
def master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_demo(tmp_path_factory.mktemp("master") / "master.tcmcounty", "small")



def _township_with(master: Path, tmp_path: Path, sql: str) -> tuple[Path, Path]:
    bureau = Path(shutil.copyfile(master, tmp_path / "县.tcmcounty"))
    town = tmp_path / "乡镇.tcmcounty"
    with CountyFile.open(bureau, daily_backup=False) as county:
        write_township_file(county, county.rows("institution", "type = 'township_hc'")[0]["township"],
                            town)
    raw(town, sql)
    return bureau, town


@pytest.mark.parametrize("name, reason", [
    ("'桃山镇卫生院' || char(27) || '[2J' || char(7)", "第 7 个字符是控制字符（U+001B）"),
    ("'李坡村' || char(8238) || '卫生室'", "第 4 个字符是看不见的格式字符（U+202E）"),
    ("replace(hex(zeroblob(100000)), '00', '院')", "超过 100 个字（收到 100,000 个）"),
])
def test_a_merged_name_breaking_the_rule_refuses_the_file_and_neither_changes(
        master: Path, tmp_path: Path, name: str, reason: str) -> None:
    bureau, town = _township_with(master, tmp_path, (
        f"UPDATE institution SET name = {name}, rev = lower(hex(randomblob(16))), "
        f"updated_at = '{NOW}' WHERE id = (SELECT id FROM institution WHERE type = 'township_hc' "
        "LIMIT 1)"))
    before = digest(bureau), digest(town)
    with CountyFile.open(bureau, daily_backup=False) as county:
        with pytest.raises(KnownError) as caught:
            plan_merge(county, town)
    said = str(caught.value)
    assert f"机构名称：{reason}" in said and "不能合并；两个文件都没有改动" in said
    assert "\x1b" not in said and "\x07" not in said and len(said) < 300
    assert (digest(bureau), digest(town)) == before


@settings(max_examples=20, deadline=None)
@given(title=hostile_text.filter(lambda t: fields.clean_text(t) != t and t.strip()))
def test_a_merged_title_with_any_hidden_character_is_refused(master: Path, tmp_path_factory,
                                                             title: str) -> None:
    tmp_path = tmp_path_factory.mktemp("m")
    quoted = "".join(f"char({ord(ch)})||" for ch in title) + "''"
    bureau, town = _township_with(master, tmp_path, (
        f"UPDATE activity SET title = {quoted}, rev = lower(hex(randomblob(16))), "
        f"updated_at = '{NOW}' WHERE id = (SELECT id FROM activity ORDER BY rowid LIMIT 1)"))
    with CountyFile.open(bureau, daily_backup=False) as county:
        with pytest.raises(KnownError, match="活动名称：第 .* 个字符是"):
            plan_merge(county, town)
