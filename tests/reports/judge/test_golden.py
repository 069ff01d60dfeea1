"""What a reviewer holds does not change by accident: the demo county's `evaluate --json` and its
PDF report are compared with copies kept in tests/fixtures/golden/.

A change that is meant to alter them (a new indicator, a new page) regenerates them with
`TCMCOUNTY_REGOLD=1 python -m pytest tests/reports/judge/test_golden.py` and says so in its commit;
a refactor never does.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
from pathlib import Path

import pytest

from db.demo import write_demo
from db.county import CountyFile
from reports.judge.evaluation import evaluate
from reports.pdf.report import write_report

GOLDEN = Path(__file__).resolve().parents[2] / "fixtures" / "golden"
TODAY = _dt.date(2025, 3, 31)
REGOLD = os.environ.get("TCMCOUNTY_REGOLD") == "1"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = write_demo(tmp_path_factory.mktemp("golden") / "青河县.tcmcounty", "small")
    county = CountyFile.open(path)
    yield county
    county.close()


def _compare(name: str, actual: str) -> None:
    path = GOLDEN / name
    if REGOLD:
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), f"{name} changed"


@pytest.mark.parametrize("year", [2023, 2024])
def test_evaluate_json_of_the_demo_county_is_unchanged(demo, year):
    body = evaluate(demo, year, today=TODAY).to_dict()
    _compare(f"demo-small-{year}.json",
             json.dumps(body, ensure_ascii=False, indent=1, sort_keys=True) + "\n")


def test_the_demo_county_report_is_unchanged_byte_for_byte(demo, tmp_path):
    out = tmp_path / "自评报告.pdf"
    write_report(demo, 2024, out, today=TODAY)
    _compare("demo-small-2024.pdf.sha256", hashlib.sha256(out.read_bytes()).hexdigest() + "\n")
