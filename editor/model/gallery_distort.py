"""Filter Gallery > Distort: Diffuse Glow, Glass and Ocean Ripple, as `gallery_filters`' other
folders are (frozen settings with Photoshop's names, ranges and defaults; `process` on a crop
with `reach()` pixels about it; the selection's coverage mixes the result; alpha stays).

Photoshop publishes no formula for these: each is our own and says whose idea it follows.
Glass and Ocean Ripple move pixels along the slope of a height map (a surface refracting the
picture under it: the idea of Displace with a map made of a texture), so their textures and
ripples are functions of the canvas position (`hash01`, `value_noise`): a band, a crop or
a selection sees the same surface, and the same settings give the same pixels. Each class
holds its dialog rows (`rows`: Photoshop's names and ranges), which check its settings
(`gallery_filters.Ranged`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from engine.box import Box

from .canvas_hash import hash01, luma
from . import gallery_filters as gf
from .gallery_filters import FILL, Ranged, _canvas_grid, _done, _origin, _rgb, texture_height
from .pixel_filters import Operation, gaussian, gaussian_kernel_radius
from .canvas_hash import value_noise

PAPER = (255, 255, 255)


def refracted(rgb: np.ndarray, inner: Box, height: np.ndarray, shift: float,
              length: float) -> np.ndarray:
    """float32 colours of the `inner` part of the crop `rgb`, each read from where the
    surface `height` (the crop's, float32) bends the ray: along the height's slope, as far
    as `shift * tanh(slope * length)` pixels (`length`: the surface's feature size, so a
    slope of one feature's rise gives most of the shift; the tanh bounds it by `shift`, the
    reach). Bilinear, the crop's edges reflected."""
    import cv2

    gy, gx = np.gradient(height)
    sl = inner.slices()
    k = np.float32(length)
    # (in 1/32 px, remap's own step, so that xs + dx is exact wherever the crop lies: a
    # band's map rounds as the whole's)
    dx = np.rint(np.tanh(gx[sl] * k) * np.float32(32 * shift)) * np.float32(1 / 32)
    dy = np.rint(np.tanh(gy[sl] * k) * np.float32(32 * shift)) * np.float32(1 / 32)
    ys, xs = np.mgrid[inner.y:inner.y + inner.h, inner.x:inner.x + inner.w].astype(np.float32)
    return cv2.remap(np.ascontiguousarray(rgb, np.float32), xs + dx, ys + dy, cv2.INTER_LINEAR,
                     borderMode=cv2.BORDER_REFLECT)


def _crop_box(src: np.ndarray, inner: Box, where: Box) -> Box:
    """The crop's box on the canvas."""
    x0, y0 = _origin(inner, where)
    return Box(x0, y0, src.shape[1], src.shape[0])


# -- Diffuse Glow -------------------------------------------------------------------------

@dataclass(frozen=True)
class DiffuseGlow(Ranged, Operation):
    """The picture seen through a soft diffusion filter: its highlights glow in the
    Background colour (as Photoshop's help says), with grain. The glow is how far a pixel's
    luma (softened by a Gaussian: the light spreads) rises above a threshold that Clear
    Amount raises, times Glow Amount; Graininess scatters specks of the Background colour,
    more of them where the glow is (a diffusion filter's halation idea, with Film Grain's
    canvas-position grain)."""

    label: ClassVar[str] = "Diffuse Glow"
    rows: ClassVar[tuple] = (("graininess", "Graininess", 0, 10, 0, ""),
                             ("glow", "Glow Amount", 0, 20, 0, ""),
                             ("clear", "Clear Amount", 0, 20, 0, ""))
    graininess: int = 6   # Graininess 0..10
    glow: int = 10        # Glow Amount 0..20
    clear: int = 15       # Clear Amount 0..20
    background: tuple = PAPER

    SPREAD: ClassVar[float] = 3.0  # the glow's Gaussian (px)

    def reach(self) -> int:
        return gaussian_kernel_radius(self.SPREAD) + 1 + FILL

    def is_identity(self) -> bool:
        return self.graininess == 0 and self.glow == 0

    def process(self, src, inner, where, coverage):
        rgb = _rgb(src).astype(np.float32)
        lum = gaussian(luma(rgb), self.SPREAD) * np.float32(1 / 255)
        # Clear Amount 0: the glow starts in the shadows; 20: only the brightest glow.
        start = np.float32(0.05 + 0.03 * self.clear)
        t = np.clip((lum - start) / max(np.float32(1e-3), 1 - start), 0, 1)
        glow = np.minimum(t ** np.float32(0.75) * np.float32(self.glow / 12), 1)
        ys, xs = _canvas_grid(src.shape, inner, where)
        # Grain: specks of the background colour, denser in the glow (up to a third of the
        # pixels at Graininess 10 in a full glow).
        speck = hash01(211, ys, xs) < np.float32(self.graininess / 10) * (
            np.float32(0.015) + np.float32(0.3) * t)
        amount = np.maximum(glow, speck * np.float32(0.35 + 0.05 * self.graininess))
        bg = np.float32(self.background)
        out = rgb + (bg - rgb) * amount[..., None]
        return _done(src, inner, out, coverage)


# -- Glass ------------------------------------------------------------------------------

GLASS_TEXTURES = ("blocks", "canvas", "frosted", "tiny_lens")
# Each texture's feature size at 100 % (px): how far a slope is measured (`refracted`).
GLASS_SIZES = {"blocks": 24.0, "canvas": 4.0, "frosted": 3.0, "tiny_lens": 10.0}
# How many feature sizes a slope is measured over (`refracted`'s length): less for the
# lenses, whose edges are steep (more would shift each lens's halves whole, a mosaic).
GLASS_GAIN = {"blocks": 1.0, "canvas": 1.0, "frosted": 1.0, "tiny_lens": 0.3}


def glass_height(kind: str, ys: np.ndarray, xs: np.ndarray, scaling: float) -> np.ndarray:
    """float32 heights 0..1 of a Glass texture at canvas pixels (ys, xs), Scaling in %:
    Blocks 24 px glass bricks (flat faces, rounded edges), Canvas Texturizer's weave
    (`texture_height`), Frosted a grain of one value per pixel (the Smoothness blur makes
    it frost), Tiny Lens a grid of 10 px spherical lenses (all our own)."""
    if kind == "canvas":
        return texture_height("canvas", ys, xs, scaling)
    s = np.float32(100.0 / max(1.0, scaling))
    u, v = xs.astype(np.float32) * s, ys.astype(np.float32) * s
    if kind == "frosted":
        return hash01(223, np.floor(v).astype(np.int64), np.floor(u).astype(np.int64))
    p = np.float32(GLASS_SIZES[kind])
    du, dv = np.mod(u, p) / p * 2 - 1, np.mod(v, p) / p * 2 - 1  # -1..1 across a cell
    if kind == "blocks":
        return ((1 - du ** 6) * (1 - dv ** 6)).astype(np.float32)
    return np.sqrt(np.clip(1 - du * du - dv * dv, 0, 1)).astype(np.float32)  # tiny_lens


@dataclass(frozen=True)
class Glass(Ranged, Operation):
    """The picture seen through glass: a texture's surface (`glass_height`, Scaling %,
    Invert turning it inside out), softened by a Gaussian of Smoothness, refracts the
    picture (`refracted`) by up to 0.6 x Distortion pixels."""

    label: ClassVar[str] = "Glass"
    rows: ClassVar[tuple] = (
        ("distortion", "Distortion", 0, 20, 0, ""),
        ("smoothness", "Smoothness", 1, 15, 0, ""),
        ("combo", "texture", "Texture", GLASS_TEXTURES,
         ("Blocks", "Canvas", "Frosted", "Tiny Lens")),
        ("scaling", "Scaling", 50, 200, 0, " %"),
        ("check", "invert", "Invert"))
    distortion: int = 5        # Distortion 0..20
    smoothness: int = 3        # Smoothness 1..15
    texture: str = "frosted"   # GLASS_TEXTURES
    scaling: int = 100         # Scaling 50..200 %
    invert: bool = False

    def _shift(self) -> float:
        return 0.6 * self.distortion

    def _sigma(self) -> float:
        return 0.5 * self.smoothness

    def reach(self) -> int:
        return int(math.ceil(self._shift())) + 2 + FILL + gaussian_kernel_radius(self._sigma())

    def is_identity(self) -> bool:
        return self.distortion == 0

    def process(self, src, inner, where, coverage):
        ys, xs = _canvas_grid(src.shape, inner, where)
        h = glass_height(self.texture, ys + 0 * xs, xs + 0 * ys, self.scaling)
        if self.invert:
            h = 1 - h
        h = gaussian(np.ascontiguousarray(h, np.float32), self._sigma())
        size = GLASS_SIZES[self.texture] * self.scaling / 100 * GLASS_GAIN[self.texture]
        # A frosted grain smoothed over sigma pixels has its slopes over that length.
        length = max(size, 2 * self._sigma()) if self.texture == "frosted" else size
        if self.texture == "frosted":  # (the blur flattens the grain: its slopes shrink)
            length *= 2 + self._sigma()
        out = refracted(_rgb(src), inner, h, self._shift(), length)
        return _done(src, inner, _whole(out, src, inner), coverage)


def _whole(inner_rgb: np.ndarray, src: np.ndarray, inner: Box) -> np.ndarray:
    """`_done` takes the whole crop's colours: `inner_rgb` put in its place."""
    out = np.zeros(src.shape[:2] + (3,), np.float32)
    out[inner.slices()] = inner_rgb
    return out


# -- Ocean Ripple ------------------------------------------------------------------------

@dataclass(frozen=True)
class OceanRipple(Ranged, Operation):
    """The picture under rippling water: a water surface of two octaves of value noise
    (`value_noise`: cells of 3 + 1.5 x Ripple Size pixels and a third of that) refracts
    it (`refracted`) by up to 0.45 x Ripple Magnitude pixels."""

    label: ClassVar[str] = "Ocean Ripple"
    rows: ClassVar[tuple] = (("size", "Ripple Size", 1, 15, 0, ""),
                             ("magnitude", "Ripple Magnitude", 0, 20, 0, ""))
    size: int = 9         # Ripple Size 1..15
    magnitude: int = 9    # Ripple Magnitude 0..20

    def _shift(self) -> float:
        return 0.45 * self.magnitude

    def _cell(self) -> float:
        return 3.0 + 1.5 * self.size

    def reach(self) -> int:
        return int(math.ceil(self._shift())) + 2 + FILL

    def is_identity(self) -> bool:
        return self.magnitude == 0

    def process(self, src, inner, where, coverage):
        box = _crop_box(src, inner, where)
        cell = self._cell()
        fine = max(2.0, cell / 3)
        # (integer cells for `value_noise`'s columns; its rows take the exact size)
        h = value_noise(227, box, max(2, round(cell)), cell) \
            + np.float32(0.35) * value_noise(229, box, max(2, round(fine)), fine)
        out = refracted(_rgb(src), inner, h.astype(np.float32), self._shift(), cell)
        return _done(src, inner, _whole(out, src, inner), coverage)


EFFECTS: dict[str, type] = {"diffuse_glow": DiffuseGlow, "glass": Glass,
                            "ocean_ripple": OceanRipple}
gf.register(EFFECTS)
