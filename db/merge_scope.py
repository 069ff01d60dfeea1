"""What a file merged in may change, decided before anything is written.

A township's fill-in file may bring back its own institutions and their records (figures of the
year, activities, checks, the 模拟评审 findings for its drawn institutions, their evidence). What
belongs to another township is refused, the whole merge with it; what belongs to the whole county
(a 模拟评审 or its draw, county figures, tasks, phases, target profiles, settings) is shown and
needs the county's confirmation, as does the deletion of a 模拟评审 from any file (its draw and
findings go with it) and a change of a setting (the 评分标准, the profile in use) from any file.
Which institutions are the township's is db.township's answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
import sqlite3
from typing import Any

from . import township
from .fields import TABLE_LABELS

# Records of the whole county: a township's file carries them only as the county sent them.
COUNTY_LEVEL = ("setting", "profile", "county_year", "task", "phase", "review", "review_inst")
# Records that belong to one institution through their institution_id (a 达标路径 arrangement of
# the county's own, with none, is the county's).
BY_INSTITUTION = ("institution_year", "activity", "check_review", "review_finding",
                  "planned_action")
# Evidence owned by these records belongs to the owner's institution.
OWNERS = ("activity", "review_finding")
SHOWN = 3  # examples named per kind; the rest are counted
MAX_ITEM_ID = 64  # characters of a standard's item id, as a finding names it


@dataclass(frozen=True)
class Incoming:
    """One record the merge would write from the other file (or a conflict it might)."""

    table: str
    theirs: dict[str, Any]
    mine: dict[str, Any] | None
    label: str


@dataclass
class Verdict:
    refused: list[str] = field(default_factory=list)  # sentences' parts, one per kind
    confirm: list[str] = field(default_factory=list)  # clauses, each ending with "，"


def judge(conn: sqlite3.Connection, incoming: list[Incoming], *, town: str | None,
          their_towns: dict[str, Any], other: str) -> Verdict:
    """What of `incoming` the other file (`other`, a township's file when `town` is given) may
    not change (refused) and what needs the county's confirmation."""
    verdict = Verdict()
    _item_ids(incoming, verdict)
    _review_deletions(conn, incoming, verdict)
    if town is not None:
        _Township(conn, incoming, town, their_towns, other).judge(verdict)
    else:
        _settings(incoming, verdict)
    return verdict


# The settings a clerk knows by name; any other is named by its key.
SETTING_WORDS = {"standard": "评分标准（导入的本省评分表）", "active_profile": "选用的目标方案",
                 "county_name": "县（区）名称"}


def _settings(incoming: list[Incoming], verdict: Verdict) -> None:
    """A setting changes how the whole file is judged or named (the 评分标准, the profile in
    use): asked about from any file, not only from a township's (whose rules ask already)."""
    changed = [rec for rec in incoming if rec.table == "setting"
               and not (rec.mine is None and rec.theirs.get("deleted"))]
    if changed:
        words = [SETTING_WORDS.get(str(rec.theirs.get("id")), _one_line(rec.theirs.get("id")))
                 for rec in changed]
        verdict.confirm.append(f"此次合并将改动设置（{_examples(words)}），")


def _review_deletions(conn: sqlite3.Connection, incoming: list[Incoming],
                      verdict: Verdict) -> None:
    """A 模拟评审 deleted takes its draw and findings with it: never without the county's yes,
    however few records the deletion itself is."""
    for rec in incoming:
        if rec.table != "review" or not _deletes(rec):
            continue
        rid = rec.theirs["id"]
        drawn = conn.execute("SELECT count(*) FROM review_inst WHERE review_id = ? AND deleted = 0",
                             (rid,)).fetchone()[0]
        found = conn.execute("SELECT count(*) FROM review_finding WHERE review_id = ? "
                             "AND deleted = 0", (rid,)).fetchone()[0]
        verdict.confirm.append(f"此次合并将删除模拟评审“{_one_line(rec.label)}”（连同其抽查的 {drawn} 家机构"
                               f"和 {found} 条现场结论），")
    links = [rec for rec in incoming if rec.table == "review_inst" and _deletes(rec)]
    if links:
        verdict.confirm.append(f"此次合并将从模拟评审的抽查名单中删除 {len(links)} 家机构"
                               f"（{_examples(_one_line(r.label) for r in links)}），")


def _item_ids(incoming: list[Incoming], verdict: Verdict) -> None:
    """A finding names an item of the standard by its id: a short printable word, never a
    paragraph or text that turns itself around (U+202E)."""
    bad = [rec for rec in incoming if rec.table == "review_finding"
           and not _is_item_id(rec.theirs.get("item_id"))]
    if bad:
        verdict.refused.append(f"中有 {len(bad)} 条模拟评审现场结论的评分项编号无效（"
                               f"{_examples(_one_line(r.label) for r in bad)}）")


def _is_item_id(value: Any) -> bool:
    return isinstance(value, str) and 0 < len(value) <= MAX_ITEM_ID \
        and value.isprintable() and not any(ch.isspace() for ch in value)


def _deletes(rec: Incoming) -> bool:
    return bool(rec.theirs.get("deleted")) and rec.mine is not None and not rec.mine["deleted"]


class _Township:
    """The rules for a township's file: its own institutions' records, nothing of others'."""

    def __init__(self, conn: sqlite3.Connection, incoming: list[Incoming], town: str,
                 their_towns: dict[str, Any], other: str):
        self.conn, self.incoming, self.town, self.other = conn, incoming, town, other
        self.their_towns = their_towns
        self.mine_towns = {r[0]: r[1] for r in conn.execute("SELECT id, township FROM institution")}
        self.own = township.institutions_of(conn, town) | {
            r.theirs["id"] for r in incoming
            if r.table == "institution" and r.mine is None and r.theirs.get("township") == town}
        self.by_id = {(r.table, r.theirs["id"]): r.theirs for r in incoming}
        # (review, institution) → drawn or not, where the other file changes the draw
        self.draw_changes = {(r.theirs.get("review_id"), r.theirs.get("institution_id")):
                             not r.theirs["deleted"] for r in incoming if r.table == "review_inst"}
        self.refused: dict[str, list[str]] = {}
        self.confirm: dict[str, list[str]] = {}

    def judge(self, verdict: Verdict) -> None:
        for rec in self.incoming:
            if rec.table in COUNTY_LEVEL:
                self._county_level(rec)
            elif rec.table == "institution":
                self._institution(rec)
            elif rec.table in BY_INSTITUTION:
                self._by_institution(rec)
            elif rec.table == "institution_township":
                # Which township an institution belonged to in earlier years: the county decides
                # a move, even of the township's own institutions.
                if self._belongs(rec, [rec.theirs.get("institution_id")]):
                    self._ask(rec, "（调整所属乡镇）")
            elif rec.table == "evidence":
                self._evidence(rec)
        if self.refused:
            verdict.refused.append(f"是“{self.town}”的乡镇填报文件，却带有不属于本乡镇的记录（"
                                   + "；".join(self._kinds(self.refused)) + "）")
        if self.confirm:
            verdict.confirm.append(f"“{self.other}”是“{self.town}”的乡镇填报文件，却改动了应由县里"
                                   "决定的内容（" + "；".join(self._kinds(self.confirm)) + "），")

    @staticmethod
    def _kinds(found: dict[str, list[str]]) -> Iterable[str]:
        for table, labels in found.items():
            yield f"{TABLE_LABELS.get(table, table)} {len(labels)} 条：{_examples(labels)}"

    def _refuse(self, rec: Incoming, why: str) -> None:
        self.refused.setdefault(rec.table, []).append(f"“{_one_line(rec.label)}”{why}")

    def _ask(self, rec: Incoming, why: str = "") -> None:
        self.confirm.setdefault(rec.table, []).append(f"“{_one_line(rec.label)}”{why}")

    def _where(self, inst_id: str | None) -> str:
        """"own", "moved" (the township's in their file, not in mine: moved since the file was
        made, or relabelled there) or "other"."""
        if inst_id in self.own:
            return "own"
        if inst_id is not None and self.their_towns.get(inst_id) == self.town:
            return "moved"
        return "other"

    def _belongs(self, rec: Incoming, inst_ids: Iterable[str | None]) -> bool:
        """Refuse or ask for a record of institutions not (all) the township's; True if fine."""
        places = [(i, self._where(i)) for i in inst_ids]
        for inst_id, where in places:
            if where == "other":
                self._refuse(rec, self._town_of(inst_id))
                return False
        for inst_id, where in places:
            if where == "moved":
                self._ask(rec, f"（本文件中该机构属于{self._shown_town(inst_id)}）")
                return False
        return True

    def _town_of(self, inst_id: str | None) -> str:
        if inst_id is None:
            return "（全县的记录）"
        return f"（属于{self._shown_town(inst_id)}）"

    def _shown_town(self, inst_id: str | None) -> str:
        town = self.mine_towns.get(inst_id) if inst_id in self.mine_towns \
            else self.their_towns.get(inst_id)
        return f"“{_one_line(town)}”" if town else "未填乡镇的机构"

    def _county_level(self, rec: Incoming) -> None:
        if rec.table == "review" and _deletes(rec):
            return  # asked already, with what goes with it
        self._ask(rec)

    def _institution(self, rec: Incoming) -> None:
        theirs, mine = rec.theirs, rec.mine
        if mine is None:
            if theirs.get("township") != self.town:
                self._refuse(rec, f"（属于{_shown_place(theirs.get('township'))}）")
            return
        if self._belongs(rec, [theirs["id"]]) and theirs.get("township") != self.town:
            self._ask(rec, f"（改为属于{_shown_place(theirs.get('township'))}）")

    def _by_institution(self, rec: Incoming) -> None:
        ids = {rec.theirs.get("institution_id")}
        if rec.mine is not None:
            ids.add(rec.mine.get("institution_id"))  # a record re-pointed: both must be ours
        if rec.table in ("check_review", "planned_action") and ids == {None}:
            self._ask(rec)  # a check of the county's own figures, or its own arrangement
            return
        if not self._belongs(rec, sorted(ids, key=str)):
            return
        if rec.table == "review_finding" and not self._drawn(rec.theirs):
            self._refuse(rec, "（该机构不在这次模拟评审的抽查名单中）")

    def _drawn(self, finding: dict[str, Any]) -> bool:
        """A finding is for an institution of its review's draw, as the merge leaves it."""
        key = (finding.get("review_id"), finding.get("institution_id"))
        if key in self.draw_changes:
            return self.draw_changes[key]
        return self.conn.execute(
            "SELECT 1 FROM review_inst WHERE review_id = ? AND institution_id = ? AND deleted = 0",
            key).fetchone() is not None

    def _evidence(self, rec: Incoming) -> None:
        table, owner_id = rec.theirs.get("owner_table"), rec.theirs.get("owner_id")
        if table not in OWNERS:
            self._ask(rec)  # evidence of a task, an indicator: the county's binder
            return
        owner = self.by_id.get((table, owner_id))
        if owner is None:
            row = self.conn.execute(f"SELECT institution_id FROM {table} WHERE id = ?",
                                    (owner_id,)).fetchone()
            owner = {"institution_id": row[0]} if row else None
        if owner is None:
            self._refuse(rec, "（所属的记录不存在）")
            return
        self._belongs(rec, [owner.get("institution_id")])


def _shown_place(town: Any) -> str:
    return f"“{_one_line(town)}”" if town else "未填乡镇的机构"


def _one_line(value: Any) -> str:
    text = " ".join(str(value if value is not None else "").split())
    return text if len(text) <= 40 else text[:40] + "…"


def _examples(labels: Iterable[str]) -> str:
    """The first few, then 等 if there are more (the count is said beside)."""
    labels = list(labels)
    return "、".join(labels[:SHOWN]) + (" 等" if len(labels) > SHOWN else "")
