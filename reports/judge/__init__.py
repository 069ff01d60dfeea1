"""Judging a county's year: where a score or a target is decided.

Owns the catalogue (`catalogue`), target profiles (`profiles`), the facts of a year (`facts`),
the computation and judgement of every indicator (`evaluation`), what an institution or the
county still lacks (`gaps`), the results (`results`), the D1–D5 activity matrix (`matrix`) and
how numbers and results read in Chinese (`wording`). May import `db` and `resources`; never
`reports.excel`, `reports.plan` or `reports.pdf`.
"""

# Each module that reads a value the county file keeps as JSON (the 评分标准, target profiles,
# 模拟评审 rules) registers its parser with db.stored as it is imported, so that a merge checks
# an incoming value with the parser that reads it later: registered with the package, so that
# no merge in a process that judges runs without them. 模拟评审 (reports.judge.review) is not
# needed to judge a year: its parser is registered here and imports it when first asked.
from typing import Any  # noqa: E402

from db import stored  # noqa: E402
from reports.judge import profiles, standard  # noqa: E402,F401


def _review_rule(text: str) -> Any:
    from reports.judge.review import _read_stored

    return _read_stored(text)


stored.register("review", "rule", None, _review_rule)
