"""How db names an item of the scoring standard in what it tells the clerk (a merge's labels of a
已安排 action or a 模拟评审 finding): by the file's own standard's 条目 and words, as the window
does. The standard lives in reports.judge, which db cannot import; it registers its namer here
when imported. Without one (db used alone) an item is named by its id."""

from __future__ import annotations

from collections.abc import Callable
import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .county import CountyFile

Namer = Callable[[str], str]
_namers: list[Callable[[CountyFile], Namer]] = []


def register_item_namer(namer: Callable[[CountyFile], Namer]) -> None:
    """`namer(county)` gives the function naming an item id for that file's standard."""
    _namers[:] = [namer]


def item_names(county: CountyFile) -> Namer:
    """The namer of items for `county`: cached per id, and the id itself if naming fails (a
    label's words never stop a merge)."""
    if not _namers:
        return str
    try:
        named = _namers[0](county)
    except Exception:  # noqa: BLE001 - a standard the file holds may be anything
        return str

    @functools.lru_cache(maxsize=None)
    def name(ident: str) -> str:
        try:
            return named(ident)
        except Exception:  # noqa: BLE001
            return ident
    return name
