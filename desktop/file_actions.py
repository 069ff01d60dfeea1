"""文件 → 新建 and 打开: choosing a county file, or making an empty one, for the window."""

from __future__ import annotations

from pathlib import Path

from db.county import CountyFile
from db.errors import KnownError
from desktop import dialogs
from desktop.host import Host

FILE_FILTER = "县级数据文件 (*.tcmcounty);;所有文件 (*)"


def new_file(window: Host) -> None:
    name = dialogs.save_file_name(window, "新建县级数据文件", "", FILE_FILTER)
    if not name:
        return
    path = Path(name)
    if path.suffix != ".tcmcounty":
        path = path.with_suffix(".tcmcounty")
    county = dialogs.ask_text(window, "新建县级数据文件", "县（区）名称：")
    if not county:
        return
    try:
        CountyFile.create(path, county).close()
    except KnownError as exc:
        dialogs.error(window, "无法新建文件", str(exc))
        return
    window.open_path(path)


def open_file(window: Host) -> None:
    name = dialogs.open_file_name(window, "打开县级数据文件", FILE_FILTER)
    if name:
        window.open_path(Path(name))
