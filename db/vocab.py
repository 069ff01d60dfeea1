"""Fixed vocabularies: the keys stored in the file and the Chinese words users see for them."""

from __future__ import annotations

from collections.abc import Iterable
import functools
import itertools
from typing import Any

INSTITUTION_TYPES: dict[str, str] = {
    "county_tcm_hospital": "县级中医医院",
    "county_general_hospital": "县级综合医院",
    "maternal_child": "妇幼保健院",
    "chc": "社区卫生服务中心",
    "township_hc": "乡镇卫生院",
    "chs": "社区卫生服务站",
    "village_clinic": "村卫生室",
    "tcm_clinic": "中医诊所",
    "other": "其他",
}

# Grassroots centres that must have a 中医馆, and the small units under them.
CENTRE_TYPES = ("chc", "township_hc")
STATION_TYPES = ("chs", "village_clinic")

OWNERSHIP: dict[str, str] = {"public": "公立", "private": "民营"}

# 中医馆 states in order; "none" means no 中医馆.
HALL_STATES: dict[str, str] = {
    "none": "未建",
    "built": "已建未达标",
    "standard": "达标",
    "upgraded": "提档升级",
}
HALL_GRADES: dict[str, str] = {"normal": "普通", "boutique": "精品", "model": "示范"}
# Hospital grades, lowest first (the standard asks the county TCM hospital for a least grade).
HOSPITAL_GRADES: dict[str, str] = {
    "none": "未定级",
    "2b": "二级乙等",
    "2a": "二级甲等",
    "3b": "三级乙等",
    "3a": "三级甲等",
}

ACTIVITY_KINDS: tuple[str, ...] = (
    "宣传栏更换",
    "健康咨询",
    "健康讲座",
    "文字资料",
    "音像资料",
    "义诊",
    "进校园",
    "传统健身",
    "其他",
)

TASK_STATUSES: tuple[str, ...] = ("未开始", "推进中", "已完成", "已延期")

YEAR_MIN, YEAR_MAX = 2000, 2100


# ---- the order a clerk expects in lists ----------------------------------------------------

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}


@functools.lru_cache(maxsize=65536)  # a table sorts by the same few thousand names again and again
def pinyin_key(text: str | None) -> str:
    """Chinese text as its pinyin with tones (刘 → liu2), so names sort as a dictionary does:
    `" ".join(pypinyin.lazy_pinyin(text, style=Style.TONE3))`, lower-cased. pypinyin splits the
    text into words and reads each word alone, so each word's reading is kept once: 6,400
    institution names hold a few hundred words, and the register sorts five times faster."""
    engine = _pinyin_engine()
    return " ".join(itertools.chain.from_iterable(
        _word_pinyin(word) for word in engine.seg(text or ""))).lower()


def warm_pinyin(texts: Iterable[str]) -> None:
    """Read `texts` into pinyin ahead of the lists that sort by them (a thread of the window
    does, while the clerk looks at the first tab). Nothing here may fail: it only saves time."""
    try:
        for text in texts:
            pinyin_key(text)
    except Exception:  # noqa: BLE001 - a key not kept now is computed when the list needs it
        return


@functools.cache
def _pinyin_engine() -> Any:
    """lazy_pinyin's own engine and settings (pypinyin 0.55). Imported on first use: its
    dictionaries take a third of a second to load."""
    from pypinyin.converter import UltimateConverter
    from pypinyin.core import Pinyin

    return Pinyin(UltimateConverter(v_to_u=False, neutral_tone_with_five=False,
                                    tone_sandhi=False))


@functools.lru_cache(maxsize=65536)
def _word_pinyin(word: str) -> tuple[str, ...]:
    from pypinyin import Style

    readings = _pinyin_engine()._converter.convert(word, Style.TONE3, False, "default",
                                                    strict=True)
    return tuple(itertools.chain.from_iterable(readings))


def institution_key(row: dict) -> tuple:
    """Type in INSTITUTION_TYPES order (the county TCM hospital first), township, then name."""
    order = _TYPE_ORDER.get(row.get("type"), len(_TYPE_ORDER))  # type: ignore[arg-type]
    return (order, pinyin_key(row.get("township")), pinyin_key(row.get("name")))


_TYPE_ORDER = {kind: n for n, kind in enumerate(INSTITUTION_TYPES)}


def number_key(number: str | None) -> tuple:
    """A task's 序号 as a number: 2 before 10, 九 before 十一, （三） and 3. as 3; others after."""
    text = (number or "").strip().strip("（）()、.．，,")
    if text.isdigit():
        return (0, int(text), text)
    value = _chinese_number(text)
    if value is not None:
        return (0, value, text)
    return (1, 0, pinyin_key(text)) if text else (2, 0, "")


def _chinese_number(text: str) -> int | None:
    """一 … 九十九 (what plans number their tasks with); None for anything else."""
    if not text or any(c not in _CN_DIGITS and c != "十" for c in text):
        return None
    if "十" not in text:
        return _CN_DIGITS[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return None
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)
