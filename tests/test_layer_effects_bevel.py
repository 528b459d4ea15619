"""Bevel & Emboss (layer_effects.py, technique Smooth): lit as its definition says on a
square (an Inner Bevel lighter on the side facing the light, darker on the far side, the
flat middle and the outside untouched; Down reverses it; Outer Bevel outside only, Emboss
both sides, Pillow Emboss the outside sunk), against Photoshop's own merged image of
psd-tools' layer_effects.psd (its "Bevel" and "Emboss" layers), read from and written
into the file's 'lfx2' (psd-tools reads the edited and new values back, every other effect
as it was; a Chisel one kept, not drawn, named in the warnings), no longer named among the
effects not drawn; the Layer Style dialog's page
in the window (live, OK one undo step, Cancel restoring)."""
from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pytest
from psd_tools import PSDImage
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QPushButton

from editor.model import Document, Layer
from editor.model.files import open_document, save_document
from editor.model.layer_effects import BevelEmboss, LayerEffects, with_first
from editor.model.render import composite_document

from test_layer_effects import EFFECTS_FILE, effects_of


def square_scene(effects) -> tuple[Document, Layer]:
    """A grey background under a 40 x 40 mid-grey square at (20, 20)."""
    doc = Document(80, 80)
    background = np.zeros((80, 80, 4), np.uint8)
    background[...] = (90, 120, 150, 255)
    square = Layer("Square", np.full((40, 40, 4), (128, 128, 128, 255), np.uint8), 20, 20)
    square.effects = effects
    for node in (Layer("Background", background), square):
        node.parent = doc.root
        doc.root.children.append(node)
    return doc, square


def test_an_up_bevel_lit_from_above_lightens_the_top_and_darkens_the_bottom():
    plain = composite_document(square_scene(None)[0]).astype(int)
    bevel = BevelEmboss(size=6.0, angle=90.0, altitude=30.0, use_global_light=False)
    up = composite_document(square_scene(LayerEffects(bevels=(bevel,)))[0]).astype(int)
    inside = np.s_[20:60, 20:60]
    # Lit side (top rows of the square) lighter, far side (bottom rows) darker.
    assert (up[21:24, 30:50, :3] > plain[21:24, 30:50, :3] + 15).all()
    assert (up[56:59, 30:50, :3] < plain[56:59, 30:50, :3] - 15).all()
    # Sides at right angles to the light: alike (a slope turned sideways gets a little less
    # light than flat ground, as in Photoshop's bevel), far less than the far side.
    assert np.array_equal(up[38:42, 20:23], up[38:42, 57:60][:, ::-1])
    assert (plain[38:42, 20:23, :3] - up[38:42, 20:23, :3]).max() < \
        (plain[56:59, 30:50, :3] - up[56:59, 30:50, :3]).min()
    # The flat middle (beyond the blur's reach) and everything outside the square untouched.
    assert np.array_equal(up[35:45, 35:45], plain[35:45, 35:45])
    outside = np.ones((80, 80), bool)
    outside[inside] = False
    assert np.array_equal(up[outside], plain[outside])
    # Direction Down: a sunk square, its top in shadow and its bottom lit.
    down = composite_document(square_scene(LayerEffects(bevels=(
        BevelEmboss(size=6.0, angle=90.0, direction="down", use_global_light=False),)))[0])
    down = down.astype(int)
    assert (down[21:24, 30:50, :3] < plain[21:24, 30:50, :3] - 15).all()
    assert (down[56:59, 30:50, :3] > plain[56:59, 30:50, :3] + 15).all()
    # Light from the left (angle 180): the left side lit, the right in shadow.
    side = composite_document(square_scene(LayerEffects(bevels=(
        BevelEmboss(size=6.0, angle=180.0, use_global_light=False),)))[0]).astype(int)
    assert (side[30:50, 21:24, :3] > plain[30:50, 21:24, :3] + 15).all()
    assert (side[30:50, 56:59, :3] < plain[30:50, 56:59, :3] - 15).all()


@pytest.mark.parametrize("style", ["outer_bevel", "emboss", "pillow_emboss"])
def test_outer_bevel_and_embosses_light_outside_the_shape(style):
    plain = composite_document(square_scene(None)[0]).astype(int)
    bevel = BevelEmboss(style=style, size=8.0, angle=90.0, use_global_light=False)
    shown = composite_document(square_scene(LayerEffects(bevels=(bevel,)))[0]).astype(int)
    above, below = np.s_[17:20, 30:50, :3], np.s_[60:63, 30:50, :3]  # just outside
    top, bottom = np.s_[20:23, 30:50, :3], np.s_[57:60, 30:50, :3]  # just inside
    if style == "pillow_emboss":  # the outside sunk: its slope above the square faces away
        assert (shown[above] < plain[above] - 5).all() and (shown[below] > plain[below] + 5).all()
    else:  # raised towards the shape: the slope above it faces the light
        assert (shown[above] > plain[above] + 5).all() and (shown[below] < plain[below] - 5).all()
    if style == "outer_bevel":  # nothing inside
        assert np.array_equal(shown[20:60, 20:60], plain[20:60, 20:60])
    else:
        assert (shown[top] > plain[top] + 5).all() and (shown[bottom] < plain[bottom] - 5).all()
    # Its outside part blends onto what lies below in its own modes: the layer is not one
    # to flatten onto transparency first (render_focus.py's `_blends_normally`: own_modes).
    assert LayerEffects(bevels=(bevel,)).own_modes() == {"screen", "multiply"}
    assert LayerEffects(bevels=(replace(bevel, style="inner_bevel"),)).own_modes() == set()
    # Far from the edges (beyond the blur's reach) nothing.
    assert np.array_equal(shown[35:45, 35:45], plain[35:45, 35:45])
    assert np.array_equal(shown[:3], plain[:3])


# Photoshop's pixels of layer_effects.psd (Smooth, size 41, depth 100 %, global light 90
# degrees at 30): (layer, the box grown by, mean and max error allowed, levels, RGB).
# Measured: Bevel (Inner Bevel) over its box 1.28 / 15, Emboss over its box 3.05 / 26 and
# grown by 25 px 2.28 / 26 (before, not drawn: 14.25 / 95, 33.29 / 101, 22.33 / 101).
PHOTOSHOP_BEVELS = (("Bevel", 0, 1.6, 18), ("Emboss", 0, 3.5, 30), ("Emboss", 25, 2.7, 30))


def test_bevel_and_emboss_against_photoshops_merged_image():
    doc = open_document(EFFECTS_FILE)
    ps = np.asarray(PSDImage.open(EFFECTS_FILE).topil().convert("RGBA")).astype(float)
    ours = composite_document(doc).astype(float)
    for name, grow, mean, most in PHOTOSHOP_BEVELS:
        layer = next(n for n in doc.root.walk() if n.name == name)
        box = layer.bounds().expand(grow).intersect(doc.canvas)
        error = np.abs(ours[box.slices()][..., :3] - ps[box.slices()][..., :3])
        assert error.mean() < mean and error.max() <= most, (name, error.mean(), error.max())


def test_photoshop_bevel_read_edited_and_written(tmp_path):
    doc = open_document(EFFECTS_FILE)
    nodes = {n.name: n for n in doc.root.walk()}
    assert nodes["Bevel"].effects.bevels == (BevelEmboss(
        True, "inner_bevel", "smooth", 100.0, "up", 41.0, 0.0, 90.0, 30.0, True, "screen",
        (255, 255, 255), 50.0, "multiply", (0, 0, 0), 50.0),)
    assert nodes["Emboss"].effects.bevels[0].style == "emboss"
    assert nodes["Bevel"].effects.others == nodes["Emboss"].effects.others == ()
    # Drawn now: neither named in the warnings of what is not drawn.
    assert not [w for w in doc.warnings if re.search(r"'(Bevel|Emboss)'.*not draw", w)]

    bevel = BevelEmboss(True, "inner_bevel", "smooth", 250.0, "down", 12.0, 3.0, 45.0, 60.0,
                        False, "linear_dodge", (255, 240, 200), 80.0, "color_burn",
                        (20, 0, 60), 40.0)
    doc.set_effects(nodes["Bevel"], with_first(nodes["Bevel"].effects, "bevels", bevel))
    out = str(tmp_path / "edited.psd")
    save_document(doc, out)
    before = {n: k for n, _, k in effects_of(EFFECTS_FILE)}
    after = {n: k for n, _, k in effects_of(out)}
    assert {n: k for n, k in after.items() if n != "Bevel"} == \
        {n: k for n, k in before.items() if n != "Bevel"}
    written = next(iter({n.name: n for n in PSDImage.open(out).descendants()}["Bevel"].effects))
    assert type(written).__name__ == "BevelEmboss"
    assert (written.depth, written.size, written.soften, written.angle, written.altitude,
            written.use_global_light) == (250.0, 12.0, 3.0, 45.0, 60.0, False)
    assert (written.direction.name, written.bevel_style.name, written.bevel_type.name) == \
        ("STAMP_OUT", "INNER_BEVEL", "SOFT_MATTE")
    assert (written.highlight_mode.name, written.highlight_opacity, written.shadow_mode.name,
            written.shadow_opacity) == ("LINEAR_DODGE", 80.0, "COLOR_BURN", 40.0)
    assert written.contour[b"Nm  "].value.startswith("線形")  # the file's gloss contour kept
    again = {n.name: n for n in open_document(out).root.walk()}
    assert again["Bevel"].effects.bevels == (bevel,)


def test_a_new_bevel_is_written_as_photoshop_writes_it(tmp_path):
    doc, square = square_scene(None)
    effects = LayerEffects(bevels=(BevelEmboss(size=7.0, soften=2.0, depth=150.0,
                                               use_global_light=False),))
    doc.set_effects(square, effects)
    out = str(tmp_path / "new.psd")
    save_document(doc, out)
    layer = next(n for n in PSDImage.open(out).descendants() if n.name == "Square")
    written = next(layer.effects.find("BevelEmboss"))
    assert list(written.descriptor.keys()) == [
        b"enab", b"present", b"showInDialog", b"hglM", b"hglC", b"hglO", b"sdwM", b"sdwC",
        b"sdwO", b"bvlT", b"bvlS", b"uglg", b"lagl", b"Lald", b"srgR", b"blur", b"bvlD",
        b"TrnS", b"antialiasGloss", b"Sftn", b"useShape", b"useTexture"]
    assert (written.size, written.soften, written.depth, written.angle) == (7.0, 2.0, 150.0,
                                                                             120.0)
    again = open_document(out)
    styled = next(n for n in again.root.walk() if n.name == "Square")
    assert styled.effects == effects
    assert np.array_equal(composite_document(again), composite_document(doc))


def test_bevel_from_the_dialog(qtbot, tmp_path, monkeypatch):
    """Layer > Layer Style > Bevel & Emboss… on a blue square over white: the bevel drawn
    inside the square while the dialog is open, OK one step, undo back; then its settings
    changed and cancelled: live, then the style as it was."""
    from test_ui_layer_style import in_dialog, screen, square_window

    w, square, plain, steps = square_window(qtbot, tmp_path, monkeypatch, (255, 255, 0))
    doc = w.doc

    def bevel(dialog, seen):
        assert dialog.kinds.currentItem().text() == "Bevel & Emboss"
        assert dialog.kinds.currentItem().checkState() == Qt.CheckState.Checked
        assert dialog.findChild(QComboBox, "BevelsHighlightMode").currentText() == "Screen"
        assert dialog.findChild(QComboBox, "BevelsShadowMode").currentText() == "Multiply"
        dialog.findChild(QDoubleSpinBox, "BevelsSize").setValue(4)
        dialog.findChild(QDoubleSpinBox, "BevelsAngle").setValue(90)
        seen["live"] = screen(w)
        assert doc.history.count == steps

    seen = in_dialog(qtbot, w.actions["style_bevel"].trigger, bevel)
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Layer Style"
    made = square.effects.bevels[0]
    assert (made.enabled, made.size, made.angle, made.style) == (True, 4.0, 90.0,
                                                                   "inner_bevel")
    shown = screen(w)
    assert np.array_equal(shown, seen["live"])
    # The square's top rows lit, its bottom rows shaded, the white around it as it was.
    assert (shown[14:16, 24:32].sum(-1) > plain[14:16, 24:32].sum(-1) + 30).all()
    assert (shown[28:30, 24:32].sum(-1) < plain[28:30, 24:32].sum(-1) - 30).all()
    assert np.array_equal(shown[:, :20], plain[:, :20])
    w.actions["undo"].trigger()
    assert square.effects is None and np.array_equal(screen(w), plain)
    w.actions["redo"].trigger()
    bevelled = screen(w)

    def change(dialog, seen):
        dialog.select("bevels")
        direction = dialog.findChild(QComboBox, "BevelsDirection")
        direction.setCurrentIndex(direction.findText("Down"))
        qtbot.mouseClick(dialog.findChild(QPushButton, "BevelsHighlightColor"),
                         Qt.MouseButton.LeftButton)
        seen["down"] = screen(w)
        style = dialog.findChild(QComboBox, "BevelsStyle")
        assert style.currentText() == "Inner Bevel"
        style.setCurrentIndex(style.findText("Emboss"))
        seen["emboss"] = screen(w)
        seen["cancel"] = True

    seen = in_dialog(qtbot, w.actions["style_bevel"].trigger, change)
    # Down: the top now in shadow, the bottom lit (yellow: more red and green than blue).
    assert (seen["down"][14:16, 24:32].sum(-1) < plain[14:16, 24:32].sum(-1) - 30).all()
    lit = seen["down"][28:30, 24:32] - plain[28:30, 24:32]
    assert (lit[..., 1] > lit[..., 2] + 10).all()
    # Emboss: drawn outside the square too (above it, in the white: shaded, the slope
    # sunk there now that the direction is Down).
    assert (seen["emboss"][11:14, 24:32].sum(-1) < plain[11:14, 24:32].sum(-1) - 15).all()
    assert np.array_equal(seen["down"][11:14], plain[11:14])
    assert doc.history.count == steps + 1
    assert square.effects.bevels == (made,)
    assert np.array_equal(screen(w), bevelled)


def test_an_embossed_group_draws_as_a_layer_of_its_composite():
    """An Emboss's parts outside the shape are images of their own (kept per group by the
    Renderer, `image_modes`): a group with the style draws as one pixel layer holding its
    composite, with the same style, does, on screen and in the composite."""
    from editor.model.render import Renderer, composite_nodes
    from engine.box import Box
    from test_group_effects import H as GH, W as GW, scene as group_scene

    effects = LayerEffects(bevels=(BevelEmboss(style="emboss", size=6.0, angle=60.0,
                                               use_global_light=False),))
    doc, group = group_scene(effects, opacity=255)
    merged = composite_nodes(group.children, Box(0, 0, GW, GH))
    twin_doc, _ = group_scene(None, opacity=255)
    flat = Layer("Flat", merged)
    flat.effects = effects
    twin_doc.root.children[1] = flat
    flat.parent = twin_doc.root
    expected = composite_document(twin_doc).astype(int)
    plain = composite_document(group_scene(None, opacity=255)[0]).astype(int)
    assert np.abs(expected - plain).max() > 20  # the emboss shows
    assert np.abs(composite_document(doc).astype(int) - expected).max() <= 2
    renderer = Renderer(doc)
    renderer.update()
    shown = renderer.composite.to_straight_rgba8().astype(int)
    renderer.close()
    assert np.abs(shown - expected).max() <= 2


def test_a_bevel_of_an_unknown_technique_is_kept_not_drawn(tmp_path):
    """The same file, its Bevel layer's technique a code Photoshop does not write (psd-tools;
    Chisel Hard and Soft are drawn: test_layer_effects_stroke_fill.py): not read as ours,
    named in the warning, the layer drawn without it, saved back as it was."""
    from psd_tools.psd.descriptor import Enumerated

    psd = PSDImage.open(EFFECTS_FILE)
    layer = next(n for n in psd.descendants() if n.name == "Bevel")
    next(layer.effects.find("BevelEmboss")).descriptor[b"bvlT"] = Enumerated(b"bvlT", b"Xxxx")
    path = str(tmp_path / "chisel.psd")
    psd.save(path)
    doc = open_document(path)
    node = next(n for n in doc.root.walk() if n.name == "Bevel")
    assert node.effects.bevels == () and node.effects.others == ("Bevel & Emboss",)
    assert any("'Bevel' (Bevel & Emboss)" in w and "not draw" in w for w in doc.warnings)
    plain = open_document(EFFECTS_FILE)
    bevelled = next(n for n in plain.root.walk() if n.name == "Bevel")
    bevelled.effects = replace(bevelled.effects, bevels=())
    assert np.array_equal(composite_document(doc), composite_document(plain))
    out = str(tmp_path / "out.psd")
    save_document(doc, out)
    kept = next(next(n for n in PSDImage.open(out).descendants()
                     if n.name == "Bevel").effects.find("BevelEmboss"))
    assert kept.descriptor[b"bvlT"].enum == b"Xxxx" and kept.size == 41.0
