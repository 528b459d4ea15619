"""Image > Adjustments > Match Color: one layer's colours moved to another picture's.

The maths are Reinhard et al. 2001 ("Color Transfer between Images") in CIE Lab (OpenCV's
float conversion: L 0..100, a and b about -128..127), which is decorrelated enough for
per-channel statistics: each target channel x becomes (x - mean_t) * std_s / std_t +
mean_s, the means and standard deviations measured on the visible pixels (alpha > 0) of
the target layer and of the source (a layer of any open document, or its merged picture),
each within its own selection's coverage when Use Selection asks for it. Then, as
Photoshop's Image Options:

- Neutralize: the goal's a and b means are 0 - the target's own cast (its mean a, b)
  removed instead of the source's cast put in. With no source it is the one thing that
  moves the means.
- Luminance (1..200, 100 = as matched): the lightness scaled, L * Luminance / 100.
- Color Intensity (1..200, 100 = as matched): the chroma scaled, (a, b) * Intensity / 100
  (1 is about grey).
- Fade (0..100): the matched colour mixed back to the old by Fade / 100.

The statistics are measured once, when the settings are chosen (`stats`), and frozen in
the operation, so it works pixel by pixel: `filter_ops` runs it in bands, previews it and
records it as one undo step like any adjustment; the selection's soft edge mixes it in.
Alpha stays. Photoshop's own formula is not published; this is the textbook method.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Optional

import numpy as np

from .pixel_filters import Operation, _mix_colours

STD_FLOOR = 1e-3  # a flat channel (std 0) is not divided by zero: it stays flat
Stats = tuple[tuple[float, float, float], tuple[float, float, float]]  # Lab means, stds


def to_lab(rgb8: np.ndarray) -> np.ndarray:
    """float32 Lab of uint8 RGB (..., 3)."""
    import cv2

    rgb = np.ascontiguousarray(rgb8[..., :3]).astype(np.float32) * np.float32(1 / 255)
    return cv2.cvtColor(rgb.reshape(-1, 1, 3), cv2.COLOR_RGB2Lab).reshape(rgb.shape)


def from_lab(lab: np.ndarray) -> np.ndarray:
    """float32 RGB 0..1 of float32 Lab (..., 3), clipped into the gamut."""
    import cv2

    rgb = cv2.cvtColor(np.ascontiguousarray(lab, np.float32).reshape(-1, 1, 3),
                       cv2.COLOR_Lab2RGB).reshape(lab.shape)
    return np.clip(rgb, 0, 1)


def stats(pixels: np.ndarray, weights: Optional[np.ndarray] = None,
          most: int = 1 << 18) -> Optional[Stats]:
    """The Lab means and standard deviations of the visible pixels of straight RGBA
    `pixels` (..., 4), each counted by `weights` (uint8 coverage, same shape) when given;
    on every few rows and columns of a big picture (at most about `most` pixels: a photo's
    means and spreads settle long before; this runs on the dialog's thread). None when
    nothing is visible (or selected)."""
    step = max(1, int(np.sqrt(pixels.shape[0] * pixels.shape[1] / most)))
    px = pixels[::step, ::step].reshape(-1, 4)
    w = px[:, 3].astype(np.float64)
    if weights is not None:
        w = w * weights[::step, ::step].reshape(-1)
    keep = w > 0
    if not keep.any():
        return None
    w = w[keep]
    lab = to_lab(px[keep][None, :, :3])[0].astype(np.float64)
    mean = (lab * w[:, None]).sum(0) / w.sum()
    std = np.sqrt((np.square(lab - mean) * w[:, None]).sum(0) / w.sum())
    return tuple(float(v) for v in mean), tuple(float(v) for v in std)


@dataclass(frozen=True)
class MatchColor(Operation):
    label: ClassVar[str] = "Match Color"
    target_stats: Optional[Stats] = None  # the layer's own (None: nothing to match)
    source_stats: Optional[Stats] = None  # the source's (None: no source)
    luminance: int = 100                  # 1..200
    intensity: int = 100                  # Color Intensity 1..200
    fade: int = 0                         # 0..100
    neutralize: bool = False

    def is_identity(self) -> bool:
        return self.target_stats is None or self.fade >= 100 or (
            self.source_stats is None and not self.neutralize
            and self.luminance == 100 and self.intensity == 100)

    def goal(self) -> Stats:
        """The Lab means and stds the layer is moved to."""
        mean, std = self.source_stats or self.target_stats
        if self.neutralize:
            mean = (mean[0], 0.0, 0.0)
        return mean, std

    def match(self, rgb8: np.ndarray) -> np.ndarray:
        """float32 RGB 0..255 of uint8 RGB (..., 3) matched (Fade included)."""
        lab = to_lab(rgb8)
        t_mean, t_std = (np.array(v, np.float32) for v in self.target_stats)
        g_mean, g_std = (np.array(v, np.float32) for v in self.goal())
        scale = g_std / np.maximum(t_std, np.float32(STD_FLOOR))
        out = (lab - t_mean) * scale + g_mean
        out[..., 0] *= np.float32(self.luminance / 100)
        out[..., 1:] *= np.float32(self.intensity / 100)
        out[..., 0] = np.clip(out[..., 0], 0, 100)
        new = from_lab(out) * np.float32(255)
        if self.fade:
            t = np.float32(self.fade / 100)
            new = new * (np.float32(1) - t) + rgb8[..., :3].astype(np.float32) * t
        return new

    def process(self, src, inner, where, coverage):
        old = src[inner.slices()]
        return _mix_colours(old, self.match(old[..., :3]), coverage)


def measure(doc, node=None, use_selection: bool = False) -> Optional[Stats]:
    """The Lab statistics of a document's layer `node` (its pixels on the canvas) or, None,
    of its merged picture (what it shows), within its selection's coverage when
    `use_selection` and it has one."""
    from .render_nodes import composite_document
    from .selection_ops import current_mask

    canvas = doc.canvas
    if node is None:
        pixels = composite_document(doc)
    else:
        pixels = np.zeros((canvas.h, canvas.w, 4), np.uint8)
        inter = node.bounds().intersect(canvas)
        if not inter.is_empty():
            pixels[inter.translate(-canvas.x, -canvas.y).slices()] = \
                node.pixels[inter.translate(-node.x, -node.y).slices()]
    weights = current_mask(doc) if use_selection else None
    if weights is not None and not weights.any():
        weights = None  # (an empty painted mask selects nothing: all of it, as filters)
    return stats(pixels, weights)


def target_stats(doc, target, use_selection: bool = False) -> Optional[Stats]:
    """The statistics of a `filter_ops.Target` (the layer as the dialog opened) on the
    canvas, within the selection when `use_selection`."""
    canvas = doc.canvas
    weights = target.selection if use_selection else None
    return stats(target.crop(canvas), weights)
