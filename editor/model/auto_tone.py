"""Image > Auto Tone, Auto Contrast and Auto Color: Levels computed from the active layer's
histogram (inside the selection), then applied as Image > Adjustments > Levels applies
them (`pixel_filters.Adjust` through `filter_ops`), so the result is that Levels exactly.

Photoshop's defaults, as its Auto Color Correction Options describe them:
- Auto Tone, "Enhance Per Channel Contrast": each of red, green and blue stretched alone,
  its darkest and lightest CLIP (0.1 %) of pixels clipped to black and white.
- Auto Contrast, "Enhance Monochromatic Contrast": one stretch for the three channels (the
  composite record), from the histogram of all three together, so hues stay.
- Auto Color, "Find Dark & Light Colors" and "Snap Neutral Midtones": the per-channel
  stretch, then a gamma per channel that makes the image's near-neutral midtones grey.

Photoshop does not document how it finds the "near-neutral midtones"; ours (`_neutral_gammas`):
after the stretch, the pixels whose HSL-style saturation (max - min) is below
NEUTRAL_SPREAD and whose level lies in MIDTONES; their mean per channel m_c is moved onto
their common mean g by gamma_c = ln m_c / ln g (Levels' v ** (1 / gamma)).
"""
from __future__ import annotations

from typing import Optional

import numpy as np

from . import filter_ops
from .adjustments import LEVELS_IDENTITY, Levels
from .document import Document
from .pixel_filters import Adjust

CLIP = 0.001              # 0.1 % clipped at each end (Photoshop's default)
NEUTRAL_SPREAD = 0.2      # max - min of a near-neutral pixel, after the stretch (0..1)
MIDTONES = (0.2, 0.8)     # a midtone's mean level, after the stretch (0..1)
MODES = {"tone": "Auto Tone", "contrast": "Auto Contrast", "color": "Auto Color"}


def selected_pixels(target: filter_ops.Target) -> np.ndarray:
    """(n, 3) uint8 RGB of the layer's visible pixels inside the selection (coverage > 0)."""
    src = target.source
    keep = src[..., 3] > 0
    if target.selection is not None:
        box = target.bounds()
        inter = box.intersect(target.selected)
        inside = np.zeros_like(keep)
        sel = target.selection[inter.slices()] > 0
        inside[inter.translate(-box.x, -box.y).slices()] = sel
        keep &= inside
    return src[..., :3][keep]


def clip_points(values: np.ndarray, clip: float = CLIP) -> tuple[int, int]:
    """(black, white) levels of uint8 `values`: at most `clip` of them lie below black and
    at most `clip` above white. (0, 255) when nothing would stretch (a flat channel)."""
    hist = np.bincount(values.ravel(), minlength=256)
    n = int(hist.sum())
    if n == 0:
        return 0, 255
    allowed = clip * n
    below = np.cumsum(hist)                        # below[v]: values <= v
    above = np.cumsum(hist[::-1])[::-1]            # above[v]: values >= v
    black = int(np.argmax(below > allowed))        # first level not all clipped
    white = int(255 - np.argmax(above[::-1] > allowed))
    if white - black < 2:  # one level or two: nothing to stretch (Levels needs a span)
        return 0, 255
    return black, white


def _stretched(rgb: np.ndarray, records: list[tuple]) -> np.ndarray:
    """float (n, 3) 0..1 of `rgb` after each channel's (black, white) stretch."""
    out = np.empty(rgb.shape, np.float64)
    for c, (black, white) in enumerate(records):
        out[:, c] = np.clip((rgb[:, c] - black) / max(1, white - black), 0.0, 1.0)
    return out


def _neutral_gammas(rgb: np.ndarray, records: list[tuple]) -> tuple[float, float, float]:
    """Per-channel gammas that move the near-neutral midtones' mean onto grey (1.0 each
    when there are none)."""
    v = _stretched(rgb, records)
    spread = v.max(axis=1) - v.min(axis=1)
    level = v.mean(axis=1)
    near = (spread < NEUTRAL_SPREAD) & (level > MIDTONES[0]) & (level < MIDTONES[1])
    if not near.any():
        return 1.0, 1.0, 1.0
    means = v[near].mean(axis=0)
    grey = float(means.mean())
    gammas = [float(np.clip(np.log(m) / np.log(grey), 0.1, 9.99)) if 0 < m < 1 else 1.0
              for m in means]
    return tuple(round(g, 2) for g in gammas)


def auto_levels(rgb: np.ndarray, mode: str) -> Levels:
    """The Levels that `mode` ("tone", "contrast", "color") computes for the (n, 3) uint8
    pixels `rgb`."""
    if mode == "contrast":
        black, white = clip_points(rgb)
        return Levels(rgb=(black, white, 1.0, 0, 255))
    records = [clip_points(rgb[:, c]) for c in range(3)]
    gammas = _neutral_gammas(rgb, records) if mode == "color" else (1.0, 1.0, 1.0)
    red, green, blue = ((b, w, g, 0, 255) for (b, w), g in zip(records, gammas))
    return Levels(rgb=LEVELS_IDENTITY, red=red, green=green, blue=blue)


def apply(doc: Document, mode: str) -> Optional[Levels]:
    """Image > Auto Tone/Contrast/Color on the active pixel layer (inside the selection):
    one undo step named after the command. The Levels applied, or None (nothing changes)."""
    target = filter_ops.prepare(doc, doc.active, "adjust")
    levels = auto_levels(selected_pixels(target), mode)
    if levels.is_identity():
        return None
    op = Adjust(levels, MODES[mode])
    filter_ops.keep(doc, filter_ops.show(doc, target, filter_ops.run(target, op)))
    return levels
