"""文件 → 导出评分表 / 导入评分表 / 恢复国家建设标准 from the window: the year on show is judged
again under the new standard and stays selected."""

from pathlib import Path

import openpyxl
import pytest

from desktop import dialogs
from desktop.main_window import MainWindow
from tests.desktop.conftest import bar_menus


def _menu_action(window: MainWindow, text: str):
    file_menu = bar_menus(window)[0]
    return next(a for a in file_menu.actions() if a.text() == text)


def test_a_province_sheet_comes_in_and_the_national_standard_comes_back(
        window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    window.show_year(2023)
    shown: list[str] = []
    monkeypatch.setattr(dialogs, "info", lambda _p, _t, text: shown.append(text))
    monkeypatch.setattr(dialogs, "confirm", lambda *a: True)
    book = tmp_path / "评分表.xlsx"
    monkeypatch.setattr(dialogs, "save_file_name", lambda *a: str(book))
    _menu_action(window, "导出评分表(&W)…").trigger()
    assert book.exists() and "已导出评分标准" in shown[-1]

    edited = openpyxl.load_workbook(book)
    edited["标准信息"]["B7"] = 85
    province = tmp_path / "某省.xlsx"
    edited.save(province)
    monkeypatch.setattr(dialogs, "open_file_name", lambda *a: str(province))
    _menu_action(window, "导入评分表(&S)…").trigger()
    assert window.year == 2023
    assert "合格线 85 分" in window.overview.summary.text()

    _menu_action(window, "恢复国家建设标准(&Z)").trigger()
    assert window.year == 2023
    assert "合格线 80 分" in window.overview.summary.text()
