"""Edit > Fade: the last pixel change (a filter, an Image > Adjustments command, a brush
stroke) mixed back towards what it replaced, by an opacity and a blend mode, as Photoshop's
Fade dialog does.

`last_edit(doc)` is the step Fade may act on: the newest step of the history (nothing
undone after it, so Fade is "immediately after" the operation as in Photoshop), an in-place
edit of a pixel layer's pixels (`commands.PixelEdit`, alone or with the layer's growth in
one `Macro`), and not a Fade itself. `prepare(doc)` returns a `filter_ops.Target` (the
layer's pixels now, the "after") limited to the edit's box, and a `Fade` operation that
holds the "before" pixels of that box (`PixelEdit.original`), so the Fade dialog runs,
previews and records it exactly as a filter's dialog does (`filter_ops`): OK adds one
undo step, "Fade <operation>", after the operation's own; nothing else is replaced.

The mix: the after-pixels are composited onto the before-pixels with the engine's own
blend formulas (`engine.compose.composite_premultiplied`, what layers blend with), at
the opacity; alpha goes from the before's towards the after's by the opacity (so fading
an eraser stroke brings half the pixels back, as Photoshop's does). Opacity 100 % Normal
is the operation itself; 0 % its undo. Dissolve is not offered (its pattern acts on a
layer's alpha, not on a mix).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import ClassVar, Optional

import numpy as np

from engine.box import Box
from engine.compose import composite_premultiplied

from . import commands as cmds
from . import filter_ops
from .document import Document
from .errors import DocumentError
from .history import Macro
from .layers import BLEND_MODE_MENU
from .pixel_filters import Operation

MODES = tuple(m for m in BLEND_MODE_MENU if m != "dissolve")
PREFIX = "Fade "  # a Fade step's name starts so (and Fade cannot fade itself)


def last_edit(doc: Document) -> Optional[cmds.PixelEdit]:
    """The newest step if Fade can act on it (see the module's note), else None."""
    history = doc.history
    cmd = history.current()
    if cmd is None or history.can_redo() or cmd.name.startswith(PREFIX):
        return None
    if isinstance(cmd, Macro) and cmd.commands:
        cmd = cmd.commands[-1]  # begin_pixel_edit's growth, then the edit
    # Exactly a layer's pixels: the mask edits (LayerMaskEdit, MaskEdit) are subclasses.
    if type(cmd) is not cmds.PixelEdit or cmd.box.is_empty() or not doc.contains(cmd.layer):
        return None
    return cmd


@dataclass(frozen=True)
class Fade(Operation):
    """After-pixels mixed onto the before-pixels (`before`, straight RGBA of canvas box
    `where_before`) by `opacity` (0..100 %) in blend mode `mode`."""

    opacity: int = 100
    mode: str = "normal"
    what: str = ""                                   # the faded operation's name
    before: np.ndarray = field(default=None, compare=False, repr=False)
    where_before: Box = field(default=None, compare=False)
    # Alpha may come back (a faded eraser stroke): the pixels the after-state hides change.
    grows: ClassVar[bool] = True

    @property
    def label(self) -> str:  # type: ignore[override]
        return PREFIX + self.what

    def is_identity(self) -> bool:
        return self.opacity >= 100 and self.mode == "normal"

    def process(self, src, inner, where, coverage):
        after = src[inner.slices()]
        before = after.copy()  # outside the edit's box nothing changed
        inter = where.intersect(self.where_before)
        if not inter.is_empty():
            before[inter.translate(-where.x, -where.y).slices()] = \
                self.before[inter.translate(-self.where_before.x, -self.where_before.y).slices()]
        return mix(before, after, self.opacity / 100.0, self.mode)


def mix(before: np.ndarray, after: np.ndarray, opacity: float, mode: str) -> np.ndarray:
    """Straight uint8 RGBA: `after` blended onto `before` in `mode` at `opacity` (0..1), the
    layers' own compositing; alpha from before's to after's by the opacity."""
    b = before.astype(np.float32) / 255
    a = after.astype(np.float32) / 255
    backdrop = np.concatenate([b[..., :3] * b[..., 3:], b[..., 3:]], axis=-1)
    out = composite_premultiplied(backdrop, a, mode, opacity)
    alpha = b[..., 3:] + np.float32(opacity) * (a[..., 3:] - b[..., 3:])
    with np.errstate(divide="ignore", invalid="ignore"):
        colour = np.where(out[..., 3:] > 0, out[..., :3] / np.maximum(out[..., 3:], 1e-12), 0)
    result = np.empty(before.shape, np.uint8)
    result[..., :3] = np.rint(np.clip(colour, 0, 1) * 255)
    result[..., 3] = np.rint(np.clip(alpha[..., 0], 0, 1) * 255)
    return result


def prepare(doc: Document) -> tuple[filter_ops.Target, Fade]:
    """The layer of the last edit ready for Fade, and a Fade at 100 % Normal (no change)."""
    edit = last_edit(doc)
    if edit is None:
        raise DocumentError("Fade works right after a filter, an adjustment or a stroke.")
    layer = edit.layer
    box = edit.box
    canvas_box = box.translate(layer.x, layer.y)
    target = filter_ops.prepare(doc, layer, "fade")
    # The edit's box only, without the selection's soft edge: the edit already kept to it.
    target = replace(target, selection=None, selected=canvas_box)
    return target, Fade(100, "normal", edit.name, edit.original(box), canvas_box)


def apply(doc: Document, opacity: int, mode: str = "normal") -> None:
    """Edit > Fade without its dialog (headless use, tests): one undo step."""
    if mode not in MODES:
        raise DocumentError(f"Fade has no blend mode {mode!r}.")
    target, op = prepare(doc)
    op = replace(op, opacity=int(opacity), mode=mode)
    filter_ops.keep(doc, filter_ops.show(doc, target, filter_ops.run(target, op)))
