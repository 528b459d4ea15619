"""Edit > Keyboard Shortcuts and Menus… (Alt+Shift+Ctrl+K), the window's side: its keys as a
keymap (`editor.model.shortcut_sets`), a keymap put on its actions and tools, the set's menu
looks put on the menus (`menu_looks.MenuDresser`), and the set the user chose loaded when
the window starts.

Command ids are the window's action names and `tool:<id>` for the tools. Layered's own keys
("Photoshop Defaults") are what the actions and tools have when the window is built, before
any set is put on them. The chosen set's name is in the settings (`Settings.shortcut_set`);
its file is in `Settings.shortcuts_dir`. The dialog itself is `shortcuts_dialog`.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMenu

from editor.model import preset_file, shortcut_sets
from editor.model.shortcut_sets import DEFAULTS_NAME, Keymap, MenuLooks

from .actions import ActionSpec, show_tool_keys
from .dialogs import menu_text
from .menu_looks import MenuDresser

if TYPE_CHECKING:
    from .main_window import MainWindow

TOOL = "tool:"
MENUS, TOOLS = "Application Menus", "Tools"
# The section of the keys that no menu shows (X, D, [ and ], Shift with a tool's letter).
NO_MENU = "Keys Without a Menu Item"
PORTABLE = QKeySequence.SequenceFormat.PortableText


def portable(key) -> str:
    """A key as the set files and the keymaps write it ("Ctrl+Shift+Z"); "" for none."""
    return QKeySequence(key).toString(PORTABLE)


@dataclass(frozen=True)
class Command:
    """A command the dialog lists."""

    id: str
    name: str                 # as its menu shows it ("Cut"; "Brush" for a tool)
    path: tuple[str, ...]     # the menus above it ("Image", "Image Rotation"); ("Tools",)
    section: str              # MENUS or TOOLS

    @property
    def place(self) -> str:
        """Where a user finds it: "Edit > Cut", "Tools > Brush"."""
        return " > ".join((*self.path, self.name))


def commands(window: "MainWindow") -> list[Command]:
    """Every command with keys or a place for them: the menus' in their order (submenus in
    place), the keys without a menu item, then the tools."""
    names = {action: name for name, action in window.actions.items()}
    found: list[Command] = []
    seen: set[str] = set()

    def walk(menu: QMenu, path: tuple[str, ...]) -> None:
        for item in menu.actions():
            if item.menu() is not None:
                walk(item.menu(), (*path, menu_text(item.menu().title())))
            elif item in names and names[item] not in seen:
                seen.add(names[item])
                found.append(Command(names[item], _text(window, names[item]), path, MENUS))

    for top in window.menuBar().actions():
        walk(top.menu(), (menu_text(top.menu().title()),))
    found += [Command(name, _text(window, name), (NO_MENU,), MENUS)
              for name in window.actions if name not in seen]
    found += [Command(TOOL + tool.id, tool.label, (TOOLS,), TOOLS)
              for tool in window.tools.tools.values()]
    return found


def _text(window: "MainWindow", name: str) -> str:
    """An action's name in the list: its spec's text (not a label that follows the context,
    "Undo New Layer")."""
    spec = window.specs.get(name)
    return menu_text(spec.text if spec is not None else window.actions[name].text())


class ShortcutCommands:
    def __init__(self, window: "MainWindow"):
        self.window = window
        self.defaults: Keymap = {}
        self.dresser = MenuDresser(window)

    def action_specs(self) -> list[ActionSpec]:
        return [ActionSpec("keyboard_shortcuts", "&Keyboard Shortcuts and Menus…", self.edit,
                           "Alt+Shift+Ctrl+K", menu="edit", after="models")]

    @property
    def looks(self) -> MenuLooks:
        """The menu looks the menus have now."""
        return dict(self.dresser.looks)

    def apply_looks(self, looks: MenuLooks) -> None:
        self.dresser.looks = dict(looks)

    @property
    def folder(self) -> str:
        return self.window.settings.shortcuts_dir

    def keymap(self) -> Keymap:
        """The keys the window's actions and tools have now."""
        w = self.window
        keys = {name: [portable(k) for k in a.shortcuts()] for name, a in w.actions.items()}
        keys.update({TOOL + t: [k] if k else [] for t, k in w.tool_keys.items()})
        return keys

    def apply(self, keymap: Keymap) -> None:
        """Puts `keymap` on the window's actions and tools (an id it lacks keeps its keys)."""
        w = self.window
        for name, action in w.actions.items():
            if name in keymap:
                action.setShortcuts([QKeySequence(k) for k in keymap[name]])
        for tool_id in w.tool_keys:
            if TOOL + tool_id in keymap:
                w.tool_keys[tool_id] = next(iter(keymap[TOOL + tool_id]), "")
        show_tool_keys(w)

    def start(self) -> None:
        """Notes Layered's own keys, then puts the user's set on the window; a set that is
        missing or damaged is one line in the status bar, and the defaults stay."""
        self.defaults = self.keymap()
        self.dresser.attach_all()
        name = self.window.settings.shortcut_set
        if name and name != DEFAULTS_NAME:
            keymap, looks, ok = self.load_set(name, self.window.status)
            self.apply(keymap)
            self.apply_looks(looks)
            if not ok:
                self.window.settings.shortcut_set = ""

    def load_set(self, name: str, note: Callable[[str], None]
                 ) -> tuple[Keymap, MenuLooks, bool]:
        """The set `name` (the defaults with its changes: keys and menu looks), and whether
        it loaded: a missing or damaged file gives `note` one line and the defaults (a
        damaged one is kept aside as NAME.json.damaged, `preset_file.load_or_default`)."""
        if name == DEFAULTS_NAME:
            return self.copy_defaults(), {}, True
        failed = []

        def told(line: str) -> None:
            failed.append(line)
            note(f"{line} Layered's default keyboard shortcuts are used.")

        try:
            path = shortcut_sets.path_for(self.folder, name)
        except Exception as exc:
            told(str(exc))
            return self.copy_defaults(), {}, False
        if not os.path.exists(path):
            told(f"The keyboard shortcut set '{name}' is missing ({path}).")
            return self.copy_defaults(), {}, False
        changed, looks = preset_file.load_or_default(path, shortcut_sets.load,
                                                     lambda: ({}, {}), told)
        changed = {k: [p for p in map(portable, v) if p] for k, v in changed.items()}
        return shortcut_sets.merged(self.defaults, changed), looks, not failed

    def copy_defaults(self) -> Keymap:
        return {k: list(v) for k, v in self.defaults.items()}

    def edit(self) -> None:
        """The dialog; OK puts its keys on the window and keeps its set for the next start."""
        from .shortcuts_dialog import ShortcutsDialog

        dialog = ShortcutsDialog(self)
        dialog.exec()
