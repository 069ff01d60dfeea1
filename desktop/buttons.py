"""A push button with its words, made as Qt's (parent) constructor and then given its text: the
(text, parent) constructor has the bindings load QIcon, with its hundred theme-icon names, to
choose among its overloads, a millisecond of the window's start for nothing."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton, QWidget


def push_button(text: str, parent: QWidget) -> QPushButton:
    button = QPushButton(parent)
    button.setText(text)
    return button
