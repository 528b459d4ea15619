"""The Filter menu's items for `shape_filters` and `video_filters`: Blur > Shape Blur and
Smart Blur, Distort > Shear, Render > Fibers, Other > HSB/HSL, and the Video submenu
(De-Interlace, NTSC Colors) after Stylize, as Photoshop's menu has them; their dialog rows
(Photoshop's settings and ranges) and notes, which join `filter_dialog`'s tables when this
module loads; Shear's dialog, whose curve is dragged in a grid, and Shape Blur's, whose
shapes show as pictures. NTSC Colors has no settings: it runs at once, as Photoshop's.

`filter_commands` merges the items (`with_shape_items`) and opens DIALOGS' dialogs.
"""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Optional

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QRadioButton, QWidget

from editor.model import filter_ops, shape_filters as sf, video_filters as vf

from .extra_filter_dialogs import with_extra_items
from .filter_dialog import FILTER_ROWS, NOTES, FilterDialog

if TYPE_CHECKING:
    from .window_api import EditorWindow

# Per submenu: the filters in Photoshop's order (the existing ones among them).
ORDER = {
    "filter_blur": ("average", "blur", "blur_more", "box_blur", "gaussian_blur", "lens_blur",
                    "motion_blur", "radial_blur", "shape_blur", "smart_blur", "surface_blur"),
    "filter_distort": ("displace", "pinch", "polar_coordinates", "ripple", "shear",
                       "spherize", "twirl", "wave", "zigzag"),
    "filter_render": ("clouds", "difference_clouds", "fibers", "lens_flare"),
    "filter_other": ("custom", "high_pass", "hsb_hsl", "maximum", "minimum", "offset")}
MENU_ITEMS = {"shape_blur": "S&hape Blur…", "smart_blur": "Smar&t Blur…",
              "shear": "S&hear…", "fibers": "&Fibers…", "hsb_hsl": "HSB/HS&L…"}
VIDEO_MENU = ("filter_video", "&Video", (("de_interlace", "&De-Interlace…"),
                                         ("ntsc_colors", "&NTSC Colors")))


def with_shape_items(menus: tuple) -> tuple:
    """`filter_commands.FILTER_MENUS` with MENU_ITEMS in their submenus in ORDER, and the
    Video submenu after Stylize."""
    menus = with_extra_items(menus, ORDER, MENU_ITEMS)
    i = [m[0] for m in menus].index("filter_stylize") + 1
    return menus[:i] + (VIDEO_MENU,) + menus[i:]


FILTER_ROWS.update({
    sf.Shear: [("choice", "undefined", "Undefined Areas", sf.SHEAR_FILLS,
                ("Wrap Around", "Repeat Edge Pixels"))],
    sf.SmartBlur: [("radius", "Radius", 0.1, 100, 1, " px"),
                   ("threshold", "Threshold", 0.1, 100, 1, ""),
                   ("choice", "quality", "Quality", sf.SMART_QUALITY, ("Low", "Medium", "High")),
                   ("choice", "mode", "Mode", sf.SMART_MODES,
                    ("Normal", "Edge Only", "Overlay Edge"))],
    sf.ShapeBlur: [("radius", "Radius", 5, 1000, 0, " px"),
                   ("choice", "shape", "Shape", sf.SHAPES,
                    ("Circle", "Square", "Ring", "Star", "Heart"))],
    sf.Fibers: [("variance", "Variance", 1, 64, 0, ""),
                ("strength", "Strength", 1, 64, 0, ""),
                ("randomize", "seed", "Seed")],
    vf.HSBHSL: [("choice", "input", "Input Mode", vf.COLOUR_MODES, ("RGB", "HSB", "HSL")),
                ("choice", "output", "Row Order", vf.COLOUR_MODES, ("RGB", "HSB", "HSL"))],
    vf.DeInterlace: [("choice", "eliminate", "Eliminate", vf.FIELDS,
                      ("Odd Fields", "Even Fields")),
                     ("choice", "create", "Create New Fields by", vf.NEW_FIELDS,
                      ("Duplication", "Interpolation"))],
})
NOTES.update({
    sf.Shear: "Drag the line's points sideways; click the line to add a point, drag a "
              "point out of the grid to take it away. The grid's edges shift a row by half "
              "the width.",
    sf.SmartBlur: "Blurs only among pixels whose brightness lies within the threshold of "
                  "the pixel's own: edges of more contrast stay sharp. Quality is finer "
                  "(slower) from Low to High.",
    sf.ShapeBlur: "Each pixel becomes the mean of the shape around it.",
    sf.Fibers: "Fibres in the Foreground and Background colours; the same seed always "
               "gives the same fibres.",
    vf.HSBHSL: "Hue, saturation and brightness (or lightness) go to the red, green and "
               "blue channels.",
    vf.DeInterlace: "Lines are counted from 1 at the top: odd fields are lines 1, 3, 5…",
})


class ShearGrid(QWidget):
    """Shear's grid: the curve through its points (Shear.points: row 0..1 down, shift
    -0.5..0.5 across); a point is dragged, a click on the line adds one, a point dragged
    out of the grid (but the top and bottom ones) goes. The preview follows each drag's
    release."""

    SIDE = 200
    GRAB = 7       # px: how near a press must be to take a point
    OUT = 24       # px beyond the grid where a dragged point goes

    def __init__(self, dialog: "ShearDialog"):
        super().__init__()
        self.dialog = dialog
        self.setObjectName("ShearGrid")
        self.setToolTip("Drag the points sideways; click the line to add one")
        self.setFixedSize(QSize(self.SIDE, self.SIDE))
        self.dragged: Optional[int] = None
        self.gone = False  # the dragged point is out of the grid (let go: removed)

    def points(self) -> list[tuple[float, float]]:
        return [tuple(p) for p in self.dialog.form.op.points]

    def _to_widget(self, p) -> QPointF:
        return QPointF((p[1] + 0.5) * (self.width() - 1), p[0] * (self.height() - 1))

    def _from_widget(self, q: QPointF) -> tuple[float, float]:
        row = min(1.0, max(0.0, q.y() / max(1, self.height() - 1)))
        shift = min(0.5, max(-0.5, q.x() / max(1, self.width() - 1) - 0.5))
        return round(row, 4), round(shift, 4)

    def _set(self, points) -> None:
        self.dialog.form.op = replace(self.dialog.form.op,
                                      points=tuple(sorted(tuple(p) for p in points)))
        self.update()

    def mousePressEvent(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        q = event.position()
        points = self.points()
        near = [(abs(self._to_widget(p).x() - q.x()) + abs(self._to_widget(p).y() - q.y()), i)
                for i, p in enumerate(points)]
        distance, i = min(near)
        if distance <= self.GRAB * 2:
            self.dragged = i
            return
        if len(points) >= sf.SHEAR_POINTS_MAX:
            return
        row, shift = self._from_widget(q)
        on_line = float(sf.spline(points, np.array([row]))[0])
        if abs((on_line - shift) * (self.width() - 1)) > self.GRAB * 2:
            return  # (only a click on the line adds a point)
        if any(abs(p[0] - row) < 1e-3 for p in points):
            return
        points.append((row, round(on_line, 4)))
        self._set(points)
        self.dragged = sorted(points).index((row, round(on_line, 4)))

    def mouseMoveEvent(self, event) -> None:
        if self.dragged is None or not event.buttons() & Qt.MouseButton.LeftButton:
            return
        q = event.position()
        points = self.points()
        old_row = points[self.dragged][0]
        end = old_row in (0.0, 1.0) and points[self.dragged] in (points[0], points[-1])
        self.gone = not end and len(points) > 2 and (
            q.x() < -self.OUT or q.x() > self.width() + self.OUT
            or q.y() < -self.OUT or q.y() > self.height() + self.OUT)
        row, shift = self._from_widget(q)
        if end:
            row = old_row  # (the top and bottom points stay on their rows)
        else:  # between its neighbours' rows
            low = points[self.dragged - 1][0] + 1e-3
            high = points[self.dragged + 1][0] - 1e-3 if self.dragged + 1 < len(points) else 1
            row = round(min(high, max(low, row)), 4)
        points[self.dragged] = (row, shift)
        self._set(points)

    def mouseReleaseEvent(self, event) -> None:
        if self.dragged is None:
            return
        if self.gone:
            points = self.points()
            del points[self.dragged]
            self._set(points)
        self.dragged, self.gone = None, False
        self.dialog.changed()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(0, 0, -1, -1)
        painter.fillRect(rect, QColor(250, 250, 250))
        painter.setPen(QPen(QColor(200, 200, 200), 1))
        for i in range(1, 8):
            x, y = rect.width() * i / 8, rect.height() * i / 8
            painter.drawLine(QPointF(x, 0), QPointF(x, rect.height()))
            painter.drawLine(QPointF(0, y), QPointF(rect.width(), y))
        painter.setPen(QPen(QColor(120, 120, 120), 1))
        painter.drawRect(rect)
        points = self.points()
        rows = np.linspace(0, 1, 101)
        shifts = sf.spline(points, rows)
        path = QPainterPath(self._to_widget((rows[0], shifts[0])))
        for row, shift in zip(rows[1:], shifts[1:]):
            path.lineTo(self._to_widget((row, shift)))
        painter.setPen(QPen(QColor(20, 20, 20), 1.5))
        painter.drawPath(path)
        painter.setBrush(QColor(255, 255, 255))
        for p in points:
            c = self._to_widget(p)
            painter.drawRect(QRectF(c.x() - 3, c.y() - 3, 6, 6))
        painter.end()


class ShearDialog(FilterDialog):
    """Shear: the curve's grid, Defaults (the straight line), Undefined Areas."""

    def __init__(self, window: "EditorWindow", target: filter_ops.Target, op: sf.Shear):
        super().__init__(window, target, op)
        self.grid = ShearGrid(self)
        defaults = QPushButton("Defaults")
        defaults.setObjectName("ShearDefaults")
        defaults.setAutoDefault(False)  # (Enter is OK's)
        defaults.clicked.connect(self._defaults)
        line = QHBoxLayout()
        line.addWidget(self.grid)
        line.addWidget(defaults, 0, Qt.AlignmentFlag.AlignTop)
        line.addStretch(1)
        self.body.insertLayout(0, line)

    def _defaults(self, _on=False) -> None:
        self.form.op = replace(self.form.op, points=sf.SHEAR_LINE)
        self.grid.update()
        self.changed()


def shape_icon(shape: str, side: int = 24) -> QIcon:
    """A shape's kernel drawn black on white (Shape Blur's radio buttons)."""
    k = sf.shape_kernel(shape, side // 2 - 1)
    grey = np.where(k, 0, 255).astype(np.uint8)
    grey = np.ascontiguousarray(grey)
    h, w = grey.shape
    image = QImage(grey.data, w, h, w, QImage.Format.Format_Grayscale8).copy()
    return QIcon(QPixmap.fromImage(image))


class ShapeBlurDialog(FilterDialog):
    """Shape Blur: Radius and the shapes as pictures (Photoshop's shape picker)."""

    def __init__(self, window: "EditorWindow", target: filter_ops.Target, op: sf.ShapeBlur):
        super().__init__(window, target, op)
        for shape in sf.SHAPES:
            radio = self.findChild(QRadioButton, f"Filter_shape_{shape}")
            radio.setIcon(shape_icon(shape))
            radio.setIconSize(QSize(24, 24))


DIALOGS = {sf.Shear: ShearDialog, sf.ShapeBlur: ShapeBlurDialog}
