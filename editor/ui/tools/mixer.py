"""Mixer Brush (B; Shift+B from Color Replacement): paint that mixes with the colours on
the layer, as Photoshop's Mixer Brush. The brush's reservoir is loaded with the foreground
colour at every press (Photoshop's "Load the brush after each stroke" and "Clean the brush
after each stroke", both on); Alt+click picks the foreground colour. Wet, Load, Mix and
Flow: `editor.model.mixer`. A retouching brush (`RetouchTool`): one undo step per stroke,
colours only (an empty layer takes no paint), locks and the selection hold.
"""
from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout

from editor.model.focus import SMUDGE_SPACING
from editor.model.mixer import MixerStroke

from .retouch import RetouchTool

# (Photoshop's "Wet" preset: Wet 50 %, Load 50 %, Mix 50 %; Flow 100 %)
DEFAULTS = {"wet": 0.5, "load": 0.5, "mix": 0.5, "flow": 1.0}


class MixerBrushTool(RetouchTool):
    id = "mixer_brush"
    label = "Mixer Brush Tool"
    letter = "B"
    icon = "tool-mixer-brush"
    tip = ("Paint the foreground colour mixed with the colours it passes over (Wet, Load, "
           "Mix; Alt+click picks a colour; Shift+B: Brush, Pencil, Color Replacement)")
    history_name = "Mixer Brush"
    verb = "paint"
    default_hardness = 0.8
    spacing = SMUDGE_SPACING   # the picked-up paint is laid down as Smudge lays its own

    def load_options(self) -> None:
        super().load_options()
        for name, default in DEFAULTS.items():
            setattr(self, name, self.setting(name, default, float))

    def set_amount(self, name: str, value: float) -> None:
        """Wet, Load, Mix or Flow (0..1; Load and Flow at least 1 %)."""
        if name not in DEFAULTS:
            raise ValueError(f"Not a Mixer Brush setting: {name!r}.")
        lowest = 0.01 if name in ("load", "flow") else 0.0
        value = float(max(lowest, min(1.0, value)))
        setattr(self, name, value)
        self.save_setting(name, value)

    def press(self, canvas, ev) -> None:
        if not self.picks_colour(canvas, ev):
            super().press(canvas, ev)

    def make_stroke(self, doc, layer, edit, twin=False) -> MixerStroke:
        fg = self.window.foreground
        return MixerStroke(doc, layer, edit, self.size, self.hardness,
                           (fg.red(), fg.green(), fg.blue()), self.wet, self.load, self.mix,
                           self.flow)

    def add_options(self, row: QHBoxLayout) -> None:
        tips = {"wet": "How long the paint picked up from the layer stays in the brush "
                       "(longer streaks)",
                "load": "How much paint the brush holds: low, and strokes dry out sooner",
                "mix": "The share of paint picked up from the layer in what the brush lays",
                "flow": "How much paint each dab lays"}
        for name in DEFAULTS:
            self.add_percent(row, name.capitalize(), name, tips[name], getattr(self, name),
                             lambda v, n=name: self.set_amount(n, v),
                             1 if name in ("load", "flow") else 0)
