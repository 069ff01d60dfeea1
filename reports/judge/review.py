"""模拟现场评审: draw a sample of institutions as reviewers do, say what the books hold for each
item of the standard there, take the findings back, score them by the standard's rules, and list
where the books and the site differ, with a 整改 list per institution.

What each checklist holds and what the books say there is `reports.judge.review_books`.

Rules a bureau would otherwise have to guess:

- The draw: the county TCM hospital, then township centres one township at a time (townships in
  the seed's order), then stations and village clinics round-robin over townships, first those
  whose centre was drawn (the reviewers' route), then the rest. Candidates are the institutions
  active in the year, taken in a fixed order (township, name, id), so a seed gives the same draw
  on every copy of the file. The drawn institutions are stored with the review: a later change
  to the register does not change a review's sample.
- The checklist of an institution: the standard's items judged by an indicator whose scope holds
  the institution's type, and count items for its type (县级中医医院 exists). Items worth 0 points
  (不计分, read from the standard in use) are not checked unless they are 必备: they change no
  score, and a county whose own 评分表 gives them points has them checked.
- A finding says what the site shows at the institution: 符合 where it has or does what the item
  asks (a 中医阁, 6 适宜技术 …), 不符合 where it does not.
- Items the county reaches with a share of its institutions below 100% (中医阁 at 10% of
  stations and clinics, 村卫生室 at 80% …, `share_item`): an institution without it is no defect,
  so the books' verdict there is left blank and the site tests whether the books are true. The
  county's figure is corrected by what the sample proved: each sampled institution the books
  count but the site finds 不符合 is taken out of it, each the books report without it but the
  site finds 符合 is added (the site is what reviewers believe, either way); an institution whose
  books are blank is left as the books count it (a blank never helps). The item is then scored
  by the standard's rule on the corrected figure.
- Every other item checked on site (an institution item with at least one finding) is scored
  from the findings of the sampled institutions in its scope: 达到即得分 when all are 符合; 按比例得分
  from the share found 符合; 每家不达标扣分 per institution found 不符合. Every other item (county
  figures, documents, items with no finding) keeps the points the books give, marked 按台账. A
  必备 item checked on site fails when any institution in its scope is found 不符合.
- 整改 (`fix_for_finding`): an item each institution must meet gets a line where it is found
  不符合, and a 更正台账 line where it is found 符合 but the books say 不符合; a share item gets a
  line only where the site and the books differ (更正台账 either way: the books counted what is
  not there, or left out what is). A line never contradicts its finding.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from fractions import Fraction
import json
import math
import random
from typing import TYPE_CHECKING, Any

from db import stored
from db.errors import KnownError, ValidationError
from db.vocab import CENTRE_TYPES, STATION_TYPES, pinyin_key

from reports.judge import profiles, standard
from reports.judge.facts import load_facts
# The checklist's left-hand side lives in review_books; its names are this module's too.
from reports.judge.review_books import (AGREE, DISAGREE, VERDICTS, Book, books, books_say,
                                        items_for, share_item)
from reports.judge.results import (OFF, PARTLY, SCORED, UNSCORED, ZERO, Evaluation, ItemScore,
                                   Result, Score)
from reports.judge.scoring import _round, score_indicator
from reports.judge.standard import Item

if TYPE_CHECKING:
    from db.county import CountyFile

HOSPITAL = "county_tcm_hospital"
MAX_DRAWN = 10_000  # institutions of one kind a rule may ask for: more than a county has
MAX_RULE_CHARS = 1_000
# Default sizes: every county TCM hospital, about 30% of centres and 10% of stations/clinics.
CENTRE_SHARE, STATION_SHARE, MAX_CENTRES = 0.3, 0.1, 8
BUREAU = "县卫生健康局"


# ---- the rule and the draw ------------------------------------------------------------------

@dataclass(frozen=True)
class Rule:
    """How many of each kind reviewers visit; stored with the review as JSON."""

    hospitals: int
    centres: int
    stations: int

    def to_json(self) -> str:
        return json.dumps({"hospitals": self.hospitals, "centres": self.centres,
                           "stations": self.stations}, ensure_ascii=False)

    def text(self) -> str:
        return (f"县级中医医院 {self.hospitals} 家，乡镇卫生院/社区卫生服务中心 {self.centres} 家，"
                f"卫生服务站/村卫生室 {self.stations} 家")

    @classmethod
    def from_json(cls, text: str) -> Rule:
        """The stored rule; KnownError if it cannot be read (a flipped bit, another program's
        edit, a count of 1e999 or nesting 100,000 deep), as for a damaged target profile."""
        try:
            raw = stored.loads(text, max_chars=MAX_RULE_CHARS)
        except ValueError as exc:
            raise KnownError(f"抽样规则已损坏，无法读取（{exc}）") from None
        if not isinstance(raw, dict):
            raise KnownError("抽样规则已损坏，无法读取（格式不对）")
        counts = []
        for key, default in (("hospitals", 1), ("centres", 0), ("stations", 0)):
            value = raw.get(key, default)
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            if isinstance(value, bool) or not isinstance(value, int) \
                    or not 0 <= value <= MAX_DRAWN:
                raise KnownError(f"抽样规则已损坏，无法读取（家数应为 0–{MAX_DRAWN:,} 的整数）")
            counts.append(value)
        rule = cls(*counts)
        try:
            check_rule(rule)
        except ValidationError as exc:
            raise KnownError(f"抽样规则已损坏，无法读取（{exc.reason}）") from None
        return rule


def _in_scope(insts: list[dict[str, Any]], types: tuple[str, ...]) -> list[dict[str, Any]]:
    return sorted((i for i in insts if i["type"] in types),
                  key=lambda i: (i["township"] or "", i["name"], i["id"]))


def default_rule(insts: list[dict[str, Any]]) -> Rule:
    """About 30% of centres (at most 8) and 10% of stations/clinics (at most two per centre
    visited): what reviewers cover in a day or two."""
    n_centres = len(_in_scope(insts, CENTRE_TYPES))
    n_stations = len(_in_scope(insts, STATION_TYPES))
    centres = min(n_centres, max(1, min(MAX_CENTRES, math.ceil(n_centres * CENTRE_SHARE))))
    stations = min(n_stations, max(1, min(2 * max(centres, 1),
                                          math.ceil(n_stations * STATION_SHARE))))
    return Rule(min(1, len(_in_scope(insts, (HOSPITAL,)))), centres, stations)


def check_rule(rule: Rule) -> None:
    for value, what in ((rule.hospitals, "县级中医医院"), (rule.centres, "乡镇卫生院/社区卫生服务中心"),
                        (rule.stations, "卫生服务站/村卫生室")):
        if value < 0:
            raise ValidationError(f"抽查{what}的家数不能为负数（{value}）", table="review",
                                  field="rule", label="抽样规则")
    if rule.hospitals + rule.centres + rule.stations == 0:
        raise ValidationError("抽样规则至少要抽 1 家机构", table="review", field="rule",
                              label="抽样规则")


def _by_township(insts: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for inst in insts:
        out.setdefault(inst["township"] or "", []).append(inst)
    return out


def _round_robin(groups: dict[str, list[dict[str, Any]]], order: list[str], k: int,
                 rng: random.Random) -> list[dict[str, Any]]:
    """Up to k institutions, one per township in turn, each a random one of what is left there."""
    left = {t: list(groups[t]) for t in order if groups.get(t)}
    picked: list[dict[str, Any]] = []
    while len(picked) < k and left:
        for town in list(left):
            if len(picked) >= k:
                break
            pool = left[town]
            picked.append(pool.pop(rng.randrange(len(pool))))
            if not pool:
                del left[town]
    return picked


def draw(insts: list[dict[str, Any]], rule: Rule, seed: int) -> list[dict[str, Any]]:
    """The sample from the institutions of a year (`CountyFile.institutions_in_year`), in route
    order (hospital first, then township by township)."""
    rng = random.Random(seed)
    hospitals = _in_scope(insts, (HOSPITAL,))
    picked = rng.sample(hospitals, min(rule.hospitals, len(hospitals)))
    centres = _by_township(_in_scope(insts, CENTRE_TYPES))
    towns = sorted(centres)
    rng.shuffle(towns)
    picked_centres = _round_robin(centres, towns, rule.centres, rng)
    stations = _by_township(_in_scope(insts, STATION_TYPES))
    first = [c["township"] or "" for c in picked_centres]
    rest = sorted(t for t in stations if t not in first)
    rng.shuffle(rest)
    picked_stations = _round_robin(stations, [*dict.fromkeys(first), *rest], rule.stations, rng)
    return route_order([*picked, *picked_centres, *picked_stations])


_KIND_ORDER = {HOSPITAL: 0, "chc": 1, "township_hc": 1, "chs": 2, "village_clinic": 2}


def route_order(insts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Hospitals first, then by township in the order clerks expect (pinyin, as every list of
    the window); in a township the centre before its stations. (The draw itself goes through
    the institutions in a fixed code-point order, so a seed keeps drawing the same sample.)"""
    return sorted(insts, key=lambda i: (i["type"] != HOSPITAL, pinyin_key(i["township"]),
                                        _KIND_ORDER.get(i["type"], 3), pinyin_key(i["name"]),
                                        i["id"]))


def new_seed() -> int:
    """A seed short enough to read out and type again."""
    return random.SystemRandom().randrange(100000, 1000000)


# ---- reviews in the file --------------------------------------------------------------------

@dataclass
class Review:
    id: str
    year: int
    name: str
    review_date: str | None
    seed: int
    rule: Rule
    note: str | None
    sample: list[dict[str, Any]]  # institution rows (facts of the year) + ord, drawn, swap_note
    findings: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)


def create_review(county: CountyFile, year: int, *, seed: int, rule: Rule | None = None,
                  name: str | None = None, review_date: str | None = None) -> str:
    """Draw and store a review (one transaction); returns its id."""
    insts = county.institutions_in_year(year)
    rule = rule or default_rule(insts)
    check_rule(rule)
    sample = draw(insts, rule, seed)
    if not sample:
        raise KnownError(f"{year}年没有可抽查的机构：请先在“机构”中登记机构。")
    n = county.count("review", "year = ?", (year,))
    with county.atomic():
        rid = county.insert("review", {"year": year, "name": name or f"{year}年第{n + 1}次模拟评审",
                                       "review_date": review_date, "seed": seed,
                                       "rule": rule.to_json()})
        county.insert_many("review_inst", [
            {"review_id": rid, "institution_id": inst["id"], "ord": k}
            for k, inst in enumerate(sample, start=1)])
        county.log("新建模拟评审", table="review", record_id=rid,
                   label=f"{year}年 抽签号 {seed}，抽查 {len(sample)} 家")
    return rid


def reviews(county: CountyFile, year: int | None = None) -> list[dict[str, Any]]:
    """The reviews (of a year), oldest first."""
    where, params = ("year = ?", (year,)) if year is not None else ("", ())
    return county.rows("review", where, params, order="year, COALESCE(review_date, ''), "
                       "updated_at")


def latest(county: CountyFile, year: int) -> str | None:
    rows = reviews(county, year)
    return rows[-1]["id"] if rows else None


def load(county: CountyFile, review_id: str) -> Review:
    row = county.get("review", review_id)
    if row is None:
        raise KnownError("找不到该模拟评审（可能已被删除）。")
    facts = {i["id"]: i for i in county.institutions_in_year(row["year"])}
    names = {r["id"]: r["name"] for r in county.rows("institution", include_deleted=True)}
    sample = []
    for ri in county.rows("review_inst", "review_id = ?", (review_id,), order="ord"):
        inst = facts.get(ri["institution_id"])
        if inst is None:  # deleted or inactive since the draw: still shown, without facts
            base = county.get("institution", ri["institution_id"], include_deleted=True) or {}
            inst = {"id": ri["institution_id"], "name": base.get("name", "（已删除的机构）"),
                    "type": base.get("type", "other"), "township": base.get("township"),
                    "parent": None, "year_row": None}
        sample.append({**inst, "link_id": ri["id"], "ord": ri["ord"],
                       "drawn": names.get(ri["drawn_id"]) if ri["drawn_id"] else None,
                       "swap_note": ri["swap_note"]})
    findings = {(f["institution_id"], f["item_id"]): f for f in
                county.rows("review_finding", "review_id = ?", (review_id,))}
    return Review(row["id"], row["year"], row["name"], row["review_date"], row["seed"],
                  _stored_rule(county, row), row["note"], route_order(sample), findings)


def _stored_rule(county: CountyFile, row: dict[str, Any]) -> Rule:
    """The review's rule as stored; one that cannot be read is shown as the default rule for
    the year (the draw itself is stored apart and stays as drawn), and the file is told so."""
    try:
        return Rule.from_json(row["rule"])
    except KnownError as exc:
        rule = default_rule(county.institutions_in_year(row["year"]))
        county.notice(f"文件“{county.path.name}”中模拟评审“{row['name']}”的{exc}，"
                      f"现按默认规则显示（{rule.text()}）；抽中的机构不受影响。")
        return rule


def _read_stored(text: str) -> None:
    Rule.from_json(text)


stored.register("review", "rule", None, _read_stored)


def entered_at(county: CountyFile, review_id: str, institution_id: str,
               items: set[str] | None = None) -> tuple[int, int]:
    """(findings with a 现场结论 or a note, photos) entered for one sampled institution (on
    `items`, the ones its checklist shows): what a swap would clear."""
    rows = [f for f in county.rows("review_finding", "review_id = ? AND institution_id = ?",
                                   (review_id, institution_id))
            if items is None or f["item_id"] in items]
    pics = photos(county, review_id)
    return (sum(1 for f in rows if f["verdict"] is not None or f["note"]),
            sum(pics.get(f["id"], 0) for f in rows))


def swap(county: CountyFile, review_id: str, out_id: str, in_id: str, note: str) -> None:
    """Replace a drawn institution by hand; the one drawn and the clerk's reason are kept. The
    findings and photos entered for the one swapped out are cleared with it (one transaction):
    they describe a visit that is no longer part of the review."""
    if not note or not note.strip():
        raise ValidationError("调换说明：请写明调换的原因", table="review_inst", field="swap_note",
                              label="调换说明")
    links = county.rows("review_inst", "review_id = ?", (review_id,))
    link = next((r for r in links if r["institution_id"] == out_id), None)
    if link is None:
        raise KnownError("要调换的机构不在本次抽查名单中。")
    if any(r["institution_id"] == in_id for r in links):
        raise KnownError("换入的机构已在本次抽查名单中。")
    with county.atomic():
        county.update("review_inst", link["id"], {
            "institution_id": in_id, "drawn_id": link["drawn_id"] or out_id,
            "swap_note": note.strip()})
        for f in county.rows("review_finding", "review_id = ? AND institution_id = ?",
                             (review_id, out_id)):
            for pic in county.rows("evidence", "owner_table = 'review_finding' AND owner_id = ?",
                                   (f["id"],)):
                county.delete("evidence", pic["id"])
            county.delete("review_finding", f["id"])


def finding_id(county: CountyFile, review_id: str, institution_id: str, item_id: str) -> str:
    from db.county import stable_id

    return stable_id("review_finding", review_id, institution_id, item_id)


def set_finding(county: CountyFile, review_id: str, institution_id: str, item_id: str,
                verdict: str | None, note: str | None = None) -> str:
    """Record 符合 / 不符合 (None clears it) and a note for one item at one institution."""
    if verdict not in (None, *VERDICTS):
        raise ValidationError(f"现场结论：“{verdict}”应为 符合 或 不符合", table="review_finding",
                              field="verdict", label="现场结论")
    fid = finding_id(county, review_id, institution_id, item_id)
    county.upsert("review_finding", fid, {"review_id": review_id, "institution_id": institution_id,
                                          "item_id": item_id, "verdict": verdict,
                                          "note": (note or "").strip() or None})
    return fid


def add_photo(county: CountyFile, review_id: str, institution_id: str, item_id: str,
              filename: str, data: bytes, year: int) -> str:
    """A photo taken on site, stored in the file like other evidence, owned by the finding."""
    with county.atomic():
        fid = finding_id(county, review_id, institution_id, item_id)
        if county.get("review_finding", fid) is None:
            set_finding(county, review_id, institution_id, item_id, None)
        return county.add_evidence(filename, data, owner_table="review_finding", owner_id=fid,
                                   indicator_id=item_id, year=year)


def photos(county: CountyFile, review_id: str) -> dict[str, int]:
    """Photos per finding id."""
    rows = county.query("""SELECT e.owner_id, count(*) AS n FROM evidence e
                           JOIN review_finding f ON f.id = e.owner_id
                           WHERE e.deleted = 0 AND e.owner_table = 'review_finding'
                             AND f.review_id = ? GROUP BY e.owner_id""", (review_id,))
    return {r["owner_id"]: r["n"] for r in rows}


def fix_for_finding(item_text: str, verdict: str, book: Book, share: bool, note: str = ""
                    ) -> tuple[str, str] | None:
    """The 整改 line a finding calls for, as (整改内容, 现场情况), or None: see the module's rules.
    Its 现场情况 always says the finding as it was keyed."""
    said = f"台账为“{book.text}”" if book.text else "台账未记载"
    fill = "补报台账：" if "未填报" in (book.text or "") else "更正台账："
    if share:
        if verdict == DISAGREE and book.claims:
            return ("更正台账或按台账整改到位：" + item_text,
                    f"现场不符合{'：' + note if note else ''}，{said}")
        if verdict == AGREE and not book.claims:
            return fill + item_text, f"现场符合，{said}"
        return None
    if verdict == DISAGREE:
        return item_text, note or book.gap or "现场不符合"
    if book.verdict == DISAGREE:
        return fill + item_text, f"现场符合，{said}"
    return None


# ---- scoring the findings -------------------------------------------------------------------

@dataclass(frozen=True)
class Difference:
    """台账与现场不一致: one item at one institution."""

    institution: str
    institution_id: str
    township: str
    item_id: str
    item_code: str
    item_text: str
    books: str  # the books' figures and their verdict, in words
    books_verdict: str
    found: str
    note: str


@dataclass(frozen=True)
class Fix:
    """One line of an institution's 整改 list."""

    institution: str
    institution_id: str
    township: str
    item_id: str
    item_code: str
    what: str
    note: str
    responsible: str  # who does it
    supervisor: str  # who sees it done


@dataclass
class Outcome:
    """A review scored: the simulated score beside the books' score, the differences, 整改."""

    review: Review
    score: Score  # 模拟评审得分 (items not checked on site: the books' points, 按台账)
    books_score: Score
    on_site: set[str]  # ids of items scored from the findings
    differences: list[Difference]
    fixes: list[Fix]
    entered: int
    expected: int  # findings the checklists ask for

    @property
    def passed(self) -> bool:
        return self.score.passed

    @property
    def complete(self) -> bool:
        """Every finding the checklists ask for is in: only then is the score a result. Until
        then the review shows how far it has got (coverage_text) and no score, wherever it
        appears."""
        return self.expected > 0 and self.entered >= self.expected

    @property
    def coverage_text(self) -> str:
        return f"已核查 {self.entered}/{self.expected} 项"

    def item(self, item_id: str) -> ItemScore | None:
        return next((i for i in self.score.items if i.id == item_id), None)


def score_item(item: Item, verdicts: list[str]) -> ItemScore:
    """One item each institution must meet, from the findings at the sampled institutions in its
    scope."""
    n, bad = len(verdicts), verdicts.count(DISAGREE)
    good = n - bad
    rule = item.rule
    where = f"现场抽查 {n} 家，{bad} 家不符合"
    if item.points == 0:
        earned = 0.0
    elif bad == 0:
        earned = item.points
    elif rule.kind == "proportion":
        earned = item.points * good / n
    elif rule.kind == "per_failing":
        earned = max(item.points - rule.deduct * bad, rule.floor)
    else:
        earned = 0.0
    earned = _round(earned)
    state = (UNSCORED if item.points == 0 else SCORED if earned >= item.points
             else PARTLY if earned > 0 else ZERO)
    return ItemScore(item.id, item.code, item.section, item.text, earned, item.points, item.veto,
                     state, where, item.indicator)


def score_share(item: Item, r: Result | None, found: list[tuple[bool | None, str]]
                ) -> ItemScore:
    """A share item (`share_item`) judged by the county's figure as corrected by the sample:
    `found` holds, per sampled institution, what its books claim (`Book.claims`) and the
    finding."""
    lost = sum(1 for claims, verdict in found if claims is True and verdict == DISAGREE)
    gained = sum(1 for claims, verdict in found if claims is False and verdict == AGREE)
    where = f"现场抽查 {len(found)} 家，台账与现场不一致 {lost + gained} 家"
    if r is None or r.numerator is None or not r.denominator:
        scored = score_indicator(item, r)
        return replace(scored, reason=f"{where}；{scored.reason}")
    num = min(max(r.numerator - lost + gained, 0), r.denominator)
    value = Fraction(num, r.denominator)
    met = r.target.holds(value) if r.target is not None else None
    scored = score_indicator(item, replace(r, numerator=num, value=float(value), met=met))
    figure = (f"全县按抽查更正为 {num}/{r.denominator}（{float(value):.1%}）" if lost + gained
              else f"全县 {num}/{r.denominator}（{float(value):.1%}）")
    return replace(scored, reason=f"{where}；{figure}：{scored.reason}")


def _with_total(base: Score, items: list[ItemScore]) -> Score:
    total = _round(sum(i.points or 0 for i in items))
    return replace(base, total=total, items=tuple(items))


def _fix_for(inst: dict[str, Any], item: Item, what: str, note: str) -> Fix:
    """A 整改 line at the institution, seen done by the centre above a clinic, else the bureau."""
    parent = inst.get("parent")
    supervisor = parent if parent and inst["type"] in STATION_TYPES else BUREAU
    return Fix(inst["name"], inst["id"], inst.get("township") or "", item.id, item.code, what,
               note, inst["name"], supervisor)


def score_review(county: CountyFile, review_id: str, ev: Evaluation | None = None) -> Outcome:
    """The review's findings scored by the standard's rules, beside the books of its year."""
    from reports.judge.evaluation import evaluate

    review = load(county, review_id)
    ev = ev or evaluate(county, review.year)
    profile = profiles.get_profile(county, ev.profile_id)
    std = standard.for_county(county)
    facts = load_facts(county, review.year)
    books_score = ev.score
    assert books_score is not None
    verdicts: dict[str, list[str]] = {}
    claimed: dict[str, list[tuple[bool | None, str]]] = {}
    differences, fixes = [], []
    entered = expected = 0
    for inst in review.sample:
        for item in items_for(std, profile, inst["type"]):
            expected += 1
            f = review.findings.get((inst["id"], item.id))
            verdict = f["verdict"] if f else None
            if verdict is None:
                continue
            entered += 1
            note = (f or {}).get("note") or ""
            verdicts.setdefault(item.id, []).append(verdict)
            book = books(facts, ev, profile, item, inst)
            share = share_item(item, profile)
            if share:
                claimed.setdefault(item.id, []).append((book.claims, verdict))
            said = books_say(item, book, profile)
            if said is not None and said != verdict:
                shown = f"{said}（{book.text}）" if book.text else said
                differences.append(Difference(inst["name"], inst["id"], inst.get("township") or "",
                                              item.id, item.code, profile.relabel(item.text),
                                              shown, said, verdict, note))
            line = fix_for_finding(profile.relabel(item.text), verdict, book, share, note)
            if line is not None:
                fixes.append(_fix_for(inst, item, *line))
    items = []
    for scored in books_score.items:
        item = std.item(scored.id)
        if scored.state == OFF or item is None or scored.id not in verdicts:
            items.append(scored if scored.state == OFF else
                         replace(scored, reason=f"按台账：{scored.reason}"))
        elif scored.id in claimed:
            items.append(score_share(item, ev.result(item.indicator or ""), claimed[scored.id]))
        else:
            items.append(score_item(item, verdicts[scored.id]))
    return Outcome(review, _with_total(books_score, items), books_score, set(verdicts),
                   differences, fixes, entered, expected)


def compare(county: CountyFile, year: int | None = None) -> list[tuple[dict[str, Any], Outcome]]:
    """Every review (of a year) with its score, oldest first: 得分 over time."""
    from reports.judge.evaluation import evaluate

    out, evs = [], {}
    for row in reviews(county, year):
        ev = evs.get(row["year"]) or evs.setdefault(row["year"], evaluate(county, row["year"]))
        out.append((row, score_review(county, row["id"], ev)))
    return out


# ---- the checklists (PDF) and the findings workbook read this -------------------------------

@dataclass(frozen=True)
class Line:
    """One item of one institution's checklist, with what the books say and what was found."""

    item: Item
    text: str  # the item in the county's words
    book: Book
    verdict: str | None
    note: str
    photos: int
    said: str | None = None  # the books as 符合/不符合 beside the finding (`books_say`)


@dataclass(frozen=True)
class Sheet:
    inst: dict[str, Any]
    lines: list[Line]


def sheets(county: CountyFile, review_id: str, ev: Evaluation | None = None
           ) -> tuple[Review, list[Sheet]]:
    """Every sampled institution in route order with its checklist lines."""
    from reports.judge.evaluation import evaluate

    r = load(county, review_id)
    ev = ev or evaluate(county, r.year)
    profile = profiles.get_profile(county, ev.profile_id)
    std = standard.for_county(county)
    facts = load_facts(county, r.year)
    pics = photos(county, review_id)
    out = []
    for inst in r.sample:
        lines = []
        for item in items_for(std, profile, inst["type"]):
            f = r.findings.get((inst["id"], item.id)) or {}
            book = books(facts, ev, profile, item, inst)
            lines.append(Line(item, profile.relabel(item.text), book, f.get("verdict"),
                              f.get("note") or "", pics.get(f.get("id", ""), 0),
                              books_say(item, book, profile)))
        out.append(Sheet(inst, lines))
    return r, out
