"""The View menu: zoom in and out, Fit on Screen, 100 %, a zoom field in the status bar, rulers (Ctrl+R), guides (Ctrl+;),
the grid (Ctrl+'), snapping (Shift+Ctrl+;; to other layers' edges when Snap to Layers is on, to the grid when Snap to Grid
is) and Clear Guides; each canvas gets its rulers, scroll bars, guides and grid from `canvas_chrome`."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Optional

from PySide6.QtWidgets import QLineEdit

from .actions import ActionSpec, has_doc
from .canvas_chrome import CanvasChrome, ViewOptions

if TYPE_CHECKING:
    from .canvas import CanvasView
    from .window_api import EditorWindow


def parse_zoom(text: str) -> Optional[float]:
    """A zoom typed as a percentage ("50", "50 %", "33.3") as a factor; None if no number."""
    match = re.match(r"\s*([0-9]*\.?[0-9]+)", text)
    return float(match.group(1)) / 100 if match is not None and float(match.group(1)) > 0 else None


class ViewCommands:
    def __init__(self, window: "EditorWindow"):
        self.window = window
        self.options = ViewOptions(window.settings)

    def action_specs(self) -> list[ActionSpec]:
        """View > the zooms, then Rulers, Show Guides, Show Grid, Snap, Snap to Layers, Snap to
        Grid (checked as the options say) and Clear Guides; the window adds Panels last."""
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
            toggle("show_grid", "Show G&rid", "grid", "Ctrl+'", after="show_guides"),
            toggle("snap", "S&nap", "snap", "Shift+Ctrl+;", after="show_grid"),
            toggle("snap_layers", "Snap to &Layers", "snap_layers", after="snap"),
            toggle("snap_grid", "Snap to Gri&d", "snap_grid", after="snap_layers"),
            ActionSpec("clear_guides", "&Clear Guides", self.clear_guides, enabled=has_doc,
                       menu="view", after="snap_grid"),
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
        zoom = parse_zoom(self.zoom_field.text())
        if canvas is None or zoom is None:
            self.view_changed()
            return
        canvas.set_zoom(zoom)
        canvas.setFocus()
        self.view_changed()

    def _toggle(self, key: str) -> None:
        self.options.set(key, not getattr(self.options, key))
        name = {"guides": "show_guides", "grid": "show_grid"}.get(key, key)
        self.window.actions[name].setChecked(getattr(self.options, key))
        self.repaint_canvases()

    def grid_changed(self) -> None:
        """The grid's preferences changed (Preferences > Guides, Grid): shown anew."""
        self.options.load_grid()
        self.repaint_canvases()

    def repaint_canvases(self) -> None:
        for session in self.window.sessions:
            if session.canvas is not None and session.canvas.chrome is not None:
                session.canvas.chrome.layout()
                session.canvas.update()

    def clear_guides(self) -> None:
        canvas = self.window.canvas
        if canvas is not None and canvas.chrome is not None:
            canvas.chrome.clear_guides()
