"""Paragraph text (text in a box) as a user makes it with the Type tool in the window: a
drag draws the box, typed text wraps to its width (checked on the drawn pixels), the
box's handles resize it (the text wraps anew), alignment within the box, lines beyond it
not drawn, Esc and undo; Layer > Type > Convert to Paragraph / Point Text; and a PSD
round trip through our writer and psd-tools' reader, opened again live."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from editor.model.text_layer import (TextLayer, TextSettings, draw, layout, overflows,
                                     position_of)
from ui_helpers import image_drag, image_pos, open_file, zoomed_photo_window

SENTENCE = "The quick brown fox jumps over the lazy dog and runs far away"


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    """A window with a 320 x 200 photo opened, at 100 %, focused."""
    return zoomed_photo_window(qtbot, tmp_path, monkeypatch, 320, 200, 1.0, activate=True)


def text_layers(doc):
    return [n for n in doc.layers() if isinstance(n, TextLayer)]


def type_in_box(w, qtbot, x0, y0, x1, y1, text):
    """The Type tool (T), a box dragged from image (x0, y0) to (x1, y1), `text` typed."""
    qtbot.keyClick(w.canvas, Qt.Key.Key_T)
    assert w.tools.current.id == "type"
    image_drag(qtbot, w.canvas, [(x0, y0), ((x0 + x1) / 2, (y0 + y1) / 2), (x1, y1)])
    assert w.tools.mode is not None
    qtbot.keyClicks(w.canvas, text)


def commit(w, qtbot):
    qtbot.keyClick(w.canvas, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert w.tools.mode is None


def ink(layer):
    """The layer's inked columns (canvas x) and its rows of ink (`bands`)."""
    alpha = layer.pixels[..., 3] > 0
    return np.nonzero(alpha.any(axis=0))[0] + layer.x, bands(layer)


def bands(layer):
    """The canvas rows of each line's ink: [(top, bottom)], separated by blank rows."""
    rows = (layer.pixels[..., 3] > 0).any(axis=1)
    out, start = [], None
    for i, on in enumerate(list(rows) + [False]):
        if on and start is None:
            start = i
        elif not on and start is not None:
            out.append((start + layer.y, i + layer.y))
            start = None
    return out


def test_a_dragged_box_wraps_the_text_and_its_handles_rewrap(window, qtbot):
    w = window
    doc = w.doc
    steps = doc.history.count
    type_in_box(w, qtbot, 20, 10, 170, 190, SENTENCE)
    commit(w, qtbot)
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Type Tool"
    (layer,) = text_layers(doc)
    assert layer.type_settings.text == SENTENCE
    assert layer.type_settings.box == (150.0, 180.0) and layer.anchor() == (20, 10)
    cols, bands = ink(layer)
    # Wrapped: no ink beyond the box's right edge, several lines of ink, all in the box.
    assert cols.min() >= 19 and cols.max() < 170  # (the T's anti-aliased edge: a pixel)
    assert len(bands) >= 4, bands
    # (the first baseline the cap height below the top, as Photoshop places it: DejaVu's
    # ascenders are a little taller than its capitals)
    assert bands[0][0] >= 9 and bands[-1][1] <= 190
    # A click in the box edits it; the right handle dragged out widens it: fewer lines.
    qtbot.mouseClick(w.canvas, Qt.MouseButton.LeftButton, pos=image_pos(w.canvas, 60, 150))
    assert w.tools.mode is not None and w.tools.mode.layer is layer
    image_drag(qtbot, w.canvas, [(170, 100), (240, 100), (300, 100)])
    assert layer.type_settings.box == (280.0, 180.0)
    wide_cols, wide_bands = ink(layer)
    assert len(wide_bands) < len(bands) and wide_cols.max() < 300
    assert wide_cols.max() > 170  # (the lines use the room)
    commit(w, qtbot)
    assert doc.history.count == steps + 2 and doc.history.undo_name() == "Edit Type Layer"
    # One undo takes the resize back, pixels and all.
    w.trigger("undo")
    assert layer.type_settings.box == (150.0, 180.0)
    assert ink(layer)[1] == bands


def test_centred_lines_the_left_handle_and_overflow(window, qtbot):
    w = window
    doc = w.doc
    type_in_box(w, qtbot, 40, 20, 200, 100, SENTENCE)
    w.tools.tools["type"].set_option(align="center")
    (layer,) = text_layers(doc)
    settings = layer.type_settings
    # Two lines fit in 80 pixels at 24 pt: the rest overflows, not drawn; the tool shows
    # the overflow mark.
    assert overflows(settings)
    cols, bands = ink(layer)
    assert len(bands) == 2 and bands[-1][1] <= 100
    # Each line's ink is centred in the box (within the glyphs' side bearings).
    alpha = layer.pixels[..., 3] > 0
    for top, bottom in bands:
        xs = np.nonzero(alpha[top - layer.y:bottom - layer.y].any(axis=0))[0] + layer.x
        assert abs((xs.min() + xs.max() + 1) / 2 - 120) <= 3, (xs.min(), xs.max())
    # The left handle moves the box's left edge (its anchor) and keeps the right one.
    image_drag(qtbot, w.canvas, [(40, 60), (20, 60), (10, 60)])
    assert layer.anchor() == (10, 20) and layer.type_settings.box == (190.0, 80.0)
    # Enter makes a new paragraph; Esc cancels the new layer altogether.
    qtbot.keyClick(w.canvas, Qt.Key.Key_Return)
    assert layer.type_settings.text == SENTENCE + "\n"
    steps = doc.history.count
    qtbot.keyClick(w.canvas, Qt.Key.Key_Escape)
    assert w.tools.mode is None and text_layers(doc) == [] and doc.history.count == steps


def test_justify_spreads_all_lines_but_the_last(qapp):
    s = TextSettings(text=SENTENCE, box=(200.0, 400.0), align="justify")
    lines = layout(s)
    assert len(lines) >= 3
    assert all(abs(line.width - 200) < 1e-6 and line.spacing > 0 for line in lines[:-1])
    assert lines[-1].spacing == 0 and lines[-1].width < 200
    pixels, ox, oy = draw(s)
    # The first line's ink reaches (nearly) the right edge, like the box's width says.
    band = pixels[:int(lines[0].baseline) + oy, :, 3] > 0
    right = np.nonzero(band.any(axis=0))[0].max() - ox
    assert 190 <= right <= 202
    # Positions across a wrap: the break's position is the next line's start.
    assert position_of(s, 1, 0) == lines[1].start


def test_convert_to_paragraph_and_back(window, qtbot):
    w = window
    doc = w.doc
    qtbot.keyClick(w.canvas, Qt.Key.Key_T)
    qtbot.mouseClick(w.canvas, Qt.MouseButton.LeftButton, pos=image_pos(w.canvas, 30, 60))
    qtbot.keyClicks(w.canvas, "Hello there")
    commit(w, qtbot)
    (layer,) = text_layers(doc)
    before = layer.bounds()
    action = w.action("convert_type")
    w.update_actions()
    assert action.text().replace("&", "") == "Convert to Paragraph Text"
    steps = doc.history.count
    w.trigger("convert_type")
    assert doc.history.count == steps + 1
    box = layer.type_settings.box
    assert box is not None and layer.type_settings.text == "Hello there"
    after = layer.bounds()  # the text where it was
    assert all(abs(a - b) <= 1 for a, b in zip(after.as_tuple(), before.as_tuple()))
    assert len(ink(layer)[1]) == 1  # (still one line: the box fits it)
    # Narrowed to split the line, then back to point text: a line break where it wrapped.
    from editor.model.text_layer import set_text

    set_text(doc, layer, layer.type_settings.replace(box=(70.0, 100.0)))
    assert len(ink(layer)[1]) == 2
    w.trigger("convert_type")
    assert layer.type_settings.box is None and layer.type_settings.text == "Hello\nthere"
    assert layer.anchor() == (30, 60)  # the first baseline's start, where it was
    w.trigger("undo")
    assert layer.type_settings.box == (70.0, 100.0)


def test_psd_round_trip_keeps_paragraph_text(window, qtbot, monkeypatch, tmp_path):
    from psd_tools import PSDImage
    from psd_tools.constants import TextType

    from editor.model.files import write_document

    w = window
    type_in_box(w, qtbot, 20, 30, 180, 170, SENTENCE)
    w.tools.tools["type"].set_option(align="justify")
    commit(w, qtbot)
    (layer,) = text_layers(w.doc)
    settings = layer.type_settings
    path = str(tmp_path / "para.psd")
    write_document(w.doc, path)
    (item,) = [i for i in PSDImage.open(path) if i.kind == "type"]
    assert item.text == SENTENCE and item.text_type == TextType.PARAGRAPH
    assert item.transform == (1, 0, 0, 1, 20, 30)
    cookie = item.engine_dict["Rendered"]["Shapes"]["Children"][0]["Cookie"]["Photoshop"]
    assert [float(v) for v in cookie["BoxBounds"]] == [0.0, 0.0, 160.0, 140.0]
    bounds = item._data.text_data[b"bounds"]
    assert [float(bounds[k]) for k in (b"Left", b"Top ", b"Rght", b"Btom")] == [0, 0, 160, 140]
    paragraph = item.engine_dict["ParagraphRun"]["RunArray"][0]["ParagraphSheet"]
    assert int(paragraph["Properties"]["Justification"]) == 3
    # Opened again: a live paragraph text layer, drawing the same pixels in the same place.
    open_file(w, qtbot, monkeypatch, path)
    (again,) = text_layers(w.doc)
    assert again.type_settings == settings and again.anchor() == (20, 30)
    pixels, ox, oy = draw(again.type_settings)
    assert np.array_equal(pixels, layer.pixels) and (ox, oy) == layer.origin
    assert (again.x, again.y) == (layer.x, layer.y)


def test_photoshop_paragraph_text_opens_live(qapp, tmp_path):
    """Photoshop's paragraph text as its engine data has it (psd-tools' type-layer.psd:
    a baseline shift of -0.59 pt and an Auto leading of 175 %, one line) opens as
    paragraph text in its box, anchored at the box's corner, shifted down as Photoshop
    shifts it."""
    import os

    from psd_tools import PSDImage

    from editor.model.psd_type import read_type

    path = os.path.join(os.path.dirname(__file__), "psd_tools_files", "type-layer.psd")
    (item,) = [i for i in PSDImage.open(path).descendants() if i.kind == "type"]
    settings, anchor = read_type(item)
    assert settings.text == "A" and settings.align == "center" and settings.size == 30.0
    assert settings.baseline_shift == pytest.approx(-0.593) and settings.leading == 52.5
    assert settings.box == pytest.approx((32.0, 28.02122)) and anchor == (0, 5)
    # Drawn by us, the "A" lands on Photoshop's within a pixel or two.
    pixels, ox, oy = draw(settings)
    ours = (anchor[0] - ox, anchor[1] - oy, pixels.shape[1], pixels.shape[0])
    theirs = (item.left, item.top, item.width, item.height)
    assert all(abs(a - b) <= 2 for a, b in zip(ours, theirs)), (ours, theirs)
