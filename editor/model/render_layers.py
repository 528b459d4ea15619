"""Drawing one layer onto a `PixelBuffer`, for each kind of layer: its pixels (through its
masks: `masked_pixels`, kept), its layer style (`_draw_styled`: the effects' images, kept
per layer and fill opacity), a fill layer, an adjustment layer; the numba kernels these
use (`adjust_buffer`, the mask kernel) and `warm_up`, which loads them.

Adjustment layers change the buffer in place where they are drawn (what lies below
them in their group, or their clipping base), through their mask and opacity, in one
numba pass (`adjust_kernels`); lookup kinds in a row, unmasked at full strength, in one
pass for all (`draw_lookup_run`).
Fill layers (Solid Color, Gradient) are drawn as a layer of what they paint, its alpha
times their masks' coverage, made once and kept as a masked layer's pixels are
(`masked_fill_pixels`; a colour without a mask is filled by Qt).
Blend Interior Effects as Group and Transparency Shapes Layer (Advanced Blending) change
how a style is laid over a layer (`layer_effects.styled_layers`); a mask that hides the
effects is applied after them (`_effect_masks`, `_hidden_styled_images`).
"""
from __future__ import annotations

import sys
import weakref
from typing import TYPE_CHECKING, Optional

import numpy as np

from engine.box import Box, opaque_bounds
from engine.compose import FILL_NEUTRAL, blend, dissolve_noise, to_float, unpremultiply

from . import layer_effects, prefaulted
from .same import Same
from .adjustments import cube8, lut8_premultiplied, lut8_premultiplied_run, lut16
from .layers import AdjustmentLayer, FillLayer, Layer, Node
from .render_buffer import _QT_MODE_NAMES, _Painter, _layer_image, _qt

if TYPE_CHECKING:
    from .layers import LayerMask


def _draw_layer(painter: _Painter, layer: Layer, region: Box, mode: str, opacity: int,
                fill: Optional[int] = None) -> None:
    """`layer` blended onto the canvas inside `region` with `mode` at `opacity`, its own
    pixels at fill opacity `fill` (default its own `fill_opacity`: a clipping base is also
    drawn at 255 for the shape it clips to)."""
    fill = layer.fill_opacity if fill is None else fill
    if layer.draws_style():
        _draw_styled(painter, layer, region, mode, opacity, fill)
        return
    if fill < 255 and mode in FILL_NEUTRAL and (isinstance(layer, FillLayer)
                                                or not isinstance(layer, AdjustmentLayer)):
        # In these modes the Fill is not another opacity (`composite_premultiplied`).
        _draw_special_fill(painter, layer, region, mode, opacity, fill)
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


def _draw_special_fill(painter: _Painter, layer: Layer, region: Box, mode: str, opacity: int,
                       fill: int) -> None:
    """A pixel or fill layer without effects in a mode of `FILL_NEUTRAL` below 100 % Fill:
    its pixels through its masks blended with numpy, the Fill apart from the opacity."""
    if isinstance(layer, FillLayer):
        pixels, at = masked_fill_pixels(layer, painter.buffer.box)
    else:
        pixels, at = masked_pixels(layer), layer.bounds()
    inter = at.intersect(region).intersect(painter.buffer.box)
    if inter.is_empty() or opacity <= 0:
        return
    src = to_float(pixels[inter.translate(-at.x, -at.y).slices()])
    painter.blend_numpy(src, inter, region, mode, opacity, fill)


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
    made = _styled_images(layer, painter.buffer.box, fill, region, mode)
    if made is None:
        return
    images, box = made
    for image, own_mode in images:
        painter.blend_numpy(image, box, region, own_mode or mode, opacity)


def _styled_images(layer: Layer, buffer_box: Box, fill: int, region: Optional[Box] = None,
                   mode: Optional[str] = None) -> Optional[tuple[list, Box]]:
    """The images `_draw_styled` blends for `layer` drawn at fill opacity `fill` in blend
    mode `mode` (default its own) onto a buffer over `buffer_box`, and their canvas box;
    None when they show nowhere in `region` (default: all of the buffer). They are made
    once per change of the layer, its mask or style (a fill layer's pixels are its kept
    ones: not made again)."""
    apart = layer_effects.interior_blends_apart(mode or layer.blend_mode, layer.blend_interior)
    source_mask, hiding = _effect_masks(layer)
    if hiding is not None:  # Layer / Vector Mask Hides Effects
        return _hidden_styled_images(layer, buffer_box, fill, region, source_mask, hiding,
                                     apart)
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
    key += (layer.blend_interior, layer.transparency_shapes, apart)  # (Advanced Blending)
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
            if layer.stroke is not None and (layer.stroke.fill or layer.stroke.enabled):
                # Its fill off, only its vector stroke is its shape; with the stroke off too,
                # Photoshop styles the path's area still (Aspose's Shape_Effects_PS2021.psd).
                shape[inside] *= np.float32(layer.stroke.fill)
            if layer.stroke is not None:  # its vector stroke is part of its shape
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
                                                    _overlay_box(layer), apart)
    return kept[1][fill], box


def _overlay_box(layer: Layer) -> Optional[tuple]:
    """The box (x, y, width, height) a layer's Gradient Overlay aligned with it is laid out
    on, where it is not the bounds of the pixels its effects are made from; None for the
    rest. A shape layer's: its path's, in fractions of a pixel, as stored (psd-tools'
    effects/shape-fx2.psd: a pentagon from 0.92 to 29.61, drawn from 1 to 30 under Align
    Edges, has its overlay laid out from 0.92 to 29.61: 3.6 levels off inside laid out on
    its pixels, 0.1 so). A pixel (or smart object) layer's under a mask: its own pixels'
    bounds, the mask not cutting them (Aspose's iphone15snapcase.psd: a 2 % overlay on a
    smart object masked to its right 367 of 467 columns lies at the angle its whole
    1077-row box gives, 14 degrees off upright, not at the 18 the mask's box gives)."""
    if isinstance(layer, FillLayer):
        vector = layer.vector_mask
        return None if vector is None or not vector.enabled else vector.extent()
    if layer.active_mask() is None or not layer.effects.gradient_overlays:
        return None
    own = opaque_bounds(layer.pixels)
    return None if own is None else (float(layer.x + own.x), float(layer.y + own.y),
                                     float(own.w), float(own.h))


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
                          source, hiding, apart: bool = False) -> Optional[tuple[list, Box]]:
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
           canvas, layer.blend_interior, layer.transparency_shapes, apart)
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
                                             _overlay_box(layer), apart)
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
    """A layer through its mask. On the screen in Qt's modes, the masked pixels of the
    whole layer, premultiplied as Qt draws them (`drawn_masked_pixels`), are made once per
    change of the layer or its mask (its `revision`) and kept beside it, so redraws, drags
    and the Renderer's caches cost what an unmasked layer costs. Other modes, and 16-bit
    buffers (which Qt premultiplies at 16 bits from straight pixels), get the straight
    masked pixels of the box drawn, made for the draw (`straight_masked`)."""
    inter = layer.bounds().intersect(region).intersect(painter.buffer.box)
    if inter.is_empty() or opacity <= 0:
        return
    if mode in _QT_MODE_NAMES and not painter.buffer.precise:
        drawn = drawn_masked_pixels(layer)
        _, QtGui = _qt()
        image = QtGui.QImage(drawn.data, drawn.shape[1], drawn.shape[0], drawn.strides[0],
                             QtGui.QImage.Format.Format_ARGB32_Premultiplied)
        painter.draw(image, layer.bounds(), region, mode, opacity)
    elif mode in _QT_MODE_NAMES:
        image = _straight_image(straight_masked(layer, inter))
        painter.draw(image, inter, region, mode, opacity)
    else:
        painter.blend_numpy(to_float(straight_masked(layer, inter)), inter, region, mode,
                            opacity)


def _straight_image(pixels: np.ndarray):
    """Straight RGBA pixels as a QImage over their memory."""
    _, QtGui = _qt()
    return QtGui.QImage(pixels.data, pixels.shape[1], pixels.shape[0], pixels.strides[0],
                        QtGui.QImage.Format.Format_RGBA8888)


# Per layer: (key, the layer's revision, pixels, their box relative to an origin): what is
# drawn of a masked layer (`drawn_masked_pixels`) or of a fill layer (`masked_fill_pixels`).
_masked_cache: "weakref.WeakKeyDictionary[Layer, tuple]" = weakref.WeakKeyDictionary()
# The same of a masked layer's straight pixels (`masked_pixels`), made only for the callers
# that keep what they make from them (a styled layer's effects): most documents hold none.
_straight_cache: "weakref.WeakKeyDictionary[Layer, tuple]" = weakref.WeakKeyDictionary()


def _masked_key(layer: Layer, mask) -> tuple:
    return (Same(layer.pixels, mask.pixels), mask.x - layer.x, mask.y - layer.y,
            mask.default, mask.density, mask.feather, layer.pixels.shape)


def _through_mask(layer: Layer, mask, box: Box, out: np.ndarray, premultiplied: bool) -> None:
    """`out` = `layer`'s pixels over canvas box `box` with their alpha times `mask`'s
    coverage: straight RGBA, or Qt's premultiplied ARGB32 (`_mask_kernel`)."""
    _mask_kernel(box.area, premultiplied)(
        layer.pixels[box.translate(-layer.x, -layer.y).slices()], mask.coverage(box), out)


def _kept_through_mask(layer: Layer, premultiplied: bool) -> np.ndarray:
    mask = layer.active_mask()
    if mask is None:
        return layer.pixels

    def redo(box: Box, out: np.ndarray) -> None:
        _through_mask(layer, mask, box, out, premultiplied)

    def make(box: Box) -> np.ndarray:
        out = prefaulted.empty_like(layer.pixels)
        redo(box, out)
        return out

    cache = _masked_cache if premultiplied else _straight_cache
    # A layer drawn one way (with effects or without) holds only that way's pixels: a
    # style added to a masked layer frees its drawn ones, and removed, its straight ones.
    (_straight_cache if premultiplied else _masked_cache).pop(layer, None)
    return _kept(layer, _masked_key(layer, mask), layer.bounds(), (layer.x, layer.y), mask,
                 redo, make, cache)[0]


def masked_pixels(layer: Layer) -> np.ndarray:
    """`layer`'s straight RGBA with its alpha multiplied by its enabled mask's coverage
    (cached until the layer or its mask changes; do not modify it). Kept apart from what
    the screen draws (`drawn_masked_pixels`): a caller that does not keep what it makes
    from them takes `straight_masked`, which keeps nothing."""
    return _kept_through_mask(layer, premultiplied=False)


def drawn_masked_pixels(layer: Layer) -> np.ndarray:
    """`layer` through its enabled mask as the screen draws it: Qt's
    Format_ARGB32_Premultiplied (B, G, R, A bytes), each colour times the masked alpha
    rounded as Qt's qPremultiply does, so drawing it gives exactly what drawing the
    straight `masked_pixels` did: Qt premultiplied those as it drew them (a 12-megapixel
    layer drawn in 8.0 ms from them, 5.2 ms from these; making these costs ~8-14 ms more
    than the straight ones, once per change). Kept until the layer or its mask changes
    (do not modify it); strokes redo only their boxes. A layer without a mask: its own
    (straight) pixels."""
    return _kept_through_mask(layer, premultiplied=True)


def straight_masked(layer: Layer, box: Optional[Box] = None) -> np.ndarray:
    """`masked_pixels` over canvas box `box` (default the layer's), made anew and kept
    nowhere, unless the kept straight pixels are already there: for callers that use them
    once (a transform's preview, a blend mode Qt lacks, a 16-bit buffer), so a masked
    document holds one copy of each masked layer, the drawn one (reductions multiply the
    coverage in as they go: reduced.py's `_reduce_straight`)."""
    mask = layer.active_mask()
    bounds = layer.bounds()
    box = bounds if box is None else box.intersect(bounds)
    local = box.translate(-layer.x, -layer.y).slices()
    if mask is None:
        return layer.pixels[local]
    hit = _straight_cache.get(layer)
    if hit is not None and hit[0] == _masked_key(layer, mask) \
            and hit[1] == layer.revision and hit[3].translate(layer.x, layer.y) == bounds:
        return hit[2][local]
    out = prefaulted.zeros((box.h, box.w, 4), np.uint8)  # (a whole layer's: mapped in at once)
    _through_mask(layer, mask, box, out, premultiplied=False)
    return out


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
                 lambda box: layer.content(box, mask, user), _masked_cache)


def _kept(layer: Layer, key: tuple, box: Box, origin: tuple[int, int], mask, redo,
          make, cache) -> tuple[np.ndarray, Box]:
    """`layer`'s pixels drawn through `mask` over canvas box `box` (at least), and their
    box: kept by `key`, made again (`make(box)`) when the key changes or the kept box,
    which moves with `origin`, does not hold `box`; after strokes on the layer or its mask
    (its `revision`) only the boxes they changed are redone in place, by
    `redo(canvas box, out)` (out: the kept pixels there). Kept in `cache`, by layer."""
    ox, oy = origin
    hit = cache.get(layer)
    if hit is not None and hit[0] == key:
        kept = hit[3].translate(ox, oy)
        changed = layer.changed_since(hit[1]) if kept.intersect(box) == box else None
        if changed is not None:  # only some boxes changed (strokes): redo those
            pad = mask.reach if mask is not None else 0  # a feathered change reaches further
            changed = Box(changed.x + layer.x - pad, changed.y + layer.y - pad,
                          changed.w + 2 * pad, changed.h + 2 * pad).intersect(kept)
            if not changed.is_empty():
                redo(changed, hit[2][changed.translate(-kept.x, -kept.y).slices()])
            cache[layer] = (key, layer.revision, hit[2], hit[3])
            return hit[2], kept
    out = make(box)
    cache[layer] = (key, layer.revision, out, box.translate(-ox, -oy))
    return out, box


_KERNELS: dict = {}
_SERIAL_BELOW = 1 << 18  # pixels: under this, starting numba's threads costs more than it saves


def _mask_kernel(pixels: int = 1 << 30, premultiplied: bool = False):
    """A numba kernel (compiled once, cached on disk) that copies RGBA and multiplies the
    alpha by the coverage with exact rounding, in one pass: numpy's uint16 version took
    several passes over the 12-megapixel layers. `premultiplied`: it writes Qt's
    Format_ARGB32_Premultiplied instead (B, G, R, A bytes on a little-endian machine),
    each colour times that alpha rounded as qPremultiply (and Qt's SIMD conversions of
    RGBA8888) do, (t + (t >> 8) + 128) >> 8 of t = c * a, which is not always the
    nearest. Big regions use both cores; a brush dab's box runs on one (waking the thread
    pool took ~8 ms on the loaded machine). `_KERNELS[parallel]`: the straight ones."""
    parallel = pixels >= _SERIAL_BELOW
    name = ("premultiplied", parallel) if premultiplied else parallel
    kernel = _KERNELS.get(name)
    if kernel is None:
        from numba import njit, prange

        loop = prange if parallel else range

        if premultiplied:
            assert sys.byteorder == "little"  # (ARGB32 is B, G, R, A in memory there)

            @njit(parallel=parallel, cache=True, nogil=True)
            def kernel(pixels, coverage, out):  # pragma: no cover (compiled)
                h, w = coverage.shape
                half = np.uint32(128)
                for y in loop(h):
                    for x in range(w):
                        v = np.uint32(pixels[y, x, 3]) * np.uint32(coverage[y, x]) + half
                        a = (v + (v >> np.uint32(8))) >> np.uint32(8)
                        r = np.uint32(pixels[y, x, 0]) * a
                        g = np.uint32(pixels[y, x, 1]) * a
                        b = np.uint32(pixels[y, x, 2]) * a
                        out[y, x, 0] = (b + (b >> np.uint32(8)) + half) >> np.uint32(8)
                        out[y, x, 1] = (g + (g >> np.uint32(8)) + half) >> np.uint32(8)
                        out[y, x, 2] = (r + (r >> np.uint32(8)) + half) >> np.uint32(8)
                        out[y, x, 3] = a
        else:
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

        _KERNELS[name] = kernel
    return kernel


ADJUST_BAND_PIXELS = 1 << 20  # the float path works on bands of rows: bounded memory


def adjust_buffer(array: np.ndarray, settings, precise: bool,
                  coverage: Optional[np.ndarray] = None, opacity: int = 255) -> None:
    """Adjusts a premultiplied buffer (8-bit BGRA screen or 16-bit RGBA) in place with
    `settings`, through `coverage` (uint8, the buffer's shape) and `opacity`: one numba
    pass. The screen uses lookups for every kind (the mixing kinds' filled as met), files
    and merges compute the mixing kinds per pixel."""
    from .adjust_kernels import (adjust_precise, adjust_screen, adjust_screen_whole,
                                 mix_screen, mix_screen_whole)

    if not precise and coverage is None and opacity == 255:  # full strength: no mixing
        if settings.separable:
            adjust_screen_whole(array, lut8_premultiplied(settings))
        else:
            mix_screen_whole(array, settings.code, cube8(settings), settings.params())
        return
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
    from . import adjustments, patterns, reduced, render_over
    from .stroke_kernels import soft_reach

    render_over.warm_up()  # a run of plain layers drawn in one pass

    pixels = np.full((4, 6, 4), 200, np.uint8)
    pattern = patterns.Pattern("warm-up", pixels)
    for angle in (0, 30):  # a scaled and a turned Pattern fill (pattern_kernels)
        patterns.tile(pattern, Box(0, 0, 6, 4), 50, angle)
    coverage = np.full((4, 6), 128, np.uint8)
    for size in (1, _SERIAL_BELOW):  # the one-core and the two-core mask kernels
        for premultiplied in (False, True):
            for sl in (np.s_[:, :], np.s_[:, 1:4]):
                _mask_kernel(size, premultiplied)(pixels[sl], coverage[sl],
                                                  np.empty_like(pixels)[sl])
    reduced._reduce_straight(pixels, 1)
    for cover in (coverage, np.full((4, 8), 128, np.uint8)[:, 1:7]):  # a mask's, or a view
        reduced._reduce_straight(pixels, 1, cover)  # of a bigger mask's pixels
    soft = np.full((4, 6), 0.5, np.float32)  # a stroke round soft pixels (stroke_kernels)
    soft_reach(soft, np.zeros_like(soft), np.float32(254.5 / 255), 1)
    # (Curves: its first table imports scipy.interpolate for the spline, 0.2-3 s on the
    # 2-core machine, which a document's first picture would otherwise wait for.)
    for settings in (adjustments.Levels(rgb=(10, 240, 1.1, 0, 255)),
                     adjustments.Curves(rgb=((0, 0), (128, 140), (255, 255))),
                     adjustments.HueSaturation(10, 10, 0)):
        for precise in (False, True):
            buf = np.full((4, 6, 4), 40000 if precise else 200,
                          np.uint16 if precise else np.uint8)
            for sl in (np.s_[:, :], np.s_[:, 1:4]):
                adjust_buffer(buf[sl], settings, precise)
                adjust_buffer(buf[sl], settings, precise, coverage[sl], 200)


def whole_lookup(node: Node) -> bool:
    """Whether `node` is an adjustment layer that changes every pixel of the screen buffer
    by its kind's lookup table alone (a separable kind, Normal, 100 % opacity and Fill, no
    mask, clipping, style, knockout or channel restriction), so that a run of them may be
    applied as one table (`draw_lookup_run`); a hidden one (no change) may lie in the run."""
    if type(node) is not AdjustmentLayer or node.clipping:
        return False
    return not node.visible or (
        node.settings.separable and node.blend_mode == "normal" and node.opacity == 255
        and node.fill_opacity == 255 and node.knockout == "none" and all(node.channels)
        and not node.draws_style() and node.active_mask() is None)


def draw_lookup_run(painter: _Painter, layers, region: Box) -> None:
    """`layers` (each `whole_lookup`, bottom first) applied to the 8-bit screen buffer
    inside `region` in one pass, their tables composed (`lut8_premultiplied_run`): the
    bytes `_draw_adjustment` gives applying them one by one, one pass over the buffer
    instead of one per layer (Levels then Curves over a 4000x3000 composite: ~20 ms of
    CPU saved, what the second pass cost)."""
    buffer = painter.buffer
    assert not buffer.precise
    box = region.intersect(buffer.box)
    run = tuple(layer.settings for layer in layers
                if layer.visible and not layer.settings.is_identity())
    if box.is_empty() or not run:
        return
    from .adjust_kernels import adjust_screen_whole

    painter.close()
    adjust_screen_whole(buffer.region(box), lut8_premultiplied_run(run))


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
