"""The program's own ids of indicators and items (A1–D11, B9…, G01–G17, H1) and its letters for
the catalogue's parts (A. 服务网络), as a reader would meet them in text: the report's and the
window's tests look for them, since a reviewer's words are the standard's 条目 (二（一）6)."""

from __future__ import annotations

from collections.abc import Iterable
import re

from reports.judge import standard as standards
from reports.judge.catalogue import BY_ID


def pattern(item_ids: Iterable[str] = ()) -> re.Pattern[str]:
    """Every catalogue id and every item id of the shipped standard (and of `item_ids`: an
    imported 评分表's), each as a word of its own: 二（一）6, 2024年 or B超室 never match; B8,
    G05★ or “A1 中医馆设置率” do."""
    ids = sorted({*BY_ID, *(i.id for i in standards.shipped().items), *item_ids},
                 key=len, reverse=True)
    return re.compile(rf"(?<![A-Za-z0-9])(?:{'|'.join(map(re.escape, ids))})(?![A-Za-z0-9])"
                      # and the letters of the program's parts: “A. 服务网络”
                      r"|(?<![A-Za-z0-9])[A-D]\.\s*[\u4e00-\u9fff]")


INTERNAL_ID = pattern()


def internal_ids(text: str, found: re.Pattern[str] = INTERNAL_ID) -> list[str]:
    """Each id found, with the words around it, for a message that shows where it is."""
    return [text[max(m.start() - 15, 0):m.end() + 15] for m in found.finditer(text)]
