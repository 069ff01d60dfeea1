"""导出佐证材料 as a reviewer walks it: under each 条目's folder every file that earns or supports
the item that year (its own, its creation tasks', the activities its indicator counts), one year
per binder, exactly the files that year's report lists."""

from __future__ import annotations

import csv
import datetime as _dt
from pathlib import Path

import pytest

from db.county import CountyFile
from db.demo import write_demo
from reports.judge import standard as standards
from reports.judge.facts import load_documents
from reports.judge.scoring import document_files
from reports.pdf.data import gather
from reports.plan.evidence import ALSO_NAME, INDEX_NAME, export_evidence

G = "01 一、组织管理与政策保障"
D = "04 四、中医药文化建设与群众满意"
MEETING = f"{G}/02 一（一）2 建立中医药工作联席会议制度（跨部门协调机制），定期研究解决中…"
PLAN = f"{G}/03 一（一）3 制定创建工作计划，基层中医药工作年度有计划、有部署、有检查…"
FUNDS = f"{G}/05 一（二）1 建立持续稳定的中医药发展多元投入机制和基层中医药工作经费保障…"
TALENT = f"{G}/06 一（二）2 制定支持引进和培养中医药人才的政策，落实基层中医师职称晋升…"
AV = f"{D}/04 四（一）4 中医药音像资料种类"
LECTURE = f"{D}/05 四（一）5 中医药健康知识讲座"
SHARE = f"{D}/06 四（一）6 健康教育中医药内容占比"
AUDIENCE = f"{D}/07 四（一）7 健康教育受众中医药占比"
SCHOOLS = f"{D}/10 四（二）3 中医药文化进校园活动"


@pytest.fixture
def demo(tmp_path: Path):
    with CountyFile.open(write_demo(tmp_path / "青河县.tcmcounty"), daily_backup=False) as c:
        yield c


def _task(county: CountyFile, number: str) -> str:
    return next(t["id"] for t in county.rows("task") if t["number"] == number)


def _centre(county: CountyFile) -> dict:
    return county.rows("institution", "type = 'township_hc'", order="name")[0]


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
            if p.is_file() and p.name not in (INDEX_NAME, ALSO_NAME)}


def _index(root: Path) -> list[dict[str, str]]:
    with open(root / INDEX_NAME, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _listed(root: Path, folder: str) -> list[str]:
    """The places the note in `folder` names for files stored under another item."""
    note = root / folder / ALSO_NAME
    if not note.exists():
        return []
    return [line.strip() for line in note.read_text(encoding="utf-8-sig").splitlines()
            if line.startswith("   ")]


def _under(root: Path, folder: str) -> set[str]:
    """What a reviewer finds for the item of `folder`: files stored there and files it names."""
    stored = {p for p in _files(root) if p.startswith(folder + "/")}
    return stored | set(_listed(root, folder))


def test_a_task_that_proves_a_governance_item_files_its_evidence_under_that_item(
        demo: CountyFile, tmp_path: Path) -> None:
    """What the clerk found: the minutes of task 2 earn 一（一）2's points, and a plan attached to
    task 3 一（一）3's, so their 条目 folders hold them (not only 创建任务/02 …)."""
    demo.add_evidence("创建工作计划.pdf", b"%PDF plan", owner_table="task",
                      owner_id=_task(demo, "3"))
    out = export_evidence(demo, tmp_path / "binder", year=2024)
    files = _files(out)
    assert files[f"{MEETING}/中医药工作联席会议纪要（2023年第1次）.txt"].startswith("青河县".encode())
    assert files[f"{PLAN}/创建工作计划.pdf"] == b"%PDF plan"
    assert not any(p.startswith("创建任务/") for p in files)  # stored once, under the item
    rows = {r["原文件名"]: r for r in _index(out)}
    plan = rows["创建工作计划.pdf"]
    assert plan["所属指标/任务/活动"] == "任务 3 制定创建全国基层中医药工作示范县工作计划"
    assert plan["支持的评分条目"] == "一（一）3 制定创建工作计划，基层中医药工作年度有计划、有部署、有检查、有考核、有总结"
    assert plan["位置"] == f"{PLAN}/创建工作计划.pdf"


def test_every_governance_item_holds_the_files_it_is_scored_on(demo: CountyFile,
                                                              tmp_path: Path) -> None:
    """The binder and the score read the same tasks: under each governance item a reviewer finds
    as many files as 总览's 佐证 column counts for it (scoring.document_files)."""
    demo.add_evidence("创建工作计划.pdf", b"plan", owner_table="task", owner_id=_task(demo, "3"))
    demo.add_evidence("规划纲要.pdf", b"g01", owner_table="indicator", indicator_id="G01",
                      year=2024)
    demo.add_evidence("2023年规划.pdf", b"g01 2023", owner_table="indicator", indicator_id="G01",
                      year=2023)
    out = export_evidence(demo, tmp_path / "binder", year=2024)
    std, docs = standards.for_county(demo), load_documents(demo)
    folders = {p.name.split(" ")[1]: p.relative_to(out).as_posix()
               for p in (out / G).iterdir()} if (out / G).exists() else {}
    checked = 0
    for item in std.items:
        if item.by != "document":
            continue
        found = _under(out, folders[item.code]) if item.code in folders else set()
        assert len(found) == document_files(item, docs, 2024), item.code
        checked += bool(found)
    assert checked == 3  # 一（一）1 (its own, 2024's only), 一（一）2 and 一（一）3 (their tasks')


def test_a_file_supporting_two_items_is_stored_once_and_named_in_the_other(
        county: CountyFile, tmp_path: Path) -> None:
    """A task judged for two items (投入 and 人才): one copy, under the first in the standard's
    order; the other item's folder names it and where it is; the index gives both 条目."""
    task = county.insert("task", {"number": "7", "text": "落实中医药人才政策，保障基层中医药工作经费投入",
                                  "status": "已完成"})
    county.add_evidence("人才与经费文件.pdf", b"x" * 1000, owner_table="task", owner_id=task)
    out = export_evidence(county, tmp_path / "binder", year=2024)
    assert _files(out) == {f"{FUNDS}/人才与经费文件.pdf": b"x" * 1000}
    assert _listed(out, TALENT) == [f"{FUNDS}/人才与经费文件.pdf"]
    assert (out / _listed(out, TALENT)[0]).is_file()
    note = (out / TALENT / ALSO_NAME).read_bytes()  # as Notepad reads it: a BOM, CRLF lines
    assert note.decode("utf-8-sig").startswith("一（二）2 制定支持引进和培养中医药人才的政策")
    assert note.startswith(b"\xef\xbb\xbf") and b"\r\n" in note and b"\n\n" not in note
    [row] = _index(out)
    assert row["支持的评分条目"].split("；")[0].startswith("一（二）1 建立持续稳定的中医药发展多元投入机制")
    assert row["支持的评分条目"].split("；")[1].startswith("一（二）2 制定支持引进和培养中医药人才")
    assert row["同时列于（条目文件夹）"] == TALENT
    # nothing copied: the binder is the file's size and the two notes' and the index's
    assert sum(p.stat().st_size for p in out.rglob("*.pdf")) == 1000


def test_activity_photos_are_under_the_items_that_count_the_activity(
        county: CountyFile, tmp_path: Path) -> None:
    centre = county.insert("institution", {"name": "平场镇卫生院", "type": "township_hc"})
    hospital = county.insert("institution", {"name": "青河县中医医院",
                                             "type": "county_tcm_hospital"})
    closed = county.insert("institution", {"name": "旧镇卫生院", "type": "township_hc",
                                           "active_to": 2023})

    def photo(inst: str, kind: str, title: str, name: str, *, tcm: int = 1,
              people: int | None = 100, date: str = "2024-12-29") -> None:
        act = county.insert("activity", {"institution_id": inst, "date": date, "kind": kind,
                                         "title": title, "people": people, "tcm_content": tcm})
        county.add_evidence(name, name.encode(), owner_table="activity", owner_id=act, year=2024)

    photo(centre, "音像资料", "中医养生大讲堂", "大讲堂.png")
    photo(hospital, "进校园", "中医药进校园", "进校园.jpg")
    photo(centre, "健康讲座", "高血压防治", "非中医讲座.jpg", tcm=0)
    photo(closed, "健康讲座", "春季养生", "撤并机构.jpg")
    # entered twice: the photo is on the second copy, which counts as the first
    photo(centre, "健康讲座", "冬病夏治", "冬病夏治1.jpg", date="2024-07-01")
    photo(centre, "健康讲座", "冬病夏治 ", "冬病夏治2.jpg", date="2024-07-01")
    out = export_evidence(county, tmp_path / "binder", year=2024)
    files = set(_files(out))
    assert f"{AV}/2024-12-29 平场镇卫生院 中医养生大讲堂/大讲堂.png" in files
    assert f"{SCHOOLS}/2024-12-29 青河县中医医院 中医药进校园/进校园.jpg" in files
    assert f"{LECTURE}/2024-07-01 平场镇卫生院 冬病夏治/冬病夏治2.jpg" in files
    # A non-TCM lecture earns nothing, nor an activity of an institution closed before the year:
    # they stay in the binder (the report lists them), after the standard's sections.
    assert "文化宣传活动/2024-12-29 平场镇卫生院 高血压防治/非中医讲座.jpg" in files
    assert "文化宣传活动/2024-12-29 旧镇卫生院 春季养生/撤并机构.jpg" in files
    # the shares every TCM activity of a centre adds to name the photos stored under 讲座 etc.
    assert f"{AV}/2024-12-29 平场镇卫生院 中医养生大讲堂/大讲堂.png" in _listed(out, SHARE)
    assert f"{AV}/2024-12-29 平场镇卫生院 中医养生大讲堂/大讲堂.png" in _listed(out, AUDIENCE)
    assert len(_listed(out, SHARE)) == 3  # 大讲堂 and both 冬病夏治 copies: not the hospital's
    rows = {r["原文件名"]: r for r in _index(out)}
    assert rows["大讲堂.png"]["支持的评分条目"] == (
        "四（一）4 中医药音像资料种类；四（一）6 健康教育中医药内容占比；四（一）7 健康教育受众中医药占比")
    assert rows["非中医讲座.jpg"]["支持的评分条目"] == ""


def test_the_same_document_on_a_task_and_on_its_item_is_stored_once(county: CountyFile,
                                                                  tmp_path: Path) -> None:
    task = county.insert("task", {"number": "3", "text": "制定创建全国基层中医药工作示范县工作计划"})
    county.add_evidence("计划.pdf", b"plan", owner_table="task", owner_id=task)
    county.add_evidence("计划.pdf", b"plan", owner_table="indicator", indicator_id="G03", year=2024)
    out = export_evidence(county, tmp_path / "binder", year=2024)
    assert _files(out) == {f"{PLAN}/计划.pdf": b"plan"}
    assert [r["位置"] for r in _index(out)] == [f"{PLAN}/计划.pdf"] * 2  # each listed, one file


@pytest.fixture
def two_years(demo: CountyFile) -> CountyFile:
    """The demo county with evidence in 2023 and 2024: items', activities', a task's, and a
    document attached to an item for no particular year."""
    centre = _centre(demo)["id"]
    for year in (2023, 2024):
        act = demo.insert("activity", {"institution_id": centre, "date": f"{year}-10-08",
                                       "kind": "音像资料", "title": f"{year}年重阳养生片",
                                       "people": 60})
        demo.add_evidence(f"{year}年播放照片.jpg", b"jpg", owner_table="activity",
                          owner_id=act, year=year)
        demo.add_evidence(f"{year}年满意度调查.pdf", b"d10", owner_table="indicator",
                          indicator_id="D10", year=year)
    demo.add_evidence("医联体章程.pdf", b"b8", owner_table="indicator", indicator_id="B8")
    demo.add_evidence("创建工作计划.pdf", b"plan", owner_table="task", owner_id=_task(demo, "3"))
    return demo


def _same_as_report(county: CountyFile, year: int, out: Path) -> list[dict[str, str]]:
    """The binder's index, checked against the year's report's 佐证材料目录, row by row."""
    report = gather(county, year, None, _dt.date(2025, 1, 20), lambda _step: None).evidence
    index = _index(out)
    assert [(r["所属指标/任务/活动"], r["原文件名"]) for r in index] == \
        [(e.label, e.filename) for e in report]
    assert len(_files(out)) == len(index)  # no content twice here: one file each
    return index


@pytest.mark.parametrize(("year", "count"), [(2023, 1), (2024, 3)])
def test_the_demo_countys_binder_is_what_its_report_lists(demo: CountyFile, tmp_path: Path,
                                                          year: int, count: int) -> None:
    out = export_evidence(demo, tmp_path / f"青河县佐证材料（{year}年）", year=year)
    assert len(_same_as_report(demo, year, out)) == count  # 2023: the minutes of task 2 only


@pytest.mark.parametrize("year", [2023, 2024])
def test_the_binder_holds_exactly_what_the_years_report_lists(two_years: CountyFile,
                                                              tmp_path: Path, year: int) -> None:
    out = export_evidence(two_years, tmp_path / f"青河县佐证材料（{year}年）", year=year)
    index = _same_as_report(two_years, year, out)
    names = {r["原文件名"] for r in index}
    other = 2024 if year == 2023 else 2023
    assert {f"{year}年播放照片.jpg", f"{year}年满意度调查.pdf", "医联体章程.pdf", "创建工作计划.pdf",
            "中医药工作联席会议纪要（2023年第1次）.txt"} <= names
    assert not any(str(other) in n and "联席会议" not in n for n in names), names
    assert all(r["年度"] in ("", str(year)) for r in index)


def test_a_year_without_evidence_says_which_year(county: CountyFile, tmp_path: Path) -> None:
    from db.errors import KnownError

    county.add_evidence("满意度.pdf", b"d10", owner_table="indicator", indicator_id="D10",
                        year=2024)
    with pytest.raises(KnownError, match="还没有 2023 年度的佐证材料"):
        export_evidence(county, tmp_path / "binder", year=2023)
    assert not (tmp_path / "binder").exists()


def test_a_mock_reviews_site_photos_are_filed_as_such_by_institution(demo: CountyFile,
                                                                    tmp_path: Path) -> None:
    """A photo taken at a 模拟评审's site visit is the county's own rehearsal, not evidence an item
    is scored on: it goes under 模拟评审现场照片/<institution> and the index names the institution
    and the item it was taken for (it was filed under 其他 as "其他"); another year's review's
    photos stay out of this year's binder."""
    from reports.judge import review as rv

    centre = _centre(demo)
    rid = rv.create_review(demo, 2024, seed=7)
    item = standards.for_county(demo).item("A1") or standards.for_county(demo).for_indicator("A1")
    assert item is not None
    rv.add_photo(demo, rid, centre["id"], item.id, "中医馆门口.jpg", b"jpg", 2024)
    old = rv.create_review(demo, 2023, seed=8)
    rv.add_photo(demo, old, centre["id"], item.id, "去年.jpg", b"old", 2023)
    out = export_evidence(demo, tmp_path / "binder", year=2024)
    files = _files(out)
    assert files[f"模拟评审现场照片/{centre['name']}/中医馆门口.jpg"] == b"jpg"
    assert not any(p.endswith("去年.jpg") for p in files)
    row = next(r for r in _index(out) if r["原文件名"] == "中医馆门口.jpg")
    assert row["所属指标/任务/活动"] == f"模拟评审现场照片：{centre['name']} {item.code} {item.text}"
