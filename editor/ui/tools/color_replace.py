"""Color Replacement (B; Shift+B from the Pencil): paint the foreground colour's hue and
saturation onto the pixels of a sampled colour, keeping their luminosity (Photoshop's tool).

A retouching brush (`RetouchTool`: the brush's size, hardness, stroke path, Shift+click
lines; one undo step per stroke; colours only, so Lock Transparent Pixels holds and the
layer never grows; only inside the selection; not on layer masks). The options bar has
Photoshop's Mode (Hue, Saturation, Color, Luminosity), Sampling (Continuous, Once,
Background Swatch), Limits (Discontiguous, Contiguous, Find Edges), Tolerance and
Anti-alias; what they do is in `editor.model.color_replace`. Alt+click picks the
foreground colour, as with the Brush.
"""
from __future__ import annotations

from typing import Optional

from PySide6.QtWidgets import QHBoxLayout, QSpinBox

from editor.model.color_replace import LIMITS, MODES, SAMPLINGS, ColorReplaceStroke

from .retouch import RetouchTool

MODE_LABELS = {"hue": "Hue", "saturation": "Saturation", "color": "Color",
               "luminosity": "Luminosity"}
# ("Background": Photoshop's Background Swatch, shortened so that the bar fits 1200 px)
SAMPLING_LABELS = {"continuous": "Continuous", "once": "Once", "background": "Background"}
LIMIT_LABELS = {"discontiguous": "Discontiguous", "contiguous": "Contiguous",
                "find_edges": "Find Edges"}


class ColorReplacementTool(RetouchTool):
    id = "color_replace"
    label = "Color Replacement Tool"
    letter = "B"
    icon = "tool-color-replace"
    tip = ("Replace the colour you paint over with the foreground colour's, keeping its "
           "brightness (Tolerance: how alike a colour must be; Alt+click picks a colour; "
           "Shift+B: Mixer Brush, Brush, Pencil)")
    history_name = "Color Replacement"
    verb = "replace colours"
    default_hardness = 1.0
    uses_color = True  # (its tool presets may keep the foreground colour)

    def __init__(self, window):
        super().__init__(window)
        self._tolerance_spin: Optional[QSpinBox] = None

    def load_options(self) -> None:
        super().load_options()
        self.mode = self._choice("mode", "color", MODES)
        self.sampling = self._choice("sampling", "continuous", SAMPLINGS)
        self.limits = self._choice("limits", "contiguous", LIMITS)
        self.tolerance = self.setting("tolerance", 0.3, float)
        self.anti_alias = self.setting("anti_alias", True, bool)

    def _choice(self, name: str, default: str, allowed) -> str:
        value = self.setting(name, default)
        return value if value in allowed else default

    # -- settings --------------------------------------------------------------------
    def _set_choice(self, name: str, value: str, allowed) -> None:
        if value not in allowed:
            raise ValueError(f"{name.capitalize()} must be one of {', '.join(allowed)}.")
        setattr(self, name, value)
        self.save_setting(name, value)

    def set_mode(self, mode: str) -> None:
        self._set_choice("mode", mode, MODES)

    def set_sampling(self, sampling: str) -> None:
        self._set_choice("sampling", sampling, SAMPLINGS)

    def set_limits(self, limits: str) -> None:
        self._set_choice("limits", limits, LIMITS)

    def set_tolerance(self, tolerance: float) -> None:
        self.tolerance = float(max(0.0, min(1.0, tolerance)))
        self.save_setting("tolerance", self.tolerance)
        spin = self._tolerance_spin
        if spin is not None and spin.value() != round(self.tolerance * 100):
            spin.setValue(round(self.tolerance * 100))

    def set_anti_alias(self, on: bool) -> None:
        self.anti_alias = bool(on)
        self.save_setting("anti_alias", self.anti_alias)

    # -- stroke ------------------------------------------------------------------------
    def press(self, canvas, ev) -> None:
        if not self.picks_colour(canvas, ev):
            super().press(canvas, ev)

    def make_stroke(self, doc, layer, edit, twin=False) -> ColorReplaceStroke:
        fg, bg = self.window.foreground, self.window.background
        return ColorReplaceStroke(doc, layer, edit, self.size, self.hardness,
                                  (fg.red(), fg.green(), fg.blue()), self.mode, self.tolerance,
                                  self.sampling, self.limits, self.anti_alias,
                                  (bg.red(), bg.green(), bg.blue()))

    # -- options bar -------------------------------------------------------------------
    def add_options(self, row: QHBoxLayout) -> None:
        self.add_choice(row, "Mode", "mode", [(MODE_LABELS[m], m) for m in MODES], self.mode,
                        self.set_mode)
        sampling = self.add_choice(row, "Sampling", "sampling",
                                   [(SAMPLING_LABELS[s], s) for s in SAMPLINGS], self.sampling,
                                   self.set_sampling)
        sampling.setToolTip("The colour replaced: under the brush as it moves (Continuous), "
                            "where the stroke began (Once), or the background colour "
                            "(Background Swatch)")
        self.add_choice(row, "Limits", "limits", [(LIMIT_LABELS[v], v) for v in LIMITS],
                        self.limits, self.set_limits)
        # A field, as the Paint Bucket's Tolerance (the bar has no room for a slider beside
        # the three drop-downs in a 1200-px window).
        self._tolerance_spin = self.add_percent(
            row, "Tolerance", "tolerance", "How far (in every channel) a colour may be from "
            "the sampled one and still be replaced", self.tolerance, self.set_tolerance)
        self.add_check(row, "Anti-alias", "anti_alias",
                       "Soften the edge of the replaced colour", self.anti_alias,
                       self.set_anti_alias)
