"""Small hand-built counties for the indicator tests: each expected number is visible in the test."""

from __future__ import annotations

import datetime as _dt
import itertools
import os
from pathlib import Path
import tempfile
from typing import Any

import pytest

from db.county import CountyFile
from reports.judge.evaluation import evaluate
from reports.judge.results import Evaluation, Result

# Hypothesis would otherwise write .hypothesis/ into the working tree, which pytest (with this
# repo's norecursedirs) then warns about, and warnings are errors.
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY",
                      str(Path(tempfile.gettempdir()) / "tcmcounty-hypothesis"))

YEAR = 2024
TODAY = _dt.date(2024, 6, 30)
_titles = itertools.count(1)


@pytest.fixture
def county(tmp_path: Path):
    c = CountyFile.create(tmp_path / "测试县.tcmcounty", "测试县")
    yield c
    c.close()


def inst(county: CountyFile, name: str, type_: str, facts: dict[str, Any] | None = None, *,
         year: int = YEAR, **fields: Any) -> str:
    """An institution, with its figures for `year` unless `facts` is None (nothing reported)."""
    iid = county.insert("institution", {"name": name, "type": type_, **fields})
    if facts is not None:
        county.set_institution_year(iid, year, facts)
    return iid


def act(county: CountyFile, inst_id: str, kind: str, date: str = "2024-05-10", *,
        title: str | None = None, people: int | None = None, tcm: int = 1) -> str:
    """One activity; a fresh title unless given, so counts and distinct titles agree."""
    return county.insert("activity", {
        "institution_id": inst_id, "date": date, "kind": kind,
        "title": title if title is not None else f"{kind}{next(_titles)}",
        "people": people, "tcm_content": tcm,
    })


def run(county: CountyFile, year: int = YEAR, profile: str | None = None) -> Evaluation:
    return evaluate(county, year, profile, today=TODAY)


def result(county: CountyFile, ind_id: str, year: int = YEAR,
           profile: str | None = None) -> Result:
    found = run(county, year, profile).result(ind_id)
    assert found is not None, f"{ind_id} missing from the evaluation"
    return found


def failing(res: Result) -> dict[str, tuple[Any, str | None]]:
    """Failing institutions as {name: (value, gap)}, for compact assertions."""
    return {f.institution: (f.value, f.gap) for f in res.failing}


def waiting(res: Result) -> dict[str, str | None]:
    """Institutions that have not reported what the indicator reads, as {name: what is missing}."""
    return {f.institution: f.gap for f in res.not_reported}
