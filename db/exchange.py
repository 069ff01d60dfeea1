"""Moving county files between computers: verified copies, township files, and merging.

A merge matches records by id. Each file keeps in `revlog` every revision a record has had there
(or in any file merged into it), so "their revision is one I already have" means mine is newer,
and "neither has seen the other's" means both sides changed it: a conflict for the user.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
import functools
import hashlib
from pathlib import Path
import sqlite3
import time
from typing import Any

from . import schema
from .copies import copy_into, snapshot_connection, write_beside
from .county import (MAX_EVIDENCE_BYTES, CountyFile, check_output_folder, evidence_too_big,
                     refuse_to_replace)
from .errors import FileExists, KnownError
from .header import check_header
from .fields import FIELDS, TABLE_LABELS, validate

PREFER = ("mine", "theirs", "newer")
# Settings that describe one copy, not the county: they never travel in a merge.
LOCAL_SETTINGS = {"township_scope"}
# A merge deleting more than this many records, or more than a tenth of one kind (at least two),
# is shown and must be confirmed: a file from a stranger's PC could tombstone all it carries.
MASS_DELETE = 5


# ---- snapshots ------------------------------------------------------------------------------

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
    # Built and reduced under a temporary name: an interrupted write never leaves `dest` holding
    # the whole county (it would open fine under the township's name).
    write_beside(dest, lambda tmp: _build_township(county, town, tmp), county.conn)
    return dest


def _build_township(county: CountyFile, town: str, tmp: Path) -> None:
    copy_into(county.conn, tmp)
    with CountyFile.open(tmp, machine=county.machine, daily_backup=False) as copy:
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
        others = copy.conn.execute("SELECT count(*) FROM institution WHERE township IS NOT ?",
                                   (town,)).fetchone()[0]
    if others:
        raise KnownError(f"乡镇填报文件“{tmp.name}”写入后校验未通过（仍有其他乡镇的机构），未写出。")


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
    _live: dict[str, int] = field(default_factory=dict)  # my records per table, not deleted

    @property
    def unresolved(self) -> list[Conflict]:
        return [c for c in self.conflicts if c.choice is None]

    @property
    def mass_deletion(self) -> str:
        """Why this merge needs the user's confirmation before it deletes, or ""."""
        per_table: dict[str, int] = {}
        for ch in self.deleted:
            per_table[ch.table] = per_table.get(ch.table, 0) + 1
        many = [t for t, n in per_table.items() if n >= 2 and n * 10 > self._live.get(t, 0)]
        if len(self.deleted) <= MASS_DELETE and not many:
            return ""
        detail = "、".join(f"{TABLE_LABELS[t]} {n} 条" for t, n in per_table.items())
        return f"此次合并将删除 {len(self.deleted)} 条记录（{detail}），"

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
                yield f"  {title} {TABLE_LABELS[ch.table]}：{_shown(ch.label)}"
                for lab, old, new in ch.fields:
                    yield f"      {lab}：{_shown(old)} → {_shown(new)}"
        for c in self.conflicts:
            decided = {"mine": "（保留本文件）", "theirs": "（采用对方）"}.get(c.choice or "", "")
            yield f"  冲突 {TABLE_LABELS[c.table]}：{_shown(c.label)}{decided}"
            for _key, lab, mine, theirs in c.fields:
                yield f"      {lab}：本文件 {_shown(mine)}，对方 {_shown(theirs)}"


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "（空）"
    # One value, one line: text from the other file cannot fake further lines of the preview.
    return " ".join(str(value).splitlines())


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


# ---- reading the other file: it comes from a stranger's PC, so it is read as hostile ----------

# Bounds on the work a merge does for the other file, so a crafted file cannot hang the program.
MAX_ROWS = 1_000_000  # per table
MAX_READ_SECONDS = 120.0

_SYNC_TEXT = ("id", "rev", "updated_at", "updated_by")
_TABLE_WORDS = {**TABLE_LABELS, "blob": "佐证材料文件", "revlog": "修订记录", "audit": "修改记录"}


def _refusal(other: Path, reason: str) -> KnownError:
    return KnownError(f"文件“{other.name}”{reason}，不能合并；两个文件都没有改动。")


@functools.cache
def _our_columns() -> dict[str, dict[str, tuple[str, int, int]]]:
    """Every table's columns in the schema this program writes: name → (type, notnull, pk)."""
    conn = sqlite3.connect(":memory:")
    try:
        for step in schema.MIGRATIONS:
            if isinstance(step, str):
                conn.executescript(step)
            else:
                step(conn)
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        return {t: {r[1]: (r[2].upper(), r[3], r[5])
                    for r in conn.execute("SELECT * FROM pragma_table_info(?)", (t,))}
                for t in tables}
    finally:
        conn.close()


def _columns(table: str) -> list[str]:
    return list(_our_columns()[table])


def _select(table: str, where: str = "") -> str:
    """A query built from OUR schema only: the other file's names never reach SQL text."""
    cols = ", ".join(f'"{c}"' for c in _columns(table))
    return f'SELECT {cols} FROM "{table}"' + (f" WHERE {where}" if where else "")


class _Other:
    """The other file, open read-only: its triggers and views never run, and every read is
    bounded in time and checked against our schema."""

    def __init__(self, path: Path):
        self.path = path
        check_header(path)
        if path.with_name(path.name + "-journal").exists():
            raise KnownError(f"文件“{path.name}”上次写入没有完成（旁边有未处理的日志文件），不能合并。"
                             "请先用本程序打开它一次，再来合并。")
        # immutable: nothing (no lock, no journal) is ever written beside a file on a stick.
        self.conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
        self.conn.row_factory = sqlite3.Row
        self._deadline = time.monotonic() + MAX_READ_SECONDS
        self.conn.set_progress_handler(self._too_long, 10_000)
        try:
            self.read("PRAGMA trusted_schema = OFF")
            self.read("PRAGMA query_only = ON")
            if self.read("PRAGMA quick_check(1)")[0][0] != "ok":
                raise _refusal(path, "已损坏")
            self._check_schema()
        except BaseException:
            self.close()
            raise

    def _too_long(self) -> int:
        return 1 if time.monotonic() > self._deadline else 0

    def close(self) -> None:
        self.conn.close()

    def read(self, sql: str, params: Any = ()) -> list[sqlite3.Row]:
        try:
            return self.conn.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            if "interrupt" in str(exc):
                raise _refusal(self.path, f"读取超过 {MAX_READ_SECONDS:.0f} 秒仍未完成") from None
            raise _refusal(self.path, "的内容无法读取（文件已损坏或不是本程序写出的）") from None
        except sqlite3.DatabaseError:
            raise _refusal(self.path, "的内容无法读取（文件已损坏或不是本程序写出的）") from None

    def _check_schema(self) -> None:
        """Each table we read must be a real table with exactly our columns and types."""
        if self.read("PRAGMA user_version")[0][0] < schema.current_version():
            raise KnownError(f"文件“{self.path.name}”是旧版本的数据文件，请先用本程序打开它一次"
                             "（会自动升级），再合并。")
        kinds = {r[0]: r[1] for r in self.read("SELECT name, type FROM sqlite_master")}
        for table, ours in _our_columns().items():
            if kinds.get(table) != "table":
                words = _TABLE_WORDS.get(table, table)
                raise _refusal(self.path, f"缺少数据表“{words}”" if table not in kinds
                               else f"中的“{words}”不是数据表")
            theirs = {r[1]: (str(r[2]).upper(), r[3], r[5]) for r in
                      self.read("SELECT * FROM pragma_table_info(?)", (table,))}
            if theirs != ours:
                raise _refusal(self.path, f"中数据表“{_TABLE_WORDS.get(table, table)}”的列与本程序的"
                               "不一致")
            if self.read(f'SELECT count(*) FROM "{table}"')[0][0] > MAX_ROWS:
                raise _refusal(self.path, f"中数据表“{_TABLE_WORDS.get(table, table)}”的记录超过 "
                               f"{MAX_ROWS} 条")

    def rows(self, table: str) -> dict[str, dict[str, Any]]:
        out = {}
        for r in self.read(_select(table)):
            rec = dict(r)
            _check_sync(self.path, table, rec)
            out[rec["id"]] = rec
        return out


def _check_sync(other: Path, table: str, rec: dict[str, Any]) -> None:
    """The bookkeeping columns a merge decides by must be what this program writes."""
    what = TABLE_LABELS[table]
    for key in _SYNC_TEXT:
        if not isinstance(rec[key], str) or not rec[key]:
            raise _refusal(other, f"中有一条{what}记录的记录标识无效")
    if rec["deleted"] not in (0, 1) or not isinstance(rec["deleted"], int):
        raise _refusal(other, f"中{what}“{_shown(rec['id'])}”的删除标记无效（{rec['deleted']!r}）")


def _check_record(other: Path, table: str, rec: dict[str, Any]) -> None:
    """An incoming record (tombstones too) must pass the checks a typed one does."""
    try:
        validate(table, rec)
    except KnownError as exc:
        raise _refusal(other, f"中的{TABLE_LABELS[table]}记录有误（{exc}）") from None
    if table == "evidence" and (rec["size"] or 0) > MAX_EVIDENCE_BYTES:
        raise _refusal(other, "中的" + evidence_too_big(rec["filename"], rec["size"]))


def _open_other(path: Path) -> _Other:
    return _Other(path)


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
    return {r["id"]: dict(r) for r in conn.execute(_select(table))}


def _revs(rows: list[Any]) -> set[tuple[str, str]]:
    return {(r[0], r[1]) for r in rows}


def _plan(county: CountyFile, theirs_db: _Other, other: Path) -> MergePlan:
    mine_db = county.conn
    their_id = theirs_db.read("SELECT value FROM setting WHERE id = 'county_id'")
    if not their_id or their_id[0][0] != county.county_id:
        name = theirs_db.read("SELECT value FROM setting WHERE id = 'county_name'")
        raise KnownError(f"“{other.name}”（{name[0][0] if name else '未知'}）与本文件不是同一个县的数据，"
                         "不能合并。")
    plan = MergePlan(other)
    my_revs = _revs(mine_db.execute("SELECT record_id, rev FROM revlog").fetchall())
    their_revs = _revs(theirs_db.read("SELECT record_id, rev FROM revlog"))
    if any(not isinstance(a, str) or not isinstance(b, str) for a, b in their_revs):
        raise _refusal(other, "中的修订记录无效")
    names = {r["id"]: r["name"] for r in mine_db.execute("SELECT id, name FROM institution")}
    names.update({r["id"]: str(r["name"]) for r in theirs_db.read("SELECT id, name FROM institution")})
    for table in schema.SYNCED_TABLES:
        mine, theirs = _rows(mine_db, table), theirs_db.rows(table)
        plan._live[table] = sum(1 for m in mine.values() if not m["deleted"])
        keys = _data_keys(table)
        for rid, t in theirs.items():
            if table == "setting" and rid in LOCAL_SETTINGS:
                continue
            m = mine.get(rid)
            label = _label(table, t, names)
            if m is None:
                _check_record(other, table, t)
                plan._writes.append((table, t))
                if not t["deleted"]:
                    plan.new.append(Change(table, rid, label))
                continue
            if m["rev"] == t["rev"] or (rid, t["rev"]) in my_revs:
                plan.unchanged += 1
                continue
            _check_record(other, table, t)
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
    plan._audit = [_checked_audit(other, dict(r)) for r in theirs_db.read(_select("audit"))
                   if r["id"] not in my_audit]
    my_blobs = {r[0] for r in mine_db.execute("SELECT sha256 FROM blob")}
    for sha, size in theirs_db.read("SELECT sha256, length(data) FROM blob"):
        if not isinstance(sha, str) or len(sha) != 64:
            raise _refusal(other, "中的佐证材料校验值无效")
        if size > MAX_EVIDENCE_BYTES:
            named = theirs_db.read("SELECT filename FROM evidence WHERE sha256 = ?", (sha,))
            shown = _shown(named[0][0]) if named else f"{sha[:8]}…"
            raise _refusal(other, "中的" + evidence_too_big(shown, size))
        if sha not in my_blobs:
            plan._blobs.append(sha)
    return plan


def _checked_audit(other: Path, rec: dict[str, Any]) -> dict[str, Any]:
    if not all(v is None or isinstance(v, str) for v in rec.values()) or not all(
            rec[k] for k in ("id", "at", "machine", "action")):
        raise _refusal(other, "中的修改记录（审计日志）无效")
    return rec


def _field_label(table: str, key: str) -> str:
    if key == "deleted":
        return "是否已删除"
    return next(f.label for f in FIELDS[table] if f.name == key)


def _labelled(table: str, diff: list[tuple[str, Any, Any]]) -> list[tuple[str, Any, Any]]:
    return [(_field_label(table, k), a, b) for k, a, b in diff]


def apply_merge(county: CountyFile, plan: MergePlan, *, confirmed: bool = False) -> None:
    """Write a planned merge in one transaction, after a backup; conflicts must be decided,
    and a merge that deletes many records must be `confirmed` by the user."""
    from .backups import make_backup

    if plan.unresolved:
        raise KnownError(f"还有 {len(plan.unresolved)} 条冲突未决定，未合并任何内容。")
    if plan.mass_deletion and not confirmed:
        raise KnownError(f"{plan.mass_deletion}未经确认，未合并任何内容。")
    theirs_db = _open_other(plan.other)
    try:
        make_backup(county.conn, county.path, "合并前")
        _write_merge(county, plan, theirs_db)
    finally:
        theirs_db.close()


def _blob(theirs_db: _Other, sha: str) -> tuple[str, bytes]:
    rows = theirs_db.read("SELECT data FROM blob WHERE sha256 = ?", (sha,))
    data = rows[0][0] if rows else None
    if not isinstance(data, bytes) or len(data) > MAX_EVIDENCE_BYTES \
            or hashlib.sha256(data).hexdigest() != sha:
        raise _refusal(theirs_db.path, "中的佐证材料与其校验值不符")
    return sha, data


def _write_merge(county: CountyFile, plan: MergePlan, theirs_db: _Other) -> None:
    try:
        with county.atomic():
            conn = county.conn
            conn.execute("PRAGMA defer_foreign_keys = ON")
            for sha in plan._blobs:  # one at a time: at most one evidence file in memory
                conn.execute("INSERT OR IGNORE INTO blob (sha256, data) VALUES (?, ?)",
                             _blob(theirs_db, sha))
            writes = list(plan._writes)
            for c in plan.conflicts:
                if c.choice == "theirs":
                    writes.append((c.table, c.theirs))
            for table, rec in writes:
                _write_record(conn, table, rec)
            conn.executemany("INSERT OR IGNORE INTO revlog (record_id, rev) VALUES (?, ?)",
                             plan._revs)
            cols = _columns("audit")
            conn.executemany(f"INSERT OR IGNORE INTO audit ({', '.join(cols)}) "
                             f"VALUES ({', '.join('?' for _ in cols)})",
                             [[a[k] for k in cols] for a in plan._audit])
            if conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
                raise _refusal(plan.other, "中有记录指向不存在的机构或材料")
            county.log("合并", label=plan.other.name, new=plan.summary())
    except sqlite3.IntegrityError:
        raise _refusal(plan.other, "中有记录与本文件的记录相抵触（如同一机构同一年度有两条）") from None


def _write_record(conn: sqlite3.Connection, table: str, rec: dict[str, Any]) -> None:
    # Statement text comes from our schema alone; an existing record is updated in place, so a
    # record of another id is never silently replaced through a unique index.
    cols = _columns(table)
    conn.execute(f"INSERT INTO {table} ({', '.join(cols)}) "
                 f"VALUES ({', '.join('?' for _ in cols)}) ON CONFLICT(id) DO UPDATE SET "
                 + ", ".join(f"{c} = excluded.{c}" for c in cols if c != "id"),
                 [rec[k] for k in cols])
    conn.execute("INSERT OR IGNORE INTO revlog (record_id, rev) VALUES (?, ?)",
                 (rec["id"], rec["rev"]))


def merge(county: CountyFile, other: Path, prefer: str | None = None, *,
          confirmed: bool = False) -> MergePlan:
    """Plan, decide conflicts by `prefer`, and apply; KnownError if conflicts remain."""
    plan = plan_merge(county, other)
    if prefer is not None:
        plan.decide_all(prefer)
    apply_merge(county, plan, confirmed=confirmed)
    return plan
