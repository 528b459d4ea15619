"""One open document in the window: the model, its screen renderer, and file state."""
from __future__ import annotations

import os
import uuid
from typing import Optional

from editor.model import Document
from editor.model.render import Renderer

from .samplers import ColorSamplers


class DocumentSession:
    """Everything the window keeps per open document (one tab)."""

    def __init__(self, doc: Document, title: Optional[str] = None, *, restored: bool = False):
        self.doc = doc
        self.renderer = Renderer(doc)
        self.uid = uuid.uuid4().hex[:12]
        self._title = title
        # Restored from the recovery folder: unsaved until the user saves it.
        self.restored = restored
        # Bumped on every history change; autosave compares it with what it last wrote.
        self.version = 0
        self.autosaved_version = 0
        self.canvas = None  # the CanvasView showing this document, set by the window
        # The Generate panel's inputs and candidates for this document
        # (editor.model.generate_state.GenerationState), made when the panel first shows it.
        self.generation = None
        # The view's measuring marks, not the document's (not in the history nor the file):
        # the Color Sampler's points and the Ruler's line ((x1, y1, x2, y2) image points).
        self.samplers = ColorSamplers()
        self.ruler: Optional[tuple[float, float, float, float]] = None
        doc.history.changed.connect(self._on_history)

    def _on_history(self) -> None:
        self.version += 1

    @property
    def file(self) -> Optional[str]:
        """The file the document is saved in, or the image it was opened from."""
        return self.doc.path or self.doc.source_path

    @property
    def title(self) -> str:
        if self.file:
            return os.path.basename(self.file)
        return self._title or "Untitled"

    @property
    def modified(self) -> bool:
        return self.doc.modified or self.restored

    def saved(self) -> None:
        """The document was just written to its file."""
        self.restored = False

    def close(self) -> None:
        self.doc.history.changed.disconnect(self._on_history)
        self.renderer.close()
