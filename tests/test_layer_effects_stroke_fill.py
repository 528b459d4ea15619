"""A Stroke's Fill Type Gradient (Shape Burst too) and Pattern, and Bevel & Emboss's Chisel
Hard / Chisel Soft techniques and Stroke Emboss style (layer_effects.py): drawn against numpy
references of their definitions, read from and written to PSD (psd-tools reads what we
write; Photoshop's stroke-effects.psd opens drawn, against its merged image, and saves back
unchanged), and the Layer Style dialog's Stroke page switched to Gradient in the window."""
from __future__ import annotations

import os
from dataclasses import replace

import numpy as np
import pytest
from psd_tools import PSDImage
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox
from scipy.ndimage import distance_transform_edt

from editor.model.adjustments import GradientFill, PatternFill
from editor.model.files import open_document, save_document
from editor.model.layer_effects import (BevelEmboss, LayerEffects, Stroke, bevel_light,
                                        chisel_profile, dilate)
from editor.model.patterns import Pattern
from editor.model.render import composite_document

from reference_compositing import blend_onto, premultiplied
from test_layer_effects import (FILES, H, W, canvas_alpha, check, effects_of, scene,
                                stroke_grown, unpremultiplied, within)

RED_TO_GREEN = GradientFill(stops=((0.0, (255, 0, 0)), (100.0, (0, 255, 0))), smoothness=0.0,
                            style="linear", angle=0.0, align=True)
STROKE_FILE = os.path.join(FILES, "stroke-effects.psd")


def outside_stroked(doc, background, layer, paint: np.ndarray) -> np.ndarray:
    """The reference of an outside Normal stroke of straight RGBA `paint` (its coverage in
    its alpha) under `layer`, over the background."""
    own = layer.canvas_crop(doc.canvas) / 255.0
    layer_only = blend_onto(np.zeros((H, W, 4)), paint, "normal", 1.0)
    layer_only = blend_onto(layer_only, own, "normal", 1.0)
    return blend_onto(premultiplied(background), unpremultiplied(layer_only), "normal", 1.0)


def signed_distance(a: np.ndarray) -> np.ndarray:
    """Distance from the shape's edge (alpha 1/2), + outside, - inside, each side's pixels
    half a pixel from it (scipy's exact transform)."""
    inside = a >= 0.5
    return np.where(inside, 0.5 - distance_transform_edt(inside),
                    distance_transform_edt(~inside) - 0.5)


# -- Fill Type Gradient and Pattern ------------------------------------------------------------

def test_gradient_stroke_matches_its_definition():
    """An outside stroke of a linear gradient (0 degrees, aligned): each pixel of its
    coverage takes the gradient laid out on the stroke's box (x 14..31: the layer's pixels,
    x 17..28, grown by 3), at its left edge; the layer over it."""
    stroke = Stroke(size=3.0, fill_type="gradient", gradient=RED_TO_GREEN, color=(9, 9, 9))
    doc, background, layer = scene(LayerEffects(strokes=(stroke,)))
    cover = stroke_grown(canvas_alpha(layer), 3.0)
    assert np.nonzero(cover.any(axis=0))[0][[0, -1]].tolist() == [14, 31]
    t = np.clip((np.arange(W) - 14) / 18.0, 0, 1)[None, :].repeat(H, 0)
    paint = np.stack([1 - t, t, 0 * t, cover], -1)
    check(doc, unpremultiplied(outside_stroked(doc, background, layer, paint)))
    shown = composite_document(doc).astype(int)
    assert shown[18, 15, 0] > 200 and shown[18, 30, 1] > 200  # red left, green right
    # Reversed: the other way round; its colour (kept for a switch back) is not drawn.
    doc.set_effects(layer, LayerEffects(strokes=(replace(
        stroke, gradient=replace(RED_TO_GREEN, reverse=True)),)))
    shown = composite_document(doc).astype(int)
    assert shown[18, 15, 1] > 200 and shown[18, 30, 0] > 200
    assert not (shown[..., :3] == 9).all(-1).any()
    # Under a second (colour) stroke, the layer at Fill 50 %: both drawn, the layer faded.
    doc.set_effects(layer, LayerEffects(strokes=(stroke, Stroke(size=5.0, color=(0, 0, 250)))))
    layer.fill_opacity = 128
    shown = composite_document(doc).astype(int)
    assert shown[18, 15, 0] > 200 and shown[18, 13, 2] > 200  # red (gradient), then blue
    assert 100 < shown[20, 25, 0] < 150  # the layer's blue over the background, half


def test_pattern_stroke_matches_its_definition():
    """A pattern stroke, inside (within the layer's shape), not linked: the tiles from the canvas's
    corner; linked: from the layer's pixels' corner (17, 14)."""
    rng = np.random.default_rng(5)
    tile = rng.integers(0, 256, (3, 4, 4), dtype=np.uint8)
    tile[..., 3] = 255
    pattern = PatternFill(pattern=Pattern("Bits", tile), align=False)
    stroke = Stroke(position="inside", size=2.0, opacity=90.0, fill_type="pattern",
                    pattern=pattern)
    doc, background, layer = scene(LayerEffects(strokes=(stroke,)))
    a = canvas_alpha(layer)
    ring = a - np.minimum(a, 1 - stroke_grown(1 - a, 2.0))
    ys, xs = np.mgrid[:H, :W]
    paint = tile[ys % 3, xs % 4] / 255.0
    paint[..., 3] = ring * 0.9
    own = layer.canvas_crop(doc.canvas) / 255.0
    out = blend_onto(premultiplied(background), within(own, paint, a), "normal", 1.0)
    check(doc, unpremultiplied(out))
    doc.set_effects(layer, LayerEffects(strokes=(replace(
        stroke, opacity=100.0, pattern=replace(pattern, align=True)),)))
    shown = composite_document(doc).astype(int)
    # The ring's first row (y 14) and column (x 17; the second ones are half covered): the
    # tile from (17, 14).
    assert np.abs(shown[14, 17:21, :3] - tile[0, :, :3].astype(int)).max() <= 1
    assert np.abs(shown[14:17, 17, :3] - tile[:, 0, :3].astype(int)).max() <= 1


@pytest.mark.parametrize("position", ["outside", "center"])
def test_shape_burst_follows_the_distance_from_the_strokes_edges(position):
    """Shape Burst: the gradient across the stroke's band, its first stop on the band's
    middle line, its last on both edges (the exact distance from the shape's edge, scipy's
    transform): the same colour all round the shape at the same distance."""
    gradient = replace(RED_TO_GREEN, style="radial")  # (the style is not used)
    stroke = Stroke(position=position, size=6.0, fill_type="gradient", gradient=gradient,
                    shape_burst=True)
    doc, background, layer = scene(LayerEffects(strokes=(stroke,)))
    a = canvas_alpha(layer)
    middle = 3.0 if position == "outside" else 0.0
    t = np.clip(np.abs(signed_distance(a) - middle) / 3.0, 0, 1)
    if position == "outside":
        paint = np.stack([1 - t, t, 0 * t, stroke_grown(a, 6.0)], -1)
        out = outside_stroked(doc, background, layer, paint)
    else:
        ring = stroke_grown(a, 3.0) - (1 - stroke_grown(1 - a, 3.0))
        own = layer.canvas_crop(doc.canvas) / 255.0
        styled = blend_onto(blend_onto(np.zeros((H, W, 4)), own, "normal", 1.0),
                            np.stack([1 - t, t, 0 * t, ring], -1), "normal", 1.0)
        out = blend_onto(premultiplied(background), unpremultiplied(styled), "normal", 1.0)
    check(doc, unpremultiplied(out))
    shown = composite_document(doc).astype(int)
    if position == "outside":  # x 29..34 right of the layer (its last column 28), row 18
        row = shown[18, 29:35, :3]
        assert row[2, 0] > row[0, 0] and row[2, 0] > row[5, 0]  # reddest mid-band
        assert np.abs(row[1] - row[4]).max() <= 2  # symmetric about the middle
        assert np.abs(shown[20, 29:32, :3] - shown[20, 11 + 3:14 + 3, :3][::-1]).max() <= 2
    # Reversed: green mid-band.
    doc.set_effects(layer, LayerEffects(strokes=(replace(
        stroke, gradient=replace(gradient, reverse=True)),)))
    again = composite_document(doc).astype(int)
    edge = 31 if position == "outside" else 28
    assert again[18, edge, 1] > shown[18, edge, 1]


def test_gradient_and_pattern_strokes_round_trip_through_psd(tmp_path):
    """New gradient (Shape Burst) and pattern strokes saved: psd-tools reads their fill
    types, the gradient's 'shapeburst' style and stops, the pattern's id among the file's
    patterns; opened again they are ours, drawn the same."""
    tile = np.zeros((2, 3, 4), np.uint8)
    tile[...] = (10, 200, 90, 255)
    tile[0, 0] = (250, 250, 0, 255)
    pattern = Pattern("Checks", tile)
    burst = Stroke(size=4.0, fill_type="gradient", shape_burst=True,
                   gradient=replace(RED_TO_GREEN, angle=30.0, scale=80.0))
    patterned = Stroke(position="inside", size=2.0, opacity=70.0, fill_type="pattern",
                       pattern=PatternFill(pattern=pattern, scale=50.0, align=False))
    doc, _, layer = scene(LayerEffects(strokes=(burst, patterned)))
    out = str(tmp_path / "strokes.psd")
    save_document(doc, out)
    psd = PSDImage.open(out)
    read = [e for e in next(n for n in psd.descendants() if n.name == "Styled").effects]
    assert [type(e).__name__ for e in read] == ["Stroke", "Stroke"]
    assert [e.fill_type.name for e in read] == ["GRADIENT", "PATTERN"]
    assert read[0].descriptor[b"Type"].enum == b"shapeburst"
    assert (read[0].angle, read[0].descriptor[b"Scl "].value) == (30.0, 80.0)
    assert [round(float(s[b"Clr "][b"Grn "])) for s in read[0].gradient[b"Clrs"]] == [0, 255]
    assert read[1].pattern[b"Idnt"].value.rstrip("\x00") == pattern.id
    assert not bool(read[1].descriptor[b"Lnkd"]) and read[1].descriptor[b"Scl "].value == 50.0
    again = open_document(out)
    styled = next(n for n in again.root.walk() if n.name == "Styled")
    assert styled.effects.strokes == (burst, patterned) and not styled.effects.others
    assert np.array_equal(composite_document(again), composite_document(doc))


# Photoshop's stroke-effects.psd, its "Paint styles" row: shape layers with a 4 px outside
# stroke of a colour, a gradient (Blue, Yellow, Blue at 90 degrees) and a pattern (Water).
# Measured inside the stroke's band (clear of its rim), against its merged image: colour
# 0 / 0, gradient 4.7 / 19 (Photoshop's smoothness bends a three-stop gradient otherwise
# than gradients.py's), pattern 0 / 0 (mean / max levels). Before: the gradient and
# pattern strokes were not drawn (the box around each: 54.6 / 255 and 47.8 / 255).
def test_gradient_and_pattern_strokes_of_a_photoshop_file(tmp_path):
    doc = open_document(STROKE_FILE)
    assert not any("not draw" in w for w in doc.warnings)
    nodes = {n.name: n for n in doc.root.walk()}
    gradient, pattern = (nodes[k].effects.strokes[0] for k in ("Gradient", "Pattern"))
    assert (gradient.fill_type, gradient.gradient.style, gradient.gradient.angle) == \
        ("gradient", "linear", 90.0)
    assert gradient.gradient.stops[1] == (50.0, (253, 250, 3))
    assert pattern.fill_type == "pattern" and pattern.pattern.pattern.name.endswith("Water")
    ps = np.asarray(PSDImage.open(STROKE_FILE).topil().convert("RGBA")).astype(float)
    ours = composite_document(doc).astype(float)
    for name, mean, top in (("Solid color", 0.5, 2), ("Gradient", 6.0, 24),
                            ("Pattern", 0.5, 2)):
        node = nodes[name]
        coverage = node.active_mask().coverage(doc.canvas) / 255.0
        band = (dilate(coverage, 4.0) - coverage) > 0.99
        error = np.abs(ours[band] - ps[band])
        assert error.mean() < mean and error.max() <= top, (name, error.mean(), error.max())
        # Outside the path only: not under the shape's see-through gradient (Photoshop's).
        inside = coverage > 0.99
        assert np.abs(ours[inside][:, 3] - ps[inside][:, 3]).max() <= 2, name
    out = str(tmp_path / "out.psd")
    save_document(doc, out)
    assert effects_of(out) == effects_of(STROKE_FILE)

    def frames(path):
        return {n.name: [plain(e.descriptor) for e in n.effects
                         if type(e).__name__ == "Stroke"]
                for n in PSDImage.open(path).descendants() if n.has_effects()}

    assert frames(out) == frames(STROKE_FILE)  # every key, in its order, as it was
    again = {n.name: n.effects for n in open_document(out).root.walk() if n.effects}
    assert again["Gradient"].strokes == (gradient,) and again["Pattern"].strokes == (pattern,)


def test_a_photoshop_gradient_stroke_edited_and_written(tmp_path):
    """stroke-effects.psd's gradient stroke made Shape Burst at 45 degrees and its pattern
    stroke's scale halved: written into their entries, the keys we do not model (the
    gradient's name, the stroke's colour, Link with Layer) kept; read back as edited."""
    doc = open_document(STROKE_FILE)
    nodes = {n.name: n for n in doc.root.walk()}
    gradient, pattern = (nodes[k].effects.strokes[0] for k in ("Gradient", "Pattern"))
    edited = replace(gradient, shape_burst=True, gradient=replace(gradient.gradient, angle=45.0))
    doc.set_effects(nodes["Gradient"], replace(nodes["Gradient"].effects, strokes=(edited,)))
    scaled = replace(pattern, pattern=replace(pattern.pattern, scale=50.0))
    doc.set_effects(nodes["Pattern"], replace(nodes["Pattern"].effects, strokes=(scaled,)))
    out = str(tmp_path / "edited.psd")
    save_document(doc, out)
    layers = {n.name: n for n in PSDImage.open(out).descendants()}
    written = next(layers["Gradient"].effects.find("Stroke"))
    assert written.descriptor[b"Type"].enum == b"shapeburst" and written.angle == 45.0
    assert "BlueYellowBlue" in str(written.gradient[b"Nm  "])
    assert [round(float(written.descriptor[b"Clr "][k])) for k in (b"Rd  ", b"Grn ")] == [0, 255]
    written = next(layers["Pattern"].effects.find("Stroke"))
    assert written.descriptor[b"Scl "].value == 50.0 and bool(written.descriptor[b"Lnkd"])
    again = {n.name: n.effects for n in open_document(out).root.walk() if n.effects}
    assert again["Gradient"].strokes == (edited,) and again["Pattern"].strokes == (scaled,)


def plain(value):
    """A descriptor's value as plain Python (keys in order, enumerations and units kept)."""
    if hasattr(value, "items"):
        return [(k, plain(v)) for k, v in value.items()]
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    parts = [getattr(value, k) for k in ("typeID", "enum", "unit", "value")
             if hasattr(value, k)]
    return (type(value).__name__, *map(str, parts)) if parts else value


# -- Bevel & Emboss: Chisel Hard, Chisel Soft, Stroke Emboss -------------------------------

def square(size: int = 40, side: int = 24) -> np.ndarray:
    a = np.zeros((size, size), np.float32)
    lo = (size - side) // 2
    a[lo:lo + side, lo:lo + side] = 1.0
    return a


def test_chisel_profiles_follow_the_distance_transform():
    """Chisel Hard's height: straight slopes from the exact distance (scipy's transform),
    1/2 on the edge, 1 at `size` inside, 0 at `size` outside; Chisel Soft's the same
    blurred (never further from it than its blur allows, but not equal to it)."""
    a = square()
    reference = np.clip(0.5 - signed_distance(a) / 12.0, 0, 1)
    hard = chisel_profile(a, 6.0)
    assert np.abs(hard - reference).max() < 1e-5
    soft = chisel_profile(a, 6.0, soft=True)
    assert np.abs(soft - reference).max() > 0.02
    assert np.abs(soft - reference).mean() < 0.02
    assert soft[20, 20] == pytest.approx(1.0, abs=1e-3) and soft[0, 0] < 1e-3


def column_light(bevel: BevelEmboss) -> np.ndarray:
    """The inside highlight down the middle column of a square lit from above."""
    inside, _ = bevel_light(square(), bevel)
    return inside[0][:, 20]


def test_chisel_hard_is_a_flat_facet_where_smooth_is_curved():
    """An Inner Bevel of size 6 lit from straight above (90 degrees): Chisel Hard's top
    facet (rows 8..13: inside the top edge at row 8, up to 6 px in) is lit evenly and the
    plateau beyond it not at all; Smooth's light changes along the same rows; Chisel
    Soft's lies in between, its facet not even but its plateau dark."""
    hard = BevelEmboss(size=6.0, technique="chisel_hard", angle=90.0, altitude=30.0)
    facet = column_light(hard)[9:13]
    assert facet.min() > 0.2 and np.ptp(facet) < 1e-4
    assert column_light(hard)[15:25].max() < 1e-6
    smooth = column_light(replace(hard, technique="smooth"))[9:13]
    assert np.ptp(smooth) > 0.05
    soft = column_light(replace(hard, technique="chisel_soft"))
    assert np.ptp(soft[9:13]) > 1e-3 and soft[18:23].max() < 1e-3


def test_chisel_and_stroke_emboss_round_trip_through_psd(tmp_path):
    """Chisel Hard ('PrBL'), Chisel Soft ('Slmt') and Stroke Emboss ('strokeEmboss') are
    written as Photoshop's codes (psd-tools reads them) and read back as ours."""
    stroke = Stroke(size=4.0, color=(200, 40, 40))
    for technique, code in (("chisel_hard", b"PrBL"), ("chisel_soft", b"Slmt")):
        bevel = BevelEmboss(style="stroke_emboss", technique=technique, size=3.0)
        doc, _, _ = scene(LayerEffects(strokes=(stroke,), bevels=(bevel,)))
        out = str(tmp_path / f"{technique}.psd")
        save_document(doc, out)
        read = next(next(n for n in PSDImage.open(out).descendants()
                         if n.name == "Styled").effects.find("BevelEmboss"))
        assert read.descriptor[b"bvlT"].enum == code
        assert read.descriptor[b"bvlS"].enum == b"strokeEmboss"
        styled = next(n for n in open_document(out).root.walk() if n.name == "Styled")
        assert styled.effects.bevels == (bevel,) and not styled.effects.others
        assert np.array_equal(composite_document(open_document(out)), composite_document(doc))


def test_stroke_emboss_is_drawn_only_on_a_stroke():
    """A Stroke Emboss on a layer without a stroke draws nothing; with an outside stroke it
    lights the stroke's ring, outside the layer (a raised frame lit from above: its outer
    edge lighter on the top side, darker below) and nothing beyond it."""
    bevel = BevelEmboss(style="stroke_emboss", size=3.0, angle=90.0, highlight_opacity=100.0,
                        shadow_opacity=100.0)
    plain = composite_document(scene(None)[0]).astype(int)
    assert np.array_equal(composite_document(scene(LayerEffects(bevels=(bevel,)))[0]), plain)
    stroke = Stroke(size=5.0, color=(120, 120, 120))
    doc, _, layer = scene(LayerEffects(strokes=(stroke,)))
    stroked = composite_document(doc).astype(int)
    doc.set_effects(layer, LayerEffects(strokes=(stroke,), bevels=(bevel,)))
    embossed = composite_document(doc).astype(int)
    ring = stroke_grown(canvas_alpha(layer), 5.0) - canvas_alpha(layer)
    changed = np.abs(embossed - stroked).max(-1) > 0
    assert changed.any() and (ring[changed] > 0).all()
    # The ring's outer top edge (row 10, above the layer's top row 14) lit, its bottom
    # outer edge (row 27, below its last row 23) shaded; the layer's opaque pixels as they
    # were (the stroke shows through its translucent hole).
    assert embossed[10, 22, 0] > stroked[10, 22, 0] + 20
    assert embossed[27, 22, 0] < stroked[27, 22, 0] - 20
    opaque = canvas_alpha(layer) == 1
    assert opaque.sum() > 80 and np.array_equal(embossed[opaque], stroked[opaque])


# -- the Layer Style dialog ------------------------------------------------------------------

def test_stroke_fill_type_gradient_from_the_dialog(qtbot, tmp_path, monkeypatch):
    """The Stroke page's Fill Type set to Gradient in the window's Layer Style dialog: the
    colour row hidden and the gradient's shown, the canvas's stroke no longer its colour
    while the dialog is open, OK one undo step, undo back to the plain layer."""
    from test_ui_layer_style import in_dialog, screen, square_window

    w, square_layer, plain, steps = square_window(qtbot, tmp_path, monkeypatch)
    doc = w.doc
    w.menus["layer_style"].aboutToShow.emit()

    def drive(dialog, seen):
        assert dialog.kinds.currentItem().text() == "Stroke"
        dialog.findChild(QDoubleSpinBox, "StrokesSize").setValue(4)
        seen["color"] = screen(w)
        form = dialog.widgets[("strokes", "color")].parentWidget().layout()
        assert form.isRowVisible(dialog.widgets[("strokes", "color")])
        assert not form.isRowVisible(dialog.widgets[("strokes", "gradient")])
        fill_type = dialog.findChild(QComboBox, "StrokesFillType")
        fill_type.setCurrentIndex(fill_type.findData("gradient"))
        assert not form.isRowVisible(dialog.widgets[("strokes", "color")])
        assert form.isRowVisible(dialog.widgets[("strokes", "gradient")])
        seen["gradient"] = screen(w)
        assert doc.history.count == steps

    seen = in_dialog(qtbot, w.actions["style_stroke"].trigger, drive)
    # The square spans x 20..35, y 14..29: its stroke 4 px round it, black at first, then
    # the default gradient (black to white, 90 degrees: dark below, light above).
    assert (seen["color"][11:14, 20:36] < 40).all()
    assert (seen["gradient"][11:14, 20:36] > 150).all()
    assert (seen["gradient"][30:33, 20:36] < 100).all()
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Layer Style"
    stroke = square_layer.effects.strokes[0]
    assert (stroke.fill_type, stroke.size) == ("gradient", 4.0)
    assert np.array_equal(screen(w), seen["gradient"])
    w.actions["undo"].trigger()
    assert square_layer.effects is None and np.array_equal(screen(w), plain)
