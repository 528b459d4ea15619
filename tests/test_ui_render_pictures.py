"""Filter > Render > Flame…, Picture Frame…, Tree… in the window: their dialogs preview and
OK is one undo step that Ctrl+F repeats; Flame without a path says so and opens nothing."""
from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QApplication, QComboBox

from editor.model import paths
from editor.model.render_pictures import Flame
from engine.box import Box

from test_ui_more_filters import drive_settings
from ui_helpers import ctrl_f, in_modal_dialog

W, H = 96, 64


def test_flame_without_a_path_says_so_in_one_line(opened):
    w, doc = opened, opened.doc
    steps = doc.history.index
    w.actions["filter_flame"].trigger()
    assert QApplication.activeModalWidget() is None
    assert len(w.test_errors) == 1
    title, message = w.test_errors[0]
    assert "path" in message and "\n" not in message.strip()
    assert doc.history.index == steps


def test_flame_along_the_work_path_is_one_step_that_ctrl_f_repeats(opened, qtbot):
    w, doc = opened, opened.doc
    knots = np.array([[[10, 50], [10, 50], [10, 50]], [[86, 50], [86, 50], [86, 50]]], float)
    paths.add_subpath(doc, knots, False)
    w.actions["new_layer"].trigger()
    layer = doc.active
    steps = doc.history.index

    def drive(dialog, seen):
        drive_settings({"length": 25, "width": 10, "interval": 8, "style": "violent"})(
            dialog, seen)
        seen["op"] = dialog.operation()

    seen = in_modal_dialog(qtbot, w.actions["filter_flame"].trigger, drive,
                           "PixelDialog_Flame")
    qtbot.waitUntil(lambda: doc.history.index == steps + 1, timeout=20000)
    assert doc.history.undo_name() == "Flame"
    op = seen["op"]
    assert isinstance(op, Flame) and op.style == "violent" and op.length == 25
    assert op.path == (((10.0, 50.0), (86.0, 50.0)),) and op.frame == (0, 0, W, H)
    once = layer.canvas_crop(doc.canvas)
    box = Box(0, 0, W, H)
    np.testing.assert_array_equal(once, op.process(np.zeros((H, W, 4), np.uint8), box, box,
                                                   None))
    assert (once[40:52, 10:86, 3] > 60).mean() > 0.3  # on the path
    assert not (once[:10, :, 3] > 60).any()  # the flames' height, and a faint glow above
    doc.history.undo()
    assert not layer.canvas_crop(doc.canvas)[..., 3].any()
    ctrl_f(qtbot, w)
    qtbot.waitUntil(lambda: doc.history.index == steps + 1, timeout=20000)
    np.testing.assert_array_equal(layer.canvas_crop(doc.canvas), once)


def test_picture_frame_and_tree_from_their_dialogs(opened, qtbot):
    w, doc = opened, opened.doc
    w.actions["new_layer"].trigger()
    layer = doc.active
    steps = doc.history.index

    def pick(key, value, numbers=None):
        def drive(dialog, seen):
            drive_settings(numbers or {})(dialog, seen)
            combo = dialog.findChild(QComboBox, f"Filter_{key}")
            combo.setCurrentIndex(combo.findData(value))
            seen["op"] = dialog.operation()
        return drive

    seen = in_modal_dialog(qtbot, w.actions["filter_picture_frame"].trigger,
                           pick("frame_kind", "stripes", {"margin": 2, "size": 10}),
                           "PixelDialog_PictureFrame")
    qtbot.waitUntil(lambda: doc.history.index == steps + 1, timeout=20000)
    assert seen["op"].frame_kind == "stripes" and seen["op"].size == 10
    framed = layer.canvas_crop(doc.canvas)[..., 3]
    # In from the edge by Margin (a pixel of anti-aliasing either side), the border only.
    assert not framed[:1].any() and framed[2:12].mean() > 100
    assert not framed[14:H - 14, 14:W - 14].any()
    seen = in_modal_dialog(qtbot, w.actions["filter_tree"].trigger, pick("tree", "pine"),
                           "PixelDialog_Tree")
    qtbot.waitUntil(lambda: doc.history.index == steps + 2, timeout=20000)
    assert seen["op"].tree == "pine" and doc.history.undo_name() == "Tree"
    treed = layer.canvas_crop(doc.canvas)[..., 3]
    assert treed[-3:, W // 2 - 3:W // 2 + 3].max() > 200  # the trunk at the bottom centre
    doc.history.undo()
    np.testing.assert_array_equal(layer.canvas_crop(doc.canvas)[..., 3], framed)
