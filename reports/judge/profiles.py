"""Target profiles: which indicators are on, their targets, thresholds and wording, as data.

Built-in profiles are JSON files in `resources/profiles/` that a person can read; a local one names
the profile it is `based_on` and lists only what differs. Profiles a user makes live in the county
file's `profile` table, so they travel with the file; the file's setting `active_profile` says
which profile judges it. Built-ins are read-only: copy one first, then change the copy.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from fractions import Fraction
import functools
import json
import math
import re
from typing import TYPE_CHECKING, Any

from db.errors import KnownError, ValidationError
from db.vocab import HALL_STATES, HOSPITAL_GRADES
from resources import resource_path

from reports.judge import standard
from reports.judge.catalogue import CATALOGUE

if TYPE_CHECKING:
    from db.county import CountyFile

BASELINE = "baseline"
ACTIVE_SETTING = "active_profile"
BUILTIN_ORDER = ("baseline", "qijiang-2027", "alukeerqin-2023", "yanjiang-2023")
OPS = (">=", "<=", "==", "between")

# Terms a county may rename (e.g. 中医馆 → 中医馆（蒙医馆）); renaming changes wording, not rules.
LABEL_TERMS = ("中医馆", "中医阁", "县级中医医院")

SETTING_KEYS = {"on", "target", "threshold", "note"}


def exact(number: float | int | Fraction) -> Fraction:
    """A target or share as an exact fraction, so 0.3 means 3/10 and judging has no float fuzz."""
    if isinstance(number, Fraction):
        return number
    if isinstance(number, int):
        return Fraction(number)
    return Fraction(repr(float(number)))


@dataclass(frozen=True)
class Target:
    """What an indicator's value must satisfy: `>=`, `<=`, `==` a value, or `between` low and high."""

    op: str
    value: float | None = None
    low: float | None = None
    high: float | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Target:
        if data["op"] == "between":
            return cls("between", low=data["low"], high=data["high"])
        return cls(data["op"], value=data["value"])

    def to_dict(self) -> dict[str, Any]:
        if self.op == "between":
            return {"op": "between", "low": self.low, "high": self.high}
        return {"op": self.op, "value": self.value}

    def holds(self, value: Fraction | float | int) -> bool:
        x = exact(value)
        if self.op == "between":
            return exact(self.low) <= x <= exact(self.high)  # type: ignore[arg-type]
        t = exact(self.value)  # type: ignore[arg-type]
        return {">=": x >= t, "<=": x <= t, "==": x == t}[self.op]

    def floor_to_reach(self, value: Fraction | float | int) -> Fraction | None:
        """The bound a failing value must rise to, or None when it fails by being too high."""
        x = exact(value)
        bound = exact(self.low if self.op == "between" else self.value)  # type: ignore[arg-type]
        if self.op in (">=", "between", "==") and x < bound:
            return bound
        return None


@dataclass(frozen=True)
class Setting:
    """One indicator in one profile: on or off, its target (None = informational), thresholds."""

    on: bool
    target: Target | None
    threshold: dict[str, Any] = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True)
class Profile:
    id: str
    name: str
    builtin: bool
    based_on: str | None
    description: str
    labels: dict[str, str]
    settings: dict[str, Setting]
    items: dict[str, dict[str, Any]] = field(default_factory=dict)  # standard item id → {on, note}

    def item_on(self, item_id: str) -> bool:
        """Whether the county's layer keeps a standard item (indicator items: the indicator's
        own switch decides)."""
        return self.items.get(item_id, {}).get("on", True)

    def local_target(self, indicator_id: str) -> bool:
        """Whether this profile sets the indicator a target or condition of its own, other than
        the national standard's (so the report names both)."""
        mine, base = self.setting(indicator_id), national(indicator_id)
        return (mine.target, mine.threshold) != (base.target, base.threshold)

    def setting(self, indicator_id: str) -> Setting:
        return self.settings[indicator_id]

    def is_on(self, indicator_id: str) -> bool:
        return self.settings[indicator_id].on

    def relabel(self, text: str) -> str:
        """Apply the county's own words (中医馆 → 中医馆（蒙医馆）) in one pass over `text`."""
        renames = {k: v for k, v in self.labels.items() if v and v != k}
        if not renames or not text:
            return text
        pattern = re.compile("|".join(re.escape(k) for k in sorted(renames, key=len, reverse=True)))
        return pattern.sub(lambda m: renames[m.group(0)], text)

    def to_body(self) -> dict[str, Any]:
        """The complete body as stored in a county file (every indicator, readable JSON)."""
        indicators: dict[str, Any] = {}
        for ind_id, s in self.settings.items():
            entry: dict[str, Any] = {"on": s.on, "target": s.target.to_dict() if s.target else None}
            if s.threshold:
                entry["threshold"] = copy.deepcopy(s.threshold)
            if s.note:
                entry["note"] = s.note
            indicators[ind_id] = entry
        body = {"description": self.description, "labels": dict(self.labels),
                "indicators": indicators}
        if self.items:
            body["items"] = copy.deepcopy(self.items)
        return body


# ---- validation ---------------------------------------------------------------------------------

def _refuse(message: str) -> ValidationError:
    return ValidationError(message, table="profile", field="body", label="方案内容")


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def _shown(x: float, kind: str) -> str:
    return f"{x * 100:g}%" if kind == "share" else f"{x:g}"


def _check_bound(ind: Any, x: Any, what: str) -> None:
    if not _is_number(x):
        raise _refuse(f"指标 {ind.id}（{ind.name}）的{what}应为数字，收到“{x}”。")
    if x < 0:
        raise _refuse(f"指标 {ind.id}（{ind.name}）的{what}不能为负数（{x:g}）。")
    if ind.max_value is not None and x > ind.max_value:
        raise _refuse(f"指标 {ind.id}（{ind.name}）的{what}不能超过 {_shown(ind.max_value, ind.kind)}，"
                      f"收到 {_shown(x, ind.kind)}。")


def _check_target(ind: Any, target: Any) -> None:
    if target is None:
        return
    if not isinstance(target, dict) or target.get("op") not in OPS:
        op = target.get("op") if isinstance(target, dict) else target
        raise _refuse(f"指标 {ind.id}（{ind.name}）的比较方式“{op}”无效，应为 >=、<=、== 或 between。")
    if target["op"] == "between":
        if set(target) != {"op", "low", "high"}:
            raise _refuse(f"指标 {ind.id}（{ind.name}）的区间目标须给出 low 和 high。")
        _check_bound(ind, target["low"], "目标下限")
        _check_bound(ind, target["high"], "目标上限")
        if target["low"] > target["high"]:
            raise _refuse(f"指标 {ind.id}（{ind.name}）的目标下限不能高于上限。")
    else:
        if set(target) != {"op", "value"}:
            raise _refuse(f"指标 {ind.id}（{ind.name}）的目标须给出 value。")
        _check_bound(ind, target["value"], "目标值")


def _check_count(ind: Any, x: Any, what: str) -> None:
    if isinstance(x, bool) or not isinstance(x, int) or x < 0:
        raise _refuse(f"指标 {ind.id}（{ind.name}）的{what}应为不小于 0 的整数，收到“{x}”。")


def _check_threshold(ind: Any, threshold: Any, allowed: dict[str, Any]) -> None:
    if not isinstance(threshold, dict):
        raise _refuse(f"指标 {ind.id}（{ind.name}）的机构达标条件格式不对。")
    unknown = set(threshold) - set(allowed)
    if unknown:
        raise _refuse(f"指标 {ind.id}（{ind.name}）没有名为“{'、'.join(sorted(unknown))}”的达标条件。")
    if "hall_states" in threshold:
        states = threshold["hall_states"]
        valid = set(HALL_STATES) - {"none"}
        if not isinstance(states, list) or not states or not set(states) <= valid:
            raise _refuse(f"指标 {ind.id}（{ind.name}）的达标状态应从 已建未达标、达标、提档升级 中选择。")
    if "share" in threshold:
        share = threshold["share"]
        if not _is_number(share) or not 0 < share <= 1:
            raise _refuse(f"指标 {ind.id}（{ind.name}）的机构占比要求应在 0–100% 之间，收到“{share}”。")
    if "tcm_share" in threshold:
        share = threshold["tcm_share"]
        if not _is_number(share) or not 0 <= share <= 1:
            raise _refuse(f"指标 {ind.id}（{ind.name}）的中医类别医师占比要求应在 0–100% 之间，收到“{share}”。")
    if "min_grade" in threshold and threshold["min_grade"] not in HOSPITAL_GRADES:
        raise _refuse(f"指标 {ind.id}（{ind.name}）的医院等级应从"
                      f"{'、'.join(HOSPITAL_GRADES.values())}中选择。")
    for key, what in (("categories", "适宜技术类数"), ("items", "适宜技术项数"), ("count", "最少次数"),
                      ("area", "中医馆面积"), ("consult_rooms", "诊室数"), ("treat_rooms", "治疗室数"),
                      ("treat_area", "治疗室面积"), ("service_kinds", "中医药服务类别数")):
        if key in threshold:
            _check_count(ind, threshold[key], what)
    # Compared only when both are given: a partial change is checked again once merged.
    cats, items = threshold.get("categories"), threshold.get("items")
    if cats is not None and items is not None and cats > items:
        raise _refuse(f"指标 {ind.id}（{ind.name}）的适宜技术类数（{cats}）不能多于项数（{items}）。")


def _catalogue() -> dict[str, Any]:
    return {ind.id: ind for ind in CATALOGUE}


def _check_items(items: Any) -> None:
    """A layer's switches on standard items not judged by an indicator (规划, 联席会议 …)."""
    if not isinstance(items, dict):
        raise _refuse("方案的评分项设置格式不对。")
    for item_id, entry in items.items():
        if not isinstance(entry, dict) or set(entry) - {"on", "note"}:
            raise _refuse(f"评分项 {item_id} 的设置格式不对（只能设置开关和备注）。")
        if "on" in entry and not isinstance(entry["on"], bool):
            raise _refuse(f"评分项 {item_id} 的开关应为 true 或 false。")


def validate_body(body: Any, *, name: str | None = None) -> dict[str, Any]:
    """Check a (partial or complete) profile body; raise ValidationError with a Chinese message."""
    if name is not None and not name.strip():
        raise _refuse("方案名称不能为空。")
    if not isinstance(body, dict):
        raise _refuse("方案内容格式不对（应为 JSON 对象）。")
    unknown = set(body) - {"id", "name", "based_on", "description", "labels", "indicators",
                           "items"}
    if unknown:
        raise _refuse(f"方案内容中有不认识的项目：{'、'.join(sorted(unknown))}。")
    labels = body.get("labels", {})
    if not isinstance(labels, dict):
        raise _refuse("方案的用语设置格式不对。")
    for term, word in labels.items():
        if term not in LABEL_TERMS:
            raise _refuse(f"用语“{term}”不能改名；可以改名的有：{'、'.join(LABEL_TERMS)}。")
        if not isinstance(word, str) or not word.strip():
            raise _refuse(f"用语“{term}”的新名称不能为空。")
    _check_items(body.get("items", {}))
    indicators = body.get("indicators", {})
    if not isinstance(indicators, dict):
        raise _refuse("方案的指标设置格式不对。")
    catalogue = _catalogue()
    base = _baseline_body()["indicators"]
    for ind_id, entry in indicators.items():
        ind = catalogue.get(ind_id)
        if ind is None:
            raise _refuse(f"方案中有未知的指标“{ind_id}”。")
        if not isinstance(entry, dict):
            raise _refuse(f"指标 {ind_id} 的设置格式不对。")
        extra = set(entry) - SETTING_KEYS
        if extra:
            raise _refuse(f"指标 {ind_id} 的设置中有不认识的项目：{'、'.join(sorted(extra))}。")
        if "on" in entry and not isinstance(entry["on"], bool):
            raise _refuse(f"指标 {ind_id}（{ind.name}）的开关应为 true 或 false。")
        if "target" in entry:
            _check_target(ind, entry["target"])
        if "threshold" in entry:
            _check_threshold(ind, entry["threshold"], base[ind_id].get("threshold", {}))
        if "note" in entry and not isinstance(entry["note"], str):
            raise _refuse(f"指标 {ind_id} 的备注应为文字。")
    return body


# ---- building profiles ----------------------------------------------------------------------------

def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """`over` laid on `base`: labels and each indicator's threshold merge key by key."""
    out = copy.deepcopy(base)
    out["labels"] = {**base.get("labels", {}), **over.get("labels", {})}
    for item_id, entry in over.get("items", {}).items():
        out.setdefault("items", {}).setdefault(item_id, {}).update(copy.deepcopy(entry))
    if "description" in over:
        out["description"] = over["description"]
    for ind_id, entry in over.get("indicators", {}).items():
        merged = out["indicators"].setdefault(ind_id, {})
        for key, value in entry.items():
            if key == "threshold":
                merged["threshold"] = {**merged.get("threshold", {}), **copy.deepcopy(value)}
            else:
                merged[key] = copy.deepcopy(value)
    return out


def _build(pid: str, name: str, body: dict[str, Any], *, builtin: bool,
           based_on: str | None) -> Profile:
    settings = {}
    for ind_id, entry in body["indicators"].items():
        target = entry.get("target")
        settings[ind_id] = Setting(
            on=entry.get("on", True),
            target=Target.from_dict(target) if target else None,
            threshold=copy.deepcopy(entry.get("threshold", {})),
            note=entry.get("note", ""),
        )
    order = [ind.id for ind in _catalogue().values()]
    settings = {k: settings[k] for k in order}
    return Profile(pid, name, builtin, based_on, body.get("description", ""),
                   dict(body.get("labels", {})), settings, copy.deepcopy(body.get("items", {})))


def _read_json(filename: str) -> dict[str, Any]:
    path = resource_path("profiles", filename)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        # A shipped file that cannot be read is a broken installation, not a user error.
        raise RuntimeError(f"built-in profile {path} unreadable: {exc}") from exc


@functools.cache
def _baseline_body() -> dict[str, Any]:
    """baseline.json with the targets and thresholds of the shipped standard laid on it: the
    national thresholds live in one place, resources/standards/, where a bureau can correct them."""
    body = _read_json(f"{BASELINE}.json")
    for item in standard.shipped().items:
        entry = body["indicators"].get(item.indicator or "")
        if entry is None:
            continue
        if "target" in item.judge:
            entry["target"] = copy.deepcopy(item.judge["target"])
        if "threshold" in item.judge:
            entry["threshold"] = copy.deepcopy(item.judge["threshold"])
    return body


def national(indicator_id: str) -> Setting:
    """The indicator as the national standard sets it, before any county layer."""
    return _builtins()[BASELINE].setting(indicator_id)


@functools.cache
def _builtins() -> dict[str, Profile]:
    base = _baseline_body()
    profiles: dict[str, Profile] = {}
    for pid in BUILTIN_ORDER:
        raw = _read_json(f"{pid}.json")
        validate_body(raw)
        body = _merge(base, raw) if raw.get("based_on") else base
        validate_body(body)
        missing = set(_catalogue()) - set(body["indicators"])
        if missing:
            raise RuntimeError(f"built-in profile {pid} lacks {sorted(missing)}")
        profiles[pid] = _build(pid, raw["name"], body, builtin=True, based_on=raw.get("based_on"))
    return profiles


def builtin_profiles() -> list[Profile]:
    return list(_builtins().values())


def _from_row(row: dict[str, Any]) -> Profile:
    try:
        body = json.loads(row["body"])
        validate_body(body)
    except (ValueError, KnownError) as exc:
        raise KnownError(f"目标方案“{row['name']}”已损坏，无法使用：{exc}") from None
    # Lay the stored body on the baseline, so a profile saved before an indicator existed
    # still gets every indicator.
    return _build(row["id"], row["name"], _merge(_baseline_body(), body), builtin=False,
                  based_on=row.get("based_on"))


# ---- reading and writing a county file's profiles -----------------------------------------------

def list_profiles(county: CountyFile) -> list[Profile]:
    """Built-in profiles first (fixed order), then the file's own, by name."""
    own = [_from_row(r) for r in county.rows("profile", order="name, id")]
    return builtin_profiles() + own


def get_profile(county: CountyFile, key: str) -> Profile:
    """A profile by id, or by its exact name; KnownError if the file has no such profile."""
    builtins = _builtins()
    if key in builtins:
        return builtins[key]
    row = county.get("profile", key)
    if row is None:
        found = county.rows("profile", "name = ?", (key,))
        row = found[0] if found else None
    if row is None:
        for p in builtins.values():
            if p.name == key:
                return p
        raise KnownError(f"找不到目标方案“{key}”。可用的方案：" +
                         "、".join(f"{p.id}（{p.name}）" for p in list_profiles(county)) + "。")
    return _from_row(row)


def active_profile(county: CountyFile) -> Profile:
    """The profile the file uses. If it was deleted (e.g. by a merge), the baseline judges."""
    key = county.setting(ACTIVE_SETTING) or BASELINE
    try:
        return get_profile(county, key)
    except KnownError:
        return _builtins()[BASELINE]


def set_active(county: CountyFile, key: str) -> Profile:
    profile = get_profile(county, key)
    with county.atomic():
        county.set_setting(ACTIVE_SETTING, profile.id)
    return profile


def _check_name_free(county: CountyFile, name: str, *, own_id: str | None = None) -> str:
    name = name.strip() if isinstance(name, str) else ""
    if not name:
        raise _refuse("方案名称不能为空。")
    for p in list_profiles(county):
        if p.name == name and p.id != own_id:
            raise _refuse(f"已有名为“{name}”的目标方案，请换一个名称。")
    return name


def copy_profile(county: CountyFile, key: str, new_name: str) -> Profile:
    """Copy any profile into the file under a new name; the copy can then be changed."""
    source = get_profile(county, key)
    name = _check_name_free(county, new_name)
    with county.atomic():
        pid = county.insert("profile", {
            "name": name, "based_on": source.id,
            "body": json.dumps(source.to_body(), ensure_ascii=False, indent=1),
        })
    return get_profile(county, pid)


def _own_profile(county: CountyFile, profile_id: str, doing: str) -> Profile:
    profile = get_profile(county, profile_id)
    if profile.builtin:
        raise KnownError(f"内置方案“{profile.name}”不能{doing}；请先复制一份，再{doing}副本。")
    return profile


def update_profile(county: CountyFile, profile_id: str, changes: dict[str, Any] | None = None,
                   *, name: str | None = None) -> Profile:
    """Change a user profile: `changes` has the shape of a local profile file (labels,
    indicators → on / target / threshold / note) and is laid over the current body."""
    profile = _own_profile(county, profile_id, "修改")
    changes = changes or {}
    validate_body(changes)
    body = _merge(profile.to_body(), changes)
    validate_body(body)
    values: dict[str, Any] = {"body": json.dumps(body, ensure_ascii=False, indent=1)}
    if name is not None:
        values["name"] = _check_name_free(county, name, own_id=profile.id)
    with county.atomic():
        county.update("profile", profile.id, values)
    return get_profile(county, profile.id)


def delete_profile(county: CountyFile, profile_id: str) -> None:
    """Delete a user profile; a file that used it goes back to the baseline."""
    profile = _own_profile(county, profile_id, "删除")
    with county.atomic():
        county.delete("profile", profile.id)
        if county.setting(ACTIVE_SETTING) == profile.id:
            county.set_setting(ACTIVE_SETTING, BASELINE)
