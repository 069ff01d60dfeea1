"""Moving county files between computers: verified copies, township files, and merging.

A merge matches records by id. Each file keeps in `revlog` every revision a record has had there
(or in any file merged into it), so "their revision is one I already have" means mine is newer,
and "neither has seen the other's" means both sides changed it: a conflict for the user.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
import contextlib
import os
from pathlib import Path
import sqlite3
from typing import Any

from . import schema
from .county import CountyFile, check_header, check_output_folder, refuse_to_replace
from .errors import FileExists, KnownError, os_error_text
from .fields import FIELDS, TABLE_LABELS, validate

PREFER = ("mine", "theirs", "newer")
# Settings that describe one copy, not the county: they never travel in a merge.
LOCAL_SETTINGS = {"township_scope"}


# ---- snapshots ------------------------------------------------------------------------------

def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform can open a directory (Windows)
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def snapshot_connection(conn: sqlite3.Connection, dest: Path) -> Path:
    """Copy an open database to `dest`: temp file beside it, flushed, checked, then renamed.

    A stick pulled out at any moment leaves either the old `dest` or the new one.
    """
    dest = Path(dest)
    tmp = dest.with_name(f".{dest.name}.part")
    try:
        tmp.unlink(missing_ok=True)
        target = sqlite3.connect(tmp, isolation_level=None)
        try:
            conn.backup(target)
            target.execute("PRAGMA journal_mode = DELETE")
        finally:
            target.close()
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        _verify_copy(tmp, dest.name, conn.execute("PRAGMA user_version").fetchone()[0])
        os.replace(tmp, dest)
        _fsync_dir(dest.parent)
    except OSError as exc:
        _discard(tmp)
        raise KnownError(f"无法写入“{dest}”：{os_error_text(exc)}。") from None
    except BaseException:
        _discard(tmp)
        raise
    return dest


def _discard(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


def _verify_copy(path: Path, shown: str, version_expected: int) -> None:
    version = check_header(path)
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        ok = conn.execute("PRAGMA integrity_check(1)").fetchone()[0]
    finally:
        conn.close()
    if ok != "ok" or version != version_expected:
        raise KnownError(f"副本“{shown}”写入后校验未通过，原文件未受影响。请换一个位置或U盘再试。")


def snapshot(county: CountyFile, dest: Path) -> Path:
    """另存副本: a verified copy of the county file for a USB stick."""
    dest = Path(dest)
    if dest.resolve() == county.path.resolve():
        raise KnownError("副本不能保存到原文件自身的位置。")
    refuse_to_replace(dest, same_county=county.county_id)
    return snapshot_connection(county.conn, dest)


# ---- township files ---------------------------------------------------------------------------

def write_township_file(county: CountyFile, town: str, dest: Path) -> Path:
    """A file for one township: its institutions and their facts and activities, the profiles.

    Records of other townships are left out of the copy entirely (not tombstoned), so merging
    it back touches only what the township could see.
    """
    towns = {r["township"] for r in county.rows("institution") if r["township"]}
    if town not in towns:
        raise KnownError(f"没有名为“{town}”的乡镇（街道）。已有：{'、'.join(sorted(towns))}。")
    dest = Path(dest)
    check_output_folder(dest)
    if dest.exists():
        raise FileExists(f"文件“{dest.name}”已存在，不会覆盖。请换一个文件名。")
    snapshot_connection(county.conn, dest)
    try:
        with CountyFile.open(dest, machine=county.machine) as copy:
            keep = "SELECT id FROM institution WHERE township = :town"
            with copy.atomic():
                c = copy.conn
                c.execute("PRAGMA defer_foreign_keys = ON")
                for table in ("activity", "institution_year", "check_review"):
                    c.execute(f"DELETE FROM {table} WHERE institution_id NOT IN ({keep})",
                              {"town": town})
                c.execute("""DELETE FROM evidence WHERE owner_table IN ('activity')
                             AND owner_id NOT IN (SELECT id FROM activity)""")
                c.execute("DELETE FROM evidence WHERE owner_table NOT IN ('activity')")
                c.execute(f"UPDATE institution SET parent_id = NULL "
                          f"WHERE parent_id NOT IN ({keep})", {"town": town})
                c.execute("DELETE FROM institution WHERE township IS NOT :town "
                          "OR township IS NULL", {"town": town})
                c.execute("DELETE FROM county_year")
                c.execute("DELETE FROM task")
                c.execute("DELETE FROM blob WHERE sha256 NOT IN (SELECT sha256 FROM evidence)")
                c.execute("DELETE FROM revlog WHERE record_id NOT IN ("
                          + " UNION ".join(f"SELECT id FROM {t}" for t in schema.SYNCED_TABLES)
                          + ")")
                c.execute("DELETE FROM audit")
                copy.upsert("setting", "township_scope", {"value": town}, audit=False)
                copy.log("生成乡镇填报文件", label=town)
            copy.conn.execute("VACUUM")
    except BaseException:
        dest.unlink(missing_ok=True)
        raise
    return dest


# ---- merging ----------------------------------------------------------------------------------

@dataclass
class Change:
    table: str
    record_id: str
    label: str
    fields: list[tuple[str, Any, Any]] = field(default_factory=list)  # (label, old, new)


@dataclass
class Conflict:
    table: str
    record_id: str
    label: str
    mine: dict[str, Any]
    theirs: dict[str, Any]
    fields: list[tuple[str, str, Any, Any]]  # (key, label, mine, theirs)
    choice: str | None = None  # "mine" | "theirs" once decided


@dataclass
class MergePlan:
    other: Path
    new: list[Change] = field(default_factory=list)
    updated: list[Change] = field(default_factory=list)
    deleted: list[Change] = field(default_factory=list)
    unchanged: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    # (table, theirs record) to write, and revisions learnt from the other file
    _writes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    _revs: list[tuple[str, str]] = field(default_factory=list)
    _audit: list[dict[str, Any]] = field(default_factory=list)
    _blobs: list[str] = field(default_factory=list)

    @property
    def unresolved(self) -> list[Conflict]:
        return [c for c in self.conflicts if c.choice is None]

    def decide_all(self, prefer: str) -> None:
        for c in self.conflicts:
            if prefer == "newer":
                c.choice = "theirs" if _newer(c.theirs, c.mine) else "mine"
            else:
                c.choice = prefer

    def summary(self) -> str:
        parts = [f"新增 {len(self.new)} 条", f"更新 {len(self.updated)} 条",
                 f"删除 {len(self.deleted)} 条", f"未变 {self.unchanged} 条",
                 f"冲突 {len(self.conflicts)} 条"]
        return "，".join(parts)

    def lines(self) -> Iterator[str]:
        """The preview in words: names, and old → new values."""
        yield f"合并“{self.other.name}”：{self.summary()}。"
        for title, items in (("新增", self.new), ("更新", self.updated), ("删除", self.deleted)):
            for ch in items:
                yield f"  {title} {TABLE_LABELS[ch.table]}：{ch.label}"
                for lab, old, new in ch.fields:
                    yield f"      {lab}：{_shown(old)} → {_shown(new)}"
        for c in self.conflicts:
            decided = {"mine": "（保留本文件）", "theirs": "（采用对方）"}.get(c.choice or "", "")
            yield f"  冲突 {TABLE_LABELS[c.table]}：{c.label}{decided}"
            for _key, lab, mine, theirs in c.fields:
                yield f"      {lab}：本文件 {_shown(mine)}，对方 {_shown(theirs)}"


def _shown(value: Any) -> str:
    return "（空）" if value is None or value == "" else str(value)


def _newer(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return (a["updated_at"], a["updated_by"], a["rev"]) > (b["updated_at"], b["updated_by"],
                                                          b["rev"])


def _data_keys(table: str) -> list[str]:
    return [f.name for f in FIELDS[table]] + ["deleted"]


def _label(table: str, rec: dict[str, Any], names: dict[str, str]) -> str:
    if table in ("institution_year", "activity", "check_review"):
        who = names.get(rec.get("institution_id") or "", "")
        what = {"institution_year": rec.get("year"),
                "check_review": f"{rec.get('year')}年数据核查"}.get(
            table, f"{rec.get('date')} {rec.get('title')}")
        return f"{who} {what}".strip()
    for key in ("name", "title", "text", "filename"):
        if rec.get(key):
            return str(rec[key])
    if table == "county_year":
        return f"全县 {rec.get('year')}年"
    return str(rec.get("id"))


def _open_other(path: Path) -> sqlite3.Connection:
    check_header(path)
    # Reading only: the other file (often on a USB stick) is never changed by a merge.
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        if conn.execute("PRAGMA quick_check(1)").fetchone()[0] != "ok":
            raise KnownError(f"文件“{path.name}”已损坏，不能合并。")
    except sqlite3.DatabaseError:
        conn.close()
        raise KnownError(f"文件“{path.name}”已损坏，不能合并。") from None
    if conn.execute("PRAGMA user_version").fetchone()[0] < schema.current_version():
        conn.close()
        raise KnownError(f"文件“{path.name}”是旧版本的数据文件，请先用本程序打开它一次（会自动升级），"
                         "再合并。")
    return conn


def plan_merge(county: CountyFile, other: Path) -> MergePlan:
    """Compare `other` with the open file; nothing is written."""
    other = Path(other)
    if other.resolve() == county.path.resolve():
        raise KnownError("不能把文件与它自己合并。")
    theirs_db = _open_other(other)
    try:
        return _plan(county, theirs_db, other)
    finally:
        theirs_db.close()


def _rows(conn: sqlite3.Connection, table: str) -> dict[str, dict[str, Any]]:
    return {r["id"]: dict(r) for r in conn.execute(f"SELECT * FROM {table}")}


def _revs(conn: sqlite3.Connection) -> set[tuple[str, str]]:
    return {(r[0], r[1]) for r in conn.execute("SELECT record_id, rev FROM revlog")}


def _plan(county: CountyFile, theirs_db: sqlite3.Connection, other: Path) -> MergePlan:
    mine_db = county.conn
    their_id = theirs_db.execute("SELECT value FROM setting WHERE id = 'county_id'").fetchone()
    if their_id is None or their_id[0] != county.county_id:
        name = theirs_db.execute("SELECT value FROM setting WHERE id = 'county_name'").fetchone()
        raise KnownError(f"“{other.name}”（{name[0] if name else '未知'}）与本文件不是同一个县的数据，"
                         "不能合并。")
    plan = MergePlan(other)
    my_revs, their_revs = _revs(mine_db), _revs(theirs_db)
    names = {r["id"]: r["name"] for r in mine_db.execute("SELECT id, name FROM institution")}
    names.update({r["id"]: r["name"] for r in theirs_db.execute("SELECT id, name FROM institution")})
    for table in schema.SYNCED_TABLES:
        mine, theirs = _rows(mine_db, table), _rows(theirs_db, table)
        keys = _data_keys(table)
        for rid, t in theirs.items():
            if table == "setting" and rid in LOCAL_SETTINGS:
                continue
            m = mine.get(rid)
            label = _label(table, t, names)
            if m is None:
                plan._writes.append((table, t))
                if not t["deleted"]:
                    plan.new.append(Change(table, rid, label))
                continue
            if m["rev"] == t["rev"] or (rid, t["rev"]) in my_revs:
                plan.unchanged += 1
                continue
            diff = [(k, m.get(k), t.get(k)) for k in keys if m.get(k) != t.get(k)]
            if (rid, m["rev"]) in their_revs or not diff:
                # Theirs descends from mine (or both say the same): take theirs.
                if not diff:
                    plan.unchanged += 1
                elif t["deleted"] and not m["deleted"]:
                    plan.deleted.append(Change(table, rid, label))
                else:
                    plan.updated.append(Change(table, rid, label, _labelled(table, diff)))
                if diff or _newer(t, m):
                    plan._writes.append((table, t))
                continue
            plan.conflicts.append(Conflict(
                table, rid, label, m, t,
                [(k, _field_label(table, k), a, b) for k, a, b in diff]))
    plan._revs = sorted(their_revs - my_revs)
    my_audit = {r[0] for r in mine_db.execute("SELECT id FROM audit")}
    plan._audit = [dict(r) for r in theirs_db.execute("SELECT * FROM audit")
                   if r["id"] not in my_audit]
    my_blobs = {r[0] for r in mine_db.execute("SELECT sha256 FROM blob")}
    plan._blobs = [r[0] for r in theirs_db.execute("SELECT sha256 FROM blob")
                   if r[0] not in my_blobs]
    return plan


def _field_label(table: str, key: str) -> str:
    if key == "deleted":
        return "是否已删除"
    return next(f.label for f in FIELDS[table] if f.name == key)


def _labelled(table: str, diff: list[tuple[str, Any, Any]]) -> list[tuple[str, Any, Any]]:
    return [(_field_label(table, k), a, b) for k, a, b in diff]


def apply_merge(county: CountyFile, plan: MergePlan) -> None:
    """Write a planned merge in one transaction, after a backup; conflicts must be decided."""
    from .backups import make_backup

    if plan.unresolved:
        raise KnownError(f"还有 {len(plan.unresolved)} 条冲突未决定，未合并任何内容。")
    make_backup(county.conn, county.path, "合并前")
    theirs_db = _open_other(plan.other)
    try:
        with county.atomic():
            conn = county.conn
            conn.execute("PRAGMA defer_foreign_keys = ON")
            for sha in plan._blobs:
                row = theirs_db.execute("SELECT data FROM blob WHERE sha256 = ?", (sha,)).fetchone()
                conn.execute("INSERT OR IGNORE INTO blob (sha256, data) VALUES (?, ?)",
                             (sha, row[0]))
            writes = list(plan._writes)
            for c in plan.conflicts:
                if c.choice == "theirs":
                    writes.append((c.table, c.theirs))
            for table, rec in writes:
                _write_record(conn, table, rec)
            conn.executemany("INSERT OR IGNORE INTO revlog (record_id, rev) VALUES (?, ?)",
                             plan._revs)
            for a in plan._audit:
                cols = list(a)
                conn.execute(f"INSERT OR IGNORE INTO audit ({', '.join(cols)}) "
                             f"VALUES ({', '.join('?' for _ in cols)})", [a[k] for k in cols])
            county.log("合并", label=plan.other.name, new=plan.summary())
    finally:
        theirs_db.close()


def _write_record(conn: sqlite3.Connection, table: str, rec: dict[str, Any]) -> None:
    if not rec["deleted"]:
        try:
            validate(table, rec)
        except KnownError as exc:
            raise KnownError(f"对方文件中的{TABLE_LABELS[table]}记录有误，未合并任何内容：{exc}") from None
    cols = list(rec)
    conn.execute(f"INSERT OR REPLACE INTO {table} ({', '.join(cols)}) "
                 f"VALUES ({', '.join('?' for _ in cols)})", [rec[k] for k in cols])
    conn.execute("INSERT OR IGNORE INTO revlog (record_id, rev) VALUES (?, ?)",
                 (rec["id"], rec["rev"]))


def merge(county: CountyFile, other: Path, prefer: str | None = None) -> MergePlan:
    """Plan, decide conflicts by `prefer`, and apply; KnownError if conflicts remain."""
    plan = plan_merge(county, other)
    if prefer is not None:
        plan.decide_all(prefer)
    apply_merge(county, plan)
    return plan
