"""The slices drawn over the canvas (View > Show > Slices; View > Extras hides them too).

As Photoshop draws them: every slice's edges, solid for user slices and dotted for auto
slices, and in each slice's top-left corner its number badge (two digits, the user
slices' in blue, the auto slices' in grey) with a small mark for an image slice (a box
with a hill) or a No Image one (an empty box). The selected slice (Slice Select) is
outlined in gold with its handles. Slices show while the document has user slices or a
slice tool is in hand (a document without any shows none with the other tools, as in
Photoshop)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen

from editor.model.slices import numbered

if TYPE_CHECKING:
    from .canvas import CanvasView

USER_COLOR = QColor("#3d8ef0")    # Photoshop's user-slice blue
AUTO_COLOR = QColor("#8c8c8c")
SELECTED_COLOR = QColor("#f2b530")
SLICE_TOOLS = ("slice", "slice_select")
BADGE_H = 12  # px


def shows_slices(canvas: "CanvasView") -> bool:
    """Whether `canvas` draws its document's slices now."""
    if not canvas.view_shows("slices"):
        return False
    tool = canvas.tools.current if canvas.tools is not None else None
    return bool(canvas.doc.slices) or getattr(tool, "id", "") in SLICE_TOOLS


LOCKED = "The slices are locked: View > Lock Slices unlocks them."


def slices_locked(canvas: Optional["CanvasView"]) -> bool:
    """View > Lock Slices: whether the slice tools and commands leave the slices as they
    are (a canvas without the View menu's chrome has them unlocked)."""
    return canvas is not None and canvas.chrome is not None and canvas.chrome.options.lock_slices


def selected_slice(canvas: "CanvasView") -> Optional[int]:
    """The uid of the user slice chosen with the slice tools (shown while one is in hand)."""
    tools = canvas.tools
    if tools is None or getattr(tools.current, "id", "") not in SLICE_TOOLS:
        return None
    chooser = tools.tools.get("slice_select")
    return chooser.selected_uid(canvas.doc) if chooser is not None else None


def paint_slices(canvas: "CanvasView", painter: QPainter, selected: Optional[int] = None) -> None:
    """Draws the slices of `canvas`'s document (`selected`: the chosen user slice's uid)."""
    doc = canvas.doc
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    font = QFont(painter.font())
    font.setPixelSize(9)
    font.setBold(True)
    painter.setFont(font)
    items = numbered(doc.width, doc.height, doc.slices)
    for number, box, s in items:  # edges first, badges over them
        rect = canvas.widget_rect(box).adjusted(0.5, 0.5, -0.5, -0.5)
        pen = QPen(USER_COLOR if s is not None else AUTO_COLOR, 1)
        if s is None:
            pen.setStyle(Qt.PenStyle.DotLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(rect)
    for number, box, s in items:
        _badge(painter, canvas.widget_rect(box), number, s)
    chosen = next((box for _, box, s in items if s is not None and s.uid == selected), None)
    if chosen is not None:
        painter.setPen(QPen(SELECTED_COLOR, 1))
        painter.drawRect(canvas.widget_rect(chosen).adjusted(0.5, 0.5, -0.5, -0.5))
    painter.restore()


def _badge(painter: QPainter, rect: QRectF, number: int, s) -> None:
    """The number badge in the corner of `rect`, and the slice type's mark beside it."""
    text = f"{number:02d}"
    width = painter.fontMetrics().horizontalAdvance(text) + 5
    if rect.width() < width + 2 or rect.height() < BADGE_H + 2:
        return  # (a slice too small at this zoom has no room for its badge)
    colour = USER_COLOR if s is not None else AUTO_COLOR
    left, top = round(rect.left()) + 1, round(rect.top()) + 1
    box = QRectF(left, top, width, BADGE_H)
    painter.fillRect(box, colour)
    painter.setPen(QColor("#ffffff"))
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
    mark = QRectF(left + width + 1, top, BADGE_H, BADGE_H)
    if mark.right() > rect.right():
        return
    painter.fillRect(mark, colour)
    inner = mark.adjusted(2.5, 2.5, -2.5, -2.5)
    painter.setPen(QPen(QColor("#ffffff"), 1))
    painter.drawRect(inner)
    if s is None or s.image:  # a hill in the box: an image slice
        painter.drawLine(QPointF(inner.left(), inner.bottom()),
                         QPointF(inner.center().x(), inner.top() + 2))
        painter.drawLine(QPointF(inner.center().x(), inner.top() + 2),
                         QPointF(inner.right(), inner.bottom()))
