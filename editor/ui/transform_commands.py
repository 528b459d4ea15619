"""Edit > Free Transform (Ctrl+T) and the Transform submenu: Distort, Perspective, Warp, the
flips and the quarter turns of the active layer or group.

Free Transform is a tool mode (`tools.transform.TransformTool`), and Warp and Edit > Puppet
Warp ones made from it (`tools.warp.WarpTool`, `tools.puppet.PuppetTool`, a pixel layer
only); while one runs, a flip flips the box being transformed. Otherwise the flips and
turns are `Document` operations, which the command line calls too (`editor/cli/transform.py`).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from editor.model import DocumentError, replay

from .actions import ActionSpec, SubmenuSpec, is_layer_or_group, run_on_doc
from .tools.puppet import PuppetTool
from .tools.transform import TransformTool
from .tools.warp import WarpTool

if TYPE_CHECKING:
    from .actions import Spec
    from .window_api import EditorWindow


class TransformCommands:
    def __init__(self, window: "EditorWindow"):
        self.window = window

    def action_specs(self) -> list["Spec"]:
        def item(name, text, slot, separator=False) -> ActionSpec:
            return ActionSpec(name, text, slot, enabled=is_layer_or_group, menu="transform",
                              separator=separator)

        return [
            ActionSpec("free_transform", "Free &Transform", self.free_transform, "Ctrl+T",
                       icon="transform", enabled=is_layer_or_group, menu="edit", after="paste",
                       separator=True),
            SubmenuSpec("transform", "Trans&form", menu="edit", after="free_transform"),
            item("distort", "&Distort", lambda: self.free_transform("distort")),
            item("perspective", "&Perspective", lambda: self.free_transform("perspective")),
            item("warp", "&Warp", self.warp),
            item("flip_h", "Flip &Horizontal", lambda: self.flip(True), separator=True),
            item("flip_v", "Flip &Vertical", lambda: self.flip(False)),
            item("rotate_cw", "Rotate 90° &Clockwise", lambda: self.rotate_quarter(1),
                 separator=True),
            item("rotate_ccw", "Rotate 90° C&ounter Clockwise", lambda: self.rotate_quarter(-1)),
            ActionSpec("puppet_warp", "P&uppet Warp", lambda: self._start(PuppetTool),
                       enabled=is_layer_or_group, menu="edit", after="transform"),
        ]

    def free_transform(self, corners: Optional[str] = None) -> None:
        """Starts Free Transform; `corners` "distort"/"perspective": what a corner drag does."""
        self._start(TransformTool, corners)

    def warp(self) -> None:
        """Starts Warp on the active pixel layer."""
        self._start(WarpTool)

    def _start(self, mode: type[TransformTool], *args) -> None:
        w = self.window
        doc, canvas = w.doc, w.canvas
        if doc is None or w.tools.mode is not None:
            return
        try:
            mode.check(doc.active)
        except DocumentError as exc:
            w.report(exc, f"Could not {mode.verb}")
            return
        w.tools.start_mode(mode(w, w.tools, doc.active, *args))
        canvas.setFocus()

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
        name = "Rotate 90° Clockwise" if direction > 0 else "Rotate 90° Counter Clockwise"
        run_on_doc(self.window, f"Could not {name.lower()}",
                   lambda d: d.active is not None
                   and replay.perform(d, "rotate_layer", turns=direction))
