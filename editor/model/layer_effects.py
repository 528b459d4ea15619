"""Layer effects (Photoshop's layer styles): what a layer carries, and the three we draw.

A PSD layer's effects are the 'lfx2' descriptor (and the legacy 'lrFX', 'lmfx' for several
effects of one kind, the reference point 'fxrp'). psd.py keeps those tagged blocks on the
layer as they were read (`LayerEffects.blocks`, opaque here) and writes them back, so a
file's effects survive Open -> Save whatever they are. What Layered changes (the master
switch, Hide/Show All Effects; the three effects below, set in the Layer Style dialog) is
written into the descriptor, every other key kept (psd.effect_blocks). The effects we draw are read from it:

- Drop Shadow: the layer's alpha, spread (a dilation by `size * spread / 100` pixels),
  then blurred by what is left of `size` (a Gaussian of sigma = the rest / 2: Photoshop's
  "size" is the width of the soft edge, and +-2 sigma holds 95 % of a Gaussian, so the
  edge fades over about `size` pixels as in Photoshop), offset by `distance` away from the
  light's `angle`, tinted with its colour at its opacity and blended under the layer with
  its own mode.
- Stroke (solid colour): outside (the alpha dilated by `size`, under the layer), inside
  (the alpha less its erosion by `size`, over it) or centre (dilated and eroded by half),
  at its colour and opacity. Distances are Euclidean (an exact distance transform), with
  a one-pixel ramp so edges are antialiased.
- Color Overlay: its colour blended onto the layer's colours with its mode and opacity,
  inside the layer's alpha.

Everything else (bevels, glows, gradient/pattern overlays, satin, inner shadow, gradient or
pattern strokes) is kept and written back but not drawn: `not_drawn` names them.
The layer's own mode and opacity then apply to the whole styled layer (the shadow keeps
its own mode); its fill opacity to its own pixels only (`styled_layers`). Pure numpy/scipy: no Qt.

A group's style is drawn the same way from the group's composite (its layers composited on
transparency, through its mask), not from each layer: one stroke round all of them. A Pass
Through group with a drawn style is composited so too and blended as Normal (Photoshop's
rule); render.py makes it over the rows it redraws and `reach()` around them.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Optional

import numpy as np

from engine.compose import blend, over


@dataclass(frozen=True)
class DropShadow:
    enabled: bool = True
    color: tuple[int, int, int] = (0, 0, 0)
    opacity: float = 75.0  # percent
    angle: float = 120.0  # degrees, the direction the light comes from
    distance: float = 5.0  # pixels
    spread: float = 0.0  # percent of size
    size: float = 5.0  # pixels
    blend_mode: str = "multiply"
    # Photoshop's "Use Global Light": the angle is the document's (written so when the
    # angle is the document's global angle; psd.py writes a local angle otherwise).
    use_global_light: bool = False

    def offset(self) -> tuple[int, int]:
        """The shadow's offset (dx, dy): away from the light (y grows downwards)."""
        a = math.radians(self.angle)
        return int(round(-self.distance * math.cos(a))), int(round(self.distance * math.sin(a)))


@dataclass(frozen=True)
class Stroke:
    enabled: bool = True
    position: str = "outside"  # outside / inside / center
    size: float = 3.0
    color: tuple[int, int, int] = (0, 0, 0)
    opacity: float = 100.0
    blend_mode: str = "normal"


@dataclass(frozen=True)
class ColorOverlay:
    enabled: bool = True
    color: tuple[int, int, int] = (255, 0, 0)
    opacity: float = 100.0
    blend_mode: str = "normal"


@dataclass(frozen=True)
class LayerEffects:
    """A layer's style. `enabled` is the master switch (Hide All Effects); `blocks` the
    file's tagged blocks as read (psd.py's, written back); `others` the kinds of enabled
    effects we keep but do not draw (e.g. "Bevel & Emboss")."""
    enabled: bool = True
    drop_shadows: tuple[DropShadow, ...] = ()
    strokes: tuple[Stroke, ...] = ()
    color_overlays: tuple[ColorOverlay, ...] = ()
    others: tuple[str, ...] = ()
    blocks: tuple = field(default=(), compare=False)

    def drawn(self) -> bool:
        """Whether anything here changes how the layer is drawn."""
        return self.enabled and any(e.enabled for e in self.drop_shadows + self.strokes
                                    + self.color_overlays)

    def not_drawn(self) -> tuple[str, ...]:
        return self.others if self.enabled else ()

    def margin(self) -> int:
        """How far beyond the layer's pixels the drawn effects can reach."""
        if not self.drawn():
            return 0
        reach = 0
        for s in self.drop_shadows:
            if s.enabled:
                dx, dy = s.offset()
                reach = max(reach, int(math.ceil(s.size)) * 2 + max(abs(dx), abs(dy)) + 2)
        for s in self.strokes:
            if s.enabled and s.position != "inside":
                reach = max(reach, int(math.ceil(s.size)) + 2)
        return reach

    def reach(self) -> int:
        """How far a change of the pixels the effects are made from can change what they
        draw: beyond the pixels by `margin()`, and inside them by the widest inside or
        centre stroke (a pixel made transparent moves the inner edge of the ring around
        it), one pixel more for the ramp. 0 when nothing is drawn."""
        if not self.drawn():
            return 0
        inward = max((s.size for s in self.strokes if s.enabled and s.position != "outside"),
                     default=0)
        return self.margin() + int(math.ceil(inward)) + 1

    def with_enabled(self, enabled: bool) -> "LayerEffects":
        return replace(self, enabled=enabled)


# The kinds the Layer Style dialog edits: (LayerEffects field, the effect's class, label).
EDITABLE = (("drop_shadows", DropShadow, "Drop Shadow"), ("strokes", Stroke, "Stroke"),
            ("color_overlays", ColorOverlay, "Color Overlay"))


def first_of(effects: Optional[LayerEffects], kind: str):
    """The first effect of `kind` (a LayerEffects field) in `effects`, or None."""
    found = getattr(effects, kind, ()) if effects is not None else ()
    return found[0] if found else None


def with_first(effects: Optional[LayerEffects], kind: str, effect) -> LayerEffects:
    """`effects` (None: a new style) with its first effect of `kind` replaced by `effect`
    (added if it had none); every other effect and the file's blocks as they were."""
    base = effects if effects is not None else LayerEffects()
    rest = getattr(base, kind)[1:]
    return replace(base, **{kind: (effect,) + tuple(rest)})


# -- drawing --------------------------------------------------------------------------

def _outside_distance(alpha: np.ndarray) -> np.ndarray:
    """Euclidean distance of each pixel from the shape (alpha >= 1/2), 0 inside it."""
    from scipy.ndimage import distance_transform_edt

    inside = alpha >= 0.5
    if not inside.any():
        return np.full(alpha.shape, np.inf, np.float32)
    return distance_transform_edt(~inside).astype(np.float32)


def dilate(alpha: np.ndarray, radius: float) -> np.ndarray:
    """The shape grown by `radius` pixels (antialiased by a one-pixel ramp), never less than
    `alpha` itself."""
    if radius <= 0:
        return alpha
    grown = np.clip(radius + 0.5 - _outside_distance(alpha), 0.0, 1.0)
    return np.maximum(alpha, grown)


def erode(alpha: np.ndarray, radius: float) -> np.ndarray:
    """The shape shrunk by `radius` pixels (the dilation of the outside)."""
    if radius <= 0:
        return alpha
    return 1.0 - dilate(1.0 - alpha, radius)


def shadow_alpha(alpha: np.ndarray, shadow: DropShadow) -> np.ndarray:
    """The drop shadow's coverage (before its offset and opacity): spread, then blur."""
    from scipy.ndimage import gaussian_filter

    spread = shadow.size * shadow.spread / 100.0
    out = dilate(alpha, spread)
    blur = shadow.size - spread
    if blur > 0:
        out = gaussian_filter(out, blur / 2.0, mode="constant")
    return out


def stroke_alpha(alpha: np.ndarray, stroke: Stroke) -> np.ndarray:
    """Where the stroke paints (0..1), before its opacity."""
    if stroke.position == "inside":
        return alpha - np.minimum(alpha, erode(alpha, stroke.size))
    if stroke.position == "center":
        half = stroke.size / 2.0
        return dilate(alpha, half) - erode(alpha, half)
    return dilate(alpha, stroke.size)  # outside: under the layer, shows around it


def styled_layers(rgba: np.ndarray, effects: LayerEffects, fill: float = 1.0,
                  shape: Optional[np.ndarray] = None) -> list[tuple[np.ndarray, Optional[str]]]:
    """The layer with its drawn effects, as straight float RGBA images the size of `rgba`
    (a layer's straight float pixels padded by `effects.margin()`), bottom to top, each
    with the mode it blends with: the shadows (their own modes), then the layer itself
    (None: the layer's mode) with its overlays and strokes composited onto it.

    `fill` (0..1) is Photoshop's fill opacity: it fades the layer's own pixels, not its
    effects, which are made from its full alpha. Below 1 an outside stroke is only the
    ring outside the shape (at 1 the layer hides the rest of it), the layer knocks its shadows
    out (Photoshop's default "Layer Knocks Out Drop Shadow": a see-through shape shows no
    shadow inside itself), and each Color Overlay lies over the faded pixels inside the
    shape (Photoshop's default, interior effects not blended as a group).

    `shape` (float 0..1, `rgba`'s size): what the shadows and strokes are made from when it
    is not the layer's alpha: a fill layer's masks' coverage (Photoshop strokes a shape
    layer's path even where its gradient fades out: stroke-effects.psd)."""
    out: list[tuple[np.ndarray, str]] = []
    alpha = rgba[..., 3] if shape is None else shape
    if not effects.drawn():
        if fill < 1.0:
            rgba = rgba.copy()
            rgba[..., 3] *= np.float32(fill)
        return [(rgba, None)]
    h, w = alpha.shape
    for s in effects.drop_shadows:
        if not s.enabled:
            continue
        dx, dy = s.offset()
        cover = shadow_alpha(alpha, s)
        moved = np.zeros_like(cover)
        ys, yd = (slice(0, h - dy), slice(dy, h)) if dy >= 0 else (slice(-dy, h), slice(0, h + dy))
        xs, xd = (slice(0, w - dx), slice(dx, w)) if dx >= 0 else (slice(-dx, w), slice(0, w + dx))
        moved[yd, xd] = cover[ys, xs]
        if fill < 1.0:
            moved *= 1.0 - alpha  # knocked out by the layer's shape
        image = np.empty((h, w, 4), np.float32)
        image[..., :3] = np.asarray(s.color, np.float32) / 255.0
        image[..., 3] = moved * (s.opacity / 100.0)
        out.append((image, s.blend_mode))
    layer = rgba.copy()
    # Inside the shape, how much of it is covered: the faded pixels, then each overlay over
    # them (at fill 1 it stays 1 and an overlay mixes its colour into the layer's).
    inner = float(fill)
    for o in effects.color_overlays:
        if not o.enabled:
            continue
        color = np.broadcast_to(np.asarray(o.color, np.float32) / 255.0, layer[..., :3].shape)
        mixed = blend(o.blend_mode, layer[..., :3], color)
        weight = o.opacity / 100.0
        if inner < 1.0:  # over faded pixels its colour counts for more
            inner = weight + inner * (1.0 - weight)
            weight = weight / inner if inner > 0 else 0.0
        layer[..., :3] += (mixed - layer[..., :3]) * np.float32(weight)
    if inner < 1.0:
        layer[..., 3] *= np.float32(inner)
    for s in effects.strokes:
        if not s.enabled:
            continue
        paint = np.empty_like(layer)
        paint[..., :3] = np.asarray(s.color, np.float32) / 255.0
        cover = stroke_alpha(alpha, s)
        if fill < 1.0 and s.position == "outside":
            cover = cover - alpha  # outside the shape only: a faded layer shows no stroke
        paint[..., 3] = cover * (s.opacity / 100.0)
        # Outside: the stroke lies under the layer; inside and centre: over it.
        layer = over(layer, paint) if s.position == "outside" \
            else over(paint, layer)
    out.append((layer, None))
    return out
