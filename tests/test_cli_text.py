"""Names and text from files at the command line: a terminal is never sent a raw control
character, a rollup skips and names a county file whatever goes wrong with it, a task list
obeys the 2,000-character limit, and `new --county` follows the rule every name follows."""

from __future__ import annotations

import json
from pathlib import Path
import shutil
import sqlite3

import pytest

from db.county import CountyFile
from db.demo import write_demo
from desktop.cli import main
from reports.judge import rollup as R
from reports.judge import standard
from tests.crafted import raw, digest

YEAR = 2024
NOW = "2025-06-01T08:00:00.000000Z"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_demo(tmp_path_factory.mktemp("demo") / "demo.tcmcounty", "small")


def _raw_controls(text: str) -> list[str]:
    return [ch for ch in text if (ord(ch) < 32 and ch not in "\n\t") or 0x7f <= ord(ch) < 0xa0
            or ch in "\u200b\u202e\ufeff"]


def _county(folder: Path, name: str, county: str) -> Path:
    path = folder / f"{name}.tcmcounty"
    CountyFile.create(path, county).close()
    return path


def test_rollup_skips_and_names_each_bad_file_and_sums_the_rest(
        demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "各县"
    folder.mkdir()
    shutil.copyfile(demo, folder / "good.tcmcounty")
    deep = _county(folder, "deep", "甲县")
    raw(deep, "INSERT OR REPLACE INTO setting VALUES ('standard', 'r', '2024-01-01T00:00:00Z', "
              "'m', 0, (SELECT replace(hex(zeroblob(100000)), '00', '[')))")
    unhashable = standard.shipped().to_dict()
    unhashable["sections"][0]["items"][0]["rule"] = {"kind": {"a": 1}}
    odd = _county(folder, "unhash", "乙县")
    conn = sqlite3.connect(odd)
    with conn:
        conn.execute("INSERT INTO setting VALUES ('standard', 'r', '2024-01-01T00:00:00Z', 'm', 0, ?)",
                     (json.dumps(unhashable, ensure_ascii=False),))
    conn.close()
    ctrl = _county(folder, "ctrl", "丙县")
    raw(ctrl, "UPDATE setting SET value = '丙县' || char(27) || '[2J' || char(7) "
              "WHERE id = 'county_name'")
    before = {p.name: digest(p) for p in folder.iterdir()}
    for out in ("r.xlsx", "r.pdf"):
        assert main(["rollup", str(folder), "--year", str(YEAR), "-o", str(tmp_path / out)]) == 0
        said = capsys.readouterr()
        assert "Traceback" not in said.err and not _raw_controls(said.out + said.err)
    assert {p.name: digest(p) for p in folder.iterdir()} == before
    result = R.rollup(folder, YEAR)
    shown = {c.file: c.shown for c in result.counties}
    assert shown["ctrl.tcmcounty"] == "丙县[2J" and "good.tcmcounty" in shown
    # The two counties whose 评分表 could not be read are summed all the same, and named
    assert "甲县（“deep.tcmcounty”）、乙县（“unhash.tcmcounty”）保存的评分表无法读取，按" in result.note


def test_rollup_skips_a_file_that_fails_while_judged_for_any_reason(
        demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "各县"
    folder.mkdir()
    shutil.copyfile(demo, folder / "a.tcmcounty")
    shutil.copyfile(demo, folder / "b.tcmcounty")
    raw(folder / "b.tcmcounty", "UPDATE setting SET value = 'other' WHERE id = 'county_id'")
    judge = R.evaluate

    def failing(county, year, **kw):
        if county.path.name == "b.tcmcounty":
            raise TypeError("unhashable type: 'dict'")
        return judge(county, year, **kw)
    monkeypatch.setattr(R, "evaluate", failing)
    result = R.rollup(folder, YEAR)
    assert [c.file for c in result.counties] == ["a.tcmcounty"]
    assert [(s.file, s.kind, s.reason) for s in result.skipped] == [
        ("b.tcmcounty", R.UNREADABLE,
         "文件“b.tcmcounty”中的数据无法按县级数据文件读取（数据不是本程序写入的样子），未计入汇总。")]


def test_a_terminal_is_sent_no_control_character_from_a_county_file(
        demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = Path(shutil.copyfile(demo, tmp_path / "县.tcmcounty"))
    raw(path, "UPDATE setting SET value = '青河县' || char(27) || '[2J' || char(8238) "
              "WHERE id = 'county_name'",
        "UPDATE task SET text = '任务' || char(7) || char(0) WHERE rowid = 1")
    for command in (["evaluate", str(path), "--year", str(YEAR)], ["task-list", str(path)]):
        assert main(command) == 0
        said = capsys.readouterr()
        assert said.out and not _raw_controls(said.out + said.err)
    assert "<U+001B>" in said.out or "<U+0007>" in said.out


def test_a_merge_refusing_a_name_with_control_characters_exits_3_and_changes_nothing(
        demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    county = Path(shutil.copyfile(demo, tmp_path / "县.tcmcounty"))
    town = tmp_path / "乡镇.tcmcounty"
    assert main(["township", str(county), "--town", "桃山镇", "-o", str(town)]) == 0
    raw(town, "UPDATE institution SET name = '桃山镇卫生院' || char(27) || '[2J' || char(7), "
              f"rev = lower(hex(randomblob(16))), updated_at = '{NOW}' "
              "WHERE id = (SELECT id FROM institution WHERE type = 'township_hc' LIMIT 1)")
    capsys.readouterr()
    before = digest(county), digest(town)
    for extra in (["--dry-run"], []):
        assert main(["merge", str(county), str(town), *extra]) == 3
        said = capsys.readouterr()
        assert "机构名称：第 7 个字符是控制字符（U+001B）" in said.err
        assert not _raw_controls(said.out + said.err)
    assert (digest(county), digest(town)) == before


@pytest.mark.parametrize("suffix", [".txt", ".xlsx"])
def test_a_task_over_2000_characters_refuses_the_list_naming_it(
        demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str) -> None:
    import openpyxl

    path = Path(shutil.copyfile(demo, tmp_path / "县.tcmcounty"))
    source = tmp_path / f"任务{suffix}"
    long_task = "加强中医药" * 401  # 2,005 characters
    if suffix == ".txt":
        source.write_text(f"一、组织保障\n（一）健全机制。〔责任单位：县卫生健康局〕\n（二）{long_task}。"
                          "〔责任单位：县卫生健康局〕\n", encoding="utf-8")
    else:
        book = openpyxl.Workbook()
        book.active.append(["序号", "重点任务", "责任单位"])
        book.active.append([1, "健全机制", "县卫生健康局"])
        book.active.append([2, long_task, "县卫生健康局"])
        book.save(source)
    before = digest(path)
    assert main(["task-import", str(path), str(source)]) == 1
    said = capsys.readouterr().err
    assert "第 2 项任务" in said and "任务内容：超过 2,000 个字" in said
    assert digest(path) == before


def test_a_task_list_loses_invisible_characters_and_imports_once(
        demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = Path(shutil.copyfile(demo, tmp_path / "县.tcmcounty"))
    source = tmp_path / "任务.txt"
    source.write_text("（一）健全\u200b机制\x07。〔责任单位：县卫生\u202e健康局〕\n", encoding="utf-8")
    assert main(["task-import", str(path), str(source)]) == 0
    assert main(["task-import", str(path), str(source)]) == 0  # the same list adds nothing
    with CountyFile.open(path, daily_backup=False) as county:
        found = county.rows("task", "text LIKE '健全%'")
    assert [(t["text"], t["lead_unit"]) for t in found] == [("健全机制。", "县卫生健康局")]


def test_new_county_keeps_no_control_character_in_its_name(tmp_path: Path) -> None:
    path = tmp_path / "n.tcmcounty"
    assert main(["new", str(path), "--county", "测试\x1b[2J县"]) == 0
    with CountyFile.open(path, daily_backup=False) as county:
        assert county.county_name == "测试[2J县"
    out = tmp_path / "t.xlsx"
    assert main(["template", str(path), "--year", str(YEAR), "-o", str(out)]) == 0
