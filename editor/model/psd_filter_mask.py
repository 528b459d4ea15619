"""The Smart Filters mask in a PSD file as Photoshop keeps it (`smart_filters`' `filter_mask`).

Photoshop keeps a smart object's filter mask outside the layer, in the document's 'FEid'
block (psd-tools' `FilterEffects`; 'FXid' in older files), after the layers: one entry per
smart object with smart filters, named by the 'placed' id of its 'SoLd' block. An entry
holds a rectangle (top, left, bottom, right on the canvas), the depth, and 24 + 2 channel
slots of which Photoshop fills 0, 1, 2 (red, green, blue) and 25 (transparency) with the
smart object's pixels before its filters (transparent pixels white); after them comes the
mask itself: a flag, its own rectangle and one compressed channel. Run-length channels
count each row's bytes in 4 bytes, as a PSB's do, also in a PSD. The 'filterFX' descriptor
beside the filters has the mask's flags: 'filterMaskEnable' (Shift+click),
'filterMaskLinked' and 'filterMaskExtendWithWhite' (white beyond its rectangle, else
black). The document's 'FMsk' block holds the mask's overlay colour and opacity (red at 50
in Photoshop's files).

Read from Photoshop files of ag-psd's test corpus (MIT: smart-filter-blur.psd,
smart-filter.psd and smart-filters-2.psd, each with a white filter mask over the canvas);
ag-psd's and psd-tools' readers of these blocks gave the layout.
"""
from __future__ import annotations

from typing import Optional

import numpy as np

from engine.box import Box

# The slots Photoshop fills with the unfiltered pixels (red, green, blue, transparency).
_MAX_CHANNELS = 24
_SLOTS = {0: 0, 1: 1, 2: 2, _MAX_CHANNELS + 1: 3}
_RED_AT_50 = ((65535, 0, 0, 0), 50)  # the overlay colour of Photoshop's files


def _flag(fx, key: bytes, default: bool) -> bool:
    try:
        return bool(fx[key])
    except (KeyError, TypeError):
        return default


def _decode(data: bytes, compression: int, w: int, h: int, depth: int) -> np.ndarray:
    """One channel of a 'FEid' entry as uint8 (rows counted in 4 bytes: version 2)."""
    from psd_tools.compression import decompress
    from psd_tools.constants import Compression

    raw = decompress(data, Compression(compression), w, h, depth, 2,
                     max_output_bytes=w * h * depth // 8)
    if depth == 16:
        return (np.frombuffer(raw, ">u2").reshape(h, w) >> 8).astype(np.uint8)
    if depth != 8:
        raise ValueError(f"a {depth}-bit filter mask")
    return np.frombuffer(raw, np.uint8).reshape(h, w).copy()


def read_filter_masks(psd, limit: int) -> dict:
    """The filter masks of the document's 'FEid' (or 'FXid') block by the smart objects'
    'placed' ids: (pixels, x, y) on the canvas, or None for an entry with no mask."""
    from psd_tools.constants import Tag

    blocks = psd._record.layer_and_mask_information.tagged_blocks
    out: dict = {}
    if blocks is None:
        return out
    for tag in (Tag.FILTER_EFFECTS1, Tag.FILTER_EFFECTS2):
        for entry in blocks.get_data(tag) or ():
            extra = entry.extra
            found = None
            if extra is not None and extra.is_written:
                top, left, bottom, right = extra.rectangle
                w, h = right - left, bottom - top
                if 0 < w and 0 < h and w * h <= limit:
                    try:
                        found = (_decode(extra.data, extra.compression, w, h, entry.depth or 8),
                                 left, top)
                    except Exception:  # (psd-tools' or ours on a damaged mask: none)
                        found = None
            out[(entry.uuid or "").rstrip("\x00")] = found
    return out


def filter_mask_of(config, masks: dict):
    """A smart object's Smart Filters mask as a `LayerMask`, from its 'SoLd' descriptor
    (`config`: its 'placed' id and 'filterFX' flags) and `read_filter_masks`' masks; None
    when the file has none for it."""
    from .layers import LayerMask

    fx = config.get(b"filterFX")
    placed = str(getattr(config.get(b"placed"), "value", config.get(b"placed")) or "")
    found = masks.get(placed.rstrip("\x00"))
    if fx is None or found is None:
        return None
    pixels, x, y = found
    default = 255 if _flag(fx, b"filterMaskExtendWithWhite", True) else 0
    if int(pixels.min()) == int(pixels.max()) == default:
        pixels = None  # (the default everywhere: no pixels to keep)
    return LayerMask(pixels, x, y, default=default,
                     enabled=_flag(fx, b"filterMaskEnable", True),
                     linked=_flag(fx, b"filterMaskLinked", True))


def mask_flags(fx, mask) -> None:
    """The 'filterFX' descriptor's flags for `mask` (None: no mask, disabled)."""
    from psd_tools.psd.descriptor import Bool

    fx[b"filterMaskEnable"] = Bool(mask is not None and mask.enabled)
    fx[b"filterMaskLinked"] = Bool(mask is None or mask.linked)
    fx[b"filterMaskExtendWithWhite"] = Bool(mask is None or mask.default == 255)


# -- writing -----------------------------------------------------------------------------

def _channel(values: np.ndarray):
    from psd_tools.compression import compress
    from psd_tools.constants import Compression
    from psd_tools.psd.filter_effects import FilterEffectChannel

    h, w = values.shape
    data = compress(np.ascontiguousarray(values).tobytes(), Compression.RLE, w, h, 8, 2)
    return FilterEffectChannel(is_written=1, compression=int(Compression.RLE), data=data)


def filter_effect(layer, placed: str, canvas: Box, clip: Optional[Box]):
    """A smart object's 'FEid' entry, as Photoshop writes it: its unfiltered pixels on
    the canvas and its Smart Filters mask over the canvas and the mask's own pixels."""
    from psd_tools.psd.filter_effects import (FilterEffect, FilterEffectChannel,
                                              FilterEffectExtra)

    from .smart_object import render

    pixels, x, y = render(layer.contents, layer.placement, clip)
    below = np.zeros((canvas.h, canvas.w, 4), np.uint8)
    inter = canvas.intersect(Box(x, y, pixels.shape[1], pixels.shape[0]))
    if not inter.is_empty():
        below[inter.translate(-canvas.x, -canvas.y).slices()] = \
            pixels[inter.translate(-x, -y).slices()]
    below[below[..., 3] == 0, :3] = 255  # (Photoshop's files: transparent pixels white)
    channels = [FilterEffectChannel() for _ in range(_MAX_CHANNELS + 2)]
    for slot, plane in _SLOTS.items():
        channels[slot] = _channel(below[..., plane])
    mask = layer.filter_mask
    box = canvas if mask.pixels.size == 0 else canvas.union(
        Box(mask.x, mask.y, mask.pixels.shape[1], mask.pixels.shape[0]))
    values = _channel(mask.raw_crop(box))
    extra = FilterEffectExtra(is_written=1, rectangle=[box.y, box.x, box.y + box.h,
                                                       box.x + box.w],
                              compression=values.compression, data=values.data)
    return FilterEffect(uuid=placed, version=1,
                        rectangle=(canvas.y, canvas.x, canvas.y + canvas.h, canvas.x + canvas.w),
                        depth=8, max_channels=_MAX_CHANNELS, channels=channels, extra=extra)


def filter_mask_blocks(doc) -> list:
    """The document's 'FEid' and 'FMsk' blocks (TaggedBlock) for its smart objects whose smart
    filters are written in Photoshop's 'filterFX' form with a Smart Filters mask; empty
    without any."""
    from psd_tools.constants import ColorSpaceID, Tag
    from psd_tools.psd.color import Color
    from psd_tools.psd.filter_effects import FilterEffects
    from psd_tools.psd.tagged_blocks import FilterMask, TaggedBlock

    from .psd_smart import placed_id
    from .psd_smart_filters import filter_fx
    from .smart_object import SmartObjectLayer, _limit

    entries = [filter_effect(layer, placed_id(layer), doc.canvas, _limit(doc))
               for layer in doc.layers()
               if isinstance(layer, SmartObjectLayer) and layer.filters
               and layer.filter_mask is not None and filter_fx(layer.filters) is not None]
    if not entries:
        return []
    colour, opacity = _RED_AT_50
    return [TaggedBlock(key=Tag.FILTER_EFFECTS2, data=FilterEffects(version=3, items=entries)),
            TaggedBlock(key=Tag.FILTER_MASK,
                        data=FilterMask(Color(ColorSpaceID.RGB, list(colour)), opacity))]
