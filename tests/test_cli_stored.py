"""A county file opened as the county's own, holding values that pass the schema and mean
nothing (a tester's findings 1 and 7): every command that reads it finishes (exit 0) on what it
can use, says once on stderr what it could not, and never ends in a traceback."""

from __future__ import annotations

from pathlib import Path
import shutil

import openpyxl
import pytest

from db.demo import write_demo
from desktop.cli import main
from tests.crafted import raw

DEEP = "[" * 100_000


@pytest.fixture(scope="module")
def master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_demo(tmp_path_factory.mktemp("master") / "master.tcmcounty", "small")


@pytest.fixture
def county(master: Path, tmp_path: Path) -> Path:
    return Path(shutil.copyfile(master, tmp_path / "青河县.tcmcounty"))


def _commands(path: Path, out: Path) -> list[list[str]]:
    f = str(path)
    return [["evaluate", f, "--year", "2024"], ["evaluate", f, "--year", "2024", "--json"],
            ["plan", f, "--year", "2024"],
            ["report", f, "--year", "2024", "-o", str(out / "r.pdf")],
            ["export-excel", f, "--year", "2024", "-o", str(out / "e.xlsx")],
            ["evidence-list", f], ["standard-export", f, "-o", str(out / "s.xlsx")]]


def test_every_command_reads_past_a_poisoned_standard(county: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    raw(county, "INSERT OR REPLACE INTO setting VALUES ('standard', 'x', "
                f"'2025-06-01T08:00:00Z', 'evilpc', 0, '{DEEP}')")
    for argv in _commands(county, tmp_path):
        assert main(argv) == 0, argv
        err = capsys.readouterr().err
        assert err.count(f"文件“{county.name}”中保存的评分标准无法读取（嵌套超过 32 层），"
                         "现按程序自带的全国基层中医药工作示范县建设标准（2022版）评分") == 1, (argv, err)


@pytest.mark.parametrize("sql, words", [
    ("UPDATE setting SET value = 'p1' WHERE id = 'active_profile'; "
     "INSERT INTO profile VALUES ('p1', 'r', '2024-01-01T00:00:00Z', 'm', 0, '方案', NULL, '" + DEEP
     + "')", "选用的目标方案“方案”已损坏，无法使用：嵌套超过 32 层"),
    ("INSERT INTO review VALUES ('r1', 'r', '2024-01-01T00:00:00Z', 'm', 0, 2024, '评审', "
     "'2024-05-01', 1, '{\"hospitals\": 1e999, \"centres\": 1, \"stations\": 1}', NULL)",
     "模拟评审“评审”的抽样规则已损坏，无法读取（数字 1e999 超出范围）"),
], ids=["deep-profile", "endless-rule"])
def test_a_damaged_profile_or_rule_is_said_and_the_command_goes_on(
        county: Path, tmp_path: Path, sql: str, words: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    raw(county, *sql.split("; "))
    out = tmp_path / "out"
    reviews = [["review-sample", str(county), "--year", "2024"],
               ["review-export", str(county), "--year", "2024", "-o", str(out / "v.xlsx")]]
    for argv in [*_commands(county, out)[:4], *(reviews if "review" in sql else [])]:
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir()
        code = main(argv)
        err = capsys.readouterr().err
        assert code == 0 and "Traceback" not in err, (argv, err)
        if "review" in argv[0] or "profile" in sql:
            assert err.count(words) == 1, (argv, err)


def test_an_activity_on_a_day_that_does_not_exist_exports_as_its_text(
        county: Path, tmp_path: Path) -> None:
    raw(county, "UPDATE activity SET date = '2024-02-30' WHERE id = "
                "(SELECT id FROM activity WHERE date LIKE '2024%' ORDER BY id LIMIT 1)")
    out = tmp_path / "e.xlsx"
    assert main(["export-excel", str(county), "--year", "2024", "-o", str(out)]) == 0
    book = openpyxl.load_workbook(out, read_only=True)
    cells = [c for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row]
    assert "2024-02-30" in cells


def test_a_county_name_of_thousands_of_characters_still_makes_a_report(
        county: Path, master: Path, tmp_path: Path) -> None:
    def master_copy(folder: Path) -> Path:
        return Path(shutil.copyfile(master, folder / "原样.tcmcounty"))

    raw(county, "UPDATE setting SET value = '" + "县" * 3000 + "' WHERE id = 'county_name'")
    for argv in (["report", str(county), "--year", "2024", "-o", str(tmp_path / "r.pdf")],
                 ["review-sample", str(county), "--year", "2024", "--seed", "7", "--save"]):
        assert main(argv) == 0
    assert main(["review-checklist", str(county), "--year", "2024", "-o",
                 str(tmp_path / "c.pdf")]) == 0
    from tests.reports.pdf.test_pdf import flat_text, page_count

    report = tmp_path / "r.pdf"
    plain = tmp_path / "plain.pdf"
    assert main(["report", str(master_copy(tmp_path)), "--year", "2024", "-o", str(plain)]) == 0
    # The cover's title holds what one page does; the unit's rows (报送单位, 落款) 40 characters.
    assert page_count(report) <= page_count(plain) + 1
    text = flat_text(report)
    assert "报送单位：" + "县" * 39 + "…卫生健康局" in text and "县" * 200 not in text
    assert (tmp_path / "c.pdf").stat().st_size > 0


def test_the_rollup_reads_past_a_poisoned_standard(county: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    raw(county, "INSERT OR REPLACE INTO setting VALUES ('standard', 'x', "
                f"'2025-06-01T08:00:00Z', 'evilpc', 0, '{DEEP}')")
    folder = tmp_path / "各县"
    folder.mkdir()
    shutil.move(county, folder / county.name)
    assert main(["rollup", str(folder), "--year", "2024"]) == 0
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and "跳过 0 个文件" in captured.out
    # Scored, as every county of the rollup, by the one standard chosen for all (the shipped one).
    assert f"青河县（{county.name}）：" in captured.out
