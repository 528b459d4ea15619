"""The Filter menu's Average, Blur, Blur More, Radial Blur, Sharpen, Sharpen Edges, Sharpen More,
Smart Sharpen, Despeckle, Reduce Noise, Diffuse, Solarize, Wind, Tiles (`extra_filters`) and
Color Halftone, Crystallize, Facet, Fragment, Pointillize (`cell_filters`), on a layer as
`filter_ops` applies them (one undo step): what a user sees each do, the selection's
edge, transparency and bands."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage

from editor.model import Document, cell_filters as cf, extra_filters as ef, filter_ops
from editor.model import more_filters as mf
from editor.model.layers import Layer
from engine.box import Box

from test_filters import assert_bands_do_not_show, noise_image


def applied(pixels: np.ndarray, op, selection: Box = None, x: int = 0, y: int = 0,
            size=None) -> np.ndarray:
    """`pixels` after `op` as a layer of a document of `size` (its canvas crop), checking
    that it is one undo step that undo takes back."""
    h, w = pixels.shape[:2]
    doc = Document(*(size or (w, h)))
    layer = Layer("layer", pixels.copy(), x, y)
    doc.add_layer(layer)
    if selection is not None:
        doc.set_selection(selection)
    before = layer.canvas_crop(doc.canvas).copy()
    filter_ops.apply(doc, op, layer)
    out = layer.canvas_crop(doc.canvas).copy()
    assert doc.history.undo_name() == op.label
    doc.history.undo()
    np.testing.assert_array_equal(layer.canvas_crop(doc.canvas), before)
    return out


def flat(h, w, colour) -> np.ndarray:
    out = np.empty((h, w, 4), np.uint8)
    out[...] = (*colour, 255)
    return out


def step(h=40, w=40, low=60, high=200) -> np.ndarray:
    """A vertical edge: `low` left of column w/2, `high` from it."""
    out = flat(h, w, (low,) * 3)
    out[:, w // 2:, :3] = high
    return out


def test_every_filter_is_in_the_registry():
    for kind, cls in {**ef.FILTERS, **cf.FILTERS}.items():
        assert mf.FILTERS[kind] is cls


# -- Blur ---------------------------------------------------------------------------------

def test_average_fills_with_the_mean_colour():
    pixels = flat(20, 30, (200, 0, 0))
    pixels[:, 15:, :3] = (0, 100, 50)
    out = applied(pixels, ef.Average())
    assert (out[..., :3] == (100, 50, 25)).all() and (out[..., 3] == 255).all()
    # Inside a selection: the selection's mean there, the rest untouched.
    box = Box(10, 0, 10, 20)  # 5 columns of each colour
    out = applied(pixels, ef.Average(), box)
    assert (out[box.slices()][..., :3] == (100, 50, 25)).all()
    outside = np.ones((20, 30), bool)
    outside[box.slices()] = False
    np.testing.assert_array_equal(out[outside], pixels[outside])
    # A half-transparent pixel weighs half; alpha stays.
    pixels[:, 15:, 3] = 85
    out = applied(pixels, ef.Average())
    assert np.abs(out[..., :3].astype(int) - (150, 25, 12.5)).max() <= 1
    np.testing.assert_array_equal(out[..., 3], pixels[..., 3])


@pytest.mark.parametrize("op, taps", [(ef.Blur(), [1, 2, 1]),
                                      (ef.BlurMore(), [1, 6, 15, 20, 15, 6, 1])])
def test_blur_and_blur_more_are_their_binomial_kernels(op, taps):
    pixels = noise_image(40, 50, 2)
    out = applied(pixels, op)
    k = np.array(taps, float) / sum(taps)
    v = pixels[..., :3].astype(float)
    expected = ndimage.correlate1d(ndimage.correlate1d(v, k, 0, mode="nearest"), k, 1,
                                   mode="nearest")
    assert np.abs(out[..., :3] - expected).max() <= 1
    assert np.abs(out[..., :3] - v).mean() > 1


def test_blur_more_spreads_an_edge_farther_than_blur():
    pixels = step()
    changed = [int((applied(pixels, op)[20, :, 0] != pixels[20, :, 0]).sum())
               for op in (ef.Blur(), ef.BlurMore())]
    assert changed == [2, 6]


@pytest.mark.parametrize("sides, area", [(3, 3 * 3 ** 0.5 / 4), (4, 2.0),
                                         (6, 3 * 3 ** 0.5 / 2)])
def test_lens_blur_opens_a_point_into_the_iris(sides, area):
    pixels = flat(41, 41, (0, 0, 0))
    pixels[20, 20, :3] = 255
    out = applied(pixels, ef.LensBlur(sides, 12))
    lit = out[..., 0] > 0
    assert abs(lit.sum() / (area * 144) - 1) < 0.2  # the polygon's area, corners 12 px out
    assert (out[..., 0] == out[..., 0].max())[lit].mean() > 0.6  # flat inside: a bokeh shape
    turned = applied(pixels, ef.LensBlur(sides, 12, 0, 180 // sides)) > 0
    assert (turned[..., 0] != lit).sum() > 20
    disc = applied(pixels, ef.LensBlur(sides, 12, 100))[..., 0] > 0
    assert abs(disc.sum() / (np.pi * 144) - 1) < 0.15  # Blade Curvature 100: a disc


def test_lens_blur_brightens_highlights_above_the_threshold():
    pixels = flat(41, 41, (0, 0, 0))
    pixels[20, 20, :3] = 255
    pixels[10, 10, :3] = 200
    plain = applied(pixels, ef.LensBlur(6, 5))
    bright = applied(pixels, ef.LensBlur(6, 5, 0, 0, 100, 250))
    assert bright[20, 20, 0] > 3 * plain[20, 20, 0]
    np.testing.assert_array_equal(bright[10, 10], plain[10, 10])  # below the threshold


def polar(size=81):
    """(radius, angle) of each pixel's centre about the image's centre."""
    y, x = np.mgrid[:size, :size] - (size - 1) / 2
    return np.hypot(x, y), np.arctan2(y, x)


def rings(size=81) -> np.ndarray:
    """Concentric rings around the centre (turning it changes nothing)."""
    out = flat(size, size, (0, 0, 0))
    out[..., :3] = (127.5 + 127.5 * np.cos(polar(size)[0] / 4))[..., None]
    return out


def rays(size=81) -> np.ndarray:
    """Rays from the centre (scaling about it changes nothing)."""
    out = flat(size, size, (0, 0, 0))
    out[..., :3] = (127.5 + 127.5 * np.cos(8 * polar(size)[1]))[..., None]
    return out


def test_radial_blur_spins_along_circles_and_zooms_along_rays():
    """Spin leaves rings as they are and smears rays; Zoom the other way round (away from
    the centre's few pixels, where a ray is finer than a pixel)."""
    far = polar()[0] > 12
    for pattern, kept, smeared in ((rings(), "spin", "zoom"), (rays(), "zoom", "spin")):
        same = applied(pattern, ef.RadialBlur(30, kept, "best"))
        blurred = applied(pattern, ef.RadialBlur(30, smeared, "best"))
        change = np.abs(same[..., 0].astype(int) - pattern[..., 0])[far]
        assert change.mean() <= 6, kept
        assert np.abs(blurred[..., 0].astype(int) - pattern[..., 0])[far].mean() > 30, smeared


def test_radial_blur_centre_is_placed_in_the_box():
    """Spin about the top-left corner: the corner stays sharp, the far corner is smeared."""
    pixels = noise_image(60, 60, 4)
    out = applied(pixels, ef.RadialBlur(20, "spin", "good", 0.0, 0.0))
    diff = np.abs(out[..., :3].astype(int) - pixels[..., :3])
    assert diff[:6, :6].mean() < 3 and diff[-15:, -15:].mean() > 10


# -- Sharpen ------------------------------------------------------------------------------

def test_sharpen_raises_edge_contrast_and_keeps_flat_areas():
    pixels = step()
    outs = {}
    for op in (ef.Sharpen(), ef.SharpenMore(), ef.SharpenEdges()):
        out = applied(pixels, op)[20, :, 0].astype(int)
        assert out[19] < 60 and out[20] > 200, op.label  # darker dark side, lighter light
        np.testing.assert_array_equal(out[:17], 60)
        np.testing.assert_array_equal(out[23:], 200)
        outs[op.label] = out
    assert outs["Sharpen More"][20] - outs["Sharpen More"][19] > \
        outs["Sharpen"][20] - outs["Sharpen"][19]


def test_sharpen_edges_leaves_faint_texture_alone():
    rng = np.random.default_rng(3)
    pixels = step()
    pixels[..., :3] = np.clip(pixels[..., :3] + rng.integers(-2, 3, (40, 40, 1)), 0, 255)
    edges = applied(pixels, ef.SharpenEdges())
    more = applied(pixels, ef.SharpenMore())
    away = np.r_[0:15, 25:40]
    np.testing.assert_array_equal(edges[:, away], pixels[:, away])
    assert (more[:, away] != pixels[:, away]).mean() > 0.5
    assert edges[20, 20, 0] > 200 and edges[20, 19, 0] < 60


def test_smart_sharpen_steepens_a_soft_edge_and_reduce_noise_spares_the_grain():
    soft = step()
    soft[..., :3] = ndimage.gaussian_filter(soft[..., :3].astype(float), (2, 2, 0),
                                            mode="nearest").round()
    for remove in ef.BLUR_REMOVED:
        out = applied(soft, ef.SmartSharpen(200, 2.0, 0, remove))
        assert int(out[20, 21, 0]) - int(out[20, 18, 0]) > \
            1.2 * (int(soft[20, 21, 0]) - int(soft[20, 18, 0])), remove
    rng = np.random.default_rng(5)
    grain = flat(30, 30, (120, 120, 120))
    grain[..., :3] += rng.integers(0, 4, (30, 30, 1)).astype(np.uint8)
    noisy = applied(grain, ef.SmartSharpen(300, 1.0, 0))
    quiet = applied(grain, ef.SmartSharpen(300, 1.0, 100))
    assert noisy[..., 0].std() > 2 * grain[..., 0].std()
    np.testing.assert_array_equal(quiet, grain)


def test_smart_sharpen_fades_in_the_shadows_and_highlights_only():
    dark, light = step(low=40, high=80), step(low=170, high=215)
    for pixels, tone, other in ((dark, "shadow", "highlight"), (light, "highlight", "shadow")):
        plain = applied(pixels, ef.SmartSharpen(200, 1.0, 0))
        faded = applied(pixels, ef.SmartSharpen(200, 1.0, 0, **{f"{tone}_fade": 100}))
        left = applied(pixels, ef.SmartSharpen(200, 1.0, 0, **{f"{other}_fade": 100}))
        np.testing.assert_array_equal(left, plain)  # the other tone's fade: nothing to fade

        def change(out):
            return np.abs(out[..., :3].astype(int) - pixels[..., :3]).sum()
        assert 0.2 * change(plain) < change(faded) < 0.6 * change(plain)
        # Tonal Width 0: no range to fade.
        np.testing.assert_array_equal(applied(pixels, ef.SmartSharpen(
            200, 1.0, 0, **{f"{tone}_fade": 100, f"{tone}_width": 0})), plain)


# -- Noise --------------------------------------------------------------------------------

def test_despeckle_removes_a_speck_and_keeps_a_hard_edge():
    pixels = step()
    pixels[10, 8, :3] = 255  # a white speck on the dark side
    out = applied(pixels, ef.Despeckle())
    assert abs(int(out[10, 8, 0]) - 60) <= 2
    np.testing.assert_array_equal(out[:, 17:23], pixels[:, 17:23])  # the edge, as it was
    rng = np.random.default_rng(6)
    noisy = flat(40, 40, (128, 128, 128))
    noisy[..., :3] = np.clip(128 + rng.normal(0, 6, (40, 40, 3)), 0, 255)
    assert applied(noisy, ef.Despeckle())[..., :3].std() < 0.5 * noisy[..., :3].std()


def test_reduce_noise_smooths_grain_and_keeps_the_edge():
    rng = np.random.default_rng(7)
    pixels = step(60, 60, 50, 200)
    pixels[..., :3] = np.clip(pixels[..., :3] + rng.normal(0, 6, (60, 60, 3)), 0, 255)
    out = applied(pixels, ef.ReduceNoise(8, 50, 60, 0)).astype(float)
    assert out[:, 5:25, :3].std() < 0.5 * pixels[:, 5:25, :3].std()
    assert out[:, 32:, :3].mean() - out[:, :28, :3].mean() > 140  # the step is still there
    assert np.abs(out[:, 29:31, 0].mean() - pixels[:, 29:31, 0].mean()) < 15


# -- Pixelate -----------------------------------------------------------------------------

def test_crystallize_gives_cells_of_their_mean_colour():
    pixels = noise_image(80, 90, 8)
    out = applied(pixels, cf.Crystallize(12))
    colours, which = np.unique(out[..., :3].reshape(-1, 3), axis=0, return_inverse=True)
    which = which.reshape(80, 90)
    assert 25 <= len(colours) <= 80  # about one cell per 12 x 12 square
    for i in range(len(colours)):  # every cell is the mean of the pixels it covers
        mean = pixels[..., :3][which == i].mean(axis=0)
        assert np.abs(mean - colours[i]).max() <= 1
    sizes = np.bincount(which.ravel())
    assert sizes.max() < 4 * 144 and np.median(sizes) > 50
    np.testing.assert_array_equal(applied(pixels, cf.Crystallize(12)), out)  # the same cells


def test_crystallize_cells_belong_to_the_canvas_not_the_layer_or_selection():
    pixels = noise_image(80, 90, 8)
    whole = applied(pixels, cf.Crystallize(10))
    inside = applied(pixels, cf.Crystallize(10), Box(30, 20, 40, 40))
    box = Box(30, 20, 40, 40)
    # A cell wholly inside the selection has the same colour as without one.
    same = (inside[box.slices()] == whole[box.slices()]).all(-1)
    assert same[10:30, 10:30].mean() > 0.9


def test_pointillize_puts_dots_of_cell_colours_on_the_background():
    pixels = flat(60, 60, (200, 30, 30))
    out = applied(pixels, cf.Pointillize(10, (0, 0, 255)))
    blue = (out[..., :3] == (0, 0, 255)).all(-1)
    red = (out[..., :3] == (200, 30, 30)).all(-1)
    assert 0.2 < blue.mean() < 0.7 and 0.2 < red.mean() < 0.8


@pytest.mark.parametrize("grey, share", [(0, 0.0), (255, 1.0), (128, 0.5), (64, 0.25)])
def test_color_halftone_dots_cover_the_share_of_the_value(grey, share):
    out = applied(flat(120, 120, (grey,) * 3), cf.ColorHalftone(6))
    for c in range(3):
        lit = out[10:-10, 10:-10, c].astype(float) / 255
        assert abs(lit.mean() - share) < 0.06
        assert ((lit < 0.05) | (lit > 0.95)).mean() > 0.7  # dots, not grey
    # The screens are turned: the channels' dots do not coincide.
    if grey == 128:
        assert (out[..., 0] != out[..., 1]).mean() > 0.2


def test_facet_flattens_texture_and_keeps_edges():
    pixels = step()
    np.testing.assert_array_equal(applied(pixels, cf.Facet()), pixels)
    rng = np.random.default_rng(9)
    noisy = flat(40, 40, (128, 128, 128))
    noisy[..., :3] = np.clip(128 + rng.normal(0, 10, (40, 40, 1)), 0, 255)
    out = applied(noisy, cf.Facet())
    assert np.abs(np.diff(out[..., 0].astype(int), axis=1)).mean() < \
        0.6 * np.abs(np.diff(noisy[..., 0].astype(int), axis=1)).mean()


def test_fragment_makes_four_offset_copies():
    pixels = flat(30, 30, (0, 0, 0))
    pixels[15, 15, :3] = 255
    out = applied(pixels, cf.Fragment())
    lit = np.argwhere(out[..., 0] > 0)
    assert sorted(map(tuple, lit)) == [(11, 11), (11, 19), (19, 11), (19, 19)]
    assert (np.abs(out[lit[:, 0], lit[:, 1], 0].astype(int) - 64) <= 1).all()


# -- Stylize ------------------------------------------------------------------------------

def test_oil_paint_flattens_into_patches_and_lights_the_bristles():
    pixels = step()
    np.testing.assert_array_equal(applied(pixels, ef.OilPaint(lighting=False)), pixels)
    # Lit without bristles, a flat colour has no slope: it stays.
    plain = flat(40, 40, (150, 120, 90))
    np.testing.assert_array_equal(applied(plain, ef.OilPaint(bristle=0)), plain)
    textured = applied(plain, ef.OilPaint(bristle=8, shine=3))
    assert textured[..., 0].std() > 1
    np.testing.assert_array_equal(applied(plain, ef.OilPaint(bristle=8, shine=3)), textured)
    rng = np.random.default_rng(13)
    noisy = flat(40, 40, (128, 128, 128))
    noisy[..., :3] = np.clip(128 + rng.normal(0, 12, (40, 40, 1)), 0, 255)
    out = applied(noisy, ef.OilPaint(4, lighting=False))
    assert len(np.unique(out[..., 0])) < len(np.unique(noisy[..., 0]))
    assert np.abs(np.diff(out[..., 0].astype(int), axis=1)).mean() < \
        0.4 * np.abs(np.diff(noisy[..., 0].astype(int), axis=1)).mean()


def test_solarize_inverts_only_above_128():
    pixels = flat(1, 256, (0, 0, 0))
    pixels[0, :, :3] = np.arange(256)[:, None]
    out = applied(pixels, ef.Solarize())[0, :, 0].astype(int)
    v = np.arange(256)
    np.testing.assert_array_equal(out[:129], v[:129])
    np.testing.assert_array_equal(out[129:], 255 - v[129:])


def test_diffuse_scatters_neighbours_and_its_modes_only_darken_or_lighten():
    pixels = noise_image(40, 40, 10)
    out = applied(pixels, ef.Diffuse())
    assert (out != pixels).any(-1).mean() > 0.5
    # Every pixel is one of the pixels within 2 px (the edges repeated).
    pad = np.pad(pixels, ((2, 2), (2, 2), (0, 0)), mode="edge")
    found = np.zeros((40, 40), bool)
    for dy in range(5):
        for dx in range(5):
            found |= (pad[dy:dy + 40, dx:dx + 40] == out).all(-1)
    assert found.all()
    level = pixels[..., :3].astype(int).sum(-1)
    dark = applied(pixels, ef.Diffuse("darken"))[..., :3].astype(int).sum(-1)
    light = applied(pixels, ef.Diffuse("lighten"))[..., :3].astype(int).sum(-1)
    assert (dark <= level).all() and (dark < level).mean() > 0.2
    assert (light >= level).all() and (light > level).mean() > 0.2


def test_wind_blows_bright_streaks_downwind():
    pixels = flat(60, 200, (0, 0, 0))
    pixels[:, 100:104, :3] = 255
    out = applied(pixels, ef.Wind())  # from the right: streaks to the left of the bar
    left, right = out[:, 80:100, 0].astype(int), out[:, 104:124, 0].astype(int)
    assert (right == 0).all() and (left > 0).mean() > 0.5
    assert (np.diff(left, axis=1) >= 0).all()  # fading away from the bar
    lengths = (out[:, :100, 0] > 12).sum(axis=1)  # where it is above 5 % of the bar
    assert lengths.min() >= 7 and lengths.max() <= 41 and len(set(lengths)) > 5
    blast = applied(pixels, ef.Wind("blast", "left"))
    assert (blast[:, :100, 0] == 0).all()
    assert (blast[:, 104:, 0] > 12).sum(axis=1).mean() > 2 * lengths.mean()


def test_tiles_move_square_tiles_over_the_fill():
    pixels = noise_image(60, 80, 11)
    out = applied(pixels, ef.Tiles(6, 20, "background", (0, 255, 0)))
    green = (out[..., :3] == (0, 255, 0)).all(-1)
    assert 0.02 < green.mean() < 0.4
    # Each 10 x 10 tile's visible pixels are the tile moved as one.
    for ty in range(6):
        for tx in range(8):
            tile = out[ty * 10:ty * 10 + 10, tx * 10:tx * 10 + 10]
            seen = ~green[ty * 10:ty * 10 + 10, tx * 10:tx * 10 + 10]
            ys, xs = np.nonzero(seen)
            matched = False
            for dy in range(-2, 3):
                for dx in range(-2, 3):
                    sy, sx = ys + ty * 10 - dy, xs + tx * 10 - dx
                    ok = (sy >= 0) & (sy < 60) & (sx >= 0) & (sx < 80)
                    if ok.all() and (pixels[sy, sx] == tile[ys, xs]).all():
                        matched = True
            assert matched, (ty, tx)
    unaltered = applied(pixels, ef.Tiles(6, 20, "unaltered"))
    np.testing.assert_array_equal(unaltered[green], pixels[green])


# -- transparency, selections, bands ------------------------------------------------------

RED = (220, 40, 30)


def red_square() -> np.ndarray:
    pixels = np.zeros((40, 48, 4), np.uint8)
    pixels[..., :3] = 255  # white hidden under alpha 0: it must not show
    pixels[10:30, 12:36] = (*RED, 255)
    pixels[10:30, 12:16, 3] = 128
    return pixels


@pytest.mark.parametrize("op", [ef.Average(), ef.Blur(), ef.BlurMore(), ef.RadialBlur(20),
                                ef.LensBlur(5, 6, 30), ef.OilPaint(lighting=False),
                                ef.RadialBlur(40, "zoom"), ef.Sharpen(), ef.SharpenMore(),
                                ef.SharpenEdges(), ef.SmartSharpen(),
                                ef.SmartSharpen(200, 2.0, 10, "lens"), ef.Despeckle(),
                                ef.Diffuse(), ef.Wind(), cf.Crystallize(6), cf.Facet(),
                                cf.Fragment()], ids=repr)
def test_transparent_pixels_lend_no_colour(op):
    out = applied(red_square(), op)
    seen = out[..., 3] > 0
    assert seen.sum() >= 200
    assert np.abs(out[seen][:, :3].astype(int) - RED).max() <= 1


@pytest.mark.parametrize("op", [ef.Blur(), ef.BlurMore(), ef.LensBlur(7, 6, 20, 10, 50, 200),
                                ef.OilPaint(), ef.Sharpen(), ef.SharpenEdges(),
                                ef.SmartSharpen(150, 1.5, 20, "motion", 30), ef.Despeckle(),
                                ef.ReduceNoise(), ef.Diffuse("darken"), ef.Solarize(),
                                ef.Wind("stagger"), cf.Crystallize(8), cf.Pointillize(6),
                                cf.ColorHalftone(5), cf.Facet(), cf.Fragment()], ids=repr)
def test_bands_do_not_show(monkeypatch, op):
    # tall: a band is at least 4 reaches high
    assert_bands_do_not_show(monkeypatch, op, 400, 80, 410)


@pytest.mark.parametrize("op", [ef.SharpenMore(), ef.Solarize(), cf.Crystallize(8),
                                ef.Wind()], ids=repr)
def test_a_soft_selection_fades_the_filter(op):
    assert_soft_selection_fades(op)


def assert_soft_selection_fades(op):
    """Under a feathered elliptic selection `op` leaves the unselected pixels alone, applies
    fully inside and in between lands between the original and the filtered pixels."""
    from editor.model import selection_ops

    pixels = noise_image(60, 80, 12)
    doc = Document(80, 60)
    layer = Layer("layer", pixels.copy())
    doc.add_layer(layer)
    mask = selection_ops.feathered(selection_ops.ellipse_mask(doc, Box(20, 10, 40, 40)), 4)
    selection_ops.select_mask(doc, mask)
    coverage = selection_ops.current_mask(doc)
    full = applied(pixels, op)
    filter_ops.apply(doc, op, layer)
    out = layer.pixels
    np.testing.assert_array_equal(out[coverage == 0], pixels[coverage == 0])
    np.testing.assert_array_equal(out[coverage == 255][:, :3], full[coverage == 255][:, :3])
    part = (coverage > 60) & (coverage < 196)
    lo, hi = (f(pixels, full)[..., :3].astype(int) for f in (np.minimum, np.maximum))
    between = (lo - 1 <= out[..., :3]) & (out[..., :3] <= hi + 1)
    assert between[part].all()


def test_the_filter_verb_runs_them_with_their_settings_in_the_dialogs_order(tmp_path):
    from PIL import Image

    from test_cli_filter import _run

    pixels = noise_image(40, 50, 14)
    src, out = tmp_path / "in.png", tmp_path / "out.png"
    Image.fromarray(pixels).save(src)
    done = _run(str(src), "-o", str(out), "--solarize", "--crystallize", "9",
                "--radial-blur", "20,zoom,best,0.2,0.7", "--wind", "blast,left", "--sharpen")
    assert done.returncode == 0, done.stderr
    assert "Solarize, Crystallize, Radial Blur, Wind, Sharpen" in done.stdout
    expected = pixels
    for op in (ef.Solarize(), cf.Crystallize(9), ef.RadialBlur(20, "zoom", "best", 0.2, 0.7),
               ef.Wind("blast", "left"), ef.Sharpen()):
        expected = applied(expected, op)
    np.testing.assert_array_equal(np.asarray(Image.open(out).convert("RGBA")), expected)
