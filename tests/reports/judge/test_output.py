"""What leaves the engine: the contract's JSON, the terminal table, and task progress."""

from __future__ import annotations

import datetime as _dt
import json

from reports.judge.catalogue import CATALOGUE
from reports.judge.evaluation import evaluate
from reports.judge.wording import display_width, format_table

from tests.reports.conftest import act, inst, run

INDICATOR_KEYS = ["id", "name", "value", "numerator", "denominator", "target", "met", "gap",
                  "failing", "previous_value", "not_reported", "pending"]


def _c7_county(county):
    a = inst(county, "甲镇卫生院", "township_hc", {"physicians": 10, "tcm_physicians": 2})
    b = inst(county, "乙镇卫生院", "township_hc", {"physicians": 8, "tcm_physicians": 4})
    county.set_institution_year(a, 2023, {"physicians": 10, "tcm_physicians": 3})
    county.set_institution_year(b, 2023, {"physicians": 8, "tcm_physicians": 1})


def test_json_has_exactly_the_contract_shape(county):
    _c7_county(county)
    data = json.loads(json.dumps(run(county).to_dict(), ensure_ascii=False))
    # contract.md's keys, then the additions: not_reported (issue 14), score (issue 16).
    assert list(data) == ["county", "year", "profile", "indicators", "tasks", "not_reported",
                          "score"]
    assert (data["county"], data["year"], data["profile"]) == ("测试县", 2024, "baseline")
    assert [i["id"] for i in data["indicators"]] == \
        [ind.id for ind in CATALOGUE if ind.id not in ("A6", "A7", "C2")]
    for item in data["indicators"]:
        assert list(item) == INDICATOR_KEYS
        for key in ("value", "numerator", "denominator", "previous_value"):
            assert item[key] is None or isinstance(item[key], (int, float))
        assert item["met"] in (True, False, None)
        assert item["gap"] is None or isinstance(item["gap"], str)
        assert isinstance(item["failing"], list)
    # C7 pools the centres' physicians (6 of 18); the centre below 25% is still listed.
    c7 = next(i for i in data["indicators"] if i["id"] == "C7")
    assert {k: c7[k] for k in INDICATOR_KEYS if k != "failing"} == {
        "id": "C7", "name": "基层机构中医类别医师占比", "value": 1 / 3, "numerator": 6,
        "denominator": 18, "target": {"op": ">=", "value": 0.25}, "met": True,
        "gap": None, "previous_value": 4 / 18, "not_reported": [], "pending": False,
    }
    (entry,) = c7["failing"]
    # The contract's three keys, plus the institution's id (added, not changed).
    assert {k: entry[k] for k in ("institution", "value", "gap")} == \
        {"institution": "甲镇卫生院", "value": 0.2, "gap": "还需 1 名中医类别医师"}
    assert set(entry) == {"institution", "value", "gap", "institution_id"}
    assert data["tasks"] == {"total": 0, "done": 0, "overdue": 0}


def test_json_is_written_as_readable_utf8(county):
    _c7_county(county)
    text = json.dumps(run(county).to_dict(), ensure_ascii=False)
    assert "基层机构中医类别医师占比" in text and "\\u" not in text


def test_null_values_stay_null_in_json(county):
    data = run(county).to_dict()
    a1 = data["indicators"][0]
    assert (a1["value"], a1["met"], a1["gap"], a1["failing"]) == (None, None, None, [])
    assert json.dumps(a1).count("null") >= 4


def test_tasks_done_and_overdue_depend_on_today(county):
    for status, deadline in [("已完成", "2024-01-31"),  # done, never overdue
                             ("推进中", "2024-06-29"),  # past deadline: overdue
                             ("推进中", "2024-06-30"),  # due today: not yet overdue
                             ("已延期", "2024-12-31"),  # marked late: overdue
                             ("未开始", None)]:
        county.insert("task", {"text": f"任务{status}{deadline}", "status": status,
                               "deadline": deadline})
    gone = county.insert("task", {"text": "误录任务", "deadline": "2020-01-01"})
    county.delete("task", gone)
    tasks = run(county).tasks
    assert (tasks.total, tasks.done, tasks.overdue) == (5, 1, 2)
    later = evaluate(county, 2024, today=_dt.date(2024, 7, 1)).tasks
    assert later.overdue == 3


def test_table_is_aligned_and_in_chinese(county):
    _c7_county(county)
    act(county, county.rows("institution", "name = ?", ("甲镇卫生院",))[0]["id"], "健康讲座")
    county.insert("task", {"text": "制定工作计划", "status": "已完成"})
    text = format_table(run(county))
    lines = text.splitlines()
    assert lines[0] == "测试县 2024年度 指标评价（目标方案：国家建设标准（2022版））"
    header = lines[2]
    assert header.split() == ["编号", "指标", "数值", "目标", "结果", "未达标机构", "未填报"]
    rows = [line for line in lines if line[:3].strip() in {ind.id for ind in CATALOGUE}]
    # A8–A10, B9–B14, D11 added with the standard (issue 16), B15 and C7 with its texts (24);
    # A6, A7 and C2 are local indicators, off in the national profile.
    assert len(rows) == 40
    c7 = next(line for line in rows if line.startswith("C7"))
    assert c7.split() == ["C7", "基层机构中医类别医师占比", "33.3%", "≥", "25%", "达标", "1"]
    c5 = next(line for line in rows if line.startswith("C5"))
    assert "无数据" in c5
    d8 = next(line for line in rows if line.startswith("D8"))
    assert d8.split()[-1] == "不计分"  # 0 points in the standard: a statistic, no target
    # The result column starts at the same screen column on every row, CJK counted as two.
    starts = set()
    for line in rows:
        status = next(w for w in ("不计分", "未达标", "达标", "待填报", "无数据", "不考核")
                      if f"  {w}" in line)
        starts.add(display_width(line[:line.rindex(f"  {status}") + 2]))
    assert len(starts) == 1
    assert lines[-2] == "创建任务：共 1 项，已完成 1 项，逾期 0 项。"
    # The score as reviewers give it, with the 必备 items that fail.
    assert lines[-1].startswith("评分：") and "合格线 80 分" in lines[-1]
    assert "必备项未达到：" in lines[-1] and "A1" in lines[-1]


def test_rate_is_shown_per_ten_thousand(county):
    county.set_county_year(2024, {"resident_population": 200_000})
    inst(county, "县中医医院", "county_tcm_hospital", {"tcm_gps": 13})
    c5 = next(line for line in format_table(run(county)).splitlines() if line.startswith("C5"))
    assert c5.split()[2:5] == ["0.65/万人", "≥", "0.6"]


def test_dates_are_worded_as_an_official_document_writes_them():
    from reports.judge.wording import chinese_date, chinese_dates

    assert chinese_date(_dt.date(2024, 12, 31)) == "2024年12月31日"
    assert chinese_date("2024-03-05") == "2024年3月5日"
    assert chinese_date("年底") == "年底" and chinese_date("") == ""  # not a date: as typed
    assert (chinese_dates("2024-01-07 健康咨询“义诊2024-01-08”录入了 2 次，编号 12024-01-070")
            == "2024年1月7日 健康咨询“义诊2024年1月8日”录入了 2 次，编号 12024-01-070")
