"""已安排: an action of the year's 达标路径 given a person responsible and a date it is due.

Each is a `planned_action` record whose id is computed from the year and the action's key (the
standard's item, and the institution for an action at one), so two copies that arrange the same
action merge into one record, and re-judging the year finds it again. Taking the arrangement back
(both person and date cleared) leaves a tombstone, as any deletion.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from db.county import stable_id

if TYPE_CHECKING:
    from db.county import CountyFile

TABLE = "planned_action"
ARRANGED, INCOMPLETE, OPEN, DONE = "已安排", "待补全", "未安排", "已完成"


def record_id(year: int, key: str) -> str:
    return stable_id(TABLE, year, key)


@dataclass(frozen=True)
class Arrangement:
    id: str
    key: str
    item_id: str
    institution_id: str | None
    what: str | None
    person: str | None
    due_date: str | None
    note: str | None

    @property
    def complete(self) -> bool:
        """Counted as 已安排: someone named and a date set."""
        return bool(self.person and self.due_date)

    @property
    def status(self) -> str:
        return ARRANGED if self.complete else INCOMPLETE

    def to_dict(self) -> dict[str, Any]:
        return {"person": self.person, "due_date": self.due_date, "note": self.note}


def read(county: CountyFile, year: int) -> dict[str, Arrangement]:
    """The year's arrangements by action key (tombstones left out)."""
    return {r["action_key"]: Arrangement(r["id"], r["action_key"], r["item_id"],
                                         r["institution_id"], r["what"], r["person"],
                                         r["due_date"], r["note"])
            for r in county.rows(TABLE, "year = ?", (year,))}


def store(county: CountyFile, year: int, key: str, item_id: str, institution_id: str | None,
          what: str | None, values: dict[str, Any]) -> None:
    """Write `values` (person, due_date, note) onto the arrangement of one action, creating it or
    reviving its tombstone; with person and date both blank it is taken back (a tombstone).
    One transaction: the caller's, or its own."""
    rid = record_id(year, key)
    with county.atomic():
        current = county.get(TABLE, rid) or {}
        merged = {k: current.get(k) for k in ("person", "due_date", "note")}
        merged.update({k: (v.strip() or None) if isinstance(v, str) else v
                       for k, v in values.items()})
        if not merged["person"] and not merged["due_date"]:
            if current:
                county.delete(TABLE, rid)
            return
        county.upsert(TABLE, rid, {"year": year, "action_key": key, "item_id": item_id,
                                   "institution_id": institution_id, "what": what, **merged})
