"""The View menu: zoom in and out, Fit on Screen, 100 %, a zoom field in the status bar, Extras (Ctrl+H: hides all that
View > Show shows, at once) and View > Show's Selection Edges, Target Path, Guides (Ctrl+;), Grid (Ctrl+') and Slices, rulers
(Ctrl+R), snapping (Shift+Ctrl+;; to other layers' edges when Snap to Layers is on, to the grid when Snap to Grid is),
Lock Guides (Alt+Ctrl+;) and Clear Guides; each canvas gets its rulers, scroll bars, guides and grid from
`canvas_chrome`."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Optional

from PySide6.QtWidgets import QLineEdit

from .actions import ActionSpec, SubmenuSpec, has_doc
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
        self.options.units_changed.connect(self.units_changed)

    # The option each checkable View action switches (the others' names are their keys).
    OPTION = {"show_guides": "guides", "show_grid": "grid", "show_selection_edges":
              "selection_edges", "show_target_path": "target_path", "show_slices": "slices"}

    def action_specs(self) -> list:
        """View > the zooms, Extras, Show (Selection Edges, Target Path, Guides, Grid), then
        Rulers, Snap, Snap to Layers, Snap to Grid (checked as the options say), Lock Guides
        and Clear Guides; the window adds Panels last."""
        def toggle(name: str, text: str, key: str, keys=None, after: Optional[str] = "actual",
                   separator: bool = False, menu: str = "view") -> ActionSpec:
            return ActionSpec(name, text, lambda: self.toggle(key), keys, menu=menu,
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
            toggle("extras", "E&xtras", "extras", "Ctrl+H", separator=True),
            SubmenuSpec("show", "&Show", menu="view", after="extras"),
            toggle("show_selection_edges", "&Selection Edges", "selection_edges", after=None,
                   menu="show"),
            toggle("show_target_path", "&Target Path", "target_path",
                   after="show_selection_edges", menu="show"),
            toggle("show_grid", "G&rid", "grid", "Ctrl+'", after="show_target_path",
                   menu="show"),
            toggle("show_guides", "&Guides", "guides", "Ctrl+;", after="show_grid", menu="show"),
            toggle("show_slices", "S&lices", "slices", after="show_guides", menu="show"),
            toggle("rulers", "&Rulers", "rulers", "Ctrl+R", after="show"),
            toggle("snap", "S&nap", "snap", "Shift+Ctrl+;", after="rulers", separator=True),
            toggle("snap_layers", "Snap to &Layers", "snap_layers", after="snap"),
            toggle("snap_grid", "Snap to Gri&d", "snap_grid", after="snap_layers"),
            toggle("lock_guides", "L&ock Guides", "lock_guides", "Alt+Ctrl+;", after="snap_grid",
                   separator=True),
            ActionSpec("clear_guides", "&Clear Guides", self.clear_guides, enabled=has_doc,
                       menu="view", after="lock_guides"),
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

    def toggle(self, key: str) -> None:
        """Switches View option `key` (its action, named by `OPTION` or by the key, checked
        as it is now) and redraws the canvases."""
        self.options.set(key, not getattr(self.options, key))
        name = {v: k for k, v in self.OPTION.items()}.get(key, key)
        self.window.actions[name].setChecked(getattr(self.options, key))
        self.repaint_canvases()

    def grid_changed(self) -> None:
        """The grid's preferences changed (Preferences > Guides, Grid): shown anew."""
        self.options.load_grid()
        self.repaint_canvases()

    def units_changed(self) -> None:
        """The rulers' unit changed (Preferences, a ruler's or the Info panel's menu): the
        rulers and the Info panel show it."""
        self.repaint_canvases()
        self.window.info_panel.refresh()

    def repaint_canvases(self) -> None:
        for session in self.window.sessions:
            if session.canvas is not None and session.canvas.chrome is not None:
                session.canvas.chrome.layout()
                session.canvas.chrome.top.update()  # (the rulers' unit may have changed)
                session.canvas.chrome.left.update()
                session.canvas.update()

    def clear_guides(self) -> None:
        canvas = self.window.canvas
        if canvas is not None and canvas.chrome is not None:
            canvas.chrome.clear_guides()
