"""导出佐证材料: one year's evidence as the reviewers' binder. A folder per section and 条目 of the
standard holds every file that earns or supports the item's points that year (attached to the
item, to a creation task it is judged by, to an activity its indicator counts); what supports no
item follows (本县指标, 创建任务, 文化宣传活动, 其他); an index lists each file once with every
条目 it supports."""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from pathlib import Path
import re
import shutil
import tempfile
from typing import TYPE_CHECKING, Any
import unicodedata
import zipfile

from db.copies import clear_leftovers
from db.errors import KnownError, MissingEvidence
from db.fields import clean_text
from reports.judge import standard as standards
from reports.judge.catalogue import ACTIVITY_COUNTS, BY_ID
from reports.judge.duplicates import key_of
from reports.judge.facts import load_documents, load_facts
from reports.judge.measures import counted_by
from reports.judge.scoring import matched_tasks
from reports.judge.standard import Standard
from reports.judge.wording import chinese_date

if TYPE_CHECKING:
    from db.county import CountyFile

INDEX_NAME = "佐证材料目录.csv"
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
MAX_NAME = 80


def safe_name(name: str, fallback: str = "未命名") -> str:
    """A file or folder name that is valid on Windows and Linux, stays where it is put and reads
    as what it is: direction marks (U+202E shows 照片\u202egpj.exe as 照片exe.jpg) and
    other invisible characters are removed."""
    name = _UNSAFE.sub("_", name or "")
    name = "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cf"))
    name = name.strip().strip(".").strip()
    name = re.sub(r"\s+", " ", name)
    if not name or set(name) <= {"_", " "}:
        name = fallback
    # Windows reserves these device names whatever the extension, and ignores trailing spaces.
    if name.upper().split(".")[0].rstrip() in {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
                                               *(f"COM{i}" for i in range(1, 10)),
                                               *(f"LPT{i}" for i in range(1, 10))}:
        name = f"_{name}"
    if len(name) > MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        if dot and len(ext) <= 8:
            name = stem[:MAX_NAME - len(ext) - 1] + "." + ext
        else:
            name = name[:MAX_NAME]
    return name


@dataclass(frozen=True)
class Place:
    """An item of the standard as the binder shows it: its 条目 and name, and its folder."""

    rank: int  # the item's place in the standard: the binder follows the standard's order
    code: str  # 一（一）2
    label: str  # 一（一）2 建立中医药工作联席会议制度… or 四（三）1 群众中医药服务满意率
    folder: tuple[str, ...]  # (01 一、组织管理与政策保障, 02 一（一）2 建立中医药工作联席会议制度…)


@dataclass
class Entry:
    group: str  # 指标 / 创建任务 / 宣传活动 / 模拟评审 / 其他: what the file is attached to
    folder: list[str]  # where the binder stores it
    filename: str
    evidence_id: str
    year: int | None
    about: str  # with the program's ids (G02 一（一）2 …), as the command line names records
    size: int
    note: str
    # What a reviewer calls it, printed in the report's 佐证材料目录 and the binder's index: the
    # standard's 条目 and name (二（一）6 医联体覆盖人口比例), never the program's ids.
    label: str = ""
    rank: int = 0  # where the binder puts it: its first item's place in the standard
    # Every item of the standard it earns or supports in the year exported, the one it is stored
    # under first (empty when no year was asked for, or it supports none)
    supports: tuple[Place, ...] = ()
    sha256: str = ""

    def __post_init__(self) -> None:
        self.label = self.label or self.about


def evidence_entries(county: CountyFile, year: int | None = None) -> list[Entry]:
    """Every evidence file with the folder it belongs in, ordered as the binder is; with `year`,
    the year's evidence as that year's report lists it (an item's for the year or for no year,
    the year's activities', the creation tasks'), each with the items it supports that year."""
    tasks = {r["id"]: r for r in county.rows("task")}
    # Only the activities that have evidence: a county logs tens of thousands.
    activities = {r["id"]: r for r in county.query(
        "SELECT a.*, i.name AS institution FROM activity a "
        "JOIN institution i ON i.id = a.institution_id WHERE a.deleted = 0 AND a.id IN "
        "(SELECT owner_id FROM evidence WHERE deleted = 0 AND owner_table = 'activity')")}
    # The photos of a 模拟评审's findings: the institution and item they were taken at.
    findings = {r["id"]: r for r in county.query(
        "SELECT f.id, f.item_id, r.year, i.name AS institution FROM review_finding f "
        "JOIN review r ON r.id = f.review_id JOIN institution i ON i.id = f.institution_id "
        "WHERE f.deleted = 0 AND r.deleted = 0 AND f.id IN "
        "(SELECT owner_id FROM evidence WHERE deleted = 0 AND owner_table = 'review_finding')")}
    std = standards.for_county(county)
    places = _places(std)
    support = _Support(county, std, places, year) if year is not None else None
    entries = []
    for ev in county.rows("evidence", order="owner_table, indicator_id, year, filename"):
        finding = findings.get(ev["owner_id"]) if ev["owner_table"] == "review_finding" else None
        if finding is not None:
            if year is None or finding["year"] == year:
                entries.append(_finding_entry(ev, finding, std, len(places)))
            continue
        if year is not None and not _of_year(ev, tasks, activities, year):
            continue
        entries.append(_entry(ev, tasks, activities, std, places, support))
    return sorted(entries, key=lambda e: (e.rank, e.folder, e.filename))


def _of_year(ev: dict[str, Any], tasks: dict[str, Any], activities: dict[str, Any],
             year: int) -> bool:
    """Whether the year's report and binder hold this file: an activity's if the activity was
    held in the year, a creation task's always (tasks run across the years), any other's if it
    is for the year or for no year."""
    if ev["owner_table"] == "activity" and ev.get("owner_id") in activities:
        return activities[ev["owner_id"]]["date"][:4] == str(year)
    if ev["owner_table"] == "task" and ev.get("owner_id") in tasks:
        return True
    return ev.get("year") in (None, year)


class _Support:
    """Which items of the standard a task's or an activity's files earn or support in a year,
    decided as the scoring decides them: a governance item by the creation tasks it is judged
    by (reports.judge.scoring.matched_tasks), an activity indicator by the activities it counts
    (reports.judge.measures.counted_by, over the year's log as the indicators count it)."""

    def __init__(self, county: CountyFile, std: Standard, places: dict[str, Place],
                 year: int) -> None:
        self.places = places
        docs = load_documents(county)
        self.by_task: dict[str, list[Place]] = {}
        for item in std.items:
            if item.by == "document":
                for task in matched_tasks(item, docs):
                    self.by_task.setdefault(task["id"], []).append(self.places[item.id])
        facts = load_facts(county, year)
        self.types = {inst["id"]: inst["type"] for inst in facts.institutions}
        self.counted = {row["id"]: row for row in facts.log}
        # A copy of an activity entered twice counts as the first copy (reports.judge.duplicates)
        self.copies = {key_of(row): row for row in facts.log}
        self.std = std

    def of_task(self, task_id: str) -> tuple[Place, ...]:
        return tuple(self.by_task.get(task_id, ()))

    def of_activity(self, activity: dict[str, Any]) -> tuple[Place, ...]:
        row = self.counted.get(activity["id"]) or self.copies.get(key_of(activity))
        inst_type = self.types.get(activity["institution_id"])
        if row is None or inst_type is None:
            return ()  # not counted: an institution not counted in the year
        found = []
        for ind_id in counted_by(row, inst_type):
            item = self.std.for_indicator(ind_id)
            if item is not None:
                # Stored under the item that counts its kind (a lecture's photos under 讲座),
                # not under the shares every activity adds to (健康教育中医药内容占比).
                found.append((ACTIVITY_COUNTS[ind_id].kind is None, self.places[item.id]))
        return tuple(place for _, place in sorted(found, key=lambda f: (f[0], f[1].rank)))


def _entry(ev: dict[str, Any], tasks: dict[str, Any], activities: dict[str, Any],
           std: Standard, places: dict[str, Place], support: _Support | None) -> Entry:
    common = dict(filename=ev["filename"], evidence_id=ev["id"], year=ev.get("year"),
                  size=ev["size"], note=ev.get("note") or "", sha256=ev.get("sha256") or "")
    last = len(places)
    ind = BY_ID.get(ev.get("indicator_id") or "")
    item = (std.for_indicator(ind.id) if ind is not None
            else std.item(ev.get("indicator_id") or ""))
    if ev["owner_table"] == "indicator" and item is not None:
        # An item of the standard: an indicator's (as the rest of the report names it) or a
        # governance item attached in 总览 (规划, 联席会议 …).
        place = places[item.id]
        about = f"{ind.id} {ind.name}" if ind is not None else f"{item.id} {item.code} {item.text}"
        return Entry("指标", list(place.folder), about=about, label=place.label, rank=place.rank,
                     supports=(place,), **common)
    if ev["owner_table"] == "indicator" and ind is not None:
        return Entry("指标", [standards.LOCAL, ind.name], about=f"{ind.id} {ind.name}",
                     label=standards.cite(std, ind.id), rank=last, **common)
    if ev["owner_table"] == "task" and ev.get("owner_id") in tasks:
        t = tasks[ev["owner_id"]]
        name = f"{(t['number'] or '').zfill(2)} {t['text'][:30]}".strip()
        supports = support.of_task(t["id"]) if support is not None else ()
        folder = list(supports[0].folder) if supports else ["创建任务", name]
        return Entry("创建任务", folder, about=f"任务 {t['number'] or ''} {t['text']}",
                     rank=supports[0].rank if supports else last + 1, supports=supports,
                     **common)
    if ev["owner_table"] == "activity" and ev.get("owner_id") in activities:
        a = activities[ev["owner_id"]]
        name = f"{a['date']} {a['institution']} {a['title']}"
        supports = support.of_activity(a) if support is not None else ()
        # Its own folder under the item: a photo is known by the activity it shows, and two
        # lectures' photos are both called 现场照片.jpg.
        folder = [*supports[0].folder, name] if supports else ["文化宣传活动", name]
        return Entry("宣传活动", folder, about=name,
                     label=f"{chinese_date(a['date'])} {a['institution']} {a['title']}",
                     rank=supports[0].rank if supports else last + 2, supports=supports,
                     **common)
    # What it belonged to is gone (a task or activity deleted, an item of another standard).
    return Entry("其他", ["其他"], about=ev.get("owner_table") or "",
                 label=_GONE.get(ev.get("owner_table") or "", "其他"), rank=last + 4, **common)


def _finding_entry(ev: dict[str, Any], finding: dict[str, Any], std: Standard,
                   last: int) -> Entry:
    """A photo taken at a 模拟评审's site visit: kept apart from the evidence the items are scored
    on (it is the county's own rehearsal), by institution, named by the item it was taken for."""
    item = std.item(finding["item_id"]) or std.for_indicator(finding["item_id"])
    what = f"{item.code} {item.text}" if item is not None else "现场核查"
    label = f"模拟评审现场照片：{finding['institution']} {what}"
    return Entry("模拟评审", ["模拟评审现场照片", finding["institution"]],
                 filename=ev["filename"], evidence_id=ev["id"], year=ev.get("year"),
                 about=label, size=ev["size"], note=ev.get("note") or "", label=label,
                 rank=last + 3, sha256=ev.get("sha256") or "")


_GONE = {"task": "任务（已删除）", "activity": "活动（已删除）",
         "indicator": "评分项（现用评分标准中没有此项）",
         "review_finding": "模拟评审现场照片（所属评审已删除）"}


def _shortened(text: str, size: int = 30) -> str:
    """A long item's text cut for a folder's name, at a word's end and marked as cut."""
    if len(text) <= size:
        return text
    return text[:size].rstrip("，、；：。,;: ") + "…"


def _places(std: Standard) -> dict[str, Place]:
    """Each item's place in the binder, in the reviewers' words: its section
    (01 一、组织管理与政策保障) and the item by its 条目 (03 一（一）3 制定创建工作计划…), named as the
    report names it (an indicator's item by the indicator's name). The leading numbers keep the
    standard's order in any file manager (by name, 一二三四 would not)."""
    places = {}
    for n, section in enumerate(std.sections, start=1):
        for k, item in enumerate(section.items, start=1):
            ind = BY_ID.get(item.indicator or "")
            name = ind.name if ind is not None else item.text
            places[item.id] = Place(len(places), item.code, f"{item.code} {name}", (
                f"{n:02d} {section.id}、{section.title}",
                f"{k:02d} {item.code} {_shortened(name)}"))
    return places


def export_evidence(county: CountyFile, dest: Path, *, year: int, as_zip: bool = False) -> Path:
    """Write the year's binder as the folder `dest` (or the zip file `dest`, whose top folder is
    named as it is); never inside anything else's place.

    The folder must not exist yet (nothing is overwritten); it appears complete or not at all.
    """
    dest = Path(dest)
    if dest.exists():
        raise KnownError(f"“{dest.name}”已存在，不会覆盖。请换一个名称。")
    entries = evidence_entries(county, year)
    if not entries:
        raise KnownError(f"文件中还没有 {year} 年度的佐证材料。请先在各页面为指标、任务或活动添加。")
    clear_leftovers(dest.parent, ".evidence-*")  # what a killed export left (once old enough)
    work = Path(tempfile.mkdtemp(prefix=".evidence-", dir=dest.parent))
    try:
        root = work / safe_name(dest.stem if as_zip else dest.name, "佐证材料")
        root.mkdir()
        rows = _write_files(county, root, entries)
        _write_index(root, rows)
        if as_zip:
            _zip(root, work / "out.zip")
            os.replace(work / "out.zip", dest)
        else:
            os.replace(root, dest)
    except OSError as exc:
        raise KnownError(f"无法写出佐证材料到“{dest}”：{exc.strerror or exc}。") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return dest


# A file that supports several items is stored once, under the first of them (for an
# activity, the item counting its kind); each other item's folder lists it, with where it is, in
# this file, and the index names every item it supports. Copies would let a reviewer open it from
# every folder, but evidence files run to 50 MB each and a lecture's photos support three items
# (讲座, 中医药内容占比, 受众占比): in a zip, which cannot link, copies would triple the binder.
ALSO_NAME = "其他位置的佐证材料.txt"


def _write_files(county: CountyFile, root: Path, entries: list[Entry]) -> list[list[Any]]:
    rows = []
    used: set[str] = set()
    stored: dict[tuple[tuple[str, ...], str], Path] = {}  # (folder, content) → where it is
    also: dict[Place, list[tuple[Entry, str]]] = {}  # an item's files stored under another item
    for n, e in enumerate(entries, start=1):
        folder = root.joinpath(*(safe_name(part) for part in e.folder))
        # The same content attached twice (to a task and to its item in 总览) lands once there.
        target = stored.get((tuple(e.folder), e.sha256)) if e.sha256 else None
        if target is None:
            target = _unique(folder / safe_name(e.filename, f"文件{n}"), used)
            _inside(root, target, e.filename)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(_stored(county, e))
            stored[(tuple(e.folder), e.sha256)] = target
        place = target.relative_to(root).as_posix()
        elsewhere = [p for p in e.supports if tuple(e.folder[:len(p.folder)]) != p.folder]
        for p in elsewhere:
            also.setdefault(p, []).append((e, place))
        rows.append([n, e.group, e.label, e.year or "", e.filename, place, e.size, e.note,
                     "；".join(p.label for p in e.supports),
                     "；".join("/".join(safe_name(part) for part in p.folder) for p in elsewhere)])
    for p, files in also.items():
        _write_also(root, p, files, used)
    return rows


def _stored(county: CountyFile, e: Entry) -> bytes:
    """The entry's file; a record whose file is missing stops the binder naming the record,
    what it belongs to and the way on (nothing is written: the binder appears whole or not)."""
    try:
        return county.evidence_data(e.evidence_id)
    except MissingEvidence as exc:
        raise KnownError(f"{str(exc).rstrip('。')}（{e.group}：{e.label}），佐证材料未导出。请在该{e.group}的佐证材料中"
                         "删除这一份后重新添加原文件，再导出。") from None


def _inside(root: Path, target: Path, filename: str) -> None:
    # Whatever the names said, the file must land inside the export folder.
    if root.resolve() not in target.resolve().parents:
        raise KnownError(f"佐证材料“{filename}”的名称不安全，已停止导出。")


def _write_also(root: Path, place: Place, files: list[tuple[Entry, str]], used: set[str]) -> None:
    """The note in an item's folder naming the files stored under another item that support it
    too, with where each one is (its path from the binder's top folder)."""
    target = _unique(root.joinpath(*(safe_name(part) for part in place.folder), ALSO_NAME), used)
    _inside(root, target, ALSO_NAME)
    lines = [place.label, "",
             f"以下 {len(files)} 份佐证材料同样支持本条目。每份材料在佐证材料中只存放一份，"
             "位置如下（自佐证材料文件夹起）：", ""]
    for k, (e, where) in enumerate(files, start=1):
        lines += [f"{k}. {_visible(e.filename)}（{_visible(e.label)}）", f"   {where}"]
    target.parent.mkdir(parents=True, exist_ok=True)
    # Notepad on an older Chinese Windows reads UTF-8 by its byte-order mark and wants CRLF.
    target.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig", newline="")


def _visible(text: str) -> str:
    """`text` without the invisible characters that would reorder or hide what a note shows."""
    return "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cf"))


def _unique(path: Path, used: set[str]) -> Path:
    """`path`, or 照片（2）.jpg beside it when taken: compared as Windows compares names."""
    candidate, k = path, 2
    while str(candidate).casefold() in used:
        candidate = path.with_name(f"{path.stem}（{k}）{path.suffix}")
        k += 1
    used.add(str(candidate).casefold())
    return candidate


# Text a spreadsheet opening the CSV would take as a formula or a DDE command (OWASP's list, and
# the full-width forms some versions accept too).
_FORMULA_STARTS = frozenset("=+-@\t\r＝＋－＠")


def csv_cell(value: Any) -> Any:
    """A value as the index writes it: text that would start a formula gets a leading apostrophe,
    so Excel shows it as text (apostrophe included); numbers stay numbers. The index is only read
    by people, never imported: to get the original text back, drop that one apostrophe.
    Control and invisible format characters are removed (a NUL, or a U+202E that would show a
    file's name reversed), as every writer removes them (db.fields)."""
    if isinstance(value, str):
        value = clean_text(value, lines=True)
        if value[:1] in _FORMULA_STARTS:
            return "'" + value
    return value


def _write_index(root: Path, rows: list[list[Any]]) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["序号", "类别", "所属指标/任务/活动", "年度", "原文件名", "位置", "大小（字节）",
                     "备注", "支持的评分条目", "同时列于（条目文件夹）"])
    writer.writerows([csv_cell(v) for v in row] for row in rows)
    # UTF-8 with a byte-order mark: Excel on a Chinese Windows opens it without garbling.
    (root / INDEX_NAME).write_text(buf.getvalue(), encoding="utf-8-sig")


# Formats that are compressed already (photos, video, Office and OFD files are zips): deflating
# them again gains nothing and took most of a binder's zip time (see tests/benchmarks).
_PACKED = frozenset({".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic", ".mp4", ".mov", ".avi",
                     ".wmv", ".mp3", ".zip", ".rar", ".7z", ".docx", ".xlsx", ".pptx", ".ofd"})


def _zip(root: Path, out: Path) -> None:
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                z.write(path, Path(root.name, path.relative_to(root)).as_posix(),
                        zipfile.ZIP_STORED if path.suffix.lower() in _PACKED else None)
