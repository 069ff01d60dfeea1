"""Evidence (佐证材料) on the record it proves: a creation task, an item of the standard for a
year, or an activity. What the window's 添加佐证 / 佐证材料 and the command line share: the files
are stored all or none, each within the size limit, and a record is found from the words a clerk
or a script gives (a task's 序号, an item's id or 条目, an activity's institution and date).

A name that fits no record, or several, is `NotFound` / `Ambiguous` with the candidates listed,
so a script is told exactly what to write instead of the program guessing.
"""

from __future__ import annotations

from dataclasses import dataclass
import mimetypes
from pathlib import Path
import re
from typing import TYPE_CHECKING, Any

from db.county import MAX_EVIDENCE_BYTES, evidence_too_big
from db.errors import KnownError, os_error_text
from db.given import check_readable
from db.fields import same_key
from db.vocab import number_key
from reports.judge import standard as standards
from reports.judge.catalogue import BY_ID
from reports.plan.tasks import task_label

if TYPE_CHECKING:
    from db.county import CountyFile

SHORT_ID = 8  # characters of an id a list shows; any unique start of at least MIN_ID names it
MIN_ID = 6
SHOWN = 10  # candidates named in a refusal


class NotFound(KnownError):
    """The words given name no record."""


class Ambiguous(KnownError):
    """The words given name more than one record; the message lists them."""


# ---- storing ------------------------------------------------------------------------------------

def attach_files(county: CountyFile, files: list[Path], *, note: str | None = None,
                 **owner: Any) -> list[str]:
    """All chosen files are stored, or none (one transaction); returns the new records' ids.
    `owner`: owner_table and owner_id, or owner_table="indicator" with indicator_id and year;
    `note` goes on each."""
    ids = []
    with county.atomic():
        for path in files:
            size = check_readable(path, "可以添加的佐证材料文件", refused=KnownError).st_size
            try:
                if size > MAX_EVIDENCE_BYTES:
                    raise KnownError(f"{evidence_too_big(path.name, size)}，请压缩或拆分后再添加。")
                data = path.read_bytes()
            except OSError as exc:
                raise KnownError(f"无法读取文件“{path.name}”：{os_error_text(exc)}。") from None
            ids.append(county.add_evidence(path.name, data, note=(note or "").strip() or None,
                                           mime=mimetypes.guess_type(path.name)[0], **owner))
    return ids


def owner_where(owner: dict[str, Any]) -> tuple[str, tuple[Any, ...]]:
    """The evidence of one owner: an activity or task by its id, an indicator for a year."""
    if owner["owner_table"] == "indicator":
        if owner.get("year") is None:
            return "owner_table = 'indicator' AND indicator_id = ?", (owner["indicator_id"],)
        return ("owner_table = 'indicator' AND indicator_id = ? AND year = ?",
                (owner["indicator_id"], owner["year"]))
    return "owner_table = ? AND owner_id = ?", (owner["owner_table"], owner["owner_id"])


# ---- finding the record meant -------------------------------------------------------------------

@dataclass(frozen=True)
class Owner:
    """A record evidence belongs to, with the words that name it to a reader."""

    fields: dict[str, Any]  # owner_table, owner_id / indicator_id, year
    about: str


def _by_id(rows: list[dict[str, Any]], text: str) -> list[dict[str, Any]]:
    """Rows whose id is `text` or starts with it (at least MIN_ID characters)."""
    text = text.strip().lower()
    if len(text) < MIN_ID or not re.fullmatch(r"[0-9a-f]+", text):
        return []
    exact = [r for r in rows if r["id"] == text]
    return exact or [r for r in rows if r["id"].startswith(text)]


def _one(found: list[dict[str, Any]], what: str, given: str, show: Any,
         everything: list[dict[str, Any]], hint: str, none: str = "") -> dict[str, Any]:
    if len(found) == 1:
        return found[0]
    if not found:
        listed = "；".join(show(r) for r in everything[:SHOWN])
        more = f" 等 {len(everything)} 项" if len(everything) > SHOWN else ""
        raise NotFound(f"没有{what}“{given}”。{hint}" + (f"现有：{listed}{more}。" if everything
                                                        else none))
    listed = "；".join(show(r) for r in found[:SHOWN])
    more = f" 等 {len(found)} 项" if len(found) > SHOWN else ""
    raise Ambiguous(f"“{given}”对应 {len(found)} 项{what}：{listed}{more}。请用列表中的编号"
                    f"（前 {MIN_ID} 位以上即可）指明其中一项。")


def short_id(record_id: str) -> str:
    return record_id[:SHORT_ID]


def find_task(county: CountyFile, given: str) -> dict[str, Any]:
    """The task `given` names: its id (or the start of it, as `task-list` shows), its 序号 if
    only one task has it, else words of its text that only one task contains."""
    tasks = sorted(county.rows("task"), key=lambda t: (number_key(t["number"]), t["text"]))
    text = given.strip()
    found = _by_id(tasks, text)
    if not found:
        number = re.sub(r"^[（(]?(.*?)[）)]?$", r"\1", text)
        found = [t for t in tasks if (t["number"] or "").strip() == number]
    if not found and text:
        found = [t for t in tasks if text in t["text"]]
    return _one(found, "任务", given, lambda t: f"{short_id(t['id'])} {task_label(t, 20)}", tasks,
                "请给出任务的序号、编号或任务内容中的文字（tcmcounty task-list 列出全部任务）。",
                "文件中还没有创建任务（tcmcounty task-import 导入）。")


def find_item(county: CountyFile, given: str, year: int | None) -> Owner:
    """An item of the standard the file is scored with, by id (G01, A1) or 条目 (一（一）1), or an
    indicator of the catalogue: evidence on it is read as the window's 总览 attaches it."""
    std = standards.for_county(county)
    text = re.sub(r"\s", "", given).upper().replace("(", "（").replace(")", "）")
    items = [i for i in std.items if i.id.upper() == text or i.code == text]
    if len(items) > 1:
        raise Ambiguous(f"“{given}”对应 {len(items)} 个评分项：" + "；".join(
            f"{i.id} {i.code} {i.text[:20]}" for i in items) + "。请用评分项编号（如 G01）。")
    if items:
        item = items[0]
        key = item.indicator if item.indicator in BY_ID else item.id
        about = f"{item.id} {item.code} {item.text}"
    elif text in BY_ID:
        key, about = text, f"{text} {BY_ID[text].name}"
    else:
        examples = "、".join(f"{i.id}（{i.code}）" for i in std.items[:3])
        raise NotFound(f"评分标准“{std.name}”中没有评分项“{given}”。请给出评分项编号或条目，"
                       f"如 {examples}（tcmcounty standard-export FILE -o 评分表.xlsx 写出全部评分项）。")
    return Owner({"owner_table": "indicator", "indicator_id": key, "year": year},
                 about + (f"（{year}年）" if year is not None else ""))


_ACTIVITY_SQL = """
SELECT a.*, i.name AS institution FROM activity a JOIN institution i ON i.id = a.institution_id
WHERE a.deleted = 0 {where} ORDER BY a.date, i.name, a.title
"""


def _activity_label(a: dict[str, Any]) -> str:
    return f"{short_id(a['id'])} {a['date']} {a['institution']} {a['kind']}“{a['title']}”"


def find_activity(county: CountyFile, given: str, institution: str | None = None,
                  title: str | None = None) -> dict[str, Any]:
    """An activity by its id (or the start of it), or by its date with the institution's name
    and, where that institution held several that day, words of its title."""
    text = given.strip()
    found = _by_id(county.query(_ACTIVITY_SQL.format(where="")), text)
    if found:
        return found[0] if len(found) == 1 else _one(found, "活动", given, _activity_label, [], "")
    date = _iso_date(text)
    if date is None:
        raise NotFound(f"“{given}”不是活动的编号，也不是日期（如 2024-03-05）。")
    day = county.query(_ACTIVITY_SQL.format(where="AND a.date = :date"), {"date": date})
    if institution:
        want = same_key(institution)
        day = [a for a in day if same_key(a["institution"]) == want]
    if title:
        day = [a for a in day if same_key(title) in same_key(a["title"])]
    return _one(day, "活动", f"{date}{' ' + institution if institution else ''}"
                f"{' ' + title if title else ''}", _activity_label,
                county.query(_ACTIVITY_SQL.format(where="AND a.date = :date"), {"date": date}),
                "请核对日期，并用 --institution 给出机构名称、--title 给出活动名称中的文字。",
                f"{date} 没有任何活动。")


def _iso_date(text: str) -> str | None:
    import datetime as _dt

    m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text)
    if m is None:
        return None
    try:
        return _dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        return None


def find_evidence(county: CountyFile, given: str) -> dict[str, Any]:
    """An evidence record by its id or the start of it, as `evidence-list` shows it."""
    rows = county.rows("evidence", order="filename")
    return _one(_by_id(rows, given), "佐证材料", given,
                lambda e: f"{short_id(e['id'])} {e['filename']}", [],
                "请给出 tcmcounty evidence-list 列出的编号。")


def task_owner(task: dict[str, Any]) -> Owner:
    return Owner({"owner_table": "task", "owner_id": task["id"]}, "任务 " + task_label(task))


def activity_owner(activity: dict[str, Any]) -> Owner:
    return Owner({"owner_table": "activity", "owner_id": activity["id"]},
                 f"活动 {activity['date']} {activity['institution']}“{activity['title']}”")
