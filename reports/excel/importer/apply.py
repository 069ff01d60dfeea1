"""Step 5: write a plan in one transaction after a backup, or nothing; the data layer checks
every record again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from db import fields as db_fields
from db.backups import make_backup
from db.errors import KnownError, ValidationError
from db.townships import write_history

from reports.excel.importer.plan import (PARTNERS, ImportPlan, ImportRefused, Origin, Record,
                                         Refusal, Row, blank_record, cell_reason, fingerprint)

if TYPE_CHECKING:
    from db.county import CountyFile



class _WriteFailed(Exception):
    def __init__(self, origins: dict[str, Origin], exc: ValidationError):
        super().__init__(str(exc))
        self.origin = _origin_for(origins, exc)
        self.reason = cell_reason(exc, exc.field in origins)


def apply(plan: ImportPlan, county: CountyFile | None = None) -> None:
    """Write the whole plan in one transaction, or nothing: raises ImportRefused when the plan
    (or the data layer, checking again) refuses a row, KnownError when the file changed since.

    `county` is the file to write, if not the connection the plan was read with: another open
    connection to the same file (a worker thread's own, say)."""
    if not plan.ok:
        raise ImportRefused(plan)
    county = county or plan.county
    if fingerprint(county) != plan.fingerprint:
        raise KnownError("预览之后文件已被修改，请重新导入该工作簿。")
    if not plan.has_changes:
        return
    make_backup(county.conn, county.path, "导入前")
    try:
        with county.atomic():
            _write(plan, county)
    except _WriteFailed as failed:
        o = failed.origin or Origin(plan.source.name, 0, "")
        plan.refusals.append(Refusal(o.sheet, o.row, o.column, failed.reason))
        raise ImportRefused(plan) from None


def _origin_for(origins: dict[str, Origin], exc: ValidationError) -> Origin | None:
    """The cell behind a refused field: the field's own, else a partner in its rule."""
    for key in (exc.field, *PARTNERS.get(exc.field, ())):
        if key in origins:
            return origins[key]
    return min(origins.values(), key=lambda o: (o.sheet, o.row), default=None)


def _guarded(rec: Record, write: Callable[[], Any]) -> None:
    try:
        write()
    except ValidationError as exc:
        raise _WriteFailed(rec.origins, exc) from None


def _insert_many(county: CountyFile, table: str,
                 records: list[tuple[dict[str, Any], dict[str, Origin] | Row]]) -> None:
    if not records:
        return
    try:
        county.insert_many(table, [r for r, _ in records])
    except ValidationError:
        # Find the record the data layer refused, to name its row.
        for rec, source in records:
            origins = source.origins() if isinstance(source, Row) else source
            full = {**blank_record(table), **{k: v for k, v in rec.items()
                                               if k != "id" and v is not None}}
            try:
                # The store's own check, looked up afresh: the one it just failed.
                db_fields.validate(table, full)
            except ValidationError as exc:
                raise _WriteFailed(origins, exc) from None
        raise


def _write(plan: ImportPlan, county: CountyFile) -> None:
    new = [r for r in plan.institutions if r.is_new]
    # A parent that is itself new may come later in the list: the reference is checked when
    # the transaction ends, so every new institution is written once, with its parent.
    county.conn.execute("PRAGMA defer_foreign_keys = ON")
    _insert_many(county, "institution", [({**r.values, "id": r.id}, r.origins) for r in new])
    updates = [r for r in plan.institutions if not r.is_new and r.changes()]
    # Renamed or moved institutions are checked for twins through keys computed once, not
    # against every institution of the file for each of them.
    register = (db_fields.InstitutionKeys(county.rows("institution"))
                if any({"name", "township", "code"} & set(r.changes()) for r in updates) else None)
    for r in updates:
        _guarded(r, lambda r=r: county.update("institution", r.id, r.changes(), audit=False,
                                              register=register))
    for table, records in (("institution_year", plan.year_records),
                           ("county_year", plan.county_records)):
        inserts = [r for r in records if r.is_new and not r.revive and r.changes()]
        _insert_many(county, table, [({**r.values, "id": r.id}, r.origins) for r in inserts])
        for r in records:
            if r.revive and r.changes():
                _guarded(r, lambda r=r: county.upsert(r.table, r.id, r.values, audit=False))
            elif not r.is_new and r.changes():
                _guarded(r, lambda r=r: county.update(r.table, r.id, r.changes(), audit=False))
    _write_townships(plan, county)
    _insert_many(county, "activity", list(plan.new_activities))
    for r in plan.activity_updates:
        _guarded(r, lambda r=r: county.update("activity", r.id, r.changes(), audit=False))
    county.log("导入 Excel", label=_audit_text(plan))


def _write_townships(plan: ImportPlan, county: CountyFile) -> None:
    """Townships by year (db.townships): a new institution's earlier ones, an existing one's
    change from the year its row gave."""
    for r in plan.institutions:
        if r.is_new and r.periods is not None:
            _guarded(r, lambda r=r: write_history(county, r.id, r.periods))
    for m in plan.township_moves:
        rec = next(r for r in plan.institutions if r.id == m.institution_id)
        _guarded(rec, lambda m=m: write_history(county, m.institution_id, list(m.after)))


def _audit_text(plan: ImportPlan) -> str:
    changed = sum(1 for r in (*plan.institutions, *plan.year_records, *plan.county_records,
                              *plan.activity_updates)
                  if r.changes() and not (r.table == "institution" and r.is_new))
    return (f"{plan.source.name}：新增机构 {len(plan.new_institutions)} 家，修改记录 {changed} 条，"
            f"新增宣传活动 {plan.activities_added} 条")
