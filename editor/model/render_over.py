"""A run of plain layers drawn onto the 8-bit screen buffer in one pass (numba), instead
of one QPainter pass per layer: `plain` says which layers qualify, `draw_run` draws them.

A plain layer is a pixel layer in Normal mode at 100 % opacity and Fill, without a drawn
style, clipping, knockout or channel restriction: most of a photo document's stack. Qt
blends each such layer over the whole region, reading and writing the 48 MB buffer of a
4000x3000 canvas once per layer (and premultiplying a straight layer's pixels on the
way); here each row of the region is kept in the core's cache while every layer of the run
is blended into it, so the buffer is read and written once per run. Measured on the
2-core machine, six premultiplied 12-megapixel layers: ~18 ms of CPU against Qt's ~29.

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

_KERNELS: dict = {}
_SERIAL_BELOW = 1 << 18  # region pixels: under this one core (starting numba's threads costs)
MIN_RUN = 2  # a single layer is drawn by Qt as before (as fast alone: no row to share)


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
    inside `region`, as `_draw_layer` draws each."""
    from numba import typed

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
        sources.append(pixels.view(np.uint32)[..., 0])
        placed.append((layer.x - buffer.origin[0], layer.y - buffer.origin[1], premultiplied))
    if not sources:
        return
    painter.close()
    local = buffer.local(inside)
    _kernel(inside.area)(buffer.array.view(np.uint32)[..., 0], typed.List(sources),
                         np.array(placed, np.int64), local.y, local.y1, local.x, local.x1)


def _kernel(pixels: int):
    """The numba kernel (compiled once, cached on disk): over rows of the buffer, on both
    cores for a big region."""
    parallel = pixels >= _SERIAL_BELOW
    kernel = _KERNELS.get(parallel)
    if kernel is None:
        from numba import njit, prange

        loop = prange if parallel else range
        u = np.uint32
        low, high, half = u(0xff00ff), u(0xff00ff00), u(0x800080)

        # Every step cast back to 32 bits: numba widens them to 64 otherwise, and LLVM
        # then does not vectorise the loop (2x slower).
        @njit(inline="always")
        def byte_mul(x, a):  # Qt's BYTE_MUL: each channel of x times a / 255, rounded
            t = u(u(x & low) * a)
            t = u(u(u(t + u(u(t >> u(8)) & low)) + half) >> u(8)) & low
            x = u(u(u(x >> u(8)) & low) * a)
            x = u(u(x + u(u(x >> u(8)) & low)) + half) & high
            return u(x | t)

        @njit(parallel=parallel, cache=True, nogil=True)
        def kernel(dst, sources, placed, y0, y1, x0, x1):  # pragma: no cover (compiled)
            for y in loop(y0, y1):
                row = dst[y]
                for k in range(len(sources)):
                    src = sources[k]
                    ox, oy = placed[k, 0], placed[k, 1]
                    sy = y - oy
                    if sy < 0 or sy >= src.shape[0]:
                        continue
                    xa, xb = max(x0, ox), min(x1, ox + src.shape[1])
                    if xb <= xa:
                        continue
                    s = src[sy, xa - ox:xb - ox]
                    d = row[xa:xb]
                    if placed[k, 2]:  # premultiplied B, G, R, A: Qt's ARGB32
                        for i in range(xb - xa):
                            v = s[i]
                            d[i] = u(v + byte_mul(d[i], u(u(255) - u(v >> u(24)))))
                    else:  # straight R, G, B, A: swapped to B, G, R, A and premultiplied
                        for i in range(xb - xa):
                            v = s[i]
                            a = u(v >> u(24))
                            v = u(u(v & high) | u(u(v & u(0xff)) << u(16))
                                  | u(u(v >> u(16)) & u(0xff)))
                            v = u(u(byte_mul(v, a) & u(0xffffff)) | u(a << u(24)))
                            d[i] = u(v + byte_mul(d[i], u(u(255) - a)))

        _KERNELS[parallel] = kernel
    return kernel


def warm_up() -> None:
    """Loads both kernels (from numba's disk cache) on a few pixels."""
    from numba import typed

    dst = np.zeros((4, 6), np.uint32)
    sources = typed.List([np.full((4, 6), 0x80402010, np.uint32)] * 2)
    placed = np.array([(0, 0, 0), (1, 1, 1)], np.int64)
    for size in (1, _SERIAL_BELOW):
        _kernel(size)(dst, sources, placed, 0, 4, 0, 6)
