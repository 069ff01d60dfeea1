"""Evidence files from the window: attach (all or none) and open with the system viewer."""

from __future__ import annotations

import mimetypes
from pathlib import Path
import tempfile
from typing import Any

from db.county import MAX_EVIDENCE_BYTES, CountyFile, evidence_too_big
from db.errors import KnownError
from desktop import dialogs
from reports.evidence_export import safe_name


def attach_files(county: CountyFile, files: list[Path], **owner: Any) -> None:
    """All chosen files are stored, or none (one transaction)."""
    with county.atomic():
        for path in files:
            try:
                size = path.stat().st_size
                if size > MAX_EVIDENCE_BYTES:
                    raise KnownError(f"{evidence_too_big(path.name, size)}，请压缩或拆分后再添加。")
                data = path.read_bytes()
            except OSError as exc:
                raise KnownError(f"无法读取文件“{path.name}”：{exc.strerror or exc}。") from None
            county.add_evidence(path.name, data, mime=mimetypes.guess_type(path.name)[0], **owner)


def open_evidence(county: CountyFile, where: str, params: tuple[Any, ...]) -> bool:
    """Write the evidence files to a temporary folder and open each with the system viewer."""
    items = county.rows("evidence", where, params)
    if not items:
        return False
    folder = Path(tempfile.mkdtemp(prefix="tcmcounty-"))
    for item in items:
        target = folder / safe_name(item["filename"])
        target.write_bytes(county.evidence_data(item["id"]))
        dialogs.open_with_system(str(target))
    return True
