"""Data files the program ships (profiles, font, icons); `resource_path` finds them anywhere."""

from __future__ import annotations

from pathlib import Path
import sys


def resource_path(*parts: str) -> Path:
    """The path of a shipped resource, from source, an installed package or a frozen bundle."""
    base = getattr(sys, "_MEIPASS", None)
    root = Path(base) / "resources" if base else Path(__file__).resolve().parent
    return root.joinpath(*parts)
