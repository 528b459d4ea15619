"""File > Revert: the document's content replaced by its file's, as one undoable step.

The file is read into a document of its own (`files.open_document`, on a worker thread in
the window); `revert(doc, loaded)` then puts the loaded layers, canvas size, selection,
guides, paths, alpha channels and patterns into `doc` through the History panel's own
step, `snapshots.RestoreState` (one path for "the whole document becomes that state"), so
Undo brings back everything that was there, as Photoshop's Revert (a History step since
CS6). The reverted document is marked unmodified: it equals its file.
"""
from __future__ import annotations

from .document import Document
from .snapshots import RestoreState, capture


def revert(doc: Document, loaded: Document) -> None:
    """Makes `doc` hold what `loaded` (its file, just read) holds: one undo step "Revert"."""
    doc.history.push(RestoreState(capture(loaded), "Revert"))
    # Photoshop's global light is a file setting, not a history step: it follows the file.
    doc.global_light = loaded.global_light
    doc.resolution = loaded.resolution
    doc.xmp, doc.exif = loaded.xmp, loaded.exif  # File Info's metadata, as the file has it
    doc.history.mark_clean()
