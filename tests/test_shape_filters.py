"""Shear, Smart Blur, Shape Blur and Fibers (`editor.model.shape_filters`) run on a layer as
the menu runs them: Shear moves each row by its curve (wrapping or repeating the edge),
Smart Blur smooths what differs by less than its threshold and keeps the edges above it,
Shape Blur is the mean over its shape, Fibers are vertical streaks in the two colours, the
same for a seed; each gives the same in bands of rows as whole, and through the `filter`
command line and a smart object as through the menu."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from scipy import ndimage

from editor.model import Document, filter_ops, more_filters as mf, selection_ops
from editor.model import shape_filters as sf, smart_object
from editor.model.layers import Layer
from engine.box import Box

from test_cli_filter import _run
from test_filters import assert_bands_do_not_show, noise_image


def run(pixels: np.ndarray, op, selected: Box | None = None) -> np.ndarray:
    doc = Document(pixels.shape[1], pixels.shape[0])
    layer = Layer("layer", pixels.copy())
    doc.add_layer(layer)
    if selected is not None:
        selection_ops.select_mask(doc, selection_ops.rect_mask(doc, selected))
    filter_ops.apply(doc, op, layer)
    assert doc.history.undo_name() == op.label  # one step, named after the filter
    return layer.pixels.copy()


def test_the_filters_are_in_the_menus_registry():
    assert {k: mf.FILTERS[k] for k in ("shear", "smart_blur", "shape_blur", "fibers")} == {
        "shear": sf.Shear, "smart_blur": sf.SmartBlur, "shape_blur": sf.ShapeBlur,
        "fibers": sf.Fibers}


# -- Shear ----------------------------------------------------------------------------------

def test_shear_straight_line_moved_shifts_every_row_wrapping_around():
    pixels = noise_image(40, 64, 1)
    out = run(pixels, sf.Shear(points=((0.0, 0.25), (1.0, 0.25))))  # a quarter: 16 px right
    np.testing.assert_array_equal(out[:, 16:], pixels[:, :-16])
    np.testing.assert_array_equal(out[:, :16], pixels[:, -16:])  # what went out comes in
    left = run(pixels, sf.Shear(points=((0.0, -0.25), (1.0, -0.25)), undefined="repeat"))
    np.testing.assert_array_equal(left[:, :-16], pixels[:, 16:])
    np.testing.assert_array_equal(left[:, -16:], np.repeat(pixels[:, -1:], 16, 1))


def test_shear_rows_follow_the_curve_through_its_points():
    # A bar down column 32: after Shear it lies where the curve puts each row.
    pixels = np.zeros((100, 80, 4), np.uint8)
    pixels[..., 3] = 255
    pixels[:, 32, :3] = 255
    op = sf.Shear(points=((0.0, 0.0), (0.5, 0.2), (1.0, 0.0)))
    out = run(pixels, op)
    where = out[..., 0].astype(float)
    centre = (where * np.arange(80)).sum(1) / where.sum(1)  # the bar's column per row
    expected = 32 + op.shifts(100, 80)
    assert np.abs(centre - expected).max() < 0.3
    assert abs(centre[49] - (32 + 16)) < 0.6 and abs(centre[0] - 32) < 0.6  # through the points
    assert np.all(np.diff(centre[:50]) > 0) and np.all(np.diff(centre[51:]) < 0)  # smooth bend
    assert sf.Shear().is_identity()


def test_spline_passes_through_its_points_and_is_flat_beyond():
    points = ((0.1, 0.0), (0.4, 0.3), (0.7, -0.2), (0.9, 0.1))
    t = np.array([p[0] for p in points])
    np.testing.assert_allclose(sf.spline(points, t), [p[1] for p in points], atol=1e-12)
    assert sf.spline(points, np.array([0.0]))[0] == 0.0 and sf.spline(points, [1.0])[0] == 0.1


# -- Smart Blur -----------------------------------------------------------------------------

def step_with_noise(seed=2, right=190) -> np.ndarray:
    """Left 70, right 190 (a step of 120 levels), with +-6 levels of noise."""
    rng = np.random.default_rng(seed)
    pixels = np.empty((40, 60, 4), np.uint8)
    base = np.where(np.arange(60) < 30, 70, right)[None, :, None]
    pixels[..., :3] = np.clip(base + rng.integers(-6, 7, (40, 60, 3)), 0, 255)
    pixels[..., 3] = 255
    return pixels


@pytest.mark.parametrize("quality", sf.SMART_QUALITY)
def test_smart_blur_smooths_below_the_threshold_and_keeps_edges_above(quality):
    pixels = step_with_noise()
    out = run(pixels, sf.SmartBlur(radius=3, threshold=30, quality=quality)).astype(int)
    # The noise (12 levels at most) is smoothed...
    assert out[:, 2:28, :3].std() < pixels[:, 2:28, :3].std() * 0.5
    # ...the step (120 levels) stays a step: no pixel takes the other side's colour.
    assert out[:, :30, :3].max() < 100 and out[:, 30:, :3].min() > 160
    # A Gaussian Blur of the same radius would have smeared it.
    from editor.model.pixel_filters import GaussianBlur
    blurred = run(pixels, GaussianBlur(3)).astype(int)
    assert blurred[:, 29, :3].mean() > 100
    # A step of 20 levels, below the threshold: the two sides mix.
    gentle = step_with_noise(right=90)
    mixed = run(gentle, sf.SmartBlur(radius=3, threshold=30, quality=quality)).astype(int)
    assert 74 < mixed[:, 29, :3].mean() < 86


def test_smart_blur_levels_blurred_on_their_rows_only_give_the_whole_planes_sums(monkeypatch):
    pixels = noise_image(90, 70, 9)
    pixels[:30, :, :3] //= 3  # dark rows: the dark levels' pixels lie in them only
    op = sf.SmartBlur(2.5, 15, "high")
    trimmed = run(pixels, op)
    monkeypatch.setattr(sf, "RADIUS_EXACT", 0.0)  # every level blurred on the whole crop
    np.testing.assert_array_equal(run(pixels, op), trimmed)


def test_smart_blur_edge_modes_draw_white_edges():
    pixels = step_with_noise()
    edge = run(pixels, sf.SmartBlur(radius=3, threshold=30, mode="edge"))
    white = (edge[..., :3] == 255).all(-1)
    assert white[:, 29].all() and white.sum() == 40  # one line down the step, black elsewhere
    assert (edge[~white][:, :3] == 0).all()
    overlay = run(pixels, sf.SmartBlur(radius=3, threshold=30, mode="overlay"))
    normal = run(pixels, sf.SmartBlur(radius=3, threshold=30))
    np.testing.assert_array_equal(overlay[white], np.uint8([255, 255, 255, 255])[None].repeat(40, 0))
    np.testing.assert_array_equal(overlay[~white], normal[~white])


# -- Shape Blur -----------------------------------------------------------------------------

@pytest.mark.parametrize("shape", sf.SHAPES)
def test_shape_blur_is_the_mean_over_its_shape(shape):
    pixels = noise_image(50, 60, 4)
    op = sf.ShapeBlur(radius=5, shape=shape)
    out = run(pixels, op).astype(float)
    k = sf.shape_kernel(shape, 5).astype(float)
    expected = np.stack([ndimage.convolve(pixels[..., c].astype(float), k / k.sum(),
                                           mode="nearest") for c in range(3)], -1)
    assert np.abs(out[..., :3] - expected).max() <= 0.5 + 1e-9
    assert (out[..., 3] == 255).all()


def test_shape_blur_shapes_differ_and_a_point_of_light_takes_the_shape():
    dot = np.zeros((41, 41, 4), np.uint8)
    dot[..., 3] = 255
    dot[20, 20, :3] = 255
    seen = {}
    for shape in sf.SHAPES:
        out = run(dot, sf.ShapeBlur(radius=8, shape=shape))
        lit = out[..., 0] > 0
        np.testing.assert_array_equal(lit[12:29, 12:29], sf.shape_kernel(shape, 8))  # upright
        seen[shape] = lit.tobytes()
    assert len(set(seen.values())) == len(sf.SHAPES)
    ring = sf.shape_kernel("ring", 10)
    assert not ring[10, 10] and ring[10, 0]  # a hole in the middle


def test_shape_blur_spreads_onto_transparent_pixels_without_dark_fringes():
    pixels = np.zeros((30, 30, 4), np.uint8)
    pixels[10:20, 10:20] = (200, 40, 30, 255)
    out = run(pixels, sf.ShapeBlur(radius=5))
    faint = (out[..., 3] > 0) & (out[..., 3] < 255)
    assert faint.any()
    assert (out[faint][:, :3] == (200, 40, 30)).all()  # premultiplied: the colour stays


# -- Fibers ---------------------------------------------------------------------------------

def test_fibers_are_vertical_streaks_of_the_two_colours_same_for_a_seed():
    pixels = np.zeros((120, 90, 4), np.uint8)  # an empty layer: Fibers paints it
    fg, bg = (200, 30, 10), (20, 40, 220)
    op = sf.Fibers(variance=16, strength=4, seed=5, foreground=fg, background=bg)
    out = run(pixels, op)
    assert (out[..., 3] == 255).all()
    t = (out[..., 0].astype(float) - fg[0]) / (bg[0] - fg[0])
    # On the line between the two colours, and both ends reached.
    line = np.asarray(fg) + t[..., None] * (np.asarray(bg) - np.asarray(fg))
    assert np.abs(out[..., :3] - line).max() <= 1.5
    assert t.min() < 0.1 and t.max() > 0.9
    # Fibres run down the rows: neighbours below are far more alike than those beside.
    assert np.abs(np.diff(t, axis=0)).mean() < 0.35 * np.abs(np.diff(t, axis=1)).mean()
    np.testing.assert_array_equal(run(pixels, op), out)
    other = run(pixels, sf.Fibers(variance=16, strength=4, seed=6, foreground=fg,
                                  background=bg))
    assert (other != out).mean() > 0.5
    # Variance: low gives longer streaks (fewer changes down a column).
    calm = sf.Fibers(variance=1, seed=5).pattern(Box(0, 0, 90, 120))
    busy = sf.Fibers(variance=64, seed=5).pattern(Box(0, 0, 90, 120))
    assert np.abs(np.diff(calm, axis=0)).mean() < 0.5 * np.abs(np.diff(busy, axis=0)).mean()
    # A selection sees the fibres the whole layer would.
    part = run(pixels, op, Box(10, 20, 40, 30))
    np.testing.assert_array_equal(part[20:50, 10:50], out[20:50, 10:50])
    assert (part[:20] == 0).all()


# -- all of them ----------------------------------------------------------------------------

@pytest.mark.parametrize("op", [sf.SmartBlur(2, 20, "medium"), sf.SmartBlur(2, 20, mode="overlay"),
                                sf.ShapeBlur(5, "star"), sf.Fibers(30, 20, 3)], ids=repr)
def test_bands_do_not_show(monkeypatch, op):
    assert_bands_do_not_show(monkeypatch, op, 400, 80, 410)


def test_a_smart_object_takes_them_as_smart_filters():
    pixels = noise_image(30, 40, 7)
    doc = Document(40, 30)
    layer = Layer("layer", pixels.copy())
    doc.add_layer(layer)
    smart = smart_object.convert(doc, layer)
    op = sf.ShapeBlur(6, "heart")
    filter_ops.apply(doc, op, smart)
    assert [f.op for f in smart.filters] == [op]
    np.testing.assert_array_equal(smart.pixels, run(pixels, op))
    # Saved with the document (our XMP entry, as JSON) and read back: the same filters.
    import json

    from editor.model import smart_filters
    from editor.model.video_filters import DeInterlace

    ops = (sf.Shear(((0.0, 0.1), (0.5, -0.3), (1.0, 0.0)), "repeat"), op,
           sf.Fibers(9, 33, 4, (1, 2, 3), (200, 100, 50)), sf.SmartBlur(2.5, 12.0, "high", "edge"),
           DeInterlace("even", "duplication"))
    entry = json.loads(json.dumps(smart_filters.as_entry(
        [smart_filters.SmartFilter(o) for o in ops])))
    assert [f.op for f in smart_filters.from_entry(entry)] == list(ops)


def test_the_filter_command_line_runs_them(tmp_path):
    pixels = noise_image(40, 60, 8)
    src, out = tmp_path / "in.png", tmp_path / "out.png"
    Image.fromarray(pixels).save(src)
    done = _run(str(src), "-o", str(out), "--shear", "0:0.25,1:0.25,repeat",
                "--smart-blur", "2,20,high", "--shape-blur", "5,ring")
    assert done.returncode == 0, done.stderr
    assert "Shear, Smart Blur, Shape Blur" in done.stdout
    expected = pixels
    for op in (sf.Shear(((0.0, 0.25), (1.0, 0.25)), "repeat"), sf.SmartBlur(2, 20, "high"),
               sf.ShapeBlur(5, "ring")):
        expected = run(expected, op)
    np.testing.assert_array_equal(np.asarray(Image.open(out).convert("RGBA")), expected)
    for wrong in ("0.5", "0:0.2,1:0,wrap,repeat", "0:0.9,1:0"):
        bad = _run(str(src), "-o", str(out), "--shear", wrong)
        assert bad.returncode == 2 and bad.stderr.strip().count("\n") == 0, bad.stderr
        assert "--shear" in bad.stderr
