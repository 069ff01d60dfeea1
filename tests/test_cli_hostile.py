"""Every command against county files crafted or damaged behind the program's back: one Chinese
sentence naming the file, exit 3, the file byte for byte as it was, and never a traceback or a
hang (each run is given a bound; a hang fails the test instead of stopping the suite)."""

from __future__ import annotations

import contextlib
import io
import random
import shutil
import threading
from pathlib import Path

import pytest

from desktop.cli import main
from tests.crafted import CRAFTED, crafted_copy, digest
from tests.fixtures import make_fixture

# A refused file is refused at once; a run this long means the program hung on it.
BOUND_S = 60.0

COMMANDS = {
    "evaluate": ["evaluate", "{file}", "--year", "2024", "--json"],
    "report": ["report", "{file}", "--year", "2024", "-o", "{out}/报告.pdf"],
    "report --final": ["report", "{file}", "--year", "2024", "-o", "{out}/报告.pdf", "--final"],
    "new-year": ["new-year", "{file}", "--year", "2025"],
    "import-excel": ["import-excel", "{file}", "{out}/表.xlsx"],
    "export-excel": ["export-excel", "{file}", "-o", "{out}/导出.xlsx", "--year", "2024"],
    "template": ["template", "{file}", "-o", "{out}/模板.xlsx", "--year", "2024"],
    "standard-import": ["standard-import", "{file}", "--reset"],
    "standard-export": ["standard-export", "{file}", "-o", "{out}/评分表.xlsx"],
    "snapshot": ["snapshot", "{file}", "{out}/副本.tcmcounty"],
    "merge into it": ["merge", "{file}", "{good}", "--yes"],
    "merge it in": ["merge", "{good}", "{file}", "--yes"],
    "merge it in --dry-run": ["merge", "{good}", "{file}", "--dry-run"],
    "township": ["township", "{file}", "--town", "平场镇", "-o", "{out}/乡镇.tcmcounty"],
    "review-sample": ["review-sample", "{file}", "--year", "2024", "--seed", "7", "--save"],
    "review-checklist": ["review-checklist", "{file}", "--year", "2024", "-o", "{out}/核查表.pdf"],
    "review-export": ["review-export", "{file}", "--year", "2024", "-o", "{out}/评审.xlsx"],
    "rollup": ["rollup", "{folder}", "--year", "2024"],
}


def run_bounded(argv: list[str]) -> tuple[int | str, str]:
    """The command's exit code (or "hang") and what it said on stderr and stdout."""
    result: dict[str, object] = {}
    out, err = io.StringIO(), io.StringIO()

    def work() -> None:
        try:
            result["code"] = main(argv)
        except BaseException as exc:  # noqa: BLE001 - a traceback is what the test looks for
            result["code"] = f"Traceback: {exc!r}"

    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        worker = threading.Thread(target=work, daemon=True)
        worker.start()
        worker.join(BOUND_S)
    return result.get("code", "hang"), err.getvalue() + out.getvalue()


@pytest.fixture(scope="module")
def good_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small county file: one record of every kind (the fixture script's county)."""
    return make_fixture.main(tmp_path_factory.mktemp("good") / "固定县.tcmcounty")


@pytest.fixture(scope="module")
def crafted_masters(good_master: Path, tmp_path_factory: pytest.TempPathFactory
                    ) -> dict[str, Path]:
    """Each crafted file made once; every test works on a copy of it."""
    folder = tmp_path_factory.mktemp("crafted")
    return {name: crafted_copy(good_master, folder / str(n), name)
            for n, name in enumerate(CRAFTED)}


# Every command meets the kinds the issue found hanging or running code (a view over an endless
# recursive CTE, triggers, a generated column, a flipped bit in the schema); every kind meets the
# three ways a file is read (as the county's own, as the other file of a merge, in a folder).
EVERY_COMMAND = ["institution as endless view", "review as endless view", "endless trigger",
                 "trigger adding physicians", "generated column", "CHECK clause not UTF-8"]
EVERY_KIND = ["evaluate", "merge it in", "rollup"]
CASES = sorted({(name, command) for name in EVERY_COMMAND for command in COMMANDS}
               | {(name, command) for name in CRAFTED for command in EVERY_KIND})


@pytest.mark.parametrize("name, command", CASES)
def test_every_command_refuses_a_crafted_county_file(good_master: Path,
                                                     crafted_masters: dict[str, Path],
                                                     tmp_path: Path, name: str,
                                                     command: str) -> None:
    folder = tmp_path / "stick"
    folder.mkdir()
    path = Path(shutil.copyfile(crafted_masters[name], folder / "县.tcmcounty"))
    good = Path(shutil.copyfile(good_master, tmp_path / "县里.tcmcounty"))
    out = tmp_path / "out"
    out.mkdir()
    before = digest(path), digest(good)
    argv = [a.format(file=path, good=good, out=out, folder=folder) for a in COMMANDS[command]]
    code, said = run_bounded(argv)
    assert code == 3, said
    assert f"“{path.name}”" in said and CRAFTED[name][1] in said, said
    assert "Traceback" not in said, said
    assert (digest(path), digest(good)) == before
    assert list(out.iterdir()) == []
    assert sorted(p.name for p in folder.iterdir()) == [path.name]


def test_a_folder_with_a_crafted_file_sums_up_the_others(good_master: Path,
                                                        crafted_masters: dict[str, Path],
                                                        tmp_path: Path) -> None:
    folder = tmp_path / "各县"
    folder.mkdir()
    shutil.copyfile(crafted_masters["endless trigger"], folder / "坏.tcmcounty")
    shutil.copyfile(good_master, folder / "好.tcmcounty")
    code, said = run_bounded(["rollup", str(folder), "--year", "2024"])
    assert code == 0, said
    assert "读取 1 个县" in said and "跳过 坏.tcmcounty：" in said and "触发器“forever”" in said


# ---- one flipped bit, over every page of a small file ------------------------------------------

PAGE = 4096


def _live_offset(data: bytes, page: int, rng: random.Random) -> int:
    """A place in the page where a flip changes something SQLite reads: on even pages the
    page's header and cell pointers, on odd ones its cell content (anywhere, in a page that is
    not a b-tree page)."""
    start = page * PAGE
    head = 100 if page == 0 else 0
    kind = data[start + head]
    if kind not in (2, 5, 10, 13):  # an overflow or freelist page
        return start + rng.randrange(PAGE)
    cells = int.from_bytes(data[start + head + 3:start + head + 5], "big")
    header = head + (12 if kind in (2, 5) else 8) + 2 * cells
    content = int.from_bytes(data[start + head + 5:start + head + 7], "big") or PAGE
    content = min(max(content, header), PAGE - 1)
    if page % 2 == 0:
        return start + rng.randrange(header)
    return start + content + rng.randrange(PAGE - content)


@pytest.mark.slow  # about 100 runs of a command: 10–14 s on a busy 2-core machine
def test_one_flipped_bit_anywhere_never_gives_a_traceback(tmp_path: Path) -> None:
    """Every page of a small county file (one record of every kind), one bit flipped in what
    SQLite reads of it: evaluate reads the file as the county's own, merge as the other file,
    rollup among others. Each either works or refuses in one sentence (exit 3)."""
    good = make_fixture.main(tmp_path / "固定县.tcmcounty")
    data = good.read_bytes()
    rng = random.Random(25)
    folder = tmp_path / "各县"
    folder.mkdir()
    bureau = tmp_path / "县里.tcmcounty"
    refused = 0
    pages = len(data) // PAGE
    for page in range(pages):
        at = _live_offset(data, page, rng)
        flipped = bytearray(data)
        flipped[at] ^= 1 << rng.randrange(8)
        path = folder / f"p{page:03d}-{at}.tcmcounty"
        path.write_bytes(bytes(flipped))
        shutil.copyfile(good, bureau)
        for argv in (["evaluate", str(path), "--year", "2024", "--json"],
                     ["merge", str(bureau), str(path), "--dry-run", "--yes"]):
            code, said = run_bounded(argv)
            assert code in (0, 3), (page, at, argv[0], said)
            assert "Traceback" not in said and "Error" not in said, (page, at, said)
            refused += code == 3
    code, said = run_bounded(["rollup", str(folder), "--year", "2024"])
    assert code in (0, 3) and "Traceback" not in said, said
    assert pages >= 40 and refused >= pages // 2  # the flips did reach what SQLite reads


def test_a_review_whose_stored_rule_cannot_be_read_is_named(tmp_path: Path) -> None:
    """Text inside a record can be damaged past every check (SQLite keeps no checksums): the
    commands that read it say once which file and which 模拟评审, and go on with the default
    rule shown in its place (the draw is stored apart and stays as drawn)."""
    from db.county import CountyFile
    from reports.judge import review as rv
    from tests.crafted import raw

    path = make_fixture.main(tmp_path / "固定县.tcmcounty")
    raw(path, "UPDATE review SET rule = '{\"hospitals\": 1, \"centres\"'")
    with CountyFile.open(path, daily_backup=False) as county:
        name = rv.reviews(county)[0]["name"]
    for argv in (["review-export", str(path), "--year", "2023", "-o", str(tmp_path / "评审.xlsx")],
                 ["review-checklist", str(path), "--year", "2023", "-o", str(tmp_path / "表.pdf")]):
        code, said = run_bounded(argv)
        assert code == 0 and "Traceback" not in said, said
        assert said.count(f"文件“{path.name}”中模拟评审“{name}”的抽样规则已损坏") == 1, said
        assert "现按默认规则显示" in said
        assert Path(argv[-1]).stat().st_size > 0
