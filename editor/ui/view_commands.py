"""The View menu: zoom in and out, Fit on Screen, 100 %, a zoom field in the status bar, rulers (Ctrl+R), guides (Ctrl+;),
snapping (Shift+Ctrl+;; to other layers' edges when Snap to Layers is on) and Clear Guides; each canvas gets its rulers, scroll bars and
guides from `canvas_chrome`."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLineEdit

from .actions import ActionSpec, has_doc
from .canvas_chrome import CanvasChrome, ViewOptions

if TYPE_CHECKING:
    from .canvas import CanvasView
    from .window_api import EditorWindow


class ViewCommands:
    def __init__(self, window: "EditorWindow"):
        self.window = window
        self.options = ViewOptions(window.settings)

    def action_specs(self) -> list[ActionSpec]:
        """View > the zooms, then Rulers, Show Guides, Snap, Snap to Layers (checked as the
        options say) and Clear Guides; the window adds Panels last."""
        def toggle(name: str, text: str, key: str, keys=None, after: str = "actual",
                   separator: bool = False) -> ActionSpec:
            return ActionSpec(name, text, lambda: self._toggle(key), keys, menu="view",
                              after=after, separator=separator, checkable=True,
                              checked=lambda c: getattr(self.options, key))

        def zoom(name: str, text: str, keys, fn) -> ActionSpec:
            return ActionSpec(name, text, lambda: self._with_canvas(fn), keys, enabled=has_doc,
                              menu="view")

        return [
            zoom("zoom_in", "Zoom &In", ["Ctrl+=", "Ctrl++"], lambda c: c.zoom_in()),
            zoom("zoom_out", "Zoom &Out", "Ctrl+-", lambda c: c.zoom_out()),
            zoom("fit", "&Fit on Screen", "Ctrl+0", lambda c: c.fit()),
            zoom("actual", "&100 %", "Ctrl+1", lambda c: c.actual_pixels()),
            toggle("rulers", "&Rulers", "rulers", "Ctrl+R", separator=True),
            toggle("show_guides", "Show &Guides", "guides", "Ctrl+;", after="rulers"),
            toggle("snap", "S&nap", "snap", "Shift+Ctrl+;", after="show_guides"),
            toggle("snap_layers", "Snap to &Layers", "snap_layers", after="snap"),
            ActionSpec("clear_guides", "&Clear Guides", self.clear_guides, enabled=has_doc,
                       menu="view", after="snap_layers"),
        ]

    def connect(self) -> None:
        """The zoom in the status bar becomes a field: type 50 (%) and Enter."""
        w = self.window
        self.zoom_field = QLineEdit()
        self.zoom_field.setObjectName("ZoomField")
        self.zoom_field.setFixedWidth(72)
        self.zoom_field.setToolTip("Zoom: type a percentage and press Enter")
        self.zoom_field.returnPressed.connect(self._zoom_typed)
        w.zoom_label.hide()
        w.statusBar().addPermanentWidget(self.zoom_field)

    def _with_canvas(self, fn) -> None:
        if self.window.canvas is not None:
            fn(self.window.canvas)

    def attach(self, canvas: "CanvasView") -> None:
        canvas.chrome = CanvasChrome(canvas, self.options)

    def view_changed(self) -> None:
        canvas = self.window.canvas
        self.zoom_field.setEnabled(canvas is not None)
        if not self.zoom_field.hasFocus():
            self.zoom_field.setText(f"{canvas.zoom * 100:.4g} %" if canvas is not None else "")

    def _zoom_typed(self) -> None:
        canvas = self.window.canvas
        match = re.match(r"\s*([0-9]*\.?[0-9]+)", self.zoom_field.text())
        if canvas is None or match is None:
            self.view_changed()
            return
        canvas.set_zoom(float(match.group(1)) / 100)
        canvas.setFocus()
        self.view_changed()

    def _toggle(self, key: str) -> None:
        self.options.set(key, not getattr(self.options, key))
        name = {"guides": "show_guides"}.get(key, key)
        self.window.actions[name].setChecked(getattr(self.options, key))
        for session in self.window.sessions:
            if session.canvas is not None and session.canvas.chrome is not None:
                session.canvas.chrome.layout()
                session.canvas.update()

    def clear_guides(self) -> None:
        canvas = self.window.canvas
        if canvas is not None and canvas.chrome is not None:
            canvas.chrome.clear_guides()
