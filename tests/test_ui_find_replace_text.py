"""Edit > Find and Replace Text… driven as a user would in the window: Find Next goes
through the type layers (the active one, or all with Search All Layers) and makes the
found one active; Change, Change/Find and Change All replace, each one undo step, the
layers drawn anew and renamed after their text; Case Sensitive and Whole Word narrow
the search; nothing to find is one line in the dialog; a locked layer is left alone."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QTimer, Qt
from PySide6.QtWidgets import QApplication, QCheckBox, QLabel, QLineEdit, QPushButton

from editor.model import text_warp
from editor.model.text_layer import TextLayer, TextSettings, add_text, draw
from ui_helpers import zoomed_photo_window


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    w = zoomed_photo_window(qtbot, tmp_path, monkeypatch, 320, 240, 1.0, activate=True)
    doc = w.doc
    # Three type layers, bottom to top (the top one warped: it bends again when changed).
    add_text(doc, TextSettings("The cat sat", size=20), (10, 40))
    add_text(doc, TextSettings("Concatenate CAT", size=20, bold=True), (10, 90))
    top = add_text(doc, TextSettings("A cat, a dog", size=20, color=(200, 0, 0)), (10, 140))
    text_warp.warp_text(doc, top, "Arc", 30)
    return w


def texts(w):
    return [n.type_settings.text for n in reversed(list(w.doc.layers()))
            if isinstance(n, TextLayer)]


def in_find_dialog(qtbot, w, drive):
    """Opens Edit > Find and Replace Text…, runs drive(dialog), then presses Done."""
    seen = {}

    def inside():
        dialog = QApplication.activeModalWidget()
        seen["name"] = dialog.objectName()
        try:
            drive(dialog)
            qtbot.mouseClick(dialog.findChild(QPushButton, "Done"), Qt.MouseButton.LeftButton)
        finally:
            if dialog.isVisible():
                dialog.reject()

    QTimer.singleShot(0, inside)
    w.actions["find_replace_text"].trigger()
    assert seen["name"] == "FindReplaceDialog"


def click(qtbot, dialog, name):
    qtbot.mouseClick(dialog.findChild(QPushButton, name), Qt.MouseButton.LeftButton)


def fill(qtbot, dialog, find, change="", **ticks):
    for name, text in (("FindWhat", find), ("ChangeTo", change)):
        field = dialog.findChild(QLineEdit, name)
        field.selectAll()
        qtbot.keyClicks(field, text)
    for name, on in ticks.items():
        box = dialog.findChild(QCheckBox, name)
        if box.isChecked() != on:  # (a click on its tick box, at its left)
            qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(6, box.height() // 2))
        assert box.isChecked() == on


def message(dialog) -> str:
    return dialog.findChild(QLabel, "FindMessage").text()


def test_find_next_and_change_find_one_step_each(window, qtbot):
    w = window
    doc = w.doc
    steps = doc.history.index
    top = [n for n in doc.layers() if isinstance(n, TextLayer)][-1]
    doc.set_active(top)
    warped_before = top.pixels.copy()

    def drive(dialog):
        fill(qtbot, dialog, "cat", "bird", SearchAllLayers=True)
        click(qtbot, dialog, "FindNext")  # from the active (top) layer down
        assert doc.active is top and "'cat'" in message(dialog)
        click(qtbot, dialog, "FindNext")
        assert doc.active.type_settings.text == "Concatenate CAT"
        assert "character 4" in message(dialog)  # (inside "Concatenate": no Whole Word)
        click(qtbot, dialog, "Change")
        assert doc.history.index == steps + 1
        assert doc.active.type_settings.text == "Conbirdenate CAT"
        middle = doc.active
        # Change/Find: the next match ("CAT": the case is not matched) found and changed,
        # then the one after found (in the bottom layer).
        click(qtbot, dialog, "ChangeFind")
        assert doc.history.index == steps + 2
        assert middle.type_settings.text == "Conbirdenate bird"
        assert middle.name == "Conbirdenate bird"  # renamed after its text
        assert doc.active.type_settings.text == "The cat sat"
        assert message(dialog) == "Found 'cat' in 'The cat sat' at character 5."

    in_find_dialog(qtbot, w, drive)
    assert texts(w) == ["A cat, a dog", "Conbirdenate bird", "The cat sat"]
    # Each change drew its layer anew, style kept; undo takes them back one at a time.
    middle = [n for n in doc.layers() if isinstance(n, TextLayer)][1]
    assert middle.type_settings.bold
    pixels, _, _ = draw(middle.type_settings)
    assert np.array_equal(pixels, middle.pixels)
    assert np.array_equal(top.pixels, warped_before)
    doc.history.undo()
    assert texts(w)[1] == "Conbirdenate CAT"
    doc.history.undo()
    assert texts(w)[1] == "Concatenate CAT"


def test_change_all_with_case_and_whole_word_is_one_step(window, qtbot):
    w = window
    doc = w.doc
    steps = doc.history.index
    top = [n for n in doc.layers() if isinstance(n, TextLayer)][-1]
    before = top.pixels.copy()

    def drive(dialog):
        fill(qtbot, dialog, "cat", "lion", SearchAllLayers=True, WholeWord=True,
             CaseSensitive=True)
        click(qtbot, dialog, "ChangeAll")
        assert message(dialog) == "2 changes made."

    in_find_dialog(qtbot, w, drive)
    # "Concatenate" (not a whole word) and "CAT" (another case) are left.
    assert texts(w) == ["A lion, a dog", "Concatenate CAT", "The lion sat"]
    assert doc.history.index == steps + 1 and doc.history.undo_name() == "Replace Text"
    # The warped layer keeps its warp and its colour, drawn anew.
    s = top.type_settings
    assert (s.warp_style, s.warp_bend, s.color) == ("Arc", 30.0, (200, 0, 0))
    assert not np.array_equal(top.pixels, before)
    pixels, _, _ = draw(s)
    assert np.array_equal(pixels, top.pixels)
    doc.history.undo()
    assert texts(w) == ["A cat, a dog", "Concatenate CAT", "The cat sat"]
    assert np.array_equal(top.pixels, before)


def test_the_active_layer_alone_and_nothing_to_find(window, qtbot):
    w = window
    doc = w.doc
    steps = doc.history.index
    bottom = [n for n in doc.layers() if isinstance(n, TextLayer)][0]
    doc.set_active(bottom)
    bottom.locked = False

    def drive(dialog):
        click(qtbot, dialog, "FindNext")
        assert message(dialog) == "Type the text to find first."
        assert dialog.findChild(QCheckBox, "SearchAllLayers").isChecked()  # (at first)
        fill(qtbot, dialog, "dog", "cow", SearchAllLayers=False)
        click(qtbot, dialog, "FindNext")  # only the active layer: no dog in it
        assert message(dialog) == "'dog' was not found."
        click(qtbot, dialog, "ChangeAll")
        assert message(dialog) == "'dog' was not found."
        fill(qtbot, dialog, "CAT", "dog")
        click(qtbot, dialog, "ChangeAll")  # the case not matched: "cat" in the active one
        assert message(dialog) == "1 change made."

    in_find_dialog(qtbot, w, drive)
    assert texts(w) == ["A cat, a dog", "Concatenate CAT", "The dog sat"]
    assert doc.history.index == steps + 1


def test_a_locked_layer_is_left_alone(window, qtbot):
    w = window
    doc = w.doc
    layers = [n for n in doc.layers() if isinstance(n, TextLayer)]
    layers[0].locked = True
    steps = doc.history.index

    def drive(dialog):
        fill(qtbot, dialog, "cat", "owl", SearchAllLayers=True, WholeWord=True)
        click(qtbot, dialog, "ChangeAll")
        assert message(dialog) == "2 changes made. 1 locked layer(s) left as they were."

    in_find_dialog(qtbot, w, drive)
    assert texts(w) == ["A owl, a dog", "Concatenate owl", "The cat sat"]
    assert doc.history.index == steps + 1
