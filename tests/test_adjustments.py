"""Adjustment layers in the model: each kind's composite against a reference written here
pixel by pixel (stdlib colorsys for HSL, a hand-solved natural spline for Curves), and
against psd-tools' own renderer; opacity, masks, clipping and groups; undo; PSD round
trips through our reader and psd-tools'; the command line's info and convert."""
from __future__ import annotations

import colorsys
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from editor.model import AdjustmentLayer, Document, DocumentError, Group, Layer, LayerMask
from editor.model import adjustment_ops, adjustments as adj
from editor.model.files import open_document, save_document
from editor.model.render import Renderer, composite_document
from _documents import noise, stacked

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
W, H = 24, 16


def photo(seed: int = 1, alpha: bool = False) -> np.ndarray:
    return noise(H, W, seed, alpha)


def document(*nodes, background: np.ndarray | None = None) -> Document:
    return stacked(W, H, photo() if background is None else background, *nodes)


# -- references, one pixel at a time --------------------------------------------------------

def ref_levels(v: float, record) -> float:
    in_black, in_white, gamma, out_black, out_white = record
    x = min(1.0, max(0.0, (v * 255 - in_black) / (in_white - in_black)))
    return (out_black + x ** (1 / gamma) * (out_white - out_black)) / 255


def ref_spline(points, v: float) -> float:
    """A natural cubic spline through points (0..255), solved by hand (Thomas algorithm)."""
    xs = [p[0] / 255 for p in points]
    ys = [p[1] / 255 for p in points]
    n = len(xs)
    v = min(max(v, xs[0]), xs[-1])
    if n == 2:
        return ys[0] + (ys[1] - ys[0]) * (v - xs[0]) / (xs[1] - xs[0])
    h = [xs[i + 1] - xs[i] for i in range(n - 1)]
    # Second derivatives m: m0 = m(n-1) = 0; h(i-1) m(i-1) + 2(h(i-1)+h(i)) m(i) + h(i) m(i+1) = r(i)
    a, b, c, r = [0.0] * n, [1.0] * n, [0.0] * n, [0.0] * n
    for i in range(1, n - 1):
        a[i], b[i], c[i] = h[i - 1], 2 * (h[i - 1] + h[i]), h[i]
        r[i] = 6 * ((ys[i + 1] - ys[i]) / h[i] - (ys[i] - ys[i - 1]) / h[i - 1])
    for i in range(1, n):
        w = a[i] / b[i - 1]
        b[i] -= w * c[i - 1]
        r[i] -= w * r[i - 1]
    m = [0.0] * n
    for i in range(n - 2, 0, -1):
        m[i] = (r[i] - c[i] * m[i + 1]) / b[i]
    k = max(i for i in range(n - 1) if xs[i] <= v) if v < xs[-1] else n - 2
    t0, t1 = xs[k + 1] - v, v - xs[k]
    return (m[k] * t0 ** 3 / (6 * h[k]) + m[k + 1] * t1 ** 3 / (6 * h[k])
            + (ys[k] / h[k] - m[k] * h[k] / 6) * t0 + (ys[k + 1] / h[k] - m[k + 1] * h[k] / 6) * t1)


def ref_brightness_contrast(v: float, brightness: int, contrast: int) -> float:
    """Photoshop's modern Brightness/Contrast as psd-tools reverse-engineered it: the point
    (t - B(t), C(t) + B(t)) of the curve whose first coordinate is v (found by bisection)."""
    c = contrast / 100
    points = [(0, 0), (63, 63 - 25 * c), (191, 191 + 25 * c), (255, 255)]
    b = brightness / 150

    def bright(t):
        bump = 0.5 * (abs(b) * (1.65 * t ** 0.35 - t ** 10) + (1 - abs(b)) * (1.96 * t ** 0.4 + t ** 4)
                      + t ** 1.25)
        return b * t * (1 - t) * bump

    lo, hi = 0.0, 1.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if mid - bright(mid) < v:
            lo = mid
        else:
            hi = mid
    t = (lo + hi) / 2
    return min(1.0, max(0.0, ref_spline(points, t) + bright(t)))


def ref_legacy_brightness_contrast(v: float, brightness: int, contrast: int) -> float:
    """Photoshop's legacy ("Use Legacy") Brightness/Contrast: a straight line about level
    127, 1 / (1 - c) steep for a positive contrast c, after the brightness levels are added;
    1 + c steep for a negative one, before they are added."""
    c = contrast / 100
    if c > 0:
        return ((v * 255 + brightness - 127) / (1 - c) + 127) / 255
    return ((v * 255 - 127) * (1 + c) + 127 + brightness) / 255


def ref_exposure(v: float, exposure: float, offset: float, gamma: float) -> float:
    x = min(1.0, max(0.0, v ** 2.2 * 2 ** exposure + offset))
    return (x ** (1 / gamma)) ** (1 / 2.2)


def ref_hue_saturation(rgb, s: adj.HueSaturation):
    if s.colorize:
        _, light, _ = colorsys.rgb_to_hls(*rgb)
        k = s.colorize_lightness / 100
        light = light * (1 - k) + k if k > 0 else light * (1 + k)
        return colorsys.hls_to_rgb((s.colorize_hue / 360) % 1, light, s.colorize_saturation / 100)
    k = s.lightness / 100
    rgb = [x * (1 - k) + k if k > 0 else x * (1 + k) for x in rgb]
    hue, light, sat = colorsys.rgb_to_hls(*rgb)
    # The six ranges (Reds...): each edit weighed by its trapezoid at the pixel's hue.
    shift, ranged, range_light = 0.0, 0.0, 0.0
    for corners, (h, q, lit) in s.ranges:
        w = ref_trapezoid(hue * 360, corners)
        shift += h / 360 * w
        range_light = min(1.0, max(-1.0, range_light + lit / 100 * w))
        ranged = max(-1.0, ranged + ref_gain(q / 100) * w)  # gains add up
    if range_light:  # in HSV, as psd-tools reads Photoshop
        hh, sv, v = colorsys.rgb_to_hsv(*rgb)
        if range_light < 0:
            v = min(1.0, max(0.0, v * (1 + range_light * sv)))
            div = 1 / (sv + 1e-3)
            sv = 1 + (div - 1) / (-range_light - div + 1e-3)
        else:
            sv *= 1 - range_light
        rgb = colorsys.hsv_to_rgb(hh, min(1.0, max(0.0, sv)), v)
        hue, light, sat = colorsys.rgb_to_hls(*rgb)
    for gain in (ref_gain(s.saturation / 100), ranged):
        sat = min(1.0, max(0.0, sat * (1 + gain)))
    return colorsys.hls_to_rgb((hue + s.hue / 360 + shift) % 1, light, sat)


def ref_gain(k: float) -> float:
    """A saturation setting's gain: the HSL saturation is multiplied by 1 + gain."""
    return k / (1.0075 - k) if k > 0 else k


def ref_trapezoid(hue: float, corners) -> float:
    """A range's weight at `hue` (degrees): 0 outside the falloff, 1 inside the range."""
    start, top_start, top_end, end = ((c - corners[0]) % 360 for c in corners)
    at = (hue - corners[0]) % 360
    if top_start <= at <= top_end:
        return 1.0
    if at < top_start:
        return at / top_start
    if at <= end:
        return (end - at) / (end - top_end)
    return 0.0


def ref_color_balance(rgb, s: adj.ColorBalance):
    _, light, _ = colorsys.rgb_to_hls(*rgb)
    clamp = lambda x: min(1.0, max(0.0, x))  # noqa: E731
    shadows = clamp((light - 0.333) / -0.25 + 0.5) * 0.7
    high = clamp((light + 0.333 - 1) / 0.25 + 0.5) * 0.7
    # Midtones: Levels' gamma 2 ** (amount / 100), in hundredths.
    gammas = [round(2 ** (m / 100) * 100) / 100 for m in s.midtones]
    out = [clamp(rgb[i] ** (1 / gammas[i]) + shadows * s.shadows[i] / 100
                 + high * s.highlights[i] / 100) for i in range(3)]
    if s.preserve_luminosity:
        hue, _, sat = colorsys.rgb_to_hls(*out)
        out = list(colorsys.hls_to_rgb(hue, light, sat))
    return out


def reference(settings, pixels: np.ndarray) -> np.ndarray:
    """The adjusted RGB (0..255 floats) of opaque `pixels`, pixel by pixel."""
    out = np.zeros(pixels.shape[:2] + (3,))
    names = ("red", "green", "blue")
    for y in range(pixels.shape[0]):
        for x in range(pixels.shape[1]):
            rgb = [pixels[y, x, c] / 255 for c in range(3)]
            if isinstance(settings, adj.Levels):
                rgb = [ref_levels(ref_levels(v, getattr(settings, names[c])), settings.rgb)
                       for c, v in enumerate(rgb)]
            elif isinstance(settings, adj.Curves):
                rgb = [ref_spline(settings.rgb, min(1, max(0, ref_spline(getattr(settings, names[c]), v))))
                       for c, v in enumerate(rgb)]
            elif isinstance(settings, adj.BrightnessContrast) and settings.legacy:
                rgb = [ref_legacy_brightness_contrast(v, settings.brightness, settings.contrast)
                       for v in rgb]
            elif isinstance(settings, adj.BrightnessContrast):
                rgb = [ref_brightness_contrast(v, settings.brightness, settings.contrast) for v in rgb]
            elif isinstance(settings, adj.Exposure):
                rgb = [ref_exposure(v, settings.exposure, settings.offset, settings.gamma) for v in rgb]
            elif isinstance(settings, adj.HueSaturation):
                rgb = ref_hue_saturation(rgb, settings)
            elif isinstance(settings, adj.ColorBalance):
                rgb = ref_color_balance(rgb, settings)
            out[y, x] = [min(1.0, max(0.0, v)) * 255 for v in rgb]
    return out


CASES = [
    adj.BrightnessContrast(45, 0), adj.BrightnessContrast(-80, 60), adj.BrightnessContrast(20, -40),
    adj.Levels(rgb=(20, 230, 1.4, 10, 240)),
    adj.Levels(red=(0, 200, 0.7, 0, 255), blue=(40, 255, 1.0, 30, 220), rgb=(5, 250, 1.1, 0, 255)),
    adj.Curves(rgb=((0, 0), (64, 90), (190, 200), (255, 255))),
    adj.Curves(green=((0, 30), (128, 100), (255, 240)), rgb=((10, 0), (245, 255))),
    adj.Exposure(1.0, 0.0, 1.0), adj.Exposure(-0.7, 0.02, 1.3),
    adj.HueSaturation(40, 30, 0), adj.HueSaturation(-120, -50, 25), adj.HueSaturation(0, 70, -30),
    adj.HueSaturation(colorize=True, colorize_hue=210, colorize_saturation=60, colorize_lightness=-20),
    adj.ColorBalance(midtones=(40, -20, 10)),
    adj.ColorBalance(shadows=(-30, 0, 50), highlights=(0, 40, -60), preserve_luminosity=False),
    adj.HueSaturation().with_range(0, edit=(40, -60, 0)),  # Reds
    adj.HueSaturation().with_range(2, edit=(-50, 70, -40)),  # Greens
    adj.HueSaturation(10, 20, 0).with_range(4, corners=(180, 210, 250, 300), edit=(0, -30, 50))
                                .with_range(1, edit=(25, 0, 0)),
    adj.BrightnessContrast(20, 57, legacy=True), adj.BrightnessContrast(-30, -70, legacy=True),
]


@pytest.mark.parametrize("settings", CASES, ids=lambda s: type(s).__name__)
def test_composite_matches_the_formula_pixel_by_pixel(settings):
    background = photo()
    doc = document(AdjustmentLayer("adjust", settings), background=background)
    expected = reference(settings, background)
    precise = composite_document(doc)
    assert (precise[..., 3] == 255).all()
    # Within one level of rounding (the 16-bit path) and 1.5 levels on the screen (8-bit tables).
    assert np.abs(precise[..., :3] - expected).max() <= 1.0
    screen = composite_document(doc, precise=False)
    assert np.abs(screen[..., :3] - expected).max() <= 1.5
    # It did change the picture.
    assert np.abs(precise[..., :3].astype(int) - background[..., :3]).mean() > 3


@pytest.mark.parametrize("settings", [s for s in CASES if not isinstance(s, adj.ColorBalance)
                                      and not getattr(s, "legacy", False)],
                         ids=lambda s: type(s).__name__)
def test_psd_tools_renders_our_saved_adjustments_alike(tmp_path, settings):
    """psd-tools draws five of the kinds itself (not Color Balance, nor the legacy
    Brightness/Contrast): our file, its render."""
    from psd_tools import PSDImage

    doc = document(AdjustmentLayer("adjust", settings))
    save_document(doc, tmp_path / "a.psd")
    theirs = np.asarray(PSDImage.open(tmp_path / "a.psd").composite(force=True).convert("RGB"), int)
    ours = composite_document(doc)[..., :3].astype(int)
    # psd-tools floors its table lookups where we round: a few levels at most. A range's
    # positive saturation it eases out over the falloff where we weigh its gain linearly,
    # which fits Photoshop's own pixels better (test_adjustments_photoshop.py): a few more
    # levels there.
    eased = isinstance(settings, adj.HueSaturation) and any(e[1] > 0 for _, e in settings.ranges)
    assert np.abs(theirs - ours).max() <= (12 if eased else 6)
    assert np.abs(theirs - ours).mean() < 1.0


def test_opacity_mask_and_blend_mode():
    settings = adj.Levels(rgb=(0, 255, 1.0, 255, 0))  # an inversion: easy to predict
    background = photo()
    inverted = 255 - background[..., :3].astype(float)
    layer = AdjustmentLayer("invert", settings, opacity=128)
    doc = document(layer, background=background)
    half = background[..., :3] + (inverted - background[..., :3]) * 128 / 255
    assert np.abs(composite_document(doc)[..., :3] - half).max() <= 1
    # A mask hiding the left half: unchanged there.
    layer.opacity = 255
    values = np.full((H, W), 255, np.uint8)
    values[:, : W // 2] = 0
    layer.mask = LayerMask(values)
    shown = composite_document(doc)
    np.testing.assert_array_equal(shown[:, : W // 2], background[:, : W // 2])
    assert np.abs(shown[:, W // 2:, :3] - inverted[:, W // 2:]).max() <= 1
    # A disabled mask: everywhere again.
    layer.mask.enabled = False
    assert np.abs(composite_document(doc)[..., :3] - inverted).max() <= 1
    layer.mask = None
    # Multiply: the inverted colours multiply the backdrop.
    layer.blend_mode = "multiply"
    product = background[..., :3] * inverted / 255
    assert np.abs(composite_document(doc)[..., :3] - product).max() <= 1


def test_alpha_is_kept_and_translucent_pixels_are_adjusted_in_straight_colour():
    settings = adj.Levels(rgb=(0, 255, 1.0, 255, 0))
    background = photo(alpha=True)
    doc = document(AdjustmentLayer("invert", settings), background=background)
    shown = composite_document(doc)
    np.testing.assert_array_equal(shown[..., 3], background[..., 3])
    solid = background[..., 3] > 64  # at low alpha 16-bit premultiplied colour loses precision
    assert np.abs(shown[..., :3][solid] - (255 - background[..., :3][solid].astype(int))).max() <= 2


def test_clipped_adjustment_changes_only_its_base_and_groups_bound_it():
    invert = adj.Levels(rgb=(0, 255, 1.0, 255, 0))
    background = photo()
    spot = np.zeros((4, 6, 4), np.uint8)
    spot[..., 0], spot[..., 3] = 200, 255
    base = Layer("spot", spot, 3, 2)
    clipped = AdjustmentLayer("clipped", invert)
    clipped.clipping = True
    doc = document(base, clipped, background=background)
    shown = composite_document(doc)
    np.testing.assert_array_equal(shown[2:6, 3:9, :3], np.broadcast_to((55, 255, 255), (4, 6, 3)))
    outside = np.ones((H, W), bool)
    outside[2:6, 3:9] = False
    np.testing.assert_array_equal(shown[outside], background[outside])
    # In an isolated (normal) group it adjusts the group's layers only; in a pass-through
    # group everything below it.
    clipped.clipping = False
    doc.root.children.remove(base)
    doc.root.children.remove(clipped)
    group = Group("g", [base, clipped], blend_mode="normal")
    group.parent = doc.root
    doc.root.children.append(group)
    shown = composite_document(doc)
    np.testing.assert_array_equal(shown[outside], background[outside])
    np.testing.assert_array_equal(shown[2:6, 3:9, :3], np.broadcast_to((55, 255, 255), (4, 6, 3)))
    group.blend_mode = "pass_through"
    shown = composite_document(doc)
    assert np.abs(shown[outside][..., :3] - (255 - background[outside][..., :3].astype(int))).max() <= 1


def test_renderer_follows_settings_and_mask_edits_exactly():
    from editor.model import mask_ops

    doc = document()
    renderer = Renderer(doc)
    renderer.update()
    layer = adjustment_ops.add_adjustment(doc, "curves")
    assert layer.mask is not None and layer.mask.default == 255  # reveal all
    for points in ((0, 0), (100, 170), (255, 255)), ((0, 40), (255, 200)):
        adjustment_ops.set_settings(doc, layer, adj.Curves(rgb=points), merge_key=("drag", 1))
        renderer.update()
        fresh = Renderer(doc)
        fresh.update()
        np.testing.assert_array_equal(renderer.composite.array, fresh.composite.array)
    # Mask edits (density, deleting it, undo) redraw everywhere the adjustment reaches.
    for change in (lambda: mask_ops.set_mask_attr(doc, layer, "density", 128),
                   lambda: mask_ops.delete_mask(doc, layer), doc.history.undo):
        change()
        renderer.update()
        fresh = Renderer(doc)
        fresh.update()
        np.testing.assert_array_equal(renderer.composite.array, fresh.composite.array)


def test_settings_edits_are_undoable_steps_and_a_drag_is_one():
    doc = document()
    layer = adjustment_ops.add_adjustment(doc, "exposure")
    steps = doc.history.count
    for value in (0.5, 1.0, 1.5):
        adjustment_ops.set_settings(doc, layer, adj.Exposure(value), merge_key=("drag", 7))
    assert doc.history.count == steps + 1
    adjustment_ops.set_settings(doc, layer, adj.Exposure(1.5, 0.1), merge_key=("typed", 8))
    assert doc.history.count == steps + 2
    doc.history.undo()
    assert layer.settings == adj.Exposure(1.5)
    doc.history.undo()
    assert layer.settings == adj.Exposure()
    with pytest.raises(ValueError):
        adjustment_ops.set_settings(doc, layer, adj.Levels())
    with pytest.raises(DocumentError):
        adjustment_ops.add_adjustment(doc, "no_such_kind")  # (a kind Layered has not)


def test_copies_paint_and_merge_rules():
    doc = document()
    layer = adjustment_ops.add_adjustment(doc, "hue_saturation", adj.HueSaturation(30))
    copy = layer.copy()
    assert isinstance(copy, AdjustmentLayer) and copy.settings == layer.settings
    assert copy.mask is not None and copy.mask.pixels is not layer.mask.pixels
    shared = layer.copy(share=True)  # autosave snapshots
    assert shared.settings == layer.settings and shared.mask.pixels is layer.mask.pixels
    with pytest.raises(DocumentError, match="adjustment layer"):
        doc.begin_pixel_edit(layer)
    with pytest.raises(DocumentError, match="adjustment layer"):
        doc.set_pixels(layer, photo())
    # The brush paints its mask (as in Photoshop); a pixel layer above cannot merge into it.
    doc.set_active(layer)
    assert doc.mask_targeted
    top = doc.new_layer()
    with pytest.raises(DocumentError):
        doc.merge_down(top)
    doc.delete(top)
    # Merging the adjustment down bakes it into the layer below; flatten keeps what shows.
    shown = composite_document(doc)
    merged = doc.merge_down(layer)
    assert isinstance(merged, Layer) and not isinstance(merged, AdjustmentLayer)
    np.testing.assert_array_equal(composite_document(doc), shown)
    doc.history.undo()
    flat = doc.flatten()
    np.testing.assert_array_equal(flat.pixels, shown)


def test_psd_round_trip_keeps_every_kind_and_attribute(tmp_path):
    from psd_tools import PSDImage

    nodes = []
    for i, settings in enumerate(CASES):
        node = AdjustmentLayer(f"adjust {i}", settings, opacity=255 - 7 * i, visible=i % 3 != 0,
                               blend_mode="multiply" if i == 4 else "normal")
        if i == 2:
            values = np.zeros((H, W), np.uint8)
            values[4:10, 5:15] = 255
            node.mask = LayerMask(values, 0, 0, default=0, density=200)
        if i == 5:
            node.clipping = True
        nodes.append(node)
    doc = document(*nodes)
    save_document(doc, tmp_path / "all.psd")
    again = open_document(tmp_path / "all.psd")
    assert again.warnings == []
    read = [n for n in again.nodes() if isinstance(n, AdjustmentLayer)]
    assert [(n.name, n.settings, n.opacity, n.visible, n.blend_mode, n.clipping) for n in read] == \
        [(n.name, n.settings, n.opacity, n.visible, n.blend_mode, n.clipping) for n in nodes]
    assert read[2].mask.density == 200 and (read[2].mask.pixels == nodes[2].mask.pixels).all()
    np.testing.assert_array_equal(composite_document(again), composite_document(doc))
    # psd-tools reads each as the right adjustment, with our numbers.
    theirs = {layer.name: layer for layer in PSDImage.open(tmp_path / "all.psd").descendants()}
    kinds = {adj.BrightnessContrast: "brightnesscontrast", adj.Levels: "levels",
             adj.Curves: "curves", adj.HueSaturation: "huesaturation",
             adj.ColorBalance: "colorbalance", adj.Exposure: "exposure"}
    for node in nodes:
        assert theirs[node.name].kind == kinds[type(node.settings)]
    assert (theirs["adjust 1"].brightness, theirs["adjust 1"].contrast) == (-80, 60)
    assert not theirs["adjust 1"].use_legacy
    master = theirs["adjust 3"].master
    assert (master.input_floor, master.input_ceiling, master.gamma,
            master.output_floor, master.output_ceiling) == (20, 230, 140, 10, 240)
    extra = {e.channel_id: [tuple(p) for p in e.points] for e in theirs["adjust 6"].extra}
    assert extra[2] == [(30, 0), (100, 128), (240, 255)]  # (output, input), channel 2 = green
    assert theirs["adjust 8"].exposure == pytest.approx(-0.7)
    assert theirs["adjust 8"].gamma == pytest.approx(1.3)
    assert tuple(theirs["adjust 10"].master) == (-120, -50, 25)
    assert theirs["adjust 12"].enable_colorization == 1
    assert tuple(theirs["adjust 14"].highlights) == (0, 40, -60) and not theirs["adjust 14"].luminosity
    legacy = theirs[f"adjust {len(CASES) - 1}"]
    assert legacy.use_legacy and (legacy.brightness, legacy.contrast) == (-30, -70)


def test_legacy_brightness_contrast_is_drawn_and_a_lab_one_stays_carried(tmp_path):
    """A Brightness/Contrast with "Use Legacy" on opens as ours, drawn with the legacy
    formula, and is saved back with the flag; one limited to Lab's lightness (a variant we
    do not draw) is kept and saved back as it was, with a warning."""
    from psd_tools import PSDImage
    from psd_tools.constants import Tag
    from psd_tools.psd.descriptor import Bool

    background = photo()
    save_document(document(AdjustmentLayer("legacy", adj.BrightnessContrast(30, 10)),
                           AdjustmentLayer("lab", adj.BrightnessContrast(-20, 40)),
                           background=background), tmp_path / "a.psd")
    psd = PSDImage.open(tmp_path / "a.psd")
    layers = {l.name: l for l in psd.descendants()}
    layers["legacy"].tagged_blocks.get_data(Tag.CONTENT_GENERATOR_EXTRA_DATA)[b"useLegacy"] = Bool(True)
    layers["lab"].tagged_blocks.get_data(Tag.CONTENT_GENERATOR_EXTRA_DATA)[b"Lab "] = Bool(True)
    psd.save(tmp_path / "legacy.psd")
    doc = open_document(tmp_path / "legacy.psd")
    node, lab = doc.find_by_name("legacy"), doc.find_by_name("lab")
    assert isinstance(node, AdjustmentLayer) and node.settings == adj.BrightnessContrast(30, 10, True)
    assert not isinstance(lab, AdjustmentLayer) and lab.source_kind == "adjustment"
    assert any("'lab'" in w and "does not draw" in w for w in doc.warnings)
    assert not any("'legacy'" in w for w in doc.warnings)
    expected = reference(node.settings, background)
    assert np.abs(composite_document(doc)[..., :3] - expected).max() <= 1.0
    save_document(doc, tmp_path / "again.psd")
    again = {l.name: l for l in PSDImage.open(tmp_path / "again.psd").descendants()}
    assert again["legacy"].kind == "brightnesscontrast" and again["legacy"].use_legacy
    assert again["legacy"].brightness == 30 and again["legacy"].contrast == 10
    assert again["lab"].lab and again["lab"].brightness == -20
    assert open_document(tmp_path / "again.psd").find_by_name("legacy").settings == node.settings


def test_hue_saturation_ranges_round_trip_through_psd_tools(tmp_path):
    """The six ranges (corners and edits) go into the 'hue2' block as Photoshop writes it,
    psd-tools reads them back, and a file whose ranges another program edited opens with
    them drawn (no longer carried)."""
    from psd_tools import PSDImage
    from psd_tools.constants import Tag

    settings = adj.HueSaturation(-10, 5, 0).with_range(0, edit=(20, -30, 10)).with_range(
        3, corners=(140, 170, 200, 230), edit=(-45, 60, -20))
    save_document(document(AdjustmentLayer("ranged", settings)), tmp_path / "a.psd")
    psd = PSDImage.open(tmp_path / "a.psd")
    layer = next(l for l in psd.descendants() if l.name == "ranged")
    assert [(tuple(c), tuple(e)) for c, e in layer.data] == list(settings.ranges)
    assert tuple(layer.master) == (-10, 5, 0)
    again = open_document(tmp_path / "a.psd").find_by_name("ranged")
    assert isinstance(again, AdjustmentLayer) and again.settings == settings
    assert settings.describe() == "hue=-10, saturation=5, Reds=20,-30,10, Cyans=-45,60,-20@140-170-200-230"
    # Edited by another program (psd-tools here): opened as ours, the new edit drawn.
    block = layer.tagged_blocks.get_data(Tag.HUE_SATURATION)
    block.items[5] = [block.items[5][0], (0, -100, 0)]  # Magentas fully desaturated
    psd.save(tmp_path / "edited.psd")
    doc = open_document(tmp_path / "edited.psd")
    node = doc.find_by_name("ranged")
    assert isinstance(node, AdjustmentLayer) and node.settings.ranges[5][1] == (0, -100, 0)
    assert not any("ranged" in w for w in doc.warnings)
    magenta = np.zeros((H, W, 4), np.uint8)
    magenta[...] = (200, 40, 220, 255)  # hue ~292: inside the Magentas range
    node.settings = adj.HueSaturation().with_range(5, edit=(0, -100, 0))
    doc.root.children[0].pixels = magenta
    grey = composite_document(doc)
    assert np.ptp(grey[0, 0, :3].astype(int)) <= 1  # no colour left


def test_cli_info_lists_and_convert_draws_adjustments(tmp_path):
    doc = document(AdjustmentLayer("Warmer", adj.ColorBalance(midtones=(30, 0, -20))))
    save_document(doc, tmp_path / "a.psd")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    run = lambda *args: subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, env=env,  # noqa: E731
                                       capture_output=True, text=True, timeout=300)
    info = run("info", str(tmp_path / "a.psd"))
    assert info.returncode == 0, info.stderr
    assert "1 layer, 1 adjustment layer" in info.stdout
    assert "'Warmer'" in info.stdout and "Color Balance: midtones=(30,0,-20)" in info.stdout
    described = json.loads(run("info", "--json", str(tmp_path / "a.psd")).stdout)
    entry = next(n for n in described["layers"] if n["name"] == "Warmer")
    assert entry["kind"] == "adjustment" and entry["adjustment"]["kind"] == "color_balance"
    assert entry["adjustment"]["settings"]["midtones"] == [30, 0, -20]
    done = run("convert", str(tmp_path / "a.psd"), str(tmp_path / "a.png"))
    assert done.returncode == 0, done.stderr
    from PIL import Image

    png = np.asarray(Image.open(tmp_path / "a.png").convert("RGBA"))
    np.testing.assert_array_equal(png, composite_document(doc))


def test_dragging_a_layer_below_and_above_adjustments_redraws_exactly():
    """The Renderer's focus caches around a dragged layer: adjustments above it are redrawn
    over it at each move, adjustments below it are part of the cached composite."""
    doc = document()
    spot = photo(5)[:6, :8].copy()
    low = Layer("low", spot, 2, 2)
    high = Layer("high", photo(6)[:5, :7].copy(), 10, 6)
    levels = AdjustmentLayer("levels", adj.Levels(rgb=(30, 220, 1.3, 0, 255)))
    hue = AdjustmentLayer("hue", adj.HueSaturation(90, 40, 0))
    for node in (low, levels, high, hue):
        node.parent = doc.root
        doc.root.children.append(node)
    renderer = Renderer(doc)
    renderer.update()
    for layer in (low, high):
        renderer.set_focus(layer)
        for step in range(4):
            doc.translate(layer, 1 if step % 2 else 2, 1, merge_key=("drag", layer.id))
            renderer.update()
            # While dragging, the adjustments are redrawn only where the layer was and is:
            # nothing stale is left elsewhere in those rows, within Qt's rounding.
            during = Renderer(doc)
            during.update()
            assert np.abs(renderer.composite.array.astype(int) - during.composite.array).max() <= 2
            during.close()
        renderer.settle()
        renderer.update()
        fresh = Renderer(doc)
        fresh.update()
        np.testing.assert_array_equal(renderer.composite.array, fresh.composite.array)
        shown = renderer.composite.array[..., [2, 1, 0]].astype(int)
        assert np.abs(shown - composite_document(doc)[..., :3].astype(int)).max() <= 2


@pytest.mark.parametrize("settings", [s for s in CASES if not s.separable],
                         ids=lambda s: type(s).__name__)
def test_screen_lookup_of_mixing_kinds_gives_the_kernels_colours(settings):
    """Hue/Saturation and Color Balance go through an 8-bit 3D lookup on the screen, filled
    by the per-pixel kernel as colours are met: colours read back from it (a second pass,
    repeats, other positions) are the ones the kernel computed, and all of them are the
    formula's within the screen's tolerance."""
    from editor.model.render import adjust_buffer

    rng = np.random.default_rng(11)
    codes = rng.choice(1 << 24, 4096, replace=False)  # distinct colours: each computed once
    rgb = np.stack([(codes >> 16) & 255, (codes >> 8) & 255, codes & 255], -1).astype(np.uint8)
    adj.cube8.cache_clear()
    first = np.concatenate([rgb[:, ::-1], np.full((4096, 1), 255, np.uint8)], -1)[None].copy()
    adjust_buffer(first, settings, precise=False)  # screen buffers are BGRA
    order = rng.permutation(np.repeat(np.arange(4096), 2))
    again = np.concatenate([rgb[order, ::-1], np.full((order.size, 1), 255, np.uint8)], -1)
    again = again.reshape(64, 128, 4).copy()
    adjust_buffer(again, settings, precise=False)
    np.testing.assert_array_equal(again.reshape(-1, 4), first[0, order])
    expected = reference(settings, np.concatenate([rgb, first[0, :, 3:]], -1)[None])
    assert np.abs(first[0, :, 2::-1].astype(float) - expected[0]).max() <= 1.5
    other = adj.changed(settings, **({"hue": 77} if isinstance(settings, adj.HueSaturation)
                                     else {"midtones": (-50, 30, 0)}))
    assert adj.cube8(other) is not adj.cube8(settings)  # one lookup per settings


def test_curve_point_edits_keep_photoshops_rules():
    """What the Curves graph does to the points: a point stays between its neighbours and
    in 0..255, a new point at an existing input replaces it, 19 points at most, 2 at least."""
    pts = adj.CURVE_IDENTITY
    pts, i = adj.point_added(pts, 128, 200)
    assert pts == ((0, 0), (128, 200), (255, 255)) and i == 1
    assert adj.point_placed(pts, 1, 300, -5) == ((0, 0), (254, 0), (255, 255))
    assert adj.point_placed(pts, 0, 200, 10) == ((127, 10), (128, 200), (255, 255))
    assert adj.point_added(pts, 128, 50) == (((0, 0), (128, 50), (255, 255)), 1)
    assert adj.point_removed(pts, 1) == adj.CURVE_IDENTITY
    with pytest.raises(ValueError):
        adj.point_removed(adj.CURVE_IDENTITY, 0)
    many = tuple((x * 14, x * 14) for x in range(19))
    with pytest.raises(ValueError):
        adj.point_added(many, 7, 7)
    # The graph's curve is the renderer's: the lookup table holds the same spline.
    curves = adj.Curves(rgb=pts)
    t = np.linspace(0, 1, 256)
    np.testing.assert_allclose(adj.lut(curves, 256)[1], np.clip(adj.curve(t, pts), 0, 1),
                               atol=1e-6)


def test_adjustment_as_clipping_base_shows_its_clipped_layers_inside_its_mask(tmp_path):
    """Photoshop (and psd-tools) draw an adjustment clipping base as a layer whose content is
    the adjusted backdrop, opaque wherever the backdrop is: clipped layers paint onto that
    content, and the result shows through the base's mask and opacity. A clipped adjustment
    then changes only what the base adjustment did."""
    from psd_tools import PSDImage

    background = photo()
    invert = adj.Levels(rgb=(0, 255, 1.0, 255, 0))
    base = AdjustmentLayer("base", invert)
    hidden_left = np.full((H, W), 255, np.uint8)
    hidden_left[:, : W // 2] = 0  # the base's mask hides the left half
    base.mask = LayerMask(hidden_left)
    square = np.zeros((8, 8, 4), np.uint8)
    square[..., 1], square[..., 3] = 200, 255
    clipped = Layer("square", square, W // 2 - 4, 4)  # straddles the mask's edge
    clipped.clipping = True
    doc = document(base, clipped, background=background)
    shown = composite_document(doc).astype(int)
    # The reference, pixel by pixel: the inverted backdrop with the green square over it,
    # shown only where the base's mask is white.
    expected = background.astype(int).copy()
    for y in range(H):
        for x in range(W):
            if x < W // 2:
                continue
            inside = W // 2 - 4 <= x < W // 2 + 4 and 4 <= y < 12
            expected[y, x, :3] = (0, 200, 0) if inside else 255 - background[y, x, :3]
    assert np.abs(shown - expected).max() <= 1
    assert (shown[4:12, W // 2:W // 2 + 4, 1] == 200).all()  # the square is drawn (was not)
    # The screen path draws the same.
    assert np.abs(composite_document(doc, precise=False).astype(int) - expected).max() <= 1
    # psd-tools draws our saved file alike.
    save_document(doc, tmp_path / "clip.psd")
    theirs = np.asarray(PSDImage.open(tmp_path / "clip.psd").composite(force=True).convert("RGB"), int)
    assert np.abs(theirs - shown[..., :3]).max() <= 2
    # A clipped adjustment changes only what the base did: halve the inversion's result.
    darker = AdjustmentLayer("darker", adj.Levels(rgb=(0, 255, 1.0, 0, 128)))
    darker.clipping = True
    doc.root.children.remove(clipped)
    darker.parent = doc.root
    doc.root.children.append(darker)
    shown = composite_document(doc).astype(int)
    left = background[:, : W // 2, :3].astype(int)
    np.testing.assert_array_equal(shown[:, : W // 2, :3], left)  # masked off: untouched
    right = (255 - background[:, W // 2:, :3].astype(int)) * 128 / 255
    assert np.abs(shown[:, W // 2:, :3] - right).max() <= 1
    # Opacity fades the whole clipping group; hiding the base hides its clipped layers.
    base.opacity = 0
    np.testing.assert_array_equal(composite_document(doc), background)
    base.opacity, base.visible = 255, False
    np.testing.assert_array_equal(composite_document(doc), background)


def test_screen_kernel_unpremultiplies_and_premultiplies_exactly_at_every_alpha():
    """The 8-bit screen kernel's straight colour of every (alpha, premultiplied value) pair,
    its lookup and the premultiplied result, through opacity and a mask, are the integer
    formulas' (round(v * 255 / a), round(n * a / 255), round mixing by k / 65025)."""
    from editor.model.render import adjust_buffer

    settings = adj.Levels(rgb=(12, 240, 1.15, 0, 255))
    table = adj.lut8(settings).astype(np.int64)
    alpha, value = np.meshgrid(np.arange(256), np.arange(256), indexing="ij")
    value = np.minimum(value, alpha)  # premultiplied: colour <= alpha
    buf = np.stack([value, (value * 7) % (alpha + 1), alpha - value, alpha], -1).astype(np.uint8)
    coverage = ((alpha * 3 + value * 5) % 256).astype(np.uint8)
    for mask, opacity in ((None, 255), (coverage, 255), (None, 140), (coverage, 200)):
        out = buf.copy()
        adjust_buffer(out, settings, precise=False, coverage=mask, opacity=opacity)
        a = alpha.astype(np.int64)
        k = opacity * (mask.astype(np.int64) if mask is not None else 255)
        expected = buf.astype(np.int64).copy()
        for c, channel in ((0, 2), (1, 1), (2, 0)):  # BGRA buffer, RGB table rows
            p = buf[..., channel].astype(np.int64)
            straight = np.where(a == 255, p, np.minimum(255, (p * 255 + a // 2) // np.maximum(a, 1)))
            n = table[c][straight]
            n = np.where(a == 255, n, (n * a + 127) // 255)
            d = (n - p) * k
            d = np.where(d >= 0, (d + 32512) // 65025, -((-d + 32512) // 65025))
            expected[..., channel] = np.where((a == 0) | (k == 0), p, p + d)
        np.testing.assert_array_equal(out, expected.astype(np.uint8))


@pytest.mark.parametrize("settings", [adj.HueSaturation(40, 30, 10),
                                      adj.ColorBalance(midtones=(30, -20, 10))],
                         ids=lambda s: type(s).__name__)
def test_screen_lookup_of_mixing_kinds_unpremultiplies_and_premultiplies_exactly(settings):
    """A mixing kind on a translucent screen pixel reads its 3D lookup at the pixel's exact
    straight colour (round(v * 255 / a)) and premultiplies the entry back (round(n * a /
    255)): at every alpha, the colour an opaque pixel of that straight colour gets, whichever
    of the two fills the lookup first."""
    from editor.model.render import adjust_buffer

    rng = np.random.default_rng(5)
    alpha = np.repeat(np.arange(1, 256), 64)
    a = alpha[:, None]
    values = np.minimum((rng.random((alpha.size, 3)) * (a + 1)).astype(np.int64), a)
    translucent = np.concatenate([values[:, ::-1], a], -1).astype(np.uint8)[None]  # BGRA
    straight = np.minimum(255, (values * 255 + a // 2) // a)
    opaque = np.concatenate([straight[:, ::-1], np.full_like(a, 255)], -1).astype(np.uint8)[None]
    for translucent_first in (True, False):
        adj.cube8.cache_clear()
        out, shown = translucent.copy(), opaque.copy()
        for buf in ((out, shown) if translucent_first else (shown, out)):
            adjust_buffer(buf, settings, precise=False)
        np.testing.assert_array_equal(out[0, :, :3], (shown[0, :, :3].astype(np.int64) * a + 127) // 255)
        np.testing.assert_array_equal(out[0, :, 3], alpha)


def test_hue_range_corners_keep_photoshops_order():
    """What the Hue/Saturation colour bar does to a range's corners: they stay in order round
    the circle (a corner stops at its neighbour), the falloff spans less than a turn, the
    whole range turns freely and wraps; a typed corner takes the shorter turn."""
    yellows, reds = adj.HUE_RANGES[1], adj.HUE_RANGES[0]
    assert adj.corners_turned(yellows, 0, 0, -10) == (5, 45, 75, 105)
    assert adj.corners_turned(yellows, 0, 0, 50) == (45, 45, 75, 105)   # stops at range from
    assert adj.corners_turned(yellows, 2, 2, 50) == (15, 45, 105, 105)  # stops at falloff to
    assert adj.corners_turned(yellows, 1, 1, 40) == (15, 75, 75, 105)   # stops at range to
    assert adj.corners_turned(yellows, 3, 3, 400) == (15, 45, 75, 14)   # 359 degrees at most
    assert adj.corners_turned(yellows, 0, 0, -400) == (106, 45, 75, 105)
    assert adj.corners_turned(yellows, 0, 1, -20) == (355, 25, 75, 105)  # a falloff band
    assert adj.corners_turned(yellows, 2, 3, 100) == (15, 45, 175, 205)
    assert adj.corners_turned(yellows, 2, 3, 300) == (15, 45, 344, 14)    # 1 degree outside
    assert adj.corners_turned(yellows, 2, 3, -50) == (15, 45, 45, 75)     # stops at range from
    assert adj.corners_turned(yellows, 0, 3, 300) == (315, 345, 15, 45)  # whole: wraps freely
    assert adj.corners_turned(reds, 2, 2, -40) == (315, 345, 345, 45)     # across 0 degrees
    assert adj.corners_turned(reds, 0, 0, 20) == (335, 345, 15, 45)
    assert adj.corner_set(yellows, 0, 0) == (0, 45, 75, 105)
    assert adj.corner_set(yellows, 1, 90) == (15, 75, 75, 105)
    assert adj.corner_set(reds, 3, 30) == (315, 345, 15, 30)
    assert adj.corner_set(reds, 3, 0) == (315, 345, 15, 15)  # the shorter turn: left, stops
    jumbled = (100, 20, 60, 140)  # out of order (typed so): moved as asked
    assert adj.corners_turned(jumbled, 1, 1, 10) == (100, 30, 60, 140)
