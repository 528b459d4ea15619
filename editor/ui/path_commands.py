"""The Paths panel's commands as actions in Layer > Paths (the panel's buttons and menu use
them, so their rules hold everywhere): New Path, Save Path…, Duplicate Path, Delete Path,
Load Path as Selection (also Ctrl+Enter with a path tool or in the panel, and Ctrl+click
on a row), Make Work Path… from the selection (asks for the tolerance; the panel's
button makes it at the remembered one, Alt+click asks), Fill Path with the foreground colour and Stroke Path with the Brush's size,
hardness and opacity, on the active layer (or its targeted layer mask); and Layer >
Vector Mask > Current Path.

The operations are `editor.model.paths`' (no Qt); each is one undo step.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from PySide6.QtWidgets import QInputDialog

from editor.model import paths

from . import dialogs
from .actions import ActionSpec, Context, Spec, SubmenuSpec, run_on_doc
from .mask_commands import usable

if TYPE_CHECKING:
    from .window_api import EditorWindow

TOLERANCE_KEY = "paths/tolerance"


def has_path(c: Context) -> bool:
    """A path is chosen in the Paths panel (a document path or a vector mask)."""
    return c.doc is not None and paths.target_vector(c.doc) is not None


def has_doc_path(c: Context) -> bool:
    return c.doc is not None and paths.target_path(c.doc) is not None


def can_duplicate(c: Context) -> bool:
    chosen = paths.target_path(c.doc) if c.doc is not None else None
    return has_path(c) and (chosen is None or not chosen.work)


def has_work_path(c: Context) -> bool:
    return c.doc is not None and paths.work_path(c.doc) is not None


def can_paint_path(c: Context) -> bool:
    """A path is chosen and the active node is a pixel layer (or its mask is targeted)."""
    return has_path(c) and c.node is not None and (
        c.node.kind == "pixel" or (c.node is c.doc.active and c.doc.targeted_mask() is not None))


def can_mask_with_path(c: Context) -> bool:
    return has_doc_path(c) and usable(c) and c.node.vector_mask is None


class PathCommands:
    def __init__(self, window: "EditorWindow"):
        self.window = window

    def action_specs(self) -> list[Spec]:
        """Layer > Paths (the panel's menu holds the same actions) and Layer > Vector Mask >
        Current Path."""
        def in_paths(name, text, slot, enabled, icon=None, tip=None, separator=False):
            return ActionSpec(name, text, slot, icon=icon, tip=tip, enabled=enabled,
                              menu="paths", separator=separator)

        return [
            SubmenuSpec("paths", "Pat&hs", menu="layer", separator=True),
            in_paths("path_new", "&New Path", self.new_path, lambda c: c.doc is not None,
                     "layer-new", "New path (an empty saved path)"),
            in_paths("path_save", "&Save Path…", self.save_path, has_work_path,
                     tip="Save the Work Path under a name"),
            in_paths("path_duplicate", "D&uplicate Path", self.duplicate_path, can_duplicate),
            in_paths("path_delete", "&Delete Path", self.delete_path, has_path, "layer-delete",
                     "Delete the path"),
            in_paths("path_from_selection", "Make &Work Path…",
                     lambda: self.make_work_path(ask=True), lambda c: c.has_selection,
                     "selection-to-path", "Make a Work Path from the selection's edge "
                     "(Alt+click: choose the tolerance)", separator=True),
            in_paths("path_to_selection", "&Load Path as Selection", self.load_selection,
                     has_path, "path-to-selection",
                     "Load the path as a selection (Ctrl+Enter; Ctrl+click on a path)"),
            in_paths("path_fill", "&Fill Path", self.fill_path, can_paint_path, "path-fill",
                     "Fill the path with the foreground colour", separator=True),
            in_paths("path_stroke", "S&troke Path", self.stroke_path, can_paint_path,
                     "path-stroke", "Stroke the path with the brush (its size, hardness and "
                     "opacity) in the foreground colour"),
            ActionSpec("vector_mask_current_path", "&Current Path", self.vector_mask,
                       enabled=can_mask_with_path, menu="vector_mask",
                       after="vector_mask_hide_all"),
        ]

    def _op(self, what: str, fn) -> Optional[object]:
        return run_on_doc(self.window, f"Could not {what}", fn)

    # -- slots ---------------------------------------------------------------------------
    def new_path(self) -> None:
        self._op("make a new path", paths.new_path)

    def save_path(self) -> None:
        doc = self.window.doc
        if doc is None or paths.work_path(doc) is None:
            return
        name = dialogs.ask_text(self.window, "Save Path", "Name:", paths.next_path_name(doc))
        if name is not None:
            self._op("save the path", lambda d: paths.save_work_path(d, name))

    def rename_path(self, uid) -> None:
        doc = self.window.doc
        path = paths.find(doc, uid) if doc is not None else None
        if path is None:
            return
        if path.work:
            doc.set_path_target(uid)
            self.save_path()  # a double-click on the Work Path saves it, as in Photoshop
            return
        name = dialogs.ask_text(self.window, "Rename Path", "Name:", path.name)
        if name is not None:
            self._op("rename the path", lambda d: paths.rename_path(d, uid, name))

    def duplicate_path(self) -> None:
        self._op("duplicate the path", paths.duplicate_path)

    def delete_path(self) -> None:
        self._op("delete the path", paths.delete_path)

    def load_selection(self, op: str = "replace", target=None) -> None:
        """The chosen path (or `target`: a path's uid or paths.VECTOR_MASK) as the selection,
        combined by `op` (replace, add, subtract, intersect)."""
        def load(doc):
            vector = None
            if target is not None:
                vector = (getattr(doc.active, "vector_mask", None) if target == paths.VECTOR_MASK
                          else paths.find(doc, target).vector)
            paths.load_selection(doc, op, vector)
        self._op("load the path as a selection", load)

    def make_work_path(self, ask: bool) -> None:
        settings = self.window.settings
        tolerance = settings.value(TOLERANCE_KEY, paths.DEFAULT_TOLERANCE, float)
        if ask:
            low, high = paths.TOLERANCE_RANGE
            tolerance, ok = QInputDialog.getDouble(self.window, "Make Work Path",
                                                   "Tolerance (pixels):", tolerance, low, high, 1)
            if not ok:
                return
            settings.set_value(TOLERANCE_KEY, tolerance)
        self._op("make a work path", lambda d: paths.work_path_from_selection(d, tolerance))

    def fill_path(self) -> None:
        c = self.window.foreground
        self._op("fill the path", lambda d: paths.fill_path(
            d, d.active, (c.red(), c.green(), c.blue(), 255)))

    def stroke_path(self) -> None:
        c = self.window.foreground
        brush = self.window.tools.tools["brush"]
        self._op("stroke the path", lambda d: paths.stroke_path(
            d, d.active, (c.red(), c.green(), c.blue(), round(255 * brush.opacity)),
            brush.size, brush.hardness))

    def vector_mask(self) -> None:
        self._op("add the vector mask", lambda d: paths.vector_mask_from_path(d, d.active))
