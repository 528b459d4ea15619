"""File > Revert (F12): the document reloaded from its file as one undo step, through the
window's File menu; disabled for a new, never-saved document."""
from __future__ import annotations

import numpy as np
from PySide6.QtGui import QKeySequence

from editor.model import Document
from editor.model.files import open_document, save_document
from editor.model.render import composite_document

from ui_helpers import make_window, open_file, photo


def two_layer_psd(tmp_path) -> str:
    doc = Document(80, 60)
    doc.add_image(photo(80, 60), "Background", 0, 0)
    doc.add_image(photo(30, 20, "astronaut"), "Top", 40, 30)
    path = str(tmp_path / "two.psd")
    save_document(doc, path)
    return path


def layers_of(doc: Document) -> list:
    return [(n.name, n.x, n.y, n.pixels.tobytes()) for n in doc.layers()]


def test_revert_puts_the_file_back_as_one_undo_step(qtbot, tmp_path, monkeypatch):
    path = two_layer_psd(tmp_path)
    w = make_window(qtbot, tmp_path, monkeypatch)
    open_file(w, qtbot, monkeypatch, path)
    doc = w.doc
    assert w.actions["revert"].shortcut() == QKeySequence("F12")
    assert "revert" in [a.objectName() for a in w.menus["file"].actions()]
    on_disk = open_document(path)
    assert layers_of(doc) == layers_of(on_disk)
    # Changes: the top layer inverted, a layer added, a selection made.
    w.actions["adjust_invert"].trigger()
    w.actions["new_layer"].trigger()
    doc.set_selection(None)
    changed = layers_of(doc)
    changed_picture = composite_document(doc).copy()
    assert changed != layers_of(on_disk) and w.session.modified
    steps = doc.history.count
    w.actions["revert"].trigger()
    qtbot.waitUntil(lambda: doc.history.undo_name() == "Revert", timeout=10000)
    assert not w.test_errors
    assert doc.history.count == steps + 1
    assert layers_of(doc) == layers_of(on_disk)
    assert np.array_equal(composite_document(doc), composite_document(on_disk))
    assert not w.session.modified and w.doc is doc and len(w.sessions) == 1
    w.actions["undo"].trigger()
    assert layers_of(doc) == changed and w.session.modified
    assert np.array_equal(composite_document(doc), changed_picture)
    w.actions["redo"].trigger()
    assert layers_of(doc) == layers_of(on_disk)


def test_revert_reads_the_file_as_it_is_now_and_is_off_for_a_new_document(qtbot, tmp_path,
                                                                          monkeypatch):
    path = two_layer_psd(tmp_path)
    w = make_window(qtbot, tmp_path, monkeypatch)
    open_file(w, qtbot, monkeypatch, path)
    doc = w.doc
    # Unmodified, but the file changed on disk (saved by another program): Revert reads it.
    other = Document(80, 60)
    other.add_image(photo(80, 60, "coffee"), "Coffee", 0, 0)
    save_document(other, path)
    qtbot.waitUntil(lambda: w.actions["revert"].isEnabled(), timeout=2000)
    w.actions["revert"].trigger()
    qtbot.waitUntil(lambda: doc.history.undo_name() == "Revert", timeout=10000)
    assert layers_of(doc) == layers_of(open_document(path))
    w.files.create_document(40, 30)
    qtbot.waitUntil(lambda: w.doc is not doc, timeout=2000)
    qtbot.waitUntil(lambda: not w.actions["revert"].isEnabled(), timeout=2000)
    w.actions["revert"].trigger()  # (its key still reaches the slot: nothing happens)
    assert w.doc.history.count == 0 and not w.test_errors
