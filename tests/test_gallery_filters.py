"""Filter > Filter Gallery's filters (`editor.model.gallery_filters`) on small layers as
`filter_ops` applies them (one undo step): what each visibly does, bands, the selection's
soft edge, and the gallery's stack of effect layers applied in order as one filter."""
from __future__ import annotations

import json

import numpy as np
import pytest

from editor.model import gallery_filters as gf, replay

from test_extra_filters import applied, assert_soft_selection_fades, flat, step
from test_filters import assert_bands_do_not_show, noise_image


def smooth_photo(h=48, w=64, seed=5) -> np.ndarray:
    """Noise enlarged smoothly (a photo's soft shapes), opaque."""
    import cv2

    small = np.random.default_rng(seed).integers(0, 256, (6, 8, 3)).astype(np.uint8)
    out = np.empty((h, w, 4), np.uint8)
    out[..., :3] = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)
    out[..., 3] = 255
    return out


def assert_hidden_colours_never_show(op, same_twice: bool = False) -> None:
    """What alpha hides never shows through `op` (a transparent strip and a half-transparent
    corner whose colours differ give the same visible pixels), which changes the picture;
    with `same_twice`, the same settings give the same pixels again."""
    pixels = smooth_photo(48, 64)
    pixels[:, :20, 3] = 0  # a transparent strip...
    pixels[30:, 40:, 3] = 90  # ...and a half-transparent corner
    white, black = pixels.copy(), pixels.copy()
    white[:, :20, :3], black[:, :20, :3] = 255, 0  # ...whose colours differ
    a, b = applied(white, op), applied(black, op)
    seen = pixels[..., 3] > 0
    np.testing.assert_array_equal(a[seen], b[seen])
    assert not np.array_equal(a[seen], pixels[seen])
    if same_twice:
        np.testing.assert_array_equal(applied(white, op), a)


def on_segment(out: np.ndarray, ink, paper, tolerance=1.0) -> bool:
    """Whether every colour lies between `paper` and `ink` (the Sketch filters' two)."""
    ink, paper = np.float64(ink), np.float64(paper)
    d = ink - paper
    rgb = out[..., :3].reshape(-1, 3).astype(np.float64)
    t = np.clip((rgb - paper) @ d / (d @ d), 0, 1)
    return np.abs(paper + t[:, None] * d - rgb).max() <= tolerance


# -- Artistic -------------------------------------------------------------------------------

@pytest.mark.parametrize("levels", [2, 3, 5])
def test_cutout_leaves_at_most_its_levels_per_channel(levels):
    out = applied(noise_image(40, 48, 2), gf.Cutout(levels, 3, 2))
    for c in range(3):
        assert len(np.unique(out[..., c])) <= levels
    assert len(np.unique(out[..., :3].reshape(-1, 3), axis=0)) <= levels ** 3


def test_cutout_simplicity_flattens_the_shapes():
    pixels = smooth_photo()
    busy = applied(pixels, gf.Cutout(6, 0, 3))
    simple = applied(pixels, gf.Cutout(6, 8, 1))

    def edges(a):
        return (np.diff(a[..., :3].astype(int), axis=1) != 0).any(-1).sum()
    assert edges(simple) < edges(busy)


def test_poster_edges_posterises_flat_areas_and_darkens_the_edge():
    pixels = step(40, 40, 60, 200)
    out = applied(pixels, gf.PosterEdges(2, 5, 2))  # 4 levels: 0, 85, 170, 255
    assert (out[:, :12, :3] == 85).all() and (out[:, -12:, :3] == 170).all()
    edge = out[:, 18:22, :3].astype(int)
    assert edge.min() < 40  # inked well below both sides


def test_dry_brush_wipes_thin_detail_into_few_levels():
    pixels = flat(40, 40, (120, 120, 120))
    pixels[20, 5:35, :3] = 250  # a one-pixel line
    pixels[5:15, 5:15, :3] = 30  # a block
    out = applied(pixels, gf.DryBrush(2, 4, 1))
    assert out[20, 10:30, :3].max() < 180  # the line is gone
    assert out[8:12, 8:12, :3].max() < 60  # the block stays
    for c in range(3):
        assert len(np.unique(out[..., c])) <= 3 + 4


def test_watercolor_pools_dark_pigment_along_the_edge():
    out = applied(step(40, 60, 80, 200), gf.Watercolor(9, 6, 1)).astype(int)
    lum = out[..., :3].mean(-1)
    assert lum[:, 25:29].mean() < lum[:, 5:12].mean() - 8  # the dark wash darker at its edge


# -- Brush Strokes --------------------------------------------------------------------------

def test_angled_strokes_direction_balance_turns_the_strokes():
    pixels = flat(40, 40, (128, 128, 128))
    pixels[20, 20, :3] = 255
    up = applied(pixels, gf.AngledStrokes(100, 9, 0)).astype(int)[..., 0]
    down = applied(pixels, gf.AngledStrokes(0, 9, 0)).astype(int)[..., 0]
    # Up strokes run lower-left to upper-right; down strokes upper-left to lower-right.
    assert up[17, 23] > 130 and up[23, 23] <= 129
    assert down[23, 23] > 130 and down[17, 23] <= 129


def test_ink_outlines_ink_the_edge_and_push_darks_and_lights_apart():
    out = applied(step(40, 40, 60, 200), gf.InkOutlines(4, 30, 30)).astype(int)
    assert out[:, 19:21, :3].min() < 40
    assert out[10:30, :10, :3].max() < 60 and out[10:30, -10:, :3].min() > 200


# -- Sketch -----------------------------------------------------------------------------------

INK, PAPER = (200, 30, 0), (10, 60, 250)


@pytest.mark.parametrize("op", [gf.Photocopy(foreground=INK, background=PAPER),
                                gf.HalftonePattern(4, 5, "dot", INK, PAPER),
                                gf.HalftonePattern(3, 0, "circle", INK, PAPER),
                                gf.GraphicPen(10, 50, "horizontal", INK, PAPER),
                                gf.Charcoal(3, 5, 50, INK, PAPER)], ids=repr)
def test_sketch_filters_draw_only_in_the_two_colours(op):
    out = applied(smooth_photo(), op)
    assert on_segment(out, INK, PAPER)


def test_photocopy_inks_the_dark_side_of_edges_and_leaves_flat_paper():
    out = applied(step(40, 40, 60, 200), gf.Photocopy(7, 20))
    assert (out[:, :5, :3] == 255).all() and (out[:, -5:, :3] == 255).all()  # (beyond 3 sigma)
    assert out[:, 17:20, :3].min() < 60  # dark ink just before the edge


def test_charcoal_strokes_run_up_right_and_darker_tones_take_more_charcoal():
    grey = flat(80, 80, (128, 128, 128))
    ink = 1 - applied(grey, gf.Charcoal(3, 5, 50))[..., 0].astype(float) / 255
    ink -= ink.mean()
    up_right = (ink[3:, :-3] * ink[:-3, 3:]).mean()   # (x, y) with (x + 3, y - 3)
    down_right = (ink[:-3, :-3] * ink[3:, 3:]).mean()  # (x, y) with (x + 3, y + 3)
    assert up_right > 3 * abs(down_right)
    dark = applied(flat(60, 60, (70, 70, 70)), gf.Charcoal())[..., 0].mean()
    light = applied(flat(60, 60, (190, 190, 190)), gf.Charcoal())[..., 0].mean()
    assert dark < light - 60
    more = applied(grey, gf.Charcoal(balance=80))[..., 0].mean()
    assert more < applied(grey, gf.Charcoal())[..., 0].mean() - 20
    # An edge is drawn on flat paper.
    out = applied(step(40, 40, 230, 250), gf.Charcoal(detail=5))[..., 0].astype(float)
    assert out[:, :5].mean() > 200 and out[:, -5:].mean() > 200
    assert out[:, 18:22].mean() < out[:, :5].mean() - 60


def test_halftone_dots_repeat_with_their_size_and_follow_the_tone():
    dark = applied(flat(40, 40, (60, 60, 60)), gf.HalftonePattern(3, 5, "dot"))
    light = applied(flat(40, 40, (200, 200, 200)), gf.HalftonePattern(3, 5, "dot"))
    period = 2 * 3 + 2
    np.testing.assert_array_equal(dark[:, :-period], dark[:, period:])
    np.testing.assert_array_equal(dark[:-period], dark[period:])
    assert dark[..., 0].mean() < light[..., 0].mean() - 60


def test_graphic_pen_strokes_run_along_the_direction_and_balance_adds_ink():
    grey = flat(60, 60, (128, 128, 128))
    out = applied(grey, gf.GraphicPen(15, 50, "horizontal"))[..., 0]
    assert set(np.unique(out)) <= {0, 255}
    ink = (out == 0).astype(float) - (out == 0).mean()
    along = (ink[:, :-3] * ink[:, 3:]).mean()
    across = (ink[:-3] * ink[3:]).mean()
    assert along > 3 * abs(across)
    more = applied(grey, gf.GraphicPen(15, 80, "horizontal"))[..., 0]
    assert (more == 0).mean() > (out == 0).mean() + 0.15


# -- Stylize, Texture -----------------------------------------------------------------------

def test_glowing_edges_are_bright_on_black():
    out = applied(step(40, 40, 60, 200), gf.GlowingEdges(2, 6, 5)).astype(int)
    assert out[:, :12, :3].max() == 0 and out[:, -12:, :3].max() == 0
    assert out[:, 19:21, :3].min() > 120


def test_texturizer_brick_repeats_and_opposite_lights_shade_oppositely():
    grey = flat(64, 64, (128, 128, 128))
    top = applied(grey, gf.Texturizer("brick", 100, 10, "top")).astype(int)
    bottom = applied(grey, gf.Texturizer("brick", 100, 10, "bottom")).astype(int)
    assert top[..., 0].std() > 5
    np.testing.assert_array_equal(top[1:31], top[33:63])  # two rows of bricks, half-offset
    assert np.abs((top + bottom)[..., :3] / 2 - 128).max() <= 1  # lit one way, then the other
    big = applied(grey, gf.Texturizer("brick", 200, 10, "top")).astype(int)
    assert not np.array_equal(big[1:31], big[33:63])  # scaled twice: a 64-px repeat
    assert gf.Texturizer(relief=0).is_identity()


def test_craquelure_cracks_are_dark_lines_closer_at_a_smaller_spacing():
    grey = flat(80, 80, (150, 150, 150))
    out = applied(grey, gf.Craquelure(12, 6, 2)).astype(int)[..., 0]
    ys, xs = np.mgrid[0:80, 0:80]
    cracks = gf.crack_height(ys, xs, 12) < 0.3
    assert 0.05 < cracks.mean() < 0.5
    assert out[cracks].mean() < out[~cracks].mean() - 30
    assert (gf.crack_height(ys, xs, 6) < 0.3).mean() > 1.5 * cracks.mean()
    bright = applied(grey, gf.Craquelure(12, 6, 10)).astype(int)[..., 0]
    assert bright[cracks].mean() > out[cracks].mean() + 20


@pytest.mark.parametrize("texture", gf.TEXTURES)
def test_every_texture_shades_a_flat_picture(texture):
    out = applied(flat(40, 40, (128, 128, 128)), gf.Texturizer(texture, 100, 8, "top_left"))
    assert out[..., 0].astype(int).std() > 3


# -- every filter: bands, the selection, the stack ------------------------------------------

EVERY = [gf.Cutout(), gf.DryBrush(), gf.PosterEdges(), gf.Watercolor(), gf.AngledStrokes(),
         gf.InkOutlines(), gf.Craquelure(), gf.GraphicPen(), gf.HalftonePattern(), gf.HalftonePattern(type="line"),
         gf.Photocopy(), gf.Charcoal(), gf.GlowingEdges(), gf.Texturizer(),
         gf.Texturizer("sandstone"),
         gf.FilterGallery.of([gf.Watercolor(), gf.GlowingEdges(), gf.Photocopy()])]


@pytest.mark.parametrize("op", EVERY, ids=lambda op: op.label)
def test_bands_do_not_show(monkeypatch, op):
    assert_bands_do_not_show(monkeypatch, op, 400, 80, 410)


@pytest.mark.parametrize("op", EVERY, ids=lambda op: op.label)
def test_hidden_colours_never_show(op):
    assert_hidden_colours_never_show(op)


@pytest.mark.parametrize("op", [gf.Cutout(), gf.Photocopy(),
                                gf.FilterGallery.of([gf.GlowingEdges(), gf.Cutout()])],
                         ids=lambda op: op.label)
def test_a_soft_selection_fades_the_filter(op):
    assert_soft_selection_fades(op)


def test_the_stack_applies_in_order_as_one_step():
    pixels = smooth_photo()
    a, b = gf.GlowingEdges(), gf.Photocopy(5, 20)
    ab = applied(pixels, gf.FilterGallery.of([a, b]))
    ba = applied(pixels, gf.FilterGallery.of([b, a]))
    assert not np.array_equal(ab, ba)
    np.testing.assert_array_equal(ab, applied(applied(pixels, a), b))
    np.testing.assert_array_equal(ba, applied(applied(pixels, b), a))
    # A hidden layer is left out; a stack of one is that filter.
    np.testing.assert_array_equal(applied(pixels, gf.FilterGallery.of([a, b], {1})),
                                  applied(pixels, a))
    assert gf.FilterGallery.of([a, b], {0, 1}).is_identity()
    assert gf.FilterGallery.of([a, b]).reach() == a.reach() + b.reach()


def test_the_stack_round_trips_through_the_actions_json():
    op = gf.FilterGallery.of([gf.Cutout(3, 2, 1), gf.GraphicPen(9, 40, "vertical",
                                                                (9, 8, 7), (250, 240, 230))],
                             {0})
    settings = replay.operation_settings(op)
    assert settings["kind"] == "filter_gallery"
    assert replay.operation(json.loads(json.dumps(settings))) == op
    with pytest.raises(ValueError, match="no filter 'nope'"):
        gf.FilterGallery((("nope", ()),))


def test_the_filter_verb_runs_a_stack(tmp_path):
    from PIL import Image

    from test_cli_filter import _run

    pixels = smooth_photo()
    src, out = tmp_path / "in.png", tmp_path / "out.png"
    Image.fromarray(pixels).save(src)
    done = _run(str(src), "-o", str(out), "--filter-gallery", "cutout,3,2,1+photocopy,9,12")
    assert done.returncode == 0, done.stderr
    assert "Filter Gallery" in done.stdout
    expected = applied(pixels, gf.FilterGallery.of([gf.Cutout(3, 2, 1), gf.Photocopy(9, 12)]))
    np.testing.assert_array_equal(np.asarray(Image.open(out).convert("RGBA")), expected)
    bad = _run(str(src), "-o", str(out), "--filter-gallery", "cutout,3+nope")
    assert bad.returncode != 0 and "nope" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1


def test_a_smart_filter_keeps_the_stack_in_the_files_entry():
    from editor.model import smart_filters

    op = gf.FilterGallery.of([gf.Texturizer("brick", 150, 9, "left", True), gf.Watercolor()],
                             {1})
    entry = json.loads(json.dumps(smart_filters.as_entry(
        [smart_filters.SmartFilter(op, "normal", 0.5, True)])))
    (back,) = smart_filters.from_entry(entry)
    assert back.op == op and back.opacity == 0.5
