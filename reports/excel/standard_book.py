"""A province's 评分表 in Excel: items, points, targets (目标值) and conditions (达标条件), scoring
rules, 必备, each item's basis and the pass mark, read into the county file (where it judges the
file and travels with it like every record) and written back the same way; a blank fill-in
template with drop-downs and a 填表说明 sheet.

A 评分表 comes from another PC like any workbook: points are finite and within a stated range,
the total and pass mark make sense, ids are unique (ignoring case and full/half width), short and
printable, and the number of items is bounded.

    tcmcounty standard-export FILE -o 评分表.xlsx [--blank]
    tcmcounty standard-import FILE 评分表.xlsx [--dry-run]

Every refusal names the sheet, the row as Excel shows it, the column and the reason; one refused
row refuses the whole workbook and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import hashlib
import os
from pathlib import Path
import re
from typing import TYPE_CHECKING, Any

from db.backups import make_backup
from db.errors import KnownError, ValidationError
from db.vocab import INSTITUTION_TYPES, OWNERSHIP

from reports.excel.export import Out, help_sheet, save_atomically, sheet_text, styles, write_table
from reports.excel.importer.workbook import check_file, read_sheets
from reports.excel.vocab import (YES_NO, BadValue, WorkbookError, clean_text, header_key,
                                 is_blank, read_bool, read_type)
from reports.judge import standard as standards
from reports.judge.catalogue import BY_ID
from reports.judge.standard import (JUDGED_BY, MAX_ITEMS, MAX_POINTS, MAX_TEXT, RULES, Standard,
                                    check_id, check_points, check_total, id_key, unprintable)
from reports.judge.targets import (TargetError, parse_target, parse_threshold, target_text,
                                   threshold_text)

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from db.county import CountyFile

ITEMS_SHEET = "评分表"
INFO_SHEET = "标准信息"
HELP_SHEET = "填表说明"

# key, header, width
COLUMNS: tuple[tuple[str, str, float], ...] = (
    ("section", "部分", 6), ("section_title", "部分名称", 18), ("id", "编号", 8),
    ("code", "条目", 11), ("text", "评分内容", 48), ("scope", "评价范围", 18),
    ("by", "评价方式", 11), ("indicator", "对应指标", 9), ("target", "目标值", 10),
    ("threshold", "达标条件", 22), ("keywords", "关键词", 20),
    ("types", "机构类型", 14), ("ownership", "举办性质", 9), ("evidence", "佐证材料", 24),
    ("points", "分值", 7), ("rule", "计分方式", 14), ("deduct", "每家扣分", 9),
    ("floor", "最低得分", 9), ("veto", "必备", 6), ("source", "来源", 30), ("basis", "依据", 40),
    ("unverified", "待核对", 7),
)
# Cells of free text and the most characters each may hold (as the standard itself allows).
TEXT_LIMITS = {"code": MAX_TEXT["code"], "text": MAX_TEXT["text"], "scope": MAX_TEXT["scope"],
               "evidence": MAX_TEXT["evidence"], "source": MAX_TEXT["source"],
               "basis": MAX_TEXT["basis"], "section": 20, "section_title": 100, "keywords": 500}
NO_TARGET = "不考核"
REQUIRED = ("section", "id", "code", "text", "by", "points", "rule")
INFO = (("name", "标准名称"), ("short", "引用简称"), ("version", "版本"), ("source", "依据文件"),
        ("description", "说明"), ("pass_mark", "合格分数线"), ("caveat", "核对说明"))

_BY_WORDS = {**{v: k for k, v in JUDGED_BY.items()}, "指标": "indicator", "任务": "document",
             "佐证": "document", "文件": "document", "资料": "document", "计数": "count"}
_RULE_WORDS = {**{v: k for k, v in RULES.items()}, "全或无": "all", "全得或不得": "all",
               "按比例": "proportion", "比例": "proportion", "扣分": "per_failing",
               "每家扣分": "per_failing"}
_SPLIT = re.compile(r"[、,，;；/\s]+")


class StandardRefused(KnownError):
    """A 评分表 workbook refused: every reason, one to a line."""

    def __init__(self, book: str, reasons: list[str]):
        shown = reasons[:30] + ([f"……另有 {len(reasons) - 30} 条"] if len(reasons) > 30 else [])
        super().__init__(f"评分表“{book}”未导入，请改正以下问题后重新导入：\n" + "\n".join(shown))
        self.reasons = reasons


# ---- writing --------------------------------------------------------------------------------------

def _target_cell(judge: dict[str, Any]) -> str | None:
    if "target" not in judge:
        return None  # the shipped standard's target applies
    ind = BY_ID[judge["indicator"]]
    return target_text(ind.kind, judge["target"]) or NO_TARGET


def _item_cells(section: Any, item: Any) -> list[Any]:
    judge = item.judge
    values = {
        "section": section.id, "section_title": section.title, "id": item.id, "code": item.code,
        "text": item.text, "scope": item.scope, "by": JUDGED_BY[item.by],
        "indicator": judge.get("indicator"),
        "target": _target_cell(judge) if item.by == "indicator" else None,
        "threshold": (threshold_text(judge["threshold"], judge["indicator"]) or None)
        if item.by == "indicator" and judge.get("threshold") else None,
        "keywords": "、".join(judge.get("keywords", [])) or None,
        "types": "、".join(INSTITUTION_TYPES[t] for t in judge.get("types", [])) or None,
        "ownership": OWNERSHIP.get(judge.get("ownership", "")) if item.by == "count" else None,
        "evidence": item.evidence or None, "points": _number(item.points),
        "rule": RULES[item.rule.kind],
        "deduct": _number(item.rule.deduct) if item.rule.kind == "per_failing" else None,
        "floor": _number(item.rule.floor) if item.rule.kind == "per_failing" else None,
        "veto": "是" if item.veto else "否", "source": item.source or None,
        "basis": item.basis or None, "unverified": "是" if item.unverified else "否",
    }
    return [values[key] for key, _, _ in COLUMNS]


def _number(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x


def _validations(ws: Worksheet, first: int, last: int) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    lists = {"by": list(JUDGED_BY.values()), "rule": list(RULES.values()), "veto": list(YES_NO),
             "unverified": list(YES_NO)}
    for index, (key, header, _) in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        if key in lists:
            words = lists[key]
            dv = DataValidation(type="list", formula1='"' + ",".join(words) + '"',
                                allow_blank=True, showErrorMessage=True,
                                errorTitle="请从下拉列表中选择",
                                error=f"{header}只能填：{'、'.join(words)}")
        elif key in ("points", "deduct", "floor"):
            dv = DataValidation(type="decimal", operator="between", formula1="0",
                                formula2=str(MAX_POINTS), allow_blank=True, showErrorMessage=True,
                                errorTitle="请填写数字", error=f"{header}应为0–{MAX_POINTS}之间的数字")
        else:
            continue
        dv.add(f"{letter}{first}:{letter}{last}")
        ws.add_data_validation(dv)


HELP_TEXT = f"""\
填表说明（评分表）

一、“{ITEMS_SHEET}”每行一个评分项，“{INFO_SHEET}”填写标准名称和合格分数线。填好后在程序中选择 文件 → 导入评分表，或运行 tcmcounty standard-import 数据文件 本工作簿。导入后本县数据文件按此表评分，合并数据文件时一并合并。
二、各列：
  部分、部分名称：如“一”“组织管理”；同一部分的行写同样的部分编号。
  编号：评分项的固定编号（如 G01、A1），不能重复；程序中的指标请用其编号（A1–D11），以便对应。
  条目：评分表上的条目号，报告“依据”栏按此引用，如“二（三）1”。
  评价方式：指标计算（按程序中的指标，须填“对应指标”）、任务与佐证（按创建任务的完成情况和佐证材料，须填“关键词”，任务内容含任一关键词即对应）、机构数（机构名册中某类机构的数量，须填“机构类型”；“举办性质”填“公立”则只计公立机构，如县办中医医疗机构）。
  目标值（评价方式为指标计算时）：本省对该项的要求，写成“≥75%”“≥3”或“60%–80%”；比例也可写 75 或 0.75。留空按国家建设标准（程序内置）的目标值；填“不考核”则只统计、不判断。
  达标条件（每家机构须达到的要求）：如适宜技术“10项”或“6类10项”，医师占比“每家≥25%”，宣传活动“每家≥4次”，医院等级“二级甲等及以上”，中药房“含煎药室”，中医馆“达标、提档升级；面积≥300㎡；诊室≥3间；治疗室≥2间；治疗室面积≥40㎡；中医类别医师≥25%；服务≥6类”，几项之间用“；”分隔。留空按国家建设标准。
  分值：本项满分，0–{MAX_POINTS} 分。计分方式：达到即得分（达到得满分，否则0分）、按比例得分（按实际值占目标值的比例得分）、每家不达标扣分（每有一家机构不达标扣“每家扣分”，最低为“最低得分”）。
  必备：填“是”的为必备项，一项不达标即不能通过。依据：该项所依据的文件和原文，没有依据的写“推定”。待核对：阈值或分值系推定、尚待核对原文的填“是”。
三、{INFO_SHEET}：合格分数线为总分达到即合格的分数，大于0且不得高于各项分值合计；各项分值合计应大于0、不超过 {standards.MAX_TOTAL} 分。
四、编号不能重复（不分大小写和全角半角），不超过 {standards.MAX_ID} 个字符，只能由文字、字母、数字和 - _ . （） 组成；评分项不超过 {MAX_ITEMS} 项；文字中不能有看不见的控制字符。
五、一行有错则整张表不导入，程序会指出工作表、行号、列名和原因。
"""


def write_standard(std: Standard | None, out_path: str | os.PathLike[str]) -> Path:
    """The standard as a 评分表 workbook (None: a blank fill-in template); returns the path."""
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = ITEMS_SHEET
    rows = [] if std is None else [_item_cells(s, i) for s in std.sections for i in s.items]
    title = std.name if std is not None else "评分表（请填写）"
    columns = [Out(header, width, None, key) for key, header, width in COLUMNS]
    wrap = [i for i, (key, _, _) in enumerate(COLUMNS, start=1)
            if key in ("text", "evidence", "source", "keywords")]
    last = write_table(ws, title, columns, rows, wrap=wrap)
    _validations(ws, 3, max(last, 3) + 200)
    info = book.create_sheet(INFO_SHEET)
    style = styles()
    info.append(["项目", "内容"])
    for c in (1, 2):
        info.cell(1, c).font = style["header_font"]
        info.cell(1, c).fill = style["header_fill"]
    info.column_dimensions["A"].width = 14
    info.column_dimensions["B"].width = 90
    for key, label in INFO:
        value = getattr(std, key) if std is not None else None
        info.append([label, _number(value) if key == "pass_mark" and value is not None
                     else sheet_text(value) or None])
    help_sheet(book.create_sheet(HELP_SHEET), HELP_TEXT)
    return save_atomically(book, out_path)


def export_standard(county: CountyFile, out_path: str | os.PathLike[str], *,
                    blank: bool = False) -> Path:
    """The standard that judges the file (its own 评分表, else the shipped one), or a blank
    template."""
    return write_standard(None if blank else standards.for_county(county), out_path)


# ---- reading --------------------------------------------------------------------------------------

@dataclass
class _Reader:
    book: str
    reasons: list[str] = field(default_factory=list)

    def refuse(self, sheet: str, row: int, column: str, reason: str) -> None:
        where = f"工作表“{sheet}”第 {row} 行" + (f"“{column}”列" if column else "")
        self.reasons.append(f"{where}：{reason}")


_HEADERS = {header_key(header): key for key, header, _ in COLUMNS}


def _find_items(sheets: list[Any]) -> tuple[Any, int, dict[int, str]] | None:
    """The sheet whose header row (in its first 10 rows) holds 评分内容 and 分值."""
    for sheet in sheets:
        for r, row in enumerate(sheet.rows[:10]):
            found = {i: _HEADERS[header_key(v)] for i, v in enumerate(row)
                     if header_key(v) in _HEADERS}
            if {"text", "points"} <= set(found.values()):
                return sheet, r, found
    return None


def _number_cell(value: Any, most: float = MAX_POINTS) -> float:
    """A number of points: finite, 0 to `most` (Excel's 1E+308 and text such as “inf” too)."""
    if isinstance(value, bool):
        raise BadValue(f"应为数字，收到“{clean_text(value)}”")
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        try:
            number = float(clean_text(value).replace("分", "").strip())
        except ValueError:
            raise BadValue(f"应为数字，收到“{clean_text(value)[:20]}”") from None
    if number < 0:
        raise BadValue(f"不能为负数（{number:g}）")
    why = check_points(number, "", most)
    if why:
        raise BadValue(why)
    return number


def _word(value: Any, words: dict[str, str], what: str, choices: list[str]) -> str:
    text = "".join(clean_text(value).split())
    if text in words:
        return words[text]
    raise BadValue(f"“{clean_text(value)}”不是可识别的{what}（可填：{'、'.join(choices)}）")


def _item(reader: _Reader, sheet: str, number: int, cells: dict[str, Any],
          headers: dict[str, str]) -> dict[str, Any] | None:
    """One row as the standard's JSON item, or None (with reasons noted) if it is refused."""
    before = len(reader.reasons)

    def bad(key: str, reason: str) -> None:
        reader.refuse(sheet, number, headers.get(key, key), reason)

    for key in REQUIRED:
        if is_blank(cells.get(key)):
            bad(key, "不能为空")
    for key, limit in TEXT_LIMITS.items():
        text = "" if is_blank(cells.get(key)) else str(cells[key])
        if len(text) > limit:
            bad(key, f"不能超过 {limit} 个字（现有 {len(text)} 个）")
        elif unprintable(text):
            bad(key, f"有看不见的控制字符（{unprintable(text)}），请删去后再导入")
    # The 编号 too, before clean_text (which removes such characters from data cells) reads it:
    # a province's standard is refused, not silently changed.
    raw_id = "" if is_blank(cells.get("id")) else str(cells["id"])
    if unprintable(raw_id):
        bad("id", f"有看不见的控制字符（{unprintable(raw_id)}），请删去后再导入")
    if len(reader.reasons) > before:
        return None
    item: dict[str, Any] = {"id": clean_text(cells["id"]), "code": clean_text(cells["code"]),
                            "text": clean_text(cells["text"]),
                            "scope": clean_text(cells.get("scope") or ""),
                            "evidence": clean_text(cells.get("evidence") or ""),
                            "source": clean_text(cells.get("source") or "")}
    if not is_blank(cells.get("basis")):
        item["basis"] = clean_text(cells["basis"])
    why = check_id(item["id"])
    if why:
        bad("id", why)
    try:
        by = _word(cells["by"], _BY_WORDS, "评价方式", list(JUDGED_BY.values()))
    except BadValue as exc:
        bad("by", str(exc))
        by = None
    if by == "indicator":
        ind = clean_text(cells.get("indicator") or "").upper()
        if not ind:
            bad("indicator", "评价方式为“指标计算”时须填写对应指标的编号（如 A1）")
        elif ind not in BY_ID:
            bad("indicator", f"“{ind}”不是程序中的指标编号（可填：{'、'.join(BY_ID)}）")
        item["judge"] = {"by": by, "indicator": ind}
        if ind in BY_ID:
            _conditions(cells, ind, item["judge"], bad)
    elif by == "document":
        words = [w for w in _SPLIT.split(clean_text(cells.get("keywords") or "")) if w]
        if not words:
            bad("keywords", "评价方式为“任务与佐证”时须填写关键词（用顿号分隔）")
        item["judge"] = {"by": by, "keywords": words}
    elif by == "count":
        types = []
        for w in _SPLIT.split(clean_text(cells.get("types") or "")):
            if not w:
                continue
            try:
                types.append(read_type(w))
            except BadValue as exc:
                bad("types", str(exc))
        if not types and is_blank(cells.get("types")):
            bad("types", "评价方式为“机构数”时须填写机构类型")
        item["judge"] = {"by": by, "types": types, "min": 1}
        owner = clean_text(cells.get("ownership") or "")
        if owner:
            found = next((k for k, w in OWNERSHIP.items() if w == owner), None)
            if found is None:
                bad("ownership", f"“{owner}”不是可识别的举办性质（可填：{'、'.join(OWNERSHIP.values())}）")
            else:
                item["judge"]["ownership"] = found
    for key, target in (("points", "points"),):
        try:
            item[target] = _number_cell(cells[key])
        except BadValue as exc:
            bad(key, str(exc))
    try:
        rule = _word(cells["rule"], _RULE_WORDS, "计分方式", list(RULES.values()))
        item["rule"] = {"kind": rule}
        if rule == "per_failing":
            if is_blank(cells.get("deduct")):
                bad("deduct", "计分方式为“每家不达标扣分”时须填写每家扣分")
            else:
                try:
                    item["rule"]["deduct"] = _number_cell(cells["deduct"])
                except BadValue as exc:
                    bad("deduct", str(exc))
                    item["rule"]["deduct"] = 1.0
                if item["rule"]["deduct"] == 0:
                    bad("deduct", "每家扣分应大于 0")
            try:
                floor = 0.0 if is_blank(cells.get("floor")) else _number_cell(cells["floor"])
            except BadValue as exc:
                bad("floor", str(exc))
                floor = 0.0
            if "points" in item and floor > item["points"]:
                bad("floor", f"最低得分（{floor:g}）不能高于分值（{item['points']:g}）")
            item["rule"]["floor"] = floor
    except BadValue as exc:
        bad("rule", str(exc))
    for key in ("veto", "unverified"):
        try:
            item[key] = bool(read_bool(cells[key])) if not is_blank(cells.get(key)) else False
        except BadValue as exc:
            bad(key, str(exc))
    return None if len(reader.reasons) > before else item


def _conditions(cells: dict[str, Any], ind: str, judge: dict[str, Any],
                bad: Any) -> None:
    """The 目标值 and 达标条件 cells of an item judged by indicator `ind`, checked as the
    indicator allows (blank: the shipped standard's)."""
    target = cells.get("target")
    if not is_blank(target):
        text = clean_text(target)
        if "".join(text.split()) in (NO_TARGET, "无", "—"):
            judge["target"] = None
        else:
            try:
                judge["target"] = parse_target(text, ind)
            except TargetError as exc:
                bad("target", str(exc).rstrip("。"))
    threshold = cells.get("threshold")
    if not is_blank(threshold):
        try:
            judge["threshold"] = parse_threshold(clean_text(threshold), ind)
        except TargetError as exc:
            bad("threshold", str(exc).rstrip("。"))


def _info(reader: _Reader, sheets: list[Any]) -> dict[str, Any]:
    labels = {header_key(label): key for key, label in INFO}
    found: dict[str, Any] = {}
    sheet = next((s for s in sheets if s.name == INFO_SHEET), None)
    if sheet is None:
        sheet = next((s for s in sheets if any(header_key(r[0] if r else None) in labels
                                               for r in s.rows[:20])), None)
    if sheet is None:
        reader.refuse(INFO_SHEET, 1, "", f"找不到“{INFO_SHEET}”工作表（须写明标准名称和合格分数线）")
        return found
    for n, row in enumerate(sheet.rows, start=1):
        key = labels.get(header_key(row[0] if row else None))
        if key is None or len(row) < 2:
            continue
        value = row[1]
        if key == "pass_mark":
            if is_blank(value):
                reader.refuse(sheet.name, n, "合格分数线", "不能为空")
                continue
            try:
                found[key] = _number_cell(value, standards.MAX_TOTAL)
                found["pass_mark_row"] = (sheet.name, n)
            except BadValue as exc:
                reader.refuse(sheet.name, n, "合格分数线", str(exc))
        elif not is_blank(value):
            text = clean_text(value)
            limit = MAX_TEXT.get(key, 2000)
            if len(text) > limit or unprintable(text):
                reader.refuse(sheet.name, n, dict(INFO)[key], f"不能超过 {limit} 个字，也不能有看不见的"
                              f"控制字符")
            else:
                found[key] = text
    if "name" not in found:
        reader.refuse(sheet.name, 1, "标准名称", "须填写标准名称")
    if "pass_mark" not in found and not any("合格分数线" in r for r in reader.reasons):
        reader.refuse(sheet.name, 1, "合格分数线", "须填写合格分数线")
    return found


def read_standard(path: str | os.PathLike[str]) -> Standard:
    """A 评分表 workbook as a standard; WorkbookError if it is not one, StandardRefused listing
    every refused row."""
    path = Path(path)
    check_file(path)
    sheets, _hidden = read_sheets(path)  # hidden sheets are not read (as for data workbooks)
    reader = _Reader(path.name)
    found = _find_items(sheets)
    if found is None:
        raise WorkbookError(f"工作簿“{path.name}”中没有评分表（找不到含“评分内容”和“分值”两列的表头）。")
    sheet, header_row, columns = found
    headers = {key: clean_text(sheet.rows[header_row][i]) for i, key in columns.items()}
    sections: dict[str, dict[str, Any]] = {}
    seen: dict[str, int] = {}
    items = 0
    for r in range(header_row + 1, len(sheet.rows)):
        row = sheet.rows[r]
        cells = {key: (row[i] if i < len(row) else None) for i, key in columns.items()}
        if all(is_blank(v) for v in cells.values()):
            continue
        number = r + 1
        items += 1
        if items > MAX_ITEMS:
            reader.refuse(sheet.name, number, "", f"评分项超过 {MAX_ITEMS} 项，此行及以下未读")
            break
        item = _item(reader, sheet.name, number, cells, headers)
        if item is None:
            continue
        key = id_key(item["id"])
        if key in seen:
            reader.refuse(sheet.name, number, headers.get("id", "编号"),
                          f"编号“{item['id']}”与第 {seen[key]} 行重复（不分大小写和全角半角）")
            continue
        seen[key] = number
        sid = clean_text(cells["section"])
        section = sections.setdefault(sid, {"id": sid, "title": "", "items": []})
        if not section["title"] and not is_blank(cells.get("section_title")):
            section["title"] = clean_text(cells["section_title"])
        section["items"].append(item)
    if not seen and not reader.reasons:
        reader.refuse(sheet.name, header_row + 2, "", "评分表中没有任何评分项")
    info = _info(reader, sheets)
    for s in sections.values():
        s["title"] = s["title"] or f"第{s['id']}部分"
    total = sum(i["points"] for s in sections.values() for i in s["items"] if "points" in i)
    if seen and "pass_mark" in info:
        why = check_total(total, info["pass_mark"])
        if why:
            where, n = info["pass_mark_row"]
            reader.refuse(where, n, "合格分数线", why)
    if reader.reasons:
        raise StandardRefused(path.name, reader.reasons)
    stable = hashlib.sha256(f"{info['name']}|{info.get('version', '')}".encode()).hexdigest()[:8]
    raw = {"format": standards.FORMAT, "id": f"imported-{stable}",
           "version": info.get("version", ""), "name": info["name"],
           "short": info.get("short", "评分表"), "source": info.get("source", path.name),
           "description": info.get("description", ""), "caveat": info.get("caveat", ""),
           "pass_mark": info["pass_mark"],
           "sections": list(sections.values())}
    try:
        return standards.parse(raw)
    except ValidationError as exc:  # a rule across rows: the pass mark above the total, say
        raise StandardRefused(path.name, [str(exc)]) from None


def import_standard(county: CountyFile, path: str | os.PathLike[str], *,
                    dry_run: bool = False) -> Standard:
    """Read a 评分表 and, unless `dry_run`, keep it in the county file (after a backup, in one
    transaction); from then on it scores the file."""
    std = read_standard(path)
    if not dry_run:
        make_backup(county.conn, county.path, "导入评分表前")
        standards.store(county, std)
    return std


def summary(std: Standard) -> str:
    vetoes = [i for i in std.items if i.veto]
    return (f"{std.name}：{len(std.sections)} 个部分，{len(std.items)} 个评分项，满分 "
            f"{std.total:g} 分，合格分数线 {std.pass_mark:g} 分，必备项 {len(vetoes)} 项。")
