"""The Pattern Stamp's pixel work: one dab of a pattern, tiled as a Pattern fill tiles it.

The stroke is a `brush_stroke.BrushStroke` (size, hardness, Opacity, Flow, the
selection, one undo step); its `lay` puts the pattern's tiles (`patterns.tile`, 100 %,
unturned) under the dab and lays them as the Clone Stamp lays its copy (`clone.clone_dab`).
Aligned (Photoshop's default): the tiles are anchored to the canvas's corner, so every
stroke carries on the same tiling; not aligned: each stroke starts the pattern's corner
at its first dab. No Qt here.
"""
from __future__ import annotations

import math

import numpy as np

from engine.box import Box

from .brush_stroke import restore
from .clone import clone_dab
from .patterns import Pattern, tile

NO_PATTERN = ("Define a pattern first (Edit > Define Pattern): the Pattern Stamp paints "
              "the pattern chosen in the options bar.")


def stroke_phase(aligned: bool, x: float, y: float) -> tuple[int, int]:
    """Where the pattern's corner lies for a stroke pressed at canvas point (x, y): the
    canvas's corner when `aligned`, else the pixel pressed (whole pixels: the tiles are
    copied exactly, never resampled)."""
    return (0, 0) if aligned else (int(math.floor(x)), int(math.floor(y)))


def pattern_layer(pattern: Pattern, phase: tuple[int, int], opacity: float, locked: bool):
    """`brush_stroke.BrushStroke`'s `lay` for the Pattern Stamp: `pattern` tiled from canvas
    point `phase`, laid at `opacity`; `locked`: Lock Transparent Pixels (see
    `brush_stroke.restore`)."""
    def lay(view: np.ndarray, before: np.ndarray, cover: np.ndarray, at: Box) -> None:
        restore(view, before, locked)
        clone_dab(view, tile(pattern, at, phase=phase), cover, opacity)
    return lay
