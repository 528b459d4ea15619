"""The History panel's dialogs: History Options… and New Snapshot….

History Options (Photoshop's, from the panel menu) are the flags of
`settings.HISTORY_OPTIONS`, kept in the editor's settings; New Snapshot asks a name
and what the snapshot keeps (From: Full Document, Merged Layers, Current Layer,
`snapshots.FROM_CHOICES`).
"""
from __future__ import annotations

from typing import Optional

from PySide6.QtWidgets import (QCheckBox, QDialog, QFormLayout, QLineEdit, QVBoxLayout,
                               QWidget)

from editor.model.snapshots import FROM_CHOICES

from .dialogs import keyed_combo, ok_cancel
from .settings import HISTORY_OPTIONS


class HistoryOptionsDialog(QDialog):
    """One check box per History Option (object name `HistoryOption_<key>`)."""

    def __init__(self, parent: QWidget, settings):
        super().__init__(parent)
        self.setWindowTitle("History Options")
        self.setObjectName("HistoryOptionsDialog")
        self.settings = settings
        layout = QVBoxLayout(self)
        self.boxes: dict[str, QCheckBox] = {}
        for key, (label, _default) in HISTORY_OPTIONS.items():
            box = QCheckBox(label)
            box.setObjectName(f"HistoryOption_{key}")
            box.setChecked(settings.history_option(key))
            layout.addWidget(box)
            self.boxes[key] = box
        self.boxes["non_linear"].setToolTip(
            "Going back to a step and changing the document keeps the steps after it: the "
            "new step is added at the end of the list (the kept branches use memory)")
        layout.addWidget(ok_cancel(self))

    def apply(self) -> None:
        for key, box in self.boxes.items():
            self.settings.set_history_option(key, box.isChecked())


class NewSnapshotDialog(QDialog):
    """Name and From: of a new snapshot."""

    def __init__(self, parent: QWidget, name: str):
        super().__init__(parent)
        self.setWindowTitle("New Snapshot")
        self.setObjectName("NewSnapshotDialog")
        form = QFormLayout()
        self.name = QLineEdit(name)
        self.name.setObjectName("SnapshotName")
        self.name.selectAll()
        form.addRow("Name:", self.name)
        self.source = keyed_combo("SnapshotFrom", dict(FROM_CHOICES), "full")
        form.addRow("From:", self.source)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(ok_cancel(self))
        self.setMinimumWidth(320)

    def chosen(self) -> tuple[Optional[str], str]:
        """(the name, None when left empty; the source key)."""
        return self.name.text().strip() or None, self.source.currentData()
