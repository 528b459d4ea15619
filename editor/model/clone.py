"""The Clone Stamp's pixel work: where a stroke copies from, and one dab of copied pixels.

Alt+click sets the source point; a stroke copies from the source at a fixed
offset from the pointer. Aligned (Photoshop's default): the offset is taken at
the first stroke after the source was set and kept for every later stroke, so
strokes carry on one copy; not aligned: every stroke starts again at the source
point. The pixels copied are a snapshot taken when the stroke starts (the
active layer's; with Sample: Current & Below, what the active layer and those
under it show; with All Layers, what the canvas shows), so a stroke never copies
what it has just painted. The Healing Brush and the Patch tool copy from the
same snapshot. No Qt here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np

from engine.box import Box

from .brush_stroke import restore
from .document import Document
from .edit_ops import placed
from .errors import DocumentError
from .layers import Layer
from .render import composite_document, composite_nodes, nodes_below

NO_SOURCE = ("Alt+click where to clone from first: the Clone Stamp copies from the "
             "point you Alt+click.")


class CloneSource:
    """The source point (canvas pixels) and the offset strokes copy at."""

    def __init__(self) -> None:
        self.point: Optional[tuple[int, int]] = None
        self.offset: Optional[tuple[int, int]] = None  # source minus destination

    def set(self, x: float, y: float) -> None:
        """Alt+click: the next stroke copies from here."""
        self.point = (int(np.floor(x)), int(np.floor(y)))
        self.offset = None

    def start_stroke(self, x: float, y: float, aligned: bool) -> tuple[int, int]:
        """The offset the stroke pressed at (x, y) copies at (a DocumentError when no source
        was set). Whole pixels: a copy at 100 % is exact, never resampled."""
        if self.point is None:
            raise DocumentError(NO_SOURCE)
        if self.offset is None or not aligned:
            self.offset = (self.point[0] - int(np.floor(x)), self.point[1] - int(np.floor(y)))
        return self.offset


@dataclass
class Snapshot:
    """Straight RGBA pixels lying on canvas box `box`: what a stroke copies from."""
    pixels: np.ndarray
    box: Box

    def region(self, box: Box) -> np.ndarray:
        """The pixels of canvas box `box`, transparent where the snapshot does not reach."""
        return placed(self.pixels, self.box, box)


# Photoshop's Sample menu: (value, label). `True` and `False` stand for "all" and "current".
SAMPLES = (("current", "Current Layer"), ("below", "Current & Below"), ("all", "All Layers"))


def snapshot(doc: Document, layer: Layer, sample) -> Snapshot:
    """What a stroke on `layer` copies from: with `sample` "current" (or False) its own
    pixels, "below" what it and the layers under it show, "all" (or True) what the canvas
    shows."""
    if sample is True or sample == "all":
        return Snapshot(composite_document(doc), doc.canvas)
    if sample == "below":
        assert layer.parent is not None
        nodes = nodes_below(doc.root, layer.parent, layer.index() + 1)
        return Snapshot(composite_nodes(nodes, doc.canvas), doc.canvas)
    return Snapshot(layer.pixels.copy(), layer.bounds())


def clone_layer(source: Snapshot, offset: tuple[int, int], opacity: float, locked: bool):
    """`brush_stroke.BrushStroke`'s `lay` for the Clone Stamp: `source`'s pixels at
    `offset` (source minus destination, canvas pixels) laid at `opacity`; `locked`: Lock
    Transparent Pixels (see `brush_stroke.restore`)."""
    def lay(view: np.ndarray, before: np.ndarray, cover: np.ndarray, at: Box) -> None:
        restore(view, before, locked)
        clone_dab(view, source.region(at.translate(*offset)), cover, opacity)
    return lay


def clone_dab(view: np.ndarray, source: np.ndarray, mask: np.ndarray, opacity: float) -> None:
    """Lays the straight RGBA `source` over straight RGBA `view` (same shape) through the
    dab's coverage `mask` at `opacity`, in place: where the dab is full, an opaque source
    replaces the pixel exactly."""
    a = mask * np.float32(opacity) * (source[..., 3].astype(np.float32) * np.float32(1 / 255))
    dst_a = view[..., 3].astype(np.float32) * np.float32(1 / 255)
    keep = dst_a * (1.0 - a)
    out_a = a + keep
    safe = np.where(out_a > 0, out_a, 1.0)
    for c in range(3):
        value = (source[..., c].astype(np.float32) * a + view[..., c].astype(np.float32) * keep) / safe
        view[..., c] = np.clip(np.rint(value), 0, 255).astype(np.uint8)
    view[..., 3] = np.clip(np.rint(out_a * 255.0), 0, 255).astype(np.uint8)
