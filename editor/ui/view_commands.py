"""View menu additions: a zoom field in the status bar, rulers (Ctrl+R), guides (Ctrl+;),
snapping (Shift+Ctrl+;; to other layers' edges when Snap to Layers is on) and Clear Guides; each canvas gets its rulers, scroll bars and
guides from `canvas_chrome`."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLineEdit

from .canvas_chrome import CanvasChrome, ViewOptions

if TYPE_CHECKING:
    from .canvas import CanvasView
    from .main_window import MainWindow


class ViewCommands:
    def __init__(self, window: "MainWindow"):
        self.window = window
        self.options = ViewOptions(window.settings)

    def install(self) -> None:
        from .actions import _action

        w, actions = self.window, self.window.actions
        specs = [
            ("rulers", "&Rulers", "Ctrl+R", lambda: self._toggle("rulers")),
            ("show_guides", "Show &Guides", "Ctrl+;", lambda: self._toggle("guides")),
            ("snap", "S&nap", "Shift+Ctrl+;", lambda: self._toggle("snap")),
            ("snap_layers", "Snap to &Layers", None, lambda: self._toggle("snap_layers")),
            ("clear_guides", "&Clear Guides", None, self.clear_guides),
        ]
        menu = w.menus["view"]
        before = next((a for a in menu.actions() if a.menu() is not None), None)  # Panels
        for name, text, keys, slot in specs:
            action = _action(w, name, text, keys, slot)
            if name != "clear_guides":
                action.setCheckable(True)
                action.setChecked(getattr(self.options, {"show_guides": "guides"}.get(name, name)))
            actions[name] = action
            menu.insertAction(before, action) if before is not None else menu.addAction(action)
        menu.insertSeparator(before) if before is not None else menu.addSeparator()
        # The zoom in the status bar is a field: type 50 (%) and Enter.
        self.zoom_field = QLineEdit()
        self.zoom_field.setObjectName("ZoomField")
        self.zoom_field.setFixedWidth(72)
        self.zoom_field.setToolTip("Zoom: type a percentage and press Enter")
        self.zoom_field.returnPressed.connect(self._zoom_typed)
        w.zoom_label.hide()
        w.statusBar().addPermanentWidget(self.zoom_field)

    def attach(self, canvas: "CanvasView") -> None:
        canvas.chrome = CanvasChrome(canvas, self.options)

    def refresh(self, doc, node) -> None:
        self.window.actions["clear_guides"].setEnabled(doc is not None)
        self.zoom_field.setEnabled(doc is not None)

    def view_changed(self) -> None:
        canvas = self.window.canvas
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
