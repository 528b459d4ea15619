"""A Brush or Eraser stroke as Photoshop lays it: only inside the selection (a marquee box or
a painted, soft selection; on a layer's pixels and on its mask), and never past its Opacity
where its dabs overlap, while Flow builds up dab by dab."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from editor.model import LayerMask
from editor.model.commands import SetSelectionMask
from engine.box import Box
from ui_helpers import image_drag, pasted_window


@pytest.fixture
def grey(qtbot, tmp_path, monkeypatch):
    """A window showing a flat grey 160x120 picture, pasted as a user would."""
    pixels = np.full((120, 160, 4), 128, np.uint8)
    pixels[..., 3] = 255
    return pasted_window(qtbot, tmp_path, monkeypatch, pixels, 2.0)


def select_box(w, qtbot) -> None:
    qtbot.keyClick(w.canvas, Qt.Key.Key_M)
    image_drag(qtbot, w.canvas, [(40, 30), (60, 60), (80, 90)])
    assert w.doc.selection == Box(40, 30, 40, 60)


def stroke(w, qtbot, key, size=30, opacity=1.0, flow=1.0, hardness=1.0) -> None:
    """A stroke across the whole picture, through the selection's middle."""
    qtbot.keyClick(w.canvas, key)
    tool = w.tools.current
    tool.set_size(size)
    tool.set_hardness(hardness)
    tool.set_opacity(opacity)
    tool.set_flow(flow)
    image_drag(qtbot, w.canvas, [(5.5, 60.5), (80.5, 60.5), (155.5, 60.5)])


@pytest.mark.parametrize("key, expect", [(Qt.Key.Key_B, (255, 0, 0, 255)),
                                         (Qt.Key.Key_E, (128, 128, 128, 0))])
def test_brush_and_eraser_change_only_the_selected_box(grey, qtbot, key, expect):
    w = grey
    (layer,) = w.doc.layers()
    before = layer.pixels.copy()
    w.set_foreground(QColor(255, 0, 0))
    select_box(w, qtbot)
    stroke(w, qtbot, key)
    after = layer.pixels
    inside = np.zeros(after.shape[:2], bool)
    inside[30:90, 40:80] = True
    assert np.array_equal(after[~inside], before[~inside])  # the stroke crossed it all
    changed = after[50:70, 45:75]
    if expect[3] == 0:
        assert (changed[..., 3] == 0).all()
    else:
        assert (changed == expect).all()
    w.doc.history.undo()
    assert np.array_equal(layer.pixels, before)


def test_a_soft_painted_selection_fades_the_paint(grey, qtbot):
    w = grey
    doc = w.doc
    (layer,) = doc.layers()
    mask = np.zeros((120, 160), np.uint8)
    mask[:, 40:80] = 255
    mask[:, 80:100] = 128  # half selected
    doc.history.push(SetSelectionMask(mask, "Load Selection"))
    w.set_foreground(QColor(255, 255, 255))
    stroke(w, qtbot, Qt.Key.Key_B)
    row = layer.pixels[60, :, 0].astype(int)
    assert (row[:40] == 128).all() and (row[100:] == 128).all()
    assert (row[45:75] == 255).all()
    assert (np.abs(row[82:98] - round(128 + 127 * 128 / 255)) <= 1).all()


def test_painting_a_layer_mask_stays_inside_the_selection(grey, qtbot):
    w = grey
    doc = w.doc
    (layer,) = doc.layers()
    layer.mask = LayerMask(np.full((120, 160), 255, np.uint8), 0, 0)
    doc.set_mask_targeted(True)
    w.set_foreground(QColor(0, 0, 0))
    select_box(w, qtbot)
    stroke(w, qtbot, Qt.Key.Key_B)
    values = layer.mask.pixels
    inside = np.zeros(values.shape, bool)
    inside[30:90, 40:80] = True
    assert (values[~inside] == 255).all()
    assert (values[50:70, 45:75] == 0).all()


def test_overlapping_dabs_never_take_a_stroke_past_its_opacity(grey, qtbot):
    w = grey
    (layer,) = w.doc.layers()
    w.set_foreground(QColor(255, 255, 255))
    stroke(w, qtbot, Qt.Key.Key_B, opacity=0.5)
    row = layer.pixels[60, 20:140, 0].astype(int)
    half = round(128 + 127 * 0.5)
    assert (np.abs(row - half) <= 1).all()  # 50 % all along, dabs four deep or not
    assert w.doc.history.undo_name() == "Brush Tool"
    # A second stroke over it is a new stroke: 50 % of what is left.
    stroke(w, qtbot, Qt.Key.Key_B, opacity=0.5)
    assert abs(int(layer.pixels[60, 80, 0]) - round(half + (255 - half) * 0.5)) <= 1


def test_flow_builds_up_where_dabs_overlap(grey, qtbot):
    w = grey
    (layer,) = w.doc.layers()
    w.set_foreground(QColor(255, 255, 255))
    stroke(w, qtbot, Qt.Key.Key_B, flow=0.2)
    centre = int(layer.pixels[60, 80, 0])
    one_dab = round(128 + 127 * 0.2)
    assert centre > one_dab + 20  # several dabs deep: more than one dab's 20 %
    assert centre < 255
    mask_alpha = layer.pixels[60, 80, 3]
    assert mask_alpha == 255


def test_alt_picks_the_colour_with_the_brush_only(grey, qtbot):
    """Alt+click picks the foreground colour with the Brush; with the Eraser Alt is
    Photoshop's Erase to History: the stroke paints the layer back as it was in the
    History Brush's source (a snapshot taken after the paste), and the colour stays."""
    w = grey
    (layer,) = w.doc.layers()
    w.doc.snapshots.set_source(w.doc.snapshots.take())
    alt = Qt.KeyboardModifier.AltModifier
    w.set_foreground(QColor(255, 0, 0))
    qtbot.keyClick(w.canvas, Qt.Key.Key_E)
    image_drag(qtbot, w.canvas, [(5.5, 60.5), (155.5, 60.5)])
    assert layer.pixels[60, 80, 3] == 0  # erased
    image_drag(qtbot, w.canvas, [(5.5, 60.5), (155.5, 60.5)], modifier=alt)
    assert w.foreground == QColor(255, 0, 0)
    assert w.doc.history.undo_name() == "Eraser Tool"
    assert tuple(layer.pixels[60, 80]) == (128, 128, 128, 255)  # as in the snapshot
    qtbot.keyClick(w.canvas, Qt.Key.Key_B)
    steps = w.doc.history.count
    image_drag(qtbot, w.canvas, [(20.5, 20.5)], modifier=alt)
    assert w.foreground == QColor(128, 128, 128) and w.doc.history.count == steps


def test_erase_to_history_paints_the_opened_layer_back_and_alt_erases(grey, qtbot):
    from PySide6.QtWidgets import QCheckBox

    w = grey
    (layer,) = w.doc.layers()
    # (pasted into a new document, the layer came after its opening snapshot)
    w.doc.snapshots.set_source(w.doc.snapshots.take())
    w.set_foreground(QColor(255, 255, 255))
    stroke(w, qtbot, Qt.Key.Key_B)  # white across row 60
    assert tuple(layer.pixels[60, 80]) == (255, 255, 255, 255)
    qtbot.keyClick(w.canvas, Qt.Key.Key_E)
    box = w.tools.current.options().findChild(QCheckBox, "eraser_to_history")
    box.setChecked(True)
    assert w.tools.current.to_history
    image_drag(qtbot, w.canvas, [(60.5, 60.5), (100.5, 60.5)])
    assert tuple(layer.pixels[60, 80]) == (128, 128, 128, 255)  # back as in the snapshot
    assert tuple(layer.pixels[60, 140]) == (255, 255, 255, 255)  # beyond the stroke
    image_drag(qtbot, w.canvas, [(60.5, 60.5), (100.5, 60.5)],
               modifier=Qt.KeyboardModifier.AltModifier)  # Alt: erases, for one stroke
    assert layer.pixels[60, 80, 3] == 0
    box.setChecked(False)


def test_airbrush_builds_up_while_the_button_is_held_still(grey, qtbot):
    """Flow 10 %: a click lays one faint dab; with Airbrush on, holding the button still
    for 0.6 s builds the paint up towards the Opacity; still one undo step."""
    from PySide6.QtWidgets import QToolButton

    from ui_helpers import image_pos

    w = grey
    (layer,) = w.doc.layers()
    w.set_foreground(QColor(0, 0, 0))
    qtbot.keyClick(w.canvas, Qt.Key.Key_B)
    tool = w.tools.current
    tool.set_size(20)
    tool.set_hardness(1.0)
    tool.set_opacity(1.0)
    tool.set_flow(0.1)
    button = tool.options().findChild(QToolButton, "Airbrush")

    def held(x: float) -> int:
        steps = w.doc.history.count
        pos = image_pos(w.canvas, x, 60.5)
        qtbot.mousePress(w.canvas, Qt.MouseButton.LeftButton, pos=pos)
        qtbot.wait(600)
        qtbot.mouseRelease(w.canvas, Qt.MouseButton.LeftButton, pos=pos)
        assert w.doc.history.count == steps + 1  # one step however long it was held
        return int(layer.pixels[60, int(x), 0])

    assert not button.isChecked()
    plain = held(40.5)
    assert 100 < plain < 128  # one dab at 10 % over the grey
    button.click()
    assert tool.airbrush
    built = held(110.5)
    assert built < plain - 40  # many dabs: much darker
