"""The Smart Filters mask in PSD files as Photoshop keeps it (`psd_filter_mask`): read from
Photoshop's own files (ag-psd's corpus: 'FEid' after the layers, named by the smart object's
'placed' id), drawn with; ours written in that form beside our XMP entry, parsed back by
psd-tools and by an independent reading of the bytes below, and reopened from it alone."""
from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
from psd_tools import PSDImage
from psd_tools.constants import Tag

from editor.model import Document
from editor.model import more_filters as mf
from editor.model import smart_object as so
from editor.model.files import open_document, save_document
from editor.model.layers import LayerMask
from editor.model.psd_filter_mask import read_filter_masks
from editor.model.smart_filters import SmartFilter, reveals_all, shown
from editor.model.smart_object import SmartContents, SmartObjectLayer
from engine.box import Box

from _documents import on_canvas, photoshop_form_only

FILES = Path(__file__).parent / "ag_psd_files"


def test_photoshops_filter_masks_are_read():
    # Both files' masks are white over the canvas: run-length rows counted in 4 bytes
    # (smart-filter-blur.psd) and zip with prediction (smart-filter.psd).
    for name, size, placed in (("smart-filter-blur.psd", 500,
                                "1c167d15-ba67-034c-85eb-1f4a2fb77de9"),
                               ("smart-filter.psd", 256, "63636563-4b61-11ef-9627-e36f428e4240")):
        masks = read_filter_masks(PSDImage.open(FILES / name), 10 ** 7)
        pixels, x, y = masks[placed]
        assert (x, y) == (0, 0) and pixels.shape == (size, size)
        assert (pixels == 255).all()
        doc = open_document(str(FILES / name))
        layer = next(n for n in doc.layers() if isinstance(n, SmartObjectLayer))
        mask = layer.filter_mask
        assert mask is not None and mask.default == 255 and mask.enabled and not mask.linked
        assert reveals_all(mask) and not doc.warnings


def test_photoshops_gaussian_blur_is_drawn_through_its_filter_mask_as_photoshop_drew_it():
    doc = open_document(str(FILES / "smart-filter-blur.psd"))
    (layer,) = doc.layers()
    stored = on_canvas(layer.pixels.astype(float), layer.x, layer.y, doc.width, doc.height)
    pixels, x, y = shown(layer, layer.contents, layer.placement, layer.filters, None,
                         doc.canvas, layer.filter_mask)
    assert np.abs(on_canvas(pixels.astype(float), x, y, doc.width, doc.height)
                  - stored).max() <= 4


def _smart_doc(mask: LayerMask) -> Document:
    doc = Document(80, 60)
    rng = np.random.default_rng(7)
    contents = np.zeros((30, 40, 4), np.uint8)
    contents[..., :3] = rng.integers(0, 255, (30, 40, 3))
    contents[..., 3] = 255
    layer = SmartObjectLayer.placed("Smart", SmartContents(contents, "c.png", None, "png"),
                                    so.rect_quad(10, 12, 40, 30))
    layer.filters = (SmartFilter(mf.FILTERS["gaussian_blur"](3.0)),)
    layer.filter_mask = mask
    layer.pixels, layer.x, layer.y = shown(layer, layer.contents, layer.placement,
                                           layer.filters, None, doc.canvas, mask)
    doc.add_layer(layer)
    return doc


def _painted() -> LayerMask:
    values = np.full((40, 50), 255, np.uint8)
    values[:, :20] = 0  # hidden on the left
    values[:, 20:30] = np.linspace(0, 255, 10).astype(np.uint8)  # a ramp
    return LayerMask(values, 5, 8)


def test_a_painted_mask_is_written_in_photoshops_form_and_read_back_from_it(tmp_path):
    path = str(tmp_path / "mask.psd")
    doc = _smart_doc(_painted())
    (layer,) = doc.layers()
    save_document(doc, path)
    psd = PSDImage.open(path)  # psd-tools parses the blocks
    blocks = psd._record.layer_and_mask_information.tagged_blocks
    (entry,) = blocks.get_data(Tag.FILTER_EFFECTS2)
    placed = str(psd[0].smart_object._config.data[b"placed"].value).rstrip("\x00")
    assert entry.uuid == placed and entry.depth == 8 and entry.max_channels == 24
    assert [i for i, c in enumerate(entry.channels) if c.is_written] == [0, 1, 2, 25]
    assert blocks.get_data(Tag.FILTER_MASK).opacity == 50
    fx = psd[0].smart_object._config.data[b"filterFX"]
    assert bool(fx[b"filterMaskEnable"]) and bool(fx[b"filterMaskExtendWithWhite"])
    photoshop_form_only(path)
    (back,) = open_document(path).layers()
    mask = back.filter_mask
    box = Box(0, 0, 80, 60).union(Box(5, 8, 50, 40))
    assert (mask.raw_crop(box) == layer.filter_mask.raw_crop(box)).all()
    assert mask.enabled and mask.linked and mask.default == 255
    assert back.filters == layer.filters
    # drawn with it: the filters' effect where it reveals, none where it hides
    pixels, x, y = shown(back, back.contents, back.placement, back.filters, None,
                         Box(0, 0, 80, 60), mask)
    assert (x, y) == (layer.x, layer.y) and np.array_equal(pixels, layer.pixels)
    unfiltered, ux, uy = so.render(back.contents, back.placement, None)
    part = pixels[20 - y:30 - y, 15 - x:24 - x]  # under the black part of the mask
    assert np.array_equal(part, unfiltered[20 - uy:30 - uy, 15 - ux:24 - ux])
    blurred = shown(back, back.contents, back.placement, back.filters, None,
                    Box(0, 0, 80, 60))[0]
    assert np.array_equal(pixels[20 - y:30 - y, 40 - x:48 - x],
                          blurred[20 - y:30 - y, 40 - x:48 - x])
    assert not np.array_equal(part, blurred[20 - y:30 - y, 15 - x:24 - x])


def test_hide_all_and_a_disabled_unlinked_mask_keep_their_flags(tmp_path):
    path = str(tmp_path / "flags.psd")
    hidden = LayerMask(default=0, enabled=False, linked=False)
    save_document(_smart_doc(hidden), path)
    photoshop_form_only(path)
    (back,) = open_document(path).layers()
    mask = back.filter_mask
    assert (mask.default, mask.enabled, mask.linked) == (0, False, False)
    assert mask.pixels.size == 0


def test_no_mask_or_no_photoshop_form_writes_no_filter_effects(tmp_path):
    for mask, filters in ((None, (SmartFilter(mf.FILTERS["gaussian_blur"](3.0)),)),
                          (_painted(), (SmartFilter(mf.FILTERS["twirl"](50.0)),))):
        doc = _smart_doc(mask)
        (layer,) = doc.layers()
        layer.filters = filters
        path = str(tmp_path / "none.psd")
        save_document(doc, path)
        blocks = PSDImage.open(path)._record.layer_and_mask_information.tagged_blocks
        assert blocks.get_data(Tag.FILTER_EFFECTS2) is None
        assert blocks.get_data(Tag.FILTER_MASK) is None
        (back,) = open_document(path).layers()  # ours: the XMP entry's mask, as before
        assert reveals_all(back.filter_mask) == (mask is None)


# -- an independent reading of the written bytes ----------------------------------------------

def _unpack_bits(data: bytes, size: int) -> bytes:
    out = bytearray()
    i = 0
    while len(out) < size:
        n = data[i]
        i += 1
        if n < 128:
            out += data[i:i + n + 1]
            i += n + 1
        elif n > 128:
            out += bytes([data[i]]) * (257 - n)
            i += 1
    return bytes(out)


def _rle_channel(data: bytes, w: int, h: int) -> np.ndarray:
    """A run-length channel whose row byte counts take 4 bytes each."""
    counts = struct.unpack(f">{h}I", data[:4 * h])
    rows, at = [], 4 * h
    for count in counts:
        rows.append(np.frombuffer(_unpack_bits(data[at:at + count], w), np.uint8))
        at += count
    assert at == len(data)
    return np.stack(rows)


def test_the_written_block_reads_back_byte_by_byte(tmp_path):
    path = str(tmp_path / "bytes.psd")
    doc = _smart_doc(_painted())
    (layer,) = doc.layers()
    save_document(doc, path)
    raw = Path(path).read_bytes()
    at = raw.index(b"8BIMFEid") + 8
    (length,) = struct.unpack(">I", raw[at:at + 4])
    block = raw[at + 4:at + 4 + length]
    assert struct.unpack(">i", block[:4]) == (3,)
    (item_length,) = struct.unpack(">Q", block[4:12])
    item = block[12:12 + item_length]
    assert len(block) == 12 + item_length + (-item_length % 4)  # one entry, padded to 4
    n = item[0]
    uuid = item[1:1 + n].decode("ascii")
    p = 1 + n
    assert struct.unpack(">iQ", item[p:p + 12])[0] == 1
    body_length = struct.unpack(">iQ", item[p:p + 12])[1]
    p += 12
    body_end = p + body_length
    top, left, bottom, right, depth, channels = struct.unpack(">6i", item[p:p + 24])
    p += 24
    assert (top, left, bottom, right, depth, channels) == (0, 0, 60, 80, 8, 24)
    planes = {}
    for slot in range(channels + 2):
        (written,) = struct.unpack(">i", item[p:p + 4])
        p += 4
        if written:
            (size,) = struct.unpack(">Q", item[p:p + 8])
            (compression,) = struct.unpack(">H", item[p + 8:p + 10])
            assert compression == 1
            planes[slot] = _rle_channel(item[p + 10:p + 8 + size], 80, 60)
            p += 8 + size
    assert p == body_end and sorted(planes) == [0, 1, 2, 25]
    # the unfiltered pixels on the canvas, transparent ones white
    unfiltered, ux, uy = so.render(layer.contents, layer.placement, None)
    box = Box(ux, uy, unfiltered.shape[1], unfiltered.shape[0])
    alpha = planes[25]
    assert np.array_equal(alpha[box.slices()], unfiltered[..., 3]) and alpha.sum() == \
        unfiltered[..., 3].astype(int).sum()
    assert np.array_equal(planes[0][box.slices()], unfiltered[..., 0])
    assert (planes[1][alpha == 0] == 255).all()
    # the mask: a flag, its rectangle (the canvas and the mask's pixels), one channel
    assert item[p] == 1
    top, left, bottom, right = struct.unpack(">4i", item[p + 1:p + 17])
    assert (top, left, bottom, right) == (0, 0, 60, 80)
    (size,) = struct.unpack(">Q", item[p + 17:p + 25])
    assert struct.unpack(">H", item[p + 25:p + 27]) == (1,)
    values = _rle_channel(item[p + 27:p + 25 + size], 80, 60)
    assert p + 25 + size == len(item)
    assert np.array_equal(values, layer.filter_mask.raw_crop(Box(0, 0, 80, 60)))
    assert values[20, 10] == 0 and values[20, 60] == 255
    # named by the smart object's placement
    assert f"{uuid}\x00".encode("utf-16-be") in raw[:at]  # ('SoLd' 'placed': UTF-16)
    # the overlay colour block: RGB red, opacity 50
    fm = raw.index(b"8BIMFMsk") + 8
    assert struct.unpack(">IH4HH", raw[fm:fm + 16]) == (12, 0, 65535, 0, 0, 0, 50)
