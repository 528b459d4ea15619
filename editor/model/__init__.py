"""The document model: layers, groups, selection, undoable commands, compositing, files.

No widgets here: the command line and tests use this package headless, and
the UI only observes it (signals) and changes it through its operations.
"""
from .document import Document, LockedError
from .errors import DocumentError, FileFormatError, ImageTooLarge, SaveError
from .layers import BLEND_MODES, GROUP_BLEND_MODES, Group, Layer, LayerMask, Node

__all__ = [
    "Document", "LockedError", "DocumentError", "FileFormatError", "ImageTooLarge", "SaveError",
    "BLEND_MODES", "GROUP_BLEND_MODES", "Group", "Layer", "LayerMask", "Node",
]
