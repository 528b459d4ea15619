"""Compositing the layer tree, with Qt's raster engine doing the pixel work.

Measured on the 2-core machine (bench/bench_document.py), Qt's QPainter
blends a straight RGBA8888 layer onto a premultiplied buffer about 90x faster
than the obvious numpy float version and 6x faster than a numba kernel, and
it already spreads the work over both cores. Only QtGui is used (QImage,
QPainter): no widgets, no QApplication needed.

Two precisions share one code path:
- the screen buffer is 8-bit ARGB32 premultiplied (Qt's fastest format);
- files and merges use 16-bit RGBA64 premultiplied, within 1/255 of the
  float reference for every mode.
Qt's colour dodge and colour burn give the edge cases (black backdrop under
dodge, white backdrop under burn) a different precedence from Photoshop and
the PDF specification, so those two modes blend with numpy floats instead.

`Renderer` keeps the screen composite of one document up to date: changes
arrive as dirty boxes from the document's signals and only those boxes are
recomposited. While one layer is being changed repeatedly (dragged, painted,
transformed) it caches the composite of everything below that layer and, if
the layers above all blend normally, of everything above it, so each update
costs three blits of the dirty box whatever the number of layers.

Adjustment layers change the buffer in place where they are drawn (what lies below
them in their group, or their clipping base), through their mask and opacity, in one
numba pass (`adjust_kernels`); with an adjustment above a dragged layer, the layers
between adjustments are pre-flattened the same way and the adjustments redrawn live,
only inside the box that changed (not whole rows: see below).
A group with a drawn layer style (layer_effects.py) is composited on its own and its
effects are made from that composite (`_styled_group_images`), row band by row band with
the style's reach around each; the result is kept per group (`_styled_rows`) under a key of
everything inside it (`_content_key`), so a redraw because something else changed is a
blit, and a change inside remakes only the rows redrawn (the document's dirty boxes grow
by the style's reach: `Node.style_reach`).
Photoshop's Advanced Blending: a layer with Knockout blends, inside its shape, onto what lay
below its group (Shallow) or the document's stack (Deep) instead of onto the layers below it
(`_draw_knockout`: `_draw_nodes` keeps a copy of that backdrop while a knockout layer is in
the stack); a group with Knockout punches its whole composite's shape through the same way, a
clipping base its clipping group, and a clipped layer knocks down to its base (`_draw_clipped`);
a node with colour channels unchecked gives the backdrop's back to them
(`_restricted`). Neither pre-flattens with the layers around it, and a Knockout anywhere
keeps a drag from splitting the stack (`_split_top_level`): such documents are redrawn in full
rows, exactly.
The rest of Advanced Blending (`layers.BLENDING_OPTIONS`): Blend Interior Effects as Group and
Transparency Shapes Layer change how a style is laid over a layer (`layer_effects.styled_layers`);
a clipping base's overlays, satins and inner glows, its shape's stroke and its inside Stroke
effects lie over its clipped layers, as Photoshop draws them (`_interior_split`,
`_interior_onto`); Blend Clipped Layers as Group off draws the
clipped layers each with its own mode onto the backdrop (`_draw_clipped_apart`); a mask that
hides the effects is applied after them (`_effect_masks`, `_hidden_styled_images`).
Fill layers (Solid Color, Gradient) are drawn as a layer of what they paint, its alpha
times their masks' coverage, made once and kept as a masked layer's pixels are
(`masked_fill_pixels`; a colour without a mask is filled by Qt).

During a drag the canvas says what it shows (`set_view`): zoomed out, the drag is
composited at the view's pyramid level, as Photoshop and Krita do: the focus caches
reduced (box averages), the dragged layer and the nodes drawn live over them as reduced
stand-ins (reduced.py), drawn by this module's own code; at 100 % only what is in view
is redrawn. The full-resolution composite waits
(`_pending`) and is drawn exactly by `settle()`. When the caches around the dragged layer
are not made yet, the drag's caches are composited from every layer's stand-in instead,
once the idle preparation has made them (`Renderer._preview_caches`).

Exactness: the screen composite after any sequence of updates is bit-for-bit
what a new Renderer draws from scratch, with one bounded exception. Dirty
boxes are widened to whole canvas rows because Qt's raster engine rounds a
pixel differently depending on the span it is drawn in (a 1-pixel span and a
full row can differ by 1/255). The flattened "above" cache re-associates
8-bit rounding, so pixels drawn through it may differ by a rounding step or
two (2/255 at most in the tests) under translucent upper layers, and so may the
changed boxes redrawn under adjustment layers during a drag (shorter spans); they are
remembered and redrawn exactly as soon as
the focus ends (another layer changes, the structure changes,
`set_focus(None)`) or `settle()` is called at the end of a drag.
"""
from __future__ import annotations

import copy
import time
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator, Optional, Sequence

import numpy as np

from engine.box import Box
from engine.compose import (blend, composite_premultiplied, dissolve, dissolve_noise, to_float,
                            unpremultiply)

from . import layer_effects, prefaulted, reduced
from .same import Same
from .adjustments import cube8, lut8_premultiplied, lut16
from .layers import AdjustmentLayer, FillLayer, Group, Layer, Node
from .layers import BLENDING_OPTIONS

if TYPE_CHECKING:
    from PySide6.QtGui import QImage

    from .document import Document
    from .layers import LayerMask

# Qt composition modes by our mode names; the two missing modes use numpy.
_QT_MODE_NAMES = {
    "normal": "CompositionMode_SourceOver", "multiply": "CompositionMode_Multiply",
    "screen": "CompositionMode_Screen", "overlay": "CompositionMode_Overlay",
    "darken": "CompositionMode_Darken", "lighten": "CompositionMode_Lighten",
    "hard_light": "CompositionMode_HardLight", "soft_light": "CompositionMode_SoftLight",
    "difference": "CompositionMode_Difference", "exclusion": "CompositionMode_Exclusion",
}
_MAX_DIRTY_BOXES = 8
_NONE = object()  # `Renderer._take_prepared`: nothing prepared (None is a prepared answer)
VIEW_MARGIN = 64  # rows made around the view by a focus made for the rows in view


def _qt():
    """QtCore and QtGui, this module's declared dependency (see the package docstring),
    imported on the first composite: PySide6 costs 0.5-2 s to import, which the verbs that
    never composite (info, --help) should not pay."""
    from PySide6 import QtCore, QtGui

    return QtCore, QtGui


class PixelBuffer:
    """A premultiplied pixel buffer (numpy) with a QImage over the same memory.

    `origin` is the canvas position of pixel (0, 0), so a buffer can cover
    only a region of the document.
    """

    def __init__(self, width: int, height: int, precise: bool, origin: tuple[int, int] = (0, 0),
                 array: Optional[np.ndarray] = None):
        _, QtGui = _qt()
        self.precise = precise
        self.origin = origin
        dtype = np.uint16 if precise else np.uint8
        # `array`: zeroed memory of that shape made beforehand (`prefaulted.zeros_in_steps`)
        self.array = (prefaulted.zeros(self.shape(width, height), dtype) if array is None
                      else array)
        fmt = (QtGui.QImage.Format.Format_RGBA64_Premultiplied if precise
               else QtGui.QImage.Format.Format_ARGB32_Premultiplied)
        self.image = QtGui.QImage(self.array.data, self.array.shape[1], self.array.shape[0],
                                  self.array.strides[0], fmt)

    @staticmethod
    def shape(width: int, height: int) -> tuple[int, int, int]:
        return max(1, height), max(1, width), 4

    @property
    def box(self) -> Box:
        return Box(self.origin[0], self.origin[1], self.array.shape[1], self.array.shape[0])

    def local(self, box: Box) -> Box:
        return box.translate(-self.origin[0], -self.origin[1])

    def region(self, box: Box) -> np.ndarray:
        """The buffer's pixels inside canvas box `box` (a view)."""
        return self.array[self.local(box).slices()]

    # -- float access for the numpy blend modes ----------------------------------------
    def read_float(self, box: Box) -> np.ndarray:
        """Premultiplied float RGBA of canvas box `box`."""
        raw = self.region(box)
        if self.precise:
            return raw.astype(np.float32) * np.float32(1 / 65535)
        return raw[..., [2, 1, 0, 3]].astype(np.float32) * np.float32(1 / 255)

    def write_float(self, box: Box, rgba: np.ndarray) -> None:
        scale = 65535 if self.precise else 255
        values = np.clip(np.rint(rgba * scale), 0, scale).astype(self.array.dtype)
        values[..., :3] = np.minimum(values[..., :3], values[..., 3:4])  # stay premultiplied
        if not self.precise:
            values = values[..., [2, 1, 0, 3]]
        self.region(box)[...] = values

    def to_straight_rgba8(self) -> np.ndarray:
        """The buffer as straight 8-bit RGBA (Qt un-premultiplies with rounding)."""
        _, QtGui = _qt()
        image = self.image.convertToFormat(QtGui.QImage.Format.Format_RGBA8888)
        h, w = image.height(), image.width()
        out = np.frombuffer(image.constBits(), np.uint8, count=h * image.bytesPerLine())
        return out.reshape(h, image.bytesPerLine())[:, :w * 4].reshape(h, w, 4).copy()


def _layer_image(layer: Layer) -> "QImage":
    _, QtGui = _qt()
    p = layer.pixels
    return QtGui.QImage(p.data, p.shape[1], p.shape[0], p.strides[0],
                        QtGui.QImage.Format.Format_RGBA8888)


class _Painter:
    """A QPainter on a PixelBuffer that is closed around numpy access to the same memory."""

    def __init__(self, buffer: PixelBuffer):
        self.buffer = buffer
        self._painter = None

    def qpainter(self):
        if self._painter is None:
            _, QtGui = _qt()
            self._painter = QtGui.QPainter(self.buffer.image)
        return self._painter

    def close(self) -> None:
        if self._painter is not None:
            self._painter.end()
            self._painter = None

    def draw(self, image: "QImage", image_box: Box, region: Box, mode: str, opacity: int) -> None:
        """Blends `image` (placed at canvas box `image_box`) onto the canvas inside `region`."""
        inter = image_box.intersect(region).intersect(self.buffer.box)
        if inter.is_empty() or opacity <= 0:
            return
        QtCore, _ = _qt()
        painter = self._blending(mode, opacity)
        target = self.buffer.local(inter)
        source = inter.translate(-image_box.x, -image_box.y)
        painter.drawImage(QtCore.QPoint(target.x, target.y), image,
                          QtCore.QRect(source.x, source.y, source.w, source.h))

    def fill(self, rgb: tuple, box: Box, mode: str, opacity: int) -> None:
        """Blends one opaque colour over canvas box `box` (Qt fills it: no pixels made)."""
        inter = box.intersect(self.buffer.box)
        if inter.is_empty() or opacity <= 0:
            return
        QtCore, QtGui = _qt()
        painter = self._blending(mode, opacity)
        target = self.buffer.local(inter)
        painter.fillRect(QtCore.QRect(target.x, target.y, target.w, target.h), QtGui.QColor(*rgb))

    def _blending(self, mode: str, opacity: int):
        """The painter, set to blend in `mode` at `opacity` (0-255)."""
        _, QtGui = _qt()
        painter = self.qpainter()
        painter.setCompositionMode(getattr(QtGui.QPainter.CompositionMode, _QT_MODE_NAMES[mode]))
        painter.setOpacity(_qt_opacity(opacity))
        return painter

    def blend_numpy(self, straight: np.ndarray, straight_box: Box, region: Box, mode: str,
                    opacity: int) -> None:
        """Blends straight float RGBA (at canvas box `straight_box`) with numpy maths."""
        inter = straight_box.intersect(region).intersect(self.buffer.box)
        if inter.is_empty() or opacity <= 0:
            return
        self.close()
        src = straight[inter.translate(-straight_box.x, -straight_box.y).slices()]
        if mode == "dissolve":  # each pixel shown whole or not at all, by canvas position
            src = dissolve(src, opacity / 255.0, inter.x, inter.y)
            mode, opacity = "normal", 255
        out = composite_premultiplied(self.buffer.read_float(inter), src, mode, opacity / 255.0)
        self.buffer.write_float(inter, out)


def _qt_opacity(opacity: int) -> float:
    """The QPainter opacity that fades by exactly `opacity` (0-255), as Photoshop does.

    Qt's raster engine keeps the opacity as a whole number of 256ths, truncated, and
    scales that by 255/256 (truncating again), so `opacity / 255` lands one level low
    for most opacities: a layer at 50 % (128) drew at alpha 127, at 254 at 253. With
    (opacity + 1) / 256 every opacity and every source alpha come out as
    round(alpha * opacity / 255) on both the 8- and the 16-bit buffer (measured for all
    opacities on 1-pixel and full-row spans: tests/test_blend_modes_photoshop.py)."""
    return 1.0 if opacity >= 255 else (opacity + 1) / 256.0


def _draw_layer(painter: _Painter, layer: Layer, region: Box, mode: str, opacity: int,
                fill: Optional[int] = None) -> None:
    """`layer` blended onto the canvas inside `region` with `mode` at `opacity`, its own
    pixels at fill opacity `fill` (default its own `fill_opacity`: a clipping base is also
    drawn at 255 for the shape it clips to)."""
    fill = layer.fill_opacity if fill is None else fill
    if layer.draws_style():
        _draw_styled(painter, layer, region, mode, opacity, fill)
        return
    # Without effects, Photoshop's fill opacity fades the layer as its opacity does.
    opacity = _times(opacity, fill)
    if isinstance(layer, FillLayer):
        _draw_fill(painter, layer, region, mode, opacity)
        return
    if isinstance(layer, AdjustmentLayer):
        _draw_adjustment(painter, layer, region, mode, opacity)
        return
    if layer.is_empty():
        return
    mask = layer.active_mask()
    if mask is not None:
        _draw_masked(painter, layer, mask, region, mode, opacity)
    elif mode in _QT_MODE_NAMES:
        painter.draw(_layer_image(layer), layer.bounds(), region, mode, opacity)
    else:
        inter = layer.bounds().intersect(region)
        if inter.is_empty():
            return
        src = to_float(layer.pixels[inter.translate(-layer.x, -layer.y).slices()])
        painter.blend_numpy(src, inter, region, mode, opacity)


def _times(opacity: int, fill: int) -> int:
    """Two 0..255 opacities multiplied, rounded."""
    return opacity if fill == 255 else (opacity * fill + 127) // 255


# Per layer: (key, {fill opacity: the styled images of `layer_effects.styled_layers`}); a
# clipping base below 100 % Fill is drawn at two fills (`_draw_clipping_group`).
_styled_cache: "weakref.WeakKeyDictionary[Layer, tuple]" = weakref.WeakKeyDictionary()
# The same for reduced stand-ins (reduced.py), kept by the layer they stand for: a stand-in
# is made anew for each drag, its images (made from its reduced pixels, which are kept)
# need not be.
_stand_in_styled: "weakref.WeakKeyDictionary[Layer, tuple]" = weakref.WeakKeyDictionary()


def _styled_source(layer: Layer, canvas: Box) -> tuple[np.ndarray, Box]:
    """What a styled layer's effects are made from: its pixels through its masks, and
    their canvas box. A pixel layer's `masked_pixels`; a fill (or shape) layer's kept
    `masked_fill_pixels`, over `canvas` grown by as far as its effects reach in or out,
    so that where the canvas cuts its shape no stroke, shadow or glow is drawn."""
    if not isinstance(layer, FillLayer):
        return masked_pixels(layer), layer.bounds()
    return masked_fill_pixels(layer, canvas.expand(layer.effects.reach()))


def _document_canvas(node) -> Optional[tuple[float, float, float, float]]:
    """The box (x, y, width, height) of the canvas of `node`'s document, None if it is in
    none."""
    root = node
    for root in node.ancestors():
        pass
    canvas = getattr(root, "canvas", None)
    return None if canvas is None else (float(canvas.x), float(canvas.y), float(canvas.w),
                                        float(canvas.h))


def _draw_styled(painter: _Painter, layer: Layer, region: Box, mode: str, opacity: int,
                 fill: int) -> None:
    """A layer with its drawn effects (layer_effects.py), a pixel layer or a fill (shape)
    layer alike: its shadows (and strokes not in Normal) blended with their own modes, the
    layer with its overlays and Normal strokes with the layer's mode, each at the layer's
    opacity; its fill opacity (`fill`) fades its own pixels only."""
    if opacity <= 0:
        return
    made = _styled_images(layer, painter.buffer.box, fill, region)
    if made is None:
        return
    images, box = made
    for image, own_mode in images:
        painter.blend_numpy(image, box, region, own_mode or mode, opacity)


def _styled_images(layer: Layer, buffer_box: Box, fill: int,
                   region: Optional[Box] = None) -> Optional[tuple[list, Box]]:
    """The images `_draw_styled` blends for `layer` drawn at fill opacity `fill` onto a
    buffer over `buffer_box`, and their canvas box; None when they show nowhere in
    `region` (default: all of the buffer). They are made once per change of the layer,
    its mask or style (a fill layer's pixels are its kept ones: not made again)."""
    source_mask, hiding = _effect_masks(layer)
    if hiding is not None:  # Layer / Vector Mask Hides Effects
        return _hidden_styled_images(layer, buffer_box, fill, region, source_mask, hiding)
    pixels, at = _styled_source(layer, buffer_box)
    margin = layer.effects.margin()
    box = at.expand(margin)
    if box.intersect(region or buffer_box).intersect(buffer_box).is_empty():
        return None
    canvas = _document_canvas(layer)  # where a Gradient Overlay not aligned is laid out
    effects = layer.effects
    mask = layer.active_mask()  # (made anew per call for a vector mask; its pixels are not)
    # A pixel layer's images do not depend on where it is unless a gradient or pattern
    # overlay is laid out on them: a drag then only moves them (a fill layer's are its
    # content over the canvas, which a move changes).
    placed = at if isinstance(layer, FillLayer) or effects.gradient_overlays \
        or effects.pattern_overlays \
        or any(s.fill_type != "color" for s in effects.strokes) else (at.w, at.h)
    key = (Same(pixels), layer.revision,
           None if mask is None else (Same(mask.pixels), mask.x - at.x, mask.y - at.y,
                                      mask.default, mask.density, mask.feather),
           effects, placed,
           getattr(layer, "settings", None), getattr(layer, "stroke", None), canvas)
    key += (layer.blend_interior, layer.transparency_shapes)  # (Advanced Blending)
    source = getattr(layer, "stands_for", None)
    cache, owner = (_styled_cache, layer) if source is None else (_stand_in_styled, source)
    kept = cache.get(owner)
    if kept is None or kept[0] != key or fill not in kept[1]:
        if kept is None or kept[0] != key:
            kept = (key, {})
            cache[owner] = kept
        for other in [f for f in kept[1] if f != 255]:  # a Fill slider's drag: keep one
            del kept[1][other]
        padded = np.zeros((box.h, box.w, 4), np.float32)
        inside = np.s_[margin:margin + at.h, margin:margin + at.w]
        padded[inside] = to_float(pixels)
        shape = vector = None
        if isinstance(layer, FillLayer):  # its effects follow its masks, not its gradient
            shape = np.zeros((box.h, box.w), np.float32)
            mask = layer.active_mask()
            shape[inside] = 1.0 if mask is None else mask.coverage(at) * np.float32(1 / 255)
            if layer.stroke is not None:  # its vector stroke is part of its shape
                shape[inside] *= np.float32(layer.stroke.fill)
                vector = _padded_stroke(layer, at, box, inside)
                if vector is not None:  # (laid over its overlays: not in its pixels)
                    user = layer.user_mask()
                    padded[inside] = to_float(layer.content(at, mask, user, stroked=False))
                    cover = vector[1] * np.float32(layer.stroke.opacity / 100)
                    shape = cover + shape * (1 - cover)
        kept[1][fill] = layer_effects.styled_layers(padded, layer.effects, fill / 255.0,
                                                    shape, (box.x, box.y), canvas,
                                                    layer.blend_interior,
                                                    _interior_shape(layer, box, at), vector,
                                                    _path_box(layer))
    return kept[1][fill], box


def _path_box(layer: Layer) -> Optional[tuple]:
    """The box a shape layer's Gradient Overlay is laid out on: its path's, in fractions of
    a pixel, as stored (psd-tools' effects/shape-fx2.psd: a pentagon from 0.92 to 29.61,
    drawn from 1 to 30 under Align Edges, has its overlay laid out from 0.92 to 29.61:
    3.6 levels off inside laid out on its pixels, 0.1 so); None for other layers."""
    vector = layer.vector_mask if isinstance(layer, FillLayer) else None
    if vector is None or not vector.enabled:
        return None
    return vector.extent()


def _padded_stroke(layer: FillLayer, at: Box, box: Box, inside) -> Optional[tuple]:
    """A shape layer's `stroke_over` over its box `at`, padded to canvas box `box` (`at` at
    `inside` in it) for `styled_layers`; None when it draws no stroke."""
    made = layer.stroke_over(at, layer.active_mask(), layer.user_mask())
    if made is None:
        return None
    stroke, cover, area = made
    padded = np.zeros((box.h, box.w), np.float32)
    padded[inside] = cover
    if area is not None:
        placed = np.zeros((box.h, box.w), np.float32)
        placed[inside] = area
        area = placed
    return stroke, padded, area


def _interior_shape(node: Node, box: Box, at: Box) -> Optional[np.ndarray]:
    """What a node's interior effects are limited by over canvas box `box`
    (`styled_layers`' `interior_shape`): None, its alpha (Transparency Shapes Layer, the
    default); with that option off, 1 over its whole box `at`, where it has pixels or not."""
    if node.transparency_shapes:
        return None
    shape = np.zeros((box.h, box.w), np.float32)
    shape[at.intersect(box).translate(-box.x, -box.y).slices()] = 1.0
    return shape


def _effect_masks(node: Node) -> tuple[Optional["LayerMask"], Optional["LayerMask"]]:
    """Layer / Vector Mask Hides Effects: (the mask a node's effects are made through, the
    mask that then hides its content and its effects alike). By default (both off) its
    effects are made from it through its masks, and nothing hides them: (its active mask,
    None). With an option on, its mask of that kind moves from the first to the second."""
    mask = node.mask if node.mask is not None and node.mask.enabled else None
    vector = node.vector_mask if node.vector_mask is not None and node.vector_mask.enabled \
        else None
    hide_mask = node.mask_hides_effects and mask is not None
    hide_vector = node.vector_mask_hides_effects and vector is not None
    if not (hide_mask or hide_vector):
        return node.active_mask(), None
    if hide_mask and hide_vector:
        return None, node.active_mask()
    if hide_mask:
        return (None if vector is None else vector.raster()), mask
    return mask, vector.raster()


def _mask_key(mask, at: Box) -> Optional[tuple]:
    """A mask as a key of what is made through it over box `at` (placed relative to it)."""
    return None if mask is None else (Same(mask.pixels), mask.x - at.x, mask.y - at.y,
                                      mask.default, mask.density, mask.feather)


# Per layer: (key, {fill opacity: images}) of `_hidden_styled_images`, as `_styled_cache`.
_hidden_cache: "weakref.WeakKeyDictionary[Layer, tuple]" = weakref.WeakKeyDictionary()


def _hidden_styled_images(layer: Layer, buffer_box: Box, fill: int, region: Optional[Box],
                          source, hiding) -> Optional[tuple[list, Box]]:
    """`_styled_images` of a layer whose mask hides its effects (Layer / Vector Mask Hides
    Effects): the effects made from the layer through `source` only (the masks that do not
    hide them; None: none), then the layer and every effect alike through `hiding`. Kept by
    the layer, its masks, style and options."""
    effects = layer.effects
    margin = effects.margin()
    canvas = _document_canvas(layer)
    fills = isinstance(layer, FillLayer)
    if fills:
        reach = buffer_box.expand(effects.reach())
        at = reach if source is None else source.shown_bounds(reach)
    else:
        at = layer.bounds()
    box = at.expand(margin)
    if at.is_empty() or box.intersect(region or buffer_box).intersect(buffer_box).is_empty():
        return None
    # (As `_styled_images`: a pixel layer's images only move with it, unless an overlay is
    # laid out on its box.)
    placed = at if fills or effects.gradient_overlays or effects.pattern_overlays \
        else (at.w, at.h)
    key = (Same(layer.pixels), layer.revision, _mask_key(source, at), _mask_key(hiding, at),
           effects, placed, getattr(layer, "settings", None), getattr(layer, "stroke", None),
           canvas, layer.blend_interior, layer.transparency_shapes)
    kept = _hidden_cache.get(layer)
    if kept is None or kept[0] != key:
        kept = (key, {})
        _hidden_cache[layer] = kept
    if fill not in kept[1]:
        padded = np.zeros((box.h, box.w, 4), np.float32)
        inside = at.translate(-box.x, -box.y).slices()
        shape = None
        if fills:
            user = None if layer.mask_hides_effects else layer.user_mask()
            padded[inside] = to_float(layer.content(at, source, user))
            shape = np.zeros((box.h, box.w), np.float32)
            shape[inside] = 1.0 if source is None else source.coverage(at) * np.float32(1 / 255)
        else:
            padded[inside] = to_float(layer.pixels)
            if source is not None:
                padded[inside][..., 3] *= source.coverage(at) * np.float32(1 / 255)
        images = layer_effects.styled_layers(padded, effects, fill / 255.0, shape,
                                             (box.x, box.y), canvas, layer.blend_interior,
                                             _interior_shape(layer, box, at), None,
                                             _path_box(layer))
        cover = hiding.coverage(box) * np.float32(1 / 255)
        for image, _ in images:
            image[..., 3] *= cover
        kept[1].clear()  # (one fill at a time: a Fill slider's drag)
        kept[1][fill] = images
    return kept[1][fill], box


def _draw_fill(painter: _Painter, layer: FillLayer, region: Box, mode: str, opacity: int) -> None:
    """A fill layer inside `region`: what its settings paint (its colour, its gradient),
    as opaque as its masks' coverage, blended as a layer's pixels are. Except for a plain
    colour without a mask (Qt fills it), its pixels over the buffer are made once and
    kept as a masked layer's are (`masked_fill_pixels`)."""
    box = layer.content_bounds(region.intersect(painter.buffer.box))
    if box.is_empty() or opacity <= 0:
        return
    mask = layer.active_mask()
    if mask is None and layer.settings.kind == "solid_color" and layer.stroke is None:
        if mode in _QT_MODE_NAMES:
            # Opaque everywhere: Qt fills the box (a full redraw of a 4000x3000 canvas: ~1 ms
            # more than without the fill, against ~65 ms for its pixels made and drawn).
            painter.fill(layer.settings.color, box, mode, opacity)
        else:
            painter.blend_numpy(to_float(layer.content(box)), box, region, mode, opacity)
        return
    pixels, at = masked_fill_pixels(layer, painter.buffer.box)
    if mode in _QT_MODE_NAMES:
        _, QtGui = _qt()
        image = QtGui.QImage(pixels.data, at.w, at.h, pixels.strides[0],
                             QtGui.QImage.Format.Format_RGBA8888)
        painter.draw(image, at, box, mode, opacity)
    else:
        painter.blend_numpy(to_float(pixels[box.translate(-at.x, -at.y).slices()]), box,
                            region, mode, opacity)


def _draw_masked(painter: _Painter, layer: Layer, mask, region: Box, mode: str,
                 opacity: int) -> None:
    """A layer through its mask. The masked pixels of the whole layer are made once per
    change of the layer or its mask (its `revision`) and kept beside it, so redraws, drags
    and the Renderer's caches cost what an unmasked layer costs."""
    inter = layer.bounds().intersect(region).intersect(painter.buffer.box)
    if inter.is_empty() or opacity <= 0:
        return
    masked = masked_pixels(layer)
    if mode in _QT_MODE_NAMES:
        _, QtGui = _qt()
        image = QtGui.QImage(masked.data, masked.shape[1], masked.shape[0], masked.strides[0],
                             QtGui.QImage.Format.Format_RGBA8888)
        painter.draw(image, layer.bounds(), region, mode, opacity)
    else:
        src = to_float(masked[inter.translate(-layer.x, -layer.y).slices()])
        painter.blend_numpy(src, inter, region, mode, opacity)


# Per layer: (key, the layer's revision, pixels, their box relative to an origin).
_masked_cache: "weakref.WeakKeyDictionary[Layer, tuple]" = weakref.WeakKeyDictionary()


def masked_pixels(layer: Layer) -> np.ndarray:
    """`layer`'s straight RGBA with its alpha multiplied by its enabled mask's coverage
    (cached until the layer or its mask changes; do not modify it)."""
    mask = layer.active_mask()
    if mask is None:
        return layer.pixels
    key = (Same(layer.pixels, mask.pixels), mask.x - layer.x, mask.y - layer.y,
           mask.default, mask.density, mask.feather, layer.pixels.shape)

    def redo(box: Box, out: np.ndarray) -> None:
        _mask_kernel(box.area)(layer.pixels[box.translate(-layer.x, -layer.y).slices()],
                               mask.coverage(box), out)

    def make(box: Box) -> np.ndarray:
        out = prefaulted.empty_like(layer.pixels)
        redo(box, out)
        return out

    return _kept(layer, key, layer.bounds(), (layer.x, layer.y), mask, redo, make)[0]


def masked_fill_pixels(layer: FillLayer, canvas: Box) -> tuple[np.ndarray, Box]:
    """(pixels, their canvas box) of a fill layer: its content (`FillLayer.content`) over
    at least where it shows inside `canvas`, kept as `masked_pixels` keeps a masked
    layer's (do not modify them), by its settings (and the box a gradient is laid out
    on) and its mask. They are kept relative to the mask, so a moved shape layer is not
    made again while it shows no more of itself, and a smaller `canvas` (a strip of a
    histogram) uses those of a larger one."""
    mask = layer.active_mask()
    laid_out = layer.frame() if layer.settings.kind != "solid_color" else None
    user = layer.user_mask() if layer.stroke is not None else None
    # (Its stroke is kept by its settings; the path's coverage of it, by the path's.)
    key = (None if mask is None else (Same(mask.pixels), mask.default, mask.density,
                                      mask.feather), layer.settings, laid_out, layer.stroke,
           None if layer.placed_stroke is None else Same(layer.placed_stroke.pixels))

    def redo(box: Box, out: np.ndarray) -> None:
        out[...] = layer.content(box, mask, user)

    origin = (0, 0) if mask is None else (mask.x, mask.y)
    return _kept(layer, key, layer.content_bounds(canvas), origin, mask, redo,
                 lambda box: layer.content(box, mask, user))


def _kept(layer: Layer, key: tuple, box: Box, origin: tuple[int, int], mask, redo,
          make) -> tuple[np.ndarray, Box]:
    """`layer`'s pixels drawn through `mask` over canvas box `box` (at least), and their
    box: kept by `key`, made again (`make(box)`) when the key changes or the kept box,
    which moves with `origin`, does not hold `box`; after strokes on the layer or its mask
    (its `revision`) only the boxes they changed are redone in place, by
    `redo(canvas box, out)` (out: the kept pixels there)."""
    ox, oy = origin
    hit = _masked_cache.get(layer)
    if hit is not None and hit[0] == key:
        kept = hit[3].translate(ox, oy)
        changed = layer.changed_since(hit[1]) if kept.intersect(box) == box else None
        if changed is not None:  # only some boxes changed (strokes): redo those
            pad = mask.reach if mask is not None else 0  # a feathered change reaches further
            changed = Box(changed.x + layer.x - pad, changed.y + layer.y - pad,
                          changed.w + 2 * pad, changed.h + 2 * pad).intersect(kept)
            if not changed.is_empty():
                redo(changed, hit[2][changed.translate(-kept.x, -kept.y).slices()])
            _masked_cache[layer] = (key, layer.revision, hit[2], hit[3])
            return hit[2], kept
    out = make(box)
    _masked_cache[layer] = (key, layer.revision, out, box.translate(-ox, -oy))
    return out, box


_KERNELS: dict = {}
_SERIAL_BELOW = 1 << 18  # pixels: under this, starting numba's threads costs more than it saves


def _mask_kernel(pixels: int = 1 << 30):
    """A numba kernel (compiled once, cached on disk) that copies RGBA and multiplies the
    alpha by the coverage with exact rounding, in one pass: numpy's uint16 version took
    several passes over the 12-megapixel layers. Big regions use both cores; a brush
    dab's box runs on one (waking the thread pool took ~8 ms on the loaded machine)."""
    parallel = pixels >= _SERIAL_BELOW
    kernel = _KERNELS.get(parallel)
    if kernel is None:
        from numba import njit, prange

        loop = prange if parallel else range

        @njit(parallel=parallel, cache=True, nogil=True)
        def kernel(pixels, coverage, out):  # pragma: no cover (compiled)
            h, w = coverage.shape
            for y in loop(h):
                for x in range(w):
                    out[y, x, 0] = pixels[y, x, 0]
                    out[y, x, 1] = pixels[y, x, 1]
                    out[y, x, 2] = pixels[y, x, 2]
                    v = np.uint32(pixels[y, x, 3]) * np.uint32(coverage[y, x]) + np.uint32(128)
                    out[y, x, 3] = (v + (v >> np.uint32(8))) >> np.uint32(8)

        _KERNELS[parallel] = kernel
    return kernel


ADJUST_BAND_PIXELS = 1 << 20  # the float path works on bands of rows: bounded memory


def adjust_buffer(array: np.ndarray, settings, precise: bool,
                  coverage: Optional[np.ndarray] = None, opacity: int = 255) -> None:
    """Adjusts a premultiplied buffer (8-bit BGRA screen or 16-bit RGBA) in place with
    `settings`, through `coverage` (uint8, the buffer's shape) and `opacity`: one numba
    pass. The screen uses lookups for every kind (the mixing kinds' filled as met), files
    and merges compute the mixing kinds per pixel."""
    from .adjust_kernels import adjust_precise, adjust_screen, mix_screen

    masked = coverage is not None
    if not masked:
        coverage = np.zeros((1, 1), np.uint8)
    if precise:
        table = lut16(settings) if settings.separable else np.zeros((3, 1), np.uint16)
        adjust_precise(array, settings.code, table, settings.params(), coverage, masked,
                       opacity)
        return
    if settings.separable:
        adjust_screen(array, lut8_premultiplied(settings), coverage, masked, opacity)
    else:
        mix_screen(array, settings.code, cube8(settings), settings.params(), coverage, masked,
                   opacity)


def warm_up() -> None:
    """Loads the compiled kernels of the composite (numba: its import, then each kernel
    from its disk cache) by running each on a few pixels, contiguous and not (a view of
    a box is compiled apart). Their first use otherwise costs the first drag, masked layer,
    adjustment or scaled pattern 0.2-1 s on the 2-core machine (the reductions of a drag's
    first move ~0.85 s, Hue/Saturation ~1 s). The editor runs it on a worker thread once its window
    shows."""
    from . import adjustments, patterns, reduced

    pixels = np.full((4, 6, 4), 200, np.uint8)
    pattern = patterns.Pattern("warm-up", pixels)
    for angle in (0, 30):  # a scaled and a turned Pattern fill (pattern_kernels)
        patterns.tile(pattern, Box(0, 0, 6, 4), 50, angle)
    coverage = np.full((4, 6), 128, np.uint8)
    for size in (1, _SERIAL_BELOW):  # the one-core and the two-core mask kernel
        for sl in (np.s_[:, :], np.s_[:, 1:4]):
            _mask_kernel(size)(pixels[sl], coverage[sl], np.empty_like(pixels)[sl])
    reduced._reduce_straight(pixels, 1)
    for settings in (adjustments.Levels(rgb=(10, 240, 1.1, 0, 255)),
                     adjustments.HueSaturation(10, 10, 0)):
        for precise in (False, True):
            buf = np.full((4, 6, 4), 40000 if precise else 200,
                          np.uint16 if precise else np.uint8)
            for sl in (np.s_[:, :], np.s_[:, 1:4]):
                adjust_buffer(buf[sl], settings, precise)
                adjust_buffer(buf[sl], settings, precise, coverage[sl], 200)


def _draw_adjustment(painter: _Painter, layer: AdjustmentLayer, region: Box, mode: str,
                     opacity: int) -> None:
    """Changes what the canvas holds (everything below the adjustment layer) inside
    `region`: the adjusted colours replace the backdrop's, blended with the layer's mode,
    through its mask and at its opacity; alpha is kept (an adjustment adds no pixels)."""
    box = region.intersect(painter.buffer.box)
    settings = layer.settings
    if box.is_empty() or opacity <= 0 or settings.is_identity():
        return
    mask = layer.active_mask()
    buffer = painter.buffer
    painter.close()
    if mode == "normal":  # one pass over the premultiplied buffer, in place
        adjust_buffer(buffer.region(box), settings, buffer.precise,
                      mask.coverage(box) if mask is not None else None, opacity)
        return
    levels = 65536 if buffer.precise else 256
    rows = max(1, ADJUST_BAND_PIXELS // max(1, box.w))
    for y in range(box.y, box.y1, rows):
        band = Box(box.x, y, box.w, min(rows, box.y1 - y))
        pre = buffer.read_float(band)
        alpha = pre[..., 3:4]
        straight = unpremultiply(pre)[..., :3]
        adjusted = blend(mode, straight, settings.apply(straight, levels))
        weight = np.float32(opacity / 255.0)
        if mask is not None:
            weight = mask.coverage(band)[..., None] * (weight / np.float32(255))
        if mode == "dissolve":  # the adjustment whole or not at all, pixel by pixel
            weight = (dissolve_noise(band.x, band.y, band.w, band.h)[..., None]
                      < weight).astype(np.float32)
        rgb = straight + (adjusted - straight) * weight
        buffer.write_float(band, np.concatenate([rgb * alpha, alpha], axis=-1))


def _draw_nodes(painter: _Painter, nodes: Sequence[Node], region: Box,
                deep: Optional["_Backdrop"] = None) -> None:
    """`nodes` (one group's children, bottom first) drawn in turn inside `region`. `deep`:
    what a Deep knockout inside shows (the bottom of the document's stack), passed down
    through pass-through groups; None at the top and in isolated groups, whose bottom is
    where they start."""
    shallow = None
    knocking = [n for n in nodes if _knocks_out(n)]
    if deep is None:
        knocking += _deep_below(nodes)
    if knocking:
        # Knockout: what lies below this stack, which a knockout layer punches down to
        # (kept where those layers draw only: a float copy of the canvas is large).
        reach = knocking[0].drawn_bounds()
        for node in knocking[1:]:
            reach = reach.union(node.drawn_bounds())
        shallow = _Backdrop.of(painter, region.intersect(reach))
    deep = shallow if deep is None else deep
    i = 0
    while i < len(nodes):
        node = nodes[i]
        j = i + 1
        while j < len(nodes) and nodes[j].clipping:  # the clipping group based on `node`
            j += 1
        if j > i + 1 and not node.clipping:
            clipped = nodes[i + 1:j]
            if _knocks_out(node):  # the whole clipping group knocks out, in its base's shape
                _draw_knockout(painter, node, region,
                               shallow if node.knockout == "shallow" else deep, deep,
                               lambda p, box: _draw_clipping_group(p, node, clipped, box))
            else:
                _draw_clipping_group(painter, node, clipped, region)
        else:
            for each in nodes[i:j]:  # no base below: drawn as they are
                if _knocks_out(each):
                    _draw_knockout(painter, each, region,
                                   shallow if each.knockout == "shallow" else deep, deep)
                else:
                    _draw_node(painter, each, region, deep)
        i = j


def _draw_children(painter: _Painter, group: Group, region: Box,
                   deep: Optional["_Backdrop"] = None) -> None:
    """`group`'s children drawn inside `region` (`_draw_nodes`). An artboard's are drawn
    as Photoshop draws them: inside its rectangle only, over its background colour (an
    opaque fill at the bottom of the group, so its children blend with it, not with what
    lies below; none for a transparent artboard). Measured against the merged images of
    psd-tools' artboard.psd, artboard-bgcolor.psd and advanced-blending.psd
    (tests/test_artboards.py)."""
    artboard = group.artboard
    if artboard is not None:
        region = region.intersect(artboard.box)
        if region.is_empty():
            return
        rgb = artboard.fill()
        if rgb is not None:
            painter.fill(rgb, region, "normal", 255)
    _draw_nodes(painter, group.children, region, deep)


@dataclass
class _Backdrop:
    """A copy of the buffer's premultiplied float pixels over `box`: what a knockout
    layer shows through its shape."""
    pixels: np.ndarray
    box: Box

    @staticmethod
    def of(painter: _Painter, region: Box) -> "_Backdrop":
        box = region.intersect(painter.buffer.box)
        painter.close()
        return _Backdrop(painter.buffer.read_float(box), box)

    def read(self, box: Box) -> np.ndarray:
        return self.pixels[box.translate(-self.box.x, -self.box.y).slices()]


def _knocks_out(node: Node) -> bool:
    """Whether `node` is drawn as a knockout: a layer, a group (its whole composite punches
    through) or a clipping base (with its clipped layers). Not a clipped node (it knocks
    out inside its clipping group: `_draw_clipped`) nor an adjustment layer (it adds no
    pixels of its own; psd-tools ignores its knockout too)."""
    return not node.clipping and _has_knockout(node)


def _has_knockout(node: Node) -> bool:
    return node.visible and node.knockout != "none" \
        and not (isinstance(node, AdjustmentLayer) and not isinstance(node, FillLayer))


def _deep_below(nodes: Sequence[Node]) -> list[Node]:
    """The Deep knockout layers inside the pass-through groups among `nodes` (drawn onto
    the same buffer, so they knock down to the bottom of `nodes`)."""
    out: list[Node] = []
    for node in nodes:
        if isinstance(node, Group) and node.visible and not node.isolated() \
                and not node.draws_style():
            out += [n for n in node.children if _knocks_out(n) and n.knockout == "deep"]
            out += _deep_below(node.children)
    return out


def _draw_knockout(painter: _Painter, node: Node, region: Box, backdrop: _Backdrop,
                   deep: Optional[_Backdrop] = None, draw=None) -> None:
    """Photoshop's Knockout (psd-tools' `Compositor._apply_source` with knockout): inside
    the node's shape (`_knockout_shape`) the node blends onto `backdrop` (what lay below its
    group, or the document's bottom for Deep, or a clipping group's base) instead of onto
    the layers below it; at 0 % Fill it shows the backdrop there. As premultiplied colour:
    result = knocked + (1 - shape) * (current - backdrop), where `knocked` is the node drawn
    onto the backdrop: for a group, its layers (a Pass Through group's keeping their modes
    against the backdrop), for a clipping base, `draw(painter, box)`, its clipping group.
    `deep`: what Deep knockouts inside it knock down to."""
    buffer = painter.buffer
    inside = node.drawn_bounds().intersect(region).intersect(backdrop.box)
    if inside.is_empty() or node.opacity <= 0:
        return
    painter.close()
    current = buffer.read_float(inside)
    under = backdrop.read(inside)
    knocked = PixelBuffer(inside.w, inside.h, buffer.precise, (inside.x, inside.y))
    knocked.write_float(inside, under)
    inner = _Painter(knocked)
    if draw is None:
        _draw_node(inner, node, inside, deep)
    else:
        draw(inner, inside)
    inner.close()
    cover = _knockout_shape(node, inside, buffer.precise)
    buffer.write_float(inside, knocked.read_float(inside) + (1.0 - cover) * (current - under))


def _knockout_shape(node: Node, box: Box, precise: bool) -> np.ndarray:
    """The coverage a knockout `node` punches with over canvas box `box` (h x w x 1 float):
    its alpha drawn on transparency through its masks and at its opacity, not its Fill (a
    group's: its layers' composite, as they are drawn, through its mask, times its opacity;
    a styled group's, with its effects as drawn)."""
    if isinstance(node, Layer) and not node.transparency_shapes:
        # Transparency Shapes Layer off: it knocks out over its whole box (through its masks)
        cover = np.zeros((box.h, box.w, 1), np.float32)
        at = (node.content_bounds(box) if isinstance(node, FillLayer) else node.bounds())
        cover[at.intersect(box).translate(-box.x, -box.y).slices()] = node.opacity / 255.0
        mask = node.active_mask()
        if mask is not None:
            cover *= mask.coverage(box)[..., None] * np.float32(1 / 255)
        return cover
    shape = PixelBuffer(box.w, box.h, precise, (box.x, box.y))
    inner = _Painter(shape)
    if isinstance(node, Layer):
        _draw_layer(inner, node, box, "normal", node.opacity, fill=255)
    elif node.draws_style():
        _draw_styled_group(inner, node, box)
    else:
        assert isinstance(node, Group)
        _draw_children(inner, node, box)  # (alpha on transparency: the same in any mode)
        inner.close()
        if node.active_mask() is not None:
            _mask_buffer(shape, node.active_mask(), box)
        return shape.read_float(box)[..., 3:4] * np.float32(node.opacity / 255.0)
    inner.close()
    return shape.read_float(box)[..., 3:4]


def _draw_clipped(painter: _Painter, clipped: Sequence[Node], box: Box) -> None:
    """The nodes clipped to a base, drawn in turn onto the base's content in `painter`
    inside `box`. One with Knockout knocks down to that content, the clipping group's
    bottom, Shallow and Deep alike (psd-tools' clip compositor is seeded with the base and
    has no document backdrop)."""
    # (copied before the first clipped node is drawn: only where one knocks out)
    base = _Backdrop.of(painter, box) if any(_has_knockout(n) for n in clipped) else None
    for node in clipped:
        if base is not None and _has_knockout(node):
            _draw_knockout(painter, node, box, base, base)
        else:
            _draw_node(painter, node, box)


def _restricted(painter: _Painter, node: Node, region: Box, draw) -> None:
    """Advanced Blending's channels: `draw()` blends `node` in, then each unchecked colour
    channel gets the backdrop's straight colour back (times the new alpha: the layer still
    adds its coverage, as Photoshop's)."""
    buffer = painter.buffer
    inside = node.drawn_bounds().intersect(region).intersect(buffer.box)
    if inside.is_empty():
        return
    painter.close()
    before = unpremultiply(buffer.read_float(inside))
    draw()
    painter.close()
    after = buffer.read_float(inside)
    for c, kept in enumerate(node.channels):
        if not kept:
            after[..., c] = before[..., c] * after[..., 3]
    buffer.write_float(inside, after)


def _draw_clipping_group(painter: _Painter, base: Node, clipped: Sequence[Node],
                         region: Box) -> None:
    """Photoshop's clipping mask, with "Blend Clipped Layers as Group" (its default): the
    base and the layers clipped to it composite on transparency, each clipped layer
    blending onto the base's colours, the result keeps the base's alpha (its shape); it
    then blends onto the backdrop with the base's mode and opacity. The base's Fill fades
    its own colours only: the clipped layers keep its full shape. Hidden base: the
    clipped layers are hidden too."""
    if not base.visible:
        return
    if isinstance(base, AdjustmentLayer) and not isinstance(base, FillLayer):
        _draw_adjustment_clipping_group(painter, base, clipped, region)
        return
    if not base.blend_clipped:
        _draw_clipped_apart(painter, base, clipped, region)
        return
    inside = _content_box(base, painter.buffer.box).intersect(region)
    if inside.is_empty():
        return
    split = _interior_split(base)  # (its overlays, satins, inner glows: over the clipped)
    if split is not None:
        drawn = split[0]
        inside = _interior_window(base, painter.buffer.box, split[1], inside)
    buffer = painter.buffer
    temp = PixelBuffer(inside.w, inside.h, buffer.precise, (inside.x, inside.y))
    inner = _Painter(temp)
    if split is not None:
        _draw_layer(inner, drawn, inside, "normal", 255, fill=255)
    elif isinstance(base, Layer):
        _draw_layer(inner, base, inside, "normal", 255, fill=255)
    elif base.draws_style():  # (drawn as a styled layer base is: with its effects)
        _blend_styled_group(inner, base, inside, "normal", 255)
    else:
        assert isinstance(base, Group)
        if base.isolated() or base.adjusts():
            _draw_children(inner, base, inside)  # the group's own mode applies below
        else:
            _pass_through_content(painter, base, inside, temp)
    inner.close()
    shape = temp.read_float(inside)[..., 3:4].copy()
    own = shape  # the base's own contribution: its shape, unless its Fill fades it
    if isinstance(base, Layer) and base.fill_opacity != 255:
        # Photoshop's Fill fades the base's own colours, not the shape its clipped layers
        # are clipped by: they paint onto the faded base as onto transparency, and show at
        # full strength where the base is opaque (at Fill 0 %, the base is only a shape).
        temp.array[...] = 0
        _draw_layer(inner, base if split is None else split[0], inside, "normal", 255)
        inner.close()
        own = temp.read_float(inside)[..., 3:4].copy()
    _draw_clipped(inner, clipped, inside)
    inner.close()
    out = temp.read_float(inside)
    alpha = out[..., 3:4]
    # How much the clipped layers cover over the base's own alpha (alpha = c + own (1 - c)
    # for every mode), then the result's alpha: from the base's own where they cover
    # nothing to its full shape where they cover it all (at Fill 100 %: the shape).
    kept = shape
    if own is not shape:
        cover = np.divide(alpha - own, 1.0 - own, out=np.zeros_like(alpha), where=own < 1.0)
        kept = own + (shape - own) * np.clip(cover, 0.0, 1.0)
    scale = np.divide(kept, alpha, out=np.zeros_like(alpha), where=alpha > 0)
    out[..., :3] *= scale  # same colours, the base's alpha
    out[..., 3:4] = kept
    temp.write_float(inside, out)
    if split is not None:
        _interior_onto(temp, inside, base, split[1])
    mode = "normal" if base.blend_mode == "pass_through" else base.blend_mode
    opacity = base.opacity  # (a layer base's Fill faded its own colours above)
    if isinstance(base, Group) and not base.draws_style():
        opacity = _times(opacity, base.fill_opacity)  # an unstyled group's Fill fades it all
        if base.active_mask() is not None:
            # (a styled group's composite went through its mask before its effects were made)
            _mask_buffer(temp, base.active_mask(), inside)
    if mode in _QT_MODE_NAMES:
        painter.draw(temp.image, inside, region, mode, opacity)
    else:
        painter.blend_numpy(unpremultiply(temp.read_float(inside)), inside, region, mode,
                            opacity)


def _draw_clipped_apart(painter: _Painter, base: Node, clipped: Sequence[Node],
                        region: Box) -> None:
    """A clipping group whose base has "Blend Clipped Layers as Group" off ('clbl' 0): the
    base is drawn as it is (its mode, opacity, Fill, effects), then each clipped layer blends
    with what lies below it in its own mode, only inside the base's shape S (the base's
    pixels through its masks, not its Fill nor its effects, times its opacity):
    result = before + S * (drawn - before), per clipped layer, premultiplied. Its overlays,
    satins and inner glows then lie over the clipped layers, unless Blend Interior Effects as
    Group made them part of the base's own colours (`_interior_split`)."""
    split = None if base.blend_interior else _interior_split(base)
    _draw_node(painter, base if split is None else split[0], region)
    buffer = painter.buffer
    inside = _content_box(base, buffer.box).intersect(region)
    if inside.is_empty():
        return
    shape = _clip_shape(base, inside, buffer.precise)
    for node in clipped:
        if not node.visible:
            continue
        painter.close()
        before = buffer.read_float(inside)
        _draw_node(painter, node, inside)
        painter.close()
        after = buffer.read_float(inside)
        buffer.write_float(inside, before + (after - before) * shape)
    if split is not None:  # made over all of its shape in the buffer, drawn inside `region`
        painter.close()
        whole = _interior_window(base, buffer.box, split[1], inside)
        _interior_onto(buffer, whole, base, split[1], inside, base.opacity, canvas=True)


# The interior effects a clipping base draws over its clipped layers (Photoshop's, as its
# thumbnail of psd-tools' blend-and-clipping.psd shows: a base's Color Overlay covers the
# layers clipped to it, except with Blend Interior Effects as Group on and Blend Clipped
# Layers as Group off). Its inner shadows and bevels stay under them (not measured).
_INTERIOR_KINDS = ("pattern_overlays", "gradient_overlays", "color_overlays", "satins",
                   "inner_glows")
# Per base layer: (its style, its shape's stroke, a stand-in drawn without what lies over
# its clipped layers, its other effects, those effects alone).
_split_cache: "weakref.WeakKeyDictionary[Layer, tuple]" = weakref.WeakKeyDictionary()
_NO_EFFECTS = layer_effects.LayerEffects()  # (a base with a shape's stroke and no style)


def _strokes_over(effects: "layer_effects.LayerEffects") -> tuple:
    """A clipping base's Stroke effects that lie over its clipped layers, as its overlays
    do (psd-tools' effects/stroke-composite.psd): those inside or centred on its edge, in
    Normal (one in its own mode, or outside the shape, stays with the base); none when a
    Stroke Emboss lights the first stroke (it is drawn with the base)."""
    if any(b.enabled and b.style == "stroke_emboss" for b in effects.bevels):
        return ()
    return tuple(s for s in effects.strokes
                 if s.enabled and s.position != "outside" and s.blend_mode == "normal")


def _interior_split(base: Node) -> Optional[tuple[Layer, "layer_effects.LayerEffects"]]:
    """For a layer that is a clipping base drawing something over its clipped layers
    (overlays, satins, inner glows, inside Strokes `_strokes_over`, a shape layer's own
    stroke: Photoshop's order): (a stand-in for it drawn without them, a style of the
    effects alone, which `_interior_onto` lays over with the shape's stroke); None
    otherwise. The stand-in is kept per base (its images are then kept as the base's are)
    and takes the base's state at each call."""
    if not isinstance(base, Layer):
        return None
    stroke = base.stroke if isinstance(base, FillLayer) and base.stroke_coverage() is not None \
        else None
    styled = base.draws_style()
    effects = base.effects if styled else _NO_EFFECTS
    over = _strokes_over(effects)
    if stroke is None and not over and not any(
            e.enabled for kind in _INTERIOR_KINDS for e in getattr(effects, kind)):
        return None
    kept = _split_cache.get(base)
    if kept is None or kept[0] is not effects or kept[1] != stroke:
        from dataclasses import replace

        others = ("drop_shadows", "outer_glows", "inner_shadows", "bevels")
        kept = (effects, stroke, copy.copy(base),
                replace(effects, strokes=tuple(s for s in effects.strokes if s not in over),
                        **{k: () for k in _INTERIOR_KINDS}),
                replace(effects, strokes=over, **{k: () for k in others}))
        _split_cache[base] = kept
    _, _, stand_in, rest, alone = kept
    stand_in.__dict__.update(base.__dict__)
    if styled:
        stand_in.effects = rest
    if stroke is not None:  # (drawn by `_interior_onto`)
        stand_in.stroke = stroke.replace(enabled=False)
    return stand_in, alone


def _interior_window(base: Layer, canvas: Box, effects, box: Box) -> Box:
    """Where a base's interior effects (`_interior_split`) are made to draw canvas box `box`
    exactly: `box` grown by how far they reach inside the base (a glow's edge), within its
    whole box; all of that box for a gradient or pattern overlay (laid out on the shape's
    bounds)."""
    whole = _interior_box(base, canvas, effects)
    if effects.gradient_overlays or effects.pattern_overlays \
            or any(s.fill_type != "color" for s in effects.strokes):
        return whole
    return box.expand(effects.reach()).intersect(whole)


def _interior_box(base: Layer, canvas: Box, effects) -> Box:
    """Where a base's interior effects are made (`_interior_onto`): its whole box (a fill
    layer's, where it shows around `canvas`), so that a redrawn strip gives what the whole
    gives."""
    if isinstance(base, FillLayer):
        return base.content_bounds(canvas.expand(effects.reach()))
    return base.bounds()


def _interior_onto(buffer: PixelBuffer, box: Box, base: Layer, effects,
                   inside: Optional[Box] = None, opacity: int = 255,
                   canvas: bool = False) -> None:
    """A clipping base's overlays, satins, inner glows and inside strokes (`effects`,
    `_interior_split`), then its shape's stroke, then its Stroke effects,
    over what `buffer` holds inside canvas box `box`, within the base's own shape S, each at
    full strength (over a faded Fill it adds coverage; with Blend Interior Effects as Group
    the Fill fades them too), as `styled_layers` lays them over a layer (its
    `interior_shape`; S is its whole box with Transparency Shapes Layer off). The buffer holds
    the base and its clipped layers (inside S), or with
    `canvas` the whole canvas there: then the part S of each pixel is drawn over and the
    rest, 1 - S, kept. Written inside `inside` (default all of `box`) at `opacity`."""
    fill = base.fill_opacity
    if base.blend_interior and fill < 255:
        from dataclasses import replace

        effects = replace(effects, **{k: tuple(replace(e, opacity=e.opacity * fill / 255.0)
                                               for e in getattr(effects, k))
                                      for k in _INTERIOR_KINDS})
    own = _clip_shape(base, box, buffer.precise, faded=False)  # (what strokes follow)
    if base.transparency_shapes:
        shape = own
    else:  # (Transparency Shapes Layer off: over the base's whole box)
        shape = np.ones((box.h, box.w, 1), np.float32)
    held = np.zeros((box.h, box.w, 4), np.float32)  # (beyond the buffer: made, not drawn)
    there = box.intersect(buffer.box)
    held[there.translate(-box.x, -box.y).slices()] = buffer.read_float(there)
    rgba = unpremultiply(held)
    if canvas:
        rgba[..., 3:4] *= shape
    vector = None
    if isinstance(base, FillLayer):  # its shape's stroke, faded by its Fill as its pixels
        vector = base.stroke_over(box, base.active_mask(), base.user_mask())
        if vector is not None and fill < 255:
            vector = (vector[0].replace(opacity=vector[0].opacity * fill / 255),) + vector[1:]
    made = layer_effects.styled_layers(rgba, effects, 1.0, own[..., 0], (box.x, box.y),
                                       _document_canvas(base), False, shape[..., 0],
                                       vector, _path_box(base))[0][0]
    after = np.concatenate([made[..., :3] * made[..., 3:4], made[..., 3:4]], axis=-1)
    if canvas:
        after += (1.0 - shape) * held
    inside = (box if inside is None else inside.intersect(box)).intersect(buffer.box)
    local = inside.translate(-box.x, -box.y).slices()
    before = held[local]
    buffer.write_float(inside, before + (after[local] - before) * np.float32(opacity / 255.0))


def _clip_shape(base: Node, box: Box, precise: bool, faded: bool = True) -> np.ndarray:
    """The shape (h x w x 1 float, over canvas box `box`) that layers clipped apart to
    `base` show through: its own pixels' alpha through its masks (a group's composite's),
    without its Fill or effects, times its opacity (unless not `faded`)."""
    temp = PixelBuffer(box.w, box.h, precise, (box.x, box.y))
    inner = _Painter(temp)
    if isinstance(base, FillLayer):
        _draw_fill(inner, base, box, "normal", 255)
    elif isinstance(base, Layer):
        if not base.is_empty():
            mask = base.active_mask()
            if mask is None:
                inner.draw(_layer_image(base), base.bounds(), box, "normal", 255)
            else:
                _draw_masked(inner, base, mask, box, "normal", 255)
    else:
        assert isinstance(base, Group)
        _draw_children(inner, base, box)
        inner.close()
        if base.active_mask() is not None:
            _mask_buffer(temp, base.active_mask(), box)
    inner.close()
    return temp.read_float(box)[..., 3:4] * np.float32(base.opacity / 255.0 if faded else 1.0)


def _pass_through_content(painter: _Painter, group: Group, box: Box,
                          temp: PixelBuffer) -> None:
    """What a Pass Through group that is a clipping base contributes, into `temp` (empty)
    inside canvas box `box`: Photoshop composites it as a non-isolated group (PDF's): its
    layers blend with what lies below, their modes kept, and the backdrop is taken out
    again. Drawn over the backdrop B they give R; drawn on transparency, the group's own
    alpha a; its content is then R - B (1 - a), premultiplied (so that, blended Normal at
    full opacity, it gives R back). Measured on psd-tools' passthrough_clipping_mask_
    blendmode (tests/test_blend_modes_photoshop.py): drawn isolated, a Linear Dodge layer
    in it lost its mode. (A group with adjustments inside is drawn isolated, its
    adjustments acting on its own layers, as Photoshop does there.)"""
    painter.close()
    buffer = painter.buffer
    inner = _Painter(temp)
    _draw_children(inner, group, box)
    inner.close()
    alpha = temp.read_float(box)[..., 3:4]
    over = PixelBuffer(box.w, box.h, buffer.precise, (box.x, box.y))
    over.region(box)[...] = buffer.region(box)
    inner = _Painter(over)
    _draw_children(inner, group, box)
    inner.close()
    content = over.read_float(box) - buffer.read_float(box) * (1.0 - alpha)
    content[..., :3] = np.clip(content[..., :3], 0.0, alpha)
    content[..., 3:4] = alpha
    temp.write_float(box, content)


def _content_box(node: Node, canvas: Box) -> Box:
    """Where `node` draws content of its own inside `canvas` (the shape a clipping group
    based on it takes): its pixels' box; a fill layer's, where its masks show its colour
    (it has no pixel box); a group's, its layers' and its fill layers'."""
    if isinstance(node, FillLayer):
        return node.content_bounds(canvas)
    if isinstance(node, Group) and any(isinstance(n, FillLayer) for n in node.walk()):
        return node.drawn_bounds().intersect(canvas)
    return node.bounds().intersect(canvas)


def _draw_adjustment_clipping_group(painter: _Painter, base: AdjustmentLayer,
                                    clipped: Sequence[Node], region: Box) -> None:
    """An adjustment layer as a clipping base, as Photoshop (and psd-tools) draw it: its
    content is the adjusted backdrop, as opaque as the backdrop wherever that has pixels;
    the clipped layers composite onto that content (the backdrop's alpha kept), and the
    result blends onto the backdrop with the base's mode, through its mask and at its
    opacity. So the clipped layers show inside the base's mask, and an adjustment clipped
    to it changes only what the base adjustment did."""
    box = region.intersect(painter.buffer.box)
    if box.is_empty() or base.opacity <= 0:
        return
    buffer = painter.buffer
    painter.close()
    temp = PixelBuffer(box.w, box.h, buffer.precise, (box.x, box.y))
    temp.region(box)[...] = buffer.region(box)
    if not base.settings.is_identity():
        adjust_buffer(temp.region(box), base.settings, temp.precise)
    inner = _Painter(temp)
    _draw_clipped(inner, clipped, box)
    inner.close()
    before = buffer.read_float(box)
    alpha = before[..., 3:4]
    backdrop = unpremultiply(before)[..., :3]
    content = unpremultiply(temp.read_float(box))[..., :3]
    mode = "normal" if base.blend_mode == "pass_through" else base.blend_mode
    weight = np.float32(base.opacity / 255.0)
    mask = base.active_mask()
    if mask is not None:
        weight = mask.coverage(box)[..., None] * (weight / np.float32(255))
    if mode == "dissolve":
        weight = (dissolve_noise(box.x, box.y, box.w, box.h)[..., None]
                  < weight).astype(np.float32)
    rgb = backdrop + (blend(mode, backdrop, content) - backdrop) * weight
    buffer.write_float(box, np.concatenate([rgb * alpha, alpha], axis=-1))


def _mask_buffer(buffer: PixelBuffer, mask, box: Box) -> None:
    """Multiplies a premultiplied buffer by a mask's coverage inside canvas box `box`."""
    values = buffer.read_float(box) * (mask.coverage(box)[..., None] * np.float32(1 / 255))
    buffer.write_float(box, values)


def _draw_node(painter: _Painter, node: Node, region: Box,
               deep: Optional[_Backdrop] = None, all_channels: bool = False) -> None:
    """`node` blended onto the canvas inside `region` (`deep`: see `_draw_nodes`);
    `all_channels`: as if no channel were restricted (its restriction applied around it).
    One function, not two: a group nested in a group costs two frames of recursion here
    (this and `_draw_nodes`), and a 400-deep file written with the limit lifted must not
    reach Python's recursion limit."""
    if not node.visible:
        return
    if not all_channels and not all(node.channels):
        _restricted(painter, node, region,
                    lambda: _draw_node(painter, node, region, deep, all_channels=True))
        return
    if isinstance(node, Layer):
        _draw_layer(painter, node, region, node.blend_mode, node.opacity)
        return
    assert isinstance(node, Group)
    if node.draws_style():
        _draw_styled_group(painter, node, region)
        return
    buffer = painter.buffer
    inside = node.drawn_bounds().intersect(region).intersect(buffer.box)
    if inside.is_empty():
        return
    mask = node.active_mask()
    # A group's Fill (unstyled) fades its layers as its opacity does (psd-tools' composite,
    # and Photoshop's pixels: tests/test_blend_modes_photoshop.py).
    opacity = _times(node.opacity, node.fill_opacity)
    mode = _group_mode(node)
    if not node.isolated() and mask is None:
        if opacity == 255:
            if node.artboard is None:  # (two frames per nested group, not three)
                _draw_nodes(painter, node.children, region, deep)
            else:
                _draw_children(painter, node, region, deep)
            return
        # Children blend with the backdrop; the group's opacity then fades the
        # result back towards the backdrop.
        painter.close()
        before = buffer.read_float(inside)
        _draw_children(painter, node, inside, deep)
        painter.close()
        after = buffer.read_float(inside)
        buffer.write_float(inside, before + (after - before) * (opacity / 255.0))
        return
    if not node.isolated():
        # A masked pass-through group: the mask (times opacity) fades the children's
        # effect back towards the backdrop.
        inside = inside.intersect(buffer.box)
        if inside.is_empty():
            return
        painter.close()
        before = buffer.read_float(inside)
        _draw_children(painter, node, inside, deep)
        painter.close()
        after = buffer.read_float(inside)
        weight = mask.coverage(inside)[..., None] * np.float32(opacity / 255.0 / 255.0)
        buffer.write_float(inside, before + (after - before) * weight)
        return
    # An isolated group: its children composite on transparency first.
    temp = PixelBuffer(inside.w, inside.h, buffer.precise, (inside.x, inside.y))
    inner = _Painter(temp)
    _draw_children(inner, node, inside)
    inner.close()
    if mask is not None:
        _mask_buffer(temp, mask, inside)
    if mode in _QT_MODE_NAMES:
        painter.draw(temp.image, inside, region, mode, opacity)
    else:
        painter.blend_numpy(unpremultiply(temp.read_float(inside)), inside, region, mode,
                            opacity)


def _group_mode(group: Group) -> str:
    """The mode a group blends with: a Pass Through group with a drawn layer style is
    composited on its own and blended as Normal (Photoshop's)."""
    return "normal" if group.blend_mode == "pass_through" else group.blend_mode


def _styled_group_images(group: Group, shown: Box, precise: bool
                         ) -> tuple[list[tuple[np.ndarray, Optional[str]]], Box]:
    """A group with its drawn layer style, over canvas box `shown`: its children composited
    on transparency (through its mask) wherever a pixel of `shown` depends on them (its
    style's reach around it), then `layer_effects.styled_layers` of that composite, as
    for a pixel layer: the effects follow the group's composite, not each layer. Returns
    the styled images (straight float) and their canvas box.

    The reach around `shown` holds every pixel its effects are made from, and the
    composite spans the same columns whatever rows are asked, so rows made apart are
    what one piece gives there (exactly: the renderer's redraws rely on it)."""
    effects = group.effects
    box = shown.expand(effects.reach())
    window = box.intersect(group.composite_bounds())
    padded = np.zeros((box.h, box.w, 4), np.float32)
    if not window.is_empty():
        temp = PixelBuffer(window.w, window.h, precise, (window.x, window.y))
        inner = _Painter(temp)
        _draw_children(inner, group, window)
        inner.close()
        mask, _ = _effect_masks(group)  # (its active mask unless one hides the effects)
        if mask is not None:
            _mask_buffer(temp, mask, window)
        padded[window.translate(-box.x, -box.y).slices()] = \
            unpremultiply(temp.read_float(window))
    # Its Fill fades its composite, not its effects (made from the full composite), as
    # for a styled layer.
    images = layer_effects.styled_layers(padded, effects, fill=group.fill_opacity / 255.0,
                                         interior_group=group.blend_interior,
                                         interior_shape=_interior_shape(
                                             group, box, group.composite_bounds()))
    _, hiding = _effect_masks(group)
    if hiding is not None:  # Layer / Vector Mask Hides Effects: its mask hides them all
        cover = hiding.coverage(box) * np.float32(1 / 255)
        for image, _ in images:
            image[..., 3] *= cover
    return images, box


def _draw_styled_group(painter: _Painter, group: Group, region: Box) -> None:
    """A group with its drawn layer style inside `region`, with its mode (Normal for Pass
    Through) and opacity."""
    shown = group.drawn_bounds().intersect(region).intersect(painter.buffer.box)
    _blend_styled_group(painter, group, shown, _group_mode(group), group.opacity)


STYLED_BAND_PIXELS = 1 << 20  # a styled group is made in bands of rows: bounded memory


@dataclass
class _StyledRows:
    """A styled group's images kept over `box` (its drawn box on the canvas), premultiplied
    in the painter's precision, and the rows of them made since the group last changed."""
    key: tuple
    box: Box
    precise: bool
    buffers: list                  # [(PixelBuffer, own mode or None)], bottom to top
    rows: list                     # [(y0, y1)] made, disjoint


# Per styled group: its `_StyledRows` of each precision (the screen's, the files').
_styled_rows: "weakref.WeakKeyDictionary[Group, dict]" = weakref.WeakKeyDictionary()


def _content_key(group: Group) -> tuple:
    """What a group's composite and style are made from: its style and mask, and every
    node inside it as the renderer reads it (a layer's pixels by identity and revision,
    which in-place strokes and mask edits bump, as `_kept` relies on). Any change inside
    gives another key: the kept rows are made again."""
    def own_key(node: Node) -> tuple:  # (the group's mode and opacity apply when drawn)
        mask = node.mask
        return (Same(node, node.vector_mask), node.effects, node.revision,
                None if mask is None else (Same(mask.pixels), mask.x, mask.y, mask.enabled,
                                           mask.default, mask.density, mask.feather)) \
            + tuple(getattr(node, attr) for attr, _, _, _ in BLENDING_OPTIONS)

    def node_key(node: Node) -> tuple:
        out = own_key(node) + (node.visible, node.opacity, node.blend_mode, node.clipping,
                               node.fill_opacity, node.knockout, node.channels)
        if isinstance(node, Layer):
            out += (Same(node.pixels), node.x, node.y, getattr(node, "settings", None))
            if isinstance(node, FillLayer):
                out += (node.frame(),)
        return out

    return (own_key(group), group.fill_opacity) + tuple(node_key(n) for n in group.walk())


def _kept_rows(group: Group, precise: bool) -> Optional[_StyledRows]:
    """The group's kept rows for its current content (new, empty ones when it changed),
    over its drawn box inside the document's canvas; None outside a document."""
    root = group
    for root in group.ancestors():
        pass
    canvas = root.canvas  # (a document's root group holds its canvas box)
    if canvas is None:
        return None
    box = group.drawn_bounds().intersect(canvas)
    key = _content_key(group)
    kept = _styled_rows.setdefault(group, {})
    entry = kept.get(precise)
    modes = layer_effects.image_modes(group.effects)
    if entry is None or entry.box != box or [m for _, m in entry.buffers] != modes:
        buffers = [(PixelBuffer(box.w, box.h, precise, (box.x, box.y)), m) for m in modes]
        entry = kept[precise] = _StyledRows(key, box, precise, buffers, [])
    elif entry.key != key:
        entry.key, entry.rows = key, []  # (its buffers are written again row by row)
    return entry


def _blend_styled_group(painter: _Painter, group: Group, shown: Box, mode: str,
                        opacity: int) -> None:
    """Blends the styled group (`_styled_group_images`) onto `painter` inside `shown`: its
    shadows with their own modes, then its composite with its overlays and strokes with
    `mode`, each at `opacity`.

    The images are kept (`_styled_rows`) over the group's drawn box, premultiplied, and
    made only for the rows asked for since the group last changed, in bands of rows (each
    band's composite and effects over its rows and the style's reach around them: the
    same pixels whichever rows are asked first): a redraw because something else changed
    costs a blit per image, a stroke inside the group remakes the rows it touched."""
    if shown.is_empty() or opacity <= 0:
        return
    precise = painter.buffer.precise
    entry = _kept_rows(group, precise)
    if entry is None or entry.box.intersect(shown) != shown:  # (not kept: made for `shown`)
        for band in _style_bands(group, shown):
            images, box = _styled_group_images(group, band, precise)
            for image, own_mode in images:
                painter.blend_numpy(image, box, band, own_mode or mode, opacity)
        return
    missing = _missing_rows(entry.rows, shown.y, shown.y1)
    for y0, y1 in missing:
        for band in _style_bands(group, Box(entry.box.x, y0, entry.box.w, y1 - y0)):
            images, box = _styled_group_images(group, band, precise)
            for (buffer, _), (image, _) in zip(entry.buffers, images):
                part = image[band.translate(-box.x, -box.y).slices()]
                rgba = part.copy()
                rgba[..., :3] *= part[..., 3:4]
                buffer.write_float(band, rgba)
        entry.rows = _merged_rows(entry.rows + [(y0, y1)])
    for buffer, own_mode in entry.buffers:
        blend_mode = own_mode or mode
        if blend_mode in _QT_MODE_NAMES:
            painter.draw(buffer.image, entry.box, shown, blend_mode, opacity)
        else:
            painter.blend_numpy(unpremultiply(buffer.read_float(shown)), shown, shown,
                                blend_mode, opacity)


def _style_bands(group: Group, box: Box) -> list[Box]:
    """`box` cut into bands of rows to make a styled group in (bounded float memory)."""
    rows = max(2 * group.effects.reach(), STYLED_BAND_PIXELS // max(1, box.w))
    return [Box(box.x, y, box.w, min(rows, box.y1 - y)) for y in range(box.y, box.y1, rows)]


def _missing_rows(made: list, y0: int, y1: int) -> list[tuple[int, int]]:
    """The spans of rows y0..y1 not in `made` (disjoint spans)."""
    out, y = [], y0
    for a, b in sorted(made):
        if b <= y or a >= y1:
            continue
        if a > y:
            out.append((y, a))
        y = max(y, b)
    if y < y1:
        out.append((y, y1))
    return out


def _merged_rows(spans: list) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def composite_nodes(nodes: Sequence[Node], box: Box, *, precise: bool = True) -> np.ndarray:
    """Straight RGBA uint8 of `nodes` composited on transparency inside canvas box `box`."""
    buffer = PixelBuffer(box.w, box.h, precise, (box.x, box.y))
    painter = _Painter(buffer)
    _draw_nodes(painter, nodes, box)
    painter.close()
    return buffer.to_straight_rgba8()[: box.h, : box.w]


def composite_document(doc: "Document", box: Optional[Box] = None, *, precise: bool = True,
                       below: Optional[Node] = None) -> np.ndarray:
    """What the document shows, as straight RGBA uint8 (inside `box`, default the canvas).

    With `below`, only what lies under that node in the stack is composited
    (the background a generated layer will sit on).
    """
    box = box or doc.canvas
    nodes: Sequence[Node] = list(doc.root.children)
    if below is not None:
        nodes = nodes_below(doc.root, below.parent, below.index())
    return composite_nodes(nodes, box, precise=precise)


def nodes_below(root: Group, parent: Group, index: int) -> list[Node]:
    """What lies under position `index` of group `parent` (inside `root`), as a copy of
    `root`'s top level with everything from that position up pruned; the original nodes
    keep their parents."""
    if root is parent:
        return list(parent.children[:index])
    out: list[Node] = []
    for node in root.children:
        if isinstance(node, Group) and (node is parent or any(n is parent for n in node.walk())):
            pruned = Group(node.name, visible=node.visible, opacity=node.opacity,
                           blend_mode=node.blend_mode)
            pruned.mask, pruned.clipping = node.mask, node.clipping
            pruned.artboard = node.artboard
            pruned.children = nodes_below(node, parent, index)
            out.append(pruned)
            return out
        out.append(node)
    return out


@dataclass
class _Focus:
    layer: Layer
    # What is drawn live between the caches: the layer alone, or the clipping group it is
    # part of (its base and the layers clipped to it, bottom first).
    unit: list
    below: PixelBuffer
    above: Optional[PixelBuffer]     # pre-flattened layers above, when they all blend normally
    above_nodes: list[Node]          # drawn one by one when `above` is None
    # With adjustment layers above: runs of normally blending layers pre-flattened
    # (PixelBuffer) between the nodes drawn live over them (lists of nodes), bottom to top.
    steps: Optional[list] = None
    # The rows the caches cover when they were made for the rows in view only (a drag at
    # 100 % that starts before the idle canvas made them all); None: the whole canvas.
    rows: Optional[Box] = None


@dataclass
class _Preview:
    """A drag composited at pyramid level `level`: the focus caches reduced, the dragged
    layer and the nodes drawn live over them as reduced stand-ins (reduced.py), drawn by
    the same code as at full resolution."""
    level: int
    source: Layer                  # the dragged layer in the document
    proxy: Layer                   # its stand-in, the layer of `focus`
    canvas: Box                    # the reduced canvas, at (0, 0)
    buffer: PixelBuffer
    focus: _Focus
    revision: int                  # the source's revision: a pixel edit ends the preview


@dataclass
class _Prepared:
    """The caches around a layer being made ahead of a drag or stroke (`Renderer.prepare`)."""
    layer: Layer
    work: Iterator[None]           # `_focus_in_steps`, not yet run to its end
    split: tuple                   # the nodes below and above it when it began
    done: bool = False
    focus: Optional[_Focus] = None
    # (level, the layer's revision, its reduced stand-in, the focus reduced) for a drag
    # drawn at the view's level (`_draw_preview`), made once the focus is done.
    reduced: Optional[tuple] = None
    # ((level, revision), `_reduced_in_steps` for it) on the way to `reduced`
    reducing: Optional[tuple] = None


class Renderer:
    """Keeps an 8-bit premultiplied composite of a document current, box by box."""

    def __init__(self, doc: "Document"):
        self.doc = doc
        self.composite = PixelBuffer(doc.width, doc.height, precise=False)
        self._dirty: list[Box] = [doc.canvas]
        self._exact: list[Box] = []  # dirty boxes that must not use the above-cache
        self._touched: list[Box] = [doc.canvas]  # the dirty boxes before widening to rows
        self._focus: Optional[_Focus] = None
        self._focus_candidate: Optional[Layer] = None
        self._last_changed: Optional[Layer] = None
        # Boxes drawn through the flattened above-cache (rounding differs slightly).
        self._approximate: list[Box] = []
        # Alt+click on a mask thumbnail: the canvas shows that node's mask alone, in grey.
        self.mask_view: Optional[Node] = None
        # What the view shows (`set_view`): during an interaction only that is drawn, at
        # that level; the rest waits in `_pending` (whole rows) for `settle()`.
        self._view_level = 0
        self._view_box: Optional[Box] = None
        self._preview: Optional[_Preview] = None
        self._pending: list[Box] = []
        self._no_preview: Optional[Layer] = None  # painted, not moved: full resolution
        self._focus_revision: Optional[int] = None  # the focus layer's when it was hinted
        self._prepared: Optional[_Prepared] = None  # made while the editor is idle
        self._ready_preview: Optional[tuple] = None  # `_Prepared.reduced`, once taken
        doc.region_changed.connect(self._on_region)
        doc.structure_changed.connect(self._drop_focus)
        doc.size_changed.connect(self.match_size)

    def close(self) -> None:
        self.doc.region_changed.disconnect(self._on_region)
        self.doc.structure_changed.disconnect(self._drop_focus)
        self.doc.size_changed.disconnect(self.match_size)

    def match_size(self) -> bool:
        """A new composite buffer when the canvas size changed (Image menu); True if so."""
        doc = self.doc
        if self.composite.array.shape[:2] == (max(1, doc.height), max(1, doc.width)):
            return False
        self.composite = PixelBuffer(doc.width, doc.height, precise=False)
        self._drop_focus()
        self._dirty, self._exact, self._approximate = [doc.canvas], [], []
        self._touched, self._pending, self._preview = [doc.canvas], [], None
        return True

    @property
    def image(self) -> "QImage":
        """The composite (ARGB32 premultiplied). Call `update()` first."""
        return self.composite.image

    def set_focus(self, layer: Optional[Layer]) -> None:
        """Hints that `layer` is about to change repeatedly (a drag or a stroke begins);
        None when it ends (what was drawn approximately is then redrawn exactly)."""
        if self._focus is not None and self._focus.layer is layer:
            return
        self._end_focus()
        self._focus_candidate = layer
        self._focus_revision = None if layer is None else layer.revision

    def prepare(self, layer: Optional[Layer]) -> bool:
        """Starts making the caches around `layer` (as `set_focus` and the first change
        would), in steps run by `prepare_step`, so that a drag or stroke that begins
        later finds them made: the editor calls it when it is idle. Anything else that
        changes throws them away. True when there is work to run."""
        prepared = self._prepared
        if layer is None or not isinstance(layer, Layer) or not self.doc.contains(layer) \
                or (self._focus is not None and self._focus.layer is layer):
            return bool(self._unreduced())  # (the stand-ins serve any layer's drag)
        if prepared is not None and prepared.layer is layer:
            return (not prepared.done or bool(self._unreduced())
                    or (self._view_level > 0 and not self._reduced_ready()))
        split = _split_top_level(self.doc.root.children, layer)
        if split is None:  # drawn with its group: no caches around it
            return bool(self._unreduced())
        work = _focus_in_steps(self.doc.root.children, layer, self.doc.canvas)
        self._prepared = _Prepared(layer, work, _identities(split))
        return True

    def prepare_step(self, seconds: float = 0.015) -> bool:
        """Runs `prepare`'s work for about `seconds` (at least one unit of the stack);
        True while some is left."""
        end = time.perf_counter() + seconds
        # First every layer's stand-in at the view's level: a drag of any layer made
        # active later starts from them at once (`_preview_caches`), and they stay valid
        # until that layer's own pixels change.
        for layer in self._unreduced():
            reduced.reduced_pixels(layer, self._view_level, masked_pixels)
            if time.perf_counter() >= end:
                return True
        prepared = self._prepared
        if prepared is None:
            return False
        ran = False
        while not prepared.done:
            try:
                next(prepared.work)
                ran = True
            except StopIteration as stop:
                prepared.done, prepared.focus = True, stop.value
                break
            if time.perf_counter() >= end:
                return True
        if self._view_level > 0 and prepared.focus is not None and not self._reduced_ready():
            if ran and time.perf_counter() >= end:
                return True
            layer, level = prepared.layer, self._view_level
            key = (level, layer.revision)
            if prepared.reducing is None or prepared.reducing[0] != key:
                prepared.reducing = (key, _reduced_in_steps(prepared.focus, level))
            while True:
                try:
                    next(prepared.reducing[1])
                except StopIteration as stop:
                    prepared.reduced, prepared.reducing = key + stop.value, None
                    return False
                if time.perf_counter() >= end:
                    return True
        return False

    def _unreduced(self) -> list[Layer]:
        """The layers whose stand-ins at the view's level are still to be made (none at
        full resolution)."""
        if self._view_level == 0:
            return []
        return reduced.unreduced(self.doc.root.children, self._view_level)

    def _reduced_ready(self) -> bool:
        prepared = self._prepared
        return (prepared is not None and prepared.reduced is not None
                and prepared.reduced[:2] == (self._view_level, prepared.layer.revision))

    def _take_prepared(self, layer: Layer):
        """The prepared focus for `layer` (made to its end now if need be), or `_NONE`
        when there is none to take."""
        prepared, self._prepared = self._prepared, None
        if prepared is None or prepared.layer is not layer:
            return _NONE
        split = _split_top_level(self.doc.root.children, layer)
        if split is None or _identities(split) != prepared.split:
            return _NONE  # (changes of the stack throw it away before this: a safeguard)
        if not prepared.done:
            prepared.focus = _finish(prepared.work)
        self._ready_preview = prepared.reduced
        return prepared.focus

    def settle(self) -> None:
        """Marks what was drawn through the above-cache, or not yet drawn at full
        resolution (a reduced preview, rows out of view), for an exact redraw (call it when
        a drag or stroke ends; the next `update()` draws it). Keeps the full-resolution
        caches."""
        self._preview = None
        for box in self._approximate + self._pending:
            self._add_dirty(box, exact=True)
        self._approximate, self._pending = [], []

    @property
    def approximate(self) -> bool:
        """True while some pixels may differ from the exact composite (rounding, a reduced
        preview, rows out of view not yet redrawn): `settle()` then redraws them."""
        return bool(self._approximate or self._pending or self._preview is not None)

    def set_view(self, level: int, box: Optional[Box] = None) -> None:
        """What the canvas shows: pyramid `level` (2**level image pixels per shown pixel)
        of canvas box `box` (None: all of it). While a layer is dragged, `update()` then
        composites only that: at level 0 the rows of `box` at full resolution, at a
        higher level the whole canvas at that level from the layers' reductions
        (`preview`); what it leaves waits for `settle()`. Other changes draw everything."""
        level = max(0, int(level))
        box = None if box is None else box.clip(self.doc.width, self.doc.height)
        changed = level != self._view_level or box != self._view_box
        self._view_level, self._view_box = level, box
        focus = self._focus
        if focus is not None and focus.rows is not None and (
                level != 0 or box is None or box.intersect(focus.rows) != box):
            # Caches of the rows that were in view: made again for the new view
            self._focus, self._focus_candidate = None, focus.layer
        if changed and (self._preview is None or self._preview.level != level):
            self._end_preview()  # what waited for full resolution may now be in view

    @property
    def preview(self) -> Optional[tuple[int, PixelBuffer]]:
        """(level, buffer) while a drag is drawn at a reduced level: the canvas shows
        `buffer` (2**level smaller than the canvas) instead of the composite."""
        if self._preview is None:
            return None
        return self._preview.level, self._preview.buffer

    def split_images(self, layer: Layer) -> Optional[tuple["QImage", "QImage", bool]]:
        """Copies of the composites below and above `layer`, for previews that draw the layer
        themselves (a drag, Free Transform): (below, above, exact). None when `layer` sits
        inside an isolated group or a clipping group. `exact` is False when a layer above
        blends other than normally: `above` is then composited over transparency, an
        approximation."""
        split = _split_top_level(self.doc.root.children, layer)
        if split is None or len(split[2]) > 1:
            return None  # (drawn with its clipping group: not a layer to draw alone)
        self.set_focus(layer)
        focus = self._ensure_focus(whole=True)
        if focus is None or focus.layer is not layer:
            return None
        above, exact = focus.above, focus.above is not None
        if above is None:
            above = PixelBuffer(self.doc.width, self.doc.height, precise=False)
            painter = _Painter(above)
            _draw_nodes(painter, focus.above_nodes, self.doc.canvas)
            painter.close()
        return focus.below.image.copy(), above.image.copy(), exact

    def set_mask_view(self, node: Optional[Node]) -> None:
        """Shows `node`'s layer mask alone (None: the composite again); all is redrawn."""
        if node is self.mask_view:
            return
        self.mask_view = node
        self._drop_focus()
        self._add_dirty(self.doc.canvas, exact=True)

    def is_dirty(self) -> bool:
        return bool(self._dirty)

    def update(self) -> list[Box]:
        """Recomposites what changed; returns the canvas boxes that were redrawn."""
        boxes, self._dirty = self._dirty, []
        exact, self._exact = self._exact, []
        touched, self._touched = self._touched, []
        if not boxes:
            return []
        view = self.mask_view
        if view is not None and (view.mask is None or not self.doc.contains(view)):
            self.mask_view = view = None
            boxes = [self.doc.canvas]
        if view is not None:
            for box in boxes:
                values = view.mask.raw_crop(box)
                region = self.composite.region(box)
                region[..., :3] = values[..., None]
                region[..., 3] = 255
            return boxes
        layer = self._focus.layer if self._focus is not None else self._focus_candidate
        if layer is not None and self._view_level > 0 and not exact \
                and self._draw_preview(layer, touched):  # (exact: settling, full resolution)
            for box in boxes:  # drawn at full resolution when the drag settles
                self._pending = _merge_box(self._pending, box)
            return []
        if self._preview is not None:
            self._end_preview()
            for box in self._dirty:  # what the preview left: drawn now with the rest
                boxes = _merge_box(boxes, box)
            exact, touched = exact + self._exact, touched + self._touched
            self._dirty, self._exact, self._touched = [], [], []
        focus = self._ensure_focus()
        view = self._view_box if focus is not None else None
        drawn = []
        for box in boxes:
            if focus is None:
                self._redraw(box)
                drawn.append(box)
                continue
            beyond = focus.rows is not None and box.intersect(focus.rows) != box
            if beyond and any(not box.intersect(e).is_empty() for e in exact):
                # Exact rows beyond the caches (made for the rows in view): drawn from the
                # layers; those the caches hold, from them.
                inside = box.intersect(focus.rows)
                for rows in (Box(box.x, box.y, box.w, max(0, focus.rows.y - box.y)),
                             Box(box.x, focus.rows.y1, box.w, max(0, box.y1 - focus.rows.y1))):
                    rows = rows.intersect(box)
                    if not rows.is_empty():
                        self._redraw(rows)
                        drawn.append(rows)
                if inside.is_empty():
                    continue
                box, beyond = inside, False
            within = None
            for other in touched:
                part = other.intersect(box)
                if not part.is_empty():
                    within = part if within is None else within.union(part)
            is_exact = any(not box.intersect(e).is_empty() for e in exact)
            changed = within or box
            if view is not None and not is_exact and (changed.intersect(view) != changed
                                                      or beyond):
                # An interaction reaching out of view: only what is in view is drawn now;
                # the rows wait for `settle()` to be drawn exactly, all of them.
                self._pending = _merge_box(self._pending, box)
                within = changed.intersect(view)
                if within.is_empty():
                    continue
                _redraw_with_focus(self.composite, self.doc.canvas, focus, box, within=within,
                                   partial=True)
                drawn.append(within)
                continue
            self._redraw_with_focus(focus, box, exact=is_exact, within=within)
            drawn.append(box)
        return drawn

    def _draw_preview(self, layer: Layer, touched: list[Box]) -> bool:
        """Draws the changed boxes at the view's level; False when the preview does not
        apply (the layer's pixels are being edited, or it cannot be split out)."""
        preview = self._preview
        if preview is not None and (preview.source is not layer
                                    or preview.revision != layer.revision):
            self._no_preview = layer  # a stroke: its dabs are small, full resolution
            self._end_preview()
            return False
        if layer is self._no_preview or not self.doc.contains(layer):
            return False
        level = self._view_level
        fresh = preview is None
        if fresh and layer.revision != self._focus_revision:
            self._no_preview = layer  # its pixels changed since the hint: a stroke
            return False
        if fresh:
            canvas = reduced.reduced_box(self.doc.canvas, level)
            made = self._preview_caches(layer, level, canvas)
            if made is None:
                return False  # not split out of the stack: full resolution, as before
            proxy, focus = made
            preview = _Preview(level, layer, proxy, canvas,
                               PixelBuffer(canvas.w, canvas.h, precise=False),
                               focus, layer.revision)
            self._preview = preview
        reduced.place(preview.proxy, layer, level)
        canvas = preview.canvas
        if fresh:
            regions = [canvas]
        else:
            regions = []
            for box in touched:
                small = reduced.reduced_box(box, level)
                small = Box(small.x - 1, small.y - 1, small.w + 2, small.h + 2).intersect(canvas)
                if not small.is_empty():
                    regions = _merge_box(regions, small)
        for region in regions:
            rows = Box(0, region.y, canvas.w, region.h)
            _redraw_with_focus(preview.buffer, canvas, preview.focus, rows, within=region)
        return True

    def _preview_caches(self, layer: Layer, level: int,
                        canvas: Box) -> Optional[tuple[Layer, _Focus]]:
        """(`layer`'s stand-in, the caches around it at `level`) for a drag drawn at the
        view's level; None when `layer` cannot be split out of the stack.

        With the full-resolution caches made (or made ready while idle), they are reduced.
        Otherwise (a drag that begins right after another layer was made active), the
        caches are composited from every layer's stand-in when those are all made (the
        idle preparation makes them first): ~10-40 ms at level 2 on the 20-layer photo
        document, where making and reducing the full caches took ~250-350 ms. The two can
        differ by a rounding step at soft edges (blending does not commute with box
        averages); the exact composite follows when the drag settles."""
        prepared = self._prepared
        full_made = (self._focus is not None and self._focus.layer is layer
                     and self._focus.rows is None) or (
            prepared is not None and prepared.layer is layer and prepared.done)
        if not full_made and not reduced.unreduced(self.doc.root.children, level):
            if _split_top_level(self.doc.root.children, layer) is None:
                return None
            proxies: dict = {}
            nodes = reduced.reduced_nodes(self.doc.root.children, level, masked_pixels, proxies)
            proxy = proxies[id(layer)]
            focus = _build_focus(nodes, proxy, canvas)
            return None if focus is None else (proxy, focus)
        full = self._ensure_focus(whole=True)
        if full is None or full.layer is not layer:
            return None
        ready, self._ready_preview = self._ready_preview, None
        if ready is not None and ready[:2] == (level, layer.revision) \
                and ready[3].below.array.shape[:2] == (canvas.h, canvas.w):
            return ready[2], ready[3]
        return _reduced_focus(full, level)

    # -- signal handlers --------------------------------------------------------------
    def _on_region(self, box: Optional[Box], layer: Optional[Layer]) -> None:
        box = (box or self.doc.canvas).clip(self.doc.width, self.doc.height)
        if layer is None or (self._focus is not None and layer is not self._focus.layer) or \
                (self._preview is not None and layer is not self._preview.source):
            self._end_focus()  # something else changed: the caches are stale
        if layer is not None and layer is self._last_changed and self._focus is None \
                and self._focus_candidate is not layer:
            self._focus_candidate = layer  # the same layer again: worth caching around it
            self._focus_revision = layer.revision
        self._last_changed = layer
        if self._prepared is not None and layer is not self._prepared.layer:
            self._prepared = None  # made from what just changed
        elif self._prepared is not None and self._focus is None:
            # The layer made ready while idle changes (a slider, a filter): its caches
            # draw the change at once; what they round differently is settled after.
            self._focus_candidate = layer
            self._focus_revision = layer.revision
        if not box.is_empty():
            self._add_dirty(box)

    def _drop_focus(self) -> None:
        self._end_focus()
        self._last_changed = None
        self._prepared = None

    def _end_focus(self) -> None:
        self._focus = None
        self._ready_preview = None
        self._no_preview = None
        self.settle()

    def _end_preview(self) -> None:
        """Back to full resolution, or the view moved: what was left undrawn (by a preview,
        or out of view) becomes dirty (drawn exactly when the interaction settles)."""
        self._preview = None
        for box in self._pending:
            self._add_dirty(box)
        self._pending = []

    def _add_dirty(self, box: Box, exact: bool = False) -> None:
        self._touched = _merge_box(self._touched, box.clip(self.doc.width, self.doc.height))
        # Whole rows: Qt rounds a pixel the same way only when it is drawn in the same span.
        box = Box(0, box.y, self.doc.width, box.h)
        if box.is_empty():
            return
        if exact:
            self._exact.append(box)
        self._dirty = _merge_box(self._dirty, box)

    # -- drawing ----------------------------------------------------------------
    def _redraw(self, box: Box) -> None:
        self.composite.region(box)[...] = 0
        painter = _Painter(self.composite)
        _draw_nodes(painter, self.doc.root.children, box)
        painter.close()

    def _ensure_focus(self, whole: bool = False) -> Optional[_Focus]:
        """The caches around the focus layer, made now if the idle canvas did not make
        them. At 100 %, with a view much smaller than the canvas, only the rows in view
        (and a margin) are made: a third of the work on a 4000x3000 document in a
        1000-pixel-high view; `whole`: over the whole canvas."""
        focus = self._focus
        if focus is not None and not (whole and focus.rows is not None):
            return focus
        if focus is not None:  # rows only: made again whole
            self._focus, self._focus_candidate = None, focus.layer
        layer, self._focus_candidate = self._focus_candidate, None
        if layer is None or not self.doc.contains(layer):
            return None
        focus = self._take_prepared(layer)
        if focus is _NONE:
            rows = None if whole else self._rows_in_view()
            focus = _build_focus(self.doc.root.children, layer, rows or self.doc.canvas)
            if focus is not None and rows is not None:
                focus.rows = rows
        self._focus = focus
        return self._focus

    def _rows_in_view(self) -> Optional[Box]:
        """The rows a focus made now covers at 100 %: those in view and `VIEW_MARGIN`
        around them; None (the whole canvas) zoomed out, or when that is most of it."""
        view = self._view_box
        if self._view_level != 0 or view is None:
            return None
        rows = Box(0, view.y - VIEW_MARGIN, self.doc.width,
                   view.h + 2 * VIEW_MARGIN).intersect(self.doc.canvas)
        return rows if rows.h <= self.doc.height * 0.6 else None

    def _redraw_with_focus(self, focus: _Focus, box: Box, exact: bool = False,
                           within: Optional[Box] = None) -> None:
        if _redraw_with_focus(self.composite, self.doc.canvas, focus, box, exact, within):
            self._approximate = _merge_box(self._approximate, box)


def _build_focus(nodes: Sequence[Node], layer: Layer, canvas: Box) -> Optional[_Focus]:
    """The caches around `layer` in the stack `nodes` (the document's, or their reduced
    stand-ins) over `canvas`; None when it cannot be split out (see `_split_top_level`)."""
    return _finish(_focus_in_steps(nodes, layer, canvas))


def _focus_in_steps(nodes: Sequence[Node], layer: Layer, canvas: Box) -> Iterator[None]:
    """`_build_focus` as a generator that stops after each unit of the stack is drawn (a
    node with what is clipped to it: a few ms to tens of ms each), so the caches can be
    made between the events of an idle editor (`Renderer.prepare`). Returns the focus."""
    split = _split_top_level(nodes, layer)
    if split is None:
        return None
    below_nodes, above_nodes, unit = split
    below = yield from _flattened_in_steps(below_nodes, canvas)
    above, steps = None, None
    if all(_blends_normally(n) for n in above_nodes):
        above = yield from _flattened_in_steps(above_nodes, canvas)
    elif any(isinstance(n, AdjustmentLayer) for n in above_nodes):
        steps = yield from _steps_in_steps(above_nodes, canvas)
    return _Focus(layer, unit, below, above, above_nodes, steps)


def _finish(work: Iterator[None]):
    """Runs a generator of this module's `..._in_steps` to its end; returns its value."""
    while True:
        try:
            next(work)
        except StopIteration as stop:
            return stop.value


def _reduced_unit(full: _Focus, level: int) -> tuple[Layer, list[Node]]:
    """The stand-ins at pyramid `level` of `full`'s focus layer and of its unit."""
    proxies: dict = {}
    unit = reduced.reduced_nodes(full.unit, level, masked_pixels, proxies)
    return proxies[id(full.layer)], unit


def _reduced_focus(full: _Focus, level: int) -> tuple[Layer, _Focus]:
    """(the focus layer's reduced stand-in, `full`'s caches at pyramid `level`: box
    averages of the premultiplied buffers, with the nodes drawn live reduced)."""
    proxy, unit = _reduced_unit(full, level)
    return proxy, _finish(_reduced_focus_in_steps(full, proxy, unit, level))


def _reduced_in_steps(full: _Focus, level: int) -> Iterator[None]:
    """`_reduced_focus` of `full`, stopping after each buffer (10-20 ms each on 12 MP);
    returns (stand-in, reduced focus)."""
    proxy, unit = _reduced_unit(full, level)
    yield
    focus = yield from _reduced_focus_in_steps(full, proxy, unit, level)
    # The styled images of the stand-ins drawn over the caches, made now rather than on
    # the first move (~5-10 ms each at level 2 for a 1200x900 layer).
    live = unit + list(focus.above_nodes) + [n for step in focus.steps or ()
                                             if not isinstance(step, PixelBuffer)
                                             for n in step]
    for node in live:
        for each in ([node] if not isinstance(node, Group) else list(node.walk())):
            if isinstance(each, Layer) and each.visible and each.draws_style():
                yield
                _styled_images(each, focus.below.box, each.fill_opacity)
    return proxy, focus


def _reduced_focus_in_steps(full: _Focus, proxy: Layer, unit: list[Node],
                            level: int) -> Iterator[None]:
    """`_reduced_focus` as a generator that stops after each buffer or run of live nodes
    it makes (see `_focus_in_steps`); returns the reduced focus."""
    def shrink(buffer: PixelBuffer) -> PixelBuffer:
        small = reduced.box_average(buffer.array, level)
        out = PixelBuffer(small.shape[1], small.shape[0], precise=False)
        out.array[...] = small
        return out

    def live(nodes: Sequence[Node]) -> list[Node]:
        return reduced.reduced_nodes(nodes, level, masked_pixels)

    below = shrink(full.below)
    yield
    above = shrink(full.above) if full.above is not None else None
    steps = None
    if full.steps is not None:
        steps = []
        for step in full.steps:
            yield
            steps.append(shrink(step) if isinstance(step, PixelBuffer) else live(step))
    above_nodes = live(full.above_nodes) if above is None and steps is None else []
    return _Focus(proxy, unit, below, above, above_nodes, steps)


def _flattened_in_steps(nodes: Sequence[Node], canvas: Box) -> Iterator[None]:
    """`nodes` composited on transparency over the whole `canvas` (a cache), stopping
    after each clipping unit (see `_focus_in_steps`). Each unit
    gets its own painter: the pixels are the same as drawn by one (each draw sets its own
    mode and opacity; the numpy paths close the painter anyway)."""
    # Its 48 MB mapped in a piece per step too (~25 ms at once).
    array = yield from prefaulted.zeros_in_steps(PixelBuffer.shape(canvas.w, canvas.h), np.uint8)
    buffer = PixelBuffer(canvas.w, canvas.h, precise=False, origin=(canvas.x, canvas.y),
                         array=array)
    for unit in _clipping_units(nodes):
        for band in _step_bands(unit, canvas):
            painter = _Painter(buffer)
            _draw_nodes(painter, unit, band)
            painter.close()
            yield
    return buffer


STEP_PIXELS = 1 << 20  # a costly unit is drawn in bands of about this many pixels per step


def _step_bands(unit: Sequence[Node], canvas: Box) -> list[Box]:
    """Where to stop while drawing `unit` over `canvas`: a plain layer (one blit, a few ms
    on 12 MP) at once; an adjustment, a group, a clipping group or a numpy blend mode
    (up to ~10x a blit) in bands of whole rows, so that no step of the idle preparation
    keeps the editor from its events for long. Whole rows are drawn as in one piece
    (the renderer's dirty boxes rely on it)."""
    node = unit[0]
    if len(unit) == 1 and type(node) is Layer and node.blend_mode in _QT_MODE_NAMES:
        return [canvas]
    rows = max(1, STEP_PIXELS // max(1, canvas.w))
    return [Box(canvas.x, y, canvas.w, min(rows, canvas.y1 - y))
            for y in range(canvas.y, canvas.y1, rows)]


def _identities(split: tuple[list[Node], list[Node], list[Node]]) -> tuple:
    return tuple(tuple(id(n) for n in part) for part in split)


def _clipping_units(nodes: Sequence[Node]) -> list[list[Node]]:
    """`nodes` cut into units that `_draw_nodes` draws the same apart as together: each
    node with the nodes clipped to it."""
    units: list[list[Node]] = []
    for node in nodes:
        if node.clipping and units:
            units[-1].append(node)  # a clipped node stays with its base
        else:
            units.append([node])
    return units


def _steps_in_steps(nodes: Sequence[Node], canvas: Box) -> Iterator[None]:
    """The nodes above a dragged layer as steps: runs of clipping units that all blend
    normally, pre-flattened, and the units that do not (adjustments), drawn live. A
    generator (see `_focus_in_steps`); returns the steps."""
    steps: list = []
    run: list[Node] = []
    for unit in _clipping_units(nodes):
        if all(_blends_normally(n) for n in unit):
            run.extend(unit)
            continue
        if run:
            steps.append((yield from _flattened_in_steps(run, canvas)))
            run = []
        steps.append(unit)
    if run:
        steps.append((yield from _flattened_in_steps(run, canvas)))
    return steps


def _redraw_with_focus(target: PixelBuffer, canvas: Box, focus: _Focus, box: Box,
                       exact: bool = False, within: Optional[Box] = None,
                       partial: bool = False) -> bool:
    """Redraws rows `box` of `target` from the caches; `within` (inside `box`): what
    changed, or with `partial`, all that is to be drawn now (an approximation that the
    caller redraws exactly later). Returns True when the rows were drawn approximately
    (see the module text)."""
    if partial and within is not None:
        box = within
    if focus.steps is not None and not exact:
        # Adjustments above: each run of normal layers in one blit, the rest live, and
        # only where something changed (the adjustments cost ~10x a blit per pixel).
        # Drawn in shorter spans than whole rows, Qt may round a pixel one level apart:
        # the rows are remembered and redrawn exactly when the drag settles.
        part = box if within is None else within
        target.region(part)[...] = focus.below.region(part)
        painter = _Painter(target)
        _draw_nodes(painter, focus.unit, part)  # (with its Advanced Blending)
        for step in focus.steps:
            if isinstance(step, PixelBuffer):
                painter.draw(step.image, step.box, part, "normal", 255)
            else:
                _draw_nodes(painter, step, part)
        painter.close()
        return True
    target.region(box)[...] = focus.below.region(box)
    painter = _Painter(target)
    _draw_nodes(painter, focus.unit, box)  # (with its Advanced Blending)
    approximate = focus.above is not None and not exact
    if approximate:
        painter.draw(focus.above.image, focus.above.box, box, "normal", 255)
    else:
        _draw_nodes(painter, focus.above_nodes, box)
    painter.close()
    return approximate


def _merge_box(boxes: list[Box], box: Box) -> list[Box]:
    """`boxes` with `box` added, overlapping boxes merged (few boxes: a list is enough)."""
    keep = []
    for other in boxes:
        if not other.intersect(box).is_empty():
            box = box.union(other)
        else:
            keep.append(other)
    keep.append(box)
    if len(keep) > _MAX_DIRTY_BOXES:
        union = keep[0]
        for other in keep[1:]:
            union = union.union(other)
        keep = [union]
    return keep


def _split_top_level(nodes: Sequence[Node], layer: Layer
                     ) -> Optional[tuple[list[Node], list[Node], list[Node]]]:
    """Splits the stack into (below, above, unit) around `layer` when it blends straight
    into the document: at top level or inside visible pass-through groups at full opacity.
    `unit` is what is drawn live between them: the layer, or the clipping group it is part
    of (its base and the layers clipped to it: drawn together, as `_draw_nodes` draws
    them). Not with a Knockout anywhere in the stack: a knockout layer's backdrop is a
    state of the stack below it, which the split caches do not keep."""
    if any(n.knockout != "none" for top in nodes for n in _self_and_below(top)):
        return None
    below: list[Node] = []
    for i, node in enumerate(nodes):
        if node is layer:
            first, end = i, i + 1
            while first > 0 and nodes[first].clipping:
                first -= 1
            if nodes[first].clipping:
                return None  # clipped to nothing: drawn as it is (rare; not worth a case)
            while end < len(nodes) and nodes[end].clipping:
                end += 1
            return list(nodes[:first]), list(nodes[end:]), list(nodes[first:end])
        if isinstance(node, Group) and any(n is layer for n in node.walk()):
            if (node.isolated() or node.opacity != 255 or node.fill_opacity != 255
                    or not node.visible
                    or node.active_mask() is not None or node.clipping
                    or node.artboard is not None  # (its rectangle clips the layer)
                    or (i + 1 < len(nodes) and nodes[i + 1].clipping)):
                return None
            inner = _split_top_level(node.children, layer)
            if inner is None:
                return None
            return below + inner[0], inner[1] + list(nodes[i + 1:]), inner[2]
        below.append(node)
    return None


def _self_and_below(node: Node) -> Iterator[Node]:
    yield node
    if isinstance(node, Group):
        yield from node.walk()


def _blends_normally(node: Node) -> bool:
    if not node.visible:
        return True
    if node.knockout != "none" or not all(node.channels) or not node.blend_clipped:
        # Advanced Blending reads what lies below the node: not a layer to pre-flatten.
        return False
    # A style's shadows and strokes in other modes blend onto what lies below the layer:
    # pre-flattened on transparency, a Multiply shadow would lose its mode.
    normal_effects = node.effects is None or node.effects.own_modes() <= {"normal"}
    if isinstance(node, FillLayer):
        # drawn as a layer of one colour
        return node.blend_mode == "normal" and normal_effects
    if isinstance(node, AdjustmentLayer):
        return False  # it changes what lies below it: not a layer to pre-flatten
    if isinstance(node, Layer):
        return node.blend_mode == "normal" and normal_effects
    assert isinstance(node, Group)
    if node.isolated():
        return _group_mode(node) == "normal"
    return (node.opacity == 255 and node.fill_opacity == 255
            and node.active_mask() is None and all(_blends_normally(c) for c in node.children))
