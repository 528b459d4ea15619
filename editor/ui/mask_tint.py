"""Colour tints the canvas lays over the picture where a mask says: the Quick Mask paint
(red where painted) and a layer mask's rubylith (backslash: red where the mask hides).

Both are a `TintView`: the colour at full resolution, premultiplied, with power-of-two
reductions (`Pyramid`), kept current box by box as the mask is painted, so a brush stroke
on a large picture updates only the dabs' boxes. Neither is a layer nor in the history;
the document never sees them.
"""
from __future__ import annotations

from typing import Optional

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter

from engine.box import Box

from .pyramid import Pyramid

# Photoshop's default for Quick Mask and for Layer Mask Display Options: red at 50 %.
TINT = (230, 40, 40)
TINT_OPACITY = 0.5


class TintView:
    """`colour` at `opacity` times `strength(box)` (uint8 0..255) over the canvas, as an
    ARGB32-premultiplied pyramid. Subclasses say how big the tinted area is (`shape`) and
    how strong the tint is in a box (`strength`)."""

    def __init__(self, colour: tuple[int, int, int] = TINT, opacity: float = TINT_OPACITY):
        self.colour = tuple(int(c) for c in colour)
        self.opacity = float(opacity)
        self._array: Optional[np.ndarray] = None
        self.pyramid: Optional[Pyramid] = None

    def shape(self) -> Optional[tuple[int, int]]:
        """(H, W) of the tinted area (canvas pixels from 0, 0); None: nothing to tint."""
        raise NotImplementedError

    def strength(self, box: Box) -> np.ndarray:
        """How much tint (uint8 0..255) inside `box`, which lies within `shape()`."""
        raise NotImplementedError

    def set_colour(self, colour: tuple[int, int, int], opacity: float) -> None:
        self.colour, self.opacity = tuple(int(c) for c in colour), float(opacity)
        self.refresh(None)

    def refresh(self, box: Optional[Box]) -> None:
        """The mask changed inside canvas `box` (None: everywhere, or it appeared or went)."""
        shape = self.shape()
        if shape is None:
            self._array = self.pyramid = None
            return
        if self._array is None or self._array.shape[:2] != shape:
            self._array = np.zeros(shape + (4,), np.uint8)
            self.pyramid = None
            box = None
        region = Box(0, 0, shape[1], shape[0])
        if box is not None:
            region = box.clip(shape[1], shape[0])
            if region.is_empty():
                return
        a = self.strength(region).astype(np.float32) * self.opacity
        out = self._array[region.slices()]
        for channel, value in zip((2, 1, 0), self.colour):  # memory order B, G, R, A
            out[..., channel] = np.rint(a * (value / 255.0)).astype(np.uint8)
        out[..., 3] = np.rint(a).astype(np.uint8)
        if self.pyramid is None:
            self.pyramid = Pyramid(self._array)
        else:
            self.pyramid.update(region)

    def paint(self, canvas, painter: QPainter, area: QRectF) -> None:
        if self.pyramid is not None:
            canvas.draw_pyramid(painter, self.pyramid, area)


class QuickMaskTint(TintView):
    """The Quick Mask paint (`Document.selection_mask`): tinted where painted. Outside
    Quick Mask a new selection only marks it stale (`invalidate`) and the first paint
    works it out: a 12 Mpx soft selection's tint takes ~0.15 s of the GUI thread, which a
    Magic Wand click or Color Range's result need not pay for a tint nobody sees."""

    def __init__(self, doc):
        super().__init__()
        self.doc = doc
        self.stale = False
        self.refresh(None)

    def refresh(self, box: Optional[Box]) -> None:
        if self.stale:
            box, self.stale = None, False  # (a box alone would leave the rest stale)
        super().refresh(box)

    def invalidate(self) -> None:
        """The mask changed while the tint is not shown: worked out when it is."""
        self.stale = True

    def paint(self, canvas, painter: QPainter, area: QRectF) -> None:
        if self.stale:
            self.refresh(None)
        super().paint(canvas, painter, area)

    def shape(self) -> Optional[tuple[int, int]]:
        mask = self.doc.selection_mask
        return None if mask is None else mask.shape

    def strength(self, box: Box) -> np.ndarray:
        return self.doc.selection_mask[box.slices()]


class LayerMaskTint(TintView):
    """Photoshop's rubylith: `node`'s layer mask over the whole canvas, tinted where it
    hides (255 - its stored values; density and feather, which Properties applies when
    compositing, are not shown, as the mask seen alone does not show them either)."""

    def __init__(self, doc, node, colour: tuple[int, int, int] = TINT,
                 opacity: float = TINT_OPACITY):
        super().__init__(colour, opacity)
        self.doc, self.node = doc, node
        self._mask = node.mask
        self._bounds = node.mask.bounds() if node.mask is not None else None
        self.refresh(None)

    def shape(self) -> Optional[tuple[int, int]]:
        if self.node.mask is None:
            return None
        return (max(1, self.doc.height), max(1, self.doc.width))

    def strength(self, box: Box) -> np.ndarray:
        return 255 - self.node.mask.raw_crop(box)

    def follow(self) -> None:
        """The mask was replaced, moved with its layer or had a flag changed: redone where
        it was and where it is now (beyond its box it is one value, which a move keeps).
        A flag (density, feather, enabled: `SetMaskAttr`) leaves the stored values and the
        box as they were, so nothing is redone for it; strokes come box by box through
        `refresh` (`Document.mask_pixels_changed`)."""
        mask = self.node.mask
        if mask is not self._mask or mask is None or self._bounds is None:
            self.refresh(None)
        elif mask.bounds() != self._bounds:
            self.refresh(self._bounds.union(mask.bounds()))
        self._mask = mask
        self._bounds = mask.bounds() if mask is not None else None
