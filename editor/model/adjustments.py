"""The formulas of Layered's adjustment layers, on straight float RGB in 0..1 (numpy).

Each kind is a frozen dataclass of its settings, with the numbers and ranges
of Photoshop's dialog; `apply(rgb, levels)` adjusts an (..., 3) float array.
Photoshop documents none of its formulas; these follow what is known:

- Brightness/Contrast ("Use Legacy" off, as Photoshop makes them since CS3):
  the contrast is a natural cubic spline through (0, 0), (63, 63 - 25c),
  (191, 191 + 25c), (255, 255) and the brightness a polynomial bump rotated
  onto it, with the constants psd-tools reverse-engineered from Photoshop's
  renders (psd_tools.composite.adjustments; brightness -150..150, contrast
  -50..100). Photoshop's curve depends on the two settings alone: the corpus'
  RGB, Greyscale and CMYK copies of one document give the same curve to the
  level on their own channel values, whose means differ widely, so no statistic
  of the picture below enters it (bench/bc_curves_by_mode.py); ours stays 2-6
  levels off it on average.
  With "Use Legacy" (`legacy`), Photoshop's formula before CS3: the
  brightness added to each level, the contrast a straight line about 127.
- Levels: per channel, v = clip((x - in_black) / (in_white - in_black)) **
  (1 / gamma), then out_black + v (out_white - out_black); the red, green and
  blue records first, the composite (RGB) record after them (psd-tools' order).
- Curves: per channel, a natural cubic spline through the points (input,
  output, 0..255), flat beyond the first and last point, clipped to 0..1;
  channel curves first, then the composite curve.
- Exposure: in linear light (sRGB taken as gamma 2.2): x**2.2 * 2**exposure
  + offset, clipped, raised to 1 / gamma, back to gamma 2.2 (psd-tools).
- Hue/Saturation, in HSL as Photoshop: master lightness first on RGB
  (towards white or black), then the hue rotates and the saturation is
  multiplied by 1 + gain(k): 1 + k for k <= 0, 1 / (1.0075 - k) above (the
  0.0075 fitted to Photoshop's pixels; psd-tools has 0.01); Colorize sets the
  hue and saturation and keeps the lightness (psd-tools). The six ranges
  (Reds, Yellows, ...) weigh their edits by a trapezoid of the pixel's hue (0
  outside the falloff corners, 1 between the range's corners, linear between),
  as psd-tools reads them: their lightness acts in HSV (darker: v (1 + l s);
  lighter: the HSV saturation times 1 - l), their hues add to the master's,
  and their saturation gains, weighed, add up (clipped at -1 as each is added)
  to a second multiplier after the master's. That sum is what psd-tools'
  table of overlapping range saturations, measured on Photoshop, holds (within
  1.5 %); summing the settings themselves, as we did, was 3-20 levels off where
  ranges overlap. Checked against Photoshop's own pixels in
  tests/test_adjustments_photoshop.py.
- Color Balance: the midtones bend each channel alone through Levels' gamma
  2 ** (amount / 100), in hundredths (`adjust_kernels.balance_gamma`), the ends
  fixed: measured on Photoshop's pixels (AllAdjustments.psd of Aspose's
  examples, tests/aspose_psd_files/, midtones -33 / -23 / +38: gammas 0.80 / 0.85
  / 1.30, exact to the level; GIMP's model, used before, was 17.7 levels off
  there; Aspose's MaskExample.psd, +13 / +70 under a mask: 0.31 levels off,
  6.25 before). The shadows and
  highlights still follow GIMP's model of Photoshop's tool (gimp:color-balance):
  amounts added to each channel, weighted by ramps of the pixel's HSL lightness;
  Preserve Luminosity restores that lightness. Neither is verified: the one
  Photoshop file with them at hand (Aspose's ColorBalance.psd: a 10x10 swatch
  card) shows Photoshop keeping pure colours (255, 255, 0), (255, 0, 255) whole
  under strong highlights, which ours does not (7.7 levels off there, 36.1
  before).

Brightness/Contrast, Levels, Curves and Exposure act on each channel alone,
so they are applied through a lookup table (`lut`, 256 entries for the screen,
65536 for files). Hue/Saturation and Color Balance mix the channels: their
formulas are written per pixel in `adjust_kernels.py` (numba; numpy took
seconds on a 4000x3000 canvas), and the screen reads them through an exact 8-bit
3D lookup that kernel fills as colours are met (`cube8`).

Fill layers share the settings' form (`fills` set): Solid Color paints one colour over
the whole canvas, through the layer's masks (`render_layers._draw_fill`), as Photoshop's
Layer > New Fill Layer > Solid Color (its 'SoCo' block in a PSD); Gradient paints a
gradient (`gradients.py`, the Gradient tool's maths) laid out on the canvas or on the
layer's path ('GdFl'); Pattern tiles one of the document's patterns (`patterns.py`)
over the canvas, scaled and turned ('PtFl'). They change nothing below them, so they have
no `apply` but `paint(box, frame)`; they live in `FILL_KINDS`, apart from `KINDS` (the New
Adjustment Layer menu).
"""
from __future__ import annotations

import base64
import functools
from dataclasses import asdict, dataclass, field, replace
from typing import ClassVar, Optional

import numpy as np

from . import prefaulted

# Photoshop's six default Hue/Saturation ranges (degrees: the ramp's four corners, the
# falloff's start, the range's start and end, the falloff's end), Reds to Magentas.
HUE_RANGES = ((315, 345, 15, 45), (15, 45, 75, 105), (75, 105, 135, 165),
              (135, 165, 195, 225), (195, 225, 255, 285), (255, 285, 315, 345))
HUE_RANGE_NAMES = ("Reds", "Yellows", "Greens", "Cyans", "Blues", "Magentas")
# Per range: (corners, (hue -180..180, saturation -100..100, lightness -100..100)).
DEFAULT_HUE_RANGES = tuple((corners, (0, 0, 0)) for corners in HUE_RANGES)


class Adjustment:
    """What every kind shares."""

    kind: ClassVar[str] = ""
    label: ClassVar[str] = ""
    separable: ClassVar[bool] = False  # each channel alone: a lookup table per channel
    code: ClassVar[int] = -1  # which formula of adjust_kernels (-1: the lookup table)
    fills: ClassVar[bool] = False  # a fill layer's content (paints), not an adjustment
    layer_name: ClassVar[str] = ""  # a new layer's name before its number ("": the label)

    def params(self) -> np.ndarray:
        """The settings as numbers for adjust_kernels (kinds that mix channels)."""
        return np.zeros(1)

    def transfer(self, t: np.ndarray, channel: int) -> np.ndarray:
        """Separable kinds: the output of channel 0..2 for input values `t`."""
        raise NotImplementedError

    def apply(self, rgb: np.ndarray, levels: int = 65536) -> np.ndarray:
        """Adjusted copy of straight float RGB (..., 3) in 0..1. Separable kinds go through
        a `levels`-entry table (the input rounded to 1/(levels-1))."""
        if self.separable:
            table = lut(self, levels)
            index = np.rint(np.clip(rgb, 0.0, 1.0) * np.float32(levels - 1)).astype(np.int32)
            return np.stack([table[c][index[..., c]] for c in range(3)], axis=-1)
        raise NotImplementedError

    def is_identity(self) -> bool:
        return self == type(self)()

    def as_dict(self) -> dict:
        """The settings as plain values (`info`'s report)."""
        return asdict(self)

    def reduced(self, level: int) -> "Adjustment":
        """The settings a stand-in 2**level times smaller paints with (reduced.py): the same,
        except for what is measured in canvas pixels (a pattern's tile)."""
        return self

    def describe(self) -> str:
        """One line of the settings that differ from the defaults (for `info`)."""
        default = type(self)()
        parts = [f"{k}={_short(v)}" for k, v in vars(self).items() if getattr(default, k) != v]
        return ", ".join(parts) if parts else "no change"


def _short(value) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value).replace(" ", "")


@functools.lru_cache(maxsize=32)
def lut(adjustment: Adjustment, levels: int) -> np.ndarray:
    """(3, levels) float32 table of a separable adjustment: output of each channel for
    the inputs i / (levels - 1)."""
    t = np.linspace(0.0, 1.0, levels, dtype=np.float64)
    return np.stack([np.clip(adjustment.transfer(t, c), 0.0, 1.0)
                     for c in range(3)]).astype(np.float32)


@functools.lru_cache(maxsize=32)
def lut8(adjustment: Adjustment) -> np.ndarray:
    """(3, 256) uint8 table for the 8-bit screen composite."""
    return np.rint(lut(adjustment, 256) * 255).astype(np.uint8)


@functools.lru_cache(maxsize=32)
def lut8_premultiplied(adjustment: Adjustment) -> np.ndarray:
    """`lut8` for premultiplied screen pixels: (3, 256, 256) indexed [channel, alpha,
    value] (`adjust_kernels.premultiplied_table`)."""
    from .adjust_kernels import premultiplied_table  # numba: imported when first drawn

    return premultiplied_table(lut8(adjustment))


_ROWS = (np.arange(3 * 256, dtype=np.int32) * 256).reshape(3, 256, 1)  # [c, a] row starts


@functools.lru_cache(maxsize=8)
def lut8_premultiplied_run(run: tuple) -> np.ndarray:
    """The `lut8_premultiplied` tables of a run of separable adjustments (bottom first)
    composed into one: entry [c, a, v] is where the run takes premultiplied value v of
    alpha a, each table looked up in the last one's output. Exact: the screen applies each
    of them as that lookup (alpha unchanged), so one pass with this table gives the bytes
    the passes one by one give. (~0.3 ms a table: one gather from the flat next table.)"""
    table = lut8_premultiplied(run[0])
    for adjustment in run[1:]:
        table = lut8_premultiplied(adjustment).reshape(-1)[_ROWS + table]
    return table


@functools.lru_cache(maxsize=8)
def lut16(adjustment: Adjustment) -> np.ndarray:
    """(3, 65536) uint16 table for the 16-bit composite of files and merges."""
    return np.rint(lut(adjustment, 65536) * 65535).astype(np.uint16)


@functools.lru_cache(maxsize=3)
def cube8(adjustment: Adjustment) -> np.ndarray:
    """The exact 8-bit 3D lookup of a kind that mixes channels, for the screen: 2**24
    uint32 entries, all 0 until `adjust_kernels.mix_screen` computes each colour it
    meets with the kind's formula (64 MB of address space, memory only for the pages
    touched; in huge pages where the system has them: read at random, it costs about
    half as much then). Kept per settings: a redraw or a drag then costs a lookup per pixel."""
    return prefaulted.zeros((1 << 24,), np.uint32, mapped_in=False)


def _natural_spline(xs, ys, t: np.ndarray) -> np.ndarray:
    """Natural cubic spline through (xs, ys), flat outside [xs[0], xs[-1]]."""
    from scipy.interpolate import CubicSpline

    xs, ys = np.asarray(xs, np.float64), np.asarray(ys, np.float64)
    t = np.clip(t, xs[0], xs[-1])
    if len(xs) == 2:
        return np.interp(t, xs, ys)
    return CubicSpline(xs, ys, bc_type="natural")(t)


@dataclass(frozen=True)
class BrightnessContrast(Adjustment):
    kind: ClassVar[str] = "brightness_contrast"
    label: ClassVar[str] = "Brightness/Contrast"
    separable: ClassVar[bool] = True
    brightness: int = 0     # -150..150
    contrast: int = 0       # -50..100 (Use Legacy: -100..100)
    legacy: bool = False    # Photoshop's "Use Legacy": its formula before CS3

    def is_identity(self) -> bool:
        return self.brightness == 0 and self.contrast == 0

    def transfer(self, t: np.ndarray, channel: int) -> np.ndarray:
        if self.legacy:
            return _legacy_brightness_contrast(t, self.brightness, self.contrast)
        c = self.contrast / 100.0
        delta = 25.0 / 255.0
        xs = np.array([0.0, 63.0, 191.0, 255.0]) / 255.0
        contrast = _natural_spline(xs, [0.0, xs[1] - c * delta, xs[2] + c * delta, 1.0], t)
        b = self.brightness / 150.0
        bump = 0.5 * (abs(b) * (1.65 * t ** 0.35 - t ** 10.0)
                      + (1 - abs(b)) * (1.96 * t ** 0.4 + t ** 4.0) + t ** 1.25)
        bright = b * t * (1 - t) * bump
        # The brightness curve rotated by 45 degrees onto the contrast curve.
        return np.interp(t, t - bright, contrast + bright)


def _legacy_brightness_contrast(t: np.ndarray, brightness: int, contrast: int) -> np.ndarray:
    """Photoshop's legacy Brightness/Contrast, in levels: with a positive contrast the
    brightness is added, then the contrast scales about 127 by 1 / (1 - c) (c = 1: a
    threshold); with a negative one the contrast scales about 127 by 1 + c first and the
    brightness is added after. Measured on Photoshop's pixels in psd-tools' corpus
    (`bench/bc_curves_by_mode.py`): brightness 20, contrast 57 (RGB) and 44, 19 (CMYK)
    within 0.1 level on average in that order; -23, -26 (greyscale) 0.06 levels in the
    other, about 6 the first way."""
    c = contrast / 100.0
    if c > 0:
        return ((t * 255.0 + brightness - 127.0) / max(1.0 - c, 1e-6) + 127.0) / 255.0
    return ((t * 255.0 - 127.0) * (1.0 + c) + 127.0 + brightness) / 255.0


def _channel_then_composite(apply, settings, t: np.ndarray, channel: int) -> np.ndarray:
    """As Photoshop's Levels and Curves: the channel's own record, then the composite's."""
    own = (settings.red, settings.green, settings.blue)[channel]
    return apply(np.clip(apply(t, own), 0.0, 1.0), settings.rgb)


def _levels(t: np.ndarray, record: tuple) -> np.ndarray:
    in_black, in_white, gamma, out_black, out_white = record
    span = (in_white - in_black) / 255.0 or 1.0
    v = np.clip((t - in_black / 255.0) / span, 0.0, 1.0)
    v = v ** (1.0 / min(max(gamma, 0.01), 9.99))
    return out_black / 255.0 + v * (out_white - out_black) / 255.0


LEVELS_IDENTITY = (0, 255, 1.0, 0, 255)


@dataclass(frozen=True)
class Levels(Adjustment):
    """Records (input black, input white, gamma, output black, output white) for the
    composite and for red, green and blue."""

    kind: ClassVar[str] = "levels"
    label: ClassVar[str] = "Levels"
    separable: ClassVar[bool] = True
    rgb: tuple = LEVELS_IDENTITY
    red: tuple = LEVELS_IDENTITY
    green: tuple = LEVELS_IDENTITY
    blue: tuple = LEVELS_IDENTITY

    def transfer(self, t: np.ndarray, channel: int) -> np.ndarray:
        return _channel_then_composite(_levels, self, t, channel)


CURVE_IDENTITY = ((0, 0), (255, 255))


@dataclass(frozen=True)
class Curves(Adjustment):
    """Points (input, output) 0..255, sorted by input, for the composite and each channel."""

    kind: ClassVar[str] = "curves"
    label: ClassVar[str] = "Curves"
    separable: ClassVar[bool] = True
    rgb: tuple = CURVE_IDENTITY
    red: tuple = CURVE_IDENTITY
    green: tuple = CURVE_IDENTITY
    blue: tuple = CURVE_IDENTITY

    def transfer(self, t: np.ndarray, channel: int) -> np.ndarray:
        return _channel_then_composite(curve, self, t, channel)


def curve(t: np.ndarray, points: tuple) -> np.ndarray:
    """One curve's output (0..1, not clipped) for inputs `t` (0..1): the spline the
    renderer applies and the Curves graph draws."""
    xs = [p[0] / 255.0 for p in points]
    ys = [p[1] / 255.0 for p in points]
    return _natural_spline(xs, ys, t)


MAX_CURVE_POINTS = 19  # Photoshop's limit


def parse_points(text: str) -> tuple:
    """"0,0 128,150 255,255" -> ((0, 0), (128, 150), (255, 255)): 2..19 points, inputs
    rising, all in 0..255 (what Photoshop's curves allow). ValueError otherwise."""
    points = []
    for pair in text.replace(";", " ").split():
        x, _, y = pair.partition(",")
        try:
            points.append((int(x), int(y)))
        except ValueError:
            raise ValueError(f"'{pair}' is not a point: write input,output pairs such as "
                             "'0,0 128,150 255,255'.") from None
    if not 2 <= len(points) <= MAX_CURVE_POINTS:
        raise ValueError("A curve has 2 to 19 points.")
    if any(not (0 <= x <= 255 and 0 <= y <= 255) for x, y in points):
        raise ValueError("Curve points lie in 0..255.")
    if any(b[0] <= a[0] for a, b in zip(points, points[1:])):
        raise ValueError("Curve points must have rising inputs.")
    return tuple(points)


def format_points(points: tuple) -> str:
    return " ".join(f"{x},{y}" for x, y in points)


def point_placed(points: tuple, index: int, x: int, y: int) -> tuple:
    """`points` with point `index` at (x, y), kept between its neighbours' inputs (a point
    cannot pass another, as in Photoshop's graph) and inside 0..255."""
    low = points[index - 1][0] + 1 if index > 0 else 0
    high = points[index + 1][0] - 1 if index + 1 < len(points) else 255
    x = min(max(int(x), low), high)
    y = min(max(int(y), 0), 255)
    return points[:index] + ((x, y),) + points[index + 1:]


def point_added(points: tuple, x: int, y: int) -> tuple[tuple, int]:
    """`points` with a new point at (x, y) and its index; a point already at input x
    moves there instead. ValueError at 19 points."""
    x, y = min(max(int(x), 0), 255), min(max(int(y), 0), 255)
    for i, (px, _) in enumerate(points):
        if px == x:
            return points[:i] + ((x, y),) + points[i + 1:], i
    if len(points) >= MAX_CURVE_POINTS:
        raise ValueError(f"a curve has at most {MAX_CURVE_POINTS} points")
    index = sum(1 for px, _ in points if px < x)
    return points[:index] + ((x, y),) + points[index:], index


def point_on_curve(points: tuple, x: int) -> tuple[tuple, int]:
    """`points` with a point at input `x` on the curve as it is (its output the curve's
    there, so nothing changes until it moves) and its index: the on-image adjustment's
    click. ValueError at 19 points."""
    y = float(np.clip(curve(np.array([x / 255.0]), points)[0], 0.0, 1.0))
    return point_added(points, x, round(y * 255))


def level_of(rgb: tuple, channel: int) -> int:
    """A colour's level on a Curves channel (0 RGB, 1..3 red..blue): for RGB its
    luminosity (Rec. 601 weights), else that channel's value."""
    if channel:
        return int(rgb[channel - 1])
    r, g, b = (int(v) for v in rgb)
    return int(round(0.299 * r + 0.587 * g + 0.114 * b))


def hue_range_of(rgb: tuple, ranges: tuple = DEFAULT_HUE_RANGES) -> int:
    """The Hue/Saturation range (0 Reds .. 5 Magentas) a colour belongs to: the one whose
    corners (range from..to) hold its hue, else the one whose middle is nearest (a hue in
    the falloffs, with corners moved apart)."""
    r, g, b = (int(v) / 255.0 for v in rgb)
    high, low = max(r, g, b), min(r, g, b)
    if high == low:
        hue = 0.0  # grey: no hue; Photoshop's picks Reds too
    elif high == r:
        hue = (60.0 * (g - b) / (high - low)) % 360
    elif high == g:
        hue = 60.0 * (b - r) / (high - low) + 120
    else:
        hue = 60.0 * (r - g) / (high - low) + 240
    distances = []
    for corners, _ in ranges:
        start, end = corners[1], corners[2]
        span = (end - start) % 360
        if (hue - start) % 360 <= span:
            distances.append(-1.0)  # inside
            continue
        middle = (start + span / 2) % 360
        distances.append(abs((hue - middle + 180) % 360 - 180))
    return int(np.argmin(distances))


def point_removed(points: tuple, index: int) -> tuple:
    """`points` without point `index`; a curve keeps at least two (ValueError)."""
    if len(points) <= 2:
        raise ValueError("a curve has at least two points")
    return points[:index] + points[index + 1:]


@dataclass(frozen=True)
class Exposure(Adjustment):
    kind: ClassVar[str] = "exposure"
    label: ClassVar[str] = "Exposure"
    separable: ClassVar[bool] = True
    exposure: float = 0.0   # stops, -20..20
    offset: float = 0.0     # -0.5..0.5
    gamma: float = 1.0      # 0.01..9.99

    def transfer(self, t: np.ndarray, channel: int) -> np.ndarray:
        linear = t ** 2.2 * 2.0 ** self.exposure + self.offset
        v = np.clip(linear, 0.0, 1.0) ** (1.0 / min(max(self.gamma, 0.01), 9.99))
        return v ** (1 / 2.2)


# -- the kinds that mix channels: their per-pixel formulas are in adjust_kernels.py ----------

@dataclass(frozen=True)
class HueSaturation(Adjustment):
    kind: ClassVar[str] = "hue_saturation"
    label: ClassVar[str] = "Hue/Saturation"
    hue: int = 0            # -180..180
    saturation: int = 0     # -100..100
    lightness: int = 0      # -100..100
    colorize: bool = False
    colorize_hue: int = 0           # 0..360
    colorize_saturation: int = 25   # 0..100
    colorize_lightness: int = 0     # -100..100
    ranges: tuple = DEFAULT_HUE_RANGES  # six (corners, (hue, saturation, lightness))

    code: ClassVar[int] = 0  # adjust_kernels.HUE_SATURATION

    def params(self) -> np.ndarray:
        """The master's and Colorize's numbers, then per range its corners (fractions of a
        turn) and its hue, saturation and lightness (as the master's)."""
        ranged = []
        for corners, (h, sat, light) in self.ranges:
            ranged += [c / 360.0 for c in corners] + [h / 360.0, sat / 100.0, light / 100.0]
        return np.array([self.hue / 360.0, self.saturation / 100.0, self.lightness / 100.0,
                         float(self.colorize), (self.colorize_hue / 360.0) % 1.0,
                         self.colorize_saturation / 100.0, self.colorize_lightness / 100.0,
                         float(any(any(edit) for _, edit in self.ranges))] + ranged)

    def describe(self) -> str:
        parts = [] if self.ranges == DEFAULT_HUE_RANGES else [
            f"{name}={','.join(map(str, edit))}"
            + ("" if corners == default else f"@{'-'.join(map(str, corners))}")
            for name, (corners, edit), default in zip(HUE_RANGE_NAMES, self.ranges, HUE_RANGES)
            if any(edit) or corners != default]
        master = Adjustment.describe(replace(self, ranges=DEFAULT_HUE_RANGES))
        return ", ".join(([master] if master != "no change" or not parts else []) + parts)

    def with_range(self, index: int, corners: Optional[tuple] = None,
                   edit: Optional[tuple] = None) -> "HueSaturation":
        """A copy with range `index` (0 Reds .. 5 Magentas) given new corners or edit."""
        old_corners, old_edit = self.ranges[index]
        ranges = list(self.ranges)
        ranges[index] = (tuple(corners or old_corners), tuple(edit or old_edit))
        return replace(self, ranges=tuple(ranges))

    def apply(self, rgb: np.ndarray, levels: int = 65536) -> np.ndarray:
        from .adjust_kernels import apply_mixed

        return apply_mixed(self.code, self.params(), rgb)


def corners_turned(corners: tuple, first: int, last: int, delta: float) -> tuple:
    """A Hue/Saturation range's corners (falloff from, range from, range to, falloff to;
    degrees) with corners `first`..`last` turned by `delta` degrees, as Photoshop's
    slider moves them: round the circle they stay in that order (a corner stops at its
    neighbour) and the falloff spans less than a whole turn (1 degree short at most);
    all four together turn freely. Corners that are not in order (typed so before)
    are turned as asked. Degrees 0..359."""
    c = [int(v) % 360 for v in corners]
    u = [c[0] + (v - c[0]) % 360 for v in c]  # unwrapped, from the falloff's start
    delta = int(round(delta))
    if (first, last) != (0, 3) and u == sorted(u):
        # The gaps after each corner (the last one outside the falloff, 1 degree at least);
        # the run's move widens the gap before it and narrows the gap after it.
        gaps = (u[1] - u[0], u[2] - u[1], u[3] - u[2], 360 - (u[3] - u[0]))
        least = (0, 0, 0, 1)
        before, after = (first - 1) % 4, last
        delta = max(least[before] - gaps[before], min(gaps[after] - least[after], delta))
    return tuple((u[i] + (delta if first <= i <= last else 0)) % 360 for i in range(4))


def corner_set(corners: tuple, index: int, degrees: float) -> tuple:
    """The corners with corner `index` at `degrees` (a typed value), reached by the shorter
    turn and held in order as `corners_turned`."""
    delta = (int(round(degrees)) - int(corners[index]) + 180) % 360 - 180
    return corners_turned(corners, index, index, delta)


@dataclass(frozen=True)
class ColorBalance(Adjustment):
    """(cyan-red, magenta-green, yellow-blue), each -100..100, per tonal range."""

    kind: ClassVar[str] = "color_balance"
    label: ClassVar[str] = "Color Balance"
    shadows: tuple = (0, 0, 0)
    midtones: tuple = (0, 0, 0)
    highlights: tuple = (0, 0, 0)
    preserve_luminosity: bool = True

    code: ClassVar[int] = 1  # adjust_kernels.COLOR_BALANCE

    def params(self) -> np.ndarray:
        return np.array([v / 100.0 for v in (*self.shadows, *self.midtones, *self.highlights)]
                        + [float(self.preserve_luminosity)])

    def apply(self, rgb: np.ndarray, levels: int = 65536) -> np.ndarray:
        from .adjust_kernels import apply_mixed

        return apply_mixed(self.code, self.params(), rgb)


@dataclass(frozen=True)
class SolidColor(Adjustment):
    """A Solid Color fill layer's colour: (red, green, blue), 0..255."""

    kind: ClassVar[str] = "solid_color"
    label: ClassVar[str] = "Solid Color"
    fills: ClassVar[bool] = True
    layer_name: ClassVar[str] = "Color Fill"  # Photoshop's name for a new one
    color: tuple = (0, 0, 0)

    def __post_init__(self):
        if len(self.color) != 3 or any(not 0 <= int(c) <= 255 for c in self.color):
            raise ValueError(f"a colour is three values 0..255, not {self.color!r}")
        object.__setattr__(self, "color", tuple(int(c) for c in self.color))

    def is_identity(self) -> bool:
        return False  # it always paints

    def describe(self) -> str:
        return "color=#{:02x}{:02x}{:02x}".format(*self.color)


    def paint(self, box, frame) -> np.ndarray:
        """Straight opaque RGBA (uint8) of canvas box `box` (`frame`: see GradientFill)."""
        pixels = np.empty((max(0, box.h), max(0, box.w), 4), np.uint8)
        pixels[..., :3] = self.color
        pixels[..., 3] = 255
        return pixels


# Photoshop's default gradient (Foreground to Background), with its default colours.
DEFAULT_STOPS = ((0.0, (0, 0, 0)), (100.0, (255, 255, 255)))
OPAQUE = ((0.0, 100.0), (100.0, 100.0))


@dataclass(frozen=True)
class GradientFill(Adjustment):
    """A Gradient fill layer's settings, as Photoshop's Gradient Fill dialog: colour stops
    (location %, (r, g, b)) and opacity stops (location %, opacity %), each sorted by
    location; smoothness % (Photoshop's gradient editor; 100 its default); the style
    (gradients.STYLES), angle (degrees), scale (%), reverse, dither and align with layer
    (the gradient laid out on the layer's path's box rather than the canvas: `frame`);
    offset (% of the frame, Photoshop's drag of the gradient in its dialog). Dither is
    kept (the file's flag) but not drawn. `method`: the space the colours are blended in
    (gradients.METHODS; Photoshop 23's Method, "classic" before it). `midpoints` and
    `opacity_midpoints`: each stop's midpoint % (where the stretch ending at it is half
    and half; Photoshop's 'Mdpn'), in the stops' order; () when all are 50 %, and a
    list that does not match the stops is taken as all 50 %. `descriptor`: the PSD
    descriptor it was read from, opaque to all but psd.py, which writes the fields this
    class does not hold (the stops' kinds, the gradient's name...) back from it. `noise`:
    Photoshop's Gradient Type "Noise" (`gradients.Noise`; None: Solid, the stops): when set
    it paints the noise table in place of the stops (which are kept, unused)."""

    kind: ClassVar[str] = "gradient_fill"
    label: ClassVar[str] = "Gradient"
    fills: ClassVar[bool] = True
    layer_name: ClassVar[str] = "Gradient Fill"  # Photoshop's name for a new one
    stops: tuple = DEFAULT_STOPS
    opacity_stops: tuple = OPAQUE
    smoothness: float = 100.0
    style: str = "linear"
    angle: float = 90.0
    scale: float = 100.0
    reverse: bool = False
    dither: bool = False
    align: bool = True
    offset: tuple = (0.0, 0.0)
    method: str = "classic"
    midpoints: tuple = ()
    opacity_midpoints: tuple = ()
    descriptor: object = field(default=None, compare=False, repr=False)
    # Photoshop's Gradient Type "Noise" (`gradients.Noise`): it paints instead of the stops.
    noise: object = None

    def __post_init__(self):
        from .gradients import METHODS, STYLES, Noise

        if self.noise is not None and not isinstance(self.noise, Noise):
            raise ValueError(f"a gradient's noise is a gradients.Noise, not {self.noise!r}")

        if self.style not in STYLES:
            raise ValueError(f"a gradient's style is one of {', '.join(STYLES)}, not {self.style!r}")
        if self.method not in METHODS:
            raise ValueError(f"a gradient's method is one of {', '.join(METHODS)}, "
                             f"not {self.method!r}")
        if not self.stops:
            raise ValueError("a gradient has at least one colour stop")
        stops = []
        for location, color in self.stops:
            if len(color) != 3 or any(not 0 <= int(c) <= 255 for c in color):
                raise ValueError(f"a colour is three values 0..255, not {color!r}")
            stops.append((_percent(location), tuple(int(c) for c in color)))
        opacities = [(_percent(location), _percent(opacity))
                     for location, opacity in self.opacity_stops]
        if not 1 <= float(self.scale) <= 1000:
            raise ValueError(f"a gradient's scale is 1..1000 %, not {self.scale!r}")
        stops, midpoints = _sorted_stops(stops, self.midpoints)
        opacities, opacity_midpoints = _sorted_stops(opacities, self.opacity_midpoints)
        object.__setattr__(self, "stops", stops)
        object.__setattr__(self, "midpoints", midpoints)
        object.__setattr__(self, "opacity_stops", opacities or OPAQUE)
        object.__setattr__(self, "opacity_midpoints", opacity_midpoints if opacities else ())
        object.__setattr__(self, "smoothness", _percent(self.smoothness))
        object.__setattr__(self, "angle", float(self.angle))
        object.__setattr__(self, "scale", float(self.scale))
        object.__setattr__(self, "offset", tuple(float(v) for v in self.offset))

    def is_identity(self) -> bool:
        return False  # it always paints

    def describe(self) -> str:
        stops = ",".join("#{:02x}{:02x}{:02x}@{:g}".format(*c, loc) for loc, c in self.stops)
        parts = [f"style={self.style}", f"angle={self.angle:g}", f"stops={stops}"]
        if self.noise is not None:
            n = self.noise
            parts[2] = (f"noise=seed {n.seed} roughness {n.roughness:g} {n.model} "
                        f"{_short(n.minimum)}..{_short(n.maximum)}"
                        + (" transparency" if n.transparency else "")
                        + (" restrict" if n.restrict else ""))
        if self.opacity_stops != OPAQUE:
            parts.append("opacity=" + ",".join(f"{o:g}@{loc:g}" for loc, o in self.opacity_stops))
        for name in ("smoothness", "scale", "reverse", "dither", "align", "offset", "method",
                     "midpoints", "opacity_midpoints"):
            if getattr(self, name) != getattr(GradientFill, name):
                parts.append(f"{name}={_short(getattr(self, name))}")
        return ", ".join(parts)

    def lookup(self) -> np.ndarray:
        """(4096, 4) uint8: the gradient's colours from its first stop to its last (a
        noise gradient's from its start to its end)."""
        if self.noise is not None:
            return _noise_table(self.noise)
        return _gradient_table(self.stops, self.opacity_stops, self.smoothness, self.method,
                               self.midpoints, self.opacity_midpoints)

    def paint(self, box, frame) -> np.ndarray:
        """Straight RGBA (uint8) of canvas box `box`, the gradient laid out on `frame` (a
        box (x, y, width, height): the canvas, or the layer's path's). Each pixel takes the gradient's value at
        its top-left corner, as Photoshop's renders do (at its centre they lie half a pixel
        off)."""
        from . import gradients

        start, end = gradients.layout(self.style, self.angle, self.scale, frame, self.offset)
        x = np.arange(box.x, box.x1, dtype=np.float32)[None, :]
        y = np.arange(box.y, box.y1, dtype=np.float32)[:, None]
        t = gradients.ramp(self.style, x, y, start, end)
        if self.reverse:
            t = 1 - t
        return np.ascontiguousarray(gradients.colours(t, self.lookup()))


@dataclass(frozen=True)
class PatternFill(Adjustment):
    """A Pattern fill layer's settings, as Photoshop's Pattern Fill dialog: the pattern
    (`patterns.Pattern`, its pixels held here: None paints nothing), scale % (1..1000),
    angle (degrees, counter-clockwise) and phase (where a tile's corner lies from the
    frame's corner, pixels: (0, 0) is Snap to Origin), tiled over the whole canvas.
    `align` (Link with Layer): on a shape layer the tiles start at its path's box
    (`FillLayer.frame`), else at the canvas's corner; `anchor` moves them further, by
    the file's reference point ('fxrp') less the box's corner, which Photoshop's files
    hold and draw from (patterns.psd: (1, 0) on each shape). `descriptor`: the 'PtFl'
    descriptor it was read from (psd.py writes back the keys this class does not hold)."""

    kind: ClassVar[str] = "pattern_fill"
    label: ClassVar[str] = "Pattern"
    fills: ClassVar[bool] = True
    layer_name: ClassVar[str] = "Pattern Fill"  # Photoshop's name for a new one
    pattern: object = None
    scale: float = 100.0
    angle: float = 0.0
    phase: tuple = (0.0, 0.0)
    align: bool = True
    descriptor: object = field(default=None, compare=False, repr=False)
    anchor: tuple = (0.0, 0.0)

    def __post_init__(self):
        # (A stand-in's `reduced` scale goes below Photoshop's 1 %: only > 0 is required.)
        if not 0 < float(self.scale) <= 1000:
            raise ValueError(f"a pattern's scale is 1..1000 %, not {self.scale!r}")
        object.__setattr__(self, "scale", float(self.scale))
        object.__setattr__(self, "angle", float(self.angle))
        object.__setattr__(self, "phase", tuple(float(v) for v in self.phase))
        object.__setattr__(self, "anchor", tuple(float(v) for v in self.anchor))

    def is_identity(self) -> bool:
        return False  # it always paints

    def describe(self) -> str:
        from .patterns import display_name

        name = display_name(self.pattern.name) if self.pattern is not None else "none"
        parts = [f"pattern={name}"]
        for key in ("scale", "angle", "phase", "align"):
            if getattr(self, key) != getattr(PatternFill, key):
                parts.append(f"{key}={_short(getattr(self, key))}")
        return ", ".join(parts)

    def as_dict(self) -> dict:
        """The settings with the pattern named, not its pixels (`info`'s report)."""
        pattern = self.pattern
        return {"pattern": None if pattern is None else {
                    "name": pattern.name, "id": pattern.id, "width": pattern.width,
                    "height": pattern.height},
                "scale": self.scale, "angle": self.angle, "phase": list(self.phase),
                "align": self.align}

    def reduced(self, level: int) -> "PatternFill":
        """The tile 2**level times smaller (its corner follows the reduced frame)."""
        if level <= 0:
            return self
        s = 1 << level
        # Shrunk, `patterns.tile` samples at pixel centres: the reduced frame's corner,
        # 0.5 - 0.5 / s reduced pixels before the canvas's (pixel centres matched), is
        # given back so that each reduced pixel is the mean of the full-size ones it
        # stands for.
        back = 0.5 - 0.5 / s if self.scale / s < 100.0 else 0.0
        return replace(self, scale=self.scale / s,
                       phase=(self.phase[0] / s + back, self.phase[1] / s + back),
                       anchor=(self.anchor[0] / s, self.anchor[1] / s))

    def paint(self, box, frame) -> np.ndarray:
        """Straight RGBA (uint8) of canvas box `box`: the pattern tiled (`patterns.tile`,
        transparent without a pattern) from the corner of `frame` (the canvas's; a shape
        layer's path box when linked with the layer, as Photoshop anchors it) moved by
        the phase."""
        from .patterns import tile

        if self.pattern is None:
            return np.zeros((max(0, box.h), max(0, box.w), 4), np.uint8)
        dx, dy = self.anchor if self.align else (0.0, 0.0)
        origin = (frame[0] + self.phase[0] + dx, frame[1] + self.phase[1] + dy)
        return tile(self.pattern, box, self.scale, self.angle, origin)


def _percent(value) -> float:
    return min(100.0, max(0.0, float(value)))


def _sorted_stops(stops: list, midpoints: tuple) -> tuple[tuple, tuple]:
    """`stops` sorted by location (stable: a later stop at the same place stays later),
    their midpoints (%) moved with them; () for midpoints all 50 % or not one a stop."""
    if len(midpoints) != len(stops):
        midpoints = (50.0,) * len(stops)
    pairs = sorted(zip(stops, (min(95.0, max(5.0, float(m))) for m in midpoints)),
                   key=lambda pair: pair[0][0])
    kept = tuple(m for _, m in pairs)
    return tuple(stop for stop, _ in pairs), (() if all(m == 50.0 for m in kept) else kept)


@functools.lru_cache(maxsize=16)
def _gradient_table(stops: tuple, opacity_stops: tuple, smoothness: float, method: str,
                    midpoints: tuple, opacity_midpoints: tuple) -> np.ndarray:
    from .gradients import table

    values = table([(loc / 100, color) for loc, color in stops],
                   [(loc / 100, opacity * 2.55) for loc, opacity in opacity_stops],
                   smoothness / 100, method=method,
                   midpoints=[m / 100 for m in midpoints] if midpoints else None,
                   opacity_midpoints=([m / 100 for m in opacity_midpoints]
                                      if opacity_midpoints else None))
    return np.rint(values).astype(np.uint8)


@functools.lru_cache(maxsize=16)
def _noise_table(noise) -> np.ndarray:
    from .gradients import noise_table

    return np.rint(noise_table(noise)).astype(np.uint8)


KINDS: dict[str, type] = {k.kind: k for k in (BrightnessContrast, Levels, Curves, HueSaturation,
                                               ColorBalance, Exposure)}
FILL_KINDS: dict[str, type] = {k.kind: k for k in (SolidColor, GradientFill, PatternFill)}



# -- Vibrance, Black & White, Photo Filter, Channel Mixer: channel-mixing kinds ---------------
# Their per-pixel formulas are `adjust_kernels.more_mixed`. Photoshop publishes none of
# them; what each does, and what decided it:
# - Vibrance: after SweetFX's (lygia's) reconstruction: each pixel's distance from its
#   Rec. 601 luma scaled by 1 + v (1 - s) (s = max - min: muted colours move most), for a
#   negative v too (SweetFX has 1 + v (1 + s) there); then Saturation as Hue/Saturation's
#   master saturation. Photoshop's file at hand (fill_adjustments.psd: -6 / +2, under
#   layers with errors of their own) cannot decide it: on its photo region the stack
#   below is already 3.8 levels off (red +4.7 on average) without any vibrance, and the
#   candidates all land between 3.8 and 4.3 (this form 4.1 alone, 4.3 with the
#   saturation), except SweetFX's own negative branch, 1 + v (1 + s): 5.7, and Graphite's
#   reconstruction (after photo-mark.com's analysis of Photoshop's vibrance): 4.4 (4.5).
#   So: the simple form, kept symmetric. Photoshop's own pixels (Aspose's AllAdjustments.psd,
#   vibrance +64 with saturation +36 on a skin-toned photo) put it 10.5 levels off on
#   average, 49 at most: Photoshop lowers Lab lightness by 0.7 only, turns hues by ~2° and
#   multiplies Lab chroma by 1.6-1.85, less for the more colourful; ours overshoots, and
#   either slider alone comes closer (3.9 / 4.8), and the photo left alone is 10.6 / 77
#   off. One setting of two sliders cannot separate them, so the formula is unchanged
#   (the forms tried: bench/vibrance_hypotheses.py).
# - Black & White: the reconstruction Graphite uses (after a Stack Overflow answer,
#   questions/55233732): the smallest channel, plus the step to the middle one weighed by
#   the secondary colour the two top channels make, plus the step to the largest weighed
#   by its primary (pure red is 40 % grey, yellow 60 %: the defaults). Tint: the tint
#   colour at that grey's luminosity, as the Color blend mode puts it (W3C SetLum; so does
#   Graphite). Exact on Photoshop's pixels: Aspose's AllAdjustments.psd (the defaults, a
#   photo; tests/aspose_psd_files/) 0.000 / 0, and its BlackWhiteAdjustmentLayerStripesMask
#   files under masks of stripes 0.017 / 5 (the defaults) and 0.16 / 9 (custom weights
#   with a tint).
# - Photo Filter: the filter colour multiplied in at its density in linear light (gamma
#   2.2); Preserve Luminosity puts the pixel's luminosity back (SetLum). Chosen on
#   fill_adjustments.psd (Warming Filter (85), 25 %): of multiply / normal mix, in gamma
#   or linear light, with the luminosity restored as luma, HSL lightness or a ratio, this
#   came closest (its flat region 10.0 -> 3.9 levels off; the rest of the stack's error
#   is in that figure). On Photoshop's pixels of a filter alone (Aspose's AllAdjustments.psd:
#   Lab (61, 92, -46), 25 %) 1.65 / 11 (multiplied in gamma values: 7.3 / 18); the luma kept
#   is Rec. 601's (to 0.15 levels on average, PhotoFilterAdjustmentLayer.psd there). That
#   file's filter, Lab (88, -79, -118) at 100 %, lies far outside sRGB: clipped to (0, 255,
#   255) it lands 13.5 / 57 off; Photoshop's pixels fit a multiply by (-0.21, 0.80, 1.17)
#   (1.1 off), which no Lab-to-sRGB conversion tried gives, so it is left clipped.
# - Channel Mixer: per output channel, red x R % + green x G % + blue x B % + constant %,
#   clipped; Monochrome uses the first row for all three (exact: a linear mix).

BLACK_WHITE_DEFAULTS = (40, 60, 40, 60, 20, 80)  # red, yellow, green, cyan, blue, magenta
BLACK_WHITE_NAMES = ("Reds", "Yellows", "Greens", "Cyans", "Blues", "Magentas")
BLACK_WHITE_FIELDS = ("reds", "yellows", "greens", "cyans", "blues", "magentas")


def _rgb_color(value) -> tuple:
    if len(value) != 3 or any(not 0 <= int(c) <= 255 for c in value):
        raise ValueError(f"a colour is three values 0..255, not {value!r}")
    return tuple(int(c) for c in value)


class _Mixing(Adjustment):
    """A kind that mixes channels: applied through `adjust_kernels.apply_mixed`."""

    def apply(self, rgb: np.ndarray, levels: int = 65536) -> np.ndarray:
        from .adjust_kernels import apply_mixed

        return apply_mixed(self.code, self.params(), rgb)


@dataclass(frozen=True)
class Vibrance(_Mixing):
    kind: ClassVar[str] = "vibrance"
    label: ClassVar[str] = "Vibrance"
    code: ClassVar[int] = 10  # adjust_kernels.VIBRANCE
    vibrance: int = 0       # -100..100
    saturation: int = 0     # -100..100

    def params(self) -> np.ndarray:
        return np.array([self.vibrance / 100.0, self.saturation / 100.0])


@dataclass(frozen=True)
class BlackWhite(_Mixing):
    """The six colour sliders (-200..300 %) and the tint."""

    kind: ClassVar[str] = "black_white"
    label: ClassVar[str] = "Black & White"
    code: ClassVar[int] = 11  # adjust_kernels.BLACK_WHITE
    reds: int = 40
    yellows: int = 60
    greens: int = 40
    cyans: int = 60
    blues: int = 20
    magentas: int = 80
    tint: bool = False
    tint_color: tuple = (225, 211, 179)  # Photoshop's default tint

    def __post_init__(self):
        object.__setattr__(self, "tint_color", _rgb_color(self.tint_color))

    def is_identity(self) -> bool:
        return False  # it always turns colours grey

    def params(self) -> np.ndarray:
        return np.array([getattr(self, f) / 100.0 for f in BLACK_WHITE_FIELDS]
                        + [float(self.tint)] + [c / 255.0 for c in self.tint_color])


@dataclass(frozen=True)
class PhotoFilter(_Mixing):
    """The filter's colour, its density (1..100 %) and Preserve Luminosity."""

    kind: ClassVar[str] = "photo_filter"
    label: ClassVar[str] = "Photo Filter"
    code: ClassVar[int] = 12  # adjust_kernels.PHOTO_FILTER
    color: tuple = (236, 138, 0)  # Photoshop's default, Warming Filter (85)
    density: int = 25
    preserve_luminosity: bool = True

    def __post_init__(self):
        object.__setattr__(self, "color", _rgb_color(self.color))

    def is_identity(self) -> bool:
        return self.density == 0

    def params(self) -> np.ndarray:
        return np.array([c / 255.0 for c in self.color]
                        + [self.density / 100.0, float(self.preserve_luminosity)])


MIXER_ROWS = ((100, 0, 0, 0), (0, 100, 0, 0), (0, 0, 100, 0))  # Photoshop's default


@dataclass(frozen=True)
class ChannelMixer(_Mixing):
    """Per output channel (red, green, blue) the percentages of the red, green and blue
    inputs (-200..200) and a constant (-200..200 %); Monochrome: the first row (Gray) for
    all three."""

    kind: ClassVar[str] = "channel_mixer"
    label: ClassVar[str] = "Channel Mixer"
    code: ClassVar[int] = 13  # adjust_kernels.CHANNEL_MIXER
    red: tuple = MIXER_ROWS[0]
    green: tuple = MIXER_ROWS[1]
    blue: tuple = MIXER_ROWS[2]
    monochrome: bool = False

    def __post_init__(self):
        for name in ("red", "green", "blue"):
            row = tuple(int(v) for v in getattr(self, name))
            if len(row) != 4:
                raise ValueError(f"a mixer row is (red, green, blue, constant), not {row!r}")
            object.__setattr__(self, name, row)

    def params(self) -> np.ndarray:
        return np.array([v / 100.0 for v in (*self.red, *self.green, *self.blue)]
                        + [float(self.monochrome)])


KINDS.update((k.kind, k) for k in (Vibrance, BlackWhite, PhotoFilter, ChannelMixer))


# -- Invert, Posterize, Threshold, Gradient Map (Photoshop's third group of adjustments) ------
# Measured on Photoshop's own pixels (psd-tools' invert_rgb.psd, posterize_rgb.psd,
# threshold_rgb.psd; tests/test_adjustments_photoshop.py): each of the three matches them
# exactly in 8 bits.
# - Invert: 1 - v per channel.
# - Posterize, n levels (2..255): level k = floor(v n / 256) of the 8-bit value v, shown as
#   floor(255 k / (n - 1)) (Photoshop rounds down: 3 levels give 0, 127, 255). psd-tools'
#   floor(v 255/256 n) / (n - 1) is the same level, its output not rounded down.
# - Threshold at level L (1..255): white where Photoshop's luminance, 0.30 R + 0.59 G + 0.11 B
#   (in levels) rounded half down, is at least L; else black (`adjust_kernels.luminance`:
#   Rec. 601's 0.299/0.587/0.114 were 2-6 pixels off among 10000, these none).
# - Gradient Map: each pixel takes the gradient's colour at its luminance (the same
#   luminance, not rounded; Reverse reads the gradient from its end). Photoshop leaves the
#   gradient's opacity stops out of a gradient map: only the colours are drawn. Dither is
#   kept (the file's flag) but not drawn, as the Gradient fill's. Not checked against a
#   Photoshop render (psd-tools' files hold none that is drawn).

def _posterized(t: np.ndarray, levels: int) -> np.ndarray:
    """Posterize's output (0..1) for inputs `t` (0..1) at `levels` levels."""
    n = min(255, max(2, int(levels)))
    k = np.floor(np.clip(t, 0.0, 1.0) * 255.0 * n / 256.0 + 1e-7)  # (1e-7: i / 255 * 255 < i)
    return np.floor(255.0 * k / (n - 1) + 1e-7) / 255.0


@dataclass(frozen=True)
class Invert(Adjustment):
    kind: ClassVar[str] = "invert"
    label: ClassVar[str] = "Invert"
    separable: ClassVar[bool] = True

    def is_identity(self) -> bool:
        return False  # it always inverts

    def describe(self) -> str:
        return "inverts"

    def transfer(self, t: np.ndarray, channel: int) -> np.ndarray:
        return 1.0 - t


@dataclass(frozen=True)
class Posterize(Adjustment):
    kind: ClassVar[str] = "posterize"
    label: ClassVar[str] = "Posterize"
    separable: ClassVar[bool] = True
    levels: int = 4  # 2..255 (Photoshop's default 4)

    def __post_init__(self):
        if not 2 <= int(self.levels) <= 255:
            raise ValueError(f"Posterize has 2..255 levels, not {self.levels!r}")
        object.__setattr__(self, "levels", int(self.levels))

    def is_identity(self) -> bool:
        return False  # even 255 levels move some values

    def describe(self) -> str:
        return f"levels={self.levels}"

    def transfer(self, t: np.ndarray, channel: int) -> np.ndarray:
        return _posterized(t, self.levels)


@dataclass(frozen=True)
class Threshold(Adjustment):
    kind: ClassVar[str] = "threshold"
    label: ClassVar[str] = "Threshold"
    level: int = 128  # 1..255 (Photoshop's default 128)

    code: ClassVar[int] = 20  # adjust_kernels.THRESHOLD

    def __post_init__(self):
        if not 1 <= int(self.level) <= 255:
            raise ValueError(f"Threshold's level is 1..255, not {self.level!r}")
        object.__setattr__(self, "level", int(self.level))

    def is_identity(self) -> bool:
        return False

    def describe(self) -> str:
        return f"level={self.level}"

    def params(self) -> np.ndarray:
        return np.array([float(self.level)])

    def apply(self, rgb: np.ndarray, levels: int = 65536) -> np.ndarray:
        from .adjust_kernels import apply_mixed

        return apply_mixed(self.code, self.params(), rgb)


@dataclass(frozen=True)
class GradientMap(Adjustment):
    """A Gradient Map: the gradient's colour stops (location %, (r, g, b)), opacity stops
    (location %, opacity %: kept, not drawn), smoothness %, method and midpoints, as
    `GradientFill` holds them (the same checks, the same colour table, so the gradient bar
    edits either), with Reverse and Dither. `source`: psd-tools' 'grdm' record it was read
    from (psd.py writes back what these settings do not hold: the gradient's name...)."""

    kind: ClassVar[str] = "gradient_map"
    label: ClassVar[str] = "Gradient Map"
    stops: tuple = DEFAULT_STOPS
    opacity_stops: tuple = OPAQUE
    smoothness: float = 100.0
    method: str = "classic"
    midpoints: tuple = ()
    opacity_midpoints: tuple = ()
    reverse: bool = False
    dither: bool = False
    source: object = field(default=None, compare=False, repr=False)

    code: ClassVar[int] = 21  # adjust_kernels.GRADIENT_MAP

    def __post_init__(self):
        checked = GradientFill(stops=self.stops, opacity_stops=self.opacity_stops,
                               smoothness=self.smoothness, method=self.method,
                               midpoints=self.midpoints, opacity_midpoints=self.opacity_midpoints)
        for key in ("stops", "opacity_stops", "smoothness", "midpoints", "opacity_midpoints"):
            object.__setattr__(self, key, getattr(checked, key))
        object.__setattr__(self, "reverse", bool(self.reverse))
        object.__setattr__(self, "dither", bool(self.dither))

    def is_identity(self) -> bool:
        return False

    def describe(self) -> str:
        stops = ",".join("#{:02x}{:02x}{:02x}@{:g}".format(*c, loc) for loc, c in self.stops)
        parts = [f"stops={stops}"]
        for name in ("smoothness", "method", "midpoints", "reverse", "dither"):
            if getattr(self, name) != getattr(GradientMap, name):
                parts.append(f"{name}={_short(getattr(self, name))}")
        return ", ".join(parts)

    def as_dict(self) -> dict:
        values = asdict(replace(self, source=None))
        values.pop("source")
        return values

    def lookup(self) -> np.ndarray:
        """(4096, 4) uint8: the gradient's colours from its first stop to its last."""
        return _gradient_table(self.stops, self.opacity_stops, self.smoothness, self.method,
                               self.midpoints, self.opacity_midpoints)

    def params(self) -> np.ndarray:
        """Reverse, then the colour table (4096 x RGB, 0..1) the kernel looks luminances up in."""
        return _gradient_map_params(self.lookup().tobytes(), self.reverse)

    def apply(self, rgb: np.ndarray, levels: int = 65536) -> np.ndarray:
        from .adjust_kernels import apply_mixed

        return apply_mixed(self.code, self.params(), rgb)


@functools.lru_cache(maxsize=8)
def _gradient_map_params(table: bytes, reverse: bool) -> np.ndarray:
    colours = np.frombuffer(table, np.uint8).reshape(-1, 4)[:, :3] / 255.0
    return np.concatenate([[float(reverse)], colours.reshape(-1)])


KINDS.update({k.kind: k for k in (Invert, Posterize, Threshold, GradientMap)})


# -- Selective Color ------------------------------------------------------------------------
# Photoshop publishes no formula. This is FFmpeg's reconstruction (libavfilter/
# vf_selectivecolor.c, Clément Bœsch, after his analysis of Photoshop's tool:
# blog.pkh.me/p/22-understanding-selective-coloring-in-adobe-photoshop.html), in float:
# - a pixel belongs to Reds, Greens, Blues where that channel is its largest, by max - mid;
#   to Cyans, Magentas, Yellows where red, green, blue is its smallest, by mid - min; to
#   Whites where all channels are above 1/2, by 2 min - 1; to Blacks where all are below,
#   by 1 - 2 max; to Neutrals unless it is pure black or white, by 1 - (|max - 1/2| +
#   |min - 1/2|);
# - in each range it belongs to, the Cyan, Magenta, Yellow sliders (a, -1..1) with Black
#   (k) move red, green, blue by that membership x clip((-1 - a) k - a, -v, 1 - v), the
#   bracket first multiplied by the channel's ink, 1 - v, in Relative mode (v: the channel's
#   value); the ranges' moves add up, and the sum is clipped to 0..1.
# Not checked against Photoshop's pixels: the two files at hand with a Selective Color layer
# (psd-tools' fill_adjustments.psd and layers/selective-color.psd) hold all-zero settings.

SELECTIVE_COLORS = ("Reds", "Yellows", "Greens", "Cyans", "Blues", "Magentas", "Whites",
                    "Neutrals", "Blacks")
SELECTIVE_FIELDS = ("reds", "yellows", "greens", "cyans", "blues", "magentas", "whites",
                    "neutrals", "blacks")
SELECTIVE_METHODS = ("Relative", "Absolute")  # (0, 1 as the 'selc' block stores them)
NO_CHANGE = (0, 0, 0, 0)


@dataclass(frozen=True)
class SelectiveColor(_Mixing):
    """Per colour (Reds ... Blacks) the Cyan, Magenta, Yellow and Black sliders (-100..100
    %); the method, Relative (Photoshop's default) or Absolute (`absolute`)."""

    kind: ClassVar[str] = "selective_color"
    label: ClassVar[str] = "Selective Color"
    code: ClassVar[int] = 14  # adjust_kernels.SELECTIVE_COLOR
    reds: tuple = NO_CHANGE
    yellows: tuple = NO_CHANGE
    greens: tuple = NO_CHANGE
    cyans: tuple = NO_CHANGE
    blues: tuple = NO_CHANGE
    magentas: tuple = NO_CHANGE
    whites: tuple = NO_CHANGE
    neutrals: tuple = NO_CHANGE
    blacks: tuple = NO_CHANGE
    absolute: bool = False

    def __post_init__(self):
        for name in SELECTIVE_FIELDS:
            row = tuple(int(v) for v in getattr(self, name))
            if len(row) != 4 or any(not -100 <= v <= 100 for v in row):
                raise ValueError(f"{name} is (cyan, magenta, yellow, black), each -100..100, "
                                 f"not {row!r}")
            object.__setattr__(self, name, row)
        object.__setattr__(self, "absolute", bool(self.absolute))

    def is_identity(self) -> bool:
        return all(getattr(self, name) == NO_CHANGE for name in SELECTIVE_FIELDS)

    def with_color(self, index: int, values: tuple) -> "SelectiveColor":
        """A copy with colour `index` (0 Reds .. 8 Blacks) set to `values` (c, m, y, k)."""
        return replace(self, **{SELECTIVE_FIELDS[index]: tuple(values)})

    def params(self) -> np.ndarray:
        """Relative (1) or not, then per colour its four sliders as -1..1."""
        return np.array([0.0 if self.absolute else 1.0]
                        + [v / 100.0 for name in SELECTIVE_FIELDS for v in getattr(self, name)])


KINDS[SelectiveColor.kind] = SelectiveColor  # last in the menus, as in Photoshop's

def changed(settings: Adjustment, **values) -> Adjustment:
    """A copy with some settings changed (they are immutable: undo keeps the old one)."""
    return replace(settings, **values)


def make(kind: str, values: Optional[dict] = None) -> Adjustment:
    """A kind's settings (an adjustment's or a fill's) from its name and a dict of its fields
    (JSON: lists become tuples)."""
    cls = KINDS.get(kind) or FILL_KINDS.get(kind)
    if cls is None:
        raise ValueError(f"unknown adjustment {kind!r}")
    fields = {}
    for key, value in (values or {}).items():
        if key in cls.__dataclass_fields__:
            fields[key] = _tuples(value)
    return cls(**fields)


def _tuples(value):
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    return value



# -- Color Lookup: a 3D LUT file (`color_lookup.py` reads it; `adjust_kernels.lut3d`) -------
LUT_INTERPOLATIONS = ("tetrahedral", "trilinear")


@dataclass(frozen=True)
class ColorLookup(_Mixing):
    """The 3D LUT file's own bytes (Photoshop keeps them so in a PSD: 'LUT3DFileData'), its
    format ("cube" or "3dl") and name, and how colours between its points are found.
    Without a file it changes nothing, as Photoshop's new Color Lookup layer. `profile`:
    the device-link profile Photoshop stores beside the file, kept to be written back
    (not drawn)."""

    kind: ClassVar[str] = "color_lookup"
    label: ClassVar[str] = "Color Lookup"
    code: ClassVar[int] = 30  # adjust_kernels.COLOR_LOOKUP
    name: str = ""              # the file's name ("": none loaded)
    data: bytes = b""           # the file's contents
    format: str = "cube"        # "cube" or "3dl"
    interpolation: str = "tetrahedral"
    dither: bool = True         # Photoshop's Dither (kept, not drawn)
    profile: bytes = b""

    def __post_init__(self):
        from .color_lookup import FORMATS

        for key in ("data", "profile"):  # (JSON, a recorded step: base64 text)
            value = getattr(self, key)
            if isinstance(value, str):
                object.__setattr__(self, key, base64.b64decode(value))
        if self.format not in FORMATS:
            raise ValueError(f"a 3D LUT is .cube or .3dl, not {self.format!r}")
        if self.interpolation not in LUT_INTERPOLATIONS:
            raise ValueError(f"Color Lookup interpolates {' or '.join(LUT_INTERPOLATIONS)}, "
                             f"not {self.interpolation!r}")
        if self.data:
            self.lut()  # refused at once when it cannot be read

    def lut(self):
        from .color_lookup import parse

        return parse(bytes(self.data), self.format)

    def is_identity(self) -> bool:
        return not self.data

    def describe(self) -> str:
        return f"lut={self.name or 'none'}, {self.interpolation}" if self.data else "no LUT"

    def as_dict(self) -> dict:
        """Plain values, the file's bytes as base64 text (a recorded step replays them)."""
        return {"name": self.name, "data": base64.b64encode(self.data).decode("ascii"),
                "format": self.format, "interpolation": self.interpolation,
                "dither": self.dither, "profile": base64.b64encode(self.profile).decode("ascii")}

    def params(self) -> np.ndarray:
        return _lut_params(bytes(self.data), self.format, self.interpolation)

    def apply(self, rgb: np.ndarray, levels: int = 65536) -> np.ndarray:
        if not self.data:
            return np.array(rgb, np.float32)
        return super().apply(rgb, levels)


@functools.lru_cache(maxsize=8)
def _lut_params(data: bytes, fmt: str, interpolation: str) -> np.ndarray:
    """`adjust_kernels.lut3d`'s numbers for a LUT file (kept: the screen asks per redraw)."""
    from .color_lookup import identity, parse

    if not data:  # (no file: the 2-point table that changes nothing)
        return np.concatenate([np.array([0.0, 2.0, 0, 0, 0, 1, 1, 1]),
                               identity(2).reshape(-1).astype(np.float64)])
    lut = parse(data, fmt)
    head = [float(interpolation == "tetrahedral"), float(lut.size), *lut.domain_min,
            *lut.domain_max]
    return np.concatenate([np.array(head), lut.table.reshape(-1).astype(np.float64)])


# Photoshop's place: after Channel Mixer, before Invert (the kinds from Invert on taken out
# and put back after it: the menus follow KINDS' order).
_AFTER = {k: KINDS.pop(k) for k in list(KINDS)[list(KINDS).index("invert"):]}
KINDS[ColorLookup.kind] = ColorLookup
KINDS.update(_AFTER)
