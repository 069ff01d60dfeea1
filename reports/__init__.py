"""Judging and reporting: indicators, target profiles, the PDF report and Excel; no Qt."""

import logging

# A library leaves printing to the program: no "last resort" lines on a clerk's terminal.
logging.getLogger(__name__).addHandler(logging.NullHandler())
