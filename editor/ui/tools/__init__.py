"""Canvas tools: what a mouse drag or a key does on the canvas.

Each tool is a small class with the Photoshop letter as its shortcut (the anchor point
tools have none, as in Photoshop: they share the Pen's place in the palette). The
canvas passes it `CanvasEvent`s (widget and image positions); the tool
changes the document only through `Document` operations. A *mode* (Free
Transform) temporarily takes over from the selected tool until it ends.

The base class and the manager are in `base`; `toolbox.all_tools` makes one of each tool.
"""
from __future__ import annotations

from .base import Tool, ToolManager

__all__ = ["Tool", "ToolManager"]
