"""Layer > Rasterize > Type: a text layer becomes a plain pixel layer (its text no longer
editable), one undo step (`text_layer.rasterize`). Painting, filters and Free Transform
refuse a text layer with one line naming this command (document.raise_if_derived)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from editor.model import text_layer

from .actions import ActionSpec, Context, Spec, SubmenuSpec, run_on_doc

if TYPE_CHECKING:
    from .window_api import EditorWindow


def is_text_layer(c: Context) -> bool:
    return isinstance(c.node, text_layer.TextLayer)


class TypeCommands:
    def __init__(self, window: "EditorWindow"):
        self.window = window

    def action_specs(self) -> list[Spec]:
        return [
            SubmenuSpec("rasterize", "Rasteri&ze", menu="layer", separator=True),
            ActionSpec("rasterize_type", "&Type", self.rasterize, enabled=is_text_layer,
                       tip="Make the text layer a pixel layer (its text is then no longer "
                           "editable)", menu="rasterize"),
        ]

    def rasterize(self) -> None:
        w = self.window
        layer = run_on_doc(w, "Could not rasterize the type",
                           lambda doc: text_layer.rasterize(doc, doc.active))
        if layer is not None:
            w.status(f"'{layer.name}' is a pixel layer now: its text is no longer editable.")
