"""The about box names the licence of everything the installed app carries, with the texts beside it."""

import json

from desktop.about import about_text
from resources import resource_path


def test_about_names_every_bundled_library_and_its_licence() -> None:
    index = json.loads(resource_path("licenses", "index.json").read_text(encoding="utf-8"))
    text = about_text()
    names = {entry["name"] for entry in index}
    assert {"Python", "Qt", "ReportLab", "openpyxl", "sqlite-utils", "platformdirs"} <= names
    for entry in index:
        assert f"{entry['name']} {entry['version']}（{entry['license']}）" in text
    assert "WenQuanYi" in text and "Apache License 2.0" in text


def test_every_licence_text_named_is_shipped() -> None:
    index = json.loads(resource_path("licenses", "index.json").read_text(encoding="utf-8"))
    for entry in index:
        sizes = [resource_path("licenses", name).stat().st_size for name in entry["files"]]
        assert max(sizes, default=0) > 500, entry["name"]  # a licence, not just an authors list
