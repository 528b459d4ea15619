"""Blur, Sharpen and Smudge (R; Shift+R takes the next): soften, crisp up, or drag the
colours where you paint, by Strength. Smudge may pick its colour from everything the canvas
shows (Sample All Layers). The maths (a small Gaussian or unsharp mask per dab; GIMP's
smudge with a carried colour buffer) is in `editor.model.focus`."""
from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout

from editor.model.clone import snapshot
from editor.model.focus import SMUDGE_SPACING, FocusStroke, SmudgeStroke

from .retouch import RetouchTool


class BlurTool(RetouchTool):
    id = "blur"
    label = "Blur Tool"
    letter = "R"
    icon = "tool-blur"
    tip = "Soften where you paint, more with each pass (Alt: Sharpen; Shift+R: Sharpen, Smudge)"
    history_name = "Blur"
    verb = "blur"
    alt_name = "Sharpen"   # Alt held: sharpens (Photoshop's), with Blur's Strength
    sharpen = False

    def make_stroke(self, doc, layer, edit, twin=False):
        return FocusStroke(doc, layer, edit, self.size, self.hardness, self.strength,
                           self.sharpen != twin)

    def add_options(self, row: QHBoxLayout) -> None:
        self.add_strength(row)


class SharpenTool(BlurTool):
    id = "sharpen"
    label = "Sharpen Tool"
    letter = "R"  # the group's: R takes the one its palette place shows, Shift+R the next
    icon = "tool-sharpen"
    tip = "Crisp up edges where you paint, more with each pass (Alt: Blur; Shift+R: Smudge, Blur)"
    history_name = "Sharpen"
    verb = "sharpen"
    alt_name = "Blur"
    sharpen = True


class SmudgeTool(RetouchTool):
    id = "smudge"
    label = "Smudge Tool"
    letter = "R"
    icon = "tool-smudge"
    tip = ("Drag the colour where the stroke starts along it, as a finger in wet paint "
           "(Shift+R: Blur, Sharpen)")
    history_name = "Smudge"
    verb = "smudge"
    spacing = SMUDGE_SPACING

    def load_options(self) -> None:
        super().load_options()
        self.sample_all = self.setting("sample_all", False, bool)

    def set_sample_all(self, on: bool) -> None:
        self.sample_all = bool(on)
        self.save_setting("sample_all", self.sample_all)

    def make_stroke(self, doc, layer, edit, twin=False):
        sample = snapshot(doc, layer, True) if self.sample_all else None
        return SmudgeStroke(doc, layer, edit, self.size, self.hardness, self.strength, sample)

    def add_options(self, row: QHBoxLayout) -> None:
        self.add_strength(row)
        self.add_check(row, "Sample All Layers", "sample_all",
                       "Pick up the colours the canvas shows, not only the active layer's",
                       self.sample_all, self.set_sample_all)
