"""The document's painted selection mask (Quick Mask): strokes, undo/redo, Deselect."""
import numpy as np

from editor.model import Document
from engine.box import Box


def paint(doc, box, value=255, name="Quick Mask"):
    edit = doc.begin_mask_edit(name)

    def fill(view):
        view[...] = value

    edit.apply(doc, box, fill)
    doc.end_mask_edit(edit)
    return edit


def test_first_stroke_creates_the_mask_and_undo_takes_it_away():
    doc = Document(300, 200)
    seen = []
    doc.selection_mask_changed.connect(seen.append)
    paint(doc, Box(10, 20, 30, 40))
    mask = doc.selection_mask
    assert mask.shape == (200, 300) and mask.dtype == np.uint8
    assert mask[20:60, 10:40].min() == 255 and mask.sum() == 255 * 30 * 40
    assert Box(10, 20, 30, 40) in seen and doc.history.undo_name() == "Quick Mask"
    doc.history.undo()
    assert doc.selection_mask is None
    doc.history.redo()
    assert doc.selection_mask.sum() == 255 * 30 * 40


def test_each_stroke_is_one_step_and_keeps_only_touched_tiles():
    doc = Document(640, 480)
    paint(doc, Box(0, 0, 10, 10))
    second = paint(doc, Box(100, 100, 20, 20), name="Quick Mask Erase")
    assert second.nbytes() <= 4 * 64 * 64  # tiles under the stroke, not the canvas
    doc.history.undo()
    assert doc.selection_mask[100:120, 100:120].max() == 0 and doc.selection_mask[5, 5] == 255
    doc.history.redo()
    assert doc.selection_mask[110, 110] == 255


def test_an_empty_stroke_records_nothing():
    doc = Document(50, 50)
    edit = doc.begin_mask_edit()
    edit.apply(doc, Box(60, 60, 5, 5), lambda view: None)  # outside the canvas
    doc.end_mask_edit(edit)
    assert doc.selection_mask is None and not doc.history.can_undo()


def test_deselect_clears_box_and_paint_in_one_step_and_clear_only_the_paint():
    doc = Document(100, 100)
    doc.set_selection(Box(5, 5, 20, 20))
    paint(doc, Box(10, 10, 5, 5))
    doc.set_selection(None)
    assert doc.selection is None and doc.selection_mask is None
    doc.history.undo()
    assert doc.selection == Box(5, 5, 20, 20) and doc.selection_mask[12, 12] == 255
    doc.clear_selection_mask()
    assert doc.selection == Box(5, 5, 20, 20) and doc.selection_mask is None
    doc.history.undo()
    assert doc.selection_mask[12, 12] == 255
