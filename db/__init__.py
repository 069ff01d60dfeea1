"""The county file: one SQLite document per county, with no Qt and no network."""

import logging

# A library leaves printing to the program: no "last resort" lines on a clerk's terminal.
logging.getLogger(__name__).addHandler(logging.NullHandler())
