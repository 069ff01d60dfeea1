"""The printed self-evaluation report (自评报告): where a page's layout lives.

`report` writes the PDF; `data` gathers what it prints; `sections` builds the story section by
section; `layout` holds the page, styles and tables; `charts` and `fonts` what their names say.
May import `reports.judge`, `reports.plan`, `db` and `resources`; never `reports.excel`.
"""
