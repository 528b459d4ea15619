"""The Menus tab of Edit > Keyboard Shortcuts and Menus (Photoshop's): Menu For (Application
Menus, Panel Menus), every item in a tree by menu with its Visibility (the eye: a click hides
or shows it) and its Color (a click opens the colour list: None, Red, Orange, Yellow, Green,
Blue, Violet, Gray).

The tab edits a copy of the set's menu looks (`looks`); the dialog saves it with the keys
and puts it on the menus on OK (`menu_looks.MenuDresser`).
"""
from __future__ import annotations

from typing import Callable, Optional

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QBrush, QColor, QIcon
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QHeaderView, QLabel, QTreeWidget,
                               QTreeWidgetItem, QVBoxLayout, QWidget)

from editor.model.shortcut_sets import COLORS, PLAIN, MenuLook, MenuLooks

from .icons import icon
from .menu_looks import APP, COLOR_HEX, PANELS, MenuItem
from .tree_rows import open_paths, reveal

ID = Qt.ItemDataRole.UserRole  # a row's item id (None: a menu or panel's title row)
NAME, EYE, COLOR = 0, 1, 2


def color_label(color: str) -> str:
    return color.capitalize()


class MenusTab(QWidget):
    def __init__(self, items: list[MenuItem], looks: MenuLooks, changed: Callable[[], None]):
        super().__init__()
        self.setObjectName("MenusTab")
        self.all_items = items
        self.looks: MenuLooks = dict(looks)
        self._changed = changed
        self.rows: dict[str, QTreeWidgetItem] = {}
        self.picker: Optional[QComboBox] = None  # an open colour list, and its row
        self.picker_row: Optional[QTreeWidgetItem] = None
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel("Menu For:"))
        self.area = QComboBox()
        self.area.setObjectName("MenuFor")
        self.area.addItems([APP, PANELS])
        self.area.currentIndexChanged.connect(lambda _i: self.rebuild())
        top.addWidget(self.area)
        top.addStretch(1)
        layout.addLayout(top)
        self.tree = QTreeWidget()
        self.tree.setObjectName("MenuTree")
        self.tree.setColumnCount(3)
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        for column, width in ((EYE, 80), (COLOR, 130)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            self.tree.setColumnWidth(column, width)
        self.row_height = QComboBox().sizeHint().height()
        self.tree.itemClicked.connect(self._clicked)
        layout.addWidget(self.tree, 1)
        note = QLabel("A hidden item is left out of its menu, which then ends with Show All "
                      "Menu Items; its shortcut still works.")
        note.setObjectName("Dim")
        note.setWordWrap(True)
        layout.addWidget(note)
        self.rebuild()

    def set_looks(self, looks: MenuLooks) -> None:
        """Another set's looks (the dialog's Set chosen, deleted)."""
        self.looks = dict(looks)
        self.rebuild()

    def look(self, item_id: str) -> MenuLook:
        return self.looks.get(item_id, PLAIN)

    def change(self, item_id: str, **what) -> None:
        """The item's look changed (`hidden=`, `color=`); a plain look is left out."""
        look = MenuLook(**{**self.look(item_id).__dict__, **what})
        if look == PLAIN:
            self.looks.pop(item_id, None)
        else:
            self.looks[item_id] = look
        self._show(self.rows[item_id], item_id)
        self._changed()

    # -- the tree -------------------------------------------------------------------------
    def rebuild(self) -> None:
        """The chosen area's items in their menus (a submenu's row holds its items), the
        menus that were open kept open."""
        self._close_picker()
        area = self.area.currentText()
        opened = open_paths(self.tree)
        self.tree.setHeaderLabels(["Application Menu Command" if area == APP
                                   else "Panel Menu Command", "Visibility", "Color"])
        self.tree.clear()
        self.rows = {}
        folders: dict[tuple[str, ...], QTreeWidgetItem] = {}
        for item in self.all_items:
            if item.section != area:
                continue
            parent = self.tree.invisibleRootItem()
            for depth in range(1, len(item.path) + 1):
                if item.path[:depth] not in folders:
                    folder = QTreeWidgetItem(parent, [item.path[depth - 1], "", ""])
                    folder.setSizeHint(NAME, QSize(1, self.row_height))
                    folders[item.path[:depth]] = folder
                parent = folders[item.path[:depth]]
            row = QTreeWidgetItem(parent, [item.name, "", ""])
            row.setData(NAME, ID, item.id)
            row.setSizeHint(NAME, QSize(1, self.row_height))
            self.rows[item.id] = row
            self._show(row, item.id)
            if item.submenu:
                folders[(*item.path, item.name)] = row
        for path, folder in folders.items():
            folder.setExpanded(path in opened)

    def _show(self, row: QTreeWidgetItem, item_id: str) -> None:
        look = self.look(item_id)
        row.setIcon(EYE, icon("eye") if not look.hidden else QIcon())
        row.setToolTip(EYE, "Hidden: click to show it" if look.hidden
                       else "Shown: click to hide it")
        # a hidden item's name dimmed, as the menus' disabled items
        row.setForeground(NAME, QBrush(QColor("#6a6f78")) if look.hidden else QBrush())
        row.setText(COLOR, color_label(look.color))
        brush = QBrush(QColor(COLOR_HEX[look.color])) if look.color in COLOR_HEX else QBrush()
        row.setBackground(COLOR, brush)

    def select(self, item_id: str) -> QTreeWidgetItem:
        """Shows an item's row (its area chosen, its menus opened) and chooses it."""
        section = next(i.section for i in self.all_items if i.id == item_id)
        if self.area.currentText() != section:
            self.area.setCurrentText(section)  # (rebuilds)
        row = self.rows[item_id]
        return reveal(self.tree, row)

    # -- clicks ---------------------------------------------------------------------------
    def _clicked(self, row: QTreeWidgetItem, column: int) -> None:
        item_id = row.data(NAME, ID)
        if item_id is None:
            return
        if column == EYE:
            self.change(item_id, hidden=not self.look(item_id).hidden)
        elif column == COLOR:
            self.open_picker(row)

    def open_picker(self, row: QTreeWidgetItem) -> QComboBox:
        """The colour list in the row's Color cell; choosing one sets it."""
        self._close_picker()
        item_id = row.data(NAME, ID)
        picker = QComboBox()
        picker.setObjectName("MenuColor")
        for color in COLORS:
            picker.addItem(color_label(color), color)
            if color in COLOR_HEX:
                picker.setItemData(picker.count() - 1, QColor(COLOR_HEX[color]),
                                   Qt.ItemDataRole.BackgroundRole)
        picker.setCurrentIndex(COLORS.index(self.look(item_id).color))
        picker.activated.connect(lambda i: self._picked(item_id, picker.itemData(i)))
        self.tree.setItemWidget(row, COLOR, picker)
        self.picker, self.picker_row = picker, row
        return picker

    def _picked(self, item_id: str, color: str) -> None:
        self._close_picker()
        self.change(item_id, color=color)

    def _close_picker(self) -> None:
        if self.picker is not None:
            row, self.picker, self.picker_row = self.picker_row, None, None
            self.tree.removeItemWidget(row, COLOR)
