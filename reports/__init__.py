"""Judging and reporting, with no Qt: one sub-package per job.

- `reports.judge`: the catalogue of indicators, target profiles, one year's facts, evaluation,
  gaps and the words results are shown in. Stands on `db` only.
- `reports.excel`: workbooks in and out (vocabulary, importer, export, fill-in template).
- `reports.plan`: the creation plan (tasks, phases, task-list parsers) and the evidence binder.
- `reports.pdf`: the printed self-evaluation report. Stands on `judge` and `plan`.

`excel` and `plan` stand on `judge` and `db`, `plan` on `excel` for task lists in workbooks;
nothing in `judge` imports from the others.
"""

import logging

# A library leaves printing to the program: no "last resort" lines on a clerk's terminal.
logging.getLogger(__name__).addHandler(logging.NullHandler())
