"""Layer > New Adjustment Layer > Brightness/Contrast, Levels, Curves, Hue/Saturation,
Color Balance, Exposure (also the Layers panel's adjustment button).

The operation is `adjustment_ops.add_adjustment` (no Qt; one undo step); the
settings are edited in the Properties panel (`adjustment_editor.py`).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMenu

from editor.model import adjustment_ops
from editor.model.adjustments import KINDS

from .actions import ActionSpec, add_actions, has_doc, insert_after

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

    @classmethod
    def install(cls, window) -> "AdjustmentCommands":
        """Adds the actions and the Layer menu's submenu (after the menus are built)."""
        commands = cls(window)
        add_actions(window, commands.action_specs())
        menu = commands.menu(window)
        menu.setObjectName("menu_new_adjustment")
        window.menus["new_adjustment"] = menu
        insert_after(window.menus["layer"], window.actions["new_group"], [menu.menuAction()])
        return commands

    def action_specs(self) -> list[ActionSpec]:
        return [ActionSpec(action_name(kind), MNEMONICS[kind],
                           lambda k=kind: self.add(k), icon="adjustment",
                           tip=f"A {cls.label} adjustment layer above the active layer",
                           enabled=has_doc)
                for kind, cls in KINDS.items()]

    def menu(self, parent) -> QMenu:
        """The six kinds, as the Layer menu and the Layers panel's button show them."""
        menu = QMenu("New Ad&justment Layer", parent)
        for kind in KINDS:
            menu.addAction(self.window.actions[action_name(kind)])
        return menu

    def add(self, kind: str) -> None:
        w = self.window
        if w.doc is None:
            return
        w.tools.end_mode(commit=True)
        try:
            adjustment_ops.add_adjustment(w.doc, kind)
        except Exception as exc:
            w.report(exc, "Could not add the adjustment layer")
