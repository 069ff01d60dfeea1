"""Qt's own words (buttons of standard dialogs, the file dialogs) are Chinese, from the
translations PySide6 ships, loaded at start."""

from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog, QLabel, QPushButton
from pytestqt.qtbot import QtBot

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
