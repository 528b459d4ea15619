"""Image > Apply Image and Calculations headless (`model.apply_image`): the blends against
numpy's formulas, Add's Scale, Invert, Preserve Transparency, Opacity, a mask, a targeted
layer mask, Calculations to a channel and to the selection, and sizes that differ."""
from __future__ import annotations

import numpy as np
import pytest

from editor.model import Document, apply_image as ai, mask_ops
from editor.model.errors import DocumentError
from editor.model.layers import Layer
from editor.model.selection_ops import current_mask


def pixels(seed: int, h: int = 12, w: int = 16, opaque: bool = True) -> np.ndarray:
    px = np.random.default_rng(seed).integers(0, 256, (h, w, 4), dtype=np.uint8)
    if opaque:
        px[..., 3] = 255
    return px


def two_layers():
    """A document with `bottom` (active) under `top`, both opaque and random."""
    doc = Document(16, 12)
    bottom, top = Layer("bottom", pixels(1)), Layer("top", pixels(2))
    doc.add_layer(bottom)
    doc.add_layer(top)
    doc.set_active(bottom)
    return doc, bottom, top


def close(a, b, tol=1):
    assert np.abs(np.asarray(a, float) - np.asarray(b, float)).max() <= tol


def test_multiply_own_red_channel_is_c_times_r_over_255():
    doc = Document(16, 12)
    layer = Layer("l", pixels(0))
    doc.add_layer(layer)
    before = layer.pixels.copy()
    steps = doc.history.index
    ai.apply_image(doc, ai.Settings(ai.Source(doc, None, "Red"), "multiply"))
    close(layer.pixels[..., :3], before[..., :3] * (before[..., 0:1] / 255.0))
    assert doc.history.index == steps + 1
    doc.history.undo()
    assert np.array_equal(layer.pixels, before)


def test_add_with_scale_2_averages_and_invert_inverts():
    doc, bottom, top = two_layers()
    c, s = bottom.pixels.astype(float), top.pixels.astype(float)
    ai.apply_image(doc, ai.Settings(ai.Source(doc, top, "RGB"), "add", scale=2.0, offset=0))
    close(bottom.pixels[..., :3], (c[..., :3] + s[..., :3]) / 2)
    doc.history.undo()
    ai.apply_image(doc, ai.Settings(ai.Source(doc, top, "Green", invert=True), "multiply"))
    close(bottom.pixels[..., :3], c[..., :3] * (255 - s[..., 1:2]) / 255)


def test_opacity_50_halves_the_change_and_a_mask_limits_it():
    doc, bottom, top = two_layers()
    c, s = bottom.pixels.astype(float), top.pixels.astype(float)
    ai.apply_image(doc, ai.Settings(ai.Source(doc, top), "normal", opacity=0.5))
    close(bottom.pixels[..., :3] - c[..., :3], (s[..., :3] - c[..., :3]) / 2)
    doc.history.undo()
    # The mask: a layer's transparency, opaque on the left half only.
    half = np.zeros((12, 16, 4), np.uint8)
    half[:, :8] = 255
    holder = Layer("mask", half)
    doc.add_layer(holder)
    doc.set_active(bottom)
    ai.apply_image(doc, ai.Settings(ai.Source(doc, top), "normal",
                                    mask=ai.Source(doc, holder, "Transparency")))
    assert np.array_equal(bottom.pixels[:, 8:], c[:, 8:].astype(np.uint8))
    close(bottom.pixels[:, :8, :3], s[:, :8, :3])


def test_preserve_transparency_keeps_alpha():
    doc = Document(16, 12)
    target = pixels(3, opaque=False)
    target[:, :5, 3] = 0
    layer = Layer("t", target.copy())
    source = Layer("s", pixels(4))
    doc.add_layer(layer)
    doc.add_layer(source)
    doc.set_active(layer)
    ai.apply_image(doc, ai.Settings(ai.Source(doc, source), "normal",
                                    preserve_transparency=True))
    assert np.array_equal(layer.pixels[..., 3], target[..., 3])
    assert not np.array_equal(layer.pixels[:, 5:, :3], target[:, 5:, :3])
    doc.history.undo()
    ai.apply_image(doc, ai.Settings(ai.Source(doc, source), "normal"))
    assert (layer.pixels[..., 3] == 255).all()  # without it the source fills them


def test_on_a_targeted_layer_mask_only_the_mask_changes():
    doc, bottom, top = two_layers()
    mask_ops.add_mask(doc, bottom)
    doc.set_mask_targeted(True)
    before = bottom.pixels.copy()
    ai.apply_image(doc, ai.Settings(ai.Source(doc, top, "Red"), "normal"))
    assert np.array_equal(bottom.pixels, before)
    m = bottom.mask
    assert np.array_equal(m.pixels, top.pixels[m.y:m.y + m.pixels.shape[0],
                                               m.x:m.x + m.pixels.shape[1], 0])


def test_calculations_red_multiply_green_to_channel_and_selection():
    doc = Document(16, 12)
    px = pixels(5)
    doc.add_layer(Layer("l", px))
    expected = px[..., 0].astype(float) * px[..., 1] / 255
    calc = ai.Calculation(ai.Source(doc, None, "Red"), ai.Source(doc, None, "Green"), "multiply")
    steps = doc.history.index
    ai.calculations(doc, calc, "channel")
    assert doc.history.index == steps + 1 and doc.channels[-1].name == "Alpha 1"
    close(doc.channels[-1].pixels, expected)
    ai.calculations(doc, calc, "selection")
    close(current_mask(doc), expected)
    new = ai.calculations(doc, calc, "document")
    rgba = next(new.layers()).pixels
    close(rgba[..., 0], expected)
    assert np.array_equal(rgba[..., 0], rgba[..., 2]) and new.history.index == 0


def test_a_document_of_another_size_is_refused_in_one_line():
    doc, bottom, top = two_layers()
    other = Document(10, 10)
    other.add_layer(Layer("o", pixels(6, 10, 10)))
    before = bottom.pixels.copy()
    with pytest.raises(DocumentError, match="must be 16 x 12") as info:
        ai.apply_image(doc, ai.Settings(ai.Source(other), "multiply"))
    assert "\n" not in str(info.value)
    assert np.array_equal(bottom.pixels, before)
