"""Layer > New Adjustment Layer > Brightness/Contrast, Levels, Curves, Hue/Saturation,
Color Balance, Exposure (also the Layers panel's adjustment button).

The operation is `adjustment_ops.add_adjustment` (no Qt; one undo step); the
settings are edited in the Properties panel (`adjustment_editor.py`).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from editor.model import adjustment_ops
from editor.model.adjustments import KINDS

from .actions import ActionSpec, Spec, SubmenuSpec, has_doc

if TYPE_CHECKING:
    from .window_api import EditorWindow

MNEMONICS = {"brightness_contrast": "&Brightness/Contrast…", "levels": "&Levels…",
             "curves": "C&urves…", "hue_saturation": "&Hue/Saturation…",
             "color_balance": "Color &Balance…", "exposure": "E&xposure…"}


def action_name(kind: str) -> str:
    return f"adjustment_{kind}"


class AdjustmentCommands:
    def __init__(self, window: "EditorWindow"):
        self.window = window

    def action_specs(self) -> list[Spec]:
        """Layer > New Adjustment Layer, a submenu after New Group (the Layers panel's
        adjustment button shows the same menu)."""
        return [SubmenuSpec("new_adjustment", "New Ad&justment Layer", menu="layer",
                            after="new_group")] + [
            ActionSpec(action_name(kind), MNEMONICS[kind], lambda k=kind: self.add(k),
                       icon="adjustment",
                       tip=f"A {cls.label} adjustment layer above the active layer",
                       enabled=has_doc, menu="new_adjustment")
            for kind, cls in KINDS.items()]

    def add(self, kind: str) -> None:
        w = self.window
        if w.doc is None:
            return
        w.tools.end_mode(commit=True)
        try:
            adjustment_ops.add_adjustment(w.doc, kind)
        except Exception as exc:
            w.report(exc, "Could not add the adjustment layer")
