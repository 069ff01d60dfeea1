"""What the window remembers between runs (last file, geometry), kept in the data folder."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from db import paths


def settings() -> QSettings:
    return QSettings(str(paths.data_dir() / "settings.ini"), QSettings.Format.IniFormat)


def last_file() -> Path | None:
    value = settings().value("last_file")
    return Path(str(value)) if value else None


def remember_file(path: Path) -> None:
    s = settings()
    s.setValue("last_file", str(path))
    recent = [str(path)] + [p for p in _recent(s) if p != str(path)]
    s.setValue("recent_files", recent[:8])


def recent_files() -> list[Path]:
    return [Path(p) for p in _recent(settings())]


def _recent(s: QSettings) -> list[str]:
    value = s.value("recent_files") or []
    return [str(v) for v in (value if isinstance(value, list) else [value])]


def geometry() -> QByteArray | None:
    value = settings().value("geometry")
    return value if isinstance(value, QByteArray) else None


def remember_geometry(data: QByteArray) -> None:
    settings().setValue("geometry", data)
