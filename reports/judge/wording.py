"""Numbers and results as Chinese text: percentages, rates, targets, and the terminal table."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from fractions import Fraction
import math
import re
import unicodedata
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reports.judge.results import Evaluation, Result, Score
    from reports.judge.profiles import Target

NO_VALUE = "—"


def number(x: float | int | Fraction | None, digits: int = 2) -> str:
    """12345 → '12,345'; 0.625 → '0.63'; trailing zeros dropped ('0.6', not '0.60')."""
    if x is None:
        return NO_VALUE
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{float(x):,.{digits}f}".rstrip("0").rstrip(".")


_ISO_DATE = re.compile(r"(?<![0-9])(\d{4})-(\d{2})-(\d{2})(?![0-9])")


def chinese_date(day: _dt.date | str) -> str:
    """2024-12-31 → '2024年12月31日', as an official document writes a date; a text that is not
    a date (a deadline typed as 年底) is given back as it is."""
    if isinstance(day, str):
        try:
            day = _dt.date.fromisoformat(day.strip())
        except ValueError:
            return day
    return f"{day.year}年{day.month}月{day.day}日"


def chinese_dates(text: str) -> str:
    """`text` with every date in it written as chinese_date does (“2024-01-07 健康咨询…” →
    “2024年1月7日 健康咨询…”), for a sentence worded elsewhere for the window."""
    return _ISO_DATE.sub(lambda m: chinese_date(m.group(0)), text)


def _decimal(x: float | Fraction) -> Decimal:
    """`x` in the decimals it was written or computed in (0.29, not 0.28999…): a share is cut
    from these, so a value exactly on a mark stays on it."""
    if isinstance(x, Fraction):
        return Decimal(x.numerator) / Decimal(x.denominator)
    return Decimal(repr(float(x)))


def percent(x: float | Fraction | None, digits: int = 1, *, trim: bool = True,
            marks: Iterable[float] = ()) -> str:
    """0.25 → '25%', 0.3333 → '33.3%'; with trim=False, 0.25 → '25.0%' (columns of values).

    `marks` are the thresholds the value is judged by (its target, each scoring step of a
    proportional item, an institution's own minimum). Rounding never carries a value onto or
    across one of them: where it would, the value is cut toward the side it is really on
    (0.89954 under a 90% step reads 89.9%, as its score says, never 90.0%)."""
    if x is None:
        return NO_VALUE
    text = f"{float(x) * 100:.{digits}f}"
    shown, real = Decimal(text) / 100, _decimal(x)
    for mark in marks:
        m = _decimal(round(float(mark), 9))  # a step computed as 0.9000000000000001 is 0.9
        if real < m <= shown or shown <= m < real:
            way = ROUND_FLOOR if real < m else ROUND_CEILING
            text = str((real * 100).quantize(Decimal(1).scaleb(-digits), rounding=way))
            break
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"


def marks_of(target: Target | None, steps: Iterable[float] = ()) -> tuple[float, ...]:
    """The thresholds a value is judged by: its target's bounds and `steps` (scoring.steps)."""
    bounds = () if target is None else (
        (target.low, target.high) if target.op == "between" else (target.value,))
    return tuple(b for b in (*bounds, *steps) if b is not None and math.isfinite(b))


def format_value(kind: str, value: float | int | None, marks: Iterable[float] = ()) -> str:
    """An indicator's value as users read it: shares in %, the C5 rate per 10,000, counts whole.
    The one rule for the report, 总览 and the terminal alike: pass the result's `marks` (its
    target and scoring steps), and a share is never shown rounded onto the side of a threshold
    it is not on."""
    if value is None:
        return "无数据"
    if kind == "share":
        return percent(value, trim=False, marks=marks)
    if kind == "rate":
        return f"{number(value)}/万人"
    return number(value)


def format_target(kind: str, target: Target | None) -> str:
    if target is None:
        return "不考核"
    shown = (lambda x: percent(x) if kind == "share" else number(x))
    if target.op == "between":
        return f"{shown(target.low)}–{shown(target.high)}"
    sign = {">=": "≥", "<=": "≤", "==": "="}[target.op]
    return f"{sign} {shown(target.value)}"


STATISTIC = "不计分"


def status_text(result: Result) -> str:
    """达标 / 未达标 / 无数据, 待填报 while the result waits for institutions that have not
    reported, 不考核 for an informational indicator that has a value, or 不计分 for one the
    standard lists at 0 points (a statistic: never judged as if scored)."""
    if result.statistic:
        return STATISTIC
    if result.pending:
        return "待填报"
    if result.value is None:
        return "无数据"
    if result.target is None:
        return "不考核"
    return "达标" if result.met else "未达标"


def no_institution_reason(result: Result) -> str | None:
    """'本县没有社区卫生服务站' where the result is 无数据 because the county has no institution
    of the kind it counts (Result.no_institution), else None."""
    if not result.no_institution:
        return None
    from reports.judge.catalogue import BY_ID

    return f"本县没有{BY_ID[result.id].scope_text}"


def no_institution_text(result: Result, *, several: bool = False) -> str | None:
    """What 总览's 差距/说明 and the report say of such a result, instead of asking for data that
    cannot exist: still 无数据 and never a pass; switching it off in the profile (scoring.py's
    不适用) takes its points out of the full marks and lowers the pass mark in proportion.
    `several`: said once of several such indicators."""
    reason = no_institution_reason(result)
    if reason is None:
        return None
    this = "这些指标" if several else "此项"
    return (f"{reason}，{this}无从统计；如本省评分办法对没有此类机构的县不考核{this}，"
            f"可在“目标设置”中取消{this}的“考核”（取消后不计入评分：满分减去{this}的分值，"
            "合格线按比例相应降低）")


# ---- what the county's score means here -------------------------------------------------------

COUNTY_LEVEL = "由县里汇总"


def township_line(evaluation: Evaluation) -> str | None:
    """A township's fill-in file holds only its own institutions: no county score here."""
    if not evaluation.township_scope:
        return None
    return (f"这是{evaluation.township_scope}的乡镇填报文件：全县得分在县卫生健康局合并各乡镇"
            f"数据后计算，此处不计分，只检查本乡镇机构的填报和达标情况；标为“{COUNTY_LEVEL}”的项"
            "由县里判断。")


def years_text(years: tuple[int, ...] | list[int]) -> str:
    """[2019, 2022, 2023, 2024] → '2019、2022–2024'."""
    runs: list[list[int]] = []
    for y in years:
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return "、".join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)


def no_data_line(year: int, data_years: tuple[int, ...] | list[int]) -> str | None:
    """'2030 年尚无任何数据（本文件有数据的年度：2022–2024）' when `year` has no facts at all."""
    if year in data_years:
        return None
    if not data_years:
        return f"{year} 年尚无任何数据（本文件还没有任何年度的数据）"
    return f"{year} 年尚无任何数据（本文件有数据的年度：{years_text(data_years)}）"


# ---- the terminal table -------------------------------------------------------------------------

def display_width(text: str) -> int:
    """Columns a terminal uses for `text`: CJK (wide and full-width) characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, *, right: bool = False) -> str:
    fill = " " * max(width - display_width(text), 0)
    return fill + text if right else text + fill


def _rows(evaluation: Evaluation) -> list[list[str]]:
    rows = []
    for r in evaluation.results:
        # The count is only meaningful where institutions were judged.
        # A statistic (不计分) has no 未达标机构: nothing is judged against it.
        judged = r.is_inst and r.value is not None and not r.statistic
        failing = str(len(r.failing)) if judged or r.failing and not r.statistic else ""
        waiting = str(len(r.not_reported)) if r.not_reported else ""
        if r.id in evaluation.county_level:
            rows.append([r.id, r.name, "", format_target(r.kind, r.target), COUNTY_LEVEL, "", ""])
            continue
        rows.append([r.id, r.name, format_value(r.kind, r.value, r.marks),
                     format_target(r.kind, r.target),
                     status_text(r), failing, waiting])
    return rows


def format_table(evaluation: Evaluation) -> str:
    """The evaluation as an aligned table in Chinese, with a summary and the task line."""
    header = ["编号", "指标", "数值", "目标", "结果", "未达标机构", "未填报"]
    rows = _rows(evaluation)
    widths = [max(display_width(row[i]) for row in [header, *rows]) for i in range(len(header))]
    right = {2, 3, 5, 6}

    def line(cells: list[str]) -> str:
        return "  ".join(_pad(c, widths[i], right=i in right) for i, c in enumerate(cells)).rstrip()

    town = township_line(evaluation)
    out = [town, ""] if town else []
    out += [f"{evaluation.county} {evaluation.year}年度 指标评价（目标方案：{evaluation.profile_name}）",
            "", line(header), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in rows]
    counts = _summary(evaluation)
    waiting = f"待填报 {counts['待填报']} 项，" if counts["待填报"] else ""
    county = f"，{COUNTY_LEVEL} {counts[COUNTY_LEVEL]} 项" if counts[COUNTY_LEVEL] else ""
    # A statistic (0 points) is said apart, never in the counts the county is judged by.
    stats = f"；另有统计项 {counts[STATISTIC]} 项（{STATISTIC}）" if counts[STATISTIC] else ""
    out += ["", f"达标 {counts['达标']} 项，未达标 {counts['未达标']} 项，{waiting}"
                f"无数据 {counts['无数据']} 项，不考核 {counts['不考核']} 项{county}{stats}。"]
    if evaluation.unreported:
        names = "、".join(f"{u.name}（{u.missing}）" for u in evaluation.unreported[:20])
        more = f" 等 {len(evaluation.unreported)} 家" if len(evaluation.unreported) > 20 else ""
        out.append(f"未填报（含部分填报）本年度数据的机构 {len(evaluation.unreported)} 家："
                   f"{names}{more}。")
    t = evaluation.tasks
    out.append(f"创建任务：共 {t.total} 项，已完成 {t.done} 项，逾期 {t.overdue} 项。")
    if evaluation.score is not None:
        out.append(score_line(evaluation.score, evaluation.county_level))
    return "\n".join(out) + "\n"


def score_line(score: Score, county_level: frozenset[str] = frozenset()) -> str:
    """'评分：67.3 / 100 分（合格线 80 分），未通过；必备项未达到：G01 …' in one line. In a township's
    file (`county_level` not empty) the items the county judges are named instead of a score."""
    if county_level:
        own = [i for i in score.items if i.id not in county_level]
        failed = [i for i in own if i.veto_failed]
        county = sum(1 for i in score.items if i.id in county_level)
        line = (f"评分：全县得分在县里合并后计算，此处不计分；{COUNTY_LEVEL}的评分项 {county} 项，"
                f"本乡镇可检查的评分项 {len(own)} 项")
        if failed:
            line += "，其中必备项未达到：" + "、".join(f"{i.id}（{i.code}）" for i in failed)
        return line + "。"
    verdict = "达到合格线" if score.passed else "未达到示范县标准"
    line = f"评分：{score.total:g} / {score.max:g} 分（合格线 {score.pass_mark:g} 分），{verdict}"
    if score.veto_failures:
        line += "；必备项未达到：" + "、".join(f"{i.id}（{i.code}）" for i in score.veto_failures)
    return line + "。"


def _summary(evaluation: Evaluation) -> dict[str, Any]:
    counts = {"达标": 0, "未达标": 0, "待填报": 0, "无数据": 0, "不考核": 0, COUNTY_LEVEL: 0,
              STATISTIC: 0}
    for r in evaluation.results:
        counts[COUNTY_LEVEL if r.id in evaluation.county_level else status_text(r)] += 1
    return counts


def own_figure(ind_id: str, value: float | int | None, inst: dict[str, Any],
               marks: Iterable[float] = ()) -> str:
    """An institution's own figure for an indicator, in words (中医馆未建, 未接入, 2类5项, 23.5%):
    what the report's lists and 总览's list of institutions show beside each name. `inst` is the
    institution's row of the year's facts (for its 中医馆 state, grade, techniques, teams);
    `marks`, the thresholds its share is judged by (percent never rounds it onto one)."""
    from db.vocab import HALL_STATES, HOSPITAL_GRADES
    from reports.judge.catalogue import ACTIVITY_MINIMUMS

    if value is None:
        return "未填报"
    if ind_id in ("A1", "A2"):
        return f"中医馆{HALL_STATES.get(inst.get('hall_state') or 'none', '未建')}"
    if ind_id == "A3":
        return "未接入"
    if ind_id in ("A4", "A8", "A9"):
        return "不具备"
    if ind_id == "B9":
        return HOSPITAL_GRADES.get(inst.get("hospital_grade") or "none", "未定级")
    if ind_id in ("B10", "B11", "B12", "B13"):
        return "未设置"
    if ind_id == "B14":
        return f"{inst.get('fd_teams_tcm')}/{inst.get('fd_teams')} 个团队有中医药人员"
    if ind_id in ("B1", "B2", "B3"):
        cats, items = inst.get("tech_categories"), inst.get("tech_items")
        return f"{cats}类{items}项" if cats is not None else f"{items}项"
    if ind_id in ("B4", "C2", "C7"):
        # Listed because it falls short of its own minimum: never rounded up onto it.
        return percent(value, trim=False, marks=marks)
    if ind_id in ("C3", "C4"):
        return f"{number(value)} 人"
    if ind_id in ACTIVITY_MINIMUMS:
        return f"{number(value)} {ACTIVITY_MINIMUMS[ind_id][2]}"
    return number(value)
