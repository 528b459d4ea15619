"""`LayerMode`: the part every on-canvas mode working on one layer's preview shares (Free
Transform and its Warp and Puppet Warp, the Blur Gallery's blurs): it watches the
document's history while active and ends, committing nothing, when the document changes
underneath (the History panel, another window), since its preview no longer shows the
layer as it is."""
from __future__ import annotations


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
