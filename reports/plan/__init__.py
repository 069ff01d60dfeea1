"""The creation plan: tasks, phases and task lists read from a plan's text, a pasted Word table or
Excel (`tasks`), and the reviewers' evidence binder written as folders with an index
(`evidence`). May import `reports.judge`, `reports.excel` (a task list in a workbook is read with the
importer's bounded reader), `db` and `resources`; never `reports.pdf`.
"""
