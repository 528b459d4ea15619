"""The Filter menu's items for `extra_filters` and `cell_filters`: where they go in the Blur,
Noise, Pixelate, Sharpen and Stylize submenus (Photoshop's alphabetical order), their dialog
rows (Photoshop's settings and ranges) and notes, Radial Blur's dialog, whose Blur Center
box is clicked or dragged to place the centre, and Smart Sharpen's, whose Shadows /
Highlights rows fold away.

`filter_commands` merges MENU_ITEMS into its FILTER_MENUS (`with_extra_items`) and opens
DIALOGS' dialog for a filter that has one (else `FilterDialog`); the rows and notes join
`filter_dialog`'s tables when this module loads. Filters without rows (Average, Blur,
Sharpen, Despeckle, Solarize, Facet, Fragment...) run at once, as a job, as Find Edges does.
"""
from __future__ import annotations

import math
from dataclasses import fields, replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QWidget

from editor.model import cell_filters as cf, extra_filters as ef, filter_ops
from editor.model import pixel_filters as pf

from .color_range import reduced
from .filter_dialog import FILTER_ROWS, NOTES, FilterDialog
from .qimage import rgba_to_qimage

if TYPE_CHECKING:
    from .window_api import EditorWindow

# Per submenu: the filters in Photoshop's order (the existing ones among them), and the new
# items' texts.
ORDER = {
    "filter_blur": ("average", "blur", "blur_more", "box_blur", "gaussian_blur", "lens_blur",
                    "motion_blur", "radial_blur", "surface_blur"),
    "filter_noise": ("add_noise", "despeckle", "dust_scratches", "median", "reduce_noise"),
    "filter_pixelate": ("color_halftone", "crystallize", "facet", "fragment", "mosaic",
                        "pointillize"),
    "filter_sharpen": ("sharpen", "sharpen_edges", "sharpen_more", "smart_sharpen",
                       "unsharp_mask"),
    "filter_stylize": ("diffuse", "emboss", "find_edges", "oil_paint", "solarize", "tiles",
                       "wind")}
MENU_ITEMS = {
    "average": "&Average", "blur": "Bl&ur", "blur_more": "Blur M&ore",
    "lens_blur": "&Lens Blur…", "radial_blur": "&Radial Blur…", "despeckle": "D&especkle", "reduce_noise": "&Reduce Noise…",
    "color_halftone": "&Color Halftone…", "crystallize": "C&rystallize…", "facet": "&Facet",
    "fragment": "Fra&gment", "pointillize": "&Pointillize…", "sharpen": "&Sharpen",
    "sharpen_edges": "Sharpen &Edges", "sharpen_more": "Sharpen M&ore",
    "smart_sharpen": "S&mart Sharpen…", "diffuse": "&Diffuse…", "oil_paint": "&Oil Paint…",
    "solarize": "&Solarize",
    "tiles": "&Tiles…", "wind": "&Wind…"}


def with_extra_items(menus: tuple, orders: dict = ORDER, texts: dict = MENU_ITEMS) -> tuple:
    """`filter_commands.FILTER_MENUS` with `texts`' items (MENU_ITEMS) put in their submenus
    in `orders` (ORDER; items not in it keep their place after those that are)."""
    out = []
    for menu, text, items in menus:
        order = orders.get(menu, ())
        have = dict(items)
        have.update({k: texts[k] for k in order if k in texts})
        ranked = sorted(have, key=lambda k: order.index(k) if k in order else len(order))
        out.append((menu, text, tuple((k, have[k]) for k in ranked)))
    return tuple(out)


def with_colours(op: pf.Operation, window: "EditorWindow") -> pf.Operation:
    """`op` with the window's Foreground and Background colours where it has such settings
    (Pointillize's background, Tiles' fills)."""
    names = {f.name for f in fields(op)} if hasattr(op, "__dataclass_fields__") else set()
    given = {}
    for name in ("background", "foreground"):
        if name in names:
            colour = QColor(getattr(window, name))
            given[name] = (colour.red(), colour.green(), colour.blue())
    return replace(op, **given) if given else op


ROWS = {
    ef.RadialBlur: [("amount", "Amount", 1, 100, 0, ""),
                    ("choice", "method", "Blur Method", ef.RADIAL_METHODS, ("Spin", "Zoom")),
                    ("choice", "quality", "Quality", ef.RADIAL_QUALITY,
                     ("Draft", "Good", "Best"))],
    ef.LensBlur: [("choice", "sides", "Iris Shape", ef.IRIS_SHAPES,
                   ("Triangle", "Square", "Pentagon", "Hexagon", "Heptagon", "Octagon")),
                  ("radius", "Radius", 0, 100, 0, " px"),
                  ("curvature", "Blade Curvature", 0, 100, 0, ""),
                  ("rotation", "Rotation", 0, 360, 0, "°"),
                  ("brightness", "Specular Brightness", 0, 100, 0, ""),
                  ("threshold", "Specular Threshold", 0, 255, 0, "")],
    ef.SmartSharpen: [("amount", "Amount", 0, 500, 0, " %"),
                      ("radius", "Radius", 0.1, 64, 1, " px"),
                      ("reduce_noise", "Reduce Noise", 0, 100, 0, " %"),
                      ("choice", "remove", "Remove", ef.BLUR_REMOVED,
                       ("Gaussian Blur", "Lens Blur", "Motion Blur")),
                      ("angle", "Angle", -360, 360, 0, "°"),
                      ("shadow_fade", "Shadows Fade Amount", 0, 100, 0, " %"),
                      ("shadow_width", "Shadows Tonal Width", 0, 100, 0, " %"),
                      ("shadow_radius", "Shadows Radius", 1, 100, 0, " px"),
                      ("highlight_fade", "Highlights Fade Amount", 0, 100, 0, " %"),
                      ("highlight_width", "Highlights Tonal Width", 0, 100, 0, " %"),
                      ("highlight_radius", "Highlights Radius", 1, 100, 0, " px")],
    ef.ReduceNoise: [("strength", "Strength", 0, 10, 0, ""),
                     ("preserve", "Preserve Details", 0, 100, 0, " %"),
                     ("color", "Reduce Color Noise", 0, 100, 0, " %"),
                     ("sharpen", "Sharpen Details", 0, 100, 0, " %")],
    ef.Diffuse: [("choice", "mode", "Mode", ef.DIFFUSE_MODES,
                  ("Normal", "Darken Only", "Lighten Only"))],
    ef.Wind: [("choice", "method", "Method", ef.WIND_METHODS, ("Wind", "Blast", "Stagger")),
              ("choice", "direction", "Direction", ef.WIND_FROM,
               ("From the Right", "From the Left"))],
    ef.OilPaint: [("stylization", "Stylization", 0.1, 10, 1, ""),
                  ("cleanliness", "Cleanliness", 0, 10, 1, ""),
                  ("scale", "Scale", 0.1, 10, 1, ""),
                  ("bristle", "Bristle Detail", 0, 10, 1, ""),
                  ("check", "lighting", "Lighting"),
                  ("angle", "Angle", -180, 180, 0, "°"),
                  ("shine", "Shine", 0, 10, 1, "")],
    ef.Tiles: [("number", "Number Of Tiles", 1, 99, 0, ""),
               ("offset", "Maximum Offset", 1, 99, 0, " %"),
               ("choice", "fill", "Fill Empty Area With", ef.TILE_FILLS,
                ("Background Color", "Foreground Color", "Inverse Image", "Unaltered Image"))],
    cf.ColorHalftone: [("radius", "Max. Radius", 4, 127, 0, " px"),
                       ("channel1", "Channel 1", -360, 360, 0, "°"),
                       ("channel2", "Channel 2", -360, 360, 0, "°"),
                       ("channel3", "Channel 3", -360, 360, 0, "°"),
                       ("channel4", "Channel 4", -360, 360, 0, "°")],
    cf.Crystallize: [("cell", "Cell Size", 3, 300, 0, " px")],
    cf.Pointillize: [("cell", "Cell Size", 3, 300, 0, " px")],
}
FILTER_ROWS.update(ROWS)
NOTES.update({
    ef.SmartSharpen: "Reduce Noise leaves detail smaller than a few levels unsharpened; the "
                     "angle is Motion Blur's.",
    ef.ReduceNoise: "Smooths the lightness by an edge-preserving filter and blurs the colour "
                    "noise; Photoshop's own method is not published.",
    ef.LensBlur: "The whole layer is out of focus (no depth map); highlights at or above "
                 "the threshold open into bright shapes of the iris.",
    ef.Tiles: "Background and Foreground are the toolbar's colours.",
    cf.ColorHalftone: "Channels 1-3 are red, green and blue; Channel 4 is used for CMYK "
                      "images only.",
    cf.Pointillize: "The dots lie on the Background colour.",
})


class CentreBox(QWidget):
    """Radial Blur's Blur Center: the box the filter changes (the selection's box or the
    canvas; the layer's pixels there, reduced),
    the blur's pattern drawn about the centre; a click or a drag moves the centre."""

    SIDE = 180

    def __init__(self, dialog: "RadialBlurDialog", target: filter_ops.Target):
        super().__init__()
        self.dialog = dialog
        self.setObjectName("RadialBlurCentre")
        self.setToolTip("Click or drag to place the centre of the blur")
        box = target.region(dialog.operation())
        small, _scale = reduced(target.crop(box), self.SIDE)
        self.image = rgba_to_qimage(small)
        h, w = small.shape[:2]
        k = self.SIDE / max(h, w, 1)
        self.setFixedSize(QSize(max(8, round(w * k)), max(8, round(h * k))))

    def mousePressEvent(self, event) -> None:
        self._place(event.position())

    def mouseMoveEvent(self, event) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._place(event.position())

    def mouseReleaseEvent(self, event) -> None:
        self.dialog.changed()  # the preview after the drag (not at every move)

    def _place(self, p: QPointF) -> None:
        fx = min(1.0, max(0.0, p.x() / max(1, self.width())))
        fy = min(1.0, max(0.0, p.y() / max(1, self.height())))
        self.dialog.form.op = replace(self.dialog.form.op, centre_x=fx, centre_y=fy)
        self.update()

    def paintEvent(self, event) -> None:
        op = self.dialog.operation()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect())
        painter.drawImage(rect, self.image)
        painter.fillRect(rect, QColor(255, 255, 255, 110))
        painter.setPen(QPen(QColor(40, 40, 40), 1))
        c = QPointF(op.centre_x * rect.width(), op.centre_y * rect.height())
        far = 2 * max(rect.width(), rect.height())
        if op.method == "spin":
            for r in range(8, int(far), 12):
                painter.drawEllipse(c, r, r)
        else:
            for i in range(24):
                a = i * math.pi / 12
                painter.drawLine(c, c + QPointF(far * math.cos(a), far * math.sin(a)))
        painter.drawRect(rect.adjusted(0, 0, -1, -1))
        painter.end()


class RadialBlurDialog(FilterDialog):
    """Radial Blur: Amount, Blur Method and Quality, and the Blur Center box."""

    def __init__(self, window: "EditorWindow", target: filter_ops.Target,
                 op: ef.RadialBlur):
        super().__init__(window, target, op)
        self.centre = CentreBox(self, target)
        line = QHBoxLayout()
        line.addWidget(QLabel("Blur Center"))
        line.addWidget(self.centre)
        line.addStretch(1)
        self.body.addLayout(line)

    def changed(self) -> None:
        if hasattr(self, "centre"):
            self.centre.update()  # (the pattern follows the method)
        super().changed()


class SmartSharpenDialog(FilterDialog):
    """Smart Sharpen: Amount, Radius, Reduce Noise, Remove and its angle; the Shadows /
    Highlights check shows their Fade Amount, Tonal Width and Radius (Photoshop's folded
    section)."""

    TONES = ("shadow_fade", "shadow_width", "shadow_radius", "highlight_fade",
             "highlight_width", "highlight_radius")

    def __init__(self, window: "EditorWindow", target: filter_ops.Target,
                 op: ef.SmartSharpen):
        super().__init__(window, target, op)
        self.tones = QCheckBox("Shadows / Highlights")
        self.tones.setObjectName("SmartSharpenTones")
        self.tones.toggled.connect(self._show_tones)
        self.body.insertWidget(1, self.tones)
        self._show_tones(False)

    def _show_tones(self, shown: bool) -> None:
        form = self.form.layout()
        for row, spec in enumerate(FILTER_ROWS[ef.SmartSharpen]):
            if spec[0] in self.TONES:
                form.setRowVisible(row, shown)


DIALOGS = {ef.RadialBlur: RadialBlurDialog, ef.SmartSharpen: SmartSharpenDialog}
