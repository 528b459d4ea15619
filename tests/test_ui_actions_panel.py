"""The Actions panel (Alt+F9) in the real window: record, play on another document, skip a
step, a step's dialog (Cancel stops), undo, persistence and Save/Load Actions."""
import json

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from editor.model import adjustments as adj
from engine.box import Box
from test_ui_filters import run_dialog, set_number
from ui_helpers import in_modal_dialog, make_window, open_photo, photo, write_png

HUE = adj.HueSaturation(hue=40, saturation=30, lightness=-10)
NAMES = ["Gaussian Blur", "Hue/Saturation", "Flip Canvas Horizontal"]


def blur_hue_flip(w, qtbot) -> None:
    """Gaussian Blur 3 px, Hue/Saturation, Flip Canvas Horizontal, as a user does them."""
    run_dialog(qtbot, w, "filter_gaussian_blur", lambda d, s: set_number(d, "radius", 3))
    run_dialog(qtbot, w, "adjust_hue_saturation", lambda d, s: d.editor.commit_settings(HUE))
    w.actions["flip_canvas_h"].trigger()


def record(w, qtbot, name="Blur Hue Flip", steps=None, key=""):
    """New Action (its dialog's Record), the three commands (or `steps()`), Stop: the action
    recorded."""
    panel = w.actions_panel

    def fill(dialog, seen):
        dialog.name.setText(name)
        dialog.key.setCurrentIndex(dialog.key.findData(key))

    in_modal_dialog(qtbot, panel.buttons["new_action"].click, fill, "NewActionDialog")
    assert panel.recording is not None and panel.buttons["record"].isChecked()
    (steps or (lambda: blur_hue_flip(w, qtbot)))()
    panel.buttons["stop"].click()
    assert panel.recording is None
    action = next(a for s in panel.sets for a in s.actions if a.name == name)
    return action


def second_document(w, qtbot, monkeypatch, tmp_path):
    path = write_png(tmp_path / "other.png", photo(80, 56, "astronaut"))
    monkeypatch.setattr("editor.ui.dialogs.ask_open_paths", lambda *a, **k: [path])
    w.actions["open"].trigger()
    qtbot.waitUntil(lambda: len(w.sessions) == 2, timeout=10000)
    return w.doc


def play(w, action, step=None) -> None:
    """Selects the action (or one of its steps) in the tree and clicks Play."""
    panel = w.actions_panel
    si, ai = next((i, j) for i, s in enumerate(panel.sets) for j, a in enumerate(s.actions)
                  if a is action)
    key = (si, ai) if step is None else (si, ai, step)
    panel.tree.setCurrentItem(panel.item_for(*key))
    panel.buttons["play"].click()


def step_item(w, action, index):
    panel = w.actions_panel
    si, ai = next((i, j) for i, s in enumerate(panel.sets) for j, a in enumerate(s.actions)
                  if a is action)
    return panel.item_for(si, ai, index)


@pytest.fixture
def recorded(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    open_photo(w, qtbot, tmp_path, monkeypatch, 96, 64)
    assert not w.docks["actions"].isVisible()  # closed until asked for, as Photoshop's
    assert w.actions["panel_actions"].shortcut().toString() == "Alt+F9"
    w.actions["panel_actions"].trigger()
    assert w.docks["actions"].isVisible()
    action = record(w, qtbot)
    return w, action


def test_played_action_equals_doing_it_by_hand_on_another_document(recorded, qtbot, tmp_path,
                                                                   monkeypatch):
    w, action = recorded
    assert [s.label for s in action.steps] == NAMES
    assert action.steps[0].settings["settings"]["radius"] == 3
    # The steps show their settings when expanded.
    blur_row = step_item(w, action, 0)
    assert any(blur_row.child(i).text(0) == "Radius: 3.0" for i in range(blur_row.childCount()))
    doc = second_document(w, qtbot, monkeypatch, tmp_path)
    original = doc.active.pixels.copy()
    blur_hue_flip(w, qtbot)  # by hand (not recording: the action keeps three steps)
    by_hand = doc.active.pixels.copy()
    assert len(action.steps) == 3
    for _ in range(3):
        w.actions["undo"].trigger()
    assert np.array_equal(doc.active.pixels, original)
    steps = doc.history.index
    play(w, action)
    assert doc.history.names()[-3:] == NAMES
    assert doc.history.index == steps + 3  # each step its own undo step
    assert np.array_equal(doc.active.pixels, by_hand)
    assert not np.array_equal(by_hand, original)
    # Undo after play: three undos give the document back as it was.
    for _ in range(3):
        w.actions["undo"].trigger()
    assert np.array_equal(doc.active.pixels, original)


def test_unchecked_step_is_skipped(recorded, qtbot):
    w, action = recorded
    doc = w.doc
    step_item(w, action, 0).setCheckState(0, Qt.CheckState.Unchecked)  # the user's click
    assert action.steps[0].enabled is False
    steps = doc.history.index
    play(w, action)
    assert doc.history.index == steps + 2
    assert doc.history.names()[-2] == "Hue/Saturation"
    assert "Gaussian Blur" not in doc.history.names()[steps:]


def test_play_from_a_selected_step(recorded, qtbot):
    w, action = recorded
    doc = w.doc
    steps = doc.history.index
    play(w, action, step=2)  # the flip only
    assert doc.history.index == steps + 1
    # Record with a step selected: the new steps go in after it.
    panel = w.actions_panel
    panel.tree.setCurrentItem(step_item(w, action, 0))
    panel.buttons["record"].click()
    w.actions["flip_canvas_v"].trigger()
    panel.buttons["stop"].click()
    assert [s.label for s in action.steps] == [NAMES[0], "Flip Canvas Vertical"] + NAMES[1:]


def test_modal_step_opens_its_dialog_and_cancel_stops(recorded, qtbot):
    w, action = recorded
    doc = w.doc
    item = step_item(w, action, 1)
    assert item.checkState(1) == Qt.CheckState.Unchecked  # the Dialog toggle, off
    assert step_item(w, action, 2).data(1, Qt.ItemDataRole.CheckStateRole) is None  # (a flip)
    item.setCheckState(1, Qt.CheckState.Checked)
    assert action.steps[1].dialog is True
    before = doc.active.pixels.copy()
    steps = doc.history.index

    def look(dialog, seen):
        seen["settings"] = dialog.editor.settings
        seen["cancel"] = True

    seen = in_modal_dialog(qtbot, lambda: play(w, action), look, "PixelDialog_HueSaturation")
    # The blur was played, then Cancel stopped the action: no Hue/Saturation, no flip.
    assert doc.history.index == steps + 1
    assert doc.history.names()[-1] == "Gaussian Blur"
    assert not np.array_equal(doc.active.pixels, before)
    assert "cancelled" in w.statusBar().currentMessage()
    assert seen["settings"] == HUE  # the dialog opened with the recorded settings
    # OK goes on with the steps after it.
    w.actions["undo"].trigger()
    in_modal_dialog(qtbot, lambda: play(w, action), lambda d, s: None,
                    "PixelDialog_HueSaturation")
    assert doc.history.index == steps + 3


def test_step_that_cannot_apply_stops_with_one_line(recorded, qtbot):
    w, action = recorded
    doc = w.doc
    w.actions["delete_layer"].trigger()  # no layer left to filter
    assert doc.active is None
    steps = doc.history.index
    play(w, action)
    assert doc.history.index == steps
    title, message = w.test_errors[-1]
    assert "stopped at step 1 (Gaussian Blur)" in title
    assert "\n" not in message and "layer" in message


def test_actions_persist_in_a_new_window_and_save_load(recorded, qtbot, tmp_path, monkeypatch):
    w, action = recorded
    step_item(w, action, 2).setCheckState(0, Qt.CheckState.Unchecked)
    path = w.settings.actions_path
    assert path.startswith(str(tmp_path))  # never the user's own file
    saved = json.load(open(path))
    assert saved["format"] == "layered-actions"
    exported = str(tmp_path / "mine.json")
    w.actions_panel.save_to(exported, only=w.actions_panel.sets[0])
    settings = w.settings
    w.close()
    w2 = make_window(qtbot, tmp_path, monkeypatch, settings=settings)
    names = [a.name for s in w2.actions_panel.sets for a in s.actions]
    assert "Blur Hue Flip" in names
    again = next(a for s in w2.actions_panel.sets for a in s.actions if a.name == "Blur Hue Flip")
    assert [s.label for s in again.steps] == NAMES
    assert [s.enabled for s in again.steps] == [True, True, False]
    # Load Actions adds the file's set; a file that is not one says so in one line.
    count = len(w2.actions_panel.sets)
    monkeypatch.setattr("editor.ui.dialogs.ask_open_paths", lambda *a, **k: [exported])
    load = next(a for a in w2.actions_panel.menu.actions() if a.text() == "Load Actions…")
    load.trigger()
    assert len(w2.actions_panel.sets) == count + 1
    bad = tmp_path / "bad.atn"
    bad.write_bytes(b"\x00\x00\x00\x10binary")
    w2.actions_panel.load_from(str(bad))
    assert len(w2.actions_panel.sets) == count + 1
    assert "\n" not in w2.test_errors[-1][1]


def test_default_actions_play(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    open_photo(w, qtbot, tmp_path, monkeypatch, 96, 64)
    panel = w.actions_panel
    assert panel.sets[0].name == "Default Actions"
    sepia = panel.sets[0].actions[0]
    doc = w.doc
    layers = len(list(doc.layers()))
    play(w, sepia)
    assert len(list(doc.layers())) == layers + 1
    rgb = doc.active.pixels[..., :3].astype(int)
    # Colorized: warm (red over blue) everywhere.
    assert (rgb[..., 0] >= rgb[..., 2]).mean() > 0.95


def free_transform_by_numbers(w, qtbot) -> None:
    """Ctrl+T, W 50 % (H follows, linked), angle 30°, Enter."""
    w.actions["free_transform"].trigger()
    tool = w.tools.current
    assert tool.id == "transform"
    tool._fields["w"].setValue(50.0)
    tool._fields["angle"].setValue(30.0)
    qtbot.keyClick(w.canvas, Qt.Key.Key_Return)
    assert w.tools.mode is None


def test_free_transform_is_recorded_with_its_numbers(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    open_photo(w, qtbot, tmp_path, monkeypatch, 96, 64)
    w.doc.add_image(photo(20, 12, "astronaut"), "Small", 30, 20)
    action = record(w, qtbot, "Turn", steps=lambda: free_transform_by_numbers(w, qtbot))
    assert [s.label for s in action.steps] == ["Free Transform"]
    settings = action.steps[0].settings
    assert (settings["sx"], settings["sy"], settings["angle"]) == (0.5, 0.5, 30.0)
    doc = second_document(w, qtbot, monkeypatch, tmp_path)
    layer = doc.add_image(photo(20, 12, "astronaut"), "Small", 44, 8)
    free_transform_by_numbers(w, qtbot)  # by hand
    by_hand = (layer.x, layer.y, layer.pixels.copy())
    w.actions["undo"].trigger()
    assert (layer.x, layer.y, layer.width) == (44, 8, 20)
    play(w, action)
    assert doc.history.undo_name() == "Free Transform"
    assert (layer.x, layer.y) == by_hand[:2] and np.array_equal(layer.pixels, by_hand[2])


def transform_selection_by_numbers(w, qtbot) -> None:
    """A 20 x 10 marquee at (10, 10), Select > Transform Selection, W 200 % (H follows),
    Enter."""
    w.doc.set_selection(Box(10, 10, 20, 10))
    w.actions["transform_selection"].trigger()
    tool = w.tools.current
    assert tool.id == "transform_selection"
    tool._fields["w"].setValue(200.0)
    qtbot.keyClick(w.canvas, Qt.Key.Key_Return)
    assert w.tools.mode is None


def test_transform_selection_is_recorded_and_played_about_the_new_selection(
        qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    open_photo(w, qtbot, tmp_path, monkeypatch, 96, 64)
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    w.canvas.setFocus()
    action = record(w, qtbot, "Grow", steps=lambda: transform_selection_by_numbers(w, qtbot))
    assert w.doc.selection == Box(0, 5, 40, 20)  # doubled about its centre
    assert [s.label for s in action.steps] == ["Transform Selection"]
    assert (action.steps[0].settings["sx"], action.steps[0].settings["sy"]) == (2.0, 2.0)
    doc = second_document(w, qtbot, monkeypatch, tmp_path)
    doc.set_selection(Box(40, 20, 10, 6))
    pixels = doc.active.pixels.copy()
    play(w, action)
    assert doc.history.undo_name() == "Transform Selection"
    assert doc.selection == Box(35, 17, 20, 12)  # the same numbers about this frame's centre
    assert np.array_equal(doc.active.pixels, pixels)  # the pixels untouched
    w.actions["undo"].trigger()
    assert doc.selection == Box(40, 20, 10, 6)


def test_function_key_plays_its_action(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    open_photo(w, qtbot, tmp_path, monkeypatch, 96, 64)
    action = record(w, qtbot, "Flip", steps=lambda: w.actions["flip_canvas_v"].trigger(),
                    key="Shift+F3")
    assert action.key == "Shift+F3" and len(action.steps) == 1
    doc = second_document(w, qtbot, monkeypatch, tmp_path)
    steps = doc.history.index
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    w.canvas.setFocus()
    qtbot.keyClick(w.canvas, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    assert doc.history.index == steps + 1
    assert doc.history.undo_name() == "Flip Canvas Vertical"


def test_duplicate_and_delete(recorded, qtbot):
    w, action = recorded
    panel = w.actions_panel
    play(w, action)  # (selects it)
    panel.buttons["duplicate"].click()
    aset = next(s for s in panel.sets if any(a is action for a in s.actions))
    copy = aset.actions[[a.name for a in aset.actions].index("Blur Hue Flip copy")]
    assert [s.label for s in copy.steps] == NAMES and copy.steps is not action.steps
    panel.tree.setCurrentItem(step_item(w, copy, 1))
    panel.buttons["delete"].click()
    assert [s.label for s in copy.steps] == [NAMES[0], NAMES[2]]
    assert [s.label for s in action.steps] == NAMES  # the original keeps its steps
    panel.tree.setCurrentItem(panel.item_for(panel.sets.index(aset), aset.actions.index(copy)))
    panel.buttons["delete"].click()
    assert "Blur Hue Flip copy" not in [a.name for a in aset.actions]


def select_fill_size(w, qtbot) -> None:
    """Select > All, Inverse, Inverse again, Edit > Fill with 50 % grey, Deselect, Image Size
    48 × 30, Layer > Duplicate Layer."""
    w.actions["select_all"].trigger()
    w.actions["inverse"].trigger()
    w.actions["inverse"].trigger()

    def grey(dialog, seen):
        dialog.contents.setCurrentIndex(dialog.contents.findData("gray"))
        dialog.opacity.setValue(50)

    in_modal_dialog(qtbot, w.actions["fill"].trigger, grey, "FillDialog")
    w.actions["deselect"].trigger()

    def size(dialog, seen):
        dialog.keep.setChecked(False)
        dialog.width_box.setValue(48)
        dialog.height_box.setValue(30)

    in_modal_dialog(qtbot, w.actions["image_size"].trigger, size, "ImageSizeDialog")
    w.actions["duplicate"].trigger()


def test_selection_fill_size_and_layer_steps(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    open_photo(w, qtbot, tmp_path, monkeypatch, 96, 64)
    action = record(w, qtbot, "Grey", steps=lambda: select_fill_size(w, qtbot))
    assert [s.label for s in action.steps] == [
        "Select All", "Select Inverse", "Select Inverse", "Fill", "Deselect", "Image Size",
        "Duplicate Layer"]
    assert action.steps[3].settings == {"rgba": [128, 128, 128, 128]}
    doc = second_document(w, qtbot, monkeypatch, tmp_path)
    steps = doc.history.index
    select_fill_size(w, qtbot)
    by_hand = [layer.pixels.copy() for layer in doc.layers()]
    while doc.history.index > steps:
        w.actions["undo"].trigger()
    assert doc.size == (80, 56)
    play(w, action)
    assert doc.size == (48, 30) and doc.history.index == steps + 7
    assert all(np.array_equal(a.pixels, b) for a, b in zip(doc.layers(), by_hand))
    assert len(list(doc.layers())) == len(by_hand) == 2


def test_image_size_step_in_its_dialog(qtbot, tmp_path, monkeypatch):
    """A played Image Size step with its Dialog on: the dialog shows the recorded size; what
    the user types there is what is done."""
    w = make_window(qtbot, tmp_path, monkeypatch)
    open_photo(w, qtbot, tmp_path, monkeypatch, 96, 64)

    def size(dialog, seen):
        dialog.keep.setChecked(False)
        dialog.width_box.setValue(48)
        dialog.height_box.setValue(30)

    action = record(w, qtbot, "Size", steps=lambda: in_modal_dialog(
        qtbot, w.actions["image_size"].trigger, size, "ImageSizeDialog"))
    step_item(w, action, 0).setCheckState(1, Qt.CheckState.Checked)
    doc = second_document(w, qtbot, monkeypatch, tmp_path)

    def change(dialog, seen):
        seen["shown"] = dialog.chosen()
        dialog.width_box.setValue(40)

    seen = in_modal_dialog(qtbot, lambda: play(w, action), change, "ImageSizeDialog")
    assert seen["shown"] == (48, 30)
    assert doc.size == (40, 30)
    assert action.steps[0].settings == {"width": 48, "height": 30, "method": "automatic",
                                        "noise": 0}  # (the action unchanged)


def test_a_damaged_actions_file_is_kept_aside(qtbot, tmp_path, monkeypatch):
    (tmp_path / "actions.json").write_text("{ not json")
    w = make_window(qtbot, tmp_path, monkeypatch)
    assert w.actions_panel.sets[0].name == "Default Actions"
    assert (tmp_path / "actions.json.damaged").read_text() == "{ not json"
    monkeypatch.setattr("editor.ui.dialogs.ask_text", lambda *a: "Mine")
    w.actions_panel.buttons["new_set"].click()
    assert json.load(open(tmp_path / "actions.json"))["sets"][-1]["name"] == "Mine"
