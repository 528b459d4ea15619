"""Filter > Blur Gallery > Spin Blur and Path Blur driven through the window as a user
would: the spin's centre dragged and its Blur Angle set, a path drawn and a path deleted,
Enter applies the blur as one undo step, Esc leaves the layer bit for bit as it was."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtWidgets import QCheckBox, QSpinBox

from editor.model import blur_gallery_motion as bm
from engine.box import Box

from test_ui_blur_gallery import _apply, _blur_field, _start, checks, contrast
from ui_helpers import drag, image_drag, image_pos, pasted_window

W, H = 160, 120
CX, CY = 70.5, 55.5  # where the test drags the spin's centre (a pixel's centre)


def pattern(on: np.ndarray) -> np.ndarray:
    """Opaque RGBA: 230 where `on`, 20 elsewhere."""
    pixels = np.empty(on.shape + (4,), np.uint8)
    pixels[..., :3] = np.where(on[..., None], 230, 20)
    pixels[..., 3] = 255
    return pixels


def polar() -> tuple[np.ndarray, np.ndarray]:
    """Each pixel centre's distance and angle from (CX, CY)."""
    y, x = np.mgrid[:H, :W] + 0.5
    return np.hypot(x - CX, y - CY), np.arctan2(y - CY, x - CX)


def spokes() -> np.ndarray:
    """24 alternating wedges round (CX, CY): all angular detail."""
    return pattern(np.floor(polar()[1] / (2 * np.pi) * 24) % 2 == 0)


def rings() -> np.ndarray:
    """Rings 4 px wide round (CX, CY): all radial detail."""
    return pattern(np.floor(polar()[0] / 4) % 2 == 0)


def stripes(vertical: bool) -> np.ndarray:
    y, x = np.mgrid[:H, :W]
    return pattern(((x if vertical else y) // 4) % 2 == 0)


def _field(tool, name: str, kind=QSpinBox):
    return tool.options().findChild(kind, f"BlurGallery_{name}")


@pytest.mark.parametrize("which", ["spokes", "rings"])
def test_spin_blur_turns_the_spokes_grey_keeps_the_rings_the_centre_and_the_outside(
        qtbot, tmp_path, monkeypatch, which):
    pixels = spokes() if which == "spokes" else rings()
    w = pasted_window(qtbot, tmp_path, monkeypatch, pixels, 3.0)
    layer = next(w.doc.layers())
    tool = _start(w, "spin_blur")
    (cx, cy, rx, ry, _turn, feather, angle), = tool.op.spins
    assert (cx, cy, angle) == (80.5, 60.5, 15) and rx == ry == 36
    # The centre pin dragged onto the pattern's centre (it snaps to the pixel's centre).
    image_drag(qtbot, w.canvas, [(cx, cy), (cx - 4, cy - 2), (CX + 0.2, CY - 0.1)])
    assert tool.op.spins[0][:2] == (CX, CY)
    _blur_field(tool).setValue(90)
    assert tool.op.spins[0][6] == 90
    _apply(qtbot, w)
    after = layer.pixels
    r, _ = polar()
    inside, outside = (r > 4) & (r < feather * rx - 2), r > rx + 1
    np.testing.assert_array_equal(after[outside], pixels[outside])  # beyond the ellipse
    np.testing.assert_array_equal(after[55, 70], pixels[55, 70])  # the centre pixel
    before = contrast(pixels[inside][None])
    assert before > 100
    if which == "spokes":  # a quarter turn over wedges of 15 degrees: grey
        assert contrast(after[inside][None]) < 0.1 * before
    else:  # the rings run along the spin: they stay
        assert contrast(after[inside][None]) > 0.75 * before


def test_spin_blur_adds_a_spin_where_clicked_and_its_ring_sets_the_angle(
        qtbot, tmp_path, monkeypatch):
    from editor.ui.tools.blur_gallery import RING

    w = pasted_window(qtbot, tmp_path, monkeypatch, checks(), 3.0)
    layer = next(w.doc.layers())
    before = layer.pixels.copy()
    tool = _start(w, "spin_blur")
    qtbot.mouseClick(w.canvas, Qt.MouseButton.LeftButton, pos=image_pos(w.canvas, 135, 20))
    assert len(tool.op.spins) == 2 and tool.selected == 1
    assert tool.op.spins[1][:2] == (135.5, 20.5) and tool.op.spins[1][2:] == tool.op.spins[0][2:]
    # A quarter turn clockwise round the new spin's ring: 90 degrees more.
    c = w.canvas.image_to_widget(QPointF(135.5, 20.5))
    drag(qtbot, w.canvas, [QPoint(round(c.x() + RING * np.sin(a)),
                                  round(c.y() - RING * np.cos(a)))
                           for a in np.linspace(0, np.pi / 2, 7)])
    assert tool.op.spins[1][6] == pytest.approx(15 + 90, abs=6)
    assert _blur_field(tool).value() == round(tool.op.spins[1][6])
    assert tool.op.spins[0][6] == 15
    # Alt+drag on its centre: a copy dragged away, the original stays.
    image_drag(qtbot, w.canvas, [(135.5, 20.5), (130, 40), (120.5, 95.5)],
               modifier=Qt.KeyboardModifier.AltModifier)
    assert len(tool.op.spins) == 3 and tool.op.spins[1][:2] == (135.5, 20.5)
    assert tool.op.spins[2][:2] == (120.5, 95.5) and tool.selected == 2
    qtbot.keyClick(w.canvas, Qt.Key.Key_Delete)  # the copy goes
    assert len(tool.op.spins) == 2
    _apply(qtbot, w)
    after = layer.pixels
    r = np.hypot(*(np.mgrid[:H, :W] + 0.5 - np.array([20.5, 135.5])[:, None, None]))
    near = (r > 4) & (r < 12)  # (inside the feather: the full quarter turn and more)
    assert contrast(after[near][None]) < 0.3 * contrast(before[near][None])


@pytest.mark.parametrize("vertical", [True, False])
def test_a_straight_horizontal_path_blurs_vertical_stripes_and_keeps_horizontal_ones(
        qtbot, tmp_path, monkeypatch, vertical):
    pixels = stripes(vertical)
    w = pasted_window(qtbot, tmp_path, monkeypatch, pixels, 3.0)
    layer = next(w.doc.layers())
    tool = _start(w, "path_blur")
    (points, s0, s1), = tool.op.paths
    assert points == ((48, 60), (80, 60), (112, 60)) and s0 == s1 == bm.END_SPEED
    assert _field(tool, "speed").value() == 50 and _field(tool, "centered", QCheckBox).isChecked()
    _field(tool, "speed").setValue(16)  # streaks of 16 px: two periods of the stripes
    assert tool.op.speed == 16
    _apply(qtbot, w)
    after = layer.pixels
    if vertical:  # along the motion: grey
        assert contrast(after[:, 10:-10]) < 0.15 * contrast(pixels)  # (the edges repeat)
    else:  # across it: each row is flat along the streak
        np.testing.assert_array_equal(after, pixels)


def test_a_drawn_path_sets_the_direction_and_its_end_point_speed(qtbot, tmp_path, monkeypatch):
    """A new vertical path dragged out, the default one deleted: horizontal stripes blur,
    vertical ones stay; an end point's speed of 0 fades the streaks towards it."""
    pixels = stripes(False)
    w = pasted_window(qtbot, tmp_path, monkeypatch, pixels, 3.0)
    layer = next(w.doc.layers())
    tool = _start(w, "path_blur")
    end_speed = _field(tool, "end_speed")
    assert not end_speed.isEnabled()  # no end point selected
    image_drag(qtbot, w.canvas, [(140, 10), (140, 50), (140, 110)])
    assert len(tool.op.paths) == 2 and tool.selected == 1 and tool.end == 1
    points = tool.op.paths[1][0]
    assert len(points) == 3 and abs(points[0][1] - 10) <= 1 and abs(points[2][1] - 110) <= 1
    assert end_speed.isEnabled()
    end_speed.setValue(0)  # the bottom end's speed: no streak there
    assert tool.op.paths[1][2] == 0 and tool.op.paths[1][1] == bm.END_SPEED
    x, y = tool.op.paths[0][0][0]
    qtbot.mouseClick(w.canvas, Qt.MouseButton.LeftButton, pos=image_pos(w.canvas, x, y))
    assert tool.selected == 0 and tool.end == 0 and end_speed.value() == bm.END_SPEED
    qtbot.keyClick(w.canvas, Qt.Key.Key_Delete)
    assert len(tool.op.paths) == 1 and tool.op.paths[0][0] == points
    _apply(qtbot, w)
    after = layer.pixels
    top, bottom = after[20:40], after[100:110]
    assert contrast(top) < 0.2 * contrast(pixels[20:40])  # fast near the top end
    assert contrast(bottom) > 0.6 * contrast(pixels[100:110])  # slowing to 0 at the bottom
    vertical = stripes(True)  # the same blur on vertical stripes changes nothing
    box = Box(0, 0, W, H)
    np.testing.assert_array_equal(tool.op.process(vertical, box, box, None), vertical)


def test_enter_is_one_undo_step_and_escape_changes_nothing(qtbot, tmp_path, monkeypatch):
    w = pasted_window(qtbot, tmp_path, monkeypatch, spokes(), 3.0)
    doc = w.doc
    layer = next(doc.layers())
    before = layer.pixels.copy()
    steps, count = doc.history.index, doc.history.count
    for kind in ("spin_blur", "path_blur"):
        tool = _start(w, kind)
        if kind == "spin_blur":
            _blur_field(tool).setValue(120)
        else:
            _field(tool, "taper").setValue(50)
        w.canvas.repaint()  # the preview drawn: the document untouched
        qtbot.keyClick(w.canvas, Qt.Key.Key_Escape)
        assert w.tools.mode is None
        np.testing.assert_array_equal(layer.pixels, before)
        assert (doc.history.index, doc.history.count) == (steps, count)
    for kind in ("spin_blur", "path_blur"):
        _start(w, kind)
        _apply(qtbot, w)
        assert doc.history.index == steps + 1
        assert not np.array_equal(layer.pixels, before)
        w.actions["undo"].trigger()
        assert doc.history.index == steps
        np.testing.assert_array_equal(layer.pixels, before)


def test_on_a_smart_object_the_spin_becomes_a_smart_filter_and_comes_back(opened_smart):
    w, qtbot, smart = opened_smart
    tool = _start(w, "spin_blur")
    _blur_field(tool).setValue(45)
    _apply(qtbot, w)
    assert [type(f.op) for f in smart.filters] == [bm.SpinBlur]
    assert smart.filters[0].op == tool.op
    from editor.model.smart_filters import as_entry, from_entry

    assert from_entry(as_entry(smart.filters))[0].op == tool.op  # kept in our PSD entry


@pytest.fixture
def opened_smart(qtbot, tmp_path, monkeypatch):
    from test_ui_smart_objects import convert

    w = pasted_window(qtbot, tmp_path, monkeypatch, spokes(), 3.0)
    return w, qtbot, convert(w)


def test_path_blur_in_bands_gives_what_it_gives_whole(monkeypatch):
    """(The worker's bands of rows: each reads the field where its streaks go.) Spin Blur
    reads along whole ellipses: it runs whole."""
    from test_filters import assert_bands_do_not_show

    op = bm.PathBlur(paths=((((10, 10), (50, 30), (90, 10)), 40, 10),
                            (((20, 70), (80, 75)), 20, 30)), taper=40, centered=False)
    assert_bands_do_not_show(monkeypatch, op, 90, 70, 100)
    assert not bm.SpinBlur(spins=((40.5, 30.5, 30, 20, 25, 0.6, 50),)).banded()


@pytest.mark.parametrize("kind", ["spin_blur", "path_blur"])
def test_the_canvas_previews_what_enter_applies(qtbot, tmp_path, monkeypatch, kind):
    """At 100 % on a small layer the preview is the very blur Enter applies; the layer's
    pixels wait for Enter."""
    from ui_helpers import on_canvas

    w = pasted_window(qtbot, tmp_path, monkeypatch, checks(), 3.0)
    layer = next(w.doc.layers())
    before = layer.pixels.copy()
    w.canvas.set_zoom(1.0)
    tool = _start(w, kind)
    if kind == "spin_blur":
        _blur_field(tool).setValue(90)
    shown = on_canvas(w.canvas)
    np.testing.assert_array_equal(layer.pixels, before)
    # Away from the controls drawn over it (the spin's ellipse, ring and handles round
    # (80.5, 60.5); the path along row 60):
    y, x = np.mgrid[:H, :W] + 0.5
    r = np.hypot(x - 80.5, y - 60.5)
    away = ((r > 20) & (r < 24)) | (r > 42) if kind == "spin_blur" else np.abs(y - 60) > 12
    blurred = away & (r < 24) if kind == "spin_blur" else away
    assert contrast(shown[blurred][None]) < 0.3 * contrast(before[blurred][None])
    _apply(qtbot, w)
    assert np.abs(shown[away] - layer.pixels[away][..., :3]).max() <= 1


def test_path_blur_keeps_inside_the_selection(qtbot, tmp_path, monkeypatch):
    """Through the Filter menu's path: outside the selection nothing changes."""
    from editor.model import selection_ops

    pixels = stripes(True)
    w = pasted_window(qtbot, tmp_path, monkeypatch, pixels, 3.0)
    doc = w.doc
    layer = next(doc.layers())
    selection_ops.select_mask(doc, selection_ops.ellipse_mask(doc, Box(20, 10, 80, 100)))
    coverage = selection_ops.current_mask(doc)
    _start(w, "path_blur")
    _apply(qtbot, w)
    after = layer.pixels
    outside, inside = coverage == 0, coverage == 255
    np.testing.assert_array_equal(after[outside], pixels[outside])
    assert contrast(after[inside][None]) < 0.3 * contrast(pixels[inside][None])
    w.update_actions()
    assert w.actions["fade"].text().replace("&", "") == "Fade Path Blur…"


def test_a_click_on_a_path_adds_a_point_and_a_drag_on_it_moves_the_path(
        qtbot, tmp_path, monkeypatch):
    w = pasted_window(qtbot, tmp_path, monkeypatch, checks(), 3.0)
    tool = _start(w, "path_blur")
    qtbot.mouseClick(w.canvas, Qt.MouseButton.LeftButton, pos=image_pos(w.canvas, 64, 60))
    points = tool.op.paths[0][0]
    assert len(points) == 4 and points[0] == (48, 60) and points[2:] == ((80, 60), (112, 60))
    assert abs(points[1][0] - 64) <= 0.5 and abs(points[1][1] - 60) <= 0.5
    image_drag(qtbot, w.canvas, [(96, 60), (96, 70), (96, 80)])  # the line, between points
    moved = tool.op.paths[0][0]
    assert [(x, round(y - y0)) for (x, y), (_, y0) in zip(moved, points)] == \
        [(x, 20) for x, _ in points]
    ctrl_z = (Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(w.canvas, *ctrl_z)
    assert tool.op.paths[0][0] == points
    qtbot.keyClick(w.canvas, *ctrl_z)
    assert len(tool.op.paths[0][0]) == 3


def test_strobe_leaves_sharper_copies_at_the_flashes(qtbot, tmp_path, monkeypatch):
    """A small bright square on black, the default horizontal path, streaks of 40 px:
    plain, the square is smeared evenly over ±20 px; with Motion Blur Effects' Strobe
    Strength 100 %, 3 flashes (the streak's start, middle and end), copies stand at ±20 px
    and the smear between them is gone."""
    on = np.zeros((H, W), bool)
    on[59:62, 79:82] = True
    pixels = pattern(on)
    pixels[~on, :3] = 0

    def blurred(strobe: int):
        w = pasted_window(qtbot, tmp_path, monkeypatch, pixels, 3.0)
        layer = next(w.doc.layers())
        tool = _start(w, "path_blur")
        _field(tool, "speed").setValue(40)
        _field(tool, "strobe").setValue(strobe)
        _field(tool, "flashes").setValue(3)
        assert (tool.op.strobe, tool.op.flashes) == (strobe, 3)
        _apply(qtbot, w)
        return layer.pixels[60, :, 0].astype(int)

    plain, strobed = blurred(0), blurred(100)
    # Plain: as bright 10 px away as 20 px away (one even smear).
    assert plain[90] > 5 and abs(plain[90] - plain[100]) <= 0.5 * plain[90] + 2
    # Strobed: the copies at ±20 px, nothing half way.
    assert strobed[100] > 3 * max(strobed[90], 1) and strobed[60] > 3 * max(strobed[70], 1)
    assert strobed[80] > 3 * max(strobed[90], 1)
    assert strobed[90] < plain[90]


def test_strobe_zero_is_the_plain_blur_and_flashes_are_checked():
    op = bm.PathBlur(paths=((((10, 30), (90, 30)), 40, 40),), taper=20)
    src = pattern(np.random.default_rng(3).random((60, 100)) > 0.5)
    box = Box(0, 0, 100, 60)
    np.testing.assert_array_equal(op.process(src, box, box, None),
                                  bm.PathBlur(paths=op.paths, taper=20, strobe=0,
                                              flashes=7).process(src, box, box, None))
    with pytest.raises(ValueError, match="Strobe Flashes"):
        bm.PathBlur(flashes=0)
