"""Builds small PSD files "from other programs" for the tests, with psd-tools.

psd-tools' own sample files are not installed with it and none ship with
any installed package, so the kinds of layers Photoshop writes and our
writer never does (text, smart object, solid fill, adjustment, clipped,
masked, 16/32-bit, CMYK, greyscale, bitmap, layer-less) are made here: a
pixel layer carries the pixels Photoshop would have stored, and the tagged
block that makes psd-tools (and Photoshop) see the special kind is added
with psd-tools' low-level `psd_tools.psd` classes.
"""
from __future__ import annotations

import numpy as np
from PIL import Image


def swatch(h: int, w: int, color=(10, 200, 30), alpha: int = 255) -> np.ndarray:
    out = np.zeros((h, w, 4), np.uint8)
    out[..., :3] = color
    out[..., 3] = alpha
    return out


def foreign_kinds_psd(path) -> None:
    """Text, smart object, solid colour fill, shape, colour lookup adjustment, clipped and masked layers."""
    from psd_tools import PSDImage
    from psd_tools.constants import BlendMode, Tag
    from psd_tools.psd.descriptor import Descriptor, DescriptorBlock, Double, String
    from psd_tools.psd.tagged_blocks import (SmartObjectLayerData, TaggedBlock,
                                            TypeToolObjectSetting)
    from psd_tools.psd.vector import (ClosedKnotLinked, ClosedPath, InitialFillRule, Path,
                                      PathFillRule, VectorMaskSetting)
    from psd_tools.terminology import Key, Klass

    psd = PSDImage.new("RGBA", (64, 48), color=0)
    base = psd.create_pixel_layer(Image.fromarray(swatch(48, 64, (200, 200, 200))), name="Paper")
    assert base is not None

    title = psd.create_pixel_layer(Image.fromarray(swatch(10, 20)), name="Title", top=5, left=5)
    text = DescriptorBlock(classID=b"TxLr")
    text[b"Txt "] = String("Hello")
    title._record.tagged_blocks[Tag.TYPE_TOOL_OBJECT_SETTING] = TaggedBlock(
        key=Tag.TYPE_TOOL_OBJECT_SETTING,
        data=TypeToolObjectSetting(version=1, transform=(1.0, 0.0, 0.0, 1.0, 5.0, 5.0),
                                   text_version=50, text_data=text, warp_version=1,
                                   warp=DescriptorBlock(classID=b"warp"),
                                   left=0, top=0, right=20, bottom=10))

    smart = psd.create_pixel_layer(Image.fromarray(swatch(10, 20, (0, 0, 250))), name="Placed",
                                   top=20, left=30)
    so = DescriptorBlock(classID=b"null")
    so[b"Idnt"] = String("a1b2")
    smart._record.tagged_blocks[Tag.SMART_OBJECT_LAYER_DATA1] = TaggedBlock(
        key=Tag.SMART_OBJECT_LAYER_DATA1, data=SmartObjectLayerData(data=so))

    # An adjustment Layered does not draw (Color Lookup; Selective Color is drawn now).
    lookup = psd.create_pixel_layer(Image.new("RGBA", (0, 0)), name="Lookup")
    lookup._record.tagged_blocks.set_data(Tag.COLOR_LOOKUP, version=1, data_version=16)

    # Photoshop stores a fill layer's pixels as well as its description.
    fill = psd.create_pixel_layer(Image.fromarray(swatch(8, 8, (255, 0, 0))), name="Red Fill",
                                  top=40, left=56)
    setting = DescriptorBlock(classID=b"null")
    color = Descriptor(classID=Klass.RGBColor.value)
    color[Key.Red], color[Key.Green], color[Key.Blue] = Double(255.0), Double(0.0), Double(0.0)
    setting[Key.Color] = color
    fill._record.tagged_blocks.set_data(Tag.SOLID_COLOR_SHEET_SETTING, setting)

    # A shape layer: a blue fill limited by a rectangular vector mask (8,8)-(40,24).
    shape = psd.create_pixel_layer(Image.fromarray(swatch(48, 64, (0, 0, 255))), name="Rect")
    blue = DescriptorBlock(classID=b"null")
    color = Descriptor(classID=Klass.RGBColor.value)
    color[Key.Red], color[Key.Green], color[Key.Blue] = Double(0.0), Double(0.0), Double(255.0)
    blue[Key.Color] = color
    shape._record.tagged_blocks.set_data(Tag.SOLID_COLOR_SHEET_SETTING, blue)

    def knot(x, y):  # (y, x) relative to the canvas
        return ClosedKnotLinked(preceding=(y / 48, x / 64), anchor=(y / 48, x / 64),
                                leaving=(y / 48, x / 64))

    outline = Path(items=[PathFillRule(), InitialFillRule(0),
                       ClosedPath(items=[knot(8, 8), knot(40, 8), knot(40, 24), knot(8, 24)])])
    shape._record.tagged_blocks[Tag.VECTOR_MASK_SETTING1] = TaggedBlock(
        key=Tag.VECTOR_MASK_SETTING1, data=VectorMaskSetting(version=3, flags=0, path=outline))
    shape._record.flags.pixel_data_irrelevant = True

    # A clipping base (left half opaque, right half transparent) and a layer clipped to it.
    clip_base = swatch(10, 10, (0, 0, 0))
    clip_base[:, 5:, 3] = 0
    psd.create_pixel_layer(Image.fromarray(clip_base), name="Clip base", top=30, left=2)
    clipped = psd.create_pixel_layer(Image.fromarray(swatch(10, 10, (255, 255, 0))),
                                     name="Clipped", top=30, left=2)
    clipped.clipping = True

    # A layer with a mask hiding its bottom half, and one in a mode Layered lacks.
    masked = psd.create_pixel_layer(Image.fromarray(swatch(8, 8, (9, 9, 9))), name="Masked",
                                    top=2, left=50)
    mask = np.full((8, 8), 255, np.uint8)
    mask[4:] = 0
    masked.create_mask(Image.fromarray(mask, "L"), top=2, left=50)
    psd.create_pixel_layer(Image.fromarray(swatch(4, 4)), name="Burn", top=0, left=0,
                           blend_mode=BlendMode.PASS_THROUGH)  # a group's mode on a layer
    faded = psd.create_pixel_layer(Image.fromarray(swatch(4, 4)), name="Faded fill", top=0,
                                   left=10, opacity=200)
    faded.fill_opacity = 128
    psd.save(path)


def deep_or_other_mode_psd(path, mode: str, depth: int) -> np.ndarray:
    """A one-layer PSD in colour `mode` ("RGBA", "RGB", "CMYK", "L", "LA", "1") and `depth`.

    Returns the 8-bit RGBA the layer should read back as.
    """
    from psd_tools import PSDImage

    pixels = swatch(12, 16, (0, 100, 200))
    pixels[..., 0] = np.arange(16, dtype=np.uint8)[None, :] * 16
    pixels[:4, :, 3] = 128
    image = Image.fromarray(pixels)
    if mode == "CMYK":
        image = image.convert("RGB").convert("CMYK")
        expected = np.asarray(image.convert("RGBA")).copy()
    elif mode in ("L", "LA"):
        expected = np.asarray(image.convert("LA").convert("RGBA")).copy()
    elif mode == "1":
        image = image.convert("1")
        expected = np.asarray(image.convert("RGBA")).copy()
    else:
        expected = pixels
    psd = PSDImage.new(mode, (20, 15), color=0, depth=depth)
    psd.create_pixel_layer(image, name="x", top=2, left=1)
    psd.save(path)
    return expected


def layerless_psd(path, pixels: np.ndarray) -> None:
    from psd_tools import PSDImage

    PSDImage.frompil(Image.fromarray(pixels[..., :3])).save(path)


def psd_header(width: int, height: int, version: int = 1, depth: int = 8, channels: int = 4,
               mode: int = 3) -> bytes:
    import struct

    return struct.pack(">4sH6sHIIHH", b"8BPS", version, b"\0" * 6, channels, height, width,
                       depth, mode)


def png_bytes(width: int, height: int, idat: bytes = b"") -> bytes:
    """A PNG whose header declares width x height (RGBA), with `idat` as its (compressed) data."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(idat)) + chunk(b"IEND", b""))
