"""Layers at a power-of-two reduction, for compositing at the level a view shows.

While a layer is dragged on a zoomed-out canvas, the Renderer composites the
document at the view's pyramid level (2**level times smaller) instead of at
full resolution, as Photoshop and Krita do; the exact full-resolution
composite follows when the drag settles. Its flattened caches (everything
below the layer, runs of layers above it) are reduced as they are, by box
averages of their premultiplied pixels (`box_average`); the dragged layer and
the nodes drawn live over the caches (adjustment layers, clipping groups,
layers with other blend modes) become stand-ins with reduced inputs, drawn by
the very same node-drawing code (render_nodes.py's `_draw_nodes`):

- a pixel layer's stand-in holds the 2**level box average of its
  premultiplied pixels, with its layer mask's coverage multiplied in as it is reduced
  (`_reduce_straight`), placed at its position / 2**level;
- an adjustment layer keeps its settings, its mask reduced (a fill layer also the box
  its gradient is laid out on, reduced; a pattern fill its tile, `Adjustment.reduced`;
  a shape layer its stroke, the stroke's coverage through its layer mask reduced: the
  stand-in has no path);
- a group keeps its mode and opacity, its children and mask reduced;
- each keeps its fill opacity and its layer style scaled to the level
  (`LayerEffects.reduced`: distances and blurs divided by 2**level, strokes, spreads and
  chokes as wide as at full size, overlays' patterns reduced): render_layers.py's
  `_draw_styled` draws a stand-in's effects from its reduced pixels (a fill layer's, from
  its reduced masks) as it draws the layer's, close to the full-size drawing reduced.

Reductions are cached beside each layer (weakly) against its pixel array, its
`revision` (pixel and mask edits) and its mask's placement and settings, so a
drag pays for them once; a move does not change them (only the position).
"""
from __future__ import annotations

import weakref
from typing import Optional, Sequence

import numpy as np

from engine.box import Box

from . import prefaulted
from .layers import AdjustmentLayer, FillLayer, Group, Layer, LayerMask, Node
from .layers import BLENDING_OPTIONS
from .same import Same

_layer_cache: "weakref.WeakKeyDictionary[Node, tuple]" = weakref.WeakKeyDictionary()
_mask_cache: "weakref.WeakKeyDictionary[Node, tuple]" = weakref.WeakKeyDictionary()
_stroke_cache: "weakref.WeakKeyDictionary[Node, tuple]" = weakref.WeakKeyDictionary()


def reduced_box(box: Box, level: int) -> Box:
    """The smallest box at `level` covering canvas box `box`."""
    s = 1 << level
    return Box.from_corners(box.x // s, box.y // s, -(-box.x1 // s), -(-box.y1 // s))


def box_average(array: np.ndarray, level: int) -> np.ndarray:
    """The 2**level box average of an (H, W[, C]) uint8 array (the last partial cells
    average what they hold)."""
    import cv2  # opencv: its INTER_AREA at an integer factor is the exact box average

    s = 1 << level
    h, w = array.shape[:2]
    out_w, out_h = max(1, -(-w // s)), max(1, -(-h // s))
    if h % s or w % s:  # pad by repeating the last row/column, as the canvas pyramid does
        array = cv2.copyMakeBorder(array, 0, out_h * s - h, 0, out_w * s - w,
                                   cv2.BORDER_REPLICATE)
    out = cv2.resize(array, (out_w, out_h), interpolation=cv2.INTER_AREA)
    return out.reshape((out_h, out_w) + array.shape[2:])


_KERNEL: list = []


def _reduce_straight(pixels: np.ndarray, level: int,
                     coverage: Optional[np.ndarray] = None) -> np.ndarray:
    """Straight RGBA reduced by 2**level as premultiplied colour (transparent pixels'
    colours do not bleed in), straight again: the box average of alpha and the
    alpha-weighted average of colour, rounded once. With `coverage` (a mask's, uint8 of
    the pixels' size) each alpha is first multiplied by it, rounded as render_layers.py's
    mask kernel does: the reduction of a masked layer without its masked pixels made
    (48 MB of a 12-megapixel layer, which the screen keeps premultiplied, not straight).
    One numba pass over both cores (Qt's conversions around an opencv resize took ~5x
    longer on a 12-megapixel layer)."""
    if not _KERNEL:
        from numba import njit, prange

        @njit(parallel=True, cache=True, nogil=True)
        def kernel(src, s, out, coverage, masked):  # pragma: no cover (compiled)
            h, w = src.shape[0], src.shape[1]
            oh, ow = out.shape[0], out.shape[1]
            for oy in prange(oh):
                y0, y1 = oy * s, min(h, oy * s + s)
                for ox in range(ow):
                    x0, x1 = ox * s, min(w, ox * s + s)
                    r = g = b = a = np.uint32(0)
                    for y in range(y0, y1):
                        for x in range(x0, x1):
                            alpha = np.uint32(src[y, x, 3])
                            if masked:
                                v = alpha * np.uint32(coverage[y, x]) + np.uint32(128)
                                alpha = (v + (v >> np.uint32(8))) >> np.uint32(8)
                            r += np.uint32(src[y, x, 0]) * alpha
                            g += np.uint32(src[y, x, 1]) * alpha
                            b += np.uint32(src[y, x, 2]) * alpha
                            a += alpha
                    n = (y1 - y0) * (x1 - x0)
                    out[oy, ox, 3] = np.uint8(a / n + 0.5)
                    if a:
                        inv = 1.0 / a
                        out[oy, ox, 0] = np.uint8(r * inv + 0.5)
                        out[oy, ox, 1] = np.uint8(g * inv + 0.5)
                        out[oy, ox, 2] = np.uint8(b * inv + 0.5)
                    else:
                        out[oy, ox, 0] = out[oy, ox, 1] = out[oy, ox, 2] = 0

        _KERNEL.append(kernel)
    s = 1 << level
    h, w = pixels.shape[:2]
    out = prefaulted.zeros((max(1, -(-h // s)), max(1, -(-w // s)), 4), np.uint8)
    masked = coverage is not None
    _KERNEL[0](pixels, s, out, coverage if masked else _NO_COVERAGE, masked)
    return out


_NO_COVERAGE = np.zeros((1, 1), np.uint8)


def _mask_key(mask: Optional[LayerMask], node: Node) -> tuple:
    if mask is None:
        return ()
    return (Same(mask.pixels), mask.pixels.shape, mask.x - getattr(node, "x", 0),
            mask.y - getattr(node, "y", 0), mask.default, mask.density, mask.feather)


def _layer_key(layer: Layer, level: int) -> tuple:
    return (level, Same(layer.pixels), layer.pixels.shape, layer.revision,
            _mask_key(layer.active_mask(), layer))


def reduced_pixels(layer: Layer, level: int) -> np.ndarray:
    """`layer`'s pixels through its mask, reduced to `level` (cached)."""
    key = _layer_key(layer, level)
    hit = _layer_cache.get(layer)
    if hit is not None and hit[0] == key:
        return hit[1]
    mask = layer.active_mask()
    out = _reduce_straight(layer.pixels, level,
                           None if mask is None else mask.coverage(layer.bounds()))
    _layer_cache[layer] = (key, out)
    return out


def unreduced(nodes: Sequence[Node], level: int) -> list[Layer]:
    """The pixel layers among `nodes` (and in their groups) whose reduction to `level` is
    not cached: what `reduced_nodes` would have to reduce (~20-30 ms per 12 MP layer)."""
    out: list[Layer] = []
    for node in nodes:
        if isinstance(node, Group):
            out.extend(unreduced(node.children, level))
        elif isinstance(node, Layer) and not isinstance(node, AdjustmentLayer) \
                and not node.is_empty():
            hit = _layer_cache.get(node)
            if hit is None or hit[0] != _layer_key(node, level):
                out.append(node)
    return out


def _on_grid(values: np.ndarray, x: int, y: int, default: int, level: int) -> np.ndarray:
    """Mask values placed at canvas (x, y) reduced to `level` over the canvas's blocks, to
    be placed at (x // 2**level, y // 2**level): padded with `default` out to the block
    edges first (a mask at x = 379 would else show 3/4 of a reduced pixel off at level 2,
    and so would a shape layer's stroke made from it)."""
    if not values.size:
        return values
    s = 1 << level
    left, top = x % s, y % s
    h, w = values.shape
    pad = ((top, -(top + h) % s), (left, -(left + w) % s))
    if any(pad[0] + pad[1]):
        values = np.pad(values, pad, constant_values=default)
    return box_average(values, level)


def reduced_mask(node: Node, level: int) -> Optional[LayerMask]:
    """`node`'s enabled mask at `level`: values reduced over the canvas's blocks, placement
    and feather scaled."""
    mask = node.active_mask()
    if mask is None:
        return None
    s = 1 << level
    key = (level, node.revision, mask.x % s, mask.y % s, _mask_key(mask, node))
    hit = _mask_cache.get(node)
    if hit is not None and hit[0] == key:
        values = hit[1]
    else:
        values = _on_grid(mask.pixels, mask.x, mask.y, mask.default, level)
        _mask_cache[node] = (key, values)
    return LayerMask(values, mask.x // s, mask.y // s, default=mask.default,
                     density=mask.density, feather=mask.feather / s)


def reduced_artboard(artboard, level: int):
    """An artboard at `level`: its rectangle over the blocks it touches (an edge pixel of
    the reduced view shows its background, as the box average of its content does)."""
    import dataclasses

    s = 1 << level
    box = artboard.box
    x0, y0 = box.x // s, box.y // s
    x1, y1 = -(-box.x1 // s), -(-box.y1 // s)
    return dataclasses.replace(artboard, box=Box(x0, y0, x1 - x0, y1 - y0))


def reduced_stroke(layer: FillLayer, level: int) -> Optional[LayerMask]:
    """A shape layer's stroke coverage through its layer mask, at `level` (reduced as
    `reduced_mask` reduces a mask), or None when it draws no stroke."""
    cover = layer.stroke_coverage()
    if cover is None:
        return None
    user = layer.user_mask()
    s = 1 << level
    key = (level, layer.revision, Same(cover.pixels), cover.x % s, cover.y % s,
           _mask_key(user, cover))
    hit = _stroke_cache.get(layer)
    if hit is not None and hit[0] == key:
        values = hit[1]
    else:
        values = cover.pixels
        if user is not None and values.size:
            values = ((values.astype(np.uint16) * user.coverage(cover.bounds()) + 127)
                      // 255).astype(np.uint8)
        values = _on_grid(values, cover.x, cover.y, 0, level)
        _stroke_cache[layer] = (key, values)
    return LayerMask(values, cover.x // s, cover.y // s, default=0)


def _stand_in_fill(proxy: FillLayer, layer: FillLayer, level: int) -> None:
    """What a fill layer's stand-in takes from it besides its mask: the box its gradient
    is laid out on and its stroke, reduced."""
    proxy.placed_on = reduced_frame(layer, level)
    proxy.stroke = layer.stroke
    proxy.placed_stroke = reduced_stroke(layer, level)


def place(proxy: Layer, layer: Layer, level: int) -> None:
    """Copies what a drag or a Properties edit changes without touching pixels (position,
    visibility, opacity, mode, fill opacity, style, settings) from `layer` onto its
    stand-in."""
    s = 1 << level
    proxy.x, proxy.y = round(layer.x / s), round(layer.y / s)
    proxy.visible, proxy.opacity, proxy.blend_mode = layer.visible, layer.opacity, layer.blend_mode
    proxy.fill_opacity = layer.fill_opacity
    proxy.effects = reduced_effects(layer, level)
    proxy.knockout, proxy.channels = layer.knockout, layer.channels  # (Advanced Blending)
    _blending_options(proxy, layer)
    if isinstance(layer, AdjustmentLayer):
        proxy.settings = layer.settings.reduced(level)
        proxy.mask = reduced_mask(layer, level)
    if isinstance(layer, FillLayer):
        _stand_in_fill(proxy, layer, level)


def _blending_options(proxy: Node, node: Node) -> None:
    """The rest of Advanced Blending (`layers.BLENDING_OPTIONS`) onto a stand-in. (A pixel
    layer's stand-in has its masks in its pixels: a mask that hides its effects is drawn
    as if it did not, until the drag settles.)"""
    for attr, _, _, _ in BLENDING_OPTIONS:
        setattr(proxy, attr, getattr(node, attr))


def reduced_effects(node: Node, level: int):
    """`node`'s layer style at `level` (None without one): see the module's text."""
    effects = node.effects
    return None if effects is None else effects.reduced(level)


def reduced_frame(layer: FillLayer, level: int) -> tuple[float, float, float, float]:
    """The box a fill layer's content is laid out on, at `level` (a gradient's stand-in
    spans the same part of the reduced canvas). Moved by half a block less half a pixel:
    a reduced pixel, sampled at its corner, then shows the middle of the block it stands
    for (the mean of its full-size pixels, each sampled at its own corner)."""
    s = 1 << level
    x, y, w, h = layer.frame()
    half = (s - 1) / 2
    return (x - half) / s, (y - half) / s, w / s, h / s


def reduced_nodes(nodes: Sequence[Node], level: int,
                  proxies: Optional[dict] = None) -> list[Node]:
    """Stand-ins of `nodes` at `level`; `proxies`, when given, gets each node's stand-in by
    the node's id."""
    out: list[Node] = []
    for node in nodes:
        if isinstance(node, AdjustmentLayer):
            # (its own kind: a fill layer's stand-in paints as it does)
            proxy: Node = type(node)(node.name, node.settings.reduced(level), visible=node.visible,
                                     opacity=node.opacity, blend_mode=node.blend_mode)
            proxy.mask = reduced_mask(node, level)
            if isinstance(node, FillLayer):
                _stand_in_fill(proxy, node, level)
        elif isinstance(node, Layer):
            pixels = (reduced_pixels(node, level) if not node.is_empty()
                      else node.pixels)
            proxy = Layer(node.name, pixels, visible=node.visible, opacity=node.opacity,
                          blend_mode=node.blend_mode)
            place(proxy, node, level)
        else:
            assert isinstance(node, Group)
            # (A styled Pass Through group composites on its own, as it does at full
            # resolution: its stand-in carries its style, below.)
            proxy = Group(node.name, reduced_nodes(node.children, level, proxies),
                          visible=node.visible, opacity=node.opacity,
                          blend_mode="normal" if node.blend_mode == "pass_through"
                          and node.draws_style() else node.blend_mode)
            proxy.mask = reduced_mask(node, level)
            if node.artboard is not None:
                proxy.artboard = reduced_artboard(node.artboard, level)
        proxy.clipping = node.clipping
        proxy.fill_opacity = node.fill_opacity
        proxy.effects = reduced_effects(node, level)
        proxy.stands_for = node  # (render_layers.py keeps its styled images by it)
        proxy.knockout, proxy.channels = node.knockout, node.channels
        _blending_options(proxy, node)
        if proxies is not None:
            proxies[id(node)] = proxy
        out.append(proxy)
    return out
