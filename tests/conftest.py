"""Test setup: Qt offscreen before any Qt import, and a private data folder per test."""

import os

# Offscreen on the commonest bureau screen, 1366×768 (Qt's offscreen default is 800×600), so
# tests see whether windows fit it.
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = ("offscreen:configfile="
                                     + os.path.join(os.path.dirname(__file__),
                                                    "screen-1366x768.json"))

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _private_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own data folder, so no test sees another's backups or machine id."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("TCMCOUNTY_HOME", str(home))
    return home
