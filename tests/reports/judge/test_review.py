"""模拟现场评审: the draw repeats from its seed and spreads over townships; findings are scored by
the standard's rules (checked against a hand count); books and site differences and 整改."""

from __future__ import annotations

import copy
from collections import Counter
from pathlib import Path

import pytest

from db.county import CountyFile
from db.errors import KnownError, ValidationError
from db.exchange import merge, plan_merge, write_township_file
from db.vocab import pinyin_key
from reports.judge import review, standard
from reports.judge.review import AGREE, DISAGREE, Rule

from tests.reports.conftest import YEAR, act, inst, run

TOWNS = ["东山镇", "西河乡", "南岭镇", "北坝乡", "中和镇", "青石镇"]


def _spread_county(county: CountyFile) -> None:
    inst(county, "本县中医医院", "county_tcm_hospital", {"physicians": 10}, township="城关镇")
    for town in TOWNS:
        centre = inst(county, f"{town}卫生院", "township_hc", {"hall_state": "standard"},
                      township=town)
        for k in range(5):
            inst(county, f"{town}{k + 1}村卫生室", "village_clinic", {"service_place": 1},
                 township=town, parent_id=centre)


def _names(sample: list[dict]) -> list[str]:
    return [i["name"] for i in sample]


def test_the_same_seed_draws_the_same_sample_and_another_seed_another(county: CountyFile) -> None:
    _spread_county(county)
    insts = county.institutions_in_year(YEAR)
    rule = Rule(1, 3, 6)
    first = review.draw(insts, rule, 4711)
    # The register read again, in another order: the seed still gives the same institutions.
    assert _names(review.draw(list(reversed(county.institutions_in_year(YEAR))), rule, 4711)) \
        == _names(first)
    assert len(first) == 10 and first[0]["name"] == "本县中医医院"
    assert _names(review.draw(insts, rule, 4712)) != _names(first)
    rid = review.create_review(county, YEAR, seed=4711, rule=rule)
    assert _names(review.load(county, rid).sample) == _names(first)


@pytest.mark.parametrize("seed", [1, 2, 3, 99, 123456])
def test_the_draw_spreads_across_townships(county: CountyFile, seed: int) -> None:
    _spread_county(county)
    sample = review.draw(county.institutions_in_year(YEAR), Rule(1, 3, 6), seed)
    centres = [i["township"] for i in sample if i["type"] == "township_hc"]
    clinics = Counter(i["township"] for i in sample if i["type"] == "village_clinic")
    assert len(set(centres)) == 3  # three centres, three townships
    assert len(clinics) == 6 and set(clinics.values()) == {1}  # six clinics, one per township
    # The route: hospital first, then township by township, the centre before its clinics.
    towns = [i["township"] for i in sample[1:]]
    assert towns == sorted(towns, key=pinyin_key)
    for town in centres:
        at = [i["type"] for i in sample if i["township"] == town]
        assert at[0] == "township_hc"


def test_default_sizes_and_a_hand_swap_is_noted(county: CountyFile) -> None:
    _spread_county(county)
    assert review.default_rule(county.institutions_in_year(YEAR)) == Rule(1, 2, 3)
    rid = review.create_review(county, YEAR, seed=5)
    r = review.load(county, rid)
    out = next(i for i in r.sample if i["type"] == "village_clinic")
    spare = next(i for i in county.institutions_in_year(YEAR)
                 if i["type"] == "village_clinic" and i["id"] not in {s["id"] for s in r.sample})
    with pytest.raises(ValidationError, match="调换的原因"):
        review.swap(county, rid, out["id"], spare["id"], " ")
    review.swap(county, rid, out["id"], spare["id"], "原抽中村卫生室停诊")
    swapped = next(i for i in review.load(county, rid).sample if i["id"] == spare["id"])
    assert swapped["drawn"] == out["name"] and swapped["swap_note"] == "原抽中村卫生室停诊"
    with pytest.raises(KnownError, match="已在本次抽查名单中"):
        review.swap(county, rid, spare["id"], r.sample[0]["id"], "重复")


# ---- scoring: a hand-made review against a hand count ------------------------------------------

def _small_standard() -> standard.Standard:
    """Five items of the shipped standard with the rules of interest; pass mark 10 of 16."""
    raw = copy.deepcopy(standard.shipped().to_dict())
    items = {i["id"]: i for s in raw["sections"] for i in s["items"]}
    pick = []
    for item_id, points, rule, veto in [
        ("H1", 2, {"kind": "all"}, True),
        ("A1", 4, {"kind": "all"}, True),
        ("B1", 4, {"kind": "per_failing", "deduct": 1, "floor": 0}, False),
        ("A9", 2, {"kind": "proportion"}, False),
        ("D10", 4, {"kind": "all"}, False),
    ]:
        pick.append({**items[item_id], "points": points, "rule": rule, "veto": veto})
    raw["sections"] = [{"id": "一", "title": "抽查", "items": pick}]
    raw["pass_mark"], raw["total"] = 10, 16
    return standard.parse(raw)


def test_a_hand_made_review_scores_as_counted_by_hand(county: CountyFile) -> None:
    standard.store(county, _small_standard())
    ok_tech = {"hall_state": "standard", "tech_categories": 6, "tech_items": 10}
    h = inst(county, "本县中医医院", "county_tcm_hospital", {"physicians": 10}, township="城关镇")
    c1 = inst(county, "甲镇卫生院", "township_hc", ok_tech, township="甲镇")
    c2 = inst(county, "乙镇卫生院", "township_hc", ok_tech, township="乙镇")
    c3 = inst(county, "丙镇卫生院", "township_hc",
              {"hall_state": "standard", "tech_categories": 3, "tech_items": 5}, township="丙镇")
    v1 = inst(county, "甲镇一村卫生室", "village_clinic", {"service_place": 1}, township="甲镇")
    v2 = inst(county, "乙镇二村卫生室", "village_clinic", {"service_place": 1}, township="乙镇")
    v3 = inst(county, "乙镇三村卫生室", "village_clinic", {"service_place": 1}, township="乙镇")
    county.set_county_year(YEAR, {"satisfaction": 0.95})
    rid = review.create_review(county, YEAR, seed=1, rule=Rule(1, 3, 3))  # everyone
    found = {
        (h, "H1"): AGREE,
        (c1, "A1"): AGREE, (c2, "A1"): AGREE, (c3, "A1"): DISAGREE,
        (c1, "B1"): DISAGREE, (c2, "B1"): DISAGREE, (c3, "B1"): AGREE,
        (v1, "A9"): AGREE, (v2, "A9"): DISAGREE, (v3, "A9"): AGREE,
    }
    for (who, item), verdict in found.items():
        review.set_finding(county, rid, who, item, verdict, "中医馆已改作仓库" if
                           (who, item) == (c3, "A1") else None)

    out = review.score_review(county, rid, run(county))
    by_hand = {
        "H1": 2,  # 1 of 1 符合
        "A1": 0,  # 达到即得分, one centre 不符合 (and A1 is 必备)
        "B1": 2,  # 4 less 1 per centre 不符合 (2)
        "A9": 1.6,  # 2 of 3 clinics 符合 = 66.7% of the 80% target: 2 × 0.833 = 1.67 → 1.6
        "D10": 4,  # not checked on site: the books' 95% ≥ 90%
    }
    assert {i.id: i.points for i in out.score.items} == by_hand
    assert out.score.total == 9.6 and out.score.pass_mark == 10
    assert [i.id for i in out.score.veto_failures] == ["A1"] and not out.passed
    # The books alone pass: only 丙镇's techniques fall short there (B1: 4 − 1).
    assert out.books_score.total == 15 and out.books_score.passed
    assert out.entered == out.expected == 10
    assert out.item("D10").reason.startswith("按台账")

    diffs = {(d.institution, d.item_id): (d.books_verdict, d.found) for d in out.differences}
    assert diffs == {
        ("丙镇卫生院", "A1"): (AGREE, DISAGREE),
        ("甲镇卫生院", "B1"): (AGREE, DISAGREE),
        ("乙镇卫生院", "B1"): (AGREE, DISAGREE),
        ("丙镇卫生院", "B1"): (DISAGREE, AGREE),
        ("乙镇二村卫生室", "A9"): (AGREE, DISAGREE),
    }
    a1 = next(d for d in out.differences if d.item_id == "A1")
    assert "达标" in a1.books and a1.note == "中医馆已改作仓库"
    fixes = {(f.institution, f.item_id): f for f in out.fixes}
    assert fixes[("丙镇卫生院", "A1")].responsible == "丙镇卫生院"
    assert fixes[("丙镇卫生院", "B1")].what.startswith("更正台账")
    assert fixes[("乙镇二村卫生室", "A9")].supervisor == "县卫生健康局"  # no parent recorded


def test_findings_travel_in_a_township_file_and_merge_back(county: CountyFile,
                                                          tmp_path: Path) -> None:
    _spread_county(county)
    rid = review.create_review(county, YEAR, seed=8, rule=Rule(0, 6, 0))
    centre = next(i for i in review.load(county, rid).sample if i["township"] == "东山镇")
    town_file = write_township_file(county, "东山镇", tmp_path / "东山镇.tcmcounty")
    with CountyFile.open(town_file, machine="town" + "0" * 28) as town:
        r = review.load(town, rid)
        assert [i["name"] for i in r.sample] == ["东山镇卫生院"]
        review.set_finding(town, rid, centre["id"], "A1", DISAGREE, "无中医馆标识")
        review.add_photo(town, rid, centre["id"], "A1", "现场.jpg", b"jpeg bytes", YEAR)
    merge(county, town_file)
    f = review.load(county, rid).findings[(centre["id"], "A1")]
    assert (f["verdict"], f["note"]) == (DISAGREE, "无中医馆标识")
    assert sum(review.photos(county, rid).values()) == 1


def test_several_reviews_a_year_are_kept_and_compared(county: CountyFile) -> None:
    _spread_county(county)
    first = review.create_review(county, YEAR, seed=1)
    second = review.create_review(county, YEAR, seed=2)
    centre = next(i for i in review.load(county, first).sample if i["type"] == "township_hc")
    review.set_finding(county, first, centre["id"], "A1", DISAGREE)
    rows = review.compare(county, YEAR)
    assert [r["name"] for r, _ in rows] == [f"{YEAR}年第1次模拟评审", f"{YEAR}年第2次模拟评审"]
    assert rows[0][1].score.total < rows[1][1].score.total
    assert review.latest(county, YEAR) == second


def test_review_sample_prints_the_stored_draw_and_repeats_it_from_the_seed(
        county: CountyFile, capsys: pytest.CaptureFixture[str]) -> None:
    from desktop.cli import main

    _spread_county(county)
    rid = review.create_review(county, YEAR, seed=31337, rule=Rule(1, 2, 4))
    names = _names(review.load(county, rid).sample)
    county.close()
    path = str(county.path)
    assert main(["review-sample", path, "--year", str(YEAR)]) == 0
    stored = capsys.readouterr().out
    assert "抽签号：31337" in stored
    assert [n for n in names if n in stored] == names
    assert main(["review-sample", path, "--year", str(YEAR), "--seed", "31337",
                 "--hospitals", "1", "--centres", "2", "--stations", "4", "--json"]) == 0
    import json
    again = json.loads(capsys.readouterr().out)
    assert [i["institution"] for i in again["sample"]] == names
    assert main(["review-sample", path, "--year", "2023"]) == 3
    assert "还没有模拟评审" in capsys.readouterr().err


def _clinics(county: CountyFile, corners: int, total: int = 10) -> list[str]:
    """`total` village clinics of one township, the first `corners` with a 中医阁 in the books."""
    return [inst(county, f"甲镇{k + 1:02d}村卫生室", "village_clinic",
                 {"service_place": 1, "tcm_corner": int(k < corners)}, township="甲镇")
            for k in range(total)]


def test_a_share_item_met_by_the_books_is_not_failed_by_a_sample_without_it(
        county: CountyFile) -> None:
    """二（三）3 asks a 中医阁 of 10% of stations and clinics: the sampled clinics without one,
    as the books say, fail nothing; the site confirmed the books."""
    clinics = _clinics(county, corners=2)
    rid = review.create_review(county, YEAR, seed=5, rule=Rule(0, 0, 6))
    sample = review.load(county, rid).sample
    without = [i for i in sample if i["id"] not in clinics[:2]]
    assert without
    for one in sample:
        review.set_finding(county, rid, one["id"], "A5",
                           DISAGREE if one in without else AGREE)
    out = review.score_review(county, rid, run(county))
    a5 = out.item("A5")
    assert out.books_score.item("A5").points == a5.points == 1
    assert "台账与现场不一致 0 家" in a5.reason and "全县 2/10（20.0%）" in a5.reason
    assert not [d for d in out.differences if d.item_id == "A5"]
    assert not [f for f in out.fixes if f.item_id == "A5"]
    # The checklist does not mark 中医阁：否 as the books failing at each clinic without one.
    _, sheets = review.sheets(county, rid, run(county))
    for sheet in sheets:
        [line] = [ln for ln in sheet.lines if ln.item.id == "A5"]
        assert line.book.verdict is None and line.book.gap is None
        assert line.book.claims == (sheet.inst["id"] in clinics[:2])


def test_books_claiming_a_share_item_the_site_lacks_are_corrected_before_judging(
        county: CountyFile) -> None:
    """One clinic of ten has a 中医阁 in the books (10%, met). Found without one, the county's
    figure falls to 0/10 and the item fails; a 整改 line says the books were wrong."""
    clinics = _clinics(county, corners=1)
    rid = review.create_review(county, YEAR, seed=5, rule=Rule(0, 0, 10))  # every clinic
    for one in clinics:
        review.set_finding(county, rid, one, "A5", DISAGREE, "未见中医阁" if one == clinics[0]
                           else None)
    out = review.score_review(county, rid, run(county))
    assert out.books_score.item("A5").points == 1 and out.item("A5").points == 0
    assert "全县按抽查更正为 0/10（0.0%）" in out.item("A5").reason
    assert [(d.institution, d.books_verdict, d.found) for d in out.differences
            if d.item_id == "A5"] == [("甲镇01村卫生室", AGREE, DISAGREE)]
    [fix] = [f for f in out.fixes if f.item_id == "A5"]
    assert fix.institution == "甲镇01村卫生室" and fix.what.startswith("更正台账")
    assert fix.note == "现场不符合：未见中医阁，台账为“中医阁：是”"
    # The reverse: another clinic found with a 中医阁 the books left out puts the figure back.
    review.set_finding(county, rid, clinics[5], "A5", AGREE)
    out = review.score_review(county, rid, run(county))
    assert out.item("A5").points == 1 and "更正为 1/10（10.0%）" in out.item("A5").reason
    fix = next(f for f in out.fixes if f.institution_id == clinics[5])
    assert fix.note == "现场符合，台账为“中医阁：否”"


def test_a_blank_in_the_books_is_not_corrected_upward_by_the_site(county: CountyFile) -> None:
    """A clinic that has not said whether it has a 中医阁 counts as without one; found with one,
    it is to be reported (补报), and the county's figure does not rise on a blank."""
    clinics = _clinics(county, corners=0, total=9)
    blank = inst(county, "甲镇10村卫生室", "village_clinic", {"service_place": 1},
                 township="甲镇")
    rid = review.create_review(county, YEAR, seed=5, rule=Rule(0, 0, 10))
    for one in [*clinics, blank]:
        review.set_finding(county, rid, one, "A5", AGREE if one == blank else DISAGREE)
    out = review.score_review(county, rid, run(county))
    assert out.item("A5").points == 0 and "全县 0/10（0.0%）" in out.item("A5").reason
    [fix] = [f for f in out.fixes if f.item_id == "A5"]
    assert fix.what.startswith("补报台账") and fix.note == "现场符合，台账为“中医阁：未填报”"


_EACH, _SHARE = "each", "share"
_BOOKS = {
    (_EACH, AGREE): review.Book("中医科：是", AGREE),
    (_EACH, DISAGREE): review.Book("中医科：否", DISAGREE, "需设置中医科"),
    (_EACH, None): review.Book("家庭医生团队 未填报 个", None),
    (_SHARE, True): review.Book("中医阁：是", None, claims=True),
    (_SHARE, False): review.Book("中医阁：否", None, claims=False),
    (_SHARE, None): review.Book("中医阁：未填报", None, claims=None),
}


@pytest.mark.parametrize("verdict", [AGREE, DISAGREE])
@pytest.mark.parametrize("kind,books_value", list(_BOOKS))
def test_a_rectification_line_never_contradicts_its_finding(kind: str, books_value: object,
                                                           verdict: str) -> None:
    """Every finding against every value the books can hold, for an item each institution must
    meet and for a share item: the 整改 line (if any) says the finding as keyed and the books as
    they are, and is there exactly when there is something to do."""
    book = _BOOKS[kind, books_value]
    line = review.fix_for_finding("某评分项", verdict, book, kind == _SHARE, "")
    if kind == _EACH:
        wanted = verdict == DISAGREE or books_value == DISAGREE
    else:  # only where the site and the books differ; a blank is reported when found 符合
        wanted = (verdict == DISAGREE) == (books_value is True) if books_value is not None \
            else verdict == AGREE
    assert (line is not None) == wanted
    if line is None:
        return
    what, found = line
    assert found.startswith("现场符合" if verdict == AGREE else ("现场不符合", "需设置中医科"))
    assert ("现场符合" in found) == (verdict == AGREE)
    if "台账为" in found:
        assert f"台账为“{book.text}”" in found
    # A line for a 符合 finding can only be about the books.
    assert what.startswith(("更正台账", "补报台账")) or verdict == DISAGREE


def test_every_finding_on_the_demo_county_gets_a_rectification_line_that_agrees(
        tmp_path: Path) -> None:
    """The demo county (every item kind, the books' real values): every finding keyed 符合, then
    every one 不符合, then each the opposite of what the books say; each 整改 line agrees with
    its finding and the books, and the differences are exactly the lines that disagree."""
    from db.demo import write_demo
    from reports.judge import profiles
    from reports.judge.evaluation import evaluate
    from reports.judge.facts import load_facts

    with CountyFile.open(write_demo(tmp_path / "demo.tcmcounty", "small")) as demo:
        rid = review.create_review(demo, 2024, seed=441044)
        ev = evaluate(demo, 2024)
        profile = profiles.get_profile(demo, ev.profile_id)
        _, sheets = review.sheets(demo, rid, ev)
        facts = load_facts(demo, 2024)
        lines = [(s.inst, ln) for s in sheets for ln in s.lines]
        kinds = {review.share_item(ln.item, profile) for _, ln in lines}
        assert kinds == {True, False}
        assert not any(ln.item.points == 0 for _, ln in lines)  # 不计分 items are not checked
        for pick in (lambda said: AGREE, lambda said: DISAGREE,
                     lambda said: DISAGREE if said == AGREE else AGREE):
            keyed = {}
            for one, ln in lines:
                said = review.books_say(ln.item, ln.book, profile)
                keyed[one["id"], ln.item.id] = pick(said)
                review.set_finding(demo, rid, one["id"], ln.item.id, keyed[one["id"], ln.item.id])
            out = review.score_review(demo, rid, ev)
            for fix in out.fixes:
                verdict = keyed[fix.institution_id, fix.item_id]
                assert ("现场符合" in fix.note) == (verdict == AGREE), fix
                one = next(i for i, _ in lines if i["id"] == fix.institution_id)
                book = review.books(facts, ev, profile, review.standard.for_county(demo).item(
                    fix.item_id), one)
                if "台账为" in fix.note:
                    assert f"台账为“{book.text}”" in fix.note
            for d in out.differences:
                assert d.books_verdict != d.found == keyed[d.institution_id, d.item_id]


def test_review_sample_save_stores_the_draw_and_sizes_need_a_seed(
        county: CountyFile, capsys: pytest.CaptureFixture[str]) -> None:
    from desktop.cli import main

    _spread_county(county)
    county.close()
    path = str(county.path)
    assert main(["review-sample", path, "--year", str(YEAR), "--centres", "2"]) == 2
    assert "--seed" in capsys.readouterr().err
    assert main(["review-sample", path, "--year", str(YEAR), "--seed", "77", "--stations", "2",
                 "--save", "县级预演"]) == 0
    assert "已保存：县级预演" in capsys.readouterr().out
    with CountyFile.open(county.path) as again:
        r = review.load(again, review.latest(again, YEAR))
        assert (r.name, r.seed, r.rule) == ("县级预演", 77, Rule(1, 2, 2))
        assert _names(r.sample) == _names(review.draw(again.institutions_in_year(YEAR), r.rule, 77))


def test_a_township_file_carries_only_its_own_findings_and_the_preview_names_them(
        county: CountyFile, tmp_path: Path) -> None:
    _spread_county(county)
    rid = review.create_review(county, YEAR, seed=8, rule=Rule(0, 6, 6))
    for i in review.load(county, rid).sample:
        review.set_finding(county, rid, i["id"], "A1", AGREE)
    town_file = write_township_file(county, "东山镇", tmp_path / "东山镇.tcmcounty")
    with CountyFile.open(town_file, machine="town" + "0" * 28) as town:
        mine = {r["id"] for r in town.rows("institution")}
        for table in ("review_inst", "review_finding"):
            assert {r["institution_id"] for r in town.rows(table)} <= mine, table
        centre = next(i for i in review.load(town, rid).sample if i["type"] == "township_hc")
        review.set_finding(town, rid, centre["id"], "A1", DISAGREE, "无中医馆标识")
    lines = "\n".join(plan_merge(county, town_file).lines())
    assert "更新 模拟评审现场结论：东山镇卫生院 模拟评审 二（二）1 中医馆设置率" in lines
    assert "现场结论：符合 → 不符合" in lines


def test_the_route_goes_through_townships_in_pinyin_order(county: CountyFile) -> None:
    _spread_county(county)
    rid = review.create_review(county, YEAR, seed=3, rule=Rule(0, 6, 0))
    towns = [i["township"] for i in review.load(county, rid).sample]
    assert towns == ["北坝乡", "东山镇", "南岭镇", "青石镇", "西河乡", "中和镇"]


def test_the_books_decide_a_summed_item_at_each_institution_from_its_own_figures(
        county: CountyFile) -> None:
    """A figure the county reaches in sum (the centres' physicians, their activities, the
    hospital's departments) is still what an institution's own books show: the 台账 column says
    符合 or 不符合 against the same target, blank only where a figure it needs is blank."""
    hospital = inst(county, "本县中医医院", "county_tcm_hospital",
                    {"physicians": 40, "tcm_physicians": 30, "dept_preventive": 1,
                     "dept_rehab": 1, "dept_infectious": 0, "edu_base": 0}, township="城关镇")
    inst(county, "本县人民医院", "county_general_hospital", {"edu_base": 1}, township="城关镇")
    good = inst(county, "甲镇卫生院", "township_hc",
                {"physicians": 10, "tcm_physicians": 4, "west_learn_tcm": 6, "fd_teams": 3,
                 "fd_teams_tcm": 3}, township="甲镇")
    short = inst(county, "乙镇卫生院", "township_hc",
                 {"physicians": 10, "tcm_physicians": 1, "west_learn_tcm": 2, "fd_teams": 4,
                  "fd_teams_tcm": 1}, township="乙镇")
    blank = inst(county, "丙镇卫生院", "township_hc", {"physicians": 10}, township="丙镇")
    for _ in range(3):
        act(county, good, "健康讲座", people=50, tcm=1)
        act(county, short, "健康讲座", people=50, tcm=0)
    act(county, blank, "健康讲座", people=None, tcm=1)
    rid = review.create_review(county, YEAR, seed=1, rule=Rule(1, 3, 0))
    ev = run(county)
    _, sheets = review.sheets(county, rid, ev)
    books = {(s.inst["name"], line.item.indicator): line.book.verdict
             for s in sheets for line in s.lines}
    assert books[("本县中医医院", "B7")] == DISAGREE  # 2 of the 3 departments
    # No 宣教基地 of its own, but the county has one at another hospital: not decided here.
    assert books[("本县中医医院", "B15")] is None
    for ind in ("C6", "C7", "B14", "D6", "D7"):
        assert books[("甲镇卫生院", ind)] == AGREE, ind
        assert books[("乙镇卫生院", ind)] == DISAGREE, ind
    assert books[("丙镇卫生院", "C7")] is None  # 中医类别医师 blank
    assert books[("丙镇卫生院", "D7")] is None  # an activity's 参与人数 blank
    assert books[("丙镇卫生院", "D6")] == AGREE  # its one activity had TCM content
    county.set_institution_year(hospital, YEAR, {"edu_base": 0})
    county.delete("institution", next(i["id"] for i in county.institutions_in_year(YEAR)
                                       if i["name"] == "本县人民医院"))
    _, sheets = review.sheets(county, rid, run(county))
    assert next(line.book.verdict for s in sheets for line in s.lines
                if line.item.indicator == "B15") == DISAGREE  # none anywhere in the county


def test_the_books_of_a_hall_say_a_blank_without_a_unit(county: CountyFile) -> None:
    inst(county, "甲镇卫生院", "township_hc", {"hall_state": "built", "hall_area": 320},
         township="甲镇")
    rid = review.create_review(county, YEAR, seed=1, rule=Rule(0, 1, 0))
    _, sheets = review.sheets(county, rid, run(county))
    [text] = [line.book.text for s in sheets for line in s.lines if line.item.indicator == "A2"]
    assert "面积 320 m²，诊室 未填报，治疗室 未填报，治疗室面积 未填报" in text
    assert "未填报 间" not in text


def test_items_worth_no_points_are_not_checked_unless_the_county_standard_scores_them(
        county: CountyFile) -> None:
    """The shipped standard's 不计分 items (二（三）1/2/4/5/6, 三（三）7, 四（二）3/4) are on no
    checklist and take no finding into the score; a county 评分表 that gives one points has it
    checked."""
    from reports.judge import profiles

    clinic = inst(county, "甲镇一村卫生室", "village_clinic", {"service_place": 0},
                  township="甲镇")
    profile = profiles.active_profile(county)
    shipped = standard.shipped()
    zero = {i.code for i in shipped.items if i.points == 0}
    assert {"二（三）1", "二（三）2", "二（三）4", "三（三）7", "四（二）3"} <= zero
    for kind in ("county_tcm_hospital", "township_hc", "chc", "chs", "village_clinic"):
        codes = {i.code for i in review.items_for(shipped, profile, kind)}
        assert not codes & zero, kind
    rid = review.create_review(county, YEAR, seed=1, rule=Rule(0, 0, 1))
    review.set_finding(county, rid, clinic, "A9", DISAGREE)  # 二（三）2, keyed in an older copy
    out = review.score_review(county, rid, run(county))
    assert "A9" not in out.on_site and out.item("A9").reason.startswith("按台账")
    assert not [f for f in out.fixes if f.item_id == "A9"] and out.entered == 0
    standard.store(county, _small_standard())  # A9 worth 2 points there
    out = review.score_review(county, rid, run(county))
    assert "A9" in out.on_site and out.item("A9").points == 0 and out.entered == 1


def test_the_books_word_on_each_institution_adds_up_to_the_county_figure(
        county: CountyFile) -> None:
    """Under a share item the books count a sampled institution exactly as the county's figure
    does: a 中医馆 typed 提档升级 but short of the construction figures is not counted."""
    from reports.judge import profiles

    full = {"hall_state": "upgraded", "hall_area": 320, "hall_consult_rooms": 3,
            "hall_treat_rooms": 2, "hall_treat_area": 45, "physicians": 8, "tcm_physicians": 3,
            "tech_categories": 6, "platform_connected": 1}
    inst(county, "甲镇卫生院", "township_hc", full, township="甲镇")
    inst(county, "乙镇卫生院", "township_hc", {**full, "hall_area": 200}, township="乙镇")
    inst(county, "丙镇卫生院", "township_hc", {"hall_state": "standard", "platform_connected": 0},
         township="丙镇")
    inst(county, "丁镇卫生院", "township_hc", {"physicians": 5}, township="丁镇")
    rid = review.create_review(county, YEAR, seed=1, rule=Rule(0, 4, 0))
    ev = run(county)
    profile = profiles.get_profile(county, ev.profile_id)
    _, sheets = review.sheets(county, rid, ev)
    for ind in ("A10", "A3"):
        lines = [ln for s in sheets for ln in s.lines if ln.item.indicator == ind]
        assert lines and all(review.share_item(ln.item, profile) for ln in lines)
        assert sum(1 for ln in lines if ln.book.claims) == ev.result(ind).numerator, ind
    a10 = {s.inst["name"]: ln.book.claims for s in sheets for ln in s.lines
           if ln.item.indicator == "A10"}
    assert a10 == {"甲镇卫生院": True, "乙镇卫生院": False, "丙镇卫生院": False, "丁镇卫生院": None}


def test_a_blank_in_the_books_is_never_their_agreement(county: CountyFile) -> None:
    """A centre that reported its year but left its 适宜技术 blank: the checklist's books say
    不符合 (未填报…) for an item each centre must meet, not 符合."""
    inst(county, "甲镇卫生院", "township_hc", {"hall_state": "standard"}, township="甲镇")
    rid = review.create_review(county, YEAR, seed=1, rule=Rule(0, 1, 0))
    _, sheets = review.sheets(county, rid, run(county))
    [b1] = [ln.book for s in sheets for ln in s.lines if ln.item.indicator == "B1"]
    assert b1.verdict == DISAGREE and b1.gap is not None and b1.gap.startswith("未填报")
