"""Dodge, Burn and Sponge: a stroke lightens, darkens, or (de)saturates the colours under it.

Dodge and Burn follow GIMP's Dodge/Burn tool (app/paint/gimpdodgeburn.c), the commonly
documented formulas, per colour channel on the 8-bit value v in 0..1 with exposure e in
0..1 (Photoshop's Exposure):

    range       dodge                      burn
    shadows     v + e/3 * (1 - v)          max(0, (v - e/3) / (1 - e/3))
    midtones    v ** (1 / (1 + e))         v ** (1 + e/3)
    highlights  v * (1 + e/3)  (clipped)   v * (1 - e/3)

so Midtones leaves black and white where they are, Shadows moves the dark end most and
Highlights the bright end. Sponge moves each colour away from (Saturate) or towards
(Desaturate) its own grey (Rec. 601 luma, as the brush's grey), by Flow, keeping that grey:
luminance stays; Saturate stops where a channel would clip. Vibrance (as Photoshop's
option "minimizes clipping for fully saturated or desaturated colours") scales the change
by how far the colour has to go: less on vivid colours when saturating, less on near-greys
when desaturating.

A stroke works as GIMP's ("constant" painting; Photoshop's without Airbrush): the change is
made to the pixels as they were when the stroke started, as far as the strongest dab that
passed over a pixel covers it, so going over a spot again within one stroke does not add
up (a new stroke does), and the strength does not depend on the dabs' spacing. No Qt here.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from engine.box import Box

from .commands import PixelEdit
from .document import Document
from .layers import Layer
from .retouch import RetouchStroke

RANGES = ("shadows", "midtones", "highlights")
LUMA = np.array([0.299, 0.587, 0.114], np.float32)


def dodge_burn_lut(tone_range: str, exposure: float, burn: bool) -> np.ndarray:
    """What each 8-bit value becomes (float32, 0..255), GIMP's formulas (module docstring)."""
    if tone_range not in RANGES:
        raise ValueError(f"Range must be one of {', '.join(RANGES)}, not {tone_range!r}.")
    v = np.arange(256, dtype=np.float64) / 255.0
    e = float(np.clip(exposure, 0.0, 1.0))
    third = e / 3.0
    if tone_range == "highlights":
        out = v * (1.0 - third if burn else 1.0 + third)
    elif tone_range == "midtones":
        out = v ** (1.0 + third if burn else 1.0 / (1.0 + e))
    elif burn:
        out = np.where(v < third, 0.0, (v - third) / max(1.0 - third, 1e-6))
    else:
        out = v + third * (1.0 - v)
    return (np.clip(out, 0.0, 1.0) * 255.0).astype(np.float32)


def sponge(rgb: np.ndarray, flow: float, saturate: bool, vibrance: bool) -> np.ndarray:
    """Colours (..., 3) float 0..255 moved away from or towards their luma grey by `flow`."""
    grey = rgb @ LUMA
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    # (numpy's max over a last axis of 3 is ten times slower than two maximums)
    top, bottom = np.maximum(np.maximum(r, g), b), np.minimum(np.minimum(r, g), b)
    amount = np.full(grey.shape, flow, np.float32)
    if vibrance:
        chroma = (top - bottom) * np.float32(1 / 255)
        amount *= 1.0 - chroma if saturate else chroma
    if saturate:
        # The largest factor that keeps every channel inside 0..255 (>= 1: it is in there):
        # the brightest channel must stay under 255, the darkest over 0.
        with np.errstate(divide="ignore", invalid="ignore"):
            room = np.minimum((255.0 - grey) / (top - grey), grey / (grey - bottom))
        k = np.minimum(1.0 + amount, np.nan_to_num(room, nan=1.0, posinf=1.0))
    else:
        k = 1.0 - amount
    return grey[..., None] + (rgb - grey[..., None]) * k[..., None]


class ToneStroke(RetouchStroke):
    """A stroke that moves each pixel from what it was at the stroke's start towards
    `tone(those colours)` by the strongest coverage a dab gave it."""

    def __init__(self, doc: Document, layer: Layer, edit: PixelEdit, size: float,
                 hardness: float, tone: Callable[[np.ndarray], np.ndarray]) -> None:
        super().__init__(doc, layer, edit, size, hardness)
        self.tone = tone
        # Zeros from calloc: only the pages a dab touches are ever made.
        self.cover = np.zeros(layer.pixels.shape[:2], np.float32)

    def before(self, local: Box) -> np.ndarray:
        """The colours inside layer-local box `local` as they were when the stroke began
        (the edit's saved tiles: no copy of the whole layer at the press)."""
        return self.edit.original(local)[..., :3]

    def paint(self, view: np.ndarray, local: Box, weight: np.ndarray) -> None:
        cover = self.cover[local.slices()]
        # Only the pixels this dab covers more than any before change; the others keep what
        # was laid on them (the same numbers again). A colour replacement that matches a
        # few pixels of a large dab costs what those few cost.
        grows = weight > cover
        if not grows.any():
            return
        cover[grows] = weight[grows]
        before = self.before(local)[grows]
        start = before.astype(np.float32)
        goal = self.tone(before)
        rgb = start + (goal - start) * cover[grows][:, None]
        np.clip(rgb, 0.0, 255.0, out=rgb)
        view[..., :3][grows] = np.rint(rgb).astype(np.uint8)


def dodge_burn_stroke(doc: Document, layer: Layer, edit: PixelEdit, size: float,
                      hardness: float, tone_range: str, exposure: float,
                      burn: bool) -> ToneStroke:
    lut = dodge_burn_lut(tone_range, exposure, burn)
    return ToneStroke(doc, layer, edit, size, hardness, lambda rgb: lut[rgb])


def sponge_stroke(doc: Document, layer: Layer, edit: PixelEdit, size: float, hardness: float,
                  flow: float, saturate: bool, vibrance: bool) -> ToneStroke:
    return ToneStroke(doc, layer, edit, size, hardness,
                      lambda rgb: sponge(rgb.astype(np.float32), flow, saturate, vibrance))
