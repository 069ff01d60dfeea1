"""`tcmcounty plan`: the year's 达标路径 (what to do first to pass, in order, with the points each
gains) and who is behind pace on the yearly minimums. Registered by desktop/cli.py."""

from __future__ import annotations

import argparse
from collections.abc import Callable
import datetime as _dt
import json
from pathlib import Path
import sys
from typing import Any

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}
COUNTY_FILE = "县级数据文件（.tcmcounty）"


def add_parsers(sub: Any, year: Callable[[str], int]) -> None:
    p = sub.add_parser("plan", help="达标路径：先做什么能达到合格线（每项行动的得分），及进度落后的机构")
    p.add_argument("file", type=Path, metavar="FILE", help=COUNTY_FILE)
    p.add_argument("--year", type=year, required=True, metavar="Y", help="年度，如 2024")
    p.add_argument("--json", action="store_true", help="输出 JSON")


def today() -> _dt.date:
    """Whether the year is over and how much of it is gone (tests put a fixed day here)."""
    return _dt.date.today()


def _line(a: Any, county_total: bool = True) -> str:
    veto = "【必备】" if a.veto else ""
    late = "〔该年度已结束，只能补录〕" if a.late else ""
    planned = f"  〔已安排：{a.arranged.person}，{a.arranged.due_date}〕" \
        if a.arranged is not None and a.arranged.complete else ""
    # A township's file has no county total to add up to.
    running = f" → {a.cumulative:g}" if county_total else ""
    return (f"{a.order:>4}  {a.item:<4} {veto}+{a.points:g} 分{running}  "
            f"〔{a.need}〕{a.what}{late}{planned}")


def plan_text(plan: Any, pace: list[Any]) -> str:
    lines = [f"{plan.county} {plan.year}年度 达标路径", "", plan.summary()]
    if plan.path_length:
        lines += ["", f"达标路径（共 {plan.path_length} 项，按顺序）："]
        lines += [_line(a) for a in plan.path]
    rest = plan.actions[plan.path_length:]
    if rest:
        lines += ["", f"{'其余' if plan.path_length else ''}可提高得分的行动（{len(rest)} 项）："]
        lines += [_line(a, not plan.township_scope) for a in rest]
    lines += [""] + list(plan.notes)
    if pace:
        lines += ["", "年度最低要求进度（到今天）："]
        for p in pace:
            lines.append(f"  {p.status}  {p.township or '全县'}  {p.institution or '全县'}  {p.text}")
    return "\n".join(lines) + "\n"


def _plan(args: argparse.Namespace) -> int:
    from db.county import CountyFile

    with CountyFile.open(args.file) as county:
        from reports.judge.evaluation import evaluate
        from reports.plan.pace import year_pace
        from reports.plan.path import plan

        day = today()
        evaluation = evaluate(county, args.year, today=day)
        result = plan(county, args.year, today=day, evaluation=evaluation)
        pace = year_pace(county, args.year, today=day, evaluation=evaluation)
    if args.json:
        out = result.to_dict()
        out["pace"] = [p.to_dict() for p in pace]  # added: yearly minimums behind or short
        sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(plan_text(result, pace))
    return 0


COMMANDS["plan"] = _plan
