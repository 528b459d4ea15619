"""The Styles panel in the real window: a default style clicked onto two layers chosen in
the Layers panel (their effects replaced, one undo step), New Style from a layer with a
drop shadow (and its blending) applied to another, rename, persistence in a new window,
delete, and a damaged styles.json kept aside."""
from __future__ import annotations

import json

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QCheckBox, QLineEdit

from editor.model import style_presets
from editor.model.layer_effects import DropShadow, LayerEffects
from editor.ui import styles_panel as stp
from editor.ui.layers_panel import ROW_H
from ui_helpers import in_modal_dialog, make_window, panel_item, pasted_window, screen

LEFT = Qt.MouseButton.LeftButton
CTRL = Qt.KeyboardModifier.ControlModifier


def shown(w, qtbot):
    """The Styles tab, shown by Window > Styles."""
    dock = w.docks["styles"]
    assert dock.isHidden()  # not in the default layout
    item = panel_item(w, "Styles")
    item.trigger()
    assert item.isChecked() and dock in w.tabifiedDockWidgets(w.docks["color"])
    qtbot.waitUntil(lambda: not dock.visibleRegion().isEmpty() and w.styles_panel.grid.width() > 60)
    return w.styles_panel


def scene(qtbot, tmp_path, monkeypatch):
    """A 60x40 white picture with three grey squares on layers A, B, C above it."""
    w = pasted_window(qtbot, tmp_path, monkeypatch, np.full((40, 60, 4), 255, np.uint8), 1.0)
    square = np.zeros((12, 12, 4), np.uint8)
    square[...] = (120, 120, 120, 255)
    layers = [w.doc.add_image(square, name, 6 + 18 * i, 14) for i, name in enumerate("ABC")]
    return w, layers


def choose(w, qtbot, *layers):
    """Click the first layer's row in the Layers panel, Ctrl+click the others'."""
    rows = w.layers_panel.list
    rows.rebuild()
    for i, layer in enumerate(layers):
        pos = QPoint(rows.width() // 2, rows.row_of(layer) * ROW_H + ROW_H // 2)
        qtbot.mouseClick(rows, LEFT, CTRL if i else Qt.KeyboardModifier.NoModifier, pos)
    assert set(w.layers_panel.selected_nodes()) == set(layers)


def click_style(qtbot, panel, name):
    i = panel.find(name)
    assert i is not None, name
    qtbot.mouseClick(panel.grid, LEFT, pos=panel.grid.rect_of(i).center())
    return panel.styles[i]


def test_a_default_style_applies_to_every_chosen_layer_in_one_step(qtbot, tmp_path, monkeypatch):
    w, (a, b, c) = scene(qtbot, tmp_path, monkeypatch)
    panel = shown(w, qtbot)
    assert len(panel.styles) >= 8
    choose(w, qtbot, a, b)
    before, steps = screen(w), w.doc.history.count
    style = click_style(qtbot, panel, "Bevel Button")
    assert a.effects == style.effects and b.effects == style.effects and c.effects is None
    assert a.effects.bevels == style.effects.bevels and a.effects.bevels[0].size == 5.0
    assert b.effects.gradient_overlays[0].gradient.stops[0][1] == (40, 90, 200)
    after = screen(w)
    assert not np.array_equal(after[14:26, 6:18], before[14:26, 6:18])  # A drawn with it
    assert not np.array_equal(after[14:26, 24:36], before[14:26, 24:36])  # B too
    assert np.array_equal(after[14:26, 42:54], before[14:26, 42:54])  # C as it was
    assert w.doc.history.count == steps + 1 and w.doc.history.undo_name() == "Apply Style"
    # Another style replaces the first (not added to it) ...
    soft = click_style(qtbot, panel, "Soft Shadow")
    assert a.effects.bevels == () and a.effects.drop_shadows == soft.effects.drop_shadows
    # ... Shift+click adds one: Outline's stroke and overlay join the soft shadow.
    i = panel.find("Outline")
    qtbot.mouseClick(panel.grid, LEFT, Qt.KeyboardModifier.ShiftModifier,
                     panel.grid.rect_of(i).center())
    for layer in (a, b):
        assert layer.effects.drop_shadows == soft.effects.drop_shadows
        assert layer.effects.strokes == panel.styles[i].effects.strokes
    assert w.doc.history.count == steps + 3
    for _ in range(3):
        w.actions["undo"].trigger()
    assert a.effects is None and b.effects is None and np.array_equal(screen(w), before)
    assert w.test_errors == []


def test_new_style_from_a_layer_applies_to_another_and_persists(qtbot, tmp_path, monkeypatch):
    w, (a, b, c) = scene(qtbot, tmp_path, monkeypatch)
    shadow = DropShadow(color=(200, 0, 0), opacity=80.0, angle=45.0, distance=4.0, size=3.0)
    w.doc.set_effects(a, LayerEffects(drop_shadows=(shadow,)))
    w.doc.set_opacity(a, 128)
    panel = shown(w, qtbot)
    choose(w, qtbot, a)
    asked = []
    monkeypatch.setattr(stp, "ask_new_style",
                        lambda parent, name: asked.append(name) or ("Red Shadow", True))
    count = len(panel.styles)
    qtbot.mouseClick(panel.buttons["new_style"], LEFT)
    assert asked == [f"Style {count + 1}"] and len(panel.styles) == count + 1
    choose(w, qtbot, b)
    steps = w.doc.history.count
    click_style(qtbot, panel, "Red Shadow")
    assert b.effects == a.effects and b.effects.drop_shadows == (shadow,)
    assert b.opacity == 128  # "Include Layer Blending Options"
    assert w.doc.history.count == steps + 1
    # Rename by double-click.
    monkeypatch.setattr("editor.ui.dialogs.ask_text", lambda parent, title, label, text="": "Ruby")
    qtbot.mouseDClick(panel.grid, LEFT, pos=panel.grid.rect_of(panel.find("Red Shadow")).center())
    assert panel.find("Ruby") is not None and panel.find("Red Shadow") is None
    saved = json.loads((tmp_path / "styles.json").read_text())
    assert saved["styles"][-1]["name"] == "Ruby"

    again = make_window(qtbot, tmp_path, monkeypatch)
    kept = again.styles_panel.styles[again.styles_panel.find("Ruby")]
    assert kept.effects == a.effects and kept.blending["opacity"] == 128
    # Delete: the selected style goes, in this window and the next.
    again_panel = shown(again, qtbot)
    again_panel.select(again_panel.find("Ruby"))
    qtbot.mouseClick(again_panel.buttons["delete"], LEFT)
    assert again_panel.find("Ruby") is None and len(again_panel.styles) == count
    third = make_window(qtbot, tmp_path, monkeypatch)
    assert third.styles_panel.find("Ruby") is None
    assert [s.name for s in third.styles_panel.styles] == [s.name for s in panel.styles[:-1]]


def test_new_style_without_blending_leaves_the_layers_blending(qtbot, tmp_path, monkeypatch):
    """Photoshop's New Style dialog, driven: the name typed, "Include Layer Blending
    Options" unticked, OK; then Cancel makes none."""
    w, (a, b, c) = scene(qtbot, tmp_path, monkeypatch)
    w.doc.set_effects(a, LayerEffects(drop_shadows=(DropShadow(),)))
    w.doc.set_opacity(a, 100)
    panel = shown(w, qtbot)
    choose(w, qtbot, a)
    count = len(panel.styles)

    def plain(dialog, seen):
        name = dialog.findChild(QLineEdit, "NewStyleName")
        assert name.text() == f"Style {count + 1}"
        name.setText("Plain")
        box = dialog.findChild(QCheckBox, "NewStyleBlending")
        assert box.isChecked()  # Photoshop's default
        box.setChecked(False)

    new = lambda: qtbot.mouseClick(panel.buttons["new_style"], LEFT)  # noqa: E731
    in_modal_dialog(qtbot, new, plain, "NewStyleDialog")
    in_modal_dialog(qtbot, new, lambda dialog, seen: seen.update(cancel=True), "NewStyleDialog")
    assert len(panel.styles) == count + 1 and panel.styles[-1].blending is None
    assert [s.name for s in panel.styles].count("Plain") == 1 and panel.styles[-1].name == "Plain"
    choose(w, qtbot, b)
    click_style(qtbot, panel, "Plain")
    assert b.effects == a.effects and b.opacity == 255


def test_a_damaged_styles_file_is_kept_aside_and_the_defaults_used(qtbot, tmp_path, monkeypatch):
    damaged = '{"version": 1, "styles": [{"name": "x", "effects": "not base64!"}]}'
    (tmp_path / "styles.json").write_text(damaged)
    w = make_window(qtbot, tmp_path, monkeypatch)
    shown(w, qtbot)  # read when first shown
    names = [s.name for s in style_presets.default_styles()]
    assert [s.name for s in w.styles_panel.styles] == names
    assert (tmp_path / "styles.json.damaged").read_text() == damaged
    assert not (tmp_path / "styles.json").exists()  # written again at the next change
    assert "damaged" in w.statusBar().currentMessage()


def test_every_default_style_survives_its_file_and_draws_a_thumbnail(qtbot, tmp_path, monkeypatch):
    make_window(qtbot, tmp_path, monkeypatch)  # a QApplication for the pixmaps
    styles = style_presets.default_styles()
    back = style_presets.from_json(json.loads(json.dumps(style_presets.to_json(styles))))
    assert [s.effects for s in back] == [s.effects for s in styles]
    plain = stp.thumbnail(LayerEffects()).toImage()
    shadowed = stp.thumbnail(styles[0].effects).toImage()
    # The shadow falls below right of the square (light from 120 degrees).
    assert shadowed.pixelColor(36, 38).lightness() < plain.pixelColor(36, 38).lightness()


def test_a_style_keeps_no_reference_point_of_the_layer_it_was_made_from():
    effects = LayerEffects(drop_shadows=(DropShadow(),), reference_point=(30.0, 12.0))
    kept = style_presets.style_effects(effects)
    assert kept.reference_point is None and kept.drop_shadows == effects.drop_shadows
    assert style_presets.effects_from_text(style_presets.effects_to_text(kept)) == kept


def test_a_style_made_from_a_pass_through_group_survives_its_file():
    from editor.model.layers import Group

    blending = style_presets.blending_of(Group("g"))
    assert blending["blend_mode"] == "pass_through"
    style = style_presets.Style("G", LayerEffects(), blending)
    (back,) = style_presets.from_json(json.loads(json.dumps(style_presets.to_json([style]))))
    assert back.blending == blending


def test_an_inside_stroke_style_outlines_a_layer_whose_pixels_end_at_its_edge(qtbot, tmp_path,
                                                                               monkeypatch):
    """Outline (an inside stroke) on a square layer with no transparent border: stroked
    along the layer's edge, as Photoshop strokes it (it drew nothing here before)."""
    w, (a, b, c) = scene(qtbot, tmp_path, monkeypatch)
    panel = shown(w, qtbot)
    choose(w, qtbot, a)
    click_style(qtbot, panel, "Outline")
    seen = screen(w)
    assert (seen[14:26, 6:9] == 20).all() and (seen[14:26, 15:18] == 20).all()  # 3 px, dark
    assert (seen[17:23, 9:15] == 255).all()  # the white overlay inside
    assert (seen[14:26, 5] == 255).all()  # nothing outside
