"""Target profiles: which indicators are on, their targets, thresholds and wording, as data.

Built-in profiles are JSON files in `resources/profiles/` that a person can read; a local one names
the profile it is `based_on` and lists only what differs. Profiles a user makes live in the county
file's `profile` table, so they travel with the file; the file's setting `active_profile` says
which profile judges it. Built-ins are read-only: copy one first, then change the copy.

Every profile is a layer on the standard that judges the file (the shipped national one, or a
province's 评分表 imported into it): the standard sets each target and condition, the layer only
what the county asks differently, so a 评分表 imported later still sets all the rest.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
import json
import re
from typing import TYPE_CHECKING, Any

from db import stored
from db.errors import KnownError, ValidationError
from resources import resource_path

from reports.judge import standard
from reports.judge.catalogue import BY_ID, CATALOGUE
from reports.judge.targets import (OPS, Target, TargetError, check_target, check_threshold,
                                   exact)

if TYPE_CHECKING:
    from db.county import CountyFile

__all__ = ["OPS", "Target", "exact"]  # kept here for the modules that import them from profiles

BASELINE = "baseline"
ACTIVE_SETTING = "active_profile"
BUILTIN_ORDER = ("baseline", "qijiang-2027", "alukeerqin-2023", "yanjiang-2023", "beilun-2023")

# Terms a county may rename (e.g. 中医馆 → 中医馆（蒙医馆）); renaming changes wording, not rules.
LABEL_TERMS = ("中医馆", "中医阁", "县级中医医院")

SETTING_KEYS = {"on", "target", "threshold", "note"}
# A profile stored in a county file holds only its layer (what it sets on top of the standard
# that judges the file) from this format on; an older one holds every indicator (see _layer_of).
LAYER_FORMAT = 2


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
    # The standard's own settings, before this layer: what the report names beside a county's
    # target of its own.
    standard_settings: dict[str, Setting] = field(default_factory=dict)
    layer: dict[str, Any] = field(default_factory=dict)  # indicator id → what this profile sets

    def item_on(self, item_id: str) -> bool:
        """Whether the county's layer keeps a standard item (indicator items: the indicator's
        own switch decides)."""
        return self.items.get(item_id, {}).get("on", True)

    def standard_setting(self, indicator_id: str) -> Setting:
        return self.standard_settings.get(indicator_id) or self.settings[indicator_id]

    def local_target(self, indicator_id: str) -> bool:
        """Whether this profile sets the indicator a target or condition of its own, other than
        the standard's (so the report names both)."""
        mine, base = self.setting(indicator_id), self.standard_setting(indicator_id)
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
        """The body as stored in a county file: the layer only (readable JSON), so the file's
        standard (a province's 评分表 imported later, say) still sets every other target."""
        body: dict[str, Any] = {"format": LAYER_FORMAT, "description": self.description,
                                "labels": dict(self.labels),
                                "indicators": copy.deepcopy(self.layer)}
        if self.items:
            body["items"] = copy.deepcopy(self.items)
        return body


# ---- validation ---------------------------------------------------------------------------------

def _refuse(message: str) -> ValidationError:
    return ValidationError(message, table="profile", field="body", label="方案内容")


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
                           "items", "format"}
    if unknown:
        raise _refuse(f"方案内容中有不认识的项目：{'、'.join(sorted(unknown))}。")
    if body.get("format", LAYER_FORMAT) not in (1, LAYER_FORMAT):
        raise _refuse("方案由更新版本的程序写成，请升级程序后再用。")
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
    for ind_id, entry in indicators.items():
        ind = BY_ID.get(ind_id)
        if ind is None:
            raise _refuse(f"方案中有未知的指标“{ind_id}”。")
        if not isinstance(entry, dict):
            raise _refuse(f"指标 {ind_id} 的设置格式不对。")
        extra = set(entry) - SETTING_KEYS
        if extra:
            raise _refuse(f"指标 {ind_id} 的设置中有不认识的项目：{'、'.join(sorted(extra))}。")
        if "on" in entry and not isinstance(entry["on"], bool):
            raise _refuse(f"指标 {ind_id}（{ind.name}）的开关应为 true 或 false。")
        try:
            if "target" in entry:
                check_target(ind, entry["target"])
            if "threshold" in entry:
                check_threshold(ind, entry["threshold"])
        except TargetError as exc:
            raise _refuse(str(exc)) from None
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
        merged = out.setdefault("indicators", {}).setdefault(ind_id, {})
        for key, value in entry.items():
            if key == "threshold":
                merged["threshold"] = {**merged.get("threshold", {}), **copy.deepcopy(value)}
            else:
                merged[key] = copy.deepcopy(value)
    return out


def _settings(body: dict[str, Any]) -> dict[str, Setting]:
    settings = {}
    for ind_id, entry in body["indicators"].items():
        target = entry.get("target")
        settings[ind_id] = Setting(
            on=entry.get("on", True),
            target=Target.from_dict(target) if target else None,
            threshold=copy.deepcopy(entry.get("threshold", {})),
            note=entry.get("note", ""),
        )
    return {ind.id: settings[ind.id] for ind in CATALOGUE}


def _build(pid: str, name: str, base: dict[str, Any], layer: dict[str, Any], *, builtin: bool,
           based_on: str | None) -> Profile:
    """A profile: `layer` (its own settings, labels, item switches) laid on `base` (the body of
    the standard that judges the file)."""
    body = _merge(base, layer)
    validate_body(body)
    return Profile(pid, name, builtin, based_on, body.get("description", ""),
                   dict(body.get("labels", {})), _settings(body),
                   copy.deepcopy(body.get("items", {})), _settings(base),
                   copy.deepcopy(layer.get("indicators", {})))


def _read_json(filename: str) -> dict[str, Any]:
    path = resource_path("profiles", filename)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        # A shipped file that cannot be read is a broken installation, not a user error.
        raise RuntimeError(f"built-in profile {path} unreadable: {exc}") from exc


def _standard_body(std: standard.Standard) -> dict[str, Any]:
    """baseline.json with the targets and thresholds of the standard `std` laid on it: a target
    lives in one place, the standard (shipped in resources/standards/, or a province's 评分表),
    where a bureau can correct it. What a 评分表 leaves out is the shipped standard's; an
    indicator one of its items scores is on."""
    body = _read_json(f"{BASELINE}.json")  # read afresh: ours to change
    shipped = standard.shipped()
    for ind_id, entry in body["indicators"].items():
        own = std.for_indicator(ind_id)
        for item in (shipped.for_indicator(ind_id), own):
            if item is None:
                continue
            if "target" in item.judge:
                entry["target"] = copy.deepcopy(item.judge["target"])
            if "threshold" in item.judge:
                entry["threshold"] = {**entry.get("threshold", {}),
                                      **copy.deepcopy(item.judge["threshold"])}
        if own is not None and own.points > 0:
            entry["on"] = True
    return body


_BUILT: dict[int, tuple[standard.Standard, dict[str, Any], dict[str, Profile]]] = {}


def _builtin(pid: str, std: standard.Standard | None = None) -> Profile:
    """The built-in profile `pid` laid on `std` (default: the shipped standard), built the first
    time it is asked for, once per standard object (the shipped one, or a county's 评分表 as
    parsed and cached): opening a file builds the one it uses, not all five."""
    std = std or standard.shipped()
    cached = _BUILT.get(id(std))
    if cached is None or cached[0] is not std:
        if len(_BUILT) >= 8:
            _BUILT.pop(next(iter(_BUILT)))
        cached = _BUILT[id(std)] = (std, _standard_body(std), {})
    _, base, built = cached
    profile = built.get(pid)
    if profile is None:
        raw = _read_json(f"{pid}.json")
        validate_body(raw)
        layer = raw if raw.get("based_on") else {}
        profile = built[pid] = _build(pid, raw["name"], base, layer, builtin=True,
                                      based_on=raw.get("based_on"))
    return profile


def _builtins(std: standard.Standard | None = None) -> dict[str, Profile]:
    """Every built-in profile laid on `std`, in their fixed order."""
    return {pid: _builtin(pid, std) for pid in BUILTIN_ORDER}


def national(indicator_id: str) -> Setting:
    """The indicator as the shipped national standard sets it, before any county layer."""
    return _builtin(BASELINE).setting(indicator_id)


def builtin_profiles(std: standard.Standard | None = None) -> list[Profile]:
    return list(_builtins(std).values())


# What the shipped standard set before it followed the national texts (B1 10项, C4 80%, C2
# pooled, A2 without the 2023 construction figures …). A profile copied into a county file before
# then holds these values as copies, not as the county's choice: they are read as "what the
# standard says", so the standard's current values (or a 评分表's) apply.
_FORMER_NATIONAL: dict[str, dict[str, Any]] = {
    "A2": {"threshold": {"hall_states": ["standard", "upgraded"], "area": 300, "consult_rooms": 3,
                         "treat_rooms": 2, "treat_area": 40, "tcm_share": 0.25,
                         "service_kinds": 6}},
    "B1": {"threshold": {"categories": 6, "items": 10}},
    "B2": {"threshold": {"categories": 4, "items": 6}},
    "B3": {"threshold": {"categories": 4, "items": 6}},
    "C2": {"on": True, "target": {"op": ">=", "value": 1.0}, "threshold": {"share": 0.25}},
    "C4": {"target": {"op": ">=", "value": 1.0}},
}


def _layer_of(body: dict[str, Any]) -> dict[str, Any]:
    """The layer of a stored profile body. A body of the older format holds every indicator as
    it was copied: what equals the shipped standard's (now or before) is the standard's, not the
    county's, and is left out."""
    if body.get("format") == LAYER_FORMAT:
        return body
    base = _standard_body(standard.shipped())["indicators"]
    layer = copy.deepcopy(body)
    for ind_id, entry in list(layer.get("indicators", {}).items()):
        ref, former = base.get(ind_id, {}), _FORMER_NATIONAL.get(ind_id, {})
        for key in ("on", "target", "note"):
            if key in entry and (entry[key] == ref.get(key, True if key == "on" else None)
                                 or (key in former and entry[key] == former[key])):
                del entry[key]
        if "threshold" in entry:
            keep = {k: v for k, v in entry["threshold"].items()
                    if v != ref.get("threshold", {}).get(k)
                    and v != former.get("threshold", {}).get(k)}
            if keep:
                entry["threshold"] = keep
            else:
                del entry["threshold"]
        if not entry:
            del layer["indicators"][ind_id]
    return layer


class ProfileDamaged(KnownError):
    """A profile stored in the file that the program cannot read (not a deleted one)."""


def _body_of(text: Any) -> dict[str, Any]:
    """A stored profile's body, read within db.stored's bounds and checked."""
    body = stored.loads(text)
    validate_body(body)
    return body


def _from_row(row: dict[str, Any], std: standard.Standard) -> Profile:
    try:
        body = _body_of(row["body"])
        return _build(row["id"], row["name"], _standard_body(std), _layer_of(body),
                      builtin=False, based_on=row.get("based_on"))
    except stored.UNREADABLE as exc:
        raise ProfileDamaged(f"目标方案“{row['name']}”已损坏，无法使用：{stored.reason(exc)}") \
            from None


def _read_stored(text: str) -> None:
    """What a merge asks of a profile body it would bring: readable, valid, and a layer whose
    every target makes a Target (laid on the file's standard only when it is read)."""
    layer = _layer_of(_body_of(text))
    for entry in layer.get("indicators", {}).values():
        if entry.get("target"):
            Target.from_dict(entry["target"])


stored.register("profile", "body", None, _read_stored)


# ---- reading and writing a county file's profiles -----------------------------------------------

def list_profiles(county: CountyFile, std: standard.Standard | None = None) -> list[Profile]:
    """Built-in profiles first (fixed order), then the file's own, by name, laid on `std`
    (default: the standard that judges the file)."""
    std = std or standard.for_county(county)
    own = []
    for row in county.rows("profile", order="name, id"):
        try:
            own.append(_from_row(row, std))
        except ProfileDamaged as exc:
            county.notice(f"文件“{county.path.name}”中的{exc}；它不在可选的方案中。")
    return builtin_profiles(std) + own


def get_profile(county: CountyFile, key: str, std: standard.Standard | None = None) -> Profile:
    """A profile by id, or by its exact name, laid on `std` (default: the standard that judges
    the file); KnownError if the file has no such profile."""
    std = std or standard.for_county(county)
    if key in BUILTIN_ORDER:
        return _builtin(key, std)
    row = county.get("profile", key)
    if row is None:
        found = county.rows("profile", "name = ?", (key,))
        row = found[0] if found else None
    if row is None:
        for p in _builtins(std).values():
            if p.name == key:
                return p
        raise KnownError(f"找不到目标方案“{key}”。可用的方案：" +
                         "、".join(f"{p.id}（{p.name}）" for p in list_profiles(county, std)) + "。")
    return _from_row(row, std)


def active_profile(county: CountyFile, std: standard.Standard | None = None) -> Profile:
    """The profile the file uses. If it was deleted (e.g. by a merge), the baseline judges."""
    std = std or standard.for_county(county)
    key = county.setting(ACTIVE_SETTING) or BASELINE
    try:
        return get_profile(county, key, std)
    except ProfileDamaged as exc:
        baseline = _builtin(BASELINE, std)
        county.notice(f"文件“{county.path.name}”选用的{exc}；现按“{baseline.name}”评判，"
                      "可在“目标方案”中另选一个。")
        return baseline
    except KnownError:
        return _builtin(BASELINE, std)


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
    # The source's description speaks of the source ("…，不加本县方案"): the copy says what it is.
    body = {**source.to_body(), "description": f"本县方案，以“{source.name}”为基础调整。"}
    with county.atomic():
        pid = county.insert("profile", {
            "name": name, "based_on": source.id,
            "body": json.dumps(body, ensure_ascii=False, indent=1),
        })
    return get_profile(county, pid)


def changed_from(county: CountyFile, profile: Profile) -> tuple[str, list[str]] | None:
    """(the name of the profile `profile` was copied from, the indicators whose setting differs
    from it, in the catalogue's order), or None for a built-in profile or one whose source is
    gone."""
    if profile.builtin or not profile.based_on:
        return None
    try:
        source = get_profile(county, profile.based_on)
    except KnownError:
        return None
    return source.name, [ind.id for ind in CATALOGUE
                         if profile.setting(ind.id) != source.setting(ind.id)]


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
    # Laid on the standard, the layer must still make sense (6 categories over its 10 items …).
    _build(profile.id, profile.name, _standard_body(standard.for_county(county)), body,
           builtin=False, based_on=profile.based_on)
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
