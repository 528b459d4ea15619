"""Layer effects (layer styles): a Photoshop file's effects kept through Open -> Save (psd-tools
reads the same effects from our file), Hide All Effects written as the master switch, Drop
Shadow / Stroke / Color Overlay drawn in the composite against a numpy reference of their
definitions (layer_effects.py), and against Photoshop's own merged image of psd-tools'
layer_effects.psd; a Stroke's and a Drop Shadow's own blend mode; Fill opacity, also on a
clipping base (its clipped layers keep its full shape: composite, screen, drag stand-ins,
Merge Down, Flatten, the PSD's merged image); the window's "fx" mark, Layer > Layer Style
> Hide All Effects and undo."""
from __future__ import annotations

import os
from dataclasses import replace

import numpy as np
import pytest
from psd_tools import PSDImage
from scipy.ndimage import distance_transform_edt, grey_dilation, uniform_filter

from editor.model import Document, Layer
from editor.model.files import open_document, save_document
from editor.model.layer_effects import (ColorOverlay, DropShadow, LayerEffects, Stroke,
                                        with_first)
from editor.model.render import composite_document

from reference_compositing import blend_onto, premultiplied

FILES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "psd_tools_files")
EFFECTS_FILE = os.path.join(FILES, "layer_effects.psd")


def effects_of(path: str) -> list:
    """(layer name, master switch, [(kind, enabled, opacity, size, distance, angle, colour)])
    as psd-tools reads them."""
    out = []
    for layer in PSDImage.open(path).descendants():
        if not layer.has_effects():
            continue
        kinds = []
        for e in layer.effects:
            color = getattr(e, "color", None)
            kinds.append((type(e).__name__, e.enabled, e.opacity, getattr(e, "size", None),
                          getattr(e, "distance", None), getattr(e, "angle", None),
                          None if color is None else tuple(round(float(color[k]))
                                                           for k in color if k != b"Bk  ")))
        out.append((layer.name, layer.effects.enabled, kinds))
    return out


def test_photoshop_effects_survive_open_and_save(tmp_path):
    doc = open_document(EFFECTS_FILE)
    styled = {n.name: n.effects for n in doc.root.walk() if n.effects is not None}
    assert len(styled) == 12
    shadow = styled["Drop Shadow"].drop_shadows[0]
    assert (shadow.opacity, shadow.size, shadow.distance, shadow.angle, shadow.blend_mode) == \
        (35.0, 41.0, 18.0, 90.0, "multiply")
    assert styled["Stroke"].strokes[0].position == "outside"
    # Every effect of this file is drawn (bevels and satin too): none named as kept only.
    assert not any(e.others for e in styled.values())
    assert not any("not draw" in w for w in doc.warnings)
    out = str(tmp_path / "out.psd")
    save_document(doc, out)
    assert effects_of(out) == effects_of(EFFECTS_FILE)
    again = open_document(out)
    assert {n.name: n.effects for n in again.root.walk() if n.effects is not None} == styled


def test_hide_all_effects_is_saved_and_undone(tmp_path):
    doc = open_document(os.path.join(FILES, "effects-enabled.psd"))
    drawn = composite_document(doc)
    doc.set_effects_visible(False)
    assert all(not n.effects.enabled for n in doc.root.walk() if n.effects is not None)
    hidden = composite_document(doc)
    assert not np.array_equal(hidden, drawn)  # Layer 1's colour overlay is no longer drawn
    out = str(tmp_path / "hidden.psd")
    save_document(doc, out)
    assert all(not enabled for _, enabled, _ in effects_of(out))
    doc.history.undo()
    assert np.array_equal(composite_document(doc), drawn)
    doc.set_effects(doc.root.children[1], None, "Clear Layer Style")
    save_document(doc, out)
    assert not PSDImage.open(out)[1].has_effects()


def raw_effect(path: str, layer_name: str, class_id: bytes):
    """The first present entry of class `class_id` in the layer's 'lfx2' descriptor, and the
    layer's tagged block keys."""
    from psd_tools.constants import Tag
    from psd_tools.psd.descriptor import List

    layer = next(n for n in PSDImage.open(path).descendants() if n.name == layer_name)
    data = layer.tagged_blocks.get_data(Tag.OBJECT_BASED_EFFECTS_LAYER_INFO)
    for value in data.values():
        for entry in (value if isinstance(value, List) else [value]):
            if getattr(entry, "classID", None) == class_id and entry.get(b"present"):
                return entry, set(layer.tagged_blocks.keys())
    return None, set(layer.tagged_blocks.keys())


def test_edited_effects_of_a_photoshop_file_are_written(tmp_path):
    """The Drop Shadow layer's shadow moved, recoloured and resized; a stroke added to the
    Color Fill layer (whose file has a Stroke entry Photoshop keeps unlisted): psd-tools
    reads the new values back, every other layer's effects and every other key as they
    were, and the edited layers' legacy 'lrFX' block is gone (it would contradict)."""
    from psd_tools.constants import Tag

    doc = open_document(EFFECTS_FILE)
    nodes = {n.name: n for n in doc.root.walk()}
    shadow_layer, fill_layer = nodes["Drop Shadow"], nodes["Color Fill"]
    old = shadow_layer.effects.drop_shadows[0]
    new = DropShadow(True, (200, 30, 10), 60.0, 45.0, 11.0, 20.0, 7.0, "normal", False)
    doc.set_effects(shadow_layer, with_first(shadow_layer.effects, "drop_shadows", new))
    stroke = Stroke(True, "inside", 4.0, (10, 220, 30), 80.0, "multiply")
    doc.set_effects(fill_layer, with_first(fill_layer.effects, "strokes", stroke))
    out = str(tmp_path / "edited.psd")
    save_document(doc, out)

    before, after = dict((n, k) for n, _, k in effects_of(EFFECTS_FILE)), \
        dict((n, k) for n, _, k in effects_of(out))
    assert after["Drop Shadow"][0] == ("DropShadow", True, 60.0, 7.0, 11.0, 45.0, (200, 30, 10))
    assert after["Drop Shadow"][1:] == before["Drop Shadow"][1:]
    assert ("Stroke", True, 80.0, 4.0, None, 0.0, (10, 220, 30)) in after["Color Fill"]
    assert [e for e in after["Color Fill"] if e[0] != "Stroke"] == before["Color Fill"]
    assert {n: k for n, k in after.items() if n not in ("Drop Shadow", "Color Fill")} == \
        {n: k for n, k in before.items() if n not in ("Drop Shadow", "Color Fill")}
    psd_stroke = next(e for e in PSDImage.open(out).descendants()
                      if e.name == "Color Fill").effects.find("Stroke")
    stroke_read = next(psd_stroke)
    assert stroke_read.position.name == "INSIDE" and stroke_read.blend_mode.name == "MULTIPLY"
    entry, keys = raw_effect(out, "Drop Shadow", b"DrSh")
    original, old_keys = raw_effect(EFFECTS_FILE, "Drop Shadow", b"DrSh")
    assert list(entry.keys()) == list(original.keys())  # (the contour, noise... kept)
    assert entry[b"TrnS"][b"Nm  "] == original[b"TrnS"][b"Nm  "]
    assert Tag.EFFECTS_LAYER in old_keys and Tag.EFFECTS_LAYER not in keys
    assert Tag.EFFECTS_LAYER in raw_effect(out, "Stroke", b"FrFX")[1]  # not edited: kept
    again = {n.name: n.effects for n in open_document(out).root.walk()}
    assert again["Drop Shadow"].drop_shadows == (new,) and old != new
    assert again["Color Fill"].strokes == (stroke,)


def test_a_new_style_is_written_as_photoshop_writes_it(tmp_path):
    doc, _, layer = scene(None)
    shadow = DropShadow(True, (0, 0, 90), 50.0, 30.0, 8.0, 0.0, 4.0, "multiply", True)
    overlay = ColorOverlay(False, (0, 255, 0), 40.0, "screen")
    doc.set_effects(layer, LayerEffects(drop_shadows=(shadow,), color_overlays=(overlay,)))
    out = str(tmp_path / "new.psd")
    save_document(doc, out)
    read = dict((n, (on, k)) for n, on, k in effects_of(out))
    # No global light in this document: psd-tools reads a global angle of 30 degrees,
    # which is this shadow's, so it is written as using it.
    assert read["Styled"] == (True, [("DropShadow", True, 50.0, 4.0, 8.0, 30.0, (0, 0, 90)),
                                     ("ColorOverlay", False, 40.0, None, None, None,
                                      (0, 255, 0))])
    entry, keys = raw_effect(out, "Styled", b"DrSh")
    assert bool(entry[b"uglg"]) and list(entry.keys())[:3] == [b"enab", b"present",
                                                                b"showInDialog"]
    again = next(n for n in open_document(out).root.walk() if n.name == "Styled")
    assert again.effects.drop_shadows == (shadow,)
    assert again.effects.color_overlays == (overlay,)
    doc.set_effects(layer, with_first(layer.effects, "drop_shadows",
                                      DropShadow(angle=100.0, use_global_light=True)))
    save_document(doc, out)
    entry, _ = raw_effect(out, "Styled", b"DrSh")
    assert not bool(entry[b"uglg"])  # not the global angle: written as its own
    assert [k[0][5] for _, _, k in effects_of(out)] == [100.0]


# -- the composite against the effects' definitions ---------------------------------------

W, H = 48, 40


def scene(effects: LayerEffects) -> tuple[Document, np.ndarray, Layer]:
    doc = Document(W, H)
    background = np.zeros((H, W, 4), np.uint8)
    background[...] = (200, 180, 90, 255)
    layer_pixels = np.zeros((14, 18, 4), np.uint8)
    layer_pixels[2:12, 3:15] = (30, 120, 220, 255)
    layer_pixels[5:9, 6:10, 3] = 128  # a translucent hole
    top = Layer("Styled", layer_pixels, 14, 12)
    top.effects = effects
    for node in (Layer("Background", background), top):
        node.parent = doc.root
        doc.root.children.append(node)
    return doc, background, top


def canvas_alpha(layer: Layer) -> np.ndarray:
    a = np.zeros((H, W))
    a[layer.y:layer.y + layer.height, layer.x:layer.x + layer.width] = layer.pixels[..., 3] / 255
    return a


def grown(alpha: np.ndarray, r: float) -> np.ndarray:
    """The shape (alpha >= 1/2) grown by r with a one-pixel ramp, as the definition says."""
    if r <= 0:
        return alpha
    return np.maximum(alpha, np.clip(r + 0.5 - distance_transform_edt(alpha < 0.5), 0, 1))


def shadow_cover(alpha: np.ndarray, size: float, spread: float) -> np.ndarray:
    """A drop shadow's, an outer glow's or a satin's coverage, as the definition says
    (Photoshop's, measured): the spread rounded to whole pixels, each pixel the largest
    alpha within that distance (a disc), then two box blurs of 2 * r + 1 pixels, r half of
    what is left of the size, rounded down; scipy's filters, nothing beyond the array."""
    grow = int(np.floor(size * spread / 100 + 0.5))
    if grow > 0:
        y, x = np.mgrid[-grow:grow + 1, -grow:grow + 1]
        alpha = grey_dilation(alpha, footprint=x * x + y * y <= grow * grow, mode="constant")
    r = int((size - grow) // 2)
    for _ in range(2 if r > 0 else 0):
        alpha = uniform_filter(alpha, 2 * r + 1, mode="constant")
    return alpha


def stroke_grown(alpha: np.ndarray, r: float) -> np.ndarray:
    """A stroke's shape grown by r from its edge, as the definition says: the edge lies
    alpha - 1/2 beyond a pixel's centre (half a pixel beyond an opaque one), each pixel
    covered by max over q of alpha(q) - |p - q| + r (an opaque pixel, 254.5/255 and up,
    counted as 1): scipy's exact distance from the opaque pixels, and each partly
    transparent pixel's reach computed one by one."""
    opaque = alpha >= 254.5 / 255
    best = 1.0 - distance_transform_edt(~opaque) if opaque.any() else \
        np.full(alpha.shape, -np.inf)
    gy, gx = np.mgrid[:alpha.shape[0], :alpha.shape[1]]
    for y, x in zip(*np.nonzero((alpha > 0) & ~opaque)):
        best = np.maximum(best, alpha[y, x] - np.hypot(gy - y, gx - x))
    return np.maximum(alpha, np.clip(best + r, 0, 1))


def within(own: np.ndarray, paint: np.ndarray, shape: np.ndarray) -> np.ndarray:
    """An inside stroke `paint` (straight RGBA) laid within the shape `shape` over the
    layer `own` (straight RGBA), as the definition says: where it covers w = paint alpha /
    shape of the shape, w of its colour over the shape's coverage and 1 - w of the layer."""
    w = np.where(shape > 0, np.clip(paint[..., 3] / np.maximum(shape, 1e-12), 0, 1), 0)
    a = w * shape + (1 - w) * own[..., 3]
    rgb = paint[..., :3] * (w * shape)[..., None] + own[..., :3] * ((1 - w) * own[..., 3])[..., None]
    return np.concatenate([rgb / np.maximum(a, 1e-9)[..., None], a[..., None]], -1)


def straight(rgb, alpha) -> np.ndarray:
    out = np.empty(alpha.shape + (4,))
    out[..., :3] = np.asarray(rgb, float) / 255
    out[..., 3] = alpha
    return out


def unpremultiplied(out: np.ndarray) -> np.ndarray:
    return np.concatenate([out[..., :3] / np.maximum(out[..., 3:4], 1e-9), out[..., 3:4]], -1)


def check(doc: Document, reference: np.ndarray) -> None:
    ours = composite_document(doc).astype(int)
    ref = np.clip(np.rint(reference * 255), 0, 255).astype(int)
    assert np.abs(ours - ref).max() <= 2


def test_the_first_of_several_drop_shadows_lies_on_top():
    """Photoshop draws a layer's drop shadows from the last listed ('dropShadowMulti', as
    its Layer Style dialog lists them) to the first, the first on top (Aspose .NET's
    548_Example.psd, `test_aspose_psd_composites`): where two opaque, hard shadows at the
    same offset meet, the first one's colour shows."""
    red = DropShadow(color=(255, 0, 0), opacity=100.0, angle=135.0, distance=6.0, size=0.0,
                     blend_mode="normal")
    blue = replace(red, color=(0, 0, 255))
    doc, _, layer = scene(LayerEffects(drop_shadows=(red, blue)))
    shown = composite_document(doc).astype(int)
    # Right of and below the layer's opaque box (x 17..28, y 14..23), 2-3 pixels off it.
    assert tuple(shown[14 + 10 + 2, 17 + 12 + 2, :3]) == (255, 0, 0)
    doc, _, layer = scene(LayerEffects(drop_shadows=(blue, red)))
    assert tuple(composite_document(doc)[14 + 10 + 2, 17 + 12 + 2, :3]) == (0, 0, 255)


@pytest.mark.parametrize("spread,added,mode", [(0.0, False, "multiply"),
                                               (40.0, False, "multiply"),
                                               (40.0, True, "multiply"), (0.0, False, "screen")])
def test_drop_shadow_matches_its_definition(spread, added, mode):
    shadow = DropShadow(color=(40, 0, 60), opacity=70.0, angle=135.0, distance=6.0,
                        spread=spread, size=5.0, blend_mode=mode)
    if added:  # a layer without a style given one (the Layer Style dialog's OK), one step
        doc, background, layer = scene(None)
        plain = composite_document(doc)
        doc.set_effects(layer, with_first(layer.effects, "drop_shadows", shadow))
        assert doc.history.undo_name() == "Layer Style"
    else:
        doc, background, layer = scene(LayerEffects(drop_shadows=(shadow,)))
    a = canvas_alpha(layer)
    cover = shadow_cover(a, 5.0, spread)
    # Light from 135 degrees (upper left): the shadow falls 4 right, 4 down.
    moved = np.zeros_like(cover)
    moved[4:, 4:] = cover[:-4, :-4]
    out = blend_onto(premultiplied(background), straight((40, 0, 60), moved * 0.7),
                     mode, 1.0)
    out = blend_onto(out, layer.canvas_crop(doc.canvas) / 255.0, "normal", 1.0)
    check(doc, unpremultiplied(out))
    if added:
        doc.history.undo()
        assert layer.effects is None and np.array_equal(composite_document(doc), plain)


@pytest.mark.parametrize("position", ["outside", "inside", "center"])
def test_stroke_matches_its_definition(position):
    stroke = Stroke(position=position, size=3.0, color=(250, 20, 20), opacity=80.0)
    doc, background, layer = scene(LayerEffects(strokes=(stroke,)))
    a = canvas_alpha(layer)
    own = layer.canvas_crop(doc.canvas) / 255.0
    if position == "outside":
        paint = straight((250, 20, 20), stroke_grown(a, 3.0) * 0.8)
        styled = [paint, own]
    elif position == "inside":  # within the shape: never more opaque than it
        ring = a - np.minimum(a, 1 - stroke_grown(1 - a, 3.0))
        styled = [within(own, straight((250, 20, 20), ring * 0.8), a), np.zeros((H, W, 4))]
    else:
        ring = stroke_grown(a, 1.5) - (1 - stroke_grown(1 - a, 1.5))
        styled = [own, straight((250, 20, 20), ring * 0.8)]
    layer_only = blend_onto(np.zeros((H, W, 4)), styled[0], "normal", 1.0)
    layer_only = blend_onto(layer_only, styled[1], "normal", 1.0)
    alpha = layer_only[..., 3:4]
    rgba = np.concatenate([layer_only[..., :3] / np.maximum(alpha, 1e-9), alpha], -1)
    out = blend_onto(premultiplied(background), rgba, "normal", 1.0)
    check(doc, unpremultiplied(out))


@pytest.mark.parametrize("position", ["outside", "inside"])
def test_stroke_blend_mode_matches_its_definition(position, tmp_path):
    """A Stroke in Multiply (the descriptor's 'Md  '): its own image blended onto what lies
    below in its mode, as a shadow is. Outside: the ring outside the shape, under the
    layer (multiplied with the background); inside: over the layer (multiplied with it).
    Written back as Multiply, which psd-tools and our reader read."""
    stroke = Stroke(position=position, size=3.0, color=(250, 120, 20), opacity=80.0,
                    blend_mode="multiply")
    doc, background, layer = scene(LayerEffects(strokes=(stroke,)))
    a = canvas_alpha(layer)
    own = layer.canvas_crop(doc.canvas) / 255.0
    out = premultiplied(background)
    if position == "outside":
        ring = stroke_grown(a, 3.0) - a
        out = blend_onto(out, straight((250, 120, 20), ring * 0.8), "multiply", 1.0)
        out = blend_onto(out, own, "normal", 1.0)
    else:
        ring = a - np.minimum(a, 1 - stroke_grown(1 - a, 3.0))
        out = blend_onto(out, own, "normal", 1.0)
        out = blend_onto(out, straight((250, 120, 20), ring * 0.8), "multiply", 1.0)
    check(doc, unpremultiplied(out))
    # Not what a Normal stroke draws (the background's or the layer's colour shows).
    normal = composite_document(scene(LayerEffects(strokes=(replace(
        stroke, blend_mode="normal"),)))[0]).astype(int)
    assert np.abs(composite_document(doc).astype(int) - normal).max() > 40
    path = str(tmp_path / "stroke.psd")
    save_document(doc, path)
    psd_layer = next(n for n in PSDImage.open(path).descendants() if n.name == "Styled")
    written = next(psd_layer.effects.find("Stroke"))
    assert written.blend_mode.name == "MULTIPLY" and written.opacity == 80.0
    again = next(n for n in open_document(path).root.walk() if n.name == "Styled")
    assert again.effects.strokes == (stroke,)
    assert np.array_equal(composite_document(open_document(path)), composite_document(doc))


def test_color_overlay_matches_its_definition():
    overlay = ColorOverlay(color=(0, 200, 40), opacity=60.0, blend_mode="multiply")
    doc, background, layer = scene(LayerEffects(color_overlays=(overlay,)))
    own = layer.canvas_crop(doc.canvas) / 255.0
    color = np.asarray((0, 200, 40)) / 255.0
    rgb = own[..., :3] + (own[..., :3] * color - own[..., :3]) * 0.6
    out = blend_onto(premultiplied(background), np.concatenate([rgb, own[..., 3:4]], -1),
                     "normal", 1.0)
    check(doc, unpremultiplied(out))


def test_drawn_effects_against_photoshops_merged_image():
    """Photoshop's own pixels: the Color Fill, Stroke and Drop Shadow text layers of
    layer_effects.psd over its colour-overlaid background (mean error in levels)."""
    doc = open_document(EFFECTS_FILE)
    ps = np.asarray(PSDImage.open(EFFECTS_FILE).topil().convert("RGBA")).astype(float)
    ours = composite_document(doc).astype(float)
    errors = {}
    for name in ("Color Fill", "Stroke", "Drop Shadow"):
        layer = next(n for n in doc.root.walk() if n.name == name)
        box = layer.bounds().intersect(doc.canvas)
        errors[name] = np.abs(ours[box.slices()][..., :3] - ps[box.slices()][..., :3]).mean()
    assert errors["Color Fill"] < 1.0 and errors["Stroke"] < 4.0 and errors["Drop Shadow"] < 0.5


def test_window_fx_mark_hide_all_effects_and_undo(qtbot, tmp_path, monkeypatch):
    from ui_helpers import make_window

    window = make_window(qtbot, tmp_path, monkeypatch)
    path = os.path.join(FILES, "effects-enabled.psd")
    monkeypatch.setattr("editor.ui.dialogs.ask_open_paths", lambda *a, **k: [path])
    window.actions["open"].trigger()
    qtbot.waitUntil(lambda: len(window.sessions) == 1, timeout=10000)
    doc = window.doc
    styled = doc.root.children[1]
    panel = window.layers_panel.list
    assert not panel.fx_rect(styled).isEmpty()
    assert panel.fx_rect(doc.root.children[0]).isEmpty()  # the background has no style
    action = window.actions["effects_hide_all"]
    window.menus["layer_style"].aboutToShow.emit()
    # Layer 3's style is switched off in the file: the item shows them all first.
    assert action.text().replace("&", "") == "Show All Effects"
    action.trigger()
    assert all(n.effects.enabled for n in doc.root.walk() if n.effects is not None)
    drawn = composite_document(doc)
    window.menus["layer_style"].aboutToShow.emit()
    assert action.text().replace("&", "") == "Hide All Effects"
    action.trigger()
    assert not styled.effects.enabled
    assert not np.array_equal(composite_document(doc), drawn)
    window.actions["undo"].trigger()
    assert styled.effects.enabled
    assert np.array_equal(composite_document(doc), drawn)
    doc.set_active(styled)
    window.actions["style_clear"].trigger()
    assert styled.effects is None and panel.fx_rect(styled).isEmpty()


# -- fill (shape) layers and fill opacity ------------------------------------------------

def test_shape_layer_stroke_and_shadow_match_their_definition(monkeypatch):
    """A rectangle shape layer (a Solid Color fill through its path) with a 4 px outside
    Stroke and a Drop Shadow: drawn from its path's coverage as a pixel layer's are."""
    from editor.model import adjustment_ops

    doc, background, layer = scene(None)
    layer.visible = False
    shape = adjustment_ops.add_shape(doc, "rectangle", (12, 10, 30, 24), (30, 120, 220))
    shadow = DropShadow(color=(40, 0, 60), opacity=70.0, angle=135.0, distance=6.0,
                        size=5.0, blend_mode="multiply")
    stroke = Stroke(position="outside", size=4.0, color=(250, 20, 20), opacity=80.0)
    doc.set_effects(shape, LayerEffects(drop_shadows=(shadow,), strokes=(stroke,)))
    a = np.zeros((H, W))
    a[10:24, 12:30] = 1.0
    cover = shadow_cover(a, 5.0, 0.0)
    moved = np.zeros_like(cover)
    moved[4:, 4:] = cover[:-4, :-4]
    out = blend_onto(premultiplied(background), straight((40, 0, 60), moved * 0.7),
                     "multiply", 1.0)
    own = blend_onto(np.zeros((H, W, 4)), straight((250, 20, 20), stroke_grown(a, 4.0) * 0.8),
                     "normal", 1.0)
    own = blend_onto(own, straight((30, 120, 220), a), "normal", 1.0)
    out = blend_onto(out, unpremultiplied(own), "normal", 1.0)
    check(doc, unpremultiplied(out))
    # The shape's pixels stay kept: a redraw does not make them again.
    from editor.model import render

    made = []
    original = type(shape).content
    monkeypatch.setattr(type(shape), "content",
                        lambda self, *a, **k: made.append(1) or original(self, *a, **k))
    composite_document(doc)
    assert made == [] and render._styled_cache.get(shape) is not None


@pytest.mark.parametrize("fill", [0, 128])
def test_fill_opacity_fades_the_layer_not_its_stroke(fill):
    """Photoshop's Fill: the layer's own pixels at `fill`, its outside stroke (made from its
    full alpha) at the layer's opacity; without effects fill and opacity multiply."""
    stroke = Stroke(position="outside", size=3.0, color=(250, 20, 20), opacity=100.0)
    doc, background, layer = scene(LayerEffects(strokes=(stroke,)))
    layer.fill_opacity = fill
    layer.opacity = 204
    a = canvas_alpha(layer)
    own = layer.canvas_crop(doc.canvas) / 255.0
    own[..., 3] *= fill / 255
    ring = stroke_grown(a, 3.0) - a  # outside the shape only: none under the faded layer
    styled = blend_onto(np.zeros((H, W, 4)), straight((250, 20, 20), ring), "normal", 1.0)
    styled = blend_onto(styled, own, "normal", 1.0)
    out = blend_onto(premultiplied(background), unpremultiplied(styled), "normal", 204 / 255)
    check(doc, unpremultiplied(out))
    if fill == 0:  # only the stroke shows: inside the layer, the background
        shown = composite_document(doc)
        assert (shown[14:17, 17:29, :3] == (200, 180, 90)).all()  # (above its hole)
    layer.effects = None
    plain = blend_onto(premultiplied(background), layer.canvas_crop(doc.canvas) / 255.0,
                       "normal", 204 / 255 * fill / 255)
    check(doc, unpremultiplied(plain))


def test_shape_strokes_against_photoshops_merged_image():
    """psd-tools' stroke-effects.psd: shape layers (gradient fills through their paths) with
    a solid-colour outside stroke. Photoshop strokes the path, where its gradient fades out
    too; ours inside the stroke's band (clear of its antialiased rim) against Photoshop's
    merged image: exact (measured: 0 levels on average, at most 2)."""
    from editor.model.layer_effects import dilate

    path = os.path.join(FILES, "stroke-effects.psd")
    doc = open_document(path)
    assert not any("draws effects on pixel" in w for w in doc.warnings)
    ps = np.asarray(PSDImage.open(path).topil().convert("RGBA")).astype(float)
    ours = composite_document(doc).astype(float)
    names = ("Shape Rectangle", "Shape Ellipse", "Shape OutsetFrame", "Solid color")
    for name in names:
        node = next(n for n in doc.root.walk() if n.name == name)
        assert node.kind == "fill" and node.effects.strokes[0].position == "outside"
        coverage = node.active_mask().coverage(doc.canvas) / 255.0
        band = (dilate(coverage, node.effects.strokes[0].size) - coverage) > 0.99
        assert band.sum() > 100
        error = np.abs(ours[band][:, :3] - ps[band][:, :3])
        assert error.mean() < 1.0 and error.max() <= 4, (name, error.mean(), error.max())


def test_inside_stroke_of_a_fading_layer_against_photoshops_merged_image():
    """stroke-effects.psd's Raster InsetFrame: a red pixel layer whose alpha fades out in a
    ramp, with a 3 px green inside Stroke. Every pixel of the ramp lies within 3 px of a
    less opaque one: Photoshop paints all of it green at the layer's own alpha. Compositing
    the stroke over the layer (as we did) raised the alpha (64 levels at most) and let the
    red through: 16.4 levels off on average there; laid within the shape, 0.11, the alpha
    exact."""
    path = os.path.join(FILES, "stroke-effects.psd")
    doc = open_document(path)
    node = next(n for n in doc.root.walk() if n.name == "Raster InsetFrame")
    assert node.kind == "pixel" and node.effects.strokes[0].position == "inside"
    ps = np.asarray(PSDImage.open(path).topil().convert("RGBA")).astype(float)
    ours = composite_document(doc).astype(float)
    box = np.s_[node.y:node.y + node.height, node.x:node.x + node.width]
    assert (ps[box][..., 3] < 255).sum() > 200  # the ramp

    def on_white(rgba):
        return rgba[..., :3] * rgba[..., 3:] / 255 + 255 * (1 - rgba[..., 3:] / 255)

    error = np.abs(on_white(ours[box]) - on_white(ps[box]))
    assert error.mean() < 0.3, error.mean()
    assert np.abs(ours[box][..., 3] - ps[box][..., 3]).max() <= 1


# stroke-effects.psd's layers with a Stroke effect round soft or antialiased pixels: the
# box (x0, y0, x1, y1) compared and the mean error bound (levels, on white). Measured with
# each partly transparent pixel reaching by its own alpha: 0.09, 0.02, 0.12, 0.15, 1.83,
# 1.18; with the five levels of alpha before it: 0.91, 1.07, 1.86, 0.87, 5.73, 4.00.
STROKED_SOFT = {"Raster OutsetFrame": ((0, 62, 25, 92), 0.3),
                "Raster CenterFrame": ((59, 62, 84, 92), 0.3),
                "Raster Rectangle": ((60, 0, 90, 29), 0.4),
                "Raster Ellipse": ((90, 0, 118, 28), 0.4),
                "Effect OutsetFrame": ((0, 96, 29, 125), 2.2),
                "Effect InsetFrame copy": ((60, 96, 89, 125), 1.5)}


def test_strokes_round_soft_edges_against_photoshops_merged_image():
    """stroke-effects.psd: pixel layers fading out in ramps and shapes of combined paths
    (1 px strokes), each with a Stroke effect. Photoshop's stroke reaches from each partly
    transparent pixel by its own alpha (a smooth soft edge); taken at five levels of alpha
    the edge came in steps, up to 64 levels off."""
    path = os.path.join(FILES, "stroke-effects.psd")
    doc = open_document(path)
    ps = np.asarray(PSDImage.open(path).topil().convert("RGBA")).astype(float)
    ours = composite_document(doc).astype(float)

    def on_white(rgba):
        return rgba[..., :3] * rgba[..., 3:] / 255 + 255 * (1 - rgba[..., 3:] / 255)

    for name, ((x0, y0, x1, y1), bound) in STROKED_SOFT.items():
        node = next(n for n in doc.root.walk() if n.name == name)
        assert node.effects.strokes
        box = np.s_[y0:y1, x0:x1]
        error = np.abs(on_white(ours[box]) - on_white(ps[box])).mean()
        assert error < bound, (name, error)


def test_a_stroke_too_costly_to_measure_pixel_by_pixel_takes_five_levels(monkeypatch):
    """Past its budget of pixel visits (a large soft layer, a wide stroke) the stroke's
    reach is taken at five levels of alpha: within a quarter of full coverage of the exact
    reach (the definition's), and not the same drawing."""
    from editor.model import layer_effects

    ramp = np.zeros((30, 40), np.float32)
    ramp[5:25, 5:35] = np.linspace(0.02, 1.0, 30, dtype=np.float32)[None, :]
    exact = layer_effects._grown_from_edge(ramp, 3.0)
    assert np.abs(exact - stroke_grown(ramp, 3.0)).max() < 1e-4
    monkeypatch.setattr(layer_effects, "SOFT_REACH_BUDGET", 0)
    levels = layer_effects._grown_from_edge(ramp, 3.0)
    assert 0.01 < np.abs(levels - exact).max() <= 0.25


def test_fill_opacity_round_trips_through_psd_and_psd_tools(tmp_path):
    from editor.model import adjustment_ops

    doc, _, layer = scene(LayerEffects(strokes=(Stroke(),)))
    layer.fill_opacity = 77
    shape = adjustment_ops.add_shape(doc, "rectangle", (2, 2, 10, 10), (0, 0, 0))
    doc.set_fill_opacity(shape, 0)
    assert doc.history.undo_name() == "Fill Opacity"
    out = str(tmp_path / "fill.psd")
    save_document(doc, out)
    read = {l.name: (l.opacity, l.fill_opacity) for l in PSDImage.open(out).descendants()}
    assert read["Styled"] == (255, 77) and read[shape.name] == (255, 0)
    assert read["Background"] == (255, 255)
    again = {n.name: n for n in open_document(out).root.walk()}
    assert again["Styled"].fill_opacity == 77 and again[shape.name].fill_opacity == 0
    assert np.array_equal(composite_document(open_document(out)), composite_document(doc))


# -- Fill opacity of a clipping base --------------------------------------------------------

def clipping_scene(fill: int) -> tuple[Document, Layer, Layer, np.ndarray]:
    """An opaque background, a base (an opaque rectangle, transparent around it) at Fill
    `fill` and opacity 230, and a layer clipped to it: red, its alpha a ramp, reaching
    beyond the base on the right. Returns (doc, base, clipped, reference): the reference,
    straight float, is Photoshop's clipping group (its "Blend Clipped Layers as Group"):
    the clipped layer over the base's colours faded by Fill, inside the base's full shape,
    blended onto the background at the base's opacity."""
    doc = Document(W, H)
    background = np.zeros((H, W, 4), np.uint8)
    background[...] = (200, 180, 90, 255)
    base_pixels = np.zeros((24, 30, 4), np.uint8)
    base_pixels[2:22, 2:26] = (30, 120, 220, 255)
    base = Layer("Base", base_pixels, 6, 8, opacity=230)
    base.fill_opacity = fill
    clipped_pixels = np.zeros((16, 30, 4), np.uint8)
    clipped_pixels[...] = (240, 30, 20, 0)
    clipped_pixels[..., 3] = np.linspace(255, 60, 30).astype(np.uint8)[None, :]
    clipped = Layer("Clipped", clipped_pixels, 18, 12)
    clipped.clipping = True
    for node in (Layer("Background", background), base, clipped):
        node.parent = doc.root
        doc.root.children.append(node)
    own = base.canvas_crop(doc.canvas) / 255.0
    shape = own[..., 3:4].copy()
    own[..., 3:4] *= fill / 255
    group = blend_onto(premultiplied(np.zeros((H, W, 4), np.uint8)), own, "normal", 1.0)
    group = blend_onto(group, clipped.canvas_crop(doc.canvas) / 255.0, "normal", 1.0)
    group = unpremultiplied(group)
    group[..., 3:4] = np.where(shape > 0, group[..., 3:4], 0.0)  # clipped by the shape
    out = blend_onto(premultiplied(background), group, "normal", 230 / 255)
    return doc, base, clipped, unpremultiplied(out)


@pytest.mark.parametrize("fill", [77, 0])
def test_fill_opacity_of_a_clipping_base_does_not_fade_its_clipped_layers(fill, tmp_path):
    """Photoshop's Fill on a clipping base fades the base's own colour, not the clipped
    layers: they are clipped by its full shape. The composite (files), the screen, Flatten,
    Merge Down and the PSD's merged image, read back by psd-tools, all show it."""
    from editor.model.render import Renderer

    doc, base, clipped, reference = clipping_scene(fill)
    check(doc, reference)
    shown = composite_document(doc)
    # Where the clipped layer is opaque over the base (its first column), its red at the
    # base's opacity, whatever the base's Fill.
    red = np.asarray((240, 30, 20)) * 230 / 255 + np.asarray((200, 180, 90)) * 25 / 255
    assert np.abs(shown[12:28, 18, :3] - red).max() <= 1
    renderer = Renderer(doc)
    renderer.update()
    screen = renderer.composite.array[..., [2, 1, 0, 3]].astype(int)
    renderer.close()
    assert np.abs(screen - shown.astype(int)).max() <= 2
    # The PSD: Fill and clipping kept, its merged image what we show, read back the same.
    out = str(tmp_path / "clip.psd")
    save_document(doc, out)
    psd = PSDImage.open(out)
    read = {l.name: l for l in psd.descendants()}
    assert read["Base"].fill_opacity == fill and read["Clipped"].clipping
    merged = np.asarray(psd.topil().convert("RGBA")).astype(int)
    assert np.abs(merged - shown.astype(int)).max() <= 1
    again = open_document(out)
    assert np.array_equal(composite_document(again), shown)
    # Merge Down of the clipped layer bakes what was shown, the base's Fill with it.
    doc.merge_down(clipped)
    assert base.fill_opacity == 255
    assert np.abs(composite_document(doc).astype(int) - shown.astype(int)).max() <= 1
    doc.history.undo()
    assert base.fill_opacity == fill and clipped.clipping
    assert np.array_equal(composite_document(doc), shown)
    flat = doc.flatten()
    assert np.array_equal(flat.pixels, shown)


def test_fill_opacity_of_a_clipping_base_during_a_zoomed_out_drag():
    """A layer under the clipping group dragged at 50 %: the drag's stand-ins show the
    clipped layer at full strength inside the faded base, as the settled composite does."""
    from editor.model.render import Renderer

    doc, base, clipped, reference = clipping_scene(0)
    dot = Layer("Dot", np.full((4, 4, 4), (0, 90, 0, 255), np.uint8), 2, 2)
    dot.parent = doc.root
    doc.root.children.insert(1, dot)
    renderer = Renderer(doc)
    renderer.update()
    renderer.set_view(1)
    renderer.set_focus(dot)
    doc.translate(dot, 2, 0, merge_key="drag")
    assert renderer.update() == []
    level, buffer = renderer.preview
    assert level == 1
    shown = buffer.array[..., [2, 1, 0]].astype(float)
    # The clipped layer's first, most opaque columns (canvas x 18, 19) over the base.
    red = np.asarray((240, 30, 20)) * 230 / 255 + np.asarray((200, 180, 90)) * 25 / 255
    assert np.abs(shown[6:14, 9] - red).max() <= 4
    renderer.settle()
    renderer.update()
    exact = renderer.composite.array[..., [2, 1, 0, 3]].astype(int)
    renderer.close()
    assert np.abs(exact - composite_document(doc).astype(int)).max() <= 2
