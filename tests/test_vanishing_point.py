"""editor.model.vanishing_point without a window: a plane's state and homography, a lifted
copy that lands on itself when not moved, and the filter keeping what lies beyond the
canvas and outside the selection."""
from __future__ import annotations

import numpy as np

from editor.model import vanishing_point as vp
from engine.box import Box

QUAD = [(80, 20), (160, 20), (230, 170), (10, 170)]


def test_a_plane_maps_its_rectangle_on_its_corners_and_knows_a_bad_one():
    plane = vp.Plane([QUAD[2], QUAD[3], QUAD[0], QUAD[1]])  # clicked from another corner
    assert plane.quad == [tuple(map(float, q)) for q in QUAD]
    w, h = plane.size()
    for q, c in zip([(0, 0), (w, 0), (w, h), (0, h)], QUAD):
        np.testing.assert_allclose(plane.canvas_point(q), c, atol=1e-6)
    assert plane.state() == "valid"
    assert vp.Plane([QUAD[0], QUAD[1], QUAD[3], QUAD[2]]).state() == "invalid"  # crossed
    assert vp.Plane([(0, 0), (100, 0), (55, 5), (45, 5)]).state() == "doubtful"  # 10x shorter
    assert vp.Plane([(0, 0), (10, 0), (10, 0), (0, 10)]).state() == "invalid"   # a corner twice


def test_a_copy_not_moved_lands_on_itself():
    rng = np.random.default_rng(1)
    picture = rng.integers(0, 256, (180, 240, 4), dtype=np.uint8)
    picture[..., 3] = 255
    plane = vp.Plane(QUAD)
    floating = vp.lift(picture, plane, (40, 60, 90, 110))
    out = vp.composite(picture, floating)
    # Bilinear at the same places: the same pixels, but for rounding.
    assert np.abs(out.astype(int) - picture).max() <= 1


def test_the_filter_keeps_what_lies_beyond_the_canvas_and_outside_the_selection():
    old = np.zeros((10, 30, 4), np.uint8)
    old[..., 3] = 255
    picture = np.full((10, 20, 4), 200, np.uint8)  # the canvas: 20 wide
    op = vp.VanishingPoint(picture, old[:, :20].copy())
    assert not op.is_identity()
    coverage = np.zeros((10, 30), np.uint8)
    coverage[:, :10] = 255
    out = op.process(old, Box(0, 0, 30, 10), Box(0, 0, 30, 10), coverage)
    assert (out[:, :10] == 200).all()
    np.testing.assert_array_equal(out[:, 10:], old[:, 10:])
    assert vp.VanishingPoint(old[:, :20].copy(), old[:, :20].copy()).is_identity()
