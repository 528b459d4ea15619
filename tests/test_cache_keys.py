"""The renderer's kept pixels (masked layers, fill layers, styled layers, reductions) are
found again by the identity of the arrays they were made from. A key of `id(array)` took
a new array for the old one when Python gave it the freed array's address (a Pen edit
left the old shape on the canvas, now and then, in the full test run); `Same` cannot."""
from __future__ import annotations

import gc

import numpy as np

from editor.model import Document, Layer, LayerMask
from editor.model.layer_effects import DropShadow, LayerEffects
from editor.model.render import composite_document
from editor.model.same import Same


def replaced_in_place_of_the_freed(mask: LayerMask, value: int) -> None:
    """Gives `mask` new pixels made after its old ones are let go (with nothing else
    holding them, CPython hands their address to the next array: `id` would match)."""
    shape = mask.pixels.shape
    mask.pixels = None
    gc.collect()
    mask.pixels = np.full(shape, value, np.uint8)


def test_new_mask_pixels_at_a_freed_address_are_not_taken_for_the_old():
    doc = Document(40, 30)
    layer = Layer("l", np.full((30, 40, 4), 200, np.uint8))
    layer.mask = LayerMask(np.full((30, 40), 255, np.uint8), 0, 0)
    layer.parent = doc.root
    doc.root.children.append(layer)
    assert (composite_document(doc)[..., 3] == 200).all()
    replaced_in_place_of_the_freed(layer.mask, 0)
    assert (composite_document(doc)[..., 3] == 0).all()
    layer.effects = LayerEffects(drop_shadows=(DropShadow(distance=3, size=2),))
    composite_document(doc)
    replaced_in_place_of_the_freed(layer.mask, 255)  # (failed here with keys of id())
    assert (composite_document(doc)[..., 3] >= 200).any()


def test_same_is_identity():
    a, b = np.zeros(3), np.zeros(3)
    assert Same(a) == Same(a) and Same(a) != Same(b) and Same(a, b) != Same(a)
    assert (1, Same(a)) == (1, Same(a)) and hash(Same(a)) == hash(Same(a))
