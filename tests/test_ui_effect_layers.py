"""Layer > Layer Style > Create Layers, Scale Effects… and Global Light… as a user drives
them in the window (a photo opened, a styled layer over it)."""
from __future__ import annotations

import numpy as np
import pytest

from editor.model import layer_effects as fx
from ui_helpers import in_modal_dialog, make_window, open_photo, screen


def square(size: int, color=(230, 200, 40)) -> np.ndarray:
    pixels = np.zeros((size, size, 4), np.uint8)
    pixels[..., :3] = color
    pixels[..., 3] = 255
    return pixels


@pytest.fixture
def styled(qtbot, tmp_path, monkeypatch):
    """A window with a 200 x 140 photo and a 60 px square layer "Shape" at (70, 40) over it:
    (window, the layer)."""
    w = make_window(qtbot, tmp_path, monkeypatch)
    open_photo(w, qtbot, tmp_path, monkeypatch, 200, 140)
    layer = w.doc.add_image(square(60), "Shape", 70, 40)
    return w, layer


def test_create_layers_splits_shadow_stroke_and_overlay_into_layers(styled, qtbot):
    w, layer = styled
    doc = w.doc
    doc.set_effects(layer, fx.LayerEffects(
        drop_shadows=(fx.DropShadow(opacity=60, distance=8, size=6),),
        strokes=(fx.Stroke(size=4, color=(0, 0, 255)),),
        color_overlays=(fx.ColorOverlay(color=(255, 0, 0), opacity=50,
                                        blend_mode="multiply"),)))
    before = screen(w)
    steps = doc.history.index
    w.menus["layer_style"].aboutToShow.emit()
    assert w.actions["style_create_layers"].isEnabled()
    w.actions["style_create_layers"].trigger()
    assert not w.test_errors
    names = [(n.name, n.clipping, n.blend_mode, n.opacity) for n in doc.root.children[1:]]
    assert names == [("Shape's Drop Shadow", False, "multiply", 153),
                     ("Shape's Outer Stroke", False, "normal", 255),
                     ("Shape", False, "normal", 255),
                     ("Shape's Color Fill", True, "multiply", 128)]
    assert layer.effects is None and doc.active is layer
    after = screen(w)
    assert np.abs(after - before).max() <= 2
    # The shadow layer is the shadow: pixels below and right of the square, none far off.
    shadow = doc.root.children[1]
    assert shadow.bounds().y + shadow.bounds().h > 100 + 8 - 2
    assert doc.history.index == steps + 1  # one step
    w.actions["undo"].trigger()
    assert [n.name for n in doc.root.children[1:]] == ["Shape"]
    assert layer.effects is not None and layer.effects.drop_shadows
    assert np.array_equal(screen(w), before)


def test_create_layers_without_a_style_says_so(styled):
    w, layer = styled
    w.menus["layer_style"].aboutToShow.emit()
    assert not w.actions["style_create_layers"].isEnabled()  # greyed out in the menu
    w.doc.set_effects(layer, fx.LayerEffects(drop_shadows=(fx.DropShadow(enabled=False),)))
    w.style_commands.create_layers()  # a style with nothing drawn: one readable line
    assert [n.name for n in w.doc.root.children[1:]] == ["Shape"]
    assert w.test_errors and "no layer effects" in w.test_errors[-1][1]


def test_create_layers_says_what_layers_cannot_reproduce(styled, qtbot):
    w, layer = styled
    doc = w.doc
    doc.set_effects(layer, fx.LayerEffects(color_overlays=(fx.ColorOverlay(opacity=50),)))
    doc.set_fill_opacity(layer, 128)
    w.menus["layer_style"].aboutToShow.emit()
    assert w.actions["style_create_layers"].text().replace("&", "") == "Create Layer"
    w.actions["style_create_layers"].trigger()
    assert [n.name for n in doc.root.children[1:]] == ["Shape", "Shape's Color Fill"]
    message = w.statusBar().currentMessage()
    assert "cannot be reproduced with layers" in message and "Fill below 100 %" in message


def _menu(w, name: str):
    """Layer > Layer Style > `name`'s trigger, the menu opened first (which enables it)."""
    def trigger():
        w.menus["layer_style"].aboutToShow.emit()
        w.actions[name].trigger()
    return trigger


def _shadow_edge(pixels: np.ndarray, column: int, start: int) -> tuple[float, float]:
    """Below row `start` in `column` (white under a black shadow): (where the shadow's
    darkness falls to half its most, its 10 %-90 % width), in pixels."""
    dark = 255.0 - pixels[start:, column].mean(axis=-1)
    top = dark[0]
    half = np.nonzero(dark < top / 2)[0][0]
    # (linear between the two rows either side of the half level)
    edge = half - 1 + (dark[half - 1] - top / 2) / (dark[half - 1] - dark[half])
    ninety, ten = np.nonzero(dark < 0.9 * top)[0][0], np.nonzero(dark < 0.1 * top)[0][0]
    return float(edge), float(ten - ninety)


def _on_white(w, layer):
    """A white layer under the square, so its shadow is measured on white."""
    white = np.full((w.doc.height, w.doc.width, 4), 255, np.uint8)
    w.doc.add_layer(type(layer)("White", white), w.doc.root, 1)
    w.doc.set_active(layer)  # (the square chosen again in the Layers panel)


def test_scale_effects_200_doubles_the_shadow_live_and_cancel_leaves_it(styled, qtbot):
    w, layer = styled
    doc = w.doc
    _on_white(w, layer)
    doc.set_effects(layer, fx.LayerEffects(drop_shadows=(
        fx.DropShadow(opacity=100, angle=90, distance=6, size=6, blend_mode="normal"),)))
    steps = doc.history.index
    before = screen(w)
    edge, width = _shadow_edge(before, 100, 100)  # the square's bottom is row 100
    assert abs(edge - 6) <= 1

    def cancel(dialog, seen):
        dialog.findChild(type(dialog.scale), "scale").setValue(300)
        seen["preview"] = screen(w)
        seen["cancel"] = True

    seen = in_modal_dialog(qtbot, _menu(w, "style_scale_effects"), cancel,
                           "scale_effects")
    assert abs(_shadow_edge(seen["preview"], 100, 100)[0] - 18) <= 1  # live
    assert doc.history.index == steps
    assert layer.effects.drop_shadows[0].distance == 6
    assert np.array_equal(screen(w), before)

    def double(dialog, seen):
        dialog.scale.setValue(200)

    in_modal_dialog(qtbot, _menu(w, "style_scale_effects"), double, "scale_effects")
    shadow = layer.effects.drop_shadows[0]
    assert (shadow.distance, shadow.size) == (12, 12)
    assert doc.history.index == steps + 1
    edge2, width2 = _shadow_edge(screen(w), 100, 100)
    assert abs(edge2 - 2 * edge) <= 1  # the offset doubles
    assert 1.6 <= width2 / width <= 2.4  # and so does the blur
    w.actions["undo"].trigger()
    assert np.array_equal(screen(w), before)


def test_scale_effects_scales_every_kind_photoshop_scales():
    style = fx.LayerEffects(
        strokes=(fx.Stroke(size=3),), inner_shadows=(fx.InnerShadow(distance=5, size=5),),
        outer_glows=(fx.OuterGlow(size=5, spread=20, range=40),),
        satins=(fx.Satin(distance=11, size=14),),
        bevels=(fx.BevelEmboss(size=5, soften=10, depth=100),))
    out = fx.scaled_effects(style, 200)
    assert out.strokes[0].size == 6
    assert (out.inner_shadows[0].distance, out.inner_shadows[0].size) == (10, 10)
    glow = out.outer_glows[0]
    assert (glow.size, glow.spread, glow.range) == (10, 20, 40)  # percentages stay
    assert (out.satins[0].distance, out.satins[0].size) == (22, 28)
    bevel = out.bevels[0]
    assert (bevel.size, bevel.soften, bevel.depth) == (10, 16, 100)  # soften's most: 16
    with pytest.raises(ValueError):
        fx.scaled_effects(style, 0)


def test_global_light_turns_the_shadows_that_use_it(styled, qtbot):
    from editor.model.global_light import global_light

    w, layer = styled
    doc = w.doc
    doc.set_effects(layer, fx.LayerEffects(drop_shadows=(
        fx.DropShadow(angle=120, distance=8, use_global_light=True),
        fx.DropShadow(angle=30, distance=8))))
    steps = doc.history.index
    before = screen(w)

    def set_light(dialog, seen):
        dialog.angle.setValue(90)
        dialog.altitude.setValue(45)

    in_modal_dialog(qtbot, _menu(w, "style_global_light"), set_light, "global_light")
    assert [s.angle for s in layer.effects.drop_shadows] == [90, 30]
    assert global_light(doc) == (90, 45)
    assert doc.history.index == steps + 1
    assert not np.array_equal(screen(w), before)
    w.actions["undo"].trigger()
    assert [s.angle for s in layer.effects.drop_shadows] == [120, 30]
    assert global_light(doc) == (120, 30)
    assert np.array_equal(screen(w), before)


@pytest.mark.parametrize("mode,opacity,mask", [
    ("normal", 255, None), ("screen", 255, None), ("normal", 128, None),
    ("normal", 255, "made through"), ("normal", 255, "hides effects")])
def test_create_layers_keeps_the_composite_for_every_kind(mode, opacity, mask):
    """Every kind together on a hard-edged square, in Normal and in Screen (whose interior
    effects blend onto what lies below: the clipped layers are made to as well), at layer
    opacity 50 % (which faded the effects too), and with a layer mask hiding its left half
    (the effects made through it; or, Layer Mask Hides Effects, hidden by it)."""
    from editor.model.layers import LayerMask

    from editor.model.document import Document
    from editor.model.effect_layers import create_layers
    from editor.model.layers import Layer
    from editor.model.render_nodes import composite_document

    doc = Document(120, 90)
    ramp = np.zeros((90, 120, 4), np.uint8)
    ramp[..., 0] = np.arange(120)[None, :] * 2
    ramp[..., 1], ramp[..., 2], ramp[..., 3] = 90, 160, 255
    doc.add_layer(Layer("Background", ramp))
    layer = Layer("Shape", square(40), 40, 25, blend_mode=mode, opacity=opacity)
    layer.effects = fx.LayerEffects(
        drop_shadows=(fx.DropShadow(distance=6, size=5),), outer_glows=(fx.OuterGlow(),),
        strokes=(fx.Stroke(size=3, color=(0, 90, 0)),),
        color_overlays=(fx.ColorOverlay(opacity=40, blend_mode="overlay"),),
        inner_glows=(fx.InnerGlow(size=8),), inner_shadows=(fx.InnerShadow(),),
        satins=(fx.Satin(),), bevels=(fx.BevelEmboss(style="emboss", size=6),))
    if mask is not None:
        hidden = np.full((90, 120), 255, np.uint8)
        hidden[:, :60] = 0
        layer.mask = LayerMask(hidden)
        layer.mask_hides_effects = mask == "hides effects"
    doc.add_layer(layer)
    before = composite_document(doc).astype(int)
    made = create_layers(doc, layer)
    assert [n.name[len("Shape's "):] for n in made] == [
        "Drop Shadow", "Outer Glow", "Outer Stroke", "Color Fill", "Satin", "Inner Glow",
        "Inner Shadow", "Bevel Highlights", "Bevel Shadows", "Outer Bevel Highlights",
        "Outer Bevel Shadows"]
    assert np.abs(composite_document(doc).astype(int) - before).max() <= 2
    assert layer.blend_clipped == (mode == "normal")
    assert made[0].opacity == round(75 * 255 / 100 * opacity / 255)  # the shadow's 75 %


def test_global_light_is_saved_where_photoshop_keeps_it(tmp_path):
    """Set, it is the PSD's Global Angle and Global Altitude resources, read back with the
    effects that use it (psd-tools reads the same numbers)."""
    from psd_tools import PSDImage
    from psd_tools.constants import Resource

    from editor.model.document import Document
    from editor.model.global_light import global_light, set_global_light
    from editor.model.layers import Layer
    from editor.model.psd import read_psd
    from editor.model.psd_write import write_psd

    doc = Document(60, 40)
    layer = Layer("S", square(20), 20, 10)
    layer.effects = fx.LayerEffects(drop_shadows=(fx.DropShadow(use_global_light=True),),
                                    bevels=(fx.BevelEmboss(use_global_light=True),))
    doc.add_layer(layer)
    set_global_light(doc, 75, 40)
    assert layer.effects.bevels[0].altitude == 40
    path = str(tmp_path / "light.psd")
    with open(path, "wb") as f:
        write_psd(doc, f)
    again = read_psd(path, 1 << 30)
    assert global_light(again) == (75, 40)
    (styled,) = [n for n in again.root.children if n.effects is not None]
    assert styled.effects.drop_shadows[0].angle == 75 and styled.effects.bevels[0].altitude == 40
    resources = PSDImage.open(path).image_resources
    assert (resources.get_data(Resource.GLOBAL_ANGLE),
            resources.get_data(Resource.GLOBAL_ALTITUDE)) == (75, 40)
    with pytest.raises(ValueError):
        set_global_light(doc, 200, 30)


def test_create_layers_lays_a_masked_layers_overlay_out_as_drawn(styled, qtbot):
    """A Gradient Overlay aligned with a layer under a mask is laid out on the layer's own
    pixels (as Photoshop does, render_layers._overlay_box): the layer Create Layers makes
    of it is laid out the same, so the picture does not change."""
    from editor.model import adjustments as adj
    from editor.model.layers import LayerMask

    w, layer = styled
    doc = w.doc
    mask = np.zeros((60, 60), np.uint8)
    mask[:, 30:] = 255  # (the left half hidden: the mask's box is half the layer's)
    layer.mask = LayerMask(mask, layer.x, layer.y)
    ramp = adj.GradientFill(stops=((0.0, (255, 0, 0)), (100.0, (0, 0, 255))), smoothness=0.0,
                            style="linear", angle=0.0, align=True)
    doc.set_effects(layer, fx.LayerEffects(gradient_overlays=(fx.GradientOverlay(
        opacity=100.0, gradient=ramp),)))
    before = screen(w)
    # Laid out on the whole square (x 70..130), its middle column, x 100, is half blue.
    assert 100 < before[70, 101, 2] < 160
    w.menus["layer_style"].aboutToShow.emit()
    w.actions["style_create_layers"].trigger()
    assert not w.test_errors
    assert [n.name for n in doc.root.children[1:]] == ["Shape", "Shape's Gradient Fill"]
    assert np.abs(screen(w).astype(int) - before).max() <= 2
