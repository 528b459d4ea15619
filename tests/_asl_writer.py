"""Tests only: an .asl container written around Photoshop-made parts (no Photoshop-made
.asl with a permissive licence was found): each style's effects descriptor is a PSD
layer's 'lfx2' as Photoshop wrote it, the patterns are a PSD's 'Patt' records, and this
writes the file's frame as Krita's reader describes it (version 2, '8BSL', patterns
version 3, the patterns' length and records, the number of styles, then each style's
length, its name descriptor and its 'Styl' descriptor holding the effects as 'Lefx')."""
from __future__ import annotations

import io
import struct

from psd_tools import PSDImage
from psd_tools.constants import Tag


def lfx2_of(psd_path: str, layer_name: str):
    psd = PSDImage.open(psd_path)
    layer = next(l for l in psd.descendants() if l.name == layer_name)
    return next(layer.tagged_blocks.get_data(tag) for tag in (
        Tag.OBJECT_BASED_EFFECTS_LAYER_INFO, Tag.OBJECT_BASED_EFFECTS_LAYER_INFO_V0,
        Tag.OBJECT_BASED_EFFECTS_LAYER_INFO_V1) if tag in layer.tagged_blocks)


def pattern_records(psd_path: str, ids=None) -> list:
    psd = PSDImage.open(psd_path)
    return [r for key in (Tag.PATTERNS1, Tag.PATTERNS2, Tag.PATTERNS3)
            for r in (psd.tagged_blocks.get_data(key) or ())
            if ids is None or r.pattern_id in ids]


def asl_bytes(styles, records=(), blending=()) -> bytes:
    """`styles`: (name, 'lfx2' descriptor) pairs; `blending`: names of styles given a
    'blendOptions' entry."""
    from psd_tools.psd.descriptor import Descriptor, DescriptorBlock, Enumerated, String
    from psd_tools.psd.patterns import Patterns

    pats = io.BytesIO()
    Patterns(list(records)).write(pats)
    out = io.BytesIO()
    out.write(struct.pack(">H4sHI", 2, b"8BSL", 3, len(pats.getvalue())))
    out.write(pats.getvalue())
    out.write(struct.pack(">I", len(styles)))
    for i, (name, lfx2) in enumerate(styles):
        head = DescriptorBlock(classID=b"null")
        head[b"Nm  "] = String(name + "\x00")
        head[b"Idnt"] = String(f"00000000-0000-0000-0000-00000000000{i}\x00")
        style = DescriptorBlock(classID=b"Styl")
        mode = Descriptor(classID=b"documentMode")
        style[b"documentMode"] = mode
        lefx = Descriptor(classID=b"Lefx")
        for key, value in lfx2.items():
            lefx[key] = value
        style[b"Lefx"] = lefx
        if name in blending:
            options = Descriptor(classID=b"blendOptions")
            options[b"Md  "] = Enumerated(b"BlnM", b"Nrml")
            style[b"blendOptions"] = options
        body = io.BytesIO()
        head.write(body)
        style.write(body)
        data = body.getvalue()
        out.write(struct.pack(">I", len(data)) + data + b"\x00" * ((-len(data)) % 4))
    return out.getvalue()
