"""Gradients: where each pixel lies along a gradient (`ramp`) and its colour there
(`colours`), shared by the Gradient tool (`edit_ops.gradient_fill`: a drag from a start
point to an end point) and Gradient fill layers (`adjustments.GradientFill`: a start and
an end point laid out on a box by angle and scale, `layout`).

A gradient is Photoshop's: colour stops (location 0..1, RGB 0..255) and opacity stops
(location 0..1, alpha 0..255), each interpolated on its own between neighbouring stops
and flat beyond the first and the last. `smoothness` (Photoshop's Smoothness, 'Intr' /
4096 in a file) bends each stretch between two stops into a cubic (Hermite) whose slope
at each end is 1 - smoothness / 2 times the stretch's own (rise over run): at 100 %
(Photoshop's default) u -> (u + smoothstep(u)) / 2, u the position inside the stretch,
which matches the shape layers Photoshop rendered in psd-tools' test files
(gradient-styles.psd, gradient-sizes.psd: the residue of the fit is under 1/100 of the
ramp, against 4/100 for a straight one), and keeps a kink where a ramp meets a flat
stretch, as Photoshop's spectrum gradients show (rgb-blend-modes.psd: 0.18 levels off;
smoothed there, 1.3 to 2.5). At a stop that is a peak or a trough (the stretches either
side rise and fall), both stretches take instead the slope of the two together (the
rise over the run from the stop before to the stop after, Catmull-Rom's; times the
same factor; blended from their own by the smoothness, so that 0 stays straight):
measured on Aspose's ComplexGradientFillLayer.psd, an opacity of 100-50-100 %, whose
opacity read off the merged image rises from the 50 % stop as 2.5 u^2 - 1.5 u^3 (a
flat start, the cubic with end slopes 0 and 1/2; the file 3.17 levels off before,
0.24 after), FillLayersTest.psd, four evenly spaced colour stops that each turn
(0.76 -> 0.14; slope 0 there, 0.27) and AllAdjustments.psd's Gradient Map, whose
stops at 32.5 and 35 % turn between long stretches (1.21 -> 1.03 over the file; the
plain mean of the two slopes, which lets the short steep one tilt the long ones,
2.26; slope 0, 1.07). Stops between two stretches that rise (or fall) at unequal
rates were not at hand to measure: they keep each stretch's own slope. So do the
Perceptual method's stops (its Oklab values turn where the colours do not): ag-psd's
gradient-overlay-2.psd, a Perceptual Gradient Map, is exact that way and a level off with
the turns.
The Gradient tool's ramp is straight (smoothness 0), as it was.

Each stop also has a midpoint ('Mdpn', 5..95 %, 50 by default): where, inside the stretch
that ends at the stop, the blend of its two colours is half and half. u is bent piecewise
straight so that it is 0.5 there (before the smoothness), as Photoshop's midpoint diamond:
measured on psd-tools' adjustment_clipping.psd (a 13 % midpoint, Linear method), this
fits Photoshop's merged image within 2 levels where a power curve is 30 off.

The interpolation method (Photoshop 23's Method; 'gradientsInterpolationMethod' in a
file) is the space the colours are blended in; the opacity is blended as it is:
- classic: the stored sRGB values (every Photoshop before 23; a file without the key);
- linear: linear light (the sRGB transfer function undone, blended, done again), which
  matches Photoshop's render of adjustment_clipping.psd within 2 levels (0.25 on average);
- perceptual: Oklab (Ottosson 2020) from linear sRGB: Adobe's help says its Perceptual
  method interpolates in OKLab (as quoted on graphicdesign.stackexchange.com/q/163526),
  but how exactly is not published. Its opacity is not blended straight: measured on
  Photoshop's render of Aspose's psdnet659.psd (eight Perceptual gradient fills, most
  from 100 % to 0 % opacity), the opacity of its Angle fill, read off the merged image
  where it lies alone over another fill, is the straight (smoothed) ramp raised to the
  power 1.75 (rms 0.008 over 300 samples; 1.5: 0.039, 2.0: 0.038, sRGB's curve 0.066),
  while its colours are our Oklab blend (the three channels give the same opacity). So
  the opacities are blended as alpha ** (1 / 1.75) and raised back (which keeps a
  constant opacity as it is; stops between other opacities than 100 and 0 % were not
  at hand to check that form against). Whole file: 16.0 levels off before, 2.9 after.

The styles, for a start point s and an end point e (d = e - s), each 0..1:
- linear: the projection of p - s on d, over |d|^2;
- radial: |p - s| / |d|;
- angle: the angle from d to p - s, clockwise on the screen, in turns;
- reflected: the linear one's absolute value (the start in the middle);
- diamond: |along| + |across|, p - s measured along d and across it, over |d|.

A noise gradient (Photoshop's Gradient Type "Noise": `Noise`, `noise_table`) has no stops:
a seeded random walk per channel between each channel's bounds; an approximation of
Photoshop's, whose generator is not public (see the section below).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np

STYLES = ("linear", "radial", "angle", "reflected", "diamond")
STYLE_LABELS = {"linear": "Linear", "radial": "Radial", "angle": "Angle",
                "reflected": "Reflected", "diamond": "Diamond"}
# Photoshop's order in its Method menu.
METHODS = ("perceptual", "linear", "classic")
METHOD_LABELS = {"perceptual": "Perceptual", "linear": "Linear", "classic": "Classic"}
# The power the opacity is blended under by the Perceptual method (measured, see above).
PERCEPTUAL_OPACITY_POWER = 1.75
TABLE_SIZE = 4096  # entries of the colour table a ramp is looked up in (Photoshop's 'Lctn' steps)


def ramp(style: str, x: np.ndarray, y: np.ndarray, start: tuple[float, float],
         end: tuple[float, float]) -> np.ndarray:
    """Where points (x, y) lie along a gradient of `style` from `start` to `end`, 0..1
    (float32; x and y broadcast: a row of x and a column of y give the grid)."""
    if style not in STYLES:
        raise ValueError(f"unknown gradient style {style!r}")
    (x0, y0), (x1, y1) = start, end
    dx, dy = x1 - x0, y1 - y0
    length2 = dx * dx + dy * dy
    px = np.asarray(x, np.float32) - np.float32(x0)
    py = np.asarray(y, np.float32) - np.float32(y0)
    shape = np.broadcast_shapes(px.shape, py.shape)
    if length2 < 1e-12:
        return np.zeros(shape, np.float32)
    if style == "radial":
        t = np.hypot(px, py)
        t *= np.float32(1 / math.sqrt(length2))
    elif style == "angle":
        t = np.arctan2(py, px) - np.float32(math.atan2(dy, dx))
        t *= np.float32(0.5 / math.pi)
        return _full(t % np.float32(1.0), shape)
    else:
        t = px * np.float32(dx / length2) + py * np.float32(dy / length2)
        if style == "reflected":
            np.abs(t, out=t)
        elif style == "diamond":
            across = py * np.float32(dx / length2) - px * np.float32(dy / length2)
            np.abs(t, out=t)
            t += np.abs(across)
    t = _full(t, shape)
    return np.clip(t, 0.0, 1.0, out=t)


def _full(t: np.ndarray, shape: tuple) -> np.ndarray:
    """`t` as a writable float32 array of `shape` (a row or a column spread over it)."""
    if t.shape == shape and t.dtype == np.float32:
        return t
    return np.broadcast_to(t, shape).astype(np.float32)


def layout(style: str, angle: float, scale: float, frame: tuple[float, float, float, float],
           offset: tuple[float, float] = (0.0, 0.0)) -> tuple[tuple[float, float],
                                                               tuple[float, float]]:
    """The start and end points of a gradient fill of `style` at `angle` (degrees,
    counter-clockwise from pointing right) and `scale` (percent) laid out on `frame`
    (x, y, width, height), its centre moved by `offset` (percent of the frame's width and
    height). At 100 % the ramp spans the stretch of the line through the centre at
    `angle` that lies inside the frame: a linear one from end to end of it, the others
    from the centre out to its end. Photoshop then puts a linear ramp's ends on whole
    pixels (rounded down) and the others' end a whole number of pixels from the centre
    (rounded down); below 100 % the half-length vector is cut to whole pixels toward the
    centre instead (truncated; see below).
    Measured on its renders (psd-tools' gradient-styles.psd and gradient-sizes.psd: with
    this layout, 13 of its 15 gradient shape layers of custom stops match within a level,
    the dither it added; a 64 x 32 box at 10 degrees spans 65 pixels, where psd-tools'
    blend of width and height by the angle gives 60). The one that does not (a reversed
    diamond) lies a pixel apart at its ends."""
    x, y, w, h = frame
    theta = math.radians(angle)
    cos, sin = math.cos(theta), math.sin(theta)
    cx = x + w / 2 + offset[0] / 100 * w
    cy = y + h / 2 + offset[1] / 100 * h
    reach = min(w / abs(cos) if abs(cos) > 1e-9 else math.inf,
                h / abs(sin) if abs(sin) > 1e-9 else math.inf)
    half = reach * scale / 200
    dx, dy = half * cos, -half * sin  # the screen's y runs down
    if style == "linear":
        if scale < 100:
            # Shortened, the ramp's half-length vector is cut to whole pixels toward the
            # centre (truncated) and laid out either side of the centre's pixel, so that a
            # short ramp turns too: Aspose's iphone15snapcase.psd, a 2 % overlay at -162
            # degrees on a 467 x 1077 box (half (-4.67, 1.52)), runs as (-4, 1), its edge
            # 14 degrees off upright, not 18 (nor the 22 the rounded ends give), and
            # gradient-styles.psd's 50 % ramp at -60 degrees (half (4.62, 8)) matches to
            # the level from x 12 to 20 where the rounded ends (11, 20) were 2.9 off.
            ix, iy = _floor(cx), _floor(cy)
            tx, ty = _trunc(dx), _trunc(dy)
            return (ix - tx, iy - ty), (ix + tx, iy + ty)
        return (_floor(cx - dx), _floor(cy - dy)), (_floor(cx + dx), _floor(cy + dy))
    if scale < 100:  # (as a linear ramp's: Aspose's psdnet659.psd, three Radial fills at
        # 10-20 %, two Reflected at 10 %, a Diamond at 50 %: 2.17 / 120 levels off rounded
        # down, 0.57 / 98 truncated)
        return (cx, cy), (cx + _trunc(dx), cy + _trunc(dy))
    return (cx, cy), (cx + _floor(dx), cy + _floor(dy))


def _trunc(v: float) -> int:
    # Within a hundredth of a pixel of a whole one it counts as that one: psd-tools'
    # layer_comps.psd has a 50 % ramp at 20 degrees whose half-length vector is (8.235,
    # -2.9975) and Photoshop's pixels fit (8, -3) (2.86 levels off over its region,
    # (8, -2) 4.74); a fit to that one file, the others lie far from whole pixels.
    return math.trunc(v + math.copysign(0.01, v))


def _floor(v: float) -> int:
    return math.floor(v + 1e-6)  # 16 - 1e-15 (cos 90 degrees is not 0 in floats) is 16


def _stretches(positions: np.ndarray, locations: Sequence[float], values: np.ndarray,
               smoothness: float, midpoints: Optional[Sequence[float]] = None,
               turns: bool = True) -> np.ndarray:
    """Values (n, k) at sorted `locations` interpolated at `positions`, stop to stop;
    `midpoints` (0..1, one a stop: the stretch ending at it; None: all 0.5); `turns`:
    whether a peak or a trough takes the slope of its two stretches together (`_slopes`)."""
    locs = np.asarray(locations, np.float64)
    i = np.clip(np.searchsorted(locs, positions, side="right") - 1, 0, len(locs) - 1)
    j = np.minimum(i + 1, len(locs) - 1)
    span = locs[j] - locs[i]
    u = np.clip((positions - locs[i]) / np.where(span > 0, span, 1.0), 0.0, 1.0)
    u = np.where(span > 0, u, 0.0)
    if midpoints is not None:
        m = np.clip(np.asarray(midpoints, np.float64), 0.01, 0.99)[j]
        u = np.where(u < m, 0.5 * u / m, 0.5 + 0.5 * (u - m) / (1 - m))
    # A cubic (Hermite) stretch from stop i to stop j, its slope at each end `_slopes`.
    start, end = _slopes(locs, np.asarray(values, np.float64), smoothness, turns)
    step = values[j] - values[i]
    stretch = span[:, None]
    u2, u3 = u * u, u * u * u
    return (values[i] + step * (3 * u2 - 2 * u3)[:, None]
            + start[i] * stretch * (u3 - 2 * u2 + u)[:, None]
            + end[i] * stretch * (u3 - u2)[:, None])


def _slopes(locations: np.ndarray, values: np.ndarray, smoothness: float,
            turns: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """(start, end): each stretch's slope (value per unit of location) where it leaves
    its first stop and where it reaches its second, indexed by its first stop (the last
    row, no stretch, 0): its own slope (rise over run) times 1 - smoothness / 2, except
    at a stop that is a peak or a trough (the stretches either side rise and fall), where
    both take the slope of the two together (at smoothness 1; their own at 0, in between
    a blend of the two), times the same (see the module's docstring)."""
    n = len(locations)
    zero = np.zeros_like(values)
    if n < 2:
        return zero, zero
    run = np.diff(locations)[:, None]
    slope = np.where(run > 0, np.diff(values, axis=0) / np.where(run > 0, run, 1.0), 0.0)
    before, after = slope[:-1], slope[1:]   # either side of each inner stop
    turn = (before * after < 0) & (run[:-1] > 0) & (run[1:] > 0) & turns
    # The rise over the run of both stretches (Catmull-Rom's slope): their mean, each
    # weighed by its run, so that a short steep stretch does not tilt a long flat one.
    mean = (before * run[:-1] + after * run[1:]) / np.maximum(run[:-1] + run[1:], 1e-12)
    start, end = zero.copy(), zero.copy()
    start[:-1], end[:-1] = slope, slope
    # (Blended in by the smoothness, so that at 0 every stretch is straight.)
    start[1:-1] = np.where(turn, (1 - smoothness) * after + smoothness * mean, start[1:-1])
    end[:-2] = np.where(turn, (1 - smoothness) * before + smoothness * mean, end[:-2])
    factor = 1 - smoothness / 2
    return factor * start, factor * end


def table(colour_stops: Sequence[tuple], opacity_stops: Sequence[tuple] = ((0.0, 255.0),),
          smoothness: float = 0.0, size: int = TABLE_SIZE, method: str = "classic",
          midpoints: Optional[Sequence[float]] = None,
          opacity_midpoints: Optional[Sequence[float]] = None) -> np.ndarray:
    """(size, 4) float64 straight RGBA (0..255) of a gradient at positions i / (size - 1):
    colour stops (location 0..1, (r, g, b)) and opacity stops (location 0..1, alpha
    0..255), each sorted by location (a later stop at the same place wins); the colours
    blended in `method`'s space (METHODS); `midpoints` and `opacity_midpoints` (0..1, one
    a stop, in the stops' sorted order; None: all halfway)."""
    if not colour_stops:
        raise ValueError("a gradient has at least one colour stop")
    if method not in METHODS:
        raise ValueError(f"a gradient's method is one of {', '.join(METHODS)}, not {method!r}")
    positions = np.linspace(0.0, 1.0, size)
    order = sorted(range(len(colour_stops)), key=lambda k: colour_stops[k][0])
    colours = [colour_stops[k] for k in order]
    mids = None if midpoints is None else [midpoints[k] for k in order]
    order = sorted(range(len(opacity_stops)), key=lambda k: opacity_stops[k][0])
    opacities = [opacity_stops[k] for k in order] or [(0.0, 255.0)]
    opacity_mids = None if opacity_midpoints is None or not order \
        else [opacity_midpoints[k] for k in order]
    out = np.empty((size, 4), np.float64)
    values = to_blend_space(np.array([s[1] for s in colours], np.float64).reshape(-1, 3), method)
    # (Perceptual's stretches keep their own slopes at a turn: see the module's docstring.)
    turns = method != "perceptual"
    out[:, :3] = from_blend_space(
        _stretches(positions, [s[0] for s in colours], values, smoothness, mids, turns), method)
    alphas = np.array([s[1] for s in opacities], np.float64).reshape(-1, 1)
    # Perceptual blends the opacity on a curve too (see the module's docstring).
    power = PERCEPTUAL_OPACITY_POWER if method == "perceptual" else 1.0
    alphas = 255.0 * (alphas / 255.0) ** (1 / power)
    out[:, 3] = 255.0 * (_stretches(positions, [s[0] for s in opacities], alphas, smoothness,
                                    opacity_mids, turns)[:, 0] / 255.0).clip(0.0, 1.0) ** power
    return out.clip(0.0, 255.0)


# sRGB <-> linear light (IEC 61966-2-1) and linear sRGB <-> Oklab (Ottosson's matrices).
_LMS = np.array([[0.4122214708, 0.5363325363, 0.0514459929],
                 [0.2119034982, 0.6806995451, 0.1073969566],
                 [0.0883024619, 0.2817188376, 0.6299787005]])
_LAB = np.array([[0.2104542553, 0.7936177850, -0.0040720468],
                 [1.9779984951, -2.4285922050, 0.4505937099],
                 [0.0259040371, 0.7827717662, -0.8086757660]])


def _linear(rgb: np.ndarray) -> np.ndarray:
    c = rgb / 255.0
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _srgb(light: np.ndarray) -> np.ndarray:
    c = np.clip(light, 0.0, 1.0)
    return 255.0 * np.where(c <= 0.0031308, c * 12.92, 1.055 * c ** (1 / 2.4) - 0.055)


def to_blend_space(rgb: np.ndarray, method: str) -> np.ndarray:
    """Colours (..., 3, sRGB 0..255) in the space `method` blends them in."""
    if method == "classic":
        return rgb
    light = _linear(rgb)
    if method == "linear":
        return light
    return np.cbrt(light @ _LMS.T) @ _LAB.T


def from_blend_space(values: np.ndarray, method: str) -> np.ndarray:
    """`to_blend_space` undone: sRGB 0..255 (clipped to the gamut)."""
    if method == "classic":
        return values
    if method == "perceptual":
        values = (values @ np.linalg.inv(_LAB).T) ** 3 @ np.linalg.inv(_LMS).T
    return _srgb(values)


def colours(t: np.ndarray, lookup: np.ndarray) -> np.ndarray:
    """The colours (t.shape + (4,), `lookup`'s dtype) of positions `t` (0..1) in a table
    made by `table` (cast as the caller needs it)."""
    index = (t * np.float32(len(lookup) - 1) + np.float32(0.5)).astype(np.int32)
    if lookup.dtype == np.uint8 and lookup.shape[-1] == 4:
        # Each RGBA as one 32-bit word: 8x faster than gathering (n, 4) rows.
        words = np.ascontiguousarray(lookup).view(np.uint32).reshape(-1)
        return words[index].view(np.uint8).reshape(index.shape + (4,))
    return lookup[index]


# -- noise gradients (Photoshop's Gradient Type "Noise") ---------------------------------
# Photoshop does not publish how it makes one, and no reconstruction of its generator was
# found (searched: psd-tools, Photopea's issues, GIMP/Krita, Aspose's docs, which name the
# fields only). Ours is an approximation built on what Photoshop's renders in psd-tools'
# gradient-styles.psd show (five 32-pixel noise gradients of one seed):
# - each channel of the colour model is its own random walk between the channel's minimum
#   and maximum (clipped there: at Roughness 0 a channel sits at 255 for a while, then
#   leaves it), the channels' walks the same for the same seed whatever the bounds of the
#   others (two of the five differ only in red's bounds and have equal green and blue);
# - Roughness 0 is a smooth ramp through a few bends; 50 changes every pixel or two by
#   about a tenth of the range; 100 is a new, often saturated, colour every pixel;
# - Restrict Colors ('VctC') keeps colours from full saturation (its render's channels lie
#   at most about two thirds of the range apart); Add Transparency ('ShTr') walks the
#   alpha too, between the fourth minimum and maximum.
# So: n knots evenly spaced (n grows with the roughness), each channel's knot values a
# clipped random walk (step ~ roughness), joined by straight lines. The seed is Photoshop's
# ('RndS'), but our generator is numpy's (PCG64), not Photoshop's: the same seed gives the
# same gradient every time in Layered, not Photoshop's colours.
NOISE_MODELS = ("rgb", "hsb", "lab")


@dataclass(frozen=True)
class Noise:
    """A noise gradient: `seed`, `roughness` (0..100 %), the colour `model` (NOISE_MODELS),
    `minimum` and `maximum` (0..100 % per channel of the model, then the alpha's: four
    each), `transparency` (Add Transparency) and `restrict` (Restrict Colors)."""
    seed: int = 0
    roughness: float = 50.0
    model: str = "rgb"
    minimum: tuple = (0.0, 0.0, 0.0, 0.0)
    maximum: tuple = (100.0, 100.0, 100.0, 100.0)
    transparency: bool = False
    restrict: bool = False

    def __post_init__(self):
        if self.model not in NOISE_MODELS:
            raise ValueError(f"a noise gradient's model is one of {', '.join(NOISE_MODELS)}, "
                             f"not {self.model!r}")
        if len(self.minimum) != 4 or len(self.maximum) != 4:
            raise ValueError("a noise gradient has four minimums and four maximums")
        object.__setattr__(self, "seed", int(self.seed))
        object.__setattr__(self, "roughness", min(100.0, max(0.0, float(self.roughness))))
        low = tuple(min(100.0, max(0.0, float(v))) for v in self.minimum)
        high = tuple(min(100.0, max(0.0, float(v))) for v in self.maximum)
        object.__setattr__(self, "minimum", tuple(min(a, b) for a, b in zip(low, high)))
        object.__setattr__(self, "maximum", tuple(max(a, b) for a, b in zip(low, high)))


def noise_table(noise: Noise, size: int = TABLE_SIZE) -> np.ndarray:
    """(size, 4) float64 straight RGBA (0..255, sRGB) of a noise gradient (see above)."""
    r = noise.roughness / 100
    knots = 4 + int(round(60 * r ** 1.2))          # 4 at 0 %, 30 at 50 %, 64 at 100 %
    step = 0.12 + 0.4 * r ** 4                      # of the range, per knot
    rng = np.random.default_rng(noise.seed & 0xFFFFFFFF)
    start = rng.random(4)
    steps = rng.standard_normal((knots - 1, 4))
    low = np.asarray(noise.minimum) / 100
    high = np.asarray(noise.maximum) / 100
    walk = np.empty((knots, 4))
    walk[0] = start
    for i in range(1, knots):  # each channel in 0..1, clipped (then put in its bounds)
        walk[i] = np.clip(walk[i - 1] + step * steps[i - 1], 0.0, 1.0)
    # The colour channels lean to the top of their range as Photoshop's do (its five renders
    # average 2/3 of the range, 175 levels, in each colour channel; the alpha's 0.45): the
    # walk's uniform spread mapped through a square root, which averages 2/3.
    walk[:, :3] = np.sqrt(walk[:, :3])
    values = low + (high - low) * walk
    positions = np.linspace(0.0, 1.0, size)
    at = np.linspace(0.0, 1.0, knots)
    channels = np.stack([np.interp(positions, at, values[:, c]) for c in range(4)], axis=-1)
    out = np.empty((size, 4))
    out[:, :3] = _noise_model_to_srgb(channels[:, :3], noise.model)
    if noise.restrict:
        # Keep a colour's channels within 150 levels of each other (Photoshop's render: about so).
        mean = out[:, :3].mean(axis=1, keepdims=True)
        spread = np.ptp(out[:, :3], axis=1, keepdims=True)
        out[:, :3] = mean + (out[:, :3] - mean) * np.minimum(1.0, 150.0 / np.maximum(spread, 1e-9))
    out[:, 3] = 255.0 * channels[:, 3] if noise.transparency else 255.0
    return np.clip(out, 0.0, 255.0)


def _noise_model_to_srgb(values: np.ndarray, model: str) -> np.ndarray:
    """(n, 3) channels 0..1 of `model` as sRGB 0..255: RGB as it is; HSB (hue 0..1 a full
    turn); Lab (L 0..100, a and b -128..127, D50: `lab_to_srgb`)."""
    if model == "rgb":
        return 255.0 * values
    if model == "hsb":
        h, s, v = values[:, 0] * 6.0 % 6.0, values[:, 1], values[:, 2]
        k = (np.array([5.0, 3.0, 1.0])[None, :] + h[:, None]) % 6.0
        rgb = v[:, None] - v[:, None] * s[:, None] * np.clip(np.minimum(k, 4.0 - k), 0.0, 1.0)
        return 255.0 * rgb
    lab = np.stack([100.0 * values[:, 0], 255.0 * values[:, 1] - 128.0,
                    255.0 * values[:, 2] - 128.0], axis=-1)
    return lab_to_srgb(lab)


def lab_to_srgb(lab: np.ndarray) -> np.ndarray:
    """CIE Lab (..., 3: L 0..100, a, b; D50, Photoshop's) as sRGB 0..255 floats (D65 by
    Bradford, clipped to the gamut)."""
    lab = np.asarray(lab, np.float64)
    fy = (lab[..., 0] + 16) / 116
    f = np.stack([fy + lab[..., 1] / 500, fy, fy - lab[..., 2] / 200], axis=-1)
    xyz = np.where(f > 6 / 29, f ** 3, 3 * (6 / 29) ** 2 * (f - 4 / 29)) \
        * np.array([0.9642, 1.0, 0.8251])
    bradford = np.array([[0.9555766, -0.0230393, 0.0631636],
                         [-0.0282895, 1.0099416, 0.0210077],
                         [0.0122982, -0.0204830, 1.3299098]])  # D50 -> D65
    to_rgb = np.array([[3.2404542, -1.5371385, -0.4985314],
                       [-0.9692660, 1.8760108, 0.0415560],
                       [0.0556434, -0.2040259, 1.0572252]])
    return _srgb(xyz @ (to_rgb @ bradford).T)
