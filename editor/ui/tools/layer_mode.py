"""`LayerMode`: the part every on-canvas mode working on one layer's preview shares (Free
Transform and its Warp and Puppet Warp, the Blur Gallery's blurs): it watches the
document's history while active and ends, committing nothing, when the document changes
underneath (the History panel, another window), since its preview no longer shows the
layer as it is; Enter commits it and Esc leaves it."""
from __future__ import annotations

from PySide6.QtCore import Qt


class LayerMode:
    """Mixed into a `Tool` used as a ToolManager mode; `activate` sets `_canvas` and
    `_preview` and calls `_watch(canvas)`."""

    _canvas = None
    _preview = None

    def _watch(self, canvas) -> None:
        canvas.doc.history.changed.connect(self._document_changed)

    def deactivate(self, canvas) -> None:
        if self._canvas is not None:
            self._canvas.doc.history.changed.disconnect(self._document_changed)
            self._canvas.update()
        self._canvas = None
        self._preview = None

    def _document_changed(self) -> None:
        self.manager.end_mode(commit=False)

    def _ends_mode(self, key) -> bool:
        """Enter commits the mode, Esc leaves it committing nothing; True when `key` did."""
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape):
            self.manager.end_mode(commit=key != Qt.Key.Key_Escape)
            return True
        return False
