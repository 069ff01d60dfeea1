"""The creation plan from the command line, as a county prepared by a script (or a province's own
tooling) uses it: tasks imported from a template, a workbook or text, their status set, evidence
attached to a task, an item for a year or an activity, listed and removed; the governance items
then score as they do for a county kept in the window. Words that name nothing, or several things,
exit 2 with the candidates; a refused task list or evidence file exits 1; nothing half-written."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import openpyxl
import pytest

from db.county import MAX_EVIDENCE_BYTES, CountyFile
from desktop.cli import main

YEAR = "2024"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def item(capsys: pytest.CaptureFixture[str], path: Path, item_id: str,
         year: str = YEAR) -> dict:
    code, out, _ = run(capsys, "evaluate", str(path), "--year", year, "--json")
    assert code == 0
    return next(i for i in json.loads(out)["score"]["items"] if i["id"] == item_id)


@pytest.fixture
def county(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "脚本县.tcmcounty"
    assert main(["new", str(path), "--county", "脚本县"]) == 0
    assert main(["task-import", str(path), "--template", "anyue-2023"]) == 0
    capsys.readouterr()
    return path


@pytest.fixture
def doc(tmp_path: Path) -> Path:
    path = tmp_path / "联席会议制度.pdf"
    path.write_bytes(b"%PDF-1.4 minutes of the joint meeting")
    return path


def test_a_scripted_county_scores_a_governance_item(county: Path, doc: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert item(capsys, county, "G02")["state"] == "不得分"
    code, out, _ = run(capsys, "task-status", str(county), "2", "已完成", "--note", "已印发")
    assert code == 0 and "状态 未开始 → 已完成；进展备注：已印发" in out
    code, out, _ = run(capsys, "evidence-add", str(county), str(doc), "--task", "2")
    assert code == 0 and "添加佐证材料 1 份" in out and "联席会议制度.pdf" in out
    scored = item(capsys, county, "G02")
    assert (scored["state"], scored["points"], scored["reason"]) == ("得分", 3.0,
                                                                     "已完成，佐证材料 1 份")
    code, out, _ = run(capsys, "task-list", str(county), "--json")
    task = next(t for t in json.loads(out) if t["number"] == "2")
    assert (task["status"], task["note"], task["evidence"]) == ("已完成", "已印发", 1)
    assert {"id", "category", "text", "lead_unit", "assist_units", "deadline", "phase"} <= set(task)


def test_evidence_on_an_item_counts_for_its_year(county: Path, doc: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "task-status", str(county), "联席会议", "已完成")
    code, out, _ = run(capsys, "evidence-add", str(county), str(doc), "--item", "一（一）2",
                       "--year", "2023")
    assert code == 0 and "G02 一（一）2" in out and "（2023年）" in out
    assert item(capsys, county, "G02")["state"] == "不得分"  # 2023's file is not 2024's
    assert run(capsys, "evidence-add", str(county), str(doc), "--item", "g02",
               "--year", YEAR)[0] == 0
    assert item(capsys, county, "G02")["state"] == "得分"
    code, out, _ = run(capsys, "evidence-list", str(county), "--item", "G02", "--json")
    listed = json.loads(out)
    assert sorted(e["year"] for e in listed) == [2023, 2024]
    assert {e["item"] for e in listed} == {"G02"} and listed[0]["filename"] == "联席会议制度.pdf"


@pytest.mark.parametrize("argv, words", [
    (["--item", "G02"], "须用 --year 给出年度"),
    (["--item", "G99", "--year", YEAR], "没有评分项“G99”"),
    (["--task", "99"], "没有任务“99”"),
    (["--task", "中医"], "“中医”对应"),
    (["--activity", "2024-03-05"], "2024-03-05 没有任何活动"),
    (["--activity", "三月五日"], "不是日期"),
    (["--task", "2", "--year", YEAR], "--year 只与 --item 一起使用"),
])
def test_words_that_name_no_record_exit_2_and_change_nothing(
        county: Path, doc: Path, argv: list[str], words: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    before = digest(county)
    code, _, err = run(capsys, "evidence-add", str(county), str(doc), *argv)
    assert code == 2 and words in err, err
    assert digest(county) == before


def test_an_ambiguous_task_lists_the_candidates_with_their_ids(
        county: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "task-status", str(county), "中医药文化", "推进中")
    assert code == 2
    ids = [line.split()[0] for line in run(capsys, "task-list", str(county))[1].splitlines()[1:]]
    named = [i for i in ids if i in err]
    assert len(named) == 2 and "请用列表中的编号" in err
    assert run(capsys, "task-status", str(county), named[0], "推进中")[0] == 0
    with pytest.raises(SystemExit) as usage:
        main(["task-status", str(county), "2", "办完了"])
    assert usage.value.code == 2 and "无效的选项 '办完了'" in capsys.readouterr().err


def test_files_are_stored_all_or_none(county: Path, doc: Path, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    before = digest(county)
    code, _, err = run(capsys, "evidence-add", str(county), str(doc), str(tmp_path / "没有.pdf"),
                       "--task", "2")
    assert code == 1 and "找不到文件“" in err and "没有.pdf”" in err and "未添加任何材料" in err
    assert "No such file" not in err
    huge = tmp_path / "扫描件.pdf"
    with huge.open("wb") as fh:
        fh.truncate(MAX_EVIDENCE_BYTES + 1)  # sparse: no disk is spent
    code, _, err = run(capsys, "evidence-add", str(county), str(doc), str(huge), "--task", "2")
    assert code == 1 and "扫描件.pdf" in err and "50 MB" in err
    assert digest(county) == before


def test_evidence_on_an_activity_found_by_date_and_institution(
        county: Path, doc: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with CountyFile.open(county) as c:
        inst = c.insert("institution", {"name": "甲镇卫生院", "type": "township_hc"})
        for title in ("春季义诊", "养生讲座"):
            c.insert("activity", {"institution_id": inst, "date": "2024-03-05", "kind": "义诊",
                                  "title": title, "people": 30})
    code, _, err = run(capsys, "evidence-add", str(county), str(doc), "--activity", "2024/3/5",
                       "--institution", "甲镇卫生院")
    assert code == 2 and "春季义诊" in err and "养生讲座" in err
    code, out, _ = run(capsys, "evidence-add", str(county), str(doc), "--activity", "2024年3月5日",
                       "--institution", "甲镇 卫生院", "--title", "义诊", "--note", "合影")
    assert code == 0 and "活动 2024-03-05 甲镇卫生院“春季义诊”" in out
    code, out, _ = run(capsys, "evidence-list", str(county), "--activity", "2024-03-05",
                       "--institution", "甲镇卫生院", "--title", "春季")
    assert "1 份" in out and "（合影）" in out


def test_remove_takes_the_file_away_and_the_points_with_it(
        county: Path, doc: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "task-status", str(county), "2", "已完成")
    out = run(capsys, "evidence-add", str(county), str(doc), "--task", "2")[1]
    short = out.splitlines()[-1].split()[0]
    before = digest(county)
    code, _, err = run(capsys, "evidence-remove", str(county), short, "abcdef12")
    assert code == 2 and "没有佐证材料“abcdef12”" in err
    assert digest(county) == before  # all named, or none removed
    code, out, _ = run(capsys, "evidence-remove", str(county), short)
    assert code == 0 and f"已删除佐证材料 {short}" in out
    assert "0 份" in run(capsys, "evidence-list", str(county), "--task", "2")[1]
    assert item(capsys, county, "G02")["state"] == "不得分"
    with CountyFile.open(county) as c:  # a tombstone, carried by a merge like any deletion
        assert c.count("evidence") == 0
        assert len(c.rows("evidence", include_deleted=True)) == 1


def test_task_lists_from_a_workbook_and_from_text(county: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    book = tmp_path / "任务.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["任务类别", "序号", "重点任务", "责任单位"])
    wb.active.append(["组织保障", "1", "成立创建工作领导小组", "县卫生健康局\n县政府办公室"])
    wb.save(book)
    before = digest(county)
    code, out, _ = run(capsys, "task-import", str(county), str(book), "--dry-run")
    assert code == 0 and "将新增任务 1 项" in out and digest(county) == before
    assert "新增任务 1 项" in run(capsys, "task-import", str(county), str(book))[1]
    assert "新增任务 0 项" in run(capsys, "task-import", str(county), str(book))[1]  # twice: none
    text = tmp_path / "方案.txt"  # as Windows Notepad saves it in GBK
    text.write_bytes("一、组织保障\n（一）建立示范县创建督查通报制度。〔责任单位：县卫生健康局，县财政局〕\n"
                     .encode("gb18030"))
    code, out, _ = run(capsys, "task-import", str(county), str(text))
    assert code == 0 and "新增任务 1 项" in out
    listed = json.loads(run(capsys, "task-list", str(county), "--json")[1])
    made = next(t for t in listed if "督查通报" in t["text"])
    assert (made["lead_unit"], made["assist_units"]) == ("县卫生健康局", "县财政局")


@pytest.mark.parametrize("argv, code, words", [
    ([], 2, "二者选一"),
    (["--template", "潼南"], 2, "没有名为“潼南”的任务模板。可用的模板：anyue-2023"),
    (["EMPTY"], 1, "没有找到任务表"),
    (["NOTES"], 1, "没有从文字中找到任务"),
])
def test_a_task_list_that_holds_no_tasks_is_refused(county: Path, tmp_path: Path, argv: list[str],
                                                   code: int, words: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "空.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "电话"])
    wb.save(empty)
    notes = tmp_path / "随手记.txt"
    notes.write_text("下周开会\n", encoding="utf-8")
    paths = {"EMPTY": str(empty), "NOTES": str(notes)}
    before = digest(county)
    got, _, err = run(capsys, "task-import", str(county), *[paths.get(a, a) for a in argv])
    assert got == code and words in err, err
    assert digest(county) == before
