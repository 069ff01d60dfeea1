"""Task lists as counties write them: seed 001's numbered paragraphs, seed 002's pasted table,
an Excel sheet; the shipped templates; importing twice adds nothing."""

from pathlib import Path

import openpyxl
import pytest

from db.county import CountyFile
from db.errors import KnownError
from reports.plan import tasks as plan

SEEDS = Path(__file__).resolve().parents[4] / "shared" / "seeds"

NUMBERED = """四、重点任务及分工
（一）深入贯彻落实中医药法，将中医药工作纳入我县国民经济
和社会发展规划及政府议事日程。

〔责任单位：县委办公室、县政府办公室，县发展和改革局、县卫生健康局（逗号前为牵头单位，逗号后为配合单位，下同）〕
（十一）推进中医药科普教育。
〔责任单位：县教育和体育局、县卫生健康局〕
五、实施步骤
（一）筹备阶段（2023年3月）。对照标准开展自查。
（二）实施阶段（2023年4月-2023年9月）。全面推进。
（四）整改提升阶段（2024年1月-2024年9月）。持续整改。
"""

TABLE = ("\t任务类别\n\t序号\n\t重点任务\n\t责任单位\n\n"
         "\t中医药健康服务高质量发展工程\n\t1\n\t推进中医医院“两专科一中心”建设。\n\t区卫生健康委\n区财政局\n\n"
         "\t\n\t2\n\t全区社区卫生服务中心均需设置中医馆。\n\t区卫生健康委\n区财政局\n区人力社保局\n\n"
         "\t中西医协同推进\n\n工程\n\t3\n\t积极申报市级中西医协同项目。\n\t区卫生健康委\n\n"
         "重庆市綦江区人民政府办公室           2024年10月29日印发\n")


def test_numbered_paragraphs_give_tasks_units_and_phases() -> None:
    found = plan.parse_numbered(NUMBERED)
    assert [(t.number, t.category) for t in found.tasks] == [("1", "重点任务及分工"),
                                                            ("11", "重点任务及分工")]
    first = found.tasks[0]
    assert first.text.startswith("深入贯彻落实中医药法") and first.text.endswith("议事日程。")
    assert first.lead_unit == "县委办公室、县政府办公室"
    assert first.assist_units == "县发展和改革局、县卫生健康局"
    assert (found.tasks[1].lead_unit, found.tasks[1].assist_units) == (
        "县教育和体育局、县卫生健康局", "")
    assert [(p.name, p.start_date, p.end_date) for p in found.phases] == [
        ("筹备阶段", "2023-03-01", "2023-03-31"), ("实施阶段", "2023-04-01", "2023-09-30"),
        ("整改提升阶段", "2024-01-01", "2024-09-30")]


def test_a_pasted_word_table_gives_categories_carried_down() -> None:
    found = plan.parse_text(TABLE)
    assert [(t.number, t.category) for t in found.tasks] == [
        ("1", "中医药健康服务高质量发展工程"), ("2", "中医药健康服务高质量发展工程"),
        ("3", "中西医协同推进工程")]
    assert (found.tasks[1].lead_unit, found.tasks[1].assist_units) == (
        "区卫生健康委", "区财政局、区人力社保局")
    # The signature line under the table is not a unit.
    assert found.tasks[2].assist_units == ""


def test_text_without_tasks_is_refused_with_the_two_shapes_named() -> None:
    with pytest.raises(KnownError, match="责任单位"):
        plan.parse_text("随便一段文字。\n没有任务。")


def test_an_excel_task_sheet(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["綦江区重点任务清单"])
    ws.append(["任务类别", "序号", "重点任务", "牵头单位", "配合单位", "完成时限"])
    ws.append(["文化弘扬", 1, "建设中医药文化馆", "区卫生健康委", "区财政局、区文旅委", "2025年6月"])
    ws.append([None, 2, "推进中医药文化进校园", "区教委", None, "2025-12-31"])
    path = tmp_path / "任务.xlsx"
    book.save(path)
    found = plan.parse_sheet(path)
    assert [(t.category, t.number, t.lead_unit, t.assist_units, t.deadline)
            for t in found.tasks] == [
        ("文化弘扬", "1", "区卫生健康委", "区财政局、区文旅委", "2025-06-30"),
        ("文化弘扬", "2", "区教委", "", "2025-12-31")]


def test_not_a_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    path.write_text("not a workbook")
    with pytest.raises(KnownError, match="x.xlsx"):
        plan.parse_sheet(path)


@pytest.mark.parametrize(("template", "n_tasks", "n_phases"), [
    ("anyue-2023", 24, 4), ("qijiang-2023-2027", 23, 0)])
def test_shipped_templates(template: str, n_tasks: int, n_phases: int) -> None:
    found = plan.load_template(template)
    assert len(found.tasks) == n_tasks and len(found.phases) == n_phases
    assert all(t.text and t.lead_unit for t in found.tasks)
    assert [t.number for t in found.tasks] == [str(i) for i in range(1, n_tasks + 1)]


@pytest.mark.skipif(not SEEDS.exists(), reason="the seed documents are not beside this checkout")
def test_templates_are_what_the_seeds_say() -> None:
    anyue = plan.parse_numbered((SEEDS / "001_8f412b1f21823b55.txt").read_text(encoding="utf-8"))
    assert [t.text for t in anyue.tasks] == [t.text for t in plan.load_template("anyue-2023").tasks]
    qijiang = plan.parse_table_text((SEEDS / "002_570d918b4eadbbee.txt").read_text("utf-8"))
    assert [(t.category, t.lead_unit, t.assist_units) for t in qijiang.tasks] == [
        (t.category, t.lead_unit, t.assist_units)
        for t in plan.load_template("qijiang-2023-2027").tasks]


def test_importing_a_template_twice_adds_nothing_and_keeps_progress(tmp_path: Path) -> None:
    with CountyFile.create(tmp_path / "县.tcmcounty", "安岳县") as county:
        first = plan.import_tasks(county, plan.load_template("anyue-2023"))
        assert (first.added, first.phases_added) == (24, 4)
        task = county.rows("task", "number = '3'")[0]
        county.update("task", task["id"], {"status": "已完成"})
        again = plan.import_tasks(county, plan.load_template("anyue-2023"))
        assert (again.added, again.skipped, again.phases_added) == (0, 24, 0)
        assert county.get("task", task["id"])["status"] == "已完成"
        assert county.count("task") == 24 and county.count("phase") == 4
