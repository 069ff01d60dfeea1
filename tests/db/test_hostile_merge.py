"""Township files come on sticks from strangers' PCs: a crafted file is refused with one Chinese
sentence naming it, and neither file changes; mass deletions wait for a confirmation."""

import hashlib
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from db import copies, exchange, schema
from db.county import MAX_EVIDENCE_BYTES, CountyFile
from db.demo import write_demo
from db.errors import KnownError
from db.exchange import merge, plan_merge, write_township_file
from desktop.cli import main

INSTITUTION_COLUMNS = ["id", "rev", "updated_at", "updated_by", "deleted", "name", "type",
                       "township", "code", "parent_id", "ownership", "active_from", "active_to",
                       "note"]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_demo(tmp_path_factory.mktemp("master") / "master.tcmcounty", "small")


@pytest.fixture
def bureau(master: Path, tmp_path: Path) -> Path:
    return Path(shutil.copyfile(master, tmp_path / "bureau.tcmcounty"))


def _raw(path: Path, *sql: str) -> None:
    """Tamper with a file behind the program's back, as a stranger's tool could."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA ignore_check_constraints = ON")
        conn.execute("PRAGMA foreign_keys = OFF")
        for statement in sql:
            conn.execute(statement)
    finally:
        conn.close()


def _changed_copy(bureau: Path, change: Callable[[CountyFile, str], None] | None = None) -> Path:
    """The township's file: a copy in which one institution was changed through the program."""
    other = Path(shutil.copyfile(bureau, bureau.with_name("乡镇.tcmcounty")))
    with CountyFile.open(other, machine="b" * 32, daily_backup=False) as c:
        inst = c.rows("institution", "type = 'township_hc'", order="name")[0]["id"]
        if change is None:
            c.update("institution", inst, {"code": "TOWN-1"})
        else:
            change(c, inst)
    return other


def _names(path: Path) -> list[str]:
    with CountyFile.open(path, daily_backup=False) as c:
        return [r["name"] for r in c.rows("institution", order="id")]


def _crafted_column(bureau: Path) -> Path:
    other = _changed_copy(bureau)
    cols = INSTITUTION_COLUMNS
    payload = ", ".join("'已被改写：'||name" if c == "name" else c for c in cols)
    crafted = (f"note) SELECT {', '.join('?' for _ in cols)} WHERE 0 UNION ALL "
               f"SELECT {payload} FROM institution --")
    _raw(other, f'ALTER TABLE institution RENAME COLUMN note TO "{crafted}"')
    return other


def _extra_column(bureau: Path) -> Path:
    other = _changed_copy(bureau)
    _raw(other, "ALTER TABLE institution ADD COLUMN extra TEXT")
    return other


def _invalid_tombstone(bureau: Path) -> Path:
    other = _changed_copy(bureau, lambda c, inst: c.delete("institution", inst))
    _raw(other, "UPDATE institution SET type = 'hospital_of_nowhere' WHERE deleted = 1")
    return other


def _deleted_two(bureau: Path) -> Path:
    other = _changed_copy(bureau)
    _raw(other, "UPDATE institution SET deleted = 2 WHERE code = 'TOWN-1'")
    return other


def _invalid_finding(bureau: Path) -> Path:
    """A 模拟评审 finding whose 现场结论 is neither 符合 nor 不符合."""
    def add(c: CountyFile, inst: str) -> None:
        review = c.insert("review", {"year": 2024, "name": "模拟评审", "seed": 1, "rule": "{}"})
        c.insert("review_finding", {"review_id": review, "institution_id": inst,
                                    "item_id": "A1", "verdict": "符合"})
    other = _changed_copy(bureau, add)
    _raw(other, "UPDATE review_finding SET verdict = '大概符合'")
    return other


def _no_tables(bureau: Path) -> Path:
    other = bureau.with_name("空壳.tcmcounty")
    _raw(other, f"PRAGMA application_id = {schema.APPLICATION_ID}",
         f"PRAGMA user_version = {schema.current_version()}")
    return other


def _recursive_view(bureau: Path) -> Path:
    other = _changed_copy(bureau)
    _raw(other, "PRAGMA legacy_alter_table = ON",
         "ALTER TABLE institution RENAME TO institution_kept",
         "CREATE VIEW institution AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL "
         "SELECT i + 1 FROM n) SELECT institution_kept.* FROM n, institution_kept")
    return other


HOSTILE = {
    "crafted column name": (_crafted_column, "数据表“机构”的列与本程序的不一致"),
    "extra column": (_extra_column, "数据表“机构”的列与本程序的不一致"),
    "invalid tombstone": (_invalid_tombstone, "机构类型"),
    "deleted = 2": (_deleted_two, "删除标记"),
    "invalid finding": (_invalid_finding, "现场结论"),
    "no tables": (_no_tables, "缺少数据表"),
    "recursive view": (_recursive_view, "“机构”不是数据表"),
}


@pytest.mark.parametrize("build, reason", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_crafted_file_is_refused_and_neither_file_changes(
        bureau: Path, build: Callable[[Path], Path], reason: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    other = build(bureau)
    before = _digest(bureau), _digest(other)
    names = _names(bureau)
    assert main(["merge", str(bureau), str(other), "--yes"]) == 3
    err = capsys.readouterr().err
    assert f"文件“{other.name}”" in err and reason in err and "不能合并" in err
    assert "Traceback" not in err
    assert (_digest(bureau), _digest(other)) == before
    assert _names(bureau) == names
    assert sorted(p.name for p in bureau.parent.iterdir()) == sorted([bureau.name, other.name])


def test_the_crafted_column_does_not_rewrite_the_institutions(bureau: Path) -> None:
    other = _crafted_column(bureau)
    with CountyFile.open(bureau, daily_backup=False) as county:
        with pytest.raises(KnownError, match="列与本程序的不一致"):
            merge(county, other, confirmed=True)
        assert not county.rows("institution", "name LIKE '已被改写%'")
        assert county.count("institution") == 75


def test_an_evidence_file_over_the_limit_is_refused(bureau: Path, tmp_path: Path) -> None:
    other = _changed_copy(bureau)
    too_big = MAX_EVIDENCE_BYTES + 1
    _raw(other, f"INSERT INTO blob VALUES ('{'a' * 64}', zeroblob({too_big}))",
         "INSERT INTO evidence (id, rev, updated_at, updated_by, owner_table, filename, size, "
         f"sha256) VALUES ('e1', 'r1', '2024-01-01', 'x', 'indicator', '录像.mp4', 1, '{'a' * 64}')")
    before = _digest(bureau)
    with CountyFile.open(bureau, daily_backup=False) as county:
        with pytest.raises(KnownError, match="“录像.mp4”有 50.1 MB，超过每个文件 50 MB 的上限"):
            plan_merge(county, other)
        with pytest.raises(KnownError, match="超过每个文件 50 MB 的上限"):
            county.add_evidence("录像.mp4", bytes(too_big), owner_table="indicator")
    assert _digest(bureau) == before


def test_evidence_whose_bytes_do_not_match_its_hash_is_refused(bureau: Path) -> None:
    other = _changed_copy(bureau)
    _raw(other, f"INSERT INTO blob VALUES ('{'b' * 64}', x'00ff')")
    before = _digest(bureau), _digest(other)
    with CountyFile.open(bureau, daily_backup=False) as county:
        with pytest.raises(KnownError, match="校验值不符"):
            merge(county, other)
        assert county.count("institution", "code = 'TOWN-1'") == 0
    assert (_digest(bureau), _digest(other)) == before


def test_a_record_taking_another_ones_place_is_refused(bureau: Path) -> None:
    """Same institution and year under a new id: refused, not silently replaced."""
    def twin(c: CountyFile, inst: str) -> None:
        row = c.rows("institution_year", "institution_id = ?", (inst,))[0]
        values = {k: row[k] for k in ("institution_id", "year", "physicians", "tcm_physicians")}
        c.conn.execute("DELETE FROM institution_year WHERE id = ?", (row["id"],))
        c.insert("institution_year", values)

    other = _changed_copy(bureau, twin)
    with CountyFile.open(bureau, daily_backup=False) as county:
        years = county.count("institution_year")
        with pytest.raises(KnownError, match="相抵触"):
            merge(county, other)
        assert county.count("institution_year") == years


# ---- mass deletions ----------------------------------------------------------------------------

def _tombstones(county: CountyFile) -> int:
    return county.conn.execute("SELECT count(*) FROM activity WHERE deleted = 1").fetchone()[0]


def _tombstoning(bureau: Path, n: int) -> Path:
    def delete_many(c: CountyFile, _inst: str) -> None:
        with c.atomic():
            for row in c.rows("activity", order="id")[:n]:
                c.delete("activity", row["id"])
    return _changed_copy(bureau, delete_many)


def test_deleting_many_records_needs_yes(bureau: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = _tombstoning(bureau, 10)
    before = _digest(bureau)
    assert main(["merge", str(bureau), str(other)]) == 2
    out, err = capsys.readouterr()
    assert "删除 10 条" in out  # the preview is shown
    assert "将删除 10 条记录" in err and "--yes" in err
    assert _digest(bureau) == before
    assert main(["merge", str(bureau), str(other), "--yes"]) == 0
    with CountyFile.open(bureau, daily_backup=False) as county:
        assert _tombstones(county) == 10


def test_a_few_deletions_need_no_confirmation(bureau: Path) -> None:
    other = _tombstoning(bureau, 3)
    with CountyFile.open(bureau, daily_backup=False) as county:
        plan = merge(county, other)
        assert len(plan.deleted) == 3 and not plan.mass_deletion


def test_the_library_refuses_an_unconfirmed_mass_deletion(bureau: Path) -> None:
    other = _tombstoning(bureau, 6)
    with CountyFile.open(bureau, daily_backup=False) as county:
        with pytest.raises(KnownError, match="未经确认"):
            merge(county, other)
        assert _tombstones(county) == 0


# ---- township files ----------------------------------------------------------------------------

def test_an_interrupted_township_file_leaves_nothing_and_a_rerun_works(
        bureau: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    out = stick / "平场镇.tcmcounty"

    def power_cut(*_a: object) -> None:
        raise KeyboardInterrupt  # the last step before the rename

    with CountyFile.open(bureau, daily_backup=False) as county:
        monkeypatch.setattr(copies, "_verify_copy", power_cut)
        with pytest.raises(KeyboardInterrupt):
            write_township_file(county, "平场镇", out)
        assert list(stick.iterdir()) == []
        monkeypatch.undo()
        # what a SIGKILL leaves behind: the half-built file and its journal
        (stick / ".平场镇.tcmcounty.part").write_bytes(bureau.read_bytes())
        (stick / ".平场镇.tcmcounty.part-journal").write_bytes(b"half")
        write_township_file(county, "平场镇", out)
    assert [p.name for p in stick.iterdir()] == [out.name]
    with CountyFile.open(out, daily_backup=False) as town:
        assert {r["township"] for r in town.rows("institution")} == {"平场镇"}


def test_text_from_the_other_file_cannot_fake_preview_lines(bureau: Path) -> None:
    other = _changed_copy(bureau, lambda c, inst: c.update(
        "institution", inst, {"name": "某卫生院\n合并完成。"}))
    with CountyFile.open(bureau, daily_backup=False) as county:
        lines = list(plan_merge(county, other).lines())
    assert not any(line.startswith("合并完成") for line in lines)
    assert any("某卫生院 合并完成。" in line for line in lines)


def test_a_file_left_half_written_is_refused(bureau: Path) -> None:
    other = _changed_copy(bureau)
    other.with_name(other.name + "-journal").write_bytes(b"a journal SQLite would roll back")
    with CountyFile.open(bureau, daily_backup=False) as county:
        with pytest.raises(KnownError, match="上次写入没有完成"):
            plan_merge(county, other)


# ---- bounded work: a huge file is refused, not read for ever --------------------------------------

def test_a_table_with_too_many_records_is_refused(bureau: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    other = _changed_copy(bureau)
    monkeypatch.setattr(exchange, "MAX_ROWS", 1000)  # the demo has 1030 activities
    with CountyFile.open(bureau, daily_backup=False) as county:
        with pytest.raises(KnownError, match="数据表“宣传活动”的记录超过 1,000 条"):
            plan_merge(county, other)


def test_reading_that_takes_too_long_is_refused(bureau: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    other = _changed_copy(bureau)
    monkeypatch.setattr(exchange, "MAX_READ_SECONDS", 0.0)  # the time is up at once
    with CountyFile.open(bureau, daily_backup=False) as county:
        with pytest.raises(KnownError, match="读取超过 0 秒仍未完成"):
            plan_merge(county, other)
        assert county.count("institution", "code = 'TOWN-1'") == 0
