"""Filter > Camera Raw Filter's Basic panel (`editor.model.camera_raw`) on real photos
(skimage's astronaut and coffee, reduced to keep the tests quick): each slider does what a
photographer expects of it, zero settings are the identity, bands do not show, and it runs
through `filter_ops` (one undo step, the selection, the CLI)."""
from __future__ import annotations

import cv2
import numpy as np
import pytest
from skimage import data

from editor.model import Document, filter_ops
from editor.model import camera_raw as cr
from editor.model.layers import Layer
from engine.box import Box

from test_filters import assert_bands_do_not_show


def photo(name: str = "astronaut", side: int = 256) -> np.ndarray:
    rgb = getattr(data, name)()
    h, w = rgb.shape[:2]
    f = side / max(h, w)
    rgb = cv2.resize(rgb, (round(w * f), round(h * f)), interpolation=cv2.INTER_AREA)
    return np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])


def develop(pixels: np.ndarray, **settings) -> np.ndarray:
    box = Box(0, 0, pixels.shape[1], pixels.shape[0])
    return cr.CameraRaw(**settings).process(pixels, box, box, None)


def lum(pixels: np.ndarray) -> np.ndarray:
    return pixels[..., :3].astype(float) @ [0.2126, 0.7152, 0.0722]


def test_zero_settings_are_the_identity_exactly():
    pixels = photo()
    op = cr.CameraRaw()
    assert op.is_identity()
    np.testing.assert_array_equal(develop(pixels), pixels)
    assert not cr.CameraRaw(vibrance=1).is_identity()


def test_exposure_plus_one_doubles_linear_light_below_clipping():
    pixels = photo("coffee")
    out = develop(pixels, exposure=1.0)
    lin = cr.to_linear(pixels[..., :3] / np.float32(255))
    doubled = np.clip(cr.to_srgb(2 * lin) * 255 + 0.5, 0, 255).astype(int)
    below = 2 * lin < 0.98
    assert below.mean() > 0.5
    assert np.abs(out[..., :3].astype(int) - doubled)[below].max() <= 1  # (rounding)
    # and -1 halves it
    half = develop(pixels, exposure=-1.0)
    lin_half = cr.to_linear(half[..., :3] / np.float32(255))
    bright = lin > 0.05
    assert np.median(lin_half[bright] / lin[bright]) == pytest.approx(0.5, abs=0.02)


def test_temperature_warms_and_cools_tint_goes_magenta():
    pixels = photo()
    ratio = lambda p: p[..., 0].astype(float).mean() / p[..., 2].astype(float).mean()  # noqa: E731
    assert ratio(develop(pixels, temperature=40)) > ratio(pixels) * 1.1
    assert ratio(develop(pixels, temperature=-40)) < ratio(pixels) / 1.1
    green = lambda p: p[..., 1].astype(float).mean() / p[..., [0, 2]].astype(float).mean()  # noqa: E731
    assert green(develop(pixels, tint=50)) < green(pixels) * 0.95  # magenta
    # a grey keeps about its luminance
    grey = np.full((8, 8, 4), 128, np.uint8)
    grey[..., 3] = 255
    assert abs(lum(develop(grey, temperature=60)).mean() - 128) < 4


def test_shadows_lift_the_dark_and_highlights_lower_the_bright():
    pixels = photo()
    before = lum(pixels)
    dark, bright = before < 50, before > 200
    assert dark.mean() > 0.05 and bright.mean() > 0.05
    lifted = lum(develop(pixels, shadows=80)) - before
    assert lifted[dark].mean() > 8 and lifted[dark].mean() > 4 * abs(lifted[bright].mean())
    lowered = lum(develop(pixels, highlights=-80)) - before
    assert lowered[bright].mean() < -8
    assert -lowered[bright].mean() > 4 * abs(lowered[dark].mean())


def test_shadows_are_local_a_dark_region_lifts_as_a_whole():
    """A dark square on a bright field and the same dark level over the whole picture: the
    square lifts as a whole, about as much as the dark picture does (its base is the
    region's, not blurred with the field), and no halo darkens or lightens the field."""
    pixels = np.full((120, 120, 4), 230, np.uint8)
    pixels[40:80, 40:80, :3] = 30
    out = lum(develop(pixels, shadows=100))
    flat = np.full((40, 40, 4), 30, np.uint8)
    flat[..., 3] = 255
    lifted_alone = lum(develop(flat, shadows=100)).mean()
    assert out[60, 60] > 50  # the square is a dark region: it lifts
    assert abs(out[60, 60] - lifted_alone) < 10  # about as much as if all were dark
    assert out[45:75, 45:75].std() < 3  # as a whole (no dark ring, no bright core)
    assert out[:30].max() <= 231 and out[:30].min() >= 228  # the field: no halo


def test_clarity_raises_local_contrast_and_keeps_the_mean():
    pixels = photo()

    def detail(p):
        y = lum(p)
        return (y - cv2.GaussianBlur(y, (0, 0), 8)).std()

    clear = develop(pixels, clarity=80)
    assert detail(clear) > detail(pixels) * 1.1
    assert abs(lum(clear).mean() - lum(pixels).mean()) < 3
    soft = develop(pixels, clarity=-80)
    assert detail(soft) < detail(pixels) * 0.95
    fine = develop(pixels, texture=80)

    def fine_detail(p):
        y = lum(p)
        return (y - cv2.GaussianBlur(y, (0, 0), 2)).std()

    assert fine_detail(fine) > fine_detail(pixels) * 1.1
    assert abs(lum(fine).mean() - lum(pixels).mean()) < 2


def test_dehaze_takes_synthetic_haze_back_towards_the_picture():
    clear = photo("coffee")
    j = clear[..., :3] / 255.0
    t = np.linspace(0.5, 0.8, j.shape[1])[None, :, None]  # thicker haze to the left
    airlight = np.array([0.9, 0.9, 0.92])
    hazy = clear.copy()
    hazy[..., :3] = np.clip((j * t + airlight * (1 - t)) * 255 + 0.5, 0, 255).astype(np.uint8)
    error = lambda p: np.abs(p[..., :3].astype(float) - clear[..., :3]).mean()  # noqa: E731
    dehazed = develop(hazy, dehaze=100)
    assert error(dehazed) < 0.6 * error(hazy)
    assert error(develop(hazy, dehaze=50)) < error(hazy)
    veiled = develop(clear, dehaze=-60)  # a negative Dehaze adds haze: less contrast
    assert lum(veiled).std() < 0.8 * lum(clear).std()


def test_contrast_whites_blacks_vibrance_saturation():
    pixels = photo()
    assert lum(develop(pixels, contrast=60)).std() > lum(pixels).std() * 1.05
    assert lum(develop(pixels, contrast=-60)).std() < lum(pixels).std() * 0.95
    assert lum(develop(pixels, whites=60)).max() >= lum(pixels).max()
    assert (lum(develop(pixels, whites=60)) >= 250).mean() > (lum(pixels) >= 250).mean()
    assert (lum(develop(pixels, blacks=-60)) <= 5).mean() > (lum(pixels) <= 5).mean()

    def chroma(p):
        rgb = p[..., :3].astype(float)
        return (rgb.max(axis=2) - rgb.min(axis=2)).mean()

    assert chroma(develop(pixels, vibrance=60)) > chroma(pixels) * 1.1
    assert chroma(develop(pixels, saturation=-100)) < 2


def test_settings_out_of_range_are_refused():
    with pytest.raises(ValueError, match="exposure"):
        cr.CameraRaw(exposure=6)
    with pytest.raises(ValueError, match="clarity"):
        cr.CameraRaw(clarity=-101)


def test_bands_do_not_show_and_dehaze_runs_whole(monkeypatch):
    assert_bands_do_not_show(monkeypatch, cr.CameraRaw(texture=30, temperature=20, contrast=30,
                                                       whites=20, vibrance=30), 400, 80, 410)
    # The guided base's and the haze's need the whole picture: declared so.
    assert not any(cr.CameraRaw(**{k: 40}).banded() for k in
                   ("dehaze", "shadows", "highlights", "clarity"))


def test_one_undo_step_inside_the_selection():
    from editor.model import selection_ops

    pixels = photo(side=96)
    doc = Document(pixels.shape[1], pixels.shape[0])
    layer = doc.add_layer(Layer("photo", pixels.copy()))
    mask = np.zeros((doc.height, doc.width), np.uint8)
    mask[10:40, 10:50] = 255
    selection_ops.select_mask(doc, mask)
    steps = doc.history.index
    filter_ops.apply(doc, cr.CameraRaw(exposure=0.7, clarity=40))
    assert doc.history.index == steps + 1 and doc.history.undo_name() == "Camera Raw Filter"
    inside = np.zeros(pixels.shape[:2], bool)
    inside[10:40, 10:50] = True
    assert (layer.pixels[~inside] == pixels[~inside]).all()
    assert lum(layer.pixels)[inside].mean() > lum(pixels)[inside].mean() + 10
    doc.history.undo()
    np.testing.assert_array_equal(layer.pixels, pixels)


def test_the_filter_command_line(tmp_path):
    from editor.cli import main
    from editor.model.files import read_image

    src = tmp_path / "in.png"
    cv2.imwrite(str(src), photo(side=64)[..., 2::-1])
    out = tmp_path / "out.png"
    assert main(["filter", str(src), "-o", str(out), "--camera-raw", "0,0,1"]) == 0
    before = lum(photo(side=64))
    after = read_image(str(out))
    assert lum(after).mean() > before.mean() + 20


def test_the_reduced_preview_looks_like_the_full_result_reduced():
    """The dialog's preview (the layer reduced, the local radii scaled with it) is the full
    result reduced, within a few levels: what the sliders show is what OK gives."""
    full = photo(side=384)
    op = cr.CameraRaw(shadows=70, highlights=-60, clarity=60, texture=40, dehaze=30)
    small = np.ascontiguousarray(cv2.resize(full, (192, 192), interpolation=cv2.INTER_AREA))
    expected = cv2.resize(develop(full, **op.__dict__), (192, 192),
                          interpolation=cv2.INTER_AREA)[..., :3].astype(int)
    previewed = cr.preview(op, small, 0.5)[..., :3].astype(int)
    assert np.abs(previewed - expected).mean() < 3
    unscaled = cr.preview(op, small, 1.0)[..., :3].astype(int)  # (radii not scaled: further)
    assert np.abs(unscaled - expected).mean() > np.abs(previewed - expected).mean()
