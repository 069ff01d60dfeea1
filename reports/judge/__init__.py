"""Judging a county's year: where a score or a target is decided.

Owns the catalogue (`catalogue`), target profiles (`profiles`), the facts of a year (`facts`),
the computation and judgement of every indicator (`evaluation`), what an institution or the
county still lacks (`gaps`), the results (`results`), the D1–D5 activity matrix (`matrix`) and
how numbers and results read in Chinese (`wording`). May import `db` and `resources`; never
`reports.excel`, `reports.plan` or `reports.pdf`.
"""
