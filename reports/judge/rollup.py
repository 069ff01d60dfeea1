"""多县汇总: a city (or province) reads a folder of county files side by side, changing none.

`rollup(folder, year)` checks every file in the folder, one at a time: what is not a county file,
is damaged, was written by a newer or an older version, or repeats a county already seen (the
copy changed last wins; the other is named) is skipped with the reason. Each county left is
judged for the year and the year before with the same standard, and only a small row per county
is kept, so memory does not grow with the size of the files. Every file is opened with
`CountyFile.open_untouched`: nothing, not even a lock or a backup, is written.

A county whose file holds nothing for the year reads 无数据, never 0 分: it is left out of the
counts of counties passing, of each item's share and of every average, and named apart. Two files
of different counties that bear the same name are told apart by their file names (`label`).
Items that score nothing (只统计，不计分, such as D8 and D9) have no share of counties passing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
import datetime as _dt
from pathlib import Path
import sqlite3
from typing import Any

from db import structure
from db.county import CountyFile, shown_time
from db.fields import clean_text
from db.errors import (KnownError, NeedsOpening, NewerVersion, NotCountyFile,
                       os_error_text)

from reports.judge import standard
from reports.judge.catalogue import BY_ID
from reports.judge.evaluation import evaluate
from reports.judge.results import NO_DATA, OFF, PARTLY, SCORED, UNSCORED, ZERO, Evaluation
from reports.judge.standard import Standard
from reports.judge.wording import no_data_line

Progress = Callable[[int, int, str], None]

# Why a file was left out, as the summary counts them.
NOT_COUNTY, DAMAGED, NEWER, OLDER, UNFINISHED, DUPLICATE, UNREADABLE = (
    "不是县级数据文件", "文件已损坏", "更新版本的文件", "旧版本的文件", "上次保存未完成", "同一县的重复文件",
    "无法读取")


@dataclass(frozen=True)
class Skipped:
    """A file left out of the summary, with the reason in a sentence that names it."""

    file: str
    kind: str
    reason: str


@dataclass(frozen=True)
class Column:
    """One item of the standard, as a column of the summary."""

    id: str
    code: str
    section: str
    text: str
    max: float
    veto: bool
    indicator: str | None
    kind: str | None  # the indicator's kind (share | rate | count), for showing its value
    name: str = ""  # a few words for a column header: the indicator's name, else the text's start

    @property
    def scored(self) -> bool:
        """False for an item that only counts (只统计，不计分): it has no share of passing."""
        return self.max > 0

    @property
    def header(self) -> str:
        """The id (★ for 必备) over the item's words, for the workbook's column header."""
        return f"{self.id}{'★' if self.veto else ''}\n{self.name}"

    @property
    def label(self) -> str:
        """The standard's 条目 (★ for 必备) over the item's words, for the window's column
        header: what a reviewer calls it, as the printed summary does."""
        return f"{self.code}{'★' if self.veto else ''}\n{self.name}"


@dataclass(frozen=True)
class Cell:
    """One county on one item, this year and last year."""

    points: float | None
    state: str
    met: bool | None  # 得分 → True; 部分得分 / 不得分 → False; 无数据 / 不适用 → None
    value: float | int | None
    reason: str
    previous_points: float | None
    previous_state: str
    previous_met: bool | None
    previous_value: float | int | None


@dataclass(frozen=True)
class CountyRow:
    file: str
    path: Path
    county_id: str
    county: str
    profile: str
    last_change: str
    total: float
    max: float
    pass_mark: float
    passed: bool
    veto_failures: tuple[str, ...]  # item ids
    previous_total: float
    previous_passed: bool
    previous_veto_failures: tuple[str, ...]
    cells: dict[str, Cell]
    # Whether the file holds any facts for the year (and the year before); when not, why not in
    # a sentence (“2026 年尚无任何数据（本文件有数据的年度：2022–2024）”).
    has_data: bool = True
    previous_has_data: bool = True
    no_data: str = ""
    label: str = ""  # the name shown: the county's, with its file's where two share a name

    @property
    def shown(self) -> str:
        return self.label or self.county

    @property
    def veto_state(self) -> str:
        if not self.has_data:
            return "无数据"
        return "必备项均达到" if not self.veto_failures else \
            f"必备项未达到 {len(self.veto_failures)} 项"

    @property
    def change(self) -> float | None:
        """The score's change from last year; None where either year has no data."""
        if not (self.has_data and self.previous_has_data):
            return None
        return round(self.total - self.previous_total, 1)

    def status_line(self, columns: list[Column]) -> str:
        """One line a city clerk reads aloud: score, verdict, 必备, the change from last year."""
        if not self.has_data:
            return f"无数据：{self.no_data}，不计入汇总的平均分和各项统计。"
        codes = {c.id: c.code for c in columns}
        verdict = "达到合格线" if self.passed else "未达到示范县标准"
        vetoes = "、".join(codes.get(i) or i for i in self.veto_failures)  # the standard's 条目
        delta = self.change
        change = ("，上年无数据" if delta is None else "，与上年持平" if not delta
                  else f"，比上年{'增加' if delta > 0 else '减少'} {abs(delta):g} 分")
        return (f"{self.total:g}/{self.max:g} 分（合格线 {self.pass_mark:g}），{verdict}"
                + (f"；必备项未达到：{vetoes}" if vetoes else "；必备项均达到") + change + "。")


@dataclass(frozen=True)
class ItemShare:
    column: Column
    passed: int
    judged: int  # counties with data for the year for which the item applies and scores
    previous_passed: int

    @property
    def share(self) -> float | None:
        return self.passed / self.judged if self.judged else None

    @property
    def share_text(self) -> str:
        """“2/3 县”, or why there is no share: the item only counts, or applies nowhere."""
        if not self.column.scored:
            return "只统计，不计分"
        return f"{self.passed}/{self.judged} 县" if self.judged else "各县均不适用"


@dataclass
class Rollup:
    folder: Path
    year: int
    standard_id: str
    standard_name: str
    columns: list[Column]
    counties: list[CountyRow] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    note: str = ""  # how the standard was chosen, where a reader would ask

    @property
    def with_data(self) -> list[CountyRow]:
        """The counties whose files hold anything for the year: the ones counted and averaged."""
        return [c for c in self.counties if c.has_data]

    @property
    def without_data(self) -> list[CountyRow]:
        return [c for c in self.counties if not c.has_data]

    @property
    def passed(self) -> int:
        return sum(c.passed for c in self.with_data)

    @property
    def previous_passed(self) -> int:
        return sum(c.previous_passed for c in self.counties if c.previous_has_data)

    @property
    def veto_clear(self) -> int:
        return sum(not c.veto_failures for c in self.with_data)

    @property
    def mean(self) -> float | None:
        """The average score of the counties with data; None when none has any."""
        counted = self.with_data
        return sum(c.total for c in counted) / len(counted) if counted else None

    def shares(self) -> list[ItemShare]:
        """Each item with the counties that pass it (this year and last), in standard order.
        Counties without data for the year, and items that only count, are not judged."""
        out = []
        for col in self.columns:
            cells = [c.cells[col.id] for c in self.with_data if col.id in c.cells]
            judged = [x for x in cells if x.state not in (OFF, UNSCORED)] if col.scored else []
            out.append(ItemShare(col, sum(x.met is True for x in judged), len(judged),
                                 sum(x.previous_met is True for x in judged)))
        return out

    def weakest(self, n: int = 10) -> list[ItemShare]:
        """The items fewest counties pass: 必备 first among equals, then the standard's order."""
        shares = [s for s in self.shares() if s.judged and s.passed < s.judged]
        shares.sort(key=lambda s: (s.passed / s.judged, not s.column.veto))
        return shares[:n]

    def summary_text(self) -> str:
        n = len(self.counties)
        empty = self.without_data
        lines = [f"{self.year}年度 多县汇总（{self.standard_name}）：读取 {n} 个县"
                 + (f"（其中 {len(empty)} 个本年度无数据，不计入统计）" if empty else "") + "，"
                 f"{self.passed} 个达到合格线（上年 {self.previous_passed} 个），"
                 f"{self.veto_clear} 个县必备项均达到；跳过 {len(self.skipped)} 个文件。"]
        if empty:
            lines.append("本年度无数据：" + "、".join(c.shown for c in empty) + "。")
        if self.note:
            lines.append(self.note)
        return "\n".join(lines)


# ---- reading the folder -----------------------------------------------------------------------

@dataclass(frozen=True)
class _Candidate:
    path: Path
    county_id: str
    county: str
    last_change: str
    standard_text: str | None


def _kind(exc: KnownError) -> str:
    if isinstance(exc, NewerVersion):
        return NEWER
    if isinstance(exc, NeedsOpening):
        return OLDER if "旧版本" in str(exc) else UNFINISHED
    if isinstance(exc, NotCountyFile):
        return DAMAGED if "损坏" in str(exc) else NOT_COUNTY
    return UNREADABLE


def county_files(folder: Path, exclude: tuple[Path, ...] = ()) -> list[Path]:
    """Every file of the folder a clerk put there, in name order. The program's own side files
    (lock files, journals), hidden files and subfolders are passed over silently; anything else
    that is not a plain file (a pipe, a link pointing at itself) is listed, to be skipped with
    its reason."""
    folder = Path(folder)
    if not folder.is_dir():
        raise KnownError(f"“{folder}”不是文件夹，请给出存放各县数据文件的文件夹。")
    skip = {_resolved(p) for p in exclude}
    try:
        entries = sorted(folder.iterdir(), key=lambda p: p.name)
    except OSError as exc:
        raise KnownError(f"无法读取文件夹“{folder}”：{os_error_text(exc)}。") from None
    return [p for p in entries
            if not p.name.startswith(".") and not p.name.endswith("-journal")
            and not p.is_dir() and _resolved(p) not in skip]


def _resolved(path: Path) -> Path:
    """The real path, or the path itself where there is none (a link that points at itself)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: Python 3.11 on a symlink loop
        return path


def _scan_one(path: Path) -> _Candidate:
    county = CountyFile.open_untouched(path)
    try:
        last = county.conn.execute("SELECT max(at) FROM audit").fetchone()[0] or ""
        return _Candidate(path, county.county_id, _name(county.county_name), last,
                          county.setting(standard.STORED_SETTING))
    except sqlite3.DatabaseError as exc:
        if structure.interrupted(exc):
            raise structure.too_slow(path) from None
        raise NotCountyFile(f"文件“{path.name}”已损坏（内部结构校验未通过），无法读取。") from None
    finally:
        county.close()


def _name(county: str) -> str:
    # A county's name as every page of the summary shows it: an older file may hold an ESC or
    # a zero-width space in it (the rule of db.fields came later).
    return clean_text(county or "").strip()


def _failed(path: Path, exc: Exception) -> Skipped:
    """A file that failed in a way no check foresaw: left out and named, never the end of the
    summary (the other counties still come out)."""
    if isinstance(exc, KnownError):
        return Skipped(path.name, _kind(exc), str(exc))
    return Skipped(path.name, UNREADABLE, f"文件“{path.name}”中的数据无法按县级数据文件读取"
                   f"（{_why(exc)}），未计入汇总。")


def _why(exc: Exception) -> str:
    if isinstance(exc, RecursionError):
        return "数据嵌套过深"
    if isinstance(exc, MemoryError):
        return "数据过大"
    return "数据不是本程序写入的样子"


def _newest_first(group: list[_Candidate]) -> list[_Candidate]:
    """The copy changed last comes first; the file's time and name break a tie."""
    return sorted(group, key=lambda c: (c.last_change, c.path.stat().st_mtime, c.path.name),
                  reverse=True)


def _scan(files: list[Path], progress: Progress) -> tuple[list[_Candidate], list[Skipped]]:
    found: dict[str, list[_Candidate]] = {}
    skipped = []
    for i, path in enumerate(files):
        progress(i, len(files), f"正在检查“{path.name}”")
        try:
            cand = _scan_one(path)
        except Exception as exc:  # noqa: BLE001 - any file, any failure: skipped and named
            skipped.append(_failed(path, exc))
            continue
        found.setdefault(cand.county_id, []).append(cand)
    kept = []
    for group in found.values():
        winner, *others = _newest_first(group)
        kept.append(winner)
        for other in others:
            skipped.append(Skipped(other.path.name, DUPLICATE, _duplicate_text(winner, other)))
    kept.sort(key=lambda c: c.path.name)
    return kept, skipped


def _duplicate_text(winner: _Candidate, other: _Candidate) -> str:
    """Why `other` is passed over for `winner`, the same county: which was changed last, said
    to the second where the minute does not tell them apart, or that the two hold the same
    修改记录 (copies of one file) and the one saved last is read."""
    head = f"“{other.path.name}”与“{winner.path.name}”是同一个县（{winner.county}）的文件，"
    if winner.last_change == other.last_change:
        return (head + f"两份的最后一次修改相同（{shown_time(winner.last_change)}，多半是同一文件的"
                f"副本），汇总“{winner.path.name}”（文件保存时间较晚）。")
    seconds = shown_time(winner.last_change) == shown_time(other.last_change)
    late, early = (shown_time(c.last_change, seconds=seconds) for c in (winner, other))
    when = f"（同在 {late} 这一秒内）" if late == early else f"（{late}；本文件 {early}）"
    return head + f"汇总最后修改较晚的“{winner.path.name}”{when}。"


def _stored(text: str | None) -> Standard | None:
    if not text:
        return None
    try:
        return standard.from_text(text)  # within db.stored's bounds: any shape, any depth
    except Exception:  # noqa: BLE001 - whatever a file holds there
        # A standard the file holds that cannot be read counts as none: the county is still
        # summed, by the standard chosen for all.
        return None


def choose_standard(cands: list[_Candidate], standard_id: str | None) -> tuple[Standard, str]:
    """The one standard every county is scored with, so that the columns mean the same thing.

    Asked for by id: the shipped one, or one a county imported (a province's 评分表). Otherwise
    the standard the files use if they all agree, else the shipped one, said in a note."""
    stored = {}
    for cand in cands:
        std = _stored(cand.standard_text)
        if std is not None:
            stored.setdefault(std.id, std)
    shipped = standard.shipped()
    if standard_id:
        if standard_id == shipped.id:
            return shipped, ""
        if standard_id in stored:
            return stored[standard_id], ""
        known = "、".join([shipped.id, *sorted(stored)])
        raise KnownError(f"找不到评分标准“{standard_id}”。可用的有：{known}。")
    used = {(_stored(c.standard_text) or shipped).id for c in cands}
    if len(used) == 1:
        only = used.pop()
        return (stored.get(only) or shipped), ""
    return shipped, (f"各县使用的评分标准不同（{'、'.join(sorted(used))}），均按{shipped.name}汇总；"
                     "可用 --standard 指定。")


def columns_of(std: Standard) -> list[Column]:
    return [Column(i.id, i.code, i.section, i.text, i.points, i.veto, i.indicator,
                   BY_ID[i.indicator].kind if i.indicator in BY_ID else None,
                   short_name(i.text, BY_ID[i.indicator].name if i.indicator in BY_ID else None))
            for i in std.items]


HEADER_WORDS = 8  # characters of an item's words under its id in a column header


def short_name(text: str, indicator_name: str | None = None) -> str:
    """A few words naming an item: its indicator's name, else its text up to the first pause,
    cut at HEADER_WORDS characters with “…”."""
    words = indicator_name or text
    for mark in "，（(：；。":
        words = words.split(mark)[0]
    words = words.strip() or text
    return words if len(words) <= HEADER_WORDS else words[:HEADER_WORDS - 1] + "…"


def _met(state: str) -> bool | None:
    if state == SCORED:
        return True
    if state in (PARTLY, ZERO):
        return False
    return None  # 无数据, 不适用, 不计分


def _row(cand: _Candidate, now: Evaluation, before: Evaluation) -> CountyRow:
    assert now.score is not None and before.score is not None
    cells = {}
    for item in now.score.items:
        prev = before.score.item(item.id)
        result = now.result(item.indicator) if item.indicator else None
        cells[item.id] = Cell(
            item.points, item.state, _met(item.state), result.value if result else None,
            item.reason, prev.points if prev else None, prev.state if prev else NO_DATA,
            _met(prev.state) if prev else None,
            result.previous_value if result else None)
    s, p = now.score, before.score
    return CountyRow(cand.path.name, cand.path, cand.county_id, _name(now.county),
                     clean_text(now.profile_name),
                     cand.last_change, s.total, s.max, s.pass_mark, s.passed,
                     tuple(i.id for i in s.veto_failures), p.total, p.passed,
                     tuple(i.id for i in p.veto_failures), cells,
                     has_data=not now.no_data_at_all, previous_has_data=not before.no_data_at_all,
                     no_data=no_data_line(now.year, now.data_years) or "")


def _judge_one(cand: _Candidate, year: int, std: Standard, today: _dt.date) -> CountyRow:
    # Checked value by value moments ago, in the scan; its schema and pages are checked again.
    county = CountyFile.open_untouched(cand.path, values=False)
    try:
        now = evaluate(county, year, today=today, std=std)
        before = evaluate(county, year - 1, today=today, std=std)
    except sqlite3.DatabaseError as exc:
        if structure.interrupted(exc):  # each file's reading is bounded in time (db.structure)
            raise structure.too_slow(cand.path) from None
        raise NotCountyFile(f"文件“{cand.path.name}”已损坏（读取数据时出错），无法汇总。") from None
    finally:
        county.close()
    return _row(cand, now, before)


def rollup(folder: str | Path, year: int, standard_id: str | None = None, *,
           progress: Progress | None = None, today: _dt.date | None = None,
           exclude: tuple[Path, ...] = ()) -> Rollup:
    """Read every county file of `folder` (none is changed) and sum them up for `year`.

    `progress(done, total, message)` is called before each file, first while checking the files,
    then while judging the counties kept; `exclude` passes over files
    such as the summary being written into the same folder."""
    tell = progress or (lambda done, total, message: None)
    folder = Path(folder)
    files = county_files(folder, exclude)
    cands, skipped = _scan(files, tell)
    std, note = choose_standard(cands, standard_id)
    unreadable = [c for c in cands if c.standard_text and _stored(c.standard_text) is None]
    if unreadable:
        # Summed all the same, by the standard chosen for all: said, so that no one takes such a
        # county's column for its own 评分表's.
        note = (note + "；" if note else "") + "、".join(
            f"{c.county}（“{c.path.name}”）" for c in unreadable) + \
            f"保存的评分表无法读取，按{std.name}汇总"
    # The folder by its real name: “.” would read as 文件夹“” on a report's cover.
    out = Rollup(folder.resolve(), year, std.id, std.name, columns_of(std), skipped=skipped,
                 note=note)
    for i, cand in enumerate(cands):
        tell(i, len(cands), f"正在汇总“{cand.county or cand.path.name}”（{i + 1}/{len(cands)}）")
        try:
            out.counties.append(_judge_one(cand, year, std, today or _dt.date.today()))
        except Exception as exc:  # noqa: BLE001 - any file, any failure: skipped and named
            out.skipped.append(_failed(cand.path, exc))
    tell(len(cands), len(cands), f"已汇总 {len(out.counties)} 个县")
    _label_namesakes(out.counties)
    return out


def _label_namesakes(rows: list[CountyRow]) -> None:
    """Two files of different counties under one name: each shown with its file's name."""
    names: dict[str, int] = {}
    for row in rows:
        names[row.county] = names.get(row.county, 0) + 1
    for i, row in enumerate(rows):
        if names[row.county] > 1:
            rows[i] = replace(row, label=f"{row.county}（{row.file}）")


def to_dict(r: Rollup) -> dict[str, Any]:
    """The summary as plain data (for tests and other programs)."""
    return {
        "year": r.year, "standard": r.standard_id, "note": r.note,
        "counties": [{"file": c.file, "county": c.county, "county_id": c.county_id,
                      "label": c.shown, "has_data": c.has_data, "total": c.total, "max": c.max, "pass_mark": c.pass_mark,
                      "passed": c.passed, "veto_failures": list(c.veto_failures),
                      "previous_total": c.previous_total, "previous_passed": c.previous_passed,
                      "items": {k: {"points": v.points, "state": v.state, "met": v.met,
                                    "value": v.value, "previous_points": v.previous_points,
                                    "previous_state": v.previous_state,
                                    "previous_met": v.previous_met}
                                for k, v in c.cells.items()}}
                     for c in r.counties],
        "items": [{"id": s.column.id, "passed": s.passed, "judged": s.judged,
                   "previous_passed": s.previous_passed} for s in r.shares()],
        "skipped": [{"file": s.file, "kind": s.kind, "reason": s.reason} for s in r.skipped],
    }

