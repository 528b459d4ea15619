"""The Character and Paragraph panels as a user drives them in the window: leading set in
the Character panel moves a paragraph's lines apart by it (measured on the ink), one
undo step; baseline shift raises the ink; the first-line indent and the space before a
paragraph in the Paragraph panel move the lines; the panels follow the active layer and
the Type tool's options bar; and a PSD round trip of leading, baseline shift, indents and
spaces through our writer, psd-tools' reader (the engine data) and our reader of the
'TySh' alone, back into a live layer drawing the same pixels; Photoshop's paragraph
files with a baseline shift open live; scales, caps and rules change the ink."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from editor.model.text_layer import TextLayer, draw
from test_paragraph_text import bands
from ui_helpers import image_drag, zoomed_photo_window

SENTENCE = "The quick brown fox jumps over the lazy dog and runs far away"


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    return zoomed_photo_window(qtbot, tmp_path, monkeypatch, 320, 240, 1.0, activate=True)


def typed(w, qtbot, text, box=None, at=(20, 40)):
    """Text typed with the Type tool: in a box dragged over `box` (x0, y0, x1, y1), or
    point text clicked at `at`; committed. Returns its layer."""
    qtbot.keyClick(w.canvas, Qt.Key.Key_T)
    if box is None:
        image_drag(qtbot, w.canvas, [at, at])
    else:
        x0, y0, x1, y1 = box
        image_drag(qtbot, w.canvas, [(x0, y0), ((x0 + x1) / 2, (y0 + y1) / 2), (x1, y1)])
    for i, line in enumerate(text.split("\n")):
        if i:
            qtbot.keyClick(w.canvas, Qt.Key.Key_Return)
        qtbot.keyClicks(w.canvas, line)
    qtbot.keyClick(w.canvas, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert w.tools.mode is None
    (layer,) = [n for n in w.doc.layers() if isinstance(n, TextLayer)]
    return layer


def enter(qtbot, spin, text):
    """`text` typed into a spin box and entered (as a user does)."""
    edit = spin.lineEdit()
    spin.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def first_ink_column(layer, top, bottom):
    """The leftmost inked canvas column among canvas rows [top, bottom)."""
    alpha = layer.pixels[top - layer.y:bottom - layer.y, :, 3] > 0
    return int(np.nonzero(alpha.any(axis=0))[0].min()) + layer.x


def show_panel(w, qtbot, key):
    w.actions[f"panel_{key}"].trigger()
    dock = w.docks[key]
    qtbot.waitUntil(lambda: dock.isVisible())
    return {"character": w.character_panel, "paragraph": w.paragraph_panel}[key]


def test_leading_moves_the_lines_apart_in_one_step(window, qtbot):
    w = window
    doc = w.doc
    assert w.docks["character"].isHidden() and w.docks["paragraph"].isHidden()
    layer = typed(w, qtbot, SENTENCE, box=(20, 10, 170, 230))
    before = bands(layer)
    assert len(before) >= 4, before
    panel = show_panel(w, qtbot, "character")
    assert panel.isEnabled() and panel.leading.text() == "(Auto)"
    steps = doc.history.count
    enter(qtbot, panel.leading, "36")
    assert layer.type_settings.leading == 36.0
    assert doc.history.count == steps + 1
    after = bands(layer)
    assert len(after) == len(before)
    # Each line's ink lies (36 - 28.8) px lower per line than with Auto leading (24 pt):
    # the line of a band (an i's dot may be a band of its own) from where it was.
    for (t0, b0), (t1, b1) in zip(before, after):
        line = round((t0 - before[0][0]) / (1.2 * 24.0))
        assert abs((t1 - t0) - line * (36.0 - 1.2 * 24.0)) <= 1.0, (line, before, after)
        assert abs((b1 - b0) - line * (36.0 - 1.2 * 24.0)) <= 1.0, (line, before, after)
    assert after[-1][0] - before[-1][0] >= 4 * 7
    # One undo step gives Auto back, and the panel shows it.
    w.actions["undo"].trigger()
    assert layer.type_settings.leading is None and bands(layer) == before
    qtbot.waitUntil(lambda: panel.leading.text() == "(Auto)")


def test_baseline_shift_raises_the_ink_and_panels_follow_the_layer(window, qtbot):
    w = window
    doc = w.doc
    layer = typed(w, qtbot, "Shifted", at=(30, 120))
    anchor = layer.anchor()
    ((top, bottom),) = bands(layer)
    panel = show_panel(w, qtbot, "character")
    enter(qtbot, panel.shift, "12")
    assert layer.type_settings.baseline_shift == 12.0 and layer.anchor() == anchor
    ((top2, bottom2),) = bands(layer)
    assert (top - top2, bottom - bottom2) == (12, 12)
    # The options bar's size shows in the panel; the panel's kerning and scale in the layer.
    bar = w.tools.tools["type"]._widgets["size"]
    bar.setValue(30.0)
    assert layer.type_settings.size == 30.0
    qtbot.waitUntil(lambda: panel.size.value() == 30.0)
    enter(qtbot, panel.h_scale, "150")
    assert layer.type_settings.h_scale == 150.0
    # Kerning: a step up from Metrics is 0 (the font's pairs off); typed, a value.
    assert panel.kerning.text() == "Metrics" and layer.type_settings.kerning is None
    panel.kerning.stepBy(1)
    assert layer.type_settings.kerning == 0
    enter(qtbot, panel.kerning, "50")
    assert layer.type_settings.kerning == 50
    # The background chosen: the panels are disabled; the text layer again: enabled.
    doc.set_active(doc.root.children[0])
    qtbot.waitUntil(lambda: not panel.isEnabled())
    assert not w.paragraph_panel.isEnabled()
    doc.set_active(layer)
    qtbot.waitUntil(lambda: panel.isEnabled())
    assert panel.shift.value() == 12.0 and panel.h_scale.value() == 150.0


def test_first_line_indent_and_space_before(window, qtbot):
    w = window
    doc = w.doc
    layer = typed(w, qtbot, "Words that wrap onto the next row\nTwo more",
                  box=(20, 10, 200, 230))
    before = bands(layer)
    # the first paragraph's lines (wrapped: several), then the second's one
    assert len(before) >= 3
    start, wrapped, second = (first_ink_column(layer, *before[i]) for i in (0, 1, -1))
    panel = show_panel(w, qtbot, "paragraph")
    assert panel.isEnabled()
    steps = doc.history.count
    enter(qtbot, panel.spacings["indent_first"], "30")
    assert doc.history.count == steps + 1 and layer.type_settings.indent_first == 30.0
    after = bands(layer)
    # Each paragraph's first line 30 px in; the wrapped line where it was.
    assert [first_ink_column(layer, *after[i]) for i in (0, 1, -1)] == \
        [start + 30, wrapped, second + 30]
    enter(qtbot, panel.spacings["space_before"], "20")
    again = bands(layer)
    assert again[:-1] == after[:-1] and again[-1][0] - after[-1][0] == 20
    qtbot.mouseClick(panel.align_buttons["right"], Qt.MouseButton.LeftButton)
    assert layer.type_settings.align == "right"
    assert w.tools.tools["type"]._widgets["align_right"].isChecked()


def test_psd_round_trip_of_leading_shift_and_indents(window, qtbot, tmp_path):
    from psd_tools import PSDImage

    from editor.model.files import open_document, write_document
    from editor.model.text_layer import set_text
    from test_psd_type import without_our_xmp

    w = window
    layer = typed(w, qtbot, SENTENCE + "\nAnd more", box=(20, 10, 200, 230))
    set_text(w.doc, layer, layer.type_settings.replace(
        leading=40.0, baseline_shift=3.5, indent_left=6.0, indent_right=4.0,
        indent_first=12.0, space_before=5.0, space_after=7.0, kerning=25, h_scale=110.0,
        v_scale=90.0, caps="small", underline=True, align="justify_center"))
    settings = layer.type_settings
    path = str(tmp_path / "spaced.psd")
    write_document(w.doc, path)
    (item,) = [i for i in PSDImage.open(path) if i.kind == "type"]
    style = item.engine_dict["StyleRun"]["RunArray"][0]["StyleSheet"]["StyleSheetData"]
    assert not style["AutoLeading"] and float(style["Leading"]) == 40.0
    assert float(style["BaselineShift"]) == 3.5
    assert not style["AutoKerning"] and int(style["Kerning"]) == 25
    assert float(style["HorizontalScale"]) == pytest.approx(1.1)
    assert float(style["VerticalScale"]) == pytest.approx(0.9)
    assert int(style["FontCaps"]) == 1 and style["Underline"] and not style["Strikethrough"]
    for run in item.engine_dict["ParagraphRun"]["RunArray"]:
        props = run["ParagraphSheet"]["Properties"]
        assert int(props["Justification"]) == 5  # (justify last centred)
        assert [float(props[k]) for k in ("StartIndent", "EndIndent", "FirstLineIndent",
                                          "SpaceBefore", "SpaceAfter")] == \
            [6.0, 4.0, 12.0, 5.0, 7.0]
    # From the 'TySh' alone (our XMP entry dropped): live, the same settings and pixels.
    bare = without_our_xmp(path, str(tmp_path / "bare.psd"))
    (again,) = [n for n in open_document(bare).layers() if isinstance(n, TextLayer)]
    assert again.type_settings == settings and again.anchor() == layer.anchor()
    pixels, ox, oy = draw(again.type_settings)
    assert np.array_equal(pixels, layer.pixels) and (ox, oy) == layer.origin


def test_photoshop_paragraph_text_with_a_baseline_shift_opens_live(qapp):
    """psd-tools' effect-stroke-gradient.psd: two paragraph type layers whose style shifts
    the baseline 8 pt down and sets the leading, refused before (opened as pixels), now
    open as live type with those settings; drawn by us, each lands on Photoshop's ink
    within a few pixels."""
    import os

    from editor.model.files import open_document

    path = os.path.join(os.path.dirname(__file__), "psd_tools_files",
                        "effect-stroke-gradient.psd")
    doc = open_document(path)
    layers = [n for n in doc.layers() if isinstance(n, TextLayer)]
    assert len(layers) == 2 and not any("type" in w for w in doc.warnings), doc.warnings
    for layer in layers:
        settings = layer.type_settings
        assert settings.box is not None and settings.baseline_shift == -8.0
        assert settings.leading == pytest.approx(42.307, abs=1e-3)
        pixels, ox, oy = draw(settings)
        ax, ay = layer.anchor()
        ours = (ax - ox, ay - oy, pixels.shape[1], pixels.shape[0])
        theirs = (layer.x, layer.y, layer.width, layer.height)  # (Photoshop's pixels)
        assert all(abs(a - b) <= 3 for a, b in zip(ours, theirs)), (ours, theirs)


def test_scales_caps_and_lines_change_the_ink(qapp):
    """Vertical and horizontal scale stretch the ink, All Caps draws capitals, underline
    and strikethrough add a rule across the word."""
    from editor.model.text_layer import TextSettings

    plain = TextSettings("Type", size=40.0)

    def box(settings):
        pixels, _, _ = draw(settings)
        return pixels.shape[1], pixels.shape[0]

    w0, h0 = box(plain)
    w1, h1 = box(plain.replace(v_scale=200.0))
    assert abs(w1 - w0) <= 2 and abs(h1 - 2 * h0) <= 4, (w0, h0, w1, h1)
    w2, h2 = box(plain.replace(h_scale=200.0))
    assert abs(w2 - 2 * w0) <= 6 and abs(h2 - h0) <= 2, (w0, h0, w2, h2)
    assert box(TextSettings("type", size=40.0, caps="all")) == box(
        TextSettings("TYPE", size=40.0))
    for line in ("underline", "strikethrough"):
        pixels, _, _ = draw(plain.replace(**{line: True}))
        rows = (pixels[..., 3] > 128).sum(axis=1)
        assert rows.max() >= 0.9 * pixels.shape[1], line  # (a row inked from end to end)
        assert (draw(plain)[0][..., 3] > 128).sum(axis=1).max() < 0.9 * w0
