"""The document's paths (editor.model.paths, Photoshop's Paths panel) without widgets: the
Work Path drawn and replaced, New / Save / Duplicate / Rename / Delete Path, each one
undo step that undo and redo take back and forth (with the chosen path); a selection
traced into a Work Path and loaded back as the same selection (a rectangle exactly, a
ring with its hole, a soft edge at half); Fill and Stroke Path on a layer; Layer > Vector
Mask > Current Path; the image operations move the paths; the autosave copy keeps them."""
from __future__ import annotations

import numpy as np
import pytest

from editor.model import Document, Layer, image_ops, path_edit, paths
from editor.model.errors import DocumentError
from editor.model.render import composite_document
from editor.model.selection_ops import current_mask, ellipse_mask, select_mask
from editor.model.vector_mask import VectorMask
from engine.box import Box

W, H = 96, 64
GREY = (128, 128, 128, 255)


@pytest.fixture
def doc():
    d = Document(W, H)
    d.add_image(np.dstack([np.full((H, W, 3), 128, np.uint8), np.full((H, W), 255, np.uint8)]),
                "Background", 0, 0)
    return d


def square(x0, y0, x1, y1) -> np.ndarray:
    return path_edit.rectangle_knots(x0, y0, x1, y1)


def anchors(path) -> list[list[tuple[float, float]]]:
    return [[tuple(a) for a in k[:, 1]] for k in path.vector.moved_knots()]


def test_the_pen_draws_a_work_path_that_a_new_one_replaces(doc):
    steps = doc.history.count
    work = paths.add_subpath(doc, square(10, 10, 40, 30), True)
    assert doc.history.undo_name() == "New Work Path" and doc.history.count == steps + 1
    assert doc.paths == (work,) and work.work and work.name == "Work Path"
    assert doc.path_target == work.uid  # drawn: chosen
    # Chosen, the next subpath joins it.
    more = paths.add_subpath(doc, square(50, 10, 60, 20), False)
    assert doc.history.undo_name() == "Add Path" and more.uid == work.uid
    assert [s.closed for s in doc.paths[0].vector.subpaths] == [True, False]
    # None chosen: a new Work Path replaces the unsaved one (Photoshop's), in one step.
    doc.set_path_target(None)
    again = paths.add_subpath(doc, square(5, 5, 15, 15), True)
    assert doc.paths == (again,) and len(again.vector.subpaths) == 1
    doc.history.undo()
    assert doc.paths[0].uid == work.uid and len(doc.paths[0].vector.subpaths) == 2
    assert doc.path_target is None  # as it was before the step
    doc.history.undo()
    doc.history.undo()
    assert doc.paths == () and doc.path_target is None and doc.history.index == steps
    doc.history.redo()
    assert doc.paths == (work,) and doc.path_target == work.uid
    # The layer is untouched: a path is not a mask.
    assert next(doc.layers()).vector_mask is None
    with pytest.raises(DocumentError):
        paths.add_subpath(doc, square(0, 0, 1, 1)[:1], False)


def test_new_save_duplicate_rename_delete_are_one_step_each(doc):
    paths.add_subpath(doc, square(10, 10, 40, 30), True)
    saved = paths.save_work_path(doc)
    assert doc.history.undo_name() == "Save Path"
    assert (saved.name, saved.work, doc.path_target) == ("Path 1", False, saved.uid)
    assert paths.work_path(doc) is None
    with pytest.raises(DocumentError):
        paths.save_work_path(doc)
    empty = paths.new_path(doc)
    assert doc.history.undo_name() == "New Path" and empty.name == "Path 2"
    assert empty.vector.subpaths == [] and doc.path_target == empty.uid
    copy = paths.duplicate_path(doc, saved.uid)
    assert doc.history.undo_name() == "Duplicate Path" and copy.name == "Path 1 copy"
    assert [p.name for p in doc.paths] == ["Path 1", "Path 1 copy", "Path 2"]
    assert anchors(copy) == anchors(saved)
    paths.rename_path(doc, copy.uid, "  Outline ")
    assert doc.history.undo_name() == "Rename Path"
    assert paths.find(doc, copy.uid).name == "Outline"
    with pytest.raises(DocumentError):
        paths.rename_path(doc, copy.uid, "   ")
    paths.delete_path(doc, saved.uid)
    assert doc.history.undo_name() == "Delete Path"
    assert [p.name for p in doc.paths] == ["Outline", "Path 2"]
    for name in ("Delete Path", "Rename Path", "Duplicate Path", "New Path", "Save Path"):
        assert doc.history.undo_name() == name
        doc.history.undo()
    assert [(p.name, p.work) for p in doc.paths] == [("Work Path", True)]
    for _ in range(5):
        doc.history.redo()
    assert [p.name for p in doc.paths] == ["Outline", "Path 2"]


def test_the_vector_mask_row_duplicates_and_deletes_the_layers_vector_mask(doc):
    layer = next(doc.layers())
    from editor.model import mask_ops

    mask_ops.add_path(doc, layer, square(10, 10, 40, 30), True)
    doc.set_path_target(paths.VECTOR_MASK)
    assert paths.target_vector(doc) is layer.vector_mask
    copy = paths.duplicate_path(doc)
    assert copy.name == "Background Vector Mask copy" and not copy.work
    assert anchors(copy) == [[(10, 10), (40, 10), (40, 30), (10, 30)]]
    doc.set_path_target(paths.VECTOR_MASK)
    paths.delete_path(doc)
    assert layer.vector_mask is None and doc.history.undo_name() == "Delete Vector Mask"


def test_a_rectangle_selection_traced_and_loaded_back_is_the_same_selection(doc):
    doc.set_selection(Box(10, 5, 37, 22))
    before = current_mask(doc)
    work = paths.work_path_from_selection(doc)
    assert doc.history.undo_name() == "Make Work Path" and doc.path_target == work.uid
    # Four corner anchors on the pixels' edges.
    assert anchors(work) == [[(10, 5), (10, 27), (47, 27), (47, 5)]]
    doc.set_selection(None)
    paths.load_selection(doc)
    assert doc.history.undo_name() == "Load Path as Selection"
    # The same box, kept as a box (no painted mask), as the marquee made it.
    assert doc.selection == Box(10, 5, 37, 22) and doc.selection_mask is None
    np.testing.assert_array_equal(current_mask(doc), before)
    doc.history.undo()
    assert doc.selection is None


def test_a_ring_keeps_its_hole_and_curves_come_within_the_tolerance(doc):
    ring = np.minimum(ellipse_mask(doc, Box(8, 4, 60, 56)), 255 - ellipse_mask(doc, Box(26, 20, 24, 24)))
    select_mask(doc, ring, "replace", "Ring")
    selected = current_mask(doc) >= 128
    work = paths.work_path_from_selection(doc, 1.0)
    assert len(work.vector.subpaths) == 2  # the outer edge and the hole's
    paths.load_selection(doc)
    again = current_mask(doc) >= 128
    assert not again[32, 38]  # the hole's centre stays unselected
    assert again[32, 12] and not again[2, 2]
    differ = (again != selected).sum()
    assert differ <= 0.03 * selected.sum()
    # A coarser tolerance: fewer anchors, still close.
    coarse = paths.work_path_from_selection(doc, 4.0)
    assert sum(len(s.knots) for s in coarse.vector.subpaths) < \
        sum(len(s.knots) for s in work.vector.subpaths)
    with pytest.raises(DocumentError):
        paths.work_path_from_selection(doc, 20.0)


def test_make_work_path_needs_a_selection_and_takes_a_soft_edge_at_half(doc):
    with pytest.raises(DocumentError):
        paths.work_path_from_selection(doc)
    soft = np.zeros((H, W), np.uint8)
    soft[10:20, 10:30] = 200   # over half: selected
    soft[10:20, 30:40] = 100   # under half: not
    select_mask(doc, soft, "replace", "Soft")
    work = paths.work_path_from_selection(doc)
    assert anchors(work) == [[(10, 10), (10, 20), (30, 20), (30, 10)]]
    select_mask(doc, np.full((H, W), 60, np.uint8), "replace", "Faint")
    with pytest.raises(DocumentError):
        paths.work_path_from_selection(doc)


def test_a_lone_pixel_and_a_thin_line_trace_to_their_boxes():
    mask = np.zeros((20, 20), np.uint8)
    mask[3, 4] = 255
    mask[10, 2:12] = 255
    traced = paths.trace(mask)
    boxes = sorted([tuple(s.knots[:, 1].min(axis=0)) + tuple(s.knots[:, 1].max(axis=0))
                    for s in traced])
    assert boxes == [(2, 10, 12, 11), (4, 3, 5, 4)]


def test_fill_path_paints_the_path_on_the_layer_and_not_beyond(doc):
    layer = next(doc.layers())
    with pytest.raises(DocumentError):
        paths.fill_path(doc, layer, (255, 0, 0, 255))  # no path chosen
    paths.add_subpath(doc, square(10, 10, 40, 30), True)
    doc.set_selection(Box(0, 0, 20, 20))  # a selection does not limit it (Photoshop's)
    steps = doc.history.count
    paths.fill_path(doc, layer, (255, 0, 0, 255))
    assert doc.history.undo_name() == "Fill Path" and doc.history.count == steps + 1
    px = layer.pixels
    assert (px[10:30, 10:40] == (255, 0, 0, 255)).all()
    assert (px[:10] == GREY).all() and (px[30:] == GREY).all() and (px[:, 40:] == GREY).all()
    doc.history.undo()
    assert (layer.pixels == GREY).all()
    # A group has no pixels to fill: a one-line refusal, nothing changed.
    group = doc.group([layer])
    steps = doc.history.count
    with pytest.raises(DocumentError, match="group"):
        paths.fill_path(doc, group, (255, 0, 0, 255))
    assert doc.history.count == steps


def test_stroke_path_draws_the_brush_along_the_outline(doc):
    layer = next(doc.layers())
    paths.add_subpath(doc, square(20, 12, 70, 52), True)
    paths.stroke_path(doc, layer, (0, 0, 255, 255), size=6, hardness=1.0)
    assert doc.history.undo_name() == "Stroke Path"
    px = layer.pixels
    for y, x in ((12, 45), (52, 45), (32, 20), (32, 70), (12, 20)):  # on the edges and a corner
        assert tuple(px[y, x]) == (0, 0, 255, 255), (y, x)
    assert (px[20:44, 28:62] == GREY).all()          # inside, away from the line
    assert (px[:7] == GREY).all() and (px[58:] == GREY).all()  # outside
    # The line is the brush's width: 6 px across an edge.
    across = (px[:, 45, 2] > 128).sum()
    assert 2 * 5 <= across <= 2 * 7
    doc.history.undo()
    assert (layer.pixels == GREY).all()
    # An open subpath is stroked without its closing segment.
    paths.add_subpath(doc, np.array([path_edit.corner_knot(10, 58), path_edit.corner_knot(80, 58)]),
                      False)
    doc.set_path_target(paths.work_path(doc).uid)
    work = paths.work_path(doc)
    paths.stroke_path(doc, layer, (0, 255, 0, 255), size=3,
                      vector=VectorMask([work.vector.subpaths[-1]], doc.canvas))
    assert tuple(layer.pixels[58, 45]) == (0, 255, 0, 255)
    assert (layer.pixels[20:56, 28:62] == GREY).all()


def test_current_path_becomes_the_layers_vector_mask(doc):
    layer = next(doc.layers())
    paths.add_subpath(doc, square(10, 10, 40, 30), True)
    mask = paths.vector_mask_from_path(doc, layer)
    assert doc.history.undo_name() == "Add Vector Mask (Current Path)"
    assert layer.vector_mask is mask
    alpha = composite_document(doc)[..., 3]
    assert alpha[20, 25] == 255 and alpha[5, 5] == 0
    # A copy: reshaping the Work Path leaves the mask.
    work = paths.work_path(doc)
    paths.reshape_path(doc, work.uid, work.vector.with_subpaths([]), "Delete Anchor Point")
    assert len(layer.vector_mask.subpaths) == 1
    with pytest.raises(DocumentError):
        paths.vector_mask_from_path(doc, layer, mask)  # it has one already
    doc.history.undo()
    doc.history.undo()
    assert layer.vector_mask is None and composite_document(doc)[5, 5, 3] == 255


def test_image_operations_move_the_paths(doc):
    work = paths.add_subpath(doc, square(10, 10, 40, 30), True)
    image_ops.crop(doc, Box(5, 5, 60, 40))
    assert anchors(paths.work_path(doc)) == [[(5, 5), (35, 5), (35, 25), (5, 25)]]
    image_ops.image_size(doc, 120, 80)
    assert anchors(paths.work_path(doc)) == [[(10, 10), (70, 10), (70, 50), (10, 50)]]
    image_ops.flip_canvas(doc, horizontal=True)
    assert anchors(paths.work_path(doc))[0][0] == (110, 10)
    for _ in range(3):
        doc.history.undo()
    assert anchors(paths.work_path(doc)) == anchors(work) and doc.size == (W, H)


def test_the_autosave_copy_keeps_the_paths(doc):
    from editor.ui.autosave import snapshot

    paths.add_subpath(doc, square(10, 10, 40, 30), True)
    paths.save_work_path(doc, "Outline")
    snap = snapshot(doc)
    assert snap.paths == doc.paths
    assert isinstance(next(snap.layers()), Layer)
