"""The Magnetic Lasso (the Lasso's third shape, Shift+L), driven as a Photoshop user would:
clicks roughly near a dark disc's edge select the disc itself, where the Polygonal Lasso
with the same clicks cuts corners; the outline follows the pointer and fastens points by
itself; Backspace/Delete take points back, Esc drops the outline, [ and ] change Width,
Alt+click adds a straight segment; Feather, Anti-alias and Sample All Layers; one undo
step, "Magnetic Lasso"."""
from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QCheckBox, QDoubleSpinBox, QSpinBox

from ui_helpers import image_drag, image_pos, pasted_window

W, H, R, CX, CY = 160, 120, 40, 80.0, 60.0
SHIFT, ALT = Qt.KeyboardModifier.ShiftModifier, Qt.KeyboardModifier.AltModifier
LEFT = Qt.MouseButton.LeftButton
# Six clicks round the disc, each 3-5 px inside or outside its edge (within Width, 10).
CLICKS = [(CX + (R + off) * math.cos(a), CY + (R + off) * math.sin(a))
          for a, off in zip(np.linspace(0, 2 * math.pi, 7)[:-1] + 0.3, (4, -4, 5, -3, 4, -5))]


def disc_picture() -> tuple[np.ndarray, np.ndarray]:
    """A dark disc (anti-aliased edge) on a light ground with a little noise; and the disc."""
    yy, xx = np.mgrid[0:H, 0:W] + 0.5
    distance = np.hypot(xx - CX, yy - CY)
    cover = np.clip(R - distance + 0.5, 0, 1)
    noise = np.random.default_rng(3).normal(0, 6, (H, W, 3))
    rgb = np.clip((230 - 190 * cover)[..., None] + noise, 0, 255).astype(np.uint8)
    return np.dstack([rgb, np.full((H, W), 255, np.uint8)]), distance <= R


def iou(mask: np.ndarray, truth: np.ndarray) -> float:
    selected = mask >= 128
    return (selected & truth).sum() / (selected | truth).sum()


@pytest.fixture
def disc(qtbot, tmp_path, monkeypatch):
    pixels, truth = disc_picture()
    window = pasted_window(qtbot, tmp_path, monkeypatch, pixels, 4.0)
    return window, truth


def magnetic_lasso(window, qtbot):
    """L, then Shift+L to Polygonal and to Magnetic."""
    canvas = window.canvas
    qtbot.keyClick(canvas, Qt.Key.Key_L)
    tool = window.tools.current
    assert tool.id == "lasso" and tool.shape == "freehand"
    qtbot.keyClick(canvas, Qt.Key.Key_L, SHIFT)
    qtbot.keyClick(canvas, Qt.Key.Key_L, SHIFT)
    assert tool.shape == "magnetic"
    return tool


def click(qtbot, canvas, x, y, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.mouseClick(canvas, LEFT, modifier, image_pos(canvas, x, y))


def test_clicks_near_the_edge_select_the_disc(disc, qtbot):
    window, truth = disc
    doc, canvas = window.doc, window.canvas
    tool = magnetic_lasso(window, qtbot)
    for x, y in CLICKS:
        click(qtbot, canvas, x, y)
    trace = tool.magnetic
    assert len(trace.anchors) == len(CLICKS)
    # Each fastening point sits on the edge, not where the click was.
    for x, y in trace.anchors:
        assert abs(math.hypot(x - CX, y - CY) - R) <= 1.5
    click(qtbot, canvas, *trace.anchors[0])  # a click on the first point closes
    assert not tool.drawing
    assert doc.history.undo_name() == "Magnetic Lasso"
    magnetic = doc.selection_mask.copy()
    assert iou(magnetic, truth) > 0.95
    window.actions["undo"].trigger()
    assert doc.selection is None and doc.selection_mask is None
    window.actions["redo"].trigger()
    np.testing.assert_array_equal(doc.selection_mask, magnetic)
    # The Polygonal Lasso with the same clicks cuts across the curve.
    qtbot.keyClick(canvas, Qt.Key.Key_L, SHIFT)
    qtbot.keyClick(canvas, Qt.Key.Key_L, SHIFT)
    assert tool.shape == "polygon"
    for x, y in CLICKS:
        click(qtbot, canvas, x, y)
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert doc.history.undo_name() == "Polygonal Lasso"
    assert iou(doc.selection_mask, truth) < 0.85
    polygon = doc.selection_mask.copy()
    # Enter closes a magnetic outline along the edge too; Shift at its start adds.
    qtbot.keyClick(canvas, Qt.Key.Key_L, SHIFT)
    assert tool.shape == "magnetic"
    click(qtbot, canvas, *CLICKS[0], modifier=SHIFT)
    for x, y in CLICKS[1:]:
        click(qtbot, canvas, x, y)
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert doc.history.undo_name() == "Magnetic Lasso"
    added = doc.selection_mask
    assert (added >= polygon).all() and (added > polygon).sum() > 500
    assert iou(added, truth) > 0.9  # the polygon's cut corners filled


def test_follows_the_pointer_keys_and_cancel(disc, qtbot):
    window, truth = disc
    doc, canvas = window.doc, window.canvas
    tool = magnetic_lasso(window, qtbot)
    trace = tool.magnetic
    layer = next(doc.layers())
    pixels = layer.pixels.copy()
    # [ and ] change Width, shown on the options bar.
    qtbot.keyClick(canvas, Qt.Key.Key_BracketRight)
    spin = window.findChild(QSpinBox, "lasso_width")
    assert trace.width == 11 and spin.value() == 11
    qtbot.keyClick(canvas, Qt.Key.Key_BracketLeft)
    assert trace.width == 10 and spin.value() == 10
    # Moving round a quarter of the disc 6 px outside its edge: the outline keeps to the
    # edge and points fasten by themselves.
    click(qtbot, canvas, CX + R + 6, CY)
    for a in np.linspace(0, math.pi / 2, 40)[1:]:
        qtbot.mouseMove(canvas, image_pos(canvas, CX + (R + 6) * math.cos(a), CY + (R + 6) * math.sin(a)))
    assert len(trace.anchors) >= 3
    assert trace.live is not None
    outline = np.concatenate(trace.segments + [trace.live])
    assert np.abs(np.hypot(outline[:, 0] - CX, outline[:, 1] - CY) - R).max() <= 1.5
    assert trace.wire.builds < 15  # a map per fastening point, not per move
    # Backspace and Delete take fastening points back (and clear no pixels).
    count = len(trace.anchors)
    qtbot.keyClick(canvas, Qt.Key.Key_Backspace)
    assert len(trace.anchors) == count - 1
    qtbot.keyClick(canvas, Qt.Key.Key_Delete)
    assert len(trace.anchors) == count - 2
    np.testing.assert_array_equal(layer.pixels, pixels)
    # Esc drops the outline: no selection, nothing in the history.
    steps = doc.history.undo_name()
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    assert not tool.drawing and doc.selection is None and doc.selection_mask is None
    assert doc.history.undo_name() == steps
    # (So does Esc in a freehand Lasso's drag: the selection there is stays.)
    window.actions["select_all"].trigger()
    tool.set_shape("freehand")
    count = doc.history.count
    qtbot.mousePress(canvas, LEFT, pos=image_pos(canvas, 20, 20))
    for x in range(22, 60, 4):
        QTest.mouseEvent(QTest.MouseAction.MouseMove, canvas, LEFT, Qt.KeyboardModifier.NoModifier,
                         image_pos(canvas, x, x // 2 + 10))
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    qtbot.mouseRelease(canvas, LEFT, pos=image_pos(canvas, 60, 40))
    assert doc.history.count == count and doc.selection is not None
    window.actions["deselect"].trigger()
    tool.set_shape("magnetic")
    # Alt+click adds a straight segment (a corner cut through the disc), and a
    # double-click closes; Anti-alias off gives a hard edge.
    window.findChild(QCheckBox, "Lasso_anti_alias").setChecked(False)
    assert tool.anti_alias is False
    click(qtbot, canvas, CX + R, CY)
    click(qtbot, canvas, CX, CY + R + 3)
    click(qtbot, canvas, CX - R, CY, modifier=ALT)
    assert len(trace.segments[-1]) == 2  # straight
    qtbot.mouseDClick(canvas, LEFT, pos=image_pos(canvas, CX + 3, CY - R - 3))
    assert not tool.drawing and doc.history.undo_name() == "Magnetic Lasso"
    mask = doc.selection_mask
    assert set(np.unique(mask)) <= {0, 255}
    assert mask[int(CY + R / 2), int(CX + R / 2)] == 255  # the quarter along the edge ...
    assert mask[int(CY + R * 0.6), int(CX - R * 0.5)] == 0  # ... not the one cut straight
    assert mask[int(CY - R / 2), int(CX - R / 2)] == 255  # and closed along the edge


def test_feather_and_sample_all_layers(disc, qtbot):
    window, truth = disc
    doc, canvas = window.doc, window.canvas
    tool = magnetic_lasso(window, qtbot)
    # An empty layer on top, active: its pixels have no edges, the outline stays where
    # the clicks were; Sample All Layers follows the disc the canvas shows.
    window.actions["new_layer"].trigger()
    assert doc.active is not next(doc.layers())
    for x, y in CLICKS:
        click(qtbot, canvas, x, y)
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert iou(doc.selection_mask, truth) < 0.85
    window.findChild(QCheckBox, "lasso_sample_all").setChecked(True)
    assert tool.magnetic.sample_all
    for x, y in CLICKS:
        click(qtbot, canvas, x, y)
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert iou(doc.selection_mask, truth) > 0.95
    sharp = doc.selection_mask.copy()
    # Feather softens the new outline's edge before it lands.
    window.findChild(QDoubleSpinBox, "Lasso_feather").setValue(4.0)
    assert tool.feather == 4.0
    for x, y in CLICKS:
        click(qtbot, canvas, x, y)
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    soft = doc.selection_mask
    assert ((soft > 20) & (soft < 235)).sum() > 3 * ((sharp > 20) & (sharp < 235)).sum()
    assert iou(soft, truth) > 0.9
    # Contrast 90 %: the disc's step (190 levels of 255) is no edge any more, the first
    # point stays where it was clicked; Alt+drag draws a freehand segment.
    window.findChild(QSpinBox, "lasso_contrast").setValue(90)
    assert tool.magnetic.contrast == 90
    click(qtbot, canvas, CX + R + 5, CY)
    assert tool.magnetic.anchors[0] == pytest.approx((CX + R + 5.5, CY + 0.5), abs=0.3)
    count = len(tool.magnetic.segments)
    image_drag(qtbot, canvas, [(CX + R + 5, CY + 2), (CX + R + 5, CY + 10), (CX + R + 5, CY + 20)],
               modifier=ALT)
    assert len(tool.magnetic.segments) >= count + 3
    assert all(len(part) == 2 for part in tool.magnetic.segments)  # straight pieces
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    assert not tool.drawing


def test_zoomed_out_the_outline_follows_at_the_view_resolution(qtbot, tmp_path, monkeypatch):
    """At 50 % the outline under the pointer is found on a half-size copy (two picture
    pixels per screen pixel); what is fastened is followed at full size all the same."""
    pixels, truth = disc_picture()
    window = pasted_window(qtbot, tmp_path, monkeypatch, pixels, 0.5)
    doc, canvas = window.doc, window.canvas
    tool = magnetic_lasso(window, qtbot)
    trace = tool.magnetic
    click(qtbot, canvas, *CLICKS[0])
    start = math.atan2(CLICKS[0][1] - CY, CLICKS[0][0] - CX)
    for a in np.linspace(start, start + 2 * math.pi, 80)[1:-4]:
        qtbot.mouseMove(canvas, image_pos(canvas, CX + (R + 4) * math.cos(a), CY + (R + 4) * math.sin(a)))
    assert 2 in trace.wire._coarse  # the previews came from the half-size copy
    assert len(trace.anchors) >= 3
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert doc.history.undo_name() == "Magnetic Lasso"
    assert iou(doc.selection_mask, truth) > 0.95
