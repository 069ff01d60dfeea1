"""Blocks of cells as Excel and WPS put them on the clipboard: tab-separated, CRLF line ends,
quotes around a cell that holds a tab, a line break or a quote."""

from __future__ import annotations

_SPECIAL = ("\t", "\n", "\r", '"')


def to_text(block: list[list[str]]) -> str:
    """A block as Excel copies it: cells joined by tabs, each row ended by CRLF."""
    return "".join("\t".join(_quoted(cell) for cell in row) + "\r\n" for row in block)


def _quoted(cell: str) -> str:
    if any(c in cell for c in _SPECIAL):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def from_text(text: str) -> list[list[str]]:
    """The block in clipboard text; a quoted cell may hold tabs and line breaks (Alt+Enter).

    The trailing line end Excel adds is not an extra empty row; rows are padded to one width.
    """
    rows: list[list[str]] = [[]]
    cell: list[str] = []
    i, n = 0, len(text)
    at_start = True  # at the start of a cell: only there does a quote open a quoted cell
    while i < n:
        c = text[i]
        if at_start and c == '"':
            end, value = _read_quoted(text, i)
            if end is not None:
                cell.append(value)
                i, at_start = end, False
                continue
        at_start = False
        if c == "\t":
            rows[-1].append("".join(cell))
            cell, at_start = [], True
        elif c in "\r\n":
            rows[-1].append("".join(cell))
            cell, at_start = [], True
            rows.append([])
            if c == "\r" and i + 1 < n and text[i + 1] == "\n":
                i += 1
        else:
            cell.append(c)
        i += 1
    if cell or rows[-1]:
        rows[-1].append("".join(cell))
    else:
        rows.pop()  # the line end after the last row
    width = max((len(r) for r in rows), default=0)
    return [r + [""] * (width - len(r)) for r in rows]


def _read_quoted(text: str, start: int) -> tuple[int | None, str]:
    """(index after the closing quote, the cell's text) when a well-formed quoted cell starts
    at `start` and ends at a tab, line end or the end; (None, "") when the quote is just text."""
    out: list[str] = []
    i, n = start + 1, len(text)
    while i < n:
        if text[i] == '"':
            if i + 1 < n and text[i + 1] == '"':
                out.append('"')
                i += 2
                continue
            if i + 1 == n or text[i + 1] in "\t\r\n":
                return i + 1, "".join(out)
            return None, ""
        out.append(text[i])
        i += 1
    return None, ""
