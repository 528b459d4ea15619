"""A PSD layer with a vector mask (a path, as Photoshop's pen or shape tools make it) opened
and saved again: Layered does not draw the path, but it says so when the file opens and
writes the mask back unchanged, with or without a user mask beside it."""
from __future__ import annotations

import numpy as np
from PIL import Image

from editor.model.files import open_document, save_document
from psd_samples import swatch


def knots(path) -> list:
    """The anchor points of every closed subpath of a psd-tools vector path."""
    from psd_tools.psd.vector import ClosedPath

    return [[tuple(k.anchor) for k in sub] for sub in path if isinstance(sub, ClosedPath)]


def vector_mask_psd(path) -> None:
    """A paper layer, a blue layer limited by a rectangular path, and a smaller one with both
    a user mask and a path."""
    from psd_tools import PSDImage
    from psd_tools.constants import Tag
    from psd_tools.psd.tagged_blocks import TaggedBlock
    from psd_tools.psd.vector import (ClosedKnotLinked, ClosedPath, InitialFillRule, Path,
                                      PathFillRule, VectorMaskSetting)

    def knot(x, y):
        return ClosedKnotLinked(preceding=(y / 48, x / 64), anchor=(y / 48, x / 64),
                                leaving=(y / 48, x / 64))

    psd = PSDImage.new("RGBA", (64, 48), color=0)
    psd.create_pixel_layer(Image.fromarray(swatch(48, 64, (200, 200, 200))), name="Paper")
    outline = Path(items=[PathFillRule(), InitialFillRule(0),
                          ClosedPath(items=[knot(8, 8), knot(40, 8), knot(40, 24), knot(8, 24)])])
    for name, size in (("Vector", 48), ("Both", 20)):
        layer = psd.create_pixel_layer(Image.fromarray(swatch(size, size, (0, 90, 250))),
                                       name=name)
        if name == "Both":
            mask = np.full((20, 20), 255, np.uint8)
            mask[10:] = 0
            layer.create_mask(Image.fromarray(mask, "L"))
        layer._record.tagged_blocks[Tag.VECTOR_MASK_SETTING1] = TaggedBlock(
            key=Tag.VECTOR_MASK_SETTING1,
            data=VectorMaskSetting(version=3, flags=0, path=outline))
    psd.save(path)


def test_a_vector_mask_is_announced_and_saved_back_unchanged(tmp_path):
    from psd_tools import PSDImage

    source, saved = tmp_path / "vector.psd", tmp_path / "saved.psd"
    vector_mask_psd(source)
    # The path as stored (fixed point), which the saved file must hold exactly.
    anchors = knots(next(layer for layer in PSDImage.open(source)
                        if layer.name == "Vector").vector_mask.paths)
    assert anchors and len(anchors[0]) == 4
    doc = open_document(str(source))
    warned = [w for w in doc.warnings if "vector mask" in w]
    assert len(warned) == 2 and "'Vector'" in warned[0] and "does not draw it" in warned[0]
    paper, vector, both = doc.layers()
    assert both.mask is not None and both.mask.pixels[15, 5] == 0   # the user mask is kept too
    save_document(doc, str(saved))
    layers = {layer.name: layer for layer in PSDImage.open(saved)}
    assert not layers["Paper"].has_vector_mask()
    for name in ("Vector", "Both"):
        assert layers[name].has_vector_mask(), name
        assert knots(layers[name].vector_mask.paths) == anchors
    assert layers["Both"].has_mask() and not layers["Vector"].has_mask()
    # Opened and saved once more, it is still there (and still announced).
    again = open_document(str(saved))
    assert sum("vector mask" in w for w in again.warnings) == 2
