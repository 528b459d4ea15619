"""Edit menu as a Photoshop user drives it: Delete/Backspace, Cut, Copy Merged, Paste in Place,
Fill and Stroke, each one undo step, on a real photograph."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor

from editor.model import Document
from editor.model.edit_ops import stroke
from editor.model.render import composite_document
from engine.box import Box

from ui_helpers import image_drag, image_pos, photo, zoomed_photo_window

W, H = 96, 64


@pytest.fixture
def opened(qtbot, tmp_path, monkeypatch):
    return zoomed_photo_window(qtbot, tmp_path, monkeypatch, W, H, 4.0)


def select(qtbot, window, box: Box) -> None:
    qtbot.keyClick(window.canvas, Qt.Key.Key_M)
    image_drag(qtbot, window.canvas, [(box.x, box.y), (box.x + 3, box.y + 3), (box.x1, box.y1)])
    assert window.doc.selection == box


def test_delete_clears_the_selection_or_deletes_the_layer(opened, qtbot):
    doc = opened.doc
    (layer,) = doc.layers()
    before = layer.pixels.copy()
    box = Box(10, 8, 30, 20)
    select(qtbot, opened, box)
    qtbot.keyClick(opened.canvas, Qt.Key.Key_Delete)
    assert doc.history.undo_name() == "Clear"
    assert not layer.pixels[box.slices()].any()  # transparent, no colour left
    outside = np.ones((H, W), bool)
    outside[box.slices()] = False
    assert np.array_equal(layer.pixels[outside], before[outside])
    opened.actions["undo"].trigger()
    assert np.array_equal(layer.pixels, before)
    qtbot.keyClick(opened.canvas, Qt.Key.Key_Backspace)
    assert not layer.pixels[box.slices()].any()
    # Nothing selected: the key deletes the layer, in one step.
    qtbot.keyClick(opened.canvas, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(opened.canvas, Qt.Key.Key_Delete)
    assert list(doc.layers()) == [] and doc.history.undo_name() == "Delete Layer"
    opened.actions["undo"].trigger()
    assert list(doc.layers()) == [layer]


def test_cut_then_paste_in_place_gives_the_picture_back(opened, qtbot):
    doc = opened.doc
    (layer,) = doc.layers()
    original = composite_document(doc).copy()
    box = Box(20, 10, 25, 30)
    select(qtbot, opened, box)
    qtbot.keyClick(opened.canvas, Qt.Key.Key_X, Qt.KeyboardModifier.ControlModifier)
    assert doc.history.undo_name() == "Cut Pixels" and not layer.pixels[box.slices()].any()
    qtbot.keyClick(opened.canvas, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    pasted = doc.active
    assert pasted is not layer and (pasted.x, pasted.y, pasted.width, pasted.height) == box.as_tuple()
    assert np.array_equal(composite_document(doc), original)
    opened.actions["undo"].trigger()
    opened.actions["undo"].trigger()
    assert np.array_equal(layer.pixels, photo(W, H))


def test_copy_merged_copies_what_the_canvas_shows(opened, qtbot):
    from PySide6.QtGui import QGuiApplication

    from editor.ui.edit_commands import clipboard_origin
    from editor.ui.qimage import qimage_to_rgba

    doc = opened.doc
    top = doc.add_image(photo(40, 30, "astronaut"), "Astronaut", 30, 20)
    doc.set_opacity(top, 128)
    box = Box(25, 15, 40, 30)
    select(qtbot, opened, box)
    opened.actions["copy_merged"].trigger()
    copied = qimage_to_rgba(QGuiApplication.clipboard().image())
    assert np.array_equal(copied, composite_document(doc)[box.slices()])
    assert clipboard_origin() == (box.x, box.y)
    # Plain Copy takes the active layer only, also with where it came from.
    opened.actions["copy"].trigger()
    copied = qimage_to_rgba(QGuiApplication.clipboard().image())
    assert np.array_equal(copied, top.canvas_crop(box))


def test_fill_paints_the_selection_with_the_foreground_colour(opened, qtbot):
    from editor.ui.edit_commands import FillDialog

    doc = opened.doc
    small = doc.add_image(photo(10, 10, "astronaut"), "Small", 40, 30)
    opened.set_foreground(QColor(200, 30, 40))
    box = Box(5, 5, 40, 30)  # reaches past the small layer: it grows
    select(qtbot, opened, box)

    def accept():
        dialog = next(d for d in opened.findChildren(FillDialog) if d.isVisible())
        assert dialog.contents.currentData() == "foreground"
        dialog.buttons.accepted.emit()

    QTimer.singleShot(0, accept)
    qtbot.keyClick(opened.canvas, Qt.Key.Key_F5, Qt.KeyboardModifier.ShiftModifier)
    assert doc.history.undo_name() == "Fill" and small.bounds().intersect(box) == box
    filled = small.canvas_crop(box)
    assert (filled == np.array([200, 30, 40, 255], np.uint8)).all()
    opened.actions["undo"].trigger()
    assert small.bounds() == Box(40, 30, 10, 10)


def test_stroke_draws_a_line_along_the_selection_edge(opened, qtbot):
    from editor.ui.edit_commands import StrokeDialog

    doc = opened.doc
    layer = doc.new_layer()
    box = Box(20, 10, 30, 24)
    select(qtbot, opened, box)

    def accept():
        dialog = next(d for d in opened.findChildren(StrokeDialog) if d.isVisible())
        dialog.width_box.setValue(3)
        dialog.location.button(0).setChecked(True)  # inside
        dialog.buttons.accepted.emit()

    opened.set_foreground(QColor(0, 0, 255))
    QTimer.singleShot(0, accept)
    opened.actions["stroke"].trigger()
    assert doc.history.undo_name() == "Stroke"
    alpha = layer.canvas_crop(doc.canvas)[..., 3] > 0
    expected = np.zeros((H, W), bool)
    expected[box.slices()] = True
    expected[box.expand(-3).slices()] = False
    assert np.array_equal(alpha, expected)  # a 3 px line just inside the box
    assert (layer.canvas_crop(box)[0, 5] == [0, 0, 255, 255]).all()


def test_stroke_outside_and_centred_widths():
    doc = Document(60, 40)
    layer = doc.new_layer()
    doc.set_selection(Box(20, 10, 20, 20))
    stroke(doc, layer, (255, 0, 0, 255), 4, "outside")
    alpha = layer.canvas_crop(doc.canvas)[..., 3] > 0
    assert alpha[20, 16:20].all() and not alpha[20, 15] and not alpha[20, 20]
    doc.history.undo()
    stroke(doc, layer, (255, 0, 0, 255), 4, "center")
    alpha = layer.canvas_crop(doc.canvas)[..., 3] > 0
    assert alpha[20, 18:22].all() and not alpha[20, 17] and not alpha[20, 22]


def test_paint_bucket_fills_the_clicked_colour(opened, qtbot):
    doc, canvas = opened.doc, opened.canvas
    (layer,) = doc.layers()
    pixels = layer.pixels.copy()
    pixels[10:30, 10:30] = (200, 20, 20, 255)
    doc.set_pixels(layer, pixels)
    pixels = pixels.copy()  # the layer now holds the array itself, painted in place
    opened.set_foreground(QColor(0, 128, 255))
    qtbot.keyClick(canvas, Qt.Key.Key_G)
    tool = opened.tools.current
    assert tool.id == "fill"
    tool.set_shape("bucket")
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=image_pos(canvas, 20, 20))
    assert doc.history.undo_name() == "Paint Bucket"
    assert (layer.pixels[10:30, 10:30] == (0, 128, 255, 255)).all()
    changed = (layer.pixels != pixels).any(axis=-1)
    assert changed.sum() == 400  # nothing else
    opened.actions["undo"].trigger()
    assert np.array_equal(layer.pixels, pixels)


def test_gradient_runs_from_foreground_to_background(opened, qtbot):
    doc, canvas = opened.doc, opened.canvas
    layer = doc.new_layer()
    opened.set_foreground(QColor(0, 0, 0))
    opened.set_background(QColor(255, 255, 255))
    qtbot.keyClick(canvas, Qt.Key.Key_G, Qt.KeyboardModifier.ShiftModifier)
    tool = opened.tools.current
    if tool.shape != "gradient":
        tool.set_shape("gradient")
    select(qtbot, opened, Box(0, 0, 96, 32))
    qtbot.keyClick(canvas, Qt.Key.Key_G)
    image_drag(qtbot, canvas, [(16, 10), (40, 10), (80, 10)])
    assert doc.history.undo_name() == "Gradient"
    row = layer.canvas_crop(doc.canvas)[5]
    assert (row[:16, :3] == 0).all() and (row[81:, :3] == 255).all()  # clamped ends
    assert abs(int(row[48, 0]) - 128) <= 3 and (np.diff(row[16:81, 0].astype(int)) >= 0).all()
    assert not layer.canvas_crop(doc.canvas)[40:, :, 3].any()  # only inside the selection


def test_gradient_method_in_the_options_bar(opened, qtbot):
    """The Gradient tool's Method (Perceptual, Linear, Classic; shown with the gradient,
    not the bucket): black to white blended in linear light is 188 halfway, not 128."""
    from PySide6.QtWidgets import QComboBox

    doc, canvas = opened.doc, opened.canvas
    layer = doc.new_layer()
    opened.set_foreground(QColor(0, 0, 0))
    opened.set_background(QColor(255, 255, 255))
    qtbot.keyClick(canvas, Qt.Key.Key_G)
    tool = opened.tools.current
    tool.set_shape("bucket")
    method = opened.findChild(QComboBox, "FillGradientMethod")
    assert method is not None and not method.isVisibleTo(opened)
    tool.set_shape("gradient")
    assert method.isVisibleTo(opened) and method.currentData() == "classic"
    method.setCurrentIndex(method.findData("linear"))
    image_drag(qtbot, canvas, [(16, 10), (40, 10), (80, 10)])
    assert doc.history.undo_name() == "Gradient"
    row = layer.canvas_crop(doc.canvas)[5].astype(int)
    assert (row[:16, :3] == 0).all() and (row[81:, :3] == 255).all()
    assert abs(row[48, 0] - 188) <= 3  # halfway in linear light
    assert opened.settings.value("tools/fill/method") == "linear"  # remembered
    method.setCurrentIndex(method.findData("classic"))


def test_color_panel(opened, qtbot):
    panel = opened.color_panel
    opened.docks["color"].raise_()
    panel.hex["foreground"].setText("#ff8000")
    panel.hex["foreground"].editingFinished.emit()
    assert opened.foreground.name() == "#ff8000"
    opened.canvas.setFocus()
    qtbot.keyClick(opened.canvas, Qt.Key.Key_X)
    assert opened.background.name() == "#ff8000" and panel.hex["background"].text() == "#ff8000"
    qtbot.keyClick(opened.canvas, Qt.Key.Key_D)
    assert (panel.hex["foreground"].text(), panel.hex["background"].text()) == ("#000000", "#ffffff")


def test_quitting_after_a_copy_does_not_crash(tmp_path):
    """The clipboard owns what Copy put there; Qt deletes it after Python has gone, which
    used to kill the process on quit (exit status 139) with the user's copy on it."""
    import os
    import subprocess
    import sys

    script = tmp_path / "copy_and_quit.py"
    script.write_text(
        "import numpy as np\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from editor.ui.edit_commands import clipboard_origin, put_on_clipboard\n"
        "app = QApplication([])\n"
        "put_on_clipboard(np.full((8, 8, 4), 200, np.uint8), 3, 4)\n"
        "assert clipboard_origin() == (3, 4)\n"
        "print('copied')\n")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
    run = subprocess.run([sys.executable, str(script)], env=env, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0 and "copied" in run.stdout, (run.returncode, run.stderr[-500:])
