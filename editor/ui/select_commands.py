"""Select menu additions: Reselect, Inverse, Feather; Shift+M / Shift+L switch the marquee
and lasso shapes; Ctrl+click on a layer's thumbnail selects its pixels.

The selection maths are in `editor.model.selection_ops` (no Qt); each command
is one undo step.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QInputDialog

from editor.model import Layer, selection_ops

if TYPE_CHECKING:
    from .main_window import MainWindow


class SelectCommands:
    def __init__(self, window: "MainWindow"):
        self.window = window

    def install(self) -> None:
        from .actions import add_plain_actions
        from .actions import insert_after as _insert_after

        w, actions = self.window, self.window.actions
        # Shift+Ctrl+I is Photoshop's Inverse; Import as Layer keeps its menu entry.
        actions["import_layer"].setShortcuts([])
        specs = [
            ("reselect", "&Reselect", "Shift+Ctrl+D", lambda: self._op("reselect",
                                                                       selection_ops.reselect)),
            ("inverse", "&Inverse", "Shift+Ctrl+I", lambda: self._op("invert the selection",
                                                                     selection_ops.inverse)),
            ("feather", "&Feather…", "Shift+F6", self.feather),
            ("cycle_marquee", "Switch Marquee Shape", "Shift+M", lambda: self._cycle("marquee")),
            ("cycle_lasso", "Switch Lasso Shape", "Shift+L", lambda: self._cycle("lasso")),
            ("cycle_fill", "Switch Paint Bucket / Gradient", "Shift+G",
             lambda: self._cycle("fill")),
        ]
        add_plain_actions(w, specs)
        _insert_after(w.menus["select"], actions["deselect"],
                      [actions["reselect"], actions["inverse"], None, actions["feather"]])

    def refresh(self, doc, node) -> None:
        a = self.window.actions
        selected = doc is not None and (doc.selection is not None or doc.selection_mask is not None)
        a["inverse"].setEnabled(doc is not None)
        a["feather"].setEnabled(selected)
        a["reselect"].setEnabled(doc is not None and doc.last_selection is not None)

    def _op(self, what: str, fn) -> None:
        w = self.window
        if w.doc is None:
            return
        w.tools.end_mode(commit=True)
        try:
            fn(w.doc)
        except Exception as exc:
            w.report(exc, f"Could not {what}")

    def _cycle(self, tool_id: str) -> None:
        tools = self.window.tools
        if tools.selected.id == tool_id and tools.mode is None:
            tools.selected.cycle()
        else:
            self.window.tool_actions[tool_id].trigger()

    def feather(self) -> None:
        if self.window.doc is None:
            return
        settings = self.window.settings
        radius, ok = QInputDialog.getDouble(self.window, "Feather Selection", "Feather radius (px):",
                                            settings.value("select/feather", 5.0, float), 0.1,
                                            250.0, 1)
        if ok:
            settings.set_value("select/feather", radius)
            self._op("feather", lambda d: selection_ops.feather(d, radius))

    def layer_pixels(self, layer) -> None:
        """Ctrl+click on a thumbnail: the layer's pixels become the selection."""
        if isinstance(layer, Layer):
            self._op("select the layer's pixels", lambda d: selection_ops.select_mask(
                d, selection_ops.layer_pixels_mask(d, layer), "replace", "Select Layer Pixels"))
