"""Merges, whatever two copies did: idempotent, order-independent without conflicts, lossless."""

import itertools
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db.county import CountyFile
from db.exchange import merge, plan_merge
from db.schema import SYNCED_TABLES

INSTITUTIONS = 3

# One edit a copy can make: (what, which institution, a number)
edits = st.lists(
    st.tuples(st.sampled_from(["code", "facts", "activity", "delete_activity", "delete_inst"]),
              st.integers(0, INSTITUTIONS - 1), st.integers(0, 50)),
    max_size=6)


def _base(folder: Path) -> tuple[Path, list[str]]:
    path = folder / "base.tcmcounty"
    with CountyFile.create(path, "测试县") as county:
        ids = [county.insert("institution", {"name": f"第{i}镇卫生院", "type": "township_hc"})
               for i in range(INSTITUTIONS)]
        county.insert("activity", {"institution_id": ids[0], "date": "2024-01-01",
                                   "kind": "义诊", "title": "原有活动"})
    return path, ids


def _apply(path: Path, machine: str, ops: list[tuple[str, int, int]], ids: list[str]) -> None:
    tick = itertools.count()
    with CountyFile.open(path, machine=machine * 32, daily_backup=False,
                         clock=lambda: f"2025-01-01T00:00:{next(tick) % 60:02d}.000000Z") as c:
        for what, i, n in ops:
            inst = ids[i]
            if c.get("institution", inst) is None:
                continue
            if what == "code":
                c.update("institution", inst, {"code": f"{machine}{n}"})
            elif what == "facts":
                c.set_institution_year(inst, 2024, {"physicians": n + 10, "tcm_physicians": n})
            elif what == "activity":
                c.insert("activity", {"institution_id": inst, "date": "2024-06-01",
                                      "kind": "健康讲座", "title": f"{machine}讲座{n}"})
            elif what == "delete_activity":
                acts = c.rows("activity", "institution_id = ?", (inst,), order="id")
                if acts:
                    c.delete("activity", acts[n % len(acts)]["id"])
            elif what == "delete_inst":
                c.delete("institution", inst)


def _state(path: Path) -> dict[str, list[tuple]]:
    with CountyFile.open(path, daily_backup=False) as c:
        return {t: sorted(tuple(r) for r in c.conn.execute(
            f"SELECT * FROM {t} WHERE id NOT IN ('township_scope')"))
            for t in SYNCED_TABLES}


def _ids(path: Path) -> dict[str, set[str]]:
    with CountyFile.open(path, daily_backup=False) as c:
        return {t: {r[0] for r in c.conn.execute(f"SELECT id FROM {t}")} for t in SYNCED_TABLES}


def _merge(into: Path, other: Path, prefer: str | None = "newer") -> None:
    with CountyFile.open(into, daily_backup=False) as c:
        merge(c, other, prefer=prefer, confirmed=True)  # deletions are the point here


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mine=edits, theirs=edits)
def test_merge_is_idempotent_and_loses_nothing(mine: list, theirs: list) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base, ids = _base(Path(tmp))
        a, b = base.with_name("a.tcmcounty"), base.with_name("b.tcmcounty")
        shutil.copyfile(base, a)
        shutil.copyfile(base, b)
        _apply(a, "a", mine, ids)
        _apply(b, "b", theirs, ids)
        before_a, before_b = _ids(a), _ids(b)
        _merge(a, b)
        after = _ids(a)
        for table in SYNCED_TABLES:
            # Every record of either side is there, once (tombstones included).
            assert after[table] == before_a[table] | before_b[table]
        once = _state(a)
        _merge(a, b)
        assert _state(a) == once
        with CountyFile.open(a, daily_backup=False) as c:
            assert not plan_merge(c, b).conflicts


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mine=edits, theirs=edits)
def test_without_conflicts_the_order_does_not_matter(mine: list, theirs: list) -> None:
    # Each side only touches institutions the other leaves alone: no conflicts can arise.
    mine = [(w, 0, n) for w, _i, n in mine]
    theirs = [(w, 1 + i % (INSTITUTIONS - 1), n) for w, i, n in theirs]
    with tempfile.TemporaryDirectory() as tmp:
        base, ids = _base(Path(tmp))
        a, b = base.with_name("a.tcmcounty"), base.with_name("b.tcmcounty")
        shutil.copyfile(base, a)
        shutil.copyfile(base, b)
        _apply(a, "a", mine, ids)
        _apply(b, "b", theirs, ids)
        a2, b2 = base.with_name("a2.tcmcounty"), base.with_name("b2.tcmcounty")
        shutil.copyfile(a, a2)
        shutil.copyfile(b, b2)
        _merge(a2, b, prefer=None)  # B into A
        _merge(b2, a, prefer=None)  # A into B
        assert _state(a2) == _state(b2)
