"""文件 → 打开多县汇总: choose a folder of county files and show them side by side, read-only.

A double-click on a county opens its file in a window of its own, of the same kind as the one the
summary was opened from (passed in, so this module does not import the main window).
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any

from desktop import dialogs
from desktop.rollup_window import RollupWindow


def open_rollup(window: Any) -> RollupWindow | None:
    """Ask for a folder and open the summary for the year the window shows."""
    name = dialogs.open_folder_name(window, "打开多县汇总：选择存放各县数据文件的文件夹")
    if not name:
        return None
    year = window.year if getattr(window, "county", None) is not None else \
        _dt.date.today().year - 1
    view = RollupWindow(Path(name), year, lambda path: open_county(type(window), path, view))
    _keep(window, view)
    view.show()
    view.start()
    return view


def open_county(window_class: type, path: Path, owner: Any) -> Any:
    """That county's file in its own window (as `tcmcounty FILE` would open it)."""
    county_window = window_class()
    if not county_window.open_path(path):
        county_window.deleteLater()
        return None
    _keep(owner, county_window)
    county_window.show()
    return county_window


def _keep(owner: Any, child: Any) -> None:
    """A top-level window without a parent lives only while something holds it."""
    held = owner.__dict__.setdefault("_rollup_windows", [])
    held.append(child)
