"""A short soak in the suite (issue 22): the real program on the large demo county, a clerk doing
random things for a while from a fixed seed, then 文件 → 退出. The 2,000-action soak is
tests/benchmarks/soak.py; both are tests/desktop/soak.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.desktop.soak import run_soak

ACTIONS = 100


@pytest.mark.slow
def test_a_clerk_at_the_program_for_a_while_then_quitting(tmp_path: Path) -> None:
    outcome = run_soak(ACTIONS, seed=22, work=tmp_path / "soak", timeout=900)
    report = outcome.summary()
    assert outcome.exit_code == 0, report
    assert not outcome.fatal and not outcome.said.strip(), report
    assert outcome.crash_logs == [], report  # a quit leaves no session log behind
    assert outcome.integrity == "ok", report
    assert outcome.anomalies == [], report  # no exception, no Qt warning, no odd refusal
    # The file holds exactly what the clerk saw saved, and nothing else changed.
    assert outcome.differences == [], report
    assert outcome.cells > 10, report
    done = outcome.counts
    for kind in ("type_count", "paste_block", "undo", "switch_year", "failing_list", "scroll"):
        assert done.get(kind, 0) > 0, report
