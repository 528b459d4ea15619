"""A run of plain layers drawn onto the 8-bit screen buffer in one pass (numba), instead
of one QPainter pass per layer: `plain` says which layers qualify, `draw_run` draws them.

A plain layer is a pixel layer in Normal mode at 100 % opacity and Fill, without a drawn
style, clipping, knockout or channel restriction: most of a photo document's stack. Qt
blends each such layer over the whole region, reading and writing the 48 MB buffer of a
4000x3000 canvas once per layer (and premultiplying a straight layer's pixels on the
way); here each piece of a row of the region (`SEGMENT` columns) is kept in the core's
first-level cache while every layer of the run is blended into it, so the buffer is read and
written once per pass of `CHUNK` layers.
No memory is added: the layers' own pixels are read (a masked layer's kept drawn ones).
Measured on the shared 2-core machine (load 6-7), the 20 layers of bench_document.py's
masked photo document, 4000x3000: ~159 ms of CPU against ~235 for Qt's passes.

Exact: each pixel gets the arithmetic Qt's raster engine gives it, in the same order:
a straight layer premultiplied as qPremultiply does (and Qt's SIMD conversions of
RGBA8888), then Source Over as `comp_func_SourceOver` with full opacity,
d = s + BYTE_MUL(d, 255 - alpha(s)) with BYTE_MUL's rounding (t + (t >> 8) + 128) >> 8 per
channel (Qt short-cuts alpha 255 and 0, which this formula gives too). A masked layer is
drawn from its kept premultiplied pixels (`drawn_masked_pixels`), as Qt draws it.
tests/test_render_over.py compares the two bit for bit.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

import numpy as np

from engine.box import Box

from .layers import AdjustmentLayer, Layer, Node

if TYPE_CHECKING:
    from .render_buffer import _Painter

_SERIAL_BELOW = 1 << 18  # region pixels: under this one core (starting numba's threads costs)
# A layer alone is drawn by Qt as before (a drag's moves draw one layer over the caches:
# left as they were; no row is shared then).
MIN_RUN = 2
# Layers per pass: a fixed number (a tuple of that many arrays, padded with `_NONE`), so the
# kernel is compiled once for any run; a numba typed list would take any number, but
# making the first one costs ~4 s of compiling in each process.
CHUNK = 8
# Columns of a row blended through every layer of a pass before the next piece
# (over_kernels.row_run). The three runs of bench_document.py's masked photo document (20
# layers, 4000x3000), interleaved in one process at load 11-16, 12-30 runs each, ms of CPU
# (min / median): whole rows 110-121 / 129-143; pieces of 128 columns 74-90 / 80-124, 256:
# 76-93 / 116-119, 512: 73 / 106-130; the same bytes. (Skipping the layers under a piece a
# layer above covers opaquely, tried too: no gain there, its layers are seldom opaque.)
SEGMENT = 256
_NONE = np.zeros((0, 0), np.uint32)


def plain(node: Node) -> bool:
    """Whether `node` is drawn as Qt's Source Over of its pixels (through its masks) and
    nothing else, so that `draw_run` may draw it."""
    return (isinstance(node, Layer) and not isinstance(node, AdjustmentLayer)
            and node.visible and not node.clipping and node.blend_mode == "normal"
            and node.opacity == 255 and node.fill_opacity == 255
            and node.knockout == "none" and all(node.channels)
            and not node.draws_style() and not node.is_empty()
            and node.pixels.dtype == np.uint8 and node.pixels.flags.c_contiguous)


def draw_run(painter: "_Painter", layers: Sequence[Layer], region: Box) -> None:
    """`layers` (each `plain`, bottom first) drawn in turn onto `painter`'s 8-bit buffer
    inside `region`, as `_draw_layer` draws each: `CHUNK` layers per pass."""
    from .render_layers import drawn_masked_pixels

    buffer = painter.buffer
    assert not buffer.precise
    inside = region.intersect(buffer.box)
    sources, placed = [], []
    for layer in layers:
        if layer.bounds().intersect(inside).is_empty():
            continue
        premultiplied = layer.active_mask() is not None
        pixels = drawn_masked_pixels(layer) if premultiplied else layer.pixels
        # (contiguous rows, as the kernel is compiled for: no copy unless they were not)
        sources.append(np.ascontiguousarray(pixels.view(np.uint32)[..., 0]))
        placed.append((layer.x - buffer.origin[0], layer.y - buffer.origin[1], premultiplied))
    if not sources:
        return
    painter.close()
    local = buffer.local(inside)
    kernel, dst = _kernel(inside.area), buffer.array.view(np.uint32)[..., 0]
    for start in range(0, len(sources), CHUNK):
        part = sources[start:start + CHUNK]
        where = placed[start:start + CHUNK]
        part += [_NONE] * (CHUNK - len(part))  # (no rows: passed over)
        where += [(0, 0, 0)] * (CHUNK - len(where))
        kernel(dst, tuple(part), np.array(where, np.int64), local.y, local.y1, local.x,
               local.x1, SEGMENT)


def _kernel(pixels: int):
    """over_kernels' kernel for a region of `pixels`: on both cores for a big one, on one
    for a small one (waking numba's threads costs more than it saves)."""
    from . import over_kernels

    return over_kernels.run_parallel if pixels >= _SERIAL_BELOW else over_kernels.run_serial


def warm_up() -> None:
    """Loads both kernels (from numba's disk cache) on a few pixels."""
    dst = np.zeros((4, 6), np.uint32)
    sources = (np.full((4, 6), 0x80402010, np.uint32),) * 2 + (_NONE,) * (CHUNK - 2)
    placed = np.zeros((CHUNK, 3), np.int64)
    placed[1] = (1, 1, 1)
    for size in (1, _SERIAL_BELOW):
        _kernel(size)(dst, sources, placed, 0, 4, 0, 6, SEGMENT)
