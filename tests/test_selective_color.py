"""Selective Color adjustment layers: the composite (the 16-bit path of files and merges, the
8-bit screen) against a numpy reference of FFmpeg's reconstruction written here; what the
Relative and Absolute methods do to a pure colour; PSD round trips through our writer and
psd-tools' reader (and back through ours); a 'selc' block we cannot read kept as it was;
Photoshop's own files (theirs hold all-zero settings: read, drawn, nothing changed); the
layer added from the menu and edited in Properties, one undo step per change."""
from __future__ import annotations

import os

import numpy as np
import pytest
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox

from editor.model import AdjustmentLayer, Document, Layer
from editor.model import adjustments as adj
from editor.model.files import open_document, save_document
from editor.model.render import composite_document

from test_ui_adjustments_more import add, edited
from ui_helpers import editor_widget, screen

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FILES = os.path.join(ROOT, "tests", "psd_tools_files")
W, H = 32, 24


def photo(seed: int = 5) -> np.ndarray:
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 256, (H, W, 4), dtype=np.uint8)
    pixels[..., 3] = 255
    pixels[0, :10, :3] = [[0, 0, 0], [255, 255, 255], [128, 128, 128], [255, 0, 0],
                          [255, 255, 0], [0, 255, 255], [255, 0, 255], [200, 120, 40],
                          [230, 220, 240], [30, 20, 50]]
    return pixels


def document(settings, background: np.ndarray) -> Document:
    doc = Document(W, H)
    for node in (Layer("Background", background), AdjustmentLayer("adjust", settings)):
        node.parent = doc.root
        doc.root.children.append(node)
    return doc


def reference(rgb: np.ndarray, s: adj.SelectiveColor) -> np.ndarray:
    """FFmpeg's selectivecolor in float, all pixels at once: per range a membership map and
    the clipped ink moves of red, green, blue, summed, added, clipped."""
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    mx, mn = rgb.max(-1), rgb.min(-1)
    mid = np.sort(rgb, axis=-1)[..., 1]
    zero = np.zeros_like(mx)
    membership = [np.where(r == mx, mx - mid, zero), np.where(b == mn, mid - mn, zero),
                  np.where(g == mx, mx - mid, zero), np.where(r == mn, mid - mn, zero),
                  np.where(b == mx, mx - mid, zero), np.where(g == mn, mid - mn, zero),
                  np.where(mn > 0.5, 2 * mn - 1, zero),
                  np.where((mx > 0) & (mn < 1), 1 - (np.abs(mx - 0.5) + np.abs(mn - 0.5)), zero),
                  np.where(mx < 0.5, 1 - 2 * mx, zero)]
    total = np.zeros_like(rgb)
    for w, name in zip(membership, adj.SELECTIVE_FIELDS):
        c, m, y, k = (v / 100 for v in getattr(s, name))
        for channel, a in enumerate((c, m, y)):
            v = rgb[..., channel]
            move = (-1 - a) * k - a
            if not s.absolute:
                move = move * (1 - v)
            total[..., channel] += np.clip(w, 0, None) * np.clip(move, -v, 1 - v)
    return np.clip(rgb + total, 0, 1)


CASES = [
    adj.SelectiveColor(reds=(-60, 30, 45, 10)),
    adj.SelectiveColor(reds=(-60, 30, 45, 10), absolute=True),
    adj.SelectiveColor(yellows=(20, -40, 80, 0), cyans=(70, 0, -30, -20),
                       magentas=(0, 50, 0, 30)),
    adj.SelectiveColor(greens=(30, 60, 0, -50), blues=(-80, 20, 10, 40), absolute=True),
    adj.SelectiveColor(whites=(0, 0, 40, -30), neutrals=(25, -15, 10, 35),
                       blacks=(-20, 10, 0, 60)),
    adj.SelectiveColor(whites=(100, -100, 0, 0), neutrals=(-30, 40, -50, -100),
                       blacks=(0, 0, 100, -100), absolute=True),
    adj.SelectiveColor(),  # identity
]


@pytest.mark.parametrize("settings", CASES, ids=lambda s: s.describe()[:40])
def test_composite_matches_the_formula(settings):
    background = photo()
    doc = document(settings, background)
    expected = reference(background[..., :3] / 255.0, settings) * 255
    precise = composite_document(doc)
    assert (precise[..., 3] == 255).all()
    # One level of rounding on the 16-bit path; the screen's exact 8-bit cube rounds once more.
    assert np.abs(precise[..., :3] - expected).max() <= 1.0
    shown = composite_document(doc, precise=False)
    assert np.abs(shown[..., :3] - expected).max() <= 1.5
    changed = np.abs(precise[..., :3].astype(int) - background[..., :3]).mean()
    if settings.is_identity():
        assert changed == 0
    else:
        assert changed > 1


def test_methods_on_pure_and_grey_colours():
    """Relative moves a channel by a share of the ink already there: pure red has no cyan,
    so Reds' Cyan +100 leaves it; Absolute takes its red away. A grey is in no hue range,
    black in no Neutrals, and less cyan makes a red redder."""
    rgb = np.array([[1.0, 0.0, 0.0], [0.5, 0.5, 0.5], [0.0, 0.0, 0.0], [0.8, 0.2, 0.2]])
    relative = adj.SelectiveColor(reds=(100, 0, 0, 0)).apply(rgb)
    np.testing.assert_allclose(relative[:3], rgb[:3], atol=1e-6)
    assert relative[3, 0] < 0.8 - 0.1  # (0.8: cyan ink 0.2, share 1, membership 0.6)
    absolute = adj.SelectiveColor(reds=(100, 0, 0, 0), absolute=True).apply(rgb)
    np.testing.assert_allclose(absolute[0], [0, 0, 0], atol=1e-6)
    np.testing.assert_allclose(absolute[1:3], rgb[1:3], atol=1e-6)
    neutral = adj.SelectiveColor(neutrals=(0, 0, 0, 100), absolute=True).apply(rgb)
    assert neutral[1].max() < 0.05 and neutral[2].max() == 0  # grey to black; black stays
    redder = adj.SelectiveColor(reds=(-100, 0, 0, 0)).apply(rgb)
    assert redder[3, 0] > 0.9 and abs(redder[3, 1] - 0.2) < 1e-6


def test_settings_are_checked():
    with pytest.raises(ValueError):
        adj.SelectiveColor(reds=(0, 0, 120, 0))
    with pytest.raises(ValueError):
        adj.SelectiveColor(blues=(0, 0, 0))
    s = adj.SelectiveColor().with_color(7, (1, 2, 3, 4))
    assert s.neutrals == (1, 2, 3, 4) and not s.is_identity()
    assert adj.make("selective_color", {"blacks": [5, 6, 7, 8], "absolute": True}) == \
        adj.SelectiveColor(blacks=(5, 6, 7, 8), absolute=True)


def test_psd_round_trip_through_psd_tools_and_back(tmp_path):
    from psd_tools import PSDImage

    kinds = [adj.SelectiveColor(reds=(-60, 30, 45, 10), yellows=(1, 2, 3, 4), greens=(5, 6, 7, 8),
                                cyans=(9, 10, 11, 12), blues=(-13, -14, -15, -16),
                                magentas=(17, 18, 19, 20), whites=(21, 22, 23, 24),
                                neutrals=(-100, 100, -25, 25), blacks=(0, 0, 0, 99)),
             adj.SelectiveColor(neutrals=(10, -20, 30, -40), absolute=True)]
    doc = Document(W, H)
    for node in (Layer("Background", photo()),
                 *(AdjustmentLayer(f"{s.label} {i}", s) for i, s in enumerate(kinds))):
        node.parent = doc.root
        doc.root.children.append(node)
    path = str(tmp_path / "selc.psd")
    save_document(doc, path)
    layers = [layer for layer in PSDImage.open(path).descendants()
              if layer.kind == "selectivecolor"]
    assert [layer.method for layer in layers] == [0, 1]  # Relative, Absolute
    for layer, settings in zip(layers, kinds):
        data = [tuple(record) for record in layer.data]
        assert data[0] == (0, 0, 0, 0)  # the unused first record
        assert data[1:] == [getattr(settings, name) for name in adj.SELECTIVE_FIELDS]
    again = open_document(path)
    read = [n.settings for n in again.nodes() if isinstance(n, AdjustmentLayer)]
    assert read == kinds
    assert not [w for w in again.warnings if "does not draw" in w]
    np.testing.assert_array_equal(composite_document(again), composite_document(doc))


def test_a_selc_block_we_cannot_read_is_kept_and_saved_back(tmp_path):
    """A method other than Relative (0) or Absolute (1): the layer is kept, not drawn,
    with a warning, and its block goes back into the file as it was."""
    from psd_tools import PSDImage
    from psd_tools.constants import Tag
    from PIL import Image

    psd = PSDImage.new("RGBA", (W, H), color=0)
    psd.create_pixel_layer(Image.fromarray(photo()), name="Photo")
    odd = psd.create_pixel_layer(Image.new("RGBA", (0, 0)), name="Odd")
    records = [(0, 0, 0, 0)] + [(i, -i, 2 * i, 0) for i in range(1, 10)]
    odd._record.tagged_blocks.set_data(Tag.SELECTIVE_COLOR, version=1, method=2, data=records)
    path = str(tmp_path / "odd.psd")
    psd.save(path)
    doc = open_document(path)
    layer = next(n for n in doc.layers() if n.name == "Odd")
    assert not isinstance(layer, AdjustmentLayer) and layer.source_kind == "adjustment"
    assert any("'Odd'" in w and "does not draw" in w for w in doc.warnings)
    np.testing.assert_array_equal(composite_document(doc)[..., :3], photo()[..., :3])
    save_document(doc, tmp_path / "back.psd")
    back = next(l for l in PSDImage.open(tmp_path / "back.psd").descendants() if l.name == "Odd")
    assert back.kind == "selectivecolor" and back.method == 2
    assert [tuple(r) for r in back.data] == records


def test_photoshops_file_read_and_drawn():
    """fill_adjustments.psd (psd-tools' corpus; its Selective Color, made by Photoshop, has
    all sliders at zero, as has psd-tools' layers/selective-color.psd, the only other file
    there with one): read as ours (no 'does not draw' warning), and drawing it changes
    nothing (the layer hidden gives the same composite)."""
    path = os.path.join(FILES, "fill_adjustments.psd")
    doc = open_document(path)
    layers = [n for n in doc.nodes()
              if isinstance(n, AdjustmentLayer) and n.settings.kind == "selective_color"]
    assert len(layers) == 1 and layers[0].settings == adj.SelectiveColor()
    assert not [w for w in doc.warnings if "Selective Color" in w]
    shown = composite_document(doc)
    layers[0].visible = False
    np.testing.assert_array_equal(shown, composite_document(doc))


# -- through the window ----------------------------------------------------------------------

def test_selective_color_from_the_menu_edited_in_properties(opened, qtbot):
    w = opened
    layer, before = add(w, qtbot, "selective_color")
    np.testing.assert_array_equal(screen(w), before)  # all zero: nothing changes yet
    combo = editor_widget(w, QComboBox, "Adjust_Colors")
    steps = w.doc.history.count
    combo.setCurrentIndex(7)  # Neutrals: a view choice, no step
    assert w.doc.history.count == steps
    spin = editor_widget(w, QDoubleSpinBox, "Adjust_Cyan")
    edited(w, lambda: spin.setValue(60),
           lambda s: s.neutrals == (60, 0, 0, 0) and s.reds == adj.NO_CHANGE)
    spin = editor_widget(w, QDoubleSpinBox, "Adjust_Black")
    darker = edited(w, lambda: spin.setValue(40), lambda s: s.neutrals == (60, 0, 0, 40))
    assert darker.mean() < before.mean()
    method = editor_widget(w, QComboBox, "Adjust_Method")
    edited(w, lambda: method.setCurrentIndex(1), lambda s: s.absolute)
    # Undo all the way back: the layer's settings as added, the canvas as it was.
    for _ in range(3):
        w.actions["undo"].trigger()
    assert layer.settings == adj.SelectiveColor()
    np.testing.assert_array_equal(screen(w), before)
