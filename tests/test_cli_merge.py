"""`merge --dry-run` runs every check the merge runs, its writes included (rolled back), so it
exits as the merge would: 0, 2 (needs --yes), 3 (refused), 4 (conflicts); and it changes nothing."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from db.county import CountyFile
from db.demo import write_demo
from db.exchange import write_township_file
from desktop.cli import main
from reports.judge import review as rv
from tests.crafted import digest, trigger_adds_physicians

TOWN = "平场镇"


@pytest.fixture(scope="module")
def master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = write_demo(tmp_path_factory.mktemp("master") / "青河县.tcmcounty", "small")
    with CountyFile.open(path, daily_backup=False) as county:
        rid = rv.create_review(county, 2024, seed=7)
        for inst in rv.load(county, rid).sample:
            rv.set_finding(county, rid, inst["id"], "A1", "符合")
    return path


def _township(bureau: Path, out: Path, change: Callable[[CountyFile], None]) -> None:
    with CountyFile.open(bureau, daily_backup=False) as county:
        write_township_file(county, TOWN, out)
    with CountyFile.open(out, machine="t" * 32, daily_backup=False) as county:
        change(county)


def _copy(bureau: Path, out: Path, change: Callable[[CountyFile], None]) -> None:
    shutil.copyfile(bureau, out)
    with CountyFile.open(out, machine="o" * 32, daily_backup=False) as county:
        change(county)


def _centre(c: CountyFile) -> str:
    return c.rows("institution", "township = ? AND type = 'township_hc'", (TOWN,))[0]["id"]


def _figures(c: CountyFile) -> None:
    c.set_institution_year(_centre(c), 2024, {"physicians": 50})


def _delete_review(c: CountyFile) -> None:
    c.delete("review", c.rows("review")[0]["id"])


def _other_township(c: CountyFile) -> None:
    c.insert("institution", {"name": "外镇卫生院", "type": "township_hc", "township": "长江镇"})


def _delete_many(c: CountyFile) -> None:
    with c.atomic():
        for row in c.rows("activity", order="id")[:10]:
            c.delete("activity", row["id"])


def _bad_evidence(c: CountyFile) -> None:
    """Evidence whose bytes do not match its checksum: only the write itself finds it."""
    c.add_evidence("照片.jpg", b"photo", owner_table="indicator", indicator_id="A1", year=2024)
    c.conn.execute("UPDATE blob SET data = x'00ff'")


def _twin_year(c: CountyFile) -> None:
    """The centre's 2024 figures under a new id: SQLite's unique index refuses them on writing."""
    row = c.rows("institution_year", "institution_id = ? AND year = 2024", (_centre(c),))[0]
    c.conn.execute("DELETE FROM institution_year WHERE id = ?", (row["id"],))
    c.insert("institution_year", {"institution_id": row["institution_id"], "year": 2024,
                                  "physicians": 7})


# name: (how the other file is made, change, [(extra flags, exit code)])
CASES: dict[str, tuple[Callable, Callable, list[tuple[list[str], int]]]] = {
    "a township's figures": (_township, _figures, [([], 0)]),
    "a township deleting the review": (_township, _delete_review, [([], 2), (["--yes"], 0)]),
    "a township's file with another's institution": (_township, _other_township, [(["--yes"], 3)]),
    "ten activities deleted": (_copy, _delete_many, [([], 2), (["--yes"], 0)]),
    "evidence not matching its checksum": (_copy, _bad_evidence, [(["--yes"], 3)]),
    "one institution's year twice": (_copy, _twin_year, [(["--yes"], 3)]),
    "a trigger in the other file": (_copy, lambda c: None, [(["--yes"], 3)]),
}


@pytest.mark.parametrize("name", CASES)
def test_dry_run_exits_as_the_merge_does_and_changes_nothing(
        master: Path, tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]) -> None:
    make, change, runs = CASES[name]
    bureau = Path(shutil.copyfile(master, tmp_path / "县里.tcmcounty"))
    other = tmp_path / "对方.tcmcounty"
    make(bureau, other, change)
    if name == "a trigger in the other file":
        trigger_adds_physicians(other)
    for flags, expected in runs:
        before = digest(bureau), digest(other)
        dry = main(["merge", str(bureau), str(other), "--dry-run", *flags])
        said = capsys.readouterr()
        assert dry == expected, said
        assert (digest(bureau), digest(other)) == before
        assert {p.name for p in tmp_path.iterdir()} == {"对方.tcmcounty", "县里.tcmcounty"}
        if expected == 0:
            assert "（试运行：合并可以完成；未写入任何内容）" in said.out
        trial = Path(shutil.copyfile(bureau, tmp_path.parent / f"{tmp_path.name}-trial.tcmcounty"))
        try:
            real = main(["merge", str(trial), str(other), *flags])
        finally:
            capsys.readouterr()
            trial.unlink()
        assert real == dry, name


def test_a_dry_run_on_a_county_file_that_may_not_be_written_still_rehearses(
        master: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """(A read-only stick: the rehearsal runs on a temporary copy.)"""
    from db import county as county_module

    bureau = Path(shutil.copyfile(master, tmp_path / "县里.tcmcounty"))
    other = tmp_path / "对方.tcmcounty"
    _copy(bureau, other, _bad_evidence)
    before = digest(bureau)
    writable = county_module._writable
    monkeypatch.setattr(county_module, "_writable",
                        lambda path: path != bureau and writable(path))
    assert main(["merge", str(bureau), str(other), "--dry-run", "--yes"]) == 3
    assert "校验值不符" in capsys.readouterr().err
    _copy(bureau, other, _figures)
    assert main(["merge", str(bureau), str(other), "--dry-run"]) == 0
    assert "合并可以完成" in capsys.readouterr().out
    assert digest(bureau) == before


def test_the_merge_refused_at_writing_says_why_in_one_sentence(
        master: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bureau = Path(shutil.copyfile(master, tmp_path / "县里.tcmcounty"))
    other = tmp_path / "对方.tcmcounty"
    _copy(bureau, other, _twin_year)
    assert main(["merge", str(bureau), str(other), "--dry-run", "--yes"]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "相抵触" in err and "两个文件都没有改动" in err

