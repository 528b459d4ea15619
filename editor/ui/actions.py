"""The window's commands as QActions (with Photoshop's shortcuts) and the menus that hold them.

The window's own actions (File, Undo/Redo, Copy/Paste, its dialogs) are the
table in `build_actions`. A command module (`layer_commands`,
`decompose_commands`, ...) contributes its actions as `ActionSpec`s —
text, keys, slot, the menu and the action they follow there, and an
`enabled` rule — which the window adds with `add_actions` *before* the menus
are built; `build_menus` then puts each one in its place. Every action's
enabled state comes from one rule over a `Context` (the document in front,
its active node, whether a job runs), applied in one loop by
`refresh_actions`. docs/adding_a_command.md shows a whole command module.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Optional, Union

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar

from editor.model import Document, Group, Layer, Node

from .icons import icon
from .tools.toolbox import GROUPS as TOOL_GROUPS, group_of

if TYPE_CHECKING:
    from .main_window import MainWindow
    from .window_api import EditorWindow

Keys = Union[str, list[str], None]


@dataclass(frozen=True)
class Context:
    """What decides whether an action can run now."""

    doc: Optional[Document] = None
    node: Optional[Node] = None       # the active layer or group
    job_running: bool = False         # an engine job is running or queued
    # The Layers panel's chosen nodes (its Ctrl/Shift choice, with the active node).
    chosen: tuple = ()

    @property
    def has_selection(self) -> bool:
        """A marquee box or Quick Mask paint."""
        return self.doc is not None and (self.doc.selection is not None
                                         or self.doc.selection_mask is not None)


Rule = Callable[[Context], bool]


def always(c: Context) -> bool:
    return True


def has_doc(c: Context) -> bool:
    return c.doc is not None


def has_node(c: Context) -> bool:
    return c.node is not None


def is_layer(c: Context) -> bool:
    return isinstance(c.node, Layer)


def is_pixel_layer(c: Context) -> bool:
    """A layer with pixels of its own (not an adjustment layer)."""
    return isinstance(c.node, Layer) and c.node.kind == "pixel"


def is_group(c: Context) -> bool:
    return isinstance(c.node, Group)


def is_layer_or_group(c: Context) -> bool:
    return isinstance(c.node, (Layer, Group))


def has_selection(c: Context) -> bool:
    return c.has_selection


def has_mask(c: Context) -> bool:
    return c.doc is not None and c.doc.selection_mask is not None


def can_merge_down(c: Context) -> bool:
    node = c.node
    return (isinstance(node, Layer) and node.index() > 0
            and node.parent.children[node.index() - 1].kind == "pixel")  # not an adjustment


def can_undo(c: Context) -> bool:
    return c.doc is not None and c.doc.history.can_undo()


def can_redo(c: Context) -> bool:
    return c.doc is not None and c.doc.history.can_redo()


def undo_label(c: Context) -> str:
    """Undo named after the step it undoes ("Undo Move")."""
    return f"&Undo {c.doc.history.undo_name()}" if can_undo(c) else "&Undo"


def redo_label(c: Context) -> str:
    return f"&Redo {c.doc.history.redo_name()}" if can_redo(c) else "&Redo"


def run_on_doc(window: "EditorWindow", title: str, fn: Callable[[Document], object]):
    """The common path of a command that changes the document in front: a running tool
    mode (Free Transform) is committed first, and a failure is one dialog titled `title`.
    Returns what `fn` returns (None without a document or on failure)."""
    doc = window.doc
    if doc is None:
        return None
    window.tools.end_mode(commit=True)
    try:
        return fn(doc)
    except Exception as exc:
        window.report(exc, title)
        return None


@dataclass
class ActionSpec:
    """An action a command module contributes, and where it goes."""

    name: str                         # the key in window.actions (and the QAction's objectName)
    text: str                         # menu text, with its & mnemonic
    slot: Callable[[], object]
    keys: Keys = None
    icon: Optional[str] = None
    tip: Optional[str] = None
    enabled: Rule = always
    menu: Optional[str] = None        # file, edit, …, view, window, help; None: keys only
    after: Optional[str] = None       # the action or submenu it follows there; None: at end
    separator: bool = False           # a separator before it
    checkable: bool = False
    checked: Optional[Rule] = None    # for a checkable action: when it shows checked
    label: Optional[Callable[[Context], str]] = None  # text that follows the context


@dataclass
class SubmenuSpec:
    """A submenu a command module contributes (Image > Image Rotation, Layer > Layer Mask);
    its own actions name it as their `menu`."""

    name: str                         # the key in window.menus (objectName menu_<name>)
    text: str
    menu: str                         # the menu that holds it
    after: Optional[str] = None       # the action it follows there; None: at the end
    separator: bool = False


Spec = Union[ActionSpec, SubmenuSpec]


def add_actions(window: "MainWindow", specs: list[Spec]) -> None:
    """Creates contributed actions with their rules; `build_menus` places them and the
    submenus, in the order given (call first)."""
    for spec in specs:
        window.contributed.append(spec)
        if isinstance(spec, SubmenuSpec):
            continue
        _add(window, spec)


def _add(window: "MainWindow", spec: ActionSpec) -> None:
    action = _action(window, spec.name, spec.text, spec.keys, spec.slot, spec.icon, spec.tip)
    action.setCheckable(spec.checkable)
    window.actions[spec.name] = action
    window.specs[spec.name] = spec


# What Photoshop greys out in a Lab Color document while the composite is targeted (they
# work on RGB colours); with one Lab channel chosen they apply to it alone, as there.
LAB_GREYED = frozenset({"filter_gallery", "filter_lens_flare", "filter_lighting_effects",
                        "adjust_variations"})


def greyed_by_mode(name: str, c: Context) -> bool:
    """Whether the document's colour mode greys action `name` (Lab: LAB_GREYED)."""
    return name in LAB_GREYED and c.doc is not None and c.doc.color_mode == "lab" \
        and not isinstance(c.doc.channel_target, str)


def refresh_actions(window: "MainWindow", context: Context) -> None:
    """Enables every action by its rule (and sets the checks and texts that follow the context)."""
    for name, spec in window.specs.items():
        action = window.actions[name]
        action.setEnabled(bool(spec.enabled(context)) and not greyed_by_mode(name, context))
        if spec.checked is not None:
            action.setChecked(bool(spec.checked(context)))
        if spec.label is not None:
            action.setText(spec.label(context))


def insert_after(menu: QMenu, anchor: Optional[QAction], items: list) -> None:
    """Puts `items` (actions; None for a separator) just after `anchor` (None: at the end)."""
    actions = menu.actions()
    index = actions.index(anchor) + 1 if anchor is not None else len(actions)
    before = actions[index] if index < len(actions) else None
    for item in items:
        if item is None:
            menu.insertSeparator(before) if before is not None else menu.addSeparator()
        elif before is not None:
            menu.insertAction(before, item)
        else:
            menu.addAction(item)


def _place_contributed(window: "MainWindow", menus: dict[str, QMenu]) -> None:
    for spec in window.contributed:
        if spec.menu is None:
            continue
        anchor = None
        if spec.after:  # an action, or a submenu placed before
            anchor = window.actions[spec.after] if spec.after in window.actions \
                else menus[spec.after].menuAction()
        if isinstance(spec, SubmenuSpec):
            submenu = QMenu(spec.text, window)
            submenu.setObjectName(f"menu_{spec.name}")
            menus[spec.name] = submenu
            item = submenu.menuAction()
        else:
            item = window.actions[spec.name]
        insert_after(menus[spec.menu], anchor, [None, item] if spec.separator else [item])


def _action(window: "MainWindow", name: str, text: str, keys: Keys, slot: Callable,
            icon_name: Optional[str] = None, tip: Optional[str] = None) -> QAction:
    action = QAction(text, window)
    action.setObjectName(name)
    if keys:
        action.setShortcuts([QKeySequence(k) for k in ([keys] if isinstance(keys, str) else keys)])
    if icon_name:
        action.setIcon(icon(icon_name))
    if tip:
        action.setToolTip(tip)
    action.triggered.connect(lambda _checked=False: _run(window, slot))
    window.addAction(action)  # shortcuts work even when the menu bar is hidden
    return action


def _run(window: "MainWindow", slot: Callable) -> None:
    """Runs a window action's slot once the current tool's work still on the worker (a
    Healing Brush stroke or a patch being healed) has landed, so that work's undo step comes
    before the action's and the action sees the healed pixels."""
    tools = getattr(window, "tools", None)
    settle = getattr(tools.current, "settle", None) if tools is not None else None
    if settle is not None:
        settle()
    slot()


def build_actions(window: "MainWindow") -> dict[str, QAction]:
    """The window's own actions (File, Undo/Redo, Copy/Paste, Models, Preferences, the
    panels' items, Help); `build_menus` lays them out. The Layer, Select, View, Window's
    Arrange and Workspace, transform and palette commands are command modules' specs."""
    w = window
    f = window.files
    h = window.history_commands
    window.actions = {}
    window.specs = {}
    for spec in [
        # File
        ActionSpec("new", "&New…", f.new_document, "Ctrl+N", icon="file-new"),
        ActionSpec("open", "&Open…", f.open_dialog, "Ctrl+O", icon="file-open"),
        # Shift+Ctrl+I is Photoshop's Select > Inverse (select_commands); Import has no key.
        ActionSpec("import_layer", "&Import as Layer…", f.import_dialog, enabled=has_doc),
        ActionSpec("close", "&Close", w.close_current, "Ctrl+W", enabled=has_doc),
        ActionSpec("close_all", "Close A&ll", w.close_all, "Alt+Ctrl+W", enabled=has_doc),
        ActionSpec("save", "&Save", lambda: f.save(), "Ctrl+S", enabled=has_doc),
        ActionSpec("save_as", "Save &As…", lambda: f.save_as(), "Shift+Ctrl+S", enabled=has_doc),
        ActionSpec("save_copy", "Save a Cop&y…", f.save_copy, "Alt+Ctrl+S", enabled=has_doc,
                   tip="Write the document to another file; this one keeps its own file"),
        ActionSpec("revert", "Re&vert", f.revert, "F12",
                   tip="Reloads the document from its file (one undo step)",
                   enabled=lambda c: c.doc is not None and bool(c.doc.path or c.doc.source_path)),
        # (File > Export; Alt+Shift+Ctrl+W is Export As…, export_commands, as Photoshop's)
        ActionSpec("export", "&Quick Export as PNG…", f.export, enabled=has_doc,
                   tip="The picture as it is, as a PNG (or JPEG by a .jpg name); Export As… "
                       "has the options"),
        ActionSpec("quit", "&Quit", w.close, "Ctrl+Q"),
        # Edit
        # (Photoshop CC 2019's keys: Ctrl+Z steps back, Shift+Ctrl+Z forward, Alt+Ctrl+Z,
        # Step Backward before, toggles the last state)
        ActionSpec("undo", "&Undo", h.undo, "Ctrl+Z", enabled=can_undo, label=undo_label),
        ActionSpec("redo", "&Redo", h.redo, ["Shift+Ctrl+Z", "Ctrl+Y"], enabled=can_redo,
                   label=redo_label),
        ActionSpec("toggle_last_state", "Toggle &Last State", h.toggle_last_state,
                   "Alt+Ctrl+Z", enabled=lambda c: c.doc is not None
                   and c.doc.history.can_toggle_last(),
                   tip="Back to the state before this one; again: here again"),
        ActionSpec("copy", "&Copy", f.copy, "Ctrl+C", enabled=has_node),
        ActionSpec("paste", "&Paste", f.paste, "Ctrl+V"),
        ActionSpec("models", "&Models…", w.show_models),
        ActionSpec("preferences", "Pre&ferences…", w.preferences, "Ctrl+K"),
        # Window: the panels (Arrange and Workspace: workspace_commands)
        # (Info's own item: F8 brings the panel to the front, not only shows its dock)
        ActionSpec("panel_info", "Info", w.toggle_info, "F8", checkable=True,
                   checked=lambda c: not w.docks["info"].isHidden()),
        ActionSpec("panel_histogram", "Histogram", lambda: w.toggle_panel("histogram"),
                   checkable=True, checked=lambda c: not w.docks["histogram"].isHidden()),
        ActionSpec("panel_swatches", "Swatches", lambda: w.toggle_panel("swatches"),
                   checkable=True, checked=lambda c: not w.docks["swatches"].isHidden()),
        ActionSpec("panel_character", "Character", lambda: w.toggle_panel("character"),
                   checkable=True, checked=lambda c: not w.docks["character"].isHidden()),
        ActionSpec("panel_paragraph", "Paragraph", lambda: w.toggle_panel("paragraph"),
                   checkable=True, checked=lambda c: not w.docks["paragraph"].isHidden()),
        ActionSpec("panel_styles", "Styles", lambda: w.toggle_panel("styles"),
                   checkable=True, checked=lambda c: not w.docks["styles"].isHidden()),
        ActionSpec("panel_glyphs", "Glyphs", lambda: w.toggle_panel("glyphs"),
                   checkable=True, checked=lambda c: not w.docks["glyphs"].isHidden()),
        ActionSpec("panel_character_styles", "Character Styles",
                   lambda: w.toggle_panel("character_styles"), checkable=True,
                   checked=lambda c: not w.docks["character_styles"].isHidden()),
        ActionSpec("panel_paragraph_styles", "Paragraph Styles",
                   lambda: w.toggle_panel("paragraph_styles"), checkable=True,
                   checked=lambda c: not w.docks["paragraph_styles"].isHidden()),
        ActionSpec("panel_tool_presets", "Tool Presets", lambda: w.toggle_panel("tool_presets"),
                   checkable=True, checked=lambda c: not w.docks["tool_presets"].isHidden()),
        ActionSpec("panel_actions", "Actions", lambda: w.toggle_panel("actions"), "Alt+F9",
                   checkable=True, checked=lambda c: not w.docks["actions"].isHidden()),
        # Help
        ActionSpec("shortcuts", "&Keyboard Shortcuts", w.show_shortcuts, "F1"),
        ActionSpec("about", "&About Layered", w.show_about),
    ]:
        _add(window, spec)
    return window.actions


def build_tool_actions(window: "MainWindow") -> dict[str, QAction]:
    """The tools' actions; each tool's key (`window.tool_keys`) is its letter until Edit >
    Keyboard Shortcuts gives it another (`show_tool_keys` puts the keys on the actions)."""
    group = QActionGroup(window)
    group.setExclusive(True)
    actions = {}
    window.tool_keys = {}
    for tool in window.tools.tools.values():
        # The anchor point tools have no letter (Photoshop's): taken from the palette.
        window.tool_keys[tool.id] = tool.letter
        action = QAction(icon(tool.icon), tool.label, window)
        action.setObjectName(f"tool_{tool.id}")
        action.setCheckable(True)
        action.triggered.connect(lambda _=False, t=tool.id: window.tools.select(t))
        group.addAction(action)
        window.addAction(action)
        actions[tool.id] = action
    window.tool_actions = actions
    show_tool_keys(window)
    actions[window.tools.selected.id].setChecked(True)
    return actions


def show_tool_keys(window: "MainWindow") -> None:
    """Puts each tool's key (`window.tool_keys`) in its label and tip, and on its action.
    Tools of a palette group that share a key (Photoshop's B for Brush, Pencil, ...) give it
    to the one the group's place shows (the first until the palette is built); a tool
    without that key shown there (an anchor point tool) leaves it where it was."""
    buttons = getattr(window, "tool_group_buttons", {})
    shown = {b.defaultAction() for b in buttons.values()} if buttons else \
        {window.tool_actions[members[0]] for members in TOOL_GROUPS.values()}
    keys = window.tool_keys
    for tool_id, action in window.tool_actions.items():
        tool = window.tools.tools[tool_id]
        key = keys.get(tool_id, "")
        sharers = [m for m in group_of(tool_id) if key and keys.get(m) == key]
        held = [m for m in sharers if window.tool_actions[m].shortcut() == QKeySequence(key)]
        holder = next((m for m in sharers if window.tool_actions[m] in shown),
                      held[0] if held else sharers[0] if sharers else None)
        action.setShortcut(QKeySequence(key if holder == tool_id else ""))
        named = f" ({key})" if key else ""
        action.setText(f"{tool.label}{named}")
        action.setToolTip(f"<b>{tool.label}</b>{named}<br>{tool.tip}")


def in_menu_order(window: "MainWindow") -> list[QAction]:
    """The tools, then every action as the menus show it (submenus in place), then the actions
    that have keys only: the Keyboard Shortcuts dialog's order, whichever module made them."""
    ordered = list(window.tool_actions.values())
    own = set(window.actions.values())  # not the docks' toggles nor the recent files

    def walk(menu: QMenu) -> None:
        for item in menu.actions():
            if item.menu() is not None:
                walk(item.menu())
            elif item in own and item not in ordered:
                ordered.append(item)

    for top in window.menuBar().actions():
        walk(top.menu())
    return ordered + [a for a in window.actions.values() if a not in ordered]


def build_menus(window: "MainWindow", bar: QMenuBar) -> dict[str, QMenu]:
    a = window.actions
    menus: dict[str, QMenu] = {}

    def menu(title: str, key: str, items: list) -> QMenu:
        m = bar.addMenu(title)
        m.setObjectName(f"menu_{key}")
        for item in items:
            if item is None:
                m.addSeparator()
            elif isinstance(item, QMenu):
                m.addMenu(item)
            else:
                m.addAction(a[item])
        menus[key] = m
        return m

    recent = QMenu("Open &Recent", window)
    recent.setObjectName("menu_recent")
    menus["recent"] = recent
    export = QMenu("E&xport", window)  # Quick Export here; Export As, Layers to Files: specs
    export.setObjectName("menu_export_menu")
    export.addAction(a["export"])
    menus["export_menu"] = export
    menu("&File", "file", ["new", "open", recent, None, "import_layer", None, "close",
                           "close_all", "save",
                           "save_as", "save_copy", "revert", export, None, "quit"])
    menu("&Edit", "edit", ["undo", "redo", "toggle_last_state", None, "copy", "paste", None, "models", "preferences"])
    menu("&Image", "image", [])  # filled by image_commands' specs
    menu("&Layer", "layer", [])  # layer_commands' specs, then the other modules'
    menu("&Select", "select", [])
    menu("Fil&ter", "filter", [])  # filter_commands' specs
    menu("&View", "view", [])
    window_menu = menu("&Window", "window", [])  # Arrange, Workspace: workspace_commands
    menu("&Help", "help", ["shortcuts", None, "about"])
    _place_contributed(window, menus)
    # The window's docks, checked when shown, in Photoshop's (alphabetical) order: always
    # the Window menu's last items.
    window_menu.addSeparator()
    for key, dock in sorted(window.docks.items(), key=lambda kv: kv[1].windowTitle()):
        window_menu.addAction(a.get(f"panel_{key}", dock.toggleViewAction()))
    return menus
