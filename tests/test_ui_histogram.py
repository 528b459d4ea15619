"""The Histogram panel (Window > Histogram): its statistics against numpy's on the
96x64 photo, the Selected Layer source, the selection, the read-out under the pointer, and
the counts following an edit."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, Qt

from editor.model import histogram
from editor.model.render import composite_document
from engine.box import Box
from ui_helpers import panel_item


def shown_panel(window, qtbot):
    dock = window.docks["histogram"]
    assert dock.isHidden()  # not in the default layout: shown from the Window menu
    item = panel_item(window, "Histogram")
    item.trigger()
    qtbot.waitUntil(lambda: dock.isVisible() and not dock.visibleRegion().isEmpty())
    return window.histogram_panel


def numpy_stats(values: np.ndarray) -> dict:
    values = values.astype(np.float64).ravel()
    return {"mean": f"{values.mean():.2f}", "std_dev": f"{values.std():.2f}",
            "median": str(int(np.percentile(values, 50, method="lower")))}


def read(panel, *keys) -> dict:
    return {k: panel.text(k) for k in keys}


def wait_for(qtbot, panel, key, text) -> None:
    qtbot.waitUntil(lambda: panel.text(key) == text, timeout=3000)


def test_statistics_follow_numpy_the_layer_the_selection_and_edits(opened, qtbot):
    doc = opened.doc
    panel = shown_panel(opened, qtbot)
    rgb = composite_document(doc)[..., :3]
    expect = numpy_stats(rgb)
    wait_for(qtbot, panel, "mean", expect["mean"])
    assert read(panel, "mean", "std_dev", "median") == expect
    assert panel.text("pixels") == f"{96 * 64:,}" and panel.text("sampled") == "all pixels"
    panel.set_channel("green")
    assert read(panel, "mean", "std_dev", "median") == numpy_stats(rgb[..., 1])
    panel.set_channel("luminosity")
    lum = (30 * rgb[..., 0].astype(int) + 59 * rgb[..., 1] + 11 * rgb[..., 2] + 50) // 100
    assert read(panel, "mean", "std_dev", "median") == numpy_stats(lum)
    # The level under the pointer: its count and the share at or below it.
    panel.set_channel("red")
    graph = panel.graph
    qtbot.mouseMove(graph, QPoint(graph.width() // 2 + 1, graph.height() // 2))
    level = graph.level_at(graph.width() // 2 + 1)
    assert panel.text("level") == str(level) == "128"
    red = rgb[..., 0].ravel()
    assert panel.text("count") == f"{int((red == level).sum()):,}"
    assert panel.text("percentile") == f"{(red <= level).mean() * 100:.2f}"
    # Selected Layer: a layer's own pixels (its transparent ones left out).
    pixels = np.zeros((10, 12, 4), np.uint8)
    pixels[..., 0] = np.arange(12) * 20
    pixels[..., 3] = 255
    pixels[:, :2, 3] = 0
    layer = doc.add_image(pixels, "Ramp", 88, 58)  # 8 x 6 of it lies on the canvas
    doc.set_active(layer)
    panel.set_source("layer")
    on_canvas = pixels[:6, :8]
    seen = on_canvas[on_canvas[..., 3] > 0][:, 0]
    wait_for(qtbot, panel, "mean", numpy_stats(seen)["mean"])
    assert panel.text("pixels") == f"{seen.size:,}"
    # Inside a selection only; an edit is followed (after the pause, off the GUI thread).
    panel.set_source("image")
    doc.set_selection(Box(0, 0, 10, 8))
    wait_for(qtbot, panel, "pixels", "80")
    cat = composite_document(doc)[:8, :10, 0]
    assert panel.text("mean") == numpy_stats(cat)["mean"]
    opened.actions["select_all"].trigger()
    doc.set_active(doc.root.children[0])
    opened.canvas.setFocus()
    qtbot.keyClick(opened.canvas, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)  # Invert
    after = composite_document(doc)[..., 0]
    assert np.array_equal(after[:58], 255 - rgb[:58, :, 0])  # (the ramp in the corner)
    wait_for(qtbot, panel, "mean", numpy_stats(after)["mean"])


def test_a_large_document_is_counted_on_a_reduced_image():
    # 4000 x 3000: 1 band of 16 rows in 6, about the sample's size, spread over the canvas.
    boxes = histogram.bands(4000, 3000)
    assert histogram.row_step(4000, 3000) == 6
    rows = sum(b.h for b in boxes)
    assert 480 <= rows <= 520 and boxes[0].y < 96 and boxes[-1].y1 > 2900
    assert histogram.bands(96, 64) == [Box(0, 0, 96, 64)]
