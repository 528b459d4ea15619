"""Edit > Free Transform (Ctrl+T) and the Transform submenu: Again, Scale, Rotate, Skew,
Distort, Perspective, Warp, the flips and the turns of the active layer or group.

Free Transform is a tool mode (`tools.transform.TransformTool`), and Warp, Edit > Puppet
Warp and Edit > Perspective Warp ones made from it (`tools.warp.WarpTool`,
`tools.puppet.PuppetTool`, `tools.perspective_warp.PerspectiveWarpTool`, a pixel layer
only); while one runs, a flip flips the box being transformed. Otherwise the flips and
turns are `Document` operations, which the command line calls too (`editor/cli/transform.py`).

Transform Again (Shift+Ctrl+T) repeats this window's last committed Free Transform (or
Scale, Rotate, Skew, Distort, Perspective) on the active layer or group, as Photoshop does:
the tool's numbers (`TransformTool.numbers`, relative to the frame's centre) played as the
recorded "free_transform" command is, so it is the same transform about the new frame's
centre. Shift+Ctrl+Alt+T duplicates the layer first and transforms the copy (repeated, a
series: a fan of turned copies). Each is one undo step; the memory is the window's, not
saved.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from editor.model import DocumentError, Layer, replay

from .actions import ActionSpec, Context, SubmenuSpec, is_layer_or_group, run_on_doc
from .tools.perspective_warp import PerspectiveWarpTool
from .tools.puppet import PuppetTool
from .tools.transform import TransformTool
from .tools.warp import WarpTool

if TYPE_CHECKING:
    from .actions import Spec
    from .window_api import EditorWindow


def _has_pixels(c: Context) -> bool:
    """Perspective Warp's menu item: a layer with pixels (type and a smart object are then
    refused in one line saying what to do, as Warp and Puppet Warp refuse them)."""
    return isinstance(c.node, Layer) and c.node.kind in ("pixel", "text", "smartobject")


class TransformCommands:
    def __init__(self, window: "EditorWindow"):
        self.window = window
        self.last: Optional[dict] = None  # the last committed transform's numbers (Again)

    def action_specs(self) -> list["Spec"]:
        def item(name, text, slot, separator=False) -> ActionSpec:
            return ActionSpec(name, text, slot, enabled=is_layer_or_group, menu="transform",
                              separator=separator)

        def again(c: "Context") -> bool:
            return self.last is not None and is_layer_or_group(c)

        return [
            ActionSpec("free_transform", "Free &Transform", self.free_transform, "Ctrl+T",
                       icon="transform", enabled=is_layer_or_group, menu="edit", after="paste",
                       separator=True),
            SubmenuSpec("transform", "Trans&form", menu="edit", after="free_transform"),
            ActionSpec("transform_again", "&Again", self.again, "Shift+Ctrl+T", enabled=again,
                       menu="transform"),
            ActionSpec("transform_again_duplicate", "Again with D&uplicate",
                       lambda: self.again(duplicate=True), "Shift+Ctrl+Alt+T", enabled=again,
                       menu="transform"),
            item("scale", "&Scale", lambda: self.free_transform(only="scale"), separator=True),
            item("rotate", "&Rotate", lambda: self.free_transform(only="rotate")),
            item("skew", "Sk&ew", lambda: self.free_transform(only="skew")),
            item("distort", "&Distort", lambda: self.free_transform("distort")),
            item("perspective", "&Perspective", lambda: self.free_transform("perspective")),
            item("warp", "&Warp", self.warp),
            item("rotate_180", "Rotate &180°", lambda: self.rotate_quarter(2), separator=True),
            item("rotate_cw", "Rotate 90° &Clockwise", lambda: self.rotate_quarter(1)),
            item("rotate_ccw", "Rotate 90° C&ounter Clockwise", lambda: self.rotate_quarter(-1)),
            item("flip_h", "Flip &Horizontal", lambda: self.flip(True), separator=True),
            item("flip_v", "Flip &Vertical", lambda: self.flip(False)),
            ActionSpec("puppet_warp", "P&uppet Warp", lambda: self._start(PuppetTool),
                       enabled=is_layer_or_group, menu="edit", after="transform"),
            ActionSpec("perspective_warp", "Perspecti&ve Warp",
                       lambda: self._start(PerspectiveWarpTool), enabled=_has_pixels,
                       menu="edit", after="puppet_warp"),
        ]

    def free_transform(self, corners: Optional[str] = None, only: Optional[str] = None) -> None:
        """Starts Free Transform; `corners` "distort"/"perspective": what a corner drag does;
        `only` "scale"/"rotate"/"skew": Edit > Transform's one kind of handle."""
        tool = self._start(TransformTool, corners, only)
        if tool is not None:
            tool.on_commit = self._remember

    def _remember(self, numbers: dict) -> None:
        self.last = numbers
        self.window.update_actions()  # (Again is enabled from now on)

    def again(self, duplicate: bool = False) -> None:
        """Edit > Transform > Again (with Duplicate): the last transform once more, on the
        active layer or group (or on a copy of it, made above it and transformed), as one
        undo step."""
        numbers = self.last
        if numbers is None:
            return
        name = "Transform Again with Duplicate" if duplicate else "Transform Again"

        def run(doc) -> bool:
            if doc.active is None:
                return False
            with doc.history.macro(name):
                if duplicate:  # (recorded as two steps, played as two)
                    replay.perform(doc, "duplicate_layer")
                replay.perform(doc, "free_transform", **numbers)
            return True

        run_on_doc(self.window, f"Could not {name[0].lower()}{name[1:]}", run)

    def warp(self) -> None:
        """Starts Warp on the active pixel layer."""
        self._start(WarpTool)

    def _start(self, mode: type[TransformTool], *args) -> Optional[TransformTool]:
        w = self.window
        doc, canvas = w.doc, w.canvas
        if doc is None or w.tools.mode is not None:
            return None
        try:
            mode.check(doc.active)
        except DocumentError as exc:
            w.report(exc, f"Could not {mode.verb}")
            return None
        tool = mode(w, w.tools, doc.active, *args)
        w.tools.start_mode(tool)
        canvas.setFocus()
        return tool

    def flip(self, horizontal: bool) -> None:
        mode = self.window.tools.mode
        if mode is not None and hasattr(mode, "flip"):
            mode.flip(horizontal)
            return
        name = "Flip Horizontal" if horizontal else "Flip Vertical"
        run_on_doc(self.window, f"Could not {name.lower()}",
                   lambda d: d.active is not None
                   and replay.perform(d, "flip_layer", horizontal=horizontal))

    def rotate_quarter(self, direction: int) -> None:
        name = {2: "Rotate 180°", 1: "Rotate 90° Clockwise"}.get(
            direction, "Rotate 90° Counter Clockwise")
        run_on_doc(self.window, f"Could not {name.lower()}",
                   lambda d: d.active is not None
                   and replay.perform(d, "rotate_layer", turns=direction))
