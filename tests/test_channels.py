"""Alpha channels in the model (editor.model.channels): Save Selection as a new channel and
into an existing one (replace / add / subtract / intersect), Load Selection (inverted or
not, new / add / subtract / intersect), rename, duplicate, delete, each one undo step
that undo takes back exactly; the channels follow Canvas Size, Crop, Image Size, Rotate
and Flip as the pixels of a layer holding the same values in its alpha do; a History
snapshot brings them back. The references are written out in numpy here, not taken from
the code under test."""
from __future__ import annotations

import numpy as np
import pytest

from editor.model import Document, channels, image_ops
from editor.model.errors import DocumentError
from editor.model.selection_ops import current_mask, select_mask
from engine.box import Box

W, H = 48, 32


def soft(seed: int) -> np.ndarray:
    """A canvas of random values with whole 0 and 255 regions too (soft and hard edges)."""
    rng = np.random.default_rng(seed)
    values = rng.integers(0, 256, (H, W)).astype(np.uint8)
    values[:, : W // 4] = 0
    values[: H // 4] = 255
    return values


def document() -> Document:
    doc = Document(W, H)
    doc.add_image(np.full((H, W, 4), 255, np.uint8), "Background")
    return doc


def test_save_selection_makes_numbered_channels_each_one_undo_step():
    doc = document()
    with pytest.raises(DocumentError):
        channels.save_selection(doc)  # nothing selected: nothing to keep
    doc.set_selection(Box(4, 5, 10, 7))
    box_mask = current_mask(doc)
    steps = doc.history.count
    first = channels.save_selection(doc)
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Save Selection"
    assert first.name == "Alpha 1"
    np.testing.assert_array_equal(first.pixels, box_mask)
    assert first.pixels.shape == (H, W) and not first.pixels.flags.writeable
    select_mask(doc, soft(1))
    second = channels.save_selection(doc)
    assert [c.name for c in doc.channels] == ["Alpha 1", "Alpha 2"]
    np.testing.assert_array_equal(second.pixels, soft(1))
    doc.history.undo()
    assert [c.name for c in doc.channels] == ["Alpha 1"]
    doc.history.redo()
    np.testing.assert_array_equal(doc.channels[1].pixels, soft(1))
    named = channels.save_selection(doc, name="Sky ✓")
    assert named.name == "Sky ✓"


@pytest.mark.parametrize("op", ["replace", "add", "subtract", "intersect"])
def test_save_selection_into_a_channel_combines_as_photoshop(op):
    doc = document()
    a, b = soft(2), soft(3)
    select_mask(doc, a)
    target = channels.save_selection(doc)
    select_mask(doc, b)
    before = doc.channels
    channels.save_selection(doc, target.uid, op)
    A, B = a.astype(int), b.astype(int)
    expected = {"replace": B, "add": np.maximum(A, B), "subtract": np.minimum(A, 255 - B),
                "intersect": np.minimum(A, B)}[op]
    assert len(doc.channels) == 1 and doc.channels[0].uid == target.uid
    np.testing.assert_array_equal(doc.channels[0].pixels, expected)
    assert doc.history.undo_name() == channels.SAVE_STEP_NAMES[op]
    doc.history.undo()
    assert doc.channels == before
    np.testing.assert_array_equal(doc.channels[0].pixels, a)


@pytest.mark.parametrize("invert", [False, True])
@pytest.mark.parametrize("op", ["replace", "add", "subtract", "intersect"])
def test_load_selection_combines_with_the_selection(op, invert):
    doc = document()
    c, s = soft(4), soft(5)
    select_mask(doc, c)
    channel = channels.save_selection(doc)
    select_mask(doc, s)
    steps = doc.history.count
    channels.load_selection(doc, channel.uid, op, invert)
    C = 255 - c.astype(int) if invert else c.astype(int)
    S = s.astype(int)
    expected = {"replace": C, "add": np.maximum(S, C), "subtract": np.minimum(S, 255 - C),
                "intersect": np.minimum(S, C)}[op]
    np.testing.assert_array_equal(current_mask(doc), expected)
    assert doc.history.count == steps + 1
    doc.history.undo()
    np.testing.assert_array_equal(current_mask(doc), s)
    np.testing.assert_array_equal(doc.channels[0].pixels, c)  # loading leaves it as it was


def test_load_selection_with_nothing_selected_and_the_colour_channels():
    doc = Document(W, H)
    rgba = np.zeros((H, W, 4), np.uint8)
    rgba[..., 0], rgba[..., 1], rgba[..., 2] = soft(6), soft(7), soft(8)
    rgba[..., 3] = 255
    doc.add_image(rgba, "Photo")
    channels.load_colour_selection(doc, "Green")
    np.testing.assert_array_equal(current_mask(doc), soft(7))
    channels.load_colour_selection(doc, "RGB")
    luminosity = np.round(0.30 * soft(6) + 0.59 * soft(7) + 0.11 * soft(8))
    assert np.abs(current_mask(doc).astype(int) - luminosity).max() <= 1
    doc.set_selection(None)
    select_mask(doc, soft(9))
    channel = channels.save_selection(doc)
    doc.set_selection(None)
    channels.load_selection(doc, channel.uid, "intersect")  # with nothing: nothing
    assert current_mask(doc) is None
    channels.load_selection(doc, channel.uid, "add")
    np.testing.assert_array_equal(current_mask(doc), soft(9))


def test_rename_duplicate_delete_new_each_undone():
    doc = document()
    select_mask(doc, soft(10))
    first = channels.save_selection(doc)
    second = channels.new_channel(doc)
    assert second.name == "Alpha 2" and not second.pixels.any()
    copy = channels.duplicate_channel(doc, first.uid)
    assert [c.name for c in doc.channels] == ["Alpha 1", "Alpha 1 copy", "Alpha 2"]
    np.testing.assert_array_equal(copy.pixels, soft(10))
    channels.rename_channel(doc, copy.uid, "Mask of the cat")
    assert channels.find(doc, copy.uid).name == "Mask of the cat"
    with pytest.raises(DocumentError):
        channels.rename_channel(doc, copy.uid, "   ")
    channels.delete_channel(doc, first.uid)
    assert [c.name for c in doc.channels] == ["Mask of the cat", "Alpha 2"]
    for names in (["Alpha 1", "Mask of the cat", "Alpha 2"],
                  ["Alpha 1", "Alpha 1 copy", "Alpha 2"], ["Alpha 1", "Alpha 2"], ["Alpha 1"]):
        doc.history.undo()
        assert [c.name for c in doc.channels] == names
    with pytest.raises(DocumentError):
        channels.delete_channel(doc, 10 ** 9)


def _alpha_on_canvas(doc: Document, layer) -> np.ndarray:
    return layer.canvas_crop(doc.canvas)[..., 3]


@pytest.mark.parametrize("change", [
    lambda d: image_ops.canvas_size(d, 70, 40, (1.0, 0.0)),
    lambda d: image_ops.canvas_size(d, 30, 20, (0.5, 0.5)),
    lambda d: image_ops.crop(d, Box(-5, 6, 30, 30)),
    lambda d: image_ops.rotate_canvas(d, 1),
    lambda d: image_ops.rotate_canvas(d, 2),
    lambda d: image_ops.rotate_canvas(d, -1),
    lambda d: image_ops.flip_canvas(d, True),
    lambda d: image_ops.flip_canvas(d, False),
    lambda d: image_ops.image_size(d, 96, 64),
    lambda d: image_ops.image_size(d, 20, 13),
], ids=["canvas-grow", "canvas-shrink", "crop", "cw", "180", "ccw", "flip-h", "flip-v",
        "size-up", "size-down"])
def test_channels_follow_the_image_menu_as_layer_pixels_do(change):
    """A canvas-sized layer whose alpha holds the channel's values is the reference: after
    the operation the channel holds what that layer's alpha holds on the new canvas."""
    doc = Document(W, H)
    values = soft(11)
    rgba = np.zeros((H, W, 4), np.uint8)
    rgba[..., 3] = values
    layer = doc.add_image(rgba, "Twin")
    select_mask(doc, values)
    channels.save_selection(doc)
    steps = doc.history.count
    change(doc)
    assert doc.history.count == steps + 1  # the channels in the operation's one step
    assert doc.channels[0].pixels.shape == (doc.height, doc.width)
    np.testing.assert_array_equal(doc.channels[0].pixels, _alpha_on_canvas(doc, layer))
    doc.history.undo()
    assert doc.size == (W, H)
    np.testing.assert_array_equal(doc.channels[0].pixels, values)


def test_a_history_snapshot_brings_the_channels_back():
    doc = document()
    select_mask(doc, soft(12))
    channels.save_selection(doc)
    snap = doc.snapshots.take("Before")
    channels.delete_channel(doc, doc.channels[0].uid)
    channels.new_channel(doc)
    doc.snapshots.restore(snap)
    assert [c.name for c in doc.channels] == ["Alpha 1"]
    np.testing.assert_array_equal(doc.channels[0].pixels, soft(12))
    doc.history.undo()  # the restore is a step: undo puts back what was there
    assert [c.name for c in doc.channels] == ["Alpha 1"] and not doc.channels[0].pixels.any()


def test_an_undo_step_counts_only_the_values_it_alone_keeps():
    """A rename shares its values with the document (nothing of its own); a delete keeps
    the deleted channel's values; a Save into a channel keeps the old values."""
    doc = document()
    select_mask(doc, soft(13))
    channel = channels.save_selection(doc)
    size = W * H
    channels.rename_channel(doc, channel.uid, "Renamed")
    assert doc.history.current().nbytes() == 0
    channels.save_selection(doc, channel.uid, "add")
    assert doc.history.current().nbytes() == size
    channels.delete_channel(doc, channel.uid)
    assert doc.history.current().nbytes() == size
