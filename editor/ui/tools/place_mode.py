"""The Free Transform that File > Place Embedded (and Place Linked) starts on the layer it
placed.

As in Photoshop, placing is not finished until the transform is: Enter (or the check
button, a double-click inside, any other command) commits the place together with the
transform as one undo step, Place Embedded (or Place Linked: the step that placed it); Esc (or Ctrl+Z with no handle drag to take
back) takes the place back and leaves nothing, no layer and no Redo. Everything else is
Free Transform's (`transform.py`).
"""
from __future__ import annotations

from editor.model import commands as cmds
from editor.model.place import NAME

from .transform import TransformTool


class PlaceTool(TransformTool):
    step = NAME
    verb = "place"

    def __init__(self, window, manager, node):
        super().__init__(window, manager, node)
        # The step that added the layer: the transform joins it, a cancel takes it back.
        self._placed = window.doc.history.current()
        self.step = getattr(self._placed, "name", None) or NAME

    def commit(self, canvas) -> None:
        if canvas is None:
            return
        doc = canvas.doc
        history = doc.history
        if self._unchanged() or not doc.contains(self.node) or history.current() is not self._placed:
            return  # placed as it was drawn: the place's own step stands
        history.changed.disconnect(self._document_changed)
        try:
            parent, index = self.node.parent, self.node.index()
            history.undo()  # the layer out, then in again with its transform, in one step
            with history.macro(self.step):
                history.push(cmds.InsertNode(self.node, parent, index, self.step))
                self._apply(doc)
        except Exception as exc:
            self.window.report(exc, "Could not place the file")
        finally:
            history.changed.connect(self._document_changed)

    def cancel(self, canvas) -> None:
        super().cancel(canvas)
        if canvas is None:
            return
        history = canvas.doc.history
        if history.current() is not self._placed:
            return  # the history moved underneath (the History panel): leave it be
        history.changed.disconnect(self._document_changed)
        try:
            history.undo()
            history.discard_redo()
        finally:
            history.changed.connect(self._document_changed)
