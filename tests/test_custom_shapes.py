"""The custom shapes library (no window): the built-in shapes fill their unit box, a shape
fitted to a box has the box as its curves' bounds, a path with handles beyond its curves
is measured by the curves, the library survives a round trip through its JSON file, and
a missing or broken file gives an empty library; a path without area is refused."""
from __future__ import annotations

import numpy as np
import pytest

from editor.model import DocumentError
from editor.model import custom_shapes as cs
from editor.model.path_edit import corner_knot
from editor.model.vector_mask import Subpath, VectorMask


def test_the_built_in_shapes_fill_their_box_and_fit_any_box():
    assert len(cs.BUILTIN) >= 8
    assert len({s.name for s in cs.BUILTIN}) == len(cs.BUILTIN)
    for shape in cs.BUILTIN:
        np.testing.assert_allclose(cs.curve_bounds(shape.subpaths), (0, 0, 1, 1), atol=1e-9)
        np.testing.assert_allclose(cs.curve_bounds(shape.fitted(10, 20, 50, 30)),
                                   (10, 20, 50, 30), atol=1e-3)


def test_bounds_are_the_curves_not_their_handles():
    # One curved side whose handles stick out twice as far as the curve reaches.
    knots = np.stack([np.array([(0, 0), (0, 0), (1, -1)], float),
                      np.array([(2, -1), (3, 0), (3, 0)], float), corner_knot(3, 2)])
    x0, y0, x1, y1 = cs.curve_bounds([Subpath(knots, True, 1)])
    assert (x0, x1, y1) == (0, 3, 2)
    assert y0 == pytest.approx(-0.75, abs=1e-3)  # a cubic reaches 3/4 of its handles


def test_the_library_round_trips_and_a_broken_file_is_empty(tmp_path):
    vector = VectorMask([Subpath(np.stack([corner_knot(0, 0), corner_knot(40, 0),
                                           corner_knot(20, 20)]), True, 1)], None)
    triangle = cs.from_vector(" Triangle ", vector)
    assert triangle.name == "Triangle" and triangle.aspect == pytest.approx(2.0)
    path = str(tmp_path / "shapes" / "custom_shapes.json")
    cs.save_library(path, [triangle, cs.BUILTIN[0]])
    back = cs.load_library(path)
    assert [s.name for s in back] == ["Triangle", "Heart"]
    assert back[0].aspect == pytest.approx(2.0)
    np.testing.assert_allclose(back[0].subpaths[0].knots, triangle.subpaths[0].knots,
                               atol=1e-6)
    assert cs.load_library(str(tmp_path / "none.json")) == []
    (tmp_path / "bad.json").write_text("{not json")
    assert cs.load_library(str(tmp_path / "bad.json")) == []


def test_a_path_without_area_or_name_is_refused():
    flat = VectorMask([Subpath(np.stack([corner_knot(0, 5), corner_knot(30, 5)]), False, 1)],
                      None)
    with pytest.raises(DocumentError, match="width and height"):
        cs.from_vector("Flat", flat)
    with pytest.raises(DocumentError, match="name"):
        cs.from_vector("  ", flat)
    with pytest.raises(DocumentError, match="Choose a path"):
        cs.from_vector("Empty", VectorMask([], None))
