"""Qt's own words (buttons of standard dialogs, the file dialogs) are Chinese, from the
translations PySide6 ships, loaded at start."""

from pathlib import Path

from PySide6.QtWidgets import (QApplication, QDialogButtonBox, QFileDialog, QLabel, QPushButton,
                               QTreeView)
from pytestqt.qtbot import QtBot

from db.county import CountyFile
from desktop.app import load_chinese_translations


def test_standard_buttons_say_queding_and_quxiao(qapp: QApplication, qtbot: QtBot) -> None:
    assert load_chinese_translations(qapp)
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                           | QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    ok = box.button(QDialogButtonBox.StandardButton.Ok).text().replace("&", "")
    cancel = box.button(QDialogButtonBox.StandardButton.Cancel).text().replace("&", "")
    assert ok.startswith("确定") and cancel.startswith("取消")


def test_the_file_dialog_speaks_chinese(qapp: QApplication, qtbot: QtBot) -> None:
    assert load_chinese_translations(qapp)
    dialog = QFileDialog(None, "打开县级数据文件")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dialog)
    words = {w.text().replace("&", "") for w in dialog.findChildren(QLabel)}
    words |= {b.text().replace("&", "") for b in dialog.findChildren(QPushButton)}
    assert any("文件名" in w for w in words), words
    assert any("打开" in w for w in words), words
    assert not any(w.startswith(("File name", "Look in", "Open", "Cancel")) for w in words)


def test_the_file_dialog_says_wenjianjia_and_shows_the_type_whole(
        qapp: QApplication, qtbot: QtBot, tmp_path: Path) -> None:
    """Issue 27: "Folder" was English and "SQLite3 数据库" read "SQ…据库" in the 类型 column."""
    from desktop import screen

    assert load_chinese_translations(qapp)
    screen.install(qapp)
    (tmp_path / "各乡镇").mkdir()
    CountyFile.create(tmp_path / "青河县.tcmcounty", "青河县").close()
    dialog = QFileDialog(None, "打开县级数据文件", str(tmp_path))
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.setViewMode(QFileDialog.ViewMode.Detail)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    tree = dialog.findChild(QTreeView, "treeView")
    model = tree.model()

    def row_of(name: str) -> int | None:
        root = tree.rootIndex()
        return next((r for r in range(model.rowCount(root))
                     if model.index(r, 0, root).data() == name), None)
    qtbot.waitUntil(lambda: row_of("各乡镇") is not None and row_of("青河县.tcmcounty") is not None)
    root = tree.rootIndex()
    assert model.index(row_of("各乡镇"), 2, root).data() == "文件夹"
    for column in (1, 2):  # 体积 ("744.0 KiB", was "744…KiB") and 类型
        words = model.index(row_of("青河县.tcmcounty"), column, root).data()
        assert tree.header().sectionSize(column) >= \
            tree.fontMetrics().horizontalAdvance(words) + 8, words


def test_sizes_and_dates_in_the_file_dialog_are_chinese_on_a_pc_set_to_english(
        tmp_path: Path) -> None:
    """On Linux Qt says a file's size and date as the session's locale does ("6 bytes",
    "6 Dec 2026"); the program sets messages, dates and numbers to Chinese before Qt starts,
    leaving the character type (which input methods read) as it was."""
    import os
    import subprocess
    import sys

    from desktop.app import chinese_locale

    env = {"LC_ALL": "en_US.UTF-8", "LC_TIME": "de_DE.UTF-8"}
    chinese_locale(env, "linux")
    assert env == {"LC_CTYPE": "en_US.UTF-8", "LANG": "en_US.UTF-8", "LC_TIME": "zh_CN.UTF-8",
                   "LC_MESSAGES": "zh_CN.UTF-8", "LC_NUMERIC": "zh_CN.UTF-8"}
    chinese = {"LANG": "zh_CN.UTF-8"}
    chinese_locale(chinese, "linux")
    assert chinese == {"LANG": "zh_CN.UTF-8"}  # a Chinese session is left alone
    windows = {"LANG": "en_US"}
    chinese_locale(windows, "win32")
    assert windows == {"LANG": "en_US"}

    code = ("from desktop.app import make_app\n"
            "from PySide6.QtCore import QLocale, QDate\n"
            "app = make_app()\n"
            "loc = QLocale.system()\n"
            "print(loc.name(), loc.formattedDataSize(6), loc.toString(QDate(2026, 12, 6),"
            " QLocale.FormatType.ShortFormat))\n")
    run_env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG"))}
    run_env.update({"LC_ALL": "C.UTF-8", "QT_QPA_PLATFORM": "offscreen"})
    out = subprocess.run([sys.executable, "-c", code], env=run_env, capture_output=True,
                         text=True, cwd=Path(__file__).resolve().parents[2], check=True)
    if sys.platform.startswith("linux"):
        assert out.stdout.split() == ["zh_CN", "6", "字节", "2026/12/6"], out.stdout
