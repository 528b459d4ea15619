"""Filter Gallery > Distort (`gallery_distort`) and the rest of Artistic (`gallery_artistic`)
on small layers as `filter_ops` applies them: what each visibly does, its identity where
Photoshop's settings have one, ranges enforced, bands, hidden colours, the selection's soft
edge, the gallery's folders, Last Filter's colours and the `filter` verb."""
from __future__ import annotations

import numpy as np
import pytest

from editor.model import gallery_artistic as ga, gallery_distort as gd, gallery_filters as gf

from test_extra_filters import applied, assert_soft_selection_fades, flat
from test_filters import assert_bands_do_not_show
from test_gallery_filters import assert_hidden_colours_never_show, smooth_photo


def photo(h=64, w=96, seed=5) -> np.ndarray:
    """A smooth photo with fine texture on it (a photo's soft shapes and grain)."""
    out = smooth_photo(h, w, seed)
    grain = np.random.default_rng(seed).integers(-20, 21, (h, w, 3))
    out[..., :3] = np.clip(out[..., :3].astype(int) + grain, 0, 255)
    return out


def lum(pixels: np.ndarray) -> np.ndarray:
    return pixels[..., :3].astype(np.float64) @ np.array([0.299, 0.587, 0.114])


def histogram_distance(a: np.ndarray, b: np.ndarray, bins=16) -> float:
    """Half the L1 distance of the per-channel colour histograms (0 same, 1 disjoint)."""
    d = 0.0
    for c in range(3):
        ha = np.histogram(a[..., c], bins, (0, 256))[0] / a[..., c].size
        hb = np.histogram(b[..., c], bins, (0, 256))[0] / b[..., c].size
        d = max(d, 0.5 * np.abs(ha - hb).sum())
    return d


def moved(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a[..., :3].astype(int) - b[..., :3].astype(int)).mean())


# -- Distort --------------------------------------------------------------------------------

@pytest.mark.parametrize("texture", gd.GLASS_TEXTURES)
def test_glass_displaces_but_keeps_the_colours(texture):
    pixels = photo()
    out = applied(pixels, gd.Glass(10, 3, texture))
    assert moved(out, pixels) > 3  # the pixels moved...
    assert histogram_distance(out, pixels) < 0.2  # ...but the colours are about the same
    assert histogram_distance(out, flat(64, 96, (128, 128, 128))) > 0.5
    np.testing.assert_array_equal(out[..., 3], pixels[..., 3])


def test_glass_distortion_invert_scaling_and_textures_change_it():
    pixels = photo()
    base = applied(pixels, gd.Glass(8, 3, "blocks"))
    assert moved(applied(pixels, gd.Glass(16, 3, "blocks")), pixels) > moved(base, pixels)
    assert not np.array_equal(base, applied(pixels, gd.Glass(8, 3, "blocks", invert=True)))
    assert not np.array_equal(base, applied(pixels, gd.Glass(8, 3, "blocks", 200)))
    outs = [applied(pixels, gd.Glass(8, 3, t)) for t in gd.GLASS_TEXTURES]
    assert len({o.tobytes() for o in outs}) == len(outs)
    # Distortion 0 leaves the picture as it is (Photoshop's too).
    assert gd.Glass(0).is_identity()
    np.testing.assert_array_equal(applied(pixels, gd.Glass(0, 15, "tiny_lens")), pixels)
    # A flat picture stays flat: glass only moves what is there.
    grey = flat(40, 40, (90, 120, 150))
    np.testing.assert_array_equal(applied(grey, gd.Glass(20, 1)), grey)


def test_glass_blocks_repeat_with_their_size():
    """Blocks at 100 % are 24 px: a picture of vertical stripes is bent the same way in
    every block."""
    pixels = flat(96, 96, (0, 0, 0))
    pixels[..., :3] = (np.arange(96) * 2 % 256).astype(np.uint8)[None, :, None]
    out = applied(pixels, gd.Glass(10, 1, "blocks"), size=(96, 96))
    offset = lum(out) - lum(pixels)
    assert np.abs(offset[30:40, 30:40]).max() > 3
    np.testing.assert_allclose(offset[30:40, 30:40], offset[30:40, 54:64], atol=1)


def test_diffuse_glow_brightens_the_highlights_towards_the_background():
    ramp = flat(40, 100, (0, 0, 0))
    ramp[..., :3] = np.linspace(20, 235, 100).astype(np.uint8)[None, :, None]
    op = gd.DiffuseGlow(0, 15, 10, (255, 200, 0))
    out = applied(ramp, op).astype(int)
    src = ramp.astype(int)
    # The shadows stay; the lights turn towards the background colour (orange).
    assert np.abs(out[:, :25, :3] - src[:, :25, :3]).max() <= 1
    lights = (slice(None), slice(80, 100))
    assert (out[lights][..., 0] > src[lights][..., 0] + 5).all()
    assert (out[lights][..., 2] < src[lights][..., 2] - 5).all()
    # More glow, more orange; more Clear Amount, less.
    more = applied(ramp, gd.DiffuseGlow(0, 20, 10, (255, 200, 0))).astype(int)
    clear = applied(ramp, gd.DiffuseGlow(0, 15, 20, (255, 200, 0))).astype(int)
    assert (src[lights][..., 2] - more[lights][..., 2]).mean() > \
        (src[lights][..., 2] - out[lights][..., 2]).mean() > \
        (src[lights][..., 2] - clear[lights][..., 2]).mean()


def test_diffuse_glow_grain_scatters_background_specks():
    grey = flat(60, 60, (160, 160, 160))
    out = applied(grey, gd.DiffuseGlow(10, 0, 20, (255, 255, 255)))
    specks = (out[..., 0] > 165)
    assert 0.005 < specks.mean() < 0.2
    assert (out[..., :3] >= 160).all()  # white specks only brighten
    assert (applied(grey, gd.DiffuseGlow(10, 0, 20, (0, 0, 0)))[..., :3] <= 160).all()
    assert gd.DiffuseGlow(0, 0, 7).is_identity()
    np.testing.assert_array_equal(applied(photo(), gd.DiffuseGlow(0, 0, 7)), photo())


def test_ocean_ripple_displaces_more_with_a_larger_magnitude():
    pixels = photo(80, 96)
    amounts = [moved(applied(pixels, gd.OceanRipple(9, m)), pixels) for m in (3, 9, 20)]
    assert 0 < amounts[0] < amounts[1] < amounts[2]
    assert histogram_distance(applied(pixels, gd.OceanRipple(9, 20)), pixels) < 0.12
    assert gd.OceanRipple(9, 0).is_identity()
    np.testing.assert_array_equal(applied(pixels, gd.OceanRipple(5, 0)), pixels)
    # Ripple Size: a larger ripple is a smoother (lower-frequency) displacement.
    stripes = flat(64, 64, (0, 0, 0))
    stripes[..., :3] = (np.arange(64) * 4 % 256).astype(np.uint8)[None, :, None]
    small, large = (lum(applied(stripes, gd.OceanRipple(s, 12))) - lum(stripes)
                    for s in (1, 15))
    assert np.abs(np.diff(small, axis=0)).mean() > np.abs(np.diff(large, axis=0)).mean()


# -- Artistic -------------------------------------------------------------------------------

def test_colored_pencil_hatches_the_colours_on_paper_of_its_brightness():
    pixels = photo()
    dark_paper = applied(pixels, ga.ColoredPencil(4, 8, 0))
    light_paper = applied(pixels, ga.ColoredPencil(4, 8, 50))
    assert lum(light_paper).mean() > lum(dark_paper).mean() + 15
    # On a flat colour: some pixels are the paper, some the pencil's (that colour).
    red = flat(60, 60, (200, 40, 40))
    out = applied(red, ga.ColoredPencil(4, 8, 50))
    paper = np.all(out[..., :3] == 255, axis=-1).mean()
    assert 0.05 < paper < 0.95 and (out[..., 0] > out[..., 1] + 30).mean() > 0.05
    # More pressure: more pencil.
    hard = applied(red, ga.ColoredPencil(4, 15, 50))
    assert np.all(hard[..., :3] == 255, axis=-1).mean() < paper


def test_film_grain_adds_grain_darker_tones_more_and_lifts_the_highlights():
    dark, light = flat(60, 60, (60, 60, 60)), flat(60, 60, (200, 200, 200))
    for pixels in (dark, light):
        assert applied(pixels, ga.FilmGrain(10, 0, 10))[..., :3].std() > \
            applied(pixels, ga.FilmGrain(3, 0, 10))[..., :3].std() > 1
    assert applied(dark, ga.FilmGrain(10, 0, 10))[..., :3].std() > \
        applied(light, ga.FilmGrain(10, 0, 10))[..., :3].std()
    assert abs(applied(dark, ga.FilmGrain(10, 0, 10))[..., :3].mean() - 60) < 2
    lifted = applied(light, ga.FilmGrain(0, 20, 10))
    assert lifted[..., :3].mean() > 215 and np.array_equal(applied(dark, ga.FilmGrain(0, 5)), dark)
    assert ga.FilmGrain(0, 0, 10).is_identity()
    np.testing.assert_array_equal(applied(photo(), ga.FilmGrain(0, 0, 10)), photo())


def test_fresco_darkens_into_coarse_daubs():
    pixels = photo()
    out = applied(pixels, ga.Fresco())
    assert lum(out).mean() < lum(pixels).mean() - 10
    # The fine grain is gone into daubs: less pixel-to-pixel change than the picture.
    assert np.abs(np.diff(lum(out), axis=1)).mean() < np.abs(np.diff(lum(pixels), axis=1)).mean()


def test_neon_glow_maps_darks_glow_and_lights_to_its_three_colours():
    ramp = flat(30, 120, (0, 0, 0))
    ramp[..., :3] = np.linspace(0, 255, 120).astype(np.uint8)[None, :, None]
    op = ga.NeonGlow(2, 15, (0, 200, 0), (90, 0, 0), (0, 0, 250))
    out = applied(ramp, op).astype(int)[15, :, :3]
    np.testing.assert_allclose(out[2], (90, 0, 0), atol=12)  # the darks: the foreground
    np.testing.assert_allclose(out[-3], (0, 0, 250), atol=12)  # the lights: the background
    middle = out[40:80]
    assert (middle[:, 1] > middle[:, 0]).any() and middle[:, 1].max() > 150  # the glow
    # A negative size glows from the darks: the map runs the other way.
    back = applied(ramp, ga.NeonGlow(-2, 15, (0, 200, 0), (90, 0, 0), (0, 0, 250)))
    assert back[15, 2, 2] > 200 and back[15, -3, 0] > 60
    # A larger glow spreads the glow colour beyond a bright bar's edge.
    bar = flat(40, 80, (0, 0, 0))
    bar[:, 36:44, :3] = 255
    near = [applied(bar, ga.NeonGlow(s, 15))[20, 30, 2] for s in (1, 20)]
    assert near[1] > near[0] + 20


def test_paint_daubs_wipe_thin_lines_and_the_rough_types_spread_light_or_dark():
    grey = flat(60, 60, (120, 120, 120))
    grey[30, :, :3] = 250  # a thin bright line
    out = applied(grey, ga.PaintDaubs(8, 0, "simple"))
    assert np.abs(out[30, 10:50, :3].astype(int) - 120).max() <= 2
    pixels = photo()
    light = lum(applied(pixels, ga.PaintDaubs(8, 7, "light_rough"))).mean()
    dark = lum(applied(pixels, ga.PaintDaubs(8, 7, "dark_rough"))).mean()
    assert light > lum(applied(pixels, ga.PaintDaubs(8, 7))).mean() > dark
    types = {applied(pixels, ga.PaintDaubs(8, 7, t)).tobytes() for t in ga.DAUB_TYPES}
    assert len(types) == len(ga.DAUB_TYPES)


def test_palette_knife_lays_flat_patches():
    pixels = photo()
    out = applied(pixels, ga.PaletteKnife(25, 3, 0))
    # Flat: the grain is gone (neighbours differ much less than the picture's).
    assert np.abs(np.diff(lum(out), axis=1)).mean() < \
        0.6 * np.abs(np.diff(lum(pixels), axis=1)).mean()
    soft = applied(pixels, ga.PaletteKnife(25, 3, 10))
    assert not np.array_equal(soft, out)


def test_plastic_wrap_shines_white_on_the_slopes_facing_the_light():
    pixels = smooth_photo(64, 96)
    out = applied(pixels, ga.PlasticWrap())
    brighter = lum(out) - lum(pixels)
    assert brighter.max() > 60 and (brighter > 30).mean() > 0.01
    assert ga.PlasticWrap(0).is_identity()
    grey = flat(40, 40, (100, 100, 100))
    np.testing.assert_array_equal(applied(grey, ga.PlasticWrap(20, 15, 1)), grey)  # no slope
    strong = lum(applied(pixels, ga.PlasticWrap(20))) - lum(pixels)
    assert (strong > 30).sum() > (brighter > 30).sum()


def test_rough_pastels_stroke_diagonally_on_the_texture():
    grey = flat(64, 64, (128, 128, 128))
    out = lum(applied(grey, ga.RoughPastels(6, 4, "brick", relief=30)))
    # The brick texture shows: rows of mortar 16 px apart, the same in each.
    np.testing.assert_allclose(out[:, 20:40].mean(1)[8:24], out[:, 20:40].mean(1)[40:56],
                               atol=12)
    assert out.std() > 3
    # The chalk strokes run up-right: neighbours along 45° (x+1, y-1) alike, across less.
    flat_ground = lum(applied(grey, ga.RoughPastels(20, 4, relief=0)))
    d = flat_ground - flat_ground.mean()
    along = (d[1:, :-1] * d[:-1, 1:]).mean()
    across = (d[1:, 1:] * d[:-1, :-1]).mean()
    assert along > 2 * abs(across)


def test_smudge_stick_smears_a_dot_up_right():
    pixels = flat(41, 41, (220, 220, 220))
    pixels[20, 20, :3] = 0
    out = lum(applied(pixels, ga.SmudgeStick(4, 0, 10)))
    along = sum(out[20 - k, 20 + k] for k in range(2, 6))
    across = sum(out[20 + k, 20 + k] for k in range(2, 6))
    assert along < across - 40
    lifted = applied(flat(30, 30, (200, 200, 200)), ga.SmudgeStick(2, 20, 10))
    assert lifted[..., :3].mean() > 215


def test_sponge_mottles_by_definition():
    grey = flat(64, 64, (128, 128, 128))
    stds = [lum(applied(grey, ga.Sponge(2, d, 5))).std() for d in (0, 6, 25)]
    assert stds[0] < 0.5 < stds[1] < stds[2]
    # Smoothness softens the pores (less change between neighbours).
    rough = lum(applied(grey, ga.Sponge(2, 25, 1)))
    smooth = lum(applied(grey, ga.Sponge(2, 25, 15)))
    assert np.abs(np.diff(rough, axis=1)).mean() > np.abs(np.diff(smooth, axis=1)).mean()


def test_underpainting_softens_and_shows_the_texture_by_its_coverage():
    pixels = photo()
    out = applied(pixels, ga.Underpainting(10, 0))
    assert np.abs(np.diff(lum(out), axis=1)).mean() < \
        0.5 * np.abs(np.diff(lum(pixels), axis=1)).mean()
    grey = flat(48, 48, (128, 128, 128))
    bare = lum(applied(grey, ga.Underpainting(6, 0, relief=20))).std()
    covered = lum(applied(grey, ga.Underpainting(6, 40, relief=20))).std()
    assert bare < 0.5 < covered


# -- every new filter -----------------------------------------------------------------------

NEW = {**gd.EFFECTS, **ga.EFFECTS}
EVERY = [cls() for cls in NEW.values()] + [gd.Glass(texture="blocks"),
                                          gd.Glass(texture="tiny_lens", invert=True),
                                          ga.PaintDaubs(brush="sparkle"),
                                          ga.RoughPastels(texture="sandstone")]


@pytest.mark.parametrize("cls", NEW.values(), ids=lambda c: c.label)
def test_settings_keep_photoshops_ranges(cls):
    assert_photoshops_ranges(cls)


def assert_photoshops_ranges(cls) -> None:
    """Each of `cls.rows`' ranges and choices is accepted, ends included, and one step
    beyond either end refused with the setting's name."""
    cls()  # the defaults lie in them
    for row in cls.rows:
        if row[0] == "check":
            continue
        if row[0] == "colour":
            cls(**{row[1]: (0, 128, 255)})
            with pytest.raises(ValueError, match=row[2]):
                cls(**{row[1]: (0, 256, 0)})
            continue
        if row[0] == "combo":
            with pytest.raises(ValueError, match=row[2]):
                cls(**{row[1]: "nope"})
            for value in row[3]:
                cls(**{row[1]: value})
            continue
        name, label, low, high = row[:4]
        cls(**{name: low})
        cls(**{name: high})
        for bad in (low - 1, high + 1):
            with pytest.raises(ValueError, match=label.replace("/", ".")):
                cls(**{name: bad})


@pytest.mark.parametrize("op", EVERY, ids=lambda op: op.label)
def test_bands_do_not_show(monkeypatch, op):
    assert_bands_do_not_show(monkeypatch, op, 400, 80, 410)


@pytest.mark.parametrize("op", EVERY, ids=lambda op: op.label)
def test_hidden_colours_never_show_and_the_same_settings_give_the_same_pixels(op):
    assert_hidden_colours_never_show(op, same_twice=True)


@pytest.mark.parametrize("op", [gd.Glass(), gd.DiffuseGlow(), ga.Sponge(),
                                gf.FilterGallery.of([gd.OceanRipple(), ga.ColoredPencil()])],
                         ids=lambda op: op.label)
def test_a_soft_selection_fades_the_filter(op):
    assert_soft_selection_fades(op)


def test_the_folders_follow_photoshops_gallery():
    assert sum(len(kinds) for _f, kinds in gf.PHOTOSHOP) == 47
    folders = dict(gf.FOLDERS)
    assert [f for f, _k in gf.FOLDERS] == ["Artistic", "Brush Strokes", "Distort", "Sketch",
                                           "Stylize", "Texture"]
    assert folders["Distort"] == ("diffuse_glow", "glass", "ocean_ripple")
    assert folders["Artistic"] == (
        "colored_pencil", "cutout", "dry_brush", "film_grain", "fresco", "neon_glow",
        "paint_daubs",
        "palette_knife", "plastic_wrap", "poster_edges", "rough_pastels", "smudge_stick",
        "sponge", "underpainting", "watercolor")
    assert [gf.EFFECTS[k].label for k in folders["Distort"]] == ["Diffuse Glow", "Glass",
                                                                 "Ocean Ripple"]


def test_last_filter_gives_diffuse_glow_the_background_of_the_moment():
    op = gf.FilterGallery.of([gd.DiffuseGlow(), gf.Photocopy(), gd.Glass()])
    again = op.again((10, 20, 30), (200, 0, 0), 7)
    glow, copy, glass = again.operations()
    assert glow.background == (200, 0, 0) and glow.glow == 10
    assert copy.foreground == (10, 20, 30) and glass == gd.Glass()


def test_the_filter_verb_runs_distort_and_artistic_layers(tmp_path):
    from PIL import Image

    from test_cli_filter import _run

    pixels = smooth_photo()
    src, out = tmp_path / "in.png", tmp_path / "out.png"
    Image.fromarray(pixels).save(src)
    done = _run(str(src), "-o", str(out), "--select", "10,8,30,24", "--filter-gallery",
                "glass,10,3,tiny_lens,150+paint_daubs,12,9,dark_rough")
    assert done.returncode == 0, done.stderr
    op = gf.FilterGallery.of([gd.Glass(10, 3, "tiny_lens", 150),
                              ga.PaintDaubs(12, 9, "dark_rough")])
    from engine.box import Box

    expected = applied(pixels, op, Box(10, 8, 30, 24))
    got = np.asarray(Image.open(out).convert("RGBA"))
    np.testing.assert_array_equal(got, expected)
    assert not np.array_equal(got[8:32, 10:40], pixels[8:32, 10:40])
    np.testing.assert_array_equal(got[:8], pixels[:8])  # outside the selection: as it was
    bad = _run(str(src), "-o", str(out), "--filter-gallery", "ocean_ripple,9,25")
    assert bad.returncode != 0 and "Ripple Magnitude is 0 to 20" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1
