"""Keyboard shortcut and menu sets (Edit > Keyboard Shortcuts and Menus): the user's sets as
files, and the summary page Summarize writes. No Qt: keys are the editor's portable key text
("Ctrl+Shift+Z", "B"), compared as given.

A keymap maps a command id (a window action's name; `tool:<id>` for a tool) to its keys,
in order. A set's menu looks map a menu item's id (an action's name, `menu:<key>` for a
submenu, `panel:<dock>:<text>` for a panel menu's item) to whether the item is hidden and
its colour. As in Photoshop, one set holds both. A set file stores only what differs from
Layered's defaults ("Photoshop Defaults": every item shown, no colour), so a command added
in a later version keeps its default keys in an old set:

    {"version": 1, "keys": {"copy": ["Ctrl+C", "F3"], "tool:brush": ["K"], "trim": []},
     "menus": {"trim": {"hidden": true}, "copy": {"color": "red"}}}

An unreadable or malformed file raises DocumentError in one line (`preset_file`); the
window loads the defaults instead (`preset_file.load_or_default`).
"""
from __future__ import annotations

import html
import os
from dataclasses import dataclass
from typing import Iterable

from . import preset_file
from .errors import DocumentError

DEFAULTS_NAME = "Photoshop Defaults"
# What a changed default set becomes on OK (Photoshop's name for it).
MODIFIED_DEFAULTS_NAME = "Photoshop Defaults (modified)"
SUFFIX = ".json"
VERSION = 1

# Photoshop's menu item colours, in its order ("none": the menu's own background).
COLORS = ("none", "red", "orange", "yellow", "green", "blue", "violet", "gray")

Keymap = dict[str, list[str]]


@dataclass(frozen=True)
class MenuLook:
    """How a menu shows an item: hidden (Show All Menu Items shows it for a while) and its
    background colour (one of COLORS)."""

    hidden: bool = False
    color: str = "none"


PLAIN = MenuLook()
MenuLooks = dict[str, MenuLook]  # only the items that are not PLAIN


def load(path: str) -> tuple[Keymap, MenuLooks]:
    """A set file's changes to the defaults: its keys and its menu looks (a file written
    before sets held menus has none); DocumentError for a damaged one."""
    data = preset_file.read_json(path)
    keys = data.get("keys") if isinstance(data, dict) else None
    menus = data.get("menus", {}) if isinstance(data, dict) else None
    if not isinstance(keys, dict) or not all(
            isinstance(k, str) and isinstance(v, list) and all(isinstance(s, str) for s in v)
            for k, v in keys.items()) or not isinstance(menus, dict) or not all(
            isinstance(v, dict) and isinstance(v.get("hidden", False), bool)
            and v.get("color", "none") in COLORS for v in menus.values()):
        raise DocumentError(f"Could not read {os.path.basename(path)}: it is not a keyboard "
                            "shortcut and menu set.")
    looks = {k: MenuLook(v.get("hidden", False), v.get("color", "none"))
             for k, v in menus.items()}
    return {k: list(v) for k, v in keys.items()}, {k: v for k, v in looks.items() if v != PLAIN}


def save(path: str, changes: Keymap, looks: MenuLooks) -> None:
    """Writes a set's changes to the defaults (atomically; SaveError on failure)."""
    menus = {}
    for k, look in sorted(looks.items()):
        entry = {}
        if look.hidden:
            entry["hidden"] = True
        if look.color != "none":
            entry["color"] = look.color
        if entry:
            menus[k] = entry
    preset_file.write_json(path, {"version": VERSION,
                                  "keys": {k: list(v) for k, v in sorted(changes.items())},
                                  "menus": menus})


def changes(keymap: Keymap, defaults: Keymap) -> Keymap:
    """The commands whose keys differ from the defaults (what a set file stores)."""
    return {k: list(v) for k, v in keymap.items() if list(v) != list(defaults.get(k, []))}


def merged(defaults: Keymap, changed: Keymap) -> Keymap:
    """The defaults with a set's changes; ids the editor no longer has are left out."""
    return {k: list(changed.get(k, v)) for k, v in defaults.items()}


def check_name(name: str) -> str:
    """A set's name, stripped; DocumentError when it cannot be a file's name or is the
    defaults' own."""
    name = name.strip()
    if not name or name in (DEFAULTS_NAME, ".", "..") or any(c in name for c in '/\\:*?"<>|') \
            or name.startswith("."):
        raise DocumentError(f"'{name}' cannot be a set's name: use letters, digits and "
                            f"spaces, not '{DEFAULTS_NAME}'.")
    return name


def path_for(folder: str, name: str) -> str:
    return os.path.join(folder, check_name(name) + SUFFIX)


def set_names(folder: str) -> list[str]:
    """The user's sets in `folder`, by name."""
    try:
        files = os.listdir(folder)
    except OSError:
        return []
    return sorted((f[:-len(SUFFIX)] for f in files if f.endswith(SUFFIX)), key=str.lower)


def holders(keymap: Keymap, key: str, exclude: Iterable[str] = ()) -> list[str]:
    """The commands (other than `exclude`) that have `key`."""
    skip = set(exclude)
    return [k for k, v in keymap.items() if key in v and k not in skip]


def summary_html(set_name: str, sections: list[tuple[str, list[tuple[str, list[str]]]]]) -> str:
    """Summarize's page: the set's name, then per section (a menu, the tools) its commands
    and their keys. `sections`: (title, [(command, keys)])."""
    parts = [f"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>"
             f"{html.escape(set_name)}</title><style>body{{font-family:sans-serif}}"
             f"td{{padding:2px 12px}}th{{text-align:left;padding-top:14px}}</style></head>"
             f"<body><h1>{html.escape(set_name)}</h1><table>"]
    for title, rows in sections:
        parts.append(f"<tr><th colspan=\"2\">{html.escape(title)}</th></tr>")
        parts.extend(f"<tr><td>{html.escape(command)}</td><td>"
                     f"{html.escape(', '.join(keys))}</td></tr>" for command, keys in rows)
    parts.append("</table></body></html>\n")
    return "".join(parts)
