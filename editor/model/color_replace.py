"""Color Replacement: a brush stroke that gives the pixels under it of a sampled colour the
foreground colour's hue and saturation (Mode Color), keeping their luminosity, as
Photoshop's Color Replacement Tool does.

Each pixel's new colour is the non-separable blend mode of the same name
(`engine.compose.blend`: Hue, Saturation, Color, Luminosity; the W3C/PDF formulas
Photoshop's layer modes use) of the foreground over the pixel. Which pixels change:

- Sampling picks the colour they are compared with: Continuous, the pixel under each
  dab's centre; Once, the one under the press; Background Swatch, the background colour.
  Samples are read from the layer as it was when the stroke began, so a stroke does not
  chase the colour it has just laid.
- Tolerance (0..1 of the 8-bit range): every channel within it of the sample, the Magic
  Wand's measure (`selection_ops.wand_mask`). Anti-alias softens the edge of that match: it
  fades out over a quarter of the tolerance beyond it, instead of stopping dead.
- Limits: Discontiguous, every matching pixel under the dab; Contiguous, only those
  connected (8 neighbours) to the pixel under the dab's centre; Find Edges, as Contiguous,
  with the match kept hard whatever Anti-alias says, so that the replaced area stops
  exactly at the picture's own edges (this project's reading of Photoshop's "better
  preserving the sharpness of shape edges").

The stroke is a `tone.ToneStroke` (a retouching brush: one undo step, colours only,
Lock Transparent Pixels, the selection): each pixel moves from what it was at the press
towards its replacement by the strongest dab that reached it times how well it matched.
No Qt here.
"""
from __future__ import annotations

import math
from typing import Optional

import numpy as np

from engine.box import Box
from engine.compose import blend

from .commands import PixelEdit
from .document import Document
from .layers import Layer
from .tone import ToneStroke

MODES = ("hue", "saturation", "color", "luminosity")
SAMPLINGS = ("continuous", "once", "background")
LIMITS = ("discontiguous", "contiguous", "find_edges")
SOFT_EDGE = 0.25  # Anti-alias: the match fades out over this much of the tolerance beyond it


def replaced(rgb: np.ndarray, colour: np.ndarray, mode: str) -> np.ndarray:
    """Colours `rgb` ((..., 3) uint8) given `colour`'s (3 floats 0..1) hue, saturation,
    colour or luminosity by `mode`: float32 0..255."""
    out = blend(mode, rgb.astype(np.float32) * np.float32(1 / 255), colour)
    return out * np.float32(255)


class ColorReplaceStroke(ToneStroke):
    """One stroke of the Color Replacement brush with foreground `colour` and background
    `swatch` (8-bit RGB), `tolerance` 0..1 and the options of the module docstring."""

    def __init__(self, doc: Document, layer: Layer, edit: PixelEdit, size: float,
                 hardness: float, colour: tuple[int, int, int], mode: str = "color",
                 tolerance: float = 0.3, sampling: str = "continuous",
                 limits: str = "contiguous", anti_alias: bool = True,
                 swatch: tuple[int, int, int] = (255, 255, 255)) -> None:
        for value, allowed, what in ((mode, MODES, "Mode"), (sampling, SAMPLINGS, "Sampling"),
                                     (limits, LIMITS, "Limits")):
            if value not in allowed:
                raise ValueError(f"{what} must be one of {', '.join(allowed)}, not {value!r}.")
        fg = np.asarray(colour, np.float32) / np.float32(255)
        super().__init__(doc, layer, edit, size, hardness, lambda rgb: replaced(rgb, fg, mode))
        self.tolerance = float(np.clip(tolerance, 0.0, 1.0)) * 255.0
        self.sampling, self.limits = sampling, limits
        self.soft = anti_alias and limits != "find_edges"
        self.sample: Optional[np.ndarray] = (np.asarray(swatch, np.int16)
                                             if sampling == "background" else None)
        self.centre = (0, 0)

    def dab(self, x: float, y: float) -> None:
        ix, iy = math.floor(x), math.floor(y)
        self.centre = (ix, iy)
        layer = self.layer
        on_layer = 0 <= ix < layer.width and 0 <= iy < layer.height
        samples = self.sampling == "continuous" or (self.sampling == "once"
                                                    and self.sample is None)
        if on_layer and samples and layer.pixels[iy, ix, 3] > 0:
            self.sample = self.before(Box(ix, iy, 1, 1))[0, 0].astype(np.int16)
        if self.sample is None:
            return  # nothing sampled yet (pressed off the layer, or on a transparent pixel)
        super().dab(x, y)

    def paint(self, view: np.ndarray, local: Box, weight: np.ndarray) -> None:
        super().paint(view, local, weight * self.match(local, weight > 0))

    def match(self, local: Box, under: np.ndarray) -> np.ndarray:
        """How well each pixel of layer-local box `local` matches the sample (0..1), the
        Limits applied; `under`: where the dab reaches (a contiguous area stays in it)."""
        before = self.before(local).astype(np.int16)
        diff = np.abs(before - self.sample)
        # (two maximums: numpy's max over a last axis of 3 is ten times slower)
        distance = np.maximum(np.maximum(diff[..., 0], diff[..., 1]),
                              diff[..., 2]).astype(np.float32)
        if self.soft:
            band = max(1.0, SOFT_EDGE * self.tolerance)
            match = np.clip((self.tolerance - distance) / band + 1.0, 0.0, 1.0)
        else:
            match = (distance <= self.tolerance).astype(np.float32)
        match *= self.layer.pixels[local.slices()][..., 3] > 0  # (no colour to match there)
        if self.limits == "discontiguous":
            return match
        import cv2

        cx, cy = self.centre[0] - local.x, self.centre[1] - local.y
        if not (0 <= cx < local.w and 0 <= cy < local.h):
            return np.zeros_like(match)
        reach = ((match > 0) & under).astype(np.uint8)
        _count, labels = cv2.connectedComponents(reach, connectivity=8)
        seed = labels[cy, cx]
        if seed == 0:
            return np.zeros_like(match)
        return match * (labels == seed)
