"""The creation plan: read task lists as counties write them, ship two as templates, and import.

Two shapes come from real plans. Seed 001 (安岳县) numbers its tasks （一）（二）… and ends each
with 〔责任单位：lead、lead，assisting、assisting〕 (before the full-width comma the lead units,
after it the assisting ones). Seed 002 (綦江区) is a Word table pasted as text or kept in Excel:
任务类别 / 序号 / 重点任务 / 责任单位, the category cell merged over several rows.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
import datetime as _dt
import calendar
import json
from pathlib import Path
import re
from typing import TYPE_CHECKING, Any

from db.errors import KnownError, os_error_text
from db.fields import problems, shown, tidy
from db.given import check_readable
from resources import resource_path

if TYPE_CHECKING:
    from db.county import CountyFile

TEMPLATES = {
    "anyue-2023": "安岳县创建方案（2023，24 项任务，4 个阶段）",
    "qijiang-2023-2027": "綦江区重点任务清单（2023—2027）",
}

_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9}


@dataclass
class TaskItem:
    text: str
    number: str = ""
    category: str = ""
    lead_unit: str = ""
    assist_units: str = ""
    deadline: str | None = None
    phase: str = ""


@dataclass
class PhaseItem:
    name: str
    start_date: str | None = None
    end_date: str | None = None


@dataclass
class TaskList:
    tasks: list[TaskItem] = field(default_factory=list)
    phases: list[PhaseItem] = field(default_factory=list)


def chinese_number(text: str) -> int:
    """一 → 1, 十一 → 11, 二十四 → 24 (the numbers plans put in （）)."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones
                                                                else 0)
    return _CN_DIGITS[text]


def split_units(text: str) -> tuple[str, str]:
    """'县卫生健康局、县政府办公室，县财政局' → lead '县卫生健康局、县政府办公室', assisting '县财政局'."""
    text = re.sub(r"（[^）]*下同[^）]*）", "", text).strip()
    lead, _, assist = text.partition("，")
    return _units(lead), _units(assist)


def _units(text: str) -> str:
    parts = [p.strip() for p in re.split(r"[、,，\n]", text) if p.strip()]
    return "、".join(parts)


# ---- seed 001: numbered paragraphs with 〔责任单位：…〕 ---------------------------------------------

_TASK_START = re.compile(r"^（([一二三四五六七八九十]+)）")
_HEADING = re.compile(r"^([一二三四五六七八九十]+)、(.+)$")
_UNITS = re.compile(r"〔责任单位[：:](.+?)〕")
_PHASE = re.compile(r"^（[一二三四五六七八九十]+）([^（(：:]{2,12}阶段)[（(：:]\s*(.+?)[）)]?[。.]")
_MONTH = re.compile(r"(?:(\d{4})年)?(\d{1,2})月")


def parse_numbered(text: str) -> TaskList:
    """Tasks （一）… 〔责任单位：…〕 under headings 一、二、…, and the phases of 实施步骤."""
    result = TaskList()
    heading = ""
    current: list[str] | None = None
    number = 0
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        h = _HEADING.match(line)
        if h and current is None:
            heading = h.group(2).strip()
            continue
        phase = _PHASE.match(line)
        if phase and current is None:
            result.phases.append(_phase(phase.group(1), phase.group(2)))
            continue
        start = _TASK_START.match(line)
        if start and current is None and "阶段" not in line[:12]:
            number = chinese_number(start.group(1))
            current = [line[start.end():]]
        elif current is not None:
            current.append(line)
        if current is not None:
            joined = "".join(current)
            units = _UNITS.search(joined)
            if units:
                lead, assist = split_units(units.group(1))
                body = joined[:units.start()].strip()
                result.tasks.append(TaskItem(body, str(number), heading, lead, assist))
                current = None
    return result


def _phase(name: str, when: str) -> PhaseItem:
    months = _MONTH.findall(when)
    if not months:
        return PhaseItem(name.strip())
    year = int(months[0][0] or 0)
    first = (year, int(months[0][1]))
    last_year = int(months[-1][0]) if months[-1][0] else year
    last = (last_year, int(months[-1][1]))
    end_day = calendar.monthrange(*last)[1]
    return PhaseItem(name.strip(), f"{first[0]:04d}-{first[1]:02d}-01",
                     f"{last[0]:04d}-{last[1]:02d}-{end_day:02d}")


# ---- seed 002: a Word table pasted as text --------------------------------------------------------

def parse_table_text(text: str) -> TaskList:
    """Cells start with a tab; a line without one continues the cell above (a unit per line)."""
    cells: list[list[str]] = []
    for raw in text.splitlines():
        if not raw.strip():
            continue
        if raw.startswith("\t"):
            cells.append([raw.strip()])
        elif cells:
            if re.search(r"\s{3,}", raw.strip()) or raw.rstrip().endswith("印发"):
                break  # the signature and date under the table, not a unit
            cells[-1].append(raw.strip())
    result = TaskList()
    category = ""
    last_units = -1
    for i, cell in enumerate(cells):
        if not (len(cell) == 1 and cell[0].isdigit()) or i + 1 >= len(cells):
            continue
        if i - 1 > last_units and i >= 1:
            text_before = "".join(cells[i - 1]).strip()
            if text_before and not text_before.isdigit() and text_before != "序号":
                category = text_before
        task = "".join(cells[i + 1]).strip()
        units = cells[i + 2] if i + 2 < len(cells) else []
        lead = units[0] if units else ""
        result.tasks.append(TaskItem(task, cell[0], category, lead, "、".join(units[1:])))
        last_units = i + 2
    return result


def parse_text(text: str) -> TaskList:
    """Whichever of the two shapes the pasted text is in."""
    if "〔责任单位" in text:
        found = parse_numbered(text)
    else:
        found = parse_table_text(text)
    if not found.tasks:
        raise KnownError("没有从文字中找到任务。支持两种格式：编号段落加〔责任单位：牵头单位，配合单位〕；"
                         "或从 Word 表格复制的“任务类别 / 序号 / 重点任务 / 责任单位”。")
    return checked(found)


def checked(found: TaskList) -> TaskList:
    """`found` with each text cleaned as a typed one is (no control or invisible character),
    refused as a whole, naming the task, if one breaks a field's rule (a task over 2,000
    characters): a task list obeys the limits an Excel import does, before anything is written."""
    out = TaskList()
    for n, t in enumerate(found.tasks, start=1):
        rec = tidy("task", asdict(t))
        bad = problems("task", rec)
        if bad:
            which = f"（{shown(rec['number'])}）" if rec["number"] else ""
            raise KnownError(f"第 {n} 项任务{which}“{shown(rec['text'], 20)}”：{bad[0]}。")
        out.tasks.append(TaskItem(**rec))
    for p in found.phases:
        rec = tidy("phase", asdict(p))
        bad = problems("phase", rec)
        if bad:
            raise KnownError(f"阶段“{shown(rec['name'], 20)}”：{bad[0]}。")
        out.phases.append(PhaseItem(**rec))
    return out


# ---- an Excel sheet -------------------------------------------------------------------------------

_HEADERS = {
    "category": ("任务类别", "类别", "分类"),
    "number": ("序号", "编号"),
    "text": ("重点任务", "任务内容", "任务", "工作任务"),
    "units": ("责任单位",),
    "lead_unit": ("牵头单位",),
    "assist_units": ("配合单位", "协助单位"),
    "deadline": ("完成时限", "完成时间", "时限"),
    "phase": ("阶段",),
}


def parse_sheet(path: Path) -> TaskList:
    """A task list kept in Excel, in the columns of seed 002 (or with 牵头/配合 split). The
    workbook is read within the Excel import's limits: it may come from anyone's PC."""
    from reports.excel.importer import read_rows

    for _name, raw in read_rows(path):
        rows = [tuple("" if v is None else str(v).strip() for v in r) for r in raw]
        found = _sheet_tasks(rows)
        if found.tasks:
            return checked(found)
    raise KnownError(f"“{path.name}”中没有找到任务表（需要“重点任务”或“任务内容”列）。")


def _sheet_tasks(rows: list[tuple[str, ...]]) -> TaskList:
    result = TaskList()
    for h, header in enumerate(rows[:10]):
        names = [re.sub(r"\s", "", c) for c in header]
        cols = {key: names.index(w) for key, words in _HEADERS.items() for w in words
                if w in names}
        if "text" not in cols:
            continue
        category = ""
        for row in rows[h + 1:]:
            get = (lambda k: row[cols[k]] if k in cols and cols[k] < len(row) else "")
            text = get("text")
            if not text:
                continue
            category = get("category") or category
            if "units" in cols:
                lines = [u for u in re.split(r"[\n、,，]", get("units")) if u.strip()]
                lead, assist = (lines[0] if lines else ""), "、".join(lines[1:])
            else:
                lead, assist = _units(get("lead_unit")), _units(get("assist_units"))
            result.tasks.append(TaskItem(text, get("number"), category, lead, assist,
                                         _date(get("deadline")), get("phase")))
        return result
    return result


def read_task_file(path: Path) -> TaskList:
    """A task list from a file: an Excel workbook (.xlsx), else text (a plan's paragraphs, or a
    Word table copied as text) in UTF-8 or, as Windows Notepad saves it, GB18030."""
    if path.suffix.lower() == ".xlsx":
        return parse_sheet(path)
    check_readable(path, "任务清单文件", refused=KnownError)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise KnownError(f"无法读取“{path.name}”：{os_error_text(exc)}。") from None
    if len(raw) > MAX_TEXT_BYTES:
        raise KnownError(f"“{path.name}”有 {len(raw) // 1024 // 1024} MB，不像任务清单的文字"
                         f"（最多 {MAX_TEXT_BYTES // 1024 // 1024} MB）。")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return parse_text(raw.decode(encoding))
        except UnicodeDecodeError:
            continue
    raise KnownError(f"“{path.name}”不是文字文件（既不是 UTF-8 也不是 GBK 编码），"
                     "请另存为 .txt 或 .xlsx 后再导入。")


MAX_TEXT_BYTES = 10 * 1024 * 1024  # a plan is a few pages; anything bigger is not a task list


def _date(text: str) -> str | None:
    m = re.match(r"(\d{4})\D(\d{1,2})\D(\d{1,2})", text or "")
    if m:
        return f"{int(m[1]):04d}-{int(m[2]):02d}-{int(m[3]):02d}"
    m = re.match(r"(\d{4})年(\d{1,2})月(?:底)?$", text or "")
    if m:
        year, month = int(m[1]), int(m[2])
        return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"
    return None


# ---- templates and importing ---------------------------------------------------------------------

def find_template(given: str) -> str:
    """A shipped template by its id (anyue-2023) or words of its name (安岳县)."""
    text = given.strip()
    if text in TEMPLATES:
        return text
    found = [key for key, words in TEMPLATES.items() if text and text in words]
    if len(found) == 1:
        return found[0]
    listed = "；".join(f"{key}（{words}）" for key, words in TEMPLATES.items())
    raise KnownError(f"没有名为“{given}”的任务模板。可用的模板：{listed}。")


def load_template(template_id: str) -> TaskList:
    if template_id not in TEMPLATES:
        raise KnownError(f"没有名为“{template_id}”的任务模板。")
    data = json.loads(resource_path("tasks", f"{template_id}.json").read_text(encoding="utf-8"))
    return TaskList([TaskItem(**t) for t in data["tasks"]],
                    [PhaseItem(**p) for p in data.get("phases", [])])


def template_json(found: TaskList, source: str) -> str:
    return json.dumps({"source": source, "tasks": [asdict(t) for t in found.tasks],
                       "phases": [asdict(p) for p in found.phases]},
                      ensure_ascii=False, indent=1)


@dataclass
class TaskImport:
    added: int = 0
    skipped: int = 0
    phases_added: int = 0


def preview_tasks(county: CountyFile, found: TaskList) -> TaskImport:
    """What `import_tasks` would add, nothing written (the same rule: number and text)."""
    have = {(r["number"] or "", r["text"]) for r in county.rows("task")}
    phases = {r["name"] for r in county.rows("phase")}
    new = {(t.number, t.text) for t in found.tasks} - have
    return TaskImport(added=len(new), skipped=len(found.tasks) - len(new),
                      phases_added=len({p.name for p in found.phases} - phases))


def import_tasks(county: CountyFile, found: TaskList) -> TaskImport:
    """Add the tasks and phases the file does not have yet, in one transaction.

    A task already there (same number and text) is left as it is, so importing twice adds
    nothing and never overwrites the status or notes the county has kept since.
    """
    have = {(r["number"] or "", r["text"]) for r in county.rows("task")}
    phases = {r["name"] for r in county.rows("phase")}
    outcome = TaskImport()
    with county.atomic():
        for t in found.tasks:
            if (t.number, t.text) in have:
                outcome.skipped += 1
                continue
            county.insert("task", {
                "category": t.category or None, "number": t.number or None, "text": t.text,
                "lead_unit": t.lead_unit or None, "assist_units": t.assist_units or None,
                "deadline": t.deadline, "phase": t.phase or None})
            have.add((t.number, t.text))
            outcome.added += 1
        for order, p in enumerate(found.phases, start=len(phases) + 1):
            if p.name in phases:
                continue
            county.insert("phase", {"name": p.name, "start_date": p.start_date,
                                    "end_date": p.end_date, "ord": order})
            phases.add(p.name)
            outcome.phases_added += 1
        county.log("导入创建任务", new=f"新增任务 {outcome.added} 项，阶段 {outcome.phases_added} 个")
    return outcome


def task_label(task: dict[str, Any], width: int = 40) -> str:
    """“（三）建立中医药工作联席会议制度…”: the 序号 and the start of the text."""
    text = task["text"] if len(task["text"]) <= width else task["text"][:width - 1] + "…"
    return f"（{task['number']}）{text}" if task.get("number") else text


def set_status(county: CountyFile, task: dict[str, Any], status: str,
               note: str | None = None) -> None:
    """A task's 状态 (and 进展备注 when given), checked as a typed one is; one write."""
    values: dict[str, Any] = {"status": status}
    if note is not None:
        values["note"] = note.strip() or None
    county.update("task", task["id"], values)


def overdue(task: dict[str, Any], today: _dt.date) -> bool:
    """Not done and past its deadline, or marked 已延期: the same rule as the task progress."""
    if task.get("status") == "已完成":
        return False
    return task.get("status") == "已延期" or bool(
        task.get("deadline") and task["deadline"] < today.isoformat())
