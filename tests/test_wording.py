"""Words a user reads are the standard's and the bureau's, never ours: nothing on screen, in a
report, a workbook or a command's output says 种子 (our sampling's seed, or the county documents
this program was drawn from)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ("desktop", "reports", "db", "resources")


def test_no_shipped_text_says_seed_in_chinese() -> None:
    found = []
    for folder in SHIPPED:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix not in {".py", ".html", ".json", ".yaml", ".yml", ".toml", ".txt",
                                   ".md", ".csv"} or "__pycache__" in path.parts:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                # 种子种苗: the seeds of medicinal herbs a county plan grows, the one honest use
                if "种子" in line.replace("种子种苗", ""):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []
