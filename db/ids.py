"""Record ids that every copy of a county file computes alike (an institution's facts for a year,
a check's 已核实 mark, an earlier township), so records made apart merge into one."""

from __future__ import annotations

import uuid

NAMESPACE = uuid.UUID("5d1f4a5e-7c1b-4e0b-9a59-2b7f0c9e6d11")


def stable_id(*parts: object) -> str:
    """An id that two copies of a file compute alike (e.g. one institution's facts for a year)."""
    return uuid.uuid5(NAMESPACE, "/".join(str(p) for p in parts)).hex
