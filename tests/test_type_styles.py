"""type_styles' model: the styles' JSON (what the PSD's XMP entry holds) drops what is
not a style, names are unique per kind, a character style leaves the paragraph fields
alone, and a deleted style's layers keep their look; every operation one undo step."""
from __future__ import annotations

import pytest

from editor.model import type_styles as ts
from editor.model.document import Document
from editor.model.errors import DocumentError
from editor.model.text_layer import TextSettings, add_text


def test_json_keeps_styles_and_drops_what_is_not_one():
    head = ts.TypeStyle.of_settings("Head", ts.PARAGRAPH,
                                    TextSettings(size=30, color=(1, 2, 3), align="right"))
    em = ts.TypeStyle.of_settings("Em", ts.CHARACTER, TextSettings(italic=True))
    state = ts.TypeStyles((em,), (head,))
    data = state.to_json()
    assert ts.TypeStyles.from_json(data) == state
    bad = data + [{"name": "Huge", "kind": "paragraph", "values": {"size": 99999}},
                  {"name": "Head", "kind": "paragraph", "values": {}},  # (a second Head)
                  {"kind": "character"}, "text", {"name": "X", "kind": "other", "values": {}}]
    assert ts.TypeStyles.from_json(bad) == state
    assert ts.TypeStyles.from_json(None) == ts.TypeStyles()


def test_character_style_keeps_the_paragraph_and_delete_keeps_the_look():
    doc = Document(120, 60)
    layer = add_text(doc, TextSettings("Hi", size=12, align="center"), (60, 30))
    style = ts.new_style(doc, ts.CHARACTER, TextSettings(size=40, bold=True))
    with pytest.raises(DocumentError):
        ts.new_style(doc, ts.CHARACTER, TextSettings(), name=style.name)
    with pytest.raises(DocumentError):
        ts.new_style(doc, ts.CHARACTER, TextSettings(), name="None")
    steps = doc.history.count
    ts.apply_style(doc, layer, ts.CHARACTER, style.name)
    assert doc.history.count == steps + 1
    s = layer.type_settings
    assert (s.size, s.bold, s.align) == (40.0, True, "center")
    assert not ts.overridden(doc, layer, ts.CHARACTER)
    ts.delete_style(doc, ts.CHARACTER, style.name)
    assert layer.character_style is None and layer.type_settings == s
    assert doc.history.count == steps + 2
    doc.history.undo()
    assert layer.character_style == style.name and doc.type_styles.character == (style,)
