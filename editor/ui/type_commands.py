"""Layer > Rasterize > Type: a text layer becomes a plain pixel layer (its text no longer
editable), one undo step (`text_layer.rasterize`); the Rasterize submenu is made here, with
its Layer Style item (`layer_commands.rasterize_style`). Painting, filters and Free Transform
refuse a text layer with one line naming this command (document.raise_if_derived).

Layer > Type > Convert to Paragraph Text (Convert to Point Text for paragraph text: the
item follows the active layer, as Photoshop's Type menu's does) puts point text in a
box around its lines, or paragraph text's drawn lines on lines of their own, the text
where it was; one undo step (`text_layer.convert_type`). Text beyond a box is lost in
the conversion (Photoshop's), and the status bar says so.

Layer > Type > Warp Text… (warp_text_dialog.py) bends the active type layer, its text
kept editable; Edit > Find and Replace Text… (find_replace_dialog.py) changes words in
the type layers' text."""
from __future__ import annotations

from typing import TYPE_CHECKING

from editor.model import Layer, text_layer, text_warp
from editor.model.errors import DocumentError

from .actions import ActionSpec, Context, Spec, SubmenuSpec, run_on_doc

if TYPE_CHECKING:
    from .window_api import EditorWindow


def is_text_layer(c: Context) -> bool:
    return isinstance(c.node, text_layer.TextLayer)


def is_flat_text(c: Context) -> bool:
    """A type layer not on a path: Photoshop greys Warp Text and the conversions out for
    path type (its path bends it; it is neither point nor paragraph text)."""
    return is_text_layer(c) and c.node.type_settings.path is None


def convert_label(c: Context) -> str:
    node = c.node
    if isinstance(node, text_layer.TextLayer) and node.type_settings.box is not None:
        return "Convert to &Point Text"
    return "Convert to &Paragraph Text"


class TypeCommands:
    def __init__(self, window: "EditorWindow"):
        self.window = window

    def action_specs(self) -> list[Spec]:
        return [
            SubmenuSpec("rasterize", "Rasteri&ze", menu="layer", separator=True),
            ActionSpec("rasterize_type", "&Type", self.rasterize, enabled=is_text_layer,
                       tip="Make the text layer a pixel layer (its text is then no longer "
                           "editable)", menu="rasterize"),
            # (Layer > Rasterize's other items: the submenu is made here, first)
            ActionSpec("rasterize_style", "Layer &Style",
                       lambda: self.window.layer_commands.rasterize_style(),
                       enabled=lambda c: isinstance(c.node, Layer) and c.node.kind == "pixel"
                       and c.node.effects is not None and c.node.effects.drawn(),
                       menu="rasterize",
                       tip="Draw the layer's effects into its pixels (the style is then gone)"),
            SubmenuSpec("type", "T&ype", menu="layer"),
            ActionSpec("convert_type", "Convert to &Paragraph Text", self.convert,
                       enabled=is_flat_text, menu="type", label=convert_label,
                       tip="Point text into a box its lines wrap in, or paragraph text into "
                           "point text"),
            ActionSpec("warp_text", "&Warp Text…", self.warp_text, enabled=is_flat_text,
                       menu="type", icon="text-warp",
                       tip="Bend the text layer into an arc, a flag, a wave… (it stays "
                           "editable text)"),
            # (Photoshop's Type > Panels > Glyphs Panel: Window > Glyphs's panel)
            ActionSpec("glyphs_panel", "&Glyphs Panel",
                       lambda: self.window.toggle_panel("glyphs"), menu="type",
                       separator=True,
                       tip="Every character of the font, to type the ones the keyboard "
                           "lacks"),
            ActionSpec("find_replace_text", "Find and Replace Te&xt…", self.find_replace,
                       menu="edit", after="stroke",
                       enabled=lambda c: c.doc is not None,
                       tip="Find words in the type layers and change them"),
        ]

    def warp_text(self) -> None:
        """Type > Warp Text… (and the Type tool's options-bar button) on the active type
        layer: the dialog previews; OK is one undo step, Cancel leaves it as it was."""
        from .warp_text_dialog import WarpTextDialog

        w = self.window

        def run(doc):
            layer = doc.active
            text_layer.check_editable(doc, layer)
            if layer.type_settings.path is not None:  # (the options bar's button)
                raise DocumentError("Type on a path cannot be warped: its path bends it.")
            dialog = WarpTextDialog(w, doc, layer)
            if dialog.exec() != dialog.DialogCode.Accepted:
                return None
            values = dialog.values()
            text_warp.warp_text(doc, layer, values["warp_style"], values["warp_bend"],
                                values["warp_h"], values["warp_v"], values["warp_vertical"])
            return values

        values = run_on_doc(w, "Could not warp the text", run)
        if values is not None:
            w.status("The text is flat again." if values["warp_style"] == text_warp.NONE
                     else f"The text is warped: {values['warp_style']}.")

    def find_replace(self) -> None:
        """Edit > Find and Replace Text…: the dialog (each change one undo step)."""
        from .find_replace_dialog import FindReplaceDialog

        w = self.window
        if w.doc is None:
            return
        w.tools.end_mode(commit=True)
        FindReplaceDialog(w, w).exec()

    def convert(self) -> None:
        w = self.window
        lost = []

        def run(doc):
            layer = doc.active
            if isinstance(layer, text_layer.TextLayer):
                lost.append(text_layer.overflows(layer.type_settings))
            return text_layer.convert_type(doc, layer)

        settings = run_on_doc(w, "Could not convert the text", run)
        if settings is not None:
            kind = "point" if settings.box is None else "paragraph"
            w.status(f"The text is {kind} text now"
                     + (" (the text beyond its box was left out)." if any(lost) else "."))

    def rasterize(self) -> None:
        w = self.window
        layer = run_on_doc(w, "Could not rasterize the type",
                           lambda doc: text_layer.rasterize(doc, doc.active))
        if layer is not None:
            w.status(f"'{layer.name}' is a pixel layer now: its text is no longer editable.")
