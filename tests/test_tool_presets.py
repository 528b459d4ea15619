"""editor.model.tool_presets: the presets' file shape and names (no Qt)."""
from __future__ import annotations

import json

import pytest

from editor.model import tool_presets
from editor.model.errors import DocumentError
from editor.model.tool_presets import ToolPreset


def test_round_trip_keeps_options_and_color(tmp_path):
    path = str(tmp_path / "tool_presets.json")
    presets = [ToolPreset("Soft", "brush", {"size": 64, "hardness": 0.25}, "#cc2200"),
               ToolPreset("Wide", "wand", {"tolerance": 90, "contiguous": False})]
    tool_presets.save(path, presets)
    assert tool_presets.load(path) == presets
    raw = json.load(open(path, encoding="utf-8"))
    assert "color" not in raw["presets"][1]  # (made without Include Color)


def test_unique_name_and_for_tool():
    presets = [ToolPreset("Brush Tool 1", "brush"), ToolPreset("Brush Tool 1 2", "brush"),
               ToolPreset("Wand", "wand")]
    assert tool_presets.unique_name(presets, "Brush Tool 1") == "Brush Tool 1 3"
    assert tool_presets.unique_name(presets, "New") == "New"
    assert [p.name for p in tool_presets.for_tool(presets, "wand")] == ["Wand"]
    assert len(tool_presets.for_tool(presets, None)) == 3


@pytest.mark.parametrize("text", ['{"presets": [{"name": 3, "tool": "brush"}]}',
                                  '{"presets": [{"name": "x"}]}', '[1, 2]', '{broken'])
def test_a_file_of_another_shape_is_refused_in_one_line(tmp_path, text):
    path = tmp_path / "tool_presets.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DocumentError) as err:
        tool_presets.load(str(path))
    assert "tool_presets.json" in str(err.value) and "\n" not in str(err.value)
