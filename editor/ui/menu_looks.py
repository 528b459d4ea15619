"""The Menus side of Edit > Keyboard Shortcuts and Menus: which items the menus hide and the
colour behind an item, put on the real menus (Photoshop's Menus tab; the set's file is
`editor.model.shortcut_sets`'s).

`menu_items` lists what the tab shows: the Application Menus (every action and submenu in
the menu bar's menus, by the menus above it) and the Panel Menus (the panels that have a
panel menu, by panel). `MenuDresser` puts a set's looks on those menus each time one opens
(`aboutToShow`): a hidden item is taken out of that menu (not hidden as an action: its
shortcut keeps working, and the same action elsewhere, in a context menu or a panel menu,
stays), put back when the menu closes, and the menu ends with "Show All Menu Items", which
opens it again with everything shown (Photoshop's: the items stay hidden in the set). A
coloured item is painted over its row's background, under its text, by an event filter
on the menu (Qt's QMenu has no per-item background, and the stylesheet's QMenu::item is
transparent until hovered).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Optional

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QAction, QColor, QPainter
from PySide6.QtWidgets import QMenu, QStyle, QStyleOptionMenuItem

from editor.model.shortcut_sets import PLAIN, MenuLook, MenuLooks

from .dialogs import menu_text

if TYPE_CHECKING:
    from .main_window import MainWindow

APP, PANELS = "Application Menus", "Panel Menus"
SHOW_ALL = "Show All Menu Items"
# The colours behind an item, dark enough for the theme's light text (Photoshop's hues).
COLOR_HEX = {"red": "#8e3434", "orange": "#874d1a", "yellow": "#776a16", "green": "#3b6e34",
             "blue": "#2f5596", "violet": "#6a3f8c", "gray": "#5a5d63"}


@dataclass(frozen=True)
class MenuItem:
    """An item the Menus tab lists."""

    id: str
    name: str                 # as its menu shows it
    path: tuple[str, ...]     # the menus above it (("Image", "Mode")); (panel title,)
    section: str              # APP or PANELS
    submenu: bool = False


def panel_menus(window: "MainWindow") -> list[tuple[str, str, QMenu]]:
    """(dock key, panel title, its menu) of each panel with a panel menu, in the docks' order
    (a menu made on first use is made now)."""
    found = []
    for key, dock in window.docks.items():
        menu = getattr(dock.widget(), "menu", None)
        if callable(menu) and not isinstance(menu, QMenu):
            menu = menu()
        if isinstance(menu, QMenu):
            found.append((key, dock.windowTitle(), menu))
    return found


def item_text(action: QAction) -> str:
    """An item's name as its menu shows it, without the key a panel menu writes after a
    tab ("Step Forward\tCtrl+Shift+Z")."""
    return menu_text(action.text().split("\t")[0])


def panel_item_id(key: str, action: QAction) -> Optional[str]:
    text = item_text(action)
    return f"panel:{key}:{text}" if text and not action.isSeparator() else None


class _Ids:
    """The id of an action in the application menus: its name, or `menu:<key>` for a
    submenu (items the menus make as they open, Open Recent's files, have none)."""

    def __init__(self, window: "MainWindow"):
        self.names = {action: name for name, action in window.actions.items()}
        self.menus = {menu.menuAction(): f"menu:{key}" for key, menu in window.menus.items()}

    def __call__(self, action: QAction) -> Optional[str]:
        return self.names.get(action) or self.menus.get(action)


def menu_items(window: "MainWindow") -> list[MenuItem]:
    """The items of the Menus tab: the application menus' in their order (a submenu's
    items after it), then the panel menus'."""
    ids = _Ids(window)
    found: list[MenuItem] = []
    seen: set[str] = set()

    def walk(menu: QMenu, path: tuple[str, ...]) -> None:
        for action in menu.actions():
            item_id = ids(action)
            if item_id is None or item_id in seen:
                continue
            seen.add(item_id)
            sub = action.menu()
            found.append(MenuItem(item_id, item_text(action), path, APP, sub is not None))
            if sub is not None:
                walk(sub, (*path, menu_text(sub.title())))

    for top in window.menuBar().actions():
        walk(top.menu(), (menu_text(top.menu().title()),))
    for key, title, menu in panel_menus(window):
        for action in menu.actions():
            item_id = panel_item_id(key, action)
            if item_id is not None and item_id not in seen:
                seen.add(item_id)
                found.append(MenuItem(item_id, item_text(action), (title,), PANELS))
    return found


class _Painter(QObject):
    """Paints the coloured items' rows of a menu after the menu has painted itself."""

    def __init__(self, dresser: "MenuDresser", id_of: Callable[[QAction], Optional[str]]):
        super().__init__(dresser)
        self.dresser, self.id_of = dresser, id_of

    def eventFilter(self, menu, event) -> bool:
        if event.type() != QEvent.Type.Paint or not isinstance(menu, QMenu):
            return False
        coloured = [(a, COLOR_HEX[look.color]) for a in menu.actions()
                    if (look := self.dresser.look(self.id_of(a))).color in COLOR_HEX
                    and a.isVisible() and not a.isSeparator()]
        menu.event(event)  # the menu as Qt draws it
        if coloured:
            painter = QPainter(menu)
            style = menu.style()
            for action, hex_color in coloured:
                option = QStyleOptionMenuItem()
                menu.initStyleOption(option, action)
                option.rect = menu.actionGeometry(action)  # (QMenu's paintEvent sets it so)
                if option.state & QStyle.StateFlag.State_Selected:
                    continue  # the hover colour shows which item is under the pointer
                painter.fillRect(option.rect, QColor(hex_color))
                style.drawControl(QStyle.ControlElement.CE_MenuItem, option, painter, menu)
            painter.end()
        return True


class MenuDresser(QObject):
    """Puts the looks of a set (`looks`) on the application and panel menus as they open."""

    def __init__(self, window: "MainWindow"):
        super().__init__(window)
        self.window = window
        self.looks: MenuLooks = {}
        self.revealed: Optional[QMenu] = None  # a menu opened again by Show All Menu Items
        self._taken: dict[QMenu, tuple[list[QAction], set[QAction], list[QAction]]] = {}
        self._attached: set[QMenu] = set()

    def look(self, item_id: Optional[str]) -> MenuLook:
        return self.looks.get(item_id, PLAIN) if item_id is not None else PLAIN

    def attach_all(self) -> None:
        """Hooks the menu bar's menus (and their submenus) and the panel menus."""
        ids = _Ids(self.window)

        def walk(menu: QMenu) -> None:
            self.attach(menu, ids)
            for action in menu.actions():
                if action.menu() is not None:
                    walk(action.menu())

        for top in self.window.menuBar().actions():
            walk(top.menu())
        for key, _title, menu in panel_menus(self.window):
            self.attach(menu, lambda a, k=key: panel_item_id(k, a))

    def attach(self, menu: QMenu, id_of: Callable[[QAction], Optional[str]]) -> None:
        if menu in self._attached:
            return
        self._attached.add(menu)
        menu.installEventFilter(_Painter(self, id_of))
        # (after the menu's other aboutToShow slots, which may add or relabel items)
        menu.aboutToShow.connect(lambda m=menu: self._showing(m, id_of))
        menu.aboutToHide.connect(lambda m=menu: self._hiding(m))

    def _showing(self, menu: QMenu, id_of) -> None:
        self._restore(menu)  # (a menu shown again without having hidden: none)
        if self.revealed is not None:
            return  # Show All Menu Items: this menu and its submenus as they are
        every = menu.actions()
        hidden = {a for a in every if self.look(id_of(a)).hidden}
        if not hidden:
            return
        for action in hidden:
            menu.removeAction(action)
        ours = [menu.addSeparator(), menu.addAction(SHOW_ALL)]
        ours[1].setObjectName("show_all_menu_items")
        ours[1].triggered.connect(lambda _=False, m=menu: self.show_all(m))
        self._taken[menu] = (every, hidden, ours)

    def _hiding(self, menu: QMenu) -> None:
        self._restore(menu)
        if menu is self.revealed:
            self.revealed = None

    def _restore(self, menu: QMenu) -> None:
        """The menu's hidden items back in their places, Show All Menu Items gone: a closed
        menu is as the window built it (the Keyboard Shortcuts tab lists it so)."""
        taken = self._taken.pop(menu, None)
        if taken is None:
            return
        every, hidden, ours = taken
        for action in ours:
            menu.removeAction(action)
            action.deleteLater()
        for i in range(len(every) - 1, -1, -1):
            if every[i] in hidden:
                after = next((a for a in every[i + 1:] if a in menu.actions()), None)
                menu.insertAction(after, every[i])

    def show_all(self, menu: QMenu) -> None:
        """Show All Menu Items: the menu opens again (after it has closed) with every item."""
        pos = menu.pos()
        bar = self.window.menuBar()

        def reopen() -> None:
            self.revealed = menu
            if menu.menuAction() in bar.actions():
                bar.setActiveAction(menu.menuAction())
            else:
                menu.popup(pos)

        QTimer.singleShot(0, reopen)
