"""The soak (issue 22): 2,000 random clerk actions on the large demo county in one window of the
real program, then 文件 → 退出. Not collected by pytest (tests/desktop/test_soak.py runs a short
one in the suite).

    python tests/benchmarks/soak.py [ACTIONS] [--seed S]

Prints the run's length and outcome (exit code, "Fatal" on stderr, integrity_check, whether the
file holds exactly the edits made, the quit time) and exits 0 when it passed. The same seed
gives the same actions. Files go to $TCMCOUNTY_BENCH_DIR/tcmcounty-soak (default: the temp folder).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
import sys
import tempfile

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.desktop.soak import run_soak  # noqa: E402


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("actions", type=int, nargs="?", default=2000)
    parser.add_argument("--seed", type=int, default=22)
    args = parser.parse_args(argv)
    work = Path(os.environ.get("TCMCOUNTY_BENCH_DIR", tempfile.gettempdir())) / "tcmcounty-soak"
    outcome = run_soak(args.actions, args.seed, work)
    print(outcome.summary())
    return 0 if outcome.passed else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
