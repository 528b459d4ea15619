"""Image > Duplicate… through the window: a new unsaved tab "<name> copy" holding a copy of
the document (its own pixels), or with Duplicate Merged Layers Only one layer of what the
canvas shows."""
from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QCheckBox, QLineEdit

from editor.model.render import composite_document

from test_revert import layers_of, two_layer_psd
from ui_helpers import in_modal_dialog, make_window, open_file


def duplicate(qtbot, w, name=None, merged=False) -> dict:
    def drive(dialog, seen):
        field = dialog.findChild(QLineEdit, "DuplicateName")
        check = dialog.findChild(QCheckBox, "DuplicateMerged")
        seen["name"], seen["merged_enabled"] = field.text(), check.isEnabled()
        if name is not None:
            field.setText(name)
        check.setChecked(merged)
    return in_modal_dialog(qtbot, w.actions["duplicate_document"].trigger, drive,
                           "DuplicateDialog")


def test_duplicate_copies_the_layers_into_a_new_unsaved_tab(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    open_file(w, qtbot, monkeypatch, two_layer_psd(tmp_path))
    first = w.doc
    first.set_active(first.find_by_name("Top"))
    w.actions["adjust_invert"].trigger()  # a change: the copy is of the document as it is now
    before = layers_of(first)
    guides = ((True, 12.0),)
    first.set_guides(guides, "New Guide")
    seen = duplicate(qtbot, w)
    assert seen["name"] == "two copy" and seen["merged_enabled"]
    assert len(w.sessions) == 2 and w.doc is not first
    copy, session = w.doc, w.session
    assert session.title == "two copy" and session.file is None
    assert layers_of(copy) == before and copy.guides == guides
    assert copy.active.name == "Top" and copy.history.count == 0
    assert np.array_equal(composite_document(copy), composite_document(first))
    # Its own pixels: changing the copy leaves the first as it was.
    w.actions["adjust_invert"].trigger()
    assert layers_of(copy) != before and layers_of(first) == before
    assert not w.test_errors


def test_duplicate_merged_layers_only_and_a_name(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    open_file(w, qtbot, monkeypatch, two_layer_psd(tmp_path))
    first = w.doc
    first.find_by_name("Top").opacity = 128  # (attribute set directly: the picture only)
    picture = composite_document(first).copy()
    duplicate(qtbot, w, name="Flat", merged=True)
    copy = w.doc
    assert w.session.title == "Flat"
    layers = list(copy.layers())
    assert [n.name for n in layers] == ["Background"]
    assert np.array_equal(layers[0].pixels, picture)
    assert np.array_equal(composite_document(copy), picture)
    assert len(list(first.layers())) == 2


def test_duplicate_merged_is_greyed_for_one_layer(opened, qtbot):
    w = opened
    seen = duplicate(qtbot, w, merged=True)
    assert seen["name"] == "cat copy" and not seen["merged_enabled"]
    assert [n.name for n in w.doc.layers()] == [n.name for n in w.sessions[0].doc.layers()]
