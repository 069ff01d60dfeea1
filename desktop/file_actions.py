"""文件 → 新建 and 打开: choosing a county file, or making an empty one, for the window; and the
demo county to look around in."""

from __future__ import annotations

from pathlib import Path
import re

from db import paths
from db.county import CountyFile
from db.demo import write_demo
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
    county = dialogs.ask_text(window, "新建县级数据文件", "县（区）名称：", county_from_name(path))
    if not county:
        return
    try:
        CountyFile.create(path, county).close()
    except KnownError as exc:
        dialogs.error(window, "无法新建文件", str(exc))
        return
    window.open_path(path)


def county_from_name(path: Path) -> str:
    """The county a new file's name gives (东江县.tcmcounty, 东江县2026年.tcmcounty → 东江县;
    鄂伦春自治旗数据 → 鄂伦春自治旗), to start the 名称 box with; "" when it names none."""
    found = re.match(r"\s*(\S{1,}?(?:县|区|市|旗))", path.stem)
    return found[1] if found else ""


def open_file(window: Host) -> None:
    name = dialogs.open_file_name(window, "打开县级数据文件", FILE_FILTER)
    if name:
        window.open_path(Path(name))


def demo_copy() -> Path:
    """The user's own copy of the demo county, made on first run."""
    target = paths.data_dir() / "示例县-青河县.tcmcounty"
    if not target.exists():
        write_demo(target, "small")
    return target


def open_demo(window: Host) -> None:
    window.open_path(demo_copy())
