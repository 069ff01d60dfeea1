"""Every message box goes through here, so tests can replace these functions and never block."""

from __future__ import annotations

from pathlib import Path

from typing import TYPE_CHECKING

from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication, QLabel

from desktop import screen, settings

if TYPE_CHECKING:
    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QDialog, QMenu, QWidget

# Qt's dialogs (QMessageBox, QFileDialog, QInputDialog …) are loaded where a dialog is shown,
# not with the window: the bindings make each class, and all its enums, on first use.


def _fitting() -> None:
    """The dialog about to be shown fits the screen (desktop.screen): the window has every
    window watched so once it is on screen, and a dialog shown before then (a file that cannot
    be opened, at start) is watched for here."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        screen.install(app)


def error(parent: QWidget | None, title: str, text: str) -> None:
    from PySide6.QtWidgets import QMessageBox

    _fitting()
    QMessageBox.critical(parent, title, text)


def info(parent: QWidget | None, title: str, text: str) -> None:
    from PySide6.QtWidgets import QMessageBox

    _fitting()
    QMessageBox.information(parent, title, text)


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    from PySide6.QtWidgets import QMessageBox

    _fitting()
    answer = QMessageBox.question(parent, title, text)
    return answer == QMessageBox.StandardButton.Yes


def choose(parent: QWidget | None, title: str, text: str, go: str, stay: str) -> bool:
    """Two plain answers, `stay` the default (Enter, Esc): True when `go` is chosen."""
    from PySide6.QtWidgets import QMessageBox

    _fitting()
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.NoButton,
                      parent)
    go_button = box.addButton(go, QMessageBox.ButtonRole.DestructiveRole)
    stay_button = box.addButton(stay, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(stay_button)
    box.setEscapeButton(stay_button)
    box.exec()
    return box.clickedButton() is go_button


def exec_menu(menu: QMenu, at: QPoint) -> None:
    """Show a context menu at a point of the screen; tests replace this to read its entries."""
    menu.exec(at)


def exec_dialog(dialog: QDialog) -> bool:
    """Run a modal dialog; tests replace this to fill the dialog in and accept it.

    The dialog is let go once control is back in the event loop that ran the caller (who reads
    it first, and may run it again after a refusal): one made for a single use with the window
    as its parent would otherwise stay, hidden, as long as the window, a merge preview with its
    whole plan. Outside any event loop (at start-up) it stays: there the deletion would come in
    the next dialog's own loop."""
    from PySide6.QtWidgets import QDialog

    _fitting()
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    if QThread.currentThread().loopLevel() > 0:
        dialog.deleteLater()
    return accepted


def ask_int(parent: QWidget | None, title: str, label: str, value: int, low: int,
            high: int) -> int | None:
    from PySide6.QtWidgets import QInputDialog

    _fitting()
    number, ok = QInputDialog.getInt(parent, title, label, value, low, high)
    return number if ok else None


# The county file open in the window: its file dialogs all start in the folder last used by any
# of them (the clerk keeps a county's workbooks, reports and township files in one place).
_county_path: Path | None = None


def set_county_file(path: Path | None) -> None:
    global _county_path
    _county_path = path


def start_folder() -> Path:
    """The folder every file dialog starts in, for the open county file."""
    return settings.last_folder(_county_path)


def _chosen(name: str, folder: bool = False) -> str:
    if name:
        settings.remember_folder(_county_path, Path(name) if folder else Path(name).parent)
    return name


# A workbook to read: the importer reads .xlsx only, but a township's .xls or WPS .et is listed
# too (and anything under 所有文件) so that picking it gets the reason (另存为 .xlsx), not silence.
WORKBOOK_TO_OPEN = "Excel 工作簿 (*.xlsx *.xls *.et);;所有文件 (*)"


def open_file_name(parent: QWidget | None, title: str, filters: str) -> str:
    from PySide6.QtWidgets import QFileDialog

    _fitting()
    return _chosen(QFileDialog.getOpenFileName(parent, title, str(start_folder()), filters)[0])


def open_file_names(parent: QWidget | None, title: str, filters: str) -> list[str]:
    from PySide6.QtWidgets import QFileDialog

    _fitting()
    names = QFileDialog.getOpenFileNames(parent, title, str(start_folder()), filters)[0]
    if names:
        _chosen(names[0])
    return names


def open_folder_name(parent: QWidget | None, title: str) -> str:
    from PySide6.QtWidgets import QFileDialog

    _fitting()
    return _chosen(QFileDialog.getExistingDirectory(parent, title, str(start_folder())),
                   folder=True)


def save_file_name(parent: QWidget | None, title: str, suggested: str, filters: str) -> str:
    """`suggested` gives the file's name; it is offered in the start folder."""
    from PySide6.QtWidgets import QFileDialog

    _fitting()
    start = start_folder() / Path(suggested).name if suggested else start_folder()
    return _chosen(QFileDialog.getSaveFileName(parent, title, str(start), filters)[0])


def open_with_system(path: str) -> None:
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    QDesktopServices.openUrl(QUrl.fromLocalFile(path))


def ask_text(parent: QWidget | None, title: str, label: str, *suggested: str) -> str | None:
    """One line of text; `suggested` (one at most) fills the box to start with."""
    _fitting()
    from PySide6.QtWidgets import QInputDialog, QLineEdit

    text, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Normal,
                                    suggested[0] if suggested else "")
    return text.strip() if ok and text.strip() else None


def ask_item(parent: QWidget | None, title: str, label: str, items: list[str]) -> str | None:
    from PySide6.QtWidgets import QInputDialog

    _fitting()
    item, ok = QInputDialog.getItem(parent, title, label, items, 0, False)
    return item if ok and item else None


def show_text(parent: QWidget | None, title: str, text: str, *, accept: str = "") -> bool:
    """A long text (an import summary) to read; with `accept`, a button to go ahead."""
    from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPlainTextEdit, QVBoxLayout

    dialog = QDialog(parent)
    dialog.setWindowTitle(title)
    dialog.resize(760, 520)
    view = QPlainTextEdit(text)
    view.setReadOnly(True)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel if accept
                               else QDialogButtonBox.StandardButton.Close)
    if accept:
        buttons.addButton(accept, QDialogButtonBox.ButtonRole.AcceptRole)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(view)
    layout.addWidget(buttons)
    return exec_dialog(dialog)


def ask_long_text(parent: QWidget | None, title: str, label: str) -> str | None:
    from PySide6.QtWidgets import QInputDialog

    _fitting()
    text, ok = QInputDialog.getMultiLineText(parent, title, label)
    return text if ok and text.strip() else None


def error_label(parent: QWidget | None) -> QLabel:
    """The red line under a table or form where a refusal is explained."""
    label = QLabel(parent)
    label.setObjectName("message")
    label.setStyleSheet("color: #a40000;")
    label.setWordWrap(True)
    return label
