"""The county file: one SQLite document per county, with no Qt and no network."""
