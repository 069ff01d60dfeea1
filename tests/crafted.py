"""County files crafted behind the program's back, as a stranger's tool (or a flipped bit on a
stick) could leave them: each passes the header check and would, unchecked, hang, crash or run
code inside the program. Shared by the db, command-line and window tests."""

from __future__ import annotations

from collections.abc import Callable
import hashlib
from pathlib import Path
import shutil
import sqlite3

# A query that never ends: counting an endless recursive CTE.
ENDLESS = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n)"


def raw(path: Path, *sql: str) -> None:
    """Run SQL on the file with SQLite alone, no checks, as another tool would."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA synchronous = OFF")  # a test's scratch file: no need to wait for the disk
        conn.execute("PRAGMA ignore_check_constraints = ON")
        conn.execute("PRAGMA foreign_keys = OFF")
        for statement in sql:
            conn.execute(statement)
    finally:
        conn.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _flip(path: Path, needle: bytes, offset: int, mask: int) -> None:
    data = bytearray(path.read_bytes())
    at = data.index(needle) + offset
    data[at] ^= mask
    path.write_bytes(bytes(data))


def check_clause_not_utf8(path: Path) -> None:
    """One bit flipped inside the text of institution_year's CHECK clause: not UTF-8 any more."""
    _flip(path, b"'standard', 'upgraded'", 3, 0x80)


def check_clause_changed(path: Path) -> None:
    """One bit flipped in the same clause, still UTF-8: 'upgraded' becomes 'upgradee'."""
    _flip(path, b"'standard', 'upgraded'", len("'standard', 'upgrade"), 0x01)


def _as_endless_view(table: str) -> Callable[[Path], None]:
    def craft(path: Path) -> None:
        raw(path, "PRAGMA legacy_alter_table = ON",
            f"ALTER TABLE {table} RENAME TO {table}_kept",
            f"CREATE VIEW {table} AS {ENDLESS} SELECT {table}_kept.* FROM n, {table}_kept")
    craft.__doc__ = f"`{table}` renamed and replaced by a view over an endless recursive CTE."
    return craft


def trigger_adds_physicians(path: Path) -> None:
    """Every audit line (every write the program makes) adds 100 physicians everywhere."""
    raw(path, "CREATE TRIGGER more AFTER INSERT ON audit BEGIN "
              "UPDATE institution_year SET physicians = physicians + 100; END")


def endless_trigger(path: Path) -> None:
    raw(path, f"CREATE TRIGGER forever AFTER INSERT ON audit BEGIN "
              f"SELECT count(*) FROM ({ENDLESS} SELECT i FROM n); END")


def failing_trigger(path: Path) -> None:
    raw(path, "CREATE TRIGGER refuse BEFORE INSERT ON institution_year BEGIN "
              "SELECT RAISE(ABORT, 'constraint failed'); END")


def generated_column(path: Path) -> None:
    raw(path, "ALTER TABLE institution_year ADD COLUMN huge BLOB "
              "GENERATED ALWAYS AS (zeroblob(2000000000)) VIRTUAL")


def wal_mode(path: Path) -> None:
    """Switched to WAL by another tool (the -wal file checkpointed and gone, as on closing)."""
    raw(path, "PRAGMA journal_mode = WAL")


def utf16(path: Path) -> None:
    """The same schema and rows re-encoded as UTF-16 by another tool, header values kept."""
    copy = path.with_name(path.name + ".utf16")
    src = sqlite3.connect(path)
    dst = sqlite3.connect(copy, isolation_level=None)
    try:
        dst.execute("PRAGMA encoding = 'UTF-16le'")
        for (sql,) in src.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL "
                                  "ORDER BY rowid").fetchall():
            dst.execute(sql)
        dst.execute("BEGIN")
        for (table,) in src.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
                                    ).fetchall():
            rows = src.execute(f'SELECT * FROM "{table}"').fetchall()
            if rows:
                dst.executemany(f'INSERT INTO "{table}" VALUES ({",".join("?" * len(rows[0]))})',
                                rows)
        dst.execute("COMMIT")
        for pragma in ("application_id", "user_version"):
            dst.execute(f"PRAGMA {pragma} = {src.execute(f'PRAGMA {pragma}').fetchone()[0]}")
    finally:
        src.close()
        dst.close()
    copy.replace(path)


def padded(path: Path) -> None:
    """8 MB of (sparse) nothing after the last page, as a tool padding the file would leave."""
    with path.open("r+b") as fh:
        fh.truncate(path.stat().st_size + 8 * 1024 * 1024)


def extra_table(path: Path) -> None:
    raw(path, "CREATE TABLE notes (id TEXT, body TEXT)")


def extra_index(path: Path) -> None:
    raw(path, "CREATE INDEX by_township ON institution(township)")


def text_in_a_count(path: Path) -> None:
    """A count that is text: SQLite's CHECK (x >= 0) lets it through ('many' > any number)."""
    raw(path, "UPDATE institution_year SET physicians = 'many' "
              "WHERE rowid = (SELECT min(rowid) FROM institution_year)")


CRAFTED: dict[str, tuple[Callable[[Path], None], str]] = {
    # name: (craft, words the refusal says besides the file's name)
    "CHECK clause not UTF-8": (check_clause_not_utf8, "已损坏"),
    "CHECK clause changed": (check_clause_changed, "已损坏"),
    "institution as endless view": (_as_endless_view("institution"), "“机构”不是数据表"),
    "review as endless view": (_as_endless_view("review"), "“模拟评审”不是数据表"),
    "check_review as endless view": (_as_endless_view("check_review"), "“数据核查”不是数据表"),
    "trigger adding physicians": (trigger_adds_physicians, "触发器“more”"),
    "endless trigger": (endless_trigger, "触发器“forever”"),
    "failing trigger": (failing_trigger, "触发器“refuse”"),
    "generated column": (generated_column, "本程序不会创建的列“huge”"),
    "WAL mode": (wal_mode, "WAL 日志模式"),
    "UTF-16": (utf16, "UTF-16 编码"),
    "padded past its pages": (padded, "多出 8.0 MB"),
    "extra table": (extra_table, "数据表“notes”"),
    "extra index": (extra_index, "索引“by_township”"),
    "text in a count": (text_in_a_count, "类型不符"),
}


def crafted_copy(good: Path, folder: Path, name: str) -> Path:
    """A copy of `good` in `folder`, crafted as CRAFTED[name] says (same file name as good)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = Path(shutil.copyfile(good, folder / good.name))
    CRAFTED[name][0](target)
    return target
