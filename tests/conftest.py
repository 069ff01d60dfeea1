"""Test setup: Qt offscreen before any Qt import, and a private data folder per test."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _private_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own data folder, so no test sees another's backups or machine id."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("TCMCOUNTY_HOME", str(home))
    return home
