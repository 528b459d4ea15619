"""Edit > Auto-Align Layers… and Auto-Blend Layers… in the window. Align: two layers chosen in
the Layers panel (the photo and a turned, moved copy above it), the Projection picked in
the dialog, the job run: the copy lies on the photo, one undo step, the status line says
what moved onto what; Cancel in the dialog changes nothing; one chosen layer is refused in
one line before any dialog. Blend: two shots each sharp on one side, Stack Images: the
canvas shows the sharp photo, both layers masked, one undo step."""
from __future__ import annotations

import cv2
import numpy as np

from editor.model.render import composite_document
from editor.model.resample import perspective_pixels
from test_auto_align import H, W, misfit, photo, similarity
from test_ui_layer_basics import ctrl_click_row
from ui_helpers import in_modal_dialog, make_window


def window_with_two_shots(qtbot, tmp_path, monkeypatch):
    from editor.model import Document

    w = make_window(qtbot, tmp_path, monkeypatch)
    doc = Document(W, H)
    base = doc.add_image(photo(), "Photo", 0, 0)
    pixels, x, y = perspective_pixels(photo(), similarity(-5.0, 0.95, 16, 9))
    shot = doc.add_image(pixels, "Shot 2", x, y)
    doc.history.mark_clean()
    w.add_session(doc, "shots")
    w.canvas.fit()
    return w, doc, base, shot


def projection(name: str, cancel: bool = False):
    def drive(dialog, seen):
        dialog.buttons[name].setChecked(True)
        assert dialog.choice() == name
        seen["cancel"] = cancel
    return drive


def test_auto_align_moves_the_copy_onto_the_photo_in_one_step(qtbot, tmp_path, monkeypatch):
    w, doc, base, shot = window_with_two_shots(qtbot, tmp_path, monkeypatch)
    action = w.actions["auto_align"]
    menu = [a.text().replace("&", "") for a in w.menus["edit"].actions()]
    assert "Auto-Align Layers…" in menu
    before = misfit(doc, base, shot)
    shot_pixels = shot.pixels.copy()

    # Cancel: nothing happens.
    doc.set_active(base)
    ctrl_click_row(w, qtbot, shot)
    assert set(w.layers_panel.selected_nodes()) == {base, shot}
    steps = doc.history.index
    in_modal_dialog(qtbot, action.trigger, projection("collage", cancel=True), "AutoAlignDialog")
    qtbot.wait(200)
    assert doc.history.index == steps and not w.jobs.busy
    np.testing.assert_array_equal(shot.pixels, shot_pixels)

    in_modal_dialog(qtbot, action.trigger, projection("collage"), "AutoAlignDialog")
    qtbot.waitUntil(lambda: doc.history.index == steps + 1, timeout=30000)
    after = misfit(doc, base, shot)
    print("misfit", before, "->", after)
    assert before > 25 and after < 6
    assert doc.history.undo_name() == "Auto-Align Layers"
    assert w.statusBar().currentMessage() == "Aligned 1 layer onto 'Photo'."
    assert w.settings.value("auto_align/projection") == "collage"
    w.actions["undo"].trigger()
    np.testing.assert_array_equal(shot.pixels, shot_pixels)
    assert w.test_errors == []


def test_one_chosen_layer_is_refused_before_the_dialog(qtbot, tmp_path, monkeypatch):
    w, doc, base, shot = window_with_two_shots(qtbot, tmp_path, monkeypatch)
    doc.set_active(shot)
    steps = doc.history.index
    w.actions["auto_align"].trigger()  # no dialog opens: the refusal comes first
    assert w.auto_layers_commands.dialog is None
    assert w.test_errors == [("Could not align the layers", "Choose two or more layers with "
                              "pixels in the Layers panel (Ctrl+click) to align them.")]
    assert doc.history.index == steps


def test_auto_blend_stack_images_shows_the_sharp_photo(qtbot, tmp_path, monkeypatch):
    from editor.model import Document

    w = make_window(qtbot, tmp_path, monkeypatch)
    sharp = photo()
    left, right = cv2.GaussianBlur(sharp, (0, 0), 4.0), cv2.GaussianBlur(sharp, (0, 0), 4.0)
    left[:, :W // 2], right[:, W // 2:] = sharp[:, :W // 2], sharp[:, W // 2:]
    doc = Document(W, H)
    a = doc.add_image(left, "Focus left", 0, 0)
    b = doc.add_image(right, "Focus right", 0, 0)
    w.add_session(doc, "stack")
    w.canvas.fit()
    doc.set_active(b)
    ctrl_click_row(w, qtbot, a)
    steps = doc.history.index
    in_modal_dialog(qtbot, w.actions["auto_blend"].trigger, projection("stack"),
                    "AutoBlendDialog")
    qtbot.waitUntil(lambda: doc.history.index == steps + 1, timeout=30000)
    assert doc.history.undo_name() == "Auto-Blend Layers"
    assert a.mask is not None and b.mask is not None
    shown = np.abs(composite_document(doc)[..., :3].astype(int) - sharp[..., :3]).mean()
    assert shown < 1.0, shown
    assert w.statusBar().currentMessage() == "Blended 2 layers (Stack Images)."
    w.actions["undo"].trigger()
    assert a.mask is None and b.mask is None and w.test_errors == []
