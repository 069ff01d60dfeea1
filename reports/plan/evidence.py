"""导出佐证材料: every evidence file of the county file, in folders by section and indicator,
task, or activity, with an index the reviewers' binder opens with."""

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
from db.errors import KnownError
from reports.judge import standard as standards
from reports.judge.catalogue import BY_ID
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


@dataclass
class Entry:
    group: str  # 指标 / 创建任务 / 宣传活动 / 其他
    folder: list[str]
    filename: str
    evidence_id: str
    year: int | None
    about: str  # with the program's ids (G02 一（一）2 …), as the command line names records
    size: int
    note: str
    # What a reviewer calls it, printed in the report's 佐证材料目录 and the binder's index: the
    # standard's 条目 and name (二（一）6 医联体覆盖人口比例), never the program's ids.
    label: str = ""
    rank: int = 0  # its item's place in the standard: the binder follows the standard's order

    def __post_init__(self) -> None:
        self.label = self.label or self.about


def evidence_entries(county: CountyFile) -> list[Entry]:
    """Every evidence file, with the folder it belongs in; ordered as the binder is."""
    tasks = {r["id"]: r for r in county.rows("task")}
    # Only the activities that have evidence: a county logs tens of thousands.
    activities = {r["id"]: r for r in county.query(
        "SELECT a.*, i.name AS institution FROM activity a "
        "JOIN institution i ON i.id = a.institution_id WHERE a.deleted = 0 AND a.id IN "
        "(SELECT owner_id FROM evidence WHERE deleted = 0 AND owner_table = 'activity')")}
    std = standards.for_county(county)
    entries = []
    for ev in county.rows("evidence", order="owner_table, indicator_id, year, filename"):
        entries.append(_entry(ev, tasks, activities, std))
    order = {"指标": 0, "创建任务": 1, "宣传活动": 2, "其他": 3}
    return sorted(entries, key=lambda e: (order[e.group], e.rank, e.folder, e.filename))


def _entry(ev: dict[str, Any], tasks: dict[str, Any], activities: dict[str, Any],
           std: Standard | None = None) -> Entry:
    year = ev.get("year")
    common = dict(filename=ev["filename"], evidence_id=ev["id"], year=year, size=ev["size"],
                  note=ev.get("note") or "")
    ind = BY_ID.get(ev.get("indicator_id") or "")
    if ev["owner_table"] == "indicator" and ind is not None:
        scored = std.for_indicator(ind.id) if std is not None else None
        # as the rest of the report and the window say
        label = (standards.cite(std, ind.id) if std is not None
                 else f"{ind.name}（{standards.LOCAL}）")
        folder = (_item_folders(std, scored, ind.name) if std is not None and scored is not None
                  else [standards.LOCAL, ind.name])
        return Entry("指标", folder + ([f"{year}年"] if year else []),
                     about=f"{ind.id} {ind.name}", label=label, rank=_rank(std, scored),
                     **common)
    item = std.item(ev.get("indicator_id") or "") if std is not None else None
    if ev["owner_table"] == "indicator" and item is not None:
        # A governance item of the standard (规划, 联席会议 …), attached in 总览.
        folder = _item_folders(std, item, _shortened(item.text))  # type: ignore[arg-type]
        return Entry("指标", folder + ([f"{year}年"] if year else []),
                     about=f"{item.id} {item.code} {item.text}",
                     label=standards.cite(std, item), rank=_rank(std, item), **common)
    if ev["owner_table"] == "task" and ev.get("owner_id") in tasks:
        t = tasks[ev["owner_id"]]
        label = f"{(t['number'] or '').zfill(2)} {t['text'][:30]}".strip()
        return Entry("创建任务", ["创建任务", label], about=f"任务 {t['number'] or ''} {t['text']}",
                     **common)
    if ev["owner_table"] == "activity" and ev.get("owner_id") in activities:
        a = activities[ev["owner_id"]]
        label = f"{a['date']} {a['institution']} {a['title']}"
        return Entry("宣传活动", ["文化宣传活动", a["date"][:4] + "年", label], about=label,
                     label=f"{chinese_date(a['date'])} {a['institution']} {a['title']}", **common)
    # What it belonged to is gone (a task or activity deleted, an item of another standard).
    return Entry("其他", ["其他"], about=ev.get("owner_table") or "",
                 label=_GONE.get(ev.get("owner_table") or "", "其他"), **common)


_GONE = {"task": "任务（已删除）", "activity": "活动（已删除）",
         "indicator": "评分项（现用评分标准中没有此项）"}


def _shortened(text: str, size: int = 30) -> str:
    """A long item's text cut for a folder's name, at a word's end and marked as cut."""
    if len(text) <= size:
        return text
    return text[:size].rstrip("，、；：。,;: ") + "…"


def _item_folders(std: Standard, item: Any, name: str) -> list[str]:
    """The binder's folders for an item of the standard, in the reviewers' words: its section
    (01 一、组织管理与政策保障) and the item by its 条目 (03 一（一）3 制定创建工作计划…). The leading
    numbers keep the standard's order in any file manager (by name, 一二三四 would not)."""
    for n, section in enumerate(std.sections, start=1):
        for k, it in enumerate(section.items, start=1):
            if it.id == item.id:
                return [f"{n:02d} {section.id}、{section.title}", f"{k:02d} {it.code} {name}"]
    return [standards.LOCAL, name]


def _rank(std: Standard | None, item: Any) -> int:
    """An item's place in the standard; an indicator the standard does not list comes last."""
    items = std.items if std is not None else []
    return next((n for n, i in enumerate(items) if item is not None and i.id == item.id),
                len(items))


def export_evidence(county: CountyFile, dest: Path, *, as_zip: bool = False) -> Path:
    """Write the folder `dest` (or the zip file `dest`); never inside anything else's place.

    The folder must not exist yet (nothing is overwritten); it appears complete or not at all.
    """
    dest = Path(dest)
    if dest.exists():
        raise KnownError(f"“{dest.name}”已存在，不会覆盖。请换一个名称。")
    entries = evidence_entries(county)
    if not entries:
        raise KnownError("文件中还没有佐证材料。请先在各页面为指标、任务或活动添加。")
    clear_leftovers(dest.parent, ".evidence-*")  # what a killed export left (once old enough)
    work = Path(tempfile.mkdtemp(prefix=".evidence-", dir=dest.parent))
    try:
        root = work / "佐证材料"
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


def _write_files(county: CountyFile, root: Path, entries: list[Entry]) -> list[list[Any]]:
    rows = []
    used: set[Path] = set()
    for n, e in enumerate(entries, start=1):
        folder = root.joinpath(*(safe_name(part) for part in e.folder))
        target = _unique(folder / safe_name(e.filename, f"文件{n}"), used)
        # Whatever the names said, the file must land inside the export folder.
        if root.resolve() not in target.resolve().parents:
            raise KnownError(f"佐证材料“{e.filename}”的名称不安全，已停止导出。")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(county.evidence_data(e.evidence_id))
        rows.append([n, e.group, e.label, e.year or "", e.filename,
                     target.relative_to(root).as_posix(), e.size, e.note])
    return rows


def _unique(path: Path, used: set[Path]) -> Path:
    candidate, k = path, 2
    while candidate in used:
        candidate = path.with_name(f"{path.stem}（{k}）{path.suffix}")
        k += 1
    used.add(candidate)
    return candidate


# Text a spreadsheet opening the CSV would take as a formula or a DDE command (OWASP's list, and
# the full-width forms some versions accept too).
_FORMULA_STARTS = frozenset("=+-@\t\r＝＋－＠")


def csv_cell(value: Any) -> Any:
    """A value as the index writes it: text that would start a formula gets a leading apostrophe,
    so Excel shows it as text (apostrophe included); numbers stay numbers. The index is only read
    by people, never imported: to get the original text back, drop that one apostrophe."""
    if isinstance(value, str) and value[:1] in _FORMULA_STARTS:
        return "'" + value
    return value


def _write_index(root: Path, rows: list[list[Any]]) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["序号", "类别", "所属指标/任务/活动", "年度", "原文件名", "位置", "大小（字节）",
                     "备注"])
    writer.writerows([csv_cell(v) for v in row] for row in rows)
    # UTF-8 with a byte-order mark: Excel on a Chinese Windows opens it without garbling.
    (root / INDEX_NAME).write_text(buf.getvalue(), encoding="utf-8-sig")


def _zip(root: Path, out: Path) -> None:
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                z.write(path, Path(root.name, path.relative_to(root)).as_posix())
