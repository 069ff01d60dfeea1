"""Which institutions belong to a township's fill-in file: the one answer that both the file
(what it holds) and a merge of it (what it may change) ask for.

An institution's township is a fact of the year (db.townships): a clinic that moved to another
township later is still the old township's for the years before, so the file holds every
institution that belongs to the township in any year.
"""

from __future__ import annotations

import sqlite3

from .townships import ever_in_township_sql


def institutions_of(conn: sqlite3.Connection, town: str) -> set[str]:
    """The ids of the institutions that belong to `town` in some year, tombstoned ones included
    (a township's file carries the deletion of one of its own)."""
    return {row[0] for row in conn.execute(ever_in_township_sql(), {"town": town})}
