"""What an import would do, before anything is written: the plan with its records, changes
and refusals (each naming sheet, row as Excel shows it, and column), and how it reads as a summary.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

from db.errors import KnownError, ValidationError
from db.fields import FIELDS, label as field_label
from db.vocab import HALL_GRADES, HALL_STATES, HOSPITAL_GRADES, INSTITUTION_TYPES, OWNERSHIP

from reports.excel.vocab import SHEET_COLUMNS
from reports.judge.wording import number, percent

if TYPE_CHECKING:
    from db.county import CountyFile


# Fields a cross-field rule ties together: when the file's value breaks the rule, the refusal
# names the column of this row that took part in it.
PARTNERS = {
    "tcm_physicians": ("physicians", "west_learn_tcm"),
    "physicians": ("tcm_physicians", "west_learn_tcm"),
    "west_learn_tcm": ("physicians", "tcm_physicians"),
    "tcm_visits": ("visits",),
    "tech_categories": ("tech_items",),
    "hall_grade": ("hall_state", "has_hall"),
    "elderly_managed": ("elderly_population",),
    "infant_managed": ("infant_population",),
    "alliance_population": ("resident_population",),
    "elderly_population": ("resident_population", "elderly_managed"),
    "infant_population": ("resident_population", "infant_managed"),
}



@dataclass(frozen=True)
class Origin:
    """Where a value came from: sheet, row number as Excel shows it, column header."""

    sheet: str
    row: int
    column: str


@dataclass(frozen=True)
class Refusal:
    sheet: str
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"工作表“{self.sheet}”第 {self.row} 行"
        return f"{where}“{self.column}”列：{self.reason}" if self.column else f"{where}：{self.reason}"


def cell_reason(exc: KnownError, own: bool) -> str:
    """Why a cell is refused, said after its column ("“执业（助理）医师数”列：不能为负数（-3）"): a
    field's own check names the field ("执业（助理）医师数：不能为负数（-3）"), which the refusal
    names already as the column; `own` False (the cell of another field in the rule) keeps it."""
    return exc.reason if own and isinstance(exc, ValidationError) else str(exc)


@dataclass(frozen=True)
class FieldChange:
    field: str  # the Chinese label
    old: str
    new: str


@dataclass(frozen=True)
class RecordChange:
    what: str  # "青石镇卫生院 2024年", "全县 2024年", "活动 …"
    fields: tuple[FieldChange, ...]

    def __str__(self) -> str:
        return f"{self.what}：" + "；".join(f"{c.field} {c.old} → {c.new}" for c in self.fields)


class ImportRefused(KnownError):
    """The plan has refused rows; nothing was written."""

    def __init__(self, plan: ImportPlan):
        if plan.refusals:
            first = plan.refusals[0]
            text = f"导入未执行：{len(plan.refusals)} 处问题（首个：{first}），文件未作任何修改。"
        else:
            first = plan.undecided[0]
            text = (f"导入未执行：{len(plan.undecided)} 行的同名机构尚未确认是划转还是新增（首个：{first}），"
                    "文件未作任何修改。")
        super().__init__(text)
        self.plan = plan


# ---- records as the plan sees them ---------------------------------------------------------------

@dataclass(eq=False)
class Record:
    """One record of the file (or a new one), with the values the workbook would give it."""

    table: str
    id: str
    existing: dict[str, Any] | None  # the record as in the file; None for a new one
    values: dict[str, Any]  # the whole record after the workbook
    what: Callable[[], str]
    origins: dict[str, Origin] = field(default_factory=dict)  # fields the workbook set
    revive: bool = False  # a deleted record at this id comes back
    # A new institution's townships over the years, when a workbook gives it more than one
    # (db.townships.Period list; the last is `values["township"]`).
    periods: list[Any] | None = None

    @property
    def is_new(self) -> bool:
        return self.existing is None

    def changes(self) -> dict[str, Any]:
        """Fields to write: for a new record, every value it has if the workbook gave any."""
        if self.existing is None:
            return {k: v for k, v in self.values.items() if v is not None} if self.origins else {}
        return {k: v for k, v in self.values.items() if self.existing.get(k) != v}


def blank_record(table: str) -> dict[str, Any]:
    return {f.name: f.default for f in FIELDS[table]}


def fields_of(table: str, row: dict[str, Any]) -> dict[str, Any]:
    return {f.name: row.get(f.name) for f in FIELDS[table]}


@dataclass
class Row:
    sheet: str
    number: int
    headers: dict[str, str]  # column key → the header as written in the workbook
    values: dict[str, Any]
    # Cells that could not be read (each refused): the row is refused, but its other cells are
    # still checked so that one import names every problem of the row that can be known.
    unread: list[Refusal] = field(default_factory=list)
    unread_keys: frozenset[str] = frozenset()

    def origin(self, key: str) -> Origin:
        return Origin(self.sheet, self.number, self.headers.get(key) or header_word(key))

    def origins(self) -> dict[str, Origin]:
        return {k: self.origin(k) for k in self.values}


@functools.cache
def header_word(key: str) -> str:
    for columns in SHEET_COLUMNS.values():
        for col in columns:
            if col.key == key:
                return col.header
    for table in ("institution_year", "county_year", "activity", "institution"):
        if any(f.name == key for f in FIELDS[table]):
            return field_label(table, key)
    return key


class RowRefused(Exception):
    def __init__(self, refusals: list[Refusal]):
        super().__init__(refusals)
        self.refusals = refusals


# ---- the plan ------------------------------------------------------------------------------------

@dataclass
class ImportPlan:
    """What importing a workbook would do. Nothing is written until `apply(plan)`."""

    county: CountyFile
    source: Path
    year: int | None
    institutions: list[Record] = field(default_factory=list)
    year_records: list[Record] = field(default_factory=list)
    county_records: list[Record] = field(default_factory=list)
    new_activities: list[tuple[dict[str, Any], Row]] = field(default_factory=list)
    activity_updates: list[Record] = field(default_factory=list)
    unknown_columns: list[tuple[str, str]] = field(default_factory=list)  # (sheet, header)
    ignored_sheets: list[str] = field(default_factory=list)
    hidden_sheets: list[str] = field(default_factory=list)  # not read at all
    refusals: list[Refusal] = field(default_factory=list)
    rows_read: int = 0
    rows_skipped: int = 0
    rows_accepted: int = 0
    refused_rows: set[tuple[str, int]] = field(default_factory=set)
    fingerprint: int = 0
    institution_names: dict[str, str] = field(default_factory=dict)  # id → name, for the summary
    unreported: dict[int, list[str]] = field(default_factory=dict)  # year → names still 未填报
    after_end: dict[str, int] = field(default_factory=dict)  # name → a year after its 停用年度
    # 所属乡镇 by year (reports.excel.importer.townships): the clerk's answers for rows that may
    # be an institution moved ("move" / "new" for all, or per (sheet, row)), the rows asked
    # about, and the changes of township each existing institution gets (db.townships.Move).
    move_decisions: str | dict[tuple[str, int], str] | None = None
    possible_moves: list[Any] = field(default_factory=list)
    township_moves: list[Any] = field(default_factory=list)
    # Activities this import adds that are one activity with another (counted once): (rows of
    # the workbook as "工作表“…”第 n 行", what, copies after the import, confirmed as separate).
    duplicate_activities: list[tuple[list[str], str, int, bool]] = field(default_factory=list)
    # The years the workbook is about (its figures' years, else the import's year), and the
    # activities it adds dated outside them: (sheet, row as Excel shows it, date).
    workbook_years: list[int] = field(default_factory=list)
    other_year_activities: list[tuple[str, int, str]] = field(default_factory=list)

    @property
    def undecided(self) -> list[Any]:
        """Possible moves the clerk has not answered: nothing is imported until they are."""
        return [q for q in self.possible_moves if q.decision is None]

    @property
    def ok(self) -> bool:
        return not self.refusals and not self.undecided

    @property
    def new_institutions(self) -> list[str]:
        return [f"{r.values['name']}（{INSTITUTION_TYPES[r.values['type']]}"
                + (f"，{r.values['township']}" if r.values.get("township") else "") + "）"
                for r in self.institutions if r.is_new]

    @property
    def updated(self) -> list[RecordChange]:
        """Every record the import would change, with old → new per field (new records too)."""
        out = []
        for rec in (*self.institutions, *self.year_records, *self.county_records,
                    *self.activity_updates):
            changes = rec.changes()
            if rec.table == "institution" and rec.is_new:
                continue  # listed among the new institutions
            if changes:
                old = rec.existing or {}
                out.append(RecordChange(rec.what(), tuple(
                    FieldChange(field_label(rec.table, k),
                                self.show_value(rec.table, k, old.get(k)),
                                self.show_value(rec.table, k, v))
                    for k, v in changes.items() if k not in ("institution_id", "year"))))
        return [c for c in out if c.fields]

    @property
    def activities_added(self) -> int:
        return len(self.new_activities)

    @property
    def has_changes(self) -> bool:
        return bool(self.new_activities or self.township_moves or any(
            r.changes() for r in (*self.institutions, *self.year_records, *self.county_records,
                                  *self.activity_updates)))

    def show_value(self, table: str, key: str, value: Any) -> str:
        """A stored value as the summary shows it: Chinese words, percentages, 未填."""
        if value is None:
            return "未填"
        kind = next(f.kind for f in FIELDS[table] if f.name == key)
        if kind == "bool":
            return "是" if value else "否"
        if key in ("type", "inst_type"):
            return INSTITUTION_TYPES.get(value, str(value))
        if key == "hall_state":
            return HALL_STATES.get(value, str(value))
        if key == "hall_grade":
            return HALL_GRADES.get(value, str(value))
        if key == "hospital_grade":
            return HOSPITAL_GRADES.get(value, str(value))
        if key == "ownership":
            return OWNERSHIP.get(value, str(value))
        if key == "parent_id":
            return self.institution_names.get(value, str(value))
        if kind == "share":
            return percent(value)
        if kind == "int":
            return number(value)
        return str(value)

    def summary_lines(self, limit: int = 50, refusal_limit: int = 500) -> list[str]:
        """The summary the user reads before anything is written, in Chinese; each list is cut
        after `limit` lines (refusals after `refusal_limit`) with a count of the rest. A plan
        with refused rows imports nothing: it names the problems, and no count of institutions
        or activities it would have added reads as if something happened."""
        counts = (f"读取 {self.rows_read} 行：可导入 {self.rows_accepted} 行，"
                  f"跳过 {self.rows_skipped} 行（合计、说明等），拒绝 {len(self.refused_rows)} 行。")
        lines = [f"工作簿：{self.source.name}", counts]
        if self.refusals:
            lines.append(f"有 {len(self.refusals)} 处问题，整个工作簿不会导入，请改正后再导入：")
            lines += _capped([f"  {r}" for r in self.refusals], refusal_limit)
        else:
            new = self.new_institutions
            lines.append(f"新增机构：{len(new)} 家" + ("" if new else "。"))
            lines += _capped([f"  {n}" for n in new], limit)
            updated = self.updated
            lines.append(f"数据有变化的记录：{len(updated)} 条" + ("" if updated else "。"))
            lines += _capped([f"  {c}" for c in updated], limit)
        if self.undecided:
            lines.append(f"有 {len(self.undecided)} 行的机构在本县其他乡镇有同名同类机构，且未填机构代码："
                         "可能是撤乡并镇后划归新乡镇的同一机构，也可能是另一家同名机构。"
                         "请逐行确认后再导入（命令行：--moves move 均按同一机构划转，--moves new "
                         "均按新机构新增；也可在表中填写机构代码）：")
            lines += _capped([f"  {q}" for q in self.undecided], refusal_limit)
        if not self.refusals:
            lines += self._would_do_lines(limit)
        if self.unknown_columns:
            lines.append("未识别的列（已忽略）：" + "；".join(
                f"{sheet}“{header}”" for sheet, header in self.unknown_columns))
        if self.ignored_sheets:
            lines.append("未识别的工作表（已忽略）：" + "、".join(self.ignored_sheets))
        if self.hidden_sheets:
            lines.append("隐藏的工作表（未导入）：" + "、".join(self.hidden_sheets))
        if self.ok and not self.has_changes:
            lines.append("文件中已有这些数据，导入不会改变任何内容。")
        return lines

    def _would_do_lines(self, limit: int) -> list[str]:
        """What importing would do beyond new institutions and changed records: townships,
        activities, and what the file would say after it."""
        lines: list[str] = []
        decided = [q for q in self.possible_moves if q.decision is not None]
        if decided:
            lines.append("已确认的同名机构：")
            lines += _capped([f"  {q}" for q in decided], limit)
        if self.township_moves:
            lines.append(f"所属乡镇变更：{len(self.township_moves)} 家（自表中年度起，此前年度不变）")
            lines += _capped([f"  {m.line()}" for m in self.township_moves], limit)
        lines.append(f"新增宣传活动：{self.activities_added} 条。")
        lines += self._other_year_lines(limit)
        if self.duplicate_activities:
            lines.append("以下活动与同一机构同日、同类、同名的另一条是同一活动，在各项指标中按一次计"
                         "（如确为分别举办，请在“数据核查”中标记已核实：确为两次）：")
            lines += _capped([f"  {'、'.join(rows)}：{what}（导入后共 {n} 条"
                              + ("，已核实为分别举办，分别计数）" if ok else "，按一次计）")
                              for rows, what, n, ok in self.duplicate_activities], limit)
        if self.after_end:
            lines.append("以下机构已停用，表中却有停用之后年度的数据（导入但不计入统计；若机构仍在运行，"
                         "请在“机构”页恢复或修改停用年度）：" + "、".join(
                             f"{n}（{y}年）" for n, y in self.after_end.items()))
        for year, names in self.unreported.items():
            if names:
                shown = "、".join(names[:limit]) + (f" 等 {len(names)} 家" if len(names) > limit
                                                     else "")
                lines.append(f"{year}年仍未填报的机构：{len(names)} 家（{shown}）。请补报，"
                             "或在“机构”页记录其停用年度。")
        return lines

    def _other_year_lines(self, limit: int) -> list[str]:
        """The activities dated outside the workbook's years, named row by row."""
        if not self.other_year_activities:
            return []
        years = "、".join(f"{y}年" for y in self.workbook_years)
        per_year: dict[str, int] = {}
        for _, _, date in self.other_year_activities:
            per_year[date[:4]] = per_year.get(date[:4], 0) + 1
        counted = "，".join(f"{y}年 {n} 条" for y, n in sorted(per_year.items()))
        head = (f"请注意：有 {len(self.other_year_activities)} 条活动的日期不在本工作簿的年度（{years}）"
                f"内，导入后计入活动日期所在的年度（{counted}），不计入{years}。"
                "如是日期填错，请改正后再导入：")
        return [head, *_capped([f"  工作表“{sheet}”第 {row} 行：活动日期 {date}"
                                for sheet, row, date in self.other_year_activities], limit)]

    def summary_text(self, limit: int = 50, refusal_limit: int = 500) -> str:
        return "\n".join(self.summary_lines(limit, refusal_limit))


def _capped(lines: list[str], limit: int) -> list[str]:
    if len(lines) <= limit:
        return lines
    return [*lines[:limit], f"  ……另有 {len(lines) - limit} 条"]


def fingerprint(county: CountyFile) -> int:
    """Changes with every write to the file (each write records a new revision)."""
    return county.conn.execute("SELECT count(*) FROM revlog").fetchone()[0]
