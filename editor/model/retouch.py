"""A stroke of a retouching brush (Dodge, Burn, Sponge, Blur, Sharpen, Smudge, Color
Replacement) on a pixel layer, dab by dab: the brush's round dab (`editor.model.dabs`),
times the selection's coverage, changes the pixels under it through the stroke's
`PixelEdit` (so the stroke is one undo step and Lock Transparent Pixels holds). Each
tool's own maths is a subclass's `paint`; these tools change colours only, never alpha.
No Qt here.
"""
from __future__ import annotations

from typing import Iterable

import numpy as np

from engine.box import Box

from .commands import PixelEdit
from .dabs import dab_mask
from .document import Document
from .edit_ops import SelectionCoverage
from .layers import Layer


class RetouchStroke:
    """One stroke: `dabs(centres)` for every stretch of the pointer's path (canvas pixels)."""

    def __init__(self, doc: Document, layer: Layer, edit: PixelEdit, size: float,
                 hardness: float) -> None:
        self.doc, self.layer, self.edit = doc, layer, edit
        self.size, self.hardness = float(size), float(hardness)
        self.selection = SelectionCoverage(doc)

    def dabs(self, centres: Iterable[tuple[float, float]]) -> None:
        layer = self.layer
        for cx, cy in centres:
            self.dab(cx - layer.x, cy - layer.y)

    def dab(self, x: float, y: float) -> None:
        """One dab centred at layer-local (x, y)."""
        mask, box = dab_mask(x, y, self.size, self.hardness)
        self.apply_dab(mask, box)

    def apply_dab(self, mask: np.ndarray, box: Box) -> None:
        """Runs `paint` on the part of the dab (coverage `mask` on layer-local `box`) that
        lies on the layer and in the selection."""
        layer = self.layer
        local = box.clip(layer.width, layer.height)
        if local.is_empty():
            return
        weight = mask[local.translate(-box.x, -box.y).slices()]
        selected = self.selection.of(local.translate(layer.x, layer.y))
        if selected is not None:
            weight = weight * selected
            if not weight.any():
                return
        self.edit.apply(self.doc, local, lambda view: self.paint(view, local, weight))

    def paint(self, view: np.ndarray, local: Box, weight: np.ndarray) -> None:
        """Changes the colours of `view` (the layer's pixels on layer-local box `local`; its
        alpha may read 255 under Lock Transparent Pixels: read alpha from the layer) by the
        dab's coverage `weight`, in place."""
        raise NotImplementedError


def write_rgb(view: np.ndarray, rgb: np.ndarray) -> None:
    """Rounds float colours (0..255) into `view`'s colour channels."""
    np.clip(rgb, 0.0, 255.0, out=rgb)
    view[..., :3] = np.rint(rgb).astype(np.uint8)
