"""The Layers panel's Smart Filters rows under a smart object (Photoshop's): a "Smart
Filters" row, then one row per smart filter, the last applied on top, each with its eye
and name, the Smart Filters row with its mask's thumbnail (white: Reveal All, black: Hide
All) and, left of it, the chain of a mask linked to the smart object (a click on it
unlinks or links the mask, as the chain between a layer's and its mask's thumbnails in
Photoshop). A click on the eye shows or hides the filter, a double-click on the row opens its
dialog with its settings, the context menu edits its Blending Options, deletes it, sets,
links or unlinks the mask or clears them all (`filter_commands.FilterCommands`'s smart filter commands); each one undo
step (`editor.model.smart_filters`)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QMenu

from editor.model.layers import BLEND_MODE_LABELS
from editor.model.smart_object import SmartObjectLayer

from .icons import pixmap

LINK_W = 14  # the chain's room left of the mask's thumbnail (the row's indent before it)


@dataclass(frozen=True, eq=False)
class FilterRow:
    """A row of the panel under `layer`: its "Smart Filters" row (`index` None) or its
    smart filter `index` (into `layer.filters`, bottom first)."""

    layer: SmartObjectLayer
    index: Optional[int]

    @property
    def id(self) -> str:  # (not a node's int id: the panel's sets of ids never mix them)
        return f"smart-filter:{self.layer.id}:{self.index}"

    @property
    def label(self) -> str:
        if self.index is None:
            return "Smart Filters"
        filters = self.layer.filters
        return filters[self.index].label if self.index < len(filters) else ""


def filter_rows(node, depth: int) -> list[tuple[FilterRow, int]]:
    """The rows under `node` when it is a smart object with smart filters."""
    filters = getattr(node, "filters", ()) if isinstance(node, SmartObjectLayer) else ()
    if not filters:
        return []
    return [(FilterRow(node, None), depth + 1)] + \
        [(FilterRow(node, i), depth + 1) for i in reversed(range(len(filters)))]


def mask_thumb_rect(rect: QRect, depth: int, eye_w: int, indent: int, thumb: int) -> QRect:
    """Where the Smart Filters row in `rect` shows its mask's thumbnail (`thumb` px)."""
    return QRect(eye_w + depth * indent + LINK_W, rect.top() + (rect.height() - thumb) // 2,
                 thumb, thumb)


def link_rect(rect: QRect, depth: int, eye_w: int, indent: int, thumb: int) -> QRect:
    """The Smart Filters row's chain, left of its mask's thumbnail (a click there links or
    unlinks the mask)."""
    mask = mask_thumb_rect(rect, depth, eye_w, indent, thumb)
    return QRect(mask.left() - LINK_W, rect.top(), LINK_W, rect.height())


def filter_mask_link_label(layer) -> str:
    """The words for Link / Unlink Filter Mask for `layer` (a menu's item)."""
    mask = getattr(layer, "filter_mask", None)
    return "&Link Filter Mask" if mask is not None and not mask.linked else "&Unlink Filter Mask"


def paint_filter_row(p: QPainter, rect: QRect, row: FilterRow, depth: int, eye_w: int,
                     indent: int, font: QFont, dpr: float, thumb: int) -> None:
    """One Smart Filters row: its eye when it has one, room for its mask's thumbnail (the
    panel paints it, as a layer mask's)."""
    top, h = rect.top(), rect.height()
    p.fillRect(QRect(0, top + h - 1, rect.width(), 1), QColor("#1d1e21"))
    p.fillRect(QRect(eye_w - 1, top, 1, h - 1), QColor("#1d1e21"))
    layer = row.layer
    if row.index is not None and row.index >= len(layer.filters):
        return  # (a row of a list changed since the rows were made)
    x = eye_w + depth * indent + 14
    shown = layer.is_shown()
    left = x + 26
    if row.index is None:  # (its mask's thumbnail: the panel's, as a layer mask's)
        text, colour, bold = row.label, "#e8eaed" if shown else "#7d828b", True
        if layer.filter_mask is not None:
            left = mask_thumb_rect(rect, depth, eye_w, indent, thumb).right() + 8
            if layer.filter_mask.linked:  # Photoshop's chain; none: the mask stays put
                chain = link_rect(rect, depth, eye_w, indent, thumb)
                p.drawPixmap(QPoint(chain.left() + (LINK_W - 12) // 2, top + h // 2 - 6),
                             pixmap("link", 12, "#c9ccd2", dpr))
    else:
        smart = layer.filters[row.index]
        if smart.visible:
            p.drawPixmap(QPoint(eye_w // 2 - 9, top + h // 2 - 9), pixmap("eye", 18, "#c9ccd2", dpr))
        parts = [BLEND_MODE_LABELS.get(smart.mode, smart.mode)] if smart.mode != "normal" else []
        if smart.opacity < 1.0:
            parts.append(f"{round(smart.opacity * 100)} %")
        text = row.label + (f"   ({', '.join(parts)})" if parts else "")
        colour, bold = "#e8eaed" if shown and smart.visible else "#7d828b", False
    f = QFont(font)
    f.setBold(bold)
    p.setFont(f)
    p.setPen(QColor(colour))
    p.drawText(QRect(left, top, rect.width() - left - 8, h),
               Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
               p.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight,
                                          rect.width() - left - 8))


def filter_menu(parent, window, row: FilterRow) -> QMenu:
    """A Smart Filters row's context menu (Photoshop's): for a filter, Edit Smart Filter,
    its Blending Options and Delete Smart Filter; for the Smart Filters row, its mask's
    Reveal All and Hide All and Link / Unlink Filter Mask; Clear Smart Filters on every row."""
    commands = window.filter_commands
    menu = QMenu(parent)
    if row.index is not None:
        i = row.index
        menu.addAction("Edit Smart Filter…", lambda: commands.edit_smart_filter(row.layer, i))
        menu.addAction("Edit Smart Filter Blending Options…",
                       lambda: commands.smart_filter_blending(row.layer, i))
        menu.addAction("Delete Smart Filter", lambda: commands.delete_smart_filter(row.layer, i))
        menu.addSeparator()
    else:  # the Smart Filters row: its mask's Reveal All and Hide All, Link / Unlink
        menu.addAction("Reveal All", lambda: commands.smart_filter_mask(row.layer, True))
        menu.addAction("Hide All", lambda: commands.smart_filter_mask(row.layer, False))
        if row.layer.filter_mask is not None:
            link = menu.addAction(filter_mask_link_label(row.layer).replace("&", ""),
                                  lambda: commands.toggle_filter_mask_link(row.layer))
            link.setObjectName("filter_mask_unlink")
        menu.addSeparator()
    menu.addAction(window.action("clear_smart_filters"))
    return menu
