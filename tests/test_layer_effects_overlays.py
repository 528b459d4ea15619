"""Gradient Overlay and Pattern Overlay (layer_effects.py): drawn against a numpy reference
of their definitions (a Gradient / Pattern fill layer's colours laid over the layer's, in
the overlay's mode and opacity), against Photoshop's merged image of layer_effects.psd
(the pattern's tiles from the file's reference point 'fxrp'), read from and written into
'lfx2' with the file's pattern (psd-tools reads the edits back), and edited in the Layer
Style dialog through the Gradient Fill and Pattern Fill dialogs (live, OK one step, the
inner dialog's Cancel restoring)."""
from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
from psd_tools import PSDImage
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QPushButton

from editor.model.adjustments import GradientFill, PatternFill
from editor.model.files import open_document, save_document
from editor.model.layer_effects import GradientOverlay, LayerEffects, PatternOverlay, with_first
from editor.model.patterns import Pattern
from editor.model.render import composite_document

from reference_compositing import blend_onto, premultiplied
from test_layer_effects import EFFECTS_FILE, H, W, check, scene, unpremultiplied

RED_TO_BLUE = GradientFill(stops=((0.0, (255, 0, 0)), (100.0, (0, 0, 255))), smoothness=0.0,
                           style="linear", angle=0.0, align=True)


def overlaid(own: np.ndarray, paint: np.ndarray, opacity: float, mode: str) -> np.ndarray:
    """The layer's straight RGBA with `paint` (straight RGBA, 0..1) laid over its colours
    in `mode` (normal or multiply) at `opacity`; its alpha as it was."""
    rgb = own[..., :3]
    mixed = paint[..., :3] if mode == "normal" else rgb * paint[..., :3]
    out = own.copy()
    out[..., :3] = rgb + (mixed - rgb) * (paint[..., 3] * opacity)[..., None]
    return out


def test_gradient_overlay_matches_its_definition():
    overlay = GradientOverlay(blend_mode="multiply", opacity=80.0, gradient=RED_TO_BLUE)
    doc, background, layer = scene(LayerEffects(gradient_overlays=(overlay,)))
    # Aligned with the layer: its pixels' box, x 17..28 (the layer at 14, opaque from 3),
    # a linear ramp at 0 degrees from its left edge to its right (each pixel's left edge).
    t = np.clip((np.arange(W) - 17) / 12.0, 0, 1)
    paint = np.zeros((H, W, 4))
    paint[..., 0], paint[..., 2], paint[..., 3] = 1 - t, t, 1.0
    own = layer.canvas_crop(doc.canvas) / 255.0
    out = blend_onto(premultiplied(background), overlaid(own, paint, 0.8, "multiply"),
                     "normal", 1.0)
    check(doc, unpremultiplied(out))
    # Not aligned: laid out on the canvas (0..48), so the layer's left is mostly red.
    doc2, _, layer2 = scene(LayerEffects(gradient_overlays=(replace(
        overlay, blend_mode="normal", opacity=100.0, gradient=replace(RED_TO_BLUE, align=False)),)))
    shown = composite_document(doc2).astype(int)
    assert shown[18, 17, 0] > 150 and shown[18, 28, 0] > 100  # x/48: still reddish at 28


def test_pattern_overlay_matches_its_definition():
    rng = np.random.default_rng(3)
    tile = rng.integers(0, 256, (3, 5, 4), dtype=np.uint8)
    tile[..., 3] = 255
    pattern = Pattern("Dots", tile)
    overlay = PatternOverlay(opacity=70.0, pattern=PatternFill(pattern=pattern, align=False))
    doc, background, layer = scene(LayerEffects(pattern_overlays=(overlay,)))
    ys, xs = np.mgrid[:H, :W]
    paint = tile[ys % 3, xs % 5] / 255.0  # tiled from the canvas's corner
    own = layer.canvas_crop(doc.canvas) / 255.0
    out = blend_onto(premultiplied(background), overlaid(own, paint, 0.7, "normal"),
                     "normal", 1.0)
    check(doc, unpremultiplied(out))
    # Linked with the layer (no reference point): the tiles start at its pixels' corner.
    doc.set_effects(layer, LayerEffects(pattern_overlays=(replace(
        overlay, opacity=100.0, pattern=replace(overlay.pattern, align=True)),)))
    shown = composite_document(doc).astype(int)
    assert np.abs(shown[14:17, 17:22, :3] - tile[..., :3].astype(int)).max() <= 1


# Photoshop's pixels of layer_effects.psd, over the layer's box (mean, max in levels).
# Measured: Gradient Overlay 0.23 / 17, Pattern Overlay 0.33 / 17 (before: 19.4 / 168,
# 15.6 / 133); the largest errors lie on the glyphs' antialiased edges.
def test_overlays_against_photoshops_merged_image():
    doc = open_document(EFFECTS_FILE)
    ps = np.asarray(PSDImage.open(EFFECTS_FILE).topil().convert("RGBA")).astype(float)
    ours = composite_document(doc).astype(float)
    for name in ("Gradient Overlay", "Pattern Overlay"):
        layer = next(n for n in doc.root.walk() if n.name == name)
        box = layer.bounds().intersect(doc.canvas)
        error = np.abs(ours[box.slices()][..., :3] - ps[box.slices()][..., :3])
        assert error.mean() < 0.6 and error.max() <= 24, (name, error.mean(), error.max())
    not_drawn = [k for w in doc.warnings for k in re.findall(r"\(([^)]*)\) are kept", w)]
    assert not_drawn == [], not_drawn  # every effect of the file is drawn now


def test_overlays_of_a_photoshop_file_edited_and_written(tmp_path):
    doc = open_document(EFFECTS_FILE)
    nodes = {n.name: n for n in doc.root.walk()}
    gradient_layer, pattern_layer = nodes["Gradient Overlay"], nodes["Pattern Overlay"]
    overlay = gradient_layer.effects.gradient_overlays[0]
    assert (overlay.gradient.style, overlay.gradient.angle, overlay.gradient.stops[0][1]) == \
        ("linear", 87.0, (41, 10, 89))
    gradient = replace(overlay, blend_mode="multiply", opacity=70.0,
                       gradient=replace(overlay.gradient, angle=30.0, reverse=True))
    doc.set_effects(gradient_layer, with_first(gradient_layer.effects, "gradient_overlays",
                                               gradient))
    patterned = pattern_layer.effects.pattern_overlays[0]
    assert patterned.pattern.pattern.name.endswith("Water")
    pattern = replace(patterned, opacity=55.0, pattern=replace(patterned.pattern, scale=50.0))
    doc.set_effects(pattern_layer, with_first(pattern_layer.effects, "pattern_overlays",
                                              pattern))
    out = str(tmp_path / "edited.psd")
    save_document(doc, out)
    layers = {n.name: n for n in PSDImage.open(out).descendants()}
    written = next(layers["Gradient Overlay"].effects.find("GradientOverlay"))
    assert (written.angle, written.reversed, written.opacity, written.blend_mode.name) == \
        (30.0, True, 70.0, "MULTIPLY")
    assert "Violet, Orange" in str(written.gradient[b"Nm  "])  # the file's name kept
    written = next(layers["Pattern Overlay"].effects.find("PatternOverlay"))
    assert (written.scale, written.opacity) == (50.0, 55.0)
    assert written.pattern[b"Idnt"].value.rstrip("\x00") == patterned.pattern.pattern.id
    again = {n.name: n for n in open_document(out).root.walk()}
    assert again["Gradient Overlay"].effects.gradient_overlays == (gradient,)
    assert again["Pattern Overlay"].effects.pattern_overlays == (pattern,)


def test_new_overlays_are_written_and_read_back(tmp_path):
    doc, _, layer = scene(None)
    tile = np.zeros((2, 2, 4), np.uint8)
    tile[...] = (10, 200, 90, 255)
    tile[0, 0] = (250, 250, 0, 255)
    effects = LayerEffects(
        gradient_overlays=(GradientOverlay(opacity=60.0, gradient=RED_TO_BLUE),),
        pattern_overlays=(PatternOverlay(pattern=PatternFill(pattern=Pattern("Checks", tile))),))
    doc.set_effects(layer, effects)
    out = str(tmp_path / "new.psd")
    save_document(doc, out)
    psd_layer = next(n for n in PSDImage.open(out).descendants() if n.name == "Styled")
    assert sorted(type(e).__name__ for e in psd_layer.effects) == ["GradientOverlay",
                                                                   "PatternOverlay"]
    again = open_document(out)
    styled = next(n for n in again.root.walk() if n.name == "Styled")
    assert styled.effects == effects
    assert np.array_equal(composite_document(again), composite_document(doc))


def test_gradient_and_pattern_overlays_from_the_dialog(qtbot, tmp_path, monkeypatch):
    """On the Stroke layer of layer_effects.psd (the file holds the Water pattern):
    Layer > Layer Style > Gradient Overlay…, its "Gradient…" opens the Gradient Fill dialog;
    its angle changed shows at once; that dialog's Cancel puts the gradient back; OK of the
    style is one step. Then Pattern Overlay… starts with the file's pattern, drawn over the
    layer; cancelled, the style as it was."""
    from test_ui_layer_style import in_dialog, open_psd, screen
    from ui_helpers import in_modal_dialog, make_window

    w = make_window(qtbot, tmp_path, monkeypatch)
    open_psd(w, qtbot, monkeypatch, EFFECTS_FILE)
    doc = w.doc
    layer = next(n for n in doc.root.walk() if n.name == "Stroke")
    doc.set_active(layer)
    before = layer.effects
    plain = screen(w)
    steps = doc.history.count
    box = layer.bounds()
    inside = layer.pixels[..., 3] == 255
    w.menus["layer_style"].aboutToShow.emit()

    def gradient(dialog, seen):
        assert dialog.kinds.currentItem().text() == "Gradient Overlay"
        seen["default"] = screen(w)

        def turn(inner, seen_inner):
            inner.findChild(QDoubleSpinBox, "GradientAngle").setValue(0)
            seen["turned"] = screen(w)
            seen_inner["cancel"] = True

        in_modal_dialog(qtbot, dialog.findChild(QPushButton, "GradientOverlaysGradient").click,
                        turn, "GradientFillDialog")
        seen["cancelled"] = screen(w)
        dialog.findChild(QDoubleSpinBox, "GradientOverlaysOpacity").setValue(50)
        seen["live"] = screen(w)

    seen = in_dialog(qtbot, w.actions["style_gradient_overlay"].trigger, gradient)
    crop = np.s_[box.y:box.y1, box.x:box.x1]
    # Black to white (Photoshop's default) over the layer's pixels: they change.
    assert np.abs(seen["default"][crop][inside] - plain[crop][inside]).mean() > 20
    assert (seen["turned"] != seen["default"]).any()
    assert np.array_equal(seen["cancelled"], seen["default"])
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Layer Style"
    assert layer.effects.gradient_overlays[0].opacity == 50.0
    assert layer.effects.gradient_overlays[0].gradient.angle == 90.0
    assert layer.effects.strokes == before.strokes
    assert np.array_equal(screen(w), seen["live"])
    styled = screen(w)

    def pattern(dialog, seen):
        assert dialog.findChild(QPushButton, "PatternOverlaysPattern").text() == "Water…"
        mode = dialog.findChild(QComboBox, "PatternOverlaysBlendMode")
        assert mode.currentText() == "Normal"
        seen["live"] = screen(w)
        seen["cancel"] = True

    seen = in_dialog(qtbot, w.actions["style_pattern_overlay"].trigger, pattern)
    # Drawn under the gradient overlay at 50 % (Photoshop's order): inside the layer's
    # opaque pixels the change is half the Water tile's colour less the layer's own, the
    # tiles starting at the file's reference point of this layer ('fxrp': 50, 547).
    water = doc.patterns[0].pixels[..., :3].astype(int)
    ys, xs = np.nonzero(inside)
    ys, xs = ys + box.y, xs + box.x
    own = layer.pixels[..., :3][inside].astype(int)
    change = 2 * (seen["live"][ys, xs] - styled[ys, xs])
    assert np.abs(change - (water[(ys - 547) % 80, (xs - 50) % 80] - own)).mean() < 3
    assert doc.history.count == steps + 1 and not layer.effects.pattern_overlays
    assert np.array_equal(screen(w), styled)


def test_a_linked_pattern_overlay_moves_with_its_layer(tmp_path):
    """Moving the Pattern Overlay layer moves its tiles along (its reference point 'fxrp'
    moves with it): the moved layer's pixels are the old ones moved; saved, psd-tools reads
    the moved reference point and the file reopens drawn the same; undo puts it back."""
    from psd_tools.constants import Tag

    doc = open_document(EFFECTS_FILE)
    layer = next(n for n in doc.root.walk() if n.name == "Pattern Overlay")
    box = layer.bounds()
    before = composite_document(doc).astype(int)
    doc.translate(layer, 10, 5)
    assert layer.effects.reference_point == (57.0, 480.0)
    after = composite_document(doc).astype(int)
    inside = layer.pixels[..., 3] == 255
    ys, xs = np.nonzero(inside)
    assert np.array_equal(after[ys + box.y + 5, xs + box.x + 10], before[ys + box.y, xs + box.x])
    out = str(tmp_path / "moved.psd")
    save_document(doc, out)
    psd_layer = next(n for n in PSDImage.open(out).descendants() if n.name == "Pattern Overlay")
    assert list(psd_layer.tagged_blocks.get_data(Tag.REFERENCE_POINT)) == [57.0, 480.0]
    assert np.array_equal(composite_document(open_document(out)).astype(int), after)
    doc.history.undo()
    assert layer.effects.reference_point == (47.0, 475.0)
    assert np.array_equal(composite_document(doc).astype(int), before)
