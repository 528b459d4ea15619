"""The Type tool (T) and text layers as a user drives them in the window: click and type a
new text layer, edit it by clicking it again, change its size from the options bar, cancel
with Esc, save it in a PSD and open it again still editable, rasterize it, and `info`
listing it."""
from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QDoubleSpinBox

from editor.model import Layer
from editor.model.text_layer import TextLayer, TextSettings, add_text, draw, set_text
from ui_helpers import image_drag, image_pos, open_file, zoomed_photo_window

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    """A window with a 320 x 200 photo opened, at 100 %, focused (the tools' letters are
    the window's shortcuts)."""
    return zoomed_photo_window(qtbot, tmp_path, monkeypatch, 320, 200, 1.0, activate=True)


def type_at(w, qtbot, x, y, text):
    """The Type tool (T), a click at image (x, y), `text` typed on the canvas."""
    qtbot.keyClick(w.canvas, Qt.Key.Key_T)
    assert w.tools.current.id == "type"
    qtbot.mouseClick(w.canvas, Qt.MouseButton.LeftButton, pos=image_pos(w.canvas, x, y))
    qtbot.keyClicks(w.canvas, text)


def commit(w, qtbot):
    qtbot.keyClick(w.canvas, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert w.tools.mode is None


def text_layers(doc):
    return [n for n in doc.layers() if isinstance(n, TextLayer)]


def test_typing_makes_a_text_layer_in_one_step(window, qtbot):
    w = window
    doc = w.doc
    steps = doc.history.count
    type_at(w, qtbot, 40, 100, "Hello")
    # Live: the layer is on the canvas while typing, and no step is recorded yet.
    (layer,) = text_layers(doc)
    assert layer.type_settings.text == "Hello" and doc.history.count == steps
    commit(w, qtbot)
    assert w.test_errors == []
    assert text_layers(doc) == [layer] and layer.name == "Hello" and doc.active is layer
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Type Tool"
    assert layer.anchor() == (40, 100)
    # Its pixels: the foreground colour's ink, on the first baseline from the click right.
    box = layer.bounds()
    assert layer.pixels[..., 3].max() == 255
    assert 38 <= box.x <= 46 and box.x1 > 80 and box.y < 100 <= box.y1 <= 110
    fg = w.foreground
    ink = layer.pixels[layer.pixels[..., 3] > 0]
    assert (ink[:, :3] == (fg.red(), fg.green(), fg.blue())).all()
    w.actions["undo"].trigger()
    assert text_layers(doc) == []
    w.actions["redo"].trigger()
    assert text_layers(doc) == [layer]


def test_clicking_a_text_layer_edits_it(window, qtbot):
    w = window
    doc = w.doc
    type_at(w, qtbot, 40, 100, "Hello")
    commit(w, qtbot)
    (layer,) = text_layers(doc)
    steps = doc.history.count
    # A click on the text edits it: the text cursor where the click was (after "He").
    box = layer.bounds()
    qtbot.mouseClick(w.canvas, Qt.MouseButton.LeftButton,
                     pos=image_pos(w.canvas, box.x + 1, box.y + box.h // 2))
    assert w.tools.mode is not None and w.tools.mode.layer is layer
    qtbot.keyClick(w.canvas, Qt.Key.Key_End)
    for _ in range(5):
        qtbot.keyClick(w.canvas, Qt.Key.Key_Backspace)
    qtbot.keyClicks(w.canvas, "World")
    qtbot.keyClick(w.canvas, Qt.Key.Key_Return)  # a new line
    qtbot.keyClicks(w.canvas, "Two")
    qtbot.keyClick(w.canvas, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
    assert w.tools.mode is None and w.test_errors == []
    assert text_layers(doc) == [layer] and layer.type_settings.text == "World\nTwo"
    assert layer.name == "World Two"
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Edit Type Layer"
    assert layer.bounds().h > box.h * 1.5  # two lines
    w.actions["undo"].trigger()
    assert layer.type_settings.text == "Hello" and layer.name == "Hello"
    assert layer.bounds() == box


def test_size_from_the_options_bar_draws_it_bigger(window, qtbot):
    w = window
    doc = w.doc
    type_at(w, qtbot, 40, 100, "Hi")
    commit(w, qtbot)
    (layer,) = text_layers(doc)
    before = layer.bounds()
    steps = doc.history.count
    size = w.findChild(QDoubleSpinBox, "TypeTool_size")
    assert size.isVisibleTo(w) and size.value() == layer.type_settings.size
    assert size.value() == 24.0  # (the default)
    size.setValue(48.0)
    assert layer.type_settings.size == size.value() == 48.0
    after = layer.bounds()
    assert after.h > 1.7 * before.h and after.w > 1.7 * before.w
    assert layer.anchor() == (40, 100)  # grown around its anchor
    assert doc.history.count == steps + 1


def test_escape_cancels_without_leaving_a_layer(window, qtbot):
    w = window
    doc = w.doc
    (photo,) = doc.layers()
    steps = doc.history.count
    type_at(w, qtbot, 40, 100, "Gone")
    assert len(text_layers(doc)) == 1
    qtbot.keyClick(w.canvas, Qt.Key.Key_Escape)
    assert w.tools.mode is None and text_layers(doc) == []
    assert list(doc.layers()) == [photo] and doc.history.count == steps
    assert doc.active is photo
    # The letters typed went into the text, not to the window's tool shortcuts.
    assert w.tools.current.id == "type"


def test_choosing_another_tool_commits(window, qtbot):
    w = window
    type_at(w, qtbot, 20, 60, "Kept")
    w.tool_actions["move"].trigger()
    assert w.tools.current.id == "move"
    (layer,) = text_layers(w.doc)
    assert layer.name == "Kept" and w.doc.history.undo_name() == "Type Tool"


def test_psd_keeps_the_text_editable(window, qtbot, monkeypatch, tmp_path):
    from psd_tools import PSDImage

    from editor.model.files import write_document

    w = window
    qtbot.keyClick(w.canvas, Qt.Key.Key_T)
    w.tools.current.set_option(size=36.0, bold=True)
    w.set_foreground(QColor(200, 30, 60))
    type_at(w, qtbot, 30, 80, "Saved")
    commit(w, qtbot)
    (layer,) = text_layers(w.doc)
    path = str(tmp_path / "text.psd")
    write_document(w.doc, path)
    # Every program sees a layer with its pixels; those that read type (psd-tools here,
    # Photoshop and Photopea) a type layer with its text, size, colour and font.
    psd = PSDImage.open(path)
    (item,) = [i for i in psd if i.name == "Saved"]
    box = layer.bounds()
    assert item.kind == "type" and item.bbox == (box.x, box.y, box.x1, box.y1)
    assert np.asarray(item.topil())[..., 3].max() == 255
    assert item.text == "Saved" and item.transform == (1, 0, 0, 1, 30, 80)
    style = item.engine_dict["StyleRun"]["RunArray"][0]["StyleSheet"]["StyleSheetData"]
    assert style["FontSize"] == 36.0
    assert [round(float(v) * 255) for v in style["FillColor"]["Values"]] == [255, 200, 30, 60]
    assert item.resource_dict["FontSet"][int(style["Font"])]["Name"] == "DejaVuSans-Bold"
    # Layered opens it as the text layer it was.
    open_file(w, qtbot, monkeypatch, path)
    (again,) = text_layers(w.doc)
    assert again.type_settings == layer.type_settings and again.anchor() == (30, 80)
    assert again.type_settings.size == 36.0 and again.type_settings.bold
    assert again.type_settings.color == (200, 30, 60)
    assert np.array_equal(again.pixels, layer.pixels)
    # ... and still editable.
    w.canvas.set_zoom(1.0)
    qtbot.mouseClick(w.canvas, Qt.MouseButton.LeftButton,
                     pos=image_pos(w.canvas, again.x + 2, again.y + again.height // 2))
    qtbot.keyClick(w.canvas, Qt.Key.Key_End)
    qtbot.keyClicks(w.canvas, "!")
    commit(w, qtbot)
    assert again.type_settings.text == "Saved!" and again.name == "Saved!"


def test_rasterize_type_and_what_needs_it(window, qtbot):
    w = window
    doc = w.doc
    type_at(w, qtbot, 40, 100, "Flat")
    commit(w, qtbot)
    (layer,) = text_layers(doc)
    pixels = layer.pixels.copy()
    # Painting on type is refused, in one line saying what to do.
    qtbot.keyClick(w.canvas, Qt.Key.Key_B)
    image_drag(qtbot, w.canvas, [(50, 95), (70, 95)])
    assert w.test_errors and "Rasterize > Type" in w.test_errors[-1][1]
    assert np.array_equal(layer.pixels, pixels)
    w.test_errors.clear()
    # Layer > Rasterize > Type.
    action = w.actions["rasterize_type"]
    w.update_actions()
    assert action.isEnabled()
    action.trigger()
    (plain,) = [n for n in doc.layers() if n.name == "Flat"]
    assert type(plain) is Layer and plain.kind == "pixel" and doc.active is plain
    assert np.array_equal(plain.pixels, pixels) and plain.bounds() == layer.bounds()
    assert doc.history.undo_name() == "Rasterize Type"
    w.update_actions()
    assert not action.isEnabled()
    w.actions["undo"].trigger()
    assert text_layers(doc) == [layer]


def test_moving_a_text_layer_moves_its_anchor(window, qtbot):
    w = window
    doc = w.doc
    type_at(w, qtbot, 40, 100, "Move")
    commit(w, qtbot)
    (layer,) = text_layers(doc)
    qtbot.keyClick(w.canvas, Qt.Key.Key_V)
    box = layer.bounds()
    image_drag(qtbot, w.canvas, [(box.x + 5, box.y + 5), (box.x + 25, box.y + 15),
                                 (box.x + 35, box.y + 25)])
    assert layer.anchor() == (70, 120) and w.test_errors == []
    # Edited after the move, it stays where it was moved.
    set_text(doc, layer, layer.type_settings.replace(text="Moved"))
    assert layer.anchor() == (70, 120) and layer.name == "Moved"


def test_info_lists_text_layers(tmp_path):
    from editor.model import Document
    from editor.model.files import write_document

    doc = Document(200, 100)
    add_text(doc, TextSettings("Title line\nsecond", size=20, color=(10, 20, 30)), (10, 40))
    path = str(tmp_path / "t.psd")
    write_document(doc, path)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "main.py", "info", path], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].endswith("0 layers, 1 text layer")
    assert "text 'Title line\\nsecond': DejaVu Sans 20 pt #0a141e, left" in out.stdout


def test_drawing_follows_the_settings(qapp):
    """The model alone: bigger sizes draw bigger, alignment places the ink around the
    anchor, bold draws more ink, tracking narrows it, and the colour is exact."""
    base = TextSettings("Type", size=30, color=(1, 2, 3))
    pixels, ox, oy = draw(base)
    assert (pixels[pixels[..., 3] > 0][:, :3] == (1, 2, 3)).all()
    big, _, _ = draw(base.replace(size=60))
    assert big.shape[0] > 1.8 * pixels.shape[0]
    bold, _, _ = draw(base.replace(bold=True))
    assert bold[..., 3].astype(int).sum() > 1.1 * pixels[..., 3].astype(int).sum()
    right, rx, _ = draw(base.replace(align="right"))
    center, cx, _ = draw(base.replace(align="center"))
    assert ox <= 5 and rx >= right.shape[1] - 5 and abs(cx - center.shape[1] / 2) < 5
    empty, _, _ = draw(base.replace(text=" \n "))
    assert empty.size == 0
    # Tracking (thousandths of an em after each letter): -100 at 30 pt, 3 px less a
    # letter: "Type"'s ink about 9 px narrower (Qt drops it on a 72 dpi image: drawn at
    # Qt's default resolution instead).
    tight, _, _ = draw(base.replace(tracking=-100))
    assert 7 <= pixels.shape[1] - tight.shape[1] <= 11, (pixels.shape, tight.shape)


def test_image_menu_keeps_text_editable(qapp):
    """Crop moves a text layer whole (its text is not cut), Image Size scales its type,
    Rotate Canvas refuses it in one line; each as one step that undoes."""
    from engine.box import Box

    from editor.model import Document, DocumentError
    from editor.model import image_ops

    doc = Document(200, 120)
    layer = add_text(doc, TextSettings("Edge", size=30), (150, 60))
    width = layer.width
    image_ops.crop(doc, Box(20, 10, 150, 100))  # cuts through the text's box
    assert layer.anchor() == (130, 50) and layer.width == width
    assert layer.type_settings.text == "Edge"
    image_ops.image_size(doc, 300, 200)
    assert layer.type_settings.size == 60.0 and layer.anchor() == (260, 100)
    assert layer.width > 1.8 * width
    doc.history.undo()
    assert layer.type_settings.size == 30.0 and layer.anchor() == (130, 50)
    with pytest.raises(DocumentError, match="Rasterize > Type"):
        image_ops.rotate_canvas(doc, 1)
    with pytest.raises(DocumentError, match="Rasterize > Type"):
        image_ops.image_size(doc, 300, 100)  # out of proportion
    assert doc.size == (150, 100) and layer.type_settings.size == 30.0


FILES = os.path.join(ROOT, "tests", "psd_tools_files")


def test_photoshop_point_text_opens_editable(qapp, tmp_path):
    """Photoshop's point text (psd-tools' text.psd: three lines of 13 pt Arial) opens as a
    text layer with its text, size, colour and font, Photoshop's own pixels shown until
    it is edited; drawn anew, it lands where Photoshop's did. Type with a baseline shift
    (type-layer.psd's paragraph text) opens editable too, its shift kept."""
    from psd_tools import PSDImage

    from editor.model.files import open_document, write_document

    path = os.path.join(FILES, "text.psd")
    doc = open_document(path)
    (layer,) = text_layers(doc)
    s = layer.type_settings
    assert s.text == "Line 1\nLine 2\nLine 3 and text" and s.size == 13.0
    assert s.color == (0, 0, 0) and s.font == "Arial" and s.postscript == "ArialMT"
    assert s.align == "left" and not (s.bold or s.italic)
    assert layer.anchor() == (84, 120)
    assert not any("text layer" in w for w in doc.warnings)
    (item,) = [i for i in PSDImage.open(path).descendants() if i.kind == "type"]
    theirs = np.asarray(item.topil().convert("RGBA"))
    assert np.array_equal(layer.pixels[..., 3], theirs[..., 3])  # Photoshop's, as stored
    box = layer.bounds()
    set_text(doc, layer, s.replace(text=s.text))  # (no change: nothing drawn anew)
    assert doc.history.count == 0
    set_text(doc, layer, s.replace(text="Line 1\nLine 2\nLine 3 and text "))
    drawn = layer.bounds()
    assert all(abs(a - b) <= 2 for a, b in zip(drawn.as_tuple(), box.as_tuple())), (drawn, box)
    # Saved by Layered and opened again: the same text layer.
    write_document(doc, str(tmp_path / "again.psd"))
    (again,) = text_layers(open_document(str(tmp_path / "again.psd")))
    assert again.type_settings == layer.type_settings and again.anchor() == (84, 120)
    # A baseline shift is drawn (the Character panel's): that type is live too.
    boxed = open_document(os.path.join(FILES, "type-layer.psd"))
    (shifted,) = text_layers(boxed)
    assert shifted.type_settings.baseline_shift == pytest.approx(-0.593)
    assert not any("became a pixel layer" in w for w in boxed.warnings), boxed.warnings


def test_while_typing_undo_options_and_clicking_outside(window, qtbot):
    """Ctrl+Z while typing takes back the last change of the text; Bold chosen on the
    options bar while typing is part of the text's one step; a click outside the text
    commits it."""
    from PySide6.QtWidgets import QToolButton

    w = window
    doc = w.doc
    steps = doc.history.count
    type_at(w, qtbot, 40, 100, "Abc")
    qtbot.keyClick(w.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    (layer,) = text_layers(doc)
    assert layer.type_settings.text == "Ab" and w.tools.mode is not None
    bold = w.findChild(QToolButton, "TypeTool_bold")
    assert not bold.isChecked()
    bold.click()
    assert layer.type_settings.bold and w.tools.mode is not None
    assert w.canvas.hasFocus()  # the focus went back to the text
    qtbot.keyClick(w.canvas, Qt.Key.Key_Tab)  # (taken: the focus stays)
    assert w.canvas.hasFocus()
    qtbot.keyClicks(w.canvas, "x")
    assert layer.type_settings.text == "Abx"
    qtbot.mouseClick(w.canvas, Qt.MouseButton.LeftButton, pos=image_pos(w.canvas, 250, 20))
    assert w.tools.mode is None and w.tools.current.id == "type"
    assert text_layers(doc) == [layer] and layer.name == "Abx" and layer.type_settings.bold
    assert doc.history.count == steps + 1
    # Ctrl+Z with nothing typed cancels the edit; then it undoes the document's steps.
    qtbot.mouseClick(w.canvas, Qt.MouseButton.LeftButton,
                     pos=image_pos(w.canvas, layer.x + 2, layer.y + layer.height // 2))
    assert w.tools.mode is not None
    qtbot.keyClick(w.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert w.tools.mode is None and layer.type_settings.text == "Abx"
    qtbot.keyClick(w.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert text_layers(doc) == []


def test_free_transform_scales_type_as_type_and_rasterizes_a_turn(window, qtbot):
    """Ctrl+T on a text layer: a corner drag (proportions kept) scales the type, which stays
    editable; a turn rasterizes it in the same step and the status bar says so."""
    w = window
    doc = w.doc
    type_at(w, qtbot, 40, 100, "Big")
    commit(w, qtbot)
    (layer,) = text_layers(doc)
    box = layer.bounds()
    w.actions["free_transform"].trigger()
    assert w.tools.current.id == "transform"
    image_drag(qtbot, w.canvas, [(box.x1, box.y1), (box.x1 + box.w // 2, box.y1 + box.h // 2),
                                 (box.x1 + box.w, box.y1 + box.h)])
    placement = w.tools.current.placement
    assert placement.sx == pytest.approx(placement.sy) and placement.sx > 1.5
    qtbot.keyClick(w.canvas, Qt.Key.Key_Return)
    assert w.tools.mode is None and w.test_errors == []
    assert text_layers(doc) == [layer] and doc.history.undo_name() == "Free Transform"
    assert layer.type_settings.size == pytest.approx(24 * placement.sx, abs=0.01)
    assert layer.bounds().h > 1.5 * box.h and layer.type_settings.text == "Big"
    # The top-left stayed put: the anchor is scaled about it.
    assert abs(layer.x - box.x) <= 3
    w.actions["undo"].trigger()
    assert layer.type_settings.size == 24.0 and layer.bounds() == box
    # A turn: the handles' outside, around the centre.
    cx, cy = box.x + box.w / 2, box.y + box.h / 2
    w.actions["free_transform"].trigger()
    image_drag(qtbot, w.canvas, [(box.x1 + 12, cy), (box.x1 + 8, cy + 12),
                                 (cx, box.y1 + 25)])
    assert w.tools.current.placement.angle
    qtbot.keyClick(w.canvas, Qt.Key.Key_Return)
    assert w.tools.mode is None and w.test_errors == []
    assert text_layers(doc) == []
    (plain,) = [n for n in doc.layers() if n.name == "Big"]
    assert type(plain) is Layer and plain.bounds().h > box.h
    assert "rasterized" in w.statusBar().currentMessage()
    assert doc.history.undo_name() == "Free Transform"
    w.actions["undo"].trigger()
    assert text_layers(doc) == [layer] and layer.bounds() == box


def test_double_click_on_the_thumbnail_edits_the_text(window, qtbot):
    """Photoshop's way back into a type layer from the Layers panel: a double-click on its
    thumbnail chooses the Type tool and edits the text (the cursor at its end)."""
    from PySide6.QtCore import QPoint

    from editor.ui.layers_panel import ARROW_W, EYE_W, ROW_H, THUMB

    w = window
    type_at(w, qtbot, 40, 100, "Thumb")
    commit(w, qtbot)
    (layer,) = text_layers(w.doc)
    qtbot.keyClick(w.canvas, Qt.Key.Key_V)
    panel = w.layers_panel.list
    panel.rebuild()
    row = panel.row_of(layer)
    qtbot.mouseDClick(panel, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                      QPoint(EYE_W + ARROW_W + THUMB // 2, row * ROW_H + ROW_H // 2))
    assert w.tools.selected.id == "type" and w.tools.mode.layer is layer
    qtbot.keyClicks(w.canvas, "s")
    commit(w, qtbot)
    assert layer.type_settings.text == "Thumbs" and layer.name == "Thumbs"


def test_a_step_recorded_while_typing_commits_the_text_first(window, qtbot):
    """A change made elsewhere while typing (the Layers panel hides the photo) commits the
    text as it stands, so every step stays undoable in order."""
    w = window
    doc = w.doc
    (photo,) = doc.layers()
    type_at(w, qtbot, 40, 100, "Kept")
    doc.set_visible(photo, False)
    assert w.tools.mode is None
    (layer,) = text_layers(doc)
    assert layer.type_settings.text == "Kept" and doc.history.undo_name() == "Type Tool"
    w.actions["undo"].trigger()
    assert text_layers(doc) == [] and not photo.visible
    w.actions["undo"].trigger()
    assert photo.visible
    # (another font is not the file's PostScript font any more)
    assert TextSettings(font="Arial", postscript="ArialMT").replace(
        font="DejaVu Sans").postscript is None


def test_selecting_text_while_typing(window, qtbot):
    """Shift+Left selects what typing then replaces, Ctrl+A selects all, Shift+Home and
    Backspace delete a selection, a double-click selects a word; the selection is shown
    inverted on the canvas, and plain Left collapses it."""
    w = window
    doc = w.doc
    steps = doc.history.count
    type_at(w, qtbot, 40, 100, "Hello")
    (layer,) = text_layers(doc)
    from PySide6.QtCore import QPoint

    edit = w.tools.mode
    shift = Qt.KeyboardModifier.ShiftModifier
    plain = w.canvas.grab().toImage()
    qtbot.keyClick(w.canvas, Qt.Key.Key_Left, shift)
    qtbot.keyClick(w.canvas, Qt.Key.Key_Left, shift)
    assert edit.selected_text() == "lo"
    # Drawn inverted on the canvas, glyphs and all; the letters not selected as they were.
    shown = w.canvas.grab().toImage()
    (rect,) = edit._selection_rects()
    box = w.canvas.image_transform().mapRect(rect).toRect()
    for point in (box.center(), box.topLeft() + QPoint(2, 2)):
        a, b = plain.pixelColor(point), shown.pixelColor(point)
        assert abs(b.red() - (255 - a.red())) <= 2 and abs(b.green() - (255 - a.green())) <= 2
    outside = QPoint(box.left() - box.width(), box.center().y())
    assert shown.pixelColor(outside) == plain.pixelColor(outside)
    qtbot.keyClicks(w.canvas, "p!")
    assert layer.type_settings.text == "Help!" and edit.selection() == (5, 5)
    # Ctrl+A, then a key: all of it replaced.
    qtbot.keyClick(w.canvas, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert edit.selected_text() == "Help!" and w.tools.mode is edit
    qtbot.keyClicks(w.canvas, "Hi there")
    assert layer.type_settings.text == "Hi there"
    # Shift+Home, then plain Left: the selection collapses to its start.
    qtbot.keyClick(w.canvas, Qt.Key.Key_Home, shift)
    assert edit.selected_text() == "Hi there"
    qtbot.keyClick(w.canvas, Qt.Key.Key_Left)
    assert edit.selection() == (0, 0)
    qtbot.keyClick(w.canvas, Qt.Key.Key_End)
    qtbot.keyClick(w.canvas, Qt.Key.Key_Left, shift)
    qtbot.keyClick(w.canvas, Qt.Key.Key_Left, shift)
    qtbot.keyClick(w.canvas, Qt.Key.Key_Backspace)
    assert layer.type_settings.text == "Hi the"
    # A double-click on "Hi" selects the word.
    area = edit._area()
    qtbot.mouseDClick(w.canvas, Qt.MouseButton.LeftButton,
                      pos=image_pos(w.canvas, area.left() + 4, area.center().y()))
    assert w.tools.mode is edit and edit.selected_text() == "Hi"
    qtbot.keyClicks(w.canvas, "Oh")
    assert layer.type_settings.text == "Oh the"
    commit(w, qtbot)
    assert layer.name == "Oh the" and doc.history.count == steps + 1
    # One step undoes it all.
    w.actions["undo"].trigger()
    assert text_layers(doc) == []


def test_clipboard_while_typing_copies_text_not_pixels(window, qtbot):
    """Ctrl+C, Ctrl+X and Ctrl+V while typing copy, cut and paste the selected text through
    the clipboard; the document's Copy and Paste are not run (no new layer, no pasted
    picture), and a picture on the clipboard types nothing."""
    from PySide6.QtGui import QImage

    w = window
    doc = w.doc
    ctrl = Qt.KeyboardModifier.ControlModifier
    shift = Qt.KeyboardModifier.ShiftModifier
    clipboard = QApplication.clipboard()
    clipboard.setText("untouched")
    type_at(w, qtbot, 40, 100, "Copy me")
    (layer,) = text_layers(doc)
    qtbot.keyClick(w.canvas, Qt.Key.Key_C, ctrl)  # (nothing selected: nothing copied)
    assert clipboard.text() == "untouched"
    for _ in range(2):
        qtbot.keyClick(w.canvas, Qt.Key.Key_Left, shift)
    qtbot.keyClick(w.canvas, Qt.Key.Key_C, ctrl)
    assert clipboard.text() == "me"
    qtbot.keyClick(w.canvas, Qt.Key.Key_End)
    qtbot.keyClicks(w.canvas, " and ")
    qtbot.keyClick(w.canvas, Qt.Key.Key_V, ctrl)
    assert layer.type_settings.text == "Copy me and me"
    assert w.tools.mode is not None and text_layers(doc) == [layer]
    assert len(list(doc.layers())) == 2  # the photo and the text: nothing pasted
    # Cut: the selection goes to the clipboard and leaves the text.
    qtbot.keyClick(w.canvas, Qt.Key.Key_Home)
    for _ in range(5):
        qtbot.keyClick(w.canvas, Qt.Key.Key_Right, shift)
    qtbot.keyClick(w.canvas, Qt.Key.Key_X, ctrl)
    assert clipboard.text() == "Copy " and layer.type_settings.text == "me and me"
    # Text from another program: its line breaks kept, its tabs as spaces.
    clipboard.setText("a\tb\r\nc")
    qtbot.keyClick(w.canvas, Qt.Key.Key_V, ctrl)
    assert layer.type_settings.text == "a b\ncme and me"
    # A picture on the clipboard types nothing and pastes no layer.
    picture = QImage(8, 8, QImage.Format.Format_ARGB32)
    picture.fill(QColor(255, 0, 0))
    clipboard.setImage(picture)
    qtbot.keyClick(w.canvas, Qt.Key.Key_V, ctrl)
    assert layer.type_settings.text == "a b\ncme and me" and len(list(doc.layers())) == 2
    assert w.tools.mode is not None and w.test_errors == []
    commit(w, qtbot)
    assert [n.name for n in doc.layers()][-1] == "a b cme and me"
    assert len(list(doc.layers())) == 2 and doc.history.undo_name() == "Type Tool"


def test_caret_blinks_at_the_cursor_flash_time(window, qtbot):
    """The caret hides and shows again every half flash time, and a key shows it at once."""
    w = window
    flash = QApplication.cursorFlashTime()
    assert flash > 0
    type_at(w, qtbot, 40, 100, "Blink")
    edit = w.tools.mode
    assert edit.caret_shown
    qtbot.waitUntil(lambda: not edit.caret_shown, timeout=flash)
    qtbot.keyClick(w.canvas, Qt.Key.Key_Left)  # (a key that types nothing shows it too)
    assert edit.caret_shown
    seen = set()
    qtbot.waitUntil(lambda: seen.add(edit.caret_shown) or seen == {True, False},
                    timeout=2 * flash)
    commit(w, qtbot)
    assert not edit._blink.isActive()


def test_swatch_follows_the_foreground_colour(window, qtbot):
    """With no text being edited and no text layer active, the bar's swatch shows the
    foreground colour (what new text gets); while typing it shows the text's colour."""
    from PySide6.QtWidgets import QToolButton

    w = window
    qtbot.keyClick(w.canvas, Qt.Key.Key_T)
    swatch = w.findChild(QToolButton, "TypeTool_color")
    w.set_foreground(QColor(10, 200, 30))
    assert swatch.text() == "#0ac81e"
    qtbot.keyClick(w.canvas, Qt.Key.Key_X)  # swap colours: white is the foreground now
    assert swatch.text() == QColor(w.foreground).name() != "#0ac81e"
    w.set_foreground(QColor(10, 200, 30))
    qtbot.mouseClick(w.canvas, Qt.MouseButton.LeftButton, pos=image_pos(w.canvas, 40, 100))
    qtbot.keyClicks(w.canvas, "Green")
    w.set_foreground(QColor(0, 0, 255))  # (the text being typed keeps its colour)
    assert swatch.text() == "#0ac81e"
    (layer,) = text_layers(w.doc)
    assert layer.type_settings.color == (10, 200, 30)


def test_dragging_in_a_text_layer_selects(window, qtbot):
    """A drag across a text layer's text with the Type tool selects what it crosses (the
    edit starts with the press); typing then replaces it, one step."""
    w = window
    doc = w.doc
    type_at(w, qtbot, 40, 100, "Drag me")
    commit(w, qtbot)
    (layer,) = text_layers(doc)
    steps = doc.history.count
    area_y = layer.y + layer.height // 2
    start = layer.anchor()[0] + 1
    # (to the middle of "me": the nearest cursor position is before or after the "m")
    end_x = start + (layer.x + layer.width - start) * 0.4
    image_drag(qtbot, w.canvas, [(start, area_y), ((start + end_x) / 2, area_y),
                                 (end_x, area_y)])
    edit = w.tools.mode
    assert edit is not None and edit.selection()[0] == 0
    assert edit.selected_text().startswith("Dr") and len(edit.selected_text()) < 7
    qtbot.keyClick(w.canvas, Qt.Key.Key_Home, Qt.KeyboardModifier.ShiftModifier)
    assert edit.selected_text() == ""  # (Shift+Home from the mark at 0: nothing)
    qtbot.keyClick(w.canvas, Qt.Key.Key_End, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(w.canvas, "Done")
    commit(w, qtbot)
    assert layer.type_settings.text == "Done" and doc.history.count == steps + 1
