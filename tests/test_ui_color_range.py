"""Select > Color Range… in the window, as a user works it: the dialog opens beside the
canvas, a click on the canvas samples a colour (Shift+click adds one, Alt+click takes
one away), the dialog's thumbnail and the canvas show the selection to come, Fuzziness
and the presets change it, OK selects in one undo step (within the selection when
there is one), Cancel leaves everything as it was."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QDialogButtonBox

from editor.model import color_range as cr
from editor.model.selection_ops import current_mask
from editor.ui.color_range import OVERLAY
from engine.box import Box
from job_gate import Gate, press_esc
from ui_helpers import image_pos, make_window, open_photo

W, H = 96, 64


def opened(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    open_photo(w, qtbot, tmp_path, monkeypatch, W, H)
    w.canvas.set_zoom(4)
    w.canvas.setFocus()
    return w


def in_color_range(w, qtbot, drive, button=QDialogButtonBox.StandardButton.Ok,
                   wait: bool = True) -> dict:
    """Select > Color Range…; drive(dialog, seen) while it is open, then `button`; with
    `wait`, until the selection's job has ended."""
    seen: dict = {}

    def inside():
        command = w.select_commands.color_range
        qtbot.waitUntil(lambda: command.dialog is not None and command.dialog.isVisible())
        dialog = command.dialog
        seen["dialog"] = dialog.objectName() if dialog is not None else None
        try:
            seen["mode"] = w.tools.mode is dialog.mode  # the canvas is the eyedropper's
            drive(dialog, seen)
            qtbot.mouseClick(dialog.findChild(QDialogButtonBox).button(button),
                             Qt.MouseButton.LeftButton)
        finally:
            if dialog is not None and dialog.isVisible():
                dialog.reject()

    QTimer.singleShot(0, inside)
    w.actions["color_range"].trigger()
    assert seen["dialog"] == "ColorRangeDialog" and seen["mode"]
    assert w.tools.mode is None and w.canvas.overlay(OVERLAY) is None
    assert w.canvas.selection_outline_shown
    if wait:
        qtbot.waitUntil(lambda: not w.jobs.busy, timeout=10000)
    return seen


def click(qtbot, w, x, y, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.mouseClick(w.canvas, Qt.MouseButton.LeftButton, modifier,
                     image_pos(w.canvas, x + 0.5, y + 0.5))


def test_sample_on_the_canvas_then_ok_selects_and_undo_takes_it_back(qtbot, tmp_path,
                                                                      monkeypatch):
    w = opened(qtbot, tmp_path, monkeypatch)
    doc = w.doc
    assert w.actions["color_range"] in w.menus["select"].actions()
    assert w.actions["color_range"].isEnabled()
    picture = cr.sampled_image(doc, None)
    count = doc.history.count

    def drive(dialog, seen):
        assert not dialog.samples and not dialog.shown.any()  # nothing sampled yet
        click(qtbot, w, 30, 20)
        assert [(s.x, s.y, s.subtract) for s in dialog.samples] == [(30, 20, False)]
        one = dialog.shown.copy()
        assert one[20, 30] == 255 and 0.01 < (one > 0).mean() < 0.9
        # The preview is the range of the picture clicked; the canvas shows it too.
        assert np.array_equal(one, cr.range_mask(picture, dialog.settings()))
        assert w.canvas.overlay(OVERLAY) is not None and not w.canvas.selection_outline_shown
        click(qtbot, w, 70, 50, Qt.KeyboardModifier.ShiftModifier)  # add to sample
        assert len(dialog.samples) == 2
        two = dialog.shown.copy()
        assert (two >= one).all() and two.sum() > one.sum() and two[50, 70] == 255
        # Fuzziness: wider, more selected (a drag of its slider).
        dialog.fuzziness.slider.setValue(120)
        assert dialog.fuzziness.value() == 120
        wide = dialog.shown.copy()
        assert (wide >= two).all() and wide.sum() > two.sum()
        click(qtbot, w, 5, 5, Qt.KeyboardModifier.AltModifier)  # subtract from sample
        assert dialog.samples[-1].subtract and dialog.shown[5, 5] == 0
        assert (dialog.shown <= wide).all() and dialog.shown.sum() < wide.sum()
        assert doc.history.count == count  # the dialog changes nothing yet
        seen["settings"] = dialog.settings()

    seen = in_color_range(w, qtbot, drive)
    want = cr.range_mask(picture, seen["settings"])
    assert ((want > 0) & (want < 255)).any()  # soft values kept
    assert np.array_equal(current_mask(doc), want)
    assert doc.history.count == count + 1 and doc.history.undo_name() == "Color Range"
    assert w.test_errors == []
    w.actions["undo"].trigger()
    assert current_mask(doc) is None and doc.history.index == count  # one step back
    # The next time the dialog starts from the Fuzziness used.
    assert w.settings.value("color_range/fuzziness", 0, int) == 120


def test_within_the_selection_a_tonal_range_and_cancel(qtbot, tmp_path, monkeypatch):
    w = opened(qtbot, tmp_path, monkeypatch)
    doc = w.doc
    picture = cr.sampled_image(doc, None)
    doc.set_selection(Box(10, 8, 50, 40))
    w.update_actions()
    count = doc.history.count

    def cancel(dialog, seen):
        click(qtbot, w, 30, 20)
        assert dialog.samples and w.canvas.overlay(OVERLAY) is not None
        # A click on the thumbnail samples there too; Shift adds.
        thumb = dialog.thumb
        qtbot.mouseClick(thumb, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier,
                         thumb.rect().center())
        last = dialog.samples[-1]
        assert len(dialog.samples) == 2 and not last.subtract
        assert abs(last.x - W / 2) <= 2 and abs(last.y - H / 2) <= 2
        # Ctrl+Z takes the last sample back, not the document's last step (the
        # selection); Shift+Ctrl+Z puts it again.
        two, one = dialog.shown.copy(), dialog.samples[:1]
        w.activateWindow()  # (the window's shortcuts, as with the pointer over the canvas)
        qtbot.waitUntil(w.isActiveWindow)
        qtbot.keyClick(w.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert dialog.samples == one and w.tools.mode is dialog.mode
        assert doc.history.count == count and doc.selection == Box(10, 8, 50, 40)
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow)
        qtbot.keyClick(dialog, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier
                       | Qt.KeyboardModifier.ShiftModifier)
        assert len(dialog.samples) == 2 and np.array_equal(dialog.shown, two)
        qtbot.keyClick(dialog, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert dialog.samples == one

    in_color_range(w, qtbot, cancel, QDialogButtonBox.StandardButton.Cancel)
    assert doc.history.count == count and current_mask(doc)[8:48, 10:60].min() == 255

    def highlights(dialog, seen):
        assert dialog.result_op() == "intersect"  # Photoshop: within the selection
        dialog.select.setCurrentIndex(dialog.select.findData("highlights"))
        assert dialog.tone_low.value() == 190 and dialog.fuzziness.suffix() == " %"
        assert not dialog.picks.buttons()[0].isEnabled()  # no eyedroppers for a preset
        click(qtbot, w, 30, 20)
        assert not dialog.samples
        dialog.tone_low.setValue(150)
        assert not dialog.shown[:8].any() and not dialog.shown[:, 60:].any()
        seen["settings"] = dialog.settings()

    seen = in_color_range(w, qtbot, highlights)
    s = seen["settings"]
    assert s.select == "highlights" and s.tone_range == (150, 255)
    want = np.zeros((H, W), np.uint8)
    want[8:48, 10:60] = cr.range_mask(picture, s)[8:48, 10:60]
    assert want.any() and np.array_equal(current_mask(doc), want)
    assert doc.history.count == count + 1
    w.actions["undo"].trigger()
    assert current_mask(doc)[8:48, 10:60].min() == 255



def test_ok_selects_as_a_job_off_the_gui_thread_in_one_step(qtbot, tmp_path, monkeypatch):
    """The full-size range (0.5-0.8 s on a 12 Mpx photo) is a job: the status bar shows it
    with its Cancel, the window answers meanwhile, and the selection lands at its end as
    one undo step."""
    w = opened(qtbot, tmp_path, monkeypatch)
    doc = w.doc
    picture = cr.sampled_image(doc, None)
    count = doc.history.count
    gate = Gate(monkeypatch, cr, "range_mask")

    def drive(dialog, seen):
        click(qtbot, w, 30, 20)
        seen["settings"] = dialog.settings()

    seen = in_color_range(w, qtbot, drive, wait=False)
    job = gate.running_job(qtbot, w)
    assert job is not None and job.name == "Color Range" and w.jobs.busy
    assert w.jobs.status.isVisible() and w.jobs.cancel_action.isEnabled()
    assert current_mask(doc) is None and doc.history.count == count  # nothing yet
    gate.open()
    qtbot.waitUntil(lambda: not w.jobs.busy, timeout=10000)
    assert np.array_equal(current_mask(doc), cr.range_mask(picture, seen["settings"]))
    assert doc.history.count == count + 1 and doc.history.undo_name() == "Color Range"
    assert not w.jobs.status.isVisible() and w.test_errors == []
    w.actions["undo"].trigger()
    assert current_mask(doc) is None and doc.history.index == count


def test_esc_while_selecting_leaves_the_document_as_it_was(qtbot, tmp_path, monkeypatch):
    w = opened(qtbot, tmp_path, monkeypatch)
    doc = w.doc
    doc.set_selection(Box(10, 8, 50, 40))
    before = current_mask(doc).copy()
    count, index = doc.history.count, doc.history.index
    gate = Gate(monkeypatch, cr, "range_mask")

    def drive(dialog, seen):
        click(qtbot, w, 30, 20)

    in_color_range(w, qtbot, drive, wait=False)
    job = gate.running_job(qtbot, w)
    press_esc(qtbot, w)  # the job's Cancel
    assert job.token.cancelled
    gate.open()
    qtbot.waitUntil(lambda: not w.jobs.busy, timeout=10000)
    assert np.array_equal(current_mask(doc), before) and doc.selection == Box(10, 8, 50, 40)
    assert (doc.history.count, doc.history.index) == (count, index)
    assert w.statusBar().currentMessage() == "Color Range cancelled."
    assert w.test_errors == []


def test_a_failure_is_one_readable_line_and_changes_nothing(qtbot, tmp_path, monkeypatch):
    w = opened(qtbot, tmp_path, monkeypatch)
    doc = w.doc
    count = doc.history.count
    real = cr.range_mask

    def fails(image, settings, progress=None):
        if len(np.shape(image)) == 3 and np.shape(image)[:2] == (doc.height, doc.width):
            raise MemoryError()  # (the full-size range only; the previews work)
        return real(image, settings) if progress is None else real(image, settings, progress)

    monkeypatch.setattr(cr, "range_mask", fails)
    ended = []
    w.jobs.job_ended.connect(lambda job: ended.append((job.name, job.state)))

    def drive(dialog, seen):
        click(qtbot, w, 30, 20)

    in_color_range(w, qtbot, drive)
    assert ended == [("Color Range", "failed")]  # the job failed, not the window
    assert current_mask(doc) is None and doc.history.count == count
    assert len(w.test_errors) == 1
    title, message = w.test_errors[0]
    assert title == "Could not select the colour range"
    assert message and "\n" not in message and "Traceback" not in message


def test_quick_mask_tints_a_range_made_outside_it(qtbot, tmp_path, monkeypatch):
    """The Quick Mask tint is worked out when Quick Mask shows it, not at every new
    selection (`mask_tint.QuickMaskTint.invalidate`): entering it after Color Range still
    tints exactly what the range selected."""
    from ui_helpers import on_canvas

    w = opened(qtbot, tmp_path, monkeypatch)
    w.canvas.set_zoom(1)
    doc = w.doc

    def drive(dialog, seen):
        click(qtbot, w, 30, 20)

    in_color_range(w, qtbot, drive)
    mask = current_mask(doc)
    assert (mask == 255).any() and (mask == 0).any()
    w.tools.end_mode(commit=True)
    before = on_canvas(w.canvas)
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    w.actions["quick_mask"].trigger()
    assert getattr(w.tools.mode, "paints_selection", False)
    after = on_canvas(w.canvas)
    changed = np.abs(after - before).max(axis=-1) > 8
    assert changed[mask == 255].mean() > 0.9   # the tint shows the range
    w.canvas._quick_tint.refresh(None)   # the tint worked out afresh: the same
    assert np.array_equal(on_canvas(w.canvas), after)


def test_skin_tones_with_detect_faces_selects_her_face(qtbot, tmp_path, monkeypatch):
    import skimage.data

    from engine.testing.real_objects import ASTRONAUT_SKIN, iou
    from ui_helpers import open_file, write_png

    w = make_window(qtbot, tmp_path, monkeypatch)
    photo = skimage.data.astronaut()
    open_file(w, qtbot, monkeypatch, write_png(tmp_path / "astronaut.png", photo))
    doc = w.doc
    count = doc.history.count
    obj, scored = ASTRONAUT_SKIN.truth(photo.shape)

    def drive(dialog, seen):
        assert not dialog.detect_faces.isVisibleTo(dialog)  # Sampled Colors: no faces
        dialog.select.setCurrentIndex(dialog.select.findData("skin"))
        assert dialog.detect_faces.isVisibleTo(dialog) and not dialog.detect_faces.isChecked()
        seen["plain"] = iou(dialog.shown >= 128, obj, scored)
        box = dialog.detect_faces  # (a click on its tick box, at its left)
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
        assert dialog.detect_faces.isChecked()
        seen["faces"] = iou(dialog.shown >= 128, obj, scored)
        seen["status"] = w.statusBar().currentMessage()
        assert doc.history.count == count

    seen = in_color_range(w, qtbot, drive)
    # The preview (the picture is small enough to be previewed whole): 0.14 -> 0.64.
    assert seen["plain"] < 0.25 and seen["faces"] > 0.55
    assert "1 face found" in seen["status"]
    mask = current_mask(doc)
    assert iou(mask >= 128, obj, scored) > 0.55
    assert doc.history.count == count + 1 and doc.history.undo_name() == "Color Range"
    assert w.settings.value("color_range/detect_faces", False, bool)
    assert w.test_errors == []
