"""Layer > New Adjustment Layer > Brightness/Contrast, Levels, Curves, Hue/Saturation,
Color Balance, Exposure, Vibrance, Black & White, Photo Filter, Channel Mixer, Color Lookup
(a .cube or .3dl 3D LUT loaded in Properties), Invert,
Posterize, Threshold, Gradient Map, Selective Color, and Layer > New Fill Layer > Solid Color, Gradient,
Pattern (the Layers panel's adjustment button shows both); Layer > Change Layer Content,
which turns the
active adjustment or fill layer into another of those kinds.

The operations are `adjustment_ops.add_adjustment` (no Qt; one undo step); an
adjustment's settings are edited in the Properties panel (`adjustment_editor.py`). A
new Solid Color layer asks a name, then a colour (the colour picker, starting from the
foreground colour, as Photoshop's); a new Gradient layer a name, then its settings in
the Gradient Fill dialog (`gradient_dialog.py`, from the foreground colour to the
background colour), shown live on the canvas; a new Pattern layer a name, then the
Pattern Fill dialog (`pattern_dialog.py`, one of the document's patterns, Edit > Define
Pattern; a document without any first offers to define one from the canvas, part of the
same step); the layer and its settings are one undo step, and Cancel leaves nothing. Double-clicking a fill layer's thumbnail (Layers panel)
or its swatch (Properties) opens the picker or the dialog again, and what it gives is
one undo step.

Change Layer Content (`adjustment_ops.change_content`) asks what a new layer of the kind
asks after its name (a colour, the Gradient or Pattern Fill dialog; an adjustment shows its
settings in Properties; a Gradient Map starts from the foreground to the background colour,
as a new one does), and the change with the answer is one undo step; Cancel changes nothing.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from PySide6.QtGui import QColor

from editor.model import FillLayer, adjustment_ops, patterns
from editor.model.adjustments import FILL_KINDS, KINDS, GradientFill, PatternFill, SolidColor
from editor.model.adjustments import GradientMap

from . import dialogs
from .actions import ActionSpec, Context, Spec, SubmenuSpec, has_doc

if TYPE_CHECKING:
    from .window_api import EditorWindow

MNEMONICS = {"brightness_contrast": "&Brightness/Contrast…", "levels": "&Levels…",
             "curves": "C&urves…", "hue_saturation": "&Hue/Saturation…",
             "color_balance": "Color &Balance…", "exposure": "E&xposure…"}
MNEMONICS.update({"vibrance": "&Vibrance…", "black_white": "Blac&k && White…",
                  "photo_filter": "&Photo Filter…", "channel_mixer": "Cha&nnel Mixer…"})
MNEMONICS.update({"invert": "&Invert…", "posterize": "P&osterize…", "threshold": "&Threshold…",
                  "gradient_map": "Gradient &Map…"})
MNEMONICS["selective_color"] = "S&elective Color…"
MNEMONICS["color_lookup"] = "Colo&r Lookup…"


FILL_TEXTS = {SolidColor.kind: "&Solid Color…", GradientFill.kind: "&Gradient…",
              PatternFill.kind: "&Pattern…"}


def action_name(kind: str) -> str:
    return f"adjustment_{kind}"


def content_action_name(kind: str) -> str:
    return f"change_content_{kind}"


def _changes_to(kind: str):
    """Change Layer Content's rule for `kind`: an adjustment or fill layer of another kind
    (greyed for pixel layers, groups, and the kind it already is)."""
    def rule(c: Context) -> bool:
        settings = getattr(c.node, "settings", None)
        return settings is not None and settings.kind != kind
    return rule


class AdjustmentCommands:
    def __init__(self, window: "EditorWindow"):
        self.window = window

    def action_specs(self) -> list[Spec]:
        """Layer > New Fill Layer, New Adjustment Layer (as Photoshop's order) and Change
        Layer Content, submenus after New Group; the Layers panel's adjustment button shows
        the first two. (Each submenu placed after New Group goes above the ones before.)"""
        return self._content_specs() + [SubmenuSpec("new_adjustment", "New Ad&justment Layer", menu="layer",
                            after="new_group")] + [
            ActionSpec(action_name(kind), MNEMONICS[kind], lambda k=kind: self.add(k),
                       icon="adjustment",
                       tip=f"A {cls.label} adjustment layer above the active layer",
                       enabled=has_doc, menu="new_adjustment")
            for kind, cls in KINDS.items()] + [
            # Placed after New Group once the adjustment submenu is there: so above it.
            SubmenuSpec("new_fill", "New F&ill Layer", menu="layer", after="new_group"),
            ActionSpec("fill_solid_color", "&Solid Color…", self.add_solid_color,
                       tip="A fill layer of one colour above the active layer (with a "
                           "selection, shown inside it)",
                       enabled=has_doc, menu="new_fill"),
            ActionSpec("fill_gradient", "&Gradient…", self.add_gradient,
                       tip="A gradient fill layer above the active layer (with a selection, "
                           "shown inside it), from the foreground to the background colour",
                       enabled=has_doc, menu="new_fill"),
            ActionSpec("fill_pattern", "&Pattern…", self.add_pattern,
                       tip="A fill layer tiling one of the document's patterns (Edit > "
                           "Define Pattern) above the active layer (with a selection, shown "
                           "inside it)",
                       enabled=has_doc, menu="new_fill")]

    def _content_specs(self) -> list[Spec]:
        """Layer > Change Layer Content: the fill kinds, then the adjustment kinds."""
        kinds = [(kind, FILL_TEXTS[kind], False) for kind in FILL_KINDS] + [
            (kind, MNEMONICS[kind], kind == next(iter(KINDS))) for kind in KINDS]
        return [SubmenuSpec("change_content", "C&hange Layer Content", menu="layer",
                            after="new_group")] + [
            ActionSpec(content_action_name(kind), text, lambda k=kind: self.change_content(k),
                       tip="Turn the active adjustment or fill layer into "
                           f"{(KINDS.get(kind) or FILL_KINDS[kind]).label}, keeping its masks, "
                           "opacity, blend mode and place",
                       enabled=_changes_to(kind), menu="change_content", separator=separator)
            for kind, text, separator in kinds]

    def change_content(self, kind: str) -> None:
        """Layer > Change Layer Content > `kind`: a fill asks its colour, its gradient or its
        pattern as a new one does (a pattern: without patterns, the offer to define one), and the change is one step with the answer (Cancel: none); an
        adjustment starts from its defaults, its settings shown in Properties."""
        w = self.window
        doc = w.doc
        if doc is None:
            return
        w.tools.end_mode(commit=True)
        node = doc.active
        if kind == PatternFill.kind and not doc.patterns and not dialogs.ask_define_pattern(w):
            return
        try:
            if kind == SolidColor.kind:
                color = dialogs.ask_color(w, w.foreground, "Color Picker (Solid Color)")
                if color is not None:
                    adjustment_ops.change_content(doc, node, kind, SolidColor(_rgb(color)))
            elif kind in (GradientFill.kind, PatternFill.kind):
                with doc.history.macro("Change Layer Content"):  # (undone on Cancel)
                    start = self._default_gradient() if kind == GradientFill.kind \
                        else self._first_pattern()
                    layer = adjustment_ops.change_content(doc, node, kind, start)
                    if not self._fill_dialog(layer):
                        raise _Cancelled
            else:
                adjustment_ops.change_content(doc, node, kind, self._start(kind))
        except _Cancelled:
            pass
        except Exception as exc:
            w.report(exc, "Could not change the layer content")

    def _default_gradient(self) -> GradientFill:
        """Photoshop's default gradient: the foreground colour to the background colour."""
        w = self.window
        return GradientFill(stops=((0.0, _rgb(w.foreground)), (100.0, _rgb(w.background))))

    def add(self, kind: str) -> None:
        w = self.window
        if w.doc is None:
            return
        w.tools.end_mode(commit=True)
        try:
            adjustment_ops.add_adjustment(w.doc, kind, self._start(kind))
        except Exception as exc:
            w.report(exc, "Could not add the adjustment layer")

    def _start(self, kind: str):
        """A new adjustment's settings: a Gradient Map from the foreground colour to the
        background colour, as Photoshop makes it; None (the kind's defaults) otherwise."""
        if kind != GradientMap.kind:
            return None
        w = self.window
        return GradientMap(stops=((0.0, _rgb(w.foreground)), (100.0, _rgb(w.background))))

    def _ask_fill_name(self, kind) -> Optional[str]:
        """A new fill layer's name, asked as Photoshop's New Layer does (the settings class
        `kind` gives the default); None when there is no document or it is cancelled."""
        w = self.window
        if w.doc is None:
            return None
        w.tools.end_mode(commit=True)
        return dialogs.ask_text(w, "New Layer", "Name:", w.doc.next_layer_name(kind.layer_name))

    def add_solid_color(self) -> None:
        """Layer > New Fill Layer > Solid Color…: a name, then a colour; nothing when either
        question is cancelled."""
        w, doc = self.window, self.window.doc
        name = self._ask_fill_name(SolidColor)
        if name is None:
            return
        color = dialogs.ask_color(w, w.foreground, "Color Picker (Solid Color)")
        if color is None:
            return
        try:
            adjustment_ops.add_adjustment(doc, SolidColor.kind, SolidColor(_rgb(color)),
                                          name=name)
        except Exception as exc:
            w.report(exc, "Could not add the fill layer")

    def add_gradient(self) -> None:
        """Layer > New Fill Layer > Gradient…: a name, then the Gradient Fill dialog over the
        new layer (live); the layer with the dialog's settings is one step, and nothing
        stays when either question is cancelled."""
        name = self._ask_fill_name(GradientFill)
        if name is None:
            return
        self._add_with_dialog(GradientFill, self._default_gradient, name)

    def add_pattern(self) -> None:
        """Layer > New Fill Layer > Pattern…: (in a document without patterns, first the
        offer to define one from the canvas) a name, then the Pattern Fill dialog over the
        new layer (live), from the newest pattern; the pattern defined, the layer and the
        dialog's settings are one step, and nothing stays when a question is cancelled."""
        w, doc = self.window, self.window.doc
        if doc is None:
            return
        if not doc.patterns and not dialogs.ask_define_pattern(w):
            return
        name = self._ask_fill_name(PatternFill)
        if name is None:
            return
        self._add_with_dialog(PatternFill, self._first_pattern, name)

    def _add_with_dialog(self, kind, start, name: str) -> None:
        """A new fill layer of settings class `kind` named `name`, from the settings
        `start()` makes (inside the step: it may define a pattern), then its dialog over it
        (live): one "New Fill Layer" step, undone whole when the dialog is cancelled."""
        w, doc = self.window, self.window.doc
        try:
            with doc.history.macro("New Fill Layer"):
                layer = adjustment_ops.add_adjustment(doc, kind.kind, start(), name=name)
                if not self._fill_dialog(layer):
                    raise _Cancelled
        except _Cancelled:
            pass
        except Exception as exc:
            w.report(exc, "Could not add the fill layer")

    def _first_pattern(self) -> PatternFill:
        """A new pattern fill's settings: the document's newest pattern, one defined from
        the canvas (or the selection) when it has none (inside the caller's macro)."""
        doc = self.window.doc
        if not doc.patterns:
            patterns.define_pattern(doc, patterns.next_pattern_name(doc))
        return PatternFill(pattern=doc.patterns[-1])

    def _fill_dialog(self, node: FillLayer) -> bool:
        """The Gradient or Pattern Fill dialog on `node`, live; OK's settings set as one
        step (inside a macro: part of its step). False when it was cancelled (the settings
        as they were)."""
        doc = self.window.doc
        before = node.settings
        adjustment_ops.preview_settings(doc, node, before)  # raises if it cannot change

        def preview(settings) -> None:
            try:
                adjustment_ops.preview_settings(doc, node, settings)
            except Exception as exc:
                self.window.report(exc, f"Could not show the {before.label.lower()}")

        if isinstance(before, PatternFill):
            chosen = dialogs.ask_pattern(self.window, before, doc.patterns, preview)
        else:
            chosen = dialogs.ask_gradient(self.window, before, preview)
        adjustment_ops.preview_settings(doc, node, before)
        if chosen is None:
            return False
        adjustment_ops.set_settings(doc, node, chosen)
        return True

    def edit_fill(self, node: FillLayer) -> None:
        """The colour picker for a fill layer's colour, or the Gradient or Pattern Fill dialog
        for a gradient's or a pattern's settings; what it gives is one undo step."""
        w = self.window
        doc = w.doc
        if doc is None or not doc.contains(node):
            return
        w.tools.end_mode(commit=True)
        if isinstance(node.settings, (GradientFill, PatternFill)):
            try:
                self._fill_dialog(node)
            except Exception as exc:
                w.report(exc, f"Could not change the {node.settings.label.lower()}")
            return
        color = dialogs.ask_color(w, QColor(*node.settings.color), "Color Picker (Solid Color)")
        if color is None:
            return
        try:
            adjustment_ops.set_settings(doc, node, SolidColor(_rgb(color)))
        except Exception as exc:
            w.report(exc, "Could not change the fill colour")


def _rgb(color: QColor) -> tuple[int, int, int]:
    return color.red(), color.green(), color.blue()


class _Cancelled(Exception):
    """The new fill layer's dialog was cancelled: its macro is undone."""
