"""The Filter menu's neighbourhood filters beyond `pixel_filters.py`, and the menu's registry.

Each is an `Operation` as those of `pixel_filters.py` (frozen settings, `process` on a crop
with `reach()` pixels around it, mixed with the old pixels by the selection's coverage), so
`filter_ops` runs, previews and records them as it does Gaussian Blur. OpenCV does the
work (box filters, median, morphology); Python never loops over pixels.

- Box Blur: the mean of the (2 radius + 1)-pixel square around each pixel, on premultiplied
  colour as Gaussian Blur (`_blurred`); pixels beyond the canvas repeat its edge.
- Surface Blur (Photoshop's edge-preserving blur, as its published reimplementations give
  it): per channel, the mean of the square of side 2 radius + 1 weighted by
  max(0, 1 - |v - v0| / (2.5 threshold)), v0 the pixel's own value; transparent pixels
  weigh nothing (their alpha multiplies the weight) and alpha stays. Computed for grey
  levels L a SURFACE_STEPth of the weight's half-width apart (box sums of the 8-bit weights
  at L and of weight x value) and linearly interpolated between the two levels around v0:
  on a photo at radius 5, threshold 15, 0.35 levels from the direct sum on average, 99 %
  within 1.3, at most about 3. It is the slow one: each level is two box sums of the crop.
- Median: per channel, the median of the (2 radius + 1)-pixel square (OpenCV's), colour only
  on an opaque crop; where the layer has transparency alpha too, on premultiplied colour
  rounded to 8 bits.
- Dust & Scratches: Median's value where a channel differs from it by more than the
  threshold (levels), the pixel as it was elsewhere.
- High Pass: 128 + v - the Gaussian Blur of the same radius (unrounded, as Unsharp Mask's
  `soft_colour`): grey 128 where the picture is flat; alpha stays.
- Minimum / Maximum: each channel's smallest / largest value in a square (Preserve
  Squareness) or a disc (Preserve Roundness: offsets with dx^2 + dy^2 <= radius^2) around
  the pixel; alpha too (Maximum grows the layer's opaque parts, Minimum shrinks them);
  transparent pixels lend no colour (black for Maximum, white for Minimum, never chosen).
  The disc is a union of centred rectangles, each separable.
- Offset: the pixels moved by (horizontal, vertical), right and down, inside the selection's
  box (or the canvas); what is uncovered is transparent, the edge pixels repeated, or what
  went out on the other side (Wrap Around).
- Emboss: per channel 128 + amount/100 * (v(p) - v(p + d)), d `height` pixels towards the
  light at `angle` degrees (counter-clockwise from the right), sampled bilinearly: grey where
  flat, the edges facing the light lighter, their colour kept where channels differ. A
  transparent neighbour counts as the pixel itself (its alpha weighs the difference).
- Find Edges (no dialog): per channel 255 - |Sobel gradient| / 4 (a step of 255 gives black
  lines on white); neighbours weighted by their alpha as Emboss's.
- Mosaic: square cells of `cell` pixels aligned to the canvas's origin, each the mean of its
  pixels (premultiplied), whatever part of it the selection or a band holds.

Photoshop publishes none of these kernels: Surface Blur, Emboss and Find Edges in
particular follow the usual reimplementations (their look, not Photoshop's exact numbers).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from engine.box import Box

from .pixel_filters import (RADIUS_EXACT, AddNoise, GaussianBlur, MotionBlur, Operation,
                            UnsharpMask, _blend_premultiplied, _blurred, _mix_colours, _opaque,
                            _premultiplied, _straight, soft_colour)

SURFACE_LEVELS_MAX = 64  # Surface Blur's grey levels at most (a small threshold needs many)
OFFSET_FILLS = ("transparent", "repeat", "wrap")
PRESERVE = ("square", "round")


def _border():
    import cv2

    return cv2.BORDER_REPLICATE


# -- Blur -------------------------------------------------------------------------------

@dataclass(frozen=True)
class BoxBlur(Operation):
    label: ClassVar[str] = "Box Blur"
    grows: ClassVar[bool] = True
    radius: int = 10  # 1..2000 px: the square is 2 radius + 1 wide

    def reach(self) -> int:
        return int(self.radius) + 1

    def is_identity(self) -> bool:
        return self.radius < 1

    def process(self, src, inner, where, coverage):
        import cv2

        k = 2 * int(self.radius) + 1
        out = _blurred(src, inner, lambda a: cv2.blur(a, (k, k), borderType=_border()))
        return _blend_premultiplied(src[inner.slices()], out, coverage)


SURFACE_STEP = 3.0  # Surface Blur's levels: the weight's half-width over this, or finer


def surface_levels(threshold: float) -> int:
    """How many steps Surface Blur's grey levels are cut into: a step at most a
    SURFACE_STEPth of the weight's half-width (2.5 threshold)."""
    return int(min(SURFACE_LEVELS_MAX,
                   max(4, math.ceil(255 / (2.5 * max(threshold, 0.5) / SURFACE_STEP)))))


@dataclass(frozen=True)
class SurfaceBlur(Operation):
    label: ClassVar[str] = "Surface Blur"
    radius: int = 5       # 1..100 px
    threshold: int = 15   # 2..255 levels

    def reach(self) -> int:
        return int(self.radius) + 1

    def is_identity(self) -> bool:
        return self.radius < 1

    def process(self, src, inner, where, coverage):
        import cv2

        old = src[inner.slices()]
        k = 2 * int(self.radius) + 1
        width = 2.5 * max(float(self.threshold), 0.5)
        x = np.ascontiguousarray(src[..., :3])
        a3 = None if _opaque(src) else cv2.merge([np.ascontiguousarray(src[..., 3])] * 3)
        steps = surface_levels(self.threshold)
        step = 255.0 / steps
        values = np.arange(256, dtype=np.float64)
        own = np.ascontiguousarray(old[..., :3])
        num = np.zeros(own.shape, np.float32)
        den = np.zeros(own.shape, np.float32)
        low = int(own.min()) // step if own.size else 0
        for j in range(int(low), min(int(math.ceil(int(own.max()) / step)), steps) + 1):
            # The weights at level j in 8 bits and weight x value in 16 (integers: OpenCV's
            # 8- and 16-bit passes are 3-6x faster than float ones on 12 MP).
            tri = np.maximum(0.0, 1.0 - np.abs(values - j * step) / width)
            weight = cv2.LUT(x, np.rint(tri * 255).astype(np.uint8))
            if a3 is not None:  # transparent pixels weigh nothing
                weight = cv2.multiply(weight, a3, scale=1 / 255)
            weighted = cv2.multiply(weight, x, dtype=cv2.CV_16U)
            # How much of level j the pixel's own value takes (linear interpolation).
            hat = cv2.LUT(own, np.maximum(0.0, 1.0 - np.abs(values / step - j))
                          .astype(np.float32))
            # Sums, not means (the ratio is the same; OpenCV's unnormalised box is faster).
            for plane, total in ((weighted, num), (weight, den)):
                cv2.accumulateProduct(cv2.boxFilter(plane, cv2.CV_32F, (k, k), normalize=False,
                                                    borderType=_border())[inner.slices()],
                                      hat, total)
        rgb = np.where(den > 1e-6, num / np.maximum(den, np.float32(1e-6)), old[..., :3])
        return _mix_colours(old, rgb, coverage)


# -- Noise ------------------------------------------------------------------------------

def _median(a: np.ndarray, radius: int) -> np.ndarray:
    """OpenCV's median of the (2 radius + 1) square; float (premultiplied) input is rounded
    to 8 bits first (OpenCV's large medians are 8-bit only)."""
    import cv2

    k = 2 * int(radius) + 1
    if a.dtype == np.uint8:
        return cv2.medianBlur(a, k)
    return cv2.medianBlur(cv2.convertScaleAbs(a), k).astype(np.float32)


def _medians(src: np.ndarray, inner: Box, radius: int) -> np.ndarray:
    """Straight RGBA of `inner` after Median (an opaque crop: its colour only, a third
    faster)."""
    if _opaque(src):
        out = src[inner.slices()].copy()
        out[..., :3] = _median(np.ascontiguousarray(src[..., :3]), radius)[inner.slices()]
        return out
    return _blurred(src, inner, lambda a: _median(a, radius))


@dataclass(frozen=True)
class Median(Operation):
    label: ClassVar[str] = "Median"
    grows: ClassVar[bool] = True
    radius: int = 1  # 1..500 px

    def reach(self) -> int:
        return int(self.radius) + 1

    def is_identity(self) -> bool:
        return self.radius < 1

    def process(self, src, inner, where, coverage):
        return _blend_premultiplied(src[inner.slices()], _medians(src, inner, self.radius),
                                    coverage)


@dataclass(frozen=True)
class DustScratches(Operation):
    label: ClassVar[str] = "Dust & Scratches"
    grows: ClassVar[bool] = True
    radius: int = 1     # 1..500 px
    threshold: int = 0  # 0..255 levels

    def reach(self) -> int:
        return int(self.radius) + 1

    def is_identity(self) -> bool:
        return self.radius < 1

    def process(self, src, inner, where, coverage):
        old = src[inner.slices()]
        median = _medians(src, inner, self.radius)
        far = np.abs(old.astype(np.int16) - median) > int(self.threshold)
        out = np.where(far, median, old)
        out[out[..., 3] == 0] = 0
        return _blend_premultiplied(old, out, coverage)


# -- Other ------------------------------------------------------------------------------

@dataclass(frozen=True)
class HighPass(Operation):
    label: ClassVar[str] = "High Pass"
    radius: float = 10.0  # 0.1..1000 px: Gaussian Blur's

    def reach(self) -> int:
        return int(math.ceil(3 * self.radius)) + 2

    def banded(self) -> bool:
        return self.radius <= RADIUS_EXACT

    def is_identity(self) -> bool:
        return self.radius <= 0

    def process(self, src, inner, where, coverage):
        old = src[inner.slices()]
        soft = soft_colour(src, inner, float(self.radius))
        return _mix_colours(old, old[..., :3].astype(np.float32) - soft + np.float32(128),
                            coverage)


def disc_rectangles(radius: int) -> list[tuple[int, int]]:
    """(half width, half height) of the centred rectangles whose union is the disc of
    offsets with dx^2 + dy^2 <= radius^2: one per step of its outline."""
    r = int(radius)
    widths = [int(math.isqrt(r * r - dy * dy)) for dy in range(r + 1)]
    return [(widths[dy], dy) for dy in range(r + 1) if dy == r or widths[dy] > widths[dy + 1]]


def morphology(a: np.ndarray, radius: int, round_: bool, largest: bool) -> np.ndarray:
    """Each channel's largest (or smallest) value in the square or disc of `radius` around
    each pixel, the edges repeated."""
    import cv2

    op = cv2.dilate if largest else cv2.erode
    pick = np.maximum if largest else np.minimum
    rects = disc_rectangles(radius) if round_ else [(int(radius), int(radius))]
    out = None
    for hw, hh in rects:
        kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (2 * hw + 1, 2 * hh + 1))
        one = op(a, kernel, borderType=_border())
        out = one if out is None else pick(out, one, out=out)
    return out


@dataclass(frozen=True)
class _MinMax(Operation):
    grows: ClassVar[bool] = True
    largest: ClassVar[bool] = True
    radius: int = 1            # 1..500 px
    preserve: str = "square"   # PRESERVE: Photoshop's Squareness / Roundness

    def __post_init__(self):
        if self.preserve not in PRESERVE:
            raise ValueError(f"preserve is {' or '.join(PRESERVE)}, not {self.preserve!r}")

    def reach(self) -> int:
        return int(self.radius) + 1

    def is_identity(self) -> bool:
        return self.radius < 1

    def process(self, src, inner, where, coverage):
        a = src.copy()
        # A transparent pixel's colour is never the winner (no black or white spreads).
        a[a[..., 3] == 0, :3] = 0 if self.largest else 255
        out = morphology(a, self.radius, self.preserve == "round", self.largest)[inner.slices()]
        out[out[..., 3] == 0] = 0
        return _blend_premultiplied(src[inner.slices()], out, coverage)


@dataclass(frozen=True)
class Maximum(_MinMax):
    label: ClassVar[str] = "Maximum"
    largest: ClassVar[bool] = True


@dataclass(frozen=True)
class Minimum(_MinMax):
    label: ClassVar[str] = "Minimum"
    largest: ClassVar[bool] = False


@dataclass(frozen=True)
class Offset(Operation):
    label: ClassVar[str] = "Offset"
    grows: ClassVar[bool] = True
    horizontal: int = 0          # px, right
    vertical: int = 0            # px, down
    undefined: str = "wrap"      # OFFSET_FILLS

    def __post_init__(self):
        if self.undefined not in OFFSET_FILLS:
            raise ValueError(f"undefined areas are {', '.join(OFFSET_FILLS)}, "
                             f"not {self.undefined!r}")

    def reach(self) -> int:
        return 1 << 24  # the whole canvas: it moves the selection's box, or the canvas, whole

    def banded(self) -> bool:
        return False

    def is_identity(self) -> bool:
        return self.horizontal == 0 and self.vertical == 0

    def process(self, src, inner, where, coverage):
        old = src[inner.slices()]
        h, w = old.shape[:2]
        dx, dy = int(self.horizontal), int(self.vertical)
        if self.undefined == "wrap":
            new = np.roll(old, (dy, dx), axis=(0, 1))
        elif self.undefined == "repeat":
            rows = np.clip(np.arange(h) - dy, 0, h - 1)
            cols = np.clip(np.arange(w) - dx, 0, w - 1)
            new = old[rows][:, cols]
        else:
            new = np.zeros_like(old)
            to = Box(dx, dy, w, h).intersect(Box(0, 0, w, h))
            if not to.is_empty():
                new[to.slices()] = old[to.translate(-dx, -dy).slices()]
        return _blend_premultiplied(old, new, coverage)


# -- Stylize ----------------------------------------------------------------------------

def _neighbour_differences(src: np.ndarray, inner: Box, sample) -> np.ndarray:
    """float32 (h, w, 3): `sample` (a linear function of a channels-last float array: a shift,
    a kernel of zero sum) of v - v(p), each neighbour weighted by its alpha, so a transparent
    neighbour counts as the pixel itself; on an opaque crop, `sample` of the colour."""
    v = src[..., :3].astype(np.float32)
    if _opaque(src):
        return sample(v)[inner.slices()]
    pre = sample(_premultiplied(src))[inner.slices()]  # colour * alpha / 255, alpha
    own = v[inner.slices()]
    return pre[..., :3] - own * (pre[..., 3:4] * np.float32(1 / 255))


@dataclass(frozen=True)
class Emboss(Operation):
    label: ClassVar[str] = "Emboss"
    angle: float = 135.0   # -180..180 degrees: where the light comes from
    height: int = 3        # 1..100 px
    amount: int = 100      # 1..500 %

    def reach(self) -> int:
        return int(math.ceil(self.height)) + 2

    def is_identity(self) -> bool:
        return False

    def process(self, src, inner, where, coverage):
        import cv2

        a = math.radians(self.angle)
        towards = np.float32([[1, 0, self.height * math.cos(a)],
                              [0, 1, -self.height * math.sin(a)]])

        def lit(x):  # x(p + d) - x(p): the light's side minus the pixel
            h, w = x.shape[:2]
            shifted = cv2.warpAffine(x, towards, (w, h), flags=cv2.INTER_LINEAR
                                     | cv2.WARP_INVERSE_MAP, borderMode=_border())
            return shifted - x

        old = src[inner.slices()]
        rise = -_neighbour_differences(src, inner, lit)
        return _mix_colours(old, np.float32(128) + np.float32(self.amount / 100) * rise, coverage)


SOBEL = np.float32([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])


@dataclass(frozen=True)
class FindEdges(Operation):
    label: ClassVar[str] = "Find Edges"

    def reach(self) -> int:
        return 2

    def process(self, src, inner, where, coverage):
        import cv2

        gx, gy = (_neighbour_differences(
            src, inner, lambda x, k=k: cv2.filter2D(x, -1, k, borderType=_border()))
            for k in (SOBEL, np.ascontiguousarray(SOBEL.T)))
        edge = cv2.magnitude(gx.reshape(-1), gy.reshape(-1)).reshape(gx.shape)
        return _mix_colours(src[inner.slices()], np.float32(255) - edge * np.float32(0.25),
                            coverage)


# -- Pixelate ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Mosaic(Operation):
    label: ClassVar[str] = "Mosaic"
    grows: ClassVar[bool] = True
    cell: int = 8  # 2..200 px, square

    def reach(self) -> int:
        return int(self.cell)

    def is_identity(self) -> bool:
        return self.cell < 2

    def process(self, src, inner, where, coverage):
        s = int(self.cell)
        ox, oy = where.x - inner.x, where.y - inner.y  # src's corner on the canvas
        sh, sw = src.shape[:2]

        def cuts(start, stop, origin, size):
            """The crop's rows (or columns) covering whole cells, and where cells begin."""
            lo = max((start // s) * s - origin, 0)
            hi = min(-(-stop // s) * s - origin, size)
            begins = np.arange(((lo + origin) // s) * s, hi + origin, s) - origin
            return lo, hi, np.maximum(begins, lo) - lo

        y0, y1, ys = cuts(where.y, where.y1, oy, sh)
        x0, x1, xs = cuts(where.x, where.x1, ox, sw)
        part = src[y0:y1, x0:x1]
        opaque = _opaque(part)
        values = part.astype(np.float32) if opaque else _premultiplied(part)
        sums = np.add.reduceat(np.add.reduceat(values, ys, axis=0), xs, axis=1)
        rows, cols = np.diff(np.append(ys, y1 - y0)), np.diff(np.append(xs, x1 - x0))
        means = sums / (rows[:, None, None] * cols[None, :, None]).astype(np.float32)
        big = np.repeat(np.repeat(means, rows, axis=0), cols, axis=1)
        big = big[inner.y - y0:inner.y1 - y0, inner.x - x0:inner.x1 - x0]
        out = np.clip(big + 0.5, 0, 255).astype(np.uint8) if opaque else _straight(big)
        return _blend_premultiplied(src[inner.slices()], out, coverage)


# The Filter menu's filters by kind (the UI's items, `Last Filter`'s and the CLI's).
FILTERS: dict[str, type] = {
    "gaussian_blur": GaussianBlur, "motion_blur": MotionBlur, "box_blur": BoxBlur,
    "surface_blur": SurfaceBlur, "add_noise": AddNoise, "dust_scratches": DustScratches,
    "median": Median, "mosaic": Mosaic, "unsharp_mask": UnsharpMask, "emboss": Emboss,
    "find_edges": FindEdges, "high_pass": HighPass, "maximum": Maximum, "minimum": Minimum,
    "offset": Offset}

# Filter > Distort and Render (their own modules).
from .distort_filters import DISTORT_FILTERS  # noqa: E402
from .render_filters import RENDER_FILTERS  # noqa: E402
from .blur_gallery import GALLERY_FILTERS  # noqa: E402  (Filter > Blur Gallery)
from .lighting_effects import LIGHTING_FILTERS  # noqa: E402  (Filter > Render)
from .render_pictures import RENDER_PICTURES  # noqa: E402  (Render > Flame, Frame, Tree)

FILTERS.update(DISTORT_FILTERS)
FILTERS.update(RENDER_FILTERS)
FILTERS.update(GALLERY_FILTERS)
FILTERS.update(LIGHTING_FILTERS)
FILTERS.update(RENDER_PICTURES)
from .camera_raw import CameraRaw  # noqa: E402  (Filter > Camera Raw Filter…)

FILTERS["camera_raw"] = CameraRaw

# More filters register themselves in FILTERS as they load (they use this module's helpers):
# Average, Sharpen, Despeckle, Wind... (`extra_filters`), Pixelate's (`cell_filters`), Shear,
# Smart and Shape Blur, Fibers (`shape_filters`), HSB/HSL and Video's (`video_filters`),
# Lens Correction (`lens_correction`).
from . import (cell_filters, extra_filters, last_filters, lens_correction,  # noqa: E402
               shape_filters, video_filters)
from . import gallery_filters  # noqa: E402  (Filter > Filter Gallery's effects)
REGISTERED = (cell_filters, extra_filters, last_filters, lens_correction, shape_filters,
              video_filters, gallery_filters)
