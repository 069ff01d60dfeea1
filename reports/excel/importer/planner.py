"""Steps 3 and 4: check each record as a typed one is checked, and plan the changes it makes to
the file (institutions matched by code, else name and type; a year's facts; county figures;
activities, a re-import adding none). Nothing is written here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from db.county import uncarry
from db.errors import ValidationError
from db.fields import (activity_after_today, applies, duplicate_among, not_applying, problems,
                       validate)
from db.vocab import HALL_STATES, INSTITUTION_TYPES

from reports.excel.vocab import YEAR_COLUMNS, match_key
from reports.judge.duplicates import activity_key, confirmed, finding_key, key_of
from reports.excel.importer.plan import (PARTNERS, ImportPlan, Origin, Record, Refusal, Row,
                                         RowRefused, blank_record, cell_reason, fields_of)
from reports.excel.importer.townships import (MOVE, NEW, PossibleMove, Statements, decision_for,
                                              found_in, resolve, row_town, same_town)

if TYPE_CHECKING:
    from db.county import CountyFile


WITH_HALL = tuple(state for state in HALL_STATES if state != "none")
_UNSURE = object()  # a township that does not settle which institution a row means



class Planner:
    """Reads rows into records, one row at a time: a row lands whole in the plan or is refused."""

    def __init__(self, county: CountyFile, plan: ImportPlan):
        self.county = county
        self.plan = plan
        self.default_year = plan.year
        self.institutions: dict[str, Record] = {}
        self.by_name: dict[str, list[Record]] = defaultdict(list)
        self.by_code: dict[str, list[Record]] = defaultdict(list)
        self.year_rows: dict[int, dict[str, dict[str, Any]]] = {}
        self.year_records: dict[tuple[str, int], Record] = {}
        self.county_records: dict[int, Record] = {}
        self.activities: dict[int, dict[tuple[str, str, str, str], list[dict[str, Any]]]] = {}
        self.activity_seen: dict[tuple[str, str, str, str], int] = defaultdict(int)
        self.activity_rows: dict[tuple[str, str, str, str], list[tuple[Row, str]]] = \
            defaultdict(list)
        self.parents: list[tuple[Record, str, Origin]] = []
        self.listed: set[str] = set()  # institutions already in plan.institutions
        self.towns = Statements(county)  # 所属乡镇 by institution and year
        # Rows of institution data refused, by name: an activity of such an institution is
        # refused as belonging to that row, not as an institution nobody has heard of.
        self.refused_institutions: dict[str, Row] = {}
        for row in county.rows("institution"):
            self._index(Record("institution", row["id"], fields_of("institution", row),
                                fields_of("institution", row), self._inst_what(row["id"])))

    # ---- institutions ----

    def _inst_what(self, inst_id: str) -> Callable[[], str]:
        return lambda: self.institutions[inst_id].values["name"]

    def _index(self, rec: Record) -> None:
        self.institutions[rec.id] = rec
        self.plan.institution_names[rec.id] = rec.values["name"]
        self.by_name[match_key(rec.values["name"])].append(rec)
        if rec.values.get("code"):
            self.by_code[match_key(rec.values["code"])].append(rec)

    def _reindex(self, rec: Record, old: dict[str, Any]) -> None:
        if old.get("name") != rec.values["name"]:
            self.by_name[match_key(old["name"])].remove(rec)
            self.by_name[match_key(rec.values["name"])].append(rec)
            self.plan.institution_names[rec.id] = rec.values["name"]
        if old.get("code") != rec.values.get("code"):
            if old.get("code"):
                self.by_code[match_key(old["code"])].remove(rec)
            if rec.values.get("code"):
                self.by_code[match_key(rec.values["code"])].append(rec)

    def _types(self, inst: Record, year: int | None) -> set[str]:
        """The institution's own type and, for the year, its type that year."""
        year_type = self._year_type(inst, year) if year is not None else None
        return {inst.values["type"], year_type} - {None}

    def _match(self, row: Row, year: int | None, *, ask: bool = False) -> Record | None:
        """The institution a row means; None for a new one. Raises RowRefused when unsure.
        `ask`: a row of institution data whose name is found only in other townships that year
        is a possible move to ask about (reports.excel.importer.townships)."""
        name, type_, code = (row.values.get(k) for k in ("name", "type", "code"))
        if code:
            by_code = self.by_code.get(match_key(code), [])
            if len(by_code) == 1:
                return by_code[0]
            if len(by_code) > 1:
                raise self._refuse(row, "code", f"机构代码“{code}”对应 {len(by_code)} 家机构（"
                                   f"{_names(by_code)}），无法确定是哪一家")
        named = self.by_name.get(match_key(name), [])
        typed = [r for r in named if type_ is None or type_ in self._types(r, year)]
        matched = self._in_town(row, typed, year, ask=ask and not code)
        if matched is not _UNSURE:
            return matched
        if code:
            # The code is unknown: a same-named institution without a code is this one; one with
            # another code from this workbook is a different institution; one with another code
            # in the file is a contradiction the user must settle.
            clash = [r for r in typed if r.values.get("code") and not r.is_new]
            if clash:
                have = clash[0].values["code"]
                raise self._refuse(row, "code", f"机构代码“{code}”与本县已有机构“{name}”的代码"
                                   f"“{have}”不一致。若是同一机构，请改正代码；若表中是另一种编码"
                                   "（如统一社会信用代码），请删去该列后再导入")
            typed = [r for r in typed if not r.values.get("code")]
        if len(typed) > 1:
            raise self._refuse(row, "name", f"名称“{name}”对应 {len(typed)} 家机构（"
                               f"{_names(typed)}），无法确定是哪一家；请填写机构代码"
                               "（或所属乡镇）")
        if typed:
            return typed[0]
        if named and type_ is not None and not code:
            types = "、".join(sorted({INSTITUTION_TYPES[t] for r in named
                                      for t in self._types(r, year)}))
            raise self._refuse(row, "type", f"本县已有名为“{name}”的{types}，与表中的机构类型"
                               f"“{INSTITUTION_TYPES[type_]}”不同；若该机构类型已变更，"
                               "请填写机构代码后再导入")
        return None

    # ---- 所属乡镇 with its 年度 (reports.excel.importer.townships) ----

    def _in_town(self, row: Row, typed: list[Record], year: int | None, *,
                 ask: bool) -> Record | None | object:
        """Among same-named institutions, the one in the row's township that year; a possible
        move when they are all in other townships (`ask`); _UNSURE to go on matching by name."""
        town = row_town(row.values)
        if town is None or year is None or not typed:
            return _UNSURE
        here = [r for r in typed if same_town(self.towns.town_in(r, year), town)]
        if here:
            if len(here) == 1 and not (row.values.get("code") and here[0].values.get("code")):
                return here[0]
            typed[:] = here
            return _UNSURE
        if not ask:
            return _UNSURE
        # One this workbook already placed elsewhere in the same year is another institution of
        # the same name (village names repeat across townships), not one that moved.
        typed = [r for r in typed if year not in self.towns.said.get(r.id, {})]
        if not typed:
            return None
        if len(typed) == 1 and typed[0].is_new:
            # Known only from this workbook's rows of other years: this row gives its township
            # for this year (a new institution's history, in whatever order the rows come).
            return typed[0]
        asked = PossibleMove(row.sheet, row.number, row.values["name"], row.values.get("type"),
                             year, town, found_in(self.towns, typed, year))
        decision = decision_for(self.plan.move_decisions, asked.key)
        self.plan.possible_moves.append(replace(asked, decision=decision))
        if decision == MOVE and len(typed) > 1:
            raise self._refuse(row, "name", f"本县其他乡镇有 {len(typed)} 家名为“{row.values['name']}”"
                               f"的机构（{_names(typed)}），无法确定迁入的是哪一家；请填写机构代码")
        # Undecided: shown as the move it most likely is (one candidate) until the clerk says.
        return typed[0] if decision != NEW and len(typed) == 1 else None

    def _state_town(self, row: Row, inst: Record, year: int | None, created: bool) -> None:
        """Refuse a township that contradicts another row for the same institution and year."""
        town = row_town(row.values)
        if town is None or year is None or created and not inst.origins:
            return
        earlier = self.towns.clash(inst.id, year, town)
        if earlier is not None:
            raise self._refuse(row, "township", f"与工作表“{earlier.sheet}”第 {earlier.row} 行"
                               f"填写的 {year} 年所属乡镇不一致")

    def resolve_townships(self) -> None:
        """Each institution's 所属乡镇 by year, once every row is read (oldest year first)."""
        before = len(self.plan.refusals)
        self.plan.township_moves = resolve(self.towns, self.institutions, self.plan.refusals)
        for r in self.plan.refusals[before:]:
            if (r.sheet, r.row) not in self.plan.refused_rows:
                self.plan.refused_rows.add((r.sheet, r.row))
                self.plan.rows_accepted -= 1

    def _refuse_duplicate(self, row: Row, inst_id: str, values: dict[str, Any]) -> None:
        """A second copy of an institution in the file or earlier in the workbook is refused."""
        near = [*self.by_code.get(match_key(values.get("code") or ""), []),
                *self.by_name.get(match_key(values["name"]), [])]
        reason = duplicate_among({**values, "id": inst_id},
                                 [{**r.values, "id": r.id} for r in near])
        if reason:
            key = "code" if "代码" in reason and "code" in row.values else "name"
            raise self._refuse(row, key, reason)

    def _refuse(self, row: Row, key: str, reason: str) -> RowRefused:
        origin = row.origin(key)
        return RowRefused([Refusal(origin.sheet, origin.row, origin.column, reason)])

    def _validation(self, row: Row, exc: ValidationError) -> RowRefused:
        """A refusal naming the column of this row that takes part in the broken rule."""
        key = exc.field
        if key not in row.values:
            key = next((p for p in PARTNERS.get(exc.field, ()) if p in row.values), key)
        return self._refuse(row, key, cell_reason(exc, key == exc.field))

    def _validations(self, row: Row, found: list[ValidationError]) -> list[Refusal]:
        """Refusals for every broken rule in `found`, but one that reads a cell of the row that
        could not be read (its verdict would be a guess)."""
        return [r for exc in found if not set(exc.involves) & row.unread_keys
                for r in self._validation(row, exc).refusals]

    def _merge(self, row: Row, rec: Record, changes: dict[str, Any],
               keys: dict[str, str]) -> dict[str, Any]:
        """`rec`'s values with `changes`, refusing a value another row already gave differently.
        `keys` maps a field to the column it was read from."""
        merged = dict(rec.values)
        for name, value in changes.items():
            earlier = rec.origins.get(name)
            if earlier is not None and merged.get(name) != value:
                shown = self.plan.show_value(rec.table, name, merged.get(name))
                raise self._refuse(row, keys.get(name, name),
                                   f"与工作表“{earlier.sheet}”第 {earlier.row} 行填写的“{shown}”不一致")
            merged[name] = value
        return merged

    def _commit(self, row: Row, rec: Record, merged: dict[str, Any], changes: dict[str, Any],
                keys: dict[str, str]) -> None:
        rec.values = merged
        for name in changes:
            rec.origins.setdefault(name, row.origin(keys.get(name, name)))

    def institution_row(self, row: Row) -> None:
        try:
            self._institution_row(row)
        except RowRefused:
            if row.values.get("name") is not None:
                self.refused_institutions.setdefault(match_key(row.values["name"]), row)
            raise

    def _institution_row(self, row: Row) -> None:
        v = row.values
        if v.get("name") is None:
            raise self._refuse(row, "name", "机构名称不能为空")
        year = v.get("year", self.default_year)
        facts = {c.key: v[c.key] for c in YEAR_COLUMNS if c.key in v}
        if facts and year is None:
            raise self._refuse(row, "year", "未填写年度，导入时也未指定年度")
        inst = self._match(row, year, ask=True)
        created = inst is None
        if inst is None:
            if v.get("type") is None:
                raise self._refuse(row, "type", f"本县没有名为“{v['name']}”的机构；新增机构须填写"
                                   "机构类型")
            new_id = self.county.new_id()
            inst = Record("institution", new_id, None, blank_record("institution"),
                           self._inst_what(new_id))
        self._state_town(row, inst, year, created)
        inst_changes = self._institution_changes(inst, v, year, created)
        year_type = inst_changes.pop("inst_type", None)
        keys = {k: k for k in inst_changes}
        merged_inst = self._merge(row, inst, inst_changes, keys)
        refusals = self._validations(row, problems("institution", merged_inst))
        if not refusals and (created or {"name", "township", "code"} & set(inst_changes)):
            self._refuse_duplicate(row, inst.id, merged_inst)
        year_step = None
        if year is not None and (facts or year_type is not None):
            try:
                year_step = self._plan_year(row, inst.id, year, facts, year_type,
                                            merged_inst["type"])
            except RowRefused as refused:
                refusals += refused.refusals
        if refusals or row.unread:
            # Every problem of the row at once; a row with an unreadable cell is refused (its
            # cells are listed by the caller) and changes nothing.
            raise RowRefused(refusals)
        old = dict(inst.values)
        self._commit(row, inst, merged_inst, inst_changes, keys)
        if created:
            self._index(inst)
        else:
            self._reindex(inst, old)
        if inst.id not in self.listed:
            self.listed.add(inst.id)
            self.plan.institutions.append(inst)
        if year_step is not None:
            self._commit(row, *year_step)
            self._confirm_carried(year_step[0], year_step[2])
        if year is not None and (facts or created):
            self._start_by(inst, year)
        if year is not None and row_town(v) is not None:
            self.towns.add(inst.id, year, row_town(v), row.origin("township"))
        if v.get("parent"):
            self.parents.append((inst, v["parent"], row.origin("parent")))

    def _start_by(self, inst: Record, year: int) -> None:
        """A row for `year` means the institution counts that year (contract.md): a new one
        starts in its earliest row's year, and an earlier row moves a start back, unless the
        workbook gave 启用年度 itself. Nothing here ever ends an institution."""
        end = inst.values.get("active_to")
        if end is not None and end < year:
            self.plan.after_end.setdefault(inst.values["name"], year)
        if "active_from" in inst.origins:
            return
        start = inst.values.get("active_from")
        if inst.is_new and start is None or start is not None and year < start:
            inst.values["active_from"] = year
            if end is not None and end < year:
                # A row after the recorded end: that is for the user to settle, not a guess.
                inst.values["active_from"] = start

    def _confirm_carried(self, rec: Record, changes: dict[str, Any]) -> None:
        """Figures the workbook gives for the year confirm the values carried over into it."""
        if rec.values.get("carried"):
            rec.values["carried"] = uncarry(rec.values["carried"],
                                            [k for k, v in changes.items() if v is not None])

    def _plan_year(self, row: Row, inst_id: str, year: int, facts: dict[str, Any],
                   year_type: str | None, inst_type: str) -> tuple[Record, dict, dict, dict]:
        """The year's record with this row's facts merged and checked (not yet committed)."""
        rec = self._year_record(inst_id, year)
        type_ = year_type or rec.values.get("inst_type") or inst_type
        changes, keys = self._year_changes(rec, facts, row, type_)
        if year_type is not None:
            changes["inst_type"] = year_type
            keys["inst_type"] = "type"
        merged = self._merge(row, rec, changes, keys)
        refusals = self._validations(row, problems("institution_year", merged))
        # Facts the type does not fill (中医馆面积 of a 社区卫生服务站 …); a value the file
        # already holds is left alone, as the window leaves it.
        for exc in not_applying(type_, {k: v for k, v in changes.items()
                                         if (rec.existing or {}).get(k) != v}):
            refusals += self._refuse(row, keys.get(exc.field, exc.field), str(exc)).refusals
        if refusals:
            raise RowRefused(refusals)
        return rec, merged, changes, keys

    def _institution_changes(self, inst: Record, v: dict[str, Any], year: int | None,
                             created: bool) -> dict[str, Any]:
        """What the row changes on the institution itself; `inst_type` is the year's type."""
        changes: dict[str, Any] = {}
        if created or match_key(inst.values["name"]) != match_key(v["name"]):
            # A new institution, or one matched by its code whose name has changed.
            changes["name"] = v["name"]
        for key in ("ownership", "active_from", "active_to"):
            if v.get(key) is not None:
                changes[key] = v[key]
        # With a year, 所属乡镇 is that year's (resolve_townships); without, today's.
        if v.get("township") is not None and (created or year is None):
            changes["township"] = v["township"]
        code = v.get("code")
        if code is not None and match_key(inst.values.get("code") or "") != match_key(code):
            changes["code"] = code
        type_ = v.get("type")
        if type_ is not None:
            if created or year is None:
                changes["type"] = type_
            elif type_ != self._effective_type(inst, year):
                changes["inst_type"] = type_
        return changes

    def _year_type(self, inst: Record, year: int) -> str | None:
        """The type the file holds for this institution in `year`, if it differs per year."""
        rec = self.year_records.get((inst.id, year))
        if rec is not None:
            return rec.values.get("inst_type")
        row = self._year_rows(year).get(inst.id)
        return row["inst_type"] if row and not row["deleted"] else None

    def _effective_type(self, inst: Record, year: int) -> str:
        return self._year_type(inst, year) or inst.values["type"]

    def _year_rows(self, year: int) -> dict[str, dict[str, Any]]:
        if year not in self.year_rows:
            rows = self.county.rows("institution_year", "year = ?", (year,),
                                    include_deleted=True, order="deleted DESC")
            # A live record wins over a tombstone of the same institution and year.
            self.year_rows[year] = {r["institution_id"]: r for r in rows}
        return self.year_rows[year]

    def _year_record(self, inst_id: str, year: int) -> Record:
        key = (inst_id, year)
        if key not in self.year_records:
            row = self._year_rows(year).get(inst_id)
            what = (lambda i=inst_id, y=year: f"{self.institutions[i].values['name']} {y}年")
            if row is None or row["deleted"]:
                values = {**blank_record("institution_year"), "institution_id": inst_id,
                          "year": year}
                rid = row["id"] if row else self.county.institution_year_id(inst_id, year)
                rec = Record("institution_year", rid, None, values, what, revive=row is not None)
            else:
                fields = fields_of("institution_year", row)
                rec = Record("institution_year", row["id"], fields, dict(fields), what)
            self.year_records[key] = rec
            self.plan.year_records.append(rec)
        return self.year_records[key]

    def _year_changes(self, rec: Record, facts: dict[str, Any], row: Row,
                      type_: str) -> tuple[dict[str, Any], dict[str, str]]:
        changes = {k: v for k, v in facts.items() if k != "has_hall"}
        keys = {k: k for k in changes}
        has_hall = facts.get("has_hall")
        state = facts.get("hall_state")
        if has_hall is not None and not has_hall and state is None \
                and not applies("hall_state", type_):
            return changes, keys  # “是否设置中医馆：否” of a station says nothing to store
        if has_hall is not None:
            if state is not None and (state == "none") == bool(has_hall):
                said = "是" if has_hall else "否"
                raise self._refuse(row, "has_hall", f"填“{said}”，但中医馆达标情况为"
                                   f"“{HALL_STATES[state]}”，两者矛盾")
            if state is None:
                current = rec.values.get("hall_state")
                if not has_hall:
                    changes["hall_state"] = "none"
                elif current not in WITH_HALL:
                    changes["hall_state"] = "built"
                keys["hall_state"] = "has_hall"
        return changes, keys

    def unreported(self) -> dict[int, list[str]]:
        """Per year the workbook holds figures for: institutions that count that year and still
        have no row for it after the import (contract.md: listed, never left out)."""
        out = {}
        for year in sorted({y for _, y in self.year_records}):
            have = {i for i, r in self._year_rows(year).items() if not r["deleted"]}
            have |= {i for i, y in self.year_records if y == year}
            out[year] = [r.values["name"] for r in self.institutions.values()
                         if r.id not in have and _counts_in(r.values, year)]
        return out

    def resolve_parents(self) -> None:
        for inst, parent_name, origin in self.parents:
            found = self.by_name.get(match_key(parent_name), [])
            reason = None
            if not found:
                reason = f"上级机构“{parent_name}”不在本县机构名单中"
            elif len(found) > 1:
                reason = f"上级机构名称“{parent_name}”对应 {len(found)} 家机构，无法确定是哪一家"
            elif found[0] is inst:
                reason = "上级机构不能是机构本身"
            elif "parent_id" in inst.origins and inst.values["parent_id"] != found[0].id:
                earlier = inst.origins["parent_id"]
                reason = f"与工作表“{earlier.sheet}”第 {earlier.row} 行填写的上级机构不一致"
            if reason:
                self.plan.refusals.append(Refusal(origin.sheet, origin.row, origin.column, reason))
                if (origin.sheet, origin.row) not in self.plan.refused_rows:
                    self.plan.refused_rows.add((origin.sheet, origin.row))
                    self.plan.rows_accepted -= 1
                continue
            inst.values["parent_id"] = found[0].id
            inst.origins.setdefault("parent_id", origin)

    # ---- county ----

    def county_row(self, row: Row) -> None:
        year = row.values.get("year", self.default_year)
        if year is None:
            raise self._refuse(row, "year", "未填写年度，导入时也未指定年度")
        changes = {k: v for k, v in row.values.items() if k != "year"}
        rec = self._county_record(year)
        keys = {k: k for k in changes}
        merged = self._merge(row, rec, changes, keys)
        refusals = self._validations(row, problems("county_year", merged))
        if refusals or row.unread:
            raise RowRefused(refusals)  # the unreadable cells are listed by the caller
        self._commit(row, rec, merged, changes, keys)

    def _county_record(self, year: int) -> Record:
        if year not in self.county_records:
            rows = self.county.rows("county_year", "year = ?", (year,), include_deleted=True,
                                    order="deleted")
            row = rows[0] if rows else None
            what = (lambda y=year: f"全县 {y}年")
            if row is None or row["deleted"]:
                values = {**blank_record("county_year"), "year": year}
                rid = row["id"] if row else self.county.county_year_id(year)
                rec = Record("county_year", rid, None, values, what, revive=row is not None)
            else:
                fields = fields_of("county_year", row)
                rec = Record("county_year", row["id"], fields, dict(fields), what)
            self.county_records[year] = rec
            self.plan.county_records.append(rec)
        return self.county_records[year]

    # ---- activities ----

    def activity_row(self, row: Row) -> None:
        v = row.values
        if v.get("name") is None:
            raise self._refuse(row, "name", "机构名称不能为空")
        date = v.get("date")
        inst = self._match(row, int(date[:4]) if date else None)
        if inst is None:
            refused = self.refused_institutions.get(match_key(v["name"]))
            if refused is not None:
                raise self._refuse(row, "name", f"“{v['name']}”在工作表“{refused.sheet}”第 "
                                   f"{refused.number} 行，但该行被拒绝（原因见该行），机构未能新增；"
                                   "改正该行后，本行随之导入")
            raise self._refuse(row, "name", f"“{v['name']}”不在本县机构名单中（也不在本工作簿的"
                               "机构表中），请先添加该机构")
        rec = {"institution_id": inst.id, "date": date, "kind": v.get("kind"),
               "title": v.get("title"), "people": v.get("people"),
               "tcm_content": 1 if v.get("tcm_content") is None else v["tcm_content"],
               "note": None}
        try:
            validate("activity", rec)
        except ValidationError as exc:
            raise self._validation(row, exc) from None
        if (late := self._too_late(rec["date"])) is not None:
            raise self._refuse(row, "date", late)
        key = activity_key(inst.id, rec["date"], rec["kind"], rec["title"])
        existing = self._existing_activities(int(rec["date"][:4])).get(key, [])
        index = self.activity_seen[key]
        self.activity_seen[key] += 1
        self.activity_rows[key].append((row, rec["title"]))
        if index >= len(existing):
            self.plan.new_activities.append((rec, row))
            return
        old = existing[index]
        changes = {k: v[k] for k in ("people", "tcm_content") if v.get(k) is not None}
        if any(old[k] != val for k, val in changes.items()):
            fields = fields_of("activity", old)
            what = f"活动 {old['date']} {self.institutions[inst.id].values['name']}“{old['title']}”"
            update = Record("activity", old["id"], fields, {**fields, **changes},
                             lambda w=what: w, {k: row.origin(k) for k in changes})
            self.plan.activity_updates.append(update)

    def _too_late(self, date: str) -> str | None:
        """Why an activity's date cannot be right, or None: a report lists what took place, so
        nothing after today, nor after the year after the import's year (a typo such as 2042)."""
        if (late := activity_after_today(date)) is not None:
            return late
        if self.default_year is not None and date > f"{self.default_year + 1:04d}-12-31":
            return (f"活动日期 {date} 晚于导入年度（{self.default_year} 年）的次年年底，"
                    "请核对日期或导入年度")
        return None

    def note_other_years(self) -> None:
        """Activities this import adds dated outside the years the workbook is about (the years of
        its figures, else the import's year): a 2024/3/5 in a 2026 workbook is most likely a
        slip of the year, and would count in 2024 unseen. Said in the summary, row by row, before
        anything is written; not refused, since a log of earlier years is imported the same way."""
        years = {y for _, y in self.year_records} | set(self.county_records)
        if not years and self.default_year is not None:
            years = {self.default_year}
        if not years:
            return
        self.plan.workbook_years = sorted(years)
        self.plan.other_year_activities = [
            (row.sheet, row.number, rec["date"]) for rec, row in self.plan.new_activities
            if int(rec["date"][:4]) not in years]

    def note_duplicates(self) -> None:
        """Activities this import adds that are one activity with another (reports.judge.
        duplicates): the summary names their rows, and says they count once."""
        marked: dict[int, set[str]] = {}
        for key, rows in self.activity_rows.items():
            inst_id, date, kind, _ = key
            year = int(date[:4])
            existing = self._existing_activities(year).get(key, [])
            copies = max(len(rows), len(existing))
            if copies < 2 or len(rows) <= len(existing):
                continue
            if year not in marked:
                marked[year] = confirmed(self.county, year)
            titles = [r["title"] for r in existing] + [t for _, t in rows]
            two = finding_key(inst_id, year, date, kind, titles, copies) in marked[year]
            what = f"{self.institutions[inst_id].values['name']} {date} {kind}“{rows[0][1]}”"
            where = [f"工作表“{r.sheet}”第 {r.number} 行" for r, _ in rows]
            self.plan.duplicate_activities.append((where, what, copies, two))

    def _existing_activities(self, year: int) -> dict[tuple[str, str, str, str], list[dict]]:
        if year not in self.activities:
            found: dict[tuple[str, str, str, str], list[dict]] = defaultdict(list)
            for r in self.county.rows("activity", "date BETWEEN ? AND ?",
                                      (f"{year:04d}-01-01", f"{year:04d}-12-31"), order="rowid"):
                found[key_of(r)].append(r)
            self.activities[year] = found
        return self.activities[year]


def _counts_in(inst: dict[str, Any], year: int) -> bool:
    start, end = inst.get("active_from"), inst.get("active_to")
    return (start is None or start <= year) and (end is None or end >= year)


def _names(records: Iterable[Record]) -> str:
    return "、".join(r.values["name"] + (f"，代码 {r.values['code']}" if r.values.get("code") else "")
                    for r in records)
