"""The history's options in the model (editor/model/history.py): a non-linear history keeps
the steps after one gone back to as a branch, and any row's state comes back exactly
(in-place pixel edits included); its steps are trimmed oldest first within History States;
Delete forgets a step and those made from it; Clear History is undone; layer visibility
changes can be left out of the history; New Snapshot's From: keeps merged or one layer."""
from __future__ import annotations

import numpy as np
import pytest

from editor.model import Document
from engine.box import Box


def _doc(non_linear: bool = True, steps: int = 100) -> Document:
    doc = Document(32, 24, max_history_steps=steps)
    pixels = np.zeros((24, 32, 4), np.uint8)
    pixels[..., 3] = 255
    doc.add_image(pixels, "Photo", 0, 0)
    doc.history.clear()
    doc.history.non_linear = non_linear
    return doc


def paint(doc: Document, value: int, box=Box(0, 0, 8, 8)) -> None:
    """An in-place pixel edit (a brush stroke's kind of step) of the first layer."""
    layer = next(doc.layers())
    edit = doc.begin_pixel_edit(layer, f"Paint {value}")
    edit.apply(doc, box, lambda view: view.__setitem__(Ellipsis, value))
    doc.end_pixel_edit(edit)


def pixels(doc: Document) -> np.ndarray:
    return next(doc.layers()).pixels.copy()


def test_non_linear_history_keeps_the_steps_after_the_one_gone_back_to():
    doc = _doc()
    h = doc.history
    states = [pixels(doc)]
    for value in (10, 20, 30):
        paint(doc, value, Box(value // 10 * 4, 0, 8, 8))
        states.append(pixels(doc))
    h.goto(1)
    paint(doc, 99, Box(16, 8, 8, 8))   # a new step from state 1: added at the end
    branch = pixels(doc)
    assert h.names() == ["Paint 10", "Paint 20", "Paint 30", "Paint 99"]
    assert h.index == 4 and h.parent(4) == 1 and h.applied() == {0, 1, 4}
    # Every row's state comes back, whichever row it is reached from.
    for row in (3, 4, 2, 0, 4, 3, 1):
        h.goto(row)
        assert np.array_equal(pixels(doc), branch if row == 4 else states[row]), row
    # Undo goes back to the state a step was made on; Redo forward again.
    h.goto(4)
    assert h.undo() and h.index == 1
    assert h.redo_name() == "Paint 99" and h.redo() and np.array_equal(pixels(doc), branch)


def test_a_linear_history_forgets_the_undone_steps():
    doc = _doc(non_linear=False)
    h = doc.history
    for value in (10, 20, 30):
        paint(doc, value)
    h.goto(1)
    paint(doc, 99)
    assert h.names() == ["Paint 10", "Paint 99"] and h.parent(2) == 1


def test_trim_drops_the_oldest_rows_and_branches_that_cannot_be_reached():
    doc = _doc(steps=4)
    h = doc.history
    paint(doc, 1)
    paint(doc, 2)
    h.goto(0)
    paint(doc, 3, Box(8, 8, 8, 8))   # a branch from the top: rows 1-2 not applied
    paint(doc, 4, Box(8, 8, 8, 8))
    now = pixels(doc)
    paint(doc, 5, Box(16, 8, 8, 8))  # 5 steps > 4: the oldest, branch 1-2, goes whole
    assert h.names() == ["Paint 3", "Paint 4", "Paint 5"]
    assert h.parent(1) == 0 and h.index == 3
    h.goto(2)
    assert np.array_equal(pixels(doc), now)
    # History States lowered: applied steps go from the top, which becomes their state.
    h.set_max_steps(1)
    assert h.names() == ["Paint 5"] and h.index == 0 and h.redo()


def test_delete_forgets_a_step_and_those_made_from_it():
    doc = _doc()
    h = doc.history
    for value in (10, 20, 30):
        paint(doc, value, Box(value // 10 * 4, 0, 8, 8))
    h.goto(1)
    paint(doc, 99, Box(16, 8, 8, 8))
    h.goto(1)
    one = pixels(doc)
    h.goto(3)
    h.delete_step(2)     # rows 2 and 3 (made from 2): the document back to row 1
    assert h.names() == ["Paint 10", "Paint 99"] and h.index == 1
    assert np.array_equal(pixels(doc), one)
    h.goto(2)
    assert h.parent(2) == 1


def test_clear_history_is_undone_and_a_new_step_frees_it():
    doc = _doc()
    h = doc.history
    before = pixels(doc)
    paint(doc, 10)
    paint(doc, 20)
    h.clear_steps()
    assert h.count == 0 and h.can_undo() and h.undo_name() == "Clear History"
    assert h.undo() and h.names() == ["Paint 10", "Paint 20"] and h.index == 2
    h.goto(0)
    assert np.array_equal(pixels(doc), before)
    h.goto(2)
    h.clear_steps()
    paint(doc, 30)
    assert h.names() == ["Paint 30"] and h.undo() and not h.can_undo()


@pytest.mark.parametrize("undoable", [True, False])
def test_visibility_changes_are_steps_only_when_undoable(undoable):
    doc = _doc()
    doc.history.mark_clean()
    doc.history.visibility_undoable = undoable
    layer = next(doc.layers())
    doc.set_visible(layer, False)
    assert not layer.visible and not doc.history.is_clean
    assert doc.history.names() == (["Hide Layer"] if undoable else [])
    # A step being built records it anyway (its undo puts everything back).
    with doc.history.macro("Both"):
        doc.set_visible(layer, True)
    assert doc.history.names()[-1] == "Both"
    doc.history.undo()
    assert not layer.visible


def test_snapshot_from_merged_layers_and_current_layer():
    doc = _doc(non_linear=False)
    top = np.zeros((24, 32, 4), np.uint8)
    top[:12, :, :] = (200, 0, 0, 255)
    doc.add_image(top, "Top", 0, 0)
    merged = doc.snapshots.take("M", source="merged")
    layer = doc.snapshots.take("L", source="layer")
    (node,) = merged.state.nodes
    assert node.pixels[0, 0].tolist() == [200, 0, 0, 255] and node.pixels[20, 0, 0] == 0
    assert [n.name for n in layer.state.nodes] == ["Top"]
    doc.snapshots.restore(merged)
    assert [n.name for n in doc.layers()] == ["Merged Layers"]
    doc.history.undo()
    assert [n.name for n in doc.layers()] == ["Photo", "Top"]


def test_a_branch_kept_before_non_linear_was_turned_off_is_trimmed_too():
    doc = _doc()
    h = doc.history
    paint(doc, 1)
    paint(doc, 2, Box(8, 0, 8, 8))
    h.goto(1)
    paint(doc, 3, Box(16, 0, 8, 8))
    now = pixels(doc)
    h.non_linear = False
    h.set_max_steps(1)   # row 1 becomes the top; the old branch (row 2) cannot stay
    assert h.names() == ["Paint 3"] and h.index == 1
    assert np.array_equal(pixels(doc), now)
    h.undo()
    assert pixels(doc)[0, 0, 0] == 1 and pixels(doc)[0, 8, 0] == 0


def test_toggle_last_state_goes_back_to_the_state_current_before():
    """Edit > Toggle Last State: after a new step it undoes it, again it redoes it; after
    a jump back several steps (the History panel's click) it returns to where it was, and
    back; the rows it points to follow a trim; Clear History leaves nothing to toggle."""
    doc = _doc(non_linear=False, steps=4)
    h = doc.history
    assert not h.can_toggle_last() and not h.toggle_last()
    states = [pixels(doc)]
    for value in (10, 20, 30):
        paint(doc, value)
        states.append(pixels(doc))
    assert h.toggle_last() and h.index == 2
    np.testing.assert_array_equal(pixels(doc), states[2])
    assert h.toggle_last() and h.index == 3
    np.testing.assert_array_equal(pixels(doc), states[3])
    h.goto(0)  # (three steps back at once)
    np.testing.assert_array_equal(pixels(doc), states[0])
    assert h.toggle_last() and h.index == 3
    assert h.toggle_last() and h.index == 0
    h.redo()  # after a redo: back to before it
    assert h.toggle_last() and h.index == 0 and h.can_redo()
    h.goto(3)
    paint(doc, 40)  # (a fifth row: the oldest trimmed, rows numbered anew)
    paint(doc, 50)
    assert h.count == 4 and h.index == 4
    assert h.toggle_last() and h.index == 3 and h.redo_name() == "Paint 50"
    np.testing.assert_array_equal(next(doc.layers()).pixels[0, 0], [40] * 4)
    h.clear_steps()
    assert not h.can_toggle_last()
