"""The "Select Subject" button of the Object Selection and Quick Selection tools' options
bars: Select > Subject (`SelectCommands.select_subject`) from the tool, as in Photoshop.
Shift held on the click adds the subject to the selection instead of replacing it."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton


class _ShiftAwareButton(QToolButton):
    """Remembers the keys held when it was clicked (`modifiers`): the application's own
    modifier state is not reliable at the time `clicked` is handled."""

    def __init__(self):
        super().__init__()
        self.modifiers = Qt.KeyboardModifier.NoModifier

    def mousePressEvent(self, ev) -> None:
        self.modifiers = ev.modifiers()
        super().mousePressEvent(ev)

    def keyPressEvent(self, ev) -> None:
        self.modifiers = ev.modifiers()   # Space on the focused button
        super().keyPressEvent(ev)


def subject_button(tool, sample_all: Callable[[], bool]) -> QToolButton:
    """The button for `tool`'s options bar; `sample_all()` says whether the tool looks at
    what the canvas shows (Sample All Layers) or the active layer. The job it starts is
    kept as `tool.job` (tests wait for it)."""
    button = _ShiftAwareButton()
    button.setObjectName(f"{tool.id}_select_subject")
    button.setText("Select Subject")
    button.setToolTip("Select the picture's main subject (Shift adds it to the selection)")

    def clicked() -> None:
        add = bool(button.modifiers & Qt.KeyboardModifier.ShiftModifier)
        button.modifiers = Qt.KeyboardModifier.NoModifier  # a later click() is a plain one
        tool.job = tool.window.select_commands.select_subject("add" if add else "replace",
                                                              sample_all())

    button.clicked.connect(clicked)
    return button
