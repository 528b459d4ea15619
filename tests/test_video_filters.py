"""HSB/HSL, De-Interlace and NTSC Colors (`editor.model.video_filters`) on a layer as the
menu runs them: known colours coded as hue, saturation and brightness / lightness in the
channels (and back), the eliminated field's lines replaced by their neighbours, and only
the colours NTSC cannot carry desaturated; bands give what the whole does; the command
line runs them."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from editor.model import more_filters as mf, video_filters as vf
from engine.box import Box

from test_cli_filter import _run
from test_filters import assert_bands_do_not_show, noise_image
from test_shape_filters import run


def colours(*rgb) -> np.ndarray:
    pixels = np.empty((1, len(rgb), 4), np.uint8)
    pixels[0, :, :3] = rgb
    pixels[..., 3] = 255
    return pixels


def test_the_filters_are_in_the_menus_registry():
    assert {k: mf.FILTERS[k] for k in ("hsb_hsl", "de_interlace", "ntsc_colors")} == {
        "hsb_hsl": vf.HSBHSL, "de_interlace": vf.DeInterlace, "ntsc_colors": vf.NTSCColors}


# -- HSB/HSL --------------------------------------------------------------------------------

KNOWN = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255), (0, 0, 0), (128, 128, 128),
         (255, 255, 0), (128, 64, 64)]


def test_hsb_of_known_colours():
    out = run(colours(*KNOWN), vf.HSBHSL("rgb", "hsb"))[0, :, :3].tolist()
    # hue 0..360 as 0..255 (120 -> 85, 240 -> 170, 60 -> 42.5 -> 43), saturation, brightness
    assert out == [[0, 255, 255], [85, 255, 255], [170, 255, 255], [0, 0, 255], [0, 0, 0],
                   [0, 0, 128], [43, 255, 255], [0, 128, 128]]


def test_hsl_of_known_colours():
    out = run(colours(*KNOWN), vf.HSBHSL("rgb", "hsl"))[0, :, :3].tolist()
    # lightness (max + min) / 2: pure colours 127.5 -> 128; (128, 64, 64): s = 64 / 192
    assert out == [[0, 255, 128], [85, 255, 128], [170, 255, 128], [0, 0, 255], [0, 0, 0],
                   [0, 0, 128], [43, 255, 128], [0, 85, 96]]


@pytest.mark.parametrize("mode", ["hsb", "hsl"])
def test_hsb_hsl_back_to_rgb_gives_the_picture_back(mode):
    pixels = noise_image(40, 50, 3)
    coded = run(pixels, vf.HSBHSL("rgb", mode))
    assert (coded != pixels).mean() > 0.5
    back = run(coded, vf.HSBHSL(mode, "rgb"))
    assert np.abs(back.astype(int) - pixels).max() <= 3  # (8-bit hue: a level or so)
    assert vf.HSBHSL("hsb", "hsb").is_identity()


# -- De-Interlace ---------------------------------------------------------------------------

@pytest.mark.parametrize("eliminate", vf.FIELDS)
def test_de_interlace_by_duplication_makes_each_pair_of_lines_equal(eliminate):
    pixels = noise_image(40, 30, 5)
    out = run(pixels, vf.DeInterlace(eliminate, "duplication"))
    np.testing.assert_array_equal(out[0::2], out[1::2])  # lines 1 = 2, 3 = 4...
    kept = slice(1, None, 2) if eliminate == "odd" else slice(0, None, 2)
    np.testing.assert_array_equal(out[kept], pixels[kept])  # the other field stays


def test_de_interlace_by_interpolation_takes_the_mean_of_the_lines_around():
    pixels = noise_image(40, 30, 6)
    out = run(pixels, vf.DeInterlace("even", "interpolation")).astype(int)
    p = pixels.astype(int)
    np.testing.assert_array_equal(out[0::2], p[0::2])          # odd lines (rows 0, 2...) kept
    mean = (p[0:-2:2] + p[2::2]) / 2
    assert np.abs(out[1:-1:2] - mean).max() <= 0.5              # lines 2, 4... in between
    np.testing.assert_array_equal(out[-1], p[-2])               # the last: its one neighbour
    odd = run(pixels, vf.DeInterlace("odd", "interpolation")).astype(int)
    np.testing.assert_array_equal(odd[0], p[1])                 # the first likewise


def test_de_interlace_counts_lines_on_the_canvas_inside_a_selection():
    pixels = noise_image(40, 30, 7)
    whole = run(pixels, vf.DeInterlace("odd", "duplication"))
    part = run(pixels, vf.DeInterlace("odd", "duplication"), Box(5, 7, 20, 15))
    np.testing.assert_array_equal(part[7:22, 5:25], whole[7:22, 5:25])
    outside = np.ones(pixels.shape[:2], bool)
    outside[7:22, 5:25] = False
    np.testing.assert_array_equal(part[outside], pixels[outside])


# -- NTSC Colors ----------------------------------------------------------------------------

def saturation(rgb) -> np.ndarray:
    rgb = np.asarray(rgb, float)
    return (rgb.max(-1) - rgb.min(-1)) / np.maximum(rgb.max(-1), 1)


def test_ntsc_colors_lowers_the_saturation_of_pure_colours_only():
    hot = [(255, 0, 0), (255, 255, 0), (0, 255, 255), (255, 0, 255), (0, 255, 0)]
    # (pure blue is dark enough for NTSC: chroma 41 IRE, composite 59 IRE)
    safe = [(128, 128, 128), (255, 255, 255), (0, 0, 0), (200, 150, 120), (90, 120, 160),
            (60, 140, 70), (180, 60, 60), (0, 0, 255)]
    out = run(colours(*hot, *safe), vf.NTSCColors())[0]
    n = len(hot)
    assert (saturation(out[:n, :3]) < 0.97).all()
    assert saturation(out[1:2, :3])[0] < 0.6  # yellow: far past the composite limit
    np.testing.assert_array_equal(out[n:, :3], safe)  # within NTSC's limits: untouched
    # Luma kept (to within rounding), the hue kept: red stays the reddest channel.
    luma = lambda c: np.asarray(c, float) @ vf.YIQ[0]  # noqa: E731
    assert np.abs(luma(out[:n, :3]) - luma(hot)).max() < 1.0
    assert out[0, 0] > out[0, 1] and out[0, 1] == out[0, 2]
    # Once safe, safe: a second pass changes (almost) nothing.
    again = run(out[None], vf.NTSCColors())[0]
    assert np.abs(again.astype(int) - out).max() <= 1


@pytest.mark.parametrize("op", [vf.DeInterlace("odd", "interpolation"),
                                vf.DeInterlace("even", "duplication"), vf.HSBHSL("rgb", "hsl"),
                                vf.NTSCColors()], ids=repr)
def test_bands_do_not_show(monkeypatch, op):
    assert_bands_do_not_show(monkeypatch, op, 400, 80, 410)


def test_the_filter_command_line_runs_them(tmp_path):
    pixels = noise_image(40, 60, 8)
    src, out = tmp_path / "in.png", tmp_path / "out.png"
    Image.fromarray(pixels).save(src)
    done = _run(str(src), "-o", str(out), "--hsb-hsl", "rgb,hsl", "--de-interlace",
                "even,duplication", "--ntsc-colors", "--fibers", "20,10,4")
    assert done.returncode == 0, done.stderr
    assert "HSB/HSL, De-Interlace, NTSC Colors, Fibers" in done.stdout
    from editor.model.shape_filters import Fibers

    expected = pixels
    for op in (vf.HSBHSL("rgb", "hsl"), vf.DeInterlace("even", "duplication"), vf.NTSCColors(),
               Fibers(20, 10, 4)):
        expected = run(expected, op)
    np.testing.assert_array_equal(np.asarray(Image.open(out).convert("RGBA")), expected)
