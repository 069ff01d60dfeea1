"""What the window remembers between runs (last file, geometry, per county file the year and
the folder its file dialogs last used), kept in the data folder."""

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
    recent = ([str(path)] + [p for p in _recent(s) if p != str(path)])[:8]
    if s.value("last_file") == str(path) and _recent(s) == recent:
        return  # reopening the same file: the settings file is not written again (and synced)
    s.setValue("last_file", str(path))
    s.setValue("recent_files", recent)


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


# ---- per county file: the year being looked at, and the folder its file dialogs last used ----

def _file_key(path: Path) -> str:
    """A settings key for one county file (its resolved path, hashed: a path's slashes and
    colons would otherwise become groups in the ini file)."""
    import hashlib

    return hashlib.sha1(str(Path(path).resolve()).encode("utf-8")).hexdigest()[:16]


def chosen_year(path: Path) -> int | None:
    value = settings().value(f"files/{_file_key(path)}/year")
    try:
        return int(str(value)) if value is not None else None
    except ValueError:
        return None


def remember_year(path: Path, year: int) -> None:
    if chosen_year(path) != int(year):  # unchanged: no write (each is synced to disk)
        settings().setValue(f"files/{_file_key(path)}/year", int(year))


def last_folder(path: Path | None) -> Path:
    """Where every file dialog starts: the folder last used by any of them for this county
    file (导入评分表 opens where 导出评分表 just wrote), else the last one used at all, else the
    user's Documents (never the program's folder or the working folder)."""
    s = settings()
    for key in ([f"files/{_file_key(path)}/folder"] if path is not None else []) + ["folder"]:
        value = s.value(key)
        if value and Path(str(value)).is_dir():
            return Path(str(value))
    return documents_folder()


def remember_folder(path: Path | None, chosen: Path) -> None:
    s = settings()
    if path is not None:
        s.setValue(f"files/{_file_key(path)}/folder", str(chosen))
    s.setValue("folder", str(chosen))


def documents_folder() -> Path:
    from PySide6.QtCore import QStandardPaths

    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(found) if found and Path(found).is_dir() else Path.home()
