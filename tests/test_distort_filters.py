"""Filter > Distort and Filter > Render on a layer (`filter_ops.apply`, the path the menu's
jobs take): what a user sees of each. The round distortions keep the centre and everything
beyond the ellipse inside their box, a positive Twirl turns clockwise, Polar Coordinates
there and back gives the picture back, Wave with Repeat Edge Pixels leaves no hole, the
distortions stay inside the selection's box and centre on it; Clouds are made only of
colours between the foreground and background colours, belong to the canvas (a selection
sees the same clouds) and Difference Clouds are their Difference with the layer."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage

from editor.model import Document, filter_ops
from editor.model import distort_filters as df, render_filters as rf
from editor.model.layers import Layer
from engine.box import Box

from ui_helpers import photo

W, H = 120, 90


def applied(op, pixels: np.ndarray, select: Box | None = None, at=(0, 0),
            size=(W, H)) -> np.ndarray:
    """`op` run on a layer of `pixels` (at `at`) in a document of `size`: the canvas's
    pixels."""
    doc = Document(*size)
    layer = Layer("photo", pixels.copy(), *at)
    doc.add_layer(layer)
    if select is not None:
        doc.set_selection(select)
    filter_ops.apply(doc, op, layer)
    return layer.canvas_crop(doc.canvas)


def ellipse(box: Box, scale: float = 1.0) -> np.ndarray:
    """The canvas pixels inside the ellipse inscribed in `box` (shrunk by `scale`)."""
    y, x = np.mgrid[0:H, 0:W] + 0.5
    nx = (x - box.x - box.w / 2) / (box.w / 2)
    ny = (y - box.y - box.h / 2) / (box.h / 2)
    return nx * nx + ny * ny < scale * scale


ROUND = [df.Pinch(100), df.Pinch(-100), df.Spherize(100), df.Spherize(-100), df.Twirl(400),
         df.Twirl(-999), df.ZigZag(40, 5, "around"), df.ZigZag(20, 3, "out"),
         df.ZigZag(30, 8, "pond")]


@pytest.mark.parametrize("op", ROUND, ids=repr)
def test_round_distortions_bend_only_inside_their_ellipse(op):
    """Outside the ellipse inscribed in the layer's box nothing moves; a blue dot in the
    middle stays there (the centre stays where it is); inside, the picture changes."""
    pixels = photo(W, H)
    pixels[ellipse(Box(W // 2 - 4, H // 2 - 4, 8, 8)), :3] = (0, 0, 255)
    out = applied(op, pixels)
    whole = Box(0, 0, W, H)
    outside = ~ellipse(whole)
    np.testing.assert_array_equal(out[outside], pixels[outside])
    centre = out[H // 2 - 1:H // 2 + 1, W // 2 - 1:W // 2 + 1, :3].reshape(-1, 3).astype(int)
    assert (centre[:, 2] > 200).all() and (centre[:, :2] < 60).all()
    inside = ellipse(whole, 0.9)
    assert (np.abs(out[inside].astype(int) - pixels[inside]) > 8).any(axis=-1).mean() > 0.2
    np.testing.assert_array_equal(out[..., 3], 255)


@pytest.mark.parametrize("op", [df.Twirl(0), df.Pinch(0), df.Spherize(0), df.ZigZag(0),
                                df.ZigZag(50, 0), df.Ripple(0)], ids=repr)
def test_zero_settings_change_nothing(op):
    pixels = photo(W, H)
    assert op.is_identity()  # (the dialog records no step for them)
    box = Box(0, 0, W, H)
    np.testing.assert_array_equal(op.process(pixels, box, box, None), pixels)


def test_pinch_and_spherize_squeeze_and_swell_the_middle():
    """A disc in the middle: a positive Pinch makes it smaller, a negative one (and a
    positive Spherize) larger."""
    pixels = np.full((H, W, 4), 255, np.uint8)
    disc = ellipse(Box(W // 2 - 15, H // 2 - 15, 30, 30))
    pixels[disc, :3] = 0
    dark = {repr(op): (applied(op, pixels)[..., 0] < 128).sum()
            for op in (df.Pinch(80), df.Pinch(-80), df.Spherize(80))}
    assert dark["Pinch(amount=80)"] < 0.7 * disc.sum()
    assert dark["Pinch(amount=-80)"] > 1.3 * disc.sum()
    assert dark["Spherize(amount=80, mode='normal')"] > 1.3 * disc.sum()


def test_twirl_turns_clockwise_for_a_positive_angle():
    """A dot right of the centre moves down (clockwise on the screen); a negative angle
    moves it up."""
    pixels = np.full((H, W, 4), 255, np.uint8)
    pixels[H // 2 - 2:H // 2 + 2, W // 2 + 14:W // 2 + 18, :3] = (220, 0, 0)
    for angle, below in ((90, True), (-90, False)):
        out = applied(df.Twirl(angle), pixels)
        red = (out[..., 0] > 150) & (out[..., 1] < 100)
        ys = np.nonzero(red)[0]
        assert len(ys)
        assert (ys.mean() > H / 2 + 5) == below


def test_spherize_horizontal_only_moves_pixels_along_rows():
    """Horizontal only: a picture that changes only from top to bottom stays as it was."""
    pixels = np.empty((H, W, 4), np.uint8)
    pixels[..., :3] = np.linspace(0, 255, H).astype(np.uint8)[:, None, None]
    pixels[..., 3] = 255
    np.testing.assert_array_equal(applied(df.Spherize(100, "horizontal"), pixels), pixels)
    assert not np.array_equal(applied(df.Spherize(100, "vertical"), pixels), pixels)


def test_polar_coordinates_there_and_back_gives_the_picture_back():
    """Rectangular to Polar, then Polar to Rectangular: the picture again, blurred by the
    two resamplings, coarse only in the top rows (squeezed into the centre)."""
    pixels = photo(W, H)
    polar = applied(df.PolarCoordinates("to_polar"), pixels)
    assert np.abs(polar.astype(int) - pixels).mean() > 20  # (it did bend it)
    back = applied(df.PolarCoordinates("to_rect"), polar)
    diff = np.abs(back.astype(int) - pixels)[H // 4:, :, :3]
    assert diff.mean() < 4 and np.percentile(diff, 95) < 16


def test_polar_coordinates_puts_the_top_row_in_the_middle():
    pixels = np.full((H, W, 4), 255, np.uint8)
    pixels[:6, :, :3] = (0, 0, 255)  # a blue top edge
    out = applied(df.PolarCoordinates("to_polar"), pixels)
    assert (out[H // 2, W // 2, :3] == (0, 0, 255)).all()
    assert (out[2, W // 2, :3] == 255).all()  # twelve o'clock on the rim: the bottom row


@pytest.mark.parametrize("undefined", df.WAVE_FILLS)
def test_wave_leaves_no_hole_and_a_seed_always_gives_the_same_wave(undefined):
    pixels = photo(W, H)
    op = df.Wave(generators=7, amplitude_min=10, amplitude_max=40, undefined=undefined,
                 seed=3)
    out = applied(op, pixels)
    np.testing.assert_array_equal(out[..., 3], 255)  # no transparent pixel comes in
    assert np.abs(out.astype(int) - pixels).mean() > 10
    np.testing.assert_array_equal(applied(op, pixels), out)
    other = applied(df.Wave(generators=7, amplitude_min=10, amplitude_max=40,
                            undefined=undefined, seed=4), pixels)
    assert not np.array_equal(other, out)


def test_wave_square_moves_rows_by_steps_and_scale_zero_keeps_them():
    """Square waves: a row moves by one of few distances (steps, not slopes); with
    Scale Horiz. at 1 % vertical lines hardly lean."""
    pixels = np.full((H, W, 4), 255, np.uint8)
    pixels[:, W // 2:W // 2 + 2, :3] = 0  # a vertical line
    out = applied(df.Wave(generators=1, wavelength_min=40, wavelength_max=40, amplitude_min=12,
                          amplitude_max=12, scale_v=1, kind="square"), pixels)
    columns = [np.nonzero(row[:, 0] < 128)[0].mean() for row in out if (row[:, 0] < 128).any()]
    shifts = np.round(np.array(columns) - (W // 2 + 0.5))
    assert set(np.unique(np.abs(shifts))) <= {12.0} and len(set(shifts)) == 2


def test_ripple_moves_rows_sideways_by_about_its_amplitude():
    pixels = np.full((H, W, 4), 255, np.uint8)
    pixels[:, W // 2:W // 2 + 2, :3] = 0
    out = applied(df.Ripple(500, "large"), pixels)
    columns = np.array([np.nonzero(row[:, 0] < 128)[0].mean() for row in out])
    moved = np.abs(columns - (W // 2 + 0.5))
    amplitude = 5 * df.RIPPLE_WAVELENGTH["large"] / 10  # 500 % of a tenth of the wavelength
    assert moved.max() > 0.6 * amplitude and moved.max() <= 1.3 * amplitude + 1


def test_distortions_stay_inside_the_selections_box_and_centre_on_it():
    """With a box selected, Twirl turns about the box's centre: outside the box (and the
    ellipse in it) nothing changes."""
    pixels = photo(W, H)
    box = Box(10, 20, 60, 50)
    out = applied(df.Twirl(300), pixels, select=box)
    inside = ellipse(box)
    np.testing.assert_array_equal(out[~inside], pixels[~inside])
    assert (np.abs(out[inside].astype(int) - pixels[inside]) > 8).any(axis=-1).mean() > 0.3
    wave = applied(df.Wave(seed=2), pixels, select=box)
    outside = np.ones((H, W), bool)
    outside[box.slices()] = False
    np.testing.assert_array_equal(wave[outside], pixels[outside])


def test_a_small_layer_is_twirled_about_the_canvas_centre_without_dark_fringes():
    """A red square on a small layer: it turns about the canvas's centre (the layer grows to
    hold it), and its edges mix with transparency, never with black."""
    pixels = np.zeros((30, 30, 4), np.uint8)
    pixels[5:25, 5:25] = (220, 40, 30, 255)
    out = applied(df.Twirl(200), pixels, at=(W // 2, H // 2 - 15))
    seen = out[..., 3] > 0
    assert np.abs(out[seen][:, :3].astype(int) - (220, 40, 30)).max() <= 2
    # It moved: part of it now lies where the layer had no pixels.
    before = np.zeros((H, W), bool)
    before[H // 2 - 15:H // 2 + 15, W // 2:W // 2 + 30] = True
    assert (seen & ~before).sum() > 20


FG, BG = (30, 60, 200), (250, 240, 90)


def cloud_t(out: np.ndarray) -> np.ndarray:
    """Where each pixel lies on the line from FG to BG (least squares), and how far off."""
    fg, bg = np.array(FG, float), np.array(BG, float)
    d = bg - fg
    t = ((out[..., :3] - fg) @ d) / (d @ d)
    off = np.abs(out[..., :3] - (fg + t[..., None] * d)).max(axis=-1)
    return t, off


def test_clouds_are_only_colours_between_the_foreground_and_the_background():
    """On an empty layer, Clouds fill the canvas: each pixel on the line from the foreground
    to the background colour, from near one end to near the other."""
    size = (320, 240)
    transparent = np.zeros((240, 320, 4), np.uint8)
    out = applied(rf.Clouds(FG, BG, seed=5), transparent, size=size)
    np.testing.assert_array_equal(out[..., 3], 255)  # an empty layer filled
    t, off = cloud_t(out)
    assert off.max() <= 1.0 and t.min() >= -0.01 and t.max() <= 1.01
    assert np.percentile(t, 5) < 0.3 and np.percentile(t, 95) > 0.7  # a full range
    assert not np.array_equal(applied(rf.Clouds(FG, BG, seed=6), transparent, size=size), out)


def test_clouds_belong_to_the_canvas():
    """Inside a selection the clouds are those of the whole canvas there; a seed always
    gives the same clouds."""
    pixels = photo(W, H)
    whole = applied(rf.Clouds(FG, BG, seed=9), pixels)
    box = Box(33, 17, 41, 50)
    part = applied(rf.Clouds(FG, BG, seed=9), pixels, select=box)
    np.testing.assert_array_equal(part[box.slices()], whole[box.slices()])
    outside = np.ones((H, W), bool)
    outside[box.slices()] = False
    np.testing.assert_array_equal(part[outside], pixels[outside])


def test_difference_clouds_are_the_difference_of_the_clouds_and_the_layer():
    pixels = photo(W, H)
    clouds = applied(rf.Clouds(FG, BG, seed=2), np.zeros((H, W, 4), np.uint8))
    out = applied(rf.DifferenceClouds(FG, BG, seed=2), pixels)
    expected = np.abs(pixels[..., :3].astype(int) - clouds[..., :3])
    assert np.abs(out[..., :3].astype(int) - expected).max() <= 1
    np.testing.assert_array_equal(out[..., 3], pixels[..., 3])


def test_displace_moves_pixels_by_the_maps_red_and_green():
    """A map whose left half is 128 (no move) and right half 255 in red, 0 in green: at
    10 % the right half reads 12.7 px to the right and 12.8 px up (the picture there moves
    left and down); the left half stays."""
    pixels = photo(W, H)
    grey = np.full((H, W, 4), 128, np.uint8)
    grey[..., 3] = 255
    grey[:, W // 2:, 0] = 255
    grey[:, W // 2:, 1] = 0
    op = df.Displace(10, 10, "stretch", "repeat", df.DisplacementMap(grey, "map"))
    out = applied(op, pixels)
    np.testing.assert_array_equal(out[:, :W // 2 - 2], pixels[:, :W // 2 - 2])
    # x + 12.7 (to the right), y - 12.8 (up), edges repeated; bicubic between pixels.
    ys, xs = np.mgrid[0:H, 0:W].astype(float)
    expected = np.stack([ndimage.map_coordinates(
        pixels[..., c].astype(float), [np.clip(ys - 12.8, 0, H - 1), np.clip(xs + 12.7, 0, W - 1)],
        order=1) for c in range(3)], axis=-1)
    right = (slice(16, H), slice(W // 2 + 2, W - 16))
    assert np.abs(out[right][..., :3].astype(float) - expected[right]).mean() < 6
    assert np.abs(out[right][..., :3].astype(float) - pixels[right][..., :3]).mean() > 15


def test_displace_tiles_a_small_map_and_wraps_around():
    """Tile: an 8 x 8 map with one light column repeats every 8 px across the layer."""
    pixels = np.zeros((H, W, 4), np.uint8)
    pixels[..., 3] = 255
    pixels[:, :, 0] = (np.arange(W) * 2).astype(np.uint8)[None, :]
    tile = np.full((8, 8, 4), 128, np.uint8)
    tile[..., 3] = 255
    tile[:, 3, 0] = 228  # +100 levels: 10 px to the right at 10 %
    op = df.Displace(10, 0, "tile", "wrap", df.DisplacementMap(tile, "tile"))
    out = applied(op, pixels)
    moved = np.nonzero(out[10, :, 0] != pixels[10, :, 0])[0]
    np.testing.assert_array_equal(moved, np.arange(3, W, 8))
    np.testing.assert_array_equal(out[10, 3, 0], pixels[10, 13, 0])
    np.testing.assert_array_equal(out[10, W - 5, 0], pixels[10, (W - 5 + 10) % W, 0])


def test_displace_reads_a_map_from_a_file(tmp_path):
    from PIL import Image

    path = tmp_path / "map.png"
    Image.fromarray(np.full((5, 7), 200, np.uint8)).save(path)  # a grey map
    displacement = df.load_map(str(path))
    assert displacement.name == "map.png" and displacement.pixels.shape == (5, 7, 4)
    red, green = displacement.values(H, W, "stretch")
    np.testing.assert_allclose(red, 200, atol=0.01)
    np.testing.assert_allclose(green, 200, atol=0.01)
    assert df.Displace(10, 10).is_identity()  # no map chosen yet: no step


@pytest.mark.parametrize("lens", rf.LENSES)
def test_lens_flare_lights_the_picture_most_at_its_centre(lens):
    """Screen: every pixel only gets lighter; white at the flare's centre, the far corner
    hardly touched; more Brightness, more light; alpha stays."""
    pixels = photo(W, H)
    pixels[..., :3] //= 2  # (dark enough to see the light)
    pixels[:10, :10, 3] = 100
    op = rf.LensFlare(100, lens, center=(30.0, 25.0), frame=(0, 0, W, H))
    out = applied(op, pixels)
    gain = out[..., :3].astype(int) - pixels[..., :3]
    assert gain.min() >= -1
    assert (out[25, 30, :3] >= 245).all()
    assert gain[-5:, -5:].max() <= 25
    np.testing.assert_array_equal(out[..., 3], pixels[..., 3])
    brighter = applied(rf.LensFlare(250, lens, center=(30.0, 25.0), frame=(0, 0, W, H)),
                       pixels)
    assert brighter[..., :3].astype(int).sum() > out[..., :3].astype(int).sum()


def test_lens_flare_is_the_same_in_bands_and_inside_a_selection(monkeypatch):
    """Drawn for the canvas (its frame): bands of rows and a selection see the same flare."""
    pixels = photo(W, H)
    op = rf.LensFlare(150, "prime105", center=(70.0, 20.0), frame=(0, 0, W, H))
    whole = applied(op, pixels)
    box = Box(40, 10, 50, 40)
    part = applied(op, pixels, select=box)
    np.testing.assert_array_equal(part[box.slices()], whole[box.slices()])
    monkeypatch.setattr(filter_ops, "BAND_PIXELS", W * 16)
    np.testing.assert_array_equal(applied(op, pixels), whole)


def test_a_soft_selection_fades_the_distortion_in_at_its_edge():
    """A feathered ellipse selected: Twirl acts on its box; where the selection is full the
    pixels are the whole Twirl's of that box, where it is empty they stay, in between they
    lie between the two."""
    from editor.model import selection_ops

    pixels = photo(W, H)
    doc = Document(W, H)
    layer = Layer("photo", pixels.copy())
    doc.add_layer(layer)
    mask = selection_ops.feathered(selection_ops.ellipse_mask(doc, Box(20, 10, 70, 60)), 5)
    selection_ops.select_mask(doc, mask)
    coverage = selection_ops.current_mask(doc)
    box = filter_ops.prepare(doc, layer).selected
    op = df.Twirl(300)
    filter_ops.apply(doc, op, layer)
    out = layer.canvas_crop(doc.canvas).astype(int)
    full = pixels.astype(int)
    full[box.slices()] = op.process(pixels, box, box, None)
    np.testing.assert_array_equal(out[coverage == 255], full[coverage == 255])
    np.testing.assert_array_equal(out[coverage == 0], pixels[coverage == 0])
    soft = (coverage > 20) & (coverage < 235)
    low = np.minimum(full, pixels)[soft][:, :3] - 1
    high = np.maximum(full, pixels)[soft][:, :3] + 1
    assert soft.sum() > 100 and ((out[soft][:, :3] >= low) & (out[soft][:, :3] <= high)).all()


def test_difference_clouds_in_bands_are_the_same(monkeypatch):
    """Difference Clouds run in bands of rows (the worker's progress steps): the same."""
    pixels = photo(W, H)
    op = rf.DifferenceClouds(FG, BG, seed=4)
    whole = applied(op, pixels)
    monkeypatch.setattr(filter_ops, "BAND_PIXELS", W * 16)
    np.testing.assert_array_equal(applied(op, pixels), whole)
