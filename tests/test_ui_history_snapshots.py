"""History snapshots and the History Brush (Y) as a user drives them in the window: the
History panel's camera button and menu make snapshots, a click on one returns to it as a
step that undo takes back, a double-click renames it, the bin deletes it; the History
Brush paints a layer back as it was in the snapshot chosen in the panel's brush column."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from editor.model.history_brush import NO_LAYER
from editor.ui.history_panel import BRUSH, NAME
from test_ui_retouch import distance_to_segment
from ui_helpers import image_drag, in_modal_dialog, photo, zoomed_photo_window

W, H = 96, 64


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    """A window with a 96x64 photo opened through File > Open, at 400 %."""
    return zoomed_photo_window(qtbot, tmp_path, monkeypatch, W, H, 4.0)


def click_snapshot(qtbot, w, row: int, column: int = NAME) -> None:
    panel = w.history_panel
    qtbot.mouseClick(panel.snapshots.viewport(), Qt.MouseButton.LeftButton,
                     pos=panel.snapshot_rect(row, column).center())


def snapshot_names(w) -> list[str]:
    panel = w.history_panel
    panel._rebuild()
    return [panel.snapshots.topLevelItem(r).text(NAME)
            for r in range(panel.snapshots.topLevelItemCount())]


def invert(w) -> None:
    w.actions["adjust_invert"].trigger()


def test_snapshot_restore_is_a_step_that_undo_takes_back(window, qtbot):
    w = window
    doc = w.doc
    (layer,) = doc.layers()
    opened = layer.pixels.copy()
    # The document as it was opened is the first snapshot, named after its file.
    assert snapshot_names(w) == ["cat.png"]
    qtbot.mouseClick(w.history_panel.new_button, Qt.MouseButton.LeftButton)
    assert snapshot_names(w) == ["cat.png", "Snapshot 1"]
    invert(w)
    doc.new_layer()
    inverted = layer.pixels.copy()
    assert not np.array_equal(inverted, opened)
    steps = doc.history.count

    click_snapshot(qtbot, w, 1)
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Restore Snapshot 1"
    (restored,) = doc.layers()  # the new layer was made after the snapshot
    assert restored.name == "cat" and np.array_equal(restored.pixels, opened)
    assert doc.active is restored
    # Its row is the lit one; the steps' list lights none.
    qtbot.waitUntil(lambda: not w.history_panel.list.selectedItems())
    assert w.history_panel.snapshots.currentItem().text(NAME) == "Snapshot 1"

    w.actions["undo"].trigger()
    assert [n.name for n in doc.layers()] == ["cat", "Layer 1"]
    assert doc.root.children[0] is layer and np.array_equal(layer.pixels, inverted)
    # Every earlier step is still there to go back to.
    w.actions["undo"].trigger()
    w.actions["undo"].trigger()
    assert np.array_equal(layer.pixels, opened) and doc.history.index == 0
    for _ in range(3):
        w.actions["redo"].trigger()
    assert np.array_equal(doc.active_layer.pixels, opened)
    assert doc.history.undo_name() == "Restore Snapshot 1"

    # A stroke on the restored layer leaves the snapshot as it was: restoring it again
    # brings back the same pixels.
    qtbot.keyClick(w.canvas, Qt.Key.Key_B)
    w.tools.current.set_size(12)
    image_drag(qtbot, w.canvas, [(20.5, 20.5), (60.5, 20.5)])
    assert not np.array_equal(doc.active_layer.pixels, opened)
    click_snapshot(qtbot, w, 1)
    assert np.array_equal(doc.active_layer.pixels, opened)
    # The opening snapshot is the document as opened.
    click_snapshot(qtbot, w, 0)
    assert doc.history.undo_name() == "Restore cat.png"
    assert np.array_equal(doc.active_layer.pixels, photo(W, H))


def test_snapshots_are_renamed_made_from_the_menu_and_deleted(window, qtbot):
    w = window
    doc, panel = w.doc, w.history_panel
    panel.menu()
    for _ in range(2):  # the menu's New Snapshot… asks (OK: its proposed name, all of it)
        in_modal_dialog(qtbot, panel.new_action.trigger, lambda d, seen: None,
                        "NewSnapshotDialog")
    assert snapshot_names(w) == ["cat.png", "Snapshot 1", "Snapshot 2"]

    # A double-click: a click (which returns to the snapshot), then the second press.
    click_snapshot(qtbot, w, 1)
    qtbot.mousePress(panel.snapshots.viewport(), Qt.MouseButton.LeftButton,
                     pos=panel.snapshot_rect(1).center())
    qtbot.mouseDClick(panel.snapshots.viewport(), Qt.MouseButton.LeftButton,
                      pos=panel.snapshot_rect(1).center())
    editor = panel.snapshots.findChild(QLineEdit)
    assert editor is not None and editor.isVisible()
    editor.selectAll()
    qtbot.keyClicks(editor, "Before dodge")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: snapshot_names(w) == ["cat.png", "Before dodge", "Snapshot 2"])
    assert [s.name for s in doc.snapshots.items] == ["cat.png", "Before dodge", "Snapshot 2"]

    # The bin deletes the lit snapshot (the one just returned to), and is off when none is.
    doc.new_layer()
    qtbot.waitUntil(lambda: not panel.delete_button.isEnabled())
    click_snapshot(qtbot, w, 2)
    assert panel.delete_button.isEnabled()
    qtbot.mouseClick(panel.delete_button, Qt.MouseButton.LeftButton)
    assert snapshot_names(w) == ["cat.png", "Before dodge"]
    # The step it made stays, and still undoes.
    assert doc.history.undo_name() == "Restore Snapshot 2"
    w.actions["undo"].trigger()
    assert [n.name for n in doc.layers()] == ["cat", "Layer 1"]
    # A new snapshot counts on from the highest "Snapshot N" left.
    qtbot.mouseClick(panel.new_button, Qt.MouseButton.LeftButton)
    assert snapshot_names(w)[-1] == "Snapshot 1"


def history_brush(w, qtbot, size=9, opacity=1.0):
    qtbot.keyClick(w.canvas, Qt.Key.Key_Y)
    tool = w.tools.current
    assert tool.id == "history_brush" and tool.label == "History Brush Tool"
    tool.set_size(size)
    tool.set_hardness(1.0)
    tool.set_opacity(opacity)
    tool.set_flow(1.0)
    return tool


def test_history_brush_paints_the_opened_pixels_back_after_a_filter(window, qtbot):
    w = window
    doc = w.doc
    (layer,) = doc.layers()
    opened = layer.pixels.copy()
    invert(w)
    inverted = layer.pixels.copy()
    steps = doc.history.count
    history_brush(w, qtbot)
    a, b = (20.5, 30.5), (70.5, 30.5)
    image_drag(qtbot, w.canvas, [a, (45.5, 30.5), b])
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "History Brush"
    after = layer.pixels
    near = distance_to_segment(after.shape, a, b)
    core, far = near < 3.0, near > 6.0
    assert core.sum() > 100
    assert np.array_equal(after[core], opened[core])     # exactly as opened
    assert np.array_equal(after[far], inverted[far])     # nowhere else
    w.actions["undo"].trigger()
    assert np.array_equal(layer.pixels, inverted)


def test_history_brush_at_half_opacity_inside_the_selection(window, qtbot):
    w = window
    doc = w.doc
    (layer,) = doc.layers()
    opened = layer.pixels.copy()
    invert(w)
    inverted = layer.pixels.copy()
    qtbot.keyClick(w.canvas, Qt.Key.Key_M)
    image_drag(qtbot, w.canvas, [(40, 10), (90, 50)])
    history_brush(w, qtbot, size=11, opacity=0.5)
    image_drag(qtbot, w.canvas, [(20.5, 30.5), (70.5, 30.5)])
    after = layer.pixels.astype(int)
    outside = np.ones((H, W), bool)
    outside[10:50, 40:90] = False
    assert np.array_equal(after[outside], inverted[outside])
    half = (opened.astype(int) + inverted.astype(int)) / 2
    ys, xs = np.nonzero(distance_to_segment((H, W), (44, 30.5), (68, 30.5)) < 3)
    assert np.abs(after[ys, xs, :3] - half[ys, xs, :3]).max() <= 1


def test_history_brush_paints_from_the_snapshot_chosen_in_the_brush_column(window, qtbot):
    w = window
    doc = w.doc
    (layer,) = doc.layers()
    invert(w)
    qtbot.mouseClick(w.history_panel.new_button, Qt.MouseButton.LeftButton)
    inverted = layer.pixels.copy()
    # The brush column: the opening snapshot first, then the one clicked there.
    assert doc.snapshots.source is doc.snapshots.items[0]
    steps = doc.history.count
    click_snapshot(qtbot, w, 1, BRUSH)
    assert doc.snapshots.source is doc.snapshots.items[1] and doc.history.count == steps
    panel = w.history_panel
    assert [panel.snapshots.topLevelItem(r).toolTip(BRUSH) for r in (0, 1)] == [
        "Paint from this snapshot with the History Brush",
        "The History Brush paints from this snapshot"]

    w.actions["adjust_invert"].trigger()  # back to the opened colours
    history_brush(w, qtbot)
    a, b = (20.5, 30.5), (70.5, 30.5)
    image_drag(qtbot, w.canvas, [a, b])
    core = distance_to_segment((H, W), a, (68, 30.5)) < 3.0
    assert np.array_equal(layer.pixels[core], inverted[core])

    # Deleting the source snapshot: the brush paints from the first one left.
    click_snapshot(qtbot, w, 1)
    qtbot.mouseClick(panel.delete_button, Qt.MouseButton.LeftButton)
    assert doc.snapshots.source is doc.snapshots.items[0]


def test_history_brush_refuses_a_layer_the_source_does_not_have(window, qtbot):
    w = window
    doc = w.doc
    qtbot.keyClick(w.canvas, Qt.Key.Key_B)
    w.tools.current.set_size(12)
    doc.new_layer()
    image_drag(qtbot, w.canvas, [(20.5, 20.5), (60.5, 20.5)])
    new = doc.active_layer
    before = new.pixels.copy()
    steps = doc.history.count
    history_brush(w, qtbot)
    image_drag(qtbot, w.canvas, [(20.5, 20.5), (60.5, 20.5)])
    assert w.statusBar().currentMessage() == NO_LAYER
    assert "\n" not in NO_LAYER
    assert doc.history.count == steps and np.array_equal(new.pixels, before)
    assert not w.test_errors


def test_history_brush_honours_the_lock_on_pixels(window, qtbot):
    w = window
    doc = w.doc
    (layer,) = doc.layers()
    invert(w)
    doc.set_lock(layer, "pixels", True)
    before = layer.pixels.copy()
    steps = doc.history.count
    history_brush(w, qtbot)
    image_drag(qtbot, w.canvas, [(20.5, 20.5), (60.5, 20.5)])
    assert doc.history.count == steps and np.array_equal(layer.pixels, before)
    assert w.test_errors and "pixels locked" in w.test_errors[-1][1]
