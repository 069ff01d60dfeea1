"""导出佐证材料: folders by the standard's sections and 条目; an index; nothing escapes."""

import csv
from pathlib import Path
import zipfile

import pytest

from db.county import CountyFile
from db.errors import KnownError
from reports.plan.evidence import INDEX_NAME, export_evidence, safe_name

NASTY = ['../../逃出去.txt', '..\\..\\windows.txt', 'a/b\\c:d*e?f"g<h>i|j.jpg', "..", "CON.txt",
         "照片.jpg", "照片.jpg"]


@pytest.fixture
def county(tmp_path: Path):
    c = CountyFile.create(tmp_path / "县.tcmcounty", "青河县")
    centre = c.insert("institution", {"name": "青石镇卫生院", "type": "township_hc"})
    act = c.insert("activity", {"institution_id": centre, "date": "2024-03-05",
                                "kind": "健康讲座", "title": "春季养肝/讲座"})
    task = c.insert("task", {"number": "2", "text": "建立中医药工作联席会议制度"})
    c.add_evidence("满意度调查.pdf", b"%PDF d10", owner_table="indicator", indicator_id="D10",
                   year=2024)
    c.add_evidence("纪要.docx", b"docx", owner_table="task", owner_id=task)
    for i, name in enumerate(NASTY):
        c.add_evidence(name, f"bytes {i}".encode(), owner_table="activity", owner_id=act,
                       year=2024)
    yield c
    c.close()


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_folders_by_indicator_task_and_activity_with_an_index(county: CountyFile,
                                                              tmp_path: Path) -> None:
    out = export_evidence(county, tmp_path / "binder", year=2024)
    files = _files(out)
    # In the standard's words and order (01 一、… ahead of 02 二、… in any file manager).
    assert files["04 四、中医药文化建设与群众满意/12 四（三）1 群众中医药服务满意率/满意度调查.pdf"] \
        == b"%PDF d10"
    # The joint-meeting task's minutes earn 一（一）2's points: they are filed under it.
    assert files["01 一、组织管理与政策保障/02 一（一）2 建立中医药工作联席会议制度（跨部门协调机制），"
                 "定期研究解决中…/纪要.docx"] == b"docx"
    with open(out / INDEX_NAME, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:3] == ["序号", "类别", "所属指标/任务/活动"]
    assert len(rows) == 1 + 2 + len(NASTY)
    assert all((out / r[5]).is_file() for r in rows[1:])  # every listed document is there


def test_unsafe_names_stay_inside_the_export(county: CountyFile, tmp_path: Path) -> None:
    out = export_evidence(county, tmp_path / "binder", year=2024)
    inside = out.resolve()
    for path in out.rglob("*"):
        assert inside in path.resolve().parents
        assert not set(path.name) & set('\\/:*?"<>|') and path.name not in ("..", ".")
    assert not (tmp_path / "逃出去.txt").exists() and not (tmp_path.parent / "逃出去.txt").exists()
    # A lecture's photos, under 四（一）5 讲座 in a folder of the activity they show
    activity_dir = (out / "04 四、中医药文化建设与群众满意" / "05 四（一）5 中医药健康知识讲座"
                    / "2024-03-05 青石镇卫生院 春季养肝_讲座")
    names = sorted(p.name for p in activity_dir.iterdir())
    assert "照片.jpg" in names and "照片（2）.jpg" in names  # same name twice: both kept
    assert "_CON.txt" in names
    assert len(names) == len(NASTY)


def test_zip_holds_the_same_files(county: CountyFile, tmp_path: Path) -> None:
    folder = export_evidence(county, tmp_path / "binder", year=2024)
    archive = export_evidence(county, tmp_path / "binder.zip", year=2024, as_zip=True)
    with zipfile.ZipFile(archive) as z:
        # unpacked, it is one folder named as the zip is (two years' zips never mix)
        assert all(n.startswith("binder/") for n in z.namelist())
        unpacked = {n.removeprefix("binder/"): z.read(n) for n in z.namelist()}
        assert all(not n.startswith("/") and ".." not in n.split("/") for n in z.namelist())
    # photos stored as they are, documents deflated: the same bytes either way
    assert unpacked == _files(folder)


def test_nothing_is_overwritten_and_an_empty_file_says_so(county: CountyFile,
                                                          tmp_path: Path) -> None:
    (tmp_path / "binder").mkdir()
    with pytest.raises(KnownError, match="已存在"):
        export_evidence(county, tmp_path / "binder", year=2024)
    empty = CountyFile.create(tmp_path / "空.tcmcounty", "空县")
    with pytest.raises(KnownError, match="还没有 2024 年度的佐证材料"):
        export_evidence(empty, tmp_path / "nothing", year=2024)
    empty.close()
    assert not (tmp_path / "nothing").exists()


@pytest.mark.parametrize(("name", "expected"), [
    ("a/b.jpg", "a_b.jpg"), ("..", "未命名"), ("", "未命名"), ("nul", "_nul"),
    ("x" * 200 + ".pdf", "x" * 76 + ".pdf"),
    # Direction marks and controls make 照片\u202egpj.exe look like 照片exe.jpg; they go.
    ("照片\u202egpj.exe", "照片gpj.exe"), ("a\u2066b\u2069\u200e\u200f.pdf", "ab.pdf"),
    ("a\u202a\u202b\u202c\u202db\u2067\u2068.jpg", "ab.jpg"), ("a\x85\x9fb\x7f.txt", "ab.txt"),
    ("报告.pdf\u202e", "报告.pdf"), ("com1.exe", "_com1.exe"), ("LPT9", "_LPT9"),
    ("CON .txt", "_CON .txt"), ("conout$.log", "_conout$.log")])
def test_safe_name(name: str, expected: str) -> None:
    assert safe_name(name) == expected


def test_the_index_names_what_each_file_proves_in_the_reviewers_words(county: CountyFile,
                                                                     tmp_path: Path) -> None:
    """The binder's index (and the report's 佐证材料目录) says 四（三）1 群众中医药服务满意率, not
    D10, and a file whose record is gone says so in Chinese, not “indicator”."""
    from reports.plan.evidence import evidence_entries

    county.add_evidence("旧标准.pdf", b"old", owner_table="indicator", indicator_id="Z99",
                        year=2024)
    labels = {e.filename: e.label for e in evidence_entries(county)}
    assert labels["满意度调查.pdf"] == "四（三）1 群众中医药服务满意率"
    assert labels["旧标准.pdf"] == "评分项（现用评分标准中没有此项）"
    assert labels["纪要.docx"] == "任务 2 建立中医药工作联席会议制度"
    assert labels["照片.jpg"] == "2024年3月5日 青石镇卫生院 春季养肝/讲座"
    out = export_evidence(county, tmp_path / "binder", year=2024)
    with open(out / INDEX_NAME, encoding="utf-8-sig", newline="") as fh:
        index = {r[4]: r[2] for r in csv.reader(fh)}
    assert index["满意度调查.pdf"] == "四（三）1 群众中医药服务满意率"


def test_the_binders_folders_follow_the_standard_never_the_programs_ids(county: CountyFile,
                                                                       tmp_path: Path) -> None:
    """A reviewer opens 01 一、组织管理与政策保障/03 一（一）3 …, not G03 or B 服务能力/B8: the folders
    and the index's 位置 use the standard's sections and 条目, numbered in its order."""
    import re

    from reports.judge import standard as standards

    county.add_evidence("规划.pdf", b"plan", owner_table="indicator", indicator_id="G03")
    county.add_evidence("医联体.pdf", b"b8", owner_table="indicator", indicator_id="B8",
                        year=2024)
    out = export_evidence(county, tmp_path / "binder", year=2024)
    files = _files(out)
    assert files["01 一、组织管理与政策保障/03 一（一）3 制定创建工作计划，基层中医药工作年度有计划、有部署、有检查…"
                 "/规划.pdf"] == b"plan"
    assert files["02 二、服务网络/06 二（一）6 医联体覆盖人口比例/医联体.pdf"] == b"b8"
    ids = {i.id for i in standards.shipped().items} | {"A", "B", "C", "D"}
    for path in files:
        for part in path.split("/")[:-1]:
            assert part.split(" ")[0] not in ids, part
            assert not re.match(r"[A-H]\d", part), part
    with open(out / INDEX_NAME, encoding="utf-8-sig", newline="") as fh:
        places = [r[5] for r in csv.reader(fh)][1:]
    assert "02 二、服务网络/06 二（一）6 医联体覆盖人口比例/医联体.pdf" in places


def test_a_record_whose_stored_file_is_missing_is_named_with_what_it_belongs_to(
        county: CountyFile, tmp_path: Path) -> None:
    # A copy edited by another program (or damaged and repaired) lost the minutes' content.
    county.conn.execute("PRAGMA foreign_keys = OFF")
    county.conn.execute("UPDATE evidence SET sha256 = '00' WHERE filename = '纪要.docx'")
    with pytest.raises(KnownError) as refused:
        export_evidence(county, tmp_path / "binder", year=2024)
    said = str(refused.value)
    assert said.startswith("佐证材料“纪要.docx”的文件内容不在本县数据文件中（创建任务：")
    assert "联席会议" in said and "删除这一份后重新添加" in said
    assert not (tmp_path / "binder").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".evidence")] == []
