"""When institutions fall short each by its own amount (诊疗人次 still needed), the report lists
them as one list, each name followed by its amount and figure, not a heading for every name; the
words every gap shares are said once, in the heading."""

from __future__ import annotations

from pathlib import Path

from reports.judge.evaluation import evaluate
from reports.pdf.report import write_report
from reports.pdf.sections.areas import LONG_LIST

from tests.reports.conftest import TODAY, YEAR, inst
from tests.reports.pdf.test_pdf import flat_text

COUNT = LONG_LIST + 10  # past the table of one row a name


def test_each_centre_short_by_its_own_amount_is_one_line_of_a_list(county, tmp_path: Path
                                                                   ) -> None:
    for n in range(COUNT):  # every centre short of the TCM share by another amount
        inst(county, f"第{n + 1}镇卫生院", "township_hc",
             {"visits": 10_000 + 100 * n, "tcm_visits": 1_000 + 37 * n}, township=f"第{n + 1}镇")
    failing = [r for r in evaluate(county, YEAR, today=TODAY).results
               if len(r.failing) == COUNT and len({f.gap for f in r.failing}) == COUNT]
    assert failing, "the county should have an indicator each centre misses by its own amount"
    r = failing[0]
    shared = "中医诊疗人次还需增加"
    assert all(f.gap.startswith(shared) for f in r.failing), [f.gap for f in r.failing]
    text = flat_text(write_report(county, YEAR, tmp_path / "r.pdf", today=TODAY))
    assert f"名称后为“{shared}”的数量和现状" in text
    for f in r.failing:
        amount = f.gap.removeprefix(shared).strip()
        assert f"{f.institution}{amount}；现状" in text, (f.institution, amount)
    assert text.count(shared) < 10  # said in the heading, not once a name


def test_the_report_lists_institutions_as_a_register_reads(county, tmp_path: Path) -> None:
    """Townships in pinyin order (安乐镇, 长江镇, 东城街道), not in the order of their characters'
    codes (东 before 安 before 长), in the staffing table and every list of names."""
    for town in ("东城街道", "安乐镇", "长江镇"):
        inst(county, f"{town}卫生院", "township_hc",
             {"visits": 10_000, "tcm_visits": 1_000, "physicians": 10, "tcm_physicians": 1},
             township=town)
    text = flat_text(write_report(county, YEAR, tmp_path / "r.pdf", today=TODAY))
    a, c, d = (text.find(f"{t}卫生院") for t in ("安乐镇", "长江镇", "东城街道"))
    assert -1 < a < c < d
    assert "长江镇卫生院、东城街道卫生院" in text.replace("安乐镇卫生院、", "")


def test_the_rectification_list_names_who_has_not_reported_beside_who_falls_short(
        county, tmp_path: Path) -> None:
    """“还需 4 家机构…” counts an institution that has not reported: the 整改清单 names it too,
    so the cell does not say 共 3 家 under a gap of 4."""
    for n in range(3):
        inst(county, f"第{n + 1}镇卫生院", "township_hc", {"hall_state": "none"},
             township=f"第{n + 1}镇")
    inst(county, "迟报镇卫生院", "township_hc", None, township="迟报镇")
    text = flat_text(write_report(county, YEAR, tmp_path / "r.pdf", today=TODAY))
    rectification = text[text.rindex("存在问题及整改清单"):]
    assert "共3家：第1镇卫生院、第2镇卫生院、第3镇卫生院" in rectification
    assert "另有1家未填报，须补报：迟报镇卫生院" in rectification
