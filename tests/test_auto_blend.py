"""Edit > Auto-Blend Layers on a real photograph (scikit-image's coffee): Stack Images takes
each part from the layer where it is sharp (two shots each blurred on one side blend back
into the sharp photo), Panorama joins two overlapping pieces of it along a seam in the
middle of their overlap; the masks composite as the weights say; one undo step; one layer,
or a locked one, is refused in one line."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from editor.model import Document, DocumentError, auto_blend
from editor.model.render import composite_document
from test_auto_align import H, W, photo


def blend(doc, layers, method):
    prepared = auto_blend.prepare(doc, layers, method)
    auto_blend.apply(doc, prepared, auto_blend.run(prepared))
    return prepared


def error(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a[..., :3].astype(int) - b[..., :3]).mean())


def test_stack_images_takes_each_part_from_where_it_is_sharp():
    sharp = photo()
    blurred = cv2.GaussianBlur(sharp, (0, 0), 4.0)
    left_sharp, right_sharp = blurred.copy(), blurred.copy()
    left_sharp[:, :W // 2] = sharp[:, :W // 2]
    right_sharp[:, W // 2:] = sharp[:, W // 2:]
    doc = Document(W, H)
    a = doc.add_image(left_sharp, "Focus left", 0, 0)
    b = doc.add_image(right_sharp, "Focus right", 0, 0)
    before = error(composite_document(doc), sharp)
    blend(doc, [b, a], "stack")
    after = error(composite_document(doc), sharp)
    print("stack error", before, "->", after)
    assert before > 4 and after < 0.25 * before, (before, after)
    assert a.mask is not None and b.mask is not None
    # Each mask shows its layer where that layer is the sharp one.
    assert b.mask.pixels[:, W // 2 + 30:].mean() > 200 and b.mask.pixels[:, :W // 2 - 30].mean() < 55
    np.testing.assert_array_equal(a.pixels, left_sharp)  # pixels untouched
    assert doc.history.undo_name() == "Auto-Blend Layers"
    doc.history.undo()
    assert a.mask is None and b.mask is None


def test_panorama_joins_two_overlapping_pieces_down_the_middle_of_the_overlap():
    whole = photo()
    doc = Document(W, H)
    left = doc.add_image(whole[:, :380].copy(), "Left", 0, 0)
    brighter = whole[:, 220:].copy()
    brighter[..., :3] = np.clip(brighter[..., :3].astype(int) + 12, 0, 255)  # another exposure
    right = doc.add_image(brighter, "Right", 220, 0)
    blend(doc, [left, right], "panorama")
    out = composite_document(doc)
    # Where only one piece exists it shows; the seam lies in the middle of 220..380.
    assert error(out[:, :200], whole[:, :200]) < 0.5
    assert error(out[:, 400:], brighter[:, 180:]) < 0.5
    shown = right.mask.pixels[H // 2, :].astype(int)
    seam = int(np.argmax(shown > 127))
    print("seam at", seam)
    assert 280 <= seam <= 320
    assert (np.diff(shown[230:370]) >= -1).all()  # a fade, not a jagged edge


def test_one_or_a_locked_layer_is_refused():
    doc = Document(W, H)
    a = doc.add_image(photo(), "A", 0, 0)
    with pytest.raises(DocumentError, match="two or more layers"):
        auto_blend.prepare(doc, [a], "stack")
    b = doc.add_image(photo(), "B", 0, 0)
    b.locked = True
    with pytest.raises(DocumentError, match="'B'"):
        auto_blend.prepare(doc, [a, b], "stack")
