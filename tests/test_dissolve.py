"""Photoshop's Dissolve blend mode: each pixel of the layer shown whole or not at all, with
probability its alpha times the layer's opacity, by a fixed pattern over the canvas (a hash
of the pixel's position): the fraction shown against alpha x opacity, the shown pixels
the layer's colour and the others the backdrop's, the same pixels on the file, 8-bit and
screen paths and between redraws, other pixels once the layer moves; read and written as
Photoshop's 'diss' key (psd-tools reads it back); chosen in the Layers panel's mode list,
where it follows Normal."""
from __future__ import annotations

import numpy as np
import pytest

from editor.model import Document, Layer
from editor.model.files import open_document, save_document
from editor.model.render import composite_document
from test_blend_modes_photoshop import screen_composite as screen

W, H = 160, 120
BACKDROP = (20, 90, 200, 255)
COLOR = (250, 120, 10)


def scene(alpha: int, opacity: int, x: int = 0, y: int = 0) -> tuple[Document, Layer]:
    doc = Document(W, H)
    top = np.zeros((H, W, 4), np.uint8)
    top[..., :3] = COLOR
    top[..., 3] = alpha
    layer = Layer("Dissolved", top, x, y, opacity=opacity, blend_mode="dissolve")
    for node in (Layer("Background", np.full((H, W, 4), BACKDROP, np.uint8)), layer):
        node.parent = doc.root
        doc.root.children.append(node)
    return doc, layer


@pytest.mark.parametrize("alpha,opacity", [(255, 255), (255, 128), (200, 128), (64, 255),
                                           (255, 13), (0, 255), (255, 0)])
def test_the_fraction_shown_is_alpha_times_opacity(alpha, opacity):
    doc, _ = scene(alpha, opacity)
    out = composite_document(doc)
    shown = (out[..., :3] == COLOR).all(-1)
    hidden = (out[..., :3] == BACKDROP[:3]).all(-1)
    assert (shown | hidden).all() and (out[..., 3] == 255).all()  # whole or nothing
    p = alpha / 255 * opacity / 255
    # Within 4 binomial standard deviations (19 200 pixels: +-0.014 at p = 1/2).
    assert abs(shown.mean() - p) <= 4 * np.sqrt(p * (1 - p) / shown.size) + 1e-9, shown.mean()
    if 0 < p < 1:  # a pattern, not a block: shown pixels in every row and column
        assert shown.any(0).all() and shown.any(1).all()


def test_the_pattern_is_fixed_on_every_path_and_moves_with_the_canvas_not_the_layer():
    """The same pixels show on the file and 8-bit paths and the screen, twice over, and in
    a part redrawn alone; a layer moved by one pixel shows other pixels of itself (the
    pattern belongs to the canvas), the same share of them."""
    doc, layer = scene(255, 128)
    first = composite_document(doc)
    np.testing.assert_array_equal(composite_document(doc), first)
    np.testing.assert_array_equal(composite_document(doc, precise=False), first)
    np.testing.assert_array_equal(screen(doc), first)
    from engine.box import Box

    part = Box(37, 21, 50, 40)
    np.testing.assert_array_equal(composite_document(doc, part), first[part.slices()])
    shown = (first[..., :3] == COLOR).all(-1)
    doc.translate(layer, 1, 0)
    moved = (composite_document(doc)[..., :3] == COLOR).all(-1)
    # Pixel (x, y) of the layer now lies at canvas (x + 1, y): compare layer positions.
    same = (moved[:, 1:] == shown[:, :-1]).mean()
    assert 0.4 < same < 0.6  # unrelated draws (they agree about half the time at 1/2)
    assert abs(moved[:, 1:].mean() - shown[:, 1:].mean()) < 0.03
    np.testing.assert_array_equal(screen(doc), composite_document(doc))


def test_dissolve_is_read_and_written_as_photoshops_key(tmp_path):
    from psd_tools import PSDImage
    from psd_tools.constants import BlendMode

    doc, _ = scene(200, 128)
    before = composite_document(doc)
    path = tmp_path / "dissolve.psd"
    save_document(doc, path)
    psd = PSDImage.open(path)
    assert psd[-1].blend_mode == BlendMode.DISSOLVE and BlendMode.DISSOLVE.value == b"diss"
    again = open_document(path)
    layer = again.root.children[-1]
    assert layer.blend_mode == "dissolve" and layer.opacity == 128
    np.testing.assert_array_equal(composite_document(again), before)
    # The merged image stored in the file is our composite (what other readers show).
    merged = np.asarray(psd.topil().convert("RGBA"))
    np.testing.assert_array_equal(merged, before)


def test_dissolve_is_chosen_in_the_layers_panel_after_normal(qtbot, tmp_path, monkeypatch):
    from PySide6.QtCore import Qt

    from ui_helpers import make_window

    doc, _ = scene(255, 128)
    path = str(tmp_path / "plain.psd")
    doc.root.children[-1].blend_mode = "normal"
    save_document(doc, path)
    w = make_window(qtbot, tmp_path, monkeypatch)
    monkeypatch.setattr("editor.ui.dialogs.ask_open_paths", lambda *a, **k: [path])
    w.actions["open"].trigger()
    qtbot.waitUntil(lambda: w.doc is not None, timeout=10000)
    layer = w.doc.root.children[-1]
    w.doc.set_active(layer)
    combo = w.layers_panel.blend
    assert [combo.itemText(i) for i in range(2)] == ["Normal", "Dissolve"]
    steps = w.doc.history.count
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # the next mode after Normal, as a user would
    assert layer.blend_mode == "dissolve" and w.doc.history.count == steps + 1
    w.session.renderer.update()
    shown = w.session.renderer.composite.to_straight_rgba8()
    assert set(np.unique(shown[..., 3])) == {255}
    assert 0.45 < (shown[..., :3] == COLOR).all(-1).mean() < 0.55
    w.actions["undo"].trigger()
    assert layer.blend_mode == "normal" and combo.currentIndex() == 0
