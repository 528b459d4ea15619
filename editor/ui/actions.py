"""The window's commands as QActions (with Photoshop's shortcuts) and the menus that hold them.

The window's own actions are the table in `build_actions`. A command module
(`decompose_commands`, ...) contributes its actions as `ActionSpec`s —
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

if TYPE_CHECKING:
    from .main_window import MainWindow

Keys = Union[str, list[str], None]


@dataclass(frozen=True)
class Context:
    """What decides whether an action can run now."""

    doc: Optional[Document] = None
    node: Optional[Node] = None       # the active layer or group
    job_running: bool = False         # an engine job is running or queued

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


# When the window's own actions are enabled (undo and redo also change their text).
CORE_RULES: dict[str, Rule] = {
    **{name: has_doc for name in ("close", "save", "save_as", "export", "new_layer", "new_group",
                                  "flatten", "select_all", "zoom_in", "zoom_out", "fit",
                                  "actual", "import_layer")},
    **{name: has_node for name in ("duplicate", "delete_layer", "rename_layer", "toggle_visible",
                                   "toggle_lock", "bring_forward", "send_backward", "group",
                                   "copy")},
    **{name: is_layer_or_group for name in ("free_transform", "flip_h", "flip_v", "rotate_cw",
                                            "rotate_ccw", "distort", "perspective")},
    "trim": is_layer,
    "merge_down": can_merge_down,
    "ungroup": is_group,
    "deselect": has_selection,
}


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
    menu: Optional[str] = None        # file, edit, layer, select, view, help; None: keys only
    after: Optional[str] = None       # the action it follows in that menu; None: at the end
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
        action = _action(window, spec.name, spec.text, spec.keys, spec.slot, spec.icon, spec.tip)
        action.setCheckable(spec.checkable)
        window.actions[spec.name] = action
        window.action_rules[spec.name] = spec.enabled


def refresh_actions(window: "MainWindow", context: Context) -> None:
    """Enables every action by its rule (and sets the checks and texts that follow the context)."""
    for name, rule in window.action_rules.items():
        window.actions[name].setEnabled(bool(rule(context)))
    for spec in window.contributed:
        if isinstance(spec, SubmenuSpec):
            continue
        if spec.checked is not None:
            window.actions[spec.name].setChecked(bool(spec.checked(context)))
        if spec.label is not None:
            window.actions[spec.name].setText(spec.label(context))


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
        anchor = window.actions[spec.after] if spec.after else None
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
    action.triggered.connect(lambda _checked=False: slot())
    window.addAction(action)  # shortcuts work even when the menu bar is hidden
    return action


def build_actions(window: "MainWindow") -> dict[str, QAction]:
    w = window
    f = window.files
    specs = [
        # File
        ("new", "&New…", "Ctrl+N", f.new_document, "file-new"),
        ("open", "&Open…", "Ctrl+O", f.open_dialog, "file-open"),
        # Shift+Ctrl+I is Photoshop's Select > Inverse (select_commands); Import has no key.
        ("import_layer", "&Import as Layer…", None, f.import_dialog, None),
        ("close", "&Close", "Ctrl+W", w.close_current, None),
        ("save", "&Save", "Ctrl+S", lambda: f.save(), None),
        ("save_as", "Save &As…", "Shift+Ctrl+S", lambda: f.save_as(), None),
        ("export", "&Export PNG/JPEG…", "Alt+Shift+Ctrl+W", f.export, None),
        ("quit", "&Quit", "Ctrl+Q", w.close, None),
        # Edit
        ("undo", "&Undo", "Ctrl+Z", w.undo, None),
        ("redo", "&Redo", ["Shift+Ctrl+Z", "Ctrl+Y"], w.redo, None),
        ("copy", "&Copy", "Ctrl+C", f.copy, None),
        ("paste", "&Paste", "Ctrl+V", f.paste, None),
        ("free_transform", "Free &Transform", "Ctrl+T", w.free_transform, "transform"),
        ("distort", "&Distort", None, lambda: w.free_transform("distort"), None),
        ("perspective", "&Perspective", None, lambda: w.free_transform("perspective"), None),
        ("flip_h", "Flip &Horizontal", None, lambda: w.flip(True), None),
        ("flip_v", "Flip &Vertical", None, lambda: w.flip(False), None),
        ("rotate_cw", "Rotate 90° &Clockwise", None, lambda: w.rotate_quarter(1), None),
        ("rotate_ccw", "Rotate 90° C&ounter Clockwise", None, lambda: w.rotate_quarter(-1), None),
        ("models", "&Models…", None, w.show_models, None),
        ("preferences", "Pre&ferences…", "Ctrl+K", w.preferences, None),
        # Layer
        ("new_layer", "&New Layer", "Shift+Ctrl+N", w.new_layer, "layer-new"),
        ("new_group", "New &Group", None, w.new_group, "folder"),
        ("duplicate", "&Duplicate Layer", "Ctrl+J", w.duplicate_layer, "layer-duplicate"),
        ("delete_layer", "De&lete Layer", None, w.delete_layer, "layer-delete"),
        ("rename_layer", "&Rename Layer…", None, w.rename_layer, None),
        ("toggle_visible", "Show/&Hide Layer", "Ctrl+,", w.toggle_visible, "eye"),
        ("toggle_lock", "&Lock/Unlock Layer", "Ctrl+/", w.toggle_lock, "lock"),
        ("bring_forward", "Bring &Forward", "Ctrl+]", lambda: w.raise_layer(1), None),
        ("send_backward", "Send &Backward", "Ctrl+[", lambda: w.raise_layer(-1), None),
        ("merge_down", "&Merge Down", "Ctrl+E", w.merge_down, "merge-down"),
        ("flatten", "&Flatten Image", None, w.flatten, None),
        ("group", "&Group Layers", "Ctrl+G", w.group_layers, "layer-group"),
        ("ungroup", "&Ungroup Layers", "Shift+Ctrl+G", w.ungroup_layers, None),
        ("trim", "&Trim Layer to Content", None, w.trim_layer, None),
        # Select
        ("select_all", "&All", "Ctrl+A", w.select_all, None),
        ("deselect", "&Deselect", "Ctrl+D", w.deselect, None),
        # View
        ("zoom_in", "Zoom &In", ["Ctrl+=", "Ctrl++"], lambda: w.with_canvas(lambda c: c.zoom_in()), None),
        ("zoom_out", "Zoom &Out", "Ctrl+-", lambda: w.with_canvas(lambda c: c.zoom_out()), None),
        ("fit", "&Fit on Screen", "Ctrl+0", lambda: w.with_canvas(lambda c: c.fit()), None),
        ("actual", "&100 %", "Ctrl+1", lambda: w.with_canvas(lambda c: c.actual_pixels()), None),
        ("reset_panels", "&Reset Panels", None, w.reset_panels, None),
        # Colours and brush size (no menu: keys only)
        ("swap_colors", "Swap Colours", "X", w.swap_colors, None),
        ("default_colors", "Default Colours", "D", w.default_colors, None),
        ("brush_smaller", "Smaller Brush", "[", lambda: w.brush_size(-1), None),
        ("brush_larger", "Larger Brush", "]", lambda: w.brush_size(1), None),
        # Help
        ("shortcuts", "&Keyboard Shortcuts", "F1", w.show_shortcuts, None),
        ("about", "&About Layered", None, w.show_about, None),
    ]
    actions = {}
    for name, text, keys, slot, icon_name in specs:
        actions[name] = _action(window, name, text, keys, slot, icon_name)
    return actions


def build_tool_actions(window: "MainWindow") -> dict[str, QAction]:
    group = QActionGroup(window)
    group.setExclusive(True)
    actions = {}
    for tool in window.tools.tools.values():
        action = QAction(icon(tool.icon), f"{tool.label} ({tool.letter})", window)
        action.setObjectName(f"tool_{tool.id}")
        action.setCheckable(True)
        action.setShortcut(QKeySequence(tool.letter))
        action.setToolTip(f"<b>{tool.label}</b> ({tool.letter})<br>{tool.tip}")
        action.triggered.connect(lambda _=False, t=tool.id: window.tools.select(t))
        group.addAction(action)
        window.addAction(action)
        actions[tool.id] = action
    actions[window.tools.selected.id].setChecked(True)
    return actions


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
    transform = QMenu("Trans&form", window)
    for name in ("distort", "perspective", None, "flip_h", "flip_v", None, "rotate_cw",
                 "rotate_ccw"):
        if name is None:
            transform.addSeparator()
        else:
            transform.addAction(a[name])
    menu("&File", "file", ["new", "open", recent, None, "import_layer", None, "close", "save",
                           "save_as", "export", None, "quit"])
    menu("&Edit", "edit", ["undo", "redo", None, "copy", "paste", None, "free_transform",
                           transform, None, "models", "preferences"])
    menu("&Image", "image", [])  # filled by image_commands' specs
    arrange = QMenu("&Arrange", window)
    arrange.addAction(a["bring_forward"])
    arrange.addAction(a["send_backward"])
    menu("&Layer", "layer", ["new_layer", "new_group", "duplicate", "delete_layer", "rename_layer",
                             None, "toggle_visible", "toggle_lock", arrange, None, "group", "ungroup",
                             None, "merge_down", "flatten", "trim"])
    menu("&Select", "select", ["select_all", "deselect"])
    view = menu("&View", "view", ["zoom_in", "zoom_out", "fit", "actual", None])
    panels = view.addMenu("&Panels")  # view_commands' specs go before it, after "actual"
    for dock in window.docks.values():
        panels.addAction(dock.toggleViewAction())
    panels.addSeparator()
    panels.addAction(a["reset_panels"])
    menu("&Help", "help", ["shortcuts", None, "about"])
    _place_contributed(window, menus)
    return menus
