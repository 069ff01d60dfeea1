"""The Excel vocabulary of contract.md: header words and their aliases, and every accepted spelling
of a value. The importer reads with it; the export and the template write its canonical words, so
what the program writes always reads back unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
import datetime as _dt
import math
import re
from typing import Any
import unicodedata

from db.errors import KnownError
from db.fields import clean_text as fields_clean_text
from db.vocab import (ACTIVITY_KINDS, HALL_GRADES, HALL_STATES, HOSPITAL_GRADES, INSTITUTION_TYPES,
                      OWNERSHIP)

# The 年度 column accepts the years the contract names; the store itself allows a wider range.
YEAR_MIN, YEAR_MAX = 2020, 2035
MAX_ROWS = 100_000
MAX_BYTES = 50 * 1024 * 1024
# A workbook is a zip of XML parts; these bound what reading it may cost, whatever the workbook
# claims about itself (its <dimension> is not trusted). README.md lists them under 限制.
MAX_COLUMNS = 200  # columns read per sheet; the vocabulary has fewer than 30
MAX_XML_ELEMENTS = 3_000_000  # XML elements in all sheets (a filled cell is two or three)
MAX_MERGED_CELLS = 2_000_000  # cells covered by merged ranges below the headers
MAX_SHEET_PART = 256 * 1024 * 1024  # a sheet's XML, unpacked
MAX_STRINGS_PART = 32 * 1024 * 1024  # the shared strings, held in memory whole
MAX_OTHER_PART = 16 * 1024 * 1024  # any other part (workbook, relationships …), unpacked
# The styles part is read as a stream (below), so its size costs a byte scan only: Excel's
# ceiling of 64,000 cell formats with alignments and named styles is about 25 MB.
MAX_STYLES_PART = 64 * 1024 * 1024
MAX_UNPACKED = 512 * 1024 * 1024  # all parts together, unpacked
MAX_PARTS = 10_000
# XML elements in each part read besides the sheets, counted by a byte scan before it is parsed.
# The styles part is read as a stream for its date formats only (about 3 µs an element); Excel's
# ceiling of 64,000 cell formats, each with its alignment, with as many named styles, is about
# 320,000. Lists of parts (content types, relationships) hold one element per
# part; the workbook part holds a sheet list and defined names (tens of thousands in a workbook
# copied from year to year); the shared strings, two elements a plain string, a few more with
# formatted runs.
MAX_STYLE_ELEMENTS = 500_000
MAX_LIST_ELEMENTS = 2 * MAX_PARTS
MAX_BOOK_ELEMENTS = 100_000
MAX_STRINGS_ELEMENTS = 2_000_000
MAX_TEXT = 2_000  # characters in one cell (a name, a title)
# No count in a county comes near this; it keeps absurd cells away from SQLite's 64-bit integers.
MAX_COUNT = 10**12


class WorkbookError(KnownError):
    """A workbook that cannot be imported at all (not a workbook, encrypted, too big, no sheet we
    recognise), or an Excel file that cannot be written; `str()` is one Chinese sentence."""


class BadValue(Exception):
    """A cell value that cannot be read for its column; the message is the Chinese reason."""


# ---- columns ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    """One column of the vocabulary: the key it fills, its canonical header, how values read."""

    key: str
    header: str
    # text | type | code | year | int | bool | state | grade | hgrade | share | date | kind | owner
    kind: str
    aliases: tuple[str, ...] = ()


def _c(key: str, header: str, kind: str = "int", *aliases: str) -> Column:
    return Column(key, header, kind, aliases)


NAME = _c("name", "机构名称", "text")
TYPE = _c("type", "机构类型", "type")
TOWNSHIP = _c("township", "所属乡镇", "text", "所属乡镇（街道）", "乡镇/街道", "乡镇（街道）")
CODE = _c("code", "机构代码", "code", "统一社会信用代码", "登记号")
YEAR = _c("year", "年度", "year")
# Not in contract.md's table but shown on the 机构 tab; the export writes them, so they read back.
PARENT = _c("parent", "上级机构", "text")
OWNER = _c("ownership", "公立/民营", "owner")
# An institution's years (contract.md): the first and the last year it counts.
ACTIVE_FROM = _c("active_from", "启用年度", "span", "设立年度", "开业年度")
ACTIVE_TO = _c("active_to", "停用年度", "span", "撤并年度", "停业年度")

# The key `has_hall` is the yes/no column 是否设置中医馆; it is folded into `hall_state`.
YEAR_COLUMNS: tuple[Column, ...] = (
    _c("physicians", "执业（助理）医师数"),
    _c("tcm_physicians", "中医类别执业（助理）医师数"),
    _c("other_tcm_staff", "能提供中医药服务的其他人员数"),
    _c("tcm_gps", "中医类别全科医生数"),
    _c("west_learn_tcm", "西学中人数"),
    _c("visits", "总诊疗人次"),
    _c("tcm_visits", "中医诊疗人次"),
    _c("has_hall", "是否设置中医馆", "bool"),
    _c("hall_state", "中医馆达标情况", "state"),
    _c("hall_grade", "中医馆等级", "grade"),
    _c("platform_connected", "是否接入中医馆健康信息平台", "bool"),
    _c("tcm_corner", "是否设置中医阁", "bool"),
    _c("service_place", "是否具备中医药服务场所和设备", "bool"),
    _c("tech_categories", "适宜技术类数"),
    _c("tech_items", "适宜技术项数"),
    _c("dept_preventive", "是否设置治未病科", "bool"),
    _c("dept_rehab", "是否设置康复科", "bool"),
    _c("dept_infectious", "是否设置感染性疾病科", "bool"),
    # The standard's facts (issue 16).
    _c("hall_area", "中医馆面积", "int", "中医馆建筑面积", "中医馆面积（平方米）", "中医馆面积（㎡）"),
    _c("hall_consult_rooms", "中医诊室数", "int", "中医馆诊室数"),
    _c("hall_treat_rooms", "中医治疗室数", "int", "中医馆治疗室数"),
    _c("hall_treat_area", "中医治疗室面积", "int", "治疗室面积", "中医治疗室面积（平方米）",
       "中医治疗室面积（㎡）"),
    _c("hospital_grade", "医院等级", "hgrade", "等级"),
    _c("dept_guidance", "是否设置基层指导科", "bool"),
    _c("tech_center", "是否设置中医药适宜技术推广中心", "bool", "是否设置适宜技术推广中心"),
    _c("tcm_dept", "是否设置中医科", "bool"),
    _c("tcm_pharmacy", "是否设置中药房", "bool"),
    _c("fd_teams", "家庭医生团队数", "int", "家庭医生签约服务团队数"),
    _c("fd_teams_tcm", "有中医药人员的家庭医生团队数", "int", "含中医药人员的家庭医生团队数"),
    # Facts the national texts ask for (issue 24).
    _c("decoction_room", "是否设置煎药室", "bool"),
    _c("edu_base", "是否设置中医健康宣教基地", "bool", "是否设置中医药健康宣教基地"),
)
YEAR_KEYS = {c.key for c in YEAR_COLUMNS}

INSTITUTION_COLUMNS: tuple[Column, ...] = (NAME, TYPE, TOWNSHIP, CODE, YEAR, PARENT, OWNER,
                                           ACTIVE_FROM, ACTIVE_TO, *YEAR_COLUMNS)

COUNTY_COLUMNS: tuple[Column, ...] = (
    YEAR,
    _c("resident_population", "常住人口"),
    _c("elderly_population", "65岁及以上常住居民数"),
    _c("elderly_managed", "接受中医药健康管理的65岁及以上居民数"),
    _c("infant_population", "0-36个月儿童数"),
    _c("infant_managed", "接受中医药健康管理的0-36个月儿童数"),
    _c("alliance_population", "医联体覆盖人口"),
    _c("satisfaction", "群众中医药服务满意率", "share"),
    _c("tcm_literacy", "中医药健康文化素养水平", "share", "居民中医药健康文化素养水平"),
)

# 机构代码, 机构类型 and 所属乡镇 are not in the contract's activity list; they are read when present
# so a name shared by two institutions (a village clinic's name in two townships) can be told apart.
ACTIVITY_COLUMNS: tuple[Column, ...] = (
    NAME, CODE, TYPE, TOWNSHIP,
    _c("date", "活动日期", "date"),
    _c("kind", "活动类型", "kind"),
    _c("title", "活动名称", "text"),
    _c("people", "参与人数"),
    _c("tcm_content", "是否中医药内容", "bool"),
)

SHEET_COLUMNS = {"institution": INSTITUTION_COLUMNS, "county": COUNTY_COLUMNS,
                 "activity": ACTIVITY_COLUMNS}
# Headers read and deliberately ignored (not reported as unrecognised).
IGNORED_HEADERS = {"序号"}


def header_key(text: Any) -> str:
    """A header as compared: NFKC (full-width brackets → half-width), no spaces or line breaks,
    no required-field marks."""
    if text is None:
        return ""
    key = unicodedata.normalize("NFKC", str(text))
    key = "".join(key.split()).strip("*※:：")
    return key


_TRAILING_GROUP = re.compile(r"\(([^()]{1,12})\)$")


def _candidates(key: str) -> list[str]:
    """The key itself, then with a trailing unit in brackets removed: （人）（人次）（个）（%）.

    A unit with a scale (万人次, 千人) is not removed: reading 12 as 12 visits would be wrong."""
    found = [key]
    match = _TRAILING_GROUP.search(key)
    if match and not re.search(r"[万千百亿]", match.group(1)):
        found.append(key[:match.start()])
    return found


def _lookup() -> dict[str, Column]:
    table: dict[str, Column] = {}
    for columns in SHEET_COLUMNS.values():
        for col in columns:
            for word in (col.header, *col.aliases):
                table[header_key(word)] = col
    return table


_ALL = _lookup()


def recognise(text: Any) -> Column | None:
    """The column a header names, whichever sheet kind it belongs to; None if unknown."""
    for key in _candidates(header_key(text)):
        if key in _ALL:
            return _ALL[key]
    return None


def is_ignored(text: Any) -> bool:
    return header_key(text) in IGNORED_HEADERS


# ---- values -----------------------------------------------------------------------------------

# "—", "-", "/" and blank mean "not reported"; NFKC has already turned full-width forms into these.
_BLANKS = {"", "-", "—", "——", "–", "/", "\\", "－"}

_YES = {"是", "有", "√", "✓", "✔", "Y", "YES", "1", "TRUE", "对"}
_NO = {"否", "无", "×", "✗", "✘", "N", "NO", "0", "FALSE", "X", "没有"}

_TYPE_WORDS: dict[str, str] = {
    "县级中医医院": "county_tcm_hospital", "中医医院": "county_tcm_hospital",
    "中蒙医院": "county_tcm_hospital", "中医院": "county_tcm_hospital",
    "县中医医院": "county_tcm_hospital", "县中医院": "county_tcm_hospital",
    "民族医医院": "county_tcm_hospital",
    "县级综合医院": "county_general_hospital", "人民医院": "county_general_hospital",
    "综合医院": "county_general_hospital", "县人民医院": "county_general_hospital",
    "妇幼保健院": "maternal_child", "妇幼保健所": "maternal_child",
    "妇幼保健计划生育服务中心": "maternal_child",
    "社区卫生服务中心": "chc",
    "乡镇卫生院": "township_hc", "中心卫生院": "township_hc", "卫生院": "township_hc",
    "社区卫生服务站": "chs",
    "村卫生室": "village_clinic",
    "中医诊所": "tcm_clinic", "中医门诊部": "tcm_clinic",
    "其他": "other", "其它": "other",
}
_STATE_WORDS: dict[str, str] = {
    **{word: key for key, word in HALL_STATES.items()},
    "已建": "built", "已达标": "standard", "标准化": "standard", "无": "none", "未设置": "none",
}
_GRADE_WORDS: dict[str, str] = {
    **{word: key for key, word in HALL_GRADES.items()},
    **{word + "中医馆": key for key, word in HALL_GRADES.items()},
    "一般": "normal",
}
_HOSPITAL_GRADE_WORDS: dict[str, str] = {
    **{word: key for key, word in HOSPITAL_GRADES.items()},
    "二级甲": "2a", "二级乙": "2b", "三级甲": "3a", "三级乙": "3b",
    "二甲": "2a", "二乙": "2b", "三甲": "3a", "三乙": "3b", "未评级": "none",
}
_OWNER_WORDS: dict[str, str] = {
    **{word: key for key, word in OWNERSHIP.items()},
    "公办": "public", "私立": "private", "民办": "private", "私营": "private",
}
# Traditional exercise the users name by the exercise itself (contract: 八段锦, 太极拳 → 传统健身).
_FITNESS = ("八段锦", "太极拳", "五禽戏", "易筋经", "六字诀")

TYPE_CHOICES = "、".join(INSTITUTION_TYPES.values())


def shorten(text: str, limit: int = 40) -> str:
    """Text as a message quotes it: a long cell is cut, so a refusal stays one readable line."""
    return text if len(text) <= limit else text[:limit] + "……"


def clean_text(value: Any) -> str:
    """A cell as text: numbers without a trailing .0, whitespace runs collapsed, no control or
    invisible format character (the rule of db.fields every writer of a name follows)."""
    if isinstance(value, str):
        return " ".join(fields_clean_text(value).split())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, _dt.datetime):
        value = value.date().isoformat() if value.time() == _dt.time() else value.isoformat(" ")
    elif isinstance(value, _dt.date):
        value = value.isoformat()
    return " ".join(str(value).split())


def _norm(value: Any) -> str:
    """Text for comparing against a vocabulary: NFKC, no spaces."""
    return "".join(unicodedata.normalize("NFKC", clean_text(value)).split())


class Uncalculated:
    """A formula cell saved without its result (a workbook written by a program and never opened
    in Excel or WPS): nothing to read, yet not a blank the clerk left. A row of nothing else is
    blank, as before; a column read from it refuses the row saying why."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "UNCALCULATED"


UNCALCULATED = Uncalculated()
FORMULA_WITHOUT_VALUE = "是公式，没有保存计算结果：请在 Excel 或 WPS 中打开并保存后再导入"


def is_blank(value: Any) -> bool:
    if value is None or value is UNCALCULATED:
        return True
    if isinstance(value, str):
        text = value.strip()
        # Every blank spelling is at most two characters: skip normalising longer text.
        return not text or (len(text) <= 2 and _norm(text) in _BLANKS)
    return False


def match_key(name: str) -> str:
    """How two institution names or codes are compared: NFKC, no spaces, case-folded."""
    return _norm(name).casefold()


def read_text(value: Any) -> str:
    return clean_text(value)


def read_code(value: Any) -> str:
    return clean_text(value).replace(" ", "")


_INT_UNITS = re.compile(r"(人次|人|个|名|项|类|家|次|户)$")
_INT_TEXT = re.compile(r"[+-]?\d+(\.0*)?")


def read_int(value: Any) -> int:
    """12, '12', '１２', '1,234', 12.0, '12.0', '12人' → an integer; 12.5 or 'abc' are refused."""
    if isinstance(value, bool):
        raise BadValue(f"应为整数，收到“{'是' if value else '否'}”")
    if isinstance(value, float) and not value.is_integer():
        raise BadValue(f"应为整数，收到“{clean_text(value)}”")
    if isinstance(value, (int, float)):
        if abs(value) > MAX_COUNT:
            raise BadValue(f"数值 {clean_text(value)} 过大")
        return int(value)
    if isinstance(value, (_dt.date, _dt.time, _dt.timedelta)):
        raise BadValue(f"应为整数，收到日期“{clean_text(value)}”")
    text = _INT_UNITS.sub("", _norm(value).replace(",", ""))
    if not _INT_TEXT.fullmatch(text):
        raise BadValue(f"应为整数，收到“{clean_text(value)}”")
    number = int(text.split(".")[0])
    if abs(number) > MAX_COUNT:
        raise BadValue(f"数值 {number} 过大")
    return number


def read_year(value: Any) -> int:
    return _year_from(value, YEAR_MIN)


# 启用年度 / 停用年度 reach further back than the years a county reports figures for.
SPAN_MIN = 2000


def read_span_year(value: Any) -> int:
    return _year_from(value, SPAN_MIN)


def _year_from(value: Any, low: int) -> int:
    if isinstance(value, str):
        value = re.sub(r"年度?$", "", _norm(value))
    try:
        year = read_int(value)
    except BadValue:
        raise BadValue(f"应为年份（如 2024），收到“{clean_text(value)}”") from None
    if not low <= year <= YEAR_MAX:
        raise BadValue(f"年度 {year} 不在 {low}–{YEAR_MAX} 之间")
    return year


def read_bool(value: Any) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)) and value in (0, 1):
        return int(value)
    word = _norm(value).upper()
    if word in _YES:
        return 1
    if word in _NO:
        return 0
    raise BadValue(f"应为“是”或“否”，收到“{clean_text(value)}”")


def read_share(value: Any, *, typed: bool = False) -> float:
    """92%, '92%', 92 and 0.92 all mean 92%. A plain number up to 1 is a fraction, from 2 up it is
    percent points; between the two it is a fraction too (Excel stores 150% as 1.5), so 1.5 is
    150% and refused rather than quietly read as 1.5%.

    `typed`: text a clerk typed into a percentage box, where there is no cell format to say a
    number is a fraction: a plain number is percent points (28 is 28%), and one between 0 and 1
    could be either (0.28: 0.28% or 28%?), so it is asked about rather than guessed."""
    if isinstance(value, bool):
        raise BadValue(f"应为百分比（如 92%），收到“{clean_text(value)}”")
    if isinstance(value, (int, float)) and not typed:
        number, percent = float(value), False
    else:
        text = _norm(value).replace(",", "")
        percent = text.endswith("%")
        try:
            number = float(text.rstrip("%"))
        except ValueError:
            raise BadValue(f"应为百分比（如 92%），收到“{clean_text(value)}”") from None
    if not math.isfinite(number):
        raise BadValue(f"应为百分比（如 92%），收到“{clean_text(value)}”")
    if typed and not percent:
        if 0 < number < 1:
            shown = clean_text(value).strip()
            raise BadValue(f"“{shown}”是 {number:g}% 还是 {number * 100:g}%？"
                           f"请输入百分数，如 {number * 100:g} 或 {number * 100:g}%")
        percent = True
    if not percent and 1 < number < 2:
        raise BadValue(f"“{clean_text(value)}”即 {number * 100:g}%，超过 100%（如指百分之几，"
                       f"请写成带 % 的数，如 {clean_text(value)}%）")
    return round(number / 100 if percent or number > 1 else number, 6)


_DATE_TEXT = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:\d{1,2}:\d{2}(?::\d{2})?)?")
_EXCEL_EPOCH = _dt.date(1899, 12, 30)


def read_date(value: Any) -> str:
    """A date cell, a date serial number, or 2024-03-05 / 2024/3/5 / 2024年3月5日 → '2024-03-05'."""
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    bad = BadValue(f"“{clean_text(value)}”不是日期（应填 2024-03-05、2024/3/5 或 2024年3月5日）")
    if isinstance(value, bool):
        raise bad
    if isinstance(value, (int, float)):
        # A date cell whose format was lost arrives as Excel's day number (36526 = 2000-01-01).
        if float(value).is_integer() and 36_526 <= value <= 73_415:
            return (_EXCEL_EPOCH + _dt.timedelta(days=int(value))).isoformat()
        value = clean_text(value)
    text = _norm(value)
    match = _DATE_TEXT.fullmatch(text)
    if match is None and re.fullmatch(r"\d{8}", text):
        match = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
    if match is None:
        raise bad
    try:
        return _dt.date(*(int(g) for g in match.groups())).isoformat()
    except ValueError:
        raise bad from None


def _choice(value: Any, words: dict[str, str], what: str, choices: str) -> str:
    word = _norm(value)
    if word in words:
        return words[word]
    if word in words.values():  # the stored key itself (township_hc, standard …)
        return word
    raise BadValue(f"“{clean_text(value)}”不是可识别的{what}（可填：{choices}）")


def read_type(value: Any) -> str:
    word = _norm(value)
    if word not in _TYPE_WORDS and word not in INSTITUTION_TYPES:
        # "青河县中医医院" in the type column: the name ends with the type word.
        for alias in sorted(_TYPE_WORDS, key=len, reverse=True):
            if len(alias) >= 3 and word.endswith(alias):
                return _TYPE_WORDS[alias]
    return _choice(value, _TYPE_WORDS, "机构类型", TYPE_CHOICES)


def read_state(value: Any) -> str:
    return _choice(value, _STATE_WORDS, "中医馆达标情况", "、".join(HALL_STATES.values()))


def read_grade(value: Any) -> str:
    return _choice(value, _GRADE_WORDS, "中医馆等级", "、".join(HALL_GRADES.values()))


def read_hospital_grade(value: Any) -> str:
    return _choice(value, _HOSPITAL_GRADE_WORDS, "医院等级", "、".join(HOSPITAL_GRADES.values()))


def read_owner(value: Any) -> str:
    return _choice(value, _OWNER_WORDS, "公立/民营", "、".join(OWNERSHIP.values()))


def read_kind(value: Any) -> str:
    word = _norm(value)
    for candidate in (word, re.sub(r"^中医药?", "", word)):
        if candidate in ACTIVITY_KINDS:
            return candidate
    if any(f in word for f in _FITNESS):
        return "传统健身"
    raise BadValue(f"“{clean_text(value)}”不是可识别的活动类型（可填：{'、'.join(ACTIVITY_KINDS)}，"
                   "八段锦、太极拳记为传统健身）")


READERS = {
    "text": read_text, "code": read_code, "type": read_type, "year": read_year,
    "span": read_span_year,
    "int": read_int, "bool": read_bool, "state": read_state, "grade": read_grade,
    "share": read_share, "date": read_date, "kind": read_kind, "owner": read_owner,
    "hgrade": read_hospital_grade,
}


def read_cell(column: Column, value: Any) -> Any:
    """The stored value of one cell for `column`; None when not reported; BadValue if unreadable."""
    if value is UNCALCULATED:
        raise BadValue(FORMULA_WITHOUT_VALUE)
    if is_blank(value):
        return None
    if isinstance(value, str) and len(value) > MAX_TEXT:
        # Checked first: every reader quotes the cell in its refusal.
        raise BadValue(f"内容过长（{len(value):,} 个字符，上限 {MAX_TEXT:,} 个）")
    return READERS[column.kind](value)


# ---- writing the canonical words ----------------------------------------------------------------

def yes_no(value: int | None) -> str | None:
    return None if value is None else ("是" if value else "否")


YES_NO = ("是", "否")


def has_hall_word(state: str | None) -> str | None:
    """What 是否设置中医馆 says for a stored hall state."""
    if state is None:
        return None
    return "否" if state == "none" else "是"
