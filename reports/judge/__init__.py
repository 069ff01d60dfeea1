"""Judging a county's year: where a score or a target is decided.

Owns the catalogue (`catalogue`), target profiles (`profiles`), the facts of a year (`facts`),
the computation and judgement of every indicator (`evaluation`), what an institution or the
county still lacks (`gaps`), the results (`results`), the D1–D5 activity matrix (`matrix`) and
how numbers and results read in Chinese (`wording`). May import `db` and `resources`; never
`reports.excel`, `reports.plan` or `reports.pdf`.
"""

# Each module that reads a value the county file keeps as JSON (the 评分标准, target profiles,
# 模拟评审 rules) registers its parser with db.stored as it is imported, so that a merge checks
# an incoming value with the parser that reads it later: imported with the package, so that no
# merge in a process that judges runs without them.
from reports.judge import profiles, review, standard  # noqa: E402,F401
