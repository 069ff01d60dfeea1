"""Judging and reporting: indicators, target profiles, the PDF report and Excel; no Qt."""
