"""The Pattern Stamp (Shift+S from the Clone Stamp) and the Art History Brush (Shift+Y
from the History Brush) as a user drives them in the window."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from editor.model.history_brush import NO_LAYER
from editor.ui.history_panel import BRUSH
from test_ui_history_snapshots import click_snapshot
from test_ui_retouch import distance_to_segment
from ui_helpers import image_drag, in_modal_dialog, pasted_window, zoomed_photo_window

RED, BLUE = (220, 30, 30), (30, 40, 210)
W, H = 48, 40


def checker_image() -> np.ndarray:
    """White, with an 8x8 red/blue checker of 4-px squares in the top-left corner."""
    img = np.full((H, W, 4), 255, np.uint8)
    yy, xx = np.mgrid[:8, :8]
    img[:8, :8, :3] = np.where(((yy // 4 + xx // 4) % 2 == 0)[..., None], RED, BLUE)
    return img


@pytest.fixture
def stamped(qtbot, tmp_path, monkeypatch):
    """The checker defined as a pattern (marquee, Edit > Define Pattern), then a new blank
    layer, and the Pattern Stamp taken with Shift+S: (window, tool, pattern pixels)."""
    w = pasted_window(qtbot, tmp_path, monkeypatch, checker_image(), 4.0)
    monkeypatch.setattr("editor.ui.dialogs.ask_text", lambda *a, **k: "Checker")
    w.tool_actions["marquee"].trigger()
    image_drag(qtbot, w.canvas, [(0, 0), (4, 4), (8, 8)])
    w.actions["define_pattern"].trigger()
    assert [p.name for p in w.doc.patterns] == ["Checker"]
    w.actions["deselect"].trigger()
    w.actions["new_layer"].trigger()
    assert len(list(w.doc.layers())) == 2
    w.canvas.setFocus()
    qtbot.keyClick(w.canvas, Qt.Key.Key_S)
    assert w.tools.current.id == "clone_stamp"
    qtbot.keyClick(w.canvas, Qt.Key.Key_S, Qt.KeyboardModifier.ShiftModifier)
    tool = w.tools.current
    assert tool.id == "pattern_stamp" and tool.label == "Pattern Stamp Tool"
    tool.set_size(9)
    tool.set_hardness(1.0)
    tool.set_opacity(1.0)
    tool.set_flow(1.0)
    return w, tool, w.doc.patterns[0].pixels


def on_layer(w) -> np.ndarray:
    return w.doc.active.canvas_crop(w.doc.canvas)


def tiled(pattern: np.ndarray, phase=(0, 0)) -> np.ndarray:
    """The pattern tiled over the canvas with its corner at `phase`."""
    yy, xx = np.mgrid[:H, :W]
    ph, pw = pattern.shape[:2]
    return pattern[(yy - phase[1]) % ph, (xx - phase[0]) % pw]


def test_pattern_stamp_paints_the_tiles_at_canvas_coordinates_in_one_step(stamped, qtbot):
    w, tool, pattern = stamped
    doc = w.doc
    steps = doc.history.count
    a, b = (6.5, 12.5), (40.5, 12.5)
    image_drag(qtbot, w.canvas, [a, (20.5, 12.5), b])
    assert w.test_errors == []
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Pattern Stamp"
    first = on_layer(w)
    near = distance_to_segment((H, W), a, b)
    core, far = near < 3.5, near > 5.5
    expected = tiled(pattern)
    assert core.sum() > 150
    assert (first[core][:, 3] == 255).mean() > 0.95
    painted = first[..., 3] > 0
    # The tiles, where the canvas has them (the edge's pixels are the colours, fainter).
    assert np.array_equal(first[painted][:, :3], expected[painted][:, :3])
    assert not first[far][..., 3].any()                    # nothing elsewhere
    # A second stroke, Aligned: it carries on the same tiling (the two line up).
    c, d = (10.5, 18.5), (30.5, 30.5)
    image_drag(qtbot, w.canvas, [c, d])
    assert doc.history.count == steps + 2
    both = on_layer(w)
    painted = both[..., 3] > 0
    assert painted.sum() > first[..., 3].astype(bool).sum() + 100
    assert np.array_equal(both[painted][:, :3], expected[painted][:, :3])
    w.actions["undo"].trigger()
    assert np.array_equal(on_layer(w), first)
    w.actions["undo"].trigger()
    assert not on_layer(w)[..., 3].any()


def test_pattern_stamp_not_aligned_starts_the_pattern_at_the_stroke(stamped, qtbot):
    w, tool, pattern = stamped
    box = w.tools.current.options().findChild(type(tool._option_widgets["aligned"]),
                                              "pattern_stamp_aligned")
    box.click()
    assert tool.aligned is False
    a, b = (13.5, 22.5), (37.5, 22.5)
    image_drag(qtbot, w.canvas, [a, b])
    got = on_layer(w)
    painted = got[..., 3] > 0
    assert painted.sum() > 150
    expected = tiled(pattern, (13, 22))  # the pattern's corner where the stroke began
    assert np.array_equal(got[painted][:, :3], expected[painted][:, :3])
    assert not np.array_equal(got[painted][:, :3], tiled(pattern)[painted][:, :3])


def test_pattern_stamp_keeps_to_the_selection_and_asks_for_a_pattern(stamped, qtbot):
    w, tool, pattern = stamped
    doc = w.doc
    w.tool_actions["marquee"].trigger()
    image_drag(qtbot, w.canvas, [(20, 0), (25, 20), (30, 40)])
    w.tool_actions["pattern_stamp"].trigger()
    a, b = (4.5, 20.5), (44.5, 20.5)
    image_drag(qtbot, w.canvas, [a, b])
    got = on_layer(w)
    painted = got[..., 3] > 0
    assert painted[:, 20:30].sum() > 60
    assert not painted[:, :20].any() and not painted[:, 30:].any()
    # Without a pattern: one line, nothing painted.
    w.actions["undo"].trigger()  # the stroke
    w.actions["deselect"].trigger()
    doc._set_patterns(())
    steps = doc.history.count
    image_drag(qtbot, w.canvas, [a, b])
    assert doc.history.count == steps
    assert "Define a pattern first" in w.statusBar().currentMessage()


# -- Art History Brush -------------------------------------------------------------------
PW, PH = 96, 64


@pytest.fixture
def reddened(qtbot, tmp_path, monkeypatch):
    """A photo opened, its layer filled red (Edit > Fill), the opened photo chosen as the
    History Brush's source, and the Art History Brush taken with Shift+Y."""
    w = zoomed_photo_window(qtbot, tmp_path, monkeypatch, PW, PH, 4.0)
    (layer,) = w.doc.layers()
    photo = layer.pixels.copy()
    w.set_foreground(QColor(*RED))

    def foreground(dialog, seen):
        dialog.contents.setCurrentIndex(dialog.contents.findData("foreground"))
        dialog.opacity.setValue(100)

    in_modal_dialog(qtbot, w.actions["fill"].trigger, foreground, "FillDialog")
    assert (layer.pixels[..., :3] == RED).all()
    click_snapshot(qtbot, w, 0, BRUSH)
    assert w.doc.snapshots.source is w.doc.snapshots.items[0]
    w.activateWindow()  # (back from the Fill dialog: the tools' letters are the window's)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    w.canvas.setFocus()
    qtbot.keyClick(w.canvas, Qt.Key.Key_Y)
    assert w.tools.current.id == "history_brush"
    qtbot.keyClick(w.canvas, Qt.Key.Key_Y, Qt.KeyboardModifier.ShiftModifier)
    tool = w.tools.current
    assert tool.id == "art_history_brush" and tool.label == "Art History Brush Tool"
    tool.set_size(3)
    tool.set_hardness(1.0)
    tool.set_opacity(1.0)
    tool.set_area(20)
    tool.set_tolerance(0)
    tool.set_style("Tight Short")
    tool.stroke_seed = 7
    return w, tool, layer, photo


A, B = (30.5, 32.5), (60.5, 32.5)


def test_art_history_brush_paints_strokes_coloured_by_the_source(reddened, qtbot):
    w, tool, layer, photo = reddened
    doc = w.doc
    red = layer.pixels.copy()
    steps = doc.history.count
    image_drag(qtbot, w.canvas, [A, (45.5, 32.5), B])
    assert w.test_errors == []
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Art History Brush"
    after = layer.pixels.copy()
    changed = (after[..., :3] != red[..., :3]).any(axis=2)
    assert changed.sum() > 200
    # Strokes start within the Area (10 px) and run 2 diameters: nothing beyond.
    reach = 10 + 2 * 3 + 3 + 1.5
    assert not changed[distance_to_segment(changed.shape, A, B) > reach].any()
    # The colours come from the source: they follow the photo's where they lie...
    lum = np.array([0.299, 0.587, 0.114])
    got, src = after[changed][:, :3] @ lum, photo[changed][:, :3] @ lum
    r = np.corrcoef(got, src)[0, 1]
    assert r > 0.4, r  # 0.58 measured; one flat colour would give none
    # ...in strokes, not as the History Brush's exact copy.
    exact = (after[changed][:, :3] == photo[changed][:, :3]).all(axis=1).mean()
    assert exact < 0.6, exact
    w.actions["undo"].trigger()
    assert np.array_equal(layer.pixels, red)


def test_art_history_brush_is_reproducible_with_a_seed_and_styles_differ(reddened, qtbot):
    w, tool, layer, photo = reddened
    red = layer.pixels.copy()
    image_drag(qtbot, w.canvas, [A, B])
    first = layer.pixels.copy()
    w.actions["undo"].trigger()
    image_drag(qtbot, w.canvas, [A, B])
    assert np.array_equal(layer.pixels, first)
    w.actions["undo"].trigger()
    tool.stroke_seed = 8
    image_drag(qtbot, w.canvas, [A, B])
    assert not np.array_equal(layer.pixels, first)
    w.actions["undo"].trigger()
    tool.stroke_seed = 7
    combo = tool.options().findChild(type(tool._option_widgets["style"]), "art_history_style")
    combo.setCurrentText("Tight Curl")
    assert tool.style == "Tight Curl"
    image_drag(qtbot, w.canvas, [A, B])
    assert not np.array_equal(layer.pixels, first)
    assert not np.array_equal(layer.pixels, red)


def test_s_and_y_groups_share_a_palette_place_and_shift_cycles_them(stamped, qtbot):
    w = stamped[0]
    canvas = w.canvas
    for key, group in ((Qt.Key.Key_S, ("clone_stamp", "pattern_stamp")),
                       (Qt.Key.Key_Y, ("history_brush", "art_history_brush"))):
        button = w.tool_group_buttons[group]
        assert list(button.menu().actions()) == [w.tool_actions[t] for t in group]
        qtbot.keyClick(canvas, Qt.Key.Key_B)
        qtbot.keyClick(canvas, key, Qt.KeyboardModifier.ShiftModifier)  # the place's tool
        shown = w.tools.current.id
        assert shown in group
        for _ in group:
            qtbot.keyClick(canvas, key, Qt.KeyboardModifier.ShiftModifier)
            assert w.tools.current.id != shown or len(group) == 1
            shown = w.tools.current.id
            assert button.defaultAction() is w.tool_actions[shown]


def test_art_history_tolerance_keeps_strokes_where_the_layer_differs(reddened, qtbot):
    w, tool, layer, photo = reddened
    red = layer.pixels.copy()
    # Where the layer is the source already, a high Tolerance paints nothing...
    w.actions["undo"].trigger()  # the Fill: the layer is the photo again
    opened = layer.pixels.copy()
    tool.set_tolerance(20)
    image_drag(qtbot, w.canvas, [A, B])
    assert np.array_equal(layer.pixels, opened)
    # ...where it is red, it paints.
    w.actions["redo"].trigger()
    assert np.array_equal(layer.pixels, red)
    image_drag(qtbot, w.canvas, [A, B])
    assert (layer.pixels != red).any()


def test_the_locks_hold_for_both_tools(stamped, qtbot):
    w, tool, pattern = stamped
    doc = w.doc
    layer = doc.active
    # Lock Transparent Pixels: the pattern goes only where the layer has pixels.
    w.tool_actions["marquee"].trigger()
    image_drag(qtbot, w.canvas, [(0, 16), (10, 20), (20, 24)])
    w.tool_actions["pattern_stamp"].trigger()
    image_drag(qtbot, w.canvas, [(4.5, 20.5), (16.5, 20.5)])
    w.actions["deselect"].trigger()
    owned = on_layer(w)[..., 3] > 0
    assert owned.sum() > 30 and not owned[:, 20:].any()
    doc.set_lock(layer, "transparency", True)
    image_drag(qtbot, w.canvas, [(4.5, 20.5), (44.5, 20.5)])
    assert w.test_errors == []
    assert np.array_equal(on_layer(w)[..., 3] > 0, owned)  # no new pixels
    # Lock Image Pixels: the stroke is refused in one message, nothing changes.
    doc.set_lock(layer, "transparency", False)
    doc.set_lock(layer, "pixels", True)
    before, steps = on_layer(w), doc.history.count
    image_drag(qtbot, w.canvas, [(4.5, 30.5), (44.5, 30.5)])
    assert doc.history.count == steps and np.array_equal(on_layer(w), before)
    assert w.test_errors and "pixels locked" in w.test_errors[-1][1]
    # The Art History Brush refuses a layer its source (the document as opened) lacks, in
    # one line, as the History Brush does.
    w.tool_actions["art_history_brush"].trigger()
    image_drag(qtbot, w.canvas, [(4.5, 30.5), (44.5, 30.5)])
    assert doc.history.count == steps and np.array_equal(on_layer(w), before)
    assert w.statusBar().currentMessage() == NO_LAYER


def test_art_history_brush_honours_the_lock_on_pixels(reddened, qtbot):
    w, tool, layer, photo = reddened
    doc = w.doc
    doc.set_lock(layer, "pixels", True)
    before, steps = layer.pixels.copy(), doc.history.count
    image_drag(qtbot, w.canvas, [A, B])
    assert doc.history.count == steps and np.array_equal(layer.pixels, before)
    assert w.test_errors and "pixels locked" in w.test_errors[-1][1]
