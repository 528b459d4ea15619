"""The context menus of the Layers panel's mask thumbnails (right-click), as Photoshop's.

Each item triggers the window's action for its operation (Layer > Layer Mask, Layer >
Vector Mask, `mask_commands`' selection loads), so a menu item, the Layer menu and the
thumbnail's clicks share one path and one enabling rule; only the words differ
("Delete Layer Mask" here, Layer > Layer Mask > "Delete" there).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Optional, Union

from PySide6.QtWidgets import QMenu, QWidget

from editor.model import Node

if TYPE_CHECKING:
    from .window_api import EditorWindow

# (action name, text: a string, or a function of the node; None: the action's own), None
# for a separator.
Item = Optional[tuple[str, Union[str, Callable[[Node], str], None]]]

ITEMS: dict[str, list[Item]] = {
    "mask": [
        ("mask_disable", lambda n: "Disable Layer Mask" if n.mask.enabled
         else "Enable Layer Mask"),
        ("mask_delete", "Delete Layer Mask"),
        ("mask_apply", "Apply Layer Mask"),
        None,
        ("mask_selection_add", None),
        ("mask_selection_subtract", None),
        ("mask_selection_intersect", None),
        None,
        ("mask_select_and_mask", None),
        ("mask_options", None),
        ("mask_properties", None),
    ],
    "vector": [
        ("vector_mask_disable", lambda n: "Disable Vector Mask" if n.vector_mask.enabled
         else "Enable Vector Mask"),
        ("vector_mask_delete", "Delete Vector Mask"),
        ("vector_mask_rasterize", "Rasterize Vector Mask"),
        None,
        ("vector_mask_selection_add", None),
        ("vector_mask_selection_subtract", None),
        ("vector_mask_selection_intersect", None),
        None,
        ("mask_properties", None),
    ],
}


def mask_menu(window: "EditorWindow", node: Node, kind: str, parent: QWidget) -> QMenu:
    """The menu of `node`'s mask thumbnail of `kind` ("mask", "vector"); `node` is the
    active node already. Its items are enabled as the window's actions are now."""
    window.update_actions()
    menu = QMenu(parent)
    menu.setObjectName("LayerMaskMenu" if kind == "mask" else "VectorMaskMenu")
    for item in ITEMS[kind]:
        if item is None:
            menu.addSeparator()
            continue
        name, text = item
        source = window.action(name)
        label = text(node) if callable(text) else text or source.text()
        entry = menu.addAction(label)
        entry.setObjectName(name)
        entry.setEnabled(source.isEnabled())
        entry.triggered.connect(lambda _checked=False, s=source: s.trigger())
    return menu
