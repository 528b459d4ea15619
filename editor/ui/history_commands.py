"""Edit > Undo and Redo (Ctrl+Z, Shift+Ctrl+Z / Ctrl+Y), named after the step they undo,
and Toggle Last State (Alt+Ctrl+Z: the state current before this one, `History.toggle_last`).

A tool mode that keeps its own steps (Free Transform, Quick Mask) takes them first, and
the Pen its anchors while a path is being drawn; otherwise the document's history does,
except while the pointer is pressed on the canvas (a stroke being painted is not a step
yet). Their enabling and texts are the
rules `actions.can_undo` and `actions.undo_label` (and redo's) over the context.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .window_api import EditorWindow


class HistoryCommands:
    def __init__(self, window: "EditorWindow"):
        self.window = window

    def _pointer_busy(self) -> bool:
        canvas = self.window.canvas
        return canvas is not None and canvas._pressed

    def undo(self) -> None:
        w = self.window
        mode = w.tools.mode
        if mode is not None:
            if not mode.step_back():
                w.tools.end_mode(commit=False)
            return
        tool = w.tools.current  # the Pen mid-path takes its last anchor back
        if hasattr(tool, "step_back") and tool.step_back():
            return
        if w.doc is not None and not self._pointer_busy():
            w.doc.history.undo()

    def redo(self) -> None:
        w = self.window
        mode = w.tools.mode
        if mode is not None and hasattr(mode, "step_forward"):
            mode.step_forward()
            return
        if mode is None and w.doc is not None and not self._pointer_busy():
            w.doc.history.redo()

    def toggle_last_state(self) -> None:
        """Edit > Toggle Last State (nothing while a tool mode such as Free Transform keeps
        its own steps: Undo and Redo walk those)."""
        w = self.window
        if w.tools.mode is None and w.doc is not None and not self._pointer_busy():
            w.doc.history.toggle_last()
