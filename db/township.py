"""Which institutions belong to a township: the one answer that both the township's fill-in file
(what it holds) and a merge of it (what it may change) ask for.

Today an institution's township is a field of its register record. When the township becomes a
fact of the year (an institution moved to another township from a given year), this is the one
place that has to learn it.
"""

from __future__ import annotations

import sqlite3


def institutions_of(conn: sqlite3.Connection, town: str) -> set[str]:
    """The ids of the institutions registered in `town`, tombstoned ones included (a township's
    file carries the deletion of one of its own)."""
    return {row[0] for row in conn.execute(
        "SELECT id FROM institution WHERE township = ?", (town,))}
