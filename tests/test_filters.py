"""The filters and destructive adjustments without the window (`filter_ops`, `pixel_filters`):
edges of the canvas and of the layer, soft selections, big radii, bands."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage

from editor.model import Document, DocumentError, filter_ops, pixel_filters as pf, selection_ops
from editor.model.layers import Layer
from engine.box import Box


def doc_with(pixels: np.ndarray, x: int = 0, y: int = 0, size=(80, 60)):
    doc = Document(*size)
    layer = Layer("layer", pixels.copy(), x, y)  # (edited in place)
    doc.add_layer(layer)
    return doc, layer


def noise_image(h, w, seed=0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    pixels = np.empty((h, w, 4), np.uint8)
    pixels[..., :3] = ndimage.zoom(rng.integers(0, 256, (h // 4 + 1, w // 4 + 1, 3)),
                                   (4, 4, 1), order=1)[:h, :w].clip(0, 255)
    pixels[..., 3] = 255
    return pixels


def test_an_opaque_layer_stays_opaque_to_the_canvas_edge():
    """Pixels beyond the canvas repeat its edge: blurring a full opaque layer fades nothing."""
    pixels = noise_image(60, 80)
    doc, layer = doc_with(pixels)
    filter_ops.apply(doc, pf.GaussianBlur(4.0))
    assert layer.bounds() == Box(0, 0, 80, 60)
    assert (layer.pixels[..., 3] == 255).all()
    expected = np.stack([ndimage.gaussian_filter(pixels[..., c].astype(float), 4.0,
                                                 mode="nearest", truncate=3.0)
                         for c in range(3)], axis=-1)
    assert np.abs(layer.pixels[..., :3] - expected).max() <= 1


def test_a_small_layer_grows_inside_the_canvas_only():
    pixels = np.zeros((20, 20, 4), np.uint8)
    pixels[...] = (10, 200, 90, 255)
    doc, layer = doc_with(pixels, x=2, y=30)
    filter_ops.apply(doc, pf.GaussianBlur(3.0))
    assert layer.bounds() == Box(0, 19, 33, 41)  # 11 px around (3 sigma + 2), in the canvas
    visible = layer.pixels[..., 3] > 0
    assert np.abs(layer.pixels[visible][:, :3].astype(int) - (10, 200, 90)).max() <= 1
    # The alpha of the canvas's blur, its edge repeated (2 transparent columns there).
    canvas = np.zeros((60, 80), float)
    canvas[30:50, 2:22] = 255
    expected = ndimage.gaussian_filter(canvas, 3.0, mode="nearest", truncate=3.0)
    assert np.abs(layer.canvas_crop(doc.canvas)[..., 3] - expected).max() <= 1
    doc.history.undo()
    assert layer.bounds() == Box(2, 30, 20, 20)
    np.testing.assert_array_equal(layer.pixels, pixels)


def test_a_soft_selection_fades_the_blur_and_leaves_the_rest():
    pixels = noise_image(60, 80, 3)
    doc, layer = doc_with(pixels)
    mask = selection_ops.feathered(selection_ops.rect_mask(doc, Box(20, 15, 30, 25)), 3)
    selection_ops.select_mask(doc, mask)
    filter_ops.apply(doc, pf.GaussianBlur(2.0))
    blurred = np.stack([ndimage.gaussian_filter(pixels[..., c].astype(float), 2.0,
                                                mode="nearest", truncate=3.0)
                        for c in range(3)], axis=-1)
    c = mask[..., None] / 255.0
    expected = pixels[..., :3] + (blurred - pixels[..., :3]) * c
    assert np.abs(layer.pixels[..., :3] - expected).max() <= 1.5  # rounded twice
    np.testing.assert_array_equal(layer.pixels[mask == 0], pixels[mask == 0])


def test_a_big_radius_is_close_to_the_exact_blur():
    pixels = noise_image(120, 160, 5)
    doc, layer = doc_with(pixels, size=(160, 120))
    filter_ops.apply(doc, pf.GaussianBlur(30.0))
    expected = np.stack([ndimage.gaussian_filter(pixels[..., c].astype(float), 30.0,
                                                 mode="nearest", truncate=3.0)
                         for c in range(3)], axis=-1)
    error = np.abs(layer.pixels[..., :3] - expected)
    assert error.mean() < 0.3 and error.max() <= 1.5


def test_bands_do_not_show(monkeypatch):
    """Run in bands of rows (a worker's progress steps), the result is the same as whole;
    Add Noise draws the same grain whatever the bands."""
    pixels = noise_image(60, 80, 7)
    for op in (pf.GaussianBlur(2.5), pf.GaussianBlur(20.0), pf.AddNoise(20, "gaussian", False, 3),
               pf.MotionBlur(45, 7), pf.UnsharpMask(120, 1.5, 2)):
        doc, layer = doc_with(pixels.copy())
        target = filter_ops.prepare(doc, layer)
        whole = filter_ops.run(target, op).pixels
        monkeypatch.setattr(filter_ops, "BAND_PIXELS", 80 * 16)
        steps = []
        banded = filter_ops.run(target, op, lambda step, total, preview=None:
                                steps.append((step, total))).pixels
        monkeypatch.undo()
        assert len(steps) > op.banded() and steps[-1][0] == steps[-1][1]
        np.testing.assert_array_equal(banded, whole, err_msg=op.label)


def test_the_wrong_layer_is_refused_in_one_line():
    pixels = noise_image(60, 80)
    doc, layer = doc_with(pixels)
    layer.visible = False
    with pytest.raises(DocumentError, match="hidden"):
        filter_ops.prepare(doc, layer)
    layer.visible = True
    doc.set_selection(Box(0, 0, 5, 5))
    empty = Layer("empty", np.zeros((4, 4, 4), np.uint8), 50, 40)
    doc.add_layer(empty)
    with pytest.raises(DocumentError, match="no pixels"):
        filter_ops.prepare(doc, empty)
    far = Layer("far", pixels[:4, :4].copy(), 60, 40)
    doc.add_layer(far)
    with pytest.raises(DocumentError, match="does not touch"):
        filter_ops.prepare(doc, far)


def assert_bands_do_not_show(monkeypatch, op, h: int, w: int, doc_h: int) -> None:
    """`op` run in bands of rows (the worker's progress steps) on a partly transparent h x w
    layer placed off the origin gives what it gives run whole."""
    pixels = noise_image(h, w, 3)
    pixels[:, :20, 3] = 0
    pixels[40:, 30:50, 3] = 90
    doc = Document(100, doc_h)
    doc.add_layer(Layer("layer", pixels, 3, 5))
    target = filter_ops.prepare(doc, doc.active)
    whole = filter_ops.run(target, op).pixels
    monkeypatch.setattr(filter_ops, "BAND_PIXELS", 80 * 16)
    steps = []
    banded = filter_ops.run(target, op, lambda step, total, preview=None:
                            steps.append((step, total))).pixels
    assert steps[-1][1] > 1
    np.testing.assert_array_equal(banded, whole)
