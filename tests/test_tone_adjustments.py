"""Image > Adjustments > Shadows/Highlights, Replace Color and Equalize (`tone_adjustments`)
on real photos (skimage.data) against independent numpy references of their formulas
(scipy's box filter for the guided filter, skimage's L*a*b* for Replace Color's range,
colorsys for its hue turn, OpenCV's equalizeHist for a grey Equalize), inside a soft
selection with the rest untouched, in bands as in one piece, and undone in one step."""
from __future__ import annotations

import colorsys

import numpy as np
import pytest
from scipy import ndimage

from editor.model import Document, filter_ops, selection_ops, tone_adjustments as tone
from editor.model import color_range as cr
from editor.model.layers import Layer
from engine.box import Box

from ui_helpers import photo

W, H = 160, 120


# -- references ------------------------------------------------------------------------------

def guided_reference(lum: np.ndarray, r: int, eps: float) -> np.ndarray:
    mean = lambda x: ndimage.uniform_filter(x, 2 * r + 1, mode="nearest")  # noqa: E731
    mi = mean(lum)
    var = mean(lum * lum) - mi * mi
    a = var / (var + eps)
    b = mi - a * mi
    return mean(a) * lum + mean(b)


def shadows_highlights_reference(rgb8: np.ndarray, shadows=35.0, highlights=0.0,
                                 shadow_tone=50.0, highlight_tone=50.0, radius=30,
                                 color=20.0, midtone=0.0) -> np.ndarray:
    """The module's formula, written out in float64 (see its docstring)."""
    rgb = rgb8.astype(np.float64) / 255
    lum = rgb @ np.array([0.299, 0.587, 0.114])
    base = np.clip(guided_reference(lum, radius, 0.01), 0, 1) if radius else lum
    moved = base.copy()
    if shadows:
        ws = (1 - np.minimum(base / (shadow_tone / 100), 1)) ** 2
        moved = moved ** (1 / (1 + 3 * shadows / 100 * ws))
    if highlights:
        wh = (1 - np.minimum((1 - base) / (highlight_tone / 100), 1)) ** 2
        moved = 1 - (1 - moved) ** (1 / (1 + 3 * highlights / 100 * wh))
    new = np.clip(lum + moved - base, 0, 1)
    c = midtone / 200
    new = new + c * (new - 0.5) * 4 * new * (1 - new)
    gain = 1 + color / 100 * np.minimum(np.abs(new - lum) * 4, 1)
    out = np.clip(new[..., None] + (rgb - lum[..., None]) * gain[..., None], 0, 1)
    return out * 255


def replace_mask_reference(rgb8: np.ndarray, sample_rgb, fuzziness: float) -> np.ndarray:
    from skimage.color import rgb2lab

    lab = rgb2lab(rgb8)
    ref = rgb2lab(np.array(sample_rgb, np.uint8).reshape(1, 1, 3))[0, 0]
    d = np.sqrt(((lab - ref) ** 2).sum(-1))
    inner, outer = fuzziness / 4, fuzziness / 2
    return np.clip((outer - d) / (outer - inner), 0, 1)


def hue_turned(rgb8: np.ndarray, degrees: float) -> np.ndarray:
    out = np.empty(rgb8.shape, np.float64)
    for idx in np.ndindex(rgb8.shape[:2]):
        h, light, s = colorsys.rgb_to_hls(*(rgb8[idx] / 255.0))
        out[idx] = colorsys.hls_to_rgb((h + degrees / 360) % 1, light, s)
    return out * 255


def equalize_reference(rgb8: np.ndarray, weights=None) -> np.ndarray:
    w = np.ones(rgb8.shape[:2]) if weights is None else weights.astype(np.float64)
    hist = sum(np.histogram(rgb8[..., c], bins=256, range=(0, 256), weights=w)[0]
               for c in range(3))
    cdf = np.cumsum(hist)
    low = cdf[np.flatnonzero(hist)[0]]
    table = np.clip(np.rint((cdf - low) * 255 / (cdf[-1] - low)), 0, 255)
    return table[rgb8]


# -- a document -------------------------------------------------------------------------------

def photo_doc(which: str = "astronaut", size=(W, H)) -> tuple[Document, Layer]:
    pixels = photo(*size, which=which)
    doc = Document(*size)
    layer = Layer("photo", pixels)
    doc.add_layer(layer)
    return doc, layer


def soft_selection(doc) -> np.ndarray:
    mask = selection_ops.feathered(selection_ops.ellipse_mask(doc, Box(30, 20, 90, 70)), 5)
    selection_ops.select_mask(doc, mask)
    return selection_ops.current_mask(doc)


def mixed(old: np.ndarray, new: np.ndarray, coverage: np.ndarray) -> np.ndarray:
    c = coverage.astype(np.float64)[..., None] / 255
    return old + (np.clip(new, 0, 255) - old) * c


# -- Shadows/Highlights ------------------------------------------------------------------------

@pytest.mark.parametrize("settings", [
    {}, {"shadows": 80, "highlights": 60, "radius": 12, "color": 60, "midtone": 40},
    {"shadows": 0, "highlights": 100, "highlight_tone": 80, "radius": 0, "color": -50,
     "midtone": -70}], ids=["defaults", "both", "highlights"])
def test_shadows_highlights_follows_its_formula_inside_the_selection(settings):
    doc, layer = photo_doc()
    before = layer.pixels.copy()
    coverage = soft_selection(doc)
    filter_ops.apply(doc, tone.ShadowsHighlights(**settings), what="adjust")
    after = layer.pixels
    assert doc.history.undo_name() == "Shadows/Highlights"
    expected = mixed(before[..., :3].astype(np.float64),
                     shadows_highlights_reference(before[..., :3], **settings), coverage)
    diff = np.abs(after[..., :3] - expected)
    assert diff.max() <= 1.01
    outside = coverage == 0
    np.testing.assert_array_equal(after[outside], before[outside])
    inside = coverage == 255
    assert (after[inside][:, :3] != before[inside][:, :3]).mean() > 0.3  # it did something
    doc.history.undo()
    np.testing.assert_array_equal(layer.pixels, before)


def test_shadows_highlights_lifts_the_dark_and_lowers_the_bright():
    doc, layer = photo_doc("coffee", (200, 133))
    rgb = layer.pixels[..., :3].astype(np.float64)
    lum = rgb @ [0.299, 0.587, 0.114]
    dark, bright = lum < 50, lum > 200
    assert dark.sum() > 200 and bright.sum() > 200
    filter_ops.apply(doc, tone.ShadowsHighlights(shadows=60, highlights=60), what="adjust")
    new = layer.pixels[..., :3].astype(np.float64) @ [0.299, 0.587, 0.114]
    assert new[dark].mean() > lum[dark].mean() + 15
    assert new[bright].mean() < lum[bright].mean() - 5
    mid = (lum > 110) & (lum < 150)
    assert abs(new[mid].mean() - lum[mid].mean()) < abs(new[dark].mean() - lum[dark].mean())


def test_shadows_highlights_in_bands_gives_the_whole(monkeypatch):
    op = tone.ShadowsHighlights(shadows=70, highlights=30, radius=9)
    doc, layer = photo_doc("chelsea", (300, 200))
    whole = filter_ops.run(filter_ops.prepare(doc, layer), op)
    monkeypatch.setattr(filter_ops, "BAND_PIXELS", 300 * 20)  # bands of 40 rows (4 reach)
    banded = filter_ops.run(filter_ops.prepare(doc, layer), op)
    np.testing.assert_array_equal(banded.pixels, whole.pixels)


# -- Replace Color ----------------------------------------------------------------------------

def test_replace_color_turns_the_sampled_colours_by_color_ranges_falloff():
    doc, layer = photo_doc("astronaut")
    before = layer.pixels.copy()
    coverage = soft_selection(doc)
    x, y = 50, 95  # the orange suit
    sample = cr.sample_of(before, x, y)
    op = tone.ReplaceColor(fuzziness=60, samples=(sample,), hue=-120)
    filter_ops.apply(doc, op, what="adjust")
    after = layer.pixels[..., :3].astype(np.float64)
    assert doc.history.undo_name() == "Replace Color"
    chosen = replace_mask_reference(before[..., :3], before[y, x, :3], 60)
    assert 0.05 < (chosen > 0.99).mean() < 0.6 and ((chosen > 0) & (chosen < 1)).any()
    c = np.rint(chosen * 255) * coverage / 255
    turned = hue_turned(before[..., :3], -120)
    expected = before[..., :3] + (turned - before[..., :3]) * c[..., None] / 255
    diff = np.abs(after - expected)
    assert np.percentile(diff, 99.9) <= 2.0 and diff.max() <= 4.0
    untouched = (c == 0)
    np.testing.assert_array_equal(layer.pixels[untouched], before[untouched])
    assert (np.abs(after - before[..., :3]).max(-1) > 20).sum() > 500  # the suit turned
    doc.history.undo()
    np.testing.assert_array_equal(layer.pixels, before)


def test_replace_colors_lightness_is_hue_saturations_and_subtracting_takes_away():
    from editor.model.adjustments import HueSaturation

    doc, layer = photo_doc("coffee")
    before = layer.pixels.copy()
    add = cr.sample_of(before, 60, 60)
    op = tone.ReplaceColor(fuzziness=80, samples=(add,), lightness=-40, saturation=30)
    chosen = op.chosen(before)
    whole = HueSaturation(saturation=30, lightness=-40).apply(
        before[..., :3].astype(np.float32) / 255) * 255
    filter_ops.apply(doc, op, what="adjust")
    expected = before[..., :3] + (whole - before[..., :3]) * chosen[..., None] / 255
    assert np.abs(layer.pixels[..., :3] - expected).max() <= 2.0
    # The same colour subtracted (Alt): Color Range's added x (1 - subtracted).
    taken = cr.sample_of(before, 60, 60, subtract=True)
    left = tone.ReplaceColor(fuzziness=80, samples=(add, taken), hue=30).chosen(before)
    a = chosen / 255
    assert chosen.max() == 255 and not left[chosen == 255].any()
    assert np.abs(left - np.rint(a * (1 - a) * 255)).max() <= 1


# -- Equalize ---------------------------------------------------------------------------------

def test_equalize_grey_photo_is_opencvs_equalize_hist():
    import cv2
    import skimage.data

    grey = skimage.data.camera()[::4, ::4]
    doc = Document(grey.shape[1], grey.shape[0])
    layer = Layer("camera", np.dstack([grey, grey, grey, np.full_like(grey, 255)]))
    doc.add_layer(layer)
    tone.equalize(doc)
    expected = cv2.equalizeHist(np.ascontiguousarray(grey))
    assert np.abs(layer.pixels[..., 0].astype(int) - expected).max() <= 1
    assert layer.pixels[..., 0].min() == 0 and layer.pixels[..., 0].max() == 255
    doc.history.undo()
    np.testing.assert_array_equal(layer.pixels[..., 0], grey)


@pytest.mark.parametrize("mode", ["selected", "based"])
def test_equalize_by_the_selection(mode):
    doc, layer = photo_doc("chelsea")
    before = layer.pixels.copy()
    coverage = soft_selection(doc)
    tone.equalize(doc, mode)
    assert doc.history.undo_name() == "Equalize"
    table = equalize_reference(before[..., :3], coverage)
    if mode == "based":  # the selection's table, on the whole layer
        np.testing.assert_array_equal(layer.pixels[..., :3], table)
    else:
        expected = mixed(before[..., :3].astype(np.float64), table, coverage)
        assert np.abs(layer.pixels[..., :3] - expected).max() <= 0.51
        np.testing.assert_array_equal(layer.pixels[coverage == 0], before[coverage == 0])
    # Not the whole layer's table: the selection's histogram decides.
    assert not np.array_equal(table, equalize_reference(before[..., :3]))
    doc.history.undo()
    np.testing.assert_array_equal(layer.pixels, before)


def test_shadows_highlights_ignores_the_colour_hidden_under_transparency():
    """A photo with a transparent border: the result does not depend on what colour lies
    under alpha 0 (white or black), and the border stays transparent."""
    results = []
    for hidden in (0, 255):
        pixels = photo(W, H, "astronaut")
        pixels[:, :30] = (hidden, hidden, hidden, 0)
        pixels[:, 30:34, 3] = 128  # a soft edge
        doc = Document(W, H)
        layer = Layer("cut", pixels.copy())
        doc.add_layer(layer)
        filter_ops.apply(doc, tone.ShadowsHighlights(shadows=80, radius=10), what="adjust")
        assert not layer.pixels[:, :30, 3].any()
        results.append(layer.pixels[:, 30:].copy())
    np.testing.assert_array_equal(results[0], results[1])


def test_equalize_and_shadows_highlights_work_on_the_targeted_layer_mask():
    """With the layer mask targeted the mask's grey changes (equalized: as a grey photo's
    levels), the layer's pixels stay; one undo step each."""
    import cv2
    import skimage.data

    from editor.model import mask_ops

    doc, layer = photo_doc("chelsea")
    pixels = layer.pixels.copy()
    mask_ops.add_mask(doc, layer, "reveal_all")
    assert doc.mask_targeted
    grey = np.ascontiguousarray(
        cv2.resize(skimage.data.camera(), (W, H), interpolation=cv2.INTER_AREA) // 2 + 40)
    layer.mask.pixels[...] = grey
    tone.equalize(doc)
    assert doc.history.undo_name() == "Equalize"
    equalized = layer.mask.raw_crop(doc.canvas).copy()
    assert np.abs(equalized.astype(int) - cv2.equalizeHist(grey)).max() <= 1
    np.testing.assert_array_equal(layer.pixels, pixels)
    doc.history.undo()
    np.testing.assert_array_equal(layer.mask.raw_crop(doc.canvas), grey)
    filter_ops.apply(doc, tone.ShadowsHighlights(shadows=60, radius=6), what="adjust")
    rgb = np.dstack([grey] * 3)
    expected = shadows_highlights_reference(rgb, shadows=60, radius=6)[..., 0]
    assert np.abs(layer.mask.raw_crop(doc.canvas) - expected).max() <= 1.01
    np.testing.assert_array_equal(layer.pixels, pixels)
