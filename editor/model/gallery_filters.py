"""Filter > Filter Gallery…: Photoshop's artistic filters in their folders, and the gallery
itself, a stack of effect layers applied as ONE filter.

Each filter is an `Operation` as those of `extra_filters.py` (frozen settings named and
ranged as Photoshop's dialog; `process` on a crop with `reach()` pixels around it, mixed with
the old pixels by the selection's coverage; alpha stays). Photoshop publishes none of these
formulas: each is our own, and its comment says whose idea it follows. numpy and OpenCV do
the work, never a loop over pixels; a texture or a screen is a function of the canvas
position (`hash01`, or a formula of x and y), so bands, crops and selections see the same.
The Sketch filters draw in the Foreground (ink) and Background (paper) colours, which the
window gives them (`foreground`, `background`) as it gives Pointillize its background.

`FilterGallery` holds the effect layers as plain settings (the kind and its fields' values,
bottom layer first, and which are hidden), so the actions' JSON, smart filters' XMP entry
and Last Filter keep it as any other filter; it runs the shown layers in order on the crop,
each on the box the layers after it still need (its reach is the sum of theirs), and the
selection's coverage mixes the end result only. `filter_ops` runs it: one undo step, Fade,
Ctrl+F.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from typing import ClassVar

import numpy as np

from engine.box import Box

from . import more_filters as mf
from .canvas_hash import hash01, luma
from .pixel_filters import (Operation, _premultiplied, gaussian, gaussian_kernel_radius, mix8,
                            motion_kernel)

INK, PAPER = (0, 0, 0), (255, 255, 255)


FILL_SIGMA = 4.0  # how far a visible colour spreads under transparent pixels (`_rgb`)
FILL = gaussian_kernel_radius(FILL_SIGMA)  # what that adds to a filter's reach


def _rgb(src: np.ndarray) -> np.ndarray:
    """uint8 (h, w, 3) colours of the crop to filter, a transparent pixel's colour (which
    nobody sees, and a blur or median would spread) replaced by the alpha-weighted mean of
    the visible colours about it (a normalised Gaussian of FILL_SIGMA; black beyond its
    reach): what a filter makes of the visible pixels never depends on the hidden ones.
    The filters that read a neighbourhood add FILL to their reach."""
    rgb = np.ascontiguousarray(src[..., :3])
    hidden = src[..., 3] == 0
    if not hidden.any():
        return rgb
    soft = gaussian(_premultiplied(src), FILL_SIGMA)
    weight = soft[..., 3:4]
    fill = np.where(weight > np.float32(1e-3),
                    soft[..., :3] * (np.float32(255) / np.maximum(weight, np.float32(1e-3))), 0)
    out = rgb.copy()
    out[hidden] = np.clip(fill[hidden] + np.float32(0.5), 0, 255).astype(np.uint8)
    return out


def _done(src: np.ndarray, inner: Box, rgb: np.ndarray, coverage) -> np.ndarray:
    """Float or uint8 colours `rgb` of the whole crop: its `inner` box rounded into a copy of
    the old pixels (alpha kept), mixed by coverage."""
    old = src[inner.slices()]
    new = rgb[inner.slices()]
    if new.dtype != np.uint8:
        new = np.clip(new + np.float32(0.5), 0, 255).astype(np.uint8)
    out = old.copy()
    out[..., :3] = mix8(old[..., :3], new, coverage)
    return out


def posterised(v: np.ndarray, levels: int) -> np.ndarray:
    """float32 `v` (0..255) rounded to `levels` evenly spaced values (Posterize's idea)."""
    n = max(2, int(levels)) - 1
    return np.rint(v * np.float32(n / 255)) * np.float32(255 / n)


def _inked(t: np.ndarray, ink, paper) -> np.ndarray:
    """float32 (h, w, 3): paper where t is 0, ink where 1, between them by t (the Sketch
    filters' two colours)."""
    ink, paper = np.float32(ink), np.float32(paper)
    return paper + t[..., None].astype(np.float32) * (ink - paper)


def _origin(inner: Box, where: Box) -> tuple[int, int]:
    """The canvas position of the crop's top-left pixel."""
    return where.x - inner.x, where.y - inner.y


def _canvas_grid(shape, inner: Box, where: Box):
    x0, y0 = _origin(inner, where)
    h, w = shape[:2]
    return np.arange(y0, y0 + h)[:, None], np.arange(x0, x0 + w)[None, :]


def _disc(radius: int) -> np.ndarray:
    import cv2

    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))


def _median(rgb: np.ndarray, radius: int) -> np.ndarray:
    import cv2

    return cv2.medianBlur(rgb, 2 * radius + 1) if radius > 0 else rgb


def stroke_screen(seed: int, ys: np.ndarray, xs: np.ndarray, angle: float,
                  length: float) -> np.ndarray:
    """float32 screen about 0.5 of noise (`hash01` at canvas pixels ys, xs) drawn out into
    lines `length` long at `angle` degrees: a tone above it is inked (Mezzotint's lines,
    after the stroke textures of Salisbury et al.'s pen-and-ink illustration). Its reach is
    `motion_kernel`'s, ceil(length / 2) + 1."""
    import cv2

    kernel = motion_kernel(angle, length)
    noise = hash01(seed, ys, xs) - np.float32(0.5)
    lines = cv2.filter2D(noise, -1, kernel, borderType=cv2.BORDER_REFLECT)
    # Back to uniform noise's spread (Mezzotint's normalisation): about half the screen
    # lies above mid-grey whatever the length.
    return np.float32(0.5) + lines * np.float32(1 / math.sqrt(float(np.sum(kernel ** 2))))


def _clumps(seed: int, ys, xs, sigma: float) -> np.ndarray:
    """float32 noise about 0.5 at canvas pixels, softened by a Gaussian of `sigma` and
    stretched back to uniform noise's spread (grains of about sigma px)."""
    import cv2

    n = hash01(seed, ys + 0 * xs, xs + 0 * ys) - np.float32(0.5)
    if sigma > 0:
        k = cv2.getGaussianKernel(2 * gaussian_kernel_radius(sigma) + 1, sigma)
        n = gaussian(np.ascontiguousarray(n), sigma) * np.float32(1 / float(np.sum(k * k)))
    return n + np.float32(0.5)


def brushed(rgb: np.ndarray, size: int) -> np.ndarray:
    """uint8 colours smoothed into blobs of `size` px: a median, then a morphological open
    and close by a disc (the "painterly" idea of Hertzmann's stroke-based rendering, as
    area operations). Its reach is 5 x size."""
    import cv2

    rgb = _median(rgb, size)
    if size:
        disc = _disc(size)
        rgb = cv2.morphologyEx(cv2.morphologyEx(rgb, cv2.MORPH_OPEN, disc,
                                                borderType=cv2.BORDER_REPLICATE),
                               cv2.MORPH_CLOSE, disc, borderType=cv2.BORDER_REPLICATE)
    return rgb


# -- Artistic -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Cutout(Operation):
    """Flat paper shapes of a few levels. The idea of posterising an edge-preserving smooth
    (Winnemöller, Olsen and Gooch's "Real-time video abstraction", 2006): a median of Edge
    Simplicity's radius, a Gaussian wider for lower Edge Fidelity, each channel posterised
    to Number of Levels, then a median on the levels that wipes specks (none at Fidelity
    3)."""

    label: ClassVar[str] = "Cutout"
    levels: int = 4        # Number of Levels 2..8
    simplicity: int = 4    # Edge Simplicity 0..10
    fidelity: int = 2      # Edge Fidelity 1..3

    def _sigma(self) -> float:
        return self.simplicity * (4 - self.fidelity) / 4

    def reach(self) -> int:
        return self.simplicity + gaussian_kernel_radius(self._sigma()) + (3 - self.fidelity) + 1 \
            + FILL

    def process(self, src, inner, where, coverage):
        import cv2

        smooth = gaussian(_median(_rgb(src), self.simplicity), self._sigma())
        flat = posterised(smooth.astype(np.float32), self.levels)
        flat = np.clip(flat + 0.5, 0, 255).astype(np.uint8)
        clean = 3 - self.fidelity
        if clean:
            flat = cv2.medianBlur(flat, 2 * clean + 1)  # (keeps the values: still N levels)
        return _done(src, inner, flat, coverage)


@dataclass(frozen=True)
class DryBrush(Operation):
    """Paint dragged dry: the colours smoothed into blobs of Brush Size (`brushed`),
    posterised to 3 + Brush Detail levels,
    with a grain of Texture's strength added first (the dry brush's streaks)."""

    label: ClassVar[str] = "Dry Brush"
    size: int = 2      # Brush Size 0..10
    detail: int = 8    # Brush Detail 0..10
    texture: int = 1   # Texture 1..3

    def reach(self) -> int:
        return 5 * self.size + 1 + FILL

    def process(self, src, inner, where, coverage):
        rgb = brushed(_rgb(src), self.size)
        ys, xs = _canvas_grid(src.shape, inner, where)
        grain = (hash01(131, ys, xs // 3) - np.float32(0.5)) * np.float32(8 * self.texture)
        out = posterised(rgb.astype(np.float32) + grain[..., None], 3 + self.detail)
        return _done(src, inner, out, coverage)


@dataclass(frozen=True)
class PosterEdges(Operation):
    """Posterised colour with its edges drawn dark: the cartoon idea of posterising and
    inking the luma's gradient (Winnemöller et al. again, with a Sobel gradient for their
    difference of Gaussians). Edge Intensity scales the ink, Edge Thickness spreads it (a
    grey dilation), Posterization is the levels per channel (2 + its value)."""

    label: ClassVar[str] = "Poster Edges"
    thickness: int = 2      # Edge Thickness 0..10
    intensity: int = 1      # Edge Intensity 0..10
    posterization: int = 2  # Posterization 0..6

    def reach(self) -> int:
        return 4 + self.thickness // 2 + 1 + FILL

    def process(self, src, inner, where, coverage):
        import cv2

        rgb = _rgb(src).astype(np.float32)
        soft = gaussian(luma(rgb), 1.0)
        gx = cv2.Sobel(soft, cv2.CV_32F, 1, 0, ksize=3, borderType=cv2.BORDER_REPLICATE)
        gy = cv2.Sobel(soft, cv2.CV_32F, 0, 1, ksize=3, borderType=cv2.BORDER_REPLICATE)
        # A 255-level step gives a Sobel magnitude of about 4 x 255 x (blurred) 0.5.
        edge = np.sqrt(gx * gx + gy * gy) * np.float32(1 / 510)
        ink = np.clip((edge - np.float32(0.12)) * np.float32(2 + 2 * self.intensity), 0, 1)
        if self.thickness // 2:
            ink = cv2.dilate(ink, _disc(self.thickness // 2), borderType=cv2.BORDER_REPLICATE)
        out = posterised(rgb, 2 + self.posterization) * (1 - ink)[..., None]
        return _done(src, inner, out, coverage)


@dataclass(frozen=True)
class Watercolor(Operation):
    """Paint that pools dark at the edges of washes (Curtis et al.'s "Computer-generated
    watercolor", 1997: edge darkening), as area operations: a median of Brush Detail's
    (inverse) size and a soft blur make the washes; where a wash is darker than its
    surroundings it is darkened more by Shadow Intensity; Texture is the paper's grain."""

    label: ClassVar[str] = "Watercolor"
    detail: int = 9    # Brush Detail 1..14
    shadow: int = 1    # Shadow Intensity 0..10
    texture: int = 1   # Texture 1..3

    def _radius(self) -> int:
        return (15 - self.detail) // 2 + 1

    def reach(self) -> int:
        r = self._radius()
        return r + gaussian_kernel_radius(r / 2) + gaussian_kernel_radius(2 * r) + 2 + FILL

    def process(self, src, inner, where, coverage):
        r = self._radius()
        wash = gaussian(_median(_rgb(src), r).astype(np.float32), r / 2)
        lum = luma(wash)
        pooled = np.minimum(lum - gaussian(lum, 2.0 * r), 0) * np.float32(1 + 0.5 * self.shadow)
        ys, xs = _canvas_grid(src.shape, inner, where)
        grain = (hash01(137, ys, xs) - np.float32(0.5)) * np.float32(6 * self.texture)
        out = wash * np.float32(1 - 0.03 * self.shadow) + (pooled + grain)[..., None]
        return _done(src, inner, out, coverage)


# -- Brush Strokes --------------------------------------------------------------------------

@dataclass(frozen=True)
class AngledStrokes(Operation):
    """Diagonal strokes, the light areas stroked one way and the dark ones the other (as
    Photoshop's help describes it): two line blurs of Stroke Length at +45 and -45 degrees,
    mixed by the luma against Direction Balance; Sharpness sharpens the strokes (an unsharp
    mask of radius 1)."""

    label: ClassVar[str] = "Angled Strokes"
    balance: int = 50    # Direction Balance 0..100
    length: int = 15     # Stroke Length 3..50
    sharpness: int = 3   # Sharpness 0..10

    def reach(self) -> int:
        return int(math.ceil(self.length / 2)) + 2 + 4 + FILL

    def process(self, src, inner, where, coverage):
        import cv2

        rgb = _rgb(src).astype(np.float32)
        up = cv2.filter2D(rgb, -1, motion_kernel(45.0, self.length),
                          borderType=cv2.BORDER_REPLICATE)
        down = cv2.filter2D(rgb, -1, motion_kernel(-45.0, self.length),
                            borderType=cv2.BORDER_REPLICATE)
        # Balance 100: every pixel stroked up-right; 0: every pixel down-right.
        t = np.clip((luma(rgb) / np.float32(255) - np.float32(1 - self.balance / 100))
                    * np.float32(6) + np.float32(0.5), 0, 1)[..., None]
        out = down + (up - down) * t
        if self.sharpness:
            out = out + np.float32(0.3 * self.sharpness) * (out - gaussian(out, 1.0))
        return _done(src, inner, out, coverage)


@dataclass(frozen=True)
class InkOutlines(Operation):
    """Pen and ink over the picture: short diagonal strokes (a line blur of Stroke Length
    at -45 degrees), the darks pushed darker by Dark Intensity and the lights lighter by
    Light Intensity (a contrast curve of the luma), and the luma's edges inked in black
    (a Sobel gradient, Poster Edges' inking: the cartoon idea of Winnemöller et al.)."""

    label: ClassVar[str] = "Ink Outlines"
    length: int = 4      # Stroke Length 1..50
    dark: int = 20       # Dark Intensity 0..50
    light: int = 10      # Light Intensity 0..50

    def reach(self) -> int:
        return int(math.ceil(self.length / 2)) + 2 + 4 + FILL

    def process(self, src, inner, where, coverage):
        import cv2

        rgb = _rgb(src).astype(np.float32)
        strokes = cv2.filter2D(rgb, -1, motion_kernel(-45.0, float(max(1, self.length))),
                               borderType=cv2.BORDER_REPLICATE)
        t = luma(strokes)[..., None] / np.float32(255)
        # The darks lose up to Dark Intensity / 50 of their value, the lights gain up to
        # Light Intensity / 50 of what they lack.
        out = strokes * (1 - np.float32(self.dark / 50) * (1 - t) ** 2) \
            + (255 - strokes) * np.float32(self.light / 50) * t ** 2
        soft = gaussian(luma(rgb), 1.0)
        gx = cv2.Sobel(soft, cv2.CV_32F, 1, 0, ksize=3, borderType=cv2.BORDER_REPLICATE)
        gy = cv2.Sobel(soft, cv2.CV_32F, 0, 1, ksize=3, borderType=cv2.BORDER_REPLICATE)
        ink = np.clip((np.sqrt(gx * gx + gy * gy) * np.float32(1 / 510) - np.float32(0.1))
                      * np.float32(4), 0, 1)
        return _done(src, inner, out * (1 - ink)[..., None], coverage)


# -- Sketch ---------------------------------------------------------------------------------

HALFTONE_TYPES = ("circle", "dot", "line")
PEN_DIRECTIONS = ("right_diagonal", "horizontal", "left_diagonal", "vertical")
PEN_ANGLES = {"right_diagonal": 45.0, "horizontal": 0.0, "left_diagonal": 135.0,
              "vertical": 90.0}


@dataclass(frozen=True)
class Photocopy(Operation):
    """A photocopier's mass and edges in ink on paper: the ink is how much darker a pixel is
    than the Gaussian mean of its surroundings (a local-contrast "difference of Gaussians",
    Marr and Hildreth's idea), scaled by Darkness; Detail widens the surroundings (more of
    the shading survives)."""

    label: ClassVar[str] = "Photocopy"
    detail: int = 7      # Detail 1..24
    darkness: int = 8    # Darkness 1..50
    foreground: tuple = INK
    background: tuple = PAPER

    def _sigma(self) -> float:
        return 1.0 + 0.5 * self.detail

    def reach(self) -> int:
        return gaussian_kernel_radius(self._sigma()) + 1 + FILL

    def process(self, src, inner, where, coverage):
        lum = luma(_rgb(src).astype(np.float32))
        ink = np.clip((gaussian(lum, self._sigma()) - lum) * np.float32(self.darkness * 0.6 / 255),
                      0, 1)
        return _done(src, inner, _inked(ink, self.foreground, self.background), coverage)


@dataclass(frozen=True)
class HalftonePattern(Operation):
    """A halftone screen in ink on paper: the luma, its contrast raised by Contrast, against
    a screen of Size (a period of 2 x Size + 2 px): Dot a grid of cosine dots, Line rows,
    Circle rings about the centre of the box changed (the classic amplitude-modulated
    screen, as in Ulichney's "Digital Halftoning")."""

    label: ClassVar[str] = "Halftone Pattern"
    size: int = 1          # Size 1..12
    contrast: int = 5      # Contrast 0..50
    type: str = "dot"      # HALFTONE_TYPES
    foreground: tuple = INK
    background: tuple = PAPER

    def __post_init__(self):
        if self.type not in HALFTONE_TYPES:
            raise ValueError(f"Halftone Pattern is {'/'.join(HALFTONE_TYPES)}, not {self.type!r}")

    def banded(self) -> bool:
        return self.type != "circle"  # (the rings are about the whole box's centre)

    def process(self, src, inner, where, coverage):
        ys, xs = _canvas_grid(src.shape, inner, where)
        k = np.float32(2 * math.pi / (2 * self.size + 2))
        if self.type == "dot":
            screen = (np.cos(xs * k) + np.cos(ys * k)) * np.float32(0.25) + np.float32(0.5)
        elif self.type == "line":
            screen = np.cos(ys * k) * np.float32(0.5) + np.float32(0.5) + 0 * xs
        else:
            cx, cy = where.x + where.w / 2, where.y + where.h / 2
            screen = np.cos(np.hypot(xs - cx, ys - cy).astype(np.float32) * k) \
                * np.float32(0.5) + np.float32(0.5)
        lum = luma(_rgb(src).astype(np.float32)) / np.float32(255)
        gain = np.float32(1 + self.contrast / 2)
        paper = np.clip((lum - screen) * gain + np.float32(0.5), 0, 1)
        return _done(src, inner, _inked(1 - paper, self.foreground, self.background), coverage)


@dataclass(frozen=True)
class GraphicPen(Operation):
    """Fine straight pen strokes in ink on paper: the luma thresholded against a screen of
    noise drawn out into lines of Stroke Length in Stroke Direction (Mezzotint's lines,
    after the stroke textures of Salisbury et al.'s pen-and-ink illustration); Light/Dark
    Balance moves the threshold (higher: more ink)."""

    label: ClassVar[str] = "Graphic Pen"
    length: int = 15               # Stroke Length 1..15
    balance: int = 50              # Light/Dark Balance 0..100
    direction: str = "right_diagonal"  # PEN_DIRECTIONS
    foreground: tuple = INK
    background: tuple = PAPER

    def __post_init__(self):
        if self.direction not in PEN_DIRECTIONS:
            raise ValueError(f"Graphic Pen's direction is {'/'.join(PEN_DIRECTIONS)}, "
                             f"not {self.direction!r}")

    def reach(self) -> int:
        return int(math.ceil(self.length / 2)) + 2

    def process(self, src, inner, where, coverage):
        ys, xs = _canvas_grid(src.shape, inner, where)
        screen = stroke_screen(149, ys, xs, PEN_ANGLES[self.direction], float(self.length))
        lum = luma(_rgb(src).astype(np.float32)) / np.float32(255)
        ink = (lum - np.float32((self.balance - 50) / 100) < screen).astype(np.float32)
        return _done(src, inner, _inked(ink, self.foreground, self.background), coverage)


@dataclass(frozen=True)
class Charcoal(Operation):
    """Smudged diagonal charcoal strokes in ink on paper: the major edges (the luma's
    gradient, its weak part dropped as Detail falls) drawn boldly, the midtones sketched in
    strokes: a darkness map (Light/Dark Balance moves it) thresholded against noise drawn
    out along 45° lines of Charcoal Thickness, then smudged along the same lines (Graphic
    Pen's stroke screen, after Salisbury et al.'s stroke textures, with a softer,
    thicker stick)."""

    label: ClassVar[str] = "Charcoal"
    thickness: int = 1    # Charcoal Thickness 1..7
    detail: int = 5       # Detail 0..5
    balance: int = 50     # Light/Dark Balance 0..100
    foreground: tuple = INK
    background: tuple = PAPER

    def _length(self) -> float:
        return 6.0 + 3.0 * self.thickness

    def reach(self) -> int:
        return int(math.ceil(self._length())) + 4 + FILL

    def process(self, src, inner, where, coverage):
        import cv2

        ys, xs = _canvas_grid(src.shape, inner, where)
        lum = luma(_rgb(src).astype(np.float32)) / np.float32(255)
        soft = gaussian(lum, 1.0)
        edges = np.hypot(cv2.Sobel(soft, cv2.CV_32F, 1, 0), cv2.Sobel(soft, cv2.CV_32F, 0, 1))
        # Detail 5 keeps faint edges; lower drops more of them before they are drawn.
        floor = np.float32(0.02 + 0.05 * (5 - self.detail))
        edge_ink = np.clip((edges - floor) * np.float32(4), 0, 1)
        dark = np.clip(1 - lum + np.float32((self.balance - 50) / 100), 0, 1)
        screen = stroke_screen(151, ys, xs, 45.0, self._length())
        stroked = (dark > screen).astype(np.float32)
        # The stick's smudge: the strokes and edges softened along the stroke direction.
        smudge = motion_kernel(45.0, 1.0 + self.thickness)
        ink = cv2.filter2D(np.maximum(stroked * np.float32(0.85), edge_ink), -1, smudge,
                           borderType=cv2.BORDER_REFLECT)
        return _done(src, inner, _inked(np.clip(ink, 0, 1), self.foreground, self.background),
                     coverage)


# -- Stylize --------------------------------------------------------------------------------

@dataclass(frozen=True)
class GlowingEdges(Operation):
    """Neon edges on black: each channel's Sobel gradient magnitude (Find Edges' idea,
    inverted) after a median of Smoothness, spread by Edge Width (a grey dilation) and
    scaled by Edge Brightness."""

    label: ClassVar[str] = "Glowing Edges"
    width: int = 2        # Edge Width 1..14
    brightness: int = 6   # Edge Brightness 0..20
    smoothness: int = 5   # Smoothness 1..15

    def reach(self) -> int:
        return self.smoothness // 2 + 1 + self.width // 2 + 1 + FILL

    def process(self, src, inner, where, coverage):
        import cv2

        rgb = _median(_rgb(src), self.smoothness // 2).astype(np.float32)
        gx = cv2.Sobel(rgb, cv2.CV_32F, 1, 0, ksize=3, borderType=cv2.BORDER_REPLICATE)
        gy = cv2.Sobel(rgb, cv2.CV_32F, 0, 1, ksize=3, borderType=cv2.BORDER_REPLICATE)
        glow = np.sqrt(gx * gx + gy * gy) * np.float32(self.brightness / 16)
        if self.width // 2:
            glow = cv2.dilate(glow, _disc(self.width // 2), borderType=cv2.BORDER_REPLICATE)
        return _done(src, inner, glow, coverage)


# -- Texture --------------------------------------------------------------------------------

TEXTURES = ("brick", "burlap", "canvas", "sandstone")
LIGHTS = ("bottom", "bottom_left", "left", "top_left", "top", "top_right", "right",
          "bottom_right")
# Towards the light, on the screen (y down).
LIGHT_VECTORS = {"bottom": (0, 1), "bottom_left": (-1, 1), "left": (-1, 0),
                 "top_left": (-1, -1), "top": (0, -1), "top_right": (1, -1), "right": (1, 0),
                 "bottom_right": (1, 1)}
LIGHT_ROW = ("combo", "light", "Light", LIGHTS,
             ("Bottom", "Bottom Left", "Left", "Top Left", "Top", "Top Right", "Right",
              "Bottom Right"))
# Texturizer's settings as the filters drawn on its textures show them (`Ranged.rows`).
TEXTURE_ROWS = (("combo", "texture", "Texture", TEXTURES,
                 ("Brick", "Burlap", "Canvas", "Sandstone")),
                ("scaling", "Scaling", 50, 200, 0, " %"),
                ("relief", "Relief", 0, 50, 0, ""),
                LIGHT_ROW,
                ("check", "invert", "Invert"))


def texture_height(kind: str, ys: np.ndarray, xs: np.ndarray, scaling: float) -> np.ndarray:
    """float32 heights 0..1 of a built-in texture at canvas pixels (ys, xs), Scaling in %:
    Brick 32 x 16 bricks in half-offset rows with 2 px mortar; Canvas a plain weave of 4 px
    threads, Burlap one of 8 px with slubs; Sandstone value noise of 3 px grains and fine
    grit (all our own, made here, as Photoshop's are bitmaps it ships)."""
    s = np.float32(100.0 / max(1.0, scaling))
    u, v = xs.astype(np.float32) * s, ys.astype(np.float32) * s
    if kind == "brick":
        row = np.floor(v / 16)
        du = np.mod(u + (row % 2) * 16, 32)
        dv = np.mod(v, 16)
        edge = np.minimum(np.minimum(du, 32 - du), np.minimum(dv, 16 - dv))
        # (the grit repeats with the 64 x 32 tile of two rows: a tile, as Photoshop's is)
        grit = hash01(151, np.floor(v).astype(np.int64) % 32, np.floor(u).astype(np.int64) % 64)
        return np.clip(edge / 2, 0, 1) * np.float32(0.9) + grit * np.float32(0.1)
    if kind in ("canvas", "burlap"):
        p = np.float32(4 if kind == "canvas" else 8)
        warp = (np.floor(u / p) + np.floor(v / p)) % 2 == 0
        h = np.where(warp, np.sin(np.pi * np.mod(u, p) / p), np.sin(np.pi * np.mod(v, p) / p))
        if kind == "burlap":
            slub = hash01(157, np.floor(v / p).astype(np.int64), np.floor(u / p).astype(np.int64))
            h = h * (np.float32(0.6) + np.float32(0.4) * slub)
        return h.astype(np.float32)
    # sandstone: bilinear value noise on a 3 px lattice, and grit
    gu, gv = u / 3, v / 3
    iu, iv = np.floor(gu).astype(np.int64), np.floor(gv).astype(np.int64)
    fu, fv = gu - iu, gv - iv
    n = (hash01(163, iv, iu) * (1 - fu) + hash01(163, iv, iu + 1) * fu) * (1 - fv) + \
        (hash01(163, iv + 1, iu) * (1 - fu) + hash01(163, iv + 1, iu + 1) * fu) * fv
    grit = hash01(167, np.floor(v).astype(np.int64), np.floor(u).astype(np.int64))
    return (n * np.float32(0.75) + grit * np.float32(0.25)).astype(np.float32)


def lit(height: np.ndarray, light: str, relief: float) -> np.ndarray:
    """float32 shade (0..2, 1: flat) of a height map lit from `light`: its slope towards
    the light (Lambert's cosine for small slopes: Blinn's bump mapping, 1978) times
    relief / 8."""
    gy, gx = np.gradient(height) if min(height.shape) > 1 else (0 * height, 0 * height)
    lx, ly = LIGHT_VECTORS[light]
    # A slope rising towards the light faces it: lit; away from it: in shadow.
    facing = (gx * lx + gy * ly) * np.float32(1 / math.hypot(lx, ly))
    return np.clip(1 + facing * np.float32(relief / 8), 0, 2).astype(np.float32)


def crack_height(ys: np.ndarray, xs: np.ndarray, spacing: float) -> np.ndarray:
    """float32 0 (in a crack) .. 1 (on a plate): Worley's cellular noise (1996), F2 - F1 of
    one jittered point per `spacing`-sized cell of the canvas, so the plates are the cells
    of a Voronoi diagram and the cracks their borders."""
    s = np.float32(max(2.0, spacing))
    u, v = xs.astype(np.float32) / s, ys.astype(np.float32) / s
    iu, iv = np.floor(u).astype(np.int64), np.floor(v).astype(np.int64)
    near = np.full(np.broadcast(u, v).shape, np.inf, np.float32)
    second = near.copy()
    for dv in (-1, 0, 1):
        for du in (-1, 0, 1):
            cu, cv = iu + du, iv + dv
            px = cu + hash01(173, cv, cu)
            py = cv + hash01(179, cv, cu)
            d = np.hypot(u - px, v - py).astype(np.float32)
            second = np.minimum(second, np.maximum(near, d))
            near = np.minimum(near, d)
    # (F2 - F1 in cell units: 0 on the border; a crack about 2 px wide whatever the spacing)
    return np.clip((second - near) * s / np.float32(2.0), 0, 1)


@dataclass(frozen=True)
class Craquelure(Operation):
    """Old paint's network of cracks over the picture: plates of about Crack Spacing
    pixels (`crack_height`) raised by Crack Depth and lit from the top left (`lit`), the
    cracks darker the lower Crack Brightness is."""

    label: ClassVar[str] = "Craquelure"
    spacing: int = 15     # Crack Spacing 2..100
    depth: int = 6        # Crack Depth 0..10
    brightness: int = 9   # Crack Brightness 0..10

    def reach(self) -> int:
        return 1

    def process(self, src, inner, where, coverage):
        ys, xs = _canvas_grid(src.shape, inner, where)
        h = crack_height(ys + 0 * xs, xs + 0 * ys, self.spacing)
        shade = lit(h, "top_left", self.depth)
        crack = 1 - (1 - h) * np.float32(1 - self.brightness / 10 * 0.8)
        out = _rgb(src).astype(np.float32) * (shade * crack)[..., None]
        return _done(src, inner, out, coverage)


@dataclass(frozen=True)
class Texturizer(Operation):
    """The picture on a textured surface lit from one side: a built-in texture's heights
    (`texture_height`), their slope lit from Light as a Lambertian bump map (Blinn's bump
    mapping, 1978) and multiplied into the colours by Relief; Invert turns the surface
    inside out."""

    label: ClassVar[str] = "Texturizer"
    texture: str = "canvas"   # TEXTURES
    scaling: int = 100        # Scaling 50..200 %
    relief: int = 4           # Relief 0..50
    light: str = "top"        # LIGHTS
    invert: bool = False

    def __post_init__(self):
        if self.texture not in TEXTURES or self.light not in LIGHTS:
            raise ValueError(f"Texturizer's texture is {'/'.join(TEXTURES)} and its light "
                             f"one of {', '.join(LIGHTS)}")

    def reach(self) -> int:
        return 1

    def is_identity(self) -> bool:
        return self.relief <= 0

    def process(self, src, inner, where, coverage):
        ys, xs = _canvas_grid(src.shape, inner, where)
        h = texture_height(self.texture, ys + 0 * xs, xs + 0 * ys, self.scaling)
        if self.invert:
            h = 1 - h
        out = _rgb(src).astype(np.float32) * lit(h, self.light, self.relief)[..., None]
        return _done(src, inner, out, coverage)


# -- the gallery ----------------------------------------------------------------------------

# Photoshop's Filter Gallery: its 47 filters in their folders, in its order. FOLDERS lists
# those made here (EFFECTS), in that order; `register` adds more (`gallery_distort`,
# `gallery_artistic`, `gallery_brush_strokes`, `gallery_sketch`, `gallery_texture` register
# theirs as they load).
PHOTOSHOP = (
    ("Artistic", ("colored_pencil", "cutout", "dry_brush", "film_grain", "fresco", "neon_glow",
                  "paint_daubs", "palette_knife", "plastic_wrap", "poster_edges",
                  "rough_pastels", "smudge_stick", "sponge", "underpainting", "watercolor")),
    ("Brush Strokes", ("accented_edges", "angled_strokes", "crosshatch", "dark_strokes",
                       "ink_outlines", "spatter", "sprayed_strokes", "sumi_e")),
    ("Distort", ("diffuse_glow", "glass", "ocean_ripple")),
    ("Sketch", ("bas_relief", "chalk_charcoal", "charcoal", "chrome", "conte_crayon",
                "graphic_pen", "halftone_pattern", "note_paper", "photocopy", "plaster",
                "reticulation", "stamp", "torn_edges", "water_paper")),
    ("Stylize", ("glowing_edges",)),
    ("Texture", ("craquelure", "grain", "mosaic_tiles", "patchwork", "stained_glass",
                 "texturizer")))
EFFECTS: dict[str, type] = {
    "cutout": Cutout, "dry_brush": DryBrush, "poster_edges": PosterEdges,
    "watercolor": Watercolor, "angled_strokes": AngledStrokes, "ink_outlines": InkOutlines,
    "graphic_pen": GraphicPen, "charcoal": Charcoal,
    "halftone_pattern": HalftonePattern, "photocopy": Photocopy,
    "glowing_edges": GlowingEdges, "craquelure": Craquelure, "texturizer": Texturizer}
FOLDERS: tuple = ()


def register(effects: dict[str, type]) -> None:
    """Adds filters (by kind, each one of PHOTOSHOP's) to the gallery: EFFECTS, FOLDERS and
    the menu's registry (`more_filters.FILTERS`: actions, smart filters, Last Filter)."""
    global FOLDERS
    known = {kind for _folder, kinds in PHOTOSHOP for kind in kinds}
    assert set(effects) <= known, set(effects) - known
    EFFECTS.update(effects)
    FOLDERS = tuple((folder, tuple(k for k in kinds if k in EFFECTS))
                    for folder, kinds in PHOTOSHOP if any(k in EFFECTS for k in kinds))
    if "FILTERS" in globals():
        FILTERS.update(effects)
    mf.FILTERS.update(effects)


register({})


def checked(op: Operation) -> None:
    """A ValueError unless every setting of `op` lies in its dialog row's range or is one of
    its choices (`op.rows`, in `FilterForm`'s format: `(name, label, low, high, decimals,
    suffix)`, `("combo", name, label, values, texts)`, `("check", name, label)`,
    `("colour", name, label)`)."""
    for row in op.rows:
        if row[0] == "check":
            continue
        if row[0] == "colour":
            value = getattr(op, row[1])
            if len(value) != 3 or any(not 0 <= c <= 255 for c in value):
                raise ValueError(f"{op.label}'s {row[2]} is (r, g, b), each 0 to 255, "
                                 f"not {value!r}")
            continue
        if row[0] == "combo":
            _, name, label, values, _texts = row
            if getattr(op, name) not in values:
                raise ValueError(f"{op.label}'s {label} is one of {', '.join(values)}, "
                                 f"not {getattr(op, name)!r}")
            continue
        name, label, low, high = row[:4]
        value = getattr(op, name)
        if not low <= value <= high:
            raise ValueError(f"{op.label}'s {label} is {low} to {high}, not {value!r}")


class Ranged:
    """A filter whose dialog rows (`rows`: Photoshop's names and ranges) live with it and
    check its settings as it is made (`checked`)."""

    rows: ClassVar[tuple] = ()

    def __post_init__(self):
        checked(self)


def effect_of(op: Operation) -> tuple:
    """An effect layer's plain settings: (kind, ((field, value), ...))."""
    kind = next(k for k, c in EFFECTS.items() if c is type(op))
    return kind, tuple((f.name, getattr(op, f.name)) for f in fields(op))


def effect_op(effect) -> Operation:
    """The operation of plain settings `effect_of` made (a ValueError when unknown)."""
    kind, values = effect
    cls = EFFECTS.get(kind)
    if cls is None:
        raise ValueError(f"the Filter Gallery has no filter {kind!r}")
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in values if k in names})


@dataclass(frozen=True)
class FilterGallery(Operation):
    """The effect layers, bottom first (applied in that order), as plain settings; `hidden`
    the indices of those whose eye is off."""

    label: ClassVar[str] = "Filter Gallery"
    effects: tuple = ()
    hidden: tuple = ()

    def __post_init__(self):
        object.__setattr__(self, "_ops", tuple(effect_op(e) for e in self.effects))

    @classmethod
    def of(cls, ops, hidden=()) -> "FilterGallery":
        return cls(tuple(effect_of(op) for op in ops), tuple(sorted(hidden)))

    def again(self, foreground, background, seed) -> "FilterGallery":
        """Last Filter's stack: the Sketch layers (and Diffuse Glow's, Grain's and Stained
        Glass's colours) in the colours of the moment (as the menu gives them when the gallery opens); the rest as
        they were."""
        colours = {"foreground": tuple(foreground), "background": tuple(background)}
        ops = [replace(op, **{k: v for k, v in colours.items() if hasattr(op, k)})
               for op in self._ops]
        return FilterGallery.of(ops, self.hidden)

    def operations(self) -> tuple:
        """Every effect layer's operation, bottom first (the hidden ones too)."""
        return self._ops

    def shown(self) -> tuple:
        return tuple(op for i, op in enumerate(self._ops)
                     if i not in self.hidden and not op.is_identity())

    def reach(self) -> int:
        return sum(op.reach() for op in self.shown())

    def banded(self) -> bool:
        return all(op.banded() for op in self.shown())

    def is_identity(self) -> bool:
        return not self.shown()

    def process(self, src, inner, where, coverage):
        ops = self.shown()
        if not ops:
            return src[inner.slices()].copy()
        crop = Box(0, 0, src.shape[1], src.shape[0])
        pixels, at = src, crop  # the pixels so far and their box in the crop
        rest = self.reach()
        for op in ops:
            # Each layer makes what the layers after it still read around `inner`.
            rest -= op.reach()
            box = inner.expand(rest).intersect(crop)
            local = box.translate(-at.x, -at.y)
            pixels = op.process(pixels, local, box.translate(where.x - inner.x,
                                                             where.y - inner.y), None)
            at = box
        old = src[inner.slices()]
        out = old.copy()
        out[..., :3] = mix8(old[..., :3], pixels[..., :3], coverage)
        return out


FILTERS: dict[str, type] = {**EFFECTS, "filter_gallery": FilterGallery}
mf.FILTERS.update(FILTERS)  # the menu's one registry (more_filters imports this module)

# Distort, the rest of Artistic, Brush Strokes, Sketch and Texture, in their own modules (they
# register themselves).
from . import gallery_artistic, gallery_distort  # noqa: E402
from . import gallery_brush_strokes, gallery_sketch, gallery_texture  # noqa: E402
MODULES = (gallery_artistic, gallery_distort, gallery_brush_strokes, gallery_sketch,
           gallery_texture)
