"""The Filter menu's and Image > Adjustments' operations on a layer's pixels (numpy, OpenCV).

Each operation is a frozen dataclass of its settings (the dialog's numbers) with
`process(src, inner, where, coverage)`: the new straight RGBA (uint8) of the
`inner` box of `src` (a crop of the layer with `reach()` pixels around it where
the canvas has them), blended with the old pixels by the selection's `coverage`
(uint8, or None: everywhere). `filter_ops.py` crops, runs them in bands and
applies the result as one undo step.

- Adjust (Image > Adjustments > Levels, Curves...): the adjustment layers' settings
  (`adjustments.py`) through `render.adjust_buffer`, the very pass that draws an
  adjustment layer on the screen, the selection's coverage taking the place of the
  layer's mask: the pixels come out as the same adjustment layer composites them.
- Invert (Ctrl+I) is the Invert adjustment's settings through Adjust (`invert()`).
- Desaturate: the HSL lightness (max + min) / 2, rounded half up, in
  integers (Photoshop's Desaturate is Hue/Saturation at saturation -100, which gives
  that lightness; our float kernel rounds some halves down), mixed with the
  selection's coverage as the adjustment pass mixes (`mix8`).
- Gaussian Blur: radius = the Gaussian's standard deviation (Photoshop's radius, as
  ImageJ's documentation of its own sigma says),
  kernel cut at 3 sigma, on premultiplied colour, then un-premultiplied, so colour
  never bleeds in from transparent pixels (no dark fringe); pixels beyond the canvas
  repeat its edge. Above RADIUS_EXACT the image is reduced first (`gaussian`: within
  about a level of the exact kernel; a radius of 250 stays fast).
- Unsharp Mask, as Photoshop defines it: per channel, d = v - blurred v (the Gaussian
  above, radius in pixels); where |d| >= threshold (levels), v + amount/100 * d.
  Only colour is sharpened; alpha stays.
- Add Noise: uniform noise in +-amount % of 255 (older Photoshops gave the amount in
  levels, the uniform noise within +-amount), or Gaussian noise whose standard deviation
  is half of that (our choice, as GIMP's RGB Noise; not measured on Photoshop); the same
  noise in the three channels when Monochromatic; alpha stays. The noise is drawn from
  `seed`, the canvas row and the columns changed, so a seed always gives the same grain.
- Motion Blur: a line `distance` pixels long at `angle` degrees (counter-clockwise),
  centred on each pixel, on premultiplied colour as Gaussian Blur.

The Filter menu's other filters (Box Blur, Surface Blur, Median, Dust & Scratches, High
Pass, Minimum, Maximum, Offset, Emboss, Find Edges, Mosaic) are `more_filters.py`, which
also holds the menu's one registry of filters (`FILTERS`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar, Optional

import numpy as np

from engine.box import Box

from .adjustments import Adjustment

RADIUS_EXACT = 8.0  # Gaussian radii up to this are exact separable kernels (`gaussian`)
REDUCED_SIGMA = 5.0  # beyond: reduced until what is left of the radius is at most this
NOISE_KINDS = ("uniform", "gaussian")


def _mix_table() -> np.ndarray:
    """(256, 511) int16: what a change of d (-255..255, index d + 255) becomes at coverage
    c (0..255): round(d * c / 255) halves away from zero, `adjust_kernels._store8`'s
    integer rounding at opacity 255."""
    change = np.arange(511, dtype=np.int64) - 255
    d = change[None, :] * (np.arange(256, dtype=np.int64) * 255)[:, None]
    return np.where(d >= 0, (d + 32512) // 65025, -((-d + 32512) // 65025)).astype(np.int16)


_MIX = _mix_table()


def mix8(old: np.ndarray, new: np.ndarray, coverage: Optional[np.ndarray]) -> np.ndarray:
    """`new` mixed into `old` (uint8, (..., 3) or (..., 4)) by coverage (uint8 0..255), with
    the rounding of the adjustment pass (one lookup per value: numpy's integer divisions
    took seconds on 12 MP)."""
    if coverage is None:
        return new
    change = new.astype(np.int16) - old + 255
    return (old + _MIX[coverage[..., None], change]).astype(np.uint8)


class Operation:
    """What every operation shares."""

    label: ClassVar[str] = ""
    grows: ClassVar[bool] = False   # it may give transparent pixels alpha (a blur spreads)

    def reach(self) -> int:
        """How far around a pixel the operation reads (pixels)."""
        return 0

    def is_identity(self) -> bool:
        return False

    def banded(self) -> bool:
        """Whether bands of rows give what the whole does (a reduced blur's blocks would
        fall differently in each band: it runs whole, and fast)."""
        return True

    def process(self, src: np.ndarray, inner: Box, where: Box,
                coverage: Optional[np.ndarray]) -> np.ndarray:
        raise NotImplementedError


@dataclass(frozen=True)
class Adjust(Operation):
    """An adjustment layer's settings applied to the pixels themselves."""

    settings: Adjustment = None
    name: str = ""  # the undo step's name when not the settings' (Auto Tone's Levels)

    @property
    def label(self) -> str:  # type: ignore[override]
        return self.name or self.settings.label

    def is_identity(self) -> bool:
        return self.settings.is_identity()

    def process(self, src, inner, where, coverage):
        from .render import adjust_buffer  # the adjustment layers' own pass

        old = src[inner.slices()]
        buf = np.empty(old.shape, np.uint8)  # premultiplied BGRA as the screen's: opaque
        buf[..., :3] = old[..., 2::-1]
        buf[..., 3] = np.where(old[..., 3] > 0, 255, 0)  # (transparent pixels stay as they are)
        adjust_buffer(buf, self.settings, False,
                      None if coverage is None else np.ascontiguousarray(coverage))
        out = old.copy()
        out[..., :3] = buf[..., 2::-1]
        return out


def invert() -> Adjust:
    """Image > Adjustments > Invert: the Invert adjustment layer's pass on the pixels."""
    from .adjustments import Invert

    return Adjust(Invert())


@dataclass(frozen=True)
class Desaturate(Operation):
    label: ClassVar[str] = "Desaturate"

    def process(self, src, inner, where, coverage):
        old = src[inner.slices()]
        r, g, b = old[..., 0], old[..., 1], old[..., 2]
        high = np.maximum(np.maximum(r, g), b).astype(np.uint16)
        grey = ((high + np.minimum(np.minimum(r, g), b) + 1) >> 1).astype(np.uint8)[..., None]
        out = old.copy()
        out[..., :3] = grey if coverage is None else \
            mix8(old[..., :3], np.broadcast_to(grey, old[..., :3].shape), coverage)
        return out


# -- blurs: on premultiplied colour ------------------------------------------------------

def _opaque(src: np.ndarray) -> bool:
    return bool(src.size) and int(src[..., 3].min()) == 255


def _premultiplied(src: np.ndarray) -> np.ndarray:
    """float32 premultiplied RGBA (0..255) of straight uint8 `src` (OpenCV's passes: numpy's
    broadcasting over the channels took 4x as long on 12 MP)."""
    import cv2

    alpha = np.ascontiguousarray(src[..., 3])
    scale = cv2.merge([alpha, alpha, alpha, np.full_like(alpha, 255)])
    return cv2.multiply(src, scale, scale=1 / 255, dtype=cv2.CV_32F)


def _straight(pre: np.ndarray) -> np.ndarray:
    """Straight uint8 RGBA of float premultiplied `pre`; colour 0 where alpha rounds to 0."""
    import cv2

    alpha = np.ascontiguousarray(pre[..., 3])
    inverse = np.zeros_like(alpha)
    np.divide(np.float32(255), alpha, out=inverse, where=alpha >= 0.5)
    scale = cv2.merge([inverse, inverse, inverse, np.ones_like(inverse)])
    return cv2.convertScaleAbs(cv2.multiply(pre, scale))  # rounded, saturated (all >= 0)


def _blurred(src: np.ndarray, inner: Box, blur) -> np.ndarray:
    """Straight uint8 RGBA of `inner` after `blur` (a function of a channels-last array,
    cv2's), run on premultiplied colour; an opaque crop is blurred as it is, in 8 bits
    (OpenCV's fixed point: within a level of float, 3-5x faster)."""
    if _opaque(src):  # (alpha, all 255, stays so)
        return blur(src)[inner.slices()]
    return _straight(blur(_premultiplied(src))[inner.slices()])


def gaussian_kernel_radius(sigma: float) -> int:
    """Half the kernel's width: 3 sigma, rounded (scipy's `gaussian_filter(truncate=3)`)."""
    return int(3.0 * sigma + 0.5)


def gaussian(pre: np.ndarray, sigma: float) -> np.ndarray:
    """`pre` (float32 or uint8, channels last) blurred by a Gaussian of standard deviation
    `sigma`, the edges repeated; the same dtype back. Above RADIUS_EXACT on a copy reduced
    by a whole factor (block means), blurred by what is left of sigma and enlarged again
    (bilinear), the edges repeated far enough first: within about a level of the exact
    kernel (white noise: 1.1 levels at most at 8.5, 0.8 at 10, 0.4 at 40; a 12 MP blur of
    radius 10 ~0.1 s instead of ~0.7 s, and a radius of 250 stays that fast)."""
    import cv2

    if sigma <= 0:
        return pre
    if sigma <= RADIUS_EXACT:
        k = 2 * gaussian_kernel_radius(sigma) + 1
        return cv2.GaussianBlur(pre, (k, k), sigma, sigmaY=sigma, borderType=cv2.BORDER_REPLICATE)
    factor = int(math.ceil(sigma / REDUCED_SIGMA))
    h, w = pre.shape[:2]
    m = gaussian_kernel_radius(sigma) + factor  # repeated edge: as the exact kernel sees it
    hh, ww = -(-(h + 2 * m) // factor) * factor, -(-(w + 2 * m) // factor) * factor
    padded = cv2.copyMakeBorder(pre, m, hh - h - m, m, ww - w - m, cv2.BORDER_REPLICATE)
    small = cv2.resize(padded.astype(np.float32, copy=False), (ww // factor, hh // factor),
                       interpolation=cv2.INTER_AREA)  # (in float: 8-bit means are rounded)
    # Block means already spread by (factor**2 - 1) / 12 (variance, full-size pixels).
    rest = math.sqrt(max(sigma ** 2 - (factor ** 2 - 1) / 12.0, 0.25)) / factor
    k = 2 * gaussian_kernel_radius(rest) + 1
    small = cv2.GaussianBlur(small, (k, k), rest, sigmaY=rest, borderType=cv2.BORDER_REPLICATE)
    # Enlarged from one block before the picture to one after it only: whole blocks keep
    # the bilinear weights where they were (the padding's pixels are never looked at).
    b0, b1 = m // factor - 1, -(-(m + h) // factor) + 1
    c0, c1 = m // factor - 1, -(-(m + w) // factor) + 1
    part = np.ascontiguousarray(small[b0:b1, c0:c1])
    out = cv2.resize(part, ((c1 - c0) * factor, (b1 - b0) * factor),
                     interpolation=cv2.INTER_LINEAR)
    out = out[m - b0 * factor:m - b0 * factor + h, m - c0 * factor:m - c0 * factor + w]
    if pre.dtype == np.uint8:
        return cv2.convertScaleAbs(out)  # (rounded, saturated: the values are >= 0)
    return np.ascontiguousarray(out)


def _blend_premultiplied(old: np.ndarray, new: np.ndarray,
                         coverage: Optional[np.ndarray]) -> np.ndarray:
    """Straight uint8 `new` mixed into `old` by coverage, in premultiplied colour (a blur's
    soft-edged selection fades its alpha and colour together)."""
    if coverage is None:
        return new
    c = coverage.astype(np.float32)[..., None] * np.float32(1 / 255)
    a_old = old[..., 3:4].astype(np.float32)
    a_new = new[..., 3:4].astype(np.float32)
    alpha = a_old + (a_new - a_old) * c
    pre = old[..., :3] * a_old + (new[..., :3] * a_new - old[..., :3] * a_old) * c
    out = np.empty(old.shape, np.uint8)
    out[..., :3] = np.clip(pre / np.maximum(alpha, np.float32(1e-6)) + 0.5, 0, 255)
    out[..., 3] = np.clip(alpha[..., 0] + 0.5, 0, 255)
    out[out[..., 3] == 0] = 0
    return out


@dataclass(frozen=True)
class GaussianBlur(Operation):
    label: ClassVar[str] = "Gaussian Blur"
    grows: ClassVar[bool] = True
    radius: float = 1.0  # 0.1..250 px: the standard deviation

    def reach(self) -> int:
        return int(math.ceil(3 * self.radius)) + 2

    def banded(self) -> bool:
        return self.radius <= RADIUS_EXACT

    def is_identity(self) -> bool:
        return self.radius <= 0

    def process(self, src, inner, where, coverage):
        out = _blurred(src, inner, lambda a: gaussian(a, float(self.radius)))
        return _blend_premultiplied(src[inner.slices()], out, coverage)


def motion_kernel(angle: float, distance: float) -> np.ndarray:
    """A float32 kernel: a line `distance` pixels long through the centre at `angle`
    degrees (counter-clockwise from the right), drawn anti-aliased, summing to 1."""
    half = max(distance, 1.0) / 2
    size = 2 * int(math.ceil(half)) + 3
    kernel = np.zeros((size, size), np.float64)
    c = size // 2
    steps = max(2, int(math.ceil(distance * 4)) + 1)
    t = np.linspace(-half, half, steps)
    a = math.radians(angle)
    xs, ys = c + t * math.cos(a), c - t * math.sin(a)
    x0, y0 = np.floor(xs).astype(int), np.floor(ys).astype(int)
    fx, fy = xs - x0, ys - y0
    for dx, dy, w in ((0, 0, (1 - fx) * (1 - fy)), (1, 0, fx * (1 - fy)),
                      (0, 1, (1 - fx) * fy), (1, 1, fx * fy)):
        np.add.at(kernel, (y0 + dy, x0 + dx), w)
    return (kernel / kernel.sum()).astype(np.float32)


@dataclass(frozen=True)
class MotionBlur(Operation):
    label: ClassVar[str] = "Motion Blur"
    grows: ClassVar[bool] = True
    angle: float = 0.0      # degrees, -360..360
    distance: float = 10.0  # 1..2000 px

    def reach(self) -> int:
        return int(math.ceil(self.distance / 2)) + 2

    def is_identity(self) -> bool:
        return self.distance <= 1

    def process(self, src, inner, where, coverage):
        import cv2

        kernel = motion_kernel(self.angle, self.distance)
        out = _blurred(src, inner, lambda a: cv2.filter2D(a, -1, kernel,
                                                          borderType=cv2.BORDER_REPLICATE))
        return _blend_premultiplied(src[inner.slices()], out, coverage)


def _mix_colours(old: np.ndarray, rgb: np.ndarray, coverage: Optional[np.ndarray]) -> np.ndarray:
    """Float straight colours `rgb` (0..255) rounded into a copy of `old` (alpha kept),
    mixed by coverage."""
    out = old.copy()
    new = np.clip(rgb + 0.5, 0, 255).astype(np.uint8)
    out[..., :3] = mix8(old[..., :3], new, coverage)
    return out


def soft_colour(src: np.ndarray, inner: Box, radius: float) -> np.ndarray:
    """float32 (h, w, 3): the straight colour of `inner` blurred by Gaussian Blur's kernel of
    `radius`, unrounded (Unsharp Mask's threshold and High Pass compare it with the pixel);
    transparent pixels add no colour."""
    if _opaque(src):
        return gaussian(src[..., :3].astype(np.float32), radius)[inner.slices()]
    blurred = gaussian(_premultiplied(src), radius)[inner.slices()]
    return blurred[..., :3] * (np.float32(255) / np.maximum(blurred[..., 3:4], np.float32(1e-6)))


@dataclass(frozen=True)
class UnsharpMask(Operation):
    label: ClassVar[str] = "Unsharp Mask"
    amount: float = 100.0   # 1..500 %
    radius: float = 1.0     # 0.1..250 px
    threshold: int = 0      # 0..255 levels

    def reach(self) -> int:
        return int(math.ceil(3 * self.radius)) + 2

    def banded(self) -> bool:
        return self.radius <= RADIUS_EXACT

    def is_identity(self) -> bool:
        return self.amount <= 0 or self.radius <= 0

    def process(self, src, inner, where, coverage):
        old = src[inner.slices()]
        soft = soft_colour(src, inner, float(self.radius))
        v = old[..., :3].astype(np.float32)
        d = v - soft
        sharp = np.where(np.abs(d) >= self.threshold, v + np.float32(self.amount / 100) * d, v)
        return _mix_colours(old, sharp, coverage)


@dataclass(frozen=True)
class AddNoise(Operation):
    label: ClassVar[str] = "Add Noise"
    amount: float = 12.5          # 0.1..400 %
    distribution: str = "uniform"  # NOISE_KINDS
    monochromatic: bool = False
    seed: int = 0

    def __post_init__(self):
        if self.distribution not in NOISE_KINDS:
            raise ValueError(f"noise is {' or '.join(NOISE_KINDS)}, not {self.distribution!r}")

    def is_identity(self) -> bool:
        return self.amount <= 0

    def noise(self, where: Box) -> np.ndarray:
        """float32 (h, w, 3) noise of canvas box `where`, the same for a seed and a row."""
        scale = np.float32(self.amount / 100 * 255)
        channels = 1 if self.monochromatic else 3
        rows = []
        for y in range(where.y, where.y1):  # per canvas row: any band layout draws the same
            rng = np.random.default_rng((int(self.seed) & 0xFFFFFFFF, y, where.x, where.w))
            if self.distribution == "uniform":
                rows.append(rng.random((where.w, channels), np.float32) * 2 - 1)
            else:
                rows.append(rng.standard_normal((where.w, channels), np.float32) * np.float32(0.5))
        noise = np.stack(rows) * scale if rows else np.zeros((0, where.w, channels), np.float32)
        return np.repeat(noise, 3, axis=-1) if self.monochromatic else noise

    def process(self, src, inner, where, coverage):
        old = src[inner.slices()]
        rgb = old[..., :3].astype(np.float32) + self.noise(where)
        return _mix_colours(old, rgb, coverage)

