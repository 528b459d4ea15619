"""Paint Symmetry in the window: the butterfly button on the Brush, Pencil and Eraser
options bars, the symmetry path drawn over the canvas, and its handle a drag moves.

The kind and segment count are the window's, shared by the three tools (as Photoshop's
one symmetry path serves all its painting tools); the centre is each document's and
starts at the canvas centre. Where the dabs' copies fall is `editor.model.symmetry`'s;
`BrushStroke` lays them, so every stroke path of these tools gets it the same way.
"""
from __future__ import annotations

import weakref
from typing import Optional

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QAction, QActionGroup, QColor, QPainter, QPen
from PySide6.QtWidgets import QMenu, QToolButton

from editor.model.symmetry import KINDS, MAX_SEGMENTS, MIN_SEGMENTS, Symmetry

SYMMETRY_TOOLS = {"brush", "pencil", "eraser"}
HANDLE = 8.0   # the handle's radius, widget pixels (also how near a press must come)
PATH_COLOUR = QColor(40, 140, 255)


class PaintSymmetry:
    """The window's Paint Symmetry: kind, segment count and each document's centre."""

    def __init__(self, window):
        self.window = window
        self.kind = "off"
        self.segments = 6
        self._centres: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
        self._buttons: list[QToolButton] = []

    def of(self, doc) -> Symmetry:
        """The symmetry a stroke on `doc` paints with (its centre: the canvas centre until
        moved)."""
        cx, cy = self._centres.get(doc, (doc.width / 2.0, doc.height / 2.0))
        return Symmetry(self.kind, cx, cy, self.segments)

    def move(self, doc, cx: float, cy: float) -> None:
        self._centres[doc] = (float(cx), float(cy))
        self._refresh()

    def choose(self, kind: str, segments: Optional[int] = None) -> None:
        """Turns symmetry to `kind` (a key of KINDS), with `segments` for radial and mandala."""
        if kind not in KINDS:
            raise ValueError(f"Unknown symmetry {kind!r}")
        self.kind = kind
        if segments is not None:
            self.segments = max(MIN_SEGMENTS, min(MAX_SEGMENTS, int(segments)))
        self._refresh()

    def title(self) -> str:
        if self.kind in ("radial", "mandala"):
            return f"{KINDS[self.kind]} {self.segments}"
        return KINDS[self.kind]

    def _refresh(self) -> None:
        for button in self._buttons:
            button.setText(f"Symmetry: {self.title()}")
            for action in button.menu().actions():
                action.setChecked(action.data() == self.kind)
        canvas = getattr(self.window, "canvas", None)
        if canvas is not None:
            canvas.update()

    # -- the options bar's button ----------------------------------------------------------
    def button(self) -> QToolButton:
        """The butterfly button: a menu of the kinds (Radial and Mandala ask the segments)."""
        button = QToolButton()
        button.setObjectName("paint_symmetry")
        button.setToolTip("Paint Symmetry: paint each dab mirrored or turned about a centre "
                          "(drag the centre's handle on the canvas to move it)")
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(button)
        group = QActionGroup(menu)
        for kind, text in KINDS.items():
            action = QAction(text + ("…" if kind in ("radial", "mandala") else ""), menu)
            action.setObjectName(f"symmetry_{kind}")
            action.setData(kind)
            action.setCheckable(True)
            group.addAction(action)
            action.triggered.connect(lambda _c=False, k=kind: self.pick(k))
            menu.addAction(action)
        button.setMenu(menu)
        self._buttons.append(button)
        button.destroyed.connect(lambda _o=None, b=button: self._forget(b))
        self._refresh()
        return button

    def _forget(self, button) -> None:
        self._buttons = [b for b in self._buttons if b is not button]

    def pick(self, kind: str) -> None:
        """A choice from the menu: Radial and Mandala ask the segment count first (Cancel
        leaves symmetry as it was)."""
        if kind in ("radial", "mandala"):
            from editor.ui import dialogs

            n = dialogs.ask_segments(self.window, KINDS[kind], self.segments)
            if n is None:
                self._refresh()  # (the menu's check goes back to what is in force)
                return
            self.choose(kind, n)
        else:
            self.choose(kind)

    # -- the canvas ---------------------------------------------------------------------------
    def handle_at(self, canvas, pos: QPointF) -> bool:
        """Whether widget point `pos` (view coordinates) is on the centre's handle."""
        if self.kind == "off" or canvas.doc is None:
            return False
        sym = self.of(canvas.doc)
        c = canvas.image_to_widget(QPointF(sym.cx, sym.cy))
        return (c.x() - pos.x()) ** 2 + (c.y() - pos.y()) ** 2 <= (HANDLE + 2) ** 2

    def paint(self, canvas, painter: QPainter) -> None:
        """The symmetry path: its axes (or spokes), clipped to the canvas, and the centre's
        handle."""
        doc = canvas.doc
        if self.kind == "off" or doc is None:
            return
        sym = self.of(doc)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setClipRect(canvas.doc_rect(), Qt.ClipOperation.IntersectClip)
        pen = QPen(PATH_COLOUR, 1.5)
        pen.setCosmetic(True)
        painter.setPen(pen)
        for x0, y0, x1, y1 in sym.axes(doc.width, doc.height):
            painter.drawLine(canvas.image_to_widget(QPointF(x0, y0)),
                             canvas.image_to_widget(QPointF(x1, y1)))
        painter.setClipping(False)
        c = canvas.image_to_widget(QPointF(sym.cx, sym.cy))
        painter.setBrush(QColor(255, 255, 255, 200))
        painter.drawEllipse(c, HANDLE, HANDLE)
        painter.drawLine(QPointF(c.x() - 3, c.y()), QPointF(c.x() + 3, c.y()))
        painter.drawLine(QPointF(c.x(), c.y() - 3), QPointF(c.x(), c.y() + 3))
        painter.restore()


def paint_symmetry(window) -> PaintSymmetry:
    """The window's Paint Symmetry (made on first use)."""
    found = getattr(window, "paint_symmetry", None)
    if found is None:
        found = window.paint_symmetry = PaintSymmetry(window)
    return found
