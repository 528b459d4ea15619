"""Path geometry for the Pen and Direct Selection tools (editor.model.path_edit), the
vector mask operations they use (mask_ops.add_path, reshape_vector_mask,
add_vector_mask), and drawn or reshaped paths through a PSD save: read back by our
reader and by psd-tools' own, knots equal within PSD's fixed-point precision."""
from __future__ import annotations

import numpy as np
import pytest

from editor.model import Document, Layer, mask_ops, path_edit
from editor.model.errors import DocumentError
from editor.model.files import open_document, save_document
from editor.model.path_edit import ANCHOR, LEAVING, PRECEDING, Hit
from editor.model.render import composite_document
from editor.model.vector_mask import Subpath, VectorMask
from engine.box import Box
from psd_samples import swatch

from test_psd_vector_masks import knots as psd_knots, psd_tools_composite, vector_mask_psd

W, H = 64, 48


def square(x0, y0, x1, y1) -> np.ndarray:
    return np.array([path_edit.corner_knot(x, y)
                     for x, y in ((x0, y0), (x1, y0), (x1, y1), (x0, y1))])


def test_knots_from_clicks_and_drags():
    np.testing.assert_array_equal(path_edit.corner_knot(3, 4), [[3, 4]] * 3)
    knot = path_edit.smooth_knot(10, 10, 14, 13)
    np.testing.assert_array_equal(knot, [[6, 7], [10, 10], [14, 13]])
    assert path_edit.is_smooth(knot)
    assert not path_edit.is_smooth(path_edit.corner_knot(3, 4))
    bent = knot.copy()
    bent[PRECEDING] = (10, 5)
    assert not path_edit.is_smooth(bent)


def test_hit_test_finds_the_nearest_anchor_and_the_selected_anchors_handles():
    a = square(10, 10, 30, 30)
    b = np.array([path_edit.smooth_knot(50, 20, 56, 20), path_edit.corner_knot(50, 40)])
    knots = [a, b]
    assert path_edit.hit_test(knots, 11, 12, 3) == Hit(0, 0, ANCHOR)
    assert path_edit.hit_test(knots, 31, 29, 3) == Hit(0, 2, ANCHOR)
    assert path_edit.hit_test(knots, 49, 39, 3) == Hit(1, 1, ANCHOR)
    assert path_edit.hit_test(knots, 20, 20, 3) is None
    # A handle counts only on the selected anchor.
    assert path_edit.hit_test(knots, 56, 21, 3) is None
    assert path_edit.hit_test(knots, 56, 21, 3, selected=(1, 0)) == Hit(1, 0, LEAVING)
    assert path_edit.hit_test(knots, 44, 20, 3, selected=(1, 0)) == Hit(1, 0, PRECEDING)
    # A corner's handles lie on its anchor: the anchor is what is grabbed.
    assert path_edit.hit_test(knots, 10, 10, 3, selected=(0, 0)) == Hit(0, 0, ANCHOR)


def test_moving_anchors_and_handles():
    knots = np.array([path_edit.smooth_knot(20, 20, 30, 20), path_edit.corner_knot(40, 40)])
    moved = path_edit.moved_anchor(knots, 0, 5, -2)
    np.testing.assert_array_equal(moved[0], [[15, 18], [25, 18], [35, 18]])
    np.testing.assert_array_equal(moved[1], knots[1])
    np.testing.assert_array_equal(knots[0], [[10, 20], [20, 20], [30, 20]])  # not in place
    # A smooth anchor's other handle turns opposite, keeping its length (10).
    turned = path_edit.moved_handle(knots, 0, LEAVING, 20, 40)
    np.testing.assert_allclose(turned[0], [[20, 10], [20, 20], [20, 40]])
    assert path_edit.is_smooth(turned[0])
    # A corner's other handle stays.
    corner = np.array([[[10, 0], [20, 20], [30, 20]]], float)
    bent = path_edit.moved_handle(corner, 0, LEAVING, 25, 30)
    np.testing.assert_array_equal(bent[0], [[10, 0], [20, 20], [25, 30]])
    # Without keep_smooth (Alt) a smooth anchor's other handle stays: it becomes a corner.
    broken = path_edit.moved_handle(knots, 0, LEAVING, 20, 40, keep_smooth=False)
    np.testing.assert_array_equal(broken[0], [[10, 20], [20, 20], [20, 40]])


def test_shift_constrains_to_45_degrees():
    assert path_edit.constrained(10, 10, 31, 12) == pytest.approx((31, 10))
    assert path_edit.constrained(10, 10, 30, 29) == pytest.approx((29.5, 29.5))
    assert path_edit.constrained(10, 10, 9, -20) == pytest.approx((10, -20))


def test_removing_anchors_drops_a_subpath_left_with_one():
    subs = [Subpath(square(0, 0, 10, 10), True, 1),
            Subpath(square(20, 20, 30, 30)[:2], True, 2),
            Subpath(square(40, 40, 50, 50), True, -1)]
    out = path_edit.without_anchor(subs, 0, 1)
    assert len(out[0].knots) == 3 and len(subs[0].knots) == 4
    np.testing.assert_array_equal(out[0].knots[1], path_edit.corner_knot(10, 10))
    out = path_edit.without_anchor(subs, 1, 0)
    assert len(out) == 2
    # The subpath that was part of the removed one's component takes its operation.
    assert out[1].operation == 2


def curvy() -> np.ndarray:
    """A closed subpath of smooth and corner anchors (curves on every side)."""
    return np.array([path_edit.smooth_knot(10, 10, 22, 4), path_edit.corner_knot(50, 12),
                     path_edit.smooth_knot(46, 40, 36, 48), path_edit.smooth_knot(14, 36, 8, 30)])


def sampled(knots: np.ndarray, closed: bool, per_segment: int = 50) -> list[np.ndarray]:
    """Points along each segment of a subpath."""
    t = np.linspace(0, 1, per_segment)
    return [path_edit.bezier_points(path_edit.segment_controls(knots, i), t)
            for i in range(path_edit.segment_count(knots, closed))]


@pytest.mark.parametrize("index, t", [(0, 0.3), (2, 0.5), (3, 0.8)])
def test_adding_an_anchor_splits_the_curve_exactly(index, t):
    """de Casteljau: the two new cubics are the old one, before and after `t`; the other
    segments do not move; the new anchor is smooth."""
    knots = curvy()
    split = path_edit.split_segment(knots, index, t)
    assert len(split) == 5 and len(knots) == 4
    before, after = sampled(knots, True), sampled(split, True)
    s = np.linspace(0, 1, 50)
    old = path_edit.segment_controls(knots, index)
    first = path_edit.bezier_points(old, t * s)
    second = path_edit.bezier_points(old, t + (1 - t) * s)
    np.testing.assert_allclose(after[index], first, atol=1e-9)
    np.testing.assert_allclose(after[index + 1], second, atol=1e-9)
    others = [i for i in range(4) if i != index]
    for i in others:  # segment i is segment i (before the split) or i + 1 (after it)
        np.testing.assert_allclose(after[i if i < index else i + 1], before[i], atol=1e-12)
    np.testing.assert_allclose(split[index + 1, ANCHOR], path_edit.bezier_points(old, t)[0])
    assert path_edit.is_smooth(split[index + 1])
    # Filled, the two paths cover the same pixels (a few edge pixels differ by 2 or 3 of
    # 255: Qt anti-aliases the two polylines standing in for the curves a little apart).
    canvas = Box(0, 0, W, H)
    a = VectorMask([Subpath(knots, True, 1)], canvas).raster().coverage(canvas)
    b = VectorMask([Subpath(split, True, 1)], canvas).raster().coverage(canvas)
    assert a.max() == 255 and np.abs(a.astype(int) - b.astype(int)).max() <= 3


def test_a_segment_is_found_under_the_pointer_with_its_parameter():
    knots = curvy()
    subs = [Subpath(square(52, 30, 60, 44), False, 1), Subpath(knots, True, 1)]
    controls = path_edit.segment_controls(knots, 3)  # the closing one, last to first
    x, y = path_edit.bezier_points(controls, 0.37)[0]
    hit = path_edit.segment_hit(subs, x + 0.6, y, 1.0)
    assert (hit.subpath, hit.index) == (1, 3)
    point = path_edit.bezier_points(controls, hit.t)[0]
    assert np.hypot(point[0] - x - 0.6, point[1] - y) <= 0.6 + 1e-9
    assert abs(hit.t - 0.37) < 0.05
    exact = path_edit.segment_hit(subs, x, y, 1.0)
    assert abs(exact.t - 0.37) < 1e-6
    tangent = path_edit.bezier_points(controls, 0.371)[0] - (x, y)
    normal = np.array([-tangent[1], tangent[0]]) / np.hypot(*tangent)
    assert path_edit.segment_hit(subs, *((x, y) + 0.9 * normal), 1.0) is not None
    assert path_edit.segment_hit(subs, *((x, y) + 1.5 * normal), 1.0) is None
    # An open subpath has no segment from its last anchor back to the first.
    assert path_edit.segment_hit(subs, 56, 37, 1.0) is None
    assert path_edit.segment_hit(subs, 60, 37, 1.0) == path_edit.SegmentHit(0, 1, 0.5)
    # Splitting the closing segment adds the anchor at the end.
    split = path_edit.split_segment(knots, 3, exact.t)
    np.testing.assert_allclose(split[4, ANCHOR], (x, y), atol=1e-6)
    np.testing.assert_array_equal(split[1:3], knots[1:3])
    np.testing.assert_array_equal(split[0, 1:], knots[0, 1:])  # its preceding handle shortens


def test_converting_anchors_to_corners_and_smooth_points():
    knots = curvy()
    assert path_edit.has_handles(knots[0]) and not path_edit.has_handles(knots[1])
    corner = path_edit.retracted(knots, 0)
    np.testing.assert_array_equal(corner[0], [[10, 10]] * 3)
    np.testing.assert_array_equal(corner[1:], knots[1:])
    assert not path_edit.has_handles(corner[0]) and path_edit.has_handles(knots[0])
    smooth = path_edit.pulled(knots, 1, 58, 20)
    np.testing.assert_array_equal(smooth[1], [[42, 4], [50, 12], [58, 20]])
    assert path_edit.is_smooth(smooth[1])
    np.testing.assert_array_equal(knots[1], [[50, 12]] * 3)  # not in place


def test_deleting_an_anchor_joins_its_neighbours_over_the_gap():
    knots = curvy()
    subs = path_edit.without_anchor([Subpath(knots, True, 1)], 0, 2)
    out = subs[0].knots
    assert subs[0].closed and len(out) == 3
    # The segment that replaces the two beside the anchor runs from its neighbour's
    # leaving handle to the next one's preceding handle, as they were.
    np.testing.assert_array_equal(path_edit.segment_controls(out, 1),
                                  [knots[1, 1], knots[1, 2], knots[3, 0], knots[3, 1]])


def layered_doc() -> tuple[Document, Layer]:
    doc = Document(W, H)
    doc.add_layer(Layer("paper", swatch(H, W, (200, 200, 200))))
    blue = Layer("blue", swatch(H, W, (0, 90, 250)))
    doc.add_layer(blue)
    return doc, blue


def test_add_path_makes_a_vector_mask_then_combines_and_each_is_one_step():
    doc, blue = layered_doc()
    steps = doc.history.count
    mask_ops.add_path(doc, blue, square(8, 8, 24, 24), closed=True)
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "New Vector Mask"
    shown = composite_document(doc)
    assert tuple(shown[16, 16, :3]) == (0, 90, 250) and tuple(shown[30, 40, :3]) == (200,) * 3
    mask_ops.add_path(doc, blue, square(32, 20, 56, 40)[[0, 1, 2]], closed=False)
    assert doc.history.count == steps + 2 and doc.history.undo_name() == "Add Path"
    assert [s.operation for s in blue.vector_mask.subpaths] == [1, 1]
    shown = composite_document(doc)
    # Both shapes show; the open one filled as if closed (its triangle).
    assert tuple(shown[16, 16, :3]) == (0, 90, 250) and tuple(shown[24, 52, :3]) == (0, 90, 250)
    assert tuple(shown[36, 36, :3]) == (200,) * 3
    doc.history.undo()
    assert len(blue.vector_mask.subpaths) == 1
    doc.history.undo()
    assert blue.vector_mask is None
    with pytest.raises(DocumentError):
        mask_ops.add_path(doc, blue, square(8, 8, 24, 24)[:1], closed=True)
    blue.locked = True
    with pytest.raises(DocumentError):
        mask_ops.add_path(doc, blue, square(8, 8, 24, 24), closed=True)


def test_reveal_all_and_hide_all_vector_masks(tmp_path):
    from psd_tools import PSDImage

    doc, blue = layered_doc()
    mask_ops.add_vector_mask(doc, blue, "hide_all")
    assert tuple(composite_document(doc)[5, 5, :3]) == (200,) * 3
    with pytest.raises(DocumentError):
        mask_ops.add_vector_mask(doc, blue, "reveal_all")
    doc.history.undo()
    mask_ops.add_vector_mask(doc, blue, "reveal_all")
    assert tuple(composite_document(doc)[5, 5, :3]) == (0, 90, 250)
    saved = str(tmp_path / "reveal.psd")
    save_document(doc, saved)
    layer = {item.name: item for item in PSDImage.open(saved)}["blue"]
    assert layer.has_vector_mask() and layer.vector_mask.initial_fill_rule == 1
    assert list(open_document(saved).layers())[1].vector_mask.initial_fill == 1


def test_deleting_the_last_anchors_leaves_a_path_that_shows_the_layer(tmp_path):
    from psd_tools import PSDImage

    doc, blue = layered_doc()
    mask_ops.add_path(doc, blue, square(8, 8, 24, 24)[:2], closed=True)
    vector = blue.vector_mask
    emptied = vector.with_subpaths(path_edit.without_anchor(vector.subpaths, 0, 0))
    mask_ops.reshape_vector_mask(doc, blue, emptied, "Delete Anchor Point")
    assert blue.vector_mask is not None and not blue.vector_mask.subpaths
    assert tuple(composite_document(doc)[40, 60, :3]) == (0, 90, 250)
    # Saved so: psd-tools reads an empty path over all pixels and draws the layer.
    saved = str(tmp_path / "empty.psd")
    save_document(doc, saved)
    layer = {item.name: item for item in PSDImage.open(saved)}["blue"]
    assert layer.vector_mask.paths == [] and layer.vector_mask.initial_fill_rule == 1
    assert tuple(psd_tools_composite(saved)[40, 60, :3]) == (0, 90, 250)
    doc.history.undo()
    assert blue.vector_mask is vector


def close_to_psd_grid(a: np.ndarray, b: np.ndarray) -> None:
    """Equal within PSD's 8.24 fixed point (in fractions of the document), in pixels."""
    np.testing.assert_allclose(a, b, atol=max(W, H) * 2.0 ** -23)


def test_a_drawn_then_reshaped_path_round_trips_through_psd(tmp_path):
    from psd_tools import PSDImage

    doc, blue = layered_doc()
    drawn = np.array([path_edit.corner_knot(10.25, 8.5),
                      path_edit.smooth_knot(40.75, 12, 48, 20.125),
                      path_edit.corner_knot(20, 40)])
    mask_ops.add_path(doc, blue, drawn, closed=True)
    # Reshape: move an anchor, turn a smooth anchor's handle, add an open subpath.
    subs = path_edit.current_subpaths(blue.vector_mask)
    knots = path_edit.moved_anchor(subs[0].knots, 0, 3, 2)
    knots = path_edit.moved_handle(knots, 1, PRECEDING, 36, 4)
    subs = path_edit.replaced(subs, 0, knots)
    mask_ops.reshape_vector_mask(doc, blue, blue.vector_mask.with_subpaths(subs), "Move")
    mask_ops.add_path(doc, blue, square(50, 30, 60, 44)[:3], closed=False)
    expected = [s.knots for s in path_edit.current_subpaths(blue.vector_mask)]
    before = composite_document(doc).astype(np.int32)
    saved = str(tmp_path / "drawn.psd")
    save_document(doc, saved)
    # Our reader: the same knots, kinds and drawing.
    again = open_document(saved)
    vector = list(again.layers())[1].vector_mask
    assert [(s.closed, s.operation) for s in vector.subpaths] == [(True, 1), (False, 1)]
    for ours, theirs in zip(expected, vector.moved_knots()):
        close_to_psd_grid(theirs, ours)
    assert np.abs(composite_document(again).astype(np.int32) - before).max() <= 1
    # psd-tools: the same knots ((y, x) fractions), its linked flag where the anchor is
    # smooth, and the same drawing.
    layer = {item.name: item for item in PSDImage.open(saved)}["blue"]
    paths = layer.vector_mask.paths
    assert [p.operation for p in paths] == [1, 1] and [p.is_closed() for p in paths] == [True, False]
    for sub, ours in zip(paths, expected):
        theirs = np.array([[p[::-1] for p in (k.preceding, k.anchor, k.leaving)] for k in sub])
        close_to_psd_grid(theirs * (W, H), ours)
    assert [type(k).__name__ for k in paths[0]] == ["ClosedKnotUnlinked", "ClosedKnotLinked",
                                                    "ClosedKnotUnlinked"]
    assert np.abs(psd_tools_composite(saved) - before).max() <= 3


def test_a_psd_path_gets_anchors_removed_and_a_subpath_added(tmp_path):
    """A path read from a file, reshaped in its structure: its other records (fill rule)
    are kept and the subpath records rewritten."""
    from psd_tools import PSDImage

    source, saved = str(tmp_path / "vector.psd"), str(tmp_path / "saved.psd")
    vector_mask_psd(source)
    doc = open_document(source)
    disc = next(n for n in doc.layers() if n.name == "Disc")
    vector = disc.vector_mask
    fewer = vector.with_subpaths(path_edit.without_anchor(path_edit.current_subpaths(vector),
                                                          1, 3))  # the hole: a triangle
    mask_ops.reshape_vector_mask(doc, disc, fewer, "Delete Anchor Point")
    mask_ops.add_path(doc, disc, square(2, 2, 10, 10), closed=True)
    before = composite_document(doc).astype(np.int32)
    save_document(doc, saved)
    layer = {item.name: item for item in PSDImage.open(saved)}["Disc"]
    assert [len(p) for p in layer.vector_mask.paths] == [4, 3, 4]
    assert [p.operation for p in layer.vector_mask.paths] == [1, 2, 1]
    anchors = psd_knots(layer.vector_mask.paths)
    assert abs(anchors[2][0][1] * W - 2) < 1e-5 and abs(anchors[2][0][0] * H - 2) < 1e-5
    assert np.abs(psd_tools_composite(saved) - before).max() <= 3
    assert np.abs(composite_document(open_document(saved)).astype(np.int32) - before).max() <= 1
