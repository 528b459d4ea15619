"""Layers and groups: the nodes of a document's layer tree.

A pixel layer stores its pixels once, as 8-bit straight RGBA of its own size,
placed on the canvas at an integer offset that may lie outside the canvas.
Groups hold children ordered bottom to top. Nodes are changed only through
the document's commands (see `commands.py`) so that every change can be
undone; reading them is free.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from typing import Iterable, Iterator, Optional

import numpy as np

from engine.box import Box, opaque_bounds  # noqa: F401  (re-exported: the layer module's callers use it)
from engine.compose import BLEND_MODES

GROUP_BLEND_MODES = ("pass_through",) + BLEND_MODES
# Photoshop's Knockout: none, to the bottom of the node's group (shallow), to the bottom
# of the document (deep).
KNOCKOUTS = ("none", "shallow", "deep")
# The rest of Photoshop's Advanced Blending, each a flag on a node: (attribute, default,
# the PSD block that holds it, the Layer Style dialog's label). render_layers.py,
# render_nodes.py and layer_effects.styled_layers draw them; psd.py reads and writes them
# (a block only when the flag is not its default).
BLENDING_OPTIONS = (
    ("blend_interior", False, b"infx", "Blend Interior Effects as Group"),
    ("blend_clipped", True, b"clbl", "Blend Clipped Layers as Group"),
    ("transparency_shapes", True, b"tsly", "Transparency Shapes Layer"),
    ("mask_hides_effects", False, b"lmgm", "Layer Mask Hides Effects"),
    ("vector_mask_hides_effects", False, b"vmgm", "Vector Mask Hides Effects"),
)

BLEND_MODE_LABELS = {
    "pass_through": "Pass Through", "normal": "Normal", "multiply": "Multiply",
    "screen": "Screen", "overlay": "Overlay", "darken": "Darken", "lighten": "Lighten",
    "color_dodge": "Color Dodge", "color_burn": "Color Burn", "hard_light": "Hard Light",
    "soft_light": "Soft Light", "difference": "Difference", "exclusion": "Exclusion",
    "linear_dodge": "Linear Dodge (Add)", "linear_burn": "Linear Burn",
    "vivid_light": "Vivid Light", "linear_light": "Linear Light", "pin_light": "Pin Light",
    "hard_mix": "Hard Mix", "subtract": "Subtract", "divide": "Divide", "hue": "Hue",
    "saturation": "Saturation", "color": "Color", "luminosity": "Luminosity",
    "darker_color": "Darker Color", "lighter_color": "Lighter Color", "dissolve": "Dissolve",
}
# The modes in the order Photoshop's menu lists them (Dissolve after Normal).
BLEND_MODE_MENU = ("normal", "dissolve") + tuple(m for m in BLEND_MODES
                                                if m not in ("normal", "dissolve"))
GROUP_BLEND_MODE_MENU = ("pass_through",) + BLEND_MODE_MENU

_ids = itertools.count(1)


@dataclass(frozen=True)
class Locks:
    """Photoshop's partial locks of a node (a PSD's 'lspf' flags 1, 2 and 4); Lock All is
    `Node.locked`. A group's locks hold for everything inside it.

    - transparency: painting, fills and filters change colours only, never alpha;
    - pixels: nothing may paint, fill, filter or transform the pixels (moving is allowed);
    - position: nothing may move or transform it (painting is allowed)."""
    transparency: bool = False
    pixels: bool = False
    position: bool = False

    def any(self) -> bool:
        return self.transparency or self.pixels or self.position


NO_LOCKS = Locks()

# An artboard's background, as Photoshop's Artboard options name them (a PSD's
# 'artboardBackgroundType' 1..4, in this order: psd.py).
ARTBOARD_BACKGROUNDS = ("white", "black", "transparent", "other")


@dataclass(frozen=True)
class Artboard:
    """What makes a group one of Photoshop's artboards (web and mobile presets): its
    rectangle on the canvas, and the background drawn under its content there. Its
    content shows inside the rectangle only (render_nodes.py `_draw_children`). Immutable:
    replaced, never changed (a move is one SetAttr in the move's undo step).

    `source` is what a PSD held for it ('artb' block, the artboard it described), so
    psd.py writes the block back as read while the artboard is still that one."""
    box: Box
    background: str = "white"  # one of ARTBOARD_BACKGROUNDS
    color: tuple = (255, 255, 255)  # the "other" background's colour (kept for the rest)
    source: Optional[tuple] = field(default=None, compare=False, repr=False)

    def fill(self) -> Optional[tuple]:
        """The background's opaque RGB colour; None for a transparent one."""
        return {"white": (255, 255, 255), "black": (0, 0, 0), "transparent": None}.get(
            self.background, tuple(self.color))

    def clip(self, content: Box) -> Box:
        """Where the artboard draws, given where its content would draw unclipped."""
        return self.box if self.fill() is not None else content.intersect(self.box)

    def translated(self, dx: int, dy: int) -> "Artboard":
        return self.placed(self.box.translate(int(dx), int(dy)))

    def placed(self, box: Box) -> "Artboard":
        """The same artboard with rectangle `box`."""
        return replace(self, box=box)


LOCK_LABELS = {"transparency": "Transparent Pixels", "pixels": "Image Pixels",
               "position": "Position", "all": "All"}
# The reach of an adjustment layer: every canvas position (clipped to the canvas where used).
EVERYWHERE = Box(-(1 << 40), -(1 << 40), 1 << 41, 1 << 41)
CHANGES_KEPT = 64


def new_id() -> int:
    return next(_ids)


def empty_pixels() -> np.ndarray:
    return np.zeros((0, 0, 4), np.uint8)


class PlacedPixels:
    """Pixels placed on the canvas at (x, y): a layer's colours or its mask's values."""

    pixels: np.ndarray
    x: int
    y: int

    @property
    def width(self) -> int:
        return self.pixels.shape[1]

    @property
    def height(self) -> int:
        return self.pixels.shape[0]

    def bounds(self) -> Box:
        return Box(self.x, self.y, self.width, self.height)


class LayerMask(PlacedPixels):
    """A layer's user mask: 8-bit coverage of its own size at its own canvas offset.

    Outside its box the mask is `default` (0: hides, 255: reveals). `density`
    (0..255) scales how much the mask hides; `feather` (pixels, a Gaussian
    sigma) softens it when composited, non-destructively. A disabled mask is
    kept but not drawn; a linked mask moves with its layer.
    """

    def __init__(self, pixels: Optional[np.ndarray] = None, x: int = 0, y: int = 0, *,
                 default: int = 255, enabled: bool = True, linked: bool = True,
                 density: int = 255, feather: float = 0.0):
        pixels = np.zeros((0, 0), np.uint8) if pixels is None else np.asarray(pixels)
        if pixels.dtype != np.uint8 or pixels.ndim != 2:
            raise ValueError(f"mask pixels must be (H, W) uint8, got {pixels.shape} {pixels.dtype}")
        self.pixels = np.ascontiguousarray(pixels)
        self.x, self.y = int(x), int(y)
        self.default = 255 if default else 0
        self.enabled = bool(enabled)
        self.linked = bool(linked)
        self.density = int(density)
        self.feather = float(feather)
        # How far (pixels) a change of the values reaches besides the feather: a vector
        # mask's product with a feathered mask is stored unfeathered (vector_mask.py).
        self.spread = 0

    @property
    def reach(self) -> int:
        """How far (pixels) a change of the stored values spreads in the coverage."""
        return max(int(np.ceil(3 * self.feather)), self.spread)

    def copy(self) -> "LayerMask":
        return LayerMask(self.pixels.copy(), self.x, self.y, default=self.default,
                         enabled=self.enabled, linked=self.linked, density=self.density,
                         feather=self.feather)

    def remapped(self, fn, x: int, y: int) -> "LayerMask":
        """A copy whose pixels are `fn(pixels)` (a flip or quarter turn) at (x, y)."""
        out = self.copy()
        out.pixels = np.ascontiguousarray(fn(self.pixels))
        out.x, out.y = int(x), int(y)
        return out

    def shared_copy(self) -> "LayerMask":
        """A copy sharing the pixel array (autosave snapshots)."""
        return LayerMask(self.pixels, self.x, self.y, default=self.default, enabled=self.enabled,
                         linked=self.linked, density=self.density, feather=self.feather)

    def raw_crop(self, box: Box) -> np.ndarray:
        """The stored values inside canvas box `box` (the default colour outside the mask)."""
        out = np.full((max(0, box.h), max(0, box.w)), self.default, np.uint8)
        inter = self.bounds().intersect(box)
        if not inter.is_empty():
            out[inter.translate(-box.x, -box.y).slices()] = \
                self.pixels[inter.translate(-self.x, -self.y).slices()]
        return out

    def shown_bounds(self, within: Box) -> Box:
        """The part of `within` where the mask can show anything: the box of its values
        grown by its feather's reach when it hides everything beyond them (default 0 at
        full density), else all of `within`."""
        if self.default or self.density < 255:
            return within
        pad, box = self.reach, self.bounds()
        return Box(box.x - pad, box.y - pad, box.w + 2 * pad, box.h + 2 * pad).intersect(within)

    def coverage(self, box: Box) -> np.ndarray:
        """How much of the layer shows inside canvas box `box` (uint8 0..255), with
        density and feather applied."""
        if self.feather > 0:
            import cv2

            pad = int(np.ceil(3 * self.feather))
            grown = Box(box.x - pad, box.y - pad, box.w + 2 * pad, box.h + 2 * pad)
            values = cv2.GaussianBlur(self.raw_crop(grown), (0, 0), self.feather,
                                      borderType=cv2.BORDER_REPLICATE)
            values = np.ascontiguousarray(values[pad:pad + box.h, pad:pad + box.w])
        elif self.bounds().intersect(box) == box:
            values = self.pixels[box.translate(-self.x, -self.y).slices()]  # a view, no copy
        else:
            values = self.raw_crop(box)
        if self.density < 255:
            hidden = (255 - values.astype(np.uint16)) * self.density
            values = (255 - (hidden + 127) // 255).astype(np.uint8)
        return values


class Node:
    """What layers and groups share: name, visibility, opacity, blend mode, lock,
    an optional layer mask and the clipping flag (clipped to the layer below)."""

    kind = "node"
    # What a reduced stand-in (reduced.py) stands for: the node in the document; None for
    # the document's own nodes.
    stands_for: Optional["Node"] = None
    # The id of the layer a history snapshot's copy of it stands for (snapshots.py): a
    # snapshot's node and a node restored from it are the layer they were copied from, for
    # the History Brush. None: the node is itself (its own `id`).
    lineage: Optional[int] = None

    def __init__(self, name: str, *, visible: bool = True, opacity: int = 255,
                 blend_mode: str = "normal", locked: bool = False):
        self.id = new_id()
        self.name = name
        self.visible = visible
        self.opacity = int(opacity)
        self.blend_mode = blend_mode
        self.locked = locked
        self.parent: Optional[Group] = None
        self.mask: Optional[LayerMask] = None
        # Counts changes of the pixels or the mask made through the document (compositing
        # caches what it derives from them by it).
        self.revision = 0
        # The last changes as (revision, layer-local box, None: everywhere), so a cache
        # that is a few revisions behind redoes only what changed (a brush stroke's dabs).
        self.changes: list[tuple[int, Optional[Box]]] = []
        self.clipping = False  # clipped to the nearest unclipped layer below (Photoshop)
        # What another program stored for a layer kind Layered does not draw (an
        # adjustment layer's settings): the PSD reader's tagged blocks, written back as
        # they were read. Opaque to everything but psd.py.
        self.carried: Optional[list] = None
        # A path that masks the node too (vector_mask.VectorMask, read from a PSD).
        self.vector_mask = None
        # Its layer style (layer_effects.LayerEffects, immutable: replaced, never changed).
        self.effects = None
        # Photoshop's "Fill" (0..255): fades the layer's own pixels but not its effects
        # (render_layers.py); without effects it multiplies the opacity. A PSD's 'iOpa'.
        self.fill_opacity = 255
        # Photoshop's Advanced Blending (render_nodes.py `_draw_knockout`, `_restricted`):
        # Knockout, one of KNOCKOUTS (a PSD's 'knko'), and the colour channels (R, G, B)
        # the node's blending may change (unchecked ones keep the backdrop's: 'brst').
        self.knockout = "none"
        self.channels = (True, True, True)
        self.locks = NO_LOCKS  # the partial locks (Lock All is `locked`)
        # Photoshop's Background layer (background_layer.py): only a pixel layer at the
        # bottom of the document's root is one; it holds Lock Transparent Pixels and Lock
        # Position without them being set in `locks`. A duplicate of the Background is a
        # plain layer ("Background copy"), as in Photoshop (`_copy_extras`).
        self.is_background = False
        # Link Layers: nodes sharing a non-zero number move together (layer_set_ops).
        self.link_group = 0
        # BLENDING_OPTIONS: Blend Interior Effects as Group ('infx'), Blend Clipped Layers as
        # Group ('clbl'), Transparency Shapes Layer ('tsly'), Layer / Vector Mask Hides
        # Effects ('lmgm', 'vmgm'), at Photoshop's defaults.
        for attr, default, _, _ in BLENDING_OPTIONS:
            setattr(self, attr, default)

    def changed(self, box: Optional[Box] = None) -> None:
        """Notes a change of the pixels or the mask inside layer-local `box` (None: all)."""
        self.revision += 1
        self.changes.append((self.revision, box))
        del self.changes[:-CHANGES_KEPT]

    def changed_since(self, revision: int) -> Optional[Box]:
        """The layer-local box changed after `revision`, or None when unknown or everywhere."""
        if revision == self.revision:
            return Box(0, 0, 0, 0)
        if not self.changes or self.changes[0][0] > revision + 1:
            return None  # older changes were forgotten
        union = Box(0, 0, 0, 0)
        for rev, box in self.changes:
            if rev > revision:
                if box is None:
                    return None
                union = union.union(box)
        return union

    def active_mask(self) -> Optional["LayerMask"]:
        """What the node is composited through: its enabled layer mask, times its enabled
        vector mask's coverage when it has one (one mask, cached by the vector mask)."""
        mask = self.mask
        mask = mask if mask is not None and mask.enabled else None
        vector = self.vector_mask
        if vector is not None and vector.enabled:
            return vector.through(mask, self)
        return mask

    def _copy_extras(self, other: "Node", share: bool = False) -> "Node":
        """Copies the mask and clipping flag onto `other` (a copy of this node)."""
        if self.mask is not None:
            other.mask = self.mask.shared_copy() if share else self.mask.copy()
        other.clipping = self.clipping
        other.carried = self.carried
        other.vector_mask = self.vector_mask  # never changed in place: shared
        other.effects = self.effects  # immutable: shared
        other.fill_opacity = self.fill_opacity
        other.knockout = self.knockout
        other.channels = self.channels
        other.locks = self.locks
        # A shared copy stands for the same layer (a snapshot, autosave's): still the
        # Background; a copy of its own (Duplicate Layer) is a plain layer.
        other.is_background = self.is_background and share
        for attr, _, _, _ in BLENDING_OPTIONS:
            setattr(other, attr, getattr(self, attr))
        return other

    # -- tree queries -------------------------------------------------------
    def ancestors(self) -> Iterator["Group"]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def group_path(self) -> list[str]:
        """Names of the groups containing this node, outermost first (root excluded)."""
        return [g.name for g in reversed(list(self.ancestors())) if g.parent is not None]

    def index(self) -> int:
        assert self.parent is not None
        return self.parent.children.index(self)

    def is_shown(self) -> bool:
        """Visible itself and inside visible groups."""
        return self.visible and all(g.visible for g in self.ancestors())

    def is_locked(self) -> bool:
        """Locked itself or inside a locked group."""
        return self.locked or any(g.locked for g in self.ancestors())

    def _partly_locked(self, kind: str) -> bool:
        return getattr(self.locks, kind) or any(getattr(g.locks, kind) for g in self.ancestors())

    def transparency_locked(self) -> bool:
        """Whether painting on it may change colours only (its or a group's Lock
        Transparent Pixels, or being the Background, which has no transparency)."""
        return self.is_background or self._partly_locked("transparency")

    def pixels_locked(self) -> bool:
        """Whether its pixels may not change: Lock All or Lock Image Pixels, its own or a
        group's."""
        return self.is_locked() or self._partly_locked("pixels")

    def position_locked(self) -> bool:
        """Whether it may not move or be transformed: Lock All or Lock Position, its own or
        a group's; the Background never moves."""
        return self.is_background or self.is_locked() or self._partly_locked("position")

    def bounds(self) -> Box:
        raise NotImplementedError

    def drawn_bounds(self) -> Box:
        """The canvas box this node's drawing can change: its bounds, except for adjustment
        layers (everywhere below them) and the pass-through groups holding them."""
        return self.bounds()

    # Whether a layer style on this kind of node is drawn (adjustment layers keep theirs,
    # as read from a file, but do not draw it).
    draws_effects = True

    def draws_style(self) -> bool:
        """Its layer style (layer_effects.py) changes how it is drawn."""
        return self.draws_effects and self.effects is not None and self.effects.drawn()

    def style_reach(self) -> int:
        """How far beyond a change of this node's pixels the canvas can change through the
        drawn styles made from them: its own and those of the groups holding it (a group's
        effects follow its composite: its Stroke moves with a moved child)."""
        return sum(n.effects.reach() for n in (self, *self.ancestors()) if n.draws_style())

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id} {self.name!r}>"


class Layer(PlacedPixels, Node):
    """A raster layer: straight RGBA uint8 pixels at offset (x, y)."""

    kind = "pixel"
    # What draws its pixels when they are not the user's to paint (a type layer's text,
    # text_layer.py): painting, filters and transforms are refused until it is rasterised.
    derived: Optional[str] = None
    # The menu command that makes such pixels plain (named when a change is refused).
    derived_hint: Optional[str] = None
    # Whether a transform changes the placement it is drawn through (a smart object,
    # smart_object.py) instead of its pixels.
    transforms_placement = False

    def __init__(self, name: str, pixels: Optional[np.ndarray] = None, x: int = 0, y: int = 0, *,
                 visible: bool = True, opacity: int = 255, blend_mode: str = "normal",
                 locked: bool = False, recipe: Optional[dict] = None,
                 source_kind: Optional[str] = None):
        super().__init__(name, visible=visible, opacity=opacity, blend_mode=blend_mode, locked=locked)
        if blend_mode not in BLEND_MODES:
            raise ValueError(f"unknown blend mode {blend_mode!r}")
        self.pixels = check_pixels(empty_pixels() if pixels is None else pixels)
        self.x = int(x)
        self.y = int(y)
        self.recipe = dict(recipe) if recipe else None
        # What the layer was in the file it came from, when it was rasterised
        # on open (e.g. "type", "shape", "smartobject", "adjustment", "fill").
        self.source_kind = source_kind


    def is_empty(self) -> bool:
        return self.pixels.size == 0

    def drawn_bounds(self) -> Box:
        """Its pixels' box, grown by how far its drawn effects (a shadow, a stroke) reach."""
        margin = self.effects.margin() if self.effects is not None and not self.is_empty() else 0
        return self.bounds().expand(margin) if margin else self.bounds()

    def copy(self, name: Optional[str] = None, share: bool = False) -> "Layer":
        """A copy with its own pixels (mask included); `share=True` shares the pixel arrays
        instead (autosave snapshots)."""
        return self._copy_extras(Layer(
            name or self.name, self.pixels if share else self.pixels.copy(), self.x, self.y,
            visible=self.visible, opacity=self.opacity, blend_mode=self.blend_mode,
            locked=self.locked, recipe=self.recipe, source_kind=self.source_kind), share)

    def canvas_crop(self, box: Box) -> np.ndarray:
        """This layer's pixels inside canvas box `box`, transparent where it has none."""
        out = np.zeros((max(0, box.h), max(0, box.w), 4), np.uint8)
        inter = self.bounds().intersect(box)
        if not inter.is_empty():
            src = inter.translate(-self.x, -self.y)
            dst = inter.translate(-box.x, -box.y)
            out[dst.slices()] = self.pixels[src.slices()]
        return out


class AdjustmentLayer(Layer):
    """An adjustment layer: no pixels of its own; its `settings` (see `adjustments.py`)
    change the composite of everything below it in its group (or only its clipping
    base), through its mask and at its opacity. It is a Layer without pixels, so the
    operations that walk layers pass over it as over an empty layer."""

    kind = "adjustment"
    draws_effects = False

    def __init__(self, name: str, settings, *, visible: bool = True, opacity: int = 255,
                 blend_mode: str = "normal", locked: bool = False):
        super().__init__(name, None, 0, 0, visible=visible, opacity=opacity,
                         blend_mode=blend_mode, locked=locked)
        self.settings = settings

    def drawn_bounds(self) -> Box:
        return EVERYWHERE  # it changes whatever lies below it, wherever that is

    def copy(self, name: Optional[str] = None, share: bool = False) -> "AdjustmentLayer":
        return self._copy_extras(type(self)(
            name or self.name, self.settings, visible=self.visible, opacity=self.opacity,
            blend_mode=self.blend_mode, locked=self.locked), share)


class FillLayer(AdjustmentLayer):
    """A fill layer (Photoshop's Layer > New Fill Layer): its `settings` (a fill kind of
    `adjustments.py`: Solid Color, Gradient) paint the whole canvas (a gradient laid out on
    the canvas or its path, `frame`), shown through its layer mask and vector mask, at its
    opacity and with its blend mode. With a vector mask it is
    what Photoshop calls a shape layer. It shares everything else with an adjustment
    layer: no pixels of its own (the brush paints its mask), reach everywhere, its
    settings replaced as one undo step."""

    kind = "fill"
    draws_effects = True  # a fill (shape) layer draws its style as a pixel layer does
    # The box its content is laid out on while it is outside a document's tree (a copy for
    # Merge Down or an autosave, a reduced stand-in): `frame()` as it was in the tree.
    placed_on: Optional[tuple] = None

    # A shape layer's vector stroke (`shape_stroke.ShapeStroke`), None without one.
    stroke = None
    # A reduced stand-in's (reduced.py) stroke coverage, its layer mask in it: it has no path.
    placed_stroke: Optional[LayerMask] = None

    def content(self, box: Box, mask: Optional[LayerMask] = None,
                user_mask: Optional[LayerMask] = None, stroked: bool = True) -> np.ndarray:
        """Straight RGBA over canvas box `box`: what its settings paint there (its colour,
        its gradient), made as much less opaque as `mask`'s coverage is, and its stroke
        over that (through `user_mask` alone: the stroke lies beyond its path), unless not
        `stroked` (a style lays it over its overlays: `stroke_over`). Drawn
        through its active mask and layer mask; stored in a PSD through its path alone."""
        pixels = self.settings.paint(box, self.frame())
        shape = None  # the path's coverage: how much of each pixel the fill's own area is
        if mask is not None:
            coverage = shape = mask.coverage(box)
            if self.settings.kind == "solid_color":  # opaque: the coverage is the alpha
                pixels[..., 3] = coverage
            else:
                product = pixels[..., 3].astype(np.uint16) * coverage + 127
                pixels[..., 3] = product // 255
        stroke = self.stroke
        if stroke is not None:
            from .shape_stroke import paint_over

            if not stroke.fill:
                pixels[..., 3] = 0
            coverage = self._stroke_cover(box, user_mask) if stroked else None
            if coverage is not None:
                paint_over(pixels, coverage, stroke, shape)
        return pixels

    def _stroke_cover(self, box: Box, user_mask: Optional[LayerMask]) -> Optional[np.ndarray]:
        """Its stroke's coverage (uint8) over canvas box `box` through `user_mask`, None
        when it draws no stroke."""
        outline = self.stroke_coverage()
        if outline is None:
            return None
        coverage = outline.coverage(box)
        if user_mask is not None:
            coverage = ((coverage.astype(np.uint16) * user_mask.coverage(box) + 127)
                        // 255).astype(np.uint8)
        return coverage

    def stroke_over(self, box: Box, mask: Optional[LayerMask] = None,
                    user_mask: Optional[LayerMask] = None) -> Optional[tuple]:
        """Its stroke over canvas box `box` as `layer_effects.styled_layers` lays it over
        its interior effects (its `vector_stroke`: the stroke, its coverage 0..1, the
        path's coverage by `mask` or None), None when it draws no stroke; `content(...,
        stroked=False)` is what it is laid over."""
        coverage = self._stroke_cover(box, user_mask)
        if coverage is None:
            return None
        area = None if mask is None else mask.coverage(box) * np.float32(1 / 255)
        return self.stroke, coverage * np.float32(1 / 255), area

    def stroke_coverage(self) -> Optional[LayerMask]:
        """Where its stroke is drawn (the stroke's coverage along its enabled path, kept by
        the path), or None when it draws no stroke."""
        stroke, vector = self.stroke, self.vector_mask
        if stroke is None or not stroke.drawn():
            return None
        if self.placed_stroke is not None:
            return self.placed_stroke
        if vector is None or not vector.enabled:
            return None
        return vector.stroke_raster(stroke)

    def user_mask(self) -> Optional[LayerMask]:
        """Its enabled layer mask (what its stroke is drawn through), else None (a
        stand-in's stroke holds it already)."""
        mask = self.mask
        if self.placed_stroke is not None:
            return None
        return mask if mask is not None and mask.enabled else None

    def frame(self) -> tuple[float, float, float, float]:
        """The box (x, y, width, height) its content is laid out on (a gradient's): its
        path's (the box of its curves, `VectorMask.extent`, in fractions of a pixel; not
        of its knots and handles, which reach beyond a curve whose anchors are not at its
        extremes: Photoshop's stroke-effects.psd) when it has a path and its settings align
        with the layer (Photoshop's "Align with layer"), else the document's canvas."""
        root = self
        for root in self.ancestors():
            pass
        canvas = getattr(root, "canvas", None)
        if canvas is None and self.placed_on is not None:
            return self.placed_on
        vector = self.vector_mask
        if getattr(self.settings, "align", False) and vector is not None and vector.enabled:
            extent = vector.extent()
            if extent is not None:
                # Knots are stored as fractions of the document: 49.999997 is 50.
                x0, y0, w, h = (round(v, 3) for v in extent)
                if w > 0 and h > 0:
                    return float(x0), float(y0), float(w), float(h)
        box = canvas if canvas is not None else Box(0, 0, 0, 0)
        return float(box.x), float(box.y), float(box.w), float(box.h)

    def copy(self, name: Optional[str] = None, share: bool = False) -> "FillLayer":
        out = super().copy(name, share)
        out.placed_on = self.frame()
        return out

    def content_bounds(self, canvas: Box) -> Box:
        """The part of `canvas` where it can show: what its masks can reveal there (the
        box of a mask that hides all beyond it), else the whole canvas; with its stroke's
        box (through its layer mask), without the fill's when its fill is off and its
        stroke on (with both off its effects are drawn from the fill's area: see
        render_layers._styled_images)."""
        mask = self.active_mask()
        box = canvas if mask is None else mask.shown_bounds(canvas)
        if self.stroke is not None and not self.stroke.fill and self.stroke.enabled:
            box = Box(0, 0, 0, 0)
        outline = self.stroke_coverage()
        if outline is not None:
            drawn = outline.bounds().intersect(canvas)
            user = self.user_mask()
            box = box.union(drawn if user is None else user.shown_bounds(drawn))
        return box

    def _copy_extras(self, other: Node, share: bool = False) -> Node:
        other = super()._copy_extras(other, share)
        if isinstance(other, FillLayer):  # a copy, or its content changed: the stroke stays
            other.stroke = self.stroke
        return other


class Group(Node):
    """A folder of layers and groups (children bottom to top)."""

    kind = "group"
    # A document's root: its canvas box (kept by the document), where fill layers inside
    # lay their content out (`FillLayer.frame`).
    canvas: Optional[Box] = None
    def __init__(self, name: str, children: Optional[list[Node]] = None, *, visible: bool = True,
                 opacity: int = 255, blend_mode: str = "pass_through", locked: bool = False,
                 expanded: bool = True):
        super().__init__(name, visible=visible, opacity=opacity, blend_mode=blend_mode, locked=locked)
        if blend_mode not in GROUP_BLEND_MODES:
            raise ValueError(f"unknown blend mode {blend_mode!r}")
        self.children: list[Node] = []
        self.expanded = expanded
        # Photoshop's artboard (`Artboard`), None for a plain group.
        self.artboard: Optional[Artboard] = None
        for child in children or []:
            child.parent = self
            self.children.append(child)

    def walk(self) -> Iterator[Node]:
        """Every node below this group, depth first, bottom to top (groups before their children)."""
        for child in self.children:
            yield child
            if isinstance(child, Group):
                yield from child.walk()

    def layers(self) -> Iterator[Layer]:
        for node in self.walk():
            if isinstance(node, Layer):
                yield node

    def bounds(self) -> Box:
        box = Box(0, 0, 0, 0)
        for layer in self.layers():
            if not layer.is_empty():
                box = box.union(layer.bounds())
        return box

    def isolated(self) -> bool:
        """Composited on transparency first, then blended as one layer: a group with a
        mode of its own, or one whose layer style is drawn (Photoshop draws a Pass Through
        group's effects from its composite, blended as Normal). A Pass Through group below
        100 % Fill with adjustment layers inside is isolated too: Photoshop's adjustments then
        act on the group's own layers only (measured on psd-tools' passthrough_fill_adjustment,
        tests/test_blend_modes_photoshop.py); without adjustments its layers still blend with
        what lies below, and its Fill fades them as its opacity does."""
        return (self.blend_mode != "pass_through" or self.draws_style()
                or (self.fill_opacity != 255 and self.adjusts()))

    def adjusts(self) -> bool:
        """Whether an adjustment layer (not a fill layer) is inside, at any depth."""
        return any(isinstance(n, AdjustmentLayer) and not isinstance(n, FillLayer)
                   for n in self.walk())

    def composite_bounds(self) -> Box:
        """`_composite_bounds`, inside its rectangle for an artboard (and all of it when
        the artboard has a background)."""
        box = self._composite_bounds()
        return box if self.artboard is None else self.artboard.clip(box)

    def _composite_bounds(self) -> Box:
        """Where its composite on transparency can have pixels (an isolated group's
        adjustments act on its layers only): its layers' box, grown by their drawn styles
        and its groups'; everywhere with a fill layer inside (it paints beyond them)."""
        if any(isinstance(n, FillLayer) for n in self.walk()):
            return EVERYWHERE
        box = self.bounds()
        for node in self.walk():
            if node.effects is not None and (isinstance(node, Layer) or node.draws_style()):
                box = box.union(node.drawn_bounds())
        return box

    def drawn_bounds(self) -> Box:
        # (One frame per nested group: a 400-deep file must stay within Python's recursion
        # limit, tests/test_files_stress.py.)
        if self.isolated():
            box = self.composite_bounds()
            margin = self.effects.margin() if self.draws_style() else 0
            if margin and not box.is_empty() and box != EVERYWHERE:
                box = box.expand(margin)
        else:
            box = Box(0, 0, 0, 0)
            for child in self.children:
                box = box.union(child.drawn_bounds())
        return box if self.artboard is None else self.artboard.clip(box)

    def copy(self, name: Optional[str] = None, share: bool = False) -> "Group":
        return self._copy_extras(Group(
            name or self.name, [c.copy(share=share) for c in self.children], visible=self.visible,
            opacity=self.opacity, blend_mode=self.blend_mode, locked=self.locked,
            expanded=self.expanded), share)

    def _copy_extras(self, other: Node, share: bool = False) -> Node:
        other = super()._copy_extras(other, share)
        if isinstance(other, Group):
            other.artboard = self.artboard  # immutable: shared
        return other


def clipping_base(node: Node) -> Optional[Node]:
    """The node a clipped node is clipped to (the nearest unclipped sibling below); None
    when it is not clipped or has no such sibling (it is then drawn as it is)."""
    if not node.clipping or node.parent is None:
        return None
    siblings = node.parent.children
    for other in reversed(siblings[:node.index()]):
        if not other.clipping:
            return other
    return None


def merge_reach(canvas: Box, layers: Iterable[Layer]) -> Box:
    """Where a merge of `layers` draws: the canvas and, beyond it, as far as their pixels
    reach (as Merge Down keeps what lies there); an adjustment or fill layer reaches
    everywhere but adds no pixels beyond the canvas."""
    box = canvas
    for layer in layers:
        if not isinstance(layer, AdjustmentLayer) and not layer.is_empty():
            box = box.union(layer.drawn_bounds())
    return box


def trimmed_to_opaque(pixels: np.ndarray, x: int, y: int) -> Optional[tuple]:
    """(pixels, x, y): a merge's `pixels` placed at (x, y) cut to their opaque part, with
    its origin; None when no pixel is opaque."""
    trimmed = opaque_bounds(pixels)
    if trimmed is None:
        return None
    return pixels[trimmed.slices()].copy(), x + trimmed.x, y + trimmed.y


def check_pixels(pixels: np.ndarray) -> np.ndarray:
    """Validates and normalises layer pixels to a C-contiguous (H, W, 4) uint8 array."""
    pixels = np.asarray(pixels)
    if pixels.dtype != np.uint8 or pixels.ndim != 3 or pixels.shape[2] != 4:
        raise ValueError(f"layer pixels must be (H, W, 4) uint8, got {pixels.shape} {pixels.dtype}")
    return np.ascontiguousarray(pixels)
