"""The Actions panel's Insert Stop… and Insert Menu Item… in the real window: the inserted
step shows in the tree and plays (a Stop stops playback with its message; Continue goes
on when allowed)."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from editor.model import action_sets, batch, files
from editor.model.action_sets import Action, Step
from editor.model.errors import DocumentError
from editor.model.render import composite_document
from ui_helpers import in_modal_dialog, make_window, open_photo

FLIP_H = Step("flip_canvas", {"horizontal": True})
FLIP_V = Step("flip_canvas", {"horizontal": False})


def panel_with(w, action):
    panel = w.actions_panel
    panel.sets.append(action_sets.ActionSet("Test", [action]))
    panel.changed()
    return panel, len(panel.sets) - 1


def menu_item(panel, text):
    return next(a for a in panel.menu.actions() if a.text() == text)


def answer_stop(qtbot, button_name, seen):
    """When the stop's message box shows: its text noted, `button_name` clicked."""
    def inside():
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen["text"] = box.text()
        seen["buttons"] = sorted(b.objectName() for b in box.buttons())
        qtbot.mouseClick(box.findChild(type(box.buttons()[0]), button_name),
                         Qt.MouseButton.LeftButton)
    QTimer.singleShot(0, inside)


def insert_stop(qtbot, panel, message, allow):
    def fill(dialog, seen):
        dialog.message.setPlainText(message)
        dialog.allow.setChecked(allow)
    in_modal_dialog(qtbot, menu_item(panel, "Insert Stop…").trigger, fill, "InsertStopDialog")


def flipped(pixels, *horizontal):
    for h in horizontal:
        pixels = pixels[:, ::-1] if h else pixels[::-1]
    return pixels


def test_insert_stop_stops_playback_with_its_message_and_play_goes_on(
        qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    open_photo(w, qtbot, tmp_path, monkeypatch, 48, 32)
    start = composite_document(w.doc).copy()
    action = Action("Flips", "", [Step(**vars(FLIP_H)), Step(**vars(FLIP_V))])
    panel, si = panel_with(w, action)
    panel.tree.setCurrentItem(panel.item_for(si, 0, 0))  # after the first step
    insert_stop(qtbot, panel, "Check the flip, then Play.", allow=False)
    assert [s.command for s in action.steps] == ["flip_canvas", "stop", "flip_canvas"]
    assert panel.item_for(si, 0, 1).text(0) == "Stop"
    assert panel.item_for(si, 0, 1).child(0).text(0) == "Message: Check the flip, then Play."

    # Play: the first flip, then the message; Stop ends playback there.
    panel.tree.setCurrentItem(panel.item_for(si, 0))
    seen = {}
    answer_stop(qtbot, "ActionStopStop", seen)
    panel.buttons["play"].click()
    assert seen == {"text": "Check the flip, then Play.", "buttons": ["ActionStopStop"]}
    assert np.array_equal(composite_document(w.doc), flipped(start, True))
    assert "Check the flip" in w.statusBar().currentMessage()
    # The next step is selected: Play goes on from it.
    assert panel.tree.currentItem() is panel.item_for(si, 0, 2)
    panel.buttons["play"].click()
    assert np.array_equal(composite_document(w.doc), flipped(start, True, False))
    # The action's steps were each one undo step; the stop none.
    w.actions["undo"].trigger()
    w.actions["undo"].trigger()
    assert np.array_equal(composite_document(w.doc), start)


def test_a_stop_that_allows_continue_goes_on_when_continued(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    open_photo(w, qtbot, tmp_path, monkeypatch, 48, 32)
    start = composite_document(w.doc).copy()
    action = Action("Flips", "", [Step(**vars(FLIP_H)), Step(**vars(FLIP_V))])
    panel, si = panel_with(w, action)
    panel.tree.setCurrentItem(panel.item_for(si, 0, 0))
    insert_stop(qtbot, panel, "Ready?", allow=True)
    panel.tree.setCurrentItem(panel.item_for(si, 0))
    seen = {}
    answer_stop(qtbot, "ActionStopContinue", seen)
    panel.buttons["play"].click()
    assert seen["buttons"] == ["ActionStopContinue", "ActionStopStop"]
    assert np.array_equal(composite_document(w.doc), flipped(start, True, False))
    assert w.statusBar().currentMessage() == "Played 'Flips'."
    # Batch cannot ask: an allowed stop is passed there, one that is not ends the action.
    doc = files.open_document(tmp_path / "cat.png")
    batch.play_action(doc, action)
    assert np.array_equal(composite_document(doc), flipped(start, True, False))
    action.steps[1].settings["allow_continue"] = False
    try:
        batch.play_action(files.open_document(tmp_path / "cat.png"), action)
        raise AssertionError("the stop did not stop the batch's action")
    except DocumentError as exc:
        assert "Ready?" in str(exc)


def test_insert_stop_cancelled_adds_nothing(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    action = Action("Flips", "", [Step(**vars(FLIP_H))])
    panel, si = panel_with(w, action)
    panel.tree.setCurrentItem(panel.item_for(si, 0))

    def cancel(dialog, seen):
        dialog.message.setPlainText("never")
        seen["cancel"] = True
    in_modal_dialog(qtbot, menu_item(panel, "Insert Stop…").trigger, cancel,
                    "InsertStopDialog")
    assert len(action.steps) == 1


def test_insert_menu_item_records_a_command_by_name_and_plays_it(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    open_photo(w, qtbot, tmp_path, monkeypatch, 48, 32)
    action = Action("Layers", "", [])
    panel, si = panel_with(w, action)
    panel.tree.setCurrentItem(panel.item_for(si, 0))

    def choose(dialog, seen):
        box = dialog.command
        seen["offered"] = [box.itemText(i) for i in range(box.count())]
        box.setCurrentIndex(box.findText("Make Layer"))
    seen = in_modal_dialog(qtbot, menu_item(panel, "Insert Menu Item…").trigger, choose,
                           "InsertMenuItemDialog")
    # Only commands without settings are offered (no Gaussian Blur, no Image Size).
    assert "Flatten Image" in seen["offered"] and "Image Size" not in seen["offered"]
    assert [(s.command, s.settings) for s in action.steps] == [("new_layer", {})]
    assert panel.item_for(si, 0, 0).text(0) == "Make Layer"
    layers = len(list(w.doc.layers()))
    panel.tree.setCurrentItem(panel.item_for(si, 0))
    panel.buttons["play"].click()
    assert len(list(w.doc.layers())) == layers + 1
    # Inserted while recording: it goes where the next recorded step would.
    panel.buttons["record"].click()
    assert panel.recording is action
    in_modal_dialog(qtbot, menu_item(panel, "Insert Menu Item…").trigger,
                    lambda d, s: d.command.setCurrentIndex(d.command.findText("Select All")),
                    "InsertMenuItemDialog")
    w.actions["flip_canvas_h"].trigger()
    panel.buttons["stop"].click()
    assert [s.command for s in action.steps] == ["new_layer", "select_all", "flip_canvas"]


def test_insert_path_records_the_chosen_path_and_plays_it_as_the_work_path(
        qtbot, tmp_path, monkeypatch):
    from editor.model import paths

    w = make_window(qtbot, tmp_path, monkeypatch)
    open_photo(w, qtbot, tmp_path, monkeypatch, 48, 32)
    action = Action("Path", "", [])
    panel, si = panel_with(w, action)
    panel.tree.setCurrentItem(panel.item_for(si, 0))
    # No path chosen: nothing inserted, one line.
    menu_item(panel, "Insert Path").trigger()
    assert action.steps == [] and "Choose a path" in w.statusBar().currentMessage()
    triangle = np.array([[pt, pt, pt] for pt in ((5.0, 5.0), (40.0, 8.0), (20.0, 28.0))])
    paths.add_subpath(w.doc, triangle, True)  # (the Pen's Work Path, chosen)
    menu_item(panel, "Insert Path").trigger()
    assert [s.command for s in action.steps] == ["set_work_path"]
    row = panel.item_for(si, 0, 0)
    assert row.text(0) == "Set Work Path" and row.child(0).text(0) == "1 subpath, 3 anchor points"
    # Played on another document: its Work Path is the recorded triangle, one undo step.
    w.add_session(files.open_document(tmp_path / "cat.png"), "other.png")
    assert paths.work_path(w.doc) is None
    panel.tree.setCurrentItem(panel.item_for(si, 0))
    panel.buttons["play"].click()
    work = paths.work_path(w.doc)
    assert work is not None and paths.target_path(w.doc) is work
    assert np.allclose(work.vector.moved_knots()[0], triangle)
    assert work.vector.subpaths[0].closed
    w.actions["undo"].trigger()
    assert paths.work_path(w.doc) is None
