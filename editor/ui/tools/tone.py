"""Dodge, Burn and Sponge (O; Shift+O takes the next): lighten, darken, or (de)saturate
where you paint. Dodge and Burn have Photoshop's Range (Shadows, Midtones, Highlights) and
Exposure; Sponge its Mode (Desaturate, Saturate), Flow and Vibrance. The maths (GIMP's
dodge/burn formulas) and how a stroke builds up are in `editor.model.tone`."""
from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout

from editor.model.tone import RANGES, dodge_burn_stroke, sponge_stroke

from .retouch import RetouchTool


class DodgeTool(RetouchTool):
    id = "dodge"
    label = "Dodge Tool"
    letter = "O"
    icon = "tool-dodge"
    tip = ("Lighten where you paint (Range picks the tones it works on; Alt: Burn; "
           "Shift+O: Burn, Sponge)")
    history_name = "Dodge"
    verb = "dodge"
    strength_label = "Exposure"
    alt_name = "Burn"   # Alt held: burns (Photoshop's), with Dodge's Range and Exposure
    burn = False

    def load_options(self) -> None:
        super().load_options()
        self.tone_range = self.setting("range", "midtones")
        if self.tone_range not in RANGES:
            self.tone_range = "midtones"

    def set_range(self, tone_range: str) -> None:
        if tone_range not in RANGES:
            raise ValueError(f"Range must be one of {', '.join(RANGES)}.")
        self.tone_range = tone_range
        self.save_setting("range", tone_range)

    def make_stroke(self, doc, layer, edit, twin=False):
        return dodge_burn_stroke(doc, layer, edit, self.size, self.hardness, self.tone_range,
                                 self.strength, self.burn != twin)

    def add_options(self, row: QHBoxLayout) -> None:
        self.add_choice(row, "Range", "range", [(r.capitalize(), r) for r in RANGES],
                        self.tone_range, self.set_range)
        self.add_strength(row)


class BurnTool(DodgeTool):
    id = "burn"
    label = "Burn Tool"
    letter = "O"  # the group's: O takes the one its palette place shows, Shift+O the next
    icon = "tool-burn"
    tip = ("Darken where you paint (Range picks the tones it works on; Alt: Dodge; "
           "Shift+O: Sponge, Dodge)")
    history_name = "Burn"
    alt_name = "Dodge"
    verb = "burn"
    burn = True


class SpongeTool(RetouchTool):
    id = "sponge"
    label = "Sponge Tool"
    letter = "O"
    icon = "tool-sponge"
    tip = "Saturate or desaturate where you paint, keeping the brightness (Shift+O: Dodge, Burn)"
    history_name = "Sponge"
    verb = "saturate or desaturate"
    strength_label = "Flow"

    def load_options(self) -> None:
        super().load_options()
        self.saturate = self.setting("saturate", False, bool)   # Photoshop: Desaturate
        self.vibrance = self.setting("vibrance", True, bool)

    def set_saturate(self, on: bool) -> None:
        self.saturate = bool(on)
        self.save_setting("saturate", self.saturate)

    def set_vibrance(self, on: bool) -> None:
        self.vibrance = bool(on)
        self.save_setting("vibrance", self.vibrance)

    def make_stroke(self, doc, layer, edit, twin=False):
        return sponge_stroke(doc, layer, edit, self.size, self.hardness, self.strength,
                             self.saturate, self.vibrance)

    def add_options(self, row: QHBoxLayout) -> None:
        self.add_choice(row, "Mode", "mode", [("Desaturate", False), ("Saturate", True)],
                        self.saturate, self.set_saturate)
        self.add_strength(row)
        self.add_check(row, "Vibrance", "vibrance",
                       "Change vivid colours less when saturating and near-greys less when "
                       "desaturating", self.vibrance, self.set_vibrance)
