"""Type on a path on the canvas: its path, start marker and overflow mark drawn (the Type
tool while it is edited, the Direct Selection tool while it is the active layer), and
the start marker dragged along the path with the Direct Selection tool (A), as
Photoshop's path selection tools move where path type starts: the text flows on from
where the marker is let go; one undo step ("Move Type Start"), Esc-free (a drag).

The geometry is text_path.py's (`track`, `span`); the layer's settings change through
text_layer's `preview_text` while dragging and `set_text` once, on release.
"""
from __future__ import annotations

from typing import Optional

import numpy as np
from PySide6.QtCore import QLineF, QPointF
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF

from editor.model.text_layer import TextLayer, overflows, preview_text, set_text
from editor.model.text_path import track

MARKER = 8.0  # screen pixels: the start marker's half length across the path
GRAB = 6.0  # screen pixels from the start marker that a press takes it


def on_path(node) -> bool:
    return isinstance(node, TextLayer) and node.type_settings.path is not None


def _ends(layer: TextLayer):
    """The start marker's and the path end's (image point, direction) for path type."""
    settings = layer.type_settings
    ax, ay = layer.anchor()
    _, first, last = settings.path_span()
    points, angles = track(settings.path).at([first, last])
    return [((ax + x, ay + y), angle) for (x, y), angle in zip(points, angles)]


def paint_type_path(painter: QPainter, to_widget, layer: TextLayer) -> None:
    """Path type's path (a thin line), its start marker (a short line across it) and,
    when glyphs fall beyond its end, Photoshop's overflow mark (a plus in a circle)."""
    settings = layer.type_settings
    ax, ay = layer.anchor()
    line = QPolygonF([to_widget.map(QPointF(ax + x, ay + y))
                      for x, y in track(settings.path).points])
    painter.save()
    painter.setPen(QPen(QColor(0, 0, 0, 150), 1))
    painter.drawPolyline(line)
    (start, angle), (end, _) = _ends(layer)
    painter.setPen(QPen(QColor(0, 0, 0), 1))
    at = to_widget.map(QPointF(*start))
    nx, ny = -np.sin(angle) * MARKER, np.cos(angle) * MARKER
    painter.drawLine(QLineF(at.x() - nx, at.y() - ny, at.x() + nx, at.y() + ny))
    if overflows(settings):
        at = to_widget.map(QPointF(*end))
        half = MARKER / 2
        painter.drawEllipse(at, half, half)
        painter.drawLine(QLineF(at.x() - 2, at.y(), at.x() + 2, at.y()))
        painter.drawLine(QLineF(at.x(), at.y() - 2, at.x(), at.y() + 2))
    painter.restore()


def start_marker_at(canvas, pos: QPointF) -> Optional[TextLayer]:
    """The active path type layer when widget point `pos` is on its start marker."""
    layer = canvas.doc.active
    if not on_path(layer) or not layer.is_shown():
        return None
    (start, _), _ = _ends(layer)
    at = canvas.image_transform().map(QPointF(*start))
    return layer if (at - QPointF(pos)).manhattanLength() <= 2 * GRAB else None


class StartDrag:
    """The start marker of `layer` being dragged: the text previewed from the path's
    point nearest the pointer; `finish` makes it one step, `cancel` puts it back."""

    def __init__(self, doc, layer: TextLayer):
        self.doc, self.layer, self.original = doc, layer, layer.type_settings

    def move(self, image: QPointF) -> None:
        if not self.doc.contains(self.layer):
            return
        ax, ay = self.layer.anchor()
        along = track(self.original.path).project((image.x() - ax, image.y() - ay))
        preview_text(self.doc, self.layer, self.original.replace(path_start=along))

    def finish(self) -> None:
        if not self.doc.contains(self.layer):
            return
        final = self.layer.type_settings
        preview_text(self.doc, self.layer, self.original)
        set_text(self.doc, self.layer, final, name="Move Type Start")

    def cancel(self) -> None:
        if self.doc.contains(self.layer):
            preview_text(self.doc, self.layer, self.original)
