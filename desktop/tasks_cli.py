"""The creation plan's tasks and evidence as commands of `tcmcounty`: tasks (task-import,
task-list, task-status) and evidence (evidence-add, evidence-list, evidence-remove), so that a
county prepared by a script can score the governance items as one kept in the window does.
Registered by desktop/cli.py.

The checks are the window's (reports.plan.tasks, reports.plan.attach): a task list must hold
tasks, a status is one of the four, evidence files are stored all or none and each within the
size limit. Exit codes: 0 done; 1 a task list or an evidence file refused (nothing written);
2 a usage error, including words that name no task, item, activity or evidence file, or more
than one (the candidates are listed); 3 the county file itself, as for every command.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
import json
from pathlib import Path
import sys
from typing import Any

from db.errors import KnownError

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}

EXIT_REFUSED = 1
EXIT_USAGE = 2

COUNTY_FILE = "县级数据文件（.tcmcounty）"
TASK = ("任务：序号（如 3）、task-list 列出的编号，或只有这一项任务含有的文字")
STATUSES = ("未开始", "推进中", "已完成", "已延期")


def _command(name: str) -> Callable[[Callable[[argparse.Namespace], int]], Callable]:
    def register(func: Callable[[argparse.Namespace], int]) -> Callable:
        COMMANDS[name] = func
        return func
    return register


def add_parsers(sub: Any, year: Callable[[str], int]) -> None:
    from reports.plan.tasks import TEMPLATES

    templates = "；".join(f"{key}（{words}）" for key, words in TEMPLATES.items())
    p = sub.add_parser("task-import", help="导入创建任务：程序自带的方案模板，或 Excel / 文字文件中的任务清单")
    p.add_argument("file", type=Path, metavar="FILE", help="导入到这个" + COUNTY_FILE)
    p.add_argument("source", type=Path, metavar="SOURCE", nargs="?",
                   help="任务清单：Excel 工作簿（.xlsx，含“重点任务”或“任务内容”列），或文字文件"
                        "（.txt：方案中带〔责任单位：…〕的任务段落，或从 Word 表格复制的文字）")
    p.add_argument("--template", metavar="ID", help=f"改用程序自带的方案模板：{templates}")
    p.add_argument("--dry-run", action="store_true", help="只显示将新增多少项，不写入")

    p = sub.add_parser("task-list", help="列出创建任务（序号、状态、完成时限、佐证份数、编号）")
    p.add_argument("file", type=Path, metavar="FILE", help=COUNTY_FILE)
    p.add_argument("--json", action="store_true", help="输出 JSON")

    p = sub.add_parser("task-status", help="设置一项创建任务的状态（及进展备注）")
    p.add_argument("file", type=Path, metavar="FILE", help=COUNTY_FILE)
    p.add_argument("task", metavar="TASK", help=TASK)
    p.add_argument("status", metavar="STATUS", choices=STATUSES,
                   help="状态：" + "、".join(STATUSES))
    p.add_argument("--note", metavar="TEXT", help="同时写入进展备注（空字符串清除）")

    p = sub.add_parser("evidence-add", help="添加佐证材料：给一项任务、一个评分项（某年度）或一次活动")
    p.add_argument("file", type=Path, metavar="FILE", help=COUNTY_FILE)
    p.add_argument("docs", type=Path, metavar="DOC", nargs="+",
                   help="佐证材料文件（可多个；全部存入或全部不存入，每个不超过 50 MB）")
    _owner_arguments(p, year, required=True)
    p.add_argument("--note", metavar="TEXT", help="备注（写在每份材料上）")

    p = sub.add_parser("evidence-list", help="列出佐证材料（全部，或一项任务、评分项、活动的）")
    p.add_argument("file", type=Path, metavar="FILE", help=COUNTY_FILE)
    _owner_arguments(p, year, required=False)
    p.add_argument("--json", action="store_true", help="输出 JSON")

    p = sub.add_parser("evidence-remove", help="删除佐证材料（随合并带到其他副本；可从备份恢复）")
    p.add_argument("file", type=Path, metavar="FILE", help=COUNTY_FILE)
    p.add_argument("ids", metavar="ID", nargs="+", help="evidence-list 列出的编号（可多个）")


def _owner_arguments(p: argparse.ArgumentParser, year: Callable[[str], int], *,
                     required: bool) -> None:
    group = p.add_mutually_exclusive_group(required=required)
    group.add_argument("--task", metavar="TASK", help=TASK)
    group.add_argument("--item", metavar="ID",
                       help="评分项编号（如 G01、A1）或条目（如 一（一）1），须同时给出 --year")
    group.add_argument("--activity", metavar="DATE|ID",
                       help="活动的日期（如 2024-03-05，同时用 --institution 给出机构）或活动编号")
    p.add_argument("--year", type=year, metavar="Y", help="评分项的年度（与 --item 一起用）")
    p.add_argument("--institution", metavar="NAME", help="举办活动的机构名称（与 --activity 一起用）")
    p.add_argument("--title", metavar="TEXT",
                   help="活动名称中的文字（该机构当天有几次活动时用来区分）")


class _Usage(KnownError):
    """Arguments that do not fit together: exit 2 with the sentence."""


def _owner(county: Any, args: argparse.Namespace) -> Any:
    """The record the arguments name (reports.plan.attach.Owner), or None for no owner given."""
    from reports.plan import attach

    if args.item is None and args.year is not None:
        raise _Usage("--year 只与 --item 一起使用。")
    if args.activity is None and (args.institution or args.title):
        raise _Usage("--institution 和 --title 只与 --activity 一起使用。")
    if args.task is not None:
        return attach.task_owner(attach.find_task(county, args.task))
    if args.item is not None:
        if args.year is None and getattr(args, "docs", None):
            raise _Usage("为评分项添加佐证须用 --year 给出年度（佐证按年度计入评分）。")
        return attach.find_item(county, args.item, args.year)
    if args.activity is not None:
        return attach.activity_owner(attach.find_activity(county, args.activity,
                                                          args.institution, args.title))
    return None


def _guarded(run: Callable[[], int]) -> int:
    """Words that name nothing, or several things, or do not fit together: exit 2, said."""
    from reports.plan.attach import Ambiguous, NotFound

    try:
        return run()
    except (NotFound, Ambiguous, _Usage) as exc:
        print(f"tcmcounty: {exc}", file=sys.stderr)
        return EXIT_USAGE


# ---- tasks ------------------------------------------------------------------------------------

@_command("task-import")
def _task_import(args: argparse.Namespace) -> int:
    from db.county import CountyFile
    from reports.plan import tasks as plan

    if (args.source is None) == (args.template is None):
        print("tcmcounty task-import: 请给出任务清单文件（SOURCE），或用 --template 选用自带模板"
              "（二者选一）", file=sys.stderr)
        return EXIT_USAGE
    try:
        found = (plan.load_template(plan.find_template(args.template)) if args.template
                 else None)
    except KnownError as exc:
        print(f"tcmcounty: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if found is None:
        try:
            found = plan.read_task_file(args.source)
        except KnownError as exc:
            print(f"tcmcounty: 未能读取任务清单：{exc}", file=sys.stderr)
            return EXIT_REFUSED
    with CountyFile.open(args.file, exclusive=not args.dry_run) as county:
        outcome = (plan.preview_tasks if args.dry_run else plan.import_tasks)(county, found)
    verb = "将新增" if args.dry_run else "新增"
    print(f"读到任务 {len(found.tasks)} 项、阶段 {len(found.phases)} 个：{verb}任务 {outcome.added} 项，"
          f"阶段 {outcome.phases_added} 个；已有的 {outcome.skipped} 项未改动。")
    if args.dry_run:
        print("（试运行：未写入任何内容）")
    return 0


def _task_record(t: dict[str, Any], files: int) -> dict[str, Any]:
    return {"id": t["id"], "number": t["number"], "category": t["category"], "text": t["text"],
            "lead_unit": t["lead_unit"], "assist_units": t["assist_units"],
            "deadline": t["deadline"], "phase": t["phase"], "status": t["status"],
            "note": t["note"], "evidence": files}


@_command("task-list")
def _task_list(args: argparse.Namespace) -> int:
    from db.county import CountyFile
    from db.vocab import number_key, pinyin_key
    from reports.plan.attach import short_id
    from reports.plan.tasks import task_label

    with CountyFile.open(args.file) as county:
        tasks = county.rows("task")
        files = {r["owner_id"]: r["n"] for r in county.query(
            "SELECT owner_id, count(*) AS n FROM evidence WHERE deleted = 0 "
            "AND owner_table = 'task' GROUP BY owner_id")}
    tasks.sort(key=lambda t: (number_key(t["number"]), pinyin_key(t["category"]),
                              pinyin_key(t["text"])))
    if args.json:
        body = [_task_record(t, files.get(t["id"], 0)) for t in tasks]
        sys.stdout.write(json.dumps(body, ensure_ascii=False, indent=2) + "\n")
        return 0
    if not tasks:
        print("文件中还没有创建任务。导入：tcmcounty task-import FILE --template anyue-2023，"
              "或 tcmcounty task-import FILE 任务清单.xlsx")
        return 0
    done = sum(t["status"] == "已完成" for t in tasks)
    print(f"创建任务 {len(tasks)} 项，已完成 {done} 项。编号 / 状态 / 完成时限 / 佐证 / 任务：")
    for t in tasks:
        print(f"  {short_id(t['id'])}  {t['status']}  {t['deadline'] or '—':10}  "
              f"佐证 {files.get(t['id'], 0)}  {task_label(t, 50)}")
    return 0


@_command("task-status")
def _task_status(args: argparse.Namespace) -> int:
    from db.county import CountyFile
    from reports.plan import attach, tasks as plan

    def run() -> int:
        with CountyFile.open(args.file, exclusive=True) as county:
            task = attach.find_task(county, args.task)
            plan.set_status(county, task, args.status, args.note)
        print(f"{plan.task_label(task)}：状态 {task['status']} → {args.status}"
              + (f"；进展备注：{args.note.strip() or '（已清除）'}" if args.note is not None else "")
              + "。")
        return 0
    return _guarded(run)


# ---- evidence ---------------------------------------------------------------------------------

@_command("evidence-add")
def _evidence_add(args: argparse.Namespace) -> int:
    from db.county import CountyFile
    from reports.plan.attach import attach_files, short_id

    def run() -> int:
        with CountyFile.open(args.file, exclusive=True) as county:
            owner = _owner(county, args)
            try:
                ids = attach_files(county, list(args.docs), note=args.note, **owner.fields)
            except KnownError as exc:
                print(f"tcmcounty: {exc}未添加任何材料。", file=sys.stderr)
                return EXIT_REFUSED
        print(f"已为{owner.about}添加佐证材料 {len(ids)} 份：")
        for eid, doc in zip(ids, args.docs, strict=True):
            print(f"  {short_id(eid)}  {doc.name}")
        return 0
    return _guarded(run)


def _evidence_rows(county: Any, owner: Any) -> list[dict[str, Any]]:
    from reports.plan.attach import owner_where
    from reports.plan.evidence import evidence_entries

    about = {e.evidence_id: e.about for e in evidence_entries(county)}
    where, params = owner_where(owner.fields) if owner is not None else ("", ())
    rows = county.rows("evidence", where, params, order="owner_table, indicator_id, year, filename")
    return [{"id": r["id"], "filename": r["filename"], "size": r["size"], "note": r["note"],
             "owner_table": r["owner_table"], "owner_id": r["owner_id"],
             "item": r["indicator_id"] if r["owner_table"] == "indicator" else None,
             "year": r["year"], "sha256": r["sha256"],
             "about": about.get(r["id"], "") + (f"（{r['year']}年）" if r["owner_table"] == "indicator"
                                                and r["year"] is not None else "")}
            for r in rows]


@_command("evidence-list")
def _evidence_list(args: argparse.Namespace) -> int:
    from db.county import CountyFile
    from reports.plan.attach import short_id

    def run() -> int:
        with CountyFile.open(args.file) as county:
            owner = _owner(county, args)
            rows = _evidence_rows(county, owner)
        if args.json:
            sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
            return 0
        where = f"{owner.about}的" if owner is not None else "全部"
        print(f"{where}佐证材料 {len(rows)} 份" + ("：" if rows else "。"))
        for r in rows:
            note = f"（{r['note']}）" if r["note"] else ""
            print(f"  {short_id(r['id'])}  {r['filename']}  {_size(r['size'])}  {r['about']}{note}")
        return 0
    return _guarded(run)


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


@_command("evidence-remove")
def _evidence_remove(args: argparse.Namespace) -> int:
    from db.county import CountyFile
    from reports.plan.attach import find_evidence, short_id

    def run() -> int:
        with CountyFile.open(args.file, exclusive=True) as county:
            found = [find_evidence(county, given) for given in args.ids]  # all named, or none
            with county.atomic():
                for item in {e["id"]: e for e in found}.values():
                    county.delete("evidence", item["id"])
        for item in {e["id"]: e for e in found}.values():
            print(f"已删除佐证材料 {short_id(item['id'])}  {item['filename']}")
        return 0
    return _guarded(run)
