"""What each stored field means: its Chinese label, its kind, and the rules a value must obey.

The data layer refuses impossible values itself, so the window, the importer and a merge all get
the same Chinese sentence that names the field and the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
import datetime as _dt
import functools
from typing import Any
import unicodedata

from . import vocab
from .errors import ValidationError
from .text import clean_text, shown, text_problem, visible  # noqa: F401 (used from here too)


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str  # text | int | bool | choice | year | date | share | ref
    required: bool = False
    choices: tuple[str, ...] = ()
    default: Any = None
    # Text only: the most characters it may hold (None: a store of the program's own JSON,
    # bounded where it is parsed), and whether it may hold line breaks and tabs (a note).
    limit: int | None = None
    lines: bool = False


# How long a text field may be. A name is a line on a form (the longest real 机构名称 is under
# 40 characters); free text (a task, a note) is a paragraph, as an Excel cell may hold.
NAME_MAX = 100
TITLE_MAX = 200  # an activity's 活动名称: a headline, longer than a name
TEXT_MAX = 2_000


def _f(name: str, label: str, kind: str = "int", **kw: Any) -> Field:
    if kind == "text":
        kw.setdefault("limit", TEXT_MAX)
        kw.setdefault("lines", name in ("note", "swap_note"))
    return Field(name, label, kind, **kw)


def _name(name: str, label: str, **kw: Any) -> Field:
    kw.setdefault("limit", NAME_MAX)
    return _f(name, label, "text", **kw)


FIELDS: dict[str, tuple[Field, ...]] = {
    "setting": (_f("value", "值", "text", limit=None),),
    "profile": (
        _name("name", "方案名称", required=True),
        _f("based_on", "来源方案", "text"),
        _f("body", "方案内容", "text", required=True, limit=None),
    ),
    "county_year": (
        _f("year", "年度", "year", required=True),
        _f("resident_population", "常住人口"),
        _f("elderly_population", "65岁及以上常住居民数"),
        _f("elderly_managed", "接受中医药健康管理的65岁及以上居民数"),
        _f("infant_population", "0-36个月儿童数"),
        _f("infant_managed", "接受中医药健康管理的0-36个月儿童数"),
        _f("alliance_population", "医联体覆盖人口"),
        _f("satisfaction", "群众中医药服务满意率", "share"),
        _f("tcm_literacy", "中医药健康文化素养水平", "share"),
    ),
    "institution": (
        _name("name", "机构名称", required=True),
        _f("type", "机构类型", "choice", required=True, choices=tuple(vocab.INSTITUTION_TYPES)),
        _name("township", "所属乡镇（街道）"),
        _name("code", "机构代码"),
        _f("parent_id", "上级机构", "ref"),
        _f("ownership", "公立/民营", "choice", choices=tuple(vocab.OWNERSHIP), default="public"),
        _f("active_from", "启用年度", "year"),
        _f("active_to", "停用年度", "year"),
        _f("note", "备注", "text"),
    ),
    "institution_year": (
        _f("institution_id", "机构", "ref", required=True),
        _f("year", "年度", "year", required=True),
        _f("inst_type", "当年机构类型", "choice", choices=tuple(vocab.INSTITUTION_TYPES)),
        _f("hall_state", "中医馆达标情况", "choice", choices=tuple(vocab.HALL_STATES)),
        _f("hall_grade", "中医馆等级", "choice", choices=tuple(vocab.HALL_GRADES)),
        _f("platform_connected", "是否接入中医馆健康信息平台", "bool"),
        _f("tcm_corner", "是否设置中医阁", "bool"),
        _f("service_place", "是否具备中医药服务场所和设备", "bool"),
        _f("tech_categories", "适宜技术类数"),
        _f("tech_items", "适宜技术项数"),
        _f("physicians", "执业（助理）医师数"),
        _f("tcm_physicians", "中医类别执业（助理）医师数"),
        _f("other_tcm_staff", "能提供中医药服务的其他人员数"),
        _f("tcm_gps", "中医类别全科医生数"),
        _f("west_learn_tcm", "西学中人数"),
        _f("visits", "总诊疗人次"),
        _f("tcm_visits", "中医诊疗人次"),
        _f("dept_preventive", "是否设置治未病科", "bool"),
        _f("dept_rehab", "是否设置康复科", "bool"),
        _f("dept_infectious", "是否设置感染性疾病科", "bool"),
        _f("hall_area", "中医馆面积（平方米）"),
        _f("hall_consult_rooms", "中医馆诊室数"),
        _f("hall_treat_rooms", "中医馆治疗室数"),
        _f("hall_treat_area", "中医馆治疗室面积（平方米）"),
        _f("hospital_grade", "医院等级", "choice", choices=tuple(vocab.HOSPITAL_GRADES)),
        _f("dept_guidance", "是否设置基层指导科", "bool"),
        _f("tech_center", "是否设置中医药适宜技术推广中心", "bool"),
        _f("tcm_dept", "是否设置中医科", "bool"),
        _f("tcm_pharmacy", "是否设置中药房", "bool"),
        _f("fd_teams", "家庭医生团队数"),
        _f("fd_teams_tcm", "有中医药人员的家庭医生团队数"),
        _f("carried", "沿用上年（未确认）", "text"),
        _f("decoction_room", "是否设置煎药室", "bool"),
        _f("edu_base", "是否设置中医健康宣教基地", "bool"),
    ),
    "institution_township": (
        _f("institution_id", "机构", "ref", required=True),
        _f("until_year", "截至年度", "year", required=True),
        _name("township", "所属乡镇（街道）"),
    ),
    "activity": (
        _f("institution_id", "机构", "ref", required=True),
        _f("date", "活动日期", "date", required=True),
        _f("kind", "活动类型", "choice", required=True, choices=vocab.ACTIVITY_KINDS),
        _name("title", "活动名称", required=True, limit=TITLE_MAX),
        _f("people", "参与人数"),
        _f("tcm_content", "是否中医药内容", "bool", default=1),
        _f("note", "备注", "text"),
    ),
    "task": (
        _f("category", "任务类别", "text"),
        _f("number", "序号", "text"),
        _f("text", "任务内容", "text", required=True),
        _f("lead_unit", "牵头单位", "text"),
        _f("assist_units", "配合单位", "text"),
        _f("deadline", "完成时限", "date"),
        _f("phase", "阶段", "text"),
        _f("status", "状态", "choice", choices=vocab.TASK_STATUSES, default="未开始"),
        _f("note", "备注", "text"),
    ),
    "phase": (
        _name("name", "阶段名称", required=True),
        _f("start_date", "开始日期", "date"),
        _f("end_date", "结束日期", "date"),
        _f("ord", "顺序"),
        _f("note", "备注", "text"),
    ),
    "review": (
        _f("year", "年度", "year", required=True),
        _name("name", "评审名称", required=True),
        _f("review_date", "评审日期", "date"),
        _f("seed", "抽签号", required=True),
        _f("rule", "抽样规则", "text", required=True, limit=None),
        _f("note", "备注", "text"),
    ),
    "review_inst": (
        _f("review_id", "模拟评审", "ref", required=True),
        _f("institution_id", "机构", "ref", required=True),
        _f("ord", "顺序"),
        _f("drawn_id", "原抽中机构", "ref"),
        _f("swap_note", "调换说明", "text"),
    ),
    "review_finding": (
        _f("review_id", "模拟评审", "ref", required=True),
        _f("institution_id", "机构", "ref", required=True),
        _f("item_id", "评分项", "text", required=True),
        _f("verdict", "现场结论", "choice", choices=("符合", "不符合")),
        _f("note", "备注", "text"),
    ),
    "check_review": (
        _f("check_key", "核查项", "text", required=True),
        _f("year", "年度", "year"),
        _f("institution_id", "机构", "ref"),
        _f("verified", "已核实", "bool", default=1),
        _f("note", "核实说明", "text"),
    ),
    "planned_action": (
        _f("year", "年度", "year", required=True),
        _f("action_key", "达标路径行动", "text", required=True),
        _f("item_id", "评分项", "text", required=True),
        _f("institution_id", "机构", "ref"),
        _f("what", "行动内容", "text"),
        _name("person", "责任人"),
        _f("due_date", "完成时限", "date"),
        _f("note", "备注", "text"),
    ),
    "evidence": (
        _f("owner_table", "所属类别", "text", required=True),
        _f("owner_id", "所属记录", "text"),
        _f("indicator_id", "指标", "text"),
        _f("year", "年度", "year"),
        _f("filename", "文件名", "text", required=True),
        _f("mime", "文件类型", "text"),
        _f("size", "文件大小"),
        _f("sha256", "校验值", "text", required=True),
        _f("note", "备注", "text"),
    ),
}

TABLE_LABELS = {
    "setting": "设置",
    "profile": "目标方案",
    "county_year": "全县情况",
    "institution": "机构",
    "institution_year": "机构年度数据",
    "institution_township": "机构往年所属乡镇",
    "activity": "宣传活动",
    "task": "创建任务",
    "phase": "创建阶段",
    "review": "模拟评审",
    "review_inst": "模拟评审抽查机构",
    "review_finding": "模拟评审现场结论",
    "evidence": "佐证材料",
    "check_review": "数据核查",
    "planned_action": "达标路径安排",
}


def field(table: str, name: str) -> Field:
    for f in FIELDS[table]:
        if f.name == name:
            return f
    raise KeyError(f"{table}.{name}")


def label(table: str, name: str) -> str:
    return field(table, name).label


def _refuse(table: str, f: Field, reason: str) -> ValidationError:
    return ValidationError(f"{f.label}：{reason}", table=table, field=f.name, label=f.label)


def _check_value(table: str, f: Field, value: Any) -> None:
    if value is None or value == "":
        if f.required:
            raise _refuse(table, f, "不能为空")
        return
    kind = f.kind
    if kind in ("int", "year"):
        if isinstance(value, bool) or not isinstance(value, int):
            raise _refuse(table, f, f"应为整数，收到“{value}”")
        if kind == "int" and value < 0:
            raise _refuse(table, f, f"不能为负数（{value}）")
        if kind == "year" and not vocab.YEAR_MIN <= value <= vocab.YEAR_MAX:
            raise _refuse(table, f, f"年度 {value} 不在 {vocab.YEAR_MIN}–{vocab.YEAR_MAX} 之间")
    elif kind == "bool":
        if value not in (0, 1) or isinstance(value, float):
            raise _refuse(table, f, f"应为“是”或“否”，收到“{value}”")
    elif kind == "share":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _refuse(table, f, f"应为 0–100% 之间的比例，收到“{value}”")
        if not 0 <= value <= 1:
            raise _refuse(table, f, f"应在 0–100% 之间，收到 {value * 100:g}%")
    elif kind == "choice":
        if value not in f.choices:
            raise _refuse(table, f, f"“{value}”不是可选的值")
    elif kind == "date":
        try:
            d = _dt.date.fromisoformat(str(value))
        except ValueError:
            raise _refuse(table, f, f"“{value}”不是有效日期（应为 年-月-日）") from None
        if str(value) != d.isoformat():
            raise _refuse(table, f, f"“{value}”不是有效日期（应为 年-月-日）")
        if not vocab.YEAR_MIN <= d.year <= vocab.YEAR_MAX:
            raise _refuse(table, f, f"日期 {value} 不在 {vocab.YEAR_MIN}–{vocab.YEAR_MAX} 年之间")
    elif kind in ("text", "ref"):
        if not isinstance(value, str):
            raise _refuse(table, f, f"应为文字，收到“{value}”")
        if f.required and not value.strip():
            raise _refuse(table, f, "不能为空")
        if kind == "text" and f.limit is not None:
            reason = text_problem(value, f.limit, lines=f.lines)
            if reason:
                raise _refuse(table, f, reason)


# ---- text a user or a file gives (the rule itself: db.text) -------------------------------------

def tidy(table: str, values: dict[str, Any]) -> dict[str, Any]:
    """`values` with each text field cleaned by the field's rule (what every write does first)."""
    out = dict(values)
    for f in FIELDS[table]:
        value = out.get(f.name)
        if f.kind == "text" and f.limit is not None and isinstance(value, str):
            out[f.name] = clean_text(value, lines=f.lines)
    return out


def as_date(value: Any) -> _dt.date | None:
    """A stored date (2024-03-05) as a date, or None when it is not one: a file written by
    another program can hold 2024-02-30 in a date column, and a reader shows such text as it is
    instead of failing on it."""
    try:
        return _dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def count_text(value: Any) -> str:
    """A count as the window's tables write it (29,400)."""
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value)


def _more_than(table: str, small: str, big: str, rec: dict[str, Any],
               why: str = "") -> ValidationError | None:
    a, b = rec.get(small), rec.get(big)
    if a is not None and b is not None and a > b:
        f, g = field(table, small), field(table, big)
        return ValidationError(
            f"{f.label}（{count_text(a)}）不能多于{g.label}（{count_text(b)}）{why}",
            table=table, field=small, label=f.label, involves=(small, big),
        )
    return None


def validate(table: str, rec: dict[str, Any]) -> None:
    """Raise ValidationError for the first impossible value in `rec` (a whole record)."""
    found = problems(table, rec)
    if found:
        raise found[0]


def problems(table: str, rec: dict[str, Any]) -> list[ValidationError]:
    """Every impossible value in `rec` (a whole record), each field's own check first in field
    order, then each broken cross-field rule. A rule over a field that fails its own check is
    left out: its verdict on an impossible value would mean nothing."""
    found: list[ValidationError] = []
    for f in FIELDS[table]:
        try:
            _check_value(table, f, rec.get(f.name))
        except ValidationError as exc:
            found.append(exc)
    bad = {exc.field for exc in found}
    rules: list[ValidationError | None] = []
    if table == "institution_year":
        rules += [_more_than(table, "tcm_physicians", "physicians", rec),
                  _more_than(table, "tcm_visits", "visits", rec),
                  _more_than(table, "tech_categories", "tech_items", rec),
                  _more_than(table, "fd_teams_tcm", "fd_teams", rec),
                  _more_than(table, "hall_treat_area", "hall_area", rec)]
        phys, tcm, west = rec.get("physicians"), rec.get("tcm_physicians"), rec.get("west_learn_tcm")
        if west is not None and phys is not None and not {"physicians", "tcm_physicians",
                                                          "west_learn_tcm"} & bad:
            non_tcm = phys - (tcm or 0)
            if west > non_tcm:
                f = field(table, "west_learn_tcm")
                rules.append(ValidationError(
                    f"{f.label}（{count_text(west)}）不能多于非中医类别医师数"
                    f"（{count_text(non_tcm)}）",
                    table=table, field=f.name, label=f.label,
                    involves=("west_learn_tcm", "physicians", "tcm_physicians"),
                ))
        if rec.get("hall_state") in (None, "none") and rec.get("hall_grade") in ("boutique", "model"):
            f = field(table, "hall_grade")
            rules.append(ValidationError(
                f"{f.label}：未建中医馆的机构不能评为{vocab.HALL_GRADES[rec['hall_grade']]}中医馆",
                table=table, field=f.name, label=f.label, involves=("hall_grade", "hall_state"),
            ))
    elif table == "county_year":
        rules += [_more_than(table, "elderly_managed", "elderly_population", rec),
                  _more_than(table, "infant_managed", "infant_population", rec),
                  _more_than(table, "alliance_population", "resident_population", rec),
                  _more_than(table, "elderly_population", "resident_population", rec),
                  _more_than(table, "infant_population", "resident_population", rec)]
    elif table == "phase":
        a, b = rec.get("start_date"), rec.get("end_date")
        if a and b and a > b:
            f = field(table, "end_date")
            rules.append(ValidationError(f"{f.label}（{b}）不能早于开始日期（{a}）", table=table,
                                         field=f.name, label=f.label,
                                         involves=("end_date", "start_date")))
    elif table == "institution":
        a, b = rec.get("active_from"), rec.get("active_to")
        if a is not None and b is not None and a > b:
            f = field(table, "active_to")
            rules.append(ValidationError(
                f"{f.label}（{b}）不能早于启用年度（{a}）", table=table, field=f.name,
                label=f.label, involves=("active_to", "active_from"),
            ))
    return found + [r for r in rules if r is not None and not set(r.involves) & bad]


def activity_after_today(date: str, today: _dt.date | None = None) -> str | None:
    """Why an activity dated `date` (2024-11-15) cannot have taken place yet, or None.

    A log lists what was held, so a date after today is a slip (2027 for 2024): the window's
    新增/编辑活动 and an Excel import refuse it in these words. Not part of `validate`, which a
    merge, an undo and every reader of a file apply: a record a file already holds (written on a
    PC whose clock ran ahead) is carried and shown, never refused."""
    today_text = (today or _dt.date.today()).isoformat()
    if date > today_text:
        return f"活动日期 {date} 晚于今天（{today_text}），不可能已经举办"
    return None


# ---- which types fill which facts ---------------------------------------------------------------

_CENTRES = ("chc", "township_hc")
_STATIONS = ("chs", "village_clinic")
_TCM_HOSPITAL = ("county_tcm_hospital",)
_OTHER_HOSPITALS = ("county_general_hospital", "maternal_child")

# The facts of institution_year that only some types fill, with the reason a clerk reads when a
# value is given for another type. Every other fact (staff, visits, techniques) applies to all.
_FILLED_BY: tuple[tuple[tuple[str, ...], tuple[str, ...], str], ...] = (
    (("hall_state", "hall_grade", "platform_connected", "hall_area", "hall_consult_rooms",
      "hall_treat_rooms", "hall_treat_area"), _CENTRES,
     "中医馆设在社区卫生服务中心、乡镇卫生院，社区卫生服务站、村卫生室设中医阁"),
    (("tcm_corner", "service_place"), _STATIONS,
     "中医阁和中医药服务场所设备由社区卫生服务站、村卫生室填写，中心和卫生院填中医馆"),
    (("dept_preventive", "dept_rehab", "dept_infectious", "hospital_grade", "dept_guidance",
      "tech_center"), _TCM_HOSPITAL, "只由县级中医医院填写"),
    (("tcm_dept", "tcm_pharmacy", "decoction_room"), _OTHER_HOSPITALS,
     "只由县级综合医院、妇幼保健院填写"),
    (("edu_base",), (*_TCM_HOSPITAL, *_OTHER_HOSPITALS),
     "中医健康宣教基地依托县级医院设置，只由县级中医医院、综合医院、妇幼保健院填写"),
    (("fd_teams", "fd_teams_tcm"), _CENTRES, "家庭医生团队由社区卫生服务中心、乡镇卫生院填写"),
)
FILLED_BY: dict[str, tuple[tuple[str, ...], str]] = {
    name: (types, why) for names, types, why in _FILLED_BY for name in names}


def applies(name: str, inst_type: str | None) -> bool:
    """Whether an institution of `inst_type` fills the fact `name` of institution_year."""
    rule = FILLED_BY.get(name)
    return rule is None or inst_type is None or inst_type in rule[0]


def not_applicable(name: str, inst_type: str | None) -> str | None:
    """Why an institution of `inst_type` does not fill `name`, in the words a clerk reads."""
    if applies(name, inst_type):
        return None
    return f"{vocab.INSTITUTION_TYPES.get(inst_type or '', inst_type)}不填此项（{FILLED_BY[name][1]}）"


def check_applies(inst_type: str | None, values: dict[str, Any]) -> None:
    """Refuse the first value given for a fact the type does not fill (blank clears are fine).

    Only values being written are checked: a value an older file already holds is left alone
    (it counts for no indicator), and clearing it is always allowed."""
    found = not_applying(inst_type, values)
    if found:
        raise found[0]


def not_applying(inst_type: str | None, values: dict[str, Any]) -> list[ValidationError]:
    """Every value given for a fact the type does not fill, in the order of `values`."""
    found = []
    for name, value in values.items():
        if value is not None and value != "" and not applies(name, inst_type):
            f = field("institution_year", name)
            found.append(ValidationError(f"{f.label}：{not_applicable(name, inst_type)}",
                                         table="institution_year", field=name, label=f.label))
    return found


# ---- one institution, once -------------------------------------------------------------------

def same_key(text: Any) -> str:
    """How two names or codes are compared: NFKC, no spaces, case-folded (as the importer does)."""
    return _text_key(str(text or ""))


@functools.lru_cache(maxsize=65536)
def _text_key(text: str) -> str:
    # Names and titles repeat (the same lecture title in every centre): each worked out once.
    # Invisible characters are no difference: 李坡村<U+200B>卫生室 is 李坡村卫生室.
    return "".join(clean_text(unicodedata.normalize("NFKC", text)).split()).casefold()


def duplicate_among(record: dict[str, Any], others: Any) -> str | None:
    """Why `record` would be a second copy of one of `others` (institution dicts), or None.

    The same 机构代码, or the same name in the same township, is the same institution twice; a
    record never clashes with itself (same id). Only the first clash is named. (One record
    against a few, or once: many records against many are checked with InstitutionKeys.)
    """
    rid, code = record.get("id"), same_key(record.get("code"))
    name, town = same_key(record.get("name")), same_key(record.get("township"))
    for other in others:
        if rid is not None and other.get("id") == rid:
            continue
        if code and same_key(other.get("code")) == code:
            return (f"机构代码“{other['code']}”已被“{other['name']}”使用，"
                    "同一机构不能登记两次")
        if name and same_key(other.get("name")) == name and same_key(other.get("township")) == town:
            where = f"“{other['township']}”" if other.get("township") else "未填乡镇的机构中"
            return f"{where}已有名为“{other['name']}”的机构，同一机构不能登记两次"
    return None


class InstitutionKeys:
    """Institutions by the keys two copies of one are recognised by, each computed once: many
    records are checked against many institutions in time linear in both (an import creating
    6,400 institutions compared every pair before). Answers as `duplicate_among` does: the
    first clash in the order the institutions were added, a code clash before a name clash on
    the same institution."""

    def __init__(self, others: Any = ()) -> None:
        self._by_code: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        self._by_name: dict[tuple[str, str], list[tuple[int, dict[str, Any]]]] = {}
        # An institution's place in the order and its keys, by its id (to replace it).
        self._at: dict[Any, tuple[int, str, tuple[str, str] | None]] = {}
        self._added = 0
        for other in others:
            self.add(other)

    def add(self, other: dict[str, Any], at: int | None = None) -> None:
        if at is None:
            at, self._added = self._added, self._added + 1
        code = same_key(other.get("code"))
        if code:
            self._by_code.setdefault(code, []).append((at, other))
        name = same_key(other.get("name"))
        named = (name, same_key(other.get("township"))) if name else None
        if named:
            self._by_name.setdefault(named, []).append((at, other))
        if other.get("id") is not None:
            self._at[other["id"]] = (at, code, named)

    def replace(self, other: dict[str, Any]) -> None:
        """`other` in place of the institution with its id, keeping that one's place."""
        rid = other["id"]
        at = None
        if rid in self._at:
            at, code, named = self._at.pop(rid)
            for index, key in ((self._by_code, code), (self._by_name, named)):
                if key:
                    index[key] = [f for f in index[key] if f[1].get("id") != rid]
        self.add(other, at)

    def clash(self, record: dict[str, Any]) -> tuple[dict[str, Any], str] | None:
        """The institution `record` would be a second copy of, and why; or None."""
        rid, code = record.get("id"), same_key(record.get("code"))
        name = same_key(record.get("name"))
        by_code = self._first(self._by_code.get(code, ()), rid) if code else None
        by_name = (self._first(self._by_name.get((name, same_key(record.get("township"))), ()),
                               rid) if name else None)
        if by_code is not None and (by_name is None or by_code[0] <= by_name[0]):
            other = by_code[1]
            return other, (f"机构代码“{other['code']}”已被“{other['name']}”使用，"
                           "同一机构不能登记两次")
        if by_name is not None:
            other = by_name[1]
            where = f"“{other['township']}”" if other.get("township") else "未填乡镇的机构中"
            return other, f"{where}已有名为“{other['name']}”的机构，同一机构不能登记两次"
        return None

    def duplicate(self, record: dict[str, Any]) -> str | None:
        """Why `record` would be a second copy of an institution added here, or None."""
        found = self.clash(record)
        return found[1] if found else None

    @staticmethod
    def _first(found: Any, rid: Any) -> tuple[int, dict[str, Any]] | None:
        # The earliest in the order; a record never clashes with itself.
        return min((f for f in found if rid is None or f[1].get("id") != rid),
                   key=lambda f: f[0], default=None)
