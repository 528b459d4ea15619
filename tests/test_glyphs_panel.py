"""The Glyphs panel as a user drives it in the window: a glyph double-clicked while typing
goes in at the text cursor (Ctrl+Z takes it back, the edit stays one History step); with
a type layer chosen and not edited it goes at the end of its text (one step, undone by
Edit > Undo); with no type layer nothing is typed and the panel says so; the recently used
row comes back in a new window; the search finds by code point and by name; Show narrows
to a block or category; only the font's own glyphs are listed, and they follow the font."""
from __future__ import annotations

import unicodedata

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QRawFont

from editor.model.text_layer import TextLayer
from editor.ui.glyphs_panel import GlyphModel, font_codes, glyph_font
from ui_helpers import image_drag, make_window, zoomed_photo_window

FONT = "Liberation Sans"  # (tests/fonts: on every machine)
EURO = 0x20AC


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    w = zoomed_photo_window(qtbot, tmp_path, monkeypatch, 240, 160, 1.0, activate=True)
    w.tools.tools["type"].set_option(font=FONT)  # (the options bar's font box does this)
    return w


def show_glyphs(w, qtbot, action="panel_glyphs"):
    w.actions[action].trigger()
    panel = w.glyphs_panel
    qtbot.waitUntil(lambda: panel.isVisible() and panel.grid.model().rowCount() > 0)
    return panel


def codes(view) -> list[int]:
    return list(view.model().codes)


def double_click(qtbot, view, code: int) -> None:
    """Double-clicks the cell of `code` (scrolled into sight first), as a user does."""
    row = codes(view).index(code)
    index = view.model().index(row)
    view.scrollTo(index)
    qtbot.waitUntil(lambda: view.visualRect(index).isValid())
    at = view.visualRect(index).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=at)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=at)


def search(qtbot, panel, text: str) -> list[int]:
    panel.search.clear()
    qtbot.keyClicks(panel.search, text)
    return codes(panel.grid)


def start_typing(w, qtbot, text: str, at=(30, 80)) -> TextLayer:
    qtbot.keyClick(w.canvas, Qt.Key.Key_T)
    image_drag(qtbot, w.canvas, [at, at])
    qtbot.keyClicks(w.canvas, text)
    edit = w.tools.tools["type"].editing()
    assert edit is not None
    return edit.layer


def commit(w, qtbot) -> None:
    qtbot.keyClick(w.canvas, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert w.tools.mode is None


def test_glyph_typed_at_the_cursor_while_editing_and_undone(window, qtbot):
    w = window
    doc = w.doc
    layer = start_typing(w, qtbot, "Price  now")
    for _ in range(4):  # the text cursor between the two spaces
        qtbot.keyClick(w.canvas, Qt.Key.Key_Left)
    panel = show_glyphs(w, qtbot)
    assert panel.font_label.text().startswith(FONT)
    assert "text cursor" in panel.hint.text()
    assert search(qtbot, panel, "U+20AC") == [EURO]
    steps = doc.history.count
    double_click(qtbot, panel.grid, EURO)
    assert layer.type_settings.text == "Price € now"
    assert doc.history.count == steps  # (typing, not yet a step)
    # The keyboard is back with the text: typing goes on after the glyph.
    qtbot.waitUntil(lambda: w.canvas.hasFocus())
    qtbot.keyClicks(w.canvas, "5")
    assert layer.type_settings.text == "Price €5 now"
    # Ctrl+Z while typing takes back the "5", then the glyph, as for a typed key.
    qtbot.keyClick(w.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert layer.type_settings.text == "Price € now"
    qtbot.keyClick(w.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert layer.type_settings.text == "Price  now"
    double_click(qtbot, panel.grid, EURO)
    commit(w, qtbot)
    (made,) = [n for n in doc.layers() if isinstance(n, TextLayer)]
    assert made.type_settings.text == "Price € now"
    assert doc.history.count == steps + 1  # the new text layer: one step
    assert codes(panel.recent) == [EURO]


def test_glyph_added_to_the_end_of_the_chosen_type_layer(window, qtbot):
    w = window
    doc = w.doc
    start_typing(w, qtbot, "Hello")
    commit(w, qtbot)
    (layer,) = [n for n in doc.layers() if isinstance(n, TextLayer)]
    assert doc.active is layer and w.tools.mode is None
    panel = show_glyphs(w, qtbot)
    assert "end of" in panel.hint.text()
    found = search(qtbot, panel, "copyright")
    assert 0xA9 in found
    steps = doc.history.count
    double_click(qtbot, panel.grid, 0xA9)
    # Editing started, the cursor after the glyph: the next one (or a key) follows it.
    edit = w.tools.tools["type"].editing()
    assert edit is not None and edit.layer is layer
    assert layer.type_settings.text == "Hello©" and edit.position == 6
    qtbot.keyClicks(w.canvas, "!")
    commit(w, qtbot)
    assert layer.type_settings.text == "Hello©!"
    assert doc.history.count == steps + 1
    w.actions["undo"].trigger()
    assert layer.type_settings.text == "Hello"


def test_no_type_layer_types_nothing_and_says_why(window, qtbot):
    w = window
    doc = w.doc
    panel = show_glyphs(w, qtbot, "glyphs_panel")  # (Layer > Type > Glyphs Panel)
    # (the grid shows the font new text will get: the Type tool's)
    assert panel.font_label.text().startswith(FONT)
    assert panel.hint.text().startswith("Select a type layer")
    steps, count = doc.history.count, len(list(doc.layers()))
    double_click(qtbot, panel.grid, ord("A"))
    assert w.tools.mode is None and doc.history.count == steps
    assert len(list(doc.layers())) == count
    assert w.statusBar().currentMessage().startswith("Select a type layer")
    assert codes(panel.recent) == []


def test_recent_row_comes_back_in_a_new_window(window, qtbot, tmp_path, monkeypatch):
    w = window
    start_typing(w, qtbot, "x")
    panel = show_glyphs(w, qtbot)
    for code in (EURO, 0xA9, EURO):  # (used again: first, once)
        search(qtbot, panel, f"U+{code:04X}")
        double_click(qtbot, panel.grid, code)
    assert w.tools.tools["type"].editing().layer.type_settings.text == "x€©€"
    assert codes(panel.recent) == [EURO, 0xA9]
    # A glyph from the recent row types too (and stays first).
    double_click(qtbot, panel.recent, 0xA9)
    assert w.tools.tools["type"].editing().layer.type_settings.text == "x€©€©"
    assert codes(panel.recent) == [0xA9, EURO]
    commit(w, qtbot)
    # A new window on the same settings: the row as it was left.
    other = make_window(qtbot, tmp_path, monkeypatch)
    other.tools.tools["type"].set_option(font=FONT)
    other_panel = show_glyphs(other, qtbot)
    assert codes(other_panel.recent) == [0xA9, EURO]


def test_search_by_code_point_and_name_and_show_filter(window, qtbot):
    w = window
    panel = show_glyphs(w, qtbot)
    has = font_codes(FONT, False, False)
    assert codes(panel.grid) == list(has)  # Entire Font
    # by code point, in each way it is written
    for query in ("U+20AC", "u+20ac", "0x20AC", "20AC"):
        assert EURO in search(qtbot, panel, query), query
    assert search(qtbot, panel, "U+20AC") == [EURO]
    panel.search.setText("€")  # (pasted: QTest types no key for it)
    assert codes(panel.grid) == [EURO]
    # by name: every result's Unicode name has the words
    found = search(qtbot, panel, "euro")
    assert EURO in found and all("EURO" in unicodedata.name(chr(c)) for c in found)
    found = search(qtbot, panel, "latin small a with")
    assert {0xE0, 0xE1, 0xE4} <= set(found) and ord("a") not in found
    assert all(unicodedata.name(chr(c)).startswith("LATIN SMALL LETTER A WITH")
               for c in found)
    # (words of three letters or more: the beginnings of words)
    found = search(qtbot, panel, "left arr")
    assert {0x2190, 0x2194} <= set(found)
    for c in found:
        name = unicodedata.name(chr(c)).split()
        assert any(n.startswith("LEFT") for n in name) and any(n.startswith("ARR") for n in name)
    assert search(qtbot, panel, "no such glyph anywhere") == []
    # the tooltip: the name and the code point
    model = panel.grid.model()
    search(qtbot, panel, "U+20AC")
    assert model.data(model.index(0), Qt.ItemDataRole.ToolTipRole) == "EURO SIGN\nU+20AC"
    panel.search.clear()
    # Show: Basic Latin is the printable ASCII the font has; Currency the currency signs;
    # Greek with a search for "alpha" the Greek alphas only.
    panel.show_box.setCurrentText("Basic Latin")
    assert codes(panel.grid) == [c for c in range(0x20, 0x7F) if c in has]
    panel.show_box.setCurrentText("Currency")
    currency = codes(panel.grid)
    assert panel.font_label.text() == f"{FONT}: {len(currency)} of {len(has):,} glyphs"
    assert {ord("$"), 0xA3, EURO} <= set(currency) and ord("A") not in currency
    assert all(unicodedata.category(chr(c)) == "Sc" or 0x20A0 <= c <= 0x20CF
               for c in currency)
    panel.show_box.setCurrentText("Greek")
    alphas = search(qtbot, panel, "alpha")
    assert 0x3B1 in alphas and 0x391 in alphas
    assert all(0x370 <= c <= 0x3FF or 0x1F00 <= c <= 0x1FFF for c in alphas)
    panel.show_box.setCurrentText("Entire Font")
    assert len(search(qtbot, panel, "alpha")) >= len(alphas)


def test_only_the_fonts_glyphs_and_they_follow_the_font(window, qtbot):
    w = window
    panel = show_glyphs(w, qtbot)
    shown = set(codes(panel.grid))
    raw = QRawFont.fromFont(glyph_font(w.tools.tools["type"].style))
    assert raw.familyName() == FONT
    assert shown and all(raw.supportsCharacter(c) for c in shown)
    assert 0x4E00 not in shown and not raw.supportsCharacter(0x4E00)  # (no CJK in it)
    # A type layer in another font: the grid shows that font's glyphs.
    layer = start_typing(w, qtbot, "Serif")
    w.tools.tools["type"].set_option(font="Liberation Serif")
    assert layer.type_settings.font == "Liberation Serif"
    qtbot.waitUntil(lambda: panel.font_label.text().startswith("Liberation Serif"))
    assert codes(panel.grid) == list(font_codes("Liberation Serif", False, False))
    # The size slider makes the cells larger.
    cell = panel.delegate.cell
    panel.size_slider.setValue(panel.size_slider.maximum())
    assert panel.delegate.cell > cell
    assert panel.grid.visualRect(panel.grid.model().index(0)).width() >= panel.delegate.cell
    assert isinstance(panel.grid.model(), GlyphModel)
