"""More of the Filter menu's filters: Blur (Average, Blur, Blur More, Lens Blur, Radial Blur),
Sharpen (Sharpen, Sharpen Edges, Sharpen More, Smart Sharpen), Noise (Despeckle, Reduce
Noise) and Stylize (Diffuse, Oil Paint, Solarize, Tiles, Wind). Pixelate's new filters are
`cell_filters.py`.

Each is an `Operation` as those of `pixel_filters.py` and `more_filters.py` (frozen
settings, `process` on a crop with `reach()` pixels around it, mixed with the old pixels by
the selection's coverage), registered in `more_filters.FILTERS` at the end of this module,
so `filter_ops` runs, previews and records them as it does the others. numpy and OpenCV do
the work; Python never loops over pixels. Random choices (Diffuse, Wind, Tiles) come from a
hash of the canvas position (`hash01`): the same settings always give the same pixels,
whatever the bands or the selection.

Photoshop publishes none of these kernels; they follow its manual's descriptions and the
usual reimplementations (the look, not Photoshop's exact numbers):

- Average: the selection (or the layer) filled with its mean colour, the pixels weighted
  by alpha and by the selection's coverage; alpha stays.
- Blur / Blur More: binomial kernels on premultiplied colour, as Gaussian Blur: Blur the
  3-tap [1 2 1]/4 each way (variance 0.5 px^2), Blur More the 7-tap [1 6 15 20 15 6 1]/64
  (variance 1.5: "three to four times" Blur, as Photoshop's manual says).
- Lens Blur: the mean over the iris, a regular polygon of 3-8 sides with its corners
  `radius` px out, turned by Rotation, its sides bowed towards the circle by Blade Curvature
  (`iris_kernel`), on premultiplied colour; Specular Highlights: pixels whose luma is at
  least Threshold weigh up to 5 x (Brightness 100) before the blur, so bright points open
  into bright shapes of the iris. No depth map (the whole layer is out of focus) and no
  noise (Filter > Noise > Add Noise after it).
- Radial Blur: the mean of the picture turned about the centre through an arc of `amount`
  degrees (Spin), or scaled towards it by factors from 1 - amount/200 to 1 (Zoom), on
  premultiplied colour. The samples are made by halving: each pass averages the last
  result turned (scaled) both ways by half the previous step, so k passes give 2^k evenly
  spaced samples; Draft spaces them about 4 px apart at the farthest corner, Good 1 px,
  Best 0.5 px with bicubic samples. The centre is a fraction of the box the filter changes
  (the selection's box, or the canvas: the blur spreads a layer's pixels anywhere).
- Sharpen / Sharpen More: v + s (v - the mean of the 8 neighbours), s = 1 and 3 (our
  choice); a transparent neighbour counts as the pixel itself (`_neighbour_differences`).
- Sharpen Edges: Sharpen More's step where the colour's Sobel gradient (Find Edges's
  scale) exceeds about 30 levels, fading in from 15; flat and softly shaded areas stay.
- Smart Sharpen: v + amount/100 * d, d = v - the blur to remove (Gaussian: Gaussian
  Blur's kernel of `radius`; Lens Blur: a disc of `radius`; Motion Blur: Motion Blur's
  line of 2 radius at `angle`), d first shrunk towards 0 by Reduce Noise % of 16 levels
  (soft threshold: grain smaller than that is not sharpened). Shadows / Highlights: the
  change is faded by Fade Amount where the surroundings (Gaussian of the tone's Radius) are
  dark (light), fully at black (white) and not at all from Tonal Width % of the way up
  (down), linearly between.
- Despeckle: a 3x3 median then a Gaussian of 1 px everywhere except within 2 px of an
  edge (the median's Sobel gradient above about 20 levels), where the pixel stays: an
  isolated speck goes, a hard edge stays. No settings.
- Reduce Noise: in luma and colour difference (Y, B - Y, R - Y): luma through a bilateral
  filter of spatial sigma 0.5 + Strength/4 px and range sigma Strength x 4 x (1.2 -
  Preserve Details/100) levels, the colour differences blurred by Reduce Color Noise % of
  4 px, then the luma's detail (v - its Gaussian of 1 px) raised by Sharpen Details %.
  Colour only; transparent pixels' colour is not weighted out (a layer's hidden colour
  may show in the pixels next to it).
- Diffuse: each pixel takes the pixel (all four channels) at a random offset of up to 2
  px (Normal), or only where that one is darker (Darken Only) or lighter (Lighten Only)
  by the sum of its channels.
- Oil Paint: patches of paint by a Kuwahara filter (`kuwahara.py`) of radius Stylization;
  with Lighting, the paint's relief (its luma, plus bristles: noise of the canvas position
  blurred to Scale px, Bristle Detail x 3 levels deep, all smoothed by Cleanliness x 0.3
  px) lit from Angle: the slope towards the light x Shine x 1.5 added to the colour. Alpha
  stays.
- Solarize: a channel above 128 inverted (255 - v), the rest kept; alpha stays.
- Wind: along each row, each channel's value carried downwind, fading by e^-3 over a
  length chosen per row (Wind 8-40 px, Blast 30-120 px), the brighter value kept (max-times
  doubling: log2 passes); Stagger also carries the rows shifted by a random 0-16 px. From
  the Right blows to the left. On premultiplied colour: alpha fades with the colour.
- Tiles: the box it changes (selection's box or layer) cut into square tiles, `number`
  across its shorter side, each moved by a random offset up to `offset` % of a tile; what
  is uncovered shows the Background colour, the Foreground colour, the inverse picture or
  the picture unaltered.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from engine.box import Box

from . import more_filters as mf
from .canvas_hash import hash01, luma as _luma
from .kuwahara import kuwahara
from .more_filters import SOBEL, _border, _neighbour_differences
from .pixel_filters import (RADIUS_EXACT, Operation, _blend_premultiplied, _blurred,
                            _mix_colours, _opaque, _premultiplied, _straight, gaussian,
                            gaussian_kernel_radius, mix8, motion_kernel, soft_colour)

RADIAL_METHODS = ("spin", "zoom")
RADIAL_QUALITY = ("draft", "good", "best")
RADIAL_SPACING = {"draft": 4.0, "good": 1.0, "best": 0.5}  # px between samples at the corner
BLUR_REMOVED = ("gaussian", "lens", "motion")
DIFFUSE_MODES = ("normal", "darken", "lighten")
DIFFUSE_REACH = 2
WIND_METHODS = ("wind", "blast", "stagger")
WIND_FROM = ("right", "left")
WIND_LENGTHS = {"wind": (8, 40), "blast": (30, 120), "stagger": (8, 40)}  # px, per row
STAGGER = 16  # px: Stagger's rows shifted by up to this
TILE_FILLS = ("background", "foreground", "inverse", "unaltered")


# -- Blur ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Average(Operation):
    label: ClassVar[str] = "Average"

    def reach(self) -> int:
        return 0

    def banded(self) -> bool:
        return False  # one mean of the whole box

    def process(self, src, inner, where, coverage):
        import cv2

        old = src[inner.slices()]
        # The weights alpha x coverage; OpenCV's sums accumulate in double (numpy's float64
        # products of 12 MP took most of a second).
        weight = np.ascontiguousarray(old[..., 3])
        if coverage is not None:
            weight = cv2.multiply(weight, np.ascontiguousarray(coverage), scale=1 / 255,
                                  dtype=cv2.CV_32F)
        else:
            weight = weight.astype(np.float32)
        total = cv2.sumElems(weight)[0]
        if total <= 0:
            return old.copy()
        rgb = np.ascontiguousarray(old[..., :3])
        sums = cv2.sumElems(cv2.multiply(rgb, cv2.merge([weight] * 3), dtype=cv2.CV_32F))
        mean = np.float32(sums[:3]) / np.float32(total)
        return _mix_colours(old, np.broadcast_to(mean, rgb.shape), coverage)


def _binomial(taps: int) -> np.ndarray:
    row = np.array([math.comb(taps - 1, k) for k in range(taps)], np.float32)
    return row / row.sum()


@dataclass(frozen=True)
class _KernelBlur(Operation):
    grows: ClassVar[bool] = True
    taps: ClassVar[int] = 3

    def reach(self) -> int:
        return self.taps // 2 + 1

    def process(self, src, inner, where, coverage):
        import cv2

        k = _binomial(self.taps)
        out = _blurred(src, inner, lambda a: cv2.sepFilter2D(a, -1, k, k, borderType=_border()))
        return _blend_premultiplied(src[inner.slices()], out, coverage)


@dataclass(frozen=True)
class Blur(_KernelBlur):
    label: ClassVar[str] = "Blur"
    taps: ClassVar[int] = 3


@dataclass(frozen=True)
class BlurMore(_KernelBlur):
    label: ClassVar[str] = "Blur More"
    taps: ClassVar[int] = 7


IRIS_SHAPES = (3, 4, 5, 6, 7, 8)  # Lens Blur's iris: triangle .. octagon


def iris_kernel(sides: int, radius: float, curvature: float, rotation: float) -> np.ndarray:
    """float32 kernel summing to 1: a regular polygon of `sides` whose corners lie `radius`
    px out, turned by `rotation` degrees, its sides bowed out towards the circle by
    `curvature` (0..1; 1: a disc), drawn anti-aliased."""
    r = max(float(radius), 0.5)
    n = int(math.ceil(r)) + 1
    y, x = np.mgrid[-n:n + 1, -n:n + 1].astype(np.float64)
    rho, theta = np.hypot(x, y), np.arctan2(-y, x) - math.radians(rotation)
    wedge = 2 * math.pi / sides
    # The polygon's edge at angle theta (its corners at radius r), bowed towards the circle.
    edge = r * math.cos(math.pi / sides) / np.cos(np.mod(theta, wedge) - wedge / 2)
    edge = edge + (r - edge) * curvature
    k = np.clip(edge - rho + 0.5, 0, 1).astype(np.float32)
    return k / k.sum()


@dataclass(frozen=True)
class LensBlur(Operation):
    label: ClassVar[str] = "Lens Blur"
    grows: ClassVar[bool] = True
    sides: int = 6            # IRIS_SHAPES: Iris Shape
    radius: int = 15          # 0..100 px
    curvature: int = 0        # 0..100: Blade Curvature
    rotation: int = 0         # 0..360 degrees
    brightness: int = 0       # 0..100: Specular Highlights' Brightness
    threshold: int = 255      # 0..255: ... and Threshold

    def __post_init__(self):
        if self.sides not in IRIS_SHAPES:
            raise ValueError(f"the iris has 3 to 8 sides, not {self.sides!r}")

    def reach(self) -> int:
        return int(self.radius) + 3

    def is_identity(self) -> bool:
        return self.radius <= 0

    def process(self, src, inner, where, coverage):
        import cv2

        kernel = iris_kernel(self.sides, self.radius, self.curvature / 100, self.rotation)
        opaque = _opaque(src)
        a = src[..., :3].astype(np.float32) if opaque else _premultiplied(src)
        if self.brightness > 0:  # highlights brightened before the blur: bright bokeh shapes
            light = _luma(src[..., :3].astype(np.float32))
            gain = np.where(light >= self.threshold,
                            np.float32(1 + SPECULAR_GAIN * self.brightness / 100), 1)
            a[..., :3] *= gain[..., None].astype(np.float32)
        part = cv2.filter2D(a, -1, kernel, borderType=_border())[inner.slices()]
        if opaque:
            out = src[inner.slices()].copy()
            out[..., :3] = np.clip(part + 0.5, 0, 255)
        else:
            out = _straight(np.ascontiguousarray(part))
        return _blend_premultiplied(src[inner.slices()], out, coverage)


SPECULAR_GAIN = 4.0  # Lens Blur's Brightness at 100: highlights weigh 5 x before the blur


@dataclass(frozen=True)
class RadialBlur(Operation):
    label: ClassVar[str] = "Radial Blur"
    grows: ClassVar[bool] = True
    amount: int = 10            # 1..100
    method: str = "spin"        # RADIAL_METHODS
    quality: str = "good"       # RADIAL_QUALITY
    centre_x: float = 0.5       # 0..1 of the box it changes
    centre_y: float = 0.5

    def __post_init__(self):
        if self.method not in RADIAL_METHODS or self.quality not in RADIAL_QUALITY:
            raise ValueError(f"Radial Blur is {'/'.join(RADIAL_METHODS)} at "
                             f"{'/'.join(RADIAL_QUALITY)} quality")

    def reach(self) -> int:
        return 1 << 24  # samples come from anywhere along the arc or the ray

    def banded(self) -> bool:
        return False

    def is_identity(self) -> bool:
        return self.amount <= 0

    def passes(self, far: float) -> tuple[float, float, int]:
        """(centre, half-width, passes): the samples' spread (radians of turn, or log of the
        scale) and how many halvings keep them RADIAL_SPACING apart `far` px out."""
        if self.method == "spin":
            width, centre = math.radians(self.amount), 0.0
            length = far * width
        else:
            low = math.log(1 - min(self.amount, 100) / 200)
            width, centre = -low, low / 2
            length = far * (1 - math.exp(low))
        n = max(1.0, length / RADIAL_SPACING[self.quality])
        return centre, width / 2, max(1, int(math.ceil(math.log2(n))))

    def process(self, src, inner, where, coverage):
        import cv2

        opaque = _opaque(src)
        a = src[..., :3].astype(np.float32) if opaque else _premultiplied(src)
        # (OpenCV puts pixel i's centre at i: the box spans i0 - 0.5 .. i1 - 0.5.)
        cx = inner.x - 0.5 + self.centre_x * inner.w
        cy = inner.y - 0.5 + self.centre_y * inner.h
        h, w = a.shape[:2]
        far = max(math.hypot(x - cx, y - cy) for x in (0, w) for y in (0, h))
        centre, half, count = self.passes(far)
        # Best: bicubic samples (each pass resamples: bilinear ones soften the picture a little
        # at every pass).
        flags = (cv2.INTER_CUBIC if self.quality == "best" else cv2.INTER_LINEAR) \
            | cv2.WARP_INVERSE_MAP

        def moved(x, t):  # x sampled turned by t radians, or scaled by exp(t), about the centre
            if self.method == "spin":
                m = cv2.getRotationMatrix2D((cx, cy), math.degrees(t), 1.0)
            else:
                s = math.exp(t)
                m = np.float64([[s, 0, cx * (1 - s)], [0, s, cy * (1 - s)]])
            return cv2.warpAffine(x, m, (w, h), flags=flags, borderMode=_border())

        if centre:
            a = moved(a, centre)
        step = half
        for _ in range(count):
            step /= 2
            a = cv2.addWeighted(moved(a, step), 0.5, moved(a, -step), 0.5, 0)
        part = a[inner.slices()]
        if opaque:
            out = src[inner.slices()].copy()
            out[..., :3] = np.clip(part + 0.5, 0, 255)
        else:
            out = _straight(part)
        return _blend_premultiplied(src[inner.slices()], out, coverage)


# -- Sharpen ------------------------------------------------------------------------------

MEAN8_STEP = np.float32([[1, 1, 1], [1, -8, 1], [1, 1, 1]]) / 8  # mean of 8 neighbours - v


def _detail(src: np.ndarray, inner: Box) -> np.ndarray:
    """float32 (h, w, 3): v - the mean of its 8 neighbours (transparent ones count as v)."""
    import cv2

    return -_neighbour_differences(
        src, inner, lambda x: cv2.filter2D(x, -1, MEAN8_STEP, borderType=_border()))


def edge_strength(src: np.ndarray, inner: Box) -> np.ndarray:
    """float32 (h, w): the largest channel's Sobel gradient / 4 (Find Edges's scale)."""
    import cv2

    gx, gy = (_neighbour_differences(
        src, inner, lambda x, k=k: cv2.filter2D(x, -1, k, borderType=_border()))
        for k in (SOBEL, np.ascontiguousarray(SOBEL.T)))
    return np.sqrt(gx * gx + gy * gy).max(axis=-1) * np.float32(0.25)


@dataclass(frozen=True)
class _Sharpen3(Operation):
    strength: ClassVar[float] = 1.0

    def reach(self) -> int:
        return 2

    def process(self, src, inner, where, coverage):
        old = src[inner.slices()]
        v = old[..., :3].astype(np.float32)
        return _mix_colours(old, v + np.float32(self.strength) * _detail(src, inner), coverage)


@dataclass(frozen=True)
class Sharpen(_Sharpen3):
    label: ClassVar[str] = "Sharpen"
    strength: ClassVar[float] = 1.0


@dataclass(frozen=True)
class SharpenMore(_Sharpen3):
    label: ClassVar[str] = "Sharpen More"
    strength: ClassVar[float] = 3.0


EDGE_FROM, EDGE_FULL = 15.0, 30.0  # Sharpen Edges: gradient (levels) where it fades in


@dataclass(frozen=True)
class SharpenEdges(_Sharpen3):
    label: ClassVar[str] = "Sharpen Edges"
    strength: ClassVar[float] = 3.0

    def reach(self) -> int:
        return 3

    def process(self, src, inner, where, coverage):
        old = src[inner.slices()]
        v = old[..., :3].astype(np.float32)
        edge = np.clip((edge_strength(src, inner) - np.float32(EDGE_FROM))
                       / np.float32(EDGE_FULL - EDGE_FROM), 0, 1)[..., None]
        return _mix_colours(old, v + np.float32(self.strength) * edge * _detail(src, inner),
                            coverage)


def disc_kernel(radius: float) -> np.ndarray:
    """float32 disc of `radius` px (anti-aliased edge), summing to 1: a lens's blur."""
    r = max(float(radius), 0.5)
    n = int(math.ceil(r))
    y, x = np.mgrid[-n:n + 1, -n:n + 1]
    k = np.clip(r + 0.5 - np.hypot(x, y), 0, 1).astype(np.float32)
    return k / k.sum()


def _soft(src: np.ndarray, inner: Box, blur) -> np.ndarray:
    """float32 (h, w, 3): the straight colour of `inner` after `blur` (a function of a float
    channels-last array), unrounded; transparent pixels add no colour (as `soft_colour`)."""
    if _opaque(src):
        return blur(src[..., :3].astype(np.float32))[inner.slices()]
    blurred = blur(_premultiplied(src))[inner.slices()]
    return blurred[..., :3] * (np.float32(255) / np.maximum(blurred[..., 3:4], np.float32(1e-6)))


NOISE_LEVELS = 16.0  # Smart Sharpen's Reduce Noise at 100 %: detail below this is not sharpened


@dataclass(frozen=True)
class SmartSharpen(Operation):
    label: ClassVar[str] = "Smart Sharpen"
    amount: int = 200           # 0..500 %
    radius: float = 1.0         # 0.1..64 px
    reduce_noise: int = 10      # 0..100 %
    remove: str = "gaussian"    # BLUR_REMOVED
    angle: int = 0              # -360..360 degrees (Motion Blur)
    shadow_fade: int = 0        # 0..100 %: Shadows' Fade Amount
    shadow_width: int = 50      # 0..100 %: ... Tonal Width
    shadow_radius: int = 1      # 1..100 px: ... Radius
    highlight_fade: int = 0     # likewise for the highlights
    highlight_width: int = 50
    highlight_radius: int = 1

    def __post_init__(self):
        if self.remove not in BLUR_REMOVED:
            raise ValueError(f"Remove is {' or '.join(BLUR_REMOVED)}, not {self.remove!r}")

    def tone_radii(self) -> list[int]:
        """The radii of the tonal ranges that fade the sharpening (none when not faded)."""
        return [r for fade, r in ((self.shadow_fade, self.shadow_radius),
                                  (self.highlight_fade, self.highlight_radius)) if fade > 0]

    def reach(self) -> int:
        own = 3 * self.radius if self.remove == "gaussian" else self.radius
        return int(math.ceil(max([own] + [3 * r for r in self.tone_radii()]))) + 2

    def banded(self) -> bool:
        return (self.remove != "gaussian" or self.radius <= RADIUS_EXACT) and \
            all(r <= RADIUS_EXACT for r in self.tone_radii())

    def is_identity(self) -> bool:
        return self.amount <= 0 or self.radius <= 0

    def process(self, src, inner, where, coverage):
        import cv2

        old = src[inner.slices()]
        if self.remove == "gaussian":
            soft = soft_colour(src, inner, float(self.radius))
        else:
            kernel = disc_kernel(self.radius) if self.remove == "lens" else \
                motion_kernel(self.angle, max(2.0, 2 * self.radius))
            soft = _soft(src, inner, lambda a: cv2.filter2D(a, -1, kernel,
                                                            borderType=_border()))
        v = old[..., :3].astype(np.float32)
        d = v - soft
        t = np.float32(self.reduce_noise / 100 * NOISE_LEVELS)
        if t > 0:
            d = np.sign(d) * np.maximum(np.abs(d) - t, 0)
        change = np.float32(self.amount / 100) * d
        for fade, width, radius, dark in ((self.shadow_fade, self.shadow_width,
                                           self.shadow_radius, True),
                                          (self.highlight_fade, self.highlight_width,
                                           self.highlight_radius, False)):
            if fade > 0 and width > 0:
                # How far the surroundings' lightness lies inside the tonal range: 1 at
                # black (white), 0 at `width` % of the way up (down).
                light = _luma(soft_colour(src, inner, float(radius)))
                into = (light if dark else 255 - light) / np.float32(width / 100 * 255)
                change *= (1 - np.float32(fade / 100) * np.clip(1 - into, 0, 1))[..., None]
        return _mix_colours(old, v + change, coverage)


# -- Noise --------------------------------------------------------------------------------

DESPECKLE_EDGE = (12.0, 24.0)  # gradient (levels) where the pixel starts, and fully, to stay


@dataclass(frozen=True)
class Despeckle(Operation):
    label: ClassVar[str] = "Despeckle"

    def reach(self) -> int:
        return 8

    def process(self, src, inner, where, coverage):
        import cv2

        opaque = _opaque(src)
        pre = np.ascontiguousarray(src if opaque else cv2.convertScaleAbs(_premultiplied(src)))
        med = cv2.medianBlur(pre, 3).astype(np.float32)
        smooth = cv2.GaussianBlur(med, (7, 7), 1.0, borderType=_border())
        # Edges of the median (specks gone, edges kept), widened so no blur reaches them.
        lo, hi = DESPECKLE_EDGE
        gx = cv2.Sobel(_luma(med), cv2.CV_32F, 1, 0, ksize=3, borderType=_border())
        gy = cv2.Sobel(_luma(med), cv2.CV_32F, 0, 1, ksize=3, borderType=_border())
        keep = np.clip((cv2.magnitude(gx, gy) * np.float32(0.25) - lo) / (hi - lo), 0, 1)
        keep = cv2.dilate(keep, np.ones((5, 5), np.uint8), borderType=_border())
        smooth, keep = smooth[inner.slices()], keep[inner.slices()][..., None]
        if not opaque:
            smooth = smooth[..., :3] * (np.float32(255)
                                        / np.maximum(smooth[..., 3:4], np.float32(1e-6)))
        old = src[inner.slices()]
        v = old[..., :3].astype(np.float32)
        return _mix_colours(old, v * keep + smooth[..., :3] * (1 - keep), coverage)


@dataclass(frozen=True)
class ReduceNoise(Operation):
    label: ClassVar[str] = "Reduce Noise"
    strength: int = 6          # 0..10
    preserve: int = 60         # 0..100 % Preserve Details
    color: int = 45            # 0..100 % Reduce Color Noise
    sharpen: int = 25          # 0..100 % Sharpen Details

    def sigma_space(self) -> float:
        return 0.5 + self.strength / 4

    def reach(self) -> int:
        return int(math.ceil(max(1.5 * self.sigma_space(), 3 * self.color / 100 * 4, 3))) + 4

    def is_identity(self) -> bool:
        return self.strength <= 0 and self.color <= 0 and self.sharpen <= 0

    def process(self, src, inner, where, coverage):
        import cv2

        rgb = src[..., :3].astype(np.float32)
        y = _luma(rgb)
        cb, cr = rgb[..., 2] - y, rgb[..., 0] - y
        if self.strength > 0:
            sigma = self.strength * 4.0 * (1.2 - self.preserve / 100)
            d = 2 * int(math.ceil(1.5 * self.sigma_space())) + 1
            y = cv2.bilateralFilter(y, d, sigma, self.sigma_space(), borderType=_border())
        if self.color > 0:
            s = self.color / 100 * 4
            cb, cr = (gaussian(c, s) for c in (cb, cr))
        if self.sharpen > 0:
            y = y + np.float32(self.sharpen / 100) * (y - gaussian(y, 1.0))
        sl = inner.slices()
        y, cb, cr = y[sl], cb[sl], cr[sl]
        r, b = cr + y, cb + y
        g = (y - np.float32(0.299) * r - np.float32(0.114) * b) / np.float32(0.587)
        return _mix_colours(src[sl], np.stack([r, g, b], axis=-1), coverage)


# -- Stylize ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Diffuse(Operation):
    label: ClassVar[str] = "Diffuse"
    grows: ClassVar[bool] = True
    mode: str = "normal"  # DIFFUSE_MODES

    def __post_init__(self):
        if self.mode not in DIFFUSE_MODES:
            raise ValueError(f"Diffuse is {', '.join(DIFFUSE_MODES)}, not {self.mode!r}")

    def reach(self) -> int:
        return DIFFUSE_REACH

    def process(self, src, inner, where, coverage):
        ys = np.arange(where.y, where.y1)[:, None]
        xs = np.arange(where.x, where.x1)[None, :]
        span = 2 * DIFFUSE_REACH + 1
        dy = (hash01(11, ys, xs) * span).astype(np.int64) - DIFFUSE_REACH
        dx = (hash01(12, ys, xs) * span).astype(np.int64) - DIFFUSE_REACH
        rows = np.clip(np.arange(inner.y, inner.y1)[:, None] + dy, 0, src.shape[0] - 1)
        cols = np.clip(np.arange(inner.x, inner.x1)[None, :] + dx, 0, src.shape[1] - 1)
        old = src[inner.slices()]
        new = src[rows, cols]
        if self.mode != "normal":
            def level(p):  # the sum of the channels, transparent as white (never darker)
                return np.where(p[..., 3] > 0, p[..., :3].astype(np.int32).sum(-1), 766)
            darker = level(new) < level(old)
            take = darker if self.mode == "darken" else ~darker & (new[..., 3] > 0) \
                & (level(new) > level(old))
            new = np.where(take[..., None], new, old)
        return _blend_premultiplied(old, new, coverage)


@dataclass(frozen=True)
class OilPaint(Operation):
    label: ClassVar[str] = "Oil Paint"
    stylization: float = 4.0   # 0.1..10: the paint's patches (Kuwahara radius, px)
    cleanliness: float = 5.0   # 0..10: the strokes' relief smoothed by cleanliness x 0.3 px
    scale: float = 1.0         # 0.1..10: the bristles' size (px)
    bristle: float = 5.0       # 0..10: Bristle Detail, the bristles' depth
    lighting: bool = True
    angle: int = -60           # -180..180 degrees: where the light comes from
    shine: float = 1.0         # 0..10

    def radius(self) -> int:
        return max(1, int(round(self.stylization)))

    def reach(self) -> int:
        return self.radius() + int(math.ceil(3 * (self.cleanliness * 0.3 + self.scale))) + 4

    def process(self, src, inner, where, coverage):
        import cv2

        opaque = _opaque(src)
        base = kuwahara(src.astype(np.float32) if opaque else _premultiplied(src), self.radius())
        colour = base[..., :3]
        if not opaque:
            colour = colour * (np.float32(255) / np.maximum(base[..., 3:4], np.float32(1e-6)))
        if self.lighting and self.shine > 0:
            # The paint's height: its lightness, with bristles (noise of the canvas position,
            # blurred to their size), smoothed by Cleanliness; lit from `angle`.
            height = _luma(colour)
            if self.bristle > 0:
                h, w = src.shape[:2]
                x0, y0 = where.x - inner.x, where.y - inner.y
                grain = hash01(51, np.arange(y0, y0 + h)[:, None], np.arange(x0, x0 + w)[None, :])
                grain = gaussian(grain - np.float32(0.5), float(self.scale))
                grain *= np.float32(1 / _blurred_noise_std(float(self.scale)))  # (unit std)
                height = height + np.float32(self.bristle * 3) * grain
            if self.cleanliness > 0:
                height = gaussian(height, self.cleanliness * 0.3)
            a = math.radians(self.angle)
            gx = cv2.Sobel(height, cv2.CV_32F, 1, 0, ksize=3, borderType=_border())
            gy = cv2.Sobel(height, cv2.CV_32F, 0, 1, ksize=3, borderType=_border())
            facing = (gx * np.float32(math.cos(a)) - gy * np.float32(math.sin(a))) / 8
            colour = colour + (np.float32(self.shine * OIL_SHINE) * facing)[..., None]
        return _mix_colours(src[inner.slices()], colour[inner.slices()], coverage)


def _blurred_noise_std(sigma: float) -> float:
    """The standard deviation of uniform noise in -0.5..0.5 after Gaussian Blur's kernel of
    `sigma` (a constant, not the crop's: every band scales its bristles alike)."""
    import cv2

    g = cv2.getGaussianKernel(2 * gaussian_kernel_radius(sigma) + 1, sigma)[:, 0]
    return float(np.sum(g * g)) / math.sqrt(12)


OIL_SHINE = 1.5  # Oil Paint: the relief's light per unit of Shine (levels per level of slope)


@dataclass(frozen=True)
class Solarize(Operation):
    label: ClassVar[str] = "Solarize"

    def process(self, src, inner, where, coverage):
        old = src[inner.slices()]
        rgb = old[..., :3]
        out = old.copy()
        out[..., :3] = mix8(rgb, np.where(rgb > 128, 255 - rgb, rgb).astype(np.uint8),
                            coverage)
        return out


@dataclass(frozen=True)
class Wind(Operation):
    label: ClassVar[str] = "Wind"
    grows: ClassVar[bool] = True
    method: str = "wind"        # WIND_METHODS
    direction: str = "right"    # WIND_FROM: where it blows from

    def __post_init__(self):
        if self.method not in WIND_METHODS or self.direction not in WIND_FROM:
            raise ValueError(f"Wind is {'/'.join(WIND_METHODS)} from the "
                             f"{' or '.join(WIND_FROM)}")

    def carried(self) -> int:
        """How far a value is carried at most (px): twice the longest length, where it has
        faded to e^-6 of itself."""
        return 2 * WIND_LENGTHS[self.method][1]

    def reach(self) -> int:
        return self.carried() + (STAGGER if self.method == "stagger" else 0) + 2

    def process(self, src, inner, where, coverage):
        opaque = _opaque(src)
        a = src[..., :3].astype(np.float32) if opaque else _premultiplied(src)
        if self.direction == "left":  # blow to the right: the same work on mirrored rows
            a = a[:, ::-1]
        h, w = a.shape[:2]
        # Canvas rows of `a` (src's row 0 lies inner.y rows above where.y).
        rows = np.arange(h) + (where.y - inner.y)
        low, high = WIND_LENGTHS[self.method]
        length = low + hash01(21, rows) * (high - low)
        if self.method == "stagger":
            shift = (hash01(22, rows) * (STAGGER + 1)).astype(np.int64)
            cols = np.clip(np.arange(w)[None, :] + shift[:, None], 0, w - 1)
            a = np.maximum(a, a[np.arange(h)[:, None], cols])
        # out(x) = max over k <= carried of a(x + k) e^(-3 k / length): a fade by a factor
        # (premultiplied colour and alpha fade together), composed by doubling the steps.
        rate = (np.float32(-3) / length.astype(np.float32))[:, None, None]
        out = a.copy()
        done, step = 0, 1
        while done < self.carried():
            step = min(step, self.carried() - done)
            ahead = np.concatenate([out[:, step:], np.repeat(out[:, -1:], min(step, w), 1)],
                                   axis=1)[:, :w]
            np.maximum(out, ahead * np.exp(rate * np.float32(step)), out=out)
            done += step
            step *= 2
        if self.direction == "left":
            out = out[:, ::-1]
        part = out[inner.slices()]
        if opaque:
            new = src[inner.slices()].copy()
            new[..., :3] = np.clip(part + 0.5, 0, 255)
        else:
            new = _straight(np.ascontiguousarray(part))
        return _blend_premultiplied(src[inner.slices()], new, coverage)


@dataclass(frozen=True)
class Tiles(Operation):
    label: ClassVar[str] = "Tiles"
    number: int = 10             # 1..99 across the shorter side
    offset: int = 10             # 1..99 % of a tile
    fill: str = "background"     # TILE_FILLS
    background: tuple = (255, 255, 255)
    foreground: tuple = (0, 0, 0)

    def __post_init__(self):
        if self.fill not in TILE_FILLS:
            raise ValueError(f"Tiles fills with {', '.join(TILE_FILLS)}, not {self.fill!r}")

    def banded(self) -> bool:
        return False  # the tiles are cut from the whole box

    def process(self, src, inner, where, coverage):
        old = src[inner.slices()]
        h, w = old.shape[:2]
        side = max(1, int(math.ceil(min(h, w) / max(1, self.number))))
        ys, xs = np.arange(h)[:, None], np.arange(w)[None, :]
        ty, tx = ys // side, xs // side
        most = self.offset / 100 * side
        oy = np.rint((hash01(31, ty, tx) * 2 - 1) * most).astype(np.int64)
        ox = np.rint((hash01(32, ty, tx) * 2 - 1) * most).astype(np.int64)
        sy, sx = ys - oy, xs - ox  # where each pixel of a moved tile comes from
        inside = (sy // side == ty) & (sx // side == tx) & (sy >= 0) & (sy < h) \
            & (sx >= 0) & (sx < w)
        if self.fill == "unaltered":
            under = old
        elif self.fill == "inverse":
            under = old.copy()
            under[..., :3] = 255 - old[..., :3]
        else:
            colour = self.background if self.fill == "background" else self.foreground
            under = old.copy()
            under[..., :3] = colour
            under[..., 3] = 255
        moved = old[np.clip(sy, 0, h - 1), np.clip(sx, 0, w - 1)]
        new = np.where(inside[..., None], moved, under)
        return _blend_premultiplied(old, new, coverage)


FILTERS: dict[str, type] = {
    "average": Average, "blur": Blur, "blur_more": BlurMore, "lens_blur": LensBlur,
    "radial_blur": RadialBlur,
    "sharpen": Sharpen, "sharpen_edges": SharpenEdges, "sharpen_more": SharpenMore,
    "smart_sharpen": SmartSharpen, "despeckle": Despeckle, "reduce_noise": ReduceNoise,
    "diffuse": Diffuse, "oil_paint": OilPaint, "solarize": Solarize, "wind": Wind,
    "tiles": Tiles}
mf.FILTERS.update(FILTERS)  # the menu's one registry (more_filters imports this module)
