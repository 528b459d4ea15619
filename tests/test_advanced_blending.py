"""Photoshop's Advanced Blending: Knockout (None / Shallow / Deep) and the colour channels a
layer's blending may change (render.py `_draw_knockout`, `_restricted`).

Checked against numpy references of psd-tools' knockout formula and of a channel left alone,
on the file path, the 8-bit path and the screen's Renderer (a drag next to such layers
settles to the exact composite); read, written and kept through a PSD (psd-tools reads
what we write); and set in the Layer Style dialog's Advanced Blending, live, as one undo
step. Photoshop's own pixels: tests/test_blend_modes_photoshop.py (knockout-isolated-groups)
and tests/test_layer_effects_glows.py (the Inner Glow layer restricted to red and green).
"""
from __future__ import annotations

import os

import numpy as np
import pytest
from PySide6.QtWidgets import QCheckBox, QComboBox
from psd_tools import PSDImage
from psd_tools.constants import Tag

from editor.model import Document, Group, Layer
from editor.model.files import open_document, save_document
from editor.model.render import Renderer, composite_document
from engine.compose import blend
from ui_helpers import in_modal_dialog, make_window

FILES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "psd_tools_files")
KNOCKOUT_FILE = os.path.join(FILES, "knockout-isolated-groups.psd")
W, H = 40, 30


def solid(color, alpha, w, h) -> np.ndarray:
    out = np.empty((h, w, 4), np.uint8)
    out[...] = (*color, alpha)
    return out


def scene(knockout: str = "shallow", channels=(True, True, True)) -> Document:
    """A translucent red layer under a Pass Through group of an opaque blue layer and,
    above it, a translucent green Multiply layer at opacity 230, Fill 100, knocking out."""
    doc = Document(W, H)
    under = Layer("A", solid((200, 30, 30), 200, W, H))
    blue = Layer("B", solid((20, 40, 220), 255, 30, H), 5, 0)
    green = Layer("C", solid((40, 200, 60), 180, 20, 20), 10, 5, opacity=230,
                  blend_mode="multiply")
    green.fill_opacity = 100
    green.knockout = knockout
    green.channels = tuple(channels)
    group = Group("G", [blue, green], blend_mode="pass_through")
    for node in (under, group):
        node.parent = doc.root
        doc.root.children.append(node)
    return doc


def premultiplied(rgba8: np.ndarray) -> np.ndarray:
    f = rgba8.astype(np.float64) / 255
    return np.concatenate([f[..., :3] * f[..., 3:4], f[..., 3:4]], -1)


def over(color, alpha, backdrop, mode) -> np.ndarray:
    """Premultiplied float result of a straight colour at `alpha` over premultiplied
    `backdrop` in `mode` (the W3C formula)."""
    a_b = backdrop[3]
    c_b = backdrop[:3] / a_b if a_b > 0 else np.zeros(3)
    mixed = blend(mode, c_b[None, None].astype(np.float32),
                  np.asarray(color, np.float32)[None, None])[0, 0]
    rgb = (1 - alpha) * backdrop[:3] + alpha * ((1 - a_b) * np.asarray(color) + a_b * mixed)
    return np.concatenate([rgb, [alpha + a_b * (1 - alpha)]])


def every_path(doc) -> dict:
    renderer = Renderer(doc)
    try:
        renderer.update()
        screen = renderer.composite.to_straight_rgba8()
    finally:
        renderer.close()
    return {"file": composite_document(doc, precise=True),
            "8-bit": composite_document(doc, precise=False), "screen": screen}


@pytest.mark.parametrize("knockout", ["none", "shallow", "deep"])
def test_knockout_matches_psd_tools_formula(qapp, knockout):
    """Inside the knockout layer's shape S (alpha times opacity, not Fill) it blends onto
    the backdrop K it knocks down to (the group's: the red layer; Deep: the document's
    bottom, transparency) instead of onto the blue layer: result = over(layer, K) +
    (1 - S) * (current - K), premultiplied."""
    red = premultiplied(np.array([200, 30, 30, 200], np.uint8))
    blue = premultiplied(np.array([20, 40, 220, 255], np.uint8))
    green = np.array([40, 200, 60]) / 255
    shape = 180 / 255 * 230 / 255
    alpha = shape * 100 / 255
    if knockout == "none":
        expected = over(green, alpha, blue, "multiply")
    else:
        under = red if knockout == "shallow" else np.zeros(4)
        expected = over(green, alpha, under, "multiply") + (1 - shape) * (blue - under)
    doc = scene(knockout)
    for label, ours in every_path(doc).items():
        inside = premultiplied(ours[5:25, 10:30]) * 255
        assert np.abs(inside - expected * 255).max() <= 2, (label, inside[0, 0], expected * 255)
        # Outside the knockout layer nothing changes: blue over red.
        assert np.abs(premultiplied(ours[2, 7]) - blue).max() * 255 <= 1, label
    if knockout != "none":  # the knocked-out area shows the backdrop, not the blue
        assert abs(expected[2] - blue[2]) * 255 > 50


def test_knockout_at_zero_fill_shows_the_backdrop(qapp):
    doc = scene("shallow")
    green = doc.root.children[1].children[1]
    green.fill_opacity, green.opacity, green.pixels[..., 3] = 0, 255, 255
    red = np.array([200, 30, 30, 200])
    for label, ours in every_path(doc).items():
        assert np.abs(ours[5:25, 10:30].astype(int) - red).max() <= 1, label


def test_unchecked_channels_keep_the_backdrops(qapp):
    """A white Normal layer at 60 % over opaque red with G unchecked: red and blue blend as
    usual, green stays the backdrop's."""
    doc = Document(W, H)
    under = Layer("A", solid((200, 30, 30), 255, W, H))
    white = Layer("W", solid((255, 255, 255), 255, 20, 10), 4, 4, opacity=153)
    white.channels = (True, False, True)
    for node in (under, white):
        node.parent = doc.root
        doc.root.children.append(node)
    t = 153 / 255
    expected = np.array([200 + (255 - 200) * t, 30, 30 + (255 - 30) * t, 255])
    for label, ours in every_path(doc).items():
        assert np.abs(ours[4:14, 4:24].astype(float) - expected).max() <= 1, label
        assert (ours[20, 30] == (200, 30, 30, 255)).all(), label
    white.channels = (True, True, True)  # the same layer unrestricted changes green too
    assert abs(int(composite_document(doc)[5, 5, 1]) - round(30 + 225 * t)) <= 1


def test_knockout_file_read_written_and_kept(tmp_path, qapp):
    doc = open_document(KNOCKOUT_FILE)
    knocking = [n.name for n in doc.root.walk() if n.knockout != "none"]
    assert len(knocking) == 8 and {n.knockout for n in doc.root.walk()} == {"none", "shallow"}
    before = composite_document(doc)
    path = str(tmp_path / "kept.psd")
    save_document(doc, path)
    psd = PSDImage.open(path)
    assert sorted(layer.tagged_blocks.get_data(Tag.KNOCKOUT_SETTING, 0)
                  for layer in psd.descendants() if not layer.is_group()) == [0] * 13 + [1] * 8
    again = open_document(path)
    assert [n.knockout for n in again.root.walk()] == [n.knockout for n in doc.root.walk()]
    np.testing.assert_array_equal(composite_document(again), before)


def test_deep_and_channels_written_for_psd_tools(tmp_path, qapp):
    doc = scene("deep", (False, True, True))
    path = str(tmp_path / "deep.psd")
    save_document(doc, path)
    layer = next(n for n in PSDImage.open(path).descendants() if n.name == "C")
    assert layer.tagged_blocks.get_data(Tag.KNOCKOUT_SETTING) == 2
    assert list(layer.tagged_blocks.get_data(Tag.CHANNEL_BLENDING_RESTRICTIONS_SETTING)) == [0]
    again = next(n for n in open_document(path).root.walk() if n.name == "C")
    assert (again.knockout, again.channels) == ("deep", (False, True, True))
    effects = open_document(os.path.join(FILES, "layer_effects.psd"))
    glow = next(n for n in effects.root.walk() if n.name == "Inner Glow")
    assert glow.channels == (True, True, False)  # its 'brst': blue restricted
    save_document(effects, str(tmp_path / "glow.psd"))
    glow = next(n for n in open_document(str(tmp_path / "glow.psd")).root.walk()
                if n.name == "Inner Glow")
    assert glow.channels == (True, True, False)


def fresh(doc) -> np.ndarray:
    renderer = Renderer(doc)
    renderer.update()
    out = renderer.composite.array.copy()
    renderer.close()
    return out


@pytest.mark.parametrize("dragged", ["B", "A", "W"])
def test_drag_near_advanced_blending_settles_exactly(qapp, dragged):
    """Dragging the layer under a knockout layer, the one below its group, or a layer with a
    channel unchecked (with the drag caches around it): the screen ends as a fresh render."""
    doc = scene("shallow")
    restricted = Layer("W", solid((255, 255, 255), 200, 12, 12), 2, 2, opacity=180)
    restricted.channels = (False, True, False)
    top = Layer("T", solid((90, 90, 10), 120, 10, 10), 25, 15)
    for node in (restricted, top):
        node.parent = doc.root
        doc.root.children.append(node)
    if dragged == "W":  # no knockout in the document: the split caches are used
        doc.root.children[1].children[1].knockout = "none"
    layer = next(n for n in doc.root.walk() if n.name == dragged)
    renderer = Renderer(doc)
    renderer.update()
    renderer.set_focus(layer)
    for _ in range(4):
        doc.translate(layer, 2, 1, merge_key="drag")
        renderer.update()
        assert np.abs(renderer.composite.array.astype(int) - fresh(doc)).max() <= 2
    renderer.settle()
    renderer.update()
    np.testing.assert_array_equal(renderer.composite.array, fresh(doc))
    renderer.close()


def test_set_knockout_and_channels_are_undoable(qapp):
    doc = scene("none")
    green = doc.root.children[1].children[1]
    plain = composite_document(doc)
    doc.set_knockout(green, "shallow")
    doc.set_channels(green, (True, False, True))
    changed = composite_document(doc)
    assert (changed != plain).any()
    doc.history.undo()
    assert green.channels == (True, True, True)
    doc.history.undo()
    assert green.knockout == "none"
    np.testing.assert_array_equal(composite_document(doc), plain)
    with pytest.raises(Exception):
        doc.set_knockout(green, "sideways")


def test_advanced_blending_in_the_layer_style_dialog(qtbot, tmp_path, monkeypatch):
    """Layer Style's Advanced Blending: Knockout Shallow and G unchecked, live on the canvas,
    OK as one undo step, undo back; Cancel leaves nothing."""
    from test_ui_layer_style import open_psd, screen, square_psd

    w = make_window(qtbot, tmp_path, monkeypatch)
    open_psd(w, qtbot, monkeypatch, square_psd(tmp_path))
    doc = w.doc
    square = doc.root.children[1]
    doc.set_active(square)
    plain = screen(w)
    steps = doc.history.count
    w.menus["layer_style"].aboutToShow.emit()

    def drive(dialog, seen):
        dialog.enable("drop_shadows", False)
        dialog.findChild(QCheckBox, "ChannelG").setChecked(False)
        seen["channels"] = screen(w)
        dialog.findChild(QComboBox, "Knockout").setCurrentIndex(1)
        seen["live"] = screen(w)
        assert doc.history.count == steps

    seen = in_modal_dialog(qtbot, w.actions["style_drop_shadow"].trigger, drive,
                           "LayerStyleDialog")
    # The blue square (30, 60, 200) over white with green left alone: (30, 255, 200); knocking
    # out (at the top level: down to transparency, under the white layer) its green is the
    # transparency's, 0, and the rest of the canvas stays white.
    assert (plain[20, 25] == (30, 60, 200)).all()
    assert (seen["channels"][20, 25] == (30, 255, 200)).all()
    assert (seen["live"][20, 25] == (30, 0, 200)).all() and (seen["live"][2, 2] == 255).all()
    assert (square.knockout, square.channels) == ("shallow", (True, False, True))
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Layer Style"
    assert np.array_equal(screen(w), seen["live"])
    w.actions["undo"].trigger()
    assert (square.knockout, square.channels) == ("none", (True, True, True))
    assert np.array_equal(screen(w), plain)

    steps = doc.history.count

    def cancel(dialog, seen):
        dialog.findChild(QCheckBox, "ChannelR").setChecked(False)
        seen["live"] = screen(w)
        seen["cancel"] = True

    seen = in_modal_dialog(qtbot, w.actions["style_drop_shadow"].trigger, cancel,
                           "LayerStyleDialog")
    assert (seen["live"] != plain).any()
    assert square.channels == (True, True, True) and doc.history.count == steps
    assert np.array_equal(screen(w), plain)
