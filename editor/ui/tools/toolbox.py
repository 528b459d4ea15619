"""The tool palette's tools, one of each (the order is the palette's), and the groups of
tools that share one place in the palette."""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from .anchor_points import AddAnchorPointTool, ConvertPointTool, DeleteAnchorPointTool
from .art_history import ArtHistoryBrushTool
from .artboard import ArtboardTool
from .base import Tool
from .brush import BrushTool, EraserTool
from .clone import CloneStampTool
from .color_replace import ColorReplacementTool
from .color_sampler import ColorSamplerTool
from .content_move import ContentMoveTool
from .crop import CropTool
from .direct_select import DirectSelectionTool
from .erasers import BackgroundEraserTool, MagicEraserTool
from .eyedropper import EyedropperTool
from .fill import FillTool
from .focus import BlurTool, SharpenTool, SmudgeTool
from .freeform_pen import FreeformPenTool
from .heal import SpotHealingTool
from .healing_brush import HealingBrushTool
from .history_brush import HistoryBrushTool
from .lasso import LassoTool
from .marquee import MarqueeTool
from .mixer import MixerBrushTool
from .move import MoveTool
from .navigate import HandTool, RotateViewTool, ZoomTool
from .object_select import ObjectSelectionTool
from .patch import PatchTool
from .pattern_stamp import PatternStampTool
from .pen import PenTool
from .pencil import PencilTool
from .perspective_crop import PerspectiveCropTool
from .quick_select import QuickSelectionTool
from .red_eye import RedEyeTool
from .ruler import RulerTool
from .shape import ShapeTool
from .slice import SliceSelectTool, SliceTool
from .tone import BurnTool, DodgeTool, SpongeTool
from .type_tool import TypeTool
from .wand import MagicWandTool

if TYPE_CHECKING:
    from ..window_api import EditorWindow


def all_tools(window: "EditorWindow") -> list[Tool]:
    return [MoveTool(window), ArtboardTool(window), MarqueeTool(window), BrushTool(window), PencilTool(window),
            ColorReplacementTool(window), MixerBrushTool(window), EraserTool(window),
            BackgroundEraserTool(window), MagicEraserTool(window),
            SpotHealingTool(window), HealingBrushTool(window), PatchTool(window),
            ContentMoveTool(window), RedEyeTool(window), CloneStampTool(window),
            PatternStampTool(window), HistoryBrushTool(window), ArtHistoryBrushTool(window),
            EyedropperTool(window), ColorSamplerTool(window),
            RulerTool(window),
            HandTool(window), RotateViewTool(window), ZoomTool(window), CropTool(window), PerspectiveCropTool(window),
            SliceTool(window), SliceSelectTool(window),
            LassoTool(window), ObjectSelectionTool(window),
            QuickSelectionTool(window), MagicWandTool(window), FillTool(window), PenTool(window), FreeformPenTool(window),
            AddAnchorPointTool(window), DeleteAnchorPointTool(window), ConvertPointTool(window),
            DirectSelectionTool(window), ShapeTool(window), BlurTool(window), SharpenTool(window),
            SmudgeTool(window), DodgeTool(window), BurnTool(window), SpongeTool(window),
            TypeTool(window)]


# Tools that share one place in the palette, as in Photoshop's toolbox: it shows the one
# last taken, the others are in its menu (press and hold), and Shift with the first one's
# letter takes the next one.
GROUPS = {"move": ("move", "artboard"),
          "brush": ("brush", "pencil", "color_replace", "mixer_brush"),
          "crop": ("crop", "perspective_crop", "slice", "slice_select"),
          "object_select": ("object_select", "quick_select", "wand"),
          "clone_stamp": ("clone_stamp", "pattern_stamp"),
          "history_brush": ("history_brush", "art_history_brush"),
          "eraser": ("eraser", "background_eraser", "magic_eraser"),
          "spot_heal": ("spot_heal", "heal_brush", "patch", "content_move", "red_eye"),
          "pen": ("pen", "freeform_pen", "add_anchor", "delete_anchor", "convert_point"),
          "blur": ("blur", "sharpen", "smudge"),
          "dodge": ("dodge", "burn", "sponge"),
          "eyedropper": ("eyedropper", "color_sampler", "ruler"),
          "hand": ("hand", "rotate_view")}


def group_of(tool_id: str) -> tuple[str, ...]:
    """The tools of `tool_id`'s palette group (itself alone when it is in none)."""
    return next((m for m in GROUPS.values() if tool_id in m), (tool_id,))


def next_in_group(tool_id: str) -> Optional[str]:
    """The tool after `tool_id` in its palette group (round to the first), or None when it
    is in no group."""
    for members in GROUPS.values():
        if tool_id in members:
            return members[(members.index(tool_id) + 1) % len(members)]
    return None
