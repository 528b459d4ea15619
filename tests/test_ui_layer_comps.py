"""Layer Comps through the window: the panel (a tab beside History, in the Window menu) with
its Last Document State row, New Layer Comp… (its dialog), applying a comp by a click on
its icon, a double-click or the Previous/Next arrows (each one undo step, the composite
as it was when the comp was made), Update, Delete, Rename, layers added or deleted since,
and the comps kept through Save As PSD and File > Open (from Photoshop's copy of them
too). The layers are changed as a user
would: Duplicate Layer, the Move tool's arrow-key nudges, the Layers panel's eye."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from editor.model.layer_comps import LAST_STATE
from ui_helpers import (in_modal_dialog, open_file, panel_item, saved_and_reopened, screen,
                        zoomed_photo_window)

W, H = 96, 64
SHIFT = Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def opened(qtbot, tmp_path, monkeypatch):
    return zoomed_photo_window(qtbot, tmp_path, monkeypatch, W, H, 2.0)


def eye_click(w, qtbot, node) -> None:
    """Clicks `node`'s eye in the Layers panel (shows or hides it)."""
    from editor.ui.layers_panel import EYE_W

    rows = w.layers_panel.list
    rows.rebuild()
    qtbot.mouseClick(rows, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(EYE_W // 2, rows.row_rect(node).center().y()))


def nudge(w, qtbot, key, times=1) -> None:
    """The Move tool's Shift+arrow: the active layer 10 px that way, per press."""
    w.canvas.setFocus()
    qtbot.keyClick(w.canvas, Qt.Key.Key_V)
    for _ in range(times):
        qtbot.keyClick(w.canvas, key, SHIFT)


def rows(w) -> list[str]:
    panel = w.layer_comps_panel
    panel._rebuild()
    return [panel.list.item(i).text() for i in range(panel.list.count())]


def comp_uid(w, name):
    return next(c.uid for c in w.doc.layer_comps.comps if c.name == name)


def row_click(qtbot, w, key, icon=False, double=False) -> None:
    """A click on the row of `key` (a comp's uid or LAST_STATE): on its name, or on its
    icon column (`icon`: applies it); `double`: a double-click on the name."""
    panel = w.layer_comps_panel
    w.docks["layer_comps"].raise_()
    panel._rebuild()
    rect = panel.row_rect(key)
    at = QPoint(rect.left() + (10 if icon else 60), rect.center().y())
    qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier, at)
    if double:
        qtbot.mouseDClick(panel.list.viewport(), Qt.MouseButton.LeftButton,
                          Qt.KeyboardModifier.NoModifier, at)


def button(qtbot, w, name) -> None:
    w.docks["layer_comps"].raise_()
    qtbot.mouseClick(w.layer_comps_panel.buttons[name], Qt.MouseButton.LeftButton)


def new_comp(w, qtbot, name, comment="", **flags) -> None:
    """The panel's New Layer Comp button, its dialog filled in (Apply To: `flags`, each
    checked unless given False) and OKed."""
    def fill(dialog, seen):
        dialog.name.setText(name)
        dialog.comment.setPlainText(comment)
        for attr, on in flags.items():
            dialog.flags[attr].setChecked(on)

    w.docks["layer_comps"].raise_()
    in_modal_dialog(qtbot, w.layer_comps_panel.buttons["comp_new"].click, fill,
                    "NewLayerCompDialog")


def two_comps(w, qtbot):
    """A copy of the photo nudged 10 px right: comp "Moved"; the copy hidden and nudged
    20 px left: comp "Hidden". Returns (copy, the composite of each)."""
    doc = w.doc
    w.actions["duplicate"].trigger()
    copy = doc.active
    nudge(w, qtbot, Qt.Key.Key_Right)
    assert (copy.x, copy.y) == (10, 0)
    moved = screen(w)
    new_comp(w, qtbot, "Moved", comment="the copy to the right")
    eye_click(w, qtbot, copy)
    nudge(w, qtbot, Qt.Key.Key_Left, 2)
    assert not copy.visible and copy.x == -10
    hidden = screen(w)
    assert not np.array_equal(moved, hidden)
    new_comp(w, qtbot, "Hidden")
    return copy, moved, hidden


def test_the_panel_is_a_tab_beside_history_in_the_window_menu(opened):
    w = opened
    dock = w.docks["layer_comps"]
    assert dock in w.tabifiedDockWidgets(w.docks["history"])
    assert panel_item(w, "Layer Comps") is dock.toggleViewAction()
    assert rows(w) == [LAST_STATE]
    assert w.actions["comp_new"].isEnabled() and not w.actions["comp_next"].isEnabled()


def test_switching_comps_restores_each_state_in_one_undo_step(opened, qtbot):
    w, doc = opened, opened.doc
    copy, moved, hidden = two_comps(w, qtbot)
    assert rows(w) == [LAST_STATE, "Moved", "Hidden"]
    eye_click(w, qtbot, copy)  # shown again at -10: the Last Document State
    last = screen(w)
    assert copy.visible and not np.array_equal(last, hidden)

    steps = doc.history.count
    row_click(qtbot, w, comp_uid(w, "Moved"), icon=True)  # the icon column applies
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Apply Layer Comp"
    assert copy.visible and (copy.x, copy.y) == (10, 0)
    np.testing.assert_array_equal(screen(w), moved)
    assert w.layer_comps_panel.applied_row() == comp_uid(w, "Moved")

    row_click(qtbot, w, comp_uid(w, "Hidden"), double=True)  # so does a double-click
    assert doc.history.count == steps + 2
    assert not copy.visible and copy.x == -10
    np.testing.assert_array_equal(screen(w), hidden)

    button(qtbot, w, "comp_next")  # round the list: back to the first
    np.testing.assert_array_equal(screen(w), moved)
    button(qtbot, w, "comp_previous")
    np.testing.assert_array_equal(screen(w), hidden)

    w.actions["undo"].trigger()
    np.testing.assert_array_equal(screen(w), moved)
    assert w.layer_comps_panel.applied_row() == comp_uid(w, "Moved")

    # The Last Document State: the layers before the first comp was applied.
    row_click(qtbot, w, LAST_STATE, icon=True)
    np.testing.assert_array_equal(screen(w), last)
    assert copy.visible and copy.x == -10
    assert w.layer_comps_panel.applied_row() == LAST_STATE
    assert w.test_errors == []


def test_a_comp_restores_only_what_it_applies_to(opened, qtbot):
    w, doc = opened, opened.doc
    w.actions["duplicate"].trigger()
    copy = doc.active
    new_comp(w, qtbot, "Visibility only", position=False)
    new_comp(w, qtbot, "Position only", visibility=False)
    nudge(w, qtbot, Qt.Key.Key_Right)
    eye_click(w, qtbot, copy)
    row_click(qtbot, w, comp_uid(w, "Position only"), icon=True)
    assert not copy.visible and copy.x == 0  # moved back, left hidden
    nudge(w, qtbot, Qt.Key.Key_Right)
    row_click(qtbot, w, comp_uid(w, "Visibility only"), icon=True)
    assert copy.visible and copy.x == 10  # shown again, left where it was moved


def test_update_changes_a_comp_and_delete_removes_it(opened, qtbot):
    w, doc = opened, opened.doc
    copy, moved, hidden = two_comps(w, qtbot)
    uid = comp_uid(w, "Moved")
    row_click(qtbot, w, uid)  # chosen, not applied
    assert doc.history.undo_name() == "New Layer Comp"
    nudge(w, qtbot, Qt.Key.Key_Down, 2)  # the hidden copy, now at (-10, 20)
    eye_click(w, qtbot, copy)
    updated = screen(w)
    button(qtbot, w, "comp_update")
    assert doc.history.undo_name() == "Update Layer Comp"
    row_click(qtbot, w, comp_uid(w, "Hidden"), icon=True)
    np.testing.assert_array_equal(screen(w), hidden)
    row_click(qtbot, w, uid, icon=True)
    assert copy.visible and (copy.x, copy.y) == (-10, 20)
    np.testing.assert_array_equal(screen(w), updated)

    row_click(qtbot, w, uid)
    button(qtbot, w, "comp_delete")
    assert doc.history.undo_name() == "Delete Layer Comp"
    assert rows(w) == [LAST_STATE, "Hidden"]
    w.actions["undo"].trigger()
    assert rows(w) == [LAST_STATE, "Moved", "Hidden"]

    # Rename, from the panel's menu action.
    row_click(qtbot, w, uid)
    from unittest import mock
    with mock.patch("editor.ui.dialogs.ask_text", lambda *a, **k: "Moved right"):
        w.actions["comp_rename"].trigger()
    assert rows(w) == [LAST_STATE, "Moved right", "Hidden"]


def test_layers_added_later_are_left_and_deleted_ones_ignored(opened, qtbot):
    w, doc = opened, opened.doc
    copy, moved, hidden = two_comps(w, qtbot)
    photo = next(n for n in doc.layers() if n is not copy)
    w.actions["new_layer"].trigger()
    added = doc.active
    eye_click(w, qtbot, added)  # hidden: not in any comp, so no comp shows it again
    doc.set_active(copy)
    w.actions["delete_layer"].trigger()
    assert copy not in list(doc.layers())
    row_click(qtbot, w, comp_uid(w, "Moved"), icon=True)
    assert w.test_errors == [] and doc.history.undo_name() == "Apply Layer Comp"
    assert not added.visible and photo.visible
    np.testing.assert_array_equal(screen(w), hidden)  # the photo alone


def test_comps_survive_save_as_psd_and_reopening(opened, qtbot, tmp_path, monkeypatch):
    w = opened
    copy, moved, hidden = two_comps(w, qtbot)
    back = saved_and_reopened(w, qtbot, monkeypatch, str(tmp_path / "comps.psd"))
    assert rows(w) == [LAST_STATE, "Moved", "Hidden"]
    assert back.layer_comps.comps[0].comment == "the copy to the right"
    row_click(qtbot, w, comp_uid(w, "Moved"), icon=True)
    np.testing.assert_array_equal(screen(w), moved)
    row_click(qtbot, w, comp_uid(w, "Hidden"), icon=True)
    np.testing.assert_array_equal(screen(w), hidden)


def test_photoshop_sees_the_comps_saved_and_they_open_from_its_copy(opened, qtbot, tmp_path,
                                                                     monkeypatch):
    """Saved, the comps are in Photoshop's resource 1065 and each layer's 'cmls' too; a file
    with those alone (our XMP packet dropped, as by another program) opens with the same
    comps, which apply as they did."""
    from psd_tools import PSDImage
    from psd_tools.constants import Resource, Tag

    w, doc = opened, opened.doc
    copy, moved, hidden = two_comps(w, qtbot)
    path = str(tmp_path / "comps.psd")
    monkeypatch.setattr("editor.ui.dialogs.ask_save_path", lambda *a, **k: path)
    w.actions["save_as"].trigger()
    qtbot.waitUntil(lambda: not doc.modified, timeout=10000)
    psd = PSDImage.open(path)
    entries = psd.image_resources.get_data(Resource.LAYER_COMPS)[b"list"]
    assert [(e[b"Nm  "].value.rstrip("\0"), int(e[b"capturedInfo"])) for e in entries] == \
        [("Moved", 7), ("Hidden", 7)]
    top = list(psd)[-1]  # the copy
    meta = top._record.tagged_blocks.get_data(Tag.METADATA_SETTING)
    settings = next(m.data for m in meta if m.key == b"cmls")[b"layerSettings"]
    # (saved hidden at x -10: in "Moved" shown, 20 px right of that)
    assert [(bool(s[b"enab"]), int(s[b"Ofst"][b"Hrzn"])) for s in settings[:2]] == \
        [(True, 20), (False, 0)]
    del psd.image_resources[Resource.XMP_METADATA]
    other = str(tmp_path / "photoshop.psd")
    psd.save(other)
    w.close_session(w.session)
    open_file(w, qtbot, monkeypatch, other)
    assert rows(w) == [LAST_STATE, "Moved", "Hidden"]
    assert w.doc.layer_comps.comps[0].comment == "the copy to the right"
    row_click(qtbot, w, comp_uid(w, "Moved"), icon=True)
    np.testing.assert_array_equal(screen(w), moved)
    row_click(qtbot, w, comp_uid(w, "Hidden"), icon=True)
    np.testing.assert_array_equal(screen(w), hidden)


def test_a_history_snapshot_keeps_the_comps_and_they_apply_to_its_layers(opened, qtbot):
    from editor.ui.history_panel import NAME

    w, doc = opened, opened.doc
    copy, moved, hidden = two_comps(w, qtbot)
    w.docks["history"].raise_()
    qtbot.mouseClick(w.history_panel.new_button, Qt.MouseButton.LeftButton)  # Snapshot 1
    row_click(qtbot, w, comp_uid(w, "Moved"))
    button(qtbot, w, "comp_delete")
    assert rows(w) == [LAST_STATE, "Hidden"]
    w.docks["history"].raise_()
    panel = w.history_panel
    panel._rebuild()
    qtbot.mouseClick(panel.snapshots.viewport(), Qt.MouseButton.LeftButton,
                     pos=panel.snapshot_rect(1, NAME).center())
    assert doc.history.undo_name() == "Restore Snapshot 1"
    assert rows(w) == [LAST_STATE, "Moved", "Hidden"]
    assert copy not in list(doc.layers())  # (the restored layers are copies)
    row_click(qtbot, w, comp_uid(w, "Moved"), icon=True)
    np.testing.assert_array_equal(screen(w), moved)
