"""The schema a county file must have, as the program ships it (resources/schema/expected.json):
always what the schema steps build, so a file is checked against exactly what a new one holds.
After a schema step is added, write it again with
`TCMCOUNTY_REGOLD=1 python -m pytest tests/db/test_structure_snapshot.py`."""

from __future__ import annotations

import json
import os

import pytest

from db import schema, structure

REGOLD = os.environ.get("TCMCOUNTY_REGOLD") == "1"


def test_the_shipped_schema_is_what_the_steps_build() -> None:
    text = structure.snapshot_text()
    if REGOLD:
        structure.SNAPSHOT.write_text(text, encoding="utf-8")
        structure._shipped.cache_clear()
    assert structure.SNAPSHOT.read_text(encoding="utf-8") == text, (
        "resources/schema/expected.json is not what the schema steps build: write it again "
        "with TCMCOUNTY_REGOLD=1 python -m pytest tests/db/test_structure_snapshot.py")
    current = schema.current_version()
    structure._shipped.cache_clear()
    assert structure.expected() == structure._built(tuple(schema.MIGRATIONS))
    assert structure._shipped(current) is not None  # read from the copy, not built


@pytest.mark.parametrize("damage", ["", "{", '{"version": 1}', '{"version": VERSION}',
                                    '{"version": VERSION, "objects": [], "columns": 3}'])
def test_a_missing_or_damaged_copy_is_built_from_the_steps(
        damage: str, tmp_path: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """The copy is read only if it is whole and of this version; otherwise the steps build it,
    as before it was shipped: never a weaker check."""
    import resources

    folder = tmp_path / "schema"  # type: ignore[operator]
    folder.mkdir()
    if damage:
        (folder / "expected.json").write_text(
            damage.replace("VERSION", str(schema.current_version())), encoding="utf-8")
    monkeypatch.setattr(resources, "resource_path", lambda *parts: tmp_path.joinpath(*parts))  # type: ignore[union-attr]
    structure._shipped.cache_clear()
    try:
        assert structure._shipped(schema.current_version()) is None
        assert structure.expected() == structure._built(tuple(schema.MIGRATIONS))
    finally:
        structure._shipped.cache_clear()


def test_the_copy_names_every_object_a_new_file_has(tmp_path: pytest.TempPathFactory) -> None:
    from db.county import CountyFile

    path = tmp_path / "new.tcmcounty"  # type: ignore[operator]
    with CountyFile.create(path, "青河县") as county:
        names = {r[0] for r in county.conn.execute(
            "SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")}
    shipped = json.loads(structure.SNAPSHOT.read_text(encoding="utf-8"))
    assert names == {n for n in shipped["objects"] if not n.startswith("sqlite_")}
