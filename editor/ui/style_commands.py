"""Layer > Layer Style: Hide/Show All Effects and Clear Layer Style, each one undo step.

A layer's style (its effects, `editor.model.layer_effects`) comes from a PSD; the Layers
panel marks such layers with "fx". Hide All Effects turns every layer's style off (the
master switch Photoshop writes into the file), Show All Effects back on; Clear Layer
Style removes the active layer's style.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .actions import ActionSpec, Context, Spec, SubmenuSpec

if TYPE_CHECKING:
    from .window_api import EditorWindow


def styled(c: Context) -> bool:
    """The active layer or group has a layer style."""
    return c.doc is not None and c.node is not None and c.node.effects is not None


def any_styled(c: Context) -> bool:
    return c.doc is not None and any(n.effects is not None for n in c.doc.root.walk())


def all_shown(c: Context) -> bool:
    return c.doc is not None and all(n.effects.enabled for n in c.doc.root.walk()
                                     if n.effects is not None)


class StyleCommands:
    def __init__(self, window: "EditorWindow"):
        self.window = window

    def action_specs(self) -> list[Spec]:
        return [
            SubmenuSpec("layer_style", "La&yer Style", menu="layer", separator=True),
            ActionSpec("effects_hide_all", "&Hide All Effects", self.toggle_all,
                       enabled=any_styled, menu="layer_style",
                       label=lambda c: "&Hide All Effects" if all_shown(c)
                       else "&Show All Effects"),
            ActionSpec("style_clear", "&Clear Layer Style", self.clear, enabled=styled,
                       menu="layer_style", separator=True),
        ]

    def _op(self, what: str, fn) -> None:
        w = self.window
        if w.doc is None:
            return
        w.tools.end_mode(commit=True)
        try:
            fn(w.doc)
        except Exception as exc:
            w.report(exc, f"Could not {what}")

    def toggle_all(self) -> None:
        self._op("change the layer effects",
                 lambda d: d.set_effects_visible(not all_shown(Context(doc=d))))

    def clear(self) -> None:
        self._op("clear the layer style",
                 lambda d: d.set_effects(d.active, None, "Clear Layer Style")
                 if d.active is not None and d.active.effects is not None else None)
