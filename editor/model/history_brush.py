"""The History Brush's pixel work: which pixels it paints back, and one dab of them.

The brush paints the active layer back as it was in the History Brush's source (a
snapshot: `Snapshots.source`, the document as it was opened unless the user chose
another) through a `brush_stroke.BrushStroke`, so Opacity, Flow, size, hardness and
the selection work as the Brush's, and a stroke is one undo step. It takes the source's
layer of the same lineage (`snapshots.lineage`) on the canvas where it lay; a layer the
source does not have, or a source of another canvas size, is refused in one line, as
Photoshop refuses. No Qt here.
"""
from __future__ import annotations

from typing import Optional

import numpy as np

from engine.box import Box

from .brush_stroke import restore
from .document import Document
from .errors import DocumentError
from .layers import AdjustmentLayer, Layer
from .snapshots import Snapshot, State, lineage

NO_LAYER = ("Could not use the history brush because the history state does not contain a "
            "corresponding layer.")
NO_SOURCE = ("Could not use the history brush: choose its source first (the brush column "
             "beside a snapshot in the History panel).")


def source_layer(doc: Document, layer: Layer, source: Optional[Snapshot] = None) -> Layer:
    """`layer` as it was in `source` (by default the History Brush's source); a one-line
    DocumentError when the source has no such pixel layer or another canvas size."""
    source = source if source is not None else doc.snapshots.source
    if source is None:
        raise DocumentError(NO_SOURCE)
    state = source.state
    found = state.find(lineage(layer))
    if not isinstance(found, Layer) or isinstance(found, AdjustmentLayer) \
            or (state.width, state.height) != (doc.width, doc.height):
        raise DocumentError(NO_LAYER)
    return found


def history_layer(state: State, source: Layer, opacity: float, locked: bool):
    """`brush_stroke.BrushStroke`'s `lay` for the History Brush: `source`'s pixels (a layer
    of snapshot state `state`, as `source_layer` found it) as they were when the snapshot
    was taken, where they lay on the canvas (transparent where it had none), at `opacity`;
    `locked`: Lock Transparent Pixels (see `brush_stroke.restore`). It reads only the dab's
    region: the source's array may be the layer being painted, which `PixelEdit.apply` has
    let the snapshot save the dab's tiles of before `lay` runs (snapshots.py)."""
    def lay(view: np.ndarray, before: np.ndarray, cover: np.ndarray, at: Box) -> None:
        restore(view, before, locked)
        history_dab(view, state.canvas_crop(source, at), cover, opacity)
    return lay


def history_dab(view: np.ndarray, source: np.ndarray, mask: np.ndarray, opacity: float) -> None:
    """Moves straight RGBA `view` towards `source` (same shape) by the dab's coverage `mask`
    times `opacity`, in place, alpha included (premultiplied, so a transparent source
    takes paint away): where the dab is full, the source's pixel replaces the view's
    exactly, even a transparent one."""
    a = mask * np.float32(opacity)
    src_w = source[..., 3].astype(np.float32) * np.float32(1 / 255) * a
    dst_w = view[..., 3].astype(np.float32) * np.float32(1 / 255) * (1.0 - a)
    out_a = src_w + dst_w
    safe = np.where(out_a > 0, out_a, 1.0)
    clear = out_a <= 0  # nothing left: the colour of whichever the dab leans to
    for c in range(3):
        src = source[..., c].astype(np.float32)
        dst = view[..., c].astype(np.float32)
        value = np.where(clear, np.where(a >= 0.5, src, dst), (src * src_w + dst * dst_w) / safe)
        view[..., c] = np.clip(np.rint(value), 0, 255).astype(np.uint8)
    view[..., 3] = np.clip(np.rint(out_a * 255.0), 0, 255).astype(np.uint8)
