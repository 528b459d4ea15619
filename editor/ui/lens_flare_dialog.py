"""Filter > Render > Lens Flare's dialog: as Photoshop's, a thumbnail of the picture where a
click puts the flare's centre (a cross marks it), then Brightness and the Lens Type; the
flare previews on the canvas as every filter dialog's does (`FilterDialog`)."""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QLabel

from editor.model import filter_ops
from editor.model.render_filters import LensFlare

from .color_range import THUMB_SIDE, reduced
from .filter_dialog import FilterDialog
from .qimage import rgba_to_qimage

if TYPE_CHECKING:
    from .window_api import EditorWindow


class FlareCenter(QLabel):
    """The layer over the canvas, reduced; a click (or a drag) puts the centre there."""

    def __init__(self, dialog: "LensFlareDialog", pixels: np.ndarray, canvas):
        super().__init__()
        self.dialog, self.canvas = dialog, canvas
        self.setObjectName("LensFlareCenter")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(THUMB_SIDE, THUMB_SIDE)
        self.setToolTip("Click to put the flare's centre there")
        self.setPixmap(QPixmap.fromImage(rgba_to_qimage(pixels)).scaled(
            THUMB_SIDE, THUMB_SIDE, Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation))

    def _origin(self) -> QPointF:
        pix = self.pixmap()
        return QPointF((self.width() - pix.width()) / 2, (self.height() - pix.height()) / 2)

    def to_canvas(self, pos: QPointF) -> tuple[float, float]:
        """The canvas point under a point of the widget, inside the canvas."""
        pix, o = self.pixmap(), self._origin()
        u = min(max((pos.x() - o.x()) / pix.width(), 0.0), 1.0)
        v = min(max((pos.y() - o.y()) / pix.height(), 0.0), 1.0)
        return (self.canvas.x + u * self.canvas.w, self.canvas.y + v * self.canvas.h)

    def to_widget(self, x: float, y: float) -> QPointF:
        pix, o = self.pixmap(), self._origin()
        return QPointF(o.x() + (x - self.canvas.x) / self.canvas.w * pix.width(),
                       o.y() + (y - self.canvas.y) / self.canvas.h * pix.height())

    def mousePressEvent(self, e) -> None:
        self.dialog.set_center(*self.to_canvas(e.position()))

    def mouseMoveEvent(self, e) -> None:
        if e.buttons() & Qt.MouseButton.LeftButton:
            self.dialog.set_center(*self.to_canvas(e.position()))

    def paintEvent(self, e) -> None:
        super().paintEvent(e)
        p = QPainter(self)
        at = self.to_widget(*self.dialog.operation().center)
        for colour, width in ((QColor(0, 0, 0), 3), (QColor(255, 255, 255), 1)):
            p.setPen(QPen(colour, width))
            p.drawLine(at + QPointF(-7, 0), at + QPointF(7, 0))
            p.drawLine(at + QPointF(0, -7), at + QPointF(0, 7))
        p.end()


class LensFlareDialog(FilterDialog):
    """Lens Flare's settings: the centre clicked on the thumbnail (the canvas's middle at
    first), drawn for the whole canvas (`LensFlare.frame`) whatever is selected."""

    def __init__(self, window: "EditorWindow", target: filter_ops.Target, op: LensFlare):
        canvas = window.doc.canvas
        op = replace(op, frame=canvas.as_tuple(),
                     center=op.center or (canvas.x + canvas.w / 2, canvas.y + canvas.h / 2))
        super().__init__(window, target, op)
        small, _scale = reduced(np.ascontiguousarray(target.crop(canvas)), THUMB_SIDE)
        self.center_view = FlareCenter(self, small, canvas)
        self.body.insertWidget(0, QLabel("Flare Center:"))
        self.body.insertWidget(1, self.center_view)

    def set_center(self, x: float, y: float) -> None:
        self.form._set("center", (round(x, 1), round(y, 1)))
        self.center_view.update()


DIALOGS = {LensFlare: LensFlareDialog}  # the filters whose dialog is not `FilterDialog`
