"""Filter Gallery > Brush Strokes: Accented Edges, Crosshatch, Dark Strokes, Spatter, Sprayed
Strokes and Sumi-e (Angled Strokes and Ink Outlines are in `gallery_filters`), made as the
gallery's other folders are: frozen settings with Photoshop's names, ranges and defaults
(`rows`, checked as the filter is made: `gallery_filters.Ranged`), `process` on a crop with
`reach()` pixels about it, the selection's coverage mixing the result, alpha kept.

Photoshop publishes no formula for these: each is our own and says whose idea it follows.
Noise, strokes and spray are functions of the canvas position (`hash01`, `stroke_screen`),
so a band, a crop or a selection sees the same, and the same settings give the same pixels.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from . import gallery_artistic as ga, gallery_filters as gf  # (ga: maybe half loaded)
from .canvas_hash import luma
from .gallery_filters import (FILL, PEN_ANGLES, PEN_DIRECTIONS, Ranged, _canvas_grid, _clumps,
                              _disc, _done, _median, _rgb, stroke_screen)
from .pixel_filters import Operation, gaussian, gaussian_kernel_radius

DIRECTION_ROW = ("combo", "direction", "Stroke Direction", PEN_DIRECTIONS,
                 ("Right Diag.", "Horizontal", "Left Diag.", "Vertical"))


def _half(length: float) -> int:
    """A line blur's reach (`motion_kernel` of `length`)."""
    return int(math.ceil(max(1.0, length) / 2)) + 2


def sprayed(rgb: np.ndarray, inner, where, src_shape, radius: float, sigma: float,
            seed: int) -> np.ndarray:
    """float32 colours of the crop `rgb`, each read from a random place up to `radius` px
    away: an airbrush's spray (the idea of Photoshop's Diffuse and of jittered sampling).
    The offsets are two noises at canvas pixels softened by a Gaussian of `sigma` and
    rescaled to keep their spread (`_clumps`: a smoother spray, not a weaker one), rounded
    to whole pixels. Reach: ceil(radius) + the Gaussian's."""
    import cv2

    if radius <= 0:
        return rgb.astype(np.float32)
    ys, xs = _canvas_grid(src_shape, inner, where)
    offsets = []
    for s in (seed, seed + 1):
        n = _clumps(s, ys, xs, sigma) - np.float32(0.5)
        # (uniform noise's spread is ±0.5; clipped to the reach)
        offsets.append(np.clip(np.rint(n * np.float32(2 * radius)), -math.ceil(radius),
                               math.ceil(radius)))
    h, w = rgb.shape[:2]
    gy, gx = np.mgrid[0:h, 0:w].astype(np.float32)
    return cv2.remap(np.ascontiguousarray(rgb, np.float32), gx + offsets[0].astype(np.float32),
                     gy + offsets[1].astype(np.float32), cv2.INTER_NEAREST,
                     borderMode=cv2.BORDER_REFLECT)


def _spray_sigma(smoothness: int) -> float:
    return 0.35 * (smoothness - 1)


# -- Accented Edges ------------------------------------------------------------------------

@dataclass(frozen=True)
class AccentedEdges(Ranged, Operation):
    """The picture with its edges accented: a median of Smoothness, and each edge (the
    luma's Sobel gradient, widened by Edge Width: a grey dilation) drawn in a grey of Edge
    Brightness over it (high: white chalk; low: black ink), as Photoshop's help describes
    (Glowing Edges' gradient, on the picture)."""

    label: ClassVar[str] = "Accented Edges"
    rows: ClassVar[tuple] = (("width", "Edge Width", 1, 14, 0, ""),
                             ("brightness", "Edge Brightness", 0, 50, 0, ""),
                             ("smoothness", "Smoothness", 1, 15, 0, ""))
    width: int = 2         # Edge Width 1..14
    brightness: int = 38   # Edge Brightness 0..50
    smoothness: int = 5    # Smoothness 1..15

    def reach(self) -> int:
        return self.smoothness // 2 + 2 + self.width // 2 + 1 + FILL

    def process(self, src, inner, where, coverage):
        import cv2

        rgb = _median(_rgb(src), self.smoothness // 2).astype(np.float32)
        edge = np.clip((ga._sobel(luma(rgb) * np.float32(1 / 255)) - np.float32(0.06))
                       * np.float32(3), 0, 1)
        if self.width // 2:
            edge = cv2.dilate(edge, _disc(self.width // 2), borderType=cv2.BORDER_REPLICATE)
        grey = np.float32(255 * self.brightness / 50)
        out = rgb + (grey - rgb) * edge[..., None]
        return _done(src, inner, out, coverage)


# -- Crosshatch ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Crosshatch(Ranged, Operation):
    """The picture's colours with pencil hatching over them: Strength passes of a stroke
    screen (`stroke_screen`, Stroke Length long) at +45° and -45° in turn, each darkening
    and lightening the colours along its lines (Salisbury et al.'s stroke textures, in
    colour), then an unsharp mask of Sharpness."""

    label: ClassVar[str] = "Crosshatch"
    rows: ClassVar[tuple] = (("length", "Stroke Length", 3, 50, 0, ""),
                             ("sharpness", "Sharpness", 0, 20, 0, ""),
                             ("strength", "Strength", 1, 3, 0, ""))
    length: int = 9       # Stroke Length 3..50
    sharpness: int = 6    # Sharpness 0..20
    strength: int = 1     # Strength 1..3

    def reach(self) -> int:
        return _half(self.length) + 4 + FILL

    def process(self, src, inner, where, coverage):
        ys, xs = _canvas_grid(src.shape, inner, where)
        rgb = _rgb(src).astype(np.float32)
        hatch = np.zeros(rgb.shape[:2], np.float32)
        for i in range(self.strength):
            angle = 45.0 if i % 2 == 0 else -45.0
            hatch += stroke_screen(263 + i, ys, xs, angle, float(self.length)) - np.float32(0.5)
        out = rgb + (hatch * np.float32(70))[..., None]
        if self.sharpness:
            out = out + np.float32(0.15 * self.sharpness) * (out - gaussian(out, 1.0))
        return _done(src, inner, out, coverage)


# -- Dark Strokes --------------------------------------------------------------------------

@dataclass(frozen=True)
class DarkStrokes(Ranged, Operation):
    """Dark areas painted with short, tight dark strokes and light areas with long white
    strokes (Photoshop's help): a line blur of 6 px at -45° where the luma is below a
    threshold Balance moves and one of 20 px at +45° above it (Angled Strokes' idea), the
    darks then pulled to black by Black Intensity and the lights to white by White
    Intensity."""

    label: ClassVar[str] = "Dark Strokes"
    rows: ClassVar[tuple] = (("balance", "Balance", 0, 10, 0, ""),
                             ("black", "Black Intensity", 0, 10, 0, ""),
                             ("white", "White Intensity", 0, 10, 0, ""))
    balance: int = 5   # Balance 0..10
    black: int = 6     # Black Intensity 0..10
    white: int = 2     # White Intensity 0..10

    SHORT: ClassVar[float] = 6.0
    LONG: ClassVar[float] = 20.0

    def reach(self) -> int:
        return _half(self.LONG) + FILL

    def process(self, src, inner, where, coverage):
        rgb = _rgb(src).astype(np.float32)
        dark = ga._streaked(rgb, -45.0, self.SHORT)
        light = ga._streaked(rgb, 45.0, self.LONG)
        # Balance 0: everything is a light stroke; 10: everything a dark one.
        t = np.clip((luma(rgb) * np.float32(1 / 255) - np.float32(self.balance / 10))
                    * np.float32(8) + np.float32(0.5), 0, 1)[..., None]
        dark = dark * np.float32(1 - 0.09 * self.black)
        light = light + (np.float32(255) - light) * np.float32(0.08 * self.white)
        return _done(src, inner, dark + (light - dark) * t, coverage)


# -- Spatter, Sprayed Strokes --------------------------------------------------------------

@dataclass(frozen=True)
class Spatter(Ranged, Operation):
    """An airbrush's spatter: each pixel read from a random place up to Spray Radius px
    away (`sprayed`), the spray smoother for a higher Smoothness. Radius 0 leaves the
    picture as it is."""

    label: ClassVar[str] = "Spatter"
    rows: ClassVar[tuple] = (("radius", "Spray Radius", 0, 25, 0, ""),
                             ("smoothness", "Smoothness", 1, 15, 0, ""))
    radius: int = 10      # Spray Radius 0..25
    smoothness: int = 5   # Smoothness 1..15

    def reach(self) -> int:
        return self.radius + gaussian_kernel_radius(_spray_sigma(self.smoothness)) + 1 + FILL

    def is_identity(self) -> bool:
        return self.radius == 0

    def process(self, src, inner, where, coverage):
        out = sprayed(_rgb(src), inner, where, src.shape, self.radius,
                      _spray_sigma(self.smoothness), 269)
        return _done(src, inner, out, coverage)


@dataclass(frozen=True)
class SprayedStrokes(Ranged, Operation):
    """The picture repainted in angled, sprayed strokes of its colours: Spatter's spray
    (`sprayed`, Spray Radius, a little smoothed) drawn out along Stroke Direction into
    strokes of Stroke Length (a line blur). Both 0 leave it as it is."""

    label: ClassVar[str] = "Sprayed Strokes"
    rows: ClassVar[tuple] = (("length", "Stroke Length", 0, 20, 0, ""),
                             ("radius", "Spray Radius", 0, 25, 0, ""),
                             DIRECTION_ROW)
    length: int = 12                    # Stroke Length 0..20
    radius: int = 7                     # Spray Radius 0..25
    direction: str = "right_diagonal"   # PEN_DIRECTIONS

    SIGMA: ClassVar[float] = 0.7

    def reach(self) -> int:
        return _half(self.length) + self.radius + gaussian_kernel_radius(self.SIGMA) + 4 + FILL

    def is_identity(self) -> bool:
        return self.length == 0 and self.radius == 0

    def process(self, src, inner, where, coverage):
        out = sprayed(_rgb(src), inner, where, src.shape, self.radius, self.SIGMA, 271)
        if self.length:
            out = ga._streaked(out, PEN_ANGLES[self.direction], float(self.length))
            # (the strokes' edges kept crisp: an unsharp mask of radius 1)
            out = out + np.float32(1.2) * (out - gaussian(out, 1.0))
        return _done(src, inner, out, coverage)


# -- Sumi-e --------------------------------------------------------------------------------

@dataclass(frozen=True)
class SumiE(Ranged, Operation):
    """Japanese ink on rice paper: the darks soaked in black ink that bleeds into the paper
    (a grey erosion by a disc of Stroke Width / 3, softened by a Gaussian and a 45° line
    blur of Stroke Width: the brush and the bleed), more of it for a higher Stroke
    Pressure, the picture's contrast raised by Contrast (an S-curve about mid-grey)."""

    label: ClassVar[str] = "Sumi-e"
    rows: ClassVar[tuple] = (("width", "Stroke Width", 3, 15, 0, ""),
                             ("pressure", "Stroke Pressure", 0, 15, 0, ""),
                             ("contrast", "Contrast", 0, 40, 0, ""))
    width: int = 10      # Stroke Width 3..15
    pressure: int = 2    # Stroke Pressure 0..15
    contrast: int = 16   # Contrast 0..40

    def reach(self) -> int:
        return self.width // 3 + 1 + gaussian_kernel_radius(1.5) + _half(self.width) + FILL

    def process(self, src, inner, where, coverage):
        import cv2

        rgb = _rgb(src).astype(np.float32)
        lum = luma(rgb) * np.float32(1 / 255)
        # The ink: how dark, pressure pushing it into the midtones.
        ink = np.clip((np.float32(0.55 + 0.025 * self.pressure) - lum) * np.float32(2.2), 0, 1)
        spread = cv2.dilate(ink, _disc(self.width // 3), borderType=cv2.BORDER_REPLICATE)
        spread = ga._streaked(gaussian(spread, 1.5), 45.0, float(self.width))
        ink = np.maximum(ink, spread * np.float32(0.85))
        k = np.float32(1 + self.contrast / 20)
        paint = np.float32(128) + (rgb - np.float32(128)) * k
        out = paint * (1 - ink)[..., None] + np.float32(12) * ink[..., None]
        return _done(src, inner, out, coverage)


EFFECTS: dict[str, type] = {"accented_edges": AccentedEdges, "crosshatch": Crosshatch,
                            "dark_strokes": DarkStrokes, "spatter": Spatter,
                            "sprayed_strokes": SprayedStrokes, "sumi_e": SumiE}
gf.register(EFFECTS)
