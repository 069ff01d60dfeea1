"""Timings and peak memory against the issues' budgets. Not collected by pytest.

    python tests/benchmarks/run.py            # every step
    python tests/benchmarks/run.py open       # one step

Each step runs in a fresh process, so its peak memory is its own. Numbers are printed, never
asserted: a budget missed is something to look at, not a red test.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

# Imported before any timing starts: a step measures the work, not Python loading modules.
from db.county import CountyFile  # noqa: E402
from db.demo import write_demo  # noqa: E402
from reports.pdf.report import write_report  # noqa: E402
WORK = Path(os.environ.get("TCMCOUNTY_BENCH_DIR", tempfile.gettempdir())) / "tcmcounty-bench"
LARGE = WORK / "large.tcmcounty"
SMALL = WORK / "small.tcmcounty"

STEPS: dict[str, tuple[str, Callable[[], str]]] = {}


def step(name: str, budget: str) -> Callable[[Callable[[], str]], Callable[[], str]]:
    def register(func: Callable[[], str]) -> Callable[[], str]:
        STEPS[name] = (budget, func)
        return func
    return register


def _fresh(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)


@step("demo-large", "≤ 5 s")
def demo_large() -> str:
    _fresh(LARGE)
    write_demo(LARGE, "large")
    return f"{LARGE.stat().st_size / 1e6:.1f} MB"


@step("demo-small", "")
def demo_small() -> str:
    _fresh(SMALL)
    write_demo(SMALL, "small")
    return f"{SMALL.stat().st_size / 1e6:.1f} MB"


@step("open", "≤ 0.2 s")
def open_large() -> str:
    CountyFile.open(LARGE).close()
    return "large county"


@step("count-rows", "")
def count_rows() -> str:
    with CountyFile.open(LARGE) as county:
        counts = {t: county.count(t) for t in ("institution", "institution_year", "activity")}
    return ", ".join(f"{k} {v}" for k, v in counts.items())


@step("evaluate-large", "≤ 0.3 s")
def evaluate_large() -> str:
    from reports.judge.evaluation import evaluate

    with CountyFile.open(LARGE, daily_backup=False) as county:
        evaluate(county, 2023)  # warm the imports and caches: the step times one evaluation
        start = time.perf_counter()
        result = evaluate(county, 2024)
        took = time.perf_counter() - start
    score = result.score
    assert score is not None
    return (f"one year, {len(result.results)} indicators with last year's values and the score "
            f"({len(score.items)} items, {score.total:g}/{score.max:g}): {took:.3f} s")


@step("evaluate-json-cmd", "≤ 1.5 s")
def evaluate_command() -> str:
    done = subprocess.run([sys.executable, "-m", "desktop", "evaluate", str(LARGE), "--year",
                           "2024", "--json"], capture_output=True, check=True, cwd=ROOT)
    return f"whole command, {len(done.stdout) / 1e3:.0f} kB of JSON"


def _large_window() -> tuple[Any, Any]:
    """The window shown on the large county, as a user starting the program sees it."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from desktop.app import make_app
    from desktop.main_window import MainWindow

    app = make_app()
    window = MainWindow()
    window.open_path(LARGE)
    window.show()
    app.processEvents()
    return app, window


@step("window-large", "≤ 1.5 s")
def window_large() -> str:
    _app, window = _large_window()
    return f"{window.overview.model.rowCount()} indicators shown"


@step("window-switch", "≤ 0.3 s each")
def window_switch() -> str:
    app, window = _large_window()
    times = {}
    for i in range(1, window.tabs.count()):
        start = time.perf_counter()
        window.tabs.setCurrentIndex(i)
        app.processEvents()
        times[window.tabs.tabText(i).split(" ", 1)[-1]] = time.perf_counter() - start
    start = time.perf_counter()
    window.year_box.setCurrentIndex(window.year_box.findData(2023))
    app.processEvents()
    times["换年度"] = time.perf_counter() - start
    return ", ".join(f"{k} {v:.3f}s" for k, v in times.items())


REPORT_YEAR = 2024
LO_BOOK = WORK / "large-2024.xlsx"
LO_PROFILE = WORK / "libreoffice-profile"


def _ensure_demo(path: Path, size: str) -> str:
    """The demo county the step reads; written here only when the step runs on its own."""
    if path.exists():
        return ""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_demo(path, size)
    return " (demo written first, included)"


def _report(path: Path, size: str) -> str:
    note = _ensure_demo(path, size)
    out = WORK / f"report-{size}.pdf"
    with CountyFile.open(path) as county:
        write_report(county, REPORT_YEAR, out)
    return f"{out.stat().st_size / 1e3:.0f} kB{note}"


@step("report-small", "≤ 1 s")
def report_small() -> str:
    return _report(SMALL, "small")


@step("report-large", "≤ 1 s")
def report_large() -> str:
    return _report(LARGE, "large")


@step("xlsx-large", "")
def xlsx_large() -> str:
    """The year's `export-excel` workbook of the large county: what a clerk converts to PDF today."""
    from reports.excel.export import export_workbook

    note = _ensure_demo(LARGE, "large")
    with CountyFile.open(LARGE, daily_backup=False) as county:
        export_workbook(county, REPORT_YEAR, LO_BOOK)
    return f"{LO_BOOK.stat().st_size / 1e3:.0f} kB{note}"


@step("libreoffice-xlsx-to-pdf", "(compare)")
def libreoffice_pdf() -> str:
    """What a clerk does today: LibreOffice turns the year's workbook into a PDF."""
    import shutil

    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        return "not installed"
    if not LO_BOOK.exists():
        return "run the xlsx-large step first"
    warm = LO_PROFILE.exists()
    out_dir = WORK / "libreoffice-out"
    out_dir.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [office, f"-env:UserInstallation={LO_PROFILE.as_uri()}", "--headless", "--convert-to",
         "pdf", "--outdir", str(out_dir), str(LO_BOOK)],
        capture_output=True, text=True, check=False, timeout=600)
    pdf = out_dir / (LO_BOOK.stem + ".pdf")
    if done.returncode != 0 or not pdf.exists():
        return f"failed: {done.stderr.strip()[:80]}"
    return f"{pdf.stat().st_size / 1e3:.0f} kB, {'warm' if warm else 'first run (cold profile)'}"


TOWNS = WORK / "towns"


@step("snapshot-large", "≤ 1 s")
def snapshot_large() -> str:
    from db.exchange import snapshot

    with CountyFile.open(LARGE, daily_backup=False) as county:
        snapshot(county, WORK / "snapshot.tcmcounty")
    return "verified copy (backup API + fsync + integrity_check + rename)"


@step("sqlite3-backup", "floor")
def sqlite3_backup() -> str:
    target = WORK / "floor.tcmcounty"
    target.unlink(missing_ok=True)
    subprocess.run(["sqlite3", str(LARGE), f".backup {target}"], check=True)
    return "sqlite3 command-line .backup of the same file"


@step("prepare-townships", "(setup)")
def prepare_townships() -> str:
    import shutil

    from db.exchange import write_township_file

    shutil.rmtree(TOWNS, ignore_errors=True)
    TOWNS.mkdir(parents=True)
    with CountyFile.open(LARGE, daily_backup=False) as county:
        towns = sorted({r["township"] for r in county.rows("institution") if r["township"]})[:30]
        for i, town in enumerate(towns):
            write_township_file(county, town, TOWNS / f"{i:02d}.tcmcounty")
    for i, path in enumerate(sorted(TOWNS.iterdir())):
        with CountyFile.open(path, machine=f"{i:032x}", daily_backup=False) as t:
            centre = t.rows("institution", "type IN ('chc', 'township_hc')")[0]
            with t.atomic():
                t.set_institution_year(centre["id"], 2024, {"tech_items": 12})
                for k in range(20):
                    t.insert("activity", {"institution_id": centre["id"], "date": "2024-12-01",
                                          "kind": "健康讲座", "title": f"第{k}次讲座"})
    return f"{len(towns)} township files, each with 1 changed fact and 20 new activities"


@step("merge-30-townships", "≤ 10 s")
def merge_townships() -> str:
    import shutil

    from db.exchange import merge

    target = WORK / "merged.tcmcounty"
    shutil.copyfile(LARGE, target)
    n = 0
    with CountyFile.open(target, daily_backup=False) as county:
        for path in sorted(TOWNS.iterdir()):
            merge(county, path)
            n += 1
        added = county.count("activity", "title LIKE '第%次讲座'")
    return f"{n} files merged, {added} activities added"


# ---- Excel in and out (issue 6) ---------------------------------------------------------------

EXCEL_BOOK = WORK / "excel-import-1000-5000.xlsx"
EXCEL_TARGET = WORK / "excel-import-target.tcmcounty"
EXCEL_YEAR = 2025


def _excel_book() -> str:
    """1,000 institution rows (the large demo's 643, matched by code, and 357 new village clinics)
    and 5,000 activities for 2025, under a title row and with units in the headers."""
    import datetime as dt

    import openpyxl

    from db.vocab import ACTIVITY_KINDS, INSTITUTION_TYPES

    with CountyFile.open(LARGE, daily_backup=False) as county:
        known = county.query("SELECT name, code, type, township FROM institution "
                             "WHERE deleted = 0 ORDER BY code")
    rows = [(r["name"], r["code"], INSTITUTION_TYPES[r["type"]], r["township"]) for r in known]
    rows += [(f"新建第{i}村卫生室", f"NEW{i:05d}", "村卫生室", "新区镇")
             for i in range(1000 - len(rows))]
    book = openpyxl.Workbook(write_only=True)
    ws = book.create_sheet("机构年度数据")
    ws.append([f"青河县{EXCEL_YEAR}年度基层中医药工作机构数据"])
    ws.append(["序号", "机构名称", "机构代码", "机构类型", "所属乡镇", "年度", "是否设置中医馆",
               "中医馆达标情况", "适宜技术类数", "适宜技术项数", "总诊疗人次（人次）", "中医诊疗人次（人次）",
               "执业（助理）医师数（人）", "中医类别执业（助理）医师数（人）", "西学中人数（人）"])
    for n, (name, code, type_, town) in enumerate(rows, start=1):
        # Only a 社区卫生服务中心 or 乡镇卫生院 has a 中医馆 (the others are refused it).
        hall = type_ in ("社区卫生服务中心", "乡镇卫生院")
        ws.append([n, name, code, type_, town, EXCEL_YEAR,
                   ("是" if n % 7 else "否") if hall else None,
                   None if n % 7 == 0 or not hall else "达标", 4 + n % 3, 8 + n % 5,
                   f"{3000 + n:,}", 1000 + n, 5 + n % 20, 2 + n % 3, 1])
    ws = book.create_sheet("活动记录")
    ws.append(["机构名称", "活动日期", "活动类型", "活动名称", "参与人数", "是否中医药内容"])
    start = dt.date(EXCEL_YEAR, 1, 1)
    for i in range(5000):
        ws.append([rows[i % len(rows)][0], start + dt.timedelta(days=i % 365),
                   ACTIVITY_KINDS[i % len(ACTIVITY_KINDS)], f"第{i}期中医药宣传", 20 + i % 80,
                   "是" if i % 5 else "否"])
    book.save(EXCEL_BOOK)
    return f"{EXCEL_BOOK.stat().st_size / 1e6:.1f} MB"


@step("excel-book", "(setup)")
def excel_book() -> str:
    note = _ensure_demo(LARGE, "large")
    return _excel_book() + note


@step("import-excel", "≤ 3 s")
def import_excel() -> str:
    """Plan and apply the 1,000 + 5,000-row workbook into a fresh copy of the large county."""
    import shutil

    from reports.excel.importer import apply, plan_import

    note = "" if EXCEL_BOOK.exists() else " (demo and book written first, included)"
    if note:
        _ensure_demo(LARGE, "large")
        _excel_book()
    shutil.copyfile(LARGE, EXCEL_TARGET)
    with CountyFile.open(EXCEL_TARGET, daily_backup=False) as county:
        start = time.perf_counter()
        plan = plan_import(county, EXCEL_BOOK)
        planned = time.perf_counter() - start
        apply(plan)
        applied = time.perf_counter() - start - planned
    assert plan.ok, plan.summary_text()
    return (f"plan {planned:.2f}s + apply {applied:.2f}s: {len(plan.new_institutions)} new, "
            f"{len(plan.updated)} records, {plan.activities_added} activities{note}")


@step("openpyxl-read-floor", "floor")
def openpyxl_read_floor() -> str:
    """A bare openpyxl read-only pass over the same workbook: what any importer must spend."""
    import openpyxl

    if not EXCEL_BOOK.exists():
        return "run the excel-book step first"
    book = openpyxl.load_workbook(EXCEL_BOOK, read_only=True, data_only=True)
    rows = sum(1 for ws in book.worksheets for _ in ws.iter_rows(values_only=True))
    book.close()
    return f"{rows} rows read"


@step("export-large", "≤ 3 s")
def export_large() -> str:
    from reports.excel.export import export_workbook

    note = _ensure_demo(LARGE, "large")
    out = WORK / "export-large-2024.xlsx"
    with CountyFile.open(LARGE, daily_backup=False) as county:
        export_workbook(county, REPORT_YEAR, out)
    return f"{out.stat().st_size / 1e3:.0f} kB{note}"


def _timed_year_view(build: Callable[[Any, int], Any], what: Callable[[Any], str]) -> str:
    """One year's view on the large county, timed alone (imports and a first run warmed)."""
    note = _ensure_demo(LARGE, "large")
    with CountyFile.open(LARGE, daily_backup=False) as county:
        build(county, 2023)
        start = time.perf_counter()
        result = build(county, REPORT_YEAR)
        took = time.perf_counter() - start
    return f"{what(result)}: {took:.3f} s{note}"


@step("checks-large", "≤ 0.3 s")
def checks_large() -> str:
    from reports.judge.checks import find_checks

    return _timed_year_view(find_checks, lambda found: f"数据核查, {len(found)} findings")


@step("evidence-cli", "≤ 3 s")
def evidence_cli() -> str:
    """A script attaching a 20 MB scan to a task of the large county and listing the evidence,
    as `tcmcounty evidence-add` / `evidence-list` do (each in one process)."""
    import shutil

    from desktop.cli import main as cli

    note = _ensure_demo(LARGE, "large")
    work = WORK / "evidence-cli.tcmcounty"
    _fresh(work)
    shutil.copyfile(LARGE, work)
    scan = WORK / "扫描件.pdf"
    scan.write_bytes(os.urandom(20 * 1024 * 1024))
    quiet = io.StringIO()
    with contextlib.redirect_stdout(quiet):
        start = time.perf_counter()
        cli(["evidence-add", str(work), str(scan), "--task", "1"])
        added = time.perf_counter() - start
        start = time.perf_counter()
        cli(["evidence-list", str(work), "--json"])
        listed = time.perf_counter() - start
    return f"evidence-add 20 MB {added:.2f} s, evidence-list {listed:.2f} s{note}"


@step("evidence-binder", "")
def evidence_binder() -> str:
    """导出佐证材料 of the large county's 2024: 200 photos of 2 MB on its TCM activities and two
    20 MB scans on creation tasks (one judged for two items), as a folder and as a zip; a file
    that supports several items is stored once, so the binder is the size of its files."""
    import shutil

    from reports.plan.evidence import export_evidence

    note = _ensure_demo(LARGE, "large")
    work = WORK / "evidence-binder.tcmcounty"
    _fresh(work)
    shutil.copyfile(LARGE, work)
    with CountyFile.open(work, daily_backup=False) as county:
        acts = county.query("SELECT a.id FROM activity a JOIN institution i ON i.id = "
                            "a.institution_id WHERE a.deleted = 0 AND a.tcm_content = 1 AND "
                            "a.date LIKE '2024-%' AND i.type IN ('chc', 'township_hc') "
                            "ORDER BY a.date, a.id LIMIT 200")
        with county.atomic():
            for n, a in enumerate(acts):
                county.add_evidence(f"现场照片{n}.jpg", os.urandom(2 * 1024 * 1024),
                                    owner_table="activity", owner_id=a["id"], year=2024)
            for number in ("2", "3"):
                task = county.query("SELECT id FROM task WHERE number = ?", (number,))[0]["id"]
                county.add_evidence(f"任务{number}扫描件.pdf", os.urandom(20 * 1024 * 1024),
                                    owner_table="task", owner_id=task)
        distinct = sum(r["size"] for r in county.query(
            "SELECT DISTINCT sha256, size FROM evidence WHERE deleted = 0"))
        out = []
        for name in ("binder", "binder.zip"):
            dest = WORK / name
            shutil.rmtree(dest, ignore_errors=True) if dest.is_dir() else dest.unlink(missing_ok=True)
            start = time.perf_counter()
            export_evidence(county, dest, year=2024, as_zip=name.endswith(".zip"))
            took = time.perf_counter() - start
            size = (dest.stat().st_size if dest.is_file()
                    else sum(p.stat().st_size for p in dest.rglob("*") if p.is_file()))
            out.append(f"{'zip' if dest.is_file() else 'folder'} {took:.2f} s, "
                       f"{size / 1e6:.0f} MB")
    return (f"{len(acts) + 2} files, {distinct / 1e6:.0f} MB of evidence; "
            + "; ".join(out) + note)


@step("progress-large", "≤ 0.3 s")
def progress_large() -> str:
    from reports.judge.progress import progress

    return _timed_year_view(progress, lambda p: f"填报进度, {len(p.institutions)} institutions, "
                                                f"{len(p.townships)} townships")


MERGED = WORK / "merged-large.tcmcounty"


@step("townships-merged", "≤ 0.3 s each")
def townships_merged() -> str:
    """Issue 29: the large county with a third of its townships merged into others from the
    report year, so every year's view reads townships by year; each view timed alone."""
    import shutil

    from db.townships import apply_merger, plan_merger
    from reports.judge.checks import find_checks
    from reports.judge.evaluation import evaluate
    from reports.judge.progress import progress

    note = _ensure_demo(LARGE, "large")
    shutil.copyfile(LARGE, MERGED)
    with CountyFile.open(MERGED, daily_backup=False) as county:
        centres = county.rows("institution", "type = 'township_hc'", order="township")
        moved = 0
        for closing, host in zip(centres[::3], centres[1::3]):
            plan = plan_merger(county, closing["id"], REPORT_YEAR, host["township"])
            apply_merger(county, plan)
            moved += len(plan.moves)
        times = []
        for view in (county.institutions_in_year, lambda y: progress(county, y),
                     lambda y: find_checks(county, y), lambda y: evaluate(county, y)):
            view(2023)
            start = time.perf_counter()
            view(REPORT_YEAR)
            times.append(time.perf_counter() - start)
    names = ("institutions_in_year", "填报进度", "数据核查", "evaluate")
    return (f"{moved} institutions moved: "
            + ", ".join(f"{n} {t:.3f} s" for n, t in zip(names, times)) + note)


# 达标路径 (issue 28), on the large demo and on the 10× county tenfold.py builds through the public
# commands (issue 26).
PATH_TODAY = (2025, 3, 1)  # the report year is over, as when a self-evaluation is written


def _timed_path(path: Path, prepare: Callable[[], str]) -> str:
    import datetime as _dt

    from reports.judge.evaluation import evaluate
    from reports.plan.path import greedy_length, plan, tenths

    note = prepare()
    today = _dt.date(*PATH_TODAY)
    with CountyFile.open(path, daily_backup=False) as county:
        plan(county, REPORT_YEAR - 1, today=today)  # warm imports and caches
        start = time.perf_counter()
        evaluation = evaluate(county, REPORT_YEAR, today=today)
        judged = time.perf_counter()
        found = plan(county, REPORT_YEAR, today=today, evaluation=evaluation)
        done = time.perf_counter()
        institutions = county.count("institution")
    need = round(found.pass_mark * 10) - tenths(found.total)
    greedy = greedy_length(list(found.tracks), need)
    return (f"{institutions} institutions, {len(found.actions)} actions, path of "
            f"{found.path_length} (greedy {greedy}): path {done - judged:.3f} s, with the "
            f"year's judgement {done - start:.3f} s{note}")


@step("path-large", "≤ 1 s")
def path_large() -> str:
    return _timed_path(LARGE, lambda: _ensure_demo(LARGE, "large"))


@step("path-10x", "≤ 1 s")
def path_ten_fold() -> str:
    return _timed_path(tenfold.build(10), lambda: "")


REVIEW = WORK / "review-large.tcmcounty"


def _ensure_review() -> str:
    """A copy of the large demo county with a 30-institution 模拟评审 of the report year."""
    from reports.judge import review

    if REVIEW.exists():
        return ""
    note = _ensure_demo(LARGE, "large")
    import shutil
    shutil.copyfile(LARGE, REVIEW)
    with CountyFile.open(REVIEW, daily_backup=False) as county:
        review.create_review(county, REPORT_YEAR, seed=20240601, rule=review.Rule(1, 9, 20))
    return f" (review prepared{note})"


@step("review-prepare", "")
def review_prepare() -> str:
    REVIEW.unlink(missing_ok=True)
    return _ensure_review().strip() or "ready"


@step("review-checklists", "≤ 3 s")
def review_checklists() -> str:
    """The 现场核查表 of a 30-institution sample of the large demo county, written as one PDF."""
    from reports.judge import review
    from reports.pdf.checklist import write_checklists

    note = _ensure_review()
    out = WORK / "review-checklists.pdf"
    out.unlink(missing_ok=True)
    with CountyFile.open(REVIEW, daily_backup=False) as county:
        rid = review.latest(county, REPORT_YEAR)
        write_checklists(county, rid, out)
        n = len(review.load(county, rid).sample)
    return f"{n} institutions, {out.stat().st_size / 1e3:.0f} kB{note}"


ROLLUP_DIR = WORK / "rollup-100"
ROLLUP_10 = WORK / "rollup-10"
ROLLUP_YEAR = 2024


@step("rollup-prepare", "")
def rollup_prepare() -> str:
    """100 county files, each the large demo under its own county id and name; made once."""
    import shutil

    if LARGE.exists() and _stale(LARGE):
        LARGE.unlink()
    note = _ensure_demo(LARGE, "large")
    ROLLUP_DIR.mkdir(parents=True, exist_ok=True)
    ROLLUP_10.mkdir(parents=True, exist_ok=True)
    made = 0
    for i in range(100):
        path = ROLLUP_DIR / f"县{i + 1:03d}.tcmcounty"
        if path.exists() and _stale(path):  # written before a schema change: it would be skipped
            path.unlink()
            (ROLLUP_10 / path.name).unlink(missing_ok=True)
        if not path.exists():
            tmp = path.with_suffix(".part")
            shutil.copyfile(LARGE, tmp)
            with CountyFile.open(tmp, daily_backup=False) as county:
                with county.atomic():
                    county.set_setting("county_id", f"{i + 1:032x}")
                    county.set_setting("county_name", f"测试{i + 1:03d}县")
            os.replace(tmp, path)
            made += 1
        if i < 10 and not (ROLLUP_10 / path.name).exists():
            os.link(path, ROLLUP_10 / path.name)
    size = sum(p.stat().st_size for p in ROLLUP_DIR.iterdir()) / 1e6
    return f"{made} files made, 100 in folder, {size:.0f} MB{note}"


def _stale(path: Path) -> bool:
    from db import schema

    with open(path, "rb") as fh:
        return int.from_bytes(fh.read(100)[60:64], "big") != schema.current_version()


def _rollup(folder: Path, out: str | None = None) -> str:
    from reports.judge.rollup import rollup

    last = ROLLUP_DIR / "县100.tcmcounty"
    if not last.exists() or _stale(last):
        raise SystemExit("run the rollup-prepare step first")
    result = rollup(folder, ROLLUP_YEAR)
    note = f"{len(result.counties)} counties, {len(result.skipped)} skipped"
    if out:
        target = WORK / out
        target.unlink(missing_ok=True)
        if out.endswith(".pdf"):
            from reports.pdf.rollup import write_rollup_report
            write_rollup_report(result, target)
        else:
            from reports.excel.rollup import write_rollup
            write_rollup(result, target)
        note += f", {target.name} {target.stat().st_size / 1e3:.0f} kB"
    return note


@step("rollup-10", "memory as 100")
def rollup_10() -> str:
    return _rollup(ROLLUP_10)


@step("rollup-100", "≤ 30 s")
def rollup_100() -> str:
    return _rollup(ROLLUP_DIR)


@step("rollup-100-xlsx", "≤ 30 s")
def rollup_100_xlsx() -> str:
    return _rollup(ROLLUP_DIR, "rollup-100.xlsx")


@step("rollup-100-pdf", "≤ 30 s")
def rollup_100_pdf() -> str:
    return _rollup(ROLLUP_DIR, "rollup-100.pdf")


# ---- a county ten times the large demo, built through the public commands (issue 26) ----------
#
# tenfold.py writes one workbook per year and runs `tcmcounty new` + `tcmcounty import-excel`.
# Each measurement below is printed beside its peer (openpyxl's own read of the same workbook, a
# bare Qt window with ten tabs, `sqlite3 .backup`, LibreOffice converting the same year's export)
# and the ratio, medians of runs taken in turn so that the machine's load falls on both alike.

from tests.benchmarks import tenfold  # noqa: E402

TENFOLD_YEAR = 2026  # the last year with an activity log
RUNS = 5


def _median(values: list[float]) -> float:
    values = sorted(values)
    return values[len(values) // 2]


def _in_turn(first: Callable[[], float], second: Callable[[], float],
             runs: int = RUNS) -> tuple[float, float]:
    """Medians of `first` and `second` (each returns seconds), run alternately."""
    a, b = [], []
    for _ in range(runs):
        a.append(first())
        b.append(second())
    return _median(a), _median(b)


@step("tenfold-build", "(setup)")
def tenfold_build() -> str:
    """The 1× and 10× counties over ten years, each by `new` and ten `import-excel` commands."""
    made = []
    for scale in (1, 10):
        start = time.perf_counter()
        path = tenfold.build(scale)
        made.append(f"{scale}×: {path.stat().st_size / 1e6:.0f} MB in "
                    f"{time.perf_counter() - start:.0f} s")
    return "; ".join(made)


def _first_year_import(scale: int) -> str:
    """A first-year workbook (it creates every institution) into a new county, against a bare
    openpyxl read-only pass over the same workbook."""
    import openpyxl

    from reports.excel.importer import apply, plan_import

    book = tenfold.year_book(scale, tenfold.YEARS[0])
    target = WORK / f"first-year-{scale}x.tcmcounty"

    def ours() -> float:
        target.unlink(missing_ok=True)
        CountyFile.create(target, tenfold.COUNTY).close()
        with CountyFile.open(target, daily_backup=False) as county:
            start = time.perf_counter()
            plan = plan_import(county, book, year=tenfold.YEARS[0])
            apply(plan)
            took = time.perf_counter() - start
        assert plan.ok, plan.summary_text()
        return took

    def floor() -> float:
        start = time.perf_counter()
        wb = openpyxl.load_workbook(book, read_only=True, data_only=True)
        for ws in wb.worksheets:
            for _row in ws.iter_rows(values_only=True):
                pass
        wb.close()
        return time.perf_counter() - start

    mine, theirs = _in_turn(ours, floor, 3)
    with CountyFile.open(target, daily_backup=False) as county:
        n = county.count("institution")
    return (f"{n:,} institutions: import {mine:.2f} s, openpyxl read {theirs:.2f} s, "
            f"ratio {mine / theirs:.2f} (budget 3)")


@step("import-first-year-1x", "≤ 3× openpyxl")
def import_first_year_1x() -> str:
    return _first_year_import(1)


@step("import-first-year-10x", "≤ 3× openpyxl")
def import_first_year_10x() -> str:
    return _first_year_import(10)


@step("import-move-10x", "linear")
def import_move_10x() -> str:
    """Every institution of the 10× county moved to a renamed township by one workbook (matched
    by 机构代码): each one checked for a twin, as the first year's import checks new ones."""
    import shutil

    import openpyxl

    from reports.excel.importer import apply, plan_import

    target = WORK / "move-10x.tcmcounty"
    shutil.copyfile(tenfold.build(10), target)
    book = WORK / "move-10x.xlsx"
    with CountyFile.open(target, daily_backup=False) as county:
        rows = county.query("SELECT code, name, township FROM institution WHERE deleted = 0")
        wb = openpyxl.Workbook(write_only=True)
        sheet = wb.create_sheet("机构")
        sheet.append(["机构代码", "机构名称", "所属乡镇"])
        for r in rows:
            sheet.append([r["code"], r["name"], f"{r['township']}（新）"])
        wb.save(book)
        start = time.perf_counter()
        plan = plan_import(county, book)
        apply(plan)
        took = time.perf_counter() - start
    assert plan.ok, plan.summary_text()
    return f"{len(rows):,} institutions moved in {took:.2f} s"


# How each peer below ends: the window on a 1366×768 screen, painted, and the CPU it took.
_SHOW = """
window.setCentralWidget(tabs)
window.resize(1366, 768)
window.show()
app.processEvents()
print(time.thread_time(), time.process_time(), flush=True)
"""

_BARE_WINDOW = """
import sys, time
from PySide6.QtWidgets import QApplication, QMainWindow, QTabWidget, QWidget
app = QApplication(sys.argv[:1])
window = QMainWindow()
tabs = QTabWidget(window)
for n in range(10):
    tabs.addTab(QWidget(), f"标签{n + 1}")
""" + _SHOW

_OUR_WINDOW = """
import sys, time
from pathlib import Path
from desktop.app import launch
app, window, _session = launch(Path(sys.argv[1]))
app.processEvents()
assert window.overview.model.rowCount() > 0
print(time.thread_time(), time.process_time(), flush=True)
# 总览's 上年 column follows the first paint (desktop.painted): its moment is said apart.
while not window.ctx.last_year_done:
    app.processEvents()
print("last year", flush=True)
if _session is not None:  # quit as a clerk does, or the next start reports this one as a crash
    _session.end()
"""


# What the window's first page shows, for the bare table below: the headers and every cell's text.
_OUR_TEXTS = """
import json, sys
from pathlib import Path
from desktop.app import launch
app, window, _session = launch(Path(sys.argv[1]))
app.processEvents()
model = window.overview.view.model()
cols, rows = model.columnCount(), model.rowCount()
head = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(cols)]
cells = [[model.index(r, c).data() or "" for c in range(cols)] for r in range(rows)]
summary = window.overview.summary.text()
Path(sys.argv[2]).write_text(json.dumps([head, cells, summary], ensure_ascii=False), "utf-8")
if _session is not None:
    _session.end()
""".replace("import json, sys", "import json, sys\nfrom PySide6.QtCore import Qt")

# A peer that is not in the table: Qt alone showing the same first page (its ten tabs,
# the bundled font, the headline and a plain table of the same texts), to tell Qt's own cost of
# laying out and painting a page of Chinese from ours (reading, judging, our widgets).
_BARE_TABLE = """
import json, sys, time
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (QApplication, QLabel, QMainWindow, QTableWidget, QTableWidgetItem,
                               QTabWidget, QVBoxLayout, QWidget)
app = QApplication(sys.argv[:1])
QFontDatabase.addApplicationFont(sys.argv[2])
head, cells, summary = json.loads(open(sys.argv[1], encoding="utf-8").read())
window = QMainWindow()
tabs = QTabWidget(window)
page = QWidget()
column = QVBoxLayout(page)
words = QLabel(summary)
words.setWordWrap(True)
column.addWidget(words)
table = QTableWidget(len(cells), len(head))
table.setHorizontalHeaderLabels([h or "" for h in head])
for r, row in enumerate(cells):
    for c, text in enumerate(row):
        table.setItem(r, c, QTableWidgetItem(str(text)))
column.addWidget(table)
tabs.addTab(page, "总览")
for n in range(9):
    tabs.addTab(QWidget(), f"标签{n + 2}")
""" + _SHOW


def _child_env() -> dict[str, str]:
    # As installed: modules load from compiled bytecode (a run that may not write it would
    # compile every module of ours at each start, and none of the bare window's).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["TCMCOUNTY_HOME"] = str(WORK / "home-window")
    return env


def _shown(code: str, *args: str, later: list[float] | None = None
           ) -> tuple[float, float, float]:
    """A fresh process showing a window: seconds from its start until it is painted, and the CPU
    seconds its main thread and the whole process had used by then. The main thread's is the
    time a clerk waits on an idle PC with two cores or more; a check the window starts in the
    background (the file's structure) shows in the process's alone. `later`: where to put the
    seconds until a second line (the window's: 上年 filled in after the first paint)."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, cwd=ROOT, env=_child_env())
    assert proc.stdout is not None
    line = proc.stdout.readline()
    wall = time.perf_counter() - start
    if later is not None:
        proc.stdout.readline()
        later.append(time.perf_counter() - start)
    proc.wait()
    main, process = (float(x) for x in line.split())
    return wall, main, process


def _window_against_bare(path: Path) -> str:
    subprocess.run([sys.executable, "-m", "compileall", "-q", "db", "desktop", "reports",
                    "resources"], cwd=ROOT, env=_child_env(), check=True, capture_output=True)
    _shown(_OUR_WINDOW, str(path))  # the day's backup, the settings file: not part of a start
    ours, bare, filled = [], [], []
    for _ in range(RUNS):
        ours.append(_shown(_OUR_WINDOW, str(path), later=filled))
        bare.append(_shown(_BARE_WINDOW))
    texts = WORK / f"{path.stem}-first-page.json"
    subprocess.run([sys.executable, "-c", _OUR_TEXTS, str(path), str(texts)], cwd=ROOT,
                   env=_child_env(), check=True, capture_output=True)
    from resources import resource_path

    font = str(resource_path("fonts", "wqy-microhei.ttc"))
    table = [_shown(_BARE_TABLE, str(texts), font) for _ in range(RUNS)]
    a = [_median([r[i] for r in ours]) for i in range(3)]
    b = [_median([r[i] for r in bare]) for i in range(3)]
    t = _median([r[0] for r in table])
    return (f"shown with data {a[0]:.2f} s, main thread CPU {a[1]:.2f} s, process CPU "
            f"{a[2]:.2f} s; bare Qt with 10 tabs {b[0]:.2f} s, {b[1]:.2f} s, {b[2]:.2f} s; "
            f"ratios {a[0] / b[0]:.2f} (wall), {a[1] / b[1]:.2f} (main thread), "
            f"{a[2] / b[2]:.2f} (process); Qt alone showing the same first page "
            f"{t:.2f} s (ours {a[0] / t:.1f}×); 总览's 上年 column filled in "
            f"{_median(filled):.2f} s")


@step("window-vs-bare-1x", "≤ 2.5× bare")
def window_vs_bare_1x() -> str:
    return _window_against_bare(tenfold.build(1))


@step("window-vs-bare-10x", "≤ 4× bare")
def window_vs_bare_10x() -> str:
    return _window_against_bare(tenfold.build(10))


@step("tabs-10x", "≤ 0.3 s each")
def tabs_10x() -> str:
    """Every tab's first showing on the 10× county's last year with activities: after the window
    has been on screen a second (as a clerk first looks at 总览), and 机构 at once."""
    import shutil

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QTimer

    from desktop.app import launch

    copy = WORK / "tabs-10x.tcmcounty"
    shutil.copyfile(tenfold.build(10), copy)
    times = {}
    for settle in (0, 1000):
        app, window, _session = launch(copy)
        window.show_year(TENFOLD_YEAR)
        app.processEvents()
        loop = QEventLoop()
        QTimer.singleShot(settle, loop.quit)
        loop.exec()
        order = range(1, window.tabs.count()) if settle else [2]
        for i in order:
            begin, cpu = time.perf_counter(), time.thread_time()
            window.tabs.setCurrentIndex(i)
            app.processEvents()
            name = window.tabs.tabText(i) + ("（刚打开即切换）" if not settle else "")
            times[name] = (time.perf_counter() - begin, time.thread_time() - cpu)
        begin, cpu = time.perf_counter(), time.thread_time()
        window.year_box.setCurrentIndex(window.year_box.findData(TENFOLD_YEAR - 1))
        app.processEvents()
        times["换年度" if settle else "换年度（刚打开）"] = (time.perf_counter() - begin,
                                                      time.thread_time() - cpu)
        window.close()
    # Seconds, and the UI thread's CPU seconds (what an idle PC would take; not the machine's
    # other load).
    return ", ".join(f"{k} {w:.3f}s (CPU {c:.3f})" for k, (w, c) in times.items())


TOWN_10X = WORK / "town-10x.tcmcounty"


@step("merge-prepare-10x", "(setup)")
def merge_prepare_10x() -> str:
    """One township's fill-in file of the 10× county, with one changed figure and 20 activities."""
    from db.exchange import write_township_file

    TOWN_10X.unlink(missing_ok=True)
    with CountyFile.open(tenfold.build(10), daily_backup=False) as county:
        towns = sorted({r["township"] for r in county.rows("institution") if r["township"]})
        write_township_file(county, towns[7], TOWN_10X)
    with CountyFile.open(TOWN_10X, machine="f" * 32, daily_backup=False) as town:
        centre = town.rows("institution", "type IN ('chc', 'township_hc')")[0]
        with town.atomic():
            town.set_institution_year(centre["id"], TENFOLD_YEAR, {"tech_items": 12})
            for k in range(20):
                town.insert("activity", {"institution_id": centre["id"],
                                         "date": f"{TENFOLD_YEAR}-11-01", "kind": "健康讲座",
                                         "title": f"第{k}次讲座"})
    return f"{towns[7]}, {TOWN_10X.stat().st_size / 1e6:.1f} MB"


@step("merge-10x", "≤ 100 MB")
def merge_10x() -> str:
    """The township file merged into a copy of the 10× county (peak MB is this process's)."""
    import shutil

    from db.exchange import merge

    if not TOWN_10X.exists():
        return "run the merge-prepare-10x step first"
    target = WORK / "merge-10x.tcmcounty"
    shutil.copyfile(tenfold.build(10), target)
    with CountyFile.open(target, daily_backup=False) as county:
        start = time.perf_counter()
        plan = merge(county, TOWN_10X)
        took = time.perf_counter() - start
    return f"{plan.summary()} in {took:.2f} s"


MILLION = WORK / "million-rows.xlsx"


def _million_row_book() -> Path:
    """One sheet of 1,000,000 rows without <dimension> (issue 25's finding), written directly."""
    import zipfile

    import openpyxl

    if MILLION.exists():
        return MILLION
    book = openpyxl.Workbook(write_only=True)
    book.create_sheet("活动").append(["机构名称", "活动日期"])
    book.save(MILLION)
    with zipfile.ZipFile(MILLION) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (r, r, r)
                    for r in range(1, 1_000_001))
    parts["xl/worksheets/sheet1.xml"] = (f'<worksheet xmlns="{ns}"><sheetData>'.encode() + rows
                                         + b"</sheetData></worksheet>")
    with zipfile.ZipFile(MILLION, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return MILLION


STYLES = WORK / "styles-3m.xlsx"
STYLES_MAX = WORK / "styles-64000.xlsx"


def _styles_book(path: Path, cell_xfs: bytes, extra: bytes = b"") -> Path:
    """A one-sheet workbook whose styles part holds `cell_xfs` (and `extra` after them)."""
    import re
    import zipfile

    import openpyxl

    if path.exists():
        return path
    book = openpyxl.Workbook()
    book.active.title = "活动记录"
    for row in (("机构名称", "活动日期", "活动类型", "活动名称", "参与人数"),
                ("青石镇卫生院", "2024-03-05", "义诊", "春季义诊", 30)):
        book.active.append(row)
    book.save(path)
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["xl/styles.xml"] = re.sub(rb"<cellXfs count=\"\d+\">.*</cellXfs>",
                                    lambda _m: b"<cellXfs>" + cell_xfs + b"</cellXfs>" + extra,
                                    parts["xl/styles.xml"], count=1, flags=re.S)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def _styles_books() -> tuple[Path, Path]:
    """The tester's 60 KB styles bomb (3,000,000 empty <xf/>), and Excel's ceiling of 64,000
    cell formats with alignments and as many named styles (which must still import)."""
    plain = (b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
             b'<alignment horizontal="center" wrapText="1"/></xf>')
    named = b"".join(b'<cellStyle name="s%d" xfId="0"/>' % i for i in range(64_000))
    return (_styles_book(STYLES, b"<xf/>" * 3_000_000),
            _styles_book(STYLES_MAX, plain * 64_000,
                         b"<cellStyles>" + named + b"</cellStyles>"))


def _limits_county() -> CountyFile:
    """An empty county file for the limits steps, made anew."""
    target = WORK / "limits.tcmcounty"
    target.unlink(missing_ok=True)
    CountyFile.create(target, tenfold.COUNTY).close()
    return CountyFile.open(target, daily_backup=False)


def _refused(book: Path) -> str:
    from reports.excel.importer import plan_import
    from reports.excel.vocab import WorkbookError

    if not book.exists():
        return "run the limits-prepare step first"
    with _limits_county() as county:
        took = []
        for _ in range(3):
            start = time.perf_counter()
            try:
                plan_import(county, book)
            except WorkbookError as exc:
                reason = str(exc)
            else:
                raise AssertionError(f"{book.name} was not refused")
            took.append(time.perf_counter() - start)
    return f"refused in {_median(took):.2f} s: {reason}"


@step("limits-prepare", "(setup)")
def limits_prepare() -> str:
    """The workbooks over the limits (and one at Excel's ceiling of formats), written once."""
    books = (tenfold.ten_year_book(10), _million_row_book(), *_styles_books())
    return ", ".join(f"{b.name} {b.stat().st_size / 1e6:.1f} MB" for b in books)


@step("limits-ten-year-book", "≤ 1 s")
def limits_ten_year_book() -> str:
    """The 10× county's ten years in one workbook (64,030 institution rows, 59,708 activities)."""
    return _refused(tenfold.FOLDER / "book-10x-2020-2029.xlsx")


@step("limits-million-rows", "≤ 1 s")
def limits_million_rows() -> str:
    return _refused(MILLION)


@step("limits-styles-bomb", "≤ 1 s")
def limits_styles_bomb() -> str:
    """60 KB of styles holding 3,000,000 <xf/> (was 60 s and 1.9 GB before a dry run said yes)."""
    return _refused(STYLES)


@step("limits-styles-64000", "≤ 2 s")
def limits_styles_64000() -> str:
    """Excel's ceiling of cell formats still imports: the plan's time, with the styles read."""
    from reports.excel.importer import plan_import

    if not STYLES_MAX.exists():
        return "run the limits-prepare step first"
    with _limits_county() as county:
        took = []
        for _ in range(3):
            start = time.perf_counter()
            plan = plan_import(county, STYLES_MAX, year=2024)
            took.append(time.perf_counter() - start)
    return (f"planned in {_median(took):.2f} s ({STYLES_MAX.stat().st_size / 1e6:.1f} MB "
            f"packed): {plan.summary_text().splitlines()[0]}")


@step("snapshot-vs-backup-10x", "(compare)")
def snapshot_vs_backup_10x() -> str:
    """另存副本 (backup API, fsync, integrity check, rename) against `sqlite3 .backup`."""
    from db.exchange import snapshot

    source = tenfold.build(10)
    ours_dest, floor_dest = WORK / "snapshot-10x.tcmcounty", WORK / "floor-10x.tcmcounty"

    def ours() -> float:
        with CountyFile.open(source, daily_backup=False) as county:
            start = time.perf_counter()
            snapshot(county, ours_dest)
            return time.perf_counter() - start

    def floor() -> float:
        floor_dest.unlink(missing_ok=True)
        start = time.perf_counter()
        subprocess.run(["sqlite3", str(source), f".backup {floor_dest}"], check=True)
        return time.perf_counter() - start

    mine, theirs = _in_turn(ours, floor, 3)
    return f"snapshot {mine:.2f} s, sqlite3 .backup {theirs:.2f} s: ratio {mine / theirs:.1f}"


@step("report-vs-libreoffice-10x", "(compare)")
def report_vs_libreoffice_10x() -> str:
    """The 10× county's report of its last year with activities, against LibreOffice turning
    that year's export-excel workbook into a PDF (what a clerk would otherwise print)."""
    import shutil

    from reports.excel.export import export_workbook

    source = tenfold.build(10)
    out = WORK / "report-10x.pdf"
    with CountyFile.open(source, daily_backup=False) as county:
        start = time.perf_counter()
        write_report(county, TENFOLD_YEAR, out)
        report = time.perf_counter() - start
        book = WORK / f"export-10x-{TENFOLD_YEAR}.xlsx"
        export_workbook(county, TENFOLD_YEAR, book)
    pages = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=False)
    count = next((ln.split()[-1] for ln in pages.stdout.splitlines() if ln.startswith("Pages")),
                 "?")
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        return f"report {report:.1f} s, {count} pages; LibreOffice not installed"
    out_dir = WORK / "libreoffice-10x"
    out_dir.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    done = subprocess.run([office, f"-env:UserInstallation={LO_PROFILE.as_uri()}", "--headless",
                           "--convert-to", "pdf", "--outdir", str(out_dir), str(book)],
                          capture_output=True, text=True, check=False, timeout=1800)
    converted = time.perf_counter() - start
    if done.returncode != 0:
        return f"report {report:.1f} s, {count} pages; LibreOffice failed"
    return (f"report {report:.1f} s, {count} pages; LibreOffice {converted:.1f} s: "
            f"ratio {converted / report:.1f}")


def _measure(name: str) -> dict[str, object]:
    os.environ.setdefault("TCMCOUNTY_HOME", str(WORK / "home"))
    _, func = STEPS[name]
    start = time.perf_counter()
    note = func()
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"seconds": seconds, "peak_mb": peak_kb / 1024, "note": note}


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "--child":
        print(json.dumps(_measure(argv[1]), ensure_ascii=False), flush=True)
        # Out at once: after thousands of Qt paints, PySide6 6.12's None refcount slip (issue 22)
        # can abort the interpreter's own shutdown, which is no part of any measurement.
        os._exit(0)
    names = argv or list(STEPS)
    print(f"{'step':<24}{'seconds':>9}{'peak MB':>9}  {'budget':<14}note")
    for name in names:
        out = subprocess.run([sys.executable, __file__, "--child", name], capture_output=True,
                             text=True, check=True, cwd=ROOT)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        budget = STEPS[name][0]
        print(f"{name:<24}{r['seconds']:>9.3f}{r['peak_mb']:>9.0f}  {budget:<14}{r['note']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
