"""The standard reviewers score against, as data: sections, items with a stable id, the official
wording, scope, how each item is judged, the evidence it needs, points, a scoring rule, the 必备
(veto) flag, and the pass mark.

The shipped standard is `resources/standards/national-2022.json`; a province's 评分表 imported from
Excel is stored in the county file (setting `standard`, merged like every record) and judges that
file instead. A target profile is a county's layer on the standard: its targets, relabels and
items switched off (see profiles.py).
"""

from __future__ import annotations

from dataclasses import dataclass
import functools
import json
import math
from typing import TYPE_CHECKING, Any, Protocol
import unicodedata

from db import naming, stored
from db.errors import ValidationError
from db.vocab import INSTITUTION_TYPES, OWNERSHIP
from resources import resource_path

from reports.judge.catalogue import BY_ID
from reports.judge.targets import TargetError, check_target, check_threshold

if TYPE_CHECKING:
    from db.county import CountyFile

SHIPPED = "national-2022"
STORED_SETTING = "standard"  # a county file's own standard (an imported 评分表), as JSON
FORMAT = 1

JUDGED_BY = {"indicator": "指标计算", "document": "任务与佐证", "count": "机构数"}
RULES = {"all": "达到即得分", "proportion": "按比例得分", "per_failing": "每家不达标扣分"}
ITEM_KEYS = {"id", "code", "text", "scope", "judge", "evidence", "points", "rule", "veto",
             "source", "basis", "unverified"}

# What a standard may hold: a 评分表 comes from another PC like any workbook, and a standard
# stored in a county file arrives in merges. Stated in the 评分表's 填表说明.
MAX_ITEMS = 300
MAX_POINTS = 100  # one item
MAX_TOTAL = 1000  # all items together
MAX_ID = 16  # characters of an item's 编号
MAX_TEXT = {"code": 30, "text": 1000, "scope": 200, "evidence": 500, "source": 500,
            "basis": 1000, "name": 200, "short": 50, "version": 50, "description": 2000,
            "caveat": 500}
MAX_KEYWORDS = 20
TOP_KEYS = {"format", "id", "version", "name", "short", "source", "description", "caveat",
            "pass_mark", "total", "sections"}


@dataclass(frozen=True)
class Rule:
    kind: str  # all | proportion | per_failing
    deduct: float = 0.0  # per failing institution (per_failing)
    floor: float = 0.0  # the least an item scores by deduction (per_failing)

    def to_dict(self) -> dict[str, Any]:
        if self.kind == "per_failing":
            return {"kind": self.kind, "deduct": self.deduct, "floor": self.floor}
        return {"kind": self.kind}

    def text(self) -> str:
        if self.kind == "per_failing":
            floor = f"，最低 {self.floor:g} 分" if self.floor else "，扣完为止"
            return f"每家不达标扣 {self.deduct:g} 分{floor}"
        return RULES[self.kind]


@dataclass(frozen=True)
class Item:
    id: str
    code: str  # the standard's own numbering, e.g. 二（三）1
    section: str
    text: str
    scope: str
    judge: dict[str, Any]  # {"by": indicator|document|count, ...}
    evidence: str
    points: float
    rule: Rule
    veto: bool  # 必备: failing it fails the county
    source: str
    unverified: bool  # 待核对: wording or threshold inferred, not read from the official text
    # 依据: the document and its quoted words the item rests on, or 推定 where none was found
    basis: str = ""

    @property
    def by(self) -> str:
        return self.judge["by"]

    @property
    def indicator(self) -> str | None:
        return self.judge.get("indicator") if self.by == "indicator" else None

    def to_dict(self) -> dict[str, Any]:
        out = {"id": self.id, "code": self.code, "text": self.text, "scope": self.scope,
               "judge": dict(self.judge), "evidence": self.evidence, "points": self.points,
               "rule": self.rule.to_dict(), "veto": self.veto, "source": self.source,
               "unverified": self.unverified}
        if self.basis:
            out["basis"] = self.basis
        return out


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Standard:
    id: str
    version: str
    name: str
    short: str  # how the report cites it: 建设标准 二（三）3
    source: str
    description: str
    pass_mark: float
    sections: tuple[Section, ...]
    # Said once beside every score it gives, where the standard is not the official text (the
    # shipped one, put together from public sources); empty for a province's own 评分表.
    caveat: str = ""

    @property
    def basis_line(self) -> str:
        """The one honest line on what the score rests on, for the report and 总览."""
        line = f"评分依据：《{self.name}》"
        return f"{line}。{self.caveat}。" if self.caveat else f"{line}。"

    @property
    def items(self) -> list[Item]:
        return list(self._items)

    @functools.cached_property
    def _items(self) -> tuple[Item, ...]:
        return tuple(item for s in self.sections for item in s.items)

    @functools.cached_property
    def _by_id(self) -> dict[str, Item]:
        out: dict[str, Item] = {}
        for item in self._items:
            out.setdefault(item.id, item)  # the first, as a search in order finds it
        return out

    @functools.cached_property
    def _by_indicator(self) -> dict[str, Item]:
        out: dict[str, Item] = {}
        for item in self._items:
            if item.indicator is not None:
                out.setdefault(item.indicator, item)
        return out

    @property
    def total(self) -> float:
        return sum(item.points for item in self._items)

    def item(self, item_id: str) -> Item | None:
        return self._by_id.get(item_id)

    def for_indicator(self, indicator_id: str) -> Item | None:
        return self._by_indicator.get(indicator_id)

    def cite(self, item: Item) -> str:
        return f"{self.short} {item.code}"

    def item_for(self, ident: str) -> Item | None:
        """The item `ident` stands for: an indicator's id (A1 … D11) gives the item that scores
        it, if any; any other id, the item of that id. The order 总览's rows and the evidence
        records key them by (an item judged by an indicator is keyed by the indicator)."""
        return self.for_indicator(ident) if ident in BY_ID else self.item(ident)

    def code_of(self, ident: str) -> str:
        """The 条目 (二（一）6) of the item `ident` stands for; '' where the standard does not
        list it (a county's own indicator)."""
        item = self.item_for(ident)
        return item.code if item is not None else ""

    def to_dict(self) -> dict[str, Any]:
        return {"format": FORMAT, "id": self.id, "version": self.version, "name": self.name,
                "short": self.short, "source": self.source, "description": self.description,
                **({"caveat": self.caveat} if self.caveat else {}),
                "pass_mark": self.pass_mark, "total": self.total,
                "sections": [{"id": s.id, "title": s.title,
                              "items": [i.to_dict() for i in s.items]} for s in self.sections]}


LOCAL = "本县指标"  # an indicator the file's standard does not list: the county's own


class Numbered(Protocol):
    """An item as a score or a sampled checklist holds it (Item, ItemScore): number and words."""

    @property
    def code(self) -> str: ...

    @property
    def text(self) -> str: ...


def cite(std: Standard, ident: str | Numbered, name: str | None = None) -> str:
    """How everything a clerk or a reviewer reads names an indicator or an item: by the
    standard's 条目 and its words (二（一）6 医联体覆盖人口比例, 一（一）1 将中医药工作纳入…), an
    indicator the standard does not list by its name with （本县指标）. Never by the program's
    ids (B8, G01, H1): only the command line's input and the JSON speak those.

    `ident` is an indicator's or an item's id (see Standard.item_for), or an item itself (an
    Item, a scored ItemScore) where the caller holds one; `name` is the wording the caller has
    (an indicator's name with the county's relabels, a short column label), else the catalogue's
    name of the indicator or the item's own text. The standard is the file's own
    (standard.for_county): a province's 评分表 numbers its items its own way."""
    if not isinstance(ident, str):
        return f"{ident.code} {name or ident.text}"
    item = std.item_for(ident)
    indicator = BY_ID.get(ident)
    if item is not None:
        words = name or (indicator.name if indicator is not None else item.text)
        return f"{item.code} {words}"
    if indicator is not None:
        return f"{name or indicator.name}（{LOCAL}）"
    # An item of another standard (evidence kept from a 评分表 since replaced): no 条目 to give.
    return f"{name}（现用评分标准中没有此项）" if name else "现用评分标准中没有此项"


# ---- validation -----------------------------------------------------------------------------------

def _refuse(message: str) -> ValidationError:
    return ValidationError(message, table="setting", field="standard", label="评分标准")


def _number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def _word(value: Any, words: Any) -> bool:
    """Whether `value` is one of `words` (a list or an object where a word belongs is not)."""
    return isinstance(value, str) and value in words


def unprintable(text: str) -> str | None:
    """The first character of `text` a person cannot see or that reorders what they see (a
    control, a direction mark such as U+202E, an unassigned code point), shown as U+XXXX."""
    if text.isprintable():  # none of those (nor a line break or tab): said at C speed
        return None
    for ch in text:
        if ch in "\n\t":
            continue
        if unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cn", "Cs", "Zl", "Zp"):
            return f"U+{ord(ch):04X}"
    return None


def id_key(item_id: str) -> str:
    """How two item ids are compared: G01, g01 and Ｇ０１ are one id."""
    return unicodedata.normalize("NFKC", item_id).casefold()


def check_id(item_id: str) -> str | None:
    """Why `item_id` cannot be an item's 编号, or None."""
    if len(item_id) > MAX_ID:
        return f"编号不能超过 {MAX_ID} 个字符（收到 {len(item_id)} 个）"
    bad = unprintable(item_id) or next(
        (f"“{c}”" for c in item_id if not (c.isalnum() or c in "-_.()（）")), None)
    if bad:
        return f"编号只能由文字、字母、数字和 - _ . （） 组成，其中有 {bad}"
    return None


def check_points(x: Any, what: str = "分值", most: float = MAX_POINTS) -> str | None:
    """Why `x` cannot be an item's points (or a deduction), or None."""
    if not _number(x):
        return f"{what}应为数字"
    if not 0 <= x <= most:
        return f"{what}应在 0–{most:g} 分之间（收到 {x:g}）"
    return None


def _text(raw: dict[str, Any], key: str, where: str, *, required: bool = True) -> str:
    value = raw.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise _refuse(f"{where}的“{key}”应为非空文字。")
    if len(value) > MAX_TEXT.get(key, 2000):
        raise _refuse(f"{where}的“{key}”超过 {MAX_TEXT.get(key, 2000)} 个字。")
    bad = unprintable(value)
    if bad:
        raise _refuse(f"{where}的“{key}”中有不可见的控制字符 {bad}。")
    return value.strip()


def _rule(raw: Any, where: str, points: float) -> Rule:
    if not isinstance(raw, dict) or not _word(raw.get("kind"), RULES):
        raise _refuse(f"{where}的计分方式无效，应为 " + "、".join(RULES.values()) + " 之一。")
    if raw["kind"] != "per_failing":
        return Rule(raw["kind"])
    deduct, floor = raw.get("deduct"), raw.get("floor", 0)
    if not _number(deduct) or not 0 < deduct <= MAX_POINTS:
        raise _refuse(f"{where}的每家扣分应为 0–{MAX_POINTS} 之间、大于 0 的数字。")
    if not _number(floor) or not 0 <= floor <= points:
        raise _refuse(f"{where}的最低得分应在 0 至 {points:g} 分之间。")
    return Rule("per_failing", float(deduct), float(floor))


def _judge(raw: Any, where: str) -> dict[str, Any]:
    if not isinstance(raw, dict) or not _word(raw.get("by"), JUDGED_BY):
        raise _refuse(f"{where}的评价方式无效，应为 " + "、".join(JUDGED_BY.values()) + " 之一。")
    by = raw["by"]
    allowed = {"indicator": {"by", "indicator", "target", "threshold"},
               "document": {"by", "keywords"}, "count": {"by", "types", "min", "ownership"}}[by]
    if set(raw) - allowed:
        raise _refuse(f"{where}的评价方式中有不认识的项目：{'、'.join(sorted(set(raw) - allowed))}。")
    if by == "indicator":
        ind = BY_ID.get(raw["indicator"]) if isinstance(raw.get("indicator"), str) else None
        if ind is None:
            raise _refuse(f"{where}所用的指标“{str(raw.get('indicator'))[:MAX_ID]}”不存在。")
        try:
            check_target(ind, raw.get("target"))
            if "threshold" in raw:
                check_threshold(ind, raw["threshold"])
        except TargetError as exc:
            raise _refuse(f"{where}：{exc}") from None
    if by == "document":
        words = raw.get("keywords")
        if not isinstance(words, list) or not words or len(words) > MAX_KEYWORDS or not all(
                isinstance(w, str) and w.strip() and len(w) <= 50 and not unprintable(w)
                for w in words):
            raise _refuse(f"{where}须给出用于对应创建任务的关键词（至多 {MAX_KEYWORDS} 个）。")
    if by == "count":
        types = raw.get("types")
        if not isinstance(types, list) or not types or not all(
                _word(t, INSTITUTION_TYPES) for t in types):
            raise _refuse(f"{where}的机构类型无效。")
        if not isinstance(raw.get("min", 1), int) or not 1 <= raw.get("min", 1) <= 10_000:
            raise _refuse(f"{where}的最少机构数应为正整数。")
        if not _word(raw.get("ownership", "public"), OWNERSHIP):
            raise _refuse(f"{where}的举办性质应为 公立 或 民营。")
    return dict(raw)


def _item(raw: Any, section: str, seen: set[str]) -> Item:
    if not isinstance(raw, dict):
        raise _refuse(f"第{section}部分有一条评分项格式不对。")
    where = f"评分项“{str(raw.get('id', '?'))[:MAX_ID]}”"
    extra = set(raw) - ITEM_KEYS
    if extra:
        raise _refuse(f"{where}中有不认识的项目：{'、'.join(sorted(extra))}。")
    why = check_id(raw["id"].strip()) if isinstance(raw.get("id"), str) else None
    if why:
        raise _refuse(f"{where}：{why}。")
    item_id = _text(raw, "id", where)
    if id_key(item_id) in seen:
        raise _refuse(f"评分项编号“{item_id}”重复（不分大小写和全角半角）。")
    seen.add(id_key(item_id))
    points = raw.get("points")
    why = check_points(points)
    if why:
        raise _refuse(f"{where}的{why}。")
    if not isinstance(raw.get("veto", False), bool):
        raise _refuse(f"{where}的“必备”应为 true 或 false。")
    return Item(item_id, _text(raw, "code", where), section, _text(raw, "text", where),
                _text(raw, "scope", where, required=False), _judge(raw.get("judge"), where),
                _text(raw, "evidence", where, required=False), float(points),
                _rule(raw.get("rule"), where, float(points)), raw.get("veto", False),
                _text(raw, "source", where, required=False), bool(raw.get("unverified", False)),
                _text(raw, "basis", where, required=False))


def check_total(total: float, pass_mark: Any) -> str | None:
    """Why a standard's full marks and pass mark do not make sense together, or None."""
    if not 0 < total <= MAX_TOTAL:
        return f"各项分值合计应在 0–{MAX_TOTAL} 分之间且大于 0（现为 {total:g} 分）"
    if not _number(pass_mark) or not 0 < pass_mark <= total:
        shown = f"{pass_mark:g}" if _number(pass_mark) else str(pass_mark)
        return f"合格分数线应大于 0 且不高于满分 {total:g} 分（现为 {shown}）"
    return None


def parse(raw: Any) -> Standard:
    """A standard from its JSON form; ValidationError with a Chinese sentence if it is not one."""
    if not isinstance(raw, dict):
        raise _refuse("评分标准格式不对（应为 JSON 对象）。")
    extra = set(raw) - TOP_KEYS
    if extra:
        raise _refuse(f"评分标准中有不认识的项目：{'、'.join(sorted(extra))}。")
    if raw.get("format", FORMAT) != FORMAT:
        raise _refuse("评分标准由更新版本的程序写成，请升级程序后再用。")
    pass_mark = raw.get("pass_mark")
    if not _number(pass_mark) or pass_mark < 0:
        raise _refuse("评分标准的合格分数线应为不小于 0 的数字。")
    sections_raw = raw.get("sections")
    if not isinstance(sections_raw, list) or not sections_raw:
        raise _refuse("评分标准中没有任何评分项。")
    if sum(len(s["items"]) for s in sections_raw
           if isinstance(s, dict) and isinstance(s.get("items"), list)) > MAX_ITEMS:
        raise _refuse(f"评分标准的评分项超过 {MAX_ITEMS} 项。")
    seen: set[str] = set()
    sections = []
    for s in sections_raw:
        if not isinstance(s, dict) or not isinstance(s.get("items"), list):
            raise _refuse("评分标准的部分格式不对。")
        sid = _text(s, "id", "评分标准的部分")
        sections.append(Section(sid, _text(s, "title", f"第{sid}部分"),
                                tuple(_item(i, sid, seen) for i in s["items"])))
    std = Standard(_text(raw, "id", "评分标准"),
                   _text({"version": str(raw.get("version", ""))}, "version", "评分标准",
                         required=False),
                   _text(raw, "name", "评分标准"), _text(raw, "short", "评分标准", required=False)
                   or "评分标准", _text(raw, "source", "评分标准", required=False),
                   _text(raw, "description", "评分标准", required=False), float(pass_mark),
                   tuple(sections), _text(raw, "caveat", "评分标准", required=False))
    if not std.items:
        raise _refuse("评分标准中没有任何评分项。")
    why = check_total(std.total, pass_mark)
    if why:
        raise _refuse(f"评分标准的{why}。")
    if "total" in raw and (not _number(raw["total"]) or abs(raw["total"] - std.total) > 1e-9):
        raise _refuse(f"评分标准写明满分 {raw['total']} 分，各项分值合计却是 {std.total:g} 分。")
    return std


# ---- where a county's standard comes from ---------------------------------------------------------

@functools.cache
def shipped() -> Standard:
    path = resource_path("standards", f"{SHIPPED}.json")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RuntimeError(f"built-in standard {path} unreadable: {exc}") from exc
    return parse(raw)


@functools.lru_cache(maxsize=8)
def _parse_text(text: str) -> Standard:
    return from_text(text)


def from_text(text: str) -> Standard:
    """A standard stored as JSON text (in a county file, or a file merged in): read within the
    bounds of db.stored and parsed; ValidationError naming why if the program cannot use it,
    whatever its shape (a list where a word belongs, nesting 100,000 deep, 1e999)."""
    try:
        return parse(stored.loads(text))
    except ValidationError:
        raise
    except stored.UNREADABLE as exc:
        raise _refuse(f"{stored.reason(exc)}。") from None


def for_county(county: CountyFile) -> Standard:
    """The file's own standard (an imported 评分表) if it holds one, else the shipped one. A stored
    standard that does not parse falls back to the shipped one, as a deleted profile does, and
    the file is told so once (CountyFile.notice): never silently scored by another standard."""
    text = county.setting(STORED_SETTING)
    if not text:
        return shipped()
    try:
        return _parse_text(text)
    except ValidationError as exc:
        county.notice(f"文件“{county.path.name}”中保存的评分标准无法读取（{exc.reason.rstrip('。')}），"
                      f"现按程序自带的{shipped().name}评分；重新导入本省评分表即可恢复。")
        return shipped()


def _read_stored(text: str) -> None:
    from_text(text)


stored.register("setting", "value", STORED_SETTING, _read_stored)


def store(county: CountyFile, std: Standard) -> None:
    """Keep `std` in the county file (one transaction); it then judges the file."""
    with county.atomic():
        county.set_setting(STORED_SETTING, json.dumps(std.to_dict(), ensure_ascii=False))


def forget(county: CountyFile) -> None:
    """Go back to the shipped standard."""
    with county.atomic():
        county.set_setting(STORED_SETTING, None)


def _namer(county: CountyFile) -> naming.Namer:
    """What a merge's labels call an item (a 已安排 action's, a 模拟评审 finding's): the file's
    standard's 条目 and words, as the window says it."""
    std = for_county(county)
    return lambda ident: cite(std, ident)


naming.register_item_namer(_namer)
