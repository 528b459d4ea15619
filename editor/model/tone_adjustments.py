"""Image > Adjustments > Shadows/Highlights, Replace Color and Equalize on a layer's pixels.

Each is an `Operation` as those of `pixel_filters.py` (frozen settings, `process` on a crop
with `reach()` pixels around it, mixed with the old pixels by the selection's coverage), so
`filter_ops` previews, runs and records them as it does Levels or Gaussian Blur.

- Shadows/Highlights: Photoshop's maths are not published; this is the usual local tone
  method. A base layer B is the pixel's Rec. 601 luminance smoothed by an edge-aware grey
  guided filter (`matting.guided_grey`, window `radius`, eps GUIDED_EPS) so that a dark
  subject beside a bright sky is lifted as a whole, without a halo across the edge. The
  shadow weight is (1 - B / Ws)^2 below Ws (the shadows' tonal width / 100), the highlight
  weight (1 - (1 - B) / Wh)^2 above 1 - Wh. The base moves along a gain curve: shadows
  B^(1 / (1 + GAIN k_s)), highlights 1 - (1 - B)^(1 / (1 + GAIN k_h)), k = amount/100 x
  weight (0 and 1 stay, the curve stays monotonic, nothing clips). The pixel's luminance
  moves by what its base moved (its detail around the base kept), Midtone contrast is an
  S curve about 0.5 on that luminance (0 and 1 stay), and the colour rides along: the
  pixel's chroma (RGB - luminance) scaled by 1 + Color / 100 x min(COLOR_REACH |change|, 1)
  - the saturation raised where the tone changed, as Photoshop's Color Correction does.
  Where the layer is transparent the base sees the visible pixels around instead of the
  colour hidden under alpha 0 (`_visible_luminance`); alpha stays.
- Replace Color: Select > Color Range's Sampled Colors (`color_range.range_mask`: the
  same Delta E falloff of Fuzziness, the same + / - samples) of the layer's pixels, times
  the selection, as the coverage of a Hue/Saturation adjustment's master hue, saturation
  and lightness (`pixel_filters.Adjust` of `adjustments.HueSaturation`: that adjustment's
  own formula and pass).
- Equalize: one table for the three channels from the composite histogram (R, G and B
  counted together, visible pixels only, weighted by the selection's coverage when the
  table is "based on" it): level v -> round(255 (cdf(v) - cdf(lo)) / (N - cdf(lo))), lo the
  darkest level present, as OpenCV's equalizeHist does for one channel: the darkest value
  becomes black, the brightest white, the rest spread evenly. `equalize` applies it to
  the selected pixels only or, "based on" the selection, to the whole layer (Photoshop's
  two choices).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar, Optional

import numpy as np

from engine.box import Box
from engine.progress import ProgressFn, no_progress

from . import color_range as cr
from . import filter_ops
from .adjustments import HueSaturation
from .document import Document
from .pixel_filters import Adjust, Operation, _mix_colours, _opaque, mix8

GUIDED_EPS = 0.01    # the guided filter's edge: a window whose luminance varies by more
                     # than about sqrt(eps) = 0.1 keeps its edge in the base
GAIN = 3.0           # amount 100 % at full weight: the base's curve B^(1/4) (shadows)
COLOR_REACH = 4.0    # a tone change of 0.25 gets the whole Color Correction
LUMA = np.array([0.299, 0.587, 0.114], np.float32)  # Rec. 601, as Color Range's luminosity
EQUALIZE_MODES = ("all", "selected", "based")


def _luminance(rgb: np.ndarray) -> np.ndarray:
    import cv2

    out = cv2.transform(rgb, LUMA[None, :])  # (one output channel: OpenCV drops the axis)
    return out.reshape(rgb.shape[:2])


def _visible_luminance(lum: np.ndarray, alpha: np.ndarray, radius: int) -> np.ndarray:
    """`lum` where the layer is opaque; where it is (partly) transparent, mixed by alpha
    with the mean luminance of the visible pixels around it (a box of `radius`): the
    colour hidden under alpha 0 never darkens or lightens a neighbour's base."""
    import cv2

    a = alpha.astype(np.float32) * np.float32(1 / 255)
    k = (2 * radius + 1, 2 * radius + 1)
    total = cv2.boxFilter(lum * a, -1, k, normalize=False, borderType=cv2.BORDER_REPLICATE)
    weight = cv2.boxFilter(a, -1, k, normalize=False, borderType=cv2.BORDER_REPLICATE)
    around = total / np.maximum(weight, np.float32(1e-6))
    return lum * a + around * (np.float32(1) - a)


def s_curve(v: np.ndarray, amount: float) -> np.ndarray:
    """Midtone contrast `amount` (-100..100) as an S curve about 0.5 on `v` (float32 0..1):
    0, 0.5 and 1 stay, slope 1 + amount/200 at 0.5 (never below 0 at the ends). Camera Raw
    Filter's Contrast uses it too."""
    c = np.float32(amount / 200)  # slope 1 + c at 0.5, 1 - 2c >= 0 at 0 and 1
    return v + c * (v - np.float32(0.5)) * 4 * v * (np.float32(1) - v)


@dataclass(frozen=True)
class ShadowsHighlights(Operation):
    label: ClassVar[str] = "Shadows/Highlights"
    shadows: float = 35.0         # Amount 0..100 %
    highlights: float = 0.0       # Amount 0..100 %
    shadow_tone: float = 50.0     # tonal width 0..100 %
    highlight_tone: float = 50.0  # tonal width 0..100 %
    radius: int = 30              # 0..2500 px: the base's window
    color: float = 20.0           # Color Correction -100..100
    midtone: float = 0.0          # Midtone Contrast -100..100

    def reach(self) -> int:
        return 2 * int(self.radius) + 2  # (two box windows: the coefficients, their means)

    def is_identity(self) -> bool:
        return self.shadows <= 0 and self.highlights <= 0 and self.midtone == 0

    def base(self, lum: np.ndarray) -> np.ndarray:
        """The smoothed luminance of a crop (float32 0..1)."""
        from engine.methods.decompose_steps.matting import guided_grey

        if self.radius <= 0:
            return lum
        return np.clip(guided_grey(lum, lum, int(self.radius), GUIDED_EPS), 0, 1)

    def tone(self, rgb: np.ndarray, base: np.ndarray) -> np.ndarray:
        """New float32 RGB (0..1) of `rgb` (0..1) whose smoothed luminance is `base`."""
        lum = _luminance(rgb)
        one = np.float32(1)
        moved = base
        if self.shadows > 0:
            width = np.float32(max(self.shadow_tone, 1.0) / 100)
            weight = np.square(one - np.minimum(base / width, one))
            k = np.float32(GAIN * self.shadows / 100) * weight
            moved = np.power(moved, one / (one + k))
        if self.highlights > 0:
            width = np.float32(max(self.highlight_tone, 1.0) / 100)
            weight = np.square(one - np.minimum((one - base) / width, one))
            k = np.float32(GAIN * self.highlights / 100) * weight
            moved = one - np.power(one - moved, one / (one + k))
        new = np.clip(lum + (moved - base), 0, 1)
        if self.midtone:
            new = s_curve(new, self.midtone)
        change = np.abs(new - lum)
        gain = one + np.float32(self.color / 100) * np.minimum(change * COLOR_REACH, one)
        return np.clip(new[..., None] + (rgb - lum[..., None]) * gain[..., None], 0, 1)

    def process(self, src, inner, where, coverage):
        old = src[inner.slices()]
        rgb = src[..., :3].astype(np.float32) * np.float32(1 / 255)
        lum = _luminance(rgb)
        if not _opaque(src):
            lum = _visible_luminance(lum, src[..., 3], max(1, int(self.radius)))
        base = self.base(lum)[inner.slices()]
        new = self.tone(np.ascontiguousarray(rgb[inner.slices()]), base)
        return _mix_colours(old, new * np.float32(255), coverage)


@dataclass(frozen=True)
class ReplaceColor(Operation):
    label: ClassVar[str] = "Replace Color"
    fuzziness: float = 40.0                 # 0..200, Color Range's
    samples: tuple[cr.Sample, ...] = ()     # the eyedroppers' (Color Range's samples)
    hue: int = 0                            # -180..180
    saturation: int = 0                     # -100..100
    lightness: int = 0                      # -100..100

    def is_identity(self) -> bool:
        return not any(not s.subtract for s in self.samples) or \
            (self.hue, self.saturation, self.lightness) == (0, 0, 0)

    def range(self) -> cr.ColorRange:
        return cr.ColorRange(select="sampled", fuzziness=float(self.fuzziness),
                             samples=self.samples)

    def chosen(self, pixels: np.ndarray) -> np.ndarray:
        """uint8 (H, W): how much each pixel's colour is replaced (Color Range's Sampled
        Colors; a half-transparent pixel's colour counts whole, its alpha aside)."""
        opaque = np.array(pixels, np.uint8, order="C")
        opaque[..., 3] = 255
        return cr.range_mask(opaque, self.range())

    def process(self, src, inner, where, coverage):
        chosen = self.chosen(src[inner.slices()])
        if coverage is not None:
            chosen = ((chosen.astype(np.uint16) * coverage + 127) // 255).astype(np.uint8)
        shift = HueSaturation(hue=int(self.hue), saturation=int(self.saturation),
                              lightness=int(self.lightness))
        return Adjust(shift).process(src, inner, where, chosen)


@dataclass(frozen=True)
class Equalize(Operation):
    label: ClassVar[str] = "Equalize"
    table: tuple = tuple(range(256))  # level -> level, the same for R, G and B

    def is_identity(self) -> bool:
        return self.table == tuple(range(256))

    def process(self, src, inner, where, coverage):
        import cv2

        old = src[inner.slices()]
        out = old.copy()
        new = cv2.LUT(np.ascontiguousarray(old[..., :3]), np.array(self.table, np.uint8))
        out[..., :3] = mix8(old[..., :3], new, coverage)
        return out


def equalize_table(pixels: np.ndarray, weights: Optional[np.ndarray] = None) -> tuple:
    """Equalize's table of straight RGBA `pixels` (..., 4): the composite histogram of the
    visible pixels (alpha > 0), each counted by `weights` (the selection's coverage, 0..255)
    when given. The identity when one level (or none) is present."""
    import cv2

    visible = (pixels[..., 3] > 0).astype(np.uint8)
    hist = np.zeros(256)
    for c in range(3):  # (OpenCV's histograms: a weighted bincount took 0.5 s on 12 MP)
        channel = np.ascontiguousarray(pixels[..., c])
        if weights is None:
            hist += cv2.calcHist([channel], [0], visible, [256], [0, 256]).reshape(256)
        else:  # counts per (level, weight), then summed by weight
            pairs = cv2.calcHist([channel, np.ascontiguousarray(weights, np.uint8)], [0, 1],
                                 visible, [256, 256], [0, 256, 0, 256])
            hist += pairs.astype(np.float64) @ np.arange(256)
    present = np.flatnonzero(hist > 0)
    if len(present) < 2:
        return tuple(range(256))
    cdf = np.cumsum(hist)
    low = cdf[present[0]]
    table = np.rint(np.maximum(cdf - low, 0) * (255 / (cdf[-1] - low)))
    return tuple(int(v) for v in np.clip(table, 0, 255))


def _canvas_part(target: filter_ops.Target, canvas: Box) -> tuple[np.ndarray, Box]:
    """The layer's pixels that lie on the canvas, and where (canvas box)."""
    box = target.bounds().intersect(canvas)
    return target.crop(box), box


def equalize_operation(doc: Document, target: filter_ops.Target, mode: str = "selected"
                       ) -> tuple[Equalize, filter_ops.Target]:
    """Equalize's table and the target it applies to: with a selection, "selected" (its
    pixels' histogram, applied inside it) or "based" (the same table on the whole layer);
    without one (or "all"), the layer's visible pixels on the canvas, everywhere."""
    if mode not in EQUALIZE_MODES:
        raise ValueError(f"Equalize is {', '.join(EQUALIZE_MODES)}, not {mode!r}")
    pixels, box = _canvas_part(target, doc.canvas)
    if target.selection is None or mode == "all":
        return Equalize(equalize_table(pixels)), replace(target, selection=None, selected=None)
    op = Equalize(equalize_table(pixels, target.selection[box.slices()]))
    if mode == "based":
        target = replace(target, selection=None, selected=None)
    return op, target


def equalize(doc: Document, mode: str = "selected", progress: ProgressFn = no_progress,
             target: Optional[filter_ops.Target] = None) -> None:
    """Image > Adjustments > Equalize on the active layer (or its targeted mask, or
    `target` prepared already): one undo step (`equalize_operation` says which pixels give
    the table and which change)."""
    if target is None:
        target = filter_ops.prepare(doc, doc.active, "adjust")
    op, target = equalize_operation(doc, target, mode)
    filter_ops.keep(doc, filter_ops.show(doc, target, filter_ops.run(target, op, progress)))
