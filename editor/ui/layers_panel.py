"""The Layers panel: the layer stack with thumbnails, visibility, lock, names and groups.

Rows are painted by hand (one widget, no item model) so that the stack can
be reordered by dragging a row with the mouse — onto a line between rows, or
onto a group to put it inside — without Qt's drag-and-drop machinery.
Alt+click on the line between two layers clips the upper one to the lower one
(again: releases it), as in Photoshop; with Alt held the cursor says so. Right-click
on a mask thumbnail opens that mask's menu (`mask_menus`). A fill layer's thumbnail is
its colour; double-clicking it opens the colour picker. The
blend-mode box and the opacity slider act on the active layer; a slider drag
is one undo step (one merge key per drag).
"""
from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Optional

import numpy as np
from PySide6.QtCore import QPoint, QPointF, QRect, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import (QColor, QCursor, QFont, QImage, QMouseEvent, QPainter, QPainterPath,
                           QPen, QPixmap)
from PySide6.QtWidgets import (QApplication, QComboBox, QHBoxLayout, QLabel, QLineEdit, QMenu,
                               QScrollArea, QSizePolicy, QSlider, QSpinBox, QToolButton,
                               QVBoxLayout, QWidget)

from editor.model import AdjustmentLayer, FillLayer, Group, Layer, Node, background_layer, mask_ops
from editor.model.adjustments import SolidColor
from editor.model.layers import BLEND_MODE_LABELS, BLEND_MODE_MENU, GROUP_BLEND_MODE_MENU
from editor.model.smart_object import SmartObjectLayer
from editor.model.text_layer import TextLayer

from .gradient_dialog import paint_thumbnail
from .icons import icon, pixmap
from .mask_menus import mask_menu
from .qimage import rgba_to_qimage
from .smart_filter_rows import FilterRow, filter_menu, filter_rows, link_rect, \
    mask_thumb_rect, paint_filter_row

if TYPE_CHECKING:
    from .window_api import EditorWindow
    from .session import DocumentSession

ROW_H = 44
EYE_W = 32
INDENT = 16
ARROW_W = 14
THUMB = 34
LOCK_W = 28
FX_W = 22  # the "fx" mark of a layer with a layer style, left of the lock
LINK_W = 20  # the chain of a linked layer, left of its "fx"
MASK_GAP = 4  # between the layer thumbnail and the mask thumbnail
VECTOR_GREY = 128  # a vector mask's thumbnail outside the path (inside: white)
CLIP_ZONE = 4  # pixels either side of the line between two rows where Alt+click clips
_merge_keys = itertools.count(1)


def layer_rows(root: Group, collapsed: set[int], name_filter: str = "") -> list[tuple[Node, int]]:
    """The rows of the panel, top of the stack first, as (node, depth); a smart object's
    Smart Filters rows (`FilterRow`) follow it. With `name_filter` (Select > Find Layers)
    only the nodes whose name holds it (any case), in closed groups too, as Photoshop's
    filter by name."""
    rows: list[tuple[Node, int]] = []
    wanted = name_filter.casefold()

    def walk(group: Group, depth: int) -> None:
        for child in reversed(group.children):
            if not wanted or wanted in child.name.casefold():
                rows.append((child, depth))
                rows.extend(filter_rows(child, depth))
            if isinstance(child, Group) and (wanted or child.id not in collapsed):
                walk(child, depth + 1)

    walk(root, 0)
    return rows


class LayerList(QWidget):
    """The painted rows; they change the document only through its operations."""

    def __init__(self, panel: "LayersPanel"):
        super().__init__()
        self.panel = panel
        self.rows: list[tuple[Node, int]] = []
        self.collapsed: set[int] = set()
        self.selected: set[int] = set()       # extra rows chosen with Ctrl/Shift (for Group)
        self._thumbs: dict[int, tuple[object, QPixmap]] = {}
        self._vector_thumbs: dict[int, tuple[object, QPixmap]] = {}  # by node id
        self._stale_thumbs: set[int] = set()
        self._press: Optional[tuple[QPointF, Node]] = None
        self._dragging: Optional[Node] = None
        self._drop: Optional[tuple[Group, int, tuple]] = None
        self._hover_row = -1
        self._editor: Optional[QLineEdit] = None
        self._editing: Optional[Node] = None
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._thumb_timer = QTimer(self)
        self._thumb_timer.setSingleShot(True)
        self._thumb_timer.setInterval(250)
        self._thumb_timer.timeout.connect(self._refresh_thumbs)

    @property
    def doc(self):
        session = self.panel.session
        return session.doc if session is not None else None

    # -- content ----------------------------------------------------------------------
    def rebuild(self) -> None:
        doc = self.doc
        self.rows = layer_rows(doc.root, self.collapsed, self.panel.name_filter()) \
            if doc is not None else []
        live = {node.id for node, _ in self.rows}
        # (chosen nodes in closed groups stay chosen: Select > All Layers chooses them)
        self.selected &= {node.id for node in doc.nodes()} if doc is not None else set()
        self._thumbs = {k: v for k, v in self._thumbs.items() if k in live}
        self._vector_thumbs = {k: v for k, v in self._vector_thumbs.items() if k in live}
        self.setFixedHeight(max(ROW_H * len(self.rows), 1))
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(240, max(ROW_H * len(self.rows), 1))

    def row_of(self, node: Node) -> int:
        return next((i for i, (n, _) in enumerate(self.rows) if n is node), -1)

    def row_rect(self, node: Node) -> QRect:
        """The rectangle of `node`'s row (for tests and the rename editor)."""
        i = self.row_of(node)
        return QRect(0, i * ROW_H, self.width(), ROW_H) if i >= 0 else QRect()

    def mask_slots(self, node: Node, depth: int) -> list[tuple[str, int]]:
        """The mask thumbnails right of the layer's, as (kind, left x): the layer mask
        ("mask") first, then the vector mask ("vector"), as Photoshop shows them."""
        x = EYE_W + depth * INDENT + ARROW_W + THUMB + MASK_GAP
        slots = []
        for kind, present in (("mask", node.mask is not None),
                              ("vector", node.vector_mask is not None)):
            if present:
                slots.append((kind, x))
                x += THUMB + MASK_GAP
        return slots

    def mask_thumb_rect(self, node: Node, kind: str) -> QRect:
        """Where `node`'s mask thumbnail of `kind` ("mask", "vector") is (empty: none)."""
        i = self.row_of(node)
        if i < 0:
            return QRect()
        for slot, x in self.mask_slots(node, self.rows[i][1]):
            if slot == kind:
                return QRect(x, i * ROW_H + (ROW_H - THUMB) // 2, THUMB, THUMB)
        return QRect()

    def thumb_rect(self, node: Node) -> QRect:
        """Where `node`'s own thumbnail is (empty: it has no row)."""
        i = self.row_of(node)
        if i < 0:
            return QRect()
        return QRect(EYE_W + self.rows[i][1] * INDENT + ARROW_W,
                     i * ROW_H + (ROW_H - THUMB) // 2, THUMB, THUMB)

    def name_rect(self, node: Node, depth: int, row: int) -> QRect:
        left = EYE_W + depth * INDENT + ARROW_W + THUMB + 10
        left += len(self.mask_slots(node, depth)) * (MASK_GAP + THUMB)
        right = LOCK_W + 4 + (FX_W if node.effects is not None else 0) \
            + (LINK_W if node.link_group else 0)
        return QRect(left, row * ROW_H + 6, max(20, self.width() - left - right), ROW_H - 12)

    def fx_rect(self, node: Node) -> QRect:
        """Where `node`'s "fx" mark is (empty: it has no layer style)."""
        i = self.row_of(node)
        if i < 0 or node.effects is None:
            return QRect()
        return QRect(self.width() - LOCK_W - FX_W, i * ROW_H, FX_W, ROW_H)

    def thumbnail_changed(self, node: Node) -> None:
        self._stale_thumbs.add(node.id)
        if not self._thumb_timer.isActive():
            self._thumb_timer.start()

    def _refresh_thumbs(self) -> None:
        for node_id in self._stale_thumbs:
            self._thumbs.pop(node_id, None)
        self._stale_thumbs.clear()
        self.update()

    def _thumbnail(self, layer: Layer) -> QPixmap:
        key = (id(layer.pixels), layer.x, layer.y, layer.width, layer.height,
               self.doc.width, self.doc.height)
        cached = self._thumbs.get(layer.id)
        if cached is not None and cached[0] == key:
            return cached[1]
        doc = self.doc
        dpr = self.devicePixelRatioF()
        side = THUMB * dpr
        s = side / max(doc.width, doc.height)
        image = QImage(max(1, round(doc.width * s)), max(1, round(doc.height * s)),
                       QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        if not layer.is_empty():
            step = max(1, int(1 / (2 * s)))  # read only about twice the pixels the thumbnail needs
            small = rgba_to_qimage(layer.pixels[::step, ::step])
            p = QPainter(image)
            p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            p.drawImage(QRectF(layer.x * s, layer.y * s, layer.width * s, layer.height * s), small)
            p.end()
        result = QPixmap.fromImage(image)
        result.setDevicePixelRatio(dpr)
        self._thumbs[layer.id] = (key, result)
        return result

    # -- painting --------------------------------------------------------------------------
    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.fillRect(event.rect(), QColor("#26282c"))
        doc = self.doc
        if doc is None:
            return
        dpr = self.devicePixelRatioF()
        first = max(0, event.rect().top() // ROW_H)
        last = min(len(self.rows) - 1, event.rect().bottom() // ROW_H)
        for i in range(first, last + 1):
            node, depth = self.rows[i]
            if isinstance(node, FilterRow):
                rect = QRect(0, i * ROW_H, self.width(), ROW_H)
                paint_filter_row(p, rect, node, depth, EYE_W, INDENT, self.font(), dpr, THUMB)
                mask = node.layer.filter_mask
                if node.index is None and mask is not None:
                    self._paint_mask_thumb(
                        p, mask_thumb_rect(rect, depth, EYE_W, INDENT, THUMB),
                        self._mask_thumbnail(node.layer, "filter_mask"), mask.enabled,
                        node.layer is doc.active and doc.targeted_mask() is mask)
                continue
            self._paint_row(p, i, node, depth, doc, dpr)
        self._paint_drop(p)

    def _paint_row(self, p: QPainter, i: int, node: Node, depth: int, doc, dpr: float) -> None:
        top = i * ROW_H
        rect = QRect(0, top, self.width(), ROW_H)
        if node is doc.active:
            p.fillRect(rect, QColor("#34507a"))
        elif node.id in self.selected:
            p.fillRect(rect, QColor("#2f3d52"))
        elif i == self._hover_row:
            p.fillRect(rect, QColor("#2d3035"))
        p.fillRect(QRect(0, top + ROW_H - 1, self.width(), 1), QColor("#1d1e21"))
        p.fillRect(QRect(EYE_W - 1, top, 1, ROW_H - 1), QColor("#1d1e21"))
        shown = node.is_shown()
        if node.visible:
            p.drawPixmap(QPoint(EYE_W // 2 - 9, top + ROW_H // 2 - 9), pixmap("eye", 18, "#c9ccd2", dpr))
        x = EYE_W + depth * INDENT
        if isinstance(node, Group):
            arrow = "chevron-right" if node.id in self.collapsed else "chevron-down"
            p.drawPixmap(QPoint(x + 1, top + ROW_H // 2 - 7), pixmap(arrow, 14, "#9ca1aa", dpr))
            p.drawPixmap(QPoint(x + ARROW_W + (THUMB - 22) // 2, top + ROW_H // 2 - 11),
                         pixmap("folder", 22, "#c9ccd2" if shown else "#6a6f78", dpr))
        elif isinstance(node, FillLayer):  # its colour, gradient or pattern, as Photoshop's
            rect = QRect(x + ARROW_W, top + (ROW_H - THUMB) // 2, THUMB, THUMB)
            if not isinstance(node.settings, SolidColor):
                paint_thumbnail(p, rect.adjusted(3, 3, -3, -3), node.settings)
                self._paint_swatch(p, rect, None)
            else:
                self._paint_swatch(p, rect, QColor(*node.settings.color))
        elif isinstance(node, TextLayer):  # Photoshop's "T" for a type layer
            rect = QRect(x + ARROW_W, top + (ROW_H - THUMB) // 2, THUMB, THUMB)
            p.fillRect(rect.adjusted(2, 2, -2, -2), QColor("#3a3d43"))
            p.drawPixmap(QPoint(x + ARROW_W + (THUMB - 22) // 2, top + ROW_H // 2 - 11),
                         pixmap("tool-type", 22, "#e8eaed" if shown else "#6a6f78", dpr))
        elif isinstance(node, AdjustmentLayer):  # no pixels: Photoshop's half-filled circle
            p.drawPixmap(QPoint(x + ARROW_W + (THUMB - 22) // 2, top + ROW_H // 2 - 11),
                         pixmap("adjustment", 22, "#c9ccd2" if shown else "#6a6f78", dpr))
        else:
            self._paint_thumb(p, QRect(x + ARROW_W, top + (ROW_H - THUMB) // 2, THUMB, THUMB), node)
        if node.clipping:  # clipped to the layer below: Photoshop's bent arrow
            p.setPen(QPen(QColor("#c9ccd2"), 1.4))
            mid = top + ROW_H // 2
            p.drawLine(x + 4, mid - 6, x + 4, mid + 3)
            p.drawLine(x + 4, mid + 3, x + 11, mid + 3)
            p.drawLine(x + 8, mid, x + 11, mid + 3)
            p.drawLine(x + 8, mid + 6, x + 11, mid + 3)
        for kind, left in self.mask_slots(node, depth):
            rect = QRect(left, top + (ROW_H - THUMB) // 2, THUMB, THUMB)
            if kind == "mask":
                self._paint_mask_thumb(p, rect, self._mask_thumbnail(node), node.mask.enabled,
                                       node is doc.active and doc.targeted_mask() is node.mask)
            else:
                self._paint_mask_thumb(p, rect, self.vector_thumbnail(node),
                                       node.vector_mask.enabled, False)
        name_rect = self.name_rect(node, depth, i)
        detail = _detail(node)
        font = QFont(self.font())
        font.setItalic(node.is_background)  # Photoshop's Background: its name in italics
        p.setFont(font)
        p.setPen(QColor("#e8eaed" if shown else "#7d828b"))
        metrics = p.fontMetrics()
        name = metrics.elidedText(node.name, Qt.TextElideMode.ElideRight, name_rect.width())
        if detail:
            p.drawText(name_rect.adjusted(0, 0, 0, -name_rect.height() // 2),
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, name)
            small = QFont(font)
            small.setPointSizeF(max(6.5, font.pointSizeF() - 1.5))
            p.setFont(small)
            p.setPen(QColor("#8d929b"))
            p.drawText(name_rect.adjusted(0, name_rect.height() // 2 + 1, 0, 0),
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                       p.fontMetrics().elidedText(detail, Qt.TextElideMode.ElideRight, name_rect.width()))
        else:
            p.drawText(name_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, name)
        if node.effects is not None:  # Photoshop's "fx", dimmed while its effects are hidden
            fx = QFont(font)
            fx.setItalic(True)
            p.setFont(fx)
            p.setPen(QColor("#c9ccd2" if node.effects.enabled else "#5d626b"))
            p.drawText(self.fx_rect(node), Qt.AlignmentFlag.AlignCenter, "fx")
        if node.link_group:  # Link Layers: Photoshop's chain, right of the name
            p.drawPixmap(QPoint(self.width() - LOCK_W - (FX_W if node.effects is not None else 0)
                                - LINK_W + 2, top + ROW_H // 2 - 8),
                         pixmap("link", 16, "#c9ccd2", dpr))
        if node.locked or node.locks.any() or node.is_background:
            # (a partial lock: dimmer, as Photoshop's hollow one; the Background's: full)
            p.drawPixmap(QPoint(self.width() - LOCK_W + 5, top + ROW_H // 2 - 8),
                         pixmap("lock", 16, "#c9ccd2" if node.locked or node.is_background
                                else "#8a8f98", dpr))
        elif i == self._hover_row:
            p.drawPixmap(QPoint(self.width() - LOCK_W + 5, top + ROW_H // 2 - 8),
                         pixmap("lock-open", 16, "#5d626b", dpr))

    def _paint_thumb(self, p: QPainter, rect: QRect, layer: Layer) -> None:
        thumb = self._thumbnail(layer)
        size = thumb.deviceIndependentSize()
        w, h = size.width(), size.height()
        target = QRectF(rect.x() + (rect.width() - w) / 2, rect.y() + (rect.height() - h) / 2, w, h)
        # A small checkerboard shows transparency.
        p.save()
        p.setClipRect(target)
        p.fillRect(target, QColor("#ffffff"))
        cell = 4
        y = int(target.top())
        row = 0
        while y < target.bottom():
            x = int(target.left()) + (cell if row % 2 else 0)
            while x < target.right():
                p.fillRect(QRect(x, y, cell, cell), QColor("#d4d4d4"))
                x += 2 * cell
            y += cell
            row += 1
        p.restore()
        p.drawPixmap(target.topLeft(), thumb)
        p.setPen(QPen(QColor("#111214"), 1))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(target.adjusted(-0.5, -0.5, 0.5, 0.5))
        if isinstance(layer, SmartObjectLayer):
            if layer.contents.link is not None:  # a linked smart object: Photoshop's chain
                paint_link_badge(p, rect)
            else:
                paint_smart_badge(p, rect)

    def _paint_swatch(self, p: QPainter, rect: QRect, color: Optional[QColor]) -> None:
        """A fill's thumbnail: `color` (None: what is drawn there already), framed."""
        if color is not None:
            p.fillRect(rect.adjusted(3, 3, -3, -3), color)
        p.setPen(QPen(QColor("#111214"), 1))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(QRectF(rect.adjusted(3, 3, -3, -3)).adjusted(-0.5, -0.5, 0.5, 0.5))

    def _mask_thumbnail(self, node: Node, which: str = "mask") -> QPixmap:
        """`node`'s layer mask's thumbnail (`which` "filter_mask": its Smart Filters')."""
        mask = getattr(node, which)
        key = (which, node.revision, id(mask.pixels), mask.x, mask.y, mask.default,
               self.doc.width, self.doc.height)
        slot = -node.id if which == "mask" else f"{which}:{node.id}"
        cached = self._thumbs.get(slot)
        if cached is not None and cached[0] == key:
            return cached[1]
        doc = self.doc
        result = grey_thumbnail(mask.raw_crop(doc.canvas), doc.width, doc.height,
                                self.devicePixelRatioF())
        self._thumbs[slot] = (key, result)
        return result

    def vector_thumbnail(self, node: Node) -> QPixmap:
        """The vector mask's thumbnail, Photoshop's way: grey, the path's area white;
        filled at thumbnail size from the knots, kept until the path or canvas changes."""
        vector = node.vector_mask
        doc = self.doc
        dpr = self.devicePixelRatioF()
        # Kept by the path's shape and place: a Shift+click (a copy with other flags)
        # fills nothing again.
        key = (vector.offset, vector.inverted, vector.initial_fill, doc.width, doc.height, dpr)
        cached = self._vector_thumbs.get(node.id)
        if cached is not None and cached[0][0] is vector.shape and cached[0][1] == key:
            return cached[1]
        result = path_thumbnail(vector, doc.width, doc.height, THUMB, dpr)
        self._vector_thumbs[node.id] = ((vector.shape, key), result)
        return result

    def _paint_mask_thumb(self, p: QPainter, rect: QRect, thumb: QPixmap, enabled: bool,
                          targeted: bool) -> None:
        """A mask's thumbnail (layer or vector mask) centred in `rect`: a white frame when
        it is the one painted on, a red cross when it is disabled."""
        size = thumb.deviceIndependentSize()
        w, h = size.width(), size.height()
        target = QRectF(rect.x() + (rect.width() - w) / 2, rect.y() + (rect.height() - h) / 2, w, h)
        p.drawPixmap(target.topLeft(), thumb)
        p.setPen(QPen(QColor("#ffffff" if targeted else "#111214"), 2 if targeted else 1))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(target.adjusted(-0.5, -0.5, 0.5, 0.5))
        if not enabled:  # Photoshop's red cross over a disabled mask
            p.setPen(QPen(QColor("#e0413a"), 2))
            p.drawLine(target.topLeft(), target.bottomRight())
            p.drawLine(target.topRight(), target.bottomLeft())

    def _paint_drop(self, p: QPainter) -> None:
        if self._drop is None:
            return
        kind = self._drop[2]
        pen = QPen(QColor("#5a9cf5"), 2)
        p.setPen(pen)
        if kind[0] == "into":
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(QRect(1, kind[1] * ROW_H + 1, self.width() - 3, ROW_H - 3))
        else:
            y = min(max(kind[1], 1), self.height() - 1)
            x = EYE_W + kind[2] * INDENT
            p.drawLine(x, y, self.width() - 4, y)

    # -- mouse -----------------------------------------------------------------------------
    def _row_at(self, y: float) -> int:
        i = int(y // ROW_H)
        return i if 0 <= i < len(self.rows) else -1

    def clip_line_at(self, pos: QPointF) -> Optional[Node]:
        """The upper of two layers whose shared line is under `pos` (within CLIP_ZONE), when
        they are neighbours in one group, so Alt+click can clip it to the lower one."""
        i = round(pos.y() / ROW_H)  # the line between rows i - 1 and i
        if pos.x() < EYE_W or not 0 < i < len(self.rows) or abs(pos.y() - i * ROW_H) > CLIP_ZONE:
            return None
        upper, lower = self.rows[i - 1][0], self.rows[i][0]
        if isinstance(upper, FilterRow) or isinstance(lower, FilterRow):
            return None
        return upper if upper.parent is not None and upper.parent is lower.parent else None

    def _update_clip_cursor(self, pos: QPointF, modifiers) -> None:
        on_line = bool(modifiers & Qt.KeyboardModifier.AltModifier) and self._dragging is None \
            and self.clip_line_at(pos) is not None
        if on_line:
            self.setCursor(clip_cursor())
        elif self._dragging is None:
            self.unsetCursor()

    def keyPressEvent(self, e) -> None:
        if e.key() == Qt.Key.Key_Alt:
            self._update_clip_cursor(QPointF(self.mapFromGlobal(QCursor.pos())), e.modifiers())
        super().keyPressEvent(e)

    def keyReleaseEvent(self, e) -> None:
        if e.key() == Qt.Key.Key_Alt:
            self._update_clip_cursor(QPointF(self.mapFromGlobal(QCursor.pos())), e.modifiers())
        super().keyReleaseEvent(e)

    def mousePressEvent(self, e: QMouseEvent) -> None:
        doc = self.doc
        if doc is not None and e.button() == Qt.MouseButton.LeftButton \
                and e.modifiers() & Qt.KeyboardModifier.AltModifier:
            upper = self.clip_line_at(e.position())
            if upper is not None:  # Alt+click between two layers: clip (or release)
                self.panel.guard(lambda: mask_ops.toggle_clipping(doc, upper))
                self.update()
                return
        i = self._row_at(e.position().y())
        if doc is None or i < 0:
            return
        node, depth = self.rows[i]
        x = e.position().x()
        if isinstance(node, FilterRow):
            self._filter_row_pressed(node, e)
            return
        kind = self.mask_slot_at(node, depth, x)
        if e.button() == Qt.MouseButton.RightButton:
            if kind is not None:  # the mask's own menu, the mask targeted first
                self._mask_thumb_menu(node, kind, e.globalPosition().toPoint())
                return
            if node.id not in self.selected:  # (a chosen row keeps the choice, as Photoshop)
                self._select(node, e.modifiers())
            self.panel.context_menu(e.globalPosition().toPoint())
            return
        if e.button() != Qt.MouseButton.LeftButton:
            return
        if x < EYE_W:
            self.panel.guard(lambda: doc.set_visible(node, not node.visible))
            return
        arrow_x = EYE_W + depth * INDENT
        if isinstance(node, Group) and arrow_x <= x < arrow_x + ARROW_W:
            self.collapsed.symmetric_difference_update({node.id})
            self.rebuild()
            return
        if x >= self.width() - LOCK_W and node.is_background:
            # The Background's lock: Photoshop makes it "Layer 0" at once (no dialog).
            self.panel.guard(lambda: background_layer.layer_from_background(doc))
            return
        if x >= self.width() - LOCK_W:
            # The row's lock: takes every lock off a locked node (Photoshop's click on the
            # lock icon), locks all of an unlocked one.
            self.panel.guard(lambda: doc.unlock_all(node) if node.locked or node.locks.any()
                             else doc.set_locked(node, True))
            return
        thumb_x = EYE_W + depth * INDENT + ARROW_W
        if kind == "mask":
            self._mask_thumb_clicked(node, e.modifiers())
            return
        if kind == "vector":
            self._vector_thumb_clicked(node, e.modifiers())
            return
        if thumb_x <= x < thumb_x + THUMB and node is doc.active:
            doc.set_mask_targeted(False)  # the layer thumbnail targets the pixels again
        if e.modifiers() & Qt.KeyboardModifier.ControlModifier and isinstance(node, Layer) \
                and thumb_x <= x < thumb_x + THUMB:  # Ctrl+click on the thumbnail
            self.panel.main_window.select_commands.layer_pixels(node)
            return
        self._select(node, e.modifiers())
        self._press = (e.position(), node)

    def _filter_row_pressed(self, row: FilterRow, e: QMouseEvent) -> None:
        """A Smart Filters row: its eye shows or hides the filter, a right-click opens its
        menu; either way the smart object becomes the active layer."""
        doc = self.doc
        if row.index is None and row.layer.filter_mask is not None \
                and e.button() == Qt.MouseButton.LeftButton:
            i = self._row_at(e.position().y())
            thumb = mask_thumb_rect(QRect(0, i * ROW_H, self.width(), ROW_H), self.rows[i][1],
                                    EYE_W, INDENT, THUMB)
            if thumb.left() <= e.position().x() < thumb.right() + 1:
                self._mask_thumb_clicked(row.layer, e.modifiers(), "filter_mask")
                return
            chain = link_rect(QRect(0, i * ROW_H, self.width(), ROW_H), self.rows[i][1],
                              EYE_W, INDENT, THUMB)
            if chain.left() <= e.position().x() < chain.right() + 1:  # link / unlink
                self.panel.main_window.filter_commands.toggle_filter_mask_link(row.layer)
                self.update()
                return
        if doc.active is not row.layer:
            self._select(row.layer, Qt.KeyboardModifier.NoModifier)
        if e.button() == Qt.MouseButton.RightButton:
            filter_menu(self, self.panel.main_window, row).exec(e.globalPosition().toPoint())
        elif e.button() == Qt.MouseButton.LeftButton and e.position().x() < EYE_W \
                and row.index is not None:
            self.panel.main_window.filter_commands.toggle_smart_filter(row.layer, row.index)

    def mask_slot_at(self, node: Node, depth: int, x: float) -> Optional[str]:
        """The kind of `node`'s mask thumbnail ("mask", "vector") at `x`, or None."""
        return next((kind for kind, left in self.mask_slots(node, depth)
                     if left <= x < left + THUMB), None)

    def _mask_thumb_menu(self, node: Node, kind: str, pos: QPoint) -> None:
        """Right-click on a mask thumbnail: the node active and the mask targeted, as a click
        does, then the mask's menu (`mask_menus`)."""
        none = Qt.KeyboardModifier.NoModifier
        (self._mask_thumb_clicked if kind == "mask" else self._vector_thumb_clicked)(node, none)
        menu = mask_menu(self.panel.main_window, node, kind, self)
        menu.exec(pos)
        menu.deleteLater()

    def _mask_thumb_clicked(self, node: Node, modifiers, which: str = "mask") -> None:
        """Click: paint on the mask (`which`: the layer mask, or "filter_mask": a smart
        object's Smart Filters mask); Shift+click: disable/enable it; Ctrl+click: load it
        as the selection (Ctrl+Shift: add it, Ctrl+Alt: subtract it, Ctrl+Shift+Alt:
        intersect); Alt+click: show the mask alone on the canvas (again: the image)."""
        doc = self.doc
        if modifiers & Qt.KeyboardModifier.ControlModifier:
            op = selection_op(modifiers)
            self.panel.guard(lambda: mask_ops.mask_to_selection(doc, node, op, which))
        elif modifiers & Qt.KeyboardModifier.AltModifier:
            session = self.panel.session
            shown = session.renderer.mask_view is node and doc.mask_attr(node) == which
            # Targeted first: making another layer active ends the view of a mask alone.
            doc.set_active(node)
            doc.set_mask_targeted(True, which)
            session.canvas.show_mask_alone(None if shown else node)  # the rubylith goes
        elif modifiers & Qt.KeyboardModifier.ShiftModifier:
            self.panel.guard(lambda: mask_ops.set_mask_enabled(
                doc, node, not getattr(node, which).enabled, which))
        else:
            self.selected = set()
            doc.set_active(node)
            doc.set_mask_targeted(True, which)
        self.update()

    def _vector_thumb_clicked(self, node: Node, modifiers) -> None:
        """Shift+click: disable/enable the vector mask; Ctrl+click: load the path's area as
        the selection (with Shift/Alt: combined, as a layer mask's); a click makes its layer
        active (on its pixels: Layered has no path tools to edit the path with)."""
        doc = self.doc
        if modifiers & Qt.KeyboardModifier.ControlModifier:
            op = selection_op(modifiers)
            self.panel.guard(lambda: mask_ops.vector_mask_to_selection(doc, node, op))
        elif modifiers & Qt.KeyboardModifier.ShiftModifier:
            self.panel.guard(lambda: mask_ops.set_vector_mask_enabled(
                doc, node, not node.vector_mask.enabled))
        else:
            self.selected = set()
            doc.set_active(node)
            doc.set_mask_targeted(False)
        self.update()

    def _select(self, node: Node, modifiers) -> None:
        doc = self.doc
        if modifiers & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier):
            if modifiers & Qt.KeyboardModifier.ShiftModifier and doc.active is not None:
                a, b = self.row_of(doc.active), self.row_of(node)
                lo, hi = min(a, b), max(a, b)
                self.selected |= {self.rows[k][0].id for k in range(lo, hi + 1)}
            elif node.id in self.selected and node is not doc.active:
                self.selected.discard(node.id)
                self.update()
                self.panel.main_window.update_actions()  # (Merge Down / Merge Layers)
                return
            else:
                self.selected.add(node.id)
                if doc.active is not None:
                    self.selected.add(doc.active.id)
        else:
            self.selected = set()
        doc.set_active(node)
        self.update()

    def mouseMoveEvent(self, e: QMouseEvent) -> None:
        pos = e.position()
        if self._press is not None and self._dragging is None:
            if (pos - self._press[0]).manhattanLength() >= QApplication.startDragDistance():
                self._dragging = self._press[1]
                self.setCursor(Qt.CursorShape.ClosedHandCursor)
        if self._dragging is not None:
            self._drop = self._drop_target(pos.y())
            self.update()
            return
        self._update_clip_cursor(pos, e.modifiers())
        row = self._row_at(pos.y())
        if row != self._hover_row:
            self._hover_row = row
            self.update()

    def mouseReleaseEvent(self, e: QMouseEvent) -> None:
        dragged, drop = self._dragging, self._drop
        self._press = self._dragging = self._drop = None
        self.unsetCursor()
        self.update()
        if dragged is None or drop is None:
            return
        parent, index, _ = drop
        if dragged.parent is parent and dragged.index() < index:
            index -= 1  # the index it will have once it has left its old place
        if dragged.parent is parent and dragged.index() == index:
            return
        doc = self.doc
        self.panel.guard(lambda: doc.reorder(dragged, parent, index))

    def leaveEvent(self, e) -> None:
        self._hover_row = -1
        self.unsetCursor()
        self.update()

    def _drop_target(self, y: float) -> Optional[tuple[Group, int, tuple]]:
        """Where a row dropped at `y` goes: (parent, index before removal, indicator)."""
        doc = self.doc
        dragged = self._dragging
        if not self.rows:
            return doc.root, 0, ("line", 0, 0)
        i = int(y // ROW_H)
        if i >= len(self.rows):
            target = (doc.root, 0, ("line", len(self.rows) * ROW_H, 0))
        elif i < 0:
            target = (doc.root, len(doc.root.children), ("line", 0, 0))
        else:
            node, depth = self.rows[i]
            if isinstance(node, FilterRow):  # (below its smart object: after it)
                node, depth = node.layer, depth - 1
            frac = (y - i * ROW_H) / ROW_H
            if isinstance(node, Group) and 0.25 <= frac <= 0.75:
                target = (node, len(node.children), ("into", i))
            elif frac < 0.5:
                target = (node.parent, node.index() + 1, ("line", i * ROW_H, depth))
            elif isinstance(node, Group) and node.id not in self.collapsed and node.children:
                target = (node, len(node.children), ("line", (i + 1) * ROW_H, depth + 1))
            else:
                target = (node.parent, node.index(), ("line", (i + 1) * ROW_H, depth))
        parent = target[0]
        if parent is dragged or (isinstance(dragged, Group) and dragged in list(parent.ancestors())):
            return None  # a group cannot go inside itself
        return target

    def mouseDoubleClickEvent(self, e: QMouseEvent) -> None:
        i = self._row_at(e.position().y())
        if i < 0 or e.position().x() < EYE_W:
            return
        node, depth = self.rows[i]
        if isinstance(node, FilterRow):  # a smart filter's row: its dialog, its settings
            if node.index is not None:
                self.panel.main_window.filter_commands.edit_smart_filter(node.layer, node.index)
            return
        point = e.position().toPoint()
        if node.is_background:  # Photoshop's: a double-click makes it a layer (Layer 0)
            self.panel.main_window.background_commands.layer_from_background()
            return
        style = self.panel.main_window.style_commands
        if self.fx_rect(node).contains(point):  # Photoshop's: the fx mark opens Layer Style
            style.edit(node)
            return
        if self.name_rect(node, depth, i).contains(point):
            self.start_rename(node)
            return
        thumb_x = EYE_W + depth * INDENT + ARROW_W
        if thumb_x <= e.position().x() < thumb_x + THUMB:
            if isinstance(node, FillLayer):
                # A fill layer's thumbnail: its colour picker or Gradient Fill dialog.
                self.panel.main_window.adjustment_commands.edit_fill(node)
            elif isinstance(node, TextLayer):  # a type layer's: its text, to edit (Photoshop's)
                self.panel.main_window.tools.tools["type"].edit_layer(node)
            elif isinstance(node, SmartObjectLayer):  # a smart object's: Edit Contents
                self.panel.main_window.smart_object_commands.edit_contents(node)
            else:  # a layer's thumbnail, as in Photoshop: the Layer Style dialog
                style.edit(node)

    # -- renaming ------------------------------------------------------------------------------
    def start_rename(self, node: Node) -> None:
        i = self.row_of(node)
        if i < 0:
            return
        self.finish_rename(commit=False)
        editor = QLineEdit(node.name, self)
        editor.setObjectName("RenameEditor")
        editor.setGeometry(self.name_rect(node, self.rows[i][1], i).adjusted(-4, 4, 0, -4))
        editor.selectAll()
        editor.returnPressed.connect(lambda: self.finish_rename(commit=True))
        editor.editingFinished.connect(lambda: self.finish_rename(commit=True))
        editor.installEventFilter(self)
        self._editor, self._editing = editor, node
        editor.show()
        editor.setFocus()

    def finish_rename(self, commit: bool) -> None:
        editor, node = self._editor, self._editing
        if editor is None:
            return
        self._editor = self._editing = None
        text = editor.text()
        editor.hide()
        editor.deleteLater()
        doc = self.doc
        if commit and doc is not None and doc.contains(node) and text.strip() != node.name:
            self.panel.guard(lambda: doc.rename(node, text))

    def eventFilter(self, obj, event) -> bool:
        if obj is self._editor and event.type() == event.Type.KeyPress \
                and event.key() == Qt.Key.Key_Escape:
            self.finish_rename(commit=False)
            return True
        return super().eventFilter(obj, event)


def path_thumbnail(vector, width: int, height: int, side: int, dpr: float) -> QPixmap:
    """A path's thumbnail, Photoshop's way: a picture of the canvas (`width` x `height`)
    at most `side` logical pixels a side, grey, the path's area white; filled at that size
    from the knots (the Layers panel's vector masks, the Paths panel's rows)."""
    s = side * dpr / max(width, height)
    coverage = vector.thumbnail(max(1, round(width * s)), max(1, round(height * s)), s)
    grey = VECTOR_GREY + ((255 - VECTOR_GREY) * coverage.astype(np.uint16) + 127) // 255
    values = np.ascontiguousarray(grey.astype(np.uint8))
    image = QImage(values.data, values.shape[1], values.shape[0], values.strides[0],
                   QImage.Format.Format_Grayscale8).copy()
    result = QPixmap.fromImage(image)
    result.setDevicePixelRatio(dpr)
    return result


def grey_thumbnail(values: np.ndarray, width: int, height: int, dpr: float) -> QPixmap:
    """A canvas-sized plane of values (a layer mask, a channel) as a grey thumbnail of
    THUMB px on its long side; reads only about twice the pixels it needs."""
    s = THUMB * dpr / max(width, height)
    w, h = max(1, round(width * s)), max(1, round(height * s))
    step = max(1, int(1 / (2 * s)))
    values = np.ascontiguousarray(values[::step, ::step])
    grey = QImage(values.data, values.shape[1], values.shape[0], values.strides[0],
                  QImage.Format.Format_Grayscale8).scaled(
        w, h, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation)
    result = QPixmap.fromImage(grey)
    result.setDevicePixelRatio(dpr)
    return result


def selection_op(modifiers) -> str:
    """How Ctrl+click on a thumbnail combines with the selection, Photoshop's keys: Shift
    adds, Alt subtracts, both intersect."""
    shift = bool(modifiers & Qt.KeyboardModifier.ShiftModifier)
    alt = bool(modifiers & Qt.KeyboardModifier.AltModifier)
    return {(False, False): "replace", (True, False): "add", (False, True): "subtract",
            (True, True): "intersect"}[shift, alt]


_clip_cursor: Optional[QCursor] = None


def clip_cursor() -> QCursor:
    """The cursor over the line between two layers with Alt held: the clipping mask's bent
    arrow beside two stacked layers (Photoshop's)."""
    global _clip_cursor
    if _clip_cursor is None:
        pm = QPixmap(24, 24)
        pm.fill(Qt.GlobalColor.transparent)
        p = QPainter(pm)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        arrow = QPainterPath()
        arrow.moveTo(5, 3)
        arrow.lineTo(5, 14)
        arrow.lineTo(14, 14)
        arrow.moveTo(10, 10)
        arrow.lineTo(14, 14)
        arrow.lineTo(10, 18)
        for width, colour in ((4.0, "#000000"), (1.8, "#ffffff")):
            p.setPen(QPen(QColor(colour), width))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawPath(arrow)
            p.drawRect(QRectF(16, 6, 6, 5))
            p.drawRect(QRectF(16, 14, 6, 5))
        p.end()
        _clip_cursor = QCursor(pm, 12, 12)
    return _clip_cursor


def _detail(node: Node) -> str:
    """The small second line of a row: blend mode, opacity, where it came from."""
    parts = []
    default_mode = "pass_through" if isinstance(node, Group) else "normal"
    artboard = getattr(node, "artboard", None)
    if artboard is not None:  # Photoshop's artboard: a group marked with its size
        parts.append(f"Artboard {artboard.box.w}×{artboard.box.h}")
    if node.blend_mode != default_mode:
        parts.append(BLEND_MODE_LABELS.get(node.blend_mode, node.blend_mode))
    if node.opacity != 255:
        parts.append(f"{round(node.opacity * 100 / 255)} %")
    if node.fill_opacity != 255:
        parts.append(f"Fill {round(node.fill_opacity * 100 / 255)} %")
    if isinstance(node, Layer):
        if node.recipe:
            parts.append(f"generated · {node.recipe.get('method', '')}".rstrip(" ·"))
        elif node.source_kind:
            parts.append(f"from {node.source_kind}")
    return "  ·  ".join(parts)


class LayersPanel(QWidget):
    def __init__(self, window: "EditorWindow"):
        super().__init__()
        self.setObjectName("DockBody")
        self.main_window = window
        self.session: Optional["DocumentSession"] = None
        self._new_layer_menu: Optional[QMenu] = None
        self._slider_key = None
        self._updating = False

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)

        controls = QWidget()
        grid = QVBoxLayout(controls)
        grid.setContentsMargins(8, 8, 8, 8)
        grid.setSpacing(6)
        # Photoshop's filter by name (Select > Find Layers focuses it): only the layers
        # whose name holds the text are listed. Beside the blend mode, not a row of its
        # own, so the panel's least height stays what it was.
        self.filter_field = QLineEdit()
        self.filter_field.setObjectName("LayerFilter")
        self.filter_field.setPlaceholderText("Find layers")
        self.filter_field.setClearButtonEnabled(True)
        self.filter_field.setToolTip("Show only the layers whose name contains this text "
                                     "(Select > Find Layers, Alt+Shift+Ctrl+F)")
        self.filter_field.textChanged.connect(lambda _: self._rebuild())
        top = QHBoxLayout()
        self.blend = QComboBox()
        self.blend.setToolTip("Blend mode of the active layer")
        self.blend.setObjectName("BlendMode")
        self.blend.activated.connect(self._blend_chosen)
        top.addWidget(self.blend, 3)
        top.addWidget(self.filter_field, 2)
        grid.addLayout(top)
        bottom = QHBoxLayout()
        label = QLabel("Opacity")
        label.setObjectName("Dim")
        bottom.addWidget(label)
        self.opacity = QSlider(Qt.Orientation.Horizontal)
        self.opacity.setObjectName("Opacity")
        self.opacity.setRange(0, 100)
        self.opacity.sliderPressed.connect(self._slider_pressed)
        self.opacity.sliderReleased.connect(self._slider_released)
        self.opacity.valueChanged.connect(self._opacity_changed)
        bottom.addWidget(self.opacity, 1)
        self.opacity_spin = QSpinBox()
        self.opacity_spin.setRange(0, 100)
        self.opacity_spin.setSuffix(" %")
        self.opacity_spin.setFixedWidth(62)
        self.opacity_spin.setKeyboardTracking(False)
        self.opacity_spin.valueChanged.connect(self._opacity_typed)
        bottom.addWidget(self.opacity_spin)
        grid.addLayout(bottom)
        # Photoshop's Fill: fades the layer's own pixels but not its effects.
        fill_row = QHBoxLayout()
        label = QLabel("Fill")
        label.setObjectName("Dim")
        fill_row.addWidget(label)
        self.fill = QSlider(Qt.Orientation.Horizontal)
        self.fill.setObjectName("Fill")
        self.fill.setToolTip("Fill opacity: fades the layer's pixels, not its effects")
        self.fill.setRange(0, 100)
        self.fill.sliderPressed.connect(self._slider_pressed)
        self.fill.sliderReleased.connect(self._slider_released)
        self.fill.valueChanged.connect(self._fill_changed)
        fill_row.addWidget(self.fill, 1)
        self.fill_spin = QSpinBox()
        self.fill_spin.setObjectName("FillSpin")
        self.fill_spin.setRange(0, 100)
        self.fill_spin.setSuffix(" %")
        self.fill_spin.setFixedWidth(62)
        self.fill_spin.setKeyboardTracking(False)
        self.fill_spin.valueChanged.connect(self._fill_typed)
        fill_row.addWidget(self.fill_spin)
        grid.addLayout(fill_row)
        # Photoshop's lock buttons for the active node: transparent pixels, image pixels,
        # position, all.
        lock_row = QHBoxLayout()
        lock_row.setSpacing(2)
        label = QLabel("Lock")
        label.setObjectName("Dim")
        lock_row.addWidget(label)
        lock_row.addSpacing(6)
        self.lock_buttons: dict[str, QToolButton] = {}
        for kind, name, tip in (("transparency", "lock-transparency", "Lock transparent pixels (/)"),
                                ("pixels", "tool-brush", "Lock image pixels"),
                                ("position", "tool-move", "Lock position"),
                                ("all", "lock", "Lock all (Ctrl+/)")):
            button = QToolButton()
            button.setCheckable(True)
            button.setIcon(icon(name))
            button.setIconSize(QSize(16, 16))
            button.setToolTip(tip)
            button.setObjectName(f"Lock_{kind}")
            button.clicked.connect(lambda on, k=kind: self._lock_clicked(k, on))
            lock_row.addWidget(button)
            self.lock_buttons[kind] = button
        lock_row.addStretch(1)
        grid.addLayout(lock_row)
        layout.addWidget(controls)

        self.list = LayerList(self)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.list)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setStyleSheet("QScrollArea { border-top: 1px solid #1a1b1e; border-bottom: 1px solid #1a1b1e; }")
        self.scroll = scroll
        layout.addWidget(scroll, 1)

        buttons = QHBoxLayout()
        buttons.setContentsMargins(6, 4, 6, 4)
        buttons.addStretch(1)
        for name, action, tip in (("layer-group", "group", "Group layers (Ctrl+G)"),
                                  ("merge-down", "merge_down", "Merge down (Ctrl+E)"),
                                  ("layer-duplicate", "duplicate", "Duplicate layer"),
                                  ("layer-new", "new_layer", "New layer (Shift+Ctrl+N)"),
                                  ("layer-delete", "delete_layer", "Delete layer")):
            button = QToolButton()
            button.setIcon(icon(name))
            button.setIconSize(QSize(18, 18))
            button.setToolTip(tip)
            button.setObjectName(f"LayerButton_{action}")
            button.clicked.connect(lambda _=False, a=action: self.main_window.trigger(a))
            buttons.addWidget(button)
        mask_button = QToolButton()  # Add layer mask (Alt+click: Hide All)
        mask_button.setIcon(icon("layer-mask"))
        mask_button.setIconSize(QSize(18, 18))
        mask_button.setToolTip("Add layer mask (from the selection if there is one; "
                               "Alt+click: Hide All)")
        mask_button.setObjectName("LayerButton_mask")
        mask_button.clicked.connect(self._add_mask_clicked)
        buttons.insertWidget(buttons.count() - 2, mask_button)
        # New Fill or Adjustment Layer: the Layer menu's two submenus in one menu.
        adjust_button = QToolButton()
        adjust_button.setIcon(icon("adjustment"))
        adjust_button.setIconSize(QSize(18, 18))
        adjust_button.setToolTip("New fill or adjustment layer")
        adjust_button.setObjectName("LayerButton_adjustment")
        adjust_button.clicked.connect(lambda: self.new_layer_menu().exec(
            adjust_button.mapToGlobal(adjust_button.rect().bottomLeft())))
        buttons.insertWidget(buttons.count() - 2, adjust_button)
        layout.addLayout(buttons)

        self._rebuild_timer = QTimer(self)
        self._rebuild_timer.setSingleShot(True)
        self._rebuild_timer.setInterval(0)
        self._rebuild_timer.timeout.connect(self._rebuild)
        self.set_session(None)

    def new_layer_menu(self) -> QMenu:
        """The adjustment button's menu: the fill kinds, then the adjustment kinds (the
        Layer menu's actions, so their rules and shortcuts hold)."""
        menus = self.main_window.menus
        if self._new_layer_menu is None:
            menu = self._new_layer_menu = QMenu(self)
            menu.setObjectName("NewFillOrAdjustmentMenu")
            menu.addActions(menus["new_fill"].actions())
            menu.addSeparator()
            menu.addActions(menus["new_adjustment"].actions())
        return self._new_layer_menu

    # -- binding to a document ------------------------------------------------------------
    def set_session(self, session: Optional["DocumentSession"]) -> None:
        old = self.session
        if old is not None:
            old.doc.structure_changed.disconnect(self._schedule)
            old.doc.node_changed.disconnect(self._node_changed)
            old.doc.active_changed.disconnect(self._active_changed)
        self.list.finish_rename(commit=False)
        self.session = session
        self.list.collapsed = set()
        self.list.selected = set()
        if session is not None:
            doc = session.doc
            self.list.collapsed = {n.id for n in doc.nodes() if isinstance(n, Group) and not n.expanded}
            doc.structure_changed.connect(self._schedule)
            doc.node_changed.connect(self._node_changed)
            doc.active_changed.connect(self._active_changed)
        self._rebuild()

    def _schedule(self) -> None:
        if not self._rebuild_timer.isActive():
            self._rebuild_timer.start()

    def _add_mask_clicked(self) -> None:
        doc = self.session.doc if self.session is not None else None
        if doc is None:
            return
        alt = bool(QApplication.keyboardModifiers() & Qt.KeyboardModifier.AltModifier)
        selected = doc.selection is not None or doc.selection_mask is not None
        mode = ("hide_selection" if selected else "hide_all") if alt else \
            ("reveal_selection" if selected else "reveal_all")
        self.main_window.trigger(f"mask_{mode}")

    def _rebuild(self) -> None:
        self.list.rebuild()
        self._update_controls()

    def _node_changed(self, node: Node, attr: str) -> None:
        if attr == "filters":  # a smart object's Smart Filters rows: at once (their indices)
            self._rebuild()
            return
        if attr in ("pixels", "offset"):
            self.list.thumbnail_changed(node)
            return
        if attr == "mask_pixels":  # a mask stroke: its thumbnail, later
            self.list.thumbnail_changed(node)
            return
        self.list.update()
        if self.session is not None and node is self.session.doc.active:
            self._update_controls()

    def _active_changed(self, node) -> None:
        self._update_controls()
        self.list.update()
        i = self.list.row_of(node) if node is not None else -1
        if i >= 0:
            self.scroll.ensureVisible(0, i * ROW_H + ROW_H // 2, 0, ROW_H)

    def name_filter(self) -> str:
        """The filter row's text (Find Layers): the rows show only names holding it."""
        return self.filter_field.text().strip()

    def find_layers(self) -> None:
        """Select > Find Layers: the filter row, focused with its text chosen."""
        self.filter_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_field.selectAll()

    def choose(self, nodes: list[Node]) -> None:
        """Chooses `nodes` (Select > All Layers; [] with no active node: Deselect Layers),
        as a Ctrl+click on each would."""
        doc = self.session.doc if self.session is not None else None
        if doc is None:
            return
        self.list.selected = {n.id for n in nodes}
        if not nodes:
            doc.set_active(None)
        elif doc.active not in nodes:
            doc.set_active(nodes[-1])
        self.list.update()
        self.main_window.update_actions()

    def selected_nodes(self) -> list[Node]:
        """The rows chosen for grouping: the Ctrl/Shift selection, or the active node."""
        doc = self.session.doc if self.session is not None else None
        if doc is None:
            return []
        nodes = [n for n, _ in self.list.rows if n.id in self.list.selected]
        shown = {n.id for n in nodes}
        nodes += [n for n in doc.nodes() if n.id in self.list.selected and n.id not in shown]
        if doc.active is not None and doc.active not in nodes:
            nodes.append(doc.active)
        return nodes

    # -- controls for the active node -----------------------------------------------------
    def _update_controls(self) -> None:
        node = self.session.doc.active if self.session is not None else None
        self._updating = True
        try:
            enabled = node is not None
            # The Background has no mode, opacity nor Fill of its own (Photoshop greys them).
            background = node is not None and node.is_background
            for w in (self.blend, self.opacity, self.opacity_spin, self.fill, self.fill_spin):
                w.setEnabled(enabled and not background)
            for kind, button in self.lock_buttons.items():
                # Under Lock All the partial locks show checked and cannot be changed, as in
                # Photoshop; so do the Background's transparency and position locks.
                all_locked = node is not None and node.locked
                held = background and kind in ("transparency", "position")
                button.setEnabled(enabled and (kind == "all" or not all_locked) and not held)
                button.setChecked(node is not None and (
                    node.locked if kind == "all" else all_locked or held
                    or getattr(node.locks, kind)))
            modes = GROUP_BLEND_MODE_MENU if isinstance(node, Group) else BLEND_MODE_MENU
            if [self.blend.itemData(i) for i in range(self.blend.count())] != list(modes):
                self.blend.clear()
                for mode in modes:
                    self.blend.addItem(BLEND_MODE_LABELS.get(mode, mode), mode)
            if node is not None:
                self.blend.setCurrentIndex(self.blend.findData(node.blend_mode))
                percent = round(node.opacity * 100 / 255)
                if not self.opacity.isSliderDown():
                    self.opacity.setValue(percent)
                self.opacity_spin.setValue(percent)
                percent = round(node.fill_opacity * 100 / 255)
                if not self.fill.isSliderDown():
                    self.fill.setValue(percent)
                self.fill_spin.setValue(percent)
        finally:
            self._updating = False

    def _lock_clicked(self, kind: str, on: bool) -> None:
        node = self.session.doc.active if self.session is not None else None
        if node is None:
            return
        doc = self.session.doc
        self.guard(lambda: doc.set_lock(node, kind, on))
        self._update_controls()  # (a refused change shows the lock as it is)

    def _blend_chosen(self, index: int) -> None:
        node = self.session.doc.active if self.session is not None else None
        mode = self.blend.itemData(index)
        if node is not None and mode and mode != node.blend_mode:
            doc = self.session.doc
            self.guard(lambda: doc.set_blend_mode(node, mode))

    def _slider_pressed(self) -> None:
        self._slider_key = ("opacity", next(_merge_keys))

    def _slider_released(self) -> None:
        self._slider_key = None

    def _opacity_changed(self, percent: int) -> None:
        if self._updating:
            return
        self._set_opacity(percent, self._slider_key)

    def _opacity_typed(self, percent: int) -> None:
        if self._updating:
            return
        self._set_opacity(percent, None)

    def _fill_changed(self, percent: int) -> None:
        if not self._updating:
            self._set_opacity(percent, self._slider_key, fill=True)

    def _fill_typed(self, percent: int) -> None:
        if not self._updating:
            self._set_opacity(percent, None, fill=True)

    def _set_opacity(self, percent: int, key, fill: bool = False) -> None:
        """Opacity (or with `fill`, the fill opacity) of the active node, one undo step
        (a slider drag, one `key`: merged)."""
        node = self.session.doc.active if self.session is not None else None
        if node is None:
            return
        value = round(percent * 255 / 100)
        doc = self.session.doc
        if fill:
            if value != node.fill_opacity:  # a group's too: it fades its content, not its style
                self.guard(lambda: doc.set_fill_opacity(node, value, merge_key=key))
            return
        if value != node.opacity:
            self.guard(lambda: doc.set_opacity(node, value, merge_key=key))

    # -- helpers --------------------------------------------------------------------------
    def guard(self, fn) -> None:
        try:
            fn()
        except Exception as exc:
            self.main_window.report(exc, "Could not change the layer")

    def context_menu(self, global_pos: QPoint) -> None:
        self.main_window.update_actions()  # (the menu copies their enabling as it opens)
        menu = QMenu(self)
        for name in ("rename_layer", "duplicate", "delete_layer", None, "merge_down", "flatten",
                     None, "group", "ungroup", "link_layers", "unlink_layers", None,
                     "style_copy", "style_paste", "style_clear", None,
                     "free_transform", "decompose"):
            if name is None:
                menu.addSeparator()
            else:
                menu.addAction(self.main_window.action(name))
        menu.exec(global_pos)


def smart_badge_rect(thumb: QRect) -> QRect:
    """Where a smart object's badge sits on its thumbnail's box: the bottom-right corner."""
    return QRect(thumb.right() - 12, thumb.bottom() - 13, 12, 14)


def paint_smart_badge(p: QPainter, thumb: QRect) -> None:
    """Photoshop's smart object badge on a layer's thumbnail: a small page with a folded
    corner, white on a dark outline, over the thumbnail's bottom-right corner."""
    box = QRectF(smart_badge_rect(thumb)).adjusted(0.5, 0.5, -0.5, -0.5)
    fold = 4.0
    page = QPainterPath()
    page.moveTo(box.left(), box.top())
    page.lineTo(box.right() - fold, box.top())
    page.lineTo(box.right(), box.top() + fold)
    page.lineTo(box.right(), box.bottom())
    page.lineTo(box.left(), box.bottom())
    page.closeSubpath()
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(QPen(QColor("#1b1c1f"), 1.2))
    p.setBrush(QColor("#f4f5f7"))
    p.drawPath(page)
    p.setBrush(QColor("#9aa0aa"))
    corner = QPainterPath()
    corner.moveTo(box.right() - fold, box.top())
    corner.lineTo(box.right() - fold, box.top() + fold)
    corner.lineTo(box.right(), box.top() + fold)
    corner.closeSubpath()
    p.drawPath(corner)
    p.setPen(QPen(QColor("#4d8fe8"), 1.4))  # the page's picture: a small blue mark
    p.drawLine(QPointF(box.left() + 2.5, box.bottom() - 3), QPointF(box.right() - 2.5, box.bottom() - 3))
    p.drawLine(QPointF(box.left() + 2.5, box.bottom() - 6), QPointF(box.right() - 3.5, box.bottom() - 6))
    p.restore()


def paint_link_badge(p: QPainter, thumb: QRect) -> None:
    """Photoshop's linked smart object badge, in the smart object badge's place: two chain
    links, dark on a white tag."""
    box = QRectF(smart_badge_rect(thumb)).adjusted(0.5, 0.5, -0.5, -0.5)
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(QPen(QColor("#1b1c1f"), 1.0))
    p.setBrush(QColor("#f4f5f7"))
    p.drawRoundedRect(box, 2.0, 2.0)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.setPen(QPen(QColor("#1b1c1f"), 1.6))
    # (two rounded links, slanted across each other from bottom-left to top-right)
    cx, cy = box.center().x(), box.center().y()
    for dx, dy in ((-1.8, 1.8), (1.8, -1.8)):
        p.save()
        p.translate(cx + dx, cy + dy)
        p.rotate(-45)
        p.drawRoundedRect(QRectF(-3.6, -1.9, 7.2, 3.8), 1.9, 1.9)
        p.restore()
    p.restore()
