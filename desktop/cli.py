"""The `tcmcounty` command line: the window, plus commands that need no window.

Qt is imported only when a window opens, so `evaluate --json` and friends start fast.
Exit codes (contract.md): 0 done, 2 usage error, 3 not a county file (the file is left as it was),
in use by another program, or a full disk / closed output / folder that cannot be written.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import gc
import json
import os
import sqlite3
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn, TextIO
from pathlib import Path

from db.errors import (USER_OS_ERRORS, Damaged, FileExists, KnownError, ValidationError,
                       known_write_error)
from db.fields import visible
from desktop import plan_cli, review_cli

EXIT_USAGE = 2
EXIT_BAD_FILE = 3
EXIT_CONFLICT = 4

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}


def _command(name: str) -> Callable[[Callable[[argparse.Namespace], int]], Callable]:
    def register(func: Callable[[argparse.Namespace], int]) -> Callable:
        COMMANDS[name] = func
        return func
    return register


def _year(text: str) -> int:
    try:
        year = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"年度应为整数，收到“{text}”") from None
    if not 2000 <= year <= 2100:
        raise argparse.ArgumentTypeError(f"年度 {year} 不在 2000–2100 之间")
    return year


def _import_year(text: str) -> int:
    """Workbook years are 2020–2035 (contract.md), whether in a 年度 cell or given as --year."""
    year = _year(text)
    if not 2020 <= year <= 2035:
        raise argparse.ArgumentTypeError(f"导入的年度应在 2020–2035 之间，收到 {year}")
    return year


# argparse's own words in Chinese. argparse looks them up through gettext at the moment it uses
# them (building a parser, formatting usage, reporting an error), so they are swapped in only
# around our own parsing (_chinese_argparse), not for other users of argparse in the process.
ARGPARSE_WORDS = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选项 %(value)r（可选：%(choices)s）",
    "invalid %(type)s value: %(value)r": "无效的值：%(value)r",
    "expected one argument": "后面应跟一个值",
    "expected at most one argument": "后面最多跟一个值",
    "expected at least one argument": "后面至少跟一个值",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是 %(matches)s",
    "one of the arguments %s is required": "以下参数必须给出其一：%s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ignored explicit argument %r": "多余的值 %r",
    "unexpected option string: %s": "意外的选项：%s",
    "can't open '%(filename)s': %(error)s": "无法打开“%(filename)s”：%(error)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "unknown parser %(parser_name)r (choices: %(choices)s)":
        "无法识别的命令 %(parser_name)r（可用命令：%(choices)s）",
}


@contextlib.contextmanager
def _chinese_argparse() -> Any:
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]

    def plural(singular: str, plural_: str, n: int) -> str:
        if singular == "expected %s argument":
            return "后面应跟 %s 个值"
        return saved[1](singular, plural_, n)

    argparse._ = lambda text: ARGPARSE_WORDS.get(text, saved[0](text))  # type: ignore[attr-defined]
    argparse.ngettext = plural  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """A usage error is one line, exit 2; `-h` shows the full usage."""
        self.exit(EXIT_USAGE, f"{self.prog}: 用法错误：{message}（用 -h 查看用法）\n")


def build_parser() -> argparse.ArgumentParser:
    with _chinese_argparse():
        return _build_parser()


COUNTY_FILE = "县级数据文件（.tcmcounty）"
YEAR = "年度，如 2024"


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="tcmcounty",
        description="全国基层中医药工作示范县创建自评工具。\n"
                    "不带参数运行时打开窗口（上次用过的文件；首次运行时打开示例县）；"
                    "tcmcounty FILE 在窗口中打开 FILE。",
        epilog="退出码：0 完成；1 工作簿、任务清单或佐证材料被拒绝（未写入）；2 用法错误（含所指的任务、"
               "评分项、活动或佐证材料不存在或不止一项）；3 不是县级数据文件、文件正被使用、"
               "无法写入等；4 合并时有冲突未决定。各命令的用法：tcmcounty 命令 -h",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="命令")

    p = sub.add_parser("new", help="新建一个空的县级数据文件")
    p.add_argument("file", type=Path, metavar="FILE", help="要新建的文件（不会覆盖已有文件）")
    p.add_argument("--county", required=True, metavar="NAME", help="县（区）名称")

    p = sub.add_parser("demo", help="写出示例县（虚构数据，每次相同）")
    p.add_argument("file", type=Path, metavar="FILE", help="要写出的文件")
    p.add_argument("--size", choices=["small", "large"], default="small",
                   help="small 小县（默认，75 家机构），large 大县")

    p = sub.add_parser("evaluate", help="计算全部指标并与目标比较")
    p.add_argument("file", type=Path, metavar="FILE", help=COUNTY_FILE)
    p.add_argument("--year", type=_year, required=True, metavar="Y", help=YEAR)
    p.add_argument("--profile", metavar="ID", help="目标方案编号（默认为文件中选用的方案）")
    p.add_argument("--json", action="store_true", help="输出 JSON")

    p = sub.add_parser("import-excel", help="导入 Excel 工作簿（全部导入或全部不导入）")
    p.add_argument("file", type=Path, metavar="FILE", help="导入到这个县级数据文件")
    p.add_argument("book", type=Path, metavar="BOOK.xlsx", help="要导入的 Excel 工作簿")
    p.add_argument("--year", type=_import_year, metavar="Y",
                   help="表中没有“年度”列时使用的年度（2020–2035）")
    p.add_argument("--dry-run", action="store_true", help="只显示将要发生的变化，不写入")
    p.add_argument("--moves", choices=["move", "new"],
                   help="表中机构在本县其他乡镇有同名同类机构、又未填机构代码时：move 按同一机构"
                        "自表中年度起划归表中的乡镇（撤乡并镇），new 按另一家新机构新增；"
                        "不指定则列出这些行，不导入（退出码 1）")

    p = sub.add_parser("export-excel", help="导出一年的数据和指标结果（Excel）")
    p.add_argument("file", type=Path, metavar="FILE", help=COUNTY_FILE)
    p.add_argument("-o", "--output", type=Path, required=True, metavar="OUT.xlsx",
                   help="保存为此 Excel 工作簿（不会覆盖已有文件）")
    p.add_argument("--year", type=_year, required=True, metavar="Y", help=YEAR)

    p = sub.add_parser("template", help="写出机构填报用的 Excel 模板")
    p.add_argument("file", type=Path, metavar="FILE", help=COUNTY_FILE)
    p.add_argument("-o", "--output", type=Path, required=True, metavar="OUT.xlsx",
                   help="保存为此 Excel 工作簿")
    p.add_argument("--year", type=_year, required=True, metavar="Y", help="填报的" + YEAR)
    p.add_argument("--town", metavar="T", help="只列出这个乡镇（街道）的机构")

    p = sub.add_parser("standard-import", help="导入本省评分表（Excel），此后按它评分")
    p.add_argument("file", type=Path, metavar="FILE", help="按此评分表评分的县级数据文件")
    p.add_argument("book", type=Path, metavar="BOOK.xlsx", nargs="?",
                   help="本省评分表（Excel 工作簿；用 --reset 时不需要）")
    p.add_argument("--dry-run", action="store_true", help="只检查并显示评分表内容，不写入")
    p.add_argument("--reset", action="store_true",
                   help="不导入，恢复使用程序自带的国家建设标准（不需要 BOOK.xlsx）")

    p = sub.add_parser("standard-export", help="导出当前评分标准（Excel，可修改后导入）")
    p.add_argument("file", type=Path, metavar="FILE", help=COUNTY_FILE)
    p.add_argument("-o", "--output", type=Path, required=True, metavar="OUT.xlsx",
                   help="保存为此 Excel 工作簿")
    p.add_argument("--blank", action="store_true", help="写出空白的评分表填报模板")

    p = sub.add_parser("report", help="生成自评报告（PDF）")
    p.add_argument("file", type=Path, metavar="FILE", help=COUNTY_FILE)
    p.add_argument("--year", type=_year, required=True, metavar="Y", help=YEAR)
    p.add_argument("-o", "--output", type=Path, required=True, metavar="OUT.pdf",
                   help="报告保存为此 PDF 文件")
    p.add_argument("--profile", metavar="ID", help="目标方案编号（默认为文件中选用的方案）")
    p.add_argument("--final", action="store_true",
                   help="正式报告：尚有机构未填报或沿用上年数据未确认时拒绝生成（列出缺什么）")

    p = sub.add_parser("snapshot", help="写出经过校验的副本（用于U盘）")
    p.add_argument("file", type=Path, metavar="FILE", help=COUNTY_FILE)
    p.add_argument("dest", type=Path, metavar="DEST", help="副本的文件名（不会覆盖已有文件）")

    p = sub.add_parser("merge", help="把另一个文件（如乡镇填报文件）合并进来")
    p.add_argument("file", type=Path, metavar="FILE", help="合并到这个县级数据文件")
    p.add_argument("other", type=Path, metavar="OTHER",
                   help="要合并进来的文件（乡镇填报文件或另一台电脑上的副本）")
    p.add_argument("--dry-run", action="store_true",
                   help="试运行：做正式合并的全部检查，显示将要发生的变化，不写入；退出码与正式合并相同")
    p.add_argument("--prefer", choices=["mine", "theirs", "newer"],
                   help="两边都改过的记录：mine 保留本文件，theirs 采用对方，newer 采用较新的")
    p.add_argument("--yes", action="store_true",
                   help="确认：合并将删除较多记录（超过 5 条或某类记录的十分之一）、删除模拟评审，"
                        "或乡镇填报文件改动了应由县里决定的内容时必须加上")

    p = sub.add_parser("new-year", help="开始新年度：把上年的中医馆、技术、科室、人员等情况沿用到该年（待确认）")
    p.add_argument("file", type=Path, metavar="FILE", help=COUNTY_FILE)
    p.add_argument("--year", type=_year, required=True, metavar="Y", help="要开始的年度（从上一年沿用）")

    p = sub.add_parser("rollup", help="多县汇总：读取文件夹中各县的数据文件（不作任何修改）")
    p.add_argument("folder", type=Path, metavar="DIR",
                   help="放各县数据文件的文件夹（只读取，不改动任何文件；不含子文件夹）")
    p.add_argument("--year", type=_year, required=True, metavar="Y", help="汇总哪一年（与上年对照）")
    p.add_argument("-o", "--output", type=Path, metavar="OUT",
                   help="写出汇总表（OUT 以 .xlsx 结尾）或汇总报告（以 .pdf 结尾）；不给则只在屏幕上列出")
    p.add_argument("--standard", metavar="ID",
                   help="评分标准编号（默认为各县文件所用的标准；不一致时用国家建设标准）")

    p = sub.add_parser("township", help="为一个乡镇（街道）写出填报文件")
    p.add_argument("file", type=Path, metavar="FILE", help=COUNTY_FILE)
    p.add_argument("--town", required=True, metavar="T", help="乡镇（街道）名称")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="OUT",
                   help="保存为此乡镇填报文件（不会覆盖已有文件）")
    tasks_cli.add_parsers(sub, _year)
    review_cli.add_parsers(sub, _year)
    plan_cli.add_parsers(sub, _year)
    return parser


@_command("new")
def _new(args: argparse.Namespace) -> int:
    from db.county import CountyFile

    CountyFile.create(args.file, args.county).close()
    print(f"已新建县级数据文件：{args.file}")
    return 0


@_command("demo")
def _demo(args: argparse.Namespace) -> int:
    from db.demo import write_demo

    write_demo(args.file, args.size)
    print(f"已写出示例县（{args.size}）：{args.file}")
    return 0


@_command("evaluate")
def _evaluate(args: argparse.Namespace) -> int:
    from db.county import CountyFile

    with CountyFile.open(args.file) as county:
        from reports.judge.evaluation import evaluate
        from reports.judge.wording import format_table

        result = evaluate(county, args.year, args.profile)
    _say_no_data(args.year, result.data_years)
    if args.json:
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(format_table(result) + "\n")
    return 0


def _say_no_data(year: int, data_years: Sequence[int]) -> None:
    """A year with no facts at all judges to a table of 无数据: say so on stderr (still exit 0)."""
    from reports.judge.wording import no_data_line

    line = no_data_line(year, tuple(data_years))
    if line:
        print(f"tcmcounty: {line}", file=sys.stderr)


# import-excel, export-excel, template: a workbook refused (not a workbook, encrypted, too big,
# no sheet recognised, a row refused) or an Excel file refused (no such folder) exits 1; one the
# disk would not take exits 3.
EXIT_REFUSED = 1


@_command("import-excel")
def _import_excel(args: argparse.Namespace) -> int:
    from db.county import CountyFile

    with CountyFile.open(args.file, exclusive=not args.dry_run) as county:
        from reports.excel.importer import ImportRefused, apply, plan_import
        from reports.excel.vocab import WorkbookError

        try:
            plan = plan_import(county, args.book, year=args.year, moves=args.moves)
            print(plan.summary_text())
            if not plan.ok:
                raise ImportRefused(plan)
            if args.dry_run:
                print("（试运行：未写入任何内容）")
                return 0
            apply(plan)
        except (WorkbookError, ImportRefused) as exc:
            print(f"tcmcounty: {exc}", file=sys.stderr)
            return EXIT_REFUSED
    print("导入完成。" if plan.has_changes else "没有需要导入的变化。")
    return 0


@_command("standard-import")
def _standard_import(args: argparse.Namespace) -> int:
    from db.county import CountyFile

    if args.book is None and not args.reset:
        print("tcmcounty standard-import: 请给出评分表工作簿（BOOK.xlsx），或用 --reset 恢复国家建设标准",
              file=sys.stderr)
        return 2
    with CountyFile.open(args.file, exclusive=not args.dry_run) as county:
        from reports.excel.standard_book import StandardRefused, import_standard, summary
        from reports.excel.vocab import WorkbookError
        from reports.judge import standard

        if args.reset:
            standard.forget(county)
            print(f"已恢复使用{standard.shipped().name}。")
            return 0
        try:
            std = import_standard(county, args.book, dry_run=args.dry_run)
        except (WorkbookError, StandardRefused) as exc:
            print(f"tcmcounty: {exc}", file=sys.stderr)
            return EXIT_REFUSED
    print(summary(std))
    print("（试运行：未写入任何内容）" if args.dry_run else "评分表已导入，此后按它评分。")
    return 0


@_command("standard-export")
def _standard_export(args: argparse.Namespace) -> int:
    from reports.excel.standard_book import export_standard

    return _write_workbook(args, lambda county: export_standard(county, args.output,
                                                                blank=args.blank),
                           "已写出空白评分表" if args.blank else "已导出评分标准")


@_command("export-excel")
def _export_excel(args: argparse.Namespace) -> int:
    from reports.excel.export import export_workbook

    return _write_workbook(args, lambda county: export_workbook(county, args.year, args.output),
                           f"已导出 {args.year} 年度数据和指标结果")


@_command("template")
def _template(args: argparse.Namespace) -> int:
    from reports.excel.template import write_template

    return _write_workbook(
        args, lambda county: write_template(county, args.year, args.output, args.town),
        "已写出填报模板")


def _write_workbook(args: argparse.Namespace, write: Callable[[Any], Path], done: str) -> int:
    """Export and template alike: a workbook refused (no such folder, no such township) exits 1;
    one the disk would not take (full, no permission, read-only) exits 3 like every other file
    that cannot be written. Nothing is left behind either way."""
    from db.county import CountyFile
    from reports.excel.vocab import WorkbookError

    with CountyFile.open(args.file) as county:
        try:
            out = write(county)
        except WorkbookError as exc:
            if _disk_said_no(exc):
                raise
            print(f"tcmcounty: {exc}", file=sys.stderr)
            return EXIT_REFUSED
    print(f"{done}：{out}")
    return 0


def _disk_said_no(exc: BaseException) -> bool:
    """A workbook not written because of the disk (full, no permission, read-only), which exits
    3 like any file that cannot be written, rather than 1 like a workbook refused."""
    cause = exc.__cause__ or exc.__context__
    return isinstance(cause, OSError) and cause.errno in USER_OS_ERRORS


@_command("report")
def _report(args: argparse.Namespace) -> int:
    from db.county import CountyFile

    with CountyFile.open(args.file) as county:
        from reports.pdf.report import DraftRefused, write_report

        _say_no_data(args.year, county.years())

        try:
            out = write_report(county, args.year, args.output, args.profile, final=args.final)
        except DraftRefused as exc:
            print(f"tcmcounty: {exc}", file=sys.stderr)
            return EXIT_USAGE
    print(f"已生成自评报告：{out}")
    return 0


@_command("snapshot")
def _snapshot(args: argparse.Namespace) -> int:
    from db.county import CountyFile
    from db.exchange import snapshot

    with CountyFile.open(args.file, daily_backup=False) as county:
        snapshot(county, args.dest)
    print(f"已写出并校验副本：{args.dest}")
    return 0


@_command("merge")
def _merge(args: argparse.Namespace) -> int:
    from db.county import CountyFile
    from db.exchange import apply_merge, plan_merge, rehearse_merge
    # The parsers of the values a county file keeps as JSON (评分标准, profiles, 模拟评审 rules),
    # registered with db.stored as they are imported: the merge checks what it brings with them.
    import reports.judge  # noqa: F401

    # --dry-run goes through every step the merge does, in the same order, and stops short of
    # keeping anything: its exit code is the one the merge would give.
    with CountyFile.open(args.file, exclusive=True) as county:
        plan = plan_merge(county, args.other)
        if args.prefer:
            plan.decide_all(args.prefer)
        for line in plan.lines():
            print(line)
        trial = "（试运行：未写入任何内容）" if args.dry_run else ""
        if plan.unresolved:
            print(f"tcmcounty: 有 {len(plan.unresolved)} 条记录两边都改过，未合并任何内容。"
                  f"请用 --prefer mine|theirs|newer 决定，或在窗口中逐条决定。{trial}",
                  file=sys.stderr)
            return EXIT_CONFLICT
        if plan.confirmation and not args.yes:
            # A file from another PC could delete everything it carries, or a township's file
            # change the county's 模拟评审: the clerk reads the preview and confirms with --yes.
            print(f"tcmcounty: {plan.confirmation}未合并任何内容。核对上面的预览无误后，"
                  f"加上 --yes 再运行一次。{trial}", file=sys.stderr)
            return EXIT_USAGE
        if args.dry_run:
            rehearse_merge(county, plan, confirmed=args.yes)
            print("（试运行：合并可以完成；未写入任何内容）")
            return 0
        apply_merge(county, plan, confirmed=args.yes)
    print("合并完成。")
    return 0


@_command("township")
def _township(args: argparse.Namespace) -> int:
    from db.county import CountyFile
    from db.exchange import write_township_file

    with CountyFile.open(args.file) as county:
        write_township_file(county, args.town, args.output)
    print(f"已写出“{args.town}”的填报文件：{args.output}")
    return 0


@_command("new-year")
def _new_year(args: argparse.Namespace) -> int:
    from db.backups import make_backup
    from db.county import CountyFile
    from db.newyear import start_new_year

    with CountyFile.open(args.file, exclusive=True) as county:
        make_backup(county.conn, county.path, "开始新年度前")
        done = start_new_year(county, args.year)
    print(done.summary())
    return 0


@_command("rollup")
def _rollup(args: argparse.Namespace) -> int:
    from reports.judge.rollup import rollup

    out = args.output
    if out is not None and out.suffix.lower() not in (".xlsx", ".pdf"):
        print(f"tcmcounty rollup: 输出文件“{out.name}”应以 .xlsx 或 .pdf 结尾", file=sys.stderr)
        return EXIT_USAGE
    result = rollup(args.folder, args.year, args.standard, progress=_terminal_progress(),
                    exclude=(out,) if out is not None else ())
    print(result.summary_text())
    for row in result.counties:
        print(f"  {row.county}（{row.file}）：{row.status_line(result.columns)}")
    for skip in result.skipped:
        print(f"  跳过 {skip.file}：{skip.reason}")
    if not result.counties:
        print(f"tcmcounty: 文件夹“{args.folder}”中没有可以汇总的县级数据文件。", file=sys.stderr)
        return EXIT_BAD_FILE
    if out is None:
        return 0
    if out.suffix.lower() == ".pdf":
        from reports.pdf.rollup import write_rollup_report as write
    else:
        from reports.excel.rollup import write_rollup as write
    from reports.excel.vocab import WorkbookError

    try:
        written = write(result, out)
    except WorkbookError as exc:
        if _disk_said_no(exc):  # as the .pdf: exit 3
            raise
        print(f"tcmcounty: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    print(f"已写出多县汇总：{written}")
    return 0


def _terminal_progress() -> Callable[[int, int, str], None]:
    """Progress on stderr: one line rewritten in place on a terminal, a line per step elsewhere."""
    live = sys.stderr.isatty()
    # The line is rewritten with a control sequence of our own, past VisibleText.
    err = getattr(sys.stderr, "raw", sys.stderr)

    def show(done: int, total: int, message: str) -> None:
        text = visible(f"[{done}/{total}] {message}")
        err.write(f"\r{text}\x1b[K" if live else text + "\n")
        if live and done == total:
            err.write("\n")
        err.flush()
    return show


from desktop import tasks_cli  # noqa: E402 (the creation plan's tasks and evidence)

COMMANDS.update(tasks_cli.COMMANDS)
COMMANDS.update(review_cli.COMMANDS)
COMMANDS.update(plan_cli.COMMANDS)


def _open_window(file: Path | None) -> int:
    from desktop.app import run

    return run(file)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    _utf8_stdio()
    if not argv or (argv[0] not in COMMANDS and not argv[0].startswith("-")):
        if len(argv) > 1:
            with _chinese_argparse():
                build_parser().error(f"无法识别的命令“{argv[0]}”")
        return _open_window(Path(argv[0]) if argv else None)
    hook = sys.unraisablehook
    sys.unraisablehook = _quiet_failed_close(hook)
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = (VisibleText(s) if s is not None else s for s in streams)
    try:
        code = _run_command(argv)
        # A write that failed may leave a library's file object behind (a half-written zip);
        # collected now, its own close error (the failure already reported) stays quiet
        # instead of an "Exception ignored" traceback under the sentence.
        gc.collect()
        return code
    finally:
        sys.stdout, sys.stderr = streams
        sys.unraisablehook = hook


class VisibleText:
    """A console stream that writes each control or invisible format character as <U+001B>:
    names, titles and file names from a county file, a workbook or a folder reach the terminal
    in every message the commands print, and an ESC [2J or a BEL in one must not act there."""

    def __init__(self, stream: TextIO) -> None:
        self.raw = stream

    def write(self, text: str) -> int:
        self.raw.write(visible(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


def _run_command(argv: list[str]) -> int:
    args: argparse.Namespace | None = None
    try:
        try:
            try:
                args = _parse(argv)
            except SystemExit:
                # -h wrote the help into stdout's buffer: a closed pipe shows at this flush
                # (below: exit 3, quietly), not as "Exception ignored … BrokenPipeError" and
                # exit 120 when Python flushes at exit (unless PYTHONUNBUFFERED is set).
                sys.stdout.flush()
                raise
            with _notices_on_stderr():
                code = COMMANDS[args.command](args)
            sys.stdout.flush()  # a closed pipe shows here, not as "Exception ignored" at exit
            return code
        except (OSError, sqlite3.Error) as exc:
            # A full disk, a read-only stick, a folder we may not write, another program's
            # lock: the user's situation, said in one sentence naming the file.
            if isinstance(exc, BrokenPipeError):
                raise
            known = (known_write_error(exc, _written_file(args, exc))
                     or _damaged_on_reading(exc, args))
            if known is None:
                raise
            raise known from None
    except BrokenPipeError:
        return _output_closed()
    except (FileExists, ValidationError) as exc:
        return _refuse(exc, EXIT_USAGE)
    except KnownError as exc:
        return _refuse(exc, EXIT_BAD_FILE)


@contextlib.contextmanager
def _notices_on_stderr() -> Any:
    """What reading a county file could not use and what it used instead (a damaged 评分标准 →
    the shipped one, a damaged profile → the baseline), said on stderr once as it happens; the
    command goes on (exit 0) on what it used."""
    from db.county import CountyFile

    def say(text: str) -> None:
        with contextlib.suppress(BrokenPipeError, OSError):
            print(f"tcmcounty: 注意：{text}", file=sys.stderr)

    saved = CountyFile.__dict__["listener"]
    CountyFile.listener = staticmethod(say)  # type: ignore[assignment]
    try:
        yield
    finally:
        CountyFile.listener = saved


def _parse(argv: list[str]) -> argparse.Namespace:
    """The arguments, with argparse's words in Chinese."""
    with _chinese_argparse():
        return build_parser().parse_args(argv)


def _damaged_on_reading(exc: BaseException, args: argparse.Namespace | None) -> KnownError | None:
    """Damage the open's check could not see (SQLite keeps no page checksums) met later while
    reading: the same sentence as at open, not a traceback."""
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    if code not in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB) or args is None:
        return None
    name = Path(args.file).name
    return Damaged(f"文件“{name}”已损坏（读取时发现数据页有误），无法继续。请从备份恢复。")


def _refuse(exc: KnownError, code: int) -> int:
    with contextlib.suppress(BrokenPipeError):
        print(f"tcmcounty: {exc}", file=sys.stderr)
    return code


def _quiet_failed_close(hook: Callable[[Any], object]) -> Callable[[Any], object]:
    """An unraisable OSError of the kind already reported (disk full, no permission) is not
    printed again; anything else goes to the usual hook."""
    def quiet(unraisable: Any) -> None:
        value = unraisable.exc_value
        if isinstance(value, OSError) and value.errno in USER_OS_ERRORS | {errno.EPIPE}:
            return
        hook(unraisable)
    return quiet


def _output_closed() -> int:
    """Output into a closed pipe (`tcmcounty evaluate … | head`): stop quietly. Python's own
    recipe: point stdout at devnull so the final flush at exit cannot fail again."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return EXIT_BAD_FILE


def _written_file(args: argparse.Namespace | None, exc: BaseException) -> str:
    """The file a command was writing when the disk said no: its output, else the county file."""
    for name in ("output", "dest", "file"):
        value = getattr(args, name, None)
        if value is not None:
            return str(value)
    return str(getattr(exc, "filename", None) or "")


def _utf8_stdio() -> None:
    """Chinese output must not crash a console that defaults to another encoding."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(encoding="utf-8", errors="replace")
            except (ValueError, OSError):
                pass


if __name__ == "__main__":
    raise SystemExit(main())
