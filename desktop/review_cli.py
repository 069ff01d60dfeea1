"""The 模拟现场评审 commands of `tcmcounty`: the sample (review-sample), the checklists
(review-checklist) and the findings workbook (review-export). Registered by desktop/cli.py."""

from __future__ import annotations

import argparse
from collections.abc import Callable
import json
from pathlib import Path
import sys
from typing import Any

from db.errors import USER_OS_ERRORS, KnownError

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}


def _count(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"家数应为整数，收到“{text}”") from None
    if n < 0:
        raise argparse.ArgumentTypeError(f"家数不能为负数（{n}）")
    return n


def _seed(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"抽签号应为整数，收到“{text}”") from None


COUNTY_FILE = "县级数据文件（.tcmcounty）"
REVIEW = "模拟评审编号（默认为该年度最近一次模拟评审）"


def add_parsers(sub: Any, year: Callable[[str], int]) -> None:
    p = sub.add_parser("review-sample", help="模拟现场评审：显示抽查名单（或按抽签号抽样）")
    p.add_argument("file", type=Path, metavar="FILE", help=COUNTY_FILE)
    p.add_argument("--year", type=year, required=True, metavar="Y", help="评审的年度，如 2024")
    p.add_argument("--seed", type=_seed, metavar="N",
                   help="按此抽签号重新抽样（不指定时显示该年度最近一次模拟评审的名单）")
    p.add_argument("--hospitals", type=_count, metavar="N", help="抽查县级中医医院家数（默认 1）")
    p.add_argument("--centres", type=_count, metavar="N", help="抽查乡镇卫生院/社区卫生服务中心家数")
    p.add_argument("--stations", type=_count, metavar="N", help="抽查卫生服务站/村卫生室家数")
    p.add_argument("--save", metavar="NAME", nargs="?", const="",
                   help="把这次抽样保存为新的模拟评审（可给出名称）")
    p.add_argument("--json", action="store_true", help="输出 JSON")

    p = sub.add_parser("review-checklist", help="模拟现场评审：写出抽查机构的现场核查表（PDF）")
    p.add_argument("file", type=Path, metavar="FILE", help=COUNTY_FILE)
    p.add_argument("--year", type=year, required=True, metavar="Y", help="评审的年度，如 2024")
    p.add_argument("--review", metavar="ID", help=REVIEW)
    p.add_argument("-o", "--output", type=Path, required=True, metavar="OUT.pdf",
                   help="核查表保存为此 PDF 文件（不会覆盖已有文件）")

    p = sub.add_parser("review-export", help="模拟现场评审：导出现场结论、得分、不一致和整改清单（Excel）")
    p.add_argument("file", type=Path, metavar="FILE", help=COUNTY_FILE)
    p.add_argument("--year", type=year, required=True, metavar="Y", help="评审的年度，如 2024")
    p.add_argument("--review", metavar="ID", help=REVIEW)
    p.add_argument("-o", "--output", type=Path, required=True, metavar="OUT.xlsx",
                   help="保存为此 Excel 工作簿（不会覆盖已有文件）")


def _command(name: str) -> Callable[[Callable[[argparse.Namespace], int]], Callable]:
    def register(func: Callable[[argparse.Namespace], int]) -> Callable:
        COMMANDS[name] = func
        return func
    return register


def pick_review(county: Any, year: int, review_id: str | None) -> str:
    from reports.judge import review

    if review_id:
        row = county.get("review", review_id)
        if row is None or row["year"] != year:
            raise KnownError(f"{year}年没有编号为“{review_id}”的模拟评审。")
        return review_id
    latest = review.latest(county, year)
    if latest is None:
        raise KnownError(f"{year}年还没有模拟评审。请先在窗口中“新建模拟评审”，或运行 "
                         f"tcmcounty review-sample 文件 --year {year} --seed 抽签号 --save。")
    return latest


def sample_lines(title: str, seed: int, rule_text: str, sample: list[dict[str, Any]]) -> list[str]:
    from db.vocab import INSTITUTION_TYPES

    lines = [title, f"抽签号：{seed}", f"抽样规则：{rule_text}", f"抽查 {len(sample)} 家（按路线顺序）："]
    for k, inst in enumerate(sample, start=1):
        swapped = f"  〔人工调换，原抽中：{inst['drawn']}；{inst['swap_note']}〕" if inst.get("drawn") else ""
        lines.append(f"{k:>3}  {inst['township'] or '—'}  {inst['name']}"
                     f"（{INSTITUTION_TYPES.get(inst['type'], '')}）{swapped}")
    return lines


@_command("review-sample")
def _review_sample(args: argparse.Namespace) -> int:
    from db.county import CountyFile
    from reports.judge import review

    sizes = (args.hospitals, args.centres, args.stations)
    if args.seed is None and (any(s is not None for s in sizes) or args.save is not None):
        print("tcmcounty review-sample: 指定抽查家数或 --save 时须同时给出 --seed 抽签号",
              file=sys.stderr)
        return 2
    with CountyFile.open(args.file, exclusive=args.save is not None) as county:
        if args.seed is None:
            r = review.load(county, pick_review(county, args.year, None))
            title, seed, rule, sample = r.name, r.seed, r.rule, r.sample
        else:
            insts = county.institutions_in_year(args.year)
            base = review.default_rule(insts)
            rule = review.Rule(*(s if s is not None else d for s, d in
                                 zip(sizes, (base.hospitals, base.centres, base.stations))))
            review.check_rule(rule)
            seed = args.seed
            if args.save is not None:
                rid = review.create_review(county, args.year, seed=seed, rule=rule,
                                           name=args.save or None)
                r = review.load(county, rid)
                title, sample = f"已保存：{r.name}（编号 {rid}）", r.sample
            else:
                title = f"{county.county_name} {args.year}年 模拟评审抽样（未保存）"
                sample = review.draw(insts, rule, seed)
    if args.json:
        out = {"year": args.year, "seed": seed, "rule": json.loads(rule.to_json()),
               "sample": [{"institution": i["name"], "institution_id": i["id"],
                           "township": i["township"], "type": i["type"],
                           "drawn": i.get("drawn"), "swap_note": i.get("swap_note")}
                          for i in sample]}
        sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
    else:
        print("\n".join(sample_lines(title, seed, rule.text(), sample)))
    return 0


@_command("review-checklist")
def _review_checklist(args: argparse.Namespace) -> int:
    from db.county import CountyFile

    with CountyFile.open(args.file) as county:
        from reports.pdf.checklist import write_checklists

        out = write_checklists(county, pick_review(county, args.year, args.review), args.output)
    print(f"已写出现场核查表：{out}")
    return 0


@_command("review-export")
def _review_export(args: argparse.Namespace) -> int:
    from db.county import CountyFile
    from reports.excel.vocab import WorkbookError

    with CountyFile.open(args.file) as county:
        from reports.excel.review_book import export_review

        try:
            out = export_review(county, pick_review(county, args.year, args.review), args.output)
        except WorkbookError as exc:
            # As export-excel: a workbook refused exits 1, one the disk would not take exits 3.
            cause = exc.__cause__ or exc.__context__
            if isinstance(cause, OSError) and cause.errno in USER_OS_ERRORS:
                raise
            print(f"tcmcounty: {exc}", file=sys.stderr)
            return 1
    print(f"已导出模拟评审结果：{out}")
    return 0
