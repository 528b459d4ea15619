"""Select and Mask's Refine Edge Brush in the window, as a user paints it: with the dialog
open a drag on the canvas paints over fur the band misses, the preview then shows the fur
and changes nowhere else; Alt+drag restores the plain edge; Ctrl+Z takes a stroke back;
[ and ] change the size; the rest of the window waits for the dialog; OK refines with the
strokes in one undo step."""
from __future__ import annotations

import cv2
import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from editor.model import refine_edge
from editor.model.refine_edge import PAINTED, RefineJob, RefineSettings
from editor.model.selection_ops import current_mask, select_mask
from editor.ui.qimage import rgba_to_qimage
from tests._refine_scenes import PAIRS, brushed, furry, mae, true_alpha
from test_ui_select_and_mask import move_radius, run_dialog
from ui_helpers import image_drag, make_window

SIZE = (300, 246)
BRUSH = 20


@pytest.fixture
def fur(qtbot, tmp_path, monkeypatch):
    """The window with a real photo of a horse with fur along its back (known matte) pasted
    as a new document, the body alone selected; and the line along the fur a user paints."""
    w = make_window(qtbot, tmp_path, monkeypatch)
    image, alpha, strokes = furry(PAIRS[1], SIZE)
    rgba = np.dstack([image, np.full(alpha.shape, 255, np.uint8)])
    QGuiApplication.clipboard().setImage(rgba_to_qimage(rgba))
    w.actions["paste"].trigger()
    qtbot.waitUntil(lambda: w.doc is not None and len(list(w.doc.layers())) == 1)
    body = np.where(true_alpha(SIZE) >= 0.5, 255, 0).astype(np.uint8)
    select_mask(w.doc, body)
    w.update_actions()
    w.canvas.actual_pixels()
    return w, image, alpha, body, max(strokes, key=len)


def covers(painted: np.ndarray, zone: np.ndarray) -> bool:
    """The brush painted `zone`, give or take the drag's landing on whole screen pixels."""
    return ((painted >= PAINTED) ^ zone).sum() < 0.08 * zone.sum()


def stroke_and_wait(qtbot, w, dialog, points, **kw) -> np.ndarray:
    """A drag through image `points` on the canvas; the preview's alpha once it shows it."""
    before = dialog.previews
    image_drag(qtbot, w.canvas, [tuple(p) for p in points], **kw)
    qtbot.waitUntil(lambda: dialog.previews > before and not dialog._running, timeout=30000)
    return dialog._alpha.copy()


def test_refine_edge_brush_strokes_on_the_canvas(fur, qtbot):
    w, image, alpha, body, stroke = fur
    doc = w.doc
    count = doc.history.count
    zone = brushed(np.zeros(body.shape, np.uint8), [stroke], BRUSH) >= PAINTED  # under it
    far = cv2.dilate(zone.astype(np.uint8), np.ones((13, 13), np.uint8)) == 0
    strands = zone & (alpha > 0.6) & (body == 0)

    def drive(dialog, seen):
        assert w.tools.current is dialog.brush  # the canvas is the brush's
        move_radius(dialog, qtbot, 2)
        plain = dialog._alpha.copy()
        dialog.brush_size.setValue(BRUSH)
        # [ and ] in the dialog change the size, as on the canvas.
        qtbot.keyClick(dialog, Qt.Key.Key_BracketRight)
        assert dialog.brush.size == 30 and dialog.brush_size.value() == 30
        qtbot.keyClick(dialog, Qt.Key.Key_BracketLeft)
        assert dialog.brush.size == BRUSH

        # A stroke over the fur: the preview shows the strands there, the same elsewhere.
        painted = stroke_and_wait(qtbot, w, dialog, stroke)
        assert covers(dialog.painted, zone)
        assert mae(painted[zone], alpha[zone]) < 0.35 * mae(plain[zone], alpha[zone])
        assert (plain[strands] > 0.5).mean() < 0.1 and (painted[strands] > 0.5).mean() > 0.7
        assert np.abs(painted - plain)[far].max() < 0.05
        assert doc.history.count == count  # the paint is the dialog's, not a step

        # Alt over it: the plain edge again; Ctrl+Z takes that stroke back.
        restored = stroke_and_wait(qtbot, w, dialog, stroke,
                                   modifier=Qt.KeyboardModifier.AltModifier)
        assert (dialog.painted < PAINTED).all()
        assert np.abs(restored - plain).max() < 1e-3
        before = dialog.previews
        qtbot.keyClick(dialog, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: dialog.previews > before and not dialog._running,
                        timeout=30000)
        assert covers(dialog.painted, zone)
        assert np.abs(dialog._alpha - painted).max() < 1e-3

        # The rest of the window waits for the dialog: with the window active, B does not
        # take the Brush (the stroke would end), Ctrl+Z is the brush's, not the document's.
        w.activateWindow()
        qtbot.waitUntil(w.isActiveWindow)
        qtbot.keyClick(w.canvas, Qt.Key.Key_B)
        assert w.tools.current is dialog.brush
        bar = w.menuBar()  # nor does a click open a menu
        qtbot.mouseClick(bar, Qt.MouseButton.LeftButton,
                         pos=bar.actionGeometry(bar.actions()[0]).center())
        assert QApplication.activePopupWidget() is None
        qtbot.keyClick(w.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert not dialog.painted.any() and doc.history.count == count
        stroke_and_wait(qtbot, w, dialog, stroke)
        seen["mode"] = dialog.brush
        dialog.accept()

    seen = run_dialog(w, qtbot, "select_and_mask", drive)
    assert w.tools.mode is None and w.tools.current is not seen["mode"]
    assert w.test_errors == []
    # OK: one undo step; the selection differs from the plain refinement near the stroke only.
    assert doc.history.count == count + 1 and doc.history.undo_name() == "Select and Mask"
    plain = refine_edge.run(RefineJob(None, False, image, body, RefineSettings(radius=2))).mask
    got = current_mask(doc)
    assert np.abs(got.astype(int) - plain)[far].max() <= 13
    assert mae(got[zone], alpha[zone]) < 0.35 * mae(plain[zone], alpha[zone])
    w.actions["undo"].trigger()
    assert np.array_equal(current_mask(doc), body)
