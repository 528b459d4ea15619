"""Custom, Trace Contour and Mezzotint (`editor.model.last_filters`) as a user sees them,
run on a layer of a document as the menu runs them: Custom with the identity grid changes
nothing, with a box of ones and Scale 25 gives the 5 x 5 box mean, Offset adds to it; Trace
Contour draws a channel's line only where the level is crossed, white elsewhere; Mezzotint
leaves every channel at pure 0 or 255, the same for a seed wherever it runs."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage

from editor.model import Document, filter_ops, last_filters as lf, more_filters as mf
from editor.model import selection_ops
from editor.model.layers import Layer
from engine.box import Box


def photo(h=48, w=64, seed=3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    base = ndimage.gaussian_filter(rng.random((h, w, 3)) * 255, (3, 3, 0))
    pixels = np.empty((h, w, 4), np.uint8)
    pixels[..., :3] = np.clip((base - base.mean()) * 4 + 128 + rng.normal(0, 20, (h, w, 3)),
                              0, 255)
    pixels[..., 3] = 255
    return pixels


def run(pixels: np.ndarray, op, selected: Box | None = None) -> np.ndarray:
    doc = Document(pixels.shape[1], pixels.shape[0])
    layer = Layer("layer", pixels.copy())
    doc.add_layer(layer)
    if selected is not None:
        selection_ops.select_mask(doc, selection_ops.rect_mask(doc, selected))
    filter_ops.apply(doc, op, layer)
    return layer.pixels.copy()


def test_the_new_filters_are_in_the_menus_registry():
    assert {k: mf.FILTERS[k] for k in ("custom", "trace_contour", "mezzotint")} == {
        "custom": lf.Custom, "trace_contour": lf.TraceContour, "mezzotint": lf.Mezzotint}


def test_custom_identity_grid_changes_nothing():
    pixels = photo()
    np.testing.assert_array_equal(run(pixels, lf.Custom()), pixels)
    # (and the work itself, not only the shortcut for the identity)
    box = Box(0, 0, pixels.shape[1], pixels.shape[0])
    np.testing.assert_array_equal(lf.Custom().process(pixels, box, box, None), pixels)


def test_custom_box_grid_is_the_box_mean_and_offset_adds():
    pixels = photo()
    v = pixels[..., :3].astype(np.float64)
    mean = np.stack([ndimage.uniform_filter(v[..., c], 5, mode="nearest") for c in range(3)],
                    -1)
    ones = tuple([1] * 25)
    out = run(pixels, lf.Custom(kernel=ones, scale=25))
    assert np.abs(out[..., :3] - mean).max() <= 0.51
    assert (out[..., :3] != pixels[..., :3]).mean() > 0.5
    shifted = run(pixels, lf.Custom(kernel=ones, scale=25, offset=40))
    np.testing.assert_array_equal(shifted[..., :3], np.clip(out[..., :3].astype(int) + 40,
                                                            0, 255))
    np.testing.assert_array_equal(shifted[..., 3], 255)


def test_custom_weights_apply_as_laid_out():
    # One weight, left of the centre: each pixel takes its left neighbour's value.
    pixels = photo()
    kernel = tuple(1 if i == 11 else 0 for i in range(25))
    out = run(pixels, lf.Custom(kernel=kernel))
    np.testing.assert_array_equal(out[:, 1:, :3], pixels[:, :-1, :3])


def step_picture() -> np.ndarray:
    """Red 50 on the left half, 200 on the right; green a smooth ramp down the rows, 0..255;
    blue 100 everywhere (never crossing 128)."""
    h, w = 40, 60
    pixels = np.zeros((h, w, 4), np.uint8)
    pixels[:, :30, 0], pixels[:, 30:, 0] = 50, 200
    pixels[..., 1] = np.linspace(0, 255, h).astype(np.uint8)[:, None]
    pixels[..., 2] = 100
    pixels[..., 3] = 255
    return pixels


@pytest.mark.parametrize("edge", ["upper", "lower"])
def test_trace_contour_draws_lines_only_where_the_level_is_crossed(edge):
    pixels = step_picture()
    out = run(pixels, lf.TraceContour(level=128, edge=edge))
    assert set(np.unique(out[..., :3])) <= {0, 255}
    # Red: one line down the column on the side of the step beyond the level.
    red_line = np.zeros(pixels.shape[:2], bool)
    red_line[:, 30 if edge == "upper" else 29] = True
    np.testing.assert_array_equal(out[..., 0] == 0, red_line)
    # Green: one line across the row where the ramp crosses 128.
    rows = np.flatnonzero((out[..., 1] == 0).any(1))
    crossing = np.flatnonzero(pixels[:, 0, 1] >= 128)[0]
    assert list(rows) == [crossing if edge == "upper" else crossing - 1]
    assert (out[rows[0], :, 1] == 0).all()
    # Blue never crosses the level: no line at all.
    assert (out[..., 2] == 255).all()
    np.testing.assert_array_equal(out[..., 3], 255)


@pytest.mark.parametrize("kind", lf.MEZZOTINT_TYPES)
def test_mezzotint_leaves_pure_channel_values(kind):
    pixels = photo(seed=5)
    out = run(pixels, lf.Mezzotint(type=kind, seed=7))
    assert set(np.unique(out[..., :3])) == {0, 255}
    np.testing.assert_array_equal(out[..., 3], 255)
    # Lighter pixels turn white more often: the picture's tones survive as density.
    light = pixels[..., :3] > 200
    dark = pixels[..., :3] < 55
    assert (out[..., :3][light] == 255).mean() > 0.7
    assert (out[..., :3][dark] == 255).mean() < 0.3


def test_mezzotint_is_seeded_and_the_same_wherever_it_runs():
    pixels = photo(seed=5)
    op = lf.Mezzotint(type="medium_lines", seed=11)
    whole = run(pixels, op)
    np.testing.assert_array_equal(run(pixels, op), whole)
    assert (run(pixels, lf.Mezzotint(type="medium_lines", seed=12)) != whole).any()
    selected = Box(10, 8, 30, 20)
    part = run(pixels, op, selected)
    np.testing.assert_array_equal(part[selected.slices()], whole[selected.slices()])
    outside = np.ones(pixels.shape[:2], bool)
    outside[selected.slices()] = False
    np.testing.assert_array_equal(part[outside], pixels[outside])
    # A mid grey: about half of each channel's pixels white.
    grey = np.full((64, 64, 4), 128, np.uint8)
    grey[..., 3] = 255
    assert 0.4 < (run(grey, op)[..., :3] == 255).mean() < 0.6


def flat(colour, h=60, w=90) -> np.ndarray:
    pixels = np.empty((h, w, 4), np.uint8)
    pixels[..., :3] = colour
    pixels[..., 3] = 255
    return pixels


def test_extrude_pyramids_shade_a_flat_colour_in_four_faces():
    colour = np.float64([200, 120, 60])
    out = run(flat(colour), lf.Extrude(type="pyramids", size=30, depth=40))
    shades = {tuple(np.rint(colour * s).astype(int)) for s in lf.FACE_SHADES}
    seen = {tuple(int(v) for v in p) for p in out[..., :3].reshape(-1, 3)}
    assert seen == shades  # every face drawn, nothing but the four shades
    np.testing.assert_array_equal(out[..., 3], 255)


def test_extrude_blocks_stand_out_and_mask_incomplete_blocks_keeps_cut_cells():
    pixels = photo(h=50, w=70)
    op = lf.Extrude(size=20, depth=80, depth_from="level", solid=True, mask_incomplete=True)
    out = run(pixels, op)
    np.testing.assert_array_equal(run(pixels, op), out)  # no randomness left to chance
    # The cells cut by the edges (x >= 60, y >= 40) are as they were...
    np.testing.assert_array_equal(out[40:], pixels[40:])
    np.testing.assert_array_equal(out[:, 60:], pixels[:, 60:])
    # ...the whole ones are blocks: solid fronts of their cells' mean colours and shaded
    # sides, so far fewer colours than the photo's.
    inside = out[:40, :60, :3].reshape(-1, 3)
    assert (inside != pixels[:40, :60, :3].reshape(-1, 3)).any(1).mean() > 0.9
    assert len({tuple(p) for p in inside}) <= 6 * 5
    # Without the mask the cut cells are blocks too.
    whole = run(pixels, lf.Extrude(size=20, depth=80, depth_from="level", solid=True))
    assert (whole[40:] != pixels[40:]).any()
