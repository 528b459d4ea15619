"""Rows the Automate dialogs share (File > Automate > Batch, File > Scripts > Image
Processor): a folder field's Choose… button, and the action list of the chosen set."""
from __future__ import annotations

import os

from PySide6.QtWidgets import QComboBox, QLineEdit, QPushButton, QWidget

from . import dialogs


def folder_button(parent: QWidget, edit: QLineEdit) -> QPushButton:
    """A Choose… button that puts the folder picked into `edit`."""
    button = QPushButton("Choose…")

    def choose() -> None:
        folder = dialogs.ask_folder(parent, edit.text() or os.path.expanduser("~"))
        if folder:
            edit.setText(folder)
    button.clicked.connect(choose)
    return button


def fill_actions(action_box: QComboBox, sets, index: int) -> None:
    """`action_box` lists the actions of set `index` of `sets` (none for no set)."""
    action_box.clear()
    if 0 <= index < len(sets):
        action_box.addItems([a.name for a in sets[index].actions])
