"""Files this computer has seen whole: the content (SHA-256) of each county file as the last full
check passed it or as this program last closed it after writing only through its own checks.

Opening a county file checks every page, every index against its table and every value (db.county
verify_file): 0.5 s for a county ten times the large demo, on every start. A file whose bytes
are exactly those seen whole here needs only its schema compared (0.6 ms) and its hash taken
(0.04 s at that size). One changed byte anywhere (a bit flipped on a USB stick, a copy from
another office put in its place, an edit by another program) changes the hash, and the full check
runs as before.

The record is in the program's data folder, one entry per path, the newest few kept. It is a
cache: lost, unreadable or from another version of the checks, it is ignored, and nothing else
depends on it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from . import paths

KEEP = 50  # paths remembered
# Raised whenever db.structure or the checks in db.county grow stricter, so a file passed by
# the older checks is checked again by the new ones.
CHECKS = 1
_NAME = "verified.json"
# Read and hashed 16 MB at a time, into one buffer. Both leave the interpreter to other threads
# while they work, but each piece must take it back, and while the window's thread is busy
# (importing Qt, at a start) a thread waits up to Python's switch interval (5 ms) for it: in
# 1 MB pieces the 10× county's 54 MB kept the window waiting 19 ms for its check, in 16 MB 2 ms.
_CHUNK = 16 << 20


def fingerprint(path: Path) -> str:
    """The file's content as a SHA-256 hex digest."""
    digest = hashlib.sha256()
    with open(path, "rb", buffering=0) as f:
        size = os.fstat(f.fileno()).st_size
        buffer = bytearray(min(_CHUNK, max(size, 1)))  # a small file: no 16 MB buffer
        view = memoryview(buffer)
        while n := f.readinto(buffer):
            digest.update(view[:n])
    return digest.hexdigest()


def _record() -> Path:
    return paths.data_dir() / _NAME


def _read() -> dict[str, Any]:
    try:
        data = json.loads(_record().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("checks") != CHECKS:
        return {}
    files = data.get("files")
    return files if isinstance(files, dict) else {}


def _key(path: Path) -> str:
    return str(Path(path).resolve())


def seen_whole(path: Path, digest: str, version: int) -> bool:
    """Whether `path` with exactly this content and schema version was seen whole here."""
    entry = _read().get(_key(path))
    return (isinstance(entry, dict) and entry.get("sha256") == digest
            and entry.get("version") == version)


def remember(path: Path, digest: str, version: int, stamp: str) -> None:
    """Note `path`'s content as seen whole. Never fails: a folder that cannot be written only
    means the next opening checks in full."""
    files = _read()
    files.pop(_key(path), None)
    files[_key(path)] = {"sha256": digest, "version": version, "at": stamp}
    kept = dict(list(files.items())[-KEEP:])
    target = _record()
    tmp = target.with_name(f"{_NAME}.{os.getpid()}.part")
    with contextlib.suppress(OSError):
        tmp.write_text(json.dumps({"checks": CHECKS, "files": kept}, ensure_ascii=False),
                       encoding="utf-8")
        os.replace(tmp, target)
    with contextlib.suppress(OSError):
        tmp.unlink(missing_ok=True)

