"""帮助 → 关于: the version, and the licence of everything the program carries."""

from __future__ import annotations

import json

from PySide6.QtWidgets import QWidget

from desktop import __version__, dialogs
from resources import resource_path

TITLE = "中医药示范县创建自评"


def show_about(parent: QWidget) -> None:
    dialogs.info(parent, "关于", about_text())


def about_text() -> str:
    """Version, and the licence of everything the program carries, from resources/licenses/."""
    from html import escape

    licenses = resource_path("licenses")
    index = json.loads((licenses / "index.json").read_text(encoding="utf-8"))
    carried = "、".join(escape(f"{e['name']} {e['version']}（{e['license']}）") for e in index)
    system = ""
    if (licenses / "system").is_dir():  # Linux bundles: the system libraries they carry
        system = "；随程序附带的系统库的版权说明在其中的 system 文件夹"
    return (
        f"<h3>{TITLE}</h3><p>版本 {__version__}</p>"
        "<p>全国基层中医药工作示范县创建自评工具。离线使用，不联网。</p>"
        "<p><b>字体</b>：文泉驿微米黑 WenQuanYi Micro Hei 0.2.0-beta，Apache License 2.0"
        f"（许可证全文：{escape(str(resource_path('fonts', 'LICENSE-wqy-microhei.txt')))}）。</p>"
        f"<p><b>第三方软件</b>：{carried}。</p>"
        f"<p>各许可证全文在 {escape(str(licenses))}{system}。</p>"
    )
