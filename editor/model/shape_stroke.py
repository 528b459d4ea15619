"""A shape layer's vector stroke (Photoshop's shape Stroke options, its 'vstk' block).

Photoshop's shape layer is a fill layer whose vector mask is the shape; its stroke is
drawn along that path in a solid colour, `width` pixels wide, inside it, centred on it
or outside it, at its own opacity, over the fill, and the fill itself may be turned off
(`fill`). The path's stroke coverage is made by the vector mask (`VectorMask.
stroke_raster`, antialiased with Qt's path stroker and kept with the path's own raster);
this module holds the settings, an immutable value replaced as one undo step, and lays
the stroke over what the fill paints.

Dashes are drawn as Photoshop stores them: lengths (dash, gap, dash, ...) and an offset
in stroke widths, along a closed subpath from its lowest knot as Photoshop lays them out
(`vector_mask._dash_start`); `DASH_PRESETS` are its Stroke Options presets. What a stroke may carry
that Layered does not draw (a gradient or pattern content: psd.py draws those strokes
with psd-tools) stays in `descriptor`, the 'vstk' descriptor as read, which psd.py writes
back with only the keys it models changed.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import numpy as np

ALIGNMENTS = ("inside", "center", "outside")
CAPS = ("butt", "round", "square")
JOINS = ("miter", "round", "bevel")
MAX_WIDTH = 1000.0  # pixels: the widest stroke Photoshop's options allow (288 pt ~ 1000 px)
# Photoshop's Stroke Options presets: name -> (dashes in stroke widths, cap). A dotted line
# is dashes of no length with round caps: each a dot as wide as the stroke.
DASH_PRESETS = {"solid": ((), "butt"), "dashed": ((4.0, 2.0), "butt"),
                "dotted": ((0.0, 2.0), "round")}


@dataclass(frozen=True)
class ShapeStroke:
    """The stroke of a shape layer. `width` in pixels, `opacity` in percent; `color`
    (r, g, b) 0..255; `dashes` (dash, gap, ... lengths) and `dash_offset` (where along the
    pattern the path starts) in stroke widths, as Photoshop stores them; no dashes: a
    solid line. `descriptor`: the 'vstk' descriptor it was read from (None for one made here),
    `content_block`: the shape's fill was read from a 'vscg' block (written there again)."""

    enabled: bool = True
    fill: bool = True
    width: float = 3.0
    alignment: str = "inside"
    color: tuple = (0, 0, 0)
    opacity: float = 100.0
    cap: str = "butt"
    join: str = "miter"
    miter_limit: float = 100.0
    dashes: tuple = ()
    dash_offset: float = 0.0
    descriptor: Any = field(default=None, compare=False, repr=False)
    content_block: bool = field(default=False, compare=False)

    def __post_init__(self):
        if self.alignment not in ALIGNMENTS:
            raise ValueError(f"a stroke goes {', '.join(ALIGNMENTS)}, not {self.alignment!r}")
        if self.cap not in CAPS or self.join not in JOINS:
            raise ValueError(f"unknown cap {self.cap!r} or join {self.join!r}")
        if not 0 <= float(self.width) <= MAX_WIDTH:
            raise ValueError(f"a stroke is 0 to {MAX_WIDTH:g} px wide, not {self.width}")
        object.__setattr__(self, "width", float(self.width))
        object.__setattr__(self, "opacity", min(100.0, max(0.0, float(self.opacity))))
        object.__setattr__(self, "color", tuple(int(v) for v in self.color[:3]))
        object.__setattr__(self, "dashes", tuple(float(v) for v in self.dashes))
        object.__setattr__(self, "dash_offset", float(self.dash_offset))
        if any(v < 0 for v in self.dashes):
            raise ValueError(f"dash lengths are not negative: {self.dashes}")

    def replace(self, **changes) -> "ShapeStroke":
        return dataclasses.replace(self, **changes)

    def drawn(self) -> bool:
        """Whether it paints anything."""
        return self.enabled and self.width > 0 and self.opacity > 0

    def geometry(self) -> tuple:
        """What its coverage depends on (the path aside): the key it is kept by."""
        return (self.width, self.alignment, self.cap, self.join, self.miter_limit,
                self.dashes, self.dash_offset)

    def dashed(self) -> bool:
        """Whether it is drawn in dashes (a pattern of no length at all is a solid line)."""
        return any(v > 0 for v in self.dashes)

    def preset(self):
        """The name of the Stroke Options preset (`DASH_PRESETS`) its dashes and cap are,
        None for dashes of its own."""
        if not self.dashed():
            return "solid"
        return next((name for name, (dashes, cap) in DASH_PRESETS.items()
                     if dashes == self.dashes and cap == self.cap), None)


def paint_over(pixels: np.ndarray, coverage: np.ndarray, stroke: ShapeStroke,
               shape: np.ndarray | None = None) -> None:
    """Lays `stroke`'s colour, as opaque as `coverage` (uint8, one per pixel) times its
    opacity, over straight RGBA `pixels` (uint8, changed in place): `lay_over` in 8 bits.

    With `shape`, the path's own coverage (uint8) of the pixels, an edge pixel is parts
    of areas rather than layers over each other: a stroke inside the path covers part of
    the fill's area (the pixel no more opaque than the fill was there), one outside it
    lies beside the fill (their areas add up). "Over" counted an inside stroke's edge
    pixels twice: the shape grew by about a third of a pixel (psd-tools'
    layers/shape-layer.psd: 222 where Photoshop and the exact area have 163)."""
    sa = coverage.astype(np.float32) * np.float32(stroke.opacity / 100 / 255)
    if not sa.any():
        return
    rgba = pixels.astype(np.float32) * np.float32(1 / 255)
    area = None if shape is None else shape.astype(np.float32) * np.float32(1 / 255)
    lay_over(rgba, sa, stroke, area)
    pixels[...] = np.clip(np.rint(rgba * 255), 0, 255).astype(np.uint8)


def lay_over(rgba: np.ndarray, sa: np.ndarray, stroke: ShapeStroke,
             area: np.ndarray | None = None) -> None:
    """`stroke`'s colour, as opaque as `sa` (float 0..1 per pixel, its opacity included),
    over straight float RGBA `rgba` (0..1, in place), Porter-Duff "over" unless `area` (the
    path's own coverage, 0..1) makes an edge pixel parts of areas (`paint_over`). Also how
    a styled shape layer's stroke is laid over its interior effects, which lie under it in
    Photoshop (`layer_effects.styled_layers`)."""
    da = rgba[..., 3]
    if area is None or stroke.alignment == "center":
        below = da * (1 - sa)
    elif stroke.alignment == "inside":
        below = da * (1 - np.minimum(1, sa / np.maximum(area, np.float32(1e-6))))
    else:
        below = np.minimum(da, 1 - sa)
    out_a = sa + below
    safe = np.where(out_a > 0, out_a, 1)
    color = np.asarray(stroke.color, np.float32) * np.float32(1 / 255)
    rgba[..., :3] = (color * sa[..., None] + rgba[..., :3] * below[..., None]) / safe[..., None]
    rgba[..., 3] = out_a
