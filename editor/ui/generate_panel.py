"""The Generate panel: where prompts for the generative engine will be typed.

The engine is connected in its own piece of work; until then the panel shows
the controls disabled and says so. It already follows the selection box,
which is the area a generated layer will fill. Nothing here imports the
engine or torch: that happens only when a job runs.
"""
from __future__ import annotations

from PySide6.QtWidgets import (QComboBox, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout,
                               QWidget)

METHODS = (
    ("add_foreground", "Add an object with its shadow (BFS)"),
    ("layered_generate", "Generate, then split into layers (LayeringDiff)"),
    ("layered_edit", "Edit subject and background by text (LayerDiffusion)"),
)


class GeneratePanel(QWidget):
    def __init__(self, services):
        super().__init__()
        self.setObjectName("DockBody")
        self.services = services
        self.session = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(8)
        title = QLabel("METHOD")
        title.setObjectName("SectionTitle")
        layout.addWidget(title)
        self.method = QComboBox()
        for key, label in METHODS:
            self.method.addItem(label, key)
        layout.addWidget(self.method)
        prompt = QLabel("PROMPT")
        prompt.setObjectName("SectionTitle")
        layout.addWidget(prompt)
        self.prompt = QPlainTextEdit()
        self.prompt.setPlaceholderText("a red vintage car parked by the kerb")
        self.prompt.setMaximumHeight(90)
        layout.addWidget(self.prompt)
        self.area = QLabel()
        self.area.setObjectName("Dim")
        self.area.setWordWrap(True)
        layout.addWidget(self.area)
        self.generate = QPushButton("Generate")
        self.generate.setObjectName("Primary")
        self.generate.setEnabled(False)
        layout.addWidget(self.generate)
        note = QLabel("The generation engine is not connected to the editor yet.")
        note.setObjectName("Dim")
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addStretch(1)
        self.set_session(None)

    def set_session(self, session) -> None:
        if self.session is not None:
            self.session.doc.selection_changed.disconnect(self._show_area)
        self.session = session
        if session is not None:
            session.doc.selection_changed.connect(self._show_area)
        self._show_area(session.doc.selection if session is not None else None)

    def _show_area(self, box) -> None:
        if self.session is None:
            self.area.setText("Open or create a document first.")
        elif box is None:
            self.area.setText("Target area: draw a box with the Rectangular Marquee (M).")
        else:
            self.area.setText(f"Target area: {box.w} × {box.h} px at {box.x}, {box.y}.")
