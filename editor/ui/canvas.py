"""The canvas: shows one document, zooms and pans, and hands mouse and keys to the tools.

Drawing never recomposites the layer stack: the model's `Renderer` keeps the
full-resolution composite current box by box (it is asked once per paint,
which Qt already coalesces into one per event-loop turn), a `Pyramid` keeps
power-of-two reductions of it current for the same boxes, and a paint draws
only the exposed rectangle from the level that suits the zoom.

Zoom is in device pixels per image pixel, so 100 % is one image pixel per
screen pixel on high-DPI screens too.

Rotate View (`set_rotation`) turns the whole view about the widget's centre, not the
pixels. The canvas keeps one "view" coordinate space, the widget's before that turn:
`origin`, `image_to_widget`, `widget_rect` and a `CanvasEvent`'s `pos` are in it, so the
tools draw and hit-test as if nothing were turned; `paintEvent` turns the painter (all
but the pasteboard), `_event` turns a mouse position back (`screen_to_view`), and a
repaint of a part of the view repaints the whole widget while turned. At 0 degrees the
two spaces are the same.

Overlays (`set_overlay`) are images drawn over the document inside an image
box: a generation's step previews, candidates waiting to be applied. They are
not layers and not in the history; the document never sees them.

Two views of a layer mask (`mask_display`): the mask alone in grey (Alt+click on
its thumbnail; the renderer draws it instead of the composite) and the rubylith
(backslash; `show_rubylith`), a tint over the composite where the mask hides.
Showing one ends the other.

A Lab document with channels hidden in the Channels panel (one chosen alone, or an eye off)
is shown through a `channel_view.ChannelView` of the composite (one channel in grey).
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Optional

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (QBrush, QColor, QCursor, QImage, QKeyEvent, QMouseEvent, QPainter,
                           QPainterPath, QPen, QPixmap, QPolygonF, QRegion, QTransform,
                           QWheelEvent)
from PySide6.QtWidgets import QApplication, QMenu, QWidget

from engine.box import Box, mask_bounds

from .channel_view import ChannelView
from .pyramid import Pyramid
from .qimage import premultiplied
from .mask_tint import LayerMaskTint, QuickMaskTint
from .tools.color_sampler import paint_samplers
from .tools.path_tools import paint_chosen_path

if TYPE_CHECKING:
    from .session import DocumentSession
    from .tools import ToolManager

ZOOM_PRESETS = (0.01, 0.02, 0.03, 0.04, 0.05, 0.0625, 1 / 12, 0.125, 1 / 6, 0.25, 1 / 3, 0.5,
                2 / 3, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 12.0, 16.0, 24.0, 32.0)
MIN_ZOOM, MAX_ZOOM = 0.01, 32.0
PASTEBOARD = QColor("#18191b")
CHECKER_LIGHT, CHECKER_DARK = QColor("#ffffff"), QColor("#cfcfcf")


def checker_image(side: int) -> QImage:
    """One tile (side x side px) of the transparency checkerboard: two light and two dark
    squares (the canvas's, and the Liquify and Vanishing Point previews')."""
    half = side // 2
    image = QImage(side, side, QImage.Format.Format_RGB32)
    image.fill(CHECKER_LIGHT)
    p = QPainter(image)
    p.fillRect(0, 0, half, half, CHECKER_DARK)
    p.fillRect(half, half, side - half, side - half, CHECKER_DARK)
    p.end()
    return image
CHECKER = 8  # logical pixels per checker square
FIT_MARGIN = 28
# After this long without a change or a redraw, the renderer makes the caches around the
# active layer (`Renderer.prepare`), a unit of the stack per turn of the event loop, so
# that the first move of a drag or a stroke does not wait for them (~0.25-0.45 s on a
# 20-layer 4000x3000 document). Zoomed out, it first makes every layer's stand-in at the
# view's level, from which a drag of a layer whose caches are not made yet starts. Its steps are short (under ~25 ms there: bands of rows,
# memory mapped in pieces), so it can begin soon after a change; a drag that begins
# before it ends finishes what is left.
PREPARE_DELAY_MS = 150
PREPARE_SLICE_S = 0.012
OVERLAY_FRAME = QColor("#5a93e6")


class CanvasEvent:
    """A mouse event as tools see it: widget position (in view coordinates: before Rotate
    View's turn), image position, button, modifiers."""

    __slots__ = ("pos", "image", "button", "modifiers")

    def __init__(self, pos: QPointF, image: QPointF, button: Qt.MouseButton,
                 modifiers: Qt.KeyboardModifier):
        self.pos, self.image, self.button, self.modifiers = pos, image, button, modifiers

    @property
    def shift(self) -> bool:
        return bool(self.modifiers & Qt.KeyboardModifier.ShiftModifier)

    @property
    def alt(self) -> bool:
        return bool(self.modifiers & Qt.KeyboardModifier.AltModifier)


class Overlay:
    """An image shown over the document, scaled into image box `box` (see `set_overlay`)."""

    __slots__ = ("pyramid", "box", "opacity", "frame")

    def __init__(self, pyramid: Pyramid, box: Box, opacity: float, frame: bool):
        self.pyramid, self.box, self.opacity, self.frame = pyramid, box, opacity, frame

    def placement(self) -> QTransform:
        """Overlay image pixels -> image coordinates."""
        sx, sy = self.box.w / self.pyramid.width, self.box.h / self.pyramid.height
        return QTransform(sx, 0, 0, sy, self.box.x, self.box.y)


def overlay_image(image) -> QImage:
    """A QImage for an overlay: a QImage as it is, or an (H, W, 3|4) uint8 array (straight
    alpha; an (H, W) array is gray)."""
    if isinstance(image, QImage):
        return image
    import numpy as np

    array = np.asarray(image)
    if array.dtype != np.uint8 or array.ndim not in (2, 3) or \
            (array.ndim == 3 and array.shape[2] not in (3, 4)):
        raise ValueError("an overlay needs an (H, W), (H, W, 3) or (H, W, 4) uint8 image")
    if array.ndim == 2:
        array = np.repeat(array[..., None], 3, axis=2)
    if array.shape[2] == 4:
        return premultiplied(array)
    array = np.ascontiguousarray(array)
    h, w = array.shape[:2]
    return QImage(array.data, w, h, array.strides[0], QImage.Format.Format_RGB888).copy()


class CanvasView(QWidget):
    viewChanged = Signal()        # zoom or pan changed
    cursorMoved = Signal(object)  # QPointF in image pixels, or None when the mouse left
    maskViewChanged = Signal()    # the rubylith or the mask alone shown or hidden
    settled = Signal()            # a drag's approximate composite is to be made exact

    def __init__(self, session: "DocumentSession", tools: "ToolManager", parent=None):
        super().__init__(parent)
        self.session = session
        self.tools = tools
        self.zoom = 1.0
        self.origin = QPointF(0, 0)     # widget position of image pixel (0, 0)
        self.rotation = 0.0  # Rotate View: degrees, clockwise on screen, about the centre
        self._fitted = True             # follow the window size until the user zooms
        self._fit_cap = 1.0             # the first fit does not enlarge small images
        self._pyramid = Pyramid(session.renderer.composite.array, session.renderer.image)
        self._preview_pyramid = None  # (buffer, Pyramid) over the renderer's preview
        self._channel_view: Optional[ChannelView] = None  # Lab with channels hidden
        self._pan_from: Optional[QPointF] = None
        self._space = False
        self._pressed = False
        self._checker: Optional[QBrush] = None
        self._checker_dpr = 0.0
        self._ant_phase = 0
        self._ants = QTimer(self)
        self._ants.setInterval(160)
        self._ants.timeout.connect(self._march)
        # The renderer's fast path during a drag may be off by 1/255 in places; once the
        # gesture pauses or ends those places are redrawn exactly.
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(250)
        self._settle.timeout.connect(self._settle_now)
        self._prepare = QTimer(self)
        self._prepare.setSingleShot(True)
        self._prepare.setInterval(PREPARE_DELAY_MS)
        self._prepare.timeout.connect(self._prepare_now)
        self._prepare_more = QTimer(self)  # interval 0: between the other events
        self._prepare_more.timeout.connect(self._prepare_step)
        self.paint_count = 0
        self._overlays: dict[str, Overlay] = {}
        self._outline: Optional[QPainterPath] = None  # the selection mask's edge, cached
        # A dialog that shows its own view of the selection (Select and Mask) hides the ants.
        self.selection_outline_shown = True
        self.chrome = None  # rulers, scroll bars, guides (canvas_chrome.CanvasChrome), if any
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setMinimumSize(120, 120)
        doc = session.doc
        doc.region_changed.connect(self._on_region)
        doc.selection_changed.connect(self._on_selection)
        self._on_selection(doc.selection)
        self._quick_tint = QuickMaskTint(doc)  # the Quick Mask paint, tinted
        doc.selection_mask_changed.connect(self._on_mask)
        self.rubylith: Optional[LayerMaskTint] = None  # a layer mask's, when shown (backslash)
        doc.mask_pixels_changed.connect(self._on_mask_pixels)
        doc.node_changed.connect(self._on_node)
        doc.size_changed.connect(self._on_size)
        doc.guides_changed.connect(self.update)  # New Guide, Clear Guides, their undo
        doc.slices_changed.connect(self.update)  # the Slice tools' edits, their undo
        doc.active_changed.connect(self._on_active)
        doc.paths_changed.connect(self._on_paths)  # the chosen path's outline
        doc.path_target_changed.connect(self._on_paths)
        doc.channels_changed.connect(self.update)  # (the Lab channels shown: `sync`)
        doc.color_mode_changed.connect(self.update)
        session.samplers.changed.connect(self.update)

    def close_session(self) -> None:
        doc = self.session.doc
        doc.active_changed.disconnect(self._on_active)
        doc.paths_changed.disconnect(self._on_paths)
        doc.path_target_changed.disconnect(self._on_paths)
        doc.channels_changed.disconnect(self.update)
        doc.color_mode_changed.disconnect(self.update)
        self.session.samplers.changed.disconnect(self.update)
        self._prepare.stop()
        self._prepare_more.stop()
        doc.size_changed.disconnect(self._on_size)
        doc.guides_changed.disconnect(self.update)
        doc.slices_changed.disconnect(self.update)
        doc.region_changed.disconnect(self._on_region)
        doc.selection_changed.disconnect(self._on_selection)
        doc.selection_mask_changed.disconnect(self._on_mask)
        doc.mask_pixels_changed.disconnect(self._on_mask_pixels)
        doc.node_changed.disconnect(self._on_node)
        self._ants.stop()
        self._settle.stop()

    @property
    def doc(self):
        return self.session.doc

    # -- coordinates ---------------------------------------------------------------
    @property
    def scale(self) -> float:
        """Logical widget pixels per image pixel."""
        return self.zoom / self.devicePixelRatioF()

    def image_to_widget(self, p: QPointF) -> QPointF:
        s = self.scale
        return QPointF(self.origin.x() + p.x() * s, self.origin.y() + p.y() * s)

    def widget_to_image(self, p: QPointF) -> QPointF:
        s = self.scale
        return QPointF((p.x() - self.origin.x()) / s, (p.y() - self.origin.y()) / s)

    def image_transform(self) -> QTransform:
        """Maps image coordinates to widget coordinates."""
        s = self.scale
        return QTransform(s, 0, 0, s, self.origin.x(), self.origin.y())

    def widget_rect(self, box: Box) -> QRectF:
        s = self.scale
        return QRectF(self.origin.x() + box.x * s, self.origin.y() + box.y * s, box.w * s, box.h * s)

    def doc_rect(self) -> QRectF:
        return self.widget_rect(self.doc.canvas)

    # -- Rotate View: view coordinates <-> the widget's (screen) coordinates ------------------
    def view_rotation(self) -> QTransform:
        """View coordinates -> widget (screen) coordinates: the turn about the centre."""
        cx, cy = self.width() / 2, self.height() / 2
        return QTransform().translate(cx, cy).rotate(self.rotation).translate(-cx, -cy)

    def screen_to_view(self, p: QPointF) -> QPointF:
        if not self.rotation:
            return QPointF(p)
        return self.view_rotation().inverted()[0].map(QPointF(p))

    def view_to_screen(self, p: QPointF) -> QPointF:
        return self.view_rotation().map(QPointF(p)) if self.rotation else QPointF(p)

    def image_to_screen(self, p: QPointF) -> QPointF:
        """The widget position (as the mouse gives it) that shows image point `p`."""
        return self.view_to_screen(self.image_to_widget(p))

    def screen_to_image(self, p: QPointF) -> QPointF:
        return self.widget_to_image(self.screen_to_view(p))

    def set_rotation(self, degrees: float) -> None:
        """Turns the view (not the pixels) to `degrees` clockwise, about the widget's
        centre: the image point there stays put. Kept in (-180, 180]."""
        degrees = -((-float(degrees) + 180.0) % 360.0 - 180.0)
        if abs(degrees) < 1e-9:
            degrees = 0.0
        if degrees == self.rotation:
            return
        self.rotation = degrees
        self.update()
        self.viewChanged.emit()

    def update(self, *args) -> None:
        # A part of the view is not an upright part of the widget while the view is turned.
        if args and self.rotation:
            args = ()
        super().update(*args)

    def view_center_image(self) -> QPointF:
        """The image point at the centre of the view."""
        return self.widget_to_image(QPointF(self.width() / 2, self.height() / 2))

    # -- zoom and pan --------------------------------------------------------------------
    def set_zoom(self, zoom: float, anchor: Optional[QPointF] = None) -> None:
        """Zooms keeping the image point under `anchor` (widget position; default centre) still."""
        zoom = max(MIN_ZOOM, min(MAX_ZOOM, zoom))
        anchor = anchor if anchor is not None else QPointF(self.width() / 2, self.height() / 2)
        fixed = self.widget_to_image(anchor)
        self.zoom = zoom
        s = self.scale
        self._set_origin(QPointF(anchor.x() - fixed.x() * s, anchor.y() - fixed.y() * s))
        self._fitted = False

    def zoom_in(self, anchor: Optional[QPointF] = None) -> None:
        self.set_zoom(next((z for z in ZOOM_PRESETS if z > self.zoom * 1.001), MAX_ZOOM), anchor)

    def zoom_out(self, anchor: Optional[QPointF] = None) -> None:
        self.set_zoom(next((z for z in reversed(ZOOM_PRESETS) if z < self.zoom / 1.001), MIN_ZOOM),
                      anchor)

    def actual_pixels(self) -> None:
        """100 %: one image pixel per screen pixel, centred on what is in view."""
        self.set_zoom(1.0)

    def fit(self, cap: Optional[float] = None) -> None:
        """Shows the whole canvas (Ctrl+0)."""
        self._fit_cap = cap
        self._fit_now()

    def _fit_now(self) -> None:
        w, h = self.width(), self.height()
        if w <= 1 or h <= 1:
            return
        margin = min(FIT_MARGIN, w // 8, h // 8)
        dpr = self.devicePixelRatioF()
        s = min((w - 2 * margin) / self.doc.width, (h - 2 * margin) / self.doc.height)
        zoom = max(MIN_ZOOM, min(MAX_ZOOM, s * dpr))
        if self._fit_cap is not None:
            zoom = min(zoom, self._fit_cap)
        self.zoom = zoom
        s = self.scale
        self._set_origin(QPointF((w - self.doc.width * s) / 2, (h - self.doc.height * s) / 2))
        self._fitted = True

    def pan_by(self, dx: float, dy: float) -> None:
        self._set_origin(QPointF(self.origin.x() + dx, self.origin.y() + dy))
        self._fitted = False

    def _set_origin(self, origin: QPointF) -> None:
        # Whole device pixels, so that 100 % and the exact pyramid levels stay sharp.
        dpr = self.devicePixelRatioF()
        self.origin = QPointF(round(origin.x() * dpr) / dpr, round(origin.y() * dpr) / dpr)
        self.update()
        self.viewChanged.emit()

    # -- model updates -----------------------------------------------------------------
    def visible_box(self) -> Box:
        """The image box in view (whole pixels, clipped to the canvas)."""
        corners = [self.screen_to_image(QPointF(x, y))
                   for x in (0, self.width()) for y in (0, self.height())]
        xs, ys = [p.x() for p in corners], [p.y() for p in corners]
        box = Box.from_corners(math.floor(min(xs)) - 1, math.floor(min(ys)) - 1,
                               math.ceil(max(xs)) + 1, math.ceil(max(ys)) + 1)
        return box.clip(self.doc.width, self.doc.height)

    def sync(self) -> list[Box]:
        """Brings the composite and its reductions up to date; returns the boxes redrawn.
        The renderer is told what is in view: during a drag it composites only that, at
        the draft level (`Pyramid.draft_level_for`: up to 1.5 device pixels per composited
        pixel; `Renderer.set_view`), and the rest exactly when it settles."""
        renderer = self.session.renderer
        # The draft level: only a drag or a slider's live preview is composited at it;
        # settled pictures are exact at full resolution (shown through `level_for`).
        renderer.set_view(self._pyramid.draft_level_for(self.zoom), self.visible_box())
        boxes = renderer.update()
        for box in boxes:
            self._pyramid.update(box)
        self._sync_channel_view(boxes)
        if renderer.approximate:
            self._settle.start()
        self.wait_to_prepare()
        return boxes

    def _sync_channel_view(self, boxes: list[Box]) -> None:
        """The view of the Lab channels shown (`Document.channels_shown`), made when they
        change and kept current with the composite's redrawn `boxes`; none when all show."""
        doc = self.doc
        shown = doc.channels_shown if doc.color_mode == "lab" else (True, True, True)
        view, source = self._channel_view, self.session.renderer.composite.array
        if all(shown):
            self._channel_view = None
        elif view is None or view.shown != shown or view.source is not source:
            self._channel_view = ChannelView(source, shown)
        else:
            for box in boxes:
                view.update(box)

    def shown_pyramid(self) -> Pyramid:
        """What the canvas shows of the document: the composite, or its channels shown."""
        return self._pyramid if self._channel_view is None else self._channel_view.pyramid

    def _on_active(self, node) -> None:
        """Another layer made active, or the layer's pixels targeted again, ends the view of
        a mask alone (Alt+click on its thumbnail), as in Photoshop; another layer made
        active ends the rubylith (the brush would no longer paint the mask it shows)."""
        renderer = self.session.renderer
        if renderer.mask_view is not None and (node is not renderer.mask_view
                                               or not self.doc.mask_targeted):
            renderer.set_mask_view(None)
            self.update()
        elif renderer.mask_view is not None:  # its other mask targeted (a smart object's
            renderer.set_mask_view(None)       # Smart Filters mask): that one shown alone
            renderer.set_mask_view(node)
            self.update()
        if self.rubylith is not None and node is not self.rubylith.node:
            self.show_rubylith(None)
        if self.doc.path_target is not None:
            self.update()  # the outline of the active layer's vector mask, when chosen
        self.wait_to_prepare()

    def _on_paths(self, *_) -> None:
        self.update()

    # -- the views of a layer mask ---------------------------------------------------------
    def show_mask_alone(self, node) -> None:
        """Shows `node`'s layer mask alone, in grey, instead of the picture (None: the
        picture again); the rubylith goes."""
        if node is not None:
            self.show_rubylith(None)
        renderer = self.session.renderer
        if node is not renderer.mask_view:
            renderer.set_mask_view(node)
            self.maskViewChanged.emit()
        self.update()
        self.wait_to_prepare()

    def show_rubylith(self, node, colour=None, opacity: Optional[float] = None) -> None:
        """Tints the picture where `node`'s layer mask hides (None: no tint); the view of
        the mask alone goes. `colour` (RGB) and `opacity` (0..1): the Mask Options."""
        old = self.rubylith
        if node is None or node.mask is None:
            self.rubylith = None
        else:
            if self.session.renderer.mask_view is not None:
                self.session.renderer.set_mask_view(None)
            if old is not None and old.node is node:
                if colour is not None:
                    old.set_colour(colour, old.opacity if opacity is None else opacity)
            else:
                kw = {} if colour is None else {"colour": colour}
                if opacity is not None:
                    kw["opacity"] = opacity
                self.rubylith = LayerMaskTint(self.doc, node, **kw)
        if old is not None or self.rubylith is not None:
            self.update()
        if old is not self.rubylith:
            self.maskViewChanged.emit()

    def _on_mask_pixels(self, node, box: Box) -> None:
        """A stroke on a layer mask: the rubylith follows it, dab by dab."""
        if self.rubylith is not None and node is self.rubylith.node:
            self.rubylith.refresh(box)
            self.update_image_box(box)

    def _on_node(self, node, attr: str) -> None:
        if attr == "vector_mask" and self.doc.path_target is not None:
            self.update()  # its outline, when its row is chosen in the Paths panel
        rubylith = self.rubylith
        if rubylith is None or node is not rubylith.node or attr not in ("mask", "offset"):
            return
        if node.mask is None:  # deleted or applied: nothing left to show
            self.show_rubylith(None)
            return
        rubylith.follow()
        self.update()

    def wait_to_prepare(self, *_) -> None:
        """(Re)starts the wait before the caches around the layer a drag would move (the
        tool's `prepare_target`: the active layer, or the one under the Move tool's
        Auto-Select) are made."""
        self._prepare_more.stop()
        self._prepare.start()

    def _prepare_now(self) -> None:
        if self._pressed or not self.isVisible():
            return
        if self.session.renderer.prepare(self.tools.current.prepare_target(self)):
            self._prepare_more.start()

    def _prepare_step(self) -> None:
        if self._pressed or not self.session.renderer.prepare_step(PREPARE_SLICE_S):
            self._prepare_more.stop()

    def _settle_now(self) -> None:
        if self._pressed:
            self._settle.start()  # still dragging: later
            return
        self.session.renderer.settle()
        self.update()
        self.settled.emit()

    def update_image_box(self, box: Optional[Box]) -> None:
        """Schedules a repaint of the widget area that shows image box `box`."""
        if box is None:
            self.update()
            return
        self.update(self.widget_rect(box).toAlignedRect().adjusted(-2, -2, 2, 2))

    def _on_region(self, box: Optional[Box], layer) -> None:
        self.update_image_box(box)
        self.wait_to_prepare()

    def _on_selection(self, box: Optional[Box]) -> None:
        if box is not None and self.isVisible():
            self._ants.start()
        elif box is None:
            self._ants.stop()
        self.update()
        self._tell_tools()

    def _tell_tools(self) -> None:
        """The tool's readout (marquee X/Y/W/H, or a painted selection) follows the selection."""
        if self.tools.canvas is self:
            for tool in {self.tools.selected, self.tools.current}:
                if hasattr(tool, "selection_changed"):
                    tool.selection_changed(self.doc.selection)

    def _on_size(self) -> None:
        """The canvas size changed (Image menu): a new composite to show, fitted anew."""
        renderer = self.session.renderer
        renderer.match_size()
        self._pyramid = Pyramid(renderer.composite.array, renderer.image)
        self._quick_tint.refresh(None)
        if self.rubylith is not None:
            self.rubylith.refresh(None)
        self.fit()

    def _on_mask(self, box: Optional[Box]) -> None:
        if getattr(self.tools.current, "paints_selection", False):
            self._quick_tint.refresh(box)  # (Quick Mask's strokes: the dabs' boxes)
        else:
            self._quick_tint.invalidate()  # (not shown: worked out when it is)
        self._outline = None
        if self.doc.selection_mask is not None and self.isVisible():
            self._ants.start()
        self.update_image_box(box)
        if box is None:  # made, replaced or cleared (not a dab of a stroke)
            self._tell_tools()

    def _march(self) -> None:
        box = self.doc.selection
        if box is None and self.doc.selection_mask is not None:
            box = mask_bounds(self.doc.selection_mask)
        if box is None:
            self._ants.stop()
            return
        self._ant_phase = (self._ant_phase + 1) % 8
        r = self.widget_rect(box).toAlignedRect()
        outer = QRegion(r.adjusted(-2, -2, 2, 2))
        self.update(outer.subtracted(QRegion(r.adjusted(2, 2, -2, -2))))

    # -- overlays: previews that are not layers ----------------------------------------
    def set_overlay(self, key: str, image, box: Box, *, opacity: float = 1.0,
                    frame: bool = False) -> None:
        """Shows `image` scaled into image box `box` over the document, until
        `clear_overlay(key)` or another `set_overlay` with the same key.

        `image` is a QImage or a uint8 (H, W, 3|4) array (straight alpha). `frame`
        outlines the box (a job in progress). The document is not changed.
        """
        qimage = overlay_image(image)
        if qimage.isNull() or box.is_empty():
            self.clear_overlay(key)
            return
        old = self._overlays.get(key)
        self._overlays[key] = Overlay(Pyramid.from_qimage(qimage), box, float(opacity), frame)
        self.update_image_box(box if old is None else box.union(old.box))

    def clear_overlay(self, key: Optional[str] = None) -> None:
        """Removes the overlay `key` (None: every overlay)."""
        keys = list(self._overlays) if key is None else [key]
        for k in keys:
            old = self._overlays.pop(k, None)
            if old is not None:
                self.update_image_box(old.box)

    def overlay(self, key: str) -> Optional[Overlay]:
        return self._overlays.get(key)

    def overlays(self) -> dict[str, Overlay]:
        return dict(self._overlays)

    def _paint_overlays(self, painter: QPainter, area: QRectF) -> None:
        for overlay in self._overlays.values():
            self.draw_pyramid(painter, overlay.pyramid, area, overlay.placement(),
                              opacity=overlay.opacity)
        for overlay in self._overlays.values():
            if overlay.frame:
                painter.save()
                painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
                pen = QPen(OVERLAY_FRAME, 1, Qt.PenStyle.DashLine)
                painter.setPen(pen)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(self.widget_rect(overlay.box).adjusted(-0.5, -0.5, 0.5, 0.5))
                painter.restore()

    # -- painting ----------------------------------------------------------------------
    def paintEvent(self, event) -> None:
        tool = self.tools.current
        preview = tool.paints_content(self)
        if not preview:
            self.sync()
        painter = QPainter(self)
        rect = QRectF(event.rect())
        painter.fillRect(rect, PASTEBOARD)
        if self.rotation:  # all the rest is drawn in view coordinates, turned
            turn = self.view_rotation()
            painter.setTransform(turn)
            rect = turn.inverted()[0].mapRect(rect)
        doc_rect = self.doc_rect()
        self._paint_frame(painter, doc_rect)
        area = rect.intersected(doc_rect)
        if not area.isEmpty():
            painter.save()
            painter.setBrushOrigin(self.origin)
            painter.fillRect(area, self._checker_brush())
            painter.restore()
            if preview:
                tool.paint_content(self, painter, area)
            else:
                self._paint_document(painter, area)
            if self.rubylith is not None:
                self.rubylith.paint(self, painter, area)
        if self._overlays:
            self._paint_overlays(painter, rect)
        if not area.isEmpty() and getattr(tool, "paints_selection", False):
            self._quick_tint.paint(self, painter, area)  # the red tint: in Quick Mask only
        if self.chrome is not None:
            self.chrome.paint_under(painter)  # the grid: under the ants, as in Photoshop
        if self.selection_outline_shown and self.view_shows("selection_edges"):
            self._paint_selection(painter)
        if not getattr(tool, "shows_paths", False) and self.view_shows("target_path"):
            paint_chosen_path(self, painter)  # the path tools draw it with its anchors
        paint_samplers(self, painter)  # the colour samplers' targets, whichever the tool
        tool.paint_overlay(self, painter)
        if self.chrome is not None:
            self.chrome.paint(painter)  # the guides: on the image, turned with it
        painter.end()
        self.paint_count += 1

    def view_shows(self, key: str) -> bool:
        """View > Show's `key` and View > Extras (`ViewOptions.shows`); a canvas without the
        View menu's chrome shows everything."""
        return self.chrome is None or self.chrome.options.shows(key)

    def _paint_document(self, painter: QPainter, area: QRectF) -> None:
        """The composite's pyramid, or during a drag the renderer's reduced preview."""
        reduced = self.session.renderer.preview
        if reduced is None:
            self.draw_pyramid(painter, self.shown_pyramid(), area)
            return
        level, buffer = reduced
        if self._preview_pyramid is None or self._preview_pyramid[0] is not buffer:
            self._preview_pyramid = (buffer, Pyramid(buffer.array, buffer.image))
        step = float(2 ** level)
        self.draw_pyramid(painter, self._preview_pyramid[1], area,
                          QTransform.fromScale(step, step))

    def draw_pyramid(self, painter: QPainter, pyramid: Pyramid, area: QRectF,
                     local_to_image: Optional[QTransform] = None, *, smooth: Optional[bool] = None,
                     mode: QPainter.CompositionMode = QPainter.CompositionMode.CompositionMode_SourceOver,
                     opacity: float = 1.0) -> None:
        """Draws `pyramid` (placed by `local_to_image`, default identity) clipped to `area`."""
        extra = 1.0
        if local_to_image is not None:
            extra = math.sqrt(max(abs(local_to_image.determinant()), 1e-12))
        device_scale = self.zoom * extra
        level = pyramid.level_for(device_scale)
        image = pyramid.image(level)
        step = 2 ** level
        transform = QTransform.fromScale(step, step)
        if local_to_image is not None:
            transform = transform * local_to_image
        transform = transform * self.image_transform()
        inverse, ok = transform.inverted()
        if not ok:
            return
        source = inverse.mapRect(area).adjusted(-2, -2, 2, 2).intersected(QRectF(image.rect()))
        if source.isEmpty():
            return
        if smooth is None:
            smooth = device_scale * step < 0.999 or local_to_image is not None \
                or self.rotation % 90 != 0
        painter.save()
        painter.setClipRect(area)
        painter.setTransform(transform, True)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, smooth)
        painter.setCompositionMode(mode)
        painter.setOpacity(opacity)
        painter.drawImage(source, image, source)
        painter.restore()

    def _checker_brush(self) -> QBrush:
        dpr = self.devicePixelRatioF()
        if self._checker is None or self._checker_dpr != dpr:
            pixmap = QPixmap.fromImage(checker_image(round(2 * CHECKER * dpr)))
            pixmap.setDevicePixelRatio(dpr)
            self._checker, self._checker_dpr = QBrush(pixmap), dpr
        return self._checker

    def _paint_frame(self, painter: QPainter, doc_rect: QRectF) -> None:
        painter.save()
        painter.setPen(Qt.PenStyle.NoPen)
        # A soft shadow under the canvas, a little stronger below it.
        for i, alpha in enumerate((70, 40, 22, 10)):
            painter.setBrush(QColor(0, 0, 0, alpha))
            painter.drawRect(doc_rect.adjusted(-i - 1, -i, i + 1, i + 2))
        painter.restore()

    def _paint_selection(self, painter: QPainter) -> None:
        tool = self.tools.current
        doc = self.doc
        outlined = doc.selection_mask is not None and (
            not getattr(tool, "paints_selection", False)
            or getattr(tool, "shows_outline", lambda: False)())
        if outlined:  # a selection of any shape: ants along its edge
            paint_ants_path(painter, self.image_transform().map(self.mask_outline()),
                            self._ant_phase)
        box = tool.shown_selection(self)
        if box is None or (outlined and box == doc.selection):
            return
        paint_ants(painter, self.widget_rect(box), self._ant_phase)

    def mask_outline(self) -> QPainterPath:
        """The selection mask's edge (where it crosses half), in image coordinates; cached."""
        if self._outline is None:
            import cv2

            path = QPainterPath()
            mask = self.doc.selection_mask
            if mask is not None:
                contours, _ = cv2.findContours((mask >= 128).astype(np.uint8), cv2.RETR_LIST,
                                               cv2.CHAIN_APPROX_SIMPLE)
                for contour in contours:
                    points = contour.reshape(-1, 2).astype(np.float64) + 0.5
                    path.addPolygon(QPolygonF([QPointF(x, y) for x, y in points]))
                    path.closeSubpath()
            self._outline = path
        return self._outline

    # -- input ---------------------------------------------------------------------------
    def _event(self, e: QMouseEvent) -> CanvasEvent:
        pos = self.screen_to_view(e.position())
        return CanvasEvent(pos, self.widget_to_image(pos), e.button(), e.modifiers())

    def _pans(self, e: QMouseEvent) -> bool:
        return e.button() == Qt.MouseButton.MiddleButton or (
            e.button() == Qt.MouseButton.LeftButton and (self._space or self.tools.current.pans))

    def mousePressEvent(self, e: QMouseEvent) -> None:
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        if self._pan_from is not None or self._pressed:
            return
        if self._pans(e):
            self._pan_from = e.position()
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
            return
        if e.button() == Qt.MouseButton.LeftButton:
            self._pressed = True
            self.tools.current.press(self, self._event(e))

    def mouseMoveEvent(self, e: QMouseEvent) -> None:
        ev = self._event(e)
        self.cursorMoved.emit(ev.image)
        if self._pan_from is not None:
            # The image follows the hand on screen: the move turned back into the view.
            delta = ev.pos - self.screen_to_view(self._pan_from)
            self._pan_from = e.position()
            self.pan_by(delta.x(), delta.y())
            return
        if self._pressed:
            self.tools.current.move(self, ev)
        else:
            self.tools.current.hover(self, ev)
            self._update_cursor(ev)

    def mouseReleaseEvent(self, e: QMouseEvent) -> None:
        if self._pan_from is not None and e.button() in (Qt.MouseButton.MiddleButton,
                                                         Qt.MouseButton.LeftButton):
            self._pan_from = None
            self._update_cursor(self._event(e))
            return
        if self._pressed and e.button() == Qt.MouseButton.LeftButton:
            self._pressed = False
            self.tools.current.release(self, self._event(e))
            self._update_cursor(self._event(e))

    def mouseDoubleClickEvent(self, e: QMouseEvent) -> None:
        if e.button() == Qt.MouseButton.LeftButton and not self._space and \
                self.tools.current.double_click(self, self._event(e)):
            return
        self.mousePressEvent(e)

    def contextMenuEvent(self, e) -> None:
        """Right-click: the tool's short menu of window actions (`Tool.context_actions`: the
        selection tools' Deselect ... Transform Selection, as in Photoshop), if it has one."""
        names = self.tools.current.context_actions
        if not names or self._pressed:
            super().contextMenuEvent(e)
            return
        window = self.tools.window
        window.update_actions()  # (the menu shows what can be done now)
        menu = QMenu(self)
        for name in names:
            menu.addAction(window.actions[name])
        menu.exec(e.globalPos())

    def wheelEvent(self, e: QWheelEvent) -> None:
        delta = e.angleDelta().y() or e.angleDelta().x()
        if delta == 0:
            delta = e.pixelDelta().y()
        if delta:
            self.set_zoom(self.zoom * 1.25 ** (delta / 120.0), self.screen_to_view(e.position()))
        e.accept()

    def event(self, e) -> bool:
        # A mode (Free Transform) keeps Esc even while the window's Esc cancels a job; a
        # tool keeps the keys it claims (Backspace in a path being drawn).
        if e.type() == QEvent.Type.ShortcutOverride and (
                (e.key() == Qt.Key.Key_Escape and self.tools.mode is not None)
                or self.tools.current.claims_key(self, e)):
            e.accept()
            return True
        if e.type() == QEvent.Type.KeyPress and e.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) \
                and self.tools.current.claims_key(self, e):
            self.keyPressEvent(e)  # (not the focus moving on: text being typed keeps it)
            return True
        return super().event(e)

    def keyPressEvent(self, e: QKeyEvent) -> None:
        # (Space pans, unless the tool takes it: a space typed into text)
        if e.key() == Qt.Key.Key_Space and not self.tools.current.claims_key(self, e):
            if not e.isAutoRepeat() and not self._pressed:
                self._space = True
                self.setCursor(Qt.CursorShape.OpenHandCursor)
            return
        if self.tools.current.key_press(self, e):
            return
        super().keyPressEvent(e)

    def keyReleaseEvent(self, e: QKeyEvent) -> None:
        if e.key() == Qt.Key.Key_Space and not e.isAutoRepeat():
            self._space = False
            self._update_cursor(None)
            return
        super().keyReleaseEvent(e)

    def focusOutEvent(self, e) -> None:
        self._space = False
        super().focusOutEvent(e)

    def enterEvent(self, e) -> None:
        focus = QApplication.focusWidget()
        typing = focus is not None and any(
            focus.inherits(kind) for kind in ("QLineEdit", "QAbstractSpinBox", "QPlainTextEdit"))
        if not typing and self.window().isActiveWindow():
            self.setFocus(Qt.FocusReason.MouseFocusReason)
        super().enterEvent(e)

    def leaveEvent(self, e) -> None:
        self.cursorMoved.emit(None)
        self.tools.current.leave(self)
        super().leaveEvent(e)

    def showEvent(self, e) -> None:
        if self.doc.selection is not None:
            self._ants.start()
        super().showEvent(e)

    def hideEvent(self, e) -> None:
        self._ants.stop()
        super().hideEvent(e)

    def resizeEvent(self, e) -> None:
        if self.chrome is not None:
            self.chrome.layout()
        if self._fitted:
            self._fit_now()
        else:
            old = e.oldSize()
            if old.isValid():
                self._set_origin(QPointF(self.origin.x() + (e.size().width() - old.width()) / 2,
                                         self.origin.y() + (e.size().height() - old.height()) / 2))
        super().resizeEvent(e)

    def _update_cursor(self, ev: Optional[CanvasEvent]) -> None:
        if self._space:
            self.setCursor(Qt.CursorShape.OpenHandCursor)
            return
        if ev is None:
            pos = self.screen_to_view(QPointF(self.mapFromGlobal(QCursor.pos())))
            ev = CanvasEvent(pos, self.widget_to_image(pos), Qt.MouseButton.NoButton,
                             Qt.KeyboardModifier.NoModifier)
        self.setCursor(self.tools.current.cursor_at(self, ev))

    def refresh_cursor(self) -> None:
        self._update_cursor(None)


def paint_ants(painter: QPainter, rect: QRectF, phase: int = 0) -> None:
    """The selection outline: black dashes over white ('marching ants')."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    r = QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(QPen(QColor("#ffffff"), 1))
    painter.drawRect(r)
    pen = QPen(QColor("#000000"), 1, Qt.PenStyle.CustomDashLine)
    pen.setDashPattern([4, 4])
    pen.setDashOffset(phase)
    painter.setPen(pen)
    painter.drawRect(r)
    painter.restore()


def paint_ants_path(painter: QPainter, path: QPainterPath, phase: int = 0) -> None:
    """Marching ants along any outline (a selection mask's edge)."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(QPen(QColor("#ffffff"), 1))
    painter.drawPath(path)
    pen = QPen(QColor("#000000"), 1, Qt.PenStyle.CustomDashLine)
    pen.setDashPattern([4, 4])
    pen.setDashOffset(phase)
    painter.setPen(pen)
    painter.drawPath(path)
    painter.restore()
