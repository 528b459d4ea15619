"""Vibrance, Black & White, Photo Filter and Channel Mixer adjustment layers in the model:
each kind's composite (the 16-bit path of files and merges, the 8-bit screen) against a
numpy reference of its formula written here; PSD round trips through our writer and
psd-tools' reader (and back through ours); the command line's info; Photoshop's own
pixels (fill_adjustments.psd, whose stack holds a Vibrance and a Photo Filter), before
and after these kinds were drawn."""
from __future__ import annotations

import colorsys
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from editor.model import AdjustmentLayer, Document, Layer
from editor.model import adjustments as adj
from editor.model.files import open_document, save_document
from editor.model.render import composite_document

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FILES = os.path.join(ROOT, "tests", "psd_tools_files")
W, H = 32, 24


def photo(seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 256, (H, W, 4), dtype=np.uint8)
    pixels[..., 3] = 255
    pixels[0, :8, :3] = [[0, 0, 0], [255, 255, 255], [128, 128, 128], [255, 0, 0],
                         [255, 255, 0], [0, 255, 255], [255, 0, 255], [200, 120, 40]]
    return pixels


def document(settings, background: np.ndarray) -> Document:
    doc = Document(W, H)
    for node in (Layer("Background", background), AdjustmentLayer("adjust", settings)):
        node.parent = doc.root
        doc.root.children.append(node)
    return doc


# -- references (numpy, all pixels at once; HSL through the standard library) ---------------

def set_lum(rgb: np.ndarray, light: np.ndarray) -> np.ndarray:
    """W3C SetLum + ClipColor (weights 0.3, 0.59, 0.11)."""
    weights = np.array([0.3, 0.59, 0.11])
    c = rgb + (light - rgb @ weights)[..., None]
    lum = (c @ weights)[..., None]
    low, high = c.min(-1, keepdims=True), c.max(-1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        c = np.where(low < 0, lum + (c - lum) * lum / (lum - low), c)
        c = np.where(high > 1, lum + (c - lum) * (1 - lum) / (high - lum), c)
    return np.clip(c, 0, 1)


def ref_vibrance(rgb: np.ndarray, s: adj.Vibrance) -> np.ndarray:
    v = s.vibrance / 100
    k = 1 + v * (1 - (rgb.max(-1) - rgb.min(-1)))
    luma = rgb @ np.array([0.299, 0.587, 0.114])
    out = np.clip(luma[..., None] + (rgb - luma[..., None]) * k[..., None], 0, 1)
    if s.saturation:
        t = s.saturation / 100
        gain = 1 + (t / (1.0075 - t) if t > 0 else t)
        flat = out.reshape(-1, 3)
        for i, (r, g, b) in enumerate(flat):
            h, light, sat = colorsys.rgb_to_hls(r, g, b)
            flat[i] = colorsys.hls_to_rgb(h, light, min(1.0, max(0.0, sat * gain)))
    return out


def ref_black_white(rgb: np.ndarray, s: adj.BlackWhite) -> np.ndarray:
    order = np.argsort(-rgb, axis=-1, kind="stable")
    top, mid = order[..., 0], order[..., 1]
    values = np.take_along_axis(rgb, order, -1)
    primary = np.array([s.reds, s.greens, s.blues])[top] / 100
    # The secondary of the two top channels: red+green yellow, green+blue cyan, red+blue magenta.
    secondary = np.select([(top + mid) == 1, (top + mid) == 3], [s.yellows, s.cyans],
                          s.magentas) / 100
    grey = np.clip(values[..., 2] + (values[..., 1] - values[..., 2]) * secondary
                   + (values[..., 0] - values[..., 1]) * primary, 0, 1)
    if not s.tint:
        return np.repeat(grey[..., None], 3, -1)
    tint = np.broadcast_to(np.array(s.tint_color) / 255, rgb.shape)
    return set_lum(tint, grey)


def ref_photo_filter(rgb: np.ndarray, s: adj.PhotoFilter) -> np.ndarray:
    d = s.density / 100
    color = np.array(s.color) / 255
    out = (rgb ** 2.2 * (1 - d + d * color ** 2.2)) ** (1 / 2.2)
    if s.preserve_luminosity:
        return set_lum(out, rgb @ np.array([0.3, 0.59, 0.11]))
    return out


def ref_channel_mixer(rgb: np.ndarray, s: adj.ChannelMixer) -> np.ndarray:
    rows = [s.red] * 3 if s.monochrome else [s.red, s.green, s.blue]
    matrix = np.array([row[:3] for row in rows]) / 100
    constant = np.array([row[3] for row in rows]) / 100
    return np.clip(rgb @ matrix.T + constant, 0, 1)


REFERENCES = {adj.Vibrance: ref_vibrance, adj.BlackWhite: ref_black_white,
              adj.PhotoFilter: ref_photo_filter, adj.ChannelMixer: ref_channel_mixer}

CASES = [
    adj.Vibrance(60, 0), adj.Vibrance(-70, 0), adj.Vibrance(35, -40), adj.Vibrance(-20, 50),
    adj.BlackWhite(), adj.BlackWhite(-50, 150, 10, 220, -200, 300),
    adj.BlackWhite(tint=True), adj.BlackWhite(70, 20, 30, 90, 10, 40, True, (40, 90, 200)),
    adj.PhotoFilter(), adj.PhotoFilter((0, 80, 255), 70, False), adj.PhotoFilter((20, 200, 60), 100),
    adj.ChannelMixer((80, 30, -20, 5), (-40, 120, 10, -10), (0, 50, 60, 20)),
    adj.ChannelMixer((30, 59, 11, 0), monochrome=True),
    adj.ChannelMixer((100, 0, 0, 0), (0, 100, 0, 0), (0, 0, 100, 0)),  # identity
]


@pytest.mark.parametrize("settings", CASES, ids=lambda s: type(s).__name__)
def test_composite_matches_the_formula(settings):
    background = photo()
    doc = document(settings, background)
    expected = REFERENCES[type(settings)](background[..., :3] / 255.0, settings) * 255
    precise = composite_document(doc)
    assert (precise[..., 3] == 255).all()
    # One level of rounding on the 16-bit path; the screen's exact 8-bit cube rounds once more.
    assert np.abs(precise[..., :3] - expected).max() <= 1.0
    screen = composite_document(doc, precise=False)
    assert np.abs(screen[..., :3] - expected).max() <= 1.5
    changed = np.abs(precise[..., :3].astype(int) - background[..., :3]).mean()
    if settings == adj.ChannelMixer():
        assert changed == 0  # the identity mixer leaves the picture as it was
    else:
        assert changed > 3


def test_black_and_white_defaults_give_photoshops_greys():
    """Photoshop's default sliders: pure red 40 %, yellow 60 %, blue 20 % grey; greys stay."""
    rgb = np.array([[255, 0, 0], [255, 255, 0], [0, 0, 255], [90, 90, 90]], np.float32) / 255
    out = adj.BlackWhite().apply(rgb)
    np.testing.assert_allclose(out[:, 0], [0.4, 0.6, 0.2, 90 / 255], atol=1e-5)
    assert np.ptp(out, axis=1).max() < 1e-6


def test_psd_round_trip_through_psd_tools_and_back(tmp_path):
    from psd_tools import PSDImage

    kinds = [adj.Vibrance(25, -15), adj.BlackWhite(10, 20, 30, 40, 50, 60, True, (10, 200, 30)),
             adj.PhotoFilter((12, 34, 240), 63, False),
             adj.ChannelMixer((80, 30, -20, 5), (-40, 120, 10, -10), (0, 50, 60, 20), True)]
    doc = Document(W, H)
    for node in (Layer("Background", photo()),
                 *(AdjustmentLayer(s.label, s) for s in kinds)):
        node.parent = doc.root
        doc.root.children.append(node)
    path = str(tmp_path / "more.psd")
    save_document(doc, path)
    psd = PSDImage.open(path)
    layers = {layer.kind: layer for layer in psd.descendants()}
    vib = layers["vibrance"]
    assert (vib.vibrance, vib.saturation) == (25, -15)
    bw = layers["blackandwhite"]
    assert (bw.red, bw.yellow, bw.green, bw.cyan, bw.blue, bw.magenta) == (10, 20, 30, 40, 50, 60)
    assert bw.use_tint and [round(bw.tint_color[k]) for k in (b"Rd  ", b"Grn ", b"Bl  ")] == [10, 200, 30]
    pf = layers["photofilter"]
    assert (pf.color_space, pf.density, pf.luminosity) == (0, 63, 0)
    assert [round(c / 257) for c in pf.color_components[:3]] == [12, 34, 240]
    mixer = layers["channelmixer"]
    assert mixer.monochrome == 1 and list(mixer.data) == [80, 30, -20, 0, 5]
    # Back through our reader: the same settings, drawn alike.
    again = open_document(path)
    read = [n.settings for n in again.nodes() if isinstance(n, AdjustmentLayer)]
    assert read == kinds
    np.testing.assert_array_equal(composite_document(again), composite_document(doc))


def test_cli_info_reports_the_settings(tmp_path):
    doc = document(adj.PhotoFilter((0, 80, 255), 70, False), photo())
    path = str(tmp_path / "pf.psd")
    save_document(doc, path)
    out = subprocess.run([sys.executable, "main.py", "info", path, "--json"], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    text = json.dumps(json.loads(out.stdout))
    assert "photo_filter" in text and "density=70" in text


# -- Photoshop's pixels ---------------------------------------------------------------------

# fill_adjustments.psd (psd-tools' corpus): three shapes with gradient and pattern overlays
# over a white background (quadrants), under a stack of Brightness/Contrast, Levels, Curves,
# Exposure, Vibrance (-6, +2), Hue/Saturation, Color Balance (shadows -4, 2, -5; midtones
# 10, 4, -9; highlights 1, -9, -3; Preserve Luminosity), a hidden Black & White, Photo
# Filter (Warming Filter (85) as Lab, 25 %, Preserve Luminosity), an identity Channel Mixer,
# a zero Selective Color (drawn since: it changes nothing), and kinds we do not draw that
# change nothing here (an empty Color Lookup) or are hidden. Measured mean error, 0-255,
# 16-bit path (the screen alike), as the kinds were drawn, then as Color Balance's midtones
# became Photoshop's gamma curves (measured exact on a file of Photoshop's own:
# test_adjustments_photoshop_pixels.py):
#   quadrant           not drawn   drawn   midtones as gammas
#   top left (grad.)     10.34     10.24     8.20
#   top right (photo)     3.67      4.27     6.60   (ours ~12 levels too blue)
#   bottom left (grad.)  10.82     10.84     8.64
#   bottom right (flat)  10.00      4.00     5.33   (Photo Filter)
#   whole image           8.71      7.34     7.20   (screen: 8.75 -> 7.26 -> 7.24)
# The photo's blue was close before only because GIMP's midtones took ~16 levels off it;
# the gamma takes ~4. What else takes blue off in Photoshop is not known: the Color
# Balance's shadows and highlights (still GIMP's model) and the warming filter's colour,
# Lab (67, 32, 120), outside sRGB (we clip it to (236, 138, 0)), are candidates.
QUADRANTS = {"top left": (0, 0, 8.3), "top right": (0, 128, 6.7), "bottom left": (128, 0, 8.9),
             "bottom right": (128, 128, 5.4)}


def test_fill_adjustments_composite_like_photoshop():
    from psd_tools import PSDImage

    path = os.path.join(FILES, "fill_adjustments.psd")
    doc = open_document(path)
    kinds = {n.settings.kind: n for n in doc.nodes() if isinstance(n, AdjustmentLayer)}
    assert kinds["vibrance"].settings == adj.Vibrance(-6, 2)
    assert kinds["photo_filter"].settings == adj.PhotoFilter((236, 138, 0), 25, True)
    assert kinds["channel_mixer"].settings == adj.ChannelMixer()
    assert kinds["black_white"].settings == adj.BlackWhite() and not kinds["black_white"].visible
    theirs = np.asarray(PSDImage.open(path).topil().convert("RGB")).astype(float)
    for precise in (True, False):
        ours = composite_document(doc, precise=precise)[..., :3].astype(float)
        error = np.abs(ours - theirs)
        assert error.mean() <= 7.3, (precise, error.mean())
        for name, (y, x, bound) in QUADRANTS.items():
            assert error[y:y + 128, x:x + 128].mean() <= bound, (precise, name)
