"""Warp Text: Photoshop's envelope warps of a type layer, its text kept editable.

A type layer's warp is part of its settings (`TextSettings.warp_style`, `warp_bend`,
`warp_h`, `warp_v` in percent -100..100, `warp_vertical`), as Photoshop keeps it in the
type layer's 'TySh' warp descriptor (warpStyle, warpValue, warpPerspective,
warpPerspectiveOther, warpRotate: `PSD_STYLES` here, psd_type.py reads and writes it).
The text is drawn flat first (text_layer.draw), then bent: the style is Edit > Transform >
Warp's preset of the same name (`warp.preset`: one bicubic patch fitted to the style's
shape, with the distortions' perspective) over the text's box, the advance box of its
lines together with its ink, and the flat pixels are resampled through it
(`warp.warp_pixels`), so Transform's warp and Warp Text are one path.

Warp Text (`warp_text`) is one undo step, "Warp Text", as any change of a type layer's
settings is (`text_layer.set_text`).

No Qt here.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from . import warp
from .errors import DocumentError

if TYPE_CHECKING:
    from .document import Document
    from .text_layer import TextSettings

NONE = "None"
STYLES = (NONE, *warp.PRESETS)  # the Warp Text dialog's Style menu, in Photoshop's order
# Photoshop's warpStyle enumeration (its 'TySh' warp descriptor) for each style.
PSD_STYLES = {NONE: "warpNone", **{name: "warp" + name.replace(" ", "")
                                   for name in warp.PRESETS}}
HISTORY_NAME = "Warp Text"


def is_warped(settings: "TextSettings") -> bool:
    """Whether the text draws bent: a style and any bend or distortion (Photoshop's None,
    or a style at 0 % with no distortion, draws it flat)."""
    return settings.warp_style != NONE and any(
        abs(v) > 1e-9 for v in (settings.warp_bend, settings.warp_h, settings.warp_v))


def warped(settings: "TextSettings", pixels: np.ndarray, box: tuple,
           left: float, top: float, limit: int) -> tuple[np.ndarray, int, int]:
    """The flat text `pixels` (straight RGBA, their top-left corner at (left, top) about
    the anchor) bent by the settings' warp over `box` (x, y, w, h about the anchor: the
    text's box). Returns (pixels, x, y): the bent pixels and their top-left corner about
    the anchor. A warp that would cover more than `limit` pixels is refused in one line
    (a huge text bent into a ring)."""
    x, y, w, h = box
    grid = _grid(settings, box)
    bounds = warp.warped_bounds(grid, box)
    if bounds.w * bounds.h > limit:
        raise DocumentError(f"The warped text would cover {bounds.w} x {bounds.h} pixels: "
                            f"make it smaller or bend it less.")
    out, ox, oy = warp.warp_pixels(pixels, grid, (x - left, y - top, w, h))
    return out, ox, oy


def map_points(settings: "TextSettings", box: tuple, points: np.ndarray) -> np.ndarray:
    """(N, 2) points about the anchor on the flat text where the warp over `box` puts them
    (the Type tool's caret and selection on warped text)."""
    return warp.map_points(_grid(settings, box), box, points)


def _grid(settings: "TextSettings", box: tuple) -> np.ndarray:
    """The warp's control grid over `box`: Transform > Warp's preset of the same style."""
    return warp.preset(settings.warp_style, settings.warp_bend / 100.0, box,
                       vertical=settings.warp_vertical,
                       distortion=(settings.warp_h / 100.0, settings.warp_v / 100.0))


def warp_text(doc: "Document", layer, style: str, bend: float = 50.0,
              horizontal: float = 0.0, vertical: float = 0.0,
              vertical_orientation: bool = False) -> None:
    """Type > Warp Text on a type layer: its warp set (bend and distortions in percent,
    -100..100), the text still editable; one undo step. Bad values are refused in one
    readable line (TextSettings)."""
    from .text_layer import check_editable, set_text

    check_editable(doc, layer)
    settings = layer.type_settings.replace(
        warp_style=style, warp_bend=bend, warp_h=horizontal, warp_v=vertical,
        warp_vertical=vertical_orientation)
    set_text(doc, layer, settings, name=HISTORY_NAME)
