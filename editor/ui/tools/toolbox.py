"""The tool palette's tools, one of each (the order is the palette's)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from .base import Tool
from .brush import BrushTool, EraserTool
from .crop import CropTool
from .direct_select import DirectSelectionTool
from .eyedropper import EyedropperTool
from .fill import FillTool
from .lasso import LassoTool
from .marquee import MarqueeTool
from .move import MoveTool
from .navigate import HandTool, ZoomTool
from .pen import PenTool
from .shape import ShapeTool
from .wand import MagicWandTool

if TYPE_CHECKING:
    from ..window_api import EditorWindow


def all_tools(window: "EditorWindow") -> list[Tool]:
    return [MoveTool(window), MarqueeTool(window), BrushTool(window), EraserTool(window),
            EyedropperTool(window), HandTool(window), ZoomTool(window), CropTool(window),
            LassoTool(window), MagicWandTool(window), FillTool(window), PenTool(window),
            DirectSelectionTool(window), ShapeTool(window)]
