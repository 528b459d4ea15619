"""Photoshop's tool presets: a named snapshot of one tool's options (and, when made with
"Include Color", the foreground colour), chosen later from the options bar's Tool Preset
picker or the Tool Presets panel to take that tool with those options again.

A preset keeps the tool's options as the tool keeps them in the settings (by key below
tools/<id>/, `Tool.preset_state`), so this module knows nothing of any tool. The presets
are the user's, kept in tool_presets.json beside the settings through `preset_file`
(a damaged file is set aside there). No Qt.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Optional

from . import preset_file
from .errors import DocumentError

VERSION = 1


@dataclass
class ToolPreset:
    name: str
    tool: str                                     # the tool's id ("brush", "type", ...)
    options: dict = field(default_factory=dict)   # tools/<tool>/<key> -> value
    color: Optional[str] = None                   # "#rrggbb" with Include Color, else None


def unique_name(presets: list[ToolPreset], name: str) -> str:
    """`name`, or "name 2", "name 3"... when a preset of that name exists (Photoshop's
    New Tool Preset does the same)."""
    taken = {p.name for p in presets}
    if name not in taken:
        return name
    n = 2
    while f"{name} {n}" in taken:
        n += 1
    return f"{name} {n}"


def for_tool(presets: list[ToolPreset], tool_id: Optional[str]) -> list[ToolPreset]:
    """The presets of `tool_id` (Current Tool Only), or all of them for None."""
    return [p for p in presets if tool_id is None or p.tool == tool_id]


def to_json(presets: list[ToolPreset]) -> dict:
    return {"version": VERSION,
            "presets": [{"name": p.name, "tool": p.tool, "options": p.options,
                         **({"color": p.color} if p.color else {})} for p in presets]}


def from_json(data, source: str = "tool_presets.json") -> list[ToolPreset]:
    """The presets in `data`; anything but the shape `to_json` writes raises DocumentError."""
    try:
        rows = data["presets"]
        presets = []
        for row in rows:
            name, tool, options = row["name"], row["tool"], row.get("options", {})
            color = row.get("color")
            if not (isinstance(name, str) and isinstance(tool, str) and isinstance(options, dict)
                    and (color is None or isinstance(color, str))):
                raise TypeError("a preset's fields have the wrong types")
            presets.append(ToolPreset(name, tool, dict(options), color))
        return presets
    except (KeyError, TypeError) as exc:
        raise DocumentError(f"Could not read {source}: not a tool presets file ({exc}).") from None


def load(path: str) -> list[ToolPreset]:
    return from_json(preset_file.read_json(path), os.path.basename(path))


def save(path: str, presets: list[ToolPreset]) -> None:
    preset_file.write_json(path, to_json(presets))
