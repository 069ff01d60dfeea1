"""多县汇总: three small counties summed up must agree with each county's own `evaluate --json`;
every kind of bad file is skipped with its reason, the rest still summed, and no file changes."""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
from pathlib import Path
import shutil
import sqlite3

import pytest

from db import schema
from db.county import CountyFile
from db.demo import write_demo
from desktop.cli import main
from reports.judge import rollup as R

YEAR = 2024
TODAY = _dt.date(2025, 3, 1)
FIXTURES = Path(__file__).parents[2] / "fixtures"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_demo(tmp_path_factory.mktemp("demo") / "demo.tcmcounty", "small")


def county_copy(demo: Path, dest: Path, name: str, county_id: str, *,
                weaken: int = 0) -> Path:
    """A copy of the demo as another county; `weaken` institutions lose their TCM physicians."""
    shutil.copyfile(demo, dest)
    with CountyFile.open(dest, daily_backup=False) as c:
        with c.atomic():
            c.set_setting("county_id", county_id)
            c.set_setting("county_name", name)
        for inst in c.institutions_in_year(YEAR)[:weaken]:
            if inst["year_row"]:
                c.set_institution_year(inst["id"], YEAR, {"tcm_physicians": 0})
    return dest


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


@pytest.fixture
def three(demo: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "各县"
    folder.mkdir()
    county_copy(demo, folder / "甲县.tcmcounty", "甲县", "a" * 32)
    county_copy(demo, folder / "乙县.tcmcounty", "乙县", "b" * 32, weaken=3)
    county_copy(demo, folder / "丙县.tcmcounty", "丙县", "c" * 32, weaken=12)
    return folder


def own_json(path: Path, capsys: pytest.CaptureFixture[str]) -> dict:
    capsys.readouterr()
    assert main(["evaluate", str(path), "--year", str(YEAR), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_three_counties_agree_with_their_own_evaluate(three: Path, _private_home: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    before = digests(three)
    own_folder = sorted(_private_home.rglob("*"))
    result = R.rollup(three, YEAR, today=TODAY)
    assert digests(three) == before  # byte-for-byte, and no lock or journal left beside them
    assert sorted(_private_home.rglob("*")) == own_folder  # no backup made, nothing noted

    assert [c.county for c in result.counties] == ["丙县", "乙县", "甲县"]
    assert result.skipped == []
    passed = 0
    met_counts: dict[str, int] = {}
    for row in result.counties:
        own = own_json(row.path, capsys)
        score = own["score"]
        assert (row.total, row.max, row.pass_mark, row.passed) == (
            score["total"], score["max"], score["pass_mark"], score["passed"])
        assert list(row.veto_failures) == score["veto_failures"]
        values = {i["id"]: i for i in own["indicators"]}
        for item in score["items"]:
            cell = row.cells[item["id"]]
            assert (cell.points, cell.state) == (item["points"], item["state"]), item["id"]
            if item["indicator"] in values:
                ind = values[item["indicator"]]
                assert cell.value == ind["value"], item["id"]
                assert cell.previous_value == ind["previous_value"], item["id"]
            met_counts[item["id"]] = met_counts.get(item["id"], 0) + (item["state"] == "得分")
        passed += score["passed"]
    assert result.passed == passed
    assert {s.column.id: s.passed for s in result.shares()} == met_counts
    # The weakened counties really differ, so the sums are not three copies of one county.
    totals = [c.total for c in result.counties]
    assert len(set(totals)) > 1


def test_last_year_beside_this_year(three: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = R.rollup(three, YEAR, today=TODAY)
    for row in result.counties:
        capsys.readouterr()
        assert main(["evaluate", str(row.path), "--year", str(YEAR - 1), "--json"]) == 0
        last = json.loads(capsys.readouterr().out)["score"]
        assert (row.previous_total, row.previous_passed) == (last["total"], last["passed"])
        assert {k: c.previous_points for k, c in row.cells.items()} == {
            i["id"]: i["points"] for i in last["items"]}


def _bad_files(folder: Path, demo: Path) -> None:
    (folder / "说明.txt").write_text("各县材料清单", encoding="utf-8")
    (folder / "空文件.tcmcounty").write_bytes(b"")
    other = sqlite3.connect(folder / "别的程序.tcmcounty")
    other.execute("CREATE TABLE notes (body TEXT)")
    other.commit()
    other.close()
    damaged = bytearray((folder / "甲县.tcmcounty").read_bytes())
    for i in range(4096 * 3, 4096 * 3 + 2048):
        damaged[i] = (i * 7) % 256
    (folder / "损坏.tcmcounty").write_bytes(bytes(damaged))
    newer = county_copy(demo, folder / "新版本.tcmcounty", "丁县", "d" * 32)
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version = {schema.current_version() + 1}")
    conn.commit()
    conn.close()
    shutil.copyfile(FIXTURES / "schema-v2.tcmcounty", folder / "旧版本.tcmcounty")
    # 乙县 brought twice: the copy changed later wins, the other is named.
    county_copy(demo, folder / "乙县（新）.tcmcounty", "乙县", "b" * 32, weaken=3)
    with CountyFile.open(folder / "乙县（新）.tcmcounty", daily_backup=False,
                         clock=lambda: "2099-01-01T00:00:00.000000Z") as c:
        with c.atomic():
            c.log("测试：后来又改过")


def test_every_bad_file_is_skipped_with_its_reason(three: Path, demo: Path) -> None:
    _bad_files(three, demo)
    before = digests(three)
    result = R.rollup(three, YEAR, today=TODAY)
    assert digests(three) == before

    assert sorted(c.file for c in result.counties) == ["丙县.tcmcounty", "乙县（新）.tcmcounty",
                                                       "甲县.tcmcounty"]
    kinds = {s.file: s.kind for s in result.skipped}
    assert kinds == {
        "说明.txt": R.NOT_COUNTY, "空文件.tcmcounty": R.NOT_COUNTY,
        "别的程序.tcmcounty": R.NOT_COUNTY, "损坏.tcmcounty": R.DAMAGED,
        "新版本.tcmcounty": R.NEWER, "旧版本.tcmcounty": R.OLDER,
        "乙县.tcmcounty": R.DUPLICATE,
    }
    reasons = {s.file: s.reason for s in result.skipped}
    assert "请先用本程序打开一次" in reasons["旧版本.tcmcounty"]
    assert "乙县（新）.tcmcounty" in reasons["乙县.tcmcounty"]
    assert "更新版本" in reasons["新版本.tcmcounty"]
    for name, reason in reasons.items():
        assert name in reason  # every reason names its file


def test_a_file_left_mid_write_is_skipped_not_rolled_back(three: Path) -> None:
    journal = three / "甲县.tcmcounty-journal"
    journal.write_bytes(b"\0" * 512)
    before = digests(three)
    result = R.rollup(three, YEAR, today=TODAY)
    assert digests(three) == before
    assert [(s.file, s.kind) for s in result.skipped] == [("甲县.tcmcounty", R.UNFINISHED)]
    assert "上次保存没有完成" in result.skipped[0].reason
    assert len(result.counties) == 2


def test_standard_by_id(three: Path) -> None:
    assert R.rollup(three, YEAR, "national-2022", today=TODAY).standard_id == "national-2022"
    with pytest.raises(R.KnownError, match="找不到评分标准“某省-2023”"):
        R.rollup(three, YEAR, "某省-2023", today=TODAY)


def test_not_a_folder(tmp_path: Path) -> None:
    with pytest.raises(R.KnownError, match="不是文件夹"):
        R.rollup(tmp_path / "没有这个文件夹", YEAR)


def test_cli_writes_the_workbook_and_the_pdf(three: Path, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    import openpyxl

    county_copy(three / "甲县.tcmcounty", three / "公式县.tcmcounty", "=1+1", "e" * 32)
    before = digests(three)
    book = tmp_path / "汇总.xlsx"
    assert main(["rollup", str(three), "--year", str(YEAR), "-o", str(book)]) == 0
    captured = capsys.readouterr()
    assert "[4/4] 已汇总 4 个县" in captured.err  # progress on the terminal
    assert "读取 4 个县" in captured.out
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["各县得分", "各项达标县数", "得分矩阵", "逐项明细", "跳过的文件"]
    names = [row[1] for row in wb["各县得分"].iter_rows(min_row=3, max_row=6, values_only=True)]
    assert sorted(names) == sorted(["=1+1", "丙县", "乙县", "甲县"])
    cell = wb["各县得分"].cell(3 + names.index("=1+1"), 2)
    assert cell.data_type == "s"  # a name that looks like a formula stays text
    pdf = tmp_path / "汇总.pdf"
    assert main(["rollup", str(three), "--year", str(YEAR), "-o", str(pdf)]) == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    assert digests(three) == before


def test_cli_refuses_an_output_that_is_neither(three: Path, tmp_path: Path) -> None:
    assert main(["rollup", str(three), "--year", str(YEAR), "-o", str(tmp_path / "a.txt")]) == 2
    assert not (tmp_path / "a.txt").exists()


def test_cli_a_folder_without_counties(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "说明.txt").write_text("没有数据", encoding="utf-8")
    assert main(["rollup", str(tmp_path), "--year", str(YEAR)]) == 3
    assert "没有可以汇总的县级数据文件" in capsys.readouterr().err


def test_counties_on_different_standards_are_scored_alike(three: Path) -> None:
    from reports.judge import standard

    raw = standard.shipped().to_dict()
    raw.update(id="某省-2023", name="某省示范县评分表（2023）", pass_mark=60)
    with CountyFile.open(three / "乙县.tcmcounty", daily_backup=False) as c:
        standard.store(c, standard.parse(raw))
    default = R.rollup(three, YEAR, today=TODAY)
    assert default.standard_id == "national-2022"
    assert "各县使用的评分标准不同" in default.note
    province = R.rollup(three, YEAR, "某省-2023", today=TODAY)
    assert province.standard_name == "某省示范县评分表（2023）"
    assert {c.pass_mark for c in province.counties} == {60}  # every county, not only 乙县


def test_two_copies_of_one_file_are_said_to_be_copies_and_times_are_the_clerks(
        three: Path, demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same county twice: a plain copy is said to be one (not two identical times side by
    side); copies changed within one minute show the seconds; times read on the clerk's clock,
    not UTC."""
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    import time

    time.tzset()
    try:
        shutil.copyfile(three / "甲县.tcmcounty", three / "甲县 - 副本.tcmcounty")
        reasons = {s.file: s.reason for s in R.rollup(three, YEAR, today=TODAY).skipped}
        [(file, reason)] = reasons.items()
        assert "同一文件的副本" in reason and "最后修改较晚" not in reason
        (three / "甲县 - 副本.tcmcounty").unlink()
        first = county_copy(demo, three / "丁县.tcmcounty", "丁县", "e" * 32)
        second = county_copy(demo, three / "丁县（改）.tcmcounty", "丁县", "e" * 32)
        for path, at in ((first, "2099-11-15T01:30:12.000000Z"),
                         (second, "2099-11-15T01:30:47.000000Z")):
            with CountyFile.open(path, daily_backup=False, clock=lambda at=at: at) as c:
                with c.atomic():
                    c.log("测试：改过")
        reasons = {s.file: s.reason for s in R.rollup(three, YEAR, today=TODAY).skipped}
        assert "汇总最后修改较晚的“丁县（改）.tcmcounty”（2099-11-15 09:30:47；本文件 " \
               "2099-11-15 09:30:12）" in reasons["丁县.tcmcounty"]
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
