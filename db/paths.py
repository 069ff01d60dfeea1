"""Where the program keeps its own things on this computer: machine id, backups, last file."""

from __future__ import annotations

import os
from pathlib import Path
import platform
import uuid

import platformdirs

APP = "tcmcounty"


def data_dir() -> Path:
    """The user's data folder; TCMCOUNTY_HOME moves it (tests, portable installs)."""
    override = os.environ.get("TCMCOUNTY_HOME")
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def backups_dir() -> Path:
    path = data_dir() / "backups"
    path.mkdir(parents=True, exist_ok=True)
    return path


def machine_id() -> str:
    """A random id for this computer, made once and kept in the data folder."""
    path = data_dir() / "machine-id"
    try:
        value = path.read_text(encoding="ascii").strip()
        if len(value) == 32:
            return value
    except (OSError, UnicodeDecodeError):
        pass
    value = uuid.uuid4().hex
    path.write_text(value, encoding="ascii")
    return value


def host_name() -> str:
    return platform.node() or "unknown"
