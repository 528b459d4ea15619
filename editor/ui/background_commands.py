"""Layer > New > Layer from Background… and Background from Layer: Photoshop's ways in and
out of the Background layer (`editor.model.background_layer`). A double-click on the
Background's row in the Layers panel is Layer from Background…, as in Photoshop. Each is
one undo step.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from editor.model import background_layer

from . import dialogs
from .actions import ActionSpec, Context, SubmenuSpec, run_on_doc

if TYPE_CHECKING:
    from .actions import Spec
    from .window_api import EditorWindow


def has_background(c: Context) -> bool:
    return c.doc is not None and background_layer.background_of(c.doc) is not None


def can_make_background(c: Context) -> bool:
    """Background from Layer: a pixel layer chosen and no Background yet (Photoshop greys the
    item out otherwise)."""
    return c.doc is not None and c.node is not None and c.node.kind == "pixel" \
        and background_layer.background_of(c.doc) is None


class BackgroundCommands:
    def __init__(self, window: "EditorWindow"):
        self.window = window

    def action_specs(self) -> list["Spec"]:
        return [
            SubmenuSpec("layer_new", "Ne&w", menu="layer", after="new_group"),
            ActionSpec("layer_from_background", "Layer from &Background…",
                       self.layer_from_background, enabled=has_background, menu="layer_new",
                       tip="Make the Background a plain layer (Layer 0) that can move and "
                           "hold transparency"),
            ActionSpec("background_from_layer", "B&ackground from Layer",
                       self.background_from_layer, enabled=can_make_background,
                       menu="layer_new",
                       tip="Make the chosen layer the Background: at the bottom, flattened "
                           "over the background colour"),
        ]

    def layer_from_background(self) -> None:
        """Asks the new layer's name (Photoshop's New Layer dialog, "Layer 0"), then makes the
        Background that layer."""
        w = self.window
        if w.doc is None or background_layer.background_of(w.doc) is None:
            return
        name = dialogs.ask_text(w, "New Layer", "Name:", background_layer.FROM_BACKGROUND_NAME)
        if name is None:
            return
        run_on_doc(w, "Could not make a layer from the Background",
                   lambda d: background_layer.layer_from_background(d, name))

    def background_from_layer(self) -> None:
        rgb = self.window.background.getRgb()[:3]
        run_on_doc(self.window, "Could not make the Background",
                   lambda d: background_layer.background_from_layer(d, d.active, rgb))
