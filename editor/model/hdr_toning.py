"""Image > Adjustments > HDR Toning on a flattened image: Photoshop's three methods.

Photoshop publishes none of its maths; what each method does here, and why:

- Local Adaptation: the classical edge-aware base/detail split (Durand & Dorsey 2002),
  with He et al.'s guided filter as the edge-aware smoother (`matting.guided_grey`, the
  filter Shadows/Highlights uses, a few box passes: fast on the CPU). On log2 of the
  linear luminance l (sRGB taken as gamma 2.2, Rec. 709 weights), the base B is l
  smoothed by the guided filter with a window of Edge Glow Radius; the detail is l - B.
  Edge Glow Strength evens out the base about middle grey (M = log2 0.18): B' = M +
  (B - M) / (1 + strength), so the stronger it is, the flatter the picture and the
  brighter the glow the smoother's residue leaves along strong edges (Photoshop's
  "glow"); where the layer is transparent the base sees the visible pixels around, not
  the colour under alpha 0 (Shadows/Highlights' `_visible_luminance`); Edge Smoothness runs the filter a second time guided by the first base (an
  edge kept sharper, a narrower glow). Detail scales l - B by 1 + detail / 100. Gamma is
  the contrast about M of the result, in stops (below 1 more contrast, above 1 flatter;
  1 as it is), Exposure adds stops. Each pixel's linear RGB is scaled by the ratio of
  the new luminance to the old (its hue and saturation ride along), clipped, encoded
  back to gamma 2.2. Then, on the display values: Shadow and Highlight lift or lower
  the two ends of the luminance (weights y (1 - y)^2 and y^2 (1 - y), monotonic for
  every setting), the Toning Curve (the Curves adjustment's own spline and table, on
  the composite) and Vibrance and Saturation (the Vibrance adjustment's own formula).
- Equalize Histogram: the luminance (Rec. 601) equalized by Image > Adjustments >
  Equalize's table (`tone_adjustments.equalize_table`), the colours scaled with it.
- Exposure and Gamma: the Exposure adjustment's formula (exposure in stops, gamma).

A crop is processed with `reach()` pixels around it (the base's windows), so
`filter_ops` runs it in bands with progress and the dialog's reduced preview
(`preview`, its radius scaled to the copy) is the same function.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from .adjustments import CURVE_IDENTITY, Curves, Exposure, Vibrance
from .pixel_filters import Operation, _mix_colours, _opaque

METHODS = ("local", "equalize", "exposure_gamma")
METHOD_LABELS = ("Local Adaptation", "Equalize Histogram", "Exposure and Gamma")
MIDDLE = float(np.log2(0.18))  # middle grey, in stops of linear luminance
EPS = 0.02          # the guided filter's edge, in stops squared: a window whose log
                    # luminance varies by more than ~0.14 stop keeps its edge in the base
SMOOTH_EPS = 0.005  # Edge Smoothness' second pass: sharper edges still
FLOOR = 1.0 / 4096  # the darkest linear luminance told apart (log2: -12 stops)
LUMA709 = np.array([0.2126, 0.7152, 0.0722], np.float32)
LUMA601 = np.array([0.299, 0.587, 0.114], np.float32)


@dataclass(frozen=True)
class HDRToning(Operation):
    label: ClassVar[str] = "HDR Toning"
    method: str = "local"
    radius: float = 16.0        # Edge Glow Radius, 1..500 px
    strength: float = 0.52      # Edge Glow Strength, 0.1..4.0
    smooth_edges: bool = False  # Edge Smoothness
    gamma: float = 1.0          # 0.1..2.0 (both methods that have it)
    exposure: float = 0.0       # -5..5 stops
    detail: float = 30.0        # -100..300 %
    shadow: float = 0.0         # -100..100 %
    highlight: float = 0.0      # -100..100 %
    vibrance: float = 0.0       # -100..100 %
    saturation: float = 20.0    # -100..100 %
    curve: tuple = CURVE_IDENTITY  # the Toning Curve: points (input, output) 0..255

    def __post_init__(self):
        if self.method not in METHODS:
            raise ValueError(f"HDR Toning's method is one of {', '.join(METHODS)}, "
                             f"not {self.method!r}")
        for key, low, high in (("radius", 1, 500), ("strength", 0.1, 4.0),
                               ("gamma", 0.1, 2.0), ("exposure", -5, 5),
                               ("detail", -100, 300), ("shadow", -100, 100),
                               ("highlight", -100, 100), ("vibrance", -100, 100),
                               ("saturation", -100, 100)):
            if not low <= getattr(self, key) <= high:
                raise ValueError(f"HDR Toning's {key} is {low}..{high}, "
                                 f"not {getattr(self, key)}")
        object.__setattr__(self, "curve", tuple((int(x), int(y)) for x, y in self.curve))

    def reach(self) -> int:
        if self.method != "local":
            return 0
        passes = 2 if self.smooth_edges else 1
        return passes * (2 * int(round(self.radius)) + 2)

    def banded(self) -> bool:
        return self.method != "equalize"  # one table from the whole picture's histogram

    def is_identity(self) -> bool:
        return self.method == "exposure_gamma" and self.exposure == 0 and self.gamma == 1

    def process(self, src, inner, where, coverage):
        old = src[inner.slices()]
        new = develop(self, src, 1.0)[inner.slices()]
        return _mix_colours(old, new * np.float32(255), coverage)


def _linear(src: np.ndarray) -> np.ndarray:
    """float32 linear RGB of uint8 straight RGBA (gamma 2.2, one lookup per value: OpenCV's,
    several times numpy's indexing on 12 MP)."""
    import cv2

    table = (np.arange(256, dtype=np.float32) / np.float32(255)) ** np.float32(2.2)
    return cv2.LUT(np.ascontiguousarray(src[..., :3]), table)


def _unit(src: np.ndarray) -> np.ndarray:
    """float32 RGB 0..1 of uint8 straight RGBA."""
    import cv2

    return cv2.multiply(np.ascontiguousarray(src[..., :3]), 1 / 255, dtype=cv2.CV_32F)


def _grey(rgb: np.ndarray, weights: np.ndarray) -> np.ndarray:
    import cv2

    return cv2.transform(np.ascontiguousarray(rgb), weights[None, :]).reshape(rgb.shape[:2])


def _scaled(rgb: np.ndarray, old: np.ndarray, new: np.ndarray) -> np.ndarray:
    """`rgb` with each pixel scaled by new / old luminance, clipped to 0..1."""
    import cv2

    ratio = new / np.maximum(old, np.float32(FLOOR))
    # (OpenCV's per-channel product: numpy's broadcast over the channels took seconds)
    out = cv2.multiply(np.ascontiguousarray(rgb, np.float32), cv2.merge([ratio] * 3))
    return np.clip(out, np.float32(0), np.float32(1), out=out)  # (in place: half the time)


def develop(op: HDRToning, src: np.ndarray, scale: float) -> np.ndarray:
    """`op` on straight RGBA `src` (uint8): float32 RGB 0..1 of the same size. `scale`:
    the size of `src` against the layer (the dialog's reduced copy), by which the radius
    shrinks."""
    if op.method == "exposure_gamma":
        rgb = _unit(src)
        return Exposure(exposure=float(op.exposure), gamma=float(op.gamma)).apply(rgb)
    if op.method == "equalize":
        return _equalized(src)
    return _local(op, src, scale)


def _equalized(src: np.ndarray) -> np.ndarray:
    from .tone_adjustments import equalize_table

    rgb = _unit(src)
    lum = _grey(rgb, LUMA601)
    grey = np.empty(src.shape, np.uint8)
    grey[..., :3] = np.clip(lum * 255 + 0.5, 0, 255).astype(np.uint8)[..., None]
    grey[..., 3] = src[..., 3]
    table = np.array(equalize_table(grey), np.float32) / np.float32(255)
    return _scaled(rgb, lum, table[grey[..., 0]])


def _local(op: HDRToning, src: np.ndarray, scale: float) -> np.ndarray:
    """Local Adaptation (the module's docstring says how)."""
    import cv2
    from engine.methods.decompose_steps.matting import guided_grey

    from .tone_adjustments import _visible_luminance

    lin = _linear(src)
    lum = _grey(lin, LUMA709)
    log = np.log2(np.maximum(lum, np.float32(FLOOR)))
    radius = max(1, int(round(op.radius * scale)))
    seen = log  # what the base sees: where the layer is transparent, the visible pixels
    if not _opaque(src):  # around (Shadows/Highlights' rule), not the colour under alpha 0
        seen = _visible_luminance(log, src[..., 3], radius)
    base = guided_grey(seen, seen, radius, EPS)
    if op.smooth_edges:  # guided by the first base: its edges, without the texture's
        base = guided_grey(base, seen, radius, SMOOTH_EPS)
    detail = (log - base) * np.float32(1 + op.detail / 100)
    flat = np.float32(MIDDLE) + (base - np.float32(MIDDLE)) * np.float32(1 / (1 + op.strength))
    tone = (flat + detail - np.float32(MIDDLE)) * np.float32(1 / op.gamma) \
        + np.float32(MIDDLE + op.exposure)
    new = np.exp2(tone)
    rgb = _scaled(lin, lum, new)
    rgb = cv2.pow(rgb, 1 / 2.2)
    if op.shadow or op.highlight:
        y = _grey(rgb, LUMA601)
        one = np.float32(1)
        lifted = y + np.float32(0.9 * op.shadow / 100) * y * np.square(one - y) \
            + np.float32(0.9 * op.highlight / 100) * np.square(y) * (one - y)
        rgb = _scaled(rgb, y, lifted)
    if tuple(op.curve) != CURVE_IDENTITY:
        rgb = Curves(rgb=tuple(op.curve)).apply(rgb)
    if op.vibrance or op.saturation:
        rgb = Vibrance(int(round(op.vibrance)), int(round(op.saturation))).apply(rgb)
    return np.asarray(rgb, np.float32)


def preview(op: HDRToning, small: np.ndarray, scale: float) -> np.ndarray:
    """The dialog's picture: straight RGBA `small` (the layer reduced by `scale`) through
    `op`, uint8 RGBA (alpha kept)."""
    out = small.copy()
    if not op.is_identity():
        out[..., :3] = np.clip(develop(op, small, scale) * 255 + 0.5, 0, 255).astype(np.uint8)
    return out


# Photoshop's presets by name; the values are ours (Photoshop's files are not at hand):
# each gives the look its name promises.
PRESETS = {
    "Default": HDRToning(),
    "Flat": HDRToning(radius=30, strength=1.2, gamma=1.3, detail=0, saturation=0),
    "Monochromatic": HDRToning(radius=40, strength=0.8, detail=60, saturation=-100),
    "Monochromatic High Contrast": HDRToning(radius=60, strength=1.5, gamma=0.7, detail=120,
                                             saturation=-100),
    "Photorealistic": HDRToning(radius=100, strength=0.35, smooth_edges=True, detail=20,
                                vibrance=10, saturation=10),
    "Photorealistic High Contrast": HDRToning(radius=80, strength=0.5, smooth_edges=True,
                                              gamma=0.8, detail=40, vibrance=15),
    "Saturated": HDRToning(radius=50, strength=0.7, detail=50, vibrance=40, saturation=40),
    "Surrealistic": HDRToning(radius=150, strength=2.5, gamma=0.9, detail=200, shadow=20,
                              highlight=-20, vibrance=30, saturation=30),
    "Surrealistic High Contrast": HDRToning(radius=200, strength=3.5, gamma=0.7, detail=250,
                                            vibrance=40, saturation=30),
}

