"""The History panel's History Options… and the rest of its menu, driven in the window:
Allow Non-Linear History (go back, paint, click the old later step: its pixels), a
snapshot on save, layer visibility changes undoable or not, Preferences > Performance >
History States, New Snapshot…'s dialog (From: Merged Layers) and the camera button
asking, Delete, Clear History (undone by Edit > Undo) and New Document. The options are
kept in the editor's settings."""
from __future__ import annotations

import re

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtWidgets import QApplication

from editor.ui.settings import Settings
from ui_helpers import image_drag, in_modal_dialog, photo, write_png, zoomed_photo_window

W, H = 96, 64


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    """A window with a 96x64 photo opened through File > Open, at 400 %."""
    return zoomed_photo_window(qtbot, tmp_path, monkeypatch, W, H, 4.0)


def set_options(qtbot, w, **flags) -> None:
    """History Options… from the panel menu, its check boxes set to `flags`, OK."""
    panel = w.history_panel
    panel.menu()

    def drive(dialog, seen):
        for key, on in flags.items():
            box = dialog.findChild(type(dialog.boxes[key]), f"HistoryOption_{key}")
            if box.isChecked() != on:
                qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    in_modal_dialog(qtbot, panel.options_action.trigger, drive, "HistoryOptionsDialog")


def click_step(qtbot, w, row: int) -> None:
    panel = w.history_panel
    panel._rebuild()
    qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton,
                     pos=panel.row_rect(row).center())


def stroke(qtbot, w, y: float) -> None:
    """A Brush stroke (the foreground colour, black) across the photo at height `y`."""
    w.activateWindow()   # (after a dialog: B is the window's shortcut)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    w.canvas.setFocus()
    qtbot.keyClick(w.canvas, Qt.Key.Key_B)
    w.tools.current.set_size(7)
    image_drag(qtbot, w.canvas, [(10.5, y), (50.5, y), (85.5, y)])


def open_second(w, qtbot, tmp_path, monkeypatch) -> None:
    """Another photo opened through File > Open, in a second tab."""
    path = write_png(tmp_path / "second.png", photo(40, 30, "coffee"))
    monkeypatch.setattr("editor.ui.dialogs.ask_open_paths", lambda *a, **k: [path])
    w.actions["open"].trigger()
    qtbot.waitUntil(lambda: len(w.sessions) == 2, timeout=10000)


def stored(w) -> Settings:
    """The settings as a new run reads them from their file."""
    return Settings(QSettings(w.settings.q.fileName(), QSettings.Format.IniFormat))


def test_non_linear_history_keeps_the_later_steps_to_click(window, qtbot):
    w = window
    doc = w.doc
    layer = next(doc.layers())
    set_options(qtbot, w, non_linear=True)
    assert doc.history.non_linear and stored(w).history_option("non_linear")
    shots = []
    for y in (12.5, 32.5, 52.5):
        stroke(qtbot, w, y)
        shots.append(layer.pixels.copy())
    assert doc.history.names() == ["Brush Tool"] * 3
    click_step(qtbot, w, 1)                   # back to the first stroke
    assert np.array_equal(layer.pixels, shots[0])
    stroke(qtbot, w, 22.5)                    # a new step there
    branch = layer.pixels.copy()
    # The new step is added at the end; the later steps stay, not greyed, and can be clicked.
    panel = w.history_panel
    panel._rebuild()
    assert [panel.list.item(r).text() for r in range(panel.list.count())] == \
        ["Open"] + ["Brush Tool"] * 4
    assert panel.list.currentRow() == 4
    assert not any(panel.list.item(r).font().italic() for r in range(5))
    click_step(qtbot, w, 3)                   # the old third stroke: its pixels
    assert np.array_equal(layer.pixels, shots[2])
    assert not np.array_equal(shots[2], branch)
    click_step(qtbot, w, 4)
    assert np.array_equal(layer.pixels, branch)
    # Undo takes the new stroke back to the state it was made on.
    w.actions["undo"].trigger()
    assert np.array_equal(layer.pixels, shots[0])


def test_linear_history_greys_then_forgets_the_later_steps(window, qtbot):
    w = window
    layer = next(w.doc.layers())
    for y in (12.5, 32.5):
        stroke(qtbot, w, y)
    click_step(qtbot, w, 1)
    panel = w.history_panel
    panel._rebuild()
    assert panel.list.item(2).font().italic()
    stroke(qtbot, w, 52.5)
    assert w.doc.history.count == 2
    click_step(qtbot, w, 0)
    assert np.array_equal(layer.pixels, photo(W, H))


def test_a_snapshot_is_made_on_save_when_asked(window, qtbot, tmp_path, monkeypatch):
    w = window
    doc = w.doc
    layer = next(doc.layers())
    monkeypatch.setattr("editor.ui.dialogs.ask_save_path",
                        lambda *a, **k: str(tmp_path / "saved.psd"))
    stroke(qtbot, w, 12.5)
    w.actions["save_as"].trigger()
    qtbot.waitUntil(lambda: not doc.modified, timeout=10000)
    assert len(doc.snapshots.items) == 1   # off by default, as in Photoshop
    set_options(qtbot, w, snapshot_on_save=True)
    stroke(qtbot, w, 32.5)
    saved = layer.pixels.copy()
    w.actions["save"].trigger()
    qtbot.waitUntil(lambda: not doc.modified, timeout=10000)
    names = [s.name for s in doc.snapshots.items]
    assert len(names) == 2 and re.fullmatch(r"\d\d:\d\d:\d\d", names[1])
    stroke(qtbot, w, 52.5)
    doc.snapshots.restore(doc.snapshots.items[1])
    assert np.array_equal(next(doc.layers()).pixels, saved)


@pytest.mark.parametrize("undoable", [True, False])
def test_layer_visibility_changes_undoable_or_not(window, qtbot, undoable):
    from editor.ui.layers_panel import EYE_W, ROW_H

    w = window
    doc = w.doc
    layer = next(doc.layers())
    if not undoable:
        set_options(qtbot, w, visibility_undoable=False)
        assert not stored(w).history_option("visibility_undoable")
    stroke(qtbot, w, 12.5)
    doc.history.mark_clean()
    panel = w.layers_panel.list
    panel.rebuild()
    row = panel.row_of(layer)
    qtbot.mouseClick(panel, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(EYE_W // 2, row * ROW_H + ROW_H // 2))
    assert not layer.visible and doc.modified
    w.actions["undo"].trigger()
    if undoable:
        assert layer.visible and doc.history.names() == ["Brush Tool", "Hide Layer"]
        assert doc.history.index == 1
    else:  # Undo takes back the stroke, and the layer stays hidden
        assert not layer.visible and doc.history.index == 0


def test_history_states_in_preferences_limit_the_steps(window, qtbot, tmp_path, monkeypatch):
    w = window
    doc = w.doc

    def drive(dialog, seen):
        spin = dialog.findChild(type(dialog.history_states), "HistoryStates")
        assert spin.value() == 100
        spin.setValue(3)
    in_modal_dialog(qtbot, w.actions["preferences"].trigger, drive, "PreferencesDialog")
    assert stored(w).history_states == 3 and doc.history.max_steps == 3
    for _ in range(5):
        w.actions["adjust_invert"].trigger()
    assert doc.history.count == 3
    w.history_panel._rebuild()
    assert w.history_panel.list.count() == 4
    # A document opened later keeps as many.
    open_second(w, qtbot, tmp_path, monkeypatch)
    assert w.doc is not doc and w.doc.history.max_steps == 3


def test_new_snapshot_dialog_from_merged_layers_and_the_camera_asking(window, qtbot):
    w = window
    doc = w.doc
    panel = w.history_panel
    doc.new_layer()
    panel.menu()

    def drive(dialog, seen):
        dialog.findChild(type(dialog.name), "SnapshotName").setText("Flat")
        box = dialog.findChild(type(dialog.source), "SnapshotFrom")
        box.setCurrentIndex(box.findData("merged"))
    in_modal_dialog(qtbot, panel.new_action.trigger, drive, "NewSnapshotDialog")
    snap = doc.snapshots.items[-1]
    assert snap.name == "Flat" and [n.name for n in snap.state.nodes] == ["Merged Layers"]
    # The camera button makes one at once, unless the options show the dialog by default.
    qtbot.mouseClick(panel.new_button, Qt.MouseButton.LeftButton)
    assert doc.snapshots.items[-1].name == "Snapshot 1"
    set_options(qtbot, w, snapshot_dialog=True)

    def layer_only(dialog, seen):
        box = dialog.findChild(type(dialog.source), "SnapshotFrom")
        box.setCurrentIndex(box.findData("layer"))
    in_modal_dialog(qtbot, lambda: qtbot.mouseClick(panel.new_button, Qt.MouseButton.LeftButton),
                    layer_only, "NewSnapshotDialog")
    snap = doc.snapshots.items[-1]
    assert snap.name == "Snapshot 2" and [n.name for n in snap.state.nodes] == ["Layer 1"]


def test_delete_clear_history_and_new_document(window, qtbot):
    w = window
    doc = w.doc
    layer = next(doc.layers())
    panel = w.history_panel
    for y in (12.5, 32.5, 52.5):
        stroke(qtbot, w, y)
    click_step(qtbot, w, 2)
    two = layer.pixels.copy()
    panel.menu()
    panel.new_document_action.trigger()     # the current state as a new document
    assert len(w.sessions) == 2 and w.session.title == "Brush Tool"
    assert np.array_equal(next(w.doc.layers()).pixels, two)
    assert w.doc.history.count == 0
    w.show_session(w.sessions[0])
    panel.menu()
    panel.delete_step_action.trigger()      # step 2 and those after it
    assert doc.history.count == 1 and doc.history.index == 1
    assert not np.array_equal(layer.pixels, two)
    panel.clear_action.trigger()
    panel._rebuild()
    assert panel.list.count() == 1 and len(doc.snapshots.items) == 1
    assert w.actions["undo"].text() == "&Undo Clear History"
    w.actions["undo"].trigger()
    assert doc.history.count == 1 and doc.history.index == 1


def test_no_first_snapshot_when_the_option_is_off(window, qtbot, tmp_path, monkeypatch):
    w = window
    set_options(qtbot, w, first_snapshot=False)
    open_second(w, qtbot, tmp_path, monkeypatch)
    assert w.doc is not w.sessions[0].doc and w.doc.snapshots.items == []
    assert len(w.sessions[0].doc.snapshots.items) == 1


def test_step_backward_forward_and_alt_clear_history_purges(window, qtbot, monkeypatch):
    w = window
    doc = w.doc
    layer = next(doc.layers())
    stroke(qtbot, w, 12.5)
    painted = layer.pixels.copy()
    panel = w.history_panel
    panel.menu()
    assert not panel.forward_action.isEnabled() and panel.backward_action.isEnabled()
    panel.backward_action.trigger()
    assert np.array_equal(layer.pixels, photo(W, H))
    panel.menu()
    assert panel.forward_action.isEnabled()
    panel.forward_action.trigger()
    assert np.array_equal(layer.pixels, painted)
    # Alt held: Photoshop's purge, which Undo cannot take back.
    monkeypatch.setattr(QApplication, "keyboardModifiers",
                        staticmethod(lambda: Qt.KeyboardModifier.AltModifier))
    panel.menu()
    panel.clear_action.trigger()
    assert doc.history.count == 0 and not doc.history.can_undo()
    assert np.array_equal(layer.pixels, painted) and doc.modified


def test_toggle_last_state_and_the_step_keys_in_the_panel_menu(window, qtbot):
    """Edit > Toggle Last State (Alt+Ctrl+Z, under Redo): after two strokes it takes the
    last back, again brings it back; after a click on the opened state in the History panel
    it returns to the two strokes. Ctrl+Z is Undo alone now (one step back), and the panel
    menu's Step Forward / Step Backward show Redo's and Undo's keys, which still work with
    the menu built (no second, competing shortcut)."""
    from PySide6.QtGui import QKeySequence

    w = window
    doc = w.doc
    layer = next(doc.layers())
    stroke(qtbot, w, 12.5)
    first = layer.pixels.copy()
    stroke(qtbot, w, 40.5)
    second = layer.pixels.copy()
    edit = [a.objectName() for a in w.menus["edit"].actions()]
    assert edit.index("toggle_last_state") == edit.index("redo") + 1
    action = w.actions["toggle_last_state"]
    assert action.shortcut() == QKeySequence("Alt+Ctrl+Z")
    assert w.actions["undo"].shortcuts() == [QKeySequence("Ctrl+Z")]
    panel = w.history_panel
    native = QKeySequence.SequenceFormat.NativeText
    panel.menu()
    assert panel.forward_action.text() == \
        "Step Forward\t" + QKeySequence("Shift+Ctrl+Z").toString(native)
    assert panel.backward_action.text() == \
        "Step Backward\t" + QKeySequence("Ctrl+Z").toString(native)
    w.canvas.setFocus()
    alt_ctrl = Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ControlModifier
    qtbot.keyClick(w.canvas, Qt.Key.Key_Z, alt_ctrl)
    assert np.array_equal(layer.pixels, first)
    qtbot.keyClick(w.canvas, Qt.Key.Key_Z, alt_ctrl)
    assert np.array_equal(layer.pixels, second)
    click_step(qtbot, w, 0)  # (the opened state, two steps back at once)
    assert np.array_equal(layer.pixels, photo(W, H))
    w.update_actions()
    assert action.isEnabled()
    action.trigger()  # (Edit > Toggle Last State)
    assert np.array_equal(layer.pixels, second)
    w.canvas.setFocus()
    qtbot.keyClick(w.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert np.array_equal(layer.pixels, first)  # (Undo: one step)
    qtbot.keyClick(w.canvas, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier)
    assert np.array_equal(layer.pixels, second)
