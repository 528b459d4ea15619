"""Image > Apply Image… and Calculations… through the window: where they sit, the live
preview, OK as one undo step, Cancel leaving the document as it was, a document of another
size not offered, and Calculations' results (a new channel, a new tab)."""
from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QCheckBox, QGroupBox, QLabel

from editor.model.document import Document
from editor.model.duplicate import duplicate_document
from editor.model import replay
from editor.model.layers import Layer

from ui_helpers import in_modal_dialog


def texts(menu) -> list[str]:
    return [a.text().replace("&", "") for a in menu.actions() if not a.isSeparator()]


def choose(dialog, name: str, text: str) -> None:
    from PySide6.QtWidgets import QComboBox

    box = dialog.findChild(QComboBox, name)
    i = box.findText(text)
    assert i >= 0, (name, text)
    box.setCurrentIndex(i)


def combo_items(dialog, name: str) -> list[str]:
    from PySide6.QtWidgets import QComboBox

    box = dialog.findChild(QComboBox, name)
    return [box.itemText(i) for i in range(box.count())]


def test_items_follow_the_auto_items(opened):
    items = texts(opened.menus["image"])
    at = items.index("Auto Color")
    assert items[at + 1:at + 3] == ["Apply Image…", "Calculations…"]


def test_apply_image_previews_ok_is_one_step_cancel_nothing(opened, qtbot):
    w, doc = opened, opened.doc
    layer = doc.active
    before = layer.pixels.copy()
    expected = before[..., :3] * (before[..., 0:1] / 255.0)
    # Another document of the same size is offered, one of another size is not.
    w.add_session(duplicate_document(doc), "twin")
    small = Document(20, 20)
    small.add_layer(Layer("s", np.full((20, 20, 4), 255, np.uint8)))
    w.add_session(small, "small")
    w.tabs.setCurrentIndex(0)
    steps = doc.history.index

    def drive(dialog, seen):
        seen["documents"] = combo_items(dialog, "SourceDocument")
        choose(dialog, "SourceChannel", "Red")
        choose(dialog, "Blending", "Multiply")
        seen["previewed"] = layer.pixels.copy()
        seen["steps"] = doc.history.index
        seen["cancel"] = seen.get("want_cancel", False)

    recorded = []
    listener = lambda d, name, settings: recorded.append((name, settings))  # noqa: E731
    replay.listen(listener)
    try:
        seen = in_modal_dialog(qtbot, w.actions["apply_image"].trigger, drive,
                               "ApplyImageDialog")
    finally:
        replay.unlisten(listener)
    assert "small" not in seen["documents"] and "twin" in seen["documents"]
    assert seen["steps"] == steps  # the preview is no step
    assert np.abs(seen["previewed"][..., :3] - expected).max() <= 1
    assert doc.history.index == steps + 1
    after = layer.pixels.copy()
    assert np.abs(after[..., :3] - expected).max() <= 1
    w.actions["undo"].trigger()
    assert np.array_equal(layer.pixels, before)
    # The Actions panel's recorder got it, and playing it does it again.
    assert [name for name, _ in recorded] == ["apply_image"]
    replay.play(doc, *recorded[0])
    assert np.array_equal(layer.pixels, after)
    w.actions["undo"].trigger()

    def from_twin(dialog, seen):  # another document's image (the twin, inverted)
        choose(dialog, "SourceDocument", "twin")
        choose(dialog, "SourceChannel", "Red")
        dialog.findChild(QCheckBox, "SourceInvert").setChecked(True)
        choose(dialog, "Blending", "Multiply")

    steps = doc.history.index
    in_modal_dialog(qtbot, w.actions["apply_image"].trigger, from_twin, "ApplyImageDialog")
    assert doc.history.index == steps + 1
    assert np.abs(layer.pixels[..., :3]
                  - before[..., :3] * ((255 - before[..., 0:1]) / 255.0)).max() <= 1
    w.actions["undo"].trigger()

    def cancel(dialog, seen):
        choose(dialog, "Blending", "Screen")
        seen["previewed"] = layer.pixels.copy()
        seen["cancel"] = True

    steps = doc.history.index
    seen = in_modal_dialog(qtbot, w.actions["apply_image"].trigger, cancel, "ApplyImageDialog")
    assert not np.array_equal(seen["previewed"], before)
    assert np.array_equal(layer.pixels, before) and doc.history.index == steps


def test_calculations_to_a_new_channel_and_a_new_document(opened, qtbot):
    w, doc = opened, opened.doc
    px = doc.active.pixels
    expected = px[..., 0].astype(float) * px[..., 1] / 255
    steps = doc.history.index

    def drive(dialog, seen):
        choose(dialog, "Source1Channel", "Red")
        choose(dialog, "Source2Channel", "Green")
        choose(dialog, "Blending", "Multiply")
        choose(dialog, "CalculationsResult", seen.get("result", "New Channel"))

    in_modal_dialog(qtbot, w.actions["calculations"].trigger, drive, "CalculationsDialog")
    assert doc.history.index == steps + 1
    assert np.abs(doc.channels[-1].pixels - expected).max() <= 1
    w.actions["undo"].trigger()
    assert not doc.channels

    def to_document(dialog, seen):
        seen["result"] = "New Document"
        drive(dialog, seen)

    in_modal_dialog(qtbot, w.actions["calculations"].trigger, to_document, "CalculationsDialog")
    assert len(w.sessions) == 2 and w.doc is not doc and doc.history.index == steps
    grey = next(w.doc.layers()).pixels
    assert np.abs(grey[..., 1] - expected).max() <= 1


def test_cancelled_calculations_changes_nothing(opened, qtbot):
    w, doc = opened, opened.doc
    steps = doc.history.index
    in_modal_dialog(qtbot, w.actions["calculations"].trigger,
                    lambda d, seen: seen.update(cancel=True), "CalculationsDialog")
    assert doc.history.index == steps and not doc.channels and len(w.sessions) == 1


def test_onto_a_targeted_mask_with_a_mask_changes_only_the_layer_mask(opened, qtbot):
    from editor.model import mask_ops

    w, doc = opened, opened.doc
    layer = doc.active
    mask_ops.add_mask(doc, layer)
    doc.set_mask_targeted(True)
    pixels, mask = layer.pixels.copy(), layer.mask.pixels.copy()
    red = pixels[..., 0]
    steps = doc.history.index

    def drive(dialog, seen):
        seen["target"] = [lab.text() for lab in dialog.findChildren(QLabel)
                          if lab.text().startswith("Target:")]
        choose(dialog, "SourceChannel", "Red")
        choose(dialog, "Blending", "Normal")
        dialog.findChild(QGroupBox, "MaskBox").setChecked(True)
        choose(dialog, "MaskChannel", "Red")  # the red channel weighs itself

    seen = in_modal_dialog(qtbot, w.actions["apply_image"].trigger, drive, "ApplyImageDialog")
    assert "Layer Mask" in seen["target"][0]
    assert doc.history.index == steps + 1 and np.array_equal(layer.pixels, pixels)
    m = layer.mask
    assert (m.x, m.y) == (0, 0) and m.pixels.shape == red.shape
    expected = mask * (1 - red / 255.0) + red * (red / 255.0)
    assert np.abs(m.pixels - expected).max() <= 1
