"""Photoshop's Advanced Blending: Knockout (None / Shallow / Deep) and the colour channels a
layer's blending may change (render_nodes.py `_draw_knockout`, `_restricted`).

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


def dragged_and_settled(doc, layer) -> Renderer:
    """A Renderer after four moves of `layer` (each within 2 levels of a fresh render) and
    the drag's settling (equal to a fresh render)."""
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
    return renderer


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
    renderer = dragged_and_settled(doc, layer)
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


# Knockout on groups, clipping bases and clipped layers (issue 15). No Photoshop file in
# psd-tools' corpus has a group or a clipped layer with Knockout (all 273 scanned: only the
# layers of knockout-isolated-groups.psd), so these check the formula above, which psd-tools'
# `_apply_source` applies to a group's composite as to a layer, on every path.

def group_scene(kind: str, knockout: str) -> Document:
    """`scene`'s stack with the knockout moved off the green layer onto what holds it:
    "isolated", an isolated Multiply group at opacity 230 holding the green layer (Normal,
    opaque); "pass_through", a Pass Through group holding it (Multiply at opacity 230), which
    keeps its mode against the backdrop it knocks down to (at Fill 100 %); "base", the green layer as a
    clipping base (Multiply at 230) with an opaque yellow layer clipped to it, so the clipping
    group knocks out in the green layer's shape. The same numbers as `scene` either way."""
    doc = scene("none")
    outer = doc.root.children[1]
    green = outer.children[1]
    if kind == "base":
        green.knockout = knockout
        yellow = Layer("Y", solid((230, 210, 20), 255, W, H))
        yellow.clipping = True
        yellow.parent = outer
        outer.children.append(yellow)
        return doc
    if kind == "isolated":
        green.blend_mode, green.opacity, green.fill_opacity = "normal", 255, 255
        inner = Group("K", [green], blend_mode="multiply", opacity=230)
    else:
        green.fill_opacity = 255  # (its Fill would fade its share of the group's shape)
        inner = Group("K", [green], blend_mode="pass_through")
    inner.knockout = knockout
    green.parent = inner
    inner.parent = outer
    outer.children[1] = inner
    return doc


@pytest.mark.parametrize("knockout", ["shallow", "deep"])
@pytest.mark.parametrize("kind", ["isolated", "pass_through", "base"])
def test_group_and_clipping_base_knockout_match_the_formula(qapp, kind, knockout):
    """A group's composite (or a clipping group, in its base's shape S) knocks out as a layer
    does: over(composite, K) + (1 - S) * (current - K), K the bottom of the enclosing group
    (the red layer) or, Deep, of the document (transparency); outside it, blue over red."""
    red = premultiplied(np.array([200, 30, 30, 200], np.uint8))
    blue = premultiplied(np.array([20, 40, 220, 255], np.uint8))
    color = np.array([230, 210, 20] if kind == "base" else [40, 200, 60]) / 255
    shape = 180 / 255 * 230 / 255
    under = red if knockout == "shallow" else np.zeros(4)
    expected = over(color, shape, under, "multiply") + (1 - shape) * (blue - under)
    for label, ours in every_path(group_scene(kind, knockout)).items():
        inside = premultiplied(ours[5:25, 10:30]) * 255
        assert np.abs(inside - expected * 255).max() <= 2, (label, inside[0, 0], expected * 255)
        assert np.abs(premultiplied(ours[2, 7]) - blue).max() * 255 <= 1, label


def test_group_knockout_at_zero_fill_shows_the_backdrop(qapp):
    """An isolated group at 0 % Fill punches its layers' shape down to what lies below its
    enclosing group (its Fill fades its composite, not its hole)."""
    doc = group_scene("isolated", "shallow")
    group = doc.root.children[1].children[1]
    group.fill_opacity, group.opacity, group.children[0].pixels[..., 3] = 0, 255, 255
    red = np.array([200, 30, 30, 200])
    for label, ours in every_path(doc).items():
        assert np.abs(ours[5:25, 10:30].astype(int) - red).max() <= 1, label


def clip_scene(knockout: str) -> Document:
    """The translucent red layer under an opaque yellow base (15 px wide) with, clipped to
    it, an opaque blue layer and the green Multiply layer at 230 knocking out."""
    doc = scene(knockout)
    outer = doc.root.children[1]
    blue, green = outer.children
    base = Layer("P", solid((230, 210, 20), 255, 15, H), 5, 0)
    green.fill_opacity = 255
    for node in (blue, green):
        node.clipping = True
    base.parent = outer
    outer.children.insert(0, base)
    return doc


@pytest.mark.parametrize("knockout", ["none", "shallow", "deep"])
def test_clipped_knockout_knocks_down_to_the_base(qapp, knockout):
    """A clipped layer with Knockout (Shallow or Deep alike) blends onto its clipping group's
    base instead of the clipped layers below it (psd-tools' clip compositor, seeded with the
    base); outside the base it draws nothing, and the result keeps the base's alpha."""
    base = premultiplied(np.array([230, 210, 20, 255], np.uint8))
    blue = premultiplied(np.array([20, 40, 220, 255], np.uint8))
    green = np.array([40, 200, 60]) / 255
    shape = 180 / 255 * 230 / 255
    if knockout == "none":
        expected = over(green, shape, blue, "multiply")
    else:
        expected = over(green, shape, base, "multiply") + (1 - shape) * (blue - base)
    for label, ours in every_path(clip_scene(knockout)).items():
        inside = premultiplied(ours[5:25, 10:20]) * 255
        assert np.abs(inside - expected * 255).max() <= 2, (label, inside[0, 0], expected * 255)
        beside = ours[5:25, 20:30].astype(int) - (200, 30, 30, 200)  # beside the base
        assert np.abs(beside).max() <= 1, label
    if knockout != "none":
        assert abs(expected[2] - blue[2]) * 255 > 50


@pytest.mark.parametrize("dragged", ["B", "A", "C"])
@pytest.mark.parametrize("kind", ["isolated", "pass_through", "clipped"])
def test_drag_near_group_and_clipped_knockouts_settles_exactly(qapp, kind, dragged):
    """Dragging the layer under a knockout group or clipped knockout layer, the one below
    their group, or the layer inside the knockout group (the clipped knockout layer itself):
    the screen ends as a fresh render, and the file path agrees with it."""
    doc = clip_scene("deep") if kind == "clipped" else group_scene(kind, "deep")
    layer = next(n for n in doc.root.walk() if n.name == dragged)
    renderer = dragged_and_settled(doc, layer)
    screen = renderer.composite.to_straight_rgba8()
    renderer.close()
    assert np.abs(screen.astype(int) - composite_document(doc, precise=False)).max() <= 1


def test_group_knockout_written_and_matches_psd_tools(tmp_path, qapp):
    """Isolated knockout groups: written as the group's 'knko' (psd-tools reads it), read
    back, and a Shallow one composited as psd-tools composites the file (at opacity 255:
    psd-tools leaves opacity out of a knockout's shape, Photoshop and we do not; and its Deep
    stops at a Background layer, or without one at the group's backdrop, not transparency)."""
    for knockout in ("deep", "shallow"):
        doc = group_scene("isolated", knockout)
        group = doc.root.children[1].children[1]
        group.opacity = 255
        path = str(tmp_path / f"{knockout}.psd")
        save_document(doc, path)
        psd = PSDImage.open(path)
        written = next(n for n in psd.descendants() if n.name == "K")
        assert written.tagged_blocks.get_data(Tag.KNOCKOUT_SETTING) == {"shallow": 1,
                                                                         "deep": 2}[knockout]
        again = open_document(path)
        assert next(n for n in again.root.walk() if n.name == "K").knockout == knockout
        ours = composite_document(again)
        np.testing.assert_array_equal(ours, composite_document(doc))
    theirs = np.asarray(psd.composite(force=True).convert("RGBA"))
    assert np.abs(premultiplied(ours) - premultiplied(theirs)).max() * 255 <= 2
    plain = group_scene("isolated", "none")
    plain.root.children[1].children[1].opacity = 255
    assert np.abs(premultiplied(composite_document(plain)) - premultiplied(theirs)).max() * 255 > 20


def test_group_knockout_from_the_layer_style_dialog(qtbot, tmp_path, monkeypatch):
    """A Multiply group made active in a PSD and given Knockout Shallow in Layer Style: its
    blue square punches through the red layer below it in its Pass Through group and
    multiplies the white Background instead, live; one undo step, undone back."""
    from test_ui_layer_style import open_psd, screen

    doc = Document(W, H)
    square = Layer("S", solid((30, 60, 200), 255, 16, 16), 12, 7)
    inner = Group("K", [square], blend_mode="multiply")
    square.parent = inner
    red = Layer("R", solid((220, 20, 20), 255, W, H))
    outer = Group("G", [red, inner], blend_mode="pass_through")
    red.parent = inner.parent = outer
    for node in (Layer("Background", solid((255, 255, 255), 255, W, H)), outer):
        node.parent = doc.root
        doc.root.children.append(node)
    path = str(tmp_path / "group.psd")
    save_document(doc, path)

    w = make_window(qtbot, tmp_path, monkeypatch)
    open_psd(w, qtbot, monkeypatch, path)
    group = next(n for n in w.doc.root.walk() if n.name == "K")
    w.doc.set_active(group)
    plain = screen(w)
    steps = w.doc.history.count
    w.menus["layer_style"].aboutToShow.emit()

    def drive(dialog, seen):
        dialog.enable("drop_shadows", False)
        dialog.findChild(QComboBox, "Knockout").setCurrentIndex(1)
        seen["live"] = screen(w)

    seen = in_modal_dialog(qtbot, w.actions["style_drop_shadow"].trigger, drive,
                           "LayerStyleDialog")
    on_red = np.array([30, 60, 200]) * np.array([220, 20, 20]) / 255
    assert np.abs(plain[15, 20] - on_red).max() <= 1
    assert (seen["live"][15, 20] == (30, 60, 200)).all()
    assert (seen["live"][2, 2] == (220, 20, 20)).all()  # outside the group's shape: red
    assert group.knockout == "shallow" and w.doc.history.count == steps + 1
    assert np.array_equal(screen(w), seen["live"])
    w.actions["undo"].trigger()
    assert group.knockout == "none" and np.array_equal(screen(w), plain)
