"""Type on a path as a user makes it: the Type tool's click on a circular Work Path starts
text whose glyphs sit on the circle, each turned with it; centred text is centred on an
arc; editing the text draws it along the path again; Esc leaves nothing; undo; a PSD
keeps the layer on its path, still editable."""
from __future__ import annotations

import math

import cv2
import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from editor.model import commands as cmds
from editor.model.paths import WORK_PATH, DocPath
from editor.model.text_layer import TextLayer
from editor.model.vector_mask import Subpath, VectorMask
from ui_helpers import image_drag, image_pos, zoomed_photo_window

KAPPA = 0.5522847498  # a quarter circle's cubic handles, in radii
CX, CY, R = 120.0, 100.0, 60.0
SIZE = 16.0


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    w = zoomed_photo_window(qtbot, tmp_path, monkeypatch, 240, 200, 1.0, activate=True)
    return w


def circle_knots(quarters=4):
    """A clockwise circle (on screen, y down) from its rightmost point: (n, 3, 2) knots;
    `quarters` < 4: that open arc of it."""
    knots = []
    for q in range(quarters + (0 if quarters == 4 else 1)):
        a = q * math.pi / 2
        px, py = CX + R * math.cos(a), CY + R * math.sin(a)
        dx, dy = -math.sin(a), math.cos(a)  # the direction the path runs
        knots.append([(px - dx * KAPPA * R, py - dy * KAPPA * R), (px, py),
                      (px + dx * KAPPA * R, py + dy * KAPPA * R)])
    return np.array(knots, np.float64)


def set_work_path(doc, knots, closed):
    work = DocPath(WORK_PATH, VectorMask([Subpath(knots, closed, 1)], doc.canvas), work=True)
    doc.history.push(cmds.SetPaths((work,), work.uid, "Work Path"))


def choose_type_tool(w, qtbot):
    qtbot.keyClick(w.canvas, Qt.Key.Key_T)
    assert w.tools.current.id == "type"


def click(w, qtbot, x, y):
    qtbot.mouseClick(w.canvas, Qt.MouseButton.LeftButton, pos=image_pos(w.canvas, x, y))


def commit(w, qtbot):
    qtbot.keyClick(w.canvas, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert w.tools.mode is None


def text_layers(doc):
    return [n for n in doc.layers() if isinstance(n, TextLayer)]


def glyphs(layer):
    """Each glyph's ink (connected components of the layer's alpha): (centre x, centre y
    on the canvas, the angle of its long axis in radians, its pixel count)."""
    alpha = (layer.pixels[..., 3] > 100).astype(np.uint8)
    count, labels = cv2.connectedComponents(alpha, connectivity=8)
    out = []
    for i in range(1, count):
        ys, xs = np.nonzero(labels == i)
        if len(xs) < 8:
            continue
        x, y = xs + layer.x, ys + layer.y
        cov = np.cov(np.stack([x, y]))
        w, v = np.linalg.eigh(cov)
        long_axis = v[:, 1]
        out.append((x.mean(), y.mean(), math.atan2(long_axis[1], long_axis[0]), len(xs),
                    w[1] / max(w[0], 1e-6)))
    return out


def test_type_on_a_circle_follows_it_glyphs_turned(window, qtbot):
    w = window
    doc = w.doc
    set_work_path(doc, circle_knots(), closed=True)
    choose_type_tool(w, qtbot)
    w.tools.current.set_option(size=SIZE)
    # Over the path the cursor is the path type cursor, the I-beam elsewhere.
    from editor.ui.tools.type_tool import path_type_cursor
    from types import SimpleNamespace
    over = SimpleNamespace(image=QPointF(CX + R + 1, CY), pos=image_pos(w.canvas, CX + R, CY))
    away = SimpleNamespace(image=QPointF(CX, CY), pos=image_pos(w.canvas, CX, CY))
    assert w.tools.current.cursor_at(w.canvas, over).pixmap().cacheKey() == \
        path_type_cursor().pixmap().cacheKey()
    assert w.tools.current.cursor_at(w.canvas, away).shape() == Qt.CursorShape.IBeamCursor
    steps = doc.history.count
    click(w, qtbot, CX + R + 1, CY)  # (on the path, at its rightmost point)
    qtbot.keyClicks(w.canvas, "IIIIIIIIII")
    commit(w, qtbot)
    assert w.test_errors == []
    (layer,) = text_layers(doc)
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Type Tool"
    assert layer.type_settings.path is not None and layer.type_settings.path.closed
    found = glyphs(layer)
    assert len(found) == 10
    angles = []
    for x, y, axis, _, elongation in found:
        # On the circle: the ink's middle within half the type's size of it.
        radial = math.atan2(y - CY, x - CX)
        assert abs(math.hypot(x - CX, y - CY) - R) < SIZE / 2
        # Turned with it: each I's long axis points at the circle's centre.
        off = abs(math.remainder(axis - radial, math.pi))
        assert elongation > 3 and off < math.radians(12), (x, y, axis, radial)
        angles.append(radial)
    # From the click on round the circle (clockwise on screen): ten I's of 16 pt, some
    # 47 pixels of advance, turn through some 45 degrees of a 60-pixel circle.
    spread = max(math.remainder(a, 2 * math.pi) for a in angles) - \
        min(math.remainder(a, 2 * math.pi) for a in angles)
    assert math.radians(35) < spread < math.radians(55)
    assert min(abs(math.remainder(a, 2 * math.pi)) for a in angles) < math.radians(12)
    # Type sits outside the clockwise circle (Photoshop's): the ink beyond the radius.
    assert np.mean([math.hypot(x - CX, y - CY) for x, y, *_ in found]) > R

    # Editing the text draws it along the path again: a click on it, the end, more text.
    click(w, qtbot, found[0][0], found[0][1])
    assert w.tools.mode is not None
    qtbot.keyClick(w.canvas, Qt.Key.Key_End)
    qtbot.keyClicks(w.canvas, "IIIII")
    commit(w, qtbot)
    assert layer.type_settings.text == "I" * 15
    more = glyphs(layer)
    assert len(more) == 15
    assert all(abs(math.hypot(x - CX, y - CY) - R) < SIZE / 2 for x, y, *_ in more)
    assert doc.history.undo_name() == "Edit Type Layer"
    w.actions["undo"].trigger()
    assert layer.type_settings.text == "I" * 10 and len(glyphs(layer)) == 10
    w.actions["undo"].trigger()
    assert text_layers(doc) == []


def test_centred_type_is_centred_on_an_open_arc_and_overflow_hides(window, qtbot):
    w = window
    doc = w.doc
    arc = circle_knots(2)  # a half circle: from the right, down round to the left
    set_work_path(doc, arc, closed=False)
    choose_type_tool(w, qtbot)
    w.tools.current.set_option(size=SIZE, align="center")
    click(w, qtbot, CX + R, CY)  # at the arc's start: centred between it and the end
    qtbot.keyClicks(w.canvas, "IIIIIII")
    commit(w, qtbot)
    (layer,) = text_layers(doc)
    assert layer.type_settings.align == "center"
    found = glyphs(layer)
    assert len(found) == 7
    angles = sorted(math.atan2(y - CY, x - CX) for x, y, *_ in found)
    # The text's middle at the arc's middle (its bottom, straight down from the centre).
    assert abs((angles[0] + angles[-1]) / 2 - math.pi / 2) < math.radians(4)
    assert abs(angles[3] - math.pi / 2) < math.radians(4)
    # The options bar's size, the layer active: one step, the text redrawn on its path.
    from PySide6.QtWidgets import QDoubleSpinBox
    spin = w.findChild(QDoubleSpinBox, "TypeTool_size")
    steps = doc.history.count
    spread = angles[-1] - angles[0]
    spin.setValue(2 * SIZE)
    assert layer.type_settings.size == 2 * SIZE and layer.type_settings.path is not None
    assert doc.history.count == steps + 1
    bigger = glyphs(layer)
    assert len(bigger) == 7
    assert all(abs(math.hypot(x - CX, y - CY) - R) < SIZE for x, y, *_ in bigger)
    angles = sorted(math.atan2(y - CY, x - CX) for x, y, *_ in bigger)
    assert abs((angles[0] + angles[-1]) / 2 - math.pi / 2) < math.radians(4)
    assert angles[-1] - angles[0] > 1.6 * spread  # (twice as wide: spread further)
    w.actions["undo"].trigger()
    assert layer.type_settings.size == SIZE
    # Text beyond the path's end is not drawn (Photoshop's overflow).
    from editor.model.text_layer import overflows, set_text
    long = layer.type_settings.replace(text="I" * 60, align="left")
    assert overflows(long)
    set_text(doc, layer, long)
    assert len(glyphs(layer)) < 60
    assert all(y >= CY - SIZE for x, y, *_ in glyphs(layer))  # (none past the left end)


def test_esc_leaves_the_document_as_it_was(window, qtbot):
    w = window
    doc = w.doc
    set_work_path(doc, circle_knots(), closed=True)
    choose_type_tool(w, qtbot)
    steps = doc.history.count
    click(w, qtbot, CX - R, CY)
    qtbot.keyClicks(w.canvas, "abc")
    assert len(text_layers(doc)) == 1
    qtbot.keyClick(w.canvas, Qt.Key.Key_Escape)
    assert text_layers(doc) == [] and doc.history.count == steps


def test_warp_refused_and_psd_round_trip(window, qtbot, tmp_path):
    w = window
    doc = w.doc
    set_work_path(doc, circle_knots(), closed=True)
    choose_type_tool(w, qtbot)
    w.tools.current.set_option(size=SIZE)
    click(w, qtbot, CX, CY + R)
    qtbot.keyClicks(w.canvas, "Round")
    commit(w, qtbot)
    (layer,) = text_layers(doc)
    from editor.model.errors import DocumentError
    from editor.model.text_layer import set_text
    with pytest.raises(DocumentError, match="path"):
        set_text(doc, layer, layer.type_settings.replace(warp_style="Arc", warp_bend=50))

    from editor.model.files import open_document, save_document
    path = str(tmp_path / "round.psd")
    save_document(doc, path)
    back = open_document(path)
    (again,) = text_layers(back)
    assert again.type_settings == layer.type_settings
    assert again.anchor() == layer.anchor()
    assert (again.bounds().x, again.bounds().y) == (layer.bounds().x, layer.bounds().y)
    np.testing.assert_array_equal(again.pixels, layer.pixels)


def test_direct_selection_drags_the_start_marker_along_the_path(window, qtbot):
    w = window
    doc = w.doc
    set_work_path(doc, circle_knots(), closed=True)
    choose_type_tool(w, qtbot)
    w.tools.current.set_option(size=SIZE)
    click(w, qtbot, CX + R, CY)  # starts at the circle's rightmost point
    qtbot.keyClicks(w.canvas, "IIII")
    commit(w, qtbot)
    (layer,) = text_layers(doc)
    # Warp Text and the conversions are off for path type (Photoshop's).
    assert not w.actions["warp_text"].isEnabled()
    assert not w.actions["convert_type"].isEnabled()
    first = min(math.atan2(y - CY, x - CX) for x, y, *_ in glyphs(layer))
    assert abs(first) < math.radians(10)
    steps = doc.history.count
    qtbot.keyClick(w.canvas, Qt.Key.Key_A)
    assert w.tools.current.id == "direct_select"
    # The marker, from the rightmost point down round to the bottom of the circle.
    image_drag(qtbot, w.canvas, [(CX + R, CY), (CX + R * 0.9, CY + R * 0.45),
                                 (CX + R * 0.5, CY + R * 0.87), (CX, CY + R)])
    assert w.test_errors == []
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Move Type Start"
    moved = sorted(math.atan2(y - CY, x - CX) for x, y, *_ in glyphs(layer))
    assert len(moved) == 4 and abs(moved[0] - math.pi / 2) < math.radians(10)
    assert all(abs(math.hypot(x - CX, y - CY) - R) < SIZE / 2 for x, y, *_ in glyphs(layer))
    w.actions["undo"].trigger()
    assert abs(min(math.atan2(y - CY, x - CX) for x, y, *_ in glyphs(layer))) < math.radians(10)


def test_photoshop_path_type_opens_on_its_path(qtbot):
    """ag-psd's text-path.psd: Photoshop's path type (its path in the document's 'Txt2'
    text frame) opens as type on that path, Photoshop's pixels kept; drawn again, ours
    show the same two glyphs ("so": the rest beyond the end marker) where Photoshop's are."""
    import os

    from editor.model.files import open_document
    from editor.model.text_layer import draw

    here = os.path.dirname(os.path.abspath(__file__))
    doc = open_document(os.path.join(here, "ag_psd_files", "text-path.psd"))
    (layer,) = text_layers(doc)
    settings = layer.type_settings
    assert settings.text == "some text" and settings.path is not None
    assert not settings.path.closed and settings.box is None
    ax, ay = layer.anchor()
    first = settings.path.array()[0, 1] + (ax, ay)
    np.testing.assert_allclose(first, (16.0, 67.8255 + 10.1745), atol=0.01)
    theirs = (layer.x, layer.y, layer.pixels.shape[1], layer.pixels.shape[0])
    assert theirs == (11, 54, 27, 23)  # (Photoshop's pixels, as stored)
    pixels, ox, oy = draw(settings)
    alpha = (pixels[..., 3] > 100).astype(np.uint8)
    assert cv2.connectedComponents(alpha)[0] - 1 == 2  # "s" and "o"
    ys, xs = np.nonzero(alpha)
    assert abs(xs.min() + ax - ox - 11) <= 3 and abs(ys.max() + ay - oy - 76) <= 3


def test_scaled_path_type_keeps_to_its_scaled_path(qtbot):
    """Image Size and Free Transform scale type (`TextSettings.scaled`): the path, its
    start and the size together, the glyphs on the scaled circle."""
    from editor.model.text_layer import TextSettings, draw
    from editor.model.text_path import TypePath

    knots = circle_knots() - (CX, CY)  # about the anchor: the circle's centre
    settings = TextSettings(text="IIIIII", size=SIZE, path=TypePath.from_knots(knots, True),
                            path_start=20.0)
    double = settings.scaled(2.0)
    assert double.size == 2 * SIZE and double.path_start == 40.0
    np.testing.assert_allclose(double.path.array(), knots * 2, atol=1e-3)
    pixels, ox, oy = draw(double)
    alpha = (pixels[..., 3] > 100).astype(np.uint8)
    count, labels = cv2.connectedComponents(alpha)
    assert count - 1 == 6
    for i in range(1, count):
        ys, xs = np.nonzero(labels == i)
        assert abs(math.hypot(xs.mean() - ox, ys.mean() - oy) - 2 * R) < SIZE


def test_type_on_a_shape_layers_path_keeps_its_own_copy(window, qtbot):
    """A click on the active ellipse shape layer's path starts type on it; the type keeps
    its own copy of the path (Photoshop's): deleting the shape leaves it as it was."""
    from editor.model.adjustment_ops import add_shape

    w = window
    doc = w.doc
    shape = add_shape(doc, "ellipse", (CX - R, CY - R, CX + R, CY + R), (200, 0, 0))
    assert doc.active is shape
    choose_type_tool(w, qtbot)
    w.tools.current.set_option(size=SIZE)
    click(w, qtbot, CX, CY - R)  # its top
    qtbot.keyClicks(w.canvas, "IIIIII")
    commit(w, qtbot)
    (layer,) = text_layers(doc)
    found = glyphs(layer)
    assert len(found) == 6
    assert all(abs(math.hypot(x - CX, y - CY) - R) < SIZE / 2 for x, y, *_ in found)
    settings, pixels = layer.type_settings, layer.pixels.copy()
    doc.set_active(shape)
    w.actions["delete_layer"].trigger()
    assert not doc.contains(shape)
    assert layer.type_settings == settings
    np.testing.assert_array_equal(layer.pixels, pixels)


def test_a_click_away_from_curved_type_in_its_box_does_not_edit_it(window, qtbot):
    w = window
    doc = w.doc
    set_work_path(doc, circle_knots(), closed=True)
    choose_type_tool(w, qtbot)
    w.tools.current.set_option(size=SIZE)
    click(w, qtbot, CX + R, CY)
    qtbot.keyClicks(w.canvas, "I" * 40)  # (half way round: its box holds half the circle)
    commit(w, qtbot)
    (layer,) = text_layers(doc)
    # A click in the layer's box away from its glyphs does not edit it (a box around
    # curved type holds much else): new type starts there; Esc takes it back.
    ink = layer.pixels[..., 3] > 0
    h, wd = ink.shape
    empty = [(x, y) for y in range(h) for x in range(wd)
             if not ink[max(0, y - 16):y + 17, max(0, x - 16):x + 17].any()]
    assert empty  # (inside the circle, within the text's box: no ink 16 px around)
    x, y = empty[0]
    click(w, qtbot, layer.x + x, layer.y + y)
    assert w.tools.mode is not None and w.tools.mode.layer is not layer
    qtbot.keyClick(w.canvas, Qt.Key.Key_Escape)
    assert text_layers(doc) == [layer]

    # A click on its glyphs edits it.
    x, y, *_ = glyphs(layer)[0]
    click(w, qtbot, x, y)
    assert w.tools.mode is not None and w.tools.mode.layer is layer
