"""Compositing at the view's level during a drag (Renderer.set_view, model/reduced.py):
zoomed out, a dragged layer is composited from the layers' reductions at the canvas's
pyramid level; at 100 % only the rows in view; settle() then draws full resolution,
bit-identical to a fresh render."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor

from editor.model import AdjustmentLayer, Document, Layer, LayerMask
from editor.model import adjustments as adj
from editor.model import adjustment_ops
from editor.model.reduced import _reduce_straight
from editor.model import render
from editor.model.render import Renderer
from engine.box import Box

from ui_helpers import image_pos, make_window, photo

W, H = 640, 480


def smooth(rng, h: int, w: int, channels: int = 0) -> np.ndarray:
    """Random but smooth uint8 values (like photos and painted masks, unlike noise)."""
    import cv2

    shape = (h // 40 + 2, w // 40 + 2) + ((channels,) if channels else ())
    coarse = rng.integers(0, 256, shape).astype(np.float32)
    return np.clip(cv2.resize(coarse, (w, h), interpolation=cv2.INTER_CUBIC), 0,
                   255).astype(np.uint8)


def stacked_document() -> tuple[Document, Layer]:
    """Six translucent layers, half masked (one feathered), a clipped layer, two adjustment
    layers (one masked) between them; returns the document and a middle layer to drag."""
    rng = np.random.default_rng(3)
    doc = Document(W, H)
    nodes = []
    for i in range(6):
        pixels = smooth(rng, H, W, 4)
        pixels[..., 3] = np.maximum(pixels[..., 3], 60)
        layer = Layer(f"layer {i}", pixels)
        if i % 2:
            layer.mask = LayerMask(smooth(rng, H // 2, W // 2), 10 * i, 20, default=0,
                                   feather=1.5 if i == 3 else 0.0)
        nodes.append(layer)
    clipped = Layer("clipped", smooth(rng, 100, 120, 4), 200, 150)
    clipped.clipping = True
    nodes.insert(5, clipped)
    levels = AdjustmentLayer("levels", adj.Levels(rgb=(12, 240, 1.15, 0, 255)))
    levels.mask = LayerMask(smooth(rng, H, W))
    nodes.insert(3, levels)
    nodes.append(AdjustmentLayer("hue", adj.HueSaturation(12, 20, 0)))
    for node in nodes:
        node.parent = doc.root
        doc.root.children.append(node)
    return doc, nodes[2]


def nudged(renderer: Renderer, doc: Document, layer: Layer, dx: int = 1, dy: int = 0) -> None:
    """`renderer`'s picture redrawn through its caches around `layer`: a move of the
    layer by (dx, dy) and back."""
    for step in ((dx, dy), (-dx, -dy)):
        doc.translate(layer, *step, merge_key="drag")
        renderer.update()


def fresh_composite(doc: Document) -> np.ndarray:
    renderer = Renderer(doc)
    renderer.update()
    renderer.close()
    return renderer.composite.array


def test_reduction_is_the_premultiplied_box_average():
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, (7, 9, 4), dtype=np.uint8)
    pixels[0, 0, 3] = 0
    out = _reduce_straight(pixels, 1)
    assert out.shape == (4, 5, 4)
    block = pixels[2:4, 4:6].reshape(-1, 4).astype(np.float64)
    alpha = block[:, 3].sum()
    assert out[1, 2, 3] == np.floor(alpha / 4 + 0.5)
    assert np.array_equal(out[1, 2, :3],
                          np.floor((block[:, :3] * block[:, 3:]).sum(0) / alpha + 0.5))
    edge = pixels[6:7, 8:9].reshape(-1, 4)  # a partial cell averages what it holds
    assert np.array_equal(out[3, 4], edge[0] if edge[0, 3] else [0, 0, 0, 0])


def test_drag_zoomed_out_composites_at_the_level_then_settles_exactly():
    doc, layer = stacked_document()
    renderer = Renderer(doc)
    renderer.update()
    before = renderer.composite.array.copy()
    renderer.set_view(1)
    renderer.set_focus(layer)
    for dx, dy in ((5, 3), (7, -2), (-3, 4)):
        doc.translate(layer, dx, dy, merge_key="drag")
        assert renderer.update() == []  # nothing at full resolution during the drag
        level, buffer = renderer.preview
        assert level == 1 and buffer.array.shape == (H // 2, W // 2, 4)
        assert renderer.approximate
    assert np.array_equal(renderer.composite.array, before)
    # What the view shows is the moved document, at half size.
    exact = fresh_composite(doc)
    reduced = exact.reshape(H // 2, 2, W // 2, 2, 4).mean(axis=(1, 3))
    diff = np.abs(buffer.array.astype(float) - reduced)
    assert diff.mean() < 3 and np.percentile(diff, 99) < 24
    old_place = fresh_composite_shifted(doc, layer, -9, -5)
    assert np.abs(buffer.array.astype(float) - old_place).mean() > diff.mean() + 3
    renderer.settle()
    assert renderer.preview is None
    renderer.update()
    assert not renderer.approximate and not renderer.is_dirty()
    assert np.array_equal(renderer.composite.array, exact)


def fresh_composite_shifted(doc, layer, dx, dy) -> np.ndarray:
    """The half-size composite with `layer` moved back by (dx, dy) (where it was)."""
    layer.x, layer.y = layer.x + dx, layer.y + dy
    if layer.mask is not None:
        layer.mask.x, layer.mask.y = layer.mask.x + dx, layer.mask.y + dy
    try:
        return fresh_composite(doc).reshape(H // 2, 2, W // 2, 2, 4).mean(axis=(1, 3))
    finally:
        layer.x, layer.y = layer.x - dx, layer.y - dy
        if layer.mask is not None:
            layer.mask.x, layer.mask.y = layer.mask.x - dx, layer.mask.y - dy


def test_zoom_to_100_during_the_drag_draws_full_resolution_in_view():
    doc, layer = stacked_document()
    renderer = Renderer(doc)
    renderer.update()
    renderer.set_view(1)
    renderer.set_focus(layer)
    doc.translate(layer, 6, 4, merge_key="drag")
    renderer.update()
    assert renderer.preview is not None
    view = Box(200, 150, 160, 120)
    renderer.set_view(0, view)  # 100 % during the drag: the preview ends
    assert renderer.preview is None
    before = renderer.composite.array.copy()
    doc.translate(layer, 3, 1, merge_key="drag")
    drawn = renderer.update()
    assert drawn and all(view.intersect(box) == box for box in drawn)
    # In view: what the full-resolution drag draws (its cached layers above the dragged
    # one round a little differently from a fresh render until the drag settles).
    exact = fresh_composite(doc)
    shown = renderer.composite.region(view).astype(int)
    whole = Renderer(doc)
    whole.update()
    whole.set_focus(layer)
    nudged(whole, doc, layer)
    whole.close()
    assert np.abs(shown - whole.composite.region(view)).max() <= 1
    assert np.abs(shown - exact[view.slices()]).mean() < 0.5
    assert not np.array_equal(shown, before[view.slices()])
    assert np.array_equal(renderer.composite.array[:100], before[:100])  # out of view: later
    assert renderer.approximate
    renderer.settle()
    renderer.update()
    assert np.array_equal(renderer.composite.array, exact)


def test_adjustment_slider_previews_at_the_level_then_settles_exactly():
    doc, _ = stacked_document()
    hue = next(n for n in doc.root.children if n.name == "hue")
    renderer = Renderer(doc)
    renderer.update()
    renderer.set_view(1)
    for value in (20, 25, 30):  # a Properties slider: the same layer changed again and again
        adjustment_ops.set_settings(doc, hue, adj.HueSaturation(value, 20, 0), merge_key="s")
        renderer.update()
    assert renderer.preview is not None and renderer.preview[0] == 1
    exact = fresh_composite(doc)
    reduced = exact.reshape(H // 2, 2, W // 2, 2, 4).mean(axis=(1, 3))
    assert np.abs(renderer.preview[1].array - reduced).mean() < 3
    renderer.settle()
    renderer.update()
    assert renderer.preview is None and np.array_equal(renderer.composite.array, exact)


def test_painting_the_dragged_layer_ends_the_preview():
    doc, layer = stacked_document()
    renderer = Renderer(doc)
    renderer.update()
    renderer.set_view(2)
    renderer.set_focus(layer)
    doc.translate(layer, 4, 4, merge_key="drag")
    renderer.update()
    assert renderer.preview[0] == 2
    pixels = layer.pixels.copy()
    pixels[:50, :50] = 255
    doc.set_pixels(layer, pixels)  # a pixel edit: drawn at full resolution again
    assert renderer.update() != []
    assert renderer.preview is None
    doc.set_pixels(layer, pixels[::-1].copy())
    renderer.update()
    assert renderer.preview is None
    renderer.set_focus(None)
    renderer.update()
    assert np.array_equal(renderer.composite.array, fresh_composite(doc))
    # A stroke on a zoomed-out view: its dabs are drawn at full resolution from the first.
    renderer.set_focus(layer)
    edit = doc.begin_pixel_edit(layer)

    def dab(region):
        region[...] = 0

    edit.apply(doc, Box(100, 100, 10, 10), dab)
    assert renderer.update() != [] and renderer.preview is None
    doc.end_pixel_edit(edit)
    renderer.set_focus(None)
    renderer.update()
    assert np.array_equal(renderer.composite.array, fresh_composite(doc))


@pytest.fixture
def big_window(qtbot, tmp_path, monkeypatch):
    """A 2400x1600 document with an adjustment layer over the dragged one (so the move
    tool draws through the renderer, not its split preview), fitted in the window."""
    w = make_window(qtbot, tmp_path, monkeypatch)
    doc = Document(2400, 1600)
    doc.add_image(photo(2400, 1600, "coffee"), "Background", 0, 0)
    cat = doc.add_image(photo(600, 400, "chelsea"), "Cat", 300, 200)
    doc.set_active(cat)
    adjustment_ops.add_adjustment(doc, "levels", adj.Levels(rgb=(12, 240, 1.15, 0, 255)))
    doc.set_active(cat)
    doc.history.clear()
    w.add_session(doc, "big")
    qtbot.waitUntil(lambda: w.canvas.paint_count > 0)
    return w, doc, cat


def grab(canvas, x, y):
    canvas.repaint()
    image = canvas.grab().toImage()
    return np.array(QColor(image.pixel(image_pos(canvas, x, y))).getRgb()[:3])


def test_canvas_drag_zoomed_out_then_exact_and_sharp_at_100(big_window, qtbot):
    from PySide6.QtTest import QTest

    w, doc, cat = big_window
    canvas, renderer = w.canvas, w.session.renderer
    canvas.fit()
    level = canvas._pyramid.draft_level_for(canvas.zoom)  # the drag's draft level
    assert level >= 1 and level >= canvas._pyramid.level_for(canvas.zoom)
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_V)
    start = image_pos(canvas, 600, 400)
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=start)
    for step in (QPoint(10, 6), QPoint(20, 12)):
        QTest.mouseEvent(QTest.MouseAction.MouseMove, canvas, Qt.MouseButton.LeftButton,
                         Qt.KeyboardModifier.NoModifier, start + step)
        canvas.repaint()
    assert not w.tools.current.paints_content(canvas)
    assert (cat.x, cat.y) != (300, 200)
    assert renderer.preview is not None and renderer.preview[0] == level
    # The view shows the cat where it now is (well inside it, away from the edges).
    cx, cy = cat.x + 300, cat.y + 200
    exact = fresh_composite(doc)
    b, g, r, _ = exact[cy - 2:cy + 2, cx - 2:cx + 2].reshape(-1, 4).mean(axis=0)
    assert np.abs(grab(canvas, cx, cy) - [r, g, b]).max() <= 24
    # 100 % during the drag (zooming at the cat): full-resolution pixels in view.
    canvas.set_zoom(1.0, canvas.image_to_widget(QPointF(cx, cy)))
    canvas.repaint()
    assert renderer.preview is None
    for x, y in ((cx, cy), (cx - 100, cy + 50)):
        assert not canvas.visible_box().intersect(Box(x, y, 1, 1)).is_empty()
        b, g, r, _ = exact[y, x]
        assert np.abs(grab(canvas, x, y) - [r, g, b]).max() <= 2
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=start + QPoint(20, 12))
    qtbot.waitUntil(lambda: not renderer.approximate and not renderer.is_dirty(), timeout=8000)
    assert np.array_equal(renderer.composite.array, fresh_composite(doc))
    centre = canvas.view_center_image()
    x, y = int(centre.x()), int(centre.y())
    b, g, r, _ = renderer.composite.array[y, x]
    assert list(grab(canvas, x, y)) == [r, g, b]


def test_a_drag_at_100_without_prepared_caches_makes_them_for_the_rows_in_view():
    """At 100 %, a drag that starts before the idle canvas made the caches makes them for
    the rows in view and a margin only; a scroll during the drag makes them for the new
    rows; what is shown is what whole caches give, and it settles exactly."""
    doc, layer = stacked_document()
    renderer = Renderer(doc)
    renderer.update()
    view = Box(100, 150, 300, 120)
    renderer.set_view(0, view)
    renderer.set_focus(layer)
    doc.translate(layer, 6, 4, merge_key="drag")
    drawn = renderer.update()
    focus = renderer._focus
    rows = Box(0, view.y - render.VIEW_MARGIN, W, view.h + 2 * render.VIEW_MARGIN)
    assert focus is not None and focus.rows == rows
    assert focus.below.array.shape[:2] == (rows.h, W)  # a fraction of the canvas made
    assert drawn and all(view.intersect(box) == box for box in drawn)
    whole = Renderer(doc)
    whole.update()
    whole.set_focus(layer)
    nudged(whole, doc, layer)
    assert whole._focus.rows is None
    assert np.abs(renderer.composite.region(view).astype(int)
                  - whole.composite.region(view)).max() <= 1
    # Scrolled down during the drag: the caches are made again for the rows now in view.
    lower = Box(100, 330, 300, 120)
    renderer.set_view(0, lower)
    doc.translate(layer, 0, 30, merge_key="drag")
    renderer.update()
    assert renderer._focus.rows.intersect(lower) == lower
    nudged(whole, doc, layer, 0, 1)
    whole.close()
    assert np.abs(renderer.composite.region(lower).astype(int)
                  - whole.composite.region(lower)).max() <= 1
    # Free Transform's split images are always whole.
    below, above, _ = renderer.split_images(layer)
    assert (below.width(), below.height()) == (W, H) and renderer._focus.rows is None
    renderer.settle()
    renderer.update()
    assert np.array_equal(renderer.composite.array, fresh_composite(doc))


def test_zooming_out_during_a_drag_at_100_uses_whole_caches():
    doc, layer = stacked_document()
    renderer = Renderer(doc)
    renderer.update()
    renderer.set_view(0, Box(100, 150, 300, 120))
    renderer.set_focus(layer)
    doc.translate(layer, 6, 4, merge_key="drag")
    renderer.update()
    assert renderer._focus.rows is not None
    renderer.set_view(1)
    doc.translate(layer, 6, 4, merge_key="drag")
    renderer.update()
    assert renderer.preview is not None
    assert renderer._focus is None or renderer._focus.rows is None
    renderer.settle()
    renderer.update()
    assert np.array_equal(renderer.composite.array, fresh_composite(doc))
