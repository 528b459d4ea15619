"""A dialog that works beside the canvas instead of being modal (Select and Mask, Color Range,
Replace Color): while it is open the canvas takes the dialog's own mode's input (a brush, an
eyedropper) and `refine_brush.CanvasOnly` keeps the rest of the window still; its preview may
be a canvas overlay. `exec_beside_canvas` returns True for OK, as exec() would; the dialog's
done() calls `leave_canvas`, which gives it all back."""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from .refine_brush import CanvasOnly


class BesideCanvas:
    """Mixin for a QDialog with `main_window` and `canvas`. OVERLAY: the name of the canvas
    overlay its preview sets (None: it sets none)."""

    OVERLAY: Optional[str] = None
    _guard: Optional[CanvasOnly] = None

    def canvas_mode(self):
        """The mode (a `Tool`) the canvas is in while the dialog is open."""
        raise NotImplementedError

    def exec_beside_canvas(self) -> bool:
        w = self.main_window
        if self.canvas is not None:
            w.tools.start_mode(self.canvas_mode())
        self._guard = CanvasOnly(w, self.canvas, self)
        QApplication.instance().installEventFilter(self._guard)
        loop = QEventLoop()
        self.finished.connect(loop.quit)
        self.place_beside_canvas()
        self.show()
        self.activateWindow()
        if self.isVisible():
            loop.exec()
        return self.result() == QDialog.DialogCode.Accepted

    def place_beside_canvas(self) -> None:
        """At the window's right edge, over the panels, so the canvas stays in sight."""
        w = self.main_window
        if isinstance(w, QWidget) and w.isVisible():
            size = self.sizeHint()
            right = w.mapToGlobal(w.rect().topRight())
            self.move(right.x() - size.width() - 16, right.y() + 80)

    def leave_canvas(self) -> None:
        """The canvas given back (OK, Cancel, Esc and the close box): the window's input,
        the canvas's tool, the selection's ants and no overlay."""
        if self._guard is not None:
            QApplication.instance().removeEventFilter(self._guard)
            self._guard = None
        tools = self.main_window.tools
        if tools.mode is self.canvas_mode():
            tools.end_mode(commit=True)
        if self.OVERLAY is not None and self.canvas is not None:
            self.canvas.selection_outline_shown = True
            self.canvas.clear_overlay(self.OVERLAY)
