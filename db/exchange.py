"""Moving county files between computers: verified copies, township files, and merging.

A merge matches records by id. Each file keeps in `revlog` every revision a record has had there
(or in any file merged into it), so "their revision is one I already have" means mine is newer,
and "neither has seen the other's" means both sides changed it: a conflict for the user.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
import functools
import hashlib
import json
from pathlib import Path
import sqlite3
import tempfile
import time
from typing import Any

from . import merge_scope, naming, schema, stored, structure, township, vocab
from .copies import copy_into, snapshot_connection, write_beside
from .county import (MAX_EVIDENCE_BYTES, CountyFile, check_output_folder, evidence_too_big,
                     refuse_to_replace)
from .errors import FileExists, KnownError
from .given import same_file
from .header import check_header
from .fields import (FIELDS, TABLE_LABELS, TEXT_MAX, InstitutionKeys, check_applies,
                     duplicate_among, same_key, shown, validate)
from .townships import all_townships

PREFER = ("mine", "theirs", "newer")
# Settings that describe one copy, not the county: they never travel in a merge.
LOCAL_SETTINGS = {"township_scope"}
# A merge deleting more than this many records, or more than a tenth of one kind (at least two),
# is shown and must be confirmed: a file from a stranger's PC could tombstone all it carries.
MASS_DELETE = 5
# The 修改记录 line a township's file starts with, in it and in the county's file alike.
EXPORTED = "生成乡镇填报文件"


# ---- snapshots ------------------------------------------------------------------------------

def snapshot(county: CountyFile, dest: Path) -> Path:
    """另存副本: a verified copy of the county file for a USB stick."""
    dest = Path(dest)
    if same_file(dest, county.path):
        raise KnownError("副本不能保存到原文件自身的位置。")
    refuse_to_replace(dest, same_county=county.county_id)
    return snapshot_connection(county.conn, dest)


# ---- township files ---------------------------------------------------------------------------

def write_township_file(county: CountyFile, town: str, dest: Path) -> Path:
    """A file for one township: its institutions and their facts and activities, the profiles.

    Records of other townships are left out of the copy entirely (not tombstoned), so merging
    it back touches only what the township could see.
    """
    towns = all_townships(county)
    if town not in towns:
        raise KnownError(f"没有名为“{town}”的乡镇（街道）。已有：{'、'.join(towns)}。")
    dest = Path(dest)
    check_output_folder(dest)
    if dest.exists():
        raise FileExists(f"文件“{dest.name}”已存在，不会覆盖。请换一个文件名。")
    # Built and reduced under a temporary name: an interrupted write never leaves `dest` holding
    # the whole county (it would open fine under the township's name).
    birth = {"line_id": county.new_id(), "at": county.clock()}
    write_beside(dest, lambda tmp: _build_township(county, town, tmp, birth), county.conn)
    if not county.read_only:
        # The same line in the county's own 修改记录: proof, when the file comes back, that
        # this county made it and when (what db.exchange._one_sided reads changes since).
        with county.atomic():
            county.log(EXPORTED, label=town, **birth)
    return dest


def _build_township(county: CountyFile, town: str, tmp: Path, birth: dict[str, str]) -> None:
    copy_into(county.conn, tmp)
    with CountyFile.open(tmp, machine=county.machine, daily_backup=False) as copy:
        # Which institutions are the township's (in any year: db.township decides, for this and
        # the merge); each year's views in the file show that year's.
        ids = {"ids": json.dumps(sorted(township.institutions_of(copy.conn, town)))}
        keep = "SELECT value FROM json_each(:ids)"
        with copy.atomic():
            c = copy.conn
            c.execute("PRAGMA defer_foreign_keys = ON")
            # A township fills in its own institutions, and the 模拟评审 findings for them.
            for table in ("activity", "institution_year", "institution_township", "check_review",
                          "review_inst", "review_finding"):
                c.execute(f"DELETE FROM {table} WHERE institution_id NOT IN ({keep})", ids)
            # 达标路径 arrangements at its own institutions; the county's own actions stay home.
            c.execute(f"DELETE FROM planned_action WHERE institution_id IS NULL "
                      f"OR institution_id NOT IN ({keep})", ids)
            c.execute("""DELETE FROM evidence WHERE owner_table = 'activity'
                         AND owner_id NOT IN (SELECT id FROM activity)""")
            c.execute("""DELETE FROM evidence WHERE owner_table = 'review_finding'
                         AND owner_id NOT IN (SELECT id FROM review_finding)""")
            c.execute("DELETE FROM evidence WHERE owner_table NOT IN "
                      "('activity', 'review_finding')")
            c.execute(f"UPDATE institution SET parent_id = NULL "
                      f"WHERE parent_id NOT IN ({keep})", ids)
            c.execute(f"DELETE FROM institution WHERE id NOT IN ({keep})", ids)
            c.execute("DELETE FROM county_year")
            c.execute("DELETE FROM task")
            c.execute("DELETE FROM blob WHERE sha256 NOT IN (SELECT sha256 FROM evidence)")
            c.execute("DELETE FROM revlog WHERE record_id NOT IN ("
                      + " UNION ".join(f"SELECT id FROM {t}" for t in schema.SYNCED_TABLES)
                      + ")")
            c.execute("DELETE FROM audit")
            copy.upsert("setting", "township_scope", {"value": town}, audit=False)
            copy.log(EXPORTED, label=town, **birth)
        copy.conn.execute("VACUUM")
        others = copy.conn.execute(f"SELECT count(*) FROM institution WHERE id NOT IN ({keep})",
                                   ids).fetchone()[0]
        others += copy.conn.execute(
            "SELECT count(*) FROM review_finding WHERE institution_id NOT IN "
            "(SELECT id FROM institution)").fetchone()[0]
    if others:
        raise KnownError(f"乡镇填报文件“{tmp.name}”写入后校验未通过（仍有其他乡镇的机构），未写出。")


# ---- merging ----------------------------------------------------------------------------------

@dataclass
class Change:
    table: str
    record_id: str
    label: str
    fields: list[tuple[str, Any, Any]] = field(default_factory=list)  # (label, old, new)
    keys: list[str] = field(default_factory=list)  # each field's name, to say its values in words


SIDES = {"mine": "本文件", "theirs": "对方"}


@dataclass
class Conflict:
    """A record both files changed; decided field by field (`choices`: key → "mine"|"theirs")."""

    table: str
    record_id: str
    label: str
    mine: dict[str, Any]
    theirs: dict[str, Any]
    fields: list[tuple[str, str, Any, Any]]  # (key, label, mine, theirs)
    choices: dict[str, str] = field(default_factory=dict)
    # A new institution of theirs that is one of mine under another id (same 机构代码, or same
    # name in the same township): `mine` is that one, and only one of the two is kept.
    duplicate_of: str | None = None
    # When that institution of theirs is one of mine they edited into the twin: mine as it was,
    # kept as it is (beside the twin) when the clerk keeps 本文件.
    kept_apart: dict[str, Any] | None = None
    # key → the value both files held when the township's file was made, where the two 修改记录
    # prove it (see _one_sided): what each side changed it from.
    original: dict[str, Any] = field(default_factory=dict)

    @property
    def decided(self) -> bool:
        return all(self.choices.get(key) in SIDES for key, *_ in self.fields)

    @property
    def choice(self) -> str | None:
        """"mine" or "theirs" when every field takes that side, "mixed", or None (undecided)."""
        if not self.decided:
            return None
        sides = {self.choices[key] for key, *_ in self.fields}
        return sides.pop() if len(sides) == 1 else "mixed"

    @choice.setter
    def choice(self, side: str | None) -> None:
        """Decide every field at once (the whole record from one side)."""
        self.choices = {} if side is None else {key: side for key, *_ in self.fields}

    def newer_side(self) -> str:
        return "theirs" if _newer(self.theirs, self.mine) else "mine"

    def merged(self) -> dict[str, Any]:
        """Mine, with each field the user gave to theirs taken from theirs (sync columns aside)."""
        out = dict(self.mine)
        for key, *_ in self.fields:
            if self.choices.get(key) == "theirs":
                out[key] = self.theirs[key]
        return out

    def check(self) -> None:
        """A record put together from both sides must still make sense as a whole."""
        if self.choice != "mixed":
            return
        if self.duplicate_of:
            raise KnownError(f"机构“{_shown(self.theirs['name'])}”与本文件的"
                             f"“{_shown(self.mine['name'])}”是同一家，只能保留一家："
                             "请对它的各项选择同一边。")
        try:
            validate(self.table, self.merged())
        except KnownError as exc:
            raise KnownError(f"{TABLE_LABELS[self.table]}“{_shown(self.label)}”按所选合并后不成立："
                             f"{exc}。请把相关的几项改选为同一边。") from None


@dataclass
class MergePlan:
    other: Path
    new: list[Change] = field(default_factory=list)
    updated: list[Change] = field(default_factory=list)
    deleted: list[Change] = field(default_factory=list)
    unchanged: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    # Records both files changed, in different fields: each field from the file that changed it
    # (decided from the two files' 修改记录, see _one_sided), written without asking.
    combined: list[Conflict] = field(default_factory=list)
    # (table, theirs record) to write, and revisions learnt from the other file
    _writes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    _revs: list[tuple[str, str]] = field(default_factory=list)
    _audit: list[dict[str, Any]] = field(default_factory=list)
    _blobs: list[str] = field(default_factory=list)
    _live: dict[str, int] = field(default_factory=dict)  # my records per table, not deleted
    # What the other file changes that the county must confirm (db.merge_scope): clauses.
    scope: list[str] = field(default_factory=list)

    @property
    def unresolved(self) -> list[Conflict]:
        return [c for c in self.conflicts if not c.decided]

    @property
    def confirmation(self) -> str:
        """Why this merge needs the user's yes before it is written (a mass deletion, a
        模拟评审 deleted, a township's file changing what the county decides), or ""."""
        return self.mass_deletion + "".join(self.scope)

    @property
    def mass_deletion(self) -> str:
        """Why this merge needs the user's confirmation before it deletes, or ""."""
        per_table: dict[str, int] = {}
        for ch in self.deleted:
            per_table[ch.table] = per_table.get(ch.table, 0) + 1
        many = [t for t, n in per_table.items() if n >= 2 and n * 10 > self._live.get(t, 0)]
        if len(self.deleted) <= MASS_DELETE and not many:
            return ""
        detail = "、".join(f"{TABLE_LABELS[t]} {n:,} 条" for t, n in per_table.items())
        return f"此次合并将删除 {len(self.deleted):,} 条记录（{detail}），"

    def decide_all(self, prefer: str) -> None:
        """The command line's --prefer (and the dialog's buttons): every field of every
        conflict from one side, or each record from the side that changed it last."""
        for c in self.conflicts:
            c.choice = c.newer_side() if prefer == "newer" else prefer

    def summary(self) -> str:
        parts = [f"新增 {len(self.new):,} 条", f"更新 {len(self.updated):,} 条",
                 *([f"两边各改不同项 {len(self.combined):,} 条"] if self.combined else []),
                 f"删除 {len(self.deleted):,} 条", f"未变 {self.unchanged:,} 条",
                 f"冲突 {len(self.conflicts):,} 条"]
        return "，".join(parts)

    def lines(self, *, conflicts: bool = True) -> Iterator[str]:
        """The preview in words: each record's heading, then its fields (old → new) beneath it.

        `conflicts=False` leaves the conflicts out whole, heading and fields (the window shows
        them in a table of their own).
        """
        yield f"合并“{self.other.name}”：{self.summary()}。"
        for title, items in (("新增", self.new), ("更新", self.updated), ("删除", self.deleted)):
            for ch in items:
                yield f"  {title} {TABLE_LABELS[ch.table]}：{_shown(ch.label)}"
                for n, (lab, old, new) in enumerate(ch.fields):
                    key = ch.keys[n] if n < len(ch.keys) else ""
                    yield (f"      {lab}：{shown_value(ch.table, key, old)} → "
                           f"{shown_value(ch.table, key, new)}")
        for c in self.combined:
            yield f"  合并 {TABLE_LABELS[c.table]}：{_shown(c.label)}（两边改的是不同的项，各取所改）"
            for key, lab, mine, theirs in c.fields:
                side = c.choices[key]
                yield (f"      {lab}：{shown_value(c.table, key, mine if side == 'mine' else theirs)}"
                       f"（{SIDES[side]}所改）")
        for c in self.conflicts if conflicts else ():
            decided = {"mine": "（保留本文件）", "theirs": "（采用对方）",
                       "mixed": "（逐项决定）"}.get(c.choice or "", "")
            yield f"  冲突 {TABLE_LABELS[c.table]}：{_shown(c.label)}{decided}"
            for key, lab, mine, theirs in c.fields:
                side = c.choices.get(key)
                chosen = f"（采用{SIDES[side]}）" if side in SIDES and c.choice == "mixed" else ""
                was = (f"原为 {shown_value(c.table, key, c.original[key])}，"
                       if key in c.original else "")
                yield (f"      {lab}：{was}本文件 {shown_value(c.table, key, mine)}，"
                       f"对方 {shown_value(c.table, key, theirs)}{chosen}")


# Whole numbers that name something rather than count it: shown as typed, without separators.
NAMING_NUMBERS = {"seed"}


def shown_value(table: str, key: str, value: Any) -> str:
    """A field's value as the window's tables show it: 是/否, the words of a choice, counts
    with thousands separators (29,400), shares as percentages, （空）."""
    if key == "deleted":
        return "是" if value else "否"
    kind = next((f for f in FIELDS[table] if f.name == key), None)
    if kind is not None and value is not None and kind.kind == "bool":
        return "是" if value else "否"
    if (kind is not None and kind.kind == "int" and isinstance(value, int)
            and key not in NAMING_NUMBERS):
        return f"{value:,}"
    if kind is not None and kind.kind == "share" and isinstance(value, int | float):
        return f"{value * 100:.1f}%"
    if kind is not None and kind.kind == "choice":
        for words in (vocab.INSTITUTION_TYPES, vocab.HALL_STATES, vocab.HALL_GRADES,
                      vocab.OWNERSHIP):
            if kind.choices == tuple(words) and value in words:
                return words[value]
    return _shown(value)


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "（空）"
    # One value, one line: text from the other file cannot fake further lines of the preview,
    # nor send a terminal its control sequences (ESC [2J clears the screen).
    return shown(value, TEXT_MAX)


def _newer(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return (a["updated_at"], a["updated_by"], a["rev"]) > (b["updated_at"], b["updated_by"],
                                                          b["rev"])


def _data_keys(table: str) -> list[str]:
    return [f.name for f in FIELDS[table]] + ["deleted"]


def _label(table: str, rec: dict[str, Any], names: dict[str, str],
           item: Callable[[str], str] = str) -> str:
    if table == "planned_action":
        who = names.get(rec.get("institution_id") or "", "") or "全县"
        return f"{who} {rec.get('year')}年达标路径 {item(str(rec.get('item_id')))}"
    if table in ("institution_year", "activity", "check_review", "review_inst", "review_finding",
                 "institution_township"):
        who = names.get(rec.get("institution_id") or "", "")
        what = {"institution_year": rec.get("year"),
                "institution_township": f"{rec.get('until_year')}年及以前所属乡镇",
                "activity": f"{rec.get('date')} {rec.get('title')}",
                "check_review": f"{rec.get('year')}年数据核查"}.get(
            table, f"模拟评审 {item(str(rec['item_id'])) if rec.get('item_id') else '抽查'}")
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
# Per kind, far above what a county holds (the large demo county: 643 institutions, 3,215 years
# of figures, 5,773 activities), so a file padded with records is refused before it is read:
# 100,000 findings once took a merge 95 s.
MAX_RECORDS = {"setting": 1_000, "profile": 1_000, "county_year": 200, "institution": 20_000,
               "institution_year": 200_000, "task": 10_000, "phase": 1_000, "review": 1_000,
               "review_inst": 20_000, "review_finding": 20_000, "evidence": 100_000,
               "check_review": 100_000, "blob": 100_000}


def max_records(table: str) -> int:
    return min(MAX_ROWS, MAX_RECORDS.get(table, MAX_ROWS))


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
            self._check_structure()
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
        except (sqlite3.DatabaseError, UnicodeDecodeError):
            # (UnicodeDecodeError: SQLite's message quoting a schema that is not UTF-8.)
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
            if self.read(f'SELECT count(*) FROM "{table}"')[0][0] > max_records(table):
                raise _refusal(self.path, f"中数据表“{_TABLE_WORDS.get(table, table)}”的记录超过 "
                               f"{max_records(table):,} 条")

    def _check_structure(self) -> None:
        """Nothing but our schema, as a county file is checked on opening (db.structure): no
        trigger, view, generated column, extra table or index, and values of their columns'
        kinds."""
        try:
            problem = structure.find_problem(self.conn, schema.current_version())
        except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
            if structure.interrupted(exc):
                raise _refusal(self.path, f"读取超过 {MAX_READ_SECONDS:.0f} 秒仍未完成") from None
            raise _refusal(self.path, "的内容无法读取（文件已损坏或不是本程序写出的）") from None
        if problem is not None:
            raise _refusal(self.path, problem.reason)

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


def _check_record(other: Path, table: str, rec: dict[str, Any], label: str = "") -> None:
    """An incoming record (tombstones too) must pass the checks a typed one does: a name
    holding a control character or 100,000 characters is refused with its file, not cleaned,
    so what the other copy holds is never silently something else here."""
    try:
        validate(table, rec)
    except KnownError as exc:
        which = f"“{shown(label)}”" if label else ""
        raise _refusal(other, f"中的{TABLE_LABELS[table]}记录{which}有误（{exc}）") from None
    if table == "evidence" and (rec["size"] or 0) > MAX_EVIDENCE_BYTES:
        raise _refusal(other, "中的" + evidence_too_big(rec["filename"], rec["size"]))
    unreadable = stored.problem(table, rec)
    if unreadable is not None:
        # Read later with the same parser (the shipped standard would then judge in its place,
        # said once): refused now instead, while both files are as they were.
        what, why = unreadable
        named = f"“{_shown(rec.get('name'))[:40]}”" if table != "setting" else ""
        raise _refusal(other, f"中的{what}{named}无法读取（{why}）")


def _check_applies(other: Path, t: dict[str, Any], m: dict[str, Any] | None,
                   types: dict[str, str], label: str) -> None:
    """A year's facts of theirs give only facts its institution's type fills (a 社区卫生服务站
    has no 中医馆面积); a value both files already hold is left alone, as the window leaves it."""
    if t["deleted"]:
        return
    type_ = t.get("inst_type") or types.get(t["institution_id"])
    try:
        check_applies(type_, {k: v for k, v in t.items() if k in _YEAR_FACTS
                              and (m is None or m.get(k) != v)})
    except KnownError as exc:
        raise _refusal(other, f"中“{_shown(label)}”的数据有误（{exc}）") from None


_YEAR_FACTS = {f.name for f in FIELDS["institution_year"]}


# ---- what the other file may change ---------------------------------------------------------

def _judge_scope(county: CountyFile, plan: MergePlan, theirs_db: _Other) -> None:
    """A township's file may change its own institutions' records only; a 模拟评审 deleted, or a
    township's file changing the county's records, needs the county's yes (db.merge_scope).
    Every record the merge would take from the other file is judged, conflicts included (the
    clerk may take their side)."""
    town_row = theirs_db.read("SELECT value FROM setting WHERE id = 'township_scope' "
                              "AND deleted = 0")
    town = town_row[0][0] if town_row and isinstance(town_row[0][0], str) \
        and town_row[0][0].strip() else None
    theirs = theirs_db.read("SELECT id, township, name FROM institution")
    their_towns = {r[0]: r[1] for r in theirs}
    if town is None:
        town = _unmarked_township(county, theirs_db, their_towns)
    names = {r[0]: r[1] for r in county.conn.execute("SELECT id, name FROM institution")}
    names.update({r[0]: str(r[2]) for r in theirs})
    item = naming.item_names(county)
    incoming = [merge_scope.Incoming(c.table, c.theirs, c.mine, c.label)
                for c in plan.conflicts]
    # a record put together from both: what it takes from theirs is what is judged
    incoming += [merge_scope.Incoming(c.table, c.merged(), c.mine, c.label)
                 for c in plan.combined]
    for table, rec in plan._writes:
        mine = county.get(table, rec["id"], include_deleted=True)
        incoming.append(merge_scope.Incoming(table, rec, mine,
                                             _label(table, rec, names, item)))
    verdict = merge_scope.judge(county.conn, incoming, town=town, their_towns=their_towns,
                                other=plan.other.name)
    if verdict.refused:
        raise _refusal(plan.other, verdict.refused[0])
    plan.scope = verdict.confirm


def _unmarked_township(county: CountyFile, theirs_db: _Other,
                       their_towns: dict[str, Any]) -> str | None:
    """The township whose fill-in file this is, although its 乡镇填报文件 marker was removed (a
    setting anyone can delete with a SQLite tool), or None for a copy of the whole county.

    Such a file is judged by the township's rules all the same, so deleting the marker cannot
    turn it into a copy allowed to change what the county decides. It is the township's file if
    it holds none of the county's own figures or tasks (a township's file is made without them)
    and either holds the line 生成乡镇填报文件 that this county wrote into both files when it
    made it (unless this file is itself that township's file, the county's file coming back to
    it), or holds the institutions of one township only. A file that names no township and
    holds several townships' institutions is merged as a copy of the whole county: with the
    marker and the line both removed, nothing tells the two apart (its settings are still asked
    about, as from any file)."""
    if any(theirs_db.read(f"SELECT 1 FROM {table} LIMIT 1") for table in ("county_year", "task")):
        return None
    if not county.setting("township_scope"):
        for line_id, label in theirs_db.read("SELECT id, label FROM audit WHERE action = ? "
                                             "AND record_id IS NULL", (EXPORTED,)):
            mine = county.conn.execute("SELECT label FROM audit WHERE id = ? AND action = ?",
                                       (line_id, EXPORTED)).fetchone()
            if mine is not None and mine[0] == label and isinstance(label, str) \
                    and label.strip():
                return label
    towns = set(their_towns.values())
    town = towns.pop() if len(towns) == 1 else None
    return town if isinstance(town, str) and town.strip() else None


def _open_other(path: Path) -> _Other:
    return _Other(path)


def plan_merge(county: CountyFile, other: Path) -> MergePlan:
    """Compare `other` with the open file; nothing is written."""
    other = Path(other)
    if same_file(other, county.path):
        raise KnownError("不能把文件与它自己合并。")
    theirs_db = _open_other(other)
    try:
        plan = _plan(county, theirs_db, other)
        _judge_scope(county, plan, theirs_db)
        return plan
    finally:
        theirs_db.close()


def _revs(rows: list[Any]) -> set[tuple[str, str]]:
    return {(r[0], r[1]) for r in rows}


# ---- what of mine a merge reads: only what the other file names, so that a merge's memory follows
# the township file it reads, not the county it merges into (10×: 262 MB when it read all of mine)

_BATCH = 500  # values per IN (...): well under SQLite's limit on bound parameters


def _mine_of(conn: sqlite3.Connection, sql: str, values: Any) -> set[Any]:
    """The first column of `sql` (an IN ({}) over `values`), asked in batches."""
    values = list(values)
    found: set[Any] = set()
    for i in range(0, len(values), _BATCH):
        batch = values[i:i + _BATCH]
        found.update(r[0] for r in conn.execute(sql.format(", ".join("?" * len(batch))), batch))
    return found


def _my_revs(conn: sqlite3.Connection, record_ids: Any) -> set[tuple[str, str]]:
    """My revisions of these records."""
    ids = list(record_ids)
    found: set[tuple[str, str]] = set()
    for i in range(0, len(ids), _BATCH):
        batch = ids[i:i + _BATCH]
        found.update(_revs(conn.execute(
            f"SELECT record_id, rev FROM revlog WHERE record_id IN ({', '.join('?' * len(batch))})",
            batch).fetchall()))
    return found


def _mine(conn: sqlite3.Connection, table: str, theirs: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """My records of `table` with the ids of theirs."""
    ids = list(theirs)
    found: dict[str, dict[str, Any]] = {}
    for i in range(0, len(ids), _BATCH):
        batch = ids[i:i + _BATCH]
        sql = _select(table, f"id IN ({', '.join('?' * len(batch))})")
        found.update((r["id"], dict(r)) for r in conn.execute(sql, batch))
    return found


def _register_keys(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Every institution of mine, only as far as a twin is found by (not whole records)."""
    cols = ("id", "name", "township", "code", "type", "deleted")
    return [dict(zip(cols, r, strict=True))
            for r in conn.execute(f"SELECT {', '.join(cols)} FROM institution")]


def _plan(county: CountyFile, theirs_db: _Other, other: Path) -> MergePlan:
    mine_db = county.conn
    their_id = theirs_db.read("SELECT value FROM setting WHERE id = 'county_id'")
    if not their_id or their_id[0][0] != county.county_id:
        name = theirs_db.read("SELECT value FROM setting WHERE id = 'county_name'")
        raise KnownError(f"“{other.name}”（{name[0][0] if name else '未知'}）与本文件不是同一个县的数据，"
                         "不能合并。")
    plan = MergePlan(other)
    their_revs = _revs(theirs_db.read("SELECT record_id, rev FROM revlog"))
    if any(not isinstance(a, str) or not isinstance(b, str) for a, b in their_revs):
        raise _refusal(other, "中的修订记录无效")
    my_revs = _my_revs(mine_db, {rid for rid, _rev in their_revs})
    names = {r["id"]: r["name"] for r in mine_db.execute("SELECT id, name FROM institution")}
    names.update({r["id"]: str(r["name"]) for r in theirs_db.read("SELECT id, name FROM institution")})
    item = naming.item_names(county)
    types: dict[str, str] = {}  # each institution's type once merged: theirs where they have it
    for table in schema.SYNCED_TABLES:
        theirs = theirs_db.rows(table)
        mine = _mine(mine_db, table, theirs)
        if table == "institution":
            # Each institution's type once merged (theirs where they have it): what its year's
            # facts may hold. Their file names every institution its facts point at.
            types = {**{r: m["type"] for r, m in mine.items()},
                     **{r: t["type"] for r, t in theirs.items()}}
        # Their records whose revisions their revlog does not list (it should): mine, asked too.
        my_revs |= _my_revs(mine_db, theirs.keys() - {rid for rid, _rev in their_revs})
        plan._live[table] = mine_db.execute(
            f"SELECT count(*) FROM {table} WHERE deleted = 0").fetchone()[0]
        keys = _data_keys(table)
        for rid, t in theirs.items():
            if table == "setting" and rid in LOCAL_SETTINGS:
                continue
            m = mine.get(rid)
            label = _label(table, t, names, item)
            if table == "institution_year" and not (m is not None and (
                    m["rev"] == t["rev"] or (rid, t["rev"]) in my_revs)):
                _check_applies(other, t, m, types, label)
            if m is None:
                _check_record(other, table, t, label)
                plan._writes.append((table, t))
                if not t["deleted"]:
                    plan.new.append(Change(table, rid, label))
                continue
            if m["rev"] == t["rev"] or (rid, t["rev"]) in my_revs:
                plan.unchanged += 1
                continue
            _check_record(other, table, t, label)
            diff = [(k, m.get(k), t.get(k)) for k in keys if m.get(k) != t.get(k)]
            if (rid, m["rev"]) in their_revs or not diff:
                # Theirs descends from mine (or both say the same): take theirs.
                if not diff:
                    plan.unchanged += 1
                elif t["deleted"] and not m["deleted"]:
                    plan.deleted.append(Change(table, rid, label))
                else:
                    plan.updated.append(Change(table, rid, label, _labelled(table, diff),
                                               [k for k, *_ in diff]))
                if diff or _newer(t, m):
                    plan._writes.append((table, t))
                continue
            plan.conflicts.append(Conflict(
                table, rid, label, m, t,
                [(k, _field_label(table, k), a, b) for k, a, b in diff]))
        if table == "institution":
            _hold_duplicates(plan, mine, mine_db)
    # By name within each kind of record, as a clerk looks them up.
    plan.conflicts.sort(key=lambda c: (schema.SYNCED_TABLES.index(c.table), c.label))
    plan._revs = sorted(their_revs - my_revs)
    their_audit = theirs_db.read(_select("audit"))
    my_audit = _mine_of(mine_db, "SELECT id FROM audit WHERE id IN ({})",
                        [r["id"] for r in their_audit])
    _one_sided(plan, county, [dict(r) for r in their_audit], my_audit)
    plan._audit = [_checked_audit(other, dict(r)) for r in their_audit
                   if r["id"] not in my_audit]
    their_blobs = theirs_db.read("SELECT sha256, length(data) FROM blob")
    my_blobs = _mine_of(mine_db, "SELECT sha256 FROM blob WHERE sha256 IN ({})",
                        [sha for sha, _size in their_blobs])
    for sha, size in their_blobs:
        if not isinstance(sha, str) or len(sha) != 64:
            raise _refusal(other, "中的佐证材料校验值无效")
        if size > MAX_EVIDENCE_BYTES:
            named = theirs_db.read("SELECT filename FROM evidence WHERE sha256 = ?", (sha,))
            shown = _shown(named[0][0]) if named else f"{sha[:8]}…"
            raise _refusal(other, "中的" + evidence_too_big(shown, size))
        if sha not in my_blobs:
            plan._blobs.append(sha)
    return plan


def _one_sided(plan: MergePlan, county: CountyFile, their_audit: list[dict[str, Any]],
               shared: set[Any]) -> None:
    """Conflicts in which each differing field was changed by one file only go to
    `plan.combined`, each field from the file that changed it: the county corrected 中医类别医师
    while the township typed its 诊疗人次, and neither is lost nor asked about.

    Decided only on proof, from a township's file (its 修改记录 starts empty at 生成乡镇填报文件,
    so every line in it is the township's own since) merged on the computer that made it: what
    each side changed since is read from the two 修改记录 (the county's lines after the file was
    made, by this computer's clock). Nothing is decided for a record a line names without its
    field (added, deleted, restored) or that another computer's line brought since, or at all
    when either side wrote without a line per field since (an Excel import, 开始新年度, a
    restored backup: a line naming no record); nor when a field was changed on both sides or on
    neither: those stay conflicts for the clerk. (What is not seen: another computer's change
    brought in by a merge whose clock was behind this one's by more than the time since the
    township's file was made.)"""
    if not plan.conflicts:
        return
    births = [a for a in their_audit if a.get("action") == EXPORTED and not a.get("record_id")]
    if len(births) != 1 or births[0]["id"] not in shared:
        return  # not a township's file this county wrote (or one from before it kept the line)
    born = births[0]
    # When and where it was made, as this file recorded it (not as the other file says).
    since, machine = county.conn.execute("SELECT at, machine FROM audit WHERE id = ?",
                                         (born["id"],)).fetchone()
    if machine != county.machine:
        return  # made on another computer: its clock says nothing against this one's
    if any(not a.get("record_id") and a is not born for a in their_audit):
        return  # the township wrote in bulk since (an import, a merge …)
    mine = [dict(r) for r in county.conn.execute(
        "SELECT id, at, machine, action, record_id, field, old FROM audit WHERE at >= ? "
        "ORDER BY at, rowid", (since,))]
    if any(a["id"] not in shared and not a["record_id"]
           and not (a["action"] in (EXPORTED, "合并") and a["machine"] == county.machine)
           for a in mine):
        # The county wrote in bulk since (an import, 开始新年度, a restore, or a merge that
        # brought another file's bulk line). Writing township files, and merges (which bring
        # the other file's lines with its records), leave the lines whole.
        return
    ids = {c.record_id for c in plan.conflicts if not c.duplicate_of}
    theirs_changed: dict[str, set[str | None]] = {}
    for a in their_audit:
        if a.get("record_id") in ids and a["id"] not in shared:
            theirs_changed.setdefault(a["record_id"], set()).add(a.get("field"))
    mine_changed: dict[str, set[str | None]] = {}
    for a in mine:
        if a["record_id"] in ids and a["id"] not in shared:
            # A line another computer wrote (brought by a merge): its clock is not this one's,
            # so what else it changed of the record is not known.
            said = a["field"] if a["machine"] == county.machine else None
            mine_changed.setdefault(a["record_id"], set()).add(said)
    kept, known = [], []
    for c in plan.conflicts:
        ours, theirs = mine_changed.get(c.record_id, set()), theirs_changed.get(c.record_id, set())
        proven = not c.duplicate_of and None not in ours and None not in theirs
        choices = {key: "mine" if key in ours else "theirs" for key, *_ in c.fields
                   if (key in ours) != (key in theirs)} if proven else {}
        if choices and len(choices) == len(c.fields):
            c.choices = choices
            try:
                c.check()  # the record put together must still make sense as a whole
            except KnownError:
                c.choices = {}
                kept.append(c)
                known.append(c)
                continue
            plan.combined.append(c)
        else:
            if proven:
                # A field changed on both sides is the clerk's to decide; each of the others
                # starts on the side that changed it (the clerk may still turn it).
                c.choices = choices
                known.append(c)
            kept.append(c)
    plan.conflicts = kept
    _originals(known, [a for a in mine if a["id"] not in shared and a["machine"] == county.machine],
               [a for a in their_audit if a["id"] not in shared])


def _originals(conflicts: list[Conflict], mine: list[dict[str, Any]],
               theirs: list[dict[str, Any]]) -> None:
    """Each field's value when the township's file was made, for conflicts whose changes since
    are known side by side: the value the first change of it since started from (the 修改记录's
    原值), on either side; where both changed it, only if the two agree."""
    def first_old(lines: list[dict[str, Any]]) -> dict[tuple[str, str], str | None]:
        out: dict[tuple[str, str], str | None] = {}
        for a in sorted(lines, key=lambda a: a.get("at") or ""):
            if a.get("action") == "修改" and a.get("record_id") and a.get("field"):
                out.setdefault((a["record_id"], a["field"]), a.get("old"))
        return out

    ours, theirs_first = first_old(mine), first_old(theirs)
    for c in conflicts:
        for key, _label, a, b in c.fields:
            at = (c.record_id, key)
            said = [side[at] for side in (ours, theirs_first) if at in side]
            if not said or said[0] != said[-1]:
                continue  # no line for it, or the two started from different values
            text = said[0]
            if text is None or isinstance(a, str) or isinstance(b, str):
                c.original[key] = text
                continue
            try:
                c.original[key] = stored.loads(text)
            except ValueError:
                continue


def _checked_audit(other: Path, rec: dict[str, Any]) -> dict[str, Any]:
    if not all(v is None or isinstance(v, str) for v in rec.values()) or not all(
            rec[k] for k in ("id", "at", "machine", "action")):
        raise _refusal(other, "中的修改记录（审计日志）无效")
    return rec


_DUPLICATE_KEYS = ("name", "township", "code", "type")


def _hold_duplicates(plan: MergePlan, mine: dict[str, dict[str, Any]],
                     conn: sqlite3.Connection) -> None:
    """An institution of theirs that would be one of mine twice (the same 机构代码, or the same
    name in the same township) becomes a conflict to decide (keep one), not a second copy counted
    twice in every rate: a new one, and one of mine that they edited into a twin of another.

    The rule is db.fields.duplicate_among, the one the window and the importer apply, checked
    against my institutions as they will be after this merge (their edits in, deletions out).
    `mine` holds my records with their ids; my other institutions are read by their keys only,
    and each institution's keys are computed once."""
    leaving = {ch.record_id for ch in plan.deleted if ch.table == "institution"}
    after = {r["id"]: r for r in _register_keys(conn)
             if not r["deleted"] and r["id"] not in leaving}
    writes = [t for table, t in plan._writes if table == "institution" and not t["deleted"]]
    for t in writes:
        if t["id"] in mine:
            after[t["id"]] = t
    register = InstitutionKeys(after.values())
    for t in writes:
        m = mine.get(t["id"])
        if m is not None and not m["deleted"] and all(
                same_key(m.get(k)) == same_key(t.get(k)) for k in ("code", "name", "township")):
            continue  # an edit that leaves who it is alone
        twin = register.clash(t)
        if twin is None:
            continue
        other, reason = twin
        if "rev" not in other:  # one of mine read by its keys only: the whole record
            other = _mine(conn, "institution", {other["id"]: None})[other["id"]]
        why = f"机构代码同为 {other['code']}" if "代码" in reason else "同一乡镇（街道）中名称相同"
        plan._writes.remove(("institution", t))
        plan.new = [ch for ch in plan.new if ch.record_id != t["id"]]
        plan.updated = [ch for ch in plan.updated if ch.record_id != t["id"]]
        edited = "对方改后" if m is not None else ""
        if m is not None:
            after[t["id"]] = m  # mine stays as it is until the clerk decides
            register.replace(m)
        plan.conflicts.append(Conflict(
            "institution", t["id"],
            f"{t['name']}（{edited}与本文件的“{other['name']}”重复：{why}，只能保留一家）",
            other, t, [(k, _field_label("institution", k), other[k], t[k])
                       for k in _DUPLICATE_KEYS],
            duplicate_of=other["id"], kept_apart=m))


def _check_twins(county: CountyFile, plan: MergePlan) -> None:
    """An institution both files changed, decided (wholly or partly) for the other side, must
    not become a second copy of another of mine: refused naming both, nothing written."""
    chosen = [c for c in plan.conflicts
              if c.table == "institution" and not c.duplicate_of and c.choice != "mine"]
    if not chosen:
        return
    after = {r["id"]: r for r in county.rows("institution")}
    for table, t in plan._writes:
        if table == "institution":
            after.pop(t["id"], None)
            if not t["deleted"]:
                after[t["id"]] = t
    for c in plan.conflicts:
        if c.table == "institution" and c.duplicate_of is None:
            rec = c.merged()
            after.pop(c.record_id, None)
            if not rec["deleted"]:
                after[c.record_id] = rec
    for c in chosen:
        rec = after.get(c.record_id)
        twin = _twin(rec, after.values()) if rec is not None else None
        if twin is not None:
            raise KnownError(f"机构“{_shown(rec['name'])}”按所选合并后与本文件的“{_shown(twin[0]['name'])}”"
                             f"重复（{twin[1]}）：请对它的机构代码、名称和所属乡镇选择本文件，"
                             "未合并任何内容。")


def _twin(record: dict[str, Any], others: Any) -> tuple[dict[str, Any], str] | None:
    """The institution `record` would be a second copy of, and why (duplicate_among's words)."""
    others = list(others)
    if duplicate_among(record, others) is None:  # one pass for the usual answer
        return None
    for other in others:
        reason = duplicate_among(record, (other,))
        if reason:
            return other, reason
    return None


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

    _check_decisions(county, plan, confirmed)
    theirs_db = _open_other(plan.other)
    try:
        make_backup(county.conn, county.path, "合并前")
        _write_merge(county, plan, theirs_db)
    finally:
        theirs_db.close()


def _check_decisions(county: CountyFile, plan: MergePlan, confirmed: bool) -> None:
    """What the clerk decided must make a whole: every conflict decided, no record put together
    from both sides that cannot be, no institution twice, and a yes where one is needed."""
    if plan.unresolved:
        raise KnownError(f"还有 {len(plan.unresolved)} 条冲突未决定，未合并任何内容。")
    for c in plan.conflicts:
        c.check()
    _check_twins(county, plan)
    if plan.confirmation and not confirmed:
        raise KnownError(f"{plan.confirmation}未经确认，未合并任何内容。")


class _Rehearsed(Exception):
    """Raised inside the rehearsal's transaction so that it is rolled back."""


def rehearse_merge(county: CountyFile, plan: MergePlan, *, confirmed: bool = False) -> None:
    """`merge --dry-run`: every check `apply_merge` makes, and its writes too, in a transaction
    that is then rolled back, so a dry run says yes only to a merge that would be written (the
    evidence files' checksums, records that clash in the file, links to missing records).
    Nothing is kept and no backup is made; a county file that may not be written is rehearsed
    on a temporary copy."""
    _check_decisions(county, plan, confirmed)
    theirs_db = _open_other(plan.other)
    try:
        if not county.read_only:
            _rehearse_on(county, plan, theirs_db)
            return
        with tempfile.TemporaryDirectory(prefix="tcmcounty-") as folder:
            scratch = Path(folder) / "rehearsal.tcmcounty"
            copy_into(county.conn, scratch)
            with CountyFile.open(scratch, machine=county.machine, daily_backup=False) as copy:
                _rehearse_on(copy, plan, theirs_db)
    finally:
        theirs_db.close()


def _rehearse_on(county: CountyFile, plan: MergePlan, theirs_db: _Other) -> None:
    try:
        with county.atomic():
            _write_merge(county, plan, theirs_db)
            raise _Rehearsed
    except _Rehearsed:
        pass


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
            for c in plan.combined:
                writes.append((c.table, _restamped(county, c.merged())))
            for c in plan.conflicts:
                if c.duplicate_of:
                    writes += _keep_one(county, c)
                elif c.choice == "theirs":
                    writes.append((c.table, c.theirs))
                elif c.choice == "mixed":
                    writes.append((c.table, _restamped(county, c.merged())))
            for table, rec in writes:
                _write_record(conn, table, rec)
            for c in plan.conflicts:
                if c.duplicate_of and not (c.kept_apart is not None and c.choice == "mine"):
                    kept, gone = ((c.mine["id"], c.theirs["id"]) if c.choice == "mine"
                                  else (c.theirs["id"], c.mine["id"]))
                    _repoint(county, gone, kept)
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


def _restamped(county: CountyFile, rec: dict[str, Any]) -> dict[str, Any]:
    """A record put together from both sides is a new revision made here; both parents' revisions
    are in the revlog (mine already, theirs learnt in this merge), so neither file sees the
    conflict again."""
    return {**rec, "rev": county.new_id(), "updated_at": county.clock(),
            "updated_by": county.machine}


def _keep_one(county: CountyFile, c: Conflict) -> list[tuple[str, dict[str, Any]]]:
    """A duplicate decided: the kept institution as it is, the other as a tombstone (a new
    revision, so the decision travels and is not asked again). An edit of theirs refused
    (本文件 kept) leaves my record as it was, restamped so the other copy learns it too."""
    if c.kept_apart is not None and c.choice == "mine":
        return [("institution", _restamped(county, c.kept_apart))]
    kept, gone = (c.mine, c.theirs) if c.choice == "mine" else (c.theirs, c.mine)
    return [("institution", kept), ("institution", _restamped(county, {**gone, "deleted": 1}))]


def _repoint(county: CountyFile, gone: str, kept: str) -> None:
    """What belonged to the retired duplicate goes to the one kept: its activities, the units
    under it, and each year's facts that the kept one does not have already (those stay with
    the retired record, out of the count but not destroyed)."""
    conn = county.conn
    has = {r[0] for r in conn.execute("SELECT year FROM institution_year WHERE institution_id = ?"
                                      " AND deleted = 0", (kept,))}
    for table, column in (("activity", "institution_id"), ("institution_year", "institution_id"),
                          ("institution", "parent_id")):
        for row in conn.execute(_select(table, f'"{column}" = ? AND deleted = 0'),
                                (gone,)).fetchall():
            rec = dict(row)
            if table == "institution_year":
                if rec["year"] in has:
                    continue
                has.add(rec["year"])
            _write_record(conn, table, _restamped(county, {**rec, column: kept}))


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
