"""Chinese fonts for the PDF report: the bundled WenQuanYi Micro Hei, embedded as a subset.

On a Windows PC that has 仿宋 and 黑体 installed the report uses them, as official documents do;
it never depends on them, and the bundled font covers every character either way.
"""

from __future__ import annotations

from dataclasses import dataclass
import functools
import logging
import os
from pathlib import Path
import sys

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from resources import resource_path

log = logging.getLogger(__name__)

BUNDLED = "WenQuanYiMicroHei"
BUNDLED_FILE = ("fonts", "wqy-microhei.ttc")

# Set to 1 to ignore the fonts a PC has installed (tests, a report that must match another PC's).
BUNDLED_ONLY_ENV = "TCMCOUNTY_BUNDLED_FONT_ONLY"


@dataclass(frozen=True)
class FontSet:
    """Registered font names: running text, headings, tables."""

    body: str
    heading: str
    table: str


def _register(name: str, path: Path, index: int = 0) -> str | None:
    try:
        # reportlab subsets TrueType fonts on embedding: only the glyphs used go into the PDF.
        pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=index))
    except (OSError, TTFError) as exc:
        log.warning("font %s unusable: %s", path, exc)
        return None
    # One weight only: <b> in a paragraph must not look for a bold file that does not exist.
    pdfmetrics.registerFontFamily(name, normal=name, bold=name, italic=name, boldItalic=name)
    return name


def _windows_fonts_dir() -> Path | None:
    if sys.platform != "win32" or os.environ.get(BUNDLED_ONLY_ENV) == "1":
        return None
    folder = Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"
    return folder if folder.is_dir() else None


@functools.cache
def fonts() -> FontSet:
    """Register the fonts once per process and say which to use for what."""
    bundled = _register(BUNDLED, resource_path(*BUNDLED_FILE))
    if bundled is None:
        raise RuntimeError(f"bundled font {resource_path(*BUNDLED_FILE)} is missing or damaged")
    body = heading = table = bundled
    folder = _windows_fonts_dir()
    if folder is not None:
        body = _optional("FangSong", folder / "simfang.ttf") or bundled
        heading = _optional("SimHei", folder / "simhei.ttf") or bundled
        table = _optional("SimSun", folder / "simsun.ttc") or bundled
    return FontSet(body, heading, table)


def _optional(name: str, path: Path) -> str | None:
    return _register(name, path) if path.is_file() else None
