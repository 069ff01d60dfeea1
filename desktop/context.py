"""What every tab needs to show the selected year: the file, the year, and its judgement."""

from __future__ import annotations

from dataclasses import dataclass, field
import datetime as _dt

from db.county import CountyFile
from reports.judge.evaluation import evaluate, with_last_year
from reports.judge.facts import Facts, facts_until, load_facts
from reports.judge.progress import Progress, progress
from reports.judge.results import Evaluation
from reports.judge import standard as standards


@dataclass
class Context:
    county: CountyFile
    year: int
    evaluation: Evaluation
    # indicator id -> institution id -> what it would take to pass
    failing: dict[str, dict[str, str]] = field(default_factory=dict)
    # In a township's fill-in file, what only the county's merged data can judge (items and
    # indicators; decided in reports/judge/scoring.county_level).
    county_level: frozenset[str] = frozenset()
    # 填报进度 of the year: read once, for the judgement's 未填报 and the tab alike
    progress: Progress | None = None
    # the year's facts the judgement read: the tabs that count from them read no more
    facts: Facts | None = None
    # the file's own standard (an imported 评分表, else the shipped one): what names its items
    standard: standards.Standard = field(default_factory=standards.shipped)
    # Whether each result carries last year's value (总览's 上年): the window judges the year
    # without them, shows it, and adds them once it is on screen (complete_last_year).
    last_year_done: bool = True
    _to_date: dict[_dt.date, Facts] = field(default_factory=dict)
    _towns: dict[str, str | None] | None = None

    @classmethod
    def load(cls, county: CountyFile, year: int, *, last_year: bool = True) -> Context:
        """The year judged. `last_year` False: without last year's values beside the results,
        which reading and judging the year before would take as long again (a third of the
        window's start on a large county); `complete_last_year` adds them."""
        facts = load_facts(county, year, logged=True)
        state = progress(county, year, facts.institutions)
        result = evaluate(county, year, state=state, facts=facts, last_year=last_year)
        state = result.progress  # with the figures the indicators wait for
        county_level = result.county_level
        # Cells are marked for what falls short and for what has not been reported alike.
        failing = {
            r.id: {f.institution_id: (f.gap or "未达标") for f in (*r.failing, *r.not_reported)}
            for r in result.results if r.id not in county_level
        }
        return cls(county, year, result, failing, county_level, state, facts,
                   standards.for_county(county), last_year_done=last_year)

    def complete_last_year(self) -> bool:
        """Last year's value beside each result, if `load` left them out; False if there was
        nothing to add (or the file has been closed meanwhile)."""
        if self.last_year_done or not self.county.is_open:
            return False
        self.evaluation = with_last_year(self.county, self.evaluation, self.standard)
        self.last_year_done = True
        return True

    def year_facts(self) -> Facts:
        if self.facts is None:
            self.facts = load_facts(self.county, self.year)
        return self.facts

    def facts_to(self, day: _dt.date) -> Facts:
        """The year's facts with activities up to `day` (yearly minimums against the share of
        the year gone): counted once for the context, however many tabs ask (达标路径, 填报进度)."""
        if day not in self._to_date:
            self._to_date[day] = facts_until(self.year_facts(), day)
        return self._to_date[day]

    def townships(self) -> dict[str, str | None]:
        """Each institution counted in the year → its township that year (the judgement's, so
        the same as reports.plan.path.townships)."""
        if self._towns is None:
            self._towns = {i["id"]: i["township"] for i in self.year_facts().institutions}
        return self._towns

    def cite(self, ident: str, name: str | None = None) -> str:
        """An indicator or item as the window names it: the file's standard's 条目 and words
        (二（一）6 医联体覆盖人口比例), never the program's id (standard.cite)."""
        return standards.cite(self.standard, ident, name)

    def gap(self, indicator_ids: tuple[str, ...], institution_id: str) -> str | None:
        """Why this institution fails any of these indicators, in the bureau's words."""
        reasons = []
        for ind in indicator_ids:
            gap = self.failing.get(ind, {}).get(institution_id)
            if gap:
                result = self.evaluation.result(ind)
                reasons.append(f"{self.cite(ind, result.name if result else None)}：{gap}")
        return "\n".join(reasons) or None
