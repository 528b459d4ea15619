"""Filter Gallery > Artistic: the filters of Photoshop's Artistic folder beyond Cutout, Dry
Brush, Poster Edges and Watercolor (`gallery_filters`), made as those are: frozen settings
with Photoshop's names, ranges and defaults (`rows`, checked as the filter is made:
`gallery_filters.Ranged`), `process` on a crop with `reach()` pixels about it, the
selection's coverage mixing the result, alpha kept.

Photoshop publishes no formula for these: each is our own and says whose idea it follows.
Grain, strokes and textures are functions of the canvas position (`hash01`, `stroke_screen`,
`texture_height`), so a band, a crop or a selection sees the same, and the same settings
give the same pixels.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from . import gallery_filters as gf
from .canvas_hash import hash01, luma
from .gallery_filters import (FILL, TEXTURE_ROWS, Ranged, _canvas_grid, _done, _median, _rgb,
                              brushed, lit, stroke_screen, texture_height)
from .pixel_filters import Operation, gaussian, gaussian_kernel_radius, motion_kernel

def _sobel(lum: np.ndarray) -> np.ndarray:
    """float32 gradient magnitude of a float32 luma (0..1), a step of 1 giving about 1."""
    import cv2

    gx = cv2.Sobel(lum, cv2.CV_32F, 1, 0, ksize=3, borderType=cv2.BORDER_REPLICATE)
    gy = cv2.Sobel(lum, cv2.CV_32F, 0, 1, ksize=3, borderType=cv2.BORDER_REPLICATE)
    return np.sqrt(gx * gx + gy * gy) * np.float32(0.5)


def _streaked(rgb: np.ndarray, angle: float, length: float) -> np.ndarray:
    """float32 colours smeared along a line `length` px at `angle` degrees (a motion blur:
    reach ceil(length / 2) + 1)."""
    import cv2

    return cv2.filter2D(rgb.astype(np.float32), -1, motion_kernel(angle, max(1.0, length)),
                        borderType=cv2.BORDER_REPLICATE)


def _highlights(rgb: np.ndarray, area: int, intensity: int) -> np.ndarray:
    """Film Grain's and Smudge Stick's Highlight Area and Intensity: the pixels whose luma
    is above a threshold that Highlight Area lowers (0: none) lifted towards white, the
    more the brighter, by Intensity / 10 (the blown highlights of a print)."""
    if area <= 0 or intensity <= 0:
        return rgb
    lum = luma(rgb) * np.float32(1 / 255)
    start = np.float32(1 - 0.04 * area)
    t = np.clip((lum - start) / max(np.float32(1e-3), 1 - start), 0, 1)
    t = (t * np.float32(intensity / 10))[..., None]
    return rgb + (np.float32(255) - rgb) * t


def _textured(rgb: np.ndarray, src_shape, inner, where, texture: str, scaling: int, relief: int,
              light: str, invert: bool) -> np.ndarray:
    """float32 colours on Texturizer's surface (`texture_height` lit by `lit`)."""
    if relief <= 0:
        return rgb
    ys, xs = _canvas_grid(src_shape, inner, where)
    h = texture_height(texture, ys + 0 * xs, xs + 0 * ys, scaling)
    if invert:
        h = 1 - h
    return rgb * lit(h, light, relief)[..., None]


# -- Colored Pencil -----------------------------------------------------------------------

@dataclass(frozen=True)
class ColoredPencil(Ranged, Operation):
    """Coloured pencil on a plain paper: the picture's colours hatched in 45° strokes over
    paper as bright as Paper Brightness (0 black, 50 white), hatched more densely where
    the picture is dark or has an edge and for a higher Stroke Pressure, the darks
    cross-hatched; Pencil Width thickens the strokes (Graphic Pen's stroke screen,
    `stroke_screen`, after Salisbury et al.'s stroke textures, in colour)."""

    label: ClassVar[str] = "Colored Pencil"
    rows: ClassVar[tuple] = (("width", "Pencil Width", 1, 24, 0, ""),
                             ("pressure", "Stroke Pressure", 0, 15, 0, ""),
                             ("paper", "Paper Brightness", 0, 50, 0, ""))
    width: int = 4        # Pencil Width 1..24
    pressure: int = 8     # Stroke Pressure 0..15
    paper: int = 25       # Paper Brightness 0..50

    def _length(self) -> float:
        return 8.0 + 1.5 * self.width

    def reach(self) -> int:
        return int(math.ceil(self._length() / 2)) + 2 + FILL

    def process(self, src, inner, where, coverage):
        ys, xs = _canvas_grid(src.shape, inner, where)
        rgb = _rgb(src).astype(np.float32)
        lum = luma(rgb) * np.float32(1 / 255)
        # Thicker pencils: the screen's noise in blocks of width / 3 px.
        cell = max(1, self.width // 3)
        up = stroke_screen(233, ys // cell, xs // cell, 45.0, self._length())
        across = stroke_screen(239, ys // cell, xs // cell, -45.0, self._length())
        press = np.float32(self.pressure / 15)
        # Every colour is drawn, the darks and edges more densely, all more for pressure.
        want = np.clip(np.float32(0.25) + press * np.float32(0.35) + (1 - lum) * np.float32(0.3)
                       + _sobel(lum) * np.float32(2), 0, 1)
        # Soft-edged strokes (a pencil's grain) where the tone reaches above the screen;
        # the darks (tone above two thirds) hatched across as well.
        ink = np.clip((want - up) * np.float32(6) + np.float32(0.5), 0, 1)
        ink2 = np.clip((want - np.float32(0.35) - across) * np.float32(6) + np.float32(0.5), 0, 1)
        cover = np.maximum(ink, ink2)[..., None]
        paper = np.float32(255 * self.paper / 50)
        # The pencil lays the picture's colour, a little deeper (pigment over paper).
        pencil = rgb * np.float32(0.92)
        out = paper + (pencil - paper) * cover
        return _done(src, inner, out, coverage)


# -- Film Grain ---------------------------------------------------------------------------

@dataclass(frozen=True)
class FilmGrain(Ranged, Operation):
    """Film's grain over the shadows and midtones and its bright highlights: a grain of
    ±Grain x 4 levels per pixel (two `hash01` values summed: a triangular, film-like
    spread), weighted towards the darker tones; Highlight Area and Intensity lift the
    brightest pixels towards white (`_highlights`). Grain and Highlight Area 0 leave the
    picture as it is."""

    label: ClassVar[str] = "Film Grain"
    rows: ClassVar[tuple] = (("grain", "Grain", 0, 20, 0, ""),
                             ("area", "Highlight Area", 0, 20, 0, ""),
                             ("intensity", "Intensity", 0, 10, 0, ""))
    grain: int = 4        # Grain 0..20
    area: int = 0         # Highlight Area 0..20
    intensity: int = 10   # Intensity 0..10

    def reach(self) -> int:
        return 0

    def is_identity(self) -> bool:
        return self.grain == 0 and (self.area == 0 or self.intensity == 0)

    def process(self, src, inner, where, coverage):
        ys, xs = _canvas_grid(src.shape, inner, where)
        rgb = _rgb(src).astype(np.float32)
        noise = hash01(241, ys, xs) + hash01(251, ys, xs) - np.float32(1)  # -1..1
        lum = luma(rgb) * np.float32(1 / 255)
        weight = np.float32(1.25) - lum  # (the shadows grainier than the lights)
        out = rgb + (noise * weight * np.float32(4 * self.grain))[..., None]
        return _done(src, inner, _highlights(out, self.area, self.intensity), coverage)


# -- Fresco -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Fresco(Ranged, Operation):
    """Coarse, short daubs of dark paint: the colours in blobs of Brush Size + 2 px
    (`brushed`, as Dry Brush), their local contrast raised and darkened (an unsharp mask of Brush Size
    that deepens what is darker than its surroundings: the fresco's dark outlines), Brush
    Detail the share of the picture's fine detail kept, Texture the plaster's grain."""

    label: ClassVar[str] = "Fresco"
    rows: ClassVar[tuple] = (("size", "Brush Size", 0, 10, 0, ""),
                             ("detail", "Brush Detail", 0, 10, 0, ""),
                             ("texture", "Texture", 1, 3, 0, ""))
    size: int = 2      # Brush Size 0..10
    detail: int = 8    # Brush Detail 0..10
    texture: int = 1   # Texture 1..3

    def _brush(self) -> int:
        return self.size + 2  # (Brush Size 0 still daubs)

    def _sigma(self) -> float:
        return 2.0 + self._brush()

    def reach(self) -> int:
        return 5 * self._brush() + 1 + gaussian_kernel_radius(self._sigma()) + FILL

    def process(self, src, inner, where, coverage):
        rgb = _rgb(src)
        paint = brushed(rgb, self._brush()).astype(np.float32)
        paint += (rgb.astype(np.float32) - paint) * np.float32(self.detail / 40)
        local = paint - gaussian(paint, self._sigma())
        # Darker than the surroundings: much darker; lighter: a little lighter.
        paint = paint + np.where(local < 0, np.float32(3.0), np.float32(0.6)) * local
        ys, xs = _canvas_grid(src.shape, inner, where)
        grain = (hash01(257, ys, xs) - np.float32(0.5)) * np.float32(14 * self.texture)
        out = paint * np.float32(0.85) + grain[..., None]
        return _done(src, inner, out, coverage)


# -- Neon Glow ---------------------------------------------------------------------------

@dataclass(frozen=True)
class NeonGlow(Ranged, Operation):
    """The picture glowing like neon, in three colours: a gradient map (as Image >
    Adjustments > Gradient Map) from the Foreground colour in the darks through Glow Color
    to the Background colour in the lights, of the luma mixed with its Gaussian of Glow
    Size (the glow spreads; a negative size glows from the darks: the luma inverted), Glow
    Brightness pushing the tones up the map."""

    label: ClassVar[str] = "Neon Glow"
    rows: ClassVar[tuple] = (("size", "Glow Size", -24, 24, 0, ""),
                             ("brightness", "Glow Brightness", 0, 50, 0, ""),
                             ("colour", "color", "Glow Color"))
    size: int = 5            # Glow Size -24..24
    brightness: int = 15     # Glow Brightness 0..50
    color: tuple = (0, 112, 255)  # Glow Color (a blue)
    foreground: tuple = gf.INK
    background: tuple = gf.PAPER

    def _sigma(self) -> float:
        return 0.5 + abs(self.size) / 2

    def reach(self) -> int:
        return gaussian_kernel_radius(self._sigma()) + 1 + FILL

    def process(self, src, inner, where, coverage):
        t = luma(_rgb(src).astype(np.float32)) * np.float32(1 / 255)
        if self.size < 0:
            t = 1 - t
        glow = gaussian(t, self._sigma())
        p = np.clip((np.maximum(t, glow) * np.float32(0.6) + glow * np.float32(0.4))
                    * np.float32(0.4 + self.brightness / 25), 0, 1)[..., None]
        fg, mid, bg = (np.float32(c) for c in (self.foreground, self.color, self.background))
        low = fg + (mid - fg) * np.minimum(p * 2, 1)
        out = np.where(p < 0.5, low, mid + (bg - mid) * np.maximum(p * 2 - 1, 0))
        return _done(src, inner, out, coverage)


# -- Paint Daubs -------------------------------------------------------------------------

DAUB_TYPES = ("simple", "light_rough", "dark_rough", "wide_sharp", "wide_blurry", "sparkle")


@dataclass(frozen=True)
class PaintDaubs(Ranged, Operation):
    """Oil paint daubed on: a median of Brush Size (the daubs; 1.5 x as wide for the Wide
    types), sharpened by Sharpness (an unsharp mask of the daub's size). Brush Type: Light
    Rough daubs over a grey dilation (the lights spread), Dark Rough over an erosion (the
    darks spread), Wide Blurry softened, Sparkle with the lights that stand out of the
    median added back bright (Photoshop's types, by their look)."""

    label: ClassVar[str] = "Paint Daubs"
    rows: ClassVar[tuple] = (("size", "Brush Size", 1, 50, 0, ""),
                             ("sharpness", "Sharpness", 0, 40, 0, ""),
                             ("combo", "brush", "Brush Type", DAUB_TYPES,
                              ("Simple", "Light Rough", "Dark Rough", "Wide Sharp",
                               "Wide Blurry", "Sparkle")))
    size: int = 8          # Brush Size 1..50
    sharpness: int = 7     # Sharpness 0..40
    brush: str = "simple"  # DAUB_TYPES

    def _radius(self) -> int:
        r = max(1, self.size // 2)
        return int(r * 1.5) if self.brush.startswith("wide") else r

    def _sigma(self) -> float:
        return max(1.0, self._radius() / 2)

    def reach(self) -> int:
        return 2 * self._radius() + 2 * gaussian_kernel_radius(self._sigma()) + 1 + FILL

    def process(self, src, inner, where, coverage):
        import cv2

        rgb = _rgb(src)
        r = self._radius()
        base = rgb
        if self.brush in ("light_rough", "dark_rough"):
            disc = gf._disc(max(1, r // 2))
            op = cv2.dilate if self.brush == "light_rough" else cv2.erode
            base = op(rgb, disc, borderType=cv2.BORDER_REPLICATE)
        daubs = _median(base, r).astype(np.float32)
        sigma = self._sigma()
        if self.brush == "wide_blurry":
            daubs = gaussian(daubs, sigma)
        if self.brush == "sparkle":
            lift = np.maximum(rgb.astype(np.float32) - daubs, 0)
            daubs = daubs + np.float32(2.5) * gaussian(lift, 1.0)
        amount = self.sharpness / 5 * (2 if self.brush == "wide_sharp" else 1)
        out = daubs + np.float32(amount) * (daubs - gaussian(daubs, sigma))
        return _done(src, inner, out, coverage)


# -- Palette Knife -----------------------------------------------------------------------

@dataclass(frozen=True)
class PaletteKnife(Ranged, Operation):
    """Paint spread thin with a knife, in flat patches with crisp edges: medians of Stroke
    Size over Stroke Detail's fraction of a quarter of it, run twice (a repeated median
    tends to its root signal, piecewise flat: Tukey's, Gallagher and Wise's), their edges
    crisped by an unsharp mask, which Softness trades for a Gaussian blur."""

    label: ClassVar[str] = "Palette Knife"
    rows: ClassVar[tuple] = (("size", "Stroke Size", 1, 50, 0, ""),
                             ("detail", "Stroke Detail", 1, 3, 0, ""),
                             ("softness", "Softness", 0, 10, 0, ""))
    size: int = 25      # Stroke Size 1..50
    detail: int = 3     # Stroke Detail 1..3
    softness: int = 0   # Softness 0..10

    def _radius(self) -> int:
        return max(1, round(self.size / 4 * (1.5 - self.detail / 4)))

    def reach(self) -> int:
        return 2 * self._radius() + gaussian_kernel_radius(self._radius() / 2) \
            + gaussian_kernel_radius(self.softness / 2) + 1 + FILL

    def process(self, src, inner, where, coverage):
        r = self._radius()
        flat = _median(_median(_rgb(src), r), r).astype(np.float32)
        # The knife's crisp patch edges (an unsharp mask of the patch size), which
        # Softness trades for a blur.
        crisp = flat + np.float32(1.5 * (1 - self.softness / 10)) * (flat - gaussian(flat, r / 2))
        out = gaussian(crisp, self.softness / 2) if self.softness else crisp
        return _done(src, inner, out, coverage)


# -- Plastic Wrap ------------------------------------------------------------------------

@dataclass(frozen=True)
class PlasticWrap(Ranged, Operation):
    """The picture shrink-wrapped in shiny plastic: the luma, softened by Smoothness, is a
    surface; where it faces the light (from the top left: Phong's specular term, 1975, of
    a bump-mapped surface as `lit`'s) a white highlight of Highlight Strength shines, and
    Detail raises the surface's relief (more, smaller highlights)."""

    label: ClassVar[str] = "Plastic Wrap"
    rows: ClassVar[tuple] = (("strength", "Highlight Strength", 0, 20, 0, ""),
                             ("detail", "Detail", 1, 15, 0, ""),
                             ("smoothness", "Smoothness", 1, 15, 0, ""))
    strength: int = 15     # Highlight Strength 0..20
    detail: int = 9        # Detail 1..15
    smoothness: int = 7    # Smoothness 1..15

    def _sigma(self) -> float:
        return 0.5 + 0.4 * self.smoothness

    def reach(self) -> int:
        return gaussian_kernel_radius(self._sigma()) + 2 + FILL

    def is_identity(self) -> bool:
        return self.strength == 0

    def process(self, src, inner, where, coverage):
        rgb = _rgb(src).astype(np.float32)
        h = gaussian(luma(rgb) * np.float32(1 / 255), self._sigma())
        gy, gx = np.gradient(h)
        k = np.float32(self.detail * 6 * self._sigma())
        # The light from the top left: a slope rising to it shines (the shine a power of
        # the facing, so the highlights are narrow as on plastic).
        facing = np.clip(-(gx + gy) * np.float32(1 / math.sqrt(2)) * k, 0, 1)
        shine = facing ** 3 * np.float32(self.strength / 15)
        shade = np.clip((gx + gy) * np.float32(1 / math.sqrt(2)) * k, 0, 1) * np.float32(0.25)
        out = rgb * (1 - shade)[..., None] + (np.float32(255) - rgb) * np.clip(shine, 0, 1)[..., None]
        return _done(src, inner, out, coverage)


# -- Rough Pastels -----------------------------------------------------------------------

@dataclass(frozen=True)
class RoughPastels(Ranged, Operation):
    """Chalk pastel strokes on a textured ground: the colours smeared along 45° strokes of
    Stroke Length (a motion blur), broken by a chalky screen of the same strokes
    (`stroke_screen`: the lights catch more chalk), Stroke Detail the share of the picture's
    fine detail kept, over Texturizer's surface (Texture, Scaling, Relief, Light, Invert)."""

    label: ClassVar[str] = "Rough Pastels"
    rows: ClassVar[tuple] = (("length", "Stroke Length", 0, 40, 0, ""),
                             ("detail", "Stroke Detail", 1, 20, 0, "")) + TEXTURE_ROWS
    length: int = 6           # Stroke Length 0..40
    detail: int = 4           # Stroke Detail 1..20
    texture: str = "canvas"   # TEXTURES
    scaling: int = 100        # Scaling 50..200 %
    relief: int = 20          # Relief 0..50
    light: str = "bottom"     # LIGHTS
    invert: bool = False

    def reach(self) -> int:
        return int(math.ceil((6 + self.length) / 2)) + 2 + 2 + FILL

    def process(self, src, inner, where, coverage):
        ys, xs = _canvas_grid(src.shape, inner, where)
        rgb = _rgb(src).astype(np.float32)
        length = 6.0 + self.length
        strokes = _streaked(rgb, 45.0, length)
        strokes += (rgb - strokes) * np.float32(self.detail / 25)
        # Chalk: the strokes' screen lifts some pixels towards the paper's white and
        # darkens others, along the stroke.
        chalk = stroke_screen(263, ys, xs, 45.0, length) - np.float32(0.5)
        out = strokes + (chalk * np.float32(40))[..., None]
        # (Relief 20, the default, lights the texture as Texturizer's 5)
        out = _textured(out, src.shape, inner, where, self.texture, self.scaling,
                        self.relief / 4, self.light, self.invert)
        return _done(src, inner, out, coverage)


# -- Smudge Stick ------------------------------------------------------------------------

@dataclass(frozen=True)
class SmudgeStick(Ranged, Operation):
    """Soft diagonal smudges that smear the darks: the colours smeared along 45° strokes of
    Stroke Length (a motion blur), the darker tones streaked darker still (a grey erosion
    along the same line, the stick's pigment), and Highlight Area and Intensity lifting
    the lights towards white (`_highlights`, as Film Grain's)."""

    label: ClassVar[str] = "Smudge Stick"
    rows: ClassVar[tuple] = (("length", "Stroke Length", 0, 10, 0, ""),
                             ("area", "Highlight Area", 0, 20, 0, ""),
                             ("intensity", "Intensity", 0, 10, 0, ""))
    length: int = 2       # Stroke Length 0..10
    area: int = 0         # Highlight Area 0..20
    intensity: int = 10   # Intensity 0..10

    def _length(self) -> float:
        return 4.0 + 3.0 * self.length

    def reach(self) -> int:
        return 2 * (int(math.ceil(self._length() / 2)) + 2) + FILL

    def process(self, src, inner, where, coverage):
        import cv2

        rgb = _rgb(src)
        line = (motion_kernel(45.0, self._length()) > 0).astype(np.uint8)
        streak = cv2.erode(rgb, line, borderType=cv2.BORDER_REPLICATE).astype(np.float32)
        smeared = _streaked(rgb, 45.0, self._length())
        lum = (luma(smeared) * np.float32(1 / 255))[..., None]
        dark = (1 - lum) ** 2  # (the darks take the stick's streaks)
        out = smeared + (_streaked(streak, 45.0, 3.0) - smeared) * dark
        return _done(src, inner, _highlights(out, self.area, self.intensity), coverage)


# -- Sponge ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Sponge(Ranged, Operation):
    """Paint dabbed with a sponge: a mottled pattern of pores (value noise in cells of
    2 + Brush Size px, `hash01`, softened by a Gaussian of Smoothness), its contrast
    Definition, darkening the pores and lifting the rest, over the colours softened by
    a median of Brush Size."""

    label: ClassVar[str] = "Sponge"
    rows: ClassVar[tuple] = (("size", "Brush Size", 0, 10, 0, ""),
                             ("definition", "Definition", 0, 25, 0, ""),
                             ("smoothness", "Smoothness", 1, 15, 0, ""))
    size: int = 2          # Brush Size 0..10
    definition: int = 12   # Definition 0..25
    smoothness: int = 5    # Smoothness 1..15

    def _sigma(self) -> float:
        return 0.3 * self.smoothness

    def reach(self) -> int:
        return max(self.size // 2, gaussian_kernel_radius(self._sigma())) + 1 + FILL

    def process(self, src, inner, where, coverage):
        from .canvas_hash import value_noise
        from engine.box import Box

        x0, y0 = gf._origin(inner, where)
        box = Box(x0, y0, src.shape[1], src.shape[0])
        cell = 2 + self.size
        pores = value_noise(269, box, cell, float(cell)) \
            + np.float32(0.5) * value_noise(271, box, max(2, cell // 2), max(2.0, cell / 2))
        pores = gaussian(pores.astype(np.float32) * np.float32(1 / 1.5), self._sigma())
        # Centred and sharpened into pores: -1 (a pore) .. 1 (the sponge's face).
        t = np.tanh((pores - np.float32(0.5)) * np.float32(8))
        paint = _median(_rgb(src), self.size // 2).astype(np.float32)
        out = paint + (t * np.float32(2.4 * self.definition))[..., None]
        return _done(src, inner, out, coverage)


# -- Underpainting -----------------------------------------------------------------------

@dataclass(frozen=True)
class Underpainting(Ranged, Operation):
    """The picture painted first on a textured canvas, then over it: the colours softened
    by a median and a Gaussian of Brush Size (the underpainting), a little washed out,
    on Texturizer's surface (Texture, Scaling, Relief, Light, Invert) whose share is
    Texture Coverage / 40."""

    label: ClassVar[str] = "Underpainting"
    rows: ClassVar[tuple] = (("size", "Brush Size", 0, 40, 0, ""),
                             ("coverage", "Texture Coverage", 0, 40, 0, "")) + TEXTURE_ROWS
    size: int = 6             # Brush Size 0..40
    coverage: int = 16        # Texture Coverage 0..40
    texture: str = "canvas"   # TEXTURES
    scaling: int = 100        # Scaling 50..200 %
    relief: int = 4           # Relief 0..50
    light: str = "top"        # LIGHTS
    invert: bool = False

    def _sigma(self) -> float:
        return self.size / 4

    def reach(self) -> int:
        return self.size // 2 + gaussian_kernel_radius(self._sigma()) + 1 + FILL

    def process(self, src, inner, where, coverage):
        soft = gaussian(_median(_rgb(src), self.size // 2).astype(np.float32), self._sigma())
        soft = soft * np.float32(0.9) + np.float32(20)  # (paint over a light ground)
        textured = _textured(soft, src.shape, inner, where, self.texture, self.scaling,
                             self.relief * 2, self.light, self.invert)
        out = soft + (textured - soft) * np.float32(self.coverage / 40)
        return _done(src, inner, out, coverage)


EFFECTS: dict[str, type] = {
    "colored_pencil": ColoredPencil, "film_grain": FilmGrain, "fresco": Fresco,
    "neon_glow": NeonGlow, "paint_daubs": PaintDaubs, "palette_knife": PaletteKnife, "plastic_wrap": PlasticWrap,
    "rough_pastels": RoughPastels, "smudge_stick": SmudgeStick, "sponge": Sponge,
    "underpainting": Underpainting}
gf.register(EFFECTS)
