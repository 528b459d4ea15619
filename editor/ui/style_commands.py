"""Layer > Layer Style: Drop Shadow…, Stroke…, Color Overlay… (the Layer Style dialog),
Hide/Show All Effects, Clear Layer Style, Global Light…, Create Layers (the effects as
layers of their own, `effect_layers.py`) and Scale Effects… (`scaled_effects`, previewed
live: `scale_effects_dialog.py`), each one undo step.

A layer's or group's style (its effects, `editor.model.layer_effects`; a group's drawn
from its composite) comes from a PSD or the Layer Style dialog (`style_dialog.py`; also
opened by double-clicking the node's "fx" mark or the empty part of its row); the Layers
panel marks such layers and groups with "fx". Hide All Effects turns every layer's style off (the
master switch Photoshop writes into the file), Show All Effects back on; Clear Layer
Style removes the active layer's style.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from editor.model.effect_layers import create_layers, unreproducible
from editor.model.global_light import global_light, lit_effects, set_global_light
from editor.model.layer_effects import EDITABLE, scaled_effects
from editor.model.layers import BLENDING_OPTIONS
from editor.model.psd_effects import global_angle

from . import dialogs, scale_effects_dialog
from .actions import ActionSpec, Context, Spec, SubmenuSpec, run_on_doc

if TYPE_CHECKING:
    from .window_api import EditorWindow


def _options(flags) -> dict:
    """Advanced Blending's flags, in `BLENDING_OPTIONS`' order, by attribute."""
    return {attr: bool(on) for (attr, _, _, _), on in zip(BLENDING_OPTIONS, flags)}


def styled(c: Context) -> bool:
    """The active layer or group has a layer style."""
    return c.doc is not None and c.node is not None and c.node.effects is not None


def can_style(node) -> bool:
    """A node whose style is drawn, so can be edited: a pixel, fill or shape layer, or a
    group (its effects follow its composite); not an adjustment layer."""
    return node is not None and node.draws_effects


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
            *[ActionSpec(f"style_{kind[:-1]}", f"{label}…",
                         lambda k=kind: self.edit(kind=k),
                         enabled=lambda c: c.doc is not None and can_style(c.node),
                         menu="layer_style")
              for kind, _, label in EDITABLE],
            ActionSpec("effects_hide_all", "&Hide All Effects", self.toggle_all,
                       enabled=any_styled, menu="layer_style", separator=True,
                       label=lambda c: "&Hide All Effects" if all_shown(c)
                       else "&Show All Effects"),
            ActionSpec("style_clear", "&Clear Layer Style", self.clear, enabled=styled,
                       menu="layer_style", separator=True),
            ActionSpec("style_global_light", "&Global Light…", self.edit_global_light,
                       enabled=lambda c: c.doc is not None, menu="layer_style",
                       separator=True),
            # (Photoshop's item: "Create Layer" for one effect, "Create Layers" for several)
            ActionSpec("style_create_layers", "Create &Layers", self.create_layers,
                       enabled=lambda c: styled(c) and c.node.effects.drawn(),
                       menu="layer_style",
                       label=lambda c: "Create &Layer" if styled(c) and sum(
                           e.enabled for e in c.node.effects.all()) == 1
                       else "Create &Layers"),
            ActionSpec("style_scale_effects", "Scale &Effects…", self.scale_effects,
                       enabled=styled, menu="layer_style"),
        ]

    def _op(self, what: str, fn) -> None:
        run_on_doc(self.window, f"Could not {what}", fn)

    def toggle_all(self) -> None:
        self._op("change the layer effects",
                 lambda d: d.set_effects_visible(not all_shown(Context(doc=d))))

    def clear(self) -> None:
        self._op("clear the layer style",
                 lambda d: d.set_effects(d.active, None, "Clear Layer Style")
                 if d.active is not None and d.active.effects is not None else None)

    def edit(self, node=None, kind: str = "") -> None:
        """The Layer Style dialog on `node` (the active layer), showing `kind` (a
        LayerEffects field; by default the first kind in the dialog's list that it draws, else
        that it has, else Drop Shadow) and turning it on; live on the canvas, OK's style one step ("Layer Style"), Cancel none."""
        w = self.window
        doc = w.doc
        node = node if node is not None else (doc.active if doc is not None else None)
        if doc is None or not can_style(node) or not doc.contains(node):
            return
        w.tools.end_mode(commit=True)
        before = node.effects
        if not kind:
            # The first effect drawn (not one only kept switched off), else the first kept.
            present = [k for k, _, _ in EDITABLE if before is not None and getattr(before, k)]
            shown = [k for k in present if any(e.enabled for e in getattr(before, k))]
            kind = (shown or present or ["drop_shadows"])[0]

        def preview(effects) -> None:
            try:
                doc.preview_effects(node, effects)
            except Exception as exc:
                w.report(exc, "Could not show the layer style")

        blending = (node.knockout, node.channels,
                    tuple(getattr(node, attr) for attr, _, _, _ in BLENDING_OPTIONS))

        def preview_blending(knockout, channels, options=()) -> None:
            try:
                doc.preview_blending(node, knockout, channels)
                doc.preview_blending_options(node, _options(options))
            except Exception as exc:
                w.report(exc, "Could not show the blending options")

        def restore() -> None:
            doc.preview_effects(node, before)
            doc.preview_blending(node, *blending[:2])
            doc.preview_blending_options(node, _options(blending[2]))

        try:
            chosen = dialogs.ask_layer_style(w, before, kind, preview, global_angle(doc),
                                             doc.patterns, blending, preview_blending)
            restore()
            if chosen is not None and chosen != (before, blending):
                with doc.history.macro("Layer Style"):  # one step
                    if chosen[0] != before:
                        doc.set_effects(node, chosen[0], "Layer Style")
                    doc.set_knockout(node, chosen[1][0])
                    doc.set_channels(node, chosen[1][1])
                    for attr, on in _options(chosen[1][2]).items():
                        doc.set_blending_option(node, attr, on)
        except Exception as exc:
            restore()
            w.report(exc, "Could not change the layer style")

    def create_layers(self) -> None:
        """Create Layers: the active layer's effects as layers of their own (one step)."""
        def op(d) -> None:
            layer = d.active
            lost = unreproducible(layer) if getattr(layer, "effects", None) is not None \
                and layer.kind == "pixel" else []
            create_layers(d, layer)
            if lost:  # (Photoshop warns so too)
                self.window.status("Some aspects of the effects cannot be reproduced with "
                                   "layers: " + ", ".join(lost) + ".")

        self._op("create layers from the layer style", op)

    def scale_effects(self) -> None:
        """Scale Effects…: the active node's effects scaled, live on the canvas; OK one step
        ("Scale Effects"), Cancel leaves the style as it was."""
        w = self.window
        doc = w.doc
        node = doc.active if doc is not None else None
        if node is None or node.effects is None:
            return
        w.tools.end_mode(commit=True)
        before = node.effects

        def preview(percent: float) -> None:
            try:
                doc.preview_effects(node, scaled_effects(before, percent))
            except Exception as exc:
                w.report(exc, "Could not show the scaled effects")

        try:
            percent = scale_effects_dialog.ask_scale_effects(w, preview)
            doc.preview_effects(node, before)
            if percent is not None and percent != 100:
                doc.set_effects(node, scaled_effects(before, percent), "Scale Effects")
        except Exception as exc:
            doc.preview_effects(node, before)
            w.report(exc, "Could not scale the effects")

    def edit_global_light(self) -> None:
        """Global Light…: the document's light angle and altitude, the effects that use it
        following live; OK one step ("Global Light"), Cancel none."""
        w = self.window
        doc = w.doc
        if doc is None:
            return
        w.tools.end_mode(commit=True)
        styled_nodes = [(n, n.effects) for n in doc.root.walk() if n.effects is not None]

        def preview(angle: float, altitude: float) -> None:
            for node, effects in styled_nodes:
                doc.preview_effects(node, lit_effects(effects, angle, altitude))

        def restore() -> None:
            for node, effects in styled_nodes:
                doc.preview_effects(node, effects)

        try:
            chosen = scale_effects_dialog.ask_global_light(w, *global_light(doc), preview)
            restore()
            if chosen is not None:
                set_global_light(doc, *chosen)
        except Exception as exc:
            restore()
            w.report(exc, "Could not set the global light")
