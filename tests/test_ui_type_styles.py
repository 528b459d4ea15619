"""The Character Styles and Paragraph Styles panels through the window: New Style from the
selected type layer (the layer takes it), a click applying it to another layer (its
settings and pixels change, one undo step, the layer remembers the name), an override
made in the Character panel showing "+", Clear Override, Redefine Style by Selection
(the other layers using the style follow), Style Options (double-click) renaming and
changing a style, Duplicate, Delete (the text keeps its look), and Save As PSD and
reopening keeping the styles and each layer's style names."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from editor.model.text_layer import TextLayer, TextSettings, add_text
from test_type_panels import enter, show_panel
from ui_helpers import in_modal_dialog, saved_and_reopened, zoomed_photo_window

W, H = 240, 120


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    w = zoomed_photo_window(qtbot, tmp_path, monkeypatch, W, H, 1.0)
    doc = w.doc
    w.head = add_text(doc, TextSettings("Head", size=30, color=(200, 20, 20), tracking=80,
                                        align="center", bold=True), (120, 40))
    w.body = add_text(doc, TextSettings("Body text", size=12), (20, 90))
    return w


def styles_panel(w, qtbot, kind):
    w.actions[f"panel_{kind}_styles"].trigger()
    dock = w.docks[f"{kind}_styles"]
    qtbot.waitUntil(lambda: dock.isVisible())
    return getattr(w, f"{kind}_styles_panel")


def select(w, qtbot, layer):
    w.doc.set_active(layer)
    w.paragraph_styles_panel._rebuild()
    w.character_styles_panel._rebuild()


def rows(panel) -> list[str]:
    panel._rebuild()
    return panel.rows()


def act(panel, key) -> None:
    """The panel menu's command `key` (the panel shown as the event loop leaves it)."""
    panel._rebuild()
    assert panel.actions_[key].isEnabled(), key
    panel.actions_[key].trigger()


def click_row(qtbot, panel, name, double=False) -> None:
    panel._rebuild()
    rect = panel.row_rect(name)
    assert rect is not None, name
    qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    if double:  # (a press, then Qt's double-click event, as a user's second press makes it)
        qtbot.mouseDClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_paragraph_style_from_a_layer_applies_to_another(window, qtbot):
    w, doc = window, window.doc
    head, body = w.head, w.body
    texts = [a.text() for a in w.menus["window"].actions()]
    assert "Character Styles" in texts and "Paragraph Styles" in texts
    assert w.docks["paragraph_styles"].isHidden()  # (closed until asked for)
    panel = styles_panel(w, qtbot, "paragraph")
    assert w.docks["paragraph_styles"].windowTitle() == "Paragraph Styles"
    select(w, qtbot, head)
    # (the defaults are not Head's: Basic Paragraph is overridden)
    assert rows(panel) == ["[Basic Paragraph]+"]
    steps = doc.history.count
    act(panel, "new")
    assert doc.history.count == steps + 1 and w.test_errors == []
    assert rows(panel) == ["[Basic Paragraph]", "Paragraph Style 1"]
    assert head.paragraph_style == "Paragraph Style 1"
    assert panel.list.currentItem().text() == "Paragraph Style 1"

    select(w, qtbot, body)
    assert panel.list.currentItem().text() == "[Basic Paragraph]+"  # (its 12 pt)
    before = body.pixels.copy()
    steps = doc.history.count
    click_row(qtbot, panel, "Paragraph Style 1")
    s = body.type_settings
    assert (s.text, s.size, s.color, s.tracking, s.align, s.bold) == \
        ("Body text", 30.0, (200, 20, 20), 80, "center", True)
    assert body.paragraph_style == "Paragraph Style 1"
    assert doc.history.count == steps + 1
    assert doc.history.undo_name() == "Apply Paragraph Style"
    assert body.pixels.shape != before.shape  # drawn again, larger
    assert rows(panel) == ["[Basic Paragraph]", "Paragraph Style 1"]
    w.actions["undo"].trigger()
    assert body.type_settings.size == 12.0 and body.paragraph_style is None
    np.testing.assert_array_equal(body.pixels, before)
    w.actions["redo"].trigger()
    assert body.type_settings.size == 30.0 and body.paragraph_style == "Paragraph Style 1"


def test_override_clear_and_redefine(window, qtbot):
    w, doc = window, window.doc
    head, body = w.head, w.body
    panel = styles_panel(w, qtbot, "paragraph")
    select(w, qtbot, head)
    act(panel, "new")
    select(w, qtbot, body)
    click_row(qtbot, panel, "Paragraph Style 1")
    # An override made in the Character panel: "+" after the style's name.
    character = show_panel(w, qtbot, "character")
    enter(qtbot, character.size, "18")
    assert body.type_settings.size == 18.0
    panel = styles_panel(w, qtbot, "paragraph")
    assert rows(panel) == ["[Basic Paragraph]", "Paragraph Style 1+"]
    assert panel.actions_["clear"].isEnabled()
    steps = doc.history.count
    act(panel, "clear")
    assert body.type_settings.size == 30.0 and doc.history.count == steps + 1
    assert rows(panel) == ["[Basic Paragraph]", "Paragraph Style 1"]
    assert not panel.actions_["clear"].isEnabled()

    # Redefine Style by Selection: the style takes Body's size; Head, which uses it and
    # did not override the size, follows; Head's own tracking override stays.
    character = show_panel(w, qtbot, "character")
    enter(qtbot, character.size, "20")
    select(w, qtbot, head)
    enter(qtbot, character.tracking, "10")
    select(w, qtbot, body)
    panel = styles_panel(w, qtbot, "paragraph")
    steps = doc.history.count
    act(panel, "redefine")
    assert w.test_errors == [] and doc.history.count == steps + 1
    style = doc.type_styles.find("paragraph", "Paragraph Style 1")
    assert style.as_dict()["size"] == 20.0
    assert rows(panel) == ["[Basic Paragraph]", "Paragraph Style 1"]
    assert head.type_settings.size == 20.0 and head.type_settings.tracking == 10
    select(w, qtbot, head)
    assert rows(panel) == ["[Basic Paragraph]", "Paragraph Style 1+"]  # (its tracking)
    w.actions["undo"].trigger()
    assert head.type_settings.size == 30.0
    assert doc.type_styles.find("paragraph", "Paragraph Style 1").as_dict()["size"] == 30.0


def test_character_style_options_duplicate_and_delete(window, qtbot):
    w, doc = window, window.doc
    head, body = w.head, w.body
    panel = styles_panel(w, qtbot, "character")
    select(w, qtbot, head)
    assert rows(panel) == ["None"]  # (no character style: nothing to override)
    act(panel, "new")
    assert rows(panel) == ["None", "Character Style 1"]

    def drive(dialog, seen):
        dialog.name.setText("Title")
        dialog.size.setValue(40.0)
        dialog.underline.setChecked(True)

    steps = doc.history.count
    in_modal_dialog(qtbot, lambda: click_row(qtbot, panel, "Character Style 1", double=True),
                    drive, "TypeStyleOptionsDialog")
    assert w.test_errors == [] and doc.history.count == steps + 1, doc.history.names()
    assert rows(panel) == ["None", "Title"]  # (Head follows the new values: no "+")
    assert head.character_style == "Title"
    assert head.type_settings.size == 40.0 and head.type_settings.underline
    assert head.type_settings.align == "center"  # (not a character field)

    select(w, qtbot, body)
    click_row(qtbot, panel, "Title")
    assert body.type_settings.size == 40.0 and body.type_settings.color == (200, 20, 20)
    assert body.type_settings.align == "left"
    act(panel, "duplicate")
    assert rows(panel) == ["None", "Title", "Title copy"]

    steps = doc.history.count
    act(panel, "delete")  # (Body's style: Title)
    assert doc.history.count == steps + 1
    assert rows(panel) == ["None", "Title copy"]
    assert body.character_style is None and head.character_style is None
    assert body.type_settings.size == 40.0  # (the text keeps its look)
    w.actions["undo"].trigger()
    assert rows(panel) == ["None", "Title", "Title copy"] and body.character_style == "Title"


def test_styles_survive_save_as_psd_and_reopening(window, qtbot, tmp_path, monkeypatch):
    w, doc = window, window.doc
    head, body = w.head, w.body
    para = styles_panel(w, qtbot, "paragraph")
    select(w, qtbot, head)
    act(para, "new")
    char = styles_panel(w, qtbot, "character")
    select(w, qtbot, body)
    act(char, "new")
    click_row(qtbot, para, "Paragraph Style 1")
    # (Body: Head's paragraph style under its own character style)
    assert body.type_settings.align == "center" and body.type_settings.size == 12.0
    back = saved_and_reopened(w, qtbot, monkeypatch, str(tmp_path / "styles.psd"))
    assert back.type_styles == doc.type_styles
    layers = {n.name: n for n in back.layers() if isinstance(n, TextLayer)}
    assert (layers["Head"].paragraph_style, layers["Head"].character_style) == \
        ("Paragraph Style 1", None)
    assert (layers["Body text"].paragraph_style, layers["Body text"].character_style) == \
        ("Paragraph Style 1", "Character Style 1")
    para = styles_panel(w, qtbot, "paragraph")
    select(w, qtbot, layers["Body text"])
    assert rows(para) == ["[Basic Paragraph]", "Paragraph Style 1"]
    assert para.list.currentItem().text() == "Paragraph Style 1"
    assert rows(w.character_styles_panel) == ["None", "Character Style 1"]
