"""Workbooks in and out: where a header synonym or an Excel refusal lives.

`vocab` is the contract's vocabulary (headers, synonyms, value words, reading one cell);
`importer` reads a workbook into a plan of changes and applies it in one transaction; `export`
writes a year's data and results; `template` writes the fill-in workbook. May import
`reports.judge`, `db` and `resources`; never `reports.pdf` or `reports.plan` (which
stands on this package).
"""
