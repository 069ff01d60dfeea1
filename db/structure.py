"""What a county file must hold and nothing else: our tables, columns and indexes exactly as the
schema steps make them, and values of the kinds those columns hold.

A county file comes on a USB stick as often as a township file does, so the file the program opens
as its own is read as strictly as a merge reads the other file: a view, a trigger, a generated
column, a changed CHECK clause or an extra table is refused before any of it can run or be read.
The expected schema is built in memory from `schema.MIGRATIONS` (once per version), so every step
appended later is covered without listing it here; the current version's ships ready-built
(resources/schema/expected.json), kept equal to the steps' by a test. Reading `sqlite_master` is done as bytes and
decoded here, so a flipped bit in the schema's text is "damaged", never a traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
import contextlib
from dataclasses import dataclass
import functools
import json
from pathlib import Path
import re
import sqlite3
import time

from . import schema
from .errors import Damaged, KnownError, NotCountyFile
from .fields import TABLE_LABELS

# A file the program cannot check within this long is refused rather than read for ever (a
# merge's bound on the other file is the same). The large demo county checks in 0.02 s.
MAX_CHECK_SECONDS = 120.0

_WORDS = {**TABLE_LABELS, "blob": "佐证材料文件", "revlog": "修订记录", "audit": "修改记录"}
_KINDS = {"table": "数据表", "index": "索引", "view": "视图", "trigger": "触发器"}
# Which object we never create is named first when a file holds several.
_STRANGERS = {"view": -3, "trigger": -2, "table": -1}
# What each declared column type may hold (SQLite stores what it is given, whatever the type).
_TYPES = {"INTEGER": ("integer",), "REAL": ("real", "integer"), "TEXT": ("text",),
          "BLOB": ("blob",)}


@dataclass(frozen=True)
class Expected:
    """The schema of one version: each object's (type, table, normalised SQL), and per table its
    columns' declared types."""

    objects: dict[str, tuple[str, str, str]]
    columns: dict[str, tuple[tuple[str, str, bool], ...]]  # table → (name, type, notnull)


def _normal(sql: str | None) -> str:
    """SQL compared by its words: runs of white space are one space, plain identifiers unquoted
    (SQLite quotes a name when it rewrites a statement, as in a rename)."""
    if sql is None:
        return ""
    return re.sub(r'"([A-Za-z_][A-Za-z0-9_]*)"', r"\1", " ".join(sql.split()))


def expected(version: int | None = None) -> Expected:
    """The schema a file of `version` (default: the current one) has, built from the steps.
    The current version's is read from the copy the program ships (SNAPSHOT), which a test
    keeps equal to what the steps build: building it replays every step in memory, a few
    milliseconds of every start and command."""
    current = schema.current_version()
    if version is None or version == current:
        shipped = _shipped(current)
        if shipped is not None:
            return shipped
    steps = schema.MIGRATIONS[:current if version is None else version]
    return _built(tuple(steps))


# The current schema as the steps build it, shipped with the program (tests/db/
# test_structure.py checks it and writes it again when asked).
SNAPSHOT = Path(__file__).resolve().parent.parent / "resources" / "schema" / "expected.json"


@functools.cache
def _shipped(version: int) -> Expected | None:
    from resources import resource_path

    try:
        data = json.loads(resource_path("schema", "expected.json").read_text(encoding="utf-8"))
        if data.get("version") != version:
            return None
        objects = {name: (kind, table, sql) for name, (kind, table, sql) in data["objects"].items()}
        columns = {name: tuple((col, kind, bool(notnull)) for col, kind, notnull in cols)
                   for name, cols in data["columns"].items()}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None  # missing or not as written: built from the steps instead
    return Expected(objects, columns)


def snapshot_text(version: int | None = None) -> str:
    """What SNAPSHOT holds for `version`: the steps' schema, as built."""
    version = schema.current_version() if version is None else version
    built = _built(tuple(schema.MIGRATIONS[:version]))
    return json.dumps({"version": version,
                       "objects": {k: list(v) for k, v in sorted(built.objects.items())},
                       "columns": {k: [list(c) for c in v]
                                   for k, v in sorted(built.columns.items())}},
                      ensure_ascii=False, indent=1) + "\n"


@functools.cache
def _built(steps: tuple[schema.Step, ...]) -> Expected:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        for step in steps:
            if isinstance(step, str):
                conn.executescript(step)
            else:
                step(conn)
        objects = {name: (kind, table, _normal(sql)) for kind, name, table, sql in conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master")}
        columns = {}
        for name, (kind, _table, _sql) in objects.items():
            if kind == "table":
                columns[name] = tuple(
                    (r[1], str(r[2]).upper(), bool(r[3]))
                    for r in conn.execute("SELECT * FROM pragma_table_xinfo(?)", (name,)))
        return Expected(objects, columns)
    finally:
        conn.close()


def shown_name(raw: bytes | str | None, limit: int = 40) -> str:
    """A name read from a stranger's file, safe to put in a sentence: one line, printable, short."""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw or "")
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return text if len(text) <= limit else text[:limit] + "…"


@contextlib.contextmanager
def time_bound(conn: sqlite3.Connection, seconds: float | None = None) -> Iterator[None]:
    """Interrupt whatever `conn` runs once `seconds` (default MAX_CHECK_SECONDS) have passed;
    the interrupted statement raises sqlite3.OperationalError("interrupted")."""
    bound(conn, seconds)
    try:
        yield
    finally:
        conn.set_progress_handler(None, 0)


def bound(conn: sqlite3.Connection, seconds: float | None = None) -> None:
    """From now on, `conn` gives up on a statement once `seconds` (default MAX_CHECK_SECONDS)
    have passed since this call (SQLite's progress handler, asked every 10,000 steps)."""
    deadline = time.monotonic() + (MAX_CHECK_SECONDS if seconds is None else seconds)
    conn.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, 10_000)


def interrupted(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.OperationalError) and "interrupt" in str(exc)


def too_slow(path: Path) -> KnownError:
    return KnownError(f"文件“{path.name}”读取超过 {MAX_CHECK_SECONDS:.0f} 秒仍未完成，无法打开"
                      "（文件过大，或不是本程序写出的）。")


@dataclass(frozen=True)
class Problem:
    """Why a file is not exactly ours, as words that follow its name: "含有…的触发器“x”",
    "已损坏（…）". `damaged`: our own table or index changed or missing, so a backup can take its
    place; otherwise the file holds what we never create (a view, a trigger, another table)."""

    reason: str
    damaged: bool

    def refusal(self, path: Path) -> KnownError:
        """The sentence for a file being opened as the county's own."""
        if self.damaged:
            return Damaged(f"文件“{path.name}”{self.reason}，无法打开。请从备份恢复。")
        return NotCountyFile(f"文件“{path.name}”{self.reason}，无法打开：它被其他程序改动过，"
                             "不是本程序原样写出的县级数据文件。")


def check(conn: sqlite3.Connection, path: Path, version: int) -> None:
    """Refuse (Damaged or NotCountyFile) a file whose schema is not exactly ours at `version`,
    or whose values are not of their columns' kinds. `conn` reads the file; nothing is written."""
    problem = find_problem(conn, version)
    if problem is not None:
        raise problem.refusal(path)


def find_problem(conn: sqlite3.Connection, version: int, *, values: bool = True
                 ) -> Problem | None:
    """What makes the file `conn` reads other than a county file of `version`, or None.
    `values=False` leaves out the pass over every value (a copy of a file checked on opening)."""
    want = expected(version)
    found = _objects(conn)
    if found is None:
        return _damage("数据表的定义中有无法识别的字符")
    # Our names first (a view in a table's place says most), then what we never create
    # (views and triggers before tables and indexes), then our own definitions changed.
    for name, (kind, _table, _sql) in found.items():
        ours = want.objects.get(name)
        if ours is not None and kind != ours[0]:
            return Problem(f"中的“{_WORDS.get(name, name)}”不是{_KINDS[ours[0]]}", damaged=False)
    strangers = sorted((n for n in found if n not in want.objects),
                       key=lambda n: (_STRANGERS.get(found[n][0], 0), n))
    if strangers:
        name = strangers[0]
        return Problem(f"含有本程序不会创建的{_KINDS.get(found[name][0], '对象')}"
                       f"“{shown_name(name)}”", damaged=False)
    for name, (kind, table, sql) in found.items():
        if (kind, table, sql) != want.objects[name] and kind == "table":
            extra = _extra_column(conn, name, want)
            if extra is not None:  # added by another program (a generated column …), not damage
                return Problem(f"的数据表“{_WORDS.get(name, name)}”中含有本程序不会创建的列"
                               f"“{shown_name(extra)}”", damaged=False)
    for name, (kind, table, sql) in found.items():
        if (kind, table, sql) != want.objects[name]:
            return _damage(f"{_KINDS[kind]}“{_WORDS.get(name, name)}”的定义与本程序的不一致")
    missing = [n for n in want.objects if n not in found]
    if missing:
        tables = [n for n in missing if want.objects[n][0] == "table"]
        first = (tables or missing)[0]
        return _damage(f"缺少{'数据表' if tables else '索引'}“{_WORDS.get(first, first)}”")
    return _bad_values(conn, want) if values else None


def _extra_column(conn: sqlite3.Connection, table: str, want: Expected) -> bytes | None:
    """A column of our `table` (a name from our schema, never from the file) that our schema
    does not have, or None. A bit flipped in a definition rarely leaves it readable SQL that
    declares one more column: that is what another program's ALTER TABLE does."""
    ours = {column for column, _kind, _notnull in want.columns.get(table, ())}
    try:
        rows = conn.execute("SELECT CAST(name AS BLOB) FROM pragma_table_xinfo(?)", (table,)
                            ).fetchall()
    except sqlite3.DatabaseError:
        return None  # the definition does not parse: damage, said by the caller
    for (raw,) in rows:
        if raw is not None and bytes(raw).decode("utf-8", "replace") not in ours:
            return bytes(raw)
    return None


def _objects(conn: sqlite3.Connection) -> dict[str, tuple[str, str, str]] | None:
    """sqlite_master as text, decoded here (None if it is not UTF-8: damage, not a traceback)."""
    rows = conn.execute("SELECT CAST(type AS BLOB), CAST(name AS BLOB), CAST(tbl_name AS BLOB), "
                        "CAST(sql AS BLOB) FROM sqlite_master").fetchall()
    found = {}
    for row in rows:
        try:
            kind, name, table, sql = (None if v is None else bytes(v).decode("utf-8")
                                      for v in row)
        except UnicodeDecodeError:
            return None
        found[str(name)] = (str(kind), str(table), _normal(sql))
    return found


def _bad_values(conn: sqlite3.Connection, want: Expected) -> Problem | None:
    """Every value of the kind its column holds: a number where a number belongs. SQLite keeps
    no page checksums, so a flipped bit can turn a count into text that its CHECK lets through,
    and the report would fail on it later; one pass per table reading only the values' types."""
    for table, columns in want.columns.items():
        tests = []
        for name, kind, notnull in columns:
            allowed = _TYPES.get(kind)
            if allowed is None:
                continue
            kinds = ", ".join(f"'{k}'" for k in (*allowed, *(() if notnull else ("null",))))
            tests.append(f'typeof("{name}") NOT IN ({kinds})')
        if not tests:
            continue
        bad = conn.execute(f'SELECT 1 FROM "{table}" WHERE {" OR ".join(tests)} LIMIT 1'
                           ).fetchone()
        if bad is not None:
            return _damage(f"数据表“{_WORDS.get(table, table)}”中有类型不符的值")
    return None


def _damage(detail: str) -> Problem:
    return Problem(f"已损坏（{detail}）", damaged=True)
