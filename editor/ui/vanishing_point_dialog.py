"""Filter > Vanishing Point's dialog: planes in perspective over a copy of the active layer.

As Photoshop's, the dialog fills the window: the tools down the left (Edit Plane V, Create
Plane C, Marquee M, Stamp S), their options along the top (Grid Size, Diameter, Paste),
the picture (the layer over the canvas, fitted to the view) with each plane's grid drawn
blue when it is a sensible perspective, yellow when doubtful, red when it is none
(`vanishing_point.Plane.state`). Create Plane takes four clicked corners (then Edit Plane
is chosen, as in Photoshop); Edit Plane drags a corner or an edge's middle, Delete removes
the plane. Marquee drags a rectangle of a plane (a quad in perspective); dragging inside
it moves the outline, Alt+drag lifts a copy of its pixels that then moves along the plane,
growing and shrinking with it; the copy is put down when another tool is chosen, on a click
outside it, or on OK. Stamp: Alt+click the source, then paint: the source patch is read
through the plane, so it shrinks towards the vanishing point (aligned: the first dab of the
first stroke fixes the offset). Paste (Ctrl+V, or the button) floats the clipboard's image
flat at the top-left, as Photoshop's does: dragged into a plane it takes the plane's
perspective (one pixel a plane unit) and then moves along it; with a marquee made, it goes
straight into the marquee's corner. A paste never dragged into a plane is dropped.
Ctrl+Z takes the last change back inside the dialog. The document is untouched while the
dialog is open: OK hands the picture to `filter_commands` (one undo step), Cancel and Esc
leave nothing.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (QBrush, QColor, QGuiApplication, QImage, QKeySequence, QPainter,
                           QPen, QPolygonF, QShortcut)
from PySide6.QtWidgets import (QButtonGroup, QDialog, QHBoxLayout, QLabel, QPushButton,
                               QSpinBox, QToolButton, QVBoxLayout, QWidget)

from editor.model import filter_ops, vanishing_point as vp
from editor.model.perspective_crop import project
from editor.model.render_nodes import composite_document

from .canvas import checker_image
from .dialogs import ok_cancel
from .qimage import qimage_to_rgba, rgba_to_qimage

if TYPE_CHECKING:
    from .window_api import EditorWindow

# (tool, label, key, tip) in Photoshop's order.
TOOLS = (("edit", "Edit Plane", "V", "Drags a plane's corners and edges; Delete removes it"),
         ("create", "Create Plane", "C", "Click the four corners of a plane seen in perspective"),
         ("marquee", "Marquee", "M",
          "Drag a rectangle in a plane; Alt+drag inside it moves a copy along the plane"),
         ("stamp", "Stamp", "S", "Alt+click the source, then paint: cloned in perspective"))
COLOURS = {"valid": QColor(40, 120, 255), "doubtful": QColor(255, 200, 0),
           "invalid": QColor(230, 30, 30)}
HANDLE = 7            # a corner or edge handle's reach (screen px)
MAX_ZOOM = 8.0        # a small layer is enlarged at most this much
DIAMETER = 50         # the Stamp's Diameter by default (plane units)
HISTORY = 30          # the dialog's own undo: the pictures kept


class VanishingPointView(QWidget):
    """The picture with the planes drawn over it; mouse events go to the dialog in canvas
    points."""

    def __init__(self, dialog: "VanishingPointDialog", size: QSize, zoom: float):
        super().__init__(dialog)
        self.setObjectName("VanishingPointView")
        self.dialog, self.zoom = dialog, zoom
        self.setFixedSize(size)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self._image: Optional[QImage] = None
        self._below: Optional[QImage] = None
        self.pointer: Optional[QPointF] = None

    def changed(self) -> None:
        self._image = None
        self.update()

    def canvas_point(self, pos: QPointF) -> tuple[float, float]:
        return pos.x() / self.zoom, pos.y() / self.zoom

    def widget_point(self, x: float, y: float) -> QPointF:
        return QPointF(x * self.zoom, y * self.zoom)

    def _polygon(self, points) -> QPolygonF:
        return QPolygonF([self.widget_point(float(x), float(y)) for x, y in points])

    def paintEvent(self, event) -> None:
        d = self.dialog
        if self._image is None:
            self._image = rgba_to_qimage(d.shown())
        if self._below is None:
            self._below = rgba_to_qimage(d.below)
        p = QPainter(self)
        p.fillRect(self.rect(), QBrush(checker_image(16)))
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, self.zoom < 1.0)
        whole = QRectF(0, 0, self.width(), self.height())
        p.drawImage(whole, self._below)  # what lies under the layer, then the layer
        p.drawImage(whole, self._image)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        for i, plane in enumerate(d.planes):
            colour = COLOURS[plane.state()]
            p.setPen(QPen(colour, 1))
            if plane.state() != "invalid":
                for a, b in plane.grid_lines():
                    p.drawLine(self.widget_point(*a), self.widget_point(*b))
            p.setPen(QPen(colour, 2))
            p.drawPolygon(self._polygon(plane.quad))
            if i == d.current and d.tool == "edit":
                p.setBrush(QColor(255, 255, 255))
                p.setPen(QPen(QColor(0, 0, 0), 1))
                for x, y in plane.quad + d.edge_middles(plane):
                    c = self.widget_point(x, y)
                    p.drawRect(QRectF(c.x() - 3, c.y() - 3, 6, 6))
                p.setBrush(Qt.BrushStyle.NoBrush)
        if d.pending:
            p.setPen(QPen(COLOURS["valid"], 2))
            pts = [self.widget_point(x, y) for x, y in d.pending]
            if self.pointer is not None and d.tool == "create":
                pts.append(self.pointer)
            for a, b in zip(pts, pts[1:]):
                p.drawLine(a, b)
            for c in pts[:len(d.pending)]:
                p.drawEllipse(c, 3, 3)
        dashed = QPen(QColor(255, 255, 255), 1, Qt.PenStyle.DashLine)
        if d.marquee is not None:
            i, rect = d.marquee
            p.setPen(QPen(QColor(0, 0, 0), 1))
            p.drawPolygon(self._polygon(d.planes[i].rect_quad(rect)))
            p.setPen(dashed)
            p.drawPolygon(self._polygon(d.planes[i].rect_quad(rect)))
        if d.floating is not None:
            p.setPen(QPen(QColor(0, 0, 0), 1))
            p.drawPolygon(self._polygon(d.floating.corners()))
            p.setPen(dashed)
            p.drawPolygon(self._polygon(d.floating.corners()))
        if d.source is not None:
            c = self.widget_point(*d.source)
            p.setPen(QPen(QColor(255, 255, 255), 1))
            p.drawLine(c - QPointF(6, 0), c + QPointF(6, 0))
            p.drawLine(c - QPointF(0, 6), c + QPointF(0, 6))
        if d.tool == "stamp" and self.pointer is not None:  # the brush, as the plane sees it
            ring = d.brush_ring(self.canvas_point(self.pointer))
            if ring is not None:
                p.setPen(QPen(QColor(255, 255, 255), 1))
                p.drawPolygon(self._polygon(ring))
        p.end()

    def mousePressEvent(self, event) -> None:
        self.setFocus()
        if event.button() == Qt.MouseButton.LeftButton:
            alt = bool(event.modifiers() & Qt.KeyboardModifier.AltModifier)
            self.dialog.press(self.canvas_point(event.position()), alt)
        self.pointer = event.position()
        self.update()

    def mouseMoveEvent(self, event) -> None:
        self.pointer = event.position()
        if event.buttons() & Qt.MouseButton.LeftButton:
            self.dialog.move_to(self.canvas_point(event.position()))
        self.update()

    def mouseReleaseEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.dialog.release()
        self.update()

    def leaveEvent(self, event) -> None:
        self.pointer = None
        self.update()


class VanishingPointDialog(QDialog):
    def __init__(self, window: "EditorWindow", target: filter_ops.Target):
        super().__init__(window)
        self.setObjectName("VanishingPointDialog")
        self.setWindowTitle("Vanishing Point")
        self.target = target
        canvas = window.doc.canvas
        # The canvas's part of the layer: what the planes lie on (Photoshop's too).
        self.original = target.crop(canvas)
        self.picture = self.original.copy()
        # What lies under the layer is shown beneath it. On an empty layer (Photoshop's
        # habit of a new layer for the results) the tools also read it: the Stamp and a
        # marquee's copy take the picture as it looks, and only the layer receives them.
        self.below = composite_document(window.doc, below=target.layer)
        self.reads_below = not self.original[..., 3].any()
        self.planes: list[vp.Plane] = []
        self.current: Optional[int] = None          # the chosen plane
        self.pending: list[tuple[float, float]] = []  # Create Plane's corners so far
        self.marquee: Optional[tuple[int, tuple]] = None  # (plane, (u0, v0, u1, v1))
        self.floating: Optional[vp.Floating] = None
        self.source: Optional[tuple[float, float]] = None  # the Stamp's, canvas
        self.offset: Optional[tuple[float, float]] = None  # the Stamp's, plane units
        self.tool = "create"
        self._drag: Optional[dict] = None
        self._undo: list[np.ndarray] = []

        # As Photoshop's, the dialog takes the window's room; the view fits the canvas in.
        room = window.size()
        fit = min((room.width() - 260) / canvas.w, (room.height() - 140) / canvas.h)
        zoom = min(MAX_ZOOM, max(0.05, fit))
        if zoom > 1:
            zoom = float(int(zoom))  # (whole screen pixels per canvas pixel: crisp)
        self.view = VanishingPointView(
            self, QSize(max(1, round(canvas.w * zoom)), max(1, round(canvas.h * zoom))), zoom)
        self.resize(room)

        outer = QVBoxLayout(self)
        options = QHBoxLayout()
        outer.addLayout(options)
        options.addWidget(QLabel("Grid Size:"))
        self.grid = QSpinBox()
        self.grid.setObjectName("VanishingPoint_grid")
        self.grid.setRange(2, 10000)
        self.grid.setValue(vp.GRID_SIZE)
        self.grid.setSuffix(" px")
        self.grid.valueChanged.connect(self._grid_changed)
        options.addWidget(self.grid)
        options.addWidget(QLabel("Diameter:"))
        self.diameter = QSpinBox()
        self.diameter.setObjectName("VanishingPoint_diameter")
        self.diameter.setRange(1, 5000)
        self.diameter.setValue(DIAMETER)
        self.diameter.setSuffix(" px")
        options.addWidget(self.diameter)
        paste = QPushButton("Paste")
        paste.setObjectName("VanishingPoint_paste")
        paste.setToolTip("Floats the clipboard's image in the plane (Ctrl+V)")
        paste.setAutoDefault(False)
        paste.clicked.connect(self.paste)
        options.addWidget(paste)
        self.note = QLabel()
        self.note.setObjectName("VanishingPointNote")
        options.addWidget(self.note, 1)

        middle = QHBoxLayout()
        outer.addLayout(middle, 1)
        strip = QVBoxLayout()
        middle.addLayout(strip)
        self.tools = QButtonGroup(self)
        for i, (tool, label, key, tip) in enumerate(TOOLS):
            button = QToolButton()
            button.setObjectName(f"VanishingPoint_{tool}")
            button.setText(f"{label} ({key})")
            button.setToolTip(tip)
            button.setCheckable(True)
            button.setChecked(tool == self.tool)
            self.tools.addButton(button, i)
            strip.addWidget(button)
            QShortcut(QKeySequence(key), self, activated=button.click)
        self.tools.idClicked.connect(lambda i: self.choose(TOOLS[i][0]))
        strip.addStretch(1)
        middle.addWidget(self.view, 1, Qt.AlignmentFlag.AlignCenter)
        QShortcut(QKeySequence.StandardKey.Paste, self, activated=self.paste)
        QShortcut(QKeySequence.StandardKey.Undo, self, activated=self.undo)
        for key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            QShortcut(QKeySequence(key), self, activated=self.delete_plane)
        outer.addWidget(ok_cancel(self))
        self.say("Create Plane: click the four corners of a plane seen in perspective.")
        self.view.setFocus()

    # -- state ---------------------------------------------------------------------------

    def say(self, text: str) -> None:
        self.note.setText(text)

    def edited(self) -> np.ndarray:
        """The layer's picture with the floating contents drawn in."""
        if self.floating is None:
            return self.picture
        return vp.composite(self.picture, self.floating)

    def shown(self) -> np.ndarray:
        """The layer's picture as the view shows it (drawn over `below`)."""
        return self.edited()

    def sampled(self) -> np.ndarray:
        """What the Stamp and a marquee's copy read: the layer, or on an empty layer the
        picture as it looks."""
        return vp.over(self.picture, self.below) if self.reads_below else self.picture

    def choose(self, tool: str) -> None:
        self.put_down()
        self.tool = tool
        self.tools.button([t[0] for t in TOOLS].index(tool)).setChecked(True)
        self.view.update()

    def _remember(self) -> None:
        self._undo.append(self.picture.copy())
        del self._undo[:-HISTORY]

    def undo(self) -> None:
        """Ctrl+Z in the dialog: floating contents dropped, else the last change taken back."""
        if self.floating is not None:
            self.floating = None
        elif self._undo:
            self.picture = self._undo.pop()
        self.view.changed()

    def put_down(self) -> None:
        """The floating contents drawn into the picture for good (one dialog undo); a
        paste never dragged into a plane is dropped (nothing lands flat)."""
        if self.floating is not None and self.floating.plane is None:
            self.floating = None
            self.view.changed()
        if self.floating is not None:
            self._remember()
            self.picture = self.edited()
            self.floating = None
            self.view.changed()

    def plane_at(self, p) -> Optional[int]:
        """The plane under canvas point `p` (the chosen one first), if a usable one."""
        order = ([self.current] if self.current is not None else []) + \
            [i for i in range(len(self.planes)) if i != self.current]
        return next((i for i in order if self.planes[i].contains(p)), None)

    def edge_middles(self, plane: vp.Plane) -> list:
        q = plane.quad
        return [((q[i][0] + q[(i + 1) % 4][0]) / 2, (q[i][1] + q[(i + 1) % 4][1]) / 2)
                for i in range(4)]

    def brush_ring(self, p) -> Optional[np.ndarray]:
        i = self.plane_at(p)
        if i is None:
            return None
        plane = self.planes[i]
        u, v = plane.plane_point(p)
        r = self.diameter.value() / 2
        t = np.linspace(0, 2 * np.pi, 32, endpoint=False)
        return project(plane.to_canvas(), np.column_stack([u + r * np.cos(t),
                                                              v + r * np.sin(t)]))

    def _grid_changed(self, value: int) -> None:
        if self.current is not None:
            self.planes[self.current].grid = value
            self.view.update()

    def delete_plane(self) -> None:
        if self.tool == "edit" and self.current is not None:
            self.put_down()
            del self.planes[self.current]
            self.current = None
            self.marquee = None
            self.view.update()

    def _near(self, a, b) -> bool:
        return np.hypot(a[0] - b[0], a[1] - b[1]) * self.view.zoom <= HANDLE

    # -- the mouse -----------------------------------------------------------------------

    def press(self, p, alt: bool = False) -> None:
        getattr(self, f"_press_{self.tool}")(p, alt)
        self.view.update()

    def move_to(self, p) -> None:
        if self._drag is not None:
            getattr(self, f"_move_{self._drag['kind']}")(p)
            self.view.update()

    def release(self) -> None:
        self._drag = None

    def _press_create(self, p, alt) -> None:
        self.pending.append(p)
        if len(self.pending) < 4:
            return
        plane = vp.Plane(self.pending, self.grid.value())
        self.pending = []
        self.planes.append(plane)
        self.current = len(self.planes) - 1
        self._say_state(plane)
        self.choose("edit")  # (Photoshop's next tool once a plane is made)

    def _say_state(self, plane: vp.Plane) -> None:
        state = plane.state()
        self.say({"valid": "", "doubtful": "The plane is yellow: its perspective looks "
                  "unlikely; drag its corners to fit the picture.",
                  "invalid": "The plane is red: its corners make no perspective; drag a "
                  "corner so that the edges do not cross."}[state])

    def _press_edit(self, p, alt) -> None:
        order = ([self.current] if self.current is not None else []) + \
            [i for i in range(len(self.planes)) if i != self.current]
        for i in order:
            plane = self.planes[i]
            for k, corner in enumerate(plane.quad):
                if self._near(p, corner):
                    self._pick(i)
                    self._drag = {"kind": "corners", "plane": i, "which": [k], "from": p,
                                  "quad": list(plane.quad)}
                    return
            for k, middle in enumerate(self.edge_middles(plane)):
                if self._near(p, middle):
                    self._pick(i)
                    self._drag = {"kind": "corners", "plane": i, "which": [k, (k + 1) % 4],
                                  "from": p, "quad": list(plane.quad)}
                    return
        i = self.plane_at(p)
        if i is not None:
            self._pick(i)

    def _pick(self, i: int) -> None:
        self.current = i
        self.grid.blockSignals(True)
        self.grid.setValue(self.planes[i].grid)
        self.grid.blockSignals(False)

    def _move_corners(self, p) -> None:
        d = self._drag
        dx, dy = p[0] - d["from"][0], p[1] - d["from"][1]
        plane = self.planes[d["plane"]]
        for k in d["which"]:
            x, y = d["quad"][k]
            plane = plane.moved(k, (x + dx, y + dy))
        self.planes[d["plane"]] = plane
        self.marquee = None  # (a marquee's rectangle belongs to the plane as it was)
        self._say_state(plane)

    def _press_marquee(self, p, alt) -> None:
        f = self.floating
        if f is not None and f.holds(p):  # a drag on the floating contents
            self._drag = {"kind": "floating", "from": f.own_point(p), "offset": f.offset}
            if f.plane is None:  # (which of its pixels is held, should it enter a plane)
                self._drag["grab"] = tuple(vp.project(np.linalg.inv(f.canvas_matrix()), [p])[0])
            return
        if f is not None and f.plane is None:
            return  # (flat pasted contents wait to be dragged into a plane)
        self.put_down()
        if self.marquee is not None:
            i, rect = self.marquee
            plane = self.planes[i]
            u, v = plane.plane_point(p)
            if rect[0] <= u <= rect[2] and rect[1] <= v <= rect[3]:
                if alt:  # a copy of the pixels, moved along the plane
                    try:
                        self.floating = vp.lift(self.sampled(), plane, rect)
                    except ValueError:
                        self.say("The marquee lies beyond the picture: nothing to copy.")
                        return
                    self._drag = {"kind": "floating", "from": (u, v), "offset": (0.0, 0.0)}
                    self.view.changed()
                else:
                    self._drag = {"kind": "outline", "from": (u, v), "rect": rect}
                return
        i = self.plane_at(p)
        self.marquee = None
        if i is None:
            if self.planes:
                self.say("Drag the marquee inside a plane.")
            return
        self._pick(i)
        q = self.planes[i].plane_point(p)
        self._drag = {"kind": "rect", "plane": i, "from": q}

    def _move_rect(self, p) -> None:
        d = self._drag
        plane = self.planes[d["plane"]]
        (u0, v0), (u1, v1) = d["from"], plane.clamp(plane.plane_point(p))
        if abs(u1 - u0) >= 1 and abs(v1 - v0) >= 1:
            self.marquee = (d["plane"], (min(u0, u1), min(v0, v1), max(u0, u1), max(v0, v1)))

    def _move_outline(self, p) -> None:
        d = self._drag
        i, _ = self.marquee
        u, v = self.planes[i].plane_point(p)
        r = d["rect"]
        du, dv = u - d["from"][0], v - d["from"][1]
        self.marquee = (i, (r[0] + du, r[1] + dv, r[2] + du, r[3] + dv))

    def _move_floating(self, p) -> None:
        d, f = self._drag, self.floating
        if f.plane is None:
            i = self.plane_at(p)
            if i is not None:  # dragged into a plane: it takes the plane's perspective
                self._pick(i)
                f.enter(self.planes[i], p, d["grab"])
                d["from"], d["offset"] = f.own_point(p), f.offset
                self.say("")
        u, v = f.own_point(p)
        before = f.offset
        f.offset = (d["offset"][0] + u - d["from"][0], d["offset"][1] + v - d["from"][1])
        try:
            self.view._image = rgba_to_qimage(self.shown())
        except ValueError:  # past the plane's horizon: it stays where it was
            f.offset = before
        self.view.update()

    def _press_stamp(self, p, alt) -> None:
        i = self.plane_at(p)
        if alt:
            if i is None:
                self.say("Alt+click the Stamp's source inside a plane.")
                return
            self.source, self.offset = p, None
            self.say("")
            return
        if self.source is None:
            self.say("Alt+click where the Stamp takes its pixels from first.")
            return
        if i is None:
            self.say("Paint with the Stamp inside a plane.")
            return
        plane = self.planes[i]
        if self.offset is None:  # aligned: the first dab fixes where the source lies
            a, b = plane.plane_point(p), plane.plane_point(self.source)
            self.offset = (a[0] - b[0], a[1] - b[1])
        self._remember()
        self._drag = {"kind": "stamp", "plane": i, "last": p,
                      "source": vp.stroke_source(self.sampled())}
        self._dab(p)

    def _dab(self, p) -> None:
        d = self._drag
        if vp.stamp_dab(self.picture, d["source"], self.planes[d["plane"]], self.offset, p,
                        self.diameter.value()) is not None:
            self.view.changed()

    def _move_stamp(self, p) -> None:
        d = self._drag
        # Dabs a quarter of the brush apart where it is on the canvas (smaller far away).
        ring = self.brush_ring(p)
        size = float(np.ptp(ring[:, 0])) if ring is not None else self.diameter.value()
        for c in vp.stroke_dabs(d["last"], p, max(1.0, size / 4)):
            self._dab(c)
        d["last"] = p

    # -- paste, OK -----------------------------------------------------------------------

    def paste(self) -> None:
        """Edit > Paste in the dialog: the clipboard's image floats in the chosen plane."""
        image = QGuiApplication.clipboard().image()
        if image.isNull():
            self.say("The clipboard holds no image: copy one first.")
            return
        pixels = qimage_to_rgba(image)
        if self.marquee is not None:  # into the marquee, at its corner
            i, rect = self.marquee
            self.put_down()
            self.choose("marquee")
            self.marquee = (i, rect)
            self.floating = vp.pasted(pixels, self.planes[i], rect[:2])
            self.say("Drag the pasted image along the plane.")
        else:  # flat at the top-left, as Photoshop's, until dragged into a plane
            self.put_down()
            self.choose("marquee")
            self.floating = vp.pasted(pixels, None)
            self.say("Drag the pasted image into a plane: it takes the plane's perspective.")
        self.view.changed()

    def accept(self) -> None:
        try:
            self.put_down()
        except ValueError:
            self.floating = None
        super().accept()

    def operation(self) -> vp.VanishingPoint:
        return vp.VanishingPoint(self.picture, self.original)
