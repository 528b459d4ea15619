"""Layer effects (layer styles): a Photoshop file's effects kept through Open -> Save (psd-tools
reads the same effects from our file), Hide All Effects written as the master switch, Drop
Shadow / Stroke / Color Overlay drawn in the composite against a numpy reference of their
definitions (layer_effects.py), and against Photoshop's own merged image of psd-tools'
layer_effects.psd; the window's "fx" mark, Layer > Layer Style > Hide All Effects and undo."""
from __future__ import annotations

import os

import numpy as np
import pytest
from psd_tools import PSDImage
from scipy.ndimage import distance_transform_edt, gaussian_filter

from editor.model import Document, Layer
from editor.model.files import open_document, save_document
from editor.model.layer_effects import ColorOverlay, DropShadow, LayerEffects, Stroke
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
    assert styled["Bevel"].others == ("Bevel & Emboss",)
    assert any("Bevel & Emboss" in w and "not draw" in w for w in doc.warnings)
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


@pytest.mark.parametrize("spread", [0.0, 40.0])
def test_drop_shadow_matches_its_definition(spread):
    shadow = DropShadow(color=(40, 0, 60), opacity=70.0, angle=135.0, distance=6.0,
                        spread=spread, size=5.0, blend_mode="multiply")
    doc, background, layer = scene(LayerEffects(drop_shadows=(shadow,)))
    a = canvas_alpha(layer)
    spread_px = 5.0 * spread / 100
    cover = gaussian_filter(grown(a, spread_px), (5.0 - spread_px) / 2, mode="constant")
    # Light from 135 degrees (upper left): the shadow falls 4 right, 4 down.
    moved = np.zeros_like(cover)
    moved[4:, 4:] = cover[:-4, :-4]
    out = blend_onto(premultiplied(background), straight((40, 0, 60), moved * 0.7),
                     "multiply", 1.0)
    out = blend_onto(out, layer.canvas_crop(doc.canvas) / 255.0, "normal", 1.0)
    check(doc, unpremultiplied(out))


@pytest.mark.parametrize("position", ["outside", "inside", "center"])
def test_stroke_matches_its_definition(position):
    stroke = Stroke(position=position, size=3.0, color=(250, 20, 20), opacity=80.0)
    doc, background, layer = scene(LayerEffects(strokes=(stroke,)))
    a = canvas_alpha(layer)
    own = layer.canvas_crop(doc.canvas) / 255.0
    if position == "outside":
        paint = straight((250, 20, 20), grown(a, 3.0) * 0.8)
        styled = [paint, own]
    else:
        if position == "inside":
            ring = a - np.minimum(a, 1 - grown(1 - a, 3.0))
        else:
            ring = grown(a, 1.5) - (1 - grown(1 - a, 1.5))
        styled = [own, straight((250, 20, 20), ring * 0.8)]
    layer_only = blend_onto(np.zeros((H, W, 4)), styled[0], "normal", 1.0)
    layer_only = blend_onto(layer_only, styled[1], "normal", 1.0)
    alpha = layer_only[..., 3:4]
    rgba = np.concatenate([layer_only[..., :3] / np.maximum(alpha, 1e-9), alpha], -1)
    out = blend_onto(premultiplied(background), rgba, "normal", 1.0)
    check(doc, unpremultiplied(out))


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
    assert errors["Color Fill"] < 1.0 and errors["Stroke"] < 4.0 and errors["Drop Shadow"] < 6.0


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
