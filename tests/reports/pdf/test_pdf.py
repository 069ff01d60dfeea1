"""The printed self-evaluation report, checked through real PDF tools (poppler's pdffonts,
pdftotext, pdfinfo) the way a reviewer's PC would read it: fonts, words, numbers, pages, files."""

from __future__ import annotations

import datetime as _dt
import os
from pathlib import Path
import re
import shutil
import subprocess

import pytest

from db.county import CountyFile
from db.demo import write_demo
from db.errors import FileBusy, KnownError
from desktop.cli import main
from reports.judge.evaluation import evaluate
from reports.judge.results import Evaluation
from reports.judge.wording import status_text
from reports.pdf import layout, sections
from reports.pdf import report as pdf
from reports.pdf.report import write_report
from reports.pdf.sections import shown
from tests.crafted import raw as raw_sql

TOOLS = ("pdffonts", "pdftotext", "pdfinfo")
# Every module that reads the PDFs back with poppler's tools: skipped, saying why, without them.
NEEDS_POPPLER = pytest.mark.skipif(
    any(shutil.which(t) is None for t in TOOLS),
    reason="poppler-utils (pdffonts, pdftotext, pdfinfo) not installed; CI installs them")
pytestmark = NEEDS_POPPLER

YEAR = 2024
TODAY = _dt.date(2025, 1, 20)
MACHINE = "0" * 32  # module-scoped fixtures run outside the per-test data folder


def run(*args: str | Path) -> str:
    done = subprocess.run([str(a) for a in args], capture_output=True, text=True,
                          encoding="utf-8", check=True)
    return done.stdout


def text_of(path: Path, *pages: int) -> str:
    """pdftotext -layout: table rows come out as lines, so a row's cells can be checked together."""
    span = ["-f", str(pages[0]), "-l", str(pages[-1])] if pages else []
    return run("pdftotext", "-layout", *span, path, "-")


def flat_text(path: Path, first: int = 1) -> str:
    """The text in drawing order with all spaces and line breaks removed: a name or sentence
    that wraps inside a cell or paragraph is whole again."""
    return re.sub(r"\s+", "", run("pdftotext", "-raw", "-f", str(first), path, "-"))


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def page_count(path: Path) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", run("pdfinfo", path), re.M).group(1))


def line_with(text: str, *parts: str, around: int = 0) -> str | None:
    """The first line holding every part in order; with `around`, that many lines either side
    count too (a cell that wraps is centred against the one-line cells of its row)."""
    lines = text.splitlines()
    for i in range(len(lines)):
        line = " ".join(lines[max(i - around, 0):i + around + 1]) if around else lines[i]
        at = 0
        for part in parts:
            at = line.find(part, at)
            if at < 0:
                break
            at += len(part)
        else:
            return line
    return None


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_demo(tmp_path_factory.mktemp("demo") / "small.tcmcounty", "small")


@pytest.fixture(scope="module")
def evaluation(small: Path) -> Evaluation:
    with CountyFile.open(small, machine=MACHINE) as county:
        return evaluate(county, YEAR, today=TODAY)


@pytest.fixture(scope="module")
def report(small: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out") / "自评报告.pdf"
    with CountyFile.open(small, machine=MACHINE) as county:
        assert write_report(county, YEAR, out, today=TODAY) == out
    return out


FRONT = 2  # the cover and the contents come before the body


@pytest.fixture(scope="module")
def front(report: Path) -> str:
    """The cover and the contents list."""
    return text_of(report, 1, FRONT)


@pytest.fixture(scope="module")
def text(report: Path) -> str:
    """The body, 一、总体情况 onwards (the contents list names the same headings)."""
    return text_of(report, FRONT + 1, page_count(report))


@pytest.fixture(scope="module")
def raw(report: Path) -> str:
    return flat_text(report, FRONT + 1)


def ref(r) -> str:
    """An indicator as the report names it: the standard's item number and its text."""
    from reports.judge.standard import shipped

    item = shipped().for_indicator(r.id)
    return f"{item.code} {item.text}" if item else f"{r.name}（本县指标）"


def after(text: str, heading: str) -> str:
    assert heading in text, heading
    return text[text.index(heading):]


# ---- fonts and pages ----------------------------------------------------------------------------

def test_chinese_font_is_embedded_as_a_subset(report: Path) -> None:
    lines = run("pdffonts", report).splitlines()[2:]
    assert lines, "no fonts listed"
    for line in lines:
        name, *_, emb, sub, uni, _obj, _gen = line.split()
        assert re.fullmatch(r"[A-Z]{6}\+WenQuanYi\S*", name), line
        assert (emb, sub, uni) == ("yes", "yes", "yes"), line


def test_every_page_has_the_header_and_page_x_of_y(report: Path) -> None:
    total = page_count(report)
    assert 5 <= total <= 24
    cover = [ln for ln in text_of(report, 1).splitlines() if ln.strip()]
    assert not any("第" in ln and "页" in ln for ln in cover), "the cover carries no number"
    for page in range(2, total + 1):
        lines = [ln for ln in text_of(report, page).splitlines() if ln.strip()]
        assert "青河县创建全国基层中医药工作示范县自评报告" in lines[0] and "2024年度" in lines[0]
        # Numbered from the page after the cover.
        assert re.fullmatch(rf"\s*第\s*{page - 1}\s*页\s*共\s*{total - 1}\s*页\s*", lines[-1]), \
            lines[-1]


def test_title_in_official_form(report: Path, front: str, text: str) -> None:
    cover = flat(text_of(report, 1))
    assert "青河县创建全国基层中医药工作示范县自评报告（2024年度）" in cover
    assert "报送单位：青河县卫生健康局" in cover and "（单位盖章）" in cover
    assert "报告日期：2025年1月20日" in cover
    info = run("pdfinfo", report)
    assert "青河县创建全国基层中医药工作示范县自评报告（2024年度）" in info
    contents = flat(text_of(report, 2))
    assert contents.startswith("青河县") and "目录" in contents
    # Part 三 follows the standard's sections in its order and numbers (（二）服务网络 is its 二).
    part = flat(after(text, "三、对照建设标准逐项自评"))
    sections = ["（一）组织管理与政策保障", "（二）服务网络", "（三）服务能力与人员配备",
                "（四）中医药文化建设与群众满意", "四、创建任务进展"]
    assert [part.index(s) for s in sections] == sorted(part.index(s) for s in sections)
    for heading in ("一、总体情况", "二、指标达成情况", "三、对照建设标准逐项自评", "四、创建任务进展",
                    "五、存在问题及整改清单"):
        assert heading in text
        # The contents list gives the page the part starts on, as the footers number pages.
        listed = re.search(re.escape(heading) + r"[^·]*·+(\d+)", contents)
        assert listed is not None, heading
        page = int(listed.group(1))
        assert heading in flat(text_of(report, page + 1)), (heading, page)


# ---- what the pages say ---------------------------------------------------------------------

def test_indicator_table_shows_each_value_last_year_and_status(text: str,
                                                               evaluation: Evaluation) -> None:
    from reports.judge.standard import shipped

    table = after(text, "（一）指标一览")
    for r in evaluation.results:
        # Each row is the standard's item: its number, its words (wrapped) and the figures.
        code = shipped().for_indicator(r.id).code
        row = line_with(table, code, shown(r.kind, r.value, r.marks),
                        shown(r.kind, r.previous_value, r.marks), status_text(r))
        assert row is not None, f"row of {r.id} not found with its figures"
    # In the standard's words, never the program's indicator names: 中药房、煎药室 (its text).
    assert "县级综合医院、妇幼保健院设置中药房、煎药室" in table
    assert "综合医院、妇幼保健院中药房" not in table


def test_summary_counts_agree_with_the_overview_and_add_up(small: Path, text: str,
                                                         evaluation: Evaluation) -> None:
    """One set of counts with 总览 (the same tally), each part adding up to its total."""
    from reports.judge import tally
    from reports.judge.standard import shipped

    lines = tally.lines(evaluation, shipped())
    summary = flat(text[:text.index("二、指标达成情况")])
    assert flat(tally.counts_text(lines)) in summary
    every, of_indicators, statistics = tally.counts_text(lines).split("；")
    # The standard's 0-point items (只统计，不计分) are said apart, never among the 评分项.
    scored = [r for r in evaluation.results if not r.statistic]
    apart = sum(1 for x in lines if x.status == "不计分")
    assert apart == len(evaluation.results) - len(scored) >= 5
    assert statistics == f"另有统计项 {apart} 项（不计分）"
    for part, total in ((every, len(lines) - apart), (of_indicators, len(scored))):
        assert sum(int(n) for n in re.findall(r" (\d+) 项", part.split("：")[1])) == total
    assert f"按指标计算的 {len(scored)} 项" in of_indicators
    assert "2023年度" in summary
    # The table beside it counts the same indicators, with a 合计 row.
    assert line_with(text, "合计", str(len(scored)), str(len(scored)))


def test_every_failing_institution_is_named_with_its_gap(text: str,
                                                         evaluation: Evaluation) -> None:
    named = 0
    for r in evaluation.results:
        for f in r.failing:
            if r.id in sections.IN_TABLE or r.statistic:
                continue  # shown in the staffing table or the activity matrix, tested below
            assert line_with(text, f.institution, f.gap), (r.id, f.institution, f.gap)
            named += 1
    assert named >= 5, "the demo county should have failing institutions to show"


def test_staffing_table_gives_each_centres_tcm_share(small: Path, text: str,
                                                     evaluation: Evaluation) -> None:
    staffing = after(text, "基层医疗卫生机构中医类别医师配备")
    with CountyFile.open(small, machine=MACHINE) as county:
        rows = county.query("""
            SELECT i.name, y.physicians, y.tcm_physicians FROM institution i
            JOIN institution_year y ON y.institution_id = i.id AND y.year = ?
            WHERE i.type IN ('chc', 'township_hc')""", (YEAR,))
    assert len(rows) == 12
    for row in rows:
        share = f"{row['tcm_physicians'] / row['physicians'] * 100:.1f}%"
        assert line_with(staffing, row["name"], str(row["physicians"]), share), row["name"]
    c2 = evaluation.result("C7")  # the national profile: pooled, each centre below it named
    assert c2 is not None and c2.failing
    for f in c2.failing:
        assert line_with(staffing, f.institution, f"{f.value * 100:.1f}%"), f.institution
        assert line_with(staffing, "低于 25%", f.institution, around=1), f.institution
    assert "25% 标准线" in staffing  # the chart's line, at the profile's threshold


def test_activity_matrix_shows_counts_and_shortfalls(text: str, evaluation: Evaluation) -> None:
    matrix = after(text, "宣传与健康教育活动开展情况")
    shortfalls = 0
    for ind_id in ("D1", "D2", "D3", "D4", "D5"):
        r = evaluation.result(ind_id)
        assert r is not None
        minimum = {"D1": 4, "D2": 5, "D3": 6, "D4": 3, "D5": 6}[ind_id]  # the baseline profile
        for f in r.failing:
            assert line_with(matrix, f.institution, f"{f.value}（差{minimum - f.value}）"), f
            shortfalls += 1
    assert shortfalls >= 1
    assert matrix.count("（差") == shortfalls, "the matrix and D1–D5 disagree"


def test_tasks_and_rectification_list(text: str, raw: str, evaluation: Evaluation) -> None:
    tasks = after(text, "四、创建任务进展")
    assert f"逾期未完成{evaluation.tasks.overdue}项" in flat(tasks)
    assert "制定引进和培养中医药人才政策" in tasks  # 已延期 in the demo
    assert "（逾期）" in tasks
    fix = after(raw, "五、存在问题及整改清单")
    unmet = [r for r in evaluation.results if r.met is False and not r.statistic]
    assert unmet
    for r in unmet:
        assert flat(ref(r)) in fix, r.id
        if r.gap:
            assert flat(r.gap) in fix, r.id
        for f in r.failing:
            assert f.institution in fix, (r.id, f.institution)
    for word in ("填报人", "审核人", "单位（盖章）", "日期"):
        assert word in fix


def test_a_zero_point_item_is_never_said_to_fail_nor_listed_for_rectification(
        text: str, raw: str, evaluation: Evaluation) -> None:
    """二（三）4 and the other items the standard gives 0 points (只统计，不计分): shown with their
    value and 不计分, never beside 未达标 (in a row or a sentence), never a 整改 line, and their
    institutions never listed as 未达到要求."""
    from reports.judge.standard import shipped

    statistics = [r for r in evaluation.results if r.statistic]
    assert {r.id for r in statistics} >= {"A4", "A8", "A9", "D8", "D9"}
    codes = {shipped().for_indicator(r.id).code for r in statistics}
    # A table row is one line; prose is read sentence by sentence (its lines wrap anywhere).
    for line in text.splitlines():
        for part in re.split(r"[。；]", line):
            if any(code in part for code in codes):
                assert "未达标" not in part, line
    # A sentence listing what fails, however its lines wrap.
    for listed in re.findall(r"未达标的是：(.*?)。", raw):
        assert not any(code in listed for code in codes), listed
    fix = after(raw, "五、存在问题及整改清单")
    assert not any(code in fix for code in codes)
    a4 = evaluation.result("A4")
    assert line_with(after(text, "（一）指标一览"), "二（三）4", "≥ 100%",
                     shown(a4.kind, a4.value, a4.marks), "不计分")
    # Its seven clinics are not listed under 未达到要求的机构 (二（三）2 is a statistic too).
    for f in a4.failing:
        assert f.institution not in fix
        assert not line_with(text, f.institution, "需配备中医药服务场所和设备")


def test_the_hall_table_says_which_upgraded_hall_the_standard_does_not_count(
        raw: str, evaluation: Evaluation) -> None:
    """中医馆提档升级 9 (typed) beside 二（二）3's 8: the report names the one typed and not
    counted, and why, so a reader need not infer it."""
    a10 = evaluation.result("A10")
    assert a10 is not None and a10.numerator == 8
    halls = after(raw, "中医馆、中医阁建设情况")
    assert "中医馆提档升级975.0%" in halls  # the typed count, as the table gives it
    assert flat("其中 1 家填报为提档升级，但不符合建设标准 二（二）3 的提档升级条件，未计入该项"
                "（该项计入 8 家，占 66.7%）：平场镇卫生院（中医类别医师占比 22.6%，低于 25%，"
                "还需 1 名中医类别医师）。") in halls


def test_the_checks_appendix_speaks_to_a_reviewer(raw: str) -> None:
    """What was checked, how many of each kind are still open, and where the whole list is kept:
    never an instruction about a sheet a reviewer does not have."""
    from reports.judge.checks import KINDS

    appendix = after(raw, "数据核查情况")
    assert flat("逐家进行了核查，核查内容共 10 类：与上年相比变化异常") in appendix
    assert "由县卫生健康局留存" in appendix and "评审时可备查" in appendix
    assert "的清单见本年度数据导出" not in appendix
    for label in KINDS.values():  # every kind checked is counted, 0 where nothing is open
        assert flat(label) in appendix
    assert "中医馆达标情况倒退0" in appendix


def test_phases_and_the_evidence_index(text: str) -> None:
    tasks = flat(after(text, "四、创建任务进展"))
    assert flat("准备阶段（2023年5月1日至2023年6月30日）") in tasks
    assert flat("（三）佐证材料目录") in tasks and flat("佐证材料共3份") in tasks
    for document in ("2024年群众中医药服务满意度调查报告.txt", "中医药工作联席会议纪要"):
        assert flat(document) in tasks
    assert flat("四（三）1群众中医药服务满意率") in tasks  # the standard's 条目, not D10


def test_trend_chart_and_table_cover_each_year(small: Path, text: str) -> None:
    trend = after(text, "主要指标历年变化")
    assert "图1 主要指标2022—2024年变化" in trend
    with CountyFile.open(small) as county:
        values = [evaluate(county, y, today=TODAY).result("A2") for y in (2022, 2023, 2024)]
    assert line_with(trend, "二（二）2 社区卫生服务中心、乡镇卫生院中医馆达到标准", around=1,
                     *[shown("share", r.value) for r in values if r])


# ---- same data, same bytes ----------------------------------------------------------------------

def test_same_data_gives_the_same_bytes(small: Path, report: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.pdf"
    with CountyFile.open(small) as county:
        write_report(county, YEAR, again, today=TODAY)
    assert again.read_bytes() == report.read_bytes()


def test_dates_read_as_an_official_document_writes_them(report: Path, front: str,
                                                        text: str) -> None:
    """2025年1月20日 on the cover, in the text, the tables and the 落款, never 2025-01-20; and the
    file's own 创建日期 is the report's date, not reportlab's fixed 2000-01-01."""
    assert "报告日期：2025年1月20日" in flat(front)
    assert flat("截至2025年1月20日") in flat(text)
    closing = flat(text)[flat(text).index("填报人"):]
    assert closing.startswith(flat("填报人：审核人：联系电话：单位（盖章）：青河县卫生健康局"
                                   "日期：2025年1月20日"))
    assert flat("2024年12月31日") in flat(after(text, "（一）未完成的任务"))  # a task's 完成时限
    assert re.search(r"\d{4}-\d{1,2}-\d{1,2}", front + text) is None
    info = run("pdfinfo", report)
    assert re.search(r"^CreationDate:.*\b2025\b", info, re.M), info
    assert "2000" not in info and "2000" not in front + text


def test_command_line_writes_the_same_report_as_the_window(
        small: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cli.pdf"
    assert main(["report", str(small), "--year", str(YEAR), "-o", str(out)]) == 0
    assert "已生成自评报告" in capsys.readouterr().out
    direct = tmp_path / "direct.pdf"
    with CountyFile.open(small) as county:
        write_report(county, YEAR, direct)  # today, as the command line uses
    assert out.read_bytes() == direct.read_bytes()
    assert out.read_bytes().startswith(b"%PDF")


def test_progress_runs_from_0_to_total(small: Path, tmp_path: Path) -> None:
    seen: list[tuple[int, int, str]] = []
    with CountyFile.open(small) as county:
        write_report(county, YEAR, tmp_path / "p.pdf", today=TODAY,
                     progress=lambda done, total, msg: seen.append((done, total, msg)))
    done = [d for d, _, _ in seen]
    assert done[0] == 0 and done[-1] == seen[-1][1] == 100
    assert done == sorted(set(done)), "progress must only move forward"
    assert any(msg == "排版页面" for *_, msg in seen)


# ---- no data -----------------------------------------------------------------------------------

@pytest.mark.parametrize("year", [2019, 2030])
def test_year_without_data_says_no_data(small: Path, tmp_path: Path, year: int) -> None:
    out = tmp_path / "empty.pdf"
    with CountyFile.open(small) as county:
        write_report(county, year, out, today=TODAY)
    text = text_of(out)
    assert f"自评报告（{year}年度）" in flat(text)
    # Nothing of the year is 达标: every indicator waits for reports or has no data.
    assert re.search(r"按指标计算的\d+项：(待填报\d+项，)?无数据\d+项；另有统计项\d+项（不计分）。",
                     flat(text))
    assert "均无数据" in text
    assert page_count(out) >= 3


def test_empty_county_file_gives_a_report(tmp_path: Path) -> None:
    path = tmp_path / "新县.tcmcounty"
    CountyFile.create(path, "新县").close()
    out = tmp_path / "new.pdf"
    with CountyFile.open(path) as county:
        write_report(county, YEAR, out, today=TODAY)
    text = text_of(out)
    assert "新县创建全国基层中医药工作示范县" in text
    assert "文件中尚未录入创建任务" in text and "无数据" in text


# ---- files that cannot be written -------------------------------------------------------------

def _untouched(folder: Path, expected: set[str]) -> None:
    assert {p.name for p in folder.iterdir()} == expected, "a partial file was left behind"


def test_read_only_folder_is_refused_in_chinese(small: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "只读"
    folder.mkdir()
    folder.chmod(0o555)
    if os.access(folder, os.W_OK):  # root ignores permissions; make the OS refusal happen anyway
        def refuse(*args: object, **kwargs: object) -> None:
            raise PermissionError(13, "Permission denied")
        monkeypatch.setattr(pdf.tempfile, "mkstemp", refuse)
    try:
        assert main(["report", str(small), "--year", str(YEAR), "-o", str(folder / "r.pdf")]) == 3
        err = capsys.readouterr().err
        assert "没有权限写入文件夹" in err and err.count("\n") == 1
        _untouched(folder, set())
    finally:
        folder.chmod(0o755)


@pytest.mark.parametrize(("where", "why"), [("missing/r.pdf", "不存在"),
                                            ("a-file/r.pdf", "不是文件夹"),
                                            ("folder", "是一个文件夹")])
def test_impossible_destination_exits_3(small: Path, tmp_path: Path, where: str, why: str,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a-file").write_text("x")
    (tmp_path / "folder").mkdir()
    assert main(["report", str(small), "--year", str(YEAR), "-o", str(tmp_path / where)]) == 3
    err = capsys.readouterr().err
    assert why in err and err.count("\n") == 1
    _untouched(tmp_path, {"a-file", "folder"})
    assert not any((tmp_path / "folder").iterdir())


def test_bad_county_file_exits_3_and_writes_nothing(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "坏.tcmcounty"
    bad.write_bytes(b"not a county file")
    out = tmp_path / "r.pdf"
    assert main(["report", str(bad), "--year", str(YEAR), "-o", str(out)]) == 3
    err = capsys.readouterr().err
    assert "坏.tcmcounty" in err and err.count("\n") == 1
    _untouched(tmp_path, {"坏.tcmcounty"})


def test_failed_replace_keeps_the_previous_report(small: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """As on Windows when the old PDF is open in a reader: the old file stays, no part file."""
    out = tmp_path / "r.pdf"
    out.write_bytes(b"previous report")

    def busy(src: object, dst: object) -> None:
        raise PermissionError(13, "Permission denied")
    with CountyFile.open(small) as county:
        monkeypatch.setattr(pdf.os, "replace", busy)  # after opening: that may replace files too
        with pytest.raises(FileBusy) as caught:
            write_report(county, YEAR, out, today=TODAY)
        monkeypatch.undo()
    assert "正被其他程序使用" in str(caught.value)
    assert isinstance(caught.value, KnownError)
    assert out.read_bytes() == b"previous report"
    _untouched(tmp_path, {"r.pdf"})


# ---- a large county -----------------------------------------------------------------------------

@pytest.mark.slow
def test_large_county_lists_every_failing_institution(tmp_path: Path) -> None:
    """640 institutions, the earliest year (the longest failing lists): complete and paginated."""
    path = write_demo(tmp_path / "large.tcmcounty", "large")
    out = tmp_path / "large.pdf"
    with CountyFile.open(path) as county:
        write_report(county, 2020, out, today=TODAY)
        result = evaluate(county, 2020, today=TODAY)
    flat = flat_text(out)
    b3 = result.result("B3")
    assert b3 is not None and len(b3.failing) > sections.LONG_LIST
    for r in result.results:
        for f in r.failing:
            if not r.statistic:  # 0 points: no institution is said to fall short under it
                assert re.sub(r"\s+", "", f.institution) in flat, (r.id, f.institution)
    total = page_count(out)
    assert 10 <= total <= 40
    # The compact list of B3 runs over pages, its header repeated on each.
    header = f"未达到要求的机构（共{len(b3.failing)}家"
    assert flat.count(header) >= 2


def test_the_report_opens_with_the_score_and_cites_the_standard_never_our_numbering(
        text: str, evaluation: Evaluation) -> None:
    score = evaluation.score
    assert score is not None
    first_page = text.split("\f")[0]
    assert f"自评得分{score.total:g}分（满分{score.max:g}分，合格线{score.pass_mark:g}分）" in \
        flat(first_page)
    assert "必备项未达到" in flat(first_page)
    # One honest line on the basis of the score, under it; the standard's name never says
    # 待核对 itself.
    assert flat("评分依据：《全国基层中医药工作示范县建设标准（2022版）》。") in flat(first_page)
    assert "尚待对照正式文件核对" in flat(first_page)
    assert "待核对）" not in flat(text)
    table = after(text, "（一）指标一览")
    assert line_with(table, "二（二）1 社区卫生服务中心、乡镇卫生院全部设置中医馆") is not None
    # In running text an indicator is the standard's number and its words, never our id.
    assert flat("二（二）2 社区卫生服务中心、乡镇卫生院中医馆达到标准化建设要求") in flat(text)
    # (test_reader_words reads every page for them, the 佐证材料目录 too.)
    found = re.search(r"\b[A-D]\d{1,2} [\u4e00-\u9fff]", text)
    assert found is None, text[found.start():found.start() + 30]
    for word in ("种子", "seed", "基线", "000 四", "004 四"):
        assert word not in text, word
    # 整改清单 lists the 必备 failures before the indicators.
    rect = flat(after(text, "五、存在问题及整改清单"))
    assert rect.index("必备项未达到") < rect.index("项指标未达标")


def test_shipped_data_users_read_never_cite_our_seed_numbering() -> None:
    from resources import resource_path

    for folder in ("profiles", "tasks", "standards"):
        for path in resource_path(folder).glob("*.json"):
            body = path.read_text(encoding="utf-8")
            assert "种子文件" not in body and "基线" not in body, path.name
            assert not re.search(r"\b00[0-4][ -]", body), path.name
# ---- content bigger than a page -----------------------------------------------------------------

LONG_NAME = "青河县" + "".join(f"超长名称{i:03d}" for i in range(285))  # 1,998 characters


def _failing_centre(county: CountyFile, year: int) -> str:
    """A centre that some indicator lists as failing, so its name is printed in many places."""
    result = evaluate(county, year, today=TODAY)
    failing = {f.institution_id for r in result.results for f in r.failing}
    centre = county.query("SELECT id FROM institution WHERE type = 'township_hc' AND deleted = 0 "
                          "ORDER BY name")
    return next(c["id"] for c in centre if c["id"] in failing)


def test_a_2000_character_name_is_shortened_in_tables_and_whole_in_the_appendix(
        small: Path, tmp_path: Path) -> None:
    path = tmp_path / "长名称.tcmcounty"
    shutil.copy(small, path)
    out = tmp_path / "长名称.pdf"
    with CountyFile.open(path) as county:
        centre = _failing_centre(county, YEAR)
    # As a file written before names were limited to 100 characters may hold it.
    raw_sql(path, f"UPDATE institution SET name = '{LONG_NAME}' WHERE id = '{centre}'")
    with CountyFile.open(path) as county:
        write_report(county, YEAR, out, today=TODAY)
    text = flat_text(out)
    shortened = LONG_NAME[:layout.NAME_CHARS - 1] + "…"
    # In the staffing table, the activity matrix, the chart, the failing lists, the 整改清单.
    assert text.count(shortened) >= 3
    appendix = text[text.rindex("附件"):]
    assert "名称过长的机构" in appendix and LONG_NAME in appendix
    assert text.count(LONG_NAME) == 1
    with CountyFile.open(small) as county:
        write_report(county, YEAR, tmp_path / "plain.pdf", today=TODAY)
    assert page_count(out) <= page_count(tmp_path / "plain.pdf") + 2


def test_a_county_name_too_long_for_the_header_is_shortened_there(small: Path,
                                                                  tmp_path: Path) -> None:
    path = tmp_path / "长县名.tcmcounty"
    shutil.copy(small, path)
    out = tmp_path / "长县名.pdf"
    with CountyFile.open(path) as county:
        county.set_setting("county_name", "青河县" * 60)
        write_report(county, YEAR, out, today=TODAY)
    # The header line ends "…  2024年度" instead of running into the year and off the page.
    header = text_of(out, 2).splitlines()[0]
    assert re.fullmatch(r"(青河县)+青?河?…\s+2024年度", header.strip()), header
    assert "青河县" * 60 in flat_text(out)  # the title gives it whole


def test_a_task_text_longer_than_a_page_runs_onto_the_next(small: Path, tmp_path: Path) -> None:
    """Free text has no sensible place to cut: the row continues on the next page, whole."""
    path = tmp_path / "长任务.tcmcounty"
    shutil.copy(small, path)
    task_text = "".join(f"第{i}条：推进中医药服务能力提升工程。" for i in range(1, 301))
    out = tmp_path / "长任务.pdf"
    with CountyFile.open(path) as county:
        task = county.insert("task", {"number": "99", "text": "待补", "status": "推进中",
                                      "lead_unit": "县卫生健康局"})
    # As a file written before a task was limited to 2,000 characters may hold it.
    raw_sql(path, f"UPDATE task SET text = '{task_text}' WHERE id = '{task}'")
    with CountyFile.open(path) as county:
        write_report(county, YEAR, out, today=TODAY)
    # Every clause is printed, in order, on page after page under the repeated table header.
    text = flat_text(out)
    at = [text.find(f"第{i}条：") for i in range(1, 301)]
    assert -1 not in at and at == sorted(at)
    pages = [flat(text_of(out, p)) for p in range(1, page_count(out) + 1)]
    holding = [p for p in pages if "推进中医药服务能力提升工程" in p]
    assert len(holding) >= 4
    assert all("牵头单位（配合单位）" in p for p in holding)


def ten_fold(path: Path, year: int, copies: int = 9) -> Path:
    """The large demo county with every centre and station copied `copies` times into new
    townships: 6,400 institutions in 400 townships, as a city district's file would hold."""
    write_demo(path, "large")
    skip = {"id", "rev", "updated_at", "updated_by", "deleted"}
    with CountyFile.open(path) as county:
        insts = county.query("SELECT * FROM institution WHERE deleted = 0 AND type IN "
                             "('chc', 'township_hc', 'chs', 'village_clinic')")
        facts = {r["institution_id"]: r for r in county.rows("institution_year", "year = ?",
                                                              (year,))}
        for k in range(1, copies + 1):
            ids = {i["id"]: f"{k:02d}{i['id'][2:]}x" for i in insts}
            county.insert_many("institution", [
                {**{c: v for c, v in i.items() if c not in skip}, "id": ids[i["id"]],
                 "name": f"{i['name']}{k}分院", "code": None, "township": f"{i['township']}{k}片",
                 "parent_id": ids.get(i["parent_id"])} for i in insts])
            county.insert_many("institution_year", [
                {**{c: v for c, v in facts[i["id"]].items() if c not in skip},
                 "institution_id": ids[i["id"]]} for i in insts if i["id"] in facts])
    return path


@pytest.mark.slow
def test_a_ten_fold_county_prints_with_a_readable_rectification_list(tmp_path: Path) -> None:
    path = ten_fold(tmp_path / "十倍.tcmcounty", 2020)
    out = tmp_path / "十倍.pdf"
    with CountyFile.open(path) as county:
        assert county.count("institution") == 6403
        write_report(county, 2020, out, today=TODAY)
        a4 = evaluate(county, 2020, today=TODAY).result("B3")  # the longest scored list
        township = {i["id"]: i["township"] for i in county.rows("institution")}
    assert a4 is not None and len(a4.failing) > 1000
    towns = {township[f.institution_id] for f in a4.failing}
    text = flat_text(out)
    rectification = text[text.rindex("存在问题及整改清单"):]
    # The 整改清单 cell names the ten townships with the most to do, not all 400, and says
    # where the whole list is.
    cell = re.search(f"共{len(a4.failing)}家，涉及乡镇（街道）{len(towns)}个，较多的是(.*?)等。"
                     "名单及各家差距见本年度数据导出（Excel）的“未达标机构”工作表", rectification)
    assert cell is not None
    assert len(re.findall(r"\d+家", cell.group(1))) == sections.TOWNS_NAMED
    # The body gives counts by township, the most first, and names the sheet with every name:
    # the report's length follows what a reader needs, not the size of the county.
    assert f"共{len(a4.failing)}家，涉及乡镇（街道）{len(towns)}个。按差距分：" in text
    assert "逐家名单和差距见本年度数据导出（Excel）的“未达标机构”工作表" in text
    assert page_count(out) <= 80
