"""A masked layer is drawn on the screen from premultiplied pixels kept beside it
(render_layers.py's `drawn_masked_pixels`: Qt's ARGB32_Premultiplied, which Qt draws
without converting): the composite stays exactly what drawing its straight masked pixels
gives, at every alpha, coverage and colour, after strokes redo parts of it, and a plain
masked document keeps no straight copy beside the drawn one."""
from __future__ import annotations

import numpy as np
import pytest

from editor.model import Document, Layer, LayerMask, mask_ops
from editor.model import render_layers
from editor.model.layer_effects import ColorOverlay, LayerEffects
from editor.model.render import Renderer
from engine.box import Box
from test_render_view import nudged

N = 256  # alpha by row, coverage by column: every pair, each with its own colours


def every_pair_document(mode: str = "normal", opacity: int = 200):
    """A noisy opaque background under a 256x256 layer whose alpha is its row and whose
    mask's coverage is its column (colours: every value in each channel)."""
    rng = np.random.default_rng(3)
    doc = Document(N, N)
    bg = Layer("bg", rng.integers(0, 256, (N, N, 4), dtype=np.uint8))
    bg.pixels[..., 3] = 255
    doc.add_layer(bg)
    pixels = np.empty((N, N, 4), np.uint8)
    ramp = np.arange(N, dtype=np.int32)
    pixels[..., 0] = ramp[None, :]
    pixels[..., 1] = (ramp[:, None] * 7 + ramp[None, :] * 3) % 256
    pixels[..., 2] = rng.integers(0, 256, (N, N))
    pixels[..., 3] = ramp[:, None]
    top = Layer("top", pixels, opacity=opacity, blend_mode=mode)
    top.mask = LayerMask(np.broadcast_to(ramp[None, :].astype(np.uint8), (N, N)).copy())
    doc.add_layer(top)
    return doc, top


def straight_reference(doc: Document, top: Layer) -> np.ndarray:
    """The composite with `top` replaced by an unmasked layer of its straight pixels
    through its mask (alpha x coverage rounded to nearest), as Qt draws straight RGBA."""
    plain = top.pixels.copy()
    coverage = top.mask.coverage(top.bounds()).astype(np.uint32)
    plain[..., 3] = (plain[..., 3].astype(np.uint32) * coverage + 127) // 255
    ref = Document(N, N)
    ref.add_layer(Layer("bg", doc.root.children[0].pixels.copy()))
    ref.add_layer(Layer("top", plain, top.x, top.y, opacity=top.opacity,
                        blend_mode=top.blend_mode))
    renderer = Renderer(ref)
    renderer.update()
    renderer.close()
    return renderer.composite.array


def qt_premultiplied(straight: np.ndarray) -> np.ndarray:
    """Qt's own conversion of straight RGBA8888 pixels to ARGB32_Premultiplied."""
    from PySide6 import QtGui

    h, w = straight.shape[:2]
    image = QtGui.QImage(straight.data, w, h, straight.strides[0],
                         QtGui.QImage.Format.Format_RGBA8888)
    out = image.convertToFormat(QtGui.QImage.Format.Format_ARGB32_Premultiplied)
    return np.frombuffer(out.constBits(), np.uint8).reshape(h, w, 4).copy()


def strokes(doc: Document, top: Layer):
    """A pixel stroke and a mask stroke, each over part of the layer (partial redos)."""
    edit = doc.begin_pixel_edit(top, "Brush", cover=top.bounds())
    edit.apply(doc, Box(20, 30, 90, 70),
               lambda view: view.__setitem__(..., (view.astype(np.uint16) * 5 % 256)))
    doc.end_pixel_edit(edit)
    yield "pixel stroke"
    edit = mask_ops.begin_mask_stroke(doc, top, "Brush", doc.canvas)
    edit.apply(doc, Box(100, 60, 120, 150),
               lambda view: view.__setitem__(..., 255 - view))
    mask_ops.end_mask_stroke(doc, edit)
    yield "mask stroke"


@pytest.mark.parametrize("mode,opacity", [("normal", 255), ("normal", 200),
                                          ("multiply", 170), ("screen", 255),
                                          ("overlay", 99)])
def test_masked_layer_draws_as_its_straight_pixels_at_every_alpha_and_coverage(mode, opacity):
    doc, top = every_pair_document(mode, opacity)
    renderer = Renderer(doc)
    renderer.update()
    np.testing.assert_array_equal(renderer.composite.array, straight_reference(doc, top))
    for done in strokes(doc, top):
        renderer.update()
        np.testing.assert_array_equal(renderer.composite.array, straight_reference(doc, top),
                                      err_msg=done)


def test_kept_pixels_are_qts_premultiplied_ones_and_strokes_redo_them():
    """What is kept and drawn is Qt's premultiplied form of the straight masked pixels,
    byte for byte, and a stroke's partial redo keeps it so."""
    doc, top = every_pair_document()
    drawn = render_layers.drawn_masked_pixels(top)
    np.testing.assert_array_equal(drawn, qt_premultiplied(render_layers.straight_masked(top)))
    for done in strokes(doc, top):
        again = render_layers.drawn_masked_pixels(top)
        assert again is drawn, done  # redone in place, not made again
        np.testing.assert_array_equal(again, qt_premultiplied(
            render_layers.straight_masked(top)), err_msg=done)
    # A box of the straight pixels (a blend mode Qt lacks draws only the box it needs).
    box = Box(40, 50, 30, 20)
    np.testing.assert_array_equal(render_layers.straight_masked(top, box),
                                  render_layers.masked_pixels(top)[50:70, 40:70])


def test_a_plain_masked_document_keeps_one_copy_of_each_masked_layer():
    """Drawn at full resolution and at a zoomed-out view (its reductions made), a masked
    layer without effects holds only its drawn pixels; a styled one makes its effects
    from straight pixels, kept for it alone."""
    doc, top = every_pair_document()
    renderer = Renderer(doc)
    renderer.update()
    renderer.set_view(1)
    assert renderer.prepare(top)
    while renderer.prepare_step(1.0):
        pass
    nudged(renderer, doc, top)  # a drag drawn from the reductions
    assert renderer.approximate
    renderer.settle()
    renderer.update()
    np.testing.assert_array_equal(renderer.composite.array, straight_reference(doc, top))
    assert top in render_layers._masked_cache
    assert top not in render_layers._straight_cache
    top.effects = LayerEffects(color_overlays=(ColorOverlay(color=(200, 80, 20),
                                                            opacity=40.0),))
    top.changed()
    fresh = Renderer(doc)
    fresh.update()
    assert top in render_layers._straight_cache  # (its effects are made from them)
    assert top not in render_layers._masked_cache  # the drawn copy let go
    top.effects = LayerEffects()
    top.changed()
    fresh = Renderer(doc)
    fresh.update()
    assert top in render_layers._masked_cache and top not in render_layers._straight_cache
    np.testing.assert_array_equal(fresh.composite.array, straight_reference(doc, top))


@pytest.mark.parametrize("mask_box,feather,density", [((0, 0, N, N), 0.0, 255),
                                                      ((-9, -5, N + 20, N + 12), 0.0, 180),
                                                      ((30, 20, 150, 170), 1.5, 255)])
def test_a_masked_layers_stand_in_is_the_reduction_of_its_straight_masked_pixels(
        mask_box, feather, density):
    """A zoomed-out drag's stand-in of a masked layer, reduced with the mask's coverage
    multiplied in as it goes (no masked copy made), equals the reduction of the layer's
    straight pixels through its mask, at every level (a mask as big as the layer, bigger,
    smaller and feathered)."""
    from editor.model import reduced

    doc, top = every_pair_document()
    x, y, w, h = mask_box
    top.mask = LayerMask(np.random.default_rng(5).integers(0, 256, (h, w), dtype=np.uint8),
                         x, y, default=0, density=density, feather=feather)
    straight = top.pixels.copy()
    coverage = top.mask.coverage(top.bounds()).astype(np.uint32)
    straight[..., 3] = (straight[..., 3].astype(np.uint32) * coverage + 127) // 255
    for level in (1, 2, 3):
        np.testing.assert_array_equal(reduced.reduced_pixels(top, level),
                                      reduced._reduce_straight(straight, level))
