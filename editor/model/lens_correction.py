"""Filter > Lens Correction… (Shift+Ctrl+R): Photoshop's Custom tab.

No lens profiles (Photoshop's Auto Correction tab): they need Adobe's profile database,
which cannot be had here; every correction is set by hand, as on the Custom tab.

One `Operation` (`pixel_filters.py`), so `filter_ops` previews, records, repeats, fades
and banks it as a smart filter as it does the others. The picture it corrects is the
canvas (with a layer that reaches beyond the canvas, the canvas and the layer together:
`Target.extent`, which is what `process` is given whole as `src`): its centre is the
lens's axis. A selection only limits where the corrected pixels show (its box, its soft
edge), as the lens's centre is the photo's, not the selection's.

All the geometry is one inverse map, so a pixel is resampled once (`remap_rgba`: bicubic
on an opaque picture): for each output pixel, in units of the picture's half-diagonal d
from its centre,

1. Scale (50..150 %) and Angle (0..360 degrees, clockwise) undone: p / s turned back;
2. the perspective undone: (x, y) / (1 + kh x + kv y), kv = Vertical / 100, kh =
   Horizontal / 100 (a homography that keeps the centre; negative Vertical widens the top,
   as converging verticals of a building shot from below need; positive Horizontal makes
   the right side taller); points beyond its horizon read nothing (the Edge);
3. Remove Distortion (-100..100): the lens model r_d = r (1 + k r^2) / (1 + k),
   k = -0.25 Amount / 100, read at r_d: positive removes barrel distortion, negative
   pincushion; the picture's corners stay where they are (so removing barrel distortion
   pulls the middles of the sides in, leaving gaps that the Edge fills or Scale crops);
4. Chromatic Aberration: each channel reads at (1 + 0.01 Amount / 100) times that
   radius (Fix Red/Cyan the red channel, Green/Magenta green, Blue/Yellow blue): a
   positive amount shrinks a channel whose picture the lens made too large (up to 1 %);
   alpha follows the picture (no fringe scale). A map per distinct channel scale.

Vignette (Amount -100..100, Midpoint 0..100) multiplies the colour by 1 + Amount / 100 x
smoothstep(m, 1, r) of the radius r the pixel was read from (in half-diagonals: 1 at the
picture's corners), m = 0.95 Midpoint / 100: negative darkens the corners (to black at
-100), positive lightens them (twice as bright at 100); the centre, inside m, is untouched,
and a lower Midpoint starts the effect nearer it. It is a property of the lens, so it
follows the read position, as the distortion does.

Edge (what is read beyond the picture): Edge Extension (its edge pixels repeated),
Transparency, Black Color, White Color.

Every per-pixel step is + - * / and sqrt on float32 (no transcendental function per pixel),
so a band of rows gives exactly what the whole does. Photoshop's formulas are not
published: these follow its settings' ranges and directions, not its exact pixels.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from engine.box import Box

from . import more_filters as mf
from .distort_filters import WHOLE, remap_rgba
from .pixel_filters import Operation, _blend_premultiplied

EDGES = ("extend", "transparent", "black", "white")
DISTORTION_K = 0.25   # |k| of the radial polynomial at Remove Distortion +-100
FRINGE_SCALE = 0.01   # a channel's radial scale at Fix ... Fringe +-100 (1 %)
PERSPECTIVE_K = 1.0   # the homography's kv, kh at +-100 (per half-diagonal)
HORIZON = 1e-3        # the homography's denominator below which nothing is read
F32 = np.float32


def smoothstep(lo: float, t: np.ndarray) -> np.ndarray:
    """0 below `lo`, 1 at 1 and beyond, smooth between (float32, + and * only)."""
    u = np.clip((t - F32(lo)) * F32(1 / max(1e-6, 1 - lo)), 0, 1)
    return u * u * (F32(3) - F32(2) * u)


@dataclass(frozen=True)
class LensCorrection(Operation):
    label: ClassVar[str] = "Lens Correction"
    grows: ClassVar[bool] = True  # the Edge may give transparent pixels colour
    distortion: int = 0        # Remove Distortion -100..100 (positive: barrel removed)
    red: int = 0               # Fix Red/Cyan Fringe -100..100
    green: int = 0             # Fix Green/Magenta Fringe -100..100
    blue: int = 0              # Fix Blue/Yellow Fringe -100..100
    vignette: int = 0          # Vignette Amount -100..100 (negative darkens)
    midpoint: int = 50         # Vignette Midpoint 0..100
    vertical: int = 0          # Vertical Perspective -100..100
    horizontal: int = 0        # Horizontal Perspective -100..100
    angle: float = 0.0         # 0..360 degrees, clockwise
    scale: int = 100           # 50..150 %
    edge: str = "transparent"  # EDGES

    def __post_init__(self):
        if self.edge not in EDGES:
            raise ValueError(f"the edge is {', '.join(EDGES)}, not {self.edge!r}")
        if not 1 <= self.scale <= 1000:
            raise ValueError(f"the scale is 50..150 %, not {self.scale}")

    def reach(self) -> int:
        return WHOLE  # it may read anywhere in the picture

    def banded(self) -> bool:
        return True  # (each band reads the whole picture: `filter_ops.run`)

    def is_identity(self) -> bool:
        return (not any((self.distortion, self.red, self.green, self.blue, self.vignette,
                         self.vertical, self.horizontal))
                and self.scale == 100 and self.angle % 360 == 0)

    def fringes(self) -> tuple[float, float, float]:
        """Each colour channel's radial scale of the read position (1: none)."""
        return tuple(1 + FRINGE_SCALE * v / 100 for v in (self.red, self.green, self.blue))

    def read_vectors(self, pw: int, ph: int, band: Box):
        """(u, v, ok) for the pixels of `band` (in the pw x ph picture's own pixels): where
        each reads, relative to the picture's centre in half-diagonals, before the fringe
        scales; ok is False beyond the perspective's horizon."""
        d = math.hypot(pw, ph) / 2
        cx, cy = (pw - 1) / 2, (ph - 1) / 2  # (pixel i's centre is at i)
        x = (np.arange(band.x, band.x1, dtype=F32) - F32(cx))[None, :] * F32(1 / d)
        y = (np.arange(band.y, band.y1, dtype=F32) - F32(cy))[:, None] * F32(1 / d)
        turn = math.radians(self.angle)
        c, s = F32(math.cos(turn) * 100 / self.scale), F32(math.sin(turn) * 100 / self.scale)
        u = c * x + s * y  # turned back (counter-clockwise) and unscaled
        v = c * y - s * x
        ok = np.ones(u.shape, bool)
        kv = PERSPECTIVE_K * self.vertical / 100
        kh = PERSPECTIVE_K * self.horizontal / 100
        if kv or kh:
            den = F32(1) + F32(kh) * u + F32(kv) * v
            ok = den > F32(HORIZON)
            inv = F32(1) / np.where(ok, den, F32(1))
            u, v = u * inv, v * inv
        k = -DISTORTION_K * self.distortion / 100
        if k:
            f = (F32(1) + F32(k) * (u * u + v * v)) * F32(1 / (1 + k))
            u, v = u * f, v * f
        return u, v, ok

    def process(self, src, inner, where, coverage):
        old = src[inner.slices()]
        h, w = old.shape[:2]
        if not h or not w:
            return old.copy()
        ph, pw = src.shape[:2]  # the picture: the whole extent (reach WHOLE)
        u, v, ok = self.read_vectors(pw, ph, inner)
        d = math.hypot(pw, ph) / 2
        cx, cy = (pw - 1) / 2, (ph - 1) / 2
        far = F32(-(pw + ph) - 16)  # well beyond the picture, whatever the kernel
        beyond = None if ok.all() else ~ok  # (beyond the perspective's horizon)

        def positions(scale: float) -> np.ndarray:
            at = np.empty((h, w, 2), np.float32)
            at[..., 0] = u * F32(d * scale) + F32(cx)
            at[..., 1] = v * F32(d * scale) + F32(cy)
            if beyond is not None:
                at[beyond] = far
            return at

        border = {"extend": "repeat"}.get(self.edge, "transparent")
        fill = {"black": (0, 0, 0), "white": (255, 255, 255)}.get(self.edge)
        fringes = self.fringes()
        base = positions(1.0)  # the picture's own map (alpha's, and unfringed channels')
        new = remap_rgba(src, base, border, fill=fill)
        for scale in set(fringes) - {1.0}:  # one more map per distinct fringe scale
            read = remap_rgba(src, positions(scale), border, fill=fill)
            for channel in (i for i, f in enumerate(fringes) if f == scale):
                new[..., channel] = read[..., channel]
        if self.vignette:  # (on the picture read, not on the Edge beyond it)
            inside = ok & (base[..., 0] >= -0.5) & (base[..., 0] <= pw - 0.5) \
                & (base[..., 1] >= -0.5) & (base[..., 1] <= ph - 0.5)
            r = np.sqrt(u * u + v * v)
            gain = F32(1) + F32(self.vignette / 100) * smoothstep(0.95 * self.midpoint / 100, r)
            gain = np.where(inside, gain, F32(1))
            lit = new[..., :3] * gain[..., None] + F32(0.5)
            new[..., :3] = np.clip(lit, 0, 255).astype(np.uint8)
        return _blend_premultiplied(old, new, coverage)


mf.FILTERS["lens_correction"] = LensCorrection  # the menu's one registry
