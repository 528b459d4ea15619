"""The document model: layers, groups, selection, undoable commands, compositing, files.

No widgets here: the command line and tests use this package headless, and
the UI only observes it (signals) and changes it through its operations.

One declared Qt dependency: `render` composites with QtGui's QImage and
QPainter (no widgets, no QApplication), measured 6-90x faster than numpy or
numba (bench/bench_document.py). QtGui loads on the first composite, not on
import, so verbs that never composite start without it; the numpy reference
the tests hold it to is tests/reference_compositing.py.

Engine operations live here as one module each (`generate_apply`,
`decompose_apply`, `layered_apply`): prepare -> run -> apply as one undo
step, called by the UI and the verbs alike (docs/adding_a_method.md).
"""
from .document import Document, LockedError
from .errors import DocumentError, FileFormatError, ImageTooLarge, SaveError
from .layers import (BLEND_MODES, GROUP_BLEND_MODES, AdjustmentLayer, FillLayer, Group, Layer,
                     LayerMask, Node)

__all__ = [
    "Document", "LockedError", "DocumentError", "FileFormatError", "ImageTooLarge", "SaveError",
    "BLEND_MODES", "GROUP_BLEND_MODES", "AdjustmentLayer", "FillLayer", "Group", "Layer",
    "LayerMask", "Node",
]
