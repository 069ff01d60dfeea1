"""Names typed or pasted into the window follow the rule every writer does (db.fields): an
invisible character is removed, so a look-alike of an institution already there is refused as
the same one, and a name over 100 characters is refused naming the field."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QLabel

from desktop.main_window import MainWindow


def _add(window: MainWindow, answer: Any, name: str, township: str) -> list[str]:
    """新增机构 with `name`: the refusals the dialog said, in order, until it is saved or given
    up after a refusal (a clerk pressing 取消)."""
    said: list[str] = []

    def fill(dialog: Any) -> bool:
        refusal = dialog.findChild(QLabel, "refusal")
        if said or (refusal is not None and refusal.isVisibleTo(dialog) and refusal.text()):
            said.append(refusal.text())
            return False
        said.append("")
        dialog.name.setText(name)
        dialog.type.setCurrentIndex(dialog.type.findData("village_clinic"))
        dialog.township.setCurrentText(township)
        return True
    answer(fill)
    window.tabs.setCurrentWidget(window.institutions)
    window.institutions.add()
    return said[1:]


@pytest.mark.parametrize("mark", ["\u200b", "\ufeff", "\u202e"])
def test_a_look_alike_of_an_institution_is_refused_as_the_same_one(
        window: MainWindow, answer: Any, mark: str) -> None:
    assert window.county is not None
    there = window.county.rows("institution", "type = 'village_clinic'")[0]
    count = window.county.count("institution")
    name = there["name"][:2] + mark + there["name"][2:]
    said = _add(window, answer, name, there["township"])
    assert len(said) == 1 and f"已有名为“{there['name']}”的机构" in said[0]
    assert window.county.count("institution") == count


def test_a_typed_name_is_stored_without_its_invisible_characters(window: MainWindow,
                                                                 answer: Any) -> None:
    assert _add(window, answer, "平场镇\u200b新\u202e村卫生室", "平场镇") == []
    assert window.institutions.selected_row()["name"] == "平场镇新村卫生室"


def test_a_name_over_100_characters_is_refused_in_the_dialog(window: MainWindow,
                                                             answer: Any) -> None:
    assert window.county is not None
    count = window.county.count("institution")
    said = _add(window, answer, "院" * 101, "平场镇")
    assert len(said) == 1 and "机构名称：超过 100 个字（收到 101 个）" in said[0]
    assert window.county.count("institution") == count
