"""Filter Gallery > Texture: Grain (its ten Grain Types), Mosaic Tiles, Patchwork and Stained
Glass (Craquelure and Texturizer are in `gallery_filters`), made as the gallery's other
folders are: frozen settings with Photoshop's names, ranges and defaults (`rows`, checked as
the filter is made: `gallery_filters.Ranged`), `process` on a crop with `reach()` pixels
about it, the selection's coverage mixing the result, alpha kept.

Photoshop publishes no formula for these: each is our own and says whose idea it follows.
Grain, tiles and cells are functions of the canvas position (`hash01`, `stroke_screen`, a
grid or jittered points on the canvas); a cell's colour is the exact mean of its pixels
(integer sums), and the reach covers every cell that touches the box, so a band, a crop or
a selection sees the same, and the same settings give the same pixels.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from . import gallery_filters as gf
from .canvas_hash import hash01, luma
from .gallery_filters import (FILL, INK, PAPER, Ranged, _canvas_grid, _clumps, _done, _inked, _rgb,
                              lit, stroke_screen)
from .pixel_filters import Operation

GRAIN_TYPES = ("regular", "soft", "sprinkles", "clumped", "contrasty", "enlarged", "stippled",
               "horizontal", "vertical", "speckle")
GRAIN_TEXTS = ("Regular", "Soft", "Sprinkles", "Clumped", "Contrasty", "Enlarged", "Stippled",
               "Horizontal", "Vertical", "Speckle")


def cell_means(rgb: np.ndarray, row: np.ndarray, col: np.ndarray) -> np.ndarray:
    """float32 (h, w, 3): each pixel's colour replaced by the mean of the uint8 colours
    `rgb` of the pixels in its cell (int64 `row`, `col`: the cell's place on the canvas).
    The sums are of integers (exact in float64), so a cell wholly in two crops gets the
    same mean in both."""
    row, col = row - row.min(), col - col.min()
    index = (row * (col.max() + 1) + col).ravel()  # (dense: bincount, no sort)
    n = int(index.max()) + 1
    count = np.maximum(np.bincount(index, minlength=n), 1).astype(np.float64)
    out = np.empty(rgb.shape[:2] + (3,), np.float32)
    for c in range(3):
        total = np.bincount(index, weights=rgb[..., c].ravel(), minlength=n)
        out[..., c] = (total / count)[index].reshape(rgb.shape[:2])
    return out


def _contrasted(rgb: np.ndarray, contrast: float) -> np.ndarray:
    """float32 colours with their contrast about mid-grey scaled by 2 ** (contrast / 50 - 1)
    (Contrast 50: as they were)."""
    k = np.float32(2 ** (contrast / 50 - 1))
    return np.float32(128) + (rgb - np.float32(128)) * k


# -- Grain ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Grain(Ranged, Operation):
    """Grain of one of Photoshop's ten Grain Types, Intensity its strength, Contrast the
    picture's (50: as it is): Regular coloured noise per pixel; Soft the same softened;
    Sprinkles specks of the Background colour; Clumped noise in clumps (`_clumps`);
    Contrasty strong noise and a harder picture; Enlarged noise of 3 px grains; Stippled the
    picture stippled in the Foreground colour on the Background; Horizontal and Vertical
    noise drawn out into streaks (`stroke_screen`); Speckle sparse dark and light specks
    (film grain's kinds, all at canvas positions). Intensity 0 and Contrast 50 leave the
    picture as it is."""

    label: ClassVar[str] = "Grain"
    rows: ClassVar[tuple] = (("intensity", "Intensity", 0, 100, 0, ""),
                             ("contrast", "Contrast", 0, 100, 0, ""),
                             ("combo", "type", "Grain Type", GRAIN_TYPES, GRAIN_TEXTS))
    intensity: int = 40      # Intensity 0..100
    contrast: int = 50       # Contrast 0..100
    type: str = "regular"    # GRAIN_TYPES
    foreground: tuple = INK
    background: tuple = PAPER

    def reach(self) -> int:
        return 10

    def is_identity(self) -> bool:
        return self.intensity == 0 and self.contrast == 50

    def _noise(self, ys, xs) -> np.ndarray:
        """float32 (h, w, 1 or 3) noise about 0 of spread about ±0.5."""
        kind = self.type
        if kind == "regular":
            return np.stack([hash01(347 + c, ys, xs) for c in range(3)], -1) - np.float32(0.5)
        if kind == "soft":
            return (_clumps(349, ys, xs, 0.7) - np.float32(0.5))[..., None] * np.float32(0.6)
        if kind == "clumped":
            return (_clumps(353, ys, xs, 1.6) - np.float32(0.5))[..., None]
        if kind == "contrasty":
            return (hash01(359, ys, xs) - np.float32(0.5))[..., None] * np.float32(1.6)
        if kind == "enlarged":
            return (_clumps(367, ys // 3, xs // 3, 0.0) - np.float32(0.5))[..., None]
        if kind in ("horizontal", "vertical"):
            angle = 0.0 if kind == "horizontal" else 90.0
            return (stroke_screen(373, ys, xs, angle, 15.0) - np.float32(0.5))[..., None]
        raise AssertionError(kind)

    def process(self, src, inner, where, coverage):
        ys, xs = _canvas_grid(src.shape, inner, where)
        rgb = _contrasted(_rgb(src).astype(np.float32),
                          self.contrast * (1.5 if self.type == "contrasty" else 1.0))
        amount = np.float32(self.intensity / 100)
        if self.type == "sprinkles":
            speck = (hash01(379, ys, xs) < amount * np.float32(0.3)).astype(np.float32)
            out = rgb + (np.float32(self.background) - rgb) * speck[..., None]
        elif self.type == "speckle":
            n = hash01(383, ys, xs)
            p = amount * np.float32(0.12)
            d = np.where(n < p, np.float32(-160), np.where(n > 1 - p, np.float32(160), 0))
            out = rgb + d[..., None].astype(np.float32)
        elif self.type == "stippled":
            dark = 1 - luma(rgb) * np.float32(1 / 255)
            dots = (hash01(389, ys, xs) < dark).astype(np.float32)
            stipple = _inked(dots, self.foreground, self.background)
            out = rgb + (stipple - rgb) * amount
        else:
            out = rgb + self._noise(ys + 0 * xs, xs + 0 * ys) * np.float32(2.2 * self.intensity)
        return _done(src, inner, out, coverage)


# -- Mosaic Tiles --------------------------------------------------------------------------

@dataclass(frozen=True)
class MosaicTiles(Ranged, Operation):
    """The picture on small, slightly irregular tiles with grout between them (Photoshop's
    help): a grid of Tile Size whose lines wander (a smooth sine wobble of the canvas
    position), grout Grout Width wide in the picture's colours darkened and then lightened
    towards white by Lighten Grout, the tiles' bevelled edges lit from the top left
    (`lit`)."""

    label: ClassVar[str] = "Mosaic Tiles"
    rows: ClassVar[tuple] = (("size", "Tile Size", 2, 100, 0, ""),
                             ("grout", "Grout Width", 1, 15, 0, ""),
                             ("lighten", "Lighten Grout", 0, 10, 0, ""))
    size: int = 12      # Tile Size 2..100
    grout: int = 3      # Grout Width 1..15
    lighten: int = 9    # Lighten Grout 0..10

    def reach(self) -> int:
        return 2

    def process(self, src, inner, where, coverage):
        ys, xs = _canvas_grid(src.shape, inner, where)
        ys, xs = (ys + 0 * xs).astype(np.float32), (xs + 0 * ys).astype(np.float32)
        s = np.float32(self.size + self.grout)  # one tile and its grout
        # The lines wander by up to 6 % of a tile (different along each line).
        k = np.float32(2 * math.pi / (3.7 * s))
        u = xs + np.float32(0.06) * s * np.sin(ys * k + np.floor(xs / s) * np.float32(1.7))
        v = ys + np.float32(0.06) * s * np.sin(xs * k + np.floor(ys / s) * np.float32(2.3))
        du, dv = np.mod(u, s), np.mod(v, s)
        edge = np.minimum(np.minimum(du, s - du), np.minimum(dv, s - dv))  # px to a line
        half = np.float32(self.grout / 2)
        tile = np.clip(edge - half + np.float32(0.5), 0, 1)  # 0: grout, 1: tile
        bevel = np.clip((edge - half) / np.float32(max(1.5, self.size / 6)), 0, 1)
        rgb = _rgb(src).astype(np.float32)
        grout = rgb * np.float32(0.35)
        grout = grout + (np.float32(255) - grout) * np.float32(0.045 * self.lighten)
        tiles = rgb * lit(bevel.astype(np.float32), "top_left", 6.0)[..., None]
        out = grout + (tiles - grout) * tile[..., None]
        return _done(src, inner, out, coverage)


# -- Patchwork -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Patchwork(Ranged, Operation):
    """Squares of the canvas grid (4 + 2 x Square Size px) each filled with the mean colour
    of its pixels (`cell_means`), raised or lowered at random by up to Relief (a height per
    square from `hash01`, the squares' edges bevelled) and lit from the top left (`lit`):
    Photoshop's help's squares of the predominant colour at random depths."""

    label: ClassVar[str] = "Patchwork"
    rows: ClassVar[tuple] = (("size", "Square Size", 0, 10, 0, ""),
                             ("relief", "Relief", 0, 25, 0, ""))
    size: int = 4      # Square Size 0..10
    relief: int = 8    # Relief 0..25

    def _side(self) -> int:
        return 4 + 2 * self.size

    def reach(self) -> int:
        return self._side() + 2 + FILL

    def process(self, src, inner, where, coverage):
        ys, xs = _canvas_grid(src.shape, inner, where)
        ys, xs = ys + 0 * xs, xs + 0 * ys
        side = self._side()
        cy, cx = ys // side, xs // side
        flat = cell_means(_rgb(src), cy, cx)
        dy, dx = ys - cy * side, xs - cx * side
        edge = np.minimum(np.minimum(dx, side - 1 - dx), np.minimum(dy, side - 1 - dy))
        depth = hash01(397, cy, cx) * np.float32(0.8) + np.float32(0.2)
        height = np.clip(edge.astype(np.float32) / 2, 0, 1) * depth
        out = flat * lit(height.astype(np.float32), "top_left", 1.5 * self.relief)[..., None]
        return _done(src, inner, out, coverage)


# -- Stained Glass -------------------------------------------------------------------------

@dataclass(frozen=True)
class StainedGlass(Ranged, Operation):
    """Adjacent single-colour cells outlined in the Foreground colour (Photoshop's help):
    the Voronoi cells of one jittered point per Cell Size square of the canvas (Worley's
    cellular noise, as Craquelure's), each filled with the mean colour of its pixels
    (`cell_means`), the lead Border Thickness px wide about the cells' borders (the
    bisectors of the nearest two points), and Light Intensity a light shining through the middle of the box."""

    label: ClassVar[str] = "Stained Glass"
    rows: ClassVar[tuple] = (("size", "Cell Size", 2, 50, 0, ""),
                             ("border", "Border Thickness", 1, 20, 0, ""),
                             ("light", "Light Intensity", 0, 10, 0, ""))
    size: int = 10      # Cell Size 2..50
    border: int = 4     # Border Thickness 1..20
    light: int = 3      # Light Intensity 0..10
    foreground: tuple = INK

    def reach(self) -> int:
        return 3 * self.size + 2 + FILL

    def banded(self) -> bool:
        return self.light == 0  # (the light is about the middle of the whole box)

    def process(self, src, inner, where, coverage):
        ys, xs = _canvas_grid(src.shape, inner, where)
        ys, xs = ys + 0 * xs, xs + 0 * ys
        s = np.float32(self.size)
        u, v = xs.astype(np.float32) / s, ys.astype(np.float32) / s
        iu, iv = xs // self.size, ys // self.size
        # Each cell's point (kept 0.1 cell from its edges), hashed once per cell of the crop
        # and the cells about it, then read at each pixel's 3 x 3 cells.
        u0, v0 = int(iu.min()) - 1, int(iv.min()) - 1
        lu = np.arange(u0, int(iu.max()) + 2)[None, :]
        lv = np.arange(v0, int(iv.max()) + 2)[:, None]
        jx = np.float32(0.1) + np.float32(0.8) * hash01(401, lv, lu)
        jy = np.float32(0.1) + np.float32(0.8) * hash01(409, lv, lu)
        # The 9 candidate points of each pixel, their squared distances, the nearest two.
        near9 = [(dv, du) for dv in (-1, 0, 1) for du in (-1, 0, 1)]
        px = np.stack([(iu + du).astype(np.float32) + jx[iv + dv - v0, iu + du - u0]
                       for dv, du in near9])
        py = np.stack([(iv + dv).astype(np.float32) + jy[iv + dv - v0, iu + du - u0]
                       for dv, du in near9])
        d = (u - px) ** 2 + (v - py) ** 2
        first = np.argmin(d, axis=0)[None]
        near = np.take_along_axis(d, first, 0)[0]
        nx, ny = (np.take_along_axis(a, first, 0)[0] for a in (px, py))
        np.put_along_axis(d, first, np.inf, 0)
        other = np.argmin(d, axis=0)[None]
        second = np.take_along_axis(d, other, 0)[0]
        sx, sy = (np.take_along_axis(a, other, 0)[0] for a in (px, py))
        offsets = np.array(near9)
        row, col = iv + offsets[first[0], 0], iu + offsets[first[0], 1]
        glass = cell_means(_rgb(src), row, col)
        if self.light:
            x0, y0 = where.x + where.w / 2, where.y + where.h / 2  # (canvas, as xs, ys)
            r = np.hypot(xs - x0, ys - y0) / max(1.0, math.hypot(where.w, where.h) / 2)
            glow = np.clip(1 - r, 0, 1).astype(np.float32) ** 2 * np.float32(0.09 * self.light)
            glass = glass + (np.float32(255) - glass) * glow[..., None]
        # The distance to the border between the two nearest cells (their bisector), in px:
        # (d2² - d1²) / (2 |p2 - p1|); the lead is Border Thickness wide, centred on it.
        apart = np.maximum(np.hypot(sx - nx, sy - ny), np.float32(1e-3))
        edge = (second - near) / (2 * apart) * s
        lead = np.clip(np.float32(self.border / 2) - edge + np.float32(0.5), 0, 1)
        out = glass + (np.float32(self.foreground) - glass) * lead[..., None]
        return _done(src, inner, out, coverage)


EFFECTS: dict[str, type] = {"grain": Grain, "mosaic_tiles": MosaicTiles,
                            "patchwork": Patchwork, "stained_glass": StainedGlass}
gf.register(EFFECTS)
