"""Filter Gallery > Sketch: Bas Relief, Chalk & Charcoal, Chrome, Conté Crayon, Note Paper,
Plaster, Reticulation, Stamp, Torn Edges and Water Paper (Charcoal, Graphic Pen, Halftone
Pattern and Photocopy are in `gallery_filters`), made as the gallery's other folders are:
frozen settings with Photoshop's names, ranges and defaults (`rows`, checked as the filter is
made: `gallery_filters.Ranged`), `process` on a crop with `reach()` pixels about it, the
selection's coverage mixing the result, alpha kept.

As in Photoshop, all but Chrome and Water Paper draw in the Foreground (ink) and Background
(paper) colours, which the window gives them (`foreground`, `background`: the gallery's
`with_colours`, Last Filter's `FilterGallery.again`); Chrome is grey and Water Paper keeps
the picture's colours. Photoshop publishes no formula for these: each is our own and says
whose idea it follows. Textures and grain are functions of the canvas position (`hash01`,
`stroke_screen`, `texture_height`), so a band, a crop or a selection sees the same.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from . import gallery_artistic, gallery_filters as gf  # (artistic: maybe half loaded)
from .canvas_hash import hash01, luma
from .gallery_filters import (FILL, INK, LIGHT_ROW, LIGHT_VECTORS, PAPER, TEXTURE_ROWS, Ranged,
                              _canvas_grid, _clumps, _done, _inked, _rgb, lit, stroke_screen)
from .pixel_filters import Operation, gaussian, gaussian_kernel_radius, motion_kernel

def _lum(src: np.ndarray) -> np.ndarray:
    """float32 luma 0..1 of the crop's colours (hidden ones filled: `_rgb`)."""
    return luma(_rgb(src).astype(np.float32)) * np.float32(1 / 255)


def _facing(height: np.ndarray, light: str) -> np.ndarray:
    """float32 slope of `height` towards `light` (per pixel, `lit`'s measure unscaled)."""
    gy, gx = np.gradient(height)
    lx, ly = LIGHT_VECTORS[light]
    return ((gx * lx + gy * ly) * np.float32(1 / math.hypot(lx, ly))).astype(np.float32)


def _paper_ink(t: np.ndarray, op) -> np.ndarray:
    return _inked(np.clip(t, 0, 1), op.foreground, op.background)


# -- Bas Relief ----------------------------------------------------------------------------

@dataclass(frozen=True)
class BasRelief(Ranged, Operation):
    """The picture carved in low relief and lit from Light: the luma, softened by a
    Gaussian of Smoothness, as a height map whose slope towards the light (`lit`'s measure,
    scaled up by Detail) lightens or darkens a flat mid-tone; the darks lean to the
    Foreground colour, the lights to the Background (an emboss, Photoshop's Emboss idea,
    in the two colours)."""

    label: ClassVar[str] = "Bas Relief"
    rows: ClassVar[tuple] = (("detail", "Detail", 1, 15, 0, ""),
                             ("smoothness", "Smoothness", 1, 15, 0, ""), LIGHT_ROW)
    detail: int = 13        # Detail 1..15
    smoothness: int = 3     # Smoothness 1..15
    light: str = "bottom"   # LIGHTS
    foreground: tuple = INK
    background: tuple = PAPER

    def _sigma(self) -> float:
        return 0.5 + 0.4 * self.smoothness

    def reach(self) -> int:
        return gaussian_kernel_radius(self._sigma()) + 2 + FILL

    def process(self, src, inner, where, coverage):
        h = gaussian(_lum(src), self._sigma())
        slope = _facing(h, self.light) * np.float32(4 + 1.2 * self.detail)
        # The lit relief on a mid-tone; a quarter of the tone itself shows through.
        paper = np.float32(0.5) + slope + (h - np.float32(0.5)) * np.float32(0.25)
        return _done(src, inner, _paper_ink(1 - paper, self), coverage)


# -- Chalk & Charcoal ----------------------------------------------------------------------

@dataclass(frozen=True)
class ChalkCharcoal(Ranged, Operation):
    """Chalk and charcoal on mid-grey paper (half way between the two colours): the
    shadows drawn in 45° charcoal strokes of the Foreground colour, the highlights and
    midtones in coarse -45° chalk strokes of the Background colour (Graphic Pen's stroke
    screen, `stroke_screen`, after Salisbury et al.), each over more of the picture for a
    larger Charcoal or Chalk Area; Stroke Pressure makes the strokes harder-edged."""

    label: ClassVar[str] = "Chalk & Charcoal"
    rows: ClassVar[tuple] = (("charcoal", "Charcoal Area", 0, 20, 0, ""),
                             ("chalk", "Chalk Area", 0, 20, 0, ""),
                             ("pressure", "Stroke Pressure", 0, 5, 0, ""))
    charcoal: int = 6   # Charcoal Area 0..20
    chalk: int = 6      # Chalk Area 0..20
    pressure: int = 1   # Stroke Pressure 0..5
    foreground: tuple = INK
    background: tuple = PAPER

    LENGTH: ClassVar[float] = 10.0

    def reach(self) -> int:
        return int(math.ceil(self.LENGTH / 2)) + 2 + FILL

    def process(self, src, inner, where, coverage):
        ys, xs = _canvas_grid(src.shape, inner, where)
        lum = gaussian(_lum(src), 1.0)
        gain = np.float32(3 + 3 * self.pressure)
        coal = np.clip(1 - lum - np.float32(0.6 - 0.03 * self.charcoal), 0, 1) * np.float32(2.5)
        chalk = np.clip(lum - np.float32(0.6 - 0.03 * self.chalk), 0, 1) * np.float32(2.5)
        up = stroke_screen(281, ys, xs, 45.0, self.LENGTH)
        down = stroke_screen(283, ys, xs, -45.0, self.LENGTH)
        ink = np.clip((coal - up) * gain + np.float32(0.5), 0, 1) * (coal > 0)
        white = np.clip((chalk - down) * gain + np.float32(0.5), 0, 1) * (chalk > 0)
        # Paper at t = 0.5; charcoal pulls towards 1 (ink), chalk towards 0 (paper colour).
        t = np.float32(0.5) + np.float32(0.5) * ink - np.float32(0.5) * white * (1 - ink)
        return _done(src, inner, _paper_ink(t, self), coverage)


# -- Chrome --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Chrome(Ranged, Operation):
    """The picture as polished chrome, in grey (as Photoshop's): the luma, softened by a
    Gaussian of Smoothness (Detail keeping some of the fine detail back), read as a
    mirror's surface that reflects bands of light and dark: a cosine of the height and its
    slope (an environment map of stripes, the classic chrome of Blinn and Newell's
    reflection mapping)."""

    label: ClassVar[str] = "Chrome"
    rows: ClassVar[tuple] = (("detail", "Detail", 0, 10, 0, ""),
                             ("smoothness", "Smoothness", 0, 10, 0, ""))
    detail: int = 4       # Detail 0..10
    smoothness: int = 7   # Smoothness 0..10

    def _sigma(self) -> float:
        return 1.0 + 0.6 * self.smoothness

    def reach(self) -> int:
        return gaussian_kernel_radius(self._sigma()) + 2 + FILL

    def process(self, src, inner, where, coverage):
        lum = _lum(src)
        h = gaussian(lum, self._sigma())
        h = h + (lum - h) * np.float32(self.detail / 25)
        gy, gx = np.gradient(h)
        slope = (gx - gy) * np.float32(12 + 2 * self.detail)
        v = np.float32(0.5) - np.float32(0.5) * np.cos(
            np.float32(2.5 * math.pi) * h + slope * np.float32(math.pi))
        out = np.repeat((v * np.float32(255))[..., None], 3, axis=2)
        return _done(src, inner, out, coverage)


# -- Conté Crayon --------------------------------------------------------------------------

@dataclass(frozen=True)
class ConteCrayon(Ranged, Operation):
    """Conté crayon on textured paper of the two colours' mid-tone: the darks in the
    Foreground colour, more of them for a higher Foreground Level, the lights in the
    Background colour by Background Level, the crayon catching the raised grain of the
    texture, then the surface lit (Texturizer's textures, Scaling, Relief, Light and
    Invert: `texture_height`, `lit`)."""

    label: ClassVar[str] = "Conté Crayon"
    rows: ClassVar[tuple] = (("fg_level", "Foreground Level", 1, 15, 0, ""),
                             ("bg_level", "Background Level", 1, 15, 0, "")) + TEXTURE_ROWS
    fg_level: int = 11        # Foreground Level 1..15
    bg_level: int = 7         # Background Level 1..15
    texture: str = "canvas"   # TEXTURES
    scaling: int = 100        # Scaling 50..200 %
    relief: int = 4           # Relief 0..50
    light: str = "top"        # LIGHTS
    invert: bool = False
    foreground: tuple = INK
    background: tuple = PAPER

    def reach(self) -> int:
        return 2 + FILL

    def process(self, src, inner, where, coverage):
        ys, xs = _canvas_grid(src.shape, inner, where)
        lum = gaussian(_lum(src), 0.8)
        grain = gf.texture_height(self.texture, ys + 0 * xs, xs + 0 * ys, self.scaling)
        if self.invert:
            grain = 1 - grain
        # The crayon's cover: the darker (lighter) the picture, the more; the raised grain
        # takes it first.
        dark = np.clip((1 - lum) * np.float32(self.fg_level / 8) - (1 - grain) * np.float32(0.4),
                       0, 1)
        light = np.clip(lum * np.float32(self.bg_level / 8) - (1 - grain) * np.float32(0.4),
                        0, 1)
        t = np.float32(0.5) + np.float32(0.5) * (dark - light)
        out = _paper_ink(t, self)
        out = gallery_artistic._textured(out, src.shape, inner, where, self.texture, self.scaling, self.relief,
                        self.light, self.invert)
        return _done(src, inner, out, coverage)


# -- Note Paper ----------------------------------------------------------------------------

@dataclass(frozen=True)
class NotePaper(Ranged, Operation):
    """Handmade paper in two layers: where the picture is darker than Image Balance the
    top sheet (a light tint of the Foreground colour) is cut away, showing the Background
    colour under it; the cut's edges embossed by Relief (lit from the top left: Emboss's
    idea) and the sheets grained by Graininess (Photoshop's help: Emboss and Grain
    combined)."""

    label: ClassVar[str] = "Note Paper"
    rows: ClassVar[tuple] = (("balance", "Image Balance", 0, 50, 0, ""),
                             ("graininess", "Graininess", 0, 20, 0, ""),
                             ("relief", "Relief", 0, 25, 0, ""))
    balance: int = 25      # Image Balance 0..50
    graininess: int = 10   # Graininess 0..20
    relief: int = 11       # Relief 0..25
    foreground: tuple = INK
    background: tuple = PAPER

    BEVEL: ClassVar[float] = 1.2  # the cut's rounded edge (a Gaussian, px)

    def reach(self) -> int:
        return gaussian_kernel_radius(1.5) + gaussian_kernel_radius(self.BEVEL) + 2 + FILL

    def process(self, src, inner, where, coverage):
        ys, xs = _canvas_grid(src.shape, inner, where)
        lum = gaussian(_lum(src), 1.5)
        hole = np.clip((np.float32(self.balance / 50) - lum) * np.float32(12) + np.float32(0.5),
                       0, 1)
        top = 1 - hole  # the top sheet's height
        # The top sheet a pale tint of the ink; the hole the paper colour under it.
        t = top * np.float32(0.3)
        grain = (hash01(293, ys, xs) - np.float32(0.5)) * np.float32(0.02 * self.graininess)
        out = _paper_ink(t + grain, self)
        if self.relief:
            bevel = gaussian(np.ascontiguousarray(top, np.float32), self.BEVEL)
            out = out * lit(bevel, "top_left", 3.0 * self.relief)[..., None]
        return _done(src, inner, out, coverage)


# -- Plaster -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Plaster(Ranged, Operation):
    """The picture moulded in plaster: the dark areas raised (those below Image Balance),
    the light ones sunken, the mould's edges rounded by Smoothness (a Gaussian) and lit
    from Light (`lit`, strongly: wet plaster's sheen); raised in the Foreground colour,
    sunken in the Background (Photoshop's help)."""

    label: ClassVar[str] = "Plaster"
    rows: ClassVar[tuple] = (("balance", "Image Balance", 0, 50, 0, ""),
                             ("smoothness", "Smoothness", 1, 15, 0, ""), LIGHT_ROW)
    balance: int = 20       # Image Balance 0..50
    smoothness: int = 2     # Smoothness 1..15
    light: str = "top"      # LIGHTS
    foreground: tuple = INK
    background: tuple = PAPER

    def _sigma(self) -> float:
        return 1.0 + 0.6 * self.smoothness

    def reach(self) -> int:
        return gaussian_kernel_radius(1.0) + gaussian_kernel_radius(self._sigma()) + 2 + FILL

    def process(self, src, inner, where, coverage):
        lum = gaussian(_lum(src), 1.0)
        raised = np.clip((np.float32(self.balance / 50) - lum) * np.float32(10)
                         + np.float32(0.5), 0, 1)
        height = gaussian(raised, self._sigma())
        shade = _facing(height, self.light) * np.float32(4 + self._sigma())
        # Raised: ink, its slopes to the light shining with the paper colour, away dark.
        t = np.clip(height * np.float32(0.85) - shade, 0, 1)
        return _done(src, inner, _paper_ink(t, self), coverage)


# -- Reticulation --------------------------------------------------------------------------

@dataclass(frozen=True)
class Reticulation(Ranged, Operation):
    """Film's emulsion shrunk into clumps: the tone plus clumped noise (`_clumps`, grains
    of about a pixel), clipped, so the shadows clump in the Foreground colour and the
    highlights are lightly grained in the Background; Density widens the grain, Foreground
    Level darkens the shadows, Background Level clears the highlights."""

    label: ClassVar[str] = "Reticulation"
    rows: ClassVar[tuple] = (("density", "Density", 0, 50, 0, ""),
                             ("fg_level", "Foreground Level", 0, 50, 0, ""),
                             ("bg_level", "Background Level", 0, 50, 0, ""))
    density: int = 12     # Density 0..50
    fg_level: int = 40    # Foreground Level 0..50
    bg_level: int = 5     # Background Level 0..50
    foreground: tuple = INK
    background: tuple = PAPER

    SIGMA: ClassVar[float] = 1.0

    def reach(self) -> int:
        return gaussian_kernel_radius(self.SIGMA) + 1 + FILL

    def process(self, src, inner, where, coverage):
        ys, xs = _canvas_grid(src.shape, inner, where)
        tone = 1 - _lum(src)  # how dark
        # Foreground Level deepens the darks, Background Level clears the lights.
        tone = tone * np.float32(0.7 + 0.6 * self.fg_level / 50) \
            - (1 - tone) * np.float32(0.4 * self.bg_level / 50)
        screen = _clumps(307, ys, xs, self.SIGMA) - np.float32(0.5)
        # Grain everywhere, clumping where the tone is near half (the shadows' edge).
        spread = np.float32(0.3 + 1.2 * self.density / 50)
        t = np.clip(tone + screen * spread, 0, 1)
        return _done(src, inner, _paper_ink(t, self), coverage)


# -- Stamp ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Stamp(Ranged, Operation):
    """A rubber stamp's print: the luma, softened by a Gaussian of Smoothness, cut at Light/
    Dark Balance (the more, the more ink) into the Foreground colour (ink) and the
    Background (paper), with an antialiased edge."""

    label: ClassVar[str] = "Stamp"
    rows: ClassVar[tuple] = (("balance", "Light/Dark Balance", 0, 50, 0, ""),
                             ("smoothness", "Smoothness", 1, 50, 0, ""))
    balance: int = 25     # Light/Dark Balance 0..50
    smoothness: int = 5   # Smoothness 1..50

    foreground: tuple = INK
    background: tuple = PAPER

    def _sigma(self) -> float:
        return 0.15 * self.smoothness  # (at most 7.5: an exact Gaussian, the same in bands)

    def reach(self) -> int:
        return gaussian_kernel_radius(self._sigma()) + 1 + FILL

    def process(self, src, inner, where, coverage):
        lum = gaussian(_lum(src), self._sigma())
        t = np.clip((np.float32(self.balance / 50) - lum) * np.float32(40) + np.float32(0.5),
                    0, 1)
        return _done(src, inner, _paper_ink(t, self), coverage)


# -- Torn Edges ----------------------------------------------------------------------------

@dataclass(frozen=True)
class TornEdges(Ranged, Operation):
    """Ragged, torn pieces of paper in the two colours: the luma cut at Image Balance
    (darker: Foreground), the luma softened and its edge torn by clumped noise
    (`_clumps`) less for a higher Smoothness, the cut sharper for a higher Contrast."""

    label: ClassVar[str] = "Torn Edges"
    rows: ClassVar[tuple] = (("balance", "Image Balance", 0, 50, 0, ""),
                             ("smoothness", "Smoothness", 1, 15, 0, ""),
                             ("contrast", "Contrast", 1, 25, 0, ""))
    balance: int = 25      # Image Balance 0..50
    smoothness: int = 11   # Smoothness 1..15
    contrast: int = 17     # Contrast 1..25
    foreground: tuple = INK
    background: tuple = PAPER

    def _sigma(self) -> float:
        return 0.5 + 0.3 * self.smoothness

    def reach(self) -> int:
        return gaussian_kernel_radius(self._sigma()) + gaussian_kernel_radius(1.0) + 1 + FILL

    def process(self, src, inner, where, coverage):
        ys, xs = _canvas_grid(src.shape, inner, where)
        lum = gaussian(_lum(src), self._sigma())
        rag = (_clumps(311, ys, xs, 1.0) - np.float32(0.5)) \
            * np.float32(0.3 * (16 - self.smoothness) / 15)
        t = np.clip((np.float32(self.balance / 50) - lum + rag)
                    * np.float32(2 + 2 * self.contrast) + np.float32(0.5), 0, 1)
        return _done(src, inner, _paper_ink(t, self), coverage)


# -- Water Paper ---------------------------------------------------------------------------

@dataclass(frozen=True)
class WaterPaper(Ranged, Operation):
    """Blotchy daubs on fibrous, damp paper (in the picture's colours, as Photoshop's):
    the colours soaked along the paper's fibres (line blurs of Fiber Length, horizontal
    and vertical, mixed by a noise of fibre patches) and spread a little (a Gaussian),
    then Brightness and Contrast (50 each: as they were)."""

    label: ClassVar[str] = "Water Paper"
    rows: ClassVar[tuple] = (("length", "Fiber Length", 3, 50, 0, ""),
                             ("brightness", "Brightness", 0, 100, 0, ""),
                             ("contrast", "Contrast", 0, 100, 0, ""))
    length: int = 15        # Fiber Length 3..50
    brightness: int = 60    # Brightness 0..100
    contrast: int = 80      # Contrast 0..100

    def reach(self) -> int:
        return int(math.ceil(self.length / 2)) + 2 + gaussian_kernel_radius(1.5) + FILL

    def process(self, src, inner, where, coverage):
        import cv2

        ys, xs = _canvas_grid(src.shape, inner, where)
        rgb = _rgb(src).astype(np.float32)
        across = cv2.filter2D(rgb, -1, motion_kernel(0.0, float(self.length)),
                              borderType=cv2.BORDER_REPLICATE)
        down = cv2.filter2D(rgb, -1, motion_kernel(90.0, float(self.length)),
                            borderType=cv2.BORDER_REPLICATE)
        # Fibre patches of 3 px: each lies one way or the other.
        way = hash01(317, ys // 3, xs // 3)[..., None]
        soaked = gaussian(across + (down - across) * way, 0.8)
        fibre = stroke_screen(331, ys, xs, 0.0, float(self.length)) \
            + stroke_screen(337, ys, xs, 90.0, float(self.length)) - np.float32(1)
        soaked = soaked + (fibre * np.float32(18))[..., None]
        k = np.float32(2 ** ((self.contrast - 50) / 50))
        out = (soaked - np.float32(128)) * k + np.float32(128 + 1.5 * (self.brightness - 50))
        return _done(src, inner, out, coverage)


EFFECTS: dict[str, type] = {"bas_relief": BasRelief, "chalk_charcoal": ChalkCharcoal,
                            "chrome": Chrome, "conte_crayon": ConteCrayon,
                            "note_paper": NotePaper, "plaster": Plaster,
                            "reticulation": Reticulation, "stamp": Stamp,
                            "torn_edges": TornEdges, "water_paper": WaterPaper}
gf.register(EFFECTS)
