"""Filter > Distort and Filter > Render driven through the window: the submenus in
Photoshop's places; each Distort dialog previews on the canvas as its settings change, OK
is one undo step giving the filter's pixels inside the selection, Cancel leaves nothing,
Ctrl+F repeats it; Wave's Randomize draws a new wave; Clouds runs at once on an empty
layer in the foreground and background colours, and Ctrl+F makes new clouds."""
from __future__ import annotations

import random

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QPushButton, QSpinBox, QWidget

from editor.model import distort_filters as df
from editor.ui import filter_commands
from engine.box import Box

from test_ui_more_filters import drive_settings
from ui_helpers import ctrl_f, in_modal_dialog, screen

W, H = 96, 64
SELECTED = Box(10, 6, 70, 50)


def texts(menu) -> list[str]:
    return [a.text().replace("&&", "+").replace("&", "").replace("+", "&")
            for a in menu.actions() if not a.isSeparator()]


def test_distort_and_render_are_in_photoshops_places(opened):
    w = opened
    filters = texts(w.menus["filter"])
    # Blur, Blur Gallery, Distort, as in Photoshop
    assert filters.index("Distort") == filters.index("Blur Gallery") + 1 \
        == filters.index("Blur") + 2
    assert filters.index("Render") == filters.index("Pixelate") + 1
    assert texts(w.menus["filter_distort"]) == [
        "Displace…", "Pinch…", "Polar Coordinates…", "Ripple…", "Shear…", "Spherize…", "Twirl…",
        "Wave…", "ZigZag…"]
    assert texts(w.menus["filter_render"]) == ["Flame…", "Picture Frame…", "Tree…",
                                               "Clouds", "Difference Clouds", "Fibers…",
                                               "Lens Flare…", "Lighting Effects…"]


CASES = [("twirl", {"angle": 250}, df.Twirl(250)),
         ("pinch", {"amount": -70}, df.Pinch(-70)),
         ("spherize", {"amount": 80, "mode": "vertical"}, df.Spherize(80, "vertical")),
         ("polar_coordinates", {"mode": "to_rect"}, df.PolarCoordinates("to_rect")),
         ("ripple", {"amount": 400, "size": "large"}, df.Ripple(400, "large")),
         ("zigzag", {"amount": 40, "ridges": 7, "style": "around"}, df.ZigZag(40, 7, "around")),
         ("wave", {"generators": 3, "amplitude_max": 20, "kind": "triangle", "seed": 77},
          df.Wave(generators=3, amplitude_max=20, kind="triangle", seed=77))]


@pytest.mark.parametrize("kind, settings, op", CASES, ids=[c[0] for c in CASES])
def test_dialog_previews_and_ok_is_one_step_that_ctrl_f_repeats(opened, qtbot, kind, settings,
                                                                 op):
    w, doc = opened, opened.doc
    layer = doc.active
    before = layer.pixels.copy()
    doc.set_selection(SELECTED)
    steps = doc.history.index
    box = Box(0, 0, W, H)

    def drive(dialog, seen):
        drive_settings(settings)(dialog, seen)
        qtbot.waitUntil(lambda: dialog.preview.shown == op, timeout=10000)  # the preview
        seen["previewed"] = screen(w)
        seen["steps"] = doc.history.index

    seen = in_modal_dialog(qtbot, w.actions[f"filter_{kind}"].trigger, drive,
                           "PixelDialog_" + op.label.replace(" ", ""))
    expected = op.process(before, SELECTED, SELECTED, None)
    once = layer.pixels.copy()
    np.testing.assert_array_equal(once[SELECTED.slices()], expected)
    np.testing.assert_array_equal(seen["previewed"], once[..., :3].astype(int))
    assert seen["steps"] == steps  # the preview records nothing
    outside = np.ones((H, W), bool)
    outside[SELECTED.slices()] = False
    np.testing.assert_array_equal(once[outside], before[outside])
    assert (once != before).any(axis=-1).mean() > 0.1
    assert doc.history.index == steps + 1 and doc.history.undo_name() == op.label
    w.update_actions()
    assert w.actions["fade"].isEnabled()  # Edit > Fade can fade it
    doc.history.undo()
    np.testing.assert_array_equal(layer.pixels, before)
    # Last Filter (Ctrl+F), on the whole layer now: the same settings, one more step.
    w.actions["deselect"].trigger()
    steps = doc.history.index
    ctrl_f(qtbot, w)
    qtbot.waitUntil(lambda: doc.history.index == steps + 1, timeout=20000)
    np.testing.assert_array_equal(layer.pixels, op.process(before, box, box, None))
    assert doc.history.undo_name() == op.label


def test_cancel_puts_the_layer_back(opened, qtbot):
    w, doc = opened, opened.doc
    layer = doc.active
    before = layer.pixels.copy()
    steps = doc.history.index

    def drive(dialog, seen):
        drive_settings({"angle": -400})(dialog, seen)
        qtbot.waitUntil(lambda: not np.array_equal(layer.pixels, before), timeout=10000)
        seen["cancel"] = True

    in_modal_dialog(qtbot, w.actions["filter_twirl"].trigger, drive, "PixelDialog_Twirl")
    np.testing.assert_array_equal(layer.pixels, before)
    assert doc.history.index == steps


def test_wave_randomize_draws_a_new_wave(opened, qtbot):
    w, doc = opened, opened.doc
    layer = doc.active

    def drive(dialog, seen):
        seed = dialog.findChild(QSpinBox, "Filter_seed")
        qtbot.waitUntil(lambda: dialog.preview.shown == df.Wave(), timeout=10000)
        first = layer.pixels.copy()
        seeds = {seed.value()}
        for _ in range(3):  # (a draw may, once in a million, give the same seed)
            qtbot.mouseClick(dialog.findChild(QPushButton, "Filter_seed_randomize"),
                             Qt.MouseButton.LeftButton)
            seeds.add(seed.value())
        assert len(seeds) > 1
        seen["op"] = df.Wave(seed=seed.value())
        qtbot.waitUntil(lambda: dialog.preview.shown == seen["op"], timeout=10000)
        assert not np.array_equal(layer.pixels, first)

    seen = in_modal_dialog(qtbot, w.actions["filter_wave"].trigger, drive, "PixelDialog_Wave")
    box = Box(0, 0, W, H)
    doc.history.undo()
    before = layer.pixels.copy()
    doc.history.redo()
    np.testing.assert_array_equal(layer.pixels, seen["op"].process(before, box, box, None))


def between(pixels: np.ndarray, fg, bg) -> float:
    """The largest distance (levels) of `pixels` from the line from fg to bg."""
    fg, bg = np.array(fg, float), np.array(bg, float)
    d = bg - fg
    t = np.clip(((pixels[..., :3] - fg) @ d) / (d @ d), 0, 1)
    return float(np.abs(pixels[..., :3] - (fg + t[..., None] * d)).max())


def test_clouds_fill_a_new_layer_at_once_and_ctrl_f_makes_new_ones(opened, qtbot, monkeypatch):
    # Each run draws a new seed; the menu's draws are made repeatable here, since on this
    # small canvas about one seed in thirty gives clouds too faint for the spread checked below.
    monkeypatch.setattr(filter_commands, "random", random.Random(7))
    w, doc = opened, opened.doc
    fg, bg = (200, 30, 40), (20, 40, 230)
    w.set_foreground(QColor(*fg))
    w.set_background(QColor(*bg))
    w.actions["new_layer"].trigger()
    layer = doc.active
    steps = doc.history.index
    w.actions["filter_clouds"].trigger()  # no dialog: a job
    assert QApplication.activeModalWidget() is None
    qtbot.waitUntil(lambda: doc.history.index == steps + 1, timeout=20000)
    assert doc.history.undo_name() == "Clouds"
    first = layer.canvas_crop(doc.canvas)
    np.testing.assert_array_equal(first[..., 3], 255)
    assert between(first, fg, bg) <= 1.0
    assert first[..., :3].std(axis=(0, 1)).max() > 10  # clouds, not a flat colour
    ctrl_f(qtbot, w)
    qtbot.waitUntil(lambda: doc.history.index == steps + 2, timeout=20000)
    again = layer.canvas_crop(doc.canvas)
    assert between(again, fg, bg) <= 1.0
    assert not np.array_equal(again, first)  # new clouds, as Photoshop's
    doc.history.undo()
    doc.history.undo()
    assert not layer.canvas_crop(doc.canvas)[..., 3].any()


def test_difference_clouds_run_at_once_on_the_photo(opened, qtbot):
    w, doc = opened, opened.doc
    layer = doc.active
    before = layer.pixels.copy()
    steps = doc.history.index
    w.actions["filter_difference_clouds"].trigger()  # no dialog: a job
    assert QApplication.activeModalWidget() is None
    qtbot.waitUntil(lambda: doc.history.index == steps + 1, timeout=20000)
    assert doc.history.undo_name() == "Difference Clouds"
    assert (np.abs(layer.pixels.astype(int) - before) > 20).any(axis=-1).mean() > 0.3
    np.testing.assert_array_equal(layer.pixels[..., 3], before[..., 3])


def test_displace_previews_once_a_map_is_chosen(opened, qtbot, tmp_path, monkeypatch):
    """Filter > Distort > Displace…: nothing moves until Choose… gives a map (a PNG here);
    then the preview, and OK is one step with that map."""
    from ui_helpers import write_png

    w, doc = opened, opened.doc
    layer = doc.active
    before = layer.pixels.copy()
    grey = np.full((16, 16, 4), 128, np.uint8)
    grey[..., 3] = 255
    grey[:8, :, :2] = 255  # the top half: left and up
    path = write_png(tmp_path / "map.png", grey)
    steps = doc.history.index

    def drive(dialog, seen):
        drive_settings({"horizontal": 40, "vertical": -30, "undefined": "wrap"})(dialog, seen)
        assert dialog.preview.shown is None and np.array_equal(layer.pixels, before)
        monkeypatch.setattr("editor.ui.dialogs.ask_open_paths", lambda *a, **k: [path])
        qtbot.mouseClick(dialog.findChild(QPushButton, "Filter_map_choose"),
                         Qt.MouseButton.LeftButton)
        seen["op"] = op = dialog.operation()
        assert op.map is not None and op.map.name == "map.png"
        qtbot.waitUntil(lambda: dialog.preview.shown == op, timeout=10000)
        assert not np.array_equal(layer.pixels, before)

    seen = in_modal_dialog(qtbot, w.actions["filter_displace"].trigger, drive,
                           "PixelDialog_Displace")
    box = Box(0, 0, W, H)
    assert doc.history.index == steps + 1 and doc.history.undo_name() == "Displace"
    np.testing.assert_array_equal(layer.pixels, seen["op"].process(before, box, box, None))


def test_lens_flare_centre_is_clicked_on_the_dialogs_thumbnail(opened, qtbot):
    """Filter > Render > Lens Flare…: a click on the thumbnail puts the flare there (the
    preview follows), Brightness and Lens Type as rows; OK is one step, Ctrl+F the same
    flare again."""
    w, doc = opened, opened.doc
    layer = doc.active
    before = layer.pixels.copy()

    def drive(dialog, seen):
        view = dialog.findChild(QWidget, "LensFlareCenter")
        assert dialog.operation().center == (W / 2, H / 2)  # the middle at first
        qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=view.to_widget(20, 15).toPoint())
        drive_settings({"brightness": 150, "lens": "prime105"})(dialog, seen)
        seen["op"] = op = dialog.operation()
        x, y = op.center
        assert abs(x - 20) <= 1 and abs(y - 15) <= 1  # (a thumbnail pixel's worth)
        qtbot.waitUntil(lambda: dialog.preview.shown == op, timeout=10000)
        seen["previewed"] = screen(w)

    seen = in_modal_dialog(qtbot, w.actions["filter_lens_flare"].trigger, drive,
                           "PixelDialog_LensFlare")
    op = seen["op"]
    assert op.brightness == 150 and op.lens == "prime105" and op.frame == (0, 0, W, H)
    box = Box(0, 0, W, H)
    once = layer.pixels.copy()
    np.testing.assert_array_equal(once, op.process(before, box, box, None))
    np.testing.assert_array_equal(seen["previewed"], once[..., :3].astype(int))
    assert doc.history.undo_name() == "Lens Flare"
    # The light is where the click was: white there, the far corner hardly lit.
    assert (once[15, 20, :3] >= 240).all()
    assert (once[-4:, -4:, :3].astype(int) - before[-4:, -4:, :3]).max() <= 30
    doc.history.undo()
    steps = doc.history.index
    ctrl_f(qtbot, w)
    qtbot.waitUntil(lambda: doc.history.index == steps + 1, timeout=20000)
    np.testing.assert_array_equal(layer.pixels, once)
