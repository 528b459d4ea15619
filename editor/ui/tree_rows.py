"""Rows of a menu tree (the Keyboard Shortcuts and Menus tabs): their paths, which menus are
open, and showing one row with its menus opened."""

from __future__ import annotations

from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem


def row_path(item: QTreeWidgetItem) -> tuple[str, ...]:
    """The names from the top menu down to `item` (first column)."""
    path = []
    while item is not None:
        path.insert(0, item.text(0))
        item = item.parent()
    return tuple(path)


def open_paths(tree: QTreeWidget) -> set[tuple[str, ...]]:
    """The paths of the open rows, to open them again after the tree is rebuilt."""
    stack = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    opened = set()
    while stack:
        item = stack.pop()
        if item.isExpanded():
            opened.add(row_path(item))
        stack.extend(item.child(i) for i in range(item.childCount()))
    return opened


def reveal(tree: QTreeWidget, item: QTreeWidgetItem) -> QTreeWidgetItem:
    """Opens the menus holding `item`, chooses it and scrolls to it."""
    parent = item.parent()
    while parent is not None:
        parent.setExpanded(True)
        parent = parent.parent()
    tree.setCurrentItem(item)
    tree.scrollToItem(item)
    return item
