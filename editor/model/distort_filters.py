"""Filter > Distort: Pinch, Polar Coordinates, Ripple, Spherize, Twirl, Wave and ZigZag.

Each is an `Operation` of `pixel_filters.py` (frozen settings, `process` on a crop, mixed
with the old pixels by the selection's coverage), so `filter_ops` runs, previews and
records them as it does Gaussian Blur. As Photoshop's, they act on the selection's box (or,
with nothing selected, the layer over the whole canvas): that box is the picture they bend,
its centre their centre, and they read only from inside it (`reach` is the canvas and they
run whole, as Offset does). Every filter is an inverse map: for each output pixel, where in
the box it reads (numpy over the whole box, no loop over pixels), and `remap_rgba` reads
there (`cv2.remap`: bicubic on an opaque picture, bilinear on premultiplied colour where
there is transparency, so nothing comes in from transparent pixels). The box's own
coordinates are normalised to -1..1 from its centre (X right, Y down), so a round filter
is elliptical in a box that is not square, as Photoshop's are.

- Pinch (Amount -100..100 %): inside the ellipse inscribed in the box a point at radius r
  reads radius f(r) = r + k r (1 - r)^2, k = 2 amount (positive: what is near the centre is
  squeezed towards it) or 0.75 amount (negative: it swells). f(0) = 0, f(1) = 1 and
  f'(1) = 1: the centre stays, the ellipse's rim and all beyond it stay, and the edge
  shows no crease. (Our curve; Photoshop's is not published.)
- Spherize (Amount -100..100 %, Normal / Horizontal Only / Vertical Only): the picture
  wrapped on a sphere: r reads (1 - a) r + a (2 / pi) asin(r) for a positive amount
  (magnified in the middle, squeezed at the rim as a ball), (1 - |a|) r + |a| sin(pi r / 2)
  for a negative one; Horizontal / Vertical Only do it to X or Y alone over the whole box
  (a cylinder).
- Twirl (Angle -999..999 degrees): inside the ellipse a point turns by angle (1 - r)^2
  (GIMP's Whirl's falloff: sharpest at the centre, nothing at the rim), clockwise for a
  positive angle, as Photoshop's.
- ZigZag (Amount -100..100, Ridges 0..20, Around Center / Out From Center / Pond Ripples):
  inside the ellipse, sin(2 pi ridges r) (1 - r) turns the point back and forth (Around
  Center), moves it in and out (Out From Center), or both, the turn a quarter-period behind
  (Pond Ripples); Ridges 0 changes nothing.
- Polar Coordinates (Rectangular to Polar / Polar to Rectangular): the box's top row to
  the centre, its bottom row to the inscribed ellipse, its left and right edges meeting at
  twelve o'clock, columns running clockwise; the corners beyond the ellipse repeat the
  bottom row. Polar to Rectangular is the exact inverse map, so the two in turn give the
  picture back (blurred by two resamplings, and coarse near the centre where few pixels
  hold the top rows).
- Ripple (Amount -999..999 %, Size small / medium / large): each row moves sideways and
  each column up and down by a sum of two sines of canvas position (wavelengths 10, 18, 32
  px and a weaker one 0.37 of that), amplitude amount / 100 x a tenth of the wavelength;
  the box's edges repeat.
- Wave (Number of Generators 1..999, Wavelength and Amplitude min..max 1..999 px, Scale
  horizontal / vertical 1..100 %, Sine / Triangle / Square, Wrap Around / Repeat Edge
  Pixels, and the seed Randomize draws): each generator has a wavelength and an amplitude
  drawn from their ranges and two phases; row y moves sideways by the sum of the
  generators' waves at y, column x up and down by the sum at x (over sqrt(generators), so
  more generators make the wave less regular rather than larger), times the scales.

- Displace (Horizontal and Vertical Scale -999..999 %, Stretch to Fit / Tile, Wrap Around /
  Repeat Edge Pixels, a map chosen from an image file or PSD): as Photoshop documents it,
  the map's red channel moves pixels sideways and its green one up and down (a grey map
  both), 128 not at all, 0 and 255 the most: (v - 128) x scale / 100 pixels (100 %: up to
  128 px); a positive value reads from the right / below, so light areas move the picture
  left / up. The map is stretched to the box or tiled from its corner.

None of Photoshop's distortion formulas is published: these follow their documented
settings and look, not its exact pixels.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar, Optional

import numpy as np

from .pixel_filters import Operation, _blend_premultiplied, _opaque, _premultiplied, _straight

BORDERS = ("transparent", "repeat", "wrap")  # what is read beyond the box
SPHERIZE_MODES = ("normal", "horizontal", "vertical")
POLAR_MODES = ("to_polar", "to_rect")
RIPPLE_SIZES = ("small", "medium", "large")
RIPPLE_WAVELENGTH = {"small": 10.0, "medium": 18.0, "large": 32.0}  # px
WAVE_TYPES = ("sine", "triangle", "square")
WAVE_FILLS = ("wrap", "repeat")
ZIGZAG_STYLES = ("around", "out", "pond")
DISPLACE_FITS = ("stretch", "tile")
WHOLE = 1 << 24  # reach: the whole canvas (they bend the box whole)


def _check(value, allowed, what):
    if value not in allowed:
        raise ValueError(f"{what} is {', '.join(allowed)}, not {value!r}")


def remap_rgba(pixels: np.ndarray, at: np.ndarray, border: str = "repeat",
               cubic: bool = True, fill: Optional[tuple] = None) -> np.ndarray:
    """Straight uint8 RGBA read from `pixels` at `at` ((h, w, 2) float32 x, y positions in
    `pixels`' own pixels); beyond `pixels` transparent, its edge repeated or wrapped around
    (`BORDERS`). An opaque picture is read bicubically (or bilinearly) in 8 bits as it is
    (it is its own premultiplied colour: no float copy); only the pixels partly read from
    transparent beyond are divided back. A picture with transparency is read bilinearly on
    premultiplied colour: a mix of neighbours with positive weights, so a flat colour stays
    that colour to the faintest edge (bicubic's negative lobes would tint faint pixels).
    `fill`: an opaque (r, g, b) read beyond `pixels` instead (Lens Correction's Black and
    White Color edges)."""
    import cv2

    opaque = _opaque(pixels)
    flags = cv2.INTER_CUBIC if cubic and opaque else cv2.INTER_LINEAR
    mode = {"transparent": cv2.BORDER_CONSTANT, "repeat": cv2.BORDER_REPLICATE,
            "wrap": cv2.BORDER_WRAP}[border]
    beyond = (0, 0, 0, 0)
    if fill is not None:  # (opaque: its premultiplied colour is itself)
        mode, beyond = cv2.BORDER_CONSTANT, (*fill[:3], 255)
    if opaque:
        out = cv2.remap(np.ascontiguousarray(pixels), at, None, flags, borderMode=mode,
                        borderValue=beyond)
        if border == "transparent" and fill is None:
            edge = out[..., 3] < 255
            if edge.any():
                part = out[edge].astype(np.float32)
                a = part[:, 3:4]
                part[:, :3] = np.where(a > 0, part[:, :3] * 255 / np.maximum(a, 1) + 0.5, 0)
                out[edge] = np.clip(part, 0, 255).astype(np.uint8)
        return out
    return _straight(cv2.remap(_premultiplied(pixels), at, None, flags, borderMode=mode,
                               borderValue=beyond))


def normalised(h: int, w: int) -> tuple[np.ndarray, np.ndarray]:
    """(1, w) X and (h, 1) Y of the pixel centres of an h x w box, -1..1 from its centre."""
    x = (np.arange(w, dtype=np.float32) + np.float32(0.5)) * np.float32(2 / w) - 1
    y = (np.arange(h, dtype=np.float32) + np.float32(0.5)) * np.float32(2 / h) - 1
    return x[None, :], y[:, None]


def positions(xs: np.ndarray, ys: np.ndarray, h: int, w: int) -> np.ndarray:
    """(h, w, 2) float32 pixel positions in the box of normalised X, Y (broadcast)."""
    at = np.empty((h, w, 2), np.float32)
    at[..., 0] = (xs + 1) * np.float32(w / 2) - np.float32(0.5)
    at[..., 1] = (ys + 1) * np.float32(h / 2) - np.float32(0.5)
    return at


class _Distort(Operation):
    """A distortion of the box: `read_at(h, w, where)` gives where each pixel reads."""

    grows: ClassVar[bool] = True  # pixels may move onto transparent ones
    border: ClassVar[str] = "repeat"

    def reach(self) -> int:
        return WHOLE

    def banded(self) -> bool:
        return False

    def read_at(self, h: int, w: int, where) -> np.ndarray:
        raise NotImplementedError

    def border_of(self) -> str:
        return self.border

    def process(self, src, inner, where, coverage):
        old = src[inner.slices()]
        h, w = old.shape[:2]
        if not h or not w:
            return old.copy()
        new = remap_rgba(old, self.read_at(h, w, where), self.border_of())
        return _blend_premultiplied(old, new, coverage)


def radial_read_at(h: int, w: int, radius=None, turn=None) -> np.ndarray:
    """Positions for a distortion inside the ellipse inscribed in an h x w box: the point
    at radius r < 1 reads the point at radius `radius(r)` turned back by `turn(r)` radians
    (clockwise positive); the rest of the box reads itself."""
    x, y = normalised(h, w)
    r = np.sqrt(x * x + y * y)
    inside = r < 1
    rc = np.minimum(r, np.float32(1))
    xs, ys = x, y
    if radius is not None:
        scale = np.where(rc > 0, radius(rc) / np.maximum(rc, np.float32(1e-12)), 1)
        scale = np.where(inside, scale, 1).astype(np.float32)
        xs, ys = x * scale, y * scale
    if turn is not None:
        angle = np.where(inside, turn(rc), 0).astype(np.float32)
        c, s = np.cos(angle), np.sin(angle)
        xs, ys = c * xs + s * ys, c * ys - s * xs  # turned back by `angle`
    return positions(xs, ys, h, w)


@dataclass(frozen=True)
class Pinch(_Distort):
    label: ClassVar[str] = "Pinch"
    amount: int = 50  # -100..100 %

    def is_identity(self) -> bool:
        return self.amount == 0

    def read_at(self, h, w, where):
        a = self.amount / 100
        k = np.float32(2.0 * a if a > 0 else 0.75 * a)
        return radial_read_at(h, w, radius=lambda r: r + k * r * (1 - r) ** 2)


@dataclass(frozen=True)
class Spherize(_Distort):
    label: ClassVar[str] = "Spherize"
    amount: int = 100        # -100..100 %
    mode: str = "normal"     # SPHERIZE_MODES

    def __post_init__(self):
        _check(self.mode, SPHERIZE_MODES, "the mode")

    def is_identity(self) -> bool:
        return self.amount == 0

    def curve(self, r: np.ndarray) -> np.ndarray:
        a = self.amount / 100
        bent = (np.float32(2 / math.pi) * np.arcsin(np.minimum(r, np.float32(1))) if a > 0
                else np.sin(np.float32(math.pi / 2) * r))
        return (np.float32(1 - abs(a)) * r + np.float32(abs(a)) * bent).astype(np.float32)

    def read_at(self, h, w, where):
        x, y = normalised(h, w)
        if self.mode == "horizontal":
            return positions(np.sign(x) * self.curve(np.abs(x)), y, h, w)
        if self.mode == "vertical":
            return positions(x, np.sign(y) * self.curve(np.abs(y)), h, w)
        return radial_read_at(h, w, radius=self.curve)


@dataclass(frozen=True)
class Twirl(_Distort):
    label: ClassVar[str] = "Twirl"
    angle: int = 50  # -999..999 degrees

    def is_identity(self) -> bool:
        return self.angle == 0

    def read_at(self, h, w, where):
        angle = np.float32(math.radians(self.angle))
        return radial_read_at(h, w, turn=lambda r: angle * (1 - r) ** 2)


@dataclass(frozen=True)
class ZigZag(_Distort):
    label: ClassVar[str] = "ZigZag"
    amount: int = 10       # -100..100
    ridges: int = 5        # 0..20
    style: str = "pond"    # ZIGZAG_STYLES

    def __post_init__(self):
        _check(self.style, ZIGZAG_STYLES, "the style")

    def is_identity(self) -> bool:
        return self.amount == 0 or self.ridges == 0

    def _wave(self, r, phase=0.0):
        return np.sin(np.float32(2 * math.pi * self.ridges) * r + np.float32(phase)) * (1 - r)

    def read_at(self, h, w, where):
        return radial_read_at(h, w, None if self.style == "around" else self.radius,
                              None if self.style == "out" else self.turn)

    def radius(self, r):
        # Out and back by up to 0.6 of a ridge's width at 100 (it folds beyond ~25).
        k = np.float32(self.amount / 100 * 0.6 / max(self.ridges, 1))
        return np.maximum(r + k * self._wave(r), 0)

    def turn(self, r):
        k = np.float32(self.amount / 100 * math.pi / 2)
        if self.style == "pond":  # the turn a quarter-period behind the radial ripple
            return k * np.float32(0.5) * self._wave(r, math.pi / 2) * np.minimum(
                np.float32(2 * self.ridges) * r, 1)
        return k * self._wave(r)


@dataclass(frozen=True)
class PolarCoordinates(_Distort):
    label: ClassVar[str] = "Polar Coordinates"
    mode: str = "to_polar"  # POLAR_MODES

    def __post_init__(self):
        _check(self.mode, POLAR_MODES, "the conversion")

    def read_at(self, h, w, where):
        if self.mode == "to_rect":  # column: the angle, row: the radius (inside the ellipse)
            theta = (np.arange(w, dtype=np.float32) + np.float32(0.5)) * np.float32(2 * math.pi / w)
            r = (np.arange(h, dtype=np.float32) + np.float32(0.5)) / np.float32(h)
            return positions(r[:, None] * np.sin(theta)[None, :],
                             -r[:, None] * np.cos(theta)[None, :], h, w)
        x, y = normalised(h, w)
        theta = np.mod(np.arctan2(x, -y), np.float32(2 * math.pi))  # clockwise from 12
        r = np.sqrt(x * x + y * y)
        at = np.empty((h, w, 2), np.float32)
        at[..., 0] = theta * np.float32(w / (2 * math.pi)) - np.float32(0.5)
        # Two rows of the top and bottom repeated above and below (`process`): the columns
        # wrap around, the rows never do.
        at[..., 1] = np.clip(r * np.float32(h) - np.float32(0.5), 0, h - 1) + 2
        return at

    def process(self, src, inner, where, coverage):
        if self.mode == "to_rect":
            return super().process(src, inner, where, coverage)
        old = src[inner.slices()]
        h, w = old.shape[:2]
        if not h or not w:
            return old.copy()
        padded = np.concatenate([old[:1], old[:1], old, old[-1:], old[-1:]])
        new = remap_rgba(padded, self.read_at(h, w, where), "wrap")
        return _blend_premultiplied(old, new, coverage)


def _shift_map(h: int, w: int, dx_of_row: np.ndarray, dy_of_column: np.ndarray) -> np.ndarray:
    """(h, w, 2) positions: row y reads dx_of_row[y] to the side, column x dy_of_column[x]
    up or down (each a 1-d array: the work is per row and column, then broadcast)."""
    at = np.empty((h, w, 2), np.float32)
    at[..., 0] = np.arange(w, dtype=np.float32)[None, :] - dx_of_row.astype(np.float32)[:, None]
    at[..., 1] = np.arange(h, dtype=np.float32)[:, None] - dy_of_column.astype(np.float32)[None, :]
    return at


@dataclass(frozen=True)
class Ripple(_Distort):
    label: ClassVar[str] = "Ripple"
    amount: int = 100       # -999..999 %
    size: str = "medium"    # RIPPLE_SIZES

    def __post_init__(self):
        _check(self.size, RIPPLE_SIZES, "the size")

    def is_identity(self) -> bool:
        return self.amount == 0

    def read_at(self, h, w, where):
        length = RIPPLE_WAVELENGTH[self.size]
        amplitude = self.amount / 100 * length / 10

        def ripple(t):  # canvas positions: the ripples stay put whatever the box
            return amplitude * (np.sin(2 * math.pi * t / length)
                                + 0.3 * np.sin(2 * math.pi * t / (0.37 * length) + 1.3))

        return _shift_map(h, w, ripple(np.arange(where.y, where.y + h, dtype=np.float64)),
                          ripple(np.arange(where.x, where.x + w, dtype=np.float64) + 0.5 * length))


def _waveform(kind: str, t: np.ndarray) -> np.ndarray:
    s = np.sin(t)
    if kind == "triangle":
        return np.arcsin(np.clip(s, -1, 1)) * (2 / math.pi)
    if kind == "square":
        return np.where(s >= 0, 1.0, -1.0)
    return s


@dataclass(frozen=True)
class Wave(_Distort):
    label: ClassVar[str] = "Wave"
    generators: int = 5          # 1..999
    wavelength_min: int = 10     # 1..998 px
    wavelength_max: int = 120    # 2..999 px
    amplitude_min: int = 5       # 1..998 px
    amplitude_max: int = 35      # 2..999 px
    scale_h: int = 100           # 1..100 %
    scale_v: int = 100           # 1..100 %
    kind: str = "sine"           # WAVE_TYPES
    undefined: str = "repeat"    # WAVE_FILLS
    seed: int = 0                # Randomize's

    def __post_init__(self):
        _check(self.kind, WAVE_TYPES, "the type")
        _check(self.undefined, WAVE_FILLS, "undefined areas")

    def is_identity(self) -> bool:
        return self.generators < 1 or (self.scale_h <= 0 and self.scale_v <= 0)

    def border_of(self) -> str:
        return self.undefined

    def waves(self):
        """Per generator: wavelength, amplitude and two phases (the seed's draw; a min above
        its max counts as the other way round)."""
        n = int(self.generators)
        rng = np.random.default_rng((int(self.seed) & 0xFFFFFFFF, n))
        lo, hi = sorted((max(1, self.wavelength_min), max(1, self.wavelength_max)))
        length = rng.uniform(lo, hi, n) if hi > lo else np.full(n, float(lo))
        lo, hi = sorted((self.amplitude_min, self.amplitude_max))
        amplitude = rng.uniform(lo, hi, n) if hi > lo else np.full(n, float(lo))
        phases = rng.uniform(0, 2 * math.pi, (2, n))
        return length, amplitude, phases

    def read_at(self, h, w, where):
        length, amplitude, phases = self.waves()
        norm = 1 / math.sqrt(len(length))

        def along(count, phase, scale):  # the generators summed at 0..count-1
            t = np.arange(count, dtype=np.float64)[None, :]
            ts = 2 * math.pi * t / length[:, None] + phase[:, None]
            return (amplitude[:, None] * _waveform(self.kind, ts)).sum(axis=0) \
                * norm * scale / 100

        return _shift_map(h, w, along(h, phases[0], self.scale_h),
                          along(w, phases[1], self.scale_v))


class DisplacementMap:
    """Displace's map: an image's pixels (straight RGBA, read-only) and its file's name.
    Compared by identity, as Liquify's field: the live preview and Last Filter compare
    operations, and the same map chosen once is the same map."""

    def __init__(self, pixels: np.ndarray, name: str = ""):
        self.pixels, self.name = pixels, name
        self.pixels.setflags(write=False)

    def __repr__(self) -> str:
        return f"DisplacementMap({self.name!r}, {self.pixels.shape[1]}x{self.pixels.shape[0]})"

    def values(self, h: int, w: int, fit: str) -> tuple[np.ndarray, np.ndarray]:
        """float32 (h, w) red and green, 0..255 (transparent pixels count as 128: no move),
        stretched to the box or tiled from its top-left corner."""
        import cv2

        v = self.pixels.astype(np.float32)
        a = v[..., 3:4] * np.float32(1 / 255)
        rg = np.ascontiguousarray(128 + (v[..., :2] - 128) * a)
        if fit == "stretch":
            rg = cv2.resize(rg, (w, h), interpolation=cv2.INTER_LINEAR if
                            (w >= rg.shape[1] and h >= rg.shape[0]) else cv2.INTER_AREA)
        else:
            rows = np.arange(h) % rg.shape[0]
            cols = np.arange(w) % rg.shape[1]
            rg = rg[rows][:, cols]
        return rg[..., 0], rg[..., 1]


def load_map(path: str) -> DisplacementMap:
    """The displacement map in an image file or PSD (its composite)."""
    import os

    from .files import read_image

    return DisplacementMap(read_image(path), os.path.basename(path))


@dataclass(frozen=True)
class Displace(_Distort):
    label: ClassVar[str] = "Displace"
    horizontal: int = 10        # -999..999 %: 100 % moves up to 128 px
    vertical: int = 10          # -999..999 %
    fit: str = "stretch"        # DISPLACE_FITS
    undefined: str = "repeat"   # WAVE_FILLS
    map: Optional[DisplacementMap] = None

    def __post_init__(self):
        _check(self.fit, DISPLACE_FITS, "the map's fit")
        _check(self.undefined, WAVE_FILLS, "undefined areas")

    def is_identity(self) -> bool:
        return self.map is None or (self.horizontal == 0 and self.vertical == 0)

    def border_of(self) -> str:
        return self.undefined

    def read_at(self, h, w, where):
        at = np.empty((h, w, 2), np.float32)
        if self.map is None:
            at[..., 0], at[..., 1] = np.arange(w)[None, :], np.arange(h)[:, None]
            return at
        red, green = self.map.values(h, w, self.fit)
        at[..., 0] = np.arange(w, dtype=np.float32)[None, :] \
            + (red - 128) * np.float32(self.horizontal / 100)
        at[..., 1] = np.arange(h, dtype=np.float32)[:, None] \
            + (green - 128) * np.float32(self.vertical / 100)
        return at


# Filter > Distort's filters by kind, merged into `more_filters.FILTERS`.
DISTORT_FILTERS: dict[str, type] = {
    "displace": Displace, "pinch": Pinch, "polar_coordinates": PolarCoordinates, "ripple": Ripple,
    "spherize": Spherize, "twirl": Twirl, "wave": Wave, "zigzag": ZigZag}
