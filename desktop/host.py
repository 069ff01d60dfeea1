"""What the actions behind the menus need of the main window, and nothing more: the open county
file and year, a place to say what happened, and a way to open or reload a file. Actions take
this, so they live beside their dialogs without importing the window."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from PySide6.QtWidgets import QStatusBar

    from db.county import CountyFile
    from desktop.undo import EditHistory
    from desktop.worker import Runner


class Host(Protocol):
    """The main window as the actions see it (it is also the parent of their dialogs)."""

    county: CountyFile | None
    jobs: Runner
    history: EditHistory  # 撤销 / 重做; an action that cannot be undone tells it (cannot_undo)

    @property
    def year(self) -> int: ...

    def statusBar(self) -> QStatusBar: ...  # noqa: N802 (Qt name)

    def open_path(self, path: Path) -> bool:
        """Open a county file in the window; False (the user told why) if it could not be."""

    def close_county(self) -> None:
        """Let go of the open file (before it is replaced on disk)."""

    def show_year(self, year: int, tab: str | None = None) -> None:
        """Select a year in the window, and a tab by its key (e.g. "progress") if given."""

    def reload_years(self) -> None:
        """The file changed under the window (import, merge): read its years and judge again."""
