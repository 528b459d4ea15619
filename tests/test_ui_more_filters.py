"""The Filter menu's Box Blur, Surface Blur, Median, Dust & Scratches, Mosaic, Emboss, Find
Edges, High Pass, Maximum, Minimum and Offset, driven through the window: each dialog's
settings give the pixels of an independent reference of Photoshop's formula (scipy,
numpy) inside a selection, the rest untouched; undo restores the layer and Last Filter
(Ctrl+F) gives the same pixels again. Their transparency handling is checked on a flat
colour over transparency (no black comes in from transparent pixels)."""
from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QRadioButton
from scipy import ndimage

from editor.model import more_filters as mf
from engine.box import Box

from test_ui_filters import set_number
from ui_helpers import in_modal_dialog

W, H = 96, 64
SELECTED = Box(20, 12, 50, 36)


def per_channel(fn, rgb: np.ndarray) -> np.ndarray:
    return np.stack([fn(rgb[..., c]) for c in range(rgb.shape[-1])], axis=-1)


def surface_reference(v: np.ndarray, radius: int, threshold: float) -> np.ndarray:
    """Photoshop's Surface Blur summed directly over the square (edges repeated)."""
    pad = np.pad(v, ((radius, radius), (radius, radius), (0, 0)), mode="edge")
    num, den = np.zeros_like(v), np.zeros_like(v)
    for dy in range(-radius, radius + 1):
        for dx in range(-radius, radius + 1):
            q = pad[radius + dy:radius + dy + v.shape[0], radius + dx:radius + dx + v.shape[1]]
            weight = np.maximum(0, 1 - np.abs(q - v) / (2.5 * threshold))
            num += weight * q
            den += weight
    return num / den


def median(v, r):
    return per_channel(lambda c: ndimage.median_filter(c, size=2 * r + 1, mode="nearest"), v)


def dust(v, r, t):
    m = median(v, r)
    return np.where(np.abs(v - m) > t, m, v)


def disc(r):
    y, x = np.mgrid[-r:r + 1, -r:r + 1]
    return x * x + y * y <= r * r


def offset(v, dx, dy, how):
    """The selection's box of `v` moved; the rest as it was."""
    out = v.copy()
    box = v[SELECTED.slices()]
    if how == "wrap":
        moved = np.roll(box, (dy, dx), axis=(0, 1))
    else:
        mode = "edge" if how == "repeat" else "constant"
        pad = np.pad(box, ((abs(dy), abs(dy)), (abs(dx), abs(dx)), (0, 0)), mode=mode)
        moved = pad[abs(dy) - dy:abs(dy) - dy + box.shape[0],
                    abs(dx) - dx:abs(dx) - dx + box.shape[1]]
    out[SELECTED.slices()] = moved
    return out


def emboss(v, angle, height, amount):
    a = math.radians(angle)
    d = (-height * math.sin(a), height * math.cos(a))  # (rows, columns) towards the light
    lit = per_channel(lambda c: ndimage.shift(c, (-d[0], -d[1]), order=1, mode="nearest"), v)
    return 128 + amount / 100 * (v - lit)


def find_edges(v):
    g = per_channel(lambda c: np.hypot(ndimage.sobel(c, 0, mode="nearest"),
                                       ndimage.sobel(c, 1, mode="nearest")), v)
    return 255 - g / 4


def mosaic(v, cell):
    out = np.empty_like(v)
    for y in range(0, v.shape[0], cell):
        for x in range(0, v.shape[1], cell):
            block = v[y:y + cell, x:x + cell]
            out[y:y + cell, x:x + cell] = block.reshape(-1, 3).mean(axis=0)
    return out


def high_pass(v, r):
    return v - per_channel(lambda c: ndimage.gaussian_filter(c, r, mode="nearest", truncate=3.0),
                           v) + 128


# (action, settings the dialog is given, reference of the RGB as float, tolerance in levels:
# the largest difference, and for Surface Blur's interpolated levels the 99th percentile).
CASES = [
    ("box_blur", {"radius": 3},
     lambda v: per_channel(lambda c: ndimage.uniform_filter(c, 7, mode="nearest"), v), 0.51),
    ("surface_blur", {"radius": 5, "threshold": 15}, lambda v: surface_reference(v, 5, 15), 2.0),
    ("median", {"radius": 2}, lambda v: median(v, 2), 0),
    ("dust_scratches", {"radius": 2, "threshold": 12}, lambda v: dust(v, 2, 12), 0),
    ("mosaic", {"cell": 8}, lambda v: mosaic(v, 8), 0.51),
    ("emboss", {"angle": 135, "height": 3, "amount": 150},
     lambda v: emboss(v, 135, 3, 150), 1.5),
    ("find_edges", None, find_edges, 0.51),
    ("high_pass", {"radius": 2.5}, lambda v: high_pass(v, 2.5), 0.51),
    ("maximum", {"radius": 2, "preserve": "square"},
     lambda v: per_channel(lambda c: ndimage.maximum_filter(c, 5, mode="nearest"), v), 0),
    ("minimum", {"radius": 3, "preserve": "round"},
     lambda v: per_channel(lambda c: ndimage.minimum_filter(c, footprint=disc(3),
                                                            mode="nearest"), v), 0),
    ("offset", {"horizontal": 13, "vertical": -5, "undefined": "wrap"},
     lambda v: offset(v, 13, -5, "wrap"), 0),
    ("offset", {"horizontal": -7, "vertical": 9, "undefined": "repeat"},
     lambda v: offset(v, -7, 9, "repeat"), 0),
]


def drive_settings(settings):
    def drive(dialog, seen):
        for key, value in settings.items():
            if isinstance(value, str):
                radio = dialog.findChild(QRadioButton, f"Filter_{key}_{value}")
                radio.click()
                assert radio.isChecked()
            else:
                set_number(dialog, key, value)
    return drive


def apply_from_menu(qtbot, w, kind: str, settings) -> None:
    """Filter > submenu > item, the dialog given `settings`, OK; or, without a dialog, the
    job it runs at once."""
    action = w.actions[f"filter_{kind}"]
    assert any(action in w.menus[m].actions() for m in w.menus if m.startswith("filter_"))
    doc = w.doc
    steps = doc.history.index
    if settings is None:
        action.trigger()
        assert QApplication.activeModalWidget() is None
    else:
        name = "PixelDialog_" + mf.FILTERS[kind].label.replace(" ", "")
        in_modal_dialog(qtbot, action.trigger, drive_settings(settings), name)
    qtbot.waitUntil(lambda: doc.history.index == steps + 1, timeout=20000)


@pytest.mark.parametrize("kind, settings, reference, tolerance", CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_filter_matches_its_formula_inside_the_selection(opened, qtbot, kind, settings,
                                                         reference, tolerance):
    w, doc = opened, opened.doc
    layer = doc.active
    before = layer.pixels.copy()
    doc.set_selection(SELECTED)
    apply_from_menu(qtbot, w, kind, settings)
    once = layer.pixels.copy()
    label = mf.FILTERS[kind].label
    assert doc.history.undo_name() == label
    expected = np.clip(reference(before[..., :3].astype(np.float64)), 0, 255)
    inside = np.zeros((H, W), bool)
    inside[SELECTED.slices()] = True
    diff = np.abs(once[..., :3] - expected)[inside]
    if kind == "surface_blur":  # levels interpolated: within a level or so, rarely more
        assert np.percentile(diff, 99) <= tolerance and diff.max() <= 4 and diff.mean() <= 0.5
    else:
        assert diff.max() <= tolerance
    assert (once[inside][:, :3] != before[inside][:, :3]).mean() > 0.3  # it did something
    np.testing.assert_array_equal(once[~inside], before[~inside])
    np.testing.assert_array_equal(once[..., 3], 255)
    doc.history.undo()
    np.testing.assert_array_equal(layer.pixels, before)
    # Last Filter (Ctrl+F): the same filter, the same settings, the same pixels.
    w.update_actions()
    text = w.actions["filter_last"].text()
    assert text.replace("&&", "+").replace("&", "").replace("+", "&") == f"Last Filter ({label})"
    steps = doc.history.index
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    w.canvas.setFocus()
    qtbot.keyClick(w.canvas, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: doc.history.index == steps + 1, timeout=20000)
    np.testing.assert_array_equal(layer.pixels, once)
    assert doc.history.undo_name() == label


def test_filter_menu_holds_photoshops_submenus(opened):
    w = opened
    names = {m: [a.text().replace("&&", "+").replace("&", "").replace("+", "&")
                 for a in w.menus[m].actions()]
             for m in ("filter_noise", "filter_pixelate", "filter_stylize", "filter_other")}
    assert names == {"filter_noise": ["Add Noise…", "Despeckle", "Dust & Scratches…", "Median…",
                                      "Reduce Noise…"],
                     "filter_pixelate": ["Color Halftone…", "Crystallize…", "Facet", "Fragment",
                                         "Mezzotint…", "Mosaic…", "Pointillize…"],
                     "filter_stylize": ["Diffuse…", "Emboss…", "Extrude…", "Find Edges",
                                        "Oil Paint…", "Solarize", "Tiles…", "Trace Contour…",
                                        "Wind…"],
                     "filter_other": ["Custom…", "High Pass…", "HSB/HSL…", "Maximum…",
                                      "Minimum…", "Offset…"]}


# -- transparency: a flat colour over transparent pixels ---------------------------------

RED = (220, 40, 30)


def red_square() -> np.ndarray:
    pixels = np.zeros((40, 48, 4), np.uint8)
    pixels[..., :3] = 255  # white hidden under alpha 0: it must not show either
    pixels[10:30, 12:36] = (*RED, 255)
    pixels[10:30, 12:16, 3] = 128  # a half-transparent edge
    return pixels


# What a flat colour becomes where it is visible: its own colour (blurs, medians, cells,
# moves), or the grey / white that a flat area gives.
FLAT = [(mf.BoxBlur(4), RED), (mf.SurfaceBlur(3, 10), RED), (mf.Median(3), RED),
        (mf.DustScratches(3, 0), RED), (mf.Maximum(3, "round"), RED),
        (mf.Minimum(2, "square"), RED), (mf.Mosaic(6), RED),
        (mf.Offset(5, 3, "transparent"), RED), (mf.Offset(30, 20, "wrap"), RED),
        (mf.HighPass(3.0), (128, 128, 128)), (mf.Emboss(135, 3, 200), (128, 128, 128)),
        (mf.FindEdges(), (255, 255, 255))]


@pytest.mark.parametrize("op, colour", FLAT, ids=lambda v: repr(v)[:30])
def test_transparent_pixels_lend_no_colour(op, colour):
    from editor.model import Document, filter_ops
    from editor.model.layers import Layer

    pixels = red_square()
    doc = Document(48, 40)
    layer = Layer("square", pixels.copy())
    doc.add_layer(layer)
    filter_ops.apply(doc, op, layer)
    out = layer.canvas_crop(doc.canvas)
    seen = out[..., 3] > 0
    assert seen.sum() >= 200
    assert np.abs(out[seen][:, :3].astype(int) - colour).max() <= 1
    if not op.grows:
        np.testing.assert_array_equal(out[..., 3], pixels[..., 3])
    doc.history.undo()
    np.testing.assert_array_equal(layer.canvas_crop(doc.canvas), pixels)


def test_maximum_and_minimum_grow_and_shrink_the_opaque_part():
    from editor.model import Document, filter_ops
    from editor.model.layers import Layer

    pixels = red_square()
    pixels[10:30, 12:16, 3] = 255
    for op, footprint in ((mf.Maximum(3, "round"), disc(3)), (mf.Minimum(2, "square"),
                                                                 np.ones((5, 5), bool))):
        doc = Document(48, 40)
        layer = Layer("square", pixels.copy())
        doc.add_layer(layer)
        filter_ops.apply(doc, op, layer)
        morph = ndimage.grey_dilation if op.label == "Maximum" else ndimage.grey_erosion
        expected = morph(pixels[..., 3], footprint=footprint, mode="nearest")
        np.testing.assert_array_equal(layer.canvas_crop(doc.canvas)[..., 3], expected)


def test_mosaic_cells_are_aligned_to_the_canvas_not_the_layer():
    """A layer placed at (5, 3): its cells still begin at multiples of the cell size."""
    from editor.model import Document, filter_ops
    from editor.model.layers import Layer

    rng = np.random.default_rng(1)
    pixels = np.full((30, 40, 4), 255, np.uint8)
    pixels[..., :3] = rng.integers(0, 256, (30, 40, 3))
    doc = Document(60, 40)
    layer = Layer("noise", pixels.copy())
    layer.x, layer.y = 5, 3
    doc.add_layer(layer)
    filter_ops.apply(doc, mf.Mosaic(10), layer)
    out = layer.canvas_crop(doc.canvas)
    for y0 in (0, 10, 20, 30):
        for x0 in (0, 10, 20, 30, 40):
            cell = out[y0:y0 + 10, x0:x0 + 10]
            cell = cell[cell[..., 3] > 0]
            assert len(cell) and (cell == cell[0]).all()
    assert (out[3:13, 5:15, 0] != out[3, 5, 0]).any()  # a cell at the layer's corner: split


def test_filters_work_on_the_targeted_layer_mask(opened, qtbot):
    """Layer > Layer Mask > Hide Selection targets the new mask: Box Blur then blurs the
    mask's grey inside the selection (the pixels stay); undo, and Ctrl+F, as on pixels."""
    w, doc = opened, opened.doc
    layer = doc.active
    pixels = layer.pixels.copy()
    doc.set_selection(Box(40, 24, 24, 16))
    w.actions["mask_hide_selection"].trigger()
    assert doc.mask_targeted and layer.mask is not None
    before = layer.mask.raw_crop(doc.canvas).copy()
    doc.set_selection(SELECTED)
    apply_from_menu(qtbot, w, "box_blur", {"radius": 3})
    once = layer.mask.raw_crop(doc.canvas).copy()
    expected = ndimage.uniform_filter(before.astype(np.float64), 7, mode="nearest")
    inside = np.zeros((H, W), bool)
    inside[SELECTED.slices()] = True
    assert np.abs(once - expected)[inside].max() <= 0.51
    assert (once[inside] != before[inside]).sum() > 200
    np.testing.assert_array_equal(once[~inside], before[~inside])
    np.testing.assert_array_equal(layer.pixels, pixels)
    assert doc.history.undo_name() == "Box Blur"
    doc.history.undo()
    np.testing.assert_array_equal(layer.mask.raw_crop(doc.canvas), before)
    steps = doc.history.index
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    w.canvas.setFocus()
    qtbot.keyClick(w.canvas, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: doc.history.index == steps + 1, timeout=20000)
    np.testing.assert_array_equal(layer.mask.raw_crop(doc.canvas), once)
    np.testing.assert_array_equal(layer.pixels, pixels)


@pytest.mark.parametrize("op", [mf.BoxBlur(3), mf.SurfaceBlur(3, 12), mf.Median(2),
                                mf.DustScratches(2, 5), mf.HighPass(2.0), mf.Emboss(30, 2, 120),
                                mf.FindEdges(), mf.Maximum(2, "round"), mf.Minimum(3, "square"),
                                mf.Mosaic(7)], ids=lambda op: op.label)
def test_bands_do_not_show(monkeypatch, op):
    """Run in bands of rows (the worker's progress steps) on a partly transparent layer
    placed off the origin, each filter gives what it gives run whole."""
    from test_filters import assert_bands_do_not_show

    assert_bands_do_not_show(monkeypatch, op, 90, 80, 100)
