"""Image menu: sizes, crop, trim, rotate and flip the canvas — exact on a photo, one undo step
each, and the window shows the new canvas."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt, QTimer
from PySide6.QtGui import QColor

from editor.model import Document, image_ops
from editor.model.render import composite_document
from engine.box import Box

from ui_helpers import image_drag, make_window, photo, write_png


def two_layers() -> Document:
    doc = Document(60, 40)
    doc.add_image(photo(60, 40), "Background", 0, 0)
    doc.add_image(photo(20, 16, "astronaut"), "Top", 30, 10)
    return doc


@pytest.mark.parametrize("turns", [1, 2, -1])
def test_rotate_canvas_turns_the_picture(turns):
    doc = two_layers()
    before = composite_document(doc).copy()
    doc.set_selection(Box(1, 1, 5, 5))
    image_ops.rotate_canvas(doc, turns)
    assert np.array_equal(composite_document(doc), np.rot90(before, -turns))
    assert doc.selection is None and doc.history.count == 4
    doc.history.undo()
    assert doc.size == (60, 40) and np.array_equal(composite_document(doc), before)
    assert doc.selection == Box(1, 1, 5, 5)


def test_flip_canvas_mirrors_the_picture():
    doc = two_layers()
    before = composite_document(doc).copy()
    image_ops.flip_canvas(doc, True)
    assert np.array_equal(composite_document(doc), before[:, ::-1])
    image_ops.flip_canvas(doc, False)
    assert np.array_equal(composite_document(doc), before[::-1, ::-1])


def test_canvas_size_anchors_and_crop_deletes_what_it_cuts():
    doc = two_layers()
    before = composite_document(doc).copy()
    image_ops.canvas_size(doc, 80, 50, (1.0, 1.0))  # the picture stays bottom-right
    after = composite_document(doc)
    assert doc.size == (80, 50) and np.array_equal(after[10:, 20:], before)
    assert not after[:10].any() and not after[:, :20].any()
    doc.history.undo()
    image_ops.crop(doc, Box(25, 5, 30, 20))
    assert doc.size == (30, 20) and np.array_equal(composite_document(doc), before[5:25, 25:55])
    top = doc.find_by_name("Top")
    assert (top.x, top.y, top.width, top.height) == (5, 5, 20, 15)  # its cut-off part is gone
    doc.history.undo()
    assert doc.size == (60, 40) and np.array_equal(composite_document(doc), before)


def test_trim_and_image_size():
    doc = Document(50, 40)
    doc.add_image(photo(20, 10), "Small", 12, 7)
    image_ops.trim(doc)
    assert doc.size == (20, 10) and np.array_equal(composite_document(doc), photo(20, 10))
    image_ops.image_size(doc, 40, 20)
    layer = next(doc.layers())
    assert doc.size == (40, 20) and (layer.x, layer.y, layer.width, layer.height) == (0, 0, 40, 20)
    # Resampled from the photo, close to a plain resize of it.
    from PIL import Image

    expected = np.asarray(Image.fromarray(photo(20, 10)).resize((40, 20), Image.Resampling.BICUBIC))
    assert np.abs(layer.pixels[..., :3].astype(int) - expected[..., :3]).mean() < 6
    doc.history.undo()
    assert doc.size == (20, 10)
    with pytest.raises(Exception, match="1 to"):
        image_ops.image_size(doc, 0, 10)


def test_locked_layers_stop_the_image_commands():
    doc = two_layers()
    doc.set_locked(doc.find_by_name("Top"), True)
    with pytest.raises(Exception, match="locked"):
        image_ops.rotate_canvas(doc, 1)
    assert doc.size == (60, 40)


def test_image_menu_in_the_window(qtbot, tmp_path, monkeypatch):
    from editor.ui.image_commands import CanvasSizeDialog

    window = make_window(qtbot, tmp_path, monkeypatch)
    png = write_png(tmp_path / "cat.png", photo(96, 64))
    monkeypatch.setattr("editor.ui.dialogs.ask_open_paths", lambda *a, **k: [png])
    window.actions["open"].trigger()
    qtbot.waitUntil(lambda: len(window.sessions) == 1, timeout=10000)
    doc, canvas = window.doc, window.canvas
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles.index("&Image") == titles.index("&Edit") + 1
    window.actions["rotate_canvas_cw"].trigger()
    assert doc.size == (64, 96) and window.size_label.text() == "64 × 96 px"
    canvas.repaint()
    rect = canvas.doc_rect()
    assert rect.height() > rect.width()  # the view shows the turned canvas
    grab = canvas.grab().toImage()
    point = canvas.image_to_widget(QPointF(10.5, 20.5)).toPoint()
    expected = np.rot90(photo(96, 64), -1)[20, 10]
    assert QColor(grab.pixel(point)).getRgb()[:3] == tuple(int(v) for v in expected[:3])
    window.actions["undo"].trigger()
    assert doc.size == (96, 64)

    def accept():
        dialog = next(d for d in window.findChildren(CanvasSizeDialog) if d.isVisible())
        dialog.width_box.setValue(100)
        dialog.height_box.setValue(70)
        dialog.anchor.button(0).setChecked(True)  # top-left stays
        dialog.buttons.accepted.emit()

    QTimer.singleShot(0, accept)
    window.actions["canvas_size"].trigger()
    assert doc.size == (100, 70) and np.array_equal(composite_document(doc)[:64, :96], photo(96, 64))
    # Crop to a marquee box.
    window.tool_actions["marquee"].trigger()
    image_drag(qtbot, canvas, [(10, 10), (20, 20), (40, 30)])
    assert doc.selection == Box(10, 10, 30, 20), (window.tools.current.id, canvas.zoom, canvas.size())
    qtbot.waitUntil(window.actions["crop_image"].isEnabled)
    window.actions["crop_image"].trigger()
    assert doc.size == (30, 20) and np.array_equal(composite_document(doc), photo(96, 64)[10:30, 10:40])
    assert doc.history.undo_name() == "Crop"


def test_crop_tool(qtbot, tmp_path, monkeypatch):
    window = make_window(qtbot, tmp_path, monkeypatch)
    png = write_png(tmp_path / "cat.png", photo(96, 64))
    monkeypatch.setattr("editor.ui.dialogs.ask_open_paths", lambda *a, **k: [png])
    window.actions["open"].trigger()
    qtbot.waitUntil(lambda: len(window.sessions) == 1, timeout=10000)
    doc, canvas = window.doc, window.canvas
    canvas.set_zoom(4.0)
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_C)
    tool = window.tools.current
    assert tool.id == "crop" and tool.current_box(canvas) == doc.canvas
    # Drag the top-left handle in, then the bottom-right one.
    image_drag(qtbot, canvas, [(0, 0), (5, 5), (10, 8)])
    image_drag(qtbot, canvas, [(96, 64), (90, 60), (70, 50)])
    assert tool.current_box(canvas) == Box(10, 8, 60, 42)
    assert doc.size == (96, 64) and doc.history.count == 0  # nothing cropped yet
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    assert tool.current_box(canvas) == doc.canvas
    image_drag(qtbot, canvas, [(0, 0), (5, 5), (10, 8)])
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert doc.size == (86, 56) and doc.history.undo_name() == "Crop"
    assert np.array_equal(composite_document(doc), photo(96, 64)[8:, 10:])
    assert tool.current_box(canvas) == doc.canvas
    window.actions["undo"].trigger()
    assert doc.size == (96, 64)


def test_reveal_all_grows_the_canvas_to_the_layers_beyond_it(qtbot, tmp_path, monkeypatch):
    """Image > Reveal All: a layer reaching 10 px past the right edge and 5 px above the top
    grows the canvas to hold it (never shrinks it); the picture on the old canvas stays put;
    one undo step; with nothing beyond the canvas, one line and no step."""
    w = make_window(qtbot, tmp_path, monkeypatch)
    doc = two_layers()
    doc.add_image(photo(20, 10, "coffee"), "Out", 50, -5)
    w.add_session(doc, "t")
    before = composite_document(doc)[:35].copy()  # (rows under the new layer's reach)
    steps = doc.history.count
    w.actions["reveal_all"].trigger()
    assert not w.test_errors
    assert doc.size == (70, 45) and doc.history.count == steps + 1
    assert doc.history.undo_name() == "Reveal All"
    out = next(n for n in doc.layers() if n.name == "Out")
    assert (out.x, out.y) == (50, 0)  # (everything moved down by 5)
    after = composite_document(doc)
    assert np.array_equal(after[5:40, :60][:, :50], before[:, :50])
    w.actions["reveal_all"].trigger()  # nothing beyond now
    assert len(w.test_errors) == 1 and "nothing to reveal" in w.test_errors[0][1]
    assert doc.history.count == steps + 1
    w.actions["undo"].trigger()
    assert doc.size == (60, 40)
