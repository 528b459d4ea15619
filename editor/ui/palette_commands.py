"""The tool palette's keys (no menu items, as in Photoshop): X swaps the foreground and
background colours, D resets them to black on white, [ and ] make the brush smaller or
larger."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QColor

from .actions import ActionSpec

if TYPE_CHECKING:
    from .window_api import EditorWindow


class PaletteCommands:
    def __init__(self, window: "EditorWindow"):
        self.window = window

    def action_specs(self) -> list[ActionSpec]:
        return [
            ActionSpec("swap_colors", "Swap Colours", self.swap_colors, "X"),
            ActionSpec("default_colors", "Default Colours", self.default_colors, "D"),
            ActionSpec("brush_smaller", "Smaller Brush", lambda: self.brush_size(-1), "["),
            ActionSpec("brush_larger", "Larger Brush", lambda: self.brush_size(1), "]"),
        ]

    def swap_colors(self) -> None:
        w = self.window
        foreground, background = w.foreground, w.background
        w.set_foreground(background)
        w.set_background(foreground)

    def default_colors(self) -> None:
        self.window.set_foreground(QColor("#000000"))
        self.window.set_background(QColor("#ffffff"))

    def brush_size(self, direction: int) -> None:
        tool = self.window.tools.current
        if hasattr(tool, "change_size"):
            tool.change_size(direction)
