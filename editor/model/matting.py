"""Layer > Matting: Color Decontaminate, Defringe, Remove Black Matte, Remove White Matte,
as Photoshop has them.

They clean the edge of a layer cut out of a picture (a pasted selection, a generated or
decomposed foreground) whose soft or outer pixels still carry the old background's
colour. Each is a `pixel_filters.Operation` run by `filter_ops.apply` on the active pixel
layer: inside the selection (its soft edge mixing, as a filter's), one undo step, refused
in one line on a locked layer (Lock All or Lock Image Pixels), a hidden or empty one, a
smart object or a targeted layer mask. Alpha never changes; only colour does.

- Defringe (Width, px): the edge band is the pixels within Width of the layer's fully
  transparent pixels (Euclidean distance; a pixel next to one is 1 away), and any
  translucent pixel; the pure pixels are the opaque ones beyond the band. Each band pixel
  takes the colour of the nearest pure pixel, when one lies within twice Width (so a thin
  stroke or a soft shadow far from any pure colour keeps its own). This is Photoshop's
  "replaces the color of any fringe pixels with the colors of nearby pixels containing
  pure colors"; its exact band is not published, this one is our reading.
- Color Decontaminate (Amount, %): a layer with a layer mask (a cut-out that still holds
  its old background, hidden by the mask: Select and Mask's Layer Mask output) gets along
  the mask's soft edge the object's own colours, solved from the old background carried in
  from where the mask hides all, the very `refine_edge.decontaminate` that Select and
  Mask's Decontaminate Colors uses. The mask stays as it is. Without a mask there is no
  old background to solve against: it says so (Defringe or Remove Matte fit then).
- Remove Black / White Matte: the colours of translucent pixels were composited against
  black or white (premultiplied), c = a F + (1 - a) m; they are un-premultiplied,
  F = (c - (1 - a) m) / a, clipped to 0..255. Opaque and transparent pixels stay.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Optional

import cv2
import numpy as np

from engine.box import Box
from engine.progress import ProgressFn, no_progress

from . import filter_ops
from .document import Document
from .errors import DocumentError
from .layers import LayerMask, Node
from .pixel_filters import Operation, mix8

DEFRINGE_MAX = 200  # px: Photoshop's Defringe width goes to 200


@dataclass(frozen=True)
class Defringe(Operation):
    label: ClassVar[str] = "Defringe"
    width: int = 1

    def reach(self) -> int:
        return 2 * self.width + 2  # where the replacement colours may come from

    def banded(self) -> bool:
        return False  # distances run across the whole layer

    def process(self, src: np.ndarray, inner: Box, where: Box,
                coverage: Optional[np.ndarray]) -> np.ndarray:
        old = src[inner.slices()]
        new = defringe(src, self.width)[inner.slices()]
        return mix8(old, new, coverage)


@dataclass(frozen=True)
class RemoveMatte(Operation):
    white: bool = False

    @property
    def label(self) -> str:  # type: ignore[override]
        return "Remove White Matte" if self.white else "Remove Black Matte"

    def process(self, src, inner, where, coverage):
        old = src[inner.slices()]
        return mix8(old, remove_matte(old, 255 if self.white else 0), coverage)


@dataclass(frozen=True, eq=False)
class ColorDecontaminate(Operation):
    label: ClassVar[str] = "Color Decontaminate"
    amount: float = 100.0          # %
    matte: Optional[LayerMask] = None  # a copy of the layer's mask when it was asked

    def reach(self) -> int:
        return 1 << 24  # all of the layer: the old ground is carried in from anywhere

    def banded(self) -> bool:
        return False

    def process(self, src, inner, where, coverage):
        from .refine_edge import decontaminate  # (OpenCV and the fill steps: on first use)

        read = Box(where.x - inner.x, where.y - inner.y, src.shape[1], src.shape[0])
        alpha = self.matte.raw_crop(read).astype(np.float32) / 255.0
        old = src[inner.slices()]
        new = old.copy()
        new[..., :3] = decontaminate(src[..., :3], alpha, self.amount / 100)[inner.slices()]
        return mix8(old, new, coverage)


def color_decontaminate(doc: Document, amount: float, node: Optional[Node] = None) -> None:
    """Layer > Matting > Color Decontaminate on the active (or given) layer's mask edge."""
    apply(doc, decontaminate_op(doc, amount, node), node)


def decontaminate_op(doc: Document, amount: float, node: Optional[Node] = None):
    """Color Decontaminate at `amount` % on the mask `node` (default: the active) has now, or
    a DocumentError in one line when it has none."""
    node = node if node is not None else doc.active
    mask = getattr(node, "mask", None)
    if node is not None and not isinstance(mask, LayerMask):
        raise DocumentError(f"Color Decontaminate needs a layer mask on '{node.name}' (its "
                            f"soft edge): add one, or use Defringe or Remove Black Matte.")
    matte = None
    if mask is not None:
        matte = LayerMask(mask.pixels.copy(), mask.x, mask.y, default=mask.default)
    return ColorDecontaminate(float(amount), matte)


def defringe(rgba: np.ndarray, width: int) -> np.ndarray:
    """`rgba` (straight, uint8) with its edge band's colours taken from the nearest pure
    opaque pixels (see the module's notes)."""
    width = int(width)
    out = rgba.copy()
    alpha = rgba[..., 3]
    # Distance of every drawn pixel to the nearest fully transparent one (borders of the
    # array are not transparent: a layer filling its box has no edge there).
    drawn = (alpha > 0).astype(np.uint8)
    if drawn.all():
        return out
    edge_dist = cv2.distanceTransform(drawn, cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
    pure = (alpha == 255) & (edge_dist > width)
    if not pure.any():
        return out
    # Nearest pure pixel of each pixel: distance and a label naming that pixel.
    dist, labels = cv2.distanceTransformWithLabels(
        (~pure).astype(np.uint8), cv2.DIST_L2, 5, labelType=cv2.DIST_LABEL_PIXEL)
    lut = np.zeros(int(labels.max()) + 1, np.int64)
    lut[labels[pure]] = np.flatnonzero(pure)
    band = (alpha > 0) & ~pure & ((edge_dist <= width) | (alpha < 255)) \
        & (dist <= 2 * width)
    source = lut[labels[band]]
    flat = rgba.reshape(-1, 4)
    out[band, :3] = flat[source, :3]
    return out


def remove_matte(rgba: np.ndarray, matte: int) -> np.ndarray:
    """`rgba` with the translucent pixels' colours un-premultiplied from matte `matte`
    (0: black, 255: white)."""
    out = rgba.copy()
    a = rgba[..., 3].astype(np.float32) / 255.0
    soft = (rgba[..., 3] > 0) & (rgba[..., 3] < 255)
    if not soft.any():
        return out
    a = a[soft][:, None]
    c = rgba[soft, :3].astype(np.float32)
    f = (c - (1.0 - a) * matte) / a
    out[soft, :3] = np.clip(np.rint(f), 0, 255).astype(np.uint8)
    return out


def prepare(doc: Document, op: Operation, node: Optional[Node] = None) -> filter_ops.Target:
    """The active (or given) pixel layer ready for a matting operation, or a DocumentError
    in one line saying why it cannot be (`filter_ops.prepare`'s checks)."""
    node = node if node is not None else doc.active
    if node is not None and doc.active is node and doc.targeted_mask() is not None:
        raise DocumentError(f"{op.label} works on a layer's pixels: click the thumbnail of "
                            f"'{node.name}' (not its mask) in the Layers panel.")
    what = {Defringe: "defringe", ColorDecontaminate: "decontaminate"}.get(
        type(op), "remove the matte from")
    return filter_ops.prepare(doc, node, what, smart=False)


def apply(doc: Document, op: Operation, node: Optional[Node] = None,
          progress: ProgressFn = no_progress) -> None:
    """Runs a matting operation on the active (or given) pixel layer: one undo step (the
    editor runs `filter_ops.run` as a job in between instead, as it runs filters)."""
    target = prepare(doc, op, node)
    filter_ops.keep(doc, filter_ops.show(doc, target, filter_ops.run(target, op, progress)))
