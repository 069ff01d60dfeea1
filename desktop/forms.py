"""The shape every small edit dialog shares: a form, a red line for a refusal, then 确定 / 取消."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout


def finish_form(dialog: QDialog, form: QFormLayout) -> None:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    refusal = QLabel(dialog)
    refusal.setObjectName("refusal")
    refusal.setStyleSheet("color: #a40000;")
    refusal.setWordWrap(True)
    refusal.hide()
    layout = QVBoxLayout(dialog)
    layout.addLayout(form)
    layout.addWidget(refusal)
    layout.addWidget(buttons)


def show_refusal(dialog: QDialog, text: str) -> None:
    """Say in the dialog why what was typed was not saved; the fields keep what was typed."""
    label = dialog.findChild(QLabel, "refusal")
    if label is not None:
        label.setText(f"未保存：{text}")
        label.show()
        # A dialog once sized (widened to show its title) keeps its height, and the fields
        # would give up theirs to the reason's lines: it grows to hold both instead.
        layout = dialog.layout()
        if layout is not None and layout.hasHeightForWidth():
            need = layout.totalHeightForWidth(dialog.width())
            if need > dialog.height():
                dialog.resize(dialog.width(), need)
