"""Layer effects on groups (issue 15): a group's Drop Shadow and Stroke are made from the
group's composite (its children composited on transparency, as Photoshop does; a Pass
Through group with effects blends as Normal), not from each child: against a numpy
reference of the definitions, in the merged image, in bands of rows and after Flatten;
the screen kept exact while a child moves and is painted; kept through our PSD and read
by psd-tools; and added in the Layer Style dialog with the group active, one undo step;
the group's Fill fading its composite but not its effects, and set from the Layers panel."""
from __future__ import annotations

import numpy as np
from psd_tools import PSDImage
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDoubleSpinBox

from editor.model import Document, Group, Layer
from editor.model.files import open_document, save_document
from editor.model.layer_effects import DropShadow, LayerEffects, Stroke
from editor.model.render import Renderer, composite_document
from ui_helpers import screen as window_screen
from engine.box import Box

from reference_compositing import blend_onto, premultiplied
from test_layer_effects import shadow_cover

W, H = 48, 40
SHADOW = DropShadow(color=(40, 0, 60), opacity=70.0, angle=135.0, distance=6.0, size=4.0,
                    blend_mode="multiply")
STROKE = Stroke(position="outside", size=3.0, color=(250, 200, 20), opacity=90.0)
BACKGROUND = (200, 180, 90, 255)


def scene(effects=None, opacity: int = 204) -> tuple[Document, Group]:
    """A background under a Pass Through group at 80 % holding two overlapping squares,
    the upper one in Multiply (inside the group it multiplies the lower square only)."""
    doc = Document(W, H)
    red = np.zeros((10, 12, 4), np.uint8)
    red[...] = (220, 40, 30, 255)
    blue = np.zeros((12, 12, 4), np.uint8)
    blue[...] = (60, 120, 230, 255)
    blue[8:, 8:, 3] = 140  # a translucent corner
    group = Group("Squares", [Layer("Red", red, 8, 8),
                              Layer("Blue", blue, 16, 14, blend_mode="multiply")],
                  opacity=opacity)
    group.effects = effects
    for node in (Layer("Background", np.full((H, W, 4), BACKGROUND, np.uint8)), group):
        node.parent = doc.root
        doc.root.children.append(node)
    return doc, group


def on_canvas(layer: Layer) -> np.ndarray:
    return layer.canvas_crop(Box(0, 0, W, H)) / 255.0


def grown(alpha: np.ndarray, r: float) -> np.ndarray:
    """The shape grown by r from its edge, as a stroke grows it (layer_effects' definition,
    written out in test_layer_effects)."""
    from test_layer_effects import stroke_grown

    return stroke_grown(alpha, r)


def solid(rgb, alpha: np.ndarray) -> np.ndarray:
    out = np.empty(alpha.shape + (4,))
    out[..., :3] = np.asarray(rgb, float) / 255
    out[..., 3] = alpha
    return out


def straight(pre: np.ndarray) -> np.ndarray:
    alpha = pre[..., 3:4]
    return np.concatenate([pre[..., :3] / np.maximum(alpha, 1e-9), alpha], -1)


def reference(group: Group, per_child: bool = False) -> np.ndarray:
    """The definition: the group's children composited on transparency (the Multiply square
    over the red one only); from that composite's alpha the shadow (grown 0, blurred as
    test_layer_effects.shadow_cover blurs, moved 4,4 away from the 135-degree light,
    multiplied) and the outside stroke under it; all at the group's opacity over the
    background. `per_child`: the effects drawn on each child instead (what a group's style
    must not be)."""
    red, blue = (on_canvas(c) for c in group.children)
    opacity = group.opacity / 255
    out = premultiplied(np.full((H, W, 4), BACKGROUND, np.uint8))
    units = [[(red, "normal"), (blue, "multiply")]] if not per_child else \
        [[(red, "normal")], [(blue, "normal")]]  # (per child: each drawn alone)
    for unit in units:
        pre = np.zeros((H, W, 4))
        for pixels, mode in unit:
            pre = blend_onto(pre, pixels, mode, 1.0)
        own = straight(pre)
        alpha = own[..., 3]
        cover = shadow_cover(alpha, SHADOW.size, SHADOW.spread)
        moved = np.zeros_like(cover)
        moved[4:, 4:] = cover[:-4, :-4]
        out = blend_onto(out, solid(SHADOW.color, moved * SHADOW.opacity / 100), "multiply",
                         opacity)
        styled = blend_onto(np.zeros((H, W, 4)),
                            solid(STROKE.color, grown(alpha, STROKE.size) * 0.9), "normal", 1.0)
        styled = blend_onto(styled, own, "normal", 1.0)
        out = blend_onto(out, straight(styled), "normal", opacity)
    return np.clip(np.rint(straight(out) * 255), 0, 255).astype(int)


def test_group_shadow_and_stroke_follow_the_composite_of_its_layers(tmp_path, monkeypatch):
    doc, group = scene(LayerEffects(drop_shadows=(SHADOW,), strokes=(STROKE,)))
    ours = composite_document(doc).astype(int)
    expected = reference(group)
    assert np.abs(ours - expected).max() <= 2
    # Inside the red square, 2 px left of the blue one: a stroke of the blue square alone
    # would cover it; the group's stroke goes round both, so it stays red.
    assert np.abs(ours[16, 14] - expected[16, 14]).max() <= 2
    assert np.abs(reference(group, per_child=True)[16, 14] - expected[16, 14]).max() > 40
    # The stroke and the shadow outside both squares, below and right of the blue one.
    assert np.abs(ours[27, 20] - expected[27, 20]).max() <= 2 and ours[27, 20, 2] < 120
    assert (ours[30:32, 30:32] < (200, 180, 90, 256)).all()  # the shadow darkens there
    # The Pass Through group is drawn as Normal: the blue square multiplies only the red
    # one, so where it lies over the background it shows its own blue.
    assert ours[23, 20, 2] > ours[23, 20, 0] + 60
    # The same pixels made in bands of rows (as the PSD's merged image is written), made
    # in bands of twice the style's reach, in the merged image of our file, after Flatten.
    effects = group.effects
    banded, _ = scene(effects)
    bands = np.concatenate([composite_document(banded, Box(0, y, W, min(7, H - y)))
                            for y in range(0, H, 7)])
    np.testing.assert_array_equal(bands, composite_document(doc))
    from editor.model import render_nodes

    monkeypatch.setattr(render_nodes, "STYLED_BAND_PIXELS", 1)
    np.testing.assert_array_equal(composite_document(scene(effects)[0]), bands)
    monkeypatch.undo()
    out = str(tmp_path / "group.psd")
    save_document(doc, out)
    merged = np.asarray(PSDImage.open(out).topil().convert("RGBA")).astype(int)
    assert np.abs(merged - composite_document(doc)).max() <= 1
    before = composite_document(doc)
    doc.flatten()
    np.testing.assert_array_equal(composite_document(doc), before)


def fresh(doc) -> np.ndarray:
    """What a new Renderer draws of a copy of `doc` (new nodes: nothing kept is shared)."""
    copy = Document(doc.width, doc.height)
    for node in doc.root.children:
        twin = node.copy()
        twin.parent = copy.root
        copy.root.children.append(twin)
    renderer = Renderer(copy)
    renderer.update()
    return renderer.composite.to_straight_rgba8()


def test_screen_follows_a_moved_and_painted_child_of_a_styled_group(monkeypatch):
    """The styled group's images are kept between redraws: a layer moved outside the group
    remakes none of them. The Renderer redraws only the rows a change touches: a child
    moved (a drag) and a child painted must redraw the group's stroke and shadow where
    they follow the change, beyond the child's own pixels, as a new Renderer draws a copy
    of the document."""
    from editor.model import render_nodes

    doc, group = scene(LayerEffects(drop_shadows=(SHADOW,), strokes=(STROKE,)), opacity=255)
    red, blue = group.children
    note = Layer("Note", np.full((4, 6, 4), 255, np.uint8), 40, 2)
    doc.add_layer(note)
    renderer = Renderer(doc)
    renderer.update()
    plain_group = renderer.composite.to_straight_rgba8()
    made = []
    images = render_nodes._styled_group_images
    monkeypatch.setattr(render_nodes, "_styled_group_images",
                        lambda g, band, precise: (made.append(band), images(g, band, precise))[1])
    doc.translate(note, -30, 30)
    renderer.update()
    assert made == [] and not np.array_equal(renderer.composite.to_straight_rgba8(),
                                             plain_group)
    np.testing.assert_array_equal(renderer.composite.to_straight_rgba8(), fresh(doc))
    doc.history.undo()
    renderer.update()
    np.testing.assert_array_equal(renderer.composite.to_straight_rgba8(), plain_group)
    renderer.set_focus(red)
    for step in range(3):  # a drag of the red square upwards
        doc.translate(red, 0, -2, merge_key="drag")
        renderer.update()
        np.testing.assert_array_equal(renderer.composite.to_straight_rgba8(), fresh(doc))
    renderer.set_focus(None)
    renderer.update()
    moved = renderer.composite.to_straight_rgba8()
    assert not np.array_equal(moved, plain_group)
    # The blue square's bottom rows erased: its stroke and shadow below move up with them,
    # rows outside the erased box.
    edit = doc.begin_pixel_edit(blue, "Eraser", cover=blue.bounds())
    edit.apply(doc, Box(0, 9, 12, 3), lambda view: view.__setitem__(Ellipsis, 0))
    doc.end_pixel_edit(edit)
    renderer.update()
    erased = renderer.composite.to_straight_rgba8()
    np.testing.assert_array_equal(erased, fresh(doc))
    assert not np.array_equal(erased[27:30], moved[27:30])  # (the old stroke there is gone)
    doc.history.undo()
    renderer.update()
    np.testing.assert_array_equal(renderer.composite.to_straight_rgba8(), moved)


def test_a_stroke_on_a_styled_layer_redraws_its_shadow_beyond_the_stroke():
    """The same rule for a styled layer: erasing its bottom rows moves its shadow up,
    rows below the erased box (they are redrawn too)."""
    doc, group = scene(opacity=255)
    red, blue = group.children
    blue.effects = LayerEffects(drop_shadows=(SHADOW,))
    renderer = Renderer(doc)
    renderer.update()
    edit = doc.begin_pixel_edit(blue, "Eraser", cover=blue.bounds())
    edit.apply(doc, Box(0, 8, 12, 4), lambda view: view.__setitem__(Ellipsis, 0))
    doc.end_pixel_edit(edit)
    renderer.update()
    np.testing.assert_array_equal(renderer.composite.to_straight_rgba8(), fresh(doc))


def test_group_effects_round_trip_through_our_psd_and_psd_tools(tmp_path):
    doc, group = scene(LayerEffects(drop_shadows=(SHADOW,), strokes=(STROKE,)))
    drawn = composite_document(doc)
    out = str(tmp_path / "styled-group.psd")
    save_document(doc, out)
    psd_group = next(n for n in PSDImage.open(out).descendants() if n.name == "Squares")
    assert psd_group.kind == "group" and psd_group.has_effects()
    shadow = next(psd_group.effects.find("DropShadow"))
    stroke = next(psd_group.effects.find("Stroke"))
    assert (shadow.distance, shadow.size, shadow.opacity, float(shadow.angle)) == \
        (6.0, 4.0, 70.0, 135.0)
    assert (stroke.size, stroke.opacity, stroke.position.name) == (3.0, 90.0, "OUTSIDE")
    assert all(not n.has_effects() for n in PSDImage.open(out).descendants()
               if n.name != "Squares")
    # The file's merged image shows the group's stroke (yellow, right of the blue square).
    merged = np.asarray(PSDImage.open(out).topil().convert("RGBA")).astype(int)
    assert merged[18, 29, 0] > 200 and merged[18, 29, 2] < 120
    again = open_document(out)
    regrouped = next(n for n in again.root.walk() if n.name == "Squares")
    assert regrouped.effects == group.effects
    assert not any("effects" in w for w in again.warnings)
    np.testing.assert_array_equal(composite_document(again), drawn)
    save_document(again, str(tmp_path / "again.psd"))  # and saved again: still there
    assert next(n for n in PSDImage.open(str(tmp_path / "again.psd")).descendants()
                if n.name == "Squares").has_effects()


def opened_scene(qtbot, tmp_path, monkeypatch):
    """The window with `scene()` saved and opened through File > Open, its group active:
    (window, document, group)."""
    from ui_helpers import make_window, open_file

    doc, _ = scene(opacity=255)
    path = str(tmp_path / "group.psd")
    save_document(doc, path)
    w = make_window(qtbot, tmp_path, monkeypatch)
    open_file(w, qtbot, monkeypatch, path)
    group = next(n for n in w.doc.root.walk() if isinstance(n, Group))
    w.doc.set_active(group)
    return w, w.doc, group


def test_stroke_added_to_a_group_in_the_layer_style_dialog_and_undone(qtbot, tmp_path,
                                                                      monkeypatch):
    from ui_helpers import in_modal_dialog

    w, doc, group = opened_scene(qtbot, tmp_path, monkeypatch)

    def screen() -> np.ndarray:
        return window_screen(w)

    plain = screen()
    steps = doc.history.count
    w.menus["layer_style"].aboutToShow.emit()
    assert w.actions["style_stroke"].isEnabled()

    def drive(dialog, seen):
        assert dialog.kinds.currentItem().text() == "Stroke"
        assert dialog.kinds.currentItem().checkState() == Qt.CheckState.Checked
        dialog.findChild(QDoubleSpinBox, "StrokesSize").setValue(4)
        seen["live"] = screen()
        assert doc.history.count == steps

    seen = in_modal_dialog(qtbot, w.actions["style_stroke"].trigger, drive, "LayerStyleDialog")
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Layer Style"
    assert group.effects.strokes[0].size == 4.0 and group.effects.strokes[0].enabled
    stroked = screen()
    assert np.array_equal(stroked, seen["live"])
    # Black, 4 px round the two squares together (left of the red one, below the blue
    # one), none between them: the red square 2 px left of the blue one stays as it was.
    assert (stroked[10:16, 5:8] < 40).all() and (stroked[26:29, 18:26] < 40).all()
    assert (plain[10:16, 5:8] == BACKGROUND[:3]).all()
    assert np.array_equal(stroked[15:18, 13:16], plain[15:18, 13:16])
    panel = w.layers_panel.list
    panel.rebuild()
    assert not panel.fx_rect(group).isEmpty()
    w.actions["undo"].trigger()
    assert group.effects is None and np.array_equal(screen(), plain)
    assert panel.fx_rect(group).isEmpty()
    w.actions["redo"].trigger()
    assert np.array_equal(screen(), stroked)

    def cancel(dialog, seen):  # the group's fx mark opens its style again
        assert dialog.kinds.currentItem().text() == "Stroke"
        assert dialog.findChild(QDoubleSpinBox, "StrokesSize").value() == 4
        seen["cancel"] = True

    panel.rebuild()
    in_modal_dialog(qtbot, lambda: qtbot.mouseDClick(panel, Qt.MouseButton.LeftButton,
                                                     Qt.KeyboardModifier.NoModifier,
                                                     panel.fx_rect(group).center()),
                    cancel, "LayerStyleDialog")
    assert doc.history.count == steps + 1 and np.array_equal(screen(), stroked)


def test_a_group_glows_and_strokes_in_their_own_modes_as_one_layer_of_its_composite():
    """Every image of the style is kept and drawn (glows under the group, a Multiply stroke
    in its own mode): the group draws as one pixel layer holding its composite, with the
    same style, does."""
    from editor.model.layer_effects import OuterGlow
    from editor.model.render import Renderer, composite_nodes

    effects = LayerEffects(outer_glows=(OuterGlow(color=(250, 240, 60), size=4),),
                           strokes=(Stroke(size=2, color=(0, 90, 200), blend_mode="multiply"),
                                    Stroke(position="inside", size=1, color=(255, 0, 0),
                                           blend_mode="screen")))
    doc, group = scene(effects, opacity=255)
    merged = composite_nodes(group.children, Box(0, 0, W, H))
    twin_doc, _ = scene(None, opacity=255)
    flat = Layer("Flat", merged)
    flat.effects = effects
    twin_doc.root.children[1] = flat
    flat.parent = twin_doc.root
    expected = composite_document(twin_doc).astype(int)
    assert np.abs(composite_document(doc).astype(int) - expected).max() <= 2
    renderer = Renderer(doc)  # the screen's kept rows, one buffer per image
    renderer.update()
    shown = renderer.composite.to_straight_rgba8().astype(int)
    renderer.close()
    assert np.abs(shown - expected).max() <= 2


def test_fill_fades_a_styled_groups_composite_not_its_effects():
    """A styled group at Fill 40 % (opacity 100 %): inside the red square, where the shadow
    lies under it, the background shows through 60 % of the red (the shadow knocked out by
    the group's shape, as under a styled layer); outside the squares the stroke and the
    shadow are exactly those at Fill 100 %. The screen's kept images follow a Fill change."""
    doc, group = scene(LayerEffects(drop_shadows=(SHADOW,), strokes=(STROKE,)), opacity=255)
    full = composite_document(doc).astype(int)
    renderer = Renderer(doc)
    renderer.update()
    doc.set_fill_opacity(group, 102)  # 40 %
    renderer.update()
    ours = composite_document(doc).astype(int)
    np.testing.assert_array_equal(renderer.composite.to_straight_rgba8(),
                                  composite_document(doc, precise=False))
    red = np.array([220, 40, 30])
    expected = np.rint(np.array(BACKGROUND[:3]) * 0.6 + red * 0.4)
    # Red only (the blue square starts at 16, 14), 4 px inside: under the moved shadow.
    for y, x in ((13, 13), (16, 12), (12, 15)):
        assert np.abs(ours[y, x, :3] - expected).max() <= 1, (y, x, ours[y, x])
        assert np.abs(full[y, x, :3] - red).max() <= 1
    outside = np.ones((H, W), bool)
    outside[8:18, 8:20] = False  # the red square
    outside[14:26, 16:28] = False  # the blue one
    np.testing.assert_array_equal(ours[outside], full[outside])
    assert (ours[~outside] != full[~outside]).any()


def test_the_fill_slider_fades_a_group_in_one_undo_step(qtbot, tmp_path, monkeypatch):
    """The Layers panel's Fill slider with a group active: dragged, it sets the group's
    Fill (one undo step, "Fill Opacity"), the canvas shows the group faded, and Undo
    brings back the group at 100 % and the slider with it."""
    from PySide6.QtCore import QPoint

    from ui_helpers import drag

    w, doc, group = opened_scene(qtbot, tmp_path, monkeypatch)

    def screen() -> np.ndarray:
        return window_screen(w)

    plain = screen()
    panel = w.layers_panel
    assert panel.fill.isEnabled() and panel.fill_spin.value() == 100
    steps = doc.history.count
    slider = panel.fill
    y = slider.height() // 2
    drag(qtbot, slider, [QPoint(slider.width() - 6, y), QPoint(slider.width() // 2, y),
                         QPoint(slider.width() // 3, y)])
    assert 0 < group.fill_opacity < 150
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Fill Opacity"
    faded = screen()
    fill = group.fill_opacity / 255
    expected = np.array(BACKGROUND[:3]) * (1 - fill) + np.array([220, 40, 30]) * fill
    assert np.abs(faded[10, 10] - expected).max() <= 2  # the red square, faded
    assert np.array_equal(faded[2:6, 30:40], plain[2:6, 30:40])  # the background alone
    w.actions["undo"].trigger()
    assert group.fill_opacity == 255 and panel.fill_spin.value() == 100
    assert np.array_equal(screen(), plain)
