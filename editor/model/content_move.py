"""Content-Aware Move: the selection's pixels carried to where it is dropped, the place they
left filled from its surroundings, and the moved pixels' border blended into their new place.

It is the Patch tool's Destination patch (`healing.prepare_patch`: the selection's pixels,
from the active layer or with Sample All Layers from what the canvas shows, laid where the
selection is dropped through its coverage, and the selection moves with them) with two
differences:

- Mode Move (Photoshop's default) first fills the selection's old place by Edit > Fill >
  Content-Aware's path (`content_fill.prepare_stroke_fill` over the selection,
  `run_content_fill`, laid by `apply_content_fill`); Extend leaves it, so the pixels are
  copied.
- The heal (`healing.heal_pixels`, the membrane of `engine.healing`, as the Patch tool
  heals) reaches only so far into the moved pixels: Structure (1-7, Photoshop's option,
  default 4) keeps the pixels deeper than a band along the selection's edge exactly as
  they were; the membrane's correction of colour and light is laid in full at the edge
  (no seam) and fades smoothly to nothing across the band. The higher the Structure the
  thinner the band (7: a seventh of the way to the selection's middle; 1: no band, the
  whole selection healed, as by the Patch tool).

The fill and the heal run one after the other in `ContentMove.result`, on the window's job
worker in the editor (the heal's destination is the picture with the hole filled, so an
object moved a little lands on the filled place, not on itself); `apply_content_move` lays
both in one undo step. No Qt here.
"""
from __future__ import annotations

from typing import Optional

import cv2
import numpy as np

from engine.progress import ProgressFn, no_progress

from .content_fill import (ContentFill, apply_content_fill, blend_fill, fill_strength,
                           prepare_stroke_fill, run_content_fill)
from .document import Document
from .edit_ops import selection_region
from .errors import DocumentError
from .healing import NO_SELECTION, PatchHeal, apply_patch, heal_pixels, prepare_patch

NAME = "Content-Aware Move"
MODES = ("move", "extend")
STRUCTURES = range(1, 8)
DEFAULT_STRUCTURE = 4
FILL_SHARE = 0.85   # of the progress bar: the fill is most of the work


def blend_reach(structure: int) -> float:
    """The share (0..1] of the way from the selection's edge to its middle over which the
    heal's correction fades (`structure` 1-7: 1 all of it, 7 a seventh)."""
    s = int(np.clip(structure, 1, 7))
    return (8 - s) / 7.0


class ContentMove(PatchHeal):
    """A move prepared by `prepare_content_move`: what it fills (None in Extend mode), what it
    carries and where it lays it. `result` fills, then heals (once; see `Heal.result`)."""

    def __init__(self, patch: PatchHeal, fill: Optional[ContentFill], structure: int):
        super().__init__(patch.layer, patch.at, patch.dest, patch.source, patch.cover,
                         patch.move_selection)
        self.fill, self.structure = fill, int(structure)
        self.filled: Optional[np.ndarray] = None   # the fill's RGB of its window, once run

    def result(self, progress: Optional[ProgressFn] = None) -> np.ndarray:
        with self._lock:
            if self._healed is None:
                self._healed = self._run(progress)
            return self._healed

    def _run(self, progress: Optional[ProgressFn]) -> np.ndarray:
        def part(start: float, share: float):
            if progress is None:
                return None
            return lambda step, total, preview=None: progress(
                int(1000 * (start + share * min(step + 1, total) / max(total, 1))), 1000)

        dest = self.dest.copy()
        share = FILL_SHARE if self.fill is not None else 0.0
        if self.fill is not None:
            fill = self.fill
            self.filled = run_content_fill(fill, part(0.0, share) or no_progress)
            # The moved pixels land on the picture as the fill leaves it.
            inter = self.at.intersect(fill.box)
            if not inter.is_empty():
                inside = inter.translate(-fill.box.x, -fill.box.y).slices()
                blend_fill(dest[inter.translate(-self.at.x, -self.at.y).slices()],
                           self.filled[inside], fill_strength(fill)[inside])
        healed = heal_pixels(dest, self.source, self.cover, part(share, 1.0 - share))
        if self.structure <= 1:
            return healed
        # The heal's correction (the membrane) in full at the edge, fading smoothly to
        # nothing `blend_reach` of the way to the middle: a membrane cut off sharply there
        # would show its kink as a ring.
        region = self.cover > 0
        padded = np.pad(region, 1).astype(np.uint8)   # beyond the array counts as outside
        depth = cv2.distanceTransform(padded, cv2.DIST_L2, 3)[1:-1, 1:-1]
        reach = max(blend_reach(self.structure) * float(depth.max()), 1.0)
        t = np.clip((depth - 1.0) / reach, 0.0, 1.0)
        keep = (1.0 - t * t * (3.0 - 2.0 * t))[..., None]
        source = self.source[..., :3].astype(np.float32)
        out = healed.copy()
        out[..., :3] = np.clip(np.rint(source + (healed[..., :3] - source) * keep), 0, 255)
        return out


def prepare_content_move(doc: Document, offset: tuple[int, int], extend: bool = False,
                         structure: int = DEFAULT_STRUCTURE,
                         sample_all: bool = False) -> ContentMove:
    """The Content-Aware Move of the selection by `offset` (canvas pixels) on the active
    layer, ready to run (`ContentMove.result`, on any thread) and lay
    (`apply_content_move`). `extend`: the selection's pixels are copied, their place kept."""
    if selection_region(doc) is None:
        raise DocumentError(NO_SELECTION.replace("Patch tool", "Content-Aware Move tool"))
    if offset == (0, 0):
        raise DocumentError("Drag the selection to where its pixels should go.")
    sample = "all" if sample_all else "current"
    patch = prepare_patch(doc, offset, destination=True, sample=sample)
    fill = None
    if not extend:
        box, coverage = selection_region(doc)
        fill = prepare_stroke_fill(doc, patch.layer, box, np.ones_like(coverage),
                                   sample_all=sample_all, what="selection")
    return ContentMove(patch, fill, structure)


def apply_content_move(doc: Document, prepared: ContentMove, healed: np.ndarray,
                       name: str = NAME) -> None:
    """Lays the fill of the old place (Move mode) and the healed pixels at the new one, and
    moves the selection there: one undo step."""
    with doc.history.macro(name):
        if prepared.fill is not None:
            assert prepared.filled is not None   # `result` ran the fill
            apply_content_fill(doc, prepared.fill, prepared.filled, name=name)
        apply_patch(doc, prepared, healed, name)


def content_move(doc: Document, offset: tuple[int, int], extend: bool = False,
                 structure: int = DEFAULT_STRUCTURE, sample_all: bool = False) -> None:
    """Prepare, run and lay at once (headless use): one undo step."""
    prepared = prepare_content_move(doc, offset, extend, structure, sample_all)
    apply_content_move(doc, prepared, prepared.result())
