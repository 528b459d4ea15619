"""Image > Image Rotation > Arbitrary…: the whole image turned about its centre by any angle,
the canvas grown to hold it (as Photoshop does), every layer, mask, path and channel with it:
a marked pixel lands where the rotation sends it, corners uncovered are transparent, whole
quarter turns are exact, counter-clockwise is the mirror, one undo step; and the dialog in
the window."""
from __future__ import annotations

import math

import numpy as np
import pytest

from editor.model import Document, image_ops, mask_ops
from editor.model.render import composite_document

from ui_helpers import in_modal_dialog, make_window, photo

W, H = 80, 50


def marked() -> Document:
    doc = Document(W, H)
    pixels = photo(W, H).copy()
    pixels[9:12, 59:62, :3] = (255, 0, 0)  # a red mark centred on (60.5, 10.5)
    doc.add_image(pixels, "Photo", 0, 0)
    doc.history.mark_clean()
    return doc


def red_centre(image: np.ndarray) -> np.ndarray:
    red = (image[..., 0] > 200) & (image[..., 1] < 80) & (image[..., 2] < 80) \
        & (image[..., 3] > 200)
    ys, xs = np.nonzero(red)
    return np.array([xs.mean() + 0.5, ys.mean() + 0.5])


@pytest.mark.parametrize("degrees", [30.0, -30.0, 135.0])
def test_a_marked_pixel_lands_where_the_turn_sends_it(degrees):
    doc = marked()
    doc.set_active(next(doc.layers()))
    mask_ops.add_mask(doc, doc.active, "reveal_all")
    steps = doc.history.index
    image_ops.rotate_arbitrary(doc, degrees)
    a = math.radians(degrees)
    new_w = math.ceil(abs(W * math.cos(a)) + abs(H * math.sin(a)) - 1e-6)
    new_h = math.ceil(abs(W * math.sin(a)) + abs(H * math.cos(a)) - 1e-6)
    assert doc.size == (new_w, new_h)
    # (60.5, 10.5) about the old centre, onto the new centre; y down: positive is clockwise.
    dx, dy = 60.5 - W / 2, 10.5 - H / 2
    expected = (new_w / 2 + math.cos(a) * dx - math.sin(a) * dy,
                new_h / 2 + math.sin(a) * dx + math.cos(a) * dy)
    out = composite_document(doc)
    assert np.abs(red_centre(out) - expected).max() < 0.6, (red_centre(out), expected)
    assert out[0, 0, 3] == 0 and out[-1, -1, 3] == 0  # uncovered corners: transparent
    assert out[new_h // 2, new_w // 2, 3] == 255
    layer = next(doc.layers())
    assert layer.mask is not None
    assert layer.mask.bounds().intersect(layer.bounds()) == layer.bounds()  # turned along
    assert doc.history.index == steps + 1 and doc.history.undo_name() == "Rotate Canvas"
    doc.history.undo()
    assert doc.size == (W, H) and np.abs(red_centre(composite_document(doc)) - (60.5, 10.5)).max() < 1e-9


def test_quarter_turns_are_exact_and_ccw_mirrors_cw():
    doc = marked()
    before = composite_document(doc).copy()
    image_ops.rotate_arbitrary(doc, 90.0)
    np.testing.assert_array_equal(composite_document(doc), np.rot90(before, -1))
    doc.history.undo()
    image_ops.rotate_arbitrary(doc, -450.0)  # a quarter counter-clockwise, once round more
    np.testing.assert_array_equal(composite_document(doc), np.rot90(before, 1))


def test_rotate_canvas_dialog_in_the_window(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    doc = marked()
    w.add_session(doc, "marked")
    action = w.actions["rotate_canvas_arbitrary"]
    assert action in w.menus["image_rotation"].actions()

    def drive(dialog, seen):
        dialog.angle.setValue(20.0)
        dialog.counter.setChecked(True)

    in_modal_dialog(qtbot, action.trigger, drive, "RotateCanvasDialog")
    a = math.radians(-20.0)
    assert doc.size == (math.ceil(W * math.cos(a) + H * abs(math.sin(a))),
                        math.ceil(W * abs(math.sin(a)) + H * math.cos(a)))
    assert doc.history.undo_name() == "Rotate Canvas"
    centre = red_centre(composite_document(doc))
    assert centre[1] < doc.height / 2 - 15  # counter-clockwise lifts the right-hand mark
    assert w.settings.value("image/rotate_clockwise", True, bool) is False
    w.actions["undo"].trigger()
    assert doc.size == (W, H) and w.test_errors == []
