"""Filter Gallery > Brush Strokes (`gallery_brush_strokes`), Sketch (`gallery_sketch`) and
Texture (`gallery_texture`), the last 20 of Photoshop's 47, on small layers as `filter_ops`
applies them: what each visibly does, its identity where Photoshop's settings have one,
ranges enforced, bands, hidden colours, the selection's soft edge, the full folders, Last
Filter's colours and the `filter` verb."""
from __future__ import annotations

import numpy as np
import pytest

from editor.model import gallery_brush_strokes as gb, gallery_filters as gf
from editor.model import gallery_sketch as gs, gallery_texture as gt

from test_extra_filters import applied, assert_soft_selection_fades, flat, step
from test_filters import assert_bands_do_not_show
from test_gallery_distort_artistic import assert_photoshops_ranges, histogram_distance, lum, \
    moved, photo
from test_gallery_filters import assert_hidden_colours_never_show, on_segment, smooth_photo

INK, PAPER = (200, 30, 0), (10, 60, 250)


def neighbours(a: np.ndarray, dy: int, dx: int) -> float:
    """The correlation of `a`'s deviations with those of its (dy, dx) neighbours."""
    d = a - a.mean()
    h, w = d.shape
    y0, y1 = max(0, -dy), h - max(0, dy)
    x0, x1 = max(0, -dx), w - max(0, dx)
    return float((d[y0:y1, x0:x1] * d[y0 + dy:y1 + dy, x0 + dx:x1 + dx]).mean() / d.var())


# -- Brush Strokes ----------------------------------------------------------------------------

def test_accented_edges_draw_the_edges_in_a_grey_of_edge_brightness():
    pixels = step(40, 60, 40, 210)
    bright = lum(applied(pixels, gb.AccentedEdges(2, 50, 1)))
    dark = lum(applied(pixels, gb.AccentedEdges(2, 0, 1)))
    assert bright[:, 28:32].max() > 230 and dark[:, 28:32].min() < 15
    # Away from the edge the picture is as it was.
    np.testing.assert_allclose(bright[:, :20], 40, atol=1)
    np.testing.assert_allclose(dark[:, 40:], 210, atol=1)
    wide = lum(applied(pixels, gb.AccentedEdges(14, 50, 1)))
    assert (wide > 230).sum() > (bright > 230).sum()


def test_crosshatch_hatches_at_45_degrees_and_strength_crosses_it():
    grey = flat(64, 64, (128, 128, 128))
    one = lum(applied(grey, gb.Crosshatch(20, 0, 1)))
    assert one.std() > 5
    # Strokes up-right: neighbours along (x+1, y-1) alike, across less.
    assert neighbours(one, -1, 1) > 2 * abs(neighbours(one, 1, 1))
    both = lum(applied(grey, gb.Crosshatch(20, 0, 2)))
    assert neighbours(both, 1, 1) > neighbours(one, 1, 1) + 0.2
    assert abs(one.mean() - 128) < 6  # hatching, not darkening


def test_dark_strokes_push_darks_darker_and_lights_lighter():
    pixels = photo()
    out = lum(applied(pixels, gb.DarkStrokes(5, 10, 10)))
    src = lum(pixels)
    assert out[src < 90].mean() < src[src < 90].mean() - 30
    assert out[src > 170].mean() > src[src > 170].mean() + 5
    assert lum(applied(pixels, gb.DarkStrokes(5, 0, 0))).mean() > out[src < 90].mean()


def test_spatter_moves_pixels_but_keeps_the_colours():
    pixels = photo()
    out = applied(pixels, gb.Spatter(10, 5))
    assert moved(out, pixels) > 5 and histogram_distance(out, pixels) < 0.15
    grey = flat(40, 40, (90, 120, 150))
    np.testing.assert_array_equal(applied(grey, gb.Spatter(25, 1)), grey)
    # Smoothness: a smoother spray changes less from pixel to pixel.
    rough = lum(applied(pixels, gb.Spatter(10, 1)))
    smooth = lum(applied(pixels, gb.Spatter(10, 15)))
    assert np.abs(np.diff(rough, axis=1)).mean() > np.abs(np.diff(smooth, axis=1)).mean()
    assert gb.Spatter(0, 9).is_identity()
    np.testing.assert_array_equal(applied(pixels, gb.Spatter(0, 9)), pixels)


def test_sprayed_strokes_streak_along_the_stroke_direction():
    pixels = flat(41, 41, (220, 220, 220))
    pixels[20, 20, :3] = 0
    out = lum(applied(pixels, gb.SprayedStrokes(14, 0, "horizontal")))
    assert out[20, 14:27].mean() < out[14:27, 20].mean() - 10
    down = lum(applied(pixels, gb.SprayedStrokes(14, 0, "vertical")))
    assert down[14:27, 20].mean() < down[20, 14:27].mean() - 10
    assert gb.SprayedStrokes(0, 0).is_identity()
    np.testing.assert_array_equal(applied(photo(), gb.SprayedStrokes(0, 0)), photo())


def test_sumi_e_spreads_black_ink_from_the_darks():
    pixels = flat(40, 40, (230, 230, 230))
    pixels[:, 19:21, :3] = 20  # a thin dark line
    out = lum(applied(pixels, gb.SumiE(10, 2, 0)))
    assert (out < 150).sum() > 2 * (lum(pixels) < 150).sum()
    assert out.min() < 40
    # Contrast: a mid-grey ramp is stretched apart.
    ramp = flat(20, 100, (0, 0, 0))
    ramp[..., :3] = np.linspace(90, 200, 100).astype(np.uint8)[None, :, None]
    assert lum(applied(ramp, gb.SumiE(3, 0, 40))).std() > lum(applied(ramp, gb.SumiE(3, 0, 0))).std()


# -- Sketch -----------------------------------------------------------------------------------

def with_colours(op):
    from dataclasses import replace

    return replace(op, foreground=INK, background=PAPER)


@pytest.mark.parametrize("op", [gs.BasRelief(), gs.ChalkCharcoal(), gs.Plaster(), gs.Reticulation(), gs.Stamp(), gs.TornEdges()],
                         ids=repr)
def test_sketch_filters_draw_in_the_foreground_and_background(op):
    out = applied(photo(), with_colours(op))
    assert on_segment(out, INK, PAPER)
    # Both colours are used.
    assert (out[..., 0] > 150).mean() > 0.05 and (out[..., 2] > 150).mean() > 0.05


def test_bas_relief_lights_an_edge_from_its_light():
    pixels = step(40, 60, 40, 210)
    top, bottom = (lum(applied(pixels, gs.BasRelief(13, 3, light))) for light in ("left", "right"))
    # The edge rises to the right: lit from the right it is bright, from the left dark.
    assert bottom[:, 29:31].mean() > 200 and top[:, 29:31].mean() < 60
    flat_grey = lum(applied(flat(30, 30, (128, 128, 128)), gs.BasRelief()))
    assert flat_grey.std() < 0.5


def test_chalk_and_charcoal_charcoal_in_the_darks_chalk_in_the_lights():
    pixels = step(60, 80, 10, 245)
    out = applied(pixels, with_colours(gs.ChalkCharcoal(20, 20, 3)))
    ink = np.abs(out[..., :3].astype(int) - INK).sum(-1) < 30
    paper = np.abs(out[..., :3].astype(int) - PAPER).sum(-1) < 30
    assert ink[:, :35].mean() > 0.3 and ink[:, 45:].mean() < 0.1
    assert paper[:, 45:].mean() > 0.3 and paper[:, :35].mean() < 0.1
    less = applied(pixels, with_colours(gs.ChalkCharcoal(0, 0, 3)))
    assert (np.abs(less[..., :3].astype(int) - INK).sum(-1) < 30)[:, :35].mean() < ink[:, :35].mean()


def test_chrome_is_grey_and_reflects_bands():
    out = applied(photo(), gs.Chrome())
    assert (out[..., 0] == out[..., 1]).all() and (out[..., 1] == out[..., 2]).all()
    assert out[..., 0].min() < 40 and out[..., 0].max() > 215
    smooth = lum(applied(photo(), gs.Chrome(0, 10)))
    detailed = lum(applied(photo(), gs.Chrome(10, 0)))
    assert np.abs(np.diff(detailed, axis=1)).mean() > np.abs(np.diff(smooth, axis=1)).mean()


def test_conte_crayon_darks_in_foreground_lights_in_background_on_its_texture():
    pixels = step(60, 80, 10, 245)
    out = applied(pixels, gs.ConteCrayon(11, 7, relief=0, foreground=(0, 0, 0),
                                         background=(255, 255, 255)))
    assert lum(out)[:, :30].mean() < 60 and lum(out)[:, 50:].mean() > 180
    grey = flat(64, 64, (128, 128, 128))
    brick = lum(applied(grey, gs.ConteCrayon(texture="brick", relief=20)))
    # The bricks' mortar rows repeat every 16 px.
    rows = brick.mean(1)
    np.testing.assert_allclose(rows[8:24], rows[40:56], atol=8)
    assert brick.std() > 3


def test_note_paper_shows_the_background_through_the_darks():
    pixels = step(40, 60, 20, 235)
    out = applied(pixels, with_colours(gs.NotePaper(25, 0, 0)))
    assert on_segment(out, INK, PAPER)  # (no relief: no light on it)
    np.testing.assert_allclose(out[:, :20, :3].reshape(-1, 3).mean(0), PAPER, atol=3)
    top = out[:, 40:, :3].reshape(-1, 3).mean(0)
    assert np.abs(top - PAPER).sum() > 60  # the top sheet: tinted with the ink
    grainy = applied(pixels, with_colours(gs.NotePaper(25, 20, 0)))
    assert grainy[:, 40:, :3].std() > out[:, 40:, :3].std() + 2


def test_plaster_raises_the_darks_in_the_foreground():
    pixels = step(40, 60, 20, 235)
    out = applied(pixels, with_colours(gs.Plaster(25, 2, "top")))
    assert np.abs(out[:, 5:20, :3].astype(int) - INK).sum(-1).mean() < 90
    assert np.abs(out[:, 40:, :3].astype(int) - PAPER).sum(-1).mean() < 10
    more = applied(step(40, 60, 120, 235), with_colours(gs.Plaster(50, 2)))
    less = applied(step(40, 60, 120, 235), with_colours(gs.Plaster(10, 2)))
    assert lum(more).mean() != lum(less).mean()


def test_reticulation_grains_the_tones():
    grey = flat(64, 64, (128, 128, 128))
    sparse, dense = (lum(applied(grey, gs.Reticulation(d, 25, 25))).std() for d in (0, 50))
    assert 5 < sparse < dense
    dark = lum(applied(flat(40, 40, (50, 50, 50)), gs.Reticulation())).mean()
    light = lum(applied(flat(40, 40, (200, 200, 200)), gs.Reticulation())).mean()
    assert dark < 90 < 150 < light
    deeper = lum(applied(flat(40, 40, (100, 100, 100)), gs.Reticulation(12, 50, 5))).mean()
    assert deeper < lum(applied(flat(40, 40, (100, 100, 100)), gs.Reticulation(12, 0, 5))).mean()


def test_stamp_cuts_the_picture_at_its_balance():
    ramp = flat(20, 100, (0, 0, 0))
    ramp[..., :3] = np.linspace(0, 255, 100).astype(np.uint8)[None, :, None]
    out = lum(applied(ramp, gs.Stamp(25, 1)))
    assert ((out < 5) | (out > 250)).mean() > 0.95  # two colours, but at the cut
    cut = (out < 128).sum(1).mean()
    assert 45 <= cut <= 55
    assert (lum(applied(ramp, gs.Stamp(40, 1))) < 128).sum(1).mean() > cut + 20


def test_torn_edges_tear_the_cut_and_contrast_sharpens_it():
    ramp = flat(40, 100, (0, 0, 0))
    ramp[..., :3] = np.linspace(0, 255, 100).astype(np.uint8)[None, :, None]
    out = lum(applied(ramp, gs.TornEdges(25, 1, 25)))
    cuts = (out < 128).sum(1)
    assert cuts.std() > 1  # ragged: the cut lies at another place in each row
    soft = lum(applied(ramp, gs.TornEdges(25, 1, 1)))
    assert ((soft > 20) & (soft < 235)).sum() > ((out > 20) & (out < 235)).sum()


def test_water_paper_keeps_the_colours_and_shows_fibres():
    red = flat(60, 60, (200, 60, 60))
    out = applied(red, gs.WaterPaper(15, 50, 50))
    assert (out[..., 0] > out[..., 1] + 80).all()
    assert out[..., :3].std() > 3  # fibres
    assert abs(float(out[..., 0].mean()) - 200) < 8
    bright = applied(red, gs.WaterPaper(15, 90, 50))
    assert lum(bright).mean() > lum(out).mean() + 30


# -- Texture ----------------------------------------------------------------------------------

def test_grain_types_all_differ_and_intensity_zero_is_identity():
    pixels = photo()
    outs = [applied(pixels, gt.Grain(60, 50, t)) for t in gt.GRAIN_TYPES]
    assert len({o.tobytes() for o in outs}) == len(gt.GRAIN_TYPES)
    assert all(moved(o, pixels) > 2 for o in outs)
    assert gt.Grain(0, 50).is_identity()
    np.testing.assert_array_equal(applied(pixels, gt.Grain(0, 50, "speckle")), pixels)
    assert lum(applied(pixels, gt.Grain(0, 100))).std() > lum(pixels).std() + 10


def test_grain_horizontal_streaks_and_sprinkles_in_the_background_colour():
    grey = flat(64, 64, (128, 128, 128))
    h = lum(applied(grey, gt.Grain(60, 50, "horizontal")))
    assert neighbours(h, 0, 1) > 0.5 > neighbours(h, 1, 0)
    sprinkled = applied(grey, gt.Grain(100, 50, "sprinkles", background=(0, 255, 0)))
    specks = np.all(sprinkled[..., :3] == (0, 255, 0), axis=-1)
    assert 0.1 < specks.mean() < 0.5
    assert np.all(sprinkled[~specks][..., :3] == 128)


def test_mosaic_tiles_lay_grout_lines_a_tile_apart():
    grey = flat(96, 96, (150, 150, 150))
    out = lum(applied(grey, gt.MosaicTiles(20, 4, 0)))
    cols = out.mean(0)
    # The grout (dark) comes back every tile plus grout: 24 px.
    dark = cols < cols.mean() - 10
    assert dark.any() and np.array_equal(dark[10:40], dark[34:64])
    light = lum(applied(grey, gt.MosaicTiles(20, 4, 10)))
    assert light[:, dark].mean() > out[:, dark].mean() + 40


def test_patchwork_fills_squares_with_their_mean_colour():
    pixels = photo()
    out = applied(pixels, gt.Patchwork(2, 0))  # 8 px squares, no relief
    # Squares of the canvas grid, each one colour: the mean of its pixels.
    np.testing.assert_allclose(out[8:16, 16:24, :3].reshape(-1, 3),
                               np.broadcast_to(pixels[8:16, 16:24, :3].reshape(-1, 3).mean(0),
                                               (64, 3)), atol=0.51)
    assert len(np.unique(out[..., :3].reshape(-1, 3), axis=0)) <= (64 // 8) * (96 // 8)
    raised = applied(pixels, gt.Patchwork(2, 25))
    assert lum(raised).std() != lum(out).std() and moved(raised, out) > 3


def test_stained_glass_cells_are_flat_and_leaded_in_the_foreground():
    pixels = photo(80, 96)
    out = applied(pixels, gt.StainedGlass(12, 2, 0, (255, 0, 255)))
    lead = np.all(out[..., :3] == (255, 0, 255), axis=-1)
    assert 0.05 < lead.mean() < 0.5
    # One colour a cell: most neighbours alike (none in the grainy photo).
    same = np.all(out[:, 1:, :3] == out[:, :-1, :3], axis=-1).mean()
    assert same > 0.45 > 0.05 > np.all(pixels[:, 1:, :3] == pixels[:, :-1, :3], axis=-1).mean()
    big = applied(pixels, gt.StainedGlass(40, 2, 0, (255, 0, 255)))
    assert len(np.unique(big[..., :3].reshape(-1, 3), axis=0)) < \
        len(np.unique(out[..., :3].reshape(-1, 3), axis=0))
    lit = applied(pixels, gt.StainedGlass(12, 2, 10, (255, 0, 255)))
    assert lum(lit)[30:50, 38:58].mean() > lum(out)[30:50, 38:58].mean() + 10


# -- every new filter -------------------------------------------------------------------------

NEW = {**gb.EFFECTS, **gs.EFFECTS, **gt.EFFECTS}
EVERY = [cls() for cls in NEW.values() if cls is not gt.StainedGlass] + \
    [gt.StainedGlass(light=0), gs.ConteCrayon(texture="brick", invert=True)] + \
    [gt.Grain(type=t) for t in gt.GRAIN_TYPES if t != "regular"]


@pytest.mark.parametrize("cls", NEW.values(), ids=lambda c: c.label)
def test_settings_keep_photoshops_ranges(cls):
    assert_photoshops_ranges(cls)


@pytest.mark.parametrize("op", EVERY, ids=repr)
def test_bands_do_not_show(monkeypatch, op):
    assert_bands_do_not_show(monkeypatch, op, 400, 80, 410)


@pytest.mark.parametrize("op", EVERY + [gt.StainedGlass()], ids=repr)
def test_hidden_colours_never_show_and_the_same_settings_give_the_same_pixels(op):
    assert_hidden_colours_never_show(op, same_twice=True)


# (Stained Glass's light is about the middle of the selection: without it here)
@pytest.mark.parametrize("op", [gb.Spatter(), gs.Stamp(), gt.StainedGlass(light=0),
                                gf.FilterGallery.of([gt.Patchwork(), gb.Crosshatch()])],
                         ids=lambda op: op.label)
def test_a_soft_selection_fades_the_filter(op):
    assert_soft_selection_fades(op)


def test_the_gallery_holds_all_47_filters_in_photoshops_folders():
    folders = dict(gf.FOLDERS)
    assert folders == dict(gf.PHOTOSHOP)
    assert len(gf.EFFECTS) == 47
    assert [gf.EFFECTS[k].label for k in folders["Brush Strokes"]] == [
        "Accented Edges", "Angled Strokes", "Crosshatch", "Dark Strokes", "Ink Outlines",
        "Spatter", "Sprayed Strokes", "Sumi-e"]
    assert [gf.EFFECTS[k].label for k in folders["Texture"]] == [
        "Craquelure", "Grain", "Mosaic Tiles", "Patchwork", "Stained Glass", "Texturizer"]
    assert gf.EFFECTS["chalk_charcoal"].label == "Chalk & Charcoal"


def test_last_filter_gives_the_sketch_layers_the_colours_of_the_moment():
    op = gf.FilterGallery.of([gs.Stamp(30), gs.Chrome(), gt.StainedGlass(), gt.Grain()])
    stamp, chrome, glass, grain = op.again((10, 20, 30), (200, 0, 0), 7).operations()
    assert stamp.foreground == (10, 20, 30) and stamp.background == (200, 0, 0)
    assert stamp.balance == 30 and chrome == gs.Chrome()
    assert glass.foreground == (10, 20, 30) and grain.background == (200, 0, 0)


def test_the_filter_verb_runs_the_new_layers_inside_the_selection(tmp_path):
    from PIL import Image

    from engine.box import Box
    from test_cli_filter import _run

    pixels = smooth_photo()
    src, out = tmp_path / "in.png", tmp_path / "out.png"
    Image.fromarray(pixels).save(src)
    done = _run(str(src), "-o", str(out), "--select", "10,8,30,24", "--filter-gallery",
                "sprayed_strokes,8,5,vertical+stamp,30,4+grain,50,60,clumped")
    assert done.returncode == 0, done.stderr
    op = gf.FilterGallery.of([gb.SprayedStrokes(8, 5, "vertical"), gs.Stamp(30, 4),
                              gt.Grain(50, 60, "clumped")])
    expected = applied(pixels, op, Box(10, 8, 30, 24))
    got = np.asarray(Image.open(out).convert("RGBA"))
    np.testing.assert_array_equal(got, expected)
    assert not np.array_equal(got[8:32, 10:40], pixels[8:32, 10:40])
    np.testing.assert_array_equal(got[:8], pixels[:8])
    bad = _run(str(src), "-o", str(out), "--filter-gallery", "grain,40,50,lumpy")
    assert bad.returncode != 0 and "Grain Type is one of" in bad.stderr


def test_a_stack_of_every_new_filter_round_trips_through_the_actions_json():
    """What actions, smart filters' entry and Last Filter keep: the plain settings."""
    import json

    from editor.model import replay

    op = gf.FilterGallery.of(EVERY + [gs.Stamp(40, 2, (9, 8, 7), (250, 240, 230)),
                                      gb.SprayedStrokes(3, 4, "left_diagonal")], {2, 5})
    assert replay.operation(json.loads(json.dumps(replay.operation_settings(op)))) == op
