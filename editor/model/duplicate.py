"""Image > Duplicate: a new, unsaved document holding a copy of another.

The layers are copied by their own `copy` with pixels of their own (the new document is
edited in place, as any: it must not share arrays with the first), in the same tree, the
active layer's copy active; the canvas size, guides, paths, alpha channels, patterns and
global light come along (the paths, channels and patterns are immutable values, shared),
the selection and the history do not, as in Photoshop. With "Duplicate Merged Layers Only"
the copy is one layer, "Background", of what the canvas shows (`composite_document`, the
same picture Flatten Image makes).
"""
from __future__ import annotations

from .document import Document
from .layers import Group
from .render import composite_document


def duplicate_document(doc: Document, merged_only: bool = False) -> Document:
    """A copy of `doc` as a new document with no file and an empty history."""
    out = Document(doc.width, doc.height)
    if merged_only:
        out.add_image(composite_document(doc).copy(), "Background", 0, 0)
    else:
        active = None
        for i, node in enumerate(doc.root.children):
            copy = node.copy()
            out._insert(copy, out.root, i)
            pairs = zip(node.walk(), copy.walk()) if isinstance(node, Group) else ()
            for a, b in [(node, copy), *pairs]:
                if a is doc.active:
                    active = b
        out.set_active(active)
        out._set_paths(doc.paths, None)
        out._set_channels(doc.channels)
    out._set_guides(doc.guides)
    out._set_slices(doc.slices)
    out._set_patterns(doc.patterns)
    out.global_light = doc.global_light
    out.xmp, out.exif = doc.xmp, doc.exif  # (File Info: the metadata goes with the copy)
    out.resolution = doc.resolution
    out.color_mode, out.palette = doc.color_mode, doc.palette  # (Image > Mode)
    out.history.clear()  # the starting state is not an undoable step
    return out
